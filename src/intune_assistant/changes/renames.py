"""Bulk rename: a rule (prefix, suffix, find-replace, regular expression) over chosen objects. Pure.

The plan is the preview: one item per object whose name the rule changes, with the PATCH that sets
the new name. Names are compared as admins read them (trimmed, case-insensitive). A **clash** —
two objects of one type that would end up with the same name, because two new names are equal or
a new name is the name another object of the type already has — refuses the whole rename: the plan
then holds no item, each clash is in ``Plan.rejected`` with both objects named, and nothing can be
written until the rule or the selection changes. Objects whose names the rule leaves as they are
get no item, so planning again after an apply gives an empty plan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from intune_assistant.analyses.assignments import object_ref, template_platforms
from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.catalog.describe import Templates
from intune_assistant.snapshot import Snapshot

from .desired import ObjectKey
from .edits import Found, edit_plan, find_object
from .model import GraphRequest, Operation, Plan, PlanItem, Precondition, RejectedChange

__all__ = ["MAX_NAME", "RenameKind", "RenameRule", "RuleError", "name_clashes", "name_problem", "plan_renames"]

# Intune's admin center refuses longer names; Graph's own limit is not documented per type.
MAX_NAME = 256
_MAX_PATTERN = 500


class RuleError(ValueError):
    """The rename rule can't be used (empty text, an invalid regular expression); says why."""


class RenameKind(StrEnum):
    """How the new name is made from the old one."""

    PREFIX = "prefix"
    SUFFIX = "suffix"
    REPLACE = "replace"
    REGEX = "regex"


@dataclass(frozen=True)
class RenameRule:
    """One rename rule.

    Attributes:
        kind: prefix, suffix, replace (every occurrence of ``text``, case-sensitive) or regex.
        text: the prefix, the suffix, the text to find, or the pattern (Python ``re`` syntax).
        replacement: what ``text`` is replaced with (replace, regex: ``\\1`` and ``\\g<name>`` work).
    """

    kind: RenameKind
    text: str
    replacement: str = ""

    def compiled(self) -> re.Pattern[str] | None:
        """The pattern of a regex rule (None for others).

        Raises:
            RuleError: the rule is empty, too long, or its pattern or replacement is invalid.
        """
        if not self.text:
            raise RuleError(f"the {self.kind.value} rule needs its text")
        if len(self.text) > _MAX_PATTERN or len(self.replacement) > _MAX_PATTERN:
            raise RuleError(f"the rule's text is longer than {_MAX_PATTERN} characters")
        if self.kind is not RenameKind.REGEX:
            return None
        try:
            pattern = re.compile(self.text)
            # A replacement naming a group the pattern lacks fails only when used: check it now.
            _check_groups(pattern, self.replacement)
        except re.error as exc:
            raise RuleError(f"invalid regular expression: {exc}") from None
        return pattern

    def new_name(self, name: str, pattern: re.Pattern[str] | None = None) -> str | None:
        """``name`` as the rule makes it, or None when the rule leaves it as it is."""
        if self.kind is RenameKind.PREFIX:
            return None if name.startswith(self.text) else self.text + name
        if self.kind is RenameKind.SUFFIX:
            return None if name.endswith(self.text) else name + self.text
        if self.kind is RenameKind.REPLACE:
            return name.replace(self.text, self.replacement) if self.text in name else None
        pattern = pattern or self.compiled()
        if pattern is None:
            return None
        renamed, count = pattern.subn(self.replacement, name)
        return renamed if count and renamed != name else None

    def words(self) -> str:
        """The rule in words: ``replace 'Win' with 'Windows'``."""
        if self.kind is RenameKind.PREFIX:
            return f"add the prefix '{self.text}'"
        if self.kind is RenameKind.SUFFIX:
            return f"add the suffix '{self.text}'"
        if self.kind is RenameKind.REPLACE:
            return f"replace '{self.text}' with '{self.replacement}'"
        return f"replace /{self.text}/ with '{self.replacement}'"


def _check_groups(pattern: re.Pattern[str], replacement: str) -> None:
    """Raise ``re.error`` when ``replacement`` refers to a group ``pattern`` doesn't have."""
    for match in re.finditer(r"\\(\d+)|\\g<([^>]*)>", replacement):
        number, name = match.group(1), match.group(2)
        ref = number if number is not None else name
        if ref.isdigit():
            if int(ref) > pattern.groups:
                raise re.error(f"the replacement refers to group {ref}, the pattern has {pattern.groups}")
        elif ref not in pattern.groupindex:
            raise re.error(f"the replacement refers to group '{ref}', which the pattern doesn't name")


