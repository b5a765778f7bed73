"""Effective assignments: every policy, app and script's verdict for a user, a device, or a user on a device.

Order of evaluation (reference §4, "suggested order"): platform → group targeting (transitive,
per kind) → group exclusions (same kind only; a mixed user/device exclusion is flagged and does
not remove the inclusion) → app intent resolution → filter-mode precedence → filter rule.

Each included target reaches the subject as a *candidate* through the user or through the
device. A candidate is ``in``, ``excluded``, or ``maybe`` (its membership, or an exclusion's,
can't be read). The verdict is decided for the definite candidates plus every combination of
the ``maybe`` ones; when those disagree the verdict is ``unknown`` and the reason names what
couldn't be read — never "not targeted".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any, Literal

from intune_assistant.analyses.assignments import (
    Directory,
    FilterMode,
    GroupRef,
    Membership,
    ObjectRef,
    Target,
    TargetKind,
    assignable_types,
    failed_children,
    object_ref,
    object_targets,
    template_platforms,
    type_gaps,
)
from intune_assistant.catalog import Catalog, Platform, ResourceType, Templates, default_catalog, object_platform
from intune_assistant.snapshot import Snapshot

from .context import SubjectContext, build_context
from .filtering import FilterCheck, decide_filters
from .intents import INTENT_LABELS, Via, resolve_intents
from .model import EffectiveAssignment, EffectiveAssignments, Step, StepKind, SubjectInfo, Verdict
from .subject import Subject

__all__ = ["effective_assignments", "explain_object"]

# Workloads Microsoft documents as not supporting filters (reference §3, WL).
_FILTERS_UNSUPPORTED = frozenset({"powershellScripts", "shellScripts", "featureUpdateProfiles"})
# Past this many undecidable candidates, trying every combination isn't worth it: unknown.
_MAX_UNDECIDED = 6
# Types the verdicts depend on besides the assignable ones.
_DEPENDENCIES = ("groups", "users", "entraDevices", "managedDevices", "assignmentFilters")

Status = Literal["in", "maybe", "excluded"]


@dataclass(frozen=True)
class _Candidate:
    index: int
    target: Target
    via: Via
    membership: Membership
    label: str
    group: GroupRef | None
    status: Status
    steps: tuple[Step, ...]
    warnings: tuple[str, ...] = ()
    # A "maybe" only because an exclusion's membership is unknown: without it, it's excluded.
    doubtful_exclusion: bool = False


@dataclass(frozen=True)
class _Outcome:
    verdict: Verdict
    steps: tuple[Step, ...]
    intent: str | None = None
    warnings: tuple[str, ...] = ()
    # What the verdict came through, for the one-line summary (e.g. "'Pilot Users' (nested)").
    through: str = ""


def _who(via: str) -> str:
    return "the user" if via == "user" else "the device"


def _label(target: Target, directory: Directory) -> str:
    if target.kind is TargetKind.ALL_USERS:
        return "All users"
    if target.kind is TargetKind.ALL_DEVICES:
        return "All devices"
    if target.group_id:
        return directory.group_name(target.group_id)
    return f"target of type {target.odata_type}"


def _path_refs(directory: Directory, path: Sequence[str]) -> tuple[GroupRef, ...]:
    return tuple(directory.group_ref(g) for g in path)


def _chain(path: Sequence[GroupRef]) -> str:
    return " → ".join(f"'{g.name}'" for g in path)


def _included_step(directory: Directory, target: Target, via: Via, membership: Membership, label: str) -> Step:
    group = directory.group_ref(target.group_id) if target.group_id else None
    path = _path_refs(directory, membership.path)
    intent = f" ({INTENT_LABELS.get(target.intent, target.intent)})" if target.intent else ""
    if target.kind in (TargetKind.ALL_USERS, TargetKind.ALL_DEVICES):
        extra = (
            " (every user with an Intune licence)"
            if target.kind is TargetKind.ALL_USERS
            else " (every enrolled device)"
        )
        text = f"Included through {label}{extra}{intent}"
    elif len(path) > 1:
        text = f"Included through '{label}'{intent}: {_who(via)} is in it through nesting, {_chain(path)}"
    else:
        text = f"Included through '{label}'{intent}: {_who(via)} is a direct member"
    return Step(StepKind.TARGETED, text, group=group, path=path, via=via)


def _candidates(ctx: SubjectContext, targets: Sequence[Target], type_key: str) -> tuple[list[_Candidate], list[str]]:
    """Candidates (included targets reaching the subject) and why the other inclusions don't."""
    directory = ctx.directory
    vias: list[Via] = []
    if ctx.has_user:
        vias.append("user")
    if ctx.has_device:
        vias.append("device")
    exclusions = [(i, t) for i, t in enumerate(targets) if t.exclude and t.group_id]
    excluded_in: dict[tuple[int, str], Membership] = {
        (i, via): ctx.member(via, str(t.group_id)) for i, t in exclusions for via in vias
    }
    found: list[_Candidate] = []
    unreached: list[str] = []
    for index, target in enumerate(targets):
        if target.exclude:
            continue
        label = _label(target, directory)
        reaching: list[tuple[Via, Membership]] = []
        if target.kind is TargetKind.ALL_USERS:
            if ctx.has_user:
                reaching.append(("user", Membership("yes")))
            else:
                unreached.append("All users (no user given)")
        elif target.kind is TargetKind.ALL_DEVICES:
            if ctx.has_device:
                reaching.append(("device", Membership("yes")))
            else:
                unreached.append("All devices (no device given)")
        elif target.kind is TargetKind.GROUP and target.group_id:
            reasons = []
            for via in vias:
                membership = ctx.member(via, target.group_id)
                if membership.state == "no":
                    reasons.append(membership.reason or f"{_who(via)} isn't a member")
                else:
                    reaching.append((via, membership))
            if not reaching:
                unreached.append(f"'{label}' ({'; '.join(dict.fromkeys(reasons))})")
        else:
            why = f"target type {target.odata_type} isn't modelled, so whom it reaches is unknown"
            reaching.append((vias[0], Membership("unknown", reason=why)))
        # Autopilot profiles assigned to All devices take no exclusions (reference §4).
        applicable = () if type_key == "autopilotProfiles" and target.kind is TargetKind.ALL_DEVICES else exclusions
        for via, membership in reaching:
            candidate = _candidate(ctx, index, target, via, membership, label, applicable, excluded_in)
            if applicable is not exclusions and exclusions:
                note = Step(StepKind.NOTE, "Autopilot profiles assigned to All devices don't support exclusions")
                candidate = replace(candidate, steps=(*candidate.steps, note))
            found.append(candidate)
    return found, unreached


