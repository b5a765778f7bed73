"""What-if: which CA policies apply to a sign-in, and what they do together.

For a user, an app, a platform, a location and a client app, every policy gets a verdict with
its reasons (users, target resources, conditions in evaluation order), and the policies that are
on combine: any block wins; otherwise every applying policy's grant controls are required.
Report-only policies are evaluated and listed apart: they enforce nothing. A policy that can't be
decided makes the result "unknown" unless a decided block already settles it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intune_assistant.analyses.assignments import Directory, is_complete, type_gap
from intune_assistant.analyses.settings.context import ENTRA_ROLES
from intune_assistant.analyses.troubleshoot import Verdict, find_user
from intune_assistant.catalog import Catalog
from intune_assistant.catalog.conditional_access import CLIENT_APP_TYPES, FIRST_PARTY_APPS
from intune_assistant.snapshot import Snapshot

from .audience import Check, Person, person_for, role_ids, users_verdict
from .conditions import (
    Locations,
    apps_check,
    client_app_check,
    location_check,
    locations_for,
    normalise_platform,
    platform_check,
    risk_check,
)
from .model import Access, CaOverview, PolicyOverview, PolicyVerdict, SignIn, WhatIf
from .overview import CA_TYPES, ca_policies, policies_in_words

__all__ = ["Facts", "WhatIfError", "facts_for", "policy_verdict", "user_policies", "what_if"]

_RISKS = ("none", "low", "medium", "high")
# Conditions this what-if doesn't model: a policy that sets one is "unknown", never "applies".
_NOT_MODELLED = {
    "insiderRiskLevels": "insider risk",
    "servicePrincipalRiskLevels": "service principal risk",
    "authenticationFlows": "authentication flows",
    "clientApplications": "workload identities",
}


class WhatIfError(ValueError):
    """A what-if input that names nothing known; the message lists what is accepted."""


@dataclass(frozen=True)
class Facts:
    """A sign-in resolved against the snapshot: the user, app id, platform and locations."""

    person: Person
    app_id: str | None
    platform: str | None
    client_app: str | None
    locations: Locations
    user_risk: str | None
    sign_in_risk: str | None


def _app_id(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    value = text.strip()
    if value.lower() in FIRST_PARTY_APPS:
        return value.lower()
    for app_id, name in FIRST_PARTY_APPS.items():
        if name.casefold() == value.casefold():
            return app_id
    if len(value) == 36 and value.count("-") == 4:
        return value.lower()
    known = ", ".join(sorted(FIRST_PARTY_APPS.values()))
    raise WhatIfError(f"app {value!r} is no application id or first-party app name ({known})")


def _client_app(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    key = text.strip().casefold()
    for value, label in CLIENT_APP_TYPES.items():
        if value != "all" and key in (value.casefold(), label.casefold()):
            return "exchangeActiveSync" if value == "easSupported" else value
    choices = "browser, mobileAppsAndDesktopClients, exchangeActiveSync, other"
    raise WhatIfError(f"client app {text!r} isn't one of {choices}")


def _risk(text: str | None, what: str) -> str | None:
    if text is None or not text.strip():
        return None
    value = text.strip().lower()
    if value not in _RISKS:
        raise WhatIfError(f"{what} {text!r} isn't one of {', '.join(_RISKS)}")
    return value


def facts_for(snapshot: Snapshot, directory: Directory, sign_in: SignIn) -> Facts:
    """The sign-in resolved against the snapshot.

    Raises:
        SubjectError: the user isn't in the snapshot (or users weren't read).
        WhatIfError: an app, platform, location, client app, role or risk level that names nothing.
    """
    user_id = find_user(directory, sign_in.user)
    roles = None
    if sign_in.roles is not None:
        found, unknown = role_ids(sign_in.roles)
        if unknown:
            raise WhatIfError(f"no directory role named {', '.join(map(repr, unknown))}")
        roles = found
    platform = None
    if sign_in.platform is not None and sign_in.platform.strip():
        platform = normalise_platform(sign_in.platform)
        if platform is None:
            raise WhatIfError(
                f"platform {sign_in.platform!r} isn't one of android, iOS, windows, windowsPhone, macOS, linux"
            )
    named = {
        str(loc["id"]): loc for loc in snapshot.read_objects("namedLocations") or () if isinstance(loc.get("id"), str)
    }
    complete = is_complete(snapshot, "namedLocations") and snapshot.source in ("graph", "emulator")
    try:
        locations = locations_for(named, sign_in.location, complete)
    except ValueError as exc:
        raise WhatIfError(str(exc)) from exc
    return Facts(
        person=person_for(directory, user_id, roles),
        app_id=_app_id(sign_in.app),
        platform=platform,
        client_app=_client_app(sign_in.client_app),
        locations=locations,
        user_risk=_risk(sign_in.user_risk, "user risk"),
        sign_in_risk=_risk(sign_in.sign_in_risk, "sign-in risk"),
    )


def _condition_checks(conditions: Mapping[str, Any], facts: Facts) -> list[Check]:
    checks = [
        client_app_check(conditions.get("clientAppTypes"), facts.client_app),
        platform_check(conditions.get("platforms"), facts.platform),
        location_check(conditions.get("locations"), facts.locations),
        risk_check(conditions.get("userRiskLevels"), facts.user_risk, "User risk"),
        risk_check(conditions.get("signInRiskLevels"), facts.sign_in_risk, "Sign-in risk"),
    ]
    devices = conditions.get("devices")
    device_filter = devices.get("deviceFilter") if isinstance(devices, Mapping) else None
    if isinstance(device_filter, Mapping) and device_filter.get("rule"):
        checks.append(Check("unknown", "Filter for devices: the what-if has no device to evaluate its rule on"))
    for field, words in _NOT_MODELLED.items():
        value = conditions.get(field)
        if value and not (isinstance(value, Mapping) and not any(value.values())):
            checks.append(Check("unknown", f"the policy also looks at {words}, which the what-if doesn't evaluate"))
    return checks


def policy_verdict(
    policy: Mapping[str, Any],
    facts: Facts,
    directory: Directory,
    role_names: Mapping[str, str],
    controls: str = "",
) -> PolicyVerdict:
    """One policy's verdict for the sign-in, with its reasons in evaluation order."""
    state = str(policy.get("state") or "")
    grant = policy.get("grantControls")
    blocks = isinstance(grant, Mapping) and "block" in (grant.get("builtInControls") or ())

    def verdict(value: Verdict, reasons: list[str]) -> PolicyVerdict:
        return PolicyVerdict(
            policy_id=str(policy.get("id") or ""),
            policy_name=str(policy.get("displayName") or policy.get("id") or ""),
            state=state,
            verdict=value,
            reasons=tuple(r for r in reasons if r),
            controls=controls,
            blocks=blocks,
        )

    if state == "disabled":
        return verdict(Verdict.NOT_TARGETED, ["The policy is off."])
    conditions = policy.get("conditions")
    if not isinstance(conditions, Mapping):
        return verdict(Verdict.UNKNOWN, ["The policy's conditions aren't in the snapshot."])
    users = conditions.get("users")
    who: Verdict | None
    if isinstance(users, Mapping):
        who, who_reason = users_verdict(users, facts.person, directory, role_names)
    else:
        who, who_reason = Verdict.UNKNOWN, "The policy's users aren't in the snapshot."
    if who in (Verdict.EXCLUDED, Verdict.NOT_TARGETED):
        return verdict(who, [who_reason])
    app = apps_check(conditions.get("applications"), facts.app_id)
    if app.state == "no":
        return verdict(Verdict.NOT_TARGETED, [who_reason, app.reason])
    checks = _condition_checks(conditions, facts)
    failed = [c.reason for c in checks if c.state == "no"]
    if failed:
        return verdict(Verdict.NOT_APPLICABLE, [who_reason, app.reason, *failed])
    unknown = [c.reason for c in [app, *checks] if c.state == "unknown"]
    reasons = [who_reason, app.reason, *(c.reason for c in checks if c.state == "yes" and not c.reason.endswith("any"))]
    if who is Verdict.UNKNOWN or unknown:
        return verdict(Verdict.UNKNOWN, [who_reason, *unknown])
    return verdict(Verdict.APPLIES, reasons)


