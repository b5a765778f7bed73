"""Microsoft Graph tokens through On-Behalf-Of, as the signed-in user (DESIGN §2.1, §2.2, §2.5).

``OboClient`` exchanges a validated API token for a delegated Graph token with MSAL, one
``ConfidentialClientApplication`` per tenant (OBO needs a tenant-specific authority). A partner
user acting in a GDAP customer (``Principal.in_customer``) exchanges their own API token at the
customer's authority, so the Graph token is issued by the customer tenant. Graph tokens
are cached in memory only, per (tenant, user, scopes), until five minutes before they expire;
MSAL's own token cache is switched off (no refresh tokens are requested or kept), so ``forget``
really forgets. Nothing is written to disk.

A *fresh* token (asked on every page, so that revoked consent or a disabled user stops the next
request, DESIGN §2.7) is one exchange per (tenant, user, scopes) shared by every request that
arrived before it started: concurrent pages of one user do not each ask Entra ID, yet no request
is answered by an exchange that began before it arrived.

MSAL replays an identical token request that got HTTP 400 from its per-instance HTTP cache for
60 s (graph-entra.md §5). After a failure the tenant's application instance is therefore dropped,
so that the next attempt — after an admin granted consent, say — reaches Entra ID.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import msal
import requests
from requests.adapters import HTTPAdapter

from intune_assistant.graph.tokens import TokenProvider

from .claims import parse_unverified, principal_from_claims
from .config import IdentityConfig
from .errors import AuthError
from .obo_errors import (
    ConsentRequired,
    DeviceNotCompliant,
    GraphTokenUnavailable,
    InteractionRequired,
    NotAssigned,
    OboError,
    SessionsRevoked,
    SignInRequired,
    error_from_result,
)
from .principal import Principal
from .scopes import as_uris, graph_scope_names, scopes_for

__all__ = [
    "ConsentRequired",
    "DeviceNotCompliant",
    "GraphTokenUnavailable",
    "InteractionRequired",
    "NotAssigned",
    "OboClient",
    "OboError",
    "OboTokenProvider",
    "SessionsRevoked",
    "SignInRequired",
    "scopes_for",
]

_TokenKey = tuple[str, str, frozenset[str]]


class _NoTokenCache(msal.TokenCache):  # type: ignore[misc]
    """MSAL's cache, kept empty: Graph tokens are cached by ``OboClient`` itself, per user."""

    def add(self, event: Any, now: Any = None) -> None:
        """Drop what MSAL would cache (access and refresh tokens of every user of the tenant)."""


@dataclass
class _CachedToken:
    access_token: str = field(repr=False)
    refresh_at: float


@dataclass(eq=False)
class _FreshCheck:
    """One fresh exchange, shared by the requests that arrived before it started."""

    outcome: concurrent.futures.Future[str] = field(default_factory=concurrent.futures.Future)


@dataclass(eq=False)
class _Flight:
    lock: threading.Lock = field(default_factory=threading.Lock)
    waiters: int = 0


class _Session(requests.Session):
    """A session with a default timeout (MSAL applies its ``timeout`` only to sessions it makes)."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__()
        self._timeout_s = timeout_s

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        """``requests.Session.request`` with ``timeout`` defaulted."""
        kwargs.setdefault("timeout", self._timeout_s)
        return super().request(*args, **kwargs)


@dataclass(eq=False)
class _App:
    """One tenant's MSAL application and its HTTP session, counted while in use."""

    tenant_id: str
    app: Any
    session: requests.Session
    in_flight: int = 0
    retired: bool = False
    closed: bool = False


