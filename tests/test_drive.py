"""Drive time in the analysis: scope, thresholds in minutes, tables, report, CLI and scenarios."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from synthetic import POINT_NAMES, project, tiny_base, tiny_communities, tiny_sites

from esr_geo import cli, settings
from esr_geo.access import check_minutes, minutes_for
from esr_geo.analysis import Analysis, AnalysisOptions, rethreshold, run_analysis
from esr_geo.drive import RoadMeasure, check_bands, scope_csds
from esr_geo.errors import InputError
from esr_geo.model import Base
from esr_geo.network import NO_ROAD_ACCESS, REACHED, load_network
from esr_geo.scenario import close_sites


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------------------
# Options


def test_minutes_are_checked() -> None:
    assert check_minutes(30) == 30.0
    for bad in (0, -5, float("nan"), "soon", 10_000):
        with pytest.raises(InputError, match="minutes") as err:
            check_minutes(bad)  # type: ignore[arg-type]
        assert err.value.parameter == "threshold_min"


def test_minutes_per_remoteness_class() -> None:
    import pandas as pd

    classes = pd.Series(["remote", "accessible", "very remote", "unclassified"])
    limits = minutes_for(classes, threshold_min=30, threshold_min_by_class={"remote": 60, "very remote": 90})
    assert limits.tolist() == [60.0, 30.0, 90.0, 30.0]
    with pytest.raises(InputError, match="unknown class") as err:
        minutes_for(classes, threshold_min=30, threshold_min_by_class={"far away": 60})
    assert err.value.parameter == "threshold_min_by_class"


def test_service_bands_are_checked() -> None:
    assert check_bands("15,30,45,60") == (15.0, 30.0, 45.0, 60.0)
    assert check_bands([10, 20]) == (10.0, 20.0)
    for bad in ("30,15", "15,15", "15,soon", "", "0,10"):
        with pytest.raises(InputError, match="service-area bands") as err:
            check_bands(bad)
        assert err.value.parameter == "bands_min"


def test_scope_by_catchment_cd_or_csd(base: Base) -> None:
    ottawa_cd = scope_csds(base, "3506")
    assert ottawa_cd == frozenset({"3506008"})
    assert scope_csds(base, "3506008") == ottawa_cd
    assert scope_csds(base, "ottawa") >= ottawa_cd  # the Ottawa catchment holds more CDs than the city
    with pytest.raises(InputError, match="not a catchment id") as err:
        scope_csds(base, "3599")
    assert err.value.parameter == "scope" and "northwest" in str(err.value)


# --------------------------------------------------------------------------------------
# Command line: road options without a network are refused before anything loads


def test_road_options_need_a_network(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "report", "--threshold-min", "30", "--max-access-km", "3", "--out", str(tmp_path / "r"))
    assert code == 2
    assert "--max-access-km, --threshold-min need(s) a road network: add --network FILE" in err
    assert not (tmp_path / "r").exists()


def test_network_measures_in_minutes_not_km(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(
        capsys,
        "report",
        "--network",
        str(tmp_path / "roads.gpkg"),
        "--threshold-km",
        "50",
        "--threshold-min",
        "-3",
        "--service-bands",
        "30,15",
        "--out",
        str(tmp_path / "r"),
    )
    assert code == 2
    assert "give --threshold-min (and --threshold-class-min) instead of --threshold-km" in err
    assert "--threshold-min must be more than 0" in err
    assert "service-area bands" in err
    assert not (tmp_path / "r").exists()


# --------------------------------------------------------------------------------------
# Hand-worked drive times on the tiny geography (tests/synthetic.py)
#
# One straight road along the meridian 81° W (a meridian is a straight line in the Lambert
# projection EPSG:3347), from latitude 44.0 to 47.35, at 60 km/h: a kilometre a minute. Every
# point and site but U1 and U2 stands on it (no access leg), so each drive time is the
# projected distance in km. U2 (47.40) is 5.6 km beyond the road's end and U1 (47.60) 28 km:
# both are farther than the 5 km access distance, so they have no road access.


ROAD_END = 47.35


def _km(lat1: float, lat2: float) -> float:
    """Projected (EPSG:3347) km between two latitudes of the meridian: the road's length between them."""
    (x1, x2), (y1, y2) = project(np.array([lat1, lat2]))
    return float(np.hypot(x2 - x1, y2 - y1)) / 1000.0


@pytest.fixture(scope="module")
def tiny() -> Base:
    return tiny_base()


