"""Errors an import raises as a whole (single files that fail become LoadProblems instead)."""

from __future__ import annotations

__all__ = ["UnknownFormatError"]


class UnknownFormatError(ValueError):
    """The path is not an export this product can read; the message says what was expected."""
