"""Plan documents of the web app: sealed with a key derived from the server's session key.

The server keeps no plan (DESIGN §2.4, stateless replicas): the review page carries the sealed
plan in its confirm form, the JSON API hands it to the client, and apply takes it back. Every
replica with the same session key opens it; only for the user and tenant it was made for, and
only before it expires (``changes/document.py``).
"""

from __future__ import annotations

from starlette.requests import Request

from intune_assistant.changes import Plan
from intune_assistant.changes.document import PlanSealer

from ..context import web_state
from ..tenant_data import TenantData

__all__ = ["open_document", "seal"]


def _sealer(request: Request) -> PlanSealer:
    return PlanSealer(web_state(request).settings.key_bytes())


def seal(request: Request, data: TenantData, plan: Plan) -> str:
    """``plan`` as a document only this user may apply, in this tenant, within the hour."""
    return _sealer(request).seal(plan, tenant_id=data.principal.tenant_id, user_id=data.principal.user_key)


def open_document(request: Request, data: TenantData, document: str) -> Plan:
    """The plan in ``document``; ``PlanRefused`` (with the reason) for a forged, expired or foreign one."""
    return _sealer(request).open(document, tenant_id=data.principal.tenant_id, user_id=data.principal.user_key)
