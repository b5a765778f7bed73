"""The emulator over real HTTPS: its own CA, an ephemeral port, followable nextLinks."""

from __future__ import annotations

import signal
import ssl
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from intune_assistant.emulator.server import CA_FILENAME, EmulatorServer


async def test_graph_over_https_with_the_emulator_ca(env: Any, tmp_path: Path) -> None:
    with EmulatorServer(env.app(), ca_dir=tmp_path) as server:
        assert server.ca_path == tmp_path / CA_FILENAME
        assert server.ca_path.read_text().startswith("-----BEGIN CERTIFICATE-----")
        base_url = server.base_url
        assert base_url == f"https://localhost:{server.port}"
        headers = {"Authorization": f"Bearer {env.token()}"}
        async with httpx.AsyncClient(
            base_url=server.base_url, verify=server.ssl_context(), trust_env=False, headers=headers
        ) as client:
            first = await client.get("/beta/deviceManagement/configurationPolicies")
            link = first.json()["@odata.nextLink"]
            second = await client.get(link)
            batch = await client.post(
                "/v1.0/$batch", json={"requests": [{"id": "1", "method": "GET", "url": "/groups/g-all"}]}
            )
        # A client that does not trust the emulator's CA is refused.
        async with httpx.AsyncClient(verify=ssl.create_default_context(), trust_env=False) as untrusting:
            with pytest.raises(httpx.ConnectError):
                await untrusting.get(f"{server.base_url}/v1.0/users")
    assert first.status_code == 200
    assert link.startswith(f"{base_url}/beta/deviceManagement/configurationPolicies?")
    assert len(first.json()["value"]) + len(second.json()["value"]) == 30
    assert batch.json()["responses"][0]["body"]["id"] == "g-all"


def test_server_without_a_ca_dir_uses_a_temporary_one(env: Any) -> None:
    with EmulatorServer(env.app()) as server:
        ca_path = server.ca_path
        assert ca_path.exists()
        with httpx.Client(verify=server.ssl_context(), trust_env=False) as client:
            response = client.get(f"{server.base_url}/v1.0/users")
    assert response.status_code == 401
    assert not ca_path.exists()


SERVE_SCRIPT = """
import sys
from pathlib import Path
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from intune_assistant.emulator.server import serve_forever

app = Starlette(routes=[Route("/ping", lambda request: PlainTextResponse("pong"))])
serve_forever(app, host="127.0.0.1", port=0, ca_dir=Path(sys.argv[1]),
              on_ready=lambda url, ca: print(url, ca, flush=True))
"""


def test_serve_forever_until_interrupted(tmp_path: Path) -> None:
    command = [sys.executable, "-c", SERVE_SCRIPT, str(tmp_path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        watchdog = threading.Timer(30, process.kill)
        watchdog.start()
        try:
            assert process.stdout is not None
            base_url, ca_path = process.stdout.readline().split()
            assert Path(ca_path) == tmp_path / CA_FILENAME
            context = ssl.create_default_context(cafile=ca_path)
            with httpx.Client(verify=context, trust_env=False) as client:
                assert client.get(f"{base_url}/ping").text == "pong"
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=20) == 0
        finally:
            watchdog.cancel()
            if process.poll() is None:
                process.kill()
