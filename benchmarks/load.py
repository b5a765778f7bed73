"""Benchmark: many signed-in users at once over HTTP against the demo stack with the large tenant.

Starts the demo stack with Tailspin Toys (12,902 objects) in a process of its own, signs ``--users``
browser sessions in through the Entra emulator's pages (alternating the tenant's admin and its
read-only operator: two collections, as two real admins would have), waits for the first read and
opens every kind of request once per account (the first visit computes and keeps a page's
analyses; this benchmark measures the steady state). Then every user at once makes ``--requests``
requests, cycling through the kinds below from a different starting point: the pages (Policies,
Assignments, Conflicts, Troubleshoot, Settings search, a policy page), a documentation download and
JSON API calls with the user's bearer token.

Prints per kind: requests, p50/p95/max of the time the client waited (queueing included: what a
user sees) and p50/p95 of the app's own time (``Server-Timing``), errors; then total requests,
wall time, throughput, the server's CPU time and its peak RSS. Target: page p95 < 300 ms, 0 errors.

    .venv/bin/python benchmarks/load.py
    .venv/bin/python benchmarks/load.py --users 50 --requests 20
    .venv/bin/python benchmarks/load.py --only Policies,Assignments,Conflicts   # some kinds only
    .venv/bin/python benchmarks/load.py --think 2    # each user pauses ~2 s between requests

By default users do not pause (``--think 0``): 50 requests are always in flight, the worst case;
with ``--think S`` each pause is drawn (seeded) from an exponential distribution of mean S seconds,
as people reading a page do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx

from demo_stack import Stack, percentile, server_ms, sign_in, start_stack, wait_for_first_read
from intune_assistant.emulator.tenants import large_tenant

PAGE_TARGET_MS = 300.0


@dataclass(frozen=True)
class Kind:
    """One kind of request: its label, its path, whether it is a page (the target applies) or API."""

    label: str
    path: str
    page: bool = True
    api: bool = False


def kinds_of(device: str, policy: tuple[str, str], docs_query: str) -> list[Kind]:
    """What the users request: pages, a documentation download, JSON API calls."""
    return [
        Kind("Policies", "/policies"),
        Kind("Assignments", "/assignments"),
        Kind("Conflicts", "/conflicts"),
        Kind("Troubleshoot (device)", f"/troubleshoot?device={quote(device)}"),
        Kind("Settings search", "/settings?q=firewall"),
        Kind("Policy page", f"/objects/{policy[0]}/{quote(policy[1])}"),
        Kind("Docs download", f"/documentation/download?{docs_query}", page=False),
        Kind("API policies", "/api/v1/policies?q=windows", page=False, api=True),
        Kind("API assignments", "/api/v1/assignments", page=False, api=True),
        Kind("API troubleshoot", f"/api/v1/troubleshoot?device={quote(device)}", page=False, api=True),
    ]


@dataclass
class Figures:
    """What one kind of request measured, in milliseconds."""

    wall: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class User:
    """One signed-in browser session and the API token of the same account."""

    cookies: httpx.Cookies
    token: str


async def run_users(
    base_url: str, users: list[User], kinds: list[Kind], per_user: int, think: float
) -> dict[str, Figures]:
    """Every user at once, each making ``per_user`` requests through ``kinds`` from its own offset,
    pausing a random time of mean ``think`` seconds before each (none when 0)."""
    figures = {k.label: Figures() for k in kinds}
    limits = httpx.Limits(max_connections=len(users) + 10)

    async def one(index: int, user: User) -> None:
        pauses = random.Random(index)
        async with httpx.AsyncClient(base_url=base_url, cookies=user.cookies, timeout=300, limits=limits) as client:
            for n in range(per_user):
                if think > 0:
                    await asyncio.sleep(pauses.expovariate(1 / think))
                kind = kinds[(index + n) % len(kinds)]
                headers = {"Authorization": f"Bearer {user.token}"} if kind.api else None
                started = time.perf_counter()
                try:
                    answer = await client.get(kind.path, headers=headers)
                except httpx.HTTPError as exc:
                    figures[kind.label].errors.append(type(exc).__name__)
                    continue
                figures[kind.label].wall.append(1000 * (time.perf_counter() - started))
                figures[kind.label].server.append(server_ms(answer))
                if answer.status_code != 200:
                    figures[kind.label].errors.append(str(answer.status_code))

    await asyncio.gather(*(one(i, u) for i, u in enumerate(users)))
    return figures


def sign_in_users(stack: Stack, domain: str, count: int) -> list[User]:
    """``count`` browser sessions, alternating the tenant's admin and read-only operator."""
    accounts = [a for role in ("admin", "read-only operator") for a in stack.accounts if a[:2] == (domain, role)]
    users: list[User] = []
    for index in range(count):
        _, role, upn = accounts[index % len(accounts)]
        cookies = sign_in(stack, upn, domain)
        if index < len(accounts):
            with httpx.Client(base_url=stack.base_url, cookies=cookies, timeout=300) as client:
                took = wait_for_first_read(client)
            print(f"  {role}: first read of {domain} in {took:.1f} s", flush=True)
        users.append(User(cookies, stack.api_tokens[upn]))
    return users


