"""The JSON API under /api/v1: its OpenAPI document, and every error as RFC 9457 problem details."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema

from intune_assistant.web.api_v1 import API_PREFIX, OPENAPI_URL

PROBLEM_JSON = "application/problem+json"
REPORT = f"{API_PREFIX}/reports/{{name}}"


async def _document(web: Any) -> dict[str, Any]:
    answer = await web.client.get(OPENAPI_URL)
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


def _validate(document: dict[str, Any], schema: dict[str, Any], body: Any) -> None:
    """Validate ``body`` against ``schema`` (an OpenAPI 3.1 schema: JSON Schema 2020-12) with its components."""
    jsonschema.Draft202012Validator({**schema, "components": document["components"]}).validate(body)


def _problem_schema(document: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    response = document["paths"][path][method]["responses"][str(status)]
    schema: dict[str, Any] = response["content"][PROBLEM_JSON]["schema"]
    return schema


def _assert_problem(document: dict[str, Any], answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = answer.json()
    _validate(document, _problem_schema(document, f"{API_PREFIX}/policies", "get", status), body)
    assert body["status"] == status and body["code"] == code and body["type"].endswith(":" + code)
    assert body["correlation_id"] == answer.headers["x-correlation-id"]
    return body


async def test_the_openapi_document_holds_the_api_and_only_the_api(web: Any) -> None:
    document = await _document(web)
    paths = set(document["paths"])
    assert paths and all(p.startswith(API_PREFIX + "/") for p in paths)
    assert {f"{API_PREFIX}/policies", f"{API_PREFIX}/assignments", f"{API_PREFIX}/compare/baseline"} <= paths
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "202" in responses and "401" in responses, (method, path)
            assert all(PROBLEM_JSON in responses[s]["content"] for s in responses if s[0] in "45"), (method, path)
    # The old unversioned paths are gone.
    assert (await web.client.get("/api/policies")).status_code == 404


async def test_no_token_and_a_forged_token_get_problem_details(web: Any) -> None:
    document = await _document(web)
    missing = await web.client.get(f"{API_PREFIX}/policies")
    body = _assert_problem(document, missing, 401, "missing_token")
    assert missing.headers["www-authenticate"].startswith("Bearer") and body["instance"] == f"{API_PREFIX}/policies"
    forged = await web.client.get(f"{API_PREFIX}/policies", headers={"Authorization": "Bearer not-a-token"})
    _assert_problem(document, forged, 401, "invalid_token")
    assert "not-a-token" not in forged.text
    # A well-formed token signed by someone else: refused the same way.
    header = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"
    payload = "eyJhdWQiOiJhcGk6Ly9pbnR1bmUtYXNzaXN0YW50IiwidGlkIjoieCJ9"
    signed_elsewhere = await web.client.get(
        f"{API_PREFIX}/me", headers={"Authorization": f"Bearer {header}.{payload}.c2lnbmF0dXJl"}
    )
    _assert_problem(document, signed_elsewhere, 401, "invalid_token")


async def test_api_errors_are_problem_details(web: Any) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies()
    document = await _document(web)
    headers = await _bearer(web)
    nowhere = await web.client.get(f"{API_PREFIX}/nowhere", headers=headers)
    _assert_problem(document, nowhere, 404, "not_found")
    invalid = await web.client.get(f"{API_PREFIX}/compare/baseline", params={"baseline": "x" * 201}, headers=headers)
    body = _assert_problem(document, invalid, 422, "invalid_parameters")
    assert body["errors"][0]["loc"] == ["query", "baseline"] and "x" * 201 not in invalid.text
    unanswerable = await web.client.get(f"{API_PREFIX}/troubleshoot", headers=headers)
    _assert_problem(document, unanswerable, 400, "subject_missing")
    bad_plan = await web.client.post(f"{API_PREFIX}/assignments/plan", json=[1], headers=headers)
    _assert_problem(document, bad_plan, 400, "invalid_request")


async def _bearer(web: Any, name: str = "contoso") -> dict[str, str]:
    """The Authorization header of the API token of the tenant's admin (the one ``onboarded_admin`` signs in)."""
    tenant = web.tenant(name)
    upn = web.upn(name)
    operator = next(o for o in tenant.operators if o.user_principal_name == upn)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    return {"Authorization": f"Bearer {token}"}


async def _activate(web: Any, upn: str, module: str) -> None:
    """Activate a write module the way an admin does: the Tenant page, then Entra's consent."""
    started = await web.client.post(f"/tenant/modules/{module}/activate", data={"csrf_token": web.csrf()})
    done = await web.consent(started, upn)
    assert done.headers["location"] == f"/tenant?activated={module}", done.text


def _free_group(web: Any, policy: dict[str, Any]) -> str:
    """A group with a unique name that is not assigned to ``policy`` yet."""
    assigned = {str(a.get("target", {}).get("groupId")) for a in policy.get("assignments") or ()}
    groups = web.tenant("contoso").objects["groups"]
    names = [g["displayName"] for g in groups]
    return str(
        next(
            g["displayName"]
            for g in groups
            if g["id"] not in assigned and names.count(g["displayName"]) == 1 and g.get("members") is not None
        )
    )


Call = tuple[str, str, Any]
"""(method, path, recipe): the recipe gets the answers so far and gives the request's params or json."""


