"""What the CLI's commands share: getting a snapshot from --demo or --tenant, errors, exit codes."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import httpx
import typer
from rich.console import Console

from intune_assistant.catalog import Catalog
from intune_assistant.collect.collector import collect
from intune_assistant.graph import GraphClient, StaticTokenProvider, TokenProvider
from intune_assistant.identity.scopes import scopes_for
from intune_assistant.snapshot import Snapshot, TenantInfo

from .progress import RichCollectProgress

if TYPE_CHECKING:
    import msal

    from intune_assistant.identity.device_code import DeviceCodeTokenProvider

# Exit codes scripts can rely on.
EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INCOMPLETE = 3

GRAPH = "https://graph.microsoft.com"

# The sign-in options of every command that can read a real tenant.
TenantOption = Annotated[str | None, typer.Option(help="A real tenant (domain), signing in with a device code.")]
ClientIdOption = Annotated[
    str | None,
    typer.Option(envvar="INTUNE_ASSISTANT_CLIENT_ID", help="App registration (client) id (--tenant, --server)."),
]
AuthorityOption = Annotated[str | None, typer.Option(help="Sign-in authority URL (--tenant; default: Entra ID's).")]
GraphUrlOption = Annotated[str, typer.Option(help="Microsoft Graph base URL (--tenant).")]
CaFileOption = Annotated[Path | None, typer.Option(help="CA certificate to trust for sign-in and Graph (--tenant).")]
# The options of every command that can ask a running server instead (cli.server).
ServerOption = Annotated[
    str | None,
    typer.Option(
        "--server",
        help="A running Intune Assistant (its base URL): ask its JSON API instead of reading the tenant here.",
    ),
]
ApiScopeOption = Annotated[
    str | None,
    typer.Option(
        envvar="INTUNE_ASSISTANT_API_SCOPE",
        help="The server's API scope, api://API-CLIENT-ID/access_as_user (--server).",
    ),
]
ServerTenantOption = Annotated[
    str | None, typer.Option("--tenant", help="Your tenant (domain) to sign in to (--server; default: organizations).")
]


class UserError(Exception):
    """A problem the user can fix; shown as one line, never as a stack trace."""


def console_for(json_output: bool) -> Console:
    # With --json, humans' output goes to stderr so stdout stays machine-readable.
    return Console(stderr=json_output)


async def collect_with(
    provider: TokenProvider,
    tenant: TenantInfo,
    catalog: Catalog,
    console: Console,
    *,
    transport: httpx.AsyncBaseTransport | None,
    base_url: str,
    types: list[str] | None,
    source: str,
    verify: ssl.SSLContext | bool = True,
    modules: Sequence[str] = (),
) -> Snapshot:
    records = catalog.select(types).records if types else catalog.collected()
    # The default read scopes, plus those of the optional read modules the command needs: a type
    # whose module is not asked for is in the snapshot as "not read: module off".
    scopes = scopes_for(modules, catalog)
    async with GraphClient(provider, scopes=scopes, base_url=base_url, transport=transport, verify=verify) as client:
        with RichCollectProgress(console, total=len(records)) as progress:
            return await collect(client, catalog, tenant, types=types, progress=progress, source=source)


def demo_snapshot(
    name: str, catalog: Catalog, console: Console, types: list[str] | None, modules: Sequence[str] = ()
) -> Snapshot:
    from intune_assistant.emulator.demo import build_demo

    try:
        demo = build_demo([name], catalog=catalog)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    data = demo.tenants[name]
    tenant = TenantInfo(tenant_id=data.tenant_id, domain=data.domain, display_name=data.display_name)
    provider = StaticTokenProvider(demo.token(name))
    transport = httpx.ASGITransport(app=demo.app)
    return asyncio.run(
        collect_with(
            provider,
            tenant,
            catalog,
            console,
            transport=transport,
            base_url=GRAPH,
            types=types,
            source="emulator",
            modules=modules,
        )
    )


def device_code_sign_in(
    domain: str,
    client_id: str | None,
    authority: str | None,
    ca_file: Path | None,
    console: Console,
    token_cache: msal.TokenCache | None = None,
) -> DeviceCodeTokenProvider:
    """The device-code sign-in every ``--tenant`` command uses (MSAL; tokens stay in memory).

    ``token_cache``: a persisted cache the user opted in to (``watch --keep-sign-in``); None keeps
    tokens in memory only.
    """
    from intune_assistant.identity.device_code import DeviceCodeTokenProvider

    if not client_id:
        raise UserError(
            "--tenant needs the client id of your Intune Assistant app registration "
            "(--client-id or INTUNE_ASSISTANT_CLIENT_ID); see docs/deployment.md."
        )
    if ca_file is not None and not ca_file.is_file():
        raise UserError(f"--ca-file {ca_file} is not a file")
    return DeviceCodeTokenProvider(
        client_id=client_id,
        authority=authority or f"https://login.microsoftonline.com/{domain}",
        prompt=lambda message: console.print(f"[bold]{message}[/]"),
        ca_file=str(ca_file) if ca_file else None,
        # Instance discovery asks Microsoft's cloud about the authority: only for Microsoft's own.
        instance_discovery=authority is None,
        cache=token_cache,
    )


def graph_verify(ca_file: Path | None) -> ssl.SSLContext | bool:
    """How Graph's certificate is checked: against ``--ca-file`` when given, else the system's roots."""
    return ssl.create_default_context(cafile=str(ca_file)) if ca_file else True


def tenant_snapshot(
    domain: str,
    client_id: str | None,
    catalog: Catalog,
    console: Console,
    types: list[str] | None,
    *,
    authority: str | None,
    graph_url: str,
    ca_file: Path | None,
    modules: Sequence[str] = (),
    token_cache: msal.TokenCache | None = None,
) -> Snapshot:
    from intune_assistant.identity.device_code import SignInError

    provider = device_code_sign_in(domain, client_id, authority, ca_file, console, token_cache)
    verify = graph_verify(ca_file)
    tenant = TenantInfo(tenant_id=None, domain=domain, display_name=domain)
    try:
        snapshot = asyncio.run(
            collect_with(
                provider,
                tenant,
                catalog,
                console,
                transport=None,
                base_url=graph_url.rstrip("/"),
                types=types,
                source="graph",
                verify=verify,
                modules=modules,
            )
        )
    except SignInError as exc:
        raise UserError(f"sign-in failed: {exc}") from None
    snapshot.tenant.tenant_id = provider.tenant_id
    return snapshot


def snapshot_from_options(
    console: Console,
    catalog: Catalog,
    *,
    demo: str | None,
    snapshot: Path | None,
    tenant: str | None,
    client_id: str | None = None,
    authority: str | None = None,
    graph_url: str = GRAPH,
    ca_file: Path | None = None,
    types: list[str] | None = None,
    modules: Sequence[str] = (),
    token_cache: msal.TokenCache | None = None,
) -> Snapshot:
    """The snapshot to work on: a demo tenant or a real one collected now, or a saved folder.

    ``modules``: optional read modules whose scopes a collection asks for besides the default ones;
    ``token_cache``: a persisted sign-in the user opted in to (``--tenant`` only).
    """
    from intune_assistant.snapshot import SnapshotError, load_snapshot

    given = [o for o in (demo, snapshot, tenant) if o is not None]
    if len(given) != 1:
        raise UserError("give exactly one of --demo NAME, --snapshot DIR or --tenant DOMAIN")
    if snapshot is not None:
        try:
            return load_snapshot(snapshot)
        except SnapshotError as exc:
            raise UserError(str(exc)) from None
    if demo is not None:
        return demo_snapshot(demo.lower(), catalog, console, types, modules)
    assert tenant is not None
    return tenant_snapshot(
        tenant,
        client_id,
        catalog,
        console,
        types,
        authority=authority,
        graph_url=graph_url,
        ca_file=ca_file,
        modules=modules,
        token_cache=token_cache,
    )
