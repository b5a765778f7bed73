"""`intune-assistant watch`: drift against a kept snapshot, the report, the webhook and the kept sign-in.

The CLI runs as its own process against the emulator over real HTTPS with a device-code sign-in,
the way a scheduled job runs it; the webhook is a local HTTP server that records what it receives.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.entra import DEMO_CLI_CLIENT_ID
from intune_assistant.emulator.server import EmulatorServer
from intune_assistant.snapshot import save_snapshot

from .conftest import collect_demo

CLI = [sys.executable, "-c", "from intune_assistant.cli.main import main; main()"]
CODE = re.compile(r"enter the code\s+([A-Z0-9-]+)")
PLANTED = "Drifted overnight"


class Webhook:
    """A local incoming webhook: records each JSON body posted to it and answers ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.received: list[dict[str, Any]] = []
        received, answer = self.received, status

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(answer)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook/secret-part"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Webhook:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


def _env(tmp_path: Path) -> dict[str, str]:
    """The process environment with its own home and cache folders (to see what gets written)."""
    env = {k: v for k, v in os.environ.items() if k != "INTUNE_ASSISTANT_DEBUG"}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), XDG_CONFIG_HOME=str(home / ".config"))
    # No Secret Service to reach: the keyring is unavailable whether or not libsecret is installed.
    env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + str(tmp_path / "no-bus")
    return env


