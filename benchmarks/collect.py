"""Benchmark: collect demo tenants from the emulator over real HTTPS, with latency and throttling.

Starts ``intune-assistant emulator`` in its own process (so the emulator's work does not share this
process's interpreter), collects with the product's client and collector, and prints:
HTTP requests, Graph sub-requests, 429s, retries, wall time, peak RSS of this process, and the
floor — the larger of (a) the time Intune's throttling limit needs for the sub-requests sent and
(b) the longest chain of round trips that must run one after another.

    .venv/bin/python benchmarks/collect.py                 # small (Contoso) and large, 150 ms
    .venv/bin/python benchmarks/collect.py --tenant large --fault-rate 0.05
    .venv/bin/python benchmarks/collect.py --tenant large --refresh

``--refresh`` collects once, changes 1 % of the objects through the emulator's Graph write routes
(so Intune's audit log records them, as it would on Graph) — edits, assignment-only changes,
additions and deletions across eight Intune types in proportion to their size, and new and removed
group members — refreshes with ``collect(previous=...)``, then collects the changed tenant in full
and prints the sub-requests of the first collection and of the refresh. It fails (exit 1) when a
change is missing from the refreshed snapshot, when the refreshed snapshot differs in any object,
assignment, name or setting definition from the full collection, or when the refresh did not send
at least 10x fewer sub-requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import resource
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intune_assistant.catalog import AssignmentRead, Catalog, Child, ResourceType, default_catalog
from intune_assistant.collect.collector import collect
from intune_assistant.graph import GraphClient, RateLimits, StaticTokenProvider
from intune_assistant.snapshot import Snapshot, TenantInfo

LIMITS = RateLimits()
WRITE_SCOPES = ("DeviceManagementConfiguration.ReadWrite.All", "DeviceManagementApps.ReadWrite.All",
                "DeviceManagementScripts.ReadWrite.All", "DeviceManagementServiceConfig.ReadWrite.All",
                "Group.ReadWrite.All")  # fmt: skip
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

# The types whose objects the benchmark changes, each in proportion to its number of objects; groups
# get new and removed members.
CHANGED_TYPES = (
    "settingsCatalog",
    "deviceConfigurations",
    "compliancePolicies",
    "administrativeTemplates",
    "powershellScripts",
    "remediations",
    "mobileApps",
    "enrollmentConfigurations",
    "groups",
)
# What happens to the chosen objects of a type, in turn: half are edited, a quarter assigned to one
# more group (nothing else changes), an eighth added (a copy), an eighth deleted.
KINDS = ("modify", "assign", "modify", "add", "modify", "assign", "modify", "delete")
MEMBER_KINDS = ("add member", "remove member")


@dataclass
class Change:
    """One write of the benchmark and what the refreshed snapshot must show for it."""

    kind: str
    key: str
    object_id: str
    method: str
    path: str
    version: str
    body: dict[str, Any] | None
    expect: str  # a name (modify, add), a group id (assign), a member id (members)
    new_id: str = ""


def _share(snapshot: Snapshot, target: int) -> dict[str, int]:
    counts = {key: len(snapshot.read_objects(key) or []) for key in CHANGED_TYPES}
    total = sum(counts.values())
    share = {key: max(1, round(target * count / total)) for key, count in counts.items() if count}
    largest = max(share, key=lambda k: share[k])
    share[largest] += target - sum(share.values())
    return share


def _spread(items: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    step = max(1, len(items) // max(1, count))
    return items[::step][:count]


def _assignment(record: ResourceType, group_id: str) -> dict[str, Any]:
    target = {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": group_id}
    if record.key == "mobileApps":
        return {"@odata.type": "#microsoft.graph.mobileAppAssignment", "intent": "available", "target": target}
    return {"target": target}


def _copy(record: ResourceType, obj: dict[str, Any]) -> dict[str, Any]:
    navigations = {"assignments", *(c.name for c in record.children)}
    server = {"id", "createdDateTime", "lastModifiedDateTime", "version"}
    return {k: v for k, v in obj.items() if k not in navigations | server and "@odata.context" not in k}


def plan_changes(snapshot: Snapshot, base_url: str) -> list[Change]:
    """1 % of the snapshot's objects, changed through Graph's write routes."""
    catalog = default_catalog()
    share = _share(snapshot, max(1, round(snapshot.count() / 100)))
    groups = [g["id"] for g in snapshot.read_objects("groups") or []]
    users = [u["id"] for u in snapshot.read_objects("users") or []]
    changes: list[Change] = []
    body: dict[str, Any]
    for key, count in share.items():
        record = catalog[key]
        objects = snapshot.read_objects(key) or []
        if key == "groups":
            static = [g for g in objects if "DynamicMembership" not in (g.get("groupTypes") or [])]
            for index, group in enumerate(_spread(static, count)):
                members = [m["id"] for m in group.get("members", [])]
                base = f"groups/{group['id']}/members"
                if MEMBER_KINDS[index % 2] == "remove member" and members:
                    changes.append(
                        Change(
                            "remove member",
                            key,
                            group["id"],
                            "DELETE",
                            f"{base}/{members[0]}/$ref",
                            "v1.0",
                            None,
                            members[0],
                        )
                    )
                else:
                    member = next(u for u in users if u not in members)
                    body = {"@odata.id": f"{base_url}/v1.0/directoryObjects/{member}"}
                    changes.append(Change("add member", key, group["id"], "POST", f"{base}/$ref", "v1.0", body, member))
            continue
        for index, obj in enumerate(_spread(objects, count)):
            kind = KINDS[index % len(KINDS)]
            path = f"{record.path}/{obj['id']}"
            name = str(obj.get(record.name_field) or obj["id"])
            if kind == "modify":
                body = {"@odata.type": obj["@odata.type"], record.name_field: f"{name} (changed)"}
                changes.append(
                    Change(kind, key, obj["id"], "PATCH", path, record.api_version, body, body[record.name_field])
                )
            elif kind == "assign" and record.write.assign_body_key:
                taken = {a.get("target", {}).get("groupId") for a in obj.get("assignments", [])}
                group_id = next(g for g in groups if g not in taken)
                kept = [{k: v for k, v in a.items() if k != "id"} for a in obj.get("assignments", [])]
                body = {record.write.assign_body_key: [*kept, _assignment(record, group_id)]}
                changes.append(
                    Change(kind, key, obj["id"], "POST", f"{path}/assign", record.api_version, body, group_id)
                )
            elif kind == "add":
                body = {**_copy(record, obj), record.name_field: f"{name} (copy)"}
                changes.append(
                    Change(kind, key, obj["id"], "POST", record.path, record.api_version, body, body[record.name_field])
                )
            else:
                changes.append(Change("delete", key, obj["id"], "DELETE", path, record.api_version, None, ""))
    return changes


async def make_changes(base_url: str, ca: Path, token: str, changes: list[Change]) -> None:
    """Send every change (the client paces writes under Intune's limits); exit when one is refused."""
    context = ssl.create_default_context(cafile=str(ca))
    async with GraphClient(StaticTokenProvider(token), base_url=base_url, verify=context) as client:
        answers = await asyncio.gather(
            *(client.request(c.method, c.path, version=c.version, json=c.body) for c in changes)
        )
    failed = [f"{c.method} {c.path}: {a.error.describe()}" for c, a in zip(changes, answers, strict=True) if a.error]
    if failed:
        raise SystemExit("FAIL: the emulator refused changes:\n" + "\n".join(failed[:5]))
    for change, answer in zip(changes, answers, strict=True):
        if change.kind == "add" and isinstance(answer.body, dict):
            change.new_id = str(answer.body["id"])


def missing_changes(refreshed: Snapshot, changes: list[Change]) -> list[str]:
    """Every change as it should read in ``refreshed``; what is not there."""
    catalog = default_catalog()
    missing = []
    for change in changes:
        objects = {o["id"]: o for o in refreshed.read_objects(change.key) or []}
        found = objects.get(change.new_id or change.object_id)
        name_field = catalog[change.key].name_field
        if change.kind == "delete":
            ok = found is None
        elif change.kind in ("modify", "add"):
            ok = found is not None and found.get(name_field) == change.expect
        elif change.kind == "assign":
            ok = found is not None and change.expect in {a["target"].get("groupId") for a in found["assignments"]}
        else:
            members = {m["id"] for m in (found or {}).get("members", [])}
            ok = (change.expect in members) is (change.kind == "add member")
        if not ok:
            missing.append(f"{change.kind} {change.key} {change.object_id}")
    return missing


def _normal(items: list[dict[str, Any]]) -> dict[str, str]:
    """Objects by id as sorted JSON (group members in id order): equal objects, equal text."""
    found = {}
    for obj in items:
        copy = dict(obj)
        if isinstance(copy.get("members"), list):
            copy["members"] = sorted(copy["members"], key=lambda m: json.dumps(m, sort_keys=True))
        found[str(obj.get("id"))] = json.dumps(copy, sort_keys=True)
    return found


def differences(refreshed: Snapshot, fresh: Snapshot) -> list[str]:
    """Where the refreshed snapshot differs from a full collection of the changed tenant."""
    found = []
    for key in sorted(set(refreshed.objects) | set(fresh.objects)):
        mine, theirs = _normal(refreshed.objects.get(key, [])), _normal(fresh.objects.get(key, []))
        if mine != theirs:
            differing = sum(1 for i in mine.keys() | theirs.keys() if mine.get(i) != theirs.get(i))
            found.append(f"{key}: {differing} object(s) differ")
    if refreshed.names != fresh.names:
        found.append("group, filter or scope-tag names differ")
    if refreshed.setting_definitions != fresh.setting_definitions:
        found.append("setting definitions differ")
    return found


def report_refresh(tenant: str, latency: float) -> None:
    with _child_emulator(tenant, latency, 0.0, writable=True) as (base_url, ca, (token, write_token)):
        first, first_client, first_wall = asyncio.run(run_once(base_url, ca, token, tenant))
        changes = plan_changes(first, base_url)
        asyncio.run(make_changes(base_url, ca, write_token, changes))
        refreshed, client, wall = asyncio.run(run_once(base_url, ca, token, tenant, previous=first))
        fresh, _, _ = asyncio.run(run_once(base_url, ca, token, tenant))
    kinds = Counter(c.kind for c in changes)
    ratio = first_client.stats.sub_requests / max(1, client.stats.sub_requests)
    print(f"== {tenant} refresh: latency {latency * 1000:.0f} ms, throttling on")
    print(f"objects                {first.count()} first, {refreshed.count()} refreshed")
    print(f"objects changed        {len(changes)} ({', '.join(f'{n} {k}' for k, n in kinds.items())})")
    print(f"first collection       {first_client.stats.sub_requests} sub-requests, {first_wall:.2f} s")
    print(f"refresh                {client.stats.sub_requests} sub-requests, {wall:.2f} s")
    print(f"fewer sub-requests     {ratio:.1f}x")
    by_type = sorted(((r.requests, k) for k, r in refreshed.results.items() if r.requests), reverse=True)
    print(f"refresh by type        {', '.join(f'{k} {n}' for n, k in by_type)}")
    print(f"  (+ audit log, setting definitions, names: {client.stats.sub_requests - sum(n for n, _ in by_type)})")
    kept = sorted(k for k, r in refreshed.results.items() if not r.read_in_full)
    print(f"types not re-read in full  {', '.join(kept) or 'none'}")
    reasons = sorted({r.full_read_reason for r in refreshed.results.values() if r.full_read_reason})
    if reasons:
        print(f"read in full because   {'; '.join(reasons)}")
    incomplete = {k: r.status.value for k, r in refreshed.results.items() if r.status.value != "ok"}
    missing = missing_changes(refreshed, changes)
    if missing or incomplete:
        raise SystemExit(f"FAIL: {len(missing)} change(s) missing, types not ok {incomplete}: {missing[:5]}")
    print(f"every change present   yes ({len(changes)} checked)")
    unequal = differences(refreshed, fresh)
    if unequal:
        raise SystemExit(f"FAIL: the refreshed snapshot differs from a full collection: {unequal}")
    print(f"same as a full read    yes ({fresh.count()} objects, their assignments, names and definitions)")
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
