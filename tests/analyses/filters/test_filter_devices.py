"""Graph managedDevice → filter properties: only what the reference maps, nothing guessed."""

from __future__ import annotations

import pytest

from intune_assistant.analyses.filters import device_properties, evaluate, parse_rule

WINDOWS_DEVICE: dict[str, object] = {
    "id": "5f2b2f1e-0000-4000-8000-000000000001",
    "deviceName": "KIOSK-01",
    "operatingSystem": "Windows",
    "osVersion": "10.0.22631.2861",
    "manufacturer": "Microsoft Corporation",
    "model": "Surface Pro 9",
    "managedDeviceOwnerType": "company",
    "joinType": "hybridAzureADJoined",
    "processorArchitecture": "x64",
    "deviceCategoryDisplayName": "Kiosk",
    "enrollmentProfileName": "Autopilot - Kiosk",
    "skuNumber": 4,
    "jailBroken": "Unknown",
    "userPrincipalName": "kiosk@contoso.example",
}


def test_filter_windows_device_maps_to_the_reference_properties() -> None:
    assert device_properties(WINDOWS_DEVICE) == {
        "device.deviceName": "KIOSK-01",
        "device.manufacturer": "Microsoft Corporation",
        "device.model": "Surface Pro 9",
        "device.enrollmentProfileName": "Autopilot - Kiosk",
        "device.osVersion": "10.0.22631.2861",
        "device.operatingSystemVersion": "10.0.22631.2861",
        "device.deviceCategory": "Kiosk",
        "device.deviceOwnership": "Corporate",
        "device.deviceTrustType": "Hybrid Azure AD joined",
        "device.cpuArchitecture": "amd64",
        "device.operatingSystemSKU": "Enterprise",
    }


def test_filter_iphone_maps_ownership_and_jailbreak() -> None:
    props = device_properties(
        {
            "deviceName": "Sara's iPhone",
            "operatingSystem": "iOS",
            "osVersion": "17.4.1",
            "model": "iPhone 15",
            "manufacturer": "Apple",
            "managedDeviceOwnerType": "personal",
            "jailBroken": "False",
            "enrollmentProfileName": None,
        }
    )
    assert props["device.deviceOwnership"] == "Personal"
    assert props["device.isRooted"] == "False"
    assert props["device.enrollmentProfileName"] is None  # known empty → evaluates as null
    assert "device.cpuArchitecture" not in props
    assert "device.deviceCategory" not in props  # not in the object → unknown, not "no category"


@pytest.mark.parametrize(
    ("owner", "expected"), [("company", "Corporate"), ("Personal", "Personal"), ("unknown", None), (None, None)]
)
def test_filter_ownership_translation(owner: object, expected: str | None) -> None:
    assert device_properties({"managedDeviceOwnerType": owner}).get("device.deviceOwnership") == expected


@pytest.mark.parametrize(
    ("join_type", "expected"),
    [
        ("azureADJoined", "Azure AD joined"),
        ("azureADRegistered", "Azure AD registered"),
        ("hybridAzureADJoined", "Hybrid Azure AD joined"),
        ("unknown", "Unknown"),
        ("somethingNew", None),
    ],
)
def test_filter_join_type_translation(join_type: str, expected: str | None) -> None:
    assert device_properties({"joinType": join_type}).get("device.deviceTrustType") == expected


@pytest.mark.parametrize(
    ("os_name", "arch", "expected"),
    [
        ("Windows", "x64", "amd64"),
        ("Windows", "arM64", "arm64"),
        ("Windows", "x86", "x86"),
        ("macOS", "x64", "x64"),
        ("macOS", "arM64", "arm64"),
        ("Windows", "unknown", None),
        ("macOS", "x86", None),
        ("iOS", "arM64", None),
        (None, "x64", None),
    ],
)
def test_filter_cpu_architecture_depends_on_the_operating_system(
    os_name: str | None, arch: str, expected: str | None
) -> None:
    device = {"operatingSystem": os_name, "processorArchitecture": arch}
    assert device_properties(device).get("device.cpuArchitecture") == expected


@pytest.mark.parametrize(
    ("jailbroken", "expected"), [("True", "True"), ("false", "False"), (True, "True"), ("Unknown", None), (None, None)]
)
def test_filter_jailbroken_maps_to_is_rooted(jailbroken: object, expected: str | None) -> None:
    assert device_properties({"jailBroken": jailbroken}).get("device.isRooted") == expected


@pytest.mark.parametrize(
    ("sku", "expected"),
    [
        (4, "Enterprise"),
        (129, "EnterpriseSEval"),
        ("48", "Professional"),
        (101, "Core"),
        (49, None),
        (0, None),
        (True, None),
    ],
)
def test_filter_sku_number_maps_to_operating_system_sku(sku: object, expected: str | None) -> None:
    assert device_properties({"skuNumber": sku}).get("device.operatingSystemSKU") == expected


@pytest.mark.parametrize(
    ("category", "present", "value"),
    [("Kiosk", True, "Kiosk"), ("", True, None), (None, True, None), ("Unknown", False, None), (7, False, None)],
)
def test_filter_device_category(category: object, present: bool, value: object) -> None:
    props = device_properties({"deviceCategoryDisplayName": category})
    assert ("device.deviceCategory" in props) is present
    assert props.get("device.deviceCategory") == value


def test_filter_fields_graph_did_not_return_stay_absent() -> None:
    assert device_properties({}) == {}
    assert device_properties({"deviceName": 12}) == {}  # wrong type: not guessed


def test_filter_mapped_device_evaluates_end_to_end() -> None:
    props = device_properties(WINDOWS_DEVICE)
    rule = parse_rule(
        '(device.deviceOwnership -eq "Corporate") and (device.operatingSystemVersion -ge 10.0.22000) '
        'and (device.cpuArchitecture -in ["amd64", "arm64"]) and (device.deviceTrustType -ne "Azure AD registered")',
        "windows10AndLater",
    )
    assert evaluate(rule, props).outcome == "match"
    # isTpmAttested has no Graph field: a rule on it is unknown, never "no".
    tpm = parse_rule('(device.isTpmAttested -eq "True")', "windows10AndLater")
    result = evaluate(tpm, props)
    assert (result.outcome, result.missing_properties) == ("unknown", ("device.isTpmAttested",))
