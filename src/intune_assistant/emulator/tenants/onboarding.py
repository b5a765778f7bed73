"""Tenant connections that expire or sync: the Apple MDM push certificate, Apple enrollment program
(DEP) tokens with their enrollment profiles, VPP tokens, Managed Google Play, device management /
compliance / remote assistance partners and Mobile Threat Defense connectors.

Field names and values follow the example responses of Graph's beta reference for each type. Their
dates are relative to the tenant's ``as_of`` moment (the demo uses the moment it starts, so the
product's collection sees them as "now"), and the planted health problems are listed by name in
``planted``: ``expiringSoon`` (10 days left), ``expired`` and ``syncFailed``.
"""

from __future__ import annotations

from datetime import timedelta
from random import Random
from typing import Any

from .context import GRAPH, Ctx
from .ids import guid, iso

Obj = dict[str, Any]

# Days from ``as_of`` at which the planted items expire; at noon, so that collected at any time of
# the ``as_of`` day they are 10 days from expiry (and 5 days past it) to the nearest day.
EXPIRING_IN_DAYS = 10.5
EXPIRED_DAYS_AGO = 4.5


def _at(ctx: Ctx, days: float) -> str:
    """The timestamp ``days`` after the tenant's ``as_of`` (negative: before)."""
    return iso(ctx.as_of + timedelta(days=days))


def _apple_id(ctx: Ctx) -> str:
    return f"apple-mdm@{ctx.domain}"


def push_certificate(ctx: Ctx, rng: Random) -> Obj:
    """The Apple MDM push certificate; it expires in 10 days (planted ``expiringSoon``)."""
    cert: Obj = {
        "@odata.type": GRAPH + "applePushNotificationCertificate",
        "id": guid(rng),
        "appleIdentifier": _apple_id(ctx),
        "topicIdentifier": f"com.apple.mgmt.External.{guid(rng)}",
        "lastModifiedDateTime": _at(ctx, EXPIRING_IN_DAYS - 365),
        "expirationDateTime": _at(ctx, EXPIRING_IN_DAYS),
        "certificateUploadStatus": "Succeeded",
        "certificateUploadFailureReason": None,
        "certificateSerialNumber": f"{rng.getrandbits(64):016X}",
        "certificate": None,
    }
    ctx.plant("expiringSoon", cert["appleIdentifier"])
    return cert


def _enrollment_profile(ctx: Ctx, rng: Random, platform: str, name: str, default: bool) -> Obj:
    profile: Obj = {
        "@odata.type": GRAPH + ("depIOSEnrollmentProfile" if platform == "iOS" else "depMacOSEnrollmentProfile"),
        "id": guid(rng),
        "displayName": name,
        "description": f"Corporate {platform} devices bought through Apple Business Manager",
        "requiresUserAuthentication": True,
        "configurationEndpointUrl": "https://appleconfigurator2.manage.microsoft.com/MDMServiceConfig?id=",
        "enableAuthenticationViaCompanyPortal": platform == "iOS",
        "requireCompanyPortalOnSetupAssistantEnrolledDevices": platform == "iOS",
        "isDefault": default,
        "supervisedModeEnabled": True,
        "supportDepartment": f"{ctx.name} IT Service Desk",
        "supportPhoneNumber": "+1 425 555 0100",
        "isMandatory": True,
        "locationDisabled": False,
        "profileRemovalDisabled": True,
        "enabledSkipKeys": ["Siri", "Diagnostics", "ScreenTime"],
    }
    if platform == "iOS":
        profile.update({"iTunesPairingMode": "disallow", "sharedIPadMaximumUserCount": 0, "deviceNameTemplate": ""})
    else:
        profile.update({"registrationDisabled": False, "fileVaultDisabled": False, "iCloudDiagnosticsDisabled": True})
    return profile


