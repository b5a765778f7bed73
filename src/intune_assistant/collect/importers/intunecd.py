"""IntuneCD backups → Snapshot.

IntuneCD writes one file per object in a folder per type (see ``intunecd_layout``), strips ids
and OData annotations, and replaces ids by names: assignment targets carry ``groupName``,
``groupType`` and ``membershipRule`` instead of ``groupId``, assignment filters and scope tags
appear by display name. The import turns these back into Graph shape:

* each group, filter and scope tag name gets a deterministic synthetic id (``synthetic``), the
  targets point at it, and ``Names`` maps it back to the name; one ``groups`` object per group
  name keeps what the backup says about it (name, dynamic rule). The Default scope tag is "0".
* objects without an id get the id appended by ``--append-id``, else a synthetic one.
* a missing top-level ``@odata.type`` is restored from the file-name suffix.

Not objects, skipped without a problem: IntuneCD's Markdown documentation (``*.md``; the
``index.md`` is read for the tenant domain), ``Assignment Report/`` (a summary of the
assignments the objects already hold; its presence tells that assignments were backed up),
``Script Data/`` and ``mobileconfig/`` (copies of content the objects hold base64-encoded) and
``__archive__/`` (objects deleted from the tenant). Everything else that cannot be read or has
no catalog type is reported as a LoadProblem, and the rest still loads.
"""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.snapshot import Snapshot, TenantInfo
from intune_assistant.snapshot.json_kind import json_kind

from .builder import ImportBuilder, Imported
from .encoding import ImportFileError, decode_text
from .errors import UnknownFormatError
from .files import DOCUMENT_SUFFIXES, describe_os_error, read_document
from .intunecd_layout import (
    SKIPPED_FOLDERS,
    FolderRule,
    NotCatalog,
    find_rule,
    odata_type_from_suffix,
    parse_file_stem,
)
from .odata import strip_odata_noise
from .synthetic import synthetic_id
from .tree import ExportFile, ExportTree, folder_tree

__all__ = ["import_intunecd", "read_intunecd"]

_TENANT_LINE = re.compile(r"^\*\*Tenant:\*\*\s*(?P<domain>\S+)", re.MULTILINE)
_GROUP_TARGET = "groupassignmenttarget"  # casefolded: also matches exclusionGroupAssignmentTarget
_FILTER_FIELD = "deviceAndAppManagementAssignmentFilterId"
DEFAULT_SCOPE_TAG_ID = "0"


@dataclass
class _Pending:
    key: str
    obj: dict[str, Any]
    origin: str


@dataclass
class _Unimported:
    reason: str
    files: int = 0


@dataclass
class _Scan:
    pending: list[_Pending] = field(default_factory=list)
    unimported: dict[str, _Unimported] = field(default_factory=dict)
    domain: str | None = None
    assignment_report: bool = False


def import_intunecd(folder: Path, *, catalog: Catalog | None = None, taken_at: datetime | None = None) -> Snapshot:
    """Read the IntuneCD backup in ``folder`` (JSON or YAML) into a Snapshot (source ``intunecd``).

    Unreadable files are listed in ``problems``; a type with failed files is partial.
    ``taken_at`` defaults to the newest file's modification time.
    """
    root = Path(folder)
    if not root.is_dir():
        raise UnknownFormatError(f"{root} is not a folder; an IntuneCD backup is a folder of type folders")
    return read_intunecd(folder_tree(root), catalog=catalog, taken_at=taken_at).snapshot


def read_intunecd(tree: ExportTree, *, catalog: Catalog | None = None, taken_at: datetime | None = None) -> Imported:
    """Read the IntuneCD backup whose type folders are at the top of ``tree``; with the files
    left out on purpose (folders without a catalog type, IntuneCD's own reports and copies)."""
    builder = ImportBuilder("intunecd", catalog if catalog is not None else default_catalog())
    scan = _Scan()
    for file in tree.files:
        _scan_file(file, builder, scan)
    for folder_path, unimported in scan.unimported.items():
        builder.skip(folder_path, f"{unimported.reason}; {unimported.files} file(s) not imported")
    _References(builder, scan.pending).apply()
    snapshot = builder.build(
        TenantInfo(domain=scan.domain),
        taken_at=taken_at,
        # The report lists assignments, so with it present an object without any has none.
        assignments_exported=True if scan.assignment_report else None,
    )
    return builder.imported(snapshot)


