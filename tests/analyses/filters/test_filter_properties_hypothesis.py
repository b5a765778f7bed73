"""Property tests: the parser never fails any other way, printing round-trips, three-valued laws."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intune_assistant.analyses.filters import (
    MAX_RULE_LENGTH,
    PLATFORMS,
    And,
    Comparison,
    Expression,
    FilterSyntaxError,
    ListValue,
    NullValue,
    Operator,
    Or,
    PropertyKind,
    PropertySpec,
    StringValue,
    Value,
    Version,
    VersionValue,
    evaluate,
    format_rule,
    parse_rule,
    properties_for,
    validate_rule,
)

FAST = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
PLATFORM_NAMES = sorted(p.name for p in PLATFORMS.values())

# -- (a) fuzz: random text only ever yields a rule or FilterSyntaxError ---------------------

FRAGMENTS = [
    "(",
    ")",
    "[",
    "]",
    ",",
    " ",
    "\n",
    '"',
    "'",
    "$null",
    "null",
    "-",
    "and",
    "or",
    "-and",
    "-or",
    "not",
    "device.",
    "app.",
    "deviceName",
    "model",
    "operatingSystemVersion",
    "isRooted",
    "cpuArchitecture",
    "appVersion",
    "deviceManagementType",
    "-eq",
    "eq",
    "-ne",
    "-in",
    "-notIn",
    "-startsWith",
    "-contains",
    "-notContains",
    "-gt",
    "-ge",
    "-lt",
    "-le",
    "-endsWith",
    "-match",
    '"KIOSK"',
    '"10.0.22631"',
    '""',
    "10.0.22631",
    "10",
    "1.2.3.4.5",
    "\\",
    "!",
    "=",
    "#",
    "\u201c",
    "é",
    "\x00",
]

fragment_text = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
random_text = st.text(max_size=200)


def _valid_rule_text() -> st.SearchStrategy[str]:
    return st.sampled_from(PLATFORM_NAMES).flatmap(lambda p: expressions(p).map(format_rule))


def _mutate(data: st.DataObject, text: str) -> str:
    """Delete, duplicate or insert a character somewhere in ``text``."""
    if not text:
        return text
    i = data.draw(st.integers(0, len(text) - 1))
    action = data.draw(st.sampled_from(["delete", "duplicate", "insert"]))
    if action == "delete":
        return text[:i] + text[i + 1 :]
    if action == "duplicate":
        return text[:i] + text[i] + text[i:]
    return text[:i] + data.draw(st.sampled_from(FRAGMENTS)) + text[i:]


def _check_never_raises_anything_else(rule: str, platform: str) -> None:
    try:
        parsed = parse_rule(rule, platform)
    except FilterSyntaxError as error:
        assert 0 <= error.position <= len(rule)
        assert error.message
        assert error.display()
        errors = validate_rule(rule, platform)
        assert errors and errors[0].position == error.position
        return
    assert validate_rule(rule, platform) == []
    # Whatever parses prints and re-parses to the same tree.
    assert parse_rule(format_rule(parsed), platform) == parsed


@FAST
@given(st.one_of(random_text, fragment_text), st.sampled_from(PLATFORM_NAMES))
def test_filter_fuzz_random_text_only_raises_filter_syntax_error(rule: str, platform: str) -> None:
    _check_never_raises_anything_else(rule, platform)


@FAST
@given(st.data())
def test_filter_fuzz_mutated_valid_rules_only_raise_filter_syntax_error(data: st.DataObject) -> None:
    platform = data.draw(st.sampled_from(PLATFORM_NAMES))
    text = format_rule(data.draw(expressions(platform)))
    for _ in range(data.draw(st.integers(1, 3))):
        text = _mutate(data, text)
    _check_never_raises_anything_else(text, platform)


# -- (b) generated trees print to text that parses to the same tree --------------------------

value_text = st.text(st.characters(exclude_characters='"', exclude_categories=["Cs"]), min_size=1, max_size=12)
versions = st.builds(
    VersionValue,
    st.lists(st.integers(0, 99999), min_size=2, max_size=4).map(lambda parts: Version(tuple(parts))),
    st.booleans(),
)


def _values(spec: PropertySpec, operator: Operator) -> st.SearchStrategy[Value]:
    nullable = operator in (Operator.EQ, Operator.NE)
    if operator in (Operator.IN, Operator.NOT_IN):
        items = st.lists(st.one_of(value_text, st.just("")), min_size=1, max_size=4).filter(lambda xs: any(xs))
        return items.map(lambda xs: ListValue(tuple(xs)))
    single: st.SearchStrategy[Value] = versions if spec.kind is PropertyKind.VERSION else value_text.map(StringValue)
    return st.one_of(single, st.just(NullValue())) if nullable else single


def _comparisons(platform: str) -> st.SearchStrategy[Comparison]:
    specs = properties_for(PLATFORMS[platform.casefold()])

    def for_spec(spec: PropertySpec) -> st.SearchStrategy[Comparison]:
        operators = sorted(spec.operators, key=lambda op: op.value)
        return st.sampled_from(operators).flatmap(
            lambda op: _values(spec, op).map(lambda v: Comparison(spec.entity, spec.name, op, v))
        )

    return st.sampled_from(specs).flatmap(for_spec)


def _combine(children: st.SearchStrategy[Expression]) -> st.SearchStrategy[Expression]:
    operands = st.lists(children, min_size=2, max_size=3).map(tuple)
    return st.one_of(operands.map(And), operands.map(Or))


def expressions(platform: str, leaves: st.SearchStrategy[Comparison] | None = None) -> st.SearchStrategy[Expression]:
    base: st.SearchStrategy[Expression] = leaves if leaves is not None else _comparisons(platform)
    return st.recursive(base, _combine, max_leaves=8)


@FAST
@given(st.data())
def test_filter_printed_trees_parse_back_to_the_same_tree(data: st.DataObject) -> None:
    platform = data.draw(st.sampled_from(PLATFORM_NAMES))
    tree = data.draw(expressions(platform))
    text = format_rule(tree)
    assert len(text) <= MAX_RULE_LENGTH
    parsed = parse_rule(text, platform)
    assert parsed.expression == tree
    assert format_rule(parsed) == text


# -- (c) evaluation follows three-valued (Kleene) logic ---------------------------------------

RANK = {"no_match": 0, "unknown": 1, "match": 2}
NAMES = ["KIOSK-01", "kiosk-02", "LAPTOP-7", ""]
VERSIONS = ["10.0.19045", "10.0.22631.2861", "10.0.26100", "garbage"]

small_leaves = st.one_of(
    st.builds(
        lambda op, v: Comparison("device", "deviceName", op, v),
        st.sampled_from([Operator.EQ, Operator.NE, Operator.STARTS_WITH, Operator.CONTAINS, Operator.NOT_CONTAINS]),
        st.sampled_from(["KIOSK", "kiosk-01", "LAP", "02"]).map(StringValue),
    ),
    st.builds(
        lambda op, v: Comparison("device", "operatingSystemVersion", op, v),
        st.sampled_from([Operator.EQ, Operator.NE, Operator.GT, Operator.GE, Operator.LT, Operator.LE]),
        st.sampled_from([(10, 0, 22631), (10, 0, 26100), (10, 0)]).map(lambda p: VersionValue(Version(p))),
    ),
    st.builds(
        lambda op, items: Comparison("device", "deviceCategory", op, ListValue(items)),
        st.sampled_from([Operator.IN, Operator.NOT_IN]),
        st.sampled_from([("Kiosk",), ("", "Kiosk"), ("Lab", "Kiosk")]),
    ),
    st.builds(
        lambda op: Comparison("device", "deviceCategory", op, NullValue()), st.sampled_from([Operator.EQ, Operator.NE])
    ),
    st.builds(
        lambda op, v: Comparison("device", "isTpmAttested", op, StringValue(v)),
        st.sampled_from([Operator.EQ, Operator.NE]),
        st.sampled_from(["True", "False"]),
    ),
)

ABSENT = object()


def _optional(values: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(st.just(ABSENT), st.none(), values)


device_maps = st.fixed_dictionaries(
    {
        "device.deviceName": _optional(st.sampled_from(NAMES)),
        "device.operatingSystemVersion": _optional(st.sampled_from(VERSIONS)),
        "device.deviceCategory": _optional(st.sampled_from(["Kiosk", "Lab", ""])),
        "device.isTpmAttested": _optional(st.booleans()),
    }
).map(lambda d: {k: v for k, v in d.items() if v is not ABSENT})

small_expressions = expressions("windows10AndLater", small_leaves)


def outcome(expression: Expression, props: dict[str, object]) -> str:
    return evaluate(expression, props).outcome


@FAST
@given(small_expressions, small_expressions, device_maps)
def test_filter_and_or_are_commutative(a: Expression, b: Expression, props: dict[str, object]) -> None:
    assert outcome(Or((a, b)), props) == outcome(Or((b, a)), props)
    assert outcome(And((a, b)), props) == outcome(And((b, a)), props)


@FAST
@given(st.lists(small_expressions, min_size=2, max_size=4), device_maps)
def test_filter_and_is_minimum_or_is_maximum(operands: list[Expression], props: dict[str, object]) -> None:
    # no_match < unknown < match: Kleene's 'and' is the minimum, 'or' the maximum.
    outcomes = [outcome(op, props) for op in operands]
    assert outcome(And(tuple(operands)), props) == min(outcomes, key=RANK.__getitem__)
    assert outcome(Or(tuple(operands)), props) == max(outcomes, key=RANK.__getitem__)


@FAST
@given(small_expressions, small_expressions, small_expressions, device_maps)
def test_filter_three_valued_laws(a: Expression, b: Expression, c: Expression, props: dict[str, object]) -> None:
    same: Callable[[Expression, Expression], bool] = lambda x, y: outcome(x, props) == outcome(y, props)  # noqa: E731
    assert same(And((a, a)), a) and same(Or((a, a)), a)  # idempotence
    assert same(Or((a, And((a, b)))), a) and same(And((a, Or((a, b)))), a)  # absorption
    assert same(And((a, Or((b, c)))), Or((And((a, b)), And((a, c)))))  # distributivity
    assert same(Or((a, And((b, c)))), And((Or((a, b)), Or((a, c)))))
    assert same(And((And((a, b)), c)), And((a, And((b, c)))))  # associativity
    assert same(Or((Or((a, b)), c)), Or((a, b, c)))


@FAST
@given(small_expressions, device_maps)
def test_filter_unknown_only_when_something_is_undecidable(expression: Expression, props: dict[str, object]) -> None:
    result = evaluate(expression, props)
    if result.outcome == "unknown":
        assert result.decided_by and all(c.outcome == "unknown" for c in result.decided_by)
        assert set(result.missing_properties) <= {c.clause.property_name for c in result.decided_by}
    else:
        assert result.missing_properties == ()
        assert all(c.outcome == result.outcome for c in result.decided_by)


@FAST
@given(small_expressions, device_maps)
def test_filter_providing_a_missing_property_never_flips_a_decided_outcome(
    expression: Expression, props: dict[str, object]
) -> None:
    # Monotonicity: learning more can turn unknown into an answer, never one answer into another.
    before = outcome(expression, props)
    completed = {
        "device.deviceName": "KIOSK-01",
        "device.operatingSystemVersion": "10.0.22631",
        "device.deviceCategory": "Kiosk",
        "device.isTpmAttested": True,
    } | props
    after = outcome(expression, completed)
    assert before == "unknown" or before == after
