"""The JSON API under /api/v1: its OpenAPI document, and every error as RFC 9457 problem details."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema

from intune_assistant.web.api_v1 import API_PREFIX, OPENAPI_URL

PROBLEM_JSON = "application/problem+json"


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
