"""Enrollment: restriction/limit/ESP/Windows Hello configurations and Autopilot profiles."""

from __future__ import annotations

import copy
from random import Random
from typing import Any

from .context import Ctx, base_object
from .ids import days_before, guid, recent

Obj = dict[str, Any]


def _restriction(blocked: bool = False, personal: bool = False, minimum: str | None = None) -> Obj:
    return {
        "platformBlocked": blocked,
        "personalDeviceEnrollmentBlocked": personal,
        "osMinimumVersion": minimum,
        "osMaximumVersion": None,
        "blockedManufacturers": [],
        "blockedSkus": [],
    }


# (odata type, name, configuration type, fields, is default)
ENROLLMENT: tuple[tuple[str, str, str, Obj, bool], ...] = (
    (
        "deviceEnrollmentPlatformRestrictionsConfiguration",
        "All users and all devices",
        "defaultPlatformRestrictions",
        {
            "iosRestriction": _restriction(),
            "windowsRestriction": _restriction(),
            "windowsMobileRestriction": _restriction(True),
            "androidRestriction": _restriction(True),
            "macOSRestriction": _restriction(),
            "androidForWorkRestriction": _restriction(),
        },
        True,
    ),
    ("deviceEnrollmentLimitConfiguration", "All users and all devices", "defaultLimit", {"limit": 15}, True),
    (
        "deviceEnrollmentWindowsHelloForBusinessConfiguration",
        "All users and all devices",
        "defaultWindowsHelloForBusiness",
        {
            "state": "enabled",
            "pinMinimumLength": 6,
            "pinMaximumLength": 127,
            "pinUppercaseCharactersUsage": "allowed",
            "pinLowercaseCharactersUsage": "allowed",
            "pinSpecialCharactersUsage": "allowed",
            "securityDeviceRequired": False,
            "unlockWithBiometricsEnabled": True,
            "remotePassportEnabled": True,
            "pinPreviousBlockCount": 0,
            "pinExpirationInDays": 0,
            "enhancedBiometricsState": "notConfigured",
            "securityKeyForSignIn": "notConfigured",
        },
        True,
    ),
    (
        "windows10EnrollmentCompletionPageConfiguration",
        "All users and all devices",
        "defaultWindows10EnrollmentCompletionPageConfiguration",
        {
            "showInstallationProgress": False,
            "blockDeviceSetupRetryByUser": False,
            "allowDeviceResetOnInstallFailure": False,
            "allowLogCollectionOnInstallFailure": False,
            "customErrorMessage": "",
            "installProgressTimeoutInMinutes": 60,
            "allowDeviceUseOnInstallFailure": False,
            "selectedMobileAppIds": [],
            "trackInstallProgressForAutopilotOnly": False,
            "disableUserStatusTrackingAfterFirstUser": False,
            "allowNonBlockingAppInstallation": False,
        },
        True,
    ),
    (
        "windows10EnrollmentCompletionPageConfiguration",
        "WIN - ESP - Autopilot",
        "windows10EnrollmentCompletionPageConfiguration",
        {
            "showInstallationProgress": True,
            "blockDeviceSetupRetryByUser": False,
            "allowDeviceResetOnInstallFailure": True,
            "allowLogCollectionOnInstallFailure": True,
            "customErrorMessage": "Setup failed. Call the service desk.",
            "installProgressTimeoutInMinutes": 90,
            "allowDeviceUseOnInstallFailure": False,
            "selectedMobileAppIds": [],
            "trackInstallProgressForAutopilotOnly": True,
            "disableUserStatusTrackingAfterFirstUser": True,
            "allowNonBlockingAppInstallation": False,
        },
        False,
    ),
    (
        "deviceEnrollmentPlatformRestrictionConfiguration",
        "Block personal Android",
        "singlePlatformRestriction",
        {"platformType": "android", "platformRestriction": _restriction(personal=True, minimum="12.0")},
        False,
    ),
    (
        "deviceEnrollmentPlatformRestrictionConfiguration",
        "Block personal Windows",
        "singlePlatformRestriction",
        {"platformType": "windows", "platformRestriction": _restriction(personal=True, minimum="10.0.19045")},
        False,
    ),
    ("deviceEnrollmentLimitConfiguration", "Enrollment limit - Frontline", "limit", {"limit": 5}, False),
    (
        "deviceEnrollmentWindowsHelloForBusinessConfiguration",
        "WHfB - Require TPM",
        "windowsHelloForBusiness",
        {
            "state": "enabled",
            "pinMinimumLength": 8,
            "pinMaximumLength": 127,
            "pinUppercaseCharactersUsage": "allowed",
            "pinLowercaseCharactersUsage": "allowed",
            "pinSpecialCharactersUsage": "allowed",
            "securityDeviceRequired": True,
            "unlockWithBiometricsEnabled": True,
            "remotePassportEnabled": True,
            "pinPreviousBlockCount": 5,
            "pinExpirationInDays": 0,
            "enhancedBiometricsState": "enabled",
            "securityKeyForSignIn": "enabled",
        },
        False,
    ),
    (
        "windowsRestoreDeviceEnrollmentConfiguration",
        "Windows Backup and Restore",
        "windowsRestore",
        {"state": "enabled"},
        False,
    ),
    (
        "deviceComanagementAuthorityConfiguration",
        "Co-management settings",
        "deviceComanagementAuthorityConfiguration",
        {
            "managedDeviceAuthority": 1,
            "installConfigurationManagerAgent": True,
            "configurationManagerAgentCommandLineArgument": "SMSSITECODE=CM1",
        },
        False,
    ),
)


