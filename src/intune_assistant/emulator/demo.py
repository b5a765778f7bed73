"""Wire the emulator's demo tenants, a token issuer and the Graph app together.

Used by ``intune-assistant snapshot --demo``, the ``emulator`` command, tests and benchmarks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from starlette.applications import Starlette

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.emulator.graph import EmulatorOptions, create_graph_app
from intune_assistant.emulator.tenants import demo_tenants, large_tenant
from intune_assistant.emulator.tenants.model import OperatorRole, TenantData
from intune_assistant.emulator.tokens import TestTokenIssuer

DEMO_NAMES = ("contoso", "fabrikam", "partner")


@dataclass
class DemoTenancy:
    """Synthetic tenants by short name, the key that signs their tokens, and the Graph app."""

    tenants: Mapping[str, TenantData]
    issuer: TestTokenIssuer
    app: Starlette
    catalog: Catalog

    def token(self, name: str, *, role: OperatorRole = "admin", scopes: Sequence[str] | None = None) -> str:
        """A delegated Graph token for the first operator of ``role`` in tenant ``name``."""
        tenant = self.tenants[name]
        operator = next(o for o in tenant.operators if o.role == role and o.enabled and not o.mfa_required)
        return self.issuer.issue_graph_token(
            tenant_id=tenant.tenant_id,
            user_id=operator.user_id,
            upn=operator.user_principal_name,
            name=operator.display_name,
            scopes=tuple(scopes if scopes is not None else self.catalog.read_scopes()),
            wids=operator.wids,
        )


def build_demo(
    names: Sequence[str] = DEMO_NAMES,
    *,
    options: EmulatorOptions | None = None,
    catalog: Catalog | None = None,
    seed: int = 7,
) -> DemoTenancy:
    """Demo tenants (``contoso``, ``fabrikam``, ``partner``, and ``large``) served by one app."""
    catalog = catalog or default_catalog()
    tenants: dict[str, TenantData] = {}
    wanted = set(names)
    if wanted & set(DEMO_NAMES):
        tenants.update({k: v for k, v in demo_tenants(seed).items() if k in wanted})
    if "large" in wanted:
        tenants["large"] = large_tenant()
    unknown = wanted - set(tenants)
    if unknown:
        raise ValueError(
            f"unknown demo tenant(s): {', '.join(sorted(unknown))}; known: contoso, fabrikam, partner, large"
        )
    issuer = TestTokenIssuer()
    app = create_graph_app(
        {t.tenant_id: t for t in tenants.values()}, verifier=issuer, catalog=catalog, options=options
    )
    return DemoTenancy(tenants=tenants, issuer=issuer, app=app, catalog=catalog)
