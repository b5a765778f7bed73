"""Errors shaped as Entra ID answers them.

Token-endpoint errors are JSON ``{error, error_description, error_codes, timestamp, trace_id,
correlation_id[, suberror][, claims]}``; ``error_description`` starts with ``AADSTS{code}: `` and
ends with the trace id, correlation id and timestamp lines, as Entra writes it. Browser-facing
errors either redirect back with ``error``/``error_description``/``state`` or, when the redirect
URI cannot be trusted, are shown on a page. Messages follow Entra's wording where it is known
(``shared/reference/graph-entra.md`` §4; Entra's AADSTS reference); none contains a token.
"""

from __future__ import annotations

import time
from typing import Any

__all__ = ["EntraError"]


class EntraError(Exception):
    """An Entra ID error: OAuth ``error`` code, AADSTS number and message, HTTP status."""

    def __init__(
        self,
        error: str,
        code: int,
        message: str,
        *,
        status: int = 400,
        suberror: str | None = None,
        claims: str | None = None,
    ) -> None:
        super().__init__(f"{error}: AADSTS{code}: {message}")
        self.error = error
        self.code = code
        self.message = message
        self.status = status
        self.suberror = suberror
        self.claims = claims

    @property
    def aadsts(self) -> str:
        """``AADSTS{code}: {message}`` (the first line of the description)."""
        return f"AADSTS{self.code}: {self.message}"

    def description(self, trace_id: str, correlation_id: str, now: float) -> str:
        """The full ``error_description`` Entra sends, with its trailing diagnostics."""
        return (
            f"{self.aadsts}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp(now)}"
        )

    def body(self, trace_id: str, correlation_id: str, now: float) -> dict[str, Any]:
        """The JSON body of a token-endpoint error."""
        body: dict[str, Any] = {
            "error": self.error,
            "error_description": self.description(trace_id, correlation_id, now),
            "error_codes": [self.code],
            "timestamp": timestamp(now),
            "trace_id": trace_id,
            "correlation_id": correlation_id,
        }
        if self.suberror:
            body["suberror"] = self.suberror
        if self.claims:
            body["claims"] = self.claims
        return body


def timestamp(now: float) -> str:
    """Entra's timestamp format, ``2024-05-01 12:00:00Z``."""
    return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(now))


# --- the errors the emulator answers (one place, so wording stays consistent) --------------------


def missing_parameter(name: str) -> EntraError:
    """A required request parameter is absent."""
    return EntraError("invalid_request", 900144, f"The request body must contain the following parameter: '{name}'.")


def malformed(detail: str) -> EntraError:
    """A request Entra would reject as malformed."""
    return EntraError("invalid_request", 9002313, f"Invalid request. Request is malformed or invalid. {detail}")


def tenant_not_found(segment: str) -> EntraError:
    """The tenant segment names no tenant the emulator serves."""
    return EntraError(
        "invalid_tenant",
        90002,
        f"Tenant '{segment}' not found. Check to make sure you have the correct tenant ID and are signing "
        "into the correct cloud. Check with your subscription administrator, this may happen if there are "
        "no active subscriptions for the tenant.",
    )


def unknown_client(client_id: str, tenant: str) -> EntraError:
    """No registration with ``client_id``."""
    return EntraError(
        "unauthorized_client",
        700016,
        f"Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen "
        "if the application has not been installed by the administrator of the tenant or consented to by any "
        "user in the tenant. You may have sent your authentication request to the wrong tenant.",
    )


def redirect_mismatch(redirect_uri: str, client_id: str) -> EntraError:
    """The redirect URI is not registered on the app (shown on a page, never redirected to)."""
    return EntraError(
        "invalid_request",
        50011,
        f"The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs "
        f"configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches "
        "one added to your application in the Azure portal.",
    )


def invalid_scope(detail: str) -> EntraError:
    """A scope the client may not request, or that is malformed."""
    return EntraError(
        "invalid_scope", 70011, f"The provided value for the input parameter 'scope' is not valid. {detail}"
    )


def several_resources(scopes: str) -> EntraError:
    """Scopes of more than one resource in one request."""
    return EntraError(
        "invalid_scope",
        28000,
        f"Provided value for the input parameter scope is not valid because it contains more than one "
        f"resource. Scope {scopes} is not valid.",
    )