def _candidate(
    ctx: SubjectContext,
    index: int,
    target: Target,
    via: Via,
    membership: Membership,
    label: str,
    exclusions: Sequence[tuple[int, Target]],
    excluded_in: Mapping[tuple[int, str], Membership],
) -> _Candidate:
    directory = ctx.directory
    group = directory.group_ref(target.group_id) if target.group_id else None
    steps: list[Step] = []
    warnings: list[str] = []
    if membership.state == "yes":
        steps.append(_included_step(directory, target, via, membership, label))
    else:
        text = f"Whether {_who(via)} is in '{label}' is unknown: {membership.reason}"
        steps.append(Step(StepKind.UNKNOWN, text, group=group, via=via))
    hits = [(i, t, excluded_in[(i, via)]) for i, t in exclusions if excluded_in[(i, via)].state == "yes"]
    doubts = [(i, t, excluded_in[(i, via)]) for i, t in exclusions if excluded_in[(i, via)].state == "unknown"]
    other: Via = "device" if via == "user" else "user"
    status: Status
    if hits:
        _, exclusion, hit = hits[0]
        ex_group = directory.group_ref(str(exclusion.group_id))
        path = _path_refs(directory, hit.path)
        where = f"through nesting, {_chain(path)}" if len(path) > 1 else "a direct member"
        text = (
            f"Excluded through '{ex_group.name}' ({_who(via)} is {where}): an exclusion beats an inclusion "
            f"when both reach {_who(via)}"
        )
        steps.append(Step(StepKind.EXCLUDED, text, group=ex_group, path=path, via=via))
        if via == "device" and directory.is_dynamic(ex_group.id):
            steps.append(
                Step(
                    StepKind.NOTE,
                    f"'{ex_group.name}' is a dynamic device group: such exclusions can lag, so the policy may "
                    "land before the exclusion takes effect (Microsoft: partial support; prefer filters)",
                    group=ex_group,
                )
            )
        status = "excluded"
    elif doubts:
        _, exclusion, doubt = doubts[0]
        ex_group = directory.group_ref(str(exclusion.group_id))
        steps.append(
            Step(
                StepKind.UNKNOWN,
                f"Whether {_who(via)} is in exclusion group '{ex_group.name}' is unknown: {doubt.reason}",
                group=ex_group,
                via=via,
            )
        )
        status = "maybe"
    else:
        status = "in" if membership.state == "yes" else "maybe"
    if status != "excluded":
        for i, exclusion in exclusions:
            crossed = excluded_in.get((i, other))
            if crossed is None or crossed.state != "yes":
                continue
            ex_group = directory.group_ref(str(exclusion.group_id))
            text = (
                f"'{ex_group.name}' excludes {_who(other)}, but this inclusion reaches {_who(via)}: Intune applies "
                "exclusions only against inclusions of the same kind (user or device), so it doesn't remove it"
            )
            steps.append(Step(StepKind.MIXED_EXCLUSION, text, group=ex_group, via=other))
            warnings.append(
                f"Mixed exclusion: '{ex_group.name}' excludes {_who(other)} while '{label}' includes {_who(via)}; "
                "Intune doesn't support excluding across user and device groups"
            )
    doubtful = status == "maybe" and bool(doubts) and membership.state == "yes"
    return _Candidate(index, target, via, membership, label, group, status, tuple(steps), tuple(warnings), doubtful)


