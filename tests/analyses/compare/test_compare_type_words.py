"""Compare names each object's type and platform in Intune's words, from the catalog."""

from __future__ import annotations

from intune_assistant.analyses.compare import compare_tenants
from intune_assistant.snapshot import Snapshot


def test_the_kiosk_profile_and_every_platform_read_as_intune_names_them(contoso: Snapshot, fabrikam: Snapshot) -> None:
    result = compare_tenants(contoso, fabrikam)
    refs = [ref for diff in result.objects for ref in (diff.left, diff.right) if ref is not None]
    kiosk = [r for r in refs if r.name == "WIN - Kiosk - Executives"]
    assert kiosk and all((r.type_label, r.platform) == ("Kiosk", "Windows 10 and later") for r in kiosk)
    diff = next(d for d in result.objects if d.name == "WIN - Kiosk - Executives")
    assert diff.type_label == "Kiosk"
    # The demo names carry the platform: macOS policies never read as another platform.
    prefixes = {"MAC": ("macOS",), "iOS": ("iOS/iPadOS",), "LNX": ("Linux",), "WIN": ("Windows",)}
    for ref in refs:
        prefix = ref.name.split(" - ")[0]
        if prefix in prefixes:
            assert ref.platform.startswith(prefixes[prefix]), (ref.name, ref.type_key, ref.platform)