def unknown_resource(resource: str, tenant: str) -> EntraError:
    """A scope of a resource the emulator does not know."""
    return EntraError(
        "invalid_resource",
        500011,
        f"The resource principal named {resource} was not found in the tenant named {tenant}. This can happen "
        "if the application has not been installed by the administrator of the tenant or consented to by any "
        "user in the tenant. You might have sent your authentication request to the wrong tenant.",
    )


def unsupported_grant(grant_type: str) -> EntraError:
    """A grant type the emulator (or this client) does not support."""
    return EntraError(
        "unsupported_grant_type",
        70003,
        f"The app requested an unsupported grant type '{grant_type}'.",
    )


def invalid_client_secret(client_id: str) -> EntraError:
    """Wrong client secret (401)."""
    return EntraError(
        "invalid_client",
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
        f"value, not the client secret ID, for a secret added to app '{client_id}'.",
        status=401,
    )


def missing_client_secret() -> EntraError:
    """A confidential client sent no credential (401)."""
    return EntraError(
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        status=401,
    )


def public_client_with_secret() -> EntraError:
    """A public client presented a secret."""
    return EntraError(
        "invalid_client",
        700025,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    )


def consent_required(app_id: str, app_name: str) -> EntraError:
    """No (or insufficient) consent for the requested scopes in this tenant (AADSTS65001)."""
    return EntraError(
        "invalid_grant",
        65001,
        f"The user or administrator has not consented to use the application with ID '{app_id}' named "
        f"'{app_name}'. Send an interactive authorization request for this user and resource.",
        suberror="consent_required",
    )


def mfa_required(resource: str, claims: str) -> EntraError:
    """Conditional Access requires multi-factor authentication for ``resource`` (AADSTS50079)."""
    return EntraError(
        "interaction_required",
        50079,
        "Due to a configuration change made by your administrator, or because you moved to a new location, "
        f"you must enroll in multi-factor authentication to access '{resource}'.",
        claims=claims,
    )


def device_not_compliant(claims: str | None = None) -> EntraError:
    """Conditional Access requires a compliant device and the device is not (AADSTS53000)."""
    return EntraError(
        "interaction_required",
        53000,
        "Device is not in required device state: compliant. Conditional Access policy requires a compliant "
        "device, and the device is not compliant. The user must enroll their device with an approved MDM "
        "provider like Intune.",
        claims=claims,
    )


def user_disabled() -> EntraError:
    """The user account is disabled (AADSTS50057)."""
    return EntraError(
        "invalid_grant",
        50057,
        "The user account is disabled. The user object in Active Directory backing this account has been "
        "disabled. An admin can re-enable this account through PowerShell.",
    )


def user_not_in_tenant(upn: str, idp: str, tenant_name: str, app_id: str, app_name: str) -> EntraError:
    """The user has no account in the tenant and no active GDAP access to it (AADSTS50020)."""
    return EntraError(
        "invalid_grant",
        50020,
        f"User account '{upn}' from identity provider '{idp}' does not exist in tenant '{tenant_name}' and "
        f"cannot access the application '{app_id}'({app_name}) in that tenant. The account needs to be added "
        "as an external user in the tenant first. Sign out and sign in again with a different Azure Active "
        "Directory user account.",
    )


def not_assigned(app_id: str, app_name: str, upn: str) -> EntraError:
    """The app requires assignment and the user is not assigned (AADSTS50105)."""
    return EntraError(
        "invalid_grant",
        50105,
        f"Your administrator has configured the application {app_name} ('{app_id}') to block users unless they "
        f"are specifically granted ('assigned') access to the application. The signed in user '{upn}' is blocked "
        "because they are not a direct member of a group with access, nor had access directly assigned by an "
        "administrator. Please contact your administrator to assign access to this application.",
    )


def user_not_found(tenant_name: str) -> EntraError:
    """No user with that id (AADSTS50034)."""
    return EntraError(
        "invalid_grant",
        50034,
        f"The user account does not exist in the {tenant_name} directory. To sign into this application, the "
        "account must be added to the directory.",
    )


def code_redeemed() -> EntraError:
    """A one-time authorization code used again (AADSTS54005)."""
    return EntraError(
        "invalid_grant",
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an "
        "existing refresh token.",
    )


def grant_expired() -> EntraError:
    """An expired authorization code or refresh token (AADSTS70008)."""
    return EntraError(
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new "
        "interactive authorization request for this user and resource.",
    )


