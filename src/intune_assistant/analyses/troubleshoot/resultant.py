"""Resultant settings: the combined settings of every policy that targets a device (or a user on it).

Each setting comes with its value and the policy it comes from; where policies disagree, the
outcome the reference describes (``conflicts.combine``): conflict for configuration, most
restrictive for compliance, compliance over configuration. Policies whose verdict is unknown
don't decide anything: their settings are listed as *possible*. Targeting is not delivery: this
is what Intune would send, not what the device reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intune_assistant.analyses.assignments import ObjectRef, TypeGap
from intune_assistant.analyses.conflicts.combine import (
    COMBINED_TYPES,
    PolicyValue,
    Resolution,
    group_values,
    resolve,
)
from intune_assistant.analyses.settings import References, SettingDefinitions, policy_rows, snapshot_definitions
from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.snapshot import Snapshot

from .model import EffectiveAssignment, EffectiveAssignments, SubjectInfo, Verdict

__all__ = ["Contribution", "ResultantSetting", "ResultantSettings", "combine_settings", "resultant_settings"]

# Types the verdicts rest on besides the policies themselves.
_DEPENDENCIES = frozenset({"groups", "users", "entraDevices", "managedDevices", "assignmentFilters"})
_USER_PREFIX = "user_vendor_msft_"
_DEVICE_PREFIX = "device_vendor_msft_"


@dataclass(frozen=True)
class Contribution:
    """One policy's value for a setting."""

    policy: ObjectRef
    value: str


@dataclass(frozen=True)
class ResultantSetting:
    """One setting on the subject.

    Attributes:
        setting_id / name / category / platform: the setting.
        resolution: single, same, conflict, most restrictive, compliance wins, secret, uncertain.
        value: the value that counts (None for a conflict or when it can't be told).
        winner: the policy it comes from (None when no single policy decides).
        sources: every targeting policy that sets it, with its value.
        possible: policies whose verdict is unknown that also set it.
        explanation: one sentence.
        overridden_by_user_scope: a device-scoped setting that a user-scoped one overrides.
    """

    setting_id: str
    name: str
    category: str
    platform: str
    resolution: Resolution
    value: str | None
    winner: ObjectRef | None
    sources: tuple[Contribution, ...]
    possible: tuple[Contribution, ...]
    explanation: str
    overridden_by_user_scope: bool = False

    __json_properties__ = ("conflict",)

    @property
    def conflict(self) -> bool:
        """True when configuration policies set it to different values."""
        return self.resolution is Resolution.CONFLICT


@dataclass(frozen=True)
class ResultantSettings:
    """The combined settings for a subject, with what they came from and what's uncertain."""

    subject: SubjectInfo
    settings: tuple[ResultantSetting, ...]
    policies: tuple[ObjectRef, ...]
    uncertain: tuple[ObjectRef, ...]
    gaps: tuple[TypeGap, ...]
    notes: tuple[str, ...] = ()

    @property
    def conflicts(self) -> tuple[ResultantSetting, ...]:
        """The settings in conflict."""
        return tuple(s for s in self.settings if s.conflict)


def _contributions(
    values: Mapping[tuple[str, str], PolicyValue], refs: Mapping[tuple[str, str], ObjectRef]
) -> tuple[Contribution, ...]:
    return tuple(Contribution(refs[policy], value.value) for policy, value in values.items())


