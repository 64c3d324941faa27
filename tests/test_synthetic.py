"""Hand-worked answers on the tiny synthetic geography of :mod:`synthetic` (no bundle needed).

The layout (see the docstring of ``tests/synthetic.py``): every place is on the meridian
81° W; in-person sites S1 (Sudbury Centre, 46.50° N, northeast) and S2 (Huntsville Centre,
45.00° N, muskoka-kawarthas); S3 (47.60° N) is not in person. Eight population points:

    H1 45.10 2000  ->S2  11.1 km   H2 44.10  500 ->S2 100.0 km   H3 46.20 300 ->S1 33.3 km
    G1 46.60 3000  ->S1  11.1 km   G2 46.40 1000 ->S1  11.1 km
    R1 47.10  100  ->S1  66.7 km (reserve, Wahnapitei 11)
    U1 47.60  400  ->S1 122.3 km   U2 47.40  100 ->S1 100.1 km   (remote)

so at 50 km: within H1, H3, G1, G2 (6,300 people); beyond H2, U1, U2 (1,000 people); and
the reserve's 100 people are reported apart. Every threshold used is at least 16 km from
every distance it applies to, except the 5 km one (6 km short of the nearest, 11.1 km).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import shapely
from synthetic import (
    LON,
    PLACES,
    POINT_NAMES,
    SITES,
    SITES_CSV,
    ZONES_CSV,
    csd_zones,
    tiny_base,
    tiny_communities,
    tiny_sites,
)

from esr_geo import communities as communities_module
from esr_geo import i18n, model
from esr_geo.analysis import Analysis, AnalysisOptions, gis_layers, rethreshold, run_analysis
from esr_geo.errors import InputError
from esr_geo.model import Base
from esr_geo.offices import read_sites
from esr_geo.scenario import close_sites
from esr_geo.zones import default_zones, evaluate_zones, read_zones

ON = "2024-06-01"
GEOD = pyproj.Geod(ellps="WGS84")
SITE_LAT = {s[0]: s[3] for s in SITES}
GS = "Greater Sudbury / Grand Sudbury"  # the default zone of CD 3553
SUDBURY = "Sudbury"  # the default zone of CD 3552


def meridian_km(lat1: float, lat2: float) -> float:
    """Geodesic km between two latitudes of the meridian LON."""
    return GEOD.inv(LON, lat1, LON, lat2)[2] / 1000


def run(
    base: Base,
    *,
    zones: gpd.GeoDataFrame | None = None,
    km: float = 50.0,
    by_class: dict[str, float] | None = None,
    min_share: float | None = None,
    drop: tuple[str, ...] = (),
) -> Analysis:
    return run_analysis(
        base,
        tiny_sites(drop=drop),
        sites_source="tiny sites",
        zones=zones,
        options=AnalysisOptions(threshold_km=km, threshold_km_by_class=by_class or {}, min_share=min_share, on=ON),
        communities=tiny_communities(base),
    )


def named(frame: pd.DataFrame) -> pd.DataFrame:
    """Index the per-point frame by the points' short names (H1 ... U2)."""
    return frame.set_axis(list(POINT_NAMES))


@pytest.fixture(scope="module")
def tiny() -> Base:
    return tiny_base()


@pytest.fixture(scope="module")
def by_cd(tiny: Base) -> Analysis:
    """Run with the default zones (the CDs of the Northeast: Sudbury, Greater Sudbury), 50 km."""
    return run(tiny)


@pytest.fixture(scope="module")
def by_csd(tiny: Base) -> Analysis:
    """Run with the CSD zones of ZONES_CSV (South, City, North), 50 km."""
    return run(tiny, zones=csd_zones(tiny))


# --------------------------------------------------------------------------------------
# The fixture itself


