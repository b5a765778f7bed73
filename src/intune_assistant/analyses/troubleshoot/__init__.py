"""Troubleshoot: effective assignments, resultant settings and what-if, for a user, a device or both.

Pure functions over a Snapshot::

    directory = Directory(snapshot)
    subject = resolve_subject(directory, user="ana@contoso.com", device="CONT-1234567")
    result = effective_assignments(snapshot, subject, catalog, directory=directory)
    for item in result.relevant():
        item.verdict, item.summary, item.steps     # verdict and its reason chain

Then ``resultant_settings(snapshot, result)`` combines the targeted policies' settings, and
``what_if(snapshot, subject, [AddToGroup(...)])`` shows what a change would change.

Verdicts: applies (shown as "Targeted" — targeting is not delivery), excluded, filtered out,
not applicable (platform), not targeted, unknown (always with the reason).
"""

from __future__ import annotations

from .evaluate import PreparedObjects, effective_assignments, explain_object, prepare_objects
from .filtering import FilterCheck, FilterDecision, FilterEvaluation, decide_filters
from .intents import INTENT_LABELS, IntentResolution, resolve_intents
from .model import VERDICT_LABELS, EffectiveAssignment, EffectiveAssignments, Step, StepKind, SubjectInfo, Verdict
from .resultant import (
    Contribution,
    ResultantSetting,
    ResultantSettings,
    combine_settings,
    group_rows_by_policy,
    resultant_settings,
)
from .subject import Subject, SubjectError, find_device, find_user, resolve_subject
from .whatif import (
    AddToGroup,
    Change,
    ChangeFilterRule,
    FilterImpact,
    RemoveFromGroup,
    SettingChange,
    VerdictChange,
    WhatIf,
    apply_changes,
    filter_rule_impact,
    what_if,
)

__all__ = [
    "INTENT_LABELS",
    "VERDICT_LABELS",
    "AddToGroup",
    "Change",
    "ChangeFilterRule",
    "Contribution",
    "EffectiveAssignment",
    "EffectiveAssignments",
    "FilterCheck",
    "FilterDecision",
    "FilterEvaluation",
    "FilterImpact",
    "IntentResolution",
    "PreparedObjects",
    "RemoveFromGroup",
    "ResultantSetting",
    "ResultantSettings",
    "SettingChange",
    "Step",
    "StepKind",
    "Subject",
    "SubjectError",
    "SubjectInfo",
    "Verdict",
    "VerdictChange",
    "WhatIf",
    "apply_changes",
    "combine_settings",
    "decide_filters",
    "effective_assignments",
    "explain_object",
    "filter_rule_impact",
    "find_device",
    "find_user",
    "group_rows_by_policy",
    "prepare_objects",
    "resolve_intents",
    "resolve_subject",
    "resultant_settings",
    "what_if",
]
