"""`intune-assistant watch`: scheduled drift detection in the admin's own scheduler or pipeline.

Reads the tenant now (delegated, device-code sign-in), compares it with a reference, writes the
report and exits 0 without drift, 1 with drift, 2 on errors. See docs/automation.md.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer
from rich.console import Console

from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import save_snapshot

from .common import (
    GRAPH,
    AuthorityOption,
    CaFileOption,
    ClientIdOption,
    GraphUrlOption,
    TenantOption,
    UserError,
    snapshot_from_options,
)
from .compare import EXIT_ALIGNED, EXIT_DIFFERENT, Mode, Source, errors_exit_2, load_source, run_comparison

if TYPE_CHECKING:
    import msal

_REPORT_FORMATS = ("md", "html", "json")


class WebhookError(Exception):
    """The webhook refused the summary or could not be reached (the report is written already)."""


def _report_format(report: Path | None, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in _REPORT_FORMATS:
            raise UserError(f"--format must be one of: {', '.join(_REPORT_FORMATS)}")
        return fmt
    suffix = report.suffix.lstrip(".").lower() if report else ""
    return suffix if suffix in _REPORT_FORMATS else "md"


def _missing_folder(reference: str) -> bool:
    """True when ``reference`` names a folder (not demo:, builtin:, tenant:) that does not exist."""
    scheme = reference.partition(":")[0]
    return scheme not in ("demo", "builtin", "tenant") and not Path(reference).exists()


def check_webhook_url(url: str) -> str:
    """``url`` when it is HTTPS, or HTTP to this machine only (a local relay or a test)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url
    raise UserError("--webhook must be an https:// URL (http:// only to this machine); the summary names the tenant")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def post_webhook(url: str, text: str) -> None:
    """POST the summary as ``{"text": ...}``; ``WebhookError`` unless the webhook accepts it."""
    import httpx

    from intune_assistant.render.compare.summary import webhook_message

    host = urlsplit(url).hostname
    try:
        response = httpx.post(url, json=webhook_message(text), timeout=30.0)
    except httpx.HTTPError as exc:
        raise WebhookError(f"the webhook at {host} could not be reached: {type(exc).__name__}") from None
    if not response.is_success:
        # The URL carries the webhook's secret: name only its host.
        raise WebhookError(f"the webhook at {host} answered {response.status_code}; the summary was not posted")


def _token_cache(
    keep_sign_in: bool, allow_plaintext: bool, location: Path | None, tenant: str | None, console: Console
) -> msal.TokenCache | None:
    """The persisted sign-in when asked for with --keep-sign-in; None (memory only) otherwise."""
    if not keep_sign_in:
        if allow_plaintext or location is not None:
            raise UserError("--allow-plaintext-cache and --token-cache only go with --keep-sign-in")
        return None
    if tenant is None:
        raise UserError("--keep-sign-in goes with --tenant (a demo or a saved snapshot needs no sign-in)")
    from intune_assistant.identity.kept_sign_in import KeyringUnavailableError, default_cache_location, kept_sign_in

    try:
        kept = kept_sign_in(location or default_cache_location(), allow_plaintext=allow_plaintext)
    except KeyringUnavailableError as exc:
        raise UserError(str(exc)) from None
    if not kept.encrypted:
        console.print(
            f"[yellow]warning:[/] the sign-in is kept UNENCRYPTED in {kept.location} (--allow-plaintext-cache): "
            "anyone who can read that file can use Graph as you until its refresh token expires. "
            "Delete the file to sign out.",
            highlight=False,
            soft_wrap=True,
        )
    return kept.cache


