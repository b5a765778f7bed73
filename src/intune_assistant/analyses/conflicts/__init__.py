"""Conflicts and hygiene, tenant-wide: conflicting settings between overlapping policies, duplicate
policies, deprecated settings. ``combine`` holds the rules for combining one setting's values,
shared with the resultant settings of the troubleshoot analysis.

    report = conflicts_report(snapshot, catalog)
    report.conflicts[0].pairs[0].overlap.scope    # "12 user(s) and 9 device(s)"
"""

from __future__ import annotations

from .combine import (
    COMBINED_TYPES,
    COMPLIANCE_TYPES,
    CONFIGURATION_TYPES,
    PolicyValue,
    Resolution,
    SettingKey,
    SettingRowLike,
    group_values,
    most_restrictive,
    resolve,
    setting_key,
)
from .find import conflicts_report, find_conflicts, find_deprecated, find_duplicates
from .model import (
    ConflictPair,
    ConflictsReport,
    DeprecatedSetting,
    DuplicateSet,
    Overlap,
    SettingConflict,
    ValueGroup,
)
from .reach import PolicyReach, Reach

__all__ = [
    "COMBINED_TYPES",
    "COMPLIANCE_TYPES",
    "CONFIGURATION_TYPES",
    "ConflictPair",
    "ConflictsReport",
    "DeprecatedSetting",
    "DuplicateSet",
    "Overlap",
    "PolicyReach",
    "PolicyValue",
    "Reach",
    "Resolution",
    "SettingConflict",
    "SettingKey",
    "SettingRowLike",
    "ValueGroup",
    "conflicts_report",
    "find_conflicts",
    "find_deprecated",
    "find_duplicates",
    "group_values",
    "most_restrictive",
    "resolve",
    "setting_key",
]
