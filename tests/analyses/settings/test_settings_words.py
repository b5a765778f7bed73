"""Readable labels and values from Graph's property names, enum values and ids."""

from __future__ import annotations

import pytest

from intune_assistant.analyses.settings import readable_label
from intune_assistant.analyses.settings.derived import derived_category, derived_name, derived_option
from intune_assistant.analyses.settings.values import display_value, readable_duration
from intune_assistant.analyses.settings.words import readable_words


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("passwordMinimumLength", "Password minimum length"),
        ("iCloudBlockBackup", "iCloud block backup"),
        ("firewallBlockStatefulFTP", "Firewall block stateful FTP"),
        ("wiFiPreSharedKey", "Wi-Fi pre shared key"),
        ("osMinimumVersion", "OS minimum version"),
        ("windowsHelloForBusinessBlocked", "Windows Hello for Business blocked"),
        ("bitLockerEncryptDevice", "BitLocker encrypt device"),
        ("macOSCompliancePolicy", "macOS compliance policy"),
        ("windows10GeneralConfiguration", "Windows 10 general configuration"),
        ("kioskBrowserDefaultUrl", "Kiosk browser default URL"),
        ("airDropBlocked", "AirDrop blocked"),
    ],
)
def test_property_names_become_labels(name: str, label: str) -> None:
    assert readable_label(name) == label


@pytest.mark.parametrize(
    ("value", "prop", "shown"),
    [
        (True, "cameraBlocked", "Yes"),
        (False, "cameraBlocked", "No"),
        ("notConfigured", "x", "Not configured"),
        ("wpa2Personal", "wifiSecurityType", "WPA2 personal"),
        ("bootPerformance,windowsUpdates", "scope", "Boot performance, Windows updates"),
        ("PT12H", "periodOfflineBeforeAccessCheck", "12 hours"),
        ("P90D", "periodOfflineBeforeWipeIsEnforced", "90 days"),
        ("contoso-Corp", "ssid", "contoso-Corp"),
        ("stable", "channel", "stable"),
        (["a", "b"], "names", "a, b"),
        ({"firewallEnabled": "allowed"}, "profile", "Firewall enabled: Allowed"),
    ],
)
def test_values_are_shown_in_words(value: object, prop: str, shown: str) -> None:
    assert display_value(value, prop) == shown


def test_durations() -> None:
    assert readable_duration("PT1H30M") == "1 hour, 30 minutes"
    assert readable_duration("P") is None
    assert readable_duration("Pilot") is None


def test_lower_case_ids_are_split_into_words() -> None:
    assert readable_words("allowrealtimemonitoring") == "Allow realtime monitoring"
    assert readable_words("requiredeviceencryption") == "Require device encryption"
    assert readable_words("antivirusengine_exclusions") == "Antivirus engine exclusions"


@pytest.mark.parametrize(
    ("definition_id", "category", "name"),
    [
        ("device_vendor_msft_policy_config_defender_allowrealtimemonitoring", "Defender", "Allow realtime monitoring"),
        ("user_vendor_msft_policy_config_experience_allowcortana", "Experience (User)", "Allow Cortana"),
        ("device_vendor_msft_bitlocker_requiredeviceencryption", "BitLocker", "Require device encryption"),
        (
            "vendor_msft_firewall_mdmstore_firewallrules_{firewallrulename}_action",
            "Firewall > Firewall rules",
            "Action",
        ),
        ("com.apple.mcx.filevault2_userecoverykey", "FileVault 2", "Use recovery key"),
        (
            "device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge~extensions_extensioninstallforcelist",
            "Microsoft Edge > Extensions",
            "Extension install force list",
        ),
        (
            "user_vendor_msft_policy_config_word16v2~policy~l_microsoftofficeword~l_wordoptions~l_security"
            "~l_trustcenter_l_blockmacroexecutionfrominternet",
            "Microsoft Office word > Word options > Security > Trust center (User)",
            "Block macro execution from internet",
        ),
    ],
)
def test_names_derived_from_ids(definition_id: str, category: str, name: str) -> None:
    assert derived_category(definition_id) == category
    assert derived_name(definition_id) == name


def test_option_labels_derived_from_option_ids() -> None:
    base = "device_vendor_msft_policy_config_defender_puaprotection"
    assert derived_option(base, f"{base}_1") == "1"
    assert derived_option(base, f"{base}_auditmode") == "Audit mode"
