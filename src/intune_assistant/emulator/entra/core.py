"""The emulator's shared state and the token issuance every grant goes through.

``Core`` holds the registrations, tenants, keys, consent grants and in-memory stores, and answers
"which tokens does this principal get for these scopes": the one place where client policy
(the frontend never gets Graph), consent, GDAP, disabled accounts and multi-factor rules apply.
HTTP handlers and ``EntraEmulator``'s methods both call it, holding ``lock`` (the server thread
and a test thread may use the emulator at once).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ..tenants.model import TenantData
from . import errors
from .consent import ConsentStore
from .consent_requests import ConsentWorkflow
from .directory import Authority, Directory, Principal
from .enterprise_apps import EnterpriseApps
from .keys import KeySet
from .minting import Minter, client_info
from .options import EntraOptions
from .registrations import ApiApp, AppRegistrations, FrontendApp, PublicClientApp
from .scopes import GRAPH_RESOURCE, RequestedScopes, canonical
from .state import (
    AuthCode,
    DeviceCode,
    ExpiringStore,
    PendingSignIn,
    RefreshGrant,
    Session,
    TokenLogEntry,
    new_secret,
)

__all__ = ["Client", "Core"]

Client = FrontendApp | ApiApp | PublicClientApp
# The conditional-access policy id named in multi-factor claims challenges (fixed: a demo policy).
MFA_POLICY_ID = "9ab03e19-ed42-4168-b6b7-7001fb3e933a"
MFA_CLAIMS = '{"access_token":{"polids":{"essential":true,"values":["' + MFA_POLICY_ID + '"]}}}'
# The tenant policy "Require compliant device" for Microsoft Graph, named in its claims challenges.
DEVICE_POLICY_ID = "5c1e7a44-2b9d-4f0e-8a63-c0d7e94b2f18"
DEVICE_CLAIMS = '{"access_token":{"polids":{"essential":true,"values":["' + DEVICE_POLICY_ID + '"]}}}'


class Core:
    """State and issuance rules shared by every endpoint."""

    def __init__(
        self, tenants: Mapping[str, TenantData], registrations: AppRegistrations, options: EntraOptions
    ) -> None:
        self.options = options
        self.registrations = registrations
        self.directory = Directory(tenants, options.clock)
        self.keys = KeySet(key_size=options.key_size, max_previous=options.max_previous_keys)
        self.minter = Minter(self.keys)
        self.consent = ConsentStore(registrations, options.preconsented)
        self.enterprise_apps = EnterpriseApps()
        self.consent_workflow = ConsentWorkflow()
        # Tenants (lower-case ids) whose Conditional Access requires a compliant device for Graph.
        self.compliant_device_tenants: set[str] = set()
        self.lock = threading.RLock()
        self.token_log: list[TokenLogEntry] = []
        self.pending: ExpiringStore[PendingSignIn] = ExpiringStore()
        self.sessions: ExpiringStore[Session] = ExpiringStore()
        self.codes: ExpiringStore[AuthCode] = ExpiringStore(keep_expired_s=3600)
        self.refresh: ExpiringStore[RefreshGrant] = ExpiringStore(keep_expired_s=3600)
        self.devices: ExpiringStore[DeviceCode] = ExpiringStore(keep_expired_s=3600)
        # user_code → device_code, so the approval page and approve_device_code find the flow.
        self.user_codes: dict[str, str] = {}
        # Every https://host:port the emulator has issued v2 tokens under (their iss), so an OBO
        # assertion minted for a browser on "localhost" verifies when the API calls "127.0.0.1".
        self.issuer_bases: set[str] = set()

    def now(self) -> float:
        """The emulator's clock."""
        return self.options.clock()

    # --- registrations ---------------------------------------------------------------------

    def client(self, client_id: str | None, tenant_label: str) -> Client:
        """The registration for ``client_id`` or Entra's AADSTS700016."""
        app = self.registrations.client(client_id or "")
        if app is None:
            raise errors.unknown_client(client_id or "", tenant_label)
        return app

    @staticmethod
    def confidential(client: Client) -> bool:
        """Whether the client authenticates with a secret."""
        return getattr(client, "client_secret", None) is not None

    def check_client_scopes(self, client: Client, scopes: RequestedScopes) -> None:
        """Which resources a client may ask for: the frontend never gets Graph (DESIGN §2)."""
        api = self.registrations.api
        if scopes.resource == "api":
            if isinstance(client, ApiApp):
                raise errors.invalid_scope("The API app cannot request a token for itself.")
            _, unknown = canonical(scopes.names, (api.exposed_scope, ".default"))
            if unknown:
                raise errors.invalid_scope(f"The scope '{' '.join(unknown)}' is not exposed by {api.identifier_uri}.")
        elif scopes.resource == "graph" and isinstance(client, FrontendApp):
            raise errors.invalid_scope(
                f"The application '{client.client_id}' ({client.display_name}) holds no Microsoft Graph permission; "
                f"it may request only openid profile offline_access and {api.identifier_uri}/{api.exposed_scope}."
            )
        elif scopes.resource is None and isinstance(client, ApiApp):
            raise errors.missing_parameter("scope")

    # --- principals ------------------------------------------------------------------------

    def principal(self, key: tuple[str, str, str], client: Client) -> Principal:
        """Re-resolve a principal now: the account may be disabled, GDAP may have ended, the client's
        enterprise application may require an assignment the user lacks (AADSTS50105)."""
        tenant_id, home_tenant_id, user_id = key
        principal = self.directory.principal(
            tenant_id, home_tenant_id, user_id, app_id=client.client_id, app_name=client.display_name
        )
        tenant = self.directory.tenant(principal.tenant_id)
        if tenant is not None:
            self.enterprise_apps.check(principal, tenant, client.client_id, client.display_name)
        return principal

    def sign_in_principal(self, authority: Authority, home_tenant_id: str, user_id: str, client: Client) -> Principal:
        """The principal for a sign-in at ``authority`` (common/organizations: the home tenant)."""
        tenant_id = authority.tenant_id or home_tenant_id
        return self.principal((tenant_id, home_tenant_id, user_id), client)

    # --- consent and multi-factor rules for Graph ------------------------------------------

    def graph_scopes(self, principal: Principal, client: Client, scopes: RequestedScopes) -> tuple[str, ...]:
        """The Graph scopes to put in ``scp``; AADSTS65001 unless every one is consented."""
        granted = self.consent.scopes(principal.tenant_id, client.client_id)
        if scopes.is_default:
            if not granted:
                raise errors.consent_required(client.client_id, client.display_name)
            return granted
        found, unknown = canonical(scopes.names, granted)
        if unknown:
            raise errors.consent_required(client.client_id, client.display_name)
        return found

    def check_mfa(self, principal: Principal, mfa: bool) -> None:
        """Conditional Access (demo policy): MFA-flagged users need MFA to reach Microsoft Graph."""
        if principal.operator.mfa_required and not mfa:
            raise errors.mfa_required(GRAPH_RESOURCE, MFA_CLAIMS)

    def requires_compliant_device(self, tenant_id: str | None) -> bool:
        """Whether the tenant's Conditional Access requires a compliant device to reach Microsoft Graph."""
        return tenant_id is not None and tenant_id.lower() in self.compliant_device_tenants

    def cae_revocation(self, claims: Mapping[str, Any]) -> float | None:
        """For a CAE-capable Graph token (``xms_cc`` holds ``cp1``) whose sign-in started before the user's
        sessions were revoked: the revocation time (what Graph's claims challenge asks ``nbf`` to pass).
        ``None`` for any other token: without CAE a token stays valid until it expires, as in Entra."""
        capabilities = claims.get("xms_cc")
        if not isinstance(capabilities, list) or "cp1" not in {str(c).lower() for c in capabilities}:
            return None
        found = self.directory.find_user(str(claims.get("oid", "")))
        revoked = found[1].sessions_valid_from if found is not None else None
        if revoked is None:
            return None
        started = self.minter.session_started(claims.get("uti"))
        started = float(claims.get("iat", 0)) if started is None else started
        return revoked if started < revoked else None

    def check_device(self, principal: Principal) -> None:
        """Conditional Access (tenant policy): a compliant device to reach Microsoft Graph. No client of the
        emulator presents a registered device, so a tenant with the policy never issues a Graph token."""
        if self.requires_compliant_device(principal.tenant_id):
            raise errors.device_not_compliant(DEVICE_CLAIMS)

    # --- issuance --------------------------------------------------------------------------

    def issue(
        self,
        *,
        principal: Principal,
        client: Client,
        authority: Authority,
        scopes: RequestedScopes,
        base: str,
        mfa: bool,
        sid: str,
        nonce: str | None = None,
        want_client_info: bool = False,
        id_token: bool = True,
        session_start: float | None = None,
        capabilities: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """A token response for ``principal``: checks the rules, mints, stores a refresh token.

        ``session_start``: when the sign-in behind this request happened (an OBO passes its
        assertion's; default now). ``capabilities``: the client's announced ``xms_cc`` (Graph tokens).
        """
        started = self.now() if session_start is None else session_start
        now = int(self.now())
        options = self.options
        response: dict[str, Any] = {"token_type": "Bearer"}
        granted: tuple[str, ...] = ()
        if scopes.resource == "graph":
            granted = self.graph_scopes(principal, client, scopes)
            self.check_mfa(principal, mfa)
            self.check_device(principal)
            response["access_token"] = self.minter.graph_token(
                principal,
                app_id=client.client_id,
                app_name=client.display_name,
                confidential=self.confidential(client),
                scopes=granted,
                now=now,
                lifetime_s=options.access_token_lifetime_s,
                mfa=mfa,
                session_start=started,
                capabilities=capabilities,
            )
            sent = scopes.sent if not scopes.is_default else tuple(f"{GRAPH_RESOURCE}/{s}" for s in granted)
        elif scopes.resource == "api":
            api = self.registrations.api
            # Only the API's pre-authorized clients get its scope, checked when the token is issued
            # (as Graph consent is): the emulator keeps no consent of another client to the API.
            if client.client_id.lower() not in (c.lower() for c in api.pre_authorized_applications):
                raise errors.consent_required(client.client_id, client.display_name)
            granted = (api.exposed_scope,)
            self.issuer_bases.add(base)
            response["access_token"] = self.minter.api_access_token(
                principal,
                api_client_id=api.client_id,
                azp=client.client_id,
                confidential=self.confidential(client),
                scopes=granted,
                base=base,
                now=now,
                lifetime_s=options.access_token_lifetime_s,
                mfa=mfa,
                session_start=started,
            )
            sent = scopes.sent if not scopes.is_default else (f"{api.identifier_uri}/{api.exposed_scope}",)
        else:
            # Sign-in only: Entra would add a Graph token; the frontend holds no Graph permission.
            sent = ()
        if "access_token" in response:
            response["expires_in"] = options.access_token_lifetime_s
            response["ext_expires_in"] = options.access_token_lifetime_s
        response["scope"] = " ".join(sent)
        if id_token and scopes.wants("openid"):
            self.issuer_bases.add(base)
            response["id_token"] = self.minter.id_token(
                principal,
                client_id=client.client_id,
                base=base,
                nonce=nonce,
                sid=sid,
                now=now,
                lifetime_s=options.id_token_lifetime_s,
            )
        if scopes.wants("offline_access"):
            refresh_token = new_secret(48)
            self.refresh.put(
                refresh_token,
                RefreshGrant(
                    client_id=client.client_id,
                    authority=authority,
                    principal=principal.key(),
                    scopes=scopes,
                    sid=sid,
                    mfa=mfa,
                    expires=now + options.refresh_token_lifetime_s,
                ),
                now,
            )
            response["refresh_token"] = refresh_token
        if want_client_info:
            response["client_info"] = client_info(principal)
        return response

    def log(
        self,
        grant_type: str,
        tenant_id: str,
        client_id: str,
        user: str | None,
        scopes: tuple[str, ...],
        error: errors.EntraError | None,
    ) -> None:
        """Record an outcome (never a token)."""
        outcome = "ok" if error is None else f"{error.error}:{error.code}"
        self.token_log.append(TokenLogEntry(grant_type, tenant_id, client_id, user, scopes, outcome))
