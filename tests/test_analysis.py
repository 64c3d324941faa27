from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from esr_geo import report
from esr_geo.analysis import Analysis, AnalysisOptions, gis_layers, run_analysis
from esr_geo.communities import locate_points
from esr_geo.errors import InputError
from esr_geo.model import Base

ONTARIO = 14_223_942


def test_population_points_count_everyone_once(base: Base) -> None:
    pts = base.points
    assert len(pts) == 137_843
    assert pts["DBUID"].is_unique
    assert int(pts["population"].sum()) == ONTARIO
    assert pts["population"].dtype == np.int64 and (pts["population"] >= 0).all()
    by_cd = pts.groupby("CDUID")["population"].sum()
    assert by_cd["3520"] == 2_794_356 and by_cd["3560"] == 66_000
    # outside Ottawa (real block counts) each DA's people are spread evenly over its blocks
    # (whole persons, differing by at most one)
    even = pts[~pts["block_count"]]
    spread = even.groupby("DAUID")["population"].agg(lambda s: s.max() - s.min())
    assert spread.max() <= 1
    assert set(pts.loc[pts["block_count"], "CDUID"]) == {"3506"}


def test_catchment_table_reconciles(analysis: Analysis, base: Base) -> None:
    t = analysis.tables["coverage_by_catchment"]
    assert len(t) == 15
    assert int(t["population"].sum()) == ONTARIO
    census = base.catchments.set_index("catchment_id")["population"]
    assert (t.set_index("catchment_id")["population"] == census).all()
    parts = t["pop_within_threshold"] + t["pop_beyond_threshold"] + t["reserve_population_exempt"]
    assert (parts == t["population"]).all()
    assert int(t["reserve_population_exempt"].sum()) == int(
        base.points.loc[base.points["is_reserve"], "population"].sum()
    )
    assert int(t["in_person_sites"].sum()) == 168
    for col in (
        "catchment_id", "catchment", "phase", "ssm", "status", "population", "in_person_sites", "sites_per_100k",
        "pop_within_threshold", "pct_within_threshold", "pop_beyond_threshold", "median_distance_km",
        "max_distance_km",
    ):  # fmt: skip
        assert col in t.columns
    assert t.set_index("catchment_id").at["kingston-pembroke", "status"] == "integrated_services"  # a code
    worded = report.worded_table(analysis, "coverage_by_catchment").set_index("catchment_id")
    assert worded.at["kingston-pembroke", "status"] == "integrated services"


def test_csd_table_reconciles(analysis: Analysis) -> None:
    t = analysis.tables["access_by_csd"]
    assert len(t) == 577 and t["CSDUID"].is_unique
    assert int(t["population"].sum()) == ONTARIO
    assert (t["pop_within_threshold"] <= t["population"]).all()
    # DAs nest in subdivisions: after reconciliation every subdivision's people equal its
    # published 2021 population (blank published counts are reserves not enumerated: 0 here)
    published = t["census_population"].astype("Int64").fillna(0)
    assert (t["population"] == published).all()
    reserves = t[t["is_reserve"]]
    assert int(reserves["population"].sum()) == 54_808


def test_zone_table(analysis: Analysis) -> None:
    z = analysis.tables["coverage_by_zone"]
    assert len(z) == 11
    assert int(z["population"].sum()) == 557_220 + 232_299
    assert (z["population"] == z["reserve_population"] + z["non_reserve_population"]).all()
    assert set(z.columns) >= {
        "zone",
        "catchment",
        "population",
        "in_person_sites",
        "pct_within_threshold",
        "passes",
        "short_of_sites",
        "short_of_share",
    }
    assert "reason" not in z.columns  # codes in the engine's tables; words where they are written
    failing = z[~z["passes"]]
    assert (failing["short_of_sites"] | failing["short_of_share"]).all()
    worded = report.worded_table(analysis, "coverage_by_zone")
    assert (worded.loc[~worded["passes"], "reason"] != "").all()
    assert (worded.loc[worded["passes"], "reason"] == "").all()


