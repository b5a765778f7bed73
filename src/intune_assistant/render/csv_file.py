"""CSV: one row per setting of every policy, RFC 4180 (every field quoted, CRLF), UTF-8 with BOM.

The BOM makes Excel read the file as UTF-8; the columns are those of the Excel export.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from .common import EXPORT_HEADERS, export_cells
from .document import Document

__all__ = ["write_csv"]


def write_csv(document: Document, path: Path, *, on_policy: Callable[[str], None] | None = None) -> list[Path]:
    """Write every setting row of ``document`` to ``path``."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(EXPORT_HEADERS)
        for policy in document.policies():
            writer.writerows(export_cells(document, policy, row) for row in policy.rows)
            if on_policy:
                on_policy(policy.name)
    return [path]
