"""The server's log at DEBUG, through the product's own log set-up, over a whole session (sign-in,
onboarding, a collection, pages, a troubleshoot by UPN, exports, sign-out): no token, no UPN, no
display name, no policy or group name, while the product's own debug records are there."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from intune_assistant.logs import configure_logging

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
SECRET_FIELD = re.compile(r"(refresh_token|access_token|id_token|client_info|code)[\"':= ]+[A-Za-z0-9_.-]{20,}")


@pytest.fixture
def server_log() -> Iterator[io.StringIO]:
    """The product's log handler at DEBUG, writing to a buffer (and removed afterwards)."""
    buffer = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging("DEBUG", buffer)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _tenant_strings(web: Any) -> set[str]:
    """UPNs, display names, policy and group names of the emulated Contoso (the distinctive ones)."""
    tenant = web.tenant("contoso")
    found: set[str] = set()
    for user in tenant.objects["users"]:
        found |= {user.get("userPrincipalName") or "", user.get("displayName") or ""}
    for operator in tenant.operators:
        found |= {operator.user_principal_name, operator.display_name}
    for key in ("settingsCatalog", "deviceConfigurations", "compliancePolicies", "groups", "assignmentFilters"):
        found |= {str(o.get("displayName") or o.get("name") or "") for o in tenant.objects[key]}
    # Short or generic names ("All", "Sales") could be any word of a log line.
    return {s for s in found if len(s) >= 10}


async def test_a_session_at_debug_logs_no_token_and_no_tenant_data(web: Any, server_log: io.StringIO) -> None:
    upn = await web.onboarded_admin()
    await web.wait_for_policies()
    token = web.app.state.web.cookies.load(_Req(web)).api_token
    group = next(g for g in web.tenant("contoso").objects["groups"] if len(g["displayName"]) >= 10)
    for path in ("/policies?q=Windows", "/settings?q=BitLocker", "/assignments", "/groups", "/conflicts", "/health"):
        assert (await web.client.get(path)).status_code == 200, path
    assert (await web.client.get(f"/groups/{group['id']}")).status_code == 200
    assert (await web.client.get("/troubleshoot", params={"user": upn})).status_code == 200
    assert (await web.client.get("/search", params={"q": group["displayName"]})).status_code == 200
    assert (await web.client.get("/assignments.csv")).status_code == 200
    assert (await web.client.get("/documentation/download", params={"format": "md"})).status_code == 200
    assert (await web.client.post("/signout", data={"csrf_token": web.csrf()})).status_code == 303

    text = server_log.getvalue()
    # The log really ran at DEBUG: the Graph client's per-request records are there.
    assert re.search(r"DEBUG intune_assistant\.graph\.client: graph (GET|POST) ", text), text[:2000]
    assert token not in text and not JWT.search(text)
    assert not SECRET_FIELD.search(text), SECRET_FIELD.search(text)
    leaked = sorted(s for s in _tenant_strings(web) if s in text)
    assert leaked == [], leaked[:10]
    assert upn not in text and upn.split("@")[0] not in text


class _Req:
    def __init__(self, web: Any) -> None:
        self.cookies = {c.name: c.value for c in web.client.cookies.jar}