def _scan_file(file: ExportFile, builder: ImportBuilder, scan: _Scan) -> None:
    rel = file.path
    folder_parts = file.parts[:-1]
    skipped_folder = next((part for part in folder_parts if part.casefold() in SKIPPED_FOLDERS), None)
    if skipped_folder is not None:
        scan.assignment_report |= folder_parts[0].casefold() == "assignment report"
        builder.skip(rel, SKIPPED_FOLDERS[skipped_folder.casefold()])
        return
    if file.suffix == ".md":
        if rel.casefold() == "index.md":
            scan.domain = _tenant_domain(file)
        builder.skip(rel, "IntuneCD's Markdown documentation (the objects' own files are read)")
        return
    if not folder_parts:
        builder.skip(rel, "not inside an IntuneCD type folder; not imported")
        return
    rule, applies = find_rule(folder_parts)
    if rule is None or not applies:
        where = "/".join(folder_parts)
        scan.unimported.setdefault(where, _Unimported("unknown IntuneCD folder")).files += 1
        return
    if rule.not_catalog is not None:
        where = "/".join(folder_parts[: len(rule.path)])
        scan.unimported.setdefault(where, _Unimported(f"not a catalog type: {rule.not_catalog}")).files += 1
        return
    if file.suffix not in DOCUMENT_SUFFIXES:
        builder.skip(rel, f"not an IntuneCD backup file ({file.suffix or 'no extension'}); not imported")
        return
    _read_object(file, rule, builder, scan)


def _read_object(file: ExportFile, rule: FolderRule, builder: ImportBuilder, scan: _Scan) -> None:
    started = time.perf_counter()
    rel = file.path
    builder.saw_file(file)
    suffix, appended_id = parse_file_stem(file.stem)
    try:
        value = read_document(file)
    except (ImportFileError, OSError) as exc:
        key = rule.resolve(None, suffix)
        reason = describe_os_error(exc) if isinstance(exc, OSError) else str(exc)
        builder.fail(rel, reason, key if isinstance(key, str) else None)
        return
    if not isinstance(value, dict):
        key = rule.resolve(None, suffix)
        builder.fail(
            rel,
            f"expected a JSON object, found {json_kind(value)}",
            key if isinstance(key, str) else None,
        )
        return
    obj: dict[str, Any] = strip_odata_noise(value)
    key = rule.resolve(obj, suffix)
    if isinstance(key, NotCatalog):
        builder.skip(rel, f"not a catalog type: {key.what}; not imported")
        return
    if "@odata.type" not in obj and (odata_type := odata_type_from_suffix(rule, suffix)):
        obj["@odata.type"] = odata_type
    for old, new in rule.renames:
        if old in obj and new not in obj:
            obj[new] = obj.pop(old)
    if isinstance(obj.get("payloadJson"), dict | list):
        # IntuneCD decodes app configuration payloads to JSON; Graph keeps them base64-encoded.
        text = json.dumps(obj["payloadJson"], ensure_ascii=False)
        obj["payloadJson"] = base64.b64encode(text.encode("utf-8")).decode("ascii")
    if not isinstance(obj.get("id"), str) or not obj["id"]:
        obj["id"] = appended_id or _object_id(key, obj, rel)
    scan.pending.append(_Pending(key, obj, rel))
    builder.add_time(key, time.perf_counter() - started)


def _object_id(key: str, obj: dict[str, Any], rel: str) -> str:
    name = obj.get("displayName") or obj.get("name")
    if isinstance(name, str) and name:
        # Filters and scope tags are referenced by name elsewhere: same name, same id.
        if key == "assignmentFilters":
            return synthetic_id("filter", name)
        if key == "scopeTags":
            return DEFAULT_SCOPE_TAG_ID if name == "Default" else synthetic_id("scopeTag", name)
    return synthetic_id(f"object:{key}", rel)


def _tenant_domain(file: ExportFile) -> str | None:
    try:
        match = _TENANT_LINE.search(decode_text(file.read()))
    except (ImportFileError, OSError):
        return None
    return match.group("domain") if match else None


