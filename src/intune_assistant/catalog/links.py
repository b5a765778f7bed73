"""Where an object lives in the Intune admin center: one declarative row per catalog type.

The admin center's blade URLs are not a documented API. Each row is either a per-object blade
that Microsoft's own docs or widely used tools link to (``opens_object=True``), or, where no
per-object address is established, the type's list blade, from Microsoft Learn's "go directly to"
links. A type outside the admin center (GDAP relationships live in Partner Center) has no row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

__all__ = ["ADMIN_CENTER", "LINKS", "AdminCenterLink", "admin_center_link", "admin_center_url"]

ADMIN_CENTER = "https://intune.microsoft.com/"


@dataclass(frozen=True)
class AdminCenterLink:
    """A blade address after ``#view/``; ``{id}``, ``{assigned}`` and ``{platforms}`` are filled in."""

    view: str
    # False: the link opens the type's list, where the admin picks the object by name.
    opens_object: bool


def _obj(view: str) -> AdminCenterLink:
    return AdminCenterLink(view, opens_object=True)


def _list(view: str) -> AdminCenterLink:
    return AdminCenterLink(view, opens_object=False)


_CONFIGURATION = _list("Microsoft_Intune_DeviceSettings/DevicesMenu/~/configuration")
_COMPLIANCE = _list("Microsoft_Intune_DeviceSettings/DevicesMenu/~/compliance")
_ENDPOINT_SECURITY = _list("Microsoft_Intune_Workflows/SecurityManagementMenu/~/overview")
_ENROLLMENT = _list("Microsoft_Intune_DeviceSettings/DevicesMenu/~/enrollment")
_SCRIPTS = _list("Microsoft_Intune_DeviceSettings/DevicesMenu/~/scripts")
_APP_PROTECTION = _list("Microsoft_Intune_DeviceSettings/AppsMenu/~/protection")
_TENANT_ROLES = _list("Microsoft_Intune_DeviceSettings/TenantAdminMenu/~/roles")

