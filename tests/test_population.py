"""Population points: the even split of DA population over blocks, and real block counts where given."""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from esr_geo import data, settings
from esr_geo.model import Base
from esr_geo.population import build_population_points

# Two DAs of three blocks each, inside one square CSD (EPSG:3347 metres).
_BLOCKS = pd.DataFrame(
    {
        "DBUID": ["35060001001", "35060001002", "35060001003", "35060002001", "35060002002", "35060002003"],
        "X": [100.0, 200.0, 300.0, 100.0, 200.0, 300.0],
        "Y": [100.0, 100.0, 100.0, 500.0, 500.0, 500.0],
    }
)
_CSDS = gpd.GeoDataFrame(
    {"CSDUID": ["3506008"], "CDUID": ["3506"]}, geometry=[shapely.box(0, 0, 1000, 1000)], crs=settings.ANALYSIS_CRS
)


@pytest.fixture(autouse=True)
def _small_province(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the province the hand-made 13 people (the build checks the provincial total)."""
    monkeypatch.setattr(settings, "ONTARIO_POPULATION_2021", 13)


def _points(da_pop: dict[str, int], counts: dict[str, int] | None) -> pd.DataFrame:
    frame = pd.DataFrame({"DAUID": list(da_pop), "POP2021": list(da_pop.values())})
    series = None if counts is None else pd.Series(counts, name="population")
    return build_population_points(frame, _BLOCKS, _CSDS, block_population=series).set_index("DBUID")


def test_even_split_gives_whole_persons_with_the_remainder_first() -> None:
    pts = _points({"35060001": 10, "35060002": 3}, None)
    # 10 over 3 blocks: 4, 3, 3; 3 over 3 blocks: 1 each
    assert pts["population"].tolist() == [4, 3, 3, 1, 1, 1]
    assert not pts["block_count"].any()


def test_real_block_counts_replace_the_split_where_complete_and_consistent(caplog: pytest.LogCaptureFixture) -> None:
    counts = {
        "35060001001": 9,
        "35060001002": 0,
        "35060001003": 1,  # adds up to the DA's 10: used
        "35060002001": 2,
        "35060002002": 2,  # one block missing: the DA keeps the even split
    }
    with caplog.at_level(logging.WARNING, logger="esr_geo.population"):
        pts = _points({"35060001": 10, "35060002": 3}, counts)
    assert pts["population"].tolist() == [9, 0, 1, 1, 1, 1]
    assert pts["block_count"].tolist() == [True, True, True, False, False, False]
    assert "1 dissemination area(s) have block counts that are incomplete" in caplog.text
    assert "35060002" in caplog.text


def test_block_counts_that_do_not_add_up_are_not_used(caplog: pytest.LogCaptureFixture) -> None:
    counts = {"35060001001": 9, "35060001002": 9, "35060001003": 9}
    with caplog.at_level(logging.WARNING, logger="esr_geo.population"):
        pts = _points({"35060001": 10, "35060002": 3}, counts)
    assert pts["population"].tolist() == [4, 3, 3, 1, 1, 1]
    assert "do not add up" in caplog.text


def test_ottawa_uses_its_real_block_populations(base: Base, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    blocks = data.load_block_population(data_dir).set_index("DBUID")["population"]
    pts = base.points.set_index("DBUID")
    ottawa = pts[pts["CDUID"] == "3506"]
    assert len(blocks) == len(ottawa) == 8_559
    assert ottawa["block_count"].all()
    assert not pts.loc[pts["CDUID"] != "3506", "block_count"].any()
    assert (ottawa["population"] == blocks.reindex(ottawa.index)).all()
    assert int(ottawa["population"].sum()) == 1_017_449
    assert int(pts["population"].sum()) == settings.ONTARIO_POPULATION_2021
