"""Fixtures for the identity tests: the demo tenancy (Entra + Graph emulators) over real HTTPS.

Each test gets its own demo and server, because tests change Entra's state (consent, keys,
disabled users). ``Demo`` bundles what the tests need: the config pointing at the server, token
helpers and the tenants' users by role.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
import msal
import pytest
import requests

from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.entra import DemoBrowser
from intune_assistant.emulator.entra.registrations import DEMO_REDIRECT_URIS
from intune_assistant.emulator.server import EmulatorServer
from intune_assistant.emulator.tenants.model import Operator
from intune_assistant.identity.config import IdentityConfig
from intune_assistant.identity.jwks import HttpFactory
from intune_assistant.identity.validation import ApiTokenValidator


class Clock:
    """Real time plus an offset the test can move forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class Demo:
    """The demo tenancy served over HTTPS, and helpers around it."""

    tenancy: DemoTenancy
    server: EmulatorServer
    config: IdentityConfig
    closables: list[Any]

    @property
    def entra(self) -> Any:
        return self.tenancy.entra

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def tenant_id(self, name: str) -> str:
        return self.tenancy.tenants[name].tenant_id

    def operator(self, name: str, *, mfa: bool = False, enabled: bool = True, role: str = "admin") -> Operator:
        """The first operator of tenant ``name`` with these traits."""
        return next(
            o
            for o in self.tenancy.tenants[name].operators
            if o.role == role and o.mfa_required == mfa and o.enabled == enabled
        )

    def technician(self) -> Operator:
        """The partner's GDAP technician (member of the technicians group, role 'none')."""
        return next(o for o in self.tenancy.tenants["partner"].operators if o.role == "none")

    def api_token(self, name: str, user: Operator, *, mfa: bool = False) -> str:
        """A v2 API token for ``user`` signed in to tenant ``name``."""
        token: str = self.entra.issue_api_token_for(self.tenant_id(name), user.user_id, base_url=self.base_url, mfa=mfa)
        return token

    def http_factory(self, counter: list[str] | None = None) -> HttpFactory:
        """httpx clients trusting the emulator's CA; ``counter`` collects every requested URL."""
        context = self.server.ssl_context()

        async def count(request: httpx.Request) -> None:
            if counter is not None:
                counter.append(str(request.url))

        def make() -> httpx.AsyncClient:
            return httpx.AsyncClient(verify=context, trust_env=False, event_hooks={"request": [count]})

        return make

    def validator(self, **kwargs: Any) -> ApiTokenValidator:
        kwargs.setdefault("http", self.http_factory())
        return ApiTokenValidator(self.config, **kwargs)

    def browser(self) -> DemoBrowser:
        client = httpx.Client(verify=self.server.ssl_context(), trust_env=False)
        self.closables.append(client)
        return DemoBrowser(client)

    def frontend_sign_in(self, name: str, upn: str) -> dict[str, Any]:
        """The real auth-code flow: MSAL (frontend app) + the demo sign-in page."""
        session = requests.Session()
        session.verify = str(self.server.ca_path)
        session.trust_env = False
        self.closables.append(session)
        app = msal.ConfidentialClientApplication(
            self.config.frontend_client_id,
            client_credential=self.config.frontend_client_secret,
            authority=f"{self.base_url}/{self.tenant_id(name)}",
            instance_discovery=False,
            http_client=session,
        )
        flow = app.initiate_auth_code_flow(
            [self.config.api_scope], redirect_uri=DEMO_REDIRECT_URIS[1], response_mode="form_post"
        )
        answer = self.browser().sign_in(flow["auth_uri"], upn)
        result: dict[str, Any] = app.acquire_token_by_auth_code_flow(flow, answer)
        return result

    @staticmethod
    def claims(token: str) -> dict[str, Any]:
        decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
        return decoded


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    tenancy = build_demo(["contoso", "fabrikam", "partner"])
    with EmulatorServer(tenancy.app, ca_dir=tmp_path / "ca") as server:
        config = IdentityConfig.demo(server.base_url, str(server.ca_path))
        found = Demo(tenancy, server, config, [])
        try:
            yield found
        finally:
            for closable in found.closables:
                closable.close()
