"""Access to one tenant's live data: objects per catalog record, by id.

The emulator works on the ``TenantData`` it was given: writes change it and audit events are
appended to it. Writes replace values (never mutate nested lists or dicts in place), so a response
built earlier is never changed by a later write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ...catalog import ResourceType
from ..tenants.model import Operator, TenantData

__all__ = ["DeltaRounds", "GroupState", "TenantStore"]

# What a group looked like at the end of a delta round: its selected properties (JSON) and members.
GroupState = tuple[str, frozenset[tuple[str, str]]]


@dataclass
class DeltaRounds:
    """One tenant's delta state: finished rounds by ``$deltatoken`` (with the round's ``$select``),
    and rounds being paged by ``$skiptoken`` (their entries and the token they end with)."""

    states: dict[str, tuple[tuple[str, ...] | None, dict[str, GroupState]]] = field(default_factory=dict)
    pages: dict[str, tuple[list[dict[str, Any]], str]] = field(default_factory=dict)


# Records whose objects live in a dedicated TenantData list rather than ``objects[key]``.
_DEDICATED_LISTS = {
    "settingDefinitions": "setting_definitions",
    "auditEvents": "audit_events",
    "organization": "organization",
}


class TenantStore:
    """One tenant's data as the emulator reads and writes it."""

    def __init__(self, tenant: TenantData) -> None:
        self.tenant = tenant
        self._definitions: dict[str, dict[str, Any]] | None = None
        # Delta query rounds (groups/delta): state tokens live in memory, as Graph's are opaque.
        self.delta_rounds = DeltaRounds()
        self._definitions_source: tuple[int, int] = (0, -1)

    @property
    def tenant_id(self) -> str:
        """The tenant's id."""
        return self.tenant.tenant_id

    def items(self, record: ResourceType) -> list[dict[str, Any]]:
        """The live list of ``record``'s objects (created empty on first use)."""
        if record.key in self.tenant.objects or record.key not in _DEDICATED_LISTS:
            return self.tenant.objects.setdefault(record.key, [])
        items: list[dict[str, Any]] = getattr(self.tenant, _DEDICATED_LISTS[record.key])
        if record.key == "auditEvents" and self.tenant.audit_history:
            # The history before the emulator started, then what was written since (read-only type).
            return [*self.tenant.audit_history, *items]
        return items

    def _set(self, record: ResourceType, items: list[dict[str, Any]]) -> None:
        if record.key in _DEDICATED_LISTS and record.key not in self.tenant.objects:
            setattr(self.tenant, _DEDICATED_LISTS[record.key], items)
        else:
            self.tenant.objects[record.key] = items

    def add(self, record: ResourceType, obj: dict[str, Any]) -> None:
        """Append a new object (the list is replaced, not changed in place)."""
        self._set(record, [*self.items(record), obj])

    def replace(self, record: ResourceType, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Put ``new`` where ``old`` was."""
        self._set(record, [new if obj is old else obj for obj in self.items(record)])

    def remove(self, record: ResourceType, old: dict[str, Any]) -> None:
        """Remove ``old``."""
        self._set(record, [obj for obj in self.items(record) if obj is not old])

    def record_audit(self, event: dict[str, Any]) -> None:
        """Append an Intune audit event."""
        self.tenant.audit_events.append(event)

    def collection(self, records: Iterable[ResourceType]) -> list[tuple[ResourceType, dict[str, Any]]]:
        """Objects of every record served at one path, in catalog order."""
        return [(record, obj) for record in records for obj in self.items(record)]

    def find(self, records: Iterable[ResourceType], object_id: str) -> tuple[ResourceType, dict[str, Any]] | None:
        """The object with ``object_id`` among ``records`` and the record holding it."""
        for record in records:
            for obj in self.items(record):
                if obj.get("id") == object_id:
                    return record, obj
        return None

    def definitions(self) -> dict[str, dict[str, Any]]:
        """Setting definitions by id (rebuilt when the list changes)."""
        source = self.tenant.setting_definitions
        marker = (id(source), len(source))
        if self._definitions is None or marker != self._definitions_source:
            self._definitions = {d["id"]: d for d in source if isinstance(d.get("id"), str)}
            self._definitions_source = marker
        return self._definitions

    def operator(self, user_id: str) -> Operator | None:
        """The demo operator with ``user_id``, if any."""
        for operator in self.tenant.operators:
            if operator.user_id == user_id:
                return operator
        return None
