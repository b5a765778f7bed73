"""Evaluation tables: match / no match / unknown, with the reasons an administrator reads."""

from __future__ import annotations

import pytest

from intune_assistant.analyses.filters import (
    Comparison,
    FilterResult,
    Operator,
    StringValue,
    evaluate,
    parse_rule,
)

WIN = "windows10AndLater"


def run(rule: str, props: dict[str, object], platform: str = WIN) -> FilterResult:
    return evaluate(parse_rule(rule, platform), props)


# (rule, platform, properties, expected outcome)
CASES: list[tuple[str, str, dict[str, object], str]] = [
    # -- strings: case-insensitive, surrounding spaces ignored
    ('(device.deviceName -eq "KIOSK-01")', WIN, {"device.deviceName": "KIOSK-01"}, "match"),
    ('(device.deviceName -eq "KIOSK-01")', WIN, {"device.deviceName": "kiosk-01"}, "match"),
    ('(device.deviceName -eq " KIOSK-01 ")', WIN, {"device.deviceName": "KIOSK-01  "}, "match"),
    ('(device.deviceName -eq "KIOSK-01")', WIN, {"device.deviceName": "KIOSK-02"}, "no_match"),
    ('(device.deviceName -ne "KIOSK-01")', WIN, {"device.deviceName": "KIOSK-02"}, "match"),
    ('(device.deviceName -ne "KIOSK-01")', WIN, {"device.deviceName": "Kiosk-01"}, "no_match"),
    ('(device.deviceName -startsWith "kiosk")', WIN, {"device.deviceName": "KIOSK-01"}, "match"),
    ('(device.deviceName -startsWith "LAB")', WIN, {"device.deviceName": "KIOSK-01"}, "no_match"),
    ('(device.model -contains "pro")', WIN, {"device.model": "Surface Pro 9"}, "match"),
    ('(device.model -contains "Laptop")', WIN, {"device.model": "Surface Pro 9"}, "no_match"),
    ('(device.model -notContains "Laptop")', WIN, {"device.model": "Surface Pro 9"}, "match"),
    ('(device.model -notContains "PRO")', WIN, {"device.model": "Surface Pro 9"}, "no_match"),
    ('(device.model -in ["Surface Pro 9", "Surface Laptop 5"])', WIN, {"device.model": "surface laptop 5"}, "match"),
    ('(device.model -in ["Surface Pro 9", "Surface Laptop 5"])', WIN, {"device.model": "Surface Go"}, "no_match"),
    ('(device.model -notIn ["Surface Pro 9"])', WIN, {"device.model": "Surface Go"}, "match"),
    ('(device.model -notIn ["Surface Pro 9"])', WIN, {"device.model": "SURFACE PRO 9"}, "no_match"),
    ('(device.model -in "Surface Go")', WIN, {"device.model": "Surface Go"}, "match"),
    # -- an empty value is null (lab, empty enrollmentProfileName/deviceCategory)
    ("(device.enrollmentProfileName -eq $null)", WIN, {"device.enrollmentProfileName": ""}, "match"),
    ("(device.enrollmentProfileName -eq $null)", WIN, {"device.enrollmentProfileName": None}, "match"),
    ("(device.enrollmentProfileName -ne $null)", WIN, {"device.enrollmentProfileName": None}, "no_match"),
    ('(device.enrollmentProfileName -ne "a")', WIN, {"device.enrollmentProfileName": None}, "match"),
    ('(device.enrollmentProfileName -eq "a")', WIN, {"device.enrollmentProfileName": None}, "no_match"),
    ('(device.enrollmentProfileName -notIn ["a"])', WIN, {"device.enrollmentProfileName": None}, "match"),
    ('(device.enrollmentProfileName -in ["a"])', WIN, {"device.enrollmentProfileName": None}, "no_match"),
    ('(device.enrollmentProfileName -in ["", "a"])', WIN, {"device.enrollmentProfileName": None}, "match"),
    ('(device.enrollmentProfileName -notContains "a")', WIN, {"device.enrollmentProfileName": ""}, "match"),
    ('(device.enrollmentProfileName -contains "a")', WIN, {"device.enrollmentProfileName": ""}, "no_match"),
    ('(device.enrollmentProfileName -startsWith "a")', WIN, {"device.enrollmentProfileName": "  "}, "no_match"),
    ("(device.deviceCategory -eq $null)", WIN, {"device.deviceCategory": "Kiosk"}, "no_match"),
    ("(device.deviceCategory -ne $null)", WIN, {"device.deviceCategory": "Kiosk"}, "match"),
    # -- versions: numeric, part by part, missing parts are 0
    ("(device.operatingSystemVersion -gt 10.0.19045)", WIN, {"device.operatingSystemVersion": "10.0.22631"}, "match"),
    (
        "(device.operatingSystemVersion -lt 10.0.19045)",
        WIN,
        {"device.operatingSystemVersion": "10.0.22631"},
        "no_match",
    ),
    ("(device.operatingSystemVersion -ge 10.0.9999)", WIN, {"device.operatingSystemVersion": "10.0.22631"}, "match"),
    (
        "(device.operatingSystemVersion -eq 10.0.26100)",
        WIN,
        {"device.operatingSystemVersion": "10.0.26100.9457"},
        "no_match",
    ),
    (
        "(device.operatingSystemVersion -ge 10.0.26100)",
        WIN,
        {"device.operatingSystemVersion": "10.0.26100.9457"},
        "match",
    ),
    ("(device.operatingSystemVersion -eq 10.0.26100.0)", WIN, {"device.operatingSystemVersion": "10.0.26100"}, "match"),
    ("(device.operatingSystemVersion -le 17.4)", "iOS", {"device.operatingSystemVersion": "17.4.0"}, "match"),
    ("(device.operatingSystemVersion -lt 17.4)", "iOS", {"device.operatingSystemVersion": "17.4.0"}, "no_match"),
    ("(device.operatingSystemVersion -ne 17.4)", "iOS", {"device.operatingSystemVersion": "17.4.1"}, "match"),
    ("(device.operatingSystemVersion -ge 13.0)", "androidForWork", {"device.operatingSystemVersion": "14"}, "match"),
    (
        '(device.operatingSystemVersion -lt "10.0.22000")',
        WIN,
        {"device.operatingSystemVersion": "10.0.19045.4291"},
        "match",
    ),
    ("(device.operatingSystemVersion -ge 10.0.22000)", WIN, {"device.operatingSystemVersion": ""}, "no_match"),
    ("(device.operatingSystemVersion -ne 10.0.22000)", WIN, {"device.operatingSystemVersion": None}, "match"),
    ("(device.operatingSystemVersion -eq $null)", WIN, {"device.operatingSystemVersion": None}, "match"),
    ("(device.operatingSystemVersion -ge 10.0.22000)", WIN, {"device.operatingSystemVersion": "Windows 11"}, "unknown"),
    (
        "(device.operatingSystemVersion -ge 14.0)",
        "macOS",
        {"device.operatingSystemVersion": "14.4.1 (23E224)"},
        "unknown",
    ),
    # -- enums and booleans
    ('(device.cpuArchitecture -eq "arm64")', WIN, {"device.cpuArchitecture": "ARM64"}, "match"),
    ('(device.cpuArchitecture -eq "x64")', WIN, {"device.cpuArchitecture": "amd64"}, "no_match"),
    ('(device.cpuArchitecture -in ["amd64", "x86"])', WIN, {"device.cpuArchitecture": "x86"}, "match"),
    ('(device.deviceOwnership -eq "Corporate")', "iOS", {"device.deviceOwnership": "Corporate"}, "match"),
    ('(device.deviceOwnership -ne "corporate")', "iOS", {"device.deviceOwnership": "Personal"}, "match"),
    (
        '(device.deviceTrustType -eq "Hybrid Azure AD joined")',
        WIN,
        {"device.deviceTrustType": "Hybrid Azure AD joined"},
        "match",
    ),
    ('(device.isRooted -eq "True")', "android", {"device.isRooted": True}, "match"),
    ('(device.isRooted -eq "true")', "android", {"device.isRooted": "True"}, "match"),
    ('(device.isRooted -eq "True")', "android", {"device.isRooted": False}, "no_match"),
    ('(device.isRooted -ne "False")', "android", {"device.isRooted": False}, "no_match"),
    ('(device.isTpmAttested -eq "False")', WIN, {"device.isTpmAttested": False}, "match"),
    ('(device.operatingSystemSKU -eq "Enterprise")', WIN, {"device.operatingSystemSKU": "enterprise"}, "match"),
    # -- managed apps, with the legacy management types mapped onto the granular sets
    ('(app.appVersion -startsWith "5.")', "iOSMobileApplicationManagement", {"app.appVersion": "5.2.1"}, "match"),
    (
        '(app.deviceManagementType -eq "Managed")',
        "iOSMobileApplicationManagement",
        {"app.deviceManagementType": "Account Driven User Enrollment"},
        "match",
    ),
    (
        '(app.deviceManagementType -eq "Managed")',
        "iOSMobileApplicationManagement",
        {"app.deviceManagementType": "Unmanaged"},
        "no_match",
    ),
    (
        '(app.deviceManagementType -ne "Managed")',
        "iOSMobileApplicationManagement",
        {"app.deviceManagementType": "Unmanaged"},
        "match",
    ),
    (
        '(app.deviceManagementType -eq "Android Enterprise")',
        "androidMobileApplicationManagement",
        {"app.deviceManagementType": "Corporate-owned fully managed"},
        "match",
    ),
    (
        '(app.deviceManagementType -eq "Android Enterprise")',
        "androidMobileApplicationManagement",
        {"app.deviceManagementType": "AOSP userless devices"},
        "no_match",
    ),
    # -- not provided, or not comparable → unknown
    ('(device.deviceCategory -eq "Kiosk")', WIN, {}, "unknown"),
    ("(device.deviceCategory -eq $null)", WIN, {}, "unknown"),
    ('(device.deviceCategory -ne "Kiosk")', WIN, {"device.deviceName": "x"}, "unknown"),
    ('(device.deviceName -eq "x")', WIN, {"device.deviceName": ["x"]}, "unknown"),
    ('(device.deviceName -eq "x")', WIN, {"device.deviceName": {"value": "x"}}, "unknown"),
    # -- numbers given for text properties compare as their text
    ('(device.deviceName -eq "42")', WIN, {"device.deviceName": 42}, "match"),
    # -- keys are case-insensitive
    ('(device.deviceName -eq "x")', WIN, {"DEVICE.DEVICENAME": "X"}, "match"),
]


