"""Admin consent: administrators grant tenant-wide, others get consent_required, never on common."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

WRITE = "https://graph.microsoft.com/DeviceManagementConfiguration.ReadWrite.All"


def _consent_url(env: Any, tenant: str, scope: str = WRITE, **overrides: str) -> str:
    query = {
        "client_id": env.regs.api.client_id,
        "scope": scope,
        "redirect_uri": env.regs.api.redirect_uris[0],
        "state": "c-1",
        **overrides,
    }
    return f"/{tenant}/v2.0/adminconsent?{urlencode(query)}"


async def _consent_as(env: Any, tenant: str, home: str, user: str, **overrides: str) -> dict[str, str]:
    page = await env.client.get(_consent_url(env, tenant, **overrides))
    assert page.status_code == 200, page.text
    assert "Permissions requested" in page.text
    response = await env.pick(page, home, user)
    assert response.status_code == 302, response.text
    assert response.headers["location"].startswith(env.regs.api.redirect_uris[0] + "?")
    params: dict[str, str] = env.query_of(response.headers["location"])
    return params


async def test_admin_grants_write_scope_incrementally(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    params = await _consent_as(env, env.CONTOSO, env.CONTOSO, env.ADMIN)
    assert params == {"admin_consent": "True", "tenant": env.CONTOSO, "scope": WRITE, "state": "c-1"}
    assert env.entra.consented_scopes(env.CONTOSO) == (*env.READ_SCOPES, "DeviceManagementConfiguration.ReadWrite.All")


async def test_non_admin_gets_consent_required(env: Any) -> None:
    params = await _consent_as(env, env.CONTOSO, env.CONTOSO, env.READER)
    assert params["error"] == "consent_required"
    assert params["error_description"].startswith("AADSTS65004")
    assert params["state"] == "c-1"
    assert env.entra.consented_scopes(env.CONTOSO) == ()


async def test_common_is_not_available(env: Any) -> None:
    response = await env.client.get(_consent_url(env, "common"))
    assert response.status_code == 400 and "AADSTS90130" in response.text
    assert "location" not in response.headers


async def test_organizations_consents_for_the_admins_home_tenant(env: Any) -> None:
    params = await _consent_as(env, "organizations", env.FABRIKAM, env.FAB_ADMIN)
    assert params["tenant"] == env.FABRIKAM
    assert env.entra.consented_scopes(env.FABRIKAM) == ("DeviceManagementConfiguration.ReadWrite.All",)
    assert env.entra.consented_scopes(env.CONTOSO) == ()


async def test_default_grants_every_configured_permission(env: Any) -> None:
    await _consent_as(env, env.CONTOSO, env.CONTOSO, env.ADMIN, scope="https://graph.microsoft.com/.default")
    assert set(env.entra.consented_scopes(env.CONTOSO)) == set(env.regs.api.graph_permissions())


async def test_unconfigured_scope_and_bad_redirect(env: Any) -> None:
    response = await env.client.get(_consent_url(env, env.CONTOSO, scope="https://graph.microsoft.com/Mail.Read"))
    params = env.query_of(response.headers["location"])
    assert params["error"] == "invalid_scope" and params["state"] == "c-1"
    bad = await env.client.get(_consent_url(env, env.CONTOSO, redirect_uri="https://evil.example/"))
    assert bad.status_code == 400 and "AADSTS50011" in bad.text
    no_scope = await env.client.get(_consent_url(env, env.CONTOSO, scope=""))
    assert env.query_of(no_scope.headers["location"])["error_description"].startswith("AADSTS900144")


async def test_only_directory_roles_that_can_consent_may_grant_admin_consent(env: Any) -> None:
    # Entra's rule: an Intune Administrator (product role "admin") cannot grant tenant-wide consent.
    refused = await _consent_as(env, env.CONTOSO, env.CONTOSO, env.INTUNE_ONLY)
    assert refused["error"] == "consent_required" and "AADSTS65004" in refused["error_description"]
    assert env.entra.consented_scopes(env.CONTOSO) == ()
    allowed = await _consent_as(env, env.CONTOSO, env.CONTOSO, env.ADMIN)
    assert allowed["admin_consent"] == "True" and env.entra.consented_scopes(env.CONTOSO)


@pytest.mark.parametrize(
    "role",
    [
        "62e90394-69f5-4237-9190-012177145e10",  # Global Administrator
        "e8611ab8-c189-46e8-94e1-60213ab1f814",  # Privileged Role Administrator
        "158c047a-c907-4556-b7ef-446551a6b5f7",  # Cloud Application Administrator
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",  # Application Administrator
    ],
)
async def test_each_consent_capable_role_may_grant_delegated_graph_permissions(env: Any, role: str) -> None:
    ian = next(o for o in env.tenants[env.CONTOSO].operators if o.user_id == env.INTUNE_ONLY)
    ian.wids = (role,)
    allowed = await _consent_as(env, env.CONTOSO, env.CONTOSO, env.INTUNE_ONLY)
    assert allowed["admin_consent"] == "True"


async def test_consent_then_obo_works(env: Any) -> None:
    assertion = (await env.api_tokens(env.ADMIN))["access_token"]
    assert (await env.obo(assertion, WRITE)).json()["error_codes"] == [65001]
    await _consent_as(env, env.CONTOSO, env.CONTOSO, env.ADMIN)
    granted = await env.obo(assertion, WRITE)
    assert env.claims_of(granted.json()["access_token"])["scp"] == "DeviceManagementConfiguration.ReadWrite.All"


async def test_cli_consent(env: Any) -> None:
    url = f"/{env.CONTOSO}/v2.0/adminconsent?" + urlencode(
        {"client_id": env.regs.cli.client_id, "scope": "Group.Read.All", "redirect_uri": "http://localhost"}
    )
    response = await env.client.get(url)
    assert response.status_code == 400 and "AADSTS50011" in response.text  # the CLI has no redirect URI
    env.entra.grant_consent(env.CONTOSO, ["Group.Read.All"], client_id=env.regs.cli.client_id)
    assert env.entra.consented_scopes(env.CONTOSO, client_id=env.regs.cli.client_id) == ("Group.Read.All",)
    assert env.entra.consented_scopes(env.CONTOSO) == ()
