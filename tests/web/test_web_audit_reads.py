"""A newer minute's audit read adds what the previous read did not hold and keeps the rest, inside the range."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from intune_assistant.web.audit_log import merged_events

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _event(event_id: str, minutes_ago: int, activity: str = "Patch") -> dict[str, Any]:
    when = (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"id": event_id, "activityDateTime": when, "activity": activity}


def test_the_overlap_is_read_once_and_older_events_stay() -> None:
    older = [_event("a", 20), _event("b", 10), _event("c", 60 * 24 * 8)]
    # The newer read starts 15 minutes before the previous one: "b" is read again, "d" is new.
    newer = [_event("d", 1), _event("b", 10, activity="Patch (as Graph now words it)")]
    merged = merged_events(newer, older, NOW - timedelta(days=30))
    assert [e["id"] for e in merged] == ["d", "b", "a", "c"]
    assert merged[1]["activity"] == "Patch (as Graph now words it)"


def test_events_that_left_the_range_are_dropped_and_undated_ones_kept() -> None:
    older = [_event("a", 60 * 24 * 8), _event("b", 60), {"id": "x", "activityDateTime": "not a date"}]
    merged = merged_events([], older, NOW - timedelta(days=7))
    assert [e["id"] for e in merged] == ["b", "x"]
