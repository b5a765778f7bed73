"""Search, sort and paging over the whole list, on the server; the state lives in the URL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from .rows import PolicyRow

_MIN = datetime.min.replace(tzinfo=UTC)

# Sortable columns: URL name → (header, key function).
SORTS: dict[str, tuple[str, Callable[[PolicyRow], Any]]] = {
    "name": ("Name", lambda r: (r.name.casefold(), r.type_label)),
    "type": ("Type", lambda r: (r.type_label.casefold(), r.name.casefold())),
    "platform": ("Platform", lambda r: (r.platform.casefold(), r.name.casefold())),
    "assignments": ("Assignments", lambda r: (-1 if r.assignments is None else r.assignments, r.name.casefold())),
    "modified": ("Last modified (UTC)", lambda r: (r.modified or _MIN, r.name.casefold())),
    "tags": ("Scope tags", lambda r: (r.scope_tags_text.casefold(), r.name.casefold())),
}
PAGE_SIZES = (25, 50, 100, 200)


@dataclass(frozen=True)
class ListQuery:
    """What the user asked for: search text, type filter, sort column and direction, page."""

    q: str = ""
    type: str = ""
    sort: str = "name"
    dir: str = "asc"
    page: int = 1
    per: int = 50

    @classmethod
    def parse(cls, params: dict[str, str], default_per: int = 50) -> ListQuery:
        """A query from URL parameters; unknown or out-of-range values fall back to defaults."""
        sort = params.get("sort", "name")
        direction = params.get("dir", "asc")
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        try:
            per = int(params.get("per", str(default_per)))
        except ValueError:
            per = default_per
        return cls(
            q=params.get("q", "").strip()[:200],
            type=params.get("type", "").strip()[:100],
            sort=sort if sort in SORTS else "name",
            dir=direction if direction in ("asc", "desc") else "asc",
            page=page,
            per=per if per in PAGE_SIZES else default_per,
        )

    def params(self, **changes: Any) -> str:
        """The URL query string of this query with ``changes``, omitting defaults."""
        query = replace(self, **changes)
        values = {"q": query.q, "type": query.type, "sort": query.sort, "dir": query.dir}
        defaults = {"sort": "name", "dir": "asc"}
        pairs = {k: v for k, v in values.items() if v and defaults.get(k) != v}
        if query.page != 1:
            pairs["page"] = str(query.page)
        if query.per != 50:
            pairs["per"] = str(query.per)
        return urlencode(pairs)

    def sort_params(self, column: str) -> str:
        """The query string that sorts by ``column`` (toggling direction if it is already the sort)."""
        direction = "desc" if self.sort == column and self.dir == "asc" else "asc"
        return self.params(sort=column, dir=direction, page=1)


@dataclass(frozen=True)
class Page:
    """One page of the matching rows, with the totals the pager needs."""

    rows: list[PolicyRow]
    matched: int
    total: int
    page: int
    pages: int
    offset: int = 0

    @property
    def first(self) -> int:
        """1-based index of the first row shown (0 when nothing matches)."""
        return self.offset + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """1-based index of the last row shown."""
        return self.offset + len(self.rows)


def matches(row: PolicyRow, needle: str) -> bool:
    """Whether the search text is in the name, type, platform or a scope tag (case-insensitive)."""
    hay = " ".join((row.name, row.type_label, row.platform, row.scope_tags_text)).casefold()
    return all(word in hay for word in needle.casefold().split())


def apply(rows: Sequence[PolicyRow], query: ListQuery) -> list[PolicyRow]:
    """All rows matching the search and type filter, sorted (no paging: exports use this)."""
    found = [r for r in rows if (not query.type or r.type_key == query.type) and (not query.q or matches(r, query.q))]
    found.sort(key=SORTS[query.sort][1], reverse=query.dir == "desc")
    return found


def paginate(rows: Sequence[PolicyRow], query: ListQuery, total: int) -> Page:
    """The page ``query.page`` of ``rows`` (clamped to the last page)."""
    pages = max(1, -(-len(rows) // query.per))
    page = min(query.page, pages)
    start = (page - 1) * query.per
    return Page(list(rows[start : start + query.per]), len(rows), total, page, pages, offset=start)
