"""Setting names and option labels shipped inside the package, for exports read without a tenant.

Three tables in ``data/`` (built by ``scripts/build-setting-names``; sources and licenses in
``data/THIRD_PARTY_NOTICES``): settings catalog ids → name and option labels (Windows CSP DDF
files, Apple's payload keys, Microsoft365DSC names); Microsoft365DSC settings by their Graph
name, matched to an id by the longest id suffix equal to the name; IntuneManagement's labels of
legacy profile properties by ``@odata.type``. Each table is read on first use and kept for the
process: it is static reference data, the same for every tenant and user.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Mapping, Sequence
from functools import cache, cached_property
from importlib import resources
from typing import Any

__all__ = ["ShippedNames", "shipped_names"]

_FORMAT = 1
# A name match shorter than this (or one bare token shorter than this) is too generic to trust.
_MIN_MATCH = 8


def _read_table(name: str) -> Any:
    """The ``data`` of a shipped table, read from the installed package."""
    raw = resources.files(__package__).joinpath("data", name).read_bytes()
    content = json.loads(gzip.decompress(raw).decode("utf-8"))
    if not isinstance(content, dict) or content.get("format") != _FORMAT:
        raise ValueError(f"shipped table {name} has an unknown format")
    return content["data"]


class _ByName:
    """Microsoft365DSC settings keyed by Graph name, matched to definition ids by suffix."""

    def __init__(self, entries: Sequence[Sequence[Any]]) -> None:
        self._by_last: dict[str, list[tuple[list[str], Sequence[Any]]]] = {}
        for entry in entries:
            tokens = [t for t in str(entry[0]).split("_") if t]
            if tokens:
                self._by_last.setdefault(tokens[-1], []).append((tokens, entry))

    def match(self, definition_id: str) -> Sequence[Any] | None:
        """The entry whose name is the longest suffix of ``definition_id`` (ties: more of the name's
        other tokens in the id, then the matching device/user scope, then a named entry)."""
        best: tuple[tuple[int, int, int, int], Sequence[Any]] | None = None
        user = definition_id.startswith("user_")
        for tokens, entry in self._by_last.get(definition_id.rsplit("_", 1)[-1], ()):
            size = next(
                (k for k in range(len(tokens), 0, -1) if _ends_with(definition_id, "_".join(tokens[-k:]))),
                0,
            )
            matched = "_".join(tokens[-size:])
            if not size or len(matched) < _MIN_MATCH or (size == 1 and len(tokens[-1]) < _MIN_MATCH):
                continue
            others = sum(1 for t in tokens[:-size] if len(t) > 2 and t.removeprefix("l_") in definition_id)
            scope = entry[1]
            fits = 0 if scope is None else (1 if (scope == "user") == user else -5)
            score = (size, others, fits, 1 if entry[2] else 0)
            if best is None or score > best[0]:
                best = (score, entry)
        return best[1] if best else None


def _ends_with(definition_id: str, suffix: str) -> bool:
    return definition_id == suffix or definition_id.endswith("_" + suffix)


class ShippedNames:
    """Look-ups over the shipped tables; each table loads on its first look-up."""

    def __init__(self, read: Callable[[str], Any] = _read_table) -> None:
        self._read = read
        self._entries: dict[str, tuple[str | None, Mapping[str, str], str]] = {}

    @cached_property
    def _catalog(self) -> Mapping[str, Sequence[Any]]:
        table: Mapping[str, Sequence[Any]] = self._read("catalog-names.json.gz")
        return table

    @cached_property
    def _by_name(self) -> _ByName:
        return _ByName(self._read("m365dsc-names.json.gz"))

    @cached_property
    def _legacy(self) -> Mapping[str, Mapping[str, Sequence[Any]]]:
        table: Mapping[str, Mapping[str, Sequence[Any]]] = self._read("legacy-labels.json.gz")
        return table

    def _entry(self, definition_id: str) -> tuple[str | None, Mapping[str, str], str]:
        """(name, option labels by suffix, the id the options are keyed under), kept per id."""
        found = self._entries.get(definition_id)
        if found is None:
            found = self._entries[definition_id] = self._look_up(definition_id.lower())
        return found

    def _look_up(self, key: str) -> tuple[str | None, Mapping[str, str], str]:
        for candidate in (key, key.removesuffix("_v2")) if key.endswith("_v2") else (key,):
            found = self._catalog.get(candidate)
            if found is not None:
                return found[0], (found[1] if len(found) > 1 else {}), key
        matched = self._by_name.match(key)
        if (matched is None or not matched[2]) and key.endswith("_v2"):
            # Intune appends "_v2" to the id of a re-issued ADMX-backed definition; its Graph name (the
            # ADMX policy's, which Microsoft365DSC keys on) stays the same, and so does its caption.
            matched = self._by_name.match(key.removesuffix("_v2")) or matched
        if matched is not None:
            name = matched[2]
            if name and key.startswith("user_") and "(User)" not in name:
                name = f"{name} (User)"
            return name, matched[3], key
        return None, {}, key

    def display_name(self, definition_id: str) -> str | None:
        """The shipped name of a settings catalog definition, or None."""
        return self._entry(definition_id)[0]

    def option_label(self, definition_id: str, item_id: str) -> str | None:
        """The shipped label of option ``item_id`` of a choice definition, or None."""
        _, options, key = self._entry(definition_id)
        item = item_id.lower()
        suffix = item[len(key) + 1 :] if item.startswith(key + "_") else item
        return options.get(suffix)

    def property_label(self, odata_type: str, property_name: str) -> str | None:
        """The admin center's label of a legacy profile property, or None."""
        entry = self._legacy.get(odata_type, {}).get(property_name)
        return entry[0] if entry else None

    def property_option(self, odata_type: str, property_name: str, value: str) -> str | None:
        """The admin center's label of an enum value of a legacy profile property, or None."""
        entry = self._legacy.get(odata_type, {}).get(property_name)
        options = entry[1] if entry and len(entry) > 1 else None
        return options.get(value) if options else None


@cache
def shipped_names() -> ShippedNames:
    """The package's shipped names (one per process; nothing is read until a look-up needs it)."""
    return ShippedNames()
