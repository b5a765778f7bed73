"""Security headers, CSRF refusals, error pages without stack traces, the JSON API's 401."""

from __future__ import annotations

import re

EXPECTED = {
    "content-security-policy": "script-src 'self'",
    "strict-transport-security": "max-age=",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def _check_headers(response) -> None:  # type: ignore[no-untyped-def]
    for name, fragment in EXPECTED.items():
        assert fragment in response.headers.get(name, ""), (name, response.headers.get(name))
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert re.fullmatch(r"[0-9a-f-]{36}", response.headers["x-correlation-id"])


async def test_security_headers_on_every_kind_of_response(web) -> None:
    for path in ("/", "/static/app.css", "/signin", "/policies", "/does-not-exist", "/api/v1/me", "/healthz"):
        response = await web.client.get(path)
        _check_headers(response)
    page = await web.client.get("/")
    assert page.headers["cache-control"] == "no-store"
    assert "<script>" not in page.text and " onclick=" not in page.text


async def test_state_changing_requests_need_the_session_csrf_token(web) -> None:
    await web.onboarded_admin()
    before = dict(web.client.cookies)
    for path in ("/signout", "/tenant/modules/bulk-assign/activate", "/tenant/offboard", "/onboarding/start"):
        for data in ({}, {"csrf_token": "forged"}):
            refused = await web.client.post(path, data=data)
            assert refused.status_code == 403, (path, refused.status_code)
            assert "This form has expired" in refused.text
            assert "set-cookie" not in refused.headers
    # Nothing changed: still signed in, tenant still onboarded, no module active.
    assert dict(web.client.cookies) == before
    record = web.registry.get(web.tenant("contoso").tenant_id)
    assert record is not None and not record.modules
    # The header form (htmx) works like the field.
    ok = await web.client.post("/signout", headers={"X-CSRF-Token": web.csrf()})
    assert ok.status_code == 303


async def test_errors_are_pages_with_a_correlation_id_never_a_trace(web) -> None:
    async def boom() -> None:
        raise RuntimeError("secret internals eyJhbGciOi")

    web.app.add_api_route("/boom", boom)
    response = await web.client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "Traceback" not in response.text and "secret internals" not in response.text
    assert response.headers["x-correlation-id"] in response.text
    missing = await web.client.get("/nowhere")
    assert missing.status_code == 404 and "Page not found" in missing.text


async def test_json_api_needs_a_bearer_token(web) -> None:
    response = await web.client.get("/api/v1/policies")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    bad = await web.client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


async def test_a_tampered_session_cookie_is_a_signed_out_request(web) -> None:
    await web.onboarded_admin()
    name = web.app.state.web.cookies.session_name
    value = web.client.cookies[name]
    web.client.cookies.clear()
    web.client.cookies.set(name, value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB"))
    response = await web.client.get("/policies")
    assert response.status_code == 303 and response.headers["location"].startswith("/signin?")
