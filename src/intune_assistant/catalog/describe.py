"""An object's type and platform in Intune's words, read from the catalog's per-type facts.

The only place analyses, renderers, pages and the CLI learn what an object is: "Kiosk" on
"Windows 10 and later", "Settings catalog" on "macOS". Matching is on the exact ``@odata.type``
(namespace removed), never on parts of it.

``templates`` (optional everywhere): Endpoint security templates by id (``securityTemplates``
objects, see ``intent_templates``); intents name neither their platform nor their type without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .facts import ADDITIVE, RECORDS, SUBTYPES, ReadFrom, TypeFacts
from .platforms import (
    UNDETERMINED,
    Platform,
    cleanup_rule_platform,
    condition_platform,
    enrollment_restriction_platform,
    filter_platform,
    settings_platform,
    template_platform,
)

__all__ = [
    "Templates",
    "app_type_label",
    "intent_templates",
    "is_additive",
    "object_platform",
    "odata_subtype",
    "platform_of",
    "type_facts",
    "type_name_of",
]

Templates = Mapping[str, Mapping[str, Any]]
_NAMESPACE = "#microsoft.graph."


def odata_subtype(value: object) -> str:
    """``#microsoft.graph.windowsKioskConfiguration`` → ``windowsKioskConfiguration`` ("" when absent).

    Accepts an object (reads its ``@odata.type``) or the type name itself.
    """
    if isinstance(value, Mapping):
        value = value.get("@odata.type")
    if not isinstance(value, str):
        return ""
    return value.strip().removeprefix(_NAMESPACE)


def intent_templates(templates: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Endpoint security templates (``securityTemplates`` objects) by id, for ``templates=``."""
    return {str(t["id"]): t for t in templates if isinstance(t.get("id"), str)}


def type_facts(key: str, obj: Mapping[str, Any]) -> TypeFacts | None:
    """The facts row for ``obj`` of catalog type ``key``: its exact subtype's, else its type's."""
    subtype = odata_subtype(obj)
    return SUBTYPES.get(subtype) if subtype in SUBTYPES else RECORDS.get(key)


def _template(obj: Mapping[str, Any], templates: Templates | None) -> Mapping[str, Any] | None:
    template_id = obj.get("templateId")
    if templates is None or not isinstance(template_id, str):
        return None
    return templates.get(template_id)


def _original(obj: Mapping[str, Any]) -> TypeFacts | None:
    original = obj.get("originalEntityTypeName")
    return SUBTYPES.get(odata_subtype(original)) if isinstance(original, str) else None


def _read_platform(source: ReadFrom, obj: Mapping[str, Any], templates: Templates | None) -> Platform:
    if source is ReadFrom.SETTINGS:
        return settings_platform(obj)
    if source is ReadFrom.INTENT_TEMPLATE:
        template = _template(obj, templates)
        return (template_platform(template.get("platformType")) if template else None) or UNDETERMINED
    if source is ReadFrom.TEMPLATE_PLATFORM:
        return template_platform(obj.get("platformType")) or UNDETERMINED
    if source is ReadFrom.RESTRICTION:
        return enrollment_restriction_platform(obj.get("platformType")) or UNDETERMINED
    if source is ReadFrom.FILTER:
        value = obj.get("platform")
        return filter_platform(value) or (Platform(value) if isinstance(value, str) and value else UNDETERMINED)
    if source is ReadFrom.CLEANUP_PLATFORM:
        return cleanup_rule_platform(obj.get("deviceCleanupRulePlatformType")) or UNDETERMINED
    if source is ReadFrom.CONDITIONS:
        return condition_platform(obj.get("conditions"))
    original = _original(obj)
    return original.platform if original is not None and isinstance(original.platform, Platform) else UNDETERMINED


def object_platform(key: str, obj: Mapping[str, Any], *, templates: Templates | None = None) -> Platform:
    """``obj``'s platform with its device family (for applicability checks).

    ``UNDETERMINED`` (empty label, no family) when it can't be told; ``ANY_PLATFORM`` for objects
    that serve every platform by design (web links, the default enrollment restriction).
    """
    facts = type_facts(key, obj)
    if facts is None:
        return UNDETERMINED
    if isinstance(facts.platform, Platform):
        return facts.platform
    return _read_platform(facts.platform, obj, templates)


def platform_of(key: str, obj: Mapping[str, Any], *, templates: Templates | None = None) -> str:
    """``obj``'s platform in Intune's words ("Windows 10 and later"); "" when it can't be told."""
    return object_platform(key, obj, templates=templates).label


def _template_name(obj: Mapping[str, Any], templates: Templates | None) -> str | None:
    reference = obj.get("templateReference")
    if isinstance(reference, Mapping) and reference.get("templateFamily") not in (None, "none"):
        name = reference.get("templateDisplayName")
        if isinstance(name, str) and name:
            return name
    template = _template(obj, templates)
    name = template.get("displayName") if template is not None else None
    return name if isinstance(name, str) and name else None


def type_name_of(key: str, obj: Mapping[str, Any], *, templates: Templates | None = None) -> str:
    """The name Intune's admin center gives ``obj``'s type ("Kiosk", "Settings catalog", "Windows app (Win32)").

    A policy made from a template is named by the template (as Endpoint security lists it); an
    object of a subtype the catalog doesn't know keeps its Graph type in the name.
    """
    facts = type_facts(key, obj)
    subtype = odata_subtype(obj)
    if facts is None:
        return subtype or key
    if facts.template_name:
        return _template_name(obj, templates) or facts.name
    if facts.platform is ReadFrom.ORIGINAL_TYPE:
        original = _original(obj)
        return f"{original.name} (no longer supported)" if original is not None else facts.name
    if facts.subtypes and subtype and subtype not in SUBTYPES:
        return f"{facts.name} ({subtype})"
    return facts.name


def is_additive(odata_type: object) -> bool:
    """True for a profile type whose profiles add up (Wi-Fi, VPN, certificates, e-mail): never a conflict.

    Accepts the ``@odata.type`` (with or without namespace) or the object carrying it.
    """
    return odata_subtype(odata_type) in ADDITIVE


def app_type_label(odata_type: str) -> str:
    """An app's ``@odata.type`` as the admin center's app type ("Windows app (Win32)")."""
    subtype = odata_subtype(odata_type)
    facts = SUBTYPES.get(subtype)
    if facts is not None:
        return facts.name
    return f"{RECORDS['mobileApps'].name} ({subtype})" if subtype else RECORDS["mobileApps"].name