def _combine(verdicts: list[PolicyVerdict]) -> tuple[Access, str]:
    on = [v for v in verdicts if v.enforced]
    applies = [v for v in on if v.verdict is Verdict.APPLIES]
    unknown = [v for v in on if v.verdict is Verdict.UNKNOWN]
    blocking = [v for v in applies if v.blocks]
    if blocking:
        return Access.BLOCKED, "Blocked by " + ", ".join(f"'{v.policy_name}'" for v in blocking) + "."
    requiring = [v for v in applies if v.controls and v.controls != "Block access"]
    if unknown:
        known = "; ".join(f"'{v.policy_name}': {v.controls}" for v in requiring)
        why = "; ".join(f"'{v.policy_name}' ({v.reasons[-1] if v.reasons else 'unknown'})" for v in unknown)
        return Access.UNKNOWN, f"Depends on {why}." + (f" Required so far: {known}." if known else "")
    grants = [v for v in requiring if v.controls.startswith("Grant access")]
    if grants:
        return Access.REQUIREMENTS, "All of these are required: " + "; ".join(
            f"'{v.policy_name}': {v.controls}" for v in requiring
        ) + "."
    if requiring:
        return Access.ALLOWED, "Allowed, with session controls: " + "; ".join(
            f"'{v.policy_name}': {v.controls}" for v in requiring
        ) + "."
    return Access.ALLOWED, "No policy that is on applies to this sign-in."


