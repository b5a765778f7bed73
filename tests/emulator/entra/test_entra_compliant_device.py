"""Conditional Access "Require compliant device" for Microsoft Graph: AADSTS53000 with a claims
challenge from On-Behalf-Of, and Entra's block page for a sign-in answering it."""

from __future__ import annotations

import json
from typing import Any

from intune_assistant.emulator.entra.core import DEVICE_POLICY_ID


async def test_on_behalf_of_gets_53000_with_the_policy_s_claims_challenge(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    assertion = (await env.api_tokens(env.READER))["access_token"]  # the API token needs no device
    env.entra.require_compliant_device(env.CONTOSO)
    response = await env.obo(assertion)
    body = response.json()
    assert response.status_code == 400
    assert body["error"] == "interaction_required" and body["error_codes"] == [53000]
    assert body["error_description"].startswith(
        "AADSTS53000: Device is not in required device state: compliant. Conditional Access policy requires a "
        "compliant device, and the device is not compliant."
    )
    assert json.loads(body["claims"])["access_token"]["polids"]["values"] == [DEVICE_POLICY_ID]
    assert env.entra.token_log[-1].outcome == "interaction_required:53000"
    # Another tenant's policies are its own.
    env.entra.grant_consent(env.FABRIKAM, env.READ_SCOPES)
    fabrikam = await env.api_tokens(env.FAB_ADMIN, tenant=env.FABRIKAM)
    assert (await env.obo(fabrikam["access_token"], tenant=env.FABRIKAM)).status_code == 200
    env.entra.require_compliant_device(env.CONTOSO, required=False)
    assert (await env.obo(assertion)).status_code == 200


async def test_a_sign_in_answering_the_challenge_is_blocked_on_entra_s_page(env: Any) -> None:
    env.entra.require_compliant_device(env.CONTOSO)
    challenge = json.dumps({"access_token": {"polids": {"essential": True, "values": [DEVICE_POLICY_ID]}}})
    page, _ = await env.authorize(claims=challenge)
    blocked = await env.pick(page, env.CONTOSO, env.READER)
    assert blocked.status_code == 400 and "AADSTS53000" in blocked.text
    assert "location" not in blocked.headers
    # With a session and prompt=none the app is told, as Entra cannot show its page.
    silent, _ = await env.authorize(prompt="none", claims=challenge)
    params = env.query_of(silent.headers["location"])
    assert params["error"] == "interaction_required" and params["error_description"].startswith("AADSTS53000")
    # A sign-in without the challenge (the frontend's own token for the API) is not affected.
    plain, _ = await env.authorize(prompt="none")
    assert "code" in env.query_of(plain.headers["location"])
