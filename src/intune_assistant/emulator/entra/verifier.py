"""``TokenVerifier`` for the Graph emulator that trusts only Graph tokens this Entra emulator issued."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..tokens import ClaimsChallenge, verify_graph_token
from .keys import KeySet

__all__ = ["GraphTokenVerifier"]


class GraphTokenVerifier:
    """Checks ``kid`` against the published keys (current and still-published previous ones), the
    RS256 signature, ``aud`` Graph, ``iss`` ``https://sts.windows.net/{tid}/``, ``ver`` 1.0 and
    the lifetime (60 s leeway, like ``TestTokenIssuer``). Reasons never contain the token."""

    def __init__(
        self,
        keys: KeySet,
        clock: Callable[[], float],
        revocation: Callable[[Mapping[str, Any]], float | None] | None = None,
    ) -> None:
        self._keys = keys
        self._clock = clock
        # Continuous access evaluation: when a CAE-capable token's sign-in was revoked (None: it stands).
        self._revocation = revocation

    def verify(self, token: str) -> Mapping[str, Any]:
        """Return the claims of a Graph token issued by this emulator; raise ``InvalidToken``."""

        def key_for(kid: str) -> Any:
            key = self._keys.find(kid)
            return key.public_key if key is not None else None

        claims = verify_graph_token(token, key_for, self._clock, require_v1=True)
        revoked = self._revocation(claims) if self._revocation is not None else None
        if revoked is not None:
            raise ClaimsChallenge(revoked)
        return claims
