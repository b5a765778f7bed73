"""Save a Snapshot as a folder and load it back, exactly.

Layout::

    <folder>/manifest.json                     schema version, tenant, source, time, results,
                                               names, problems, and per type its object files
    <folder>/objects/<typeKey>/<name>__<suffix>.json   one Graph-shaped object per file
    <folder>/definitions.json                  settings-catalog definitions by id (when any;
                                               older snapshots have none and still load)

JSON is UTF-8, keys sorted, indented by 2, non-ASCII kept readable. Each file is written to a
temporary name and renamed into place; a new set of object files is staged beside the old one
and swapped in, so a folder always holds one whole snapshot. A file that cannot be read when
loading becomes a ``LoadProblem`` and the rest still loads.

Saving is for the user's own machine (CLI exports); the web service keeps snapshots in memory.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import zipfile
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from intune_assistant.catalog import Catalog, default_catalog

from .filenames import ObjectFileNamer
from .json_depth import loads_shallow
from .json_kind import json_kind
from .model import SCHEMA_VERSION, LoadProblem, Names, Snapshot, TenantInfo, TypeResult, TypeStatus
from .problems import Problem, ProblemKind

__all__ = [
    "MANIFEST",
    "NotASnapshotFolderError",
    "SnapshotError",
    "load_snapshot",
    "load_snapshot_files",
    "save_snapshot",
]

MANIFEST = "manifest.json"
OBJECTS = "objects"
DEFINITIONS = "definitions.json"
# Marks a manifest as ours, so a folder holding someone else's manifest.json is never replaced.
FORMAT = "intune-assistant-snapshot"
_STAGING = ".objects-staging-"
_RETIRED = ".objects-old-"
_TMP_SUFFIX = ".tmp"

# schema_version → function turning a manifest of that version into the next version's shape.
# Version 1 is the first; a change to the layout adds an entry here and bumps SCHEMA_VERSION.
_T = TypeVar("_T")

# Version 1 kept each result's reasons as text ("error", "child_errors"); version 2 keeps them as
# problems (kind, scope or role, status, code, request id, part, object).
_V1_CHILD_ERROR = re.compile(
    r"^(?P<part>\w[\w ]*) of (?P<quote>['\"])(?P<name>.*?)(?P=quote): (?P<message>.*)\Z", re.DOTALL
)


def _v1_to_v2(manifest: dict[str, Any]) -> dict[str, Any]:
    """Text reasons become problems of kind ``other`` (the text is all version 1 kept); a child
    error in the collector's ``"{part} of '{name}': {reason}"`` form keeps its part and object."""
    results = manifest.get("results")
    for raw in results if isinstance(results, list) else []:
        if not isinstance(raw, dict):
            continue
        error = raw.pop("error", None)
        raw["problem"] = {"kind": ProblemKind.OTHER.value, "message": error} if isinstance(error, str) else None
        children = raw.pop("child_errors", [])
        migrated = []
        for text in children if isinstance(children, list) else []:
            match = _V1_CHILD_ERROR.match(str(text))
            if match:
                migrated.append(
                    {
                        "kind": ProblemKind.OTHER.value,
                        "message": match["message"],
                        "part": match["part"],
                        "object_name": match["name"],
                    }
                )
            else:
                migrated.append({"kind": ProblemKind.OTHER.value, "message": str(text)})
        raw["child_problems"] = migrated
    return manifest


MIGRATIONS: Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


class SnapshotError(Exception):
    """A snapshot folder that cannot be written or read, with the reason in the message."""


class NotASnapshotFolderError(SnapshotError, FileExistsError):
    """The target folder holds other files; saving would mix a snapshot into them."""


# ---------------------------------------------------------------------------------------------
# Save


