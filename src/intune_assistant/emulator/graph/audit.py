"""Intune audit events for every write, under the caller's identity.

Shape: Graph's ``auditEvent`` (``deviceManagement/auditEvents``). The event names the user from the
token (UPN, object id) and the calling app, never the request body.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from ...catalog import Kind, ResourceType, entity_type_of
from ..tokens import DEMO_API_CLIENT_ID
from .protocol import Caller

__all__ = ["INTUNE_PORTAL_APP_ID", "OperationType", "audit_event", "component_of", "timestamp"]

OperationType = Literal["Create", "Patch", "Delete", "Action"]

# The Intune admin center's app (what changes made in the portal name as their application).
INTUNE_PORTAL_APP_ID = "5926fc8e-304e-4f59-8bed-58ca97cc39a4"
_APP_NAMES = {DEMO_API_CLIENT_ID: "Intune Assistant", INTUNE_PORTAL_APP_ID: "Microsoft Intune portal extension"}
_COMPONENTS = {
    Kind.POLICY: "DeviceConfiguration",
    Kind.SCRIPT: "DeviceConfiguration",
    Kind.APP: "Application",
    Kind.ENROLLMENT: "Enrollment",
    Kind.DEVICE: "Device",
    Kind.DIRECTORY: "Directory",
}


def timestamp(now: datetime | None = None) -> str:
    """Graph's UTC timestamp format."""
    return (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def component_of(record: ResourceType) -> str:
    """The audit ``componentName``/``category`` for changes to ``record``'s objects."""
    if record.kind in _COMPONENTS:
        return _COMPONENTS[record.kind]
    return "Role" if "role" in record.path.lower() else "Other"


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


def audit_event(
    *,
    caller: Caller,
    record: ResourceType,
    operation: OperationType,
    obj: Mapping[str, Any],
    correlation_id: str,
    activity: str | None = None,
    entity: str | None = None,
    when: datetime | None = None,
    event_id: str | None = None,
    result: str = "Success",
) -> dict[str, Any]:
    """An ``auditEvent`` for ``operation`` on ``obj`` (one of ``record``'s objects), now unless ``when``."""
    entity = _pascal(entity or entity_type_of(record.path))
    verb = activity or operation
    activity_type = f"{verb} {entity}"
    odata_type = obj.get("@odata.type")
    resource_type = odata_type.rsplit(".", 1)[-1] if isinstance(odata_type, str) else entity
    name = obj.get(record.name_field) or obj.get("displayName") or obj.get("name") or ""
    component = component_of(record)
    return {
        "@odata.type": "#microsoft.graph.auditEvent",
        "id": event_id or str(uuid.uuid4()),
        "displayName": activity_type,
        "componentName": component,
        "activity": activity_type,
        "activityDateTime": timestamp(when),
        "activityType": activity_type,
        "activityOperationType": operation,
        "activityResult": result,
        "correlationId": correlation_id,
        "category": component,
        "actor": {
            "@odata.type": "#microsoft.graph.auditActor",
            "type": "ItPro",
            "auditActorType": "ItPro",
            "userPrincipalName": caller.upn,
            "userId": caller.user_id,
            "applicationId": caller.app_id,
            "applicationDisplayName": _APP_NAMES.get(caller.app_id, caller.app_id),
            "servicePrincipalName": None,
            "ipAddress": None,
            "userPermissions": [],
            "remoteTenantId": None,
            "remoteUserId": None,
        },
        "resources": [
            {
                "@odata.type": "#microsoft.graph.auditResource",
                "displayName": str(name),
                "type": _pascal(resource_type),
                "auditResourceType": _pascal(resource_type),
                "resourceId": str(obj.get("id", "")),
                "modifiedProperties": [],
            }
        ],
    }
