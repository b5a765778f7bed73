"""The built wheel is complete: installed into a fresh venv, it serves the web app with every static asset.

Offline: the wheel is built without build isolation (setuptools comes with the dev dependencies), installed
with ``--no-deps --no-index``, and the fresh venv borrows the current venv's site-packages for the
dependencies only (a path in a ``.pth`` file: the editable install's own ``.pth`` there is not processed).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import venv
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "src" / "intune_assistant"
STATIC = PACKAGE / "web" / "static"
PIP = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _build_wheel(tmp: Path) -> Path:
    """Build from a copy of the tree, so the build leaves nothing behind in the repository."""
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(PACKAGE, source / "src" / "intune_assistant", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp / "dist"
    subprocess.run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(dist), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (wheel,) = dist.glob("intune_assistant-*.whl")
    return wheel


def _fresh_venv(tmp: Path, wheel: Path) -> Path:
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [*PIP, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    fresh_site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (fresh_site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    return env_dir


def test_the_wheel_serves_every_static_asset(tmp_path: Path) -> None:
    vendored = STATIC / "vendor" / "htmx.min.js"
    assert vendored.is_file(), "htmx is missing from the source tree: run ./scripts/setup (it runs scripts/assets)"
    env_dir = _fresh_venv(tmp_path, _build_wheel(tmp_path))
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}

    where = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c", "import intune_assistant; print(intune_assistant.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    assert Path(where).resolve().is_relative_to(env_dir.resolve()), where  # the wheel, not the editable tree
    # The shipped setting names and their notices are in the wheel, and load from it.
    probe = (
        "from intune_assistant.analyses.settings import shipped_names;"
        "print(shipped_names().display_name('device_vendor_msft_policy_config_defender_allowarchivescanning'))"
    )
    named = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c", probe], check=True, capture_output=True, text=True, env=env
    ).stdout.strip()
    assert named == "Allow Archive Scanning"
    assert list(env_dir.rglob("THIRD_PARTY_NOTICES")), "the notices of the shipped names are not in the wheel"

    port = _free_port()
    log = tmp_path / "demo.log"
    with log.open("wb") as out:
        app = subprocess.Popen(
            [str(env_dir / "bin" / "intune-assistant"), "demo", "--port", str(port), "--no-browser"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 45
        while True:
            assert app.poll() is None, f"the web app exited: {log.read_text('utf-8', 'replace')}"
            assert time.monotonic() < deadline, f"the web app did not start: {log.read_text('utf-8', 'replace')}"
            try:
                response = httpx.get(f"{base}/static/vendor/htmx.min.js", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.content == vendored.read_bytes()
        # Every other static asset of the source tree is served too.
        for asset in sorted(p for p in STATIC.rglob("*") if p.is_file() and not p.name.startswith(".")):
            served = httpx.get(f"{base}/static/{asset.relative_to(STATIC).as_posix()}", timeout=5)
            assert served.status_code == 200, asset
            assert served.content == asset.read_bytes(), asset
    finally:
        app.terminate()
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait(timeout=10)
