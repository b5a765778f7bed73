"""`intune-assistant compare` and `intune-assistant baseline download` (registered by `cli.main`).

Exit codes of ``compare``: 0 aligned, 1 differences found (or a type that could not be
compared), 2 on errors, always with a one-line message and no stack trace.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.catalog.modules import default_read_scopes
from intune_assistant.snapshot import Snapshot

from .common import (
    ApiScopeOption,
    AuthorityOption,
    CaFileOption,
    ClientIdOption,
    ServerOption,
    UserError,
)
from .server import ServerSignIn, server_json

if TYPE_CHECKING:  # the analyses load only when a compare command runs (quick CLI start-up)
    from intune_assistant.analyses.compare import Comparison

EXIT_ALIGNED = 0
EXIT_DIFFERENT = 1
EXIT_ERROR = 2
GRAPH = "https://graph.microsoft.com"


class CompareError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


class Mode(StrEnum):
    """What kind of comparison ``compare`` runs."""

    AUTO = "auto"
    TENANTS = "tenants"
    BASELINE = "baseline"
    DRIFT = "drift"


class Format(StrEnum):
    """Report formats."""

    HTML = "html"
    MD = "md"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


@dataclass
class Source:
    """One side as the user named it, loaded."""

    spec: str
    snapshot: Snapshot
    builtin: bool = False


@contextmanager
def errors_exit_2(*also_known: type[Exception]) -> Iterator[None]:
    """Known problems (and ``also_known`` ones) → one line on stderr and exit code 2 (cli.main would use 1)."""
    from intune_assistant.baselines import BaselineDownloadError, UnknownBaselineError
    from intune_assistant.collect.importers import UnknownFormatError
    from intune_assistant.snapshot import SnapshotError

    known: tuple[type[Exception], ...] = (
        CompareError,
        BaselineDownloadError,
        UnknownBaselineError,
        UnknownFormatError,
        SnapshotError,
        OSError,
        *also_known,
    )
    try:
        yield
    except typer.Exit:
        raise
    except known as exc:
        Console(stderr=True).print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_ERROR) from None
    except Exception as exc:
        if os.environ.get("INTUNE_ASSISTANT_DEBUG"):
            raise
        Console(stderr=True).print(
            f"[red]unexpected error:[/] {type(exc).__name__}: {exc} (set INTUNE_ASSISTANT_DEBUG=1 for details)",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_ERROR) from None


def _collect_demo(name: str, catalog: Catalog) -> Source:
    import httpx

    from intune_assistant.collect.collector import collect
    from intune_assistant.emulator.demo import build_demo
    from intune_assistant.graph import GraphClient, StaticTokenProvider
    from intune_assistant.snapshot import TenantInfo

    try:
        demo = build_demo([name], catalog=catalog)
    except ValueError as exc:
        raise CompareError(str(exc)) from None
    data = demo.tenants[name]

    async def run() -> Snapshot:
        async with GraphClient(
            StaticTokenProvider(demo.token(name)),
            scopes=default_read_scopes(catalog),
            base_url=GRAPH,
            transport=httpx.ASGITransport(app=demo.app),
        ) as client:
            tenant = TenantInfo(tenant_id=data.tenant_id, domain=data.domain, display_name=data.display_name)
            return await collect(client, catalog, tenant, source="emulator")

    return Source(f"demo:{name}", asyncio.run(run()))


def _load_folder(spec: str) -> Source:
    from intune_assistant.collect.importers import import_path
    from intune_assistant.snapshot import load_snapshot

    path = Path(spec)
    if not path.exists():
        raise CompareError(f"{spec} does not exist (give demo:NAME, builtin:NAME or a folder)")
    if (path / "manifest.json").is_file():
        return Source(spec, load_snapshot(path))
    return Source(spec, import_path(path))


def load_source(spec: str, catalog: Catalog) -> Source:
    """``demo:NAME``, ``builtin:NAME``, ``tenant:DOMAIN`` (not yet) or a folder/file path."""
    from intune_assistant.baselines import builtin_baseline

    scheme, _, rest = spec.partition(":")
    if scheme == "demo" and rest:
        return _collect_demo(rest.lower(), catalog)
    if scheme == "builtin":
        name = rest or "windows-security"
        return Source(spec, builtin_baseline(name), builtin=True)
    if scheme == "tenant":
        raise CompareError(
            f"comparing a live tenant is not available yet; snapshot it first "
            f"(intune-assistant snapshot --tenant {rest or 'DOMAIN'} -o DIR) and compare the folder"
        )
    return _load_folder(spec)


# Sources that are a tenant read as it is, not an export or a baseline made from one.
_TENANT_READS = frozenset({"graph", "emulator"})


def _is_baseline(source: Source) -> bool:
    """A built-in baseline, or a folder of policies / an import rather than a tenant read."""
    return source.builtin or source.snapshot.source not in _TENANT_READS


def _baseline_first(left: Source, right: Source) -> tuple[Source, Source]:
    """(baseline, tenant): the side that is a baseline when only one is, else B (compare TENANT BASELINE)."""
    if _is_baseline(left) and not _is_baseline(right):
        return left, right
    if left.builtin and not right.builtin:
        return left, right
    return right, left


def _auto_mode(left: Source, right: Source) -> Mode:
    """Baseline when a side is a built-in baseline or an export beside a tenant; drift within one tenant."""
    if left.builtin or right.builtin:
        return Mode.BASELINE
    if _same_tenant(left.snapshot, right.snapshot):
        return Mode.DRIFT
    if _is_baseline(left) != _is_baseline(right):
        return Mode.BASELINE
    return Mode.TENANTS


def _same_tenant(left: Snapshot, right: Snapshot) -> bool:
    if left.tenant.tenant_id and left.tenant.tenant_id == right.tenant.tenant_id:
        return True
    return bool(left.tenant.domain) and (left.tenant.domain or "").lower() == (right.tenant.domain or "").lower()


def run_comparison(
    left: Source,
    right: Source,
    mode: Mode,
    policy: str | None,
    against: list[str] | None,
    type_key: str | None,
    catalog: Catalog,
) -> Comparison:
    """``left`` and ``right`` compared as ``mode`` says (auto: see ``compare``), or one ``policy`` of left's."""
    from intune_assistant.analyses.compare import (
        compare_baseline,
        compare_drift,
        compare_policies,
        compare_tenants,
        find_policies,
    )

    if type_key is not None and type_key not in catalog:
        raise CompareError(f"unknown type {type_key!r}; known: {', '.join(r.key for r in catalog)}")
    if policy is not None:
        picked = find_policies(left.snapshot, policy, catalog=catalog, type_key=type_key)
        if not picked:
            raise CompareError(f"no policy named {policy!r} in {left.spec}")
        if len(picked) > 1:
            kinds = ", ".join(sorted({r.key for r, _ in picked}))
            raise CompareError(
                f"{len(picked)} policies in {left.spec} match {policy!r} ({kinds}); give one exact name"
                " (and --type when one name is used by several types)"
            )
        others = [p for name in (against or [policy]) for p in find_policies(right.snapshot, name, catalog=catalog)]
        if right.snapshot is left.snapshot:
            others = [p for p in others if p[1] is not picked[0][1]]
        if not others:
            raise CompareError(f"no policy named {', '.join(against or [policy])!r} in {right.spec}")
        return compare_policies(
            left.snapshot,
            picked[0],
            right.snapshot,
            others,
            catalog=catalog,
            left_label=left.spec,
            right_label=right.spec,
        )
    if mode is Mode.AUTO:
        mode = _auto_mode(left, right)
    if mode is Mode.BASELINE:
        base, actual = _baseline_first(left, right)
        return compare_baseline(
            base.snapshot,
            actual.snapshot,
            catalog=catalog,
            baseline_label=base.spec,
            tenant_label=actual.spec,
        )
    if mode is Mode.DRIFT:
        return compare_drift(
            left.snapshot, right.snapshot, catalog=catalog, before_label=left.spec, after_label=right.spec
        )
    return compare_tenants(
        left.snapshot,
        right.snapshot,
        catalog=catalog,
        left_label=left.spec,
        right_label=right.spec,
    )


