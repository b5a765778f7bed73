"""OData ``$filter``: a parser for the grammar Graph accepts and an evaluator over stored objects.

Grammar (OData v4 URL conventions §5.1.1, the subset Graph documents in "Use the $filter query
parameter"): ``or``, ``and``, ``not``, parentheses; ``eq ne gt ge lt le has in``; literals (strings
with ``''`` escapes, numbers, ``true``/``false``/``null``, GUIDs, dates and date-times); property
paths (``templateReference/templateFamily``), type casts in paths
(``microsoft.graph.managedApp/appAvailability``); the functions ``startswith``, ``endswith``,
``contains``, ``tolower``, ``toupper``, ``trim``, ``length``, ``concat``, ``indexof``, ``isof``; and
the lambdas ``any``/``all``. Errors carry the messages of Microsoft's OData library
(``Syntax error at position 7 in 'name eq'.``), so a 400 names the filter actually refused.

Evaluation: a cast to a type the object is not (the emulator knows no type hierarchy) yields
``null`` unless the object carries the property; ``has`` tests a flags value (``"mdm,microsoftSense"``)
for a member; string comparisons are case-insensitive on the directory and exact on Intune.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import GraphError

__all__ = ["FilterError", "FilterRules", "compile_filter"]

Predicate = Callable[[Mapping[str, Any]], bool]

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:[^']|'')*')
  | (?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-]))
  | (?P<datetime>\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?(?![\w:.-]))
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?(?![\w.]))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<punct>[()/,:])
    """,
    re.VERBOSE,
)
_COMPARISONS = frozenset({"eq", "ne", "gt", "ge", "lt", "le", "has", "in"})
_FUNCTIONS = {
    "startswith": 2,
    "endswith": 2,
    "contains": 2,
    "tolower": 1,
    "toupper": 1,
    "trim": 1,
    "length": 1,
    "concat": 2,
    "indexof": 2,
    "isof": (1, 2),
}
STRING_FUNCTIONS = frozenset({"startswith", "endswith", "contains"})


class FilterError(GraphError):
    """A ``$filter`` Graph's OData parser refuses (400 BadRequest)."""

    def __init__(self, message: str) -> None:
        super().__init__(400, "BadRequest", message)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    position: int


@dataclass(frozen=True)
class FilterRules:
    """What one endpoint accepts.

    ``known_property``: whether a top-level property exists on the type (``None``: not checked).
    ``string_functions``: whether ``startswith``/``endswith``/``contains`` are accepted.
    ``case_insensitive``: string comparison (the directory ignores case).
    """

    type_name: str
    known_property: Callable[[str], bool] | None = None
    string_functions: bool = True
    case_insensitive: bool = False


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            raise FilterError(
                f"Syntax error: character '{text[position]}' is not valid at position {position} in '{text}'."
            )
        if match.lastgroup != "ws":
            tokens.append(Token(match.lastgroup, match.group(), position))
        position = match.end()
    return tokens


# --- the syntax tree: nested tuples, evaluated by _evaluate ----------------------------------

Node = tuple[Any, ...]


