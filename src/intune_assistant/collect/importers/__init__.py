"""Other tools' exports → Snapshot: IntuneCD backups, IntuneManagement exports, portal JSON.

``import_export`` walks any folder, zip archive or file and decides the format per file
(``walk``); the files are read from memory (``tree``), so a folder, a zip file and an upload go
through one code path. Each importer is also usable directly.
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
from .tree import ArchiveError, ExportFile, ExportTree, Skipped, ZipLimits, file_tree, folder_tree, zip_tree
from .walk import LOOKED_FOR, FolderReport, ImportResult, import_export, import_tree

__all__ = [
    "LOOKED_FOR",
    "ArchiveError",
    "ExportFile",
    "ExportFormat",
    "ExportTree",
    "FolderReport",
    "ImportFileError",
    "ImportResult",
    "Skipped",
    "UnknownFormatError",
    "ZipLimits",
    "detect_format",
    "file_tree",
    "folder_tree",
    "import_export",
    "import_intunecd",
    "import_intunemanagement",
    "import_path",
    "import_portal_export",
    "import_tree",
    "read_json",
    "read_text",
    "read_yaml",
    "zip_tree",
]


def import_path(path: Path, *, catalog: Catalog | None = None, taken_at: datetime | None = None) -> Snapshot:
    """Read the export at ``path``, whichever supported tool made it: a folder or zip archive
    (walked for every export in it, see ``import_export``) or one portal export file.

    Raises ``UnknownFormatError`` naming the formats looked for when nothing can be imported.
    """
    path = Path(path)
    if path.is_file() and path.suffix.lower() != ".zip":
        detect_format(path)  # a single file must be a portal export: say so when it is not
        return import_portal_export(path, catalog=catalog, taken_at=taken_at)
    return import_export(path, catalog=catalog, taken_at=taken_at).snapshot
