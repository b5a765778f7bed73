"""GET handlers for catalog routes: lists, items, assignments, children and grandchildren."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...catalog import Child, ResourceType
from .call import Call
from .errors import not_found
from .listing import CountMode, ListSpec, build_list, context_url, directory_count
from .paging import directory_page_size, intune_page_size
from .protocol import GraphResponse
from .query import Predicate, QueryOptions, compile_filter
from .shaping import (
    DETAIL_FIELDS,
    SETTING_DEFINITIONS,
    check_expand,
    check_select,
    child_navigations,
    definitions_for_setting,
    expand_items,
    record_navigations,
    shape,
    type_name,
)

__all__ = [
    "find_object",
    "get_assignment",
    "get_assignments",
    "get_child_item",
    "get_child_list",
    "get_collection",
    "get_item",
]


def find_object(call: Call) -> tuple[ResourceType, dict[str, Any]]:
    """The object the route's ``{id}`` names, or 404. Users are also found by UPN, as on Graph."""
    object_id = call.route.object_id or ""
    found = call.store.find(call.route.records, object_id)
    if found is None and call.route.is_directory:
        wanted = object_id.casefold()
        for record in call.route.records:
            for obj in call.store.items(record):
                upn = obj.get("userPrincipalName")
                if isinstance(upn, str) and upn.casefold() == wanted:
                    return record, obj
    if found is None:
        raise not_found(call.family, object_id)
    return found


def _predicate(call: Call, name_field: str, entity_set: str) -> Predicate | None:
    if call.query.filter is None:
        return None
    return compile_filter(
        call.query.filter,
        name_field=name_field,
        type_name=type_name(entity_set),
        case_insensitive=call.route.is_directory,
    )


def _intune_spec(call: Call, record: ResourceType, predicate: Predicate | None) -> ListSpec:
    return ListSpec(
        size=intune_page_size(record.page_size, record.max_page_size, call.query.top),
        count=CountMode.PER_PAGE,
        predicate=predicate,
        filter_after_paging=call.options.filter_after_paging,
        trailing_empty_page=call.options.trailing_empty_page,
    )


def _expansions(obj: Mapping[str, Any], query: QueryOptions, records: tuple[ResourceType, ...]) -> dict[str, Any]:
    children = {child.name: child for record in records for child in record.children}
    nested = dict(query.nested_expand)
    expanded: dict[str, Any] = {}
    for name in query.expand:
        child = children.get(name)
        strip = child_navigations(child) if child is not None else set()
        # A navigation expanded inside this one stays inline on each item.
        expanded[name] = expand_items(obj.get(name), strip - set(nested.get(name, ())))
    return expanded


def _check_nested_expand(query: QueryOptions, records: tuple[ResourceType, ...], entity_set: str) -> None:
    """400 unless each nested ``$expand`` names a navigation of the expanded child."""
    children = {child.name: child for record in records for child in record.children}
    for name, inner in query.nested_expand:
        child = children.get(name)
        navigations = child_navigations(child) if child is not None else set()
        check_expand(inner, allowed=navigations - {SETTING_DEFINITIONS}, navigations=set(), entity_set=name)


def get_collection(call: Call) -> GraphResponse:
    """``GET {path}``: one page of the record(s) at the path."""
    route, query = call.route, call.query
    records, record = route.records, route.record
    navigations = record_navigations(records)
    allowed = {name for r in records for name in r.list_expand}
    check_select(query.select, name_field=record.name_field, entity_set=route.path)
    check_expand(query.expand, allowed=allowed, navigations=navigations, entity_set=route.path)
    _check_nested_expand(query, records, route.path)
    predicate = _predicate(call, record.name_field, route.path)
    if route.is_directory:
        spec = ListSpec(
            size=directory_page_size(record, query.top),
            count=directory_count(call.req, query),
            predicate=predicate,
            trailing_empty_page=call.options.trailing_empty_page,
        )
    else:
        spec = _intune_spec(call, record, predicate)
    drop = DETAIL_FIELDS if any(r.read_item_for_detail for r in records) else frozenset()
    items = [obj for _, obj in call.store.collection(records)]

    def shape_item(obj: Mapping[str, Any]) -> dict[str, Any]:
        expanded = _expansions(obj, query, records)
        return shape(obj, strip=navigations, select=query.select, expanded=expanded, drop=drop)

    return build_list(call.req, query, items, spec, shape_item, route.path)


def get_item(call: Call) -> GraphResponse:
    """``GET {path}/{id}``: the object, with the fields Graph returns only by id."""
    record, obj = find_object(call)
    query = call.query
    navigations = record_navigations([record])
    check_select(query.select, name_field=record.name_field, entity_set=call.route.path)
    check_expand(query.expand, allowed=set(record.list_expand), navigations=navigations, entity_set=call.route.path)
    _check_nested_expand(query, (record,), call.route.path)
    expanded = _expansions(obj, query, (record,))
    body = {
        "@odata.context": context_url(call.req, f"{call.route.path}/$entity"),
        **shape(obj, strip=navigations, select=query.select, expanded=expanded),
    }
    return GraphResponse(200, body)