def test_reserves_apart(analysis: Analysis) -> None:
    res = analysis.tables["reserves_exempt"]
    csd = analysis.tables["access_by_csd"]
    assert len(res) == int(csd["is_reserve"].sum()) == 147
    assert set(res["CSDTYPE"]) == {"IRI", "S-É"}
    gaps = analysis.tables["underserved_communities"]
    fn = gaps[gaps["kind"] == "First Nation band office"]
    assert fn["is_reserve_exempt"].all()
    # a catchment's gap counts non-reserve people only
    t = analysis.tables["coverage_by_catchment"]
    pts = analysis.points
    nw = pts[(pts["catchment_id"] == "northwest") & ~pts["is_reserve"] & ~pts["within"]]
    assert t.set_index("catchment_id").at["northwest", "pop_beyond_threshold"] == int(nw["population"].sum())


def test_underserved_are_beyond_threshold(analysis: Analysis) -> None:
    gaps = analysis.tables["underserved_communities"]
    assert len(gaps) > 0
    assert (gaps["distance_km"] > gaps["threshold_km"]).all()
    comm = analysis.communities
    assert len(gaps) == int((~comm["within"]).sum())


def test_threshold_changes_results(base: Base, analysis: Analysis) -> None:
    wide = run_analysis(
        base, analysis.sites, sites_source="demo", options=AnalysisOptions(threshold_km=300, on="2024-06-01")
    )
    assert wide.summary()["pop_beyond_threshold"] == 0
    assert wide.summary()["zones_failing"] == 0
    narrow = run_analysis(
        base,
        analysis.sites,
        sites_source="demo",
        options=AnalysisOptions(threshold_km=50, threshold_km_by_class={"very remote": 10}),
    )
    assert narrow.summary()["pop_beyond_threshold"] > analysis.summary()["pop_beyond_threshold"]


def test_hand_made_sites_move_people(base: Base) -> None:
    # one site in Toronto only: everyone in the north is beyond 50 km, Toronto is covered
    frame = pd.DataFrame(
        {"site_id": ["t"], "name": ["Toronto"], "lon": [-79.3832], "lat": [43.6532], "in_person": [True]}
    )
    frame = locate_points(frame, base)
    sites = gpd.GeoDataFrame(frame, geometry=[shapely.Point(-79.3832, 43.6532)], crs=4326)
    one = run_analysis(base, sites, sites_source="hand-made")
    t = one.tables["coverage_by_catchment"].set_index("catchment_id")
    assert t.at["toronto", "pct_within_threshold"] == 100.0
    assert t.at["northwest", "pop_within_threshold"] == 0
    assert one.summary()["zones_failing"] == 11
    assert sites["name"].tolist() == ["Toronto"]  # input untouched
    virtual = sites.assign(in_person=False)
    with pytest.raises(InputError, match="No in-person sites"):
        run_analysis(base, virtual, sites_source="x")


def test_gis_layers(analysis: Analysis) -> None:
    layers = gis_layers(analysis)
    assert list(layers) == [
        "catchments", "sites", "service_delivery_zones", "csd_access", "underserved_communities",
        "french_designated_areas",
    ]  # fmt: skip
    counts = {k: len(v) for k, v in layers.items()}
    assert counts["catchments"] == 15 and counts["service_delivery_zones"] == 11 and counts["csd_access"] == 577
    for layer in layers.values():
        assert layer.crs == "EPSG:3347"
        assert layer.geometry.notna().all() and not layer.geometry.is_empty.any()


def test_summary_sentence(analysis: Analysis) -> None:
    text = report.summary_sentence(analysis)
    assert "non-reserve residents" in text and "50 km" in text and "exempt" in text


def test_rethreshold_equals_a_full_run(base: Base, analysis: Analysis) -> None:
    from esr_geo.analysis import rethreshold

    quick = rethreshold(analysis, threshold_km=35, threshold_km_by_class={"very remote": 80})
    full = run_analysis(
        base,
        analysis.sites,
        sites_source=analysis.sites_source,
        notes=analysis.notes,
        options=AnalysisOptions(threshold_km=35, threshold_km_by_class={"very remote": 80}, on=analysis.on),
    )
    for key, table in full.tables.items():
        pd.testing.assert_frame_equal(quick.tables[key], table)
    assert analysis.threshold_km == 50  # the input is unchanged
