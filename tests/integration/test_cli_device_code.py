"""`snapshot --tenant` as against a real tenant: device-code sign-in through MSAL, then Graph.

The CLI runs as its own process against the emulator over real HTTPS; the test plays the user who
enters the code on another device.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from intune_assistant.catalog import default_catalog
from intune_assistant.catalog.modules import optional_module_of
from intune_assistant.emulator.demo import build_demo
from intune_assistant.emulator.entra import DEMO_CLI_CLIENT_ID
from intune_assistant.emulator.server import EmulatorServer
from intune_assistant.snapshot import load_snapshot

CLI = [sys.executable, "-c", "from intune_assistant.cli.main import main; main()"]
CODE = re.compile(r"enter the code\s+([A-Z0-9-]+)")


def test_snapshot_of_a_tenant_signed_in_with_a_device_code(tmp_path: Path) -> None:
    demo = build_demo(["contoso"])
    tenant = demo.tenants["contoso"]
    admin = next(o for o in tenant.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    out = tmp_path / "snapshot"
    with EmulatorServer(demo.app, ca_dir=tmp_path / "ca") as server:
        args = [
            "snapshot", "--tenant", tenant.domain, "--client-id", DEMO_CLI_CLIENT_ID,
            "--authority", f"{server.base_url}/{tenant.tenant_id}", "--graph-url", server.base_url,
            "--ca-file", str(server.ca_path), "-o", str(out), "--json",
        ]  # fmt: skip
        with subprocess.Popen([*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
            assert proc.stderr is not None and proc.stdout is not None
            seen: list[str] = []
            reader = threading.Thread(target=lambda: seen.extend(proc.stderr or []), daemon=True)
            reader.start()
            deadline = time.monotonic() + 60
            code = None
            while code is None and time.monotonic() < deadline and proc.poll() is None:
                found = CODE.search(" ".join(seen))
                code = found.group(1) if found else None
                time.sleep(0.05)
            assert code, f"no device code prompt; stderr: {''.join(seen)}"
            demo.entra.approve_device_code(code, admin.user_id)  # the user signs in elsewhere
            stdout = proc.stdout.read()
            assert proc.wait(timeout=120) == 0, "".join(seen)
            reader.join(timeout=10)
    summary = json.loads(stdout)
    assert summary["tenant"]["id"] == tenant.tenant_id
    # The optional read modules' types are not asked for (their scopes are not requested).
    catalog = default_catalog()
    optional = {r.key for r in catalog if optional_module_of(r, catalog)}
    assert all(t["status"] == ("not_collected" if t["key"] in optional else "ok") for t in summary["types"])
    unread = sum(len(tenant.objects.get(key, [])) for key in optional)
    assert load_snapshot(out).count() == tenant.count() - len(tenant.objects.get("auditEvents", [])) - unread
    assert {t["key"] for t in summary["types"]} == {r.key for r in default_catalog().collected()}
    assert "eyJ" not in stdout + "".join(seen), "no token may reach the terminal"