def _decide(
    ctx: SubjectContext,
    record: ResourceType,
    unsupported_filters: bool,
    chosen: Sequence[_Candidate],
    any_excluded: bool,
) -> _Outcome:
    """The verdict if exactly ``chosen`` reach the subject (``any_excluded``: others were excluded)."""
    if not chosen:
        return _Outcome(Verdict.EXCLUDED if any_excluded else Verdict.NOT_TARGETED, ())
    steps: list[Step] = []
    intent: str | None = None
    winners = list(chosen)
    if record.key == "mobileApps":
        resolution = resolve_intents((c.via, c.target.intent) for c in chosen)
        steps.append(Step(StepKind.INTENT, resolution.text))
        if resolution.resolved is None:
            return _Outcome(Verdict.UNKNOWN, tuple(steps))
        intent = resolution.resolved
        winners = [c for c in chosen if (c.via, c.target.intent) in resolution.winners]
        if len(winners) < len(chosen):
            steps.append(
                Step(StepKind.NOTE, "Intent resolves before filters: only the winning intent's assignments count")
            )
    seen: dict[int, _Candidate] = {}
    for candidate in winners:
        seen.setdefault(candidate.index, candidate)
    checks = [
        FilterCheck(c.target.filter_id, c.target.filter_mode, c.label, c.group)
        for c in sorted(seen.values(), key=lambda c: c.index)
    ]
    decision = decide_filters(checks, ctx.filter_result)
    first = min(_decisive(seen.values(), decision.outcome, decision.steps), key=_plainest)
    through = first.label
    if first.target.kind is TargetKind.GROUP:
        through = f"'{first.label}'" + (" (nested)" if len(first.membership.path) > 1 else "")
    steps.extend(decision.steps)
    verdict = {"applies": Verdict.APPLIES, "filtered_out": Verdict.FILTERED_OUT, "unknown": Verdict.UNKNOWN}[
        decision.outcome
    ]
    warnings: tuple[str, ...] = ()
    if unsupported_filters and any(c.filter_id for c in checks):
        warnings = (f"Microsoft documents that assignment filters aren't supported for {record.label}",)
        if verdict is not Verdict.APPLIES:
            steps.append(
                Step(
                    StepKind.UNKNOWN,
                    f"Filters aren't supported for {record.label} (Microsoft docs), so whether Intune honours "
                    "this filter is unknown",
                )
            )
            verdict = Verdict.UNKNOWN
    return _Outcome(verdict, tuple(steps), intent, warnings, through)


