"""Print a parsed rule back to rule text that parses to the same tree.

Each condition is printed in parentheses, as the Intune portal writes rules. A group is
parenthesised when it would otherwise merge with its parent (``and`` inside ``and``, ``or``
inside ``or``) or lose to precedence (``or`` inside ``and``).
"""

from __future__ import annotations

from .ast import And, Comparison, Expression, FilterRule, ListValue, NullValue, Or, StringValue, Value, VersionValue

__all__ = ["format_comparison", "format_rule", "format_value"]


def _string(text: str) -> str:
    if '"' in text:
        # Intune has no escape for a double quote inside a value, so no rule text can say this.
        raise ValueError(f"a filter value can't contain a double quote: {text!r}")
    return f'"{text}"'


def format_value(value: Value) -> str:
    """A value as rule text: ``"text"``, ``10.0.22631``, ``$null`` or ``["a", "b"]``."""
    if isinstance(value, StringValue):
        return _string(value.text)
    if isinstance(value, VersionValue):
        text = str(value.version)
        return _string(text) if value.quoted else text
    if isinstance(value, NullValue):
        return "$null"
    if isinstance(value, ListValue):
        return "[" + ", ".join(_string(item) for item in value.items) + "]"
    raise TypeError(f"not a filter value: {value!r}")


def format_comparison(comparison: Comparison) -> str:
    """One condition in parentheses, e.g. ``(device.deviceName -startsWith "KIOSK")``."""
    return f"({comparison.property_name} {comparison.operator.value} {format_value(comparison.value)})"


def _format(expression: Expression) -> str:
    if isinstance(expression, Comparison):
        return format_comparison(expression)
    if isinstance(expression, And):
        # Any group inside an 'and' needs parentheses: an 'or' would lose to precedence,
        # an 'and' would be flattened into this one.
        return " and ".join(
            _format(op) if isinstance(op, Comparison) else f"({_format(op)})" for op in expression.operands
        )
    if isinstance(expression, Or):
        return " or ".join(f"({_format(op)})" if isinstance(op, Or) else _format(op) for op in expression.operands)
    raise TypeError(f"not a filter expression: {expression!r}")


def format_rule(rule: FilterRule | Expression) -> str:
    """Rule text for a parsed rule or expression; parsing it again gives an equal tree.

    Raises:
        ValueError: when a value contains a double quote, which rule text can't express.
    """
    return _format(rule.expression if isinstance(rule, FilterRule) else rule)
