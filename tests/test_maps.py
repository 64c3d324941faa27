"""The planner's map (esr_geo.maps), the page's helpers beside it and their texts (esr_geo.i18n), on the real data.

The map is checked as the browser gets it: its rendered HTML and JavaScript (parsed by
:class:`Rendered`), not folium's internal element tree.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import folium
import pandas as pd
import pytest
import shapely

from esr_geo import assets, display, i18n, legend, maps, scenario_view, settings, startup, timeline, view
from esr_geo.analysis import Analysis
from esr_geo.errors import InputError
from esr_geo.model import Base
from esr_geo.rollout import IES, NOT_STARTED, TBA, TRANSITION
from esr_geo.style import FAIL_COLOUR, PASS_COLOUR, PHASE_COLOURS, STATUS_COLOURS

MB = 1_000_000
_NAME = r"[a-z_]+_[0-9a-f]{32}"  # a folium element's JavaScript variable
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'


@dataclass
class Rendered:
    """A rendered map page, read back: its GeoJSON layers, their styles, layer groups and legend."""

    html: str

    @cached_property
    def geojson(self) -> dict[str, dict[str, Any]]:
        """Each GeoJSON layer's FeatureCollection, by JavaScript name, in page order."""
        decoder = json.JSONDecoder()
        return {
            m.group(1): decoder.raw_decode(self.html, m.end())[0]
            for m in re.finditer(rf"({_NAME})_add\((?=\{{)", self.html)
        }

    @cached_property
    def parents(self) -> dict[str, str]:
        """Each element's parent (``child.addTo(parent)``), by JavaScript name."""
        pairs = re.findall(rf"\b({_NAME})\.addTo\(({_NAME})\)", self.html)
        circles = re.findall(rf"var ({_NAME}) = L\.circle\(.*?\)\.addTo\(({_NAME})\)", self.html, flags=re.S)
        return dict(pairs + circles)

    @cached_property
    def overlays(self) -> dict[str, str]:
        """The layer control's entries: layer name -> JavaScript name."""
        (block,) = re.findall(r"overlays :  \{(.*?)\},", self.html, flags=re.S)
        return {json.loads(name): var for name, var in re.findall(rf"({_JSON_STRING}) : ({_NAME})", block)}

    def style(self, layer: str, feature: dict[str, Any]) -> dict[str, Any]:
        """Return the style the page gives one feature of a GeoJSON layer (folium's switch on feature ids)."""
        (body,) = re.findall(rf"function {layer}_styler\(feature\) \{{(.*?)\n        \}}", self.html, flags=re.S)
        styles: dict[str | None, dict[str, Any]] = {}
        pending: list[str | None] = []
        for case, _default, style in re.findall(r'case "([^"]+)":|(default):|return (\{.*\});', body):
            if style:
                styles.update(dict.fromkeys(pending, json.loads(style)))
                pending = []
            else:
                pending.append(case or None)
        return styles.get(feature["id"], styles.get(None, {}))

    def inside(self, var: str) -> set[str]:
        """Return every element whose chain of parents reaches ``var``."""
        out = set()
        for child in self.parents:
            node = child
            while node in self.parents:
                node = self.parents[node]
                if node == var:
                    out.add(child)
                    break
        return out

    def layers_in(self, layer_name: str) -> list[dict[str, Any]]:
        """Return the GeoJSON FeatureCollections inside the layer control's entry ``layer_name``."""
        members = self.inside(self.overlays[layer_name])
        return [data for var, data in self.geojson.items() if var in members]

    def circles_in(self, var: str) -> list[dict[str, Any]]:
        """Return the options of the circles inside ``var``."""
        found = re.findall(rf"var ({_NAME}) = L\.circle\(\s*\[[^\]]*\],\s*(\{{.*?\}})\s*\)", self.html)
        members = self.inside(var)
        return [json.loads(options) for name, options in found if name in members]

    @property
    def features(self) -> list[dict[str, Any]]:
        """Every feature of every GeoJSON layer."""
        return [f for data in self.geojson.values() for f in data["features"]]

    @property
    def legends(self) -> list[str]:
        """The HTML of each legend on the page."""
        return [json.loads(text) for text in re.findall(rf"body\.innerHTML = ({_JSON_STRING});", self.html)]

    @property
    def legend_layers(self) -> dict[str, str]:
        """The legends drawn as layers (the app's map): group's JavaScript name -> the legend's HTML."""
        pattern = rf"body\.innerHTML = ({_JSON_STRING});.*?addLayer\(new LegendLayer\(\)\);\s*\}}\)\(({_NAME})\);"
        return {group: json.loads(text) for text, group in re.findall(pattern, self.html, flags=re.S)}

    @property
    def view_hooks(self) -> dict[str, tuple[str, list[list[float]]]]:
        """The view hooks (the app's map): group's JavaScript name -> (selection key, bounds to fit)."""
        pattern = (
            rf"var key = ({_JSON_STRING});.*?map\.fitBounds\((\[\[.*?\]\]), \{{padding"
            rf".*?addLayer\(new ViewHooks\(\)\);\s*\}}\)\(({_NAME})\);"
        )
        return {g: (json.loads(k), json.loads(b)) for k, b, g in re.findall(pattern, self.html, flags=re.S)}


