"""The encrypted session cookie: round trip, tampering, splitting, attributes."""

from __future__ import annotations

import os

from starlette.responses import Response

from intune_assistant.web.cookies import CHUNK_SIZE, CookieCipher, chunk_names, read_split, write_split
from intune_assistant.web.session import SESSION_COOKIE, BrowserSession


def _set_cookies(response: Response) -> dict[str, str]:
    found = {}
    for header in response.headers.getlist("set-cookie"):
        name, _, rest = header.partition("=")
        found[name] = rest
    return found


def test_round_trip_and_every_kind_of_tampering_is_rejected() -> None:
    cipher = CookieCipher(os.urandom(32))
    sealed = cipher.seal("ia_session", {"t": "token", "n": 1})
    assert cipher.open("ia_session", sealed) == {"t": "token", "n": 1}
    assert "token" not in sealed
    # Two seals of the same data differ (random nonce).
    assert cipher.seal("ia_session", {"t": "token", "n": 1}) != sealed
    for index in (0, 5, len(sealed) // 2, len(sealed) - 2):
        flipped = sealed[:index] + ("A" if sealed[index] != "A" else "B") + sealed[index + 1 :]
        assert cipher.open("ia_session", flipped) is None
    assert cipher.open("ia_flow", sealed) is None  # associated data = cookie name
    assert CookieCipher(os.urandom(32)).open("ia_session", sealed) is None
    assert cipher.open("ia_session", sealed[:-10]) is None
    assert cipher.open("ia_session", "not base64 !!") is None
    assert cipher.open("ia_session", "") is None


def test_long_values_are_split_read_back_and_stale_parts_deleted() -> None:
    cipher = CookieCipher(os.urandom(32))
    big = cipher.seal("ia_session", {"t": "x" * 9000})
    response = Response()
    written = write_split(response, "ia_session", big, request_cookies={}, secure=True)
    cookies = _set_cookies(response)
    assert written == len(cookies) >= 3
    assert set(cookies) == {"ia_session", *(f"ia_session.{i}" for i in range(1, written))}
    values = {name: rest.split(";", 1)[0] for name, rest in cookies.items()}
    assert all(len(v) <= CHUNK_SIZE for v in values.values())
    assert chunk_names("ia_session", values) == ["ia_session", *(f"ia_session.{i}" for i in range(1, written))]
    assert cipher.open("ia_session", read_split("ia_session", values)) == {"t": "x" * 9000}
    # Reordered parts do not decrypt.
    swapped = dict(values)
    swapped["ia_session"], swapped["ia_session.1"] = values["ia_session.1"], values["ia_session"]
    assert cipher.open("ia_session", read_split("ia_session", swapped)) is None
    # A shorter value later deletes the parts it no longer needs.
    small = cipher.seal("ia_session", {"t": "y"})
    again = Response()
    assert write_split(again, "ia_session", small, request_cookies=values, secure=True) == 1
    headers = again.headers.getlist("set-cookie")
    deleted = [h.split("=", 1)[0] for h in headers if "Max-Age=0" in h or "expires=Thu, 01 Jan 1970" in h]
    assert sorted(deleted) == sorted(f"ia_session.{i}" for i in range(1, written))


def test_session_cookie_attributes_no_expiry_httponly_secure_lax() -> None:
    cipher = CookieCipher(os.urandom(32))
    response = Response()
    session = BrowserSession(api_token="eyJ.fake.token", tenant_id="t")
    write_split(
        response, SESSION_COOKIE, cipher.seal(SESSION_COOKIE, session.to_json()), request_cookies={}, secure=True
    )
    header = response.headers["set-cookie"]
    lowered = header.lower()
    assert "httponly" in lowered and "secure" in lowered and "samesite=lax" in lowered
    assert "max-age" not in lowered and "expires" not in lowered
    assert "eyJ" not in header
    restored = BrowserSession.from_json(cipher.open(SESSION_COOKIE, header.split(";", 1)[0].split("=", 1)[1]) or {})
    assert restored is not None and restored.api_token == "eyJ.fake.token"
