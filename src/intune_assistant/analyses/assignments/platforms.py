"""Which device platform an object is for, and which platform a managed device runs.

Used for the first check of an effective-assignment verdict (reference §4, suggested order:
platform/applicability first). An object whose platform we can't tell, or that serves every
platform (web links, enrollment restrictions), gets ``None``: the check is then skipped and the
reason says so, rather than guessing "not applicable".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["DevicePlatform", "ObjectPlatform", "device_platform", "graph_platform", "object_platform"]


class DevicePlatform(StrEnum):
    """Platform families as the Intune portal names them."""

    WINDOWS = "Windows"
    MACOS = "macOS"
    IOS = "iOS/iPadOS"
    ANDROID = "Android"
    LINUX = "Linux"


@dataclass(frozen=True)
class ObjectPlatform:
    """An object's platform; ``platform`` is None for "any platform" or "not determined"."""

    platform: DevicePlatform | None
    label: str


ANY = ObjectPlatform(None, "any platform")
UNDETERMINED = ObjectPlatform(None, "not determined")

# Types whose every object targets one platform.
_BY_TYPE: dict[str, DevicePlatform] = {
    "updateRings": DevicePlatform.WINDOWS,
    "administrativeTemplates": DevicePlatform.WINDOWS,
    "powershellScripts": DevicePlatform.WINDOWS,
    "remediations": DevicePlatform.WINDOWS,
    "autopilotProfiles": DevicePlatform.WINDOWS,
    "featureUpdateProfiles": DevicePlatform.WINDOWS,
    "qualityUpdateProfiles": DevicePlatform.WINDOWS,
    "driverUpdateProfiles": DevicePlatform.WINDOWS,
    "appProtectionWindows": DevicePlatform.WINDOWS,
    "shellScripts": DevicePlatform.MACOS,
    "customAttributeScripts": DevicePlatform.MACOS,
    "appProtectionIos": DevicePlatform.IOS,
    "appProtectionAndroid": DevicePlatform.ANDROID,
}
# Types that serve several platforms by design.
_ANY_TYPES = frozenset({"enrollmentConfigurations", "appConfigManagedApps"})

# @odata.type prefixes (lower case, namespace removed) → platform; longest match first.
_ODATA_PREFIXES: tuple[tuple[str, DevicePlatform], ...] = (
    ("windows", DevicePlatform.WINDOWS),
    ("win32", DevicePlatform.WINDOWS),
    ("winget", DevicePlatform.WINDOWS),
    ("officesuite", DevicePlatform.WINDOWS),
    ("microsoftstoreforbusiness", DevicePlatform.WINDOWS),
    ("editionupgrade", DevicePlatform.WINDOWS),
    ("sharedpc", DevicePlatform.WINDOWS),
    ("managedios", DevicePlatform.IOS),
    ("ios", DevicePlatform.IOS),
    ("macos", DevicePlatform.MACOS),
    ("managedandroid", DevicePlatform.ANDROID),
    ("android", DevicePlatform.ANDROID),
    ("aosp", DevicePlatform.ANDROID),
)
_ANY_ODATA = frozenset({"webapp"})

# Settings-catalog ``platforms`` values (a flags enum in Graph, usually one value).
_CATALOG_PLATFORMS: dict[str, DevicePlatform] = {
    "windows10": DevicePlatform.WINDOWS,
    "windows10x": DevicePlatform.WINDOWS,
    "macos": DevicePlatform.MACOS,
    "ios": DevicePlatform.IOS,
    "android": DevicePlatform.ANDROID,
    "androidenterprise": DevicePlatform.ANDROID,
    "aosp": DevicePlatform.ANDROID,
    "linux": DevicePlatform.LINUX,
}

# Filter / template ``platform`` values (Graph devicePlatformType and policyPlatformType).
_GRAPH_PLATFORMS: dict[str, DevicePlatform] = {
    "windows10andlater": DevicePlatform.WINDOWS,
    "windows81andlater": DevicePlatform.WINDOWS,
    "windows10": DevicePlatform.WINDOWS,
    "macos": DevicePlatform.MACOS,
    "ios": DevicePlatform.IOS,
    "android": DevicePlatform.ANDROID,
    "androidforwork": DevicePlatform.ANDROID,
    "androidworkprofile": DevicePlatform.ANDROID,
    "androidaosp": DevicePlatform.ANDROID,
    "linux": DevicePlatform.LINUX,
}

# managedDevice.operatingSystem → platform.
_DEVICE_OS: dict[str, DevicePlatform] = {
    "windows": DevicePlatform.WINDOWS,
    "macos": DevicePlatform.MACOS,
    "ios": DevicePlatform.IOS,
    "ipados": DevicePlatform.IOS,
    "android": DevicePlatform.ANDROID,
    "androidforwork": DevicePlatform.ANDROID,
    "androidenterprise": DevicePlatform.ANDROID,
    "linux": DevicePlatform.LINUX,
}


def _key(value: object) -> str:
    return value.strip().casefold() if isinstance(value, str) else ""


def _known(platform: DevicePlatform | None) -> ObjectPlatform:
    return ObjectPlatform(platform, platform.value) if platform is not None else UNDETERMINED


def object_platform(
    type_key: str, obj: Mapping[str, Any], template_platforms: Mapping[str, str] | None = None
) -> ObjectPlatform:
    """The platform ``obj`` of catalog type ``type_key`` is for.

    ``template_platforms`` maps Endpoint security template ids to their ``platformType`` (from
    ``securityTemplates``); without it intents count as Windows, the only platform they had.
    """
    if type_key in _BY_TYPE:
        return _known(_BY_TYPE[type_key])
    if type_key in _ANY_TYPES:
        return ANY
    if type_key in ("settingsCatalog", "complianceSettingsPolicies"):
        parts = {_CATALOG_PLATFORMS.get(p.strip().casefold()) for p in str(obj.get("platforms") or "").split(",")}
        parts.discard(None)
        return _known(parts.pop()) if len(parts) == 1 else UNDETERMINED
    if type_key == "securityIntents":
        template = obj.get("templateId")
        if template_platforms is not None and isinstance(template, str) and template in template_platforms:
            return _known(_GRAPH_PLATFORMS.get(_key(template_platforms[template])))
        return _known(DevicePlatform.WINDOWS)
    odata = _key(obj.get("@odata.type")).removeprefix("#").removeprefix("microsoft.graph.")
    if odata in _ANY_ODATA:
        return ANY
    for prefix, platform in _ODATA_PREFIXES:
        if odata.startswith(prefix):
            return _known(platform)
    return UNDETERMINED


def device_platform(managed_device: Mapping[str, Any]) -> DevicePlatform | None:
    """The platform a Graph ``managedDevice`` runs; None when its operating system is unknown."""
    return _DEVICE_OS.get(_key(managed_device.get("operatingSystem")))


def graph_platform(name: str) -> DevicePlatform | None:
    """The family of a Graph ``devicePlatformType`` (a filter's or template's ``platform``)."""
    return _GRAPH_PLATFORMS.get(_key(name))
