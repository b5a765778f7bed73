"""Finding every importable file in any tree: a repository root, nested platform folders, mixed
formats and zip archives.

The format is decided per file, never per folder: a file belongs to an IntuneCD backup or an
IntuneManagement export when one of its parent folders is a type folder of that tool (the
shallowest such folder wins, so a tool's own subfolders never start a new export); any other
JSON file is read on its own as a portal "Export JSON" of a settings catalog policy. Each export
found is read by its importer, and the results are merged into one snapshot. Everything left out
is reported per folder with the reason; a tree with nothing importable is an error that names
the formats looked for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.snapshot import LoadProblem, Names, Problem, Snapshot, TenantInfo, TypeResult, TypeStatus

from .builder import Imported
from .detect import ExportFormat
from .encoding import ImportFileError, parse_json
from .errors import UnknownFormatError
from .intunecd import read_intunecd
from .intunecd_layout import FOLDER_RULES, SKIPPED_FOLDERS
from .intunemanagement import FOLDER_KEYS, MIGRATION_TABLE, NOT_CATALOG_FOLDERS, read_intunemanagement
from .portal import is_portal_policy, read_portal_exports
from .tree import ExportFile, ExportTree, Skipped, ZipLimits, file_tree, folder_tree

__all__ = ["LOOKED_FOR", "FolderReport", "ImportResult", "import_export", "import_tree"]

LOOKED_FOR = (
    "IntuneCD backups (folders such as 'Settings Catalog', 'Device Configurations'), IntuneManagement "
    "exports (MigrationTable.json, folders such as 'SettingsCatalog', 'ConditionalAccess'), settings "
    "catalog JSON exported from the Intune admin center, and zip archives of these"
)


_LABELS = {
    ExportFormat.INTUNECD: "IntuneCD",
    ExportFormat.INTUNEMANAGEMENT: "IntuneManagement",
    ExportFormat.PORTAL: "portal export",
}
_IM_FOLDERS = frozenset(FOLDER_KEYS) | frozenset(NOT_CATALOG_FOLDERS)
_CD_FOLDERS = frozenset(rule.path[0] for rule in FOLDER_RULES) | frozenset(SKIPPED_FOLDERS)
# Both tools write an "Applications" folder: the folder's neighbours or the file decide.
_SHARED = _IM_FOLDERS & _CD_FOLDERS
_CD_INDEX = "index.md"


@dataclass(frozen=True)
class FolderReport:
    """One folder of the tree: what was imported from it and what was left out, and why."""

    folder: str
    formats: tuple[str, ...]
    objects: int
    skipped: tuple[tuple[str, int], ...]
    failed: int

    @property
    def label(self) -> str:
        """The folder as shown (the top of the tree is ".")."""
        return self.folder or "."


@dataclass(frozen=True)
class ImportResult:
    """The merged snapshot of every export found, and the per-folder report."""

    snapshot: Snapshot
    folders: tuple[FolderReport, ...]
    skipped: tuple[Skipped, ...]
    # The exports found: (root folder, format label).
    exports: tuple[tuple[str, str], ...]


@dataclass
class _Export:
    fmt: ExportFormat
    root: str
    files: list[str]


def import_export(
    path: Path, *, catalog: Catalog | None = None, taken_at: datetime | None = None, limits: ZipLimits | None = None
) -> ImportResult:
    """Import everything importable at ``path``: a folder (walked, zips included), a zip archive
    or a single portal export file. ``UnknownFormatError`` when nothing in it can be imported."""
    path = Path(path)
    if path.is_dir():
        if path.name.casefold() in _IM_FOLDERS | _CD_FOLDERS and path.parent != path:
            # The user pointed at one type folder: read it as the type folder it is.
            tree = folder_tree(path.parent, limits, only=path.name)
        else:
            tree = folder_tree(path, limits)
    elif path.is_file():
        tree = file_tree(path, limits)
    else:
        raise UnknownFormatError(f"{path} does not exist")
    return import_tree(tree, catalog=catalog, taken_at=taken_at)


def import_tree(tree: ExportTree, *, catalog: Catalog | None = None, taken_at: datetime | None = None) -> ImportResult:
    """Import every export found in ``tree`` into one snapshot (see the module's docstring)."""
    catalog = catalog if catalog is not None else default_catalog()
    exports, loose = _sort(tree)
    skipped: list[Skipped] = list(tree.skipped)
    portal: list[str] = []
    for file in loose:
        reason = _loose_reason(file)
        if reason is None:
            portal.append(file.path)
        else:
            skipped.append(Skipped(file.path, reason))
    if portal:
        exports.append(_Export(ExportFormat.PORTAL, "", portal))
    parts: list[tuple[str, Imported]] = []
    for export in exports:
        imported = _read(export, tree, catalog, taken_at)
        parts.append((export.root, imported))
        skipped += [Skipped(_join(export.root, s.path), s.reason) for s in imported.skipped]
    snapshot = _merge(parts, catalog) if parts else None
    if snapshot is None or (snapshot.count() == 0 and not snapshot.problems):
        raise UnknownFormatError(_nothing_message(tree, skipped))
    paths = {f.path for f in tree.files}
    # Objects an importer made up (IntuneCD's groups, named by assignments) come from no file.
    object_files = [
        p for root, imported in parts for p in (_join(root, f) for f in imported.object_files) if p in paths
    ]
    return ImportResult(
        snapshot=snapshot,
        folders=_report(object_files, skipped, snapshot.problems, exports, paths),
        skipped=tuple(skipped),
        exports=tuple((e.root or ".", _LABELS[e.fmt]) for e in exports),
    )


def _join(root: str, path: str) -> str:
    return f"{root}/{path}" if root else path


def _sort(tree: ExportTree) -> tuple[list[_Export], list[ExportFile]]:
    """Each file to the tool export it belongs to, or to the loose files."""
    exports: dict[tuple[ExportFormat, str], _Export] = {}
    loose: list[ExportFile] = []
    folders = _child_folders(tree.files)
    for file in tree.files:
        found = _owner(file, folders)
        if found is None:
            loose.append(file)
            continue
        fmt, root = found
        exports.setdefault((fmt, root), _Export(fmt, root, [])).files.append(file.path)
    # A tool's root files (IntuneManagement's migration table, IntuneCD's index) go with it.
    kept = []
    for file in loose:
        root = "/".join(file.parts[:-1])
        name = file.name.casefold()
        if name == MIGRATION_TABLE.casefold() and (ExportFormat.INTUNEMANAGEMENT, root) in exports:
            exports[(ExportFormat.INTUNEMANAGEMENT, root)].files.append(file.path)
        elif name == _CD_INDEX and (ExportFormat.INTUNECD, root) in exports:
            exports[(ExportFormat.INTUNECD, root)].files.append(file.path)
        else:
            kept.append(file)
    return sorted(exports.values(), key=lambda e: (e.root, e.fmt.value)), kept


def _child_folders(files: Iterable[ExportFile]) -> dict[str, set[str]]:
    """Folder → the names (casefolded) of its subfolders and files."""
    children: dict[str, set[str]] = {}
    for file in files:
        parts = file.parts
        for index in range(len(parts)):
            children.setdefault("/".join(parts[:index]), set()).add(parts[index].casefold())
    return children


def _owner(file: ExportFile, folders: dict[str, set[str]]) -> tuple[ExportFormat, str] | None:
    parts = file.parts
    for index, part in enumerate(parts[:-1]):
        name = part.casefold()
        root = "/".join(parts[:index])
        if name in _SHARED:
            fmt = _shared_owner(folders.get(root, set()), file)
            return (fmt, root) if fmt is not None else None
        if name in _IM_FOLDERS:
            return ExportFormat.INTUNEMANAGEMENT, root
        if name in _CD_FOLDERS:
            return ExportFormat.INTUNECD, root
    return None


def _shared_owner(neighbours: set[str], file: ExportFile) -> ExportFormat | None:
    im = len(neighbours & (_IM_FOLDERS - _SHARED)) + (MIGRATION_TABLE.casefold() in neighbours)
    cd = len(neighbours & (_CD_FOLDERS - _SHARED)) + (_CD_INDEX in neighbours)
    if im != cd:
        return ExportFormat.INTUNEMANAGEMENT if im > cd else ExportFormat.INTUNECD
    # Nothing beside it decides: IntuneManagement keeps Graph's OData annotations, IntuneCD strips them.
    value = _peek(file)
    if isinstance(value, dict):
        annotated = any(key.startswith("@odata.") and key != "@odata.type" for key in value)
        return ExportFormat.INTUNEMANAGEMENT if annotated else ExportFormat.INTUNECD
    return ExportFormat.INTUNECD if file.suffix in (".yaml", ".yml") else None


def _peek(file: ExportFile) -> Any:
    if file.suffix != ".json":
        return None
    try:
        return parse_json(file.read())
    except (ImportFileError, OSError):
        return None


def _loose_reason(file: ExportFile) -> str | None:
    """None when ``file`` is a portal export; else why it is left out."""
    if file.suffix != ".json":
        return f"not an export file ({file.suffix or 'no extension'})"
    try:
        value = parse_json(file.read())
    except ImportFileError as exc:
        return f"not read as an export: {exc}"
    except OSError as exc:
        return f"could not be read: {exc.strerror or exc}"
    if is_portal_policy(value):
        return None
    return "JSON, but not a settings catalog export and not inside an IntuneCD or IntuneManagement type folder"


def _read(export: _Export, tree: ExportTree, catalog: Catalog, taken_at: datetime | None) -> Imported:
    sub = tree.only(export.files, export.root)
    if export.fmt is ExportFormat.INTUNECD:
        return read_intunecd(sub, catalog=catalog, taken_at=taken_at)
    if export.fmt is ExportFormat.INTUNEMANAGEMENT:
        return read_intunemanagement(sub, catalog=catalog, taken_at=taken_at)
    return read_portal_exports(sub, catalog=catalog, taken_at=taken_at)


def _worst(statuses: list[TypeStatus], objects: int) -> TypeStatus:
    if all(s is TypeStatus.OK for s in statuses):
        return TypeStatus.OK
    if all(s is TypeStatus.FAILED for s in statuses) and objects == 0:
        return TypeStatus.FAILED
    return TypeStatus.PARTIAL


def _merge(parts: list[tuple[str, Imported]], catalog: Catalog) -> Snapshot:
    """One snapshot of several imports; problems and notes name the export they came from."""
    if len(parts) == 1 and parts[0][0] == "":
        return parts[0][1].snapshot
    several = len(parts) > 1
    objects: dict[str, list[dict[str, Any]]] = {}
    results: dict[str, list[tuple[str, TypeResult]]] = {}
    names = Names()
    problems: list[LoadProblem] = []
    definitions: dict[str, dict[str, Any]] = {}
    tenant = TenantInfo()
    for root, imported in parts:
        snapshot = imported.snapshot
        for key, items in snapshot.objects.items():
            objects.setdefault(key, []).extend(items)
        for key, result in snapshot.results.items():
            results.setdefault(key, []).append((root, result))
        names.update(snapshot.names)
        problems += [LoadProblem(_join(root, p.path), p.reason) for p in snapshot.problems]
        definitions.update(snapshot.setting_definitions)
        tenant.tenant_id = tenant.tenant_id or snapshot.tenant.tenant_id
        tenant.domain = tenant.domain or snapshot.tenant.domain
        tenant.display_name = tenant.display_name or snapshot.tenant.display_name
    order = {record.key: index for index, record in enumerate(catalog)}
    merged: dict[str, TypeResult] = {}
    for key in sorted(results, key=lambda k: (order.get(k, len(order)), k)):
        entries = results[key]
        count = sum(r.count for _, r in entries)

        def where(root: str, problem: Problem) -> Problem:
            # Several exports feed one type: each problem says which export it is about.
            return replace(problem, message=f"{root or '.'}: {problem.message}") if several else problem

        lists = [where(root, r.problem) for root, r in entries if r.problem is not None]
        problem = None
        if lists:
            problem = replace(lists[0], message="; ".join(p.message for p in lists)) if len(lists) > 1 else lists[0]
        merged[key] = TypeResult(
            key=key,
            status=_worst([r.status for _, r in entries], count),
            count=count,
            duration_s=round(sum(r.duration_s for _, r in entries), 3),
            problem=problem,
            child_problems=[where(root, p) for root, r in entries for p in r.child_problems],
        )
    sources = {imported.snapshot.source for _, imported in parts}
    return Snapshot(
        tenant=tenant,
        source=sources.pop() if len(sources) == 1 else "mixed",
        taken_at=max(imported.snapshot.taken_at for _, imported in parts),
        objects={key: objects[key] for key in merged if key in objects},
        results=merged,
        names=names,
        problems=problems,
        setting_definitions=definitions,
    )


def _folder(path: str) -> str:
    return str(PurePosixPath(path).parent).removeprefix(".") if "/" in path else ""


def _report(
    object_files: list[str],
    skipped: list[Skipped],
    problems: list[LoadProblem],
    exports: list[_Export],
    files: set[str],
) -> tuple[FolderReport, ...]:
    objects = Counter(_folder(f) for f in object_files)
    failed = Counter(_folder(p.path) for p in problems)
    reasons: dict[str, Counter[str]] = {}
    for item in skipped:
        # A whole folder left out is reported as that folder; a file, in its folder.
        folder = _folder(item.path) if item.path in files else item.path
        reasons.setdefault(folder, Counter())[item.reason] += 1
    formats: dict[str, set[str]] = {}
    for export in exports:
        for path in export.files:
            formats.setdefault(_folder(path), set()).add(_LABELS[export.fmt])
    folders = sorted(set(objects) | set(failed) | set(reasons))
    return tuple(
        FolderReport(
            folder=folder,
            formats=tuple(sorted(formats.get(folder, ()))),
            objects=objects.get(folder, 0),
            skipped=tuple(sorted(reasons.get(folder, Counter()).items())),
            failed=failed.get(folder, 0),
        )
        for folder in folders
    )


def _nothing_message(tree: ExportTree, skipped: list[Skipped]) -> str:
    if not tree.files and not skipped:
        return f"{tree.label} holds no files to import. Looked for {LOOKED_FOR}"
    sample = "; ".join(f"{s.path}: {s.reason}" for s in skipped[:3])
    more = f" (and {len(skipped) - 3} more)" if len(skipped) > 3 else ""
    return (
        f"nothing in {tree.label} can be imported. Looked for {LOOKED_FOR}. "
        f"Left out {len(skipped)} file(s): {sample}{more}"
    )
