"""Hostile and odd uploads: every file here is built by the test, and each is read safely or refused clearly."""

from __future__ import annotations

import http.server
import json
import re
import shutil
import sqlite3
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pytest
import shapely

from esr_geo import settings
from esr_geo.errors import MAX_LISTED, InputError, named, printable, shown
from esr_geo.offices import SITE_FILE
from esr_geo.readers import check_file, read_table, read_vector
from esr_geo.zones import ZONES_FILE, _overlaps

PASSWD_VRT = """<OGRVRTDataSource>
  <OGRVRTLayer name="sites">
    <SrcDataSource>CSV:/etc/passwd</SrcDataSource>
    <SrcLayer>passwd</SrcLayer>
  </OGRVRTLayer>
</OGRVRTDataSource>
"""


def _points(names: list[str]) -> gpd.GeoDataFrame:
    pts = [shapely.Point(-76.486 + i * 0.01, 44.2312) for i in range(len(names))]
    return gpd.GeoDataFrame({"name": names}, geometry=pts, crs="EPSG:4326")


def _assert_no_file_content(exc: pytest.ExceptionInfo[InputError]) -> None:
    assert "root:" not in str(exc.value) and "/bin/" not in str(exc.value)


# --------------------------------------------------------------------------------------
# Critical: no file may make the server read other files or URLs


@pytest.mark.parametrize("name", ["sites.geojson", "sites.json", "sites.gpkg"])
def test_vrt_disguised_as_a_vector_file_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(PASSWD_VRT)
    with pytest.raises(InputError, match=r"content does not match its extension") as info:
        read_vector(path, kind=SITE_FILE)
    _assert_no_file_content(info)


def test_vrt_as_the_shp_member_of_a_zip_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "sites.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for ext in (".shp", ".shx", ".dbf"):
            zf.writestr(f"sites{ext}", PASSWD_VRT)
    with pytest.raises(InputError, match=r"'sites\.shp' is not a shapefile part") as info:
        read_vector(archive, kind=SITE_FILE)
    _assert_no_file_content(info)


def test_vrt_as_a_loose_shp_is_refused(tmp_path: Path) -> None:
    for ext in (".shp", ".shx", ".dbf"):
        (tmp_path / f"zones{ext}").write_text(PASSWD_VRT)
    with pytest.raises(InputError, match=r"zones\.shp is not a shapefile"):
        read_vector(tmp_path / "zones.shp", kind=ZONES_FILE)


@pytest.fixture
def loopback_server() -> Iterator[tuple[str, list[str]]]:
    """Serve on 127.0.0.1 and record every request (none may arrive)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_HEAD = do_GET  # noqa: N815 (the name http.server looks up)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_network_sources_are_never_requested(tmp_path: Path, loopback_server: tuple[str, list[str]]) -> None:
    url, hits = loopback_server
    vrt = PASSWD_VRT.replace("CSV:/etc/passwd", f"/vsicurl/{url}/internal.csv").replace("passwd", "internal")
    for name in ("sites.geojson", "sites.gpkg"):
        (tmp_path / name).write_text(vrt)
        with pytest.raises(InputError):
            read_vector(tmp_path / name, kind=SITE_FILE)
    doc = {"type": "FeatureCollection", "crs": {"type": "link", "properties": {"href": f"{url}/crs"}}, "features": []}
    (tmp_path / "link.geojson").write_text(json.dumps(doc))
    with pytest.raises(InputError, match=r"'crs' member is not a named coordinate reference system"):
        read_vector(tmp_path / "link.geojson", kind=SITE_FILE)
    for path in (f"/vsicurl/{url}/sites.geojson", f"{url}/sites.csv"):
        with pytest.raises(InputError, match=r"only files on this computer can be read"):
            check_file(path, kind=SITE_FILE)
    assert hits == []


# --------------------------------------------------------------------------------------
# Workbooks


def _rewrite_zip(path: Path, member: str, edit: object) -> None:
    """Replace one member of a zip (an .xlsx) with ``edit(old_text)``."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            raw = src.read(info.filename)
            if info.filename == member:
                raw = edit(raw.decode()).encode()  # type: ignore[operator]
            dst.writestr(info, raw)
    tmp.replace(path)


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def test_workbook_claiming_the_whole_sheet_is_read_to_its_header_width(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "sites.xlsx", [["name", "latitude", "longitude"], ["Kingston", 44.2312, -76.486]])
    _rewrite_zip(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml),
    )
    table = read_table(path, kind=SITE_FILE)
    assert list(table.columns) == ["name", "latitude", "longitude"]
    assert table.index.tolist() == [2]
    assert table.to_numpy().tolist() == [["Kingston", "44.2312", "-76.486"]]


