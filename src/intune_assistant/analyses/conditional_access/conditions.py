"""Target resources and conditions of a CA policy, decided for one sign-in.

Each returns a ``Check``: yes (the part lets the policy apply), no (it doesn't, with the reason)
or unknown (the sign-in didn't say, or the snapshot can't tell). A sign-in fact that was not
given leaves unknown only the policies that look at it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intune_assistant.catalog import condition_platform_label
from intune_assistant.catalog.conditional_access import (
    ADMIN_PORTAL_APPS,
    CLIENT_APP_TYPES,
    FIRST_PARTY_APPS,
    OFFICE_365_APPS,
    USER_ACTIONS,
)

from .audience import Check, combine_any

__all__ = ["Locations", "apps_check", "client_app_check", "location_check", "platform_check", "risk_check"]

_PLATFORMS = ("android", "iOS", "windows", "windowsPhone", "macOS", "linux")


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []


def app_name(app_id: str | None) -> str:
    """An app id in words (first-party apps by name)."""
    if app_id is None:
        return "no app given"
    return FIRST_PARTY_APPS.get(app_id, f"app {app_id}")


def _app_in(value: str, app_id: str) -> Check:
    if value == "All":
        return Check("yes", "all resources")
    if value == app_id:
        return Check("yes", app_name(app_id))
    for group, members, word in (
        ("Office365", OFFICE_365_APPS, "Office 365"),
        ("MicrosoftAdminPortals", ADMIN_PORTAL_APPS, "Microsoft Admin Portals"),
    ):
        if value == group:
            if app_id in members:
                return Check("yes", f"{app_name(app_id)} is part of {word}")
            if app_id in FIRST_PARTY_APPS:
                return Check("no", "")
            return Check("unknown", f"whether {app_name(app_id)} belongs to {word} isn't known here")
    return Check("no", "")


def apps_check(apps: Mapping[str, Any] | None, app_id: str | None) -> Check:
    """Target resources: the apps (or user actions, authentication contexts) the policy covers."""
    if not isinstance(apps, Mapping):
        return Check("unknown", "the policy's target resources aren't in the snapshot")
    actions = _strings(apps.get("includeUserActions"))
    include = _strings(apps.get("includeApplications"))
    if actions and not include:
        words = ", ".join(USER_ACTIONS.get(a, a) for a in actions)
        return Check("no", f"the policy targets a user action ({words}), not signing in to an app")
    if apps.get("includeAuthenticationContextClassReferences") and not include:
        return Check("no", "the policy targets an authentication context, not signing in to an app")
    if "None" in include or not include:
        return Check("no", "the policy includes no resources")
    if app_id is None:
        if include == ["All"] and not _strings(apps.get("excludeApplications")):
            return Check("yes", "all resources")
        return Check("unknown", "the policy targets certain apps and no app was given")
    included = combine_any([_app_in(v, app_id) for v in include], f"{app_name(app_id)} isn't among its resources")
    if included.state == "no":
        return Check("no", f"Target resources: {included.reason}")
    excluded = combine_any([_app_in(v, app_id) for v in _strings(apps.get("excludeApplications"))], "")
    if excluded.state == "yes":
        return Check("no", f"Target resources: {app_name(app_id)} is excluded ({excluded.reason})")
    if included.state == "unknown" or excluded.state == "unknown":
        return Check(
            "unknown", f"Target resources: {included.reason if included.state == 'unknown' else excluded.reason}"
        )
    return Check("yes", f"Target resources: included ({included.reason})")


def client_app_check(types: object, client_app: str | None) -> Check:
    """Client apps: browser, mobile and desktop clients, Exchange ActiveSync, other (legacy) clients."""
    wanted = [t for t in _strings(types) if t != "all"]
    if not wanted:
        return Check("yes", "Client apps: any")
    words = ", ".join(CLIENT_APP_TYPES.get(t, t) for t in wanted)
    if client_app is None:
        return Check("unknown", f"Client apps: the policy applies to {words} only and no client app was given")
    seen = {client_app, "easSupported"} if client_app == "exchangeActiveSync" else {client_app}
    if seen & set(wanted):
        return Check("yes", f"Client apps: {CLIENT_APP_TYPES.get(client_app, client_app)} is among {words}")
    return Check("no", f"Client apps: {CLIENT_APP_TYPES.get(client_app, client_app)} isn't among {words}")


def normalise_platform(text: str) -> str | None:
    """A CA device platform value for ``text`` (a value such as ``iOS`` or Intune's words)."""
    key = text.strip().casefold()
    for value in _PLATFORMS:
        if key in (value.casefold(), condition_platform_label(value).casefold()):
            return value
    return None


def platform_check(platforms: object, platform: str | None) -> Check:
    """Device platforms: included and excluded platforms (``all`` for any)."""
    if not isinstance(platforms, Mapping):
        return Check("yes", "Device platforms: any")
    include = _strings(platforms.get("includePlatforms"))
    exclude = _strings(platforms.get("excludePlatforms"))
    if not include and not exclude:
        return Check("yes", "Device platforms: any")
    listed = ", ".join(condition_platform_label(p) for p in include)
    if platform is None:
        return Check(
            "unknown", f"Device platforms: the policy applies to {listed or 'some platforms'} and no platform was given"
        )
    label = condition_platform_label(platform)
    if platform in exclude:
        return Check("no", f"Device platforms: {label} is excluded")
    if "all" in include or platform in include:
        return Check("yes", f"Device platforms: {label} is included")
    return Check("no", f"Device platforms: {label} isn't among {listed}")


@dataclass(frozen=True)
class Locations:
    """Where a sign-in comes from, as facts about the tenant's named locations.

    ``inside`` maps a named location id to yes/no/unknown; ids not in the map are decided by
    ``default`` (``no`` when the sign-in's location is fully known, else ``unknown``).
    """

    named: Mapping[str, Mapping[str, Any]]
    inside: Mapping[str, str]
    default: str
    described: str
    complete: bool

    def membership(self, location_id: str) -> Check:
        """Whether the sign-in is in named location ``location_id``."""
        name = self.name(location_id)
        if location_id not in self.named:
            if self.complete:
                return Check("no", f"{name} no longer exists")
            return Check("unknown", f"{name} isn't in the snapshot")
        state = self.inside.get(location_id, self.default)
        if state == "yes":
            return Check("yes", f"{self.described} is in '{name}'")
        if state == "unknown":
            return Check("unknown", f"whether {self.described} is in '{name}' can't be told")
        return Check("no", "")

    def name(self, location_id: str) -> str:
        """A named location's name (or a note with the id)."""
        obj = self.named.get(location_id)
        shown = obj.get("displayName") if obj is not None else None
        return str(shown) if shown else f"named location {location_id}"

    def trusted(self) -> Check:
        """Whether the sign-in is in any location marked trusted."""
        trusted = [i for i, loc in self.named.items() if loc.get("isTrusted") is True]
        return combine_any([self.membership(i) for i in trusted], "")


def locations_for(named: Mapping[str, Mapping[str, Any]], text: str | None, complete: bool) -> Locations:
    """The sign-in's locations from the what-if's words (see ``SignIn.location``).

    Raises:
        ValueError: a part that is no named location, IP address, country code or ``elsewhere``.
    """
    if text is None or not text.strip():
        return Locations(named, {}, "unknown", "the sign-in's location (not given)", complete)
    inside: dict[str, str] = {}
    ips: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    countries: list[str] = []
    chosen: list[str] = []
    parts = [p.strip() for p in text.split(",") if p.strip()]
    by_name = {str(loc.get("displayName") or "").casefold(): i for i, loc in named.items()}
    for part in parts:
        if part.casefold() in ("elsewhere", "none", "other"):
            continue
        location_id = part if part in named else by_name.get(part.casefold())
        if location_id is not None:
            chosen.append(location_id)
            continue
        try:
            ips.append(ipaddress.ip_address(part))
            continue
        except ValueError:
            pass
        if len(part) == 2 and part.isalpha():
            countries.append(part.upper())
            continue
        raise ValueError(f"location {part!r} is no named location, IP address, two-letter country code or 'elsewhere'")
    for location_id, location in named.items():
        kind = str(location.get("@odata.type") or "")
        if location_id in chosen:
            inside[location_id] = "yes"
        elif chosen:
            inside[location_id] = "no"
        elif kind.endswith("ipNamedLocation"):
            inside[location_id] = _in_ranges(location, ips) if ips else ("no" if not countries else "unknown")
        elif kind.endswith("countryNamedLocation"):
            listed = {str(c).upper() for c in location.get("countriesAndRegions") or ()}
            if countries:
                inside[location_id] = "yes" if listed & set(countries) else "no"
            else:
                inside[location_id] = "unknown" if ips else "no"
        else:
            inside[location_id] = "unknown"
    return Locations(named, inside, "no", f"the sign-in from {text.strip()}", complete)


def _in_ranges(location: Mapping[str, Any], ips: list[ipaddress.IPv4Address | ipaddress.IPv6Address]) -> str:
    for item in location.get("ipRanges") or ():
        cidr = item.get("cidrAddress") if isinstance(item, Mapping) else None
        try:
            network = ipaddress.ip_network(str(cidr), strict=False)
        except ValueError:
            return "unknown"
        if any(ip.version == network.version and ip in network for ip in ips):
            return "yes"
    return "no"


def _location_value(value: str, where: Locations) -> Check:
    if value == "All":
        return Check("yes", "any location")
    if value == "AllTrusted":
        return where.trusted()
    return where.membership(value)


def location_check(locations: object, where: Locations) -> Check:
    """Locations: included and excluded named locations, ``All`` and ``AllTrusted``."""
    if not isinstance(locations, Mapping):
        return Check("yes", "Locations: any")
    include = _strings(locations.get("includeLocations"))
    exclude = _strings(locations.get("excludeLocations"))
    if not include and not exclude:
        return Check("yes", "Locations: any")
    included = combine_any([_location_value(v, where) for v in include], "")
    if included.state == "no":
        names = ", ".join(where.name(v) if v not in ("All", "AllTrusted") else v for v in include)
        return Check("no", f"Locations: {where.described} isn't in {names}")
    excluded = combine_any([_location_value(v, where) for v in exclude], "")
    if excluded.state == "yes":
        return Check("no", f"Locations: excluded ({excluded.reason})")
    if "unknown" in (included.state, excluded.state):
        return Check("unknown", f"Locations: {included.reason if included.state == 'unknown' else excluded.reason}")
    return Check("yes", f"Locations: included ({included.reason})")


def risk_check(levels: object, given: str | None, what: str) -> Check:
    """User risk or sign-in risk: the levels the policy applies to."""
    wanted = [v for v in _strings(levels) if v != "none"]
    if not wanted:
        return Check("yes", f"{what}: any")
    if given is None:
        return Check("unknown", f"{what}: the policy applies at {', '.join(wanted)} risk and no risk level was given")
    if given in wanted:
        return Check("yes", f"{what}: {given} is among {', '.join(wanted)}")
    return Check("no", f"{what}: {given} isn't among {', '.join(wanted)}")
