"""The Roles page, its CSV and JSON, and the user's roles on Troubleshoot, through the whole stack."""

from __future__ import annotations

import csv
import io
from html import unescape
from typing import Any
from urllib.parse import quote


async def test_roles_need_a_signed_in_user(web: Any) -> None:
    for path in ("/roles", "/roles.csv"):
        response = await web.client.get(path)
        assert response.status_code in (302, 303), path
    assert (await web.client.get("/api/v1/roles")).status_code == 401


async def test_the_roles_page_shows_each_planted_finding_with_its_reason(web: Any) -> None:
    await web.onboarded_admin(modules=("intune-roles",))
    await web.wait_for_policies()
    planted = web.tenant("contoso").planted
    page = await web.client.get("/roles")
    assert page.status_code == 200
    text = unescape(page.text)
    assert 'aria-current="page"' in text and "roles-findings" in text
    for kind, names in (
        ("MANY_GLOBAL_ADMINS", planted["manyGlobalAdmins"]),
        ("READ_ONLY_ADMIN", planted["readOnlyAdmins"]),
        ("NARROWER_ROLE_FITS", planted["narrowerRoleFits"]),
        ("IDLE_SCOPE_TAG", planted["idleScopeTags"]),
        ("EMPTY_ROLE_GROUP", planted["emptyRoleGroups"]),
    ):
        rows = [r for r in text.split('data-testid="finding-row"')[1:] if f'data-kind="{kind}"' in r]
        assert rows and all('data-status="FOUND"' in r for r in rows), kind
        assert sorted(n for n in names if any(n in r for r in rows)) == sorted(names), kind
    # A signed-in customer admin: GDAP access is read on the partner's side, so it is unknown.
    gdap = [r for r in text.split('data-testid="finding-row"')[1:] if 'data-kind="GDAP_ONLY"' in r]
    assert len(gdap) == 1 and 'data-status="UNKNOWN"' in gdap[0]
    # Member groups open their group page.
    empty = next(g for g in web.tenant("contoso").objects["groups"] if g["displayName"] == "Legacy VPN Users")
    assert f'href="/groups/{empty["id"]}"' in text


async def test_who_can_do_what_filters_exports_and_answers_json(web: Any) -> None:
    admin = await web.onboarded_admin(modules=("intune-roles",))
    await web.wait_for_policies()
    (reader,) = web.tenant("contoso").planted["readOnlyAdmins"]
    filtered = unescape((await web.client.get(f"/roles?source=Entra+role&q={quote(reader)}")).text)
    rows = filtered.split('data-testid="grant-row"')[1:]
    assert len(rows) == 1 and "Intune Administrator" in rows[0] and reader in rows[0]
    export = await web.client.get(f"/roles.csv?role={quote('Help Desk Operator')}")
    lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert lines[0] == ["Account", "Role", "Source", "Through", "Scope", "Scope tags"]
    assert lines[1:] and all(line[1] == "Help Desk Operator" and line[5] == "EU Devices" for line in lines[1:])
    tenant = web.tenant("contoso")
    operator = next(o for o in tenant.operators if o.user_principal_name == admin)
    token = web.demo.entra.issue_api_token_for(tenant.tenant_id, operator.user_id, base_url=web.emulator.base_url)
    body = (await web.client.get("/api/v1/roles", headers={"Authorization": f"Bearer {token}"})).json()
    assert body["status"] == "ready" and body["audit_read"] is True
    found = {(f["finding"], f["subject"]) for f in body["findings"] if f["status"] == "Found"}
    assert ("Intune Administrator who only reads", reader) in found


async def test_troubleshoot_shows_the_users_roles(web: Any) -> None:
    await web.onboarded_admin(modules=("intune-roles",))
    await web.wait_for_policies()
    (user,) = web.tenant("contoso").planted["narrowerRoleFits"]
    text = unescape((await web.client.get(f"/troubleshoot?user={quote(user)}")).text)
    section = text.split('data-testid="troubleshoot-roles"')[1].split("</section>")[0]
    assert "Intune Administrator</strong> (Entra role)" in section and "(Intune role)" in section
