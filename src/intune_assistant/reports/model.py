"""What a cross-tenant report is made of: the report, the tenants it runs over, each tenant's outcome.

A report is a pure reducer from one tenant's snapshot (or, for GDAP expiry, from the customer as
the partner's relationships describe it) to a few rows. Each tenant ends ``ok``, ``partial`` (some
type the report reads could not be read: its rows are there, with the reason) or ``failed`` (the
tenant could not be read at all: no consent, no role, relationship expired), with its reason and
fix. Nothing here is stored; the rows are what a page, the JSON API and the exports show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from intune_assistant.catalog import Catalog
from intune_assistant.customers.model import Customer
from intune_assistant.snapshot import Snapshot

Cell = str | int | float
Row = tuple[Cell, ...]


class TenantState(StrEnum):
    """How one tenant's part of a report ended."""

    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"


@dataclass(frozen=True)
class ReportInput:
    """What a reducer reads: the customer, and its snapshot when the report reads the tenant."""

    customer: Customer
    snapshot: Snapshot | None
    catalog: Catalog


@dataclass(frozen=True)
class Report:
    """One cross-tenant report: its name (CLI, URL), title, columns and reducer.

    ``reads_tenant`` is false for reports answered from the partner's own GDAP data (expiry):
    no token for the customer is asked and nothing of it is read.
    """

    name: str
    title: str
    description: str
    columns: tuple[str, ...]
    reduce: Callable[[ReportInput], list[Row]]
    reads_tenant: bool = True


@dataclass(frozen=True)
class TenantResult:
    """One tenant's outcome: its state, why (and the fix) when not ok, its rows, and what it cost."""

    tenant_id: str
    name: str
    domain: str
    state: TenantState
    rows: tuple[Row, ...] = ()
    reason: str = ""
    fix: str = ""
    # The tenant's own collection time (seconds) and Graph HTTP requests.
    seconds: float = 0.0
    requests: int = 0


class TenantRefused(Exception):
    """The tenant could not be read at all; ``code`` is the customer problem's code (or Entra's)."""

    def __init__(self, code: str, reason: str, fix: str = "") -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.fix = fix
