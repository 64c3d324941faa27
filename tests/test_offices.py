"""Site lists: formats, header variants, postal codes, every validation problem, demo layer."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyproj
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from esr_geo import data, export, settings
from esr_geo.errors import InputError
from esr_geo.model import Base
from esr_geo.offices import (
    DEMO_LABEL,
    PROBLEM_COLUMNS,
    SITE_COLUMNS,
    SITE_FILE,
    TEMPLATE_COLUMNS,
    SiteLoad,
    SiteValidationError,
    demo_sites,
    locate_sites,
    normalise_postal_code,
    read_sites,
    validate_sites,
)
from esr_geo.readers import fold_header, read_table, read_vector

FIXTURES = Path(__file__).parent / "fixtures" / "offices"
TEXT_COLUMNS = [
    c for c in SITE_COLUMNS if c not in ("in_person", "french", "source_row", "snapped_km", "lon", "lat", "geometry")
]

# Reference points (WGS 84) and what they fall in.
KINGSTON = (44.2312, -76.4860)  # Kingston, CSD 3510010, kingston-pembroke
HAMILTON = (43.2557, -79.8711)  # Hamilton, hamilton-niagara
SUDBURY = (46.4917, -80.9930)  # Greater Sudbury, northeast
GATINEAU = (45.4765, -75.7013)  # Gatineau, Quebec: across the Ottawa River from Ottawa


def write(tmp_path: Path, text: str, name: str = "offices.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problem_keys(load: SiteLoad) -> list[tuple[int, str, str]]:
    return [(int(r.row), str(r.field), str(r.severity)) for r in load.problems.itertuples()]


def problem_text(load: SiteLoad, row: int, field: str) -> str:
    hit = load.problems[(load.problems["row"] == row) & (load.problems["field"] == field)]
    assert len(hit) == 1, load.problems
    return str(hit["problem"].iloc[0])


def check_site_frame(sites: gpd.GeoDataFrame) -> None:
    assert list(sites.columns) == list(SITE_COLUMNS)
    assert sites.crs == settings.DISPLAY_CRS
    for col in TEXT_COLUMNS:
        assert sites[col].map(type).eq(str).all(), col
    assert sites["in_person"].dtype == bool
    assert sites["french"].dtype == "boolean"  # serves in French: True, False or <NA> (not given)
    assert sites["source_row"].dtype == np.int64
    assert sites["snapped_km"].dtype == float
    assert (sites.geometry.geom_type == "Point").all()
    np.testing.assert_allclose(sites.geometry.x, sites["lon"])
    np.testing.assert_allclose(sites.geometry.y, sites["lat"])


# --------------------------------------------------------------------------------------
# Template


def test_template_is_header_only() -> None:
    text = (settings.PROJECT_DATA_DIR / "offices" / "template.csv").read_text(encoding="utf-8")
    assert text == ",".join(TEMPLATE_COLUMNS) + "\n"
    assert TEMPLATE_COLUMNS == (
        "site_id",
        "name",
        "organisation",
        "address",
        "city",
        "postal_code",
        "latitude",
        "longitude",
        "site_type",
        "in_person",
        "catchment",
        "french",
    )


# --------------------------------------------------------------------------------------
# Formats


def test_csv_utf8_full_row(tmp_path: Path, base: Base) -> None:
    path = write(
        tmp_path,
        ",".join(TEMPLATE_COLUMNS)
        + "\nK-01,Kingston Employment Centre,Org Inc.,1 Main St,Kingston,k7l 0a1,44.2312,-76.4860,"
        "Employment Ontario office,no,Kingston–Pembroke\n",
    )
    load = validate_sites(path, base=base)
    assert load.ok and load.source == "offices.csv" and not load.is_demo
    assert load.problems.empty and list(load.problems.columns) == list(PROBLEM_COLUMNS)
    assert load.dropped.empty
    check_site_frame(load.sites)
    site = load.sites.iloc[0]
    assert site["site_id"] == "K-01"
    assert site["name"] == "Kingston Employment Centre"
    assert site["organisation"] == "Org Inc."
    assert site["address"] == "1 Main St"
    assert site["city"] == "Kingston"
    assert site["postal_code"] == "K7L 0A1"
    assert site["site_type"] == "Employment Ontario office"
    assert not site["in_person"]
    assert site["declared_catchment"] == "kingston-pembroke"
    assert site["location_precision"] == "coordinates"
    assert site["source_row"] == 2
    assert site["catchment_id"] == "kingston-pembroke"
    assert site["CSDUID"] == "3510010"
    assert site["CSDNAME"] == "Kingston"
    assert site["snapped_km"] == 0.0
    assert site["flag"] == ""
    assert (site["lat"], site["lon"]) == KINGSTON


def test_csv_utf8_bom(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, "name,latitude,longitude\nSudbury Centre,46.4917,-80.9930\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    load = validate_sites(path, base=base)
    assert load.ok
    assert load.sites["name"].tolist() == ["Sudbury Centre"]
    assert load.sites["catchment_id"].tolist() == ["northeast"]


def test_csv_windows_1252(tmp_path: Path, base: Base) -> None:
    name = "Centre d'emploi de Sudbury – Rivière"
    path = write(tmp_path, f"nom,code postal,lat,lon\n{name},,46.4917,-80.9930\n", encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    load = validate_sites(path, base=base)
    assert load.ok
    assert load.sites["name"].tolist() == [name]


def test_csv_semicolon_and_decimal_comma(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, "nom;latitude;longitude\nBureau de Sudbury;46,4917;-80,9930\n")
    load = validate_sites(path, base=base)
    assert load.ok
    assert (load.sites["lat"].iloc[0], load.sites["lon"].iloc[0]) == SUDBURY


def test_xlsx_first_sheet(tmp_path: Path, base: Base) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Site ID", "Site Name", "Latitude", "Longitude", "In Person"])
    sheet.append([3582, "Kingston", KINGSTON[0], KINGSTON[1], True])
    sheet.append([None, None, None, None, None])  # a blank row keeps its number
    sheet.append([3583, "Hamilton", HAMILTON[0], HAMILTON[1], False])
    sheet.append([3584, "Bad", "abc", HAMILTON[1], None])
    other = book.create_sheet("ignored")
    other.append(["nothing", "here"])
    path = tmp_path / "sites.xlsx"
    book.save(path)
    load = validate_sites(path, base=base)
    check_site_frame(load.sites)
    assert load.sites["site_id"].tolist() == ["3582", "3583"]
    assert load.sites["source_row"].tolist() == [2, 4]
    assert load.sites["in_person"].tolist() == [True, False]
    assert load.sites["catchment_id"].tolist() == ["kingston-pembroke", "hamilton-niagara"]
    assert problem_keys(load) == [(5, "latitude", "error")]
    assert problem_text(load, 5, "latitude") == "latitude 'abc' is not a number"


def test_xlsx_upload_under_a_temporary_name(tmp_path: Path, base: Base) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["name", "latitude", "longitude"])
    sheet.append(["Kingston", KINGSTON[0], KINGSTON[1]])
    path = tmp_path / "upload-5678"  # no extension: openpyxl refuses such a file name
    book.save(path)
    load = validate_sites(path, base=base, name="Bureaux.xlsx")
    assert load.ok and load.sites["name"].tolist() == ["Kingston"]


def test_shared_readers(tmp_path: Path) -> None:
    path = write(tmp_path, "\n Name ;Lat\nA;1\n;\nB;2\n", encoding="utf-16")
    table = read_table(path, "sites.csv", kind=SITE_FILE)
    assert table.index.name == "row" and table.index.tolist() == [3, 5]  # blank line 1; blank row 4 dropped
    assert list(table.columns) == ["Name", "Lat"] and table.values.tolist() == [["A", "1"], ["B", "2"]]
    parts = _shapefile(tmp_path / "shp")
    archive = tmp_path / "sites.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in parts:
            zf.write(p, p.name)
    zipped = read_vector(archive, kind=SITE_FILE)
    loose = read_vector(tmp_path / "shp" / "sites.shp", kind=SITE_FILE)
    assert_geodataframe_equal(zipped, loose)
    assert zipped.index.tolist() == list(range(2, len(zipped) + 2))
    assert fold_header(" Code-Postal ") == fold_header("code_postal") == "codepostal"


def test_geojson(base: Base) -> None:
    load = validate_sites(FIXTURES / "sites.geojson", base=base)
    check_site_frame(load.sites)
    assert load.sites["site_id"].tolist() == ["G1", "G2"]
    assert load.sites["location_precision"].tolist() == ["coordinates", "postal_code"]
    assert load.sites["postal_code"].tolist() == ["", "K7L 0A1"]
    assert load.sites["lon"].tolist() == [-76.486, -76.4826]
    assert load.sites["lat"].tolist() == [44.2312, 44.2258]
    assert problem_keys(load) == [(4, "geometry", "error"), (5, "geometry", "error")]
    assert problem_text(load, 4, "geometry") == "the geometry is a Polygon, not a point"
    assert problem_text(load, 5, "geometry").startswith("latitude -79.4 and longitude 43.7 look swapped")
    assert load.dropped["row"].tolist() == [4, 5]
    assert load.dropped["geometry"].iloc[0].startswith("POLYGON")


def test_geopackage_is_reprojected(tmp_path: Path, base: Base) -> None:
    pts = gpd.GeoSeries([shapely.Point(KINGSTON[1], KINGSTON[0])], crs=settings.DISPLAY_CRS)
    frame = gpd.GeoDataFrame({"name": ["Kingston"]}, geometry=pts.to_crs(settings.ANALYSIS_CRS))
    frame.to_file(tmp_path / "sites.gpkg", layer="sites")
    gpd.GeoDataFrame({"name": ["Other layer"]}, geometry=pts).to_file(tmp_path / "sites.gpkg", layer="zzz_second")
    with pytest.raises(InputError, match=r"sites\.gpkg holds 2 layers \('sites', 'zzz_second'\); esr-geo reads one"):
        validate_sites(tmp_path / "sites.gpkg", base=base)  # never the first layer without a word
    frame.to_file(tmp_path / "one.gpkg", layer="sites")
    load = validate_sites(tmp_path / "one.gpkg", base=base)
    assert load.ok
    assert load.sites["name"].tolist() == ["Kingston"]
    assert load.sites["lat"].iloc[0] == pytest.approx(KINGSTON[0], abs=1e-9)
    assert load.sites["lon"].iloc[0] == pytest.approx(KINGSTON[1], abs=1e-9)
    assert load.sites["catchment_id"].tolist() == ["kingston-pembroke"]


def test_geopackage_without_crs_is_refused(tmp_path: Path, base: Base) -> None:
    frame = gpd.GeoDataFrame({"name": ["Kingston"]}, geometry=[shapely.Point(KINGSTON[1], KINGSTON[0])])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyogrio warns that no CRS is written: that is the point
        frame.to_file(tmp_path / "nocrs.gpkg")
    with pytest.raises(InputError, match=r"nocrs\.gpkg declares no coordinate reference system"):
        validate_sites(tmp_path / "nocrs.gpkg", base=base)


def _shapefile(folder: Path) -> list[Path]:
    folder.mkdir(parents=True)
    frame = gpd.GeoDataFrame(
        {"site_id": ["S1", "S2"], "name": ["Kingston", "Sudbury"], "postal": ["K7L 0A1", ""]},
        geometry=[shapely.Point(KINGSTON[1], KINGSTON[0]), shapely.Point(SUDBURY[1], SUDBURY[0])],
        crs=settings.DISPLAY_CRS,
    )
    frame.to_file(folder / "sites.shp")
    return sorted(folder.iterdir())


def test_zipped_shapefile(tmp_path: Path, base: Base) -> None:
    parts = _shapefile(tmp_path / "shp")
    archive = tmp_path / "upload-1234"  # the app passes a temporary path and the original name
    with zipfile.ZipFile(archive, "w") as zf:
        for p in parts:
            zf.write(p, f"my sites/{p.name}")
    before = sorted(tmp_path.rglob("*"))
    load = validate_sites(archive, base=base, name="Offices 2024.zip")
    assert sorted(tmp_path.rglob("*")) == before  # nothing extracted
    assert load.ok and load.source == "Offices 2024.zip"
    assert load.sites["site_id"].tolist() == ["S1", "S2"]
    assert load.sites["postal_code"].tolist() == ["K7L 0A1", ""]
    assert load.sites["catchment_id"].tolist() == ["kingston-pembroke", "northeast"]


def test_zipped_shapefile_without_prj_is_refused(tmp_path: Path, base: Base) -> None:
    parts = _shapefile(tmp_path / "shp")
    archive = tmp_path / "noprj.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in parts:
            if p.suffix != ".prj":
                zf.write(p, p.name)
    with pytest.raises(InputError, match=r"noprj\.zip declares no coordinate reference system.*\.prj"):
        validate_sites(archive, base=base)


def test_zip_with_path_traversal_is_refused(tmp_path: Path, base: Base) -> None:
    work = tmp_path / "work"
    parts = _shapefile(work / "shp")
    archive = work / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in parts:
            zf.write(p, p.name)
        zf.writestr("../evil.shp", b"not a shapefile")
        zf.writestr("/tmp/absolute.dbf", b"x")
    assert "../evil.shp" in zipfile.ZipFile(archive).namelist()
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(InputError, match=r"evil\.zip was refused.*'\.\./evil\.shp', '/tmp/absolute\.dbf'"):
        validate_sites(archive, base=base)
    assert sorted(tmp_path.rglob("*")) == before
    assert not (tmp_path / "evil.shp").exists()
    assert not (work.parent / "evil.shp").exists()


def test_zip_without_shapefile_is_refused(tmp_path: Path, base: Base) -> None:
    archive = tmp_path / "sites.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("sites.csv", "name,latitude,longitude\n")
    with pytest.raises(InputError, match=r"sites\.zip is a zip archive without a shapefile \(it holds 'sites\.csv'\)"):
        validate_sites(archive, base=base)


def test_unsupported_format(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, "name,latitude,longitude\nA,44.2,-76.5\n", name="sites.txt")
    with pytest.raises(InputError) as info:
        validate_sites(path, base=base)
    msg = str(info.value)
    assert msg.startswith("Site file sites.txt is not in a supported format.")
    for fmt in (".csv", ".xlsx", ".geojson", ".gpkg", ".zip"):
        assert fmt in msg


def test_display_name_decides_label_and_format(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, "name,latitude,longitude\nSudbury,46.4917,-80.993\n", name="tmpab12")
    load = validate_sites(path, base=base, name="Bureaux été.csv")
    assert load.source == "Bureaux été.csv"
    assert load.sites["name"].tolist() == ["Sudbury"]


# --------------------------------------------------------------------------------------
# Headers


@pytest.mark.parametrize(
    "header",
    [
        "name,latitude,longitude",
        "Site Name,Lat,Lng",
        "NAME,y,x",
        "nom,LATITUDE,long",
        "office_name,Latitude ,lon",
        "Location-Name,lat.,Longitude",
    ],
)
def test_header_variants(tmp_path: Path, base: Base, header: str) -> None:
    path = write(tmp_path, f"{header}\nKingston,44.2312,-76.486\n")
    load = validate_sites(path, base=base)
    assert load.ok
    assert load.sites[["name", "lat", "lon"]].values.tolist() == [["Kingston", 44.2312, -76.486]]


def test_other_header_variants_and_extra_columns(tmp_path: Path, base: Base) -> None:
    path = write(
        tmp_path,
        "ID,Nom du site,Organization,Adresse,Ville,Code Postal,Type,In-Person,Catchment Name,Notes,Unnamed\n"
        "X9,Bureau,Org,1 rue,Kingston,K7L0A1,satellite,oui,Kingston-Pembroke,anything,zz\n",
    )
    load = validate_sites(path, base=base)
    assert load.ok
    site = load.sites.iloc[0]
    assert (site["site_id"], site["name"], site["organisation"], site["address"], site["city"]) == (
        "X9",
        "Bureau",
        "Org",
        "1 rue",
        "Kingston",
    )
    assert (site["postal_code"], site["site_type"], site["in_person"], site["declared_catchment"]) == (
        "K7L 0A1",
        "satellite",
        True,
        "kingston-pembroke",
    )
    assert "Notes" not in load.sites.columns and "Unnamed" not in load.sites.columns


def test_two_columns_with_one_meaning_are_refused(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, "name,lat,Latitude,longitude\nA,44.2,44.2,-76.5\n")
    with pytest.raises(InputError) as info:
        validate_sites(path, base=base)
    assert info.value.problems == [
        "the columns 'lat', 'Latitude' all mean latitude: keep one of them (or rename the others)"
    ]


def test_missing_name_and_location_columns_reported_together(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, "title,address\nA,1 Main St\n")
    with pytest.raises(InputError) as info:
        validate_sites(path, base=base)
    assert str(info.value).startswith("Site file offices.csv does not have the columns of a site list")
    assert len(info.value.problems) == 2
    assert info.value.problems[0].startswith("there is no name column, which is required")
    assert info.value.problems[1].startswith("there is no location column")


def test_latitude_without_longitude_column(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, "name,latitude,postal_code\nA,44.2,K7L 0A1\n")
    with pytest.raises(InputError) as info:
        validate_sites(path, base=base)
    assert info.value.problems == ["there is a latitude column but no longitude column: add the longitude column"]


# --------------------------------------------------------------------------------------
# Postal codes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("k7l0a1", ("K7L 0A1", "full")),
        ("K7L-0A1", ("K7L 0A1", "full")),
        (" K7L  0A1 ", ("K7L 0A1", "full")),
        ("p0v", ("P0V", "fsa")),
        ("K7L 0A", ("K7L 0A", "malformed")),
        ("D7L 0A1", ("D7L 0A1", "malformed")),  # D is never used
        ("12345", ("12345", "malformed")),
        ("", ("", "")),
    ],
)
def test_normalise_postal_code(text: str, expected: tuple[str, str]) -> None:
    assert normalise_postal_code(text) == expected


def test_postal_code_placement(tmp_path: Path, base: Base) -> None:
    path = write(
        tmp_path,
        "name,postal_code\n"
        "Full code,k7l0a1\n"  # row 2
        "Hyphenated,K7L-0A1\n"  # row 3
        "Not listed,K7L 9Z9\n"  # row 4: placed at the K7L centre
        "Area only,P0V\n"  # row 5: rural area
        "Malformed,K7L 0A\n"  # row 6
        "Unknown area,K0Z 1A1\n",  # row 7
    )
    load = validate_sites(path, base=base)
    sites = load.sites.set_index("source_row")
    assert sites.index.tolist() == [2, 3, 4, 5]
    assert sites["postal_code"].tolist() == ["K7L 0A1", "K7L 0A1", "K7L 9Z9", "P0V"]
    assert sites["location_precision"].tolist() == ["postal_code", "postal_code", "postal_area", "postal_area"]
    assert sites.loc[2, ["lon", "lat"]].tolist() == [-76.4826, 44.2258]
    assert sites.loc[4, ["lon", "lat"]].tolist() == [-76.428, 44.2955]
    assert sites.loc[5, ["lon", "lat"]].tolist() == [-90.1505, 52.9648]
    assert sites["catchment_id"].tolist() == ["kingston-pembroke"] * 3 + ["northwest"]
    assert problem_keys(load) == [
        (4, "postal_code", "warning"),
        (5, "postal_code", "warning"),
        (6, "postal_code", "error"),
        (7, "postal_code", "error"),
    ]
    assert problem_text(load, 4, "postal_code") == (
        "postal code K7L 9Z9 is not in the postal-code list; the site is placed at the centre of its area K7L "
        "(Kingston (Downtown))"
    )
    assert sites.loc[4, "flag"] == problem_text(load, 4, "postal_code")
    assert "rural area" in problem_text(load, 5, "postal_code")
    assert problem_text(load, 6, "postal_code") == (
        "malformed postal code 'K7L 0A': it is not letter-digit-letter digit-letter-digit"
    )
    assert problem_text(load, 7, "postal_code") == (
        "unknown postal code K0Z 1A1: neither it nor its area K0Z is in the postal-code list"
    )


def test_coordinates_win_over_postal_code(tmp_path: Path, base: Base) -> None:
    path = write(
        tmp_path,
        "name,postal_code,latitude,longitude\n"
        "Sudbury office with a Kingston code,K7L 0A1,46.4917,-80.993\n"
        "Typo in the code,K7L 0A,46.4917,-80.993\n",
    )
    load = validate_sites(path, base=base)
    assert load.sites["location_precision"].tolist() == ["coordinates", "coordinates"]
    assert load.sites["catchment_id"].tolist() == ["northeast", "northeast"]
    assert load.sites["postal_code"].tolist() == ["K7L 0A1", "K7L 0A"]
    assert problem_keys(load) == [(3, "postal_code", "warning")]
    assert problem_text(load, 3, "postal_code") == (
        "malformed postal code 'K7L 0A' (the site is placed by its coordinates)"
    )


# --------------------------------------------------------------------------------------
# Validation problems


def test_every_problem_with_its_row(base: Base) -> None:
    load = validate_sites(FIXTURES / "problems.csv", base=base)
    assert problem_keys(load) == [
        (3, "name", "error"),
        (4, "location", "error"),
        (5, "latitude, longitude", "error"),
        (6, "longitude", "error"),
        (7, "postal_code", "error"),
        (8, "postal_code", "error"),
        (9, "location", "error"),
        (10, "location", "warning"),
        (11, "site_id", "error"),
        (12, "name", "error"),
        (13, "catchment", "error"),
        (14, "catchment", "error"),
        (15, "in_person", "error"),
        (15, "latitude", "error"),
        (16, "longitude", "error"),
    ]
    p = load.problems.set_index(["row", "field"])
    assert p.loc[(3, "name"), "site"] == "A2"  # no name: the site_id identifies the row
    assert p.loc[(4, "location"), "problem"] == (
        "the site has no location: latitude, longitude and postal code are all blank"
    )
    assert p.loc[(5, "latitude, longitude"), "problem"] == (
        "latitude -79.4 and longitude 43.7 look swapped (Ontario is at latitude 42 to 57 and longitude -95 to -74)"
    )
    assert p.loc[(5, "latitude, longitude"), "fix"] == "swap the two values: latitude 43.7, longitude -79.4"
    assert p.loc[(6, "longitude"), "problem"] == (
        "longitude 79.4 is east of Greenwich; longitudes in Ontario are negative"
    )
    assert p.loc[(6, "longitude"), "fix"] == "add the minus sign: longitude -79.4"
    assert p.loc[(9, "location"), "problem"] == (
        "the site (latitude 45.5017, longitude -73.5673) is 64.0 km outside Ontario's census boundaries "
        "(more than the 5 km allowed)"
    )
    # Row 10's coordinates are downtown Detroit, across the river from Windsor.
    assert p.loc[(10, "location"), "problem"] == (
        "the site is 1.7 km outside Ontario's census boundaries and may be in Quebec, Manitoba or the United "
        "States; it is counted in the nearest census subdivision, Windsor (Windsor–Sarnia)"
    )
    assert p.loc[(11, "site_id"), "problem"] == "duplicate site: site_id 'A1' is already used on row 2"
    assert p.loc[(12, "name"), "problem"] == "duplicate site: row 2 has the same name within 10 m"
    assert p.loc[(13, "catchment"), "problem"] == (
        "the declared catchment is Toronto (toronto) but the location is in Hamilton–Niagara Peninsula "
        "(hamilton-niagara)"
    )
    assert p.loc[(14, "catchment"), "problem"] == "catchment 'Atlantis' is not one of the 15 EST catchments"
    assert p.loc[(14, "catchment"), "fix"].startswith("use a catchment id (durham, york, toronto, peel, halton,")
    assert p.loc[(15, "in_person"), "problem"] == "in_person is 'maybe', which is neither yes nor no"
    assert p.loc[(15, "latitude"), "problem"] == "latitude 'abc' is not a number"
    assert p.loc[(16, "longitude"), "problem"] == "the latitude is given but the longitude is blank"
    assert (load.problems["fix"].str.len() > 10).all()
    assert load.problems["site"].iloc[-1] == "Half Location"
    # The two valid rows: row 2, and row 10 counted in Windsor with a flag.
    assert load.sites["source_row"].tolist() == [2, 10]
    windsor = load.sites.iloc[1]
    assert windsor["catchment_id"] == "windsor-sarnia" and windsor["CSDNAME"] == "Windsor"
    assert 1.0 < windsor["snapped_km"] <= settings.SNAP_TOLERANCE_KM
    assert windsor["flag"] == p.loc[(10, "location"), "problem"]
    assert load.sites["flag"].iloc[0] == ""


@pytest.mark.parametrize(
    ("lat", "lon", "field", "problem", "fix"),
    [
        (
            "-85.5",
            "49.1",
            "latitude, longitude",
            "latitude -85.5 and longitude 49.1 look swapped (Ontario is at latitude 42 to 57 and longitude -95 to -74)",
            "swap the two values: latitude 49.1, longitude -85.5",
        ),
        (
            "85.5",
            "49.1",
            "latitude, longitude",
            "latitude 85.5 and longitude 49.1 look swapped, and the longitude has no minus sign",
            "use latitude 49.1 and longitude -85.5",
        ),
        (
            "49.1",
            "85.5",
            "longitude",
            "longitude 85.5 is east of Greenwich; longitudes in Ontario are negative",
            "add the minus sign: longitude -85.5",
        ),
        (
            "1500000",
            "7200000",
            "latitude, longitude",
            "latitude 1500000 and longitude 7200000 look like metres in a projected coordinate system, not degrees",
            "give WGS 84 decimal degrees (latitude about 42 to 57, longitude about -95 to -74)",
        ),
        (
            "95",
            "-80",
            "latitude, longitude",
            "latitude 95, longitude -80 is not a position on Earth (latitude is -90 to 90, longitude -180 to 180)",
            "check the two values (Ontario: latitude about 42 to 57, longitude about -95 to -74)",
        ),
        (
            "",
            "-80",
            "latitude",
            "the longitude is given but the latitude is blank",
            "add the latitude (decimal degrees north, e.g. 43.6532)",
        ),
        (
            "43.7",
            "79°W",
            "longitude",
            "longitude '79°W' is not a number",
            "write decimal degrees, e.g. -79.3832 (not degrees, minutes and seconds)",
        ),
    ],
)
def test_coordinate_problems(
    tmp_path: Path, base: Base, lat: str, lon: str, field: str, problem: str, fix: str
) -> None:
    path = write(tmp_path, f"name,latitude,longitude\nOK,44.2312,-76.486\nBad,{lat},{lon}\n")
    load = validate_sites(path, base=base)
    assert load.problems[["row", "site", "field", "severity", "problem", "fix"]].values.tolist() == [
        [3, "Bad", field, "error", problem, fix]
    ]
    assert load.sites["name"].tolist() == ["OK"]


def test_distance_outside_ontario_decides_warning_or_error(tmp_path: Path, base: Base) -> None:
    path = write(
        tmp_path,
        "name,latitude,longitude\n"
        "Shore,44.215,-76.5\n"  # 2: 0.48 km out in Lake Ontario off Kingston
        "Lake,44.2,-76.5\n"  # 3: 2.06 km out
        f"Gatineau,{GATINEAU[0]},{GATINEAU[1]}\n"  # 4: across the Ottawa River, in Quebec
        "Quebec 10 km,45.55,-75.70\n"  # 5: 10.06 km north of the Ottawa River
        "Mid lake,43.5,-78.0\n",  # 6: far out in Lake Ontario
    )
    load = validate_sites(path, base=base)
    assert problem_keys(load) == [
        (2, "location", "warning"),
        (3, "location", "warning"),
        (4, "location", "warning"),
        (5, "location", "error"),
        (6, "location", "error"),
    ]
    assert problem_text(load, 2, "location") == (
        "the site is 0.5 km outside every (simplified) census subdivision polygon; it is counted in the nearest "
        "census subdivision, Kingston (Kingston–Pembroke)"
    )
    assert problem_text(load, 3, "location") == (
        "the site is 2.1 km outside Ontario's census boundaries and may be in Quebec, Manitoba or the United "
        "States; it is counted in the nearest census subdivision, Kingston (Kingston–Pembroke)"
    )
    assert problem_text(load, 4, "location") == (
        "the site is 2.5 km outside Ontario's census boundaries and may be in Quebec, Manitoba or the United "
        "States; it is counted in the nearest census subdivision, Ottawa (Ottawa)"
    )
    fixes = load.problems.set_index("row")["fix"]
    assert fixes[4].startswith("check its coordinates")
    assert fixes[2].startswith("nothing if the location is right")
    assert problem_text(load, 5, "location") == (
        "the site (latitude 45.55, longitude -75.7) is 10.1 km outside Ontario's census boundaries "
        "(more than the 5 km allowed)"
    )
    assert problem_text(load, 6, "location") == (
        "the site (latitude 43.5, longitude -78) is 51.5 km outside Ontario's census boundaries "
        "(more than the 5 km allowed)"
    )
    assert load.sites["name"].tolist() == ["Shore", "Lake", "Gatineau"]
    assert load.sites["CSDNAME"].tolist() == ["Kingston", "Kingston", "Ottawa"]
    assert load.sites["snapped_km"].tolist() == pytest.approx([0.479, 2.064, 2.531], abs=0.001)
    assert load.sites[["lat", "lon"]].values.tolist()[0] == [44.215, -76.5]  # the point is not moved
    assert load.dropped["row"].tolist() == [5, 6]


def test_gatineau_is_not_accepted_silently(tmp_path: Path, base: Base) -> None:
    # Inside the coarse census-division union, but 2.5 km outside the census subdivisions.
    path = write(tmp_path, f"name,latitude,longitude\nMaison du Citoyen,{GATINEAU[0]},{GATINEAU[1]}\n")
    load = validate_sites(path, base=base)
    assert problem_keys(load) == [(2, "location", "warning")]
    assert "may be in Quebec, Manitoba or the United States" in load.sites["flag"].iloc[0]
    assert settings.BORDER_WARNING_KM == 1.0 and settings.SNAP_TOLERANCE_KM == 5.0


def _brute_geodesic_km(base: Base, lat: float, lon: float) -> tuple[float, float]:
    """Return (geodesic, planar) km from a point to the census subdivisions, by brute force.

    Geodesic: the shortest WGS 84 distance to the vertices of the nearby polygons' edges,
    densified to 10 m, without any planar nearest-point step.
    """
    site = gpd.GeoSeries([shapely.Point(lon, lat)], crs=settings.DISPLAY_CRS).to_crs(settings.ANALYSIS_CRS).iloc[0]
    polys = base.csds.geometry[base.csds.distance(site) < 30_000]
    planar = float(polys.distance(site).min()) / 1000
    edges = shapely.segmentize(polys.boundary.to_numpy(), 10.0)
    xy = shapely.get_coordinates(edges)
    vertices = gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=settings.ANALYSIS_CRS)
    vertices = vertices.to_crs(settings.DISPLAY_CRS)
    geod = pyproj.Geod(ellps="WGS84")
    _, _, metres = geod.inv(np.full(len(xy), lon), np.full(len(xy), lat), vertices.x.to_numpy(), vertices.y.to_numpy())
    return float(np.min(metres)) / 1000, planar


@pytest.mark.parametrize(("lat", "lon"), [GATINEAU, (45.55, -75.70), (49.8, -95.3), (42.3314, -83.0458)])
def test_distance_outside_is_geodesic(base: Base, lat: float, lon: float) -> None:
    sites = gpd.GeoDataFrame(geometry=[shapely.Point(lon, lat)], crs=settings.DISPLAY_CRS)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(settings, "SNAP_TOLERANCE_KM", 50.0)  # locate even the 10 km sites
        out = locate_sites(sites, base=base)
    geodesic, planar = _brute_geodesic_km(base, lat, lon)
    assert out["snapped_km"].iloc[0] == pytest.approx(geodesic, abs=0.002)
    # EPSG:3347 is 1 % to 1.5 % off here: the planar distance is not what is reported.
    assert abs(planar - geodesic) > 0.02


def test_border_warning_distance_clears_real_ontario_locations(base: Base) -> None:
    # Band offices (bundle): all within BORDER_WARNING_KM of the census subdivisions except
    # the Mohawks of Akwesasne's office, in the part of Akwesasne outside Ontario.
    out = locate_sites(base.first_nations, base=base)
    far = out[out["snapped_km"] > settings.BORDER_WARNING_KM]
    assert far["BAND_NAME"].tolist() == ["Mohawks of Akwesasne"]
    assert far["snapped_km"].iloc[0] == pytest.approx(2.17, abs=0.01)
    assert out.drop(far.index)["snapped_km"].max() < 0.2


def test_outside_ontario_by_postal_code(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, "name,postal_code\nMontréal,H2X 1Y4\n")
    load = validate_sites(path, base=base)
    assert problem_keys(load) == [(2, "location", "error")]
    text = problem_text(load, 2, "location")
    assert text.startswith("the site (postal code H2X 1Y4) is ")
    assert text.endswith(" km outside Ontario's census boundaries (more than the 5 km allowed)")
    assert load.problems["fix"].iloc[0].startswith("check the postal code")


def test_duplicates(tmp_path: Path, base: Base) -> None:
    path = write(
        tmp_path,
        "site_id,name,latitude,longitude\n"
        "1,Kingston Office,44.2312,-76.486\n"  # 2
        "2,kingston  office,44.23124,-76.48604\n"  # 3: same name (case, spaces) 5 m away
        "3,Kingston Office,44.2317,-76.486\n"  # 4: 56 m away: another office
        "4,Other Office,44.2312,-76.486\n"  # 5: same point, other name
        "1,Sudbury,46.4917,-80.993\n"  # 6: same site_id as row 2
        ",Hamilton,43.2557,-79.8711\n"  # 7: generated id row-7
        "row-7,Hamilton East,43.2557,-79.8711\n",  # 8: clashes with the generated id
    )
    load = validate_sites(path, base=base)
    assert problem_keys(load) == [(3, "name", "error"), (6, "site_id", "error"), (8, "site_id", "error")]
    assert problem_text(load, 3, "name") == "duplicate site: row 2 has the same name within 10 m"
    assert problem_text(load, 6, "site_id") == "duplicate site: site_id '1' is already used on row 2"
    assert problem_text(load, 8, "site_id") == "duplicate site: site_id 'row-7' is already used on row 7"
    assert load.sites["site_id"].tolist() == ["1", "3", "4", "row-7"]
    assert load.dropped["row"].tolist() == [3, 6, 8]


def test_declared_catchment_spellings(tmp_path: Path, base: Base) -> None:
    h, s = HAMILTON, SUDBURY
    path = write(
        tmp_path,
        "name,latitude,longitude,catchment\n"
        f"A,{h[0]},{h[1]},hamilton-niagara\n"
        f"B,{h[0]},{h[1]}1,Hamilton-Niagara Peninsula\n"
        f"C,{h[0]},{h[1]}2,HAMILTON – NIAGARA PENINSULA\n"
        f"D,{h[0]},{h[1]}3,Hamilton–Péninsule du Niagara\n"
        f"E,{s[0]},{s[1]},nord-est\n"
        f"F,{s[0]},{s[1]}1,Northeast\n"
        f"G,{s[0]},{s[1]}2,\n",
    )
    load = validate_sites(path, base=base)
    assert load.ok, load.problems
    assert load.sites["declared_catchment"].tolist() == ["hamilton-niagara"] * 4 + ["northeast"] * 2 + [""]


def test_declared_catchment_disagreeing_with_an_approximate_location_is_a_warning(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, "name,postal_code,catchment\nArea only,K7L,ottawa\n")
    load = validate_sites(path, base=base)
    assert problem_keys(load) == [(2, "postal_code", "warning"), (2, "catchment", "warning")]
    assert problem_text(load, 2, "catchment") == (
        "the declared catchment is Ottawa (ottawa) but the location is in Kingston–Pembroke (kingston-pembroke), "
        "placed only approximately"
    )
    assert load.sites["flag"].iloc[0] == " | ".join(load.problems["problem"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", True),
        ("yes", True),
        ("TRUE", True),
        ("1", True),
        ("Oui", True),
        ("no", False),
        ("False", False),
        ("0", False),
        ("NON", False),
    ],
)
def test_in_person_values(tmp_path: Path, base: Base, value: str, expected: bool) -> None:
    path = write(tmp_path, f"name,latitude,longitude,in_person\nA,44.2312,-76.486,{value}\n")
    load = validate_sites(path, base=base)
    assert load.ok
    assert load.sites["in_person"].tolist() == [expected]


def test_blank_rows_keep_spreadsheet_numbers(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, "name,latitude,longitude\r\n\r\nA,44.2312,-76.486\r\n,,\r\n\r\n,44.2312,-76.486\r\n")
    load = validate_sites(path, base=base)
    assert load.sites["source_row"].tolist() == [3]
    assert load.sites["site_id"].tolist() == ["row-3"]
    assert problem_keys(load) == [(6, "name", "error")]
    assert load.n_rows == 2


@pytest.mark.parametrize("above", ["\n", "\r\n", ",,\n", "  \n;;\n", '"","",""\n'])
def test_blank_lines_above_the_header_are_skipped(tmp_path: Path, base: Base, above: str) -> None:
    text = above + "name,latitude,longitude\nA,44.2312,-76.486\n\nB,x,-76.486\n"
    path = write(tmp_path, text)
    load = validate_sites(path, base=base)
    skipped = above.count("\n")
    assert load.sites["name"].tolist() == ["A"]
    assert load.sites["source_row"].tolist() == [skipped + 2]  # header on line skipped + 1
    assert load.sites["site_id"].tolist() == [f"row-{skipped + 2}"]
    assert problem_keys(load) == [(skipped + 4, "latitude", "error")]
    assert load.n_rows == 2


def test_blank_first_line_csv_utf16_semicolon(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, "\r\nnom;latitude;longitude\r\nBureau;46,4917;-80,9930\r\n", encoding="utf-16")
    load = validate_sites(path, base=base)
    assert load.ok and load.sites["source_row"].tolist() == [3]


def test_blank_rows_above_the_header_in_xlsx(tmp_path: Path, base: Base) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A3"], sheet["B3"], sheet["C3"] = "name", "latitude", "longitude"
    sheet["A4"], sheet["B4"], sheet["C4"] = "Kingston", KINGSTON[0], KINGSTON[1]
    sheet["A6"], sheet["B6"], sheet["C6"] = "Bad", "abc", KINGSTON[1]
    book.save(tmp_path / "sites.xlsx")
    load = validate_sites(tmp_path / "sites.xlsx", base=base)
    assert load.sites["source_row"].tolist() == [4]
    assert problem_keys(load) == [(6, "latitude", "error")]


def test_quoted_multiline_cell_counts_as_one_row(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, 'name,address,latitude,longitude\nA,"1 Main St\nUnit 2",44.2312,-76.486\nB,,x,-76.486\n')
    load = validate_sites(path, base=base)
    assert load.sites["address"].tolist() == ["1 Main St\nUnit 2"]
    assert problem_keys(load) == [(3, "latitude", "error")]


# --------------------------------------------------------------------------------------
# Whole-file problems


def test_missing_file(tmp_path: Path, base: Base) -> None:
    with pytest.raises(InputError, match=r"Site file nope\.csv not found"):
        validate_sites(tmp_path / "nope.csv", base=base)


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\n\n  \n"])
def test_empty_file(tmp_path: Path, base: Base, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"Site file empty\.csv is empty"):
        validate_sites(path, base=base)


@pytest.mark.parametrize("content", ["name,latitude,longitude\n", "name,latitude,longitude\n,,\n\n"])
def test_header_only_csv(tmp_path: Path, base: Base, content: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(InputError, match=r"offices\.csv has a header row but no sites"):
        validate_sites(path, base=base)


def test_header_only_xlsx(tmp_path: Path, base: Base) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(TEMPLATE_COLUMNS))
    book.save(tmp_path / "template.xlsx")
    with pytest.raises(InputError, match=r"template\.xlsx has a header row but no sites"):
        validate_sites(tmp_path / "template.xlsx", base=base)


def test_empty_geojson(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, '{"type": "FeatureCollection", "features": []}', name="none.geojson")
    with pytest.raises(InputError, match=r"none\.geojson has no features"):
        validate_sites(path, base=base)


def test_broken_files(tmp_path: Path, base: Base) -> None:
    bad_xlsx = write(tmp_path, "name\nnot a workbook\n", name="fake.xlsx")
    with pytest.raises(InputError, match=r"fake\.xlsx is not an Excel \.xlsx workbook: its content does not match"):
        validate_sites(bad_xlsx, base=base)
    bad_json = write(tmp_path, "{not json", name="bad.geojson")
    with pytest.raises(InputError, match=r"bad\.geojson could not be read as GeoJSON"):
        validate_sites(bad_json, base=base)
    bad_zip = write(tmp_path, "not a zip", name="bad.zip")
    with pytest.raises(InputError, match=r"bad\.zip is not a valid zip archive"):
        validate_sites(bad_zip, base=base)
    ragged = write(tmp_path, "name,latitude,longitude\nA,44.2,-76.5\nB, Inc,44.2,-76.5\n", name="ragged.csv")
    with pytest.raises(InputError, match=r"(?s)ragged\.csv: 1 row\(s\) have more values.*quotes.*row 3 has 4 values"):
        validate_sites(ragged, base=base)


def test_oversized_file_is_refused_before_parsing(tmp_path: Path, base: Base, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.csv"
    row = b"Some site,44.2312,-76.486\n"
    with path.open("wb") as f:
        f.write(b"name,latitude,longitude\n")
        f.write(row * (50_000_000 // len(row) + 1))
    assert path.stat().st_size > 50_000_000

    def no_read(self: Path) -> bytes:
        raise AssertionError(f"{self} was read although it is over the size limit")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    with pytest.raises(InputError) as info:
        validate_sites(path, base=base)
    assert str(info.value).startswith("Site file huge.csv is 50.0 MB; the limit for a site file is 25 MB.")


def test_oversized_zip_content_is_refused(tmp_path: Path, base: Base, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "SITE_FILE_MAX_MB", 1)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("sites.shp", b"\0" * 2_000_000)
    assert archive.stat().st_size < 1_000_000
    with pytest.raises(InputError, match=r"bomb\.zip unzips to 2\.0 MB; the limit for a site file is 1 MB"):
        validate_sites(archive, base=base)


# --------------------------------------------------------------------------------------
# Refusing, skipping and the problem table


def test_read_sites_refuses_a_file_with_errors(base: Base) -> None:
    with pytest.raises(SiteValidationError) as info:
        read_sites(FIXTURES / "problems.csv", base=base)
    err = info.value
    assert isinstance(err, InputError)
    assert err.summary == (
        "13 of 15 rows in problems.csv have problems; fix them and load the file again, or go ahead without these "
        "rows."
    )
    assert err.parameter == "skip_invalid"  # the command line and the app each say how
    assert len(err.problems) == 11
    assert err.problems[0] == "row 3 (A2): the site has no name. Fix: write the site's name in the name column."
    assert err.problems[-1] == "and 4 more: the full problem table lists every one"
    expected = validate_sites(FIXTURES / "problems.csv", base=base)
    pd.testing.assert_frame_equal(err.load.problems, expected.problems)
    assert len(err.load.problems) == 15


def test_problem_table_hint_names_the_file(tmp_path: Path, base: Base) -> None:
    rows = "".join(f"Site {i},abc,-76.486\n" for i in range(12))
    path = write(tmp_path, "name,latitude,longitude\n" + rows, name="tmp123")
    with pytest.raises(SiteValidationError) as info:
        read_sites(path, base=base, name="Bureaux 2024.csv")
    assert info.value.problems[-1] == "and 2 more: the full problem table lists every one"
    from esr_geo.cli import _validate_hint  # the command line names its own command

    assert _validate_hint(info.value) == (
        '`esr-geo validate "Bureaux 2024.csv"` lists every problem with its row and fix.'
    )


def test_skip_invalid_keeps_every_row_accounted_for(base: Base) -> None:
    load = read_sites(FIXTURES / "problems.csv", base=base, skip_invalid=True)
    raw = pd.read_csv(FIXTURES / "problems.csv", dtype=str, keep_default_na=False)
    assert len(load.sites) + len(load.dropped) == len(raw) == 15
    assert not load.ok
    assert load.sites["site_id"].tolist() == ["A1", "A9"]
    assert load.dropped["row"].tolist() == [3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16]
    assert list(load.dropped.columns) == ["row", "reason", *raw.columns]
    bad_types = load.dropped.set_index("row").loc[15]
    assert bad_types["reason"] == "in_person is 'maybe', which is neither yes nor no | latitude 'abc' is not a number"
    assert (bad_types["site_id"], bad_types["latitude"], bad_types["in_person"]) == ("A13", "abc", "maybe")
    assert set(load.dropped["site_id"]) | set(load.sites["site_id"]) == set(raw["site_id"])


def test_skip_invalid_with_no_valid_row_still_refuses(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, "name,latitude,longitude\n,44.2,-76.5\nB,abc,-76.5\n")
    with pytest.raises(SiteValidationError, match=r"^2 of 2 rows in offices\.csv have problems; no row can be used"):
        read_sites(path, base=base, skip_invalid=True)


def test_valid_file_passes_read_sites(tmp_path: Path, base: Base) -> None:
    path = write(tmp_path, "name,latitude,longitude\nA,44.2312,-76.486\n")
    load = read_sites(path, base=base)
    assert load.ok and len(load.sites) == 1 and load.dropped.empty
    assert list(load.dropped.columns) == ["row", "reason", "name", "latitude", "longitude"]


def test_reading_does_not_touch_the_file(base: Base) -> None:
    path = FIXTURES / "problems.csv"
    before = path.read_bytes()
    validate_sites(path, base=base)
    assert path.read_bytes() == before


def test_ten_thousand_sites(tmp_path: Path, base: Base) -> None:
    # How long this takes is measured in benchmarks/bench_uploads.py, not here.
    rng = np.random.default_rng(1)
    n = 10_000
    lat = rng.uniform(45.0, 46.0, n).round(5)  # inland eastern / central Ontario
    lon = rng.uniform(-79.5, -77.5, n).round(5)
    frame = pd.DataFrame({"site_id": [f"S{i}" for i in range(n)], "name": [f"Site {i}" for i in range(n)]})
    frame["latitude"], frame["longitude"] = lat, lon
    frame["postal_code"] = "K7L 0A1"
    frame.to_csv(tmp_path / "big.csv", index=False)
    load = validate_sites(tmp_path / "big.csv", base=base)
    assert load.n_rows == n
    assert len(load.sites) == n - int((load.problems["severity"] == "error").sum())
    assert len(load.sites) > 9_000


# --------------------------------------------------------------------------------------
# Demonstration layer


def test_demo_layer(base: Base) -> None:
    load = demo_sites(base)
    raw = data.load_service_canada_sites(base.data_dir)
    assert load.is_demo and load.source == DEMO_LABEL
    assert load.ok and load.dropped.empty
    check_site_frame(load.sites)
    assert len(load.sites) == 168
    assert load.sites["site_id"].tolist() == raw["site_id"].tolist()
    assert set(load.sites["catchment_id"]) == set(base.catchments["catchment_id"])
    assert load.sites["CSDUID"].str.fullmatch(r"35\d{5}").all()
    assert load.sites["in_person"].all()
    assert (load.sites["organisation"] == "Service Canada").all()
    assert (load.sites["location_precision"] == "community").all()
    assert load.sites["site_type"].tolist() == raw["site_type"].tolist()
    assert load.sites["city"].tolist() == raw["community"].tolist()
    # Two outreach sites fall tens of metres outside the simplified CSD polygons: warnings only.
    assert problem_keys(load) == [(101, "location", "warning"), (149, "location", "warning")]
    snapped = load.sites[load.sites["snapped_km"] > 0]
    assert snapped["site_id"].tolist() == ["ON-SAV", "ON-SFZ"]
    assert snapped["CSDNAME"].tolist() == ["Blind River", "Kenora, Unorganized"]
    assert snapped["snapped_km"].between(0.01, 0.1).all()
    assert (snapped["flag"] != "").all() and (load.sites.drop(snapped.index)["flag"] == "").all()
    # Overlapping simplified polygons: a reserve wins over the unorganised area around it.
    by_id = load.sites.set_index("site_id")
    assert by_id.loc["ON-CAI", "CSDNAME"] == "Kasabonika Lake"
    assert by_id.loc["ON-SEB", "CSDNAME"] == "Akwesasne (Part) 59"
    assert by_id.loc["3582", "catchment_id"] == "kitchener-waterloo-barrie"


def test_read_sites_without_a_path_is_the_demo(base: Base) -> None:
    load = read_sites(None, base=base)
    assert load.is_demo and len(load.sites) == 168


# --------------------------------------------------------------------------------------
# locate_sites


def test_locate_sites_does_not_modify_its_input(base: Base) -> None:
    sites = gpd.GeoDataFrame(
        {"label": ["kingston", "far", "none"], "catchment_id": ["x", "x", "x"]},
        geometry=[shapely.Point(KINGSTON[1], KINGSTON[0]), shapely.Point(2.35, 48.85), None],
        crs=settings.DISPLAY_CRS,
        index=[10, 20, 30],
    ).to_crs(settings.EXPORT_CRS)
    before = sites.copy()
    out = locate_sites(sites, base=base)
    assert_geodataframe_equal(sites, before)
    assert out.crs == sites.crs and out.index.tolist() == [10, 20, 30]
    assert out["catchment_id"].tolist() == ["kingston-pembroke", "", ""]
    assert out["CSDUID"].tolist() == ["3510010", "", ""]
    assert out["CSDNAME"].tolist() == ["Kingston", "", ""]
    assert out["snapped_km"].iloc[0] == 0.0 and out["snapped_km"].iloc[1:].isna().all()


SNAPPED_KM_MEANING = (
    "distance from the site to the census subdivision it was assigned to (0 inside); the point itself is not moved"
)


def test_snapped_km_means_the_same_everywhere() -> None:
    def flat(text: str) -> str:
        return " ".join(text.replace("#:", " ").split()).lower()

    unit, meaning = export.FIELD_INFO["snapped_km"]
    assert unit == "km" and flat(meaning) == SNAPPED_KM_MEANING + "."
    readme = (settings.PROJECT_DATA_DIR / "offices" / "README.md").read_text(encoding="utf-8")
    assert SNAPPED_KM_MEANING in flat(readme)
    for doc in (SiteLoad.__doc__, locate_sites.__doc__):
        assert SNAPPED_KM_MEANING in flat(doc or "")
    assert "moved onto" not in flat(meaning)


def test_locate_sites_needs_a_crs(base: Base) -> None:
    sites = gpd.GeoDataFrame({"label": ["a"]}, geometry=[shapely.Point(KINGSTON[1], KINGSTON[0])])
    with pytest.raises(InputError, match="no coordinate reference system"):
        locate_sites(sites, base=base)


def test_long_and_invisible_text_is_a_row_error(tmp_path: Path, base: Base) -> None:
    long_name = "Kenora " * 3_000  # 21,000 characters: copied into every result row, it would take gigabytes
    path = write(
        tmp_path,
        f"site_id,name,latitude,longitude\nS1,{long_name},49.77,-94.49\nS2,Dry\x07den,49.78,-92.8\n"
        f"{'X' * 65},Sioux Lookout,50.1,-91.92\nS4,\"Red\nLake\",51.02,-93.83\n",
    )
    load = validate_sites(path, base=base)
    assert problem_keys(load) == [(2, "name", "error"), (3, "name", "error"), (4, "site_id", "error")]
    assert problem_text(load, 2, "name") == "name is 20,999 characters long; at most 200 are accepted"
    assert problem_text(load, 3, "name") == "name holds a control character ('Dry\\x07den')"
    assert load.problems["site"].str.len().max() <= 60
    assert load.sites["name"].tolist() == ["Red\nLake"]  # a line break inside a quoted cell is fine
