"""The policy pickers of Policy vs policy: search-as-you-type over every comparable object.

A large tenant has thousands of policies, so the picker never lists them all: it shows the
first matches of what was typed (searched on the server over a table built once per snapshot)
and always keeps the chosen policy selectable.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..derived import Analysis, Derived
from ..listing import Column, Listing, Table
from .service import PolicyOption, policy_options

SHOWN = 50
SIDES = ("left", "right")

OPTIONS: Listing[PolicyOption] = Listing(
    view="policies",
    path="/compare/policies",
    columns=(
        Column("name", "Name", lambda o: o.name, lambda o: (o.name.casefold(), o.type_label)),
        Column("type", "Type", lambda o: o.type_label),
    ),
    default_sort="name",
    noun="policies",
)


@dataclass(frozen=True)
class Picker:
    """One side's choices: the chosen policy, the matches shown, and how many match in all."""

    side: str
    query: str
    chosen: PolicyOption | None
    shown: list[PolicyOption]
    matched: int


def _options(derived: Derived) -> Table[PolicyOption]:
    options = [o for _, group in policy_options(derived.snapshot, derived.catalog) for o in group]
    return Table(OPTIONS, options)


COMPARE_OPTIONS: Analysis[Table[PolicyOption]] = Analysis("compare options", _options)
"""Every comparable object of the generation, searchable by name and type."""


def picker(table: Table[PolicyOption], side: str, query: str, chosen_id: str) -> Picker:
    """The first ``SHOWN`` objects matching ``query`` (by name), with the chosen one kept."""
    state = OPTIONS.state({"q": query, "per": str(SHOWN)})
    page = table.page(state)
    chosen = next((o for o in table.rows if o.object_id == chosen_id), None) if chosen_id else None
    shown = [o for o in page.rows if chosen is None or o.object_id != chosen.object_id]
    return Picker(side, state.q, chosen, shown, page.matched)