def test_tiny_base_is_a_consistent_geography(tiny: Base) -> None:
    assert model._schema_problems(tiny.points) == []
    assert int(tiny.points["population"].sum()) == 7_400
    cat = tiny.catchments.set_index("catchment_id")
    # Muskoka: H1 + H2 + H3 = 2000 + 500 + 300; Northeast: G1 + G2 + R1 + U1 + U2
    assert cat["population"].to_dict() == {"muskoka-kawarthas": 2_800, "northeast": 4_600}
    assert cat["csd_count"].to_dict() == {"muskoka-kawarthas": 1, "northeast": 3}
    assert cat["reserve_count"].to_dict() == {"muskoka-kawarthas": 0, "northeast": 1}
    assert cat.at["northeast", "cduids"] == "3552 3553"
    # the census units tile the map: no overlap, and each point is inside its own CSD
    assert tiny.cds.union_all().area == pytest.approx(tiny.cds.area.sum())
    csd = tiny.csds.set_index("CSDUID").geometry
    pts = shapely.points(tiny.points["x"], tiny.points["y"])
    assert all(csd[c].contains(p) for c, p in zip(tiny.points["CSDUID"], pts, strict=True))
    assert tiny.csds.set_index("CSDUID")["remoteness_class"].to_dict() == {
        "3544042": "accessible",
        "3552093": "remote",
        "3553005": "accessible",
        "3553040": "less accessible",
    }
    assert tiny.points["is_reserve"].tolist() == [False, False, False, False, False, True, False, False]


def test_site_file_parses_to_the_fixture_sites(tiny: Base, tmp_path) -> None:
    path = tmp_path / "tiny_sites.csv"
    path.write_text(SITES_CSV, encoding="utf-8")
    load = read_sites(path, base=tiny)
    assert load.problems.empty and load.dropped.empty
    cols = ["site_id", "name", "in_person", "catchment_id", "CSDUID", "CSDNAME", "snapped_km", "lon", "lat"]
    pd.testing.assert_frame_equal(load.sites[cols], tiny_sites()[cols])
    # 'no' in the in_person column: S3 is not an in-person site
    assert load.sites["in_person"].tolist() == [True, True, False]


def test_zones_file_parses_to_the_fixture_zones(tiny: Base, tmp_path) -> None:
    path = tmp_path / "tiny_zones.csv"
    path.write_text(ZONES_CSV, encoding="utf-8")
    read = read_zones(path, base=tiny)
    built = csd_zones(tiny)
    cols = ["zone_id", "zone", "catchment_id", "basis", "members"]
    pd.testing.assert_frame_equal(pd.DataFrame(read[cols]), pd.DataFrame(built[cols]))
    assert read.geometry.geom_equals(built.geometry).all()
    assert read.set_index("zone")["members"].to_dict() == {
        "City": "3553005 3553040",
        "North": "3552093",
        "South": "3544042",
    }


def test_communities_are_what_load_communities_gives(tiny: Base, monkeypatch: pytest.MonkeyPatch) -> None:
    places = pd.DataFrame(
        {
            "community_id": [p[0] for p in PLACES],
            "community": [p[1] for p in PLACES],
            "population": [p[2] for p in PLACES],
            "lon": LON,
            "lat": [p[3] for p in PLACES],
        }
    )
    monkeypatch.setattr(communities_module, "geonames_places", lambda **_: places)
    inside, outside = communities_module.load_communities(tiny)
    pd.testing.assert_frame_equal(inside, tiny_communities(tiny))
    assert outside.empty
    # the band office takes the census population of the reserve it stands on
    band = inside.set_index("community").loc["Wahnapitae"]
    assert (band["CSDUID"], band["is_reserve"], band["population"]) == ("3553040", True, 100.0)


# --------------------------------------------------------------------------------------
# Who is within reach


