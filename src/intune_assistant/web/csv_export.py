"""CSV exports: RFC 4180 (CRLF, quotes doubled, fields with commas/quotes/newlines quoted), UTF-8
with a byte-order mark so Excel opens it as UTF-8, one header per visible column.

A value a spreadsheet could run as a formula gets a leading ``'`` (``spreadsheet_cells``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from intune_assistant.spreadsheet_cells import to_cell

BOM = "\ufeff"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """The CSV document as UTF-8 bytes with BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([to_cell(value) for value in headers])
    writer.writerows([to_cell(value) for value in row] for row in rows)
    return (BOM + buffer.getvalue()).encode("utf-8")


def export_filename(tenant_domain: str, view: str, when: datetime, extension: str = "csv") -> str:
    """``<tenant-domain>_<view>_<yyyy-mm-dd_HHmm>.<ext>`` with only filename-safe characters."""
    domain = _UNSAFE.sub("-", tenant_domain).strip("-") or "tenant"
    return f"{domain}_{view}_{when.strftime('%Y-%m-%d_%H%M')}.{extension}"


def content_disposition(filename: str) -> str:
    """An ``attachment`` header value for an already filename-safe name."""
    return f'attachment; filename="{filename}"'
