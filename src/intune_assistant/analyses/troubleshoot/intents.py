"""App intent resolution: which install intent wins when several assignments of one app reach a subject.

Intent resolves before filters (reference §4, TS/APPS): the winning intent's assignments are the
ones whose filters are then evaluated. The rules, from the reference:

Same kind (user+user or device+device): Required + Available → "Required and Available" (both
count); Required + Uninstall → Required; Available + Uninstall → Uninstall.

User vs device: user Required + device Uninstall → Required; user Available + device Uninstall →
Available; user Uninstall + device Required → Required; Uninstall + Uninstall → Uninstall; user
Available-without-enrollment (AWE) + device Required → "Required and Available without
enrollment"; AWE + device Uninstall → Uninstall (unless the user installs from Company Portal);
AWE loses to Required and to Required-and-Available.

Combinations the reference doesn't list (e.g. user Uninstall + device Available) are resolved by
the same-kind rules over all intents and marked ``documented=False`` so the reason says it's
our inference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["INTENT_LABELS", "IntentResolution", "Via", "resolve_intents"]

Via = Literal["user", "device"]

REQUIRED = "required"
AVAILABLE = "available"
UNINSTALL = "uninstall"
AWE = "availableWithoutEnrollment"
REQUIRED_AND_AVAILABLE = "requiredAndAvailable"
REQUIRED_AND_AWE = "requiredAndAvailableWithoutEnrollment"
_KNOWN = frozenset({REQUIRED, AVAILABLE, UNINSTALL, AWE})

INTENT_LABELS: dict[str, str] = {
    REQUIRED: "Required",
    AVAILABLE: "Available for enrolled devices",
    UNINSTALL: "Uninstall",
    AWE: "Available with or without enrollment",
    REQUIRED_AND_AVAILABLE: "Required and Available",
    REQUIRED_AND_AWE: "Required and Available without enrollment",
}


@dataclass(frozen=True)
class IntentResolution:
    """The resolved intent and which (via, intent) candidates carry it.

    ``resolved`` is None when a candidate has an intent we don't know (never guessed).
    """

    resolved: str | None
    winners: frozenset[tuple[Via, str]]
    text: str
    documented: bool


def _label(intent: str) -> str:
    return INTENT_LABELS.get(intent, intent)


def _same_kind(intents: frozenset[str]) -> tuple[str, frozenset[str], bool]:
    """(resolved, contributing intents, documented) for intents of one kind."""
    if REQUIRED in intents and AVAILABLE in intents:
        return REQUIRED_AND_AVAILABLE, frozenset({REQUIRED, AVAILABLE}), True
    if REQUIRED in intents:
        return REQUIRED, frozenset({REQUIRED}), True
    if AVAILABLE in intents and UNINSTALL in intents:
        return UNINSTALL, frozenset({UNINSTALL}), True
    if AVAILABLE in intents:
        return AVAILABLE, frozenset({AVAILABLE}), AWE not in intents
    if UNINSTALL in intents:
        return UNINSTALL, frozenset({UNINSTALL}), AWE not in intents
    return AWE, frozenset({AWE}), True


def _pick(
    candidates: frozenset[tuple[Via, str]], via: Via | None, intents: frozenset[str]
) -> frozenset[tuple[Via, str]]:
    return frozenset(c for c in candidates if (via is None or c[0] == via) and c[1] in intents)


# (user's resolved intent, device's resolved intent) → (result, which side carries it: "user",
# "device" or "both"), from the reference's user-vs-device list.
_CROSS: dict[tuple[str, str], tuple[str, str]] = {
    (REQUIRED, UNINSTALL): (REQUIRED, "user"),
    (AVAILABLE, UNINSTALL): (AVAILABLE, "user"),
    (UNINSTALL, REQUIRED): (REQUIRED, "device"),
    (UNINSTALL, UNINSTALL): (UNINSTALL, "both"),
    (AWE, REQUIRED): (REQUIRED_AND_AWE, "both"),
    (AWE, UNINSTALL): (UNINSTALL, "device"),
    (AWE, REQUIRED_AND_AVAILABLE): (REQUIRED_AND_AVAILABLE, "device"),
}


def resolve_intents(candidates: Iterable[tuple[Via, str | None]]) -> IntentResolution:
    """Resolve the intents of the assignments that reach a subject (``(via, intent)`` pairs)."""
    pairs = list(candidates)
    unknown = sorted({str(i) for _, i in pairs if i not in _KNOWN})
    if unknown or not pairs:
        text = f"install intent {', '.join(unknown)} isn't known, so the app's outcome can't be resolved"
        return IntentResolution(None, frozenset(), text if unknown else "no intent", False)
    known: frozenset[tuple[Via, str]] = frozenset((via, str(intent)) for via, intent in pairs)
    by_via = {via: frozenset(i for v, i in known if v == via) for via in ("user", "device")}
    kinds = [via for via in ("user", "device") if by_via[via]]
    if len(kinds) == 1:
        resolved, contributing, documented = _same_kind(by_via[kinds[0]])
        intents = by_via[kinds[0]]
        if len(intents) == 1:
            text = f"Intent: {_label(resolved)}"
        else:
            listed = " + ".join(_label(i) for i in sorted(intents))
            text = f"Intent: {listed} (same kind) resolve to {_label(resolved)}"
        return IntentResolution(resolved, _pick(known, None, contributing), _mark(text, documented), documented)

    user_result, user_from, user_doc = _same_kind(by_via["user"])
    device_result, device_from, device_doc = _same_kind(by_via["device"])
    rule = _CROSS.get((user_result, device_result))
    if rule is not None:
        resolved, side = rule
        winners: frozenset[tuple[Via, str]] = frozenset()
        if side in ("user", "both"):
            winners |= _pick(known, "user", user_from)
        if side in ("device", "both"):
            winners |= _pick(known, "device", device_from)
        text = (
            f"Intent: the user's {_label(user_result)} and the device's {_label(device_result)} "
            f"resolve to {_label(resolved)}"
        )
        if (user_result, device_result) == (AWE, UNINSTALL):
            text += " (unless the user installs it from Company Portal)"
        documented = user_doc and device_doc
        return IntentResolution(resolved, winners, _mark(text, documented), documented)
    resolved, contributing, _ = _same_kind(by_via["user"] | by_via["device"])
    text = (
        f"Intent: the user's {_label(user_result)} and the device's {_label(device_result)} "
        f"resolve to {_label(resolved)}"
    )
    if user_result == device_result:
        return IntentResolution(resolved, _pick(known, None, contributing), text, user_doc and device_doc)
    return IntentResolution(resolved, _pick(known, None, contributing), _mark(text, False), False)


def _mark(text: str, documented: bool) -> str:
    return text if documented else f"{text} (not documented by Microsoft; inferred from the same-kind rules)"
