"""The change signals a refresh decides by: newest-first pages and the audit log's touched ids."""

from __future__ import annotations

from datetime import UTC, datetime

from intune_assistant.catalog import default_catalog
from intune_assistant.collect.changes import (
    AuditChanges,
    NewestFirst,
    audit_query,
    deleted_objects,
    newest_modified,
    touched_ids,
)

KNOWN = datetime(2025, 6, 1, tzinfo=UTC)


def _page(*stamps: str) -> list[dict[str, str]]:
    return [{"id": stamp, "lastModifiedDateTime": stamp} for stamp in stamps]


def test_a_newest_first_read_stops_at_the_page_that_reaches_what_was_known() -> None:
    order = NewestFirst(KNOWN)
    assert not order.enough(_page("2026-12-07T17:19:16.6677360Z", "2025-07-01T00:00:00Z"))
    assert order.enough(_page("2025-06-02T00:00:00Z", "2025-06-01T00:00:00Z", "2024-01-01T00:00:00Z"))
    assert order.stopped


def test_pages_out_of_order_are_read_to_the_end() -> None:
    # Graph ignoring $orderby would answer in its own order: no page may then end the read.
    order = NewestFirst(KNOWN)
    assert not order.enough(_page("2024-01-01T00:00:00Z", "2026-01-01T00:00:00Z"))
    assert not order.enough(_page("2023-01-01T00:00:00Z"))
    assert not order.stopped


def test_an_object_without_a_date_keeps_the_read_going() -> None:
    order = NewestFirst(KNOWN)
    assert not order.enough([{"id": "a"}, *_page("2020-01-01T00:00:00Z")])
    assert newest_modified([{"id": "a"}, *_page("2020-01-01T00:00:00Z")]) is None
    assert newest_modified(_page("2020-01-01T00:00:00Z", "2021-01-01T00:00:00.1234567Z")) == datetime(
        2021, 1, 1, 0, 0, 0, 123456, tzinfo=UTC
    )


def test_the_audit_log_names_every_resource_a_write_touched() -> None:
    events = [
        {"resources": [{"resourceId": "p1"}, {"resourceId": "p2"}]},
        {"resources": [{"resourceId": ""}, {"type": "x"}]},
        {"resources": None},
    ]
    assert touched_ids(events) == {"p1", "p2"}
    query = audit_query(datetime(2026, 12, 7, 17, 5, 9, 999, tzinfo=UTC))
    assert query["$filter"] == "activityDateTime ge 2026-12-07T17:05:09Z and activityOperationType ne 'Get'"


def _event(activity: str, operation: str, result: str = "Success", resource: str = "p1") -> dict[str, object]:
    return {
        "activityType": activity,
        "activityOperationType": operation,
        "activityResult": result,
        "resources": [{"resourceId": resource, "type": "DeviceManagementConfigurationPolicy"}],
    }


def test_the_audit_log_records_a_deletion_only_of_the_object_itself_and_only_when_it_succeeded() -> None:
    settings_catalog = default_catalog()["settingsCatalog"]
    events = [
        _event("Delete DeviceManagementConfigurationPolicy", "Delete", resource="gone"),
        _event("Delete DeviceManagementConfigurationPolicyAssignment", "Delete", resource="assignment-dropped"),
        _event("Delete DeviceManagementConfigurationPolicy", "Delete", result="Failure", resource="refused"),
        _event("assign DeviceManagementConfigurationPolicy", "Action", resource="assigned"),
        _event("Delete DeviceConfiguration", "Delete", resource="other-type"),
    ]
    audit = AuditChanges(touched=touched_ids(events), deleted=deleted_objects(events))
    assert audit.records_deletion(settings_catalog, "gone")
    for object_id in ("assignment-dropped", "refused", "assigned", "other-type"):
        assert not audit.records_deletion(settings_catalog, object_id), object_id
    assert audit.touched == {"gone", "assignment-dropped", "refused", "assigned", "other-type"}
    assert "activityType" in audit_query(KNOWN)["$select"].split(",")
