"""Device-code sign-in for the CLI against a real tenant, through MSAL (delegated only).

Tokens stay in MSAL's in-memory cache for the life of the process; nothing is written to disk,
unless the caller passes a persisted cache the user opted in to (``identity.kept_sign_in``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from typing import Any

import msal
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


class SignInError(RuntimeError):
    """Sign-in did not produce a token; the message says why, in Entra's words."""


class DeviceCodeTokenProvider:
    """A ``TokenProvider`` that signs the user in with the device-code flow on first use."""

    def __init__(
        self,
        *,
        client_id: str,
        authority: str,
        prompt: Callable[[str], None],
        ca_file: str | None = None,
        instance_discovery: bool = True,
        cache: msal.TokenCache | None = None,
    ) -> None:
        session = requests.Session()
        # Token polls may meet a connection the server closed while idle: resend once. Safe here,
        # since a device-code poll and a refresh change nothing on the server.
        retry = Retry(total=2, connect=2, read=1, allowed_methods=frozenset({"GET", "POST"}), raise_on_status=False)
        session.mount("https://", HTTPAdapter(max_retries=retry))
        # REQUESTS_CA_BUNDLE in the environment would override an explicit CA; see DESIGN §4.
        session.trust_env = ca_file is None
        if ca_file:
            session.verify = ca_file
        self._app = msal.PublicClientApplication(
            client_id,
            authority=authority,
            http_client=session,
            instance_discovery=instance_discovery,
            # None: MSAL's in-memory cache. A persisted one only by the user's explicit choice.
            token_cache=cache,
        )
        self._prompt = prompt
        self._lock = threading.Lock()
        self.claims: dict[str, Any] = {}
        self.tenant_id: str | None = None
        # The signed-in user's object id (a plan is bound to it).
        self.user_id: str | None = None

    async def get_token(self, scopes: Sequence[str], *, claims_challenge: str | None = None) -> str:
        """A delegated access token for ``scopes``; prompts for sign-in the first time, and again
        to answer ``claims_challenge`` (a Conditional Access step-up an API relayed)."""
        try:
            return await asyncio.to_thread(self._acquire, list(scopes), claims_challenge)
        except requests.RequestException as exc:
            raise SignInError(f"the sign-in service could not be reached: {exc}") from None

    def _acquire(self, scopes: list[str], claims_challenge: str | None = None) -> str:
        with self._lock:
            accounts = self._app.get_accounts()
            result: dict[str, Any] | None = None
            if accounts and claims_challenge is None:
                result = self._app.acquire_token_silent(scopes, account=accounts[0])
            if not result:
                flow = self._app.initiate_device_flow(scopes=scopes, claims_challenge=claims_challenge)
                if "user_code" not in flow:
                    raise SignInError(flow.get("error_description") or "device-code sign-in could not start")
                self._prompt(str(flow["message"]))
                result = self._app.acquire_token_by_device_flow(flow)
            if "access_token" not in result:
                raise SignInError(str(result.get("error_description") or result.get("error") or "sign-in failed"))
            # A token from the cache comes without ID token claims: keep those of the sign-in.
            self.claims = dict(result.get("id_token_claims") or self.claims)
            accounts = self._app.get_accounts()
            # The account's realm is the tenant the user signed in to (from client_info).
            self.tenant_id = str(self.claims.get("tid") or (accounts[0].get("realm") if accounts else "") or "") or None
            local_id = accounts[0].get("local_account_id") if accounts else ""
            self.user_id = str(self.claims.get("oid") or local_id or "") or None
            return str(result["access_token"])