class OboClient:
    """Delegated Graph tokens On-Behalf-Of signed-in users, cached in memory per tenant+user+scopes.

    ``clock`` returns Unix seconds; ``refresh_margin_s`` is how long before expiry a cached token
    is no longer handed out; ``timeout_s`` bounds each HTTP request to Entra ID. Call ``close()``
    when done (closes the HTTP sessions).
    """

    def __init__(
        self,
        config: IdentityConfig,
        *,
        clock: Callable[[], float] = time.time,
        refresh_margin_s: float = 300.0,
        timeout_s: float = 30.0,
    ) -> None:
        self._config = config
        self._timeout_s = timeout_s
        self._clock = clock
        self._margin_s = refresh_margin_s
        self._lock = threading.Lock()
        self._apps: dict[str, _App] = {}
        self._tokens: dict[_TokenKey, _CachedToken] = {}
        self._flights: dict[_TokenKey, _Flight] = {}
        # Per key, the fresh exchange that has not started yet: requests arriving now join it.
        self._next_fresh: dict[_TokenKey, _FreshCheck] = {}

    def __repr__(self) -> str:
        return f"OboClient(authority_host={self._config.authority_host!r}, tenants={len(self._apps)})"

    # --- public ------------------------------------------------------------------------------

    async def graph_token(
        self, api_token: str, principal: Principal, scopes: Sequence[str], *, fresh: bool = False
    ) -> str:
        """A delegated Graph access token for ``principal`` with exactly ``scopes``.

        ``api_token`` is the validated API token ``principal`` came from. Scopes are Graph scope
        names or URIs; nothing beyond them is requested (write scopes only if passed). ``fresh``
        asks Entra even when a cached token is still valid, so revoked consent or a disabled user
        stops the request that asked (DESIGN §2.7). Raises ``ConsentRequired``,
        ``InteractionRequired``, ``SignInRequired`` or ``GraphTokenUnavailable``.
        """
        names = graph_scope_names(scopes)
        if not names:
            raise ValueError("graph_token needs at least one Microsoft Graph scope")
        self._check_same_user(api_token, principal)
        tenant_id, user_key = principal.cache_key()
        key: _TokenKey = (tenant_id, user_key, frozenset(n.lower() for n in names))
        cached = None if fresh else self._cached(key)
        if cached is not None:
            return cached
        try:
            if fresh:
                return await self._fresh(key, api_token, as_uris(names))
            return await asyncio.to_thread(self._fetch, key, api_token, as_uris(names))
        except SignInRequired:
            self.forget(tenant_id, user_key)  # Entra says this user is out: stop serving their tokens
            raise
        except ConsentRequired:
            self.forget_tenant(tenant_id)  # consent is tenant-wide
            raise

    def forget(self, tenant_id: str, user_key: str) -> None:
        """Drop every cached Graph token of one user of one tenant (sign-out)."""
        tenant_id = tenant_id.lower()
        with self._lock:
            for key in [k for k in self._tokens if k[0] == tenant_id and k[1] == user_key]:
                del self._tokens[key]

    def forget_tenant(self, tenant_id: str) -> None:
        """Drop every cached Graph token of a tenant (consent revoked, tenant disabled or offboarded)."""
        tenant_id = tenant_id.lower()
        with self._lock:
            for key in [k for k in self._tokens if k[0] == tenant_id]:
                del self._tokens[key]

    def close(self) -> None:
        """Forget all tokens and close every tenant's HTTP session."""
        with self._lock:
            self._tokens.clear()
            apps, self._apps = list(self._apps.values()), {}
            for entry in apps:
                entry.retired = True
                self._close_if_idle(entry)

    # --- internals ---------------------------------------------------------------------------

    def _check_same_user(self, api_token: str, principal: Principal) -> None:
        # Tokens are cached by the principal's key: a principal paired with someone else's API
        # token would otherwise be served the first user's Graph token.
        try:
            _, claims = parse_unverified(api_token)
            named = principal_from_claims(claims, self._config)
        except AuthError:
            raise ValueError("api_token is not a valid API token") from None
        if named.cache_key() != principal.cache_key() and not _same_partner_user(named, principal):
            raise ValueError("api_token does not belong to principal")

    def _cached(self, key: _TokenKey) -> str | None:
        with self._lock:
            cached = self._tokens.get(key)
            return cached.access_token if cached is not None and self._clock() < cached.refresh_at else None

    @contextmanager
    def _single_flight(self, key: _TokenKey) -> Iterator[None]:
        """One OBO request per key at a time: concurrent requests (a collection reads many types
        at once) wait for the first one's token instead of each asking Entra ID."""
        with self._lock:
            flight = self._flights.setdefault(key, _Flight())
            flight.waiters += 1
        try:
            with flight.lock:
                yield
        finally:
            with self._lock:
                flight.waiters -= 1
                if flight.waiters == 0 and self._flights.get(key) is flight:
                    del self._flights[key]

    def _fetch(self, key: _TokenKey, api_token: str, scope_uris: tuple[str, ...]) -> str:
        """Runs in a worker thread: the cached token, or a new one through OBO (then cached)."""
        with self._single_flight(key):
            cached = self._cached(key)
            if cached is not None:
                return cached
            return self._exchange(key, api_token, scope_uris)

    async def _fresh(self, key: _TokenKey, api_token: str, scope_uris: tuple[str, ...]) -> str:
        """A token from an exchange that starts after this call: the one waiting to start, or a new one."""
        with self._lock:
            check = self._next_fresh.get(key)
            starts_it = check is None
            if check is None:
                check = self._next_fresh[key] = _FreshCheck()
        if starts_it:
            # Not awaited itself: ``_run_fresh`` never raises, it hands its outcome to ``check``.
            asyncio.get_running_loop().run_in_executor(None, self._run_fresh, key, check, api_token, scope_uris)
        # Shielded: a request that goes away does not cancel what the others wait for.
        return await asyncio.shield(asyncio.wrap_future(check.outcome))

    def _run_fresh(self, key: _TokenKey, check: _FreshCheck, api_token: str, scope_uris: tuple[str, ...]) -> None:
        """Runs in a worker thread: once the previous exchange of ``key`` is over, close ``check`` to
        newcomers (they start the next one) and exchange."""
        with self._single_flight(key):
            with self._lock:
                if self._next_fresh.get(key) is check:
                    del self._next_fresh[key]
            try:
                check.outcome.set_result(self._exchange(key, api_token, scope_uris))
            except BaseException as exc:  # handed to every waiter, raised there
                check.outcome.set_exception(exc)

    def _exchange(self, key: _TokenKey, api_token: str, scope_uris: tuple[str, ...]) -> str:
        """One OBO exchange with Entra ID; the token is cached until shortly before it expires."""
        result = self._acquire(key[0], api_token, scope_uris)
        token = str(result["access_token"])
        expires_in = result.get("expires_in")
        now = self._clock()
        if isinstance(expires_in, int | float) and not isinstance(expires_in, bool):
            refresh_at = now + float(expires_in) - self._margin_s
            with self._lock:
                self._prune(now)
                if refresh_at > now:
                    self._tokens[key] = _CachedToken(token, refresh_at)
        return token

    def _prune(self, now: float) -> None:
        for key in [k for k, v in self._tokens.items() if v.refresh_at <= now]:
            del self._tokens[key]

    def _session(self) -> requests.Session:
        session = _Session(self._timeout_s)
        # MSAL's own session retries once; with a custom http_client retries are ours to set.
        session.mount("https://", HTTPAdapter(max_retries=1))
        if self._config.ca_file:
            session.verify = self._config.ca_file
            # REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE would otherwise override ``verify``.
            session.trust_env = False
        return session

    def _new_app(self, tenant_id: str) -> _App:
        session = self._session()
        try:
            app = msal.ConfidentialClientApplication(
                self._config.api_client_id,
                client_credential=self._config.api_client_secret,
                authority=self._config.tenant_authority(tenant_id),
                http_client=session,
                # Instance discovery calls login.microsoftonline.com; only for Entra ID itself.
                instance_discovery=None if self._config.is_microsoft_authority else False,
                # No refresh tokens: the API never needs to act when the user is not calling it.
                exclude_scopes=["offline_access"],
                # CAE: Graph refuses these tokens with a claims challenge once the user's sessions are
                # revoked, instead of accepting them until they expire (the per-page check reads it).
                client_capabilities=["CP1"],
                token_cache=_NoTokenCache(),
            )
        except Exception as exc:  # discovery failures surface as ValueError or requests errors
            session.close()
            raise GraphTokenUnavailable(
                f"Entra ID could not be reached for tenant {tenant_id} ({type(exc).__name__}). Try again later.",
                tenant_id=tenant_id,
            ) from None
        return _App(tenant_id, app, session)

    def _checkout(self, tenant_id: str) -> _App:
        with self._lock:
            entry = self._apps.get(tenant_id)
            if entry is not None:
                entry.in_flight += 1
                return entry
        created = self._new_app(tenant_id)  # network (discovery): outside the lock
        with self._lock:
            entry = self._apps.setdefault(tenant_id, created)
            entry.in_flight += 1
        if entry is not created:
            created.session.close()
        return entry

    def _release(self, entry: _App, *, retire: bool) -> None:
        with self._lock:
            entry.in_flight -= 1
            if retire:
                entry.retired = True
                if self._apps.get(entry.tenant_id) is entry:
                    del self._apps[entry.tenant_id]
            self._close_if_idle(entry)

    @staticmethod
    def _close_if_idle(entry: _App) -> None:
        if entry.retired and entry.in_flight == 0 and not entry.closed:
            entry.closed = True
            entry.session.close()

    def _acquire(self, tenant_id: str, api_token: str, scope_uris: tuple[str, ...]) -> dict[str, Any]:
        entry = self._checkout(tenant_id)
        failed = True
        try:
            try:
                result: dict[str, Any] = entry.app.acquire_token_on_behalf_of(api_token, list(scope_uris))
            except Exception as exc:  # network errors from requests, or MSAL's own
                raise GraphTokenUnavailable(
                    f"Entra ID could not be reached for tenant {tenant_id} ({type(exc).__name__}). Try again later.",
                    tenant_id=tenant_id,
                ) from None
            if "access_token" not in result:
                raise error_from_result(
                    result,
                    tenant_id=tenant_id,
                    scopes=scope_uris,
                    authority_host=self._config.authority_host,
                    api_client_id=self._config.api_client_id,
                )
            failed = False
            return result
        finally:
            # Any failure: a fresh application next time, so MSAL's 60 s replay of HTTP 400
            # answers cannot hide a consent granted (or a user re-enabled) in the meantime.
            self._release(entry, retire=failed)


def _same_partner_user(named: Principal, principal: Principal) -> bool:
    """Whether ``principal`` is ``named`` (a member of a partner tenant) acting in a GDAP customer."""
    if named.is_partner_technician or named.object_id is None or principal.tenant_id == named.tenant_id:
        return False
    return principal.user_key == f"partner:{named.tenant_id}:{named.object_id}"


class OboTokenProvider(TokenProvider):
    """A Graph ``TokenProvider`` for one signed-in user: tokens through ``OboClient`` (OBO)."""

    __slots__ = ("_api_token", "_obo", "_principal")

    def __init__(self, obo: OboClient, api_token: str, principal: Principal) -> None:
        self._obo = obo
        self._api_token = api_token
        self._principal = principal

    async def get_token(self, scopes: Sequence[str]) -> str:
        """A delegated Graph token carrying ``scopes`` for this provider's user."""
        return await self._obo.graph_token(self._api_token, self._principal, scopes)

    def __repr__(self) -> str:
        # Never let a token reach a log line or a traceback through repr().
        tenant_id, user_key = self._principal.cache_key()
        return f"OboTokenProvider(tenant_id={tenant_id!r}, user_key={user_key!r}, api_token=<redacted>)"
