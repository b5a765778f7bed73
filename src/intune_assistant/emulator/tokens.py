"""Access tokens the Graph emulator accepts, and a test issuer for them.

The Graph emulator depends only on ``TokenVerifier``: anything that turns a bearer token into its
claims or raises ``InvalidToken``. ``TestTokenIssuer`` is the issuer unit and integration tests use
(one RSA key, generated when the issuer is built, never at import). The identity emulator issues
tokens with its own keys and plugs in as another ``TokenVerifier``; ``AnyOfVerifiers`` accepts a
token that any of several verifiers accepts.

Tokens are v1-shaped delegated Microsoft Graph access tokens, as Entra ID issues them for Graph:
``aud`` ``https://graph.microsoft.com``, ``iss`` ``https://sts.windows.net/{tid}/``, ``scp``
space-separated, ``ver`` ``1.0``. Nothing here logs or echoes a token.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

__all__ = [
    "DEMO_API_CLIENT_ID",
    "GRAPH_AUDIENCE",
    "AnyOfVerifiers",
    "ClaimsChallenge",
    "InvalidToken",
    "TestTokenIssuer",
    "TokenVerifier",
    "v1_issuer",
]

# Client id of the product's "Downstream API" app registration in the demo tenant: the app that
# calls Graph on behalf of the user (the ``appid`` of the Graph tokens it obtains through OBO).
DEMO_API_CLIENT_ID = "5b3c6a8e-2f4d-4e1a-9c7b-1d2e3f4a5b6c"
GRAPH_AUDIENCE = "https://graph.microsoft.com"
CLOCK_SKEW_S = 60.0


def v1_issuer(tenant_id: str) -> str:
    """The ``iss`` of a v1 access token issued by ``tenant_id``."""
    return f"https://sts.windows.net/{tenant_id}/"


class InvalidToken(Exception):
    """The token is not acceptable; ``reason`` says why (never contains the token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ClaimsChallenge(InvalidToken):
    """A valid CAE token Graph refuses after a critical event: ``nbf`` is the time a new token must pass."""

    def __init__(self, nbf: float) -> None:
        super().__init__("the user's sign-in sessions were revoked after this token's sign-in")
        self.nbf = nbf


@runtime_checkable
class TokenVerifier(Protocol):
    """Turns a bearer token into its verified claims."""

    def verify(self, token: str) -> Mapping[str, Any]:
        """Return the claims of a valid token; raise ``InvalidToken`` otherwise."""
        ...


class AnyOfVerifiers:
    """Accepts a token that one of ``verifiers`` accepts (tried in order)."""

    def __init__(self, *verifiers: TokenVerifier) -> None:
        if not verifiers:
            raise ValueError("AnyOfVerifiers needs at least one verifier")
        self._verifiers = verifiers

    def verify(self, token: str) -> Mapping[str, Any]:
        """Return the claims from the first verifier that accepts the token."""
        reasons: list[str] = []
        for verifier in self._verifiers:
            try:
                return verifier.verify(token)
            except InvalidToken as exc:
                reasons.append(exc.reason)
        raise InvalidToken("; ".join(dict.fromkeys(reasons)))


class TestTokenIssuer:
    """Issues and verifies RS256 Graph access tokens with a key made in the constructor.

    ``clock`` returns Unix seconds; tests inject one to check expiry without waiting.
    """

    # Not a pytest test class, whatever its name.
    __test__ = False

    def __init__(self, *, kid: str | None = None, clock: Callable[[], float] = time.time) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = kid or uuid.uuid4().hex
        self._clock = clock

    def __repr__(self) -> str:
        return f"TestTokenIssuer(kid={self.kid!r})"

    def public_jwk(self) -> dict[str, Any]:
        """The verification key as a JWK (for a JWKS document)."""
        jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return jwk

    def issue_graph_token(
        self,
        *,
        tenant_id: str,
        user_id: str,
        upn: str,
        name: str,
        scopes: Iterable[str],
        wids: Iterable[str] = (),
        app_id: str = DEMO_API_CLIENT_ID,
        lifetime_s: int = 3600,
    ) -> str:
        """A delegated v1 Graph access token for ``user_id`` in ``tenant_id`` with ``scopes``."""
        now = int(self._clock())
        claims: dict[str, Any] = {
            "aud": GRAPH_AUDIENCE,
            "iss": v1_issuer(tenant_id),
            "iat": now,
            "nbf": now,
            "exp": now + lifetime_s,
            "tid": tenant_id,
            "oid": user_id,
            "sub": uuid.uuid5(uuid.NAMESPACE_URL, f"{tenant_id}/{user_id}/{app_id}").hex,
            "scp": " ".join(scopes),
            "wids": list(wids),
            "appid": app_id,
            "appidacr": "1",
            "idtyp": "user",
            "name": name,
            "upn": upn,
            "unique_name": upn,
            "uti": uuid.uuid4().hex[:22],
            "ver": "1.0",
        }
        return self.sign(claims)

    def sign(self, claims: Mapping[str, Any]) -> str:
        """Sign arbitrary claims with this issuer's key (tests build odd tokens with it)."""
        return jwt.encode(dict(claims), self._key, algorithm="RS256", headers={"kid": self.kid, "typ": "JWT"})

    def verify(self, token: str) -> Mapping[str, Any]:
        """Check signature, ``kid``, lifetime (60 s leeway), audience and the tenant's issuer."""
        return verify_graph_token(token, lambda kid: self._key.public_key() if kid == self.kid else None, self._clock)


def verify_graph_token(
    token: str,
    key_for: Callable[[str], Any],
    clock: Callable[[], float],
    *,
    require_v1: bool = False,
) -> dict[str, Any]:
    """Claims of a v1 Graph token signed RS256 by the key ``key_for(kid)``; else ``InvalidToken``.

    Checks the signature, ``aud`` Graph, ``iss`` ``https://sts.windows.net/{tid}/`` and the
    lifetime with ``CLOCK_SKEW_S`` leeway. Reasons never contain the token.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise InvalidToken("the token is not a well-formed JWT") from None
    if header.get("alg") != "RS256":
        raise InvalidToken("unexpected signing algorithm")
    key = key_for(str(header.get("kid", "")))
    if key is None:
        raise InvalidToken("the token was signed with an unknown key")
    required = ["exp", "nbf", "iss", "aud", "tid", *(["ver"] if require_v1 else [])]
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            audience=GRAPH_AUDIENCE,
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "require": required},
        )
    except jwt.InvalidAudienceError:
        raise InvalidToken("invalid audience") from None
    except jwt.InvalidSignatureError:
        raise InvalidToken("signature verification failed") from None
    except jwt.PyJWTError:
        raise InvalidToken("the token could not be validated") from None
    if require_v1 and claims.get("ver") != "1.0":
        raise InvalidToken("not a v1 Microsoft Graph token")
    tid = claims.get("tid")
    if not isinstance(tid, str) or claims.get("iss") != v1_issuer(tid):
        raise InvalidToken("the issuer does not match the token's tenant")
    now = clock()
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if not isinstance(exp, int | float) or not isinstance(nbf, int | float):
        raise InvalidToken("the token has no valid lifetime")
    if now > exp + CLOCK_SKEW_S:
        raise InvalidToken("the token is expired")
    if now + CLOCK_SKEW_S < nbf:
        raise InvalidToken("the token is not valid yet")
    return claims