def test_nearest_site_and_distance_of_every_point(by_cd: Analysis) -> None:
    pts = named(by_cd.points)
    nearest = {"H1": "S2", "H2": "S2", "H3": "S1", "G1": "S1", "G2": "S1", "R1": "S1", "U1": "S1", "U2": "S1"}
    assert pts["nearest_site_id"].astype(str).to_dict() == nearest  # never S3, which is not in person
    for name, lat in zip(POINT_NAMES, pts["lat"], strict=True):
        km = pts.at[name, "distance_km"]
        assert km == pytest.approx(meridian_km(SITE_LAT[nearest[name]], lat), abs=1e-6)
        # by hand: about 111.15 km per degree of latitude here
        assert km == pytest.approx(111.15 * abs(lat - SITE_LAT[nearest[name]]), rel=0.003)
    assert pts["within"].to_dict() == {
        "H1": True,  # 11.1 km
        "H2": False,  # 100.0 km
        "H3": True,  # 33.3 km, to S1 in the other catchment
        "G1": True,  # 11.1 km
        "G2": True,  # 11.1 km
        "R1": False,  # 66.7 km (reserve)
        "U1": False,  # 122.3 km (0 km from S3, which is not in person)
        "U2": False,  # 100.1 km
    }
    assert pts.loc[pts["other_catchment"]].index.tolist() == ["H3"]


def test_coverage_by_catchment_by_hand(by_cd: Analysis) -> None:
    cov = by_cd.tables["coverage_by_catchment"].set_index("catchment_id")
    mk, ne = cov.loc["muskoka-kawarthas"], cov.loc["northeast"]
    # Muskoka: 2000 (H1) + 300 (H3) within; 500 (H2) beyond; 2300 / 2800 = 82.14 %
    assert (mk["population"], mk["reserve_population_exempt"], mk["non_reserve_population"]) == (2_800, 0, 2_800)
    assert (mk["pop_within_threshold"], mk["pop_beyond_threshold"], mk["pct_within_threshold"]) == (2_300, 500, 82.14)
    assert mk["people_nearest_site_in_other_catchment"] == 300  # H3 goes to S1
    assert (mk["in_person_sites"], mk["sites_per_100k"]) == (1, 35.71)  # 100,000 / 2,800
    assert mk["max_distance_km"] == round(meridian_km(45.0, 44.1), 2)  # H2, 100.01
    # Northeast: 3000 (G1) + 1000 (G2) within; 400 (U1) + 100 (U2) beyond; R1's 100 apart;
    # 4000 / 4500 = 88.89 %; S3 is not in person, so one site
    assert (ne["population"], ne["reserve_population_exempt"], ne["non_reserve_population"]) == (4_600, 100, 4_500)
    assert (ne["pop_within_threshold"], ne["pop_beyond_threshold"], ne["pct_within_threshold"]) == (4_000, 500, 88.89)
    assert (ne["in_person_sites"], ne["sites_per_100k"]) == (1, 21.74)  # 100,000 / 4,600
    assert ne["people_nearest_site_in_other_catchment"] == 0
    assert ne["median_distance_km"] == round(meridian_km(46.5, 46.6), 2)  # G1 holds the middle person, 11.12
    assert ne["max_distance_km"] == round(meridian_km(46.5, 47.6), 2)  # U1, 122.29
    # the rollout on 1 June 2024: Muskoka-Kawarthas (prototype) in integrated services, Northeast TBA
    assert cov["status"].to_dict() == {"muskoka-kawarthas": "integrated_services", "northeast": "to_be_announced"}


def test_catchment_totals_reconcile(by_cd: Analysis, by_csd: Analysis) -> None:
    for analysis in (by_cd, by_csd):
        cov = analysis.tables["coverage_by_catchment"]
        assert (
            cov["pop_within_threshold"] + cov["pop_beyond_threshold"] + cov["reserve_population_exempt"]
            == cov["population"]
        ).all()
        assert int(cov["population"].sum()) == int(analysis.points["population"].sum()) == 7_400
    s = by_cd.summary()
    assert (s["population"], s["reserve_population"], s["pop_within_threshold"], s["pop_beyond_threshold"]) == (
        7_400,
        100,
        6_300,
        1_000,
    )
    assert s["pct_within_threshold"] == pytest.approx(100 * 6_300 / 7_300)
    assert (s["in_person_sites"], s["zones"], s["zones_failing"]) == (2, 2, 1)


