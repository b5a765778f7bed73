"""Every policy type → setting rows; the one entry point documentation, search and compare share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from intune_assistant.catalog import Catalog, Kind, ResourceType
from intune_assistant.snapshot import Names, Snapshot

from .admx_rows import admx_rows
from .app_rows import app_config_rows, app_protection_rows, mobile_app_rows
from .ca_rows import ca_rows
from .catalog_rows import catalog_rows
from .compliance_actions import noncompliance_rows
from .context import PolicyContext, References
from .definitions import SettingDefinitions
from .intent_rows import intent_rows
from .kinds import platform_of
from .model import SettingRow
from .property_rows import decode_text, property_rows
from .script_rows import script_rows
from .shipped import shipped_names
from .tenant_rows import branding_rows, policy_set_rows, reusable_rows
from .values import display_value
from .words import readable_enum

__all__ = ["DOCUMENTED_KINDS", "documented_types", "policy_rows", "setting_rows"]

# Kinds of catalog types that hold configuration an admin documents (not directory or devices).
DOCUMENTED_KINDS = frozenset({Kind.POLICY, Kind.APP, Kind.SCRIPT, Kind.ENROLLMENT, Kind.TENANT})
_OMA = "omaSettings"
_PAYLOAD = "payload"

RowBuilder = Callable[[PolicyContext], list[SettingRow]]


def _oma_rows(ctx: PolicyContext) -> list[SettingRow]:
    rows: list[SettingRow] = []
    for setting in ctx.obj.get(_OMA) or ():
        if not isinstance(setting, Mapping):
            continue
        uri = str(setting.get("omaUri") or "")
        name = str(setting.get("displayName") or uri)
        value = setting.get("value")
        kind = str(setting.get("@odata.type", "")).lower()
        secret = bool(setting.get("isEncrypted")) or "secret" in kind
        if isinstance(value, str) and ("base64" in kind or "xml" in kind):
            shown = decode_text(value) or f"(file {setting.get('fileName') or ''}, {len(value) * 3 // 4} bytes)".strip()
        else:
            shown = display_value(value, "value")
        rows.append(ctx.row("OMA-URI settings", name, shown, f"{_OMA}[{uri}]", value, secret=secret))
    return rows


def _device_configuration_rows(ctx: PolicyContext) -> list[SettingRow]:
    rows = property_rows(ctx, ctx.obj, skip=(_OMA, _PAYLOAD), drop_false=True) + _oma_rows(ctx)
    payload = ctx.obj.get(_PAYLOAD)
    if isinstance(payload, str) and payload:
        text = decode_text(payload)
        shown = text if text is not None else f"(signed or binary payload, {len(payload) * 3 // 4} bytes)"
        rows.append(ctx.row("Custom configuration profile", "Payload", shown, _PAYLOAD, text or payload))
    return rows


def _compliance_rows(ctx: PolicyContext) -> list[SettingRow]:
    return property_rows(ctx, ctx.obj, drop_false=True) + noncompliance_rows(ctx)


def _filter_rows(ctx: PolicyContext) -> list[SettingRow]:
    rows = property_rows(ctx, ctx.obj, skip=("platform",))
    platform = ctx.obj.get("platform")
    if isinstance(platform, str):
        rows.insert(0, ctx.row("", "Platform", ctx.platform or readable_enum(platform), "platform", platform))
    used = ctx.references.filter_usage.get(ctx.policy_id)
    if used is not None or ctx.references.filter_usage:
        shown = ", ".join(used) if used else "Not used by any assignment in this snapshot"
        rows.append(ctx.row("", "Used by", shown, "usedBy", list(used or [])))
    return rows


def _group_names(ctx: PolicyContext, ids: Any) -> str:
    return ", ".join(ctx.names.group(str(i)) or f"group not in this snapshot ({i})" for i in ids if isinstance(i, str))


def _role_assignment_rows(ctx: PolicyContext) -> list[SettingRow]:
    groups = {"members": "Members", "scopeMembers": "Scope (groups)", "resourceScopes": "Resource scopes"}
    rows = property_rows(ctx, ctx.obj, skip=(*groups, "roleDefinition"))
    role = ctx.obj.get("roleDefinition")
    if isinstance(role, Mapping) and role.get("displayName"):
        rows.insert(0, ctx.row("", "Role", str(role["displayName"]), "roleDefinition", role.get("id")))
    for field, label in groups.items():
        ids = ctx.obj.get(field)
        if isinstance(ids, list) and ids:
            rows.append(ctx.row("", label, _group_names(ctx, ids), field, ids))
    return rows


def _notification_rows(ctx: PolicyContext) -> list[SettingRow]:
    messages = ctx.obj.get("localizedNotificationMessages")
    return property_rows(ctx, ctx.obj) + property_rows(ctx, {"localizedMessages": messages}, path="")


def _enrollment_token_rows(ctx: PolicyContext) -> list[SettingRow]:
    # Each enrollment profile of the token by its name, with its settings below it.
    rows = property_rows(ctx, ctx.obj)
    for profile in ctx.obj.get("enrollmentProfiles") or []:
        if isinstance(profile, Mapping):
            name = str(profile.get("displayName") or profile.get("id") or "")
            # Keyed by name: the same profile in another tenant has another id.
            path = f"enrollmentProfiles[{name}]"
            rows.append(ctx.row("Enrollment profiles", "Enrollment profile", name, path, name))
            category = f"Enrollment profiles > {name}"
            description = profile.get("description")
            if isinstance(description, str) and description:
                rows.append(ctx.row(category, "Description", description, f"{path}.description", description))
            rows += property_rows(ctx, profile, category=category, path=path)
    return rows


_BUILDERS: Mapping[str, RowBuilder] = {
    "settingsCatalog": catalog_rows,
    "complianceSettingsPolicies": lambda ctx: catalog_rows(ctx) + noncompliance_rows(ctx),
    "deviceConfigurations": _device_configuration_rows,
    "compliancePolicies": _compliance_rows,
    "administrativeTemplates": admx_rows,
    "securityIntents": intent_rows,
    "powershellScripts": script_rows,
    "shellScripts": script_rows,
    "remediations": script_rows,
    "customAttributeScripts": script_rows,
    "complianceScripts": script_rows,
    "policySets": policy_set_rows,
    "brandingProfiles": branding_rows,
    "reusableSettings": reusable_rows,
    "mobileApps": mobile_app_rows,
    "appConfigManagedDevices": app_config_rows,
    "appConfigManagedApps": app_config_rows,
    "appProtectionIos": app_protection_rows,
    "appProtectionAndroid": app_protection_rows,
    "appProtectionWindows": app_protection_rows,
    "conditionalAccessPolicies": ca_rows,
    "assignmentFilters": _filter_rows,
    "roleAssignments": _role_assignment_rows,
    "notificationTemplates": _notification_rows,
    "depOnboardingSettings": _enrollment_token_rows,
}


def policy_rows(
    record: ResourceType,
    obj: Mapping[str, Any],
    definitions: SettingDefinitions,
    names: Names,
    references: References | None = None,
) -> list[SettingRow]:
    """The setting rows of one object of type ``record``.

    ``references`` names users, named locations, apps and message templates (see
    ``References.from_snapshot``); without it those ids are shown with a note.
    """
    name = record.object_name(obj) or obj.get("id") or ""
    ctx = PolicyContext(
        record=record,
        obj=obj,
        definitions=definitions,
        names=names,
        references=references if references is not None else References(),
        policy_id=str(obj.get("id") or ""),
        policy_name=str(name),
        platform=platform_of(record, obj, references),
    )
    builder = _BUILDERS.get(record.key)
    return builder(ctx) if builder is not None else property_rows(ctx, obj)


def documented_types(catalog: Catalog) -> list[ResourceType]:
    """The catalog types whose objects are documented, in catalog order."""
    return [r for r in catalog if r.kind in DOCUMENTED_KINDS]


def snapshot_definitions(snapshot: Snapshot, extra: SettingDefinitions | None = None) -> SettingDefinitions:
    """The snapshot's definitions, with ``extra`` (e.g. a definitions file) filling gaps, then the
    names shipped with the package."""
    own = SettingDefinitions.from_graph(snapshot.setting_definitions.values())
    return (own.merged(extra) if extra is not None else own).with_shipped(shipped_names())


def setting_rows(
    snapshot: Snapshot, catalog: Catalog, definitions: SettingDefinitions | None = None
) -> list[SettingRow]:
    """Rows of every documented object in ``snapshot``, type by type in catalog order.

    ``definitions`` default to the snapshot's own (``snapshot.setting_definitions``); when given,
    they are used where the snapshot has none for an id.
    """
    merged = snapshot_definitions(snapshot, definitions)
    references = References.from_snapshot(snapshot)
    rows: list[SettingRow] = []
    for record in documented_types(catalog):
        for obj in snapshot.read_objects(record.key) or ():  # gaps: type_gaps
            rows.extend(policy_rows(record, obj, merged, snapshot.names, references))
    return rows
