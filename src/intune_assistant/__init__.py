"""Intune Assistant: see, document, compare and troubleshoot Intune tenants (delegated only)."""

__version__ = "0.1.0"
