"""Removing OData noise while keeping @odata.type."""

from __future__ import annotations

from intune_assistant.collect.importers.odata import strip_odata_noise


def test_noise_is_removed_at_every_depth() -> None:
    raw = {
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#x",
        "@odata.type": "#microsoft.graph.conditionalAccessPolicy",
        "@odata.id": "x",
        "@odata.editLink": "x",
        "createdDateTime@odata.type": "#DateTimeOffset",
        "createdDateTime": "2026-01-01T00:00:00Z",
        "#microsoft.graph.restore": {"title": "microsoft.graph.restore", "target": "x"},
        "grantControls": {
            "authenticationStrength@odata.navigationLink": "x",
            "authenticationStrength@odata.associationLink": "x",
            "authenticationStrength": {"#microsoft.graph.usage": {}, "@odata.type": "#x", "id": "s"},
        },
        "list": [{"a@odata.type": "#Collection(String)", "a": ["v"]}],
    }
    assert strip_odata_noise(raw) == {
        "@odata.type": "#microsoft.graph.conditionalAccessPolicy",
        "createdDateTime": "2026-01-01T00:00:00Z",
        "grantControls": {"authenticationStrength": {"@odata.type": "#x", "id": "s"}},
        "list": [{"a": ["v"]}],
    }
