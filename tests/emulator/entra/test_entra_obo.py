"""On-Behalf-Of: v1 Graph tokens, consent, MFA claims challenge, disabled users, forged assertions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from intune_assistant.emulator.tokens import ClaimsChallenge, TestTokenIssuer


async def _api_token(env: Any, user: str) -> str:
    return str((await env.api_tokens(user))["access_token"])


async def test_obo_gives_a_v1_graph_token(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    assertion = await _api_token(env, env.ADMIN)
    response = await env.obo(assertion)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {
        "token_type",
        "scope",
        "expires_in",
        "ext_expires_in",
        "access_token",
        "refresh_token",
        "client_info",
    }
    assert body["scope"] == " ".join(env.READ_SCOPES)
    claims = env.claims_of(body["access_token"])
    assert claims["aud"] == "https://graph.microsoft.com"
    assert claims["iss"] == f"https://sts.windows.net/{env.CONTOSO}/"
    assert claims["ver"] == "1.0" and claims["appid"] == env.regs.api.client_id
    assert claims["scp"] == " ".join(env.READ_SCOPES)
    assert claims["tid"] == env.CONTOSO and claims["oid"] == env.ADMIN
    assert claims["upn"] == "ada@contoso.example" and claims["name"] == "Ada Admin"
    assert claims["wids"] == ["62e90394-69f5-4237-9190-012177145e10"]
    assert env.entra.graph_verifier().verify(body["access_token"])["oid"] == env.ADMIN
    entry = env.entra.token_log[-1]
    assert entry[:4] == ("urn:ietf:params:oauth:grant-type:jwt-bearer", env.CONTOSO, env.regs.api.client_id, env.ADMIN)
    assert entry.outcome == "ok"


async def test_obo_with_prefixed_and_default_scopes(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, ["https://graph.microsoft.com/Group.Read.All"])
    assertion = await _api_token(env, env.ADMIN)
    prefixed = (await env.obo(assertion, "https://graph.microsoft.com/group.read.all")).json()
    assert env.claims_of(prefixed["access_token"])["scp"] == "Group.Read.All"
    assert prefixed["scope"] == "https://graph.microsoft.com/group.read.all"
    default = (await env.obo(assertion, "https://graph.microsoft.com/.default")).json()
    assert env.claims_of(default["access_token"])["scp"] == "Group.Read.All"


async def test_consent_required(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, ["Group.Read.All"])
    assertion = await _api_token(env, env.ADMIN)
    response = await env.obo(assertion)  # asks for DeviceManagementConfiguration.Read.All too
    body = response.json()
    assert response.status_code == 400
    assert body["error"] == "invalid_grant" and body["error_codes"] == [65001]
    assert body["suberror"] == "consent_required"
    assert body["error_description"].startswith(
        f"AADSTS65001: The user or administrator has not consented to use the application with ID "
        f"'{env.regs.api.client_id}' named 'Intune Assistant API'. Send an interactive authorization request"
    )
    assert {"timestamp", "trace_id", "correlation_id"} <= body.keys()
    assert env.entra.token_log[-1].outcome == "invalid_grant:65001"
    nothing = await env.obo(assertion, "https://graph.microsoft.com/.default", tenant=env.CONTOSO)
    assert nothing.status_code == 200  # .default = the one consented scope


async def test_default_without_any_consent(env: Any) -> None:
    assertion = await _api_token(env, env.ADMIN)
    response = await env.obo(assertion, "https://graph.microsoft.com/.default")
    assert response.json()["error_codes"] == [65001]


async def test_consent_is_per_tenant_and_revocable(env: Any) -> None:
    env.entra.grant_consent(env.FABRIKAM, env.READ_SCOPES)
    assertion = await _api_token(env, env.ADMIN)
    assert (await env.obo(assertion)).json()["error_codes"] == [65001]
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    first = await env.obo(assertion)
    assert first.status_code == 200
    env.entra.revoke_consent(env.CONTOSO)
    assert env.entra.consented_scopes(env.CONTOSO) == ()
    assert (await env.obo(assertion)).json()["error_codes"] == [65001]
    # The Graph refresh token also stops working.
    refresh = await env.client.post(
        f"/{env.CONTOSO}/oauth2/v2.0/token",
        data={
            "client_id": env.regs.api.client_id,
            "client_secret": env.regs.api.client_secret,
            "grant_type": "refresh_token",
            "refresh_token": first.json()["refresh_token"],
            "scope": " ".join(env.READ_SCOPES) + " offline_access",
        },
    )
    assert refresh.json()["error_codes"] == [65001]


def test_grant_consent_only_for_configured_scopes(env: Any) -> None:
    with pytest.raises(ValueError, match=r"Mail\.Read"):
        env.entra.grant_consent(env.CONTOSO, ["Mail.Read"])
    granted = env.entra.grant_consent(env.CONTOSO, ["group.read.all"])
    assert granted == ("Group.Read.All",)
    assert env.entra.grant_consent(env.CONTOSO, ["Group.ReadWrite.All"]) == ("Group.Read.All", "Group.ReadWrite.All")


async def test_preconsented_option(make_env: Any) -> None:
    env = make_env(preconsented={"11111111-1111-4111-8111-111111111111": ["Group.Read.All"]})
    assert env.entra.consented_scopes(env.CONTOSO) == ("Group.Read.All",)
    assertion = await _api_token(env, env.ADMIN)
    assert (await env.obo(assertion, "Group.Read.All")).status_code == 200


async def test_mfa_user_gets_a_claims_challenge_then_steps_up(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    assertion = await _api_token(env, env.MFA_ADMIN)
    response = await env.obo(assertion)
    body = response.json()
    assert response.status_code == 400
    assert body["error"] == "interaction_required" and body["error_codes"] == [50079]
    claims = json.loads(body["claims"])
    assert claims["access_token"]["polids"]["essential"] is True
    # The frontend sends the user back with the challenge; the sign-in performs MFA.
    redirect, verifier = await env.sign_in(env.MFA_ADMIN, claims=body["claims"])
    stepped_up = (await env.redeem(redirect["code"], verifier)).json()["access_token"]
    graph = await env.obo(stepped_up)
    assert graph.status_code == 200
    assert env.claims_of(graph.json()["access_token"])["amr"] == ["pwd", "mfa"]


async def test_disabled_user(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    assertion = await _api_token(env, env.READER)
    env.tenants[env.CONTOSO].operators[1].enabled = False
    body = (await env.obo(assertion)).json()
    assert body["error"] == "invalid_grant" and body["error_codes"] == [50057]


async def test_forged_assertions(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    foreign = TestTokenIssuer()
    wrong_key = foreign.sign(
        {
            "aud": env.regs.api.client_id,
            "iss": f"{env.BASE}/{env.CONTOSO}/v2.0",
            "tid": env.CONTOSO,
            "oid": env.ADMIN,
            "scp": "access_as_user",
            "ver": "2.0",
            "exp": int(env.clock()) + 600,
            "nbf": int(env.clock()),
        }
    )
    body = (await env.obo(wrong_key)).json()
    assert body["error_codes"] == [50013] and "The key was not found" in body["error_description"]
    tokens = await env.api_tokens(env.ADMIN)
    # An id token (aud = the frontend) is not an assertion for the API.
    wrong_aud = (await env.obo(tokens["id_token"])).json()
    assert wrong_aud["error_codes"] == [50013]
    assert "Assertion audience does not match" in wrong_aud["error_description"]
    # A Graph token is not either (v1, sts.windows.net issuer).
    graph = env.entra.issue_graph_token_for(env.CONTOSO, env.ADMIN, ["Group.Read.All"])
    assert (await env.obo(graph)).json()["error_codes"] == [50013]
    # A tampered payload fails the signature.
    head, payload, signature = tokens["access_token"].split(".")
    tampered = f"{head}.{payload[:-4]}AAAA.{signature}"
    assert (await env.obo(tampered)).json()["error"] == "invalid_grant"
    assert (await env.obo("not-a-jwt")).json()["error"] == "invalid_grant"
    # Expired (beyond the five minutes of skew).
    env.clock.advance(3600 + 301)
    expired = (await env.obo(tokens["access_token"])).json()
    assert expired["error_codes"] == [500133]


async def test_tenant_of_the_url_must_be_the_assertions(env: Any) -> None:
    env.entra.grant_consent(env.FABRIKAM, env.READ_SCOPES)
    assertion = await _api_token(env, env.ADMIN)
    # Another tenant's authority: a member may reach it only through GDAP (AADSTS50020 without).
    other = (await env.obo(assertion, tenant=env.FABRIKAM)).json()
    assert other["error_codes"] == [50020]
    for alias in ("common", "organizations"):
        assert (await env.obo(assertion, tenant=alias)).json()["error_codes"] == [50059]


async def test_obo_client_rules(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    assertion = await _api_token(env, env.ADMIN)
    wrong_secret = await env.obo(assertion, client_secret="nope")
    assert wrong_secret.status_code == 401
    missing = await env.obo(assertion, requested_token_use="")
    assert missing.json()["error_codes"] == [900144]
    not_graph = await env.obo(assertion, f"api://{env.regs.api.client_id}/access_as_user")
    assert not_graph.json()["error"] == "invalid_scope"
    unknown_resource = await env.obo(assertion, "https://management.azure.com/user_impersonation")
    assert unknown_resource.json()["error_codes"] == [500011]


async def test_api_token_from_another_host_is_trusted(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    token = env.entra.issue_api_token_for(env.CONTOSO, env.ADMIN, base_url="https://127.0.0.1:9443")
    assert env.claims_of(token)["iss"] == f"https://127.0.0.1:9443/{env.CONTOSO}/v2.0"
    assert (await env.obo(token)).status_code == 200


def test_issue_graph_token_for_applies_the_same_rules(env: Any) -> None:
    from intune_assistant.emulator.entra import EntraError

    with pytest.raises(EntraError) as no_consent:
        env.entra.issue_graph_token_for(env.CONTOSO, env.ADMIN, ["Group.Read.All"])
    assert no_consent.value.code == 65001
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    token = env.entra.issue_graph_token_for(env.CONTOSO, env.READER, ["Group.Read.All"])
    assert env.claims_of(token)["scp"] == "Group.Read.All"
    with pytest.raises(EntraError) as mfa:
        env.entra.issue_graph_token_for(env.CONTOSO, env.MFA_ADMIN, ["Group.Read.All"])
    assert mfa.value.code == 50079
    assert env.entra.issue_graph_token_for(env.CONTOSO, env.MFA_ADMIN, ["Group.Read.All"], mfa=True)
    with pytest.raises(EntraError) as disabled:
        env.entra.issue_graph_token_for(env.CONTOSO, env.DISABLED, ["Group.Read.All"])
    assert disabled.value.code == 50057
    outcomes = [e.outcome for e in env.entra.token_log if e.grant_type == "direct"]
    assert outcomes == ["invalid_grant:65001", "ok", "interaction_required:50079", "ok", "invalid_grant:50057"]


async def test_after_revoked_sessions_graph_challenges_a_cae_token_and_accepts_one_without_cae(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    assertion = await _api_token(env, env.ADMIN)
    capable = json.dumps({"access_token": {"xms_cc": {"values": ["CP1"]}}})
    cae = (await env.obo(assertion, claims=capable)).json()["access_token"]
    plain = (await env.obo(assertion)).json()["access_token"]
    assert env.claims_of(cae)["xms_cc"] == ["CP1"] and "xms_cc" not in env.claims_of(plain)
    verifier = env.entra.graph_verifier()
    assert verifier.verify(cae)["oid"] == env.ADMIN  # before the revocation both stand
    env.clock.advance(60)
    env.entra.revoke_sessions(env.CONTOSO, env.ADMIN)
    with pytest.raises(ClaimsChallenge) as challenge:
        verifier.verify(cae)
    assert challenge.value.nbf <= env.clock()
    # Without CAE a token stays valid until it expires, as in Entra.
    assert verifier.verify(plain)["oid"] == env.ADMIN
    # A new OBO from the same (pre-revocation) assertion belongs to the same sign-in: still challenged.
    again = (await env.obo(assertion, claims=capable)).json()["access_token"]
    with pytest.raises(ClaimsChallenge):
        verifier.verify(again)
    # A sign-in after the revocation is not challenged.
    env.clock.advance(1)
    renewed = (await env.obo(await _api_token(env, env.ADMIN), claims=capable)).json()["access_token"]
    assert verifier.verify(renewed)["oid"] == env.ADMIN