def _calls(web: Any) -> list[Call]:
    """A valid call of every operation, in an order where each finds what it needs (a plan before its apply)."""
    tenant = web.tenant("contoso")
    users = {u["id"]: u["userPrincipalName"] for u in tenant.objects["users"]}
    device = next(
        d
        for d in tenant.objects["managedDevices"]
        if d.get("operatingSystem") == "Windows" and d.get("userId") in users
    )
    user = users[device["userId"]]
    policies = [p for p in tenant.objects["settingsCatalog"] if p.get("assignments")]
    assign, rename = policies[0], policies[1]
    v = API_PREFIX
    return [
        ("GET", f"{v}/me", lambda _: {}),
        ("GET", f"{v}/policies", lambda _: {"params": {"q": "WIN"}}),
        ("GET", f"{v}/settings", lambda _: {"params": {"q": "firewall"}}),
        ("GET", f"{v}/assignments", lambda _: {"params": {"target": "allUsers"}}),
        ("GET", f"{v}/troubleshoot", lambda _: {"params": {"user": user, "device": device["deviceName"]}}),
        ("GET", f"{v}/compare/baseline", lambda _: {}),
        ("GET", f"{v}/roles", lambda _: {}),
        ("GET", f"{v}/conditional-access", lambda _: {}),
        ("GET", f"{v}/conditional-access/whatif", lambda _: {"params": {"user": user, "platform": "windows"}}),
        ("GET", f"{v}/devices", lambda _: {"params": {"per": "10"}}),
        ("GET", f"{v}/audit", lambda _: {"params": {"per": "10"}}),
        (
            "POST",
            f"{v}/assignments/plan",
            lambda _: {
                "json": {
                    "input": "form",
                    "object": [f"settingsCatalog/{assign['id']}"],
                    "action": "add",
                    "target": "group",
                    "group": _free_group(web, assign),
                    "direction": "include",
                }
            },
        ),
        ("POST", f"{v}/assignments/apply", lambda a: {"json": {"document": a[f"{v}/assignments/plan"]["document"]}}),
        (
            "POST",
            f"{v}/bulk-edits/plan",
            lambda _: {
                "json": {
                    "action": "rename",
                    "object": [f"settingsCatalog/{rename['id']}"],
                    "rule": "suffix",
                    "text": " (v2)",
                }
            },
        ),
        ("POST", f"{v}/bulk-edits/apply", lambda a: {"json": {"document": a[f"{v}/bulk-edits/plan"]["document"]}}),
        ("POST", f"{v}/deploy/plan", lambda _: {"json": {"source": "builtin:windows-security", "assign": "none"}}),
        ("POST", f"{v}/deploy/apply", lambda a: {"json": {"document": a[f"{v}/deploy/plan"]["document"]}}),
        (
            "POST",
            f"{v}/restore/plan",
            # The backup the rename took before its first write: a snapshot, restorable as it is.
            lambda a: {
                "json": {"file_base64": a[f"{v}/bulk-edits/apply"]["backup_zip_base64"], "filename": "backup.zip"}
            },
        ),
        ("POST", f"{v}/restore/apply", lambda a: {"json": {"document": a[f"{v}/restore/plan"]["document"]}}),
    ]


async def _answer(
    web: Any, document: dict[str, Any], method: str, path: str, headers: dict[str, str], url: str = "", **request: Any
) -> Any:
    """The operation's 200 answer, validated; a 202 (the tenant being read again) is validated and waited out."""
    operation = document["paths"][path][method.lower()]
    for _ in range(50):
        answer = await web.client.request(method, url or path, headers=headers, **request)
        if answer.status_code != 202:
            break
        _validate(document, operation["responses"]["202"]["content"]["application/json"]["schema"], answer.json())
        await web.wait_for_policies()
    assert answer.status_code == 200, (method, path, answer.text)
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert "$ref" in schema, f"{method} {path} declares no response model"
    _validate(document, schema, answer.json())
    return answer.json()


async def test_every_operation_answers_what_the_document_declares(web: Any) -> None:
    upn = await web.onboarded_admin(modules=("managed-devices", "intune-roles"))
    for module in ("bulk-assign", "bulk-edit", "deploy-baseline", "restore"):
        await _activate(web, upn, module)
    await web.wait_for_policies()
    document = await _document(web)
    declared = {(m.upper(), p) for p, operations in document["paths"].items() for m in operations}
    calls = _calls(web)
    partner_only = {("GET", f"{API_PREFIX}/customers"), ("GET", f"{API_PREFIX}/reports"), ("GET", REPORT)}
    assert declared == {(m, p) for m, p, _ in calls} | partner_only, "an operation without a call here, or gone"
    headers = await _bearer(web)
    answers: dict[str, Any] = {}
    for method, path, recipe in calls:
        answers[path] = await _answer(web, document, method, path, headers, **recipe(answers))
    assert answers[f"{API_PREFIX}/assignments/apply"]["counts"]["applied"] == 1
    assert answers[f"{API_PREFIX}/restore/apply"]["results"]
    # Customers: a member of a partner tenant (GDAP) asks.
    web.forget_browser()
    partner = web.upn("partner")
    assert (await web.sign_in(partner)).status_code == 303
    assert (await web.onboard(partner, web.tenant("partner").domain)).status_code == 303
    partner_headers = await _bearer(web, "partner")
    customers = await _answer(web, document, "GET", f"{API_PREFIX}/customers", partner_headers)
    assert customers["customers"]
    reports = await _answer(web, document, "GET", f"{API_PREFIX}/reports", partner_headers)
    # Contoso, onboarded above, first if listed; a customer not onboarded answers its state too.
    customer = sorted(reports["customers"], key=lambda c: not c["onboarded"])[0]
    name = reports["reports"][0]["name"]
    report = await _answer(
        web,
        document,
        "GET",
        REPORT,
        partner_headers,
        url=REPORT.format(name=name),
        params={"tenant": customer["tenant_id"]},
    )
    assert report["tenant_id"] == customer["tenant_id"]
