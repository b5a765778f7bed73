"""The desired-state CSV admins keep for the closest commercial tool, read and written.

Semicolon-separated, one row per assignment::

    PolicyName;GroupName;AssignmentDirection;AssignmentAction;Filter;FilterType

``AssignmentDirection`` is Include or Exclude; ``AssignmentAction`` is Add, Remove, Replace (the
object's assignments become exactly its Replace rows) or NoAssignment (the object ends up with no
assignments). ``GroupName`` is a group's name or id, or All users / All devices. Two optional
columns disambiguate what the original format can't say: ``PolicyType`` (the type as the
Assignments page shows it) and ``Intent`` (an app's install intent).

The tool's known traps are avoided: its own export was not valid input (``commercial_csv`` writes
exactly what ``changes_from_commercial_csv`` reads: the round trip is tested), and its export lost
the filter type (a filter without its type is refused, never guessed). Headers match whatever
their case and order; ``Filter`` may also be spelled ``FilterName``; a ``sep=;`` line (Excel) and
comma-separated files are read too. A value a spreadsheet could run as a formula is written with a
leading ``'`` and read back without it (``spreadsheet_cells``). Every row that can't be understood
is refused with its line number and reason; nothing is planned for it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from intune_assistant.analyses.assignments import AssignmentRow, Directory, FilterMode
from intune_assistant.spreadsheet_cells import from_cell, to_cell

from .desired import AssignmentChange, AssignTarget, ChangeAction, Direction, ObjectKey
from .model import RejectedChange
from .names import NameNotResolved
from .objects import AssignableObjects, ObjectNotResolved, filter_by_name, target_by_name

__all__ = ["COMMERCIAL_COLUMNS", "changes_from_commercial_csv", "commercial_csv", "looks_like_commercial_csv"]

COMMERCIAL_COLUMNS = ("PolicyName", "GroupName", "AssignmentDirection", "AssignmentAction", "Filter", "FilterType")
_EXTRA_COLUMNS = ("PolicyType", "Intent")
_ALIASES = {"filtername": "filter", "assignmentfilter": "filter", "assignmentfiltertype": "filtertype"}
_ACTIONS = {
    "add": ChangeAction.ADD,
    "remove": ChangeAction.REMOVE,
    "replace": ChangeAction.REPLACE_ALL,
    "noassignment": ChangeAction.REPLACE_ALL,
}
_DIRECTIONS = {"": Direction.INCLUDE, "include": Direction.INCLUDE, "exclude": Direction.EXCLUDE}
_FILTER_TYPES: dict[str, FilterMode | None] = {
    "": None,
    "none": None,
    "include": FilterMode.INCLUDE,
    "exclude": FilterMode.EXCLUDE,
}


class _RowError(ValueError):
    pass


def _folded(name: str) -> str:
    folded = name.strip().casefold().replace(" ", "")
    return _ALIASES.get(folded, folded)


def _lines(text: str) -> tuple[str, str, int]:
    """The text without a ``sep=`` line, its delimiter (``sep=``, else what the header uses) and the
    number of lines dropped. Line breaks inside quoted values stay as they are (a name may hold one)."""
    text = text.removeprefix("\ufeff")
    first, _, rest = text.partition("\n")
    delimiter, skipped = "", 0
    if first.strip().casefold().startswith("sep="):
        delimiter, text, skipped = first.strip()[4:5], rest, 1
    if not delimiter:
        header = text.partition("\n")[0]
        delimiter = ";" if header.count(";") >= header.count(",") else ","
    return text, delimiter, skipped


def looks_like_commercial_csv(text: str) -> bool:
    """True when the header names the commercial format's columns (PolicyName, AssignmentAction…)."""
    body, delimiter, _ = _lines(text)
    first = next(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter), None)
    if not first:
        return False
    header = {_folded(h) for h in first}
    return {"policyname", "groupname", "assignmentaction"} <= header


def _target(group: str, directory: Directory) -> AssignTarget:
    try:
        return target_by_name(group, directory)
    except NameNotResolved as exc:
        raise _RowError(str(exc)) from None


def _filter(name: str, directory: Directory) -> str:
    try:
        return filter_by_name(name, directory)
    except NameNotResolved as exc:
        raise _RowError(str(exc)) from None


