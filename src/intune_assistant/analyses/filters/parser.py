"""Recursive-descent parser for assignment filter rules, refusing what Intune refuses.

Grammar (keywords and operators case-insensitive, ``-`` optional before them)::

    rule       := or_expr END
    or_expr    := and_expr ( ("or" | "-or") and_expr )*
    and_expr   := primary ( ("and" | "-and") primary )*         -- "and" binds tighter (lab)
    primary    := "(" or_expr ")" | comparison
    comparison := ENTITY "." PROPERTY OPERATOR value
    value      := STRING | VERSION | "$null" | "null" | "[" STRING ("," STRING)* ","? "]"

Two kinds of error: *syntax* errors stop parsing at once (we can't tell what follows), while
*meaning* errors (a property the platform lacks, an operator the property doesn't take, a bad
version) are collected and parsing goes on, so ``validate_rule`` can list all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from .errors import ErrorCode, FilterSyntaxError
from .lexer import Lexer, Token, TokenKind
from .properties import (
    MAX_RULE_LENGTH,
    PLATFORMS,
    Platform,
    PropertyKind,
    PropertySpec,
    get_platform,
    lookup_property,
    properties_for,
    similar_properties,
)
from .versions import RULE_VERSION_PARTS, parse_version

__all__ = ["MAX_NESTING", "analyse_rule", "parse_rule", "validate_rule"]

# Each nesting level costs three Python frames; 100 levels keeps far below the interpreter's
# recursion limit. Intune documents no limit; no real rule comes close.
MAX_NESTING = 100

_OPERATORS = {op.value[1:].casefold(): op for op in Operator}
_CONNECTORS = {"and": "and", "-and": "and", "or": "or", "-or": "or"}
_NOT_WORDS = frozenset({"not", "-not"})
_NOT_MESSAGE = "Filter rules have no 'not'; use -ne, -notIn or -notContains, or an Exclude filter"

# Operators people try that Intune refuses, and what to write instead.
_REFUSED_OPERATORS: dict[str, tuple[ErrorCode, str]] = {
    "endswith": (
        ErrorCode.UNSUPPORTED_OPERATOR,
        "-endsWith isn't supported in filter rules (Graph lists it, the service refuses it); use -contains",
    ),
    "notendswith": (ErrorCode.UNSUPPORTED_OPERATOR, "-notEndsWith isn't supported in filter rules; use -notContains"),
    "notstartswith": (
        ErrorCode.UNSUPPORTED_OPERATOR,
        "-notStartsWith isn't supported in filter rules; use -notContains or an Exclude filter with -startsWith",
    ),
    "equals": (ErrorCode.UNSUPPORTED_OPERATOR, "Write -eq, not -equals"),
    "notequals": (ErrorCode.UNSUPPORTED_OPERATOR, "Write -ne, not -notEquals"),
    "match": (ErrorCode.NO_REGEX, "Filter rules have no regular expressions (-match); use -startsWith or -contains"),
    "notmatch": (ErrorCode.NO_REGEX, "Filter rules have no regular expressions (-notMatch); use -notContains"),
    "like": (ErrorCode.NO_REGEX, "Filter rules have no wildcards (-like); use -startsWith or -contains"),
    "notlike": (ErrorCode.NO_REGEX, "Filter rules have no wildcards (-notLike); use -notContains"),
    "xor": (ErrorCode.UNKNOWN_CONNECTOR, "Only 'and' and 'or' combine conditions; 'xor' isn't supported"),
}

_OPERATOR_LIST = "-eq, -ne, -startsWith, -contains, -notContains, -in, -notIn (and -gt, -ge, -lt, -le for versions)"


@dataclass(frozen=True)
class _RawValue:
    """A value as written, before we know what the property makes of it."""

    kind: str  # "string" | "number" | "null" | "list"
    text: str
    items: tuple[Token, ...]
    start: int
    end: int


def _word(token: Token) -> str:
    return token.text.casefold() if token.kind in (TokenKind.WORD, TokenKind.DASH_WORD) else ""


def _quote(text: str) -> str:
    return f'"{text}"'


class _Parser:
    def __init__(self, rule: str, platform: Platform) -> None:
        self.rule = rule
        self.platform = platform
        self.lexer = Lexer(rule)
        self.errors: list[FilterSyntaxError] = []
        self.prev: Token | None = None
        # The first real token is read in parse(), where lexing errors are expected.
        self.tok = Token(TokenKind.EOF, "", 0, 0)
        self.depth = 0

    # -- helpers -----------------------------------------------------------------------------

    def _error(self, message: str, start: int, code: ErrorCode, end: int | None = None) -> FilterSyntaxError:
        length = 1 if end is None else end - start
        return FilterSyntaxError(message, start, code=code, rule=self.rule, length=length)

    def _error_at(self, token: Token, message: str, code: ErrorCode) -> FilterSyntaxError:
        return self._error(message, token.start, code, max(token.end, token.start + 1))

    def _note(self, error: FilterSyntaxError) -> None:
        self.errors.append(error)

    def _at(self, kind: TokenKind) -> bool:
        # A method rather than an inline test: mypy would otherwise keep self.tok narrowed
        # across _advance(), which replaces it.
        return self.tok.kind is kind

    def _advance(self) -> Token:
        token = self.tok
        self.prev = token
        self.tok = self.lexer.next_token()
        return token

    # -- structure ---------------------------------------------------------------------------

    def parse(self) -> Expression:
        self.tok = self.lexer.next_token()
        expression = self._or()
        if self.tok.kind is not TokenKind.EOF:
            raise self._unexpected_after_condition(inside_parentheses=False)
        return expression

    def _or(self) -> Expression:
        operands = [self._and()]
        while _CONNECTORS.get(_word(self.tok)) == "or":
            self._advance()
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def _and(self) -> Expression:
        operands = [self._primary()]
        while _CONNECTORS.get(_word(self.tok)) == "and":
            self._advance()
            operands.append(self._primary())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def _primary(self) -> Expression:
        tok = self.tok
        if tok.kind is TokenKind.LPAREN:
            return self._group(tok)
        word = _word(tok)
        if word in _CONNECTORS:
            raise self._missing_condition_before(tok)
        if word in _NOT_WORDS:
            raise self._error_at(tok, _NOT_MESSAGE, ErrorCode.NOT_OPERATOR)
        if tok.kind is TokenKind.WORD:
            return self._comparison()
        if tok.kind is TokenKind.DASH_WORD:
            raise self._error_at(
                tok,
                f"A condition must start with a property such as device.deviceName, before {tok.text}",
                ErrorCode.MISSING_CONDITION,
            )
        if tok.kind is TokenKind.EOF:
            prev = self.prev
            if prev is not None and _word(prev) in _CONNECTORS:
                raise self._error_at(
                    prev,
                    f"'{prev.text}' at the end of the rule must be followed by a condition",
                    ErrorCode.MISSING_CONDITION,
                )
            if prev is not None and prev.kind is TokenKind.LPAREN:
                raise self._error_at(prev, "This '(' is never closed", ErrorCode.UNCLOSED_PARENTHESIS)
            raise self._error("The rule ends where a condition was expected", tok.start, ErrorCode.MISSING_CONDITION)
        if tok.kind is TokenKind.RPAREN:
            prev = self.prev
            if prev is not None and _word(prev) in _CONNECTORS:
                raise self._error_at(tok, f"A condition is missing after '{prev.text}'", ErrorCode.MISSING_CONDITION)
            raise self._error_at(tok, "This ')' has no matching '('", ErrorCode.UNMATCHED_PARENTHESIS)
        raise self._error_at(
            tok, "A condition must start with a property such as device.deviceName", ErrorCode.MISSING_CONDITION
        )

    def _group(self, open_tok: Token) -> Expression:
        if self.depth >= MAX_NESTING:
            raise self._error_at(
                open_tok,
                f"Parentheses are nested more than {MAX_NESTING} deep; this tool can't check such a rule",
                ErrorCode.TOO_DEEP,
            )
        self._advance()
        if self._at(TokenKind.RPAREN):
            raise self._error(
                "Empty parentheses: put a condition inside or remove them",
                open_tok.start,
                ErrorCode.EMPTY_PARENTHESES,
                self.tok.end,
            )
        self.depth += 1
        expression = self._or()
        self.depth -= 1
        if self.tok.kind is TokenKind.RPAREN:
            self._advance()
            return expression
        if self.tok.kind is TokenKind.EOF:
            raise self._error_at(open_tok, "This '(' is never closed", ErrorCode.UNCLOSED_PARENTHESIS)
        raise self._unexpected_after_condition(inside_parentheses=True)

    def _missing_condition_before(self, tok: Token) -> FilterSyntaxError:
        prev = self.prev
        if prev is None:
            message = f"The rule can't start with '{tok.text}'; a condition is missing before it"
        elif _word(prev) in _CONNECTORS:
            message = f"A condition is missing between '{prev.text}' and '{tok.text}'"
        else:
            message = f"A condition is missing before '{tok.text}'"
        return self._error_at(tok, message, ErrorCode.MISSING_CONDITION)

    def _unexpected_after_condition(self, *, inside_parentheses: bool) -> FilterSyntaxError:
        tok = self.tok
        word = _word(tok)
        if tok.kind is TokenKind.RPAREN:
            return self._error_at(tok, "This ')' has no matching '('", ErrorCode.UNMATCHED_PARENTHESIS)
        if word in _NOT_WORDS:
            return self._error_at(tok, _NOT_MESSAGE, ErrorCode.NOT_OPERATOR)
        if word.lstrip("-") == "xor":
            code, message = _REFUSED_OPERATORS["xor"]
            return self._error_at(tok, message, code)
        expected = "'and', 'or' or ')'" if inside_parentheses else "'and' or 'or'"
        return self._error_at(
            tok, f"Expected {expected} here: conditions must be joined with and/or", ErrorCode.MISSING_CONNECTOR
        )

    # -- one condition -----------------------------------------------------------------------

    def _comparison(self) -> Comparison:
        prop_tok = self._advance()
        spec = self._property(prop_tok)
        op_tok = self.tok
        operator = self._operator(op_tok, prop_tok)
        self._advance()
        raw = self._raw_value(op_tok)
        span = Span(prop_tok.start, raw.end)
        value = self._value(spec, op_tok, operator, raw) if spec is not None else None
        if spec is None or value is None:
            # Placeholder so parsing can go on; the errors already noted keep it from being returned.
            return Comparison(self.platform.entity, prop_tok.text, operator, NullValue(), span)
        return Comparison(spec.entity, spec.name, operator, value, span)

    def _property(self, tok: Token) -> PropertySpec | None:
        platform = self.platform
        name = tok.text
        entity, dot, prop = name.partition(".")
        entity_key = entity.casefold()
        if not dot:
            spec = lookup_property(platform.entity, name)
            hint = f"write {spec.full_name}" if spec is not None else f"e.g. {platform.entity}.deviceName"
            if spec is None and platform.entity == "app":
                hint = "e.g. app.appVersion"
            self._note(self._error_at(tok, f"'{name}' needs its entity in front ({hint})", ErrorCode.MISSING_ENTITY))
            return None
        if entity_key not in ("device", "app"):
            self._note(
                self._error_at(
                    tok,
                    f"'{entity}.' isn't an entity: properties start with device. (managed devices) "
                    "or app. (managed apps)",
                    ErrorCode.UNKNOWN_ENTITY,
                )
            )
            return None
        if entity_key != platform.entity:
            kinds = {"device": "managed-device", "app": "managed-app"}
            self._note(
                self._error_at(
                    tok,
                    f"{name} is a {kinds[entity_key]} property; {platform.display_name} filters "
                    f"({platform.name}) are {kinds[platform.entity]} filters and use {platform.entity}. properties",
                    ErrorCode.WRONG_ENTITY,
                )
            )
            return None
        spec = lookup_property(entity_key, prop) if prop and "." not in prop else None
        if spec is None:
            message = f"{name} isn't an assignment filter property"
            if not prop:
                message = f"'{name}' needs a property name after the dot, e.g. {platform.entity}.deviceName"
            suggestions = similar_properties(name, platform)
            if suggestions:
                message += f"; did you mean {' or '.join(suggestions)}?"
            else:
                available = ", ".join(s.full_name for s in properties_for(platform))
                message += f". {platform.display_name} filters can use: {available}"
            self._note(self._error_at(tok, message, ErrorCode.UNKNOWN_PROPERTY))
            return None
        if platform.family not in spec.families:
            where = ", ".join(dict.fromkeys(p.display_name for p in PLATFORMS.values() if p.family in spec.families))
            self._note(
                self._error_at(
                    tok,
                    f"{spec.full_name} isn't available in {platform.display_name} filters (it is in: {where})",
                    ErrorCode.PROPERTY_NOT_ON_PLATFORM,
                )
            )
            return None
        return spec

    def _operator(self, tok: Token, prop_tok: Token) -> Operator:
        word = _word(tok)
        missing = f"An operator such as -eq must follow {prop_tok.text}"
        if not word:
            raise self._error_at(tok, missing, ErrorCode.MISSING_OPERATOR)
        if word in _CONNECTORS:
            raise self._error_at(tok, missing, ErrorCode.MISSING_OPERATOR)
        if word in _NOT_WORDS:
            raise self._error_at(tok, _NOT_MESSAGE, ErrorCode.NOT_OPERATOR)
        key = word[1:] if word.startswith("-") else word
        operator = _OPERATORS.get(key)
        if operator is not None:
            return operator
        refused = _REFUSED_OPERATORS.get(key)
        if refused is not None:
            raise self._error_at(tok, refused[1], refused[0])
        raise self._error_at(
            tok, f"'{tok.text}' isn't a filter operator; use {_OPERATOR_LIST}", ErrorCode.UNKNOWN_OPERATOR
        )

    def _raw_value(self, op_tok: Token) -> _RawValue:
        tok = self.tok
        word = _word(tok)
        missing = f"A value must follow {op_tok.text}"
        if tok.kind is TokenKind.STRING:
            self._advance()
            return _RawValue("string", tok.value, (), tok.start, tok.end)
        if tok.kind is TokenKind.NUMBER:
            self._advance()
            return _RawValue("number", tok.text, (), tok.start, tok.end)
        if tok.kind is TokenKind.DOLLAR_WORD or word == "null":
            if tok.text.casefold() not in ("$null", "null"):
                raise self._error_at(
                    tok, f"'{tok.text}' isn't a value; use $null or a double-quoted value", ErrorCode.UNQUOTED_VALUE
                )
            self._advance()
            return _RawValue("null", tok.text, (), tok.start, tok.end)
        if tok.kind is TokenKind.LBRACKET:
            return self._list(tok)
        if tok.kind is TokenKind.EOF:
            raise self._error_at(op_tok, missing, ErrorCode.MISSING_VALUE)
        if tok.kind is TokenKind.WORD and word not in _CONNECTORS and word not in _NOT_WORDS:
            raise self._error_at(tok, f"Put the value in double quotes: {_quote(tok.text)}", ErrorCode.UNQUOTED_VALUE)
        raise self._error_at(tok, missing, ErrorCode.MISSING_VALUE)

    def _list(self, open_tok: Token) -> _RawValue:
        self._advance()
        if self.tok.kind is TokenKind.RBRACKET:
            raise self._error(
                "An empty list [] isn't allowed: give at least one value",
                open_tok.start,
                ErrorCode.EMPTY_LIST,
                self.tok.end,
            )
        items: list[Token] = []
        while True:
            tok = self.tok
            if tok.kind is TokenKind.STRING:
                items.append(self._advance())
            elif tok.kind is TokenKind.EOF:
                raise self._error_at(open_tok, "This list's closing ']' is missing", ErrorCode.UNCLOSED_LIST)
            elif tok.kind is TokenKind.DOLLAR_WORD or _word(tok) == "null":
                raise self._error_at(
                    tok, "$null can't be in a list; add a separate condition with -eq $null", ErrorCode.NULL_NOT_ALLOWED
                )
            elif tok.kind in (TokenKind.NUMBER, TokenKind.WORD):
                raise self._error_at(
                    tok, f"Values in a list must be in double quotes: {_quote(tok.text)}", ErrorCode.UNQUOTED_VALUE
                )
            else:
                raise self._error_at(tok, "Expected a double-quoted value in the list", ErrorCode.LIST_SYNTAX)

            tok = self.tok
            if tok.kind is TokenKind.COMMA:
                self._advance()
                if self._at(TokenKind.RBRACKET):  # a trailing comma is tolerated (lab)
                    break
            elif tok.kind is TokenKind.RBRACKET:
                break
            elif tok.kind in (TokenKind.EOF, TokenKind.RPAREN):
                raise self._error_at(open_tok, "This list's closing ']' is missing", ErrorCode.UNCLOSED_LIST)
            else:
                raise self._error_at(tok, "Separate list values with commas", ErrorCode.LIST_SYNTAX)
        close = self._advance()
        return _RawValue("list", "", tuple(items), open_tok.start, close.end)

    def _value(self, spec: PropertySpec, op_tok: Token, operator: Operator, raw: _RawValue) -> Value | None:
        """The value ``raw`` means for ``spec``, or None after noting why it can't be used."""
        if operator not in spec.operators:
            allowed = [op.value for op in Operator if op in spec.operators]
            choices = f"{', '.join(allowed[:-1])} or {allowed[-1]}"
            self._note(
                self._error_at(
                    op_tok,
                    f"{operator.value} can't be used with {spec.full_name} ({spec.kind.value}); use {choices}",
                    ErrorCode.OPERATOR_NOT_FOR_PROPERTY,
                )
            )
            return None
        is_list_op = operator in (Operator.IN, Operator.NOT_IN)
        if raw.kind == "null":
            if operator in (Operator.EQ, Operator.NE):
                return NullValue()
            return self._reject(raw, "Only -eq and -ne can compare with $null", ErrorCode.NULL_NOT_ALLOWED)
        if raw.kind == "list":
            if is_list_op:
                return ListValue(tuple(item.value for item in raw.items))
            return self._reject(
                raw,
                f"{operator.value} compares with one value; use -in or -notIn for a list",
                ErrorCode.LIST_NOT_ALLOWED,
            )
        if raw.kind == "string" and raw.text == "":
            return self._reject(
                raw, 'An empty value "" isn\'t allowed; to test for no value use -eq $null', ErrorCode.EMPTY_VALUE
            )
        if spec.kind is PropertyKind.VERSION:
            low, high = RULE_VERSION_PARTS
            version = parse_version(raw.text, min_parts=low, max_parts=high)
            if version is None:
                return self._reject(
                    raw,
                    f"{_quote(raw.text)} isn't a version {spec.full_name} accepts: use {low} to {high} numbers "
                    "separated by dots, like 10.0.22631",
                    ErrorCode.INVALID_VERSION,
                )
            return VersionValue(version, quoted=raw.kind == "string")
        if raw.kind == "number":
            return self._reject(raw, f"Put the value in double quotes: {_quote(raw.text)}", ErrorCode.UNQUOTED_VALUE)
        # A single string after -in / -notIn works as a one-item list (lab).
        return ListValue((raw.text,)) if is_list_op else StringValue(raw.text)

    def _reject(self, raw: _RawValue, message: str, code: ErrorCode) -> Value | None:
        """Note why ``raw`` can't be used; returns None so callers can ``return self._reject(…)``."""
        self._note(self._error(message, raw.start, code, raw.end))
        return None


