"""Collecting a tenant's configuration objects for the Policies view, in memory only.

Per (tenant, user) there is at most one collection running and one result cached for a few
minutes (DESIGN §2.4: Graph data stays in process memory; nothing on disk). A collection runs as a
background task so the page can show progress by type; its Graph calls go through On-Behalf-Of
with the user's API token, which the task holds in memory while it runs and drops afterwards.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import httpx

from intune_assistant.catalog import Catalog, ResourceType
from intune_assistant.collect.collector import collect
from intune_assistant.graph import GraphClient
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus

from ..identity_api import IdentityConfig, OboClient, OboTokenProvider, Principal, scopes_for
from .rows import NAME_TYPES, PolicyRow, TypeProblem, build_rows

CacheKey = tuple[str, str]
MAX_ENTRIES = 500


@dataclass
class Inventory:
    """The rows of one collection, what failed, and when it was taken."""

    rows: list[PolicyRow]
    problems: list[TypeProblem]
    taken_at: datetime
    expires: float
    # The whole collection: every other page (documentation, assignments, compare) reads it.
    snapshot: Snapshot
    # Analyses pages derive from the snapshot, kept exactly as long as the snapshot itself.
    derived: dict[str, object] = field(default_factory=dict)


@dataclass
class CollectJob:
    """A running (or just finished) collection and its progress by type."""

    labels: dict[str, str]
    running: set[str] = field(default_factory=set)
    finished: dict[str, TypeResult] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None
    error: BaseException | None = None
    done: bool = False

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
            else:
                rows.append((label, "done", f"{result.count}"))
        return rows

    @property
    def percent(self) -> int:
        """Share of types finished."""
        return int(100 * len(self.finished) / max(1, len(self.labels)))


class PolicyService:
    """Collections and the short in-memory cache, keyed by (tenant, user)."""

    def __init__(
        self,
        catalog: Catalog,
        identity: IdentityConfig,
        obo: OboClient,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        ttl_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.catalog = catalog
        self._identity = identity
        self._obo = obo
        self._transport = transport
        self._ttl_s = ttl_s
        self._clock = clock
        self._cache: OrderedDict[CacheKey, Inventory] = OrderedDict()
        self._jobs: dict[CacheKey, CollectJob] = {}
        # Every type a snapshot holds, so all pages share one collection per (tenant, user).
        self._types = tuple(r.key for r in catalog.collected())

    @staticmethod
    def key(principal: Principal) -> CacheKey:
        """The isolation key: every cache entry belongs to one tenant and one user."""
        return (principal.tenant_id.lower(), principal.user_key)

    def cached(self, principal: Principal) -> Inventory | None:
        """The cached inventory, if still fresh."""
        key = self.key(principal)
        entry = self._cache.get(key)
        if entry is None:
            return None
        if entry.expires <= self._clock():
            del self._cache[key]
            return None
        return entry

    def job(self, principal: Principal) -> CollectJob | None:
        """The collection running (or finished but not yet picked up) for this user and tenant."""
        return self._jobs.get(self.key(principal))

    def drop(self, tenant_id: str, user_key: str | None = None) -> None:
        """Forget cached data and running work of a user (or of every user) of a tenant."""
        for key in [k for k in (*self._cache, *self._jobs) if k[0] == tenant_id.lower()]:
            if user_key is None or key[1] == user_key:
                self._cache.pop(key, None)
                job = self._jobs.pop(key, None)
                if job is not None and job.task is not None and not job.task.done():
                    job.task.cancel()

    def scopes(self, activated_modules: frozenset[str]) -> tuple[str, ...]:
        """Delegated scopes to ask for: read scopes, plus write scopes of activated write modules only."""
        return tuple(scopes_for(sorted(activated_modules), self.catalog))

    async def start(
        self, principal: Principal, api_token: str, activated_modules: frozenset[str], tenant_domain: str
    ) -> Inventory | CollectJob:
        """The fresh inventory, or the collection that will produce it (started if needed).

        A token is obtained first, in the request, so consent, MFA and revoked access surface as
        the identity module's exceptions right here instead of inside the background task. A
        failed collection raises its error once, then the next call starts over.
        """
        scopes = self.scopes(activated_modules)
        try:
            # Entra is asked on every page, even when the data is cached, so revoked consent or a
            # disabled user stops the next request (DESIGN §2.7); the collection reuses this token.
            await self._obo.graph_token(api_token, principal, scopes, fresh=True)
        except Exception:
            self.drop(principal.tenant_id, principal.user_key)  # nothing of theirs is served after
            raise
        cached = self.cached(principal)
        if cached is not None:
            return cached
        key = self.key(principal)
        job = self._jobs.get(key)
        if job is not None:
            if job.error is not None:
                del self._jobs[key]
                raise job.error
            if not job.done:
                return job
            del self._jobs[key]
        job = CollectJob(labels={k: self.catalog[k].label for k in self._types if k not in NAME_TYPES})
        self._jobs[key] = job
        provider = OboTokenProvider(self._obo, api_token, principal)
        job.task = asyncio.create_task(self._run(key, job, provider, scopes, principal, tenant_domain))
        return job

    @staticmethod
    async def wait(job: CollectJob, timeout_s: float) -> None:
        """Wait up to ``timeout_s`` for ``job`` to finish (its outcome is read with ``start`` again)."""
        if job.task is None or job.done:
            return
        # Not cancelled on timeout: the collection goes on for the next request.
        await asyncio.wait({job.task}, timeout=timeout_s)

    async def _run(
        self,
        key: CacheKey,
        job: CollectJob,
        provider: OboTokenProvider,
        scopes: tuple[str, ...],
        principal: Principal,
        tenant_domain: str,
    ) -> None:
        verify: ssl.SSLContext | bool = True
        if self._identity.ca_file:
            verify = ssl.create_default_context(cafile=self._identity.ca_file)
        tenant = TenantInfo(tenant_id=principal.tenant_id, domain=tenant_domain)
        try:
            async with GraphClient(
                provider,
                self._identity.graph_base_url,
                scopes=scopes,
                transport=self._transport,
                verify=verify,
            ) as client:
                snapshot = await collect(client, self.catalog, tenant, types=self._types, progress=job)
            rows, problems = build_rows(snapshot, self.catalog)
            self._cache[key] = Inventory(rows, problems, snapshot.taken_at, self._clock() + self._ttl_s, snapshot)
            self._cache.move_to_end(key)
            while len(self._cache) > MAX_ENTRIES:
                self._cache.popitem(last=False)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # kept for the next page request, which shows what to do
            job.error = exc
        finally:
            job.done = True
            if job.error is None:
                # The result is in the cache; the job (and the token it held) can go.
                self._jobs.pop(key, None)
