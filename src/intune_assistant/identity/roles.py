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


# --- GDAP roles in the admin's words, and what Intune lets each do -------------------------------

INTUNE_ADMINISTRATOR = "3a2c62db-5318-420d-8d74-23affee5d9d5"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
DIRECTORY_READERS = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"

# Entra role template ids a GDAP relationship commonly grants, by their names in Entra ID.
ROLE_NAMES: dict[str, str] = {
    GLOBAL_ADMINISTRATOR: "Global Administrator",
    INTUNE_ADMINISTRATOR: "Intune Administrator",
    GLOBAL_READER: "Global Reader",
    DIRECTORY_READERS: "Directory Readers",
    PRIVILEGED_ROLE_ADMINISTRATOR: "Privileged Role Administrator",
    CLOUD_APPLICATION_ADMINISTRATOR: "Cloud Application Administrator",
    APPLICATION_ADMINISTRATOR: "Application Administrator",
    "729827e3-9c14-49f7-bb1b-9608f156bbb8": "Helpdesk Administrator",
    "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
    "5d6b6bb7-de71-4623-b4af-96380a352509": "Security Reader",
    "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
}
# Roles Intune lets read its configuration (Global Reader reads everything, changes nothing).
INTUNE_READ_ROLE_IDS = frozenset({GLOBAL_ADMINISTRATOR, INTUNE_ADMINISTRATOR, GLOBAL_READER})
# Roles Intune lets change its configuration.
INTUNE_WRITE_ROLE_IDS = frozenset({GLOBAL_ADMINISTRATOR, INTUNE_ADMINISTRATOR})


def role_name(role_id: str) -> str:
    """The role's name in Entra ID, or its id when it is not one the product knows by name."""
    return ROLE_NAMES.get(role_id.lower(), role_id)
