"""Fuzzing every importer, snapshots, the archive reader, the filter parser and every CSV input with hypothesis.

One file of a real export is replaced by hostile content — random bytes, truncated or garbled
JSON and YAML, other encodings, deep nesting, YAML alias bombs and self-references, huge values
— and the import must not crash: the file is read, or it is a problem with a reason in words
(never a Python type name), and the good files beside it still load. The CSV inputs and the
filter parser may only refuse with their own error.

Profiles: the suite runs ``suite`` (a few hundred examples in all); ``INTUNE_ASSISTANT_FUZZ=fuzz``
runs 10,000 examples per test (``benchmarks/fuzz.py`` does that and prints the figures).
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support import SAMPLES

from intune_assistant.analyses.assignments import Directory
from intune_assistant.analyses.filters import FilterSyntaxError, parse_rule
from intune_assistant.catalog import default_catalog
from intune_assistant.changes import changes_from_assignments_csv
from intune_assistant.changes.commercial_csv import changes_from_commercial_csv
from intune_assistant.changes.objects import AssignableObjects
from intune_assistant.collect.importers import (
    ArchiveError,
    ExportFile,
    ExportTree,
    folder_tree,
    import_tree,
    zip_tree,
)
from intune_assistant.collect.importers.encoding import decode_text
from intune_assistant.collect.importers.errors import UnknownFormatError
from intune_assistant.snapshot import LoadProblem, Snapshot, SnapshotError, load_snapshot_files, snapshot_zip

from ..changes.test_plan_assignments import make_snapshot

_COMMON = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}
settings.register_profile("suite", max_examples=60, **_COMMON)  # type: ignore[arg-type]
settings.register_profile(
    "fuzz", max_examples=int(os.environ.get("INTUNE_ASSISTANT_FUZZ_EXAMPLES", "10000")), **_COMMON
)  # type: ignore[arg-type]
FUZZ = settings.get_profile(os.environ.get("INTUNE_ASSISTANT_FUZZ", "suite"))
CATALOG = default_catalog()
# A reason shown to the user never reads like Python: no exception or type names.
PYTHONIC = re.compile(r"Traceback|Error\b|Exception|NoneType|\bdict\b|\blist\b|object at 0x")


def _yaml_of(value: object) -> bytes:
    import yaml

    return yaml.safe_dump(value, allow_unicode=True).encode("utf-8")


def _hostile(valid: bytes, *, yaml_text: bool = False) -> st.SearchStrategy[bytes]:
    """Content a broken, malicious or mis-encoded export file could hold, built from ``valid``."""
    text = decode_text(valid)
    opener, closer = (b"- ", b"") if yaml_text else (b"[", b"]")
    strategies: list[st.SearchStrategy[bytes]] = [
        st.binary(max_size=4096),
        st.integers(0, len(valid)).map(lambda n: valid[:n]),
        st.lists(st.tuples(st.integers(0, max(len(valid) - 1, 0)), st.integers(0, 255)), min_size=1, max_size=8).map(
            lambda edits: bytes(dict(edits).get(i, b) for i, b in enumerate(valid))
        ),
        st.sampled_from(["utf-16-le", "utf-16-be", "utf-16", "utf-32", "latin-1", "cp1252", "utf-8-sig"]).map(
            lambda encoding: text.encode(encoding, errors="replace")
        ),
        st.integers(1, 120_000).map(lambda n: b"[" * n + b"]" * n),
        st.integers(1, 60_000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
        st.integers(1, 3).map(lambda n: b'{"displayName": "' + b"x" * (n * 2_000_000) + b'"}'),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
            max_leaves=30,
        ).map(lambda value: json.dumps(value).encode()),
        st.text(max_size=300).map(lambda t: t.encode("utf-8", errors="surrogatepass")),
    ]
    if yaml_text:
        strategies += [
            # Billion laughs: each level refers to the one before ten times.
            st.integers(3, 12).map(
                lambda depth: (
                    "a0: &a0 [lol]\n"
                    + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, depth))
                ).encode()
            ),
            st.just(b"&a [*a]\n"),  # a list that holds itself
            st.integers(1, 50_000).map(lambda n: b"\n".join(b"  " * i + b"- x" for i in range(min(n, 3000)))),
            st.integers(1, 120_000).map(lambda n: opener * n + b"x" + closer),
            st.sampled_from(
                [b"!!python/object:os.system {}", b"? [a]\n: b", b"%YAML 9.9\n---\nx", b"{a: !!binary zz}"]
            ),
        ]
    return st.one_of(*strategies)


def _with(tree: ExportTree, path: str, content: bytes, *, rename: str | None = None) -> ExportTree:
    files = tuple(
        ExportFile(rename or f.path, len(content), None, lambda: content) if f.path == path else f for f in tree.files
    )
    return ExportTree(tree.label, files)


def _objects(tree: ExportTree) -> int:
    return sum(len(v) for v in import_tree(tree, catalog=CATALOG).snapshot.objects.values())


def _check_survives(tree: ExportTree, path: str, good_objects: int) -> None:
    """Import ``tree`` (whose ``path`` is hostile): no crash, the others load, the file accounted for."""
    try:
        result = import_tree(tree, catalog=CATALOG)
    except UnknownFormatError as exc:
        raise AssertionError(f"the good files beside {path} were not imported: {exc}") from None
    loaded = sum(len(v) for v in result.snapshot.objects.values())
    assert loaded >= good_objects
    problems = [p for p in result.snapshot.problems if p.path.endswith(path.rpartition("/")[2])]
    skipped = [s for s in result.skipped if path in s.path]
    for reason in [p.reason for p in problems] + [s.reason for s in skipped]:
        assert reason and not PYTHONIC.search(reason), reason


def _sample(name: str, keep: Callable[[str], bool]) -> ExportTree:
    tree = folder_tree(SAMPLES / name)
    return tree.only([f.path for f in tree.files if keep(f.path)])


INTUNECD = _sample("intunecd-backup", lambda p: p.startswith(("Device Configurations/", "App Protection/")))
INTUNECD_FILE = next(
    f.path for f in INTUNECD.files if f.path.startswith("Device Configurations/") and f.suffix == ".json"
)
INTUNEMANAGEMENT = _sample("intunemanagement-export", lambda p: p.startswith("ConditionalAccess/"))
IM_FILE = INTUNEMANAGEMENT.files[0].path


def _good_without(tree: ExportTree, path: str) -> int:
    return _objects(tree.only([f.path for f in tree.files if f.path != path]))


INTUNECD_GOOD = _good_without(INTUNECD, INTUNECD_FILE)
IM_GOOD = _good_without(INTUNEMANAGEMENT, IM_FILE)
_CD_VALID = next(f for f in INTUNECD.files if f.path == INTUNECD_FILE).read()
_IM_VALID = next(f for f in INTUNEMANAGEMENT.files if f.path == IM_FILE).read()
_PORTAL_VALID = json.dumps(
    {"name": "Fuzzed", "platforms": "windows10", "technologies": "mdm", "settings": [], "settingCount": 0}
).encode()


@FUZZ
@given(content=_hostile(_CD_VALID))
def test_intunecd_json_survives_any_file(content: bytes) -> None:
    _check_survives(_with(INTUNECD, INTUNECD_FILE, content), INTUNECD_FILE, INTUNECD_GOOD)


@FUZZ
@given(content=_hostile(_yaml_of(json.loads(_CD_VALID.decode("utf-8-sig"))), yaml_text=True))
def test_intunecd_yaml_survives_any_file(content: bytes) -> None:
    renamed = INTUNECD_FILE.removesuffix(".json") + ".yaml"
    _check_survives(_with(INTUNECD, INTUNECD_FILE, content, rename=renamed), renamed, INTUNECD_GOOD)


@FUZZ
@given(content=_hostile(_IM_VALID))
def test_intunemanagement_survives_any_file(content: bytes) -> None:
    _check_survives(_with(INTUNEMANAGEMENT, IM_FILE, content), IM_FILE, IM_GOOD)


@FUZZ
@given(content=_hostile(_PORTAL_VALID))
def test_portal_export_survives_any_file(content: bytes) -> None:
    good = ExportFile("exports/good.json", len(_PORTAL_VALID), None, lambda: _PORTAL_VALID)
    hostile = ExportFile("exports/hostile.json", len(content), None, lambda: content)
    _check_survives(ExportTree("upload", (good, hostile)), "exports/hostile.json", 1)


@FUZZ
@given(data=st.one_of(st.binary(max_size=4096), st.binary(max_size=64).map(lambda b: b"PK\x03\x04" + b)))
def test_archive_reader_refuses_any_bytes_in_words(data: bytes) -> None:
    try:
        zip_tree(data, "upload.zip")
    except ArchiveError as exc:
        assert str(exc) and not re.search(r"Traceback|object at 0x", str(exc))


@FUZZ
@given(rule=st.one_of(st.text(max_size=400), st.integers(1, 50_000).map(lambda n: "(" * n + 'device.model -eq "x"')))
def test_filter_parser_only_refuses_with_its_own_error(rule: str) -> None:
    try:
        parse_rule(rule, "windows10AndLater")
    except FilterSyntaxError as exc:
        assert str(exc)


_CSV_HEADER = (
    '"Policy type key","Policy type","Policy id","Policy name","Platform","Target kind","Group id","Group name",'
    '"Include/exclude","Filter id","Filter name","Filter mode","Intent","Scope tags","Note","Action"\r\n'
)
_COMMERCIAL_HEADER = "PolicyName;GroupName;AssignmentDirection;AssignmentAction;Filter;FilterType\r\n"


def _csv_text() -> st.SearchStrategy[str]:
    cell = st.one_of(st.text(max_size=30), st.sampled_from(["add", "remove", "replace-all", "group", "include", ""]))
    row = st.lists(cell, max_size=18).map(lambda cells: ",".join(f'"{c}"' for c in cells))
    return st.one_of(
        st.text(max_size=2000),
        st.lists(row, max_size=30).map(lambda rows: _CSV_HEADER + "\r\n".join(rows)),
        st.lists(st.lists(cell, max_size=8).map(";".join), max_size=30).map(
            lambda rows: _COMMERCIAL_HEADER + "\r\n".join(rows)
        ),
        st.integers(1, 200_000).map(lambda n: _CSV_HEADER + '"' * n),
    )


_SNAPSHOT = make_snapshot()
_DIRECTORY = Directory(_SNAPSHOT)
_OBJECTS = AssignableObjects.of(_SNAPSHOT, CATALOG)


@FUZZ
@given(text=_csv_text())
def test_csv_inputs_only_refuse_with_a_reason(text: str) -> None:
    for read in (
        lambda: changes_from_assignments_csv(text, _DIRECTORY),
        lambda: changes_from_commercial_csv(text, _OBJECTS, _DIRECTORY),
    ):
        try:
            _, rejected = read()
        except ValueError as exc:
            assert str(exc) and not PYTHONIC.search(str(exc)), str(exc)
            continue
        for refused in rejected:
            assert refused.reason and not PYTHONIC.search(refused.reason), refused.reason


def _snapshot_files() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(snapshot_zip(make_snapshot(), CATALOG))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


_SNAPSHOT_FILES = _snapshot_files()
_SNAPSHOT_OBJECT = sorted(p for p in _SNAPSHOT_FILES if p.startswith("objects/"))[0]
_SNAPSHOT_OBJECTS = sum(p.startswith("objects/") for p in _SNAPSHOT_FILES)


def _load_snapshot_with(path: str, content: bytes) -> Snapshot:
    files = {**_SNAPSHOT_FILES, path: content}

    def read(relative: str) -> bytes:
        if relative not in files:
            raise FileNotFoundError(relative)
        return files[relative]

    return load_snapshot_files(read, "upload.zip")


@FUZZ
@given(content=_hostile(_SNAPSHOT_FILES["manifest.json"]))
def test_snapshot_manifest_only_refuses_in_words(content: bytes) -> None:
    try:
        _load_snapshot_with("manifest.json", content)
    except SnapshotError as exc:
        assert str(exc) and not re.search(r"Traceback|object at 0x|NoneType", str(exc)), str(exc)


@FUZZ
@given(content=_hostile(_SNAPSHOT_FILES[_SNAPSHOT_OBJECT]))
def test_snapshot_object_file_is_a_problem_and_the_others_load(content: bytes) -> None:
    snapshot = _load_snapshot_with(_SNAPSHOT_OBJECT, content)
    loaded = sum(len(v) for v in snapshot.objects.values())
    problems = [p for p in snapshot.problems if isinstance(p, LoadProblem) and p.path == _SNAPSHOT_OBJECT]
    assert loaded == _SNAPSHOT_OBJECTS or (loaded == _SNAPSHOT_OBJECTS - 1 and len(problems) == 1)
    for problem in problems:
        assert problem.reason and not PYTHONIC.search(problem.reason), problem.reason


def test_known_hostile_snapshot_files_are_refused_in_words() -> None:
    """Found by fuzzing: a manifest nested past json's own limit raised RecursionError out of the loader."""
    for content in (b"[" * 200_000 + b"]" * 200_000, b"[" * 900 + b"]" * 900, b'{"a":' * 900 + b"1" + b"}" * 900):
        with pytest.raises(SnapshotError, match="nested"):
            _load_snapshot_with("manifest.json", content)
        snapshot = _load_snapshot_with(_SNAPSHOT_OBJECT, content)
        assert [p.reason for p in snapshot.problems if isinstance(p, LoadProblem)] == [
            "not valid JSON: nested more than 64 levels deep"
        ]


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_known_hostile_documents_become_problems(fmt: str) -> None:
    """The hand-written worst cases, whatever the profile draws."""
    laughs = "a0: &a0 [lol]\n" + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 12))
    cases = {
        "json": [
            b"[" * 200_000 + b"]" * 200_000,
            b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
            # Within json's own limit, deeper than the importers' recursion (found by the 10,000 run).
            b"[" * 900 + b"]" * 900,
            b'{"a":' * 900 + b"1" + b"}" * 900,
            b"\xff\xfe\x00",
        ],
        "yaml": [laughs.encode(), b"&a [*a]\n", b"[" * 200_000, b"!!python/object/apply:os.system [echo]"],
    }[fmt]
    for content in cases:
        renamed = INTUNECD_FILE.removesuffix(".json") + f".{fmt}"
        _check_survives(_with(INTUNECD, INTUNECD_FILE, content, rename=renamed), renamed, INTUNECD_GOOD)
        if fmt == "json":
            _check_survives(_with(INTUNEMANAGEMENT, IM_FILE, content), IM_FILE, IM_GOOD)