def test_reserve_is_reported_apart_and_never_counted_beyond(by_cd: Analysis) -> None:
    assert not named(by_cd.points).at["R1", "within"]  # 66.7 km > 50 km ...
    # ... yet Greater Sudbury's zone passes at 100 %: only G1 and G2 (4000) count
    gs = by_cd.tables["coverage_by_zone"].set_index("zone").loc[GS]
    assert (gs["population"], gs["reserve_population"], gs["non_reserve_population"]) == (4_100, 100, 4_000)
    assert (gs["pop_within_threshold"], gs["pct_within_threshold"], gs["passes"]) == (4_000, 100.0, True)
    res = by_cd.tables["reserves_exempt"]
    assert res["CSDNAME"].tolist() == ["Wahnapitei 11"]
    assert (res.at[0, "population"], res.at[0, "pop_within_threshold"], res.at[0, "nearest_site"]) == (
        100,
        0,
        "Sudbury Centre",
    )
    # the band office is an underserved community too, but marked exempt and listed after Gogama
    gaps = by_cd.tables["underserved_communities"]
    assert gaps["community"].tolist() == ["Gogama", "Wahnapitae"]
    assert gaps["is_reserve_exempt"].tolist() == [False, True]
    assert gaps["distance_km"].tolist() == [round(meridian_km(46.5, 47.65), 1), round(meridian_km(46.5, 47.1), 1)]


def test_access_by_csd_by_hand(by_cd: Analysis) -> None:
    csd = by_cd.tables["access_by_csd"].set_index("CSDUID")
    assert csd["population"].to_dict() == {"3544042": 2_800, "3552093": 500, "3553005": 4_000, "3553040": 100}
    assert (csd["population"] == csd["census_population"]).all()
    assert csd["pop_within_threshold"].to_dict() == {"3544042": 2_300, "3552093": 0, "3553005": 4_000, "3553040": 0}
    # Huntsville: 2500 people nearest S2 against 300 nearest S1
    assert csd["nearest_site"].to_dict() == {
        "3544042": "Huntsville Centre",
        "3552093": "Sudbury Centre",
        "3553005": "Sudbury Centre",
        "3553040": "Sudbury Centre",
    }
    assert csd["zone"].to_dict() == {"3544042": "", "3552093": SUDBURY, "3553005": GS, "3553040": GS}


# --------------------------------------------------------------------------------------
# Zones: pass or fail, and why


def test_default_zones_pass_and_fail_by_hand(tiny: Base, by_cd: Analysis) -> None:
    assert default_zones(tiny)["zone"].tolist() == [SUDBURY, GS]  # CDs 3552, 3553; Muskoka has none
    assert named(by_cd.points)["zone"].isna().tolist() == [True, True, True, False, False, False, False, False]
    assert by_cd.sites.set_index("site_id")["zone"].fillna("").to_dict() == {"S1": GS, "S2": "", "S3": SUDBURY}
    z = by_cd.tables["coverage_by_zone"].set_index("zone")
    # Sudbury: S3 is inside but not in person (0 sites); U1 and U2 beyond (0 %): both reasons
    assert z.loc[SUDBURY, ["population", "in_person_sites", "pop_within_threshold"]].tolist() == [500, 0, 0]
    assert z.loc[SUDBURY, ["short_of_sites", "short_of_share", "passes"]].tolist() == [True, True, False]
    # Greater Sudbury: S1 inside; 4000 of 4000 non-reserve people within
    assert z.loc[GS, ["short_of_sites", "short_of_share", "passes"]].tolist() == [False, False, True]


def test_csd_zones_pass_and_fail_by_hand(by_csd: Analysis) -> None:
    z = by_csd.tables["coverage_by_zone"].set_index("zone")
    assert z["catchment_id"].to_dict() == {"City": "northeast", "North": "northeast", "South": "muskoka-kawarthas"}
    assert z["in_person_sites"].to_dict() == {"City": 1, "North": 0, "South": 1}
    # South: 2000 (H1) + 300 (H3, reached from S1 in City) of 2800 = 82.14 % < 90 %: share only
    assert z.loc["South", ["pop_within_threshold", "pct_within_threshold"]].tolist() == [2_300, 82.14]
    reasons = z[["short_of_sites", "short_of_share", "passes"]].T.to_dict("list")
    assert reasons == {
        "City": [False, False, True],
        "North": [True, True, False],
        "South": [False, True, False],
    }


