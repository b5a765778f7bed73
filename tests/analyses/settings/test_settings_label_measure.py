"""How close the labels we derive from legacy property names come to the admin center's own labels.

The product ships IntuneManagement's labels for the properties it knows; this measures the fallback
for the rest (``readable_label``). The oracle is the same portal strings, as a fixture
(tests/fixtures/reference-data, MIT, reduced to the labels). "Exact" means the
same words; "close" means the portal's words are a near match (same words in another order,
half or more of the words shared, or nearly the same text) or all found in our label.
Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import difflib
import json
import re

from tests.support import REFERENCE

from intune_assistant.analyses.settings import readable_label

LABELS = REFERENCE / "intunemanagement-legacy" / "labels-by-odata-type.json"
_STOP = frozenset({"the", "a", "an", "to", "of", "for", "in", "on", "be", "is", "are", "and", "or"})


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split()


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _bag(text: str) -> set[str]:
    return {_stem(w) for w in _words(text) if w not in _STOP}


def _close(ours: str, portal: str) -> bool:
    a, b = _bag(ours), _bag(portal)
    if not a or not b:
        return False
    jaccard = len(a & b) / len(a | b)
    ratio = difflib.SequenceMatcher(None, " ".join(_words(ours)), " ".join(_words(portal))).ratio()
    return jaccard >= 0.5 or ratio >= 0.8 or b <= a


def test_share_of_legacy_labels_matching_the_portal() -> None:
    labels: dict[str, dict[str, str]] = json.loads(LABELS.read_text("utf-8"))  # @odata.type → property → label
    total = exact = close = 0
    for properties in labels.values():
        for prop, portal in properties.items():
            if not re.fullmatch(r"[A-Za-z0-9]+", prop):
                continue
            total += 1
            ours = readable_label(prop)
            if _words(ours) == _words(portal):
                exact += 1
                close += 1
            elif _close(ours, portal):
                close += 1
    print(f"\nlegacy labels: {total} properties, exact {exact / total:.1%}, exact or close {close / total:.1%}")
    assert total > 2500
    # Measured 15.0% exact and 56.2% exact-or-close: the portal often rewords ("Block camera" for
    # cameraBlocked); these floors catch a regression in how names are split and spelled.
    assert exact / total >= 0.14
    assert close / total >= 0.53
