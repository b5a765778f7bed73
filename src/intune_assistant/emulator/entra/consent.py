"""Tenant-wide (admin) consent grants: which delegated Graph scopes each client holds per tenant.

Only clients with configured Graph permissions (the API app, the CLI) can hold grants, and only for
scopes configured on them (Entra grants what the registration lists; support less than the
portal's free-form grants). Scope names keep the registration's casing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .registrations import AppRegistrations
from .scopes import canonical

__all__ = ["ConsentStore"]


class ConsentStore:
    """Grants keyed by (tenant id, client id); a tenant without grants has consented to nothing."""

    def __init__(self, registrations: AppRegistrations, preconsented: Mapping[str, Sequence[str]]) -> None:
        self.registrations = registrations
        self._grants: dict[tuple[str, str], list[str]] = {}
        for tenant_id, scopes in preconsented.items():
            self.grant(tenant_id, scopes)

    def configured(self, client_id: str) -> tuple[str, ...]:
        """The delegated Graph permissions configured on ``client_id`` (none for the frontend)."""
        regs = self.registrations
        if client_id.lower() == regs.api.client_id.lower():
            return regs.api.graph_permissions()
        if client_id.lower() == regs.cli.client_id.lower():
            return regs.cli.graph_scopes
        return ()

    def _client(self, client_id: str | None) -> str:
        return (client_id or self.registrations.api.client_id).lower()

    def grant(self, tenant_id: str, scopes: Iterable[str], client_id: str | None = None) -> tuple[str, ...]:
        """Add ``scopes`` to the tenant's grant (incremental); return the whole grant.

        Raises ValueError for a scope the client's registration does not configure.
        """
        client = self._client(client_id)
        names = [s.rpartition("/")[2] for s in scopes]
        found, unknown = canonical(names, self.configured(client))
        if unknown:
            raise ValueError(f"not configured on app {client}: {', '.join(unknown)}")
        key = (tenant_id.lower(), client)
        current = self._grants.setdefault(key, [])
        current.extend(s for s in found if s not in current)
        return tuple(current)

    def revoke(self, tenant_id: str, client_id: str | None = None) -> None:
        """Remove the client's whole grant in the tenant."""
        self._grants.pop((tenant_id.lower(), self._client(client_id)), None)

    def scopes(self, tenant_id: str, client_id: str | None = None) -> tuple[str, ...]:
        """The scopes granted to the client in the tenant, in grant order."""
        return tuple(self._grants.get((tenant_id.lower(), self._client(client_id)), ()))

    def missing(self, tenant_id: str, client_id: str, names: Iterable[str]) -> tuple[str, ...]:
        """Which of ``names`` the tenant has not granted to the client (case-insensitive)."""
        granted = {s.lower() for s in self.scopes(tenant_id, client_id)}
        return tuple(n for n in names if n.lower() not in granted)
