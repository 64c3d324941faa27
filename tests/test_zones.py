from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

from esr_geo import i18n, settings, zones
from esr_geo.errors import InputError
from esr_geo.model import Base
from esr_geo.offices import fold_header


def test_default_zones(base: Base) -> None:
    z = zones.default_zones(base)
    assert len(z) == 11
    assert set(z["catchment_id"]) == {"northeast", "northwest"}
    assert "Greater Sudbury / Grand Sudbury" in set(z["zone"])
    pts = base.points.assign(zone=zones.assign_points(base.points, z))
    by_zone = pts.groupby("zone")["population"].sum()
    assert by_zone["Kenora"] == 66_000  # census division total, exactly
    assert int(by_zone.sum()) == 557_220 + 232_299


def _toy_zone_inputs() -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    z = gpd.GeoDataFrame(
        {"zone_id": ["Z", "Y"], "zone": ["Z", "Y"], "catchment_id": ["c", "c"], "basis": "polygon", "members": ""},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
        crs=3347,
    )
    points = pd.DataFrame(
        {
            "zone": ["Z", "Z", "Z", "Y"],
            "population": [100, 50, 30, 10],
            "is_reserve": [False, False, True, False],
            "within": [True, False, False, True],
        }
    )
    sites = pd.DataFrame({"zone": ["Z", None], "in_person": [True, True]})
    return z, points, sites


def test_evaluate_zones_by_hand() -> None:
    z, points, sites = _toy_zone_inputs()
    table = zones.evaluate_zones(z, points, sites, min_sites=1, min_share=0.9).set_index("zone")
    # Z: 150 non-reserve people, 100 within -> 66.67 %; the 30 on reserve are apart
    assert table.at["Z", "population"] == 180
    assert table.at["Z", "reserve_population"] == 30
    assert table.at["Z", "pct_within_threshold"] == pytest.approx(100 * 100 / 150)
    assert not table.at["Z", "passes"]
    # the table carries reason codes; words are made by i18n where it is shown or written
    assert not table.at["Z", "short_of_sites"] and table.at["Z", "short_of_share"]
    worded = i18n.in_words(table.reset_index(), min_sites=1, min_share=0.9, lang="en").set_index("zone")
    assert "only 66.7% of non-reserve residents are within reach (50 people beyond)" in worded.at["Z", "reason"]
    assert "short_of_sites" not in worded.columns
    # Y: everyone within, but no site inside the zone
    assert not table.at["Y", "passes"] and table.at["Y", "short_of_sites"] and not table.at["Y", "short_of_share"]
    assert worded.at["Y", "reason"] == "0 in-person sites inside the zone; at least 1 required"
    french = i18n.in_words(table.reset_index(), min_sites=1, min_share=0.9, lang="fr").set_index("zone")
    assert french.at["Y", "reason"] != worded.at["Y", "reason"] and "1" in french.at["Y", "reason"]
    relaxed = zones.evaluate_zones(z, points, sites, min_sites=0, min_share=0.6).set_index("zone")
    assert relaxed["passes"].all() and not (relaxed["short_of_sites"] | relaxed["short_of_share"]).any()


def test_evaluate_zones_rejects_bad_criteria() -> None:
    z, points, sites = _toy_zone_inputs()
    with pytest.raises(InputError, match="min_share must be a share between 0 and 1"):
        zones.evaluate_zones(z, points, sites, min_share=90)


