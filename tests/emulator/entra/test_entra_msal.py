"""Real MSAL against the emulator over real HTTPS: auth code + PKCE, silent refresh, OBO, device code,
and the Graph emulator mounted beside it trusting only this emulator's Graph tokens.

MSAL replays an identical failing token POST from its HTTP cache for 60 s, so every case that
expects an error uses a fresh application instance.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msal
import pytest
import requests

from intune_assistant.catalog import default_catalog
from intune_assistant.emulator.entra import DemoBrowser, entra_and_graph
from intune_assistant.emulator.graph import create_graph_app
from intune_assistant.emulator.server import EmulatorServer
from intune_assistant.emulator.tokens import TestTokenIssuer


class Https:
    """The emulator (Entra + Graph) served over HTTPS, with MSAL app factories."""

    def __init__(self, env: Any, server: EmulatorServer) -> None:
        self.env = env
        self.server = server
        self.base = server.base_url
        self._closables: list[requests.Session | httpx.Client] = []

    def close(self) -> None:
        for closable in self._closables:
            closable.close()

    def http(self) -> requests.Session:
        session = requests.Session()
        session.verify = str(self.server.ca_path)
        session.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
        self._closables.append(session)
        return session

    def browser(self) -> DemoBrowser:
        client = httpx.Client(verify=self.server.ssl_context(), trust_env=False)
        self._closables.append(client)
        return DemoBrowser(client)

    def frontend(self, tenant: str) -> msal.ConfidentialClientApplication:
        regs = self.env.regs
        return msal.ConfidentialClientApplication(
            regs.frontend.client_id,
            client_credential=regs.frontend.client_secret,
            authority=f"{self.base}/{tenant}",
            instance_discovery=False,
            http_client=self.http(),
        )

    def api(self, tenant: str) -> msal.ConfidentialClientApplication:
        regs = self.env.regs
        return msal.ConfidentialClientApplication(
            regs.api.client_id,
            client_credential=regs.api.client_secret,
            authority=f"{self.base}/{tenant}",
            instance_discovery=False,
            http_client=self.http(),
        )

    def flow(self, app: msal.ConfidentialClientApplication, **flow_args: Any) -> dict[str, Any]:
        # form_post: MSAL 1.39 warns about any other response mode (RFC 9700 §4.3.1).
        flow: dict[str, Any] = app.initiate_auth_code_flow(
            [self.env.api_scope], redirect_uri=self.env.redirect_uri, response_mode="form_post", **flow_args
        )
        return flow

    def sign_in(self, app: msal.ConfidentialClientApplication, upn: str, **flow_args: Any) -> dict[str, Any]:
        flow = self.flow(app, **flow_args)
        response = self.browser().sign_in(flow["auth_uri"], upn)
        result: dict[str, Any] = app.acquire_token_by_auth_code_flow(flow, response)
        return result


@pytest.fixture
def https(make_env: Any, tmp_path: Path) -> Iterator[Https]:
    env = make_env(clock=time.time, device_code_interval_s=1)
    graph = create_graph_app(env.tenants, verifier=env.entra.graph_verifier(), catalog=default_catalog())
    with EmulatorServer(entra_and_graph(env.app, graph), ca_dir=tmp_path) as server:
        https = Https(env, server)
        try:
            yield https
        finally:
            https.close()


def test_auth_code_flow_silent_refresh_and_obo(https: Https) -> None:
    env = https.env
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    frontend = https.frontend(env.CONTOSO)
    result = https.sign_in(frontend, "ada@contoso.example")
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == "ada@contoso.example"
    api_claims = env.claims_of(result["access_token"])
    assert api_claims["iss"] == f"{https.base}/{env.CONTOSO}/v2.0" and api_claims["aud"] == env.regs.api.client_id
    account = frontend.get_accounts()[0]
    assert account["home_account_id"] == f"{env.ADMIN}.{env.CONTOSO}"
    cached = frontend.acquire_token_silent([env.api_scope], account=account)
    assert cached["access_token"] == result["access_token"]
    refreshed = frontend.acquire_token_silent([env.api_scope], account=account, force_refresh=True)
    assert refreshed["access_token"] != result["access_token"]
    assert env.entra.token_log[-1].grant_type == "refresh_token"

    api = https.api(env.CONTOSO)
    graph = api.acquire_token_on_behalf_of(result["access_token"], list(env.READ_SCOPES))
    assert "access_token" in graph, graph
    assert env.entra.graph_verifier().verify(graph["access_token"])["scp"] == " ".join(env.READ_SCOPES)
    # The OBO answer carried client_info: MSAL made an account and serves the token from its cache.
    api_account = api.get_accounts()[0]
    assert api_account["home_account_id"] == f"{env.ADMIN}.{env.CONTOSO}"
    silent = api.acquire_token_silent(list(env.READ_SCOPES), account=api_account)
    assert silent["access_token"] == graph["access_token"]

    # The Graph emulator on the same origin accepts it, and only tokens from this emulator.
    with httpx.Client(base_url=https.base, verify=https.server.ssl_context(), trust_env=False) as client:
        ok = client.get("/v1.0/groups", headers={"Authorization": f"Bearer {graph['access_token']}"})
        foreign = TestTokenIssuer().issue_graph_token(
            tenant_id=env.CONTOSO, user_id=env.ADMIN, upn="a", name="A", scopes=env.READ_SCOPES
        )
        refused = client.get("/v1.0/groups", headers={"Authorization": f"Bearer {foreign}"})
    assert ok.status_code == 200, ok.text
    assert refused.status_code == 401


def test_obo_errors_through_msal(https: Https) -> None:
    env = https.env
    token = https.sign_in(https.frontend(env.CONTOSO), "ada@contoso.example")["access_token"]
    missing = https.api(env.CONTOSO).acquire_token_on_behalf_of(token, list(env.READ_SCOPES))
    assert missing["error"] == "invalid_grant" and missing["suberror"] == "consent_required"
    assert 65001 in missing["error_codes"]
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    assert "access_token" in https.api(env.CONTOSO).acquire_token_on_behalf_of(token, list(env.READ_SCOPES))
    env.entra.revoke_consent(env.CONTOSO)
    revoked = https.api(env.CONTOSO).acquire_token_on_behalf_of(token, list(env.READ_SCOPES))
    assert revoked.get("suberror") == "consent_required"


def test_mfa_claims_challenge_round_trip_through_msal(https: Https) -> None:
    env = https.env
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    frontend = https.frontend(env.CONTOSO)
    token = https.sign_in(frontend, "mo@contoso.example")["access_token"]
    challenge = https.api(env.CONTOSO).acquire_token_on_behalf_of(token, list(env.READ_SCOPES))
    assert challenge["error"] == "interaction_required" and "claims" in challenge
    stepped = https.sign_in(frontend, "mo@contoso.example", claims_challenge=challenge["claims"])
    graph = https.api(env.CONTOSO).acquire_token_on_behalf_of(stepped["access_token"], list(env.READ_SCOPES))
    assert "access_token" in graph, graph


def test_gdap_technician_through_msal(https: Https) -> None:
    env = https.env
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    frontend = https.frontend(env.CONTOSO)
    result = https.sign_in(frontend, "tess@partner.example")
    assert result["id_token_claims"]["tid"] == env.CONTOSO
    graph = https.api(env.CONTOSO).acquire_token_on_behalf_of(result["access_token"], list(env.READ_SCOPES))
    claims = env.entra.graph_verifier().verify(graph["access_token"])
    assert claims["tid"] == env.CONTOSO and claims["aai"].endswith(env.TECH)


def test_device_code_through_msal(https: Https) -> None:
    env = https.env
    env.entra.grant_consent(env.CONTOSO, ["Group.Read.All"], client_id=env.regs.cli.client_id)
    app = msal.PublicClientApplication(
        env.regs.cli.client_id,
        authority=f"{https.base}/contoso.example",
        instance_discovery=False,
        http_client=https.http(),
    )
    flow = app.initiate_device_flow(scopes=["Group.Read.All"])
    assert flow["verification_uri"] == f"{https.base}/devicelogin"
    done = https.browser().enter_device_code(flow["verification_uri"], flow["user_code"], "rita@contoso.example")
    assert done.status_code == 200
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    assert env.entra.graph_verifier().verify(result["access_token"])["oid"] == env.READER
    assert app.get_accounts()[0]["username"] == "rita@contoso.example"


def test_prompt_none_after_sign_in_with_the_same_browser(https: Https) -> None:
    env = https.env
    app = https.frontend(env.CONTOSO)
    browser = https.browser()
    flow = https.flow(app)
    app.acquire_token_by_auth_code_flow(flow, browser.sign_in(flow["auth_uri"], "ada@contoso.example"))
    assert browser.last_redirect == env.redirect_uri
    silent_flow = https.flow(app, prompt="none")
    answer = browser.sign_in(silent_flow["auth_uri"])  # no page: the session signs in
    result = app.acquire_token_by_auth_code_flow(silent_flow, answer)
    assert result["id_token_claims"]["oid"] == env.ADMIN
    fresh = https.browser().sign_in(https.flow(app, prompt="none")["auth_uri"])
    assert fresh["error"] == "login_required"
