"""How one setting's values from several policies combine (reference §4, setting conflicts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from intune_assistant.analyses.conflicts import PolicyValue, Resolution, group_values, resolve, setting_key


@dataclass(frozen=True)
class Row:
    """The SettingRow contract (analyses.settings), for unit tests."""

    type_key: str
    policy_id: str
    policy_name: str
    platform: str | None
    category: str
    name: str
    value: str
    setting_id: str
    raw_value: Any
    is_secret: bool = False
    deprecated: bool = False
    replacement: str | None = None


def _values(*rows: Row, odata: dict[str, str] | None = None) -> list[PolicyValue]:
    grouped = group_values(rows, odata)
    assert len(grouped) == 1
    return list(next(iter(grouped.values())).values())


def _row(policy: str, raw: Any, *, key: str = "settingsCatalog", setting: str = "s_id", name: str = "Setting") -> Row:
    return Row(key, policy, f"Policy {policy}", "Windows", "", name, str(raw), setting, raw)


def test_conflicts_configuration_vs_configuration_is_a_conflict() -> None:
    resolution, winner, text = resolve(_values(_row("a", "s_id_1"), _row("b", "s_id_0")))
    assert (resolution, winner) == (Resolution.CONFLICT, None)
    assert "'Policy a' sets s_id_1" in text and "'Policy b' sets s_id_0" in text


def test_conflicts_same_values_agree() -> None:
    resolution, winner, _ = resolve(_values(_row("a", 5), _row("b", 5)))
    assert resolution is Resolution.SAME and winner is not None


@pytest.mark.parametrize(
    ("setting", "name", "values", "expected"),
    [
        ("passwordMinimumLength", "Password minimum length", (8, 12), 12),
        ("passwordExpirationDays", "Password expiration (days)", (90, 30), 30),
        ("passwordMinutesOfInactivityBeforeLock", "Maximum minutes of inactivity", (15, 5), 5),
        ("passwordRequired", "Password required", (False, True), True),
        ("osMinimumVersion", "OS minimum version", ("10.0.19045", "10.0.22631"), "10.0.22631"),
        ("osMaximumVersion", "OS maximum version", ("10.0.26100", "10.0.22631"), "10.0.22631"),
        ("deviceThreatProtectionRequiredSecurityLevel", "Threat level", ("medium", "low"), "low"),
    ],
)
def test_conflicts_compliance_takes_the_most_restrictive(
    setting: str, name: str, values: tuple[Any, Any], expected: Any
) -> None:
    rows = [_row(p, v, key="compliancePolicies", setting=setting, name=name) for p, v in zip("ab", values, strict=True)]
    resolution, winner, _ = resolve(_values(*rows), setting)
    assert resolution is Resolution.MOST_RESTRICTIVE
    assert winner is not None and winner.raw == repr(expected).replace("'", '"').replace("True", "true").replace(
        "False", "false"
    )


def test_conflicts_unrankable_compliance_values_say_so() -> None:
    rows = [_row(p, v, key="compliancePolicies", setting="odd", name="Odd") for p, v in (("a", "x"), ("b", "y"))]
    resolution, winner, text = resolve(_values(*rows))
    assert (resolution, winner) == (Resolution.MOST_RESTRICTIVE, None) and "can't be ranked" in text


def test_conflicts_compliance_beats_configuration() -> None:
    rows = [
        _row("config", "linux_x_false", key="settingsCatalog", setting="linux_x"),
        _row("compliance", "linux_x_true", key="complianceSettingsPolicies", setting="linux_x"),
    ]
    resolution, winner, _ = resolve(_values(*rows))
    assert resolution is Resolution.COMPLIANCE_WINS and winner is not None and winner.policy_id == "compliance"


def test_conflicts_secrets_are_not_compared() -> None:
    rows = [Row("settingsCatalog", p, p, "Windows", "", "Key", "(secret)", "key", None, is_secret=True) for p in "ab"]
    assert resolve(_values(*rows))[0] is Resolution.SECRET


def test_conflicts_list_items_are_one_value_per_policy() -> None:
    rows = [
        _row("a", "x", setting="list"),
        _row("a", "y", setting="list"),
        _row("b", "y", setting="list"),
        _row("b", "x", setting="list"),
    ]
    values = _values(*rows)
    assert len(values) == 2 and values[0].raw == values[1].raw


def test_conflicts_rows_that_are_not_device_settings_are_never_compared() -> None:
    action = _row("a", {"actionType": "block"}, key="compliancePolicies", setting="scheduledActionsForRule[X].block")
    assert setting_key(action) is None
    wifi = _row("a", "Corp", key="deviceConfigurations", setting="ssid")
    assert setting_key(wifi, "#microsoft.graph.windowsWifiConfiguration") is None
    restriction = _row("a", True, key="deviceConfigurations", setting="cameraBlocked")
    key = setting_key(restriction, "#microsoft.graph.windows10GeneralConfiguration")
    assert key is not None and key.scope == "deviceConfigurations:windows10generalconfiguration"
    assert setting_key(_row("a", 1, key="mobileApps", setting="x")) is None
