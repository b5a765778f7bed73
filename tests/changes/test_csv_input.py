"""The Assignments CSV with an Action column: action rows become changes, rows without an action
change nothing, names resolve to exactly one group or filter, every refused row says why."""

from __future__ import annotations

import csv
import io

import pytest

from intune_assistant.analyses.assignments import CSV_COLUMNS, Directory, FilterMode
from intune_assistant.changes import AssignTarget, ChangeAction, Direction, changes_from_assignments_csv

from .test_plan_assignments import make_snapshot


def _csv(*rows: dict[str, str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, [*CSV_COLUMNS, "Action"], lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({"Policy type key": "settingsCatalog", "Policy id": "pol-1", **row})
    return "\ufeff" + buffer.getvalue()


@pytest.fixture
def directory() -> Directory:
    snapshot = make_snapshot()
    snapshot.objects["groups"].append({"id": "g4", "displayName": "sales", "members": []})
    return Directory(snapshot)


def test_action_rows_become_changes_with_their_row_numbers(directory: Directory) -> None:
    text = _csv(
        {"Target kind": "group", "Group id": "g1", "Include/exclude": "include"},  # as exported: no change
        {"Target kind": "group", "Group name": "Kiosks", "Include/exclude": "exclude", "Action": "Add"},
        {"Target kind": "allDevices", "Filter name": "corporate", "Filter mode": "include", "Action": "add"},
        {"Target kind": "group", "Group id": "g1", "Action": "remove"},
    )

    changes, rejected = changes_from_assignments_csv(text, directory)

    assert rejected == []
    assert [(c.source, c.action, c.target, c.direction) for c in changes] == [
        ("row 3", ChangeAction.ADD, AssignTarget.group("g2"), Direction.EXCLUDE),
        ("row 4", ChangeAction.ADD, AssignTarget.all_devices(), Direction.INCLUDE),
        ("row 5", ChangeAction.REMOVE, AssignTarget.group("g1"), Direction.INCLUDE),
    ]
    assert (changes[1].filter_id, changes[1].filter_mode) == ("f1", FilterMode.INCLUDE)


def test_replace_all_with_no_target_unassigns(directory: Directory) -> None:
    changes, _ = changes_from_assignments_csv(_csv({"Target kind": "none", "Action": "replace-all"}), directory)

    assert changes[0].action is ChangeAction.REPLACE_ALL and changes[0].target is None


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"Target kind": "group", "Group name": "Sales", "Action": "add"}, "2 groups are named 'Sales' (g3, g4)"),
        ({"Target kind": "group", "Group name": "Nobody", "Action": "add"}, "no group named 'Nobody'"),
        ({"Target kind": "group", "Action": "add"}, "needs the group's id or name"),
        ({"Target kind": "planet", "Action": "add"}, "unknown target kind 'planet'"),
        ({"Target kind": "none", "Action": "add"}, "only goes with replace-all"),
        ({"Target kind": "allUsers", "Include/exclude": "maybe", "Action": "add"}, "must be include or exclude"),
        ({"Target kind": "allUsers", "Filter mode": "sometimes", "Action": "add"}, "Filter mode must be"),
        ({"Target kind": "allUsers", "Filter name": "Nope", "Filter mode": "include", "Action": "add"},
         "no assignment filter named 'Nope'"),
        ({"Target kind": "allUsers", "Action": "delete"}, "unknown action 'delete'"),
        ({"Target kind": "allUsers", "Policy id": "", "Action": "add"}, "needs the 'Policy type key' and 'Policy id'"),
    ],
)  # fmt: skip
def test_a_row_that_cannot_be_read_is_refused_with_why(directory: Directory, row: dict[str, str], reason: str) -> None:
    changes, rejected = changes_from_assignments_csv(_csv(row), directory)

    assert changes == [] and rejected[0].source == "row 2" and reason in rejected[0].reason


def test_a_file_without_action_rows_or_columns_is_an_error(directory: Directory) -> None:
    with pytest.raises(ValueError, match="no row has an action"):
        changes_from_assignments_csv(_csv({"Target kind": "allUsers"}), directory)
    with pytest.raises(ValueError, match="lacks column"):
        changes_from_assignments_csv("Name,Other\r\nx,y\r\n", directory)
