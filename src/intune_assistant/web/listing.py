"""One way for every long list to search, filter, sort, page and export on the server (UX rules 1, 2, 7).

A ``Listing`` declares a view's columns, its filter menus (facets) and what its search looks at.
A ``Table`` holds one list's rows, built once per snapshot generation, with what searching and
sorting need prepared once (lower-cased search text, the row order per sort column), so a request
only scans and slices. A ``ListState`` is what the user asked for, read from and written back to
the query string, so a view can be bookmarked, shared and reloaded.
"""

from __future__ import annotations

import bisect
import itertools
import math
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from starlette.responses import Response

from .csv_export import content_disposition, export_filename, to_csv

T = TypeVar("T")

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PER = 50
_MAX_TEXT = 200
# Between rows in the joined search text; a search word never holds it (it is not typeable).
_SEP = "\x00"


@dataclass(frozen=True)
class Column(Generic[T]):
    """A visible (and exported) column: URL name, header, the cell as text, and how it sorts.

    ``sort`` gives the sort key (default: the text, case-insensitive); ``sortable=False`` keeps a
    column out of the sort links.
    """

    key: str
    header: str
    text: Callable[[T], str]
    sort: Callable[[T], Any] | None = None
    sortable: bool = True
    numeric: bool = False

    def sort_key(self, row: T) -> Any:
        """What rows are ordered by for this column."""
        return self.sort(row) if self.sort is not None else self.text(row).casefold()


@dataclass(frozen=True)
class Facet(Generic[T]):
    """A filter menu: the value a row has (a row may have several), and how a value is labelled."""

    key: str
    label: str
    values: Callable[[T], Iterable[str]]
    label_of: Callable[[str], str] = str
    any_label: str = "Any"


@dataclass(frozen=True)
class Listing(Generic[T]):
    """How one view lists its rows: its columns, default sort, filter menus and search text.

    ``view`` names the export file (``<tenant-domain>_<view>_<yyyy-mm-dd_HHmm>.csv``); ``path``
    is the page the state's links point at; ``search`` gives the text the search box looks in
    (default: every column's text).
    """

    view: str
    path: str
    columns: tuple[Column[T], ...]
    default_sort: str
    facets: tuple[Facet[T], ...] = ()
    search: Callable[[T], str] | None = None
    default_dir: str = "asc"
    default_per: int = DEFAULT_PER
    noun: str = "rows"

    def column(self, key: str) -> Column[T]:
        """The column named ``key`` in URLs."""
        return next(c for c in self.columns if c.key == key)

    def haystack(self, row: T) -> str:
        """The lower-cased text the search box matches against."""
        text = self.search(row) if self.search is not None else "\n".join(c.text(row) for c in self.columns)
        return text.casefold()

    def headers(self) -> list[str]:
        """Every column's header, in order (the CSV's first line)."""
        return [c.header for c in self.columns]

    def cells(self, row: T) -> list[str]:
        """A row's cells as text, in column order (the CSV's lines)."""
        return [c.text(row) for c in self.columns]

    def state(
        self,
        params: Mapping[str, str],
        *,
        path: str | None = None,
        keep: Iterable[str] = (),
        default_per: int | None = None,
    ) -> ListState:
        """What the user asked for, from URL parameters; anything unknown falls back to the default.

        ``keep`` names other parameters of the page (a chosen user, a group id) that the list's
        links carry along; ``path`` overrides ``self.path`` for pages with an id in the path;
        ``default_per`` overrides the listing's page size (a deployment setting).
        """
        per_default = default_per if default_per in PAGE_SIZES else self.default_per
        sortable = {c.key for c in self.columns if c.sortable}
        sort = params.get("sort", "")
        direction = params.get("dir", "")
        facets = tuple((f.key, text) for f in self.facets if (text := _bounded(params.get(f.key))))
        return ListState(
            path=path or self.path,
            q=_bounded(params.get("q")),
            sort=sort if sort in sortable else self.default_sort,
            dir=direction if direction in ("asc", "desc") else self.default_dir,
            page=max(1, _int(params.get("page"), 1)),
            per=_per(params.get("per"), per_default),
            facets=facets,
            kept=tuple((k, v) for k in keep if (v := _bounded(params.get(k), 300))),
            defaults=(self.default_sort, self.default_dir, per_default),
        )


