"""The real export samples, read in place beside the repository (never copied into it)."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).parents[2].parent / "shared" / "samples"


def _sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.is_dir():
        pytest.skip(f"real export sample not found at {path}")
    return path


@pytest.fixture(scope="session")
def intunecd_dir() -> Path:
    """The IntuneCD backup sample."""
    return _sample("intunecd-backup")


@pytest.fixture(scope="session")
def intunemanagement_dir() -> Path:
    """The IntuneManagement export sample."""
    return _sample("intunemanagement-export")