def _plainest(candidate: _Candidate) -> tuple[bool, int, int]:
    return (candidate.membership.state != "yes", len(candidate.membership.path), candidate.index)


def _decisive(candidates: Iterable[_Candidate], outcome: str, steps: Sequence[Step]) -> list[_Candidate]:
    """The candidates the verdict came through: the one whose Include filter matched, or the
    unfiltered ones when "no filter" won the precedence; else all."""
    pool = list(candidates)
    if outcome == "applies":
        matched = {s.filter.id for s in steps if s.kind is StepKind.FILTER and s.filter_outcome == "match" and s.filter}
        by_filter = [c for c in pool if c.target.filter_id in matched]
        unfiltered = [c for c in pool if not c.target.filter_id]
        if by_filter:
            return by_filter
        if unfiltered and any(c.target.filter_mode is FilterMode.INCLUDE for c in pool):
            return unfiltered
    return pool


def _subsets(items: Sequence[_Candidate]) -> Iterable[tuple[_Candidate, ...]]:
    for size in range(len(items) + 1):
        yield from combinations(items, size)


def _summary(
    verdict: Verdict, steps: Sequence[Step], intent: str | None, unreached: Sequence[str], through: str
) -> str:
    def first(*kinds: StepKind) -> Step | None:
        return next((s for s in steps if s.kind in kinds), None)

    intent_text = f" as {INTENT_LABELS.get(intent, intent)}" if intent else ""
    if verdict is Verdict.APPLIES:
        return f"Targeted{intent_text} through {through or 'an assignment'}"
    if verdict is Verdict.EXCLUDED:
        step = first(StepKind.EXCLUDED)
        return f"Excluded through '{step.group.name}'" if step and step.group else "Excluded"
    if verdict is Verdict.FILTERED_OUT:
        step = first(StepKind.FILTER)
        if step and step.filter:
            mode = (step.filter_mode or "").capitalize()
            result = "matches" if step.filter_outcome == "match" else "doesn't match"
            return f"Filtered out{intent_text}: {mode} filter '{step.filter.name}' {result}"
        return "Filtered out"
    if verdict is Verdict.NOT_APPLICABLE:
        step = first(StepKind.PLATFORM)
        return step.text if step else "Not applicable on this platform"
    if verdict is Verdict.NOT_TARGETED:
        if not unreached:
            return "Not assigned"
        return "Not targeted: " + "; ".join(unreached[:3]) + ("; …" if len(unreached) > 3 else "")
    step = first(StepKind.UNKNOWN)
    if step is None:
        filter_step = next((s for s in steps if s.kind is StepKind.FILTER and s.filter_outcome == "unknown"), None)
        step = filter_step or first(StepKind.INTENT)
    return f"Unknown: {step.text}" if step else "Unknown"


@dataclass(frozen=True)
class _Object:
    """What a verdict reads of one assignable object, whoever the subject."""

    record: ResourceType
    obj: Mapping[str, Any]
    ref: ObjectRef
    platform: Platform
    targets: tuple[Target, ...] | None
    problem: str | None


@dataclass(frozen=True)
class PreparedObjects:
    """Every assignable object as verdicts read it, in result order: computed once per snapshot.

    ``effective_assignments`` builds this itself unless given one; a server asked about many
    subjects of one snapshot prepares it once (``prepare_objects``) and passes it in.
    """

    objects: tuple[_Object, ...]
    baselines: frozenset[str]
    types: tuple[str, ...]