def run_watch(
    args: list[str], env: dict[str, str], sign_in: tuple[DemoTenancy, str] | None = None
) -> tuple[int, str, str]:
    """Run ``watch`` to its end; with ``sign_in`` approve its device code as that user, else fail if it asks."""
    with subprocess.Popen(
        [*CLI, "watch", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as proc:
        assert proc.stderr is not None and proc.stdout is not None
        seen: list[str] = []
        reader = threading.Thread(target=lambda: seen.extend(proc.stderr or []), daemon=True)
        reader.start()
        if sign_in is not None:
            demo, user_id = sign_in
            deadline = time.monotonic() + 120
            code = None
            while code is None and time.monotonic() < deadline and proc.poll() is None:
                found = CODE.search(" ".join(seen))
                code = found.group(1) if found else None
                time.sleep(0.05)
            assert code, f"no device code prompt; stderr: {''.join(seen)}"
            demo.entra.approve_device_code(code, user_id)
        stdout = proc.stdout.read()
        rc = proc.wait(timeout=300)
        reader.join(timeout=10)
    return rc, stdout, "".join(seen)


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[DemoTenancy, EmulatorServer]]:
    demo = build_demo(["contoso"])
    with EmulatorServer(demo.app, ca_dir=tmp_path / "ca") as server:
        yield demo, server


def _plant_drift(demo: DemoTenancy, server: EmulatorServer) -> str:
    """Rename a device configuration profile through Graph, as an admin in the portal would; its id."""
    tenant = demo.tenants["contoso"]
    demo.entra.grant_consent(tenant.tenant_id, ("DeviceManagementConfiguration.ReadWrite.All",))
    token = demo.token("contoso", scopes=["DeviceManagementConfiguration.ReadWrite.All"])
    target = tenant.objects["deviceConfigurations"][0]
    with httpx.Client(verify=server.ssl_context(), headers={"Authorization": f"Bearer {token}"}) as graph:
        url = f"{server.base_url}/beta/deviceManagement/deviceConfigurations/{target['id']}"
        body = {"@odata.type": target["@odata.type"], "description": PLANTED}
        response = graph.patch(url, json=body)
        assert response.status_code == 204, response.text
        assert graph.get(url).json()["description"] == PLANTED
    return str(target["displayName"])


def test_watch_finds_planted_drift_reports_it_and_keeps_the_sign_in_only_when_asked(
    tmp_path: Path, served: tuple[DemoTenancy, EmulatorServer]
) -> None:
    demo, server = served
    tenant = demo.tenants["contoso"]
    admin = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    reference = tmp_path / "reference"
    save_snapshot(asyncio.run(collect_demo(demo, "contoso"))[0], reference)
    changed = _plant_drift(demo, server)
    env = _env(tmp_path)
    sign_in = [
        "--tenant", tenant.domain, "--client-id", DEMO_CLI_CLIENT_ID,
        "--authority", f"{server.base_url}/{tenant.tenant_id}", "--graph-url", server.base_url,
        "--ca-file", str(server.ca_path),
    ]  # fmt: skip
    cache = tmp_path / "kept" / "sign-in.bin"
    kept = ["--keep-sign-in", "--allow-plaintext-cache", "--token-cache", str(cache)]

    with Webhook() as hook:
        rc, out, err = run_watch(
            [str(reference), *sign_in, *kept, "-o", str(tmp_path / "drift.md"), "--webhook", hook.url,
             "--save-snapshot", str(tmp_path / "now")],
            env,
            sign_in=(demo, admin.user_id),
        )  # fmt: skip
        assert rc == 1, err
        report = (tmp_path / "drift.md").read_text("utf-8")
        assert changed in report and PLANTED in report
        assert "UNENCRYPTED" in err and cache.is_file()
        assert [m["text"] for m in hook.received] == [out.strip()]
        assert "Drift found: 1 changed" in out and changed in out

        # The next run uses the kept sign-in (no device code) and the snapshot saved by this one.
        rc, out, err = run_watch([str(tmp_path / "now"), *sign_in, *kept, "-o", str(tmp_path / "same.json")], env)
        assert rc == 0, err
        assert "enter the code" not in err
        assert json.loads((tmp_path / "same.json").read_text("utf-8"))["aligned"] is True
        assert "No drift" in out and len(hook.received) == 1

    # Without --keep-sign-in nothing but the report is written, wherever MSAL could have put a cache.
    cache.unlink()
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    rc, out, err = run_watch(
        [str(tmp_path / "now"), *sign_in, "-o", str(tmp_path / "again.md")], env, sign_in=(demo, admin.user_id)
    )
    assert rc == 0, err
    assert {p for p in tmp_path.rglob("*") if p.is_file()} - before == {tmp_path / "again.md"}
    assert "eyJ" not in out + err, "no token may reach the terminal"


def test_keep_sign_in_without_a_keyring_refuses_a_plain_file_unless_allowed(tmp_path: Path) -> None:
    env = _env(tmp_path)
    cache = tmp_path / "kept" / "sign-in.bin"
    rc, _, err = run_watch(
        ["builtin:", "--tenant", "contoso.example", "--client-id", "x", "--keep-sign-in", "--token-cache", str(cache)],
        env,
    )
    assert rc == 2
    assert "--allow-plaintext-cache" in err and "keyring" in err and "Traceback" not in err
    assert not cache.exists() and not (tmp_path / "kept").exists()


def test_watch_without_drift_exits_0_and_a_refusing_webhook_is_a_clear_error(tmp_path: Path) -> None:
    env = _env(tmp_path)
    rc, out, err = run_watch([str(tmp_path / "ref"), "--demo", "contoso", "-o", str(tmp_path / "none.md")], env)
    assert rc == 2 and "does not exist" in err, "a missing reference is an error without --first-run"
    rc, out, err = run_watch(
        [str(tmp_path / "ref"), "--demo", "contoso", "--first-run", "--save-snapshot", str(tmp_path / "ref")], env
    )
    assert rc == 0 and "First run" in out, err
    assert (tmp_path / "ref" / "manifest.json").is_file() and not (tmp_path / "none.md").exists()
    with Webhook() as hook:
        rc, out, err = run_watch([str(tmp_path / "ref"), "--demo", "contoso", "-o", str(tmp_path / "r.html"),
                                  "--webhook", hook.url], env)  # fmt: skip
        assert rc == 0, err
        assert "<html" in (tmp_path / "r.html").read_text("utf-8").lower()
        assert hook.received == [{"text": out.strip()}] and "No drift" in out
    with Webhook(status=403) as refusing:
        rc, _, err = run_watch([str(tmp_path / "ref"), "--demo", "contoso", "-o", str(tmp_path / "r2.md"),
                                "--webhook", refusing.url], env)  # fmt: skip
    assert rc == 2 and "answered 403" in err and "secret-part" not in err and "Traceback" not in err
    assert (tmp_path / "r2.md").is_file(), "the report is written before the webhook is tried"
    rc, _, err = run_watch([str(tmp_path / "ref"), "--demo", "contoso", "--webhook", "http://example.com/x"], env)
    assert rc == 2 and "https://" in err
