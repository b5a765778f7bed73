"""Dispatch: route → operation for the verb → authorization → handler.

Authorization follows Graph's order: the token's delegated scopes first (the record's
``accepts_read``/``accepts_write``), then the user's role: Intune answers a user with no Intune role
with its doubly wrapped 403, and a write by anyone but an administrator with "User is not
authorized to perform this operation".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ...catalog import Kind, ResourceType
from ...catalog.creation import CREATION
from . import delta, directory, reads, writes
from .call import Call
from .errors import Family, family_of, forbidden_no_intune_role, forbidden_role, forbidden_scopes
from .options import EmulatorOptions
from .protocol import Caller, GraphRequest, GraphResponse
from .query import parse_query
from .routing import Route, RouteKind, Router, serves, wrong_verb
from .store import TenantStore
from .validation import inline_children

__all__ = ["Operation", "dispatch", "select_operation"]

Handler = Callable[[Call], GraphResponse]


@dataclass(frozen=True)
class Operation:
    """The handler for a (route, verb) and whether it changes data."""

    handler: Handler
    write: bool = False


_OPERATIONS: dict[tuple[RouteKind, str], Operation] = {
    (RouteKind.COLLECTION, "GET"): Operation(reads.get_collection),
    (RouteKind.COLLECTION, "POST"): Operation(writes.create, write=True),
    (RouteKind.ITEM, "GET"): Operation(reads.get_item),
    (RouteKind.ITEM, "PATCH"): Operation(writes.update, write=True),
    (RouteKind.ITEM, "DELETE"): Operation(writes.delete, write=True),
    (RouteKind.ITEM, "PUT"): Operation(writes.replace_object, write=True),
    (RouteKind.CHILD_LIST, "POST"): Operation(writes.create_child, write=True),
    (RouteKind.CREATE_INSTANCE, "POST"): Operation(writes.create_instance, write=True),
    (RouteKind.ASSIGN, "POST"): Operation(writes.assign, write=True),
    (RouteKind.ASSIGNMENTS, "GET"): Operation(reads.get_assignments),
    (RouteKind.ASSIGNMENTS, "POST"): Operation(writes.post_assignment, write=True),
    (RouteKind.ASSIGNMENT_ITEM, "GET"): Operation(reads.get_assignment),
    (RouteKind.ASSIGNMENT_ITEM, "DELETE"): Operation(writes.delete_assignment, write=True),
    (RouteKind.ASSIGNMENT_ITEM, "PATCH"): Operation(writes.patch_assignment, write=True),
    (RouteKind.DELTA, "GET"): Operation(delta.get_delta),
    (RouteKind.CHILD_LIST, "GET"): Operation(reads.get_child_list),
    (RouteKind.GRANDCHILD_LIST, "GET"): Operation(reads.get_child_list),
    (RouteKind.CHILD_ITEM, "GET"): Operation(reads.get_child_item),
    (RouteKind.GRANDCHILD_ITEM, "GET"): Operation(reads.get_child_item),
    (RouteKind.DIRECTORY_NAV, "GET"): Operation(directory.get_navigation),
    (RouteKind.MEMBER_REF, "POST"): Operation(directory.add_member, write=True),
    (RouteKind.MEMBER_REF_ITEM, "DELETE"): Operation(directory.remove_member, write=True),
    (RouteKind.GET_BY_IDS, "POST"): Operation(directory.get_by_ids),
    (RouteKind.SINGLETON, "GET"): Operation(reads.get_singleton),
}


_MEMBER_WRITE_SCOPES = frozenset({"GroupMember.ReadWrite.All", "Directory.ReadWrite.All"})


def _offered(route: Route, method: str) -> bool:
    """Whether the catalog offers this write on the route's records."""
    records = route.records
    if route.kind is RouteKind.COLLECTION and method == "POST":
        return any(r.write.create for r in records)
    if route.kind is RouteKind.ITEM and method == "PATCH":
        return any(r.write.update for r in records)
    if route.kind is RouteKind.ITEM and method == "DELETE":
        return any(r.write.delete for r in records)
    if route.kind is RouteKind.ITEM and method == "PUT":
        return any(r.write.update and "settings" in (inline_children(r) or ()) for r in records)
    if route.kind is RouteKind.CHILD_LIST and method == "POST":
        creation = CREATION.get(records[0].key)
        return creation is not None and route.child is not None and route.child.name in creation.children_posted
    if route.kind is RouteKind.ASSIGN:
        return any(r.write.assign_body_key for r in records)
    if route.kind in (RouteKind.ASSIGNMENTS, RouteKind.ASSIGNMENT_ITEM) and method != "GET":
        return any(r.write.assign_by_post or r.write.assign_body_key for r in records)
    if route.kind in (RouteKind.MEMBER_REF, RouteKind.MEMBER_REF_ITEM):
        return any(r.write_scope for r in records)
    return True


