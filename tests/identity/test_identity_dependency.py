"""The FastAPI dependency: bearer token in, Principal out, AuthError as ``{"error": ...}`` JSON."""

# No ``from __future__ import annotations`` here: FastAPI must see the route's real annotations
# (the dependency is a local variable of ``make_app``).
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Request

from intune_assistant.identity.principal import Principal
from intune_assistant.identity.validation import AuthError, bearer_principal, install_auth_error_handler

from .conftest import Demo


def make_app(demo: Demo, *, install: bool = True) -> FastAPI:
    validator = demo.validator()
    app = FastAPI()
    if install:
        install_auth_error_handler(app)
    current = bearer_principal(validator, expected_tenant=lambda request: request.headers.get("x-tenant"))

    @app.get("/me")
    async def me(principal: Annotated[Principal, Depends(current)], request: Request) -> dict[str, Any]:
        assert request.state.principal is principal
        return {"tenant": principal.tenant_id, "user": principal.user_key}

    return app


@pytest.fixture
async def client(demo: Demo) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=make_app(demo))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as found:
        yield found


async def test_valid_bearer_token_gives_the_principal(demo: Demo, client: httpx.AsyncClient) -> None:
    admin = demo.operator("contoso")
    response = await client.get("/me", headers={"Authorization": f"Bearer {demo.api_token('contoso', admin)}"})
    assert response.status_code == 200
    assert response.json() == {"tenant": demo.tenant_id("contoso"), "user": admin.user_id}


async def test_missing_token_is_401_with_a_bare_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "missing_token"


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "Bearer abc"])
async def test_malformed_authorization_is_401(client: httpx.AsyncClient, header: str) -> None:
    response = await client.get("/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == "invalid_token" and body["error"]["message"]


async def test_selected_tenant_mismatch_is_403(demo: Demo, client: httpx.AsyncClient) -> None:
    token = demo.api_token("contoso", demo.operator("contoso"))
    headers = {"Authorization": f"Bearer {token}", "X-Tenant": demo.tenant_id("fabrikam")}
    response = await client.get("/me", headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "tenant_mismatch"
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]


async def test_without_the_handler_status_and_challenge_still_hold(demo: Demo) -> None:
    transport = httpx.ASGITransport(app=make_app(demo, install=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as bare:
        response = await bare.get("/me", headers={"Authorization": "Bearer a.b.c"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')


def test_challenge_header_is_rfc6750_safe() -> None:
    error = AuthError(401, "invalid_token", 'quote " and backslash \\ and newline\nend')
    assert error.www_authenticate == (
        'Bearer error="invalid_token", error_description="quote  and backslash  and newlineend"'
    )
    with pytest.raises(ValueError):
        AuthError(500, "x", "y")
