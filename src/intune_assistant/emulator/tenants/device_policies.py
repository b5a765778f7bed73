"""Template-style device configuration profiles, update rings, compliance and update profiles."""

from __future__ import annotations

import base64
from collections.abc import Callable
from random import Random
from typing import Any

from .context import GRAPH, Ctx, base_object
from .ids import days_after, days_before, guid

Obj = dict[str, Any]
Fields = Callable[[Ctx, Random], Obj]
# Graph's notificationTemplateId of an action that sends no e-mail: the all-zero GUID, not "".
NO_TEMPLATE = "00000000-0000-0000-0000-000000000000"
PLATFORM_OF_PREFIX = {"WIN": "windows10AndLater", "iOS": "iOS", "MAC": "macOS", "AND": "androidForWork"}


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _oma(name: str, uri: str, value: Any) -> Obj:
    kind = "omaSettingInteger" if isinstance(value, int) else "omaSettingString"
    return {
        "@odata.type": GRAPH + kind,
        "displayName": name,
        "description": None,
        "omaUri": uri,
        "value": value,
        "isReadOnly": False,
    }


def _wifi(ctx: Ctx, rng: Random) -> Obj:
    return {
        "ssid": f"{ctx.short.upper()}-Corp",
        "networkName": f"{ctx.short.upper()}-Corp",
        "connectAutomatically": True,
        "connectWhenNetworkNameIsHidden": rng.random() < 0.3,
        "wifiSecurityType": "wpa2Personal",
        "preSharedKey": f"{ctx.short.capitalize()}!{rng.randrange(10**6):06d}",
        "meteredConnectionLimit": "unrestricted",
    }


def _enterprise_wifi(ctx: Ctx, rng: Random) -> Obj:
    return {
        "ssid": f"{ctx.short.upper()}-Secure",
        "networkName": f"{ctx.short.upper()}-Secure",
        "connectAutomatically": True,
        "wiFiSecurityType": "wpa2Enterprise",
        "eapType": "eapTls",
        "trustedServerCertificateNames": [f"radius.{ctx.domain}"],
        "authenticationMethod": "certificate",
    }


