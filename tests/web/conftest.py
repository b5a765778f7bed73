"""Fixtures for the web app's tests: the demo emulator over HTTPS, a registry, the app, a browser.

The app runs in-process (httpx's ASGI transport on ``https://testserver``); Entra ID and Graph are
the emulator on real localhost HTTPS with its own CA, because MSAL talks to them with ``requests``.
"""

from __future__ import annotations

import asyncio
import base64
import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.entra import AppRegistrations, DemoBrowser
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.emulator.server import EmulatorServer
from intune_assistant.identity.config import IdentityConfig
from intune_assistant.identity.obo import OboClient
from intune_assistant.tenants import Registry, engine_from_url, upgrade_database
from intune_assistant.web import WebSettings, create_app

BASE = "https://testserver"


@dataclass
class Emulator:
    demo: DemoTenancy
    server: EmulatorServer

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def ca_file(self) -> str:
        return str(self.server.ca_path)


def register_web_app(demo: DemoTenancy, base: str) -> None:
    """Register ``base``'s redirect URIs on the demo apps, as an admin would in the portal."""
    demo.entra.registrations = AppRegistrations.demo(
        redirect_uris=[f"{base}/auth/callback"],
        consent_redirect_uris=[f"{base}/onboarding/consent"],
        post_logout_redirect_uris=[f"{base}/"],
        catalog=demo.catalog,
    )


@pytest.fixture
def emulator_options() -> EmulatorOptions | None:
    """The Graph emulator's options; a test parametrizes this fixture to inject faults."""
    return None


@pytest.fixture
def emulator(emulator_options: EmulatorOptions | None) -> Iterator[Emulator]:
    demo = build_demo(["contoso", "fabrikam", "partner"], options=emulator_options)
    register_web_app(demo, BASE)
    with EmulatorServer(demo.app) as server:
        yield Emulator(demo, server)


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    upgrade_database(url)
    return Registry(engine_from_url(url))


def make_settings(tmp_path: Path, **changes: Any) -> WebSettings:
    values: dict[str, Any] = {
        "session_key": base64.b64encode(os.urandom(32)).decode(),
        "base_url": BASE,
        "data_dir": tmp_path / "data",
        "secure_cookies": True,
    }
    values.update(changes)
    return WebSettings(**values)


@dataclass
class Web:
    app: FastAPI
    client: httpx.AsyncClient
    emulator: Emulator
    registry: Registry
    browser: DemoBrowser
    identity: Any
    obo: Any

    @property
    def demo(self) -> DemoTenancy:
        return self.emulator.demo

    def tenant(self, name: str) -> Any:
        return self.demo.tenants[name]

    def upn(self, name: str, role: str = "admin", *, mfa: bool = False) -> str:
        operator = next(
            o for o in self.tenant(name).operators if o.role == role and o.enabled and o.mfa_required == mfa
        )
        return str(operator.user_principal_name)

    async def sign_in(self, upn: str, *, tenant: str | None = None) -> httpx.Response:
        """Sign in through /signin, the emulator's page, the callback relay and /auth/complete."""
        params = {"tenant": tenant} if tenant else {}
        start = await self.client.get("/signin", params=params)
        assert start.status_code == 303, start.text
        answer = self.browser.sign_in(start.headers["location"], upn)
        return await self.deliver(answer)

    async def deliver(self, answer: dict[str, str]) -> httpx.Response:
        relay = await self.client.post("/auth/callback", data=answer)
        assert relay.status_code == 200 and 'action="/auth/complete"' in relay.text
        return await self.client.post("/auth/complete", data=answer)

    def csrf(self) -> str:
        session = self.app.state.web.cookies.load(_FakeRequest(self.client.cookies))
        assert session is not None
        return str(session.csrf)

    async def wait_for_policies(self, path: str = "/policies") -> httpx.Response:
        """GET the page until the collection finished (the progress view polls in a browser)."""
        deadline = time.monotonic() + 30
        while True:
            response = await self.client.get(path)
            if "Reading the tenant" not in response.text or time.monotonic() > deadline:
                return response
            await asyncio.sleep(0.05)

    async def consent(self, response: httpx.Response, upn: str) -> httpx.Response:
        """Follow a redirect to admin consent: sign in there and bring the answer back."""
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        assert "/adminconsent?" in location, location
        answer = self.browser.sign_in(location, upn)
        assert self.browser.last_redirect.startswith(f"{BASE}/onboarding/consent"), self.browser.last_redirect
        return await self.client.get("/onboarding/consent", params=answer)

    def forget_browser(self) -> None:
        """A new browser: no app cookies and no Entra SSO session (to sign in as someone else)."""
        self.client.cookies.clear()
        self.browser.client.cookies.clear()

    async def onboarded_admin(self, name: str = "contoso", *, modules: tuple[str, ...] = ()) -> str:
        """Sign in as the tenant's admin and onboard it; returns the admin's UPN.

        ``modules``: optional read modules turned on straight in the registry (the demo tenants
        consented to their scopes already), for tests of pages that read managed devices or roles.
        """
        upn = self.upn(name)
        signed_in = await self.sign_in(upn)
        assert signed_in.status_code == 303, signed_in.text
        done = await self.onboard(upn, self.tenant(name).domain)
        assert done.status_code == 303 and done.headers["location"] == "/policies", done.text
        for module in modules:
            self.registry.activate_module(self.tenant(name).tenant_id, module)
        return upn

    async def onboard(self, upn: str, domain: str) -> httpx.Response:
        started = await self.client.post("/onboarding/start", data={"csrf_token": self.csrf(), "domain": domain})
        return await self.consent(started, upn)


class _FakeRequest:
    def __init__(self, cookies: httpx.Cookies) -> None:
        self.cookies = {c.name: c.value for c in cookies.jar}


@pytest.fixture
def settings_changes() -> dict[str, Any]:
    """Changes to the web app's settings; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
def graph_transport(emulator: Emulator) -> httpx.AsyncBaseTransport:
    """How the web app reaches Graph: the emulator in-process; a test module may wrap it."""
    return httpx.ASGITransport(app=emulator.demo.app)


@pytest.fixture
async def web(
    emulator: Emulator,
    registry: Registry,
    tmp_path: Path,
    settings_changes: dict[str, Any],
    graph_transport: httpx.AsyncBaseTransport,
) -> AsyncIterator[Web]:
    identity = IdentityConfig.demo(emulator.base_url, emulator.ca_file)
    obo = OboClient(identity)
    app = create_app(
        make_settings(tmp_path, **settings_changes),
        registry=registry,
        identity=identity,
        obo=obo,
        transport=graph_transport,
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    # What a browser sends with a request from this app's own pages (see web/origin.py).
    async with httpx.AsyncClient(transport=transport, base_url=BASE, headers={"Origin": BASE}) as client:
        with httpx.Client(verify=emulator.server.ssl_context(), trust_env=False) as http:
            yield Web(app, client, emulator, registry, DemoBrowser(http), identity, obo)
    obo.close()
