"""The one listing helper every long list uses: URL state, search, filters, sort, paging, CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from intune_assistant.web.listing import Column, Facet, Listing, Table


@dataclass(frozen=True)
class Thing:
    name: str
    colour: str
    size: int
    tags: tuple[str, ...] = ()


LISTING: Listing[Thing] = Listing(
    view="things",
    path="/things",
    columns=(
        Column("name", "Name", lambda t: t.name),
        Column("colour", "Colour", lambda t: t.colour),
        Column("size", "Size", lambda t: str(t.size), lambda t: t.size, numeric=True),
        Column("note", "Note", lambda t: f'says "{t.name}", then, a line\nbreak', sortable=False),
    ),
    default_sort="name",
    facets=(
        Facet("colour", "Colour", lambda t: (t.colour,), str.upper),
        Facet("tag", "Tag", lambda t: t.tags),
    ),
    noun="things",
)

THINGS = [
    Thing("Pear", "green", 3, ("fruit",)),
    Thing("apple", "red", 2, ("fruit", "round")),
    Thing("Brick", "red", 9),
    Thing("leaf", "green", 1, ("round",)),
    Thing("Æble", "red", 2, ("fruit",)),
]


def _names(table: Table[Thing], params: dict[str, str]) -> list[str]:
    return [t.name for t in table.select(LISTING.state(params))]


def test_state_falls_back_on_anything_unknown_and_leaves_defaults_out_of_the_url() -> None:
    state = LISTING.state({"sort": "note", "dir": "up", "page": "-2", "per": "7", "q": "  x  ", "colour": "red"})
    assert (state.sort, state.dir, state.page, state.per, state.q) == ("name", "asc", 1, 50, "x")
    assert state.url() == "/things?q=x&colour=red"
    assert state.sort_url("size") == "/things?q=x&colour=red&sort=size&dir=asc"
    sorted_state = LISTING.state({"sort": "size", "dir": "asc", "page": "3", "per": "25"})
    assert sorted_state.sort_url("size") == "/things?sort=size&dir=desc&per=25"  # toggles, back to page 1
    assert sorted_state.aria_sort("size") == "ascending" and sorted_state.aria_sort("name") == ""
    assert sorted_state.export_url() == "/things.csv?sort=size&dir=asc&per=25"
    kept = LISTING.state({"user": "a@b.c", "q": "p"}, keep=("user", "device"), path="/things/1")
    assert kept.url(page=2) == "/things/1?user=a%40b.c&q=p&page=2"
    assert kept.url(q="", facets=(), page=1) == "/things/1?user=a%40b.c"


def test_search_filters_and_sorts_every_row_not_only_a_page() -> None:
    table = Table(LISTING, THINGS)
    assert _names(table, {}) == ["apple", "Brick", "leaf", "Pear", "Æble"]
    assert _names(table, {"dir": "desc"}) == ["Æble", "Pear", "leaf", "Brick", "apple"]
    assert _names(table, {"q": "LE"}) == ["apple", "leaf", "Æble"]  # case-insensitive
    assert _names(table, {"q": "then"}) == _names(table, {})  # every column is searched
    assert _names(table, {"q": "æ"}) == ["Æble"]
    assert _names(table, {"q": "red ple"}) == ["apple"]  # every word must match
    assert _names(table, {"q": "greenpear"}) == []  # words never match across columns
    assert _names(table, {"colour": "red", "sort": "size", "dir": "desc"}) == ["Brick", "apple", "Æble"]
    assert _names(table, {"tag": "round", "colour": "green"}) == ["leaf"]
    assert _names(table, {"tag": "nothing"}) == []
    assert table.choices(LISTING.facets[0]) == [("green", "GREEN"), ("red", "RED")]


def test_pages_cover_everything_and_clamp_to_the_last() -> None:
    rows = [Thing(f"T{i:03}", "red", i) for i in range(120)]
    table = Table(LISTING, rows)
    last = table.page(LISTING.state({"page": "99", "per": "25"}))
    assert (last.page, last.pages, last.first, last.last, last.matched, last.total) == (5, 5, 101, 120, 120, 120)
    seen = [t.name for n in range(1, 6) for t in table.page(LISTING.state({"page": str(n), "per": "25"})).rows]
    assert seen == [t.name for t in rows]
    nothing = table.page(LISTING.state({"q": "zzz"}))
    assert (nothing.first, nothing.last, nothing.pages, nothing.rows) == (0, 0, 1, [])


def test_csv_is_rfc4180_with_bom_every_column_and_the_tenant_file_name() -> None:
    table = Table(LISTING, THINGS)
    response = table.csv(
        LISTING.state({"colour": "red"}), "contoso.onmicrosoft.com", now=datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    )
    assert response.headers["content-disposition"] == (
        'attachment; filename="contoso.onmicrosoft.com_things_2026-03-04_0506.csv"'
    )
    body = bytes(response.body)
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Name", "Colour", "Size", "Note"]
    assert [r[0] for r in rows[1:]] == ["apple", "Brick", "Æble"]
    assert rows[1][3] == 'says "apple", then, a line\nbreak'


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(min_size=0, max_size=12), st.sampled_from(["red", "green"]), st.integers(0, 9)), max_size=40
    ),
    st.text(max_size=6),
    st.sampled_from(["name", "colour", "size"]),
    st.sampled_from(["asc", "desc"]),
)
def test_selection_equals_a_plain_filter_and_sort(
    raw: list[tuple[str, str, int]], q: str, sort: str, direction: str
) -> None:
    rows = [Thing(name, colour, size) for name, colour, size in raw]
    table = Table(LISTING, rows)
    state = LISTING.state({"q": q, "sort": sort, "dir": direction})
    words = state.q.casefold().split()
    column = LISTING.column(state.sort)
    expected = [r for r in rows if all(w in LISTING.haystack(r).replace("\x00", " ") for w in words)]
    expected_keys = sorted((column.sort_key(r) for r in expected), reverse=direction == "desc")
    assert [column.sort_key(r) for r in table.select(state)] == expected_keys
    assert sorted(map(id, table.select(state))) == sorted(map(id, expected))
