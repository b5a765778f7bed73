"""Authorize: validation, the sign-in page, SSO session, prompt, login_hint, MFA step-up, logout."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest


async def test_sign_in_page_lists_operators_and_partner_technicians(env: Any) -> None:
    page, _ = await env.authorize(prompt="login")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    html = page.text
    assert '<html lang="en">' in html and "<legend>Pick an account</legend>" in html
    for upn in ("ada@contoso.example", "rita@contoso.example", "dan@contoso.example", "tess@partner.example"):
        assert upn in html
    assert "Partner technician (GDAP)" in html
    # Tom's relationship is with fabrikam and terminated; fabrikam's users are not contoso's.
    assert "tom@partner.example" not in html and "fay@fabrikam.example" not in html
    action, request_id = env.form_fields(html)
    assert action == f"/{env.CONTOSO}/login" and len(request_id) > 30


async def test_code_redirect_echoes_state_and_client_info(env: Any) -> None:
    redirect, _ = await env.sign_in(env.ADMIN)
    assert redirect["state"] == "st-123"
    assert set(redirect) == {"code", "state", "session_state", "client_info"}


async def test_sign_in_form_is_one_time(env: Any) -> None:
    page, _ = await env.authorize(prompt="login")
    first = await env.pick(page, env.CONTOSO, env.ADMIN)
    assert first.status_code == 302
    again = await env.pick(page, env.CONTOSO, env.ADMIN)
    assert again.status_code == 400 and "AADSTS9002313" in again.text


async def test_forged_sign_in_post_is_refused(env: Any) -> None:
    response = await env.client.post(
        f"/{env.CONTOSO}/login", data={"request": "guess", "user": f"{env.CONTOSO}:{env.ADMIN}"}
    )
    assert response.status_code == 400
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"client_id": "00000000-0000-4000-8000-00000000dead"}, "AADSTS700016"),
        ({"redirect_uri": "https://evil.example/cb"}, "AADSTS50011"),
        ({"redirect_uri": None}, "AADSTS900144"),
    ],
)
async def test_client_and_redirect_errors_are_shown_not_redirected(
    env: Any, overrides: dict[str, Any], code: str
) -> None:
    response, _ = await env.authorize(**overrides)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert code in response.text


@pytest.mark.parametrize(
    ("overrides", "error", "code"),
    [
        ({"code_challenge": None}, "invalid_request", "AADSTS900144"),
        ({"code_challenge_method": "plain"}, "invalid_request", "AADSTS900144"),
        ({"code_challenge_method": None}, "invalid_request", "AADSTS900144"),
        ({"response_type": "token"}, "unsupported_response_type", "AADSTS700054"),
        ({"scope": "openid DeviceManagementConfiguration.Read.All"}, "invalid_scope", "AADSTS70011"),
        ({"scope": "openid https://graph.microsoft.com/User.Read"}, "invalid_scope", "AADSTS70011"),
        ({"scope": "openid api://00000000-0000-4000-8000-000000000bad/x"}, "invalid_resource", "AADSTS500011"),
        ({"prompt": "create"}, "invalid_request", "AADSTS9002313"),
        ({"claims": "{not json"}, "invalid_request", "AADSTS9002313"),
    ],
)
async def test_request_errors_redirect_with_state(env: Any, overrides: dict[str, Any], error: str, code: str) -> None:
    response, _ = await env.authorize(**overrides)
    assert response.status_code == 302
    params = env.query_of(response.headers["location"])
    assert response.headers["location"].startswith(env.redirect_uri + "?")
    assert params["error"] == error
    assert params["error_description"].startswith(code)
    assert params["state"] == "st-123"


async def test_several_resources_are_refused(env: Any) -> None:
    response, _ = await env.authorize(scope=f"{env.api_scope} https://graph.microsoft.com/Group.Read.All")
    params = env.query_of(response.headers["location"])
    assert params["error"] == "invalid_scope" and params["error_description"].startswith("AADSTS28000")


async def test_prompt_none_without_session_is_login_required(env: Any) -> None:
    response, _ = await env.authorize(prompt="none")
    params = env.query_of(response.headers["location"])
    assert params["error"] == "login_required"
    assert params["error_description"].startswith("AADSTS50058")


async def test_session_gives_silent_sign_in(env: Any) -> None:
    first, _ = await env.sign_in(env.ADMIN)
    assert env.client.cookies.get("ia_entra_sso")
    silent, verifier = await env.authorize(prompt="none")
    assert silent.status_code == 302
    params = env.query_of(silent.headers["location"])
    assert "code" in params and params["session_state"] == first["session_state"]
    tokens = (await env.redeem(params["code"], verifier)).json()
    assert env.claims_of(tokens["id_token"])["oid"] == env.ADMIN
    # Without prompt the session is used too; with prompt=login the page is shown again.
    assert (await env.authorize())[0].status_code == 302
    assert (await env.authorize(prompt="select_account"))[0].status_code == 200


async def test_login_hint_preselects_and_mismatch_needs_login(env: Any) -> None:
    page, _ = await env.authorize(prompt="login", login_hint="RITA@contoso.example")
    assert page.text.index("rita@contoso.example") < page.text.index("ada@contoso.example")
    assert "autofocus" in page.text
    await env.sign_in(env.ADMIN)
    mismatch, _ = await env.authorize(prompt="none", login_hint="rita@contoso.example")
    assert env.query_of(mismatch.headers["location"])["error"] == "login_required"
    matching, _ = await env.authorize(prompt="none", login_hint="ada@contoso.example")
    assert "code" in env.query_of(matching.headers["location"])
    shown, _ = await env.authorize(login_hint="rita@contoso.example")
    assert shown.status_code == 200


async def test_domain_hint_narrows_organizations_page(env: Any) -> None:
    page, _ = await env.authorize("organizations", prompt="login", domain_hint="fabrikam.example")
    assert "fay@fabrikam.example" in page.text and "ada@contoso.example" not in page.text
    everyone, _ = await env.authorize("organizations", prompt="login")
    assert "fay@fabrikam.example" in everyone.text and "ada@contoso.example" in everyone.text


async def test_organizations_sign_in_uses_the_home_tenant(env: Any) -> None:
    redirect, verifier = await env.sign_in(env.FAB_ADMIN, tenant="organizations", home=env.FABRIKAM)
    tokens = (await env.redeem(redirect["code"], verifier, "organizations")).json()
    claims = env.claims_of(tokens["access_token"])
    assert claims["tid"] == env.FABRIKAM
    assert claims["iss"] == f"{env.BASE}/{env.FABRIKAM}/v2.0"


async def test_disabled_user_cannot_sign_in(env: Any) -> None:
    page, _ = await env.authorize(prompt="login")
    response = await env.pick(page, env.CONTOSO, env.DISABLED)
    assert response.status_code == 400 and "AADSTS50057" in response.text
    assert "set-cookie" not in response.headers


async def test_session_of_a_user_disabled_later_stops_silent_sign_in(env: Any) -> None:
    await env.sign_in(env.READER)
    env.tenants[env.CONTOSO].operators[1].enabled = False
    response, _ = await env.authorize(prompt="none")
    params = env.query_of(response.headers["location"])
    assert params["error"] == "interaction_required" and params["error_description"].startswith("AADSTS50057")


async def test_cancel_returns_access_denied(env: Any) -> None:
    page, _ = await env.authorize(prompt="login")
    action, request_id = env.form_fields(page.text)
    response = await env.client.post(action, data={"request": request_id, "cancel": "1"})
    params = env.query_of(response.headers["location"])
    assert params["error"] == "access_denied" and params["state"] == "st-123"


async def test_fragment_and_form_post_response_modes(env: Any) -> None:
    redirect, _ = await env.sign_in(env.ADMIN, response_mode="fragment")
    assert redirect == {}  # nothing in the query ...
    page, _ = await env.authorize(response_mode="fragment")
    fragment = parse_qs(urlsplit(page.headers["location"]).fragment)
    assert "code" in fragment and fragment["state"] == ["st-123"]
    posted, _ = await env.authorize(response_mode="form_post")
    assert posted.status_code == 200
    assert f'action="{env.redirect_uri}"' in posted.text and 'name="code"' in posted.text
    nonce = posted.headers["content-security-policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in posted.text


async def test_step_up_claims_for_mfa_user(env: Any) -> None:
    # Plain sign-in: no MFA (the demo policy targets Graph, not the API).
    await env.sign_in(env.MFA_ADMIN)
    challenge = json.dumps({"access_token": {"polids": {"essential": True, "values": ["x"]}}})
    silent, _ = await env.authorize(prompt="none", claims=challenge)
    params = env.query_of(silent.headers["location"])
    assert params["error"] == "interaction_required" and params["error_description"].startswith("AADSTS50076")
    page, _ = await env.authorize(claims=challenge)
    assert page.status_code == 200 and "multi-factor authentication" in page.text
    done = await env.pick(page, env.CONTOSO, env.MFA_ADMIN)
    assert done.status_code == 302
    again, _ = await env.authorize(prompt="none", claims=challenge)
    assert "code" in env.query_of(again.headers["location"])


async def test_logout_ends_session_and_redirects_only_to_registered_uris(env: Any) -> None:
    await env.sign_in(env.ADMIN)
    target = env.regs.frontend.post_logout_redirect_uris[0]
    query = urlencode({"post_logout_redirect_uri": target, "state": "bye"})
    response = await env.client.get(f"/{env.CONTOSO}/oauth2/v2.0/logout?{query}")
    assert response.status_code == 302 and response.headers["location"] == f"{target}?state=bye"
    assert 'ia_entra_sso=""' in response.headers["set-cookie"]
    silent, _ = await env.authorize(prompt="none")
    assert env.query_of(silent.headers["location"])["error"] == "login_required"
    elsewhere = await env.client.get(
        f"/{env.CONTOSO}/oauth2/v2.0/logout?{urlencode({'post_logout_redirect_uri': 'https://evil.example/'})}"
    )
    assert elsewhere.status_code == 200 and "You signed out" in elsewhere.text


async def test_api_app_cannot_sign_users_in(env: Any) -> None:
    response, _ = await env.authorize(
        client_id=env.regs.api.client_id, redirect_uri=env.regs.api.redirect_uris[0], scope="openid"
    )
    params = env.query_of(response.headers["location"])
    assert params["error"] == "unauthorized_client"


async def test_scope_is_required(env: Any) -> None:
    response, _ = await env.authorize(scope=None)
    params = env.query_of(response.headers["location"])
    assert params["error"] == "invalid_request" and params["error_description"].startswith("AADSTS900144")


async def test_max_age_forces_a_fresh_sign_in(env: Any) -> None:
    await env.sign_in(env.ADMIN)
    env.clock.advance(120)
    assert (await env.authorize(prompt="none", max_age="300"))[0].status_code == 302
    stale, _ = await env.authorize(prompt="none", max_age="60")
    assert env.query_of(stale.headers["location"])["error"] == "login_required"
    page, _ = await env.authorize(max_age="60")
    assert page.status_code == 200
    bad, _ = await env.authorize(max_age="soon")
    assert env.query_of(bad.headers["location"])["error"] == "invalid_request"


async def test_client_capabilities_are_not_a_step_up(env: Any) -> None:
    await env.sign_in(env.MFA_ADMIN)
    capabilities = json.dumps({"access_token": {"xms_cc": {"values": ["cp1"]}}})
    silent, _ = await env.authorize(prompt="none", claims=capabilities)
    assert "code" in env.query_of(silent.headers["location"])
