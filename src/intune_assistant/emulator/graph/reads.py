"""GET handlers for catalog routes: lists, items, assignments, children and grandchildren."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...catalog import Child, ResourceType, entity_type_of
from . import beyond_catalog
from .call import Call
from .errors import not_found
from .filtering import FilterRules, Predicate, compile_filter
from .listing import CountMode, ListSpec, build_list, context_url, directory_count
from .paging import directory_page_size, intune_page_size
from .properties import known_properties
from .protocol import GraphResponse
from .query import QueryOptions
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
)

__all__ = [
    "find_object",
    "get_assignment",
    "get_assignments",
    "get_child_item",
    "get_child_list",
    "get_collection",
    "get_item",
    "get_singleton",
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


# Observed refusals Graph makes on particular lists (shared/reference graph-paging-and-queries §3).
_NO_STRING_FUNCTIONS = frozenset({"deviceManagement/deviceCompliancePolicies"})
# Item ``$expand`` Graph answers with an empty collection (microsoft-graph-docs#19655): the values
# are read from ``/{id}/definitionValues`` instead.
_EMPTY_ITEM_EXPANDS = frozenset({("deviceManagement/groupPolicyConfigurations", "definitionValues")})
# Item ``$expand=assignments`` on configurationPolicies answers ``[]`` for the endpoint-security
# template families while the list's expand is right (msgraph-sdk-powershell#3337, open, labelled
# "Service issue"): (path, navigation) → (property path, value prefix) of the affected objects.
_EMPTY_ITEM_EXPANDS_FOR = {
    ("deviceManagement/configurationPolicies", "assignments"): (
        "templateReference",
        "templateFamily",
        "endpointSecurity",
    )
}


def _empty_on_item(path: str, name: str, obj: Mapping[str, Any]) -> bool:
    if (path, name) in _EMPTY_ITEM_EXPANDS:
        return True
    affected = _EMPTY_ITEM_EXPANDS_FOR.get((path, name))
    if affected is None:
        return False
    holder, field, prefix = affected
    inner = obj.get(holder)
    value = inner.get(field) if isinstance(inner, Mapping) else None
    return isinstance(value, str) and value.startswith(prefix)


def _predicate(
    call: Call, items: Sequence[Mapping[str, Any]], entity_set: str, navigations: set[str], name_field: str
) -> Predicate | None:
    if call.query.filter is None:
        return None
    rules = FilterRules(
        type_name=entity_type_of(entity_set),
        known_property=known_properties(items, navigations=navigations, name_field=name_field),
        string_functions=call.route.path not in _NO_STRING_FUNCTIONS,
        case_insensitive=call.route.is_directory,
    )
    return compile_filter(call.query.filter, rules)


def _check_select(
    call: Call, items: Sequence[Mapping[str, Any]], navigations: set[str], name_field: str, entity_set: str
) -> None:
    query = call.query
    if query.select is not None or query.orderby:
        known = known_properties(items, navigations=navigations, name_field=name_field)
        check_select(query.select, known=known, entity_set=entity_set)
        check_select([path for path, _ in query.orderby], known=known, entity_set=entity_set)


def _intune_spec(call: Call, record: ResourceType, predicate: Predicate | None) -> ListSpec:
    return ListSpec(
        size=intune_page_size(record.page_size, record.max_page_size, call.query.top),
        count=CountMode.PER_PAGE,
        predicate=predicate,
        filter_after_paging=call.options.filter_after_paging,
        trailing_empty_page=call.options.trailing_empty_page,
    )


def _children_by_name(records: Sequence[ResourceType]) -> dict[str, Child]:
    return {child.name: child for record in records for child in record.children}


def _expansions(
    call: Call, obj: Mapping[str, Any], records: Sequence[ResourceType], *, item_get: bool = False
) -> dict[str, Any]:
    """The expanded navigations of ``obj``, each collection preceded by its ``@odata.context``."""
    query = call.query
    children = _children_by_name(records)
    nested = dict(query.nested_expand)
    owner = f"{call.route.path}('{obj.get('id')}')"
    expanded: dict[str, Any] = {}
    for name in query.expand:
        child = children.get(name)
        inner = nested.get(name, ())
        strip = child_navigations(child) if child is not None else set()
        items = obj.get(name)
        if item_get and _empty_on_item(call.route.path, name, obj):
            items = []
        values = expand_items(items, strip - set(inner))
        for index, value in enumerate(values):
            for inner_name in inner:
                context = f"{owner}/{name}('{value.get('id')}')/{inner_name}"
                value = annotated(value, inner_name, context_url(call.req, context))
            values[index] = value
        expanded[f"{name}@odata.context"] = context_url(call.req, f"{owner}/{name}")
        expanded[name] = values
    return expanded


def annotated(obj: Mapping[str, Any], name: str, context: str) -> dict[str, Any]:
    """``obj`` with ``name@odata.context`` just before the collection ``name`` (when it is one)."""
    if not isinstance(obj.get(name), list):
        return dict(obj)
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key == name:
            out[f"{name}@odata.context"] = context
        out[key] = value
    return out


def _check_nested_expand(query: QueryOptions, records: Sequence[ResourceType], entity_set: str) -> None:
    """400 unless each nested ``$expand`` names a navigation of the expanded child."""
    children = _children_by_name(records)
    for name, inner in query.nested_expand:
        child = children.get(name)
        navigations = child_navigations(child) if child is not None else set()
        check_expand(inner, allowed=navigations - {SETTING_DEFINITIONS}, navigations=set(), entity_set=name)


def get_collection(call: Call) -> GraphResponse:
    """``GET {path}``: one page of the record(s) at the path."""
    route, query = call.route, call.query
    records, record = route.records, route.record
    navigations = record_navigations(records)
    items = [obj for _, obj in call.store.collection(records)]
    _check_select(call, items, navigations, record.name_field, route.path)
    check_expand(query.expand, allowed=navigations, navigations=navigations, entity_set=route.path)
    _check_nested_expand(query, records, route.path)
    predicate = _predicate(call, items, route.path, navigations, record.name_field)
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

    def shape_item(obj: Mapping[str, Any]) -> dict[str, Any]:
        expanded = _expansions(call, obj, records)
        return shape(obj, strip=navigations, select=query.select, expanded=expanded, drop=drop)

    return build_list(call.req, query, items, spec, shape_item, route.path)


def get_item(call: Call) -> GraphResponse:
    """``GET {path}/{id}``: the object, with the fields Graph returns only by id."""
    record, obj = find_object(call)
    query = call.query
    navigations = record_navigations([record])
    _check_select(call, call.store.items(record), navigations, record.name_field, call.route.path)
    check_expand(query.expand, allowed=navigations, navigations=navigations, entity_set=call.route.path)
    _check_nested_expand(query, (record,), call.route.path)
    expanded = _expansions(call, obj, (record,), item_get=True)
    body = {
        "@odata.context": context_url(call.req, f"{call.route.path}/$entity"),
        **shape(obj, strip=navigations, select=query.select, expanded=expanded),
    }
    return GraphResponse(200, body)


def get_singleton(call: Call) -> GraphResponse:
    """``GET {singleton}``: the tenant's object, Graph's default, or 404 when it is not set."""
    record = call.route.record
    owner = beyond_catalog.PROPERTIES.get(record.key)
    source = call.router.catalog[owner[0]] if owner is not None and owner[0] in call.router.catalog else record
    stored = call.store.items(source)
    obj: Mapping[str, Any] | None = stored[0] if stored else beyond_catalog.SINGLETONS.get(source.key)
    if obj is not None and owner is not None:
        # A property of the singleton (``deviceManagement/settings``): its value alone.
        value = obj.get(owner[1])
        obj = value if isinstance(value, Mapping) else None
    if obj is None:
        raise not_found(call.family, call.route.path.rsplit("/", 1)[-1])
    _check_select(call, [obj], set(), record.name_field, call.route.path)
    check_expand(call.query.expand, allowed=set(), navigations=set(), entity_set=call.route.path)
    # OData context URLs (JSON format §10): a singleton is named alone (``#deviceManagement``), a
    # complex property by its path, a single-valued navigation's entity with ``/$entity``.
    path = call.route.path
    fragment = path if owner is not None or "/" not in path else f"{path}/$entity"
    body = {
        "@odata.context": context_url(call.req, fragment),
        **shape(obj, strip=set(), select=call.query.select),
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
    _check_select(call, assignments, set(), "", entity_set)
    spec = _intune_spec(call, record, _predicate(call, assignments, entity_set, set(), ""))
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
    """400 unless ``$expand`` names navigations of the child's items (any of them, as on Graph)."""
    allowed = child_navigations(child)
    if not (child.name == "settings" and all("settingInstance" in item for item in items)):
        allowed.discard(SETTING_DEFINITIONS)
    check_expand(call.query.expand, allowed=allowed, navigations=child_navigations(child), entity_set=child.name)


