"""Object file names: readable, portable, unique."""

from __future__ import annotations

import pytest

from intune_assistant.snapshot.filenames import MAX_SLUG, ObjectFileNamer, slugify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Baseline - Windows 11", "Baseline_-_Windows_11"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("Sécurité Défense", "Securite_Defense"),
        ("日本語", "object"),
        ("", "object"),
        ("...", "object"),
        ("CON", "_CON"),
        ("con.policy", "_con.policy"),
        ("LPT1", "_LPT1"),
        ("CONSOLE", "CONSOLE"),
        ("trailing. ", "trailing"),
    ],
)
def test_slugify(text: str, expected: str) -> None:
    assert slugify(text) == expected


def test_slug_is_short_and_ascii() -> None:
    slug = slugify("ü" * 50 + "x" * 500)
    assert len(slug) <= MAX_SLUG
    assert slug.isascii()


def test_names_never_collide_even_ignoring_case() -> None:
    namer = ObjectFileNamer()
    names = [
        namer.name_for("Same", {"displayName": "Same"}),
        namer.name_for("Same", {"displayName": "Same"}),
        namer.name_for("same", {"displayName": "same"}),
        namer.name_for("Same", {"id": "abc"}),
        namer.name_for("Same", {"id": "ABC"}),
    ]
    assert len({n.casefold() for n in names}) == len(names)
    assert names[3] == "Same__abc.json"


def test_unsafe_or_long_ids_are_hashed() -> None:
    namer = ObjectFileNamer()
    assert namer.name_for("x", {"id": "a/b"}).startswith("x__id-")
    assert namer.name_for("x", {"id": "a" * 200}).startswith("x__id-")
    assert namer.name_for("x", {"id": "0"}) == "x__0.json"
