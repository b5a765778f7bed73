"""What kind of policy an object is and which platform it is for, in the admin center's words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from intune_assistant.catalog import ResourceType

from .context import References
from .words import readable_label

__all__ = ["platform_of", "platform_words", "policy_type"]

_PLATFORM_WORDS = {
    "windows10": "Windows",
    "windows10andlater": "Windows",
    "windows": "Windows",
    "windows81andlater": "Windows",
    "windows10x": "Windows 10X",
    "windows10mobile": "Windows Mobile",
    "ios": "iOS/iPadOS",
    "ipados": "iOS/iPadOS",
    "macos": "macOS",
    "android": "Android",
    "androidforwork": "Android Enterprise",
    "androidworkprofile": "Android Enterprise",
    "androidenterprise": "Android Enterprise",
    "androidaosp": "Android (AOSP)",
    "aosp": "Android (AOSP)",
    "linux": "Linux",
    "visionos": "visionOS",
    "tvos": "tvOS",
    "unknownfuturevalue": "",
}
# @odata.type prefixes → platform, longest first.
_TYPE_PREFIXES = (
    ("androiddeviceowner", "Android Enterprise"),
    ("androidworkprofile", "Android Enterprise"),
    ("androidforwork", "Android Enterprise"),
    ("androidmanagedstore", "Android Enterprise"),
    ("managedandroid", "Android"),
    ("aosp", "Android (AOSP)"),
    ("android", "Android"),
    ("managedios", "iOS/iPadOS"),
    ("ios", "iOS/iPadOS"),
    ("macos", "macOS"),
    ("windows", "Windows"),
    ("win32", "Windows"),
    ("winget", "Windows"),
    ("officesuite", "Windows"),
    ("microsoftstore", "Windows"),
    ("editionupgrade", "Windows"),
    ("sharedpc", "Windows"),
    ("azureadwindows", "Windows"),
    ("activedirectorywindows", "Windows"),
    ("deviceenrollmentwindowshello", "Windows"),
)
# Types whose objects are all for one platform.
_KEY_PLATFORM = {
    "powershellScripts": "Windows",
    "remediations": "Windows",
    "shellScripts": "macOS",
    "customAttributeScripts": "macOS",
    "updateRings": "Windows",
    "featureUpdateProfiles": "Windows",
    "qualityUpdateProfiles": "Windows",
    "driverUpdateProfiles": "Windows",
    "autopilotProfiles": "Windows",
    "securityIntents": "Windows",
    "administrativeTemplates": "Windows",
    "appProtectionIos": "iOS/iPadOS",
    "appProtectionAndroid": "Android",
    "appProtectionWindows": "Windows",
}
_TYPE_NAMES = {
    "win32LobApp": "Windows app (Win32)",
    "winGetApp": "Microsoft Store app (new)",
    "officeSuiteApp": "Microsoft 365 Apps",
    "windowsMicrosoftEdgeApp": "Microsoft Edge",
    "macOSMicrosoftEdgeApp": "Microsoft Edge",
    "microsoftStoreForBusinessApp": "Microsoft Store for Business app",
    "webApp": "Web link",
    "iosStoreApp": "iOS store app",
    "iosVppApp": "iOS volume-purchased app",
    "managedIOSStoreApp": "Managed iOS store app",
    "androidManagedStoreApp": "Managed Google Play app",
    "managedAndroidStoreApp": "Managed Android store app",
    "macOSDmgApp": "macOS app (DMG)",
    "macOSPkgApp": "macOS app (PKG)",
    "macOSLobApp": "macOS line-of-business app",
    "iosLobApp": "iOS line-of-business app",
    "androidLobApp": "Android line-of-business app",
    "windowsMobileMSI": "Windows MSI line-of-business app",
    "windows10EnrollmentCompletionPageConfiguration": "Enrollment Status Page",
    "deviceEnrollmentPlatformRestrictionsConfiguration": "Platform restrictions",
    "deviceEnrollmentPlatformRestrictionConfiguration": "Platform restrictions",
    "deviceEnrollmentLimitConfiguration": "Device limit restrictions",
    "deviceEnrollmentWindowsHelloForBusinessConfiguration": "Windows Hello for Business",
    "windowsRestoreDeviceEnrollmentConfiguration": "Windows restore",
    "deviceComanagementAuthorityConfiguration": "Co-management settings",
    "windowsUpdateForBusinessConfiguration": "Update ring",
}
# Profile-type endings → the name the admin center gives the template.
_PROFILE_ENDINGS = (
    ("GeneralDeviceConfiguration", "Device restrictions"),
    ("GeneralConfiguration", "Device restrictions"),
    ("CustomConfiguration", "Custom"),
    ("EnterpriseWiFiConfiguration", "Wi-Fi (enterprise)"),
    ("WiFiConfiguration", "Wi-Fi"),
    ("WifiConfiguration", "Wi-Fi"),
    ("DeviceFeaturesConfiguration", "Device features"),
    ("EndpointProtectionConfiguration", "Endpoint protection"),
    ("CompliancePolicy", "Compliance policy"),
)


def platform_words(value: str) -> str | None:
    """A Graph platform value (``windows10``, ``iOS``, ``androidForWork``...) in the portal's words."""
    words = [_PLATFORM_WORDS.get(p.strip().lower(), p.strip()) for p in value.split(",") if p.strip()]
    words = [w for w in dict.fromkeys(words) if w and w.lower() != "none"]
    return ", ".join(words) or None


def _subtype(obj: Mapping[str, Any]) -> str:
    return str(obj.get("@odata.type", "")).rsplit(".", 1)[-1]


def platform_of(record: ResourceType, obj: Mapping[str, Any]) -> str | None:
    """The platform ``obj`` applies to, or None when it applies to any (CA, web links...)."""
    for field in ("platforms", "platform", "platformType"):
        value = obj.get(field)
        if isinstance(value, str) and value:
            return platform_words(value)
    if record.key in _KEY_PLATFORM:
        return _KEY_PLATFORM[record.key]
    subtype = _subtype(obj).lower()
    for prefix, platform in _TYPE_PREFIXES:
        if subtype.startswith(prefix):
            return platform
    return None


def policy_type(record: ResourceType, obj: Mapping[str, Any], references: References) -> str:
    """The kind of policy, as the admin center names it (template, profile or app type)."""
    if record.key in ("settingsCatalog", "complianceSettingsPolicies"):
        template = obj.get("templateReference")
        name = template.get("templateDisplayName") if isinstance(template, Mapping) else None
        return str(name) if name else record.label
    if record.key == "securityIntents":
        template_id = obj.get("templateId")
        return references.intent_templates.get(str(template_id), record.label) if template_id else record.label
    subtype = _subtype(obj)
    if not subtype:
        return record.label
    if subtype in _TYPE_NAMES:
        return _TYPE_NAMES[subtype]
    for ending, label in _PROFILE_ENDINGS:
        if subtype.endswith(ending):
            return label
    if record.odata_types and len(record.odata_types) > 1:
        return readable_label(subtype)
    return record.label