def test_hidden_first_sheet_is_not_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    old = book.active
    assert old is not None
    old.title = "old"
    old.append(["name"])
    old.append(["Stale site"])
    old.sheet_state = "hidden"
    current = book.create_sheet("sites")
    current.append(["name"])
    current.append(["Current site"])
    book.save(tmp_path / "sites.xlsx")
    assert read_table(tmp_path / "sites.xlsx", kind=SITE_FILE)["name"].tolist() == ["Current site"]


def test_data_on_the_second_sheet_is_named(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    assert book.active is not None
    book.active.title = "Notes"
    book.create_sheet("Sites").append(["name"])
    book.save(tmp_path / "sites.xlsx")
    with pytest.raises(InputError, match=r"The table seems to be on sheet 'Sites': move it to the first sheet"):
        read_table(tmp_path / "sites.xlsx", kind=SITE_FILE)


def test_encrypted_workbook_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "sites.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)  # an OLE2 container
    with pytest.raises(InputError, match=r"password-protected workbook or an old Excel 97-2003 file"):
        read_table(path, kind=SITE_FILE)


def test_formulas_without_values_are_named_as_such(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "sites.xlsx", [["name", "latitude"], ["=A1", "=1+1"]])  # openpyxl stores no values
    with pytest.raises(InputError, match=r"formulas that were never calculated"):
        read_table(path, kind=SITE_FILE)


@pytest.mark.parametrize(
    "xml",
    [
        "<worksheet><sheetData><row r='1'><c t='inlineStr'><is><t>name",  # truncated XML
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        '<c t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>',  # entity expansion
    ],
)
def test_broken_or_hostile_sheet_xml_is_an_input_error(tmp_path: Path, xml: str) -> None:
    path = _workbook(tmp_path / "sites.xlsx", [["name"], ["Kingston"]])
    _rewrite_zip(path, "xl/worksheets/sheet1.xml", lambda _old: xml)
    with pytest.raises(InputError, match=r"sites\.xlsx could not be read as an Excel workbook"):
        read_table(path, kind=SITE_FILE)


def test_workbook_without_its_sheet_part_is_an_input_error(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "sites.xlsx", [["name"], ["Kingston"]])
    tmp = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, src.read(info.filename))
    with pytest.raises(InputError, match=r"cut\.xlsx (could not be read as an Excel workbook|has no visible sheet)"):
        read_table(tmp, kind=SITE_FILE)


# --------------------------------------------------------------------------------------
# CSV


def test_unquoted_comma_in_every_name_is_refused_not_shifted(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("site_id,name,latitude,longitude\nS1,Kenora, Main St,49.77,-94.49\nS2,Dryden, Office,49.78,-92.8\n")
    with pytest.raises(InputError) as info:
        read_table(path, kind=SITE_FILE)
    assert info.value.problems == ["row 2 has 5 values", "row 3 has 5 values"]
    assert "A value that contains a comma must be in double quotes" in info.value.summary


def test_trailing_empty_separators_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("name,latitude\nA,44.2,,\nB\n")
    assert read_table(path, kind=SITE_FILE).to_numpy().tolist() == [["A", "44.2"], ["B", ""]]


def test_rows_are_capped_and_blank_lines_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "UPLOAD_MAX_ROWS", 3)
    path = tmp_path / "sites.csv"
    path.write_text("name\n" + "\n" * 20_000 + "A\nB\nC\n")
    table = read_table(path, kind=SITE_FILE)
    assert table.index.tolist() == [20_002, 20_003, 20_004]  # the blank lines keep their numbers
    path.write_text("name\nA\nB\nC\nD\n")
    with pytest.raises(InputError, match=r"has more than 3 rows; the limit is 3 rows"):
        read_table(path, kind=SITE_FILE)


def test_too_many_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(settings.UPLOAD_MAX_COLUMNS + 1)) + "\n1\n")
    with pytest.raises(InputError, match=r"wide\.csv has 201 columns in its header; the limit is 200"):
        read_table(path, kind=SITE_FILE)


