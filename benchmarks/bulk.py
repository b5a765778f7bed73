"""Benchmark: bulk edits on the large demo tenant over real HTTPS — 100 settings catalog policies
renamed by a regular expression (after a clashing rule was refused with nothing written), then 20
of them deleted with the backup (settings and assignments) taken first.

Starts the emulator in its own process (``benchmarks/apply.py``'s: Intune's throttling on,
``--latency`` per request), reads the policies, plans (pure), applies with the product's client and
prints per step: items, results, HTTP requests, Graph sub-requests, 429s, wall time and the floor
(the chain of sequential round trips apply needs: the state read, the backup reads, then per wave
the re-read, the write and the verify; no step here needs more writes than one throttling window).

    .venv/bin/python benchmarks/bulk.py                 # 150 ms per request

Exit code 1 when the clash was planned, a rename or delete did not apply, or the backup misses a
deleted policy's settings.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import resource
import time
from pathlib import Path
from types import ModuleType

from intune_assistant.changes import ApplyReport, ItemStatus, ObjectKey
from intune_assistant.changes.deletes import plan_deletes
from intune_assistant.changes.renames import RenameKind, RenameRule, plan_renames
from intune_assistant.graph import GraphStats
from intune_assistant.snapshot import Snapshot


def _apply_benchmark() -> ModuleType:
    """``benchmarks/apply.py``: its emulator process and timed apply are this benchmark's too."""
    spec = importlib.util.spec_from_file_location("benchmark_apply", Path(__file__).resolve().parent / "apply.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RENAMES = 100
DELETES = 20


def _chosen(snapshot: Snapshot) -> list[ObjectKey]:
    """100 settings catalog policies named 'WIN - …' whose names no other policy has."""
    policies = snapshot.objects_of("settingsCatalog")
    counts: dict[str, int] = {}
    for policy in policies:
        counts[str(policy["name"])] = counts.get(str(policy["name"]), 0) + 1
    unique = [p for p in policies if str(p["name"]).startswith("WIN - ") and counts[str(p["name"])] == 1]
    return [ObjectKey("settingsCatalog", str(p["id"])) for p in unique[:RENAMES]]


def _line(
    label: str, items: int, report: ApplyReport, stats: GraphStats, wall: float, chain: int, latency: float
) -> None:
    floor = chain * latency
    results = ", ".join(f"{report.count(s)} {s.value}" for s in ItemStatus)
    print(f"{label:<8} {items} items: {results}; HTTP {stats.http_requests}, sub-requests {stats.sub_requests}, "
          f"429s {stats.throttled_429}, wall {wall:.2f} s, floor {floor:.2f} s ({chain} round trips), "
          f"wall/floor {wall / floor:.2f}x")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.15)
    args = parser.parse_args()
    latency = args.latency
    bench = _apply_benchmark()
    read, timed_apply, window_s = bench.read, bench.timed_apply, bench.LIMITS.window_s
    with bench.emulator("large", latency, 0.0) as (base_url, ca, token):
        before = asyncio.run(read(base_url, ca, token, ["settingsCatalog", "groups", "assignmentFilters"]))
        chosen = _chosen(before)
        clash = plan_renames(before, chosen, RenameRule(RenameKind.REGEX, r"^WIN - ([^-]+?) - .*$", r"WIN - \1"))
        started = time.perf_counter()
        plan = plan_renames(before, chosen, RenameRule(RenameKind.REGEX, r"^WIN - (.+)$", r"Windows - \1"))
        planning = time.perf_counter() - started
        time.sleep(window_s)  # the read's requests leave Intune's window, as while reviewing
        renamed, rename_stats, rename_wall = asyncio.run(timed_apply(base_url, ca, token, plan))
        after = asyncio.run(read(base_url, ca, token, ["settingsCatalog", "groups", "assignmentFilters"]))
        deletes = plan_deletes(after, chosen[:DELETES])
        time.sleep(window_s)
        deleted, delete_stats, delete_wall = asyncio.run(timed_apply(base_url, ca, token, deletes))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"== large: {len(before.objects_of('settingsCatalog'))} settings catalog policies, latency "
          f"{latency * 1000:.0f} ms, throttling on")  # fmt: skip
    print(f"clash    {len(clash.rejected)} renames refused, {len(clash.items)} planned: nothing can be written")
    print(f"planning {len(plan.items)} renames in {planning * 1000:.0f} ms (pure)")
    # Rename: state read, backup assignments, re-read, write, verify. Delete: state read, backup
    # (assignments and settings, one round trip each, read concurrently), re-read, write, verify.
    _line("rename", len(plan.items), renamed, rename_stats, rename_wall, 5, latency)
    _line("delete", len(deletes.items), deleted, delete_stats, delete_wall, 5, latency)
    print(f"peak RSS (client) {peak_mb:.0f} MB")
    backup = deleted.backup
    settings = [len(o.get("settings") or []) for o in backup.objects_of("settingsCatalog")] if backup else []
    print(f"backup   {len(settings)} policies, {sum(settings)} settings, every one with its assignments")
    if clash.items or not renamed.all_applied or not deleted.all_applied or len(settings) != DELETES:
        raise SystemExit("FAIL: a clash was planned, an edit did not apply, or the backup is short")
    if not all(settings):
        raise SystemExit("FAIL: a deleted policy's settings are missing from the backup")


if __name__ == "__main__":
    main()