# (odata type, name prefix, label, fields)
CONFIG_TYPES: tuple[tuple[str, str, str, Fields], ...] = (
    (
        "windows10GeneralConfiguration",
        "WIN",
        "Device Restrictions",
        lambda c, r: {
            "passwordRequired": True,
            "passwordMinimumLength": r.choice((6, 8, 12)),
            "cameraBlocked": r.random() < 0.2,
            "storageBlockRemovableStorage": r.random() < 0.4,
            "bluetoothBlocked": False,
            "cortanaBlocked": True,
            "defenderRequireRealTimeMonitoring": True,
            "settingsBlockGamingPage": True,
        },
    ),
    (
        "windows10EndpointProtectionConfiguration",
        "WIN",
        "Endpoint Protection",
        lambda c, r: {
            "firewallBlockStatefulFTP": True,
            "firewallProfileDomain": {"firewallEnabled": "allowed"},
            "bitLockerEncryptDevice": True,
            "smartScreenEnableInShell": True,
            "defenderAttackSurfaceReductionExcludedPaths": [],
            "applicationGuardEnabled": r.random() < 0.3,
        },
    ),
    (
        "windows10CustomConfiguration",
        "WIN",
        "Custom OMA-URI",
        lambda c, r: {
            "omaSettings": [
                _oma("Disable Copilot", "./User/Vendor/MSFT/Policy/Config/WindowsAI/TurnOffWindowsCopilot", 1),
                _oma(
                    "Lock screen image",
                    "./Vendor/MSFT/Personalization/LockScreenImageUrl",
                    f"https://cdn.{c.domain}/brand/lockscreen.jpg",
                ),
                _oma(
                    "Max storage in WDAC audit",
                    "./Vendor/MSFT/Policy/Config/Storage/AllowDiskHealthModelUpdates",
                    r.randrange(0, 2),
                ),
            ][: r.randint(1, 3)]
        },
    ),
    (
        "windowsHealthMonitoringConfiguration",
        "WIN",
        "Windows Health Monitoring",
        lambda c, r: {
            "allowDeviceHealthMonitoring": "enabled",
            "configDeviceHealthMonitoringScope": "bootPerformance,windowsUpdates",
        },
    ),
    (
        "windowsKioskConfiguration",
        "WIN",
        "Kiosk",
        lambda c, r: {
            "kioskProfiles": [
                {
                    "profileId": guid(r),
                    "profileName": "Lobby kiosk",
                    "appConfiguration": {"@odata.type": GRAPH + "windowsKioskSingleUWPApp"},
                }
            ],
            "kioskBrowserDefaultUrl": f"https://visit.{c.domain}",
            "kioskBrowserEnableHomeButton": True,
        },
    ),
    (
        "windowsDeliveryOptimizationConfiguration",
        "WIN",
        "Delivery Optimization",
        lambda c, r: {
            "deliveryOptimizationMode": "httpWithPeeringNat",
            "restrictPeerSelectionBy": "subnetMask",
            "minimumRamAllowedToPeerInGigabytes": 4,
            "cacheServerHostNames": [],
        },
    ),
    ("windowsWifiConfiguration", "WIN", "Wi-Fi", _wifi),
    (
        "windowsIdentityProtectionConfiguration",
        "WIN",
        "Identity Protection",
        lambda c, r: {
            "useSecurityKeyForSignin": True,
            "enhancedAntiSpoofingForFacialFeaturesEnabled": True,
            "pinMinimumLength": 6,
            "pinMaximumLength": 127,
            "windowsHelloForBusinessBlocked": False,
        },
    ),
    (
        "editionUpgradeConfiguration",
        "WIN",
        "Edition Upgrade",
        lambda c, r: {
            "licenseType": "productKey",
            "targetEdition": "windows10Enterprise",
            "productKey": "#####-#####-#####-#####-#####",
            "windowsSMode": "noRestriction",
        },
    ),
    (
        "sharedPCConfiguration",
        "WIN",
        "Shared multi-user device",
        lambda c, r: {
            "accountManagerPolicy": {
                "accountDeletionPolicy": "diskSpaceThreshold",
                "cacheAccountsAboveDiskFreePercentage": 50,
            },
            "allowedAccounts": "domain",
            "enabled": True,
            "idleTimeBeforeSleepInSeconds": 3600,
        },
    ),
    (
        "iosGeneralDeviceConfiguration",
        "iOS",
        "Device Restrictions",
        lambda c, r: {
            "passcodeRequired": True,
            "passcodeMinimumLength": 6,
            "cameraBlocked": False,
            "iCloudBlockBackup": r.random() < 0.5,
            "appStoreBlocked": False,
            "airDropBlocked": r.random() < 0.4,
        },
    ),
    (
        "iosCustomConfiguration",
        "iOS",
        "Custom Profile",
        lambda c, r: {
            "payloadName": "Corporate web clip",
            "payloadFileName": "webclip.mobileconfig",
            "payload": _b64('<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict/></plist>'),
        },
    ),
    (
        "iosDeviceFeaturesConfiguration",
        "iOS",
        "Device Features",
        lambda c, r: {
            "lockScreenFootnote": f"If found, contact it@{c.domain}",
            "assetTagTemplate": "{{serialnumber}}",
            "homeScreenDockIcons": [],
        },
    ),
    ("iosEnterpriseWiFiConfiguration", "iOS", "Wi-Fi", _enterprise_wifi),
    (
        "macOSGeneralDeviceConfiguration",
        "MAC",
        "Device Restrictions",
        lambda c, r: {
            "passwordRequired": True,
            "passwordMinimumLength": 10,
            "airDropBlocked": False,
            "iCloudBlockDocumentSync": True,
        },
    ),
    (
        "macOSCustomConfiguration",
        "MAC",
        "Custom Profile",
        lambda c, r: {
            "payloadName": "Privacy preferences",
            "payloadFileName": "pppc.mobileconfig",
            "payload": _b64('<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict/></plist>'),
            "deploymentChannel": "deviceChannel",
        },
    ),
    ("macOSEnterpriseWiFiConfiguration", "MAC", "Wi-Fi", _enterprise_wifi),
    (
        "macOSDeviceFeaturesConfiguration",
        "MAC",
        "Device Features",
        lambda c, r: {
            "airPrintDestinations": [],
            "loginWindowText": f"Property of {c.name}",
            "adminShowHostInfo": True,
        },
    ),
    (
        "androidWorkProfileGeneralDeviceConfiguration",
        "AND",
        "Work Profile Restrictions",
        lambda c, r: {
            "workProfileBlockScreenCapture": True,
            "workProfileDataSharingType": "preventAny",
            "passwordRequired": True,
            "workProfilePasswordMinimumLength": 6,
        },
    ),
    (
        "androidDeviceOwnerGeneralDeviceConfiguration",
        "AND",
        "Fully Managed Restrictions",
        lambda c, r: {
            "screenCaptureBlocked": True,
            "passwordRequiredType": "numericComplex",
            "passwordMinimumLength": 6,
            "factoryResetBlocked": True,
            "kioskModeApps": [],
        },
    ),
    (
        "unsupportedDeviceConfiguration",
        "WIN",
        "Legacy Profile",
        lambda c, r: {
            "originalEntityTypeName": "windowsPhone81GeneralConfiguration",
            "details": [
                {
                    "propertyName": "passwordBlockSimple",
                    "message": "This profile type is no longer supported.",
                    "description": "Retired platform.",
                    "sourceLocation": None,
                }
            ],
        },
    ),
)


