"""``TokenVerifier`` for the Graph emulator that trusts only Graph tokens this Entra emulator issued."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import jwt

from ..tokens import CLOCK_SKEW_S, GRAPH_AUDIENCE, InvalidToken, v1_issuer
from .keys import KeySet

__all__ = ["GraphTokenVerifier"]


class GraphTokenVerifier:
    """Checks ``kid`` against the published keys (current and still-published previous ones), the
    RS256 signature, ``aud`` Graph, ``iss`` ``https://sts.windows.net/{tid}/``, ``ver`` 1.0 and
    the lifetime (60 s leeway, like ``TestTokenIssuer``). Reasons never contain the token."""

    def __init__(self, keys: KeySet, clock: Callable[[], float]) -> None:
        self._keys = keys
        self._clock = clock

    def verify(self, token: str) -> Mapping[str, Any]:
        """Return the claims of a Graph token issued by this emulator; raise ``InvalidToken``."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise InvalidToken("the token is not a well-formed JWT") from None
        if header.get("alg") != "RS256":
            raise InvalidToken("unexpected signing algorithm")
        key = self._keys.find(str(header.get("kid", "")))
        if key is None:
            raise InvalidToken("the token was signed with an unknown key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.public_key,
                algorithms=["RS256"],
                audience=GRAPH_AUDIENCE,
                options={
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "require": ["exp", "nbf", "iss", "aud", "tid", "ver"],
                },
            )
        except jwt.InvalidAudienceError:
            raise InvalidToken("invalid audience") from None
        except jwt.InvalidSignatureError:
            raise InvalidToken("signature verification failed") from None
        except jwt.PyJWTError:
            raise InvalidToken("the token could not be validated") from None
        if claims.get("ver") != "1.0":
            raise InvalidToken("not a v1 Microsoft Graph token")
        tid = claims.get("tid")
        if not isinstance(tid, str) or claims.get("iss") != v1_issuer(tid):
            raise InvalidToken("the issuer does not match the token's tenant")
        now = self._clock()
        exp, nbf = claims.get("exp"), claims.get("nbf")
        if not isinstance(exp, int | float) or not isinstance(nbf, int | float):
            raise InvalidToken("the token has no valid lifetime")
        if now > exp + CLOCK_SKEW_S:
            raise InvalidToken("the token is expired")
        if now + CLOCK_SKEW_S < nbf:
            raise InvalidToken("the token is not valid yet")
        return claims
