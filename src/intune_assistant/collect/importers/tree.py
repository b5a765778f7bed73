"""An export as a tree of files in memory: from a folder, a single file or a zip archive.

Every importer reads ``ExportFile``s, never paths, so a folder on the user's disk, a zip file
and a zip uploaded to the web app go through one code path. Zip archives (the one given, and
zips found inside a folder or another zip) are read with ``zipfile`` over the bytes in memory:
nothing is extracted to disk. Limits bound what an archive may unpack to (per file, in total,
entry count, compression ratio, nesting); an archive over a limit is refused with a message
that names the limit, and an entry that cannot be used (unsafe name, link, encrypted) is listed
as skipped while the rest loads.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from .errors import UnknownFormatError

__all__ = [
    "ArchiveError",
    "ExportFile",
    "ExportTree",
    "Skipped",
    "ZipLimits",
    "file_tree",
    "folder_tree",
    "zip_tree",
]

_MIB = 1024 * 1024
# Files operating systems drop into folders; never part of an export.
_OS_JUNK = frozenset({"thumbs.db", "desktop.ini", "icon\r"})
ZIP_SUFFIX = ".zip"


class ArchiveError(UnknownFormatError):
    """A zip archive that is refused as a whole (unreadable, or over a limit); says which."""


@dataclass(frozen=True)
class ZipLimits:
    """What an archive may unpack to in memory. Generous for a repository of JSON files, small
    for a server's memory; the web app passes its own."""

    archive_bytes: int = 200 * _MIB
    total_bytes: int = 500 * _MIB
    file_bytes: int = 50 * _MIB
    entries: int = 20_000
    # JSON compresses 5-20x; a ratio far beyond that is a zip bomb, not an export.
    ratio: int = 200
    # Zips inside zips: a repository may hold a zipped export; deeper nesting is refused.
    depth: int = 2


@dataclass(frozen=True)
class Skipped:
    """A file or archive entry left out on purpose, with the reason (not a read failure)."""

    path: str
    reason: str
    # A name that reaches outside the archive (``..``, absolute, a drive) or a link: no export
    # holds one, so an upload with one is refused as a whole (``web/comparison/uploads.py``).
    unsafe: bool = False


@dataclass(frozen=True)
class ExportFile:
    """One file of an export: its path relative to the tree (forward slashes) and its bytes."""

    path: str
    size: int
    mtime: float | None
    reader: Callable[[], bytes] = field(repr=False, compare=False)

    def read(self) -> bytes:
        """The file's content; ``OSError`` when it cannot be read."""
        return self.reader()

    @property
    def parts(self) -> tuple[str, ...]:
        """The path's components, folders first."""
        return PurePosixPath(self.path).parts

    @property
    def name(self) -> str:
        """The file name."""
        return PurePosixPath(self.path).name

    @property
    def stem(self) -> str:
        """The file name without its extension."""
        return PurePosixPath(self.path).stem

    @property
    def suffix(self) -> str:
        """The extension, lower case, with its dot (``.json``)."""
        return PurePosixPath(self.path).suffix.lower()


@dataclass(frozen=True)
class ExportTree:
    """The files of an export, sorted by path; ``label`` names it in messages (a path or a
    file name); ``skipped`` lists what was left out while building it."""

    label: str
    files: tuple[ExportFile, ...]
    skipped: tuple[Skipped, ...] = ()

    def only(self, paths: Iterable[str], root: str = "") -> ExportTree:
        """A tree of the files in ``paths``, re-rooted at folder ``root`` (paths shortened)."""
        wanted = set(paths)
        prefix = f"{root}/" if root else ""
        files = tuple(
            ExportFile(f.path[len(prefix) :], f.size, f.mtime, f.reader)
            for f in self.files
            if f.path in wanted and f.path.startswith(prefix)
        )
        label = f"{self.label}/{root}" if root else self.label
        return ExportTree(label, files)


def _visible(name: str) -> bool:
    return bool(name) and not name.startswith(".") and name.lower() not in _OS_JUNK and name != "__MACOSX"


class _Budget:
    """Bytes unpacked so far across one tree's archives (nested ones included)."""

    def __init__(self, limits: ZipLimits) -> None:
        self.limits = limits
        self.total = 0

    def take(self, size: int, label: str) -> None:
        self.total += size
        if self.total > self.limits.total_bytes:
            raise ArchiveError(f"{label} unpacks to more than {_size(self.limits.total_bytes)}, the limit")


def _size(count: int) -> str:
    return f"{count // _MIB} MiB" if count >= _MIB else f"{count:,} bytes"


def _entry_path(name: str) -> str | None:
    """The entry's relative path, or None when it is not a usable name."""
    # Zips made on Windows may use backslashes; treat them as separators, then judge the parts.
    normalised = name.replace("\\", "/")
    path = PurePosixPath(normalised)
    if "\0" in name or normalised.startswith("/") or path.is_absolute():
        return None
    if any(part in ("..", "") or ":" in part for part in path.parts):
        return None
    return path.as_posix()


def _zip_time(info: zipfile.ZipInfo) -> float | None:
    try:
        return datetime(*info.date_time, tzinfo=UTC).timestamp()
    except ValueError:
        return None


