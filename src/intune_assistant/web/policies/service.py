"""Collecting a tenant's configuration objects for every page, in memory only.

Per (tenant, user) there is at most one collection running and one generation of data kept
(DESIGN §2.4: Graph data stays in process memory; nothing on disk). A collection runs as a
background task so the page can show progress by type; its Graph calls go through On-Behalf-Of
with the user's API token, which the task holds in memory while it runs and drops afterwards.

Data is *fresh* for ``ttl_s`` seconds. After that a page still gets it at once, with its age,
while a refresh runs in the background (UX rule 14: a refresh never hides data); the refreshed
generation replaces it when its heavy analyses are computed, so pages stay fast throughout. Data
older than ``keep_s`` is not shown any more: the next page waits for a new read.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import ssl
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from intune_assistant.catalog import Catalog, ResourceType
from intune_assistant.collect.collector import collect
from intune_assistant.graph import GraphClient, TokenProvider
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus

from ..derived import Analysis, Derived
from ..fair_use import CollectionBudget
from ..identity_api import IdentityConfig, OboClient, OboTokenProvider, Principal, SessionsRevoked, scopes_for
from .rows import NAME_TYPES, PolicyRow, TypeProblem, build_rows

CacheKey = tuple[str, str]
MAX_ENTRIES = 500
# Seconds the revoked-sessions check may take before the cached page is served anyway.
SESSIONS_CHECK_TIMEOUT_S = 3.0
# After a failed refresh the old data stays; the next refresh is tried after this many seconds.
RETRY_AFTER_FAILED_REFRESH_S = 60.0

logger = logging.getLogger(__name__)


@dataclass
class Inventory:
    """One generation of a tenant's collection for one user: the snapshot, its rows and its analyses."""

    rows: list[PolicyRow]
    problems: list[TypeProblem]
    snapshot: Snapshot
    # Analyses pages derive from the snapshot, kept exactly as long as the snapshot itself.
    derived: Derived
    generation: int = 1
    # When this read refreshed an earlier generation: the types (labels) it re-read in full, and
    # those it only checked for changes.
    refreshed: bool = False
    full_types: tuple[str, ...] = ()
    checked_types: tuple[str, ...] = ()
    # Why the refresh read types in full that it could have only checked (the audit log failed).
    full_reasons: tuple[str, ...] = ()

    @property
    def taken_at(self) -> datetime:
        """When the read started (UTC)."""
        return self.snapshot.taken_at


@dataclass
class CollectJob:
    """A running (or just finished) collection and its progress by type."""

    labels: dict[str, str]
    running: set[str] = field(default_factory=set)
    finished: dict[str, TypeResult] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None
    error: BaseException | None = None
    done: bool = False
    # A refresh of data that pages keep showing meanwhile (not the first read).
    refresh: bool = False
    # What the collection produced: a download that waited for it is served this, however short
    # the cache's lifetime.
    result: Inventory | None = None

    def type_started(self, record: ResourceType) -> None:
        """Progress: ``record`` is being read."""
        self.running.add(record.key)

    def type_finished(self, record: ResourceType, result: TypeResult) -> None:
        """Progress: ``record`` is done."""
        self.running.discard(record.key)
        self.finished[record.key] = result

    def progress(self) -> list[tuple[str, str, str]]:
        """(label, state, detail) per type, in catalog order: waiting, reading, done or failed."""
        rows = []
        for key, label in self.labels.items():
            result = self.finished.get(key)
            if result is None:
                rows.append((label, "reading" if key in self.running else "waiting", ""))
            elif result.status is TypeStatus.FAILED:
                rows.append((label, "failed", result.error or ""))
            elif result.status is TypeStatus.NOT_COLLECTED:
                rows.append((label, "not read", result.error or ""))
            else:
                rows.append((label, "done", f"{result.count}"))
        return rows

    @property
    def percent(self) -> int:
        """Share of types finished."""
        return int(100 * len(self.finished) / max(1, len(self.labels)))


@dataclass
class _Entry:
    """What is kept for one (tenant, user): the data shown and the collection running."""

    current: Inventory | None = None
    job: CollectJob | None = None
    fresh_until: float = 0.0
    keep_until: float = 0.0
    # Set when the last refresh failed: the data shown is older than it should be.
    refresh_failed: datetime | None = None
    warming: asyncio.Task[None] | None = None
    # When Graph last said this user's sign-in sessions still stand (the service's clock).
    sessions_checked: float | None = None


