"""Privileged Identity Management: eligible versus active role assignments with a start and an end.

An *eligible* assignment grants nothing; the user *activates* it (for at most the eligibility's
remaining time) and holds the role while the activation lasts. Entra puts an active directory role
in the ``wids`` of tokens issued while it is active; Intune decides per request from the roles the
user holds at that moment, so a role that ends mid-session stops writes at the next request even
with a token issued before (Microsoft Learn, "Privileged Identity Management … Intune": Intune
evaluates the user's role assignments on each call). The emulator therefore reads these schedules
live in the Graph emulator and at issuance in the Entra emulator.
"""

from __future__ import annotations

from .model import (
    GLOBAL_ADMINISTRATOR,
    GLOBAL_READER,
    INTUNE_ADMINISTRATOR,
    Operator,
    OperatorRole,
    RoleSchedule,
    TenantData,
)
from .roles import BUILT_IN_ROLES

__all__ = ["activate", "active_directory_roles", "effective_role", "end_activation"]

HOUR_S = 3600.0
_RANK: dict[OperatorRole, int] = {"none": 0, "readOnly": 1, "admin": 2}
_WRITE_VERBS = ("_Create", "_Update", "_Delete", "_Assign", "_Wipe")


def _grants(schedule: RoleSchedule) -> OperatorRole:
    """What holding the schedule's role lets the user do in Intune."""
    if schedule.intune:
        actions = next((a for name, _, a in BUILT_IN_ROLES if name == schedule.role_id), ())
        if any(action.endswith(_WRITE_VERBS) for action in actions):
            return "admin"
        return "readOnly" if actions else "none"
    if schedule.role_id in (GLOBAL_ADMINISTRATOR, INTUNE_ADMINISTRATOR):
        return "admin"
    return "readOnly" if schedule.role_id == GLOBAL_READER else "none"


def _active(tenant: TenantData, user_id: str, now: float) -> list[RoleSchedule]:
    wanted = user_id.lower()
    return [
        s
        for s in tenant.role_schedules
        if s.kind == "active" and s.user_id.lower() == wanted and s.start <= now and (s.end is None or now < s.end)
    ]


def effective_role(tenant: TenantData, operator: Operator, now: float) -> OperatorRole:
    """The operator's permanent role, raised by any PIM role active at ``now``."""
    roles = [operator.role, *(_grants(s) for s in _active(tenant, operator.user_id, now))]
    return max(roles, key=lambda role: _RANK[role])


def active_directory_roles(tenant: TenantData, user_id: str, now: float) -> tuple[str, ...]:
    """Template ids of the directory roles ``user_id`` holds through PIM at ``now`` (for ``wids``)."""
    return tuple(dict.fromkeys(s.role_id for s in _active(tenant, user_id, now) if not s.intune))


def activate(tenant: TenantData, user_id: str, role_id: str, now: float, *, hours: float = 8.0) -> RoleSchedule:
    """Activate an eligible role for ``hours`` (at most until the eligibility ends).

    ``ValueError`` when the user has no eligibility for the role covering ``now``."""
    wanted = user_id.lower()
    eligible = next(
        (
            s
            for s in tenant.role_schedules
            if s.kind == "eligible"
            and s.user_id.lower() == wanted
            and s.role_id == role_id
            and s.start <= now
            and (s.end is None or now < s.end)
        ),
        None,
    )
    if eligible is None:
        raise ValueError(f"{user_id} is not eligible for role {role_id} now.")
    end = now + hours * HOUR_S
    active = RoleSchedule(
        user_id, role_id, "active", now, end if eligible.end is None else min(end, eligible.end), eligible.intune
    )
    tenant.role_schedules.append(active)
    return active


def end_activation(tenant: TenantData, user_id: str, role_id: str, now: float) -> None:
    """End the user's activation of the role at ``now`` (as when its time runs out).

    ``ValueError`` when no activation of the role is in force."""
    found = [s for s in _active(tenant, user_id, now) if s.role_id == role_id]
    if not found:
        raise ValueError(f"{user_id} holds no active assignment of role {role_id}.")
    for schedule in found:
        schedule.end = now