def _entry_reader(bundle: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    # The archive stays open over its bytes in memory (no file handle): one parse of its
    # directory serves every entry.
    def read() -> bytes:
        # zipfile stops at the header's size and checks the CRC, so a lying header fails here.
        try:
            return bundle.read(info)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, ValueError) as exc:
            raise OSError(f"could not be unpacked: {exc}") from None

    return read


def _zip_files(
    data: bytes, label: str, prefix: str, budget: _Budget, depth: int
) -> tuple[list[ExportFile], list[Skipped]]:
    limits = budget.limits
    if len(data) > limits.archive_bytes:
        raise ArchiveError(f"{label} is {_size(len(data))}, over the limit of {_size(limits.archive_bytes)}")
    try:
        bundle = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise ArchiveError(f"{label} is not a readable zip archive: {exc}") from None
    files: list[ExportFile] = []
    skipped: list[Skipped] = []
    entries = [i for i in bundle.infolist() if not i.is_dir()]
    if len(entries) > limits.entries:
        raise ArchiveError(f"{label} holds {len(entries):,} files, over the limit of {limits.entries:,}")
    for info in entries:
        path = _entry_path(info.filename)
        where = f"{prefix}{info.filename}"
        if path is None:
            skipped.append(Skipped(where, "unsafe name in the archive; not read", unsafe=True))
            continue
        if not all(_visible(part) for part in PurePosixPath(path).parts):
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            skipped.append(Skipped(prefix + path, "a link, not a file; not read", unsafe=True))
            continue
        if info.flag_bits & 0x1:
            skipped.append(Skipped(prefix + path, "encrypted in the archive; not read"))
            continue
        if info.file_size > limits.file_bytes:
            raise ArchiveError(
                f"{label}: {path} unpacks to {_size(info.file_size)}, over the per-file limit of "
                f"{_size(limits.file_bytes)}"
            )
        if info.file_size > _MIB and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise ArchiveError(
                f"{label}: {path} is compressed {info.file_size // max(info.compress_size, 1):,} to 1, "
                f"over the limit of {limits.ratio} to 1 (a zip bomb, not an export)"
            )
        budget.take(info.file_size, label)
        reader = _entry_reader(bundle, info)
        if path.lower().endswith(ZIP_SUFFIX):
            inner, inner_skipped = _nested(reader, f"{label}/{path}", f"{prefix}{path}/", budget, depth)
            files += inner
            skipped += inner_skipped
            continue
        files.append(ExportFile(prefix + path, info.file_size, _zip_time(info), reader))
    return files, skipped


def _nested(
    reader: Callable[[], bytes], label: str, prefix: str, budget: _Budget, depth: int
) -> tuple[list[ExportFile], list[Skipped]]:
    if depth >= budget.limits.depth:
        return [], [Skipped(prefix.rstrip("/"), f"a zip nested more than {budget.limits.depth} deep; not read")]
    try:
        data = reader()
    except OSError as exc:
        return [], [Skipped(prefix.rstrip("/"), str(exc))]
    return _zip_files(data, label, prefix, budget, depth + 1)


def _tree(label: str, files: list[ExportFile], skipped: list[Skipped]) -> ExportTree:
    return ExportTree(label, tuple(sorted(files, key=lambda f: f.path)), tuple(skipped))


def zip_tree(data: bytes, label: str, limits: ZipLimits | None = None) -> ExportTree:
    """The files in the zip archive ``data`` (read in memory). ``ArchiveError`` when it is not a
    zip or breaks a limit."""
    budget = _Budget(limits or ZipLimits())
    files, skipped = _zip_files(data, label, "", budget, 1)
    return _tree(label, files, skipped)


def _disk_reader(path: Path) -> Callable[[], bytes]:
    return path.read_bytes


def folder_tree(root: Path, limits: ZipLimits | None = None, *, only: str | None = None) -> ExportTree:
    """Every visible file under ``root`` (``only``: just this child folder), with zip archives
    opened in memory as folders of their own (``export.zip/...``)."""
    root = Path(root)
    if not root.is_dir():
        raise UnknownFormatError(f"{root} is not a folder")
    budget = _Budget(limits or ZipLimits())
    files: list[ExportFile] = []
    skipped: list[Skipped] = []
    start = root / only if only else root
    for folder, dirs, names in os.walk(start):
        dirs[:] = [d for d in dirs if _visible(d)]
        for name in names:
            if not _visible(name):
                continue
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            try:
                info = path.stat()
            except OSError as exc:
                skipped.append(Skipped(rel, f"could not be read: {exc.strerror or exc}"))
                continue
            if name.lower().endswith(ZIP_SUFFIX):
                inner, inner_skipped = _nested(_disk_reader(path), f"{root.name}/{rel}", f"{rel}/", budget, 0)
                files += inner
                skipped += inner_skipped
                continue
            files.append(ExportFile(rel, info.st_size, info.st_mtime, _disk_reader(path)))
    return _tree(str(root), files, skipped)


def file_tree(path: Path, limits: ZipLimits | None = None) -> ExportTree:
    """A single file as a tree: a zip archive's files, or the one file itself."""
    path = Path(path)
    if path.suffix.lower() == ZIP_SUFFIX:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ArchiveError(f"{path} could not be read: {exc.strerror or exc}") from None
        return zip_tree(data, str(path), limits)
    info = path.stat()
    return ExportTree(str(path.parent), (ExportFile(path.name, info.st_size, info.st_mtime, _disk_reader(path)),))
