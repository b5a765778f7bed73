"""Compare report as CSV (RFC 4180, UTF-8 with BOM) and XLSX: one row per setting or target."""

from __future__ import annotations

import csv
import io
import re

from intune_assistant.analyses.compare import BaselineStatus, Comparison, status_label

from .view import COLUMNS, rows, side_headings, summary_counts, tenant_values, title

__all__ = ["render_csv", "render_xlsx", "spreadsheet_safe"]

# A cell that starts like a formula is run by Excel when the file is opened (CSV injection).
_FORMULA = re.compile(r"^[=+@\t\r]|^-(?![\d.])")


def spreadsheet_safe(text: str) -> str:
    """``text`` that a spreadsheet shows as text: a leading ' where it would start a formula."""
    return f"'{text}" if _FORMULA.match(text) else text


def _headers(comparison: Comparison) -> list[str]:
    left, right = side_headings(comparison)
    return [left if c == "Left" else right if c == "Right" else c for c in COLUMNS]


def render_csv(comparison: Comparison, *, only_differences: bool = False) -> bytes:
    """RFC 4180 CSV (CRLF, every field quoted), UTF-8 with a BOM so Excel reads it as UTF-8."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(_headers(comparison))
    for row in rows(comparison, only_differences):
        writer.writerow([spreadsheet_safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render_xlsx(comparison: Comparison, *, only_differences: bool = False) -> bytes:
    """An Excel workbook: Summary, Differences (or Details), and Scores against a baseline."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    left, right = side_headings(comparison)
    facts = [
        ("Report", title(comparison)),
        ("Aligned", "yes" if comparison.aligned else "no"),
        (left, comparison.left.tenant or ""),
        (right, comparison.right.tenant or ""),
        (f"Source: {left}", comparison.left.origin),
        (f"Source: {right}", comparison.right.origin),
        *((words, str(count)) for _, count, words in summary_counts(comparison)),
        *((f"Not compared: {n.type_label}", n.reason) for n in comparison.not_compared),
    ]
    for key, value in facts:
        summary.append([_text(key), _text(value)])
    details = book.create_sheet("Differences" if only_differences else "Details")
    details.append(_headers(comparison))
    for row in rows(comparison, only_differences):
        details.append([_text(v) for v in row])
    if comparison.baseline_settings:
        # The lists of a baseline comparison, one row per baseline setting: filter by verdict.
        listed = book.create_sheet("Baseline settings")
        listed.append(["Setting", "Setting id", "Area", "Platform", "Baseline policy", left, "Verdict", right])
        for entry in comparison.baseline_settings:
            if only_differences and entry.status is BaselineStatus.MATCHES:
                continue
            cells = (entry.name, entry.setting_id, entry.area, entry.platform, entry.baseline_policy, entry.expected)
            verdict = status_label(comparison.kind, entry.status.setting_status)
            listed.append([*(_text(c) for c in cells), verdict, _text(tenant_values(entry))])
    if comparison.scores:
        scores = book.create_sheet("Scores")
        scores.append(["Scope", "Name", "Matched", "Expected", "Percent"])
        for s in comparison.scores:
            scores.append([s.scope, _text(s.name), s.matched, s.expected, s.percent])
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            width = max((len(str(c.value or "")) for c in column), default=8)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 80)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value: str) -> str:
    # openpyxl stores a string starting with "=" as a formula; and Excel caps a cell at 32,767 characters.
    return spreadsheet_safe(value)[:32_767]