def _summary(result: Comparison, console: Console, only_differences: bool) -> None:
    from intune_assistant.analyses.compare import CompareKind
    from intune_assistant.render.compare.view import side_headings, summary_counts

    console.print(f"[bold]{result.left.label} \u2194 {result.right.label}[/] ({result.kind.value})", highlight=False)
    for heading, side in zip(side_headings(result), (result.left, result.right), strict=True):
        console.print(f"  {heading}: {side.origin}", highlight=False)
    if result.kind is CompareKind.BASELINE:
        _baseline_summary(result, console, only_differences)
    else:
        _objects_table(result, console, only_differences)
    for note in result.not_compared:
        console.print(f"[yellow]not compared:[/] {note.type_label}: {note.reason}")
    counts = ", ".join(f"{n} {words}" for _, n, words in summary_counts(result))
    console.print(f"{'Aligned' if result.aligned else 'Not aligned'}: {counts or 'nothing to compare'}")


def _objects_table(result: Comparison, console: Console, only_differences: bool) -> None:
    from intune_assistant.render.compare.view import object_status, visible

    table = Table()
    for column in ("Type", "Object", "Status", "Settings differing", "Assignments differing"):
        table.add_column(column)
    for view in visible(result, only_differences):
        obj = view.obj
        table.add_row(
            obj.type_label,
            obj.name,
            object_status(result, obj),
            str(len(obj.changed_settings)),
            str(len(obj.changed_assignments)),
        )
    console.print(table)


