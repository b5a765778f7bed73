"""Benchmark: apply 500 assignment changes over 250 objects of the large demo tenant.

Starts the emulator in its own process (HTTPS, Intune's throttling on, ``--latency`` per request,
``--fault-rate`` of 5xx answers), reads the objects, plans the changes (pure), applies the plan with
the product's client over real HTTPS, re-reads everything to count assignments lost or wrong, and
applies the same plan again (only what failed may be written). Prints requests, wall time and the
floor: the larger of (a) the time Intune's write limit needs for the writes sent, plus the round
trips before the first and after the last write, and (b) the chain of round trips apply needs.

    .venv/bin/python benchmarks/apply.py                      # 150 ms, no faults
    .venv/bin/python benchmarks/apply.py --fault-rate 0.05

Exit code 1 when an assignment was lost or wrong, an item ended without a reason, or the re-run
wrote anything that had not failed.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import resource
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from intune_assistant.analyses.assignments import APP_INTENTS, FilterMode, object_targets
from intune_assistant.catalog import default_catalog
from intune_assistant.changes import (
    ApplyReport,
    AssignmentChange,
    AssignTarget,
    ChangeAction,
    Direction,
    ItemStatus,
    ObjectKey,
    Plan,
    apply_plan,
    plan_assignments,
    signature,
)
from intune_assistant.collect.collector import collect
from intune_assistant.graph import GraphClient, GraphStats, RateLimits, StaticTokenProvider
from intune_assistant.snapshot import Snapshot, TenantInfo

# 250 objects of three kinds: profiles, scripts, apps (apps take an install intent).
TYPES: Mapping[str, int] = {"deviceConfigurations": 150, "powershellScripts": 40, "mobileApps": 60}
LIMITS = RateLimits()
# The emulator for this benchmark: the tenant activated bulk assignment (consented to its write
# scopes); one read+write token is printed.
_EMULATOR = """
import sys
from pathlib import Path
from intune_assistant.catalog.modules import write_scopes
from intune_assistant.emulator.demo import build_demo
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.emulator.server import serve_forever
tenant, port, ca_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
latency, faults, module = float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
demo = build_demo([tenant], options=EmulatorOptions(latency_s=latency, error_5xx_rate=faults, seed=1))
writes = write_scopes(demo.catalog)[module]
demo.entra.grant_consent(demo.tenants[tenant].tenant_id, writes)
print(demo.token(tenant, scopes=[*demo.catalog.read_scopes(), *writes]), flush=True)
serve_forever(demo.app, port=port, ca_dir=Path(ca_dir))
"""


def bulk_changes(snapshot: Snapshot, types: Mapping[str, int] = TYPES, seed: int = 14) -> list[AssignmentChange]:
    """Two changes per object: add a group (some with a filter; apps with an intent), and remove
    one of its group assignments — or, when it has none, exclude another group."""
    rng = random.Random(seed)
    groups = [str(g["id"]) for g in snapshot.objects["groups"]]
    filters = [str(f["id"]) for f in snapshot.objects["assignmentFilters"]]
    changes: list[AssignmentChange] = []
    for type_key, count in types.items():
        app = type_key == "mobileApps"
        for obj in snapshot.objects[type_key][:count]:
            key = ObjectKey(type_key, str(obj["id"]))
            assigned = sorted({t.group_id for t in object_targets(type_key, obj) or () if t.group_id})
            first, second = rng.sample([g for g in groups if g not in assigned], 2)
            filtered = not app and rng.random() < 0.3
            changes.append(
                AssignmentChange(
                    key,
                    ChangeAction.ADD,
                    AssignTarget.group(first),
                    filter_id=rng.choice(filters) if filtered else None,
                    filter_mode=rng.choice(list(FilterMode)) if filtered else None,
                    intent=rng.choice(APP_INTENTS[:2]) if app else None,
                )
            )
            if assigned:
                changes.append(AssignmentChange(key, ChangeAction.REMOVE, AssignTarget.group(assigned[0])))
            else:
                exclude = AssignTarget.group(second)
                intent = "required" if app else None
                changes.append(AssignmentChange(key, ChangeAction.ADD, exclude, Direction.EXCLUDE, intent=intent))
    return changes


def _meaning(type_key: str, assignments: Sequence[Mapping[str, Any]]) -> Counter[Any]:
    return Counter(signature(a, app=type_key == "mobileApps") for a in assignments)


def lost_or_wrong(
    before: Snapshot, after: Snapshot, plan: Plan, report: ApplyReport, types: Sequence[str]
) -> list[str]:
    """Objects whose assignments, re-read, are not what they should be: the plan's expected set for
    an applied item, the set as read before for every other object."""
    planned = {i.key: i for i in plan.items}
    applied = {r.key for r in report.results if r.status is ItemStatus.APPLIED}
    wrong = []
    for type_key in types:
        old = {str(o["id"]): o for o in before.objects[type_key]}
        for obj in after.objects[type_key]:
            key = f"{type_key}/{obj['id']}"
            item = planned.get(key)
            wanted = item.expected if item is not None and key in applied else old[str(obj["id"])]["assignments"]
            if _meaning(type_key, obj.get("assignments") or []) != _meaning(type_key, wanted):
                wrong.append(key)
    return wrong


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def emulator(
    tenant: str, latency: float, fault_rate: float, module: str = "bulk-assign"
) -> Iterator[tuple[str, Path, str]]:
    """The emulator in a child process; yields (base URL, CA file, admin token with ``module``'s write scopes)."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as ca_dir:
        cmd = [sys.executable, "-c", _EMULATOR, tenant, str(port), ca_dir, str(latency), str(fault_rate), module]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert proc.stdout is not None
            token = proc.stdout.readline().strip()
            ca = Path(ca_dir) / "emulator-ca.pem"
            deadline = time.monotonic() + 600  # building the large tenant takes a while on a busy machine
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    socket.create_connection(("localhost", port), timeout=1).close()
                    if ca.exists():
                        break
                except OSError:
                    pass
                time.sleep(0.1)
            if not ca.exists():
                raise SystemExit("FAIL: the emulator did not start")
            yield f"https://localhost:{port}", ca, token
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _client(base_url: str, ca: Path, token: str) -> GraphClient:
    context = ssl.create_default_context(cafile=str(ca))
    return GraphClient(StaticTokenProvider(token), base_url=base_url, verify=context)


async def read(base_url: str, ca: Path, token: str, types: Sequence[str]) -> Snapshot:
    async with _client(base_url, ca, token) as graph:
        return await collect(graph, default_catalog(), TenantInfo(None, "large", "large"), types=list(types))


async def timed_apply(base_url: str, ca: Path, token: str, plan: Plan) -> tuple[ApplyReport, GraphStats, float]:
    async with _client(base_url, ca, token) as graph:
        started = time.perf_counter()
        report = await apply_plan(plan, graph)
        return report, graph.stats, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    args = parser.parse_args()
    latency = args.latency
    types = list(TYPES)
    with emulator("large", latency, args.fault_rate) as (base_url, ca, token):
        before = asyncio.run(read(base_url, ca, token, [*types, "groups", "assignmentFilters"]))
        changes = bulk_changes(before)
        plan = plan_assignments(before, changes)
        # Reviewing a plan takes longer than one throttling window: the read's requests are out of it.
        time.sleep(LIMITS.window_s)
        report, stats, wall = asyncio.run(timed_apply(base_url, ca, token, plan))
        after = asyncio.run(read(base_url, ca, token, types))
        time.sleep(LIMITS.window_s)
        again, again_stats, again_wall = asyncio.run(timed_apply(base_url, ca, token, plan))
    writes = plan.request_count
    ahead, behind = 2, 2  # round trips before the first write (pre-read, re-read) and after the last (write, verify)
    throttle_s = math.floor(max(writes - 1, 0) / LIMITS.writes) * LIMITS.window_s + (ahead + behind) * latency
    chain = ahead + behind
    chain_s = chain * latency
    floor = max(throttle_s, chain_s)
    wrong = lost_or_wrong(before, after, plan, report, types)
    failed = {r.key for r in report.results if r.status is not ItemStatus.APPLIED}
    no_reason = [r.key for r in report.results if r.status is not ItemStatus.APPLIED and not r.reason]
    rewritten = {r.key for r in again.results if r.requests}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"== large: {len(changes)} changes over {len(plan.items)} objects, latency {latency * 1000:.0f} ms, "
          f"5xx fault rate {args.fault_rate:.0%}, throttling on")  # fmt: skip
    print(f"planned writes         {writes} (rejected rows: {len(plan.rejected)})")
    print(f"results                {', '.join(f'{report.count(s)} {s.value}' for s in ItemStatus)}")
    print(f"HTTP requests          {stats.http_requests}")
    print(f"Graph sub-requests     {stats.sub_requests}")
    print(f"429s received          {stats.throttled_429}")
    print(f"retries                {stats.retries}")
    print(f"wall time              {wall:.2f} s")
    print(f"peak RSS (client)      {peak_mb:.0f} MB")
    limit = f"{LIMITS.writes} writes/{LIMITS.window_s:.0f} s"
    print(f"floor (a) throttling   {throttle_s:.2f} s for {writes} writes at {limit} + {chain} round trips")
    print(f"floor (b) round trips  {chain_s:.2f} s = {chain} sequential round trips (pre-read, re-read, write, verify)")
    print(f"wall / floor           {wall / floor:.2f}x")
    print(f"re-read: lost or wrong {len(wrong)} object(s)")
    print(f"re-run                 {len(rewritten)} object(s) written again, {len(failed)} had not applied; "
          f"{again_stats.sub_requests} sub-requests, {again_wall:.2f} s; "
          f"{', '.join(f'{again.count(s)} {s.value}' for s in ItemStatus)}")  # fmt: skip
    if wrong or no_reason or not rewritten <= failed:
        raise SystemExit(
            f"FAIL: wrong {wrong[:5]}, without reason {no_reason[:5]}, rewritten {sorted(rewritten - failed)[:5]}"
        )


if __name__ == "__main__":
    main()
