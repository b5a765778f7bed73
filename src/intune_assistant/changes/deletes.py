"""Bulk delete: chosen objects, each a ``DELETE``, assigned ones flagged. Pure.

Deleting is the one bulk edit that can't be undone by writing a name back, so:

- apply hands the backup over before the first write (``apply.py``): every object about to be
  deleted as read just then, with its assignments and child settings, in the snapshot format that
  restore reads;
- an object that is assigned gets a warning naming its targets (deleting it takes the settings
  away from those users and devices);
- applying needs a typed confirmation (``confirmation_phrase``): the admin types the number of
  objects, so a plan is never applied by a stray click or a reused command line.

An object edited after the plan was made is skipped by apply ("changed since plan"), never deleted
with changes nobody reviewed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from intune_assistant.analyses.assignments import Directory, object_ref, object_target_rows, template_platforms
from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.snapshot import Snapshot

from .desired import ObjectKey
from .edits import edit_plan, find_object
from .model import GraphRequest, Operation, Plan, PlanItem, Precondition, RejectedChange

__all__ = ["ConfirmationMismatch", "check_confirmation", "confirmation_phrase", "plan_deletes"]


class ConfirmationMismatch(ValueError):
    """The typed confirmation is not the plan's phrase; says what to type."""


def confirmation_phrase(plan: Plan) -> str:
    """What the admin types to apply a plan that deletes: ``delete 20 objects``."""
    count = sum(1 for item in plan.items if item.operation == Operation.DELETE)
    return f"delete {count} object{'s' if count != 1 else ''}"


def check_confirmation(plan: Plan, typed: str | None) -> None:
    """Return when ``plan`` deletes nothing or ``typed`` is its phrase (spaces and case aside).

    Raises:
        ConfirmationMismatch: the plan deletes objects and ``typed`` is not the phrase.
    """
    if not any(item.operation == Operation.DELETE for item in plan.items):
        return
    phrase = confirmation_phrase(plan)
    if " ".join((typed or "").split()).casefold() != phrase:
        raise ConfirmationMismatch(f"to delete, type exactly: {phrase}")


def _assigned_to(rows: Sequence[Any]) -> list[str]:
    words = []
    for row in rows:
        if row.target_kind == "none":
            continue
        target = row.group_name or {"allUsers": "All users", "allDevices": "All devices"}.get(
            row.target_kind, row.target_kind
        )
        words.append(f"{target} ({row.mode})" if row.mode else target)
    return words


def plan_deletes(
    snapshot: Snapshot,
    objects: Sequence[ObjectKey],
    *,
    catalog: Catalog | None = None,
    directory: Directory | None = None,
) -> Plan:
    """The plan that deletes ``objects``; does no I/O. See the module docstring."""
    catalog = catalog or default_catalog()
    directory = directory or Directory(snapshot)
    templates = template_platforms(snapshot)
    items: list[PlanItem] = []
    rejected: list[RejectedChange] = []
    for key in dict.fromkeys(objects):
        found = find_object(snapshot, catalog, key, action="delete")
        if isinstance(found, str):
            rejected.append(RejectedChange(f"{key.type_key}/{key.id}", "delete", found))
            continue
        record, obj = found.record, found.obj
        ref = object_ref(record, obj, snapshot, templates)
        rows = object_target_rows(record, obj, ref, directory, {}).rows
        warnings = []
        targets = _assigned_to(rows)
        if targets:
            warnings.append(f"assigned: deleting it takes its settings away from {', '.join(targets)}")
        elif not isinstance(obj.get("assignments"), list) and record.write.assign_body_key:
            warnings.append("its assignments weren't read: it may be assigned")
        path = f"{record.path}/{ref.id}"
        current = obj.get("assignments")
        modified = obj.get("lastModifiedDateTime")
        items.append(
            PlanItem(
                object=ref,
                operation=Operation.DELETE,
                requests=(GraphRequest("DELETE", path, None, record.api_version),),
                before=rows,
                after=(),
                expected=(),
                precondition=Precondition(
                    path,
                    tuple(a for a in current if isinstance(a, Mapping)) if isinstance(current, list) else (),
                    modified=modified if isinstance(modified, str) else None,
                ),
                changes=(f"delete '{found.name}'",),
                warnings=tuple(warnings),
            )
        )
    return edit_plan(snapshot, items, rejected)
