"""Every state-changing route of the app, enumerated from the app itself, refuses a request from
another site (Origin / Sec-Fetch-Site) even with a valid CSRF token, and refuses a same-site request
without the CSRF token; the only routes outside these rules are listed here with the check that
replaces them, and a new state-changing route fails this test until it has both checks."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, Route

from intune_assistant.web.api_v1 import API_PREFIX
from intune_assistant.web.origin import CROSS_SITE_PATHS

SAFE = {"GET", "HEAD", "OPTIONS"}
# Authenticated by a bearer token only: the session cookie is not accepted (checked below).
BEARER_ONLY_PREFIX = API_PREFIX + "/"
# Protected by MSAL's state, bound to the sign-in flow cookie, instead of the session's CSRF token.
FLOW_BOUND = {"/auth/complete"}
PATH_VALUES = {"module": "bulk-assign"}


def state_changing_routes(routes: list[BaseRoute]) -> list[tuple[str, str]]:
    """(method, path template) of every route that is not GET/HEAD/OPTIONS, included routers too.

    Paths as served (an included router's prefix, such as the API's version, included).
    """
    return [
        (method, str(route.path))
        for route in iter_route_contexts(routes)
        if isinstance(route.original_route, Route)
        for method in sorted((route.methods or set()) - SAFE)
    ]


def _concrete(path: str) -> str:
    for name, value in PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"no value for a parameter of {path}: add it to PATH_VALUES"
    return path


async def _send(
    web: Any, method: str, path: str, data: dict[str, str], headers: dict[str, str | None], *, multipart: bool = False
) -> Any:
    # Upload routes read multipart forms only: the CSRF check must be reached with one.
    files = {"file": ("empty.json", b"{}", "application/json")} if multipart else None
    request = web.client.build_request(method, path, data=data, files=files)
    for name, value in headers.items():
        if value is None:
            request.headers.pop(name, None)
        else:
            request.headers[name] = value
    return await web.client.send(request)


async def test_every_state_changing_route_checks_origin_and_csrf(web) -> None:
    await web.onboarded_admin()
    routes = state_changing_routes(web.app.routes)
    assert len(routes) >= 12
    cookies = dict(web.client.cookies)
    checked: list[str] = []
    for method, template in routes:
        path = _concrete(template)
        if template in CROSS_SITE_PATHS:
            # Entra's form_post answer: relayed to this origin, nothing set or changed here.
            relay = await _send(web, method, path, {"code": "x", "state": "y"}, {"Origin": "https://login.example"})
            assert relay.status_code == 200 and "set-cookie" not in relay.headers, template
            continue
        if template.startswith(BEARER_ONLY_PREFIX):
            # The browser's session cookie and CSRF token do not authenticate here: no bearer, no access.
            refused = await _send(web, method, path, {"csrf_token": web.csrf()}, {})
            assert refused.status_code == 401 and "www-authenticate" in refused.headers, template
            continue
        token = {"csrf_token": web.csrf()}
        for headers in (
            {"Origin": "https://evil.example"},
            {"Origin": "null"},
            {"Sec-Fetch-Site": "cross-site", "Origin": None},
            {"Sec-Fetch-Site": "same-site", "Origin": None},
            {"Origin": None},  # neither header: not a browser page of this app
        ):
            refused = await _send(web, method, path, token, headers)
            assert refused.status_code == 403, (template, headers, refused.status_code)
            assert "This request came from another site" in refused.text, template
            assert "set-cookie" not in refused.headers, template
        missing = await _send(
            web, method, path, {"x": "1"}, {"Sec-Fetch-Site": "same-origin", "Origin": None}, multipart=True
        )
        if template in FLOW_BOUND:
            assert missing.status_code == 400 and "This sign-in has expired" in missing.text, template
        else:
            assert missing.status_code == 403 and "This form has expired" in missing.text, (template, missing.text)
        assert "set-cookie" not in missing.headers, template
        checked.append(template)
    # Nothing changed: still signed in with the same cookies, the tenant onboarded, no module active.
    assert dict(web.client.cookies) == cookies
    record = web.registry.get(web.tenant("contoso").tenant_id)
    assert record is not None and not record.modules
    assert {"/signout", "/tenant/offboard", "/data/refresh", "/compare/drift"} <= set(checked)


async def test_same_origin_requests_still_work_with_either_header(web) -> None:
    await web.onboarded_admin()
    fetch = await _send(
        web,
        "POST",
        "/tenant/modules/bulk-assign/activate",
        {"csrf_token": web.csrf()},
        {"Sec-Fetch-Site": "same-origin", "Origin": None},
    )
    assert fetch.status_code == 303, fetch.text
    origin_only = await _send(web, "POST", "/signout", {"csrf_token": web.csrf()}, {"Origin": "https://testserver"})
    assert origin_only.status_code == 303


async def test_a_bearer_request_needs_no_origin(web) -> None:
    await web.onboarded_admin()
    token = web.demo.entra.issue_api_token_for(
        web.tenant("contoso").tenant_id,
        next(o.user_id for o in web.tenant("contoso").operators if o.role == "admin" and o.enabled),
        base_url=web.emulator.base_url,
    )
    async with httpx.AsyncClient(transport=web.client._transport, base_url="https://testserver") as bare:
        answer = await bare.post("/api/v1/assignments/plan", json={}, headers={"Authorization": f"Bearer {token}"})
    # Served (202: the tenant is still being read) rather than refused as cross-site.
    assert answer.status_code in (200, 202, 400, 422) and "another site" not in answer.text, answer.text
