"""Managed devices' storage, sync times relative to the tenant's "now", and planted device problems.

Runs after every other step (Autopilot identities and groups are built from the devices before
this adds duplicate records), with random streams of its own, so nothing else a tenant holds moves.

- Sync times move with ``as_of`` (the demo's start), so a device synced "2 days ago" stays recent
  whenever the demo runs.
- Storage (``totalStorageSpaceInBytes``/``freeStorageSpaceInBytes``) is part of Graph's list.
  ``physicalMemoryInBytes`` is 0 and ``hardwareInformation`` (TPM) absent, as Graph's list answers
  them: the real values come only from a per-device GET with ``$select``.
- Planted (``planted`` names device ids): ``staleDevices`` (no sync for 30 days or more),
  ``duplicateDevices`` (older records sharing a serial number with a live one) and
  ``nonCompliantDevices`` (every device whose compliance state is "noncompliant").
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from .context import Ctx
from .ids import BASE_DATE, guid, iso

Obj = dict[str, Any]
STALE_AFTER_DAYS = 30
_GB = 1024**3
# Storage by model family (total GB); anything else gets 128.
_STORAGE = {"Surface": 256, "Latitude": 512, "EliteBook": 512, "MacBook": 512, "iPhone": 128, "iPad": 256, "Pixel": 128}


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def plant_device_cases(ctx: Ctx) -> None:
    """Give the tenant's managed devices storage and current sync times, then plant stale and duplicate records."""
    devices = ctx.objects.get("managedDevices", [])
    if not devices:
        return
    shift = ctx.as_of - BASE_DATE
    hardware = ctx.rng("device-hardware")
    for device in devices:
        # Ages scaled to at most 20 days, so only planted devices are stale however late on the
        # ``as_of`` day (or the days after) a collection runs.
        age = BASE_DATE - _parse(device["lastSyncDateTime"])
        device["lastSyncDateTime"] = iso(BASE_DATE + shift - age * 2 / 3)
        total = next((gb for word, gb in _STORAGE.items() if word in str(device.get("model"))), 128) * _GB
        device["totalStorageSpaceInBytes"] = total
        device["freeStorageSpaceInBytes"] = int(total * hardware.uniform(0.04, 0.7))
        device["physicalMemoryInBytes"] = 0
    cases = ctx.rng("device-cases")
    # Stale and duplicated devices are picked from the second half, away from the first devices
    # that other tests and the demo's walk-through use by name.
    pool = devices[len(devices) // 2 :]
    stale_count = max(3, len(devices) // 100)
    days = [45, 90, 200, *(cases.randrange(31, 400) for _ in range(stale_count - 3))]
    for stale_days, device in zip(days, cases.sample(pool, stale_count), strict=True):
        device["lastSyncDateTime"] = iso(ctx.as_of - timedelta(days=stale_days))
    copies = []
    for device in cases.sample([d for d in pool if _parse(d["lastSyncDateTime"]) > ctx.as_of - timedelta(days=7)], 2):
        # Re-enrolled: the old record stays in Intune with the same serial and name, never syncing again.
        old = copy.deepcopy(device)
        # The same Entra device object: Intune keeps the old record's link to it.
        old["id"] = guid(cases)
        old["lastSyncDateTime"] = iso(ctx.as_of - timedelta(days=cases.randrange(60, 120)))
        old["enrolledDateTime"] = iso(_parse(device["enrolledDateTime"]) - timedelta(days=cases.randrange(200, 400)))
        old["complianceState"] = "noncompliant"
        copies.append(old)
        ctx.plant("duplicateDevices", old["id"])
        ctx.plant("duplicateDevices", device["id"])
    devices.extend(copies)
    for device in devices:
        if _parse(device["lastSyncDateTime"]) <= ctx.as_of - timedelta(days=STALE_AFTER_DAYS):
            ctx.plant("staleDevices", device["id"])
        if device["complianceState"] == "noncompliant":
            ctx.plant("nonCompliantDevices", device["id"])
