"""Benchmark: collect demo tenants from the emulator over real HTTPS, with latency and throttling.

Starts ``intune-assistant emulator`` in its own process (so the emulator's work does not share this
process's interpreter), collects with the product's client and collector, and prints:
HTTP requests, Graph sub-requests, 429s, retries, wall time, peak RSS of this process, and the
floor — the larger of (a) the time Intune's throttling limit needs for the sub-requests sent and
(b) the longest chain of round trips that must run one after another.

    .venv/bin/python benchmarks/collect.py                 # small (Contoso) and large, 150 ms
    .venv/bin/python benchmarks/collect.py --tenant large --fault-rate 0.05
    .venv/bin/python benchmarks/collect.py --tenant large --refresh

``--refresh`` collects once, changes 1 % of the objects through the emulator's write routes
(renames across six Intune types, new group members), refreshes with ``collect(previous=...)``
and prints the sub-requests of both; it fails (exit 1) when a change is missing from the refreshed
snapshot or the refresh did not send at least 10x fewer sub-requests.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import resource
import socket
import ssl
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
WRITE_SCOPES = ("DeviceManagementConfiguration.ReadWrite.All", "DeviceManagementApps.ReadWrite.All",
                "DeviceManagementScripts.ReadWrite.All", "Group.ReadWrite.All")  # fmt: skip
# The emulator for --refresh: write scopes consented (as activating a write module would), then a
# read token and a read+write token printed, one a line.
_WRITABLE_EMULATOR = """
import sys
from pathlib import Path
from intune_assistant.emulator.demo import build_demo
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.emulator.server import serve_forever
tenant, port, ca_dir, latency, writes = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), sys.argv[5:]
demo = build_demo([tenant], options=EmulatorOptions(latency_s=latency))
demo.entra.grant_consent(demo.tenants[tenant].tenant_id, writes)
print(demo.token(tenant), flush=True)
print(demo.token(tenant, scopes=[*demo.catalog.read_scopes(), *writes]), flush=True)
serve_forever(demo.app, port=port, ca_dir=Path(ca_dir))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def emulator(tenant: str, latency: float, fault_rate: float) -> Iterator[tuple[str, Path, str]]:
    """Run the emulator CLI in a child process; yield (base URL, CA file, admin token)."""
    with _child_emulator(tenant, latency, fault_rate, writable=False) as (base_url, ca, tokens):
        yield base_url, ca, tokens[0]