def _render(m: folium.Map) -> Rendered:
    return Rendered(maps.map_html(m))


def _render_view(drawn: maps.MapView) -> Rendered:
    """Render the app's map as streamlit-folium shows it: the base with its layers and control."""
    for group in drawn.groups:
        group.add_to(drawn.base)
    drawn.control.add_to(drawn.base)
    return _render(drawn.base)


def _catchment_layer(page: Rendered) -> tuple[str, dict[str, Any]]:
    ((var, layer),) = [
        (var, g) for var, g in page.geojson.items() if g["features"][0]["properties"].get("kind") == "catchment"
    ]
    return var, layer


def _fills(m: folium.Map) -> dict[str, str]:
    page = _render(m)
    var, layer = _catchment_layer(page)
    return {f["properties"]["catchment_id"]: page.style(var, f)["fillColor"] for f in layer["features"]}


@pytest.fixture(scope="module")
def default_map(analysis: Analysis) -> folium.Map:
    return maps.build_map(analysis, lang="en", on="2024-06-01", colour_by="phase", layers=None)


@pytest.fixture(scope="module")
def default_html(default_map: folium.Map) -> str:
    return maps.map_html(default_map)


@pytest.fixture(scope="module")
def default_page(default_html: str) -> Rendered:
    return Rendered(default_html)


def test_map_has_the_15_catchments_with_class_and_click_properties(default_page: Rendered) -> None:
    var, layer = _catchment_layer(default_page)
    feats = layer["features"]
    assert len(feats) == 15
    assert {f["properties"]["catchment_id"] for f in feats} == {
        "durham", "york", "toronto", "peel", "halton", "hamilton-niagara", "kingston-pembroke",
        "kitchener-waterloo-barrie", "london", "muskoka-kawarthas", "northeast", "northwest", "ottawa",
        "stratford-bruce", "windsor-sarnia",
    }  # fmt: skip
    styles = [default_page.style(var, f) for f in feats]
    assert all(s["className"] == maps.CATCHMENT_CLASS for s in styles)
    assert {s["fillColor"] for s in styles} == set(PHASE_COLOURS.values())


def test_legend_names_phases_zones_sites_and_gaps(default_page: Rendered, default_html: str) -> None:
    legends = default_page.legends
    assert len(legends) == 1 and "legend.addTo(map);" in default_html  # a control of the map itself
    text = legends[0]
    for phase in PHASE_COLOURS:
        assert phase in text
    for words in ("Zone passes", "Zone fails", "Service Canada Centre", "Scheduled outreach site", "(exempt)"):
        assert words in text
    assert PASS_COLOUR in text and FAIL_COLOUR in text
    assert "esr-legend" in default_html and "Rollout phase" in default_html


def test_every_layer_is_a_toggleable_feature_group(default_page: Rendered) -> None:
    names = default_page.overlays  # the layer control's entries
    for key in ("catchments", "zones", "sites", "communities", "reserves", "labels"):
        name = i18n.t(f"layer.{key}", "en")
        assert name in names and names[name].startswith("feature_group_")
    assert "L.control.layers(" in default_page.html


def test_payload_is_small_and_needs_no_internet(analysis: Analysis) -> None:
    m = maps.build_map(
        analysis, lang="fr", on="2024-06-01", colour_by="status", layers=maps.LAYERS, selected="northeast"
    )
    html = maps.map_html(m)
    assert len(html) < 3 * MB
    assert assets.external_links(m) == []
    # Leaflet and the cluster plugin are inlined; the only remote URL left is the optional base map.
    remote = set(re.findall(r"https?://[^\"' )]+", html))
    assert all("openstreetmap.org" in url or "leafletjs.com" in url for url in remote), remote
    assert "data:text/javascript;base64," in html


def test_date_and_scheme_recolour_the_catchments(analysis: Analysis) -> None:
    before = _fills(maps.build_map(analysis, lang="en", on="2022-06-01", colour_by="status"))
    after = _fills(maps.build_map(analysis, lang="en", on="2024-06-01", colour_by="status"))
    c = STATUS_COLOURS
    assert before["peel"] == c[IES] and before["durham"] == c[NOT_STARTED] and before["york"] == c[TRANSITION]
    assert after["durham"] == c[IES] and after["toronto"] == c[TBA]
    by_phase = _fills(maps.build_map(analysis, lang="en", on="2022-06-01", colour_by="phase"))
    assert by_phase["durham"] == PHASE_COLOURS["Phase 2"]