LINKS: Mapping[str, AdminCenterLink] = {
    # The settings catalog's policy summary blade (the address the admin center itself opens).
    "settingsCatalog": _obj(
        "Microsoft_Intune_Workflows/PolicySummaryBlade/policyId/{id}/isAssigned~/{assigned}"
        "/technology/mdm/templateId//platformName/{platforms}"
    ),
    "complianceSettingsPolicies": _COMPLIANCE,
    "deviceConfigurations": _CONFIGURATION,
    "administrativeTemplates": _CONFIGURATION,
    "updateRings": _CONFIGURATION,
    "featureUpdateProfiles": _CONFIGURATION,
    "qualityUpdateProfiles": _CONFIGURATION,
    "driverUpdateProfiles": _CONFIGURATION,
    "compliancePolicies": _COMPLIANCE,
    "notificationTemplates": _COMPLIANCE,
    "securityIntents": _ENDPOINT_SECURITY,
    "securityTemplates": _ENDPOINT_SECURITY,
    "powershellScripts": _SCRIPTS,
    "shellScripts": _SCRIPTS,
    "customAttributeScripts": _SCRIPTS,
    "remediations": _list("Microsoft_Intune_DeviceSettings/DevicesMenu/~/remediations"),
    "mobileApps": _obj("Microsoft_Intune_Apps/SettingsMenu/~/0/appId/{id}"),
    "appConfigManagedDevices": _obj("Microsoft_Intune_Apps/AppConfigPolicySettingsMenu/~/2/appConfigPolicyId/{id}"),
    "appConfigManagedApps": _obj(
        "Microsoft_Intune/TargetedAppConfigInstanceBlade/~/fullscreensummary/id/{id}/odataType/undefined"
    ),
    "appProtectionIos": _APP_PROTECTION,
    "appProtectionAndroid": _APP_PROTECTION,
    "appProtectionWindows": _APP_PROTECTION,
    "autopilotProfiles": _ENROLLMENT,
    "enrollmentConfigurations": _ENROLLMENT,
    "assignmentFilters": _list("Microsoft_Intune_DeviceSettings/TenantAdminMenu/~/assignmentFilters"),
    "scopeTags": _TENANT_ROLES,
    "roleDefinitions": _TENANT_ROLES,
    "roleAssignments": _TENANT_ROLES,
    "deviceCategories": _list("Microsoft_Intune_DeviceSettings/DevicesMenu/~/deviceCategories"),
    # Issue 12's types: the blade each lives on where a widely used tool links it (terms, branding,
    # connectors and tokens), else the nearest established menu (Devices, Apps, Enrollment).
    "complianceScripts": _COMPLIANCE,
    "tenantSettings": _COMPLIANCE,
    "reusableSettings": _ENDPOINT_SECURITY,
    "autopilotDevices": _ENROLLMENT,
    "policySets": _list("Microsoft_Intune_DeviceSettings/DevicesMenu/~/overview"),
    "deviceCleanupRules": _list("Microsoft_Intune_DeviceSettings/DevicesMenu/~/overview"),
    "appCategories": _list("Microsoft_Intune_DeviceSettings/AppsMenu/~/overview"),
    "termsAndConditions": _list("Microsoft_Intune_DeviceSettings/TenantAdminMenu/~/termsAndConditions"),
    "brandingProfiles": _list("Microsoft_Intune_DeviceSettings/TenantAdminMenu/~/companyPortalBranding"),
    "derivedCredentials": _list("Microsoft_Intune_DeviceSettings/TenantAdminMenu/~/connectorsAndTokens"),
    "auditEvents": _list("Microsoft_Intune_DeviceSettings/TenantAdminMenu/~/auditLogs"),
    # Entra blades open in the Intune admin center too (same portal framework).
    "conditionalAccessPolicies": _obj("Microsoft_AAD_ConditionalAccess/PolicyBlade/policyId/{id}"),
    "namedLocations": _list("Microsoft_AAD_ConditionalAccess/ConditionalAccessBlade/~/NamedLocations"),
    "groups": _obj("Microsoft_AAD_IAM/GroupDetailsMenuBlade/~/Overview/groupId/{id}"),
    "users": _obj("Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/{id}"),
    "managedDevices": _obj("Microsoft_Intune_Devices/DeviceSettingsMenuBlade/~/overview/mdmDeviceId/{id}"),
    "entraDevices": _list("Microsoft_AAD_Devices/DevicesMenuBlade/~/Devices"),
    "directoryRoles": _list("Microsoft_AAD_IAM/RolesManagementMenuBlade/~/AllRoles"),
}

# Settings catalog platform values as the policy summary blade spells them in its address.
_PLATFORM_NAMES = ("windows10", "macOS", "iOS", "linux", "androidEnterprise", "aosp", "android", "windows10X")


def admin_center_link(key: str) -> AdminCenterLink | None:
    """The admin-center row of catalog type ``key`` (None: not in the admin center)."""
    return LINKS.get(key)


def _assigned(obj: Mapping[str, Any]) -> str:
    assigned = obj.get("isAssigned")
    if not isinstance(assigned, bool):
        assignments = obj.get("assignments")
        assigned = isinstance(assignments, list) and bool(assignments)
    return "true" if assigned else "false"


def _platforms(obj: Mapping[str, Any]) -> str:
    value = obj.get("platforms")
    parts = [p.strip() for p in value.split(",")] if isinstance(value, str) else []
    # An unknown or missing value: the blade still opens the policy, the name only picks its layout.
    return next((p for p in parts if p in _PLATFORM_NAMES), "windows10")


def admin_center_url(key: str, obj: Mapping[str, Any]) -> str | None:
    """The Intune admin center address of ``obj`` (or of its type's list); None when it has none.

    See ``admin_center_link(key).opens_object`` to tell the two apart.
    """
    link = LINKS.get(key)
    object_id = obj.get("id")
    if link is None or (link.opens_object and not (isinstance(object_id, str) and object_id)):
        return None
    view = link.view
    if link.opens_object:
        view = view.format(
            id=quote(str(object_id), safe=""),
            assigned=_assigned(obj),
            platforms=quote(_platforms(obj), safe="") if "{platforms}" in view else "",
        )
    return f"{ADMIN_CENTER}#view/{view}"
