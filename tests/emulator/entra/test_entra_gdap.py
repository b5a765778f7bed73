"""GDAP: partner technicians sign in with the customer tenant's authority."""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

import pytest

from intune_assistant.emulator.entra import EntraError

INTUNE_ADMINISTRATOR = "3a2c62db-5318-420d-8d74-23affee5d9d5"


async def test_technician_tokens_have_the_customer_tenant_and_partner_identity(env: Any) -> None:
    tokens = await env.api_tokens(env.TECH, tenant=env.CONTOSO, home=env.PARTNER)
    claims = env.claims_of(tokens["access_token"])
    assert claims["tid"] == env.CONTOSO
    assert claims["iss"] == f"{env.BASE}/{env.CONTOSO}/v2.0"
    assert claims["idp"] == f"https://sts.windows.net/{env.PARTNER}/"
    assert claims["oid"] == ""
    assert claims["aai"] == f"tenant: {env.PARTNER}, object: {env.TECH}"
    assert claims["wids"] == [env.GDAP_INDICATOR, INTUNE_ADMINISTRATOR]  # the group's role, not the relationship's GA
    assert claims["preferred_username"] == "tess@partner.example"
    # MSAL's account is the technician's home account.
    padded = tokens["client_info"] + "=" * (-len(tokens["client_info"]) % 4)
    assert json.loads(base64.urlsafe_b64decode(padded)) == {"uid": env.TECH, "utid": env.PARTNER}

    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    graph = (await env.obo(tokens["access_token"])).json()
    graph_claims = env.entra.graph_verifier().verify(graph["access_token"])
    assert graph_claims["tid"] == env.CONTOSO and graph_claims["oid"] == ""
    assert graph_claims["iss"] == f"https://sts.windows.net/{env.CONTOSO}/"
    assert graph_claims["idp"] == f"https://sts.windows.net/{env.PARTNER}/"
    assert graph_claims["aai"] == claims["aai"]
    assert graph_claims["wids"] == [env.GDAP_INDICATOR, INTUNE_ADMINISTRATOR]
    assert "upn" not in graph_claims and graph_claims["unique_name"] == "tess@partner.example"
    assert env.entra.token_log[-1].user == env.TECH


async def test_technician_without_an_active_relationship_is_refused(env: Any) -> None:
    # tom is only in a terminated relationship (fabrikam); tess has none for fabrikam.
    for tenant, user, upn in (
        (env.FABRIKAM, env.TECH2, "tom@partner.example"),
        (env.FABRIKAM, env.TECH, "tess@partner.example"),
    ):
        page, _ = await env.authorize(tenant, prompt="login", login_hint=upn)
        assert upn in page.text  # offered because of the hint
        response = await env.pick(page, env.PARTNER, user)
        assert response.status_code == 400
        assert "AADSTS50020" in response.text
        assert f"from identity provider &#x27;https://sts.windows.net/{env.PARTNER}/&#x27;" in response.text


async def test_partner_tenant_sign_in_is_a_normal_member_sign_in(env: Any) -> None:
    tokens = await env.api_tokens(env.TECH, tenant=env.PARTNER)
    claims = env.claims_of(tokens["access_token"])
    assert claims["tid"] == env.PARTNER and claims["oid"] == env.TECH and "idp" not in claims


async def test_ending_the_relationship_stops_obo(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    tokens = await env.api_tokens(env.TECH, tenant=env.CONTOSO, home=env.PARTNER)
    assert (await env.obo(tokens["access_token"])).status_code == 200
    env.tenants[env.PARTNER].objects["gdapRelationships"][0]["status"] = "terminated"
    refused = (await env.obo(tokens["access_token"])).json()
    assert refused["error_codes"] == [50020]
    page, _ = await env.authorize(prompt="login")
    assert "tess@partner.example" not in page.text


async def test_removing_the_technician_from_the_group_or_the_assignment(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    relationship = env.tenants[env.PARTNER].objects["gdapRelationships"][0]
    # The status decides, not endDateTime (synthetic tenants carry fixed dates).
    relationship["endDateTime"] = "2020-01-01T00:00:00Z"
    assert env.entra.issue_graph_token_for(env.CONTOSO, env.TECH, ["Group.Read.All"])
    relationship["accessAssignments"][0]["status"] = "deleting"
    with pytest.raises(EntraError) as inactive:
        env.entra.issue_graph_token_for(env.CONTOSO, env.TECH, ["Group.Read.All"])
    assert inactive.value.code == 50020
    relationship["accessAssignments"][0]["status"] = "active"
    env.tenants[env.PARTNER].objects["groups"][0]["members"] = []
    page, _ = await env.authorize(prompt="login")
    assert "tess@partner.example" not in page.text


async def test_prompt_none_for_a_partner_session_in_a_tenant_without_access(env: Any) -> None:
    await env.sign_in(env.TECH, tenant=env.CONTOSO, home=env.PARTNER)
    silent, _ = await env.authorize(env.CONTOSO, prompt="none")
    assert "code" in env.query_of(silent.headers["location"])
    refused, _ = await env.authorize(env.FABRIKAM, prompt="none")
    params = env.query_of(refused.headers["location"])
    assert params["error"] == "interaction_required" and params["error_description"].startswith("AADSTS50020")


async def test_technician_admin_consent_needs_a_consent_role(env: Any) -> None:
    url = f"/{env.CONTOSO}/v2.0/adminconsent?" + urlencode(
        {
            "client_id": env.regs.api.client_id,
            "scope": "Group.Read.All",
            "redirect_uri": env.regs.api.redirect_uris[0],
        }
    )
    page = await env.client.get(url)
    response = await env.pick(page, env.PARTNER, env.TECH)
    # Intune Administrator through GDAP cannot grant tenant-wide consent.
    assert env.query_of(response.headers["location"])["error"] == "consent_required"


async def test_partner_members_token_is_exchanged_at_the_customers_authority(env: Any) -> None:
    """On-Behalf-Of with the partner user's own API token, at the customer's authority: a Graph
    token issued by the customer, naming the partner account, with the GDAP roles."""
    tokens = await env.api_tokens(env.TECH, tenant=env.PARTNER)
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    graph = (await env.obo(tokens["access_token"], tenant=env.CONTOSO)).json()
    claims = env.entra.graph_verifier().verify(graph["access_token"])
    assert claims["tid"] == env.CONTOSO and claims["oid"] == ""
    assert claims["aai"] == f"tenant: {env.PARTNER}, object: {env.TECH}"
    assert claims["wids"] == [env.GDAP_INDICATOR, INTUNE_ADMINISTRATOR]
    # No consent in the customer: AADSTS65001; no active relationship there: AADSTS50020.
    env.entra.revoke_consent(env.CONTOSO)
    assert (await env.obo(tokens["access_token"], tenant=env.CONTOSO)).json()["error_codes"] == [65001]
    env.entra.grant_consent(env.FABRIKAM, env.READ_SCOPES)
    assert (await env.obo(tokens["access_token"], tenant=env.FABRIKAM)).json()["error_codes"] == [50020]
    # A technician's token (already the customer's) is no key to another tenant.
    technician = await env.api_tokens(env.TECH, tenant=env.CONTOSO, home=env.PARTNER)
    assert (await env.obo(technician["access_token"], tenant=env.FABRIKAM)).json()["error_codes"] == [50013]