def test_zones_are_outlined_pass_or_fail(analysis: Analysis, default_page: Rendered) -> None:
    ((var, zones),) = [
        (v, g) for v, g in default_page.geojson.items() if g["features"][0]["properties"]["kind"] == "zone"
    ]
    results = analysis.tables["coverage_by_zone"].set_index("zone")["passes"]
    assert len(zones["features"]) == len(results)
    for f in zones["features"]:
        style = default_page.style(var, f)
        assert style["fill"] is False
        passes = bool(results[f["properties"]["zone_name"]])
        assert style["color"] == (PASS_COLOUR if passes else FAIL_COLOUR)


def test_sites_gaps_and_reserves_layers(analysis: Analysis, default_map: folium.Map, default_page: Rendered) -> None:
    feats = default_page.features
    kinds = [f["properties"]["kind"] for f in feats]
    assert kinds.count("site") == int(analysis.sites["in_person"].sum())
    gaps = analysis.tables["underserved_communities"]
    assert kinds.count("community") == int((~gaps["is_reserve_exempt"]).sum())
    assert kinds.count("reserve") == int(gaps["is_reserve_exempt"].sum())
    site = next(f for f in feats if f["properties"]["kind"] == "site")
    assert site["properties"]["organisation"] == "Service Canada"
    assert site["properties"]["precision"] == i18n.t("precision.community", "en")
    html = maps.map_html(default_map)
    assert "markerClusterGroup" in html
    rings = _render(maps.build_map(analysis, lang="en", on="2024-06-01", layers={"catchments", "rings"}))
    circles = rings.circles_in(rings.overlays[i18n.t("layer.rings", "en")])
    assert len(circles) == int(analysis.sites["in_person"].sum())
    assert circles[0]["radius"] == pytest.approx(analysis.threshold_km * 1000)


def test_french_map_has_french_labels(analysis: Analysis) -> None:
    m = maps.build_map(analysis, lang="fr", on="2024-06-01", colour_by="status", selected="northwest")
    html = re.sub(r"\\u([0-9a-fA-F]{4})", lambda g: chr(int(g.group(1), 16)), maps.map_html(m))  # JSON escapes
    for words in ("Zones de desserte", "Légende", "Nord-Ouest", "services intégrés", "Lieux en personne"):
        assert words in html
    for words in ("Catchment areas", "In-person sites", "Rollout phase"):
        assert words not in html
    assert maps.SELECTED_CLASS in html


def test_bad_arguments_are_refused(analysis: Analysis) -> None:
    with pytest.raises(ValueError, match="colour_by"):
        maps.build_map(analysis, colour_by="rainbow")
    with pytest.raises(ValueError, match="layer"):
        maps.build_map(analysis, layers={"roads"})
    with pytest.raises(InputError):
        maps.build_map(analysis, lang="de")


def test_coverage_simplify_opens_no_gaps_or_overlaps(base: Base) -> None:
    cat = base.catchments.to_crs(settings.ANALYSIS_CRS)
    simple = display.simplify_coverage(cat.geometry, settings.MAP_SIMPLIFY_M)
    geoms = simple.to_numpy()
    assert bool(shapely.coverage_is_valid(geoms))
    assert all(shapely.is_valid(geoms))
    overlap = sum(
        shapely.intersection(geoms[i], geoms[j]).area for i in range(len(geoms)) for j in range(i + 1, len(geoms))
    )
    assert overlap / 1e6 < 1.0

    def holes(geom: Any) -> Any:
        parts = getattr(geom, "geoms", [geom])
        return shapely.union_all([shapely.Polygon(r) for p in parts for r in p.interiors] or [shapely.Polygon()])

    new_gaps = shapely.difference(holes(shapely.union_all(geoms)), holes(shapely.union_all(cat.geometry.to_numpy())))
    assert new_gaps.area / 1e6 < 1.0
    assert shapely.get_num_coordinates(geoms).sum() <= shapely.get_num_coordinates(cat.geometry.to_numpy()).sum()
    # Display geometries are WGS 84 and cached per base.
    disp = display.display_catchments(base)
    assert disp.crs.to_epsg() == 4326
    assert display.display_catchments(base) is disp


