"""``/assignments``: the query (in the URL) and the server-side filtering of the overview."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from intune_assistant.analyses.assignments import AssignmentOverview, AssignmentRow, PolicyAssignments
from intune_assistant.catalog import default_catalog

PER_PAGE = 50

TARGET_KINDS: tuple[tuple[str, str], ...] = (
    ("group", "Group"),
    ("allUsers", "All users"),
    ("allDevices", "All devices"),
    ("none", "Not assigned"),
    ("unknown", "Unknown"),
)


# Columns the list sorts by (``sort`` in the URL): the policy's name, its type (in the order the
# overview lists types), or its platform.
SORTS: tuple[tuple[str, str], ...] = (("policy", "Policy"), ("type", "Type"), ("platform", "Platform"))
DEFAULT_SORT = "type"


def _text(params: Mapping[str, str], key: str, limit: int = 200) -> str:
    return (params.get(key) or "").strip()[:limit]


@dataclass(frozen=True)
class AssignmentQuery:
    """The filters of the Assignments page, all in the query string."""

    q: str = ""
    type: str = ""
    platform: str = ""
    target: str = ""
    filter: str = ""
    tag: str = ""
    sort: str = DEFAULT_SORT
    dir: str = "asc"
    page: int = 1

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> AssignmentQuery:
        """Read the query string; unknown or malformed values fall back to "any"."""
        try:
            page = max(1, int(params.get("page") or 1))
        except ValueError:
            page = 1
        return cls(
            q=_text(params, "q"),
            type=_text(params, "type"),
            platform=_text(params, "platform"),
            target=_text(params, "target"),
            filter=_text(params, "filter"),
            tag=_text(params, "tag"),
            sort=sort if (sort := _text(params, "sort")) in dict(SORTS) else DEFAULT_SORT,
            dir="desc" if _text(params, "dir") == "desc" else "asc",
            page=page,
        )

    def params(self, **changes: object) -> str:
        """The query string of this query (with ``changes``), leaving out defaults."""
        values: dict[str, object] = {
            "q": self.q,
            "type": self.type,
            "platform": self.platform,
            "target": self.target,
            "filter": self.filter,
            "tag": self.tag,
            "sort": self.sort,
            "dir": self.dir,
            "page": self.page,
        }
        values.update(changes)
        if (values["sort"], values["dir"]) == (DEFAULT_SORT, "asc"):
            values["sort"] = values["dir"] = ""
        return urlencode({k: v for k, v in values.items() if v and not (k == "page" and v == 1)})

    @property
    def custom_sort(self) -> bool:
        """True when the list is not in its default order (the filter form then carries the sort)."""
        return (self.sort, self.dir) != (DEFAULT_SORT, "asc")

    def sort_url(self, column: str) -> str:
        """The page sorted by ``column`` (toggling the direction when it is already the sort), page 1."""
        direction = "desc" if self.sort == column and self.dir == "asc" else "asc"
        query = self.params(sort=column, dir=direction, page=1)
        return "/assignments" + (f"?{query}" if query else "")

    def aria_sort(self, column: str) -> str:
        """``ascending``/``descending`` for the sorted column, else ""."""
        if self.sort != column:
            return ""
        return "ascending" if self.dir == "asc" else "descending"

    def row_matches(self, row: AssignmentRow) -> bool:
        """True when ``row`` passes every filter of the query."""
        obj = row.object
        if self.q and self.q.casefold() not in obj.name.casefold():
            return False
        if self.type and obj.type_key != self.type:
            return False
        if self.platform and obj.platform != self.platform:
            return False
        if self.target and row.target_kind != self.target:
            return False
        if self.filter:
            if self.filter == "none" and row.filter is not None:
                return False
            if self.filter != "none" and (row.filter is None or row.filter.id != self.filter):
                return False
        return not self.tag or self.tag in obj.scope_tags


@dataclass(frozen=True)
class Matched:
    """The policies (with only their matching rows) that pass the query, and a page of them."""

    policies: tuple[PolicyAssignments, ...]
    total_policies: int
    page: int
    pages: int

    @property
    def rows(self) -> tuple[AssignmentRow, ...]:
        """Every matching row, all pages."""
        return tuple(row for policy in self.policies for row in policy.rows)

    @property
    def shown(self) -> tuple[PolicyAssignments, ...]:
        """The policies of the current page."""
        start = (self.page - 1) * PER_PAGE
        return self.policies[start : start + PER_PAGE]


def match(overview: AssignmentOverview, query: AssignmentQuery) -> Matched:
    """The overview narrowed by ``query``: a policy stays when one of its rows matches."""
    found: list[PolicyAssignments] = []
    for policy in overview.policies:
        if not policy.known:
            probe = AssignmentRow(policy.object, None, "unknown", "")
            if query.row_matches(probe):
                found.append(policy)
            continue
        rows = tuple(r for r in policy.rows if query.row_matches(r))
        if rows:
            found.append(PolicyAssignments(policy.object, rows, policy.known, policy.reason))
    found = sort_policies(found, overview, query.sort, descending=query.dir == "desc")
    pages = max(1, -(-len(found) // PER_PAGE))
    return Matched(tuple(found), len(overview.policies), min(query.page, pages), pages)


def sort_policies(
    policies: list[PolicyAssignments], overview: AssignmentOverview, sort: str, *, descending: bool = False
) -> list[PolicyAssignments]:
    """``policies`` ordered by the column ``sort`` (see ``SORTS``); ties by name, then id."""
    type_order = {key: i for i, key in enumerate(dict.fromkeys(p.object.type_key for p in overview.policies))}

    def key(policy: PolicyAssignments) -> tuple[Any, ...]:
        obj = policy.object
        name = (obj.name.casefold(), obj.id)
        if sort == "policy":
            return name
        if sort == "platform":
            return (obj.platform.casefold(), *name)
        return (type_order.get(obj.type_key, len(type_order)), *name)

    return sorted(policies, key=key, reverse=descending)


def choices(overview: AssignmentOverview) -> dict[str, list[tuple[str, str]]]:
    """The values the filter menus offer: (value, label) pairs, by name."""
    # The menu picks a catalog type; each object's own type name may be finer ("Kiosk").
    catalog = default_catalog()
    types = {
        p.object.type_key: catalog[p.object.type_key].label for p in overview.policies if p.object.type_key in catalog
    }
    platforms = {p.object.platform for p in overview.policies}
    tags = {t for p in overview.policies for t in p.object.scope_tags}
    filters = {r.filter.id: r.filter.name for r in overview.rows if r.filter is not None}
    return {
        "type": sorted(types.items(), key=lambda kv: kv[1].casefold()),
        "platform": [(p, p) for p in sorted(platforms, key=str.casefold)],
        "target": list(TARGET_KINDS),
        "filter": [("none", "No filter"), *sorted(filters.items(), key=lambda kv: kv[1].casefold())],
        "tag": [(t, t) for t in sorted(tags, key=str.casefold)],
    }
