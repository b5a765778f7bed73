"""Per-type facts in Intune's words: the name the admin center gives each type and its platform.

Two declarative tables. ``SUBTYPES`` is keyed by the exact ``@odata.type`` (without the
``#microsoft.graph.`` namespace) of the polymorphic collections: device configuration profiles,
compliance policies, apps, enrollment configurations... ``RECORDS`` is keyed by catalog key and
answers for objects of every other type, whose list items don't carry an ``@odata.type`` (Graph
writes it only for a type derived from the collection's), and for a subtype the catalog doesn't
know yet. Adding a type is adding rows here; ``describe.py`` reads them.

A platform is either fixed (a ``Platform``) or read from the object (``ReadFrom``): settings
catalog policies name theirs in ``platforms``/``technologies``, filters in ``platform``...
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .platforms import (
    ANDROID,
    ANDROID_ADMIN,
    ANDROID_ENTERPRISE,
    ANY_PLATFORM,
    AOSP,
    IOS,
    MACOS,
    UNDETERMINED,
    WINDOWS,
    WINDOWS_10,
    WINDOWS_81,
    WINDOWS_PHONE_81,
    Platform,
)

__all__ = ["ADDITIVE", "PARTNER_NAMES", "RECORDS", "SUBTYPES", "ReadFrom", "TypeFacts"]


class ReadFrom(StrEnum):
    """Where an object names its own platform (or, for templates, its type)."""

    SETTINGS = "the policy's platforms and technologies"
    INTENT_TEMPLATE = "its Endpoint security template"
    TEMPLATE_PLATFORM = "the template's platformType"
    RESTRICTION = "the restriction's platformType"
    FILTER = "the filter's platform"
    CONDITIONS = "the policy's device platforms condition"
    ORIGINAL_TYPE = "the profile type it was created as"
    CLEANUP_PLATFORM = "the clean-up rule's platform"


@dataclass(frozen=True)
class TypeFacts:
    """What the admin center calls objects of one type, and their platform.

    ``template_name``: a policy made from a template (Endpoint security, baselines) is shown by
    the template's name, as the admin center lists it; ``name`` stands when there is none.
    """

    name: str
    platform: Platform | ReadFrom = UNDETERMINED
    template_name: bool = False
    # The collection holds several @odata.types, each a row of SUBTYPES: an object of a subtype
    # missing there is named with its Graph type rather than passed off as the generic name.
    subtypes: bool = False


def _same(platform: Platform, **names: str) -> dict[str, TypeFacts]:
    return {odata_type: TypeFacts(name, platform) for odata_type, name in names.items()}


SUBTYPES: Mapping[str, TypeFacts] = {
    # Device configuration profiles: Graph resources "intune-deviceconfig-*" (beta), admin-center
    # names from "Apply features and settings on your devices using device profiles"
    # (learn.microsoft.com/intune/intune-service/configuration/device-profiles, profile types).
    **_same(
        WINDOWS_10,
        windows10GeneralConfiguration="Device restrictions",
        windows10TeamGeneralConfiguration="Device restrictions (Windows 10 Team)",
        windows10EndpointProtectionConfiguration="Endpoint protection",
        windows10CustomConfiguration="Custom",
        windowsHealthMonitoringConfiguration="Windows health monitoring",
        windowsKioskConfiguration="Kiosk",
        windowsDeliveryOptimizationConfiguration="Delivery Optimization",
        windowsWifiConfiguration="Wi-Fi",
        windowsWifiEnterpriseEAPConfiguration="Wi-Fi",
        windowsIdentityProtectionConfiguration="Identity protection",
        windowsDomainJoinConfiguration="Domain Join",
        windows10VpnConfiguration="VPN",
        windows10ImportedPFXCertificateProfile="PKCS imported certificate",
        windows10PkcsCertificateProfile="PKCS certificate",
        windows81SCEPCertificateProfile="SCEP certificate",
        windows81TrustedRootCertificate="Trusted certificate",
        windows10SecureAssessmentConfiguration="Secure assessment (Education)",
        editionUpgradeConfiguration="Edition upgrade and mode switch",
        sharedPCConfiguration="Shared multi-user device",
        windowsUpdateForBusinessConfiguration="Update rings for Windows 10 and later",
    ),
    **_same(WINDOWS_PHONE_81, windowsPhone81GeneralConfiguration="Device restrictions"),
    **_same(
        IOS,
        iosGeneralDeviceConfiguration="Device restrictions",
        iosCustomConfiguration="Custom",
        iosDeviceFeaturesConfiguration="Device features",
        iosEnterpriseWiFiConfiguration="Wi-Fi",
        iosWiFiConfiguration="Wi-Fi",
        iosVpnConfiguration="VPN",
        iosEasEmailProfileConfiguration="Email",
        iosTrustedRootCertificate="Trusted certificate",
        iosScepCertificateProfile="SCEP certificate",
        iosPkcsCertificateProfile="PKCS certificate",
        iosUpdateConfiguration="Update policies for iOS/iPadOS",
    ),
    **_same(
        MACOS,
        macOSGeneralDeviceConfiguration="Device restrictions",
        macOSCustomConfiguration="Custom",
        macOSDeviceFeaturesConfiguration="Device features",
        macOSEnterpriseWiFiConfiguration="Wi-Fi",
        macOSWiFiConfiguration="Wi-Fi",
        macOSVpnConfiguration="VPN",
        macOSEndpointProtectionConfiguration="Endpoint protection",
        macOSExtensionsConfiguration="Extensions",
        macOSTrustedRootCertificate="Trusted certificate",
        macOSScepCertificateProfile="SCEP certificate",
        macOSPkcsCertificateProfile="PKCS certificate",
        macOSSoftwareUpdateConfiguration="Update policies for macOS",
    ),
    **_same(
        ANDROID_ENTERPRISE,
        androidWorkProfileGeneralDeviceConfiguration="Device restrictions",
        androidWorkProfileCustomConfiguration="Custom",
        androidWorkProfileEnterpriseWiFiConfiguration="Wi-Fi",
        androidWorkProfileVpnConfiguration="VPN",
        androidDeviceOwnerGeneralDeviceConfiguration="Device restrictions",
        androidDeviceOwnerEnterpriseWiFiConfiguration="Wi-Fi",
        androidDeviceOwnerWiFiConfiguration="Wi-Fi",
        androidDeviceOwnerVpnConfiguration="VPN",
    ),
    **_same(
        ANDROID_ADMIN,
        androidGeneralDeviceConfiguration="Device restrictions",
        androidCustomConfiguration="Custom",
        androidEnterpriseWiFiConfiguration="Wi-Fi",
    ),
    **_same(AOSP, aospDeviceOwnerDeviceConfiguration="Device restrictions"),
    # A profile of a retired type: Graph keeps it as unsupportedDeviceConfiguration with the type
    # it was created as in originalEntityTypeName (resource "intune-deviceconfig-unsupporteddeviceconfiguration").
    "unsupportedDeviceConfiguration": TypeFacts("Unsupported profile", ReadFrom.ORIGINAL_TYPE),
    # Compliance policies: Graph "intune-deviceconfig-*compliancepolicy"; names from "Create a
    # compliance policy in Microsoft Intune" (learn.microsoft.com/intune/intune-service/protect/
    # create-compliance-policy, Platform and Profile type).
    **_same(WINDOWS_10, windows10CompliancePolicy="Windows 10/11 compliance policy"),
    **_same(WINDOWS_81, windows81CompliancePolicy="Windows 8.1 compliance policy"),
    **_same(IOS, iosCompliancePolicy="iOS compliance policy"),
    **_same(MACOS, macOSCompliancePolicy="Mac compliance policy"),
    **_same(
        ANDROID_ENTERPRISE,
        androidWorkProfileCompliancePolicy="Personally-owned work profile",
        androidDeviceOwnerCompliancePolicy="Fully managed, dedicated, and corporate-owned work profile",
    ),
    **_same(ANDROID_ADMIN, androidCompliancePolicy="Android compliance policy"),
    **_same(AOSP, aospDeviceOwnerCompliancePolicy="Android (AOSP) compliance policy"),
    # Apps: Graph "intune-apps-*" resources; names are the admin center's app types from "Add
    # apps to Microsoft Intune" (learn.microsoft.com/intune/intune-service/apps/apps-add).
    **_same(
        WINDOWS_10,
        win32LobApp="Windows app (Win32)",
        winGetApp="Microsoft Store app (new)",
        officeSuiteApp="Microsoft 365 Apps (Windows 10 and later)",
        windowsMicrosoftEdgeApp="Microsoft Edge (Windows 10 and later)",
        microsoftStoreForBusinessApp="Microsoft Store for Business app",
        windowsMobileMSI="Line-of-business app (MSI)",
        windowsUniversalAppX="Line-of-business app (AppX/MSIX)",
        windowsWebApp="Windows web link",
    ),
    **_same(
        IOS,
        iosStoreApp="iOS store app",
        iosVppApp="iOS volume-purchased app",
        managedIOSStoreApp="Managed iOS store app",
        iosLobApp="iOS/iPadOS line-of-business app",
        iosiPadOSWebClip="iOS/iPadOS web clip",
    ),
    **_same(
        MACOS,
        macOSMicrosoftEdgeApp="Microsoft Edge (macOS)",
        macOSOfficeSuiteApp="Microsoft 365 Apps (macOS)",
        macOSDmgApp="macOS app (DMG)",
        macOSPkgApp="macOS app (PKG)",
        macOSLobApp="macOS line-of-business app",
        macOSWebClip="macOS web clip",
    ),
    **_same(ANDROID_ENTERPRISE, androidManagedStoreApp="Managed Google Play store app"),
    **_same(ANDROID_ADMIN, androidStoreApp="Android store app", androidLobApp="Android line-of-business app"),
    # Store apps made available to app protection (MAM) without device enrollment.
    **_same(ANDROID, managedAndroidStoreApp="Managed Android store app"),
    **_same(ANY_PLATFORM, webApp="Web link"),
    # App configuration for managed devices: "intune-apps-manageddevicemobileappconfiguration";
    # admin center: Apps > App configuration policies > Add > Managed devices.
    **_same(IOS, iosMobileAppConfiguration="App configuration policy (managed devices)"),
    **_same(ANDROID_ENTERPRISE, androidManagedStoreAppConfiguration="App configuration policy (managed devices)"),
    # Windows Autopilot: "intune-enrollment-windowsautopilotdeploymentprofile"; admin center:
    # Devices > Enrollment > Windows > Deployment profiles (join type in the profile).
    **_same(
        WINDOWS_10,
        azureADWindowsAutopilotDeploymentProfile="Autopilot deployment profile (Microsoft Entra joined)",
        activeDirectoryWindowsAutopilotDeploymentProfile="Autopilot deployment profile (Microsoft Entra hybrid joined)",
    ),
    # Enrollment configurations: "intune-onboarding-deviceenrollmentconfiguration" subtypes; names
    # from the admin center's Devices > Enrollment pages ("Set up enrollment restrictions",
    # "Set up the Enrollment Status Page", "Windows Hello for Business").
    **_same(
        WINDOWS_10,
        windows10EnrollmentCompletionPageConfiguration="Enrollment Status Page",
        deviceEnrollmentWindowsHelloForBusinessConfiguration="Windows Hello for Business",
        windowsRestoreDeviceEnrollmentConfiguration="Windows Backup and Restore",
        deviceComanagementAuthorityConfiguration="Co-management settings",
    ),
    # The default restriction covers every platform; a per-platform one names its platformType.
    **_same(
        ANY_PLATFORM,
        deviceEnrollmentPlatformRestrictionsConfiguration="Device platform restriction",
        deviceEnrollmentLimitConfiguration="Device limit restriction",
    ),
    "deviceEnrollmentPlatformRestrictionConfiguration": TypeFacts("Device platform restriction", ReadFrom.RESTRICTION),
    # What a policy set bundles: "intune-policyset-*policysetitem" subtypes, named as the policy
    # set wizard's steps name them (Application management, Device configuration, Device enrollment).
    "mobileAppPolicySetItem": TypeFacts("App"),
    "targetedManagedAppConfigurationPolicySetItem": TypeFacts("App configuration policy"),
    "managedAppProtectionPolicySetItem": TypeFacts("App protection policy"),
    "managedDeviceMobileAppConfigurationPolicySetItem": TypeFacts("App configuration policy"),
    "iosLobAppProvisioningConfigurationPolicySetItem": TypeFacts("iOS app provisioning profile"),
    "deviceConfigurationPolicySetItem": TypeFacts("Device configuration profile"),
    "deviceManagementConfigurationPolicyPolicySetItem": TypeFacts("Settings catalog"),
    "deviceCompliancePolicyPolicySetItem": TypeFacts("Device compliance policy"),
    "deviceManagementScriptPolicySetItem": TypeFacts("PowerShell script"),
    "enrollmentRestrictionsConfigurationPolicySetItem": TypeFacts("Device type restriction"),
    "windows10EnrollmentCompletionPageConfigurationPolicySetItem": TypeFacts("Enrollment Status Page"),
    "windowsAutopilotDeploymentProfilePolicySetItem": TypeFacts("Windows Autopilot deployment profile"),
    "mdmWindowsInformationProtectionPolicyPolicySetItem": TypeFacts("Windows Information Protection policy"),
    # Named locations: Entra's "Conditional Access: Network assignment" (IP ranges / countries).
    "ipNamedLocation": TypeFacts("IP ranges location"),
    "countryNamedLocation": TypeFacts("Countries location"),
}

# Profiles that add up: each adds its own Wi-Fi network, VPN connection, certificate or mail account,
# so several side by side never conflict whatever their settings ("Wi-Fi settings" and
# "Certificates" articles: a device installs every one assigned to it).
ADDITIVE: frozenset[str] = frozenset(
    {
        "windowsWifiConfiguration",
        "windowsWifiEnterpriseEAPConfiguration",
        "windows10VpnConfiguration",
        "windows10ImportedPFXCertificateProfile",
        "windows10PkcsCertificateProfile",
        "windows81SCEPCertificateProfile",
        "windows81TrustedRootCertificate",
        "iosEnterpriseWiFiConfiguration",
        "iosWiFiConfiguration",
        "iosVpnConfiguration",
        "iosEasEmailProfileConfiguration",
        "iosTrustedRootCertificate",
        "iosScepCertificateProfile",
        "iosPkcsCertificateProfile",
        "macOSEnterpriseWiFiConfiguration",
        "macOSWiFiConfiguration",
        "macOSVpnConfiguration",
        "macOSTrustedRootCertificate",
        "macOSScepCertificateProfile",
        "macOSPkcsCertificateProfile",
        "androidWorkProfileEnterpriseWiFiConfiguration",
        "androidWorkProfileVpnConfiguration",
        "androidDeviceOwnerEnterpriseWiFiConfiguration",
        "androidDeviceOwnerWiFiConfiguration",
        "androidDeviceOwnerVpnConfiguration",
        "androidEnterpriseWiFiConfiguration",
    }
)

RECORDS: Mapping[str, TypeFacts] = {
    # Settings catalog: "intune-deviceconfigv2-devicemanagementconfigurationpolicy"; the platform
    # is the policy's own (platforms/technologies). Settings-based compliance (Linux) is created
    # with profile type "Settings catalog" too ("Linux device compliance settings").
    "settingsCatalog": TypeFacts("Settings catalog", ReadFrom.SETTINGS, template_name=True),
    "complianceSettingsPolicies": TypeFacts("Settings catalog", ReadFrom.SETTINGS, template_name=True),
    # Fallbacks for a subtype SUBTYPES doesn't know: honest about the family, no platform guess.
    "deviceConfigurations": TypeFacts("Device configuration profile", subtypes=True),
    "compliancePolicies": TypeFacts("Compliance policy", subtypes=True),
    "mobileApps": TypeFacts("App", subtypes=True),
    "appConfigManagedDevices": TypeFacts("App configuration policy (managed devices)", subtypes=True),
    "enrollmentConfigurations": TypeFacts("Enrollment configuration", subtypes=True),
    "autopilotProfiles": TypeFacts("Autopilot deployment profile", WINDOWS_10, subtypes=True),
    "updateRings": TypeFacts("Update rings for Windows 10 and later", WINDOWS_10),
    # "intune-grouppolicy-grouppolicyconfiguration": Devices > Configuration > Templates.
    "administrativeTemplates": TypeFacts("Administrative templates", WINDOWS_10),
    # "intune-deviceintent-devicemanagementintent": shown by its template's name (Endpoint security).
    "securityIntents": TypeFacts("Endpoint security", ReadFrom.INTENT_TEMPLATE, template_name=True),
    "securityTemplates": TypeFacts("Endpoint security template", ReadFrom.TEMPLATE_PLATFORM),
    # Scripts: "intune-shared-devicemanagementscript", "intune-devices-deviceshellscript",
    # "intune-devices-devicecustomattributeshellscript", "intune-devices-devicehealthscript";
    # admin center: Devices > Scripts and remediations, macOS > Shell scripts / Custom attributes.
    "powershellScripts": TypeFacts("PowerShell script", WINDOWS_10),
    "shellScripts": TypeFacts("Shell script", MACOS),
    "customAttributeScripts": TypeFacts("Custom attribute", MACOS),
    "remediations": TypeFacts("Remediation", WINDOWS_10),
    # "intune-devices-devicecompliancescript": Devices > Compliance > Scripts (custom compliance).
    "complianceScripts": TypeFacts("Compliance script", WINDOWS_10),
    # App protection and managed-app configuration: "intune-mam-*"; the App protection list names
    # the bare platform (iOS/iPadOS, Android, Windows).
    "appProtectionIos": TypeFacts("App protection policy", IOS),
    "appProtectionAndroid": TypeFacts("App protection policy", ANDROID),
    "appProtectionWindows": TypeFacts("App protection policy", WINDOWS),
    "appConfigManagedApps": TypeFacts("App configuration policy (managed apps)", ANY_PLATFORM),
    # Windows updates: "intune-softwareupdate-windows{feature,quality,driver}updateprofile";
    # admin center: Devices > Windows updates.
    "featureUpdateProfiles": TypeFacts("Feature updates for Windows 10 and later", WINDOWS_10),
    "qualityUpdateProfiles": TypeFacts("Quality updates for Windows 10 and later", WINDOWS_10),
    "driverUpdateProfiles": TypeFacts("Driver updates for Windows 10 and later", WINDOWS_10),
    # Tenant administration and Entra objects.
    "assignmentFilters": TypeFacts("Assignment filter", ReadFrom.FILTER),
    "scopeTags": TypeFacts("Scope tag"),
    "roleDefinitions": TypeFacts("Intune role"),
    "roleAssignments": TypeFacts("Intune role assignment"),
    "notificationTemplates": TypeFacts("Notification message template"),
    "deviceCategories": TypeFacts("Device category"),
    # Backup-only types (issue 12): "intune-policyset-policyset" (Devices > Policy sets),
    # "intune-companyterms-termsandconditions" (Tenant administration > Terms and conditions),
    # "intune-wip-intunebrandingprofile" (Tenant administration > Customization),
    # "intune-devices-manageddevicecleanuprule" (Devices > Device clean-up rules),
    # "intune-shared-devicemanagementderivedcredentialsettings" (Connectors and tokens > Derived
    # credentials), "intune-apps-mobileappcategory" (Apps > App categories),
    # "intune-deviceconfigv2-devicemanagementreusablepolicysetting" (Endpoint security > Reusable
    # settings), deviceManagement's settings (Endpoint security > Device compliance > Compliance
    # policy settings), "intune-enrollment-windowsautopilotdeviceidentity" (Windows > Enrollment >
    # Devices).
    "policySets": TypeFacts("Policy set"),
    "termsAndConditions": TypeFacts("Terms and conditions"),
    "brandingProfiles": TypeFacts("Customization policy"),
    "deviceCleanupRules": TypeFacts("Device clean-up rule", ReadFrom.CLEANUP_PLATFORM),
    "derivedCredentials": TypeFacts("Derived credential"),
    "appCategories": TypeFacts("App category"),
    "reusableSettings": TypeFacts("Reusable settings", WINDOWS_10),
    "tenantSettings": TypeFacts("Tenant settings"),
    "autopilotDevices": TypeFacts("Windows Autopilot device", WINDOWS_10),
    # Tenant administration > Connectors and tokens (and Devices > Enrollment > Apple): resources
    # "intune-devices-applepushnotificationcertificate", "intune-enrollment-deponboardingsetting",
    # "intune-onboarding-vpptoken", "intune-androidforwork-androidmanagedstoreaccountenterprisesettings",
    # "intune-onboarding-{devicemanagement,compliancemanagement}partner",
    # "intune-remoteassistance-remoteassistancepartner", "intune-onboarding-mobilethreatdefenseconnector".
    "applePushCertificate": TypeFacts("Apple MDM push certificate"),
    "depOnboardingSettings": TypeFacts("Enrollment program token"),
    "vppTokens": TypeFacts("Apple VPP token"),
    "managedGooglePlay": TypeFacts("Managed Google Play", ANDROID_ENTERPRISE),
    "deviceManagementPartners": TypeFacts("Partner device management"),
    "complianceManagementPartners": TypeFacts("Partner compliance management"),
    "remoteAssistancePartners": TypeFacts("Remote assistance partner"),
    "mobileThreatDefenseConnectors": TypeFacts("Mobile Threat Defense connector"),
    "conditionalAccessPolicies": TypeFacts("Conditional Access policy", ReadFrom.CONDITIONS),
    "namedLocations": TypeFacts("Named location", subtypes=True),
    "groups": TypeFacts("Group"),
    "users": TypeFacts("User"),
    "directoryRoles": TypeFacts("Entra role"),
    "entraDevices": TypeFacts("Device"),
    "managedDevices": TypeFacts("Managed device"),
    "gdapRelationships": TypeFacts("GDAP relationship"),
    "gdapCustomers": TypeFacts("GDAP customer"),
    "auditEvents": TypeFacts("Audit event"),
    "settingDefinitions": TypeFacts("Setting definition"),
}

# Mobile Threat Defense connectors have no name in Graph: a connector's id is its partner's
# application id, the same in every tenant (Microsoft Defender for Endpoint's is the first-party
# WindowsDefenderATP application). Ids not listed are shown as they are.
PARTNER_NAMES: Mapping[str, str] = {
    "fc780465-2017-40d4-a0c5-307022471b92": "Microsoft Defender for Endpoint",
}
