"""Browser tests: the demo stack (emulator + web app on uvicorn) and Debian's Chromium via Playwright.

Chromium comes from Debian (``scripts/browser`` installs it); Playwright drives it through
``executable_path``. Without it the tests skip, except on CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

CHROMIUM = os.environ.get("INTUNE_ASSISTANT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HTMX = Path(__file__).parents[2] / "src/intune_assistant/web/static/vendor/htmx.min.js"


def _require_browser() -> None:
    problems = []
    if not Path(CHROMIUM).exists():
        problems.append(f"{CHROMIUM} is missing (run scripts/browser)")
    if not HTMX.exists():
        problems.append(f"{HTMX} is missing (run scripts/assets)")
    if problems:
        message = "browser tests need Chromium and htmx: " + "; ".join(problems)
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LogCapture(logging.Handler):
    """Every log record of the session, formatted, for the data-residency checks."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def logs() -> Iterator[LogCapture]:
    # Everything at INFO (how a server runs), and the product's own loggers at DEBUG. (MSAL's DEBUG
    # output echoes token responses with the tokens masked but client_info in clear.)
    handler = LogCapture()
    root, ours = logging.getLogger(), logging.getLogger("intune_assistant")
    previous = root.level, ours.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    ours.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous[0])
        ours.setLevel(previous[1])


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, logs: LogCapture) -> Iterator[Any]:
    """The demo stack on uvicorn; a test module's ``WEB_SETTINGS`` (a dict) changes the web app's settings."""
    _require_browser()
    from intune_assistant.web.runner import DemoStack, uvicorn_config

    port = _free_port()
    data_dir = tmp_path_factory.mktemp("web-data")
    settings = getattr(request.module, "WEB_SETTINGS", None)
    with DemoStack(port, data_dir=data_dir, settings=settings) as demo_stack:
        server = uvicorn.Server(uvicorn_config(demo_stack.app, "127.0.0.1", port))
        thread = threading.Thread(target=server.run, name="web-e2e", daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the web app did not start"
            time.sleep(0.02)
        try:
            yield demo_stack
        finally:
            server.should_exit = True
            thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(stack: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go (printed at the end of the session for a person to look at)."""
    folder = Path(os.environ.get("INTUNE_ASSISTANT_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
