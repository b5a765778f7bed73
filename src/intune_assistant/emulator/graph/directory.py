"""Directory routes: group membership (direct and transitive), memberOf, getByIds, member $ref.

Group ``members`` are stored as references ``{"@odata.type": "#microsoft.graph.user", "id"}`` into
the users, groups and devices records; they are resolved here. Walks are breadth-first with a
visited set, so nested groups and membership cycles end, and every object appears once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

from ...catalog import Kind, ResourceType
from .audit import audit_event
from .call import Call
from .errors import GraphError, not_found
from .listing import ListSpec, build_list, context_url, directory_count
from .paging import directory_page_size
from .protocol import GraphResponse
from .reads import find_object
from .routing import serves
from .shaping import check_expand, record_navigations, shape

__all__ = ["DirectoryIndex", "add_member", "get_by_ids", "get_navigation", "remove_member"]

# Directory object types the emulator holds, and the entity set each lives in.
TYPE_PATHS = {"user": "users", "group": "groups", "device": "devices"}
# Every directoryObject type getByIds accepts in ``types`` (lower case); the emulator has no
# objects of the others, so they match nothing.
KNOWN_TYPES = frozenset(
    {
        "user",
        "group",
        "device",
        "application",
        "serviceprincipal",
        "orgcontact",
        "directoryrole",
        "directoryroletemplate",
        "administrativeunit",
        "contract",
    }
)
MAX_IDS = 1000


def _short_type(value: Any) -> str:
    return value.rsplit(".", 1)[-1].lower() if isinstance(value, str) else ""


class DirectoryIndex:
    """Directory objects of one tenant, for one request."""

    def __init__(self, call: Call) -> None:
        self.call = call
        self.records: dict[str, ResourceType] = {}
        for odata_type, path in TYPE_PATHS.items():
            for record in call.router.catalog:
                if record.path == path and record.kind is Kind.DIRECTORY and serves(record, call.req.version):
                    self.records[odata_type] = record
                    break
        self._by_id: dict[str, tuple[str, dict[str, Any]]] = {}
        for odata_type, record in self.records.items():
            for obj in call.store.items(record):
                if isinstance(obj.get("id"), str):
                    self._by_id.setdefault(obj["id"], (odata_type, obj))
        self._parents: dict[str, list[str]] | None = None

    def get(self, object_id: str) -> tuple[str, dict[str, Any]] | None:
        """``(type, object)`` for ``object_id``."""
        return self._by_id.get(object_id)

    def output(self, odata_type: str, obj: Mapping[str, Any], select: tuple[str, ...] | None) -> dict[str, Any]:
        """A response copy of a directory object, with its ``@odata.type``."""
        record = self.records[odata_type]
        shaped = shape(obj, strip=record_navigations([record]), select=select)
        return {"@odata.type": f"#microsoft.graph.{odata_type}", **shaped}

    def member_ids(self, group: Mapping[str, Any]) -> list[str]:
        """Ids of the direct members of ``group`` that exist."""
        refs = group.get("members")
        found: list[str] = []
        for ref in refs if isinstance(refs, list) else []:
            member_id = ref.get("id") if isinstance(ref, Mapping) else None
            if isinstance(member_id, str) and member_id in self._by_id and member_id not in found:
                found.append(member_id)
        return found

    def transitive_member_ids(self, group_id: str) -> list[str]:
        """Members of ``group_id`` through any depth of nesting (nested groups included)."""
        seen = {group_id}
        ordered: list[str] = []
        queue = deque([group_id])
        while queue:
            entry = self._by_id.get(queue.popleft())
            if entry is None or entry[0] != "group":
                continue
            for member_id in self.member_ids(entry[1]):
                if member_id in seen:
                    continue
                seen.add(member_id)
                ordered.append(member_id)
                queue.append(member_id)
        return ordered

    def _parent_index(self) -> dict[str, list[str]]:
        if self._parents is None:
            parents: dict[str, list[str]] = {}
            for object_id, (odata_type, obj) in self._by_id.items():
                if odata_type == "group":
                    for member_id in self.member_ids(obj):
                        parents.setdefault(member_id, []).append(object_id)
            self._parents = parents
        return self._parents

    def member_of_ids(self, object_id: str, *, transitive: bool) -> list[str]:
        """Groups ``object_id`` is a member of, directly or through nesting."""
        parents = self._parent_index()
        if not transitive:
            return list(parents.get(object_id, []))
        seen = {object_id}
        ordered: list[str] = []
        queue = deque([object_id])
        while queue:
            for parent in parents.get(queue.popleft(), []):
                if parent not in seen:
                    seen.add(parent)
                    ordered.append(parent)
                    queue.append(parent)
        return ordered


def get_navigation(call: Call) -> GraphResponse:
    """``members``, ``transitiveMembers``, ``memberOf``, ``transitiveMemberOf`` of one object."""
    _, obj = find_object(call)
    query = call.query
    check_expand(query.expand, allowed=set(), navigations=set(), entity_set="members")
    if query.filter is not None:
        raise GraphError(
            400,
            "Request_UnsupportedQuery",
            "The emulator does not support $filter on membership navigations.",
        )
    index = DirectoryIndex(call)
    nav = call.route.nav
    object_id = str(obj.get("id"))
    if nav == "members":
        ids = index.member_ids(obj)
    elif nav == "transitiveMembers":
        ids = index.transitive_member_ids(object_id)
    else:
        ids = index.member_of_ids(object_id, transitive=nav == "transitiveMemberOf")
    entries = [entry for entry in (index.get(i) for i in ids) if entry is not None]
    items = [{"__type": odata_type, "__obj": member} for odata_type, member in entries]
    spec = ListSpec(
        size=directory_page_size(None, query.top),
        count=directory_count(call.req, query),
        trailing_empty_page=call.options.trailing_empty_page,
    )
    context = "directoryObjects"
    return build_list(
        call.req,
        query,
        items,
        spec,
        lambda item: index.output(item["__type"], item["__obj"], query.select),
        context,
    )


def _string_list(body: Mapping[str, Any], key: str) -> list[str] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise GraphError(400, "Request_BadRequest", f"Invalid value specified for property '{key}'.")
    return list(value)


def get_by_ids(call: Call) -> GraphResponse:
    """``POST directoryObjects/getByIds {"ids": [...], "types": [...]}``; unknown ids are omitted."""
    body = call.req.body
    if not isinstance(body, Mapping):
        raise GraphError(400, "Request_BadRequest", "The request body must be a JSON object with 'ids'.")
    ids = _string_list(body, "ids")
    if not ids:
        raise GraphError(400, "Request_BadRequest", "Property 'ids' is required and must not be empty.")
    if len(ids) > MAX_IDS:
        raise GraphError(
            400, "Request_BadRequest", f"Too many ids: {len(ids)}. At most {MAX_IDS} are allowed per request."
        )
    types = _string_list(body, "types")
    wanted = {t.lower() for t in types} if types else set(KNOWN_TYPES)
    unknown = wanted - KNOWN_TYPES
    if unknown:
        raise GraphError(
            400,
            "Request_BadRequest",
            f"Invalid value specified for property 'types': '{sorted(unknown)[0]}'.",
        )
    index = DirectoryIndex(call)
    readable = {t for t, r in index.records.items() if r.accepts_read(call.caller.scopes)}
    value: list[dict[str, Any]] = []
    for object_id in dict.fromkeys(ids):
        entry = index.get(object_id)
        if entry is not None and entry[0] in wanted and entry[0] in readable:
            value.append(index.output(entry[0], entry[1], call.query.select))
    return GraphResponse(200, {"@odata.context": context_url(call.req, "directoryObjects"), "value": value})


def _ref_id(body: Any) -> str:
    reference = body.get("@odata.id") if isinstance(body, Mapping) else None
    if not isinstance(reference, str) or not reference.strip():
        raise GraphError(400, "Request_BadRequest", "The request body must carry '@odata.id'.")
    tail = reference.rstrip("/").rsplit("/", 1)[-1]
    if tail.startswith("directoryObjects(") or "(" in tail:
        tail = tail.split("(", 1)[1].rstrip(")").strip("'")
    return tail


def _member_refs(group: Mapping[str, Any]) -> list[Any]:
    refs = group.get("members")
    return list(refs) if isinstance(refs, list) else []


def _dynamic(group: Mapping[str, Any]) -> bool:
    group_types = group.get("groupTypes")
    return isinstance(group_types, list) and "DynamicMembership" in group_types


def _record_member_change(call: Call, record: ResourceType, group: Mapping[str, Any], activity: str) -> None:
    call.store.record_audit(
        audit_event(
            caller=call.caller,
            record=record,
            operation="Action",
            obj=group,
            correlation_id=call.req.client_request_id,
            activity=activity,
        )
    )


def _replace_members(
    call: Call, record: ResourceType, group: dict[str, Any], members: Iterable[dict[str, Any]]
) -> None:
    call.store.replace(record, group, {**group, "members": list(members)})


def add_member(call: Call) -> GraphResponse:
    """``POST groups/{id}/members/$ref {"@odata.id": ".../directoryObjects/{id}"}`` → 204."""
    record, group = find_object(call)
    member_id = _ref_id(call.req.body)
    index = DirectoryIndex(call)
    entry = index.get(member_id)
    if entry is None:
        raise not_found(call.family, member_id)
    if _dynamic(group):
        raise GraphError(
            400,
            "Request_BadRequest",
            "Members of a group with dynamic membership cannot be added or removed.",
        )
    if member_id in index.member_ids(group):
        raise GraphError(
            400,
            "Request_BadRequest",
            "One or more added object references already exist for the following modified properties: 'members'.",
        )
    existing = _member_refs(group)
    reference = {"@odata.type": f"#microsoft.graph.{entry[0]}", "id": member_id}
    _replace_members(call, record, group, [*existing, reference])
    _record_member_change(call, record, group, "Add member to")
    return GraphResponse(204)


def remove_member(call: Call) -> GraphResponse:
    """``DELETE groups/{id}/members/{mid}/$ref`` → 204; 404 when not a direct member."""
    record, group = find_object(call)
    member_id = call.route.member_id or ""
    existing = _member_refs(group)
    kept = [ref for ref in existing if not (isinstance(ref, Mapping) and ref.get("id") == member_id)]
    if len(kept) == len(existing):
        raise not_found(call.family, member_id)
    if _dynamic(group):
        raise GraphError(
            400,
            "Request_BadRequest",
            "Members of a group with dynamic membership cannot be added or removed.",
        )
    _replace_members(call, record, group, kept)
    _record_member_change(call, record, group, "Remove member from")
    return GraphResponse(204)
