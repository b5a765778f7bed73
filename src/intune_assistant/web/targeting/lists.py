"""The targeting pages' long lists (groups, members, filters, filter preview, conflicts and their pairs,
verdicts) as ``web.listing`` tables, built once per snapshot and kept in the tenant's store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from intune_assistant.analyses.conflicts import (
    ConflictPair,
    ConflictsReport,
    DeprecatedSetting,
    DuplicateSet,
    SettingConflict,
    find_conflicts,
)
from intune_assistant.analyses.settings import SettingRow
from intune_assistant.analyses.troubleshoot import VERDICT_LABELS, EffectiveAssignment, ResultantSetting, Verdict

from ..analyses import CONFLICTS, Tenant
from ..derived import Analysis, Derived
from ..listing import Column, Facet, Listing, Table
from .filters import FILTER_ROWS, DeviceOutcome, FilterRow, Preview
from .groups import GROUP_ROWS, GroupRow, Member, members

DEPRECATED_STATUS = {"deprecated": "deprecated", "not_in_catalogue": "not in the current catalogue"}
OUTCOMES = {"match": "Match", "no_match": "Doesn't match", "unknown": "Unknown"}
_VERDICT_ORDER = {v: i for i, v in enumerate(VERDICT_LABELS)}

GROUPS: Listing[GroupRow] = Listing(
    view="groups",
    path="/groups",
    columns=(
        Column("name", "Group", lambda g: g.name),
        Column("membership", "Membership", lambda g: "Dynamic" if g.dynamic else "Assigned"),
        Column(
            "direct",
            "Direct members",
            lambda g: f"{g.users} users, {g.devices} devices" + (f", {g.nested} groups" if g.nested else ""),
            lambda g: (g.users + g.devices + g.nested, g.name.casefold()),
        ),
        Column(
            "nesting",
            "Through nesting",
            lambda g: f"{g.all_users} users, {g.all_devices} devices" + ("" if g.complete else " (not all read)"),
            lambda g: (g.all_users + g.all_devices, g.name.casefold()),
        ),
        Column("uses", "Used by assignments", lambda g: str(g.assignments), lambda g: g.assignments, numeric=True),
        Column("rule", "Dynamic rule", lambda g: g.rule or ""),
    ),
    default_sort="name",
    facets=(Facet("membership", "Membership", lambda g: ("dynamic" if g.dynamic else "assigned",), str.capitalize),),
    search=lambda g: f"{g.name}\n{g.rule or ''}",
    noun="groups",
)

MEMBERS: Listing[Member] = Listing(
    view="group-members",
    path="/groups",
    columns=(
        Column("name", "Name", lambda m: m.name),
        Column("kind", "Kind", lambda m: m.kind),
        Column("detail", "Detail", lambda m: m.detail),
    ),
    default_sort="name",
    facets=(Facet("kind", "Kind", lambda m: (m.kind,)),),
    noun="members",
)

FILTERS: Listing[FilterRow] = Listing(
    view="filters",
    path="/filters",
    columns=(
        Column("name", "Filter", lambda f: f.name),
        Column("platform", "Platform", lambda f: f.platform),
        Column("rule", "Rule", lambda f: f.rule),
        Column("uses", "Used by", lambda f: str(f.uses), lambda f: f.uses, numeric=True),
    ),
    default_sort="name",
    facets=(Facet("platform", "Platform", lambda f: (f.platform,), any_label="All platforms"),),
    noun="filters",
)

PREVIEW: Listing[DeviceOutcome] = Listing(
    view="filter-preview",
    path="/filters",
    columns=(
        Column("device", "Device", lambda d: d.name),
        Column("user", "Primary user", lambda d: d.user),
        Column("outcome", "Outcome", lambda d: OUTCOMES[d.outcome], lambda d: list(OUTCOMES).index(d.outcome)),
        Column("why", "Why", lambda d: d.reason),
    ),
    default_sort="device",
    facets=(Facet("outcome", "Outcome", lambda d: (d.outcome,), OUTCOMES.__getitem__),),
    noun="devices",
)


def _policies_of(conflict: SettingConflict) -> list[str]:
    return [p.name for group in conflict.values for p in group.policies]


CONFLICTS_LIST: Listing[SettingConflict] = Listing(
    view="conflicts",
    path="/conflicts",
    columns=(
        Column("setting", "Setting", lambda c: c.name),
        Column("category", "Category", lambda c: c.category),
        Column("platform", "Platform", lambda c: c.platform),
        Column("policies", "Policies", lambda c: "; ".join(_policies_of(c)), lambda c: len(_policies_of(c))),
        Column("pairs", "Overlapping pairs", lambda c: str(c.pair_count), lambda c: c.pair_count, numeric=True),
        Column("resolution", "What Intune does", lambda c: c.resolution.value.replace("_", " ")),
    ),
    default_sort="setting",
    facets=(
        Facet("platform", "Platform", lambda c: (c.platform,), any_label="All platforms"),
        Facet("resolution", "What Intune does", lambda c: (c.resolution.value,), lambda v: v.replace("_", " ")),
    ),
    search=lambda c: "\n".join((c.name, c.category, c.platform, *_policies_of(c))),
    noun="conflicting settings",
)

DUPLICATES: Listing[DuplicateSet] = Listing(
    view="duplicate-policies",
    path="/conflicts",
    columns=(
        Column("policies", "Policies", lambda d: "; ".join(p.name for p in d.policies)),
        Column("type", "Type", lambda d: d.type_label),
        Column("platform", "Platform", lambda d: d.platform),
        Column("settings", "Settings", lambda d: str(d.settings), lambda d: d.settings, numeric=True),
    ),
    default_sort="policies",
    facets=(Facet("type", "Type", lambda d: (d.type_label,), any_label="All types"),),
    noun="sets of duplicates",
)

DEPRECATED: Listing[DeprecatedSetting] = Listing(
    view="deprecated-settings",
    path="/conflicts",
    columns=(
        Column("policy", "Policy", lambda d: d.policy.name),
        Column("setting", "Setting", lambda d: d.name),
        Column("value", "Value", lambda d: d.value),
        Column("status", "Status", lambda d: DEPRECATED_STATUS.get(d.status, d.status)),
        Column("replacement", "Replacement", lambda d: d.replacement or ""),
    ),
    default_sort="policy",
    facets=(Facet("status", "Status", lambda d: (d.status,), lambda v: DEPRECATED_STATUS.get(v, v)),),
    noun="settings",
)

# The Conflicts page's three lists, one shown at a time (``show`` in the URL).
CONFLICT_VIEWS = ("conflicts", "duplicates", "deprecated")

PAIRS: Listing[ConflictPair] = Listing(
    view="conflict-pairs",
    path="/conflicts/setting",
    columns=(
        Column("policy_a", "Policy", lambda p: p.policy_a.name),
        Column("value_a", "Sets", lambda p: p.value_a),
        Column("policy_b", "Other policy", lambda p: p.policy_b.name),
        Column("value_b", "Sets", lambda p: p.value_b),
        Column(
            "overlap",
            "Overlapping scope",
            lambda p: p.overlap.scope,
            lambda p: -(p.overlap.users + p.overlap.devices),
        ),
        Column("why", "Shared targets", lambda p: "; ".join(p.overlap.shared_targets), sortable=False),
    ),
    default_sort="overlap",
    search=lambda p: "\n".join((p.policy_a.name, p.value_a, p.policy_b.name, p.value_b)),
    noun="pairs",
)

VERDICTS: Listing[EffectiveAssignment] = Listing(
    view="troubleshoot",
    path="/troubleshoot",
    columns=(
        Column("name", "Name", lambda i: i.object.name),
        Column("type", "Type", lambda i: i.object.type_label),
        Column(
            "verdict",
            "Verdict",
            lambda i: i.label + (f" ({i.intent})" if i.intent else ""),
            lambda i: (_VERDICT_ORDER[i.verdict], i.object.name.casefold()),
        ),
        Column("why", "Why", lambda i: i.summary, sortable=False),
    ),
    default_sort="verdict",
    facets=(
        Facet("verdict", "Verdict", lambda i: (i.verdict.value,), lambda v: VERDICT_LABELS[Verdict(v)]),
        Facet("type", "Type", lambda i: (i.object.type_label,), any_label="All types"),
    ),
    search=lambda i: f"{i.object.name}\n{i.object.type_label}\n{i.summary}",
    noun="objects",
)


def resultant_value(setting: ResultantSetting) -> str:
    """The value that counts, or every value set (or possibly set) when no single policy decides."""
    if setting.winner is not None:
        return setting.value or ""
    return "; ".join(c.value for c in setting.sources or setting.possible)


def resultant_from(setting: ResultantSetting) -> str:
    """The policy the value comes from, or every policy that sets it (unknown verdicts said so)."""
    if setting.winner is not None:
        return setting.winner.name
    if setting.sources:
        return "; ".join(c.policy.name for c in setting.sources)
    return "; ".join(f"{c.policy.name} (verdict unknown)" for c in setting.possible)


def resultant_status(setting: ResultantSetting) -> str:
    """How Intune resolves it, in words."""
    status = setting.resolution.value.replace("_", " ")
    return status + (" (user scope wins)" if setting.overridden_by_user_scope else "")


RESULTANT: Listing[ResultantSetting] = Listing(
    view="resultant-settings",
    path="/troubleshoot",
    columns=(
        Column("setting", "Setting", lambda s: s.name),
        Column("category", "Category", lambda s: s.category),
        Column("value", "Value", resultant_value),
        Column("from", "From", resultant_from),
        Column(
            "status",
            "Status",
            resultant_status,
            # Conflicts first (what an admin opens this list for), then by name.
            lambda s: (not s.conflict, resultant_status(s).casefold(), s.name.casefold()),
        ),
    ),
    default_sort="status",
    facets=(Facet("status", "Status", lambda s: (s.resolution.value,), lambda v: v.replace("_", " ")),),
    search=lambda s: f"{s.name}\n{s.category}\n{resultant_value(s)}\n{resultant_from(s)}",
    noun="settings",
)

# The Troubleshoot page's two lists, one shown at a time (``show`` in the URL).
TROUBLESHOOT_VIEWS = ("verdicts", "settings")

# The troubleshoot page's own parameters, carried along by its lists' links.
TROUBLESHOOT_KEEP = ("user", "device", "all", "action", "group", "member", "show")


def _groups_table(derived: Derived) -> Table[GroupRow]:
    rows: list[GroupRow] = derived.value(GROUP_ROWS)
    return Table(GROUPS, rows)


GROUPS_TABLE: Analysis[Table[GroupRow]] = Analysis("groups table", _groups_table)
"""Every group with counts, searchable and sortable."""


def _filters_table(derived: Derived) -> Table[FilterRow]:
    rows: list[FilterRow] = derived.value(FILTER_ROWS)
    return Table(FILTERS, rows)


FILTERS_TABLE: Analysis[Table[FilterRow]] = Analysis("filters table", _filters_table)
"""Every assignment filter with its uses, searchable and sortable."""


@dataclass(frozen=True)
class ConflictTables:
    """The tenant-wide conflicts report and its three lists as tables."""

    report: ConflictsReport
    conflicts: Table[SettingConflict]
    duplicates: Table[DuplicateSet]
    deprecated: Table[DeprecatedSetting]

    def table(self, show: str) -> Table[Any]:
        """The list named ``show`` (``conflicts``, ``duplicates`` or ``deprecated``)."""
        if show == "duplicates":
            return self.duplicates
        if show == "deprecated":
            return self.deprecated
        return self.conflicts


def _conflict_tables(derived: Derived) -> ConflictTables:
    report = derived.value(CONFLICTS)
    return ConflictTables(
        report,
        Table(CONFLICTS_LIST, report.conflicts),
        Table(DUPLICATES, report.duplicates),
        Table(DEPRECATED, report.deprecated),
    )


CONFLICT_TABLES: Analysis[ConflictTables] = Analysis("conflict tables", _conflict_tables)
"""The Conflicts page's three lists (conflicting settings, duplicates, deprecated settings)."""


