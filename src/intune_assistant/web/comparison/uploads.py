"""Uploaded baselines and snapshots: read in memory, never written to the server's disk.

A zip is opened with ``zipfile`` over the uploaded bytes and walked by the same tree walker
the CLI's ``import`` uses (``collect.importers``), within limits on size, entry count and
compression ratio; a single JSON file is judged the same way. Nothing of an upload outlives
the request.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from intune_assistant.catalog import Catalog
from intune_assistant.collect.importers import (
    ExportFile,
    ExportTree,
    ImportFileError,
    UnknownFormatError,
    ZipLimits,
    import_tree,
    zip_tree,
)
from intune_assistant.snapshot import MANIFEST, Snapshot, SnapshotError, load_snapshot_files

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_MIB = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
# What an uploaded zip may unpack to in the server's memory.
UPLOAD_LIMITS = ZipLimits(
    archive_bytes=MAX_UPLOAD_BYTES,
    total_bytes=200 * _MIB,
    file_bytes=MAX_UPLOAD_BYTES,
    entries=20_000,
    ratio=200,
    depth=2,
)


class UploadError(Exception):
    """An upload that cannot be used; the message says why, in the user's words."""


def _json_name(filename: str) -> str:
    stem = _UNSAFE.sub("_", PurePosixPath(filename.replace("\\", "/")).stem).strip(" ._") or "upload"
    return stem[:100] + ".json"


def _snapshot_root(tree: ExportTree) -> str | None:
    """The folder of the tree that holds a snapshot's manifest: the top or its one subfolder."""
    paths = {f.path for f in tree.files}
    if MANIFEST in paths:
        return ""
    tops = {f.parts[0] for f in tree.files if len(f.parts) > 1}
    if len(tops) == 1 and (top := tops.pop()) and f"{top}/{MANIFEST}" in paths:
        return top
    return None


def _load_snapshot(tree: ExportTree, root: str, filename: str) -> Snapshot:
    files = {f.path: f for f in tree.files}
    prefix = f"{root}/" if root else ""

    def read(relative: str) -> bytes:
        found = files.get(prefix + relative)
        if found is None:
            raise FileNotFoundError(relative)
        return found.read()

    return load_snapshot_files(read, filename)


def _refuse_unsafe_entries(tree: ExportTree) -> None:
    """An archive with a name reaching outside it (``../``, ``/``, ``C:``) or a link was not made by
    exporting a folder: refuse it whole, naming the entries, rather than read around them."""
    unsafe = [s for s in tree.skipped if s.unsafe]
    if unsafe:
        shown = "; ".join(f"{s.path} ({s.reason.partition(';')[0]})" for s in unsafe[:5])
        more = f" and {len(unsafe) - 5} more" if len(unsafe) > 5 else ""
        raise UploadError(
            f"the archive holds {len(unsafe)} entr{'y' if len(unsafe) == 1 else 'ies'} that an exported folder "
            f"never has: {shown}{more}; nothing was read"
        )


def read_upload(data: bytes, filename: str, catalog: Catalog, *, snapshot_only: bool = False) -> Snapshot:
    """The snapshot in an uploaded zip (or, unless ``snapshot_only``, a single JSON export).

    Reads only from memory. Raises ``UploadError`` with a reason the user can act on.
    """
    is_zip = data[:4] == _ZIP_MAGIC
    is_json = not is_zip and filename.lower().endswith(".json")
    if not is_zip and (snapshot_only or not is_json):
        wanted = "a .zip of a snapshot folder" if snapshot_only else "a .zip of an export folder or a .json file"
        raise UploadError(f"{filename or 'the file'} is not {wanted}")
    try:
        if is_zip:
            tree = zip_tree(data, filename, UPLOAD_LIMITS)
            _refuse_unsafe_entries(tree)
            root = _snapshot_root(tree)
            if root is not None:
                snapshot = _load_snapshot(tree, root, filename)
            elif snapshot_only:
                raise UploadError("the zip holds no snapshot folder (a folder with manifest.json)")
            else:
                snapshot = import_tree(tree, catalog=catalog).snapshot
        else:
            name = _json_name(filename)
            single = ExportFile(name, len(data), None, lambda: data)
            snapshot = import_tree(ExportTree(filename, (single,)), catalog=catalog).snapshot
    except (UnknownFormatError, SnapshotError, ImportFileError) as exc:
        raise UploadError(str(exc)) from None
    if not any(snapshot.objects.values()):
        raise UploadError("the upload holds no policies to compare with")
    return snapshot
