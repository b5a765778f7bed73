"""Duplicate policies under new names: a copy of each chosen object, optionally with its assignments. Pure.

A copy is a create, made exactly as a deploy creates an object (``changes/deploy.py``): the chosen
objects, renamed, are the source of a deploy into their own tenant, so the create body comes from the
catalog (``changes/bodies.py``: what Graph sets left out, redacted secrets left out with a warning),
an administrative template's definition values and an intent's template go as a deploy sends them,
references (scope tags, apps, groups and filters of the copied assignments) keep their ids (same
tenant), and a type Graph can't create without content (a Win32 app) is refused with the reason.

The new name comes from a rename rule (prefix, suffix, find-replace, regular expression:
``changes/renames.py``) or, for one object, is given as is. **Clashes refuse the whole duplicate**
before anything is written, as a rename's do: a new name another object of the type has, or two
copies ending up with one name. A rule that leaves a name as it is would make a copy of the same name:
refused too. Apply creates a copy only while no object of its name exists, so a re-run never makes
two.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.snapshot import Snapshot, TypeResult, TypeStatus

from .deploy import AssignMode, DeployOptions, plan_deploy
from .desired import ObjectKey
from .edits import BULK_EDIT, Found, edit_plan, find_object
from .model import Operation, Plan, PlanItem, RejectedChange
from .renames import RenameRule, RuleError, name_clashes, name_problem

__all__ = ["plan_duplicates"]


def _new_names(
    snapshot: Snapshot, catalog: Catalog, objects: Sequence[ObjectKey], naming: RenameRule | str
) -> tuple[list[tuple[Found, str]], list[RejectedChange]]:
    pattern = naming.compiled() if isinstance(naming, RenameRule) else None
    chosen: list[tuple[Found, str]] = []
    rejected: list[RejectedChange] = []
    for key in dict.fromkeys(objects):
        found = find_object(snapshot, catalog, key, action="duplicate")
        if isinstance(found, str):
            rejected.append(RejectedChange(f"{key.type_key}/{key.id}", "duplicate", found))
            continue
        new = naming.new_name(found.name, pattern) if isinstance(naming, RenameRule) else naming
        summary = f"duplicate '{found.name}' as '{new}'"
        if new is None:
            why = "the rule leaves its name as it is: the copy would have the same name"
            rejected.append(RejectedChange(found.name, f"duplicate '{found.name}'", why))
            continue
        problem = name_problem(new)
        if problem:
            rejected.append(RejectedChange(found.name, summary, problem))
            continue
        chosen.append((found, new))
    return chosen, rejected


def _copy(found: Found, new: str, assignments: bool) -> dict[str, Any]:
    copy = {**found.obj, found.record.name_field: new}
    if not assignments:
        copy.pop("assignments", None)
    return copy


def _source(snapshot: Snapshot, chosen: Sequence[tuple[Found, str]], assignments: bool) -> Snapshot:
    """The copies as a snapshot of this tenant (the deploy's source); names of references from ``snapshot``."""
    objects: dict[str, list[dict[str, Any]]] = {}
    for found, new in chosen:
        objects.setdefault(found.record.key, []).append(_copy(found, new, assignments))
    results = {key: TypeResult(key, TypeStatus.OK, len(items), 0.0) for key, items in objects.items()}
    return Snapshot(
        tenant=snapshot.tenant,
        source=snapshot.source,
        taken_at=snapshot.taken_at,
        objects=objects,
        results=results,
        names=snapshot.names,
        setting_definitions=snapshot.setting_definitions,
    )


def _worded(item: PlanItem, originals: Mapping[tuple[str, str], str], assignments: bool) -> PlanItem:
    new = item.object.name
    original = originals.get((item.object.type_key, new), "")
    changes = (f"duplicate '{original}' as '{new}'", *item.changes[1:])
    warnings = item.warnings
    if assignments and item.expected:
        warnings = (*warnings, f"the copy gets the original's {len(item.expected)} assignment(s): both target them")
    return replace(item, changes=changes, warnings=warnings)


def plan_duplicates(
    snapshot: Snapshot,
    objects: Sequence[ObjectKey],
    naming: RenameRule | str,
    *,
    assignments: bool = False,
    catalog: Catalog | None = None,
) -> Plan:
    """The plan that creates a copy of each of ``objects`` named by ``naming`` (a rule, or the new
    name of one object), with its assignments when ``assignments``; no I/O. See the module docstring.

    Raises:
        RuleError: the rule can't be used, or one new name was given for several objects.
    """
    catalog = catalog or default_catalog()
    if isinstance(naming, str) and len(dict.fromkeys(objects)) > 1:
        raise RuleError("one new name is for one object: to duplicate several, give a rule (a prefix or suffix)")
    chosen, rejected = _new_names(snapshot, catalog, objects, naming)
    clashes = name_clashes(snapshot, chosen, copies=True)
    if clashes:
        for found, new in chosen:
            why = clashes.get(str(found.obj.get("id")))
            if why:
                rejected.append(RejectedChange(found.name, f"duplicate '{found.name}' as '{new}'", f"'{new}': {why}"))
        held = len(chosen) - len(clashes)
        note = (
            f"nothing is duplicated while new names clash ({len(clashes)} clashing"
            + (f", {held} other copies held back" if held else "")
            + "): change the names and plan again"
        )
        return edit_plan(snapshot, (), rejected, (note,))
    options = DeployOptions(
        assign=AssignMode.SOURCE if assignments else AssignMode.NONE, same_tenant=True, module=BULK_EDIT
    )
    planned = plan_deploy(_source(snapshot, chosen, assignments), snapshot, options, catalog=catalog)
    originals = {(found.record.key, new): found.name for found, new in chosen}
    items: list[PlanItem] = []
    for item in planned.items:
        if item.operation != Operation.CREATE:
            # The deploy matched an existing object (names equal once spacing is folded): a
            # duplicate never changes another object.
            reason = "another object of the type has this name (spacing aside)"
            rejected.append(RejectedChange(item.object.name, f"duplicate as '{item.object.name}'", reason))
            continue
        items.append(_worded(item, originals, assignments))
    return edit_plan(snapshot, items, [*rejected, *planned.rejected], planned.notes)
