"""Documentation downloads: build the document from the cached snapshot and render it to bytes.

Rendered in memory and sent from memory: no export touches the server's disk, not even a
temporary file (DESIGN §2.4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from intune_assistant.analyses.settings import documented_types
from intune_assistant.catalog import Catalog
from intune_assistant.render import FORMATS, DocumentOptions, build_document, document_bytes
from intune_assistant.snapshot import Snapshot

# Format → (label shown in the form, media type of the download).
FORMAT_CHOICES: dict[str, tuple[str, str]] = {
    "html": ("HTML page", "text/html; charset=utf-8"),
    "docx": ("Word (.docx)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": ("PDF", "application/pdf"),
    "xlsx": ("Excel (.xlsx)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "md": ("Markdown", "text/markdown; charset=utf-8"),
    "csv": ("CSV (settings rows)", "text/csv; charset=utf-8"),
    "json": ("JSON", "application/json"),
}
DEFAULT_FORMAT = "html"


@dataclass(frozen=True)
class DocumentRequest:
    """What the user asked to download: format, types, assignments, script content."""

    fmt: str
    types: tuple[str, ...]
    assignments: bool
    scripts: bool

    @classmethod
    def parse(cls, params: Mapping[str, str], types: Iterable[str], type_keys: list[str]) -> DocumentRequest:
        """From URL parameters: unknown types are ignored; no type at all means every type."""
        known = set(type_keys)
        wanted = tuple(t for t in types if t in known)
        return cls(
            fmt=params.get("format", DEFAULT_FORMAT),
            types=wanted or tuple(type_keys),
            assignments=params.get("assignments", "0") == "1",
            scripts=params.get("scripts", "0") == "1",
        )

    @property
    def valid_format(self) -> bool:
        """True when the format is one the renderers know."""
        return self.fmt in FORMAT_CHOICES and self.fmt in FORMATS

    @property
    def extension(self) -> str:
        """The file extension of the format."""
        return FORMATS[self.fmt]

    @property
    def media_type(self) -> str:
        """The download's media type."""
        return FORMAT_CHOICES[self.fmt][1]


def type_choices(catalog: Catalog, snapshot: Snapshot | None = None) -> list[tuple[str, str, int | None]]:
    """(key, label, object count or None) of every documented type, in catalog order."""
    return [
        (r.key, r.label, len(snapshot.read_objects(r.key) or ()) if snapshot is not None else None)
        for r in documented_types(catalog)
    ]


def render_document(snapshot: Snapshot, catalog: Catalog, wanted: DocumentRequest) -> bytes:
    """The document as bytes in the requested format (blocking: run it in a worker thread)."""
    options = DocumentOptions(
        types=wanted.types,
        include_assignments=wanted.assignments,
        include_script_content=wanted.scripts,
    )
    return document_bytes(build_document(snapshot, catalog, options=options), wanted.fmt)