def test_headline_matches_summary_and_filters(analysis: Analysis) -> None:
    province = analysis.summary()
    pts = analysis.points  # the same figures counted directly from the people and the sites
    nonres = pts[~pts["is_reserve"]]
    assert province["population"] == 14_223_942 and province["reserve_population"] == 54_808
    assert province["pop_within_threshold"] == nonres.loc[nonres["within"], "population"].sum()
    assert province["in_person_sites"] == int(analysis.sites["in_person"].sum())
    every = analysis.summary(list(analysis.base.catchments["catchment_id"]))
    for key in ("population", "pop_within_threshold", "pop_beyond_threshold", "in_person_sites", "zones_failing"):
        assert every[key] == pytest.approx(province[key])
    nw = analysis.summary(view.selection_ids(analysis, catchment="northwest"))
    nw_pts = nonres[nonres["catchment_id"] == "northwest"]
    assert nw["pop_beyond_threshold"] == nw_pts.loc[~nw_pts["within"], "population"].sum()
    sites = analysis.sites
    assert nw["in_person_sites"] == int(
        (sites["in_person"].astype(bool) & (sites["catchment_id"] == "northwest")).sum()
    )
    phase3 = view.selection_ids(analysis, phase="Phase 3")
    assert sorted(phase3 or []) == ["northeast", "northwest", "toronto"]
    assert view.selection_ids(analysis) is None


def test_at_date_changes_statuses_only(analysis: Analysis) -> None:
    early = view.at_date(analysis, dt.date(2022, 6, 1))
    assert early.on == dt.date(2022, 6, 1) and analysis.on == dt.date(2024, 6, 1)
    status = early.tables["coverage_by_catchment"].set_index("catchment_id")["status"]
    assert status["durham"] == NOT_STARTED  # a code; the page and the report word it
    assert analysis.tables["coverage_by_catchment"].set_index("catchment_id").at["durham", "status"] == IES
    assert early.points is analysis.points
    assert view.at_date(analysis, "2024-06-01") is analysis


def test_catchment_card_in_both_languages(analysis: Analysis) -> None:
    card = view.catchment_card(analysis, "kingston-pembroke", on="2023-06-01", lang="en")
    rows = dict(card.rows)
    assert card.title == "Kingston–Pembroke"
    assert rows["English name"] == "Kingston–Pembroke" and rows["Phase"] == "Phase 1"
    assert rows["Service system manager (SSM)"] == "Serco Canada"
    assert rows["Planning and transition"] == "Sep 2022 – Sep 2023"
    assert rows["Integrated services start"] == "Oct 2023"
    assert rows["Status on 1 June 2023"] == "planning and transition"
    fr = view.catchment_card(analysis, "northeast", on="2024-06-01", lang="fr")
    rows_fr = dict(fr.rows)
    assert fr.title == "Nord-Est" and rows_fr["Nom français"] == "Nord-Est"
    assert rows_fr["Statut au 1er juin 2024"] == "à communiquer"
    assert len(fr.zones) == 8 and set(fr.zones["result"]) <= {"conforme", "non conforme"}
    with pytest.raises(KeyError):
        view.catchment_card(analysis, "atlantis", on=None, lang="en")


def test_clicked_catchment_reads_streamlit_folium_results(base: Base) -> None:
    feature = {"type": "Feature", "properties": {"kind": "catchment", "catchment_id": "london"}, "geometry": None}
    assert view.clicked_catchment({"last_active_drawing": feature}) == "london"
    site = {"type": "Feature", "properties": {"kind": "site", "name": "x"}, "geometry": None}
    assert view.clicked_catchment({"last_active_drawing": site, "last_object_clicked_tooltip": "London"}) is None
    assert view.clicked_catchment({"last_active_drawing": None, "last_object_clicked_tooltip": "Nord-Ouest"}, base) == (
        "northwest"
    )
    assert view.clicked_catchment(None) is None
    assert view.clicked_catchment({"last_active_drawing": None, "last_object_clicked_tooltip": None}, base) is None


def test_timeline_spec(base: Base) -> None:
    spec = timeline.timeline_spec(base.rollout, on=dt.date(2023, 6, 1), lang="fr", selected="ottawa")
    rows = spec["data"]["values"]
    assert len(rows) == 15
    assert [r["catchment"] for r in rows][:3] == ["Hamilton–Péninsule du Niagara", "Muskoka–Kawarthas", "Peel"]
    tba = [r for r in rows if r["note"]]
    assert {r["catchment"] for r in tba} == {"Nord-Est", "Nord-Ouest", "Toronto"}
    ottawa = next(r for r in rows if r["catchment"] == "Ottawa")
    assert ottawa["is_selected"] and ottawa["start"].startswith("2023-01-01") and ottawa["end"].startswith("2024-01-01")
    rule = spec["layer"][4]
    assert rule["data"]["values"][0]["label"] == "1er juin 2023"


def test_translation_table_is_complete(analysis: Analysis) -> None:
    assert i18n.missing_keys() == []
    with pytest.raises(KeyError):
        i18n.t("no.such.key", "en")
    # Every header of every table the page shows has a translation.
    for key in analysis.tables:
        for col in analysis.tables[key].columns:
            assert i18n.has(f"col.{col}"), (key, col)
    table = view.page_table(analysis, "coverage_by_zone", lang="fr")
    assert "Motif de non-conformité" in table.columns and "Conforme" in table.columns
    assert set(table["Conforme"]) <= {"oui", "non"}
    csd = view.page_table(analysis, "access_by_csd", lang="fr", catchment_ids=["northwest"])
    assert set(csd["Zone de desserte"]) == {"Nord-Ouest"}
    assert i18n.fmt_int(1234567, "fr") == "1\u202f234\u202f567" and i18n.fmt_pct(93.456, "fr") == "93,5\u00a0%"
    assert i18n.fmt_date(dt.date(2024, 1, 1), "fr") == "1er janvier 2024"


