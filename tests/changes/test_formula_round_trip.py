"""Formula injection neutralised in the assignment CSVs, and both still round-trip exactly through
the write path: names that start like a formula are written quote-prefixed and read back as they are."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from intune_assistant.analyses.assignments import Directory, assignment_overview, assignments_csv, read_assignments_csv
from intune_assistant.catalog import default_catalog
from intune_assistant.changes import AssignTarget, ChangeAction, changes_from_assignments_csv
from intune_assistant.changes.checks import plan_bulk_assignments
from intune_assistant.changes.commercial_csv import changes_from_commercial_csv, commercial_csv
from intune_assistant.changes.objects import AssignableObjects
from intune_assistant.snapshot import Snapshot
from intune_assistant.spreadsheet_cells import from_cell, looks_like_formula, to_cell

from .test_plan_assignments import make_snapshot

CATALOG = default_catalog()
POLICY = '=HYPERLINK("https://evil.example/","open")'
GROUP = "@cmd|' /C calc'!A0"
FILTER = "-2+3+cmd|' /C calc'!A0"
KIOSKS = "'=already quoted"
APP = "\tTabbed\rapp"


def _hostile() -> Snapshot:
    snapshot = make_snapshot()
    snapshot.objects["settingsCatalog"][0]["name"] = POLICY
    snapshot.objects["groups"][0]["displayName"] = GROUP
    snapshot.objects["groups"][1]["displayName"] = KIOSKS
    snapshot.objects["assignmentFilters"][0]["displayName"] = FILTER
    snapshot.objects["mobileApps"][0]["displayName"] = APP
    return snapshot


def _cells(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def test_owasp_leading_characters_are_prefixed_numbers_are_not() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert to_cell(start + "x") == "'" + start + "x"
    assert [to_cell(v) for v in ("-1", "+2.5", "1e3", "plain", "")] == ["-1", "+2.5", "1e3", "plain", ""]
    # DDE through a number-looking start is still a formula.
    assert to_cell("-2+3+cmd") == "'-2+3+cmd" and to_cell("'x") == "''x"


@given(st.text())
def test_from_cell_undoes_to_cell_exactly(text: str) -> None:
    cell = to_cell(text)
    assert from_cell(cell) == text
    assert not looks_like_formula(cell)


def test_assignments_csv_is_neutralised_and_reads_back_exactly() -> None:
    snapshot = _hostile()
    rows = assignment_overview(snapshot, CATALOG).rows
    text = assignments_csv(rows)
    cells = [c for row in _cells(text) for c in row]
    assert not any(looks_like_formula(c) for c in cells)
    assert {to_cell(POLICY), to_cell(GROUP), to_cell(FILTER), to_cell(KIOSKS), to_cell(APP)} <= set(cells)
    back = read_assignments_csv("\ufeff" + text)
    assert {r.policy_name for r in back} >= {POLICY, APP}
    assert {r.group_name for r in back} >= {GROUP, KIOSKS}
    assert FILTER in {r.filter_name for r in back}


def test_assignments_csv_edited_by_name_plans_against_the_named_objects() -> None:
    snapshot = _hostile()
    text = assignments_csv(assignment_overview(snapshot, CATALOG).rows)
    table = _cells(text)
    header = [*table[0], "Action"]
    column = {name: i for i, name in enumerate(header)}
    edited = [header]
    for row in table[1:]:
        row = [*row, ""]
        if from_cell(row[column["Group name"]]) == KIOSKS:
            # Remove the Kiosks exclusion, naming the group and the filter only (ids cleared).
            row[column["Group id"]] = ""
            row[column["Action"]] = "remove"
        edited.append(row)
    added = {
        "Policy type key": "settingsCatalog",
        "Policy id": "pol-1",
        "Policy name": to_cell(POLICY),
        "Target kind": "group",
        "Group name": to_cell(GROUP),
        "Include/exclude": "include",
        "Filter name": to_cell(FILTER),
        "Filter mode": "include",
        "Action": "add",
    }
    edited.append([added.get(name, "") for name in header])
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(edited)
    directory = Directory(snapshot)
    changes, rejected = changes_from_assignments_csv(buffer.getvalue(), directory)
    assert rejected == []
    remove, add = changes
    assert (remove.action, remove.target) == (ChangeAction.REMOVE, AssignTarget.group("g2"))
    assert (add.action, add.target, add.filter_id) == (ChangeAction.ADD, AssignTarget.group("g1"), "f1")


def test_commercial_csv_with_formula_names_is_valid_input_that_changes_nothing() -> None:
    snapshot = _hostile()
    text = commercial_csv(assignment_overview(snapshot, CATALOG).rows)
    cells = [c for row in _cells(text, ";") for c in row]
    assert not any(looks_like_formula(c) for c in cells)
    assert to_cell(POLICY) in cells and to_cell(GROUP) in cells and to_cell(FILTER) in cells
    directory = Directory(snapshot)
    changes, rejected = changes_from_commercial_csv(text, AssignableObjects.of(snapshot, CATALOG), directory)
    assert rejected == []
    plan = plan_bulk_assignments(snapshot, changes, rejected, catalog=CATALOG, directory=directory)
    assert plan.rejected == () and plan.items == ()
