"""A scripted browser for the emulator's sign-in pages (tests and demo automation).

It does what a user does on the plain HTML pages — open the authorize (or admin-consent) URL,
pick an account, type a device code — over an ``httpx.Client`` the caller configures (trust the
emulator's CA, ``trust_env=False``). Redirects to the client's redirect URI are returned, not
followed, so the caller hands them to its own callback (MSAL's ``acquire_token_by_auth_code_flow``).
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

__all__ = ["DemoBrowser", "SignInFailed", "redirect_params"]

_FORM = re.compile(r'<form method="post" action="(?P<action>[^"]+)">')
_REQUEST = re.compile(r'name="request" value="(?P<id>[^"]+)"')
_ACCOUNT = re.compile(
    r'<button type="submit" name="user" value="(?P<value>[^"]+)"[^>]*>[^<]*<span class="meta">(?P<upn>[^<]+)</span>'
)


class SignInFailed(RuntimeError):
    """The emulator answered with a page instead of a redirect (the page text says why)."""

    def __init__(self, message: str, response: httpx.Response) -> None:
        super().__init__(message)
        self.response = response


def redirect_params(location: str) -> dict[str, str]:
    """The query parameters of a redirect (first value of each)."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


class DemoBrowser:
    """Signs in on the emulator's pages through ``client`` (which keeps the SSO cookie)."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def open(self, url: str) -> httpx.Response:
        """GET ``url`` without following redirects."""
        return self.client.get(url, follow_redirects=False)

    def choose(self, page: httpx.Response, user_principal_name: str) -> httpx.Response:
        """Submit the account picker on ``page`` as ``user_principal_name``."""
        form, request_id = _FORM.search(page.text), _REQUEST.search(page.text)
        if form is None or request_id is None:
            raise SignInFailed("the response is not a sign-in page", page)
        wanted = user_principal_name.lower()
        value = next(
            (
                html.unescape(m["value"])
                for m in _ACCOUNT.finditer(page.text)
                if html.unescape(m["upn"]).lower() == wanted
            ),
            None,
        )
        if value is None:
            raise SignInFailed(f"{user_principal_name} is not offered on the sign-in page", page)
        action = urljoin(str(page.url), html.unescape(form["action"]))
        data = {"request": html.unescape(request_id["id"]), "user": value}
        return self.client.post(action, data=data, follow_redirects=False)

    def sign_in(self, url: str, user_principal_name: str | None = None) -> str:
        """Open an authorize/admin-consent URL, pick the account if asked; return the redirect.

        Raises ``SignInFailed`` when the emulator shows an error page instead.
        """
        response = self.open(url)
        if response.status_code == 200 and user_principal_name is not None and _FORM.search(response.text):
            response = self.choose(response, user_principal_name)
        if response.status_code in (301, 302, 303):
            return response.headers["location"]
        raise SignInFailed(f"no redirect (HTTP {response.status_code})", response)

    def enter_device_code(self, verification_uri: str, user_code: str, user_principal_name: str) -> httpx.Response:
        """Type ``user_code`` on the device-login page and sign in as ``user_principal_name``."""
        page = self.client.post(verification_uri, data={"otc": user_code}, follow_redirects=False)
        if page.status_code != 200:
            raise SignInFailed("the device code was refused", page)
        return self.choose(page, user_principal_name)