def test_upload_with_bad_rows_gives_the_problem_table(base: Base) -> None:
    from esr_geo.offices import SiteValidationError

    good = "name,organisation,city,latitude,longitude,in_person\nSudbury office,Acme,Sudbury,46.49,-80.99,yes\n"
    bad = good + "Nowhere,Acme,Nowhere,123.0,-80.0,yes\n"
    load = startup.load_site_upload(startup.Upload("sites.csv", good.encode()), base=base)
    assert len(load.sites) == 1 and load.source == "sites.csv"
    with pytest.raises(SiteValidationError) as info:
        startup.load_site_upload(startup.Upload("sites.csv", bad.encode()), base=base)
    problems = info.value.load.problems
    assert (problems["severity"] == "error").any() and 3 in set(problems["row"])
    shown = view.problem_table(problems, lang="fr")
    assert list(shown.columns) == ["Ligne", "Lieu", "Colonne", "Gravité", "Problème", "Comment corriger"]
    kept = startup.load_site_upload(startup.Upload("sites.csv", bad.encode()), base=base, skip_invalid=True)
    assert len(kept.sites) == 1 and len(kept.dropped) == 1
    with pytest.raises(InputError):
        startup.load_site_upload(startup.Upload("sites.txt", b"hello"), base=base)


def test_an_upload_checked_then_analysed_is_read_once(base: Base, monkeypatch: pytest.MonkeyPatch) -> None:
    from esr_geo import offices
    from esr_geo.analysis import analyse

    good = "name,organisation,city,latitude,longitude,in_person\nSudbury office,Acme,Sudbury,46.49,-80.99,yes\n"
    upload = startup.Upload("one_site.csv", good.encode())
    reads: list[str | None] = []
    real = offices.read_sites
    monkeypatch.setattr(startup, "_LOADS", {})  # nothing read before this test
    monkeypatch.setattr(offices, "read_sites", lambda path, **kw: reads.append(kw.get("name")) or real(path, **kw))
    first = startup.load_site_upload(upload, base=base)
    assert startup.check_site_upload(upload, base=base).state == "ok"
    got = startup.analyse_uploads(base, sites=upload)
    assert reads == ["one_site.csv"]  # checked, then analysed: read and checked once
    assert startup.load_site_upload(upload, base=base) is first
    assert len(startup.load_site_upload(upload, base=base, skip_invalid=True).sites) == 1  # another key: read again
    assert reads == ["one_site.csv", "one_site.csv"]
    other = startup.Upload("one_site.csv", good.replace("Sudbury office", "Sudbury centre").encode())
    assert startup.load_site_upload(other, base=base).sites["name"].tolist() == ["Sudbury centre"]
    monkeypatch.undo()
    with tempfile.TemporaryDirectory() as tmp:  # the same analysis as the file read by path
        path = Path(tmp) / "one_site.csv"
        path.write_bytes(upload.data)
        want = analyse(base, offices=path, offices_name="one_site.csv")
    for key, table in want.tables.items():
        pd.testing.assert_frame_equal(got.tables[key], table)
    assert got.notes == want.notes and got.sites_source == want.sites_source


def test_vendored_libraries_are_present() -> None:
    for rel in ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet.markercluster/leaflet.markercluster.js"):
        assert (assets.STATIC_DIR / rel).is_file()
    css = assets.asset_url("leaflet_css")
    assert css.startswith("data:text/css;base64,")
    assert Path(assets.STATIC_DIR / "README.md").is_file()


def test_start_state_is_cached_on_disk(tmp_path: Path, data_dir: Path) -> None:
    first = startup.start_state(data_dir, cache_dir=tmp_path)
    files = list(tmp_path.glob(f"{startup.START_CACHE_PREFIX}*.pickle"))
    assert len(files) == 1
    again = startup.start_state(data_dir, cache_dir=tmp_path)
    assert again is not first  # read back from the file
    assert again.analysis.summary() == first.analysis.summary()
    assert len(again.base.catchments) == 15 and len(again.communities) == len(first.communities)
    files[0].write_bytes(b"not a pickle")  # a damaged cache is recomputed, not an error
    assert startup.start_state(data_dir, cache_dir=tmp_path).analysis.summary() == first.analysis.summary()


