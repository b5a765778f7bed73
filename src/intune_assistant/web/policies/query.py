"""The Policies list: its columns, type filter and search (paging, sorting and export: ``web.listing``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from intune_assistant.catalog import Catalog

from ..listing import Column, Facet, Listing, Table
from ..tenant_data import TenantData
from .rows import PolicyRow

_MIN = datetime.min.replace(tzinfo=UTC)


def policy_listing(catalog: Catalog) -> Listing[PolicyRow]:
    """The Policies view: name, type, platform, assignments, last modified, scope tags."""
    labels = {r.key: r.label for r in catalog}
    return Listing(
        view="policies",
        path="/policies",
        columns=(
            Column("name", "Name", lambda r: r.name, lambda r: (r.name.casefold(), r.type_label)),
            Column("type", "Type", lambda r: r.type_label, lambda r: (r.type_label.casefold(), r.name.casefold())),
            Column("platform", "Platform", lambda r: r.platform, lambda r: (r.platform.casefold(), r.name.casefold())),
            Column(
                "assignments",
                "Assignments",
                lambda r: r.assignments_text,
                lambda r: (-1 if r.assignments is None else r.assignments, r.name.casefold()),
                numeric=True,
            ),
            Column(
                "modified", "Last modified (UTC)", lambda r: r.modified_text, lambda r: (r.modified or _MIN, r.name)
            ),
            Column("tags", "Scope tags", lambda r: r.scope_tags_text, lambda r: (r.scope_tags_text.casefold(), r.name)),
        ),
        default_sort="name",
        facets=(Facet("type", "Type", lambda r: (r.type_key,), lambda k: labels.get(k, k), "All types"),),
        search=lambda r: " ".join((r.name, r.type_label, r.platform, r.scope_tags_text)),
        noun="objects",
    )


def policy_table(rows: Sequence[PolicyRow], catalog: Catalog) -> Table[PolicyRow]:
    """The Policies table over one collection's rows."""
    return Table(policy_listing(catalog), rows)


async def policies_of(data: TenantData, catalog: Catalog) -> Table[PolicyRow]:
    """The Policies table of the collection, built once per generation (off the event loop)."""
    return await data.answer("policies table", "all", lambda: policy_table(data.inventory.rows, catalog))
