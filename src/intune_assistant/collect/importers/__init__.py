"""Other tools' exports → Snapshot: IntuneCD backups, IntuneManagement exports, portal JSON.

``import_path`` tells the format apart and reads it; each importer is also usable directly.
Every importer keeps reading past a bad file: the file becomes a ``LoadProblem`` and its type
is marked partial, so what could not be read is never mistaken for what does not exist.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot

from .detect import ExportFormat, detect_format
from .encoding import ImportFileError, read_json, read_text, read_yaml
from .errors import UnknownFormatError
from .intunecd import import_intunecd
from .intunemanagement import import_intunemanagement
from .portal import import_portal_export

__all__ = [
    "ExportFormat",
    "ImportFileError",
    "UnknownFormatError",
    "detect_format",
    "import_intunecd",
    "import_intunemanagement",
    "import_path",
    "import_portal_export",
    "read_json",
    "read_text",
    "read_yaml",
]


def import_path(path: Path, *, catalog: Catalog | None = None, taken_at: datetime | None = None) -> Snapshot:
    """Read the export at ``path``, whichever supported tool made it.

    Raises ``UnknownFormatError`` when ``path`` is none of: an IntuneCD backup folder, an
    IntuneManagement export folder, a portal settings catalog export (file or folder of files).
    """
    fmt = detect_format(Path(path))
    if fmt is ExportFormat.INTUNECD:
        return import_intunecd(path, catalog=catalog, taken_at=taken_at)
    if fmt is ExportFormat.INTUNEMANAGEMENT:
        return import_intunemanagement(path, catalog=catalog, taken_at=taken_at)
    return import_portal_export(path, catalog=catalog, taken_at=taken_at)
