"""Reading an export's object files, the same way for every format."""

from __future__ import annotations

from typing import Any

from .encoding import ImportFileError, parse_json, parse_yaml
from .tree import ExportFile

__all__ = ["DOCUMENT_SUFFIXES", "describe_os_error", "read_document"]

DOCUMENT_SUFFIXES = (".json", ".yaml", ".yml")


def read_document(file: ExportFile) -> Any:
    """The JSON or YAML value in ``file``, chosen by its extension.

    Raises ``ImportFileError`` (the reason to show) or ``OSError``.
    """
    if file.suffix == ".json":
        return parse_json(file.read())
    if file.suffix in (".yaml", ".yml"):
        return parse_yaml(file.read())
    raise ImportFileError(f"not a JSON or YAML file ({file.suffix or 'no extension'})")


def describe_os_error(exc: OSError) -> str:
    """An OSError as a short reason."""
    return f"could not be read: {exc.strerror or exc}"
