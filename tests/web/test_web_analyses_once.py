"""Analyses run once per snapshot generation, off the event loop; no page waits for another's."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
import weakref
from datetime import UTC, datetime

from fastapi import Request
from starlette.responses import PlainTextResponse

from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import Snapshot, TenantInfo
from intune_assistant.web.analyses import WARM
from intune_assistant.web.derived import Analysis, Derived
from intune_assistant.web.tenant_data import PageData

ANALYSIS_LOG = "intune_assistant.web.derived"


def _busy(seconds: float) -> int:
    """Pure-Python work that holds the interpreter for ``seconds`` (as a big analysis does)."""
    end, n = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        n += 1
    return n


def _snapshot() -> Snapshot:
    return Snapshot(tenant=TenantInfo(tenant_id="t"), source="graph", taken_at=datetime.now(UTC), objects={})


def _computed(caplog, name: str) -> int:
    return sum(
        1
        for r in caplog.records
        if r.name == ANALYSIS_LOG and r.getMessage().startswith(f"analysis {name} computed in ")
    )


async def test_concurrent_askers_share_one_computation(caplog) -> None:
    slow = Analysis("slow sum", lambda derived: _busy(0.3))
    derived = Derived(_snapshot(), default_catalog())
    with caplog.at_level(logging.INFO, logger=ANALYSIS_LOG):
        results = await asyncio.gather(*(derived.get(slow) for _ in range(10)))
        again = await derived.get(slow)
    assert len(set(results)) == 1 and again == results[0]
    assert derived.computations["slow sum"] == 1
    assert _computed(caplog, "slow sum") == 1


async def test_an_analysis_that_needs_another_computes_it_once() -> None:
    base = Analysis("base", lambda derived: [_busy(0.05)])
    left = Analysis("left", lambda derived: len(derived.value(base)))
    right = Analysis("right", lambda derived: len(derived.value(base)) + 1)
    derived = Derived(_snapshot(), default_catalog())
    assert await asyncio.gather(derived.get(left), derived.get(right)) == [1, 2]
    assert derived.computations == {"base": 1, "left": 1, "right": 1}


async def test_a_failed_analysis_is_tried_again_by_the_next_request() -> None:
    calls: list[int] = []

    def flaky(derived: Derived) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first time fails")
        return 7

    derived = Derived(_snapshot(), default_catalog())
    analysis = Analysis("flaky", flaky)
    try:
        await derived.get(analysis)
    except RuntimeError:
        pass
    else:  # pragma: no cover - the first computation must fail
        raise AssertionError("expected the first computation to fail")
    assert await derived.get(analysis) == 7 and len(calls) == 2


async def test_answers_are_shared_per_question_and_bounded() -> None:
    derived = Derived(_snapshot(), default_catalog())
    first = await asyncio.gather(*(derived.answer("device", "PC-1", lambda: _busy(0.1)) for _ in range(5)))
    await derived.answer("device", "PC-2", lambda: 2)
    assert len(set(first)) == 1
    assert derived.computations["device"] == 2


async def test_every_heavy_analysis_runs_once_per_generation_however_many_pages_ask(web, caplog) -> None:
    with caplog.at_level(logging.INFO, logger=ANALYSIS_LOG):
        await web.onboarded_admin()
        await web.wait_for_policies()
        # Right after the read, while the analyses are still being computed in the background.
        pages = ["/conflicts", "/settings", "/assignments", "/groups", "/conflicts", "/settings", "/troubleshoot"]
        answers = await asyncio.gather(*(web.client.get(p) for p in pages))
        assert [a.status_code for a in answers] == [200] * len(pages)
        again = await asyncio.gather(*(web.client.get(p) for p in pages))
        assert all(a.status_code == 200 for a in again)
    for name in ("conflicts", "setting rows", "directory and assignment overview"):
        assert _computed(caplog, name) == 1, name
    (inventory,) = web.app.state.web.policies.kept().values()
    assert inventory.derived.computations["conflicts"] == 1


async def test_a_slow_page_does_not_hold_up_another_users_page(web) -> None:
    slow = Analysis("two seconds of work", lambda derived: _busy(2.0))

    async def slow_page(request: Request, data: PageData) -> PlainTextResponse:
        return PlainTextResponse(str(await data.analysis(slow)))

    web.app.add_api_route("/slow", slow_page)
    await web.onboarded_admin()
    await web.wait_for_policies()
    await web.client.get("/policies")  # the policies page is warm
    finished: dict[str, float] = {}
    started = time.perf_counter()

    async def get(path: str) -> None:
        answer = await web.client.get(path)
        assert answer.status_code == 200, answer.text[:200]
        finished[path] = time.perf_counter() - started

    async def policies_a_little_later() -> None:
        await asyncio.sleep(0.2)  # the slow page's work has started
        await get("/policies")

    await asyncio.gather(get("/slow"), policies_a_little_later())
    assert finished["/slow"] >= 2.0
    # Relative, not a wall-clock bound: a loaded machine slows both, but only waiting makes Policies last.
    assert finished["/policies"] < finished["/slow"], finished


async def test_a_generation_and_its_analyses_free_without_the_cycle_collector(web) -> None:
    # Why the service may exempt a generation from the cycle collector (gc.freeze): dropping one
    # leaves no reference cycles behind, so reference counting frees all of it.
    await web.onboarded_admin()
    await web.wait_for_policies()
    (inventory,) = web.app.state.web.policies.kept().values()
    derived = Derived(inventory.snapshot, default_catalog())
    for analysis in WARM:
        derived.value(analysis)
    alive = weakref.ref(derived.value(WARM[0]))
    gc.collect()
    del derived
    assert gc.collect() == 0
    assert alive() is None


async def test_a_document_and_an_api_answer_are_built_once_and_served_again_as_they_were(web) -> None:
    upn = await web.onboarded_admin()
    await web.wait_for_policies()
    tenant = web.tenant("contoso")
    admin = next(o for o in tenant.operators if o.user_principal_name == upn)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, admin.user_id, base_url=web.emulator.base_url)
    bearer = {"Authorization": f"Bearer {token}"}
    docs = [await web.client.get("/documentation/download", params={"format": "docx"}) for _ in range(2)]
    other = await web.client.get("/documentation/download", params={"format": "md"})
    api = [await web.client.get("/api/v1/troubleshoot", params={"user": upn}, headers=bearer) for _ in range(2)]
    listed = [await web.client.get("/api/v1/assignments", params={"q": "WIN"}, headers=bearer) for _ in range(2)]
    assert all(r.status_code == 200 for r in [*docs, other, *api, *listed])
    assert docs[0].content == docs[1].content and other.content != docs[0].content
    assert api[0].json() == api[1].json() and api[0].json()["effective"]
    assert listed[0].json() == listed[1].json() and listed[0].json()["policies"]
    derived = next(iter(web.app.state.web.policies.kept().values())).derived
    for kind in ("documentation", "troubleshoot json", "assignments json"):
        assert derived.computations[kind] == (2 if kind == "documentation" else 1), kind
