"""Cross-tenant reports in the web app: the page, one request per customer, the export (issue 16).

Every customer is read through the emulator with a token that customer issued (the transport
below reads each Graph request's ``tid``); customers that cannot be read end ``failed`` with
their reason and fix; the export is made from the rows posted back and neutralises formulas.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from typing import Any

import httpx
import jwt
import openpyxl
import pytest


class TokenTenants(httpx.AsyncBaseTransport):
    """Records the ``tid`` of the bearer token and the path of every Graph request."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.tids: list[str] = []
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        token = request.headers.get("authorization", "").partition(" ")[2]
        claims = jwt.decode(token, options={"verify_signature": False}) if token else {}
        self.tids.append(str(claims.get("tid", "")))
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)


@pytest.fixture
def graph_transport(graph_transport: httpx.AsyncBaseTransport) -> TokenTenants:
    return TokenTenants(graph_transport)


async def _partner_with_customers(web: Any, *onboard: str) -> None:
    upn = web.upn("partner")
    await web.sign_in(upn)
    assert (await web.onboard(upn, web.tenant("partner").domain)).status_code == 303
    tenants = [web.tenant(n).tenant_id for n in onboard]
    done = await web.client.post("/customers/onboard", data={"csrf_token": web.csrf(), "tenant": tenants})
    assert done.status_code == 303, done.text


async def _tenant(web: Any, report: str, name: str, **params: str) -> httpx.Response:
    return await web.client.get(
        "/reports/tenant", params={"report": report, "tenant": web.tenant(name).tenant_id, **params}
    )


async def test_each_demo_customer_ends_with_its_state_and_reason(web, graph_transport) -> None:
    await _partner_with_customers(web, "contoso", "woodgrove")
    page = await web.client.get("/reports", params={"report": "hygiene", "run": "1"})
    assert page.status_code == 200, page.text
    # By default the onboarded, usable customers are chosen; every customer can be picked.
    assert page.text.count('data-testid="report-customer"') == 5
    assert page.text.count('data-testid="tenant-status"') == 2
    states = {}
    for name in ("contoso", "fabrikam", "woodgrove", "litware", "adatum"):
        graph_transport.tids.clear()
        answer = await _tenant(web, "hygiene", name)
        assert answer.status_code == 200, answer.text
        states[name] = answer.json()
        if states[name]["state"] == "ok":
            # Every Graph request for this customer carried a token this customer issued.
            assert graph_transport.tids and set(graph_transport.tids) == {web.tenant(name).tenant_id}
    assert states["contoso"]["state"] == states["woodgrove"]["state"] == "ok"
    assert any(row[0] == "Unassigned objects" and row[1] > 0 for row in states["contoso"]["rows"])
    assert states["fabrikam"]["state"] == "failed" and "not onboarded" in states["fabrikam"]["reason"]
    assert states["litware"]["state"] == "failed" and "expired" in states["litware"]["reason"]
    assert "Request a new admin relationship" in states["litware"]["fix"]
    assert states["adatum"]["state"] == "failed" and "has not granted admin consent" in states["adatum"]["reason"]
    assert not states["litware"]["rows"] and not states["adatum"]["rows"]


async def test_baseline_score_and_gdap_expiry_rows(web) -> None:
    await _partner_with_customers(web, "contoso")
    score = (await _tenant(web, "baseline-score", "contoso")).json()
    overall = next(r for r in score["rows"] if r[0] == "overall")
    assert overall[3] > 0 and 0 <= overall[4] <= 100
    # GDAP expiry is read from the partner's own relationships: the expired customer has its row.
    expiry = (await _tenant(web, "gdap-expiry", "litware")).json()
    assert expiry["state"] == "ok" and expiry["rows"][0][1] == "expired" and expiry["rows"][0][5] == "expired"
    unknown = await web.client.get("/reports/tenant", params={"report": "nope", "tenant": "x"})
    assert unknown.status_code == 400 and "known: inventory" in unknown.json()["detail"]
    stranger = await web.client.get("/reports/tenant", params={"report": "hygiene", "tenant": "not-a-tenant"})
    assert stranger.status_code == 404


