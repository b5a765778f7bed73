"""Fixtures for the Entra emulator tests: three hand-built tenants, the app, clients and flows.

contoso (members: a Global Administrator, a read-only operator, an MFA-flagged administrator, a
disabled user, an Intune administrator without directory roles), fabrikam (one administrator) and
partner (technicians: ``tech`` in an active GDAP relationship for contoso, ``tech2`` only in a
terminated one for fabrikam).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from starlette.applications import Starlette

from intune_assistant.emulator.entra import (
    AppRegistrations,
    EntraEmulator,
    EntraOptions,
    create_entra_app,
)
from intune_assistant.emulator.tenants.model import (
    GLOBAL_ADMINISTRATOR,
    INTUNE_ADMINISTRATOR,
    Operator,
    TenantData,
)


class Ids:
    """Tenant, user and group ids of the test tenants (tests reach them as ``env.NAME``)."""

    CONTOSO = "11111111-1111-4111-8111-111111111111"
    FABRIKAM = "22222222-2222-4222-8222-222222222222"
    PARTNER = "33333333-3333-4333-8333-333333333333"
    ADMIN = "a0000000-0000-4000-8000-000000000001"
    READER = "a0000000-0000-4000-8000-000000000002"
    MFA_ADMIN = "a0000000-0000-4000-8000-000000000003"
    DISABLED = "a0000000-0000-4000-8000-000000000004"
    INTUNE_ONLY = "a0000000-0000-4000-8000-000000000005"
    FAB_ADMIN = "b0000000-0000-4000-8000-000000000001"
    TECH = "c0000000-0000-4000-8000-000000000001"
    TECH2 = "c0000000-0000-4000-8000-000000000002"
    PARTNER_ADMIN = "c0000000-0000-4000-8000-000000000003"
    HELPDESK_GROUP = "d0000000-0000-4000-8000-000000000001"
    OLD_GROUP = "d0000000-0000-4000-8000-000000000002"
    GDAP_INDICATOR = "08372b87-7d02-482a-9e02-fb03ea5fe193"
    BASE = "https://login.test"
    READ_SCOPES = ("DeviceManagementConfiguration.Read.All", "Group.Read.All")


# Module-level names for the fixtures below.
CONTOSO = Ids.CONTOSO
FABRIKAM = Ids.FABRIKAM
PARTNER = Ids.PARTNER
ADMIN = Ids.ADMIN
READER = Ids.READER
MFA_ADMIN = Ids.MFA_ADMIN
DISABLED = Ids.DISABLED
INTUNE_ONLY = Ids.INTUNE_ONLY
FAB_ADMIN = Ids.FAB_ADMIN
TECH = Ids.TECH
TECH2 = Ids.TECH2
PARTNER_ADMIN = Ids.PARTNER_ADMIN
HELPDESK_GROUP = Ids.HELPDESK_GROUP
OLD_GROUP = Ids.OLD_GROUP
GDAP_INDICATOR = Ids.GDAP_INDICATOR
BASE = Ids.BASE
READ_SCOPES = Ids.READ_SCOPES


def make_tenants() -> dict[str, TenantData]:
    """The three test tenants, by tenant id (fresh objects per call)."""
    contoso = TenantData(
        CONTOSO,
        "contoso.example",
        "Contoso",
        operators=[
            Operator(ADMIN, "ada@contoso.example", "Ada Admin", "admin", wids=(GLOBAL_ADMINISTRATOR,)),
            Operator(READER, "rita@contoso.example", "Rita Reader", "readOnly"),
            Operator(
                MFA_ADMIN, "mo@contoso.example", "Mo Factor", "admin", wids=(INTUNE_ADMINISTRATOR,), mfa_required=True
            ),
            Operator(DISABLED, "dan@contoso.example", "Dan Disabled", "admin", enabled=False),
            Operator(INTUNE_ONLY, "ian@contoso.example", "Ian Intune", "admin", wids=(INTUNE_ADMINISTRATOR,)),
        ],
    )
    fabrikam = TenantData(
        FABRIKAM,
        "fabrikam.example",
        "Fabrikam",
        operators=[Operator(FAB_ADMIN, "fay@fabrikam.example", "Fay Fabrikam", "admin", wids=(GLOBAL_ADMINISTRATOR,))],
    )
    user_ref = "#microsoft.graph.user"
    partner = TenantData(
        PARTNER,
        "partner.example",
        "Partner MSP",
        operators=[
            Operator(TECH, "tess@partner.example", "Tess Tech", "admin"),
            Operator(TECH2, "tom@partner.example", "Tom Tech", "admin"),
            Operator(PARTNER_ADMIN, "pat@partner.example", "Pat Partner", "admin", wids=(GLOBAL_ADMINISTRATOR,)),
        ],
        objects={
            "groups": [
                {"id": HELPDESK_GROUP, "displayName": "Helpdesk", "members": [{"@odata.type": user_ref, "id": TECH}]},
                {"id": OLD_GROUP, "displayName": "Old", "members": [{"@odata.type": user_ref, "id": TECH2}]},
            ],
            "gdapRelationships": [
                {
                    "id": "rel-contoso",
                    "displayName": "Contoso",
                    "customer": {"tenantId": CONTOSO, "displayName": "Contoso"},
                    "status": "active",
                    "accessDetails": {
                        "unifiedRoles": [
                            {"roleDefinitionId": INTUNE_ADMINISTRATOR},
                            {"roleDefinitionId": GLOBAL_ADMINISTRATOR},
                        ]
                    },
                    "accessAssignments": [
                        {
                            "id": "aa-1",
                            "status": "active",
                            "accessContainer": {
                                "accessContainerId": HELPDESK_GROUP,
                                "accessContainerType": "securityGroup",
                            },
                            "accessDetails": {"unifiedRoles": [{"roleDefinitionId": INTUNE_ADMINISTRATOR}]},
                        }
                    ],
                },
                {
                    "id": "rel-fabrikam",
                    "displayName": "Fabrikam",
                    "customer": {"tenantId": FABRIKAM, "displayName": "Fabrikam"},
                    "status": "terminated",
                    "accessDetails": {"unifiedRoles": [{"roleDefinitionId": INTUNE_ADMINISTRATOR}]},
                    "accessAssignments": [
                        {
                            "id": "aa-2",
                            "status": "active",
                            "accessContainer": {"accessContainerId": OLD_GROUP, "accessContainerType": "securityGroup"},
                        },
                        {
                            "id": "aa-3",
                            "status": "active",
                            "accessContainer": {
                                "accessContainerId": HELPDESK_GROUP,
                                "accessContainerType": "securityGroup",
                            },
                        },
                    ],
                },
            ],
        },
    )
    return {t.tenant_id: t for t in (contoso, fabrikam, partner)}


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def form_fields(html: str) -> tuple[str, str]:
    """(form action, pending request id) of a sign-in page."""
    action = re.search(r'<form method="post" action="([^"]+)"', html)
    request_id = re.search(r'name="request" value="([^"]+)"', html)
    assert action and request_id, html
    return action.group(1), request_id.group(1)


def query_of(location: str) -> dict[str, str]:
    """The query parameters of a redirect (first values)."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


