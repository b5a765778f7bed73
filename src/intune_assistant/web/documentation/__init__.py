"""Web pages of the documentation module."""