def _is_guid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@dataclass
class _Group:
    group_id: str
    name: str
    group_type: object
    membership_rule: object


class _References:
    """Puts ids back where IntuneCD wrote names, then adds the objects to the builder."""

    def __init__(self, builder: ImportBuilder, pending: list[_Pending]) -> None:
        self.builder = builder
        self.pending = pending
        self.groups: dict[str, _Group] = {}
        self.filters_by_name = self._ids_by_name(pending, "assignmentFilters")
        self.tags_by_name = self._ids_by_name(pending, "scopeTags")

    @staticmethod
    def _ids_by_name(pending: list[_Pending], key: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for item in pending:
            name = item.obj.get("displayName")
            if item.key == key and isinstance(name, str):
                found.setdefault(name, item.obj["id"])
        return found

    def apply(self) -> None:
        for item in self.pending:
            self._scope_tags(item.obj)
            assignments = item.obj.get("assignments")
            if isinstance(assignments, list):
                for assignment in assignments:
                    target = assignment.get("target") if isinstance(assignment, dict) else None
                    if isinstance(target, dict):
                        self._target(target)
            self.builder.add(item.key, item.obj, item.origin)
        self._add_groups()

    def _scope_tags(self, obj: dict[str, Any]) -> None:
        # Policies carry roleScopeTagIds; assignment filters carry roleScopeTags. IntuneCD writes
        # names in both.
        for field_name in ("roleScopeTagIds", "roleScopeTags"):
            tags = obj.get(field_name)
            if isinstance(tags, list):
                obj[field_name] = self._tag_ids(tags)

    def _tag_ids(self, tags: list[Any]) -> list[Any]:
        ids: list[Any] = []
        for tag in tags:
            if not isinstance(tag, str) or tag.isdigit():
                ids.append(tag)  # already an id (a backup made without scope tag names)
                continue
            tag_id = self.tags_by_name.get(tag) or (
                DEFAULT_SCOPE_TAG_ID if tag == "Default" else synthetic_id("scopeTag", tag)
            )
            self.builder.names.scope_tags.setdefault(tag_id, tag)
            ids.append(tag_id)
        return ids

    def _target(self, target: dict[str, Any]) -> None:
        name = target.pop("groupName", None)
        group_type = target.pop("groupType", None)
        membership_rule = target.pop("membershipRule", None)
        if isinstance(name, str) and name:
            group = self.groups.get(name)
            if group is None:
                group = _Group(synthetic_id("group", name), name, group_type, membership_rule)
                self.groups[name] = group
            target["groupId"] = group.group_id
        elif _GROUP_TARGET in str(target.get("@odata.type", "")).casefold() and not target.get("groupId"):
            # IntuneCD found no name for the group: it was deleted before the backup ran. What is
            # left of it (its rule, else nothing) names it, so every policy that still targets it
            # points at the same id, in this backup and the next.
            rule = membership_rule if isinstance(membership_rule, str) and membership_rule else ""
            missing = synthetic_id("deleted-group", rule)
            target["groupId"] = missing
            self.builder.names.unresolved_groups.add(missing)
        filter_ref = target.get(_FILTER_FIELD)
        if isinstance(filter_ref, str) and filter_ref and not _is_guid(filter_ref):
            filter_id = self.filters_by_name.get(filter_ref) or synthetic_id("filter", filter_ref)
            target[_FILTER_FIELD] = filter_id
            self.builder.names.filters.setdefault(filter_id, filter_ref)

    def _add_groups(self) -> None:
        if not self.groups:
            return
        for group in self.groups.values():
            dynamic = isinstance(group.group_type, str) and "dynamic" in group.group_type.casefold()
            self.builder.add(
                "groups",
                {
                    "id": group.group_id,
                    "displayName": group.name,
                    "groupTypes": ["DynamicMembership"] if dynamic else [],
                    "membershipRule": group.membership_rule if isinstance(group.membership_rule, str) else None,
                },
                f"assignments naming {group.name!r}",
            )
        self.builder.note(
            "groups",
            "only groups that assignments name (IntuneCD keeps group names, not groups or members)",
        )
