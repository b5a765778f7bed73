"""The Devices analysis over the collected Contoso demo tenant (its planted stale, duplicate and
non-compliant devices) and over hand-made device records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from intune_assistant.analyses.devices import FindingKind, device_inventory
from intune_assistant.snapshot import Problem, ProblemKind, Snapshot, TenantInfo, TypeResult, TypeStatus

NOW = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)


def _at(days_ago: float) -> str:
    return (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _snapshot(devices: list[dict[str, Any]], result: TypeResult | None = None) -> Snapshot:
    return Snapshot(
        tenant=TenantInfo(tenant_id="t", domain="contoso.onmicrosoft.com", display_name="Contoso"),
        source="test",
        taken_at=NOW,
        objects={"managedDevices": devices},
        results={"managedDevices": result or TypeResult("managedDevices", TypeStatus.OK, len(devices), 0.0)},
    )


def _device(id_: str, serial: str, synced_days_ago: float, **fields: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "deviceName": f"PC-{id_}",
        "serialNumber": serial,
        "lastSyncDateTime": _at(synced_days_ago),
        "complianceState": "compliant",
        **fields,
    }


def test_every_planted_device_finding_is_found_with_its_reason(
    contoso: Snapshot, planted: dict[str, list[str]]
) -> None:
    report = device_inventory(contoso)
    assert report.unread is None and len(report.rows) == contoso.count("managedDevices") > 0
    stale = {r.id: r for r in report.with_finding(FindingKind.STALE)}
    duplicates = {r.id: r for r in report.with_finding(FindingKind.DUPLICATE)}
    not_compliant = {r.id: r for r in report.with_finding(FindingKind.NOT_COMPLIANT)}
    assert set(stale) == set(planted["staleDevices"]) and len(stale) >= 3
    assert set(duplicates) == set(planted["duplicateDevices"]) and len(duplicates) == 4
    assert set(not_compliant) == set(planted["nonCompliantDevices"])
    for row in stale.values():
        reason = next(f.reason for f in row.findings if f.kind is FindingKind.STALE)
        assert "last synced" in reason and "days ago" in reason and "more than 30 days" in reason
    for row in duplicates.values():
        reason = next(f.reason for f in row.findings if f.kind is FindingKind.DUPLICATE)
        assert f"same serial number {row.serial}" in reason
        twin = next(o for o in duplicates.values() if o.serial == row.serial and o.id != row.id)
        assert twin.id in reason
    # Of each duplicate pair, the record that synced last is in use; the other is the older one.
    for serial in {r.serial for r in duplicates.values()}:
        pair = sorted((r for r in duplicates.values() if r.serial == serial), key=lambda r: r.last_sync or NOW)
        words = [next(f.reason for f in r.findings if f.kind is FindingKind.DUPLICATE) for r in pair]
        assert words[0].startswith("an older record") and words[1].startswith("the record in use")
    row = next(iter(not_compliant.values()))
    assert row.compliance == "Not compliant" and "Troubleshoot" in row.finding_text


def test_rows_read_in_intunes_words(contoso: Snapshot) -> None:
    rows = device_inventory(contoso).rows
    assert {r.ownership for r in rows} <= {"Corporate", "Personal", "Unknown"}
    assert {r.compliance for r in rows} <= {"Compliant", "Not compliant", "In grace period", "Not evaluated"}
    assert "Microsoft Entra joined" in {r.join_type for r in rows}
    assert all(r.storage_total and r.storage_free is not None and r.storage_free < r.storage_total for r in rows)
    # Graph's list carries no memory or TPM: unknown, never a made-up value.
    assert all(r.memory is None and r.tpm == "" for r in rows)
    with_user = [r for r in rows if r.user_id]
    assert with_user and all("@" in r.primary_user for r in with_user)


def test_a_module_that_is_off_leaves_the_devices_unknown_with_its_reason() -> None:
    problem = Problem(
        ProblemKind.MODULE_OFF,
        "the optional module Managed devices is off; a tenant administrator can turn it on in Tenant settings",
        scope="DeviceManagementManagedDevices.Read.All",
    )
    result = TypeResult("managedDevices", TypeStatus.NOT_COLLECTED, 0, 0.0, problem=problem)
    report = device_inventory(_snapshot([], result))
    assert report.rows == () and report.unread is not None
    assert "Managed devices is off" in report.unread and report.unread.startswith("Not read")


def test_serials_that_name_no_device_are_not_duplicates_and_never_synced_is_stale() -> None:
    devices = [
        _device("a", "0", 1),
        _device("b", "0", 2),
        _device("c", "Default string", 1),
        _device("d", "default string", 1),
        _device("e", "ABC123", 1, lastSyncDateTime="0001-01-01T00:00:00Z"),
        _device("f", "abc123", 40),
        _device("g", "XYZ", 29.9),
    ]
    report = device_inventory(_snapshot(devices))
    assert {r.id for r in report.with_finding(FindingKind.DUPLICATE)} == {"e", "f"}
    stale = {r.id: r.finding_text for r in report.with_finding(FindingKind.STALE)}
    assert set(stale) == {"e", "f"} and "never synced" in stale["e"] and "40 days ago" in stale["f"]
    in_use = next(r for r in report.rows if r.id == "f")
    assert "the record in use" in in_use.finding_text  # e never synced, so f is the one in use
