"""Input checks for the registry: Entra tenant IDs and DNS domain names, normalised for storage."""

from __future__ import annotations

import re

from intune_assistant.tenants.errors import RegistryError

# Entra ID shows tenant IDs in the canonical 8-4-4-4-12 form; accepting only that form (not braces,
# URNs or bare hex, which uuid.UUID would take) keeps one spelling per tenant in the database.
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_MAX_DOMAIN = 253  # RFC 1035: 255 octets on the wire, 253 characters written out


def normalise_tenant_id(tenant_id: str) -> str:
    """Return ``tenant_id`` in lower case, or raise ``RegistryError`` if it is not a GUID."""
    candidate = tenant_id.strip() if isinstance(tenant_id, str) else tenant_id
    if not isinstance(candidate, str) or not _GUID.fullmatch(candidate):
        raise RegistryError(
            f"Tenant ID {tenant_id!r} is not a GUID; expected the Directory (tenant) ID from Entra ID, "
            "e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47."
        )
    return candidate.lower()


def normalise_domain(domain: str) -> str:
    """Return ``domain`` in lower case without a trailing dot, or raise ``RegistryError``.

    Accepts ASCII DNS names with at least two labels (internationalised names in their ``xn--``
    form); rejects IP addresses, URLs and e-mail addresses, which admins sometimes paste instead.
    """
    hint = "expected the tenant's primary domain, e.g. contoso.onmicrosoft.com or contoso.com."
    if not isinstance(domain, str):
        raise RegistryError(f"Domain {domain!r} is not a DNS domain name; {hint}")
    candidate = domain.strip().lower()
    candidate = candidate.removesuffix(".")
    if not candidate:
        raise RegistryError(f"Domain is empty; {hint}")
    if len(candidate) > _MAX_DOMAIN:
        raise RegistryError(f"Domain {domain!r} is longer than {_MAX_DOMAIN} characters; {hint}")
    labels = candidate.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise RegistryError(f"Domain {domain!r} is not a DNS domain name; {hint}")
    if labels[-1].isdigit():
        # An all-numeric top-level label means an IPv4 address, not a domain.
        raise RegistryError(f"Domain {domain!r} looks like an IP address; {hint}")
    return candidate
