"""On-Behalf-Of through real MSAL against the Entra emulator over HTTPS, and Graph with the result.

Covers the token cache per (tenant, user, scopes), consent (required → granted → immediate
success on a fresh MSAL instance), Conditional Access MFA, disabled users, revoked consent and
GDAP technicians.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msal
import pytest

from intune_assistant.catalog import default_catalog
from intune_assistant.catalog.modules import default_read_scopes
from intune_assistant.collect.collector import collect
from intune_assistant.emulator.demo import build_demo
from intune_assistant.emulator.entra.registrations import DEMO_CONSENT_REDIRECT_URIS
from intune_assistant.emulator.server import EmulatorServer
from intune_assistant.emulator.tenants.model import Operator
from intune_assistant.graph import GraphClient, TokenProvider
from intune_assistant.identity.config import IdentityConfig
from intune_assistant.identity.obo import (
    ConsentRequired,
    InteractionRequired,
    OboClient,
    OboTokenProvider,
    SignInRequired,
    scopes_for,
)
from intune_assistant.identity.principal import Principal
from intune_assistant.snapshot import TenantInfo

from .conftest import Demo

READ = default_read_scopes(default_catalog())


@pytest.fixture
async def obo(demo: Demo) -> AsyncIterator[OboClient]:
    client = OboClient(demo.config)
    yield client
    client.close()


async def signed_in(demo: Demo, name: str, user: Operator, *, mfa: bool = False) -> tuple[str, Principal]:
    token = demo.api_token(name, user, mfa=mfa)
    return token, await demo.validator().validate(token)


def obo_requests(demo: Demo) -> int:
    return sum(1 for entry in demo.entra.token_log if entry.grant_type != "direct")


async def test_graph_token_through_obo_reads_graph(demo: Demo, obo: OboClient) -> None:
    admin = demo.operator("contoso")
    api_token, principal = await signed_in(demo, "contoso", admin)
    provider = OboTokenProvider(obo, api_token, principal)
    assert isinstance(provider, TokenProvider)
    catalog = default_catalog()
    types = ["deviceConfigurations", "compliancePolicies", "mobileApps", "groups"]
    async with GraphClient(
        provider, base_url=demo.config.graph_base_url, scopes=READ, verify=demo.server.ssl_context()
    ) as graph:
        tenant = demo.tenancy.tenants["contoso"]
        snapshot = await collect(
            graph, catalog, TenantInfo(tenant.tenant_id, tenant.domain, tenant.display_name), types=types
        )
    for key in types:
        assert snapshot.status_of(key) == "ok", snapshot.results.get(key)
        assert snapshot.count(key) == len(tenant.objects[key]) > 0
    graph_claims = demo.entra.graph_verifier().verify(await provider.get_token(READ))
    assert graph_claims["oid"] == admin.user_id and graph_claims["tid"] == tenant.tenant_id
    assert set(graph_claims["scp"].split()) == set(READ)  # exactly the read scopes, nothing more
    assert obo_requests(demo) == 1  # every Graph request above used the one cached token
    assert "eyJ" not in repr(provider)


async def test_tokens_are_cached_per_tenant_user_and_scopes(demo: Demo, obo: OboClient) -> None:
    token_a, alice = await signed_in(demo, "contoso", demo.operator("contoso"))
    token_b, bob = await signed_in(demo, "contoso", demo.operator("contoso", role="readOnly"))
    first = await obo.graph_token(token_a, alice, READ)
    logged = len(demo.entra.token_log)
    assert await obo.graph_token(token_a, alice, list(reversed(READ))) == first
    assert await obo.graph_token(token_a, alice, [f"https://graph.microsoft.com/{s}" for s in READ]) == first
    assert len(demo.entra.token_log) == logged  # no token request for the cached token
    other_scopes = await obo.graph_token(token_a, alice, READ[:2])
    other_user = await obo.graph_token(token_b, bob, READ)
    assert len({first, other_scopes, other_user}) == 3
    assert len(demo.entra.token_log) == logged + 2
    obo.forget(*alice.cache_key())
    assert await obo.graph_token(token_a, alice, READ) != first
    assert await obo.graph_token(token_b, bob, READ) == other_user  # bob was not signed out
    assert len(demo.entra.token_log) == logged + 3


async def test_cached_token_is_renewed_five_minutes_before_expiry(demo: Demo) -> None:
    now = [1_000.0]
    obo = OboClient(demo.config, clock=lambda: now[0])
    try:
        api_token, principal = await signed_in(demo, "contoso", demo.operator("contoso"))
        first = await obo.graph_token(api_token, principal, READ)
        now[0] += 3600 - 301
        assert await obo.graph_token(api_token, principal, READ) == first
        now[0] += 2
        assert await obo.graph_token(api_token, principal, READ) != first
    finally:
        obo.close()


async def test_msal_keeps_no_tokens_of_its_own(demo: Demo, obo: OboClient) -> None:
    api_token, principal = await signed_in(demo, "contoso", demo.operator("contoso"))
    await obo.graph_token(api_token, principal, READ)
    app = obo._apps[principal.tenant_id].app
    for kind in (msal.TokenCache.CredentialType.ACCESS_TOKEN, msal.TokenCache.CredentialType.REFRESH_TOKEN):
        assert list(app.token_cache.search(kind)) == []


async def test_principal_and_api_token_must_match(demo: Demo, obo: OboClient) -> None:
    token_a, _ = await signed_in(demo, "contoso", demo.operator("contoso"))
    _, bob = await signed_in(demo, "contoso", demo.operator("contoso", role="readOnly"))
    with pytest.raises(ValueError, match="does not belong"):
        await obo.graph_token(token_a, bob, READ)
    with pytest.raises(ValueError, match="Graph scope"):
        await obo.graph_token(token_a, bob, ["https://graph.microsoft.com/.default"])


async def test_consent_required_then_granted_succeeds_immediately(demo: Demo, obo: OboClient) -> None:
    api_token, principal = await signed_in(demo, "contoso", demo.operator("contoso"))
    wanted = scopes_for(["bulk-assign"], demo.tenancy.catalog)
    with pytest.raises(ConsentRequired) as caught:
        await obo.graph_token(api_token, principal, wanted)
    error = caught.value
    assert error.tenant_id == principal.tenant_id and error.aadsts == 65001
    assert "Group.ReadWrite.All" in error.message
    assert set(error.scopes) == {f"https://graph.microsoft.com/{s}" for s in wanted}
    # The admin follows the consent link (the real /adminconsent page of the emulator).
    redirect = DEMO_CONSENT_REDIRECT_URIS[1]
    answer = demo.browser().sign_in(error.consent_url(redirect, "st-1"), demo.operator("contoso").user_principal_name)
    assert answer["admin_consent"] == "True" and answer["state"] == "st-1", answer
    # Retried at once: MSAL's 60-second replay of the failed request must not answer it.
    graph_token = await obo.graph_token(api_token, principal, wanted)
    assert set(demo.entra.graph_verifier().verify(graph_token)["scp"].split()) == set(wanted)


async def test_without_a_fresh_app_msal_would_replay_the_failure(
    demo: Demo, obo: OboClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why failures drop the tenant's MSAL app: MSAL answers an identical failed request from
    its HTTP cache for 60 s, so the consent just granted would go unseen."""
    original = OboClient._release
    monkeypatch.setattr(OboClient, "_release", lambda self, entry, retire: original(self, entry, retire=False))
    api_token, principal = await signed_in(demo, "fabrikam", demo.operator("fabrikam"))
    wanted = scopes_for(["deploy-baseline"], demo.tenancy.catalog)
    with pytest.raises(ConsentRequired):
        await obo.graph_token(api_token, principal, wanted)
    demo.entra.grant_consent(principal.tenant_id, wanted)
    logged = len(demo.entra.token_log)
    with pytest.raises(ConsentRequired):
        await obo.graph_token(api_token, principal, wanted)
    assert len(demo.entra.token_log) == logged  # the request never reached Entra ID


