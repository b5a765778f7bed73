"""The browser-facing endpoints: authorize, the sign-in form, logout, admin consent, device login.

Flow: ``GET /{tenant}/oauth2/v2.0/authorize`` validates the request; errors about the client or
the redirect URI are shown on a page (never redirected to an unverified URI), later ones go back
to the redirect URI with ``error``/``error_description``/``state``. With a usable emulator
session (and no ``prompt=login|consent|select_account``) the code is issued at once; otherwise
the request is stored server-side under a random id and the sign-in page is shown. Its form
POSTs to ``/{tenant}/login`` with that id (one-time) and the chosen account.

Multi-factor authentication (demo Conditional Access policy on Microsoft Graph): a sign-in
performs MFA for an MFA-flagged account when the request carries a claims challenge for the
access token (the step-up after an OBO ``interaction_required``) or asks for Graph directly;
``prompt=none`` that would need it answers ``interaction_required``.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import replace

from starlette.responses import Response

from . import device_code, errors
from .claims import wants_step_up
from .core import DEVICE_POLICY_ID, Client, Core
from .directory import Candidate, Principal
from .errors import EntraError
from .minting import client_info
from .pages import approval_page, device_entry_page, error_page, form_post_page, message_page, sign_in_page
from .registrations import ApiApp, FrontendApp, PublicClientApp
from .scopes import GRAPH_RESOURCE, RequestedScopes, canonical, parse_scopes
from .state import AuthCode, PendingSignIn, Session, new_secret
from .web import html_response, redirect_with

__all__ = ["SESSION_COOKIE", "Browser"]

SESSION_COOKIE = "ia_entra_sso"
_PROMPTS = (None, "none", "login", "consent", "select_account")
_RESPONSE_MODES = ("query", "fragment", "form_post")


def _redirect_uris(client: Client) -> tuple[str, ...]:
    if isinstance(client, PublicClientApp):
        return ()  # the CLI signs in with the device code only
    return client.redirect_uris


def _max_age(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        raise errors.malformed("max_age must be a number of seconds.") from None
    if value < 0:
        raise errors.malformed("max_age must not be negative.")
    return value


def _names_policy(raw: str | None, policy_id: str) -> bool:
    """Whether a (valid) ``claims`` challenge names the Conditional Access policy ``policy_id``."""
    try:
        parsed = json.loads(raw or "null")
    except ValueError:
        return False
    requested = parsed.get("access_token") if isinstance(parsed, dict) else None
    polids = requested.get("polids") if isinstance(requested, dict) else None
    values = polids.get("values") if isinstance(polids, dict) else None
    return isinstance(values, list) and policy_id in values


class Browser:
    """Browser-facing endpoints over a ``Core``; every method runs under ``core.lock``."""

    def __init__(self, core: Core) -> None:
        self.core = core

    # --- shared pieces ---------------------------------------------------------------------

    def _error_page(self, error: EntraError, status: int = 400) -> Response:
        page = error_page(error, str(uuid.uuid4()), str(uuid.uuid4()), self.core.now())
        return html_response(page, status)

    def _error_redirect(self, redirect_uri: str, mode: str, error: EntraError, state: str | None) -> Response:
        params = {
            "error": error.error,
            "error_description": error.description(str(uuid.uuid4()), str(uuid.uuid4()), self.core.now()),
            "state": state,
        }
        return self._respond(redirect_uri, mode, params)

    @staticmethod
    def _respond(redirect_uri: str, mode: str, params: Mapping[str, str | None]) -> Response:
        if mode == "form_post":
            nonce = secrets.token_urlsafe(16)
            clean = {k: v for k, v in params.items() if v is not None}
            return html_response(form_post_page(redirect_uri, clean, nonce), script_nonce=nonce)
        return redirect_with(redirect_uri, params, fragment=mode == "fragment")

    def session(self, cookie: str | None) -> Session | None:
        """The live session named by the cookie."""
        if not cookie:
            return None
        found = self.core.sessions.get(cookie)
        if found is None or found.expires < self.core.now():
            return None
        return found

    def _start_session(self, principal: Principal, mfa: bool, previous: Session | None) -> tuple[Session, str]:
        """A new session (same ``sid`` and MFA state when the same user signs in again) and its cookie."""
        now = self.core.now()
        same_user = previous is not None and (previous.home_tenant_id, previous.user_id) == (
            principal.home_tenant_id,
            principal.user_id,
        )
        sid = previous.sid if previous is not None and same_user else str(uuid.uuid4())
        mfa = mfa or bool(previous is not None and same_user and previous.mfa)
        session = Session(
            principal.home_tenant_id,
            principal.user_id,
            sid,
            mfa,
            now + self.core.options.session_lifetime_s,
            auth_time=now,
        )
        cookie = new_secret()
        self.core.sessions.put(cookie, session, now)
        return session, cookie

    @staticmethod
    def _set_cookie(response: Response, cookie: str) -> Response:
        response.set_cookie(SESSION_COOKIE, cookie, path="/", secure=True, httponly=True, samesite="lax")
        return response

    def _page(self, pending: PendingSignIn, *, title: str, intro: str, notices: tuple[str, ...] = ()) -> Response:
        now = self.core.now()
        request_id = new_secret()
        self.core.pending.put(request_id, pending, now)
        candidates = self.core.directory.candidates(pending.authority, domain_hint=pending.domain_hint)
        hint = pending.login_hint
        if hint and not any(c.operator.user_principal_name.lower() == hint.lower() for c in candidates):
            # A login_hint for an account not listed (a technician without access, another
            # tenant's user): offer it anyway so the sign-in can fail the way Entra's does.
            found = self.core.directory.find_by_upn(hint)
            if found is not None:
                partner = pending.authority.tenant_id not in (None, found[0].tenant_id)
                candidates.insert(0, Candidate(found[0], found[1], partner))
        scopes = pending.consent_scopes if pending.kind == "adminconsent" else ()
        page = sign_in_page(
            title=title,
            intro=intro,
            action=f"/{pending.authority.path}/login",
            request_id=request_id,
            candidates=candidates,
            preferred=hint,
            notices=notices,
            scopes=scopes,
        )
        return html_response(page)

    @staticmethod
    def _needs_mfa(pending: PendingSignIn) -> bool:
        return pending.step_up or (pending.scopes is not None and pending.scopes.resource == "graph")

    # --- authorize -------------------------------------------------------------------------

    def authorize(self, segment: str, query: Mapping[str, str], cookie: str | None) -> Response:
        """``GET /{tenant}/oauth2/v2.0/authorize``."""
        core = self.core
        try:
            authority = core.directory.authority(segment)
            client_id = query.get("client_id")
            if not client_id:
                raise errors.missing_parameter("client_id")
            client = core.client(client_id, segment)
            redirect_uri = query.get("redirect_uri")
            if not redirect_uri:
                raise errors.missing_parameter("redirect_uri")
            if redirect_uri not in _redirect_uris(client):
                raise errors.redirect_mismatch(redirect_uri, client.client_id)
        except EntraError as error:
            return self._error_page(error)
        mode = query.get("response_mode") or "query"
        state = query.get("state")
        try:
            if mode not in _RESPONSE_MODES:
                mode = "query"
                raise errors.malformed("response_mode must be query, fragment or form_post.")
            if not isinstance(client, FrontendApp):
                raise EntraError(
                    "unauthorized_client", 700054, "The application is not configured for interactive sign-in."
                )
            if query.get("response_type") != "code":
                raise EntraError(
                    "unsupported_response_type",
                    700054,
                    f"response_type '{query.get('response_type', '')}' is not enabled for the application.",
                )
            if not query.get("scope"):
                raise errors.missing_parameter("scope")
            scopes = parse_scopes(query.get("scope"), core.registrations.api, tenant=segment)
            core.check_client_scopes(client, scopes)
            max_age = _max_age(query.get("max_age"))
            challenge = query.get("code_challenge")
            if not challenge:
                raise errors.missing_parameter("code_challenge")
            if query.get("code_challenge_method") != "S256":
                raise EntraError(
                    "invalid_request",
                    900144,
                    "The request must use PKCE with code_challenge_method 'S256' (the emulator does not accept "
                    "'plain').",
                )
            prompt = query.get("prompt")
            if prompt not in _PROMPTS:
                raise errors.malformed(f"Unsupported prompt value '{prompt}'.")
            pending = PendingSignIn(
                kind="authorize",
                authority=authority,
                client_id=client.client_id,
                expires=core.now() + core.options.sign_in_page_lifetime_s,
                redirect_uri=redirect_uri,
                state=state,
                response_mode=mode,
                scopes=scopes,
                nonce=query.get("nonce"),
                code_challenge=challenge,
                client_info=query.get("client_info") == "1",
                step_up=wants_step_up(query.get("claims")),
                device_challenge=_names_policy(query.get("claims"), DEVICE_POLICY_ID),
                max_age=max_age,
                login_hint=query.get("login_hint") or None,
                domain_hint=query.get("domain_hint") or None,
            )
            if prompt in ("login", "consent", "select_account"):
                return self._page(pending, title="Sign in", intro=f"to continue to {client.display_name}")
            session = self.session(cookie)
            principal = self._silent_principal(pending, session, client, silent_only=prompt == "none")
        except EntraError as error:
            return self._error_redirect(redirect_uri, mode, error, state)
        if principal is None or session is None:
            notices = ("This sign-in includes multi-factor authentication (demo).",) if pending.step_up else ()
            return self._page(pending, title="Sign in", intro=f"to continue to {client.display_name}", notices=notices)
        if pending.device_challenge and self.core.requires_compliant_device(principal.tenant_id):
            # prompt=none cannot show Entra's block page: the app is told interaction is required.
            if prompt == "none":
                return self._error_redirect(redirect_uri, mode, errors.device_not_compliant(), state)
            return self._error_page(errors.device_not_compliant())
        return self._issue_code(pending, principal, session)

    def _silent_principal(
        self, pending: PendingSignIn, session: Session | None, client: Client, *, silent_only: bool
    ) -> Principal | None:
        """The session's principal when it can be used without the user; else None, or the
        ``prompt=none`` error when ``silent_only``."""
        if session is None:
            if silent_only:
                raise errors.login_required("")
            return None
        try:
            principal = self.core.sign_in_principal(pending.authority, session.home_tenant_id, session.user_id, client)
        except EntraError as error:
            if silent_only:
                raise errors.interaction_required(error.message, error.code) from None
            return None
        if pending.max_age is not None and self.core.now() - session.auth_time > pending.max_age:
            if silent_only:
                raise errors.login_required("The session is older than max_age.")
            return None
        if pending.login_hint and pending.login_hint.lower() != principal.upn.lower():
            if silent_only:
                raise errors.login_required("The signed-in user does not match the login_hint.")
            return None
        if principal.operator.mfa_required and self._needs_mfa(pending) and not session.mfa:
            if silent_only:
                raise errors.interaction_required(
                    "Due to a configuration change made by your administrator, or because you moved to a new "
                    f"location, you must use multi-factor authentication to access '{GRAPH_RESOURCE}'."
                )
            return None
        return principal

    def _issue_code(self, pending: PendingSignIn, principal: Principal, session: Session) -> Response:
        now = self.core.now()
        assert pending.scopes is not None and pending.code_challenge is not None
        code = new_secret(48)
        self.core.codes.put(
            code,
            AuthCode(
                client_id=pending.client_id,
                redirect_uri=pending.redirect_uri,
                code_challenge=pending.code_challenge,
                scopes=pending.scopes,
                nonce=pending.nonce,
                principal=principal.key(),
                authority=pending.authority,
                sid=session.sid,
                mfa=session.mfa,
                expires=now + self.core.options.auth_code_lifetime_s,
            ),
            now,
        )
        params = {
            "code": code,
            "client_info": client_info(principal) if pending.client_info else None,
            "state": pending.state,
            "session_state": session.sid,
        }
        return self._respond(pending.redirect_uri, pending.response_mode, params)

    # --- the sign-in form ------------------------------------------------------------------

    def login(self, form: Mapping[str, str], cookie: str | None) -> Response:
        """``POST /{tenant}/login``: the account chosen on the sign-in page."""
        core = self.core
        request_id = form.get("request", "")
        pending = core.pending.pop(request_id) if request_id else None
        if pending is None or pending.expires < core.now():
            return self._error_page(errors.malformed("The sign-in request expired or was already used. Start again."))
        if form.get("cancel"):
            return self._cancel(pending)
        home_tenant_id, _, user_id = form.get("user", "").partition(":")
        try:
            client = core.client(pending.client_id, pending.authority.segment)
            if not home_tenant_id or not user_id:
                raise errors.missing_parameter("user")
            principal = core.sign_in_principal(pending.authority, home_tenant_id, user_id, client)
        except EntraError as error:
            # Entra shows sign-in failures (disabled account, no access to the tenant) on its page.
            return self._error_page(error)
        mfa = principal.operator.mfa_required and self._needs_mfa(pending)
        previous = self.session(cookie)
        if cookie:
            core.sessions.pop(cookie)  # a sign-in always gets a new cookie value (no fixation)
        session, cookie = self._start_session(principal, mfa, previous)
        if pending.kind == "device":
            return self._set_cookie(self._complete_device(pending, principal), cookie)
        if pending.kind == "adminconsent":
            return self._set_cookie(self._complete_consent(pending, principal, client), cookie)
        if pending.device_challenge and core.requires_compliant_device(principal.tenant_id):
            # Entra shows the block on its own page ("You can't get there from here"), never redirected.
            return self._set_cookie(self._error_page(errors.device_not_compliant()), cookie)
        return self._set_cookie(self._issue_code(pending, principal, session), cookie)

    def _cancel(self, pending: PendingSignIn) -> Response:
        if pending.kind == "device" and pending.device_user_code:
            device = device_code.find_by_user_code(self.core, pending.device_user_code)
            if device is not None:
                device_code.decline(device)
            return html_response(message_page("Sign-in cancelled", "You declined to sign in on the device."))
        return self._error_redirect(pending.redirect_uri, pending.response_mode, errors.access_denied(), pending.state)

    # --- admin consent ---------------------------------------------------------------------

    def admin_consent(self, segment: str, query: Mapping[str, str]) -> Response:
        """``GET /{tenant|organizations}/v2.0/adminconsent``: an administrator grants tenant-wide."""
        core = self.core
        try:
            authority = core.directory.authority(segment)
            client_id = query.get("client_id")
            if not client_id:
                raise errors.missing_parameter("client_id")
            client = core.client(client_id, segment)
            if authority.kind == "common":
                raise errors.common_not_supported(client.client_id, client.display_name)
            redirect_uri = query.get("redirect_uri")
            if not redirect_uri:
                raise errors.missing_parameter("redirect_uri")
            if redirect_uri not in _redirect_uris(client):
                raise errors.redirect_mismatch(redirect_uri, client.client_id)
        except EntraError as error:
            return self._error_page(error)
        state = query.get("state")
        try:
            raw = query.get("scope")
            if not raw:
                raise errors.missing_parameter("scope")
            scopes = parse_scopes(raw, core.registrations.api, tenant=segment)
            consent_scopes = self._consentable(client, scopes)
        except EntraError as error:
            return self._error_redirect(redirect_uri, "query", error, state)
        pending = PendingSignIn(
            kind="adminconsent",
            authority=authority,
            client_id=client.client_id,
            expires=core.now() + core.options.sign_in_page_lifetime_s,
            redirect_uri=redirect_uri,
            state=state,
            scopes=scopes,
            consent_scopes=consent_scopes,
        )
        return self._page(
            pending,
            title="Permissions requested",
            intro=(
                f"{client.display_name} needs permission to access resources in your organization that only an "
                "administrator can grant. Sign in as an administrator to accept for the whole organization."
            ),
        )

    def _consentable(self, client: Client, scopes: RequestedScopes) -> tuple[str, ...]:
        """The Graph scopes an admin consent request would grant (configured on the app only)."""
        if scopes.resource in (None, "api"):
            if isinstance(client, ApiApp) and scopes.resource == "api":
                raise errors.invalid_scope("The API app cannot request consent to itself.")
            return ()  # sign-in scopes: nothing tenant-wide to record (support less)
        if isinstance(client, FrontendApp):
            self.core.check_client_scopes(client, scopes)  # raises: the frontend holds no Graph permission
        configured = self.core.consent.configured(client.client_id)
        if scopes.is_default:
            return configured
        found, unknown = canonical(scopes.names, configured)
        if unknown:
            raise errors.invalid_scope(
                f"The scope '{' '.join(unknown)}' is not configured on the application '{client.client_id}'."
            )
        return found

    def _complete_consent(self, pending: PendingSignIn, principal: Principal, client: Client) -> Response:
        if not principal.can_consent():
            workflow = self.core.consent_workflow.settings(principal.tenant_id)
            if workflow is not None and pending.consent_scopes and not principal.is_technician:
                # Entra offers "Request approval" instead of the refusal (admin consent workflow).
                request = self.core.consent_workflow.open_request(
                    principal.tenant_id, client.client_id, self.core.now()
                )
                sent = request is not None and request.requested_by(principal.operator.user_id)
                return self._approval_page(replace(pending, kind="approval", approval_user=principal.key()), sent=sent)
            return self._error_redirect(pending.redirect_uri, "query", errors.admin_consent_denied(), pending.state)
        if pending.consent_scopes:
            self.core.consent.grant(principal.tenant_id, pending.consent_scopes, client.client_id)
        granted = " ".join(f"{GRAPH_RESOURCE}/{s}" for s in pending.consent_scopes)
        if not granted and pending.scopes is not None:
            granted = " ".join(pending.scopes.sent)
        params = {"admin_consent": "True", "tenant": principal.tenant_id, "scope": granted, "state": pending.state}
        return redirect_with(pending.redirect_uri, params)

    # --- admin consent workflow ------------------------------------------------------------

    def _approval_page(self, pending: PendingSignIn, *, sent: bool, problem: str = "") -> Response:
        request_id = new_secret()
        self.core.pending.put(request_id, replace(pending, approval_sent=sent), self.core.now())
        client = self.core.client(pending.client_id, pending.authority.segment)
        page = approval_page(
            app_name=client.display_name,
            action=f"/{pending.authority.path}/consentrequest",
            request_id=request_id,
            scopes=pending.consent_scopes,
            sent=sent,
            problem=problem,
        )
        return html_response(page)

    def consent_request(self, form: Mapping[str, str]) -> Response:
        """``POST /{tenant}/consentrequest``: "Request approval", or return to the app."""
        core = self.core
        request_id = form.get("request", "")
        pending = core.pending.pop(request_id) if request_id else None
        if pending is None or pending.kind != "approval" or pending.expires < core.now():
            return self._error_page(errors.malformed("The request expired or was already used. Start again."))
        if form.get("action") != "request":
            error = errors.admin_consent_requested() if pending.approval_sent else errors.admin_consent_denied()
            return self._error_redirect(pending.redirect_uri, "query", error, pending.state)
        reason = form.get("reason", "").strip()
        if not reason or len(reason) > 1000:
            return self._approval_page(pending, sent=False, problem="Enter a justification of at most 1000 characters.")
        assert pending.approval_user is not None
        try:
            client = core.client(pending.client_id, pending.authority.segment)
            principal = core.principal(pending.approval_user, client)
            core.consent_workflow.add(
                tenant_id=principal.tenant_id,
                client_id=client.client_id,
                app_name=client.display_name,
                scopes=pending.consent_scopes,
                user_id=principal.operator.user_id,
                upn=principal.upn,
                reason=reason,
                now=core.now(),
            )
        except (EntraError, ValueError) as error:
            shown = error if isinstance(error, EntraError) else errors.malformed(str(error))
            return self._error_page(shown)
        return self._approval_page(pending, sent=True)

    # --- logout ----------------------------------------------------------------------------

    def logout(self, segment: str, query: Mapping[str, str], cookie: str | None) -> Response:
        """``/{tenant}/oauth2/v2.0/logout``: end the emulator session; go back if the URI is registered."""
        try:
            self.core.directory.authority(segment)
        except EntraError as error:
            return self._error_page(error)
        if cookie:
            self.core.sessions.pop(cookie)
        target = query.get("post_logout_redirect_uri")
        response: Response
        if target and target in self._logout_uris(query.get("client_id")):
            response = redirect_with(target, {"state": query.get("state")})
        else:
            response = html_response(
                message_page("You signed out of your account", "It's a good idea to close all browser windows.")
            )
        response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
        return response

    def _logout_uris(self, client_id: str | None) -> set[str]:
        frontend = self.core.registrations.frontend
        if client_id and client_id.lower() != frontend.client_id.lower():
            return set()
        return {*frontend.post_logout_redirect_uris, *frontend.redirect_uris}

    # --- device login pages ----------------------------------------------------------------

    def device_login_form(self) -> Response:
        """``GET /devicelogin``."""
        return html_response(device_entry_page("/devicelogin"))

    def device_login(self, form: Mapping[str, str]) -> Response:
        """``POST /devicelogin``: the code typed by the user, then the account picker."""
        device = device_code.find_by_user_code(self.core, form.get("otc", ""))
        if device is None:
            page = device_entry_page("/devicelogin", "That code didn't work. Check the code and try again.")
            return html_response(page, 400)
        client = self.core.client(device.client_id, device.authority.segment)
        pending = PendingSignIn(
            kind="device",
            authority=device.authority,
            client_id=device.client_id,
            expires=min(device.expires, self.core.now() + self.core.options.sign_in_page_lifetime_s),
            scopes=device.scopes,
            device_user_code=device.user_code,
        )
        return self._page(pending, title="Sign in", intro=f"Sign in to {client.display_name} on your device.")

    def _complete_device(self, pending: PendingSignIn, principal: Principal) -> Response:
        device = device_code.find_by_user_code(self.core, pending.device_user_code or "")
        if device is None:
            return self._error_page(errors.device_code_expired())
        device_code.approve(self.core, device, principal)
        return html_response(
            message_page("You're signed in", "You have signed in on your device. You may now close this window.")
        )
