"""500 assignment changes over 250 objects of the large tenant, applied under Intune's throttling
and injected 5xx faults (5 % of every request, and every app request failing): each item ends
applied or failed with its reason, a full re-read finds no assignment lost or wrong, and running the
plan again applies only what failed. Throttling runs on a shared virtual clock: no real waiting."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import httpx
from tests.integration.conftest import collect_demo

from intune_assistant.analyses.assignments import APP_INTENTS, FilterMode, object_targets
from intune_assistant.catalog.modules import write_scopes
from intune_assistant.changes import (
    AssignmentChange,
    AssignTarget,
    ChangeAction,
    Direction,
    ItemStatus,
    ObjectKey,
    Plan,
    apply_plan,
    plan_assignments,
    signature,
)
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.graph import EmulatorOptions, RouteFaults, create_graph_app
from intune_assistant.graph import GraphClient, StaticTokenProvider
from intune_assistant.snapshot import Snapshot

TYPES = {"deviceConfigurations": 150, "powershellScripts": 40, "mobileApps": 60}


class VirtualTime:
    """One clock for the emulator's throttling windows, the client's limiter and apply's waves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


def _changes(snapshot: Snapshot, seed: int = 14) -> list[AssignmentChange]:
    rng = random.Random(seed)
    groups = [str(g["id"]) for g in snapshot.objects["groups"]]
    filters = [str(f["id"]) for f in snapshot.objects["assignmentFilters"]]
    changes: list[AssignmentChange] = []
    for type_key, count in TYPES.items():
        app = type_key == "mobileApps"
        for obj in snapshot.objects[type_key][:count]:
            key = ObjectKey(type_key, str(obj["id"]))
            assigned = {t.group_id for t in object_targets(type_key, obj) or () if t.group_id}
            free = [g for g in groups if g not in assigned]
            first, second = rng.sample(free, 2)
            filtered = not app and rng.random() < 0.3
            changes.append(
                AssignmentChange(
                    key,
                    ChangeAction.ADD,
                    AssignTarget.group(first),
                    filter_id=rng.choice(filters) if filtered else None,
                    filter_mode=rng.choice(list(FilterMode)) if filtered else None,
                    intent=rng.choice(APP_INTENTS[:2]) if app else None,
                    source=f"{key.id} add",
                )
            )
            if assigned:
                changes.append(
                    AssignmentChange(key, ChangeAction.REMOVE, AssignTarget.group(sorted(assigned)[0]), source="rm")
                )
            else:
                changes.append(
                    AssignmentChange(
                        key,
                        ChangeAction.ADD,
                        AssignTarget.group(second),
                        Direction.EXCLUDE,
                        intent="required" if app else None,
                        source=f"{key.id} exclude",
                    )
                )
    return changes


def _meaning(type_key: str, obj: dict[str, Any]) -> Counter[Any]:
    return Counter(signature(a, app=type_key == "mobileApps") for a in obj.get("assignments") or [])


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
    snapshot, _ = await collect_demo(demo, "large", types=[*TYPES, "groups", "assignmentFilters"])
    changes = _changes(snapshot)
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

    after, _ = await collect_demo(demo, "large", types=list(TYPES))
    planned = {i.key: i for i in plan.items}
    wrong = []
    for type_key in TYPES:
        before = {str(o["id"]): o for o in snapshot.objects[type_key]}
        for obj in after.objects[type_key]:
            key = f"{type_key}/{obj['id']}"
            item = planned.get(key)
            if item is not None and key not in failed:
                wanted = Counter(signature(a, app=type_key == "mobileApps") for a in item.expected)
            else:
                wanted = _meaning(type_key, before[str(obj["id"])])
            if _meaning(type_key, obj) != wanted:
                wrong.append(key)
    assert wrong == []  # not one assignment lost, added or changed beyond the plan

    again, _ = await _apply(demo, demo.app, plan, time)

    rerun = {r.key: r for r in again.results}
    assert {k for k, r in rerun.items() if r.requests} == failed  # only what failed is written again
    assert all(r.status is ItemStatus.APPLIED for r in rerun.values())
    assert all(rerun[k].reason == "already applied" for k in by_key if k not in failed)
