"""Hostile uploads to Compare (drift and baseline): too large, zip bombs, names reaching outside the
archive, links, too many entries, nesting too deep — each refused with a message that says why,
never a trace, nothing kept; the same good files in a clean archive still compare."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from typing import Any

import pytest

from .test_web_compare import _portal_exports


def _zip(entries: dict[str, bytes], *, links: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, body in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, body)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            bundle.writestr(info, target)
    return buffer.getvalue()


@pytest.fixture
async def exports(web: Any) -> dict[str, bytes]:
    """Three of the tenant's policies as portal exports, under ``exports/``."""
    await web.onboarded_admin()
    await web.wait_for_policies("/compare/drift")
    (inventory,) = web.app.state.web.policies.kept().values()
    return {f"exports/{name}": body for name, body in _portal_exports(inventory.snapshot, 3).items()}


async def _upload(web: Any, path: str, name: str, body: bytes) -> Any:
    files = {"file": (name, body, "application/zip")}
    return await web.client.post(path, data={"csrf_token": web.csrf()}, files=files)


async def test_clean_archive_compares(web: Any, exports: dict[str, bytes]) -> None:
    page = await _upload(web, "/compare/drift", "clean.zip", _zip(exports))
    assert page.status_code == 200 and "3 unchanged" in page.text


@pytest.mark.parametrize(
    ("extra", "links", "words"),
    [
        ({"../../etc/evil.json": b"{}"}, {}, "../../etc/evil.json (unsafe name in the archive)"),
        ({"/etc/evil.json": b"{}"}, {}, "/etc/evil.json (unsafe name in the archive)"),
        ({"C:/Windows/evil.json": b"{}"}, {}, "C:/Windows/evil.json (unsafe name in the archive)"),
        ({"exports/..\\..\\evil.json": b"{}"}, {}, "(unsafe name in the archive)"),
        ({}, {"exports/passwd.json": "/etc/passwd"}, "exports/passwd.json (a link, not a file)"),
    ],
)
async def test_names_outside_the_archive_and_links_are_refused(
    web: Any, exports: dict[str, bytes], extra: dict[str, bytes], links: dict[str, str], words: str
) -> None:
    for path in ("/compare/drift", "/compare/baseline"):
        page = await _upload(web, path, "hostile.zip", _zip({**exports, **extra}, links=links))
        assert page.status_code == 400, (path, page.text[:500])
        assert "that an exported folder never has" in page.text and words in page.text.replace("&#39;", "'")
        assert "Traceback" not in page.text


async def test_zip_bomb_too_large_too_many_and_too_deep(web: Any, exports: dict[str, bytes]) -> None:
    bomb = _zip({**exports, "exports/zeros.json": b"0" * (15 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    refused = await _upload(web, "/compare/drift", "bomb.zip", bomb)
    assert refused.status_code == 400 and "a zip bomb, not an export" in refused.text
    big = _zip({**exports, "exports/zeros.json": b"0" * (100 * 1024 * 1024)})
    oversized = await _upload(web, "/compare/drift", "big.zip", big)
    assert oversized.status_code == 400 and "over the per-file limit of 20 MiB" in oversized.text
    huge = await _upload(web, "/compare/drift", "huge.zip", os.urandom(21 * 1024 * 1024))
    assert huge.status_code in (400, 413) and "larger than 20 MB" in huge.text
    many = _zip({**exports, **{f"exports/n{i}.txt": b"" for i in range(20_001)}})
    crowded = await _upload(web, "/compare/drift", "many.zip", many)
    assert crowded.status_code == 400 and "over the limit of 20,000" in crowded.text
    deep = _zip({"a.zip": _zip({"b.zip": _zip({"c.zip": _zip(exports)})})})
    nested = await _upload(web, "/compare/drift", "deep.zip", deep)
    assert nested.status_code == 400 and "Traceback" not in nested.text
    for page in (refused, oversized, huge, crowded, nested):
        assert "Nothing was kept on the server" in page.text
