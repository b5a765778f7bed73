"""The residency scan (DESIGN §2.4): after a whole browser session, the tenant's data and the user's
tokens are nowhere but in memory.

The session signs in, onboards, turns on a write module, opens every page the app serves without
parameters and the pages of a policy, a group and a device, downloads documentation in every format
and every CSV export, compares with an uploaded baseline, plans and applies a bulk rename, and signs
out — with the product's log at DEBUG, the temp folder and the app's data folder watched, and a
Python audit hook on every file this process opens for writing. Then it searches everything the
server wrote: the log, every file that appeared, and the registry's database file byte for byte
(its journal too), for tokens, UPNs, display names, policy, group and filter names and setting
values. Only the registry's own fields (tenant id, domain, plan, modules, timestamps, sign-out
hashes) may be there.
"""

from __future__ import annotations

import asyncio
import html
import io
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import BaseRoute, Route

from intune_assistant.baselines import builtin_baseline
from intune_assistant.snapshot import save_snapshot

from .disk_watch import DiskWatch
from .residency import JWT, SECRET_FIELD, api_token, server_log, setting_values, tenant_strings

__all__ = ["server_log"]  # the fixture, imported for pytest

DOC_FORMATS = ("md", "html", "docx", "pdf", "xlsx", "csv", "json")
# Pages that leave the app (sign-in, sign-out at Entra) or end the session are not opened in the walk.
NOT_WALKED = ("/signin", "/signout", "/auth/", "/onboarding", "/healthz")


def _baseline_zip(folder: Path) -> bytes:
    save_snapshot(builtin_baseline("windows-security"), folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, f"baseline/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def _walkable(routes: list[BaseRoute]) -> list[str]:
    """Every GET page and export served without a path parameter, included routers too."""
    paths: list[str] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            paths += _walkable(inner.routes)
        elif isinstance(route, Route) and "GET" in (route.methods or set()):
            path = route.path
            if "{" not in path and not path.startswith(NOT_WALKED) and not path.startswith("/api"):
                paths.append(path)
    return sorted(set(paths))


async def _apply_rename(web: Any, objects: list[str]) -> str:
    review = await web.client.post(
        "/bulk-edits/review",
        data={"csrf_token": web.csrf(), "action": "rename", "object": objects, "rule": "prefix", "text": "R - "},
    )
    found = re.search(r'name="plan" value="([^"]+)"', review.text)
    assert review.status_code == 200 and found, review.text[:1000]
    started = await web.client.post(
        "/bulk-edits/apply", data={"csrf_token": web.csrf(), "plan": html.unescape(found.group(1))}
    )
    assert started.status_code == 303, started.text[:500]
    run = started.headers["location"]
    for _ in range(2000):
        fragment = await web.client.get(run + "/progress", headers={"HX-Request": "true"})
        if fragment.headers.get("HX-Refresh") == "true":
            break
        await asyncio.sleep(0.01)
    page = await web.client.get(run)
    assert 'data-testid="count-applied">1<' in page.text, page.text[:1000]
    return page.text


async def test_a_whole_session_leaves_no_token_and_no_tenant_data_outside_memory(
    web: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server_log: io.StringIO
) -> None:
    tenant = web.tenant("contoso")
    upn = await web.onboarded_admin()
    started = await web.client.post("/tenant/modules/bulk-edit/activate", data={"csrf_token": web.csrf()})
    assert (await web.consent(started, upn)).headers["location"] == "/tenant?activated=bulk-edit"
    assert "Reading the tenant" not in (await web.wait_for_policies()).text
    baseline = _baseline_zip(tmp_path / "baseline")  # made before the watch starts
    policy = tenant.objects["settingsCatalog"][0]
    group = next(g for g in tenant.objects["groups"] if len(g["displayName"]) >= 10)
    device = tenant.objects["managedDevices"][0] if tenant.objects.get("managedDevices") else None

    watched_temp = tmp_path / "watched-temp"
    watched_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(watched_temp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    data = tmp_path / "data"
    walked = _walkable(web.app.routes)
    assert len(walked) >= 20, walked  # the walk really covers the app's pages
    with DiskWatch([watched_temp, data]) as watch:
        for path in walked:
            response = await web.client.get(path)
            assert response.status_code < 500, (path, response.status_code, response.text[:300])
        for path in (
            f"/objects/settingsCatalog/{policy['id']}",
            f"/groups/{group['id']}",
            f"/troubleshoot?user={upn}",
            *([f"/troubleshoot?device={device['deviceName']}"] if device else []),
            f"/search?q={group['displayName']}",
        ):
            response = await web.client.get(path)
            assert response.status_code == 200, (path, response.text[:300])
        for fmt in DOC_FORMATS:
            response = await web.client.get(f"/documentation/download?format={fmt}&assignments=1&scripts=1")
            assert response.status_code == 200 and len(response.content) > 1000, fmt
        compared = await web.client.post(
            "/compare/baseline",
            data={"csrf_token": web.csrf()},
            files={"file": ("baseline.zip", baseline, "application/zip")},
        )
        assert compared.status_code == 200 and "Baseline comparison" in compared.text
        results = await _apply_rename(web, [f"settingsCatalog/{policy['id']}"])
        token = api_token(web)
        assert (await web.client.post("/signout", data={"csrf_token": web.csrf()})).status_code == 303
    assert tenant.objects["settingsCatalog"][0]["name"].startswith("R - ")  # the write happened
    assert "R - " in results

    # The tenant id is the registry's own field (a setting may hold it too, e.g. OneDrive's tenant).
    secrets = (tenant_strings(tenant) | setting_values(tenant) | {upn, token}) - {tenant.tenant_id}
    assert len(secrets) > 100
    # The log ran at DEBUG and holds none of it.
    log = server_log.getvalue()
    assert "DEBUG intune_assistant" in log
    assert not JWT.search(log) and not SECRET_FIELD.search(log)
    assert sorted(s for s in secrets if s in log) == []
    # Nothing was written to the temp folder, the data folder, or anywhere by this process.
    assert watch.appeared == []
    # The registry's database, byte for byte (free pages and journal included): no token, no tenant string.
    files = [p for p in tmp_path.glob("registry.db*") if p.is_file()]
    assert files, list(tmp_path.iterdir())
    raw = b"".join(p.read_bytes() for p in files)
    assert tenant.tenant_id.encode() in raw  # the scan reads the real database
    text = raw.decode("latin-1")
    assert not JWT.search(text) and "refresh_token" not in text
    assert sorted(s for s in secrets if s in text or s.encode("utf-16-le").decode("latin-1") in text) == []
