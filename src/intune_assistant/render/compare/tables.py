"""Compare report as CSV (RFC 4180, UTF-8 with BOM) and XLSX: one row per setting or target."""

from __future__ import annotations

import csv
import io
from typing import Any

from intune_assistant.analyses.compare import BaselineStatus, Comparison, status_label
from intune_assistant.spreadsheet_cells import to_cell

from .view import COLUMNS, rows, side_headings, summary_counts, tenant_values, title

__all__ = ["render_csv", "render_xlsx"]


def _headers(comparison: Comparison) -> list[str]:
    left, right = side_headings(comparison)
    return [left if c == "Left" else right if c == "Right" else c for c in COLUMNS]


def render_csv(comparison: Comparison, *, only_differences: bool = False) -> bytes:
    """RFC 4180 CSV (CRLF, every field quoted), UTF-8 with a BOM so Excel reads it as UTF-8."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([to_cell(v) for v in _headers(comparison)])
    for row in rows(comparison, only_differences):
        writer.writerow([to_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def render_xlsx(comparison: Comparison, *, only_differences: bool = False) -> bytes:
    """An Excel workbook: Summary, Differences (or Details), and Scores against a baseline."""
    from intune_assistant.render.excel import new_workbook, sheet_text, text_formats, write_text_row

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
    sheets: list[tuple[str, list[list[Any]]]] = [("Summary", [[k, v] for k, v in facts])]
    details = [_headers(comparison), *(list(row) for row in rows(comparison, only_differences))]
    sheets.append(("Differences" if only_differences else "Details", details))
    if comparison.baseline_settings:
        # The lists of a baseline comparison, one row per baseline setting: filter by verdict.
        listed: list[list[Any]] = [
            ["Setting", "Setting id", "Area", "Platform", "Baseline policy", left, "Verdict", right]
        ]
        for entry in comparison.baseline_settings:
            if only_differences and entry.status is BaselineStatus.MATCHES:
                continue
            cells = (entry.name, entry.setting_id, entry.area, entry.platform, entry.baseline_policy, entry.expected)
            verdict = status_label(comparison.kind, entry.status.setting_status)
            listed.append([*cells, verdict, tenant_values(entry)])
        sheets.append(("Baseline settings", listed))
    if comparison.scores:
        scores: list[list[Any]] = [["Scope", "Name", "Matched", "Expected", "Percent"]]
        scores += [[s.scope, s.name, s.matched, s.expected, s.percent] for s in comparison.scores]
        sheets.append(("Scores", scores))
    buffer = io.BytesIO()
    book = new_workbook(buffer)
    bold, plain = text_formats(book, bold=True), text_formats(book)
    for name, table in sheets:
        sheet = book.add_worksheet(name)
        for index, values in enumerate(table):
            write_text_row(
                sheet,
                index,
                [sheet_text(v) if isinstance(v, str) else v for v in values],
                bold if index == 0 else plain,
            )
        sheet.freeze_panes(1, 0)
        for column in range(max(len(r) for r in table)):
            width = max((len(str(r[column])) for r in table if column < len(r)), default=8)
            sheet.set_column(column, column, min(max(width + 2, 10), 80))
    book.close()
    return buffer.getvalue()
