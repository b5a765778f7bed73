"""Benchmark: the Conditional Access overview and what-if on the large tenant (60+ policies, 2,000 users).

Builds the ``large`` demo tenant and turns it straight into a Snapshot (``troubleshoot.py``'s
``snapshot_of``: the shapes collection produces, without HTTP), then prints the wall time of the
overview (policies in words + gaps), of a what-if per sign-in over many users, of Troubleshoot's
per-user list, and the peak RSS of this process.

    .venv/bin/python benchmarks/conditional_access.py [--users 200]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time

from intune_assistant.analyses.assignments import Directory
from intune_assistant.analyses.conditional_access import SignIn, ca_overview, user_policies, what_if
from intune_assistant.catalog import default_catalog
from intune_assistant.emulator.tenants import large_tenant
from troubleshoot import snapshot_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200, help="How many users to run a what-if for.")
    args = parser.parse_args()
    catalog = default_catalog()
    snapshot = snapshot_of(large_tenant(), catalog)
    policies = len(snapshot.objects["conditionalAccessPolicies"])
    print(f"large tenant: {policies} CA policies, {len(snapshot.objects['users'])} users", flush=True)
    start = time.perf_counter()
    directory = Directory(snapshot)
    print(f"  directory index                          {time.perf_counter() - start:7.3f} s")
    start = time.perf_counter()
    overview = ca_overview(snapshot, catalog, directory)
    elapsed = time.perf_counter() - start
    print(f"  overview (words + gaps)                  {elapsed:7.3f} s   {len(overview.findings)} gaps")
    users = [u["userPrincipalName"] for u in snapshot.objects["users"][: args.users]]
    for label, run in (
        (
            "what-if per sign-in",
            lambda upn: what_if(
                snapshot,
                catalog,
                SignIn(upn, "Office 365 Exchange Online", "iOS", "203.0.113.9,US", "browser", ()),
                directory,
                overview,  # the web app keeps the overview per collection
            ),
        ),
        ("Troubleshoot's CA list per user", lambda upn: user_policies(snapshot, catalog, upn, directory, (), overview)),
    ):
        walls = []
        for upn in users:
            start = time.perf_counter()
            run(upn)
            walls.append(time.perf_counter() - start)
        walls.sort()
        p95 = walls[int(len(walls) * 0.95) - 1]
        print(
            f"  {label:<40} p50 {statistics.median(walls) * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms"
            f"   ({len(walls)} users)"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS {peak:.0f} MiB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
