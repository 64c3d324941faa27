"""Drive time in the planner's page (issue 12): app.py driven headlessly with AppTest on the bundle's Ottawa RNF.

The figures the page shows are checked against :mod:`esr_geo.analysis` run here on the same
inputs (the demonstration sites, the default zones, the City of Ottawa's Road Network File).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from page_helpers import APP, run_page
from page_helpers import metrics as _metrics
from streamlit.testing.v1 import AppTest

from esr_geo import i18n, road_maps, settings, startup
from esr_geo.analysis import MEASURE_KM, MEASURE_MIN, Analysis, AnalysisOptions, analyse
from esr_geo.drive import RoadMeasure, road_measure
from esr_geo.model import Base

TIMEOUT = 300
RNF = "bundle:ottawa_rnf"
OTTAWA = "3506008"


def _run(at: AppTest) -> AppTest:
    return run_page(at, timeout=TIMEOUT)


def _deltas(at: AppTest) -> dict[str, str]:
    return {m.label: m.proto.delta for m in at.metric}


def _captions(at: AppTest) -> str:
    return "\n".join(c.value.replace("\\", "") for c in at.caption)  # the page escapes Markdown


def _sidebar_warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.sidebar.warning)


def _sidebar_captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.sidebar.get("caption"))


def _map_args(at: AppTest) -> str:
    (component,) = at.main.get("component_instance")  # the st_folium map
    return str(component.proto.json_args)


def _drive(at: AppTest, lang: str = "en") -> AppTest:
    at.sidebar.radio(key=f"measure.{lang}").set_value(MEASURE_MIN)
    return _run(at)


@pytest.fixture(scope="module")
def rnf(data_dir: Path) -> RoadMeasure:
    """Return the City of Ottawa's Road Network File as the drive-time measure at the default 45 minutes."""
    return road_measure(data_dir / settings.BUNDLE_NETWORKS["ottawa_rnf"])


@pytest.fixture(scope="module")
def by_road(base: Base, rnf: RoadMeasure) -> Analysis:
    """Return the library's analysis by road of the page's default inputs (demonstration sites, zones)."""
    return analyse(base, options=AnalysisOptions(road=rnf))


@pytest.fixture
def app(data_dir: Path) -> AppTest:
    return _run(AppTest.from_file(APP, default_timeout=TIMEOUT))


def test_measure_codes_are_the_analysis_codes() -> None:
    assert (MEASURE_KM, MEASURE_MIN) == ("km", "min")
    assert settings.PAGE_NETWORK in settings.BUNDLE_NETWORKS


def test_drive_time_on_the_ottawa_rnf_gives_the_library_figures(app: AppTest, by_road: Analysis) -> None:
    """Choosing drive time: the headline says by road, on which network, and shows the library's share."""
    assert not [b for b in app.sidebar.selectbox if b.key == "network.en"]  # no network choice in km
    _drive(app)
    assert app.sidebar.selectbox(key="network.en").value == RNF  # the default network
    fig = by_road.summary()
    metrics, deltas = _metrics(app), _deltas(app)
    assert metrics["People within 45 min"] == i18n.fmt_int(fig["pop_within_threshold"], "en")
    assert metrics["People beyond 45 min"] == i18n.fmt_int(fig["pop_beyond_threshold"], "en")
    assert deltas["People within 45 min"] == i18n.fmt_pct(fig["pct_within_threshold"], "en", whole=False)
    assert fig["pop_beyond_threshold"] > 0 and fig["population"] == pytest.approx(1_017_449)  # the City of Ottawa
    text = _captions(app)
    name = i18n.t("drive.net.ottawa_rnf", "en")
    assert i18n.t("drive.by_road", "en", network=name, schema=i18n.t("schema.rnf", "en")) in text
    assert "Area analysed: 1 census subdivision covered by the network (Ottawa)." in text
    left = by_road.scope.left_out if by_road.scope is not None else pd.DataFrame()
    assert len(left) == 17 and f"Left out, as the network reaches but does not cover them: {len(left)} census" in text
    assert all(str(n) in text for n in left["CSDNAME"])  # named, every one
    cats = by_road.tables["coverage_by_catchment"]
    cut = i18n.fmt_int(float(cats["pop_not_connected"].sum()), "en")
    none = i18n.fmt_int(float(cats["pop_no_road_access"].sum()), "en")
    assert f"more than 5 km from every road): {none} people; on roads not connected to any site: {cut} people" in text
    assert i18n.t("drive.straight", "en") not in text
    # the map: two drive-time layers, zoomed to the network
    args = _map_args(app)
    assert i18n.t("drive.layer_areas", "en") in args and i18n.t("drive.layer_roads", "en") in args
    assert road_maps.view_key(by_road) in args
    for label in road_maps.band_labels(settings.SERVICE_AREA_BANDS_MIN, "en"):
        assert label in args  # one legend entry per band
    # back to straight line: the km figures and the sentence that says so
    app.sidebar.radio(key="measure.en").set_value(MEASURE_KM)
    _run(app)
    assert "People within 50 km" in _metrics(app)
    assert i18n.t("drive.straight", "en") in _captions(app)
    assert i18n.t("drive.layer_areas", "en") not in _map_args(app)


