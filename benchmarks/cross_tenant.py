"""Benchmark: a cross-tenant hygiene + baseline-score report over an MSP's 50 and 200 customers.

Per customer count N, in a process of its own (so its peak memory is its own): starts the emulator
in a child process over HTTPS with the demo partner and N generated customers besides Contoso and
Fabrikam (``--customers N``, as ``intune-assistant emulator --customers``) at ``--latency`` per Graph
request, the child printing the Graph token Entra would issue the partner admin in each customer
(GDAP, as On-Behalf-Of at the customer's authority gives it; customers without consent or with an
expired relationship get Entra's refusal instead). Then, with the product's own code
(``customers.read_gdap`` + ``assess``, ``reports.fanout.run_report``, ``reports.reading``):

1. collects ``--solo`` usable customers one at a time (each alone: its own collection time);
2. runs the report over every customer at ``--concurrency``, each tenant reduced to its hygiene and
   baseline-score rows as soon as it is read.

Prints the fan-out's wall time, the slowest customer's own collection time (alone) and the ratio
(target ≤ 2×), the slowest customer inside the fan-out, states, Graph HTTP requests and
sub-requests, rows kept, and this process's peak RSS (VmHWM) — the figure that must not grow with
N beyond the rows.

    .venv/bin/python benchmarks/cross_tenant.py                  # 50 and 200 customers, 150 ms
    .venv/bin/python benchmarks/cross_tenant.py --customers 20 --latency 0.05 --concurrency 8
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from intune_assistant.catalog import default_catalog
from intune_assistant.customers.assess import assess, no_consent_problem
from intune_assistant.customers.model import Customer
from intune_assistant.customers.read import read_gdap
from intune_assistant.graph import GraphClient, StaticTokenProvider, TokenProvider
from intune_assistant.reports.fanout import report_tenant, run_report
from intune_assistant.reports.model import Report, TenantRefused, TenantState
from intune_assistant.reports.reading import collecting_reader
from intune_assistant.reports.reducers import HYGIENE, report_named

PARTNER_SCOPES = ("DelegatedAdminRelationship.Read.All", "Group.Read.All", "Directory.AccessAsUser.All")
# The child: the demo partner with N customers, a token per customer for the partner admin, then serve.
_EMULATOR = """
import json, sys
from pathlib import Path
from intune_assistant.emulator.demo import build_demo
from intune_assistant.emulator.entra.errors import EntraError
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.emulator.server import serve_forever
count, port, ca_dir, latency = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
scopes = sys.argv[5:]
demo = build_demo(("contoso", "fabrikam", "partner"), customers=count, options=EmulatorOptions(latency_s=latency))
partner = demo.tenants["partner"]
admin = next(o for o in partner.operators if o.role == "admin" and o.enabled and not o.mfa_required)
read = demo.catalog.read_scopes()
tokens = {}
for name, tenant in demo.tenants.items():
    if name == "partner":
        continue
    try:
        tokens[tenant.tenant_id] = demo.entra.issue_graph_token_for(tenant.tenant_id, admin.user_id, read)
    except EntraError as exc:
        tokens[tenant.tenant_id] = {"code": exc.code, "message": str(exc)}
out = {"partner": demo.token("partner", scopes=scopes), "admin": admin.user_id, "partner_id": partner.tenant_id,
       "tokens": tokens}