async def test_consent_granted_out_of_band_is_seen_at_the_next_attempt(demo: Demo, obo: OboClient) -> None:
    api_token, principal = await signed_in(demo, "fabrikam", demo.operator("fabrikam"))
    wanted = scopes_for(["restore"], demo.tenancy.catalog)
    with pytest.raises(ConsentRequired):
        await obo.graph_token(api_token, principal, wanted)
    demo.entra.grant_consent(principal.tenant_id, wanted)
    assert await obo.graph_token(api_token, principal, wanted)
    assert demo.entra.token_log[-1].outcome == "ok"


def test_consent_url_shape(demo: Demo) -> None:
    error = ConsentRequired(
        "t-1",
        ("https://graph.microsoft.com/A.Read.All", "https://graph.microsoft.com/B.ReadWrite.All"),
        authority_host="https://login.microsoftonline.com",
        api_client_id="c-1",
        aadsts=65001,
    )
    assert error.consent_url("https://app.example/onboarding/consent", "s t") == (
        "https://login.microsoftonline.com/t-1/v2.0/adminconsent?client_id=c-1"
        "&scope=https%3A%2F%2Fgraph.microsoft.com%2FA.Read.All%20https%3A%2F%2Fgraph.microsoft.com%2FB.ReadWrite.All"
        "&redirect_uri=https%3A%2F%2Fapp.example%2Fonboarding%2Fconsent&state=s%20t"
    )
    assert error.admin_consent_url.startswith("https://login.microsoftonline.com/t-1/v2.0/adminconsent?client_id=c-1&")