def select_operation(route: Route, method: str) -> Operation:
    """The operation for ``method`` on ``route``; Graph's "No method match" 400 otherwise."""
    operation = _OPERATIONS.get((route.kind, method))
    if operation is None or not _offered(route, method):
        raise wrong_verb(method, route)
    return operation


def _scope_records(route: Route, router: Router, req: GraphRequest) -> tuple[ResourceType, ...]:
    if route.kind is RouteKind.GET_BY_IDS:
        return tuple(r for r in router.catalog if r.kind is Kind.DIRECTORY and serves(r, req.version))
    if route.kind is RouteKind.CREATE_INSTANCE:
        # createInstance makes an intent: the intents' scopes decide.
        return (router.catalog["securityIntents"],)
    return route.records


def _named(scopes: Iterable[str | None]) -> list[str]:
    return [s for s in dict.fromkeys(scopes) if s]


def authorize(
    caller: Caller, route: Route, operation: Operation, family: Family, records: tuple[ResourceType, ...]
) -> None:
    """Raise the 403 Graph would give ``caller`` for ``operation``; return if allowed."""
    scopes = caller.scopes
    if operation.write:
        # group-post-members.md / group-delete-members.md: GroupMember.ReadWrite.All is the least
        # privileged delegated permission; Group.ReadWrite.All and Directory.ReadWrite.All also work.
        member_write = route.kind in (RouteKind.MEMBER_REF, RouteKind.MEMBER_REF_ITEM) and bool(
            scopes & _MEMBER_WRITE_SCOPES
        )
        if not member_write and not any(r.accepts_write(scopes) for r in records):
            raise forbidden_scopes(family, _named(r.write_scope for r in records))
    elif not any(r.accepts_read(scopes) for r in records):
        named = _named(s for r in records for s in (r.read_scope, r.write_scope, *r.also_accepted_scopes))
        raise forbidden_scopes(family, named)
    if family is Family.INTUNE and caller.role == "none":
        raise forbidden_no_intune_role()
    if operation.write and caller.role != "admin":
        raise forbidden_role(family)


def dispatch(
    req: GraphRequest, caller: Caller, store: TenantStore, router: Router, options: EmulatorOptions
) -> GraphResponse:
    """Answer one request (raises ``GraphError`` for error answers)."""
    route = router.resolve(req.version, req.segments)
    operation = select_operation(route, req.method)
    authorize(caller, route, operation, family_of(req.path), _scope_records(route, router, req))
    pairs = req.query
    if route.kind is RouteKind.DELTA:
        # $deltatoken is a state token the delta handler reads itself (400 everywhere else).
        pairs = tuple(p for p in pairs if p[0].strip().lower().lstrip("$") != "deltatoken")
    query = parse_query(pairs, req.version)
    call = Call(req=req, caller=caller, store=store, router=router, options=options, route=route, query=query)
    return operation.handler(call)
