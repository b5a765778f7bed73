"""The plan document: sealed for one tenant, one user and a deadline; a forged, expired, other-user
or other-tenant document is refused with a clear reason, and a good one gives back the same plan."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime, timedelta

import pytest

from intune_assistant.changes import AssignmentChange, AssignTarget, ChangeAction, Plan, plan_assignments
from intune_assistant.changes.document import PlanRefused, PlanSealer
from intune_assistant.snapshot import Snapshot

from .test_plan_assignments import APP, AUTOPILOT, POLICY, make_snapshot

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
KEY = os.urandom(32)


@pytest.fixture
def plan() -> Plan:
    snapshot: Snapshot = make_snapshot()
    return plan_assignments(
        snapshot,
        [
            AssignmentChange(POLICY, ChangeAction.ADD, AssignTarget.group("g3"), source="row 2"),
            AssignmentChange(APP, ChangeAction.ADD, AssignTarget.all_users(), intent="available"),
            AssignmentChange(AUTOPILOT, ChangeAction.REMOVE, AssignTarget.group("g1")),
            AssignmentChange(POLICY, ChangeAction.ADD, AssignTarget.group("g9"), source="row 9"),
        ],
    )


def _seal(plan: Plan, **kwargs: object) -> str:
    return PlanSealer(KEY).seal(plan, tenant_id="tid-1", user_id="user-1", now=NOW, **kwargs)  # type: ignore[arg-type]


def test_a_sealed_plan_opens_as_the_same_plan(plan: Plan) -> None:
    document = _seal(plan)

    opened = PlanSealer(KEY).open(document, tenant_id="tid-1", user_id="user-1", now=NOW + timedelta(minutes=59))

    assert opened == plan
    assert len(plan.items) == 3 and len(plan.rejected) == 1  # every part made the trip
    assert b"Baseline" not in base64.urlsafe_b64decode(document + "==")  # encrypted, not just signed


@pytest.mark.parametrize(
    ("tenant", "user", "minutes", "reason"),
    [
        ("tid-2", "user-1", 1, "made for another tenant"),
        ("tid-1", "user-2", 1, "made by another user"),
        ("tid-1", "user-1", 60, "expired at 2026-12-07 13:00 UTC"),
    ],
)
def test_a_plan_for_someone_else_or_too_old_is_refused(
    plan: Plan, tenant: str, user: str, minutes: int, reason: str
) -> None:
    document = _seal(plan)

    with pytest.raises(PlanRefused, match=reason):
        PlanSealer(KEY).open(document, tenant_id=tenant, user_id=user, now=NOW + timedelta(minutes=minutes))


def _flip(document: str, position: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(document + "=" * (-len(document) % 4)))
    raw[position] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


@pytest.mark.parametrize("forge", ["one bit", "last bit", "other key", "not base64", "empty", "truncated"])
def test_a_forged_or_damaged_document_is_refused(plan: Plan, forge: str) -> None:
    document = _seal(plan)
    forged = {
        "one bit": lambda: _flip(document, 20),
        "last bit": lambda: _flip(document, -1),
        "other key": lambda: PlanSealer(os.urandom(32)).seal(plan, tenant_id="tid-1", user_id="user-1", now=NOW),
        "not base64": lambda: "*** not a plan ***",
        "empty": lambda: "",
        "truncated": lambda: document[: len(document) // 2],
    }[forge]()

    with pytest.raises(PlanRefused, match="changed, damaged or sealed with another key"):
        PlanSealer(KEY).open(forged, tenant_id="tid-1", user_id="user-1", now=NOW)


def test_the_key_must_be_long_enough() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        PlanSealer(b"short")
