"""Look-ups over the catalog records."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .model import Kind, ResourceType
from .records import RECORDS


@dataclass(frozen=True)
class Catalog:
    """An ordered, immutable set of resource types with look-ups by key."""

    records: tuple[ResourceType, ...]

    def __post_init__(self) -> None:
        keys = [r.key for r in self.records]
        if len(keys) != len(set(keys)):
            raise ValueError("catalog keys must be unique")

    def __iter__(self) -> Iterator[ResourceType]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, key: str) -> ResourceType:
        for record in self.records:
            if record.key == key:
                return record
        raise KeyError(f"unknown resource type {key!r}; known: {', '.join(r.key for r in self.records)}")

    def __contains__(self, key: object) -> bool:
        return any(r.key == key for r in self.records)

    def collected(self) -> tuple[ResourceType, ...]:
        """The types snapshot collection reads by default."""
        return tuple(r for r in self.records if r.collect)

    def select(self, keys: Sequence[str]) -> Catalog:
        """A sub-catalog with only ``keys`` (unknown keys raise KeyError)."""
        return Catalog(tuple(self[k] for k in keys))

    def read_scopes(self) -> tuple[str, ...]:
        """Every delegated read scope reading a tenant needs, in a stable order.

        Partner types (GDAP relationships and customers) are left out: their scope is asked only
        of a partner's own tenant, only to find and link customers (``partner_scopes``).
        """
        return tuple(dict.fromkeys(r.read_scope for r in self.records if r.kind is not Kind.PARTNER))

    def partner_scopes(self) -> tuple[str, ...]:
        """The delegated scopes that read a partner tenant's GDAP relationships and customers."""
        return tuple(dict.fromkeys(r.read_scope for r in self.records if r.kind is Kind.PARTNER))

    def for_path(self, version: str, path: str) -> list[ResourceType]:
        """Records served at ``/{version}/{path}`` (several when a path is split by ``list_filter``)."""
        return [r for r in self.records if r.path == path and (r.api_version == version or r.in_v1)]


def default_catalog() -> Catalog:
    """The product's catalog (a new value per call; records are immutable)."""
    return Catalog(RECORDS)
