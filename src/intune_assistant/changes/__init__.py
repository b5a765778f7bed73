"""The one write path: plan → review → apply → verify (DESIGN §3 "One write path").

Pure planning over a snapshot::

    changes = [AssignmentChange(ObjectKey("settingsCatalog", pid), ChangeAction.ADD, AssignTarget.group(gid))]
    plan = plan_assignments(snapshot, changes)     # no I/O
    plan.items[0].requests                          # the exact Graph requests
    plan.items[0].before, plan.items[0].after       # readable assignment rows
    plan.rejected                                   # changes left out, with the reason

Write modules build ``AssignmentChange`` values from their inputs and never send Graph requests
of their own.
"""

from __future__ import annotations

from .assignment_plan import BULK_ASSIGN, describe_change, plan_assignments
from .desired import AssignmentChange, AssignTarget, ChangeAction, Direction, ObjectKey
from .merge import build_assignment, merge_assignments, signature, target_key
from .model import GraphRequest, Plan, PlanItem, Precondition, RejectedChange

__all__ = [
    "BULK_ASSIGN",
    "AssignTarget",
    "AssignmentChange",
    "ChangeAction",
    "Direction",
    "GraphRequest",
    "ObjectKey",
    "Plan",
    "PlanItem",
    "Precondition",
    "RejectedChange",
    "build_assignment",
    "describe_change",
    "merge_assignments",
    "plan_assignments",
    "signature",
    "target_key",
]
