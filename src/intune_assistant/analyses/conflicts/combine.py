"""How the same setting from several policies combines (reference §4, "Setting conflicts").

Configuration vs configuration (any profile type, settings catalog included) with different
values → **conflict**: Intune reports it and applies neither reliably; the admin resolves it.
Compliance vs compliance → the **most restrictive** value counts. A compliance setting beats the
same configuration setting.

"The same setting" is the same settings-catalog definition id (or ADMX definition, or OMA-URI) on
the same platform; for the older property-based profile types, the same property of the same
profile type. Rows that aren't settings of the device — noncompliance actions, the payload of a
custom Apple profile, and additive profiles (Wi-Fi, VPN, certificates, e-mail: each adds its own
item) — are never compared.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from intune_assistant.catalog import is_additive

__all__ = [
    "COMBINED_TYPES",
    "COMPLIANCE_TYPES",
    "CONFIGURATION_TYPES",
    "PolicyValue",
    "Resolution",
    "SettingKey",
    "SettingRowLike",
    "group_values",
    "most_restrictive",
    "resolve",
    "setting_key",
]

CONFIGURATION_TYPES = frozenset(
    {"settingsCatalog", "deviceConfigurations", "updateRings", "administrativeTemplates", "securityIntents"}
)
COMPLIANCE_TYPES = frozenset({"compliancePolicies", "complianceSettingsPolicies"})
COMBINED_TYPES = CONFIGURATION_TYPES | COMPLIANCE_TYPES

# Profile types that add an item each (two Wi-Fi profiles are two networks, not a conflict).
# Rows that describe the policy, not a setting of the device.
_NOT_SETTINGS = frozenset({"payload", "payloadName", "payloadFileName"})
_CATALOG_TYPES = frozenset({"settingsCatalog", "complianceSettingsPolicies"})


class SettingRowLike(Protocol):
    """The fields of ``analyses.settings.SettingRow`` this module reads."""

    @property
    def type_key(self) -> str: ...
    @property
    def policy_id(self) -> str: ...
    @property
    def policy_name(self) -> str: ...
    @property
    def platform(self) -> str | None: ...
    @property
    def category(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def setting_id(self) -> str: ...
    @property
    def raw_value(self) -> Any: ...
    @property
    def is_secret(self) -> bool: ...


class Resolution(StrEnum):
    """How the values of one setting combine."""

    SINGLE = "single"
    SAME = "same"
    CONFLICT = "conflict"
    MOST_RESTRICTIVE = "most_restrictive"
    COMPLIANCE_WINS = "compliance_wins"
    # Secrets come back from Graph as encrypted tokens: their values can't be compared.
    SECRET = "secret_not_compared"
    # Set only by policies whose verdict is unknown.
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class SettingKey:
    """What makes two rows "the same setting"."""

    scope: str
    platform: str
    setting_id: str


@dataclass(frozen=True)
class PolicyValue:
    """One policy's value for one setting (several rows of a list setting joined).

    Attributes:
        type_key / policy_id / policy_name: the policy.
        name / category: the setting as the portal names it.
        value: the readable value; ``raw`` the canonical machine value compared.
        compliance: True for a compliance policy.
        secret: True when the value is a secret (not compared).
    """

    type_key: str
    policy_id: str
    policy_name: str
    name: str
    category: str
    value: str
    raw: str
    compliance: bool
    secret: bool


def setting_key(row: SettingRowLike, odata_type: str = "") -> SettingKey | None:
    """The comparison key of ``row``; None for rows that are never compared."""
    if row.type_key not in COMBINED_TYPES:
        return None
    setting_id = row.setting_id
    if setting_id.startswith("scheduledActionsForRule") or setting_id in _NOT_SETTINGS:
        return None
    odata = odata_type.casefold().removeprefix("#microsoft.graph.")
    if row.type_key == "deviceConfigurations" and is_additive(odata_type):
        return None
    platform = row.platform or ""
    if row.type_key in _CATALOG_TYPES:
        return SettingKey("catalog", platform, setting_id)
    if row.type_key == "administrativeTemplates":
        return SettingKey("admx", platform, setting_id)
    if setting_id.startswith("omaSettings["):
        return SettingKey("oma", platform, setting_id)
    if row.type_key == "securityIntents":
        return SettingKey("intent", platform, setting_id)
    return SettingKey(f"{row.type_key}:{odata}", platform, setting_id)


def _canonical(raw: Any) -> str:
    return json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False)


def group_values(
    rows: Iterable[SettingRowLike], odata_types: Mapping[str, str] | None = None
) -> dict[SettingKey, dict[tuple[str, str], PolicyValue]]:
    """Setting key → (type key, policy id) → that policy's value.

    A setting that occurs several times in one policy (items of a list) is one value: the items'
    values, sorted. ``odata_types`` maps policy ids to their ``@odata.type``.
    """
    odata_types = odata_types or {}
    gathered: dict[SettingKey, dict[tuple[str, str], list[SettingRowLike]]] = {}
    for row in rows:
        key = setting_key(row, odata_types.get(row.policy_id, ""))
        if key is not None:
            gathered.setdefault(key, {}).setdefault((row.type_key, row.policy_id), []).append(row)
    result: dict[SettingKey, dict[tuple[str, str], PolicyValue]] = {}
    for key, by_policy in gathered.items():
        result[key] = {}
        for policy, items in by_policy.items():
            first = items[0]
            if len(items) == 1:
                raw, value = _canonical(first.raw_value), first.value
            else:
                pairs = sorted((_canonical(r.raw_value), r.value) for r in items)
                raw, value = _canonical([p[0] for p in pairs]), "; ".join(p[1] for p in pairs)
            result[key][policy] = PolicyValue(
                type_key=first.type_key,
                policy_id=first.policy_id,
                policy_name=first.policy_name,
                name=first.name,
                category=first.category,
                value=value,
                raw=raw,
                compliance=first.type_key in COMPLIANCE_TYPES,
                secret=any(r.is_secret for r in items),
            )
    return result


# Threat levels, most restrictive first (a device must be at most this risky).
_THREAT_LEVELS = ("secured", "low", "medium", "high", "notset", "unavailable")


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    return None


def _boolean(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        tail = raw.rsplit("_", 1)[-1].casefold()
        return {"true": True, "false": False}.get(tail)
    return None


def _version(raw: Any) -> tuple[int, ...] | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    parts = raw.strip().split(".")
    if not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def most_restrictive(values: Sequence[PolicyValue], setting_id: str = "") -> PolicyValue | None:
    """The most restrictive of compliance values, when the setting's kind tells which; else None.

    Booleans: a check that is on (``True``) is stricter, unless the setting *allows* something.
    Numbers: more is stricter for minimums, lengths and counts; less for maximums, expiry and
    inactivity. Versions: higher for minimum versions, lower for maximum ones. Threat levels:
    ``secured`` < ``low`` < ``medium`` < ``high``.
    """
    if not values:
        return None
    # The setting's name and id say which way is stricter (e.g. "Password minimum length").
    tail = (values[0].name + setting_id).casefold().replace(" ", "")
    raws = [json.loads(v.raw) for v in values]

    def pick(scores: list[Any], highest: bool) -> PolicyValue:
        best = max(scores) if highest else min(scores)
        return values[scores.index(best)]

    booleans = [_boolean(r) for r in raws]
    if all(b is not None for b in booleans):
        stricter_on = not any(word in tail for word in ("allow", "permit"))
        return pick([int(b is stricter_on) for b in booleans], highest=True)
    numbers = [_number(r) for r in raws]
    if all(n is not None for n in numbers):
        if any(word in tail for word in ("max", "expir", "inactiv", "beforelock", "grace")):
            return pick(numbers, highest=False)
        if any(word in tail for word in ("min", "length", "count", "history", "previous")):
            return pick(numbers, highest=True)
        return None
    versions = [_version(r) for r in raws]
    if all(v is not None for v in versions):
        if "max" in tail:
            return pick(versions, highest=False)
        if "min" in tail:
            return pick(versions, highest=True)
        return None
    levels = [str(r).casefold() if isinstance(r, str) else "" for r in raws]
    if all(level in _THREAT_LEVELS for level in levels):
        return pick([-_THREAT_LEVELS.index(level) for level in levels], highest=True)
    return None


def resolve(values: Sequence[PolicyValue], setting_id: str = "") -> tuple[Resolution, PolicyValue | None, str]:
    """How ``values`` (one per policy) of one setting combine: (resolution, winner, explanation).

    The winner is None for a conflict, for secrets, and for compliance values that can't be
    ranked; for agreeing values it is the first policy.
    """
    if len(values) == 1:
        return Resolution.SINGLE, values[0], f"Set by '{values[0].policy_name}'"
    if any(v.secret for v in values):
        return Resolution.SECRET, None, "A secret: Graph returns encrypted values, so they can't be compared"
    if len({v.raw for v in values}) == 1:
        names = ", ".join(f"'{v.policy_name}'" for v in values)
        return Resolution.SAME, values[0], f"Set to the same value by {names}"
    compliance = [v for v in values if v.compliance]
    if compliance and len(compliance) < len(values):
        if len({v.raw for v in compliance}) == 1:
            return (
                Resolution.COMPLIANCE_WINS,
                compliance[0],
                f"A compliance setting beats the same configuration setting: '{compliance[0].policy_name}' wins",
            )
        values = compliance
    if all(v.compliance for v in values):
        winner = most_restrictive(values, setting_id)
        if winner is None:
            return (
                Resolution.MOST_RESTRICTIVE,
                None,
                "Compliance policies: Intune applies the most restrictive value, which can't be ranked here",
            )
        return (
            Resolution.MOST_RESTRICTIVE,
            winner,
            f"Compliance policies: the most restrictive value ({winner.value}) counts",
        )
    listed = "; ".join(f"'{v.policy_name}' sets {v.value}" for v in values)
    return (
        Resolution.CONFLICT,
        None,
        f"Conflict: {listed}. Intune reports a conflict; resolve it by changing one policy",
    )
