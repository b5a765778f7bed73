"""Conditional Access: every policy in words, the gaps in them, and what-if for a sign-in.

Pure functions over a Snapshot::

    overview = ca_overview(snapshot, catalog)          # policies in words + findings + gaps
    result = what_if(snapshot, catalog, SignIn(user="ana@contoso.com", app="Office 365 Exchange Online",
                                               platform="iOS", location="203.0.113.7", client_app="browser"))
    result.access, result.reason                        # Blocked / Allowed with requirements / Allowed / Unknown
    for verdict in result.verdicts: verdict.label, verdict.reasons

Per-policy verdicts use Troubleshoot's vocabulary; "unknown" always carries its reason.
"""

from __future__ import annotations

from .audience import role_ids
from .findings import BREAK_GLASS_WORDS, REPORT_ONLY_DAYS
from .model import (
    CA_VERDICT_LABELS,
    Access,
    CaOverview,
    Finding,
    FindingKind,
    PolicyOverview,
    PolicyVerdict,
    SignIn,
    WhatIf,
)
from .overview import CA_TYPES, ca_overview, ca_policies, policy_overview
from .serialize import overview_json, what_if_json
from .whatif import WhatIfError, user_policies, what_if

__all__ = [
    "BREAK_GLASS_WORDS",
    "CA_TYPES",
    "CA_VERDICT_LABELS",
    "REPORT_ONLY_DAYS",
    "Access",
    "CaOverview",
    "Finding",
    "FindingKind",
    "PolicyOverview",
    "PolicyVerdict",
    "SignIn",
    "WhatIf",
    "WhatIfError",
    "ca_overview",
    "ca_policies",
    "overview_json",
    "policy_overview",
    "role_ids",
    "user_policies",
    "what_if",
    "what_if_json",
]
