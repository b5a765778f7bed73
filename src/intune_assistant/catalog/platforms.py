"""Platforms in Intune's words, and the Graph enums that name them.

One place for every "which platform is this" answer: the platform of a settings catalog policy
(its ``platforms``/``technologies``), of an assignment filter (``devicePlatformType``), of an
Endpoint security template (``policyPlatformType``), of an enrollment restriction
(``enrollmentRestrictionPlatformType``) and of a managed device (``operatingSystem``). Per-type
platforms of the other resource types are rows in ``facts.py``.

Every look-up matches the whole Graph enum value (ignoring case), never a substring.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "ANDROID",
    "ANDROID_ADMIN",
    "ANDROID_ENTERPRISE",
    "ANY_PLATFORM",
    "AOSP",
    "IOS",
    "LINUX",
    "MACOS",
    "UNDETERMINED",
    "WINDOWS",
    "WINDOWS_10",
    "WINDOWS_10_CONFIGMGR",
    "WINDOWS_81",
    "WINDOWS_PHONE_81",
    "DevicePlatform",
    "Platform",
    "condition_platform",
    "condition_platform_label",
    "device_platform",
    "enrollment_restriction_platform",
    "filter_management_label",
    "filter_platform",
    "filter_platform_label",
    "settings_platform",
    "template_platform",
]


class DevicePlatform(StrEnum):
    """The operating-system family a device runs; what an object's platform is checked against."""

    WINDOWS = "Windows"
    MACOS = "macOS"
    IOS = "iOS/iPadOS"
    ANDROID = "Android"
    LINUX = "Linux"


@dataclass(frozen=True)
class Platform:
    """An object's platform: ``label`` in Intune's words and the device ``family`` it applies to.

    ``family`` is None when the object is for several families (``every`` tells "any platform"
    apart from "a mix") or when the platform could not be told (``label`` is then empty).
    """

    label: str
    family: DevicePlatform | None = None
    every: bool = False

    def __str__(self) -> str:
        return self.label

    @property
    def known(self) -> bool:
        """True when the platform could be told (a family, a mix or "any platform")."""
        return bool(self.label)


# The admin center's platform names (Devices > Configuration / Compliance > Create > Platform;
# https://learn.microsoft.com/intune/intune-service/configuration/device-profile-create and
# https://learn.microsoft.com/intune/intune-service/protect/create-compliance-policy).
WINDOWS_10 = Platform("Windows 10 and later", DevicePlatform.WINDOWS)
WINDOWS_10_CONFIGMGR = Platform("Windows 10 and later (ConfigMgr)", DevicePlatform.WINDOWS)
WINDOWS_81 = Platform("Windows 8.1 and later", DevicePlatform.WINDOWS)
# Retired: a Windows Phone profile never reaches a Windows 10/11 device, so no family.
WINDOWS_PHONE_81 = Platform("Windows Phone 8.1")
IOS = Platform("iOS/iPadOS", DevicePlatform.IOS)
MACOS = Platform("macOS", DevicePlatform.MACOS)
ANDROID_ENTERPRISE = Platform("Android Enterprise", DevicePlatform.ANDROID)
ANDROID_ADMIN = Platform("Android device administrator", DevicePlatform.ANDROID)
AOSP = Platform("Android (AOSP)", DevicePlatform.ANDROID)
LINUX = Platform("Linux", DevicePlatform.LINUX)
# App protection and managed-app filters name the bare platform (Apps > App protection policies).
ANDROID = Platform("Android", DevicePlatform.ANDROID)
WINDOWS = Platform("Windows", DevicePlatform.WINDOWS)
ANY_PLATFORM = Platform("Any platform", None, every=True)
UNDETERMINED = Platform("")

# deviceManagementConfigurationPlatforms (settings catalog and settings-based compliance
# ``platforms``; https://learn.microsoft.com/graph/api/resources/intune-deviceconfigv2-devicemanagementconfigurationplatforms).
_SETTINGS_PLATFORMS: Mapping[str, Platform] = {
    "windows10": WINDOWS_10,
    "windows10X": Platform("Windows 10X", DevicePlatform.WINDOWS),
    "macOS": MACOS,
    "iOS": IOS,
    "android": ANDROID,
    "androidEnterprise": ANDROID_ENTERPRISE,
    "aosp": AOSP,
    "linux": LINUX,
    "visionOS": Platform("visionOS"),
    "tvOS": Platform("tvOS"),
}
# deviceManagementConfigurationTechnologies that change the platform's name: a policy delivered
# only by Configuration Manager (tenant attach) is a "Windows 10 and later (ConfigMgr)" policy.
_SETTINGS_TECHNOLOGY_PLATFORMS: Mapping[tuple[str, str], Platform] = {
    ("windows10", "configManager"): WINDOWS_10_CONFIGMGR,
}

