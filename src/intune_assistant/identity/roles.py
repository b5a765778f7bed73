"""Entra directory roles that decide what a signed-in user may do to the tenant's set-up.

Entra's rule for tenant-wide admin consent: Global Administrator and Privileged Role Administrator
may consent to any permission; Cloud Application Administrator and Application Administrator to
any *delegated* permission and to application permissions of APIs other than Microsoft Graph.
Intune Assistant asks only for delegated Microsoft Graph permissions (DESIGN §2.2), so exactly
these four roles can grant what it asks for. Intune Administrator cannot, nor can Global Reader.
"""

from __future__ import annotations

from .principal import Principal

__all__ = ["CONSENT_ROLE_IDS", "can_grant_admin_consent"]

GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
PRIVILEGED_ROLE_ADMINISTRATOR = "e8611ab8-c189-46e8-94e1-60213ab1f814"
CLOUD_APPLICATION_ADMINISTRATOR = "158c047a-c907-4556-b7ef-446551a6b5f7"
APPLICATION_ADMINISTRATOR = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"

# Role template ids (``wids``; a technician's GDAP roles arrive the same way).
CONSENT_ROLE_IDS = frozenset(
    {GLOBAL_ADMINISTRATOR, PRIVILEGED_ROLE_ADMINISTRATOR, CLOUD_APPLICATION_ADMINISTRATOR, APPLICATION_ADMINISTRATOR}
)


def can_grant_admin_consent(principal: Principal) -> bool:
    """Whether the user's directory roles let them grant tenant-wide consent to delegated Graph scopes."""
    return any(role.lower() in CONSENT_ROLE_IDS for role in principal.roles)
