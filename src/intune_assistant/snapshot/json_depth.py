"""How deep a JSON value nests, checked without recursion.

Graph objects nest a dozen levels at most, while the analyses and importers walk values
recursively: a document nested deeper than ``MAX_DEPTH`` (yet within the parser's own limit) is
refused before anything walks it.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64


def nests_deeper_than(value: Any, depth: int = MAX_DEPTH) -> bool:
    """True when ``value`` has dicts or lists nested more than ``depth`` levels deep."""
    level: list[Any] = [value]
    for _ in range(depth + 1):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


def loads_shallow(data: bytes, encoding: str = "utf-8") -> Any:
    """``json.loads`` of ``data``; ``ValueError`` (in words) for invalid JSON or JSON nested too deeply.

    ``UnicodeDecodeError`` (a ``ValueError`` too) for bytes that are not ``encoding``.
    """
    text = data.decode(encoding)
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep") from None
    if nests_deeper_than(value):
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
    return value
