"""Deterministic ids and timestamps for the synthetic tenants.

Every value comes from a ``random.Random`` seeded by text (``seed/domain/section``), never from the
clock or ``uuid4``, so the same arguments give byte-identical tenants on every machine and run.
Sections get their own generator so that adding objects of one kind does not reshuffle another.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from random import Random

# "Now" for every synthetic tenant: created/modified times fall before it, sync times just before.
BASE_DATE = datetime(2025, 6, 2, 8, 0, 0, tzinfo=UTC)
_BASE_EPOCH = int(BASE_DATE.timestamp())
_DAY = 86_400

# Namespace for ids that must be equal in every tenant (template and definition ids are global in
# Intune) or independent of the seed (tenant ids, so sign-in configuration stays stable).
_NAMESPACE = uuid.UUID("a8f0c6e2-3d5b-4f7e-9c1a-6b2d4e8f0a13")

# Pseudo group ids Intune uses in assignment ids for the two virtual groups.
ALL_USERS_ID = "acacacac-9df4-4c7d-9d50-4ef0226f57a9"
ALL_DEVICES_ID = "adadadad-808e-44e2-905a-0b7873a8a531"


def section_rng(seed: int, domain: str, section: str) -> Random:
    """A generator for one part of one tenant (text seeds hash the same in every process)."""
    return Random(f"{seed}/{domain}/{section}")


def guid(rng: Random) -> str:
    """A version-4-shaped GUID drawn from ``rng``."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def stable_guid(*parts: str) -> str:
    """A GUID that depends only on ``parts`` (for ids Intune shares across tenants)."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def iso(moment: datetime) -> str:
    """Graph's UTC timestamp text, e.g. ``2025-03-14T09:21:33Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def days_before(days: float) -> str:
    """The timestamp ``days`` before the base date."""
    return iso(BASE_DATE - timedelta(days=days))


def days_after(days: float) -> str:
    """The timestamp ``days`` after the base date (end dates, deadlines)."""
    return iso(BASE_DATE + timedelta(days=days))


def created_modified(rng: Random, oldest_days: int = 900) -> tuple[str, str]:
    """A creation time up to ``oldest_days`` before the base date and a later modification time."""
    created = _BASE_EPOCH - rng.randrange(2 * _DAY, oldest_days * _DAY)
    modified = created + rng.randrange(0, _BASE_EPOCH - created)
    return _from_epoch(created), _from_epoch(modified)


def recent(rng: Random, within_days: int = 14) -> str:
    """A timestamp within ``within_days`` before the base date (sync and sign-in times)."""
    return _from_epoch(_BASE_EPOCH - rng.randrange(0, within_days * _DAY))


def _from_epoch(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
