"""French Language Services: the designation mapping, French-serving sites, the area rule and its outputs.

Hand-worked cases on the tiny synthetic geography (see the French Language Services block at the
end of ``tests/synthetic.py``), then the real bundle end to end (the Service Canada layer's 64
French-serving sites, the areas that fail at 50 km).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pyproj
import pytest
from synthetic import LON, SITES_CSV, tiny_base, tiny_communities, tiny_sites, tiny_sites_french

from esr_geo import french, i18n, maps, report, settings
from esr_geo.access import measure_access
from esr_geo.analysis import Analysis, AnalysisOptions, gis_layers, rethreshold, run_analysis
from esr_geo.errors import DataError, InputError
from esr_geo.model import Base
from esr_geo.offices import read_sites, validate_sites
from esr_geo.site_checks import french_answer, read_french

ON = "2024-06-01"
GEOD = pyproj.Geod(ellps="WGS84")
GREATER_SUDBURY, DISTRICT_OF_SUDBURY = 6, 20
AREAS = french.AREAS_TABLE


def meridian_km(lat1: float, lat2: float) -> float:
    return GEOD.inv(LON, lat1, LON, lat2)[2] / 1000


def run_tiny(base: Base, sites: pd.DataFrame, *, km: float = 50.0) -> Analysis:
    return run_analysis(
        base,
        sites,
        sites_source="tiny sites",
        options=AnalysisOptions(threshold_km=km, threshold_km_by_class={}, on=ON),
        communities=tiny_communities(base),
    )


def area(analysis: Analysis, no: int) -> pd.Series:
    table = analysis.tables[AREAS]
    rows = table[table["area_no"] == no]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.fixture(scope="module")
def tiny() -> Base:
    return tiny_base()


@pytest.fixture(scope="module")
def bilingual_s1(tiny: Base) -> Analysis:
    """S1 (Sudbury Centre) serves in English and French; S2 (Huntsville Centre) in English only."""
    return run_tiny(tiny, tiny_sites_french({"S1": True, "S2": False, "S3": False}))


@pytest.fixture(scope="module")
def english_s1(tiny: Base) -> Analysis:
    """S1 serves in English only, although it is 11.1 km from G1 and G2; only S2 serves in French."""
    return run_tiny(tiny, tiny_sites_french({"S1": False, "S2": True, "S3": False}))


# --------------------------------------------------------------------------------------
# The designation mapping, against the bundle


@pytest.fixture(scope="module")
def mapping() -> pd.DataFrame:
    return french.load_mapping()


@pytest.fixture(scope="module")
def bundle_areas(data_dir: Path) -> pd.DataFrame:
    return french.load_designated_areas(data_dir)


def test_mapping_covers_all_27_areas_with_the_bundles_names(mapping: pd.DataFrame, bundle_areas: pd.DataFrame) -> None:
    assert len(bundle_areas) == 27
    assert sorted(mapping["area_no"].unique()) == sorted(bundle_areas["area_no"]) == list(range(1, 28))
    names = bundle_areas.set_index("area_no")["area"]
    assert (mapping["area"] == mapping["area_no"].map(names)).all()
    cds = bundle_areas.set_index("area_no")["cduid_2021"]
    assert (mapping["CDUID"] == mapping["area_no"].map(cds)).all()  # every row lies in its area's CD
    assert not mapping.duplicated(["area_no", "CSDUID"]).any()


def test_every_csduid_exists_in_the_bundle_with_its_name(mapping: pd.DataFrame, base: Base) -> None:
    csds = base.csds.set_index("CSDUID")
    assert mapping["CSDUID"].isin(csds.index).all()
    assert (mapping["csd_name"] == mapping["CSDUID"].map(csds["CSDNAME"])).all()
    assert (mapping["csd_type"] == mapping["CSDUID"].map(csds["CSDTYPE"])).all()
    french.check_mapping(mapping, csds=base.csds, areas=french.load_designated_areas(base.data_dir))  # no error


def test_whole_cd_areas_hold_every_csd_of_their_cd(
    mapping: pd.DataFrame, bundle_areas: pd.DataFrame, base: Base
) -> None:
    whole = bundle_areas[bundle_areas["scope"] == "all"]
    assert sorted(whole["area_no"]) == [1, 4, 6, 16, 17, 19, 20, 22]
    for rec in whole.itertuples():
        cd = set(base.csds.loc[base.csds["CDUID"] == rec.cduid_2021, "CSDUID"])
        rows = mapping[mapping["area_no"] == rec.area_no]
        assert set(rows["CSDUID"]) == cd, rec.area
        assert (rows["match"] == "whole").all()
    algoma = mapping[mapping["area_no"] == 16]
    assert len(algoma) == 33 and {"3557026", "3557071"} <= set(algoma["CSDUID"])  # reserves stay in the area
    # Prescott (11) and Russell (13), designated "all of former ... County", together cover CD 3502
    both = set(mapping.loc[mapping["area_no"].isin([11, 13]), "CSDUID"])
    assert both == set(base.csds.loc[base.csds["CDUID"] == "3502", "CSDUID"])


def test_approximations_are_coded_and_explained(mapping: pd.DataFrame) -> None:
    approx = mapping[(mapping["match"] == "approx") | (mapping["from_2029"] == "approx")]
    assert (approx["note"].str.len() > 80).all()
    by_csd = approx.set_index(["area_no", "CSDUID"])
    assert (2, "3525005") in by_csd.index  # Hamilton as of 2000-12-31 -> today's Hamilton
    assert (7, "3501030") in by_csd.index  # Township of Winchester -> North Dundas
    assert "Winchester" in by_csd.at[(7, "3501030"), "note"]
    assert (10, "3536020") in by_csd.index  # Kent townships -> Chatham-Kent
    assert mapping.loc[mapping["area_no"] == 26, "in_force_from"].tolist() == ["2018-07-01"]  # Markham
    assert mapping.loc[mapping["area_no"] == 27, "in_force_from"].tolist() == ["2024-11-01"]  # Sarnia


def test_designated_csds_on_a_date(mapping: pd.DataFrame) -> None:
    def on(day: str) -> pd.DataFrame:
        return french.designated_csds(mapping, on=day)

    assert on("2024-10-31")["area_no"].nunique() == 26 and 27 not in set(on("2024-10-31")["area_no"])
    assert on("2024-11-01")["area_no"].nunique() == 27  # the City of Sarnia, in force 2024-11-01
    assert 26 not in set(on("2018-06-30")["area_no"]) and 26 in set(on("2018-07-01")["area_no"])  # Markham
    days = ("2028-12-31", "2029-01-01")
    hamilton = {d: on(d).set_index(["area_no", "CSDUID"]).at[(2, "3525005"), "match"] for d in days}
    assert hamilton == {"2028-12-31": "approx", "2029-01-01": "whole"}  # O. Reg. 272/25
    dundas = {d: set(on(d).query("area_no == 7")["CSDUID"]) for d in days}
    assert dundas["2028-12-31"] == {"3501030"} and len(dundas["2029-01-01"]) == 8  # all of SDG from 2029
    widened = set(mapping.loc[mapping["from_2029"] != "", "area_no"])
    assert widened == {2, 7, 8, 10, 12, 21}  # the six partial areas of O. Reg. 272/25
    assert (on("2029-01-01").query("area_no in [2, 7, 8, 10, 12, 21]")["match"] == "whole").all()


def test_a_wrong_mapping_names_the_file_and_every_row(
    mapping: pd.DataFrame, base: Base, data_dir: Path, tmp_path: Path
) -> None:
    broken = mapping[~((mapping["area_no"] == 16) & (mapping["CSDUID"] == "3557061"))]  # Sault Ste. Marie gone
    broken = broken[broken["area_no"] != 25].reset_index(drop=True)  # Kingston gone
    broken.loc[0, "CSDUID"] = "3599999"
    broken.loc[1, "csd_name"] = "Hamiltown"
    areas = french.load_designated_areas(data_dir)
    with pytest.raises(DataError) as err:
        french.check_mapping(broken, csds=base.csds, areas=areas, source=tmp_path / "mapping.csv")
    text = str(err.value)
    assert "mapping.csv" in text
    assert "row 2: CSDUID 3599999 is not a 2021 census subdivision" in text
    assert "row 3: csd_name 'Hamiltown' is not the bundle's CSDNAME of 3525005 ('Hamilton')" in text
    assert "designated area 25 (City of Kingston) has no row" in text
    assert "area 16 (District of Algoma) is designated whole but lacks 1 CSD(s) of census division 3557: 3557061" in (
        text
    )


def test_bad_cells_are_refused_with_their_rows(tmp_path: Path) -> None:
    header, first = french.MAPPING_PATH.read_text(encoding="utf-8").splitlines()[:2]
    path = tmp_path / "designated_areas_csd.csv"
    no_note = "2,City of Hamilton,3525005,Hamilton,C,3525,x,approx,2024-13-01,,"
    lines = [header, first.replace(",whole,", ",maybe,"), no_note]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        french.load_mapping(path)
    msg = str(err.value)
    assert str(path) in msg and "3 problem(s)" in msg
    assert "row 2: match 'maybe' is not one of whole, approx" in msg
    assert "row 3: an approx row needs a note" in msg
    assert "row 3: in_force_from '2024-13-01' is not a date" in msg
    missing = tmp_path / "nowhere" / "designated_areas_csd.csv"
    with pytest.raises(DataError, match="not found"):
        french.load_mapping(missing)
    with pytest.raises(DataError, match="is missing; it is part of the Ontario data bundle"):
        french.load_designated_areas(tmp_path)


# --------------------------------------------------------------------------------------
# Which sites serve in French


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Services offered in English and French", True),
        ("Services offered in English", False),
        ("oui", True), ("Non", False), ("yes", True), ("no", False), ("TRUE", True), ("false", False),
        ("1", True), ("0", False), ("y", True), ("n", False), ("o", True),
        ("Bilingual", True), ("bilingue", True), ("French", True), ("Français", True), ("FR", True),
        ("English", False), ("anglais", False), ("English only", False), ("EN/FR", True),
        ("anglais et français", True), ("Services offerts en anglais et en français", True),
        ("English; Spanish", False), ("no French", False), ("pas de français", False),
        ("", None), ("   ", None),
    ],
)  # fmt: skip
def test_language_values_are_read(text: str, expected: bool | None) -> None:
    assert french_answer(text) is expected


def test_unreadable_language_values() -> None:
    for text in ("maybe", "Spanish", "?"):
        with pytest.raises(ValueError, match="not a French-service answer"):
            french_answer(text)
    flags, bad = read_french(pd.Series(["oui", "", "maybe", "English"]))
    assert flags.tolist() == [True, pd.NA, pd.NA, False] and bad.tolist() == [False, False, True, False]


def test_a_site_file_with_a_language_column(tmp_path: Path, tiny: Base) -> None:
    rows = SITES_CSV.strip().splitlines()
    header = rows[0] + ",Langues"
    body = [rows[1] + ",anglais et français", rows[2] + ",anglais", rows[3] + ","]
    path = tmp_path / "sites.csv"
    path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    load = read_sites(path, base=tiny)
    assert load.ok and load.sites["french"].tolist() == [True, False, pd.NA]
    assert load.sites["french"].dtype == "boolean"
    # an unreadable value is a row problem, reported with its row and column like the others
    path.write_text("\n".join([header, body[0], rows[2] + ",peut-être", body[2]]) + "\n", encoding="utf-8")
    checked = validate_sites(path, base=tiny)
    problem = checked.problems.set_index("row").loc[3]
    assert problem["field"] == "french" and problem["severity"] == "error"
    assert "'peut-être'" in problem["problem"] and "yes or no" in problem["fix"]
    assert checked.dropped["row"].tolist() == [3]
    skipped = read_sites(path, base=tiny, skip_invalid=True)
    assert skipped.sites["site_id"].tolist() == ["S1", "S3"]


def test_a_file_without_a_language_column_means_unknown(tmp_path: Path, tiny: Base) -> None:
    path = tmp_path / "sites.csv"
    path.write_text(SITES_CSV, encoding="utf-8")
    load = read_sites(path, base=tiny)
    assert load.sites["french"].isna().all()  # unknown, never "no"
    analysis = run_tiny(tiny, load.sites)
    table = analysis.tables[AREAS]
    assert set(table["fls_status"]) == {french.UNKNOWN}  # not "fails"
    assert not table["short_of_fr_sites"].any() and table["pct_within_fr"].isna().all()
    assert (table["fr_unknown_sites"].sum(), table["fr_sites"].sum()) == (1, 0)  # S1 is in area 6
    assert analysis.tables[french.COMMUNITIES_TABLE]["fr_within"].isna().all()
    worded = report.worded_table(analysis, AREAS, lang="fr")
    assert set(worded["fls_label"]) == {"inconnu"}
    assert set(worded["reason"]) == {"la liste des lieux n'indique pas lesquels servent en français"}


def test_the_template_says_how(tmp_path: Path) -> None:
    template = (settings.PROJECT_DATA_DIR / "offices" / "template.csv").read_text(encoding="utf-8")
    assert template.strip().split(",")[-1] == "french"
    readme = (settings.PROJECT_DATA_DIR / "offices" / "README.md").read_text(encoding="utf-8")
    assert "### Services in French" in readme and 'never "no"' in readme


# --------------------------------------------------------------------------------------
# The hand-made case: passes with a bilingual site, fails when only an English site is near


def test_an_area_passes_with_a_bilingual_site(bilingual_s1: Analysis) -> None:
    gs = area(bilingual_s1, GREATER_SUDBURY)
    assert gs["area"] == "City of Greater Sudbury" and gs["catchment_id"] == "northeast" and gs["csd_count"] == 2
    assert (gs["population"], gs["reserve_population"], gs["non_reserve_population"]) == (4_100, 100, 4_000)
    assert (gs["in_person_sites"], gs["fr_sites"], gs["fr_unknown_sites"]) == (1, 1, 0)
    assert (gs["pop_within_fr"], gs["pct_within_fr"], gs["pop_beyond_fr"]) == (4_000, 100.0, 0)
    assert gs["reserve_pop_within_fr"] == 0  # R1 is 66.7 km away: exempt, and not a failure
    assert gs["mean_fr_distance_km"] == pytest.approx(meridian_km(46.5, 46.6), abs=0.01)
    assert gs["fls_status"] == french.PASSES and not gs["short_of_fr_sites"] and not gs["short_of_fr_share"]
    district = area(bilingual_s1, DISTRICT_OF_SUDBURY)  # U1, U2: 122.3 and 100.1 km; S3 is not in person
    assert (district["population"], district["fr_sites"], district["pop_within_fr"]) == (500, 0, 0)
    assert district["fls_status"] == french.FAILS and district["short_of_fr_sites"] and district["short_of_fr_share"]
    assert district["max_fr_distance_km"] == pytest.approx(meridian_km(46.5, 47.6), abs=0.01)
    assert len(bilingual_s1.tables[AREAS]) == 2  # Huntsville is not designated


def test_the_area_fails_when_only_an_english_site_is_near(english_s1: Analysis) -> None:
    gs = area(english_s1, GREATER_SUDBURY)
    assert gs["in_person_sites"] == 1 and gs["fr_sites"] == 0  # S1 is inside, 11.1 km away, English only
    assert gs["pop_within_fr"] == 0 and gs["pct_within_fr"] == 0.0 and gs["pop_beyond_fr"] == 4_000
    assert gs["max_fr_distance_km"] == pytest.approx(meridian_km(45.0, 46.6), abs=0.01)  # G1 to S2, 177.8 km
    assert gs["fls_status"] == french.FAILS and gs["short_of_fr_sites"] and gs["short_of_fr_share"]
    pts = english_s1.points.set_index("DBUID")
    assert pts.at["35530001001", "nearest_site"] == "Sudbury Centre"  # all sites: S1
    assert pts.at["35530001001", "fr_nearest_site"] == "Huntsville Centre"  # French-serving sites: S2
    assert pts.at["35530001001", "fr_distance_km"] == pytest.approx(meridian_km(45.0, 46.6), rel=1e-9)
    comm = english_s1.tables[french.COMMUNITIES_TABLE].set_index("community")
    assert set(comm.index) == {"Sudbury", "Wahnapitae", "Gogama"}
    assert comm.at["Sudbury", "fr_nearest_site"] == "Huntsville Centre" and not comm.at["Sudbury", "fr_within"]
    assert comm.at["Sudbury", "fr_distance_km"] == pytest.approx(meridian_km(45.0, 46.5), abs=0.05)
    assert comm.at["Wahnapitae", "is_reserve_exempt"] and comm.at["Gogama", "area_no"] == DISTRICT_OF_SUDBURY
    en = report.worded_table(english_s1, AREAS).set_index("area_no")
    assert en.at[GREATER_SUDBURY, "reason"] == (
        "0 French-serving in-person sites inside the area; at least 1 required; only 0.0% of non-reserve "
        "residents are within reach of a French-serving site (4,000 people beyond); at least 90% required"
    )


def test_the_minimums_are_settable(english_s1: Analysis, monkeypatch: pytest.MonkeyPatch) -> None:
    parts, _ = french._parts_of(english_s1)
    lenient = french.area_table(english_s1.points, english_s1.sites, parts, rule=french.FrenchRule(0, 0.0))
    assert set(lenient["fls_status"]) == {french.PASSES}
    monkeypatch.setattr(settings, "FLS_MIN_SITES", 0)
    monkeypatch.setattr(settings, "FLS_MIN_SHARE", 0.0)
    assert set(french.french_tables(english_s1)[AREAS]["fls_status"]) == {french.PASSES}
    with pytest.raises(InputError, match="between 0 and 1"):
        french.area_table(english_s1.points, english_s1.sites, parts, rule=french.FrenchRule(min_share=90))


def test_rethreshold_recomputes_french_reach(tiny: Base, english_s1: Analysis) -> None:
    wide = rethreshold(english_s1, threshold_km=200)  # G1 177.8 and G2 155.6 km from S2: within
    gs = area(wide, GREATER_SUDBURY)
    assert gs["pct_within_fr"] == 100.0 and gs["fls_status"] == french.FAILS  # still no French site inside
    assert gs["short_of_fr_sites"] and not gs["short_of_fr_share"]
    full = run_tiny(tiny, tiny_sites_french({"S1": False, "S2": True}), km=200)
    for key in (AREAS, french.COMMUNITIES_TABLE):
        pd.testing.assert_frame_equal(wide.tables[key], full.tables[key])
    pd.testing.assert_frame_equal(wide.points.filter(like="fr_"), full.points.filter(like="fr_"))


def test_the_nearest_french_site_is_measured_by_the_analysis_measure(tiny: Base) -> None:
    """The entry point takes the measure: a drive-time measure's extra columns are carried through."""
    calls: list[list[str]] = []

    def by_car(places: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
        calls.append(sites["site_id"].tolist())
        out = measure_access(places, sites, threshold_km=50.0, threshold_km_by_class={})
        return out.assign(drive_min=out["distance_km"] * 0.9)

    sites = tiny_sites_french({"S1": True, "S2": False})
    points = tiny.points
    comm = tiny_communities(tiny)
    fr = french.measure_french(points, comm, sites, measure=by_car)
    assert calls == [["S1"], ["S1"]]  # only the French-serving in-person site, once for points, once for communities
    straight = functools.partial(measure_access, threshold_km=50.0, threshold_km_by_class={})
    plain = french.measure_french(points, comm, sites, measure=straight)
    assert "fr_drive_min" in fr.points.columns and "fr_drive_min" not in plain.points.columns
    pd.testing.assert_frame_equal(fr.points.drop(columns=["fr_drive_min"]), plain.points)
    assert fr.points.index.equals(points.index) and fr.communities.index.equals(comm.index)
    table = french.community_table(comm.join(fr.communities), french.designated_csds(french.designations(tiny), on=ON))
    assert "fr_drive_min" in table.columns
    none = french.measure_french(points, comm, tiny_sites(), measure=by_car)  # no French-serving site known
    assert not none.points["fr_within"].any() and none.points["fr_distance_km"].isna().all() and len(calls) == 2

    def broken(places: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"minutes": 1.0}, index=places.index)

    with pytest.raises(InputError, match="nearest_site_id, nearest_site, distance_km and within"):
        french.measure_french(points, comm, sites, measure=broken)


