"""Filter properties of a device, from a Graph ``managedDevice`` object.

Only the mappings the filters reference gives (§2, "Graph managedDevice → filter value") are
made. A property Graph doesn't provide — or provides in a form we can't translate with
certainty — is left out, so the evaluator answers ``unknown`` instead of guessing. A field
Graph returns as null or empty text becomes None: Intune evaluates such a property as null
(lab: empty ``enrollmentProfileName``/``deviceCategory`` match ``-eq $null``).

Not mapped, because Graph's managedDevice has no field the reference ties to them:
``device.deviceManagementType`` and ``device.isTpmAttested``.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["device_properties"]

# Graph field → filter property, copied as text.
_TEXT_FIELDS = (
    ("deviceName", "device.deviceName"),
    ("manufacturer", "device.manufacturer"),
    ("model", "device.model"),
    ("enrollmentProfileName", "device.enrollmentProfileName"),
    ("osVersion", "device.osVersion"),
    ("osVersion", "device.operatingSystemVersion"),
)

# managedDeviceOwnerType → deviceOwnership (lab). "unknown" has no filter value: left out.
_OWNERSHIP = {"company": "Corporate", "personal": "Personal"}

# joinType → deviceTrustType: Intune's own strings, not Entra's new names (lab).
_TRUST_TYPE = {
    "azureadjoined": "Azure AD joined",
    "azureadregistered": "Azure AD registered",
    "hybridazureadjoined": "Hybrid Azure AD joined",
    "unknown": "Unknown",
}

# processorArchitecture → cpuArchitecture, per operating system: an x64 Windows device is
# "amd64" (lab) while an x64 Mac is "x64". x86 exists only in Windows' value list and keeps
# its name. Other values ("unknown", "arm") have no confirmed translation.
_CPU = {
    "windows": {"x64": "amd64", "arm64": "arm64", "x86": "x86"},
    "macos": {"x64": "x64", "arm64": "arm64"},
}

# skuNumber → operatingSystemSKU, from the reference's SKU table where it agrees with the
# Win32 PRODUCT_* numbers. Left out on purpose: 49 and 162 (the table names them BusinessN and
# ProfessionalN, Win32 says ProfessionalN and ProfessionalWorkstationN) and the table's odd
# "10/111" for Core; Core is Win32's 101 (PRODUCT_CORE). Lab: 129 → EnterpriseSEval.
_SKUS = {
    4: "Enterprise",
    27: "EnterpriseN",
    48: "Professional",
    72: "EnterpriseEval",
    84: "EnterpriseNEval",
    98: "CoreN",
    99: "CoreCountrySpecific",
    100: "CoreSingleLanguage",
    101: "Core",
    119: "PPIPro",
    121: "Education",
    122: "EducationN",
    123: "IoTUAP",
    125: "EnterpriseS",
    126: "EnterpriseSN",
    129: "EnterpriseSEval",
    131: "IoTUAPCommercial",
    136: "Holographic",
    138: "ProfessionalSingleLanguage",
    161: "ProfessionalWorkstation",
    164: "ProfessionalEducation",
    165: "ProfessionalEducationN",
    171: "EnterpriseG",
    172: "EnterpriseGN",
    175: "ServerRdsh",
    188: "IoTEnterprise",
    202: "CloudEditionN",
    203: "CloudEdition",
}


def _text(value: object) -> tuple[bool, str | None]:
    """(usable, value): text is kept, null/empty becomes None, any other type is unusable."""
    if value is None:
        return True, None
    if isinstance(value, str):
        return True, value if value.strip() else None
    return False, None


def _key(value: object) -> str | None:
    return value.strip().casefold() if isinstance(value, str) else None


def device_properties(managed_device: Mapping[str, object]) -> dict[str, object]:
    """Filter property values (``device.…`` → value) for a Graph ``managedDevice`` object.

    Properties Graph doesn't provide, or whose value can't be translated with certainty, are
    absent; the evaluator then answers ``unknown`` for conditions on them.
    """
    properties: dict[str, object] = {}
    for field_name, property_name in _TEXT_FIELDS:
        if field_name in managed_device:
            usable, value = _text(managed_device[field_name])
            if usable:
                properties[property_name] = value

    if "deviceCategoryDisplayName" in managed_device:
        usable, category = _text(managed_device["deviceCategoryDisplayName"])
        # Graph shows "Unknown" for a device without a category, which Intune evaluates as
        # null, but "Unknown" may also be a real category name: we can't tell, so leave it out.
        if usable and _key(category) != "unknown":
            properties["device.deviceCategory"] = category

    ownership = _OWNERSHIP.get(_key(managed_device.get("managedDeviceOwnerType")) or "")
    if ownership is not None:
        properties["device.deviceOwnership"] = ownership

    trust_type = _TRUST_TYPE.get(_key(managed_device.get("joinType")) or "")
    if trust_type is not None:
        properties["device.deviceTrustType"] = trust_type

    os_name = _key(managed_device.get("operatingSystem")) or ""
    cpu_table = _CPU.get("windows" if os_name.startswith("windows") else os_name, {})
    cpu = cpu_table.get(_key(managed_device.get("processorArchitecture")) or "")
    if cpu is not None:
        properties["device.cpuArchitecture"] = cpu

    jailbroken = managed_device.get("jailBroken")
    # Graph reports "True", "False" or "Unknown" as text; only the first two are known answers.
    rooted = {"true": "True", "false": "False"}.get(_key(jailbroken) or "")
    if isinstance(jailbroken, bool):
        rooted = "True" if jailbroken else "False"
    if rooted is not None:
        properties["device.isRooted"] = rooted

    sku = managed_device.get("skuNumber")
    if isinstance(sku, str) and sku.strip().isascii() and sku.strip().isdigit():
        sku = int(sku.strip())
    if isinstance(sku, int) and not isinstance(sku, bool) and sku in _SKUS:
        properties["device.operatingSystemSKU"] = _SKUS[sku]

    return properties
