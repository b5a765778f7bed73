"""What each admin did according to Intune's audit log: changes (anything but "Get") and reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Activity", "AuditLog"]


@dataclass(frozen=True)
class Activity:
    """One admin's audit events: how many changed something, how many only read, and which kinds."""

    changes: int = 0
    reads: int = 0
    read_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditLog:
    """Intune audit events (``deviceManagement/auditEvents``) and the period they cover, in words
    ("the last 30 days"), so a verdict can say what it rests on."""

    events: Sequence[Mapping[str, Any]]
    covers: str
    _by_actor: dict[str, Activity] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tallies: dict[str, tuple[int, int, list[str]]] = {}
        for event in self.events:
            actor = event.get("actor")
            if not isinstance(actor, Mapping):
                continue
            operation = event.get("activityOperationType")
            kind = str(event.get("activityType") or event.get("activity") or "")
            for key in (actor.get("userId"), actor.get("userPrincipalName")):
                if not isinstance(key, str) or not key:
                    continue
                changes, reads, kinds = tallies.setdefault(key.casefold(), (0, 0, []))
                if operation == "Get":
                    if kind and kind not in kinds:
                        kinds.append(kind)
                    tallies[key.casefold()] = (changes, reads + 1, kinds)
                else:
                    tallies[key.casefold()] = (changes + 1, reads, kinds)
        for key, (changes, reads, kinds) in tallies.items():
            self._by_actor[key] = Activity(changes, reads, tuple(kinds))

    def activity(self, user_id: str | None, upn: str | None) -> Activity:
        """What the admin with ``user_id`` (or ``upn``) did in the log (nothing when absent)."""
        for key in (user_id, upn):
            if key and key.casefold() in self._by_actor:
                return self._by_actor[key.casefold()]
        return Activity()
