"""Formula injection: a tenant string written to a CSV or XLSX cell must never run as a formula.

A policy named ``=HYPERLINK("https://evil","open")`` becomes a live link when Excel opens a CSV
holding it; ``-2+3+cmd|' /C calc'!A0`` starts a program through DDE. OWASP's rule: a cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote,
which spreadsheets show as text. Two refinements keep the files readable and reversible:

- a cell that is only a number (``-1``, ``+2.5``) is left alone: a number runs nothing, and
  setting values such as ``-1`` are common;
- a cell that already starts with ``'`` gets a second one, so ``from_cell`` (which removes exactly
  one leading quote from a cell that needs it) gives back every original value exactly, and the
  assignments CSV round-trips through the write path.

XLSX cells are written as strings (never formulas) and formula-like ones carry Excel's own
``quotePrefix`` style (what typing a leading ``'`` does), so the cell holds the exact value and
stays text even when an admin edits it; see ``render/excel.py``.
"""

from __future__ import annotations

import re

__all__ = ["from_cell", "looks_like_formula", "to_cell"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (OWASP's leading characters, not a number)."""
    return text.startswith(_TRIGGERS) and _NUMBER.fullmatch(text) is None


def to_cell(text: str) -> str:
    """``text`` as a CSV cell that a spreadsheet shows as text: ``'`` before a formula-like value."""
    return f"'{text}" if looks_like_formula(text) or text.startswith("'") else text


def from_cell(cell: str) -> str:
    """The value ``to_cell`` was given: one leading ``'`` removed where ``to_cell`` adds one.

    A cell someone typed without the quote (``=x`` in a file edited by hand) is read as it is.
    """
    if cell.startswith("'"):
        rest = cell[1:]
        if looks_like_formula(rest) or rest.startswith("'"):
            return rest
    return cell
