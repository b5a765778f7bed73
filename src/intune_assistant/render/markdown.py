"""Markdown: one file with a linked table of contents, or one file per policy plus an index.

Every heading carries an explicit ``<a id>`` anchor (unique in the document), so links do not
depend on how a Markdown viewer derives anchors from heading text. Text is escaped so that
names with ``|``, ``*`` or ``<`` cannot break tables or inject markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import IO

from intune_assistant.analyses.settings import SettingRow

from .common import (
    ASSIGNMENT_HEADERS,
    CA_FINDING_HEADERS,
    CA_GAPS_TITLE,
    CA_POLICY_HEADERS,
    CA_TITLE,
    FINDING_HEADERS,
    GRANT_HEADERS,
    HEALTH_HEADERS,
    HEALTH_TITLE,
    ROLES_TITLE,
    assignment_cells,
    ca_finding_cells,
    ca_policy_cells,
    finding_cells,
    grant_cells,
    health_cells,
    is_block,
    policy_facts,
    setting_label,
    subtitle,
)
from .document import Document, PolicyDoc

__all__ = ["markdown_pages", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!])")


def escape(text: str) -> str:
    """``text`` safe in Markdown prose and table cells (one line)."""
    return _SPECIAL.sub(r"\\\1", text).replace("\r", "").replace("\n", "<br>")


def _code(text: str) -> str:
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    # GFM splits table cells on "|" even inside code spans; "\|" keeps it in the cell.
    cell = text.replace("|", "\\|")
    return f"{fence} {cell} {fence}"


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    headers = list(headers)
    lines = ["| " + " | ".join(escape(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(rows_cell for rows_cell in row) + " |" for row in rows]
    return lines


def _block(name: str, value: str) -> list[str]:
    fence = "`" * max(3, max((len(m) for m in re.findall(r"`{3,}", value)), default=0) + 1)
    return ["", f"**{escape(name)}**", "", fence, value.rstrip("\n"), fence]


def _settings(rows: tuple[SettingRow, ...]) -> list[str]:
    if not rows:
        return ["", "_No configured settings._"]
    cells = []
    blocks: list[str] = []
    for row in rows:
        value = row.value
        if is_block(value):
            blocks += _block(f"{row.category} > {row.name}" if row.category else row.name, value)
            value = "(shown below)"
        cells.append([escape(row.category), escape(setting_label(row)), escape(value), _code(row.setting_id)])
    return ["", *_table(("Category", "Setting", "Value", "Setting ID"), cells), *blocks]


def _policy(policy: PolicyDoc, level: int) -> list[str]:
    heading = "#" * level
    lines = [f'<a id="{policy.anchor}"></a>', "", f"{heading} {escape(policy.name)}", ""]
    lines += [f"- **{label}:** {escape(value)}" for label, value in policy_facts(policy)]
    if policy.assignments is not None:
        lines += ["", f"{heading}# Assignments", ""]
        if policy.assignments:
            lines += _table(ASSIGNMENT_HEADERS, ([escape(c) for c in assignment_cells(a)] for a in policy.assignments))
        else:
            lines.append("_Not assigned._")
    lines += ["", f"{heading}# Settings", *_settings(policy.rows), ""]
    return lines


def _header(document: Document, link: Callable[[PolicyDoc], str]) -> list[str]:
    lines = [f"# {escape(document.title)}", "", escape(subtitle(document)), ""]
    if document.definitions_note:
        lines += [f"> {escape(document.definitions_note)}", ""]
    lines += ['<a id="contents"></a>', "", "## Contents", ""]
    if document.health:
        lines.append(f"- [{HEALTH_TITLE}](#tenant-health)")
    if document.roles is not None:
        lines.append(f"- [{ROLES_TITLE}](#roles)")
    if document.conditional_access is not None:
        lines.append(f"- [{CA_TITLE}](#conditional-access)")
    for section in document.sections:
        lines.append(f"- [{escape(section.label)}](#{section.anchor}) ({len(section.policies)})")
        lines += [f"  - [{escape(p.name)}]({link(p)})" for p in section.policies]
    lines += ["", '<a id="coverage"></a>', "", "## What was read", ""]
    coverage = ([escape(c.label), escape(c.status), str(c.count), escape(c.note or "")] for c in document.coverage)
    lines += _table(("Type", "Status", "Objects", "Note"), coverage)
    if document.health:
        lines += ["", '<a id="tenant-health"></a>', "", f"## {HEALTH_TITLE}", ""]
        lines += _table(HEALTH_HEADERS, ([escape(c) for c in health_cells(i)] for i in document.health))
    if document.roles is not None:
        lines += ["", '<a id="roles"></a>', "", f"## {ROLES_TITLE}", "", "### Findings", ""]
        lines += _table(FINDING_HEADERS, ([escape(c) for c in finding_cells(f)] for f in document.roles.findings))
        lines += ["", "### Who can do what", ""]
        lines += _table(GRANT_HEADERS, ([escape(c) for c in grant_cells(g)] for g in document.roles.grants))
    ca = document.conditional_access
    if ca is not None:
        lines += ["", '<a id="conditional-access"></a>', "", f"## {CA_TITLE}", ""]
        lines += _table(CA_POLICY_HEADERS, ([escape(c) for c in ca_policy_cells(p)] for p in ca.policies))
        lines += ["", f"### {CA_GAPS_TITLE}", ""]
        if ca.findings:
            lines += _table(CA_FINDING_HEADERS, ([escape(c) for c in ca_finding_cells(f)] for f in ca.findings))
        else:
            lines.append("No gaps found." if not ca.gaps else "No gaps found in what could be read.")
        lines += [f"- Not read: {escape(g.label)} — {escape(g.reason)}" for g in ca.gaps]
    return [*lines, ""]


def render_markdown(document: Document, out: IO[bytes], *, on_policy: Callable[[str], None] | None = None) -> None:
    """Write ``document`` as one Markdown file with a linked table of contents to ``out``."""
    lines = _header(document, lambda p: f"#{p.anchor}")
    for section in document.sections:
        lines += [f'<a id="{section.anchor}"></a>', "", f"## {escape(section.label)}", ""]
        for policy in section.policies:
            lines += _policy(policy, 3)
            if on_policy:
                on_policy(policy.name)
    out.write(("\n".join(lines) + "\n").encode("utf-8"))


def markdown_pages(document: Document, *, on_policy: Callable[[str], None] | None = None) -> list[tuple[str, bytes]]:
    """``document`` as ``index.md`` and one page per policy: (file name, content), index first."""
    pages: list[tuple[str, bytes]] = []
    index = _header(document, lambda p: f"{p.anchor}.md")
    for section in document.sections:
        index += [f'<a id="{section.anchor}"></a>', "", f"## {escape(section.label)}", ""]
        index += [f"- [{escape(p.name)}]({p.anchor}.md)" for p in section.policies]
        index.append("")
        for policy in section.policies:
            back = [f"[Index](index.md) › [{escape(section.label)}](index.md#{section.anchor})", ""]
            pages.append((f"{policy.anchor}.md", ("\n".join(back + _policy(policy, 1)) + "\n").encode("utf-8")))
            if on_policy:
                on_policy(policy.name)
    return [("index.md", ("\n".join(index) + "\n").encode("utf-8")), *pages]