def name_problem(new: str) -> str | None:
    """Why ``new`` can't be an object's name (empty, spaces around it, too long), or None."""
    if not new.strip():
        return "the new name would be empty"
    if new != new.strip():
        return "the new name would start or end with a space (Intune trims names, so compare would differ)"
    if len(new) > MAX_NAME:
        return f"the new name would be longer than {MAX_NAME} characters"
    return None


def _folded(name: str) -> str:
    return name.strip().casefold()


def name_clashes(snapshot: Snapshot, renamed: Sequence[tuple[Found, str]], *, copies: bool = False) -> dict[str, str]:
    """Per object id in ``renamed``, why its new name clashes (empty when none does).

    With ``copies`` the objects keep their names and the new names go to new objects (a
    duplicate); otherwise the objects are renamed (their old names are freed).
    """
    found: dict[str, str] = {}
    for type_key in dict.fromkeys(f.record.key for f, _ in renamed):
        mine = [(f, new) for f, new in renamed if f.record.key == type_key]
        label = mine[0][0].record.label
        moving = set() if copies else {str(f.obj.get("id")) for f, _ in mine}
        final: dict[str, list[tuple[str, str, bool]]] = {}
        for obj in snapshot.read_objects(type_key) or ():
            object_id = str(obj.get("id") or "")
            if object_id in moving:
                continue
            name = mine[0][0].record.object_name(obj)
            final.setdefault(_folded(name), []).append((object_id, name, False))
        for f, new in mine:
            final.setdefault(_folded(new), []).append((str(f.obj.get("id")), f.name, True))
        made = "copied" if copies else "renamed"
        for holders in final.values():
            if len(holders) < 2 or not any(renamed_ for _, _, renamed_ in holders):
                continue
            for index, (object_id, _, renamed_) in enumerate(holders):
                if not renamed_:
                    continue
                others = [h for i, h in enumerate(holders) if i != index]
                words = "; ".join(
                    f"'{name}' (id {oid}) {f'would be {made} to it too' if moved else 'has it already'}"
                    for oid, name, moved in others
                )
                found[object_id] = f"two {label} objects would have the same name: {words}"
    return found


def plan_renames(
    snapshot: Snapshot, objects: Sequence[ObjectKey], rule: RenameRule, *, catalog: Catalog | None = None
) -> Plan:
    """The plan that renames ``objects`` by ``rule``; does no I/O. See the module docstring.

    Raises:
        RuleError: the rule itself can't be used (nothing is planned).
    """
    catalog = catalog or default_catalog()
    pattern = rule.compiled()
    templates = template_platforms(snapshot)
    rejected: list[RejectedChange] = []
    notes: list[str] = []
    renamed: list[tuple[Found, str]] = []
    unchanged = 0
    for key in dict.fromkeys(objects):
        found = find_object(snapshot, catalog, key, action="rename")
        if isinstance(found, str):
            rejected.append(RejectedChange(f"{key.type_key}/{key.id}", f"rename ({rule.words()})", found))
            continue
        new = rule.new_name(found.name, pattern)
        if new is None:
            unchanged += 1
            continue
        summary = f"rename '{found.name}' to '{new}'"
        reason = name_problem(new)
        if reason:
            rejected.append(RejectedChange(found.name, summary, reason))
            continue
        renamed.append((found, new))
    if unchanged:
        notes.append(f"{unchanged} of the chosen objects keep their names: the rule doesn't change them")
    clashes = name_clashes(snapshot, renamed)
    if clashes:
        for found, new in renamed:
            why = clashes.get(str(found.obj.get("id")))
            if why:
                rejected.append(RejectedChange(found.name, f"rename '{found.name}' to '{new}'", f"'{new}': {why}"))
        held = len(renamed) - len(clashes)
        notes.append(
            f"nothing is renamed while new names clash ({len(clashes)} clashing"
            + (f", {held} other renames held back" if held else "")
            + "): change the rule or the selection and plan again"
        )
        return edit_plan(snapshot, (), rejected, notes)
    items = [_item(found, new, snapshot, templates) for found, new in renamed]
    return edit_plan(snapshot, items, rejected, notes)


def _item(found: Found, new: str, snapshot: Snapshot, templates: Templates) -> PlanItem:
    record, obj = found.record, found.obj
    object_id = str(obj.get("id"))
    body: dict[str, object] = {record.name_field: new}
    odata_type = obj.get("@odata.type")
    if isinstance(odata_type, str) and odata_type:
        # Intune's polymorphic collections resolve a PATCH by its @odata.type.
        body = {"@odata.type": odata_type, **body}
    path = f"{record.path}/{object_id}"
    return PlanItem(
        object=object_ref(record, obj, snapshot, templates),
        operation=Operation.RENAME,
        requests=(GraphRequest("PATCH", path, body, record.api_version),),
        before=(),
        after=(),
        expected=(),
        precondition=Precondition(path, (), name=found.name),
        changes=(f"rename '{found.name}' to '{new}'",),
    )