def _bounded(value: str | None, limit: int = _MAX_TEXT) -> str:
    return (value or "").strip()[:limit]


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


def _per(value: str | None, default: int) -> int:
    per = _int(value, default)
    return per if per in PAGE_SIZES else default


@dataclass(frozen=True)
class ListState:
    """Search text, filter values, sort, page and page size: everything the URL holds."""

    path: str
    q: str = ""
    sort: str = ""
    dir: str = "asc"
    page: int = 1
    per: int = DEFAULT_PER
    facets: tuple[tuple[str, str], ...] = ()
    kept: tuple[tuple[str, str], ...] = ()
    defaults: tuple[str, str, int] = ("", "asc", DEFAULT_PER)

    def facet(self, key: str) -> str:
        """The value chosen in the filter menu ``key`` ("" for any)."""
        return dict(self.facets).get(key, "")

    @property
    def custom_sort(self) -> bool:
        """True when the list is not in its default order (the search form then carries the sort)."""
        return (self.sort, self.dir) != self.defaults[:2]

    @property
    def filtered(self) -> bool:
        """True when a search or a filter narrows the list."""
        return bool(self.q or self.facets)

    def params(self, **changes: Any) -> str:
        """This state's query string with ``changes`` (facets by key too), leaving defaults out."""
        facet_changes = {k: v for k, v in changes.items() if k not in _FIELDS}
        state = replace(self, **{k: v for k, v in changes.items() if k in _FIELDS})
        facets = {**dict(state.facets), **facet_changes}
        pairs: list[tuple[str, str]] = list(state.kept)
        if state.q:
            pairs.append(("q", state.q))
        pairs.extend((k, str(v)) for k, v in facets.items() if v)
        default_sort, default_dir, default_per = state.defaults
        if state.sort != default_sort or state.dir != default_dir:
            pairs.extend((("sort", state.sort), ("dir", state.dir)))
        if state.page != 1:
            pairs.append(("page", str(state.page)))
        if state.per != default_per:
            pairs.append(("per", str(state.per)))
        return urlencode(pairs)

    def url(self, **changes: Any) -> str:
        """The page's URL for this state with ``changes``."""
        query = self.params(**changes)
        return self.path + (f"?{query}" if query else "")

    def sort_url(self, column: str) -> str:
        """The URL that sorts by ``column`` (toggling the direction when it is already the sort)."""
        direction = "desc" if self.sort == column and self.dir == "asc" else "asc"
        return self.url(sort=column, dir=direction, page=1)

    def export_url(self, suffix: str = ".csv") -> str:
        """The CSV export of everything this state matches (all pages)."""
        query = self.params(page=1)
        return self.path + suffix + (f"?{query}" if query else "")

    def aria_sort(self, column: str) -> str:
        """``ascending``/``descending`` for the sorted column, else ""."""
        if self.sort != column:
            return ""
        return "ascending" if self.dir == "asc" else "descending"


