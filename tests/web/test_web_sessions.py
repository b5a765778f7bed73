"""Browser sessions across replicas: a cookie copied before sign-out is refused by every instance
of the app that shares the configuration and the registry; a cookie sealed with another key, or
naming another tenant than its token, is no session; over HTTPS the cookies carry ``__Host-``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.responses import Response

from intune_assistant.identity.config import IdentityConfig
from intune_assistant.identity.obo import OboClient
from intune_assistant.tenants import Registry, engine_from_url
from intune_assistant.web import create_app
from intune_assistant.web.session import HOST_PREFIX, BrowserSession, SessionCookies

from .conftest import BASE, make_settings


class _Req:
    def __init__(self, cookies: dict[str, str]) -> None:
        self.cookies = cookies


async def _replica(web: Any, tmp_path: Path, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    """Another instance of the app: its own process state and database connection, the same
    configuration (unless ``changes``) and registry database as ``web``'s."""
    settings = web.app.state.web.settings if not changes else make_settings(tmp_path, **changes)
    identity = IdentityConfig.demo(web.emulator.base_url, web.emulator.ca_file)
    obo = OboClient(identity)
    app = create_app(
        settings,
        registry=Registry(engine_from_url(f"sqlite:///{tmp_path / 'registry.db'}")),
        identity=identity,
        obo=obo,
        transport=httpx.ASGITransport(app=web.demo.app),
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url=BASE, headers={"Origin": BASE}) as client:
        yield client
    obo.close()


@pytest.fixture
async def replica(web: Any, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _replica(web, tmp_path):
        yield client


async def _served(client: httpx.AsyncClient) -> httpx.Response:
    """/policies once the collection finished (a replica reads the tenant itself)."""
    for _ in range(600):
        response = await client.get("/policies")
        if "Reading the tenant" not in response.text:
            return response
        await client.get("/policies/progress")
    raise AssertionError("the collection did not finish")


async def test_sign_out_on_one_instance_makes_a_copied_cookie_worthless_on_every_instance(
    web: Any, replica: httpx.AsyncClient
) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies()
    copied = {c.name: c.value for c in web.client.cookies.jar}
    csrf = web.csrf()
    replica.cookies.update(copied)
    before = await _served(replica)
    assert before.status_code == 200 and "policies-table" in before.text  # the copy works on the replica

    signed_out = await web.client.post("/signout", data={"csrf_token": csrf})
    assert signed_out.status_code == 303

    after = await replica.get("/policies")
    assert after.status_code == 303 and after.headers["location"].startswith("/signin?")
    refused = await replica.post("/data/refresh", data={"csrf_token": csrf})
    assert refused.status_code == 303 and refused.headers["location"].startswith("/signin?")
    home = await replica.get("/")
    assert home.status_code == 200 and "Sign in with Microsoft" in home.text
    # The instance that signed out refuses the copy as well.
    web.client.cookies.update(copied)
    again = await web.client.get("/policies")
    assert again.status_code == 303 and again.headers["location"].startswith("/signin?")
    # A new sign-in is a new session, served again.
    web.forget_browser()
    await web.sign_in(web.upn("contoso"))
    assert (await web.wait_for_policies()).status_code == 200


async def test_a_cookie_sealed_with_another_key_is_no_session(web: Any, tmp_path: Path) -> None:
    await web.onboarded_admin()
    copied = {c.name: c.value for c in web.client.cookies.jar}
    async for other in _replica(web, tmp_path / "other", secure_cookies=True):
        other.cookies.update(copied)
        response = await other.get("/policies")
        assert response.status_code == 303 and response.headers["location"].startswith("/signin?")


async def test_a_cookie_naming_another_tenant_than_its_token_is_refused(web: Any) -> None:
    await web.onboarded_admin()
    cookies: SessionCookies = web.app.state.web.cookies
    jar = {c.name: c.value for c in web.client.cookies.jar}
    session = cookies.load(_Req(jar))  # type: ignore[arg-type]
    assert session is not None
    forged = BrowserSession(api_token=session.api_token, tenant_id=web.tenant("fabrikam").tenant_id)
    response = Response()
    cookies.store(_Req({}), response, forged)  # type: ignore[arg-type]
    web.client.cookies.clear()
    web.client.cookies.set(cookies.session_name, response.headers["set-cookie"].split(";", 1)[0].split("=", 1)[1])
    page = await web.client.get("/policies")
    assert page.status_code == 403 and "Access refused" in page.text
    assert "policies-table" not in page.text


def test_https_cookies_carry_the_host_prefix_and_its_attributes(tmp_path: Path) -> None:
    from intune_assistant.web.cookies import CookieCipher

    secure = SessionCookies(CookieCipher(b"k" * 32), secure=True, flow_lifetime_s=600)
    response = Response()
    secure.store(_Req({}), response, BrowserSession(api_token="eyJ.x.y", tenant_id="t"))  # type: ignore[arg-type]
    secure.store_flow(_Req({}), response, {"flow": {}})  # type: ignore[arg-type]
    headers = response.headers.getlist("set-cookie")
    assert [h.split("=", 1)[0] for h in headers] == [HOST_PREFIX + "ia_session", HOST_PREFIX + "ia_flow"]
    for header in headers:
        lowered = header.lower()
        assert "; secure" in lowered and "; path=/" in lowered and "domain=" not in lowered
    plain = SessionCookies(CookieCipher(b"k" * 32), secure=False, flow_lifetime_s=600)
    assert plain.session_name == "ia_session"  # the demo on http://localhost: a browser refuses __Host- there
