"""What goes wrong with a filter rule, in the administrator's words, and where.

A ``FilterSyntaxError`` is raised by ``parse_rule`` and returned (never raised) by
``validate_rule``. Positions are 0-based offsets into the rule text; messages and
``display()`` show 1-based line/column, as an editor would.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ErrorCode", "FilterSyntaxError", "UnsupportedPlatformError", "caret_display"]


class ErrorCode(StrEnum):
    """A stable, machine-readable name for each kind of rule error (for UIs and tests)."""

    EMPTY_RULE = "empty_rule"
    TOO_LONG = "too_long"
    TOO_DEEP = "too_deep"
    UNEXPECTED_CHARACTER = "unexpected_character"
    SINGLE_QUOTES = "single_quotes"
    SMART_QUOTES = "smart_quotes"
    UNTERMINATED_STRING = "unterminated_string"
    ESCAPED_QUOTE = "escaped_quote"
    COMMENT = "comment"
    SYMBOL_OPERATOR = "symbol_operator"
    NOT_OPERATOR = "not_operator"
    UNSUPPORTED_OPERATOR = "unsupported_operator"
    NO_REGEX = "no_regex"
    UNKNOWN_OPERATOR = "unknown_operator"
    UNKNOWN_CONNECTOR = "unknown_connector"
    MISSING_CONNECTOR = "missing_connector"
    MISSING_CONDITION = "missing_condition"
    MISSING_OPERATOR = "missing_operator"
    MISSING_VALUE = "missing_value"
    UNQUOTED_VALUE = "unquoted_value"
    EMPTY_VALUE = "empty_value"
    EMPTY_LIST = "empty_list"
    UNCLOSED_LIST = "unclosed_list"
    LIST_SYNTAX = "list_syntax"
    EMPTY_PARENTHESES = "empty_parentheses"
    UNCLOSED_PARENTHESIS = "unclosed_parenthesis"
    UNMATCHED_PARENTHESIS = "unmatched_parenthesis"
    MISSING_ENTITY = "missing_entity"
    UNKNOWN_ENTITY = "unknown_entity"
    WRONG_ENTITY = "wrong_entity"
    UNKNOWN_PROPERTY = "unknown_property"
    PROPERTY_NOT_ON_PLATFORM = "property_not_on_platform"
    OPERATOR_NOT_FOR_PROPERTY = "operator_not_for_property"
    NULL_NOT_ALLOWED = "null_not_allowed"
    LIST_NOT_ALLOWED = "list_not_allowed"
    INVALID_VERSION = "invalid_version"


class FilterSyntaxError(Exception):
    """A rule Intune would refuse, with the position of the offending text.

    Attributes:
        message: what is wrong, in an administrator's words.
        position: 0-based offset of the offending text in ``rule``.
        length: how many characters the offending text spans (at least 1 for display).
        code: the kind of error (``ErrorCode``).
        rule: the full rule text, so ``display()`` needs no arguments.
    """

    def __init__(self, message: str, position: int, *, code: ErrorCode, rule: str, length: int = 1) -> None:
        self.message = message
        self.position = position
        self.length = max(1, length)
        self.code = code
        self.rule = rule
        super().__init__(f"{message} (line {self.line}, column {self.column})")

    @property
    def line(self) -> int:
        """1-based line of ``position`` (rules may span lines)."""
        return self.rule.count("\n", 0, self.position) + 1

    @property
    def column(self) -> int:
        """1-based column of ``position`` within its line."""
        return self.position - (self.rule.rfind("\n", 0, self.position) + 1) + 1

    def display(self, width: int = 100) -> str:
        """The offending line with a caret under the error, followed by the message."""
        return f"{caret_display(self.rule, self.position, self.length, width=width)}\n{self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        # Exception pickling replays self.args, which would miss the keyword arguments.
        return (_rebuild, (self.message, self.position, self.code, self.rule, self.length))

    def __repr__(self) -> str:
        return f"FilterSyntaxError(code={self.code.value!r}, position={self.position}, message={self.message!r})"


def _rebuild(message: str, position: int, code: ErrorCode, rule: str, length: int) -> FilterSyntaxError:
    return FilterSyntaxError(message, position, code=code, rule=rule, length=length)


class UnsupportedPlatformError(ValueError):
    """The platform name is not one that assignment filters exist for.

    Not a ``FilterSyntaxError``: the rule text may be fine, it is the caller's platform
    (a Graph ``devicePlatformType`` value) that this engine has no property table for.
    """


def caret_display(rule: str, position: int, length: int = 1, *, width: int = 100) -> str:
    """Show the line of ``rule`` containing ``position`` with ``^`` under the offending text.

    Long lines (rules can be 3,072 characters on one line) are cut to a window of about
    ``width`` characters around the position, marked with ``…``.
    """
    position = min(max(position, 0), len(rule))
    start = rule.rfind("\n", 0, position) + 1
    end = rule.find("\n", position)
    line = rule[start : len(rule) if end == -1 else end]
    column = position - start
    span = max(1, min(length, len(line) - column) if column < len(line) else 1)

    prefix = ""
    if len(line) > width:
        # Keep the caret roughly a third of the way in so the text after the error shows.
        left = max(0, min(column - width // 3, len(line) - width))
        right = left + width
        prefix = "…" if left > 0 else ""
        line = prefix + line[left:right] + ("…" if right < len(line) else "")
        column = column - left + len(prefix)
        span = min(span, max(1, right - (position - start)))

    # Copy tabs from the line so the caret lines up whatever the tab width is.
    pad = "".join("\t" if ch == "\t" else " " for ch in line[:column])
    return f"{line}\n{pad}{'^' * span}"
