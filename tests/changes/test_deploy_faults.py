"""A deploy under faults: every item applied or failed with a reason, no object created twice, and
applying the same plan again writes only what had not applied (here: until everything has)."""

from __future__ import annotations

import itertools
from collections import Counter

from tests.changes.test_deploy import SAMPLE, _client, _read, _writable

from intune_assistant.changes.apply import ItemStatus, apply_plan
from intune_assistant.changes.deploy import plan_deploy
from intune_assistant.collect.importers import import_path
from intune_assistant.emulator.graph import EmulatorOptions, RouteFaults


async def test_deploy_with_lost_answers_never_duplicates_and_a_rerun_finishes_it() -> None:
    source = import_path(SAMPLE)
    # Planned against a fault-free copy of the same tenant (the demo tenants are built from a seed).
    target = await _read(_writable("fabrikam"), "fabrikam")
    plan = plan_deploy(source, target)
    # Faults on the settings catalog's path only: a 5xx before the handler (nothing written) or a
    # malformed answer after it (written, but the answer is lost).
    faults = RouteFaults(error_5xx_rate=0.05, malformed_rate=0.1)
    demo = _writable("fabrikam", options=EmulatorOptions(seed=7, routes={"settingsCatalog": faults}))
    rounds = []
    for _ in range(10):
        async with _client(demo, "fabrikam") as graph:
            report = await apply_plan(plan, graph)
        assert all(r.reason for r in report.results if r.status is not ItemStatus.APPLIED)
        stored = demo.tenants["fabrikam"].objects["settingsCatalog"]
        names = Counter(str(o.get("name")) for o in stored)
        assert [n for n, c in names.items() if c > 1] == []
        rounds.append(report)
        if report.all_applied:
            break
    first = rounds[0]
    assert first.count(ItemStatus.FAILED) > 0
    # A re-run sends requests only for items that had not applied before it.
    for before, after in itertools.pairwise(rounds):
        not_applied = {r.key for r in before.results if r.status is not ItemStatus.APPLIED}
        assert {r.key for r in after.results if r.requests} <= not_applied
    assert rounds[-1].all_applied
    created = {i.object.name for i in plan.items if i.object.type_key == "settingsCatalog"}
    assert created <= {str(o.get("name")) for o in demo.tenants["fabrikam"].objects["settingsCatalog"]}
