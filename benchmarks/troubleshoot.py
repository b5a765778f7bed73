"""Benchmark: assignment overview and one device's effective assignments + resultant settings, large tenant.

Builds the ``large`` demo tenant (Tailspin Toys: thousands of policies, users and devices) and
turns its objects straight into a Snapshot — the same Graph shapes collection produces, without
the HTTP round trips (``benchmarks/collect.py`` measures those). Then times each analysis step
and prints wall time per step (target: under 2 s each) and the peak RSS of this process.

    .venv/bin/python benchmarks/troubleshoot.py
    .venv/bin/python benchmarks/troubleshoot.py --device NAME --conflicts
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from intune_assistant.analyses.assignments import Directory, assignment_overview, hygiene
from intune_assistant.analyses.conflicts import conflicts_report
from intune_assistant.analyses.settings import referenced_definitions
from intune_assistant.analyses.troubleshoot import (
    Verdict,
    effective_assignments,
    resolve_subject,
    resultant_settings,
)
from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.emulator.tenants import TenantData, large_tenant
from intune_assistant.snapshot import (
    Snapshot,
    TenantInfo,
    TypeResult,
    TypeStatus,
    referenced_group_ids,
    resolve_names,
)

T = TypeVar("T")
TARGET_S = 2.0


def snapshot_of(data: TenantData, catalog: Catalog) -> Snapshot:
    """A complete snapshot of ``data`` as collection would produce it (every type read)."""
    keys = [r.key for r in catalog.collected()]
    objects = {key: data.objects.get(key, []) for key in keys}
    names = resolve_names(objects, catalog)
    names.unresolved_groups = referenced_group_ids(objects, catalog) - names.groups.keys()
    results = {key: TypeResult(key, TypeStatus.OK, len(objects[key]), 0.0) for key in keys}
    return Snapshot(
        tenant=TenantInfo(data.tenant_id, data.domain, data.display_name),
        source="emulator",
        taken_at=datetime.now(UTC),
        objects=objects,
        results=results,
        names=names,
        setting_definitions=referenced_definitions(data.setting_definitions, objects),
    )


def timed(label: str, step: Callable[[], T], times: dict[str, float], *, target: bool = True) -> T:
    """Run ``step``, print its wall time, and record it (against the target when ``target``)."""
    start = time.perf_counter()
    result = step()
    elapsed = time.perf_counter() - start
    if target:
        times[label] = elapsed
    flag = "" if elapsed < TARGET_S or not target else f"  (over the {TARGET_S:.0f} s target)"
    print(f"  {label:<44} {elapsed:7.3f} s{flag}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", help="Device name (default: the Windows device with the most policies' groups).")
    parser.add_argument("--conflicts", action="store_true", help="Also time the tenant-wide conflicts report.")
    args = parser.parse_args()

    catalog = default_catalog()
    times: dict[str, float] = {}
    print("Large tenant (Tailspin Toys)", flush=True)
    data = timed("generate tenant (setup)", large_tenant, times, target=False)
    snapshot = timed("build snapshot (setup)", lambda: snapshot_of(data, catalog), times, target=False)
    print(
        f"  {snapshot.count()} objects: {snapshot.count('settingsCatalog')} settings-catalog policies, "
        f"{snapshot.count('users')} users, {snapshot.count('managedDevices')} devices, "
        f"{snapshot.count('groups')} groups"
    )

    directory = timed("directory index", lambda: Directory(snapshot), times)
    overview = timed("assignment overview", lambda: assignment_overview(snapshot, catalog, directory=directory), times)
    timed("hygiene lists", lambda: hygiene(overview, directory), times)
    print(f"  {len(overview.policies)} objects, {len(overview.rows)} assignment rows")

    if args.device:
        device = args.device
    else:
        # A Windows device with a primary user: the common troubleshooting case.
        device = next(
            str(d["id"])
            for d in snapshot.read_objects("managedDevices") or ()
            if d.get("operatingSystem") == "Windows" and d.get("userId")
        )
    subject = resolve_subject(directory, device=device)
    effective = timed(
        "effective assignments (one device + user)",
        lambda: effective_assignments(snapshot, subject, catalog, directory=directory),
        times,
    )
    targeted = len(effective.with_verdict(Verdict.APPLIES))
    print(f"  {effective.subject.device} ({effective.subject.user}): {targeted} targeted of {len(effective.items)}")
    resultant = timed(
        "resultant settings (same device)", lambda: resultant_settings(snapshot, effective, catalog), times
    )
    print(
        f"  {len(resultant.settings)} settings from {len(resultant.policies)} policies, "
        f"{len(resultant.conflicts)} in conflict"
    )
    if args.conflicts:
        report = timed(
            "conflicts report (tenant-wide, no target)",
            lambda: conflicts_report(snapshot, catalog, directory=directory),
            times,
            target=False,
        )
        print(f"  {len(report.conflicts)} conflicting settings, {len(report.duplicates)} duplicate sets")

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak RSS: {peak_mb:.0f} MB")
    slow = [k for k, v in times.items() if v >= TARGET_S]
    if slow:
        print(f"Over the {TARGET_S:.0f} s target: {', '.join(slow)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
