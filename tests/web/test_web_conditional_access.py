"""The Conditional Access pages and API: policies in words, planted gaps, the what-if, and the
Troubleshoot fragment for one user."""

from __future__ import annotations

import asyncio
import csv
import io
from html import unescape
from typing import Any
from urllib.parse import quote, urlencode


async def test_ca_page_lists_policies_and_gaps(web: Any) -> None:
    await web.onboarded_admin("fabrikam")
    page = await web.wait_for_policies("/conditional-access")
    assert page.status_code == 200 and 'aria-current="page"' in page.text
    text = unescape(page.text)
    planted = web.tenant("fabrikam").planted
    for name in planted["caManyExcluded"] + planted["caBreakGlassMissing"] + planted["caDeletedReference"]:
        assert name in text
    assert "No MFA for administrators" in text and "Legacy authentication not blocked" in text
    assert "Exclude groups: BYOD Users" in text  # names, never ids
    # The state menu filters on the server; the CSV holds exactly what matched.
    report_only = unescape((await web.client.get("/conditional-access?state=Report-only")).text)
    assert report_only.count('data-testid="ca-row"') == 2 and "CA001 - Require MFA for admins" in report_only
    export = await web.client.get("/conditional-access.csv?state=Report-only")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Policy", "State", "Users"] and {r[1] for r in rows[1:]} == {"Report-only"}


async def test_what_if_page_and_its_errors(web: Any) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies("/conditional-access")
    upn = "break.glass@contoso.onmicrosoft.com"
    query = urlencode({"user": upn, "app": "Windows Azure Service Management API", "role": "none", "location": "KP"})
    page = unescape((await web.client.get(f"/conditional-access/whatif?{query}")).text)
    assert 'data-access="REQUIREMENTS"' in page and "CA010 - Require MFA for Azure management" in page
    assert page.count('data-testid="ca-verdict-row"') == len(web.tenant("contoso").objects["conditionalAccessPolicies"])
    bad = unescape((await web.client.get(f"/conditional-access/whatif?user={quote(upn)}&platform=BeOS")).text)
    assert 'data-testid="ca-whatif-error"' in bad and "isn't one of android" in bad
    nobody = unescape((await web.client.get("/conditional-access/whatif?user=nobody%40contoso.onmicrosoft.com")).text)
    assert "no user" in nobody


async def test_troubleshoot_fragment_and_api(web: Any) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies("/conditional-access")
    upn = "break.glass@contoso.onmicrosoft.com"
    troubleshoot = await web.client.get(f"/troubleshoot?user={quote(upn)}")
    assert f"/conditional-access/user?user={quote(upn)}" in unescape(troubleshoot.text)
    fragment = unescape((await web.client.get(f"/conditional-access/user?user={quote(upn)}")).text)
    assert fragment.count('data-testid="ca-user-row"') == len(
        web.tenant("contoso").objects["conditionalAccessPolicies"]
    )
    assert "✖ Excluded" in fragment and "Decided at each sign-in" in fragment

    assert (await web.client.get("/api/v1/conditional-access")).status_code == 401
    tenant = web.tenant("contoso")
    operator = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(400):
        response = await web.client.get("/api/v1/conditional-access", headers=headers)
        if response.status_code == 200:
            break
        await asyncio.sleep(0.02)
    body = response.json()
    assert body["status"] == "ready" and len(body["policies"]) == len(tenant.objects["conditionalAccessPolicies"])
    assert {f["finding"] for f in body["findings"]} >= {"Many users excluded", "Break-glass account not excluded"}
    whatif = await web.client.get(
        f"/api/v1/conditional-access/whatif?user={quote(upn)}&location=KP&role=none", headers=headers
    )
    answer: dict[str, Any] = whatif.json()
    assert whatif.status_code == 200 and answer["access"] == "Unknown"  # no app given: CA010 depends on it
    verdicts = {p["policy"]: p["verdict"] for p in answer["policies"]}
    assert verdicts["CA005 - Block access from blocked countries"] == "excluded"
    missing = await web.client.get("/api/v1/conditional-access/whatif", headers=headers)
    assert missing.status_code == 400
