"""What the HTTP benchmarks share: the demo stack in a process of its own, signing in like a browser.

``pages.py`` and ``load.py`` start the stack as ``intune-assistant demo`` runs it (the Entra ID +
Graph emulator on localhost HTTPS and the web app on uvicorn), sign in over HTTP through the
emulator's pages, and read the app's own time per request from its ``Server-Timing`` header.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import socket
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import httpx

from intune_assistant.emulator.demo import DemoTenancy
from intune_assistant.emulator.entra import DemoBrowser

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_TIMING = re.compile(r"app;dur=([0-9.]+)")


# ---------------------------------------------------------------------------------------------
# The demo stack, in a process of its own (as `intune-assistant demo` runs it)


def _serve(port: int, names: tuple[str, ...], ready: Any, stop: Event) -> None:
    """Child process: build the demo stack, serve it on uvicorn, report where, stop when asked."""
    import uvicorn

    from intune_assistant.web.runner import LOCALHOST, DemoStack, demo_accounts, uvicorn_config

    with DemoStack(port, names=names) as stack:
        assert stack.app is not None and stack.demo is not None
        server = uvicorn.Server(uvicorn_config(stack.app, LOCALHOST, port))
        accounts = [(a.tenant, a.role, a.upn) for a in demo_accounts(stack.demo)]
        api_tokens = _api_tokens(stack.demo, stack.emulator_url)

        def report_and_wait() -> None:
            while not server.started and not server.should_exit:
                time.sleep(0.05)
            ready.put(
                {
                    "base_url": stack.base_url,
                    "ca_path": str(stack.ca_path),
                    "accounts": accounts,
                    "api_tokens": api_tokens,
                }
            )
            stop.wait()
            server.should_exit = True

        threading.Thread(target=report_and_wait, daemon=True).start()
        server.run()


def _api_tokens(demo: DemoTenancy, emulator_url: str) -> dict[str, str]:
    """UPN → an API token (``access_as_user``) for every enabled operator without MFA.

    Issued by the emulator's Entra ID as the frontend's sign-in gets it: a script calling the JSON
    API gets its own from Entra ID; the benchmark only needs one per user.
    """
    tokens = {}
    for tenant in demo.tenants.values():
        for operator in tenant.operators:
            if operator.enabled and not operator.mfa_required:
                tokens[operator.user_principal_name] = demo.entra.issue_api_token_for(
                    tenant.tenant_id, operator.user_id, base_url=emulator_url
                )
    return tokens


@dataclass
class Stack:
    """Where the demo stack answers, its emulator's CA, its demo accounts and their API tokens."""

    base_url: str
    ca_path: str
    accounts: list[tuple[str, str, str]]
    api_tokens: dict[str, str]
    process: Any
    stop: Event

    def close(self) -> None:
        """Stop the stack's process (and wait for it)."""
        self.stop.set()
        self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=10)

    def cpu_s(self) -> float:
        """CPU seconds the server process used so far (user + system, every thread).

        The machine may be shared: wall-clock percentiles then rise with other work, while the CPU
        time per request is what this app costs, whatever else runs.
        """
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        """The server process's peak resident memory (Linux ``VmHWM``), in MB."""
        try:
            text = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return float("nan")
        found = re.search(r"VmHWM:\s+(\d+) kB", text)
        return int(found.group(1)) / 1024 if found else float("nan")


def start_stack(names: tuple[str, ...]) -> Stack:
    """Start the demo stack's process on a free port and wait until it serves."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    process = context.Process(target=_serve, args=(port, names, ready, stop), name="demo-stack")
    process.start()
    info = ready.get(timeout=300)
    return Stack(info["base_url"], info["ca_path"], info["accounts"], info["api_tokens"], process, stop)


# ---------------------------------------------------------------------------------------------
# Signing in like a browser


def sign_in(stack: Stack, upn: str, domain: str) -> httpx.Cookies:
    """Sign ``upn`` in through the Entra emulator's pages (onboarding the tenant if needed); the app's cookies."""
    verify = ssl.create_default_context(cafile=stack.ca_path)
    with (
        # Origin: what a browser sends with a form of the app's own pages (web/origin.py checks it).
        httpx.Client(base_url=stack.base_url, timeout=120, headers={"Origin": stack.base_url}) as web,
        httpx.Client(verify=verify, trust_env=False, timeout=60) as entra,
    ):
        browser = DemoBrowser(entra)
        start = web.get("/signin")
        assert start.status_code == 303, start.text[:300]
        answer = browser.sign_in(start.headers["location"], upn)
        relay = web.post("/auth/callback", data=answer)
        assert relay.status_code == 200, relay.text[:300]
        done = web.post("/auth/complete", data=answer)
        assert done.status_code == 303, done.text[:300]
        first = web.get(done.headers["location"])
        if first.status_code == 303 and first.headers["location"].endswith("/onboarding"):
            form = web.get("/onboarding")
            csrf = _CSRF.search(form.text)
            assert csrf is not None, "no CSRF token on the onboarding page"
            consent = web.post("/onboarding/start", data={"csrf_token": csrf.group(1), "domain": domain})
            assert consent.status_code == 303, consent.text[:300]
            granted = browser.sign_in(consent.headers["location"], upn)
            back = web.get("/onboarding/consent", params=granted)
            assert back.status_code == 303 and back.headers["location"] == "/policies", back.text[:300]
        for module in MODULES:
            turn_on(web, browser, upn, module)
        return httpx.Cookies(web.cookies)


# Optional read modules the timed pages read (Devices, Troubleshoot by device): turned on by the
# tenant's admin through Tenant settings and admin consent, as an administrator would.
MODULES = ("managed-devices",)


def turn_on(web: httpx.Client, browser: DemoBrowser, upn: str, module: str) -> None:
    """Turn on optional read ``module`` through Tenant settings and admin consent, unless it is on (or ``upn``
    may not: the read-only operator then uses what the admin turned on)."""
    settings = web.get("/tenant")
    action = f'action="/tenant/modules/{module}/activate"'
    if action not in settings.text:
        return
    csrf = _CSRF.search(settings.text.split(action)[1])
    assert csrf is not None, "no CSRF token on the activation form"
    started = web.post(f"/tenant/modules/{module}/activate", data={"csrf_token": csrf.group(1)})
    assert started.status_code == 303, started.text[:300]
    granted = browser.sign_in(started.headers["location"], upn)
    back = web.get("/onboarding/consent", params=granted)
    assert back.status_code == 303 and "activated=" in back.headers["location"], back.text[:300]


def wait_for_first_read(client: httpx.Client) -> float:
    """Open /policies until the progress page gives way to the table; the seconds it took."""
    started = time.perf_counter()
    while True:
        page = client.get("/policies")
        if page.status_code != 200:
            where = page.headers.get("location", "")
            raise RuntimeError(f"/policies answered {page.status_code} {where}: {page.text[:300]}")
        if "Reading the tenant" not in page.text:
            return time.perf_counter() - started
        if time.perf_counter() - started > 600:
            raise TimeoutError("the tenant was not read within 10 minutes")
        time.sleep(0.5)


# ---------------------------------------------------------------------------------------------
# Figures


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def server_ms(response: httpx.Response) -> float:
    """The app's own time for the request, from ``Server-Timing``."""
    found = _TIMING.search(response.headers.get("server-timing", ""))
    return float(found.group(1)) if found else float("nan")
