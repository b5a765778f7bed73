"""Download a public baseline archive (a zip) and extract it safely.

The default is OpenIntuneBaseline's repository archive. Extraction trusts nothing in the zip:
entry names that are absolute, climb out with ``..``, name a drive or hold NUL are refused,
links are refused, and sizes are counted while bytes are written (a header can lie), so an
archive can neither write outside the target folder nor fill the disk. The download is held in
memory (never a temp file); only the extracted files are written. The target must be a new or
empty folder; on any failure what was written is removed.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import stat
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO
from urllib.parse import urlsplit

import httpx

__all__ = [
    "DEFAULT_BASELINE_URL",
    "BaselineDownloadError",
    "DownloadLimits",
    "download_baseline",
    "extract_zip",
]

DEFAULT_BASELINE_URL = "https://github.com/SkipToTheEndpoint/OpenIntuneBaseline/archive/refs/heads/main.zip"
_CHUNK = 64 * 1024
_MIB = 1024 * 1024


class BaselineDownloadError(Exception):
    """A download or extraction that was refused or failed, with the reason in the message."""


@dataclass(frozen=True)
class DownloadLimits:
    """Upper bounds for one download; generous for a repository of JSON files, small for a disk."""

    archive_bytes: int = 100 * _MIB
    total_bytes: int = 500 * _MIB
    file_bytes: int = 50 * _MIB
    files: int = 20_000
    timeout_s: float = 60.0


def _size(count: int) -> str:
    return f"{count // _MIB} MiB" if count >= _MIB else f"{count:,} bytes"


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BaselineDownloadError(f"{url!r} is not an http(s) URL")


def _fetch(url: str, into: IO[bytes], limits: DownloadLimits, client: httpx.Client) -> None:
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise BaselineDownloadError(f"{url} answered HTTP {response.status_code}")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limits.archive_bytes:
                raise BaselineDownloadError(
                    f"{url} is {_size(int(declared))}, over the limit of {_size(limits.archive_bytes)}"
                )
            received = 0
            for chunk in response.iter_bytes(_CHUNK):
                received += len(chunk)
                if received > limits.archive_bytes:
                    raise BaselineDownloadError(f"{url} is over the limit of {_size(limits.archive_bytes)}")
                into.write(chunk)
    except httpx.HTTPError as exc:
        raise BaselineDownloadError(f"could not download {url}: {exc}") from None


def _safe_name(name: str) -> PurePosixPath | None:
    """The entry's relative path, or None when it must not be written."""
    # Zips made on Windows may use backslashes; treat them as separators, then judge the parts.
    path = PurePosixPath(name.replace("\\", "/"))
    if not name or "\0" in name or path.is_absolute() or name.startswith("/"):
        return None
    if any(part in ("..", "") or ":" in part for part in path.parts):
        return None
    return path


