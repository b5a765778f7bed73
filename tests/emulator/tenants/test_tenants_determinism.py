"""The generator is deterministic: same arguments, same tenant; another seed, another tenant."""

from __future__ import annotations

from intune_assistant.emulator.tenants import TenantData, demo_tenants, generate_tenant


def test_same_seed_gives_identical_tenants(demo_set: dict[str, TenantData]) -> None:
    again = demo_tenants()
    for name, tenant in demo_set.items():
        other = again[name]
        assert tenant.tenant_id == other.tenant_id
        assert tenant.objects == other.objects
        assert tenant.setting_definitions == other.setting_definitions
        assert tenant.operators == other.operators
        assert tenant.planted == other.planted


def test_different_seed_differs() -> None:
    one = generate_tenant("small", "Contoso", "contoso.onmicrosoft.com", 1)
    two = generate_tenant("small", "Contoso", "contoso.onmicrosoft.com", 2)
    assert one.tenant_id == two.tenant_id  # the tenant id follows the domain only
    assert [u["id"] for u in one.objects["users"]] != [u["id"] for u in two.objects["users"]]
    assert one.objects["settingsCatalog"] != two.objects["settingsCatalog"]


def test_tenant_ids_are_distinct(demo_set: dict[str, TenantData]) -> None:
    # Contoso, Fabrikam, the partner and its three other customers (Litware, Adatum, Woodgrove).
    assert len({t.tenant_id for t in demo_set.values()}) == 6
    assert demo_set["contoso"].domain == "contoso.onmicrosoft.com"
    assert demo_set["contoso"].display_name == "Contoso"
    assert demo_set["fabrikam"].domain == "fabrikam.onmicrosoft.com"
    assert demo_set["partner"].display_name == "Northwind Managed Services"
    assert demo_set["partner"].domain == "northwind-msp.onmicrosoft.com"
