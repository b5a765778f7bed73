"""Apps: mobile apps of many types, app protection policies and app configuration policies."""

from __future__ import annotations

import base64
import json
from random import Random
from typing import Any

from .context import GRAPH, Ctx, base_object
from .ids import created_modified, guid, stable_guid
from .targeting import Targeter, assignment

Obj = dict[str, Any]

# (odata type, display name, publisher, identifier (bundle/package/product id or URL), filter platform)
APPS: tuple[tuple[str, str, str, str, str | None], ...] = (
    ("win32LobApp", "7-Zip 24.08 (x64)", "Igor Pavlov", "7z2408-x64.intunewin", "windows10AndLater"),
    ("win32LobApp", "Adobe Acrobat Reader", "Adobe", "AcroRdrDCx64.intunewin", "windows10AndLater"),
    ("win32LobApp", "Notepad++ 8.7", "Notepad++ Team", "npp.8.7.Installer.x64.intunewin", "windows10AndLater"),
    ("win32LobApp", "Zoom Workplace", "Zoom Video Communications", "ZoomInstallerFull.intunewin", "windows10AndLater"),
    ("win32LobApp", "Cisco Secure Client", "Cisco Systems", "cisco-secure-client-win.intunewin", "windows10AndLater"),
    (
        "win32LobApp",
        "Google Chrome Enterprise",
        "Google LLC",
        "googlechromestandaloneenterprise64.intunewin",
        "windows10AndLater",
    ),
    ("win32LobApp", "Mozilla Firefox ESR", "Mozilla", "Firefox Setup ESR.intunewin", "windows10AndLater"),
    ("win32LobApp", "{tenant} VPN Profile", "{tenant} IT", "vpn-profile.intunewin", "windows10AndLater"),
    ("winGetApp", "Company Portal", "Microsoft Corporation", "9WZDNCRFJ3PZ", "windows10AndLater"),
    ("winGetApp", "Windows Terminal", "Microsoft Corporation", "9N0DX20HK701", "windows10AndLater"),
    ("winGetApp", "Microsoft PowerToys", "Microsoft Corporation", "XP89DCGQ3K6VLD", "windows10AndLater"),
    (
        "officeSuiteApp",
        "Microsoft 365 Apps for Windows 10 and later",
        "Microsoft",
        "o365ProPlusRetail",
        "windows10AndLater",
    ),
    ("windowsMicrosoftEdgeApp", "Microsoft Edge for Windows 10 and later", "Microsoft", "stable", "windows10AndLater"),
    (
        "microsoftStoreForBusinessApp",
        "Microsoft Whiteboard",
        "Microsoft Corporation",
        "Microsoft.Whiteboard",
        "windows10AndLater",
    ),
    ("webApp", "{tenant} Intranet", "{tenant} IT", "https://intranet.{domain}", None),
    ("webApp", "HR Self-Service", "{tenant} HR", "https://hr.{domain}", None),
    ("iosStoreApp", "Microsoft Authenticator", "Microsoft Corporation", "com.microsoft.azureauthenticator", "iOS"),
    ("iosStoreApp", "Microsoft Teams", "Microsoft Corporation", "com.microsoft.skype.teams", "iOS"),
    ("iosVppApp", "Microsoft Word", "Microsoft Corporation", "com.microsoft.Office.Word", "iOS"),
    ("iosVppApp", "Cisco Secure Client (iOS)", "Cisco", "com.cisco.anyconnect", "iOS"),
    ("managedIOSStoreApp", "Microsoft Outlook", "Microsoft Corporation", "com.microsoft.Office.Outlook", "iOS"),
    ("managedIOSStoreApp", "Microsoft Edge", "Microsoft Corporation", "com.microsoft.msedge", "iOS"),
    (
        "androidManagedStoreApp",
        "Microsoft Teams (Android)",
        "Microsoft Corporation",
        "com.microsoft.teams",
        "androidForWork",
    ),
    (
        "androidManagedStoreApp",
        "Microsoft Outlook (Android)",
        "Microsoft Corporation",
        "com.microsoft.office.outlook",
        "androidForWork",
    ),
    (
        "androidManagedStoreApp",
        "Microsoft Authenticator (Android)",
        "Microsoft Corporation",
        "com.azure.authenticator",
        "androidForWork",
    ),
    (
        "managedAndroidStoreApp",
        "Microsoft Edge (Android)",
        "Microsoft Corporation",
        "com.microsoft.emmx",
        "androidForWork",
    ),
    ("macOSMicrosoftEdgeApp", "Microsoft Edge for macOS", "Microsoft", "stable", "macOS"),
    ("macOSDmgApp", "Visual Studio Code", "Microsoft Corporation", "com.microsoft.VSCode", "macOS"),
    ("macOSDmgApp", "Google Chrome for macOS", "Google LLC", "com.google.Chrome", "macOS"),
    ("macOSPkgApp", "Company Portal for macOS", "Microsoft Corporation", "com.microsoft.CompanyPortalMac", "macOS"),
    ("macOSPkgApp", "Microsoft Defender for Endpoint (macOS)", "Microsoft Corporation", "com.microsoft.wdav", "macOS"),
)


