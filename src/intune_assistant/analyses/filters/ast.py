"""The parsed form of an assignment filter rule: immutable dataclasses.

Equality ignores where things were written (``span``) and how a version was quoted, so a rule
printed by ``format_rule`` and parsed again equals the original. Redundant parentheses leave no
trace; parentheses that group an ``and`` inside an ``and`` (or an ``or`` inside an ``or``) stay
as a nested node, so the tree keeps the shape the administrator wrote.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal, TypeAlias

from .versions import Version

__all__ = [
    "And",
    "Comparison",
    "Entity",
    "Expression",
    "FilterRule",
    "ListValue",
    "NullValue",
    "Operator",
    "Or",
    "Span",
    "StringValue",
    "Value",
    "VersionValue",
]

Entity: TypeAlias = Literal["device", "app"]


class Operator(Enum):
    """The comparison operators Intune accepts; the value is the canonical spelling."""

    EQ = "-eq"
    NE = "-ne"
    STARTS_WITH = "-startsWith"
    CONTAINS = "-contains"
    NOT_CONTAINS = "-notContains"
    IN = "-in"
    NOT_IN = "-notIn"
    GT = "-gt"
    GE = "-ge"
    LT = "-lt"
    LE = "-le"


@dataclass(frozen=True)
class Span:
    """Where a piece of the rule was written: 0-based ``start``, exclusive ``end``."""

    start: int
    end: int


_NO_SPAN = Span(0, 0)


@dataclass(frozen=True)
class StringValue:
    """A double-quoted value, kept exactly as written (spaces are trimmed only when matching)."""

    text: str


@dataclass(frozen=True)
class VersionValue:
    """A version for ``operatingSystemVersion``; ``quoted`` records how it was written."""

    version: Version
    quoted: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class NullValue:
    """``$null`` (or ``null``): the property has no value."""


@dataclass(frozen=True)
class ListValue:
    """The values of an ``-in`` / ``-notIn`` list, as written; ``""`` is allowed inside a list."""

    items: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.items:
            raise ValueError("a list value needs at least one item")


Value: TypeAlias = StringValue | VersionValue | NullValue | ListValue


@dataclass(frozen=True)
class Comparison:
    """One clause: ``entity.property operator value``, with the property's canonical spelling."""

    entity: Entity
    property: str
    operator: Operator
    value: Value
    span: Span = field(default=_NO_SPAN, compare=False)

    # builtins.property: the field named "property" shadows the decorator inside this class.
    @builtins.property
    def property_name(self) -> str:
        """The full property name as written in rules, e.g. ``device.deviceName``."""
        return f"{self.entity}.{self.property}"


@dataclass(frozen=True)
class And:
    """All operands must match (binds tighter than ``or``)."""

    operands: tuple[Expression, ...]

    def __post_init__(self) -> None:
        if len(self.operands) < 2:
            raise ValueError("'and' needs at least two operands")


@dataclass(frozen=True)
class Or:
    """At least one operand must match."""

    operands: tuple[Expression, ...]

    def __post_init__(self) -> None:
        if len(self.operands) < 2:
            raise ValueError("'or' needs at least two operands")


Expression: TypeAlias = Comparison | And | Or


@dataclass(frozen=True)
class FilterRule:
    """A parsed, valid rule for one platform (a Graph ``devicePlatformType`` value, canonical case)."""

    expression: Expression
    platform: str
    text: str = field(default="", compare=False)
