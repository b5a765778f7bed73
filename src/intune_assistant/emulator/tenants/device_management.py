"""Tenant-wide device management: deviceManagement's settings, device clean-up rules, derived
credentials and reusable settings (fields as the Graph beta pages' examples show them)."""

from __future__ import annotations

from random import Random
from typing import Any

from .context import GRAPH, Ctx
from .ids import created_modified, guid, stable_guid

Obj = dict[str, Any]


def tenant_settings(ctx: Ctx) -> Obj:
    """``GET deviceManagement?$select=id,settings,managedDeviceCleanupSettings,intuneAccountId``.

    Compliance settings (Endpoint security > Device compliance > Compliance policy settings) and the
    tenant-wide device clean-up rule, as intune-deviceconfig-devicemanagement-get.md and
    intune-devices-devicemanagement-get.md show them.
    """
    rng = ctx.rng("tenantSettings")
    strict = rng.random() < 0.5
    return {
        "@odata.type": GRAPH + "deviceManagement",
        "id": stable_guid("deviceManagement", ctx.tenant_id),
        "settings": {
            "@odata.type": "microsoft.graph.deviceManagementSettings",
            "deviceComplianceCheckinThresholdDays": 30 if strict else 45,
            "isScheduledActionEnabled": True,
            "secureByDefault": strict,
            "enhancedJailBreak": strict,
            "deviceInactivityBeforeRetirementInDay": 0,
            "derivedCredentialProvider": "notConfigured",
            "derivedCredentialUrl": None,
            "androidDeviceAdministratorEnrollmentEnabled": False,
            "ignoreDevicesForUnsupportedSettingsEnabled": False,
            "enableLogCollection": True,
            "enableAutopilotDiagnostics": True,
            "enableEnhancedTroubleshootingExperience": False,
            "enableDeviceGroupMembershipReport": True,
            "m365AppDiagnosticsEnabled": False,
        },
        "managedDeviceCleanupSettings": {
            "@odata.type": "microsoft.graph.managedDeviceCleanupSettings",
            # A string on Graph (intune-devices-manageddevicecleanupsettings.md).
            "deviceInactivityBeforeRetirementInDays": "90",
        },
        "intuneAccountId": stable_guid("intuneAccount", ctx.tenant_id),
    }


# (name, platform type, days) — Devices > Device clean-up rules, one rule per platform.
_CLEANUP: tuple[tuple[str, str, int], ...] = (
    ("Windows devices inactive 90 days", "windows", 90),
    ("iOS/iPadOS devices inactive 120 days", "ios", 120),
    ("macOS devices inactive 120 days", "macOS", 120),
    ("Android Enterprise devices inactive 60 days", "androidDedicatedAndFullyManagedCorporateOwnedWorkProfile", 60),
    ("Personally-owned work profiles inactive 60 days", "androidPersonallyOwnedWorkProfile", 60),
)


def cleanup_rules(ctx: Ctx, count: int) -> list[Obj]:
    """Device clean-up rules (intune-devices-manageddevicecleanuprule-list.md)."""
    rng = ctx.rng("deviceCleanupRules")
    rules = []
    for name, platform, days in _CLEANUP[:count]:
        _, modified = created_modified(rng)
        rules.append(
            {
                "@odata.type": GRAPH + "managedDeviceCleanupRule",
                "id": guid(rng),
                "displayName": name,
                "description": f"Remove {platform} devices that have not checked in for {days} days.",
                "deviceCleanupRulePlatformType": platform,
                "lastModifiedDateTime": modified,
                "deviceInactivityBeforeRetirementInDays": days,
            }
        )
    return rules


# (name, issuer, notification, help URL path) — Tenant administration > Connectors and tokens >
# Derived credentials (intune-shared-devicemanagementderivedcredentialsettings-list.md).
_DERIVED: tuple[tuple[str, str, str], ...] = (
    ("PIV smart card (Purebred)", "purebred", "companyPortal"),
    ("CAC derived credential (Entrust)", "entrustDatacard", "email"),
)


