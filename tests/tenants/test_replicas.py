"""Two app processes over one PostgreSQL registry behind nginx: the web tier is stateless.

As deployed (docs/deployment.md, "Several replicas"): two ``intune-assistant serve`` processes
with the same session key and ``DATABASE_URL`` behind nginx's round robin (no sticky sessions),
against the Entra ID + Graph emulator. One browser session alternates between them and keeps
working (sign-in, onboarding, a write module turned on, pages); a plan made on one replica applies
on the other; sign-out on one makes the cookie worthless on both.

nginx comes from ``INTUNE_ASSISTANT_TEST_NGINX`` (``./scripts/nginx`` installs it and prints its
path; ``./scripts/test`` sets it). Without it the test fails in CI and is skipped elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.entra.browser import DemoBrowser
from intune_assistant.emulator.entra.registrations import AppRegistrations
from intune_assistant.emulator.server import EmulatorServer
from intune_assistant.identity.config import IdentityConfig
from intune_assistant.web.settings import new_session_key

from .conftest import Backend, _ci

NGINX_ENV = "INTUNE_ASSISTANT_TEST_NGINX"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# How long a replica may take to start or to read Contoso (generous: CI machines are loaded).
DEADLINE_S = 180


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _nginx() -> str:
    path = os.environ.get(NGINX_ENV, "").strip()
    if not path:
        how = f"run ./scripts/nginx and export its last line as {NGINX_ENV} (./scripts/test does this)"
        if _ci():
            pytest.fail(f"{NGINX_ENV} is not set but CI is: the two-replica test needs nginx; {how}.")
        pytest.skip(f"two-replica test not run: {NGINX_ENV} is not set; {how}. (In CI this fails.)")
    return path


NGINX_CONF = """
worker_processes 1;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  upstream replicas {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_read_timeout 300s;
      # A failing replica must show, not be hidden by a retry on the other one.
      proxy_next_upstream off;
      add_header X-Replica $upstream_addr always;
    }}
  }}
}}
"""


@dataclass
class Replicas:
    """The load balancer's URL, each replica's own URL, and the emulator behind them."""

    base_url: str
    replicas: tuple[str, str]
    demo: DemoTenancy
    emulator_url: str
    ca_path: Path


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url} exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer /healthz within {DEADLINE_S} s")


@pytest.fixture
def replicas(postgres_backend: Backend) -> Iterator[Replicas]:
    """Emulator, two ``serve`` processes on one PostgreSQL registry, nginx in front."""
    nginx = _nginx()
    port, a, b = _free_port(), _free_port(), _free_port()
    base_url = f"http://localhost:{port}"
    demo = build_demo(("contoso",), customers=0)
    demo.entra.registrations = AppRegistrations.demo(
        redirect_uris=[f"{base_url}/auth/callback"],
        consent_redirect_uris=[f"{base_url}/onboarding/consent"],
        post_logout_redirect_uris=[f"{base_url}/"],
        catalog=demo.catalog,
    )
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ia-replicas-")))
        server = stack.enter_context(EmulatorServer(demo.app, ca_dir=tmp / "ca"))
        identity = IdentityConfig.demo(server.base_url, str(server.ca_path))
        env = {
            **os.environ,
            "INTUNE_ASSISTANT_SESSION_KEY": new_session_key().get_secret_value(),
            "INTUNE_ASSISTANT_BASE_URL": base_url,
            "INTUNE_ASSISTANT_SECURE_COOKIES": "false",  # plain http on localhost, as the demo
            "INTUNE_ASSISTANT_DATABASE_URL": postgres_backend.url,
            "INTUNE_ASSISTANT_AUTHORITY_HOST": identity.authority_host,
            "INTUNE_ASSISTANT_GRAPH_BASE_URL": identity.graph_base_url,
            "INTUNE_ASSISTANT_CA_FILE": str(server.ca_path),
            "INTUNE_ASSISTANT_API_CLIENT_ID": identity.api_client_id,
            "INTUNE_ASSISTANT_API_CLIENT_SECRET": identity.api_client_secret,
            "INTUNE_ASSISTANT_FRONTEND_CLIENT_ID": identity.frontend_client_id,
            "INTUNE_ASSISTANT_FRONTEND_CLIENT_SECRET": identity.frontend_client_secret or "",
            "INTUNE_ASSISTANT_DATA_DIR": str(tmp / "data"),
        }
        cli = str(Path(sys.executable).with_name("intune-assistant"))
        urls = []
        for replica_port in (a, b):
            log = tmp / f"replica-{replica_port}.log"
            out = stack.enter_context(log.open("wb"))
            process = subprocess.Popen(
                [cli, "serve", "--host", "127.0.0.1", "--port", str(replica_port)], env=env, stdout=out, stderr=out
            )
            stack.callback(_stop, process)
            url = f"http://127.0.0.1:{replica_port}"
            _wait_until_up(url, process, log)
            urls.append(url)
        user = "user root;" if os.geteuid() == 0 else ""
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(user=user, tmp=tmp, a=a, b=b, port=port), encoding="utf-8")
        balancer = subprocess.Popen(
            [nginx, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=stack.enter_context((tmp / "nginx.out").open("wb")),
        )
        stack.callback(_stop, balancer)
        _wait_until_up(base_url, balancer, tmp / "nginx.out")
        yield Replicas(base_url, (urls[0], urls[1]), demo, server.base_url, server.ca_path)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _form_post(web: httpx.Client, page_path: str, action: str, fields: dict[str, str] | None = None) -> httpx.Response:
    """Submit the form whose action is ``action`` on ``page_path``, with its CSRF token."""
    page = web.get(page_path)
    assert f'action="{action}"' in page.text, page.text[:500]
    csrf = _CSRF.search(page.text.split(f'action="{action}"')[1])
    assert csrf is not None, f"no CSRF token in the form of {action}"
    return web.post(action, data={"csrf_token": csrf.group(1), **(fields or {})})


def test_a_session_alternating_between_replicas_keeps_working_and_a_plan_applies_on_the_other(
    replicas: Replicas,
) -> None:
    tenant = replicas.demo.tenants["contoso"]
    admin = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    seen: set[str] = set()

    def note(response: httpx.Response) -> None:
        if "x-replica" in response.headers:
            seen.add(response.headers["x-replica"])

    verify = ssl.create_default_context(cafile=str(replicas.ca_path))
    with (
        httpx.Client(
            base_url=replicas.base_url,
            timeout=120,
            headers={"Origin": replicas.base_url},
            event_hooks={"response": [note]},
        ) as web,
        httpx.Client(verify=verify, trust_env=False, timeout=60) as entra,
    ):
        browser = DemoBrowser(entra)
        # Sign-in: each step may land on either replica (round robin, no sticky sessions).
        start = web.get("/signin")
        assert start.status_code == 303, start.text[:300]
        answer = browser.sign_in(start.headers["location"], admin.user_principal_name)
        assert web.post("/auth/callback", data=answer).status_code == 200
        done = web.post("/auth/complete", data=answer)
        assert done.status_code == 303, done.text[:300]
        first = web.get(done.headers["location"])
        assert first.status_code == 303 and first.headers["location"].endswith("/onboarding"), first.text[:300]
        consent = _form_post(web, "/onboarding", "/onboarding/start", {"domain": tenant.domain})
        assert consent.status_code == 303, consent.text[:300]
        granted = browser.sign_in(consent.headers["location"], admin.user_principal_name)
        back = web.get("/onboarding/consent", params=granted)
        assert back.status_code == 303 and back.headers["location"] == "/policies", back.text[:300]
        assert len(seen) == 2, f"the sign-in was served by {seen} only"

        # Both replicas read the tenant for this user (each its own in-memory copy) and serve it.
        ready: set[str] = set()
        deadline = time.monotonic() + DEADLINE_S
        while len(ready) < 2 and time.monotonic() < deadline:
            page = web.get("/policies")
            assert page.status_code == 200, page.text[:300]
            if "Reading the tenant" not in page.text:
                ready.add(page.headers["x-replica"])
            else:
                time.sleep(0.3)
        assert len(ready) == 2, f"only {ready} served Policies within {DEADLINE_S} s"

        # Turning on a write module on one replica is in the shared registry for the other.
        started = _form_post(web, "/tenant", "/tenant/modules/bulk-edit/activate")
        assert started.status_code == 303, started.text[:300]
        granted = browser.sign_in(started.headers["location"], admin.user_principal_name)
        back = web.get("/onboarding/consent", params=granted)
        assert back.status_code == 303 and "activated=" in back.headers["location"], back.text[:300]

        # A plan made on replica A applies on replica B (the plan is a sealed document, not server state).
        policy = tenant.objects["settingsCatalog"][0]
        token = replicas.demo.entra.issue_api_token_for(tenant.tenant_id, admin.user_id, base_url=replicas.emulator_url)
        bearer = {"Authorization": f"Bearer {token}"}
        edit = {"action": "rename", "object": [f"settingsCatalog/{policy['id']}"], "rule": "prefix", "text": "RR - "}
        plan = _ready_json(f"{replicas.replicas[0]}/api/v1/bulk-edits/plan", edit, bearer)
        assert plan["can_apply"] and plan["document"], plan
        applied = _ready_json(f"{replicas.replicas[1]}/api/v1/bulk-edits/apply", {"document": plan["document"]}, bearer)
        results = applied["results"]
        assert isinstance(results, list) and [r["status"] for r in results] == ["applied"], applied
        assert tenant.objects["settingsCatalog"][0]["name"] == f"RR - {policy['name']}"

        # Sign-out through the balancer ends the session on both replicas (the registry's watermark).
        cookies = httpx.Cookies(web.cookies)
        assert _form_post(web, "/signout", "/signout").status_code in (303, 200)
        for replica in replicas.replicas:
            with httpx.Client(base_url=replica, cookies=cookies, headers={"Origin": replicas.base_url}) as old:
                after = old.get("/policies")
                assert after.status_code == 303 and "/signin" in after.headers["location"], (replica, after.text[:300])


def _ready_json(url: str, body: dict[str, object], headers: dict[str, str]) -> dict[str, object]:
    """POST ``body`` until the replica has read the tenant for this caller (202 "collecting" before)."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        response = httpx.post(url, json=body, headers=headers, timeout=120)
        assert response.status_code in (200, 202), (url, response.status_code, response.text[:500])
        if response.status_code == 200:
            return dict(response.json())
        assert time.monotonic() < deadline, f"{url} still reading after {DEADLINE_S} s"
        time.sleep(0.3)
