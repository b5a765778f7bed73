"""The review's tick boxes: apply keeps only the ticked items, and refuses a choice that leaves out an
object a ticked item refers to (it would fail for want of the id) — in words, before anything is sent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intune_assistant.analyses.assignments import ObjectRef
from intune_assistant.changes import Plan
from intune_assistant.changes.deploy import DEPLOY, new_reference
from intune_assistant.changes.model import GraphRequest, Operation, PlanItem, Precondition
from intune_assistant.web.deploy.planning import PlanInputError, ticked


def _create(type_key: str, name: str, body: dict[str, object]) -> PlanItem:
    ref = ObjectRef(type_key, type_key, "policy", "", name, "", ())
    return PlanItem(ref, Operation.CREATE, (GraphRequest("POST", f"deviceManagement/{type_key}", body, "beta"),), (),
                    (), (), Precondition(f"deviceManagement/{type_key}", (), absent_name=name))  # fmt: skip


def _plan() -> Plan:
    tag = _create("scopeTags", "Berlin", {"displayName": "Berlin"})
    policy = _create("settingsCatalog", "Kiosk", {"name": "Kiosk", "roleScopeTagIds": [new_reference(tag.key)]})
    alone = _create("settingsCatalog", "Edge", {"name": "Edge"})
    return Plan(DEPLOY, "t", "t.example", datetime.now(UTC), (tag, policy, alone))


def test_only_the_ticked_items_are_kept_in_plan_order() -> None:
    plan = _plan()
    keys = [i.key for i in plan.items]
    assert [i.key for i in ticked(plan, [keys[2], keys[0]]).items] == [keys[0], keys[2]]
    assert [i.key for i in ticked(plan, keys).items] == keys


def test_leaving_out_what_a_ticked_item_refers_to_is_refused() -> None:
    plan = _plan()
    keys = [i.key for i in plan.items]
    with pytest.raises(PlanInputError, match="'Kiosk' refers to 'Berlin', which the plan creates"):
        ticked(plan, [keys[1], keys[2]])
    with pytest.raises(PlanInputError, match="tick at least one object"):
        ticked(plan, ["settingsCatalog/new:Nothing"])