async def test_mfa_user_gets_interaction_required_with_claims(demo: Demo, obo: OboClient) -> None:
    mo = demo.operator("contoso", mfa=True)
    api_token, principal = await signed_in(demo, "contoso", mo)
    with pytest.raises(InteractionRequired) as caught:
        await obo.graph_token(api_token, principal, READ)
    assert "polids" in caught.value.claims and caught.value.aadsts == 50079
    assert 'error="insufficient_claims"' in caught.value.www_authenticate
    # After signing in again with MFA (the frontend passes the claims challenge), OBO succeeds.
    mfa_token, mfa_principal = await signed_in(demo, "contoso", mo, mfa=True)
    assert await obo.graph_token(mfa_token, mfa_principal, READ)


async def test_disabled_user_must_sign_in_again_and_loses_cached_tokens(demo: Demo, obo: OboClient) -> None:
    admin = demo.operator("contoso")
    api_token, principal = await signed_in(demo, "contoso", admin)
    await obo.graph_token(api_token, principal, READ)
    admin.enabled = False  # an administrator disables the account in Entra ID
    with pytest.raises(SignInRequired) as caught:
        await obo.graph_token(api_token, principal, READ[:1])
    assert "disabled" in caught.value.message and caught.value.aadsts == 50057
    with pytest.raises(SignInRequired):  # the cached token for READ was dropped too
        await obo.graph_token(api_token, principal, READ)


async def test_revoked_consent_stops_the_next_obo(demo: Demo, obo: OboClient) -> None:
    api_token, principal = await signed_in(demo, "contoso", demo.operator("contoso"))
    await obo.graph_token(api_token, principal, READ)
    demo.entra.revoke_consent(principal.tenant_id)
    with pytest.raises(ConsentRequired):
        await obo.graph_token(api_token, principal, READ[:3])
    with pytest.raises(ConsentRequired):  # consent is tenant-wide: the tenant's cache was dropped
        await obo.graph_token(api_token, principal, READ)


async def test_gdap_technician_reads_the_customer_tenant(demo: Demo, obo: OboClient) -> None:
    tech = demo.technician()
    api_token, principal = await signed_in(demo, "fabrikam", tech)
    graph_token = await obo.graph_token(api_token, principal, READ)
    claims = demo.entra.graph_verifier().verify(graph_token)
    assert claims["tid"] == demo.tenant_id("fabrikam")
    assert claims["aai"] == f"tenant: {demo.tenant_id('partner')}, object: {tech.user_id}"
    async with GraphClient(
        OboTokenProvider(obo, api_token, principal),
        base_url=demo.config.graph_base_url,
        scopes=READ,
        verify=demo.server.ssl_context(),
    ) as graph:
        result = await graph.list_all("deviceManagement/deviceConfigurations")
    expected = {o["id"] for o in demo.tenancy.tenants["fabrikam"].objects["deviceConfigurations"]}
    assert result.error is None and expected <= {o["id"] for o in result.items}


