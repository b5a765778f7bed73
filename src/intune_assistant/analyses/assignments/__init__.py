"""Assignment overview: every assignable object with its targets, views by group/filter/user/device, hygiene.

Pure functions over a Snapshot::

    directory = Directory(snapshot)
    overview = assignment_overview(snapshot, catalog, directory=directory)
    overview.policies          # grouped by policy, targets in the portal's order
    overview.rows              # flat
    group_view(overview, directory, group_id).inherited   # through nesting, with the path
    hygiene(overview, directory).unused_filters
    assignments_csv(overview.rows)                         # RFC 4180, round-trips

Names first, ids as secondary fields; what couldn't be read is in ``overview.gaps``.
"""

from __future__ import annotations

from .csv_io import CSV_COLUMNS, CsvAssignment, assignments_csv, read_assignments_csv
from .directory import Directory, GroupKind, GroupRef, GroupState, Membership, MembershipState, ParsedFilter
from .hygiene import EmptyGroup, Hygiene, MixedExclusion, hygiene
from .model import AssignmentOverview, AssignmentRow, FilterRef, ObjectRef, PolicyAssignments
from .overview import (
    assignable_types,
    assignment_overview,
    filter_ref,
    object_ref,
    object_target_rows,
    template_platforms,
)
from .serialize import to_jsonable
from .status import TypeGap, failed_children, is_complete, is_usable, type_gap, type_gaps
from .targets import (
    ALL_DEVICES_ID,
    ALL_USERS_ID,
    APP_INTENTS,
    FilterMode,
    Target,
    TargetKind,
    object_targets,
    parse_target,
)
from .views import (
    FilterView,
    GroupView,
    InheritedRow,
    PrincipalRow,
    PrincipalView,
    device_view,
    filter_view,
    group_view,
    user_view,
)

__all__ = [
    "ALL_DEVICES_ID",
    "ALL_USERS_ID",
    "APP_INTENTS",
    "CSV_COLUMNS",
    "AssignmentOverview",
    "AssignmentRow",
    "CsvAssignment",
    "Directory",
    "EmptyGroup",
    "FilterMode",
    "FilterRef",
    "FilterView",
    "GroupKind",
    "GroupRef",
    "GroupState",
    "GroupView",
    "Hygiene",
    "InheritedRow",
    "Membership",
    "MembershipState",
    "MixedExclusion",
    "ObjectRef",
    "ParsedFilter",
    "PolicyAssignments",
    "PrincipalRow",
    "PrincipalView",
    "Target",
    "TargetKind",
    "TypeGap",
    "assignable_types",
    "assignment_overview",
    "assignments_csv",
    "device_view",
    "failed_children",
    "filter_ref",
    "filter_view",
    "group_view",
    "hygiene",
    "is_complete",
    "is_usable",
    "object_ref",
    "object_target_rows",
    "object_targets",
    "parse_target",
    "read_assignments_csv",
    "template_platforms",
    "to_jsonable",
    "type_gap",
    "type_gaps",
    "user_view",
]
