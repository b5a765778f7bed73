"""IntuneManagement (Micke-K) exports → Snapshot.

An export is a folder per object type, named by IntuneManagement's view item id
(``ConditionalAccess``, ``SettingsCatalog``, ``DeviceConfiguration``...), holding full Graph
objects as returned with ``odata.metadata=full``, and ``MigrationTable.json``
(``{TenantId, Organization, Objects: [{DisplayName, Id, Type}]}``) naming the groups the objects
reference by id. Files are often UTF-16 LE with a BOM and CRLF line endings.

Objects keep their ids; OData noise is removed (``odata.strip_odata_noise``). Group names come
from the migration table first (the tool's own record), then from exported group objects.
Script and payload copies beside the objects (``.ps1``, ``.sh``, ``.mobileconfig``...) are the
objects' own content and are skipped; any other file that cannot be read, and folders with no
catalog type, are reported as LoadProblems while the rest still loads.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.snapshot import Snapshot, TenantInfo
from intune_assistant.snapshot.json_kind import json_kind

from .builder import ImportBuilder, Imported
from .encoding import ImportFileError, parse_json
from .errors import UnknownFormatError
from .files import describe_os_error
from .odata import strip_odata_noise
from .tree import ExportFile, ExportTree, folder_tree

__all__ = ["FOLDER_KEYS", "MIGRATION_TABLE", "NOT_CATALOG_FOLDERS", "import_intunemanagement", "read_intunemanagement"]

MIGRATION_TABLE = "MigrationTable.json"
_SETTINGS_COPY = "_Settings"

# Content IntuneManagement writes beside an object (scripts, payloads): already in the object.
_SIDE_FILES = frozenset({".ps1", ".psm1", ".sh", ".zsh", ".py", ".mobileconfig", ".xml", ".plist", ".txt"})


@dataclass(frozen=True)
class _NotCatalog:
    what: str


Route = Callable[[dict[str, Any]], "str | _NotCatalog"]


def _odata_name(obj: dict[str, Any]) -> str:
    value = obj.get("@odata.type")
    return value.rsplit(".", 1)[-1] if isinstance(value, str) else ""


def _device_configuration(obj: dict[str, Any]) -> str:
    if _odata_name(obj) == "windowsUpdateForBusinessConfiguration":
        return "updateRings"
    return "deviceConfigurations"


_APP_PROTECTION = {
    "iosManagedAppProtection": "appProtectionIos",
    "androidManagedAppProtection": "appProtectionAndroid",
    "windowsManagedAppProtection": "appProtectionWindows",
    "targetedManagedAppConfiguration": "appConfigManagedApps",
}


def _app_protection(obj: dict[str, Any]) -> str | _NotCatalog:
    name = _odata_name(obj)
    return _APP_PROTECTION.get(name) or _NotCatalog(f"app protection type {name or 'unknown'}")


# IntuneManagement view item ids (Extensions/EndpointManager.psm1) → catalog key or router.
FOLDER_KEYS: dict[str, str | Route] = {
    "settingscatalog": "settingsCatalog",
    "deviceconfiguration": _device_configuration,
    "updatepolicies": _device_configuration,
    "compliancepolicies": "compliancePolicies",
    "compliancepoliciesv2": "complianceSettingsPolicies",
    "administrativetemplates": "administrativeTemplates",
    "endpointsecurity": "securityIntents",
    "powershellscripts": "powershellScripts",
    "macscripts": "shellScripts",
    "maccustomattributes": "customAttributeScripts",
    "devicehealthscripts": "remediations",
    "applications": "mobileApps",
    "appconfigurationmanageddevice": "appConfigManagedDevices",
    "androidoemconfig": "appConfigManagedDevices",
    "appconfigurationmanagedapp": "appConfigManagedApps",
    "appprotection": _app_protection,
    "autopilot": "autopilotProfiles",
    "enrollmentstatuspage": "enrollmentConfigurations",
    "enrollmentrestrictions": "enrollmentConfigurations",
    "comanagementsettings": "enrollmentConfigurations",
    "featureupdates": "featureUpdateProfiles",
    "qualityupdates": "qualityUpdateProfiles",
    "driverupdateprofiles": "driverUpdateProfiles",
    "driverupdates": "driverUpdateProfiles",
    "assignmentfilters": "assignmentFilters",
    "scopetags": "scopeTags",
    "roledefinitions": "roleDefinitions",
    "notifications": "notificationTemplates",
    "conditionalaccess": "conditionalAccessPolicies",
    "namedlocations": "namedLocations",
    "groups": "groups",
    "users": "users",
}

# IntuneManagement folders whose objects the catalog has no type for.
NOT_CATALOG_FOLDERS: dict[str, str] = {
    "intunebranding": "Intune branding profiles",
    "azurebranding": "Entra ID company branding",
    "termsandconditions": "terms and conditions",
    "termsofuse": "terms of use",
    "policysets": "policy sets",
    "locations": "compliance locations",
    "appleenrollmenttypes": "Apple enrollment types",
    "admxfiles": "imported ADMX files",
    "reusablesettings": "reusable policy settings",
    "authenticationstrengths": "authentication strengths",
    "authenticationcontext": "authentication contexts",
    "w365provisioningpolicies": "Windows 365 provisioning policies",
    "w365usersettings": "Windows 365 user settings",
    "compliancescripts": "compliance scripts",
}


def import_intunemanagement(
    folder: Path, *, catalog: Catalog | None = None, taken_at: datetime | None = None
) -> Snapshot:
    """Read the IntuneManagement export in ``folder`` into a Snapshot (source ``intunemanagement``).

    ``MigrationTable.json`` supplies the tenant id and name and the group names. Unreadable
    files are listed in ``problems``; a type with failed files is partial. ``taken_at``
    defaults to the newest file's modification time.
    """
    root = Path(folder)
    if not root.is_dir():
        raise UnknownFormatError(f"{root} is not a folder; an IntuneManagement export is a folder of type folders")
    return read_intunemanagement(folder_tree(root), catalog=catalog, taken_at=taken_at).snapshot


def read_intunemanagement(
    tree: ExportTree, *, catalog: Catalog | None = None, taken_at: datetime | None = None
) -> Imported:
    """Read the IntuneManagement export whose type folders are at the top of ``tree``; with the
    files left out on purpose (folders without a catalog type, script copies)."""
    builder = ImportBuilder("intunemanagement", catalog if catalog is not None else default_catalog())
    tenant = TenantInfo()
    unimported: dict[str, tuple[str, int]] = {}
    paths = {f.path.casefold() for f in tree.files}
    for file in tree.files:
        rel = file.path
        parts = file.parts
        if len(parts) == 1:
            if rel.casefold() == MIGRATION_TABLE.casefold():
                tenant = _read_migration_table(file, builder)
            else:
                builder.skip(rel, "not inside an IntuneManagement type folder; not imported")
            continue
        folder_name = parts[0].casefold()
        route = FOLDER_KEYS.get(folder_name)
        if route is None:
            reason = (
                f"not a catalog type: {NOT_CATALOG_FOLDERS[folder_name]}"
                if folder_name in NOT_CATALOG_FOLDERS
                else "unknown IntuneManagement folder"
            )
            previous = unimported.get(parts[0], (reason, 0))
            unimported[parts[0]] = (reason, previous[1] + 1)
            continue
        if file.suffix in _SIDE_FILES:
            builder.skip(rel, "content IntuneManagement copies beside its object (the object holds it)")
            continue
        if file.suffix != ".json":
            builder.skip(rel, f"not an IntuneManagement export file ({file.suffix or 'no extension'}); not imported")
            continue
        if _is_settings_copy(file, paths):
            builder.skip(rel, "IntuneManagement's copy of its object's settings (the object holds them)")
            continue
        _read_object(file, route, builder)
    for folder_name, (reason, files) in unimported.items():
        builder.skip(folder_name, f"{reason}; {files} file(s) not imported")
    return builder.imported(builder.build(tenant, taken_at=taken_at))


def _is_settings_copy(file: ExportFile, paths: set[str]) -> bool:
    """``X_Settings.json`` beside ``X.json``: IntuneManagement writes an endpoint security or
    administrative template object's settings again on their own, for its import."""
    if not file.stem.endswith(_SETTINGS_COPY):
        return False
    folder = file.path.rsplit("/", 1)[0]
    return f"{folder}/{file.stem[: -len(_SETTINGS_COPY)]}.json".casefold() in paths


