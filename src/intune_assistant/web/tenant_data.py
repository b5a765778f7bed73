"""The one dependency every tenant page, export and API route uses: who asks, which tenant, its data.

A route declares what it needs and gets it ready:

- ``PageData``: a page of the signed-in user's onboarded tenant. While the tenant's first
  collection runs the route is not called: the answer is the progress page (htmx polls it and
  reloads when the data is ready).
- ``FileData``: a download (CSV, documentation, a compare report) or a form post. It never answers
  a progress page: it waits for the collection (bounded by ``WebSettings.export_wait_s``) or
  answers 503 with ``Retry-After``.
- ``ApiData``: the JSON API with a bearer token; ``202 {"status": "collecting"}`` while reading.

Blocking work (the registry's SQLAlchemy calls) runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, FastAPI, Request
from starlette.responses import JSONResponse, Response

from intune_assistant.identity.dependency import bearer_token
from intune_assistant.snapshot import Snapshot
from intune_assistant.tenants import TenantRecord

from .context import tenant_context, web_state
from .derived import MAX_ANSWERS, Analysis
from .errors import Link, ProblemPage, api_error, is_api, is_htmx
from .identity_api import Principal
from .modules import modules_in_use
from .navigation import NAV_ITEMS
from .policies.service import CollectJob, Inventory
from .session import BrowserSession
from .templating import render

T = TypeVar("T")


@dataclass
class TenantData:
    """A signed-in user of an onboarded, enabled tenant and the tenant's ready collection."""

    principal: Principal
    record: TenantRecord
    api_token: str
    inventory: Inventory
    # The browser session (pages); ``None`` for the bearer-token API.
    session: BrowserSession | None = None

    @property
    def snapshot(self) -> Snapshot:
        """The collected snapshot every analysis reads."""
        return self.inventory.snapshot

    @property
    def domain(self) -> str:
        """The tenant's domain (file names, headings)."""
        return self.record.domain

    async def analysis(self, analysis: Analysis[T]) -> T:
        """An analysis of this generation: computed once off the event loop, shared by every request."""
        return await self.inventory.derived.get(analysis)

    async def answer(self, kind: str, key: Hashable, compute: Callable[[], T], *, keep: int = MAX_ANSWERS) -> T:
        """One question's answer (a device's verdicts, a filter's preview), computed once off the loop;
        the last ``keep`` per kind are kept."""
        return await self.inventory.derived.answer(kind, key, compute, keep=keep)


class StillReading(Exception):
    """The tenant's first collection is running; the page shows its progress instead."""

    def __init__(self, job: CollectJob) -> None:
        super().__init__("collection running")
        self.job = job


async def _start(
    request: Request, principal: Principal, api_token: str, record: TenantRecord
) -> Inventory | CollectJob:
    state = web_state(request)
    return await state.policies.start(
        principal,
        api_token,
        modules_in_use(request, record.module_names),
        record.domain,
        per_hour=collections_per_hour(request, record),
    )


def collections_per_hour(request: Request, record: TenantRecord) -> int | None:
    """The tenant's plan limit of collections per hour (``None``: unlimited, or a plan no longer configured)."""
    plans = web_state(request).registry.plans
    plan = plans.get(record.plan)
    return plan.quotas.collections_per_hour if plan is not None else None


async def read_as(
    request: Request, principal: Principal, api_token: str, record: TenantRecord
) -> Inventory | CollectJob:
    """Another tenant's data as ``principal`` reads it there (a golden tenant, a deploy's source),
    through the pages' collection cache of (that tenant, this user); a first read running is waited
    for up to the export wait, and is still the answer if it has not finished by then."""
    state = web_state(request)
    modules, per_hour = modules_in_use(request, record.module_names), collections_per_hour(request, record)
    found = await state.policies.start(principal, api_token, modules, record.domain, per_hour=per_hour)
    if isinstance(found, CollectJob):
        await state.policies.wait(found, state.settings.export_wait_s)
        found = found.result or await state.policies.start(principal, api_token, modules, record.domain,
                                                           per_hour=per_hour)  # fmt: skip
    return found