def combine_settings(
    applying: Mapping[tuple[str, str], ObjectRef],
    applying_rows: Sequence[Any],
    uncertain: Mapping[tuple[str, str], ObjectRef],
    uncertain_rows: Sequence[Any],
    odata_types: Mapping[str, str],
    *,
    has_user: bool = True,
) -> tuple[ResultantSetting, ...]:
    """Combine setting rows (``SettingRow``-shaped) of the applying and the uncertain policies.

    ``applying``/``uncertain`` map (type key, policy id) to the policy; rows of other policies
    are ignored.
    """
    grouped = group_values((r for r in applying_rows if (r.type_key, r.policy_id) in applying), odata_types)
    maybe = group_values((r for r in uncertain_rows if (r.type_key, r.policy_id) in uncertain), odata_types)
    user_scoped = {
        (k.scope, k.platform, k.setting_id.removeprefix(_USER_PREFIX))
        for k in grouped
        if k.setting_id.startswith(_USER_PREFIX)
    }
    result: list[ResultantSetting] = []
    for key in sorted(grouped.keys() | maybe.keys(), key=lambda k: (k.platform, k.setting_id)):
        values = grouped.get(key, {})
        possible = _contributions(maybe.get(key, {}), uncertain)
        sample = next(iter(values.values()), None) or next(iter(maybe[key].values()))
        if values:
            resolution, winner, text = resolve(list(values.values()), key.setting_id)
        else:
            resolution, winner, text = Resolution.UNCERTAIN, None, "Set only by policies whose verdict is unknown"
        if possible and values:
            text += f"; {len(possible)} policy(ies) with an unknown verdict also set it"
        overridden = (
            has_user
            and key.setting_id.startswith(_DEVICE_PREFIX)
            and (key.scope, key.platform, key.setting_id.removeprefix(_DEVICE_PREFIX)) in user_scoped
        )
        if overridden:
            text += "; the same setting is also set in user scope, which wins"
        result.append(
            ResultantSetting(
                setting_id=key.setting_id,
                name=sample.name,
                category=sample.category,
                platform=key.platform,
                resolution=resolution,
                value=winner.value if winner is not None else None,
                winner=applying[(winner.type_key, winner.policy_id)] if winner is not None else None,
                sources=_contributions(values, applying),
                possible=possible,
                explanation=text,
                overridden_by_user_scope=overridden,
            )
        )
    return tuple(result)


def group_rows_by_policy(rows: Iterable[Any]) -> dict[tuple[str, str], list[Any]]:
    """Setting rows (``setting_rows`` of a snapshot) by (type key, policy id), for ``resultant_settings``."""
    found: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        found.setdefault((row.type_key, row.policy_id), []).append(row)
    return found


def _keyed(items: Sequence[EffectiveAssignment]) -> dict[tuple[str, str], ObjectRef]:
    return {(i.object.type_key, i.object.id): i.object for i in items if i.object.type_key in COMBINED_TYPES}


def resultant_settings(
    snapshot: Snapshot,
    effective: EffectiveAssignments,
    catalog: Catalog | None = None,
    *,
    definitions: SettingDefinitions | None = None,
    rows_by_policy: Mapping[tuple[str, str], Sequence[Any]] | None = None,
) -> ResultantSettings:
    """The combined settings of the policies ``effective`` says target the subject.

    ``definitions`` add setting names the snapshot lacks (e.g. from a definitions file).
    ``rows_by_policy`` (the snapshot's setting rows by (type key, policy id), see ``group_rows_by_policy``)
    spares building the policies' rows again for every subject.
    """
    catalog = catalog or default_catalog()
    applying = _keyed(effective.with_verdict(Verdict.APPLIES))
    uncertain = _keyed(effective.with_verdict(Verdict.UNKNOWN))
    merged = snapshot_definitions(snapshot, definitions) if rows_by_policy is None else None
    references = References.from_snapshot(snapshot) if rows_by_policy is None else None
    wanted = applying.keys() | uncertain.keys()
    odata_types: dict[str, str] = {}
    applying_rows: list[Any] = []
    uncertain_rows: list[Any] = []
    for key in sorted(COMBINED_TYPES):
        if key not in catalog:
            continue
        record = catalog[key]
        for obj in snapshot.read_objects(key) or ():
            policy = (key, str(obj.get("id") or ""))
            if policy not in wanted:
                continue
            odata_types[policy[1]] = str(obj.get("@odata.type") or "")
            if rows_by_policy is not None:
                rows: Sequence[Any] = rows_by_policy.get(policy, ())
            else:
                assert merged is not None and references is not None
                rows = policy_rows(record, obj, merged, snapshot.names, references)
            (applying_rows if policy in applying else uncertain_rows).extend(rows)
    settings = combine_settings(
        applying, applying_rows, uncertain, uncertain_rows, odata_types, has_user=effective.subject.user_id is not None
    )
    notes = [
        "Targeting is not delivery: these are the settings Intune targets at the device, not what it reports.",
        "App protection and app configuration policies apply per app and aren't combined here.",
    ]
    if effective.subject.device_id is None:
        notes.insert(0, "No device given: platform and filters weren't checked, so more policies may be uncertain.")
    relevant = [
        g for g in effective.gaps if g.type_key in COMBINED_TYPES or not g.type_key.startswith(("app", "mobile"))
    ]
    return ResultantSettings(
        subject=effective.subject,
        settings=settings,
        policies=tuple(sorted(applying.values(), key=lambda r: (r.type_label, r.name.casefold()))),
        uncertain=tuple(sorted(uncertain.values(), key=lambda r: (r.type_label, r.name.casefold()))),
        gaps=tuple(relevant),
        notes=tuple(notes),
    )