@dataclass(frozen=True)
class DataStatus:
    """What a page says about its data: when it was read, and whether a refresh runs or failed."""

    generation: int
    taken_at: datetime
    age_s: float
    refreshing: CollectJob | None
    refresh_failed: datetime | None
    refreshed: bool
    full_types: tuple[str, ...]
    checked_types: tuple[str, ...]
    full_reasons: tuple[str, ...] = ()

    @property
    def age_text(self) -> str:
        """The age in words ("just now", "4 min ago", "2 h ago")."""
        minutes = int(self.age_s // 60)
        if minutes < 1:
            return "just now"
        if minutes < 120:
            return f"{minutes} min ago"
        return f"{minutes // 60} h ago"


class PolicyService:
    """Collections of every tenant's data and the short in-memory cache, keyed by (tenant, user)."""

    def __init__(
        self,
        catalog: Catalog,
        identity: IdentityConfig,
        obo: OboClient,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        ttl_s: float = 300.0,
        keep_s: float = 3600.0,
        sessions_check_s: float = 60.0,
        warm: Sequence[Analysis[Any]] = (),
        clock: Callable[[], float] = time.monotonic,
        budget: CollectionBudget | None = None,
    ) -> None:
        self.catalog = catalog
        # Collections per tenant per hour, against the plan's limit (in memory only).
        self.budget = budget or CollectionBudget()
        self._identity = identity
        self._obo = obo
        self._transport = transport
        self._ttl_s = ttl_s
        self._keep_s = max(keep_s, ttl_s)
        self._sessions_check_s = sessions_check_s
        self._warm = list(warm)
        self._clock = clock
        self._entries: OrderedDict[CacheKey, _Entry] = OrderedDict()
        # Every type a snapshot holds, so all pages share one collection per (tenant, user).
        self._types = tuple(r.key for r in catalog.collected())

    @staticmethod
    def key(principal: Principal) -> CacheKey:
        """The isolation key: every cache entry belongs to one tenant and one user."""
        return (principal.tenant_id.lower(), principal.user_key)

    def cached(self, principal: Principal) -> Inventory | None:
        """The data kept for this user and tenant (fresh or being refreshed), if any."""
        entry = self._entries.get(self.key(principal))
        if entry is None or entry.current is None or entry.keep_until <= self._clock():
            return None
        return entry.current

    def kept(self) -> dict[CacheKey, Inventory]:
        """The data kept, by (tenant, user) key: what an operator (or a test) may inspect."""
        return {key: entry.current for key, entry in self._entries.items() if entry.current is not None}

    def job(self, principal: Principal) -> CollectJob | None:
        """The collection running (or finished but not yet picked up) for this user and tenant."""
        entry = self._entries.get(self.key(principal))
        return entry.job if entry is not None else None

    def status(self, principal: Principal) -> DataStatus | None:
        """When the data shown was read, and whether a refresh runs (``None`` before the first read)."""
        entry = self._entries.get(self.key(principal))
        if entry is None or entry.current is None:
            return None
        current = entry.current
        refreshing = entry.job if entry.job is not None and entry.job.refresh and not entry.job.done else None
        return DataStatus(
            generation=current.generation,
            taken_at=current.taken_at,
            age_s=max(0.0, (datetime.now(UTC) - current.taken_at).total_seconds()),
            refreshing=refreshing,
            refresh_failed=entry.refresh_failed,
            refreshed=current.refreshed,
            full_types=current.full_types,
            checked_types=current.checked_types,
            full_reasons=current.full_reasons,
        )

    def drop(self, tenant_id: str, user_key: str | None = None) -> None:
        """Forget cached data and running work of a user (or of every user) of a tenant."""
        for key in [k for k in self._entries if k[0] == tenant_id.lower()]:
            if user_key is None or key[1] == user_key:
                entry = self._entries.pop(key)
                for task in (entry.job.task if entry.job is not None else None, entry.warming):
                    if task is not None and not task.done():
                        task.cancel()

    def graph_client(self, provider: TokenProvider, scopes: Sequence[str]) -> GraphClient:
        """A Graph client for one user's ``provider`` and ``scopes`` (the app's Graph host, transport and CA)."""
        base = self._identity.graph_base_url
        return GraphClient(provider, base, scopes=tuple(scopes), transport=self._transport, verify=self._verify())

    def _verify(self) -> ssl.SSLContext | bool:
        return ssl.create_default_context(cafile=self._identity.ca_file) if self._identity.ca_file else True

    def scopes(self, activated_modules: frozenset[str]) -> tuple[str, ...]:
        """Delegated scopes to ask for: read scopes, plus write scopes of activated write modules only."""
        return tuple(scopes_for(sorted(activated_modules), self.catalog))

    async def start(
        self,
        principal: Principal,
        api_token: str,
        activated_modules: frozenset[str],
        tenant_domain: str,
        *,
        per_hour: int | None = None,
    ) -> Inventory | CollectJob:
        """The data to show, or the first collection that will produce it (started if needed).

        ``per_hour`` is the plan's limit of collections per tenant per hour: a collection the page
        needs past it raises ``LimitReached``; a background refresh past it is not started (the page
        keeps the data it has). Data past its freshness is returned at once while a refresh starts in the background. A
        token is obtained first, in the request, so consent, MFA and revoked access surface as the
        identity module's exceptions right here instead of inside the background task. A failed
        first collection raises its error once, then the next call starts over.
        """
        scopes = await self._check_access(principal, api_token, activated_modules)
        key = self.key(principal)
        entry = self._entry(key)
        now = self._clock()
        job = entry.job
        if job is not None and job.done and job.error is not None:
            entry.job = None
            raise job.error
        if entry.current is not None and entry.keep_until <= now and (job is None or job.refresh):
            entry.current = None  # too old to show: this page waits for a new read
            if job is not None:
                job.refresh = False
        if entry.current is not None:
            if entry.fresh_until <= now and entry.job is None and self.budget.allows(principal.tenant_id, per_hour):
                self._launch(key, entry, principal, api_token, scopes, tenant_domain)
            return entry.current
        if entry.job is None:
            self.budget.take(principal.tenant_id, per_hour)
            self._launch(key, entry, principal, api_token, scopes, tenant_domain)
        assert entry.job is not None
        return entry.job

    async def refresh(
        self,
        principal: Principal,
        api_token: str,
        activated_modules: frozenset[str],
        tenant_domain: str,
        *,
        per_hour: int | None = None,
    ) -> CollectJob:
        """Read the tenant again now (the refresh button); pages keep showing the current data meanwhile.

        ``LimitReached`` when the tenant already had ``per_hour`` collections in the last hour."""
        scopes = await self._check_access(principal, api_token, activated_modules)
        key = self.key(principal)
        entry = self._entry(key)
        if entry.job is None or entry.job.done:
            self.budget.take(principal.tenant_id, per_hour)
            entry.job = None
            self._launch(key, entry, principal, api_token, scopes, tenant_domain)
        assert entry.job is not None
        return entry.job

    @staticmethod
    async def wait(job: CollectJob, timeout_s: float) -> None:
        """Wait up to ``timeout_s`` for ``job`` to finish (its outcome is read with ``start`` again)."""
        if job.task is None or job.done:
            return
        # Not cancelled on timeout: the collection goes on for the next request.
        await asyncio.wait({job.task}, timeout=timeout_s)

    async def _check_access(
        self, principal: Principal, api_token: str, activated_modules: frozenset[str]
    ) -> tuple[str, ...]:
        scopes = self.scopes(activated_modules)
        try:
            # Entra is asked on every page, even when the data is cached, so revoked consent or a
            # disabled user stops the next request (DESIGN §2.7); the collection reuses this token.
            await self._obo.graph_token(api_token, principal, scopes, fresh=True)
            await self._check_sessions(principal, api_token, scopes)
        except Exception:
            self.drop(principal.tenant_id, principal.user_key)  # nothing of theirs is served after
            raise
        return scopes

    async def _check_sessions(self, principal: Principal, api_token: str, scopes: tuple[str, ...]) -> None:
        """A small Graph read, at most every ``sessions_check_s`` per user, before cached data is served:
        Graph, not Entra's On-Behalf-Of, knows the user's sessions were revoked since they signed in, and
        says so with a CAE claims challenge (the OBO client declares CP1).

        Without cached data there is nothing to check: the collection about to run reads Graph itself.
        One attempt, a few seconds at most; any other answer (Graph slow or failing) serves the page and
        asks again at the next request, so a Graph outage never holds up cached pages.
        """
        entry = self._entries.get(self.key(principal))
        if entry is None or entry.current is None:
            return
        now = self._clock()
        if entry.sessions_checked is not None and now - entry.sessions_checked < self._sessions_check_s:
            return
        provider = OboTokenProvider(self._obo, api_token, principal)
        client = GraphClient(
            provider,
            self._identity.graph_base_url,
            scopes=scopes,
            transport=self._transport,
            verify=self._verify(),
            timeout=SESSIONS_CHECK_TIMEOUT_S,
            max_attempts=1,
        )
        try:
            async with client:
                answer = await asyncio.wait_for(
                    client.request("GET", "organization", version="v1.0", params={"$select": "id"}),
                    SESSIONS_CHECK_TIMEOUT_S,
                )
        except TimeoutError:
            logger.info("sessions check: no answer from Graph in %s s; the page is served", SESSIONS_CHECK_TIMEOUT_S)
            return
        if answer.status == 401 and "insufficient_claims" in answer.headers.get("www-authenticate", ""):
            self._obo.forget(principal.tenant_id, principal.user_key)
            raise SessionsRevoked(principal.tenant_id)
        if answer.ok:
            entry.sessions_checked = now

    def _entry(self, key: CacheKey) -> _Entry:
        entry = self._entries.get(key)
        if entry is None:
            entry = self._entries[key] = _Entry()
            while len(self._entries) > MAX_ENTRIES:
                _, old = self._entries.popitem(last=False)
                if old.job is not None and old.job.task is not None and not old.job.task.done():
                    old.job.task.cancel()
        self._entries.move_to_end(key)
        return entry

    def _launch(
        self,
        key: CacheKey,
        entry: _Entry,
        principal: Principal,
        api_token: str,
        scopes: tuple[str, ...],
        tenant_domain: str,
    ) -> None:
        job = CollectJob(
            labels={k: self.catalog[k].label for k in self._types if k not in NAME_TYPES},
            refresh=entry.current is not None,
        )
        entry.job = job
        provider = OboTokenProvider(self._obo, api_token, principal)
        job.task = asyncio.create_task(self._run(key, entry, job, provider, scopes, principal, tenant_domain))

    async def _run(
        self,
        key: CacheKey,
        entry: _Entry,
        job: CollectJob,
        provider: OboTokenProvider,
        scopes: tuple[str, ...],
        principal: Principal,
        tenant_domain: str,
    ) -> None:
        tenant = TenantInfo(tenant_id=principal.tenant_id, domain=tenant_domain)
        previous = entry.current
        try:
            async with self.graph_client(provider, scopes) as client:
                # A refresh reads only what changed where Graph lets it (the collector says which types
                # it read in full); the first read reads everything.
                snapshot = await collect(
                    client,
                    self.catalog,
                    tenant,
                    types=self._types,
                    progress=job,
                    previous=previous.snapshot if previous is not None else None,
                )
            rows, problems = await asyncio.to_thread(build_rows, snapshot, self.catalog)
            inventory = Inventory(
                rows,
                problems,
                snapshot,
                Derived(snapshot, self.catalog),
                generation=previous.generation + 1 if previous is not None else 1,
                refreshed=previous is not None,
                full_types=_labels(job, snapshot, in_full=True) if previous is not None else (),
                checked_types=_labels(job, snapshot, in_full=False) if previous is not None else (),
                full_reasons=tuple(
                    sorted({r.full_read_reason for r in snapshot.results.values() if r.full_read_reason})
                ),
            )
            if job.refresh:
                # Pages keep the old generation (and its ready analyses) until the new one's are ready.
                await inventory.derived.warm(self._warm)
            if self._entries.get(key) is not entry:
                return  # dropped meanwhile (sign-out, revoked access): nothing is kept
            now = self._clock()
            entry.current, entry.fresh_until, entry.keep_until = inventory, now + self._ttl_s, now + self._keep_s
            entry.refresh_failed = None
            job.result = inventory
            if job.refresh:
                settle_memory()
            else:
                entry.warming = asyncio.create_task(self._warm_quietly(inventory.derived))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if job.refresh and entry.current is not None:
                # The old data stays, marked as such; the next page tries again a little later.
                logger.warning("refresh failed: %s", type(exc).__name__)
                entry.refresh_failed = datetime.now(UTC)
                entry.fresh_until = self._clock() + min(self._ttl_s, RETRY_AFTER_FAILED_REFRESH_S)
            else:
                job.error = exc  # kept for the next page request, which shows what to do
        finally:
            job.done = True
            if job.error is None and entry.job is job:
                # The result is kept; the job (and the token it held) can go.
                entry.job = None

    async def _warm_quietly(self, derived: Derived) -> None:
        """The heavy analyses of a first read, in the background; a page asking later re-raises a failure."""
        try:
            await derived.warm(self._warm)
        except Exception as exc:
            logger.warning("computing an analysis failed: %s", type(exc).__name__)
        settle_memory()


def _labels(job: CollectJob, snapshot: Snapshot, *, in_full: bool) -> tuple[str, ...]:
    """Labels of the job's types the collection read in full (or only checked for changes)."""
    return tuple(
        label
        for key, label in job.labels.items()
        if key in snapshot.results and snapshot.results[key].read_in_full is in_full
    )


def settle_memory() -> None:
    """Exempt what is in memory now (a generation and its analyses) from the cyclic garbage collector.

    A large tenant's generation is millions of objects; every full collection walked all of them,
    pausing every request of the process for seconds. A generation holds no reference cycles
    (dropping one frees it all through reference counting), so nothing that later becomes garbage
    is kept by this.
    """
    gc.freeze()
