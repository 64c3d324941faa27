from __future__ import annotations

import itertools
from pathlib import Path

import pandas as pd
import pytest
import shapely

from esr_geo import catchments, data
from esr_geo.errors import DataError
from esr_geo.model import Base


def test_every_cd_in_exactly_one_catchment(data_dir: Path) -> None:
    definition = catchments.load_definition()
    assert len(definition) == 15
    codes = [c for cs in definition["cduids"] for c in cs]
    cds = data.load_census_divisions(data_dir)
    assert sorted(codes) == sorted(cds["CDUID"])
    assert len(codes) == len(set(codes)) == 49


def test_catchment_layer(base: Base) -> None:
    cat = base.catchments
    assert len(cat) == 15
    assert cat.is_valid.all()
    assert int(cat["population"].sum()) == 14_223_942
    pops = cat.set_index("catchment_id")["population"]
    assert pops["toronto"] == 2_794_356
    assert pops["hamilton-niagara"] == 569_353 + 477_941 + 116_872 + 144_771
    assert pops["northwest"] == 146_862 + 19_437 + 66_000
    assert cat.set_index("catchment_id").at["northeast", "name_fr"] == "Nord-Est"
    assert int(cat["csd_count"].sum()) == 577
    assert (cat["density_per_km2"] > 0).all()


def test_catchment_population_matches_census_per_catchment(base: Base, data_dir: Path) -> None:
    pop = data.load_cd_population(data_dir).set_index("CDUID")["POP2021"]
    for rec in catchments.load_definition().itertuples():
        got = base.catchments.set_index("catchment_id").at[rec.catchment_id, "population"]
        assert got == sum(pop[c] for c in rec.cduids)


def test_no_gaps_or_overlaps_between_neighbours(base: Base) -> None:
    cat = base.catchments.set_index("catchment_id").geometry
    for a, b in itertools.combinations(cat.index, 2):
        assert cat[a].intersection(cat[b]).area / 1e6 < 1.0, (a, b)
    ontario = base.cds.union_all()
    merged = cat.union_all()
    assert abs(merged.area - ontario.area) / 1e6 < 1.0
    # a gap between neighbours would be a small hole in the union of all catchments;
    # the only holes are two lakes (11.7 km² and 123.6 km² in the simplified boundaries)
    holes = [shapely.Polygon(ring).area / 1e6 for poly in shapely.get_parts(merged) for ring in poly.interiors]
    assert all(h >= 1.0 for h in holes), holes
    assert len(holes) == 2


def test_definition_errors_listed_together(tmp_path: Path) -> None:
    bad = tmp_path / "c.csv"
    bad.write_text(
        "catchment_id,name_en,name_fr,cduids\na,A,A,3518 3519\nb,B,B,3519 9999\n,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        catchments.load_definition(bad)
    msg = str(err.value)
    assert "row 3: CD 3519 is already in catchment 'a'" in msg
    assert "row 3: '9999' is not an Ontario CDUID" in msg
    assert "row 4: catchment_id, name_en and name_fr are required" in msg


def test_incomplete_definition_is_refused(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("catchment_id,name_en,name_fr,cduids\nt,Toronto,Toronto,3520\n", encoding="utf-8")
    with pytest.raises(DataError, match="census divisions in no catchment: 3501"):
        catchments.assign_cds(data.load_census_divisions(data_dir), catchments.load_definition(path))


def test_build_does_not_mutate_inputs(data_dir: Path) -> None:
    cds = data.load_census_divisions(data_dir)
    pop = data.load_cd_population(data_dir)
    csds = data.load_census_subdivisions(data_dir)
    before = (cds.copy(), pop.copy(), csds.copy())
    catchments.build_catchments(cds, pop, csds, on="2024-01-01")
    pd.testing.assert_frame_equal(cds, before[0])
    pd.testing.assert_frame_equal(pop, before[1])
    pd.testing.assert_frame_equal(csds, before[2])
