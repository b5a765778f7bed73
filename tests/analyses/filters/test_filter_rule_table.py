"""The rule table: rules Intune accepts (and what they parse to) and rules it refuses (and where).

In refused rules, ``⁁`` marks where the error must point; it is removed before parsing.
"""

from __future__ import annotations

import pytest

from intune_assistant.analyses.filters import (
    MAX_NESTING,
    MAX_RULE_LENGTH,
    And,
    Comparison,
    ErrorCode,
    FilterSyntaxError,
    ListValue,
    NullValue,
    Operator,
    Or,
    StringValue,
    VersionValue,
    format_rule,
    parse_rule,
    validate_rule,
)

WIN = "windows10AndLater"
MAC = "macOS"
IOS = "iOS"
ADA = "android"
AE = "androidForWork"
AOSP = "androidAOSP"
MAM_IOS = "iOSMobileApplicationManagement"
MAM_ANDROID = "androidMobileApplicationManagement"
MAM_WIN = "windowsMobileApplicationManagement"

MARK = "⁁"

A = '(device.deviceName -eq "A")'
B = '(device.model -eq "B")'
C = '(device.manufacturer -eq "C")'
D = '(device.deviceCategory -eq "D")'
E = '(device.osVersion -eq "E")'

# (rule, platform, the rule as format_rule prints it)
VALID: list[tuple[str, str, str]] = [
    # -- each operator, with and without dash, any case
    ('(device.deviceName -eq "KIOSK-01")', WIN, '(device.deviceName -eq "KIOSK-01")'),
    ('device.deviceName -eq "KIOSK-01"', WIN, '(device.deviceName -eq "KIOSK-01")'),
    ('(device.deviceName eq "x")', WIN, '(device.deviceName -eq "x")'),
    ('(DEVICE.DEVICENAME -EQ "x")', WIN, '(device.deviceName -eq "x")'),
    ('(device.deviceName -ne "x")', WIN, '(device.deviceName -ne "x")'),
    ('(device.deviceName NE "x")', IOS, '(device.deviceName -ne "x")'),
    ('(device.deviceName -startsWith "KIOSK")', WIN, '(device.deviceName -startsWith "KIOSK")'),
    ('(device.deviceName startswith "KIOSK")', MAC, '(device.deviceName -startsWith "KIOSK")'),
    ('(device.model -contains "Surface")', WIN, '(device.model -contains "Surface")'),
    ('(device.model contains "Surface")', WIN, '(device.model -contains "Surface")'),
    ('(device.model -notContains "Surface")', WIN, '(device.model -notContains "Surface")'),
    ('(device.model -NOTCONTAINS "Surface")', WIN, '(device.model -notContains "Surface")'),
    (
        '(device.model -in ["Surface Pro 9", "Surface Laptop 5"])',
        WIN,
        '(device.model -in ["Surface Pro 9", "Surface Laptop 5"])',
    ),
    ('(device.model in ["a"])', ADA, '(device.model -in ["a"])'),
    ('(device.model -notIn ["a","b"])', AE, '(device.model -notIn ["a", "b"])'),
    ('(device.model notin ["a"])', AOSP, '(device.model -notIn ["a"])'),
    # -- list forms (lab): trailing comma, bare string as one-item list, "" inside a list
    ('(device.model -in ["a", "b",])', WIN, '(device.model -in ["a", "b"])'),
    ('(device.model -in "a")', WIN, '(device.model -in ["a"])'),
    ('(device.model -notIn "a")', WIN, '(device.model -notIn ["a"])'),
    ('(device.deviceCategory -in ["", "Kiosk"])', WIN, '(device.deviceCategory -in ["", "Kiosk"])'),
    ('(device.model -in [\n  "a",\n  "b"\n])', WIN, '(device.model -in ["a", "b"])'),
    # -- $null
    ("(device.deviceCategory -eq $null)", WIN, "(device.deviceCategory -eq $null)"),
    ("(device.deviceCategory -ne null)", WIN, "(device.deviceCategory -ne $null)"),
    ("(device.enrollmentProfileName -eq $NULL)", IOS, "(device.enrollmentProfileName -eq $null)"),
    ("(device.operatingSystemVersion -eq $null)", WIN, "(device.operatingSystemVersion -eq $null)"),
    ("(device.isRooted -ne $null)", ADA, "(device.isRooted -ne $null)"),
    # -- versions: bare or quoted, 2–4 parts, every comparison
    ("(device.operatingSystemVersion -ge 10.0.22000)", WIN, "(device.operatingSystemVersion -ge 10.0.22000)"),
    ('(device.operatingSystemVersion -lt "10.0.22631")', WIN, '(device.operatingSystemVersion -lt "10.0.22631")'),
    ("(device.operatingSystemVersion -gt 10.0.22631.2861)", WIN, "(device.operatingSystemVersion -gt 10.0.22631.2861)"),
    ("(device.operatingSystemVersion le 14.0)", MAC, "(device.operatingSystemVersion -le 14.0)"),
    ("(device.operatingSystemVersion -eq 17.4.1)", IOS, "(device.operatingSystemVersion -eq 17.4.1)"),
    ("(device.operatingSystemVersion -ne 14.0)", AE, "(device.operatingSystemVersion -ne 14.0)"),
    ("(device.operatingSystemVersion GT 10.00.1)", WIN, "(device.operatingSystemVersion -gt 10.0.1)"),
    ('(device.operatingSystemVersion -ge " 10.0.22000 ")', WIN, '(device.operatingSystemVersion -ge "10.0.22000")'),
    # -- enums: inside and outside the known values (outside validates, never matches: lab)
    ('(device.cpuArchitecture -in ["amd64", "arm64"])', WIN, '(device.cpuArchitecture -in ["amd64", "arm64"])'),
    ('(device.cpuArchitecture -eq "x64")', MAC, '(device.cpuArchitecture -eq "x64")'),
    ('(device.cpuArchitecture -eq "x64")', WIN, '(device.cpuArchitecture -eq "x64")'),
    ('(device.deviceOwnership -eq "Corporate")', IOS, '(device.deviceOwnership -eq "Corporate")'),
    (
        '(device.deviceTrustType -notIn ["Azure AD registered"])',
        WIN,
        '(device.deviceTrustType -notIn ["Azure AD registered"])',
    ),
    (
        '(device.deviceTrustType -eq "Microsoft Entra joined")',
        WIN,
        '(device.deviceTrustType -eq "Microsoft Entra joined")',
    ),
    (
        '(device.deviceManagementType -eq "Corporate-owned fully managed")',
        AE,
        '(device.deviceManagementType -eq "Corporate-owned fully managed")',
    ),
    (
        '(device.deviceManagementType -ne "AOSP userless devices")',
        AOSP,
        '(device.deviceManagementType -ne "AOSP userless devices")',
    ),
    # -- booleans
    ('(device.isRooted -eq "True")', ADA, '(device.isRooted -eq "True")'),
    ('(device.isRooted -ne "false")', AE, '(device.isRooted -ne "false")'),
    ('(device.isRooted -eq "True")', "androidWorkProfile", '(device.isRooted -eq "True")'),
    ('(device.isTpmAttested -eq "True")', WIN, '(device.isTpmAttested -eq "True")'),
    # -- other strings per platform
    (
        '(device.enrollmentProfileName -startsWith "Autopilot")',
        WIN,
        '(device.enrollmentProfileName -startsWith "Autopilot")',
    ),
    (
        '(device.operatingSystemSKU -in ["Enterprise", "Education"])',
        WIN,
        '(device.operatingSystemSKU -in ["Enterprise", "Education"])',
    ),
    ('(device.osVersion -startsWith "17.")', IOS, '(device.osVersion -startsWith "17.")'),
    ('(device.deviceCategory -contains "Kiosk")', AOSP, '(device.deviceCategory -contains "Kiosk")'),
    ('(device.manufacturer -eq "Apple")', MAC, '(device.manufacturer -eq "Apple")'),
    # -- managed-app filters
    ('(app.appVersion -startsWith "5.")', MAM_IOS, '(app.appVersion -startsWith "5.")'),
    ('(app.deviceManagementType -eq "Unmanaged")', MAM_ANDROID, '(app.deviceManagementType -eq "Unmanaged")'),
    ('(app.deviceModel -startsWith "RealityDevice")', MAM_IOS, '(app.deviceModel -startsWith "RealityDevice")'),
    ("(app.operatingSystemVersion -ge 17.0)", MAM_IOS, "(app.operatingSystemVersion -ge 17.0)"),
    ('(app.deviceManufacturer -eq "Microsoft")', MAM_WIN, '(app.deviceManufacturer -eq "Microsoft")'),
    ('(app.osVersion -notContains "beta")', MAM_ANDROID, '(app.osVersion -notContains "beta")'),
    # -- values as written: spaces kept, apostrophes and parentheses inside quotes, trailing backslash
    ('(device.model -eq " Surface ")', WIN, '(device.model -eq " Surface ")'),
    ('(device.deviceName -eq "Scott\'s Device")', WIN, '(device.deviceName -eq "Scott\'s Device")'),
    ('(device.model -startsWith "iPad Pro (12.9")', IOS, '(device.model -startsWith "iPad Pro (12.9")'),
    ('(device.deviceName -eq "C:\\")', WIN, '(device.deviceName -eq "C:\\")'),
    ('(device.deviceName -eq "a and b or c")', WIN, '(device.deviceName -eq "a and b or c")'),
    # -- connectors, precedence, parentheses
    (f"{A} and {B}", WIN, f"{A} and {B}"),
    (f"{A} -and {B}", WIN, f"{A} and {B}"),
    (f"{A} AND {B} Or {C}", WIN, f"{A} and {B} or {C}"),
    (f"{A} -or {B}", WIN, f"{A} or {B}"),
    (f"{A} or {B} and {C}", WIN, f"{A} or {B} and {C}"),
    (f"({A} or {B}) and {C}", WIN, f"({A} or {B}) and {C}"),
    (f"{A} and ({B} or {C})", WIN, f"{A} and ({B} or {C})"),
    (f"({A} and {B}) and {C}", WIN, f"({A} and {B}) and {C}"),
    (f"{A} and {B} and {C}", WIN, f"{A} and {B} and {C}"),
    (f"(({A}))", WIN, A),
    (f"(({A} and {B}) or ({C} and ({D} or {E})))", WIN, f"{A} and {B} or {C} and ({D} or {E})"),
    (f"(\n\t{A}\n\tand\n\t{B}\n)", WIN, f"{A} and {B}"),
    ('device.deviceName -eq "A" and device.model -eq "B"', WIN, f"{A} and {B}"),
    # -- platform names are case-insensitive
    ('(device.deviceName -eq "x")', "WINDOWS10ANDLATER", '(device.deviceName -eq "x")'),
]