def _change(row: Mapping[str, str], line: int, objects: AssignableObjects, directory: Directory) -> AssignmentChange:
    action_text = row.get("assignmentaction", "").strip()
    action = _ACTIONS.get(action_text.casefold())
    if action is None:
        raise _RowError(f"AssignmentAction must be Add, Remove, Replace or NoAssignment, not '{action_text}'")
    policy = row.get("policyname", "").strip()
    if not policy:
        raise _RowError("PolicyName is empty")
    try:
        ref = objects.by_name(policy, type_label=row.get("policytype", ""))
    except ObjectNotResolved as exc:
        raise _RowError(str(exc)) from None
    direction = _DIRECTIONS.get(row.get("assignmentdirection", "").strip().casefold())
    if direction is None:
        raise _RowError(f"AssignmentDirection must be Include or Exclude, not '{row.get('assignmentdirection')}'")
    group = row.get("groupname", "").strip()
    if action_text.casefold() == "noassignment":
        if group:
            raise _RowError("NoAssignment leaves the object with no assignments: leave GroupName empty")
        return AssignmentChange(ObjectKey(ref.type_key, ref.id), action, None, source=f"row {line}")
    if not group:
        raise _RowError("GroupName is empty: name a group, All users or All devices")
    filter_name = row.get("filter", "").strip()
    filter_type_text = row.get("filtertype", "").strip()
    filter_type = _FILTER_TYPES.get(filter_type_text.casefold(), "bad")
    if filter_type == "bad":
        raise _RowError(f"FilterType must be Include, Exclude or empty, not '{filter_type_text}'")
    if filter_name and filter_type is None and action is not ChangeAction.REMOVE:
        raise _RowError(f"filter '{filter_name}' has no FilterType: say Include or Exclude (it is never guessed)")
    if filter_type is not None and not filter_name:
        raise _RowError("FilterType is set but Filter is empty")
    filter_id = _filter(filter_name, directory) if filter_name and action is not ChangeAction.REMOVE else None
    return AssignmentChange(
        object=ObjectKey(ref.type_key, ref.id),
        action=action,
        target=_target(group, directory),
        direction=direction,
        filter_id=filter_id,
        filter_mode=filter_type if filter_id and isinstance(filter_type, FilterMode) else None,
        intent=row.get("intent", "").strip() or None,
        source=f"row {line}",
    )


def changes_from_commercial_csv(
    text: str, objects: AssignableObjects, directory: Directory
) -> tuple[list[AssignmentChange], list[RejectedChange]]:
    """The changes the rows ask for, and the rows refused with their line number and reason.

    Raises:
        ValueError: the text has no header, or lacks a column the format needs.
    """
    body, delimiter, skipped = _lines(text)
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise ValueError("the CSV is empty: expected the header PolicyName;GroupName;AssignmentDirection;…")
    columns = [_folded(h) for h in header]
    missing = [c for c in COMMERCIAL_COLUMNS if _folded(c) not in columns]
    if missing:
        raise ValueError(f"the CSV lacks column(s): {', '.join(missing)}")
    changes: list[AssignmentChange] = []
    rejected: list[RejectedChange] = []
    incomplete: set[ObjectKey] = set()
    for cells in reader:
        line = reader.line_num + skipped
        if not any(c.strip() for c in cells):
            continue
        row = {columns[i]: from_cell(cells[i]) for i in range(min(len(columns), len(cells)))}
        try:
            changes.append(_change(row, line, objects, directory))
        except _RowError as exc:
            summary = ";".join(cells[: len(COMMERCIAL_COLUMNS)])
            rejected.append(RejectedChange(f"row {line}", summary, str(exc)))
            if _ACTIONS.get(row.get("assignmentaction", "").strip().casefold()) is ChangeAction.REPLACE_ALL:
                incomplete.update(_keys_named(row, objects))
    # An object's Replace rows are its whole assignment set: without a refused one, the others
    # would remove that assignment. So none of them is planned.
    held = [c for c in changes if c.action is ChangeAction.REPLACE_ALL and c.object in incomplete]
    for change in held:
        reason = "another Replace row of this object was refused; replacing without it would remove that assignment"
        rejected.append(RejectedChange(change.source, "Replace", reason))
    return [c for c in changes if c not in held], rejected


def _keys_named(row: Mapping[str, str], objects: AssignableObjects) -> set[ObjectKey]:
    try:
        ref = objects.by_name(row.get("policyname", ""), type_label=row.get("policytype", ""))
    except ObjectNotResolved:
        return set()
    return {ObjectKey(ref.type_key, ref.id)}


def _nameable(row: AssignmentRow) -> bool:
    if row.target_kind in ("allUsers", "allDevices"):
        return True
    return row.target_kind == "group" and row.group_state == "ok" and bool(row.group_name)


def commercial_csv(rows: Iterable[AssignmentRow]) -> str:
    """Assignment rows as this format's desired state, valid input as written (round trip).

    Objects are written with Replace rows (their whole assignment set) or a NoAssignment row.
    An object with a target this format can't name (an unmodelled target kind, a deleted group) is
    written with Add rows instead, so reading the file back never removes that target.
    """
    by_object: dict[tuple[str, str], list[AssignmentRow]] = {}
    for row in rows:
        by_object.setdefault((row.object.type_key, row.object.id), []).append(row)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow((*COMMERCIAL_COLUMNS, *_EXTRA_COLUMNS))
    for object_rows in by_object.values():
        known = [r for r in object_rows if _nameable(r)]
        # A target this format can't name (an unmodelled kind, a deleted group) is left out, and the
        # object written with Add rows, so reading the file back never removes it.
        unnamed = any(not _nameable(r) and r.target_kind != "none" for r in object_rows)
        obj = object_rows[0].object
        if not known and not unnamed:
            writer.writerow([to_cell(v) for v in (obj.name, "", "", "NoAssignment", "", "", obj.type_label, "")])
            continue
        for row in known:
            group = {"allUsers": "All users", "allDevices": "All devices"}.get(row.target_kind, row.group_name or "")
            cells = (
                obj.name,
                group,
                row.mode.capitalize(),
                "Add" if unnamed else "Replace",
                row.filter.name if row.filter else "",
                (row.filter_mode or "").capitalize() if row.filter else "",
                obj.type_label,
                row.intent or "",
            )
            writer.writerow([to_cell(v) for v in cells])
    return buffer.getvalue()
