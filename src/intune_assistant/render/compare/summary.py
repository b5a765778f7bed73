"""A short plain-text summary of a comparison, for a terminal line or a chat webhook."""

from __future__ import annotations

from typing import Any

from intune_assistant.analyses.compare import Comparison

from .view import object_status, summary_counts, title

# Chat messages stay short: the report has everything.
NAMED_OBJECTS = 10


def comparison_summary(comparison: Comparison, report: str | None = None) -> str:
    """Title, verdict with counts, the first objects that differ, what could not be compared, the report's name."""
    counts = ", ".join(f"{n} {words}" for _, n, words in summary_counts(comparison))
    verdict = "No drift" if comparison.aligned else "Drift found"
    lines = [title(comparison), f"{verdict}: {counts or 'nothing to compare'}"]
    differing = comparison.differences
    for obj in differing[:NAMED_OBJECTS]:
        lines.append(f"- {obj.type_label}: {obj.name} ({object_status(comparison, obj)})")
    if len(differing) > NAMED_OBJECTS:
        lines.append(f"- and {len(differing) - NAMED_OBJECTS} more")
    lines += [f"- not compared: {note.type_label}: {note.reason}" for note in comparison.not_compared]
    if report:
        lines.append(f"Report: {report}")
    return "\n".join(lines)


def webhook_message(text: str) -> dict[str, Any]:
    """The body an incoming webhook takes: ``{"text": ...}`` is what Slack's and Teams' both accept."""
    return {"text": text}