def _app_fields(ctx: Ctx, rng: Random, odata: str, ident: str) -> Obj:
    """Type-specific fields of one app."""
    if odata == "win32LobApp":
        return {
            "fileName": ident,
            "setupFilePath": ident.replace(".intunewin", ".exe"),
            "installCommandLine": f'"{ident.replace(".intunewin", ".exe")}" /S',
            "uninstallCommandLine": "uninstall.exe /S",
            "applicableArchitectures": "x64",
            "minimumSupportedWindowsRelease": "1607",
            "displayVersion": f"{rng.randint(1, 30)}.{rng.randint(0, 9)}",
            "installExperience": {
                "runAsAccount": "system",
                "deviceRestartBehavior": "suppress",
                "maxRunTimeInMinutes": 60,
            },
            "rules": [
                {
                    "@odata.type": GRAPH + "win32LobAppFileSystemRule",
                    "ruleType": "detection",
                    "path": r"C:\Program Files",
                    "fileOrFolderName": ident.split(".")[0],
                    "check32BitOn64System": False,
                    "operationType": "exists",
                    "operator": "notConfigured",
                    "comparisonValue": None,
                }
            ],
        }
    if odata == "winGetApp":
        return {
            "packageIdentifier": ident,
            "manifestHash": guid(rng).replace("-", ""),
            "installExperience": {"runAsAccount": "user"},
        }
    if odata == "officeSuiteApp":
        return {
            "productIds": [ident],
            "updateChannel": "monthlyEnterprise",
            "officePlatformArchitecture": "x64",
            "localesToInstall": ["en-us"],
            "autoAcceptEula": True,
            "useSharedComputerActivation": False,
            "excludedApps": {
                "groove": True,
                "lync": True,
                "infoPath": True,
                "sharePointDesigner": True,
                "teams": False,
                "access": rng.random() < 0.5,
            },
        }
    if odata in ("windowsMicrosoftEdgeApp", "macOSMicrosoftEdgeApp"):
        return {"channel": ident}
    if odata == "microsoftStoreForBusinessApp":
        return {"packageIdentityName": ident, "productKey": "9MSPC6MP8FM4/0016", "licenseType": "online"}
    if odata == "webApp":
        return {"appUrl": ctx.text(ident), "useManagedBrowser": True}
    if odata.startswith("ios") or odata == "managedIOSStoreApp":
        fields: Obj = {
            "bundleId": ident,
            "applicableDeviceType": {"iPad": True, "iPhoneAndIPod": True},
            "minimumSupportedOperatingSystem": {"v16_0": True},
        }
        if odata == "iosVppApp":
            total = rng.randint(20, 500)
            fields.update(
                {
                    "totalLicenseCount": total,
                    "usedLicenseCount": rng.randint(0, total),
                    "licensingType": {"supportsUserLicensing": True, "supportsDeviceLicensing": True},
                    "vppTokenAppleId": f"vpp@{ctx.domain}",
                }
            )
        else:
            fields["appStoreUrl"] = f"https://apps.apple.com/app/id{rng.randint(10**8, 10**9)}"
        return {**fields, **_MANAGED_APP} if odata == "managedIOSStoreApp" else fields
    if odata in ("androidManagedStoreApp", "managedAndroidStoreApp"):
        fields = {
            "packageId": ident,
            "appIdentifier": ident,
            "appStoreUrl": f"https://play.google.com/store/apps/details?id={ident}",
            "isSystemApp": False,
        }
        return {**fields, **_MANAGED_APP} if odata == "managedAndroidStoreApp" else fields
    return {
        "primaryBundleId": ident,
        "primaryBundleVersion": f"{rng.randint(1, 130)}.0",
        "fileName": ident.split(".")[-1] + (".pkg" if odata == "macOSPkgApp" else ".dmg"),
        "ignoreVersionDetection": False,
        "minimumSupportedOperatingSystem": {"v13_0": True},
    }


