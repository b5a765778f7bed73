"""Wire the emulator's demo tenants, Entra ID and Graph together on one ASGI app.

Used by ``intune-assistant snapshot --demo``, the ``emulator`` command, tests and benchmarks. The
Graph emulator trusts only tokens this Entra emulator issued; the demo tenants have consented to
the catalog's read scopes for the API app and the CLI (an admin would do that at onboarding).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.types import ASGIApp

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.emulator.audit_history import seed_audit_history
from intune_assistant.emulator.entra import (
    DEMO_CLI_CLIENT_ID,
    AppRegistrations,
    EntraEmulator,
    EntraOptions,
    create_entra_app,
    entra_and_graph,
)
from intune_assistant.emulator.graph import EmulatorOptions, create_graph_app
from intune_assistant.emulator.tenants import DEMO_CUSTOMERS, demo_tenants, large_tenant
from intune_assistant.emulator.tenants.model import OperatorRole, TenantData

DEMO_NAMES = ("contoso", "fabrikam", "partner")


@dataclass
class DemoTenancy:
    """Synthetic tenants by short name, the Entra emulator that signs in to them, and the app."""

    tenants: Mapping[str, TenantData]
    entra: EntraEmulator
    app: ASGIApp
    catalog: Catalog

    def token(self, name: str, *, role: OperatorRole = "admin", scopes: Sequence[str] | None = None) -> str:
        """A delegated Graph token (as On-Behalf-Of issues it) for the first operator of ``role``.

        By default with the read scopes, and a partner tenant's with the partner scope too."""
        tenant = self.tenants[name]
        operator = next(o for o in tenant.operators if o.role == role and o.enabled and not o.mfa_required)
        partner = self.catalog.partner_scopes() if tenant.objects.get("gdapRelationships") else ()
        wanted = scopes if scopes is not None else (*self.catalog.read_scopes(), *partner)
        return self.entra.issue_graph_token_for(tenant.tenant_id, operator.user_id, wanted)


ALL_DEMO_NAMES = (*DEMO_NAMES, "large")


def check_demo_names(names: Sequence[str]) -> None:
    """``ValueError`` naming the known demo tenants unless every name is one (and at least one is given)."""
    unknown = sorted(set(names) - set(ALL_DEMO_NAMES))
    if unknown or not names:
        given = f"unknown demo tenant(s): {', '.join(unknown)}" if unknown else "no demo tenant given"
        raise ValueError(f"{given}; known: {', '.join(ALL_DEMO_NAMES)}")


def build_demo(
    names: Sequence[str] = DEMO_NAMES,
    *,
    options: EmulatorOptions | None = None,
    catalog: Catalog | None = None,
    seed: int = 7,
    as_of: datetime | None = None,
    customers: int = DEMO_CUSTOMERS,
) -> DemoTenancy:
    """Demo tenants (``contoso``, ``fabrikam``, ``partner``, and ``large``) served by one app.

    ``as_of`` is the tenants' "now" for certificates, tokens, connectors and GDAP end dates; by
    default the start of the current UTC day, so the planted items expire 10 days after (and
    expired 5 days before) the day they are collected, and two demos built the same day hold the
    same objects. With ``partner``, the partner's other ``customers`` are served too (by their
    domain's first label); those with ``consented=False`` start without admin consent.
    """
    catalog = catalog or default_catalog()
    as_of = as_of if as_of is not None else datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    check_demo_names(names)
    tenants: dict[str, TenantData] = {}
    wanted = set(names)
    if wanted & set(DEMO_NAMES):
        made = demo_tenants(seed, as_of=as_of, customers=customers if "partner" in wanted else 0)
        # The partner's customers come with it (they are what its GDAP relationships reach).
        tenants.update({k: v for k, v in made.items() if k in wanted or (k not in DEMO_NAMES and "partner" in wanted)})
    if "large" in wanted:
        tenants["large"] = large_tenant(as_of=as_of)
    for tenant in tenants.values():
        seed_audit_history(tenant, catalog, as_of)
    by_id = {t.tenant_id: t for t in tenants.values()}
    read_scopes = catalog.read_scopes()
    entra_app = create_entra_app(
        by_id,
        registrations=AppRegistrations.demo(catalog=catalog),
        options=EntraOptions(preconsented=_preconsented(by_id, read_scopes, catalog.partner_scopes())),
    )
    entra: EntraEmulator = entra_app.state.entra
    for tenant_id, tenant in by_id.items():
        if tenant.consented:
            entra.grant_consent(tenant_id, read_scopes, client_id=DEMO_CLI_CLIENT_ID)
    graph_app = create_graph_app(by_id, verifier=entra.graph_verifier(), catalog=catalog, options=options)
    return DemoTenancy(tenants=tenants, entra=entra, app=entra_and_graph(entra_app, graph_app), catalog=catalog)


def _preconsented(
    tenants: Mapping[str, TenantData], read_scopes: Sequence[str], partner_scopes: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """The API app's consent per tenant: the read scopes where the tenant consented; a partner
    (a tenant with GDAP relationships) also consented to reading them, and no customer did."""
    return {
        tenant_id: (*read_scopes, *(partner_scopes if tenant.objects.get("gdapRelationships") else ()))
        for tenant_id, tenant in tenants.items()
        if tenant.consented
    }
