"""Evaluate a parsed rule against a device's (or app's) filter properties, three-valued.

A property missing from the mapping means *we don't know it*, so a condition on it is
``unknown`` — never ``no_match`` (DESIGN §3: keep "unknown" apart from "no"). A property that
is present but ``None`` or empty is a known empty value, which Intune evaluates as null (lab:
``-eq $null`` matches, ``-ne "a"``/``-notIn``/``-notContains`` match, ``-contains``/``-startsWith``
don't).

``and``/``or`` follow Kleene's three-valued logic: no_match and unknown → no_match;
match or unknown → match; otherwise unknown. Rule values are data, compared as text or
versions; nothing in a rule is ever executed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

from .ast import And, Comparison, Expression, FilterRule, ListValue, NullValue, Operator, StringValue, VersionValue
from .printer import format_comparison
from .properties import LEGACY_APP_MANAGEMENT_TYPES
from .versions import compare_versions, parse_version

__all__ = ["ClauseResult", "FilterResult", "Outcome", "evaluate"]

Outcome: TypeAlias = Literal["match", "no_match", "unknown"]


@dataclass(frozen=True)
class ClauseResult:
    """How one condition came out.

    Attributes:
        clause: the condition.
        outcome: match, no_match or unknown.
        provided: whether the property was in the mapping at all.
        value_seen: the value as given (None when not provided or empty).
        reason: one sentence for an administrator.
    """

    clause: Comparison
    outcome: Outcome
    provided: bool
    value_seen: object
    reason: str


@dataclass(frozen=True)
class FilterResult:
    """The outcome of a rule and the conditions that decided it.

    ``decided_by`` holds, for ``match`` of an ``and`` (or ``no_match`` of an ``or``) every
    condition, for ``no_match`` of an ``and`` (``match`` of an ``or``) the first deciding one,
    and for ``unknown`` the conditions that could not be decided. ``missing_properties`` names
    the properties whose absence left the rule ``unknown``.
    """

    outcome: Outcome
    reason: str
    decided_by: tuple[ClauseResult, ...]
    missing_properties: tuple[str, ...] = ()


def evaluate(rule_ast: FilterRule | Expression, device_properties: Mapping[str, object]) -> FilterResult:
    """Evaluate a parsed rule against filter properties keyed by full name (``device.model``).

    Keys are matched case-insensitively. Values may be text, booleans (``True``/``False``),
    numbers or None (known to be empty). A property absent from the mapping makes the
    conditions on it ``unknown``; ``device_properties()`` builds such a mapping from Graph.

    Raises:
        ValueError: for a hand-built tree that pairs an operator with a value it can't take.
    """
    expression = rule_ast.expression if isinstance(rule_ast, FilterRule) else rule_ast
    index = {key.casefold(): value for key, value in device_properties.items() if isinstance(key, str)}
    return _evaluate(expression, index)


def _evaluate(expression: Expression, index: Mapping[str, object]) -> FilterResult:
    if isinstance(expression, Comparison):
        clause = _clause(expression, index)
        return _result(clause.outcome, (clause,))
    results = [_evaluate(operand, index) for operand in expression.operands]
    # The outcome that settles the group on its own: a failing 'and' member, a matching 'or' one.
    dominant: Outcome = "no_match" if isinstance(expression, And) else "match"
    for result in results:
        if result.outcome == dominant:
            return result
    undecided = [r for r in results if r.outcome == "unknown"]
    if undecided:
        return _result("unknown", tuple(c for r in undecided for c in r.decided_by))
    return _result(results[0].outcome, tuple(c for r in results for c in r.decided_by))


def _result(outcome: Outcome, clauses: tuple[ClauseResult, ...]) -> FilterResult:
    missing: tuple[str, ...] = ()
    if outcome == "unknown":
        names = (c.clause.property_name for c in clauses if not c.provided)
        missing = tuple(dict.fromkeys(names))
    return FilterResult(outcome, "; ".join(c.reason for c in clauses), clauses, missing)


def _show(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def _observe(value: object) -> tuple[str | None, str | None]:
    """(comparable text or None for an empty value, why it can't be compared or None)."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        # Boolean properties (isRooted, isTpmAttested) take "True"/"False" in rules.
        return ("True" if value else "False"), None
    if isinstance(value, str):
        return (value.strip() or None), None
    if isinstance(value, int | float):
        return str(value), None
    return None, f"a {type(value).__name__} value, which can't be compared"


def _clause(clause: Comparison, index: Mapping[str, object]) -> ClauseResult:
    name = clause.property_name
    text = format_comparison(clause)
    key = name.casefold()
    if key not in index:
        return ClauseResult(clause, "unknown", False, None, f"{name} wasn't provided, so {text} can't be decided")
    raw = index[key]
    seen, problem = _observe(raw)
    if problem is not None:
        return ClauseResult(clause, "unknown", True, raw, f"{name} is {problem}, so {text} can't be decided")
    holds = _holds(clause, seen)
    shown = "empty (null)" if seen is None else _show(raw)
    if holds is None:
        reason = f"{name} is {shown}, which isn't a version, so {text} can't be decided"
        return ClauseResult(clause, "unknown", True, raw, reason)
    verdict = "matches" if holds else "doesn't match"
    return ClauseResult(clause, "match" if holds else "no_match", True, raw, f"{name} is {shown}, so {text} {verdict}")


def _holds(clause: Comparison, seen: str | None) -> bool | None:
    """Whether the condition holds for the value ``seen``; None when it can't be decided."""
    operator, value = clause.operator, clause.value
    if isinstance(value, NullValue):
        if operator is Operator.EQ:
            return seen is None
        if operator is Operator.NE:
            return seen is not None
    elif isinstance(value, VersionValue):
        if seen is None:
            return operator is Operator.NE  # an empty version equals nothing and orders nowhere
        device_version = parse_version(seen)
        if device_version is None:
            return None
        order = compare_versions(device_version, value.version)
        by_operator = {
            Operator.EQ: order == 0,
            Operator.NE: order != 0,
            Operator.GT: order > 0,
            Operator.GE: order >= 0,
            Operator.LT: order < 0,
            Operator.LE: order <= 0,
        }
        if operator in by_operator:
            return by_operator[operator]
    elif isinstance(value, ListValue):
        # An empty value is the empty string here, which a list may hold ("" is allowed in lists).
        actual = (seen or "").casefold()
        member = actual in {item.strip().casefold() for item in value.items}
        if operator is Operator.IN:
            return member
        if operator is Operator.NOT_IN:
            return not member
    elif isinstance(value, StringValue):
        return _string_holds(clause, operator, value.text.strip().casefold(), seen)
    raise ValueError(f"{operator.value} can't take {value!r} (in {clause.property_name})")


def _string_holds(clause: Comparison, operator: Operator, expected: str, seen: str | None) -> bool:
    actual = (seen or "").casefold()
    if operator in (Operator.EQ, Operator.NE):
        equal = actual == expected
        if clause.entity == "app" and clause.property == "deviceManagementType":
            # Legacy values ("Managed", "Android Enterprise") stand for their granular sets (PROP).
            equal = equal or actual in LEGACY_APP_MANAGEMENT_TYPES.get(expected, frozenset())
        return equal if operator is Operator.EQ else not equal
    if operator is Operator.STARTS_WITH:
        return seen is not None and actual.startswith(expected)
    if operator is Operator.CONTAINS:
        return seen is not None and expected in actual
    if operator is Operator.NOT_CONTAINS:
        return seen is None or expected not in actual
    raise ValueError(f"{operator.value} can't take a single text value (in {clause.property_name})")
