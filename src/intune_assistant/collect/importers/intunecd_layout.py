"""Where IntuneCD puts each resource type, and how its file names encode the Graph type.

Folder names come from IntuneCD's backup modules (``self.path = f"{self.path}/<folder>/"``) and
its documentation index. A file is ``<name>_<suffix>.json|yaml`` where the suffix is the last
part of the object's ``@odata.type`` (``_windows10CompliancePolicy``) or, for settings catalog
and settings-based compliance, its ``technologies`` (``_mdm``, ``_microsoftSense``); with
``--append-id`` IntuneCD adds ``__<id>`` after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FOLDER_RULES",
    "SKIPPED_FOLDERS",
    "FolderRule",
    "NotCatalog",
    "find_rule",
    "odata_type_from_suffix",
    "parse_file_stem",
]


@dataclass(frozen=True)
class NotCatalog:
    """An object the catalog has no type for; ``what`` names it for the problem report."""

    what: str


Route = Callable[[dict[str, Any] | None, str | None], "str | NotCatalog"]


@dataclass(frozen=True)
class FolderRule:
    """One IntuneCD folder: which catalog key its files hold (``route`` when it depends on the
    object) or, when ``not_catalog`` is set, why nothing in it is imported."""

    path: tuple[str, ...]
    key: str | None = None
    route: Route | None = None
    # Endings a file-name suffix must have to be taken as the object's missing @odata.type.
    odata_endings: tuple[str, ...] = ()
    # Subfolders belong to the same type (apps per platform, intents per template).
    recursive: bool = False
    not_catalog: str | None = None
    renames: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def resolve(self, obj: dict[str, Any] | None, suffix: str | None) -> str | NotCatalog:
        """The catalog key for ``obj`` (None when the file could not be read)."""
        if self.not_catalog is not None:
            return NotCatalog(self.not_catalog)
        if self.route is not None:
            return self.route(obj, suffix)
        assert self.key is not None
        return self.key


def _odata_name(obj: dict[str, Any] | None, suffix: str | None) -> str:
    value = obj.get("@odata.type") if obj is not None else None
    if isinstance(value, str) and value:
        return value.rsplit(".", 1)[-1]
    return suffix or ""


def _device_configuration(obj: dict[str, Any] | None, suffix: str | None) -> str:
    # One Graph path, two catalog records: update rings are read apart with isof().
    return (
        "updateRings" if _odata_name(obj, suffix) == "windowsUpdateForBusinessConfiguration" else "deviceConfigurations"
    )


def _compliance(obj: dict[str, Any] | None, suffix: str | None) -> str:
    # Settings-based compliance (deviceManagement/compliancePolicies) lands in the same folder;
    # it has a name, technologies and settings instead of an @odata.type and displayName.
    if obj is not None and "@odata.type" not in obj and "technologies" in obj and "displayName" not in obj:
        return "complianceSettingsPolicies"
    return "compliancePolicies"


_APP_PROTECTION = {
    "iosManagedAppProtection": "appProtectionIos",
    "androidManagedAppProtection": "appProtectionAndroid",
    "windowsManagedAppProtection": "appProtectionWindows",
    "targetedManagedAppConfiguration": "appConfigManagedApps",
}


def _app_protection(obj: dict[str, Any] | None, suffix: str | None) -> str | NotCatalog:
    name = _odata_name(obj, suffix)
    key = _APP_PROTECTION.get(name)
    if key is not None:
        return key
    return NotCatalog(f"app protection type {name or 'unknown'}")


FOLDER_RULES: tuple[FolderRule, ...] = (
    FolderRule(("settings catalog",), key="settingsCatalog"),
    FolderRule(
        ("device configurations",),
        route=_device_configuration,
        odata_endings=("Configuration", "Profile", "Certificate"),
    ),
    FolderRule(("compliance policies", "policies"), route=_compliance, odata_endings=("CompliancePolicy",)),
    FolderRule(("compliance policies", "message templates"), key="notificationTemplates"),
    FolderRule(("compliance policies", "scripts"), not_catalog="compliance scripts"),
    FolderRule(
        ("app protection",),
        route=_app_protection,
        odata_endings=("ManagedAppProtection", "InformationProtectionPolicy", "ManagedAppConfiguration"),
    ),
    FolderRule(("app configuration",), key="appConfigManagedDevices", odata_endings=("AppConfiguration",)),
    FolderRule(("applications",), key="mobileApps", recursive=True),
    FolderRule(("enrollment configurations",), key="enrollmentConfigurations", odata_endings=("Configuration",)),
    FolderRule(
        ("enrollment profiles", "windows", "esp"),
        key="enrollmentConfigurations",
        odata_endings=("Configuration",),
    ),
    FolderRule(
        ("enrollment profiles", "windows"),
        key="autopilotProfiles",
        odata_endings=("AutopilotDeploymentProfile",),
    ),
    FolderRule(("enrollment profiles", "apple"), not_catalog="Apple automated device enrollment profiles"),
    FolderRule(("scripts", "shell"), key="shellScripts"),
    FolderRule(("scripts", "powershell"), key="powershellScripts"),
    FolderRule(("custom attributes",), key="customAttributeScripts"),
    FolderRule(("proactive remediations",), key="remediations"),
    FolderRule(("proactive remediation",), key="remediations"),
    FolderRule(("roles",), key="roleDefinitions", odata_endings=("RoleDefinition",)),
    FolderRule(("scope tags",), key="scopeTags"),
    FolderRule(("filters",), key="assignmentFilters"),
    FolderRule(("conditional access",), key="conditionalAccessPolicies"),
    FolderRule(("group policy configurations",), key="administrativeTemplates"),
    # IntuneCD reads intent settings per category into "settingsDelta"; Graph calls them settings.
    FolderRule(
        ("management intents",),
        key="securityIntents",
        recursive=True,
        renames=(("settingsDelta", "settings"),),
    ),
    FolderRule(("device categories",), key="deviceCategories"),
    FolderRule(("feature updates",), key="featureUpdateProfiles"),
    FolderRule(("quality updates",), key="qualityUpdateProfiles"),
    FolderRule(("driver updates",), key="driverUpdateProfiles"),
    FolderRule(("device management settings",), not_catalog="tenant-wide device management settings"),
    FolderRule(("apple push notification",), not_catalog="Apple push notification certificate"),
    FolderRule(("apple vpp tokens",), not_catalog="Apple VPP tokens"),
    FolderRule(("managed google play",), not_catalog="managed Google Play connection"),
    FolderRule(("partner connections",), not_catalog="partner connections", recursive=True),
    FolderRule(("autopilot devices",), not_catalog="Autopilot device identities", recursive=True),
    FolderRule(("activation lock",), not_catalog="activation lock settings", recursive=True),
    FolderRule(("reusable settings",), not_catalog="reusable policy settings", recursive=True),
    FolderRule(("entra",), not_catalog="Entra ID tenant settings", recursive=True),
)

# Folders IntuneCD writes that hold no objects: its own report, side copies of script and
# profile content (the object holds the same content base64-encoded), and archived deletions.
SKIPPED_FOLDERS: dict[str, str] = {
    "assignment report": "IntuneCD's assignment report; the objects carry their assignments",
    "script data": "a copy of script content the object holds",
    "mobileconfig": "a copy of profile content the object holds",
    "__archive__": "an object IntuneCD archived (deleted from the tenant)",
}

_APPENDED_ID = re.compile(
    r"^(?P<stem>.+?)__(?P<id>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"(?:_[A-Za-z0-9]+)?|\d+)$"
)
_SUFFIX = re.compile(r"^[a-z][A-Za-z0-9]*$")


def find_rule(folder_parts: tuple[str, ...]) -> tuple[FolderRule | None, bool]:
    """The rule for a file in ``folder_parts`` (relative, any case) and whether it applies.

    Returns ``(rule, True)`` for the folder itself or a subfolder of a recursive rule,
    ``(rule, False)`` for an unexpected subfolder of a known folder, ``(None, False)`` otherwise.
    """
    lowered = tuple(part.casefold() for part in folder_parts)
    best: FolderRule | None = None
    for rule in FOLDER_RULES:
        if lowered[: len(rule.path)] == rule.path and (best is None or len(rule.path) > len(best.path)):
            best = rule
    if best is None:
        return None, False
    return best, len(best.path) == len(lowered) or best.recursive


def parse_file_stem(stem: str) -> tuple[str | None, str | None]:
    """``(type suffix, appended id)`` from a file name without extension; either may be None."""
    object_id = None
    match = _APPENDED_ID.match(stem)
    if match:
        stem, object_id = match.group("stem"), match.group("id")
    suffix = stem.rsplit("_", 1)[1] if "_" in stem else None
    return (suffix if suffix and _SUFFIX.match(suffix) else None), object_id


def odata_type_from_suffix(rule: FolderRule, suffix: str | None) -> str | None:
    """``#microsoft.graph.<suffix>`` when ``suffix`` is a plausible Graph type for ``rule``."""
    if suffix is None or not rule.odata_endings:
        return None
    if any(suffix.endswith(ending) or suffix == ending[0].lower() + ending[1:] for ending in rule.odata_endings):
        return f"#microsoft.graph.{suffix}"
    return None
