"""OIDC discovery and JWKS per tenant (id, domain) and for common/organizations; key rotation."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from intune_assistant.emulator.entra import AppRegistrations, EntraOptions, create_entra_app


async def test_tenant_discovery_by_id_and_domain(env: Any) -> None:
    by_id = (await env.client.get(f"/{env.CONTOSO}/v2.0/.well-known/openid-configuration")).json()
    by_domain = (await env.client.get("/contoso.example/v2.0/.well-known/openid-configuration")).json()
    assert by_id == by_domain
    root = f"{env.BASE}/{env.CONTOSO}"
    assert by_id["issuer"] == f"{root}/v2.0"
    assert by_id["authorization_endpoint"] == f"{root}/oauth2/v2.0/authorize"
    assert by_id["token_endpoint"] == f"{root}/oauth2/v2.0/token"
    assert by_id["device_authorization_endpoint"] == f"{root}/oauth2/v2.0/devicecode"
    assert by_id["end_session_endpoint"] == f"{root}/oauth2/v2.0/logout"
    assert by_id["jwks_uri"] == f"{root}/discovery/v2.0/keys"
    assert by_id["response_types_supported"] == ["code"]


@pytest.mark.parametrize("alias", ["common", "organizations"])
async def test_multi_tenant_discovery_has_an_issuer_template(env: Any, alias: str) -> None:
    response = await env.client.get(f"/{alias}/v2.0/.well-known/openid-configuration")
    config = response.json()
    assert response.headers["cache-control"] == "no-store"
    assert config["issuer"] == f"{env.BASE}/{{tenantid}}/v2.0"
    assert config["token_endpoint"] == f"{env.BASE}/{alias}/oauth2/v2.0/token"
    keys = (await env.client.get(f"/{alias}/discovery/v2.0/keys")).json()["keys"]
    assert {k["issuer"] for k in keys} == {f"{env.BASE}/{{tenantid}}/v2.0"}


async def test_unknown_tenant_is_aadsts90002(env: Any) -> None:
    response = await env.client.get("/nowhere.example/v2.0/.well-known/openid-configuration")
    body = response.json()
    assert response.status_code == 400
    assert body["error"] == "invalid_tenant"
    assert body["error_codes"] == [90002]
    assert body["error_description"].startswith("AADSTS90002: Tenant 'nowhere.example' not found.")
    assert {"timestamp", "trace_id", "correlation_id"} <= body.keys()
    unknown_guid = await env.client.get("/99999999-9999-4999-8999-999999999999/discovery/v2.0/keys")
    assert unknown_guid.status_code == 400


async def test_jwks_shape(env: Any) -> None:
    keys = (await env.client.get(f"/{env.CONTOSO}/discovery/v2.0/keys")).json()["keys"]
    assert len(keys) == 1
    key = keys[0]
    assert set(key) == {"kty", "use", "kid", "n", "e", "issuer"}
    assert key["use"] == "sig" and key["kty"] == "RSA"
    assert key["kid"] == env.entra.current_kid
    assert key["issuer"] == f"{env.BASE}/{env.CONTOSO}/v2.0"


async def test_tokens_have_kid_and_no_x5t_and_verify_with_the_jwks(env: Any) -> None:
    tokens = await env.api_tokens(env.ADMIN)
    header = jwt.get_unverified_header(tokens["access_token"])
    assert header["alg"] == "RS256" and header["kid"] == env.entra.current_kid and "x5t" not in header
    jwks = (await env.client.get(f"/{env.CONTOSO}/discovery/v2.0/keys")).json()
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
    claims = jwt.decode(
        tokens["access_token"],
        key.key,
        algorithms=["RS256"],
        audience=env.regs.api.client_id,
        issuer=f"{env.BASE}/{env.CONTOSO}/v2.0",
        options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
    )
    assert claims["tid"] == env.CONTOSO


async def test_rotation_publishes_new_and_old_key_until_dropped(env: Any) -> None:
    before = (await env.api_tokens(env.ADMIN))["access_token"]
    old_kid = env.entra.current_kid
    new_kid = env.entra.rotate_keys()
    assert new_kid != old_kid and env.entra.current_kid == new_kid
    kids = [k["kid"] for k in (await env.client.get("/common/discovery/v2.0/keys")).json()["keys"]]
    assert kids == [new_kid, old_kid]
    after = (await env.api_tokens(env.ADMIN))["access_token"]
    assert jwt.get_unverified_header(after)["kid"] == new_kid
    # A token signed with the old key still works for OBO while the key is published ...
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    assert (await env.obo(before)).status_code == 200
    # ... and no longer once it is dropped.
    env.entra.drop_previous_keys()
    assert env.entra.published_kids() == (new_kid,)
    refused = await env.obo(before)
    assert refused.status_code == 400 and refused.json()["error_codes"] == [50013]
    assert (await env.obo(after)).status_code == 200


async def test_rotation_without_keeping_and_retention_limit(env: Any) -> None:
    first = env.entra.current_kid
    second = env.entra.rotate_keys()
    third = env.entra.rotate_keys()
    # max_previous_keys=1 by default: only the latest previous key stays published.
    assert env.entra.published_kids() == (third, second)
    fourth = env.entra.rotate_keys(keep_previous=False)
    assert env.entra.published_kids() == (fourth,)
    assert first not in env.entra.published_kids()


def test_keys_are_made_per_instance_not_at_import() -> None:
    a = create_entra_app({}, registrations=AppRegistrations.demo(), options=EntraOptions())
    b = create_entra_app({}, registrations=AppRegistrations.demo(), options=EntraOptions())
    assert a.state.entra.current_kid != b.state.entra.current_kid


def test_options_reject_a_zero_polling_interval() -> None:
    with pytest.raises(ValueError):
        EntraOptions(device_code_interval_s=0)
