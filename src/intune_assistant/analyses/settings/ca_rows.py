"""Conditional Access policies → rows in words: who, which resources, which conditions, what control.

Users, groups, roles, apps and named locations are shown by name; ids that nothing in the
snapshot names are shown with a note saying so. Conditions a newer Graph adds that this module
does not know are still listed, through the generic property rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from intune_assistant.catalog import condition_platform_label
from intune_assistant.catalog.conditional_access import (
    CA_STATES,
    CLIENT_APP_TYPES,
    FIRST_PARTY_APPS,
    GUEST_TYPES,
    USER_ACTIONS,
)

from .context import PolicyContext
from .model import SettingRow
from .property_rows import property_rows
from .values import display_value
from .words import readable_enum, readable_label

__all__ = ["ca_rows"]

_SPECIAL = {
    "All": "All",
    "None": "None",
    "GuestsOrExternalUsers": "All guest and external users",
    "AllTrusted": "All trusted locations",
    "Office365": "Office 365",
    "MicrosoftAdminPortals": "Microsoft Admin Portals",
}
_CONTROLS = {
    "block": "Block access",
    "mfa": "Require multifactor authentication",
    "compliantDevice": "Require device to be marked as compliant",
    "domainJoinedDevice": "Require Microsoft Entra hybrid joined device",
    "approvedApplication": "Require approved client app",
    "compliantApplication": "Require app protection policy",
    "passwordChange": "Require password change",
    "unknownFutureValue": "Unknown control",
}
_FREQUENCY_UNITS = {"hours": "hour", "days": "day"}


def _named(values: Any, lookup: Callable[[str], str | None], what: str) -> list[str]:
    shown = []
    for value in values if isinstance(values, list) else ():
        text = str(value)
        found = _SPECIAL.get(text) or lookup(text)
        shown.append(found if found else f"{what} not in this snapshot ({text})")
    return shown


def _users_rows(ctx: PolicyContext, users: Mapping[str, Any]) -> list[SettingRow]:
    refs = ctx.references
    kinds: tuple[tuple[str, Callable[[str], str | None], str], ...] = (
        ("Users", refs.users.get, "user"),
        ("Groups", ctx.names.group, "group"),
        ("Roles", refs.roles.get, "directory role"),
    )
    rows: list[SettingRow] = []
    for mode in ("include", "exclude"):
        for kind, lookup, what in kinds:
            field = f"{mode}{kind}"
            shown = _named(users.get(field), lookup, what)
            shown = [f"All {kind.lower()}" if s == "All" else s for s in shown]
            if shown:
                label = f"{mode.capitalize()} {kind.lower()}"
                rows.append(ctx.row("Users", label, ", ".join(shown), f"conditions.users.{field}", users.get(field)))
        guests = users.get(f"{mode}GuestsOrExternalUsers")
        if isinstance(guests, Mapping) and guests.get("guestOrExternalUserTypes"):
            kinds_shown = ", ".join(
                GUEST_TYPES.get(kind.strip(), kind.strip())
                for kind in str(guests["guestOrExternalUserTypes"]).split(",")
            )
            rows.append(
                ctx.row(
                    "Users",
                    f"{mode.capitalize()} guest or external users",
                    kinds_shown,
                    f"conditions.users.{mode}GuestsOrExternalUsers",
                    guests,
                )
            )
    return rows


def _app_name(app_id: str) -> str | None:
    return FIRST_PARTY_APPS.get(app_id)


def _applications_rows(ctx: PolicyContext, apps: Mapping[str, Any]) -> list[SettingRow]:
    rows: list[SettingRow] = []
    for field, label in (("includeApplications", "Include"), ("excludeApplications", "Exclude")):
        shown = _named(apps.get(field), _app_name, "application")
        if shown:
            shown = ["All resources (formerly All cloud apps)" if s == "All" else s for s in shown]
            rows.append(
                ctx.row("Target resources", label, ", ".join(shown), f"conditions.applications.{field}", apps[field])
            )
    actions = [a for a in apps.get("includeUserActions") or () if isinstance(a, str)]
    if actions:
        text = ", ".join(USER_ACTIONS.get(a, a) for a in actions)
        rows.append(
            ctx.row("Target resources", "User actions", text, "conditions.applications.includeUserActions", actions)
        )
    contexts = apps.get("includeAuthenticationContextClassReferences")
    if contexts:
        rows.append(
            ctx.row(
                "Target resources",
                "Authentication context",
                display_value(contexts, "id"),
                "conditions.applications.includeAuthenticationContextClassReferences",
                contexts,
            )
        )
    app_filter = apps.get("applicationFilter")
    if isinstance(app_filter, Mapping) and app_filter.get("rule"):
        text = f"{readable_enum(str(app_filter.get('mode', 'include')))}: {app_filter['rule']}"
        rows.append(
            ctx.row(
                "Target resources",
                "Filter for applications",
                text,
                "conditions.applications.applicationFilter",
                app_filter,
            )
        )
    return rows


def _condition_rows(ctx: PolicyContext, conditions: Mapping[str, Any]) -> list[SettingRow]:
    rows: list[SettingRow] = []
    for field, label in (("userRiskLevels", "User risk"), ("signInRiskLevels", "Sign-in risk")):
        levels = conditions.get(field)
        if levels:
            rows.append(ctx.row("Conditions", label, display_value(levels), f"conditions.{field}", levels))
    client_apps = [c for c in conditions.get("clientAppTypes") or () if isinstance(c, str)]
    if client_apps:
        text = ", ".join(CLIENT_APP_TYPES.get(c, readable_enum(c)) for c in client_apps)
        rows.append(ctx.row("Conditions", "Client apps", text, "conditions.clientAppTypes", client_apps))
    platforms = conditions.get("platforms")
    if isinstance(platforms, Mapping):
        for field, label in (
            ("includePlatforms", "Include device platforms"),
            ("excludePlatforms", "Exclude device platforms"),
        ):
            values = [p for p in platforms.get(field) or () if isinstance(p, str)]
            if values:
                text = ", ".join(condition_platform_label(p) for p in values)
                rows.append(ctx.row("Conditions", label, text, f"conditions.platforms.{field}", values))
    locations = conditions.get("locations")
    if isinstance(locations, Mapping):
        for field, label in (("includeLocations", "Include locations"), ("excludeLocations", "Exclude locations")):
            shown = _named(locations.get(field), ctx.references.named_locations.get, "named location")
            if shown:
                shown = ["Any location" if s == "All" else s for s in shown]
                rows.append(
                    ctx.row("Conditions", label, ", ".join(shown), f"conditions.locations.{field}", locations[field])
                )
    devices = conditions.get("devices")
    if isinstance(devices, Mapping):
        device_filter = devices.get("deviceFilter")
        if isinstance(device_filter, Mapping) and device_filter.get("rule"):
            text = f"{readable_enum(str(device_filter.get('mode', 'include')))}: {device_filter['rule']}"
            rows.append(
                ctx.row("Conditions", "Filter for devices", text, "conditions.devices.deviceFilter", device_filter)
            )
    known = {
        "users",
        "applications",
        "userRiskLevels",
        "signInRiskLevels",
        "clientAppTypes",
        "platforms",
        "locations",
        "devices",
    }
    rest = {k: v for k, v in conditions.items() if k not in known}
    return rows + property_rows(ctx, rest, category="Conditions", path="conditions")


def _grant_rows(ctx: PolicyContext, grant: Mapping[str, Any]) -> list[SettingRow]:
    controls = [_CONTROLS.get(c, readable_enum(c)) for c in grant.get("builtInControls") or () if isinstance(c, str)]
    strength = grant.get("authenticationStrength")
    if isinstance(strength, Mapping) and strength.get("displayName"):
        controls.append(f"Require authentication strength: {strength['displayName']}")
    terms = [t for t in grant.get("termsOfUse") or () if isinstance(t, str)]
    controls += [f"Terms of use ({t})" for t in terms]
    controls += [str(c) for c in grant.get("customAuthenticationFactors") or ()]
    if not controls:
        return []
    joiner = " and " if str(grant.get("operator", "OR")).upper() == "AND" else " or "
    if controls == ["Block access"]:
        shown = "Block access"
    else:
        shown = "Grant access: " + joiner.join(controls)
        if len(controls) > 1:
            shown += " (all required)" if joiner == " and " else " (one required)"
    return [ctx.row("Grant", "Grant controls", shown, "grantControls", dict(grant))]


def _session_rows(ctx: PolicyContext, session: Mapping[str, Any]) -> list[SettingRow]:
    rows: list[SettingRow] = []
    frequency = session.get("signInFrequency")
    if isinstance(frequency, Mapping) and frequency.get("isEnabled"):
        if frequency.get("frequencyInterval") == "everyTime":
            shown = "Every time"
        else:
            value = frequency.get("value")
            unit = _FREQUENCY_UNITS.get(str(frequency.get("type")), str(frequency.get("type")))
            shown = f"Every {value} {unit}" + ("s" if value != 1 else "")
        rows.append(ctx.row("Session", "Sign-in frequency", shown, "sessionControls.signInFrequency", dict(frequency)))
    browser = session.get("persistentBrowser")
    if isinstance(browser, Mapping) and browser.get("isEnabled"):
        shown = "Always persistent" if browser.get("mode") == "always" else "Never persistent"
        rows.append(
            ctx.row("Session", "Persistent browser session", shown, "sessionControls.persistentBrowser", dict(browser))
        )
    restrictions = session.get("applicationEnforcedRestrictions")
    if isinstance(restrictions, Mapping) and restrictions.get("isEnabled"):
        rows.append(
            ctx.row(
                "Session",
                "Use app enforced restrictions",
                "Yes",
                "sessionControls.applicationEnforcedRestrictions",
                True,
            )
        )
    mcas = session.get("cloudAppSecurity")
    if isinstance(mcas, Mapping) and mcas.get("isEnabled"):
        shown = readable_enum(str(mcas.get("cloudAppSecurityType") or "enabled"))
        rows.append(
            ctx.row(
                "Session", "Use Conditional Access App Control", shown, "sessionControls.cloudAppSecurity", dict(mcas)
            )
        )
    known = {"signInFrequency", "persistentBrowser", "applicationEnforcedRestrictions", "cloudAppSecurity"}
    rest = {k: v for k, v in session.items() if k not in known}
    return rows + property_rows(ctx, rest, category="Session", path="sessionControls")


def ca_rows(ctx: PolicyContext) -> list[SettingRow]:
    """State, users, target resources, conditions, grant and session controls of a CA policy."""
    obj = ctx.obj
    state = str(obj.get("state") or "")
    rows = [ctx.row("", "State", CA_STATES.get(state, readable_label(state)), "state", state)] if state else []
    conditions = obj.get("conditions")
    if isinstance(conditions, Mapping):
        users = conditions.get("users")
        if isinstance(users, Mapping):
            rows += _users_rows(ctx, users)
        apps = conditions.get("applications")
        if isinstance(apps, Mapping):
            rows += _applications_rows(ctx, apps)
        rows += _condition_rows(ctx, conditions)
    grant = obj.get("grantControls")
    if isinstance(grant, Mapping):
        rows += _grant_rows(ctx, grant)
    session = obj.get("sessionControls")
    if isinstance(session, Mapping):
        rows += _session_rows(ctx, session)
    rest = {k: v for k, v in obj.items() if k not in ("state", "conditions", "grantControls", "sessionControls")}
    return rows + property_rows(ctx, rest)