def test_zone_criteria_change_the_answer(tiny: Base, by_csd: Analysis) -> None:
    # at 80 % South passes (82.14 %), because H3 counts though its site is in another zone
    # (2000 / 2800 = 71.43 % would fail)
    loose = run(tiny, zones=csd_zones(tiny), min_share=0.8).tables["coverage_by_zone"].set_index("zone")
    assert loose["passes"].to_dict() == {"City": True, "North": False, "South": True}
    # two sites required: City and South, with one each, now fail for sites only
    strict = evaluate_zones(by_csd.zones, by_csd.points, by_csd.sites, min_sites=2, min_share=0.9).set_index("zone")
    assert strict[["short_of_sites", "short_of_share"]].T.to_dict("list") == {
        "City": [True, False],
        "North": [True, True],
        "South": [True, True],
    }


def test_reasons_in_words_english_and_french(by_csd: Analysis) -> None:
    table = by_csd.tables["coverage_by_zone"]
    en = i18n.in_words(table, min_sites=1, min_share=0.9, lang="en").set_index("zone")
    fr = i18n.in_words(table, min_sites=1, min_share=0.9, lang="fr").set_index("zone")
    assert "short_of_sites" not in en.columns and "short_of_share" not in en.columns
    assert en["reason"].to_dict() == {
        "City": "",
        "North": (
            "0 in-person sites inside the zone; at least 1 required; only 0.0% of non-reserve residents are "
            "within reach (500 people beyond); at least 90% required"
        ),
        "South": "only 82.1% of non-reserve residents are within reach (500 people beyond); at least 90% required",
    }
    assert fr["reason"].to_dict() == {
        "City": "",
        "North": (
            "0 lieu en personne dans la zone; au moins 1 requis; seulement 0,0\u00a0% des résidents hors réserve "
            "sont à portée (500 personnes au-delà); au moins 90\u00a0% requis"
        ),
        "South": (
            "seulement 82,1\u00a0% des résidents hors réserve sont à portée (500 personnes au-delà); au moins "
            "90\u00a0% requis"
        ),
    }
    kinds = i18n.in_words(by_csd.tables["underserved_communities"], min_sites=1, min_share=0.9, lang="fr")
    assert kinds["kind"].tolist() == ["localité (GeoNames)", "bureau de bande d'une Première Nation"]


# --------------------------------------------------------------------------------------
# Thresholds


def test_per_class_threshold_for_remote_places(tiny: Base) -> None:
    # remote (U1 122.3 km, U2 100.1 km) get 150 km; everyone else keeps 50 km
    a = run(tiny, by_class={"remote": 150.0})
    pts = named(a.points)
    assert pts["threshold_km"].to_dict() == {n: 150.0 if n in ("U1", "U2") else 50.0 for n in POINT_NAMES}
    assert pts.loc[pts["within"]].index.tolist() == ["H1", "H3", "G1", "G2", "U1", "U2"]
    cov = a.tables["coverage_by_catchment"].set_index("catchment_id")["pop_beyond_threshold"]
    assert cov.to_dict() == {"muskoka-kawarthas": 500, "northeast": 0}  # H2 is accessible: still beyond
    # Sudbury now has everyone within, but still no in-person site: it fails for sites only
    z = a.tables["coverage_by_zone"].set_index("zone")
    assert z.loc[SUDBURY, ["pct_within_threshold", "short_of_sites", "short_of_share"]].tolist() == [100.0, True, False]
    # Gogama (remote, 127.8 km) is no longer underserved; the band office (less accessible) still is
    assert a.tables["underserved_communities"]["community"].tolist() == ["Wahnapitae"]


