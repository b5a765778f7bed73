"""Managed devices: one row per Intune device record with its findings (stale, duplicate, not compliant)."""

from .inventory import STALE_AFTER_DAYS, device_inventory
from .model import DeviceFinding, DeviceRow, DevicesReport, FindingKind

__all__ = ["STALE_AFTER_DAYS", "DeviceFinding", "DeviceRow", "DevicesReport", "FindingKind", "device_inventory"]
