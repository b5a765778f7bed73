"""Conditional Access words and well-known ids, in the Entra admin center's terms.

One source for every page, export and analysis that shows a CA policy: policy states, the
first-party applications policies name by id, the app groups Entra keeps ("Office 365",
"Microsoft Admin Portals"), client app types and guest or external user types.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "ADMIN_PORTAL_APPS",
    "CA_STATES",
    "CLIENT_APP_TYPES",
    "FIRST_PARTY_APPS",
    "GUEST_TYPES",
    "LEGACY_CLIENT_APPS",
    "OFFICE_365_APPS",
    "USER_ACTIONS",
]

# conditionalAccessPolicyState → the admin center's "Enable policy" words.
CA_STATES: Mapping[str, str] = {
    "enabled": "On",
    "disabled": "Off",
    "enabledForReportingButNotEnforced": "Report-only",
}

# Well-known first-party application ids (the same in every tenant).
FIRST_PARTY_APPS: Mapping[str, str] = {
    "00000002-0000-0ff1-ce00-000000000000": "Office 365 Exchange Online",
    "00000003-0000-0ff1-ce00-000000000000": "Office 365 SharePoint Online",
    "00000003-0000-0000-c000-000000000000": "Microsoft Graph",
    "00000002-0000-0000-c000-000000000000": "Windows Azure Active Directory",
    "0000000a-0000-0000-c000-000000000000": "Microsoft Intune",
    "d4ebce55-015a-49b5-a083-c84d1797ae8c": "Microsoft Intune Enrollment",
    "797f4846-ba00-4fd7-ba43-dac1f8f63013": "Windows Azure Service Management API",
    "c44b4083-3bb0-49c1-b47d-974e53cbdf3c": "Azure portal",
    "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe": "Microsoft Teams Services",
    "1fec8e78-bce4-4aaf-ab1b-5451cc387264": "Microsoft Teams",
    "00000004-0000-0ff1-ce00-000000000000": "Skype for Business Online",
    "04b07795-8ddb-461a-bbee-02f9e1bf7b46": "Microsoft Azure CLI",
    "1950a258-227b-4e31-a9cf-717495945fc2": "Microsoft Azure PowerShell",
}

# Members of the "Office 365" app group among the ids above (learn.microsoft.com, "Conditional
# Access: Target resources", Office 365 suite); an app outside this table is undecided, not "no".
OFFICE_365_APPS: frozenset[str] = frozenset(
    {
        "00000002-0000-0ff1-ce00-000000000000",
        "00000003-0000-0ff1-ce00-000000000000",
        "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe",
        "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
        "00000004-0000-0ff1-ce00-000000000000",
    }
)
# Members of "Microsoft Admin Portals" among the ids above (the Azure portal; the admin centers
# have no id of their own in this table).
ADMIN_PORTAL_APPS: frozenset[str] = frozenset({"c44b4083-3bb0-49c1-b47d-974e53cbdf3c"})

USER_ACTIONS: Mapping[str, str] = {
    "urn:user:registersecurityinfo": "Register security information",
    "urn:user:registerdevice": "Register or join devices",
}

# conditionalAccessClientApp → the admin center's "Client apps" words.
CLIENT_APP_TYPES: Mapping[str, str] = {
    "all": "All client apps",
    "browser": "Browser",
    "mobileAppsAndDesktopClients": "Mobile apps and desktop clients",
    "exchangeActiveSync": "Exchange ActiveSync clients",
    "easSupported": "Exchange ActiveSync clients",
    "other": "Other clients",
}
# The legacy authentication clients: what a "block legacy authentication" policy must name.
LEGACY_CLIENT_APPS: frozenset[str] = frozenset({"exchangeActiveSync", "other"})

# conditionalAccessGuestOrExternalUserTypes values in the admin center's words.
GUEST_TYPES: Mapping[str, str] = {
    "internalGuest": "Local guest users",
    "b2bCollaborationGuest": "B2B collaboration guest users",
    "b2bCollaborationMember": "B2B collaboration member users",
    "b2bDirectConnectUser": "B2B direct connect users",
    "otherExternalUser": "Other external users",
    "serviceProvider": "Service provider users",
}
