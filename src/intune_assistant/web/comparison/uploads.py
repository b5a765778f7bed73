"""Uploaded baselines and snapshots: read in a temporary folder that is always deleted.

A zip is extracted with the baselines' safe extractor (no absolute or climbing names, no links,
sizes counted while writing); a single JSON file is a portal export. The folder is removed in a
``finally``, so the server keeps nothing of an upload, whatever happens.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import IO

from intune_assistant.baselines import BaselineDownloadError, DownloadLimits, extract_zip
from intune_assistant.catalog import Catalog
from intune_assistant.collect.importers import ImportFileError, UnknownFormatError, import_path
from intune_assistant.snapshot import Snapshot, SnapshotError, load_snapshot

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
TEMP_PREFIX = "intune-assistant-compare-"
_MANIFEST = "manifest.json"
_ZIP_MAGIC = b"PK\x03\x04"
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_LIMITS = DownloadLimits(archive_bytes=MAX_UPLOAD_BYTES, total_bytes=200 * 1024 * 1024, file_bytes=MAX_UPLOAD_BYTES)


class UploadError(Exception):
    """An upload that cannot be used; the message says why, in the user's words."""


def _children(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX")))


def _read_tree(root: Path, catalog: Catalog, *, snapshot_only: bool, depth: int = 3) -> Snapshot:
    """A snapshot folder or an importable export at ``root`` or in its single subfolder."""
    if (root / _MANIFEST).is_file():
        return load_snapshot(root)
    if not snapshot_only:
        try:
            return import_path(root, catalog=catalog)
        except UnknownFormatError:
            pass
    children = _children(root)
    if depth > 0 and len(children) == 1 and children[0].is_dir():
        return _read_tree(children[0], catalog, snapshot_only=snapshot_only, depth=depth - 1)
    if snapshot_only:
        raise UploadError("the zip holds no snapshot folder (a folder with manifest.json)")
    raise UploadError(
        "the zip is not an export Intune Assistant can read (a snapshot folder, an IntuneCD backup, "
        "an IntuneManagement export or portal JSON exports)"
    )


def _json_name(filename: str) -> str:
    stem = _UNSAFE.sub("_", Path(filename).stem).strip(" ._") or "upload"
    return stem[:100] + ".json"


def read_upload(data: IO[bytes], filename: str, catalog: Catalog, *, snapshot_only: bool = False) -> Snapshot:
    """The snapshot in an uploaded zip (or, unless ``snapshot_only``, a single JSON export).

    Raises ``UploadError`` with a reason the user can act on; deletes every file it wrote.
    """
    head = data.read(4)
    data.seek(0)
    is_zip = head == _ZIP_MAGIC
    is_json = not is_zip and filename.lower().endswith(".json")
    if not is_zip and (snapshot_only or not is_json):
        wanted = "a .zip of a snapshot folder" if snapshot_only else "a .zip of an export folder or a .json file"
        raise UploadError(f"{filename or 'the file'} is not {wanted}")
    workdir = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    try:
        try:
            if is_zip:
                extract_zip(data, workdir / "upload", _LIMITS)
                snapshot = _read_tree(workdir / "upload", catalog, snapshot_only=snapshot_only)
            else:
                target = workdir / _json_name(filename)
                with target.open("wb") as out:
                    shutil.copyfileobj(data, out)
                snapshot = import_path(target, catalog=catalog)
        except (BaselineDownloadError, UnknownFormatError, SnapshotError, ImportFileError, ValueError, OSError) as exc:
            # Messages may name the temporary folder: show paths relative to the upload.
            message = str(exc).replace(str(workdir / "upload") + "/", "").replace(str(workdir) + "/", "")
            raise UploadError(message) from None
        if not any(snapshot.objects.values()):
            raise UploadError("the upload holds no policies to compare with")
        return snapshot
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
