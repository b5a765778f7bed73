"""Web pages of the targeting module."""
