"""Token endpoint: auth code + PKCE redemption, client authentication, refresh, refused grants."""

from __future__ import annotations

import base64
from typing import Any

import pytest


async def test_code_redemption_gives_v2_api_token_id_token_refresh_and_client_info(env: Any) -> None:
    response = await env.client.post(
        f"/{env.CONTOSO}/oauth2/v2.0/token", data={"grant_type": "authorization_code"}
    )  # warm-up: missing client_id
    assert response.json()["error_codes"] == [900144]
    tokens = await env.api_tokens(env.ADMIN)
    assert set(tokens) == {
        "token_type",
        "scope",
        "expires_in",
        "ext_expires_in",
        "access_token",
        "refresh_token",
        "id_token",
        "client_info",
    }
    assert tokens["token_type"] == "Bearer" and tokens["scope"] == env.api_scope
    access = env.claims_of(tokens["access_token"])
    assert access["aud"] == env.regs.api.client_id
    assert access["iss"] == f"{env.BASE}/{env.CONTOSO}/v2.0"
    assert access["ver"] == "2.0" and access["scp"] == "access_as_user"
    assert access["tid"] == env.CONTOSO and access["oid"] == env.ADMIN
    assert access["azp"] == env.regs.frontend.client_id and access["azpacr"] == "1"
    assert access["preferred_username"] == "ada@contoso.example" and access["name"] == "Ada Admin"
    assert access["wids"] == ["62e90394-69f5-4237-9190-012177145e10"]
    assert access["exp"] - access["iat"] == 3600 and {"nbf", "uti", "sub"} <= access.keys()
    assert "amr" not in access and "idp" not in access
    id_claims = env.claims_of(tokens["id_token"])
    assert id_claims["aud"] == env.regs.frontend.client_id
    assert id_claims["nonce"] == "n-hashed-value"
    assert {"sid", "preferred_username", "name", "oid", "tid"} <= id_claims.keys()
    padded = tokens["client_info"] + "=" * (-len(tokens["client_info"]) % 4)
    assert base64.urlsafe_b64decode(padded) == f'{{"uid":"{env.ADMIN}","utid":"{env.CONTOSO}"}}'.encode()
    assert env.entra.token_log[-1] == (
        "authorization_code",
        env.CONTOSO,
        env.regs.frontend.client_id,
        env.ADMIN,
        (env.api_scope,),
        "ok",
    )


async def test_sign_in_only_gives_no_access_token(env: Any) -> None:
    redirect, verifier = await env.sign_in(env.ADMIN, scope="openid profile")
    tokens = (await env.redeem(redirect["code"], verifier, scope="openid profile")).json()
    assert "id_token" in tokens and "access_token" not in tokens and "refresh_token" not in tokens
    assert tokens["scope"] == ""


async def test_default_scope_of_the_api(env: Any) -> None:
    redirect, verifier = await env.sign_in(env.ADMIN, scope=f"openid api://{env.regs.api.client_id}/.default")
    tokens = (await env.redeem(redirect["code"], verifier)).json()
    assert env.claims_of(tokens["access_token"])["scp"] == "access_as_user"
    assert tokens["scope"] == env.api_scope


async def test_pkce_mismatch(env: Any) -> None:
    redirect, _ = await env.sign_in(env.ADMIN)
    response = await env.redeem(redirect["code"], "x" * 50)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant" and response.json()["error_codes"] == [501481]
    missing = await env.redeem(redirect["code"], "")
    # The code was consumed by the failed attempt (support less).
    assert missing.json()["error_codes"] == [54005]


async def test_reused_code(env: Any) -> None:
    redirect, verifier = await env.sign_in(env.ADMIN)
    assert (await env.redeem(redirect["code"], verifier)).status_code == 200
    again = await env.redeem(redirect["code"], verifier)
    body = again.json()
    assert again.status_code == 400 and body["error"] == "invalid_grant" and body["error_codes"] == [54005]
    assert body["error_description"].startswith("AADSTS54005: OAuth2 Authorization code was already redeemed")
    assert "\r\nTrace ID: " in body["error_description"] and "\r\nCorrelation ID: " in body["error_description"]
    assert env.entra.token_log[-1].outcome == "invalid_grant:54005"


async def test_wrong_redirect_uri(env: Any) -> None:
    redirect, verifier = await env.sign_in(env.ADMIN)
    response = await env.redeem(redirect["code"], verifier, redirect_uri=env.regs.frontend.redirect_uris[1])
    assert response.json()["error_codes"] == [500112]


async def test_expired_code(env: Any) -> None:
    redirect, verifier = await env.sign_in(env.ADMIN)
    env.clock.advance(601)
    response = await env.redeem(redirect["code"], verifier)
    assert response.json()["error_codes"] == [70008]