def save_snapshot(snapshot: Snapshot, folder: Path, catalog: Catalog | None = None) -> Path:
    """Write ``snapshot`` into ``folder`` (created if needed) and return the manifest's path.

    The folder may be new, empty, or hold a previous snapshot, which is replaced whole. A folder
    holding anything else raises ``NotASnapshotFolderError`` and is left untouched.
    """
    catalog = catalog if catalog is not None else default_catalog()
    folder = Path(folder)
    _check_keys(snapshot.objects)
    _prepare_folder(folder)
    token = secrets.token_hex(4)
    staging = folder / f"{_STAGING}{token}"
    try:
        files = _write_objects(snapshot, staging, catalog)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    current = folder / OBJECTS
    retired = folder / f"{_RETIRED}{token}"
    if current.exists():
        os.replace(current, retired)
    os.replace(staging, current)
    definitions_path = folder / DEFINITIONS
    if snapshot.setting_definitions:
        _write_atomic(definitions_path, _dumps(snapshot.setting_definitions, what=DEFINITIONS))
    manifest_path = folder / MANIFEST
    _write_atomic(manifest_path, _dumps(_manifest(snapshot, files), what=MANIFEST), durable=True)
    if not snapshot.setting_definitions:
        definitions_path.unlink(missing_ok=True)  # a previous snapshot's, no longer described
    shutil.rmtree(retired, ignore_errors=True)
    return manifest_path


def snapshot_zip(snapshot: Snapshot, catalog: Catalog | None = None) -> bytes:
    """``snapshot`` as a zip of the snapshot folder (manifest, objects, definitions), built in memory.

    For downloads (a backup before a write): nothing touches the disk; ``load_snapshot_files`` and
    the upload readers read it back.
    """
    catalog = catalog if catalog is not None else default_catalog()
    _check_keys(snapshot.objects)
    buffer = io.BytesIO()
    files: dict[str, list[str]] = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, items in snapshot.objects.items():
            namer = ObjectFileNamer()
            files[key] = []
            for index, obj in enumerate(items):
                path = f"{OBJECTS}/{key}/{namer.name_for(snapshot.display_name(key, obj, catalog), obj)}"
                archive.writestr(path, _dumps(obj, what=f"object {index} of {key!r}"))
                files[key].append(path)
        if snapshot.setting_definitions:
            archive.writestr(DEFINITIONS, _dumps(snapshot.setting_definitions, what=DEFINITIONS))
        archive.writestr(MANIFEST, _dumps(_manifest(snapshot, files), what=MANIFEST))
    return buffer.getvalue()


def _check_keys(objects: Mapping[str, object]) -> None:
    seen: dict[str, str] = {}
    for key in objects:
        if not key or key in (".", "..") or any(c in key for c in '/\\:*?"<>|\0') or key != key.strip(" ."):
            raise SnapshotError(f"type key {key!r} cannot be a folder name")
        other = seen.setdefault(key.casefold(), key)
        if other != key:
            raise SnapshotError(f"type keys {other!r} and {key!r} differ only in case")


def _is_leftover(name: str) -> bool:
    return name.startswith((_STAGING, _RETIRED)) or (name.startswith(".") and name.endswith(_TMP_SUFFIX))


