"""Open rendered files in their real readers and return what a person (or program) would see."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pypdf

from intune_assistant.render import Document, document_bytes


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.links: list[str] = []
        self.scripts = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag == "a" and (found.get("href") or "").startswith("#"):
            self.links.append(str(found["href"])[1:])
        self.scripts += tag == "script"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read_html(path: Path) -> _Html:
    parser = _Html()
    parser.feed(path.read_text("utf-8"))
    parser.close()
    return parser


def read_markdown_anchors(text: str) -> tuple[list[str], list[str]]:
    """(anchors defined with <a id>, in-page link targets)."""
    return re.findall(r'<a id="([^"]+)"></a>', text), re.findall(r"\]\(#([^)]+)\)", text)


def read_docx(path: Path) -> Any:
    return docx.Document(str(path))


def read_xlsx(path: Path) -> Any:
    return openpyxl.load_workbook(path)


def read_pdf_text(path: Path) -> tuple[str, int]:
    """All text (whitespace collapsed) and the number of bookmarks."""
    reader = pypdf.PdfReader(str(path))
    text = " ".join(page.extract_text() or "" for page in reader.pages)

    def count(items: Any) -> int:
        return sum(count(i) if isinstance(i, list) else 1 for i in items)

    return " ".join(text.split()), count(reader.outline)


def read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    assert b"\r\n" in data
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def save(document: Document, fmt: str, path: Path) -> Path:
    """The rendered bytes written to ``path`` (the renderers themselves never touch a disk)."""
    path.write_bytes(document_bytes(document, fmt))
    return path
