"""A demo tenant's recent Intune audit log: the admins' changes of the last 30 days, as Graph lists them.

Each demo tenant starts with history, so the Audit page has a week to show before anyone writes:
events by the tenant's administrators through the Intune admin center (Create, Patch, Assign,
Delete) on its policies, apps and scripts, a few of them failed, the last one an hour before the
tenant's ``as_of``, beside the role holders' history the generator plants. Deleted objects carry
a name and an id that no longer exist. The same ``as_of`` always gives the same events (their own
random stream). Writes made through the emulator append to ``audit_events`` under the signed-in
user.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from random import Random
from typing import Any

from intune_assistant.catalog import Catalog, Kind

from .graph.audit import INTUNE_PORTAL_APP_ID, OperationType, audit_event
from .graph.protocol import Caller
from .tenants import TenantData

__all__ = ["HISTORY_DAYS", "seed_audit_history"]

HISTORY_DAYS = 30
_KINDS = (Kind.POLICY, Kind.APP, Kind.SCRIPT, Kind.ENROLLMENT)
# (operation, activity verb, weight): mostly edits and assignments, some creations, few deletions.
_OPERATIONS: tuple[tuple[OperationType, str, float], ...] = (
    ("Patch", "Patch", 0.5),
    ("Action", "Assign", 0.3),
    ("Create", "Create", 0.15),
    ("Delete", "Delete", 0.05),
)


def _guid(rng: Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _events_per_day(tenant: TenantData) -> int:
    objects = sum(len(v) for v in tenant.objects.values())
    return max(4, objects // 60)


def seed_audit_history(tenant: TenantData, catalog: Catalog, as_of: datetime) -> None:
    """Add the last ``HISTORY_DAYS`` days of admin-center changes to ``tenant.audit_history``, oldest first."""
    rng = Random(f"audit-history:{tenant.tenant_id}:{as_of.isoformat()}")
    pool = [
        (record, obj)
        for record in catalog
        if record.kind in _KINDS and record.collect
        for obj in tenant.objects.get(record.key, [])
        if isinstance(obj.get("id"), str)
    ]
    admins = [o for o in tenant.operators if o.role == "admin" and o.enabled]
    if not pool or not admins:
        return
    callers = [
        Caller(
            tenant.tenant_id,
            o.user_id,
            o.user_principal_name,
            o.display_name,
            INTUNE_PORTAL_APP_ID,
            frozenset(),
            "admin",
        )
        for o in admins
    ]
    latest = as_of - timedelta(hours=1)
    count = _events_per_day(tenant) * HISTORY_DAYS
    moments = sorted(latest - timedelta(seconds=rng.randrange(HISTORY_DAYS * 86_400)) for _ in range(count - 1))
    events: list[dict[str, Any]] = []
    for when in [*moments, latest]:
        record, obj = rng.choice(pool)
        operation, verb, _ = rng.choices(_OPERATIONS, [w for *_, w in _OPERATIONS])[0]
        if operation == "Delete":
            # Something that existed then and is gone now.
            obj = {
                **obj,
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                record.name_field: f"Old - {record.object_name(obj)}",
            }
        event = audit_event(
            caller=rng.choice(callers),
            record=record,
            operation=operation,
            obj=obj,
            correlation_id=_guid(rng),
            activity=verb,
            when=when,
            event_id=_guid(rng),
            result="Failure" if rng.random() < 0.03 else "Success",
        )
        events.append(event)
    # Before the emulator started: served before what is written through it (``audit_events``).
    tenant.audit_history[:] = sorted(
        [*tenant.audit_history, *events], key=lambda e: str(e.get("activityDateTime") or "")
    )
