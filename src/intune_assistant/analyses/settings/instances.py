"""Walking settings-catalog setting instances, and the definitions a snapshot refers to.

A settings-catalog policy holds ``settings[].settingInstance``; each instance may hold children
(choice options' children, group items' children) at any depth. The collector keeps only the
definitions policies use, plus their parents and children, so names stay readable offline.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

__all__ = [
    "SETTINGS_POLICY_TYPES",
    "child_values",
    "instances_of",
    "referenced_definition_ids",
    "referenced_definitions",
    "top_instances",
]

# Catalog keys whose objects hold settings-catalog setting instances.
SETTINGS_POLICY_TYPES = ("settingsCatalog", "complianceSettingsPolicies")


def top_instances(policy: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The top-level setting instances of a policy (``settings[].settingInstance``).

    Exports that put instances straight into ``settings`` are read as well.
    """
    result: list[Mapping[str, Any]] = []
    settings = policy.get("settings")
    for setting in settings if isinstance(settings, list) else ():
        if not isinstance(setting, Mapping):
            continue
        instance = setting.get("settingInstance", setting)
        if isinstance(instance, Mapping) and isinstance(instance.get("settingDefinitionId"), str):
            result.append(instance)
    return result


def child_values(instance: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The values of ``instance`` that may carry ``children`` (choice and group values)."""
    values: list[Any] = [instance.get("choiceSettingValue"), instance.get("groupSettingValue")]
    for key in ("groupSettingCollectionValue", "choiceSettingCollectionValue"):
        items = instance.get(key)
        if isinstance(items, list):
            values.extend(items)
    return [v for v in values if isinstance(v, Mapping)]


def instances_of(policy: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every setting instance of ``policy``, children included, depth first."""
    stack = list(reversed(top_instances(policy)))
    while stack:
        instance = stack.pop()
        yield instance
        children: list[Mapping[str, Any]] = []
        for value in child_values(instance):
            found = value.get("children")
            if isinstance(found, list):
                children.extend(c for c in found if isinstance(c, Mapping))
        stack.extend(reversed(children))


def referenced_definition_ids(objects: Mapping[str, Iterable[Mapping[str, Any]]]) -> set[str]:
    """Definition ids the settings-catalog and compliance-settings policies in ``objects`` use."""
    found: set[str] = set()
    for key in SETTINGS_POLICY_TYPES:
        for policy in objects.get(key, ()):
            found.update(str(i["settingDefinitionId"]) for i in instances_of(policy))
    return found


def _related(definition: Mapping[str, Any]) -> Iterator[str]:
    """Ids a definition points at: children, dependants of its options, its parent and root."""
    for child in definition.get("childIds") or ():
        yield str(child)
    for option in definition.get("options") or ():
        if isinstance(option, Mapping):
            for dependant in option.get("dependedOnBy") or ():
                if isinstance(dependant, Mapping) and dependant.get("dependedOnBy"):
                    yield str(dependant["dependedOnBy"])
    for dependency in definition.get("dependentOn") or ():
        if isinstance(dependency, Mapping) and dependency.get("parentSettingId"):
            yield str(dependency["parentSettingId"])
    root = definition.get("rootDefinitionId")
    if isinstance(root, str) and root:
        yield root


def referenced_definitions(
    catalogue: Iterable[Mapping[str, Any]], objects: Mapping[str, Iterable[Mapping[str, Any]]]
) -> dict[str, dict[str, Any]]:
    """The definitions of ``catalogue`` that ``objects`` use, with their parents and children."""
    by_id = {str(d["id"]): d for d in catalogue if isinstance(d, Mapping) and isinstance(d.get("id"), str)}
    wanted = [i for i in referenced_definition_ids(objects) if i in by_id]
    kept: dict[str, dict[str, Any]] = {}
    while wanted:
        definition_id = wanted.pop()
        if definition_id in kept or definition_id not in by_id:
            continue
        kept[definition_id] = dict(by_id[definition_id])
        wanted.extend(i for i in _related(by_id[definition_id]) if i not in kept)
    return kept
