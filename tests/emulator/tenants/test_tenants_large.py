"""The large tenant: scale, speed and realistic density."""

from __future__ import annotations

from intune_assistant.emulator.tenants import TenantData


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
