"""``/troubleshoot``: the subject from the URL, verdicts with reasons, resultant settings, what-if.

Everything here is computation over the collected snapshot; the what-if changes a copy and is
never saved.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from intune_assistant.analyses.troubleshoot import (
    AddToGroup,
    Change,
    EffectiveAssignments,
    PreparedObjects,
    RemoveFromGroup,
    ResultantSettings,
    SubjectError,
    WhatIf,
    effective_assignments,
    find_device,
    find_user,
    resolve_subject,
    resultant_settings,
    what_if,
)

from ..analyses import TARGETING, Tenant
from ..derived import Analysis, Derived

ACTIONS = (("add", "Add to group"), ("remove", "Remove from group"))


@dataclass(frozen=True)
class TroubleshootQuery:
    """The subject and the what-if, all from the query string."""

    user: str = ""
    device: str = ""
    show_all: bool = False
    action: str = ""
    group: str = ""
    member: str = ""

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> TroubleshootQuery:
        """Read the query string (values are trimmed and bounded)."""

        def text(key: str) -> str:
            return (params.get(key) or "").strip()[:300]

        return cls(
            user=text("user"),
            device=text("device"),
            show_all=text("all") in ("1", "true", "on"),
            action=text("action") if text("action") in ("add", "remove") else "",
            group=text("group"),
            member=text("member") if text("member") in ("user", "device") else "",
        )

    @property
    def subject_key(self) -> TroubleshootQuery:
        """What the answer depends on (who, and the what-if), without how it is shown: the cache key."""
        return replace(self, show_all=False)

    @property
    def asked(self) -> bool:
        """True when a user or a device was given."""
        return bool(self.user or self.device)

    @property
    def wants_what_if(self) -> bool:
        """True when the what-if form was submitted completely."""
        return bool(self.action and self.group and self.member)


@dataclass
class Answer:
    """What the page shows for one subject."""

    effective: EffectiveAssignments | None = None
    resultant: ResultantSettings | None = None
    whatif: WhatIf | None = None
    error: str | None = None
    whatif_error: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


def answer(
    tenant: Tenant,
    query: TroubleshootQuery,
    prepared: PreparedObjects | None = None,
    rows_by_policy: Mapping[tuple[str, str], Sequence[Any]] | None = None,
) -> Answer:
    """Verdicts for the subject, the device's resultant settings and the what-if, if asked.

    ``prepared`` and ``rows_by_policy`` are the snapshot's analyses that do not depend on the
    subject (``TROUBLESHOOT_OBJECTS``, ``SETTINGS_BY_POLICY``), computed once per generation.
    """
    result = Answer()
    if not query.asked:
        return result
    try:
        subject = resolve_subject(tenant.directory, user=query.user or None, device=query.device or None)
    except SubjectError as exc:
        result.error = str(exc)
        return result
    result.effective = effective_assignments(
        tenant.snapshot, subject, tenant.catalog, directory=tenant.directory, prepared=prepared
    )
    for item in result.effective.items:
        result.counts[item.verdict.value] = result.counts.get(item.verdict.value, 0) + 1
    if subject.device_id is not None:
        result.resultant = resultant_settings(
            tenant.snapshot, result.effective, tenant.catalog, rows_by_policy=rows_by_policy
        )
    if query.wants_what_if:
        try:
            change = _change(tenant, query)
            result.whatif = what_if(tenant.snapshot, subject, [change], tenant.catalog)
        except (SubjectError, ValueError) as exc:
            result.whatif_error = str(exc)
    return result


def _change(tenant: Tenant, query: TroubleshootQuery) -> Change:
    """The what-if change the form describes."""
    if query.group not in tenant.directory.groups:
        raise ValueError("choose a group of this tenant")
    if query.member == "user":
        if not query.user:
            raise ValueError("give a user above to add or remove the user")
        member_id = find_user(tenant.directory, query.user)
    else:
        if not query.device:
            raise ValueError("give a device above to add or remove the device")
        member_id = find_device(tenant.directory, query.device)
    kind: Literal["user", "device"] = "user" if query.member == "user" else "device"
    if query.action == "add":
        return AddToGroup(query.group, member_id, kind)
    return RemoveFromGroup(query.group, member_id, kind)


# How many suggestions the user and device fields offer for what was typed.
MAX_SUGGESTIONS = 20


@dataclass(frozen=True)
class Names:
    """Names sorted for display, with their lower-cased forms prepared once for matching."""

    names: tuple[str, ...]
    folded: tuple[str, ...]

    @classmethod
    def of(cls, names: set[str]) -> Names:
        """``names`` sorted case-insensitively."""
        ordered = tuple(sorted(names, key=str.casefold))
        return cls(ordered, tuple(n.casefold() for n in ordered))

    def matching(self, typed: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
        """Up to ``limit`` names holding ``typed`` (case-insensitive), those starting with it first."""
        word = typed.strip().casefold()[:300]
        if not word:
            return []
        starts = [n for n, f in zip(self.names, self.folded, strict=True) if f.startswith(word)][:limit]
        if len(starts) < limit:
            inside = (n for n, f in zip(self.names, self.folded, strict=True) if word in f and not f.startswith(word))
            starts.extend(itertools.islice(inside, limit - len(starts)))
        return starts


@dataclass(frozen=True)
class Subjects:
    """The users (by UPN) and devices (by name) a Troubleshoot subject can be."""

    users: Names
    devices: Names


def _subjects(derived: Derived) -> Subjects:
    directory = derived.value(TARGETING).directory
    return Subjects(
        users=Names.of({directory.user_label(u) for u in directory.users}),
        devices=Names.of({directory.device_label(d) for d in directory.devices}),
    )


SUBJECTS: Analysis[Subjects] = Analysis("troubleshoot subjects", _subjects)
"""UPNs and device names for the fields' suggestions as you type."""


def _group_names(derived: Derived) -> list[tuple[str, str]]:
    directory = derived.value(TARGETING).directory
    return sorted(((g, directory.group_name(g)) for g in directory.groups), key=lambda g: g[1].casefold())


GROUP_NAMES: Analysis[list[tuple[str, str]]] = Analysis("group names", _group_names)
"""(id, name) of every group, by name: the what-if's group picker."""