def test_an_area_across_catchments_is_reported_by_part_and_whole(tiny: Base, bilingual_s1: Analysis) -> None:
    designated = pd.DataFrame(
        {
            "area_no": [99, 99],
            "area": ["Made-up area", "Made-up area"],
            "CSDUID": ["3544042", "3553005"],  # Huntsville (muskoka-kawarthas) and Greater Sudbury (northeast)
            "match": ["whole", "approx"],
        }
    )
    parts = french.area_parts(designated, tiny.csds)
    assert parts["catchment_id"].tolist() == ["", "", "muskoka-kawarthas", "northeast"]
    table = french.area_table(bilingual_s1.points, bilingual_s1.sites, parts).set_index("catchment_id")
    assert table["population"].to_dict() == {"": 6_800, "muskoka-kawarthas": 2_800, "northeast": 4_000}
    # in Muskoka only H3 (300 people, 33.3 km from S1) is within 50 km of the French-serving S1
    assert table["pop_within_fr"].to_dict() == {"": 4_300, "muskoka-kawarthas": 300, "northeast": 4_000}
    assert table["fls_status"].to_dict() == {"": "fails", "muskoka-kawarthas": "fails", "northeast": "passes"}
    assert table["approximate"].to_dict() == {"": True, "muskoka-kawarthas": False, "northeast": True}
    polygons = french.area_polygons(parts, tiny.csds)
    assert len(polygons) == 3
    whole = polygons[polygons["catchment_id"] == ""].geometry.iloc[0]
    assert whole.area == pytest.approx(tiny.csds.set_index("CSDUID").loc[["3544042", "3553005"]].area.sum())