def _wants_file(request: Request) -> bool:
    """A form post or a ``download=`` link: the answer must be the result, never a progress page."""
    return request.method != "GET" or "download" in request.query_params


async def page_data(request: Request) -> TenantData:
    """The tenant's data for a page; ``StillReading`` (the progress page) while it is first read.

    A form post or a ``download=`` link waits for the data like an export does.
    """
    if _wants_file(request):
        return await file_data(request)
    ctx = await tenant_context(request)
    result = await _start(request, ctx.principal, ctx.session.api_token, ctx.record)
    if isinstance(result, CollectJob):
        raise StillReading(result)
    request.state.data_status = web_state(request).policies.status(ctx.principal)
    return TenantData(ctx.principal, ctx.record, ctx.session.api_token, result, ctx.session)


async def file_data(request: Request) -> TenantData:
    """The tenant's data for a download: waits for a running collection, or 503 with ``Retry-After``."""
    ctx = await tenant_context(request)
    state = web_state(request)
    result = await _start(request, ctx.principal, ctx.session.api_token, ctx.record)
    if isinstance(result, CollectJob):
        job = result
        await state.policies.wait(job, state.settings.export_wait_s)
        # The collection waited for, even if the cache's lifetime is shorter than the wait.
        result = job.result or await _start(request, ctx.principal, ctx.session.api_token, ctx.record)
        if isinstance(result, CollectJob):
            raise _not_ready(request, result)
    return TenantData(ctx.principal, ctx.record, ctx.session.api_token, result, ctx.session)


async def api_data(request: Request) -> TenantData:
    """The tenant's data for the JSON API (bearer token); ``StillReading`` answers 202 meanwhile."""
    token = bearer_token(request)
    state = web_state(request)
    principal = await state.validator.validate(token)
    request.state.principal = principal
    record = await asyncio.to_thread(state.registry.get, principal.tenant_id)
    if record is None or not record.enabled:
        raise api_error(403, "tenant_not_onboarded", "This tenant is not onboarded (or is disabled).")
    request.state.record = record
    result = await _start(request, principal, token, record)
    if isinstance(result, CollectJob):
        raise StillReading(result)
    return TenantData(principal, record, token, result)


PageData = Annotated[TenantData, Depends(page_data)]
FileData = Annotated[TenantData, Depends(file_data)]
ApiData = Annotated[TenantData, Depends(api_data)]


def _not_ready(request: Request, job: CollectJob) -> ProblemPage:
    # Roughly the time the rest of the collection takes at the pace so far, at least a few seconds.
    retry = max(5, math.ceil((100 - job.percent) / 20))
    return ProblemPage(
        503,
        "The tenant is still being read",
        f"The download needs the tenant's data, which is {job.percent}% read. Nothing was downloaded.",
        advice=f"Try again in about {retry} seconds.",
        links=[Link("Try again", str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))],
        headers={"Retry-After": str(retry)},
    )


def page_title(path: str) -> tuple[str, str]:
    """(navigation key, title) of the module a path belongs to, for the progress page."""
    for item in NAV_ITEMS:
        if path == item.href or path.startswith(item.href + "/") or path.startswith(item.href + "."):
            return item.key, item.label
    return "", "Intune Assistant"


def install_still_reading_handler(app: FastAPI) -> None:
    """What ``StillReading`` becomes: the progress page, an htmx reload, or the API's 202."""

    async def on_still_reading(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StillReading)
        if is_api(request):
            return JSONResponse({"status": "collecting", "percent": exc.job.percent}, status_code=202)
        if is_htmx(request):
            # A fragment cannot hold the progress page: reload the whole page, which shows it.
            return Response(status_code=200, headers={"HX-Refresh": "true"})
        nav, title = page_title(request.url.path)
        return render(request, "progress_page.html", {"job": exc.job, "title": title, "nav": nav})

    app.add_exception_handler(StillReading, on_still_reading)
