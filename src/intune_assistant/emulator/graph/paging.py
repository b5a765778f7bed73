"""Server-driven paging: page sizes, opaque ``$skiptoken`` values and absolute nextLinks.

A skiptoken is ``base64url(json([position, signature]))`` where the signature is a hash of the
version, the path and the other query options: a token replayed on another query is a 400.
Clients must treat it as opaque (Graph's are Cosmos continuations or ``LastDeviceName='…'``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import quote, urlencode

from ...catalog import ResourceType
from .errors import GraphError, bad_request
from .query import QueryOptions

__all__ = [
    "DIRECTORY_MAX_TOP",
    "Page",
    "decode_skiptoken",
    "directory_page_size",
    "encode_skiptoken",
    "intune_page_size",
    "next_link",
    "query_signature",
    "slice_page",
]

DIRECTORY_MAX_TOP = 999
DIRECTORY_DEFAULT_PAGE = 100
T = TypeVar("T")


def intune_page_size(page_size: int, max_page_size: int | None, top: int | None) -> int:
    """Items per page on an Intune list: ``$top`` honoured up to the known maximum.

    When the maximum is unknown Graph's own default page size is the cap, so a client that asks
    for more still has to follow nextLinks. ``0`` means unpaged (``$top`` is ignored).
    """
    if page_size == 0:
        return 0
    if top is None:
        return page_size
    if top == 0:
        raise bad_request("Invalid value '0' for $top query option found. $top must be at least 1.")
    return min(top, max_page_size if max_page_size is not None else page_size)


def directory_page_size(record: ResourceType | None, top: int | None) -> int:
    """Items per page on a directory list: default 100, ``$top`` 1..999 else 400."""
    if top is None:
        return record.page_size if record is not None and record.page_size else DIRECTORY_DEFAULT_PAGE
    maximum = record.max_page_size if record is not None and record.max_page_size else DIRECTORY_MAX_TOP
    if not 1 <= top <= maximum:
        raise GraphError(
            400,
            "Request_UnsupportedQuery",
            f"Invalid page size specified: '{top}'. Must be between 1 and {maximum} inclusive.",
        )
    return top


def query_signature(version: str, path: str, options: QueryOptions) -> str:
    """A short hash binding a skiptoken to its query."""
    canonical = json.dumps([version, path.strip("/"), sorted(options.passthrough)])
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode_skiptoken(position: int, signature: str) -> str:
    """An opaque token for ``position`` in the query with ``signature``."""
    raw = json.dumps([position, signature], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_skiptoken(token: str | None, signature: str) -> int:
    """The position a token points to (0 without a token); a foreign or damaged token is a 400."""
    if token is None:
        return 0
    try:
        padded = token + "=" * (-len(token) % 4)
        position, token_signature = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, binascii.Error):
        raise bad_request("The $skiptoken value is not valid.") from None
    if not isinstance(position, int) or position < 0 or token_signature != signature:
        raise bad_request("The $skiptoken value is not valid for this query.")
    return position


def next_link(base_url: str, version: str, path: str, options: QueryOptions, token: str) -> str:
    """The absolute nextLink: same path and options, plus ``$skiptoken``."""
    pairs = [*options.passthrough, ("$skiptoken", token)]
    query = urlencode(pairs, quote_via=quote, safe="$,()'*")
    return f"{base_url}/{version}/{path.strip('/')}?{query}"


@dataclass(frozen=True)
class Page(Generic[T]):
    """The items of one page and where the next page starts (``None``: last page)."""

    items: list[T]
    next_position: int | None


def slice_page(items: Sequence[T], position: int, size: int, *, trailing_empty_page: bool) -> Page[T]:
    """Cut one page. ``size`` 0 means unpaged; ``trailing_empty_page`` ends with an empty page."""
    if size == 0:
        return Page(list(items[position:]), None)
    end = position + size
    chunk = list(items[position:end])
    if end < len(items):
        return Page(chunk, end)
    if trailing_empty_page and position < len(items):
        return Page(chunk, len(items))
    return Page(chunk, None)
