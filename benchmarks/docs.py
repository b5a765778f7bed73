"""Document the large demo tenant (Tailspin Toys) in every format: wall time and peak RSS per format.

Each format runs in a subprocess of its own, so the peak RSS printed is that format's alone
(snapshot build + rows + rendering). The snapshot is built straight from the synthetic tenant
(no emulator round trips), with the settings-catalog definitions its policies use.

    .venv/bin/python benchmarks/docs.py [--formats html,pdf] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

FORMATS = ("md", "html", "docx", "pdf", "xlsx", "csv", "json")


def large_snapshot() -> object:
    """The large tenant as a Snapshot, built in-process from the generator's objects."""
    from intune_assistant.analyses.settings import referenced_definitions
    from intune_assistant.catalog import default_catalog
    from intune_assistant.emulator.tenants import large_tenant
    from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus, resolve_names

    catalog = default_catalog()
    tenant = large_tenant()
    objects = {r.key: tenant.objects.get(r.key, []) for r in catalog.collected()}
    return Snapshot(
        tenant=TenantInfo(tenant.tenant_id, tenant.domain, tenant.display_name),
        source="emulator",
        taken_at=datetime.now(UTC),
        objects=objects,
        results={k: TypeResult(k, TypeStatus.OK, len(v), 0.0) for k, v in objects.items()},
        names=resolve_names(objects, catalog),
        setting_definitions=referenced_definitions(tenant.setting_definitions, objects),
    )


def run_one(fmt: str, out: Path) -> dict[str, object]:
    """Document the large tenant as ``fmt`` in this process; the figures as a dict."""
    from intune_assistant.catalog import default_catalog
    from intune_assistant.render import FORMATS as EXTENSIONS
    from intune_assistant.render import build_document, render_document

    started = time.perf_counter()
    snapshot = large_snapshot()
    built = time.perf_counter()
    document = build_document(snapshot, default_catalog())  # type: ignore[arg-type]
    rows = sum(len(p.rows) for p in document.policies())
    documented = time.perf_counter()
    target = out / f"large.{EXTENSIONS[fmt]}"
    with target.open("wb") as stream:
        render_document(document, fmt, stream)
    files = [target]
    done = time.perf_counter()
    return {
        "format": fmt,
        "policies": document.policy_count(),
        "rows": rows,
        "snapshot_s": round(built - started, 2),
        "document_s": round(documented - built, 2),
        "render_s": round(done - documented, 2),
        "total_s": round(done - started, 2),
        "bytes": sum(f.stat().st_size for f in files),
        "peak_rss_mib": _peak_rss_mib(),
    }


def _peak_rss_mib() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec; ru_maxrss does not
    (a child forked from a big process, such as a long pytest run, inherits its parent's peak)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)  # in kB
    except OSError:
        pass
    # ru_maxrss is in KiB on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    """Run every format in its own subprocess and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--out", type=Path, default=None, help="Keep the documents in this folder.")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.out)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch)
        out.mkdir(parents=True, exist_ok=True)
        heads = ("policies", "rows", "build s", "render s", "wall s", "MiB out", "peak RSS MiB")
        widths = (8, 7, 8, 9, 7, 8, 13)
        print(f"{'format':<6} " + " ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))
        for fmt in args.formats.split(","):
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, __file__, "--one", fmt, "--out", str(out)], capture_output=True, text=True, check=False
            )
            wall = time.perf_counter() - started
            if done.returncode != 0:
                print(f"{fmt:<6} failed: {done.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            build = float(r["snapshot_s"]) + float(r["document_s"])
            print(
                f"{fmt:<6} {r['policies']:>8} {r['rows']:>7} {build:>8.2f} {r['render_s']:>9.2f} {wall:>7.2f} "
                f"{int(r['bytes']) / 2**20:>8.1f} {r['peak_rss_mib']:>13.1f}"
            )


if __name__ == "__main__":
    main()
