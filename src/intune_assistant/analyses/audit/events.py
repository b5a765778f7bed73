"""Intune audit events (``deviceManagement/auditEvents``) as rows, and what changed per object.

Pure: the events (read for a time range, never stored) and the collected snapshot go in; rows
come out, newest first. An event's objects are linked to the snapshot's objects by id, so a page
can open them; an object the snapshot does not hold (deleted since, or of a type not collected)
keeps the name and type the event gave it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot

# Graph's operation types in the admin center's words (Tenant administration > Audit logs).
_OPERATIONS = {"Create": "Create", "Patch": "Update", "Delete": "Delete", "Action": "Action", "Get": "Read"}


@dataclass(frozen=True)
class AuditObject:
    """An object an event touched: its id, name and type, and its catalog key when the snapshot holds it."""

    id: str
    name: str
    type: str
    key: str | None = None


@dataclass(frozen=True)
class AuditRow:
    """One audit event: when, who (and through which app), what, on which objects, with what result."""

    id: str
    when: datetime | None
    actor: str
    app: str
    activity: str
    operation: str
    result: str
    component: str
    objects: tuple[AuditObject, ...]
    correlation_id: str

    @property
    def object_text(self) -> str:
        """The objects' names, comma-separated."""
        return ", ".join(o.name or o.id for o in self.objects)

    @property
    def object_types(self) -> tuple[str, ...]:
        """The objects' types."""
        return tuple(dict.fromkeys(o.type for o in self.objects))


@dataclass(frozen=True)
class ChangedObject:
    """An object with the changes the events made to it: how many, the last one, by whom."""

    object: AuditObject
    changes: int
    last: datetime | None
    last_activity: str
    actors: tuple[str, ...]
    deleted: bool
    failed: int


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _when(value: Any) -> datetime | None:
    text = _text(value)
    if not text:
        return None
    # Graph writes seven fractional digits; fromisoformat takes at most six.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text.replace("Z", "+00:00"))
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _words(pascal: str) -> str:
    """``DeviceManagementConfigurationPolicy`` → ``Device management configuration policy``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", pascal.rsplit(".", 1)[-1]).strip()
    return spaced[:1].upper() + spaced[1:].lower() if spaced else ""


def object_index(snapshot: Snapshot, catalog: Catalog) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """Object id → (catalog key, object) of every object the snapshot holds."""
    index: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for key, items in snapshot.objects.items():
        if key not in catalog:
            continue
        for obj in items:
            object_id = obj.get("id")
            if isinstance(object_id, str):
                index.setdefault(object_id, (key, obj))
    return index


def _actor(event: Mapping[str, Any]) -> tuple[str, str]:
    actor = event.get("actor")
    if not isinstance(actor, Mapping):
        return "", ""
    app = _text(actor.get("applicationDisplayName")) or _text(actor.get("applicationId"))
    who = _text(actor.get("userPrincipalName")) or _text(actor.get("servicePrincipalName")) or app
    return who, app


def _objects(
    event: Mapping[str, Any], index: Mapping[str, tuple[str, Mapping[str, Any]]], catalog: Catalog
) -> list[AuditObject]:
    found = []
    for resource in event.get("resources") or ():
        if not isinstance(resource, Mapping):
            continue
        object_id = _text(resource.get("resourceId"))
        name = _text(resource.get("displayName"))
        kind = _words(_text(resource.get("type")) or _text(resource.get("auditResourceType")))
        key: str | None = None
        if object_id in index:
            key, obj = index[object_id]
            # The object's name now (the event has the name it had then, or none).
            name, kind = catalog[key].object_name(obj) or name, catalog[key].label
        found.append(AuditObject(object_id, name, kind, key))
    return found


def audit_rows(events: Iterable[Mapping[str, Any]], snapshot: Snapshot, catalog: Catalog) -> list[AuditRow]:
    """Every event as a row, newest first; objects linked to the snapshot's by id."""
    index = object_index(snapshot, catalog)
    rows = []
    for event in events:
        who, app = _actor(event)
        operation = _text(event.get("activityOperationType"))
        rows.append(
            AuditRow(
                id=_text(event.get("id")),
                when=_when(event.get("activityDateTime")),
                actor=who or "(unknown)",
                app=app,
                activity=_text(event.get("activity")) or _text(event.get("displayName")),
                operation=_OPERATIONS.get(operation, operation),
                result=_text(event.get("activityResult")) or "Unknown",
                component=_text(event.get("componentName")) or _text(event.get("category")),
                objects=tuple(_objects(event, index, catalog)),
                correlation_id=_text(event.get("correlationId")),
            )
        )
    rows.sort(key=lambda r: (r.when is not None, r.when or datetime.min), reverse=True)
    return rows


def what_changed(rows: Iterable[AuditRow]) -> list[ChangedObject]:
    """Per object the rows touched (reads left out): its changes, newest change first."""
    by_object: dict[str, list[AuditRow]] = {}
    objects: dict[str, AuditObject] = {}
    for row in rows:
        if row.operation == "Read":
            continue
        for obj in row.objects:
            by_object.setdefault(obj.id, []).append(row)
            objects.setdefault(obj.id, obj)
    changed = []
    for object_id, touched in by_object.items():
        newest = max(touched, key=lambda r: (r.when is not None, r.when or datetime.min))
        obj = objects[object_id]
        changed.append(
            ChangedObject(
                object=obj,
                changes=len(touched),
                last=newest.when,
                last_activity=newest.activity,
                actors=tuple(dict.fromkeys(r.actor for r in touched)),
                deleted=obj.key is None and any(r.operation == "Delete" for r in touched),
                failed=sum(r.result.casefold() == "failure" for r in touched),
            )
        )
    changed.sort(key=lambda c: (c.last is not None, c.last or datetime.min), reverse=True)
    return changed
