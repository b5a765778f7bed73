"""Deploy and restore planning: objects of a source (a backup, an export, a baseline, another
tenant) put into a target tenant, as a ``Plan`` for the one write path; pure, no I/O.

Each source object is matched with the target's objects by name and type as compare matches them
(``analyses/compare/matching.same_identity``) and becomes one of:

- **create** (absent in the target): the create body from the catalog (``changes/bodies.py``,
  ``catalog/creation.py``), references translated by name (``changes/references.py``);
- **update** (present and different): only the differing properties (a settings catalog policy's
  settings go as a whole, with the policy, in one ``PUT``), listed property by property and setting
  by setting;
- **unchanged** (a note), **refused** (two objects of that name and type in the target, or two in
  the source: neither is touched), **not deployable** (the catalog says why) or **flagged** (a
  reference that can't be mapped) — those are ``Plan.rejected`` with the reason.

Objects other items of the same plan refer to (filters, scope tags, notification templates, apps)
are created in an earlier stage; an item referring to one gets the new id at apply time
(``new_reference``). Policy sets come last: each item's policy, app or profile (``payloadId``) is
translated by name to the target's object, or to the one this plan creates. Planning again after a
full apply gives an empty plan.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from intune_assistant.analyses.assignments import ObjectRef, object_ref
from intune_assistant.analyses.compare.matching import same_identity
from intune_assistant.catalog import Catalog, Kind, ResourceType, default_catalog
from intune_assistant.catalog.creation import (
    POLICY_SET_ITEM_SERVER_SET,
    CreateHow,
    Creation,
    creation_of,
    not_deployable_reason,
)
from intune_assistant.catalog.modules import optional_write_scopes, write_scopes
from intune_assistant.snapshot import Snapshot

from .bodies import object_body, same_value
from .merge import signature
from .missing_groups import group_create_item
from .model import NEW_ID, GraphRequest, Operation, Plan, PlanItem, Precondition, RejectedChange
from .references import ALL_TARGET_IDS, NO_TEMPLATE, Mapped, ReferenceMap, RefKind

__all__ = ["DEPLOY", "RESTORE", "AssignMode", "DeployOptions", "deployable_records", "new_reference", "plan_deploy"]

DEPLOY = "deploy-baseline"
RESTORE = "restore"
# Types other items refer to: created in the first stage, so the second can use their new ids.
_REFERENCED = ("assignmentFilters", "scopeTags", "notificationTemplates", "mobileApps", "appCategories")
# Types that refer to any other configuration object: planned and written after everything else.
_LAST = ("policySets",)
_NOT_CONFIGURATION = frozenset({Kind.DIRECTORY, Kind.DEVICE})
_NOT_DEPLOYED = frozenset({"securityTemplates", "settingDefinitions", "auditEvents", "autopilotDevices"})
_ASSIGNMENT_BOOKKEEPING = frozenset({"id", "source", "sourceId", "@odata.context"})
_GRAPH_HOST = "https://graph.microsoft.com"


class AssignMode(StrEnum):
    """What a deploy does with assignments."""

    NONE = "none"
    SOURCE = "source"
    GROUP = "group"


@dataclass(frozen=True)
class DeployOptions:
    """How to deploy.

    Attributes:
        assign: none (objects are created unassigned, existing ones keep theirs), as in the source
            (groups and filters mapped by name), or to ``group``.
        group: for ``AssignMode.GROUP``, the target group's name or id.
        only: object names to deploy (case-insensitive); empty: every object.
        same_tenant: the source was read from the target tenant (a restore): references the
            target still has keep their ids.
        module: the write module the plan is for (``deploy-baseline`` or ``restore``).
        create_missing_groups: a group an assignment names that the target lacks is created first
            (an empty static security group, ``changes/missing_groups.py``) instead of flagging the
            object; the plan then needs ``Group.ReadWrite.All`` (``catalog/modules.py``).
    """

    assign: AssignMode = AssignMode.NONE
    group: str | None = None
    only: tuple[str, ...] = ()
    same_tenant: bool = False
    module: str = DEPLOY
    create_missing_groups: bool = False


def new_reference(item_key: str) -> str:
    """The placeholder for the id the create item ``item_key`` gets (filled in by apply)."""
    return "{new:" + item_key + "}"


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _short_type(obj: Mapping[str, Any]) -> str:
    value = obj.get("@odata.type")
    return value.lstrip("#").removeprefix("microsoft.graph.") if isinstance(value, str) else ""


def deployable_records(catalog: Catalog) -> list[ResourceType]:
    """The types a deploy looks at, referenced types first, then in catalog order."""
    records = [
        r for r in catalog if r.kind not in _NOT_CONFIGURATION and r.key not in _NOT_DEPLOYED and not r.singleton
    ]
    rank = {key: index for index, key in enumerate(_REFERENCED)}
    last = {key: len(rank) + 1 + index for index, key in enumerate(_LAST)}
    return sorted(records, key=lambda r: last.get(r.key, rank.get(r.key, len(rank))))


@dataclass
class _Planner:
    source: Snapshot
    target: Snapshot
    options: DeployOptions
    catalog: Catalog
    refs: ReferenceMap
    group_id: str | None
    items: list[PlanItem]
    rejected: list[RejectedChange]
    notes: list[str]
    # Source objects (by catalog key and source id) this plan creates: their placeholder.
    created: dict[tuple[str, str], str]
    # The write scopes the plan's module is consented with.
    allowed: frozenset[str]
    # Groups to create first (by name), each with its placeholder: kept only if an item uses it.
    missing_groups: dict[str, tuple[str, PlanItem]] = field(default_factory=dict)
    # Source objects by id (a policy set's payloads), built when first needed.
    payloads: dict[str, ResourceType] | None = None

    def permitted(self, record: ResourceType, obj: Mapping[str, Any]) -> bool:
        """Whether the module may write ``record``; otherwise the object is rejected with why."""
        if record.write_scope in self.allowed:
            return True
        self.reject(
            record,
            obj,
            f"not written by the {self.options.module} module: it needs {record.write_scope}, which it doesn't ask for",
        )
        return False

    def ref(self, record: ResourceType, obj: Mapping[str, Any]) -> ObjectRef:
        return object_ref(record, obj, self.source)

    def reject(self, record: ResourceType, obj: Mapping[str, Any], reason: str) -> None:
        self.rejected.append(RejectedChange(record.label, record.object_name(obj) or "(unnamed)", reason))

    # References -------------------------------------------------------------------------------

    def translate(self, kind: tuple[str, str], source_id: str, found: list[Mapped]) -> str | None:
        placeholder = self.created.get((kind[1], source_id))
        mapped = self.refs.translate(kind, source_id)
        if mapped.target_id is None and placeholder is not None:
            mapped = Mapped(kind[0], source_id, mapped.name, placeholder)
        elif mapped.target_id is None and kind == RefKind.GROUP and mapped.absent and mapped.name:
            created = self.missing_group(mapped.name, source_id)
            if created is not None:
                mapped = Mapped(kind[0], source_id, mapped.name, created, "created first (not in the target)")
        found.append(mapped)
        return mapped.target_id

    def missing_group(self, name: str, source_id: str) -> str | None:
        """The placeholder of the group ``name`` created first, when the options ask for it and the
        module may write groups; None otherwise (the reference stays unmapped)."""
        if not self.options.create_missing_groups or "groups" not in self.catalog:
            return None
        record = self.catalog["groups"]
        if record.write_scope not in self.allowed:
            return None
        key = _key(name)
        if key not in self.missing_groups:
            source_group = next((g for g in self.source.read_objects("groups") or [] if g.get("id") == source_id), None)
            item = group_create_item(record, name, source_group, self.source)
            self.missing_groups[key] = (new_reference(item.key), item)
        return self.missing_groups[key][0]

    def translate_body(self, record: ResourceType, body: dict[str, Any], found: list[Mapped]) -> dict[str, Any]:
        out = dict(body)
        for name in ("roleScopeTagIds", "roleScopeTags"):  # a policy set names its tags "roleScopeTags"
            tags = out.get(name)
            if isinstance(tags, list):
                out[name] = [self.translate(RefKind.SCOPE_TAG, str(t), found) or t for t in tags]
        for name in ("selectedMobileAppIds", "targetedMobileApps"):
            apps = out.get(name)
            if isinstance(apps, list):
                out[name] = [self.translate(RefKind.APP, str(a), found) or a for a in apps]
        rules = out.get("scheduledActionsForRule")
        if isinstance(rules, list):
            out["scheduledActionsForRule"] = [self._translate_rule(rule, found) for rule in rules]
        return out

    def _translate_rule(self, rule: Any, found: list[Mapped]) -> Any:
        if not isinstance(rule, Mapping):
            return rule
        actions = []
        for action in rule.get("scheduledActionConfigurations") or []:
            if isinstance(action, Mapping):
                action = {k: v for k, v in action.items() if k != "id"}
                template = action.get("notificationTemplateId")
                if isinstance(template, str) and template and template != NO_TEMPLATE:
                    action["notificationTemplateId"] = self.translate(RefKind.NOTIFICATION, template, found) or template
            actions.append(action)
        return {**{k: v for k, v in rule.items() if k != "id"}, "scheduledActionConfigurations": actions}

    # Assignments ------------------------------------------------------------------------------

    def desired_assignments(
        self, record: ResourceType, obj: Mapping[str, Any], current: Sequence[Mapping[str, Any]], found: list[Mapped]
    ) -> list[dict[str, Any]] | None:
        """The assignment set to write, or None to leave assignments alone."""
        if not (record.write.assign_body_key and self.options.assign is not AssignMode.NONE):
            return None
        app = record.key == "mobileApps"
        if self.options.assign is AssignMode.GROUP:
            if any(
                signature(a, app=app)[:3] == ("group", self.group_id, False) for a in current if isinstance(a, Mapping)
            ):
                return None
            target = {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": self.group_id}
            added: dict[str, Any] = {"target": target}
            if app:
                added = {"@odata.type": "#microsoft.graph.mobileAppAssignment", "intent": "required", **added}
            return [*(dict(a) for a in current), added]
        assignments = obj.get("assignments")
        if not isinstance(assignments, list):
            return None
        desired = []
        for raw in assignments:
            if not isinstance(raw, Mapping) or not isinstance(raw.get("target"), Mapping):
                continue
            if raw.get("source") == "policySets":
                continue  # comes with the policy set, not written on the object
            assignment = {k: v for k, v in raw.items() if k not in _ASSIGNMENT_BOOKKEEPING}
            target = dict(raw["target"])
            group = target.get("groupId")
            if isinstance(group, str) and group and group not in ALL_TARGET_IDS:
                target["groupId"] = self.translate(RefKind.GROUP, group, found) or group
            filter_id = target.get("deviceAndAppManagementAssignmentFilterId")
            if isinstance(filter_id, str) and filter_id and filter_id != NO_TEMPLATE:
                target["deviceAndAppManagementAssignmentFilterId"] = (
                    self.translate(RefKind.FILTER, filter_id, found) or filter_id
                )
            assignment["target"] = target
            desired.append(assignment)
        return desired

    # Items --------------------------------------------------------------------------------------

    def plan_object(self, record: ResourceType, creation: Creation | None, obj: dict[str, Any]) -> None:
        name = record.object_name(obj)
        targets = self.target.read_objects(record.key)
        if targets is None:
            self.reject(record, obj, f"the target's {record.label.lower()} were not read")
            return
        matches = [t for t in targets if same_identity(record, obj, t)]
        if len(matches) > 1:
            self.reject(record, obj, f"{len(matches)} objects of that name and type in the target: neither is touched")
            return
        reason = not_deployable_reason(record, obj)
        if creation is None or (reason and not (matches and creation.is_builtin(obj))):
            self.reject(record, obj, reason or "not deployable")
            return
        found: list[Mapped] = []
        built = object_body(record, creation, obj)
        body = self.translate_body(record, built.body, found)
        if matches:
            self.plan_existing(record, creation, obj, matches[0], body, built.warnings, found)
        else:
            self.plan_create(record, creation, obj, name, body, built.warnings, found)

    def child_requests(
        self, record: ResourceType, creation: Creation, obj: Mapping[str, Any], found: list[Mapped]
    ) -> list[GraphRequest]:
        """The POSTs after the create: definition values, or a policy set's items (payloads by name)."""
        version = record.api_version
        requests = []
        for child in creation.children_posted:
            for value in obj.get(child) or []:
                if not isinstance(value, Mapping):
                    continue
                items = child == "items"
                body = self.set_item_body(value, found) if items else _definition_value_body(value, version)
                requests.append(GraphRequest("POST", f"{record.path}/{NEW_ID}/{child}", body, version))
        return requests

    def set_item_body(self, item: Mapping[str, Any], found: list[Mapped]) -> dict[str, Any]:
        """A policy set item as created: what Intune sets left out, its payload the target's object."""
        body = {
            k: v
            for k, v in item.items()
            if k not in POLICY_SET_ITEM_SERVER_SET and (k == "@odata.type" or "@odata." not in k.lstrip("@"))
        }
        payload = str(item.get("payloadId") or "")
        record = self.payload_record(payload)
        kept = self.target_name(payload) if record is None and self.options.same_tenant else None
        if kept is not None:  # a copy or restore in the tenant that has the payload: kept as it is
            found.append(Mapped("policy", payload, kept, payload))
            return body
        if record is None:
            found.append(
                Mapped("policy", payload, str(item.get("displayName") or ""), None, "the source does not hold it")
            )
            return body
        mapped = self.refs.translate(("policy", record.key), payload)
        made = f"{record.key}/new:{mapped.name}"
        if mapped.target_id is None and any(i.key == made for i in self.items):
            mapped = Mapped("policy", payload, mapped.name, new_reference(made), "created by this plan")
        found.append(mapped)
        body["payloadId"] = mapped.target_id or payload
        if mapped.target_id is not None and not mapped.target_id.startswith("{"):
            body["displayName"] = mapped.name
        return body

    def target_name(self, object_id: str) -> str | None:
        """The name of the target's configuration object ``object_id``, if it has it."""
        for record in deployable_records(self.catalog):
            for obj in self.target.read_objects(record.key) or []:
                if obj.get("id") == object_id:
                    return record.object_name(obj)
        return None

    def payload_record(self, payload: str) -> ResourceType | None:
        """The source's type holding the object ``payload`` (a policy set item's), if it holds it."""
        if self.payloads is None:
            self.payloads = {
                str(o.get("id")): r
                for r in deployable_records(self.catalog)
                for o in self.source.read_objects(r.key) or []
            }
        return self.payloads.get(payload)

    def unmapped(self, record: ResourceType, obj: Mapping[str, Any], found: list[Mapped]) -> bool:
        missing = [m for m in found if m.target_id is None]
        if missing:
            self.reject(record, obj, "; ".join(dict.fromkeys(m.words() for m in missing)))
        return bool(missing)

    def plan_create(
        self,
        record: ResourceType,
        creation: Creation,
        obj: dict[str, Any],
        name: str,
        body: dict[str, Any],
        warnings: tuple[str, ...],
        found: list[Mapped],
    ) -> None:
        desired = self.desired_assignments(record, obj, [], found)
        if self.unmapped(record, obj, found) or not self.permitted(record, obj):
            return
        children = self.child_requests(record, creation, obj, found)
        if self.unmapped(record, obj, found):
            return
        ref = replace(self.ref(record, obj), id="")
        version = record.api_version
        requests = [_create_request(record, creation, obj, body, version), *children]
        if desired:
            requests.append(_assign_request(record, NEW_ID, desired, version))
        left_out = obj.get("assignments") if self.options.assign is AssignMode.NONE else None
        if isinstance(left_out, list) and left_out:
            warnings = (*warnings, f"its {len(left_out)} assignment(s) are not deployed (assignments: none)")
        elif desired is None and record.write.assign_by_update and obj.get("assignments"):
            # A policy set is assigned through its update action, which no write path sends yet.
            warnings = (*warnings, "its assignments are not deployed (a policy set's): assign it in the admin center")
        changes = [f"create {record.label} '{name}'"]
        changes += [f"assign: {_target_words(a)}" for a in desired or ()]
        item = PlanItem(
            object=ref,
            operation=Operation.CREATE,
            requests=tuple(requests),
            before=(),
            after=(),
            expected=tuple(desired or ()),
            precondition=Precondition(
                record.path,
                (),
                absent_name=name,
                odata_type=body.get("@odata.type"),
                identity={k: body[k] for k in record.identity_key if k != "@odata.type" and body.get(k) is not None},
            ),
            changes=tuple(changes),
            warnings=warnings,
            references=tuple(dict.fromkeys(m.words() for m in found)),
            expected_properties={record.name_field: name},
            stage=0 if record.key in _REFERENCED else 2 if record.key in _LAST else 1,
        )
        self.items.append(item)

    def plan_existing(
        self,
        record: ResourceType,
        creation: Creation,
        obj: dict[str, Any],
        current: dict[str, Any],
        body: dict[str, Any],
        warnings: tuple[str, ...],
        found: list[Mapped],
    ) -> None:
        current_assignments = [a for a in current.get("assignments") or [] if isinstance(a, Mapping)]
        desired = self.desired_assignments(record, obj, current_assignments, found)
        if self.unmapped(record, obj, found):
            return
        theirs = object_body(record, creation, current).body
        differing = [k for k in body if k != "@odata.type" and not same_value(body[k], theirs.get(k))]
        notes: list[str] = []
        for child in creation.inline:
            if child in differing and child != "settings":
                # Graph changes these through their own actions, which the product does not send.
                differing.remove(child)
                notes.append(f"'{child}' differs; it is not updated by a deploy (change it in the admin center)")
        app = record.key == "mobileApps"
        assign_changes = desired is not None and Counter(signature(a, app=app) for a in desired) != Counter(
            signature(a, app=app) for a in current_assignments
        )
        name = record.object_name(obj)
        if not differing and not assign_changes:
            self.notes.append(f"{record.label} '{name}': unchanged")
            return
        if not self.permitted(record, obj):
            return
        version = record.api_version
        object_id = str(current.get("id"))
        path = f"{record.path}/{object_id}"
        requests: list[GraphRequest] = []
        words: list[str] = []
        expected_properties: dict[str, Any] = {}
        if differing:
            if "settings" in creation.inline:
                requests.append(GraphRequest("PUT", path, body, version))
                expected_properties = {k: body[k] for k in body if k not in creation.inline}
            else:
                patch = {k: body[k] for k in differing}
                if body.get("@odata.type"):
                    patch = {"@odata.type": body["@odata.type"], **patch}
                requests.append(GraphRequest("PATCH", path, patch, version))
                expected_properties = {k: body[k] for k in differing}
            words += _differences(differing, body, theirs)
        if assign_changes and desired is not None:
            requests.append(_assign_request(record, object_id, desired, version))
            words += [f"assign: {_target_words(a)}" for a in desired] or ["remove every assignment"]
        self.items.append(
            PlanItem(
                object=object_ref(record, current, self.target),
                operation=Operation.UPDATE if differing else Operation.ASSIGN,
                requests=tuple(requests),
                before=(),
                after=(),
                expected=tuple(desired if assign_changes and desired is not None else current_assignments),
                precondition=Precondition(
                    f"{path}/assignments",
                    tuple(current_assignments),
                    modified=str(current.get("lastModifiedDateTime") or "") or None,
                ),
                changes=tuple(words),
                warnings=(*warnings, *notes),
                references=tuple(dict.fromkeys(m.words() for m in found)),
                expected_properties=expected_properties or None,
            )
        )


