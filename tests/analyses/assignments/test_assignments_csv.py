"""The assignments CSV: RFC 4180, every column, and it reads back exactly."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intune_assistant.analyses.assignments import (
    CSV_COLUMNS,
    AssignmentRow,
    Directory,
    FilterRef,
    ObjectRef,
    assignment_overview,
    assignments_csv,
    read_assignments_csv,
)
from intune_assistant.snapshot import Snapshot


def test_assignments_csv_is_rfc4180_with_every_column(contoso: Snapshot, directory: Directory) -> None:
    rows = assignment_overview(contoso, directory=directory).rows
    text = assignments_csv(rows)
    lines = text.split("\r\n")
    assert lines[0] == ",".join(f'"{c}"' for c in CSV_COLUMNS)
    assert lines[-1] == "" and len(lines) == len(rows) + 2  # header, rows, final CRLF
    assert "\n" not in text.replace("\r\n", "")  # no bare line feeds between records
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert all(len(record) == len(CSV_COLUMNS) for record in parsed)
    back = read_assignments_csv("\ufeff" + text)
    assert len(back) == len(rows)
    for row, read in zip(rows, back, strict=True):
        assert (read.type_key, read.policy_id, read.target_kind, read.group_id, read.mode) == (
            row.object.type_key,
            row.object.id,
            row.target_kind,
            row.group_id or "",
            row.mode,
        )
        assert (read.filter_id, read.filter_mode, read.intent) == (
            row.filter.id if row.filter else "",
            row.filter_mode or "",
            row.intent or "",
        )


def test_assignments_csv_reader_names_missing_columns() -> None:
    with pytest.raises(ValueError, match="lacks column"):
        read_assignments_csv('"Policy id"\r\n"x"\r\n')
    with pytest.raises(ValueError, match="empty"):
        read_assignments_csv("")


_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=30)


@given(_text, _text, _text, st.sampled_from(["include", "exclude"]), st.one_of(st.none(), _text))
def test_assignments_csv_round_trips_any_text(
    name: str, group: str, filter_name: str, mode: str, intent: str | None
) -> None:
    obj = ObjectRef("mobileApps", "Apps", "app", "id-1", name, "Windows", ("Default", name))
    row = AssignmentRow(
        object=obj,
        assignment_id="a",
        target_kind="group",
        mode=mode,
        group_id="g-1",
        group_name=group,
        filter=FilterRef("f-1", filter_name),
        filter_mode="include",
        intent=intent,
        note=name,
    )
    (read,) = read_assignments_csv(assignments_csv([row]))
    assert (read.policy_name, read.group_name, read.filter_name, read.mode, read.intent) == (
        name,
        group,
        filter_name,
        mode,
        intent or "",
    )
