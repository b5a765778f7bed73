"""Compare report as Markdown (for git, wikis and tickets): summary, then one table per object."""

from __future__ import annotations

import re

from intune_assistant.analyses.compare import CompareKind, Comparison, status_label

from .view import baseline_lists, object_status, side_headings, summary_counts, title, uncovered, visible

__all__ = ["render_markdown"]

# Characters that Markdown would read as markup inside a table cell or a heading.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def cell(text: str) -> str:
    """``text`` safe inside a Markdown table cell: markup escaped, line breaks kept as <br>."""
    escaped = _SPECIAL.sub(r"\\\1", text)
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def _value(value: str | None) -> str:
    return "—" if value is None else cell(value) or "(empty)"


def render_markdown(comparison: Comparison, *, only_differences: bool = False) -> str:
    """The comparison as a Markdown document."""
    left, right = side_headings(comparison)
    lines = [f"# {cell(title(comparison))}", ""]
    lines += [f"| | {cell(left)} | {cell(right)} |", "|---|---|---|"]
    lines.append(f"| Tenant | {cell(comparison.left.tenant or '')} | {cell(comparison.right.tenant or '')} |")
    lines += [f"| Source | {cell(comparison.left.origin)} | {cell(comparison.right.origin)} |", ""]
    counts = ", ".join(f"{n} {words}" for _, n, words in summary_counts(comparison))
    lines += ["## Summary", "", f"**{'Aligned' if comparison.aligned else 'Not aligned'}.** {counts}", ""]
    if comparison.scores:
        lines += ["| Scope | Name | Matched settings | Score |", "|---|---|---|---|"]
        lines += [
            f"| {s.scope} | {cell(s.name)} | {s.matched} of {s.expected} | {s.percent:.1f}% |"
            for s in comparison.scores
        ]
        lines.append("")
    if comparison.not_compared:
        lines += ["## Not compared", ""]
        lines += [f"- **{cell(n.type_label)}**: {cell(n.reason)}" for n in comparison.not_compared]
        lines.append("")
    if comparison.kind is CompareKind.BASELINE:
        return "\n".join(lines + _baseline(comparison, only_differences, left, right))
    lines += ["## Objects", ""]
    views = visible(comparison, only_differences)
    if not views:
        lines += ["No objects to show.", ""]
    for view in views:
        obj = view.obj
        lines.append(f"### {cell(obj.name)} ({cell(obj.type_label)}): {object_status(comparison, obj)}")
        lines.append("")
        facts = [f"Platform: {cell(obj.platform)}"] if obj.platform else []
        if obj.match is not None:
            score = f" ({obj.match.score:.0%} of settings)" if obj.match.score is not None else ""
            facts.append(f"Matched by {obj.match.method}{score}")
        if obj.renamed and obj.left is not None:
            facts.append(f"Left name: {cell(obj.left.name)}")
        if obj.note:
            facts.append(cell(obj.note))
        if facts:
            lines += ["; ".join(facts), ""]
        if view.settings:
            lines += [f"| Setting | {cell(left)} | {cell(right)} | Status |", "|---|---|---|---|"]
            for s in view.settings:
                name = cell(s.name) + (" (deprecated)" if s.deprecated else "")
                status = status_label(comparison.kind, s.status)
                lines.append(
                    f"| {name}<br>`{s.setting_id.replace('`', '')}` | {_value(s.left)} | {_value(s.right)} | {status} |"
                )
            lines.append("")
        if view.assignments:
            lines += [f"| Assignment | {cell(left)} | {cell(right)} | Status |", "|---|---|---|---|"]
            for a in view.assignments:
                status = status_label(comparison.kind, a.status)
                lines.append(f"| {cell(a.target)} | {_value(a.left)} | {_value(a.right)} | {status} |")
            lines.append("")
    return "\n".join(lines)


def _baseline(comparison: Comparison, only_differences: bool, left: str, right: str) -> list[str]:
    """The baseline's lists (configured differently, conflicting, missing, matching) and uncovered policies."""
    lines: list[str] = []
    for found in baseline_lists(comparison, only_differences):
        lines += [f"## {found.heading} ({len(found.settings)})", "", found.meaning, ""]
        if not found.settings:
            continue
        lines += [f"| Setting | Area | Baseline policy | {cell(left)} | {cell(right)} |", "|---|---|---|---|---|"]
        for s in found.settings:
            where = "<br>".join(f"{cell(v.value)} ({cell(v.where)})" for v in s.found) or "—"
            lines.append(
                f"| {cell(s.name)}<br>`{s.setting_id.replace('`', '')}` | {cell(s.area)} | {cell(s.baseline_policy)}"
                f" | {_value(s.expected)} | {where} |"
            )
        lines.append("")
    extra = uncovered(comparison)
    lines += [f"## Tenant policies the baseline does not cover ({len(extra)})", ""]
    lines += [f"- {cell(o.name)} ({cell(o.type_label)})" for o in extra] or ["None."]
    lines.append("")
    return lines