_FIELDS = frozenset({"path", "q", "sort", "dir", "page", "per", "facets", "kept"})


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of the matching rows, with the counts and the state the pager and links need."""

    rows: list[T]
    matched: int
    total: int
    page: int
    pages: int
    state: ListState
    offset: int = 0

    @property
    def first(self) -> int:
        """1-based index of the first row shown (0 when nothing matches)."""
        return self.offset + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """1-based index of the last row shown."""
        return self.offset + len(self.rows)


@dataclass
class Table(Generic[T]):
    """One list's rows with what searching and sorting need, prepared once and then only read.

    The search text of every row is one string, so a word is found with ``str.find`` (C speed)
    rather than a Python loop over the rows; filter menus keep the rows of each value as a set.
    Sort orders are computed on first use per column and kept (concurrent first uses may compute
    one twice; the result is the same).
    """

    listing: Listing[T]
    rows: Sequence[T]
    _text: str = field(init=False, repr=False)
    _starts: list[int] = field(init=False, repr=False)
    _facets: dict[str, dict[str, set[int]]] = field(init=False, repr=False)
    _orders: dict[tuple[str, bool], tuple[list[int], list[int]]] = field(init=False, repr=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        haystacks = [self.listing.haystack(row).replace(_SEP, " ") for row in self.rows]
        self._text = _SEP.join(haystacks)
        self._starts = list(itertools.accumulate((len(h) + 1 for h in haystacks), initial=0))
        self._facets = {}
        for facet in self.listing.facets:
            index: dict[str, set[int]] = {}
            for i, row in enumerate(self.rows):
                for value in facet.values(row):
                    if value:
                        index.setdefault(value, set()).add(i)
            self._facets[facet.key] = index

    def order(self, column: str, descending: bool = False) -> tuple[list[int], list[int]]:
        """Row indexes ordered by ``column`` (ties keep the rows' own order either way), and each row's rank."""
        found = self._orders.get((column, descending))
        if found is None:
            key = self.listing.column(column).sort_key
            keys = [key(row) for row in self.rows]
            order = sorted(range(len(self.rows)), key=keys.__getitem__, reverse=descending)
            rank = [0] * len(order)
            for position, i in enumerate(order):
                rank[i] = position
            found = (order, rank)
            with self._lock:
                self._orders[(column, descending)] = found
        return found

    def choices(self, facet: Facet[T]) -> list[tuple[str, str]]:
        """The (value, label) pairs the filter menu offers: the values rows have, by label."""
        return sorted(((v, facet.label_of(v)) for v in self._facets[facet.key]), key=lambda pair: pair[1].casefold())

    def menus(self, state: ListState) -> list[tuple[Facet[T], list[tuple[str, str]], str]]:
        """Each filter menu with its choices and the chosen value, for the toolbar."""
        return [(f, self.choices(f), state.facet(f.key)) for f in self.listing.facets]

    def _containing(self, word: str) -> set[int]:
        """Indexes of the rows whose search text contains ``word``."""
        found: set[int] = set()
        text, starts = self._text, self._starts
        position = text.find(word)
        while position >= 0:
            row = bisect.bisect_right(starts, position) - 1
            found.add(row)
            position = text.find(word, starts[row + 1])
        return found

    def indexes(self, state: ListState) -> list[int]:
        """Indexes of every row matching the search and filters, in the state's order."""
        chosen: set[int] | None = None
        for facet in self.listing.facets:
            value = state.facet(facet.key)
            if value:
                rows = self._facets[facet.key].get(value, set())
                chosen = set(rows) if chosen is None else chosen & rows
        for word in sorted(set(state.q.casefold().split()), key=len, reverse=True):
            if chosen is not None and not chosen:
                break
            rows = self._containing(word)
            chosen = rows if chosen is None else chosen & rows
        order, rank = self.order(state.sort, state.dir == "desc")
        if chosen is None:
            return order
        if len(chosen) * 8 < len(order):
            return sorted(chosen, key=rank.__getitem__)
        return [i for i in order if i in chosen]

    def select(self, state: ListState) -> list[T]:
        """Every row matching the search and filters, in the state's order (exports use all of them)."""
        rows = self.rows
        return [rows[i] for i in self.indexes(state)]

    def page(self, state: ListState) -> Page[T]:
        """The page the state asks for (the last one when it asks beyond)."""
        matched = self.indexes(state)
        pages = max(1, math.ceil(len(matched) / state.per))
        number = min(state.page, pages)
        start = (number - 1) * state.per
        shown = [self.rows[i] for i in matched[start : start + state.per]]
        return Page(shown, len(matched), len(self.rows), number, pages, state, start)

    def csv(self, state: ListState, tenant_domain: str, *, now: datetime | None = None) -> Response:
        """Every matching row (all pages), every visible column with its header, as a CSV download."""
        body = to_csv(self.listing.headers(), (self.listing.cells(r) for r in self.select(state)))
        name = export_filename(tenant_domain, self.listing.view, now or datetime.now(UTC))
        return Response(
            body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": content_disposition(name)}
        )


__all__ = ["PAGE_SIZES", "Column", "Facet", "ListState", "Listing", "Page", "Table"]
