"""Enrollment priority: compared as a place in the order, so a renumbering is no change but a move is."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from intune_assistant.analyses.compare import ObjectStatus, SettingStatus, compare_drift, compare_policies
from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus

RESTRICTION = "#microsoft.graph.deviceEnrollmentPlatformRestrictionsConfiguration"
LIMIT = "#microsoft.graph.deviceEnrollmentLimitConfiguration"


def _config(name: str, priority: int, odata_type: str = RESTRICTION) -> dict[str, Any]:
    extra: dict[str, Any] = {"limit": 5} if odata_type == LIMIT else {"windowsRestriction": {"platformBlocked": True}}
    return {
        "@odata.type": odata_type,
        "id": f"id-{name}",
        "displayName": name,
        "priority": priority,
        "assignments": [],
        **extra,
    }


def _snapshot(configs: list[dict[str, Any]], day: int) -> Snapshot:
    return Snapshot(
        tenant=TenantInfo(tenant_id="t", domain="contoso.example", display_name="Contoso"),
        source="import",
        taken_at=datetime(2026, 1, day, tzinfo=UTC),
        objects={"enrollmentConfigurations": configs},
        results={"enrollmentConfigurations": TypeResult("enrollmentConfigurations", TypeStatus.OK, len(configs), 0.0)},
    )


def _statuses(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, ObjectStatus]:
    result = compare_drift(_snapshot(before, 1), _snapshot(after, 2))
    return {o.name: o.status for o in result.objects}


def test_removing_the_first_configuration_renumbers_the_others_without_changing_them() -> None:
    before = [_config("First", 1), _config("Second", 2), _config("Third", 3), _config("Limit", 1, LIMIT)]
    after = [_config("Second", 1), _config("Third", 2), _config("Limit", 1, LIMIT)]
    assert _statuses(before, after) == {
        "First": ObjectStatus.ONLY_LEFT,
        "Second": ObjectStatus.SAME,
        "Third": ObjectStatus.SAME,
        "Limit": ObjectStatus.SAME,
    }
    result = compare_drift(_snapshot(before, 1), _snapshot(after, 2))
    second = next(o for o in result.objects if o.name == "Second")
    shown = next(s for s in second.settings if s.setting_id == "priority")
    # The numbers are shown as they are, not flagged.
    assert (shown.left, shown.right, shown.status) == ("2", "1", SettingStatus.SAME)


def test_moving_a_configuration_changes_its_priority_and_that_of_what_it_passed() -> None:
    before = [_config("First", 1), _config("Second", 2), _config("Third", 3)]
    after = [_config("Third", 1), _config("First", 2), _config("Second", 3)]
    statuses = _statuses(before, after)
    assert statuses == {n: ObjectStatus.DIFFERENT for n in ("First", "Second", "Third")}
    result = compare_drift(_snapshot(before, 1), _snapshot(after, 2))
    third = next(o for o in result.objects if o.name == "Third")
    assert [(s.setting_id, s.left, s.right) for s in third.changed_settings] == [("priority", "3", "1")]


def test_priorities_of_other_kinds_do_not_order_each_other() -> None:
    before = [_config("Restriction", 1), _config("Limit", 2, LIMIT)]
    after = [_config("Restriction", 2), _config("Limit", 1, LIMIT)]
    assert _statuses(before, after) == {"Restriction": ObjectStatus.SAME, "Limit": ObjectStatus.SAME}


def test_two_configurations_compared_directly_show_a_different_priority() -> None:
    catalog = default_catalog()
    record = catalog["enrollmentConfigurations"]
    left = _config("Mine", 1)
    right = copy.deepcopy(left) | {"priority": 4}
    snapshot = _snapshot([left], 1)
    [diff] = compare_policies(snapshot, (record, left), _snapshot([right], 2), [(record, right)]).objects
    assert [(s.setting_id, s.status) for s in diff.changed_settings] == [("priority", SettingStatus.DIFFERENT)]
