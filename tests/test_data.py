from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from esr_geo import data, settings
from esr_geo.errors import DataError


def test_census_divisions(data_dir: Path) -> None:
    cds = data.load_census_divisions(data_dir)
    assert len(cds) == 49
    assert cds.crs == "EPSG:3347"
    assert cds["CDUID"].str.fullmatch(r"35\d\d").all()
    assert cds.is_valid.all()
    assert (cds.geom_type == "MultiPolygon").all()


def test_cd_population_total(data_dir: Path) -> None:
    pop = data.load_cd_population(data_dir)
    assert int(pop["POP2021"].sum()) == 14_223_942
    assert pop.set_index("CDUID").at["3520", "POP2021"] == 2_794_356


def test_census_subdivisions(data_dir: Path) -> None:
    csds = data.load_census_subdivisions(data_dir)
    assert len(csds) == 577
    assert csds.crs == "EPSG:4326"
    assert csds.is_valid.all()
    assert (csds["CSDUID"].str[:4] == csds["CDUID"]).all()


def test_remoteness_keeps_blanks(data_dir: Path) -> None:
    ir = data.load_remoteness(data_dir)
    assert len(ir) == 577
    assert sorted(ir.loc[ir["remoteness_index"].isna(), "CSDUID"]) == ["3560050", "3560077", "3560097"]
    assert ir["census_population"].isna().sum() == 13
    assert int(ir["census_population"].sum()) == 14_223_942


def test_da_population_and_blocks(data_dir: Path) -> None:
    da = data.load_da_population(data_dir)
    assert len(da) == 20_468
    assert da["POP2021"].isna().sum() == 60
    blocks = data.load_block_points(data_dir)
    assert len(blocks) == 137_843
    assert blocks["DBUID"].str.len().eq(11).all()


def test_first_nations_and_offices(data_dir: Path) -> None:
    fn = data.load_first_nations(data_dir)
    assert len(fn) == 139 and fn.crs == "EPSG:4326"
    sites = data.load_service_canada_sites(data_dir)
    assert len(sites) == 168
    assert sites["site_id"].is_unique


def test_check_bundle_reports_every_file(data_dir: Path) -> None:
    report = data.check_bundle(data_dir)
    assert report.ok
    assert len(report.files) == len(data.BUNDLE_FILES)
    text = report.to_text()
    assert "14,223,942" in text and "All checks passed" in text


def test_missing_bundle_names_dir_files_and_fix(tmp_path: Path) -> None:
    with pytest.raises(DataError) as err:
        data.require_bundle(tmp_path)
    msg = str(err.value)
    assert str(tmp_path) in msg
    assert "statcan/census_divisions_2021.gpkg" in msg
    assert settings.DATA_DIR_ENV in msg
    assert f"{len(data.BUNDLE_FILES)} file(s) not found" in msg


def test_partial_bundle_names_only_missing(bundle_copy: Path) -> None:
    (bundle_copy / "isc" / "first_nations_locations.csv").unlink()
    with pytest.raises(DataError, match=r"1 file\(s\) not found: isc/first_nations_locations.csv"):
        data.require_bundle(bundle_copy)


def test_env_variable_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(tmp_path))
    assert settings.data_dir() == tmp_path
    assert settings.data_dir("/x") == Path("/x")


def test_broken_population_total_is_refused(bundle_copy: Path) -> None:
    path = bundle_copy / "statcan" / "census_divisions_population_2021.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # drop Kenora
    with pytest.raises(DataError, match=r"census_divisions_population_2021\.csv has 48 rows; expected 49"):
        data.load_cd_population(bundle_copy)
    report = data.check_bundle(bundle_copy)
    assert not report.ok
    assert "FAIL" in report.to_text()


def test_missing_column_is_named(bundle_copy: Path) -> None:
    path = bundle_copy / "statcan" / "dissemination_area_population_2021.csv"
    text = path.read_text(encoding="utf-8").replace("POP2021", "POPULATION", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"lacks the column.*POP2021"):
        data.load_da_population(bundle_copy)


