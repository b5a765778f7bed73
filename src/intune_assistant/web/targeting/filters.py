"""Assignment filters: the list, and a preview of which of the tenant's devices a rule matches."""

from __future__ import annotations

from dataclasses import dataclass

from intune_assistant.analyses.assignments import AssignmentOverview, Directory
from intune_assistant.analyses.filters import device_properties, evaluate
from intune_assistant.catalog import device_platform, filter_management_label, filter_platform, filter_platform_label

from ..analyses import TARGETING
from ..derived import Analysis, Derived


@dataclass(frozen=True)
class FilterRow:
    """One filter of the list."""

    id: str
    name: str
    platform: str
    rule: str
    management_type: str
    uses: int


@dataclass(frozen=True)
class DeviceOutcome:
    """One device of the preview: match, no match or unknown, and why."""

    name: str
    user: str
    outcome: str
    reason: str


@dataclass(frozen=True)
class Preview:
    """The filter rule evaluated against every managed device of its platform."""

    match: tuple[DeviceOutcome, ...]
    no_match: tuple[DeviceOutcome, ...]
    unknown: tuple[DeviceOutcome, ...]
    other_platform: int
    error: str | None


def filter_rows(directory: Directory, overview: AssignmentOverview) -> list[FilterRow]:
    """Every assignment filter with how many assignments use it, sorted by name."""
    uses: dict[str, int] = {}
    for row in overview.rows:
        if row.filter is not None:
            uses[row.filter.id] = uses.get(row.filter.id, 0) + 1
    rows = []
    for fid, obj in directory.filters.items():
        rows.append(
            FilterRow(
                fid,
                directory.filter_name(fid),
                filter_platform_label(obj.get("platform")),
                str(obj.get("rule") or ""),
                filter_management_label(obj.get("assignmentFilterManagementType")),
                uses.get(fid, 0),
            )
        )
    return sorted(rows, key=lambda r: r.name.casefold())


def preview(directory: Directory, filter_id: str) -> Preview:
    """Evaluate the filter's rule against each managed device of the filter's platform."""
    parsed = directory.parsed_filter(filter_id)
    if parsed is None or parsed.rule is None:
        reason = parsed.error if parsed is not None else "the filter is not in the snapshot"
        return Preview((), (), (), 0, reason)
    platform = filter_platform(parsed.platform)
    family = platform.family if platform is not None else None
    found: dict[str, list[DeviceOutcome]] = {"match": [], "no_match": [], "unknown": []}
    other = 0
    for device_id, device in directory.devices.items():
        if family is not None and device_platform(device) not in (family, None):
            other += 1
            continue
        owner = device.get("userId")
        user = directory.user_label(owner) if isinstance(owner, str) and owner else ""
        result = evaluate(parsed.rule, device_properties(device))
        found[result.outcome].append(
            DeviceOutcome(directory.device_label(device_id), user, result.outcome, result.reason)
        )
    ordered = {k: tuple(sorted(v, key=lambda d: d.name.casefold())) for k, v in found.items()}
    return Preview(ordered["match"], ordered["no_match"], ordered["unknown"], other, None)


def _filter_rows(derived: Derived) -> list[FilterRow]:
    tenant = derived.value(TARGETING)
    return filter_rows(tenant.directory, tenant.overview)


FILTER_ROWS: Analysis[list[FilterRow]] = Analysis("filter rows", _filter_rows)
"""Every assignment filter with its uses, sorted by name."""
