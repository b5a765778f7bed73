"""``intune-assistant``: snapshot, import, emulator and permissions commands."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.catalog.modules import OPTIONAL_READ_MODULES
from intune_assistant.catalog.permissions import generated_block, permission_table, replace_block
from intune_assistant.snapshot import Snapshot, not_read, save_snapshot

from .common import (
    EXIT_ERROR,
    EXIT_INCOMPLETE,
    EXIT_OK,
    GRAPH,
    UserError,
    console_for,
    demo_snapshot,
    tenant_snapshot,
)
from .progress import folder_table, summary_json, summary_table

if TYPE_CHECKING:
    from intune_assistant.collect.importers import ImportResult

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Intune Assistant: see, document and compare Intune tenants with delegated permissions only.",
)


def _finish(
    snapshot: Snapshot,
    output: Path,
    catalog: Catalog,
    console: Console,
    json_output: bool,
    imported: ImportResult | None = None,
) -> int:
    try:
        save_snapshot(snapshot, output)
    except OSError as exc:
        raise UserError(f"could not write the snapshot to {output}: {exc.strerror or exc}") from None
    unread = not_read(snapshot, catalog)
    if json_output:
        summary = summary_json(snapshot, catalog, str(output))
        summary["not_read"] = unread
        if imported is not None:
            summary["folders"] = [
                {
                    "folder": f.label,
                    "formats": list(f.formats),
                    "objects": f.objects,
                    "failed": f.failed,
                    "skipped": [{"reason": reason, "files": count} for reason, count in f.skipped],
                }
                for f in imported.folders
            ]
        print(json.dumps(summary, indent=2))
    else:
        if imported is not None:
            console.print(folder_table(imported))
        console.print(summary_table(snapshot, catalog))
        console.print(f"Saved {snapshot.count()} objects to [bold]{output}[/]")
        if unread:
            console.print(
                f"[yellow]Not everything could be read ({len(unread)}); it is also in the snapshot's manifest:[/]"
            )
            for line in unread:
                console.print(f"[yellow]  not read:[/] {line}", markup=True, highlight=False)
    return EXIT_INCOMPLETE if unread else EXIT_OK


def _default_output(domain: str | None) -> Path:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d_%H%M")
    return Path(f"{domain or 'tenant'}_snapshot_{stamp}")


@app.command()
def snapshot(
    demo: Annotated[
        str | None, typer.Option(help="Collect a built-in demo tenant: contoso, fabrikam, partner, large.")
    ] = None,
    tenant: Annotated[
        str | None, typer.Option(help="Collect a real tenant (domain), signing in with a device code.")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Folder to write the snapshot to.")] = None,
    types: Annotated[
        list[str] | None, typer.Option("--type", help="Only these resource types (catalog keys); repeatable.")
    ] = None,
    client_id: Annotated[
        str | None, typer.Option(envvar="INTUNE_ASSISTANT_CLIENT_ID", help="App registration (client) id.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False,
    authority: Annotated[
        str | None, typer.Option(help="Sign-in authority URL (default: Entra ID's, for the tenant).")
    ] = None,
    graph_url: Annotated[str, typer.Option(help="Microsoft Graph base URL.")] = GRAPH,
    ca_file: Annotated[
        Path | None, typer.Option(help="CA certificate to trust for sign-in and Graph (e.g. the emulator's).")
    ] = None,
    modules: Annotated[
        list[str] | None,
        typer.Option(
            "--module", help="Also read an optional module's types: managed-devices, intune-roles; repeatable."
        ),
    ] = None,
) -> None:
    """Collect a tenant into a snapshot folder and print what was read."""
    console = console_for(json_output)
    catalog = default_catalog()
    if (demo is None) == (tenant is None):
        raise UserError("give exactly one of --demo NAME or --tenant DOMAIN")
    if types:
        unknown = [t for t in types if t not in catalog]
        if unknown:
            raise UserError(f"unknown type(s): {', '.join(unknown)}; known: {', '.join(r.key for r in catalog)}")
    unknown_modules = sorted(set(modules or ()) - set(OPTIONAL_READ_MODULES))
    if unknown_modules:
        raise UserError(
            f"unknown module(s): {', '.join(unknown_modules)}; "
            f"optional read modules: {', '.join(OPTIONAL_READ_MODULES)}"
        )
    chosen = tuple(modules or ())
    if demo is not None:
        result = demo_snapshot(demo.lower(), catalog, console, types, chosen)
    else:
        assert tenant is not None
        result = tenant_snapshot(
            tenant,
            client_id,
            catalog,
            console,
            types,
            authority=authority,
            graph_url=graph_url,
            ca_file=ca_file,
            modules=chosen,
        )
    raise typer.Exit(_finish(result, output or _default_output(result.tenant.domain), catalog, console, json_output))


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="An IntuneCD backup, IntuneManagement export or portal JSON export.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write the snapshot to.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False,
) -> None:
    """Read other tools' exports into a snapshot folder: every export found in the tree, zips included.

    Exit code 0 when every file was read; 3 when some could not be (they are listed).
    """
    from intune_assistant.collect.importers import UnknownFormatError, import_export

    console = console_for(json_output)
    catalog = default_catalog()
    if not path.exists():
        raise UserError(f"{path} does not exist")
    try:
        result = import_export(path, catalog=catalog)
    except UnknownFormatError as exc:
        raise UserError(str(exc)) from None
    raise typer.Exit(_finish(result.snapshot, output, catalog, console, json_output, result))


@app.command()
def emulator(
    port: Annotated[int, typer.Option(help="HTTPS port on localhost.")] = 8443,
    ca_dir: Annotated[Path, typer.Option(help="Where to write the emulator's CA certificate.")] = Path(".emulator-ca"),
    tenants: Annotated[str, typer.Option(help="Comma-separated demo tenants to serve.")] = "contoso,fabrikam,partner",
    latency: Annotated[float, typer.Option(help="Seconds of latency added to every request.")] = 0.0,
    fault_rate: Annotated[
        float, typer.Option(help="Share of requests (and batch sub-requests) answered with a 5xx.")
    ] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed for injected faults.")] = 1,
    customers: Annotated[
        int, typer.Option(help="GDAP customers of the partner besides Contoso and Fabrikam (varied).", min=0)
    ] = 3,
    token_for: Annotated[
        str | None,
        typer.Option(help="Print a demo admin Graph token for this demo tenant (for other tools)."),
    ] = None,
) -> None:
    """Serve the Graph emulator with the demo tenants on localhost HTTPS."""
    from intune_assistant.emulator.demo import build_demo
    from intune_assistant.emulator.entra import DEMO_CLI_CLIENT_ID
    from intune_assistant.emulator.graph import EmulatorOptions
    from intune_assistant.emulator.server import serve_forever

    names = [n.strip().lower() for n in tenants.split(",") if n.strip()]
    try:
        demo = build_demo(
            names,
            options=EmulatorOptions(latency_s=latency, error_5xx_rate=fault_rate, seed=seed),
            customers=customers,
        )
    except ValueError as exc:
        raise UserError(str(exc)) from None
    console = Console(stderr=True)
    if token_for:
        if token_for not in demo.tenants:
            raise UserError(f"--token-for must be one of: {', '.join(demo.tenants)}")
        print(demo.token(token_for), flush=True)

    def ready(base_url: str, ca_path: Path) -> None:
        console.print(f"Graph and Entra ID emulator on [bold]{base_url}[/] (CA certificate: {ca_path})")
        for name, data in demo.tenants.items():
            console.print(f"  {name}: {data.display_name}, {data.domain}, sign-in {base_url}/{data.tenant_id}")
        console.print(
            f"Snapshot one: intune-assistant snapshot --tenant {next(iter(demo.tenants.values())).domain} "
            f"--client-id {DEMO_CLI_CLIENT_ID} --authority {base_url}/<tenant id> --graph-url {base_url} "
            f"--ca-file {ca_path} -o DIR"
        )

    serve_forever(demo.app, host="localhost", port=port, ca_dir=ca_dir, on_ready=ready)


@app.command()
def permissions(
    write: Annotated[
        list[Path] | None, typer.Option(help="Refresh the generated table inside these Markdown files.")
    ] = None,
) -> None:
    """Print the delegated permissions each resource type needs (generated from the catalog)."""
    catalog = default_catalog()
    if not write:
        print(permission_table(catalog))
        return
    for target in write:
        text = target.read_text(encoding="utf-8")
        try:
            target.write_text(replace_block(text, catalog), encoding="utf-8")
        except ValueError:
            raise UserError(f"{target} has no generated-permissions markers:\n{generated_block(catalog)}") from None


_LOG_LEVEL = typer.Option(
    envvar="INTUNE_ASSISTANT_LOG_LEVEL",
    help="DEBUG, INFO, WARNING or ERROR. At any level the log holds no token and no tenant data (docs/security.md).",
)


def _configure_logging(level: str) -> None:
    from intune_assistant.logs import configure_logging

    try:
        configure_logging(level)
    except ValueError as exc:
        raise UserError(str(exc)) from None


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port of the web app on http://localhost.")] = 8000,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a web browser.")] = False,
    tenants: Annotated[
        str,
        typer.Option(help="Comma-separated demo tenants to serve: contoso, fabrikam, partner, large (Tailspin Toys)."),
    ] = "contoso,fabrikam,partner",
    customers: Annotated[
        int, typer.Option(help="GDAP customers of the partner besides Contoso and Fabrikam (varied).", min=0)
    ] = 3,
    log_level: Annotated[str, _LOG_LEVEL] = "WARNING",
) -> None:
    """Run the web app on the built-in demo tenants (Entra ID and Graph emulated on localhost)."""
    from intune_assistant.emulator.demo import check_demo_names
    from intune_assistant.web.runner import run_demo

    _configure_logging(log_level)
    names = tuple(n.strip().lower() for n in tenants.split(",") if n.strip())
    try:
        check_demo_names(names)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    console = Console(stderr=True)
    run_demo(
        port,
        open_browser=not no_browser,
        echo=lambda text: console.print(text, markup=False, soft_wrap=True),
        names=names,
        customers=customers,
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on (behind a TLS-terminating proxy).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    log_level: Annotated[str, _LOG_LEVEL] = "WARNING",
) -> None:
    """Run the web app against Entra ID and Microsoft Graph, configured from INTUNE_ASSISTANT_* variables."""
    from intune_assistant.web.runner import run_serve

    _configure_logging(log_level)
    try:
        run_serve(host, port, echo=lambda text: Console(stderr=True).print(text, markup=False, soft_wrap=True))
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _register_modules() -> None:
    # Each module's commands live in their own file; importing here keeps main.py small.
    from . import (
        assign,
        audit,
        bulk,
        compare,
        conditional_access,
        deploy,
        devices,
        docs,
        health,
        rbac,
        targeting,
        watch,
    )

    modules = (docs, targeting, compare, watch, assign, bulk, deploy, health, rbac, conditional_access, devices, audit)
    for module in modules:
        module.register(app)


_register_modules()


def main() -> None:
    """Console-script entry point: known problems are one line; no stack trace unless debugging."""
    try:
        app()  # standalone: usage errors are click's own one-line messages, exit codes pass through
    except (UserError, FileNotFoundError, PermissionError) as exc:
        Console(stderr=True).print(f"[red]error:[/] {exc}")
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # last resort: say what happened in one line, keep the trace for debugging
        if os.environ.get("INTUNE_ASSISTANT_DEBUG"):
            raise
        Console(stderr=True).print(
            f"[red]unexpected error:[/] {type(exc).__name__}: {exc} (set INTUNE_ASSISTANT_DEBUG=1 for details)"
        )
        sys.exit(EXIT_ERROR)


def _register_customers() -> None:
    # The MSP's customers command (GDAP), registered like the modules above.
    from . import customers, report

    customers.register(app)
    report.register(app)


_register_customers()