def derived_credentials(ctx: Ctx, count: int) -> list[Obj]:
    """Derived credential issuers for smart-card users on mobile devices."""
    rng = ctx.rng("derivedCredentials")
    return [
        {
            "@odata.type": GRAPH + "deviceManagementDerivedCredentialSettings",
            "id": guid(rng),
            "helpUrl": f"https://support.{ctx.domain}/derived-credentials",
            "displayName": name,
            "issuer": issuer,
            "notificationType": notification,
            "renewalThresholdPercentage": rng.choice((10, 20, 25)),
        }
        for name, issuer, notification in _DERIVED[:count]
    ]


_FIREWALL = "vendor_msft_firewall_mdmstore_dynamickeywords_addresses_{id}"
_USB = "device_vendor_msft_defender_configuration_devicecontrol_policygroups_{groupid}_groupdata"


def _simple(definition: str, value: str) -> Obj:
    return {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
        "settingDefinitionId": definition,
        "simpleSettingValue": {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationStringSettingValue",
            "value": value,
        },
    }


def _firewall_entry(rng: Random, keyword: str) -> Obj:
    return {
        "children": [
            _simple(f"{_FIREWALL}_id", "{" + guid(rng) + "}"),
            {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                "settingDefinitionId": f"{_FIREWALL}_autoresolve",
                "choiceSettingValue": {"value": f"{_FIREWALL}_autoresolve_true", "children": []},
            },
            _simple(f"{_FIREWALL}_keyword", keyword),
        ]
    }


def _usb_group(rng: Random, name: str, vids: list[str]) -> Obj:
    return {
        "children": [
            _simple(f"{_USB}_id", "{" + guid(rng) + "}"),
            _simple(f"{_USB}_name", name),
            {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationGroupSettingCollectionInstance",
                "settingDefinitionId": f"{_USB}_descriptoridlist",
                "groupSettingCollectionValue": [
                    {"children": [_simple(f"{_USB}_descriptoridlist_vidpid", vid)]} for vid in vids
                ],
            },
        ]
    }


def reusable_settings(ctx: Ctx, count: int) -> list[Obj]:
    """Reusable settings Endpoint security refers to: firewall address keywords and USB device groups."""
    rng = ctx.rng("reusableSettings")
    made = [
        (
            "Firewall - Microsoft 365 endpoints",
            "Hosts the Windows Firewall rules allow for Microsoft 365.",
            _FIREWALL,
            [_firewall_entry(rng, k) for k in ("*.office.com", "*.sharepoint.com", "outlook.office365.com")],
        ),
        (
            "Device control - Approved USB drives",
            "Encrypted USB drives issued by IT.",
            _USB,
            [_usb_group(rng, "Approved encrypted drives", ["0951/1666", "0781/5583"])],
        ),
        (
            "Firewall - Blocked top-level domains",
            "Domains the outbound rule blocks.",
            _FIREWALL,
            [_firewall_entry(rng, k) for k in ("*.zip", "*.mov")],
        ),
    ]
    items = []
    for index in range(count):
        name, description, definition, entries = made[index % len(made)]
        created, modified = created_modified(rng)
        items.append(
            {
                "@odata.type": GRAPH + "deviceManagementReusablePolicySetting",
                "id": guid(rng),
                "displayName": name if index < len(made) else f"{name} {index // len(made) + 1}",
                "description": description,
                "settingDefinitionId": definition,
                "settingInstance": {
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationGroupSettingCollectionInstance",
                    "settingDefinitionId": definition,
                    "groupSettingCollectionValue": entries,
                },
                "createdDateTime": created,
                "lastModifiedDateTime": modified,
                "version": rng.randrange(1, 6),
                "referencingConfigurationPolicyCount": rng.randrange(0, 3),
            }
        )
    return items
