"""Raw Graph values as a person reads them: Yes/No, words for enums, durations in words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .words import readable_enum, readable_label

__all__ = ["display_value", "is_free_text", "is_secret_property", "readable_duration"]

_ENUM = re.compile(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+|[a-z]{2,24}")
_DURATION = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)
_UNITS = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")
# Property-name endings whose values are names, addresses or text a person typed: shown verbatim.
_FREE_TEXT_ENDINGS = (
    "name",
    "names",
    "url",
    "urls",
    "uri",
    "id",
    "ids",
    "path",
    "paths",
    "hash",
    "version",
    "text",
    "message",
    "domain",
    "domains",
    "ssid",
    "address",
    "value",
    "line",
    "argument",
    "arguments",
    "key",
    "rule",
    "template",
    "footnote",
    "locale",
    "language",
    "channel",
    "email",
    "server",
    "servers",
    "host",
    "hosts",
    "list",
    "content",
    "subject",
)
# String properties that hold credentials (matched on the lower-cased property name's end).
_SECRET_ENDINGS = ("password", "presharedkey", "sharedsecret", "secret", "passphrase", "privatekey", "productkey")


def is_free_text(property_name: str) -> bool:
    """True when values of ``property_name`` are typed text (names, URLs...), never enum words."""
    lowered = property_name.lower()
    return lowered.endswith(_FREE_TEXT_ENDINGS)


def is_secret_property(property_name: str, secret_fields: frozenset[str] = frozenset()) -> bool:
    """True when a string property of this name holds a credential."""
    if property_name in secret_fields:
        return True
    return property_name.lower().endswith(_SECRET_ENDINGS)


def readable_duration(value: str) -> str | None:
    """An ISO 8601 duration in words (``PT12H`` → "12 hours"), or None when ``value`` is none."""
    match = _DURATION.fullmatch(value)
    if not match or value in ("P", "PT"):
        return None
    parts = []
    for unit in _UNITS:
        amount = match.group(unit)
        if amount is None:
            continue
        number = float(amount) if "." in amount else int(amount)
        label = unit if number != 1 else unit[:-1]
        parts.append(f"{amount} {label}")
    return ", ".join(parts) if parts else None


def display_value(value: Any, property_name: str = "") -> str:
    """``value`` as shown to a person; ``property_name`` tells typed text from enum values."""
    if value is None:
        return "Not configured"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return _display_string(value, property_name)
    if isinstance(value, list):
        return ", ".join(display_value(v, property_name) for v in value)
    if isinstance(value, Mapping):
        shown = [
            f"{readable_label(str(k))}: {display_value(v, str(k))}"
            for k, v in value.items()
            if not str(k).startswith(("@odata", "#")) and v not in (None, "", [], {})
        ]
        return "; ".join(shown)
    return str(value)


def _display_string(value: str, property_name: str) -> str:
    if not value or is_free_text(property_name):
        return value
    duration = readable_duration(value) if value.startswith("P") else None
    if duration is not None:
        return duration
    if "," in value and all(_ENUM.fullmatch(part) for part in value.split(",")):
        # Graph flags enums arrive as "bootPerformance,windowsUpdates".
        return ", ".join(readable_enum(part) for part in value.split(","))
    if _ENUM.fullmatch(value):
        return readable_enum(value)
    return value
