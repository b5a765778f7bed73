"""Which filter properties exist on which platform, with their kind, operators and known values.

Our own table, written from the filters reference (docs/reference "filters-and-targeting", §2).
Platforms are Graph ``devicePlatformType`` names; each belongs to one ``PlatformFamily`` that the
property table is written against. The three ``…MobileApplicationManagement`` platforms are the
managed-app filters (``app.`` properties); every other supported platform takes ``device.``.

Known values are informational: Intune accepts a value outside an enumerated set and it simply
never matches (lab), so the parser does not reject it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from intune_assistant.catalog import filter_platform_label

from .ast import Entity, Operator
from .errors import UnsupportedPlatformError

__all__ = [
    "LEGACY_APP_MANAGEMENT_TYPES",
    "MAX_RULE_LENGTH",
    "PLATFORMS",
    "PROPERTIES",
    "Platform",
    "PlatformFamily",
    "PropertyKind",
    "PropertySpec",
    "get_platform",
    "lookup_property",
    "properties_for",
    "similar_properties",
]

# Intune's limit per filter rule (OV: "3,072 characters per filter").
MAX_RULE_LENGTH = 3072


class PlatformFamily(Enum):
    """The platform columns of the reference's property tables (keys; shown through ``Platform.display_name``)."""

    ANDROID_ADMIN = "Android device administrator"
    ANDROID_ENTERPRISE = "Android Enterprise"
    AOSP = "Android (AOSP)"
    IOS = "iOS/iPadOS"
    MACOS = "macOS"
    WINDOWS = "Windows"
    APP_ANDROID = "Android (managed apps)"
    APP_IOS = "iOS/iPadOS (managed apps)"
    APP_WINDOWS = "Windows (managed apps)"


@dataclass(frozen=True)
class Platform:
    """A Graph platform a filter can be created for."""

    name: str
    family: PlatformFamily
    entity: Entity

    @property
    def display_name(self) -> str:
        """How the portal names the platform (the catalog's words; managed-app filters say so)."""
        label = filter_platform_label(self.name)
        return f"{label} (managed apps)" if self.entity == "app" else label


def _platforms(*rows: tuple[str, PlatformFamily, Entity]) -> dict[str, Platform]:
    return {name.casefold(): Platform(name, family, entity) for name, family, entity in rows}


# Graph devicePlatformType → family. windowsPhone81 and windows81AndLater have no filter
# properties in the reference, so they are left out and refused by get_platform.
PLATFORMS: Mapping[str, Platform] = _platforms(
    ("android", PlatformFamily.ANDROID_ADMIN, "device"),
    ("androidForWork", PlatformFamily.ANDROID_ENTERPRISE, "device"),
    # Legacy platform value for personally-owned work profile: an Android Enterprise mode.
    ("androidWorkProfile", PlatformFamily.ANDROID_ENTERPRISE, "device"),
    ("androidAOSP", PlatformFamily.AOSP, "device"),
    ("iOS", PlatformFamily.IOS, "device"),
    ("macOS", PlatformFamily.MACOS, "device"),
    ("windows10AndLater", PlatformFamily.WINDOWS, "device"),
    ("androidMobileApplicationManagement", PlatformFamily.APP_ANDROID, "app"),
    ("iOSMobileApplicationManagement", PlatformFamily.APP_IOS, "app"),
    ("windowsMobileApplicationManagement", PlatformFamily.APP_WINDOWS, "app"),
)


def get_platform(name: str) -> Platform:
    """The platform for a Graph ``devicePlatformType`` name (case-insensitive).

    Raises:
        UnsupportedPlatformError: for a platform assignment filters do not exist for.
    """
    platform = PLATFORMS.get(name.casefold()) if isinstance(name, str) else None
    if platform is None:
        known = ", ".join(p.name for p in PLATFORMS.values())
        raise UnsupportedPlatformError(f"assignment filters don't exist for platform {name!r}; known: {known}")
    return platform


class PropertyKind(Enum):
    """How a property's values compare."""

    STRING = "text"
    ENUM = "one of a set of values"
    BOOLEAN = "True or False"
    VERSION = "version"


_EQUALITY = frozenset({Operator.EQ, Operator.NE})
_MEMBERSHIP = _EQUALITY | {Operator.IN, Operator.NOT_IN}
_STRING_OPS = _MEMBERSHIP | {Operator.STARTS_WITH, Operator.CONTAINS, Operator.NOT_CONTAINS}
_VERSION_OPS = _EQUALITY | {Operator.GT, Operator.GE, Operator.LT, Operator.LE}

