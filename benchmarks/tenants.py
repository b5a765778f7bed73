"""How long the demo tenants take to generate (the demo and every emulator test start with this).

Prints wall time and peak memory per tenant set; run with ``.venv/bin/python benchmarks/tenants.py``.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

from intune_assistant.emulator.tenants import demo_tenants, large_tenant


def measure(name: str, build: Callable[[], object], runs: int = 3) -> None:
    """Build ``runs`` times; print the best wall time and the peak traced memory of one build."""
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        build()
        walls.append(time.perf_counter() - start)
    tracemalloc.start()
    build()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{name:<28} best {min(walls):6.2f} s   worst {max(walls):6.2f} s   peak {peak / 2**20:6.1f} MiB")


def main() -> None:
    measure("demo tenants (3)", lambda: demo_tenants(3))
    measure("large tenant (Tailspin)", lambda: large_tenant(5))


if __name__ == "__main__":
    main()