class Clock:
    """A settable clock (Unix seconds)."""

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Env(Ids):
    """The emulator under test plus flow helpers over an in-process httpx client."""

    tenants: dict[str, TenantData]
    regs: AppRegistrations
    app: Starlette
    entra: EntraEmulator
    client: httpx.AsyncClient
    clock: Clock
    redirect_uri: str = field(init=False)

    def __post_init__(self) -> None:
        self.redirect_uri = self.regs.frontend.redirect_uris[0]

    pkce_pair = staticmethod(pkce_pair)
    form_fields = staticmethod(form_fields)
    query_of = staticmethod(query_of)

    @staticmethod
    def claims_of(token: str) -> Mapping[str, Any]:
        """Unverified claims (tests check shapes; verification is tested separately)."""
        decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
        return decoded

    @property
    def api_scope(self) -> str:
        return f"api://{self.regs.api.client_id}/access_as_user"

    def authorize_query(self, tenant: str = CONTOSO, **overrides: str | None) -> tuple[dict[str, str], str]:
        """A valid authorize query for the frontend (and its PKCE verifier); overrides may drop keys."""
        verifier, challenge = pkce_pair()
        query: dict[str, str | None] = {
            "client_id": self.regs.frontend.client_id,
            "response_type": "code",
            "redirect_uri": self.redirect_uri,
            "scope": f"openid profile offline_access {self.api_scope}",
            "state": "st-123",
            "nonce": "n-hashed-value",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "client_info": "1",
        }
        query.update(overrides)
        return {k: v for k, v in query.items() if v is not None}, verifier

    async def authorize(self, tenant: str = CONTOSO, **overrides: str | None) -> tuple[httpx.Response, str]:
        query, verifier = self.authorize_query(tenant, **overrides)
        response = await self.client.get(f"/{tenant}/oauth2/v2.0/authorize?{urlencode(query)}")
        return response, verifier

    async def pick(self, page: httpx.Response, home_tenant: str, user_id: str, **extra: str) -> httpx.Response:
        """Submit the sign-in page choosing ``user_id`` of ``home_tenant``."""
        assert page.status_code == 200, page.text
        action, request_id = form_fields(page.text)
        return await self.client.post(action, data={"request": request_id, "user": f"{home_tenant}:{user_id}", **extra})

    async def sign_in(
        self, user_id: str, *, tenant: str = CONTOSO, home: str | None = None, **overrides: str | None
    ) -> tuple[dict[str, str], str]:
        """Authorize interactively as ``user_id``; returns (redirect query, PKCE verifier)."""
        page, verifier = await self.authorize(tenant, prompt="login", **overrides)
        response = await self.pick(page, home or tenant, user_id)
        assert response.status_code == 302, response.text
        return query_of(response.headers["location"]), verifier

    async def redeem(self, code: str, verifier: str, tenant: str = CONTOSO, **overrides: str) -> httpx.Response:
        data = {
            "client_id": self.regs.frontend.client_id,
            "client_secret": self.regs.frontend.client_secret or "",
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": verifier,
            "scope": f"{self.api_scope} offline_access openid profile",
            "client_info": "1",
            **overrides,
        }
        return await self.client.post(f"/{tenant}/oauth2/v2.0/token", data=data)

    async def api_tokens(self, user_id: str, *, tenant: str = CONTOSO, home: str | None = None) -> dict[str, Any]:
        """Sign in and redeem: the frontend's token response (API access token, id token ...)."""
        redirect, verifier = await self.sign_in(user_id, tenant=tenant, home=home)
        response = await self.redeem(redirect["code"], verifier, tenant)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def obo(
        self, assertion: str, scopes: str = " ".join(READ_SCOPES), *, tenant: str = CONTOSO, **overrides: str
    ) -> httpx.Response:
        data = {
            "client_id": self.regs.api.client_id,
            "client_secret": self.regs.api.client_secret,
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "requested_token_use": "on_behalf_of",
            "assertion": assertion,
            "scope": f"{scopes} offline_access openid profile",
            "client_info": "1",
            **overrides,
        }
        return await self.client.post(f"/{tenant}/oauth2/v2.0/token", data=data)


EnvFactory = Callable[..., Env]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def make_env(clock: Clock) -> AsyncIterator[Callable[..., Env]]:
    clients: list[httpx.AsyncClient] = []

    def build(**option_overrides: Any) -> Env:
        tenants = make_tenants()
        regs = AppRegistrations.demo()
        options = EntraOptions(**{"clock": clock, **option_overrides})
        app = create_entra_app(tenants, registrations=regs, options=options)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)
        clients.append(client)
        return Env(tenants, regs, app, app.state.entra, client, clock)

    yield build
    for client in clients:
        await client.aclose()


@pytest.fixture
async def env(make_env: Callable[..., Env]) -> Env:
    return make_env()