def grant_revoked() -> EntraError:
    """A refresh token revoked by a sign-out everywhere or a rotation (AADSTS50173)."""
    return EntraError(
        "invalid_grant",
        50173,
        "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might "
        "have changed or reset their password.",
    )


def invalid_grant(detail: str) -> EntraError:
    """A code or refresh token the emulator never issued, or issued to another client."""
    return EntraError("invalid_grant", 9002313, f"Invalid request. Request is malformed or invalid. {detail}")


def reply_address_mismatch(sent: str, original: str) -> EntraError:
    """The redirect_uri at redemption differs from the one in the authorization request."""
    return EntraError(
        "invalid_grant",
        500112,
        f"The reply address '{sent}' does not match the reply address '{original}' provided when requesting "
        "Authorization code.",
    )


def pkce_mismatch() -> EntraError:
    """The PKCE code_verifier does not match the code_challenge."""
    return EntraError(
        "invalid_grant",
        501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
    )


def assertion_invalid(reason: str) -> EntraError:
    """An OBO assertion that fails signature, issuer, tenant or type checks (AADSTS50013)."""
    return EntraError("invalid_grant", 50013, f"Assertion failed signature validation. [Reason - {reason}]")


def assertion_audience(aud: str, client_id: str, app_name: str) -> EntraError:
    """An OBO assertion issued for another audience (AADSTS50013)."""
    return EntraError(
        "invalid_grant",
        50013,
        f"Assertion audience does not match the Client app presenting the assertion. The audience in the "
        f"assertion was '{aud}' and the expected audience is '{client_id}' or one of the Application Uris of "
        f"this application with App ID '{client_id}'({app_name}).",
    )


def assertion_expired() -> EntraError:
    """An OBO assertion outside its lifetime (AADSTS500133)."""
    return EntraError(
        "invalid_grant",
        500133,
        "Assertion is not within its valid time range. Ensure that the access token is not expired before "
        "using it for user assertion, or request a new token.",
    )


def tenant_required() -> EntraError:
    """A flow that needs a tenant-specific authority was sent to common/organizations (AADSTS50059)."""
    return EntraError(
        "invalid_request",
        50059,
        "No tenant-identifying information found in either the request or implied by any provided "
        "credentials. The On-Behalf-Of flow needs a tenant-specific authority.",
    )


def common_not_supported(app_id: str, app_name: str) -> EntraError:
    """Admin consent requested on /common (AADSTS90130)."""
    return EntraError(
        "invalid_request",
        90130,
        f"Application '{app_id}'({app_name}) is not supported over the /common or /consumers endpoints. Please "
        "use the /organizations or tenant-specific endpoint.",
    )


def admin_consent_denied() -> EntraError:
    """A non-administrator tried to grant tenant-wide consent (AADSTS65004, as a redirect)."""
    return EntraError(
        "consent_required",
        65004,
        "User declined to consent to access the app. Granting tenant-wide consent needs an administrator "
        "of the tenant.",
    )


def admin_consent_requested() -> EntraError:
    """The user sent a request through the admin consent workflow and returned (AADSTS90095)."""
    return EntraError(
        "consent_required",
        90095,
        "Admin consent is required for the permissions requested by this application. Your request for "
        "approval was sent to your organization's reviewers.",
    )


def access_denied() -> EntraError:
    """The user cancelled the sign-in (AADSTS65004)."""
    return EntraError("access_denied", 65004, "User declined to consent to access the app.")


def login_required(detail: str) -> EntraError:
    """``prompt=none`` without a usable session (AADSTS50058)."""
    return EntraError(
        "login_required", 50058, f"A silent sign-in request was sent but no user is signed in. {detail}".strip()
    )


def interaction_required(detail: str, code: int = 50076) -> EntraError:
    """``prompt=none`` that cannot complete without the user (MFA, another account)."""
    return EntraError("interaction_required", code, detail)


def authorization_pending() -> EntraError:
    """Device code not yet approved (AADSTS70016)."""
    return EntraError(
        "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling."
    )


def device_code_expired() -> EntraError:
    """Device code expired (AADSTS70020)."""
    return EntraError(
        "expired_token",
        70020,
        "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
    )


def device_code_declined() -> EntraError:
    """The user declined the device-code sign-in (AADSTS70000)."""
    return EntraError("authorization_declined", 70000, "The request was denied because one or more grants are invalid.")
