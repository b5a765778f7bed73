"""JSON values named in JSON's words, for messages about files that hold the wrong kind of value."""

from __future__ import annotations

from typing import Any

__all__ = ["json_kind"]


def json_kind(value: Any) -> str:
    """What a JSON value is, in JSON's words (for messages: "expected a JSON object, found an array")."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else "a value JSON does not have"
