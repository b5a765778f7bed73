"""File names for saved objects: readable, portable, and never colliding.

A name is ``<slug of the display name>__<suffix>.json``. The slug is ASCII, at most 80
characters, safe on Windows, macOS and Linux; the suffix is the object's id when it is short and
file-safe, else a hash of the id or (objects without id) of the content. A counter is added
when a name is still taken, compared case-insensitively because Windows and macOS folders are.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any

__all__ = ["MAX_SLUG", "ObjectFileNamer", "slugify"]

MAX_SLUG = 80
_MAX_ID_SUFFIX = 64
_HASH_CHARS = 12
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]+")
# Device names Windows reserves whatever the extension ("CON.json" cannot be created).
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(10)} | {f"LPT{i}" for i in range(10)}
)


def slugify(text: str) -> str:
    """An ASCII, file-safe rendering of ``text`` of at most ``MAX_SLUG`` characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _UNSAFE.sub("_", ascii_text)
    # Windows drops trailing dots and spaces; leading dots hide files on Unix.
    slug = slug[:MAX_SLUG].strip("._-")
    if not slug:
        return "object"
    if slug.split(".", 1)[0].upper() in _WINDOWS_RESERVED:
        slug = f"_{slug}"[:MAX_SLUG]
    return slug


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]


def _suffix(obj: dict[str, Any]) -> str:
    object_id = obj.get("id")
    if isinstance(object_id, str) and object_id:
        if len(object_id) <= _MAX_ID_SUFFIX and _SAFE_ID.fullmatch(object_id):
            return object_id
        return f"id-{_digest(object_id)}"
    canonical = json.dumps(obj, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=str)
    return f"h-{_digest(canonical)}"


class ObjectFileNamer:
    """Hands out unique file names within one folder, in the order objects are given."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def name_for(self, display_name: str, obj: dict[str, Any]) -> str:
        """A file name for ``obj`` not yet handed out by this namer."""
        stem = f"{slugify(display_name)}__{_suffix(obj)}"
        candidate = f"{stem}.json"
        counter = 1
        while candidate.casefold() in self._taken:
            counter += 1
            candidate = f"{stem}-{counter}.json"
        self._taken.add(candidate.casefold())
        return candidate
