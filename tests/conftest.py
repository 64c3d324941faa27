"""Shared fixtures: the real data bundle, loaded once per test session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
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
def shared_base(monkeypatch: pytest.MonkeyPatch, base: Base) -> Iterator[Base]:
    """Make ``esr_geo.model.load_base`` return the session ``base`` for the real bundle, in this test only.

    For tests of the command line, whose every ``cli.main`` call would otherwise load the whole
    geography again (about a second each). Only a call for the session's bundle with the default
    cache is served the shared base; any other bundle (a broken copy, a missing folder) or cache
    loads for real. Each command keeps one test that does not use this fixture and so loads the
    data as a user's run does. A test asking for the fixture must load through it at least once,
    so that a change in how the CLI loads cannot quietly bring the slow loads back.
    """
    from esr_geo import model

    real = model.load_base
    served: list[Path] = []

    def load_shared(data_dir: model.PathLike | None = None, *, cache: model.PathLike | bool | None = None) -> Base:
        if cache is None and settings.data_dir(data_dir).resolve() == base.data_dir.resolve():
            served.append(base.data_dir)
            return base
        return real(data_dir, cache=cache)

    monkeypatch.setattr(model, "load_base", load_shared)
    yield base
    assert served, "the test asked for shared_base but never loaded the base through esr_geo.model.load_base"


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
    from esr_geo.analysis import AnalysisOptions, analyse

    return analyse(base, options=AnalysisOptions(on="2024-06-01"))
