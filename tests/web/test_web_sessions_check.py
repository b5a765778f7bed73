"""Graph is asked about revoked sign-in sessions at most every ``sessions_check_s`` per user (default 60 s):
within that time a page from the cache costs no Graph request (test_web_flows.py checks on every request
and sees the revocation at once)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    return {"sessions_check_s": 3600}


async def test_within_the_interval_a_page_is_served_without_asking_graph_again(web: Any) -> None:
    upn = await web.onboarded_admin()
    assert "Reading the tenant" not in (await web.wait_for_policies()).text
    tenant = web.tenant("contoso")
    admin = next(o for o in tenant.operators if o.user_principal_name == upn)
    web.demo.entra.revoke_sessions(tenant.tenant_id, admin.user_id)
    # Checked less than an hour ago: the page is served (Entra's own revocation may take minutes too).
    assert (await web.client.get("/policies")).status_code == 200
