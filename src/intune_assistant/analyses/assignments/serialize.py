"""Plain JSON-ready data from the analyses' frozen dataclasses (for ``--json`` and the web API)."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

__all__ = ["to_jsonable"]


def to_jsonable(value: object) -> Any:
    """``value`` as dicts, lists, strings, numbers, booleans and None.

    Dataclasses become dicts of their fields plus their public properties named in
    ``__json_properties__`` (if any); enums their values; tuples, lists and sets lists.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        result = {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in getattr(value, "__json_properties__", ()):
            result[name] = to_jsonable(getattr(value, name))
        return result
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((to_jsonable(v) for v in value), key=str)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
