"""Tenant administration: notification templates, device categories, Conditional Access policies
and named locations (Intune roles and Entra directory roles are in ``roles``)."""

from __future__ import annotations

import copy
from typing import Any

from .context import GRAPH, Ctx, base_object
from .ids import created_modified, guid
from .model import GLOBAL_ADMINISTRATOR, INTUNE_ADMINISTRATOR
from .people import DEVICE_CATEGORIES

Obj = dict[str, Any]

_MESSAGES = (
    (
        "Noncompliant device - first notice",
        "Your device does not meet {tenant} requirements",
        "Your device is not compliant. Open Company Portal to see what to fix.",
    ),
    (
        "Noncompliant device - final notice",
        "Action required: device access will be blocked",
        "Your device is still not compliant and will lose access to company resources.",
    ),
)


def build_notification_templates(ctx: Ctx) -> list[Obj]:
    """Compliance e-mail templates with their ``localizedNotificationMessages``."""
    rng = ctx.rng("notifications")
    result = []
    for name, subject, body in _MESSAGES:
        obj = base_object(ctx, rng, "notificationMessageTemplate", name, "Compliance e-mail.")
        obj.update(
            {
                "defaultLocale": "en-US",
                "brandingOptions": "includeCompanyLogo,includeCompanyName,includeContactInformation",
            }
        )
        obj["localizedNotificationMessages"] = [
            {
                "id": guid(rng),
                "locale": locale,
                "subject": ctx.text(subj),
                "messageTemplate": ctx.text(text),
                "isDefault": locale == "en-us",
                "lastModifiedDateTime": obj["lastModifiedDateTime"],
            }
            for locale, subj, text in (
                ("en-us", subject, body),
                ("de-de", "Ihr Gerät ist nicht konform", "Bitte öffnen Sie das Unternehmensportal."),
            )
        ]
        result.append(obj)
    return result


def build_device_categories(ctx: Ctx) -> list[Obj]:
    """Device categories users pick at enrollment."""
    rng = ctx.rng("categories")
    return [
        {
            "@odata.type": GRAPH + "deviceCategory",
            "id": guid(rng),
            "displayName": name,
            "description": f"{name} devices.",
            "roleScopeTagIds": ["0"],
        }
        for name in DEVICE_CATEGORIES
    ]


def build_named_locations(ctx: Ctx) -> list[Obj]:
    """IP ranges of the offices (documentation ranges) and a blocked-countries list."""
    rng = ctx.rng("namedLocations")
    result = []
    for name, cidr in (("Headquarters", "203.0.113.0/24"), ("Branch offices", "198.51.100.0/24")):
        created, modified = created_modified(rng)
        result.append(
            {
                "@odata.type": GRAPH + "ipNamedLocation",
                "id": guid(rng),
                "displayName": f"{ctx.name} {name}",
                "createdDateTime": created,
                "modifiedDateTime": modified,
                "isTrusted": True,
                "ipRanges": [{"@odata.type": GRAPH + "iPv4CidrRange", "cidrAddress": cidr}],
            }
        )
    created, modified = created_modified(rng)
    result.append(
        {
            "@odata.type": GRAPH + "countryNamedLocation",
            "id": guid(rng),
            "displayName": "Blocked countries",
            "createdDateTime": created,
            "modifiedDateTime": modified,
            "countriesAndRegions": ["KP", "IR", "SY"],
            "includeUnknownCountriesAndRegions": False,
            "countryLookupMethod": "clientIpAddress",
        }
    )
    return result


# Entra role template and first-party app ids (the same in every tenant).
DIRECTORY_SYNCHRONIZATION_ACCOUNTS = "d29b2b05-8046-44ba-8758-1e26182fcf32"
AZURE_MANAGEMENT = "797f4846-ba00-4fd7-ba43-dac1f8f63013"
_ALL_APPS = {"includeApplications": ["All"], "excludeApplications": [], "includeUserActions": []}
_O365 = {"includeApplications": ["Office365"], "excludeApplications": [], "includeUserActions": []}
_MFA = {"operator": "OR", "builtInControls": ["mfa"], "customAuthenticationFactors": [], "termsOfUse": []}