# Properties of microsoft.graph.managedApp (the base of managedIOSStoreApp, managedAndroidStoreApp):
# store apps are available globally; line-of-business ones would say "lineOfBusiness".
_MANAGED_APP: Obj = {"appAvailability": "global", "version": None}

_INTENTS = ("required", "required", "available", "available", "uninstall")


def _app_settings(odata: str) -> Obj | None:
    if odata == "win32LobApp":
        return {
            "@odata.type": GRAPH + "win32LobAppAssignmentSettings",
            "notifications": "showAll",
            "deliveryOptimizationPriority": "notConfigured",
            "installTimeSettings": None,
            "restartSettings": None,
        }
    if odata in ("iosStoreApp", "iosVppApp", "managedIOSStoreApp"):
        return {
            "@odata.type": GRAPH + "iosStoreAppAssignmentSettings",
            "vpnConfigurationId": None,
            "uninstallOnDeviceRemoval": True,
            "isRemovable": True,
            "preventManagedAppBackup": False,
        }
    return None


def mobile_app(ctx: Ctx, targeter: Targeter, rng: Random, index: int, variant: str) -> Obj:
    """The ``index``-th app (cycling through the table), with intent-bearing assignments."""
    odata, name, publisher, ident, platform = APPS[index % len(APPS)]
    display = ctx.text(name) + (f" ({variant})" if variant else "")
    obj = base_object(ctx, rng, odata, display, f"{ctx.text(name)} deployed by {ctx.name} IT.", key="mobileApps")
    obj.update(
        {
            "publisher": ctx.text(publisher),
            "developer": ctx.text(publisher),
            "owner": "",
            "notes": "",
            "isFeatured": rng.random() < 0.1,
            "privacyInformationUrl": None,
            "informationUrl": None,
            "publishingState": "published",
            "isAssigned": False,
            "dependentAppCount": 0,
            "supersedingAppCount": 0,
            "supersededAppCount": 0,
            "largeIcon": None,
        }
    )
    obj.update(_app_fields(ctx, rng, odata, ident))
    obj["assignments"] = []
    if rng.random() >= 0.06:
        settings = _app_settings(odata)
        for target in targeter.targets(rng, platform, filters=platform is not None):
            intent = "required" if "exclusion" in target["@odata.type"] else rng.choice(_INTENTS)
            obj["assignments"].append(assignment(obj["id"], target, {"intent": intent, "settings": settings}))
    obj["isAssigned"] = bool(obj["assignments"])
    return obj