def _expanded_child(call: Call, item: Mapping[str, Any], names: tuple[str, ...], context: str) -> dict[str, Any]:
    """Expanded navigations of a child item; collections carry their ``@odata.context``."""
    expanded: dict[str, Any] = {}
    for name in names:
        value = item.get(name)
        if name == SETTING_DEFINITIONS:
            value = [dict(d) for d in definitions_for_setting(item, call.store.definitions())]
        if isinstance(value, Mapping):
            expanded[name] = shape(value, strip=set())
            continue
        if value is None and not name.endswith("s"):
            expanded[name] = None
            continue
        expanded[f"{name}@odata.context"] = context_url(call.req, f"{context}('{item.get('id')}')/{name}")
        expanded[name] = expand_items(value, set())
    return expanded


def _child_response(
    call: Call, record: ResourceType, child: Child, items: list[dict[str, Any]], context: str
) -> GraphResponse:
    _check_child_expand(call, child, items)
    navigations = child_navigations(child)
    _check_select(call, items, navigations, "displayName", child.name)
    spec = _intune_spec(call, record, _predicate(call, items, child.name, navigations, "displayName"))

    def shape_item(item: Mapping[str, Any]) -> dict[str, Any]:
        expanded = _expanded_child(call, item, call.query.expand, context)
        return shape(item, strip=navigations, select=call.query.select, expanded=expanded)

    return build_list(call.req, call.query, items, spec, shape_item, context)


def _single_child(call: Call, child: Child, item: Mapping[str, Any], context: str) -> GraphResponse:
    _check_child_expand(call, child, [dict(item)])
    _check_select(call, [item], child_navigations(child), "displayName", child.name)
    expanded = _expanded_child(call, item, call.query.expand, context)
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