def test_a_new_minutes_threshold_changes_the_figures_without_rerouting(
    app: AppTest, base: Base, data_dir: Path
) -> None:
    _drive(app)
    before = _metrics(app)["People beyond 45 min"]
    app.number_input(key="threshold_min").set_value(30.0)
    _run(app)
    full = analyse(base, options=AnalysisOptions(road=road_measure(data_dir / settings.BUNDLE_NETWORKS["ottawa_rnf"],
                                                                   threshold_min=30)))  # fmt: skip
    fig = full.summary()
    metrics = _metrics(app)
    assert metrics["People beyond 30 min"] == i18n.fmt_int(fig["pop_beyond_threshold"], "en") != before
    assert _deltas(app)["People within 30 min"] == i18n.fmt_pct(fig["pct_within_threshold"], "en")
    # out of range: brought back, with a note
    app.number_input(key="threshold_min").set_value(5000.0)
    _run(app)
    assert app.number_input(key="threshold_min").value == settings.THRESHOLD_MIN_MAX
    assert any("5,000 minutes became 1,200 minutes" in w.value for w in app.sidebar.warning)


def test_the_link_holds_the_measure_and_the_minutes(app: AppTest) -> None:
    _drive(app)
    app.number_input(key="threshold_min").set_value(30.0)
    _run(app)
    assert app.query_params["measure"] == MEASURE_MIN and app.query_params["threshold"] == "30"
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.query_params.update(lang="fr", date="2024-06-01", threshold="30", measure="min")
    _run(again)
    assert again.sidebar.radio(key="measure.fr").value == MEASURE_MIN
    assert again.number_input(key="threshold_min").value == 30.0
    assert "Personnes à plus de 30 min" in _metrics(again)
    assert "threshold" not in again.session_state or again.session_state["threshold"] == settings.THRESHOLD_KM
    bad = AppTest.from_file(APP, default_timeout=TIMEOUT)
    bad.query_params.update(threshold="1500", measure="min")
    _run(bad)
    assert any("threshold=1500" in w.value for w in bad.warning)  # minutes out of range: said, not applied
    assert "People beyond 45 min" in _metrics(bad)


def test_french_headline_by_road(app: AppTest, by_road: Analysis) -> None:
    app.sidebar.radio(key="lang").set_value("fr")
    _run(app)
    _drive(app, "fr")
    fig = by_road.summary()
    metrics = _metrics(app)
    assert metrics["Personnes à 45 min ou moins"] == i18n.fmt_int(fig["pop_within_threshold"], "fr")
    assert "\u202f" in metrics["Personnes à 45 min ou moins"]  # 1 015 927
    assert _deltas(app)["Personnes à 45 min ou moins"].endswith("\u00a0%")
    text = _captions(app)
    name = i18n.t("drive.net.ottawa_rnf", "fr")
    assert i18n.t("drive.by_road", "fr", network=name, schema=i18n.t("schema.rnf", "fr")) in text
    assert "Territoire analysé : 1 subdivision de recensement couverte par le réseau (Ottawa)." in text
    assert "Laissées de côté" in text and "Sans accès routier (à plus de 5 km de toute route) : 0 personne;" in text
    assert app.sidebar.selectbox(key="network.fr").label == i18n.t("drive.network", "fr")
    assert i18n.t("drive.layer_areas", "fr") in _map_args(app)


