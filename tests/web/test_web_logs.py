"""The server's log at DEBUG, through the product's own log set-up, over a whole session (sign-in,
onboarding, a collection, pages, a troubleshoot by UPN, exports, sign-out): no token, no UPN, no
display name, no policy or group name, while the product's own debug records are there."""

from __future__ import annotations

import io
import re
from typing import Any

from .residency import JWT, SECRET_FIELD, api_token, server_log, tenant_strings

__all__ = ["server_log"]  # the fixture, imported for pytest


async def test_a_session_at_debug_logs_no_token_and_no_tenant_data(web: Any, server_log: io.StringIO) -> None:
    upn = await web.onboarded_admin()
    await web.wait_for_policies()
    token = api_token(web)
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
    leaked = sorted(s for s in tenant_strings(web.tenant("contoso")) if s in text)
    assert leaked == [], leaked[:10]
    assert upn not in text and upn.split("@")[0] not in text
