"""The planner's workspace: one GeoPackage of sites, zones and named scenarios (esr_geo.workspace)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
import synthetic as syn

from esr_geo import workspace as wsp
from esr_geo.errors import InputError
from esr_geo.model import Base
from esr_geo.offices import read_sites
from esr_geo.zones import read_zones

SCENARIOS = (
    wsp.Scenario("Close Sudbury", closed=("S1",), threshold=40.0, on=dt.date(2024, 6, 1)),
    wsp.Scenario("North office", added=(wsp.AddedSite(-81.0, 47.5, "North Office"),)),
    wsp.Scenario("Both, by road", closed=("S1", "S2"), added=(wsp.AddedSite(-81.0, 47.55, "Élan Nord"),),
               measure="min", threshold=45),
)  # fmt: skip


@pytest.fixture(scope="module")
def tiny() -> Base:
    return syn.tiny_base()


@pytest.fixture
def ws(tiny: Base) -> wsp.Workspace:
    return wsp.workspace_of(
        syn.tiny_sites(), syn.csd_zones(tiny), csds=tiny.csds, scenarios=SCENARIOS, labels=("tiny.csv", "zones.csv")
    )


@pytest.fixture
def saved(ws: wsp.Workspace, tmp_path: Path) -> Path:
    path = tmp_path / "plan.gpkg"
    wsp.save_workspace(ws, path)
    return path


def _sql(path: Path, sql: str) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute(sql)
        con.commit()
    finally:
        con.close()


def test_save_and_reopen_give_the_same_workspace(ws: wsp.Workspace, saved: Path) -> None:
    back = wsp.open_workspace(saved)
    assert back.name == "plan.gpkg" and back.saved and back.created == back.saved
    assert back.sites_label == "tiny.csv" and back.zones_label == "zones.csv"
    assert ws.sites is not None and back.sites is not None
    pd.testing.assert_frame_equal(back.sites, ws.sites, check_dtype=False)
    assert back.zones is not None and ws.zones is not None
    cols = ["zone", "basis", "members", "catchment_id"]
    pd.testing.assert_frame_equal(pd.DataFrame(back.zones[cols]), pd.DataFrame(ws.zones[cols]))
    assert back.zones.crs == "EPSG:3347"
    assert back.zones.geometry.area.sum() == pytest.approx(ws.zones.geometry.area.sum())
    assert back.scenarios == SCENARIOS  # names, closures, added sites (with the accent), measure, threshold, date
    assert back.scenario("close sudbury").closed == ("S1",)  # a name matches ignoring case


def test_a_workspace_of_the_demonstration_layer_and_default_zones(tmp_path: Path) -> None:
    path = tmp_path / "demo.gpkg"
    wsp.save_workspace(wsp.Workspace(scenarios=SCENARIOS[:1]), path)
    back = wsp.open_workspace(path)
    assert back.sites is None and back.zones is None and back.scenarios == SCENARIOS[:1]
    assert wsp.site_file(back) is None and wsp.zone_file(back) is None


def test_qgis_reads_every_table(saved: Path) -> None:
    """GDAL (what QGIS uses) lists the feature layers and the attribute tables."""
    if shutil.which("ogrinfo") is None:  # gdal-bin is a system dependency (make system-deps)
        pytest.fail("ogrinfo (gdal-bin) is not installed")
    out = subprocess.run(["ogrinfo", "-ro", "-so", str(saved)], capture_output=True, text=True, check=True).stdout
    for line in ("sites (Point)", "zones (Multi Polygon)", "scenario_added_sites (Point)", "scenarios (None)",
                 "scenario_closures (None)", "esr_geo_workspace (None)"):  # fmt: skip
        assert line in out, out
    con = sqlite3.connect(saved)
    kinds = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    con.close()
    assert kinds == {
        "sites": "features", "zones": "features", "scenario_added_sites": "features", "scenarios": "attributes",
        "scenario_closures": "attributes", "esr_geo_workspace": "attributes",
    }  # fmt: skip
    meta = pyogrio.read_dataframe(saved, layer="esr_geo_workspace").set_index("key")["value"]
    assert meta["application"] == "esr-geo-workspace" and meta["format_version"] == str(wsp.FORMAT_VERSION)
    added = pyogrio.read_dataframe(saved, layer="scenario_added_sites")
    assert added["name"].tolist() == ["North Office", "Élan Nord"] and added.crs == "EPSG:4326"


def test_sites_and_zones_come_back_as_files_the_readers_check(ws: wsp.Workspace, tiny: Base, tmp_path: Path) -> None:
    for found in (wsp.site_file(ws), wsp.zone_file(ws)):
        assert found is not None
        label, data = found
        (tmp_path / label).write_bytes(data)
    sites = read_sites(tmp_path / "workspace (workspace sites).csv", base=tiny)
    assert sites.problems.empty
    assert sites.sites["site_id"].tolist() == ["S1", "S2", "S3"]
    assert sites.sites["in_person"].tolist() == [True, True, False]
    assert sites.sites["lat"].tolist() == [46.5, 45.0, 47.6]  # coordinates written exactly
    zones = read_zones(tmp_path / "workspace (workspace zones).csv", base=tiny)
    assert dict(zip(zones["zone"], zones["members"], strict=True)) == {
        "City": "3553005 3553040", "North": "3552093", "South": "3544042",
    }  # fmt: skip


def test_drawn_zones_come_back_as_polygons(tiny: Base, tmp_path: Path) -> None:
    drawn = syn.csd_zones(tiny).assign(basis="polygon", members="")
    ws = wsp.Workspace(zones=wsp.keep_zones(drawn))
    wsp.save_workspace(ws, tmp_path / "drawn.gpkg")
    back = wsp.open_workspace(tmp_path / "drawn.gpkg")
    found = wsp.zone_file(back)
    assert found is not None and found[0].endswith(".gpkg")
    (tmp_path / "z.gpkg").write_bytes(found[1])
    zones = read_zones(tmp_path / "z.gpkg", base=tiny)
    assert sorted(zones["zone"]) == ["City", "North", "South"] and set(zones["basis"]) == {"polygon"}


def test_zones_of_census_divisions_are_kept_as_their_subdivisions(tiny: Base) -> None:
    cd_zones = syn.csd_zones(tiny).assign(basis="CDUID", members=["3553", "3552", "3544"])
    kept = wsp.keep_zones(cd_zones, csds=tiny.csds)
    assert kept["members"].tolist() == ["3553005 3553040", "3552093", "3544042"]
    assert set(kept["basis"]) == {"CSDUID"}
    mixed = syn.csd_zones(tiny).assign(basis=["CSDUID", "polygon", "CSDUID"])
    with pytest.raises(InputError, match="zones of one kind"):
        wsp.keep_zones(mixed)


def test_saving_refuses_to_overwrite_and_needs_gpkg(ws: wsp.Workspace, saved: Path) -> None:
    before = saved.read_bytes()
    with pytest.raises(InputError, match="already exist"):
        wsp.save_workspace(ws, saved)
    assert saved.read_bytes() == before
    wsp.save_workspace(ws, saved, force=True)
    with pytest.raises(InputError, match=r"must end in \.gpkg.*plan\.gpkg"):
        wsp.save_workspace(ws, saved.with_suffix(".zip"))


def test_a_failed_save_leaves_no_partial_file(ws: wsp.Workspace, saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = pyogrio.write_dataframe
    calls: list[str] = []

    def failing(frame: object, path: object, **kwargs: object) -> None:
        calls.append(str(kwargs.get("layer")))
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(frame, path, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", failing)
    before = saved.read_bytes()
    new = saved.with_name("new.gpkg")
    with pytest.raises(InputError, match=r"new\.gpkg.*the disk is full.*Nothing was written"):
        wsp.save_workspace(ws, new)
    assert not new.exists()
    calls.clear()
    with pytest.raises(InputError, match="disk is full"):
        wsp.save_workspace(ws, saved, force=True)
    assert saved.read_bytes() == before  # the old file is untouched
    assert sorted(p.name for p in saved.parent.iterdir()) == ["plan.gpkg"]  # no hidden staging left


def test_a_file_that_is_not_a_geopackage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.gpkg"
    path.write_text("id,name\n1,a\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"notes\.gpkg is not an esr-geo workspace: it is not a GeoPackage"):
        wsp.open_workspace(path)


def test_a_foreign_geopackage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "zones_from_qgis.gpkg"
    layer = gpd.GeoDataFrame({"zone": ["A"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=3347)
    pyogrio.write_dataframe(layer, path, driver="GPKG", layer="zones")
    with pytest.raises(InputError, match=r"zones_from_qgis\.gpkg is a GeoPackage but not an esr-geo workspace.*"
                       r"as a site file or a zones file"):  # fmt: skip
        wsp.open_workspace(path)


def test_another_application_is_refused(saved: Path) -> None:
    _sql(saved, "UPDATE esr_geo_workspace SET value = 'other-tool' WHERE key = 'application'")
    with pytest.raises(InputError, match=r"not an esr-geo workspace.*'other-tool'"):
        wsp.open_workspace(saved)


def test_an_old_format_is_refused_with_what_to_do(saved: Path) -> None:
    _sql(saved, "UPDATE esr_geo_workspace SET value = '0' WHERE key = 'format_version'")
    with pytest.raises(InputError) as info:
        wsp.open_workspace(saved)
    text = str(info.value)
    assert "plan.gpkg" in text and "workspace format 0" in text and f"reads format {wsp.FORMAT_VERSION} only" in text
    assert "save a new workspace" in text and info.value.parameter == "workspace"


def test_a_newer_format_asks_for_a_newer_esr_geo(saved: Path) -> None:
    _sql(saved, "UPDATE esr_geo_workspace SET value = '7' WHERE key = 'format_version'")
    _sql(saved, "UPDATE esr_geo_workspace SET value = '9.4.0' WHERE key = 'esr_geo_version'")
    with pytest.raises(InputError, match=r"saved by esr-geo 9\.4\.0 in workspace format 7, newer.*Update esr-geo to "
                       r"9\.4\.0 or later"):  # fmt: skip
        wsp.open_workspace(saved)


def test_a_damaged_file_is_refused(saved: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.gpkg"
    cut.write_bytes(saved.read_bytes()[:2048])  # the SQLite header survives, the tables do not
    with pytest.raises(InputError, match=r"cut\.gpkg is damaged"):
        wsp.open_workspace(cut)
    _sql(saved, "DROP TABLE scenario_closures")
    with pytest.raises(InputError, match=r"plan\.gpkg is damaged: it lacks the table\(s\) scenario_closures"):
        wsp.open_workspace(saved)


def test_every_bad_value_is_listed_at_once(saved: Path) -> None:
    _sql(saved, "UPDATE scenarios SET measure = 'miles' WHERE scenario = 'Close Sudbury'")
    _sql(saved, "UPDATE scenarios SET threshold = -5 WHERE scenario = 'North office'")
    _sql(saved, "UPDATE scenarios SET date = '1/6/2024' WHERE scenario = 'Both, by road'")
    _sql(saved, "INSERT INTO scenario_closures (scenario, site_id) VALUES ('Ghost', 'S9')")
    with pytest.raises(InputError) as info:
        wsp.open_workspace(saved)
    problems = "\n".join(info.value.problems)
    assert "'Close Sudbury': measure is 'miles'" in problems
    assert "'North office': threshold must be more than 0" in problems
    assert "date '1/6/2024' is not written YYYY-MM-DD" in problems
    assert "scenario 'Ghost' that the scenarios table lacks" in problems
    assert "plan.gpkg is damaged (4 problem(s))" in str(info.value)


def test_virtual_tables_are_refused(saved: Path) -> None:
    _sql(saved, "CREATE VIRTUAL TABLE notes USING fts5(text)")
    with pytest.raises(InputError, match=r"refused: it holds virtual tables \('notes'\)"):
        wsp.open_workspace(saved)


def test_the_planners_file_is_never_changed(saved: Path) -> None:
    before = saved.read_bytes()
    wsp.open_workspace(saved)
    assert saved.read_bytes() == before and not saved.with_name("plan.gpkg-wal").exists()


def test_bytes_round_trip_as_an_upload(ws: wsp.Workspace) -> None:
    back = wsp.read_workspace_bytes(wsp.workspace_bytes(ws), name="uploaded.gpkg")
    assert back.name == "uploaded.gpkg" and back.scenarios == SCENARIOS


def test_a_scenario_checks_its_values() -> None:
    with pytest.raises(InputError) as info:
        wsp.Scenario("", measure="km", threshold=0, added=(wsp.AddedSite(2.35, 48.85, "Paris"),))
    problems = "\n".join(info.value.problems)
    assert "has no name" in problems and "threshold must be more than 0" in problems
    assert "'Paris') is at longitude 2.35, latitude 48.85, outside Ontario" in problems
    with pytest.raises(InputError, match="must be unique"):
        wsp.Workspace(scenarios=(SCENARIOS[0], SCENARIOS[0]))
    with pytest.raises(InputError, match=r"no scenario 'Nope'; its scenarios: 'Close Sudbury'"):
        wsp.Workspace(scenarios=SCENARIOS[:1]).scenario("Nope")


def test_a_workspace_analysis_uses_its_sites_and_zones(base: Base, tmp_path: Path) -> None:
    """End to end on the real bundle: the workspace's own site list and zones are what the analysis uses."""
    from esr_geo.analysis import AnalysisOptions

    sites = pd.DataFrame(
        {c: [""] * 2 for c in wsp.SITE_FIELDS}
        | {"site_id": ["K1", "K2"], "name": ["Kenora office", "Dryden office"], "in_person": ["yes", "yes"],
           "lon": [-94.4894, -92.8373], "lat": [49.7670, 49.7833]}
    )  # fmt: skip
    ws = wsp.Workspace(sites=sites, name="kenora.gpkg")
    analysis = wsp.analyse_workspace(ws, base, options=AnalysisOptions(on="2024-06-01"))
    assert analysis.sites_source == "kenora (workspace sites).csv"
    assert analysis.sites["site_id"].tolist() == ["K1", "K2"]
    assert set(analysis.sites["catchment_id"]) == {"northwest"}
    assert int(analysis.summary()["in_person_sites"]) == 2


