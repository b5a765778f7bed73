"""Web pages of the comparison module."""
