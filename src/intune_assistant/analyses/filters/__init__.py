"""The assignment-filter engine: parse, validate, print and evaluate Intune filter rules.

Pure functions, no I/O::

    rule = parse_rule('(device.model -startsWith "Surface") and (device.deviceOwnership -eq "Corporate")',
                      "windows10AndLater")
    result = evaluate(rule, device_properties(managed_device))
    result.outcome   # "match" | "no_match" | "unknown"
    result.reason    # which condition decided, with the value seen

Validation is local: Graph's ``validateFilter`` needs a write scope the product doesn't hold,
and it answers only valid/invalid, without a position.
"""

from __future__ import annotations

from .ast import (
    And,
    Comparison,
    Expression,
    FilterRule,
    ListValue,
    NullValue,
    Operator,
    Or,
    Span,
    StringValue,
    Value,
    VersionValue,
)
from .devices import device_properties
from .errors import ErrorCode, FilterSyntaxError, UnsupportedPlatformError, caret_display
from .evaluate import ClauseResult, FilterResult, Outcome, evaluate
from .parser import MAX_NESTING, parse_rule, validate_rule
from .printer import format_rule
from .properties import MAX_RULE_LENGTH, PLATFORMS, Platform, PropertyKind, PropertySpec, get_platform, properties_for
from .versions import Version

__all__ = [
    "MAX_NESTING",
    "MAX_RULE_LENGTH",
    "PLATFORMS",
    "And",
    "ClauseResult",
    "Comparison",
    "ErrorCode",
    "Expression",
    "FilterResult",
    "FilterRule",
    "FilterSyntaxError",
    "ListValue",
    "NullValue",
    "Operator",
    "Or",
    "Outcome",
    "Platform",
    "PropertyKind",
    "PropertySpec",
    "Span",
    "StringValue",
    "UnsupportedPlatformError",
    "Value",
    "Version",
    "VersionValue",
    "caret_display",
    "device_properties",
    "evaluate",
    "format_rule",
    "get_platform",
    "parse_rule",
    "properties_for",
    "validate_rule",
]
