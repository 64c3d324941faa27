from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from esr_geo import zones
from esr_geo.errors import InputError
from esr_geo.model import Base


def test_default_zones(base: Base) -> None:
    z = zones.default_zones(base)
    assert len(z) == 11
    assert set(z["catchment_id"]) == {"northeast", "northwest"}
    assert "Greater Sudbury / Grand Sudbury" in set(z["zone"])
    pts = base.points.assign(zone=zones.assign_points(base.points, z))
    by_zone = pts.groupby("zone")["population"].sum()
    assert by_zone["Kenora"] == 66_000  # census division total, exactly
    assert int(by_zone.sum()) == 557_220 + 232_299


def _toy_zone_inputs() -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    z = gpd.GeoDataFrame(
        {"zone_id": ["Z", "Y"], "zone": ["Z", "Y"], "catchment_id": ["c", "c"], "basis": "polygon", "members": ""},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
        crs=3347,
    )
    points = pd.DataFrame(
        {
            "zone": ["Z", "Z", "Z", "Y"],
            "population": [100, 50, 30, 10],
            "is_reserve": [False, False, True, False],
            "within": [True, False, False, True],
        }
    )
    sites = pd.DataFrame({"zone": ["Z", None], "in_person": [True, True]})
    return z, points, sites


def test_evaluate_zones_by_hand() -> None:
    z, points, sites = _toy_zone_inputs()
    table = zones.evaluate_zones(z, points, sites, min_sites=1, min_share=0.9).set_index("zone")
    # Z: 150 non-reserve people, 100 within -> 66.67 %; the 30 on reserve are apart
    assert table.at["Z", "population"] == 180
    assert table.at["Z", "reserve_population"] == 30
    assert table.at["Z", "pct_within_threshold"] == pytest.approx(100 * 100 / 150)
    assert not table.at["Z", "passes"]
    assert "only 66.7% of non-reserve residents are within reach (50 people beyond)" in table.at["Z", "reason"]
    # Y: everyone within, but no site inside the zone
    assert not table.at["Y", "passes"]
    assert table.at["Y", "reason"] == "0 in-person site(s) inside the zone; at least 1 required"
    relaxed = zones.evaluate_zones(z, points, sites, min_sites=0, min_share=0.6).set_index("zone")
    assert relaxed["passes"].all() and (relaxed["reason"] == "").all()


def test_evaluate_zones_rejects_bad_criteria() -> None:
    z, points, sites = _toy_zone_inputs()
    with pytest.raises(InputError, match="min_share must be a share between 0 and 1"):
        zones.evaluate_zones(z, points, sites, min_share=90)


def test_csv_zones(base: Base, tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_text(
        "CSDUID,zone\n3553005,Sudbury city\n3552093,Sudbury north\n3552092,Sudbury north\n", encoding="utf-8"
    )
    z = zones.read_zones(path, base=base)
    assert sorted(z["zone"]) == ["Sudbury city", "Sudbury north"]
    assert set(z["basis"]) == {"CSDUID"}
    assert (z["catchment_id"] == "northeast").all()
    pts = zones.assign_points(base.points, z)
    city = base.points.loc[pts == "Sudbury city", "population"].sum()
    assert city == base.points.loc[base.points["CSDUID"] == "3553005", "population"].sum() > 150_000


def test_csv_zone_problems_listed_together(base: Base, tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_text("CSDUID,zone\n3553005,A\n9999999,B\n3553005,C\n3552093,\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        zones.read_zones(path, base=base)
    msg = str(err.value)
    assert "row 3: '9999999' is not a 2021 Ontario census subdivision code" in msg
    assert "row 4: CSD 3553005 is already in a zone on row 2" in msg
    assert "row 5: zone name is empty" in msg


def test_csv_zones_missing_columns(base: Base, tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_text("code,area\n3553005,A\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs a census subdivision column"):
        zones.read_zones(path, base=base)


def test_polygon_zones(base: Base, tmp_path: Path) -> None:
    # two boxes in lon/lat around Thunder Bay and around Kenora
    frame = gpd.GeoDataFrame(
        {"name": ["Thunder Bay area", "Kenora area"]},
        geometry=[shapely.box(-89.6, 48.2, -88.9, 48.7), shapely.box(-94.7, 49.6, -94.2, 49.9)],
        crs=4326,
    )
    path = tmp_path / "z.geojson"
    frame.to_file(path, driver="GeoJSON")
    z = zones.read_zones(path, base=base)
    assert set(z["zone"]) == {"Thunder Bay area", "Kenora area"}
    assert (z["catchment_id"] == "northwest").all()
    assert z.crs == "EPSG:3347"


def test_polygon_zones_errors(base: Base, tmp_path: Path) -> None:
    overlapping = gpd.GeoDataFrame(
        {"zone": ["a", "b"]},
        geometry=[shapely.box(-89.6, 48.2, -88.9, 48.7), shapely.box(-89.3, 48.3, -88.5, 48.9)],
        crs=4326,
    )
    path = tmp_path / "o.gpkg"
    overlapping.to_file(path)
    with pytest.raises(InputError, match="zones must not overlap"):
        zones.read_zones(path, base=base)
    nowhere = gpd.GeoDataFrame({"zone": ["sea"]}, geometry=[shapely.box(-40, 30, -39, 31)], crs=4326)
    path2 = tmp_path / "n.gpkg"
    nowhere.to_file(path2)
    with pytest.raises(InputError, match="no census population falls inside zone"):
        zones.read_zones(path2, base=base)
    bad = tmp_path / "z.txt.xyz"
    bad.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="unsupported format"):
        zones.read_zones(bad, base=base)
