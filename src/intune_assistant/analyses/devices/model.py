"""What the Devices view shows: a device row in Intune's words, and each finding with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class FindingKind(StrEnum):
    """A problem found on a device record."""

    STALE = "Stale"
    DUPLICATE = "Duplicate record"
    NOT_COMPLIANT = "Not compliant"


@dataclass(frozen=True)
class DeviceFinding:
    """One finding on one device, with the reason an admin reads."""

    kind: FindingKind
    reason: str


@dataclass(frozen=True)
class DeviceRow:
    """One managed device as the Devices view lists it (values in Intune's words; "" when unknown)."""

    id: str
    name: str
    os: str
    os_version: str
    compliance: str
    ownership: str
    last_sync: datetime | None
    primary_user: str
    user_id: str
    enrollment_profile: str
    category: str
    join_type: str
    manufacturer: str
    model: str
    serial: str
    storage_total: int | None
    storage_free: int | None
    # 0 in Graph's list answer (the real value needs a per-device read): None then.
    memory: int | None
    tpm: str
    encrypted: bool | None
    findings: tuple[DeviceFinding, ...] = ()

    def has(self, kind: FindingKind) -> bool:
        """True when the device has a finding of ``kind``."""
        return any(f.kind is kind for f in self.findings)

    @property
    def finding_text(self) -> str:
        """Every finding with its reason, one sentence each."""
        return " ".join(f"{f.kind.value}: {f.reason}." for f in self.findings)


@dataclass(frozen=True)
class DevicesReport:
    """Every managed device of a snapshot, or why they could not be listed."""

    rows: tuple[DeviceRow, ...]
    as_of: datetime
    stale_after_days: int
    # Why managed devices are not in the snapshot (module off, refused, not collected); None when read.
    unread: str | None = None
    # The list was read only in part: the rows are real, some may be missing.
    partial: str | None = None

    def with_finding(self, kind: FindingKind) -> tuple[DeviceRow, ...]:
        """The devices with a finding of ``kind``."""
        return tuple(r for r in self.rows if r.has(kind))
