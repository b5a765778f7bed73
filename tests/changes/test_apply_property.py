"""Property test through the whole write path: for any assignment set an object holds in the
emulator and any add/remove changes, planning and applying leaves Graph holding current − removed +
added, every untouched assignment byte-identical (unknown fields included), and applying the same
plan again changes nothing."""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import UTC, datetime
from typing import Any

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.emulator.graph.conftest import GRAPH, TENANT_ID, USERS, all_scopes, build_tenant

from intune_assistant.catalog import default_catalog
from intune_assistant.changes import (
    AssignmentChange,
    AssignTarget,
    ChangeAction,
    ItemStatus,
    ObjectKey,
    apply_plan,
    plan_assignments,
    target_key,
)
from intune_assistant.changes.merge import change_signature, signature
from intune_assistant.emulator.graph import EmulatorOptions, create_graph_app
from intune_assistant.emulator.tokens import TestTokenIssuer
from intune_assistant.graph import GraphClient, StaticTokenProvider
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus

GROUPS = ("g-all", "g-nested", "g-cycle", "g-dynamic")
POLICY = "cp-01"
ISSUER = TestTokenIssuer()
TARGETS = st.one_of(st.sampled_from(GROUPS).map(AssignTarget.group), st.just(AssignTarget.all_devices()))
UNKNOWN = st.dictionaries(st.sampled_from(("note", "x-flag", "weight")), st.one_of(st.integers(), st.text(max_size=4)))


@st.composite
def held(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Assignments as Graph stores them on the policy, ids as Graph makes them, unknown fields too."""
    chosen = draw(st.lists(TARGETS, unique_by=lambda t: (t.kind, t.group_id), max_size=4))
    result = []
    for target in chosen:
        if target.group_id:
            exclude = draw(st.booleans())
            kind = "exclusionGroupAssignmentTarget" if exclude else "groupAssignmentTarget"
            body: dict[str, Any] = {"@odata.type": f"#microsoft.graph.{kind}", "groupId": target.group_id}
            suffix = target.group_id
        else:
            body = {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"}
            suffix = "adadadad-808e-44e2-905a-0b7873a8a531"
        result.append({"id": f"{POLICY}_{suffix}", "source": "direct", "target": body, **draw(UNKNOWN)})
    return result


def _snapshot(policy: dict[str, Any], groups: list[dict[str, Any]]) -> Snapshot:
    objects = {"settingsCatalog": [policy], "groups": groups}
    return Snapshot(
        tenant=TenantInfo(TENANT_ID, "contoso.example", "Contoso"),
        source="emulator",
        taken_at=datetime.now(UTC),
        objects=objects,
        results={k: TypeResult(k, TypeStatus.OK, len(v), 0.0) for k, v in objects.items()},
    )


async def _apply(app: Any, plan: Any) -> Any:
    user_id, upn, name = USERS["admin"]
    token = ISSUER.issue_graph_token(
        tenant_id=TENANT_ID, user_id=user_id, upn=upn, name=name, scopes=all_scopes(default_catalog())
    )
    async with GraphClient(StaticTokenProvider(token), base_url=GRAPH, transport=httpx.ASGITransport(app=app)) as graph:
        return await apply_plan(plan, graph)


@settings(max_examples=40, deadline=None)
@given(current=held(), data=st.data())
def test_graph_holds_current_minus_removed_plus_added_and_a_second_apply_changes_nothing(
    current: list[dict[str, Any]], data: st.DataObject
) -> None:
    tenant = build_tenant()
    policy = next(p for p in tenant.objects["settingsCatalog"] if p["id"] == POLICY)
    policy["assignments"] = copy.deepcopy(current)
    app = create_graph_app({TENANT_ID: tenant}, verifier=ISSUER, catalog=default_catalog(),
                           options=EmulatorOptions(throttling=False))  # fmt: skip
    targets = data.draw(st.lists(TARGETS, unique_by=lambda t: (t.kind, t.group_id), max_size=4))
    changes = [
        AssignmentChange(ObjectKey("settingsCatalog", POLICY), data.draw(st.sampled_from(list(ChangeAction)[:2])), t)
        for t in targets
    ]
    plan = plan_assignments(_snapshot(copy.deepcopy(policy), tenant.objects["groups"]), changes)

    report = asyncio.run(_apply(app, plan))

    assert all(r.status is ItemStatus.APPLIED for r in report.results)
    stored = next(p for p in tenant.objects["settingsCatalog"] if p["id"] == POLICY)["assignments"]
    named = {(t.kind.value, t.group_id or "") for t in targets}
    untouched = [a for a in current if target_key(a) not in named]
    assert [json.dumps(a, sort_keys=True) for a in stored if target_key(a) not in named] == [
        json.dumps(a, sort_keys=True) for a in untouched
    ]
    added = {
        (c.target.kind.value, c.target.group_id or ""): c for c in changes if c.action is ChangeAction.ADD and c.target
    }
    removed = {k for k in named if k not in added}
    held_now = {target_key(a): a for a in stored}
    assert not removed & set(held_now)
    assert len(stored) == len(untouched) + len(added)  # nothing else was added
    for key, change in added.items():
        before = next((a for a in current if target_key(a) == key), None)
        if before is not None and signature(before, app=False) == change_signature(change, app=False):
            assert held_now[key] == before  # already so: kept exactly as it was
        else:
            assert signature(held_now[key], app=False) == change_signature(change, app=False)
    once = json.dumps(tenant.objects["settingsCatalog"], sort_keys=True)
    events = len(tenant.audit_events)

    again = asyncio.run(_apply(app, plan))

    assert all(r.status is ItemStatus.APPLIED and r.requests == 0 for r in again.results)
    assert json.dumps(tenant.objects["settingsCatalog"], sort_keys=True) == once
    assert len(tenant.audit_events) == events
