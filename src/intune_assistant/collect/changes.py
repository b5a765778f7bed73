"""What changed in Intune since a previous snapshot: the audit log's touched objects, and the
newest-first reading of lists that Graph orders by ``lastModifiedDateTime``.

Intune's lists document no ``lastModifiedDateTime`` filter; ``$orderby=lastModifiedDateTime desc``
is observed on the policy lists (the catalog's ``modified_order``), so a refresh reads them newest
first and stops at the first page that reaches what the previous snapshot already had. Deletions
and assignment-only changes do not move an object up that order: Intune's audit log
(``deviceManagement/auditEvents``) names every object a write touched (``resources[].resourceId``).
An object the log names that the newest pages do not hold has not changed since the log's window
began (every change to its properties or settings would have moved it up), so only its
assignments are read again (a 404 means deleted) — and not even those when the log records the
object's own deletion (``Delete <entity>``, e.g. "Delete DeviceManagementConfigurationPolicy").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from intune_assistant.catalog import ResourceType, entity_type_of
from intune_assistant.snapshot import Problem

__all__ = [
    "AUDIT_OVERLAP",
    "AUDIT_PATH",
    "AuditChanges",
    "NewestFirst",
    "audit_query",
    "deleted_objects",
    "is_audited",
    "modified_at",
    "newest_modified",
    "touched_ids",
]

AUDIT_PATH = "deviceManagement/auditEvents"
# The audit read starts this long before the previous collection started: Graph's clock and ours
# may differ, and an event can appear in the log a little after the change it records.
AUDIT_OVERLAP = timedelta(minutes=15)
_AUDITED_ROOTS = ("deviceManagement/", "deviceAppManagement/")


def is_audited(record: ResourceType) -> bool:
    """Whether Intune's audit log records writes to ``record``'s objects (Intune's own paths)."""
    return record.path.startswith(_AUDITED_ROOTS) and record.key != "auditEvents"


def audit_query(since: datetime) -> dict[str, str]:
    """The audit events since ``since`` that changed something (reads are audited too).

    The filter is what IntuneCD sends (reference §3: ``activityDateTime gt …`` and
    ``activityOperationType ne 'Get'``); ``ge`` so an event at the boundary is not lost. The
    select adds what tells a deletion of the object itself from one of its assignments
    (``activityType``) and a refused write from a done one (``activityResult``).
    """
    moment = since.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "$filter": f"activityDateTime ge {moment} and activityOperationType ne 'Get'",
        "$select": "activityDateTime,activityType,activityOperationType,activityResult,resources",
    }


def touched_ids(events: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """Every ``resources[].resourceId`` the events name."""
    found: set[str] = set()
    for event in events:
        resources = event.get("resources")
        if not isinstance(resources, list):
            continue
        for resource in resources:
            if isinstance(resource, Mapping) and isinstance(resource.get("resourceId"), str) and resource["resourceId"]:
                found.add(resource["resourceId"])
    return frozenset(found)


def deleted_objects(events: Iterable[Mapping[str, Any]]) -> frozenset[tuple[str, str]]:
    """(entity type in lower case, id) of every object whose own deletion the events record.

    Only a successful ``Delete`` whose ``activityType`` is "Delete <entity>" counts: deleting an
    assignment names its policy too, but as "Delete …PolicyAssignment", which is another entity.
    """
    found: set[tuple[str, str]] = set()
    for event in events:
        activity = event.get("activityType")
        if (
            str(event.get("activityOperationType")).lower() != "delete"
            or str(event.get("activityResult")).lower() != "success"
            or not isinstance(activity, str)
            or not activity.lower().startswith("delete ")
        ):
            continue
        entity = activity[len("delete ") :].strip().lower()
        found.update((entity, object_id) for object_id in touched_ids([event]))
    return frozenset(found)


@dataclass(frozen=True)
class AuditChanges:
    """The audit log since the previous collection: the ids it names and the objects whose
    deletion it records, or why it could not be read."""

    touched: frozenset[str] = frozenset()
    deleted: frozenset[tuple[str, str]] = frozenset()
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        """True when the log was read to its end."""
        return self.problem is None

    def records_deletion(self, record: ResourceType, object_id: str) -> bool:
        """Whether the log records that ``object_id``, one of ``record``'s objects, was deleted."""
        return (entity_type_of(record.path).lower(), object_id) in self.deleted


def modified_at(obj: Mapping[str, Any]) -> datetime | None:
    """``lastModifiedDateTime`` as a moment (Graph writes 0 to 7 fractional digits), or None."""
    value = obj.get("lastModifiedDateTime")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def newest_modified(objects: Iterable[Mapping[str, Any]]) -> datetime | None:
    """The newest ``lastModifiedDateTime`` of ``objects``; None when any lacks one (no watermark
    can then tell which objects changed) or there are none."""
    newest: datetime | None = None
    for obj in objects:
        moment = modified_at(obj)
        if moment is None:
            return None
        newest = moment if newest is None or moment > newest else newest
    return newest


class NewestFirst:
    """Decides, page by page, when a newest-first read has reached what was already known.

    ``enough(page)`` is True once a page holds an object not newer than ``known`` (the previous
    snapshot's newest ``lastModifiedDateTime`` for the list). Should Graph ignore the ``$orderby``
    (a page out of order, or an object without a date), it answers False from then on, so the
    list is read to its end; ``stopped`` says whether the read ended early.
    """

    def __init__(self, known: datetime) -> None:
        self.known = known
        self.last: datetime | None = None
        self.unordered = False
        self.stopped = False

    def enough(self, page: list[dict[str, Any]]) -> bool:
        """Whether the read may stop after ``page``."""
        reached = False
        for item in page:
            moment = modified_at(item)
            if moment is None or (self.last is not None and moment > self.last):
                self.unordered = True
            if moment is not None:
                self.last = moment
                reached = reached or moment <= self.known
        self.stopped = reached and not self.unordered
        return self.stopped
