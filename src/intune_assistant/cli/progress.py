"""Rich progress and summary tables for collection and import."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from intune_assistant.catalog import Catalog, ResourceType
from intune_assistant.snapshot import Snapshot, TypeResult, TypeStatus

if TYPE_CHECKING:
    from intune_assistant.collect.importers import ImportResult

STATUS_STYLE = {
    TypeStatus.OK: "green",
    TypeStatus.PARTIAL: "yellow",
    TypeStatus.FAILED: "red",
    TypeStatus.NOT_COLLECTED: "dim",
}


class RichCollectProgress:
    """One bar over all types, naming the types still being read."""

    def __init__(self, console: Console, total: int) -> None:
        self._progress = Progress(
            TextColumn("[bold]Collecting[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task("", total=total)
        self._running: list[str] = []

    def __enter__(self) -> RichCollectProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def type_started(self, record: ResourceType) -> None:
        """Show ``record`` as in progress."""
        self._running.append(record.label)
        self._refresh()

    def type_finished(self, record: ResourceType, result: TypeResult) -> None:
        """Advance the bar."""
        if record.label in self._running:
            self._running.remove(record.label)
        self._progress.advance(self._task)
        self._refresh()

    def _refresh(self) -> None:
        shown = ", ".join(self._running[:3]) + (" …" if len(self._running) > 3 else "")
        self._progress.update(self._task, description=shown)


def summary_table(snapshot: Snapshot, catalog: Catalog) -> Table:
    """Per type: status, objects, time and the reason when something failed."""
    title = snapshot.tenant.display_name or snapshot.tenant.domain or "snapshot"
    table = Table(title=f"{title} ({snapshot.source})", title_justify="left")
    table.add_column("Resource type")
    table.add_column("Status")
    table.add_column("Objects", justify="right")
    table.add_column("Time", justify="right")
    table.add_column("Note", overflow="fold")
    for key, result in snapshot.results.items():
        label = catalog[key].label if key in catalog else key
        note = result.error or "; ".join(result.child_errors[:2])
        if len(result.child_errors) > 2:
            note += f" (+{len(result.child_errors) - 2} more)"
        style = STATUS_STYLE.get(result.status, "")
        table.add_row(label, f"[{style}]{result.status.value}[/]", str(result.count), f"{result.duration_s:.1f}s", note)
    return table


def summary_json(snapshot: Snapshot, catalog: Catalog, output: str | None) -> dict[str, Any]:
    """The same summary for scripts (``--json``)."""
    return {
        "tenant": {
            "id": snapshot.tenant.tenant_id,
            "domain": snapshot.tenant.domain,
            "name": snapshot.tenant.display_name,
        },
        "source": snapshot.source,
        "output": output,
        "objects": snapshot.count(),
        "types": [
            {
                "key": key,
                "label": catalog[key].label if key in catalog else key,
                "status": result.status.value,
                "count": result.count,
                "duration_s": result.duration_s,
                "error": result.error,
                "child_errors": result.child_errors,
            }
            for key, result in snapshot.results.items()
        ],
        "problems": [{"path": p.path, "reason": p.reason} for p in snapshot.problems],
    }


def folder_table(result: ImportResult) -> Table:
    """Per folder of an imported tree: the format found, objects read, files left out and why."""
    table = Table(title=f"Found: {', '.join(f'{fmt} in {root}' for root, fmt in result.exports)}", title_justify="left")
    for column in ("Folder", "Format", "Objects", "Not read", "Left out (why)"):
        table.add_column(column, overflow="fold")
    for folder in result.folders:
        skipped = "; ".join(f"{count} × {reason}" for reason, count in folder.skipped)
        table.add_row(
            escape(folder.label),
            ", ".join(folder.formats),
            str(folder.objects),
            str(folder.failed) if folder.failed else "",
            escape(skipped),
        )
    return table
