"""Excel (.xlsx): an "All settings" sheet, one sheet per resource type, the assignments, and the Roles
section's findings and roles held.

Every sheet has a bold, frozen header row with filters. Text is always stored as text, never as
a formula, whatever it starts with, and a formula-like value carries Excel's ``quotePrefix``
(``spreadsheet_cells``), so it stays text when an admin edits the cell; characters Excel cannot
store are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

import xlsxwriter

from intune_assistant.spreadsheet_cells import looks_like_formula

from .common import (
    ASSIGNMENT_HEADERS,
    CA_FINDING_HEADERS,
    CA_GAPS_TITLE,
    CA_POLICY_HEADERS,
    CA_TITLE,
    EXPORT_HEADERS,
    FINDING_HEADERS,
    GRANT_HEADERS,
    assignment_cells,
    ca_finding_cells,
    ca_policy_cells,
    export_cells,
    finding_cells,
    grant_cells,
)
from .document import Document

__all__ = ["new_workbook", "render_xlsx", "sheet_text", "text_formats", "write_text_row"]

_MAX_CELL = 32767
_WIDTHS = {
    "Category": 40,
    "Setting": 45,
    "Value": 50,
    "Policy": 40,
    "Setting ID": 50,
    "Target": 40,
    "Users": 45,
    "Conditions": 45,
    "Why": 80,
}
_INVALID_SHEET = str.maketrans({c: " " for c in "[]:*?/\\"})
# Characters XML 1.0 (and so a workbook) cannot hold.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def new_workbook(out: IO[bytes]) -> Any:
    """An XlsxWriter workbook that writes to ``out`` and keeps every part in memory.

    ``in_memory``: no temporary files (openpyxl and XlsxWriter's default spool each sheet to
    the temp folder, which would put tenant data on the server's disk). Strings stay strings:
    a value such as "=HYPERLINK(...)" must never become a formula Excel runs.
    """
    return xlsxwriter.Workbook(
        out,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )


def text_formats(workbook: Any, **properties: Any) -> tuple[Any, Any]:
    """A cell format and its quote-prefixed twin, for ``write_text_row``."""
    return workbook.add_format(dict(properties)), workbook.add_format({**properties, "quote_prefix": True})


def write_text_row(sheet: Any, row: int, values: Sequence[Any], formats: tuple[Any, Any]) -> None:
    """Write ``values`` from column A: strings as strings, the formula-like ones quote-prefixed."""
    plain, quoted = formats
    for column, value in enumerate(values):
        if isinstance(value, str):
            sheet.write_string(row, column, value, quoted if looks_like_formula(value) else plain)
        else:
            sheet.write(row, column, value, plain)


def _sheet_title(label: str, taken: set[str]) -> str:
    base = label.translate(_INVALID_SHEET).strip("' ")[:31] or "Sheet"
    title, counter = base, 1
    while title.casefold() in taken:
        counter += 1
        suffix = f" ({counter})"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def sheet_text(value: str) -> str:
    """``value`` as a cell can hold it: illegal characters dropped, cut at Excel's cell limit."""
    value = _ILLEGAL.sub("", value)
    if len(value) > _MAX_CELL:
        note = f"… ({len(value) - _MAX_CELL + 40} characters more, see the JSON export)"
        value = value[: _MAX_CELL - len(note)] + note
    return value


def _sheet(
    workbook: Any, title: str, headers: Sequence[str], rows: Iterable[Sequence[str]], formats: tuple[Any, Any]
) -> None:
    sheet = workbook.add_worksheet(title)
    for index, header in enumerate(headers):
        sheet.set_column(index, index, _WIDTHS.get(header, 18))
    sheet.freeze_panes(1, 0)
    write_text_row(sheet, 0, [sheet_text(h) for h in headers], text_formats(workbook, bold=True))
    count = 0
    for count, row in enumerate(rows, start=1):
        write_text_row(sheet, count, [sheet_text(v) for v in row], formats)
    sheet.autofilter(0, 0, count, len(headers) - 1)


def render_xlsx(document: Document, out: IO[bytes], *, on_policy: Callable[[str], None] | None = None) -> None:
    """Write ``document`` as an Excel workbook to the binary stream ``out``."""
    workbook = new_workbook(out)
    taken: set[str] = set()
    formats = text_formats(workbook)

    def all_rows() -> Iterable[list[str]]:
        for policy in document.policies():
            yield from (export_cells(document, policy, row) for row in policy.rows)
            if on_policy:
                on_policy(policy.name)

    _sheet(workbook, _sheet_title("All settings", taken), EXPORT_HEADERS, all_rows(), formats)
    for section in document.sections:
        rows = (export_cells(document, p, r)[1:] for p in section.policies for r in p.rows)
        _sheet(workbook, _sheet_title(section.label, taken), EXPORT_HEADERS[1:], rows, formats)
    if document.options.include_assignments:
        assignments = (
            [p.type_label, p.name, *assignment_cells(a)] for p in document.policies() for a in p.assignments or ()
        )
        _sheet(
            workbook, _sheet_title("Assignments", taken), ("Type", "Policy", *ASSIGNMENT_HEADERS), assignments, formats
        )
    if document.roles is not None:
        findings = (finding_cells(f) for f in document.roles.findings)
        _sheet(workbook, _sheet_title("Role findings", taken), FINDING_HEADERS, findings, formats)
        grants = (grant_cells(g) for g in document.roles.grants)
        _sheet(workbook, _sheet_title("Roles held", taken), GRANT_HEADERS, grants, formats)
    ca = document.conditional_access
    if ca is not None:
        _sheet(
            workbook,
            _sheet_title(CA_TITLE, taken),
            CA_POLICY_HEADERS,
            (ca_policy_cells(p) for p in ca.policies),
            formats,
        )
        _sheet(
            workbook,
            _sheet_title(CA_GAPS_TITLE, taken),
            CA_FINDING_HEADERS,
            (ca_finding_cells(f) for f in ca.findings),
            formats,
        )
    workbook.close()