def _baseline_summary(result: Comparison, console: Console, only_differences: bool) -> None:
    from rich.markup import escape

    from intune_assistant.render.compare.view import baseline_lists, tenant_values, uncovered

    for score in result.scores:
        console.print(
            f"Alignment ({score.scope}) {escape(score.name)}: {score.percent:.1f}% ({score.matched}/{score.expected})"
        )
    for found in baseline_lists(result, only_differences):
        console.print(f"\n[bold]{found.heading} ({len(found.settings)})[/]: {found.meaning}")
        for s in found.settings:
            where = "" if s.status.value == "missing" else f" \u2192 tenant: {escape(tenant_values(s))}"
            console.print(
                f"  {escape(s.name)} [{escape(s.area)}]: baseline {escape(s.expected)}"
                f" ({escape(s.baseline_policy)}){where}",
                highlight=False,
                soft_wrap=True,
            )
    extra = uncovered(result)
    console.print(f"\n[bold]Tenant policies the baseline does not cover ({len(extra)})[/]")
    for obj in extra:
        console.print(f"  {escape(obj.name)} ({escape(obj.type_label)})", highlight=False, soft_wrap=True)


def _write(data: bytes, output: Path | None, fmt: Format, result: Comparison) -> Path | None:
    from intune_assistant.render.compare import default_filename

    if output is None and fmt is not Format.XLSX:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return None
    target = output or Path(default_filename(result, fmt.value, datetime.now(UTC)))
    target.write_bytes(data)
    return target


