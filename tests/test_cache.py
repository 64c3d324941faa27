"""The population-point cache: keyed on the content of the bundle files, checked when read."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from esr_geo import data, model, settings
from esr_geo.errors import DataError

DA_FILE = "statcan/dissemination_area_population_2021.csv"


@pytest.fixture(scope="session")
def good_points(data_dir: Path) -> pd.DataFrame:
    """Return the real population points (default cache, built once like the ``base`` fixture)."""
    return model.population_points(data_dir)


@pytest.fixture
def small_bundle(tmp_path: Path, data_dir: Path) -> Path:
    """Return a writable copy of the bundle's nine checked files (not the road networks)."""
    dest = tmp_path / "bundle"
    for rel in data.BUNDLE_FILES.values():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data_dir / rel, dest / rel)
    return dest


def _edit_keeping_size_and_time(path: Path) -> None:
    """Change one POP2021 digit of the first DA, keeping the file's size and mtime (ns)."""
    st = path.stat()
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    dauid, pop = lines[1].rstrip("\n").split(",")
    lines[1] = f"{dauid},{pop[:-1]}{(int(pop[-1]) + 1) % 10}\n"
    path.write_text("".join(lines), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)


def test_cache_key_follows_content_not_size_or_time(small_bundle: Path, data_dir: Path) -> None:
    key = model.points_cache_key(small_bundle)
    assert key == model.points_cache_key(data_dir)  # same bytes, other folder and times
    os.utime(small_bundle / "statcan" / "index_of_remoteness_2021_ontario.csv", ns=(0, 0))
    (small_bundle / data.BUNDLE_FILES["service_canada_offices"]).write_text("not an input", encoding="utf-8")
    assert model.points_cache_key(small_bundle) == key  # a new time, or a file the points do not use
    _edit_keeping_size_and_time(small_bundle / DA_FILE)
    assert model.points_cache_key(small_bundle) != key


def test_edit_keeping_size_and_time_is_not_served_from_cache(
    small_bundle: Path, tmp_path: Path, good_points: pd.DataFrame
) -> None:
    cache = tmp_path / "cache"
    target = model.points_cache_path(small_bundle, cache=cache)
    assert target is not None
    target.parent.mkdir()
    good_points.to_parquet(target, index=False)
    pd.testing.assert_frame_equal(model.population_points(small_bundle, cache=cache), good_points)
    _edit_keeping_size_and_time(small_bundle / DA_FILE)
    # the edit breaks the total: the points are rebuilt from the bundle, which refuses it,
    # exactly as `data check` does; the cache of the old content is not used
    with pytest.raises(DataError, match=r"dissemination_area_population_2021\.csv: POP2021 adds up to 14,223,94"):
        model.population_points(small_bundle, cache=cache)
    assert not data.check_bundle(small_bundle).ok


def test_good_cache_is_used(
    data_dir: Path, tmp_path: Path, good_points: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = model.points_cache_path(data_dir, cache=tmp_path)
    assert target is not None
    good_points.to_parquet(target, index=False)

    def fail(*args: object, **kwargs: object) -> pd.DataFrame:
        raise AssertionError("rebuilt although the cache was good")

    monkeypatch.setattr(model, "build_population_points", fail)
    pd.testing.assert_frame_equal(model.population_points(data_dir, cache=tmp_path), good_points)


def test_wrong_cache_file_is_logged_removed_and_rebuilt(
    data_dir: Path, tmp_path: Path, good_points: pd.DataFrame, caplog: pytest.LogCaptureFixture
) -> None:
    target = model.points_cache_path(data_dir, cache=tmp_path)
    assert target is not None
    wrong = good_points.head(40).copy()  # a valid parquet file of the right shape, but other content
    wrong.to_parquet(target, index=False)
    with caplog.at_level(logging.WARNING, logger="esr_geo.model"):
        points = model.population_points(data_dir, cache=tmp_path)
    (record,) = [r for r in caplog.records if r.name == "esr_geo.model"]
    assert str(target) in record.getMessage()
    assert "40 rows, expected one per dissemination block point (137,843)" in record.getMessage()
    assert "population adds up to" in record.getMessage()
    assert len(points) == 137_843
    assert int(points["population"].sum()) == settings.ONTARIO_POPULATION_2021
    assert model.check_points(points, data_dir) == []
    # the geometric columns do not depend on the solver, so they are compared exactly
    same = ["DBUID", "DAUID", "CDUID", "x", "y", "lon", "lat", "population"]
    pd.testing.assert_frame_equal(points[same], good_points[same])
    pd.testing.assert_frame_equal(pd.read_parquet(target), points)  # the rebuilt table replaced it


def test_unreadable_cache_file_is_logged_and_removed(
    data_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / "population_points_x.parquet"
    target.write_bytes(b"PAR1 not really")
    with caplog.at_level(logging.WARNING, logger="esr_geo.model"):
        assert model._read_cached_points(target, data_dir) is None
    assert "cannot be read as a parquet table" in caplog.text and str(target) in caplog.text
    assert not target.exists()


def _move_people(points: pd.DataFrame) -> pd.DataFrame:
    """Move 10 people from the first block to the last (another DA): the total is kept."""
    out = points.copy()
    out.loc[0, "population"] -= 10
    out.loc[len(out) - 1, "population"] += 10
    return out


def _other_cd(points: pd.DataFrame) -> pd.DataFrame:
    out = points.copy()
    out.loc[0, "CSDUID"] = "3520005"
    return out


def _blank_lat(points: pd.DataFrame) -> pd.DataFrame:
    out = points.copy()
    out.loc[3, "lat"] = np.nan
    return out


@pytest.mark.parametrize(
    ("corrupt", "expected"),
    [
        (lambda p: p.drop(columns="population"), "missing column(s) population"),
        (lambda p: p.astype({"population": float}), "column population is float64, expected integer"),
        (lambda p: p.assign(DBUID=p["DBUID"].astype("int64")), "column DBUID is int64, expected text"),
        (lambda p: p.assign(snapped=p["snapped"].astype(int)), "column snapped is int64, expected boolean"),
        (_blank_lat, "blank values in column(s) lat"),
        (lambda p: p.iloc[1:], "137,842 rows, expected one per dissemination block point (137,843)"),
        (lambda p: pd.concat([p, p.iloc[:1]]), "duplicate DBUID values"),
        (lambda p: p.assign(population=p["population"] * 2), "population adds up to 28,447,884"),
        (_move_people, "the population of 2 dissemination area(s) differs from the bundle's"),
        (_other_cd, "1 rows whose DAUID, CDUID or CSDUID do not nest in their DBUID"),
    ],
)
def test_check_points_names_the_failed_check(
    good_points: pd.DataFrame, data_dir: Path, corrupt: Callable[[pd.DataFrame], pd.DataFrame], expected: str
) -> None:
    assert model.check_points(good_points, data_dir) == []
    problems = model.check_points(corrupt(good_points), data_dir)
    assert any(expected in p for p in problems), problems