def test_shared_start_loads_once_and_preload_fills_it(data_dir: Path) -> None:
    first = startup.shared_start(data_dir)
    assert startup.shared_start(data_dir) is first  # the page's first visit reuses the server's load
    preloaded = startup.preload(data_dir)
    assert preloaded is first
    assert len(preloaded.base.catchments) == 15 and preloaded.analysis.threshold_km == settings.THRESHOLD_KM


def test_shared_start_reports_a_missing_bundle(tmp_path: Path) -> None:
    from esr_geo.errors import DataError

    with pytest.raises(DataError, match=re.escape(str(tmp_path))):
        startup.shared_start(tmp_path)


def test_suggested_sites_are_a_layer_of_numbered_markers(analysis: Analysis) -> None:
    from esr_geo import scenario

    result = scenario.suggest_sites(analysis, k=3, exact=False)
    frame = result.to_frame()
    m = maps.build_map(analysis, lang="fr", on="2024-06-01", layers={"catchments"}, suggestions=frame)
    page = _render(m)
    (layer,) = page.layers_in(i18n.t("layer.suggestions", "fr"))
    markers = layer["features"]
    assert len(markers) == 3 and {f["properties"]["kind"] for f in markers} == {"suggestion"}
    first = markers[0]
    assert first["geometry"]["coordinates"] == [round(float(frame["lon"][0]), 5), round(float(frame["lat"][0]), 5)]
    assert [f["properties"]["rank"] for f in markers] == [1, 2, 3]
    text = first["properties"]["popup"]
    assert "Rang" in text and str(frame["name"][0]) in text
    assert i18n.fmt_int(float(frame["population_added"][0]), "fr") in text
    (legend,) = page.legends
    assert "Nouveau lieu suggéré" in legend and "esr-star" in page.html
    plain = _render(maps.build_map(analysis, lang="en", on="2024-06-01", layers={"catchments"}))
    assert i18n.t("layer.suggestions", "en") not in plain.overlays
    table = scenario_view.suggestion_table(result, "fr")
    assert list(table["Rang"]) == [1, 2, 3] and "Personnes ajoutées" in table.columns


def test_a_clicked_site_marker_is_matched_to_its_site(analysis: Analysis) -> None:
    sites = scenario_view.closable_sites(analysis)
    assert sites["3514"] == "Kenora Service Canada Centre (3514)"
    row = analysis.sites[analysis.sites["site_id"].astype(str) == "3514"].iloc[0]
    click = {"last_object_clicked": {"lat": round(float(row["lat"]), 5), "lng": round(float(row["lon"]), 5)}}
    assert view.clicked_site(click, analysis) == "3514"
    assert view.clicked_site({"last_object_clicked": {"lat": 45.0, "lng": -90.0}}, analysis) is None
    assert view.clicked_site({"last_object_clicked": None}, analysis) is None
    assert view.clicked_site(None, analysis) is None


def test_closure_tables_are_translated(analysis: Analysis) -> None:
    from esr_geo import scenario

    result = scenario.close_sites(analysis, ["3514"])
    cats, zones, comm = scenario_view.closure_tables(result, "fr")
    assert "Nord-Ouest" in set(cats["Zone de desserte"])
    assert zones.set_index("Zone").loc["Kenora", "Changement"] == "conforme → non conforme"
    assert "Nouveau lieu le plus proche" in comm.columns
    assert "Kenora" in scenario_view.closure_summary(result, "fr") and "La fermeture" in scenario_view.closure_summary(
        result, "fr"
    )
    styled = scenario_view.highlight_pass_to_fail(zones, "fr").to_html()
    assert "background-color" in styled


def test_map_view_keeps_the_base_and_swaps_the_layers(analysis: Analysis) -> None:
    def base_script(drawn: maps.MapView) -> str:
        html = maps.map_html(drawn.base)
        return re.sub(r"[0-9a-f]{32}", "ID", html)

    first = maps.map_view(analysis, lang="en", on="2022-06-01", colour_by="status")
    later = maps.map_view(analysis, lang="en", on="2024-06-01", colour_by="phase", phase="Phase 3", selected="ottawa")
    # streamlit-folium keys the map on the base: the same base means no reload in the browser
    assert base_script(first) == base_script(later)
    assert base_script(maps.map_view(analysis, lang="fr", on="2024-06-01")) != base_script(first)
    names = [g.layer_name for g in first.groups]
    assert names[1] == i18n.t("layer.catchments", "en") and names[-1] == i18n.t("legend.title", "en")
    first_page, later_page = _render_view(first), _render_view(later)
    # the legend is a layer of the last group, which has no entry in the layer control
    assert list(first_page.legend_layers) == [first.groups[-1].get_name()] and not first.groups[-1].control
    assert "Status on 1 June 2022" in first_page.legend_layers[first.groups[-1].get_name()]
    assert first.groups[-1].get_name() not in first_page.overlays.values()
    # the first group's hooks fit the view when the selection changes: all of Ontario, then Ottawa
    assert list(first_page.view_hooks) == [first.groups[0].get_name()] and not first.groups[0].control
    (key, hooks_bounds), (ottawa_key, ottawa_bounds) = (
        first_page.view_hooks[first.groups[0].get_name()],
        later_page.view_hooks[later.groups[0].get_name()],
    )
    assert key == "" and ottawa_key == "ottawa"
    (south, west), (north, east) = ottawa_bounds
    assert 44.0 < south < north < 46.0 and -77.0 < west < east < -74.0  # the Ottawa catchment, around 45 N, 75.5 W
    (s_all, w_all), (n_all, e_all) = hooks_bounds
    assert s_all < 42.0 and n_all > 56.5 and w_all < -95.0 and e_all > -74.5  # all of Ontario
    # the full map (report, downloads) is still one piece with its legend
    full = _render(maps.build_map(analysis, lang="en", on="2024-06-01"))
    assert len(full.legends) == 1 and not full.legend_layers and "legend.addTo(map);" in full.html


