"""Benchmark: deploy 300 objects into the large demo tenant, on the one write path.

Starts the emulator in its own process (HTTPS, Intune's throttling on, ``--latency`` per request,
``--fault-rate`` of 5xx answers), reads the large tenant, and deploys 300 of its policies copied
under new names (settings catalog policies with their settings, device configuration profiles,
compliance policies with their actions): the plan is 300 creates. Applies it with the product's
client over real HTTPS, re-reads the tenant to count every deployed name (exactly once each: no
duplicates) and to plan again, then applies the same plan once more (only what failed may be
written). Prints requests, wall time and the floor: the larger of (a) the time Intune's write
limit needs for the writes sent plus the round trips around them, and (b) the chain of round trips
apply needs (check by name, create, read back).

    .venv/bin/python benchmarks/deploy.py                      # 150 ms, no faults
    .venv/bin/python benchmarks/deploy.py --fault-rate 0.05

Exit code 1 when an item ended without a reason, a name was created twice or not at all while
reported applied, or the re-run wrote anything that had not failed.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import resource
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any

from apply import LIMITS, emulator, read, timed_apply
from intune_assistant.catalog import default_catalog
from intune_assistant.changes import ItemStatus
from intune_assistant.changes.deploy import plan_deploy
from intune_assistant.snapshot import Snapshot

# 300 objects: policies whose create carries their settings or actions inline.
TYPES: Mapping[str, int] = {"settingsCatalog": 150, "deviceConfigurations": 100, "compliancePolicies": 50}
PREFIX = "Deployed - "
REFERENCED = ("scopeTags", "notificationTemplates")


def source_of(tenant: Snapshot) -> Snapshot:
    """The tenant's first objects of each type under new names: a source whose every object is new."""
    catalog = default_catalog()
    objects: dict[str, list[dict[str, Any]]] = {}
    for key, count in TYPES.items():
        record = catalog[key]
        chosen = tenant.objects[key][:count]
        objects[key] = [{**o, record.name_field: PREFIX + record.object_name(o)} for o in chosen]
    # What the copies refer to, by the same names as in the tenant (mapped, nothing to deploy).
    for key in REFERENCED:
        objects[key] = tenant.objects[key]
    results = {k: tenant.results[k] for k in objects}
    return Snapshot(tenant.tenant, "benchmark", tenant.taken_at, objects, results)


def deployed_names(after: Snapshot) -> Counter[str]:
    """How many objects carry each deployed name, across the deployed types."""
    catalog = default_catalog()
    return Counter(
        catalog[k].object_name(o)
        for k in TYPES
        for o in after.objects[k]
        if catalog[k].object_name(o).startswith(PREFIX)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    args = parser.parse_args()
    latency = args.latency
    types = list(TYPES)
    with emulator("large", latency, args.fault_rate, module="deploy-baseline") as (base_url, ca, token):
        # With the references a plan maps by name: scope tags, notification templates of compliance actions.
        before = asyncio.run(read(base_url, ca, token, [*types, *REFERENCED]))
        source = source_of(before)
        plan = plan_deploy(source, before)
        # Reviewing a plan takes longer than one throttling window: the read's requests are out of it.
        time.sleep(LIMITS.window_s)
        report, stats, wall = asyncio.run(timed_apply(base_url, ca, token, plan))
        after = asyncio.run(read(base_url, ca, token, [*types, *REFERENCED]))
        replanned = plan_deploy(source, after)
        time.sleep(LIMITS.window_s)
        again, again_stats, again_wall = asyncio.run(timed_apply(base_url, ca, token, plan))
    writes = plan.request_count
    chain = 3  # check by name, create, read back
    throttle_s = math.floor(max(writes - 1, 0) / LIMITS.writes) * LIMITS.window_s + chain * latency
    chain_s = chain * latency
    floor = max(throttle_s, chain_s)
    names = deployed_names(after)
    applied = {r.object.name for r in report.results if r.status is ItemStatus.APPLIED}
    failed = {r.key for r in report.results if r.status is not ItemStatus.APPLIED}
    duplicates = sorted(n for n, c in names.items() if c > 1)
    missing = sorted(applied - set(names))
    no_reason = [r.key for r in report.results if r.status is not ItemStatus.APPLIED and not r.reason]
    rewritten = {r.key for r in again.results if r.requests}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"== large: deploy of {len(plan.items)} objects ({', '.join(f'{n} {k}' for k, n in TYPES.items())}), "
          f"latency {latency * 1000:.0f} ms, 5xx fault rate {args.fault_rate:.0%}, throttling on")  # fmt: skip
    print(f"planned writes         {writes} (rejected: {len(plan.rejected)})")
    for reason, count in Counter(r.reason for r in plan.rejected).most_common(3):
        print(f"  rejected {count}x: {reason}")
    print(f"results                {', '.join(f'{report.count(s)} {s.value}' for s in ItemStatus)}")
    print(f"HTTP requests          {stats.http_requests}")
    print(f"Graph sub-requests     {stats.sub_requests}")
    print(f"429s received          {stats.throttled_429}")
    print(f"retries                {stats.retries}")
    print(f"wall time              {wall:.2f} s")
    print(f"peak RSS (client)      {peak_mb:.0f} MB")
    limit = f"{LIMITS.writes} writes/{LIMITS.window_s:.0f} s"
    print(f"floor (a) throttling   {throttle_s:.2f} s for {writes} writes at {limit} + {chain} round trips")
    print(f"floor (b) round trips  {chain_s:.2f} s = {chain} sequential round trips (check, create, read back)")
    print(f"wall / floor           {wall / floor:.2f}x")
    print(f"re-read                {len(names)} deployed name(s), duplicates {len(duplicates)}, "
          f"applied but absent {len(missing)}; a new plan has {len(replanned.items)} item(s)")  # fmt: skip
    print(f"re-run                 {len(rewritten)} object(s) written again, {len(failed)} had not applied; "
          f"{again_stats.sub_requests} sub-requests, {again_wall:.2f} s; "
          f"{', '.join(f'{again.count(s)} {s.value}' for s in ItemStatus)}")  # fmt: skip
    if duplicates or missing or no_reason or not rewritten <= failed or len(replanned.items) != len(failed):
        raise SystemExit(
            f"FAIL: duplicates {duplicates[:5]}, missing {missing[:5]}, without reason {no_reason[:5]}, "
            f"rewritten {sorted(rewritten - failed)[:5]}, new plan {len(replanned.items)} vs failed {len(failed)}"
        )


if __name__ == "__main__":
    main()