def warm(stack: Stack, users: list[User], kinds: list[Kind]) -> None:
    """Every kind once per account (the first two users are the two accounts); API calls until ready."""
    for user in users[:2]:
        headers = {"Authorization": f"Bearer {user.token}"}
        with httpx.Client(base_url=stack.base_url, cookies=user.cookies, timeout=600, headers=headers) as client:
            for kind in kinds:
                answer = client.get(kind.path)
                for _ in range(600):  # the API answers 202 while its analyses are computed
                    if answer.status_code != 202:
                        break
                    time.sleep(0.5)
                    answer = client.get(kind.path)
                if answer.status_code != 200:
                    raise RuntimeError(f"{kind.label} ({kind.path}) answered {answer.status_code}: {answer.text[:300]}")


def print_figures(figures: dict[str, Figures], kinds: list[Kind]) -> int:
    """One line per kind; the number of page kinds that missed the target (or had errors)."""
    print(f"  {'kind':24} {'requests':>8} {'p50':>8} {'p95':>8} {'max':>8} {'app p50':>8} {'app p95':>8}  errors")
    missed = 0
    for kind in kinds:
        f = figures[kind.label]
        p50, p95 = percentile(f.wall, 0.5), percentile(f.wall, 0.95)
        top = max(f.wall, default=float("nan"))
        app50, app95 = percentile(f.server, 0.5), percentile(f.server, 0.95)
        errors = f"{len(f.errors)} ({', '.join(sorted(set(f.errors)))})" if f.errors else "0"
        flag = ""
        if kind.page and (p95 >= PAGE_TARGET_MS or f.errors):
            missed += 1
            flag = "  over target" if not f.errors else "  ERRORS"
        print(
            f"  {kind.label:24} {len(f.wall) + len(f.errors):8} {p50:8.0f} {p95:8.0f} {top:8.0f} "
            f"{app50:8.1f} {app95:8.1f}  {errors}{flag}"
        )
    return missed


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit 1 when a page kind misses the target or any request fails."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="concurrent signed-in users")
    parser.add_argument("--requests", type=int, default=20, help="requests per user")
    parser.add_argument("--docs", default="format=md&type=settingsCatalog", help="query of the documentation download")
    parser.add_argument("--think", type=float, default=0.0, help="mean seconds a user pauses before a request")
    parser.add_argument("--only", default="", help="only kinds whose label starts with one of these (comma-separated)")
    args = parser.parse_args(argv)

    tenant = large_tenant()
    device = next(
        str(d["deviceName"])
        for d in tenant.objects["managedDevices"]
        if d.get("operatingSystem") == "Windows" and d.get("userId")
    )
    policy = ("settingsCatalog", str(tenant.objects["settingsCatalog"][0]["id"]))
    only = tuple(word.strip() for word in args.only.split(",") if word.strip())
    kinds = [k for k in kinds_of(device, policy, args.docs) if not only or k.label.startswith(only)]
    if not kinds:
        parser.error(f"--only {args.only!r} matches no kind")
    print("Starting the demo stack with the large tenant ...", flush=True)
    started = time.perf_counter()
    stack = start_stack(("large",))
    print(f"  served at {stack.base_url} after {time.perf_counter() - started:.1f} s", flush=True)
    try:
        print(f"Signing in {args.users} users over HTTP ...", flush=True)
        started = time.perf_counter()
        users = sign_in_users(stack, tenant.domain, args.users)
        print(f"  {len(users)} sessions in {time.perf_counter() - started:.1f} s", flush=True)
        print("Warming: every kind once per account ...", flush=True)
        warm(stack, users, kinds)
        cpu_before = stack.cpu_s()
        started = time.perf_counter()
        figures = asyncio.run(run_users(stack.base_url, users, kinds, args.requests, args.think))
        wall = time.perf_counter() - started
        cpu = stack.cpu_s() - cpu_before
        total = sum(len(f.wall) + len(f.errors) for f in figures.values())
        errors = sum(len(f.errors) for f in figures.values())
        pause = f", pausing {args.think:g} s on average" if args.think > 0 else ", without pauses"
        print(
            f"\n{len(users)} concurrent users, {args.requests} requests each{pause} "
            "(ms; p50/p95/max as the client waited):"
        )
        missed = print_figures(figures, kinds)
        print(f"\nrequests: {total}, errors: {errors}, wall: {wall:.1f} s, throughput: {total / wall:.1f} requests/s")
        print(
            f"server CPU: {cpu:.1f} s = {1000 * cpu / max(1, total):.1f} ms per request "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs); "
            f"server peak RSS: {stack.peak_rss_mb():.0f} MB"
        )
    finally:
        stack.close()
    met = not missed and not errors
    print(f"Target: page p95 < {PAGE_TARGET_MS:.0f} ms, 0 errors: " + ("met" if met else "missed"))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
