"""Settings-catalog definitions by id: display names, option labels and deprecation.

Definitions come from Graph (``deviceManagement/configurationSettings``, kept in the snapshot),
or from a file the user exported with ``intune-assistant definitions export``. A file may also be
a Graph response saved by hand (``{"value": [...]}``), a plain list, or a snapshot's
``definitions.json`` (id → definition). Each id remembers which of the two it came from; where
neither knows an id, the names shipped with the package (``with_shipped``) fill in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .model import NameSource
from .shipped import ShippedNames

__all__ = ["DEFINITIONS_FORMAT", "DefinitionsFileError", "SettingDefinitions"]

# Marks a file written by ``intune-assistant definitions export``.
DEFINITIONS_FORMAT = "intune-assistant-setting-definitions"

_DEPRECATED_MARK = re.compile(r"\s*[\[(]\s*deprecated\s*[\])]\s*", re.IGNORECASE)
# How Intune's descriptions name the setting that replaces a deprecated one.
_REPLACEMENT = (
    re.compile(r"use\s+['\"‘“](?P<name>[^'\"’”]+)['\"’”]\s+instead", re.IGNORECASE),
    re.compile(r"replaced\s+by\s+['\"‘“](?P<name>[^'\"’”]+)['\"’”]", re.IGNORECASE),
    re.compile(r"superseded\s+by\s+['\"‘“](?P<name>[^'\"’”]+)['\"’”]", re.IGNORECASE),
)


class DefinitionsFileError(ValueError):
    """A definitions file that cannot be read, with the reason in the message."""


class SettingDefinitions:
    """Look-ups over settings-catalog definitions (immutable once built)."""

    def __init__(
        self,
        by_id: Mapping[str, Mapping[str, Any]],
        origin: NameSource | Mapping[str, NameSource] = NameSource.COLLECTED,
        shipped: ShippedNames | None = None,
    ) -> None:
        self._by_id: dict[str, Mapping[str, Any]] = dict(by_id)
        # Where each id's definition came from (collected with a snapshot, or a definitions file).
        self._origin: dict[str, NameSource] = (
            {key: origin for key in self._by_id} if isinstance(origin, NameSource) else dict(origin)
        )
        self._shipped = shipped
        # option itemId → display name, per definition, built on first use of that definition.
        self._options: dict[str, dict[str, str]] = {}

    @classmethod
    def from_graph(
        cls, definitions: Iterable[Mapping[str, Any]], origin: NameSource = NameSource.COLLECTED
    ) -> SettingDefinitions:
        """From Graph-shaped definition objects (items of ``configurationSettings``)."""
        by_id = {str(d["id"]): d for d in definitions if isinstance(d, Mapping) and isinstance(d.get("id"), str)}
        return cls(by_id, origin)

    @classmethod
    def from_file(cls, path: Path) -> SettingDefinitions:
        """From a definitions file; raises ``DefinitionsFileError`` naming what is wrong."""
        try:
            raw = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
        except OSError as exc:
            raise DefinitionsFileError(f"{path} could not be read: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise DefinitionsFileError(f"{path} is not UTF-8 text") from None
        except ValueError as exc:
            raise DefinitionsFileError(f"{path} is not valid JSON: {exc}") from None
        items = _definition_items(raw)
        if items is None:
            raise DefinitionsFileError(
                f"{path} holds no setting definitions; export them with `intune-assistant definitions export`"
            )
        return cls.from_graph(items, NameSource.DEFINITIONS_FILE)

    @classmethod
    def empty(cls) -> SettingDefinitions:
        """No definitions: names are derived from the ids."""
        return cls({})

    def merged(self, other: SettingDefinitions) -> SettingDefinitions:
        """These definitions plus ``other``'s; where both have an id, this one wins (so do its shipped names)."""
        return SettingDefinitions(
            {**other._by_id, **self._by_id},
            {**other._origin, **self._origin},
            self._shipped or other._shipped,
        )

    def with_shipped(self, shipped: ShippedNames) -> SettingDefinitions:
        """These definitions, with ``shipped`` names for the ids they do not know."""
        return SettingDefinitions(self._by_id, self._origin, shipped)

    @property
    def shipped(self) -> ShippedNames | None:
        """The shipped names these definitions fall back on, if any."""
        return self._shipped

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, definition_id: object) -> bool:
        return definition_id in self._by_id

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return iter(self._by_id.values())

    def get(self, definition_id: str) -> Mapping[str, Any] | None:
        """The Graph definition with ``definition_id``, or None."""
        return self._by_id.get(definition_id)

    def display_name(self, definition_id: str) -> str | None:
        """The definition's display name without a "(Deprecated)" mark, or None when unknown."""
        found = self.name_and_source(definition_id)
        return found[0] if found else None

    def name_and_source(self, definition_id: str) -> tuple[str, NameSource] | None:
        """The display name and where it came from: collected or file definitions, else the shipped names."""
        definition = self._by_id.get(definition_id) or {}
        for field in ("displayName", "name"):
            value = definition.get(field)
            if isinstance(value, str) and value.strip():
                name = _DEPRECATED_MARK.sub(" ", value).strip() or value
                return name, self._origin.get(definition_id, NameSource.COLLECTED)
        shipped = self._shipped.display_name(definition_id) if self._shipped is not None else None
        return (shipped, NameSource.SHIPPED) if shipped else None

    def description(self, definition_id: str) -> str | None:
        """The definition's description, or None."""
        definition = self._by_id.get(definition_id)
        value = definition.get("description") if definition is not None else None
        return value if isinstance(value, str) and value else None

    def option_label(self, definition_id: str, item_id: str) -> str | None:
        """The display name of option ``item_id`` of a choice definition, or None when unknown."""
        options = self._options.get(definition_id)
        if options is None:
            options = {}
            definition = self._by_id.get(definition_id) or {}
            for option in definition.get("options") or ():
                if isinstance(option, Mapping) and isinstance(option.get("itemId"), str):
                    label = option.get("displayName") or option.get("name")
                    if isinstance(label, str) and label:
                        options[option["itemId"]] = label
            self._options[definition_id] = options
        found = options.get(item_id)
        if found is None and self._shipped is not None:
            found = self._shipped.option_label(definition_id, item_id)
        return found

    def is_secret(self, definition_id: str) -> bool:
        """True when the definition says its value is a secret."""
        definition = self._by_id.get(definition_id)
        value_definition = definition.get("valueDefinition") if definition is not None else None
        return isinstance(value_definition, Mapping) and value_definition.get("isSecret") is True

    def is_deprecated(self, definition_id: str) -> tuple[bool, str | None]:
        """Whether Intune marks the setting deprecated, and the name of its replacement if it says."""
        definition = self._by_id.get(definition_id)
        if definition is None:
            return False, None
        name = str(definition.get("displayName") or "")
        texts = [str(definition.get(f) or "") for f in ("description", "helpText")]
        deprecated = bool(_DEPRECATED_MARK.search(name)) or any(t.lower().startswith("deprecated") for t in texts)
        if not deprecated:
            return False, None
        for text in texts:
            for pattern in _REPLACEMENT:
                match = pattern.search(text)
                if match:
                    return True, match.group("name").strip()
        return True, None

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """Id → definition, as plain JSON-able data."""
        return {key: dict(value) for key, value in self._by_id.items()}


def _definition_items(raw: Any) -> list[Any] | None:
    if isinstance(raw, list):
        return raw
    if not isinstance(raw, dict):
        return None
    value = raw.get("value")
    if isinstance(value, list):
        return value
    # A snapshot's definitions.json: id → definition.
    if raw and all(isinstance(v, dict) and v.get("id") == k for k, v in raw.items()):
        return list(raw.values())
    return None
