"""What tenant health reports: one row per certificate, token and connector, with its verdict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

# A certificate or token with this many days left or fewer "expires soon" (the admin center warns
# 30 days before an Apple token or certificate expires).
SOON_DAYS = 30


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


class Verdict(StrEnum):
    """How one connection stands, worst first (``SEVERITY``); worded as the report shows it."""

    EXPIRED = "Expired"
    SYNC_FAILED = "Sync failed"
    EXPIRES_SOON = "Expires soon"
    UNKNOWN = "Unknown"
    NOT_SET_UP = "Not set up"
    OK = "OK"


SEVERITY: dict[Verdict, int] = {verdict: rank for rank, verdict in enumerate(Verdict)}


@dataclass(frozen=True)
class HealthItem:
    """One certificate, token or connector as of ``HealthReport.as_of``.

    ``days_left`` is whole days to ``expires`` (nearest day; negative once expired), ``None`` for
    what does not expire. ``state`` is the object's own state in Intune's words; ``reason`` says
    why the verdict is what it is (for ``UNKNOWN``: why the type could not be read).
    """

    key: str
    kind: str
    name: str
    verdict: Verdict
    reason: str
    object_id: str | None = None
    expires: datetime | None = None
    days_left: int | None = None
    state: str = ""
    last_sync: datetime | None = None

    def as_json(self) -> dict[str, Any]:
        """The item as JSON exports and ``health --json`` give it (UTC times in ISO 8601)."""
        return {
            "type": self.key,
            "kind": self.kind,
            "name": self.name,
            "id": self.object_id,
            "verdict": self.verdict.value,
            "expires": _iso(self.expires),
            "days_left": self.days_left,
            "state": self.state,
            "last_sync": _iso(self.last_sync),
            "reason": self.reason,
        }

    @property
    def needs_action(self) -> bool:
        """True for expired and failing items (an outage now), not for expiring ones."""
        return self.verdict in (Verdict.EXPIRED, Verdict.SYNC_FAILED)


@dataclass(frozen=True)
class HealthReport:
    """Every connection of a tenant, worst first, and the moment the verdicts hold for."""

    as_of: datetime
    items: tuple[HealthItem, ...]

    def count(self, verdict: Verdict) -> int:
        """How many items have ``verdict``."""
        return sum(1 for item in self.items if item.verdict is verdict)

    @property
    def worst(self) -> Verdict:
        """The worst verdict of any item (``OK`` for none)."""
        return min((item.verdict for item in self.items), key=SEVERITY.__getitem__, default=Verdict.OK)