@pytest.fixture(scope="module")
def meridian_road(tmp_path_factory: pytest.TempPathFactory) -> Path:
    x, y = project(np.array([44.0, ROAD_END]))
    road = gpd.GeoDataFrame(
        {"name": ["Meridian Road"], "speed_kmh": [60.0]},
        geometry=[shapely.LineString([(x[0], y[0]), (x[1], y[1])])],
        crs=settings.ANALYSIS_CRS,
    )
    path = tmp_path_factory.mktemp("roads") / "meridian.gpkg"
    road.to_file(path, driver="GPKG")
    return path


def _run(
    tiny: Base, road_path: Path, *, minutes: float = 15.0, scope: str | None = None, drop: tuple[str, ...] = ()
) -> Analysis:
    road = RoadMeasure(network=load_network(road_path, cache=False), threshold_min=minutes)
    return run_analysis(
        tiny,
        tiny_sites(drop=drop),
        sites_source="tiny sites",
        options=AnalysisOptions(road=road, scope=scope, on="2024-06-01"),
        communities=tiny_communities(tiny),
    )


@pytest.fixture(scope="module")
def northeast(tiny: Base, meridian_road: Path) -> Analysis:
    return _run(tiny, meridian_road, scope="northeast")


def test_without_a_scope_the_uncovered_subdivision_is_left_out_and_named(tiny: Base, meridian_road: Path) -> None:
    a = _run(tiny, meridian_road)
    assert a.measure == "min"
    assert a.scope is not None and a.scope.requested is None
    # U1 and U2 are more than 1 km from the road: Sudbury, Unorganized is not covered
    assert a.scope.csds == frozenset({"3544042", "3553005", "3553040"})
    assert a.scope.left_out["CSDUID"].tolist() == ["3552093"]
    assert a.scope.left_out["population"].tolist() == [500]
    assert int(a.points["population"].sum()) == 6_900  # 7,400 less the 500 left out


def test_drive_minutes_are_the_road_km_at_60_kmh(northeast: Analysis) -> None:
    pts = northeast.points.set_axis([n for n in POINT_NAMES if n[0] in "GRU"])
    assert pts.loc["G1", "nearest_site_id"] == "S1"
    assert pts.loc["G1", "drive_min"] == pytest.approx(_km(46.60, 46.50), abs=1e-6)
    assert pts.loc["G2", "drive_min"] == pytest.approx(_km(46.40, 46.50), abs=1e-6)
    assert pts.loc["R1", "drive_min"] == pytest.approx(_km(47.10, 46.50), abs=1e-6)
    assert pts.loc["G1", "road_km"] == pytest.approx(_km(46.60, 46.50), abs=1e-6)
    assert pts.loc[["G1", "G2", "R1"], "road_access"].tolist() == [REACHED] * 3
    assert pts.loc[["U1", "U2"], "road_access"].tolist() == [NO_ROAD_ACCESS] * 2
    assert not pts.loc[["U1", "U2"], "within"].any()  # never within reach
    assert pts.loc[["U1", "U2"], "drive_min"].isna().all()
    assert pts.loc[["G1", "G2"], "within"].all() and not pts.loc["R1", "within"]  # 11.1 min in, 66.7 out
    # straight-line km stay beside the drive times, for comparison
    assert pts.loc["U1", "distance_km"] == pytest.approx(122.3, abs=0.1)


def test_drive_time_tables_reconcile_to_the_person(northeast: Analysis) -> None:
    cat = northeast.tables["coverage_by_catchment"].set_index("catchment_id")
    assert list(cat.index) == ["northeast"]  # only the catchment of the area analysed
    row = cat.loc["northeast"]
    assert row["population"] == 4_600 and row["reserve_population_exempt"] == 100
    assert row["pop_within_threshold"] == 4_000  # G1 and G2
    assert row["pop_no_road_access"] == 500  # U1 and U2
    assert row["median_drive_min"] == pytest.approx(round(_km(46.60, 46.50), 1))
    assert row["in_person_sites"] == 1  # S1; S2 is outside the area
    fig = northeast.summary()
    assert fig["non_reserve_population"] == 4_500 and fig["pop_no_road_access"] == 500
    csd = northeast.tables["access_by_csd"].set_index("CSDUID")
    assert set(csd.index) == {"3552093", "3553005", "3553040"}
    assert csd.loc["3552093", "pop_no_road_access"] == 500
    gaps = northeast.tables["underserved_communities"].set_index("community")
    assert gaps.loc["Gogama", "road_access"] == NO_ROAD_ACCESS  # 47.65, 33 km beyond the road's end