# App protection: (catalog key, odata type, identifier type, apps (id, bundle/package id))
_PROTECTED = {
    "appProtectionIos": (
        "iosManagedAppProtection",
        "iosMobileAppIdentifier",
        "bundleId",
        (
            "com.microsoft.Office.Outlook",
            "com.microsoft.skype.teams",
            "com.microsoft.Office.Word",
            "com.microsoft.Office.Excel",
            "com.microsoft.msedge",
            "com.microsoft.sharepoint",
        ),
    ),
    "appProtectionAndroid": (
        "androidManagedAppProtection",
        "androidMobileAppIdentifier",
        "packageId",
        (
            "com.microsoft.office.outlook",
            "com.microsoft.teams",
            "com.microsoft.office.word",
            "com.microsoft.emmx",
            "com.microsoft.skydrive",
        ),
    ),
    "appProtectionWindows": (
        "windowsManagedAppProtection",
        "windowsAppIdentifier",
        "windowsAppId",
        ("com.microsoft.edge",),
    ),
}
_SUFFIX = {"appProtectionIos": ".ios", "appProtectionAndroid": ".android", "appProtectionWindows": ""}


def protected_apps(key: str, rng: Random) -> list[Obj]:
    """The ``apps`` child of an app protection or managed app configuration policy."""
    _odata, ident_type, field, ids = _PROTECTED[key]
    picked = ids if len(ids) == 1 else rng.sample(ids, rng.randint(2, len(ids)))
    return [
        {
            "id": f"{app}{_SUFFIX[key]}",
            "mobileAppIdentifier": {"@odata.type": GRAPH + ident_type, field: app},
            "version": "1",
        }
        for app in picked
    ]


def app_protection(ctx: Ctx, rng: Random, key: str, variant: str) -> Obj:
    """An app protection policy of ``key`` with its ``apps``."""
    odata = _PROTECTED[key][0]
    prefix = {"appProtectionIos": "iOS", "appProtectionAndroid": "AND", "appProtectionWindows": "WIN"}[key]
    obj = base_object(ctx, rng, odata, f"{prefix} - App Protection - {variant}", "Protects work data in apps.", key=key)
    pin = rng.random() < 0.8
    obj.update(
        {
            "version": f'"{rng.randint(1, 20)}"',
            "isAssigned": True,
            "periodOfflineBeforeAccessCheck": "PT12H",
            "periodOnlineBeforeAccessCheck": "PT30M",
            "allowedInboundDataTransferSources": "managedApps",
            "allowedOutboundDataTransferDestinations": "managedApps",
            "allowedOutboundClipboardSharingLevel": "managedAppsWithPasteIn",
            "organizationalCredentialsRequired": False,
            "dataBackupBlocked": True,
            "deviceComplianceRequired": rng.random() < 0.5,
            "saveAsBlocked": True,
            "periodOfflineBeforeWipeIsEnforced": "P90D",
            "pinRequired": pin,
            "maximumPinRetries": 5,
            "simplePinBlocked": True,
            "minimumPinLength": 6 if pin else 4,
            "pinCharacterSet": "numeric",
            "targetedAppManagementLevels": "unspecified",
            "deployedAppCount": 0,
        }
    )
    if key == "appProtectionIos":
        obj.update(
            {"appDataEncryptionType": "whenDeviceLocked", "faceIdBlocked": False, "minimumRequiredOsVersion": "16.0"}
        )
    elif key == "appProtectionAndroid":
        obj.update({"screenCaptureBlocked": True, "encryptAppData": True, "minimumRequiredOsVersion": "11.0"})
    else:
        obj.update({"printBlocked": True, "maximumAllowedDeviceThreatLevel": "notConfigured"})
    obj["apps"] = protected_apps(key, rng)
    obj["deployedAppCount"] = len(obj["apps"])
    return obj


_OUTLOOK_KEYS = (
    ("IntuneMAMAllowedAccountsOnly", "Enabled"),
    ("IntuneMAMUPN", "{{userprincipalname}}"),
    ("com.microsoft.outlook.Mail.FocusedInbox", "true"),
)


