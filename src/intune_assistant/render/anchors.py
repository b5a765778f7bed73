"""Anchors for headings: readable, URL-safe, and unique within one document."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["AnchorMaker", "slug"]

_UNSAFE = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 80) -> str:
    """Lower-case ASCII words joined by hyphens (``WIN - BitLocker`` → ``win-bitlocker``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _UNSAFE.sub("-", ascii_text).strip("-")[:limit].strip("-") or "section"


class AnchorMaker:
    """Hands out anchors never handed out before by this maker (a counter settles collisions)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def make(self, text: str) -> str:
        """A new anchor for ``text``."""
        base = slug(text)
        candidate, counter = base, 1
        while candidate in self._taken:
            counter += 1
            candidate = f"{base}-{counter}"
        self._taken.add(candidate)
        return candidate