def test_french_output_for_the_table(bilingual_s1: Analysis) -> None:
    worded = report.worded_table(bilingual_s1, AREAS, lang="fr").set_index("area_no")
    assert worded.at[GREATER_SUDBURY, "fls_label"] == "conforme" and worded.at[GREATER_SUDBURY, "reason"] == ""
    assert worded.at[DISTRICT_OF_SUDBURY, "fls_label"] == "non conforme"
    assert worded.at[DISTRICT_OF_SUDBURY, "reason"] == (
        "0 lieu en personne servant en français dans la région; au moins 1 requis; seulement 0,0\u00a0% des "
        "résidents hors réserve sont à portée d'un lieu servant en français (500 personnes au-delà); au moins "
        "90\u00a0% requis"
    )
    headers = i18n.translate_columns(worded.reset_index(), "fr").columns
    assert {"Région désignée", "Lieux servant en français", "% à portée en français", "Résultat"} <= set(headers)
    for key in (AREAS, french.COMMUNITIES_TABLE):
        for col in report.worded_table(bilingual_s1, key, lang="fr").columns:
            assert i18n.has(f"col.{col}"), (key, col)
    notes = report.french_method_notes(bilingual_s1, lang="fr")
    assert notes[0].startswith("Services en français : les 2 régions désignées") and "1 sur 2" in notes[0]
    assert any("francophones" in n for n in notes)
    assert report.french_method_notes(bilingual_s1)[0].startswith("French Language Services: the 2 areas")


