"""API token validation against the Entra emulator over real HTTPS: members, the real sign-in
flow, GDAP technicians, guests, key caching and rotation, and the registry's tenant check."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from intune_assistant.emulator.tenants.model import GDAP_INDICATOR
from intune_assistant.identity.principal import Principal
from intune_assistant.identity.tenant_check import registry_tenant_check
from intune_assistant.identity.validation import AuthError, fingerprint
from intune_assistant.tenants import Registry, engine_from_url, upgrade_database

from .conftest import Clock, Demo


def sign(demo: Demo, claims: dict[str, Any]) -> str:
    """Sign ``claims`` with the emulator's current key (a token Entra could have issued)."""
    token: str = demo.entra.core.keys.sign(claims)
    return token


async def test_member_token_gives_the_principal(demo: Demo) -> None:
    admin = demo.operator("contoso")
    principal = await demo.validator().validate(demo.api_token("contoso", admin))
    assert principal == Principal(
        tenant_id=demo.tenant_id("contoso"),
        user_key=admin.user_id,
        object_id=admin.user_id,
        display_name=admin.display_name,
        username=admin.user_principal_name,
        scopes=frozenset({"access_as_user"}),
        roles=admin.wids,
        partner_tenant_id=None,
        is_partner_technician=False,
    )
    assert principal.cache_key() == (demo.tenant_id("contoso"), admin.user_id)


async def test_token_from_the_real_auth_code_flow_is_accepted(demo: Demo) -> None:
    reader = demo.operator("fabrikam", role="readOnly")
    result = demo.frontend_sign_in("fabrikam", reader.user_principal_name)
    assert "access_token" in result, result.get("error_description")
    principal = await demo.validator().validate(result["access_token"])
    assert principal.tenant_id == demo.tenant_id("fabrikam")
    assert principal.user_key == reader.user_id
    assert principal.username == reader.user_principal_name


async def test_gdap_technician_is_identified_by_aai_and_not_a_guest(demo: Demo) -> None:
    tech = demo.technician()
    token = demo.api_token("contoso", tech)
    claims = demo.claims(token)
    assert claims["oid"] == "" and "aai" in claims  # what the emulator issues, as Entra does
    partner = demo.tenant_id("partner")
    principal = await demo.validator().validate(token)
    assert principal.tenant_id == demo.tenant_id("contoso")
    assert principal.is_partner_technician
    assert principal.partner_tenant_id == partner
    assert principal.user_key == f"partner:{partner}:{tech.user_id}"
    assert principal.object_id is None
    assert GDAP_INDICATOR in principal.roles
    assert principal.username == tech.user_principal_name


async def test_same_technician_in_two_customer_tenants_has_two_cache_keys(demo: Demo) -> None:
    tech = demo.technician()
    validator = demo.validator()
    in_contoso = await validator.validate(demo.api_token("contoso", tech))
    in_fabrikam = await validator.validate(demo.api_token("fabrikam", tech))
    assert in_contoso.user_key == in_fabrikam.user_key
    assert in_contoso.cache_key() != in_fabrikam.cache_key()


async def test_guest_with_an_oid_is_a_user_of_the_issuing_tenant_only(demo: Demo) -> None:
    claims = demo.claims(demo.api_token("contoso", demo.operator("contoso")))
    guest_oid = "0f0f0f0f-1111-4222-8333-444444444444"
    claims.update(oid=guest_oid, idp="https://sts.windows.net/9a9a9a9a-0000-4000-8000-000000000000/")
    principal = await demo.validator().validate(sign(demo, claims))
    assert principal.cache_key() == (demo.tenant_id("contoso"), guest_oid)
    assert not principal.is_partner_technician and principal.partner_tenant_id is None


async def test_external_identity_without_oid_or_aai_is_refused(demo: Demo) -> None:
    claims = demo.claims(demo.api_token("contoso", demo.operator("contoso")))
    claims.update(oid="", idp="https://sts.windows.net/9a9a9a9a-0000-4000-8000-000000000000/")
    with pytest.raises(AuthError) as caught:
        await demo.validator().validate(sign(demo, claims))
    assert caught.value.status == 401 and "names no user" in caught.value.message


async def test_keys_are_fetched_once_per_tenant(demo: Demo) -> None:
    urls: list[str] = []
    validator = demo.validator(http=demo.http_factory(urls))
    for name in ("contoso", "contoso", "fabrikam", "contoso"):
        await validator.validate(demo.api_token(name, demo.operator(name)))
    contoso, fabrikam = demo.tenant_id("contoso"), demo.tenant_id("fabrikam")
    assert urls == [
        f"{demo.base_url}/{contoso}/v2.0/.well-known/openid-configuration",
        f"{demo.base_url}/{contoso}/discovery/v2.0/keys",
        f"{demo.base_url}/{fabrikam}/v2.0/.well-known/openid-configuration",
        f"{demo.base_url}/{fabrikam}/discovery/v2.0/keys",
    ]


