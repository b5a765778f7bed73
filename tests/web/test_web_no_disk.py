"""No tenant data on the server's disk (DESIGN §2.4): every export and every upload stays in memory.

The temp folder is pointed at a watched folder (TMPDIR), the app's data folder is watched too,
and a Python audit hook reports any file this process opens for writing anywhere. Then every
documentation format, every compare report, every CSV export and every kind of upload (Compare,
Deploy, Restore) runs;
the test fails on anything written.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import zipfile
from pathlib import Path

import pytest

from intune_assistant.baselines import builtin_baseline
from intune_assistant.snapshot import save_snapshot

from .disk_watch import DiskWatch

DOC_FORMATS = ("md", "html", "docx", "pdf", "xlsx", "csv", "json")
CSV_EXPORTS = ("/policies.csv", "/settings.csv?q=Defender", "/assignments.csv")


def _zip_folder(folder: Path, top: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def _portal_policy(index: int) -> dict[str, object]:
    return {
        "name": f"Upload policy {index}",
        # Random text does not compress: the zip is larger than Starlette's 1 MB in-memory spool.
        "description": os.urandom(1500).hex(),
        "platforms": "windows10",
        "technologies": "mdm",
        "settings": [
            {
                "settingInstance": {
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                    "settingDefinitionId": "device_vendor_msft_policy_config_defender_allowrealtimemonitoring",
                    "choiceSettingValue": {
                        "value": "device_vendor_msft_policy_config_defender_allowrealtimemonitoring_1",
                        "children": [],
                    },
                }
            }
        ],
    }


def _export_zip() -> bytes:
    """A zip over 1 MB of portal exports in nested folders, with an IntuneCD folder beside them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for index in range(700):
            bundle.writestr(f"export/windows/portal/p{index}.json", json.dumps(_portal_policy(index)))
        bundle.writestr(
            "export/cd/Settings Catalog/CD policy_mdm.json",
            json.dumps({"name": "CD policy", "settings": [], "assignments": []}),
        )
    data = buffer.getvalue()
    assert len(data) > 1024 * 1024
    return data


def test_the_watch_sees_files_that_appear_and_vanish(tmp_path: Path) -> None:
    """The watcher itself can fail: a named temp file, an anonymous one and a plain write are seen."""
    watched = tmp_path / "watched"
    with DiskWatch([watched]) as watch:
        with tempfile.NamedTemporaryFile(dir=watched):
            pass
        with tempfile.TemporaryFile(dir=watched):
            pass
    assert any("tempfile.mkstemp" in w for w in watch.appeared)
    assert any("created" in w and str(watched) in w for w in watch.appeared)
    assert sum("opened for writing" in w for w in watch.appeared) >= 2


async def test_no_export_or_upload_writes_a_file(web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    await web.onboarded_admin()
    assert (await web.wait_for_policies("/compare/baseline")).status_code == 200
    # Everything the uploads need is made before the watch starts.
    save_snapshot(builtin_baseline("windows-security"), tmp_path / "baseline")
    baseline_zip = _zip_folder(tmp_path / "baseline", "baseline")
    state = web.app.state.web
    (inventory,) = state.policies.kept().values()
    tenant_snapshot = inventory.snapshot
    save_snapshot(tenant_snapshot, tmp_path / "earlier")
    drift_zip = _zip_folder(tmp_path / "earlier", "snapshot")
    export_zip = _export_zip()
    single = json.dumps(_portal_policy(0)).encode()
    page = await web.client.get("/compare/policies")
    ids = re.findall(r'<option value="([^"]+)"', page.text)
    assert len(ids) >= 2

    watched_temp = tmp_path / "watched-temp"
    watched_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(watched_temp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    assert tempfile.gettempdir() == str(watched_temp)
    data = tmp_path / "data"
    uploads = [
        ("/compare/baseline", ("baseline.zip", baseline_zip, "application/zip"), "Baseline comparison"),
        ("/compare/baseline", ("exports.zip", export_zip, "application/zip"), "Baseline comparison"),
        ("/compare/baseline", ("policy.json", single, "application/json"), "Baseline comparison"),
        ("/compare/drift", ("snapshot.zip", drift_zip, "application/zip"), "Drift report"),
        ("/compare/drift", ("exports.zip", export_zip, "application/zip"), "Drift report"),
        ("/compare/drift", ("policy.json", single, "application/json"), "Drift report"),
    ]
    with DiskWatch([watched_temp, data]) as watch:
        for fmt in DOC_FORMATS:
            response = await web.client.get(f"/documentation/download?format={fmt}&assignments=1&scripts=1")
            assert response.status_code == 200 and len(response.content) > 1000, (fmt, response.text[:200])
        for path in CSV_EXPORTS:
            response = await web.client.get(path)
            assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv"), path
        report = await web.client.get(f"/compare/policies?left={ids[0]}&right={ids[1]}&download=html")
        assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
        builtin = await web.client.get("/compare/baseline?baseline=builtin:windows-security&download=html")
        assert builtin.status_code == 200 and "attachment" in builtin.headers["content-disposition"]
        for path, file, title in uploads:
            for download in ("", "html"):
                fields = {"csrf_token": web.csrf(), **({"download": download} if download else {})}
                answer = await web.client.post(path, data=fields, files={"file": file})
                assert answer.status_code == 200, (file[0], answer.text[:500])
                assert title in answer.text, file[0]
        # Deploy and Restore read their uploads the same way: planned in memory, nothing kept.
        for path, fields, file in (
            ("/deploy/review", {"source": "upload", "assign": "none"}, ("exports.zip", export_zip, "application/zip")),
            ("/restore/review", {"only": ""}, ("snapshot.zip", drift_zip, "application/zip")),
        ):
            answer = await web.client.post(path, data={"csrf_token": web.csrf(), **fields}, files={"file": file})
            assert answer.status_code == 200 and 'data-testid="counts"' in answer.text, (path, answer.text[:500])
    assert watch.appeared == []