def test_the_map_layer_and_marker(bilingual_s1: Analysis) -> None:
    plain = maps.map_html(maps.build_map(bilingual_s1, on=ON))
    assert '"kind": "french_area"' not in plain  # off by default
    assert "esr-site esr-centre esr-french" in plain  # S1 is ringed
    shown = maps.map_html(maps.build_map(bilingual_s1, on=ON, lang="fr", layers=maps.DEFAULT_LAYERS | {"french_areas"}))
    assert shown.count('"kind": "french_area"') == 2
    assert "conforme" in shown and "Sert en fran" in shown


# --------------------------------------------------------------------------------------
# The real bundle end to end


def test_service_canada_layer_has_64_french_serving_sites(analysis: Analysis) -> None:
    sites = analysis.sites
    assert len(sites) == 168 and sites["french"].dtype == "boolean"
    assert int(sites["french"].sum()) == 64 and not sites["french"].isna().any()
    assert int(french.french_serving(sites).sum()) == 64


#: The designated areas that fail at 50 km (straight line) on 2024-06-01 with the Service Canada
#: layer: (area, non-reserve residents, of them beyond 50 km of a French-serving site, French-serving
#: sites inside). Peel, Dundas, Glengarry, Simcoe, Parry Sound (Callander) and York (Markham) have
#: everyone within 50 km but no French-serving site inside; Ignace and the Thunder Bay localities
#: are too far from one.
FAILING_2024 = {
    5: ("Regional Municipality of Peel", 1_374_441, 0, 0),
    7: ("County of Dundas", 11_304, 0, 0),
    9: ("County of Glengarry", 23_474, 0, 0),
    14: ("County of Simcoe", 46_013, 0, 0),
    18: ("District of Kenora", 1_206, 1_206, 0),
    21: ("District of Thunder Bay", 10_949, 2_758, 3),
    24: ("District of Parry Sound", 3_964, 0, 0),
    26: ("Regional Municipality of York", 338_503, 0, 0),
}


