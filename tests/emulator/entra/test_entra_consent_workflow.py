"""Entra's admin consent workflow: a user who cannot consent requests approval; a reviewer decides."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from .test_entra_consent import WRITE, _consent_url

WRITE_SCOPE = WRITE.rpartition("/")[2]


def _form(html: str) -> tuple[str, str]:
    action = re.search(r'<form method="post" action="([^"]+)"', html)
    request = re.search(r'name="request" value="([^"]+)"', html)
    assert action and request, html
    return unescape(action.group(1)), unescape(request.group(1))


async def _approval_page(env: Any, user: str) -> Any:
    page = await env.client.get(_consent_url(env, env.CONTOSO))
    return await env.pick(page, env.CONTOSO, user)


async def _post(env: Any, page: Any, **fields: str) -> Any:
    action, request = _form(page.text)
    return await env.client.post(action, data={"request": request, **fields})


async def test_without_the_workflow_a_non_admin_is_refused_as_before(env: Any) -> None:
    refused = await _approval_page(env, env.READER)
    assert refused.status_code == 302
    assert env.query_of(refused.headers["location"])["error_description"].startswith("AADSTS65004")


async def test_a_request_is_sent_pending_and_approved_by_a_reviewer_who_may_consent(env: Any) -> None:
    env.entra.enable_admin_consent_workflow(env.CONTOSO, [env.ADMIN, env.READER])
    page = await _approval_page(env, env.READER)
    assert page.status_code == 200 and "Approval required" in page.text and "Request approval" in page.text
    assert WRITE_SCOPE in page.text
    # A justification is required.
    again = await _post(env, page, action="request", reason="  ")
    assert again.status_code == 200 and "Enter a justification" in again.text
    sent = await _post(env, again, action="request", reason="Documenting our Intune tenant")
    assert "Request sent" in sent.text
    back = await _post(env, sent, action="return")
    params = env.query_of(back.headers["location"])
    assert params["error"] == "consent_required" and params["error_description"].startswith("AADSTS90095")
    assert params["state"] == "c-1"
    # Coming back while it is open shows it pending (no second request).
    pending = await _approval_page(env, env.READER)
    assert "Request sent" in pending.text
    (request,) = env.entra.consent_requests(env.CONTOSO)
    assert request.status == "InProgress" and request.scopes == (WRITE_SCOPE,)
    assert [(r.upn, r.reason) for r in request.requests] == [("rita@contoso.example", "Documenting our Intune tenant")]
    assert env.entra.consented_scopes(env.CONTOSO) == ()
    # Designation does not elevate: the reader is a reviewer but cannot approve.
    with pytest.raises(PermissionError):
        env.entra.approve_consent_request(env.CONTOSO, request.id, env.READER)
    with pytest.raises(PermissionError):
        env.entra.approve_consent_request(env.CONTOSO, request.id, env.MFA_ADMIN)  # not a reviewer
    assert env.entra.approve_consent_request(env.CONTOSO, request.id, env.ADMIN) == (WRITE_SCOPE,)
    assert env.entra.consent_requests(env.CONTOSO)[0].status == "Approved"
    with pytest.raises(ValueError, match="no longer in progress"):
        env.entra.deny_consent_request(env.CONTOSO, request.id, env.ADMIN, "late")


async def test_returning_without_requesting_is_a_refusal_and_requests_expire(env: Any, clock: Any) -> None:
    env.entra.enable_admin_consent_workflow(env.CONTOSO, [env.ADMIN], request_days=1)
    page = await _approval_page(env, env.READER)
    back = await _post(env, page, action="return")
    assert env.query_of(back.headers["location"])["error_description"].startswith("AADSTS65004")
    assert env.entra.consent_requests(env.CONTOSO) == ()
    page = await _approval_page(env, env.READER)
    await _post(env, page, action="request", reason="Please")
    clock.advance(86_400)
    (request,) = env.entra.consent_requests(env.CONTOSO)
    assert request.status == "Expired"
    with pytest.raises(ValueError):
        env.entra.approve_consent_request(env.CONTOSO, request.id, env.ADMIN)


def test_the_workflow_needs_a_reviewer_and_at_most_thirty_days(env: Any) -> None:
    with pytest.raises(ValueError, match="reviewer"):
        env.entra.enable_admin_consent_workflow(env.CONTOSO, [])
    with pytest.raises(ValueError, match="30 days"):
        env.entra.enable_admin_consent_workflow(env.CONTOSO, [env.ADMIN], request_days=31)
