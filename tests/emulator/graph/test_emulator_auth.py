"""Authentication and authorization: bearer tokens, tenants, scopes, roles; tokens never echoed."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from intune_assistant.emulator.tokens import (
    DEMO_API_CLIENT_ID,
    AnyOfVerifiers,
    InvalidToken,
    TestTokenIssuer,
)

POLICIES = "/beta/deviceManagement/configurationPolicies"


def test_issued_token_has_graph_v1_claims(issuer: TestTokenIssuer) -> None:
    token = issuer.issue_graph_token(
        tenant_id="t1",
        user_id="u1",
        upn="a@b.example",
        name="A",
        scopes=["X.Read.All", "Y.Read.All"],
        wids=["w"],
    )
    claims = issuer.verify(token)
    assert claims["aud"] == "https://graph.microsoft.com"
    assert claims["iss"] == "https://sts.windows.net/t1/"
    assert (claims["tid"], claims["oid"], claims["upn"], claims["name"]) == ("t1", "u1", "a@b.example", "A")
    assert claims["scp"] == "X.Read.All Y.Read.All"
    assert claims["wids"] == ["w"]
    assert claims["appid"] == DEMO_API_CLIENT_ID
    assert claims["ver"] == "1.0"
    assert claims["exp"] - claims["iat"] == 3600


def test_verify_checks_key_lifetime_audience_and_issuer(issuer: TestTokenIssuer) -> None:
    other = TestTokenIssuer(kid=issuer.kid)  # same kid, different key: a forgery
    forged = other.issue_graph_token(tenant_id="t1", user_id="u", upn="u@x", name="U", scopes=["S"])
    with pytest.raises(InvalidToken, match="signature"):
        issuer.verify(forged)
    now = [time.time()]
    timed = TestTokenIssuer(clock=lambda: now[0])
    token = timed.issue_graph_token(tenant_id="t1", user_id="u", upn="u@x", name="U", scopes=["S"], lifetime_s=10)
    now[0] += 10 + 59
    timed.verify(token)  # within the 60 s leeway
    now[0] += 2
    with pytest.raises(InvalidToken, match="expired"):
        timed.verify(token)
    claims = {"aud": "https://graph.microsoft.com", "iss": "https://sts.windows.net/other/", "tid": "t1",
              "exp": time.time() + 60, "nbf": time.time(), "scp": "S"}  # fmt: skip
    with pytest.raises(InvalidToken, match="issuer"):
        issuer.verify(issuer.sign(claims))
    with pytest.raises(InvalidToken, match="audience"):
        issuer.verify(issuer.sign({**claims, "iss": "https://sts.windows.net/t1/", "aud": "api://other"}))
    with pytest.raises(InvalidToken):
        issuer.verify("not.a.jwt")
    either = AnyOfVerifiers(other, issuer)
    assert either.verify(forged)["tid"] == "t1"


async def test_missing_or_malformed_authorization_is_401(env: Any) -> None:
    async with env.client(token="") as client:
        missing = await client.get(POLICIES)
        basic = await client.get(POLICIES, headers={"Authorization": "Basic abc"})
    for response in (missing, basic):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "InvalidAuthenticationToken"


async def test_forged_token_is_401_and_never_echoed(env: Any) -> None:
    forger = TestTokenIssuer(kid=env.issuer.kid)
    forged = forger.issue_graph_token(
        tenant_id=env.tenant_id, user_id="a0000000-0000-4000-8000-000000000001", upn="admin@contoso.example",
        name="Ada", scopes=["DeviceManagementConfiguration.Read.All"],
    )  # fmt: skip
    async with env.client(token=forged) as client:
        response = await client.get(POLICIES)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert forged not in response.text
    assert forged.split(".")[1] not in response.text


async def test_unknown_tenant_is_401(env: Any) -> None:
    token = env.token(tenant_id="22222222-2222-4222-8222-222222222222")
    async with env.client(token=token) as client:
        response = await client.get(POLICIES)
    assert response.status_code == 401


async def test_tenants_are_isolated(env: Any) -> None:
    other = env.build_tenant("22222222-2222-4222-8222-222222222222")
    other.objects["settingsCatalog"] = other.objects["settingsCatalog"][:1]
    app = env.app(tenants={env.tenant_id: env.tenant, other.tenant_id: other})
    async with env.client(app, token=env.token(tenant_id=other.tenant_id)) as client:
        response = await client.get(POLICIES)
    assert [p["id"] for p in response.json()["value"]] == ["cp-00"]


async def test_app_only_tokens_are_refused(env: Any) -> None:
    now = time.time()
    app_only = env.issuer.sign(
        {
            "aud": "https://graph.microsoft.com",
            "iss": f"https://sts.windows.net/{env.tenant_id}/",
            "tid": env.tenant_id,
            "oid": "sp-object-id",
            "appid": DEMO_API_CLIENT_ID,
            "roles": ["DeviceManagementConfiguration.Read.All"],
            "idtyp": "app",
            "iat": int(now),
            "nbf": int(now),
            "exp": int(now) + 600,
            "ver": "1.0",
        }
    )
    async with env.client(token=app_only) as client:
        response = await client.get(POLICIES)
    assert response.status_code == 403
    assert "delegated" in response.json()["error"]["message"]


async def test_missing_read_scope_names_the_scopes(env: Any) -> None:
    async with env.client(scopes=["Group.Read.All"]) as client:
        intune = await client.get(POLICIES)
        scripts = await client.get("/beta/deviceManagement/deviceManagementScripts")
        users = await client.get("/v1.0/users")
    assert intune.status_code == 403
    error = intune.json()["error"]
    assert error["code"] == "Forbidden"
    inner = json.loads(error["message"])
    assert inner["_version"] == 3
    assert inner["Message"].startswith(
        "Application is not authorized to perform this operation. Application must have one of the following "
        "scopes: DeviceManagementConfiguration.Read.All, DeviceManagementConfiguration.ReadWrite.All - "
        "Operation ID (for customer support): "
    )
    assert "Activity ID: " in inner["Message"] and " - Url: " in inner["Message"]
    assert "DeviceManagementScripts.Read.All" in json.loads(scripts.json()["error"]["message"])["Message"]
    assert users.status_code == 403
    assert users.json()["error"]["code"] == "Authorization_RequestDenied"


async def test_user_without_intune_role_is_refused_on_intune_but_reads_the_directory(env: Any) -> None:
    async with env.client(user="norole") as client:
        intune = await client.get(POLICIES)
        groups = await client.get("/v1.0/groups")
    assert intune.status_code == 403
    assert intune.json()["error"]["code"] == "UnknownError"
    wrapped = json.loads(intune.json()["error"]["message"])
    assert wrapped["ErrorCode"] == "Forbidden"
    assert json.loads(wrapped["Message"])["_version"] == 3
    assert groups.status_code == 200


async def test_request_and_client_request_ids(env: Any) -> None:
    async with env.client() as client:
        response = await client.get(f"{POLICIES}/nope", headers={"client-request-id": "my-id"})
    assert response.headers["client-request-id"] == "my-id"
    assert response.json()["error"]["innerError"]["client-request-id"] == "my-id"
    assert response.json()["error"]["innerError"]["request-id"] == response.headers["request-id"]


def test_public_jwk_verifies_issued_tokens(issuer: TestTokenIssuer) -> None:
    import jwt

    jwk = issuer.public_jwk()
    assert (jwk["kid"], jwk["kty"], jwk["use"], jwk["alg"]) == (issuer.kid, "RSA", "sig", "RS256")
    assert "d" not in jwk  # public part only
    token = issuer.issue_graph_token(tenant_id="t1", user_id="u", upn="u@x", name="U", scopes=["S"])
    key = jwt.PyJWK(jwk).key
    claims = jwt.decode(token, key, algorithms=["RS256"], audience="https://graph.microsoft.com")
    assert claims["tid"] == "t1"
    assert repr(issuer) == f"TestTokenIssuer(kid={issuer.kid!r})"