async def test_unknown_code_and_other_authority(env: Any) -> None:
    assert (await env.redeem("not-a-code", "v")).json()["error_codes"] == [9002313]
    redirect, verifier = await env.sign_in(env.ADMIN)
    other = await env.redeem(redirect["code"], verifier, env.FABRIKAM)
    assert other.json()["error"] == "invalid_grant"


async def test_client_authentication(env: Any) -> None:
    redirect, verifier = await env.sign_in(env.ADMIN)
    wrong = await env.redeem(redirect["code"], verifier, client_secret="nope")
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert wrong.json()["error_codes"] == [7000215]
    redirect, verifier = await env.sign_in(env.ADMIN)
    missing = await env.redeem(redirect["code"], verifier, client_secret="")
    assert missing.status_code == 401 and missing.json()["error_codes"] == [7000218]
    # HTTP Basic works (client_id and secret form-encoded in the header).
    redirect, verifier = await env.sign_in(env.ADMIN)
    basic = base64.b64encode(f"{env.regs.frontend.client_id}:{env.regs.frontend.client_secret}".encode()).decode()
    data = {
        "grant_type": "authorization_code",
        "code": redirect["code"],
        "redirect_uri": env.redirect_uri,
        "code_verifier": verifier,
    }
    ok = await env.client.post(
        f"/{env.CONTOSO}/oauth2/v2.0/token", data=data, headers={"Authorization": f"Basic {basic}"}
    )
    assert ok.status_code == 200, ok.text


async def test_public_client_must_not_send_a_secret(env: Any) -> None:
    response = await env.client.post(
        f"/{env.CONTOSO}/oauth2/v2.0/token",
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
            "client_id": env.regs.cli.client_id,
            "client_secret": "x",
            "device_code": "y",
        },
    )
    assert response.json()["error_codes"] == [700025]


@pytest.mark.parametrize(
    "grant_type", ["client_credentials", "password", "urn:ietf:params:oauth:grant-type:saml2-bearer"]
)
async def test_refused_grants(env: Any, grant_type: str) -> None:
    response = await env.client.post(
        f"/{env.CONTOSO}/oauth2/v2.0/token",
        data={
            "grant_type": grant_type,
            "client_id": env.regs.api.client_id,
            "client_secret": env.regs.api.client_secret,
            "scope": "https://graph.microsoft.com/.default",
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


async def test_refresh_rotates_and_reissues(env: Any) -> None:
    tokens = await env.api_tokens(env.ADMIN)
    data = {
        "client_id": env.regs.frontend.client_id,
        "client_secret": env.regs.frontend.client_secret,
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "scope": f"{env.api_scope} offline_access openid profile",
        "client_info": "1",
    }
    url = f"/{env.CONTOSO}/oauth2/v2.0/token"
    refreshed = (await env.client.post(url, data=data)).json()
    assert refreshed["refresh_token"] != tokens["refresh_token"]
    assert env.claims_of(refreshed["access_token"])["oid"] == env.ADMIN
    assert "nonce" not in env.claims_of(refreshed["id_token"])
    reused = await env.client.post(url, data=data)
    assert reused.json()["error"] == "invalid_grant"
    widened = await env.client.post(
        url, data={**data, "refresh_token": refreshed["refresh_token"], "scope": "Group.Read.All offline_access"}
    )
    assert widened.json()["error"] == "invalid_scope"


async def test_refresh_fails_for_a_disabled_user_and_after_revocation(env: Any) -> None:
    tokens = await env.api_tokens(env.READER)
    data = {
        "client_id": env.regs.frontend.client_id,
        "client_secret": env.regs.frontend.client_secret,
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
    }
    url = f"/{env.CONTOSO}/oauth2/v2.0/token"
    env.tenants[env.CONTOSO].operators[1].enabled = False
    disabled = await env.client.post(url, data=data)
    assert disabled.json()["error_codes"] == [50057]
    env.tenants[env.CONTOSO].operators[1].enabled = True
    env.entra.revoke_sessions(env.CONTOSO, env.READER)
    revoked = await env.client.post(url, data=data)
    assert revoked.json()["error_codes"] == [50173]


async def test_refresh_token_expires(env: Any) -> None:
    tokens = await env.api_tokens(env.ADMIN)
    env.clock.advance(91 * 24 * 3600)
    response = await env.client.post(
        f"/{env.CONTOSO}/oauth2/v2.0/token",
        data={
            "client_id": env.regs.frontend.client_id,
            "client_secret": env.regs.frontend.client_secret,
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
        },
    )
    assert response.json()["error"] == "invalid_grant"


async def test_token_log_holds_no_token_values(env: Any) -> None:
    tokens = await env.api_tokens(env.ADMIN)
    logged = repr(env.entra.token_log)
    for value in (tokens["access_token"], tokens["refresh_token"], tokens["id_token"]):
        assert value not in logged
