"""OData query options: parsing the query string of one request.

Supported: ``$select``, ``$expand`` (navigation names, ``name($expand=…)``), ``$top``, ``$count``,
``$skiptoken``, ``$orderby`` (property paths, ``asc``/``desc``) and ``$filter`` (parsed and
evaluated by ``filtering``). ``$search``, ``$skip`` and the other system options answer 400 (the
emulator does not pretend to search). Options Graph does not know are ignored. On beta the ``$``
prefix is optional (``top=1000``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import bad_request
from .protocol import Version

__all__ = ["QueryOptions", "parse_query"]

_SUPPORTED = ("select", "expand", "top", "filter", "count", "skiptoken", "orderby", "format")
_UNSUPPORTED = ("search", "skip", "apply", "compute", "levels", "deltatoken")


@dataclass(frozen=True)
class QueryOptions:
    """The query options of one request (names without ``$``)."""

    select: tuple[str, ...] | None = None
    expand: tuple[str, ...] = ()
    # Navigations expanded inside an expanded navigation: ``a($expand=b)`` → (("a", ("b",)),).
    nested_expand: tuple[tuple[str, tuple[str, ...]], ...] = ()
    top: int | None = None
    filter: str | None = None
    count: bool = False
    skiptoken: str | None = None
    # ``$orderby``: (property path, descending) in order of precedence.
    orderby: tuple[tuple[str, bool], ...] = ()
    # Every pair except the skiptoken, as received, for the nextLink.
    passthrough: tuple[tuple[str, str], ...] = ()


def _option_name(raw: str, version: Version) -> str | None:
    """The system option ``raw`` names (without ``$``), or ``None`` for a custom option."""
    lowered = raw.strip().lower()
    if lowered.startswith("$"):
        return lowered[1:]
    if version == "beta" and lowered in (*_SUPPORTED, *_UNSUPPORTED):
        return lowered
    return None


def _split_list(value: str) -> tuple[str, ...]:
    """Split on the commas that are not inside parentheses."""
    parts: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(value):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(value[start:index])
            start = index + 1
    parts.append(value[start:])
    return tuple(part.strip() for part in parts if part.strip())


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"


def _parse_expand(value: str) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """Navigation names, and the ``$expand`` nested in any of them (the only nested option served)."""
    names: list[str] = []
    nested: list[tuple[str, tuple[str, ...]]] = []
    for item in _split_list(value):
        match = re.fullmatch(rf"({_NAME})(?:\(\$expand=([^()]*)\))?", item)
        inner = _split_list(match.group(2)) if match and match.group(2) is not None else ()
        if match is None or not all(re.fullmatch(_NAME, name) for name in inner):
            raise bad_request(
                "Parsing OData Select and Expand failed: the emulator supports plain navigation names "
                f"and name($expand=name,...) in $expand, not '{item}'."
            )
        names.append(match.group(1))
        if inner:
            nested.append((match.group(1), inner))
    return tuple(names), tuple(nested)


def parse_query(pairs: tuple[tuple[str, str], ...], version: Version) -> QueryOptions:
    """Parse the query string pairs of one request."""
    seen: dict[str, str] = {}
    passthrough: list[tuple[str, str]] = []
    for raw_name, value in pairs:
        name = _option_name(raw_name, version)
        if name is None:
            passthrough.append((raw_name, value))
            continue
        if name in seen:
            raise bad_request(
                f"Query option '${name}' was specified more than once, but it must be specified at most once."
            )
        if name in _UNSUPPORTED:
            raise bad_request(f"Query option '${name}' is not supported by the emulator on this resource.")
        if name not in _SUPPORTED:
            raise bad_request(f"The query parameter '{raw_name}' is not supported.")
        seen[name] = value
        if name != "skiptoken":
            passthrough.append((raw_name, value))

    # query-parameters.md, "format parameter": json is what every response already is.
    if "format" in seen and seen["format"].strip().lower() not in ("json", "application/json"):
        raise bad_request(f"The format '{seen['format']}' is not supported; the emulator answers JSON only.")
    top: int | None = None
    if "top" in seen:
        text = seen["top"].strip()
        if not re.fullmatch(r"-?\d+", text) or int(text) < 0:
            raise bad_request(
                f"Invalid value '{text}' for $top query option found. "
                "The $top query option requires a non-negative integer value."
            )
        top = int(text)
    count = False
    if "count" in seen:
        text = seen["count"].strip().lower()
        if text not in ("true", "false"):
            raise bad_request(f"'{seen['count']}' is not a valid count option.")
        count = text == "true"
    expand, nested_expand = _parse_expand(seen.get("expand", ""))
    select = _split_list(seen["select"]) if "select" in seen else None
    filter_text = seen.get("filter")
    orderby = _parse_orderby(seen.get("orderby", ""))
    return QueryOptions(
        select=select,
        expand=expand,
        nested_expand=nested_expand,
        top=top,
        filter=filter_text.strip() if filter_text is not None and filter_text.strip() else None,
        count=count,
        skiptoken=seen.get("skiptoken"),
        orderby=orderby,
        passthrough=tuple(passthrough),
    )


def _parse_orderby(value: str) -> tuple[tuple[str, bool], ...]:
    """``name desc, lastModifiedDateTime`` → ((``name``, True), (``lastModifiedDateTime``, False))."""
    keys: list[tuple[str, bool]] = []
    for item in _split_list(value):
        match = re.fullmatch(rf"({_NAME}(?:[./]{_NAME})*)(?:\s+(asc|desc))?", item.strip(), re.IGNORECASE)
        if match is None:
            raise bad_request(f"Syntax error at position 0 in '{item}'.")
        keys.append((match.group(1), (match.group(2) or "").lower() == "desc"))
    return tuple(keys)