def _prepare_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise NotASnapshotFolderError(f"{folder} is a file, not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    entries = list(folder.iterdir())
    leftovers = [e for e in entries if _is_leftover(e.name)]
    if len(leftovers) < len(entries) and not _is_snapshot_folder(folder):
        raise NotASnapshotFolderError(
            f"{folder} is not empty and holds no snapshot (no {MANIFEST} written by Intune Assistant); "
            "choose a new or empty folder"
        )
    # Debris of an interrupted save is ours to remove.
    for entry in leftovers:
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _is_snapshot_folder(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8-sig"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == FORMAT


def _write_objects(snapshot: Snapshot, staging: Path, catalog: Catalog) -> dict[str, list[str]]:
    staging.mkdir()
    files: dict[str, list[str]] = {}
    for key, items in snapshot.objects.items():
        type_folder = staging / key
        type_folder.mkdir()
        namer = ObjectFileNamer()
        names: list[str] = []
        for index, obj in enumerate(items):
            name = namer.name_for(snapshot.display_name(key, obj, catalog), obj)
            _write_atomic(type_folder / name, _dumps(obj, what=f"object {index} of {key!r}"))
            names.append(f"{OBJECTS}/{key}/{name}")
        files[key] = names
    return files


def _manifest(snapshot: Snapshot, files: dict[str, list[str]]) -> dict[str, Any]:
    names = snapshot.names
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "tenant": {
            "tenant_id": snapshot.tenant.tenant_id,
            "domain": snapshot.tenant.domain,
            "display_name": snapshot.tenant.display_name,
        },
        "source": snapshot.source,
        "taken_at": snapshot.taken_at.isoformat(),
        # Lists, not maps, so the order of types survives the sorted-keys JSON.
        "objects": [{"key": key, "files": paths} for key, paths in files.items()],
        "results": [
            {
                "key": r.key,
                "status": r.status.value,
                "count": r.count,
                "duration_s": r.duration_s,
                "requests": r.requests,
                "problem": _problem_json(r.problem) if r.problem is not None else None,
                "child_problems": [_problem_json(p) for p in r.child_problems],
                "read_in_full": r.read_in_full,
                "full_read_reason": r.full_read_reason,
            }
            for r in snapshot.results.values()
        ],
        "names": {
            "groups": names.groups,
            "filters": names.filters,
            "scope_tags": names.scope_tags,
            "unresolved_groups": sorted(names.unresolved_groups),
        },
        "problems": [{"path": p.path, "reason": p.reason} for p in snapshot.problems],
        "definitions": DEFINITIONS if snapshot.setting_definitions else None,
    }


def _problem_json(problem: Problem) -> dict[str, Any]:
    fields = {
        "kind": problem.kind.value,
        "message": problem.message,
        "status": problem.status,
        "code": problem.code,
        "request_id": problem.request_id,
        "scope": problem.scope,
        "role": problem.role,
        "part": problem.part,
        "object_id": problem.object_id,
        "object_name": problem.object_name,
        "stopped_after": problem.stopped_after,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _dumps(value: Any, *, what: str) -> bytes:
    options: dict[str, Any] = {"sort_keys": True, "indent": 2, "allow_nan": False}
    try:
        text = json.dumps(value, ensure_ascii=False, **options)
    except (TypeError, ValueError) as exc:
        raise SnapshotError(f"{what} is not JSON data: {exc}") from None
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (legal in JSON text, not in UTF-8): escape everything non-ASCII so the
        # value still round-trips exactly.
        return (json.dumps(value, ensure_ascii=True, **options) + "\n").encode("ascii")


def _write_atomic(path: Path, data: bytes, *, durable: bool = False) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}{_TMP_SUFFIX}")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------------
# Load


def load_snapshot(folder: Path) -> Snapshot:
    """Read a snapshot folder written by ``save_snapshot`` (this or an older schema version).

    Raises ``SnapshotError`` when the folder has no readable manifest or was written by a newer
    version. Object files that cannot be read become ``LoadProblem``s; their type is marked
    partial, and everything else loads.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SnapshotError(f"{folder} is not a folder")
    if not (folder / MANIFEST).is_file():
        raise SnapshotError(f"{folder} has no {MANIFEST}: it is not a snapshot folder")
    return load_snapshot_files(lambda relative: (folder / relative).read_bytes(), str(folder))


def load_snapshot_files(read: Callable[[str], bytes], label: str) -> Snapshot:
    """Read a snapshot whose files ``read`` returns by relative path (``manifest.json``,
    ``objects/...``): a folder, or a zip held in memory. ``read`` raises ``OSError`` (such as
    ``FileNotFoundError``) for a file it cannot give. Errors as ``load_snapshot``."""
    manifest_path = f"{label}/{MANIFEST}"
    try:
        raw = loads_shallow(read(MANIFEST), "utf-8-sig")
    except FileNotFoundError:
        raise SnapshotError(f"{label} has no {MANIFEST}: it is not a snapshot folder") from None
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{manifest_path} could not be read: {exc}") from None
    manifest = _migrate(_require(raw, dict, MANIFEST))

    objects: dict[str, list[dict[str, Any]]] = {}
    problems = [_problem(p) for p in _require(manifest.get("problems", []), list, "problems")]
    failed: dict[str, int] = {}
    for entry in _require(manifest.get("objects", []), list, "objects"):
        entry = _require(entry, dict, "objects[]")
        key = _require(entry.get("key"), str, "objects[].key")
        items = objects.setdefault(key, [])
        for relative in _require(entry.get("files"), list, f"objects[{key}].files"):
            obj, reason = _read_object(read, relative)
            if obj is not None:
                items.append(obj)
            else:
                problems.append(LoadProblem(str(relative), reason))
                failed[key] = failed.get(key, 0) + 1

    results: dict[str, TypeResult] = {}
    for item in _require(manifest.get("results", []), list, "results"):
        result = _result(_require(item, dict, "results[]"))
        results[result.key] = result
    for key, count in failed.items():
        _mark_unread(results, key, count, loaded=len(objects[key]))

    definitions: dict[str, dict[str, Any]] = {}
    if manifest.get("definitions") is not None:
        definitions, reason = _read_definitions(read, manifest["definitions"])
        if reason:
            problems.append(LoadProblem(DEFINITIONS, reason))

    return Snapshot(
        tenant=_tenant(_require(manifest.get("tenant", {}), dict, "tenant")),
        source=_require(manifest.get("source"), str, "source"),
        taken_at=_taken_at(manifest.get("taken_at")),
        objects=objects,
        results=results,
        names=_names(_require(manifest.get("names", {}), dict, "names")),
        problems=problems,
        setting_definitions=definitions,
    )


def _read_definitions(read: Callable[[str], bytes], name: object) -> tuple[dict[str, dict[str, Any]], str]:
    """The snapshot's setting definitions, or none and the reason (names then come from ids)."""
    if name != DEFINITIONS:
        return {}, f"manifest names {name!r} as the definitions file; only {DEFINITIONS} is read"
    try:
        value = loads_shallow(read(DEFINITIONS))
    except FileNotFoundError:
        return {}, "file is missing; setting names are derived from their ids"
    except OSError as exc:
        return {}, f"could not be read: {exc.strerror or exc}"
    except (UnicodeDecodeError, ValueError) as exc:
        return {}, f"not valid JSON: {exc}"
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        return {}, "expected an object of definitions by id"
    return {str(k): v for k, v in value.items()}, ""


def _migrate(manifest: dict[str, Any]) -> dict[str, Any]:
    version = manifest.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SnapshotError(f"{MANIFEST} has no valid schema_version (found {version!r})")
    if version > SCHEMA_VERSION:
        raise SnapshotError(
            f"this snapshot has schema version {version}, newer than the version this Intune Assistant "
            f"reads ({SCHEMA_VERSION}); upgrade Intune Assistant to open it"
        )
    while version < SCHEMA_VERSION:
        manifest = MIGRATIONS[version](manifest)
        version += 1
        manifest["schema_version"] = version
    return manifest


def _read_object(read: Callable[[str], bytes], relative: object) -> tuple[dict[str, Any] | None, str]:
    if not isinstance(relative, str):
        return None, f"not a file name: {relative!r}"
    parts = PurePosixPath(relative).parts
    if PurePosixPath(relative).is_absolute() or ".." in parts or not parts or parts[0] != OBJECTS:
        return None, "outside the snapshot's objects folder; not read"
    try:
        value = loads_shallow(read("/".join(parts)))
    except FileNotFoundError:
        return None, "file is missing"
    except OSError as exc:
        return None, f"could not be read: {exc.strerror or exc}"
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text: {exc.reason} at byte {exc.start}"
    except ValueError as exc:
        return None, f"not valid JSON: {exc}"
    if not isinstance(value, dict):
        return None, f"expected a JSON object, found {json_kind(value)}"
    return value, ""


def _mark_unread(results: dict[str, TypeResult], key: str, count: int, *, loaded: int) -> None:
    note = Problem(ProblemKind.NOT_IN_EXPORT, f"{count} object file(s) could not be read when loading; see problems")
    result = results.get(key)
    if result is None:
        results[key] = TypeResult(key, TypeStatus.PARTIAL, loaded, 0.0, problem=note)
        return
    if result.status is TypeStatus.OK:
        result.status = TypeStatus.PARTIAL
    result.child_problems.append(note)


def _require(value: object, kind: type[_T], where: str) -> _T:
    if not isinstance(value, kind):
        raise SnapshotError(f"{MANIFEST}: {where} should be {json_kind(kind())}, found {json_kind(value)}")
    return value


def _optional_str(value: object, where: str) -> str | None:
    return None if value is None else _require(value, str, where)


def _tenant(raw: dict[str, Any]) -> TenantInfo:
    return TenantInfo(
        tenant_id=_optional_str(raw.get("tenant_id"), "tenant.tenant_id"),
        domain=_optional_str(raw.get("domain"), "tenant.domain"),
        display_name=_optional_str(raw.get("display_name"), "tenant.display_name"),
    )


def _taken_at(raw: object) -> datetime:
    try:
        taken_at = datetime.fromisoformat(_require(raw, str, "taken_at"))
    except ValueError:
        raise SnapshotError(f"{MANIFEST}: taken_at {raw!r} is not an ISO date and time") from None
    if taken_at.tzinfo is None:
        raise SnapshotError(f"{MANIFEST}: taken_at {raw!r} has no time zone")
    return taken_at


def _result(raw: dict[str, Any]) -> TypeResult:
    key = _require(raw.get("key"), str, "results[].key")
    try:
        status = TypeStatus(str(raw.get("status")))
    except ValueError:
        raise SnapshotError(f"{MANIFEST}: results[{key}].status {raw.get('status')!r} is unknown") from None
    children = _require(raw.get("child_problems", []), list, f"results[{key}].child_problems")
    problem = raw.get("problem")
    duration = raw.get("duration_s", 0.0)
    if not isinstance(duration, int | float) or isinstance(duration, bool):
        raise SnapshotError(f"{MANIFEST}: results[{key}].duration_s should be a number")
    return TypeResult(
        key=key,
        status=status,
        count=_require(raw.get("count", 0), int, f"results[{key}].count"),
        duration_s=float(duration),
        requests=_require(raw.get("requests", 0), int, f"results[{key}].requests"),
        problem=_read_problem(problem, f"results[{key}].problem") if problem is not None else None,
        child_problems=[_read_problem(p, f"results[{key}].child_problems[]") for p in children],
        read_in_full=_require(raw.get("read_in_full", True), bool, f"results[{key}].read_in_full"),
        full_read_reason=_optional_text(raw.get("full_read_reason"), f"results[{key}].full_read_reason"),
    )


def _optional_text(value: object, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise SnapshotError(f"{MANIFEST}: {where} should be text")


def _read_problem(raw: object, where: str) -> Problem:
    fields = _require(raw, dict, where)
    try:
        kind = ProblemKind(str(fields.get("kind")))
    except ValueError:
        raise SnapshotError(f"{MANIFEST}: {where}.kind {fields.get('kind')!r} is unknown") from None
    status = fields.get("status")
    if status is not None and (not isinstance(status, int) or isinstance(status, bool)):
        raise SnapshotError(f"{MANIFEST}: {where}.status should be a number")
    stopped = fields.get("stopped_after")
    if stopped is not None and (not isinstance(stopped, int) or isinstance(stopped, bool)):
        raise SnapshotError(f"{MANIFEST}: {where}.stopped_after should be a number")
    return Problem(
        kind=kind,
        message=_require(fields.get("message", ""), str, f"{where}.message"),
        status=status,
        code=_optional_str(fields.get("code"), f"{where}.code"),
        request_id=_optional_str(fields.get("request_id"), f"{where}.request_id"),
        scope=_optional_str(fields.get("scope"), f"{where}.scope"),
        role=_optional_str(fields.get("role"), f"{where}.role"),
        part=_require(fields.get("part", ""), str, f"{where}.part"),
        object_id=_optional_str(fields.get("object_id"), f"{where}.object_id"),
        object_name=_optional_str(fields.get("object_name"), f"{where}.object_name"),
        stopped_after=stopped,
    )


def _string_map(raw: object, where: str) -> dict[str, str]:
    mapping = _require(raw if raw is not None else {}, dict, where)
    return {str(k): str(v) for k, v in mapping.items()}


def _names(raw: dict[str, Any]) -> Names:
    unresolved = _require(raw.get("unresolved_groups", []), list, "names.unresolved_groups")
    return Names(
        groups=_string_map(raw.get("groups"), "names.groups"),
        filters=_string_map(raw.get("filters"), "names.filters"),
        scope_tags=_string_map(raw.get("scope_tags"), "names.scope_tags"),
        unresolved_groups={str(g) for g in unresolved},
    )


def _problem(raw: object) -> LoadProblem:
    problem = _require(raw, dict, "problems[]")
    return LoadProblem(
        path=_require(problem.get("path"), str, "problems[].path"),
        reason=_require(problem.get("reason"), str, "problems[].reason"),
    )