def test_real_areas_that_fail_at_50_km(analysis: Analysis) -> None:
    table = analysis.tables[AREAS]
    assert len(table) == 26 and 27 not in set(table["area_no"])  # Sarnia is designated from 2024-11-01
    assert table["catchment_id"].ne("").all()  # no area spans two catchments
    fails = table[table["fls_status"] == french.FAILS].set_index("area_no")
    got = {
        int(no): (r.area, int(r.non_reserve_population), int(r.pop_beyond_fr), int(r.fr_sites))
        for no, r in fails.iterrows()
    }
    assert got == FAILING_2024
    assert set(table["fls_status"]) == {french.PASSES, french.FAILS}
    algoma = table.set_index("area_no").loc[16]
    assert algoma["reserve_population"] == 3_160 and algoma["pop_within_fr"] + algoma["pop_beyond_fr"] == 110_617
    designated = french.designated_csds(french.load_mapping(), on=ON)
    people = analysis.points.groupby("CSDUID")["population"].sum()
    expected = designated.groupby("area_no")["CSDUID"].agg(lambda c: int(people.reindex(c).fillna(0).sum()))
    assert table.set_index("area_no")["population"].to_dict() == expected.to_dict()


def test_real_designations_follow_the_date(analysis: Analysis) -> None:
    later = french.french_tables(dataclasses.replace(analysis, on=dt.date(2025, 1, 1)))[AREAS].set_index("area_no")
    assert len(later) == 27 and later.at[27, "area"] == "City of Sarnia"
    assert later.at[27, "fr_sites"] == 1 and later.at[27, "fls_status"] == french.PASSES  # Sarnia Service Canada Centre
    in_2029 = french.french_tables(dataclasses.replace(analysis, on=dt.date(2029, 1, 1)))[AREAS].set_index("area_no")
    assert in_2029.at[7, "csd_count"] == 8 and not in_2029.at[2, "approximate"]
    assert in_2029.at[7, "population"] > later.at[7, "population"]


