"""Turn rule text into tokens, one at a time, so errors surface in reading order.

Hand-written scanner (no regular expressions): every character outside a double-quoted value is
looked at once, and characters Intune refuses (single quotes, ``!``, ``==``, comments…) get a
message that says what to write instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from .errors import ErrorCode, FilterSyntaxError

__all__ = ["Lexer", "Token", "TokenKind"]


class TokenKind(Enum):
    """What a token is; words are classified later by the parser, which knows the context."""

    LPAREN = "("
    RPAREN = ")"
    LBRACKET = "["
    RBRACKET = "]"
    COMMA = ","
    STRING = "string"  # "..." — value holds the text between the quotes
    NUMBER = "number"  # starts with a digit: a bare version such as 10.0.22631
    WORD = "word"  # device.deviceName, and, eq, null…
    DASH_WORD = "dash word"  # -eq, -and…
    DOLLAR_WORD = "dollar word"  # $null
    EOF = "end of rule"


@dataclass(frozen=True)
class Token:
    """A token with its text as written and its 0-based ``start``/exclusive ``end``."""

    kind: TokenKind
    text: str
    start: int
    end: int

    @property
    def value(self) -> str:
        """For a string, the text between the quotes; otherwise the token text."""
        return self.text[1:-1] if self.kind is TokenKind.STRING else self.text


_PUNCTUATION = {
    "(": TokenKind.LPAREN,
    ")": TokenKind.RPAREN,
    "[": TokenKind.LBRACKET,
    "]": TokenKind.RBRACKET,
    ",": TokenKind.COMMA,
}

# Symbols people carry over from other languages, and what Intune wants instead. Longest first.
_SYMBOL_HINTS: tuple[tuple[str, ErrorCode, str], ...] = (
    ("==", ErrorCode.SYMBOL_OPERATOR, "Use -eq to compare, not '=='"),
    ("!=", ErrorCode.SYMBOL_OPERATOR, "Use -ne to compare, not '!='"),
    (">=", ErrorCode.SYMBOL_OPERATOR, "Use -ge to compare, not '>='"),
    ("<=", ErrorCode.SYMBOL_OPERATOR, "Use -le to compare, not '<='"),
    ("&&", ErrorCode.SYMBOL_OPERATOR, "Use 'and' to combine conditions, not '&&'"),
    ("||", ErrorCode.SYMBOL_OPERATOR, "Use 'or' to combine conditions, not '||'"),
    ("//", ErrorCode.COMMENT, "Comments aren't allowed in filter rules"),
    ("/*", ErrorCode.COMMENT, "Comments aren't allowed in filter rules"),
    ("#", ErrorCode.COMMENT, "Comments aren't allowed in filter rules"),
    ("=", ErrorCode.SYMBOL_OPERATOR, "Use -eq to compare, not '='"),
    (">", ErrorCode.SYMBOL_OPERATOR, "Use -gt to compare, not '>'"),
    ("<", ErrorCode.SYMBOL_OPERATOR, "Use -lt to compare, not '<'"),
    ("&", ErrorCode.SYMBOL_OPERATOR, "Use 'and' to combine conditions, not '&'"),
    ("|", ErrorCode.SYMBOL_OPERATOR, "Use 'or' to combine conditions, not '|'"),
    (
        "!",
        ErrorCode.NOT_OPERATOR,
        "Filter rules have no 'not'; use -ne, -notIn or -notContains, or an Exclude filter",
    ),
    ("'", ErrorCode.SINGLE_QUOTES, 'Values must be in double quotes ("…"), not single quotes'),
    ("\u2018", ErrorCode.SINGLE_QUOTES, 'Values must be in double quotes ("…"), not single quotes'),
    ("\u2019", ErrorCode.SINGLE_QUOTES, 'Values must be in double quotes ("…"), not single quotes'),
    ("\u201c", ErrorCode.SMART_QUOTES, 'Use straight double quotes ("), not curly quotes'),
    ("\u201d", ErrorCode.SMART_QUOTES, 'Use straight double quotes ("), not curly quotes'),
    ("\u201e", ErrorCode.SMART_QUOTES, 'Use straight double quotes ("), not curly quotes'),
)

# Characters that may follow a value; other text after a backslash-quote means the author
# tried to escape a quote.
_AFTER_STRING = frozenset(")],")


def _is_word_start(ch: str) -> bool:
    return ch.isascii() and (ch.isalpha() or ch == "_")


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _is_word_char(ch: str) -> bool:
    # Dots belong to words so that device.deviceName is one token (its parts are checked later).
    return ch.isascii() and (ch.isalnum() or ch in "_.")


class Lexer:
    """Produces tokens on demand from ``rule``; ``next_token`` raises ``FilterSyntaxError``."""

    def __init__(self, rule: str) -> None:
        self.rule = rule
        self.pos = 0

    def _error(self, message: str, start: int, code: ErrorCode, length: int = 1) -> FilterSyntaxError:
        return FilterSyntaxError(message, start, code=code, rule=self.rule, length=length)

    def _scan_while(self, start: int, accept: Callable[[str], bool]) -> int:
        end = start
        while end < len(self.rule) and accept(self.rule[end]):
            end += 1
        return end

    def next_token(self) -> Token:
        """The next token, or an EOF token at the end of the rule."""
        rule = self.rule
        n = len(rule)
        pos = self.pos
        while pos < n and rule[pos].isspace():
            pos += 1
        if pos >= n:
            self.pos = n
            return Token(TokenKind.EOF, "", n, n)

        ch = rule[pos]
        if ch in _PUNCTUATION:
            return self._emit(_PUNCTUATION[ch], pos, pos + 1)
        if ch == '"':
            return self._string(pos)
        if ch == "-":
            end = self._scan_while(pos + 1, _is_alnum)
            if end == pos + 1 or not rule[pos + 1].isalpha():
                raise self._error("A '-' must start an operator name such as -eq", pos, ErrorCode.UNEXPECTED_CHARACTER)
            return self._emit(TokenKind.DASH_WORD, pos, end)
        if ch == "$":
            end = self._scan_while(pos + 1, _is_word_char)
            if end == pos + 1:
                raise self._error("'$' can only start $null", pos, ErrorCode.UNEXPECTED_CHARACTER)
            return self._emit(TokenKind.DOLLAR_WORD, pos, end)
        if ch.isascii() and ch.isdigit():
            return self._emit(TokenKind.NUMBER, pos, self._scan_while(pos, _is_word_char))
        if _is_word_start(ch):
            return self._emit(TokenKind.WORD, pos, self._scan_while(pos, _is_word_char))
        for symbol, code, message in _SYMBOL_HINTS:
            if rule.startswith(symbol, pos):
                raise self._error(message, pos, code, len(symbol))
        shown = ch if ch.isprintable() else repr(ch)
        raise self._error(
            f"The character {shown} can't be used outside a double-quoted value", pos, ErrorCode.UNEXPECTED_CHARACTER
        )

    def _emit(self, kind: TokenKind, start: int, end: int) -> Token:
        self.pos = end
        return Token(kind, self.rule[start:end], start, end)

    def _value_can_end_at(self, pos: int) -> bool:
        """Whether what follows ``pos`` can follow a value: end, ``)``, ``]``, ``,``, and, or."""
        pos = self._scan_while(pos, str.isspace)
        if pos >= len(self.rule) or self.rule[pos] in _AFTER_STRING:
            return True
        end = self._scan_while(pos + (self.rule[pos] == "-"), _is_alnum)
        return self.rule[pos:end].casefold().lstrip("-") in ("and", "or")

    def _string(self, start: int) -> Token:
        rule = self.rule
        close = rule.find('"', start + 1)
        if close == -1:
            raise self._error(
                "This value's closing double quote is missing", start, ErrorCode.UNTERMINATED_STRING, len(rule) - start
            )
        after = close + 1
        if close > start + 1 and rule[close - 1] == "\\" and not self._value_can_end_at(after):
            # Intune has no escape sequences: \" ends the value and leaves the rest dangling.
            raise self._error(
                "A double quote can't be put inside a value (there is no escape); "
                "match part of the value with -contains instead",
                close - 1,
                ErrorCode.ESCAPED_QUOTE,
                2,
            )
        return self._emit(TokenKind.STRING, start, after)
