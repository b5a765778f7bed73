"""`intune-assistant` commands of the docs module (registered by `cli.main`).

``docs`` documents a tenant (demo, saved snapshot or live tenant) in one of seven formats;
``definitions export`` saves the settings-catalog definition catalogue for offline names;
``settings search`` finds where a setting is configured and how.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from intune_assistant.analyses.settings import SettingDefinitions
    from intune_assistant.catalog import Catalog
    from intune_assistant.snapshot import Snapshot

from .common import (
    GRAPH,
    AuthorityOption,
    CaFileOption,
    ClientIdOption,
    GraphUrlOption,
    TenantOption,
    snapshot_from_options,
)

__all__ = ["register"]

DemoOption = Annotated[str | None, typer.Option(help="Use a built-in demo tenant: contoso, fabrikam, partner, large.")]
SnapshotOption = Annotated[Path | None, typer.Option("--snapshot", help="Use a saved snapshot folder.")]
DefinitionsOption = Annotated[
    Path | None,
    typer.Option("--definitions", help="Setting definitions file (from `definitions export`) for offline names."),
]


def _definitions_file(path: Path | None) -> SettingDefinitions | None:
    from intune_assistant.analyses.settings import DefinitionsFileError, SettingDefinitions

    from .common import UserError

    if path is None:
        return None
    try:
        return SettingDefinitions.from_file(path)
    except DefinitionsFileError as exc:
        raise UserError(str(exc)) from None


def _check_types(catalog: Catalog, types: list[str] | None) -> None:
    from intune_assistant.analyses.settings import documented_types

    from .common import UserError

    known = [r.key for r in documented_types(catalog)]
    unknown = [t for t in types or () if t not in known]
    if unknown:
        raise UserError(f"unknown or undocumented type(s): {', '.join(unknown)}; documented: {', '.join(known)}")


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[current]}", style="dim"),
        console=console,
        transient=True,
    )


def _advance(progress: Progress, task: Any) -> Callable[[str], None]:
    def step(name: str) -> None:
        progress.update(task, advance=1, current=name[:50])

    return step


def _output_path(output: Path | None, snapshot: Snapshot, fmt: str, per_policy: bool, now: datetime) -> Path:
    from intune_assistant.render import FORMATS, export_filename

    name = export_filename(snapshot.tenant.domain or snapshot.tenant.display_name, "documentation", now, FORMATS[fmt])
    if per_policy:
        name = name.rsplit(".", 1)[0]
    if output is None:
        return Path(name)
    if output.is_dir() and not per_policy:
        return output / name
    return output


def _write(document: Any, fmt: str, path: Path, *, per_policy: bool, on_policy: Callable[[str], None]) -> list[Path]:
    """Write the file (or, with ``per_policy``, the folder of pages) the user asked for."""
    from intune_assistant.render import markdown_pages, render_document

    if per_policy:
        path.mkdir(parents=True, exist_ok=True)
        written = []
        for name, content in markdown_pages(document, on_policy=on_policy):
            (path / name).write_bytes(content)
            written.append(path / name)
        return written
    # The renderer writes straight into the user's file: a large PDF is never held twice.
    with path.open("wb") as out:
        render_document(document, fmt, out, on_policy=on_policy)
    return [path]


def docs(
    fmt: Annotated[str, typer.Option("--format", "-f", help="md, html, docx, pdf, xlsx, csv or json.")] = "html",
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="File (or folder) to write; default <tenant>_documentation_<time>.<ext>."),
    ] = None,
    demo: DemoOption = None,
    snapshot: SnapshotOption = None,
    tenant: TenantOption = None,
    types: Annotated[
        list[str] | None, typer.Option("--type", help="Only these resource types (catalog keys); repeatable.")
    ] = None,
    no_assignments: Annotated[bool, typer.Option("--no-assignments", help="Leave assignments out.")] = False,
    no_script_content: Annotated[
        bool, typer.Option("--no-script-content", help="Leave script bodies out (run settings stay).")
    ] = False,
    per_policy: Annotated[
        bool, typer.Option("--per-policy", help="Markdown only: a folder with one file per policy and an index.")
    ] = False,
    definitions: DefinitionsOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
) -> None:
    """Document a tenant: every policy with its settings (readable names), assignments and filters."""
    from intune_assistant.catalog import default_catalog
    from intune_assistant.render import FORMATS, DocumentOptions, build_document
    from intune_assistant.snapshot import not_read

    from .common import EXIT_INCOMPLETE, EXIT_OK, UserError

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if per_policy and fmt != "md":
        raise UserError("--per-policy works with --format md only")
    catalog = default_catalog()
    _check_types(catalog, types)
    extra = _definitions_file(definitions)
    console = Console(stderr=True)
    source = snapshot_from_options(
        console,
        catalog,
        demo=demo,
        snapshot=snapshot,
        tenant=tenant,
        client_id=client_id,
        authority=authority,
        graph_url=graph_url,
        ca_file=ca_file,
    )
    options = DocumentOptions(
        types=tuple(types) if types else None,
        include_assignments=not no_assignments,
        include_script_content=not no_script_content,
    )
    now = datetime.now(UTC)
    path = _output_path(output, source, fmt, per_policy, now)
    from intune_assistant.analyses.settings import documented_types

    keys = [r.key for r in documented_types(catalog) if options.types is None or r.key in options.types]
    total = sum(source.count(k) for k in keys)
    with _progress(console) as progress:
        task = progress.add_task("Reading settings", total=total, current="")
        document = build_document(
            source, catalog, definitions=extra, options=options, on_policy=_advance(progress, task), now=now
        )
        progress.update(task, description=f"Writing {fmt}", completed=0, total=document.policy_count())
        try:
            files = _write(document, fmt, path, per_policy=per_policy, on_policy=_advance(progress, task))
        except OSError as exc:
            raise UserError(f"could not write {path}: {exc.strerror or exc}") from None
    Console(soft_wrap=True).print(f"Documented {document.policy_count()} objects in [bold]{files[0]}[/]")
    if document.definitions_note:
        console.print(f"[yellow]{document.definitions_note}[/]")
    unread = not_read(source, catalog)
    for line in unread:
        console.print(f"[yellow]not read:[/] {escape(line)}", highlight=False)
    raise typer.Exit(EXIT_INCOMPLETE if unread else EXIT_OK)


def export_definitions(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="JSON file to write.")] = None,
    demo: DemoOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
) -> None:
    """Save the tenant's settings-catalog definitions (configurationSettings) for offline names."""
    from intune_assistant.analyses.settings import DEFINITIONS_FORMAT
    from intune_assistant.catalog import default_catalog
    from intune_assistant.render import export_filename
    from intune_assistant.snapshot import TypeStatus

    from .common import UserError

    catalog = default_catalog()
    console = Console(stderr=True)
    key = "settingDefinitions"
    if demo is None and tenant is None:
        raise UserError("give exactly one of --demo NAME or --tenant DOMAIN")
    source = snapshot_from_options(
        console,
        catalog,
        demo=demo,
        snapshot=None,
        tenant=tenant,
        client_id=client_id,
        authority=authority,
        graph_url=graph_url,
        ca_file=ca_file,
        types=[key],
    )
    result = source.results.get(key)
    if result is None or result.status is not TypeStatus.OK:
        reason = result.error if result is not None else "not read"
        raise UserError(f"the setting definitions could not be read: {reason}")
    now = datetime.now(UTC)
    path = output or Path(export_filename(source.tenant.domain, "setting-definitions", now, "json"))
    definitions = source.objects_of(key)
    data = {
        "format": DEFINITIONS_FORMAT,
        "tenant": {"domain": source.tenant.domain, "id": source.tenant.tenant_id},
        "exported_at": now.isoformat(),
        "count": len(definitions),
        "value": definitions,
    }
    try:
        path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"could not write {path}: {exc.strerror or exc}") from None
    Console(soft_wrap=True).print(f"Saved {len(definitions)} setting definitions to [bold]{path}[/]")


