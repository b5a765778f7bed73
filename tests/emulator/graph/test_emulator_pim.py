"""Privileged Identity Management: eligible roles grant nothing, activated ones do until they end;
Intune decides per request, so an activation that ends stops the next write while reads go on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from intune_assistant.emulator.tenants import pim
from intune_assistant.emulator.tenants.model import INTUNE_ADMINISTRATOR, RoleSchedule

from .conftest import NOROLE_ID, READER_ID

POLICIES = "/beta/deviceManagement/configurationPolicies"
NOW = 1_800_000_000.0


def _app(env: Any) -> Any:
    return env.app(env.options(wall_clock=lambda: NOW))


async def test_an_eligible_role_grants_nothing_until_activated(env: Any) -> None:
    env.tenant.role_schedules.append(RoleSchedule(NOROLE_ID, INTUNE_ADMINISTRATOR, "eligible", NOW - 60, None))
    app = _app(env)
    async with env.client(app, user="norole") as client:
        refused = await client.get(POLICIES)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "UnknownError"
        assert json.loads(refused.json()["error"]["message"])["ErrorCode"] == "Forbidden"
        pim.activate(env.tenant, NOROLE_ID, INTUNE_ADMINISTRATOR, NOW - 30, hours=1)
        assert (await client.get(POLICIES)).status_code == 200
        # The token did not change: Intune checks the roles held at each request.
        created = await client.post(
            POLICIES, json={"name": "PIM made", "platforms": "windows10", "technologies": "mdm"}
        )
        assert created.status_code == 201, created.text


async def test_an_activation_that_ends_stops_writes_while_a_permanent_read_role_keeps_reads(env: Any) -> None:
    env.tenant.role_schedules.append(RoleSchedule(READER_ID, INTUNE_ADMINISTRATOR, "eligible", NOW - 3600, NOW + 3600))
    pim.activate(env.tenant, READER_ID, INTUNE_ADMINISTRATOR, NOW - 60, hours=8)
    assert env.tenant.role_schedules[-1].end == NOW + 3600  # no longer than the eligibility
    app = _app(env)
    body = {"name": "Before the end", "platforms": "windows10", "technologies": "mdm"}
    async with env.client(app, user="reader") as client:
        assert (await client.post(POLICIES, json=body)).status_code == 201
        pim.end_activation(env.tenant, READER_ID, INTUNE_ADMINISTRATOR, NOW - 1)
        refused = await client.post(POLICIES, json={**body, "name": "After the end"})
        assert refused.status_code == 403
        assert "not authorized to perform this operation" in refused.text
        assert (await client.get(POLICIES)).status_code == 200


def test_activation_needs_an_eligibility_in_force(env: Any) -> None:
    with pytest.raises(ValueError, match="not eligible"):
        pim.activate(env.tenant, NOROLE_ID, INTUNE_ADMINISTRATOR, NOW)
    env.tenant.role_schedules.append(RoleSchedule(NOROLE_ID, INTUNE_ADMINISTRATOR, "eligible", NOW - 10, NOW - 5))
    with pytest.raises(ValueError, match="not eligible"):
        pim.activate(env.tenant, NOROLE_ID, INTUNE_ADMINISTRATOR, NOW)
    with pytest.raises(ValueError, match="no active assignment"):
        pim.end_activation(env.tenant, NOROLE_ID, INTUNE_ADMINISTRATOR, NOW)
    # An Intune role through PIM: Policy and Profile Manager may write, Read Only Operator may read.
    operator = next(o for o in env.tenant.operators if o.user_id == NOROLE_ID)
    env.tenant.role_schedules.append(RoleSchedule(NOROLE_ID, "Read Only Operator", "active", NOW - 1, None, True))
    assert pim.effective_role(env.tenant, operator, NOW) == "readOnly"
    env.tenant.role_schedules.append(
        RoleSchedule(NOROLE_ID, "Policy and Profile Manager", "active", NOW - 1, NOW + 1, True)
    )
    assert pim.effective_role(env.tenant, operator, NOW) == "admin"
    assert pim.effective_role(env.tenant, operator, NOW + 1) == "readOnly"
    assert pim.active_directory_roles(env.tenant, NOROLE_ID, NOW) == ()
