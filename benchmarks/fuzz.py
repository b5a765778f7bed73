"""Benchmark: the fuzz tests of every importer, saved snapshots, the archive reader, the filter parser
and the CSV inputs (``tests/importers/test_importers_fuzz.py``) at 10,000 examples each.

The suite runs them at a few dozen examples; this runs hypothesis's ``fuzz`` profile in a child
pytest and prints, per test, the examples run, passed or failed, and its wall time, then the total
wall time and the child's peak memory.

    .venv/bin/python benchmarks/fuzz.py                    # 10,000 examples per test
    .venv/bin/python benchmarks/fuzz.py --examples 1000 -k intunecd
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = "tests/importers/test_importers_fuzz.py"


def main() -> int:
    """Run the fuzz module under the ``fuzz`` profile and print the figures; exit 1 on any failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000, help="examples per test (default 10,000)")
    parser.add_argument("-k", default="", help="only the tests matching this pytest expression")
    args = parser.parse_args()
    env = {**os.environ, "INTUNE_ASSISTANT_FUZZ": "fuzz", "INTUNE_ASSISTANT_FUZZ_EXAMPLES": str(args.examples)}
    command = [sys.executable, "-m", "pytest", MODULE, "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics"]
    if args.k:
        command += ["-k", args.k]
    started = time.perf_counter()
    child = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    output = child.stdout + child.stderr
    print(f"fuzz: {args.examples:,} examples per test, {MODULE}")
    for name, block in re.findall(r"::(test_\w+):\n(.*?)(?=\n\S|\Z)", output, flags=re.S):
        counts = re.search(r"(\d+) passing, (\d+) failing, and (\d+) invalid", block)
        runtime = re.search(r"Typical runtimes: ([^\n]+)", block)
        if counts:
            passing, failing, invalid = counts.groups()
            typical = runtime.group(1) if runtime else ""
            print(f"  {name}: {passing} passing, {failing} failing, {invalid} invalid; {typical}")
    print(f"  result: {'every test passed' if child.returncode == 0 else f'failed (pytest exit {child.returncode})'}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  wall time {wall:.0f} s, peak memory of the run {peak:.0f} MiB")
    if child.returncode != 0:
        print(output[-4000:])
    return 0 if child.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
