"""Compare: policy vs policy, tenant vs tenant, tenant vs baseline, and drift over time.

Pure functions over snapshots. Settings are compared by setting definition id (settings
catalog) or property path (other types) and shown by name; assignments by group and filter
names. Ids, timestamps, versions, counts, OData annotations and list order never make a
difference; a key present on one side only always does. A type that could not be read is
reported as not compared, never as removed.
"""

from .baseline import alignment_scores, compare_baseline
from .model import (
    AlignmentScore,
    AssignmentDiff,
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
    status_label,
)
from .policies import PolicyPick, compare_policies, find_policies
from .tenants import compare_drift, compare_tenants

__all__ = [
    "AlignmentScore",
    "AssignmentDiff",
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
    "alignment_scores",
    "compare_baseline",
    "compare_drift",
    "compare_policies",
    "compare_tenants",
    "find_policies",
    "status_label",
]
