"""What the Conditional Access overview and what-if report, in the admin center's words.

Per-policy verdicts reuse Troubleshoot's vocabulary (``Verdict``): a policy *applies* to a sign-in
("Targeted"), the user is *excluded*, the policy *doesn't target* the user or app, its conditions
make it *not applicable*, or it is *unknown* — always with the reason, never folded into "no".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from intune_assistant.analyses.assignments import TypeGap
from intune_assistant.analyses.settings import SettingRow
from intune_assistant.analyses.troubleshoot import VERDICT_LABELS, Verdict
from intune_assistant.catalog.conditional_access import CA_STATES

__all__ = [
    "CA_VERDICT_LABELS",
    "Access",
    "CaOverview",
    "Finding",
    "FindingKind",
    "PolicyOverview",
    "PolicyVerdict",
    "SignIn",
    "WhatIf",
]

# Troubleshoot's words; "not applicable" is about any condition here, not only the platform.
CA_VERDICT_LABELS: dict[Verdict, str] = {**VERDICT_LABELS, Verdict.NOT_APPLICABLE: "Not applicable (conditions)"}


@dataclass(frozen=True)
class PolicyOverview:
    """One CA policy in words: state, who, which resources, conditions, grant and session.

    ``rows`` are the documentation's rows (names, never ids); the summaries join them per part.
    """

    id: str
    name: str
    state: str
    state_label: str
    users: str
    resources: str
    conditions: str
    grant: str
    session: str
    modified: str | None
    rows: tuple[SettingRow, ...]


class FindingKind(StrEnum):
    """The gaps the overview looks for, worded as the report shows them."""

    NO_ADMIN_MFA = "No MFA for administrators"
    LEGACY_AUTH = "Legacy authentication not blocked"
    MANY_EXCLUDED = "Many users excluded"
    BREAK_GLASS = "Break-glass account not excluded"
    REPORT_ONLY = "Report-only for a long time"
    DELETED_REFERENCE = "Deleted group, user or location"


@dataclass(frozen=True)
class Finding:
    """One gap, with the policy it is about (None for a tenant-wide gap) and the reason."""

    kind: FindingKind
    reason: str
    policy_id: str | None = None
    policy_name: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The finding as the JSON API and ``ca --json`` give it."""
        return {
            "finding": self.kind.value,
            "policy": self.policy_name,
            "policy_id": self.policy_id,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class CaOverview:
    """Every CA policy of a tenant, the gaps found, and what the snapshot couldn't tell."""

    policies: tuple[PolicyOverview, ...]
    findings: tuple[Finding, ...]
    gaps: tuple[TypeGap, ...]
    break_glass: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignIn:
    """A sign-in to evaluate; None means "not said", and policies that depend on it are unknown.

    Attributes:
        user: the user's UPN or id.
        app: an application id, a first-party app's name, or None.
        platform: a device platform (``windows``, ``iOS``... or Intune's words), or None.
        location: named location (name or id), IP address, two-letter country code, ``elsewhere``
            (in no named location); several separated by commas (an IP and its country).
        client_app: ``browser``, ``mobileAppsAndDesktopClients``, ``exchangeActiveSync``, ``other``.
        roles: the user's directory roles (names or template ids); None when not said.
        user_risk: ``none``, ``low``, ``medium`` or ``high`` (None: not said).
        sign_in_risk: as ``user_risk``.
    """

    user: str
    app: str | None = None
    platform: str | None = None
    location: str | None = None
    client_app: str | None = None
    roles: tuple[str, ...] | None = None
    user_risk: str | None = None
    sign_in_risk: str | None = None


class Access(StrEnum):
    """What Conditional Access as a whole does to the sign-in."""

    BLOCKED = "Blocked"
    REQUIREMENTS = "Allowed with requirements"
    ALLOWED = "Allowed"
    UNKNOWN = "Unknown"


@dataclass(frozen=True)
class PolicyVerdict:
    """One policy's verdict for the sign-in, with its reason chain and what it would enforce."""

    policy_id: str
    policy_name: str
    state: str
    verdict: Verdict
    reasons: tuple[str, ...]
    controls: str = ""
    blocks: bool = False

    @property
    def label(self) -> str:
        """The verdict as shown to admins."""
        return CA_VERDICT_LABELS[self.verdict]

    @property
    def state_label(self) -> str:
        """The policy's state in the admin center's words (On, Report-only, Off)."""
        return CA_STATES.get(self.state, self.state)

    @property
    def enforced(self) -> bool:
        """True for a policy that is on (report-only and off policies enforce nothing)."""
        return self.state == "enabled"

    def as_json(self) -> dict[str, Any]:
        """The verdict as the JSON API and ``ca whatif --json`` give it."""
        return {
            "policy": self.policy_name,
            "policy_id": self.policy_id,
            "state": self.state,
            "verdict": self.verdict.value,
            "label": self.label,
            "controls": self.controls,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class WhatIf:
    """Every policy's verdict for one sign-in and the combined result, with its reason."""

    sign_in: SignIn
    user_label: str
    access: Access
    reason: str
    verdicts: tuple[PolicyVerdict, ...]
    notes: tuple[str, ...] = ()
    gaps: tuple[TypeGap, ...] = field(default_factory=tuple)

    def enforced(self, *verdicts: Verdict) -> tuple[PolicyVerdict, ...]:
        """Policies that are on, with one of ``verdicts`` (all when none given)."""
        return tuple(v for v in self.verdicts if v.enforced and (not verdicts or v.verdict in verdicts))

    def report_only(self) -> tuple[PolicyVerdict, ...]:
        """Report-only policies that would apply (or might: unknown)."""
        return tuple(
            v
            for v in self.verdicts
            if v.state == "enabledForReportingButNotEnforced" and v.verdict in (Verdict.APPLIES, Verdict.UNKNOWN)
        )

    def find(self, name: str) -> PolicyVerdict:
        """The verdict of the policy named ``name`` (case-insensitive) or with that id.

        Raises:
            KeyError: no such policy.
        """
        key = name.strip().casefold()
        for verdict in self.verdicts:
            if verdict.policy_name.casefold() == key or verdict.policy_id.casefold() == key:
                return verdict
        raise KeyError(name)
