"""Benchmark: server time per page of the web app on the large demo tenant, then 10 concurrent users.

Starts the demo stack in a process of its own, as ``intune-assistant demo --tenants large`` does
(the Entra ID + Graph emulator on localhost HTTPS and the web app on uvicorn), and signs in over
HTTP like a browser: the app's sign-in redirect, the emulator's account picker, the callback
relay, admin consent at onboarding. It waits for the first read of Tailspin Toys (12,902
objects), opens every page once (the cache is warm), then times each page ``--rounds`` times and
prints p50/p95 of the server time (the app's ``Server-Timing`` header) and of the time the client
waited. Last, ``--users`` concurrent browser sessions (spread over the tenant's admin and
read-only operator, each with their own collection) mix Conflicts, Settings and Troubleshoot;
it prints p95 and the number of errors. Targets: every page p95 < 300 ms, concurrent p95 <
500 ms, 0 errors. Pages not served yet (404) are skipped with a line saying so.

    .venv/bin/python benchmarks/pages.py
    .venv/bin/python benchmarks/pages.py --rounds 30 --users 10 --requests 20
    .venv/bin/python benchmarks/pages.py --only Devices,Audit --users 0 --operators 1

The admin turns on the optional read module Managed devices (Tenant settings, admin consent) before
the pages are timed: Devices and Troubleshoot by device read managed devices.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx

from demo_stack import percentile, server_ms, sign_in, start_stack, wait_for_first_read
from intune_assistant.emulator.tenants import TenantData, large_tenant

PAGE_TARGET_MS = 300.0
CONCURRENT_TARGET_MS = 500.0


# ---------------------------------------------------------------------------------------------
# What to open


@dataclass(frozen=True)
class Subjects:
    """Ids and names of the large tenant the pages are opened for (the generator is seeded)."""

    big_group: str
    big_group_members: int
    filter_id: str
    devices: list[str]
    policy: tuple[str, str]
    search: str


def subjects_of(tenant: TenantData) -> Subjects:
    """The biggest group, a filter, Windows devices, a settings catalog policy, a search word."""
    groups = tenant.objects["groups"]
    big = max(groups, key=lambda g: len(g.get("members") or []))
    devices = [
        str(d["deviceName"])
        for d in tenant.objects["managedDevices"]
        if d.get("operatingSystem") == "Windows" and d.get("userId")
    ]
    policy = tenant.objects["settingsCatalog"][0]
    return Subjects(
        big_group=str(big["id"]),
        big_group_members=len(big.get("members") or []),
        filter_id=str(tenant.objects["assignmentFilters"][0]["id"]),
        devices=devices[:40],
        policy=("settingsCatalog", str(policy["id"])),
        search="BitLocker",
    )


def pages_of(subjects: Subjects) -> list[tuple[str, str]]:
    """(label, path) of every page timed."""
    return [
        ("Policies", "/policies"),
        ("Assignments", "/assignments"),
        ("Groups", "/groups"),
        (f"Group ({subjects.big_group_members:,} members)", f"/groups/{quote(subjects.big_group)}"),
        ("Filters", "/filters"),
        ("Filter preview", f"/filters/{quote(subjects.filter_id)}"),
        ("Conflicts", "/conflicts"),
        ("Troubleshoot (device)", f"/troubleshoot?device={quote(subjects.devices[0])}"),
        ("Troubleshoot (its settings)", f"/troubleshoot?device={quote(subjects.devices[0])}&show=settings"),
        ("Settings sorted", "/settings?sort=value&dir=desc"),
        ("Top-bar search", f"/search?q={quote(subjects.search)}"),
        ("Top-bar as you type", f"/search/live?q={quote(subjects.search[:5])}"),
        ("Policy page", f"/objects/{subjects.policy[0]}/{quote(subjects.policy[1])}"),
        # Reads the last 30 days of the audit log live (as the user) on every request.
        ("Roles", "/roles"),
        ("Roles filtered", "/roles?source=Entra+role&q=admin"),
        ("Devices", "/devices"),
        ("Devices: Windows, by last sync, p. 3", "/devices?os=Windows&sort=sync&dir=desc&page=3"),
        ("Devices: search a model", "/devices?q=latitude"),
        ("Devices: stale", "/devices?finding=Stale"),
        ("Audit (7 days)", "/audit"),
        ("Audit: 30 days, updates, p. 2", "/audit?days=30&operation=Update&page=2"),
        ("Audit: search an object", f"/audit?days=30&q={quote(subjects.search)}"),
    ]


# ---------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Samples:
    """Server times and client waits of one page, in milliseconds."""

    server: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def time_page(client: httpx.Client, path: str, rounds: int) -> Samples:
    """GET ``path`` ``rounds`` times in a row."""
    samples = Samples()
    for _ in range(rounds):
        started = time.perf_counter()
        answer = client.get(path)
        samples.wall.append(1000 * (time.perf_counter() - started))
        if answer.status_code != 200:
            samples.errors.append(str(answer.status_code))
        samples.server.append(server_ms(answer))
    return samples


# What each concurrent user opens, in turn: Conflicts, Settings, and Troubleshoot for "their" device
# (what reaches it, and every object: both paged as a browser asks for them).
MIX = (
    "/conflicts",
    "/settings?sort=value&dir=desc",
    "/troubleshoot?device={device}",
    "/settings?q=firewall",
    "/conflicts?page=2",
    "/troubleshoot?device={device}&all=1",
)


def user_device(subjects: Subjects, index: int) -> str:
    """The device concurrent user ``index`` troubleshoots (not the one the single-user pass used)."""
    return subjects.devices[1 + index % (len(subjects.devices) - 1)]


async def concurrent_users(
    base_url: str, sessions: list[httpx.Cookies], subjects: Subjects, per_user: int
) -> tuple[Samples, float]:
    """``len(sessions)`` users at once, each opening ``per_user`` pages: Conflicts, Settings, Troubleshoot."""
    samples = Samples()

    async def user(index: int, cookies: httpx.Cookies) -> None:
        async with httpx.AsyncClient(base_url=base_url, cookies=cookies, timeout=120) as client:
            for n in range(per_user):
                path = MIX[(index + n) % len(MIX)].format(device=quote(user_device(subjects, index)))
                started = time.perf_counter()
                try:
                    answer = await client.get(path)
                except httpx.HTTPError as exc:
                    samples.errors.append(type(exc).__name__)
                    continue
                samples.wall.append(1000 * (time.perf_counter() - started))
                samples.server.append(server_ms(answer))
                if answer.status_code != 200:
                    samples.errors.append(f"{answer.status_code} {path}")

    started = time.perf_counter()
    await asyncio.gather(*(user(i, c) for i, c in enumerate(sessions)))
    return samples, time.perf_counter() - started


def report(label: str, samples: Samples, target: float) -> bool:
    """Print one line of figures; True when the target is met without errors."""
    p50, p95 = percentile(samples.server, 0.5), percentile(samples.server, 0.95)
    wall95 = percentile(samples.wall, 0.95)
    met = p95 < target and not samples.errors
    verdict = "ok" if met else "ERRORS" if samples.errors else "SLOW"
    errors = f"  errors: {len(samples.errors)}" if samples.errors else ""
    print(f"  {label:32} {p50:8.1f} {p95:8.1f} {wall95:10.1f}   {verdict}{errors}", flush=True)
    return met


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="requests per page (sequential)")
    parser.add_argument("--users", type=int, default=10, help="concurrent browser sessions")
    parser.add_argument("--requests", type=int, default=20, help="requests per concurrent user")
    parser.add_argument(
        "--operators", type=int, default=2, help="distinct accounts behind the concurrent sessions (1 or 2)"
    )
    parser.add_argument(
        "--only", default="", help="time only pages whose label starts with one of these (comma-separated)"
    )
    args = parser.parse_args(argv)

    print("Building the large tenant's subjects (seeded generator) ...", flush=True)
    tenant = large_tenant()
    subjects = subjects_of(tenant)
    print("Starting the demo stack (Entra ID + Graph emulator and the web app) ...", flush=True)
    started = time.perf_counter()
    stack = start_stack(("large",))
    print(f"  served at {stack.base_url} after {time.perf_counter() - started:.1f} s", flush=True)
    try:
        wanted = ["admin", "read-only operator"][: max(1, min(2, args.operators))]
        accounts = [a for role in wanted for a in stack.accounts if a[0] == tenant.domain and a[1] == role]
        sessions: list[httpx.Cookies] = []
        for domain, role, upn in accounts:
            cookies = sign_in(stack, upn, domain)
            with httpx.Client(base_url=stack.base_url, cookies=cookies, timeout=120) as client:
                took = wait_for_first_read(client)
            print(f"Signed in as the {role} over HTTP; first read of {domain}: {took:.1f} s", flush=True)
            sessions.append(cookies)

        only = tuple(word.strip() for word in args.only.split(",") if word.strip())
        pages = [(label, path) for label, path in pages_of(subjects) if not only or label.startswith(only)]
        print("Warming the cache: every page once per account (computes what a first visit computes) ...")
        for cookies in sessions:
            with httpx.Client(base_url=stack.base_url, cookies=cookies, timeout=300) as client:
                for _, path in pages:
                    client.get(path)
        print(f"\nSingle user ({accounts[0][1]}), warm cache, {args.rounds} requests per page (ms):")
        print(f"  {'page':32} {'p50':>8} {'p95':>8} {'wall p95':>10}")
        missed = 0
        with httpx.Client(base_url=stack.base_url, cookies=sessions[0], timeout=120) as client:
            for label, path in pages:
                warm = client.get(path)  # the first visit may compute the page's analyses
                if warm.status_code == 404:
                    print(f"  {label:32} skipped: {path.split('?')[0]} answers 404 (not served yet)")
                    continue
                missed += not report(label, time_page(client, path, args.rounds), PAGE_TARGET_MS)

        if args.users < 1:
            print(f"\nServer process peak RSS: {stack.peak_rss_mb():.0f} MB")
            print(f"Target: page p95 < {PAGE_TARGET_MS:.0f} ms: " + ("met" if not missed else f"{missed} missed"))
            return 0 if not missed else 1
        users = [sessions[i % len(sessions)] for i in range(args.users)]
        cold = Samples()
        for index, cookies in enumerate(users):
            with httpx.Client(base_url=stack.base_url, cookies=cookies, timeout=300) as client:
                path = f"/troubleshoot?device={quote(user_device(subjects, index))}"
                cold.server.extend(time_page(client, path, 1).server)
        print(f"\nFirst visit of a device's Troubleshoot ({len(cold.server)} devices, computed then kept; ms):")
        report("Troubleshoot (cold, not a target)", cold, float("inf"))
        cpu_before = stack.cpu_s()
        samples, took = asyncio.run(concurrent_users(stack.base_url, users, subjects, args.requests))
        cpu = stack.cpu_s() - cpu_before
        total = len(samples.wall) + len([e for e in samples.errors if not e[0].isdigit()])
        print(
            f"\n{args.users} concurrent users over {len(sessions)} account(s), {total} requests in {took:.1f} s "
            "(Conflicts, Settings, Troubleshoot):"
        )
        print(f"  {'':32} {'p50':>8} {'p95':>8} {'wall p95':>10}")
        missed += not report("mixed", samples, CONCURRENT_TARGET_MS)
        print(
            f"  errors: {len(samples.errors)}{' ' + ', '.join(sorted(set(samples.errors))) if samples.errors else ''}"
        )
        print(
            f"  server CPU: {cpu:.1f} s for {total} requests = {1000 * cpu / max(1, total):.1f} ms per request "
            f"(machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
        )
        print(f"\nServer process peak RSS: {stack.peak_rss_mb():.0f} MB")
    finally:
        stack.close()
    print(
        f"Targets: page p95 < {PAGE_TARGET_MS:.0f} ms, concurrent p95 < {CONCURRENT_TARGET_MS:.0f} ms, 0 errors: "
        + ("met" if not missed else f"{missed} missed")
    )
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