def test_per_class_threshold_for_accessible_places(tiny: Base) -> None:
    # accessible places get 120 km: H2 (100.0 km) is within, and South passes
    a = run(tiny, zones=csd_zones(tiny), by_class={"accessible": 120.0})
    z = a.tables["coverage_by_zone"].set_index("zone")
    assert z["passes"].to_dict() == {"City": True, "North": False, "South": True}
    cov = a.tables["coverage_by_catchment"].set_index("catchment_id")["pop_beyond_threshold"]
    assert cov.to_dict() == {"muskoka-kawarthas": 0, "northeast": 500}  # U1, U2 (remote) keep 50 km


def test_per_class_threshold_on_the_reserve_changes_no_count(tiny: Base, by_cd: Analysis) -> None:
    # R1 (less accessible, 66.7 km) is within 100 km, but reserves count in no within/beyond figure
    a = run(tiny, by_class={"less accessible": 100.0})
    assert named(a.points).at["R1", "within"]
    assert a.tables["reserves_exempt"].at[0, "pop_within_threshold"] == 100
    cols = ["pop_within_threshold", "pop_beyond_threshold", "reserve_population_exempt"]
    pd.testing.assert_frame_equal(a.tables["coverage_by_catchment"][cols], by_cd.tables["coverage_by_catchment"][cols])
    pd.testing.assert_frame_equal(a.tables["coverage_by_zone"], by_cd.tables["coverage_by_zone"])


@pytest.mark.parametrize(
    ("km", "by_class"),
    [(150.0, {}), (50.0, {"remote": 150.0}), (5.0, {})],
    ids=["150km", "remote150", "5km"],
)
def test_rethreshold_equals_a_fresh_run(tiny: Base, by_csd: Analysis, km: float, by_class: dict[str, float]) -> None:
    again = rethreshold(by_csd, threshold_km=km, threshold_km_by_class=by_class)
    fresh = run(tiny, zones=csd_zones(tiny), km=km, by_class=by_class)
    assert again.tables.keys() == fresh.tables.keys()
    for name, table in fresh.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], table, obj=name)
    cols = ["distance_km", "threshold_km", "within"]
    pd.testing.assert_frame_equal(again.points[cols], fresh.points[cols])
    pd.testing.assert_frame_equal(again.communities[cols], fresh.communities[cols])
    assert (again.threshold_km, again.threshold_km_by_class) == (km, by_class)
    assert by_csd.threshold_km == 50.0  # the original is not modified


def test_rethreshold_answers_by_hand(by_csd: Analysis) -> None:
    # 150 km: everyone is within (the farthest, U1, is 122.3 km away); North still lacks a site
    wide = rethreshold(by_csd, threshold_km=150.0, threshold_km_by_class={})
    assert named(wide.points)["within"].all()
    assert wide.tables["coverage_by_catchment"]["pop_beyond_threshold"].tolist() == [0, 0]
    z = wide.tables["coverage_by_zone"].set_index("zone")
    assert z[["short_of_sites", "short_of_share"]].T.to_dict("list") == {
        "City": [False, False],
        "North": [True, False],
        "South": [False, False],
    }
    # 5 km: no one is within (the nearest are 11.1 km away), so every zone is short of share
    narrow = rethreshold(by_csd, threshold_km=5.0, threshold_km_by_class={})
    assert not named(narrow.points)["within"].any()
    assert narrow.tables["coverage_by_zone"]["short_of_share"].all()
    assert narrow.tables["coverage_by_catchment"]["pop_beyond_threshold"].tolist() == [2_800, 4_500]


# --------------------------------------------------------------------------------------
# Closing sites


