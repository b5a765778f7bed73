"""The identity module's contract, as the web app uses it (one place to import it from).

``identity/`` validates API tokens and calls Graph On-Behalf-Of the user; the web app never sees a
Graph token and never validates a JWT itself.
"""

from __future__ import annotations

from intune_assistant.identity.config import IdentityConfig
from intune_assistant.identity.errors import AuthError
from intune_assistant.identity.obo import (
    ConsentRequired,
    DeviceNotCompliant,
    GraphTokenUnavailable,
    InteractionRequired,
    NotAssigned,
    OboClient,
    OboTokenProvider,
    SessionsRevoked,
    SignInRequired,
    scopes_for,
)
from intune_assistant.identity.principal import Principal
from intune_assistant.identity.roles import CONSENT_ROLE_IDS, can_grant_admin_consent
from intune_assistant.identity.validation import ApiTokenValidator

__all__ = [
    "ADMIN_ROLE_IDS",
    "CONSENT_ROLE_IDS",
    "ApiTokenValidator",
    "AuthError",
    "ConsentRequired",
    "DeviceNotCompliant",
    "GraphTokenUnavailable",
    "IdentityConfig",
    "InteractionRequired",
    "NotAssigned",
    "OboClient",
    "OboTokenProvider",
    "Principal",
    "SessionsRevoked",
    "SignInRequired",
    "can_grant_admin_consent",
    "is_admin",
    "scopes_for",
]

# Entra role template ids (``wids``, or a technician's GDAP roles) that may change the tenant's
# Intune configuration and grant the write scopes: Global Administrator, Intune Administrator,
# Privileged Role Administrator, Cloud Application Administrator, Application Administrator.
# Global Reader and other read-only roles are deliberately absent.
ADMIN_ROLE_IDS = frozenset(
    {
        "62e90394-69f5-4237-9190-012177145e10",
        "3a2c62db-5318-420d-8d74-23affee5d9d5",
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
        "158c047a-c907-4556-b7ef-446551a6b5f7",
        "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    }
)


def is_admin(principal: Principal) -> bool:
    """Whether the user's directory (or GDAP) roles allow changing the tenant's configuration."""
    return any(role.lower() in ADMIN_ROLE_IDS for role in principal.roles)