async def test_export_neutralises_formulas_and_refuses_bad_input(web) -> None:
    await _partner_with_customers(web, "contoso")
    result = (await _tenant(web, "inventory", "contoso")).json()
    result["name"] = '=HYPERLINK("https://evil.example","x")'
    posted = {"tenants": [result]}
    for fmt in ("csv", "xlsx", "json"):
        answer = await web.client.post(
            "/reports/export",
            data={"csrf_token": web.csrf(), "report": "inventory", "format": fmt, "results": json.dumps(posted)},
        )
        assert answer.status_code == 200, answer.text
        disposition = answer.headers["content-disposition"]
        assert re.search(rf"_cross-tenant-inventory_\d{{4}}-\d\d-\d\d_\d{{4}}\.{fmt}\"$", disposition), disposition
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
            assert rows[0][:3] == ["Customer", "Domain", "State"]
            assert rows[1][0].startswith("'=HYPERLINK")
            assert len(rows) == 1 + len(result["rows"])
        elif fmt == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).worksheets[0]
            cell = sheet.cell(row=2, column=1)
            assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s" and cell.quotePrefix
        else:
            assert answer.json()["tenants"][0]["rows"] == result["rows"]
    bad = await web.client.post(
        "/reports/export",
        data={
            "csrf_token": web.csrf(),
            "report": "inventory",
            "format": "csv",
            "results": '{"tenants": [{"state": 1}]}',
        },
    )
    assert bad.status_code == 400 and "Nothing was exported" in bad.text
    forged = await web.client.post(
        "/reports/export", data={"csrf_token": "wrong", "report": "inventory", "format": "csv", "results": "{}"}
    )
    assert forged.status_code in (400, 403)


async def test_json_api_runs_one_customer_per_request_with_a_bearer_token(web) -> None:
    await _partner_with_customers(web, "contoso")
    partner = web.tenant("partner")
    admin = next(o for o in partner.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = web.demo.entra.issue_api_token_for(partner.tenant_id, admin.user_id, base_url=web.emulator.base_url)
    headers = {"Authorization": f"Bearer {token}"}
    listed = await web.client.get("/api/v1/reports", headers=headers)
    assert listed.status_code == 200, listed.text
    assert [r["name"] for r in listed.json()["reports"]] == [
        "inventory",
        "hygiene",
        "conflicts",
        "baseline-score",
        "drift",
        "gdap-expiry",
    ]
    assert {c["name"] for c in listed.json()["customers"]} >= {"Contoso", "Litware Inc."}
    one = await web.client.get(
        "/api/v1/reports/inventory", params={"tenant": web.tenant("contoso").tenant_id}, headers=headers
    )
    assert one.status_code == 200 and one.json()["state"] == "ok"
    assert any(row[0] == "Settings catalog" for row in one.json()["rows"])


async def test_a_hostile_customer_name_stays_text(web) -> None:
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    partner = web.tenant("partner").objects
    litware = web.tenant("litware").tenant_id
    for relationship in partner["gdapRelationships"]:
        if relationship["customer"]["tenantId"] == litware:
            relationship["customer"]["displayName"] = hostile
    await _partner_with_customers(web, "contoso")
    page = await web.client.get("/reports", params={"report": "gdap-expiry", "tenant": [litware], "run": "1"})
    assert page.status_code == 200
    assert "<script>alert(2)" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page.text
    answer = (await _tenant(web, "gdap-expiry", "litware")).json()
    assert answer["name"] == hostile  # JSON for the page's script, which sets it as text only


async def test_drift_against_a_golden_customer(web) -> None:
    await _partner_with_customers(web, "contoso", "fabrikam")
    contoso = web.tenant("contoso").tenant_id
    itself = (await _tenant(web, "drift", "contoso", golden=contoso)).json()
    assert itself["state"] == "ok" and itself["rows"]
    assert all(row[1] == row[2] == row[3] == 0 for row in itself["rows"] if row[5] == "")
    other = (await _tenant(web, "drift", "fabrikam", golden=contoso)).json()
    assert other["state"] == "ok" and any(row[1] or row[2] or row[3] for row in other["rows"])
    missing = await _tenant(web, "drift", "fabrikam")
    assert missing.status_code == 400 and "golden" in missing.json()["detail"]
    refused = await _tenant(web, "drift", "fabrikam", golden=web.tenant("litware").tenant_id)
    assert refused.status_code == 409 and "onboarded" in refused.json()["detail"]
    page = await web.client.get("/reports", params={"report": "drift", "golden": contoso, "run": "1"})
    assert page.status_code == 200 and 'data-golden="' + contoso + '"' in page.text


async def test_concurrent_requests_on_a_replica_without_the_list_share_one_read(web, graph_transport) -> None:
    await _partner_with_customers(web, "contoso", "woodgrove")
    # As on a replica that did not serve the page: no customer list in memory.
    web.app.state.web.customers.entries.clear()
    graph_transport.paths.clear()
    names = ("contoso", "woodgrove", "litware", "adatum", "fabrikam")
    answers = await asyncio.gather(*(_tenant(web, "gdap-expiry", n) for n in names))
    assert [a.status_code for a in answers] == [200] * len(names)
    listed = [p for p in graph_transport.paths if p.endswith("/tenantRelationships/delegatedAdminRelationships")]
    assert len(listed) == 1