def test_real_report_exports_and_layers(analysis: Analysis, tmp_path: Path) -> None:
    written = {p.name for p in report.write_report(analysis, tmp_path / "r")}
    assert {"french_designated_areas.csv", "french_communities.csv"} <= written
    areas = pd.read_csv(tmp_path / "r" / "french_designated_areas.csv", encoding="utf-8-sig")
    assert len(areas) == 26 and set(areas["fls_label"]) == {"passes", "fails"}
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "French Language Services: designated areas" in html and "not about how many francophones" in html
    book = openpyxl.load_workbook(io.BytesIO((tmp_path / "r" / "report.xlsx").read_bytes()))
    assert {"french_designated_areas", "french_communities"} <= set(book.sheetnames)
    layers = gis_layers(analysis)
    layer = layers["french_designated_areas"]
    assert len(layer) == 26 and layer.geometry.notna().all() and layer.crs == settings.ANALYSIS_CRS
    assert "french" in layers["sites"].columns
    toronto = layer.set_index("area_no").geometry.loc[1]
    assert toronto.area == pytest.approx(analysis.base.csds.set_index("CSDUID").geometry.loc["3520005"].area)


def test_fields_dictionary_covers_the_new_fields(analysis: Analysis) -> None:
    from esr_geo.export import LAYERS, field_dictionary

    assert "french_designated_areas" in LAYERS
    layers = {k: v for k, v in gis_layers(analysis).items() if k in ("sites", "french_designated_areas")}
    fields = field_dictionary(layers)
    undocumented = fields[fields["meaning"].str.startswith("Column ")]
    assert undocumented.empty, undocumented
    assert fields["short_name"].str.len().max() <= 10
    french_field = fields[(fields["layer"] == "sites") & (fields["full_name"] == "french")].iloc[0]
    assert french_field["type"] == "Integer (0/1)"


