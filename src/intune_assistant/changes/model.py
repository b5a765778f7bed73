"""The plan model every write module shares: what will be sent, to which object, and why.

A plan is pure data built from a snapshot (no I/O). Each item names one object, the operation,
the exact Graph requests, a readable before/after, warnings, and its precondition — the object's
state as it was read when the plan was made. Apply sends an item's requests only while the object
still matches that precondition (``changes/apply.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from intune_assistant.analyses.assignments import AssignmentRow, ObjectRef

__all__ = ["NEW_ID", "GraphRequest", "Operation", "Plan", "PlanItem", "Precondition", "RejectedChange"]

# In the requests of a create item, the id Graph gives the new object (known once the first
# request has answered).
NEW_ID = "{new}"


class Operation:
    """What an item does to its object."""

    ASSIGN = "assign"
    CREATE = "create"
    UPDATE = "update"
    # Bulk edits: a new name (PATCH), the object deleted, a user or device added to or removed
    # from a static group (``members/$ref``).
    RENAME = "rename"
    DELETE = "delete"
    ADD_MEMBER = "add member"
    REMOVE_MEMBER = "remove member"


@dataclass(frozen=True)
class GraphRequest:
    """One Graph request exactly as apply sends it.

    Attributes:
        method: HTTP method (``POST``, ``PATCH``, ``DELETE``).
        path: path relative to ``/{version}/`` (``deviceManagement/configurationPolicies/{id}/assign``).
        body: the JSON body, or None.
        version: ``beta`` or ``v1.0``.
    """

    method: str
    path: str
    body: Any = None
    version: str = "beta"


@dataclass(frozen=True)
class Precondition:
    """The object's state as read when the plan was made; apply writes only while it still holds.

    Attributes:
        read_path: what apply re-reads before writing (``{type path}/{id}/assignments``; for a
            create, the type's path; the object itself for a rename or delete; the group's
            ``members`` for a membership change).
        assignments: the object's assignments exactly as read (Graph-shaped, unknown fields kept).
        absent_name / odata_type: for a create, the name no object of the type (and subtype) may
            have when apply writes.
        name: for a rename, the object's name as read (apply writes only while it still has it).
        modified: for an update or a delete, the object's ``lastModifiedDateTime`` as read.
    """

    read_path: str
    assignments: tuple[Mapping[str, Any], ...]
    # A create: no object of this name (and ``@odata.type``) may exist in the type's list.
    absent_name: str | None = None
    odata_type: str | None = None
    # For a create, the other fields that tell objects of the type apart (the catalog's identity).
    identity: Mapping[str, Any] | None = None
    # A rename: the object's name as read.
    name: str | None = None
    # An update or delete: the object's ``lastModifiedDateTime`` as read (Intune changes it on every edit).
    modified: str | None = None


@dataclass(frozen=True)
class PlanItem:
    """One object the plan changes.

    Attributes:
        object: the object (catalog type key, id, name, type label, platform).
        operation: what is done to it (``Operation``): assign, create, update, rename, delete, add or
            remove member.
        requests: the exact Graph requests, in order.
        before / after: the object's assignments as readable rows (the assignment analyses' rows).
        expected: the assignment set the object has once the requests are applied (Graph-shaped);
            verification compares a fresh read with it.
        precondition: the object's state as read when planning.
        changes: what changes, in words ("add Finance laptops (include)").
        warnings: what the admin should know before applying.
        references: how references to other objects were translated, in words.
        expected_properties: for a create or update, the properties the object has once applied.
        stage: apply writes lower stages first (objects that later items refer to by ``{new:key}``).
        member: for a membership change, the user or device added to or removed from the group
            (``object``); one item per member, so each has its own result.
    """

    object: ObjectRef
    operation: str
    requests: tuple[GraphRequest, ...]
    before: tuple[AssignmentRow, ...]
    after: tuple[AssignmentRow, ...]
    expected: tuple[Mapping[str, Any], ...]
    precondition: Precondition
    changes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    # Update and create: the properties the object has once applied (checked when re-read).
    expected_properties: Mapping[str, Any] | None = None
    # Apply writes stage by stage: objects other items refer to come first.
    stage: int = 0
    member: ObjectRef | None = None

    @property
    def key(self) -> str:
        """``type_key/id`` (``type_key/new:name`` for a create, ``…/members/{member id}`` for a
        membership change): identifies the item within its plan."""
        base = f"{self.object.type_key}/{self.object.id or 'new:' + self.object.name}"
        return f"{base}/members/{self.member.id}" if self.member is not None else base

    @property
    def creates(self) -> bool:
        """Whether the item creates its object (its requests use ``NEW_ID`` after the first)."""
        return self.operation == Operation.CREATE


@dataclass(frozen=True)
class RejectedChange:
    """A desired change that is not in the plan, and why (nothing is applied for it).

    Attributes:
        source: where the change came from, as the caller labelled it ("row 7"); may be "".
        summary: the change in words.
        reason: why it was refused, in words the admin can act on.
    """

    source: str
    summary: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """A reviewed-then-applied set of changes to one tenant.

    Attributes:
        module: the write module that made it (``bulk-assign``).
        tenant_id / tenant_domain: the tenant the snapshot was read from.
        read_at: when the snapshot the plan was built from was read.
        items: one per object that changes (objects already in the desired state have none).
        rejected: desired changes left out, each with its reason.
        notes: changes that need nothing done (already so), in words.
    """

    module: str
    tenant_id: str | None
    tenant_domain: str | None
    read_at: datetime
    items: tuple[PlanItem, ...]
    rejected: tuple[RejectedChange, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        """True when applying the plan would send nothing."""
        return not self.items

    @property
    def request_count(self) -> int:
        """How many write requests applying the plan sends (re-reads not counted)."""
        return sum(len(item.requests) for item in self.items)
