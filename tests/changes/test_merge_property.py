"""Property tests of read-merge-write: for any assignment set and any list of changes, the set
written is current − removed + added, every untouched assignment is the very object read (unknown
fields included), and merging twice equals merging once."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from intune_assistant.analyses.assignments import APP_INTENTS, FilterMode, TargetKind
from intune_assistant.changes import (
    AssignmentChange,
    AssignTarget,
    ChangeAction,
    Direction,
    ObjectKey,
    merge_assignments,
    signature,
    target_key,
)
from intune_assistant.changes.merge import change_signature

GROUPS = ("g1", "g2", "g3", "g4", "g5")
FILTERS = ("f1", "f2")
OBJECT = ObjectKey("settingsCatalog", "p1")

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=5))
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=6,
)
targets = st.one_of(
    st.sampled_from(GROUPS).map(AssignTarget.group),
    st.just(AssignTarget.all_users()),
    st.just(AssignTarget.all_devices()),
)


@st.composite
def read_assignment(draw: st.DrawFn, target: AssignTarget, app: bool) -> dict[str, Any]:
    """An assignment as Graph returns it, with fields the product knows nothing about."""
    exclude = target.kind is TargetKind.GROUP and draw(st.booleans())
    odata = {
        (TargetKind.GROUP, False): "#microsoft.graph.groupAssignmentTarget",
        (TargetKind.GROUP, True): "#microsoft.graph.exclusionGroupAssignmentTarget",
        (TargetKind.ALL_USERS, False): "#microsoft.graph.allLicensedUsersAssignmentTarget",
        (TargetKind.ALL_DEVICES, False): "#microsoft.graph.allDevicesAssignmentTarget",
    }[(target.kind, exclude)]
    body: dict[str, Any] = {"@odata.type": odata, "x-unknown": draw(json_value)}
    if target.group_id:
        body["groupId"] = target.group_id
    body["deviceAndAppManagementAssignmentFilterId"] = draw(st.sampled_from((None, *FILTERS)))
    body["deviceAndAppManagementAssignmentFilterType"] = draw(st.sampled_from(("none", "include", "exclude")))
    assignment: dict[str, Any] = {
        "id": f"p1_{target.group_id or target.kind.value}",
        "source": draw(st.sampled_from(("direct", "policySets"))),
        "target": body,
        "somethingNew": draw(json_value),
    }
    if app:
        assignment["intent"] = draw(st.sampled_from(APP_INTENTS))
        assignment["settings"] = draw(json_value)
    return assignment


@st.composite
def current_set(draw: st.DrawFn, app: bool) -> list[dict[str, Any]]:
    chosen = draw(st.lists(targets, unique_by=lambda t: (t.kind, t.group_id), max_size=6))
    return [draw(read_assignment(t, app)) for t in chosen]


@st.composite
def change(draw: st.DrawFn, app: bool, actions: tuple[ChangeAction, ...]) -> AssignmentChange:
    target = draw(targets)
    action = draw(st.sampled_from(actions))
    exclude = target.kind is TargetKind.GROUP and draw(st.booleans())
    filter_id = None if exclude else draw(st.sampled_from((None, *FILTERS)))
    mode = draw(st.sampled_from((FilterMode.INCLUDE, FilterMode.EXCLUDE))) if filter_id else None
    return AssignmentChange(
        OBJECT,
        action,
        target,
        Direction.EXCLUDE if exclude else Direction.INCLUDE,
        filter_id,
        mode,
        draw(st.sampled_from(APP_INTENTS)) if app else None,
    )


def _key(target: AssignTarget) -> tuple[str, str]:
    return (target.kind.value, target.group_id or "")


def _same_objects(result: list[Mapping[str, Any]], expected: list[Mapping[str, Any]]) -> bool:
    return len(result) == len(expected) and all(a is b for a, b in zip(result, expected, strict=True))


@settings(max_examples=300, deadline=None)
@given(data=st.data(), app=st.booleans())
def test_written_set_is_current_minus_removed_plus_added(data: st.DataObject, app: bool) -> None:
    current = data.draw(current_set(app))
    original_text = json.dumps(current, sort_keys=True)
    changes = data.draw(st.lists(change(app, (ChangeAction.ADD, ChangeAction.REMOVE)), max_size=8))

    merged = merge_assignments(current, changes, app=app)

    # The model: walk the changes in order over target → ("read", assignment) | ("new", signature).
    state: dict[tuple[str, str], tuple[str, Any]] = {target_key(a): ("read", a) for a in current}
    for c in changes:
        assert c.target is not None
        key = _key(c.target)
        if c.action is ChangeAction.REMOVE:
            state.pop(key, None)
            continue
        wanted = change_signature(c, app=app)
        held = state.get(key)
        if held is not None and held[0] == "read" and signature(held[1], app=app) == wanted:
            continue
        if held is not None and held[0] == "new" and held[1] == wanted:
            continue
        state[key] = ("new", wanted)

    assert sorted(target_key(a) for a in merged) == sorted(state)
    touched = {_key(c.target) for c in changes if c.target is not None}
    by_key = {target_key(a): a for a in merged}
    for key, (origin, value) in state.items():
        if origin == "read":
            assert by_key[key] is value  # written back as the very object read
        else:
            assert signature(by_key[key], app=app) == value
    untouched_in_order = [a for a in current if target_key(a) not in touched]
    assert [a for a in merged if target_key(a) not in touched] == untouched_in_order
    assert _same_objects([a for a in merged if target_key(a) not in touched], untouched_in_order)
    # Nothing read was changed in place, unknown fields included.
    assert json.dumps(current, sort_keys=True) == original_text


@settings(max_examples=300, deadline=None)
@given(data=st.data(), app=st.booleans())
def test_merging_twice_equals_merging_once(data: st.DataObject, app: bool) -> None:
    current = data.draw(current_set(app))
    actions = (ChangeAction.ADD, ChangeAction.REMOVE, ChangeAction.REPLACE_ALL)
    raw = data.draw(st.lists(change(app, actions), max_size=8))
    # One target per object and no mixing: what plan_assignments lets through.
    replace = [c for c in raw if c.action is ChangeAction.REPLACE_ALL]
    pool = replace if replace and data.draw(st.booleans()) else [c for c in raw if c not in replace]
    changes = list({_key(c.target): c for c in pool if c.target is not None}.values())

    once = merge_assignments(current, changes, app=app)
    twice = merge_assignments(once, changes, app=app)

    assert _same_objects(twice, once)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), app=st.booleans())
def test_replace_all_sets_exactly_the_listed_targets_keeping_identical_ones(data: st.DataObject, app: bool) -> None:
    current = data.draw(current_set(app))
    raw = data.draw(st.lists(change(app, (ChangeAction.REPLACE_ALL,)), max_size=6))
    changes = list({_key(c.target): c for c in raw if c.target is not None}.values())
    # No listed target: a replace-all without one (the object ends unassigned).
    changes = changes or [AssignmentChange(OBJECT, ChangeAction.REPLACE_ALL, None)]

    merged = merge_assignments(current, changes, app=app)

    assert [target_key(a) for a in merged] == [_key(c.target) for c in changes if c.target is not None]
    read = {target_key(a): a for a in current}
    listed = [c for c in changes if c.target is not None]
    for c, written in zip(listed, merged, strict=True):
        assert signature(written, app=app) == change_signature(c, app=app)
        assert c.target is not None
        same = read.get(_key(c.target))
        if same is not None and signature(same, app=app) == change_signature(c, app=app):
            assert written is same