def _at(marked: str) -> tuple[str, int]:
    assert marked.count(MARK) == 1, marked
    return marked.replace(MARK, ""), marked.index(MARK)


# (rule with ⁁ at the expected error, platform, expected code)
INVALID: list[tuple[str, str, ErrorCode]] = [
    # -- empty
    (f"{MARK}", WIN, ErrorCode.EMPTY_RULE),
    (f"{MARK}   \n\t ", WIN, ErrorCode.EMPTY_RULE),
    # -- operators Intune refuses
    (f'(device.deviceName {MARK}-endsWith "x")', WIN, ErrorCode.UNSUPPORTED_OPERATOR),
    (f'(device.deviceName {MARK}endsWith "x")', WIN, ErrorCode.UNSUPPORTED_OPERATOR),
    (f'(device.deviceName {MARK}-notStartsWith "x")', WIN, ErrorCode.UNSUPPORTED_OPERATOR),
    (f'(device.deviceName {MARK}-notEndsWith "x")', WIN, ErrorCode.UNSUPPORTED_OPERATOR),
    (f'(device.deviceName {MARK}-equals "x")', WIN, ErrorCode.UNSUPPORTED_OPERATOR),
    (f'(device.deviceName {MARK}-notEquals "x")', WIN, ErrorCode.UNSUPPORTED_OPERATOR),
    (f'(device.deviceName {MARK}-match "^KIOSK")', WIN, ErrorCode.NO_REGEX),
    (f'(device.deviceName {MARK}-notMatch "^KIOSK")', WIN, ErrorCode.NO_REGEX),
    (f'(device.deviceName {MARK}-like "KIOSK*")', WIN, ErrorCode.NO_REGEX),
    (f'(device.deviceName {MARK}-is "x")', WIN, ErrorCode.UNKNOWN_OPERATOR),
    (f'(device.deviceName {MARK}== "x")', WIN, ErrorCode.SYMBOL_OPERATOR),
    (f'(device.deviceName {MARK}!= "x")', WIN, ErrorCode.SYMBOL_OPERATOR),
    (f'(device.deviceName {MARK}- eq "x")', WIN, ErrorCode.UNEXPECTED_CHARACTER),
    # -- no 'not', no xor, no symbols for connectors
    (f"{MARK}not {A}", WIN, ErrorCode.NOT_OPERATOR),
    (f"{MARK}-not {A}", WIN, ErrorCode.NOT_OPERATOR),
    (f"{MARK}!{A}", WIN, ErrorCode.NOT_OPERATOR),
    (f"{A} and {MARK}not {B}", WIN, ErrorCode.NOT_OPERATOR),
    (f"{A} {MARK}xor {B}", WIN, ErrorCode.UNKNOWN_CONNECTOR),
    (f"{A} {MARK}&& {B}", WIN, ErrorCode.SYMBOL_OPERATOR),
    (f"{A} {MARK}|| {B}", WIN, ErrorCode.SYMBOL_OPERATOR),
    # -- quoting
    (f"(device.deviceName -eq {MARK}'x')", WIN, ErrorCode.SINGLE_QUOTES),
    (f"(device.deviceName -eq {MARK}\u201cx\u201d)", WIN, ErrorCode.SMART_QUOTES),
    (f'(device.deviceName -eq {MARK}"x)', WIN, ErrorCode.UNTERMINATED_STRING),
    (f'(device.model -eq "iPad Pro (12.9{MARK}\\" inch")', IOS, ErrorCode.ESCAPED_QUOTE),
    (f"(device.deviceName -eq {MARK}Contoso)", WIN, ErrorCode.UNQUOTED_VALUE),
    (f"(device.deviceName -eq {MARK}5)", WIN, ErrorCode.UNQUOTED_VALUE),
    (f"(device.osVersion -eq {MARK}17.1)", IOS, ErrorCode.UNQUOTED_VALUE),
    (f"(device.isRooted -eq {MARK}True)", ADA, ErrorCode.UNQUOTED_VALUE),
    (f"(device.deviceName -eq {MARK}$foo)", WIN, ErrorCode.UNQUOTED_VALUE),
    (f'(device.deviceName -eq {MARK}"")', WIN, ErrorCode.EMPTY_VALUE),
    (f'(device.deviceName -in {MARK}"")', WIN, ErrorCode.EMPTY_VALUE),
    (f'(device.deviceName -startsWith {MARK}"")', WIN, ErrorCode.EMPTY_VALUE),
    # -- comments and stray characters
    (f"{A} {MARK}# kiosks", WIN, ErrorCode.COMMENT),
    (f"{A} {MARK}// kiosks", WIN, ErrorCode.COMMENT),
    (f"{A} and {MARK}@{B}", WIN, ErrorCode.UNEXPECTED_CHARACTER),
    # -- parentheses
    (f"{MARK}()", WIN, ErrorCode.EMPTY_PARENTHESES),
    (f"{A} and {MARK}()", WIN, ErrorCode.EMPTY_PARENTHESES),
    (f"{MARK}({A}", WIN, ErrorCode.UNCLOSED_PARENTHESIS),
    (f"{MARK}(({A} and {B})", WIN, ErrorCode.UNCLOSED_PARENTHESIS),
    (f"(({A} and {B}) or {MARK}({C}", WIN, ErrorCode.UNCLOSED_PARENTHESIS),
    (f'{MARK}(device.deviceName -eq "a"', WIN, ErrorCode.UNCLOSED_PARENTHESIS),
    (f"{A}{MARK})", WIN, ErrorCode.UNMATCHED_PARENTHESIS),
    (f"{MARK}){A}", WIN, ErrorCode.UNMATCHED_PARENTHESIS),
    (f"({A} and {B}){MARK}) or {C}", WIN, ErrorCode.UNMATCHED_PARENTHESIS),
    # -- missing pieces
    (f"{A} {MARK}and", WIN, ErrorCode.MISSING_CONDITION),
    (f"{A} {MARK}or", WIN, ErrorCode.MISSING_CONDITION),
    (f"{MARK}and {A}", WIN, ErrorCode.MISSING_CONDITION),
    (f"{A} and {MARK}or {B}", WIN, ErrorCode.MISSING_CONDITION),
    (f"({A} and {MARK})", WIN, ErrorCode.MISSING_CONDITION),
    (f'{MARK}"KIOSK"', WIN, ErrorCode.MISSING_CONDITION),
    (f'{MARK}-eq "KIOSK"', WIN, ErrorCode.MISSING_CONDITION),
    (f"{A} {MARK}{B}", WIN, ErrorCode.MISSING_CONNECTOR),
    (f'device.deviceName -eq "a" {MARK}device.model -eq "b"', WIN, ErrorCode.MISSING_CONNECTOR),
    (f'({A} {MARK}"x")', WIN, ErrorCode.MISSING_CONNECTOR),
    (f'(device.deviceName {MARK}"x")', WIN, ErrorCode.MISSING_OPERATOR),
    (f'(device.deviceName {MARK}and "x")', WIN, ErrorCode.MISSING_OPERATOR),
    (f"(device.deviceName -eq{MARK})", WIN, ErrorCode.MISSING_VALUE),
    (f"device.deviceName {MARK}-eq", WIN, ErrorCode.MISSING_VALUE),
    (f'(device.deviceName -eq {MARK}-eq "x")', WIN, ErrorCode.MISSING_VALUE),
    # -- lists
    (f"(device.model -in {MARK}[])", WIN, ErrorCode.EMPTY_LIST),
    (f'(device.model -in ["a" {MARK}"b"])', WIN, ErrorCode.LIST_SYNTAX),
    (f'(device.model -in ["a",{MARK},"b"])', WIN, ErrorCode.LIST_SYNTAX),
    (f"(device.model -in [{MARK},])", WIN, ErrorCode.LIST_SYNTAX),
    (f'(device.model -in {MARK}["a")', WIN, ErrorCode.UNCLOSED_LIST),
    (f'device.model -in {MARK}["a", "b"', WIN, ErrorCode.UNCLOSED_LIST),
    (f"(device.model -in [{MARK}a])", WIN, ErrorCode.UNQUOTED_VALUE),
    (f"(device.model -in [{MARK}$null])", WIN, ErrorCode.NULL_NOT_ALLOWED),
    (f'(device.model -eq {MARK}["a"])', WIN, ErrorCode.LIST_NOT_ALLOWED),
    (f'(device.model -ne {MARK}["a", "b"])', WIN, ErrorCode.LIST_NOT_ALLOWED),
    (f'(device.model -startsWith {MARK}["a"])', WIN, ErrorCode.LIST_NOT_ALLOWED),
    # -- $null only with -eq / -ne
    (f"(device.model -contains {MARK}$null)", WIN, ErrorCode.NULL_NOT_ALLOWED),
    (f"(device.model -in {MARK}$null)", WIN, ErrorCode.NULL_NOT_ALLOWED),
    (f"(device.operatingSystemVersion -gt {MARK}$null)", WIN, ErrorCode.NULL_NOT_ALLOWED),
    # -- versions
    (f"(device.operatingSystemVersion -ge {MARK}10)", WIN, ErrorCode.INVALID_VERSION),
    (f"(device.operatingSystemVersion -ge {MARK}10.0.1.2.3)", WIN, ErrorCode.INVALID_VERSION),
    (f'(device.operatingSystemVersion -ge {MARK}"10.x")', WIN, ErrorCode.INVALID_VERSION),
    (f'(device.operatingSystemVersion -eq {MARK}"Windows 11")', WIN, ErrorCode.INVALID_VERSION),
    (f"(device.operatingSystemVersion -lt {MARK}10.0.)", WIN, ErrorCode.INVALID_VERSION),
    (f"(device.operatingSystemVersion -lt {MARK}14.1.2a)", IOS, ErrorCode.INVALID_VERSION),
    # -- operators a property doesn't take
    (f'(device.deviceOwnership {MARK}-contains "Corp")', WIN, ErrorCode.OPERATOR_NOT_FOR_PROPERTY),
    (f'(device.deviceOwnership {MARK}-in ["Corporate"])', WIN, ErrorCode.OPERATOR_NOT_FOR_PROPERTY),
    (f'(device.isRooted {MARK}-in ["True"])', ADA, ErrorCode.OPERATOR_NOT_FOR_PROPERTY),
    (f'(device.cpuArchitecture {MARK}-startsWith "arm")', WIN, ErrorCode.OPERATOR_NOT_FOR_PROPERTY),
    (f'(device.osVersion {MARK}-gt "17.0")', IOS, ErrorCode.OPERATOR_NOT_FOR_PROPERTY),
    (f'(device.deviceName {MARK}-ge "A")', WIN, ErrorCode.OPERATOR_NOT_FOR_PROPERTY),
    (f'(device.operatingSystemVersion {MARK}-startsWith "10.0")', WIN, ErrorCode.OPERATOR_NOT_FOR_PROPERTY),
    (f'(device.operatingSystemVersion {MARK}-in ["10.0"])', WIN, ErrorCode.OPERATOR_NOT_FOR_PROPERTY),
    (f'(app.deviceManagementType {MARK}-contains "Managed")', MAM_IOS, ErrorCode.OPERATOR_NOT_FOR_PROPERTY),
    # -- properties: unknown, not on this platform, wrong entity
    (f'({MARK}device.color -eq "red")', WIN, ErrorCode.UNKNOWN_PROPERTY),
    (f'({MARK}device.deviceNam -eq "x")', WIN, ErrorCode.UNKNOWN_PROPERTY),
    (f'({MARK}device. -eq "x")', WIN, ErrorCode.UNKNOWN_PROPERTY),
    (f'({MARK}device.model.name -eq "x")', WIN, ErrorCode.UNKNOWN_PROPERTY),
    (f'({MARK}user.department -eq "Sales")', WIN, ErrorCode.UNKNOWN_ENTITY),
    (f'({MARK}deviceName -eq "x")', WIN, ErrorCode.MISSING_ENTITY),
    (f'({MARK}device.isRooted -eq "True")', WIN, ErrorCode.PROPERTY_NOT_ON_PLATFORM),
    (f'({MARK}device.deviceManagementType -eq "x")', WIN, ErrorCode.PROPERTY_NOT_ON_PLATFORM),
    (f'({MARK}device.cpuArchitecture -eq "arm64")', IOS, ErrorCode.PROPERTY_NOT_ON_PLATFORM),
    (f'({MARK}device.enrollmentProfileName -eq "x")', MAC, ErrorCode.PROPERTY_NOT_ON_PLATFORM),
    (f'({MARK}device.deviceTrustType -eq "Unknown")', AE, ErrorCode.PROPERTY_NOT_ON_PLATFORM),
    (f'({MARK}device.operatingSystemSKU -eq "Enterprise")', MAC, ErrorCode.PROPERTY_NOT_ON_PLATFORM),
    (f'({MARK}device.isTpmAttested -eq "True")', MAC, ErrorCode.PROPERTY_NOT_ON_PLATFORM),
    (f'({MARK}app.deviceManagementType -eq "Unmanaged")', MAM_WIN, ErrorCode.PROPERTY_NOT_ON_PLATFORM),
    (f'({MARK}app.appVersion -eq "1.0")', WIN, ErrorCode.WRONG_ENTITY),
    (f'({MARK}device.deviceName -eq "x")', MAM_IOS, ErrorCode.WRONG_ENTITY),
    # -- errors after a valid first clause point at the right place, also across lines
    (f'{A}\nand\n({MARK}device.colour -eq "x")', WIN, ErrorCode.UNKNOWN_PROPERTY),
]


