"""Documentation renderers: Markdown, HTML, Word, PDF, Excel, CSV and JSON.

``build_document`` turns a snapshot into a ``Document`` (pure); ``render_document`` writes it in
one format to a binary stream the caller gives (a file the CLI opened, a buffer the web app
sends). Renderers never open files or temporary files themselves: tenant data stays in memory
until the caller decides where it goes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO

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
    "document_bytes",
    "export_filename",
    "markdown_pages",
    "render_document",
    "slug",
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


def render_document(
    document: Document, fmt: str, out: IO[bytes], *, on_policy: Callable[[str], None] | None = None
) -> None:
    """Write ``document`` as ``fmt`` to the binary stream ``out``.

    ``on_policy`` is told each policy's name as it is written.
    """
    # Each renderer imports its library only when used: a CSV export never loads reportlab.
    if fmt == "md":
        from .markdown import render_markdown

        render_markdown(document, out, on_policy=on_policy)
    elif fmt == "html":
        from .html_page import render_html

        render_html(document, out, on_policy=on_policy)
    elif fmt == "docx":
        from .word import render_docx

        render_docx(document, out, on_policy=on_policy)
    elif fmt == "pdf":
        from .pdf import render_pdf

        render_pdf(document, out, on_policy=on_policy)
    elif fmt == "xlsx":
        from .excel import render_xlsx

        render_xlsx(document, out, on_policy=on_policy)
    elif fmt == "csv":
        from .csv_file import render_csv

        render_csv(document, out, on_policy=on_policy)
    elif fmt == "json":
        from .json_file import render_json

        render_json(document, out, on_policy=on_policy)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def document_bytes(document: Document, fmt: str, *, on_policy: Callable[[str], None] | None = None) -> bytes:
    """``document`` in format ``fmt``, as bytes in memory."""
    buffer = io.BytesIO()
    render_document(document, fmt, buffer, on_policy=on_policy)
    return buffer.getvalue()


def markdown_pages(document: Document, *, on_policy: Callable[[str], None] | None = None) -> list[tuple[str, bytes]]:
    """``document`` as Markdown pages: ``index.md`` and one per policy, as (file name, bytes)."""
    from .markdown import markdown_pages as pages

    return pages(document, on_policy=on_policy)
