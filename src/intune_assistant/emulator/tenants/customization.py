"""What end users see of the tenant: Company Portal branding profiles and terms and conditions
(fields as intune-wip-intunebrandingprofile-list.md and intune-companyterms-termsandconditions-list.md
show them)."""

from __future__ import annotations

from random import Random
from typing import Any

from .context import GRAPH, Ctx, base_object
from .ids import ALL_USERS_ID, created_modified, guid
from .targeting import Targeter, assignment

Obj = dict[str, Any]

# A 1×1 transparent PNG: logos are images on Graph (mimeContent), kept tiny here.
_PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="


def _logo() -> Obj:
    return {"@odata.type": "microsoft.graph.mimeContent", "type": "image/png", "value": _PIXEL}


def _all_users() -> Obj:
    return {
        "@odata.type": GRAPH + "allLicensedUsersAssignmentTarget",
        "deviceAndAppManagementAssignmentFilterId": None,
        "deviceAndAppManagementAssignmentFilterType": "none",
    }


def branding_profiles(ctx: Ctx, targeter: Targeter, count: int) -> list[Obj]:
    """The default branding profile (everyone) and group-targeted ones (a subsidiary, a region)."""
    rng = ctx.rng("brandingProfiles")
    names = [("Default", ctx.name), ("Field staff", f"{ctx.name} Field Services"), ("APAC", f"{ctx.name} APAC")]
    profiles = []
    for index in range(count):
        label, company = names[index % len(names)]
        profile_name = label if index < len(names) else f"{label} {index // len(names) + 1}"
        created, modified = created_modified(rng)
        default = index == 0
        profile: Obj = {
            "@odata.type": GRAPH + "intuneBrandingProfile",
            "id": guid(rng),
            "profileName": profile_name,
            "profileDescription": "Applies to every user." if default else f"Company Portal for {label.lower()}.",
            "isDefaultProfile": default,
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "displayName": company,
            "contactITName": f"{ctx.name} Service Desk",
            "contactITPhoneNumber": f"+1 425 555 {rng.randrange(1000, 9999)}",
            "contactITEmailAddress": f"servicedesk@{ctx.domain}",
            "contactITNotes": "Open a ticket for anything urgent.",
            "privacyUrl": f"https://www.{ctx.domain}/privacy",
            "onlineSupportSiteUrl": f"https://support.{ctx.domain}",
            "onlineSupportSiteName": f"{ctx.name} Support",
            "themeColor": {"@odata.type": "microsoft.graph.rgbColor", "r": 0, "g": rng.randrange(80, 140), "b": 215},
            "showLogo": True,
            "showDisplayNameNextToLogo": not default,
            "themeColorLogo": _logo(),
            "lightBackgroundLogo": _logo(),
            "landingPageCustomizedImage": _logo(),
            "roleScopeTagIds": ["0"] if default else ctx.scope_tags(rng),
        }
        if default:
            profile["assignments"] = [assignment(profile["id"], _all_users())]
        else:
            targets = targeter.targets(rng, None, filters=False, devices=False)[:1]
            profile["assignments"] = [assignment(profile["id"], t) for t in targets]
        profiles.append(profile)
    return profiles


_TERMS: tuple[tuple[str, str, str], ...] = (
    (
        "Acceptable use of company devices",
        "Before you enroll, read and accept {tenant}'s acceptable use policy.",
        "Company devices and data are for work. IT may wipe company data from an enrolled device. "
        "Report a lost or stolen device to the service desk within 24 hours.",
    ),
    (
        "Bring your own device agreement",
        "Terms for using a personal device with {tenant} data.",
        "{tenant} manages work apps and data on your device only. IT cannot see personal photos, "
        "messages or browsing history. Removing the work profile removes company data.",
    ),
)


def terms_and_conditions(ctx: Ctx, targeter: Targeter, count: int) -> list[Obj]:
    """Terms and conditions shown before enrollment, each assigned to groups (or all users)."""
    rng = ctx.rng("termsAndConditions")
    items = []
    for index in range(count):
        title, description, body = _TERMS[index % len(_TERMS)]
        name = title if index < len(_TERMS) else f"{title} {index // len(_TERMS) + 1}"
        obj = base_object(ctx, rng, "termsAndConditions", name, ctx.text(description), key="termsAndConditions")
        obj["modifiedDateTime"] = obj["lastModifiedDateTime"]
        obj.update(
            {
                "title": f"{ctx.name} - {title}",
                "bodyText": ctx.text(body),
                "acceptanceStatement": "I have read and accept these terms.",
                "version": rng.randrange(1, 5),
            }
        )
        obj["assignments"] = _terms_assignments(rng, targeter, obj["id"], everyone=index == 0)
        items.append(obj)
    return items


def _terms_assignments(rng: Random, targeter: Targeter, parent_id: str, *, everyone: bool) -> list[Obj]:
    # termsAndConditionsAssignment has only id and target (intune-companyterms-termsandconditionsassignment.md).
    if everyone:
        return [{"id": f"{parent_id}_{ALL_USERS_ID}", "target": _all_users()}]
    targets = targeter.targets(rng, None, filters=False, devices=False)[:2]
    return [assignment(parent_id, t) for t in targets]
