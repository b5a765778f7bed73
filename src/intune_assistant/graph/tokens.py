"""Where the Graph client gets its bearer tokens from.

The product calls Graph only with delegated tokens of the signed-in user (obtained by the identity
layer through On-Behalf-Of); this module only defines the seam the client depends on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

__all__ = ["StaticTokenProvider", "TokenProvider"]


@runtime_checkable
class TokenProvider(Protocol):
    """Supplies a delegated access token for Microsoft Graph.

    Implementations own caching and refresh (in memory only, keyed by tenant+user+scopes); the
    client asks for a token before every HTTP attempt and keeps none itself, so a refreshed or
    revoked token takes effect on the next request.
    """

    async def get_token(self, scopes: Sequence[str]) -> str:
        """Return an access token (without the ``Bearer`` prefix) carrying ``scopes``."""
        ...


class StaticTokenProvider:
    """Returns one fixed token whatever the scopes; for tests and the emulator."""

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        self._token = token

    async def get_token(self, scopes: Sequence[str]) -> str:
        """Return the fixed token."""
        return self._token

    def __repr__(self) -> str:
        # Never let a token reach a log line or a traceback through repr().
        return "StaticTokenProvider(token=<redacted>)"