def build_conditional_access(
    ctx: Ctx, users: list[Obj], locations: list[Obj], count: int, *, weak: bool = False
) -> list[Obj]:
    """Conditional Access policies (the break-glass account, user 4, is excluded from all but one),
    then the planted gaps (``plant_conditional_access``).

    ``weak`` leaves administrators without enforced MFA (CA001 report-only) and blocks only
    Exchange ActiveSync of the legacy clients (CA002), as a tenant nobody finished setting up.
    """
    rng = ctx.rng("conditionalAccess")
    breakglass = users[4]["id"] if len(users) > 4 else users[0]["id"]
    trusted, _branch, blocked = (loc["id"] for loc in locations)
    specs: list[tuple[str, str, Obj, Obj, Obj | None, Obj | None, Obj | None]] = [
        (
            "CA001 - Require MFA for admins",
            "enabled",
            {"includeRoles": [GLOBAL_ADMINISTRATOR, INTUNE_ADMINISTRATOR]},
            _ALL_APPS,
            None,
            None,
            None,
        ),
        (
            "CA002 - Block legacy authentication",
            "enabled",
            {"includeUsers": ["All"]},
            {**_ALL_APPS, "clientAppTypes": ["exchangeActiveSync", "other"]},
            None,
            None,
            None,
        ),
        (
            "CA003 - Require compliant device for Office 365",
            "enabled",
            {"includeGroups": rng.sample(ctx.user_group_ids, 2)},
            _O365,
            None,
            None,
            None,
        ),
        (
            "CA004 - Require MFA for all users",
            "enabledForReportingButNotEnforced",
            {"includeUsers": ["All"]},
            _ALL_APPS,
            None,
            {"includeLocations": ["All"], "excludeLocations": [trusted, "AllTrusted"]},
            None,
        ),
        (
            "CA005 - Block access from blocked countries",
            "enabled",
            {"includeUsers": ["All"]},
            _ALL_APPS,
            None,
            {"includeLocations": [blocked], "excludeLocations": []},
            None,
        ),
        (
            "CA006 - Sign-in frequency on unmanaged devices",
            "enabled",
            {"includeUsers": ["All"]},
            _O365,
            None,
            None,
            {
                "signInFrequency": {
                    "value": 12,
                    "type": "hours",
                    "isEnabled": True,
                    "frequencyInterval": "timeBased",
                    "authenticationType": "primaryAndSecondaryAuthentication",
                },
                "persistentBrowser": {"mode": "never", "isEnabled": True},
            },
        ),
        (
            "CA007 - Require app protection on mobile",
            "enabled",
            {"includeGroups": rng.sample(ctx.user_group_ids, 1)},
            _O365,
            {"includePlatforms": ["iOS", "android"], "excludePlatforms": []},
            None,
            None,
        ),
        (
            "CA008 - Require MFA to register devices",
            "disabled",
            {"includeUsers": ["All"]},
            {"includeApplications": [], "excludeApplications": [], "includeUserActions": ["urn:user:registerdevice"]},
            None,
            None,
            None,
        ),
    ]
    result = []
    for index in range(count):
        name, state, who, apps, platforms, where, session = specs[index % len(specs)]
        if index >= len(specs):
            name = f"{name} ({index // len(specs) + 1})"
        created, modified = created_modified(rng)
        grant = (
            {"operator": "OR", "builtInControls": ["block"], "customAuthenticationFactors": [], "termsOfUse": []}
            if "Block" in name
            else {
                "operator": "OR",
                "builtInControls": ["compliantDevice", "domainJoinedDevice"],
                "customAuthenticationFactors": [],
                "termsOfUse": [],
            }
            if "compliant" in name
            else {
                "operator": "OR",
                "builtInControls": ["compliantApplication"],
                "customAuthenticationFactors": [],
                "termsOfUse": [],
            }
            if "app protection" in name
            else _MFA
        )
        if weak and index == 0:
            state = "enabledForReportingButNotEnforced"
        if weak and index == 1:
            apps = {**apps, "clientAppTypes": ["exchangeActiveSync"]}
        users_cond = {
            "includeUsers": [],
            "excludeUsers": [breakglass],
            "includeGroups": [],
            "excludeGroups": [],
            "includeRoles": [],
            "excludeRoles": [],
            **who,
        }
        result.append(
            copy.deepcopy(
                {
                    "@odata.type": GRAPH + "conditionalAccessPolicy",
                    "id": guid(rng),
                    "displayName": name,
                    "createdDateTime": created,
                    "modifiedDateTime": modified,
                    "state": state,
                    "conditions": {
                        "userRiskLevels": [],
                        "signInRiskLevels": [],
                        "clientAppTypes": apps.get("clientAppTypes", ["all"]),
                        "applications": {k: v for k, v in apps.items() if k != "clientAppTypes"},
                        "users": users_cond,
                        "platforms": platforms,
                        "locations": where,
                        "devices": None,
                    },
                    "grantControls": None if session else grant,
                    "sessionControls": session,
                }
            )
        )
    if weak:
        ctx.plant("caNoAdminMfa", str(result[0]["displayName"]))
        ctx.plant("caLegacyAuthNotBlocked", str(result[1]["displayName"]))
    for policy in result:
        if policy["state"] == "enabledForReportingButNotEnforced":
            ctx.plant("caReportOnlyForgotten", str(policy["displayName"]))
    return result + plant_conditional_access(ctx, breakglass, locations)


