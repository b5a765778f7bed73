"""A cross-tenant report as JSON, CSV and XLSX: one row per report row, prefixed by its customer.

The CSV is RFC 4180 (every field quoted, CRLF) in UTF-8 with a BOM, formula-like cells
quote-prefixed (``spreadsheet_cells``, as every CSV of the app); the workbook goes through the
documentation's XlsxWriter helpers (in memory, strings never formulas, ``quotePrefix`` on
formula-like text). ``results_from_json`` reads back what ``report_json`` wrote — the page posts
the rows it gathered to be exported; nothing is kept.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from intune_assistant.render.excel import new_workbook, sheet_text, text_formats, write_text_row
from intune_assistant.spreadsheet_cells import to_cell

from .model import Cell, Report, Row, TenantResult, TenantState

__all__ = ["EXPORT_FORMATS", "export_headers", "export_rows", "report_csv", "report_json", "report_xlsx",
           "result_json", "results_from_json"]  # fmt: skip

EXPORT_FORMATS = ("csv", "xlsx", "json")
# Bounds on what an export request may carry (a page holds at most this many tenants' rows).
MAX_TENANTS = 5000
MAX_ROWS_PER_TENANT = 2000
MAX_CELL = 2000


def result_json(result: TenantResult) -> dict[str, Any]:
    """One tenant's outcome as the JSON API gives it."""
    return {
        "tenant_id": result.tenant_id,
        "name": result.name,
        "domain": result.domain,
        "state": result.state.value,
        "reason": result.reason,
        "fix": result.fix,
        "seconds": round(result.seconds, 3),
        "requests": result.requests,
        "rows": [list(row) for row in result.rows],
    }


def report_json(report: Report, results: Iterable[TenantResult]) -> dict[str, Any]:
    """The whole report: its name, title, columns and every tenant's outcome."""
    return {
        "report": report.name,
        "title": report.title,
        "columns": list(report.columns),
        "tenants": [result_json(r) for r in results],
    }


def export_headers(report: Report) -> tuple[str, ...]:
    """Columns of the CSV and the workbook's report sheet."""
    return ("Customer", "Domain", "State", *report.columns, "Reason", "Fix")


def export_rows(report: Report, results: Iterable[TenantResult]) -> Iterable[Row]:
    """Every report row with its customer; a tenant without rows (failed) is one row with its reason."""
    blank: Row = ("",) * len(report.columns)
    for result in results:
        head: Row = (result.name, result.domain, result.state.value)
        if not result.rows:
            yield (*head, *blank, result.reason, result.fix)
        for row in result.rows:
            yield (*head, *row, result.reason, result.fix)


def report_csv(report: Report, results: Sequence[TenantResult]) -> bytes:
    """The report as CSV (UTF-8 with BOM)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([to_cell(h) for h in export_headers(report)])
    writer.writerows([to_cell(str(c)) for c in row] for row in export_rows(report, results))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(report: Report, results: Sequence[TenantResult]) -> bytes:
    """The report as an Excel workbook: the rows, then one line per tenant with its state and reason."""
    out = io.BytesIO()
    workbook = new_workbook(out)
    bold, formats = text_formats(workbook, bold=True), text_formats(workbook)
    sheets: list[tuple[str, Sequence[str], Iterable[Row]]] = [
        (report.title[:31].replace(":", " "), export_headers(report), export_rows(report, results)),
        (
            "Tenants",
            ("Customer", "Domain", "Tenant ID", "State", "Reason", "Fix", "Seconds", "Requests"),
            (
                (r.name, r.domain, r.tenant_id, r.state.value, r.reason, r.fix, round(r.seconds, 2), r.requests)
                for r in results
            ),
        ),
    ]
    for title, headers, rows in sheets:
        sheet = workbook.add_worksheet(title)
        sheet.freeze_panes(1, 0)
        write_text_row(sheet, 0, [sheet_text(h) for h in headers], bold)
        count = 0
        for count, row in enumerate(rows, start=1):
            write_text_row(sheet, count, [sheet_text(c) if isinstance(c, str) else c for c in row], formats)
        sheet.autofilter(0, 0, count, len(headers) - 1)
    workbook.close()
    return out.getvalue()


def _cell(value: Any) -> Cell:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("a report cell must be text or a number")
    return value[:MAX_CELL] if isinstance(value, str) else value


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key, "")
    if not isinstance(value, str):
        raise ValueError(f"{key!r} of a tenant must be text")
    return value[:MAX_CELL]


def results_from_json(report: Report, data: Any) -> list[TenantResult]:
    """The tenants' outcomes in ``data`` (``report_json``'s ``tenants``); ``ValueError`` says what is wrong."""
    tenants = data.get("tenants") if isinstance(data, Mapping) else None
    if not isinstance(tenants, list):
        raise ValueError("the report has no list of tenants")
    if len(tenants) > MAX_TENANTS:
        raise ValueError(f"more than {MAX_TENANTS} tenants")
    width = len(report.columns)
    found: list[TenantResult] = []
    for item in tenants:
        if not isinstance(item, Mapping):
            raise ValueError("a tenant must be an object")
        try:
            state = TenantState(str(item.get("state")))
        except ValueError:
            raise ValueError(f"a tenant's state must be one of {', '.join(s.value for s in TenantState)}") from None
        rows = item.get("rows", [])
        if not isinstance(rows, list) or len(rows) > MAX_ROWS_PER_TENANT:
            raise ValueError(f"a tenant's rows must be a list of at most {MAX_ROWS_PER_TENANT}")
        parsed: list[Row] = []
        for row in rows:
            if not isinstance(row, list) or len(row) != width:
                raise ValueError(f"every row of this report has {width} cells")
            parsed.append(tuple(_cell(c) for c in row))
        found.append(
            TenantResult(
                _text(item, "tenant_id"),
                _text(item, "name"),
                _text(item, "domain"),
                state,
                tuple(parsed),
                _text(item, "reason"),
                _text(item, "fix"),
            )
        )
    return found
