"""The real export samples, copied into the repository (tests/fixtures/samples, with their licenses)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support import SAMPLES


@pytest.fixture(scope="session")
def intunecd_dir() -> Path:
    """The IntuneCD backup sample."""
    return SAMPLES / "intunecd-backup"


@pytest.fixture(scope="session")
def intunemanagement_dir() -> Path:
    """The IntuneManagement export sample."""
    return SAMPLES / "intunemanagement-export"