def test_closed_sites_are_drawn_apart_with_a_legend_entry(analysis: Analysis) -> None:
    site_id = str(analysis.sites.loc[analysis.sites["in_person"].astype(bool), "site_id"].iloc[0])
    page = _render(maps.build_map(analysis, lang="fr", on="2024-06-01", closed=[site_id]))
    (layer,) = page.layers_in(i18n.t("layer.closed", "fr"))
    (feature,) = layer["features"]
    assert feature["properties"]["site_id"] == site_id
    assert i18n.t("popup.closed", "fr") in feature["properties"]["popup"]
    open_sites = sum(len(g["features"]) for g in page.layers_in(i18n.t("layer.sites", "fr")))
    assert open_sites == int(analysis.sites["in_person"].astype(bool).sum()) - 1  # drawn once, not twice
    (legend,) = page.legends
    assert i18n.t("legend.closed", "fr") in legend
    plain = _render(maps.build_map(analysis, lang="fr", on="2024-06-01", closed=["no-such-site"]))
    (plain_legend,) = plain.legends
    assert i18n.t("legend.closed", "fr") not in plain_legend


def test_scope_options_round_trip_to_suggest_arguments(analysis: Analysis) -> None:
    options = scenario_view.scope_options(analysis)
    assert scenario_view.scope_parts(options[0]) == (None, None)
    assert scenario_view.scope_parts("catchment:northwest") == ("northwest", None)
    assert scenario_view.scope_parts("zone:Rainy River") == (None, "Rainy River")
    assert {"catchment:northwest", "zone:Rainy River"} <= set(options)


def test_map_options_are_one_object_or_keywords(analysis: Analysis) -> None:
    def ids_out(m: folium.Map) -> str:
        return re.sub(r"[0-9a-f]{32}", "ID", maps.map_html(m))

    options = maps.MapOptions(lang="fr", on="2024-06-01", colour_by="status", layers=["catchments", "zones"])
    assert options.layers == frozenset({"catchments", "zones"}) and options.closed == frozenset()
    by_options = ids_out(maps.build_map(analysis, options=options))
    by_keywords = ids_out(maps.build_map(analysis, lang="fr", on="2024-06-01", colour_by="status",
                                         layers=["catchments", "zones"]))  # fmt: skip
    assert by_options == by_keywords
    # keywords apply over the options
    selected = ids_out(maps.build_map(analysis, options=options, selected="ottawa"))
    assert selected != by_options and maps.SELECTED_CLASS in selected
    assert maps.MapOptions().shown == maps.DEFAULT_LAYERS and maps.MapOptions(closed=[3514]).closed == {"3514"}
    with pytest.raises(ValueError, match="colour_by"):
        maps.MapOptions(colour_by="rainbow")
    with pytest.raises(ValueError, match="roads"):
        maps.MapOptions(layers={"roads"})
    with pytest.raises(InputError):
        maps.MapOptions(lang="de")
    with pytest.raises(TypeError):
        maps.build_map(analysis, colour="phase")


def test_layers_are_drawn_in_order(analysis: Analysis) -> None:
    page = _render(maps.build_map(analysis, lang="en", on="2024-06-01", layers=maps.LAYERS, selected="ottawa"))
    keys = ["basemap", "catchments", "zones", "french_areas", "rings", "labels", "communities", "reserves", "sites"]
    assert list(page.overlays) == [i18n.t(f"layer.{k}", "en") for k in keys]
    outline = [g for g in page.geojson.values() if set(g["features"][0]["properties"]) == {"catchment_id"}]
    assert [f["properties"]["catchment_id"] for g in outline for f in g["features"]] == ["ottawa"]


