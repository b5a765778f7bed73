"""Where a request may go: joining paths, vetting absolute links, relativising for ``$batch``.

The bearer token goes only to the configured Graph origin and path prefix; every URL the client
sends to passes through ``GraphUrls.resolve`` or ``GraphUrls.batch_relative`` first.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx

from .errors import FOREIGN_URL, INVALID_REQUEST, GraphError
from .models import QueryParams

__all__ = ["VERSIONS", "GraphUrls", "check_version", "encode_params", "is_absolute", "log_path"]

VERSIONS = ("beta", "v1.0")

_ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^//")
# Kept readable in OData query strings; '&', '=', '+', '#' and spaces are always encoded.
_QUERY_SAFE = "$'(),:@/!*"


class GraphUrls:
    """URL rules for one Graph base URL (``https://graph.microsoft.com`` or the emulator's)."""

    def __init__(self, base_url: str) -> None:
        base = httpx.URL(base_url.rstrip("/"))
        if not base.is_absolute_url or base.query or base.fragment:
            raise ValueError("base_url must be an absolute URL without query or fragment")
        self._base = base
        self.base_url = str(base).rstrip("/")
        self._base_path = base.path.rstrip("/")

    def resolve(self, url_or_path: str, version: str, params: QueryParams | None) -> httpx.URL | GraphError:
        """Return the URL to send to, or a ``foreignUrl``/``invalidRequest`` error.

        A path is joined as ``{base_url}/{version}/{path}``; an absolute URL (a nextLink) is kept
        if it lies under ``base_url``. ``params`` are appended to any query already present.
        """
        check_version(version)
        candidate = url_or_path if is_absolute(url_or_path) else f"{self.base_url}/{version}/{url_or_path.lstrip('/')}"
        if params:
            candidate += ("&" if "?" in candidate else "?") + encode_params(params)
        try:
            url = httpx.URL(candidate)
        except httpx.InvalidURL:
            return GraphError.client_side(INVALID_REQUEST, "invalid request URL")
        if not self.is_ours(url):
            return self._foreign(url)
        return url

    def batch_relative(self, url: str, version: str) -> str | GraphError:
        """Make a sub-request URL relative to ``{base_url}/{version}``, as ``$batch`` requires.

        Absolute links of the other version cannot share the batch (Graph takes the version from
        the batch URL) and give an ``invalidRequest`` error, as do version-prefixed paths.
        """
        check_version(version)
        if is_absolute(url):
            try:
                parsed = httpx.URL(url)
            except httpx.InvalidURL:
                return GraphError.client_side(INVALID_REQUEST, "invalid URL in $batch request")
            if not self.is_ours(parsed):
                return self._foreign(parsed)
            # raw_path keeps the query and its encoding (Intune's skiptokens are double-encoded).
            remainder = parsed.raw_path.decode("ascii")[len(self._base_path) :]
            if remainder.startswith(f"/{version}/"):
                return remainder[len(version) + 1 :]
            other = next((v for v in VERSIONS if remainder.startswith(f"/{v}/")), None)
            if other is not None:
                return GraphError.client_side(
                    INVALID_REQUEST,
                    f"a Graph {other} link cannot go in a {version} $batch (versions cannot be mixed)",
                )
            return GraphError.client_side(INVALID_REQUEST, f"not a Graph {version} URL")
        path = url.lstrip("/")
        first_segment = re.split(r"[/?]", path, maxsplit=1)[0]
        if not path or first_segment in VERSIONS:
            return GraphError.client_side(
                INVALID_REQUEST, "a $batch URL must be relative to the API version, without it"
            )
        return "/" + path

    def is_ours(self, url: httpx.URL) -> bool:
        """True if ``url`` has the base URL's scheme, host, port and path prefix, and no userinfo."""
        # Compare parsed parts, never string prefixes: "https://graph.microsoft.com.evil.example"
        # starts with "https://graph.microsoft.com".
        base = self._base
        if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port) or url.userinfo:
            return False
        prefix = self._base_path
        return not prefix or url.path == prefix or url.path.startswith(prefix + "/")

    def _foreign(self, url: httpx.URL) -> GraphError:
        netloc = url.netloc.decode("ascii", "replace")
        origin = f"{url.scheme}://{netloc}" if url.scheme else f"//{netloc}"
        return GraphError.client_side(
            FOREIGN_URL, f"refused to send the Graph token to {origin}: only {self.base_url} is allowed"
        )


def is_absolute(url: str) -> bool:
    """True for ``scheme://…`` and scheme-relative ``//host/…`` URLs."""
    return bool(_ABSOLUTE_URL.match(url))


def check_version(version: str) -> None:
    """Raise ``ValueError`` for anything but ``beta`` and ``v1.0`` (a programming error)."""
    if version not in VERSIONS:
        raise ValueError(f"unknown Graph version {version!r}; expected one of {VERSIONS}")


def encode_params(params: QueryParams) -> str:
    """Encode query options with ``%20`` for spaces and ``$`` kept literal (``$top=5``)."""
    parts = []
    for key, value in params.items():
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        parts.append(f"{quote(key, safe='$')}={quote(text, safe=_QUERY_SAFE)}")
    return "&".join(parts)


def log_path(url: httpx.URL) -> str:
    """The URL's path for log lines: no query, UPN-like and quoted-key segments masked."""
    # Queries may hold filters with names; 'alice@contoso.com' or users('…') are user data.
    return "/".join("…" if ("@" in s or "'" in s) else s for s in url.path.split("/"))
