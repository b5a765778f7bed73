"""Entra's admin consent workflow: users who cannot consent request approval; reviewers decide.

A tenant switches the workflow on (Enterprise applications → Consent and permissions → Admin
consent settings: "Users can request admin consent to apps they are unable to consent to") with
its reviewers and how long a request stays open (1–30 days; Entra's default 30). A user who cannot
grant admin consent then gets "Approval required" with a justification field and "Request
approval" instead of a refusal. Requests for one app gather in one app consent request (Graph's
``appConsentRequest`` with its ``userConsentRequests``); approving it grants tenant-wide admin
consent to every scope asked, as the reviewer granting it on the app's page would. Only a
designated reviewer who may grant admin consent can approve (designation alone does not elevate),
as Microsoft Learn's "Review admin consent requests" says; any designated reviewer may deny.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["ConsentRequest", "ConsentWorkflow", "UserRequest", "WorkflowSettings"]

RequestStatus = Literal["InProgress", "Approved", "Denied", "Expired"]
DAY_S = 86_400.0


@dataclass(frozen=True)
class WorkflowSettings:
    """A tenant's admin consent workflow: reviewers (user object ids) and request lifetime."""

    reviewers: frozenset[str]
    request_days: int = 30


@dataclass
class UserRequest:
    """One user's request (Graph's ``userConsentRequest``)."""

    user_id: str
    upn: str
    reason: str
    created: float


@dataclass
class ConsentRequest:
    """The open (or decided) request for one app in one tenant (Graph's ``appConsentRequest``)."""

    id: str
    tenant_id: str
    client_id: str
    app_name: str
    scopes: tuple[str, ...]
    expires: float
    requests: list[UserRequest] = field(default_factory=list)
    status: RequestStatus = "InProgress"
    reviewed_by: str = ""
    review_reason: str = ""

    def requested_by(self, user_id: str) -> bool:
        """Whether ``user_id`` is among the requesters."""
        return any(r.user_id.lower() == user_id.lower() for r in self.requests)


class ConsentWorkflow:
    """Workflow settings per tenant and every consent request (state of one Entra emulator)."""

    def __init__(self) -> None:
        self._settings: dict[str, WorkflowSettings] = {}
        self._requests: list[ConsentRequest] = []

    def enable(self, tenant_id: str, reviewers: Iterable[str], request_days: int) -> None:
        """Switch the workflow on; Entra requires at least one reviewer and 1–30 days."""
        chosen = frozenset(r.lower() for r in reviewers)
        if not chosen:
            raise ValueError("The admin consent workflow needs at least one reviewer.")
        if not 1 <= request_days <= 30:
            raise ValueError("Consent requests expire after 1 to 30 days.")
        self._settings[tenant_id.lower()] = WorkflowSettings(chosen, request_days)

    def disable(self, tenant_id: str) -> None:
        """Switch the workflow off (open requests stay listed, as in the admin center)."""
        self._settings.pop(tenant_id.lower(), None)

    def settings(self, tenant_id: str) -> WorkflowSettings | None:
        """The tenant's workflow, or ``None`` when users cannot request approval."""
        return self._settings.get(tenant_id.lower())

    def requests(self, tenant_id: str, now: float) -> tuple[ConsentRequest, ...]:
        """Every request of the tenant, oldest first (open ones past their lifetime marked Expired)."""
        for request in self._requests:
            if request.status == "InProgress" and request.expires <= now:
                request.status = "Expired"
        return tuple(r for r in self._requests if r.tenant_id == tenant_id.lower())

    def open_request(self, tenant_id: str, client_id: str, now: float) -> ConsentRequest | None:
        """The app's request still in progress, if any."""
        return next(
            (r for r in self.requests(tenant_id, now) if r.client_id == client_id.lower() and r.status == "InProgress"),
            None,
        )

    def add(
        self,
        *,
        tenant_id: str,
        client_id: str,
        app_name: str,
        scopes: tuple[str, ...],
        user_id: str,
        upn: str,
        reason: str,
        now: float,
    ) -> ConsentRequest:
        """Record ``user_id``'s request, joining the app's open request (scopes added) or opening one."""
        settings = self.settings(tenant_id)
        if settings is None:
            raise ValueError("The tenant's admin consent workflow is off.")
        request = self.open_request(tenant_id, client_id, now)
        if request is None:
            request = ConsentRequest(
                id=str(uuid.uuid4()),
                tenant_id=tenant_id.lower(),
                client_id=client_id.lower(),
                app_name=app_name,
                scopes=scopes,
                expires=now + settings.request_days * DAY_S,
            )
            self._requests.append(request)
        else:
            request.scopes = tuple(dict.fromkeys((*request.scopes, *scopes)))
        if not request.requested_by(user_id):
            request.requests.append(UserRequest(user_id, upn, reason, now))
        return request

    def find(self, tenant_id: str, request_id: str, now: float) -> ConsentRequest:
        """The tenant's request with ``request_id`` (``KeyError`` when there is none)."""
        for request in self.requests(tenant_id, now):
            if request.id == request_id:
                return request
        raise KeyError(request_id)

    def is_reviewer(self, tenant_id: str, user_id: str) -> bool:
        """Whether ``user_id`` is a designated reviewer of the tenant's requests."""
        settings = self.settings(tenant_id)
        return settings is not None and user_id.lower() in settings.reviewers
