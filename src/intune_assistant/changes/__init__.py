"""The one write path: plan → review → apply → verify (DESIGN §3 "One write path").

Pure planning over a snapshot::

    changes = [AssignmentChange(ObjectKey("settingsCatalog", pid), ChangeAction.ADD, AssignTarget.group(gid))]
    plan = plan_assignments(snapshot, changes)     # no I/O
    plan.items[0].requests                          # the exact Graph requests
    plan.items[0].before, plan.items[0].after       # readable assignment rows
    plan.rejected                                   # changes left out, with the reason

Write modules build ``AssignmentChange`` values from their inputs and never send Graph requests
of their own. Deploy and restore plan creates and updates from a source snapshot::

    plan = plan_deploy(source, target, DeployOptions(assign=AssignMode.SOURCE))   # no I/O
"""

from __future__ import annotations

from .apply import ApplyReport, ItemResult, ItemStatus, apply_plan
from .assignment_plan import BULK_ASSIGN, describe_change, plan_assignments
from .csv_input import changes_from_assignments_csv
from .deploy import DEPLOY, RESTORE, AssignMode, DeployOptions, plan_deploy
from .desired import AssignmentChange, AssignTarget, ChangeAction, Direction, ObjectKey
from .document import PlanRefused, PlanSealer
from .merge import build_assignment, merge_assignments, signature, target_key
from .model import GraphRequest, Operation, Plan, PlanItem, Precondition, RejectedChange
from .names import NameNotResolved, resolve_filter, resolve_group

__all__ = [
    "BULK_ASSIGN",
    "DEPLOY",
    "RESTORE",
    "ApplyReport",
    "AssignMode",
    "AssignTarget",
    "AssignmentChange",
    "ChangeAction",
    "DeployOptions",
    "Direction",
    "GraphRequest",
    "ItemResult",
    "ItemStatus",
    "NameNotResolved",
    "ObjectKey",
    "Operation",
    "Plan",
    "PlanItem",
    "PlanRefused",
    "PlanSealer",
    "Precondition",
    "RejectedChange",
    "apply_plan",
    "build_assignment",
    "changes_from_assignments_csv",
    "describe_change",
    "merge_assignments",
    "plan_assignments",
    "plan_deploy",
    "resolve_filter",
    "resolve_group",
    "signature",
    "target_key",
]
