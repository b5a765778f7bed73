"""What the Deploy and Restore pages plan, in the admin's words; pure, no I/O.

A source (a built-in baseline, an uploaded export or backup) is put into the tenant's collection
with ``changes/deploy.plan_deploy``, the one write path's planner. The review lists every item with
a tick box: apply takes the sealed plan back with the ticked items, and ``ticked`` keeps only those
(refusing a choice that leaves out an object a ticked item refers to).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, replace

from intune_assistant.catalog import Catalog
from intune_assistant.changes import Plan
from intune_assistant.changes.deploy import RESTORE, AssignMode, DeployOptions, plan_deploy
from intune_assistant.changes.model import RejectedChange
from intune_assistant.snapshot import Snapshot

# ``{new:<item key>}``: the id an earlier item of the plan creates (``changes/deploy.new_reference``).
_CREATED_BY = re.compile(r"\{new:([^}]*)\}")
_MAX_ONLY = 500


class PlanInputError(ValueError):
    """The choices can't be planned or applied (no group named so, nothing ticked…); says why."""


def deploy_options(assign: str, group: str) -> DeployOptions:
    """A deploy's options from the form: assignments none, as in the source, or to ``group``."""
    if assign == AssignMode.GROUP.value:
        if not group.strip():
            raise PlanInputError("name the group to assign the deployed objects to")
        return DeployOptions(assign=AssignMode.GROUP, group=group.strip())
    if assign == AssignMode.SOURCE.value:
        return DeployOptions(assign=AssignMode.SOURCE)
    return DeployOptions(assign=AssignMode.NONE)


def restore_options(only: str) -> DeployOptions:
    """A restore's options: assignments as in the backup; only the objects named one per line (none: all)."""
    names = tuple(dict.fromkeys(line.strip() for line in only.splitlines() if line.strip()))[:_MAX_ONLY]
    return DeployOptions(assign=AssignMode.SOURCE, only=names, same_tenant=True, module=RESTORE)


def plan_into(source: Snapshot, target: Snapshot, options: DeployOptions, catalog: Catalog) -> Plan:
    """The plan putting ``source``'s objects into ``target`` (its tenant's collection).

    A restore keeps the ids of references the target still has only when the backup came from this
    tenant; another tenant's backup is restored as a deploy is, every reference by name.

    Raises:
        PlanInputError: the options can't be planned (a group the target doesn't have once).
    """
    if options.same_tenant:
        same = (source.tenant.tenant_id or "").lower() == (target.tenant.tenant_id or "").lower()
        options = replace(options, same_tenant=same and bool(source.tenant.tenant_id))
    try:
        return plan_deploy(source, target, options, catalog=catalog)
    except ValueError as exc:
        raise PlanInputError(str(exc)) from None


@dataclass(frozen=True)
class RejectedGroups:
    """A plan's rejected objects as the review shows them: flagged, refused, not deployable."""

    flagged: tuple[RejectedChange, ...]
    refused: tuple[RejectedChange, ...]
    not_deployable: tuple[RejectedChange, ...]


def rejected_groups(plan: Plan) -> RejectedGroups:
    """The rejected objects by kind, told apart by the planner's reason (``changes/deploy.py``)."""
    flagged, refused, not_deployable = [], [], []
    for rejected in plan.rejected:
        if "not mapped" in rejected.reason:
            flagged.append(rejected)
        elif rejected.reason.startswith("not deployable"):
            not_deployable.append(rejected)
        else:
            refused.append(rejected)
    return RejectedGroups(tuple(flagged), tuple(refused), tuple(not_deployable))


def unchanged_count(plan: Plan) -> int:
    """How many source objects the target already has as they are."""
    return sum(1 for note in plan.notes if note.endswith(": unchanged"))


def operation_counts(plan: Plan) -> dict[str, int]:
    """Items per operation (create, update, assign)."""
    return dict(Counter(item.operation for item in plan.items))


def ticked(plan: Plan, keys: list[str]) -> Plan:
    """``plan`` with only the items whose keys were ticked (in plan order).

    Raises:
        PlanInputError: nothing ticked, or a ticked item refers to an object the plan creates that
            was not ticked (it would fail for want of its id): the message names both.
    """
    chosen = set(keys)
    items = tuple(item for item in plan.items if item.key in chosen)
    if not items:
        raise PlanInputError("tick at least one object to apply")
    kept = {item.key for item in items}
    names = {item.key: item.object.name for item in plan.items}
    for item in items:
        text = json.dumps([[r.path, r.body] for r in item.requests], ensure_ascii=False)
        for needed in _CREATED_BY.findall(text):
            if needed not in kept and needed in names:
                raise PlanInputError(
                    f"'{item.object.name}' refers to '{names[needed]}', which the plan creates: tick both or neither"
                )
    return replace(plan, items=items)
