"""What Graph refuses in a create (or a settings catalog ``PUT``) body, by the catalog's creation facts.

- A property Graph computes (``catalog/creation.py``: ids, timestamps, counts, states, the settings
  catalog's ``settingCount``) is not taken from the body: Graph's own create examples send them, and
  the server sets them (``settingCount`` is the number of settings sent).
- Navigations: only the children the type's creation sends inline (settings, scheduled actions,
  an app protection's apps) may be in the body; others (``definitionValues``, an intent's
  ``settings``, ``assignments``) are a 400.
- Settings catalog settings: each is ``{"settingInstance": {...}}`` whose ``@odata.type`` is a
  setting instance type and whose ``settingDefinitionId`` is set. Where the emulator holds the
  definition, the instance type must be the one the definition calls for, a choice must name one of
  its options, and children are checked the same way. A definition the emulator does not hold is
  checked for shape only (instance type, a chosen option, a typed simple value): the emulator holds
  a subset of Graph's definitions and can't tell one it lacks from one Graph lacks.
- Groups (group-post-groups.md): ``displayName``, ``mailEnabled``, ``mailNickname`` and
  ``securityEnabled`` are required — ``mailNickname`` for a security group too — and a missing one
  is Graph's ``Request_BadRequest`` "A value is required for property '…' of resource 'Group'.";
  a ``mailNickname`` that is empty, longer than 64 characters, not ASCII, or holds a space or one of
  ``@ ( ) \\ [ ] " ; : < > ,`` is "Invalid value specified for property 'mailNickname' of resource
  'Group'."; the two flags must be booleans. Graph creates Microsoft 365 groups (``groupTypes``
  ``Unified``, mail-enabled) and security groups (not mail-enabled), not mail-enabled security
  groups or distribution lists: ``mailEnabled`` true without ``Unified`` is a 400. ``mailNickname``
  is not checked for uniqueness (Graph doesn't enforce it for these groups).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...catalog import ResourceType
from ...catalog.creation import CREATION
from .errors import bad_request

__all__ = ["check_create", "check_settings", "inline_children", "server_set"]

_GRAPH = "#microsoft.graph.deviceManagementConfiguration"
# Definition type → the instance type a setting of it must be.
_INSTANCE_OF = {
    "ChoiceSettingDefinition": "ChoiceSettingInstance",
    "ChoiceSettingCollectionDefinition": "ChoiceSettingCollectionInstance",
    "SimpleSettingDefinition": "SimpleSettingInstance",
    "SimpleSettingCollectionDefinition": "SimpleSettingCollectionInstance",
    "SettingGroupDefinition": "GroupSettingInstance",
    "SettingGroupCollectionDefinition": "GroupSettingCollectionInstance",
}
_INSTANCE_TYPES = frozenset(_INSTANCE_OF.values()) | {"SettingInstance"}


def _suffix(value: Any) -> str:
    text = value.lstrip("#") if isinstance(value, str) else ""
    return text.removeprefix("microsoft.graph.deviceManagementConfiguration")


def inline_children(record: ResourceType) -> set[str] | None:
    """The navigations a create of ``record`` may carry inline (None: the catalog doesn't say)."""
    creation = CREATION.get(record.key)
    return set(creation.inline) if creation is not None else None


def server_set(record: ResourceType) -> frozenset[str]:
    """The properties of ``record`` a create's body does not set (the server does)."""
    creation = CREATION.get(record.key)
    return creation.read_only() - {"assignments"} if creation is not None else frozenset()


_NOT_IN_NICKNAME = frozenset('@()\\[]";:<>, ')
_MAX_NICKNAME = 64


def _check_group(body: Mapping[str, Any]) -> None:
    for name in ("displayName", "mailEnabled", "mailNickname", "securityEnabled"):
        if body.get(name) is None:
            raise bad_request(f"A value is required for property '{name}' of resource 'Group'.", "Request_BadRequest")
    for name in ("mailEnabled", "securityEnabled"):
        if not isinstance(body[name], bool):
            raise bad_request(
                f"Invalid value specified for property '{name}' of resource 'Group'.", "Request_BadRequest"
            )
    nickname = body["mailNickname"]
    if (
        not isinstance(nickname, str)
        or not nickname
        or len(nickname) > _MAX_NICKNAME
        or not nickname.isascii()
        or any(c in _NOT_IN_NICKNAME or ord(c) < 32 for c in nickname)
    ):
        raise bad_request(
            "Invalid value specified for property 'mailNickname' of resource 'Group'.", "Request_BadRequest"
        )
    types = body.get("groupTypes")
    if body["mailEnabled"] and not (isinstance(types, list) and "Unified" in types):
        raise bad_request(
            "Only Microsoft 365 groups ('groupTypes': ['Unified']) can be created mail-enabled; "
            "a security group is created with 'mailEnabled': false.",
            "Request_BadRequest",
        )


def check_create(record: ResourceType, body: Mapping[str, Any], definitions: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise Graph's 400 for what a create of ``record`` must not carry; see the module docstring."""
    if record.key == "groups":
        _check_group(body)
    creation = CREATION.get(record.key)
    if creation is not None and "settings" in creation.inline and "settings" in body:
        check_settings(body["settings"], definitions)


def check_settings(settings: Any, definitions: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise a 400 for a settings list Graph would refuse."""
    if not isinstance(settings, list):
        raise bad_request("The property 'settings' must be a collection.")
    for setting in settings:
        instance = setting.get("settingInstance") if isinstance(setting, Mapping) else None
        if not isinstance(instance, Mapping):
            raise bad_request("Each setting needs a 'settingInstance'.")
        _check_instance(instance, definitions)


def _check_instance(instance: Mapping[str, Any], definitions: Mapping[str, Mapping[str, Any]]) -> None:
    kind = _suffix(instance.get("@odata.type"))
    if kind not in _INSTANCE_TYPES:
        raise bad_request(f"Invalid setting instance type '{instance.get('@odata.type')}'.")
    definition_id = instance.get("settingDefinitionId")
    if not isinstance(definition_id, str) or not definition_id:
        raise bad_request("A setting instance needs a 'settingDefinitionId'.")
    definition = definitions.get(definition_id)
    if definition is not None:
        wanted = _INSTANCE_OF.get(_suffix(definition.get("@odata.type")))
        if wanted is not None and kind != wanted:
            raise bad_request(
                f"The setting '{definition_id}' is a {wanted.removesuffix('Instance')}; "
                f"a {kind} was sent (expected {_GRAPH}{wanted})."
            )
    if kind == "ChoiceSettingInstance":
        value = instance.get("choiceSettingValue")
        _check_choice(definition_id, value, definition)
        _check_children(value, definitions)
    elif kind == "ChoiceSettingCollectionInstance":
        for value in instance.get("choiceSettingCollectionValue") or []:
            _check_choice(definition_id, value, definition)
            _check_children(value, definitions)
    elif kind == "GroupSettingCollectionInstance":
        for value in instance.get("groupSettingCollectionValue") or []:
            _check_children(value, definitions)
    elif kind == "GroupSettingInstance":
        _check_children(instance.get("groupSettingValue"), definitions)
    elif kind == "SimpleSettingInstance":
        value = instance.get("simpleSettingValue")
        if not isinstance(value, Mapping) or not isinstance(value.get("@odata.type"), str):
            raise bad_request(f"The setting '{definition_id}' needs a 'simpleSettingValue' with an '@odata.type'.")


def _check_choice(definition_id: str, value: Any, definition: Mapping[str, Any] | None) -> None:
    chosen = value.get("value") if isinstance(value, Mapping) else None
    if not isinstance(chosen, str) or not chosen:
        raise bad_request(f"The setting '{definition_id}' needs a chosen option.")
    if definition is not None:
        options = {o.get("itemId") for o in definition.get("options") or [] if isinstance(o, Mapping)}
        if options and chosen not in options:
            raise bad_request(f"The option '{chosen}' is not an option of the setting '{definition_id}'.")


def _check_children(value: Any, definitions: Mapping[str, Mapping[str, Any]]) -> None:
    children = value.get("children") if isinstance(value, Mapping) else None
    for child in children or []:
        if not isinstance(child, Mapping):
            raise bad_request("Each child setting must be a JSON object.")
        _check_instance(child, definitions)
