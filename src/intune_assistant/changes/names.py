"""Groups and filters by name, as admins type them: exactly one match, or a reason naming the candidates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from intune_assistant.analyses.assignments import Directory

__all__ = ["NameNotResolved", "resolve_filter", "resolve_group"]

_SHOWN = 5


class NameNotResolved(ValueError):
    """No object, or more than one, has the name; the message says which candidates there are."""


def _resolve(kind: str, name: str, objects: Iterable[Mapping[str, Any]]) -> str:
    wanted = name.strip().casefold()
    matches = [o for o in objects if str(o.get("displayName") or "").strip().casefold() == wanted]
    if len(matches) == 1:
        return str(matches[0]["id"])
    if not matches:
        raise NameNotResolved(f"no {kind} named '{name.strip()}' in the tenant")
    ids = ", ".join(str(m.get("id")) for m in matches[:_SHOWN])
    more = f" and {len(matches) - _SHOWN} more" if len(matches) > _SHOWN else ""
    raise NameNotResolved(f"{len(matches)} {kind}s are named '{name.strip()}' ({ids}{more}); give the id instead")


def resolve_group(directory: Directory, name: str) -> str:
    """The id of the one group called ``name`` (case-insensitive).

    Raises:
        NameNotResolved: no group or several groups have that name.
    """
    return _resolve("group", name, directory.groups.values())


def resolve_filter(directory: Directory, name: str) -> str:
    """The id of the one assignment filter called ``name`` (case-insensitive).

    Raises:
        NameNotResolved: no filter or several filters have that name.
    """
    return _resolve("assignment filter", name, directory.filters.values())
