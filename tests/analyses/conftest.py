"""Fixtures for the assignments, troubleshoot and conflicts tests: the Contoso demo tenant collected
through the product's client, and its planted problems (collected once for all three)."""

from __future__ import annotations

import asyncio

import pytest
from tests.integration.conftest import collect_demo

from intune_assistant.analyses.assignments import Directory
from intune_assistant.emulator.demo import build_demo
from intune_assistant.snapshot import Snapshot


@pytest.fixture(scope="session")
def contoso_demo() -> tuple[Snapshot, dict[str, list[str]]]:
    demo = build_demo(["contoso"])
    snapshot, _ = asyncio.run(collect_demo(demo, "contoso"))
    return snapshot, demo.tenants["contoso"].planted


@pytest.fixture(scope="session")
def contoso(contoso_demo: tuple[Snapshot, dict[str, list[str]]]) -> Snapshot:
    return contoso_demo[0]


@pytest.fixture(scope="session")
def planted(contoso_demo: tuple[Snapshot, dict[str, list[str]]]) -> dict[str, list[str]]:
    return contoso_demo[1]


@pytest.fixture(scope="session")
def directory(contoso: Snapshot) -> Directory:
    return Directory(contoso)