async def test_keys_are_fetched_again_after_the_ttl(demo: Demo, clock: Clock) -> None:
    validator = demo.validator(clock=clock, jwks_ttl_s=600)
    token = demo.api_token("contoso", demo.operator("contoso"))
    await validator.validate(token)
    clock.advance(599)
    await validator.validate(token)
    assert validator.jwks.fetches == 1
    clock.advance(2)
    await validator.validate(token)
    assert validator.jwks.fetches == 2


async def test_key_rotation_unknown_kid_refreshes_the_keys(demo: Demo, clock: Clock) -> None:
    validator = demo.validator(clock=clock)
    admin = demo.operator("contoso")
    before = demo.api_token("contoso", admin)
    await validator.validate(before)
    new_kid = demo.entra.rotate_keys()
    after = demo.api_token("contoso", admin)
    assert jwt.get_unverified_header(after)["kid"] == new_kid
    clock.advance(61)  # refreshes are rate-limited per tenant
    principal = await validator.validate(after)
    assert principal.user_key == admin.user_id
    assert validator.jwks.fetches == 2
    await validator.validate(before)  # the previous key is still published
    assert validator.jwks.fetches == 2


async def test_unknown_kids_cannot_make_the_api_hammer_entra(demo: Demo, clock: Clock) -> None:
    validator = demo.validator(clock=clock)
    claims = demo.claims(demo.api_token("contoso", demo.operator("contoso")))
    await validator.validate(sign(demo, claims))
    foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for n in range(20):
        forged = jwt.encode(claims, foreign, algorithm="RS256", headers={"kid": f"attacker-{n}"})
        with pytest.raises(AuthError) as caught:
            await validator.validate(forged)
        assert caught.value.status == 401
    assert validator.jwks.fetches == 1  # within the refresh interval: no refetch at all
    clock.advance(61)
    with pytest.raises(AuthError):
        await validator.validate(jwt.encode(claims, foreign, algorithm="RS256", headers={"kid": "attacker-x"}))
    assert validator.jwks.fetches == 2  # one refresh per interval


async def test_random_tenants_are_capped_per_minute(demo: Demo) -> None:
    validator = demo.validator(jwks_max_fetches_per_minute=3)
    claims = demo.claims(demo.api_token("contoso", demo.operator("contoso")))
    messages = []
    for n in range(6):
        tid = f"{n:08d}-0000-4000-8000-000000000000"
        forged = dict(claims, tid=tid, iss=demo.config.issuer(tid))
        with pytest.raises(AuthError) as caught:
            await validator.validate(sign(demo, forged))
        assert caught.value.status == 401
        messages.append(caught.value.message)
    assert validator.jwks.fetches == 3
    assert all("does not know tenant" in m for m in messages[:3]), messages
    assert all("try again in a minute" in m for m in messages[3:]), messages


async def test_expected_tenant_mismatch_is_403(demo: Demo) -> None:
    token = demo.api_token("contoso", demo.operator("contoso"))
    validator = demo.validator()
    assert (await validator.validate(token, expected_tenant=demo.tenant_id("contoso"))).tenant_id
    with pytest.raises(AuthError) as caught:
        await validator.validate(token, expected_tenant=demo.tenant_id("fabrikam"))
    assert (caught.value.status, caught.value.code) == (403, "tenant_mismatch")


async def test_registry_tenant_check(demo: Demo, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    upgrade_database(url)
    engine = engine_from_url(url)
    try:
        registry = Registry(engine)
        registry.onboard(demo.tenant_id("contoso"), "contoso.onmicrosoft.com", "standard")
        registry.onboard(demo.tenant_id("fabrikam"), "fabrikam.onmicrosoft.com", "standard")
        registry.set_enabled(demo.tenant_id("fabrikam"), False)
        validator = demo.validator(tenant_check=registry_tenant_check(registry))
        assert await validator.validate(demo.api_token("contoso", demo.operator("contoso")))
        outcomes = {}
        for name in ("fabrikam", "partner"):
            with pytest.raises(AuthError) as caught:
                await validator.validate(demo.api_token(name, demo.operator(name)))
            outcomes[name] = (caught.value.status, caught.value.code)
        assert outcomes == {"fabrikam": (403, "tenant_disabled"), "partner": (403, "tenant_not_onboarded")}
    finally:
        engine.dispose()


async def test_rejections_are_logged_with_a_fingerprint_never_the_token(
    demo: Demo, caplog: pytest.LogCaptureFixture
) -> None:
    token = demo.api_token("contoso", demo.operator("contoso"))
    tampered = token[:-8] + ("A" * 8 if not token.endswith("A" * 8) else "B" * 8)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthError):
        await demo.validator().validate(tampered)
    refused = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1
    assert fingerprint(tampered) in refused[0].getMessage()
    assert tampered not in caplog.text and token.split(".")[2] not in caplog.text
