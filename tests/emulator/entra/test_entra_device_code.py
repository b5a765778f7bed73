"""Device code: start, pending, approval (API and pages), decline, expiry, one-time redemption."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from intune_assistant.emulator.entra import EntraError

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


async def _start(
    env: Any, scope: str = "Group.Read.All offline_access openid profile", tenant: str | None = None
) -> dict[str, Any]:
    response = await env.client.post(
        f"/{tenant or env.CONTOSO}/oauth2/v2.0/devicecode", data={"client_id": env.regs.cli.client_id, "scope": scope}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _poll(env: Any, flow: dict[str, Any], tenant: str | None = None) -> Any:
    return await env.client.post(
        f"/{tenant or env.CONTOSO}/oauth2/v2.0/token",
        data={"grant_type": DEVICE_GRANT, "client_id": env.regs.cli.client_id, "device_code": flow["device_code"]},
    )


async def test_device_flow_pending_then_approved(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, ["Group.Read.All"], client_id=env.regs.cli.client_id)
    flow = await _start(env)
    assert flow["verification_uri"] == f"{env.BASE}/devicelogin"
    assert flow["interval"] == 5 and flow["expires_in"] == 900 and len(flow["user_code"]) == 9
    assert flow["user_code"] in flow["message"] and flow["verification_uri"] in flow["message"]
    pending = await _poll(env, flow)
    assert pending.status_code == 400
    assert pending.json()["error"] == "authorization_pending" and pending.json()["error_codes"] == [70016]
    env.entra.approve_device_code(flow["user_code"], env.READER)
    tokens = (await _poll(env, flow)).json()
    claims = env.claims_of(tokens["access_token"])
    assert claims["appid"] == env.regs.cli.client_id and claims["appidacr"] == "0"
    assert claims["scp"] == "Group.Read.All" and claims["oid"] == env.READER
    assert "refresh_token" in tokens and "id_token" in tokens
    again = await _poll(env, flow)
    assert again.json()["error"] == "invalid_grant"
    assert [e.outcome for e in env.entra.token_log] == ["authorization_pending:70016", "ok", "invalid_grant:9002313"]


async def test_device_flow_through_the_pages(env: Any) -> None:
    flow = await _start(env, scope=f"{env.api_scope} offline_access")
    form = await env.client.get("/devicelogin")
    assert form.status_code == 200 and 'name="otc"' in form.text
    wrong = await env.client.post("/devicelogin", data={"otc": "NOPE"})
    assert wrong.status_code == 400
    page = await env.client.post("/devicelogin", data={"otc": flow["user_code"].lower()})
    assert "Intune Assistant CLI" in page.text
    done = await env.pick(page, env.CONTOSO, env.ADMIN)
    assert done.status_code == 200 and "signed in" in done.text
    tokens = (await _poll(env, flow)).json()
    assert env.claims_of(tokens["access_token"])["aud"] == env.regs.api.client_id


async def test_the_cli_gets_the_api_scope_as_a_pre_authorized_client(make_env: Any) -> None:
    """The API app pre-authorizes the CLI (``preAuthorizedApplications``): no consent of its own is
    needed; an API that does not pre-authorize it answers AADSTS65001 at redemption."""
    env = make_env()
    assert env.regs.cli.client_id in env.regs.api.pre_authorized_applications
    flow = await _start(env, scope=env.api_scope)
    env.entra.approve_device_code(flow["user_code"], env.ADMIN)
    claims = env.claims_of((await _poll(env, flow)).json()["access_token"])
    assert claims["azp"] == env.regs.cli.client_id and claims["scp"] == "access_as_user"
    assert claims["aud"] == env.regs.api.client_id and claims["iss"] == f"{env.BASE}/{env.CONTOSO}/v2.0"
    env.entra.registrations = replace(
        env.regs, api=replace(env.regs.api, pre_authorized_applications=(env.regs.frontend.client_id,))
    )
    refused = await _start(env, scope=env.api_scope)
    env.entra.approve_device_code(refused["user_code"], env.ADMIN)
    assert (await _poll(env, refused)).json()["error_codes"] == [65001]


async def test_a_claims_challenge_makes_the_device_sign_in_a_step_up(env: Any) -> None:
    """The API token carries MFA when the device-code request answers a claims challenge (an API
    relayed it), without one it does not: the demo policy asks MFA for Graph only."""
    plain = await _start(env, scope=env.api_scope)
    env.entra.approve_device_code(plain["user_code"], env.MFA_ADMIN)
    plain_uti = env.claims_of((await _poll(env, plain)).json()["access_token"])["uti"]
    # An API token shows no amr: the emulator remembers by uti whether On-Behalf-Of may count MFA.
    assert not env.entra.core.minter.had_mfa(plain_uti)
    response = await env.client.post(
        f"/{env.CONTOSO}/oauth2/v2.0/devicecode",
        data={
            "client_id": env.regs.cli.client_id,
            "scope": env.api_scope,
            "claims": '{"access_token":{"acrs":{"essential":true,"value":"p1"}}}',
        },
    )
    stepped = response.json()
    env.entra.approve_device_code(stepped["user_code"], env.MFA_ADMIN)
    assert env.entra.core.minter.had_mfa(env.claims_of((await _poll(env, stepped)).json()["access_token"])["uti"])


async def test_device_flow_declined_and_expired(env: Any) -> None:
    declined = await _start(env)
    page = await env.client.post("/devicelogin", data={"otc": declined["user_code"]})
    action, request_id = env.form_fields(page.text)
    await env.client.post(action, data={"request": request_id, "cancel": "1"})
    assert (await _poll(env, declined)).json()["error"] == "authorization_declined"
    expired = await _start(env)
    env.clock.advance(901)
    assert (await _poll(env, expired)).json()["error"] == "expired_token"
    with pytest.raises(EntraError):
        env.entra.approve_device_code(expired["user_code"], env.ADMIN)


async def test_device_flow_consent_mfa_and_gdap(env: Any) -> None:
    flow = await _start(env)
    env.entra.approve_device_code(flow["user_code"], env.ADMIN)
    assert (await _poll(env, flow)).json()["error_codes"] == [65001]  # the CLI has no consent yet
    env.entra.grant_consent(env.CONTOSO, ["Group.Read.All"], client_id=env.regs.cli.client_id)
    mfa = await _start(env)
    env.entra.approve_device_code(mfa["user_code"], env.MFA_ADMIN)
    assert env.claims_of((await _poll(env, mfa)).json()["access_token"])["amr"] == ["pwd", "mfa"]
    tech = await _start(env)
    env.entra.approve_device_code(tech["user_code"], env.TECH)
    claims = env.claims_of((await _poll(env, tech)).json()["access_token"])
    assert claims["tid"] == env.CONTOSO and claims["oid"] == "" and claims["wids"][0] == env.GDAP_INDICATOR
    refused = await _start(env, tenant=env.FABRIKAM)
    with pytest.raises(EntraError) as no_access:
        env.entra.approve_device_code(refused["user_code"], env.TECH)
    assert no_access.value.code == 50020


async def test_only_the_public_client_may_use_device_code(env: Any) -> None:
    response = await env.client.post(
        f"/{env.CONTOSO}/oauth2/v2.0/devicecode", data={"client_id": env.regs.frontend.client_id, "scope": "openid"}
    )
    assert response.json()["error"] == "unsupported_grant_type"


async def test_interval_option(make_env: Any) -> None:
    env = make_env(device_code_interval_s=1)
    assert (await _start(env))["interval"] == 1
