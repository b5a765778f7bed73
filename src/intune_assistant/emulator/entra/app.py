"""The Entra ID emulator as a Starlette app, and ``EntraEmulator``, its state and test/demo API.

Routes (paths as on login.microsoftonline.com; ``{tenant}`` is a tenant id, a tenant domain,
``common`` or ``organizations``):

* ``GET  /{tenant}/v2.0/.well-known/openid-configuration`` and ``GET /{tenant}/discovery/v2.0/keys``
* ``GET  /{tenant}/oauth2/v2.0/authorize`` and ``POST /{tenant}/login`` (the sign-in form)
* ``GET|POST /{tenant}/oauth2/v2.0/logout``
* ``POST /{tenant}/oauth2/v2.0/token`` and ``POST /{tenant}/oauth2/v2.0/devicecode``
* ``GET  /{tenant}/v2.0/adminconsent`` and ``POST /{tenant}/consentrequest`` (admin consent workflow)
* ``GET|POST /devicelogin``

All state lives in the ``EntraEmulator`` on ``app.state.entra``; keys are generated when it is
built. Nothing here logs; the token log records outcomes, never token values.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..tenants import pim
from ..tenants.model import RoleSchedule, TenantData
from ..tokens import TokenVerifier
from . import device_code, discovery, errors
from .authorize import SESSION_COOKIE, Browser
from .consent_requests import ConsentRequest
from .core import Core
from .directory import Principal
from .errors import EntraError
from .options import EntraOptions
from .registrations import AppRegistrations
from .scopes import RequestedScopes
from .state import TokenLogEntry
from .token_endpoint import TokenEndpoint
from .verifier import GraphTokenVerifier
from .web import base_url, basic_credentials, json_error, json_response, read_form

__all__ = ["EntraEmulator", "create_entra_app"]


class EntraEmulator:
    """The emulated Entra ID for a set of tenants: endpoints, consent, keys, and helpers for tests."""

    def __init__(
        self,
        tenants: Mapping[str, TenantData],
        *,
        registrations: AppRegistrations,
        options: EntraOptions | None = None,
    ) -> None:
        self.options = options or EntraOptions()
        self.core = Core(tenants, registrations, self.options)
        self.browser = Browser(self.core)
        self.token_endpoint = TokenEndpoint(self.core)

    # --- configuration -----------------------------------------------------------------------

    @property
    def registrations(self) -> AppRegistrations:
        """The app registrations (replace them to edit redirect URIs, as in the portal)."""
        return self.core.registrations

    @registrations.setter
    def registrations(self, value: AppRegistrations) -> None:
        with self.core.lock:
            self.core.registrations = value
            self.core.consent.registrations = value

    @property
    def token_log(self) -> list[TokenLogEntry]:
        """Every token request's outcome, oldest first (no token values)."""
        return self.core.token_log

    # --- keys --------------------------------------------------------------------------------

    @property
    def current_kid(self) -> str:
        """The ``kid`` new tokens are signed with."""
        return self.core.keys.current.kid

    def published_kids(self) -> tuple[str, ...]:
        """The ``kid`` of every key in the JWKS, current first."""
        return tuple(key.kid for key in self.core.keys.published())

    def rotate_keys(self, *, keep_previous: bool = True) -> str:
        """Sign with a new key from now on; the old one stays published (and trusted) unless
        ``keep_previous`` is False. Returns the new ``kid``."""
        with self.core.lock:
            return self.core.keys.rotate(keep_previous=keep_previous)

    def drop_previous_keys(self) -> None:
        """Unpublish every key but the current one: tokens they signed stop verifying."""
        with self.core.lock:
            self.core.keys.drop_previous()

    def graph_verifier(self) -> TokenVerifier:
        """A verifier for the Graph emulator that accepts only Graph tokens this emulator issued."""
        return GraphTokenVerifier(self.core.keys, self.core.now, revocation=self.core.cae_revocation)

    # --- consent -----------------------------------------------------------------------------

    def grant_consent(self, tenant_id: str, scopes: Iterable[str], *, client_id: str | None = None) -> tuple[str, ...]:
        """Grant delegated Graph ``scopes`` tenant-wide to the API app (or ``client_id``), adding to
        what the tenant granted before; returns the whole grant. Scopes must be configured on
        the app (ValueError otherwise)."""
        with self.core.lock:
            return self.core.consent.grant(tenant_id, scopes, client_id)

    def revoke_consent(self, tenant_id: str, *, client_id: str | None = None) -> None:
        """Remove the tenant's whole grant to the API app (or ``client_id``): the next OBO fails."""
        with self.core.lock:
            self.core.consent.revoke(tenant_id, client_id)

    def consented_scopes(self, tenant_id: str, *, client_id: str | None = None) -> tuple[str, ...]:
        """The Graph scopes the tenant granted to the API app (or ``client_id``)."""
        with self.core.lock:
            return self.core.consent.scopes(tenant_id, client_id)

    # --- enterprise applications -------------------------------------------------------------

    def require_assignment(self, tenant_id: str, *, client_id: str | None = None, required: bool = True) -> None:
        """Switch "Assignment required?" on (or off) for the API app's (or ``client_id``'s) enterprise
        application in the tenant: unassigned users then get AADSTS50105 where it is the client."""
        with self.core.lock:
            self.core.enterprise_apps.require_assignment(
                tenant_id, client_id or self.core.registrations.api.client_id, required
            )

    def assign_to_app(self, tenant_id: str, object_id: str, *, client_id: str | None = None) -> None:
        """Add a user or a group (object id) to "Users and groups" of the API app (or ``client_id``)."""
        with self.core.lock:
            self.core.enterprise_apps.assign(tenant_id, client_id or self.core.registrations.api.client_id, object_id)

    def unassign_from_app(self, tenant_id: str, object_id: str, *, client_id: str | None = None) -> None:
        """Remove a user or a group from "Users and groups" of the API app (or ``client_id``)."""
        with self.core.lock:
            self.core.enterprise_apps.unassign(tenant_id, client_id or self.core.registrations.api.client_id, object_id)

    # --- admin consent workflow --------------------------------------------------------------

    def enable_admin_consent_workflow(
        self, tenant_id: str, reviewers: Iterable[str], *, request_days: int = 30
    ) -> None:
        """ "Users can request admin consent to apps they are unable to consent to": on, with its
        reviewers (user object ids) and request lifetime (1–30 days). ``ValueError`` otherwise."""
        with self.core.lock:
            self.core.consent_workflow.enable(tenant_id, reviewers, request_days)

    def disable_admin_consent_workflow(self, tenant_id: str) -> None:
        """Users can no longer request approval (Entra refuses them, as before)."""
        with self.core.lock:
            self.core.consent_workflow.disable(tenant_id)

    def consent_requests(self, tenant_id: str) -> tuple[ConsentRequest, ...]:
        """The tenant's admin consent requests, oldest first (as "Admin consent requests" → All lists them)."""
        with self.core.lock:
            return self.core.consent_workflow.requests(tenant_id, self.core.now())

    def approve_consent_request(self, tenant_id: str, request_id: str, reviewer_id: str) -> tuple[str, ...]:
        """A reviewer approves: tenant-wide admin consent to every scope asked; returns the grant.

        ``PermissionError`` unless ``reviewer_id`` is a designated reviewer who may grant admin consent
        (designation does not elevate); ``KeyError`` for an unknown request, ``ValueError`` for one
        no longer in progress."""
        with self.core.lock:
            request, principal = self._reviewing(tenant_id, request_id, reviewer_id)
            if not principal.can_consent():
                raise PermissionError(f"{principal.upn} is a reviewer but has no role that may grant admin consent.")
            granted = self.core.consent.grant(request.tenant_id, request.scopes, request.client_id)
            request.status, request.reviewed_by = "Approved", principal.upn
            return granted

    def deny_consent_request(self, tenant_id: str, request_id: str, reviewer_id: str, reason: str) -> None:
        """A reviewer denies (with the justification Entra requires): nothing is granted."""
        with self.core.lock:
            if not reason.strip():
                raise ValueError("Denying a request needs a justification.")
            request, principal = self._reviewing(tenant_id, request_id, reviewer_id)
            request.status, request.reviewed_by, request.review_reason = "Denied", principal.upn, reason.strip()

    def _reviewing(self, tenant_id: str, request_id: str, reviewer_id: str) -> tuple[ConsentRequest, Principal]:
        workflow = self.core.consent_workflow
        request = workflow.find(tenant_id, request_id, self.core.now())
        if request.status != "InProgress":
            raise ValueError(f"The request is {request.status}, no longer in progress.")
        if not workflow.is_reviewer(tenant_id, reviewer_id):
            raise PermissionError("Only a designated reviewer can act on admin consent requests.")
        return request, self._principal(tenant_id, reviewer_id, request.client_id)

    # --- Privileged Identity Management ------------------------------------------------------

    def make_eligible(
        self, tenant_id: str, user_id: str, role_id: str, *, intune: bool = False, days: float | None = None
    ) -> None:
        """Make the user eligible (PIM) for a directory role (template id) or, with ``intune``, an Intune
        role (its name), from now for ``days`` (``None``: no end). Eligible grants nothing until activated."""
        with self.core.lock:
            now = self.core.now()
            end = None if days is None else now + days * 86_400
            self._tenant(tenant_id).role_schedules.append(RoleSchedule(user_id, role_id, "eligible", now, end, intune))

    def activate_role(self, tenant_id: str, user_id: str, role_id: str, *, hours: float = 8.0) -> None:
        """What the user does in PIM: activate an eligible role for ``hours``. ``ValueError`` if not eligible."""
        with self.core.lock:
            pim.activate(self._tenant(tenant_id), user_id, role_id, self.core.now(), hours=hours)

    def end_role_activation(self, tenant_id: str, user_id: str, role_id: str) -> None:
        """The activation's end time comes now (tests end it by this control, not by waiting)."""
        with self.core.lock:
            pim.end_activation(self._tenant(tenant_id), user_id, role_id, self.core.now())

    def _tenant(self, tenant_id: str) -> TenantData:
        tenant = self.core.directory.tenant(tenant_id)
        if tenant is None:
            raise errors.user_not_found(tenant_id)
        return tenant

    # --- conditional access ------------------------------------------------------------------

    def require_compliant_device(self, tenant_id: str, *, required: bool = True) -> None:
        """Switch on (or off) the tenant's Conditional Access policy "Require compliant device" for
        Microsoft Graph: On-Behalf-Of and device-code tokens for Graph then fail with AADSTS53000 (the
        emulator's clients present no compliant device), and a sign-in answering its claims challenge
        is blocked on Entra's page."""
        with self.core.lock:
            if required:
                self.core.compliant_device_tenants.add(tenant_id.lower())
            else:
                self.core.compliant_device_tenants.discard(tenant_id.lower())

    # --- users -------------------------------------------------------------------------------

    def _home_of(self, tenant_id: str | None, user_id: str) -> str | None:
        """The home tenant of ``user_id``: ``tenant_id`` when it is a member there."""
        directory = self.core.directory
        if tenant_id is not None and directory.operator(tenant_id, user_id) is not None:
            return tenant_id
        found = directory.find_user(user_id)
        return found[0].tenant_id if found is not None else None

    def _principal(self, tenant_id: str, user_id: str, client_id: str) -> Principal:
        home = self._home_of(tenant_id, user_id)
        if home is None:
            tenant = self.core.directory.tenant(tenant_id)
            raise errors.user_not_found(tenant.display_name if tenant is not None else tenant_id)
        client = self.core.client(client_id, tenant_id)
        return self.core.principal((tenant_id, home, user_id), client)

    def revoke_sessions(self, tenant_id: str, user_id: str) -> None:
        """Sign the user out everywhere: end emulator sessions and invalidate refresh tokens
        (as ``revokeSignInSessions`` does)."""
        with self.core.lock:
            wanted = user_id.lower()
            found = self.core.directory.find_user(user_id)
            if found is not None:
                # signInSessionsValidFromDateTime: CAE-capable Graph tokens from earlier sign-ins stop now.
                found[1].sessions_valid_from = self.core.now()
            self.core.sessions.remove_where(lambda s: s.user_id.lower() == wanted)
            for grant in self.core.refresh.where(lambda g: g.principal[2].lower() == wanted):
                grant.revoked = True

    def issue_graph_token_for(
        self,
        tenant_id: str,
        user_id: str,
        scopes: Iterable[str],
        *,
        client_id: str | None = None,
        mfa: bool = False,
    ) -> str:
        """A Graph token as OBO would issue it, without the HTTP round trip (tests, benchmarks).

        Same minting and rules: the user must be enabled (or a GDAP technician with access), the
        scopes consented for the tenant, MFA done when the user requires it. Raises ``EntraError``.
        """
        with self.core.lock:
            client = self.core.client(client_id or self.core.registrations.api.client_id, tenant_id)
            names = tuple(s.rpartition("/")[2] for s in scopes)
            requested = RequestedScopes(frozenset(), "graph", names, names)
            try:
                principal = self._principal(tenant_id, user_id, client.client_id)
                authority = self.core.directory.authority(tenant_id)
                response = self.core.issue(
                    principal=principal,
                    client=client,
                    authority=authority,
                    scopes=requested,
                    base="",
                    mfa=mfa,
                    sid="",
                    id_token=False,
                )
            except EntraError as error:
                self.core.log("direct", tenant_id, client.client_id, user_id, names, error)
                raise
            self.core.log("direct", tenant_id, client.client_id, user_id, names, None)
            return str(response["access_token"])

    def issue_api_token_for(self, tenant_id: str, user_id: str, *, base_url: str, mfa: bool = False) -> str:
        """A v2 API access token as the frontend's sign-in would get it (``iss`` under
        ``base_url``), for tests of the API side without a browser. Raises ``EntraError``."""
        with self.core.lock:
            regs = self.core.registrations
            api = regs.api
            sent = (f"{api.identifier_uri}/{api.exposed_scope}",)
            requested = RequestedScopes(frozenset(), "api", (api.exposed_scope,), sent)
            principal = self._principal(tenant_id, user_id, regs.frontend.client_id)
            response = self.core.issue(
                principal=principal,
                client=regs.frontend,
                authority=self.core.directory.authority(tenant_id),
                scopes=requested,
                base=base_url.rstrip("/"),
                mfa=mfa,
                sid="",
                id_token=False,
            )
            self.core.log("direct", tenant_id, regs.frontend.client_id, user_id, sent, None)
            return str(response["access_token"])

    # --- device code -------------------------------------------------------------------------

    def approve_device_code(self, user_code: str, user_id: str) -> None:
        """Approve a pending device-code sign-in as ``user_id`` (as if typed on /devicelogin).

        Raises ``EntraError`` for an unknown/expired code or a user who may not sign in there.
        """
        with self.core.lock:
            device = device_code.find_by_user_code(self.core, user_code)
            if device is None:
                raise errors.device_code_expired()
            home = self._home_of(device.authority.tenant_id, user_id)
            if home is None:
                raise errors.user_not_found(device.authority.segment)
            client = self.core.client(device.client_id, device.authority.segment)
            principal = self.core.sign_in_principal(device.authority, home, user_id, client)
            device_code.approve(self.core, device, principal)

    def decline_device_code(self, user_code: str) -> None:
        """Decline a pending device-code sign-in (the next poll answers authorization_declined)."""
        with self.core.lock:
            device = device_code.find_by_user_code(self.core, user_code)
            if device is None:
                raise errors.device_code_expired()
            device_code.decline(device)

    # --- HTTP --------------------------------------------------------------------------------

    def _base(self, request: Request) -> str:
        return base_url(request, self.options.issuer_base)

    async def openid_configuration(self, request: Request) -> Response:
        """``GET /{tenant}/v2.0/.well-known/openid-configuration``."""
        with self.core.lock:
            try:
                authority = self.core.directory.authority(request.path_params["tenant"])
            except EntraError as error:
                return json_error(error, request, self.core.now())
            return json_response(discovery.openid_configuration(authority, self._base(request)))

    async def keys(self, request: Request) -> Response:
        """``GET /{tenant}/discovery/v2.0/keys``."""
        with self.core.lock:
            try:
                authority = self.core.directory.authority(request.path_params["tenant"])
            except EntraError as error:
                return json_error(error, request, self.core.now())
            return json_response(discovery.jwks(authority, self._base(request), self.core.keys))

    async def authorize(self, request: Request) -> Response:
        """``GET /{tenant}/oauth2/v2.0/authorize``."""
        query = dict(request.query_params)
        with self.core.lock:
            return self.browser.authorize(request.path_params["tenant"], query, request.cookies.get(SESSION_COOKIE))

    async def login(self, request: Request) -> Response:
        """``POST /{tenant}/login``."""
        form = await read_form(request)
        with self.core.lock:
            return self.browser.login(form, request.cookies.get(SESSION_COOKIE))

    async def logout(self, request: Request) -> Response:
        """``GET|POST /{tenant}/oauth2/v2.0/logout``."""
        params = dict(request.query_params)
        if request.method == "POST":
            params.update(await read_form(request))
        with self.core.lock:
            return self.browser.logout(request.path_params["tenant"], params, request.cookies.get(SESSION_COOKIE))

    async def admin_consent(self, request: Request) -> Response:
        """``GET /{tenant}/v2.0/adminconsent``."""
        query = dict(request.query_params)
        with self.core.lock:
            return self.browser.admin_consent(request.path_params["tenant"], query)

    async def consent_request(self, request: Request) -> Response:
        """``POST /{tenant}/consentrequest`` (the "Approval required" page's form)."""
        form = await read_form(request)
        with self.core.lock:
            return self.browser.consent_request(form)

    async def token(self, request: Request) -> Response:
        """``POST /{tenant}/oauth2/v2.0/token``."""
        form = await read_form(request)
        basic = basic_credentials(request)
        with self.core.lock:
            try:
                body = self.token_endpoint.handle(request.path_params["tenant"], form, basic, self._base(request))
            except EntraError as error:
                return json_error(error, request, self.core.now())
            return json_response(body)

    async def devicecode(self, request: Request) -> Response:
        """``POST /{tenant}/oauth2/v2.0/devicecode``."""
        form = await read_form(request)
        with self.core.lock:
            try:
                authority = self.core.directory.authority(request.path_params["tenant"])
                body = device_code.start(self.core, authority, form, self._base(request))
            except EntraError as error:
                return json_error(error, request, self.core.now())
            return json_response(body)

    async def devicelogin(self, request: Request) -> Response:
        """``GET|POST /devicelogin``."""
        if request.method == "GET":
            return self.browser.device_login_form()
        form = await read_form(request)
        with self.core.lock:
            return self.browser.device_login(form)

    def routes(self) -> list[Route]:
        """The Starlette routes of this emulator."""
        endpoint = Callable[[Request], Awaitable[Response]]
        table: list[tuple[str, endpoint, list[str]]] = [
            ("/{tenant}/v2.0/.well-known/openid-configuration", self.openid_configuration, ["GET"]),
            ("/{tenant}/discovery/v2.0/keys", self.keys, ["GET"]),
            ("/{tenant}/oauth2/v2.0/authorize", self.authorize, ["GET"]),
            ("/{tenant}/login", self.login, ["POST"]),
            ("/{tenant}/oauth2/v2.0/logout", self.logout, ["GET", "POST"]),
            ("/{tenant}/oauth2/v2.0/token", self.token, ["POST"]),
            ("/{tenant}/oauth2/v2.0/devicecode", self.devicecode, ["POST"]),
            ("/{tenant}/v2.0/adminconsent", self.admin_consent, ["GET"]),
            ("/{tenant}/consentrequest", self.consent_request, ["POST"]),
            ("/devicelogin", self.devicelogin, ["GET", "POST"]),
        ]
        return [Route(path, handler, methods=methods) for path, handler, methods in table]


def create_entra_app(
    tenants: Mapping[str, TenantData],
    *,
    registrations: AppRegistrations,
    options: EntraOptions | None = None,
) -> Starlette:
    """An ASGI app emulating Entra ID for ``tenants`` (by tenant id); ``app.state.entra`` is the
    ``EntraEmulator``. The app reads the given ``TenantData`` live (operators, groups, GDAP)."""
    emulator = EntraEmulator(tenants, registrations=registrations, options=options)
    app = Starlette(routes=emulator.routes())
    app.state.entra = emulator
    return app
