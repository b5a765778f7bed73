"""Documentation renderers: Markdown, HTML, Word, PDF, Excel, CSV and JSON.

``build_document`` turns a snapshot into a ``Document`` (pure); ``write_document`` writes it in
one format. Renderers write only the output the user asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .anchors import AnchorMaker, slug
from .document import AssignmentLine, Coverage, Document, DocumentOptions, PolicyDoc, TypeSection, build_document
from .filenames import export_filename

__all__ = [
    "FORMATS",
    "AnchorMaker",
    "AssignmentLine",
    "Coverage",
    "Document",
    "DocumentOptions",
    "PolicyDoc",
    "TypeSection",
    "build_document",
    "export_filename",
    "slug",
    "write_document",
]

# Format name → file extension.
FORMATS: dict[str, str] = {
    "md": "md",
    "html": "html",
    "docx": "docx",
    "pdf": "pdf",
    "xlsx": "xlsx",
    "csv": "csv",
    "json": "json",
}


def write_document(
    document: Document,
    fmt: str,
    path: Path,
    *,
    per_policy: bool = False,
    on_policy: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write ``document`` as ``fmt`` to ``path``; returns the files written.

    ``per_policy`` (Markdown only): ``path`` is a folder with ``index.md`` and a file per policy.
    ``on_policy`` is told each policy's name as it is written.
    """
    # Each renderer imports its library only when used: a CSV export never loads reportlab.
    if fmt == "md":
        from .markdown import write_markdown

        return write_markdown(document, path, per_policy=per_policy, on_policy=on_policy)
    if per_policy:
        raise ValueError("one file per policy is available for Markdown (md) only")
    if fmt == "html":
        from .html_page import write_html

        return write_html(document, path, on_policy=on_policy)
    if fmt == "docx":
        from .word import write_docx

        return write_docx(document, path, on_policy=on_policy)
    if fmt == "pdf":
        from .pdf import write_pdf

        return write_pdf(document, path, on_policy=on_policy)
    if fmt == "xlsx":
        from .excel import write_xlsx

        return write_xlsx(document, path, on_policy=on_policy)
    if fmt == "csv":
        from .csv_file import write_csv

        return write_csv(document, path, on_policy=on_policy)
    if fmt == "json":
        from .json_file import write_json

        return write_json(document, path, on_policy=on_policy)
    raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
