"""Managed devices from a snapshot, with stale, duplicate and non-compliant records found.

Pure: reads only the snapshot ("now" is when it was taken, so a saved snapshot reads the same on
any day). Duplicates are records sharing a serial number (Graph's device list carries no hardware
hash; Autopilot identities hold it, but they name the serial too). Memory and TPM come from
Graph's per-device read only (the list answers ``physicalMemoryInBytes`` 0 and no
``hardwareInformation``): shown when the snapshot holds them, else unknown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from intune_assistant.snapshot import Snapshot, TypeStatus

from .model import DeviceFinding, DeviceRow, DevicesReport, FindingKind

STALE_AFTER_DAYS = 30
KEY = "managedDevices"

# Intune's words for Graph's enum values (admin center: Devices > All devices).
COMPLIANCE = {
    "compliant": "Compliant",
    "noncompliant": "Not compliant",
    "inGracePeriod": "In grace period",
    "unknown": "Not evaluated",
    "conflict": "Conflict",
    "error": "Error",
    "configManager": "Configuration Manager",
}
OWNERSHIP = {"company": "Corporate", "personal": "Personal", "unknown": "Unknown"}
JOIN_TYPE = {
    "azureADJoined": "Microsoft Entra joined",
    "hybridAzureADJoined": "Microsoft Entra hybrid joined",
    "azureADRegistered": "Microsoft Entra registered",
    "unknown": "Unknown",
}
# Serial numbers that name no device (virtual machines and unset firmware fields).
_NO_SERIAL = frozenset({"", "0", "unknown", "none", "default string", "to be filled by o.e.m.", "system serial number"})


def _text(obj: Mapping[str, Any], name: str) -> str:
    value = obj.get(name)
    return value if isinstance(value, str) else ""


def _number(obj: Mapping[str, Any], name: str) -> int | None:
    value = obj.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    # Graph's "never" (0001-01-01) is no sync at all.
    return moment if moment.year > 1 and moment.tzinfo is not None else None


def _tpm(obj: Mapping[str, Any]) -> str:
    hardware = obj.get("hardwareInformation")
    if not isinstance(hardware, Mapping):
        return ""
    version = hardware.get("tpmSpecificationVersion") or hardware.get("tpmVersion")
    return str(version) if version else ""


def _row(device: Mapping[str, Any], users: Mapping[str, str]) -> DeviceRow:
    user_id = _text(device, "userId")
    compliance = _text(device, "complianceState")
    ownership = _text(device, "managedDeviceOwnerType")
    join = _text(device, "joinType")
    encrypted = device.get("isEncrypted")
    return DeviceRow(
        id=_text(device, "id"),
        name=_text(device, "deviceName") or "(no name)",
        os=_text(device, "operatingSystem"),
        os_version=_text(device, "osVersion"),
        compliance=COMPLIANCE.get(compliance, compliance or "Not evaluated"),
        ownership=OWNERSHIP.get(ownership, ownership or "Unknown"),
        last_sync=_when(device.get("lastSyncDateTime")),
        primary_user=_text(device, "userPrincipalName") or users.get(user_id, ""),
        user_id=user_id,
        enrollment_profile=_text(device, "enrollmentProfileName"),
        category=_text(device, "deviceCategoryDisplayName"),
        join_type=JOIN_TYPE.get(join, join),
        manufacturer=_text(device, "manufacturer"),
        model=_text(device, "model"),
        serial=_text(device, "serialNumber"),
        storage_total=_number(device, "totalStorageSpaceInBytes"),
        storage_free=_number(device, "freeStorageSpaceInBytes"),
        memory=_number(device, "physicalMemoryInBytes"),
        tpm=_tpm(device),
        encrypted=encrypted if isinstance(encrypted, bool) else None,
    )


def _days(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 86_400))


def _stale(row: DeviceRow, as_of: datetime, after: int) -> DeviceFinding | None:
    if row.last_sync is None:
        return DeviceFinding(FindingKind.STALE, "it has never synced with Intune")
    if row.last_sync > as_of - timedelta(days=after):
        return None
    days = _days(as_of - row.last_sync)
    return DeviceFinding(
        FindingKind.STALE, f"last synced {days} days ago ({row.last_sync:%Y-%m-%d}), more than {after} days"
    )


def _duplicates(rows: list[DeviceRow]) -> dict[str, DeviceFinding]:
    by_serial: dict[str, list[DeviceRow]] = defaultdict(list)
    for row in rows:
        serial = row.serial.strip().casefold()
        if serial not in _NO_SERIAL:
            by_serial[serial].append(row)
    found: dict[str, DeviceFinding] = {}
    for group in by_serial.values():
        if len(group) < 2:
            continue
        # The record that synced last is the device in use; the others are left over.
        newest = max(group, key=lambda r: (r.last_sync is not None, r.last_sync or datetime.min))
        for row in group:
            others = [o for o in group if o is not row]
            listed = ", ".join(
                f"{o.name} (id {o.id}, last sync {o.last_sync:%Y-%m-%d})" if o.last_sync else f"{o.name} (id {o.id})"
                for o in others
            )
            role = "the record in use" if row is newest else "an older record"
            found[row.id] = DeviceFinding(FindingKind.DUPLICATE, f"{role}; same serial number {row.serial} as {listed}")
    return found


def _not_compliant(row: DeviceRow) -> DeviceFinding | None:
    if row.compliance != COMPLIANCE["noncompliant"]:
        return None
    # The failing policy and setting are per-device states (deviceCompliancePolicyStates) that the
    # collection does not read: say where to see them rather than guess.
    return DeviceFinding(
        FindingKind.NOT_COMPLIANT,
        "Intune reports it not compliant (the failing policy and setting are per-device states the "
        "collection does not read; Troubleshoot lists the compliance policies targeting it)",
    )


def device_inventory(snapshot: Snapshot, *, stale_after_days: int = STALE_AFTER_DAYS) -> DevicesReport:
    """Every managed device of ``snapshot`` with its findings; ``unread`` says why none could be listed."""
    as_of = snapshot.taken_at
    status = snapshot.status_of(KEY)
    result = snapshot.results.get(KEY)
    if status not in (TypeStatus.OK, TypeStatus.PARTIAL):
        reason = (result.error if result is not None else None) or "managed devices are not in this snapshot"
        return DevicesReport((), as_of, stale_after_days, unread=reason)
    users = {
        str(u["id"]): str(u.get("userPrincipalName") or u.get("displayName") or "")
        for u in snapshot.read_objects("users") or ()
        if isinstance(u.get("id"), str)
    }
    rows = [_row(d, users) for d in snapshot.read_objects(KEY) or ()]
    duplicates = _duplicates(rows)
    finished = []
    for row in rows:
        findings = [
            f
            for f in (_stale(row, as_of, stale_after_days), duplicates.get(row.id), _not_compliant(row))
            if f is not None
        ]
        finished.append(replace(row, findings=tuple(findings)))
    partial = (result.error if result is not None else None) if status is TypeStatus.PARTIAL else None
    return DevicesReport(tuple(finished), as_of, stale_after_days, partial=partial or None)
