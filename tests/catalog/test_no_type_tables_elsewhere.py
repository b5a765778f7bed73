"""Per-type facts live in the catalog: no type-name table anywhere else in the product (UX rule 15).

A "type-name table" is a dict literal, or a tuple/list of pairs, keyed by two or more catalog keys
or ``@odata.type`` names whose values are words (strings) or constants (``Platform.WINDOWS``):
exactly the shape of the platform and type-name guesses that used to disagree across pages.
So is a table whose values are platform words, at least one of them Intune's own
("iOS/iPadOS", "Windows 10 and later"): the prefix guesses (``("ios", "iOS/iPadOS")``) that
matched parts of ``@odata.type``. Dispatch and routing tables are not tables of facts: values
that are functions, catalog keys (an importer routing a foreign type to its record) or lower-case
field names (``"scope_tags"``); nor are plain sets of keys.
``catalog/`` owns the facts; ``emulator/`` is Graph's side and builds Graph's own data.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from intune_assistant.catalog import default_catalog, platforms
from intune_assistant.catalog.facts import RECORDS, SUBTYPES

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "intune_assistant"
OWNERS = ("catalog", "emulator")
FIELD = re.compile(r"[a-z_]+")
PLATFORM_WORDS = frozenset(
    {p.label for p in vars(platforms).values() if isinstance(p, platforms.Platform) and p.label}
    | {str(f) for f in platforms.DevicePlatform}
)


def _type_names() -> frozenset[str]:
    names = {r.key for r in default_catalog()} | set(RECORDS) | set(SUBTYPES)
    for record in default_catalog():
        names.update(record.odata_types)
    return frozenset(names)


def _name(node: ast.AST | None, names: frozenset[str]) -> bool:
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    return node.value.removeprefix("#microsoft.graph.") in names


def _fact(node: ast.AST, names: frozenset[str]) -> bool:
    """A value that states a fact (a word or a constant), not behaviour or routing."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value not in names and not FIELD.fullmatch(node.value)
    if isinstance(node, ast.Attribute):
        return True
    if isinstance(node, ast.Tuple):
        return all(isinstance(e, ast.Constant) for e in node.elts)
    return False


def _platform_words(pairs: list[tuple[ast.AST | None, ast.AST]]) -> list[str]:
    words = [v.value for _, v in pairs if isinstance(v, ast.Constant) and v.value in PLATFORM_WORDS]
    return words if len(words) >= 2 and any(" " in w or "/" in w for w in words) else []


def _pairs(node: ast.AST) -> list[tuple[ast.AST | None, ast.AST]]:
    if isinstance(node, ast.Dict):
        return list(zip(node.keys, node.values, strict=True))
    if isinstance(node, ast.Tuple | ast.List):
        return [(e.elts[0], e.elts[1]) for e in node.elts if isinstance(e, ast.Tuple) and len(e.elts) == 2]
    return []


def tables(tree: ast.AST, names: frozenset[str]) -> Iterator[tuple[int, list[str]]]:
    """(line, keys) of every type-name table in ``tree``."""
    for node in ast.walk(tree):
        words = _platform_words(_pairs(node))
        if words:
            yield node.lineno, words
            continue
        keys: list[str] = []
        if isinstance(node, ast.Dict):
            keys = [
                str(k.value) for k, v in zip(node.keys, node.values, strict=True) if _name(k, names) and _fact(v, names)
            ]  # type: ignore[union-attr]
        elif isinstance(node, ast.Tuple | ast.List):
            for element in node.elts:
                if isinstance(element, ast.Tuple) and len(element.elts) == 2:
                    first, second = element.elts
                    if _name(first, names) and _fact(second, names):
                        keys.append(str(first.value))  # type: ignore[attr-defined]
        if len(keys) >= 2:
            yield node.lineno, keys


def test_no_type_name_table_outside_the_catalog() -> None:
    names = _type_names()
    found: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in OWNERS:
            continue
        for line, keys in tables(ast.parse(path.read_text(encoding="utf-8")), names):
            found.append(f"{relative}:{line}: {', '.join(keys[:4])}")
    assert not found, "per-type tables belong in catalog/ (facts.py, platforms.py):\n" + "\n".join(found)


def test_the_scan_finds_the_tables_it_forbids() -> None:
    names = _type_names()
    source = (
        '_BY_TYPE = {"updateRings": Platform.WINDOWS, "shellScripts": Platform.MACOS}\n'
        '_PREFIXES = (("windowsKioskConfiguration", "Kiosk"), ("#microsoft.graph.win32LobApp", "Win32"))\n'
        '_BUILDERS = {"settingsCatalog": catalog_rows, "mobileApps": app_rows}\n'
        '_KEYS = frozenset({"settingsCatalog", "mobileApps"})\n'
        '_ROUTES = {"iosManagedAppProtection": "appProtectionIos", "groups": "scope_tags", "users": "users"}\n'
        '_KEY_PLATFORM = {"shellScripts": "macOS", "remediations": "Windows"}\n'
        '_WORDS = (("macos", "macOS"), ("ios", "iOS/iPadOS"), ("windows", "Windows"))\n'
        '_CASING = {"linux": "Linux", "macos": "macOS", "windows": "Windows", "ios": "iOS"}\n'
    )
    assert [line for line, _ in tables(ast.parse(source), names)] == [1, 2, 6, 7]