@pytest.mark.parametrize(("rule", "platform", "printed"), VALID, ids=[f"valid-{i}" for i in range(len(VALID))])
def test_filter_valid_rules_parse_and_print(rule: str, platform: str, printed: str) -> None:
    assert validate_rule(rule, platform) == []
    parsed = parse_rule(rule, platform)
    assert format_rule(parsed) == printed
    assert parse_rule(printed, platform) == parsed


@pytest.mark.parametrize(("marked", "platform", "code"), INVALID, ids=[f"invalid-{i}" for i in range(len(INVALID))])
def test_filter_invalid_rules_are_refused_at_the_right_place(marked: str, platform: str, code: ErrorCode) -> None:
    rule, position = _at(marked)
    with pytest.raises(FilterSyntaxError) as raised:
        parse_rule(rule, platform)
    error = raised.value
    assert (error.code, error.position) == (code, position), error.display()
    assert error.message and error.rule == rule
    errors = validate_rule(rule, platform)
    assert errors and (errors[0].code, errors[0].position) == (code, position)


def test_filter_rule_table_is_large_enough() -> None:
    assert len(VALID) + len(INVALID) >= 80
    operators_seen = {
        c.operator for rule, platform, _ in VALID for c in _comparisons(parse_rule(rule, platform).expression)
    }
    assert operators_seen == set(Operator)
    codes_seen = {code for _, _, code in INVALID}
    assert codes_seen >= set(ErrorCode) - {ErrorCode.TOO_LONG, ErrorCode.TOO_DEEP}


