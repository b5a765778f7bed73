"""Every demo object gets its platform and type name in Intune's words, as Microsoft documents them.

``DOCS`` is written from Microsoft's documentation, not from the catalog: each family cites its
pages. The test fails for a demo ``@odata.type`` missing here (the table must grow with the
emulator) and for any object whose catalog answer differs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from intune_assistant.catalog import (
    admin_center_link,
    admin_center_url,
    app_type_label,
    default_catalog,
    filter_management_label,
    filter_platform_label,
    intent_templates,
    is_additive,
    object_platform,
    platform_of,
    type_name_of,
)
from intune_assistant.catalog.facts import ADDITIVE, RECORDS, SUBTYPES
from intune_assistant.emulator.tenants import demo_tenants, large_tenant

W10 = "Windows 10 and later"
IOS = "iOS/iPadOS"
MAC = "macOS"
AE = "Android Enterprise"
ANY = "Any platform"
# Marks a value the object carries itself (checked by its own rows below).
OWN = "(from the object)"

# @odata.type (namespace removed) → (platform, type name).
DOCS: dict[str, tuple[str, str]] = {
    # Device configuration profiles. Graph: learn.microsoft.com/graph/api/resources/intune-deviceconfig-
    # <type>?view=graph-rest-beta; admin-center names: learn.microsoft.com/intune/intune-service/
    # configuration/device-profiles ("Profile types") and the per-profile articles (kiosk-settings,
    # wi-fi-settings-configure, endpoint-protection-configure, custom-settings-*, shared-user-device-settings,
    # edition-upgrade-configure-windows-10, delivery-optimization-windows, windows-health-monitoring,
    # identity-protection-configure).
    "windows10GeneralConfiguration": (W10, "Device restrictions"),
    "windows10EndpointProtectionConfiguration": (W10, "Endpoint protection"),
    "windows10CustomConfiguration": (W10, "Custom"),
    "windowsHealthMonitoringConfiguration": (W10, "Windows health monitoring"),
    "windowsKioskConfiguration": (W10, "Kiosk"),
    "windowsDeliveryOptimizationConfiguration": (W10, "Delivery Optimization"),
    "windowsWifiConfiguration": (W10, "Wi-Fi"),
    "windowsIdentityProtectionConfiguration": (W10, "Identity protection"),
    "editionUpgradeConfiguration": (W10, "Edition upgrade and mode switch"),
    "sharedPCConfiguration": (W10, "Shared multi-user device"),
    "iosGeneralDeviceConfiguration": (IOS, "Device restrictions"),
    "iosCustomConfiguration": (IOS, "Custom"),
    "iosDeviceFeaturesConfiguration": (IOS, "Device features"),
    "iosEnterpriseWiFiConfiguration": (IOS, "Wi-Fi"),
    "macOSGeneralDeviceConfiguration": (MAC, "Device restrictions"),
    "macOSCustomConfiguration": (MAC, "Custom"),
    "macOSEnterpriseWiFiConfiguration": (MAC, "Wi-Fi"),
    "macOSDeviceFeaturesConfiguration": (MAC, "Device features"),
    "androidWorkProfileGeneralDeviceConfiguration": (AE, "Device restrictions"),
    "androidDeviceOwnerGeneralDeviceConfiguration": (AE, "Device restrictions"),
    # intune-deviceconfig-unsupporteddeviceconfiguration: keeps the type it was created as
    # (originalEntityTypeName; the demo's is windowsPhone81GeneralConfiguration).
    "unsupportedDeviceConfiguration": ("Windows Phone 8.1", "Device restrictions (no longer supported)"),
    # Update rings: intune-deviceconfig-windowsupdateforbusinessconfiguration; admin center
    # "Update rings for Windows 10 and later" (intune-service/protect/windows-10-update-rings).
    "windowsUpdateForBusinessConfiguration": (W10, "Update rings for Windows 10 and later"),
    # Compliance: intune-deviceconfig-<platform>compliancepolicy; platform and profile type from
    # intune-service/protect/create-compliance-policy and the per-platform compliance settings articles.
    "windows10CompliancePolicy": (W10, "Windows 10/11 compliance policy"),
    "iosCompliancePolicy": (IOS, "iOS compliance policy"),
    "macOSCompliancePolicy": (MAC, "Mac compliance policy"),
    "androidWorkProfileCompliancePolicy": (AE, "Personally-owned work profile"),
    "androidDeviceOwnerCompliancePolicy": (AE, "Fully managed, dedicated, and corporate-owned work profile"),
    "aospDeviceOwnerCompliancePolicy": ("Android (AOSP)", "Android (AOSP) compliance policy"),
    # Settings-based compliance (Linux): intune-deviceconfigv2-devicemanagementcompliancepolicy;
    # "Linux device compliance settings" creates it with profile type Settings catalog.
    "deviceManagementCompliancePolicy": (OWN, "Settings catalog"),
    # Settings catalog: intune-deviceconfigv2-devicemanagementconfigurationpolicy (platform from
    # `platforms`, see SETTINGS_PLATFORMS); intune-service/configuration/settings-catalog.
    "deviceManagementConfigurationPolicy": (OWN, OWN),
    # Administrative templates: intune-grouppolicy-grouppolicyconfiguration;
    # intune-service/configuration/administrative-templates-windows.
    "groupPolicyConfiguration": (W10, "Administrative templates"),
    # Endpoint security / baselines: intune-deviceintent-devicemanagementintent, named by its
    # template (intune-deviceintent-devicemanagementtemplate: displayName, platformType).
    "deviceManagementIntent": (OWN, OWN),
    "deviceManagementTemplate": (W10, "Endpoint security template"),
    # Windows updates: intune-softwareupdate-windows{feature,quality,driver}updateprofile;
    # intune-service/protect/windows-10-feature-updates, windows-10-expedite-updates, windows-driver-updates-overview.
    "windowsFeatureUpdateProfile": (W10, "Feature updates for Windows 10 and later"),
    "windowsQualityUpdateProfile": (W10, "Quality updates for Windows 10 and later"),
    "windowsDriverUpdateProfile": (W10, "Driver updates for Windows 10 and later"),
    # Scripts: intune-shared-devicemanagementscript, intune-devices-deviceshellscript,
    # intune-devices-devicecustomattributeshellscript, intune-devices-devicehealthscript;
    # intune-service/apps/intune-management-extension, macos-shell-scripts, fundamentals/remediations.
    "deviceManagementScript": (W10, "PowerShell script"),
    "deviceShellScript": (MAC, "Shell script"),
    "deviceCustomAttributeShellScript": (MAC, "Custom attribute"),
    "deviceHealthScript": (W10, "Remediation"),
    # Apps: intune-apps-<type>; app types from intune-service/apps/apps-add ("App types in Microsoft Intune").
    "win32LobApp": (W10, "Windows app (Win32)"),
    "winGetApp": (W10, "Microsoft Store app (new)"),
    "officeSuiteApp": (W10, "Microsoft 365 Apps (Windows 10 and later)"),
    "windowsMicrosoftEdgeApp": (W10, "Microsoft Edge (Windows 10 and later)"),
    "microsoftStoreForBusinessApp": (W10, "Microsoft Store for Business app"),
    "webApp": (ANY, "Web link"),
    "iosStoreApp": (IOS, "iOS store app"),
    "iosVppApp": (IOS, "iOS volume-purchased app"),
    "managedIOSStoreApp": (IOS, "Managed iOS store app"),
    "androidManagedStoreApp": (AE, "Managed Google Play store app"),
    "managedAndroidStoreApp": ("Android", "Managed Android store app"),
    "macOSMicrosoftEdgeApp": (MAC, "Microsoft Edge (macOS)"),
    "macOSDmgApp": (MAC, "macOS app (DMG)"),
    "macOSPkgApp": (MAC, "macOS app (PKG)"),
    # App configuration: intune-apps-iosmobileappconfiguration, intune-apps-androidmanagedstoreappconfiguration,
    # intune-mam-targetedmanagedappconfiguration; intune-service/apps/app-configuration-policies-overview.
    "iosMobileAppConfiguration": (IOS, "App configuration policy (managed devices)"),
    "androidManagedStoreAppConfiguration": (AE, "App configuration policy (managed devices)"),
    "targetedManagedAppConfiguration": (ANY, "App configuration policy (managed apps)"),
    # App protection: intune-mam-{ios,android,windows}managedappprotection; intune-service/apps/app-protection-policy.
    "iosManagedAppProtection": (IOS, "App protection policy"),
    "androidManagedAppProtection": ("Android", "App protection policy"),
    "windowsManagedAppProtection": ("Windows", "App protection policy"),
    # Autopilot: intune-enrollment-{azureAD,activeDirectory}windowsautopilotdeploymentprofile;
    # autopilot/profiles (Microsoft Entra joined / hybrid joined).
    "azureADWindowsAutopilotDeploymentProfile": (W10, "Autopilot deployment profile (Microsoft Entra joined)"),
    "activeDirectoryWindowsAutopilotDeploymentProfile": (
        W10,
        "Autopilot deployment profile (Microsoft Entra hybrid joined)",
    ),
    # Enrollment: intune-onboarding-<type>; intune-service/enrollment/enrollment-restrictions-set,
    # windows-enrollment-status, windows-hello, and Windows Backup and Restore.
    "windows10EnrollmentCompletionPageConfiguration": (W10, "Enrollment Status Page"),
    "deviceEnrollmentPlatformRestrictionsConfiguration": (ANY, "Device platform restriction"),
    "deviceEnrollmentPlatformRestrictionConfiguration": (OWN, "Device platform restriction"),
    "deviceEnrollmentLimitConfiguration": (ANY, "Device limit restriction"),
    "deviceEnrollmentWindowsHelloForBusinessConfiguration": (W10, "Windows Hello for Business"),
    "windowsRestoreDeviceEnrollmentConfiguration": (W10, "Windows Backup and Restore"),
    "deviceComanagementAuthorityConfiguration": (W10, "Co-management settings"),
    # Filters: intune-policyset-deviceandappmanagementassignmentfilter (platform: FILTER_PLATFORMS).
    "deviceAndAppManagementAssignmentFilter": (OWN, "Assignment filter"),
    # Conditional Access: conditionalaccesspolicy, conditions.platforms (conditionalaccessplatforms).
    "conditionalAccessPolicy": (OWN, "Conditional Access policy"),
    # Named locations: ipnamedlocation, countrynamedlocation ("IP ranges location", "Countries location").
    "ipNamedLocation": ("", "IP ranges location"),
    "countryNamedLocation": ("", "Countries location"),
    # Tenant administration and directory objects: not platform-bound.
    "roleScopeTag": ("", "Scope tag"),
    "deviceAndAppManagementRoleDefinition": ("", "Intune role"),
    "deviceAndAppManagementRoleAssignment": ("", "Intune role assignment"),
    "notificationMessageTemplate": ("", "Notification message template"),
    "deviceCategory": ("", "Device category"),
    "group": ("", "Group"),
    "user": ("", "User"),
    "directoryRole": ("", "Entra role"),
    "device": ("", "Device"),
    "managedDevice": ("", "Managed device"),
    "delegatedAdminRelationship": ("", "GDAP relationship"),
    "delegatedAdminCustomer": ("", "GDAP customer"),
    # Types a full backup reads (issue 12). Graph: intune-devices-devicecompliancescript (Windows 10
    # and later only: "Use custom compliance settings for Linux and Windows devices", Windows
    # discovery scripts are PowerShell), intune-policyset-policyset, intune-companyterms-
    # termsandconditions, intune-wip-intunebrandingprofile (the admin center's Customization
    # policies), intune-devices-manageddevicecleanuprule (platform from deviceCleanupRulePlatformType),
    # intune-shared-devicemanagementderivedcredentialsettings, intune-apps-mobileappcategory,
    # intune-deviceconfigv2-devicemanagementreusablepolicysetting (Windows firewall and device
    # control), intune-deviceconfig-devicemanagement (Tenant settings), intune-enrollment-
    # windowsautopilotdeviceidentity (Windows Autopilot devices).
    "deviceComplianceScript": (W10, "Compliance script"),
    "policySet": ("", "Policy set"),
    "termsAndConditions": ("", "Terms and conditions"),
    "intuneBrandingProfile": ("", "Customization policy"),
    "managedDeviceCleanupRule": (OWN, "Device clean-up rule"),
    "deviceManagementDerivedCredentialSettings": ("", "Derived credential"),
    "mobileAppCategory": ("", "App category"),
    "deviceManagementReusablePolicySetting": (W10, "Reusable settings"),
    "deviceManagement": ("", "Tenant settings"),
    "windowsAutopilotDeviceIdentity": (W10, "Windows Autopilot device"),
    # Connectors and tokens: intune-devices-applepushnotificationcertificate, intune-enrollment-
    # deponboardingsetting, intune-onboarding-vpptoken, intune-androidforwork-androidmanagedstore-
    # accountenterprisesettings (Android Enterprise only), intune-onboarding-*partner,
    # intune-remoteassistance-remoteassistancepartner, intune-onboarding-mobilethreatdefenseconnector.
    "applePushNotificationCertificate": ("", "Apple MDM push certificate"),
    "depOnboardingSetting": ("", "Enrollment program token"),
    "vppToken": ("", "Apple VPP token"),
    "androidManagedStoreAccountEnterpriseSettings": (AE, "Managed Google Play"),
    "deviceManagementPartner": ("", "Partner device management"),
    "complianceManagementPartner": ("", "Partner compliance management"),
    "remoteAssistancePartner": ("", "Remote assistance partner"),
    "mobileThreatDefenseConnector": ("", "Mobile Threat Defense connector"),
}
# deviceCleanupRulePlatformType (intune-devices-devicecleanupruleplatformtype) in the words of
# Devices > Device clean-up rules.
CLEANUP_PLATFORMS = {
    "windows": W10,
    "ios": IOS,
    "macOS": MAC,
    "androidDedicatedAndFullyManagedCorporateOwnedWorkProfile": (
        "Android Enterprise (fully managed, dedicated and corporate-owned work profile)"
    ),
    "androidPersonallyOwnedWorkProfile": "Android Enterprise (personally-owned work profile)",
}

# deviceManagementConfigurationPlatforms (intune-deviceconfigv2-devicemanagementconfigurationplatforms)
# in the admin center's Platform words (settings-catalog article, "Create the policy").
SETTINGS_PLATFORMS = {"windows10": W10, "macOS": MAC, "iOS": IOS, "linux": "Linux", "androidEnterprise": AE}
# devicePlatformType (intune-policyset-deviceplatformtype) as the filters article names them
# (intune-service/fundamentals/filters, "Platform").
FILTER_PLATFORMS = {
    "windows10AndLater": W10,
    "iOS": IOS,
    "macOS": MAC,
    "androidForWork": AE,
    "android": "Android device administrator",
    "androidAOSP": "Android (AOSP)",
}
# enrollmentRestrictionPlatformType (intune-onboarding-enrollmentrestrictionplatformtype).
RESTRICTION_PLATFORMS = {"windows": W10, "android": "Android device administrator", "ios": IOS, "mac": MAC}
# conditionalAccessDevicePlatform in Intune's words.
CONDITION_PLATFORMS = {"iOS": IOS, "android": "Android", "windows": "Windows", "macOS": MAC}


def _demo_objects() -> Iterator[tuple[str, str, Mapping[str, Any], Mapping[str, Mapping[str, Any]]]]:
    tenants = {**demo_tenants(), "large": large_tenant()}
    for name, tenant in tenants.items():
        templates = intent_templates(tenant.objects.get("securityTemplates", []))
        for key, objects in tenant.objects.items():
            for obj in objects:
                yield name, key, obj, templates


def _expected(key: str, obj: Mapping[str, Any], templates: Mapping[str, Mapping[str, Any]]) -> tuple[str, str]:
    subtype = str(obj["@odata.type"]).removeprefix("#microsoft.graph.")
    platform, name = DOCS[subtype]
    if subtype in ("deviceManagementConfigurationPolicy", "deviceManagementCompliancePolicy"):
        platform = SETTINGS_PLATFORMS[obj["platforms"]]
        reference = obj.get("templateReference") or {}
        templated = reference.get("templateFamily") not in (None, "none")
        name = reference["templateDisplayName"] if templated else "Settings catalog"
    elif subtype == "deviceManagementIntent":
        template = templates[obj["templateId"]]
        platform, name = FILTER_PLATFORMS[template["platformType"]], template["displayName"]
    elif subtype == "deviceEnrollmentPlatformRestrictionConfiguration":
        platform = RESTRICTION_PLATFORMS[obj["platformType"]]
    elif subtype == "deviceAndAppManagementAssignmentFilter":
        platform = FILTER_PLATFORMS[obj["platform"]]
    elif subtype == "managedDeviceCleanupRule":
        platform = CLEANUP_PLATFORMS[obj["deviceCleanupRulePlatformType"]]
    elif subtype == "conditionalAccessPolicy":
        include = ((obj.get("conditions") or {}).get("platforms") or {}).get("includePlatforms") or ["all"]
        platform = ANY if "all" in include else ", ".join(CONDITION_PLATFORMS[p] for p in include)
    return platform, name


def test_every_demo_object_gets_the_documented_platform_and_type_name() -> None:
    missing: set[str] = set()
    wrong: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {}
    count = 0
    for tenant, key, obj, templates in _demo_objects():
        subtype = str(obj.get("@odata.type", "")).removeprefix("#microsoft.graph.")
        if subtype not in DOCS:
            missing.add(f"{key}: {subtype or '(no @odata.type)'}")
            continue
        expected = _expected(key, obj, templates)
        actual = (platform_of(key, obj, templates=templates), type_name_of(key, obj, templates=templates))
        if actual != expected:
            wrong.setdefault(f"{tenant} {key} {subtype}", (expected, actual))
        count += 1
    assert not missing, f"demo types without a documented platform and name: {sorted(missing)}"
    assert not wrong, f"catalog differs from the docs table (expected, actual): {wrong}"
    assert count > 12_000  # every demo tenant, the large one included


def test_the_kiosk_profile_is_a_windows_kiosk_profile() -> None:
    kiosk = next(
        obj
        for obj in demo_tenants()["contoso"].objects["deviceConfigurations"]
        if obj["displayName"] == "WIN - Kiosk - Executives"
    )
    assert platform_of("deviceConfigurations", kiosk) == "Windows 10 and later"
    assert type_name_of("deviceConfigurations", kiosk) == "Kiosk"
    assert object_platform("deviceConfigurations", kiosk).family == "Windows"


def test_lookups_match_the_whole_odata_type_never_a_part() -> None:
    # "windowsKioskConfiguration" contains "ios"; a made-up type that merely starts like a known one
    # is not that type.
    made_up = {"@odata.type": "#microsoft.graph.iosGeneralDeviceConfigurationX", "displayName": "x"}
    assert platform_of("deviceConfigurations", made_up) == ""
    assert type_name_of("deviceConfigurations", made_up) == (
        "Device configuration profile (iosGeneralDeviceConfigurationX)"
    )
    assert app_type_label("#microsoft.graph.win32LobApp") == "Windows app (Win32)"
    assert app_type_label("win32LobAppV2") == "App (win32LobAppV2)"


@pytest.mark.parametrize(("value", "label"), sorted(FILTER_PLATFORMS.items()))
def test_filter_platforms_read_as_intune_names_them(value: str, label: str) -> None:
    assert filter_platform_label(value) == label


def test_an_unknown_filter_platform_is_shown_as_it_came() -> None:
    assert filter_platform_label("someFuturePlatform") == "someFuturePlatform"


def test_filter_management_types_read_as_intune_names_them() -> None:
    # Graph's assignmentFilterManagementType; filters made before app filters existed carry none.
    assert filter_management_label("devices") == "Managed devices"
    assert filter_management_label("apps") == "Managed apps"
    assert filter_management_label(None) == "Managed devices"
    assert filter_management_label("someFutureType") == "someFutureType"


def test_settings_catalog_platform_comes_from_platforms_and_technologies() -> None:
    assert platform_of("settingsCatalog", {"platforms": "windows10", "technologies": "mdm,microsoftSense"}) == W10
    assert platform_of("settingsCatalog", {"platforms": "windows10", "technologies": "configManager"}) == (
        "Windows 10 and later (ConfigMgr)"
    )
    mixed = object_platform("settingsCatalog", {"platforms": "windows10,macOS", "technologies": "mdm"})
    assert (mixed.label, mixed.family) == ("Windows 10 and later, macOS", None)
    assert platform_of("settingsCatalog", {"platforms": "none"}) == ""


def test_every_catalog_type_and_declared_subtype_has_facts() -> None:
    catalog = default_catalog()
    assert {r.key for r in catalog} <= RECORDS.keys()
    for record in catalog:
        for subtype in record.odata_types:
            assert subtype in SUBTYPES, f"{record.key}: {subtype} has no row in catalog/facts.py"


def test_admin_center_links_open_the_object_or_its_list() -> None:
    objects = {key: objs[0] for key, objs in demo_tenants()["contoso"].objects.items() if objs}
    for key, obj in objects.items():
        url = admin_center_url(key, obj)
        link = admin_center_link(key)
        if link is None:
            assert url is None
            continue
        assert url is not None and url.startswith("https://intune.microsoft.com/#view/")
        assert "{" not in url, url
        assert (obj["id"] in url) is link.opens_object, (key, url)
    # Connectors and tokens: no blade address documented that opens them; the product shows no link.
    connectors = {
        "applePushCertificate",
        "depOnboardingSettings",
        "vppTokens",
        "managedGooglePlay",
        "deviceManagementPartners",
        "complianceManagementPartners",
        "remoteAssistancePartners",
        "mobileThreatDefenseConnectors",
    }
    assert {k for k in objects if admin_center_link(k) is None} <= {"gdapRelationships", "gdapCustomers", *connectors}


def test_profiles_that_add_up_are_named_exactly() -> None:
    # Wi-Fi, VPN, certificate and e-mail profiles add up; every one is a known profile type.
    assert SUBTYPES.keys() >= ADDITIVE
    assert {SUBTYPES[t].name for t in ADDITIVE} <= {
        "Wi-Fi",
        "VPN",
        "Email",
        "Trusted certificate",
        "SCEP certificate",
        "PKCS certificate",
        "PKCS imported certificate",
    }
    assert is_additive("#microsoft.graph.windowsWifiConfiguration")
    assert is_additive({"@odata.type": "#microsoft.graph.iosEnterpriseWiFiConfiguration"})
    assert not is_additive("#microsoft.graph.windowsWifiConfigurationPreview")  # no part of a name
    assert not is_additive("#microsoft.graph.windowsKioskConfiguration")