async def test_concurrent_users_share_one_app_per_tenant(demo: Demo, obo: OboClient) -> None:
    users = [demo.operator("contoso"), demo.operator("contoso", role="readOnly")]
    pairs = [await signed_in(demo, "contoso", u) for u in users]
    tokens = await asyncio.gather(*(obo.graph_token(t, p, READ) for t, p in pairs for _ in range(3)))
    # One OBO request per user (the others waited for it), one MSAL app for the tenant.
    assert len(set(tokens)) == 2 and obo_requests(demo) == 2 and len(obo._apps) == 1


def test_scopes_for_adds_write_scopes_of_activated_modules_only() -> None:
    catalog = default_catalog()
    assert scopes_for([], catalog) == READ
    assert scopes_for(["inventory", "compare", "unknown"], catalog) == READ
    with_writes = scopes_for(["inventory", "bulk-assign"], catalog)
    assert with_writes[: len(READ)] == READ
    assert "Group.ReadWrite.All" in with_writes and "Policy.ReadWrite.ConditionalAccess" not in with_writes
    assert not any("ReadWrite" in s for s in scopes_for(["msp", "troubleshoot"], catalog))
    # Optional read modules add exactly their read scope, never a write scope.
    assert "DeviceManagementManagedDevices.Read.All" not in READ and "DeviceManagementRBAC.Read.All" not in READ
    assert scopes_for(["managed-devices"], catalog) == (*READ, "DeviceManagementManagedDevices.Read.All")
    assert scopes_for(["intune-roles"], catalog) == (
        *READ,
        "DeviceManagementRBAC.Read.All",
        "RoleManagement.Read.Directory",
    )
    assert len(set(scopes_for(["bulk-assign", "restore"], catalog))) == len(
        scopes_for(["bulk-assign", "restore"], catalog)
    )


class _HoldFirstTokenAnswer:
    """Entra in front of the emulator: the first token request is answered, but the answer is held
    until the test releases it (the exchange is in flight for as long as the test needs)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.answered = threading.Event()
        self.release = threading.Event()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        is_token = scope["type"] == "http" and scope["method"] == "POST" and scope["path"].endswith("/token")
        if not is_token or self.answered.is_set():
            await self.app(scope, receive, send)
            return
        held: list[Any] = []

        async def keep(message: Any) -> None:
            held.append(message)

        await self.app(scope, receive, keep)
        self.answered.set()
        await asyncio.to_thread(self.release.wait)
        for message in held:
            await send(message)


async def test_fresh_tokens_share_one_exchange_that_began_after_they_asked(tmp_path: Path) -> None:
    """Pages ask for a fresh token (revocation stops the next request): concurrent askers share one
    exchange, but never one that began before they asked."""
    tenancy = build_demo(["contoso"])
    entra = _HoldFirstTokenAnswer(tenancy.app)
    with EmulatorServer(entra, ca_dir=tmp_path / "ca") as server:
        demo = Demo(tenancy, server, IdentityConfig.demo(server.base_url, str(server.ca_path)), [])
        obo = OboClient(demo.config)
        try:
            api_token, principal = await signed_in(demo, "contoso", demo.operator("contoso"))
            first = asyncio.create_task(obo.graph_token(api_token, principal, READ, fresh=True))
            assert await asyncio.to_thread(entra.answered.wait, 60)  # granted, on its way back
            demo.entra.revoke_consent(principal.tenant_id)
            later = [asyncio.create_task(obo.graph_token(api_token, principal, READ, fresh=True)) for _ in range(3)]
            await asyncio.sleep(0)  # each of them asks now, while the first exchange is still in flight
            entra.release.set()
            assert await first  # the exchange it asked for saw consent
            outcomes = await asyncio.gather(*later, return_exceptions=True)
            # None of them got the first exchange's token: one exchange after theirs began saw the revocation.
            assert all(isinstance(o, ConsentRequired) for o in outcomes), outcomes
            assert obo_requests(demo) == 2
        finally:
            obo.close()
