"""The assignments CSV: RFC 4180, every overview column, readable back by a bulk-assignment module.

``assignments_csv`` returns text; the caller writes it as UTF-8 with a BOM (``utf-8-sig``) so
Excel opens it correctly (UX rule 7). ``read_assignments_csv`` reads that file back — with or
without the BOM, CRLF or LF — into the fields a write module needs, so an export round-trips.
A value a spreadsheet could run as a formula is written with a leading ``'`` and read back
without it (``spreadsheet_cells``), so the round trip stays exact.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from intune_assistant.spreadsheet_cells import from_cell, to_cell

from .model import AssignmentRow

__all__ = ["CSV_COLUMNS", "CsvAssignment", "assignments_csv", "read_assignments_csv"]

CSV_COLUMNS: tuple[str, ...] = (
    "Policy type key",
    "Policy type",
    "Policy id",
    "Policy name",
    "Platform",
    "Target kind",
    "Group id",
    "Group name",
    "Include/exclude",
    "Filter id",
    "Filter name",
    "Filter mode",
    "Intent",
    "Scope tags",
    "Note",
)
# Columns a reader can't do without.
_REQUIRED = ("Policy type key", "Policy id", "Target kind", "Group id", "Include/exclude", "Filter id", "Filter mode")


@dataclass(frozen=True)
class CsvAssignment:
    """One row of an assignments CSV, as a bulk-assignment module needs it ("" = empty cell)."""

    type_key: str
    policy_id: str
    policy_name: str
    target_kind: str
    group_id: str
    group_name: str
    mode: str
    filter_id: str
    filter_name: str
    filter_mode: str
    intent: str
    # The "Action" column a bulk-assignment edit adds (add / remove / replace-all; "" = no change).
    action: str = ""
    # The row's line number in the file (the header is line 1), for messages about it.
    line: int = 0


def _cells(row: AssignmentRow) -> list[str]:
    obj = row.object
    return [
        obj.type_key,
        obj.type_label,
        obj.id,
        obj.name,
        obj.platform,
        row.target_kind,
        row.group_id or "",
        row.group_name or "",
        row.mode,
        row.filter.id if row.filter else "",
        row.filter.name if row.filter else "",
        row.filter_mode or "",
        row.intent or "",
        "; ".join(obj.scope_tags),
        row.note,
    ]


def assignments_csv(rows: Iterable[AssignmentRow]) -> str:
    """The rows as CSV text: header first, every field quoted, CRLF line ends (RFC 4180)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([to_cell(c) for c in _cells(row)] for row in rows)
    return buffer.getvalue()


def read_assignments_csv(text: str) -> tuple[CsvAssignment, ...]:
    """Rows of an assignments CSV (as written by ``assignments_csv``); headers match case-insensitively.

    Raises:
        ValueError: when a column the rows can't be understood without is missing.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    if header is None:
        raise ValueError("the CSV is empty: expected a header row")
    index = {name.strip().casefold(): i for i, name in enumerate(header)}
    missing = [c for c in _REQUIRED if c.casefold() not in index]
    if missing:
        raise ValueError(f"the CSV lacks column(s): {', '.join(missing)}")

    def cell(cells: list[str], column: str) -> str:
        position = index.get(column.casefold())
        return from_cell(cells[position]) if position is not None and position < len(cells) else ""

    return tuple(
        CsvAssignment(
            type_key=cell(cells, "Policy type key"),
            policy_id=cell(cells, "Policy id"),
            policy_name=cell(cells, "Policy name"),
            target_kind=cell(cells, "Target kind"),
            group_id=cell(cells, "Group id"),
            group_name=cell(cells, "Group name"),
            mode=cell(cells, "Include/exclude"),
            filter_id=cell(cells, "Filter id"),
            filter_name=cell(cells, "Filter name"),
            filter_mode=cell(cells, "Filter mode"),
            intent=cell(cells, "Intent"),
            action=cell(cells, "Action").strip(),
            line=reader.line_num,
        )
        for cells in reader
        if cells
    )