# devicePlatformType: assignment filters' ``platform``
# (https://learn.microsoft.com/graph/api/resources/intune-policyset-deviceplatformtype and
# https://learn.microsoft.com/intune/intune-service/fundamentals/filters, "Platform").
_FILTER_PLATFORMS: Mapping[str, Platform] = {
    "android": ANDROID_ADMIN,
    "androidForWork": ANDROID_ENTERPRISE,
    # The older value for personally-owned work profile: an Android Enterprise mode.
    "androidWorkProfile": ANDROID_ENTERPRISE,
    "androidAOSP": AOSP,
    "iOS": IOS,
    "macOS": MACOS,
    "windowsPhone81": WINDOWS_PHONE_81,
    "windows81AndLater": WINDOWS_81,
    "windows10AndLater": WINDOWS_10,
    # Managed-app filters (filter type "Managed apps") name the bare platform.
    "androidMobileApplicationManagement": ANDROID,
    "iOSMobileApplicationManagement": IOS,
    "windowsMobileApplicationManagement": WINDOWS,
}

# policyPlatformType: Endpoint security templates' ``platformType``
# (https://learn.microsoft.com/graph/api/resources/intune-deviceintent-devicemanagementtemplate).
_TEMPLATE_PLATFORMS: Mapping[str, Platform] = {
    **_FILTER_PLATFORMS,
    "windows10XProfile": Platform("Windows 10X", DevicePlatform.WINDOWS),
    "all": ANY_PLATFORM,
}

# enrollmentRestrictionPlatformType: a single-platform restriction's ``platformType``
# (https://learn.microsoft.com/graph/api/resources/intune-onboarding-enrollmentrestrictionplatformtype).
_RESTRICTION_PLATFORMS: Mapping[str, Platform] = {
    "allPlatforms": ANY_PLATFORM,
    "ios": IOS,
    "windows": WINDOWS_10,
    "windowsPhone": WINDOWS_PHONE_81,
    "android": ANDROID_ADMIN,
    "androidForWork": ANDROID_ENTERPRISE,
    "mac": MACOS,
    "linux": LINUX,
}

# deviceCleanupRulePlatformType (intune-devices-devicecleanupruleplatformtype.md), in the words of
# Devices > Device clean-up rules.
_CLEANUP_PLATFORMS: Mapping[str, Platform] = {
    "all": ANY_PLATFORM,
    "androidAOSP": AOSP,
    "androidDeviceAdministrator": ANDROID_ADMIN,
    "androidDedicatedAndFullyManagedCorporateOwnedWorkProfile": Platform(
        "Android Enterprise (fully managed, dedicated and corporate-owned work profile)", DevicePlatform.ANDROID
    ),
    "chromeOS": Platform("ChromeOS"),
    "androidPersonallyOwnedWorkProfile": Platform(
        "Android Enterprise (personally-owned work profile)", DevicePlatform.ANDROID
    ),
    "ios": IOS,
    "macOS": MACOS,
    "windows": WINDOWS_10,
    "windowsHolographic": Platform("Windows Holographic"),
    "visionOS": Platform("visionOS"),
    "tvOS": Platform("tvOS"),
}

# conditionalAccessDevicePlatform: a Conditional Access policy's conditions.platforms
# (https://learn.microsoft.com/graph/api/resources/conditionalaccessplatforms), in Intune's words.
_CONDITION_PLATFORMS: Mapping[str, Platform] = {
    "android": ANDROID,
    "iOS": IOS,
    "windows": WINDOWS,
    "windowsPhone": WINDOWS_PHONE_81,
    "macOS": MACOS,
    "linux": LINUX,
    "all": ANY_PLATFORM,
}

# managedDevice.operatingSystem as Intune reports it, and Entra's device names for the same families
# (https://learn.microsoft.com/graph/api/resources/intune-devices-manageddevice). Compared without
# case: the property is free text that importers and older records write in other casings.
_DEVICE_OS: Mapping[str, DevicePlatform] = {
    "windows": DevicePlatform.WINDOWS,
    "macos": DevicePlatform.MACOS,
    "macmdm": DevicePlatform.MACOS,
    "ios": DevicePlatform.IOS,
    "ipados": DevicePlatform.IOS,
    "android": DevicePlatform.ANDROID,
    "androidforwork": DevicePlatform.ANDROID,
    "androidenterprise": DevicePlatform.ANDROID,
    "linux": DevicePlatform.LINUX,
}


