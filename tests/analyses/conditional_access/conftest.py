"""Fabrikam collected through the product's client (Contoso comes from tests/analyses/conftest.py)."""

from __future__ import annotations

import asyncio

import pytest
from tests.integration.conftest import collect_demo

from intune_assistant.emulator.demo import build_demo
from intune_assistant.snapshot import Snapshot


@pytest.fixture(scope="session")
def fabrikam_demo() -> tuple[Snapshot, dict[str, list[str]]]:
    demo = build_demo(["fabrikam"])
    snapshot, _ = asyncio.run(collect_demo(demo, "fabrikam"))
    return snapshot, demo.tenants["fabrikam"].planted