def _target_words(assignment: Mapping[str, Any]) -> str:
    target = assignment.get("target") if isinstance(assignment.get("target"), Mapping) else {}
    assert isinstance(target, Mapping)
    kind = _short_type(target)
    words = {
        "allDevicesAssignmentTarget": "All devices",
        "allLicensedUsersAssignmentTarget": "All users",
    }.get(kind, f"group {target.get('groupId')}")
    if kind == "exclusionGroupAssignmentTarget":
        words += " (exclude)"
    mode = target.get("deviceAndAppManagementAssignmentFilterType")
    if mode in ("include", "exclude"):
        words += f", filter {target.get('deviceAndAppManagementAssignmentFilterId')} ({mode})"
    intent = assignment.get("intent")
    return f"{words}, {intent}" if isinstance(intent, str) else words


def _setting_ids(settings: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for setting in settings if isinstance(settings, list) else []:
        instance = setting.get("settingInstance") if isinstance(setting, Mapping) else None
        if isinstance(instance, Mapping):
            found[str(instance.get("settingDefinitionId"))] = instance
    return found


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _differences(keys: Sequence[str], mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> list[str]:
    """The differences in words, property by property and setting by setting."""
    words = []
    for key in keys:
        if key == "settings":
            new, old = _setting_ids(mine.get(key)), _setting_ids(theirs.get(key))
            words += [f"add setting {s}" for s in new if s not in old]
            words += [f"remove setting {s}" for s in old if s not in new]
            words += [f"change setting {s}" for s in new if s in old and not same_value(new[s], old[s])]
        else:
            words.append(f"set {key}: {_short(theirs.get(key))} → {_short(mine.get(key))}")
    return words


def _bind(path: str, version: str) -> str:
    return f"{_GRAPH_HOST}/{version}/{path}"


def _definition_value_body(value: Mapping[str, Any], version: str) -> dict[str, Any]:
    definition = value.get("definition") if isinstance(value.get("definition"), Mapping) else {}
    assert isinstance(definition, Mapping)
    body: dict[str, Any] = {
        "enabled": value.get("enabled", False),
        "definition@odata.bind": _bind(f"deviceManagement/groupPolicyDefinitions('{definition.get('id')}')", version),
    }
    presentations = []
    for raw in value.get("presentationValues") or []:
        if not isinstance(raw, Mapping):
            continue
        presentation = raw.get("presentation") if isinstance(raw.get("presentation"), Mapping) else {}
        assert isinstance(presentation, Mapping)
        kept = {
            k: v for k, v in raw.items() if k not in ("id", "presentation", "createdDateTime", "lastModifiedDateTime")
        }
        kept["presentation@odata.bind"] = _bind(
            f"deviceManagement/groupPolicyDefinitions('{definition.get('id')}')/presentations('{presentation.get('id')}')",
            version,
        )
        presentations.append(kept)
    body["presentationValues"] = presentations
    return body


def _create_request(
    record: ResourceType, creation: Creation, obj: Mapping[str, Any], body: dict[str, Any], version: str
) -> GraphRequest:
    if creation.how is not CreateHow.FROM_TEMPLATE:
        return GraphRequest("POST", record.path, body, version)
    # An intent is made from its template, with its settings as the template's delta.
    settings = obj.get("settings") if isinstance(obj.get("settings"), list) else []
    delta = [{k: v for k, v in s.items() if k != "id"} for s in settings or [] if isinstance(s, Mapping)]
    instance = {
        "displayName": body.get(record.name_field),
        "description": body.get("description") or "",
        "roleScopeTagIds": body.get("roleScopeTagIds") or ["0"],
        "settingsDelta": delta,
    }
    path = f"deviceManagement/templates/{body.get('templateId')}/createInstance"
    return GraphRequest("POST", path, instance, version)


def _assign_request(
    record: ResourceType, object_id: str, desired: Sequence[Mapping[str, Any]], version: str
) -> GraphRequest:
    key = record.write.assign_body_key or "assignments"
    return GraphRequest("POST", f"{record.path}/{object_id}/assign", {key: list(desired)}, version)


def plan_deploy(
    source: Snapshot,
    target: Snapshot,
    options: DeployOptions | None = None,
    *,
    catalog: Catalog | None = None,
) -> Plan:
    """Plan putting ``source``'s objects into ``target`` (see the module docstring); pure.

    Raises:
        ValueError: ``AssignMode.GROUP`` without a group the target has exactly once.
    """
    catalog = catalog or default_catalog()
    options = options or DeployOptions()
    refs = ReferenceMap(source, target, catalog, same_tenant=options.same_tenant)
    group_id = None
    if options.assign is AssignMode.GROUP:
        if not options.group:
            raise ValueError("name the group to assign to")
        groups = target.read_objects("groups") or []
        by_id = [g for g in groups if g.get("id") == options.group]
        group_id = str(by_id[0]["id"]) if by_id else refs.target_id_of(RefKind.GROUP, options.group)
        if group_id is None:
            raise ValueError(f"the target has no single group named '{options.group}'")
    allowed = frozenset(write_scopes(catalog).get(options.module, ()))
    if options.create_missing_groups:
        allowed |= frozenset(optional_write_scopes(catalog).get(options.module, ()))
    planner = _Planner(source, target, options, catalog, refs, group_id, [], [], [], {}, allowed)
    only = {_key(n) for n in options.only}
    chosen: list[tuple[ResourceType, dict[str, Any]]] = []
    for record in deployable_records(catalog):
        objects = source.read_objects(record.key)
        if not objects:
            continue
        for obj in objects:
            if only and _key(record.object_name(obj)) not in only:
                continue
            if sum(1 for o in objects if same_identity(record, obj, o)) > 1:
                planner.reject(record, obj, "several objects of that name and type in the source: none is deployed")
                continue
            chosen.append((record, obj))
    stage_keys = set(_REFERENCED)
    for record, obj in chosen:
        # Referenced objects absent from the target are created first; their ids come at apply time.
        targets = target.read_objects(record.key) or []
        if record.key in stage_keys and not any(same_identity(record, obj, t) for t in targets):
            name = record.object_name(obj)
            planner.created[(record.key, str(obj.get("id")))] = new_reference(f"{record.key}/new:{name}")
    for record, obj in chosen:
        planner.plan_object(record, creation_of(record), obj)
    # A group is created only for the items that were planned (a flagged object needs none).
    used = json.dumps([r.body for i in planner.items for r in i.requests], default=str)
    group_items = [item for placeholder, item in planner.missing_groups.values() if placeholder in used]
    return Plan(
        module=options.module,
        tenant_id=target.tenant.tenant_id,
        tenant_domain=target.tenant.domain,
        read_at=target.taken_at,
        items=tuple(sorted([*group_items, *planner.items], key=lambda i: i.stage)),
        rejected=tuple(planner.rejected),
        notes=tuple(planner.notes),
    )
