"""Knobs of the Entra ID emulator: lifetimes, initial consent, clock, issuer base, key retention."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["EntraOptions"]


@dataclass(frozen=True)
class EntraOptions:
    """How the emulated Entra ID behaves; every field has the default a demo wants.

    ``preconsented`` maps a tenant id to the delegated Graph scopes an administrator of that tenant
    has already granted to the API app (by default nothing: onboarding does admin consent).
    ``clock`` returns Unix seconds for every lifetime the emulator checks (inject one to expire
    codes and tokens without waiting). ``issuer_base`` pins the ``https://host:port`` used in
    issuers and endpoint URLs; by default each request's own scheme and host are used.
    """

    preconsented: Mapping[str, Sequence[str]] = field(default_factory=dict)
    clock: Callable[[], float] = time.time
    issuer_base: str | None = None
    access_token_lifetime_s: int = 3600
    id_token_lifetime_s: int = 3600
    refresh_token_lifetime_s: int = 90 * 24 * 3600
    auth_code_lifetime_s: int = 600
    sign_in_page_lifetime_s: int = 900
    session_lifetime_s: int = 24 * 3600
    device_code_lifetime_s: int = 900
    # Entra answers interval 5; tests lower it (MSAL sleeps that many seconds between polls).
    device_code_interval_s: int = 5
    # Keys kept in the JWKS after a rotation (Entra publishes a few; tokens signed by them verify).
    max_previous_keys: int = 1
    key_size: int = 2048

    def __post_init__(self) -> None:
        if self.device_code_interval_s < 1:
            # MSAL polls in a loop of `interval` one-second sleeps; 0 would spin without waiting.
            raise ValueError("device_code_interval_s must be at least 1")
        if self.max_previous_keys < 0:
            raise ValueError("max_previous_keys must not be negative")
