"""CSV: one row per setting of every policy, RFC 4180 (every field quoted, CRLF), UTF-8 with BOM.

The BOM makes Excel read the file as UTF-8; the columns are those of the Excel export. A value a
spreadsheet could run as a formula gets a leading ``'`` (``spreadsheet_cells``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import IO

from intune_assistant.spreadsheet_cells import to_cell

from .common import EXPORT_HEADERS, export_cells
from .document import Document

__all__ = ["render_csv"]


def render_csv(document: Document, out: IO[bytes], *, on_policy: Callable[[str], None] | None = None) -> None:
    """Write every setting row of ``document`` to the binary stream ``out``."""
    handle = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(EXPORT_HEADERS)
    for policy in document.policies():
        writer.writerows([to_cell(c) for c in export_cells(document, policy, row)] for row in policy.rows)
        if on_policy:
            on_policy(policy.name)
    handle.flush()
    handle.detach()  # the stream is the caller's: leave it open
