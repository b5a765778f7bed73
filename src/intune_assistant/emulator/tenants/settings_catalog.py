"""Settings-catalog policies (configuration and compliance) built from the definition catalogue.

A policy is drawn from a profile (platform, technologies, template family and the definition
areas it configures); every value is valid for its definition, so tests can check each choice
against the definition's options.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any

from .context import Ctx, base_object
from .definitions import Catalogue, catalogue
from .ids import guid, stable_guid

Obj = dict[str, Any]
_INSTANCE = "#microsoft.graph.deviceManagementConfiguration"
_ASR = "device_vendor_msft_policy_config_defender_attacksurfacereductionrules"
_DEF = "device_vendor_msft_policy_config_defender_"


@dataclass(frozen=True)
class Profile:
    """A kind of settings-catalog policy admins create."""

    prefix: str
    label: str
    platform: str
    technologies: str
    family: str
    template: str
    # Area keys of the catalogue, or explicit definition ids (containing "_").
    pool: tuple[str, ...]
    # Definitions every policy of the profile configures.
    must: tuple[str, ...] = ()


PROFILES: tuple[Profile, ...] = (
    Profile(
        "WIN",
        "Defender Antivirus",
        "windows10",
        "mdm,microsoftSense",
        "endpointSecurityAntivirus",
        "Microsoft Defender Antivirus",
        ("defender",),
        (f"{_DEF}allowrealtimemonitoring",),
    ),
    Profile(
        "WIN",
        "Attack Surface Reduction",
        "windows10",
        "mdm,microsoftSense",
        "endpointSecurityAttackSurfaceReduction",
        "Attack Surface Reduction Rules",
        (_ASR, f"{_DEF}enablecontrolledfolderaccess", f"{_DEF}enablenetworkprotection"),
        (_ASR,),
    ),
    Profile(
        "WIN",
        "BitLocker",
        "windows10",
        "mdm",
        "endpointSecurityDiskEncryption",
        "BitLocker",
        ("bitlocker",),
        ("device_vendor_msft_bitlocker_requiredeviceencryption",),
    ),
    Profile(
        "WIN",
        "Firewall",
        "windows10",
        "mdm,microsoftSense",
        "endpointSecurityFirewall",
        "Windows Firewall Rules",
        ("firewall",),
        ("vendor_msft_firewall_mdmstore_firewallrules_{firewallrulename}",),
    ),
    Profile("WIN", "Windows Update", "windows10", "mdm", "none", "", ("update",)),
    Profile("WIN", "Device Lock", "windows10", "mdm", "none", "", ("devicelock",)),
    Profile("WIN", "Microsoft Edge", "windows10", "mdm", "none", "", ("edge",)),
    Profile("WIN", "OneDrive", "windows10", "mdm", "none", "", ("onedrive",)),
    Profile(
        "WIN",
        "Windows Hello for Business",
        "windows10",
        "mdm",
        "endpointSecurityAccountProtection",
        "Account Protection",
        ("hello",),
    ),
    Profile(
        "WIN",
        "LAPS",
        "windows10",
        "mdm",
        "endpointSecurityAccountProtection",
        "Local admin password solution (Windows LAPS)",
        ("laps",),
    ),
    Profile("WIN", "Start and Privacy", "windows10", "mdm", "none", "", ("start", "privacy", "system", "experience")),
    Profile("WIN", "Security Options", "windows10", "mdm", "none", "", ("localpolicies",)),
    Profile(
        "WIN",
        "Defender for Endpoint",
        "windows10",
        "mdm,microsoftSense",
        "endpointSecurityEndpointDetectionAndResponse",
        "Endpoint detection and response",
        ("atp",),
        ("device_vendor_msft_windowsadvancedthreatprotection_onboarding",),
    ),
    Profile("WIN", "Office Macros", "windows10", "mdm", "none", "", ("office",)),
    Profile(
        "WIN",
        "Security Baseline",
        "windows10",
        "mdm",
        "baseline",
        "Security Baseline for Windows 10 and later",
        ("defender", "firewall", "devicelock", "localpolicies"),
    ),
    Profile(
        "MAC",
        "FileVault and Login",
        "macOS",
        "mdm,appleRemoteManagement",
        "none",
        "",
        ("filevault", "filevault_escrow", "loginwindow", "screensaver"),
        ("com.apple.mcx.filevault2_com.apple.mcx.filevault2",),
    ),
    Profile(
        "MAC",
        "Updates and Gatekeeper",
        "macOS",
        "mdm,appleRemoteManagement",
        "none",
        "",
        ("autoupdate", "softwareupdate", "gatekeeper"),
    ),
    Profile(
        "MAC",
        "Defender Antivirus",
        "macOS",
        "mdm,microsoftSense",
        "endpointSecurityAntivirus",
        "Microsoft Defender Antivirus",
        ("defender_mac",),
    ),
    Profile(
        "MAC",
        "Wi-Fi and Notifications",
        "macOS",
        "mdm,appleRemoteManagement",
        "none",
        "",
        ("wifi_mac", "notifications", "loginwindow"),
        (
            "com.apple.wifi.managed_com.apple.wifi.managed",
            "com.apple.notificationsettings_com.apple.notificationsettings",
        ),
    ),
    Profile("iOS", "Restrictions", "iOS", "mdm,appleRemoteManagement", "none", "", ("restrictions_ios",)),
    Profile("iOS", "Passcode", "iOS", "mdm,appleRemoteManagement", "none", "", ("passcode_ios",)),
    Profile(
        "LNX",
        "Defender Antivirus",
        "linux",
        "microsoftSense",
        "endpointSecurityAntivirus",
        "Microsoft Defender Antivirus",
        ("defender_linux",),
        ("linux_mdatp_managed_antivirusengine_exclusions",),
    ),
    Profile("LNX", "Custom Configuration", "linux", "linuxMdm", "none", "", ("custom_linux",)),
)
COMPLIANCE_PROFILE = Profile(
    "LNX", "Compliance", "linux", "linuxMdm", "none", "", ("compliance_linux",), ("linux_distribution_alloweddistros",)
)
FILTER_PLATFORM = {"windows10": "windows10AndLater", "macOS": "macOS", "iOS": "iOS"}
VARIANTS = (
    "Pilot",
    "Broad",
    "Corporate",
    "Kiosk",
    "Executives",
    "IT",
    "Finance",
    "Ring 0",
    "Ring 1",
    "Shared Devices",
    "Developers",
    "Frontline",
    "Test",
    "Contractors",
    "Labs",
    "VIP",
)


def pool_ids(profile: Profile, cat: Catalogue) -> list[str]:
    """Top-level definition ids a policy of ``profile`` may configure."""
    ids: list[str] = []
    for entry in profile.pool:
        ids.extend(cat.roots.get(entry, (entry,)))
    return ids


def instance(ctx: Ctx, rng: Random, cat: Catalogue, def_id: str, choice: str | None = None) -> Obj:
    """A setting instance for ``def_id`` with a valid value (and children, recursively)."""
    definition = cat.get(def_id)
    kind = definition["_kind"]
    head: Obj = {"settingDefinitionId": def_id, "settingInstanceTemplateReference": None}
    if "options" in definition and kind != "cc":
        option = next((o for o in definition["options"] if o["itemId"] == choice), None) or rng.choice(
            definition["options"]
        )
        children = [instance(ctx, rng, cat, d["dependedOnBy"]) for d in option["dependedOnBy"]]
        return {
            "@odata.type": f"{_INSTANCE}ChoiceSettingInstance",
            **head,
            "choiceSettingValue": {
                "settingValueTemplateReference": None,
                "value": option["itemId"],
                "children": children,
            },
        }
    if kind == "cc":
        picked = rng.sample(definition["options"], rng.randint(1, min(3, len(definition["options"]))))
        return {
            "@odata.type": f"{_INSTANCE}ChoiceSettingCollectionInstance",
            **head,
            "choiceSettingCollectionValue": [
                {"settingValueTemplateReference": None, "value": o["itemId"], "children": []} for o in picked
            ],
        }
    if kind in ("g", "w"):
        items = 1 if kind == "w" else rng.randint(1, 3)
        value = [
            {
                "settingValueTemplateReference": None,
                "children": [instance(ctx, rng, cat, c) for c in definition["childIds"]],
            }
            for _ in range(items)
        ]
        return {
            "@odata.type": f"{_INSTANCE}GroupSettingCollectionInstance",
            **head,
            "groupSettingCollectionValue": value,
        }
    if kind == "ss":
        samples = [ctx.text(s) for s in definition["_samples"]] or ["value"]
        values = rng.sample(samples, rng.randint(1, len(samples)))
        return {
            "@odata.type": f"{_INSTANCE}SimpleSettingCollectionInstance",
            **head,
            "simpleSettingCollectionValue": [_simple("String", v) for v in values],
        }
    return {
        "@odata.type": f"{_INSTANCE}SimpleSettingInstance",
        **head,
        "simpleSettingValue": _scalar(ctx, rng, definition),
    }


def _simple(kind: str, value: Any) -> Obj:
    return {"@odata.type": f"{_INSTANCE}{kind}SettingValue", "settingValueTemplateReference": None, "value": value}


def _scalar(ctx: Ctx, rng: Random, definition: Obj) -> Obj:
    kind = definition["_kind"]
    if kind == "i":
        low, high = definition["_range"]
        return _simple("Integer", rng.randint(low, high))
    if kind == "x":
        # Graph never returns a secret: it answers with an encrypted token in place of the value.
        return {**_simple("Secret", guid(rng)), "valueState": "encryptedValueToken"}
    samples = definition["_samples"] or [f"{ctx.short}-value"]
    return _simple("String", ctx.text(rng.choice(samples)))


def template_reference(profile: Profile) -> Obj:
    """``templateReference`` of a policy of ``profile`` (empty for plain settings catalog)."""
    if profile.family == "none":
        return {"templateId": "", "templateFamily": "none", "templateDisplayName": None, "templateDisplayVersion": None}
    return {
        "templateId": stable_guid("policy-template", profile.family, profile.platform, profile.template) + "_1",
        "templateFamily": profile.family,
        "templateDisplayName": profile.template,
        "templateDisplayVersion": "Version 1",
    }


def settings_policy(
    ctx: Ctx,
    rng: Random,
    key: str,
    profile: Profile,
    name: str,
    *,
    settings: int | None = None,
    forced: dict[str, str] | None = None,
) -> Obj:
    """One settings-catalog policy of ``profile``; ``forced`` pins definition ids to option itemIds."""
    cat = catalogue()
    pool = pool_ids(profile, cat)
    wanted = settings if settings is not None else rng.randint(min(3, len(pool)), min(12, len(pool)))
    chosen = [*profile.must, *(forced or {})]
    rest = [d for d in pool if d not in chosen]
    chosen = list(dict.fromkeys(chosen + rng.sample(rest, max(0, min(len(rest), wanted - len(chosen))))))
    odata = (
        "deviceManagementCompliancePolicy"
        if key == "complianceSettingsPolicies"
        else "deviceManagementConfigurationPolicy"
    )
    description = f"{profile.label} settings for {ctx.name} ({profile.platform})."
    obj = base_object(ctx, rng, odata, name, description, name_field="name", key=key)
    forced = forced or {}
    obj.update(
        {
            "platforms": profile.platform,
            "technologies": profile.technologies,
            "templateReference": template_reference(profile),
            "creationSource": None,
            "priorityMetaData": None,
            "settingCount": len(chosen),
            "settings": [
                {"id": str(i), "settingInstance": instance(ctx, rng, cat, d, forced.get(d))}
                for i, d in enumerate(chosen)
            ],
        }
    )
    return obj


def policy_name(profile: Profile, rng: Random, variants: tuple[str, ...] = VARIANTS, region: str = "") -> str:
    """A realistic name such as ``WIN - Defender Antivirus - Pilot``."""
    parts = [profile.prefix, profile.label, rng.choice(variants)]
    if region:
        parts.append(region)
    return " - ".join(parts)
