"""What every builder of one tenant shares: its identity, random sections and common object fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from random import Random
from typing import Any

from .ids import BASE_DATE, created_modified, guid, section_rng

GRAPH = "#microsoft.graph."


@dataclass(frozen=True)
class Size:
    """How many objects of each kind a tenant profile holds."""

    users: int
    devices: int
    groups: int
    # Catalog key -> number of objects generated for it (beyond the fixed directory and admin objects).
    objects: dict[str, int]
    # Members of the tenant's big rollout group (an assigned device group; 0 for none): the size a
    # large tenant's group pages, exports and verdicts are measured at.
    big_group: int = 0


@dataclass
class Ctx:
    """One tenant under construction."""

    seed: int
    domain: str
    name: str
    tenant_id: str
    size: Size
    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    planted: dict[str, list[str]] = field(default_factory=dict)
    # Filled by the directory step and read by the policy steps.
    user_group_ids: list[str] = field(default_factory=list)
    device_group_ids: list[str] = field(default_factory=list)
    scope_tag_ids: list[str] = field(default_factory=list)
    _names: dict[str, set[str]] = field(default_factory=dict)
    # "Now" for what expires or syncs (certificates, tokens, connectors): the demo passes the moment
    # it starts, so health verdicts hold at collection time; the default keeps tenants byte-identical.
    as_of: datetime = BASE_DATE

    @property
    def short(self) -> str:
        """The first label of the domain, e.g. ``contoso``."""
        return self.domain.split(".")[0]

    def rng(self, section: str) -> Random:
        """A generator for one section of this tenant."""
        return section_rng(self.seed, self.domain, section)

    def put(self, key: str, items: list[dict[str, Any]]) -> None:
        """Add ``items`` to the objects of catalog key ``key``."""
        self.objects.setdefault(key, []).extend(items)

    def plant(self, kind: str, name: str) -> None:
        """Record a deliberate problem of ``kind`` on the object named ``name``."""
        names = self.planted.setdefault(kind, [])
        if name not in names:
            names.append(name)

    def unique(self, key: str, name: str) -> str:
        """``name``, or ``name`` with a version suffix when the type already has it."""
        taken = self._names.setdefault(key, set())
        candidate, n = name, 2
        while candidate in taken:
            candidate, n = f"{name} v{n}", n + 1
        taken.add(candidate)
        return candidate

    def scope_tags(self, rng: Random) -> list[str]:
        """Scope tags for one object: mostly Default, sometimes one or two named tags."""
        roll = rng.random()
        named = self.scope_tag_ids[1:]
        if roll < 0.7 or not named:
            return ["0"]
        if roll < 0.9:
            return [rng.choice(named)]
        return ["0", rng.choice(named)]

    def text(self, value: str) -> str:
        """``value`` with the tenant placeholders ``{domain}``, ``{tenant}``, ``{short}``... filled in."""
        if "{" not in value:
            return value
        return (
            value.replace("{domain}", self.domain)
            .replace("{tenant}", self.name)
            .replace("{short}", self.short.upper())
            .replace("{tenant_id}", self.tenant_id)
        )


def base_object(
    ctx: Ctx,
    rng: Random,
    odata_type: str | None,
    name: str,
    description: str = "",
    *,
    name_field: str = "displayName",
    key: str | None = None,
) -> dict[str, Any]:
    """The fields nearly every Intune object has: type, id, name, description, dates, scope tags."""
    created, modified = created_modified(rng)
    obj: dict[str, Any] = {}
    if odata_type:
        obj["@odata.type"] = GRAPH + odata_type
    obj["id"] = guid(rng)
    obj[name_field] = ctx.unique(key, name) if key else name
    obj["description"] = description
    obj["createdDateTime"] = created
    obj["lastModifiedDateTime"] = modified
    obj["roleScopeTagIds"] = ctx.scope_tags(rng)
    return obj
