"""``/settings``: where is a setting configured, and how — search, filters and paging on the server.

Setting rows are an analysis of the collected generation (``SETTING_ROWS``): built once, off the
event loop, and kept only as long as the snapshot itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from intune_assistant.analyses.settings import SettingRow, search_settings
from intune_assistant.catalog import Catalog

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_SIZE = 50
COLUMNS = ("Setting", "Value", "Policy", "Type", "Platform", "Category")
ANY_PLATFORM = "All platforms"


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


@dataclass(frozen=True)
class SettingsQuery:
    """Search text, type and platform filters, page and page size (all from the URL)."""

    q: str = ""
    type: str = ""
    platform: str = ""
    page: int = 1
    size: int = DEFAULT_SIZE

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> SettingsQuery:
        """A query from URL parameters; unknown or out-of-range values fall back to defaults."""
        size = _int(params.get("size"), DEFAULT_SIZE)
        return cls(
            q=params.get("q", "").strip()[:200],
            type=params.get("type", "").strip()[:100],
            platform=params.get("platform", "").strip()[:60],
            page=max(1, _int(params.get("page"), 1)),
            size=size if size in PAGE_SIZES else DEFAULT_SIZE,
        )

    def params(self, **changes: Any) -> str:
        """The URL query string of this query with ``changes``, omitting defaults."""
        query = replace(self, **changes)
        pairs = {k: v for k, v in (("q", query.q), ("type", query.type), ("platform", query.platform)) if v}
        if query.page != 1:
            pairs["page"] = str(query.page)
        if query.size != DEFAULT_SIZE:
            pairs["size"] = str(query.size)
        return urlencode(pairs)

    def search(self, rows: Sequence[SettingRow]) -> list[SettingRow]:
        """Every row matching the text and the filters (all pages)."""
        return search_settings(
            rows,
            self.q,
            types=[self.type] if self.type else None,
            platforms=[self.platform] if self.platform else None,
        )


@dataclass(frozen=True)
class SettingsPage:
    """One page of the matches and the totals the count and pager show."""

    rows: list[SettingRow]
    page: int
    pages: int
    matched: int
    total: int
    size: int

    @property
    def first(self) -> int:
        """1-based index of the first row shown."""
        return (self.page - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """1-based index of the last row shown."""
        return self.first + len(self.rows) - 1 if self.rows else 0


def paginate(matched: list[SettingRow], query: SettingsQuery, total: int) -> SettingsPage:
    """The page the query asks for (the last one if it asks beyond)."""
    pages = max(1, math.ceil(len(matched) / query.size))
    page = min(query.page, pages)
    start = (page - 1) * query.size
    return SettingsPage(matched[start : start + query.size], page, pages, len(matched), total, query.size)


class TypeLabels:
    """Catalog labels of type keys (names, never keys)."""

    def __init__(self, catalog: Catalog) -> None:
        self._labels = {r.key: r.label for r in catalog}

    def __call__(self, key: str) -> str:
        return self._labels.get(key, key)


def row_values(row: SettingRow, labels: TypeLabels) -> list[str]:
    """A row's visible cells as text, in ``COLUMNS`` order."""
    return [
        row.name,
        row.value,
        row.policy_name,
        labels(row.type_key),
        row.platform or ANY_PLATFORM,
        row.category,
    ]


def type_filter(rows: Sequence[SettingRow], labels: TypeLabels) -> list[tuple[str, str]]:
    """(key, label) of the types that have setting rows, sorted by label."""
    return sorted({(r.type_key, labels(r.type_key)) for r in rows}, key=lambda pair: pair[1].casefold())


def platform_filter(rows: Sequence[SettingRow]) -> list[str]:
    """The platforms that occur in the rows, sorted."""
    return sorted({r.platform for r in rows if r.platform}, key=str.casefold)
