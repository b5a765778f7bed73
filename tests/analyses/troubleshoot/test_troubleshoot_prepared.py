"""What a server prepares once per snapshot gives every subject exactly the answer computed from scratch."""

from __future__ import annotations

from intune_assistant.analyses.assignments import Directory
from intune_assistant.analyses.settings import setting_rows
from intune_assistant.analyses.troubleshoot import (
    effective_assignments,
    group_rows_by_policy,
    prepare_objects,
    resolve_subject,
    resultant_settings,
)
from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import Snapshot


def test_prepared_objects_and_rows_give_the_same_verdicts_and_resultant_settings(
    contoso: Snapshot, directory: Directory
) -> None:
    catalog = default_catalog()
    prepared = prepare_objects(contoso, catalog)
    by_policy = group_rows_by_policy(setting_rows(contoso, catalog))
    devices = [d for d in contoso.read_objects("managedDevices") or () if d.get("userId")][:8]
    assert devices
    for device in devices:
        subject = resolve_subject(directory, device=str(device["id"]))
        plain = effective_assignments(contoso, subject, catalog, directory=directory)
        fast = effective_assignments(contoso, subject, catalog, directory=directory, prepared=prepared)
        assert fast == plain
        assert resultant_settings(contoso, fast, catalog, rows_by_policy=by_policy) == resultant_settings(
            contoso, plain, catalog
        )
    # A user alone (no device) too.
    user = next(iter(directory.users))
    subject = resolve_subject(directory, user=directory.user_label(user))
    assert effective_assignments(contoso, subject, catalog, directory=directory, prepared=prepared) == (
        effective_assignments(contoso, subject, catalog, directory=directory)
    )
