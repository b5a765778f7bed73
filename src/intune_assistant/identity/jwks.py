"""Signing keys of the tenants that issue API tokens, fetched from Entra ID and kept in memory.

Keys come from the *issuing* tenant: ``{authority}/{tid}/v2.0/.well-known/openid-configuration``
gives ``jwks_uri``; its RSA signing keys are cached per tenant for ``ttl_s`` (24 h, as Microsoft
advises). An unknown ``kid`` triggers one refresh, but never more than once per
``min_refresh_interval_s`` per tenant, and all fetches together are capped per minute: the
``tid`` that picks the tenant is not verified yet, so without these limits anyone could make the
API hammer Entra ID (a denial-of-service amplifier). At most ``max_tenants`` tenants are kept.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from jwt.algorithms import RSAAlgorithm
from jwt.exceptions import InvalidKeyError

from .config import IdentityConfig
from .errors import AuthError

__all__ = ["HttpFactory", "JwksCache", "parse_jwks"]

logger = logging.getLogger(__name__)

HttpFactory = Callable[[], httpx.AsyncClient]
_MIN_KEY_BITS = 2048


@dataclass
class _TenantKeys:
    keys: dict[str, RSAPublicKey] = field(default_factory=dict)
    fetched_at: float | None = None  # last successful fetch
    attempted_at: float = 0.0  # last fetch attempt, successful or not


class _FetchFailed(Exception):
    """A discovery or JWKS fetch failed; the message is safe to show."""


class JwksCache:
    """Per-tenant RSA signing keys with a TTL, rate-limited refresh and a bounded size.

    One instance serves one event loop (it holds an ``asyncio.Lock``).
    """

    def __init__(
        self,
        config: IdentityConfig,
        *,
        http: HttpFactory,
        clock: Callable[[], float],
        ttl_s: float = 24 * 3600,
        min_refresh_interval_s: float = 60.0,
        max_fetches_per_minute: int = 60,
        max_tenants: int = 10_000,
    ) -> None:
        self._config = config
        self._http = http
        self._clock = clock
        self._ttl_s = ttl_s
        self._min_refresh_s = min_refresh_interval_s
        self._max_per_minute = max_fetches_per_minute
        self._max_tenants = max_tenants
        self._tenants: OrderedDict[str, _TenantKeys] = OrderedDict()
        self._recent_fetches: deque[float] = deque()
        # One lock for every fetch: fetches are rare (once a day per tenant) and this stops a
        # burst of requests for a new tenant from each fetching the same keys.
        self._lock = asyncio.Lock()
        self.fetches = 0  # discovery+JWKS fetch attempts (observability and tests)

    def _fresh(self, entry: _TenantKeys | None, now: float) -> bool:
        return entry is not None and entry.fetched_at is not None and now - entry.fetched_at < self._ttl_s

    def _cached(self, tenant_id: str, kid: str, now: float) -> RSAPublicKey | None:
        entry = self._tenants.get(tenant_id)
        if entry is not None and self._fresh(entry, now) and kid in entry.keys:
            self._tenants.move_to_end(tenant_id)
            return entry.keys[kid]
        return None

    async def key(self, tenant_id: str, kid: str) -> RSAPublicKey:
        """The public key ``kid`` of ``tenant_id`` (a GUID); 401 ``AuthError`` if there is none."""
        tenant_id = tenant_id.lower()
        found = self._cached(tenant_id, kid, self._clock())
        if found is not None:
            return found
        async with self._lock:
            now = self._clock()
            found = self._cached(tenant_id, kid, now)
            if found is not None:
                return found
            entry = self._tenants.get(tenant_id)
            if entry is not None and now - entry.attempted_at < self._min_refresh_s:
                # Fetched (or tried) moments ago: do not fetch again for this kid.
                if entry.keys and kid in entry.keys:
                    return entry.keys[kid]  # stale but the last refresh failed: Entra's keys still
                raise AuthError.invalid(
                    f"The token is signed with a key that tenant {tenant_id} does not publish "
                    "(signing keys were refreshed moments ago)."
                )
            await self._refresh(tenant_id, now)
            entry = self._tenants[tenant_id]
            if kid not in entry.keys:
                raise AuthError.invalid(f"The token is signed with a key that tenant {tenant_id} does not publish.")
            return entry.keys[kid]

    def _take_budget(self, now: float) -> None:
        while self._recent_fetches and now - self._recent_fetches[0] >= 60.0:
            self._recent_fetches.popleft()
        if len(self._recent_fetches) >= self._max_per_minute:
            raise AuthError.invalid("Signing keys cannot be fetched from Entra ID right now; try again in a minute.")
        self._recent_fetches.append(now)

    async def _refresh(self, tenant_id: str, now: float) -> None:
        self._take_budget(now)
        entry = self._tenants.setdefault(tenant_id, _TenantKeys())
        self._tenants.move_to_end(tenant_id)
        while len(self._tenants) > self._max_tenants:
            self._tenants.popitem(last=False)
        entry.attempted_at = now
        self.fetches += 1
        try:
            keys = await self._fetch(tenant_id)
        except _FetchFailed as exc:
            logger.warning("Signing keys of tenant %s could not be fetched: %s", tenant_id, exc)
            if entry.keys:
                return  # keep the keys we had: they were Entra's, and a fetch failure is not a rotation
            raise AuthError.invalid(f"The signing keys of tenant {tenant_id} could not be fetched: {exc}") from None
        entry.keys, entry.fetched_at = keys, now

    async def _fetch(self, tenant_id: str) -> dict[str, RSAPublicKey]:
        issuer = self._config.issuer(tenant_id)
        discovery = f"{self._config.tenant_authority(tenant_id)}/v2.0/.well-known/openid-configuration"
        async with self._http() as client:
            document = await self._get_json(client, discovery, tenant_id)
            if document.get("issuer") not in (issuer, self._config.issuer("{tenantid}")):
                raise _FetchFailed("the OpenID configuration names another issuer")
            jwks_uri = document.get("jwks_uri")
            # Keys must come from the authority itself, whatever the document says.
            if not isinstance(jwks_uri, str) or not jwks_uri.startswith(self._config.authority_host + "/"):
                raise _FetchFailed("the OpenID configuration has no usable jwks_uri")
            jwks = await self._get_json(client, jwks_uri, tenant_id)
        keys = parse_jwks(jwks, issuer, tenant_id)
        if not keys:
            raise _FetchFailed("the tenant publishes no RSA signing key")
        return keys

    @staticmethod
    async def _get_json(client: httpx.AsyncClient, url: str, tenant_id: str) -> dict[str, Any]:
        try:
            response = await client.get(url)
        except httpx.HTTPError as exc:
            raise _FetchFailed(f"Entra ID could not be reached ({type(exc).__name__})") from None
        if response.status_code == 400:
            raise _FetchFailed(f"Entra ID does not know tenant {tenant_id}")
        if response.status_code != 200:
            raise _FetchFailed(f"Entra ID answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise _FetchFailed("Entra ID answered with something that is not JSON") from None
        if not isinstance(body, dict):
            raise _FetchFailed("Entra ID answered with an unexpected document")
        return body


def parse_jwks(jwks: Mapping[str, Any], issuer: str, tenant_id: str) -> dict[str, RSAPublicKey]:
    """The usable signing keys of a JWKS by ``kid``: RSA, ``use`` sig (or absent), at least 2048
    bits, RS256 if an ``alg`` is given, and for ``issuer`` when the key names one (Entra's keys
    carry an ``issuer``, possibly the ``{tenantid}`` template)."""
    found: dict[str, RSAPublicKey] = {}
    entries = jwks.get("keys")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid or entry.get("kty") != "RSA":
            continue
        if entry.get("use", "sig") != "sig" or entry.get("alg", "RS256") != "RS256":
            continue
        key_issuer = entry.get("issuer")
        if key_issuer is not None and (
            not isinstance(key_issuer, str) or key_issuer.replace("{tenantid}", tenant_id) != issuer
        ):
            continue
        public = {k: entry[k] for k in ("kty", "n", "e") if k in entry}  # never private parts
        try:
            key = RSAAlgorithm.from_jwk(json.dumps(public))
        except (InvalidKeyError, ValueError, KeyError, TypeError):
            continue
        if isinstance(key, RSAPrivateKey):
            key = key.public_key()
        if isinstance(key, RSAPublicKey) and key.key_size >= _MIN_KEY_BITS:
            found[kid] = key
    return found