def _prepared_object(
    record: ResourceType,
    obj: Mapping[str, Any],
    snapshot: Snapshot,
    templates: Templates,
    failed: Mapping[str, str],
) -> _Object:
    ref = object_ref(record, obj, snapshot, templates)
    problem = failed.get(ref.name) or failed.get(ref.id)
    platform = object_platform(record.key, obj, templates=templates)
    return _Object(record, obj, ref, platform, object_targets(record.key, obj), problem)


def prepare_objects(
    snapshot: Snapshot, catalog: Catalog | None = None, *, types: Sequence[str] | None = None
) -> PreparedObjects:
    """The subject-independent part of ``effective_assignments`` for ``snapshot`` (``types`` as there)."""
    catalog = catalog or default_catalog()
    templates = template_platforms(snapshot)
    records = [r for r in assignable_types(catalog) if types is None or r.key in types]
    objects: list[_Object] = []
    for record in records:
        failed = failed_children(snapshot, record.key, "assignments")
        objects.extend(
            _prepared_object(record, obj, snapshot, templates, failed)
            for obj in snapshot.read_objects(record.key) or ()
        )
    objects.sort(key=lambda o: (o.ref.type_label, o.ref.name.casefold()))
    return PreparedObjects(tuple(objects), _baseline_templates(snapshot), tuple(r.key for r in records))


def _evaluate(ctx: SubjectContext, item: _Object, baselines: frozenset[str]) -> EffectiveAssignment:
    record, obj, ref = item.record, item.obj, item.ref
    platform_steps: list[Step] = []
    mismatch = False
    if ctx.has_device:
        platform = item.platform
        if platform.family is not None and ctx.platform is not None:
            mismatch = platform.family is not ctx.platform
            device_os = ctx.platform.value
            text = f"For {platform.label}; the device runs {device_os}"
            if mismatch:
                text = f"Not applicable: it's for {platform.label} and the device runs {device_os}"
            platform_steps.append(Step(StepKind.PLATFORM, text))
    targets, problem = item.targets, item.problem
    if targets is None or problem:
        why = (
            f"its assignments couldn't all be read: {problem}" if problem else "the snapshot has no assignments for it"
        )
        steps = (*platform_steps, Step(StepKind.UNKNOWN, f"Whom it targets is unknown: {why}"))
        verdict = Verdict.NOT_APPLICABLE if mismatch else Verdict.UNKNOWN
        return EffectiveAssignment(ref, verdict, _summary(verdict, steps, None, (), ""), steps)
    if not targets:
        steps = (*platform_steps, Step(StepKind.NOT_REACHED, "It isn't assigned to anyone"))
        return EffectiveAssignment(ref, Verdict.NOT_TARGETED, "Not assigned", steps)
    candidates, unreached = _candidates(ctx, targets, record.key)
    unsupported = record.key in _FILTERS_UNSUPPORTED or (
        record.key == "securityIntents" and str(obj.get("templateId")) in baselines
    )
    definite = [c for c in candidates if c.status == "in"]
    undecided = [c for c in candidates if c.status == "maybe"]
    any_excluded = any(c.status == "excluded" for c in candidates)
    candidate_steps = tuple(s for c in candidates for s in c.steps)
    warnings = tuple(dict.fromkeys(w for c in candidates for w in c.warnings))
    reached = any(c.membership.state == "yes" for c in candidates)
    if len(undecided) > _MAX_UNDECIDED:
        outcome = _Outcome(Verdict.UNKNOWN, (Step(StepKind.UNKNOWN, "Too many memberships are unknown to decide"),))
    else:
        outcomes = [
            _decide(
                ctx,
                record,
                unsupported,
                [*definite, *extra],
                any_excluded or any(c.doubtful_exclusion and c not in extra for c in undecided),
            )
            for extra in _subsets(undecided)
        ]
        verdicts = {(o.verdict, o.intent) for o in outcomes}
        if len(verdicts) == 1:
            outcome = outcomes[0] if definite or not undecided else outcomes[-1]
        else:
            labels = sorted({o.verdict.value.replace("_", " ") for o in outcomes})
            text = f"What couldn't be read decides it: the verdict would be {' or '.join(labels)}"
            outcome = _Outcome(Verdict.UNKNOWN, (Step(StepKind.UNKNOWN, text),))
        warnings = tuple(dict.fromkeys([*warnings, *(w for o in outcomes for w in o.warnings)]))
    steps = (*platform_steps, *candidate_steps, *outcome.steps)
    verdict = outcome.verdict
    if outcome.verdict is Verdict.NOT_TARGETED and unreached:
        steps = (*steps, Step(StepKind.NOT_REACHED, "Not reached: " + "; ".join(unreached)))
    if mismatch:
        verdict = Verdict.NOT_APPLICABLE
    summary = _summary(verdict, steps, outcome.intent, unreached, outcome.through)
    return EffectiveAssignment(ref, verdict, summary, steps, outcome.intent, reached, warnings)


