"""Which properties a type has, for ``$select`` and ``$filter`` (Graph answers 400 for unknown ones).

The emulator holds no schema, so a type's properties are the keys its objects in the tenant carry
(every object of the collection, so a property set on one subtype counts), its navigations and
``id``/``@odata.type``. A collection with no objects checks only the known trap: ``displayName`` on a
type whose name property is ``name`` (configurationPolicies, compliancePolicies).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["KnownProperties", "known_properties"]

KnownProperties = Callable[[str], bool]
_ALWAYS = frozenset({"id", "@odata.type"})


def known_properties(
    items: Iterable[Mapping[str, Any]], *, navigations: Iterable[str] = (), name_field: str = "displayName"
) -> KnownProperties:
    """A test for "is ``name`` a property of this collection's type"."""
    keys: set[str] = set(_ALWAYS) | set(navigations)
    seen = False
    for item in items:
        seen = True
        keys.update(k for k in item if not k.startswith("@") or k == "@odata.type")
    wrong_name = "displayName" if name_field == "name" else None

    def known(name: str) -> bool:
        if name == wrong_name:
            return False
        return not seen or name in keys

    return known
