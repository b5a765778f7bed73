"""The large tenant: scale, speed and realistic density."""

from __future__ import annotations

from intune_assistant.emulator.tenants import TenantData, large_tenant
from intune_assistant.emulator.tenants.generator import LARGE
from intune_assistant.emulator.tenants.groups import BIG_GROUP


def test_large_scale(large_data: TenantData) -> None:
    objects = large_data.objects
    assert large_data.count() >= 5000
    assert len(objects["settingsCatalog"]) >= 2000
    assert len(objects["groups"]) >= 450
    assert len(objects["users"]) >= 1500
    assert all(3 <= p["settingCount"] <= 40 for p in objects["settingsCatalog"][10:])
    names = [p["name"] for p in objects["settingsCatalog"]]
    assert len(set(names)) == len(names)
    assigned = [p for p in objects["settingsCatalog"] if p["assignments"]]
    assert len(assigned) > 0.85 * len(names)
    assert max(len(p["assignments"]) for p in assigned) <= 6


def test_large_has_a_group_of_exactly_two_thousand_devices(large_data: TenantData) -> None:
    groups = large_data.objects["groups"]
    biggest = max(groups, key=lambda g: len(g["members"]))
    members = [m["id"] for m in biggest["members"]]
    assert biggest["displayName"] == BIG_GROUP and len(members) == len(set(members)) == LARGE.big_group == 2000
    assert set(members) <= {d["id"] for d in large_data.objects["entraDevices"]}
    assert len(groups) == LARGE.groups  # the big group takes a bulk group's place
    # Seeded: the same tenant gives the same group, members and all.
    again = next(g for g in large_tenant().objects["groups"] if g["displayName"] == BIG_GROUP)
    assert again == biggest
