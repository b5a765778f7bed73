"""Compare reports: HTML (self-contained, side by side), Markdown, JSON, CSV and XLSX.

Pure functions from a ``Comparison`` to bytes; the caller decides where they go.
"""

from __future__ import annotations

import re
from datetime import datetime

from intune_assistant.analyses.compare import Comparison

from .html import render_html
from .jsonout import comparison_data, render_json
from .markdown import render_markdown
from .tables import render_csv, render_xlsx

__all__ = [
    "FORMATS",
    "comparison_data",
    "default_filename",
    "render_comparison",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "render_xlsx",
]

# Format name → file extension.
FORMATS: dict[str, str] = {"html": "html", "md": "md", "json": "json", "csv": "csv", "xlsx": "xlsx"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def render_comparison(comparison: Comparison, fmt: str, *, only_differences: bool = False) -> bytes:
    """The report in format ``fmt`` (one of ``FORMATS``) as bytes ready to write."""
    if fmt == "html":
        return render_html(comparison, only_differences=only_differences).encode("utf-8")
    if fmt == "md":
        return render_markdown(comparison, only_differences=only_differences).encode("utf-8")
    if fmt == "json":
        return render_json(comparison, only_differences=only_differences).encode("utf-8")
    if fmt == "csv":
        return render_csv(comparison, only_differences=only_differences)
    if fmt == "xlsx":
        return render_xlsx(comparison, only_differences=only_differences)
    raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")


def default_filename(comparison: Comparison, fmt: str, now: datetime) -> str:
    """``<tenant-domain>_<view>_<yyyy-mm-dd_HHmm>.<ext>``, the tenant being the right side."""
    tenant = comparison.right.tenant or comparison.right.label or "tenant"
    view = f"compare-{comparison.kind.value}"
    return f"{_UNSAFE.sub('_', tenant).strip('_') or 'tenant'}_{view}_{now:%Y-%m-%d_%H%M}.{FORMATS[fmt]}"
