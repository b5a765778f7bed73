"""500 assignment changes over 250 objects of the large tenant, applied under Intune's throttling
and injected 5xx faults (5 % of every request, and every app request failing): each item ends
applied or failed with its reason, a full re-read finds no assignment lost or wrong, and running the
plan again applies only what failed. Throttling runs on a shared virtual clock: no real waiting.

The changes and the re-read check are ``benchmarks/apply.py``'s (which runs the same over HTTPS in
real time and prints the figures)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
from tests.integration.conftest import collect_demo

from intune_assistant.catalog.modules import write_scopes
from intune_assistant.changes import ItemStatus, Plan, apply_plan, plan_assignments
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.graph import EmulatorOptions, RouteFaults, create_graph_app
from intune_assistant.graph import GraphClient, StaticTokenProvider


def _benchmark() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "apply.py"
    spec = importlib.util.spec_from_file_location("benchmark_apply", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class VirtualTime:
    """One clock for the emulator's throttling windows, the client's limiter and apply's waves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


async def _apply(demo: DemoTenancy, app: Any, plan: Plan, time: VirtualTime) -> Any:
    scopes = [*demo.catalog.read_scopes(), *write_scopes(demo.catalog)["bulk-assign"]]
    async with GraphClient(
        StaticTokenProvider(demo.token("large", scopes=scopes)),
        transport=httpx.ASGITransport(app=app),
        clock=time.clock,
        sleep=time.sleep,
    ) as graph:
        report = await apply_plan(plan, graph, clock=time.clock, sleep=time.sleep)
        return report, graph.stats


async def test_500_changes_under_throttling_and_faults_lose_nothing_and_a_rerun_finishes_what_failed() -> None:
    bench = _benchmark()
    types = list(bench.TYPES)
    time = VirtualTime()
    demo = build_demo(["large"], options=EmulatorOptions(clock=time.clock, sleep=time.sleep))
    tenant = demo.tenants["large"]
    demo.entra.grant_consent(tenant.tenant_id, write_scopes(demo.catalog)["bulk-assign"])
    faults = EmulatorOptions(
        clock=time.clock,
        sleep=time.sleep,
        error_5xx_rate=0.05,
        seed=5,
        routes={"mobileApps": RouteFaults(error_5xx_rate=1.0)},  # this part of Graph is down for the first run
    )
    flaky = create_graph_app({tenant.tenant_id: tenant}, verifier=demo.entra.graph_verifier(), catalog=demo.catalog,
                             options=faults)  # fmt: skip
    snapshot, _ = await collect_demo(demo, "large", types=[*types, "groups", "assignmentFilters"])
    changes = bench.bulk_changes(snapshot)
    plan = plan_assignments(snapshot, changes)
    assert (len(changes), len(plan.items), plan.rejected) == (500, 250, ())

    report, stats = await _apply(demo, flaky, plan, time)

    by_key = {r.key: r for r in report.results}
    assert all(r.status in (ItemStatus.APPLIED, ItemStatus.FAILED) for r in report.results)
    failed = {k for k, r in by_key.items() if r.status is ItemStatus.FAILED}
    assert failed == {i.key for i in plan.items if i.object.type_key == "mobileApps"}
    assert all(
        by_key[k].reason.startswith("Graph answered 50") and "after retrying" in by_key[k].reason for k in failed
    )
    assert stats.throttled_429 == 0 and stats.retries > 0  # paced under the limits; faults retried

    after, _ = await collect_demo(demo, "large", types=types)
    assert bench.lost_or_wrong(snapshot, after, plan, report, types) == []  # not one assignment lost or wrong

    again, _ = await _apply(demo, demo.app, plan, time)

    rerun = {r.key: r for r in again.results}
    assert {k for k, r in rerun.items() if r.requests} == failed  # only what failed is written again
    assert all(r.status is ItemStatus.APPLIED for r in rerun.values())
    assert all(rerun[k].reason == "already applied" for k in by_key if k not in failed)
    final, _ = await collect_demo(demo, "large", types=types)
    assert bench.lost_or_wrong(snapshot, final, plan, again, types) == []