def test_closing_sudbury_centre_by_hand(by_cd: Analysis) -> None:
    result = close_sites(by_cd, ["S1"])
    # S1 served H3 300 + G1 3000 + G2 1000 + U1 400 + U2 100 = 4800 non-reserve people (R1 is
    # on a reserve); of them H3, G1 and G2 (4300) were within 50 km and now are 133-178 km
    # from S2; U1 and U2 were beyond already
    closed = result.closed.set_index("site_id")
    assert closed.loc["S1", ["people_served_before", "people_newly_beyond"]].tolist() == [4_800, 4_300]
    assert result.people_newly_beyond == 4_300
    by_cat = result.by_catchment.set_index("catchment_id")
    assert by_cat["newly_beyond"].to_dict() == {"muskoka-kawarthas": 300, "northeast": 4_000}
    assert by_cat["in_person_sites_after"].to_dict() == {"muskoka-kawarthas": 1, "northeast": 0}
    # R1 was beyond before (66.7 km) and is beyond after (233.4 km): no reserve change
    assert result.reserve_people_newly_beyond == 0
    assert by_cat.at["northeast", "reserve_beyond_after"] == 100
    assert result.zones_newly_failing == [GS]
    assert result.by_zone.set_index("zone")["change_code"].to_dict() == {SUDBURY: "still_fails", GS: "pass_fail"}
    # everyone whose nearest was S1 now goes to S2; H1 and H2 are not re-measured
    before, after = named(by_cd.points), named(result.after.points)
    assert (after["nearest_site_id"].astype(str) == "S2").all()
    moved = {"H3": 46.2, "G1": 46.6, "G2": 46.4, "R1": 47.1, "U1": 47.6, "U2": 47.4}
    for name, lat in moved.items():
        assert after.at[name, "distance_km"] == pytest.approx(meridian_km(45.0, lat), abs=1e-6)
    assert after.loc[["H1", "H2"], "distance_km"].tolist() == before.loc[["H1", "H2"], "distance_km"].tolist()
    lost = result.communities_losing_access
    assert lost["community"].tolist() == ["Sudbury"]  # 0 km before, 166.7 km after
    assert lost.at[0, "distance_after_km"] == round(meridian_km(45.0, 46.5), 1)


def test_closure_equals_a_fresh_run_without_the_site(tiny: Base, by_cd: Analysis) -> None:
    after = close_sites(by_cd, ["Sudbury Centre"]).after  # by exact name this time
    fresh = run(tiny, drop=("S1",))
    for name, table in fresh.tables.items():
        pd.testing.assert_frame_equal(after.tables[name], table, obj=name)


def test_closing_the_virtual_site_moves_no_one(by_cd: Analysis) -> None:
    result = close_sites(by_cd, ["chapleau virtual"])  # names match without case
    assert result.closed[["site_id", "in_person", "people_served_before"]].values.tolist() == [["S3", False, 0]]
    assert result.people_newly_beyond == 0
    assert result.by_zone["change_code"].tolist() == ["still_fails", "still_passes"]
    pd.testing.assert_frame_equal(result.after.tables["coverage_by_catchment"], by_cd.tables["coverage_by_catchment"])


def test_closing_every_in_person_site_is_refused(by_cd: Analysis) -> None:
    with pytest.raises(InputError, match="every in-person site"):
        close_sites(by_cd, ["S1", "S2"])


# --------------------------------------------------------------------------------------
# Map layers


def test_gis_layers_of_the_tiny_analysis(by_cd: Analysis) -> None:
    layers = gis_layers(by_cd)
    assert {k: len(v) for k, v in layers.items()} == {
        "catchments": 2,
        "sites": 3,
        "service_delivery_zones": 2,
        "csd_access": 4,
        "underserved_communities": 2,
        "french_designated_areas": 2,  # Greater Sudbury and the District of Sudbury (see synthetic.py)
    }
    for name, layer in layers.items():
        assert not (layer.geometry.isna() | layer.geometry.is_empty).any(), name
        assert layer.crs == "EPSG:3347", name
    zones = layers["service_delivery_zones"].set_index("zone")
    assert zones["passes"].to_dict() == {SUDBURY: False, GS: True}
    assert layers["catchments"].set_index("catchment_id")["pop_beyond_threshold"].to_dict() == {
        "muskoka-kawarthas": 500,
        "northeast": 500,
    }
