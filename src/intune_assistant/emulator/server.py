"""Serving an emulator ASGI app over HTTPS on localhost, with a certificate authority of its own.

Every start makes a new CA (``trustme``) and a server certificate for ``localhost``,
``127.0.0.1`` and ``::1``. Only the CA certificate is written to disk (``emulator-ca.pem`` in the
given directory), for clients to trust explicitly; the keys stay in memory. Clients should pass
``verify=<ssl context or CA path>`` *and* ignore the environment (``trust_env=False`` in httpx, a
``requests`` session with ``trust_env = False``), because ``REQUESTS_CA_BUNDLE``/``SSL_CERT_FILE``
override ``verify=`` in some libraries.

* ``EmulatorServer(app, ca_dir=...)``: a context manager running uvicorn in a background thread
  on an ephemeral port (tests, the embedded demo).
* ``serve_forever(app, host=..., port=..., ca_dir=...)``: blocking, for the CLI.
"""

from __future__ import annotations

import contextlib
import ssl
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import trustme
import uvicorn
from starlette.types import ASGIApp

__all__ = ["CA_FILENAME", "EmulatorServer", "make_certificates", "serve_forever"]

CA_FILENAME = "emulator-ca.pem"
_STARTUP_TIMEOUT_S = 15.0


class Certificates:
    """A fresh CA and a localhost server certificate issued by it."""

    def __init__(self, extra_hosts: tuple[str, ...] = ()) -> None:
        self.ca = trustme.CA(organization_name="Intune Assistant emulator")
        names = dict.fromkeys(("localhost", "127.0.0.1", "::1", *extra_hosts))
        self.server = self.ca.issue_cert(*names)

    def write_ca(self, directory: Path) -> Path:
        """Write the CA certificate (public) as PEM into ``directory``; return its path."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / CA_FILENAME
        self.ca.cert_pem.write_to_path(str(path))
        return path

    def server_context(self) -> ssl.SSLContext:
        """The TLS context the server uses (key in memory only)."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        self.server.configure_cert(context)
        return context


def make_certificates(extra_hosts: tuple[str, ...] = ()) -> Certificates:
    """A new CA and server certificate (``extra_hosts`` are added to the certificate's names)."""
    return Certificates(extra_hosts)


def _client_context(ca_path: Path) -> ssl.SSLContext:
    # With a cafile the default context trusts only it, not the system store.
    return ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca_path))


def _config(app: ASGIApp, host: str, port: int, certificates: Certificates) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="off",
        log_level="warning",
        # The access log would print request lines (paths and query strings); keep it off.
        access_log=False,
        # Clients keep connections open between polls (MSAL's device flow waits 5 s); uvicorn's
        # default of 5 s would close them just as the next poll reuses them.
        timeout_keep_alive=75,
        ssl_context_factory=lambda _config, _default: certificates.server_context(),
    )


class EmulatorServer:
    """Runs ``app`` over HTTPS on ``host`` in a background thread while the context is open.

    ``base_url`` is ``https://localhost:PORT``; ``ca_path`` the CA PEM; ``ssl_context()`` a client
    context trusting only that CA.
    """

    def __init__(self, app: ASGIApp, *, ca_dir: str | Path | None = None, host: str = "127.0.0.1", port: int = 0):
        self._app = app
        self._host = host
        self._requested_port = port
        self._ca_dir = Path(ca_dir) if ca_dir is not None else None
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._ca_path: Path | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        """``https://localhost:PORT`` while running."""
        self._require_running()
        return f"https://localhost:{self.port}"

    @property
    def ca_path(self) -> Path:
        """Path of the CA certificate PEM."""
        self._require_running()
        assert self._ca_path is not None
        return self._ca_path

    def ssl_context(self) -> ssl.SSLContext:
        """A client TLS context that trusts only the emulator's CA."""
        return _client_context(self.ca_path)

    def _require_running(self) -> None:
        if self._server is None:
            raise RuntimeError("the emulator server is not running (use it as a context manager)")

    def __enter__(self) -> EmulatorServer:
        certificates = make_certificates()
        if self._ca_dir is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="intune-emulator-ca-")
            ca_dir = Path(self._tempdir.name)
        else:
            ca_dir = self._ca_dir
        self._ca_path = certificates.write_ca(ca_dir)
        server = uvicorn.Server(_config(self._app, self._host, self._requested_port, certificates))
        thread = threading.Thread(target=server.run, name="intune-emulator-https", daemon=True)
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + _STARTUP_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self._stop()
                raise RuntimeError("the emulator server did not start")
            time.sleep(0.01)
        self.port = _bound_port(server)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop()

    def _stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server, self._thread = None, None
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None


def _bound_port(server: uvicorn.Server) -> int:
    for listener in getattr(server, "servers", []):
        for sock in getattr(listener, "sockets", []) or []:
            port: Any = sock.getsockname()[1]
            return int(port)
    raise RuntimeError("the emulator server has no listening socket")


def serve_forever(
    app: ASGIApp,
    *,
    host: str = "127.0.0.1",
    port: int = 8443,
    ca_dir: str | Path,
    on_ready: Callable[[str, Path], None] | None = None,
) -> None:
    """Serve ``app`` over HTTPS until interrupted; for the CLI.

    Ctrl+C (SIGINT) shuts down cleanly and returns; SIGTERM shuts down cleanly and then ends the
    process with the signal's default action (uvicorn re-raises it).

    Writes a new CA certificate to ``ca_dir/emulator-ca.pem`` first, then calls
    ``on_ready(base_url, ca_path)`` once the socket listens (``base_url`` is
    ``https://localhost:PORT``; with ``port=0`` the bound port).
    """
    certificates = make_certificates(() if host in ("127.0.0.1", "localhost", "::1", "0.0.0.0") else (host,))
    ca_path = certificates.write_ca(Path(ca_dir))
    server = uvicorn.Server(_config(app, host, port, certificates))
    if on_ready is None:
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
        return

    def notify() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.01)
        if server.started:
            with contextlib.suppress(RuntimeError):
                on_ready(f"https://localhost:{_bound_port(server)}", ca_path)

    watcher = threading.Thread(target=notify, name="intune-emulator-ready", daemon=True)
    watcher.start()
    try:
        # uvicorn shuts down cleanly, then re-raises the signal it caught: Ctrl+C ends here.
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
    finally:
        server.should_exit = True
        watcher.join(timeout=1)
