"""Make two copies of the same configuration look the same before they are compared.

Graph, IntuneManagement and IntuneCD hand out one object in different clothes: OData
annotations and action stubs, ids that differ per tenant, lists in any order, whole numbers
written as ``1.0``. ``clean`` removes the clothes (keeping ``@odata.type``, which says what a
value is) and replaces references to other objects by their names; ``canonical`` turns a value
into a string that is equal exactly when the values mean the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["SECRET", "canonical", "clean", "is_annotation", "is_unset", "without_annotations"]

# What a secret compares as: Graph never returns secret values, so only presence is compared.
SECRET = "\u2039secret\u203a"
# Ids worth replacing by a name are GUID-like; short ids ("0", "1") would hit ordinary values.
_REFERENCE_ID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
_SCOPE_TAGS = "roleScopeTagIds"


def is_annotation(key: str) -> bool:
    """True for OData annotations and action stubs; ``@odata.type`` is data and stays."""
    if key == "@odata.type":
        return False
    return key.startswith("#") or "@odata." in key


def is_unset(value: object) -> bool:
    """True for values that mean "not configured": null, an empty list, an empty object."""
    return value is None or value == [] or value == {}


def without_annotations(value: Any) -> Any:
    """A copy of ``value`` without OData annotations and action stubs at any depth."""
    if isinstance(value, dict):
        return {k: without_annotations(v) for k, v in value.items() if not is_annotation(k)}
    if isinstance(value, list):
        return [without_annotations(v) for v in value]
    return value


def clean(
    value: Any,
    references: Mapping[str, str],
    scope_tags: Mapping[str, str],
) -> Any:
    """A copy of ``value`` without annotations, with referenced object ids replaced by names.

    ``references`` maps GUID ids of objects of the same snapshot (groups, filters, apps,
    notification templates, named locations...) to readable names, so the same reference in two
    tenants compares equal. ``scope_tags`` maps scope tag ids to names for ``roleScopeTagIds``
    (IntuneCD writes names there already; those stay as they are).
    """
    if isinstance(value, dict):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if is_annotation(key):
                continue
            if key == _SCOPE_TAGS and isinstance(item, list):
                result[key] = [scope_tags.get(t, t) if isinstance(t, str) else t for t in item]
            else:
                result[key] = clean(item, references, scope_tags)
        return result
    if isinstance(value, list):
        return [clean(item, references, scope_tags) for item in value]
    if isinstance(value, str) and len(value) == 36 and _REFERENCE_ID.match(value):
        return references.get(value.lower(), value)
    return value


def _normal(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if not is_annotation(k)}
    if isinstance(value, list):
        # Order-insensitive: Intune keeps no meaning in the order of the lists it returns
        # (assignments, settings, scope tags, option collections, firewall rules).
        items = [_normal(v) for v in value]
        return sorted(items, key=_dumps)
    return value


# An immutable encoder, built once: json.dumps with options builds a new one on every call.
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def canonical(value: Any) -> str:
    """A string equal for two values exactly when they mean the same configuration."""
    # Most values are scalars: skip the JSON machinery, keep strings distinct from numbers.
    if isinstance(value, str):
        return "s:" + value
    if value is None or isinstance(value, bool):
        return _dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return _dumps(_normal(value))
