"""Running the web app: the embedded demo (emulator + app on localhost) and ``serve`` (real Entra ID).

Used by the CLI's ``demo`` and ``serve`` commands and by the browser tests. Nothing starts at import.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from fastapi import FastAPI
from pydantic import ValidationError

from intune_assistant.emulator.demo import ALL_DEMO_NAMES, DEMO_NAMES, DemoTenancy, build_demo
from intune_assistant.emulator.entra import AppRegistrations
from intune_assistant.emulator.entra.gdap import partner_technicians
from intune_assistant.emulator.server import EmulatorServer
from intune_assistant.emulator.tenants import DEMO_CUSTOMERS
from intune_assistant.identity.config import IdentityConfig
from intune_assistant.identity.obo import OboClient
from intune_assistant.tenants import Registry, database_url, engine_from_url, upgrade_database

from .app import create_app
from .settings import IdentitySettings, WebSettings, new_session_key

LOCALHOST = "127.0.0.1"


@dataclass(frozen=True)
class DemoAccount:
    """A demo sign-in shown to the user: which tenant, which role, which account."""

    tenant: str
    role: str
    upn: str


def demo_accounts(demo: DemoTenancy) -> list[DemoAccount]:
    """Per customer tenant: the admin, the read-only operator, the MFA user; then a partner technician."""
    accounts: list[DemoAccount] = []
    customers = [t for t in demo.tenants.values() if not t.objects.get("gdapRelationships")]
    for name, tenant in demo.tenants.items():
        if tenant not in customers:
            continue
        usable = [o for o in tenant.operators if o.enabled]
        # The partner's other customers (Litware, Adatum, ...): their admin only, to keep the list short.
        roles = (("admin", "admin", False), ("readOnly", "read-only operator", False))
        if name not in ALL_DEMO_NAMES:
            first = next((o for o in usable if o.role == "admin" and not o.mfa_required), None)
            if first is not None:
                accounts.append(DemoAccount(tenant.domain, "admin (a GDAP customer)", first.user_principal_name))
            continue
        for role, label, mfa in roles:
            found = next((o for o in usable if o.role == role and o.mfa_required == mfa), None)
            if found is not None:
                accounts.append(DemoAccount(tenant.domain, label, found.user_principal_name))
        mfa_user = next((o for o in usable if o.mfa_required), None)
        if mfa_user is not None:
            accounts.append(DemoAccount(tenant.domain, "MFA required", mfa_user.user_principal_name))
    partner = next((t for t in demo.tenants.values() if t.objects.get("gdapRelationships")), None)
    if partner is not None:
        admin_op = next((o for o in partner.operators if o.role == "admin" and o.enabled and not o.mfa_required), None)
        if admin_op is not None:
            accounts.append(DemoAccount(partner.domain, "partner admin (MSP: Customers)", admin_op.user_principal_name))
    if customers:
        technicians = partner_technicians(demo.tenants.values(), customers[0].tenant_id)
        admin = next(((p, o) for p, o in technicians if o.role == "admin"), technicians[0] if technicians else None)
        if admin is not None:
            accounts.append(
                DemoAccount(
                    customers[0].domain,
                    f"partner technician (GDAP, from {admin[0].domain})",
                    admin[1].user_principal_name,
                )
            )
    return accounts


class DemoStack:
    """The demo tenants' Entra ID and Graph on localhost HTTPS, and the web app configured for them.

    ``base_url`` is where the web app will be served (``http://localhost:PORT``); its redirect URIs
    are registered on the demo apps. The registry lives in a temporary folder (or ``data_dir``).
    """

    def __init__(
        self,
        port: int,
        *,
        data_dir: Path | None = None,
        names: tuple[str, ...] = DEMO_NAMES,
        host: str = "localhost",
        settings: Mapping[str, Any] | None = None,
        customers: int = DEMO_CUSTOMERS,
    ) -> None:
        self.base_url = f"http://{host}:{port}"
        self.port = port
        self._data_dir = data_dir
        self._names = names
        self._customers = customers
        # Web settings besides the demo's own (e.g. the cache's lifetime in tests and benchmarks).
        self._settings = dict(settings or {})
        self._stack = contextlib.ExitStack()
        self.demo: DemoTenancy | None = None
        self.app: FastAPI | None = None
        self.data_dir: Path | None = None
        self.registry: Registry | None = None

    def __enter__(self) -> DemoStack:
        try:
            demo = build_demo(self._names, customers=self._customers)
            demo.entra.registrations = AppRegistrations.demo(
                redirect_uris=[f"{self.base_url}/auth/callback"],
                consent_redirect_uris=[f"{self.base_url}/onboarding/consent"],
                post_logout_redirect_uris=[f"{self.base_url}/"],
                catalog=demo.catalog,
            )
            if self._data_dir is None:
                self.data_dir = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="intune-demo-")))
            else:
                self.data_dir = self._data_dir
            # The emulator's CA goes to a folder of its own: the data folder holds only the registry.
            ca_dir = Path(self._stack.enter_context(tempfile.TemporaryDirectory(prefix="intune-demo-ca-")))
            server = self._stack.enter_context(EmulatorServer(demo.app, ca_dir=ca_dir))
            identity = IdentityConfig.demo(server.base_url, str(server.ca_path))
            settings = WebSettings(
                session_key=new_session_key(),
                base_url=self.base_url,
                data_dir=self.data_dir,
                # The demo is plain http on localhost: a Secure cookie would not come back.
                secure_cookies=False,
                **self._settings,
            )
            url = database_url(self.data_dir / "registry", environ={})
            upgrade_database(url)
            engine = engine_from_url(url)
            self._stack.callback(engine.dispose)
            self.registry = Registry(engine, plans=settings.configured_plans())
            obo = OboClient(identity)
            self._stack.callback(obo.close)
            self.app = create_app(settings, registry=self.registry, identity=identity, obo=obo)
            self.demo = demo
            self.emulator_url = server.base_url
            self.ca_path = server.ca_path
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stack.close()


def uvicorn_config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    """Uvicorn for the web app; no access log (query strings hold search terms about tenant data)."""
    return uvicorn.Config(app, host=host, port=port, lifespan="off", log_level="warning", access_log=False)


def run_demo(
    port: int,
    *,
    open_browser: bool,
    echo: Callable[[str], None],
    names: tuple[str, ...] = DEMO_NAMES,
    customers: int = DEMO_CUSTOMERS,
) -> None:
    """Serve the demo tenants ``names`` until Ctrl+C: print the URL and the accounts, open a browser if asked.

    With the partner, its ``customers`` besides Contoso and Fabrikam are served too."""
    with DemoStack(port, names=names, customers=customers) as stack:
        assert stack.app is not None and stack.demo is not None
        server = uvicorn.Server(uvicorn_config(stack.app, LOCALHOST, port))

        def ready() -> None:
            while not server.started and not server.should_exit:
                time.sleep(0.05)
            if not server.started:
                return
            echo(f"Intune Assistant demo: {stack.base_url}  (Entra ID and Graph emulator: {stack.emulator_url})")
            echo("Sign in with one of the demo accounts (no password):")
            assert stack.demo is not None
            for account in demo_accounts(stack.demo):
                echo(f"  {account.upn:48} {account.role}, {account.tenant}")
            echo("The first sign-in of a tenant goes through onboarding (admin consent). Ctrl+C stops the demo.")
            echo(
                "Sign-in pages come from the emulator over HTTPS with a certificate from a CA made for this run "
                f"({stack.ca_path}): your browser warns once; proceed to localhost."
            )
            if open_browser:
                with contextlib.suppress(Exception):  # no browser on a server is fine
                    webbrowser.open(stack.base_url)

        threading.Thread(target=ready, name="intune-demo-ready", daemon=True).start()
        with contextlib.suppress(KeyboardInterrupt):
            server.run()


def run_serve(host: str, port: int, echo: Callable[[str], None]) -> None:
    """Serve against real Entra ID and Graph, configured from the environment."""
    try:
        settings = WebSettings()
    except ValidationError as error:
        problems = "; ".join(
            f"INTUNE_ASSISTANT_{'_'.join(str(p) for p in problem['loc']).upper()}: {problem['msg']}"
            for problem in error.errors()
        )
        raise ValueError(problems) from None
    settings.key_bytes()  # fail now, with the variable's name, if the key is missing or malformed
    found = IdentitySettings()
    missing = found.missing()
    if missing:
        raise ValueError(f"set {', '.join(missing)} (see docs/deployment.md)")
    secret = found.frontend_client_secret.get_secret_value() if found.frontend_client_secret else None
    identity = IdentityConfig(
        authority_host=found.authority_host.rstrip("/"),
        api_client_id=found.api_client_id,
        api_client_secret=found.api_client_secret.get_secret_value(),
        frontend_client_id=found.frontend_client_id,
        frontend_client_secret=secret,
        graph_base_url=found.graph_base_url.rstrip("/"),
        ca_file=found.ca_file,
        cli_client_id=found.cli_client_id or None,
    )
    url = settings.database_url or database_url(settings.data_dir)
    upgrade_database(url)
    registry = Registry(engine_from_url(url), plans=settings.configured_plans())
    obo = OboClient(identity)
    try:
        app = create_app(settings, registry=registry, identity=identity, obo=obo)
        echo(f"Intune Assistant on http://{host}:{port} (public URL {settings.base_url})")
        with contextlib.suppress(KeyboardInterrupt):
            uvicorn.Server(uvicorn_config(app, host, port)).run()
    finally:
        obo.close()
