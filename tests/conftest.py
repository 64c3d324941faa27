"""Shared fixtures: the real data bundle, loaded once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from esr_geo import data, settings
from esr_geo.analysis import Analysis
from esr_geo.model import Base, load_base


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Return the real bundle (ESR_GEO_DATA_DIR or ../shared/data); the suite needs it."""
    root = settings.data_dir()
    data.require_bundle(root)
    return root


@pytest.fixture(scope="session")
def base(data_dir: Path) -> Base:
    return load_base(data_dir)


@pytest.fixture
def bundle_copy(tmp_path: Path, data_dir: Path) -> Path:
    """Return a writable copy of the bundle, for tests that break one file."""
    dest = tmp_path / "bundle"
    shutil.copytree(data_dir, dest)
    for p in dest.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    return dest


@pytest.fixture(scope="session")
def analysis(base: Base) -> Analysis:
    """Return the analysis of the demonstration sites with default zones and threshold."""
    from esr_geo.analysis import analyse

    return analyse(base, on="2024-06-01")