def _assignments_of(call: Call) -> tuple[ResourceType, list[dict[str, Any]]]:
    record, obj = find_object(call)
    assignments = obj.get("assignments")
    return record, [a for a in assignments if isinstance(a, dict)] if isinstance(assignments, list) else []


def get_assignments(call: Call) -> GraphResponse:
    """``GET {path}/{id}/assignments``, paged like the record's list."""
    record, assignments = _assignments_of(call)
    entity_set = "assignments"
    check_expand(call.query.expand, allowed=set(), navigations=set(), entity_set=entity_set)
    spec = _intune_spec(call, record, _predicate(call, "", entity_set))
    context = f"{call.route.path}('{call.route.object_id}')/assignments"
    return build_list(
        call.req,
        call.query,
        assignments,
        spec,
        lambda a: shape(a, strip=set(), select=call.query.select),
        context,
    )


def get_assignment(call: Call) -> GraphResponse:
    """``GET {path}/{id}/assignments/{aid}``."""
    _, assignments = _assignments_of(call)
    wanted = call.route.child_id
    for assignment in assignments:
        if assignment.get("id") == wanted:
            body = {
                "@odata.context": context_url(
                    call.req, f"{call.route.path}('{call.route.object_id}')/assignments/$entity"
                ),
                **shape(assignment, strip=set(), select=call.query.select),
            }
            return GraphResponse(200, body)
    raise not_found(call.family, wanted or "")


def _child_items(parent: Mapping[str, Any], child: Child) -> list[dict[str, Any]]:
    items = parent.get(child.name)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _find_child(call: Call, items: list[dict[str, Any]], wanted: str | None) -> dict[str, Any]:
    for item in items:
        if item.get("id") == wanted:
            return item
    raise not_found(call.family, wanted or "")


def _check_child_expand(call: Call, child: Child, items: list[dict[str, Any]]) -> None:
    """400 unless ``$expand`` names the child's own expandable navigation."""
    allowed: set[str] = {child.expand} if child.expand else set()
    if child.name == "settings" and all("settingInstance" in item for item in items):
        allowed.add(SETTING_DEFINITIONS)
    check_expand(call.query.expand, allowed=allowed, navigations=child_navigations(child), entity_set=child.name)


def _expanded_child(call: Call, item: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    expanded: dict[str, Any] = {}
    for name in names:
        if name == SETTING_DEFINITIONS:
            expanded[name] = [dict(d) for d in definitions_for_setting(item, call.store.definitions())]
            continue
        value = item.get(name)
        if isinstance(value, Mapping):
            expanded[name] = shape(value, strip=set())
        elif isinstance(value, list):
            expanded[name] = expand_items(value, set())
        else:
            expanded[name] = [] if name.endswith("s") else None
    return expanded


def _child_response(
    call: Call, record: ResourceType, child: Child, items: list[dict[str, Any]], context: str
) -> GraphResponse:
    _check_child_expand(call, child, items)
    navigations = child_navigations(child)
    spec = _intune_spec(call, record, _predicate(call, "displayName", child.name))

    def shape_item(item: Mapping[str, Any]) -> dict[str, Any]:
        expanded = _expanded_child(call, item, call.query.expand)
        return shape(item, strip=navigations, select=call.query.select, expanded=expanded)

    return build_list(call.req, call.query, items, spec, shape_item, context)


def _single_child(call: Call, child: Child, item: Mapping[str, Any], context: str) -> GraphResponse:
    _check_child_expand(call, child, [dict(item)])
    expanded = _expanded_child(call, item, call.query.expand)
    body = {
        "@odata.context": context_url(call.req, f"{context}/$entity"),
        **shape(item, strip=child_navigations(child), select=call.query.select, expanded=expanded),
    }
    return GraphResponse(200, body)


def get_child_list(call: Call) -> GraphResponse:
    """``GET {path}/{id}/{child}`` and ``…/{child}/{cid}/{grandchild}``: paged like Intune lists."""
    record, parent = find_object(call)
    route = call.route
    assert route.child is not None
    items = _child_items(parent, route.child)
    context = f"{route.path}('{route.object_id}')/{route.child.name}"
    if route.grandchild is None:
        return _child_response(call, record, route.child, items, context)
    child_item = _find_child(call, items, route.child_id)
    context = f"{context}('{route.child_id}')/{route.grandchild.name}"
    return _child_response(call, record, route.grandchild, _child_items(child_item, route.grandchild), context)


def get_child_item(call: Call) -> GraphResponse:
    """``GET {path}/{id}/{child}/{cid}`` and ``…/{grandchild}/{gid}``."""
    _, parent = find_object(call)
    route = call.route
    assert route.child is not None
    child_item = _find_child(call, _child_items(parent, route.child), route.child_id)
    context = f"{route.path}('{route.object_id}')/{route.child.name}"
    if route.grandchild is None:
        return _single_child(call, route.child, child_item, context)
    grandchild_item = _find_child(call, _child_items(child_item, route.grandchild), route.grandchild_id)
    context = f"{context}('{route.child_id}')/{route.grandchild.name}"
    return _single_child(call, route.grandchild, grandchild_item, context)