def _ca_policy(rng: Any, name: str, users: Obj, apps: Obj, grant: Obj, locations: Obj | None = None) -> Obj:
    created, modified = created_modified(rng)
    who = {
        "includeUsers": [],
        "excludeUsers": [],
        "includeGroups": [],
        "excludeGroups": [],
        "includeRoles": [],
        "excludeRoles": [],
        **users,
    }
    return {
        "@odata.type": GRAPH + "conditionalAccessPolicy",
        "id": guid(rng),
        "displayName": name,
        "createdDateTime": created,
        "modifiedDateTime": modified,
        "state": "enabled",
        "conditions": {
            "userRiskLevels": [],
            "signInRiskLevels": [],
            "clientAppTypes": ["all"],
            "applications": {"excludeApplications": [], "includeUserActions": [], **apps},
            "users": who,
            "platforms": None,
            "locations": locations,
            "devices": None,
        },
        "grantControls": {"customAuthenticationFactors": [], "termsOfUse": [], **grant},
        "sessionControls": None,
    }


def plant_conditional_access(ctx: Ctx, breakglass: str, locations: list[Obj]) -> list[Obj]:
    """CA policies with the gaps the overview must find, and the cases what-if is tested on.

    CA009 excludes a whole department group (many users) and the directory sync role; CA010
    forgets the break-glass account; CA011 targets a deleted group and excludes a deleted named
    location; CA012 requires MFA of guests and external users.
    """
    rng = ctx.rng("conditionalAccessPlanted")
    groups = {g["displayName"]: g["id"] for g in ctx.objects["groups"]}
    excluded_group = groups.get("BYOD Users") or ctx.user_group_ids[0]
    headquarters = locations[0]["id"]
    mfa = {"operator": "OR", "builtInControls": ["mfa"]}
    policies = [
        _ca_policy(
            rng,
            "CA009 - Require compliant device for all users",
            {
                "includeUsers": ["All"],
                "excludeUsers": [breakglass],
                "excludeGroups": [excluded_group],
                "excludeRoles": [DIRECTORY_SYNCHRONIZATION_ACCOUNTS],
            },
            {"includeApplications": ["All"]},
            {"operator": "OR", "builtInControls": ["compliantDevice"]},
        ),
        _ca_policy(
            rng,
            "CA010 - Require MFA for Azure management",
            {"includeUsers": ["All"]},
            {"includeApplications": [AZURE_MANAGEMENT]},
            mfa,
        ),
        _ca_policy(
            rng,
            "CA011 - Block Finance outside the offices",
            {"includeGroups": [guid(rng)], "excludeUsers": [breakglass]},
            {"includeApplications": ["All"]},
            {"operator": "OR", "builtInControls": ["block"]},
            {"includeLocations": ["All"], "excludeLocations": [headquarters, guid(rng)]},
        ),
        _ca_policy(
            rng,
            "CA012 - Require MFA for guests",
            {
                "excludeUsers": [breakglass],
                "includeGuestsOrExternalUsers": {
                    "@odata.type": GRAPH + "conditionalAccessGuestsOrExternalUsers",
                    "guestOrExternalUserTypes": "internalGuest,b2bCollaborationGuest,b2bCollaborationMember",
                    "externalTenants": {
                        "@odata.type": GRAPH + "conditionalAccessAllExternalTenants",
                        "membershipKind": "all",
                    },
                },
            },
            {"includeApplications": ["All"]},
            mfa,
        ),
    ]
    ctx.plant("caManyExcluded", policies[0]["displayName"])
    ctx.plant("caBreakGlassMissing", policies[1]["displayName"])
    ctx.plant("caDeletedReference", policies[2]["displayName"])
    return policies