def device_configuration(ctx: Ctx, rng: Random, index: int, variant: str) -> tuple[Obj, str]:
    """The ``index``-th template profile (cycling through the types) and its filter platform."""
    odata, prefix, label, fields = CONFIG_TYPES[index % len(CONFIG_TYPES)]
    obj = base_object(
        ctx, rng, odata, f"{prefix} - {label} - {variant}", f"{label} profile ({variant}).", key="deviceConfigurations"
    )
    obj["version"] = rng.randint(1, 12)
    obj.update(fields(ctx, rng))
    return obj, PLATFORM_OF_PREFIX[prefix]


_RINGS = (
    ("Ring 0 (IT)", 0, 0, 2),
    ("Ring 1 (Pilot)", 3, 30, 3),
    ("Ring 2 (Broad)", 7, 60, 5),
    ("Ring 3 (Critical systems)", 14, 120, 7),
)


def update_ring(ctx: Ctx, rng: Random, index: int, suffix: str = "") -> Obj:
    """A Windows Update for Business ring (stored under ``updateRings``)."""
    label, quality, feature, deadline = _RINGS[index % len(_RINGS)]
    name = f"WIN - Update Ring - {label}{suffix}"
    obj = base_object(
        ctx, rng, "windowsUpdateForBusinessConfiguration", name, f"Update ring {label}.", key="updateRings"
    )
    obj.update(
        {
            "version": rng.randint(1, 8),
            "deliveryOptimizationMode": "userDefined",
            "prereleaseFeatures": "userDefined",
            "automaticUpdateMode": "autoInstallAtMaintenanceTime",
            "microsoftUpdateServiceAllowed": True,
            "driversExcluded": index == 3,
            "qualityUpdatesDeferralPeriodInDays": quality,
            "featureUpdatesDeferralPeriodInDays": feature,
            "qualityUpdatesPaused": False,
            "featureUpdatesPaused": False,
            "businessReadyUpdatesOnly": "userDefined",
            "skipChecksBeforeRestart": False,
            "deadlineForFeatureUpdatesInDays": deadline,
            "deadlineForQualityUpdatesInDays": deadline,
            "deadlineGracePeriodInDays": 2,
            "postponeRebootUntilAfterDeadline": False,
            "userPauseAccess": "disabled",
            "userWindowsUpdateScanAccess": "enabled",
            "updateNotificationLevel": "defaultNotifications",
            "allowWindows11Upgrade": True,
            "installationSchedule": {
                "@odata.type": GRAPH + "windowsUpdateActiveHoursInstall",
                "activeHoursStart": "08:00:00.0000000",
                "activeHoursEnd": "17:00:00.0000000",
            },
        }
    )
    return obj


# (odata type, prefix, platform label, typed settings)
COMPLIANCE_TYPES: tuple[tuple[str, str, Obj], ...] = (
    (
        "windows10CompliancePolicy",
        "WIN",
        {
            "passwordRequired": True,
            "passwordMinimumLength": 8,
            "osMinimumVersion": "10.0.19045",
            "bitLockerEnabled": True,
            "secureBootEnabled": True,
            "codeIntegrityEnabled": True,
            "defenderEnabled": True,
            "rtpEnabled": True,
            "tpmRequired": True,
            "deviceThreatProtectionEnabled": True,
            "deviceThreatProtectionRequiredSecurityLevel": "medium",
        },
    ),
    (
        "iosCompliancePolicy",
        "iOS",
        {
            "passcodeRequired": True,
            "passcodeMinimumLength": 6,
            "osMinimumVersion": "17.0",
            "securityBlockJailbrokenDevices": True,
            "managedEmailProfileRequired": False,
        },
    ),
    (
        "macOSCompliancePolicy",
        "MAC",
        {
            "passwordRequired": True,
            "passwordMinimumLength": 10,
            "osMinimumVersion": "14.0",
            "storageRequireEncryption": True,
            "firewallEnabled": True,
            "systemIntegrityProtectionEnabled": True,
        },
    ),
    (
        "androidWorkProfileCompliancePolicy",
        "AND",
        {
            "passwordRequired": True,
            "passwordMinimumLength": 6,
            "osMinimumVersion": "12.0",
            "securityBlockJailbrokenDevices": True,
            "securityRequireSafetyNetAttestationBasicIntegrity": True,
        },
    ),
    (
        "androidDeviceOwnerCompliancePolicy",
        "AND",
        {
            "passwordRequired": True,
            "passwordRequiredType": "numericComplex",
            "passwordMinimumLength": 6,
            "osMinimumVersion": "13",
            "storageRequireEncryption": True,
        },
    ),
    (
        "aospDeviceOwnerCompliancePolicy",
        "AND",
        {"passwordRequired": True, "osMinimumVersion": "10", "storageRequireEncryption": True},
    ),
)


