"""The objects whose assignments can be changed, found by name: what the inputs pick from.

Every input names objects its own way — the form by search and multi-select, the commercial
tool's CSV by name only, copy by one source and many targets. They all look objects up here, in
one index built once per snapshot (pure, no I/O).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from intune_assistant.analyses.assignments import (
    Directory,
    ObjectRef,
    assignable_types,
    object_ref,
    template_platforms,
)
from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot

from .desired import AssignTarget, ObjectKey
from .names import NameNotResolved, resolve_filter, resolve_group

__all__ = ["AssignableObjects", "ObjectNotResolved", "close_names", "filter_by_name", "target_by_name"]

_SHOWN = 5
_ALL_USERS = {"all users", "allusers", "all_users"}
_ALL_DEVICES = {"all devices", "alldevices", "all_devices"}


class ObjectNotResolved(ValueError):
    """No object, or more than one, has the name; the message names the candidates."""


def close_names(name: str, names: Iterable[str], shown: int = 3) -> list[str]:
    """Up to ``shown`` names that look like ``name`` (typos, case, extra spaces), best first."""
    by_folded: dict[str, str] = {}
    for candidate in names:
        by_folded.setdefault(candidate.casefold(), candidate)
    found = difflib.get_close_matches(name.strip().casefold(), list(by_folded), n=shown, cutoff=0.6)
    return [by_folded[f] for f in found]


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


@dataclass(frozen=True)
class AssignableObjects:
    """Every object of an assignable type in a snapshot, as the admin sees it (type, name, platform)."""

    objects: tuple[ObjectRef, ...]

    @classmethod
    def of(cls, snapshot: Snapshot, catalog: Catalog) -> AssignableObjects:
        """The index over ``snapshot``'s objects of every assignable catalog type that was read."""
        templates = template_platforms(snapshot)
        found: list[ObjectRef] = []
        for record in assignable_types(catalog):
            if not (record.write.assign_body_key or record.write.assign_by_post):
                continue
            for obj in snapshot.read_objects(record.key) or ():
                if obj.get("id"):
                    found.append(object_ref(record, obj, snapshot, templates))
        found.sort(key=lambda o: (o.name.casefold(), o.type_label, o.id))
        return cls(tuple(found))

    def get(self, key: ObjectKey) -> ObjectRef | None:
        """The object with ``key``, if it is in the index."""
        return next((o for o in self.objects if o.type_key == key.type_key and o.id == key.id), None)

    def search(self, query: str, *, limit: int = 50) -> list[ObjectRef]:
        """Objects whose name, type or platform contains every word of ``query`` (case-insensitive)."""
        words = query.casefold().split()
        hits = [o for o in self.objects if all(w in f"{o.name} {o.type_label} {o.platform}".casefold() for w in words)]
        return hits[:limit]

    def by_name(self, name: str, *, type_label: str = "") -> ObjectRef:
        """The one object called ``name`` (optionally of the type ``type_label``), case-insensitive.

        Raises:
            ObjectNotResolved: no object or several objects have that name; the message names the
                candidates (their types, or look-alike names).
        """
        wanted = name.strip().casefold()
        matches = [o for o in self.objects if o.name.strip().casefold() == wanted]
        if type_label.strip():
            matches = [o for o in matches if o.type_label.casefold() == type_label.strip().casefold()]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            similar = close_names(name, (o.name for o in self.objects))
            hint = f"; did you mean {_quoted(similar)}?" if similar else ""
            raise ObjectNotResolved(f"no policy, app or script named '{name.strip()}' in the tenant{hint}")
        shown = [f"{o.type_label} ({o.platform or 'platform unknown'}, id {o.id})" for o in matches[:_SHOWN]]
        more = f" and {len(matches) - _SHOWN} more" if len(matches) > _SHOWN else ""
        raise ObjectNotResolved(
            f"{len(matches)} objects are named '{name.strip()}': {'; '.join(shown)}{more}; rename one in Intune "
            "or use the Assignments CSV, which names objects by id"
        )


def _with_suggestions(exc: NameNotResolved, name: str, names: Iterable[str]) -> NameNotResolved:
    message = str(exc)
    if not message.startswith("no "):
        return exc
    similar = close_names(name, names)
    return NameNotResolved(message + (f"; did you mean {_quoted(similar)}?" if similar else ""))


def target_by_name(name: str, directory: Directory) -> AssignTarget:
    """All users, All devices, or the group named (or with the id) ``name``.

    Raises:
        NameNotResolved: no group or several groups have that name; look-alike names are suggested.
    """
    text = name.strip()
    if text.casefold() in _ALL_USERS:
        return AssignTarget.all_users()
    if text.casefold() in _ALL_DEVICES:
        return AssignTarget.all_devices()
    if text in directory.groups:
        return AssignTarget.group(text)  # an id, for a name several groups share
    try:
        return AssignTarget.group(resolve_group(directory, text))
    except NameNotResolved as exc:
        names = (str(g.get("displayName") or "") for g in directory.groups.values())
        raise _with_suggestions(exc, text, names) from None


def filter_by_name(name: str, directory: Directory) -> str:
    """The id of the assignment filter named (or with the id) ``name``.

    Raises:
        NameNotResolved: no filter or several filters have that name; look-alike names are suggested.
    """
    text = name.strip()
    if text in directory.filters:
        return text
    try:
        return resolve_filter(directory, text)
    except NameNotResolved as exc:
        names = (str(f.get("displayName") or "") for f in directory.filters.values())
        raise _with_suggestions(exc, text, names) from None