def _dep(ctx: Ctx, rng: Random, name: str, expires_in: float) -> Obj:
    return {
        "@odata.type": GRAPH + "depOnboardingSetting",
        "id": guid(rng),
        "appleIdentifier": _apple_id(ctx),
        "tokenExpirationDateTime": _at(ctx, expires_in),
        "lastModifiedDateTime": _at(ctx, expires_in - 365),
        "lastSuccessfulSyncDateTime": _at(ctx, -0.3),
        "lastSyncTriggeredDateTime": _at(ctx, -0.3),
        "shareTokenWithSchoolDataSyncService": False,
        "lastSyncErrorCode": 0,
        "tokenType": "dep",
        "tokenName": name,
        "syncedDeviceCount": rng.randint(40, 400),
        "dataSharingConsentGranted": True,
        "roleScopeTagIds": ["0"],
    }


def dep_tokens(ctx: Ctx, rng: Random) -> list[Obj]:
    """Two Apple Business Manager tokens syncing without error, each with its enrollment profiles."""
    main = _dep(ctx, rng, f"{ctx.name} Apple Business Manager", 240)
    main["enrollmentProfiles"] = [
        _enrollment_profile(ctx, rng, "iOS", "Corporate iPhone and iPad", True),
        _enrollment_profile(ctx, rng, "macOS", "Corporate Mac", False),
    ]
    retail = _dep(ctx, rng, f"{ctx.name} Apple Business Manager - Retail", 95)
    retail["enrollmentProfiles"] = [_enrollment_profile(ctx, rng, "iOS", "Retail shared iPad", True)]
    return [main, retail]


def _vpp(ctx: Ctx, rng: Random, name: str, location: str, expires_in: float, state: str, sync: str) -> Obj:
    return {
        "@odata.type": GRAPH + "vppToken",
        "id": guid(rng),
        "organizationName": ctx.name,
        "vppTokenAccountType": "business",
        "appleId": _apple_id(ctx),
        "expirationDateTime": _at(ctx, expires_in),
        "lastSyncDateTime": _at(ctx, -0.5 if sync == "completed" else -2),
        "token": None,
        "lastModifiedDateTime": _at(ctx, expires_in - 365),
        "state": state,
        "tokenActionResults": [],
        "lastSyncStatus": sync,
        "automaticallyUpdateApps": True,
        "countryOrRegion": "us",
        "dataSharingConsentGranted": True,
        "displayName": name,
        "locationName": location,
        "claimTokenManagementFromExternalMdm": False,
        "roleScopeTagIds": ["0"],
    }


def vpp_tokens(ctx: Ctx, rng: Random) -> list[Obj]:
    """A valid token, one expired five days ago (planted ``expired``) and one whose last sync failed."""
    expired = _vpp(ctx, rng, f"{ctx.name} Apps and Books (old)", "Head office", -EXPIRED_DAYS_AGO, "expired", "failed")
    failing = _vpp(ctx, rng, f"{ctx.name} Apps and Books - Retail", "Retail stores", 200, "valid", "failed")
    tokens = [_vpp(ctx, rng, f"{ctx.name} Apps and Books", "Head office", 300, "valid", "completed"), expired, failing]
    ctx.plant("expired", expired["displayName"])
    ctx.plant("syncFailed", failing["displayName"])
    return tokens


def managed_google_play(ctx: Ctx, rng: Random) -> Obj:
    """A bound Managed Google Play account that synced its apps today."""
    return {
        "@odata.type": GRAPH + "androidManagedStoreAccountEnterpriseSettings",
        "id": "androidManagedStoreAccountEnterpriseSettings",
        "bindStatus": "boundAndValidated",
        "lastAppSyncDateTime": _at(ctx, -0.2),
        "lastAppSyncStatus": "success",
        "ownerUserPrincipalName": f"intune-admin@{ctx.domain}",
        "ownerOrganizationName": ctx.name,
        "lastModifiedDateTime": _at(ctx, -410),
        "enrollmentTarget": "all",
        "targetGroupIds": [],
        "deviceOwnerManagementEnabled": True,
        "companyCodes": [],
        "androidDeviceOwnerFullyManagedEnrollmentEnabled": True,
        "managedGooglePlayInitialScopeTagIds": ["0"],
    }


def device_management_partners(ctx: Ctx, rng: Random) -> list[Obj]:
    """Jamf Pro for macOS, connected and sending heartbeats."""
    return [
        {
            "@odata.type": GRAPH + "deviceManagementPartner",
            "id": guid(rng),
            "lastHeartbeatDateTime": _at(ctx, -0.05),
            "partnerState": "enabled",
            "partnerAppType": "multiTenantApp",
            "singleTenantAppId": None,
            "displayName": "Jamf Pro",
            "isConfigured": True,
            "whenPartnerDevicesWillBeRemovedDateTime": None,
            "whenPartnerDevicesWillBeMarkedAsNonCompliantDateTime": None,
            "groupsRequiringPartnerEnrollment": [],
        }
    ]


