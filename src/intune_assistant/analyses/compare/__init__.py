"""Compare: policy vs policy, tenant vs tenant, tenant vs baseline, and drift over time.

Pure functions over snapshots. Settings are compared by setting definition id (settings
catalog) or property path (other types) and shown by name; assignments by group and filter
names; against a baseline, each baseline setting is looked for in every policy of the tenant.
Ids, timestamps, versions, counts, OData annotations and list order never make a difference; a
key present on one side only always does. A type that could not be read is
reported as not compared, never as removed.
"""

from .areas import area_of
from .baseline import alignment_scores, compare_baseline
from .model import (
    AlignmentScore,
    AssignmentDiff,
    BaselineSetting,
    BaselineStatus,
    CompareKind,
    CompareOptions,
    Comparison,
    MatchInfo,
    NotCompared,
    ObjectDiff,
    ObjectRef,
    ObjectStatus,
    SettingDiff,
    SettingStatus,
    SideInfo,
    TenantValue,
    status_label,
)
from .policies import PolicyPick, compare_policies, find_policies
from .tenants import compare_drift, compare_tenants

__all__ = [
    "AlignmentScore",
    "AssignmentDiff",
    "BaselineSetting",
    "BaselineStatus",
    "CompareKind",
    "CompareOptions",
    "Comparison",
    "MatchInfo",
    "NotCompared",
    "ObjectDiff",
    "ObjectRef",
    "ObjectStatus",
    "PolicyPick",
    "SettingDiff",
    "SettingStatus",
    "SideInfo",
    "TenantValue",
    "alignment_scores",
    "area_of",
    "compare_baseline",
    "compare_drift",
    "compare_policies",
    "compare_tenants",
    "find_policies",
    "status_label",
]
