"""`--server URL`: the CLI asks a running Intune Assistant's JSON API and prints what local mode prints.

The demo stack (Entra ID + Graph emulator on HTTPS, the web app on uvicorn) runs in this process;
each CLI runs as its own process, signs in with a device code for the server's API scope through
MSAL, and the test plays the user who enters the code elsewhere. Local mode reads the same demo
tenant in-process (``--demo``), so both answers come from the same tenant data.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn

from intune_assistant.catalog import default_catalog
from intune_assistant.catalog.modules import default_read_scopes
from intune_assistant.emulator.entra import DEMO_CLI_CLIENT_ID
from intune_assistant.emulator.tokens import DEMO_API_CLIENT_ID
from intune_assistant.web.runner import DemoStack, uvicorn_config

CLI = [sys.executable, "-c", "from intune_assistant.cli.main import main; main()"]
CODE = re.compile(r"enter the code\s+([A-Z0-9-]+)")
API_SCOPE = f"api://{DEMO_API_CLIENT_ID}/access_as_user"


@dataclass
class Served:
    stack: DemoStack
    tenant_id: str
    domain: str
    admin_id: str

    def sign_in_args(self) -> list[str]:
        return [
            "--server", self.stack.base_url, "--api-scope", API_SCOPE, "--client-id", DEMO_CLI_CLIENT_ID,
            "--authority", f"{self.stack.emulator_url}/{self.tenant_id}", "--ca-file", str(self.stack.ca_path),
        ]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The demo stack on uvicorn with Contoso onboarded (admin consent given, as onboarding does)."""
    port = _free_port()
    with DemoStack(port, data_dir=tmp_path_factory.mktemp("web-data"), names=("contoso",)) as stack:
        assert stack.app is not None and stack.demo is not None and stack.registry is not None
        tenant = stack.demo.tenants["contoso"]
        stack.registry.onboard(tenant.tenant_id, tenant.domain, "standard")
        stack.demo.entra.grant_consent(tenant.tenant_id, default_read_scopes(default_catalog()))
        admin = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
        server = uvicorn.Server(uvicorn_config(stack.app, "127.0.0.1", port))
        thread = threading.Thread(target=server.run, name="cli-server-web", daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the web app did not start"
            time.sleep(0.02)
        try:
            yield Served(stack, tenant.tenant_id, tenant.domain, admin.user_id)
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def _run(args: list[str]) -> tuple[int, str, str]:
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300, check=False)
    return done.returncode, done.stdout, done.stderr


def _run_signed_in(served: Served, args: list[str], *, user_id: str | None = None) -> tuple[int, str, str]:
    """Run the CLI; approve each device code it shows as the admin (or ``user_id``), as the user
    would on another device."""
    assert served.stack.demo is not None
    with subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stderr is not None and proc.stdout is not None
        seen: list[str] = []
        out: list[str] = []
        readers = [
            threading.Thread(target=lambda: seen.extend(proc.stderr or []), daemon=True),
            threading.Thread(target=lambda: out.append(proc.stdout.read() if proc.stdout else ""), daemon=True),
        ]
        for reader in readers:
            reader.start()
        approved: set[str] = set()
        deadline = time.monotonic() + 240
        while proc.poll() is None and time.monotonic() < deadline:
            for code in CODE.findall(" ".join(seen)):
                if code not in approved:
                    served.stack.demo.entra.approve_device_code(code, user_id or served.admin_id)
                    approved.add(code)
            time.sleep(0.05)
        status = proc.wait(timeout=10)
        for reader in readers:
            reader.join(timeout=10)
    assert approved, f"no device code prompt; stderr: {''.join(seen)}"
    return status, "".join(out), "".join(seen)


def test_assignments_from_the_server_are_the_local_json(served: Served) -> None:
    status, local, local_err = _run(["assignments", "--demo", "contoso", "--json"])
    assert status == 0, local_err
    status, remote, err = _run_signed_in(served, ["assignments", "--json", *served.sign_in_args()])
    assert status == 0, err
    assert json.loads(remote) == json.loads(local)
    assert json.loads(remote)["policies"], "the demo tenant has assigned policies"
    assert "eyJ" not in remote + err, "no token may reach the terminal"


def test_a_conditional_access_challenge_is_answered_by_signing_in_again(served: Served) -> None:
    """An account that needs MFA for Graph: the server's On-Behalf-Of call is refused, the API
    relays the claims challenge (401), the CLI signs in again with it (MFA) and gets the answer."""
    assert served.stack.demo is not None
    tenant = served.stack.demo.tenants["contoso"]
    mfa_admin = next(o for o in tenant.operators if o.role == "admin" and o.enabled and o.mfa_required)
    status, remote, err = _run_signed_in(
        served, ["assignments", "--json", *served.sign_in_args()], user_id=mfa_admin.user_id
    )
    assert status == 0, err
    assert "stronger sign-in" in err and len(CODE.findall(err)) == 2
    assert json.loads(remote)["policies"]


def _without_read_times(report: dict[str, Any]) -> dict[str, Any]:
    """The comparison without what says how and when each side was read (its label: the CLI's
    argument or the server's domain; its source and origin: the emulator in-process or Graph over
    HTTPS, and when), which differ by nature between a local read and the server's."""
    how = ("label", "taken_at", "source", "origin")
    sides = {k: {f: v for f, v in report[k].items() if f not in how} for k in ("left", "right")}
    return {**report, **sides}


def test_compare_on_the_server_is_the_local_json(served: Served) -> None:
    status, local, local_err = _run(["compare", "demo:contoso", "builtin:windows-security", "--format", "json"])
    assert status in (0, 1), local_err
    args = ["compare", f"tenant:{served.domain}", "builtin:windows-security", *served.sign_in_args()]
    remote_status, remote, err = _run_signed_in(served, args)
    assert remote_status == status, err
    local_report, remote_report = json.loads(local), json.loads(remote)
    assert _without_read_times(remote_report) == _without_read_times(local_report)
    assert remote_report["right"]["label"] == served.domain
    assert (remote_report["right"]["source"], local_report["right"]["source"]) == ("graph", "emulator")
    assert remote_report["objects"], "the comparison has objects"


def test_a_server_that_is_not_there_is_a_clear_error(served: Served) -> None:
    args = ["assignments", "--json", *served.sign_in_args()]
    args[args.index("--server") + 1] = f"http://127.0.0.1:{_free_port()}"
    status, stdout, err = _run_signed_in(served, args)
    assert status == 1
    assert stdout == ""
    assert "could not reach the server" in err and "Traceback" not in err


def test_a_refused_token_is_a_clear_error(served: Served) -> None:
    """A valid token of a tenant the server has disabled is refused with the server's problem details."""
    assert served.stack.registry is not None
    served.stack.registry.set_enabled(served.tenant_id, False)
    try:
        status, stdout, err = _run_signed_in(
            served, ["compare", "tenant", "builtin:windows-security", *served.sign_in_args()]
        )
    finally:
        served.stack.registry.set_enabled(served.tenant_id, True)
    assert status == 2, err
    assert stdout == ""
    assert "the server refused (403, tenant_disabled)" in err and "Traceback" not in err


def test_a_bad_server_url_is_refused_before_sign_in() -> None:
    status, stdout, err = _run(["assignments", "--json", "--server", "intune.example.com", "--api-scope", API_SCOPE])
    assert status == 1
    assert "is not a URL" in err and stdout == ""
