"""`baseline download`: a zip from a LOCAL http.server, extracted safely; never the internet."""

from __future__ import annotations

import io
import stat
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from tests.web.disk_watch import DiskWatch
from typer.testing import CliRunner

from intune_assistant.baselines import BaselineDownloadError, DownloadLimits, download_baseline, extract_zip
from intune_assistant.cli.main import app


def _zip(entries: dict[str, bytes], *, links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in entries.items():
            bundle.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            bundle.writestr(info, "/etc/passwd")
    return buffer.getvalue()


BASELINE_ZIP = _zip(
    {
        "OpenIntuneBaseline-main/README.md": b"# baseline\n",
        "OpenIntuneBaseline-main/WINDOWS/SettingsCatalog/Win - Defender.json": b'{"name": "Win - Defender"}',
    }
)


class Files(BaseHTTPRequestHandler):
    """Serves the archives of the test; /redirect answers with a redirect like GitHub."""

    archives: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:  # http.server's name for the GET handler
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/baseline.zip")
            self.end_headers()
            return
        data = self.archives.get(self.path)
        if data is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    Files.archives = {
        "/baseline.zip": BASELINE_ZIP,
        "/traversal.zip": _zip({"ok.txt": b"fine", "../../escaped.txt": b"evil"}),
        "/big.zip": _zip({"zeros.bin": b"\0" * 2_000_000}),
        "/notzip.zip": b"this is not a zip",
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    # No proxies from the environment: the server is on this machine.
    with httpx.Client(follow_redirects=True, trust_env=False, timeout=10) as http:
        yield http


def test_download_and_extract(server: str, client: httpx.Client, tmp_path: Path) -> None:
    files = download_baseline(tmp_path / "out", f"{server}/redirect", client=client)
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in files) == [
        "OpenIntuneBaseline-main/README.md",
        "OpenIntuneBaseline-main/WINDOWS/SettingsCatalog/Win - Defender.json",
    ]
    assert (tmp_path / "out/OpenIntuneBaseline-main/README.md").read_bytes() == b"# baseline\n"


@pytest.mark.parametrize(
    "name", ["../escaped.txt", "/abs/escaped.txt", "a/../../escaped.txt", "C:/escaped.txt", "..\\escaped.txt"]
)
def test_unsafe_entries_are_refused_and_nothing_is_written(name: str, tmp_path: Path) -> None:
    archive = io.BytesIO(_zip({"first.txt": b"ok", name: b"evil"}))
    with pytest.raises(BaselineDownloadError, match="unsafe entry"):
        extract_zip(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.rglob("escaped.txt"))


def test_links_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BaselineDownloadError, match="unsafe entry"):
        extract_zip(io.BytesIO(_zip({"a.txt": b"ok"}, links=("link",))), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_traversal_from_the_server_is_refused(server: str, client: httpx.Client, tmp_path: Path) -> None:
    with pytest.raises(BaselineDownloadError, match="unsafe entry"):
        download_baseline(tmp_path / "deep" / "out", f"{server}/traversal.zip", client=client)
    assert not list(tmp_path.rglob("escaped.txt")) and not list(tmp_path.rglob("ok.txt"))


def test_size_limits(server: str, client: httpx.Client, tmp_path: Path) -> None:
    with pytest.raises(BaselineDownloadError, match="over the limit of 100 bytes"):
        download_baseline(tmp_path / "a", f"{server}/big.zip", client=client, limits=DownloadLimits(archive_bytes=100))
    unpacked = DownloadLimits(file_bytes=1_000_000)
    with pytest.raises(BaselineDownloadError, match="per-file limit"):
        download_baseline(tmp_path / "b", f"{server}/big.zip", client=client, limits=unpacked)
    with pytest.raises(BaselineDownloadError, match="2 files, over the limit of 1"):
        download_baseline(tmp_path / "c", f"{server}/baseline.zip", client=client, limits=DownloadLimits(files=1))
    assert not any((tmp_path / d).exists() for d in "abc")


def test_a_header_that_lies_about_sizes_is_caught_while_writing(tmp_path: Path) -> None:
    data = bytearray(_zip({"zeros.bin": b"\0" * 300_000}))
    # Rewrite the central directory's uncompressed size to 10 bytes: the bytes written are counted.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as bundle:
        info = bundle.infolist()[0]
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    with pytest.raises((BaselineDownloadError, zipfile.BadZipFile)):
        extract_zip(io.BytesIO(bytes(data)), tmp_path / "out", DownloadLimits(file_bytes=100_000))
    assert info.file_size == 300_000 and not (tmp_path / "out").exists()


def test_bad_answers_and_bad_targets(server: str, client: httpx.Client, tmp_path: Path) -> None:
    with pytest.raises(BaselineDownloadError, match="HTTP 404"):
        download_baseline(tmp_path / "a", f"{server}/missing.zip", client=client)
    with pytest.raises(BaselineDownloadError, match="not a readable zip"):
        download_baseline(tmp_path / "b", f"{server}/notzip.zip", client=client)
    with pytest.raises(BaselineDownloadError, match="not an http"):
        download_baseline(tmp_path / "c", "file:///etc/passwd", client=client)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "mine.txt").write_text("keep", "utf-8")
    with pytest.raises(BaselineDownloadError, match="not empty"):
        download_baseline(busy, f"{server}/baseline.zip", client=client)
    assert [p.name for p in busy.iterdir()] == ["mine.txt"]


def test_the_cli_downloads_into_a_folder(server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    result = CliRunner().invoke(
        app, ["baseline", "download", "--url", f"{server}/baseline.zip", "-o", str(tmp_path / "b")]
    )
    assert result.exit_code == 0, result.output
    assert "Extracted 2 file(s)" in result.stderr
    failed = CliRunner().invoke(
        app, ["baseline", "download", "--url", f"{server}/traversal.zip", "-o", str(tmp_path / "t")]
    )
    assert failed.exit_code == 2 and "unsafe entry" in failed.stderr


def test_extracted_files_keep_the_archive_s_times(tmp_path: Path) -> None:
    # An export's age is its files' times: extracting must not make every export look new.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(zipfile.ZipInfo("export/old.json", date_time=(2024, 5, 6, 7, 8, 10)), "{}")
        bundle.writestr(zipfile.ZipInfo("export/new.json", date_time=(2025, 2, 3, 4, 5, 6)), "{}")
    buffer.seek(0)
    written = extract_zip(buffer, tmp_path / "out")
    times = {p.name: datetime.fromtimestamp(p.stat().st_mtime, UTC) for p in written}
    assert times == {
        "old.json": datetime(2024, 5, 6, 7, 8, 10, tzinfo=UTC),
        "new.json": datetime(2025, 2, 3, 4, 5, 6, tzinfo=UTC),
    }


def test_the_download_is_held_in_memory_and_only_the_extracted_files_are_written(
    server: str, client: httpx.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    watched_temp = tmp_path / "watched-temp"
    watched_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(watched_temp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    out = tmp_path / "out"
    with DiskWatch([watched_temp]) as watch:
        files = download_baseline(out, f"{server}/baseline.zip", client=client)
    assert len(files) == 2
    written = [w for w in watch.appeared if "opened for writing" in w]
    assert len(written) == 2 and all(str(out) in w for w in written), watch.appeared
    assert [w for w in watch.appeared if str(out) not in w] == []
