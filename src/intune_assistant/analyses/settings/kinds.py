"""What kind of policy an object is and which platform it is for, in the admin center's words.

Both come from the catalog's per-type facts (``catalog/facts.py``); this module only adapts them
to setting rows, where "applies to every platform" is no platform (kept by every platform search).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from intune_assistant.catalog import ResourceType, object_platform, type_name_of

from .context import References

__all__ = ["platform_of", "policy_type"]


def platform_of(record: ResourceType, obj: Mapping[str, Any], references: References | None = None) -> str | None:
    """The platform ``obj`` applies to, or None when it applies to any (CA, web links...) or can't be told."""
    templates = references.templates if references is not None else None
    platform = object_platform(record.key, obj, templates=templates)
    return platform.label if platform.known and not platform.every else None


def policy_type(record: ResourceType, obj: Mapping[str, Any], references: References) -> str:
    """The kind of policy, as the admin center names it (template, profile or app type)."""
    return type_name_of(record.key, obj, templates=references.templates)
