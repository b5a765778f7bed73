"""Apply's checks and writes for items that create or update whole objects (deploy, restore).

Read before write, per wave (one ``$batch``):

- a **create** is checked against its type's list, read once per stage (``read_lists``) and kept
  up to date with what the run creates: an object of that name (and ``@odata.type`` and the
  catalog's other identity fields) already there means an earlier run (or someone) made it — the
  item counts as applied with that object's id and nothing is posted, so a re-run never
  duplicates; a list that could not be read fails the item (nothing is posted);
- an **update** reads the object and its assignments: written only while its
  ``lastModifiedDateTime`` and assignments are those the plan was made from; already holding the
  planned properties counts as applied; anything else is "changed since plan".

A wave's first requests (the POSTs, PATCHes and PUTs) go in one ``$batch``; an item's later requests
follow in order, the id its first request answered replacing ``{new}``, and ``{new:<item key>}``
naming an object created in an earlier stage. Written items are read back (one ``$batch``): the
planned properties and assignments must be there.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from intune_assistant.catalog import AssignmentRead, ResourceType
from intune_assistant.collect.changes import AUDIT_OVERLAP, NewestFirst
from intune_assistant.graph import BatchRequest, GraphClient, GraphError, GraphResponse, ListResult

from .bodies import same_value
from .errors import write_failure
from .merge import signature
from .model import NEW_ID, GraphRequest, Operation, PlanItem

__all__ = ["Check", "Listed", "check_objects", "fill_ids", "read_back", "read_lists"]

_PLACEHOLDER_START = "{new:"


@dataclass(frozen=True)
class Check:
    """What the read before write found for one item.

    ``write``: write it now. Otherwise ``applied`` (already in the planned state, with
    ``object_id`` for a create found made) or a skip/failure with ``reason``.
    """

    write: bool
    applied: bool = False
    failed: bool = False
    reason: str = ""
    object_id: str | None = None


def _odata(value: str) -> str:
    return value.replace("'", "''")


def _short_type(value: Any) -> str:
    return value.lstrip("#").removeprefix("microsoft.graph.") if isinstance(value, str) else ""


def _values(response: GraphResponse) -> list[dict[str, Any]]:
    body = response.body if isinstance(response.body, Mapping) else {}
    values = body.get("value")
    return [dict(v) for v in values if isinstance(v, Mapping)] if isinstance(values, list) else []


def holds(obj: Mapping[str, Any], expected: Mapping[str, Any] | None) -> bool:
    """Whether ``obj`` has every planned property value."""
    return expected is not None and all(same_value(v, obj.get(k)) for k, v in expected.items())


def _same_meaning(current: Sequence[Mapping[str, Any]], expected: Sequence[Mapping[str, Any]], app: bool) -> bool:
    return Counter(signature(a, app=app) for a in current) == Counter(signature(a, app=app) for a in expected)


async def read_lists(
    items: Sequence[PlanItem], graph: GraphClient, record_of: Any, since: datetime | None = None
) -> dict[str, Listed]:
    """The lists of the types ``items`` create objects of (names and identity fields), read once.

    Graph applies ``$filter`` on Intune lists page by page (an empty page may come before the match),
    so a name check costs as much as the list: each list is read once per stage, not once per item.
    A list Graph answers newest first (the catalog's ``modified_order``) is read only down to the
    plan's reading time ``since`` (less the clock margin refresh allows): any object of the name
    that existed before was seen by the planner, and one made or renamed since is among the newest.
    """
    wanted: dict[str, ResourceType] = {}
    for item in items:
        if item.creates:
            record: ResourceType = record_of(item)
            wanted.setdefault(record.path, record)
    paths = list(wanted)
    answers = await asyncio.gather(*(_read_list(graph, wanted[p], since) for p in paths))
    found: dict[str, Listed] = {}
    for path, answer in zip(paths, answers, strict=True):
        if answer.error is not None:
            found[path] = Listed(error=write_failure(wanted[path], answer.error, reading=True))
        else:
            found[path] = Listed([dict(o) for o in answer.items])
    return found


async def _read_list(graph: GraphClient, record: ResourceType, since: datetime | None) -> ListResult:
    names = ["id", record.name_field, *(k for k in record.identity_key if not k.startswith("@"))]
    if not (record.modified_order and since is not None):
        params = {"$select": ",".join(dict.fromkeys(names))}
        return await graph.list_all(record.path, params=params, version=record.api_version)
    params = {
        "$select": ",".join(dict.fromkeys([*names, "lastModifiedDateTime"])),
        "$orderby": "lastModifiedDateTime desc",
    }
    guard = NewestFirst(since - AUDIT_OVERLAP)
    return await graph.read_pages(record.path, params=params, version=record.api_version, stop_after=guard.enough)


@dataclass
class Listed:
    """A type's objects as read before its creates (with the ones this run made), or why not."""

    objects: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


async def check_objects(
    items: Sequence[PlanItem], graph: GraphClient, record_of: Any, lists: Mapping[str, Listed]
) -> dict[str, Check]:
    """Judge each item: a create against its type's list (``read_lists``), an update by reading it."""
    found: dict[str, Check] = {}
    updates = [i for i in items if not i.creates]
    for item in items:
        if item.creates:
            record: ResourceType = record_of(item)
            found[item.key] = _judge_create(item, record, lists.get(record.path) or Listed(error="not read"))
    for version in sorted({i.requests[0].version if i.requests else "beta" for i in updates}):
        chosen = [i for i in updates if (i.requests[0].version if i.requests else "beta") == version]
        requests: list[BatchRequest] = []
        for item in chosen:
            record = record_of(item)
            requests.append(BatchRequest("GET", f"{record.path}/{item.object.id}"))
            if _assignable(record):
                requests.append(BatchRequest("GET", item.precondition.read_path, page=True))
        responses = await graph.batch(requests, version=version)
        index = 0
        for item in chosen:
            record = record_of(item)
            if _assignable(record):
                found[item.key] = _judge_update(item, record, responses[index], responses[index + 1])
                index += 2
            else:
                found[item.key] = _judge_update(item, record, responses[index], GraphResponse(200, {}, {"value": []}))
                index += 1
    return found


def _assignable(record: ResourceType) -> bool:
    return record.assignments is not AssignmentRead.NONE


def _key(name: Any) -> str:
    return " ".join(str(name or "").split()).casefold()


def _judge_create(item: PlanItem, record: ResourceType, listed: Listed) -> Check:
    if listed.error is not None:
        return Check(
            False, failed=True, reason=f"not written: the check for an object of that name failed: {listed.error}"
        )
    wanted = _short_type(item.precondition.odata_type)
    identity = item.precondition.identity or {}
    name = _key(item.precondition.absent_name or item.object.name)
    same = [
        o
        for o in listed.objects
        if _key(o.get(record.name_field)) == name
        and (not wanted or _short_type(o.get("@odata.type")) in ("", wanted))
        and all(o.get(k) is None or same_value(o.get(k), v) for k, v in identity.items())
    ]
    if len(same) > 1:
        return Check(False, reason=f"changed since plan: {len(same)} objects of that name exist now; none is touched")
    if same:
        return Check(
            False,
            applied=True,
            reason="already applied: an object of that name exists",
            object_id=str(same[0].get("id")),
        )
    return Check(True)


def _judge_update(item: PlanItem, record: ResourceType, read: GraphResponse, assignments: GraphResponse) -> Check:
    for response in (read, assignments):
        if response.error is not None:
            if response.error.status == 404:
                return Check(False, reason="changed since plan: the object was deleted")
            return Check(False, failed=True, reason=write_failure(record, response.error, reading=True))
    obj = read.body if isinstance(read.body, Mapping) else {}
    current = _values(assignments)
    app = record.key == "mobileApps"
    unchanged = obj.get("lastModifiedDateTime") == item.precondition.modified and _same_meaning(
        current, item.precondition.assignments, app
    )
    if unchanged:
        return Check(True)
    done_properties = item.expected_properties is None or holds(obj, _without_settings(item.expected_properties))
    if done_properties and _same_meaning(current, item.expected, app):
        return Check(False, applied=True, reason="already applied")
    return Check(False, reason="changed since plan: the object was changed after the plan was made; make a new plan")


def _without_settings(expected: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in expected.items() if k != "settings"}


def fill_ids(value: Any, own: str | None, created: Mapping[str, str]) -> Any:
    """``value`` with ``{new}`` replaced by ``own`` and ``{new:<key>}`` by the id created for key.

    Raises:
        KeyError: a ``{new:<key>}`` whose item has no id (it was not created).
    """
    if isinstance(value, str):
        if own is not None and NEW_ID in value:
            value = value.replace(NEW_ID, own)
        while _PLACEHOLDER_START in value:
            start = value.index(_PLACEHOLDER_START)
            end = value.index("}", start)
            key = value[start + len(_PLACEHOLDER_START) : end]
            value = value[:start] + created[key] + value[end + 1 :]
        return value
    if isinstance(value, list):
        return [fill_ids(v, own, created) for v in value]
    if isinstance(value, Mapping):
        return {k: fill_ids(v, own, created) for k, v in value.items()}
    return value


def filled(request: GraphRequest, own: str | None, created: Mapping[str, str]) -> GraphRequest:
    """The request with its placeholders filled in."""
    return GraphRequest(
        request.method, fill_ids(request.path, own, created), fill_ids(request.body, own, created), request.version
    )


async def read_back(
    written: Sequence[tuple[PlanItem, str]], graph: GraphClient, record_of: Any
) -> dict[str, str | None]:
    """Per item key, None when the object (by its id) reads back as planned, else why not; one
    ``$batch`` per API version for all of them."""
    plans: list[tuple[PlanItem, str, bool, int]] = []
    requests: dict[str, list[BatchRequest]] = {}
    for item, object_id in written:
        version = item.requests[0].version if item.requests else "beta"
        path = f"{record_of(item).path}/{object_id}"
        chosen = requests.setdefault(version, [])
        wants_assignments = any(r.path.endswith("/assign") for r in item.requests)
        plans.append((item, version, wants_assignments, len(chosen)))
        chosen.append(BatchRequest("GET", path))
        if wants_assignments:
            chosen.append(BatchRequest("GET", f"{path}/assignments", page=True))
    answers = {v: await graph.batch(r, version=v) for v, r in requests.items()}
    found: dict[str, str | None] = {}
    for item, version, wants_assignments, index in plans:
        record: ResourceType = record_of(item)
        responses = answers[version][index : index + (2 if wants_assignments else 1)]
        error: GraphError | None = next((r.error for r in responses if r.error is not None), None)
        obj = responses[0].body if isinstance(responses[0].body, Mapping) else {}
        if error is not None:
            found[item.key] = f"written, but reading it back failed: {write_failure(record, error, reading=True)}"
        elif item.expected_properties is not None and not holds(obj, _without_settings(item.expected_properties)):
            found[item.key] = "written, but the object read back differs from the plan (changed by someone meanwhile?)"
        elif wants_assignments and not _same_meaning(_values(responses[1]), item.expected, record.key == "mobileApps"):
            found[item.key] = (
                "written, but the assignments read back differ from the plan (changed by someone meanwhile?)"
            )
        else:
            found[item.key] = None
    return found


def is_object_item(item: PlanItem) -> bool:
    """Whether the item creates or updates its object (else it only changes assignments)."""
    return item.operation in (Operation.CREATE, Operation.UPDATE)