def test_a_bad_network_folder_is_explained_and_the_map_stays(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "networks"
    folder.mkdir()
    (folder / "broken.gpkg").write_bytes(b"this is not a GeoPackage")
    (folder / "roads.json").write_text('{"elements": []}', encoding="utf-8")  # an Overpass answer with no ways
    (folder / "notes.txt").write_text("not a road file", encoding="utf-8")
    monkeypatch.setenv(settings.NETWORKS_DIR_ENV, str(folder))
    at = _drive(_run(AppTest.from_file(APP, default_timeout=TIMEOUT)))
    box = at.sidebar.selectbox(key="network.en")
    assert box.options == [i18n.t(f"drive.net.{c}", "en") for c in settings.BUNDLE_NETWORKS] + [
        i18n.t("drive.folder_file", "en", name=n) for n in ("broken.gpkg", "roads.json")
    ]
    assert i18n.t("drive.dir_skipped", "en", files="notes.txt") in _sidebar_captions(at)
    for name in ("broken.gpkg", "roads.json"):
        at.sidebar.selectbox(key="network.en").set_value(f"folder:{name}")
        _run(at)
        errors = [e.value for e in at.sidebar.error]
        label = i18n.t("drive.folder_file", "en", name=name)
        assert any(i18n.t("drive.refused", "en", name=label) in e and name in e for e in errors), errors
        assert any(i18n.t("drive.kept", "en") in e for e in errors)
        assert i18n.t("drive.kept_page", "en", name=label) in [w.value for w in at.main.warning]
        assert "People within 50 km" in _metrics(at)  # the straight-line analysis stays on screen
        assert i18n.t("drive.straight", "en") in _captions(at)
        assert len(at.main.get("component_instance")) == 1
        assert "Traceback" not in "\n".join(errors)
    monkeypatch.setenv(settings.NETWORKS_DIR_ENV, str(folder / "notes.txt"))  # a file, not a folder
    at.sidebar.selectbox(key="network.en").set_value(RNF)
    _run(at)
    assert i18n.t("drive.dir_not_folder", "en", folder=str(folder / "notes.txt")) in _sidebar_warnings(at)
    assert "People within 45 min" in _metrics(at)  # the bundle's networks still work


def test_a_network_too_small_for_a_census_subdivision_says_what_to_do(app: AppTest) -> None:
    """The bundle's downtown extracts cover no whole census subdivision: refused in the page's terms."""
    _drive(app)
    app.sidebar.selectbox(key="network.en").set_value("bundle:kingston_osm")
    _run(app)
    (error,) = [e.value for e in app.sidebar.error]
    name = i18n.t("drive.net.kingston_osm", "en")
    assert i18n.t("drive.too_small", "en", name=name, share="50%", km="1") in error
    assert "Give the area to analyse" not in error  # the library's advice needs the command line
    assert "People within 50 km" in _metrics(app)


def test_network_files_offers_only_files_inside_the_folder(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "a.osm").write_text("<osm/>", encoding="utf-8")
    (tmp_path / "b.shp").write_bytes(b"")
    (tmp_path / "b.dbf").write_bytes(b"")  # a shapefile's side file: neither offered nor listed
    (tmp_path / ".hidden.gpkg").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.gpkg").write_bytes(b"")  # not directly inside: not offered
    found = startup.network_files(data_dir, tmp_path)
    bundle = [f"bundle:{c}" for c in settings.BUNDLE_NETWORKS]
    assert [f.key for f in found.files] == [*bundle, "folder:a.osm", "folder:b.shp"]
    assert found.problem == "" and found.skipped == ()
    assert found.get("folder:a.osm") is not None and found.get("folder:../x.gpkg") is None
    assert startup.network_files(data_dir, tmp_path / "missing").problem == "not_folder"
    assert startup.network_files(data_dir, tmp_path / "sub" / "c.gpkg").problem == "not_folder"
    assert startup.network_files(data_dir, tmp_path / "sub").problem == ""
    empty = tmp_path / "empty"
    empty.mkdir()
    assert startup.network_files(data_dir, empty).problem == "empty"
    assert len(startup.network_files(data_dir, None).files) == len(settings.BUNDLE_NETWORKS)


def test_closures_work_by_road(app: AppTest, by_road: Analysis) -> None:
    from esr_geo import scenario, scenario_view

    _drive(app)
    sites = by_road.sites
    ottawa = sorted(sites.loc[sites["in_person"].astype(bool) & (sites["CSDUID"] == OTTAWA), "site_id"].astype(str))
    assert len(ottawa) == 2  # two offices at one address: closing one costs no one here
    before = _metrics(app)
    app.multiselect(key="close_sites").set_value([ottawa[0]])
    _run(app)
    result = scenario.close_sites(by_road, [ottawa[0]])
    after = result.after.summary()
    metrics = _metrics(app)
    assert metrics["People beyond 45 min"] == i18n.fmt_int(after["pop_beyond_threshold"], "en")
    assert result.people_newly_beyond == 0 and metrics["People beyond 45 min"] == before["People beyond 45 min"]
    assert metrics["In-person sites"] == "1"
    assert i18n.t("metric.scope_closed", "en", scope="All of Ontario") in _captions(app)
    assert scenario_view.closure_summary(result, "en") in [i.value for i in app.info]
    # closing both leaves no site the network reaches: said in plain words, the figures stay
    app.multiselect(key="close_sites").set_value(ottawa)
    _run(app)
    (error,) = [e.value for e in app.main.error]
    assert "The road network misses every site" in error and "Traceback" not in error
    assert _metrics(app)["People beyond 45 min"] == before["People beyond 45 min"]


def test_the_road_layers_legend_and_downloads(by_road: Analysis, tmp_path: Path) -> None:
    """Map layers by band (a sequential palette, one legend entry per band) and the GIS downloads hold them."""
    import pyogrio
    from jinja2.utils import htmlsafe_json_dumps

    from esr_geo import export, maps
    from esr_geo.display import esc

    colours = road_maps.band_colours(4)
    assert len(set(colours)) == 5 and colours[0] == road_maps.VIRIDIS[0] and colours[-1] == road_maps.VIRIDIS[-1]
    drawn = road_maps.drawn_layers(by_road)
    assert drawn is not None and sorted(drawn.areas) == [0, 1, 2, 3]  # 15, 30, 45 and 60 minutes
    assert set(drawn.roads) <= {-1, 0, 1, 2, 3, 4} and {0, 1} <= set(drawn.roads)
    assert road_maps.drawn_layers(by_road) is drawn  # kept, not computed again
    closed = frozenset(by_road.sites.loc[by_road.sites["CSDUID"] == OTTAWA, "site_id"].astype(str)[:1])
    assert road_maps.drawn_layers(by_road, closed) is not drawn  # a closed site reaches nobody
    (south, west), (north, east) = road_maps.network_bounds(by_road) or [[0, 0], [0, 0]]
    assert 44.9 < south < 45.0 and 45.5 < north < 45.6 and -76.4 < west < -76.3 and -75.3 < east < -75.2
    names = [g.layer_name for g in maps.map_view(by_road, lang="en", on=by_road.on).groups]
    assert names.index(i18n.t("drive.layer_areas", "en")) == names.index(i18n.t("layer.catchments", "en")) + 1
    assert i18n.t("layer.zones", "en") not in names  # no zone in the area analysed: none drawn as failing
    html = maps.map_html(maps.build_map(by_road, lang="fr", on=by_road.on))
    def shown(text: str) -> bool:  # the legend is HTML-escaped, then travels as JSON in the page (Jinja's tojson)
        return str(htmlsafe_json_dumps(esc(text)))[1:-1] in html

    for colour, label in road_maps.legend_rows(settings.SERVICE_AREA_BANDS_MIN, "fr"):
        assert colour in html and shown(label)
    assert shown(i18n.t("drive.legend_community", "fr", min="45"))
    assert shown(i18n.t("drive.legend_title", "fr"))
    gpkg = export.geopackage_bytes(by_road, lang="en")
    path = tmp_path / "layers.gpkg"
    path.write_bytes(gpkg)
    names = {str(n) for n, _ in pyogrio.list_layers(path)}
    assert {"service_areas", "road_minutes"} <= names
