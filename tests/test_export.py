"""GIS exports re-opened the way an analyst's software opens them: pyogrio and GDAL's ogrinfo."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import re
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from esr_geo import communities, data, export, settings
from esr_geo.analysis import Analysis, AnalysisOptions, gis_layers, run_analysis
from esr_geo.errors import InputError
from esr_geo.model import Base
from esr_geo.report import FAIL_COLOUR, PASS_COLOUR, PHASE_COLOURS

COUNTS = {
    "catchments": 15,
    "sites": 168,
    "service_delivery_zones": 11,
    "csd_access": 577,
}
POLYGON_LAYERS = ("catchments", "service_delivery_zones", "csd_access", "french_designated_areas")
POINT_LAYERS = ("sites", "underserved_communities")
HAMILTON_FR = "Hamilton–Péninsule du Niagara"
TORONTO_POP = 2_794_356


# --------------------------------------------------------------------------------------
# Fixtures: one analysis and one export of each format per module


@pytest.fixture(scope="module")
def export_analysis(base: Base) -> Analysis:
    raw = data.load_service_canada_sites(base.data_dir)
    frame = gpd.GeoDataFrame(
        {
            "site_id": raw["site_id"],
            "name": raw["name"],
            "site_type": raw["site_type"],
            "organisation": "Service Canada",
            "in_person": True,
            "location_precision": "community",
            "lon": raw["longitude"],
            "lat": raw["latitude"],
        },
        geometry=gpd.points_from_xy(raw["longitude"], raw["latitude"]),
        crs=settings.DISPLAY_CRS,
    )
    sites = communities.locate_points(frame, base)
    return run_analysis(base, sites, sites_source="test", options=AnalysisOptions(on="2024-06-01"))


@pytest.fixture(scope="module")
def layers(export_analysis: Analysis) -> dict[str, gpd.GeoDataFrame]:
    # the layers as written: codes in words beside them (zone reasons, status labels, kinds)
    return {name: export._worded(name, layer, export_analysis) for name, layer in gis_layers(export_analysis).items()}


@pytest.fixture(scope="module")
def exports(export_analysis: Analysis, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("exports")
    return {
        "shp": export.export_layers(export_analysis, root / "layers.zip", fmt="shp")[0],
        "gpkg": export.export_layers(export_analysis, root / "layers.gpkg", fmt="gpkg")[0],
        "geojson": export.export_layers(export_analysis, root / "geojson", fmt="geojson")[0].parent,
        "csv": export.export_layers(export_analysis, root / "csv", fmt="csv")[0].parent,
    }


def _vsizip(zip_path: Path, layer: str) -> str:
    return f"/vsizip/{zip_path}/{layer}.shp"


def _zip_fields(zip_path: Path) -> pd.DataFrame:
    with zipfile.ZipFile(zip_path) as zf, zf.open(export.FIELDS_NAME) as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


# --------------------------------------------------------------------------------------
# GDAL's own ogrinfo


def _ogrinfo(path: str | Path) -> dict[str, dict[str, object]]:
    """Run ``ogrinfo -ro -so -al`` and return, per layer: count, geometry, epsg and field types."""
    exe = shutil.which("ogrinfo")
    if exe is None:
        pytest.fail("GDAL's ogrinfo is needed to re-open exports: apt-get install gdal-bin (make test does it).")
    res = subprocess.run([exe, "-ro", "-so", "-al", str(path)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "Warning" not in res.stderr and "ERROR" not in res.stderr, res.stderr
    out: dict[str, dict[str, object]] = {}
    for block in res.stdout.split("\nLayer name: ")[1:]:
        lines = block.splitlines()
        count = re.search(r"^Feature Count: (\d+)$", block, re.M)
        geom = re.search(r"^Geometry: (.+)$", block, re.M)
        srs = block.split("Data axis to CRS axis mapping")[0]
        epsg = re.findall(r'ID\["EPSG",(\d+)\]\]', srs)
        fields = {}
        for line in lines:
            m = re.match(r"^([^\s:]+): (\w+(?:\(\w+\))?) \(", line)
            if m:
                fields[m.group(1)] = m.group(2)
        out[lines[0].strip()] = {
            "count": int(count.group(1)) if count else None,
            "geometry": geom.group(1) if geom else None,
            "epsg": int(epsg[-1]) if epsg else None,
            "fields": fields,
        }
    return out


# --------------------------------------------------------------------------------------
# Comparing values


def _same_values(source: pd.DataFrame, back: pd.DataFrame, names: dict[str, str] | None = None) -> None:
    """Assert every attribute of ``source`` comes back unchanged (``names``: full -> name in file)."""
    assert len(source) == len(back)
    for col in source.columns:
        if col == "geometry":
            continue
        a = source[col].reset_index(drop=True)
        b = back[(names or {}).get(col, col)].reset_index(drop=True)
        if pd.api.types.is_datetime64_any_dtype(a):
            want = [None if pd.isna(v) else v.date() for v in a]
            got = [None if pd.isna(v) else pd.Timestamp(v).date() for v in b]
            assert got == want, col
        elif pd.api.types.is_bool_dtype(a):
            assert b.astype(int).tolist() == a.astype(int).tolist(), col
        elif pd.api.types.is_integer_dtype(a):
            assert b.astype("Int64").tolist() == a.astype("Int64").tolist(), col
        elif pd.api.types.is_numeric_dtype(a):
            np.testing.assert_allclose(
                b.astype(float).to_numpy(), a.astype(float).to_numpy(), rtol=1e-12, equal_nan=True, err_msg=col
            )
        else:
            assert b.fillna("").astype(str).tolist() == a.fillna("").astype(str).tolist(), col


# --------------------------------------------------------------------------------------
# Shapefile zip


def test_shapefile_zip_holds_every_layer(exports: dict[str, Path]) -> None:
    with zipfile.ZipFile(exports["shp"]) as zf:
        members = set(zf.namelist())
        for layer in export.LAYERS:
            for ext in export.SHAPEFILE_PARTS:
                assert f"{layer}{ext}" in members
            assert zf.read(f"{layer}.cpg").decode("ascii").strip() == "UTF-8"
            ET.fromstring(zf.read(f"{layer}.qml"))  # the QGIS style beside each layer parses
        assert {export.FIELDS_NAME, export.README_NAME} <= members
        assert all("/" not in m for m in members)  # flat: /vsizip/<zip>/<layer>.shp


def test_shapefile_reopens_with_pyogrio(exports: dict[str, Path]) -> None:
    for layer in export.LAYERS:
        info = pyogrio.read_info(_vsizip(exports["shp"], layer))
        if layer in COUNTS:
            assert info["features"] == COUNTS[layer]
        assert info["features"] > 0
        assert info["crs"] == "EPSG:3161"
        assert info["encoding"] == "UTF-8"
        assert info["geometry_type"] in (("Polygon", "MultiPolygon") if layer in POLYGON_LAYERS else ("Point",))
        names = list(info["fields"])
        assert all(len(n) <= 10 for n in names), names
        assert len({n.lower() for n in names}) == len(names)  # dBASE names are case-insensitive


def test_shapefile_reopens_with_ogrinfo(exports: dict[str, Path]) -> None:
    for layer in export.LAYERS:
        info = _ogrinfo(_vsizip(exports["shp"], layer))[layer]
        if layer in COUNTS:
            assert info["count"] == COUNTS[layer]
        assert info["epsg"] == 3161
        assert info["geometry"] == ("Polygon" if layer in POLYGON_LAYERS else "Point")
        fields = info["fields"]
        assert isinstance(fields, dict)
        assert all(len(n) <= 10 for n in fields)
        if layer != "sites":
            assert fields["population"] in ("Integer", "Integer64")
        if layer in POLYGON_LAYERS and layer != "french_designated_areas":  # that one has pct_in_fr
            assert fields["pct_within"] == "Real"
    cat = _ogrinfo(_vsizip(exports["shp"], "catchments"))["catchments"]["fields"]
    assert isinstance(cat, dict)
    assert cat["plan_start"] == cat["plan_end"] == cat["ies_start"] == "Date"
    assert cat["catch_id"] == "String" and cat["area_km2"] == "Real"


def test_shapefile_values_round_trip(exports: dict[str, Path], layers: dict[str, gpd.GeoDataFrame]) -> None:
    fields = _zip_fields(exports["shp"])
    for layer, source in layers.items():
        back = pyogrio.read_dataframe(_vsizip(exports["shp"], layer))
        mine = fields[fields["layer"] == layer]
        _same_values(source, back, dict(zip(mine["full_name"], mine["short_name"], strict=True)))
        assert back.geometry.notna().all() and not back.geometry.is_empty.any()
    cat = pyogrio.read_dataframe(_vsizip(exports["shp"], "catchments")).set_index("catch_id")
    assert cat.at["hamilton-niagara", "name_fr"] == HAMILTON_FR
    assert cat.at["stratford-bruce", "name_en"] == "Stratford–Bruce Peninsula"
    assert int(cat.at["toronto", "population"]) == TORONTO_POP
    assert int(cat["population"].sum()) == settings.ONTARIO_POPULATION_2021
    assert cat.at["durham", "plan_start"] == pd.Timestamp("2023-01-01")
    assert cat.at["durham", "ies_start"] == pd.Timestamp("2024-01-01")


def test_shapefile_field_mapping(exports: dict[str, Path]) -> None:
    fields = _zip_fields(exports["shp"])
    cat = fields[fields["layer"] == "catchments"].set_index("full_name")["short_name"]
    assert cat["catchment_id"] == "catch_id"
    assert cat["pct_within_threshold"] == "pct_within"
    assert cat["pop_within_threshold"] == "pop_within"
    sites = fields[fields["layer"] == "sites"].set_index("full_name")
    assert sites.at["in_person", "type"] == "Integer (0/1)" and sites.at["in_person", "unit"] == "1 = yes, 0 = no"
    back = pyogrio.read_dataframe(_vsizip(exports["shp"], "sites"))
    assert set(back["in_person"]) == {1}


def test_fields_csv_covers_every_field(exports: dict[str, Path], layers: dict[str, gpd.GeoDataFrame]) -> None:
    fields = _zip_fields(exports["shp"])
    assert list(fields.columns) == ["layer", "short_name", "full_name", "type", "unit", "meaning"]
    for layer in export.LAYERS:
        mine = fields[fields["layer"] == layer]
        assert mine["short_name"].tolist() == list(pyogrio.read_info(_vsizip(exports["shp"], layer))["fields"])
        assert mine["full_name"].tolist() == [c for c in layers[layer].columns if c != "geometry"]
    assert (fields["unit"] != "").all() and (fields["meaning"].str.len() > 10).all()
    assert not fields["meaning"].str.contains("carried over unchanged").any()  # a real meaning for each
    units = fields.drop_duplicates("full_name").set_index("full_name")["unit"]
    assert units["population"] == "persons" and units["pct_within_threshold"] == "%"
    assert units["land_area_km2"] == "km²" and units["density_per_km2"] == "persons per km²"
    assert units["median_distance_km"] == "km" and units["planning_start"] == "date"
    # the public function gives the same dictionary
    again = export.field_dictionary(layers)
    pd.testing.assert_frame_equal(again.astype(str), fields.astype(str))


def test_readme_documents_source_crs_and_attribution(exports: dict[str, Path]) -> None:
    with zipfile.ZipFile(exports["shp"]) as zf:
        readme = zf.read(export.README_NAME).decode("utf-8")
    assert "NAD83 / Ontario MNR Lambert (EPSG:3161)" in readme
    assert "Sites source: test" in readme and "Zones source: Default zones" in readme
    assert "Distance threshold: 50 km" in readme and "at least 90%" in readme
    assert "ONE zip" in readme and "1 = yes, 0 = no" in readme
    assert "Generated: " in readme
    for text in data.ATTRIBUTIONS:
        assert text in readme


def test_shapefile_in_requested_crs(export_analysis: Analysis, tmp_path: Path) -> None:
    out = export.export_layers(export_analysis, tmp_path, fmt="shp", crs="EPSG:3347")[0]
    assert out == tmp_path / export.SHP_ZIP_NAME
    assert pyogrio.read_info(_vsizip(out, "catchments"))["crs"] == "EPSG:3347"
    assert _ogrinfo(_vsizip(out, "sites"))["sites"]["epsg"] == 3347
    with zipfile.ZipFile(out) as zf:
        assert "EPSG:3347" in zf.read(export.README_NAME).decode("utf-8")


# --------------------------------------------------------------------------------------
# GeoPackage


def test_geopackage_layers_types_and_crs(exports: dict[str, Path]) -> None:
    path = exports["gpkg"]
    listed = {str(name): geom for name, geom in pyogrio.list_layers(path)}
    for layer in export.LAYERS:
        assert listed[layer] == ("MultiPolygon" if layer in POLYGON_LAYERS else "Point")
    assert listed["layer_styles"] is None and listed["readme"] is None and listed["fields"] is None
    ogr = _ogrinfo(path)
    for layer in export.LAYERS:
        info = pyogrio.read_info(path, layer=layer)
        assert info["crs"] == "EPSG:3161"
        if layer in COUNTS:
            assert info["features"] == ogr[layer]["count"] == COUNTS[layer]
        assert ogr[layer]["epsg"] == 3161
        assert ogr[layer]["geometry"] == ("Multi Polygon" if layer in POLYGON_LAYERS else "Point")
    cat = ogr["catchments"]["fields"]
    assert isinstance(cat, dict)
    assert "people_nearest_site_in_other_catchment" in cat  # full names
    assert cat["population"] in ("Integer", "Integer64") and cat["pct_within_threshold"] == "Real"
    assert cat["planning_start"] == cat["planning_end"] == cat["ies_start"] == "Date"
    zones = ogr["service_delivery_zones"]["fields"]
    assert isinstance(zones, dict) and zones["passes"] == "Integer(Boolean)"


def test_geopackage_values_round_trip(exports: dict[str, Path], layers: dict[str, gpd.GeoDataFrame]) -> None:
    for layer, source in layers.items():
        back = pyogrio.read_dataframe(exports["gpkg"], layer=layer)
        _same_values(source, back)
        assert list(back.columns[:-1]) == [c for c in source.columns if c != "geometry"]
    cat = pyogrio.read_dataframe(exports["gpkg"], layer="catchments").set_index("catchment_id")
    assert cat.at["hamilton-niagara", "name_fr"] == HAMILTON_FR
    assert cat.at["kitchener-waterloo-barrie", "name_en"] == "Kitchener–Waterloo–Barrie"
    assert int(cat.at["toronto", "population"]) == TORONTO_POP
    assert int(cat["population"].sum()) == settings.ONTARIO_POPULATION_2021
    readme = pyogrio.read_dataframe(exports["gpkg"], layer="readme", read_geometry=False)
    assert any("EPSG:3161" in line for line in readme["text"])


def test_geopackage_layer_styles(exports: dict[str, Path]) -> None:
    con = sqlite3.connect(exports["gpkg"])
    try:
        cols = [row[1] for row in con.execute("PRAGMA table_info(layer_styles)")]
        rows = con.execute(
            "SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleQML, useAsDefault "
            "FROM layer_styles"
        ).fetchall()
        geom_cols = dict(con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
        registered = con.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
    finally:
        con.close()
    assert cols == [
        "id",
        "f_table_catalog",
        "f_table_schema",
        "f_table_name",
        "f_geometry_column",
        "styleName",
        "styleQML",
        "styleSLD",
        "useAsDefault",
        "description",
        "owner",
        "ui",
        "update_time",
    ]
    assert registered == ("attributes",)
    by_layer = {r[2]: r for r in rows}
    assert sorted(by_layer) == sorted(export.LAYERS) and len(rows) == len(export.LAYERS)  # one per layer
    qml = {}
    for layer, (catalog, schema, _, geom, text, default) in by_layer.items():
        assert (catalog, schema, geom, default) == ("", "", geom_cols[layer], 1)
        qml[layer] = ET.fromstring(text)
    cat = qml["catchments"].find("renderer-v2")
    assert cat is not None and cat.get("type") == "categorizedSymbol" and cat.get("attr") == "phase"
    values = [c.get("value") for c in cat.iter("category")]
    assert values[: len(PHASE_COLOURS)] == list(PHASE_COLOURS)
    colours = [o.get("value") for o in cat.iter("Option") if o.get("name") == "color"]
    for hexa in PHASE_COLOURS.values():
        assert f"{int(hexa[1:3], 16)},{int(hexa[3:5], 16)},{int(hexa[5:7], 16)},150" in colours
    zones = qml["service_delivery_zones"].find("renderer-v2")
    assert zones is not None and '"passes"' in (zones.get("attr") or "")
    outlines = [o.get("value") for o in zones.iter("Option") if o.get("name") == "outline_color"]
    for hexa in (PASS_COLOUR, FAIL_COLOUR):
        assert f"{int(hexa[1:3], 16)},{int(hexa[3:5], 16)},{int(hexa[5:7], 16)},255" in outlines
    gaps = qml["underserved_communities"]
    shapes = [o.get("value") for o in gaps.iter("Option") if o.get("name") == "name"]
    assert "circle" in shapes
    # GDAL sees the table like one QGIS wrote
    styles = pyogrio.read_dataframe(exports["gpkg"], layer="layer_styles", read_geometry=False)
    assert len(styles) == len(export.LAYERS) and styles["useAsDefault"].all()


def test_geopackage_in_geographic_crs(export_analysis: Analysis, tmp_path: Path) -> None:
    out = export.export_layers(export_analysis, tmp_path / "nad83.gpkg", fmt="gpkg", crs=4269)[0]
    assert pyogrio.read_info(out, layer="sites")["crs"] == "EPSG:4269"
    assert _ogrinfo(out)["csd_access"]["epsg"] == 4269


def test_geopackage_bytes(export_analysis: Analysis, tmp_path: Path) -> None:
    blob = export.geopackage_bytes(export_analysis, crs="3347")
    path = tmp_path / "download.gpkg"
    path.write_bytes(blob)
    assert pyogrio.read_info(path, layer="catchments")["crs"] == "EPSG:3347"
    assert {str(n) for n, _ in pyogrio.list_layers(path)} >= {*export.LAYERS, "layer_styles"}


# --------------------------------------------------------------------------------------
# GeoJSON


def test_geojson_is_rfc7946(exports: dict[str, Path], layers: dict[str, gpd.GeoDataFrame]) -> None:
    folder = exports["geojson"]
    assert {p.name for p in folder.iterdir()} == {
        *(f"{layer}.geojson" for layer in export.LAYERS),
        export.FIELDS_NAME,
        export.README_NAME,
    }
    for layer in export.LAYERS:
        path = folder / f"{layer}.geojson"
        info = pyogrio.read_info(path)
        assert info["crs"] == "EPSG:4326"
        if layer in COUNTS:
            assert info["features"] == COUNTS[layer]
        assert _ogrinfo(path)[layer]["epsg"] == 4326
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["type"] == "FeatureCollection" and "crs" not in doc  # RFC 7946: WGS 84 implied
        lon, lat = np.array(_first_position(doc["features"][0]["geometry"]["coordinates"]))
        assert -96 < lon < -74 and 41 < lat < 57  # lon/lat order, Ontario
        _same_values(layers[layer], pyogrio.read_dataframe(path))
    cat = json.loads((folder / "catchments.geojson").read_text(encoding="utf-8"))
    props = {f["properties"]["catchment_id"]: f["properties"] for f in cat["features"]}
    assert props["hamilton-niagara"]["name_fr"] == HAMILTON_FR
    assert props["toronto"]["population"] == TORONTO_POP
    assert props["durham"]["planning_start"] == "2023-01-01"
    zones = json.loads((folder / "service_delivery_zones.geojson").read_text(encoding="utf-8"))
    assert {type(f["properties"]["passes"]) for f in zones["features"]} == {bool}
    assert "EPSG:4326" in (folder / export.README_NAME).read_text(encoding="utf-8")


def _first_position(coords: list) -> list[float]:
    while isinstance(coords[0], list):
        coords = coords[0]
    return coords


def test_geojson_says_crs_does_not_apply(
    export_analysis: Analysis, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="esr_geo.export"):
        export.export_layers(export_analysis, tmp_path / "gj", fmt="geojson", crs=3161)
    assert "EPSG:4326" in caplog.text and "3161" in caplog.text
    assert pyogrio.read_info(tmp_path / "gj" / "sites.geojson")["crs"] == "EPSG:4326"
    readme = (tmp_path / "gj" / export.README_NAME).read_text(encoding="utf-8")
    assert "(3161) does not apply" in readme


# --------------------------------------------------------------------------------------
# CSV


def test_csv_tables(exports: dict[str, Path]) -> None:
    folder = exports["csv"]
    assert {p.name for p in folder.iterdir()} == {
        *(f"{layer}.csv" for layer in export.LAYERS),
        export.FIELDS_NAME,
        export.README_NAME,
    }
    cat = pd.read_csv(folder / "catchments.csv", encoding="utf-8").set_index("catchment_id")
    assert "geometry" not in cat.columns and "lon" not in cat.columns
    assert cat.at["hamilton-niagara", "name_fr"] == HAMILTON_FR
    assert cat.at["toronto", "population"] == TORONTO_POP
    assert cat["population"].sum() == settings.ONTARIO_POPULATION_2021
    for layer in POINT_LAYERS:
        table = pd.read_csv(folder / f"{layer}.csv", encoding="utf-8")
        assert table["lon"].between(-96, -74).all() and table["lat"].between(41, 57).all()
    assert len(pd.read_csv(folder / "sites.csv")) == COUNTS["sites"]
    assert len(pd.read_csv(folder / "csd_access.csv", dtype={"CSDUID": str})) == COUNTS["csd_access"]
    fields = pd.read_csv(folder / export.FIELDS_NAME)
    assert set(fields["layer"]) == set(export.LAYERS)
    assert "short_name" not in fields.columns


def test_csv_neutralises_formulas(export_analysis: Analysis, tmp_path: Path) -> None:
    sites = export_analysis.sites.copy()
    sites.loc[0, "name"] = '=HYPERLINK("http://example.invalid","click")'
    sites.loc[1, "name"] = "@SUM(A1)"
    evil = dataclasses.replace(export_analysis, sites=sites)
    export.export_layers(evil, tmp_path, fmt="csv")
    table = pd.read_csv(tmp_path / "sites.csv", dtype=str)
    assert table.loc[0, "name"] == "'" + '=HYPERLINK("http://example.invalid","click")'
    assert table.loc[1, "name"].startswith("'@")
    assert table["lon"].astype(float).lt(0).all()  # negative numbers stay numbers


# --------------------------------------------------------------------------------------
# Parameters, overwriting and atomic writes


@pytest.mark.parametrize("crs", [999999, "EPSG:999999", "not-a-code", 5703])
def test_unknown_crs_is_refused(export_analysis: Analysis, tmp_path: Path, crs: object) -> None:
    with pytest.raises(InputError, match=r"export CRS.*(999999|not-a-code|5703).*3161") as err:
        export.export_layers(export_analysis, tmp_path / "x.gpkg", fmt="gpkg", crs=crs)  # type: ignore[arg-type]
    assert "e.g." in str(err.value)
    assert not list(tmp_path.iterdir())


def test_format_and_out_are_checked(export_analysis: Analysis, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"export format 'kml'.*shp, gpkg, geojson, csv"):
        export.export_layers(export_analysis, tmp_path, fmt="kml")
    with pytest.raises(InputError, match="writes a folder"):
        export.export_layers(export_analysis, tmp_path / "layers.zip", fmt="geojson")
    out = export.export_layers(export_analysis, tmp_path / "folder", fmt="gpkg")
    assert out == [tmp_path / "folder" / export.GPKG_NAME]


def test_existing_file_needs_force(export_analysis: Analysis, tmp_path: Path) -> None:
    target = tmp_path / "layers.gpkg"
    target.write_bytes(b"an analyst's own file")
    with pytest.raises(InputError, match=r"layers\.gpkg.*replace existing files"):
        export.export_layers(export_analysis, target, fmt="gpkg")
    assert target.read_bytes() == b"an analyst's own file"
    export.export_layers(export_analysis, target, fmt="gpkg", force=True)
    assert pyogrio.read_info(target, layer="catchments")["features"] == COUNTS["catchments"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layers.gpkg"]  # no temporary leftovers


def test_existing_folder_files_need_force(export_analysis: Analysis, tmp_path: Path) -> None:
    (tmp_path / "catchments.csv").write_text("planner's own table", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match=r"catchments\.csv.*replace existing files"):
        export.export_layers(export_analysis, tmp_path, fmt="csv")
    assert (tmp_path / "catchments.csv").read_text(encoding="utf-8") == "planner's own table"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catchments.csv", "notes.txt"]
    written = export.export_layers(export_analysis, tmp_path, fmt="csv", force=True)
    assert len(written) == len(export.LAYERS) + 2
    assert "catchment_id" in (tmp_path / "catchments.csv").read_text(encoding="utf-8")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(("fmt", "out"), [("gpkg", "x.gpkg"), ("shp", "x.zip"), ("geojson", "new/folder")])
def test_interrupted_write_leaves_nothing(
    export_analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, out: str
) -> None:
    real = pyogrio.write_dataframe
    calls = {"n": 0}

    def failing(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        real(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", failing)
    with pytest.raises(OSError, match="disk full"):
        export.export_layers(export_analysis, tmp_path / out, fmt=fmt)
    assert calls["n"] == 3
    assert list(tmp_path.iterdir()) == []  # no partial output, no temporary leftovers


def test_interrupted_overwrite_keeps_the_old_file(
    export_analysis: Analysis, exports: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "layers.zip"
    shutil.copy(exports["shp"], target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(pyogrio, "write_dataframe", failing)
    with pytest.raises(OSError, match="disk full"):
        export.export_layers(export_analysis, target, fmt="shp", force=True)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == digest
    assert [p.name for p in tmp_path.iterdir()] == ["layers.zip"]


# --------------------------------------------------------------------------------------
# Field names and the real demonstration site layer


def test_shapefile_field_names_are_short_unique_and_deterministic() -> None:
    cols = [
        "catchment_id",
        "pct_within_threshold",
        "a_very_long_unlisted_population_name",
        "a_very_long_unlisted_population_name_2",
        "Name",
        "name",
        "catch_id",
        "Pöpulation dénsity",
        "2021 count",
    ]
    names = export.shapefile_field_names(cols)
    assert names == export.shapefile_field_names(cols)
    short = list(names.values())
    assert all(len(n) <= 10 and re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", n) for n in short), short
    assert len({n.lower() for n in short}) == len(short)
    assert names["catchment_id"] == "catch_id" and names["catch_id"] == "catch_id_1"
    assert names["pct_within_threshold"] == "pct_within"
    assert names["Name"] == "Name" and names["name"] == "name_1"


def test_demo_site_layer_exports(analysis: Analysis, tmp_path: Path) -> None:
    """The demonstration layer read by esr_geo.offices (more site columns) exports cleanly."""
    path = tmp_path / "demo.zip"
    path.write_bytes(export.shapefile_zip_bytes(analysis))
    info = pyogrio.read_info(_vsizip(path, "sites"))
    names = list(info["fields"])
    assert info["features"] == len(analysis.sites)
    assert all(len(n) <= 10 for n in names) and len({n.lower() for n in names}) == len(names)
    fields = _zip_fields(path)
    mine = fields[fields["layer"] == "sites"]
    assert mine["short_name"].tolist() == names
    assert not mine["meaning"].str.contains("carried over unchanged").any()


def test_extra_site_columns_become_plain_fields(export_analysis: Analysis, tmp_path: Path) -> None:
    """Lists and objects become text, dates Date fields, long unknown names short ones."""
    sites = export_analysis.sites.copy()
    n = len(sites)
    sites["languages"] = [["en", "fr"]] * n
    sites["hours"] = [{"mon": "9-5"}] * n
    sites["opened_on"] = [dt.date(2020, 1, 2)] * (n - 1) + [None]
    sites["wheelchair_accessible_entrance"] = pd.array([True] * (n - 1) + [None], dtype="boolean")
    path = tmp_path / "extra.zip"
    path.write_bytes(export.shapefile_zip_bytes(dataclasses.replace(export_analysis, sites=sites)))
    info = _ogrinfo(_vsizip(path, "sites"))["sites"]
    fields = info["fields"]
    assert isinstance(fields, dict)
    assert fields["languages"] == "String" and fields["opened_on"] == "Date"
    back = pyogrio.read_dataframe(_vsizip(path, "sites"))
    assert back.loc[0, "languages"] == "en; fr"
    assert json.loads(back.loc[0, "hours"]) == {"mon": "9-5"}
    assert back.loc[0, "opened_on"] == pd.Timestamp("2020-01-02") and pd.isna(back.loc[n - 1, "opened_on"])
    short = export.shapefile_field_names(["wheelchair_accessible_entrance"])["wheelchair_accessible_entrance"]
    assert short in fields and fields[short] == "Integer" and len(short) <= 10
    assert back[short].iloc[0] == 1 and pd.isna(back[short].iloc[-1])
    dictionary = _zip_fields(path).set_index(["layer", "full_name"])
    assert dictionary.loc[("sites", "wheelchair_accessible_entrance"), "short_name"] == short
    assert dictionary.loc[("sites", "opened_on"), "type"] == "Date"
