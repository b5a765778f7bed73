"""Security baselines and endpoint-security intents (the template-based, pre-settings-catalog kind)."""

from __future__ import annotations

import json
from random import Random
from typing import Any

from .context import GRAPH, Ctx, base_object
from .ids import days_before, guid, stable_guid

Obj = dict[str, Any]
_EP = "deviceConfiguration--windows10EndpointProtectionConfiguration_"
_GEN = "deviceConfiguration--windows10GeneralConfiguration_"

# (displayName, templateType, templateSubtype, versionInfo, deprecated, settings (definitionId, sample))
TEMPLATES: tuple[tuple[str, str, str, str, bool, tuple[tuple[str, Any], ...]], ...] = (
    (
        "Security Baseline for Windows 10 and later",
        "securityBaseline",
        "none",
        "November 2021",
        False,
        (
            (_EP + "firewallBlockStatefulFTP", True),
            (_EP + "smartScreenEnableInShell", True),
            (_GEN + "defenderRequireRealTimeMonitoring", True),
            (_GEN + "defenderCloudBlockLevel", "high"),
            (_GEN + "passwordMinimumLength", 14),
            (_GEN + "defenderScanMaxCpu", 50),
        ),
    ),
    (
        "MDM Security Baseline for Windows 10 and later",
        "securityBaseline",
        "none",
        "August 2020",
        True,
        (
            (_EP + "firewallBlockStatefulFTP", True),
            (_GEN + "defenderRequireCloudProtection", True),
            (_GEN + "passwordMinimumLength", 8),
        ),
    ),
    (
        "Microsoft Defender for Endpoint baseline",
        "advancedThreatProtectionSecurityBaseline",
        "none",
        "Version 6",
        False,
        (
            (_GEN + "defenderPotentiallyUnwantedAppAction", "block"),
            (_GEN + "defenderRequireCloudProtection", True),
            (_EP + "smartScreenEnableInShell", True),
        ),
    ),
    (
        "BitLocker",
        "securityTemplate",
        "diskEncryption",
        "Version 1",
        False,
        (
            (_EP + "bitLockerEncryptDevice", True),
            (_EP + "bitLockerDisableWarningForOtherDiskEncryption", True),
            (_EP + "bitLockerAllowStandardUserEncryption", True),
            (_EP + "bitLockerRecoveryPasswordRotation", "enabledForAzureAd"),
        ),
    ),
    (
        "Microsoft Defender Firewall",
        "securityTemplate",
        "firewall",
        "Version 1",
        False,
        (
            (_EP + "firewallBlockStatefulFTP", True),
            (_EP + "firewallIdleTimeoutForSecurityAssociationInSeconds", 300),
            (_EP + "firewallPreSharedKeyEncodingMethod", "utF8"),
        ),
    ),
)


def template_id(name: str) -> str:
    """The id of template ``name`` (the same in every tenant)."""
    return stable_guid("intent-template", name)


def build_templates(ctx: Ctx) -> list[Obj]:
    """The ``securityTemplates`` reference list."""
    result = []
    for name, kind, subtype, version, deprecated, _settings in TEMPLATES:
        result.append(
            {
                "@odata.type": GRAPH + "deviceManagementTemplate",
                "id": template_id(name),
                "displayName": name,
                "description": f"{name} ({version}).",
                "versionInfo": version,
                "isDeprecated": deprecated,
                "intentCount": 0,
                "templateType": kind,
                "platformType": "windows10AndLater",
                "templateSubtype": subtype,
                "publishedDateTime": days_before(900 if deprecated else 400),
            }
        )
    return result


def _setting(rng: Random, definition_id: str, value: Any) -> Obj:
    kind = "Boolean" if isinstance(value, bool) else "Integer" if isinstance(value, int) else "String"
    if isinstance(value, bool) and rng.random() < 0.2:
        value = not value
    return {
        "@odata.type": f"{GRAPH}deviceManagement{kind}SettingInstance",
        "id": guid(rng),
        "definitionId": definition_id,
        "valueJson": json.dumps(value),
    }


def security_intent(ctx: Ctx, rng: Random, index: int, variant: str) -> Obj:
    """An intent created from one of the templates, with its settings."""
    name, _kind, _subtype, _version, _deprecated, settings = TEMPLATES[index % len(TEMPLATES)]
    obj = base_object(
        ctx,
        rng,
        "deviceManagementIntent",
        f"WIN - {name} - {variant}",
        f"Created from the {name} template.",
        key="securityIntents",
    )
    obj.update(
        {
            "templateId": template_id(name),
            "isAssigned": False,
            "isMigratingToConfigurationPolicy": False,
            "settings": [_setting(rng, d, v) for d, v in settings],
        }
    )
    return obj
