"""Benchmark: collect demo tenants from the emulator over real HTTPS, with latency and throttling.

Starts ``intune-assistant emulator`` in its own process (so the emulator's work does not share this
process's interpreter), collects with the product's client and collector, and prints:
HTTP requests, Graph sub-requests, 429s, retries, wall time, peak RSS of this process, and the
floor — the larger of (a) the time Intune's throttling limit needs for the sub-requests sent and
(b) the longest chain of round trips that must run one after another.

    .venv/bin/python benchmarks/collect.py                 # small (Contoso) and large, 150 ms
    .venv/bin/python benchmarks/collect.py --tenant large --fault-rate 0.05
"""

from __future__ import annotations

import argparse
import asyncio
import math
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from intune_assistant.catalog import AssignmentRead, Catalog, Child, ResourceType, default_catalog
from intune_assistant.collect.collector import collect
from intune_assistant.graph import GraphClient, RateLimits, StaticTokenProvider
from intune_assistant.snapshot import Snapshot, TenantInfo

LIMITS = RateLimits()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def emulator(tenant: str, latency: float, fault_rate: float) -> Iterator[tuple[str, Path, str]]:
    """Run the emulator CLI in a child process; yield (base URL, CA file, admin token)."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as ca_dir:
        cmd = [
            sys.executable, "-c", "from intune_assistant.cli.main import main; main()",
            "emulator", "--port", str(port), "--ca-dir", ca_dir, "--tenants", tenant,
            "--latency", str(latency), "--fault-rate", str(fault_rate), "--token-for", tenant,
        ]  # fmt: skip
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert proc.stdout is not None
            token = proc.stdout.readline().strip()
            ca = Path(ca_dir) / "emulator-ca.pem"
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("localhost", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            yield f"https://localhost:{port}", ca, token
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def child_page_size(record: ResourceType) -> int:
    """Children are paged like their parent's list when no $top is sent (the collector sends none)."""
    return record.page_size or 100


def _pages(count: int, page: int) -> int:
    return max(1, math.ceil(count / page)) if page else 1


def _child_depth(record: ResourceType, child: Child, values: list[dict[str, Any]]) -> int:
    depth = _pages(len(values), child_page_size(record))
    grand = [_child_depth(record, g, v.get(g.name, [])) for v in values for g in child.children if isinstance(v, dict)]
    return depth + max(grand, default=0)


def _item_depth(record: ResourceType, item: dict[str, Any]) -> int:
    depths = [_child_depth(record, c, item.get(c.name, [])) for c in record.children if not c.from_list_expand]
    if record.assignments is AssignmentRead.PER_ITEM:
        depths.append(_pages(len(item.get("assignments", [])), child_page_size(record)))
    if record.read_item_for_detail:
        depths.append(1)
    return max(depths, default=0)


def chain_round_trips(snapshot: Snapshot, catalog: Catalog) -> tuple[int, str]:
    """Longest chain of dependent round trips: list pages, then per-item reads, then names."""
    longest, which = 0, ""
    for key, items in snapshot.objects.items():
        record = catalog[key]
        page = record.max_page_size or record.page_size
        chain = 0
        for index, item in enumerate(items):
            chain = max(chain, index // page + 1 + _item_depth(record, item)) if page else 1
        chain = max(chain, _pages(len(items), page))
        if chain > longest:
            longest, which = chain, record.label
    return longest + 1, which  # + directoryObjects/getByIds for names, after everything


async def run_once(base_url: str, ca: Path, token: str, tenant: str) -> tuple[Snapshot, GraphClient, float]:
    catalog = default_catalog()
    import ssl

    context = ssl.create_default_context(cafile=str(ca))
    started = time.perf_counter()
    async with GraphClient(
        StaticTokenProvider(token), scopes=catalog.read_scopes(), base_url=base_url, verify=context
    ) as client:
        snapshot = await collect(client, catalog, TenantInfo(None, tenant, tenant), source="emulator")
    return snapshot, client, time.perf_counter() - started


def report(tenant: str, latency: float, fault_rate: float) -> None:
    catalog = default_catalog()
    with emulator(tenant, latency, fault_rate) as (base_url, ca, token):
        snapshot, client, wall = asyncio.run(run_once(base_url, ca, token, tenant))
    stats = client.stats
    rounds, longest = chain_round_trips(snapshot, catalog)
    chain_s = rounds * latency
    sent = stats.sub_requests
    throttle_s = math.floor(max(sent - 1, 0) / LIMITS.any_requests) * LIMITS.window_s + latency
    floor = max(chain_s, throttle_s)
    incomplete = {k: r.status.value for k, r in snapshot.results.items() if r.status.value != "ok"}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"== {tenant}: latency {latency * 1000:.0f} ms, 5xx fault rate {fault_rate:.0%}, throttling on")
    print(f"objects collected      {snapshot.count()}")
    print(f"types not ok           {incomplete or 'none'}")
    print(f"HTTP requests          {stats.http_requests}")
    print(f"Graph sub-requests     {stats.sub_requests}")
    print(f"429s received          {stats.throttled_429}")
    print(f"retries                {stats.retries}")
    print(f"wall time              {wall:.2f} s")
    print(f"peak RSS (client)      {peak_mb:.0f} MB")
    limit = f"{LIMITS.any_requests}/{LIMITS.window_s:.0f} s"
    print(f"floor (a) throttling   {throttle_s:.2f} s for {sent} sub-requests at {limit}")
    print(f"floor (b) round trips  {chain_s:.2f} s = {rounds} sequential round trips (longest: {longest})")
    print(f"wall / floor           {wall / floor:.2f}x")
    print(f"wall / round trip      {wall / latency:.1f} round trips' worth")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenant", choices=["small", "large", "both"], default="both")
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    args = parser.parse_args()
    names = {"small": ["contoso"], "large": ["large"], "both": ["contoso", "large"]}[args.tenant]
    for name in names:
        report(name, args.latency, args.fault_rate)


if __name__ == "__main__":
    main()