def test_page_choices_and_captions(base: Base, analysis: Analysis) -> None:
    rollout = base.rollout
    choices = view.catchment_choices(rollout, "fr")
    assert list(choices.values()) == sorted(choices.values()) and len(choices) == 15
    assert choices["northwest"] == "Nord-Ouest (Phase 3)"
    assert view.scope_caption(rollout, catchment="northwest", phase="Phase 1", lang="fr") == "Nord-Ouest"
    assert view.scope_caption(rollout, catchment=None, phase="Phase 1", lang="en") == "Phase 1"
    assert view.scope_caption(rollout, catchment=None, phase=None, lang="en") == i18n.t("side.all_catchments", "en")
    assert view.status_sentence(rollout, on=dt.date(2022, 6, 1), lang="en").startswith("**Rollout on 1 June 2022**: ")
    french = view.status_sentence(rollout, on=dt.date(2022, 6, 1), lang="fr")
    assert french.startswith("**Déploiement au 1er juin 2022** : ")  # French puts a space before the colon
    card = view.catchment_card(analysis, "northwest", on="2024-06-01", lang="en")
    zones = view.card_zone_table(card, "en")
    assert len(zones) == len(card.zones) and {"Zone", "Passes"} <= set(zones.columns)
    problems = pd.DataFrame({"severity": ["error", "warning", "warning"]})
    assert view.problem_counts(problems) == {"error": 1, "warning": 2}
    assert view.problem_counts(pd.DataFrame()) == {"error": 0, "warning": 0}
    upload = startup.Upload("zones.csv", b"zone\n")
    assert startup.upload_keys(None, None) == ("demo", "default")
    assert startup.upload_keys(upload, upload) == (upload.digest, f"zones.csv:{upload.digest}")


def test_palette_has_one_home() -> None:
    from esr_geo import style

    assert style.site_shape("Passport Office") == "passport" and style.site_shape("Mobile unit") == "other"
    assert style.GAP_COLOUR == style.FAIL_COLOUR and style.FAIL_HIGHLIGHT.startswith(style.FAIL_COLOUR)
    assert set(style.STATUS_COLOURS) == {TBA, NOT_STARTED, TRANSITION, IES}
    css = maps.map_html(folium.Map(tiles=None).add_child(legend.PageStyle()))
    assert style.FAIL_COLOUR in css and style.SUGGESTION_COLOUR in css and style.MAP_BACKGROUND in css


def test_colouring_by_ssm_gives_each_ssm_one_colour(analysis: Analysis) -> None:
    from esr_geo import style

    m = maps.build_map(analysis, lang="fr", on="2024-06-01", colour_by="ssm")
    fills = _fills(m)
    assert fills["peel"] == fills["york"] == fills["ottawa"]  # the SSMs of several catchments, from the rollout table
    assert fills["hamilton-niagara"] == fills["halton"]
    assert fills["kingston-pembroke"] == fills["kitchener-waterloo-barrie"]
    assert fills["northeast"] == fills["northwest"] == fills["toronto"] == style.TBA_HATCH_FILL  # no SSM yet: hatched
    assert len(set(fills.values())) == 9  # eight SSMs and "to be announced"
    assert not set(fills.values()) & (set(PHASE_COLOURS.values()) | set(STATUS_COLOURS.values()))
    html = maps.map_html(m)
    assert json.dumps(style.TBA_HATCH_ID) in html and json.dumps(legend.HATCH_SVG) in html  # the hatching is drawn
    (text,) = _render(m).legends
    assert "Gestionnaire du système de services (GSS)" in text and "Ville de London" in text
    assert "À communiquer" in text and style.TBA_HATCH_CSS in text


def test_the_drive_time_preload_waits_for_a_quiet_page() -> None:
    """No page yet: not quiet; a page just drawn: not quiet for a minute; quiet_s 0: quiet at once."""
    pages = startup.PageActivity()
    assert pages.wait_until_quiet(quiet_s=0.0, timeout_s=0.0) is False  # no planner has seen the page
    pages.drawn()
    assert pages.wait_until_quiet(quiet_s=60.0, timeout_s=0.0) is False  # drawn just now: not quiet yet
    assert pages.wait_until_quiet(quiet_s=0.0, timeout_s=0.0) is True


def test_the_drive_time_preload_wakes_when_the_first_page_is_drawn() -> None:
    """A preload waiting for the first page returns once it is drawn (woken, not left to its 120 s)."""
    import threading

    pages = startup.PageActivity()
    result: list[bool] = []
    waiting = threading.Thread(target=lambda: result.append(pages.wait_until_quiet(quiet_s=0.0, timeout_s=120.0)))
    waiting.start()
    pages.drawn()
    waiting.join(timeout=120.0)
    assert result == [True]


def test_the_scale_bar_is_in_kilometres_only(default_html: str) -> None:
    assert default_html.count("L.control.scale(") == 1  # Leaflet's default bar (km and miles) is not added
    assert "L.control.scale({imperial: false})" in default_html