def app_config_device(ctx: Ctx, rng: Random, ios_app_ids: list[str], android_app_ids: list[str], variant: str) -> Obj:
    """A managed-device app configuration (iOS key/values or Android managed-store JSON)."""
    if rng.random() < 0.5 and ios_app_ids:
        obj = base_object(
            ctx,
            rng,
            "iosMobileAppConfiguration",
            f"iOS - App Config - Outlook - {variant}",
            "Outlook account setup.",
            key="appConfigManagedDevices",
        )
        obj.update(
            {
                "targetedMobileApps": [rng.choice(ios_app_ids)],
                "encodedSettingXml": None,
                "settings": [
                    {"appConfigKey": k, "appConfigKeyType": "stringType", "appConfigKeyValue": v}
                    for k, v in _OUTLOOK_KEYS
                ],
            }
        )
    else:
        obj = base_object(
            ctx,
            rng,
            "androidManagedStoreAppConfiguration",
            f"AND - App Config - Outlook - {variant}",
            "Outlook account setup.",
            key="appConfigManagedDevices",
        )
        payload = {
            "kind": "androidenterprise#managedConfiguration",
            "productId": "app:com.microsoft.office.outlook",
            "managedProperty": [{"key": k, "valueString": v} for k, v in _OUTLOOK_KEYS],
        }
        obj.update(
            {
                "targetedMobileApps": [rng.choice(android_app_ids)] if android_app_ids else [],
                "packageId": "app:com.microsoft.office.outlook",
                "profileApplicability": "default",
                "payloadJson": base64.b64encode(json.dumps(payload).encode()).decode(),
                "permissionActions": [],
                "appSupportsOemConfig": False,
            }
        )
    obj["version"] = rng.randint(1, 5)
    return obj


def app_config_managed(ctx: Ctx, rng: Random, variant: str) -> Obj:
    """A managed-app (MAM) configuration for Edge and Outlook with an ``apps`` child."""
    obj = base_object(
        ctx,
        rng,
        "targetedManagedAppConfiguration",
        f"MAM - Edge and Outlook Config - {variant}",
        "App settings delivered through the Intune SDK.",
        key="appConfigManagedApps",
    )
    obj.update(
        {
            "version": f'"{rng.randint(1, 9)}"',
            "appGroupType": "selectedPublicApps",
            "targetedAppManagementLevels": "unspecified",
            "isAssigned": True,
            "customSettings": [
                {"name": "com.microsoft.intune.mam.managedbrowser.homepage", "value": f"https://intranet.{ctx.domain}"},
                {
                    "name": "com.microsoft.intune.mam.managedbrowser.bookmarks",
                    "value": f"Intranet|https://intranet.{ctx.domain}||HR|https://hr.{ctx.domain}",
                },
                {"name": "com.microsoft.outlook.ContactSync.AddressAllowed", "value": "true"},
            ],
        }
    )
    obj["apps"] = protected_apps("appProtectionIos", rng) + protected_apps("appProtectionAndroid", rng)
    obj["deployedAppCount"] = len(obj["apps"])
    return obj


# Intune's built-in app categories (the same ids in every tenant) and a tenant's own.
BUILT_IN_CATEGORIES = (
    "Other apps",
    "Books & Reference",
    "Data management",
    "Productivity",
    "Business",
    "Development & Design",
    "Photos & Media",
    "Collaboration & Social",
    "Computer management",
)
_OWN_CATEGORIES = ("{tenant} Line of business", "Finance tools", "Engineering tools")


def app_categories(ctx: Ctx, own: int) -> list[Obj]:
    """App categories (intune-apps-mobileappcategory-list.md): the built-in ones and ``own`` more."""
    rng = ctx.rng("appCategories")
    built_in = [
        {
            "@odata.type": GRAPH + "mobileAppCategory",
            "id": stable_guid("mobileAppCategory", name),
            "displayName": name,
            "lastModifiedDateTime": "2019-04-08T17:41:25Z",
        }
        for name in BUILT_IN_CATEGORIES
    ]
    custom = [
        {
            "@odata.type": GRAPH + "mobileAppCategory",
            "id": guid(rng),
            "displayName": ctx.text(_OWN_CATEGORIES[i % len(_OWN_CATEGORIES)])
            + (f" {i // len(_OWN_CATEGORIES) + 1}" if i >= len(_OWN_CATEGORIES) else ""),
            "lastModifiedDateTime": created_modified(rng)[1],
        }
        for i in range(own)
    ]
    return built_in + custom
