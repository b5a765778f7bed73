"""Dotted numeric versions as ``operatingSystemVersion`` compares them.

Intune compares versions part by part as numbers, missing parts counting as 0: on a device at
10.0.26100.9457, ``-eq 10.0.26100`` does not match but ``-ge 10.0.26100`` does (lab finding in
the filters reference). A rule's version has 2 to 4 parts; a device may report fewer (Android
reports "14"), which the same zero-padding handles.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RULE_VERSION_PARTS", "Version", "compare_versions", "parse_version"]

# What Intune accepts as a version in a rule (lab: 2–4 numeric parts).
RULE_VERSION_PARTS = (2, 4)


@dataclass(frozen=True)
class Version:
    """A version as written: its numeric parts, in order (no padding applied)."""

    parts: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.parts or any(part < 0 for part in self.parts):
            raise ValueError(f"a version needs one or more non-negative parts, got {self.parts!r}")

    def __str__(self) -> str:
        return ".".join(str(part) for part in self.parts)


def parse_version(text: str, *, min_parts: int = 1, max_parts: int | None = None) -> Version | None:
    """Parse ``text`` (surrounding spaces ignored) as digits separated by dots, or return None.

    Only ASCII digits count: ``str.isdigit`` would accept superscripts and other scripts'
    digits, which no operating system reports.
    """
    pieces = text.strip().split(".")
    if len(pieces) < min_parts or (max_parts is not None and len(pieces) > max_parts):
        return None
    if not all(piece and piece.isascii() and piece.isdigit() for piece in pieces):
        return None
    return Version(tuple(int(piece) for piece in pieces))


def compare_versions(left: Version, right: Version) -> int:
    """-1, 0 or 1 as ``left`` is lower than, equal to or higher than ``right`` (missing parts are 0)."""
    width = max(len(left.parts), len(right.parts))
    a = left.parts + (0,) * (width - len(left.parts))
    b = right.parts + (0,) * (width - len(right.parts))
    return (a > b) - (a < b)
