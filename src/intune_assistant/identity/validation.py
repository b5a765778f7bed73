"""Validation of the API's access tokens: Entra ID v2, multi-tenant, RS256, delegated only.

``ApiTokenValidator.validate(token)`` returns the ``Principal`` or raises ``AuthError`` (401/403).
In order, without touching a key until the token could be acceptable:

1. size (≤ 16 KB) and shape (three base64url JSON parts);
2. header: ``alg`` exactly RS256 (``none``, HS256 and everything else refused), a ``kid``;
3. claims (unverified, so only to refuse): ``tid`` a GUID, not a Graph token, ``ver`` 2.0,
   ``iss`` exactly ``{authority_host}/{tid}/v2.0``, ``aud`` the API's client id, ``exp``/``nbf``
   with 60 s leeway, ``iat`` present;
4. signature, with the key ``kid`` of the issuing tenant's JWKS (see ``jwks``);
5. delegated scope ``access_as_user`` (403), who the user is (see ``claims``), and the client
   application that obtained the token (``azp``, by default the frontend and the CLI; 403);
6. the tenant the caller selected (``expected_tenant``, 403 ``tenant_mismatch``);
7. ``tenant_check(tid)``: onboarded and enabled (403, raised by the check).

Each rejection is logged once with its reason and a token fingerprint (first 8 hex digits of
SHA-256), never the token.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from .claims import (
    check_client,
    check_header,
    check_lifetime_and_audience,
    parse_unverified,
    principal_from_claims,
    tenant_of,
)
from .config import IdentityConfig
from .dependency import bearer_principal, install_auth_error_handler
from .errors import AuthError
from .jwks import HttpFactory, JwksCache
from .principal import Principal

__all__ = [
    "ApiTokenValidator",
    "AuthError",
    "TenantCheck",
    "bearer_principal",
    "default_http_factory",
    "fingerprint",
    "install_auth_error_handler",
]

logger = logging.getLogger(__name__)

#: Called with the verified tenant id; raises ``AuthError`` (403) to refuse the tenant.
TenantCheck = Callable[[str], Awaitable[None] | None]


def fingerprint(token: str) -> str:
    """First 8 hex digits of the token's SHA-256: correlates log lines without revealing it."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:8]


def default_http_factory(config: IdentityConfig, *, timeout_s: float = 10.0) -> HttpFactory:
    """httpx clients for key fetches: trusting only ``config.ca_file`` when it is set (and then
    ignoring the environment, whose CA bundle variables would override it)."""
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=config.ca_file) if config.ca_file else True

    def make() -> httpx.AsyncClient:
        return httpx.AsyncClient(
            verify=verify, trust_env=config.ca_file is None, timeout=timeout_s, follow_redirects=False
        )

    return make


class ApiTokenValidator:
    """Validates API access tokens for ``config``'s API app, from any tenant (multi-tenant).

    ``tenant_check`` (sync or async) refuses tenants that are not onboarded or are disabled by
    raising ``AuthError``; ``http`` makes the httpx clients for key fetches; ``clock`` returns Unix
    seconds (token lifetimes and key cache). ``allowed_client_ids`` are the applications whose
    tokens (``azp``) are accepted — by default the frontend and, when configured, the CLI
    (``--server``). One instance serves one event loop.
    """

    def __init__(
        self,
        config: IdentityConfig,
        *,
        tenant_check: TenantCheck | None = None,
        http: HttpFactory | None = None,
        clock: Callable[[], float] = time.time,
        leeway_s: float = 60.0,
        jwks_ttl_s: float = 24 * 3600,
        jwks_min_refresh_interval_s: float = 60.0,
        jwks_max_fetches_per_minute: int = 60,
        allowed_client_ids: Iterable[str] | None = None,
    ) -> None:
        self._config = config
        configured = (config.frontend_client_id, *((config.cli_client_id,) if config.cli_client_id else ()))
        clients = configured if allowed_client_ids is None else tuple(allowed_client_ids)
        self._allowed_clients = frozenset(c.lower() for c in clients)
        self._tenant_check = tenant_check
        self._clock = clock
        self._leeway_s = leeway_s
        self.jwks = JwksCache(
            config,
            http=http or default_http_factory(config),
            clock=clock,
            ttl_s=jwks_ttl_s,
            min_refresh_interval_s=jwks_min_refresh_interval_s,
            max_fetches_per_minute=jwks_max_fetches_per_minute,
        )

    @property
    def config(self) -> IdentityConfig:
        """The identity configuration this validator checks tokens against."""
        return self._config

    async def validate(self, token: str, *, expected_tenant: str | None = None) -> Principal:
        """The ``Principal`` of a valid API token, or ``AuthError``.

        ``expected_tenant`` is the tenant the user has selected in the web app; a valid token of
        another tenant is refused with 403 ``tenant_mismatch``.
        """
        try:
            return await self._validate(token, expected_tenant)
        except AuthError as error:
            shown = fingerprint(token) if isinstance(token, str) else "-"
            logger.info("API token refused [%s %s] %s (token %s)", error.status, error.code, error.message, shown)
            raise

    async def _validate(self, token: str, expected_tenant: str | None) -> Principal:
        if not isinstance(token, str) or not token.strip():
            raise AuthError(401, "missing_token", "Sign in first: the request has no access token.")
        header, claims = parse_unverified(token.strip())
        kid = check_header(header)
        tid = tenant_of(claims)
        check_lifetime_and_audience(claims, tid, self._config, self._clock(), self._leeway_s)
        key = await self.jwks.key(tid, kid)
        verified = _verify_signature(token.strip(), key)
        # Same bytes, so the same answers; checked again so no decision rests on unverified data.
        if tenant_of(verified) != tid:
            raise AuthError.invalid("The token's tenant changed during validation.")
        check_lifetime_and_audience(verified, tid, self._config, self._clock(), self._leeway_s)
        principal = principal_from_claims(verified, self._config)
        check_client(verified, self._allowed_clients)
        if expected_tenant is not None and principal.tenant_id != expected_tenant.strip().lower():
            raise AuthError.forbidden(
                "tenant_mismatch",
                f"You are signed in to tenant {principal.tenant_id}, but tenant {expected_tenant.strip()} is "
                "selected. Switch tenants to sign in to that tenant.",
            )
        if self._tenant_check is not None:
            outcome = self._tenant_check(principal.tenant_id)
            if inspect.isawaitable(outcome):
                await outcome
        return principal


def _verify_signature(token: str, key: RSAPublicKey) -> dict[str, Any]:
    try:
        # Only the signature here: the claims were checked with the injectable clock and clearer
        # messages, and are checked again on the verified payload.
        verified: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=["RS256"],
            options={
                "verify_signature": True,
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_aud": False,
                "verify_iss": False,
            },
        )
    except jwt.InvalidSignatureError:
        raise AuthError.invalid(
            "The token's signature does not verify: it was altered or not issued by Entra ID."
        ) from None
    except jwt.PyJWTError:
        raise AuthError.invalid("The bearer token is not a well-formed JSON Web Token.") from None
    return verified
