"""The rules every Graph endpoint shares, one test each, naming the Graph doc page it follows."""

from __future__ import annotations

import json
import re
from typing import Any

ROOT = "https://graph.microsoft.com"


async def test_batch(contoso: Any) -> None:
    """json-batching.md: POST /$batch with up to 20 requests; 200 with a ``responses`` array whose
    items carry ``id``, ``status``, ``headers`` and ``body``, in any order; relative URLs; a 21st
    request makes the whole batch a 400."""
    ids = [p["id"] for p in contoso.tenant.objects["settingsCatalog"][:3]]
    steps = [
        {"id": str(n), "method": "GET", "url": f"/deviceManagement/configurationPolicies/{pid}"}
        for n, pid in enumerate(ids)
    ]
    steps.append({"id": "missing", "method": "GET", "url": "deviceManagement/configurationPolicies/nope"})
    async with contoso.client() as client:
        response = await client.post("/beta/$batch", json={"requests": steps})
        too_many = await client.post(
            "/beta/$batch", json={"requests": [{"id": str(i), "method": "GET", "url": "/users"} for i in range(21)]}
        )
    assert response.status_code == 200
    answers = {r["id"]: r for r in response.json()["responses"]}
    assert set(answers) == {"0", "1", "2", "missing"}
    for n, pid in enumerate(ids):
        answer = answers[str(n)]
        assert answer["status"] == 200 and answer["body"]["id"] == pid
        assert answer["headers"]["Content-Type"].startswith("application/json")
    assert answers["missing"]["status"] == 404
    assert too_many.status_code == 400


async def test_paging(contoso: Any) -> None:
    """paging.md: a page carries ``@odata.nextLink`` with a ``$skiptoken``; following it verbatim to
    the last page (no nextLink) returns every object once; other query options are kept."""
    expected = sorted(o["id"] for o in contoso.tenant.objects["settingsCatalog"])
    seen: list[str] = []
    url: str | None = "/beta/deviceManagement/configurationPolicies?$select=id,name"
    async with contoso.client() as client:
        while url:
            page = (await client.get(url)).json()
            seen += [o["id"] for o in page["value"]]
            assert set(page["value"][0]) <= {"id", "name", "@odata.type"}
            url = page.get("@odata.nextLink")
            if url:
                assert "$skiptoken=" in url and "$select=id,name" in url
    assert sorted(seen) == expected
    assert len(expected) > 25  # more than one page of 25


async def test_errors(env: Any) -> None:
    """errors.md: ``{"error": {"code", "message", "innerError": {"date", "request-id",
    "client-request-id"}}}``; ``request-id`` and ``client-request-id`` (echoed) headers; an unknown
    segment is 400 "Resource not found for the segment"; Intune nests a JSON document in the
    message (graph-paging-and-queries reference §4)."""
    async with env.client() as client:
        missing = await client.get(
            "/beta/deviceManagement/configurationPolicies/nope", headers={"client-request-id": "abc-123"}
        )
        segment = await client.get("/beta/deviceManagement/widgets")
    error = missing.json()["error"]
    assert missing.status_code == 404 and error["code"] == "ResourceNotFound"
    assert set(error["innerError"]) == {"date", "request-id", "client-request-id"}
    assert error["innerError"]["client-request-id"] == "abc-123" == missing.headers["client-request-id"]
    assert error["innerError"]["request-id"] == missing.headers["request-id"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", error["innerError"]["date"])
    assert json.loads(error["message"])["_version"] == 3
    assert segment.status_code == 400
    assert segment.json()["error"]["message"] == "Resource not found for the segment 'widgets'."


async def test_throttling(env: Any) -> None:
    """throttling.md: 429 ``TooManyRequests`` with a ``Retry-After`` header in seconds; inside a
    batch each request is throttled on its own (429 inside a 200)."""
    app = env.app(env.options(throttling=True, app_request_limit=2))
    steps = [{"id": str(i), "method": "GET", "url": "/users/u-001"} for i in range(3)]
    async with env.client(app) as client:
        batch = await client.post("/v1.0/$batch", json={"requests": steps})
        refused = await client.get("/v1.0/users/u-001")
    assert batch.status_code == 200
    assert sorted(r["status"] for r in batch.json()["responses"]) == [200, 200, 429]
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "TooManyRequests"
    assert re.fullmatch(r"[1-9]\d*", refused.headers["Retry-After"])


async def test_case(env: Any) -> None:
    """Path segments and query option names match without regard to case on Graph
    (query-parameters.md writes ``$skipToken`` and ``$skiptoken`` alike); ids keep their case."""
    async with env.client() as client:
        lower = await client.get("/beta/devicemanagement/configurationpolicies?$TOP=2")
        upper = await client.get("/beta/DEVICEMANAGEMENT/CONFIGURATIONPOLICIES/cp-01/SETTINGS")
    assert lower.status_code == 200 and len(lower.json()["value"]) == 2
    assert lower.json()["@odata.context"] == f"{ROOT}/beta/$metadata#deviceManagement/configurationPolicies"
    assert upper.status_code == 200 and len(upper.json()["value"]) == 2


async def test_annotations(env: Any) -> None:
    """OData JSON format (odata-json-format §4.5) as Graph sends it: ``@odata.context`` naming
    ``https://graph.microsoft.com/{version}/$metadata#…`` on lists, items and each expanded
    collection; Intune lists carry ``@odata.count`` of the page (reference §3)."""
    async with env.client() as client:
        listed = (await client.get("/beta/deviceManagement/configurationPolicies?$expand=settings&$top=3")).json()
        item = (await client.get("/v1.0/deviceManagement/deviceConfigurations/dc-01")).json()
    assert listed["@odata.context"] == f"{ROOT}/beta/$metadata#deviceManagement/configurationPolicies"
    assert listed["@odata.count"] == 3
    first = listed["value"][0]
    assert first["settings@odata.context"] == (
        f"{ROOT}/beta/$metadata#deviceManagement/configurationPolicies('cp-00')/settings"
    )
    assert item["@odata.context"] == f"{ROOT}/v1.0/$metadata#deviceManagement/deviceConfigurations/$entity"


async def test_versions(env: Any) -> None:
    """versioning-and-support.md: /v1.0 and /beta are separate; a beta-only resource is not found on
    /v1.0, and a batch cannot mix versions (json-batching.md: URLs are relative)."""
    async with env.client() as client:
        beta_only = await client.get("/v1.0/deviceManagement/configurationPolicies")
        both = await client.get("/v1.0/deviceManagement/deviceConfigurations")
    assert beta_only.status_code == 400
    assert "Resource not found for the segment 'configurationPolicies'" in beta_only.json()["error"]["message"]
    assert both.status_code == 200


async def test_authentication_and_authorization(env: Any) -> None:
    """auth/auth-concepts.md and errors.md: no token is 401 ``InvalidAuthenticationToken``; a token
    without a scope the operation's Permissions table lists is 403."""
    async with env.client(token="") as anonymous:
        unauthenticated = await anonymous.get("/beta/deviceManagement/configurationPolicies")
    async with env.client(scopes=["Group.Read.All"]) as client:
        forbidden = await client.get("/beta/deviceManagement/configurationPolicies")
        allowed = await client.get("/v1.0/groups")
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "Forbidden"
    assert allowed.status_code == 200
