"""Settings search: where is a setting configured, and how ("where is BitLocker configured")."""

from __future__ import annotations

from collections.abc import Iterable

from .model import SettingRow

__all__ = ["search_settings"]


def _matches_any(value: str | None, wanted: list[str]) -> bool:
    if not wanted:
        return True
    text = (value or "").casefold()
    return any(w in text for w in wanted)


def search_settings(
    rows: Iterable[SettingRow],
    text: str = "",
    *,
    types: Iterable[str] | None = None,
    platforms: Iterable[str] | None = None,
) -> list[SettingRow]:
    """Rows matching every word of ``text`` (in name, value, category, policy or setting id).

    ``types``: catalog keys to keep. ``platforms``: words matched against the row's platform
    ("windows" finds "Windows"); rows without a platform (Conditional Access, web links) apply to
    every platform and are kept. Matching ignores case; the order of ``rows`` is kept.
    """
    words = [w.casefold() for w in text.split()]
    type_keys = set(types) if types is not None else None
    wanted_platforms = [p.casefold() for p in platforms or () if p]
    found: list[SettingRow] = []
    for row in rows:
        if type_keys is not None and row.type_key not in type_keys:
            continue
        if row.platform is not None and not _matches_any(row.platform, wanted_platforms):
            continue
        haystack = f"{row.name}\n{row.value}\n{row.category}\n{row.policy_name}\n{row.setting_id}".casefold()
        if all(w in haystack for w in words):
            found.append(row)
    return found