def test_a_geography_without_the_bundle_list_is_used_unchecked(tiny: Base, caplog: pytest.LogCaptureFixture) -> None:
    french._DESIGNATION_CACHE.clear()
    with caplog.at_level("WARNING", logger="esr_geo.french"):
        mapping = french.designations(tiny)
    assert set(mapping["CSDUID"]) == {"3553005", "3553040", "3552093"}
    assert "used unchecked" in caplog.text


def test_a_broken_bundle_list_is_refused(base: Base, bundle_copy: Path) -> None:
    target = bundle_copy / french.AREAS_FILE
    frame = pd.read_csv(target, dtype=str)
    frame.loc[frame["area_no"] == "1", "area"] = "City of Tornto"
    frame.to_csv(target, index=False)
    broken = dataclasses.replace(base, data_dir=bundle_copy)
    french._DESIGNATION_CACHE.clear()
    with pytest.raises(DataError, match="row 2: area 'City of Toronto' is not the bundle's name of area 1"):
        french.designations(broken)


def test_reusing_the_all_sites_nearest_gives_the_french_figures_of_a_fresh_measure(base: Base) -> None:
    """Where the nearest site serves in French its columns are kept; the rest are measured: same result."""
    from esr_geo.offices import demo_sites

    sites = demo_sites(base).sites
    in_person = sites[sites["in_person"].astype(bool)].reset_index(drop=True)
    measure = functools.partial(measure_access, threshold_km=50.0, threshold_km_by_class={"remote": 80.0})
    points, places = base.points, base.points.iloc[::97]  # every 97th point stands in for communities
    measured = [pd.concat([p, measure(p, in_person)], axis=1) for p in (points, places)]
    serving = set(in_person.loc[french.french_serving(in_person), "site_id"].astype(str))
    kept = measured[0]["nearest_site_id"].astype(str).isin(serving)
    assert 0.2 < kept.mean() < 0.8  # both paths are taken
    reused = french.measure_french(*measured, in_person, measure=measure)
    fresh = french.measure_french(points, places, in_person, measure=measure)
    pd.testing.assert_frame_equal(reused.points, fresh.points, check_exact=True)
    pd.testing.assert_frame_equal(reused.communities, fresh.communities, check_exact=True)
