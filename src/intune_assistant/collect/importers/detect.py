"""Telling which tool made an export, from its folder names and a look at its files."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from .encoding import ImportFileError, parse_json, read_json
from .errors import UnknownFormatError
from .intunecd_layout import FOLDER_RULES
from .intunemanagement import FOLDER_KEYS, MIGRATION_TABLE, NOT_CATALOG_FOLDERS
from .portal import is_portal_policy
from .tree import folder_tree

__all__ = ["ExportFormat", "detect_format"]

# How many JSON files to open when folder names do not decide.
_PEEK = 20


class ExportFormat(StrEnum):
    """The export formats ``import_path`` reads."""

    INTUNECD = "intunecd"
    INTUNEMANAGEMENT = "intunemanagement"
    PORTAL = "portal-export"


def _intunecd_folders() -> frozenset[str]:
    return frozenset(rule.path[0] for rule in FOLDER_RULES) | {"assignment report"}


def _intunemanagement_folders() -> frozenset[str]:
    return frozenset(FOLDER_KEYS) | frozenset(NOT_CATALOG_FOLDERS)


def detect_format(path: Path) -> ExportFormat:
    """The format of the export at ``path``; ``UnknownFormatError`` saying what was looked for."""
    path = Path(path)
    if path.is_file():
        return _detect_file(path)
    if not path.is_dir():
        raise UnknownFormatError(f"{path} does not exist")
    if (path / MIGRATION_TABLE).is_file():
        return ExportFormat.INTUNEMANAGEMENT
    folders = {p.name.casefold() for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")}
    # Both tools have an "Applications" folder; it decides nothing.
    intunecd = len(folders & (_intunecd_folders() - {"applications"}))
    intunemanagement = len(folders & (_intunemanagement_folders() - {"applications"}))
    if (path / "index.md").is_file():
        intunecd += 1
    if intunecd != intunemanagement:
        return ExportFormat.INTUNECD if intunecd > intunemanagement else ExportFormat.INTUNEMANAGEMENT
    return _detect_by_content(path, ambiguous=intunecd > 0)


def _detect_file(path: Path) -> ExportFormat:
    try:
        value = read_json(path)
    except ImportFileError as exc:
        raise UnknownFormatError(f"{path} cannot be imported: {exc}") from None
    if is_portal_policy(value):
        return ExportFormat.PORTAL
    raise UnknownFormatError(
        f"{path} is not a settings catalog export from the Intune admin center; IntuneCD backups "
        "and IntuneManagement exports are imported as folders"
    )


def _detect_by_content(path: Path, *, ambiguous: bool) -> ExportFormat:
    files = [f for f in folder_tree(path).files if f.suffix == ".json"][:_PEEK]
    values = []
    for file in files:
        try:
            values.append(parse_json(file.read()))
        except (ImportFileError, OSError):
            continue
    # Portal exports may carry @odata.context too: their shape decides first.
    portal = sum(1 for v in values if is_portal_policy(v))
    if portal and portal * 2 > len(values):
        return ExportFormat.PORTAL
    if any(isinstance(v, dict) and "@odata.context" in v for v in values):
        return ExportFormat.INTUNEMANAGEMENT
    why = "its folders match both IntuneCD and IntuneManagement" if ambiguous else "nothing in it matches"
    raise UnknownFormatError(
        f"{path} is not an export this version can read ({why}). Expected an IntuneCD backup (folders "
        "such as 'Settings Catalog', 'Device Configurations'), an IntuneManagement export "
        "(MigrationTable.json, folders such as 'SettingsCatalog', 'ConditionalAccess') or settings "
        "catalog JSON exported from the Intune admin center"
    )