def compare(
    a: Annotated[
        str, typer.Argument(help="A, usually the tenant: demo:NAME, builtin:NAME, or a folder (snapshot or export).")
    ],
    b: Annotated[
        str,
        typer.Argument(help="B, usually the baseline or the later snapshot; same forms (tenant:DOMAIN not yet)."),
    ],
    policy: Annotated[
        str | None, typer.Option(help="Compare one policy of A (name; * and ? allowed) with policies of B.")
    ] = None,
    against: Annotated[
        list[str] | None,
        typer.Option(help="With --policy: names of B's policies to compare with (repeatable; default: same name)."),
    ] = None,
    type_key: Annotated[
        str | None, typer.Option("--type", help="With --policy: the catalog type of A's policy.")
    ] = None,
    mode: Annotated[
        Mode,
        typer.Option(
            help="auto: baseline when a side is builtin: or an export beside a tenant (the export is the "
            "baseline), drift when both are one tenant, else tenants. baseline: the baseline is the builtin: "
            "or export side, else B."
        ),
    ] = Mode.AUTO,
    only_differences: Annotated[bool, typer.Option("--only-differences", help="Leave out what is the same.")] = False,
    fmt: Annotated[
        Format | None, typer.Option("--format", help="Report format (default: from -o's extension, else html).")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Report file (default: stdout).")] = None,
    server: ServerOption = None,
    api_scope: ApiScopeOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    ca_file: CaFileOption = None,
) -> None:
    """Compare two tenants, a tenant with a baseline, a tenant with itself over time, or policies.

    With ``--server URL``: ``tenant[:DOMAIN]`` (your tenant, as the server reads it) against
    ``builtin:NAME``, as JSON — the same JSON a local comparison writes with ``--format json``.
    """
    from intune_assistant.render.compare import FORMATS, render_comparison

    if server is not None:
        with errors_exit_2(UserError):
            aligned = _compare_on_server(
                (a, b), fmt, output, only_differences, (policy, mode), ServerSignIn(
                    server, api_scope, None, client_id, authority, ca_file)
            )  # fmt: skip
        raise typer.Exit(EXIT_ALIGNED if aligned else EXIT_DIFFERENT)
    with errors_exit_2():
        catalog = default_catalog()
        left, right = load_source(a, catalog), load_source(b, catalog)
        result = run_comparison(left, right, mode, policy, against, type_key, catalog)
        chosen = fmt
        if chosen is None and output is not None:
            suffix = output.suffix.lstrip(".").lower()
            chosen = Format(suffix) if suffix in FORMATS else Format.HTML
        console = Console(stderr=chosen is not None)
        if chosen is None:
            _summary(result, console, only_differences)
        else:
            written = _write(
                render_comparison(result, chosen.value, only_differences=only_differences), output, chosen, result
            )
            if written is not None:
                state = "aligned" if result.aligned else f"{len(result.differences)} object(s) differ"
                console.print(f"Report written to [bold]{written}[/] ({state})")
    raise typer.Exit(EXIT_ALIGNED if result.aligned else EXIT_DIFFERENT)


def _compare_on_server(
    sides: tuple[str, str],
    fmt: Format | None,
    output: Path | None,
    only_differences: bool,
    local_only: tuple[str | None, Mode],
    server: ServerSignIn,
) -> bool:
    """``compare tenant[:DOMAIN] builtin:NAME --server URL``: the server's comparison as JSON; whether aligned."""
    import json

    if local_only != (None, Mode.AUTO) and local_only[1] is not Mode.BASELINE:
        raise CompareError("with --server, compare checks your tenant against a built-in baseline only (no --policy)")
    chosen = fmt or (Format(output.suffix.lstrip(".").lower()) if output and output.suffix == ".json" else None)
    if chosen not in (None, Format.JSON):
        raise CompareError("with --server, compare writes JSON only (--format json)")
    tenant = next((s for s in sides if s == "tenant" or s.startswith("tenant:")), None)
    baseline = next((s for s in sides if s.startswith("builtin:")), None)
    if tenant is None or baseline is None:
        raise CompareError("with --server, compare tenant[:DOMAIN] with builtin:NAME (e.g. builtin:windows-security)")
    domain = tenant.partition(":")[2] or None
    params = {"baseline": baseline, **({"only": "1"} if only_differences else {})}
    body = server_json(
        ServerSignIn(server.url, server.api_scope, domain, server.client_id, server.authority, server.ca_file),
        "/compare/baseline",
        params,
        Console(stderr=True),
    )
    # The server writes the comparison with the same ``comparison_data`` as --format json here.
    report = {k: v for k, v in body.items() if k not in ("status", "taken_at")}
    data = json.dumps(report, indent=2, ensure_ascii=False).encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)
    return bool(report.get("aligned"))


def download(
    output: Annotated[Path, typer.Option("-o", "--output", help="New or empty folder to extract into.")],
    url: Annotated[str | None, typer.Option(help="Zip archive URL (default: OpenIntuneBaseline on GitHub).")] = None,
) -> None:
    """Download a public baseline archive and extract it safely; compare with: compare demo:contoso FOLDER."""
    from intune_assistant.baselines import DEFAULT_BASELINE_URL, download_baseline

    with errors_exit_2():
        console = Console(stderr=True)
        source = url or DEFAULT_BASELINE_URL
        console.print(f"Downloading {source}")
        files = download_baseline(output, source)
        console.print(f"Extracted {len(files)} file(s) into [bold]{output}[/]")
        for folder in _importable(output):
            console.print(f"  compare with: intune-assistant compare demo:contoso {folder}")


def _importable(root: Path, depth: int = 3) -> list[Path]:
    """Folders under ``root`` the importers recognise (shallowest first, at most ten)."""
    from intune_assistant.collect.importers import UnknownFormatError, detect_format

    found: list[Path] = []
    layer = [root]
    for _ in range(depth):
        next_layer = []
        for folder in layer:
            try:
                detect_format(folder)
            except (UnknownFormatError, OSError, ValueError):
                next_layer.extend(sorted(p for p in folder.iterdir() if p.is_dir()))
                continue
            found.append(folder)
        layer = next_layer
    return found[:10]


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``: ``compare`` and ``baseline download``."""
    app.command("compare")(compare)
    baseline = typer.Typer(no_args_is_help=True, help="Baselines: download public ones to compare with.")
    baseline.command("download")(download)
    app.add_typer(baseline, name="baseline")
