"""Encrypted browser cookies: AES-GCM with the session key, split when they grow large.

The API token lives only here (DESIGN §2.5): the server keeps no session store. Each value is
``base64url(version || nonce || AES-GCM(ciphertext+tag))`` with a random 96-bit nonce and the
cookie's base name as associated data, so a value cannot be moved to another cookie, and any
change to any byte (or to the order of the parts) makes it unreadable.

A value longer than ``CHUNK_SIZE`` characters is split across ``name``, ``name.1``, ``name.2`` …
because browsers drop cookies over ~4 KB.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Mapping
from typing import Any, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from starlette.responses import Response

CHUNK_SIZE = 3500
MAX_CHUNKS = 8
_VERSION = b"\x01"
_NONCE_BYTES = 12

SameSite = Literal["lax", "strict", "none"]


class CookieCipher:
    """Seals and opens JSON objects for a named cookie with one 32-byte key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the cookie key must be 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, name: str, data: Mapping[str, Any]) -> str:
        """Encrypt ``data`` for cookie ``name``; the result is URL- and cookie-safe text."""
        nonce = os.urandom(_NONCE_BYTES)
        plain = json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8")
        sealed = _VERSION + nonce + self._aead.encrypt(nonce, plain, name.encode("utf-8"))
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")

    def open(self, name: str, value: str | None) -> dict[str, Any] | None:
        """The object sealed for ``name``, or ``None`` when missing, tampered with or foreign."""
        if not value:
            return None
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            return None
        if len(raw) < 1 + _NONCE_BYTES + 16 or raw[:1] != _VERSION:
            return None
        nonce, body = raw[1 : 1 + _NONCE_BYTES], raw[1 + _NONCE_BYTES :]
        try:
            plain = self._aead.decrypt(nonce, body, name.encode("utf-8"))
            data = json.loads(plain)
        except (InvalidTag, ValueError):
            return None
        return data if isinstance(data, dict) else None


def chunk_names(name: str, cookies: Mapping[str, str]) -> list[str]:
    """The names of ``name``'s parts present in the request, in order."""
    names = [name] if name in cookies else []
    index = 1
    while names and f"{name}.{index}" in cookies and index < MAX_CHUNKS:
        names.append(f"{name}.{index}")
        index += 1
    return names


def read_split(name: str, cookies: Mapping[str, str]) -> str | None:
    """The whole value of a possibly split cookie, or ``None`` when absent."""
    parts = chunk_names(name, cookies)
    return "".join(cookies[part] for part in parts) if parts else None


def write_split(
    response: Response,
    name: str,
    value: str,
    *,
    request_cookies: Mapping[str, str],
    secure: bool,
    samesite: SameSite = "lax",
    max_age: int | None = None,
    path: str = "/",
) -> int:
    """Set ``value`` as cookie ``name`` (split when long); delete parts a longer old value left.

    No ``max_age`` makes a session cookie (no expiry: it ends with the browser session).
    Returns how many cookies were written.
    """
    parts = [value[i : i + CHUNK_SIZE] for i in range(0, len(value), CHUNK_SIZE)] or [""]
    if len(parts) > MAX_CHUNKS:
        raise ValueError(f"cookie {name} would need {len(parts)} parts; the limit is {MAX_CHUNKS}")
    for index, part in enumerate(parts):
        response.set_cookie(
            name if index == 0 else f"{name}.{index}",
            part,
            max_age=max_age,
            path=path,
            secure=secure,
            httponly=True,
            samesite=samesite,
        )
    for stale in chunk_names(name, request_cookies)[len(parts) :]:
        response.delete_cookie(stale, path=path, secure=secure, httponly=True, samesite=samesite)
    return len(parts)


def clear_split(
    response: Response, name: str, *, request_cookies: Mapping[str, str], secure: bool, path: str = "/"
) -> None:
    """Delete cookie ``name`` and every part of it the request carried (always the first one)."""
    names = chunk_names(name, request_cookies) or [name]
    for part in names:
        response.delete_cookie(part, path=path, secure=secure, httponly=True, samesite="lax")
