"""PIM in the Entra emulator: an activated directory role is in the ``wids`` of tokens issued while
it is active; an eligible one is not."""

from __future__ import annotations

from typing import Any

import pytest

from intune_assistant.emulator.tenants.model import INTUNE_ADMINISTRATOR


def _wids(env: Any) -> list[str]:
    token = env.entra.issue_graph_token_for(env.CONTOSO, env.READER, env.READ_SCOPES)
    return list(env.claims_of(token).get("wids", []))


def test_an_activated_role_is_in_wids_until_its_activation_ends(env: Any) -> None:
    env.entra.grant_consent(env.CONTOSO, env.READ_SCOPES)
    env.entra.make_eligible(env.CONTOSO, env.READER, INTUNE_ADMINISTRATOR, days=30)
    assert INTUNE_ADMINISTRATOR not in _wids(env)
    env.entra.activate_role(env.CONTOSO, env.READER, INTUNE_ADMINISTRATOR, hours=2)
    assert INTUNE_ADMINISTRATOR in _wids(env)
    env.entra.end_role_activation(env.CONTOSO, env.READER, INTUNE_ADMINISTRATOR)
    assert INTUNE_ADMINISTRATOR not in _wids(env)
    with pytest.raises(ValueError, match="no active assignment"):
        env.entra.end_role_activation(env.CONTOSO, env.READER, INTUNE_ADMINISTRATOR)
    with pytest.raises(ValueError, match="not eligible"):
        env.entra.activate_role(env.CONTOSO, env.ADMIN, INTUNE_ADMINISTRATOR)