def test_polygon_without_crs_is_refused(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"CDUID": ["3501"], "CDNAME": ["x"], "CDTYPE": ["CTY"], "LANDAREA": [1.0]},
        geometry=[shapely.box(0, 0, 1, 1)],
    )
    (tmp_path / "statcan").mkdir()
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        frame.to_file(tmp_path / "statcan" / "census_divisions_2021.gpkg", layer="census_divisions")
    with pytest.raises(DataError, match="declares no coordinate reference system"):
        data.load_census_divisions(tmp_path)


def test_polygonal_repairs_bowtie() -> None:
    bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
    assert not bowtie.is_valid
    fixed = data.polygonal(gpd.GeoSeries([bowtie], crs=3347))
    assert fixed.is_valid.all()
    assert fixed.iloc[0].geom_type == "MultiPolygon"
    assert fixed.iloc[0].area == pytest.approx(2.0)


def test_attributions_cover_every_licence() -> None:
    text = data.attribution_text()
    assert "Statistics Canada" in text
    assert "Open Government Licence – Canada" in text
    assert "GeoNames" in text and "CC BY 4.0" in text
    assert text.count("does not constitute an endorsement") == 8


def test_text_in_a_number_column_names_the_row(bundle_copy: Path) -> None:
    path = bundle_copy / "statcan" / "census_divisions_population_2021.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",abc"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        DataError, match=r"column POP2021 must hold numbers on every row; not a number on row 4 \('abc'\)"
    ):
        data.load_cd_population(bundle_copy)
    report = data.check_bundle(bundle_copy)
    assert not report.ok and "row 4" in report.to_text()


def test_malformed_remoteness_index_is_not_turned_into_blank(bundle_copy: Path) -> None:
    path = bundle_copy / "statcan" / "index_of_remoteness_2021_ontario.csv"
    text = path.read_text(encoding="utf-8").replace("0.13548979027664576", '"0,1355"', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"Index_of_remoteness must hold numbers; not a number on row 2 \('0,1355'\)"):
        data.load_remoteness(bundle_copy)


def test_missing_bundle_given_on_the_command_line_says_so(tmp_path: Path) -> None:
    with pytest.raises(DataError) as err:
        data.require_bundle(tmp_path / "nope")
    msg = str(err.value)
    assert f"{tmp_path / 'nope'} (from the data folder given) does not exist" in msg
    # listed once, not twice
    assert f"{len(data.BUNDLE_FILES)} file(s) not found" in msg and "Expected these files" not in msg
    assert "Check that path" in msg


def _one_file(tmp_path: Path, data_dir: Path, name: str) -> Path:
    """Copy one bundle file into tmp_path (the loaders need only their own file) and return it."""
    rel = data.BUNDLE_FILES[name]
    (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(data_dir / rel, tmp_path / rel))


def _zero_bytes(at: int) -> Callable[[bytes], bytes]:
    return lambda b: b[:at] + b"\0" * 16 + b[at + 16 :]


