"""Filter-mode precedence across the assignments of one object that reach a subject (reference §4, TS).

When several assignments of one policy reach a device, their filter modes rank
**Exclude > no filter > Include**: only filters of the winning mode are evaluated, and within one
mode any match counts (OR). So: any Exclude filter present → the Exclude filters alone decide
(one matches → filtered out, none → applies); else an assignment without a filter → applies
(Include filters aren't evaluated); else the Include filters decide (one matches → applies).

An ``unknown`` filter result keeps the decision unknown unless another filter of the same mode
already decides it (a matching Exclude filter filters out whatever the others say).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from intune_assistant.analyses.assignments import FilterMode, FilterRef, GroupRef

from .model import Step, StepKind

__all__ = ["FilterCheck", "FilterDecision", "FilterEvaluation", "FilterEvaluator", "FilterOutcome", "decide_filters"]

FilterOutcome = Literal["match", "no_match", "unknown"]
DecisionOutcome = Literal["applies", "filtered_out", "unknown"]


@dataclass(frozen=True)
class FilterCheck:
    """One reaching assignment: its filter (or none) and what it targets, for the reason text."""

    filter_id: str | None
    filter_mode: FilterMode | None
    target_label: str
    group: GroupRef | None = None


@dataclass(frozen=True)
class FilterEvaluation:
    """A filter's result for the subject's device."""

    filter: FilterRef
    outcome: FilterOutcome
    reason: str
    values: tuple[tuple[str, str], ...] = ()


FilterEvaluator = Callable[[str], FilterEvaluation]


@dataclass(frozen=True)
class FilterDecision:
    """The outcome of the filters of the reaching assignments, with the steps that decided it."""

    outcome: DecisionOutcome
    steps: tuple[Step, ...]


def _step(check: FilterCheck, result: FilterEvaluation, mode: FilterMode) -> Step:
    verdict = {"match": "matches", "no_match": "doesn't match", "unknown": "can't be evaluated"}[result.outcome]
    text = (
        f"{mode.value.capitalize()} filter '{result.filter.name}' on '{check.target_label}' {verdict}: {result.reason}"
    )
    return Step(
        StepKind.FILTER,
        text,
        group=check.group,
        filter=result.filter,
        filter_mode=mode.value,
        filter_outcome=result.outcome,
        values=result.values,
    )


def decide_filters(checks: Sequence[FilterCheck], evaluate: FilterEvaluator) -> FilterDecision:
    """Apply filter-mode precedence to ``checks`` (the assignments reaching the subject)."""
    excludes = [c for c in checks if c.filter_id and c.filter_mode is FilterMode.EXCLUDE]
    unfiltered = [c for c in checks if not c.filter_id]
    includes = [c for c in checks if c.filter_id and c.filter_mode is FilterMode.INCLUDE]
    steps: list[Step] = []
    modes = sum(bool(x) for x in (excludes, unfiltered, includes))
    if modes > 1 or (len(checks) > 1 and (excludes or includes)):
        present = ", ".join(
            name for name, items in (("Exclude", excludes), ("no filter", unfiltered), ("Include", includes)) if items
        )
        winner = (
            "only the Exclude filters are evaluated"
            if excludes
            else ("the assignment without a filter decides" if unfiltered else "the Include filters decide")
        )
        steps.append(
            Step(
                StepKind.FILTER_PRECEDENCE,
                f"{len(checks)} assignments reach this subject ({present}); filter modes rank "
                f"Exclude > no filter > Include, so {winner} (any match counts)",
            )
        )
    if excludes:
        results = [(c, evaluate(str(c.filter_id))) for c in excludes]
        matched = [(c, r) for c, r in results if r.outcome == "match"]
        unknown = [(c, r) for c, r in results if r.outcome == "unknown"]
        if matched:
            steps.extend(_step(c, r, FilterMode.EXCLUDE) for c, r in matched[:1])
            return FilterDecision("filtered_out", tuple(steps))
        steps.extend(_step(c, r, FilterMode.EXCLUDE) for c, r in results)
        return FilterDecision("unknown" if unknown else "applies", tuple(steps))
    if unfiltered:
        if includes:
            skipped = ", ".join(f"'{c.target_label}'" for c in includes)
            steps.append(Step(StepKind.NOTE, f"Include filters on {skipped} aren't evaluated"))
        return FilterDecision("applies", tuple(steps))
    results = [(c, evaluate(str(c.filter_id))) for c in includes]
    matched = [(c, r) for c, r in results if r.outcome == "match"]
    if matched:
        steps.extend(_step(c, r, FilterMode.INCLUDE) for c, r in matched[:1])
        return FilterDecision("applies", tuple(steps))
    steps.extend(_step(c, r, FilterMode.INCLUDE) for c, r in results)
    undecided = any(r.outcome == "unknown" for _, r in results)
    return FilterDecision("unknown" if undecided else "filtered_out", tuple(steps))
