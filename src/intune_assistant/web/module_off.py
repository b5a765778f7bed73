"""What a page shows in place of data an optional read module would read: what it would show, and how to turn it on.

Shared by every page that needs an optional read module (Devices, Roles): the module's words, the
permission it asks for, and — for a user who can grant admin consent — the button that starts the
incremental consent for exactly that permission.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from intune_assistant.catalog.modules import ModuleWords, module_words

from .identity_api import Principal, can_grant_admin_consent
from .modules import modules_in_use, offered_module_scopes


@dataclass(frozen=True)
class ModuleOff:
    """An optional read module a page needs and the tenant has not turned on."""

    name: str
    words: ModuleWords
    scopes: tuple[str, ...]
    # Why the data is missing, as the snapshot recorded it.
    reason: str
    # The signed-in user may start the consent (a role that can grant tenant-wide admin consent).
    can_activate: bool


def module_off(
    request: Request, principal: Principal, activated: frozenset[str], module: str, reason: str
) -> ModuleOff | None:
    """The explanation a page shows when ``module`` is off for the tenant (None when it is on)."""
    if module in modules_in_use(request, activated):
        return None
    return ModuleOff(
        name=module,
        words=module_words(module),
        scopes=offered_module_scopes(request).get(module, ()),
        reason=reason,
        can_activate=can_grant_admin_consent(principal),
    )