def _enum(table: Mapping[str, Platform], value: object) -> Platform | None:
    """``table[value]``; Graph's casing first, then without case (importers write other casings)."""
    if not isinstance(value, str):
        return None
    found = table.get(value)
    if found is None:
        folded = value.strip().casefold()
        found = next((p for name, p in table.items() if name.casefold() == folded), None)
    return found


def _mix(platforms: list[Platform]) -> Platform:
    """One platform, or a mix named by all of them (no single family)."""
    unique = list(dict.fromkeys(platforms))
    if not unique:
        return UNDETERMINED
    if len(unique) == 1:
        return unique[0]
    return Platform(", ".join(p.label for p in unique))


def _parts(value: object) -> list[str]:
    # Flags enums arrive as "windows10,macOS"; Graph's own casing is kept (exact match).
    return [p.strip() for p in value.split(",") if p.strip()] if isinstance(value, str) else []


def settings_platform(obj: Mapping[str, Any]) -> Platform:
    """The platform of a settings catalog or settings-based compliance policy."""
    technologies = _parts(obj.get("technologies"))
    found: list[Platform] = []
    for part in _parts(obj.get("platforms")):
        if part == "none":
            continue
        by_technology = [_SETTINGS_TECHNOLOGY_PLATFORMS.get((part, t)) for t in technologies]
        specific = {p for p in by_technology if p is not None}
        if specific and len(specific) == len(technologies):
            found.extend(specific)
        else:
            found.append(_enum(_SETTINGS_PLATFORMS, part) or Platform(part))
    return _mix(found)


def filter_platform(value: object) -> Platform | None:
    """The platform of an assignment filter's ``platform`` value; None for a value Graph doesn't define."""
    return _enum(_FILTER_PLATFORMS, value)


def filter_platform_label(value: object) -> str:
    """An assignment filter platform (``windows10AndLater``) in Intune's words ("Windows 10 and later").

    A value the catalog does not know is shown as it came, never hidden.
    """
    platform = filter_platform(value)
    if platform is not None:
        return platform.label
    return value if isinstance(value, str) else ""


# What Intune's filter page calls a filter's ``assignmentFilterManagementType`` ("Filter type").
_FILTER_MANAGEMENT_TYPES: Mapping[str, str] = {"devices": "Managed devices", "apps": "Managed apps"}


def filter_management_label(value: object) -> str:
    """An assignment filter's management type (``devices``) in Intune's words ("Managed devices").

    Graph leaves it out for device filters made before app filters existed; a value the catalog
    does not know is shown as it came.
    """
    if value is None or value == "":
        return _FILTER_MANAGEMENT_TYPES["devices"]
    return _FILTER_MANAGEMENT_TYPES.get(str(value), str(value))


def template_platform(value: object) -> Platform | None:
    """The platform of an Endpoint security template's ``platformType``."""
    return _enum(_TEMPLATE_PLATFORMS, value)


def enrollment_restriction_platform(value: object) -> Platform | None:
    """The platform of a single-platform enrollment restriction's ``platformType``."""
    return _enum(_RESTRICTION_PLATFORMS, value)


def cleanup_rule_platform(value: object) -> Platform | None:
    """The platform of a device clean-up rule's ``deviceCleanupRulePlatformType``."""
    return _enum(_CLEANUP_PLATFORMS, value)


def condition_platform(conditions: object) -> Platform:
    """The platforms a Conditional Access policy's ``conditions.platforms`` include (any when absent)."""
    platforms = conditions.get("platforms") if isinstance(conditions, Mapping) else None
    if not isinstance(platforms, Mapping):
        return ANY_PLATFORM
    include = [v for v in platforms.get("includePlatforms") or [] if isinstance(v, str)]
    exclude = [v for v in platforms.get("excludePlatforms") or [] if isinstance(v, str)]
    named = [_enum(_CONDITION_PLATFORMS, v) or Platform(v) for v in include]
    included = ANY_PLATFORM if not named or ANY_PLATFORM in named else _mix(named)
    if not exclude:
        return included
    excluded = ", ".join((_enum(_CONDITION_PLATFORMS, v) or Platform(v)).label for v in exclude)
    return Platform(f"{included.label} except {excluded}")


def condition_platform_label(value: object) -> str:
    """One ``conditionalAccessDevicePlatform`` value in Intune's words (shown as it came when unknown)."""
    platform = _enum(_CONDITION_PLATFORMS, value)
    if platform is not None:
        return platform.label
    return value if isinstance(value, str) else ""


def device_platform(managed_device: Mapping[str, Any]) -> DevicePlatform | None:
    """The family a Graph ``managedDevice`` runs; None when its operating system is unknown."""
    value = managed_device.get("operatingSystem")
    return _DEVICE_OS.get(value.strip().casefold()) if isinstance(value, str) else None