def test_mixed_utf8_and_cp1252_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_bytes("CSDUID,zone\n3553005,Rivière\n".encode() + "3552093,Témiscamingue\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"mixes two text encodings: line 2 is UTF-8 but line 3 is not"):
        read_table(path, kind=ZONES_FILE)


def test_utf16_without_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_bytes("CSDUID,zone\n3553005,Rivière\n".encode("utf-16-le"))
    table = read_table(path, kind=ZONES_FILE)
    assert list(table.columns) == ["CSDUID", "zone"] and table["zone"].tolist() == ["Rivière"]


def test_nul_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_bytes(b"name,latitude\nA,1\nB\x00,2\n" + b"x" * 10_000)
    with pytest.raises(InputError, match=r"line 3 holds a NUL byte"):
        read_table(path, kind=SITE_FILE)


# --------------------------------------------------------------------------------------
# GeoPackage


def _gpkg(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> Path:
    for name, frame in layers.items():
        frame.to_file(path, layer=name)
    return path


def test_geopackage_whose_only_layer_is_a_recursive_view_is_refused(tmp_path: Path) -> None:
    path = _gpkg(tmp_path / "sites.gpkg", {"real": _points(["A"])})
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE VIEW endless AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT x AS fid, NULL AS geom FROM c;"
        "UPDATE gpkg_contents SET table_name = 'endless' WHERE table_name = 'real';"
    )
    con.close()
    with pytest.raises(InputError, match=r"its layer 'endless' is a view; esr-geo reads only tables"):
        read_vector(path, kind=SITE_FILE)


def test_geopackage_with_a_pending_wal_is_read_without_changing_it(tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    src = tmp_path / "work" / "sites.gpkg"
    _points(["A"]).to_file(src, layer="sites", SPATIAL_INDEX="NO")
    con = sqlite3.connect(src)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("INSERT INTO sites (name) VALUES ('B, only in the WAL')")
    con.commit()
    planner = tmp_path / "planner"
    planner.mkdir()
    for part in ("sites.gpkg", "sites.gpkg-wal"):  # as QGIS leaves them while it has the file open
        shutil.copyfile(src.parent / part, planner / part)
    con.close()
    before = {p.name: p.read_bytes() for p in planner.iterdir()}
    frame = read_vector(planner / "sites.gpkg", kind=SITE_FILE)
    assert frame["name"].tolist() == ["A", "B, only in the WAL"]
    assert {p.name: p.read_bytes() for p in planner.iterdir()} == before


def test_geopackage_with_a_foreign_virtual_table_is_refused(tmp_path: Path) -> None:
    path = _gpkg(tmp_path / "sites.gpkg", {"sites": _points(["A"])})
    con = sqlite3.connect(path)
    con.execute("PRAGMA writable_schema=ON")
    con.execute(
        "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES "
        "('table', 'passwd', 'passwd', 0, 'CREATE VIRTUAL TABLE passwd USING VirtualOGR(''/etc/passwd'')')"
    )
    con.commit()
    con.close()
    with pytest.raises(InputError, match=r"virtual tables \('passwd'\) that could read other files"):
        read_vector(path, kind=SITE_FILE)


# --------------------------------------------------------------------------------------
# Shapefiles and GeoJSON


def _shapefile(folder: Path, frame: gpd.GeoDataFrame, *, cpg: bool = True) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_file(folder / "sites.shp", encoding="UTF-8")
    parts = sorted(folder.glob("sites.*"))
    if not cpg:
        (folder / "sites.cpg").unlink()
        parts = [p for p in parts if p.suffix != ".cpg"]
    return parts


def _zip(path: Path, parts: list[Path]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for p in parts:
            zf.write(p, p.name)
    return path


def test_utf8_dbf_without_cpg_is_read_as_utf8(tmp_path: Path) -> None:
    parts = _shapefile(tmp_path / "shp", _points(["Rivière-Rouge", "Kingston–Pembroke"]), cpg=False)
    for target in (_zip(tmp_path / "sites.zip", parts), tmp_path / "shp" / "sites.shp"):
        assert read_vector(target, kind=SITE_FILE)["name"].tolist() == ["Rivière-Rouge", "Kingston–Pembroke"]


def test_shapefile_without_its_index_says_so(tmp_path: Path) -> None:
    parts = [p for p in _shapefile(tmp_path / "shp", _points(["A"])) if p.suffix != ".shx"]
    with pytest.raises(InputError, match=r"lacks its index \(\.shx\)"):
        read_vector(_zip(tmp_path / "sites.zip", parts), kind=SITE_FILE)
    parts = [p for p in parts if p.suffix != ".dbf"]
    with pytest.raises(InputError, match=r"lacks its index \(\.shx\) and its attribute table \(\.dbf\)"):
        read_vector(_zip(tmp_path / "sites2.zip", parts), kind=SITE_FILE)


def test_local_cs_prj_is_an_input_error(tmp_path: Path) -> None:
    parts = _shapefile(tmp_path / "shp", _points(["A"]))
    (tmp_path / "shp" / "sites.prj").write_text('LOCAL_CS["site grid",UNIT["metre",1]]')
    with pytest.raises(InputError, match=r"cannot be converted to latitude and longitude"):
        read_vector(_zip(tmp_path / "sites.zip", parts), kind=SITE_FILE)


def test_geojson_with_text_coordinates_says_so(tmp_path: Path) -> None:
    path = tmp_path / "sites.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "A"}, '
        '"geometry": {"type": "Point", "coordinates": ["-76.5", "44.2"]}}]}'
    )
    with pytest.raises(InputError, match=r"coordinates must be numbers"):
        read_vector(path, kind=SITE_FILE)


def test_feature_count_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "UPLOAD_MAX_ROWS", 2)
    path = tmp_path / "sites.geojson"
    _points(["A", "B", "C"]).to_file(path)
    with pytest.raises(InputError, match=r"has more than 2 rows"):
        read_vector(path, kind=SITE_FILE)


# --------------------------------------------------------------------------------------
# Messages and zones


def test_messages_are_bounded_and_printable() -> None:
    err = InputError("Zones file z.csv has problems:", [f"row {i}: bad" for i in range(3_000)])
    assert len(err.problems) == 3_000
    text = str(err)
    assert text.count("\n") == MAX_LISTED + 1 and text.endswith(f"and {3_000 - MAX_LISTED:,} more")
    assert shown("x" * 100_000) == "'" + "x" * 60 + "'… (100,000 characters)"
    assert printable("sites\x1b[31m.csv") == "sites\\x1b[31m.csv" and named("a\x00b") == "a\\x00b"


def test_zone_overlaps_are_found_with_a_spatial_index() -> None:
    # 4,000 unit squares (1 km, in metres) in a 80 x 50 grid, touching but not overlapping ...
    squares = [shapely.box(x * 1000, y * 1000, x * 1000 + 1000, y * 1000 + 1000) for y in range(50) for x in range(80)]
    names = np.array([f"z{i}" for i in range(len(squares))])
    assert _overlaps(gpd.GeoSeries(squares), names) == []
    # ... then one grows by 1.5 km to the east, over its neighbour (1 km²) and the next one (0.5 km²).
    squares[0] = shapely.box(0, 0, 2500, 1000)
    assert _overlaps(gpd.GeoSeries(squares), names, min_km2=0.1) == [
        "'z0' and 'z1' overlap by 1.0 km²",
        "'z0' and 'z2' overlap by 0.5 km²",
    ]
    assert _overlaps(gpd.GeoSeries(squares), names) == []  # 1 km² is the default tolerance


def test_heavily_overlapping_zones_stop_the_check_early() -> None:
    # 200 discs of radius 5 km whose centres are 1 km apart in a row: each overlaps its neighbours
    discs = [shapely.Point(x * 1000.0, 0.0).buffer(5000.0) for x in range(200)]
    names = np.array([f"z{i}" for i in range(len(discs))])
    found = _overlaps(gpd.GeoSeries(discs), names, chunk=100)
    assert len(found) == 51 and found[-1].startswith("at least ") and "the first 50 are listed" in found[-1]
    assert found[0].startswith("'z0' and 'z1' overlap by ")


def test_a_long_cell_in_an_unread_column_costs_no_memory_blow_up(tmp_path: Path) -> None:
    # One 5,000,000-character note once made a rows x columns x longest-cell array (terabytes).
    from esr_geo.offices import _drop_blank_rows, _read_sites_vector

    frame = _points(["A", "B", ""])
    frame["note"] = ["x" * 5_000_000, "", ""]
    frame.loc[2, "geometry"] = None
    path = tmp_path / "sites.geojson"
    frame.to_file(path)
    table = _drop_blank_rows(_read_sites_vector(path, "sites.geojson"), "sites.geojson")
    assert table.frame["name"].tolist() == ["A", "B"] and table.rows.tolist() == [2, 3]


def test_geojson_check_scans_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The pre-check memory-maps the file; it never parses it into Python objects (a 100 MB
    # zones file would take a gigabyte). A named CRS is fine, a linked one is refused.
    named_crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3161"}}
    frame = _points(["A"]).to_crs("EPSG:3161")
    doc = json.loads(frame.to_json())
    doc["crs"] = named_crs
    (tmp_path / "named.geojson").write_text(json.dumps(doc))
    assert read_vector(tmp_path / "named.geojson", kind=SITE_FILE)["name"].tolist() == ["A"]

    def no_parse(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("the GeoJSON pre-check parsed the whole file")

    monkeypatch.setattr("esr_geo.readers.json.loads", no_parse)
    assert read_vector(tmp_path / "named.geojson", kind=SITE_FILE)["name"].tolist() == ["A"]