def scheduled_actions(rng: Random, template_ids: list[str]) -> list[Obj]:
    """``scheduledActionsForRule``: block at once, then e-mail, sometimes retire after months."""
    actions = [
        ("block", 0, None),
        ("notification", rng.choice((0, 24, 72)), rng.choice(template_ids) if template_ids else None),
    ]
    if rng.random() < 0.3:
        actions.append(("retire", 24 * rng.choice((90, 180)), None))
    return [
        {
            "id": guid(rng),
            "ruleName": "PasswordRequired",
            "scheduledActionConfigurations": [
                {
                    "id": guid(rng),
                    "actionType": kind,
                    "gracePeriodHours": hours,
                    "notificationTemplateId": template or NO_TEMPLATE,
                    "notificationMessageCCList": [],
                }
                for kind, hours, template in actions
            ],
        }
    ]


def compliance_policy(ctx: Ctx, rng: Random, index: int, variant: str, templates: list[str]) -> tuple[Obj, str]:
    """A typed compliance policy and its filter platform."""
    odata, prefix, fields = COMPLIANCE_TYPES[index % len(COMPLIANCE_TYPES)]
    obj = base_object(
        ctx,
        rng,
        odata,
        f"{prefix} - Compliance - {variant}",
        f"Compliance rules ({variant}).",
        key="compliancePolicies",
    )
    obj["version"] = rng.randint(1, 6)
    obj.update(fields)
    obj["scheduledActionsForRule"] = scheduled_actions(rng, templates)
    return obj, PLATFORM_OF_PREFIX[prefix]


_FEATURE = ("Windows 11, version 24H2", "Windows 11, version 23H2", "Windows 10, version 22H2")


def update_profile(ctx: Ctx, rng: Random, key: str, index: int, variant: str) -> Obj:
    """A feature, quality (expedite) or driver update profile."""
    if key == "featureUpdateProfiles":
        version = _FEATURE[index % len(_FEATURE)]
        obj = base_object(
            ctx,
            rng,
            "windowsFeatureUpdateProfile",
            f"WIN - Feature Update - {version[-4:]} - {variant}",
            f"Keeps devices on {version}.",
            key=key,
        )
        obj.update(
            {
                "featureUpdateVersion": version,
                "installFeatureUpdatesOptional": False,
                "installLatestWindows10OnWindows11IneligibleDevice": True,
                "endOfSupportDate": days_after(500),
                "rolloutSettings": {
                    "offerStartDateTimeInUTC": None,
                    "offerEndDateTimeInUTC": None,
                    "offerIntervalInDays": None,
                },
            }
        )
    elif key == "qualityUpdateProfiles":
        obj = base_object(
            ctx,
            rng,
            "windowsQualityUpdateProfile",
            f"WIN - Expedite Quality Update - {variant}",
            "Expedites the latest security update.",
            key=key,
        )
        obj.update(
            {
                "releaseDateDisplayText": "May 13, 2025 - 2025.05 B Security Updates for Windows 10 and later",
                "deployableContentDisplayName": "2025.05 B Security Updates",
                "expeditedUpdateSettings": {
                    "qualityUpdateRelease": days_before(20),
                    "daysUntilForcedReboot": rng.choice((0, 1, 2)),
                },
            }
        )
    else:
        obj = base_object(
            ctx,
            rng,
            "windowsDriverUpdateProfile",
            f"WIN - Driver Updates - {variant}",
            "Driver and firmware approvals.",
            key=key,
        )
        approval = rng.choice(("manual", "automatic"))
        obj.update(
            {
                "approvalType": approval,
                "deploymentDeferralInDays": 0 if approval == "manual" else 7,
                "deviceReporting": rng.randint(5, 200),
                "newUpdates": rng.randint(0, 12),
                "inventorySyncStatus": {
                    "lastSuccessfulSyncDateTime": days_before(1),
                    "driverInventorySyncState": "success",
                },
            }
        )
    return obj
