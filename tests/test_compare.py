"""Scenarios applied and compared (esr_geo.compare), zones built from census subdivisions, and their words.

Hand-worked on tests/synthetic.py's tiny geography (0.1° of latitude is about 11.1 km on its
meridian; threshold 50 km). The scenario "North" closes S1 (Sudbury, 46.50) and adds a site at
47.50, in the unorganised north:

- H3 (46.20, 300 people) now nearest S2 at 133.4 km, G1 (46.60, 3,000) the new site at 100.0 km,
  G2 (46.40, 1,000) the new site at 122.3 km: 4,300 people newly beyond;
- U1 (47.60, 400) and U2 (47.40, 100) are 11.1 km from the new site: 500 newly within reach;
- R1 (the reserve, 47.10) moves from 66.7 km to 44.5 km: within, exempt and counted apart;
- zone City (Greater Sudbury and the reserve) loses its only in-person site: pass -> fail;
  zone North gains one and everyone there is within reach: fail -> pass; zone South still fails
  (2,000 of 2,800 within, 71.4 %, was 82.1 %).
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest
import synthetic as syn

from esr_geo import compare, compare_view, i18n, maps
from esr_geo.analysis import Analysis, AnalysisOptions, run_analysis
from esr_geo.errors import InputError
from esr_geo.model import Base
from esr_geo.workspace import AddedSite, Scenario
from esr_geo.zones import csd_at, zone_results, zones_from_table

NORTH = Scenario("North", closed=("S1",), added=(AddedSite(syn.LON, 47.5, "North Office"),))


@pytest.fixture(scope="module")
def tiny() -> Base:
    return syn.tiny_base()


@pytest.fixture(scope="module")
def baseline(tiny: Base) -> Analysis:
    return run_analysis(
        tiny, syn.tiny_sites(), sites_source="tiny sites", zones=syn.csd_zones(tiny), zones_source="tiny zones",
        communities=syn.tiny_communities(tiny), options=AnalysisOptions(on="2024-06-01"),
    )  # fmt: skip


@pytest.fixture(scope="module")
def north(baseline: Analysis) -> compare.Comparison:
    return compare.compare(baseline, compare.apply_scenario(baseline, NORTH))


def test_the_summary_is_what_the_hand_worked_case_says(north: compare.Comparison) -> None:
    assert north.summary == {
        "pop_beyond_a": 1000.0, "pop_beyond_b": 4800.0, "newly_beyond": 4300.0, "newly_within": 500.0,
        "reserve_newly_beyond": 0.0, "zones_pass_fail": 1.0, "zones_fail_pass": 1.0, "zones_failing_a": 2.0,
        "zones_failing_b": 2.0, "sites_added": 1.0, "sites_closed": 1.0,
    }  # fmt: skip


def test_zones_that_flip_come_first(north: compare.Comparison) -> None:
    z = north.by_zone.set_index("zone")
    assert list(north.by_zone["zone"]) == ["City", "North", "South"]
    assert z["change_code"].to_dict() == {"City": "pass_fail", "North": "fail_pass", "South": "still_fails"}
    assert z.loc["City", ["in_person_sites_a", "in_person_sites_b", "newly_beyond"]].tolist() == [1, 0, 4000]
    assert z.loc["North", ["pop_beyond_a", "pop_beyond_b", "newly_within"]].tolist() == [500, 0, 500]
    assert z.loc["South", "newly_beyond"] == 300
    assert z.loc["South", "pct_within_a"] == pytest.approx(100 * 2300 / 2800, abs=0.01)
    assert z.loc["South", "pct_within_b"] == pytest.approx(100 * 2000 / 2800, abs=0.01)


def test_catchments_sites_and_communities(north: compare.Comparison) -> None:
    c = north.by_catchment.set_index("catchment_id")
    assert c.loc["northeast", ["newly_beyond", "newly_within"]].tolist() == [4000, 500]
    assert c.loc["muskoka-kawarthas", ["newly_beyond", "newly_within"]].tolist() == [300, 0]
    assert north.sites[["site_id", "name", "change"]].values.tolist() == [
        ["new-1", "North Office", "added"],
        ["S1", "Sudbury Centre", "closed"],
    ]
    comm = north.communities.set_index("community")
    assert comm["change"].to_dict() == {"Sudbury": "newly_beyond", "Gogama": "newly_within",
                                        "Wahnapitae": "newly_within"}  # fmt: skip
    assert bool(comm.loc["Wahnapitae", "is_reserve_exempt"])
    assert set(compare.map_changes(north)["change"]) == {"added", "closed", "newly_beyond", "newly_within"}


def test_a_scenario_says_what_it_added_and_closed_as_numbers(baseline: Analysis) -> None:
    north = compare.apply_scenario(baseline, NORTH)
    assert (north.sites_source, north.sites_added, north.sites_closed) == ("tiny sites", 1, 1)
    assert i18n.sites_label(north, "en") == "tiny sites, with 1 added site, without 1 closed site"
    assert i18n.sites_label(north, "fr") == "tiny sites, avec 1 lieu ajouté, sans 1 lieu fermé"
    assert i18n.sites_label(baseline, "fr") == "tiny sites"


def test_a_threshold_scenario_rethresholds_only(baseline: Analysis) -> None:
    wide = compare.apply_scenario(baseline, Scenario("Wide", threshold=130.0, on=None))
    assert wide.threshold_km == 130.0 and wide.summary()["pop_beyond_threshold"] == 0  # U1 122.3 km is within
    both = compare.compare(baseline, wide)
    assert both.summary["newly_within"] == 1000 and both.summary["sites_added"] == 0
    dated = compare.apply_scenario(baseline, Scenario("Later", closed=("S2",), on=pd.Timestamp("2026-01-01").date()))
    assert dated.on.isoformat() == "2026-01-01"


def test_two_scenarios_side_by_side(baseline: Analysis) -> None:
    a = compare.apply_scenario(baseline, Scenario("Close S1", closed=("S1",)))
    b = compare.apply_scenario(baseline, NORTH)
    both = compare.compare(a, b)
    assert both.summary["sites_added"] == 1 and both.summary["sites_closed"] == 0  # S1 is closed in both
    # without S1 everyone's nearest is S2; the new site brings U1 and U2 (500) within reach, and the reserve apart
    assert both.summary["newly_within"] == 500 and both.summary["newly_beyond"] == 0
    assert set(both.by_zone.loc[both.by_zone["change_code"] == "fail_pass", "zone"]) == {"North"}


def test_a_scenario_must_fit_the_analysis(baseline: Analysis, tiny: Base) -> None:
    with pytest.raises(InputError, match="drive minutes, which needs a road network") as info:
        compare.apply_scenario(baseline, Scenario("By road", closed=("S1",), measure="min", threshold=45))
    assert info.value.parameter == "network"
    with pytest.raises(InputError, match=r"(?s)outside Ontario's census subdivisions.*'Far North'"):
        compare.apply_scenario(baseline, Scenario("Far", added=(AddedSite(syn.LON, 52.0, "Far North"),)))
    with pytest.raises(InputError, match="not in the site list"):
        compare.apply_scenario(baseline, Scenario("Typo", closed=("S7",)))
    other = dataclasses.replace(baseline, points=baseline.points.iloc[:-1])  # e.g. an area analysed alone
    with pytest.raises(InputError, match="do not cover the same people"):
        compare.compare(baseline, other)


def test_zones_built_from_a_list_of_subdivisions(tiny: Base, baseline: Analysis) -> None:
    table = pd.DataFrame({"CSDUID": ["3553005", "3553040", "3552093", "3544042"],
                          "zone": ["Sudbury", "Sudbury", "Big North", "Big North"]})  # fmt: skip
    zones = zones_from_table(table, base=tiny)
    assert dict(zip(zones["zone"], zones["members"], strict=True)) == {
        "Big North": "3544042 3552093", "Sudbury": "3553005 3553040",
    }  # fmt: skip
    res = zone_results(zones, points=baseline.points, sites=baseline.sites, csds=tiny.csds,
                       min_sites=baseline.min_sites, min_share=baseline.min_share).set_index("zone")  # fmt: skip
    # Sudbury: S1 inside, G1 and G2 within (the reserve R1 is exempt): passes
    assert bool(res.loc["Sudbury", "passes"]) and res.loc["Sudbury", "pct_within_threshold"] == 100.0
    # Big North: S2 inside (S3 is virtual); H1 2,000 and H3 300 within, H2 500, U1 400, U2 100 beyond: 69.7 %
    assert res.loc["Big North", "in_person_sites"] == 1
    assert res.loc["Big North", "pct_within_threshold"] == pytest.approx(100 * 2300 / 3300)
    assert not res.loc["Big North", "passes"] and bool(res.loc["Big North", "short_of_share"])
    assert not res.loc["Big North", "short_of_sites"]
    with pytest.raises(InputError) as info:
        zones_from_table(pd.DataFrame({"CSDUID": ["3553005", "3553005", "99"], "zone": ["A", "B", "C"]}), base=tiny)
    assert len(info.value.problems) == 2  # the repeated subdivision and the unknown code, at once


def test_the_subdivision_under_a_click(tiny: Base) -> None:
    assert csd_at(syn.LON, 46.6, csds=tiny.csds) == "3553005"
    assert csd_at(syn.LON, 47.1, csds=tiny.csds) == "3553040"
    assert csd_at(syn.LON, 50.0, csds=tiny.csds) is None


def test_the_comparison_in_french_has_no_english_left(north: compare.Comparison) -> None:
    text = compare_view.comparison_summary(north, ("base", "Nord"), "fr")
    assert text.startswith("De base à Nord : les 1\u202f000 personnes au-delà du seuil deviennent 4\u202f800; ")
    assert "1 zone devient non conforme et 1 devient conforme; 1 lieu est ajouté et 1 fermé" in text
    assert "0 personne dans les réserves se retrouve" in text  # French takes the singular for 0
    english = compare_view.comparison_summary(north, ("baseline", "North"), "en")
    assert "4,300 residents are newly beyond" in english and "1 zone changes from pass to fail" in english
    tables = compare_view.comparison_tables(north, ("base", "Nord"), "fr")
    zones = tables["by_zone"].set_index("Zone")
    assert zones.loc["City", "Changement"] == "conforme → non conforme"
    assert zones.loc["City", "% dans le seuil : base"] == "100,0\u00a0%"
    assert zones.loc["South", "Conforme : Nord"] == "non"
    assert tables["sites"]["Changement"].tolist() == ["ajouté", "fermé"]
    assert set(tables["communities"]["Type"]) == {"localité (GeoNames)", "bureau de bande d'une Première Nation"}
    words = " ".join(str(v) for f in tables.values() for v in [*f.columns, *f.to_numpy().ravel()])
    for english_word in ("added", "closed", "newly", "place", "yes", "None", "nan", "passes"):
        assert not re.search(rf"\b{english_word}\b", words), english_word


def test_the_changes_are_on_the_map(north: compare.Comparison) -> None:
    html = maps.map_html(maps.build_map(north.b, lang="fr", changes=compare.map_changes(north)))
    assert '"Ce qui change"' in html and "perd l\\u0026#x27;acc\\u00e8s" in html  # the layer, a popup (escaped)
    assert "Zoom avant" in html and "Couches" in html  # Leaflet's own controls in French


def test_scenarios_as_a_table(tiny: Base) -> None:
    table = compare_view.scenario_table([NORTH, Scenario("Late", closed=("S2",), on=pd.Timestamp("2025-03-01").date())],
                                        "fr")  # fmt: skip
    assert list(table.columns) == ["Scénario", "Lieux fermés", "Lieux ajoutés", "Mesure", "Date"]
    assert table.iloc[0].tolist() == ["North", "S1", "North Office", "à vol d'oiseau (50 km)", ""]
    assert table.iloc[1, 4] == "1er mars 2025"
    labels = compare_view.csd_choices(tiny, "en")
    assert labels["3553040"] == "Wahnapitei 11 (IRI), Greater Sudbury / Grand Sudbury"
    assert list(labels) == sorted(labels, key=lambda c: labels[c])  # by name, for the search list


def test_plurals_and_french_numbers() -> None:
    assert i18n.t("scen.close_summary", "en", sites="X", n="1", limit="50 km", before="1", after="2", zones="z",
                  communities="1", reserves="0").count("1 named community loses access") == 1  # fmt: skip
    fr = i18n.t("scen.close_summary", "fr", sites="X", n="2", limit="45 min", before="1", after="2", zones="z",
                communities="1", reserves="1\u202f234")  # fmt: skip
    assert "2 résidents de plus" in fr and "1 collectivité nommée perd" in fr and "1\u202f234 personnes" in fr
    assert "à plus de 45 min" in fr  # the threshold in the measure's unit (drive minutes here)
    assert i18n.fmt_limit(45, "min", "fr") == "45 min" and i18n.fmt_limit(37.5, "km", "fr") == "37,5 km"
    assert i18n.fmt_int(14_223_942, "fr") == "14\u202f223\u202f942" and i18n.fmt_num(1234.5, "fr") == "1\u202f234,5"
    assert i18n.fmt_km(37.5, "fr") == "37,5" and i18n.fmt_km(1250, "en") == "1,250"
    assert i18n.label_value("Nom anglais", "Northeast", "fr") == "Nom anglais : Northeast"
    assert i18n.value_label("sac_type", "CMA", "fr") == "RMR" and i18n.value_label("sac_type", None, "fr") == ""


def test_scenario_notes_are_worded_by_i18n_as_the_engine_words_them() -> None:
    """The notes travel as codes and numbers; i18n's English is the engine's own, and every code has French."""
    from esr_geo.scenario_codes import NOTE_TEMPLATES, ScenarioNote

    values = {
        "zone": "Kenora", "people_beyond": 1234.0, "best_pct": 85.25, "required_pct": 90.0, "sites_needed": 2,
        "sites_left": 1, "k": 3, "chosen": 1, "groups": 12_345, "candidates": 678, "pairs": 91_011,
        "guarantee_pct": 63.2, "method": "CBC",
    }  # fmt: skip
    ontario = {"scope": "Ontario", "catchment_id": None, "zone": None}  # as a suggestion's scope gives it
    for code in NOTE_TEMPLATES:
        these = {**values, **ontario} if "{scope}" in NOTE_TEMPLATES[code] else values
        note = ScenarioNote(code, these)
        assert i18n.scenario_note(code, these, "en") == note.text(), code
        french = i18n.scenario_note(code, these, "fr", catchments={"northwest": "Nord-Ouest"})
        assert french != note.text(), code
    scoped = {"scope": "catchment Northwest", "catchment_id": "northwest", "zone": None, "chosen": 1, "k": 3}
    assert i18n.scenario_note("fewer_sites", scoped, "fr", catchments={"northwest": "Nord-Ouest"}) == (
        "Seulement 1 des 3 lieux demandés ajoutent quelqu'un : aucun autre candidat (zone de desserte Nord-Ouest) "
        "n'est dans le seuil de personnes encore au-delà."
    )
    assert "1\u202f234 personnes restent" in i18n.scenario_note("unreachable", values, "fr")
