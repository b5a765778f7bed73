"""The Entra emulator over the generator's demo tenants, mounted beside the Graph emulator."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from intune_assistant.catalog import default_catalog
from intune_assistant.emulator.entra import AppRegistrations, create_entra_app, entra_and_graph
from intune_assistant.emulator.graph import create_graph_app
from intune_assistant.emulator.tenants.model import GDAP_INDICATOR


def _demo_tenants() -> Any:
    module = importlib.import_module("intune_assistant.emulator.tenants")
    factory = getattr(module, "demo_tenants", None)
    if factory is None:
        pytest.skip("the tenant generator has no demo_tenants yet")
    return factory(7)


@pytest.fixture
async def demo() -> AsyncIterator[tuple[Any, httpx.AsyncClient, dict[str, Any]]]:
    named = _demo_tenants()
    tenants = {t.tenant_id: t for t in named.values()}
    regs = AppRegistrations.demo()
    entra_app = create_entra_app(tenants, registrations=regs)
    entra = entra_app.state.entra
    graph_app = create_graph_app(tenants, verifier=entra.graph_verifier(), catalog=default_catalog())
    app = entra_and_graph(entra_app, graph_app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://localhost") as client:
        yield entra, client, named


async def test_demo_technician_reads_the_customer_through_graph(demo: Any, env: Any) -> None:
    entra, client, named = demo
    contoso, partner = named["contoso"], named["partner"]
    page = await client.get(
        f"/{contoso.tenant_id}/oauth2/v2.0/authorize",
        params={
            "client_id": entra.registrations.frontend.client_id,
            "redirect_uri": entra.registrations.frontend.redirect_uris[0],
            "response_type": "code",
            "scope": f"openid api://{entra.registrations.api.client_id}/access_as_user",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
        },
    )
    assert "Partner technician (GDAP)" in page.text
    technician = next(
        o for o in partner.operators if o.enabled and o.user_principal_name in page.text and not o.mfa_required
    )
    entra.grant_consent(contoso.tenant_id, default_catalog().read_scopes())
    token = entra.issue_graph_token_for(contoso.tenant_id, technician.user_id, ["Group.Read.All"])
    claims = env.claims_of(token)
    assert claims["tid"] == contoso.tenant_id and claims["wids"][0] == GDAP_INDICATOR
    response = await client.get("/v1.0/groups?$top=1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert response.json()["value"]