def analyse_rule(rule: str, platform: str) -> tuple[FilterRule | None, list[FilterSyntaxError]]:
    """Parse ``rule`` for ``platform``: the rule when valid, and every error found (by position).

    Raises:
        UnsupportedPlatformError: when ``platform`` is not a platform filters exist for.
    """
    if not isinstance(rule, str):
        raise TypeError(f"a filter rule is text, got {type(rule).__name__}")
    target = get_platform(platform)
    if not rule.strip():
        return None, [FilterSyntaxError("The rule is empty", 0, code=ErrorCode.EMPTY_RULE, rule=rule)]
    errors: list[FilterSyntaxError] = []
    if len(rule) > MAX_RULE_LENGTH:
        errors.append(
            FilterSyntaxError(
                f"The rule is {len(rule):,} characters long; Intune allows at most {MAX_RULE_LENGTH:,}",
                MAX_RULE_LENGTH,
                code=ErrorCode.TOO_LONG,
                rule=rule,
                length=len(rule) - MAX_RULE_LENGTH,
            )
        )
    # An over-long rule is still parsed, so its other mistakes are reported too.
    parser = _Parser(rule, target)
    expression: Expression | None = None
    try:
        expression = parser.parse()
    except FilterSyntaxError as error:
        errors.append(error)
    errors.extend(parser.errors)
    errors.sort(key=lambda e: e.position)
    if errors or expression is None:
        return None, errors
    return FilterRule(expression, target.name, rule), []


def parse_rule(rule: str, platform: str) -> FilterRule:
    """Parse an assignment filter rule for a Graph platform (e.g. ``windows10AndLater``).

    Raises:
        FilterSyntaxError: the first (leftmost) reason Intune would refuse the rule.
        UnsupportedPlatformError: when ``platform`` is not a platform filters exist for.
    """
    parsed, errors = analyse_rule(rule, platform)
    if errors:
        raise errors[0]
    assert parsed is not None  # analyse_rule returns a rule exactly when there are no errors
    return parsed


def validate_rule(rule: str, platform: str) -> list[FilterSyntaxError]:
    """Every reason Intune would refuse ``rule`` on ``platform``, leftmost first; empty when valid.

    Local on purpose: Graph's validateFilter needs a write scope we don't request. A syntax
    error stops the check at that point; property, operator and value errors are all listed.

    Raises:
        UnsupportedPlatformError: when ``platform`` is not a platform filters exist for.
    """
    return analyse_rule(rule, platform)[1]
