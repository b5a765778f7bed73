"""What the Assignment manager's forms and uploads ask for, as desired changes (pure over the snapshot).

An upload is decoded here (UTF-8 with or without BOM, UTF-16 with BOM as Windows PowerShell writes
it) and its format told by its header: the commercial tool's ``PolicyName;GroupName;…`` file, or
the Assignments CSV this product exports. Every field the admin typed is checked; a bad one is a
``InputError`` whose message says what to fix, and nothing is planned.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from intune_assistant.analyses.assignments import APP_INTENTS, Directory, FilterMode
from intune_assistant.catalog import Catalog
from intune_assistant.changes import AssignmentChange, ChangeAction, Direction, ObjectKey, RejectedChange
from intune_assistant.changes.bulk_inputs import FormInput, changes_from_form, copy_assignments, remove_group_everywhere
from intune_assistant.changes.commercial_csv import changes_from_commercial_csv, looks_like_commercial_csv
from intune_assistant.changes.csv_input import changes_from_assignments_csv
from intune_assistant.changes.names import NameNotResolved
from intune_assistant.changes.objects import AssignableObjects, filter_by_name, target_by_name
from intune_assistant.snapshot import Snapshot

__all__ = ["MAX_CSV_BYTES", "InputError", "Request", "decode_csv", "read_changes"]

MAX_CSV_BYTES = 5 * 1024 * 1024
_ACTIONS = {"add": ChangeAction.ADD, "remove": ChangeAction.REMOVE}
_DIRECTIONS = {"include": Direction.INCLUDE, "exclude": Direction.EXCLUDE}
_FILTER_MODES = {"include": FilterMode.INCLUDE, "exclude": FilterMode.EXCLUDE}


class InputError(ValueError):
    """Input that can't be planned at all; the message says what to fix."""


def decode_csv(data: bytes) -> str:
    """The text of an uploaded CSV: UTF-16 (with its BOM) or UTF-8 (with or without BOM).

    Raises:
        InputError: empty, too large, or in another encoding.
    """
    if not data.strip():
        raise InputError("the file is empty")
    if len(data) > MAX_CSV_BYTES:
        raise InputError(f"the file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError("the file says it is UTF-16 but isn't readable as UTF-16") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the file isn't UTF-8 or UTF-16: in Excel, save it as 'CSV UTF-8'") from None


@dataclass(frozen=True)
class Request:
    """One submitted input: ``kind`` is ``csv``, ``form``, ``copy`` or ``remove-group``; ``fields`` its values."""

    kind: str
    fields: Mapping[str, Sequence[str]]
    upload: bytes = b""

    def one(self, name: str) -> str:
        """The field's first value, stripped ("" when absent)."""
        values = self.fields.get(name) or ()
        return values[0].strip() if values else ""


def _objects(request: Request, objects: AssignableObjects) -> tuple[ObjectKey, ...]:
    keys: list[ObjectKey] = []
    for value in request.fields.get("object") or ():
        type_key, _, object_id = value.partition("/")
        key = ObjectKey(type_key, object_id)
        if objects.get(key) is None:
            raise InputError("a picked object is no longer in the tenant's data: search and pick again")
        if key not in keys:
            keys.append(key)
    return tuple(keys)


def _choice(request: Request, name: str, words: Mapping[str, object], label: str) -> object:
    value = request.one(name).casefold()
    if value not in words:
        raise InputError(f"choose {label}")
    return words[value]


def _form(request: Request, objects: AssignableObjects, directory: Directory) -> list[AssignmentChange]:
    keys = _objects(request, objects)
    if not keys:
        raise InputError("pick at least one policy, app or script")
    action = _choice(request, "action", _ACTIONS, "add or remove")
    direction = _choice(request, "direction", _DIRECTIONS, "include or exclude")
    assert isinstance(action, ChangeAction) and isinstance(direction, Direction)
    kind = request.one("target") or "group"
    if kind == "group" and not request.one("group"):
        raise InputError("name the group to assign (or choose All users or All devices)")
    try:
        target = target_by_name(
            {"allUsers": "All users", "allDevices": "All devices"}.get(kind, request.one("group")), directory
        )
    except NameNotResolved as exc:
        raise InputError(str(exc)) from None
    filter_id: str | None = None
    filter_mode: FilterMode | None = None
    if request.one("filter"):
        try:
            filter_id = filter_by_name(request.one("filter"), directory)
        except NameNotResolved as exc:
            raise InputError(str(exc)) from None
        mode = _choice(request, "filter_mode", _FILTER_MODES, "the filter's mode (include or exclude)")
        assert isinstance(mode, FilterMode)
        filter_mode = mode
    intent = request.one("intent") or None
    if intent is not None and intent not in APP_INTENTS:
        raise InputError(f"the install intent must be one of {', '.join(APP_INTENTS)}")
    form = FormInput(keys, action, target, direction, filter_id, filter_mode, intent)
    return changes_from_form(form)


def read_changes(
    request: Request,
    snapshot: Snapshot,
    catalog: Catalog,
    objects: AssignableObjects,
    directory: Directory,
) -> tuple[list[AssignmentChange], list[RejectedChange]]:
    """The changes ``request`` asks for, and what its rows refused (reasons included).

    Raises:
        InputError: the input as a whole can't be read (no file, an unknown format, nothing picked…).
    """
    if request.kind == "csv":
        text = decode_csv(request.upload)
        try:
            if looks_like_commercial_csv(text):
                return changes_from_commercial_csv(text, objects, directory)
            return changes_from_assignments_csv(text, directory)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    if request.kind == "form":
        return _form(request, objects, directory), []
    if request.kind == "copy":
        source_value = request.one("copy_from")
        type_key, _, object_id = source_value.partition("/")
        source = ObjectKey(type_key, object_id)
        if objects.get(source) is None:
            raise InputError("choose the object to copy the assignments from")
        targets = [k for k in _objects(request, objects) if k != source]
        if not targets:
            raise InputError("pick the objects to copy the assignments to")
        return copy_assignments(snapshot, source, targets)
    if request.kind == "remove-group":
        try:
            target = target_by_name(request.one("group"), directory)
        except NameNotResolved as exc:
            raise InputError(str(exc)) from None
        if target.group_id is None:
            raise InputError("name a group: All users and All devices can't be removed from everything at once")
        changes = remove_group_everywhere(snapshot, target.group_id, catalog)
        if not changes:
            raise InputError(f"group '{directory.group_name(target.group_id)}' isn't assigned to anything")
        return changes, []
    raise InputError("unknown input: upload a CSV, or use the form, copy or remove a group")
