"""Enterprise applications with "Assignment required?": AADSTS50105 for unassigned users."""

from __future__ import annotations

from typing import Any


async def _api_token(env: Any, user: str) -> str:
    return str((await env.api_tokens(user))["access_token"])


async def test_nothing_is_required_by_default(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    response = await env.obo(await _api_token(env, env.READER))
    assert response.status_code == 200, response.text


async def test_unassigned_user_is_refused_on_behalf_of_with_50105(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    assertion = await _api_token(env, env.READER)  # the frontend needs no assignment
    env.entra.require_assignment(env.CONTOSO)  # the API app's enterprise application
    response = await env.obo(assertion)
    body = response.json()
    assert response.status_code == 400
    assert body["error"] == "invalid_grant" and body["error_codes"] == [50105]
    assert body["error_description"].startswith(
        f"AADSTS50105: Your administrator has configured the application Intune Assistant API "
        f"('{env.regs.api.client_id}') to block users unless they are specifically granted ('assigned') access "
        "to the application. The signed in user 'rita@contoso.example' is blocked"
    )
    assert env.entra.token_log[-1].outcome == "invalid_grant:50105"
    # Another tenant's enterprise application is another service principal: not affected.
    env.entra.grant_consent(env.FABRIKAM, env.READ_SCOPES)
    fabrikam = await env.api_tokens(env.FAB_ADMIN, tenant=env.FABRIKAM)
    assert (await env.obo(fabrikam["access_token"], tenant=env.FABRIKAM)).status_code == 200


async def test_direct_assignment_and_direct_group_membership_count(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    group = "e0000000-0000-4000-8000-000000000001"
    env.tenants[env.CONTOSO].objects["groups"] = [
        {"id": group, "displayName": "IA users", "members": [{"@odata.type": "#microsoft.graph.user", "id": env.ADMIN}]}
    ]
    env.entra.require_assignment(env.CONTOSO)
    env.entra.assign_to_app(env.CONTOSO, env.READER)
    env.entra.assign_to_app(env.CONTOSO, group)
    assert (await env.obo(await _api_token(env, env.READER))).status_code == 200
    assert (await env.obo(await _api_token(env, env.ADMIN))).status_code == 200
    env.entra.unassign_from_app(env.CONTOSO, env.READER)
    refused = await env.obo(await _api_token(env, env.READER))
    assert refused.json()["error_codes"] == [50105]
    env.entra.require_assignment(env.CONTOSO, required=False)
    assert (await env.obo(await _api_token(env, env.READER))).status_code == 200


async def test_frontend_requiring_assignment_shows_the_error_on_the_sign_in_page(env: Any) -> None:
    env.entra.require_assignment(env.CONTOSO, client_id=env.regs.frontend.client_id)
    page, _ = await env.authorize(prompt="login")
    response = await env.pick(page, env.CONTOSO, env.READER)
    assert response.status_code == 400 and "AADSTS50105" in response.text
    assert "location" not in response.headers and "set-cookie" not in response.headers


async def test_gdap_technicians_are_never_assigned(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    tech = await env.api_tokens(env.TECH, home=env.PARTNER)
    env.entra.require_assignment(env.CONTOSO)
    env.entra.assign_to_app(env.CONTOSO, env.TECH)
    assert (await env.obo(tech["access_token"])).json()["error_codes"] == [50105]
