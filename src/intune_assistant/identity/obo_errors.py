"""Why an On-Behalf-Of exchange gave no Graph token, in words the user or administrator can act on.

Entra ID's answers (graph-entra.md §4) map to:

* ``ConsentRequired`` — AADSTS65001 / ``suberror: consent_required``: an administrator must grant
  the scopes tenant-wide (``consent_url`` builds the admin-consent link);
* ``InteractionRequired`` — ``interaction_required`` (AADSTS50076/50079 ...): Conditional Access
  wants more (MFA); ``claims`` is the challenge for the next sign-in;
* ``DeviceNotCompliant`` (an ``InteractionRequired``) — AADSTS53000: Conditional Access requires a
  compliant device; only a sign-in from such a device answers the challenge;
* ``SignInRequired`` — the user is disabled (AADSTS50057), lost access (50020), or the sign-in
  expired or was revoked (other ``invalid_grant``): sign in again, or ask an admin;
* ``NotAssigned`` (a ``SignInRequired``) — AADSTS50105: the tenant requires assignment to the
  app and the user is not assigned; only an administrator can fix it, signing in again cannot;
* ``GraphTokenUnavailable`` — anything else (Entra unreachable, the API app misconfigured).

Messages never contain a token.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

__all__ = [
    "ConsentRequired",
    "DeviceNotCompliant",
    "GraphTokenUnavailable",
    "InteractionRequired",
    "NotAssigned",
    "OboError",
    "SessionsRevoked",
    "SignInRequired",
    "error_from_result",
]

_INTERACTION_CODES = frozenset({50076, 50079, 50074, 50158, 50072})
_EXPIRED_CODES = frozenset({50173, 70008, 500133, 700082, 50133, 50089})


class OboError(Exception):
    """Base of the On-Behalf-Of failures; ``aadsts`` is Entra's error number when there was one."""

    def __init__(self, message: str, *, tenant_id: str, aadsts: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.tenant_id = tenant_id
        self.aadsts = aadsts


class ConsentRequired(OboError):
    """The tenant has not consented to ``scopes`` (full Graph scope URIs) for the API app."""

    def __init__(
        self, tenant_id: str, scopes: Sequence[str], *, authority_host: str, api_client_id: str, aadsts: int | None
    ) -> None:
        self.scopes = tuple(scopes)
        self._authority_host = authority_host
        self._api_client_id = api_client_id
        names = ", ".join(s.rpartition("/")[2] for s in self.scopes)
        super().__init__(
            f"Tenant {tenant_id} has not granted Intune Assistant the Microsoft Graph permissions it needs "
            f"({names}). A Global Administrator, Privileged Role Administrator or Cloud Application "
            "Administrator of the tenant must grant admin consent.",
            tenant_id=tenant_id,
            aadsts=aadsts,
        )

    def _query(self, extra: Mapping[str, str]) -> str:
        params = {"client_id": self._api_client_id, "scope": " ".join(self.scopes), **extra}
        return urlencode(params, quote_via=quote)

    @property
    def admin_consent_url(self) -> str:
        """The tenant's admin-consent URL for the API app and ``scopes`` (Entra's default redirect)."""
        return f"{self._authority_host}/{self.tenant_id}/v2.0/adminconsent?{self._query({})}"

    def consent_url(self, redirect_uri: str, state: str) -> str:
        """The admin-consent URL returning to ``redirect_uri`` (registered on the API app) with ``state``."""
        query = self._query({"redirect_uri": redirect_uri, "state": state})
        return f"{self._authority_host}/{self.tenant_id}/v2.0/adminconsent?{query}"


class InteractionRequired(OboError):
    """Conditional Access requires an interactive step (usually MFA); ``claims`` is Entra's
    challenge, to pass as ``claims_challenge`` to the next sign-in."""

    def __init__(self, tenant_id: str, claims: str, *, aadsts: int | None, message: str | None = None) -> None:
        self.claims = claims
        super().__init__(
            message
            or f"Tenant {tenant_id} requires you to sign in again with multi-factor authentication "
            "(Conditional Access) before Intune Assistant can read Microsoft Graph for you.",
            tenant_id=tenant_id,
            aadsts=aadsts,
        )

    @property
    def www_authenticate(self) -> str:
        """The challenge header an API returns for this (graph-entra.md §4): base64 claims."""
        encoded = base64.b64encode(self.claims.encode("utf-8")).decode("ascii")
        return f'Bearer realm="", error="insufficient_claims", claims="{encoded}"'


class DeviceNotCompliant(InteractionRequired):
    """Conditional Access requires a compliant (managed) device and this sign-in did not come from one
    (AADSTS53000). ``claims`` is the challenge a sign-in from a compliant device answers."""

    def __init__(self, tenant_id: str, claims: str, *, aadsts: int | None) -> None:
        super().__init__(
            tenant_id,
            claims,
            aadsts=aadsts,
            message="Your organisation's Conditional Access lets Intune Assistant reach Microsoft Graph only from "
            "a compliant device (enrolled in Intune and meeting its compliance policies), and this sign-in did not "
            "come from one.",
        )


class SignInRequired(OboError):
    """The user must sign in again (or an administrator must act); the message says which."""


class NotAssigned(SignInRequired):
    """The tenant's enterprise application requires assignment and this user is not assigned."""

    def __init__(self, tenant_id: str, *, aadsts: int | None) -> None:
        super().__init__(
            "Your administrator has not given you access to Intune Assistant in Entra ID (Enterprise "
            "applications → Intune Assistant API → Users and groups).",
            tenant_id=tenant_id,
            aadsts=aadsts,
        )


class SessionsRevoked(SignInRequired):
    """Microsoft Graph answered the user's token with a continuous access evaluation claims challenge:
    their sign-in sessions were revoked (or their account changed) after they signed in."""

    def __init__(self, tenant_id: str) -> None:
        super().__init__(
            "Entra ID ended your sign-in sessions after you signed in (you or an administrator revoked them, or "
            "your account changed), so Intune Assistant stopped acting for you. Sign in again to continue.",
            tenant_id=tenant_id,
        )


class GraphTokenUnavailable(OboError):
    """No Graph token, for a reason the user cannot fix by signing in (configuration, outage)."""


def _codes(result: Mapping[str, Any]) -> tuple[int, ...]:
    codes = result.get("error_codes")
    found = [c for c in codes if isinstance(c, int)] if isinstance(codes, list) else []
    description = result.get("error_description")
    if not found and isinstance(description, str) and description.startswith("AADSTS"):
        digits = description[6:].split(":", 1)[0]
        if digits.isdigit():
            found.append(int(digits))
    return tuple(found)


def error_from_result(
    result: Mapping[str, Any], *, tenant_id: str, scopes: Sequence[str], authority_host: str, api_client_id: str
) -> OboError:
    """The ``OboError`` for MSAL's error ``result`` of an OBO request for ``scopes`` (full URIs)."""
    codes = _codes(result)
    code = codes[0] if codes else None
    error = str(result.get("error") or "")
    suffix = f" (AADSTS{code})" if code is not None else ""
    if result.get("suberror") == "consent_required" or 65001 in codes or error == "consent_required":
        return ConsentRequired(
            tenant_id, scopes, authority_host=authority_host, api_client_id=api_client_id, aadsts=code
        )
    if 53000 in codes:
        return DeviceNotCompliant(tenant_id, str(result.get("claims") or ""), aadsts=code)
    if error == "interaction_required" or _INTERACTION_CODES.intersection(codes):
        return InteractionRequired(tenant_id, str(result.get("claims") or ""), aadsts=code)
    if 50105 in codes:
        return NotAssigned(tenant_id, aadsts=code)
    if 50057 in codes:
        message = (
            f"Your account is disabled in tenant {tenant_id}. Ask an administrator of that tenant to enable "
            "it, then sign in again."
        )
        return SignInRequired(message + suffix, tenant_id=tenant_id, aadsts=code)
    if 50020 in codes or 50034 in codes:
        message = (
            f"Your account has no access to tenant {tenant_id} any more (for a partner technician: no active "
            "GDAP relationship). Sign in with an account that has access."
        )
        return SignInRequired(message + suffix, tenant_id=tenant_id, aadsts=code)
    if 53003 in codes:
        message = f"Conditional Access in tenant {tenant_id} blocks this sign-in. Ask the tenant's administrator."
        return SignInRequired(message + suffix, tenant_id=tenant_id, aadsts=code)
    if error == "invalid_grant" or _EXPIRED_CODES.intersection(codes):
        message = "Your sign-in has expired or was revoked. Sign in again."
        return SignInRequired(message + suffix, tenant_id=tenant_id, aadsts=code)
    if error in ("invalid_client", "unauthorized_client"):
        message = "Entra ID refused the API app's credentials; the operator must check the API client secret."
        return GraphTokenUnavailable(message + suffix, tenant_id=tenant_id, aadsts=code)
    message = f"Entra ID gave no Microsoft Graph token ({error or 'no error code'}). Try again later."
    return GraphTokenUnavailable(message + suffix, tenant_id=tenant_id, aadsts=code)