print(json.dumps(out), flush=True)
serve_forever(demo.app, port=port, ca_dir=Path(ca_dir))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def emulator(count: int, latency: float) -> Iterator[tuple[str, Path, dict[str, Any], int]]:
    """The emulator with the partner and ``count`` customers in a child process: (URL, CA, tokens, pid)."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as ca_dir:
        cmd = [sys.executable, "-c", _EMULATOR, str(count), str(port), ca_dir, str(latency), *PARTNER_SCOPES]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert proc.stdout is not None
            issued = json.loads(proc.stdout.readline())
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("localhost", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            yield f"https://localhost:{port}", Path(ca_dir) / "emulator-ca.pem", issued, proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (``/proc/PID/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM starts afresh at exec, unlike ru_maxrss)."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def both_reports(baseline: Report) -> Report:
    """Hygiene and baseline score from one collection per customer (rows of both, one after the other)."""
    return Report(
        name="hygiene+baseline-score",
        title="Assignment hygiene and baseline score",
        description="",
        columns=(),
        reduce=lambda found: [*HYGIENE.reduce(found), *baseline.reduce(found)],
    )


async def run(count: int, latency: float, concurrency: int, solo: int) -> None:
    catalog = default_catalog()
    report = both_reports(report_named("baseline-score"))
    with emulator(count, latency) as (base_url, ca, issued, pid):
        verify = ssl.create_default_context(cafile=str(ca))
        async with GraphClient(
            StaticTokenProvider(issued["partner"]), base_url, scopes=PARTNER_SCOPES, verify=verify
        ) as client:
            data = await read_gdap(client, issued["admin"])
            gdap_requests = client.stats.http_requests
        customers = assess(data, {}, {}, partner_tenant_id=issued["partner_id"], now=datetime.now(UTC))
        read_scopes = catalog.read_scopes()
        stats = Counter[str]()

        async def provider_for(customer: Customer) -> TokenProvider:
            token = issued["tokens"].get(customer.tenant_id)
            if isinstance(token, str):
                return StaticTokenProvider(token)
            if isinstance(token, dict) and token.get("code") == 65001:
                problem = no_consent_problem(customer.name)
                raise TenantRefused(problem.code, problem.reason, problem.fix)
            raise TenantRefused("refused", f"Entra ID refused a token: {token}")

        def client_for(provider: TokenProvider) -> GraphClient:
            client = GraphClient(provider, base_url, scopes=read_scopes, verify=verify)
            clients.append(client)
            return client

        clients: list[GraphClient] = []
        reader = collecting_reader(provider_for, client_for, catalog)
        usable = [c for c in customers if c.problem is None and isinstance(issued["tokens"].get(c.tenant_id), str)]
        alone = []
        for customer in usable[:: max(1, len(usable) // solo)][:solo] if solo else []:
            result = await report_tenant(report, customer, reader, catalog)
            alone.append(result.seconds)
        clients.clear()
        started, cpu, served = time.perf_counter(), time.process_time(), cpu_seconds(pid)
        results = await run_report(report, customers, reader, catalog, concurrency=concurrency)
        wall, cpu, served = time.perf_counter() - started, time.process_time() - cpu, cpu_seconds(pid) - served
        for client in clients:
            stats["http"] += client.stats.http_requests
            stats["sub"] += client.stats.sub_requests
            stats["429"] += client.stats.throttled_429
    states = Counter(r.state.value for r in results)
    slowest_alone = max(alone, default=float("nan"))
    slowest_inside = max((r.seconds for r in results if r.state is not TenantState.FAILED), default=float("nan"))
    rows = sum(len(r.rows) for r in results)
    print(f"== {len(customers)} customers ({count} generated + Contoso, Fabrikam), latency {latency * 1000:.0f} ms, "
          f"concurrency {concurrency}")  # fmt: skip
    print(f"states                       {dict(sorted(states.items()))}")
    print(f"GDAP read                    {gdap_requests} HTTP requests")
    print(f"fan-out HTTP requests        {stats['http']} ({stats['sub']} Graph sub-requests, {stats['429']} 429s)")
    print(f"rows kept                    {rows}")
    print(f"wall time (fan-out)          {wall:.2f} s")
    print(f"slowest customer alone       {slowest_alone:.2f} s (of {len(alone)} collected one at a time)")
    print(f"wall / slowest alone         {wall / slowest_alone:.2f}x (target <= 2x)")
    print(f"slowest customer in fan-out  {slowest_inside:.2f} s")
    print(f"CPU time during the fan-out  {cpu:.2f} s this process, {served:.2f} s the emulator (one process)")
    print(f"load average (1 min)         {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"peak RSS (this process)      {peak_rss_mib():.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, action="append", help="generated customers (repeatable; 50, 200)")
    parser.add_argument("--latency", type=float, default=0.15, help="seconds added to every Graph request")
    parser.add_argument("--concurrency", type=int, default=16, help="customers read at once")
    parser.add_argument("--solo", type=int, default=10, help="customers also collected alone, one at a time")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    counts = args.customers or [50, 200]
    if args.one:
        asyncio.run(run(counts[0], args.latency, args.concurrency, args.solo))
        return
    for count in counts:
        # A process per count: its peak memory is its own, not the previous count's.
        subprocess.run(
            [sys.executable, __file__, "--one", "--customers", str(count), "--latency", str(args.latency),
             "--concurrency", str(args.concurrency), "--solo", str(args.solo)],
            check=True,
        )  # fmt: skip


if __name__ == "__main__":
    main()