class _Parser:
    def __init__(self, text: str, rules: FilterRules) -> None:
        self.text = text
        self.rules = rules
        self.tokens = _tokenize(text)
        self.index = 0
        self.variables: set[str] = set()

    # -- token helpers
    def peek(self, offset: int = 0) -> Token | None:
        index = self.index + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def is_word(self, word: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token is not None and token.kind == "name" and token.text.lower() == word

    def is_punct(self, char: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token is not None and token.kind == "punct" and token.text == char

    def syntax_error(self) -> FilterError:
        token = self.peek()
        position = token.position if token is not None else len(self.text)
        return FilterError(f"Syntax error at position {position} in '{self.text}'.")

    def expect(self, char: str) -> None:
        if not self.is_punct(char):
            raise self.syntax_error()
        self.index += 1

    # -- grammar
    def parse(self) -> Node:
        if not self.tokens:
            raise FilterError("The $filter expression must not be empty.")
        node = self.or_expr()
        if self.peek() is not None:
            raise self.syntax_error()
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.is_word("or"):
            self.index += 1
            node = ("or", node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.is_word("and"):
            self.index += 1
            node = ("and", node, self.not_expr())
        return node

    def not_expr(self) -> Node:
        if self.is_word("not") and not self.is_punct("/", 1):
            self.index += 1
            return ("not", self.not_expr())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.primary()
        token = self.peek()
        if token is not None and token.kind == "name" and token.text.lower() in _COMPARISONS:
            operator = token.text.lower()
            self.index += 1
            right = self.in_list() if operator == "in" else self.primary()
            return ("cmp", operator, left, right)
        return left

    def in_list(self) -> Node:
        self.expect("(")
        items = [self.primary()]
        while self.is_punct(","):
            self.index += 1
            items.append(self.primary())
        self.expect(")")
        return ("list", items)

    def primary(self) -> Node:
        token = self.peek()
        if token is None:
            raise self.syntax_error()
        if token.kind == "punct" and token.text == "(":
            self.index += 1
            node = self.or_expr()
            self.expect(")")
            return node
        if token.kind == "string":
            self.index += 1
            return ("literal", token.text[1:-1].replace("''", "'"))
        if token.kind == "guid":
            self.index += 1
            return ("literal", token.text.lower())
        if token.kind == "datetime":
            self.index += 1
            return ("literal", _parse_datetime(token.text))
        if token.kind == "number":
            self.index += 1
            digits = token.text.rstrip("mMdDfFlL")
            return ("literal", float(digits) if any(c in digits for c in ".eE") else int(digits))
        if token.kind == "name":
            lowered = token.text.lower()
            if lowered in ("true", "false"):
                self.index += 1
                return ("literal", lowered == "true")
            if lowered == "null":
                self.index += 1
                return ("literal", None)
            if self.is_punct("(", 1):
                return self.function()
            return self.path()
        raise self.syntax_error()

    def function(self) -> Node:
        token = self.tokens[self.index]
        name = token.text
        arity = _FUNCTIONS.get(name)
        if arity is None:
            known = name.lower() in _FUNCTIONS
            raise FilterError(
                f"An unknown function with name '{name}' was found. "
                + ("Function names are case-sensitive in $filter." if known else "This may also be a function import.")
            )
        if name in STRING_FUNCTIONS and not self.rules.string_functions:
            raise FilterError(f"The function '{name}' is not supported in $filter on this resource.")
        self.index += 2
        args: list[Node] = []
        if not self.is_punct(")"):
            args.append(self.or_expr())
            while self.is_punct(","):
                self.index += 1
                args.append(self.or_expr())
        self.expect(")")
        allowed = arity if isinstance(arity, tuple) else (arity,)
        if len(args) not in allowed:
            raise FilterError(
                f"The function '{name}' takes {' or '.join(map(str, allowed))} argument(s), {len(args)} given."
            )
        return ("call", name, args)

    def path(self) -> Node:
        segments: list[str] = []
        token = self.tokens[self.index]
        self.index += 1
        segments.append(token.text)
        while self.is_punct("/"):
            self.index += 1
            nxt = self.peek()
            if nxt is None or nxt.kind != "name":
                raise self.syntax_error()
            if nxt.text.lower() in ("any", "all") and self.is_punct("(", 1):
                return self.lambda_(segments, nxt.text.lower())
            self.index += 1
            segments.append(nxt.text)
        self.check_path(segments)
        return ("path", tuple(segments))

    def lambda_(self, collection: list[str], kind: str) -> Node:
        self.check_path(collection)
        self.index += 2  # any (
        if self.is_punct(")"):
            self.index += 1
            return ("lambda", kind, tuple(collection), None, None)
        variable = self.peek()
        if variable is None or variable.kind != "name" or not self.is_punct(":", 1):
            raise self.syntax_error()
        self.index += 2
        self.variables.add(variable.text)
        body = self.or_expr()
        self.variables.discard(variable.text)
        self.expect(")")
        return ("lambda", kind, tuple(collection), variable.text, body)

    def check_path(self, segments: list[str]) -> None:
        head = segments[0]
        if head in self.variables:
            return
        # A leading qualified name is a type cast: the property follows it.
        prop = segments[1] if "." in head and len(segments) > 1 else head
        if "." in prop:
            raise FilterError(
                f"Could not find a property named '{prop}' on type 'microsoft.graph.{self.rules.type_name}'."
            )
        known = self.rules.known_property
        if known is not None and "." not in head and not known(prop):
            raise FilterError(
                f"Could not find a property named '{prop}' on type 'microsoft.graph.{self.rules.type_name}'."
            )


def _parse_datetime(text: str) -> datetime:
    value = text.replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise FilterError(f"The date-time literal '{text}' is not valid.") from None


# --- evaluation -----------------------------------------------------------------------------


def _odata_type(obj: Any) -> str:
    value = obj.get("@odata.type") if isinstance(obj, Mapping) else None
    return value.lstrip("#") if isinstance(value, str) else ""


class _Evaluator:
    def __init__(self, case_insensitive: bool) -> None:
        self.case_insensitive = case_insensitive

    def fold(self, value: Any) -> Any:
        if isinstance(value, str) and self.case_insensitive:
            return value.casefold()
        return value

    def value(self, node: Node, obj: Any, scope: Mapping[str, Any]) -> Any:
        kind = node[0]
        if kind == "literal":
            return node[1]
        if kind == "path":
            return self.resolve(node[1], obj, scope)
        if kind == "call":
            return self.call(node[1], [self.value(a, obj, scope) for a in node[2]], node[2], obj, scope)
        if kind == "list":
            return [self.value(item, obj, scope) for item in node[1]]
        return self.truth(node, obj, scope)

    def resolve(self, segments: tuple[str, ...], obj: Any, scope: Mapping[str, Any]) -> Any:
        head, rest = segments[0], segments[1:]
        if head in scope:
            current: Any = scope[head]
        else:
            current = obj
            rest = segments
        for segment in rest:
            if "." in segment:
                continue  # a cast: the property follows; objects without it give null below
            current = current.get(segment) if isinstance(current, Mapping) else None
        return current

    def call(self, name: str, args: list[Any], nodes: list[Node], obj: Any, scope: Mapping[str, Any]) -> Any:
        if name == "isof":
            wanted = args[-1]
            target = obj if len(args) == 1 else args[0]
            return isinstance(wanted, str) and _odata_type(target) == wanted
        if any(a is None for a in args):
            return None
        text = [self.fold(a) if isinstance(a, str) else a for a in args]
        if name == "startswith":
            return isinstance(text[0], str) and isinstance(text[1], str) and text[0].startswith(text[1])
        if name == "endswith":
            return isinstance(text[0], str) and isinstance(text[1], str) and text[0].endswith(text[1])
        if name == "contains":
            return isinstance(text[0], str) and isinstance(text[1], str) and text[1] in text[0]
        if name == "indexof":
            return text[0].find(text[1]) if isinstance(text[0], str) and isinstance(text[1], str) else None
        if name == "tolower":
            return args[0].lower() if isinstance(args[0], str) else None
        if name == "toupper":
            return args[0].upper() if isinstance(args[0], str) else None
        if name == "trim":
            return args[0].strip() if isinstance(args[0], str) else None
        if name == "length":
            return len(args[0]) if isinstance(args[0], str | list) else None
        if name == "concat":
            return f"{args[0]}{args[1]}"
        return None

    def compare(self, operator: str, left: Any, right: Any) -> bool:
        if operator == "in":
            return any(self.compare("eq", left, item) for item in (right or ()))
        if operator == "has":
            if not isinstance(left, str) or not isinstance(right, str):
                return False
            members = {self.fold(part.strip()) for part in left.split(",")}
            return self.fold(right) in members
        if isinstance(right, datetime) and isinstance(left, str):
            try:
                left = _parse_datetime(left)
            except FilterError:
                return False
        if (
            isinstance(left, datetime)
            and isinstance(right, datetime)
            and (left.tzinfo is None) != (right.tzinfo is None)
        ):
            left, right = left.replace(tzinfo=None), right.replace(tzinfo=None)
        if isinstance(right, str) and isinstance(left, bool | int | float) and not isinstance(left, bool):
            return False
        left, right = self.fold(left), self.fold(right)
        if operator == "eq":
            return bool(left == right)
        if operator == "ne":
            return bool(left != right)
        if left is None or right is None:
            return False
        try:
            if operator == "gt":
                return bool(left > right)
            if operator == "ge":
                return bool(left >= right)
            if operator == "lt":
                return bool(left < right)
            return bool(left <= right)
        except TypeError:
            return False

    def truth(self, node: Node, obj: Any, scope: Mapping[str, Any]) -> bool:
        kind = node[0]
        if kind == "or":
            return self.truth(node[1], obj, scope) or self.truth(node[2], obj, scope)
        if kind == "and":
            return self.truth(node[1], obj, scope) and self.truth(node[2], obj, scope)
        if kind == "not":
            return not self.truth(node[1], obj, scope)
        if kind == "cmp":
            return self.compare(node[1], self.value(node[2], obj, scope), self.value(node[3], obj, scope))
        if kind == "lambda":
            _, how, collection, variable, body = node
            items = self.resolve(collection, obj, scope)
            items = items if isinstance(items, list) else []
            if variable is None:
                return bool(items) if how == "any" else True
            results = (self.truth(body, obj, {**scope, variable: item}) for item in items)
            return any(results) if how == "any" else all(results)
        return self.value(node, obj, scope) is True


def compile_filter(text: str, rules: FilterRules) -> Predicate:
    """A predicate for ``text``; a ``FilterError`` (400) for what Graph's parser refuses."""
    parser = _Parser(text, rules)
    tree = parser.parse()
    if tree[0] in ("literal", "list") or (tree[0] == "call" and tree[1] not in ("isof", *STRING_FUNCTIONS)):
        raise FilterError(f"The $filter expression '{text}' must evaluate to a single boolean value.")
    evaluator = _Evaluator(rules.case_insensitive)
    return lambda obj: evaluator.truth(tree, obj, {})
