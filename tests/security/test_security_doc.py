"""docs/security.md names the test behind every claim: each name must be a test function in the repo."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
NAMED = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def _named_tests() -> list[tuple[str, str]]:
    return NAMED.findall((ROOT / "docs/security.md").read_text(encoding="utf-8"))


def _test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    }


def test_every_test_named_in_the_security_overview_exists() -> None:
    named = _named_tests()
    assert len(named) >= 40, "docs/security.md should name the tests behind its claims"
    missing = [f"{path}::{name}" for path, name in named if not (ROOT / path).is_file()]
    missing += [
        f"{path}::{name}"
        for path, name in named
        if (ROOT / path).is_file() and name not in _test_functions(ROOT / path)
    ]
    assert not missing, f"docs/security.md names tests that do not exist: {missing}"


def test_every_claim_row_names_at_least_one_test() -> None:
    rows = [
        line
        for line in (ROOT / "docs/security.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith(("| Claim", "|---"))
    ]
    assert rows and all(NAMED.search(row) for row in rows), [row for row in rows if not NAMED.search(row)]