def _in_words(snapshot: Snapshot, catalog: Catalog, overview: CaOverview | None) -> dict[str, PolicyOverview]:
    """Each policy in words by id: from ``overview`` when the caller has it (the web app keeps one
    per collection), else read now."""
    words = overview.policies if overview is not None else policies_in_words(snapshot, catalog)
    return {p.id: p for p in words}


def _controls(words: PolicyOverview | None) -> str:
    return "; ".join(part for part in (words.grant, words.session) if part) if words is not None else ""


def what_if(
    snapshot: Snapshot,
    catalog: Catalog,
    sign_in: SignIn,
    directory: Directory | None = None,
    overview: CaOverview | None = None,
) -> WhatIf:
    """Every CA policy's verdict for ``sign_in`` and the combined result.

    ``overview`` (``ca_overview`` of the same snapshot) saves putting the policies in words again.

    Raises:
        SubjectError: the user isn't in the snapshot (or users weren't read).
        WhatIfError: an input that names nothing known (the message lists what is accepted).
    """
    directory = directory if directory is not None else Directory(snapshot)
    facts = facts_for(snapshot, directory, sign_in)
    words = _in_words(snapshot, catalog, overview)
    verdicts = [
        policy_verdict(policy, facts, directory, ENTRA_ROLES, _controls(words.get(str(policy.get("id") or ""))))
        for policy in ca_policies(snapshot)
    ]
    access, reason = _combine(verdicts)
    notes = []
    if sign_in.roles is None:
        notes.append(
            "Directory roles weren't given: policies that include or exclude roles are unknown "
            "unless the user is excluded or left out otherwise."
        )
    gaps = tuple(g for g in (type_gap(snapshot, key, catalog) for key in CA_TYPES) if g is not None)
    policies_gap = next((g for g in gaps if g.type_key == "conditionalAccessPolicies"), None)
    if policies_gap is not None and access is not Access.BLOCKED:
        # Policies not read (or read in part) are never "no policy applies".
        access, reason = Access.UNKNOWN, f"Conditional Access policies: {policies_gap.reason}."
    return WhatIf(sign_in, facts.person.label, access, reason, tuple(verdicts), tuple(notes), gaps)


def user_policies(
    snapshot: Snapshot,
    catalog: Catalog,
    user: str,
    directory: Directory | None = None,
    roles: tuple[str, ...] | None = None,
    overview: CaOverview | None = None,
) -> tuple[PolicyVerdict, ...]:
    """Which CA policies cover ``user`` (UPN or id): the users part only, for Troubleshoot.

    A covered policy is "Targeted" with its conditions as the last reason (they decide at each
    sign-in; the what-if evaluates them). Off policies are "Not targeted". ``overview`` as for
    ``what_if``.

    Raises:
        SubjectError: the user isn't in the snapshot (or users weren't read).
        WhatIfError: a role that names nothing.
    """
    directory = directory if directory is not None else Directory(snapshot)
    facts = facts_for(snapshot, directory, SignIn(user=user, roles=roles))
    words = _in_words(snapshot, catalog, overview)
    verdicts = []
    for policy in ca_policies(snapshot):
        in_words = words.get(str(policy.get("id") or ""))
        full = policy_verdict(policy, facts, directory, ENTRA_ROLES, _controls(in_words))
        users = policy.get("conditions", {}).get("users") if isinstance(policy.get("conditions"), Mapping) else None
        if full.state == "disabled" or not isinstance(users, Mapping):
            verdicts.append(full)
            continue
        who, reason = users_verdict(users, facts.person, directory, ENTRA_ROLES)
        if who is not None:
            verdicts.append(dataclasses.replace(full, verdict=who, reasons=(reason,)))
            continue
        parts = (in_words.resources, in_words.conditions) if in_words is not None else ()
        at_sign_in = "; ".join(p for p in parts if p)
        verdicts.append(
            dataclasses.replace(
                full, verdict=Verdict.APPLIES, reasons=(reason, f"Decided at each sign-in: {at_sign_in}.")
            )
        )
    return tuple(verdicts)