def watch(
    reference: Annotated[
        str,
        typer.Argument(
            help="What the tenant should look like: a snapshot folder you keep (e.g. the previous run's), "
            "builtin:NAME (a built-in baseline), an export folder, or demo:NAME / a snapshot folder of a golden tenant."
        ),
    ],
    demo: Annotated[str | None, typer.Option(help="Watch a built-in demo tenant.")] = None,
    tenant: TenantOption = None,
    snapshot: Annotated[
        Path | None, typer.Option(help="Watch a snapshot taken already (e.g. by an earlier pipeline step).")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("-o", "--report", help="Report file (default: a dated name in this folder).")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="md, html or json (default: from --report's extension, else md).")
    ] = None,
    only_differences: Annotated[
        bool, typer.Option("--only-differences", help="Leave out of the report what is the same.")
    ] = False,
    save_to: Annotated[
        Path | None,
        typer.Option("--save-snapshot", help="Also save the tenant as read now: the next run's reference."),
    ] = None,
    first_run: Annotated[
        bool,
        typer.Option(
            "--first-run",
            help="When REFERENCE does not exist yet: only save the tenant with --save-snapshot and exit 0.",
        ),
    ] = False,
    webhook: Annotated[
        str | None,
        typer.Option(help="Incoming webhook (Teams or Slack) to post a summary to, with or without drift."),
    ] = None,
    keep_sign_in: Annotated[
        bool,
        typer.Option(
            "--keep-sign-in",
            help="Keep the sign-in on this machine (MSAL token cache, encrypted by the OS keyring) so later runs "
            "need no device code. Off by default: nothing is written.",
        ),
    ] = False,
    allow_plaintext_cache: Annotated[
        bool,
        typer.Option(
            "--allow-plaintext-cache",
            help="With --keep-sign-in where no OS keyring is available: keep it in a PLAIN file instead "
            "(anyone who can read it can sign in as you).",
        ),
    ] = False,
    token_cache: Annotated[
        Path | None, typer.Option(help="Where --keep-sign-in keeps the sign-in (default: your user cache folder).")
    ] = None,
    mode: Annotated[
        Mode, typer.Option(help="auto: drift when the reference is this tenant, baseline for a baseline, else tenants.")
    ] = Mode.AUTO,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
) -> None:
    """Compare the tenant now with a reference, write the report; exit 1 on drift, 0 without, 2 on errors."""
    from intune_assistant.identity.device_code import SignInError
    from intune_assistant.render.compare import default_filename, render_comparison
    from intune_assistant.render.compare.summary import comparison_summary

    console = Console(stderr=True)
    with errors_exit_2(UserError, SignInError, WebhookError):
        chosen = _report_format(report, fmt)
        hook = check_webhook_url(webhook) if webhook else None
        catalog = default_catalog()
        starting = first_run and _missing_folder(reference)
        if first_run and save_to is None:
            raise UserError("--first-run needs --save-snapshot DIR (where the first reference goes)")
        base = None if starting else load_source(reference, catalog)
        cache = _token_cache(keep_sign_in, allow_plaintext_cache, token_cache, tenant, console)
        now = snapshot_from_options(
            console,
            catalog,
            demo=demo,
            snapshot=snapshot,
            tenant=tenant,
            client_id=client_id,
            authority=authority,
            graph_url=graph_url,
            ca_file=ca_file,
            token_cache=cache,
        )
        if save_to is not None:
            save_snapshot(now, save_to)
            console.print(f"Tenant saved to [bold]{save_to}[/] (the next run's reference)")
        if base is None:
            print(f"First run: {reference} does not exist yet; nothing compared, the tenant was saved to {save_to}")
            raise typer.Exit(EXIT_ALIGNED)
        label = f"now: {now.tenant.domain or now.tenant.display_name or 'tenant'}"
        result = run_comparison(base, Source(label, now), mode, None, None, None, catalog)
        target = report or Path(default_filename(result, chosen, datetime.now(UTC)))
        target.write_bytes(render_comparison(result, chosen, only_differences=only_differences))
        text = comparison_summary(result, target.name)
        print(text, flush=True)
        if hook is not None:
            post_webhook(hook, text)
            console.print("Summary posted to the webhook")
    raise typer.Exit(EXIT_ALIGNED if result.aligned else EXIT_DIFFERENT)


def register(app: typer.Typer) -> None:
    """Add ``watch`` to ``app``."""
    app.command("watch")(watch)