@pytest.mark.parametrize(
    ("name", "damage", "expected"),
    [
        # EOFError: the gzip stream ends early
        ("dissemination_block_points", lambda b: b[: len(b) // 2], "truncated or corrupt: its compressed data"),
        # zlib.error: the deflate data is damaged
        ("dissemination_block_points", _zero_bytes(1000), "truncated or corrupt: its compressed data"),
        # gzip.BadGzipFile: the CRC at the end is wrong, or there is no gzip header at all
        ("dissemination_block_points", lambda b: b[:-8] + b"\0" * 8, "truncated or corrupt: its compressed data"),
        ("dissemination_block_points", lambda b: b"DBUID,X,Y\n", "truncated or corrupt: its compressed data"),
        # pandas ParserError: damage that decompresses into text with the wrong number of fields
        ("dissemination_block_points", _zero_bytes(50_000), "truncated or corrupt (Error tokenizing data"),
        # UnicodeDecodeError
        ("dissemination_area_population", lambda b: b[:200] + b"\xff\xfe" + b[202:], "is corrupt or not UTF-8 text"),
        # pandas EmptyDataError
        ("census_divisions_population", lambda b: b"", "is empty (truncated or corrupt)"),
        # pyogrio DataSourceError (a RuntimeError)
        ("census_subdivisions", lambda b: b[: len(b) // 2], "database disk image is malformed"),
        ("census_divisions", lambda b: b"hello" * 100, "is truncated or corrupt"),
    ],
)
def test_damaged_file_is_a_data_error_naming_it(
    tmp_path: Path, data_dir: Path, name: str, damage: Callable[[bytes], bytes], expected: str
) -> None:
    path = _one_file(tmp_path, data_dir, name)
    path.write_bytes(damage(path.read_bytes()))
    loader = {
        "dissemination_block_points": data.load_block_points,
        "dissemination_area_population": data.load_da_population,
        "census_divisions_population": data.load_cd_population,
        "census_subdivisions": data.load_census_subdivisions,
        "census_divisions": data.load_census_divisions,
    }[name]
    with pytest.raises(DataError) as err:
        loader(tmp_path)
    msg = str(err.value)
    assert msg.startswith(str(path)), msg
    assert expected in msg
    assert "truncated or corrupt" in msg or "not UTF-8" in msg
    assert "Restore the file from the bundle" in msg


def test_truncated_block_points_fail_the_check_without_crashing(bundle_copy: Path) -> None:
    path = bundle_copy / data.BUNDLE_FILES["dissemination_block_points"]
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    report = data.check_bundle(bundle_copy)
    failed = [f for f in report.files if not f.ok]
    assert [f.name for f in failed] == ["dissemination_block_points"]
    text = report.to_text()
    assert f"[FAIL] statcan/dissemination_block_points_2021.csv.gz: 0 rows. {path} is truncated or corrupt" in text
    assert "Unexpected error" not in text
    with pytest.raises(DataError, match="is truncated or corrupt"):
        data.count_rows("dissemination_block_points", bundle_copy)


def test_count_rows_matches_the_loader(data_dir: Path) -> None:
    assert data.count_rows("dissemination_block_points", data_dir) == 137_843
    assert data.count_rows("census_divisions_population", data_dir) == 49


def test_check_reports_an_unforeseen_error_as_a_failed_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(root: Path) -> None:
        raise TypeError("boom")

    monkeypatch.setattr(data, "load_sac", broken)
    with caplog.at_level(logging.ERROR, logger="esr_geo.data"):
        report = data.check_bundle(data_dir)
    assert [f.name for f in report.files if not f.ok] == ["statistical_area_classification"]
    assert "Unexpected error while checking" in report.to_text() and "TypeError: boom" in report.to_text()
    assert "Unexpected error while checking" in caplog.text


def test_block_points_crs_is_a_fact_of_the_file_not_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyproj

    from esr_geo.population import block_xy

    blocks = pd.DataFrame({"X": [7_200_000.0], "Y": [1_200_000.0]})  # near Ottawa, EPSG:3347 metres
    assert block_xy(blocks) == (pytest.approx([7_200_000.0]), pytest.approx([1_200_000.0]))
    monkeypatch.setattr(settings, "ANALYSIS_CRS", "EPSG:3161")  # the analysis CRS changes: points reproject
    x, y = block_xy(blocks)
    back = pyproj.Transformer.from_crs("EPSG:3161", data.SOURCE_CRS["block_points"], always_xy=True)
    assert abs(x[0] - 7_200_000.0) > 1_000
    assert back.transform(x[0], y[0]) == (pytest.approx(7_200_000.0, abs=0.01), pytest.approx(1_200_000.0, abs=0.01))
