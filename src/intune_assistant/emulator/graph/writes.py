"""Write handlers: create, update, delete, ``/assign`` and per-assignment POST, PATCH and DELETE.

Every successful write appends an Intune audit event under the caller. Stored values are copies of
the request body; lists are replaced, never changed in place.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Mapping
from typing import Any

from ...catalog import Kind, ResourceType, entity_type_of
from ...catalog.creation import CREATION
from .audit import audit_event, timestamp
from .call import Call
from .errors import GraphError, bad_request, not_found
from .listing import context_url
from .protocol import GraphResponse
from .reads import find_object
from .routing import wrong_verb
from .shaping import record_navigations, shape
from .validation import check_create, inline_children, server_set

__all__ = [
    "assign",
    "create",
    "create_child",
    "create_instance",
    "delete",
    "delete_assignment",
    "patch_assignment",
    "post_assignment",
    "replace_object",
    "update",
]

# Graph's fixed target ids for the "all devices" / "all licensed users" virtual groups.
_VIRTUAL_TARGET_IDS = {
    "allDevicesAssignmentTarget": "adadadad-808e-44e2-905a-0b7873a8a531",
    "allLicensedUsersAssignmentTarget": "acacacac-9df4-4c7d-9d50-4ef0226f57a9",
}
_SERVER_FIELDS = ("id", "createdDateTime", "lastModifiedDateTime")


def _body_object(call: Call) -> dict[str, Any]:
    body = call.req.body
    if not isinstance(body, Mapping):
        raise bad_request("The request body must be a JSON object.")
    return copy.deepcopy(dict(body))


def _audit(call: Call, record: ResourceType, operation: Any, obj: Mapping[str, Any], **kwargs: Any) -> None:
    call.store.record_audit(
        audit_event(
            caller=call.caller,
            record=record,
            operation=operation,
            obj=obj,
            correlation_id=call.req.client_request_id,
            **kwargs,
        )
    )


def _short_type(value: Any) -> str:
    return value.lstrip("#").removeprefix("microsoft.graph.") if isinstance(value, str) else ""


def _record_for_create(call: Call, body: Mapping[str, Any]) -> ResourceType:
    """The record a new object belongs to, by its ``@odata.type`` when the path is shared."""
    records = call.route.records
    typed = any(r.odata_types for r in records)
    odata_type = _short_type(body.get("@odata.type"))
    if typed and not odata_type:
        raise bad_request(
            f"A type must be specified: '@odata.type' is required to create a {entity_type_of(call.route.path)}."
        )
    chosen = next((r for r in records if odata_type and odata_type in r.odata_types), None)
    if chosen is None:
        # The catch-all record at the path: no list filter, or one that excludes types.
        chosen = next(
            (r for r in records if r.list_filter is None or r.list_filter.strip().startswith("not ")),
            records[0],
        )
    if not chosen.write.create:
        raise wrong_verb("POST", call.route)
    return chosen


def _reject_navigations(body: Mapping[str, Any], navigations: set[str], allowed: set[str]) -> None:
    for key in body:
        if key in navigations and key not in allowed:
            raise bad_request(f"The property '{key}' is a navigation property; it cannot be written with this request.")


def _with_ids(items: Any) -> Any:
    if not isinstance(items, list):
        return items
    return [
        {"id": str(uuid.uuid4()), **item} if isinstance(item, dict) and "id" not in item else item for item in items
    ]


def create(call: Call) -> GraphResponse:
    """``POST {path}`` → 201 with the created object."""
    body = _body_object(call)
    record = _record_for_create(call, body)
    navigations = record_navigations([record])
    # Intune children (settings, definition values, scheduled actions) may be sent inline on create;
    # assignments never are (they go through /assign), nor directory members (Graph binds those
    # with "members@odata.bind", which the emulator does not support).
    inline = inline_children(record)
    if inline is None:
        inline = set() if record.kind is Kind.DIRECTORY else {child.name for child in record.children}
    _reject_navigations(body, navigations, inline)
    name = body.get(record.name_field)
    if not isinstance(name, str) or not name.strip():
        raise bad_request(f"The property '{record.name_field}' is required.")
    check_create(record, body, call.store.definitions())
    for field in (*_SERVER_FIELDS, *server_set(record), "@odata.context", "@odata.etag"):
        body.pop(field, None)
    _count_settings(body)
    now = timestamp()
    obj: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        **body,
        "createdDateTime": now,
        "lastModifiedDateTime": now,
    }
    for child in record.children:
        if child.name in obj:
            obj[child.name] = _with_ids(obj[child.name])
    call.store.add(record, obj)
    _audit(call, record, "Create", obj)
    response = {
        "@odata.context": context_url(call.req, f"{call.route.path}/$entity"),
        **shape(obj, strip=navigations),
    }
    return GraphResponse(201, response)


def update(call: Call) -> GraphResponse:
    """``PATCH {path}/{id}`` → 204; top-level properties are replaced."""
    record, obj = find_object(call)
    if not record.write.update:
        raise wrong_verb("PATCH", call.route)
    body = _body_object(call)
    _reject_navigations(body, record_navigations([record]), set())
    if "id" in body and body["id"] != obj.get("id"):
        raise bad_request("The property 'id' cannot be changed.")
    if record.name_field in body:
        name = body[record.name_field]
        # A rename to nothing is refused as a create without a name is (the name is required).
        if not isinstance(name, str) or not name.strip():
            raise bad_request(f"The property '{record.name_field}' is required and cannot be empty.")
    stored_type = obj.get("@odata.type")
    if (
        "@odata.type" in body
        and stored_type is not None
        and _short_type(body["@odata.type"]) != _short_type(stored_type)
    ):
        raise bad_request("The '@odata.type' of an existing object cannot be changed.")
    for field in (*_SERVER_FIELDS, "@odata.context", "@odata.etag"):
        body.pop(field, None)
    updated = {**obj, **body, "lastModifiedDateTime": timestamp()}
    call.store.replace(record, obj, updated)
    _audit(call, record, "Patch", updated)
    return GraphResponse(204)


def _count_settings(body: dict[str, Any]) -> None:
    # Intune counts a policy's settings itself.
    if isinstance(body.get("settings"), list):
        body["settingCount"] = len(body["settings"])


def replace_object(call: Call) -> GraphResponse:
    """``PUT {path}/{id}`` of a settings catalog policy: the policy and its settings replaced → 204.

    Graph documents PATCH; IntuneCD and IntuneManagement change a policy's settings with a PUT of the
    whole policy, which Intune accepts. Validated as a create is.
    """
    record, obj = find_object(call)
    inline = inline_children(record) or set()
    if "settings" not in inline or not record.write.update:
        raise wrong_verb("PUT", call.route)
    body = _body_object(call)
    _reject_navigations(body, record_navigations([record]), inline)
    if "id" in body and body["id"] != obj.get("id"):
        raise bad_request("The property 'id' cannot be changed.")
    name = body.get(record.name_field)
    if not isinstance(name, str) or not name.strip():
        raise bad_request(f"The property '{record.name_field}' is required.")
    check_create(record, body, call.store.definitions())
    for field in (*_SERVER_FIELDS, *server_set(record), "@odata.context", "@odata.etag"):
        body.pop(field, None)
    _count_settings(body)
    kept: dict[str, Any] = {k: obj[k] for k in ("id", "createdDateTime", "assignments") if k in obj}
    updated: dict[str, Any] = {**body, **kept, "lastModifiedDateTime": timestamp()}
    for child in record.children:
        if child.name in updated:
            updated[child.name] = _with_ids(updated[child.name])
    call.store.replace(record, obj, updated)
    _audit(call, record, "Patch", updated)
    return GraphResponse(204)


_BIND = re.compile(r"groupPolicyDefinitions\('([^']+)'\)(?:/presentations\('([^']+)'\))?$")


def create_child(call: Call) -> GraphResponse:
    """``POST groupPolicyConfigurations/{id}/definitionValues`` → 201 with the definition value.

    The definition (and each presentation) is named with ``…@odata.bind`` as the documented
    create does (intune-grouppolicy-grouppolicydefinitionvalue-create.md); a value for a definition
    the configuration already has is a 400.
    """
    record, obj = find_object(call)
    child = call.route.child
    creation = CREATION.get(record.key)
    if child is None or creation is None or child.name not in creation.children_posted:
        raise wrong_verb("POST", call.route)
    if child.name == "items":
        return _create_set_item(call, record, obj)
    body = _body_object(call)
    bound = _BIND.search(str(body.pop("definition@odata.bind", "")))
    if bound is None or bound.group(2):
        raise bad_request("'definition@odata.bind' must name a groupPolicyDefinition.")
    definition_id = bound.group(1)
    existing = [v for v in obj.get(child.name) or [] if isinstance(v, dict)]
    if any(isinstance(v.get("definition"), Mapping) and v["definition"].get("id") == definition_id for v in existing):
        raise bad_request(f"The configuration already has a value for the definition '{definition_id}'.")
    presentations = []
    for raw in body.pop("presentationValues", None) or []:
        if not isinstance(raw, Mapping):
            raise bad_request("Each presentation value must be a JSON object.")
        value = dict(raw)
        link = _BIND.search(str(value.pop("presentation@odata.bind", "")))
        if link is None or link.group(1) != definition_id or not link.group(2):
            raise bad_request("'presentation@odata.bind' must name a presentation of the value's definition.")
        presentations.append({"id": str(uuid.uuid4()), **value, "presentation": {"id": link.group(2)}})
    now = timestamp()
    value = {
        "id": str(uuid.uuid4()),
        "enabled": bool(body.pop("enabled", False)),
        "configurationType": body.pop("configurationType", "policy"),
        **body,
        "createdDateTime": now,
        "lastModifiedDateTime": now,
        "definition": _known_definition(record, call, definition_id),
        "presentationValues": presentations,
    }
    call.store.replace(record, obj, {**obj, child.name: [*existing, value], "lastModifiedDateTime": now})
    _audit(call, record, "Patch", obj)
    context = f"{call.route.path}('{obj.get('id')}')/{child.name}/$entity"
    return GraphResponse(201, {"@odata.context": context_url(call.req, context), **shape(value, strip=set())})


def _create_set_item(call: Call, record: ResourceType, policy_set: dict[str, Any]) -> GraphResponse:
    """``POST policySets/{id}/items`` → 201 with the item (intune-policyset-*policysetitem-create.md).

    The ``@odata.type`` (a ``…PolicySetItem``) and ``payloadId`` are required. Intune names the item
    after its payload and reports a payload it can't find on the item (``errorCode`` ``notFound``,
    ``status`` ``error``), as it reports a payload deleted later, rather than refusing the POST.
    """
    body = _body_object(call)
    kind = _short_type(body.get("@odata.type"))
    if not kind.endswith("PolicySetItem"):
        raise bad_request("A type must be specified: '@odata.type' is required to create a policySetItem.")
    payload = body.get("payloadId")
    if not isinstance(payload, str) or not payload:
        raise bad_request("The property 'payloadId' is required.")
    found = call.store.find(
        [r for r in call.router.catalog if r.kind is not Kind.DIRECTORY and r.key != record.key], payload
    )
    for field in (*_SERVER_FIELDS, "status", "errorCode", "@odata.context", "@odata.etag"):
        body.pop(field, None)
    now = timestamp()
    item: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        **body,
        "createdDateTime": now,
        "lastModifiedDateTime": now,
        "guidedDeploymentTags": body.get("guidedDeploymentTags") or [],
        "status": "notAssigned" if found else "error",
        "errorCode": "noError" if found else "notFound",
    }
    if found is not None:
        payload_record, payload_obj = found
        item["displayName"] = payload_record.object_name(payload_obj)
        item.setdefault("itemType", payload_obj.get("@odata.type"))
    existing = [i for i in policy_set.get("items") or [] if isinstance(i, dict)]
    call.store.replace(record, policy_set, {**policy_set, "items": [*existing, item], "lastModifiedDateTime": now})
    _audit(call, record, "Patch", policy_set)
    context = f"{call.route.path}('{policy_set.get('id')}')/items/$entity"
    return GraphResponse(201, {"@odata.context": context_url(call.req, context), **shape(item, strip=set())})


def _known_definition(record: ResourceType, call: Call, definition_id: str) -> dict[str, Any]:
    # The definition as other configurations of the tenant show it expanded, else its id alone.
    for other in call.store.items(record):
        for value in other.get("definitionValues") or []:
            definition = value.get("definition") if isinstance(value, dict) else None
            if isinstance(definition, dict) and definition.get("id") == definition_id:
                return copy.deepcopy(definition)
    return {"id": definition_id}


def create_instance(call: Call) -> GraphResponse:
    """``POST deviceManagement/templates/{id}/createInstance`` → 200 with the new intent.

    Body ``displayName``, ``description``, ``roleScopeTagIds``, ``settingsDelta``
    (intune-deviceintent-devicemanagementtemplate-createinstance.md); the template must exist.
    """
    found = call.store.find(
        [r for r in call.router.catalog if r.key == "securityTemplates"], call.route.object_id or ""
    )
    if found is None:
        raise not_found(call.family, call.route.object_id or "")
    _, template = found
    intents = call.router.catalog["securityIntents"]
    body = _body_object(call)
    allowed = {"displayName", "description", "roleScopeTagIds", "settingsDelta"}
    unknown = [k for k in body if k not in allowed]
    if unknown:
        raise bad_request(
            f"The parameter '{unknown[0]}' in the request payload is not a valid parameter "
            "for the operation 'createInstance'."
        )
    name = body.get("displayName")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("The parameter 'displayName' is required.")
    now = timestamp()
    obj: dict[str, Any] = {
        "@odata.type": "#microsoft.graph.deviceManagementIntent",
        "id": str(uuid.uuid4()),
        "displayName": name,
        "description": body.get("description") or "",
        "templateId": template.get("id"),
        "isAssigned": False,
        "isMigratingToConfigurationPolicy": False,
        "roleScopeTagIds": list(body.get("roleScopeTagIds") or ["0"]),
        "lastModifiedDateTime": now,
        "settings": _with_ids([dict(s) for s in body.get("settingsDelta") or [] if isinstance(s, Mapping)]),
        "assignments": [],
    }
    call.store.add(intents, obj)
    _audit(call, intents, "Create", obj)
    context = context_url(call.req, "deviceManagement/intents/$entity")
    return GraphResponse(200, {"@odata.context": context, **shape(obj, strip=record_navigations([intents]))})


def delete(call: Call) -> GraphResponse:
    """``DELETE {path}/{id}`` → 204."""
    record, obj = find_object(call)
    if not record.write.delete:
        raise wrong_verb("DELETE", call.route)
    call.store.remove(record, obj)
    _audit(call, record, "Delete", obj)
    return GraphResponse(204)


def _target_suffix(target: Mapping[str, Any]) -> str:
    group_id = target.get("groupId")
    if isinstance(group_id, str) and group_id:
        return group_id
    kind = _short_type(target.get("@odata.type"))
    return _VIRTUAL_TARGET_IDS.get(kind, str(uuid.uuid4()))


_TARGET_TYPES = frozenset(
    {
        "groupAssignmentTarget",
        "exclusionGroupAssignmentTarget",
        "allLicensedUsersAssignmentTarget",
        "allDevicesAssignmentTarget",
        "configurationManagerCollectionAssignmentTarget",
    }
)
_FILTER_TYPES = ("none", "include", "exclude")
# mobileAppAssignment ``intent`` (installIntent, intune-apps-mobileappassignment.md).
_INSTALL_INTENTS = ("available", "required", "uninstall", "availableWithoutEnrollment")


def _check_target(target: Mapping[str, Any]) -> None:
    """400 for a target Graph can't deserialise or Intune can't store (see docs/emulator.md)."""
    kind = _short_type(target.get("@odata.type"))
    if kind not in _TARGET_TYPES:
        raise bad_request(f"Invalid assignment target type '{kind}'.")
    if "group" in kind.lower():
        group_id = target.get("groupId")
        if not isinstance(group_id, str) or not group_id.strip():
            raise bad_request(f"The target {kind} requires a 'groupId'.")
    if kind == "configurationManagerCollectionAssignmentTarget" and not target.get("collectionId"):
        raise bad_request(f"The target {kind} requires a 'collectionId'.")
    filter_type = target.get("deviceAndAppManagementAssignmentFilterType", "none")
    if filter_type is not None and filter_type not in _FILTER_TYPES:
        raise bad_request(
            f"Requested value '{filter_type}' was not found in deviceAndAppManagementAssignmentFilterType."
        )
    filter_id = target.get("deviceAndAppManagementAssignmentFilterId")
    if filter_type in ("include", "exclude") and not (isinstance(filter_id, str) and filter_id.strip()):
        raise bad_request(f"A filter type '{filter_type}' needs a 'deviceAndAppManagementAssignmentFilterId'.")


def _assignment(parent_id: str, raw: Any, *, app: bool = False) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise bad_request("Each assignment must be a JSON object.")
    target = raw.get("target")
    if not isinstance(target, Mapping) or not _short_type(target.get("@odata.type")):
        raise bad_request("Each assignment needs a 'target' with an '@odata.type'.")
    _check_target(target)
    if app and raw.get("intent") not in _INSTALL_INTENTS:
        raise bad_request(f"Requested value '{raw.get('intent')}' was not found in installIntent.")
    assignment = copy.deepcopy(dict(raw))
    assignment["id"] = f"{parent_id}_{_target_suffix(target)}"
    return assignment


def _is_app(record: ResourceType) -> bool:
    return record.write.assign_body_key == "mobileAppAssignments"


def _per_assignment(record: ResourceType) -> bool:
    # Graph documents Create/Update/Delete of single assignments for every assignable Intune type.
    return bool(record.write.assign_body_key or record.write.assign_by_post)


def assign(call: Call) -> GraphResponse:
    """``POST {path}/{id}/assign {<key>: [...]}``: replaces the whole assignment set."""
    record, obj = find_object(call)
    key = record.write.assign_body_key
    if key is None:
        raise wrong_verb("POST", call.route)
    body = call.req.body
    if not isinstance(body, Mapping) or set(body) != {key} or not isinstance(body[key], list):
        raise bad_request(f'The request body of {entity_type_of(record.path)} assign must be {{"{key}": [...]}}.')
    parent_id = str(obj.get("id"))
    assignments = [_assignment(parent_id, raw, app=_is_app(record)) for raw in body[key]]
    seen: set[str] = set()
    for assignment in assignments:
        if assignment["id"] in seen:
            raise bad_request("The same target is assigned more than once.")
        seen.add(assignment["id"])
    call.store.replace(record, obj, {**obj, "assignments": assignments})
    _audit(call, record, "Action", obj, activity="assign")
    if not record.write.assign_returns_collection:
        return GraphResponse(204)
    context = f"Collection(microsoft.graph.{entity_type_of(record.path)}Assignment)"
    return GraphResponse(200, {"@odata.context": context_url(call.req, context), "value": copy.deepcopy(assignments)})


def post_assignment(call: Call) -> GraphResponse:
    """``POST {path}/{id}/assignments {"target": …}`` → 201 with the new assignment."""
    record, obj = find_object(call)
    if not _per_assignment(record):
        raise wrong_verb("POST", call.route)
    body = _body_object(call)
    parent_id = str(obj.get("id"))
    assignment = _assignment(parent_id, body, app=_is_app(record))
    existing = [a for a in obj.get("assignments") or [] if isinstance(a, dict)]
    if any(a.get("id") == assignment["id"] for a in existing):
        raise GraphError(409, "Conflict", "An assignment to this target already exists.")
    call.store.replace(record, obj, {**obj, "assignments": [*existing, assignment]})
    _audit(call, record, "Create", obj, activity="Create", entity=f"{entity_type_of(record.path)}Assignment")
    context = f"{call.route.path}('{parent_id}')/assignments/$entity"
    return GraphResponse(201, {"@odata.context": context_url(call.req, context), **copy.deepcopy(assignment)})


def delete_assignment(call: Call) -> GraphResponse:
    """``DELETE {path}/{id}/assignments/{aid}`` → 204."""
    record, obj = find_object(call)
    if not _per_assignment(record):
        raise wrong_verb("DELETE", call.route)
    existing = [a for a in obj.get("assignments") or [] if isinstance(a, dict)]
    kept = [a for a in existing if a.get("id") != call.route.child_id]
    if len(kept) == len(existing):
        raise not_found(call.family, call.route.child_id or "")
    call.store.replace(record, obj, {**obj, "assignments": kept})
    _audit(call, record, "Delete", obj, entity=f"{entity_type_of(record.path)}Assignment")
    return GraphResponse(204)


def patch_assignment(call: Call) -> GraphResponse:
    """``PATCH {path}/{id}/assignments/{aid}`` → 200 with the updated assignment."""
    record, obj = find_object(call)
    if not _per_assignment(record):
        raise wrong_verb("PATCH", call.route)
    body = _body_object(call)
    existing = [a for a in obj.get("assignments") or [] if isinstance(a, dict)]
    current = next((a for a in existing if a.get("id") == call.route.child_id), None)
    if current is None:
        raise not_found(call.family, call.route.child_id or "")
    if "id" in body and body["id"] != current.get("id"):
        raise bad_request("The property 'id' cannot be changed.")
    merged = {**current, **body}
    parent_id = str(obj.get("id"))
    updated = {**_assignment(parent_id, merged, app=_is_app(record)), "id": current["id"]}
    if any(a is not current and a.get("id") == _assignment(parent_id, merged)["id"] for a in existing):
        raise GraphError(409, "Conflict", "An assignment to this target already exists.")
    call.store.replace(record, obj, {**obj, "assignments": [updated if a is current else a for a in existing]})
    _audit(call, record, "Patch", obj, entity=f"{entity_type_of(record.path)}Assignment")
    context = f"{call.route.path}('{parent_id}')/assignments/$entity"
    return GraphResponse(200, {"@odata.context": context_url(call.req, context), **copy.deepcopy(updated)})
