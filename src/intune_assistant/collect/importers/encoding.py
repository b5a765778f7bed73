"""Reading export files as they come in the wild: UTF-8 with or without BOM, UTF-16, CRLF.

IntuneManagement writes many files as UTF-16 LE with a BOM (PowerShell 5's default), some as
UTF-8 with a BOM; Windows editors add CRLF line endings. Anything else that is not valid UTF-8
is refused with the offset of the first bad byte rather than guessed at.
"""

from __future__ import annotations

import base64
import codecs
import json
import math
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from intune_assistant.snapshot.json_depth import MAX_DEPTH, nests_deeper_than

__all__ = [
    "ImportFileError",
    "decode_text",
    "parse_json",
    "parse_yaml",
    "read_json",
    "read_text",
    "read_yaml",
]

# Longest BOM first: the UTF-32 LE BOM starts with the UTF-16 LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class ImportFileError(ValueError):
    """A file that cannot be taken as an export object; the message is the reason to show."""


def decode_text(data: bytes) -> str:
    """``data`` as text: BOM-detected UTF-8/16/32, else UTF-8 (or BOM-less UTF-16); LF line ends."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], name
            break
    else:
        encoding = _bomless_utf16(data) or encoding
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        where = f"byte 0x{data[exc.start]:02x} at offset {exc.start}"
        raise ImportFileError(f"not {encoding.upper()} text: {where}") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _bomless_utf16(data: bytes) -> str | None:
    # ASCII-heavy UTF-16 without a BOM has a zero in every other byte; UTF-8 text never has zeros.
    sample = data[:512]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > half * 0.6 and even_zeros < half * 0.1:
        return "utf-16-le"
    if even_zeros > half * 0.6 and odd_zeros < half * 0.1:
        return "utf-16-be"
    return None


def read_text(path: Path) -> str:
    """The text of ``path`` (see ``decode_text``); OSError when it cannot be read at all."""
    return decode_text(Path(path).read_bytes())


def _refuse_constant(name: str) -> Any:
    # Python's json accepts NaN/Infinity, which JSON (and Graph) never produce.
    raise ImportFileError(f"not valid JSON: {name} is not a JSON value")


def read_json(path: Path) -> Any:
    """The JSON value in ``path``; ``ImportFileError`` naming line and column when it is invalid."""
    return parse_json(Path(path).read_bytes())


def parse_json(data: bytes) -> Any:
    """The JSON value in ``data`` (see ``decode_text``); ``ImportFileError`` naming line and column."""
    text = decode_text(data)
    if not text.strip():
        raise ImportFileError("empty file")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise ImportFileError("not usable JSON: nested too deeply") from None
    return _shallow(value, "JSON")


def read_yaml(path: Path) -> Any:
    """The YAML document in ``path``, converted to JSON values (dates become ISO strings)."""
    return parse_yaml(Path(path).read_bytes())


def parse_yaml(data: bytes) -> Any:
    """The YAML document in ``data``, converted to JSON values (dates become ISO strings)."""
    text = decode_text(data)
    if not text.strip():
        raise ImportFileError("empty file")
    try:
        # libyaml's safe loader where PyYAML ships it: the pure-Python one takes seconds per megabyte
        # and slows down with the square of the nesting; libyaml refuses nesting past its limit.
        value = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise ImportFileError(f"not valid YAML: {exc.problem or exc}{where}") from None
    except yaml.YAMLError as exc:
        raise ImportFileError(f"not valid YAML: {exc}") from None
    except RecursionError:
        raise ImportFileError("not usable YAML: nested too deeply") from None
    try:
        return _shallow(_json_value(value, _Budget(_YAML_VALUES_PER_BYTE * len(text) + _YAML_VALUES_BASE)), "YAML")
    except RecursionError:
        raise ImportFileError("not usable YAML: nested too deeply, or an alias that holds itself") from None


def _shallow(value: Any, kind: str) -> Any:
    """``value`` when it nests at most ``MAX_DEPTH`` levels (the importers walk values recursively),
    else ``ImportFileError``."""
    if nests_deeper_than(value):
        raise ImportFileError(f"not usable {kind}: nested more than {MAX_DEPTH} levels deep")
    return value


# YAML aliases let a few lines stand for billions of values ("billion laughs"); PyYAML shares
# them, but converting to JSON values copies each one. No export expands beyond a few values per
# byte it is written with.
_YAML_VALUES_PER_BYTE = 4
_YAML_VALUES_BASE = 10_000


class _Budget:
    """How many more values a YAML document may expand to."""

    def __init__(self, values: int) -> None:
        self.left = values
        self.limit = values

    def take(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise ImportFileError(
                f"not usable YAML: its aliases expand to more than {self.limit:,} values (an alias bomb, not an export)"
            )


def _json_value(value: Any, budget: _Budget) -> Any:
    """YAML's richer types as the JSON values IntuneCD meant (it writes YAML from JSON data)."""
    budget.take()
    if isinstance(value, dict):
        return {_json_key(k): _json_value(v, budget) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v, budget) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, float) and not math.isfinite(value):
        raise ImportFileError(f"not usable: {value} is not a JSON number")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ImportFileError(f"not usable: YAML value of type {type(value).__name__}")


def _json_key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, datetime | date | time):
        return key.isoformat()
    return str(key)
