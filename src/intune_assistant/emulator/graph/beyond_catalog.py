"""Graph paths the product's catalog does not read, answered as Graph answers them.

Other clients pointed at the emulator (backup tools, the SDKs) read more of Intune and Entra than
the catalog. On Graph those paths exist: a collection the tenant has nothing in answers 200 with an
empty ``value``, an unset singleton 404, and an Entra path the token has no scope for 403. Each
entry is a record like the catalog's (paging, ``$select``, ``$filter``, scopes and errors work the
same) that the emulator serves only where the catalog has no record at that path, so a type the
catalog gains later takes over. Their objects, if a tenant holds any, are ``tenant.objects[key]``.

Scopes are those the Graph documentation lists for each read ("Permissions" section of the
``intune-*-list``/``-get`` pages and the Entra list pages).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ...catalog import Child, Kind, ResourceType

__all__ = ["ALIASES", "EXTRA_CHILDREN", "PROPERTIES", "RECORDS", "SINGLETONS"]

_CONFIG = "DeviceManagementConfiguration.Read.All"
_CONFIG_RW = "DeviceManagementConfiguration.ReadWrite.All"
_SERVICE = "DeviceManagementServiceConfig.Read.All"
_SERVICE_RW = "DeviceManagementServiceConfig.ReadWrite.All"
_DEVICES = "DeviceManagementManagedDevices.Read.All"


def _intune(key: str, path: str, read: str, write: str, *also: str) -> ResourceType:
    return ResourceType(
        key=key,
        label=key,
        kind=Kind.REFERENCE,
        path=path,
        api_version="beta",
        read_scope=read,
        write_scope=write,
        also_accepted_scopes=also,
        collect=False,
    )


def _entra(key: str, path: str, read: str, *also: str) -> ResourceType:
    return ResourceType(
        key=key,
        label=key,
        kind=Kind.DIRECTORY,
        path=path,
        api_version="v1.0",
        read_scope=read,
        write_scope=None,
        also_accepted_scopes=also,
        page_size=100,
        max_page_size=999,
        collect=False,
    )


RECORDS: tuple[ResourceType, ...] = (
    # Properties of the deviceManagement singleton (the catalog's tenantSettings), addressed by path
    # as OData allows (GET deviceManagement/settings); read with deviceManagement's scopes.
    _intune("deviceManagementSettings", "deviceManagement/settings", _CONFIG, _CONFIG_RW, _DEVICES),
    _intune(
        "managedDeviceCleanupSettings", "deviceManagement/managedDeviceCleanupSettings", _CONFIG, _CONFIG_RW, _DEVICES
    ),
    # Entra: the demo token (Directory.AccessAsUser.All and the catalog's scopes) holds none of these.
    _entra("applications", "applications", "Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All"),
    _entra(
        "servicePrincipals",
        "servicePrincipals",
        "Application.Read.All",
        "Application.ReadWrite.All",
        "Directory.Read.All",
    ),
    _entra("domains", "domains", "Domain.Read.All", "Domain.ReadWrite.All", "Directory.Read.All"),
    # Least privileged User.Read; the product reads it with Directory.AccessAsUser.All.
    _entra(
        "organization",
        "organization",
        "User.Read",
        "Organization.Read.All",
        "Directory.Read.All",
        "Directory.AccessAsUser.All",
    ),
    _entra("groupSettings", "groupSettings", "Directory.Read.All", "Directory.ReadWrite.All"),
    _entra("authorizationPolicy", "policies/authorizationPolicy", "Policy.Read.All", "Policy.ReadWrite.Authorization"),
    _entra(
        "authenticationMethodsPolicy",
        "policies/authenticationMethodsPolicy",
        "Policy.Read.All",
        "Policy.ReadWrite.AuthenticationMethod",
    ),
    _entra(
        "identitySecurityDefaultsEnforcementPolicy",
        "policies/identitySecurityDefaultsEnforcementPolicy",
        "Policy.Read.All",
        "Policy.ReadWrite.ConditionalAccess",
    ),
    _entra(
        "tokenLifetimePolicies",
        "policies/tokenLifetimePolicies",
        "Policy.Read.All",
        "Policy.ReadWrite.ApplicationConfiguration",
    ),
    _entra(
        "homeRealmDiscoveryPolicies",
        "policies/homeRealmDiscoveryPolicies",
        "Policy.Read.All",
        "Policy.ReadWrite.ApplicationConfiguration",
    ),
    _entra(
        "crossTenantAccessPolicy",
        "policies/crossTenantAccessPolicy",
        "Policy.Read.All",
        "Policy.ReadWrite.CrossTenantAccess",
    ),
)

# Singletons: GET {path} answers the object, or 404 when the tenant has none (``None`` default).
# Graph returns deviceManagement and an unbound Managed Google Play account as objects. Keyed by
# record key (catalog singletons included: their default when a tenant's data holds none).
SINGLETONS: Mapping[str, Mapping[str, Any] | None] = MappingProxyType(
    {
        # Catalog singletons (keyed by catalog key) whose Graph default is an object.
        "managedGooglePlay": {
            "@odata.type": "#microsoft.graph.androidManagedStoreAccountEnterpriseSettings",
            "id": "androidManagedStoreAccountEnterpriseSettings",
            "bindStatus": "notBound",
            "lastAppSyncDateTime": "0001-01-01T00:00:00Z",
            "lastAppSyncStatus": "success",
            "ownerUserPrincipalName": None,
            "ownerOrganizationName": None,
            "lastModifiedDateTime": "0001-01-01T00:00:00Z",
            "enrollmentTarget": "none",
            "targetGroupIds": [],
            "deviceOwnerManagementEnabled": False,
            "companyCodes": [],
            "androidDeviceOwnerFullyManagedEnrollmentEnabled": False,
        },
        # deviceManagement itself for a tenant whose data holds none: what a tenant that never
        # changed its settings shows (intune-deviceconfig-devicemanagement-get.md).
        "tenantSettings": {
            "@odata.type": "#microsoft.graph.deviceManagement",
            "id": "00000000-0000-0000-0000-000000000000",
            "settings": {
                "@odata.type": "#microsoft.graph.deviceManagementSettings",
                "deviceComplianceCheckinThresholdDays": 30,
                "isScheduledActionEnabled": True,
                "secureByDefault": False,
                "enhancedJailBreak": False,
                "deviceInactivityBeforeRetirementInDay": 0,
                "derivedCredentialProvider": "notConfigured",
                "derivedCredentialUrl": None,
                "androidDeviceAdministratorEnrollmentEnabled": False,
                "ignoreDevicesForUnsupportedSettingsEnabled": False,
                "enableLogCollection": False,
                "enableAutopilotDiagnostics": False,
                "enableEnhancedTroubleshootingExperience": False,
                "enableDeviceGroupMembershipReport": False,
                "m365AppDiagnosticsEnabled": False,
            },
            "managedDeviceCleanupSettings": {
                "@odata.type": "#microsoft.graph.managedDeviceCleanupSettings",
                "deviceInactivityBeforeRetirementInDays": "0",
            },
            "intuneAccountId": "00000000-0000-0000-0000-000000000000",
        },
        "authorizationPolicy": None,
        "authenticationMethodsPolicy": None,
        "identitySecurityDefaultsEnforcementPolicy": None,
        "crossTenantAccessPolicy": None,
    }
)

# Paths addressing one property of a catalog singleton: beyond-catalog key -> (catalog key, property).
PROPERTIES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "deviceManagementSettings": ("tenantSettings", "settings"),
        "managedDeviceCleanupSettings": ("tenantSettings", "managedDeviceCleanupSettings"),
    }
)

# A path that lists the objects of several catalog records: the base collection of app protection
# and managed-app configuration (microsoft.graph.managedAppPolicy and its subtypes).
ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "deviceAppManagement/managedAppPolicies": (
            "appProtectionIos",
            "appProtectionAndroid",
            "appProtectionWindows",
            "appConfigManagedApps",
        ),
    }
)

# Navigations of catalog types the catalog does not read (empty unless the tenant stores them).
EXTRA_CHILDREN: Mapping[str, tuple[Child, ...]] = MappingProxyType(
    {"securityTemplates": (Child("categories"), Child("settings"))},
)