@pytest.mark.parametrize(("rule", "platform", "props", "outcome"), CASES, ids=[f"case-{i}" for i in range(len(CASES))])
def test_filter_evaluation_table(rule: str, platform: str, props: dict[str, object], outcome: str) -> None:
    result = run(rule, props, platform)
    assert result.outcome == outcome, result.reason
    assert result.reason
    assert len(result.decided_by) == 1
    assert result.decided_by[0].outcome == outcome


KIOSK = '(device.deviceName -startsWith "KIOSK")'
SURFACE = '(device.model -contains "Surface")'
CATEGORY = '(device.deviceCategory -eq "Kiosk")'  # never provided below → unknown


@pytest.mark.parametrize(
    ("rule", "props", "outcome"),
    [
        # unknown combines: no and unknown = no; yes or unknown = yes; otherwise unknown
        (f"{KIOSK} and {CATEGORY}", {"device.deviceName": "LAPTOP"}, "no_match"),
        (f"{CATEGORY} and {KIOSK}", {"device.deviceName": "LAPTOP"}, "no_match"),
        (f"{KIOSK} and {CATEGORY}", {"device.deviceName": "KIOSK-1"}, "unknown"),
        (f"{KIOSK} or {CATEGORY}", {"device.deviceName": "KIOSK-1"}, "match"),
        (f"{CATEGORY} or {KIOSK}", {"device.deviceName": "KIOSK-1"}, "match"),
        (f"{KIOSK} or {CATEGORY}", {"device.deviceName": "LAPTOP"}, "unknown"),
        (f"{KIOSK} and {SURFACE}", {"device.deviceName": "KIOSK-1", "device.model": "Surface Go"}, "match"),
        (f"{KIOSK} or {SURFACE}", {"device.deviceName": "LAPTOP", "device.model": "ThinkPad"}, "no_match"),
        # precedence reaches evaluation: KIOSK or (SURFACE and CATEGORY)
        (f"{KIOSK} or {SURFACE} and {CATEGORY}", {"device.deviceName": "KIOSK-1", "device.model": "x"}, "match"),
        (f"({KIOSK} or {SURFACE}) and {CATEGORY}", {"device.deviceName": "KIOSK-1", "device.model": "x"}, "unknown"),
        (f"{KIOSK} or {SURFACE} and {CATEGORY}", {"device.deviceName": "LAB", "device.model": "ThinkPad"}, "no_match"),
    ],
)
def test_filter_three_valued_combinations(rule: str, props: dict[str, object], outcome: str) -> None:
    assert run(rule, props).outcome == outcome


