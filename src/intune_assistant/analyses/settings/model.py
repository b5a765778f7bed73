"""One configured setting of one policy, as a person reads it and as a machine compares it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["SECRET", "NameSource", "SettingRow"]

# What a row shows in place of a secret value; the raw value of such a row is None.
SECRET = "(secret)"


class NameSource(StrEnum):
    """Where a row's setting name came from, best first."""

    COLLECTED = "collected"  # the definitions Graph served, collected with the snapshot
    DEFINITIONS_FILE = "definitions-file"  # the user's `intune-assistant definitions export`
    SHIPPED = "shipped"  # the names shipped inside the package (openly licensed reference data)
    DERIVED = "derived"  # made from the id or property name: readable, not Intune's own wording
    PRODUCT = "product"  # a fixed label of this product or a name the object itself carries


@dataclass(frozen=True)
class SettingRow:
    """A setting of a policy: readable name and value, plus the id and raw value to compare by.

    ``setting_id`` is the settings-catalog definition id (a child setting has its own), else a
    property path such as ``passwordMinimumLength`` or ``omaSettings[./Vendor/MSFT/...]``.
    ``category`` is a path joined with " > " ("" when none). ``name_source`` says where the name
    came from (a derived name is shown muted: it is not Intune's own wording).
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
    name_source: NameSource = NameSource.PRODUCT