def members_table(tenant: Tenant, group_id: str) -> Table[Member]:
    """A group's direct members by name, searchable and sortable."""
    return Table(MEMBERS, members(tenant.directory, group_id))


def preview_table(result: Preview) -> Table[DeviceOutcome]:
    """A filter preview's devices (match, no match, unknown) as one table."""
    return Table(PREVIEW, [*result.match, *result.no_match, *result.unknown])


def pairs_of(
    tenant: Tenant, rows: Sequence[SettingRow], setting_id: str, platform: str
) -> tuple[SettingConflict, Table[ConflictPair]] | None:
    """Every overlapping pair of policies of one conflicting setting (not only the largest few)."""
    mine = [r for r in rows if r.setting_id == setting_id]
    conflicts = find_conflicts(
        tenant.snapshot, mine, tenant.catalog, directory=tenant.directory, max_pairs=len(mine) ** 2 + 1
    )
    conflict = next((c for c in conflicts if c.platform == platform), None)
    if conflict is None:
        return None
    return conflict, Table(PAIRS, conflict.pairs)


def verdicts_table(items: Sequence[EffectiveAssignment]) -> Table[EffectiveAssignment]:
    """One subject's verdicts as a table."""
    return Table(VERDICTS, items)


def resultant_table(settings: Sequence[ResultantSetting]) -> Table[ResultantSetting]:
    """One device's resultant settings as a table."""
    return Table(RESULTANT, settings)
