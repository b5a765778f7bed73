"""A scripted browser for the emulator's sign-in pages (tests and demo automation).

It does what a user does on the plain HTML pages — open the authorize (or admin-consent) URL,
pick an account, type a device code — over an ``httpx.Client`` the caller configures (trust the
emulator's CA, ``trust_env=False``). The answer meant for the client's redirect URI is returned
as its parameters (from the query, the fragment or a ``form_post`` page), not delivered, so the
caller hands them to its own callback (MSAL's ``acquire_token_by_auth_code_flow``).
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

__all__ = ["DemoBrowser", "SignInFailed", "redirect_params"]

_FORM = re.compile(r'<form method="post" action="(?P<action>[^"]+)">')
_REQUEST = re.compile(r'name="request" value="(?P<id>[^"]+)"')
_FORM_POST = re.compile(r'<form method="post" action="(?P<action>[^"]+)" id="response">')
_HIDDEN = re.compile(r'<input type="hidden" name="(?P<name>[^"]+)" value="(?P<value>[^"]*)">')
_ACCOUNT = re.compile(
    r'<button type="submit" name="user" value="(?P<value>[^"]+)"[^>]*>[^<]*<span class="meta">(?P<upn>[^<]+)</span>'
)


class SignInFailed(RuntimeError):
    """The emulator answered with a page instead of a redirect (the page text says why)."""

    def __init__(self, message: str, response: httpx.Response) -> None:
        super().__init__(message)
        self.response = response


def redirect_params(location: str) -> dict[str, str]:
    """The parameters of a redirect: its query, or its fragment when the query has none."""
    parts = urlsplit(location)
    found = parse_qs(parts.query) or parse_qs(parts.fragment)
    return {k: v[0] for k, v in found.items()}


class DemoBrowser:
    """Signs in on the emulator's pages through ``client`` (which keeps the SSO cookie)."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        # Where the last answer was addressed (the client's redirect URI, with its parameters).
        self.last_redirect = ""

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

    def sign_in(self, url: str, user_principal_name: str | None = None) -> dict[str, str]:
        """Open an authorize/admin-consent URL, pick the account if asked, and return the
        parameters the client's redirect URI would receive (``code``/``state`` or ``error``...).

        Raises ``SignInFailed`` when the emulator shows an error page instead.
        """
        response = self.open(url)
        if response.status_code == 200 and user_principal_name is not None and _FORM.search(response.text):
            response = self.choose(response, user_principal_name)
        if response.status_code in (301, 302, 303):
            self.last_redirect = response.headers["location"]
            return redirect_params(self.last_redirect)
        posted = _FORM_POST.search(response.text) if response.status_code == 200 else None
        if posted is not None:
            self.last_redirect = html.unescape(posted["action"])
            return {html.unescape(m["name"]): html.unescape(m["value"]) for m in _HIDDEN.finditer(response.text)}
        raise SignInFailed(f"no answer for the client (HTTP {response.status_code})", response)

    def enter_device_code(self, verification_uri: str, user_code: str, user_principal_name: str) -> httpx.Response:
        """Type ``user_code`` on the device-login page and sign in as ``user_principal_name``."""
        page = self.client.post(verification_uri, data={"otc": user_code}, follow_redirects=False)
        if page.status_code != 200:
            raise SignInFailed("the device code was refused", page)
        return self.choose(page, user_principal_name)