def test_rethreshold_in_minutes_equals_a_fresh_run(tiny: Base, meridian_road: Path, northeast: Analysis) -> None:
    wider = rethreshold(northeast, threshold_min=70.0)
    fresh = _run(tiny, meridian_road, minutes=70.0, scope="northeast")
    assert wider.road is not None and wider.road.threshold_min == 70.0
    for key in ("coverage_by_catchment", "access_by_csd", "underserved_communities"):
        pd.testing.assert_frame_equal(wider.tables[key], fresh.tables[key])
    assert wider.tables["coverage_by_catchment"]["pop_within_threshold"].tolist() == [4_000]  # R1 is exempt


def test_closing_a_site_remeasures_by_road(tiny: Base, meridian_road: Path, northeast: Analysis) -> None:
    result = close_sites(northeast, ["S1"])
    fresh = _run(tiny, meridian_road, scope="northeast", drop=("S1",))
    pts = result.after.points.set_axis([n for n in POINT_NAMES if n[0] in "GRU"])
    assert pts.loc["G1", "nearest_site_id"] == "S2"
    assert pts.loc["G1", "drive_min"] == pytest.approx(_km(46.60, 45.00), abs=1e-6)
    for key in ("coverage_by_catchment", "access_by_csd"):
        pd.testing.assert_frame_equal(result.after.tables[key], fresh.tables[key])
    lost = result.communities_losing_access.set_index("community")
    assert lost.loc["Sudbury", "drive_after_min"] == pytest.approx(round(_km(46.50, 45.00), 1))
    # the page's sentences say the threshold in minutes, not in km
    from esr_geo import view
    from esr_geo.scenario_view import closure_summary

    assert "beyond 15 min (" in closure_summary(result, "en") and "à plus de 15 min" in closure_summary(result, "fr")
    card = view.catchment_card(northeast, "northeast", on="2024-06-01", lang="en")
    assert "Residents within 15 min" in [label for label, _ in card.rows]


def test_report_of_a_drive_time_analysis_says_which_measure(northeast: Analysis) -> None:
    from esr_geo.report import method_notes, summary_sentence

    assert "within 15 minutes by road" in summary_sentence(northeast)
    notes = " ".join(method_notes(northeast))
    assert "meridian.gpkg" in notes and "line layer with a speed column" in notes
    assert "20 km/h" in notes and "5 km" in notes
    assert "Area analysed: the area asked for (northeast)" in notes


def test_french_serving_sites_are_measured_by_road_and_follow_closures_and_thresholds(
    tiny: Base, meridian_road: Path
) -> None:
    from synthetic import tiny_sites_french

    road = RoadMeasure(network=load_network(meridian_road, cache=False), threshold_min=15.0)
    a = run_analysis(
        tiny,
        tiny_sites_french({"S1": False, "S2": True}),  # only Huntsville serves in French
        sites_source="tiny sites",
        options=AnalysisOptions(road=road, scope="northeast", on="2024-06-01"),
        communities=tiny_communities(tiny),
    )
    pts = a.points.set_axis([n for n in POINT_NAMES if n[0] in "GRU"])
    assert pts.loc["G1", "fr_nearest_site_id"] == "S2"
    assert pts.loc["G1", "fr_drive_min"] == pytest.approx(_km(46.60, 45.00), abs=1e-6)
    assert not pts["fr_within"].any()  # 160 minutes and more
    # the designated areas say the drive minutes too: Greater Sudbury's residents G1 (3,000) and
    # G2 (1,000) drive to S2; the District of Sudbury's (U1, U2) have no road access
    areas = a.tables["french_designated_areas"].set_index("area")
    gs = areas.loc["City of Greater Sudbury"]
    mean = (3_000 * _km(46.60, 45.00) + 1_000 * _km(46.40, 45.00)) / 4_000
    assert gs["mean_fr_drive_min"] == pytest.approx(mean, abs=0.01)
    assert gs["max_fr_drive_min"] == pytest.approx(_km(46.60, 45.00), abs=0.01)
    district = areas.loc["District of Sudbury"]
    assert np.isnan(district["mean_fr_drive_min"]) and district["pop_within_fr"] == 0
    assert list(areas.columns).index("mean_fr_drive_min") == list(areas.columns).index("max_fr_distance_km") + 1
    wider = rethreshold(a, threshold_min=250.0).points.set_axis(pts.index)
    assert wider.loc[["G1", "G2", "R1"], "fr_within"].all() and not wider.loc[["U1", "U2"], "fr_within"].any()
    after = close_sites(rethreshold(a, threshold_min=250.0), ["S2"]).after.points.set_axis(pts.index)
    assert not after["fr_within"].any()  # no French-serving site is left
    assert after.loc["G1", "nearest_site_id"] == "S1"