def test_filter_reason_names_the_deciding_comparison_and_the_value_seen() -> None:
    result = run(f"{KIOSK} and {SURFACE}", {"device.deviceName": "KIOSK-7", "device.model": "ThinkPad X1"})
    assert result.outcome == "no_match"
    (decider,) = result.decided_by
    assert decider.clause.property_name == "device.model"
    assert decider.value_seen == "ThinkPad X1"
    assert result.reason == 'device.model is "ThinkPad X1", so (device.model -contains "Surface") doesn\'t match'
    assert result.missing_properties == ()


def test_filter_match_of_an_and_lists_every_condition() -> None:
    result = run(f"{KIOSK} and {SURFACE}", {"device.deviceName": "KIOSK-7", "device.model": "Surface Go"})
    assert result.outcome == "match"
    assert [c.clause.property for c in result.decided_by] == ["deviceName", "model"]
    assert '"KIOSK-7"' in result.reason and '"Surface Go"' in result.reason


def test_filter_match_of_an_or_names_the_first_matching_condition() -> None:
    result = run(f"{KIOSK} or {SURFACE}", {"device.deviceName": "LAB", "device.model": "Surface Go"})
    assert result.outcome == "match"
    assert [c.clause.property for c in result.decided_by] == ["model"]


def test_filter_unknown_names_the_missing_properties() -> None:
    rule = f"{KIOSK} and {CATEGORY} and (device.enrollmentProfileName -eq $null)"
    result = run(rule, {"device.deviceName": "KIOSK-7"})
    assert result.outcome == "unknown"
    assert result.missing_properties == ("device.deviceCategory", "device.enrollmentProfileName")
    assert "device.deviceCategory wasn't provided" in result.reason
    assert all(not c.provided and c.value_seen is None for c in result.decided_by)