def _comparisons(expression: Comparison | And | Or) -> list[Comparison]:
    if isinstance(expression, Comparison):
        return [expression]
    return [c for operand in expression.operands for c in _comparisons(operand)]


# -- shapes: precedence and grouping ---------------------------------------------------------


def _clause(prop: str, value: str) -> Comparison:
    return Comparison("device", prop, Operator.EQ, StringValue(value))


a, b, c = _clause("deviceName", "A"), _clause("model", "B"), _clause("manufacturer", "C")


@pytest.mark.parametrize(
    ("rule", "tree"),
    [
        (f"{A} or {B} and {C}", Or((a, And((b, c))))),
        (f"{A} and {B} or {C}", Or((And((a, b)), c))),
        (f"({A} or {B}) and {C}", And((Or((a, b)), c))),
        (f"{A} and {B} and {C}", And((a, b, c))),
        (f"({A} and {B}) and {C}", And((And((a, b)), c))),
        (f"{A} or ({B} or {C})", Or((a, Or((b, c))))),
        (f"((({A})))", a),
    ],
)
def test_filter_and_binds_tighter_than_or(rule: str, tree: object) -> None:
    assert parse_rule(rule, WIN).expression == tree


def test_filter_values_parse_to_their_kinds() -> None:
    def value(rule: str, platform: str = WIN) -> object:
        expression = parse_rule(rule, platform).expression
        assert isinstance(expression, Comparison)
        return expression.value

    bare = value("(device.operatingSystemVersion -ge 10.0.22631)")
    quoted = value('(device.operatingSystemVersion -ge "10.0.22631")')
    assert isinstance(bare, VersionValue) and isinstance(quoted, VersionValue)
    assert bare == quoted and bare.version.parts == (10, 0, 22631)
    assert (bare.quoted, quoted.quoted) == (False, True)
    assert value("(device.deviceCategory -eq $null)") == NullValue()
    assert value('(device.model -in "a")') == ListValue(("a",))
    assert value('(device.isRooted -eq "True")', ADA) == StringValue("True")


