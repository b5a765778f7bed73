"""Desired changes from the Assignments CSV the product exports, with an ``Action`` column added.

Round trip: export the Assignments list → edit it in Excel → give it back. Rows without an action
are the assignments as they are and change nothing; ``add``, ``remove`` and ``replace-all`` rows
are changes. A row may name its group or filter by id or, when the id cell is empty, by name
(exactly one match, else the row is refused naming the candidates). Each refused row is a
``RejectedChange`` with its line number; nothing is planned for it.
"""

from __future__ import annotations

from collections.abc import Callable

from intune_assistant.analyses.assignments import CsvAssignment, Directory, FilterMode, read_assignments_csv

from .desired import AssignmentChange, AssignTarget, ChangeAction, Direction, ObjectKey
from .model import RejectedChange
from .names import NameNotResolved, resolve_filter, resolve_group

__all__ = ["ACTIONS", "changes_from_assignments_csv"]

ACTIONS = {"add": ChangeAction.ADD, "remove": ChangeAction.REMOVE, "replace-all": ChangeAction.REPLACE_ALL}
_TARGETS = {
    "group": "group",
    "allusers": "allUsers",
    "all users": "allUsers",
    "alldevices": "allDevices",
    "all devices": "allDevices",
    "none": "none",
    "(not assigned)": "none",
}
_MODES = {"": Direction.INCLUDE, "include": Direction.INCLUDE, "exclude": Direction.EXCLUDE}
_FILTER_MODES = {"": None, "none": None, "include": FilterMode.INCLUDE, "exclude": FilterMode.EXCLUDE}


class _RowError(ValueError):
    pass


def _id_or_name(identifier: str, name: str, resolve: Callable[[Directory, str], str], directory: Directory) -> str:
    if identifier.strip():
        return identifier.strip()
    if not name.strip():
        return ""
    try:
        return resolve(directory, name)
    except NameNotResolved as exc:
        raise _RowError(str(exc)) from None


def _target(row: CsvAssignment, action: ChangeAction, directory: Directory) -> AssignTarget | None:
    kind = _TARGETS.get(row.target_kind.strip().casefold())
    if kind is None:
        raise _RowError(f"unknown target kind '{row.target_kind}': use group, allUsers, allDevices or none")
    if kind == "none":
        if action is not ChangeAction.REPLACE_ALL:
            raise _RowError("target kind 'none' only goes with replace-all (to leave the object unassigned)")
        return None
    if kind == "allUsers":
        return AssignTarget.all_users()
    if kind == "allDevices":
        return AssignTarget.all_devices()
    group_id = _id_or_name(row.group_id, row.group_name, resolve_group, directory)
    if not group_id:
        raise _RowError("a group row needs the group's id or name")
    return AssignTarget.group(group_id)


def _change(row: CsvAssignment, directory: Directory) -> AssignmentChange:
    action = ACTIONS.get(row.action.casefold())
    if action is None:
        raise _RowError(f"unknown action '{row.action}': use add, remove or replace-all")
    if not row.type_key.strip() or not row.policy_id.strip():
        raise _RowError("the row needs the 'Policy type key' and 'Policy id' (copy them from a row of the export)")
    direction = _MODES.get(row.mode.strip().casefold())
    if direction is None:
        raise _RowError(f"Include/exclude must be include or exclude, not '{row.mode}'")
    filter_mode = _FILTER_MODES.get(row.filter_mode.strip().casefold(), "bad")
    if filter_mode == "bad":
        raise _RowError(f"Filter mode must be include, exclude or empty, not '{row.filter_mode}'")
    filter_id = _id_or_name(row.filter_id, row.filter_name, resolve_filter, directory) or None
    return AssignmentChange(
        object=ObjectKey(row.type_key.strip(), row.policy_id.strip()),
        action=action,
        target=_target(row, action, directory),
        direction=direction,
        filter_id=filter_id,
        filter_mode=filter_mode if isinstance(filter_mode, FilterMode) else None,
        intent=row.intent.strip() or None,
        source=f"row {row.line}",
    )


def changes_from_assignments_csv(
    text: str, directory: Directory
) -> tuple[list[AssignmentChange], list[RejectedChange]]:
    """The changes the CSV's action rows ask for, and the rows refused with their reasons.

    Raises:
        ValueError: the text is not an Assignments CSV (no header, or a column the rows need is
            missing), or it has no row with an action.
    """
    rows = read_assignments_csv(text)
    changes: list[AssignmentChange] = []
    rejected: list[RejectedChange] = []
    for row in rows:
        if not row.action:
            continue
        try:
            changes.append(_change(row, directory))
        except _RowError as exc:
            summary = f"{row.action} {row.group_name or row.target_kind} on {row.policy_name or row.policy_id}"
            rejected.append(RejectedChange(f"row {row.line}", summary, str(exc)))
    if not changes and not rejected:
        raise ValueError(
            "no row has an action: add a column 'Action' and put add, remove or replace-all on the rows to change"
        )
    return changes, rejected