def search(
    words: Annotated[
        list[str], typer.Argument(help="Words to find in setting names, values, categories and policies.")
    ],
    demo: DemoOption = None,
    snapshot: SnapshotOption = None,
    types: Annotated[list[str] | None, typer.Option("--type", help="Only these resource types; repeatable.")] = None,
    platforms: Annotated[
        list[str] | None, typer.Option("--platform", help="Only these platforms (e.g. windows, macos); repeatable.")
    ] = None,
    definitions: DefinitionsOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the matches as JSON on stdout.")] = False,
) -> None:
    """Find where a setting is configured and how, across every policy."""
    text = " ".join(words)
    from intune_assistant.analyses.settings import search_settings, setting_rows
    from intune_assistant.catalog import default_catalog

    catalog = default_catalog()
    _check_types(catalog, types)
    extra = _definitions_file(definitions)
    console = Console(stderr=True)
    source = snapshot_from_options(console, catalog, demo=demo, snapshot=snapshot, tenant=None)
    found = search_settings(setting_rows(source, catalog, extra), text, types=types, platforms=platforms)
    if json_output:
        print(
            json.dumps(
                [
                    {
                        "policy": r.policy_name,
                        "policy_id": r.policy_id,
                        "type": r.type_key,
                        "platform": r.platform,
                        "category": r.category,
                        "setting": r.name,
                        "name_source": str(r.name_source),
                        "value": r.value,
                        "setting_id": r.setting_id,
                        "deprecated": r.deprecated,
                    }
                    for r in found
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    labels = {r.key: r.label for r in catalog}
    table = Table(title=f"{len(found)} setting(s) matching {text!r}", title_justify="left")
    for column in ("Policy", "Type", "Platform", "Setting", "Value"):
        table.add_column(column, overflow="fold")
    for row in found:
        setting = f"{row.category} > {row.name}" if row.category else row.name
        value = row.value if len(row.value) <= 200 else row.value[:200] + "…"
        table.add_row(row.policy_name, labels.get(row.type_key, row.type_key), row.platform or "Any", setting, value)
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("docs")(docs)
    definitions_app = typer.Typer(no_args_is_help=True, help="Settings-catalog definitions for offline names.")
    definitions_app.command("export")(export_definitions)
    app.add_typer(definitions_app, name="definitions")
    settings_app = typer.Typer(no_args_is_help=True, help="Search configured settings across all policies.")
    settings_app.command("search")(search)
    app.add_typer(settings_app, name="settings")