def _read_object(file: ExportFile, route: str | Route, builder: ImportBuilder) -> None:
    started = time.perf_counter()
    rel = file.path
    builder.saw_file(file)
    fallback = route if isinstance(route, str) else None
    try:
        value = parse_json(file.read())
    except ImportFileError as exc:
        builder.fail(rel, str(exc), fallback)
        return
    except OSError as exc:
        builder.fail(rel, describe_os_error(exc), fallback)
        return
    if not isinstance(value, dict):
        builder.fail(rel, f"expected a JSON object, found {json_kind(value)}", fallback)
        return
    obj: dict[str, Any] = strip_odata_noise(value)
    key = route if isinstance(route, str) else route(obj)
    if isinstance(key, _NotCatalog):
        builder.skip(rel, f"not a catalog type: {key.what}; not imported")
        return
    builder.add(key, obj, rel)
    builder.add_time(key, time.perf_counter() - started)


def _read_migration_table(file: ExportFile, builder: ImportBuilder) -> TenantInfo:
    rel = file.path
    try:
        table = parse_json(file.read())
    except ImportFileError as exc:
        builder.fail(rel, str(exc))
        return TenantInfo()
    except OSError as exc:
        builder.fail(rel, describe_os_error(exc))
        return TenantInfo()
    if not isinstance(table, dict):
        builder.fail(rel, f"expected a JSON object, found {json_kind(table)}")
        return TenantInfo()
    entries = table.get("Objects")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        object_id, name, kind = entry.get("Id"), entry.get("DisplayName"), entry.get("Type")
        # Groups are what the objects reference; other entries (users...) have no Names map.
        if isinstance(object_id, str) and isinstance(name, str) and str(kind).casefold() == "group":
            builder.names.groups[object_id] = name
    tenant_id, organization = table.get("TenantId"), table.get("Organization")
    return TenantInfo(
        tenant_id=tenant_id if isinstance(tenant_id, str) and tenant_id else None,
        display_name=organization if isinstance(organization, str) and organization else None,
    )