@contextmanager
def _child_emulator(
    tenant: str, latency: float, fault_rate: float, *, writable: bool
) -> Iterator[tuple[str, Path, list[str]]]:
    port = _free_port()
    with tempfile.TemporaryDirectory() as ca_dir:
        if writable:
            cmd = [sys.executable, "-c", _WRITABLE_EMULATOR, tenant, str(port), ca_dir, str(latency), *WRITE_SCOPES]
        else:
            cmd = [
                sys.executable, "-c", "from intune_assistant.cli.main import main; main()",
                "emulator", "--port", str(port), "--ca-dir", ca_dir, "--tenants", tenant,
                "--latency", str(latency), "--fault-rate", str(fault_rate), "--token-for", tenant,
            ]  # fmt: skip
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert proc.stdout is not None
            tokens = [proc.stdout.readline().strip() for _ in range(2 if writable else 1)]
            ca = Path(ca_dir) / "emulator-ca.pem"
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("localhost", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            yield f"https://localhost:{port}", ca, tokens
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
    if record.delta_select:
        return 0  # read through its delta query: no per-item reads
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


async def run_once(
    base_url: str, ca: Path, token: str, tenant: str, previous: Snapshot | None = None
) -> tuple[Snapshot, GraphClient, float]:
    catalog = default_catalog()
    context = ssl.create_default_context(cafile=str(ca))
    started = time.perf_counter()
    async with GraphClient(
        StaticTokenProvider(token), scopes=catalog.read_scopes(), base_url=base_url, verify=context
    ) as client:
        snapshot = await collect(
            client, catalog, TenantInfo(None, tenant, tenant), source="emulator", previous=previous
        )
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


# --------------------------------------------------------------------------- --refresh

# Shares of the 1 % renamed per type; the rest are new group members.
RENAMED_SHARE = {
    "settingsCatalog": 0.2,
    "deviceConfigurations": 0.15,
    "administrativeTemplates": 0.1,
    "powershellScripts": 0.1,
    "remediations": 0.1,
    "mobileApps": 0.1,
}


async def change_one_percent(
    base_url: str, ca: Path, token: str, snapshot: Snapshot
) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """Change 1 % of the objects through the emulator's write routes; returns the renamed objects
    ((type, id) → new name) and the groups given a member (group id → member id)."""
    catalog = default_catalog()
    target = max(1, round(snapshot.count() / 100))
    renamed: dict[tuple[str, str], str] = {}
    added: dict[str, str] = {}
    writes: list[tuple[str, str, str, dict[str, Any]]] = []  # (method, path, version, body)
    for key, share in RENAMED_SHARE.items():
        record = catalog[key]
        for obj in (snapshot.read_objects(key) or [])[: max(1, round(target * share))]:
            name = f"{obj.get(record.name_field) or obj['id']} (changed)"
            body = {"@odata.type": obj["@odata.type"], record.name_field: name}
            writes.append(("PATCH", f"{record.path}/{obj['id']}", record.api_version, body))
            renamed[(key, obj["id"])] = name
    users = [u["id"] for u in snapshot.read_objects("users") or []]
    for group in snapshot.read_objects("groups") or []:
        if len(writes) >= target:
            break
        if "DynamicMembership" in (group.get("groupTypes") or []):
            continue
        present = {m["id"] for m in group.get("members", [])}
        member = next(u for u in users if u not in present)
        body = {"@odata.id": f"{base_url}/v1.0/directoryObjects/{member}"}
        writes.append(("POST", f"groups/{group['id']}/members/$ref", "v1.0", body))
        added[group["id"]] = member
    context = ssl.create_default_context(cafile=str(ca))
    async with GraphClient(StaticTokenProvider(token), base_url=base_url, verify=context) as client:
        answers = await asyncio.gather(
            *(client.request(method, path, version=version, json=body) for method, path, version, body in writes)
        )
    failed = [f"{w[0]} {w[1]}: {a.error.describe()}" for w, a in zip(writes, answers, strict=True) if a.error]
    if failed:
        raise SystemExit("FAIL: the emulator refused changes:\n" + "\n".join(failed[:5]))
    return renamed, added


def missing_changes(refreshed: Snapshot, renamed: dict[tuple[str, str], str], added: dict[str, str]) -> list[str]:
    """Every change as it should read in ``refreshed``; what is not there."""
    catalog = default_catalog()
    missing = []
    for (key, object_id), name in renamed.items():
        found = next((o for o in refreshed.read_objects(key) or [] if o.get("id") == object_id), None)
        if found is None or found.get(catalog[key].name_field) != name:
            missing.append(f"{key} {object_id} is not named {name!r}")
    groups = {g["id"]: g for g in refreshed.read_objects("groups") or []}
    for group_id, member in added.items():
        if member not in {m["id"] for m in groups.get(group_id, {}).get("members", [])}:
            missing.append(f"group {group_id} lacks its new member {member}")
    return missing


def report_refresh(tenant: str, latency: float) -> None:
    with _child_emulator(tenant, latency, 0.0, writable=True) as (base_url, ca, (token, write_token)):
        first, first_client, first_wall = asyncio.run(run_once(base_url, ca, token, tenant))
        renamed, added = asyncio.run(change_one_percent(base_url, ca, write_token, first))
        refreshed, client, wall = asyncio.run(run_once(base_url, ca, token, tenant, previous=first))
    changed = len(renamed) + len(added)
    ratio = first_client.stats.sub_requests / max(1, client.stats.sub_requests)
    print(f"== {tenant} refresh: latency {latency * 1000:.0f} ms, throttling on")
    print(f"objects                {first.count()} first, {refreshed.count()} refreshed")
    print(f"objects changed        {changed} ({len(renamed)} renamed, {len(added)} groups with a new member)")
    print(f"first collection       {first_client.stats.sub_requests} sub-requests, {first_wall:.2f} s")
    print(f"refresh                {client.stats.sub_requests} sub-requests, {wall:.2f} s")
    print(f"fewer sub-requests     {ratio:.1f}x")
    kept = sorted(k for k, r in refreshed.results.items() if not r.read_in_full)
    print(f"types not re-read in full  {', '.join(kept) or 'none'}")
    incomplete = {k: r.status.value for k, r in refreshed.results.items() if r.status.value != "ok"}
    missing = missing_changes(refreshed, renamed, added)
    if missing or incomplete:
        raise SystemExit(f"FAIL: {len(missing)} change(s) missing, types not ok {incomplete}: {missing[:5]}")
    print(f"every change present   yes ({changed} checked)")
    if ratio < 10:
        raise SystemExit(f"FAIL: the refresh sent {ratio:.1f}x fewer sub-requests, not 10x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenant", choices=["small", "large", "both"], default="both")
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--refresh", action="store_true", help="Measure a refresh after 1 %% of objects changed.")
    args = parser.parse_args()
    names = {"small": ["contoso"], "large": ["large"], "both": ["contoso", "large"]}[args.tenant]
    for name in names:
        if args.refresh:
            report_refresh(name, args.latency)
        else:
            report(name, args.latency, args.fault_rate)


if __name__ == "__main__":
    main()