def test_every_public_name_is_still_in_esr_geo_workspace() -> None:
    """The module is split in three (values, file, files for the readers); callers import from esr_geo.workspace."""
    from esr_geo import workspace_file, workspace_model

    for name in wsp.__all__:
        assert hasattr(wsp, name), name
    assert wsp.Workspace is workspace_model.Workspace and wsp.open_workspace is workspace_file.open_workspace
    assert set(workspace_model.__all__) | set(workspace_file.__all__) <= set(wsp.__all__)


def test_only_the_layers_it_uses_are_read(saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = pyogrio.read_dataframe
    layers: list[str] = []

    def reading(path: object, **kwargs: object) -> object:
        layers.append(str(kwargs.get("layer")))
        return real(path, **kwargs)

    monkeypatch.setattr(pyogrio, "read_dataframe", reading)
    wsp.open_workspace(saved)
    assert sorted(layers) == ["scenario_added_sites", "sites", "zones"]  # the attribute tables are read with SQLite
    layers.clear()
    demo = tmp_path / "demo.gpkg"
    wsp.save_workspace(wsp.Workspace(scenarios=SCENARIOS), demo)
    assert wsp.open_workspace(demo).scenarios == SCENARIOS
    assert layers == ["scenario_added_sites"]  # the demonstration layer and the default zones: no sites or zones read


def test_a_table_over_the_row_limit_is_refused_before_it_is_read(saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from esr_geo import settings

    for i in range(9):  # 3 closures + 9: 12 rows (the metadata table has 9)
        _sql(saved, f"INSERT INTO scenario_closures (scenario, site_id) VALUES ('Close Sudbury', 'X{i}')")
    monkeypatch.setattr(settings, "UPLOAD_MAX_ROWS", 10)
    with pytest.raises(InputError, match=r"plan\.gpkg has 12 rows in its table scenario_closures; the limit is 10"):
        wsp.open_workspace(saved)


def test_a_column_name_cannot_inject_sql(saved: Path) -> None:
    """Column names come from the file: they are quoted, never spliced into the SQL as they are."""
    _sql(saved, 'ALTER TABLE scenarios ADD COLUMN "x"" FROM scenarios; DROP TABLE sites; --" TEXT')
    back = wsp.open_workspace(saved)
    assert back.scenarios == SCENARIOS and back.sites is not None and len(back.sites) == 3


def test_the_page_analyses_a_workspaces_own_sites_until_it_is_closed(data_dir: Path) -> None:
    """On the page (AppTest, real bundle): an opened workspace's own sites are analysed, until it is closed."""
    from streamlit.testing.v1 import AppTest

    from esr_geo import i18n

    sites = pd.DataFrame(
        {c: [""] * 2 for c in wsp.SITE_FIELDS}
        | {"site_id": ["K1", "K2"], "name": ["Kenora office", "Dryden office"], "in_person": ["yes", "yes"],
           "lon": [-94.4894, -92.8373], "lat": [49.7670, 49.7833]}
    )  # fmt: skip
    data = wsp.workspace_bytes(wsp.Workspace(sites=sites, scenarios=SCENARIOS[1:2]))
    label = i18n.t("metric.sites", "en")
    app = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=180)
    app.run()
    before = {m.label: m.value for m in app.metric}[label]
    app.sidebar.file_uploader(key="ws_file").set_value(("kenora.gpkg", data, "application/geopackage+sqlite3"))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(s.value.startswith("Workspace kenora.gpkg is open: 1 scenario.") for s in app.sidebar.success)
    assert {m.label: m.value for m in app.metric}[label] == "2" != before
    app.sidebar.button(key="ws_close").click()
    app.run()
    assert {m.label: m.value for m in app.metric}[label] == before  # the demonstration layer again