def test_csv_zones(base: Base, tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_text(
        "CSDUID,zone\n3553005,Sudbury city\n3552093,Sudbury north\n3552092,Sudbury north\n", encoding="utf-8"
    )
    z = zones.read_zones(path, base=base)
    assert sorted(z["zone"]) == ["Sudbury city", "Sudbury north"]
    assert set(z["basis"]) == {"CSDUID"}
    assert (z["catchment_id"] == "northeast").all()
    pts = zones.assign_points(base.points, z)
    city = base.points.loc[pts == "Sudbury city", "population"].sum()
    assert city == base.points.loc[base.points["CSDUID"] == "3553005", "population"].sum() > 150_000


def test_csv_zone_problems_listed_together(base: Base, tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_text("CSDUID,zone\n3553005,A\n9999999,B\n3553005,C\n3552093,\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        zones.read_zones(path, base=base)
    msg = str(err.value)
    assert "row 3: '9999999' is not a 2021 Ontario census subdivision code" in msg
    assert "row 4: CSD 3553005 is already in a zone on row 2" in msg
    assert "row 5: zone name is empty" in msg


def test_csv_zones_missing_columns(base: Base, tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_text("code,area\n3553005,A\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs a census subdivision column"):
        zones.read_zones(path, base=base)


def test_polygon_zones(base: Base, tmp_path: Path) -> None:
    # two boxes in lon/lat around Thunder Bay and around Kenora
    frame = gpd.GeoDataFrame(
        {"name": ["Thunder Bay area", "Kenora area"]},
        geometry=[shapely.box(-89.6, 48.2, -88.9, 48.7), shapely.box(-94.7, 49.6, -94.2, 49.9)],
        crs=4326,
    )
    path = tmp_path / "z.geojson"
    frame.to_file(path, driver="GeoJSON")
    z = zones.read_zones(path, base=base)
    assert set(z["zone"]) == {"Thunder Bay area", "Kenora area"}
    assert (z["catchment_id"] == "northwest").all()
    assert z.crs == "EPSG:3347"


def test_polygon_zones_errors(base: Base, tmp_path: Path) -> None:
    overlapping = gpd.GeoDataFrame(
        {"zone": ["a", "b"]},
        geometry=[shapely.box(-89.6, 48.2, -88.9, 48.7), shapely.box(-89.3, 48.3, -88.5, 48.9)],
        crs=4326,
    )
    path = tmp_path / "o.gpkg"
    overlapping.to_file(path)
    with pytest.raises(InputError, match="zones must not overlap"):
        zones.read_zones(path, base=base)
    nowhere = gpd.GeoDataFrame({"zone": ["sea"]}, geometry=[shapely.box(-40, 30, -39, 31)], crs=4326)
    path2 = tmp_path / "n.gpkg"
    nowhere.to_file(path2)
    with pytest.raises(InputError, match="no census population falls inside zone"):
        zones.read_zones(path2, base=base)
    bad = tmp_path / "z.txt.xyz"
    bad.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="unsupported format"):
        zones.read_zones(bad, base=base)


# --------------------------------------------------------------------------------------
# Zones files are read by the site-file readers (esr_geo.offices)

SUDBURY_ROWS = [("3553005", "Sudbury city"), ("3552093", "Grand Sudbury nord"), ("3552092", "Grand Sudbury nord")]


def _zone_table_bytes(sep: str, encoding: str, *, header: str = "CSDUID{sep}zone", above: str = "") -> bytes:
    lines = [header.format(sep=sep)] + [f"{code}{sep}{zone}" for code, zone in SUDBURY_ROWS]
    return (above + "\r\n".join(lines) + "\r\n").encode(encoding)


def _check_sudbury(z: gpd.GeoDataFrame) -> None:
    assert sorted(z["zone"]) == ["Grand Sudbury nord", "Sudbury city"]
    assert set(z["basis"]) == {"CSDUID"}
    members = dict(zip(z["zone"], z["members"], strict=True))
    assert members == {"Sudbury city": "3553005", "Grand Sudbury nord": "3552092 3552093"}


@pytest.mark.parametrize(
    ("name", "sep", "encoding"),
    [
        ("zones.csv", ";", "utf-8"),  # French-locale Excel
        ("zones.csv", ",", "utf-8-sig"),  # Excel "CSV UTF-8"
        ("zones.txt", "\t", "utf-16"),  # Excel "Unicode text": UTF-16 with BOM, tab separated
        ("zones.csv", ";", "cp1252"),  # older Excel "CSV"
    ],
)
def test_zone_tables_in_every_site_file_encoding(
    base: Base, tmp_path: Path, name: str, sep: str, encoding: str
) -> None:
    path = tmp_path / name
    path.write_bytes(_zone_table_bytes(sep, encoding))
    _check_sudbury(zones.read_zones(path, base=base))


def test_zone_table_with_accents_in_cp1252(base: Base, tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_bytes("CSDUID;zone\n3553005;Zone été – Sudbury\n".encode("cp1252"))
    z = zones.read_zones(path, base=base)
    assert z["zone"].tolist() == ["Zone été – Sudbury"]


def test_unparseable_cp1252_zone_table_is_an_input_error(base: Base, tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_bytes("CSDUID,zone\n3553005,Rivière\n3552093,Zone, nord\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"(?s)Zones file zones\.csv: 1 row\(s\) have more values.*row 3 has 3 values"):
        zones.read_zones(path, base=base)


def test_zone_table_in_xlsx(base: Base, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["CSD UID", "Zone Name"])
    for code, zone in SUDBURY_ROWS:
        sheet.append([int(code), zone])  # codes typed as numbers
    path = tmp_path / "upload-1"
    book.save(path)
    _check_sudbury(zones.read_zones(path, base=base, name="Zones 2025.xlsx"))


def test_zone_headers_folded_as_site_headers(base: Base, tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_bytes(_zone_table_bytes(",", "utf-8", header="  CSD-UID. {sep}Nom de la zone"))
    _check_sudbury(zones.read_zones(path, base=base))
    for header in ("CSD-UID.", "csd uid", "Csduid"):
        assert fold_header(header) == "csduid"


def test_zone_table_rows_are_spreadsheet_rows(base: Base, tmp_path: Path) -> None:
    # A blank line above the header: the header is row 2 and the first zone row 3.
    path = tmp_path / "zones.csv"
    path.write_text("\nCSDUID,zone\n3553005,A\n\n9999999,B\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        zones.read_zones(path, base=base)
    assert err.value.problems == [
        "row 5: '9999999' is not a 2021 Ontario census subdivision code; write the 7-digit CSDUID (e.g. 3553005)."
    ]


def test_zone_table_with_header_only(base: Base, tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_text("CSDUID;zone\n;\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"Zones file zones\.csv has a header row but no zones\. Add one row per"):
        zones.read_zones(path, base=base)


def _zone_shapefile(folder: Path) -> list[Path]:
    folder.mkdir(parents=True)
    frame = gpd.GeoDataFrame(
        {"zone": ["Thunder Bay area", "Kenora area"]},
        geometry=[shapely.box(-89.6, 48.2, -88.9, 48.7), shapely.box(-94.7, 49.6, -94.2, 49.9)],
        crs=4326,
    )
    frame.to_file(folder / "zones.shp")
    return sorted(folder.iterdir())


def test_zipped_shapefile_zones(base: Base, tmp_path: Path) -> None:
    parts = _zone_shapefile(tmp_path / "shp")
    archive = tmp_path / "zones.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in parts:
            zf.write(p, f"my zones/{p.name}")
    z = zones.read_zones(archive, base=base)
    assert set(z["zone"]) == {"Thunder Bay area", "Kenora area"}
    assert set(zones.read_zones(tmp_path / "shp" / "zones.shp", base=base)["zone"]) == set(z["zone"])


def test_unsafe_zip_of_zones_is_refused(base: Base, tmp_path: Path) -> None:
    work = tmp_path / "work"
    parts = _zone_shapefile(work / "shp")
    archive = work / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in parts:
            zf.write(p, p.name)
        zf.writestr("../evil.shp", b"not a shapefile")
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(InputError, match=r"^Zones file evil\.zip was refused: .*'\.\./evil\.shp'"):
        zones.read_zones(archive, base=base)
    assert sorted(tmp_path.rglob("*")) == before


def test_zip_with_two_zone_layers_is_refused(base: Base, tmp_path: Path) -> None:
    parts = _zone_shapefile(tmp_path / "shp")
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in parts:
            zf.write(p, p.name)
            zf.write(p, f"copy/{p.name}")
    with pytest.raises(InputError, match=r"two\.zip holds 2 shapefiles .*; zip only the zone layer"):
        zones.read_zones(archive, base=base)


def test_zones_file_size_limit(base: Base, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "ZONES_FILE_MAX_MB", 1)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zones.shp", b"\0" * 2_000_000)
    with pytest.raises(InputError, match=r"bomb\.zip unzips to 2\.0 MB; the limit for a zones file is 1 MB"):
        zones.read_zones(archive, base=base)


def test_polygon_zone_problems_numbered_as_rows(base: Base, tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"zone": ["ok", "", "point"]},
        geometry=[shapely.box(-89.6, 48.2, -88.9, 48.7), shapely.box(-94.7, 49.6, -94.2, 49.9), shapely.Point(-80, 46)],
        crs=4326,
    )
    path = tmp_path / "z.geojson"
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(InputError) as err:
        zones.read_zones(path, base=base)
    assert "fix these features (numbered as spreadsheet rows: feature 1 is row 2)" in str(err.value)
    assert err.value.problems == [
        "row 3 (feature 2): zone name is empty; write the zone's name.",
        "row 4 (feature 3): geometry is a Point, not a polygon; draw the zone as a polygon.",
    ]


def test_polygon_zones_without_crs(base: Base, tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"zone": ["a"]}, geometry=[shapely.box(-89.6, 48.2, -88.9, 48.7)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame.to_file(tmp_path / "nocrs.gpkg")
    with pytest.raises(InputError, match=r"nocrs\.gpkg declares no coordinate reference system, so its polygons"):
        zones.read_zones(tmp_path / "nocrs.gpkg", base=base)


def test_long_or_invisible_zone_names_are_refused(base: Base, tmp_path: Path) -> None:
    path = tmp_path / "zones.csv"
    path.write_text(f"CSDUID,zone\n3553005,{'N' * 201}\n3552093,North\x07east\n3560010,{'x' * 100_000}\n")
    with pytest.raises(InputError) as info:
        zones.read_zones(path, base=base)
    assert info.value.problems[:2] == [
        "row 2: zone name is 201 characters long; shorten it to 200 or fewer.",
        "row 3: zone name 'North\\x07east' holds an invisible control character; retype it.",
    ]
    assert len(str(info.value)) < 2_000  # the 100,000-character name is counted, not echoed
