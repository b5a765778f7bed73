"""Reading files in the encodings exports really use."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from intune_assistant.collect.importers import ImportFileError, read_json, read_text, read_yaml

TEXT = '{\r\n  "displayName": "Sécurité ✓",\r\n  "n": 1\r\n}\r\n'


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
        TEXT.encode("utf-16-le"),  # no BOM: told apart by its zero bytes
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf16le-no-bom"],
)
def test_encodings_and_line_endings(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(data)
    assert read_text(path) == TEXT.replace("\r\n", "\n")
    assert read_json(path) == {"displayName": "Sécurité ✓", "n": 1}


def test_old_mac_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"a\rb\r\nc")
    assert read_text(path) == "a\nb\nc"


def test_undecodable_bytes_are_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"name": "Sécurité"}'.encode("latin-1"))
    with pytest.raises(ImportFileError, match=r"not UTF-8 text: byte 0xe9 at offset 11"):
        read_text(path)


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "truncated.json"
    path.write_text('{\n  "a": 1,\n  "b": ', "utf-8")
    with pytest.raises(ImportFileError, match=r"not valid JSON: .* at line 3, column"):
        read_json(path)


@pytest.mark.parametrize("content", ["", "   \n", '{"a": NaN}', '{"a": Infinity}'])
def test_empty_or_non_standard_json(tmp_path: Path, content: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content, "utf-8")
    with pytest.raises(ImportFileError):
        read_json(path)


def test_yaml_becomes_json_values(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    text = "displayName: Test\r\nwhen: 2024-01-02\r\n2: two\r\ntrue: yes\r\nlist: [a, 2]\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    expected = {"displayName": "Test", "when": "2024-01-02", "2": "two", "true": True, "list": ["a", 2]}
    assert read_yaml(path) == expected


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: [1, 2\nb: 3\n", "utf-8")
    with pytest.raises(ImportFileError, match=r"not valid YAML: .* at line \d+"):
        read_yaml(path)