def compliance_partners(ctx: Ctx, rng: Random) -> list[Obj]:
    """A third-party compliance partner for iOS devices."""
    return [
        {
            "@odata.type": GRAPH + "complianceManagementPartner",
            "id": guid(rng),
            "lastHeartbeatDateTime": _at(ctx, -0.1),
            "partnerState": "enabled",
            "displayName": "VMware Workspace ONE",
            "macOsOnboarded": False,
            "androidOnboarded": False,
            "iosOnboarded": True,
            "macOsEnrollmentAssignments": [],
            "androidEnrollmentAssignments": [],
            "iosEnrollmentAssignments": [],
        }
    ]


def remote_assistance_partners(ctx: Ctx, rng: Random) -> list[Obj]:
    """TeamViewer, onboarded."""
    return [
        {
            "@odata.type": GRAPH + "remoteAssistancePartner",
            "id": guid(rng),
            "displayName": "TeamViewer",
            "onboardingUrl": "https://login.teamviewer.com/nav/intune",
            "onboardingStatus": "onboarded",
            "lastConnectionDateTime": _at(ctx, -1.5),
            "onboardingRequestExpiryDateTime": None,
        }
    ]


# A connector's id is its partner's application id: Microsoft Defender for Endpoint's here.
DEFENDER_FOR_ENDPOINT = "fc780465-2017-40d4-a0c5-307022471b92"


def threat_defense_connectors(ctx: Ctx, rng: Random) -> list[Obj]:
    """Microsoft Defender for Endpoint's connector, on for every platform, heartbeat within the hour."""
    return [
        {
            "@odata.type": GRAPH + "mobileThreatDefenseConnector",
            "id": DEFENDER_FOR_ENDPOINT,
            "lastHeartbeatDateTime": _at(ctx, -rng.randint(5, 55) / 1440),
            "partnerState": "enabled",
            "androidMobileApplicationManagementEnabled": True,
            "iosMobileApplicationManagementEnabled": True,
            "windowsMobileApplicationManagementEnabled": False,
            "androidEnabled": True,
            "iosEnabled": True,
            "windowsEnabled": True,
            "macEnabled": True,
            "androidDeviceBlockedOnMissingPartnerData": False,
            "iosDeviceBlockedOnMissingPartnerData": False,
            "windowsDeviceBlockedOnMissingPartnerData": False,
            "macDeviceBlockedOnMissingPartnerData": False,
            "partnerUnsupportedOsVersionBlocked": False,
            "partnerUnresponsivenessThresholdInDays": 7,
            "allowPartnerToCollectIOSApplicationMetadata": False,
            "allowPartnerToCollectIOSPersonalApplicationMetadata": False,
            "microsoftDefenderForEndpointAttachEnabled": True,
        }
    ]


def build_onboarding(ctx: Ctx) -> None:
    """Put every connection type into the tenant (each type from its own random section)."""
    ctx.put("applePushCertificate", [push_certificate(ctx, ctx.rng("applePushCertificate"))])
    ctx.put("depOnboardingSettings", dep_tokens(ctx, ctx.rng("depOnboardingSettings")))
    ctx.put("vppTokens", vpp_tokens(ctx, ctx.rng("vppTokens")))
    ctx.put("managedGooglePlay", [managed_google_play(ctx, ctx.rng("managedGooglePlay"))])
    ctx.put("deviceManagementPartners", device_management_partners(ctx, ctx.rng("deviceManagementPartners")))
    ctx.put("complianceManagementPartners", compliance_partners(ctx, ctx.rng("complianceManagementPartners")))
    ctx.put("remoteAssistancePartners", remote_assistance_partners(ctx, ctx.rng("remoteAssistancePartners")))
    ctx.put("mobileThreatDefenseConnectors", threat_defense_connectors(ctx, ctx.rng("mobileThreatDefenseConnectors")))
