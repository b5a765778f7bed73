"""Property: any snapshot of JSON objects with awkward names survives save → load unchanged."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from intune_assistant.snapshot import (
    LoadProblem,
    Names,
    Problem,
    ProblemKind,
    Snapshot,
    TenantInfo,
    TypeResult,
    TypeStatus,
    load_snapshot,
    save_snapshot,
)

KEYS = ["settingsCatalog", "deviceConfigurations", "groups", "conditionalAccessPolicies"]

# Names meant to break file systems: separators, reserved names, dots, case twins, unicode.
AWKWARD = st.sampled_from(
    [
        "CON",
        "con",
        "nul.txt",
        "a/b",
        "a\\b",
        "..",
        ".",
        " ",
        "x" * 200,
        "Ünïcødé",
        "日本語",
        'q"<>|*?:',
        "Same",
        "same",
    ]
)
NAMES = st.one_of(AWKWARD, st.text(max_size=40))

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


@st.composite
def objects(draw: st.DrawFn) -> dict[str, Any]:
    obj: dict[str, Any] = draw(st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=4))
    obj[draw(st.sampled_from(["displayName", "name"]))] = draw(NAMES)
    if draw(st.booleans()):
        obj["id"] = draw(st.one_of(st.uuids().map(str), NAMES))
    return obj


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    optional_text = st.none() | st.text(max_size=20)
    return Problem(
        kind=draw(st.sampled_from(list(ProblemKind))),
        message=draw(st.text(max_size=30)),
        status=draw(st.none() | st.integers(100, 599)),
        code=draw(optional_text),
        request_id=draw(optional_text),
        scope=draw(optional_text),
        role=draw(optional_text),
        part=draw(st.sampled_from(["", "settings", "members", "setting names"])),
        object_id=draw(optional_text),
        object_name=draw(NAMES | st.none()),
        stopped_after=draw(st.none() | st.integers(0, 5000)),
    )


@st.composite
def snapshots(draw: st.DrawFn) -> Snapshot:
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=4))
    optional_text = st.none() | st.text(max_size=20)
    return Snapshot(
        tenant=TenantInfo(draw(optional_text), draw(optional_text), draw(optional_text)),
        source=draw(st.sampled_from(["graph", "emulator", "intunecd", "intunemanagement", "portal-export"])),
        taken_at=draw(st.datetimes(timezones=st.just(UTC), min_value=datetime(2000, 1, 1))),
        objects={key: draw(st.lists(objects(), max_size=6)) for key in keys},
        results={
            key: TypeResult(
                key,
                draw(st.sampled_from(list(TypeStatus))),
                draw(st.integers(0, 10)),
                draw(st.floats(0, 100)),
                draw(st.integers(0, 10)),
                draw(st.none() | problems()),
                draw(st.lists(problems(), max_size=2)),
                draw(st.booleans()),
            )
            for key in keys
        },
        names=Names(
            groups=draw(st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3)),
            filters=draw(st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3)),
            scope_tags=draw(st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3)),
            unresolved_groups=draw(st.sets(st.text(max_size=8), max_size=3)),
        ),
        problems=draw(st.lists(st.builds(LoadProblem, st.text(max_size=10), st.text(max_size=10)), max_size=2)),
    )


@settings(max_examples=60, deadline=None)
@given(snapshots())
def test_save_then_load_gives_the_same_snapshot(snapshot: Snapshot) -> None:
    with tempfile.TemporaryDirectory() as folder:
        save_snapshot(snapshot, Path(folder) / "snap")
        assert load_snapshot(Path(folder) / "snap") == snapshot
        # Saving again over the previous snapshot is just as exact.
        save_snapshot(snapshot, Path(folder) / "snap")
        assert load_snapshot(Path(folder) / "snap") == snapshot
