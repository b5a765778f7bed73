"""``GET groups/delta``, ``users/delta``, ``devices/delta``: Graph's change tracking for the
directory (group-delta.md, user-delta.md, device-delta.md), group membership included.

A round of delta calls pages through the changes (``@odata.nextLink`` with ``$skiptoken``) and
ends with an ``@odata.deltaLink`` whose ``$deltatoken`` names the state the round ended in; the
next round started from that link returns only what changed since (group-delta.md):

* the first round returns every group; with ``members`` in ``$select``, ``members@delta`` lists
  every member as ``{"@odata.type", "id"}``;
* a later round returns groups created or changed since (the selected properties, as the default
  ``Prefer`` behaviour does), ``members@delta`` holding only added members and removed ones with
  ``"@removed": {"reason": "deleted"}``, and deleted groups as ``{"id", "@removed": {"reason":
  "changed"}}``.

``$deltatoken=latest`` answers one empty page with a deltaLink for the current state: the "sync
from now" delta-query-overview.md documents for resources stored in Entra ID (users, groups,
devices), so a client that read the list itself starts tracking without a full delta round.

Choices (the emulator supports less): only the catalog's records with ``delta_select``; ``$select``
is the only query option besides the tokens (``$filter=id eq`` is not served: 400); a group's members
come in one piece (Graph may split them across pages, which clients must accept); 100 groups a page;
``Prefer: return=minimal`` is ignored (the default behaviour). Tokens are opaque and kept in memory.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from .call import Call
from .directory import DirectoryIndex
from .errors import bad_request
from .listing import context_url
from .protocol import GraphResponse
from .shaping import record_navigations, shape
from .store import DeltaRounds, GroupState

__all__ = ["DELTA_PAGE_SIZE", "get_delta"]

DELTA_PAGE_SIZE = 100
_MEMBERS = "members"
_LATEST = "latest"


def _raw_token(call: Call, name: str) -> str | None:
    for key, value in call.req.query:
        if key.strip().lower().lstrip("$") == name:
            return value
    return None


def _refs(index: DirectoryIndex, group: Mapping[str, Any]) -> frozenset[tuple[str, str]]:
    # Members that exist, as the members navigation serves them (dangling references skipped).
    found = set()
    for member_id in index.member_ids(group):
        entry = index.get(member_id)
        if entry is not None:
            found.add((f"#microsoft.graph.{entry[0]}", member_id))
    return frozenset(found)


def _member_entries(refs: frozenset[tuple[str, str]], removed: bool = False) -> list[dict[str, Any]]:
    extra: dict[str, Any] = {"@removed": {"reason": "deleted"}} if removed else {}
    return [{"@odata.type": kind, "id": member_id, **extra} for kind, member_id in sorted(refs, key=lambda r: r[1])]


def _state(call: Call, select: tuple[str, ...] | None) -> tuple[dict[str, GroupState], dict[str, dict[str, Any]]]:
    record = call.route.records[0]
    strip = record_navigations([record])
    props = [p for p in select if p != _MEMBERS] if select is not None else None
    states: dict[str, GroupState] = {}
    shaped: dict[str, dict[str, Any]] = {}
    index = DirectoryIndex(call)
    for group in call.store.items(record):
        group_id = group.get("id")
        if not isinstance(group_id, str):
            continue
        body = shape(group, strip=strip, select=props)
        shaped[group_id] = body
        states[group_id] = (json.dumps(body, sort_keys=True, default=str), _refs(index, group))
    return states, shaped


def get_delta(call: Call) -> GraphResponse:
    """One page of a delta round (see the module docstring)."""
    query = call.query
    if query.top is not None or query.filter is not None or query.expand or query.count:
        raise bad_request("The emulator serves only $select, $skiptoken and $deltatoken on delta.")
    rounds: DeltaRounds = call.store.delta_rounds
    if query.skiptoken is not None:
        found = rounds.pages.get(query.skiptoken.split(".")[0])
        if found is None:
            raise bad_request("The $skiptoken value is not valid.")
        round_id, _, position_text = query.skiptoken.partition(".")
        position = int(position_text) if position_text.isdigit() else 0
        entries, delta_token = found
    else:
        entries, delta_token = _start_round(call, rounds)
        round_id, position = secrets.token_urlsafe(12), 0
        rounds.pages[round_id] = (entries, delta_token)
    page = entries[position : position + DELTA_PAGE_SIZE]
    base = f"{call.req.base_url}/{call.req.version}/{call.req.path}"
    entity_set = call.route.records[0].path.split("/")[-1]
    body: dict[str, Any] = {"@odata.context": context_url(call.req, entity_set), "value": page}
    if position + DELTA_PAGE_SIZE < len(entries):
        body["@odata.nextLink"] = f"{base}?$skiptoken={round_id}.{position + DELTA_PAGE_SIZE}"
    else:
        body["@odata.deltaLink"] = f"{base}?$deltatoken={delta_token}"
    return GraphResponse(200, body)


def _start_round(call: Call, rounds: DeltaRounds) -> tuple[list[dict[str, Any]], str]:
    token = _raw_token(call, "deltatoken")
    select = call.query.select
    previous: dict[str, GroupState] | None = None
    if token == _LATEST:
        # delta-query-overview.md, "sync from now": no objects, a deltaLink for the current state.
        states, _ = _state(call, select)
        new_token = secrets.token_urlsafe(16)
        rounds.states[new_token] = (select, states)
        return [], new_token
    if token is not None:
        stored = rounds.states.get(token)
        if stored is None:
            raise bad_request("The $deltatoken value is not valid.")
        # The token carries the round's query: a deltaLink needs no $select of its own.
        select, previous = stored
    # group-delta.md: members are tracked by default too; users and devices have no members.
    tracks_members = call.route.records[0].key == "groups" and (select is None or _MEMBERS in select)
    states, shaped = _state(call, select)
    entries: list[dict[str, Any]] = []
    for group_id, (props, refs) in states.items():
        before = previous.get(group_id) if previous is not None else None
        if before == (props, refs):
            continue
        entry = dict(shaped[group_id])
        if tracks_members:
            if before is None:
                entry["members@delta"] = _member_entries(refs)
            else:
                changes = _member_entries(refs - before[1]) + _member_entries(before[1] - refs, removed=True)
                if changes:
                    entry["members@delta"] = changes
        entries.append(entry)
    for group_id in previous or {}:
        if group_id not in states:
            entries.append({"id": group_id, "@removed": {"reason": "changed"}})
    new_token = secrets.token_urlsafe(16)
    rounds.states[new_token] = (select, states)
    return entries, new_token
