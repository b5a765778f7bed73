"""Excel (.xlsx): an "All settings" sheet, one sheet per resource type, and the assignments.

Every sheet has a bold, frozen header row with filters. Text is always stored as text, never as
a formula, whatever it starts with; characters Excel cannot store are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .common import ASSIGNMENT_HEADERS, EXPORT_HEADERS, assignment_cells, export_cells
from .document import Document

__all__ = ["write_xlsx"]

_MAX_CELL = 32767
_WIDTHS = {"Category": 40, "Setting": 45, "Value": 50, "Policy": 40, "Setting ID": 50, "Target": 40}
_INVALID_SHEET = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(label: str, taken: set[str]) -> str:
    base = label.translate(_INVALID_SHEET).strip("' ")[:31] or "Sheet"
    title, counter = base, 1
    while title.casefold() in taken:
        counter += 1
        suffix = f" ({counter})"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def _text(value: str) -> str:
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) > _MAX_CELL:
        note = f"… ({len(value) - _MAX_CELL + 40} characters more, see the JSON export)"
        value = value[: _MAX_CELL - len(note)] + note
    return value


def _cells(sheet: WriteOnlyWorksheet, values: Iterable[str], font: Font | None = None) -> list[Any]:
    cells: list[Any] = []
    for value in values:
        text = _text(value)
        if font is None and not text.startswith("="):
            cells.append(text)  # plain text: the fast path for tens of thousands of rows
            continue
        cell = WriteOnlyCell(sheet, value=text)
        # A value such as "=HYPERLINK(...)" must stay text: Excel would run it as a formula.
        cell.data_type = "s"
        if font is not None:
            cell.font = font
        cells.append(cell)
    return cells


def _sheet(workbook: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    sheet = workbook.create_sheet(title)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(header, 18)
    sheet.freeze_panes = "A2"
    sheet.append(_cells(sheet, headers, Font(bold=True)))
    count = 0
    for row in rows:
        sheet.append(_cells(sheet, row))
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"


def write_xlsx(document: Document, path: Path, *, on_policy: Callable[[str], None] | None = None) -> list[Path]:
    """Write ``document`` as an Excel workbook at ``path``."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()

    def all_rows() -> Iterable[list[str]]:
        for policy in document.policies():
            yield from (export_cells(document, policy, row) for row in policy.rows)
            if on_policy:
                on_policy(policy.name)

    _sheet(workbook, _sheet_title("All settings", taken), EXPORT_HEADERS, all_rows())
    for section in document.sections:
        rows = (export_cells(document, p, r)[1:] for p in section.policies for r in p.rows)
        _sheet(workbook, _sheet_title(section.label, taken), EXPORT_HEADERS[1:], rows)
    if document.options.include_assignments:
        assignments = (
            [p.type_label, p.name, *assignment_cells(a)] for p in document.policies() for a in p.assignments or ()
        )
        _sheet(workbook, _sheet_title("Assignments", taken), ("Type", "Policy", *ASSIGNMENT_HEADERS), assignments)
    workbook.save(path)
    return [path]