_ALL_DEVICE = frozenset(
    {
        PlatformFamily.ANDROID_ADMIN,
        PlatformFamily.ANDROID_ENTERPRISE,
        PlatformFamily.AOSP,
        PlatformFamily.IOS,
        PlatformFamily.MACOS,
        PlatformFamily.WINDOWS,
    }
)
_ALL_APP = frozenset({PlatformFamily.APP_ANDROID, PlatformFamily.APP_IOS, PlatformFamily.APP_WINDOWS})


@dataclass(frozen=True)
class PropertySpec:
    """One filter property: where it exists, what it compares with and its known values."""

    entity: Entity
    name: str
    kind: PropertyKind
    operators: frozenset[Operator]
    families: frozenset[PlatformFamily]
    known_values: Mapping[PlatformFamily, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""

    @property
    def full_name(self) -> str:
        """``entity.name`` as written in a rule."""
        return f"{self.entity}.{self.name}"


_AE_MANAGEMENT_TYPES = (
    "Corporate-owned dedicated devices with Entra ID Shared mode",
    "Corporate-owned dedicated devices without Entra ID Shared mode",
    "Corporate-owned with work profile",
    "Corporate-owned fully managed",
    "Personally-owned work profile",
)
_AOSP_MANAGEMENT_TYPES = ("AOSP user-associated devices", "AOSP userless devices")
_IOS_APP_MANAGEMENT_TYPES = (
    "Unmanaged",
    "Automated Device Enrollment user-associated devices",
    "Automated Device Enrollment userless devices",
    "Account Driven User Enrollment",
    "Device Enrollment with Company Portal and Web Enrollment",
)
_ANDROID_APP_MANAGEMENT_TYPES = (
    "Unmanaged",
    "Android device administrator",
    *_AE_MANAGEMENT_TYPES,
    *_AOSP_MANAGEMENT_TYPES,
)

# Legacy app.deviceManagementType values Intune maps onto the granular sets (PROP). "Managed"
# means any managed mode, i.e. every granular value except "Unmanaged".
LEGACY_APP_MANAGEMENT_TYPES: Mapping[str, frozenset[str]] = {
    "android enterprise": frozenset(v.casefold() for v in _AE_MANAGEMENT_TYPES),
    "managed": frozenset(
        v.casefold() for v in (*_ANDROID_APP_MANAGEMENT_TYPES, *_IOS_APP_MANAGEMENT_TYPES) if v != "Unmanaged"
    ),
}

# Windows SKU names as the operatingSystemSKU property reports them (PROP table).
WINDOWS_SKUS = (
    "BusinessN",
    "CloudEdition",
    "CloudEditionN",
    "Core",
    "CoreCountrySpecific",
    "CoreN",
    "CoreSingleLanguage",
    "Education",
    "EducationN",
    "Enterprise",
    "EnterpriseEval",
    "EnterpriseG",
    "EnterpriseGN",
    "EnterpriseN",
    "EnterpriseNEval",
    "EnterpriseS",
    "EnterpriseSEval",
    "EnterpriseSN",
    "Holographic",
    "IoTUAP",
    "IoTUAPCommercial",
    "IoTEnterprise",
    "PPIPro",
    "Professional",
    "ProfessionalEducation",
    "ProfessionalEducationN",
    "ProfessionalWorkstation",
    "ProfessionalN",
    "ProfessionalSingleLanguage",
    "ServerRdsh",
)

_TRUE_FALSE = ("True", "False")

_DEVICE = (
    PropertySpec(
        "device",
        "cpuArchitecture",
        PropertyKind.ENUM,
        _MEMBERSHIP,
        frozenset({PlatformFamily.MACOS, PlatformFamily.WINDOWS}),
        {
            PlatformFamily.WINDOWS: ("amd64", "x86", "arm64", "unknown"),
            PlatformFamily.MACOS: ("x64", "arm64", "unknown"),
        },
        note="not evaluated in enrollment scenarios",
    ),
    PropertySpec("device", "deviceCategory", PropertyKind.STRING, _STRING_OPS, _ALL_DEVICE),
    PropertySpec(
        "device",
        "deviceManagementType",
        PropertyKind.ENUM,
        _EQUALITY,
        frozenset({PlatformFamily.ANDROID_ENTERPRISE, PlatformFamily.AOSP}),
        {PlatformFamily.ANDROID_ENTERPRISE: _AE_MANAGEMENT_TYPES, PlatformFamily.AOSP: _AOSP_MANAGEMENT_TYPES},
    ),
    PropertySpec("device", "deviceName", PropertyKind.STRING, _STRING_OPS, _ALL_DEVICE),
    PropertySpec(
        "device",
        "deviceOwnership",
        PropertyKind.ENUM,
        _EQUALITY,
        _ALL_DEVICE,
        dict.fromkeys(_ALL_DEVICE, ("Personal", "Corporate")),
    ),
    PropertySpec(
        "device",
        "deviceTrustType",
        PropertyKind.ENUM,
        _MEMBERSHIP,
        frozenset({PlatformFamily.WINDOWS}),
        {PlatformFamily.WINDOWS: ("Azure AD joined", "Azure AD registered", "Hybrid Azure AD joined", "Unknown")},
    ),
    PropertySpec(
        "device",
        "enrollmentProfileName",
        PropertyKind.STRING,
        _STRING_OPS,
        frozenset({PlatformFamily.ANDROID_ENTERPRISE, PlatformFamily.AOSP, PlatformFamily.IOS, PlatformFamily.WINDOWS}),
    ),
    PropertySpec(
        "device",
        "isRooted",
        PropertyKind.BOOLEAN,
        _EQUALITY,
        frozenset(
            {PlatformFamily.ANDROID_ADMIN, PlatformFamily.ANDROID_ENTERPRISE, PlatformFamily.AOSP, PlatformFamily.IOS}
        ),
        note="Android Enterprise: work profile devices only",
    ),
    PropertySpec("device", "manufacturer", PropertyKind.STRING, _STRING_OPS, _ALL_DEVICE),
    PropertySpec("device", "model", PropertyKind.STRING, _STRING_OPS, _ALL_DEVICE),
    PropertySpec(
        "device", "operatingSystemVersion", PropertyKind.VERSION, _VERSION_OPS, _ALL_DEVICE, note="public preview"
    ),
    PropertySpec(
        "device",
        "osVersion",
        PropertyKind.STRING,
        _STRING_OPS,
        _ALL_DEVICE,
        note="deprecated: use operatingSystemVersion",
    ),
    PropertySpec(
        "device",
        "operatingSystemSKU",
        PropertyKind.STRING,
        _STRING_OPS,
        frozenset({PlatformFamily.WINDOWS}),
        {PlatformFamily.WINDOWS: WINDOWS_SKUS},
    ),
    PropertySpec(
        "device",
        "isTpmAttested",
        PropertyKind.BOOLEAN,
        _EQUALITY,
        frozenset({PlatformFamily.WINDOWS}),
        note="undocumented; accepted by the service (lab)",
    ),
)

_APP = (
    PropertySpec("app", "appVersion", PropertyKind.STRING, _STRING_OPS, _ALL_APP),
    PropertySpec("app", "deviceManufacturer", PropertyKind.STRING, _STRING_OPS, _ALL_APP),
    PropertySpec("app", "deviceModel", PropertyKind.STRING, _STRING_OPS, _ALL_APP),
    PropertySpec("app", "operatingSystemVersion", PropertyKind.VERSION, _VERSION_OPS, _ALL_APP, note="preview"),
    PropertySpec(
        "app", "osVersion", PropertyKind.STRING, _STRING_OPS, _ALL_APP, note="deprecated: use operatingSystemVersion"
    ),
    # The reference lists values for Android and iOS only, so Windows app filters don't get it.
    PropertySpec(
        "app",
        "deviceManagementType",
        PropertyKind.ENUM,
        _EQUALITY,
        frozenset({PlatformFamily.APP_ANDROID, PlatformFamily.APP_IOS}),
        {
            PlatformFamily.APP_ANDROID: (*_ANDROID_APP_MANAGEMENT_TYPES, "Android Enterprise", "Managed"),
            PlatformFamily.APP_IOS: (*_IOS_APP_MANAGEMENT_TYPES, "Managed"),
        },
    ),
)

# (entity, casefolded name) → spec; lookups are case-insensitive like Intune's.
PROPERTIES: Mapping[tuple[str, str], PropertySpec] = {(p.entity, p.name.casefold()): p for p in (*_DEVICE, *_APP)}


def lookup_property(entity: str, name: str) -> PropertySpec | None:
    """The property ``entity.name`` (case-insensitive), whatever the platform, or None."""
    return PROPERTIES.get((entity.casefold(), name.casefold()))


def properties_for(platform: Platform) -> tuple[PropertySpec, ...]:
    """The properties a filter for ``platform`` may use, in table order."""
    return tuple(
        spec for spec in PROPERTIES.values() if spec.entity == platform.entity and platform.family in spec.families
    )


def similar_properties(name: str, platform: Platform) -> list[str]:
    """Close spellings of ``name`` among the platform's properties (for "did you mean")."""
    candidates = {spec.full_name.casefold(): spec.full_name for spec in properties_for(platform)}
    return [candidates[m] for m in difflib.get_close_matches(name.casefold(), list(candidates), n=2, cutoff=0.75)]
