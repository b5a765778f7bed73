"""One configured setting of one policy, as a person reads it and as a machine compares it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["SECRET", "SettingRow"]

# What a row shows in place of a secret value; the raw value of such a row is None.
SECRET = "(secret)"


@dataclass(frozen=True)
class SettingRow:
    """A setting of a policy: readable name and value, plus the id and raw value to compare by.

    ``setting_id`` is the settings-catalog definition id (a child setting has its own), else a
    property path such as ``passwordMinimumLength`` or ``omaSettings[./Vendor/MSFT/...]``.
    ``category`` is a path joined with " > " ("" when none).
    """

    type_key: str
    policy_id: str
    policy_name: str
    platform: str | None
    category: str
    name: str
    value: str
    setting_id: str
    raw_value: Any
    is_secret: bool = False
    deprecated: bool = False
    replacement: str | None = None