def enrollment_configuration(ctx: Ctx, rng: Random, index: int, priority: int, variant: str = "") -> tuple[Obj, bool]:
    """The ``index``-th enrollment configuration; defaults get priority 0 and a ``{guid}_Default…`` id."""
    odata, name, config_type, fields, default = ENROLLMENT[index % len(ENROLLMENT)]
    display = name if default or not variant else f"{name} - {variant}"
    obj = base_object(
        ctx,
        rng,
        odata,
        display,
        "Default enrollment configuration." if default else "",
        key=None if default else "enrollmentConfigurations",
    )
    if default:
        suffix = config_type[0].upper() + config_type[1:]
        obj["id"] = f"{obj['id']}_{suffix}"
    obj.update(
        {
            "priority": 0 if default else priority,
            "version": rng.randint(1, 4),
            "deviceEnrollmentConfigurationType": config_type,
        }
    )
    obj.update(copy.deepcopy(fields))
    return obj, default


_AUTOPILOT = (
    ("azureADWindowsAutopilotDeploymentProfile", "User Driven", "singleUser", "standard"),
    ("azureADWindowsAutopilotDeploymentProfile", "Self Deploying Kiosk", "shared", "standard"),
    ("activeDirectoryWindowsAutopilotDeploymentProfile", "Hybrid Join", "singleUser", "administrator"),
    ("azureADWindowsAutopilotDeploymentProfile", "Pre-provisioned", "singleUser", "standard"),
)


def autopilot_profile(ctx: Ctx, rng: Random, index: int, variant: str = "") -> Obj:
    """A Windows Autopilot deployment profile."""
    odata, label, usage, user_type = _AUTOPILOT[index % len(_AUTOPILOT)]
    name = f"Autopilot - {label}" + (f" - {variant}" if variant else "")
    obj = base_object(ctx, rng, odata, name, f"Autopilot {label.lower()} deployment.", key="autopilotProfiles")
    obj.update(
        {
            "language": "os-default",
            "locale": "os-default",
            "deviceNameTemplate": f"{ctx.short.upper()[:4]}-%SERIAL%",
            "deviceType": "windowsPc",
            "enableWhiteGlove": label == "Pre-provisioned",
            "extractHardwareHash": True,
            "preprovisioningAllowed": label == "Pre-provisioned",
            "hardwareHashExtractionEnabled": True,
            "managementServiceAppId": None,
            "outOfBoxExperienceSettings": {
                "hidePrivacySettings": True,
                "hideEULA": True,
                "userType": user_type,
                "deviceUsageType": usage,
                "skipKeyboardSelectionPage": True,
                "hideEscapeLink": True,
            },
            "enrollmentStatusScreenSettings": None,
        }
    )
    if odata.startswith("activeDirectory"):
        obj["hybridAzureADJoinSkipConnectivityCheck"] = True
    return obj


def autopilot_devices(ctx: Ctx, managed: list[Obj], extra: int) -> list[Obj]:
    """Windows Autopilot device identities: every Windows device enrolled through Autopilot, plus
    ``extra`` imported hardware hashes not yet deployed (intune-enrollment-windowsautopilotdeviceidentity-list.md)."""
    rng = ctx.rng("autopilotDevices")
    tags = ("", "Standard", "Kiosk", "Developer")
    devices = []
    for device in managed:
        if device["operatingSystem"] != "Windows" or not device.get("enrollmentProfileName"):
            continue
        devices.append(
            _autopilot_device(
                ctx,
                rng,
                serial=device["serialNumber"],
                manufacturer=device["manufacturer"],
                model=device["model"],
                tag=rng.choice(tags),
                enrolled=(device["id"], device["azureADDeviceId"], device.get("userPrincipalName") or ""),
            )
        )
    for index in range(extra):
        devices.append(
            _autopilot_device(
                ctx,
                rng,
                serial=f"PF{guid(rng).replace('-', '')[:8].upper()}",
                manufacturer="LENOVO",
                model="ThinkPad T14 Gen 5",
                tag="Standard" if index % 2 else "",
                enrolled=None,
            )
        )
    return devices


def _autopilot_device(
    ctx: Ctx,
    rng: Random,
    *,
    serial: str,
    manufacturer: str,
    model: str,
    tag: str,
    enrolled: tuple[str, str, str] | None,
) -> Obj:
    assigned = enrolled is not None or rng.random() < 0.5
    return {
        "@odata.type": "#microsoft.graph.windowsAutopilotDeviceIdentity",
        "id": guid(rng),
        "deploymentProfileAssignmentStatus": "assignedInSync" if assigned else "notAssigned",
        "deploymentProfileAssignmentDetailedStatus": "none",
        "deploymentProfileAssignedDateTime": days_before(rng.randrange(30, 600))
        if assigned
        else "0001-01-01T00:00:00Z",
        "orderIdentifier": tag,
        "groupTag": tag,
        "purchaseOrderIdentifier": f"PO-{rng.randrange(100000, 999999)}",
        "serialNumber": serial,
        "productKey": "",
        "manufacturer": manufacturer,
        "model": model,
        "enrollmentState": "enrolled" if enrolled else "notContacted",
        "lastContactedDateTime": recent(rng, 5) if enrolled else "0001-01-01T00:00:00Z",
        "addressableUserName": "",
        "userPrincipalName": enrolled[2] if enrolled else "",
        "resourceName": "",
        "skuNumber": "",
        "systemFamily": "",
        "azureActiveDirectoryDeviceId": enrolled[1] if enrolled else "",
        "managedDeviceId": enrolled[0] if enrolled else "00000000-0000-0000-0000-000000000000",
        "displayName": "",
    }
