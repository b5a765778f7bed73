"""The frontend app's side of sign-in: MSAL's auth-code flow (PKCE, nonce, ``form_post``).

The frontend holds no Graph permission: it asks only for the API's ``access_as_user`` scope.
A new ``ConfidentialClientApplication`` is built per step and dropped afterwards, so MSAL's token
cache never keeps an API token or refresh token on the server (the token lives only in the
browser's session cookie). MSAL is synchronous; calls run in a worker thread.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import urlencode

import msal
import requests

from .identity_api import IdentityConfig

_TENANT = re.compile(r"^[A-Za-z0-9.-]{1,253}$")


class SignInClient:
    """Starts and finishes sign-ins against ``identity.authority_host``."""

    def __init__(self, identity: IdentityConfig) -> None:
        self._identity = identity

    def authority(self, tenant: str | None) -> str:
        """``{host}/organizations`` (any work account) or ``{host}/{tenant}`` (a GDAP customer)."""
        if tenant and not _TENANT.fullmatch(tenant):
            raise ValueError("not a tenant id or domain")
        return f"{self._identity.authority_host.rstrip('/')}/{tenant or 'organizations'}"

    def _app(self, authority: str, session: requests.Session) -> msal.ConfidentialClientApplication:
        if self._identity.ca_file:
            # REQUESTS_CA_BUNDLE in the environment would override an explicit CA (DESIGN §4).
            session.verify = self._identity.ca_file
            session.trust_env = False
        return msal.ConfidentialClientApplication(
            self._identity.frontend_client_id,
            client_credential=self._identity.frontend_client_secret,
            authority=authority,
            # Instance discovery asks login.microsoftonline.com: only for Entra ID itself.
            instance_discovery=None if self._identity.is_microsoft_authority else False,
            http_client=session,
            token_cache=msal.TokenCache(),
        )

    async def start(
        self,
        *,
        authority: str,
        redirect_uri: str,
        prompt: str | None = None,
        login_hint: str | None = None,
        domain_hint: str | None = None,
        claims: str | None = None,
    ) -> dict[str, Any]:
        """A new flow (``auth_uri`` is where the browser goes) for the API scope only."""

        def run() -> dict[str, Any]:
            with requests.Session() as session:
                return self._initiate(authority, session, redirect_uri, prompt, login_hint, domain_hint, claims)

        return await asyncio.to_thread(run)

    def _initiate(
        self,
        authority: str,
        session: requests.Session,
        redirect_uri: str,
        prompt: str | None,
        login_hint: str | None,
        domain_hint: str | None,
        claims: str | None,
    ) -> dict[str, Any]:
        flow: dict[str, Any] = self._app(authority, session).initiate_auth_code_flow(
            scopes=[self._identity.api_scope],
            redirect_uri=redirect_uri,
            response_mode="form_post",
            prompt=prompt,
            login_hint=login_hint,
            domain_hint=domain_hint,
            claims_challenge=claims,
        )
        return flow

    async def finish(self, authority: str, flow: dict[str, Any], answer: dict[str, str]) -> dict[str, Any]:
        """Redeem the code; MSAL checks state, PKCE and nonce. Raises ``ValueError`` on a state mismatch."""

        def run() -> dict[str, Any]:
            # Closed at once: no pooled connection outlives the sign-in.
            with requests.Session() as session:
                result: dict[str, Any] = self._app(authority, session).acquire_token_by_auth_code_flow(flow, answer)
                return result

        return await asyncio.to_thread(run)

    def logout_url(self, tenant: str | None, post_logout_redirect_uri: str) -> str:
        """Entra's end-session endpoint for the tenant, returning to ``post_logout_redirect_uri``."""
        query = urlencode({"post_logout_redirect_uri": post_logout_redirect_uri})
        return f"{self.authority(tenant)}/oauth2/v2.0/logout?{query}"
