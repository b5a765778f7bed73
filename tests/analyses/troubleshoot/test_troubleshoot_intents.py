"""App intent resolution (reference §4): the documented table, and intent before filters."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.analyses.troubleshoot.builder import Tenant, target

from intune_assistant.analyses.troubleshoot import Subject, Verdict, effective_assignments, resolve_intents
from intune_assistant.analyses.troubleshoot.intents import Via

R, A, U, AWE = "required", "available", "uninstall", "availableWithoutEnrollment"


@pytest.mark.parametrize(
    ("candidates", "resolved"),
    [
        # Same kind.
        ([("user", R), ("user", A)], "requiredAndAvailable"),
        ([("user", R), ("user", U)], R),
        ([("device", R), ("device", U)], R),
        ([("user", A), ("user", U)], U),
        # User vs device.
        ([("user", R), ("device", U)], R),
        ([("user", A), ("device", U)], A),
        ([("user", U), ("device", R)], R),
        ([("user", U), ("device", U)], U),
        ([("user", AWE), ("device", R)], "requiredAndAvailableWithoutEnrollment"),
        ([("user", AWE), ("device", U)], U),
        ([("user", AWE), ("device", R), ("device", A)], "requiredAndAvailable"),
    ],
)
def test_troubleshoot_documented_intent_rules(candidates: list[tuple[Via, str]], resolved: str) -> None:
    resolution = resolve_intents(candidates)
    assert resolution.resolved == resolved
    assert resolution.documented
    assert "inferred" not in resolution.text


def test_troubleshoot_undocumented_combination_says_it_is_inferred() -> None:
    resolution = resolve_intents([("user", U), ("device", A)])
    assert resolution.resolved == U
    assert not resolution.documented and "inferred" in resolution.text


def test_troubleshoot_unknown_intent_is_not_guessed() -> None:
    assert resolve_intents([("user", "sideload")]).resolved is None


_intents = st.sampled_from([R, A, U, AWE])
_vias = st.sampled_from(["user", "device"])


@given(st.lists(st.tuples(_vias, _intents), min_size=1, max_size=6), st.randoms())
def test_troubleshoot_intent_resolution_is_order_independent_and_required_always_counts(
    candidates: list[tuple[Via, str]], shuffle: random.Random
) -> None:
    resolution = resolve_intents(candidates)
    shuffled = list(candidates)
    shuffle.shuffle(shuffled)
    assert resolve_intents(shuffled) == resolution
    assert resolution.winners <= set(candidates)
    if any(intent == R for _, intent in candidates):
        assert resolution.resolved is not None and resolution.resolved.startswith("required")


def _app_case(required_filter_matches: bool) -> tuple[Verdict, str | None, str]:
    t = Tenant()
    ana = t.user("ana@test.example")
    laptop, entra = t.device("LAPTOP-1", user=ana, model="Latitude 7440")
    assert entra is not None
    rule = '(device.model -startsWith "Latitude")' if required_filter_matches else '(device.model -eq "Nothing")'
    only = t.filter("Only some", rule)
    t.app(
        "VPN client",
        [
            (target("group", t.group("VPN Users", users=(ana,)), filter_id=only, filter_mode="include"), R),
            (target("group", t.group("Retired Laptops", devices=(entra,))), U),
        ],
    )
    item = effective_assignments(t.snapshot(), Subject(ana, laptop)).find("VPN client")[0]
    return item.verdict, item.intent, item.summary


def test_troubleshoot_user_required_beats_device_uninstall() -> None:
    verdict, intent, summary = _app_case(required_filter_matches=True)
    assert (verdict, intent) == (Verdict.APPLIES, R)
    assert summary == "Targeted as Required through 'VPN Users'"


def test_troubleshoot_intent_resolves_before_filters() -> None:
    # Required wins over Uninstall first; then the Required assignment's filter decides: the
    # uninstall does not come back.
    verdict, intent, summary = _app_case(required_filter_matches=False)
    assert (verdict, intent) == (Verdict.FILTERED_OUT, R)
    assert "Include filter 'Only some' doesn't match" in summary
