"""The Intune admin center's "Export JSON" of settings catalog policies → Snapshot.

The portal exports one policy per file: ``name``, ``description``, ``platforms``,
``technologies``, ``settings`` (each with a ``settingInstance`` carrying its ``@odata.type``),
and no top-level ``@odata.type``, id or assignments. A file or a folder of such files is read;
the policies become ``settingsCatalog`` objects with a synthetic id when they have none. The
export never holds assignments, so the result says so instead of claiming there are none.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.snapshot import Snapshot, TenantInfo

from .builder import ImportBuilder, Imported
from .encoding import ImportFileError, parse_json
from .errors import UnknownFormatError
from .files import describe_os_error
from .odata import strip_odata_noise
from .synthetic import synthetic_id
from .tree import ExportFile, ExportTree, file_tree, folder_tree

__all__ = ["import_portal_export", "is_portal_policy", "read_portal_exports"]

KEY = "settingsCatalog"
# What Graph calls a settings catalog policy, should an export name its own type.
_POLICY_TYPE = "deviceManagementConfigurationPolicy"


def is_portal_policy(value: Any) -> bool:
    """True when ``value`` has the shape of a portal settings catalog export."""
    if not isinstance(value, dict):
        return False
    odata_type = value.get("@odata.type")
    if odata_type is not None and not str(odata_type).endswith(_POLICY_TYPE):
        return False
    settings = value.get("settings")
    return (
        isinstance(value.get("name"), str)
        and isinstance(settings, list)
        and all(isinstance(s, dict) and isinstance(s.get("settingInstance"), dict) for s in settings)
    )


def import_portal_export(path: Path, *, catalog: Catalog | None = None, taken_at: datetime | None = None) -> Snapshot:
    """Read one portal export file, or every ``.json`` file under a folder, as settings catalog.

    Files that are not such exports are listed in ``problems``; the rest still loads.
    """
    source = Path(path)
    if source.is_file():
        tree = file_tree(source)
    elif source.is_dir():
        tree = folder_tree(source)
    else:
        raise UnknownFormatError(f"{source} does not exist")
    return read_portal_exports(tree, catalog=catalog, taken_at=taken_at, strict=True).snapshot


def read_portal_exports(
    tree: ExportTree, *, catalog: Catalog | None = None, taken_at: datetime | None = None, strict: bool = False
) -> Imported:
    """Read every file of ``tree`` as a portal settings catalog export.

    ``strict``: a JSON file of another shape is a problem (the user said these are portal
    exports); otherwise it is skipped (the tree walker already judged each file).
    """
    builder = ImportBuilder("portal-export", catalog if catalog is not None else default_catalog())
    for file in tree.files:
        _read_policy(file, builder, strict)
    return builder.imported(builder.build(TenantInfo(), taken_at=taken_at, assignments_exported=False))


def _read_policy(file: ExportFile, builder: ImportBuilder, strict: bool) -> None:
    started = time.perf_counter()
    rel = file.path
    if file.suffix != ".json":
        builder.skip(rel, f"not a JSON export ({file.suffix or 'no extension'}); not imported")
        return
    builder.saw_file(file)
    try:
        value = parse_json(file.read())
    except ImportFileError as exc:
        builder.fail(rel, str(exc), KEY)
        return
    except OSError as exc:
        builder.fail(rel, describe_os_error(exc), KEY)
        return
    if not is_portal_policy(value):
        reason = "not a settings catalog export (expects name and settings[].settingInstance)"
        if strict:
            builder.fail(rel, reason)
        else:
            builder.skip(rel, reason)
        return
    obj: dict[str, Any] = strip_odata_noise(value)
    if not isinstance(obj.get("id"), str) or not obj["id"]:
        obj["id"] = synthetic_id(f"object:{KEY}", rel)
    builder.add(KEY, obj, rel)
    builder.add_time(KEY, time.perf_counter() - started)
