"""Benchmark: drift of the large demo tenant against a copy with 5% of its settings changed.

Builds Tailspin Toys (the ``large`` demo tenant: thousands of policies) as a snapshot, changes 5%
of its settings at random (settings-catalog values and the scalar properties of device
configuration and compliance profiles), compares the two, checks that exactly those settings
were reported, and prints the wall time of the comparison (target: under 5 s) and peak RSS.

    .venv/bin/python benchmarks/compare.py
    .venv/bin/python benchmarks/compare.py --share 0.1 --seed 3
"""

from __future__ import annotations

import argparse
import copy
import resource
import sys
import time
from datetime import UTC, datetime
from random import Random
from typing import Any

from intune_assistant.analyses.compare import ObjectStatus, SettingStatus, compare_drift
from intune_assistant.analyses.settings import referenced_definitions
from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.emulator.tenants import large_tenant
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus, resolve_names

Obj = dict[str, Any]
Change = tuple[str, str, str]  # (type key, object id, setting id)
_PROPERTY_TYPES = ("deviceConfigurations", "compliancePolicies")
_SETTINGS_TYPES = ("settingsCatalog", "complianceSettingsPolicies")


def snapshot_of_large_tenant(catalog: Catalog) -> Snapshot:
    """The large demo tenant as a snapshot (straight from the generator: compare is what is timed)."""
    data = large_tenant()
    objects = {k: v for k, v in data.objects.items() if k in catalog}
    return Snapshot(
        tenant=TenantInfo(tenant_id=data.tenant_id, domain=data.domain, display_name=data.display_name),
        source="emulator",
        taken_at=datetime.now(UTC),
        objects=objects,
        results={k: TypeResult(k, TypeStatus.OK, len(v), 0.0) for k, v in objects.items()},
        names=resolve_names(objects, catalog),
        setting_definitions=referenced_definitions(data.setting_definitions, objects),
    )


def _instances(settings: list[Obj]) -> list[Obj]:
    found: list[Obj] = []
    stack = [s["settingInstance"] for s in settings]
    while stack:
        instance = stack.pop()
        found.append(instance)
        values = [instance.get("choiceSettingValue"), *(instance.get("groupSettingCollectionValue") or [])]
        values += instance.get("choiceSettingCollectionValue") or []
        for value in values:
            if value:
                stack.extend(value.get("children") or [])
    return found


def _candidates(snapshot: Snapshot, catalog: Catalog) -> list[tuple[str, Obj, Obj, str, str]]:
    """Every changeable setting: (type key, object, holder dict, key in holder, setting id)."""
    found = []
    for key in _SETTINGS_TYPES:
        for obj in snapshot.read_objects(key) or ():
            for instance in _instances(obj["settings"]):
                definition_id = instance["settingDefinitionId"]
                if "choiceSettingValue" in instance:
                    found.append((key, obj, instance["choiceSettingValue"], "value", definition_id))
                elif "simpleSettingValue" in instance and "Secret" not in instance["simpleSettingValue"]["@odata.type"]:
                    found.append((key, obj, instance["simpleSettingValue"], "value", definition_id))
    for key in _PROPERTY_TYPES:
        record = catalog[key]
        # Secrets compare by presence only (Graph never returns them): not a setting to change here.
        fixed = {record.name_field, "description", "@odata.type", *record.identity_key, *record.volatile_fields}
        fixed |= record.secret_fields
        for obj in snapshot.read_objects(key) or ():
            for name, value in obj.items():
                # Scalars only (booleans aside: false means "not configured" to Intune).
                if name not in fixed and isinstance(value, int | str) and not isinstance(value, bool):
                    found.append((key, obj, obj, name, name))
    return found


def change_settings(snapshot: Snapshot, catalog: Catalog, share: float, seed: int) -> tuple[Snapshot, set[Change]]:
    """A copy of ``snapshot`` with ``share`` of its settings changed, and which ones."""
    changed = copy.deepcopy(snapshot)
    candidates = _candidates(changed, catalog)
    rng = Random(seed)
    picked = rng.sample(candidates, round(share * len(candidates)))
    expected: set[Change] = set()
    for key, obj, holder, field, setting_id in picked:
        value = holder[field]
        holder[field] = value + 1 if isinstance(value, int) else f"{value}-changed"
        expected.add((key, obj["id"], setting_id))
    print(
        f"settings: {len(candidates)}; changed: {len(picked)} ({share:.0%}) in {len({c[1] for c in expected})} objects"
    )
    return changed, expected


def main() -> int:
    """Run the benchmark; exit 1 when the comparison found anything but the changes made."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--share", type=float, default=0.05, help="share of settings to change (default 0.05)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    catalog = default_catalog()
    started = time.perf_counter()
    before = snapshot_of_large_tenant(catalog)
    after, expected = change_settings(before, catalog, args.share, args.seed)
    print(f"objects: {before.count()}; setup {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    result = compare_drift(before, after, catalog=catalog)
    wall = time.perf_counter() - started

    found = {
        (o.type_key, o.left.object_id or "", s.setting_id)
        for o in result.differences
        if o.left is not None
        for s in o.changed_settings
    }
    unexpected = [o for o in result.differences if o.status is not ObjectStatus.DIFFERENT or o.changed_assignments]
    wrong_status = [
        s for o in result.differences for s in o.changed_settings if s.status is not SettingStatus.DIFFERENT
    ]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"objects compared: {len(result.objects)}; objects differing: {len(result.differences)}")
    print(f"settings differing: found {len(found)}, changed {len(expected)}")
    print(f"compare wall time: {wall:.2f} s (target < 5 s)")
    print(f"peak RSS: {peak_mib:.0f} MiB")
    exact = found == expected and not unexpected and not wrong_status and not result.not_compared
    print("exactly the changes made: " + ("yes" if exact else "NO"))
    if not exact:
        print(f"  missed: {sorted(expected - found)[:5]}\n  extra: {sorted(found - expected)[:5]}", file=sys.stderr)
    return 0 if exact and wall < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
