"""``--server URL``: a command's answer from a running Intune Assistant's JSON API (``/api/v1``).

The user signs in with a device code for the server's API scope (``api://{api}/access_as_user``,
the scope the web app's sign-in asks for too): the server then reads the tenant On-Behalf-Of the
user with its own cache, as it does for the web pages. The token stays in this process's memory.
While the server first reads the tenant it answers ``202 {"status": "collecting"}``: the command
waits, showing the progress on stderr. An RFC 9457 problem becomes one clear line.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from rich.console import Console
from rich.markup import escape

from .common import UserError, device_code_sign_in

API_PREFIX = "/api/v1"
# How long a command waits for the server's first read of the tenant before giving up.
COLLECT_WAIT_S = 900.0
POLL_INTERVAL_S = 1.0
_CLAIMS = re.compile(r'claims="([^"]+)"')


@dataclass(frozen=True)
class ServerSignIn:
    """Where the server is and how the user signs in for its API scope."""

    url: str
    api_scope: str | None
    tenant: str | None
    client_id: str | None
    authority: str | None
    ca_file: Path | None


def _base(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError(f"--server {url!r} is not a URL; give the server's address, e.g. https://intune.example.com")
    return url.rstrip("/")


def _problem(response: httpx.Response, url: str) -> UserError:
    """The server's refusal as one line: its problem details (RFC 9457) when it sent them."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and ("detail" in body or "title" in body):
        # The server's words are printed with Rich: never read as markup.
        detail = escape(str(body.get("detail") or body.get("title")))
        code = f", {escape(str(body['code']))}" if body.get("code") else ""
        return UserError(f"the server refused ({response.status_code}{code}): {detail}")
    return UserError(
        f"{url} answered {response.status_code} {response.reason_phrase} without problem details; "
        "is it an Intune Assistant server?"
    )


def _claims_challenge(response: httpx.Response) -> str | None:
    """The claims a ``401 interaction_required`` asks the sign-in for (``WWW-Authenticate``, base64)."""
    found = _CLAIMS.search(response.headers.get("WWW-Authenticate", ""))
    if response.status_code != 401 or found is None:
        return None
    try:
        return base64.b64decode(found.group(1), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None


class _SignIn:
    """The user's device-code sign-in for the server's API scope (MSAL, in memory)."""

    def __init__(self, server: ServerSignIn, console: Console) -> None:
        if not server.api_scope:
            raise UserError(
                "--server needs the server's API scope (--api-scope or INTUNE_ASSISTANT_API_SCOPE), "
                "api://API-CLIENT-ID/access_as_user; see docs/api.md."
            )
        self.scope = server.api_scope
        self.provider = device_code_sign_in(
            server.tenant or "organizations", server.client_id, server.authority, server.ca_file, console
        )

    def token(self, claims_challenge: str | None = None) -> str:
        from intune_assistant.identity.device_code import SignInError

        try:
            return asyncio.run(self.provider.get_token([self.scope], claims_challenge=claims_challenge))
        except SignInError as exc:
            raise UserError(f"sign-in failed: {exc}") from None


def server_json(
    server: ServerSignIn, path: str, params: Mapping[str, str], console: Console, *, wait_s: float = COLLECT_WAIT_S
) -> dict[str, Any]:
    """The JSON body of ``GET /api/v1{path}`` once the server has the tenant's data.

    Signs in first (device code), and once more when the server relays a Conditional Access
    challenge (``401 interaction_required``, e.g. MFA for Graph); waits through ``202 collecting``;
    raises ``UserError`` for a server that cannot be reached, a refusal (its problem details) or an
    answer that is not JSON.
    """
    base = _base(server.url)
    sign_in = _SignIn(server, console)
    token = sign_in.token()
    url = f"{base}{API_PREFIX}{path}"
    verify: Any = str(server.ca_file) if server.ca_file else True
    deadline = time.monotonic() + wait_s
    stepped_up = False
    with httpx.Client(headers={"Accept": "application/json"}, verify=verify, timeout=120.0) as client:
        while True:
            try:
                response = client.get(url, params=dict(params), headers={"Authorization": f"Bearer {token}"})
            except httpx.HTTPError as exc:
                raise UserError(f"could not reach the server at {base}: {exc or type(exc).__name__}") from None
            challenge = _claims_challenge(response)
            if challenge is not None and not stepped_up:
                console.print("[bold]The server needs a stronger sign-in (Conditional Access): sign in again.[/]")
                token, stepped_up = sign_in.token(challenge), True
                continue
            if response.status_code >= 300:
                raise _problem(response, url)
            try:
                body = response.json()
            except ValueError:
                raise UserError(f"{url} did not answer JSON; is it an Intune Assistant server?") from None
            if not isinstance(body, dict):
                raise UserError(f"{url} answered JSON of an unexpected shape")
            if response.status_code != 202:
                return body
            percent = body.get("percent", 0)
            console.print(f"[dim]The server is reading the tenant: {escape(str(percent))}%[/]")
            if time.monotonic() > deadline:
                raise UserError(f"the server was still reading the tenant after {wait_s:.0f} s; try again later")
            time.sleep(POLL_INTERVAL_S)
