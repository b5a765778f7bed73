"""The device-code flow: ``/devicecode``, the ``/devicelogin`` pages, approval and polling.

Only the registered public client (the CLI) may use it (support less: Entra lets any public
client). The user approves on ``/devicelogin`` (code, then the account picker) or a test calls
``EntraEmulator.approve_device_code``. Polling answers ``authorization_pending`` until then,
``authorization_declined`` after a decline, ``expired_token`` after ``expires_in``; an approved
code is redeemed once. Multi-factor authentication happens during the approval when the account
requires it and the CLI asked for Microsoft Graph (the demo Conditional Access policy targets Graph),
or sent a claims challenge (a step-up, e.g. relayed by the API whose On-Behalf-Of call needed MFA).
"""

from __future__ import annotations

import secrets
from typing import Any

from . import errors
from .claims import wants_step_up
from .core import Core
from .directory import Authority, Principal
from .registrations import PublicClientApp
from .scopes import parse_scopes
from .state import DeviceCode, new_secret

__all__ = ["approve", "decline", "find_by_user_code", "start", "user_code_alphabet"]

# Letters and digits without look-alikes (0/O, 1/I/L), as typed from a terminal.
user_code_alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def start(core: Core, authority: Authority, form: dict[str, str], base: str) -> dict[str, Any]:
    """Answer ``POST /{tenant}/oauth2/v2.0/devicecode``."""
    client_id = form.get("client_id")
    if not client_id:
        raise errors.missing_parameter("client_id")
    client = core.client(client_id, authority.segment)
    if not isinstance(client, PublicClientApp):
        raise errors.unsupported_grant("urn:ietf:params:oauth:grant-type:device_code")
    if not form.get("scope"):
        raise errors.missing_parameter("scope")
    scopes = parse_scopes(form.get("scope"), core.registrations.api, tenant=authority.segment)
    core.check_client_scopes(client, scopes)
    step_up = wants_step_up(form.get("claims"))
    now = core.now()
    device_code = new_secret(48)
    user_code = "".join(secrets.choice(user_code_alphabet) for _ in range(9))
    lifetime = core.options.device_code_lifetime_s
    core.devices.put(
        device_code,
        DeviceCode(
            user_code=user_code,
            client_id=client.client_id,
            authority=authority,
            scopes=scopes,
            expires=now + lifetime,
            step_up=step_up,
        ),
        now,
    )
    core.user_codes[user_code] = device_code
    verification_uri = f"{base}/devicelogin"
    return {
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": verification_uri,
        "expires_in": lifetime,
        "interval": core.options.device_code_interval_s,
        "message": (
            f"To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} "
            "to authenticate."
        ),
    }


def find_by_user_code(core: Core, user_code: str) -> DeviceCode | None:
    """The pending device flow for ``user_code`` (spaces and case ignored), if not expired."""
    device_code = core.user_codes.get(user_code.replace(" ", "").replace("-", "").upper())
    device = core.devices.get(device_code) if device_code else None
    if device is None or device.status != "pending" or device.expires < core.now():
        return None
    return device


def approve(core: Core, device: DeviceCode, principal: Principal) -> None:
    """Mark the flow approved by ``principal`` (MFA done when the account needs it for Graph)."""
    device.status = "approved"
    device.principal = principal.key()
    device.mfa = principal.operator.mfa_required and (device.step_up or device.scopes.resource == "graph")


def decline(device: DeviceCode) -> None:
    """The user refused the sign-in on the device page."""
    device.status = "declined"


def redeem(core: Core, authority: Authority, client_id: str, device_code: str) -> DeviceCode:
    """Poll: the approved flow (removed: one-time) or the error to answer."""
    device = core.devices.get(device_code)
    if device is None or device.client_id.lower() != client_id.lower() or not device.authority.same_as(authority):
        raise errors.invalid_grant("The provided device code is not valid.")
    if device.expires < core.now():
        core.devices.pop(device_code)
        core.user_codes.pop(device.user_code, None)
        raise errors.device_code_expired()
    if device.status == "pending":
        raise errors.authorization_pending()
    core.devices.pop(device_code)
    core.user_codes.pop(device.user_code, None)
    if device.status == "declined":
        raise errors.device_code_declined()
    return device
