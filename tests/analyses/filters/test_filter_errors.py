"""How errors look to an administrator: caret display, line/column, platforms."""

from __future__ import annotations

import pickle

import pytest

from intune_assistant.analyses.filters import (
    PLATFORMS,
    ErrorCode,
    FilterSyntaxError,
    UnsupportedPlatformError,
    caret_display,
    get_platform,
    parse_rule,
    properties_for,
    validate_rule,
)


def _error(rule: str, platform: str = "windows10AndLater") -> FilterSyntaxError:
    with pytest.raises(FilterSyntaxError) as raised:
        parse_rule(rule, platform)
    return raised.value


def test_filter_display_puts_a_caret_under_the_offending_text() -> None:
    error = _error('(device.deviceName -endsWith "01")')
    assert error.display() == (
        '(device.deviceName -endsWith "01")\n'
        "                   ^^^^^^^^^\n"
        "-endsWith isn't supported in filter rules (Graph lists it, the service refuses it); use -contains"
    )
    assert (error.line, error.column) == (1, 20)
    assert "line 1, column 20" in str(error)


def test_filter_display_shows_only_the_line_with_the_error() -> None:
    rule = '(device.deviceName -eq "a")\nand\n\t(device.colour -eq "x")'
    error = _error(rule)
    assert (error.line, error.column) == (3, 3)
    assert caret_display(rule, error.position, error.length) == '\t(device.colour -eq "x")\n\t ^^^^^^^^^^^^^'


def test_filter_display_windows_long_lines() -> None:
    rule = " or ".join(['(device.deviceName -eq "a")'] * 30) + ' or (device.colour -eq "x")'
    error = _error(rule)
    shown = error.display(width=60).splitlines()
    assert shown[0].startswith("…") and len(shown[0]) <= 62
    caret_column = shown[1].index("^")
    assert shown[0][caret_column:].startswith("device.colour")


def test_filter_caret_display_at_the_end_of_the_rule() -> None:
    assert caret_display("abc", 3) == "abc\n   ^"


def test_filter_messages_suggest_what_to_write() -> None:
    assert "did you mean device.deviceName" in _error('(device.devicename2 -eq "x")').message
    assert "write device.deviceName" in _error('(deviceName -eq "x")').message
    assert "-ne" in _error('(device.deviceName != "x")').message
    assert "-eq $null" in _error('(device.deviceName -eq "")').message
    assert '"Contoso"' in _error("(device.deviceName -eq Contoso)").message
    isrooted = _error('(device.isRooted -eq "True")').message
    assert "Windows" in isrooted and "iOS/iPadOS" in isrooted


def test_filter_unknown_platform_is_not_a_syntax_error() -> None:
    with pytest.raises(UnsupportedPlatformError, match="windows81AndLater"):
        validate_rule('(device.deviceName -eq "x")', "windows81AndLater")
    with pytest.raises(UnsupportedPlatformError):
        parse_rule('(device.deviceName -eq "x")', "linux")
    assert isinstance(UnsupportedPlatformError("x"), ValueError)


def test_filter_every_platform_has_properties_of_its_entity() -> None:
    for platform in PLATFORMS.values():
        props = properties_for(platform)
        assert props, platform.name
        assert {p.entity for p in props} == {platform.entity}
    assert get_platform("ANDROIDAOSP").name == "androidAOSP"


def test_filter_error_codes_are_stable_strings() -> None:
    code = _error("").code
    assert code is ErrorCode.EMPTY_RULE
    assert code.value == "empty_rule"
    assert repr(_error("")) == "FilterSyntaxError(code='empty_rule', position=0, message='The rule is empty')"


def test_filter_rule_must_be_text() -> None:
    with pytest.raises(TypeError):
        validate_rule(None, "iOS")  # type: ignore[arg-type]


def test_filter_syntax_error_survives_pickling() -> None:
    error = _error('(device.deviceName -endsWith "01")')
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.position, copy.length, copy.rule, copy.message) == (
        error.code,
        error.position,
        error.length,
        error.rule,
        error.message,
    )
