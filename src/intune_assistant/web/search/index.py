"""The top-bar search's index: one row per findable thing, built once per snapshot generation.

It is a ``web.listing`` table (search by words, a filter menu by kind), so searching it costs a
few ``str.find`` calls over one joined string, however large the tenant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from intune_assistant.analyses.settings import SettingRow
from intune_assistant.catalog import filter_platform_label

from ..analyses import Tenant
from ..listing import Column, Facet, Listing, ListState, Table
from ..objects.links import object_url
from ..policies.rows import PolicyRow

# Kinds in the order results are shown, with their headings.
KINDS: dict[str, str] = {
    "policy": "Policies",
    "group": "Groups",
    "user": "Users",
    "device": "Devices",
    "filter": "Filters",
    "setting": "Settings",
}
PER_KIND = 8


@dataclass(frozen=True)
class Hit:
    """Something the search finds: its kind, name, a detail line, and the page it opens."""

    kind: str
    name: str
    detail: str
    url: str


SEARCH: Listing[Hit] = Listing(
    view="search",
    path="/search",
    columns=(
        Column("name", "Name", lambda h: h.name),
        Column("kind", "Kind", lambda h: KINDS[h.kind][:-1] if h.kind != "policy" else "Policy"),
        Column("detail", "Detail", lambda h: h.detail),
    ),
    default_sort="name",
    facets=(Facet("kind", "Kind", lambda h: (h.kind,), KINDS.__getitem__, "Every kind"),),
    search=lambda h: f"{h.name}\n{h.detail}",
    noun="results",
)


def _text(obj: Mapping[str, Any], *fields: str) -> str:
    for field in fields:
        value = obj.get(field)
        if isinstance(value, str) and value:
            return value
    return ""


def _hits(tenant: Tenant, policies: Iterable[PolicyRow], settings: Iterable[SettingRow]) -> list[Hit]:
    directory = tenant.directory
    hits = [
        Hit(
            "policy",
            row.name,
            " · ".join(p for p in (row.type_label, row.platform) if p),
            object_url(row.type_key, row.object_id),
        )
        for row in policies
    ]
    for gid in directory.groups:
        kind = "Dynamic group" if directory.is_dynamic(gid) else "Assigned group"
        hits.append(Hit("group", directory.group_name(gid), kind, f"/groups/{quote(gid, safe='')}"))
    for user in directory.users.values():
        upn = _text(user, "userPrincipalName")
        name = _text(user, "displayName") or upn
        if name:
            hits.append(Hit("user", name, upn, "/troubleshoot?" + urlencode({"user": upn or name})))
    for mid, device in directory.devices.items():
        name = directory.device_label(mid)
        owner = device.get("userId")
        owner_label = directory.user_label(owner) if isinstance(owner, str) and owner else ""
        detail = " · ".join(p for p in (_text(device, "operatingSystem"), owner_label) if p)
        hits.append(Hit("device", name, detail, "/troubleshoot?" + urlencode({"device": name})))
    for fid, obj in directory.filters.items():
        hits.append(
            Hit(
                "filter",
                directory.filter_name(fid),
                filter_platform_label(obj.get("platform")),
                f"/filters/{quote(fid, safe='')}",
            )
        )
    counts = Counter(row.name for row in settings)
    for name, count in counts.items():
        detail = f"set in {count} place{'s' if count != 1 else ''}"
        hits.append(Hit("setting", name, detail, "/settings?" + urlencode({"q": name})))
    return hits


def build_index(tenant: Tenant, policies: Iterable[PolicyRow], settings: Iterable[SettingRow]) -> Table[Hit]:
    """Every policy, group, user, device, filter and setting name of the snapshot, searchable."""
    return Table(SEARCH, _hits(tenant, policies, settings))


@dataclass(frozen=True)
class KindResults:
    """The first hits of one kind and how many there are in all."""

    kind: str
    heading: str
    hits: list[Hit]
    total: int
    more_url: str


def grouped(table: Table[Hit], state: ListState, per_kind: int = PER_KIND) -> list[KindResults]:
    """The hits grouped by kind (kinds in a fixed order), names starting with the search first."""
    found: dict[str, list[Hit]] = {kind: [] for kind in KINDS}
    for hit in table.select(state):
        found[hit.kind].append(hit)
    start = state.q.casefold()
    results = []
    for kind, hits in found.items():
        if not hits:
            continue
        first = sorted(hits, key=lambda h: not h.name.casefold().startswith(start))[:per_kind]
        results.append(KindResults(kind, KINDS[kind], first, len(hits), state.url(kind=kind, page=1)))
    return results
