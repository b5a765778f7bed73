"""Path resolution from the catalog: every route comes from a record, none from per-type code.

``/beta`` serves every record, ``/v1.0`` only records with ``api_version == "v1.0"`` or ``in_v1``.
Under a record's path the emulator serves the collection, ``/{id}``, ``/{id}/assign`` (records
with an assign body key), ``/{id}/assignments`` (records whose assignments are read from Graph),
``/{id}/{child}[/{cid}[/{grandchild}[/{gid}]]]`` for the record's ``children``, and for directory
records ``memberOf``/``transitiveMemberOf`` (plus ``members``, ``transitiveMembers`` and
``members/$ref`` on records with a ``members`` child). ``directoryObjects/getByIds`` is the one
route without a record. Graph paths the catalog does not read come from ``beyond_catalog``; path
segments match without regard to case (``Router.canonical``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from ...catalog import AssignmentRead, Catalog, Child, Kind, ResourceType
from . import beyond_catalog
from .errors import GraphError, no_route, segment_not_found
from .protocol import Version

__all__ = ["ASSIGNMENT_READS", "Route", "RouteKind", "Router"]

ASSIGNMENT_READS = (AssignmentRead.LIST_EXPAND, AssignmentRead.PER_ITEM)
GET_BY_IDS = ("directoryObjects", "getByIds")
_SINGLETONS = frozenset({"deviceManagement", "deviceAppManagement", "identity", "tenantRelationships"})


class RouteKind(StrEnum):
    """What a resolved path addresses."""

    COLLECTION = "collection"
    ITEM = "item"
    ASSIGN = "assign"
    ASSIGNMENTS = "assignments"
    ASSIGNMENT_ITEM = "assignment item"
    CHILD_LIST = "child list"
    CHILD_ITEM = "child item"
    GRANDCHILD_LIST = "grandchild list"
    GRANDCHILD_ITEM = "grandchild item"
    DIRECTORY_NAV = "directory navigation"
    MEMBER_REF = "member $ref"
    MEMBER_REF_ITEM = "member item $ref"
    GET_BY_IDS = "getByIds"
    DELTA = "delta"
    SINGLETON = "singleton"
    CREATE_INSTANCE = "createInstance"


@dataclass(frozen=True)
class Route:
    """A resolved path: the records at its collection path and the ids/navigations below it."""

    kind: RouteKind
    path: str
    records: tuple[ResourceType, ...]
    template: str
    object_id: str | None = None
    child: Child | None = None
    child_id: str | None = None
    grandchild: Child | None = None
    grandchild_id: str | None = None
    nav: str | None = None
    member_id: str | None = None

    @property
    def record(self) -> ResourceType:
        """The first record at the path (all records at one path share scopes and paging)."""
        return self.records[0]

    @property
    def is_directory(self) -> bool:
        """True for users, groups, devices and directoryObjects routes."""
        return self.kind is RouteKind.GET_BY_IDS or any(r.kind is Kind.DIRECTORY for r in self.records)


def serves(record: ResourceType, version: Version) -> bool:
    """Whether ``/{version}`` serves ``record``."""
    return version == "beta" or record.api_version == "v1.0" or record.in_v1


def _template(segment_kinds: Iterable[str]) -> str:
    return "~/" + "/".join(segment_kinds)


def _children(records: tuple[ResourceType, ...]) -> dict[str, Child]:
    found: dict[str, Child] = {}
    for record in records:
        for child in (*record.children, *beyond_catalog.EXTRA_CHILDREN.get(record.key, ())):
            found.setdefault(child.name, child)
    return found


# Segments below a record path that are names, not ids (matched without regard to case).
_NAVIGATION_WORDS = ("assign", "assignments", "members", "transitiveMembers", "memberOf", "transitiveMemberOf", "$ref")
# The tenant alias some clients put before a path (``/v1.0/myorganization/applications``).
_TENANT_ALIAS = "myorganization"


def _navigation_names(catalog: Catalog) -> dict[str, str]:
    names = {word.lower(): word for word in _NAVIGATION_WORDS}

    def add(children: Iterable[Child]) -> None:
        for child in children:
            names.setdefault(child.name.lower(), child.name)
            add(child.children)

    for record in catalog:
        add(record.children)
    for extra in beyond_catalog.EXTRA_CHILDREN.values():
        add(extra)
    return names


class Router:
    """Resolves paths (without the version) against the catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._paths: dict[Version, dict[tuple[str, ...], tuple[ResourceType, ...]]] = {}
        self._prefixes: dict[Version, set[tuple[str, ...]]] = {}
        # Lower-cased path → its spelling in Graph's metadata (paths are not case-sensitive).
        self._spelling: dict[tuple[str, ...], tuple[str, ...]] = {tuple(s.lower() for s in GET_BY_IDS): GET_BY_IDS}
        self._navigation_names = _navigation_names(catalog)
        for version in ("v1.0", "beta"):
            by_path: dict[tuple[str, ...], list[ResourceType]] = {}
            for record in catalog:
                if serves(record, version):
                    by_path.setdefault(tuple(record.path.split("/")), []).append(record)
            for record in beyond_catalog.RECORDS:
                path = tuple(record.path.split("/"))
                if serves(record, version) and path not in by_path:
                    by_path[path] = [record]
            for alias, keys in beyond_catalog.ALIASES.items():
                members = [catalog[k] for k in keys if k in catalog and serves(catalog[k], version)]
                if members and tuple(alias.split("/")) not in by_path:
                    by_path[tuple(alias.split("/"))] = members
            self._paths[version] = {path: tuple(records) for path, records in by_path.items()}
            prefixes = {path[: i + 1] for path in by_path for i in range(len(path))}
            prefixes.update({GET_BY_IDS[:1], GET_BY_IDS})
            self._prefixes[version] = prefixes
            for prefix in prefixes:
                self._spelling.setdefault(tuple(s.lower() for s in prefix), prefix)

    def canonical(self, segments: list[str]) -> list[str]:
        """``segments`` spelled as Graph's metadata spells them; ids are kept as they are.

        Graph matches path segments without regard to case (``devicemanagement/deviceconfigurations``)
        and accepts the ``myorganization`` tenant alias before a path.
        """
        if segments and segments[0].lower() == _TENANT_ALIAS:
            segments = segments[1:]
        lowered = [s.lower() for s in segments]
        matched = 0
        for length in range(len(segments), 0, -1):
            if tuple(lowered[:length]) in self._spelling:
                matched = length
                break
        out = [*self._spelling[tuple(lowered[:matched])], *segments[matched:]] if matched else list(segments)
        for index in range(matched, len(out)):
            # Below a record path ids and navigation names alternate; "$ref" may follow an id.
            if (index - matched) % 2 == 1 or lowered[index] == "$ref":
                out[index] = self._navigation_names.get(lowered[index], out[index])
        return out

    def records_at(self, version: Version, path: str) -> tuple[ResourceType, ...]:
        """Records served at exactly ``path``."""
        return self._paths[version].get(tuple(path.strip("/").split("/")), ())

    def route_keys(self, version: Version, segments: list[str]) -> tuple[str, ...]:
        """Catalog keys of the longest record path that prefixes ``segments`` (for fault routes)."""
        match = self._longest(version, segments)
        return tuple(r.key for r in self._paths[version][match]) if match else ()

    def _longest(self, version: Version, segments: list[str]) -> tuple[str, ...] | None:
        best: tuple[str, ...] | None = None
        for path in self._paths[version]:
            if tuple(segments[: len(path)]) == path and (best is None or len(path) > len(best)):
                best = path
        return best

    def resolve(self, version: Version, segments: list[str]) -> Route:
        """The route for ``segments``; 400 for unknown segments, as Graph answers."""
        if tuple(segments) == GET_BY_IDS:
            return Route(RouteKind.GET_BY_IDS, "/".join(segments), (), _template(["entityset", "action"]))
        match = self._longest(version, segments)
        if match is None:
            for i in range(len(segments)):
                if tuple(segments[: i + 1]) not in self._prefixes[version]:
                    raise segment_not_found(segments[i])
            raise no_route("GET", _template(["singleton"] * len(segments)))
        records = self._paths[version][match]
        path = "/".join(match)
        if len(records) == 1 and (
            records[0].singleton
            or (
                records[0] in beyond_catalog.RECORDS
                and (records[0].key in beyond_catalog.SINGLETONS or records[0].key in beyond_catalog.PROPERTIES)
            )
        ):
            if len(segments) > len(match):
                raise segment_not_found(segments[len(match)])
            return Route(RouteKind.SINGLETON, path, records, _template(["singleton", "navigation"]))
        kinds = ["singleton" if match[0] in _SINGLETONS else "entityset"] + ["navigation"] * (len(match) - 1)
        return self._resolve_below(path, records, kinds, segments[len(match) :])

    def _resolve_below(self, path: str, records: tuple[ResourceType, ...], kinds: list[str], rest: list[str]) -> Route:
        if not rest:
            return Route(RouteKind.COLLECTION, path, records, _template(kinds))
        object_id = rest[0]
        if object_id.startswith("$"):
            raise segment_not_found(object_id)
        if rest == ["delta"] and any(r.delta_select for r in records):
            # The delta function (group-delta.md); "delta" is never a group id (ids are GUIDs).
            return Route(RouteKind.DELTA, path, records, _template([*kinds, "function"]))
        kinds = [*kinds, "key"]
        if len(rest) == 1:
            return Route(RouteKind.ITEM, path, records, _template(kinds), object_id=object_id)
        segment = rest[1]
        n = len(rest)

        item = Route(RouteKind.ITEM, path, records, "", object_id=object_id)

        def route(kind: RouteKind, extra: list[str], **fields: Any) -> Route:
            return replace(item, kind=kind, template=_template([*kinds, *extra]), **fields)

        record = records[0]
        if segment == "assign" and n == 2:
            return route(RouteKind.ASSIGN, ["action"])
        if segment == "createInstance" and n == 2 and record.key == "securityTemplates":
            return route(RouteKind.CREATE_INSTANCE, ["action"])
        if segment == "assignments" and record.assignments in ASSIGNMENT_READS:
            if n == 2:
                return route(RouteKind.ASSIGNMENTS, ["navigation"])
            if n == 3:
                return route(RouteKind.ASSIGNMENT_ITEM, ["navigation", "key"], child_id=rest[2])
            raise segment_not_found(rest[3])
        children = _children(records)
        if record.kind is Kind.DIRECTORY:
            group_like = "members" in children
            navs = {"memberOf", "transitiveMemberOf"} | ({"members", "transitiveMembers"} if group_like else set())
            if segment in navs:
                if n == 2:
                    return route(RouteKind.DIRECTORY_NAV, ["navigation"], nav=segment)
                if segment == "members" and n == 3 and rest[2] == "$ref":
                    return route(RouteKind.MEMBER_REF, ["navigation", "$ref"], nav=segment)
                if segment == "members" and n == 4 and rest[3] == "$ref":
                    return route(
                        RouteKind.MEMBER_REF_ITEM,
                        ["navigation", "key", "$ref"],
                        nav=segment,
                        member_id=rest[2],
                    )
                raise segment_not_found(rest[2])
        child = children.get(segment)
        if child is None:
            raise segment_not_found(segment)
        if n == 2:
            return route(RouteKind.CHILD_LIST, ["navigation"], child=child)
        if n == 3:
            return route(RouteKind.CHILD_ITEM, ["navigation", "key"], child=child, child_id=rest[2])
        grandchild = next((g for g in child.children if g.name == rest[3]), None)
        if grandchild is None:
            raise segment_not_found(rest[3])
        base = ["navigation", "key", "navigation"]
        if n == 4:
            return route(RouteKind.GRANDCHILD_LIST, base, child=child, child_id=rest[2], grandchild=grandchild)
        if n == 5:
            return route(
                RouteKind.GRANDCHILD_ITEM,
                [*base, "key"],
                child=child,
                child_id=rest[2],
                grandchild=grandchild,
                grandchild_id=rest[4],
            )
        raise segment_not_found(rest[5])


def wrong_verb(method: str, route: Route) -> GraphError:
    """The 400 Graph gives for a verb the route does not take."""
    return no_route(method, route.template)
