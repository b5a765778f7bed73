"""``/assignments``: the query (in the URL) and the server-side filtering of the overview."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
            "page": self.page,
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v and not (k == "page" and v == 1)})

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
    pages = max(1, -(-len(found) // PER_PAGE))
    return Matched(tuple(found), len(overview.policies), min(query.page, pages), pages)


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
