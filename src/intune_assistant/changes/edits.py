"""What the bulk edits share: which objects they may touch, found in the snapshot, and their plan.

Rename and delete work on configuration objects (policies, apps, scripts, enrollment objects) of a
type Graph lets the product update or delete; membership changes work on groups. Every lookup is
pure over the snapshot and answers the object or the reason it can't be edited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intune_assistant.catalog import Catalog, Kind, ResourceType
from intune_assistant.catalog.records import CA_WRITE
from intune_assistant.snapshot import Snapshot

from .desired import ObjectKey
from .model import Plan, PlanItem, RejectedChange

__all__ = ["BULK_EDIT", "EDITABLE_KINDS", "Found", "edit_plan", "find_object"]

BULK_EDIT = "bulk-edit"
# Bulk rename and delete touch configuration, never directory objects or inventory.
EDITABLE_KINDS = frozenset({Kind.POLICY, Kind.APP, Kind.SCRIPT, Kind.ENROLLMENT})


@dataclass(frozen=True)
class Found:
    """An object the edit may touch, with its record."""

    record: ResourceType
    obj: Mapping[str, Any]

    @property
    def name(self) -> str:
        """What the admin calls it."""
        return self.record.object_name(self.obj) or str(self.obj.get("id") or "")


def find_object(snapshot: Snapshot, catalog: Catalog, key: ObjectKey, *, action: str) -> Found | str:
    """The object ``key`` names, if ``action`` ("rename", "delete", "duplicate") is possible on it; else why not."""
    if key.type_key not in catalog:
        return f"unknown object type '{key.type_key}'"
    record = catalog[key.type_key]
    if (
        record.kind not in EDITABLE_KINDS
        or record.singleton
        or not _allows(record, action)
        or record.write_scope == CA_WRITE
    ):
        return f"'{record.label}' objects can't be {action}d here"
    objects = snapshot.read_objects(record.key)
    if objects is None:
        return f"'{record.label}' objects weren't read, so the object's current state is unknown"
    obj = next((o for o in objects if o.get("id") == key.id), None)
    if obj is None:
        return f"no '{record.label}' object with id {key.id} in the tenant"
    return Found(record, obj)


def edit_plan(
    snapshot: Snapshot,
    items: Sequence[PlanItem],
    rejected: Sequence[RejectedChange] = (),
    notes: Sequence[str] = (),
) -> Plan:
    """A bulk-edit plan of ``items`` over ``snapshot``'s tenant."""
    return Plan(
        module=BULK_EDIT,
        tenant_id=snapshot.tenant.tenant_id,
        tenant_domain=snapshot.tenant.domain,
        read_at=snapshot.taken_at,
        items=tuple(items),
        rejected=tuple(rejected),
        notes=tuple(notes),
    )


def _allows(record: ResourceType, action: str) -> bool:
    """Whether Graph offers the write ``action`` needs: a PATCH (rename), a DELETE, a POST (duplicate)."""
    if action == "rename":
        return record.write.update
    if action == "duplicate":
        return record.write.create
    return record.write.delete


def editable_types(catalog: Catalog, action: str) -> list[ResourceType]:
    """The catalog types ``action`` ("rename", "delete", "duplicate") works on."""
    return [
        r
        for r in catalog
        if r.kind in EDITABLE_KINDS and not r.singleton and r.write_scope != CA_WRITE and _allows(r, action)
    ]


def select_objects(
    snapshot: Snapshot,
    catalog: Catalog,
    *,
    action: str,
    types: Sequence[str] = (),
    names: Sequence[str] = (),
    contains: str = "",
) -> tuple[list[ObjectKey], list[str]]:
    """The objects of ``types`` (default: every type ``action`` works on that was read) called one of
    ``names`` (case-insensitive) and whose name contains ``contains``; plus each name nothing has.

    With neither ``names`` nor ``contains``, every object of the types is chosen.
    """
    records = [r for r in editable_types(catalog, action) if not types or r.key in types]
    wanted = {n.strip().casefold(): n for n in names if n.strip()}
    part = contains.strip().casefold()
    chosen: list[ObjectKey] = []
    seen: set[str] = set()
    for record in records:
        for obj in snapshot.read_objects(record.key) or ():
            name = record.object_name(obj).strip().casefold()
            if wanted and name not in wanted:
                continue
            if part and part not in name:
                continue
            seen.add(name)
            chosen.append(ObjectKey(record.key, str(obj.get("id"))))
    missing = [original for folded, original in wanted.items() if folded not in seen]
    return chosen, missing