def _is_link(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return stat.S_ISLNK(mode)


def _prepare(dest: Path) -> bool:
    """Make sure ``dest`` is a new or empty folder; True when this call created it."""
    if dest.exists():
        if not dest.is_dir():
            raise BaselineDownloadError(f"{dest} is a file, not a folder")
        if any(dest.iterdir()):
            raise BaselineDownloadError(f"{dest} is not empty; choose a new or empty folder")
        return False
    dest.mkdir(parents=True)
    return True


def _copy(source: IO[bytes], target: Path, name: str, limits: DownloadLimits, written: int) -> int:
    size = 0
    with open(target, "xb") as out:
        while chunk := source.read(_CHUNK):
            size += len(chunk)
            written += len(chunk)
            if size > limits.file_bytes:
                raise BaselineDownloadError(f"{name} is over the per-file limit of {_size(limits.file_bytes)}")
            if written > limits.total_bytes:
                raise BaselineDownloadError(f"the archive unpacks to over {_size(limits.total_bytes)}")
            out.write(chunk)
    return written


def extract_zip(archive: Path | IO[bytes], dest: Path, limits: DownloadLimits | None = None) -> list[Path]:
    """Extract ``archive`` into ``dest`` (new or empty) and return the files written.

    Raises ``BaselineDownloadError`` for a bad archive, an unsafe entry or a limit exceeded,
    after removing whatever it wrote.
    """
    limits = limits or DownloadLimits()
    dest = Path(dest)
    created = _prepare(dest)
    written: list[Path] = []
    try:
        with zipfile.ZipFile(archive) as bundle:
            entries = bundle.infolist()
            files = [e for e in entries if not e.is_dir()]
            if len(files) > limits.files:
                raise BaselineDownloadError(f"the archive holds {len(files)} files, over the limit of {limits.files}")
            # Judge every name before writing anything.
            targets: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
            for info in files:
                relative = _safe_name(info.filename)
                if relative is None or _is_link(info):
                    raise BaselineDownloadError(f"the archive holds an unsafe entry: {info.filename!r}")
                # The header's size may lie (counted again while writing), but an honest one fails fast.
                if info.file_size > limits.file_bytes:
                    raise BaselineDownloadError(
                        f"{info.filename} is over the per-file limit of {_size(limits.file_bytes)}"
                    )
                targets.append((info, relative))
            total = 0
            root = dest.resolve()
            for info, relative in targets:
                target = dest.joinpath(*relative.parts)
                if not target.resolve().is_relative_to(root):
                    raise BaselineDownloadError(f"the archive holds an unsafe entry: {info.filename!r}")
                target.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(info) as source:
                    total = _copy(source, target, info.filename, limits, total)
                written.append(target)
                _keep_time(target, info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        _undo(dest, created, written)
        raise BaselineDownloadError(f"not a readable zip archive: {exc}") from None
    except (RuntimeError, NotImplementedError) as exc:
        # zipfile's words for encrypted entries and compression methods it cannot read.
        _undo(dest, created, written)
        raise BaselineDownloadError(f"the archive cannot be extracted: {exc}") from None
    except FileExistsError as exc:
        _undo(dest, created, written)
        raise BaselineDownloadError(f"the archive names one file twice: {exc.filename}") from None
    except BaseException:
        _undo(dest, created, written)
        raise
    return written


def _keep_time(target: Path, info: zipfile.ZipInfo) -> None:
    """Give the file the time the archive records for it: an export's age is its files' times.

    Zip times carry no zone; they are read as UTC. An impossible date is left as extracted.
    """
    with contextlib.suppress(ValueError, OSError, OverflowError):
        stamp = datetime(*info.date_time, tzinfo=UTC).timestamp()
        os.utime(target, (stamp, stamp))


def _undo(dest: Path, created: bool, written: list[Path]) -> None:
    if created:
        shutil.rmtree(dest, ignore_errors=True)
        return
    # The folder was the user's (empty) folder: remove only what this extraction put there.
    for path in written:
        path.unlink(missing_ok=True)
    for folder in sorted((p for p in dest.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        # A folder that is not empty holds something this extraction did not write: keep it.
        with contextlib.suppress(OSError):
            folder.rmdir()


def download_baseline(
    dest: Path,
    url: str = DEFAULT_BASELINE_URL,
    *,
    limits: DownloadLimits | None = None,
    client: httpx.Client | None = None,
) -> list[Path]:
    """Download the zip at ``url`` and extract it into ``dest``; return the files written.

    ``client`` is injectable (tests pass one for a local server); by default a client that
    follows redirects (GitHub answers archive URLs with one) within ``limits.timeout_s``.
    """
    limits = limits or DownloadLimits()
    _check_url(url)
    own = client is None
    http = client or httpx.Client(follow_redirects=True, timeout=limits.timeout_s)
    try:
        # Public data, but still nothing spooled to a temp file: the archive is held in memory,
        # bounded by ``limits.archive_bytes``, and only the extracted files are written.
        with io.BytesIO() as archive:
            _fetch(url, archive, limits, http)
            archive.seek(0)
            return extract_zip(archive, dest, limits)
    finally:
        if own:
            http.close()