def test_filter_rule_at_the_length_limit_is_accepted_and_one_more_character_is_not() -> None:
    head = '(device.deviceName -eq "'
    rule = head + "x" * (MAX_RULE_LENGTH - len(head) - 2) + '")'
    assert len(rule) == MAX_RULE_LENGTH
    assert validate_rule(rule, WIN) == []
    longer = rule + " "
    errors = validate_rule(longer, WIN)
    assert [(e.code, e.position) for e in errors] == [(ErrorCode.TOO_LONG, MAX_RULE_LENGTH)]
    with pytest.raises(FilterSyntaxError) as raised:
        parse_rule(longer, WIN)
    assert "3,072" in raised.value.message


def test_filter_too_long_rule_also_reports_its_other_mistakes() -> None:
    rule = " or ".join([A] * 120) + ' and (device.colour -eq "x")'
    codes = [e.code for e in validate_rule(rule, WIN)]
    assert codes == [ErrorCode.TOO_LONG, ErrorCode.UNKNOWN_PROPERTY] or codes == [
        ErrorCode.UNKNOWN_PROPERTY,
        ErrorCode.TOO_LONG,
    ]


def test_filter_nesting_limit() -> None:
    bare = 'device.deviceName -eq "A"'
    deep_ok = "(" * MAX_NESTING + bare + ")" * MAX_NESTING
    assert parse_rule(deep_ok, WIN).expression == a
    too_deep = "(" * (MAX_NESTING + 1) + bare + ")" * (MAX_NESTING + 1)
    with pytest.raises(FilterSyntaxError) as raised:
        parse_rule(too_deep, WIN)
    assert (raised.value.code, raised.value.position) == (ErrorCode.TOO_DEEP, MAX_NESTING)


def test_filter_validate_lists_every_meaning_error_in_order() -> None:
    rule = (
        '(device.isRooted -eq "True") and (device.colour -eq "x") and (device.deviceOwnership -contains "C") '
        "and (device.operatingSystemVersion -ge 10)"
    )
    errors = validate_rule(rule, WIN)
    assert [e.code for e in errors] == [
        ErrorCode.PROPERTY_NOT_ON_PLATFORM,
        ErrorCode.UNKNOWN_PROPERTY,
        ErrorCode.OPERATOR_NOT_FOR_PROPERTY,
        ErrorCode.INVALID_VERSION,
    ]
    assert [e.position for e in errors] == sorted(e.position for e in errors)
    with pytest.raises(FilterSyntaxError) as raised:
        parse_rule(rule, WIN)
    assert raised.value.code is ErrorCode.PROPERTY_NOT_ON_PLATFORM


def test_filter_syntax_error_stops_after_earlier_meaning_errors() -> None:
    rule = '(device.colour -eq "x") and (device.model -endsWith "y")'
    assert [e.code for e in validate_rule(rule, WIN)] == [ErrorCode.UNKNOWN_PROPERTY, ErrorCode.UNSUPPORTED_OPERATOR]
