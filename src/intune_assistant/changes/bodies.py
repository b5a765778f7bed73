"""Create and update bodies, from an object as read and the catalog's creation facts; pure.

``object_body`` is what Graph is sent for an object: every property it holds, minus what Graph sets
itself (``catalog/creation.py``), minus navigations that are not sent inline, with the children
that are (settings, scheduled actions) cleaned the same way. A value the source redacted is never
sent: the property (or the setting holding it) is left out and a warning says so.

The same body, built from the target's own object, is what a deploy compares with: two objects
whose bodies are equal need nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intune_assistant.catalog import ResourceType
from intune_assistant.catalog.creation import TEMPLATE_REFERENCE_SERVER_SET, Creation

__all__ = ["Body", "is_redacted", "object_body", "same_value"]

_REDACTED = re.compile(r"^[\s*<>\[\]()_-]*redacted[\s*<>\[\]()_-]*$", re.IGNORECASE)
# Setting ids inside a policy, Intune's bookkeeping per child item.
_CHILD_BOOKKEEPING = frozenset({"id", "@odata.context", "@odata.etag"})


def is_redacted(value: Any) -> bool:
    """Whether ``value`` is a placeholder an export wrote instead of a secret ("REDACTED")."""
    return isinstance(value, str) and bool(_REDACTED.match(value))


@dataclass(frozen=True)
class Body:
    """A create or update body and what was left out of it, in words."""

    body: dict[str, Any]
    warnings: tuple[str, ...] = ()


def _contains_redacted(value: Any) -> bool:
    if is_redacted(value):
        return True
    if isinstance(value, Mapping):
        return any(_contains_redacted(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_redacted(v) for v in value)
    return False


def _setting_id(setting: Mapping[str, Any]) -> str:
    instance = setting.get("settingInstance")
    found = instance.get("settingDefinitionId") if isinstance(instance, Mapping) else None
    return str(found or "a setting")


def _annotation(key: str) -> bool:
    # OData annotations Graph adds to what it answers ("scheduledActionConfigurations@odata.context").
    return "@odata." in key and key != "@odata.type"


def _without_annotations(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_annotations(v) for k, v in value.items() if not _annotation(k)}
    if isinstance(value, list):
        return [_without_annotations(v) for v in value]
    return value


def _clean_child(item: Any) -> Any:
    if not isinstance(item, Mapping):
        return item
    return {k: _without_annotations(v) for k, v in item.items() if k not in _CHILD_BOOKKEEPING and not _annotation(k)}


def object_body(record: ResourceType, creation: Creation, obj: Mapping[str, Any]) -> Body:
    """What Graph is sent to create (or replace) ``obj``; see the module docstring."""
    read_only = creation.read_only()
    navigations = {child.name for child in record.children}
    warnings: list[str] = []
    body: dict[str, Any] = {}
    for key, value in obj.items():
        if key in read_only or (key.startswith("@") and key != "@odata.type") or "@odata." in key.lstrip("@"):
            continue
        if key in navigations and key not in creation.inline:
            continue
        secret = key in record.secret_fields and value is not None and not isinstance(value, (bool, int))
        if secret and (is_redacted(value) or value == ""):
            warnings.append(f"left out '{key}': the source holds no value for this secret; set it afterwards")
            continue
        if is_redacted(value):
            warnings.append(f"left out '{key}': the source redacted it; set it afterwards")
            continue
        body[key] = value
    if isinstance(body.get("templateReference"), Mapping):
        reference = {k: v for k, v in body["templateReference"].items() if k not in TEMPLATE_REFERENCE_SERVER_SET}
        body["templateReference"] = reference
    for name in creation.inline:
        children = body.get(name)
        if not isinstance(children, list):
            continue
        kept = []
        for child in children:
            if name == "settings" and _contains_redacted(child):
                warnings.append(
                    f"left out setting {_setting_id(child)}: the source redacted its value; set it afterwards"
                )
                continue
            kept.append(_clean_child(child))
        body[name] = kept
    return Body(body, tuple(warnings))


def _comparable(value: Any) -> Any:
    # null and absent are one state; child ids are Intune's numbering, not content.
    if isinstance(value, Mapping):
        return {
            k: _comparable(v)
            for k, v in value.items()
            if v is not None and k not in _CHILD_BOOKKEEPING and not _annotation(k)
        }
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def same_value(left: Any, right: Any) -> bool:
    """Whether two property values say the same (null = absent, child ids ignored)."""
    return bool(_comparable(left) == _comparable(right))