def _subject_info(ctx: SubjectContext, subject: Subject) -> SubjectInfo:
    directory = ctx.directory
    notes = list(subject.notes)
    if ctx.device_groups is not None and ctx.device_groups_reason:
        notes.append(ctx.device_groups_reason[0].upper() + ctx.device_groups_reason[1:] + ".")
    return SubjectInfo(
        user_id=subject.user_id,
        user=directory.user_label(subject.user_id) if subject.user_id else None,
        device_id=subject.device_id,
        device=directory.device_label(subject.device_id) if subject.device_id else None,
        device_platform=ctx.platform.value if ctx.platform else None,
        notes=tuple(notes),
    )


def _baseline_templates(snapshot: Snapshot) -> frozenset[str]:
    return frozenset(
        str(t.get("id"))
        for t in snapshot.read_objects("securityTemplates") or ()
        if str(t.get("templateType") or "").casefold() == "securitybaseline"
    )


def effective_assignments(
    snapshot: Snapshot,
    subject: Subject,
    catalog: Catalog | None = None,
    *,
    directory: Directory | None = None,
    types: Sequence[str] | None = None,
    prepared: PreparedObjects | None = None,
) -> EffectiveAssignments:
    """Every assignable object's verdict for ``subject``, with reason chains.

    ``types`` limits the evaluation to those catalog keys. Types that failed or weren't collected
    are in ``gaps``: their objects' verdicts are unknown, never "not targeted". ``prepared`` (from
    ``prepare_objects`` of the same snapshot and ``types``) skips the work no subject changes.
    """
    catalog = catalog or default_catalog()
    directory = directory or Directory(snapshot)
    prepared = prepared or prepare_objects(snapshot, catalog, types=types)
    ctx = build_context(directory, subject)
    items = [_evaluate(ctx, item, prepared.baselines) for item in prepared.objects]
    gaps = type_gaps(snapshot, [*prepared.types, *_DEPENDENCIES], catalog)
    return EffectiveAssignments(_subject_info(ctx, subject), tuple(items), gaps)


def explain_object(
    snapshot: Snapshot,
    subject: Subject,
    type_key: str,
    object_id: str,
    catalog: Catalog | None = None,
    *,
    directory: Directory | None = None,
) -> EffectiveAssignment:
    """One object's verdict for ``subject``.

    Raises:
        KeyError: when the object isn't in the snapshot.
    """
    catalog = catalog or default_catalog()
    directory = directory or Directory(snapshot)
    record = catalog[type_key]
    obj = next((o for o in snapshot.read_objects(type_key) or () if o.get("id") == object_id), None)
    if obj is None:
        raise KeyError(f"no {record.label} object {object_id!r} in the snapshot")
    failed = failed_children(snapshot, type_key, "assignments")
    item = _prepared_object(record, obj, snapshot, template_platforms(snapshot), failed)
    return _evaluate(build_context(directory, subject), item, _baseline_templates(snapshot))