def test_filter_unknown_from_an_unreadable_version_is_not_a_missing_property() -> None:
    result = run("(device.operatingSystemVersion -ge 10.0.22000)", {"device.operatingSystemVersion": "n/a"})
    assert result.outcome == "unknown"
    assert result.missing_properties == ()
    assert "isn't a version" in result.reason
    assert result.decided_by[0].provided


def test_filter_null_reason_says_the_value_is_empty() -> None:
    result = run("(device.deviceCategory -eq $null)", {"device.deviceCategory": None})
    assert result.outcome == "match"
    assert "empty" in result.reason


def test_filter_evaluate_takes_a_bare_expression() -> None:
    clause = Comparison("device", "deviceName", Operator.STARTS_WITH, StringValue("kiosk"))
    assert evaluate(clause, {"device.deviceName": "KIOSK-1"}).outcome == "match"


def test_filter_evaluate_refuses_a_malformed_hand_built_tree() -> None:
    clause = Comparison("device", "deviceName", Operator.GT, StringValue("a"))
    with pytest.raises(ValueError, match="-gt"):
        evaluate(clause, {"device.deviceName": "b"})


def test_filter_rule_text_is_never_executed() -> None:
    # Values that look like code are compared as text, nothing more.
    rule = "(device.deviceName -eq \"__import__('os').system('echo hi')\") or (device.model -contains \"$(whoami)\")"
    result = run(rule, {"device.deviceName": "x", "device.model": "$(whoami) laptop"})
    assert result.outcome == "match"
