"""Walking an export folder and reading its object files, the same way for every format."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .encoding import ImportFileError, read_json, read_yaml

__all__ = ["DOCUMENT_SUFFIXES", "describe_os_error", "read_document", "relative", "walk_files"]

DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml")
# Files operating systems drop into folders; never part of an export.
_OS_JUNK = frozenset({"thumbs.db", "desktop.ini", "icon\r"})


def walk_files(root: Path) -> list[Path]:
    """Every file under ``root``, sorted by relative path; hidden files and folders (``.git``,
    ``.DS_Store``) and operating-system clutter are left out."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(folder) / name for name in files if not name.startswith(".") and name.lower() not in _OS_JUNK)
    return sorted(found, key=lambda p: relative(root, p))


def relative(root: Path, path: Path) -> str:
    """``path`` relative to ``root``, with forward slashes (as problems and tests show it)."""
    return path.relative_to(root).as_posix()


def read_document(path: Path) -> Any:
    """The JSON or YAML value in ``path``, chosen by its extension.

    Raises ``ImportFileError`` (the reason to show) or ``OSError``.
    """
    if path.suffix.lower() == ".json":
        return read_json(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return read_yaml(path)
    raise ImportFileError(f"not a JSON or YAML file ({path.suffix or 'no extension'})")


def describe_os_error(exc: OSError) -> str:
    """An OSError as a short reason."""
    return f"could not be read: {exc.strerror or exc}"
