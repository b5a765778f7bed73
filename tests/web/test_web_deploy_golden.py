"""Deploy from a golden tenant: an MSP's partner admin working in Fabrikam (a GDAP customer) deploys
Contoso (another onboarded customer) into it with assignments mapped by group name; the source is
read with a token Contoso's Entra issued; references arrive as Fabrikam's own ids; a user of a
single tenant is offered no other tenant, and a tenant outside the list is refused."""

from __future__ import annotations

import html
import re
from typing import Any

from intune_assistant.catalog.modules import write_scopes

from .test_web_deploy import _apply, _count, _document, _review


async def _partner_in_fabrikam(web: Any) -> None:
    upn = web.upn("partner")
    await web.sign_in(upn)
    assert (await web.onboard(upn, web.tenant("partner").domain)).status_code == 303
    tenants = [web.tenant(n).tenant_id for n in ("contoso", "fabrikam")]
    onboarded = await web.client.post("/customers/onboard", data={"csrf_token": web.csrf(), "tenant": tenants})
    assert onboarded.status_code == 303, onboarded.text
    fabrikam = web.tenant("fabrikam")
    # Fabrikam's own administrator activated Deploy baselines (consent to its write scopes).
    web.registry.activate_module(fabrikam.tenant_id, "deploy-baseline")
    web.demo.entra.grant_consent(fabrikam.tenant_id, write_scopes(web.demo.catalog)["deploy-baseline"])
    switched = await web.client.get("/customers/switch", params={"tenant": fabrikam.tenant_id})
    assert switched.status_code == 303, switched.text
    await web.wait_for_policies()


async def test_contoso_deployed_into_fabrikam_as_a_golden_tenant(web: Any) -> None:
    await _partner_in_fabrikam(web)
    contoso, fabrikam = web.tenant("contoso"), web.tenant("fabrikam")
    page = await web.client.get("/deploy")
    assert f'value="tenant:{contoso.tenant_id}">Another tenant: {contoso.domain}<' in page.text
    assert f'value="tenant:{web.tenant("partner").tenant_id}"' in page.text  # the partner's own tenant
    assert f"tenant:{fabrikam.tenant_id}" not in page.text  # not the target itself

    review = await _review(web, "/deploy/review", {"source": f"tenant:{contoso.tenant_id}", "assign": "source"})
    assert review.status_code == 200, review.text
    assert f'data-testid="source-label">{contoso.domain}<' in review.text
    text = html.unescape(review.text)
    fabrikam_groups = {g["displayName"]: g["id"] for g in fabrikam.objects["groups"]}
    mapped = re.findall(r"group '([^']+)' → ([0-9a-f-]{36})", text)
    assert mapped and all(fabrikam_groups.get(name) == target for name, target in mapped), mapped[:5]
    # Groups Fabrikam lacks are flagged, and those objects are not applied.
    assert _count(review, "flagged") >= 1 and "not mapped" in text

    rows = re.findall(r'<tr data-testid="plan-item".*?</tr>', review.text, re.S)
    assigned = [r for r in rows if "settingsCatalog/new:" in r and "assign: group" in r]
    items = [html.unescape(re.search(r'name="item" value="([^"]+)"', r).group(1)) for r in assigned][:3]
    assert items
    result = await _apply(web, "/deploy", _document(review), items)
    assert _count(result, "applied") == len(items), result.text
    contoso_ids = {g["id"] for g in contoso.objects["groups"]}
    names = {i.split("/new:", 1)[1] for i in items if "/new:" in i}
    arrived = [p for p in fabrikam.objects["settingsCatalog"] if p["name"] in names]
    assert len(arrived) == len(names)
    targets = [a["target"] for p in arrived for a in p.get("assignments", [])]
    groups = {str(t["groupId"]) for t in targets if "groupId" in t}
    # Assigned as in Contoso, to Fabrikam's groups of those names: never Contoso's ids.
    assert groups and groups <= set(fabrikam_groups.values()) and not groups & contoso_ids


async def test_a_single_tenant_user_is_offered_no_other_tenant_and_a_forged_one_is_refused(web: Any) -> None:
    await web.onboarded_admin()
    await web.wait_for_policies()
    page = await web.client.get("/deploy")
    assert 'data-testid="no-other-tenant"' in page.text and "Another tenant:" not in page.text
    forged = await _review(web, "/deploy/review", {"source": f"tenant:{web.tenant('fabrikam').tenant_id}"})
    assert forged.status_code == 400 and "not one you can read here" in forged.text
