from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from esr_geo import report
from esr_geo.analysis import Analysis
from esr_geo.errors import InputError


def test_write_report(analysis: Analysis, tmp_path: Path) -> None:
    out = tmp_path / "new" / "folder"
    written = report.write_report(analysis, out)
    assert sorted(p.name for p in written) == sorted(report.REPORT_FILES)
    # UTF-8 with a byte-order mark, so Excel shows "Hamilton–Niagara Peninsula" correctly
    assert (out / "coverage_by_catchment.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    cat = pd.read_csv(out / "coverage_by_catchment.csv")
    assert int(cat["population"].sum()) == 14_223_942
    assert "Hamilton–Niagara Peninsula" in set(cat["catchment"])
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in html
    assert "does not constitute an endorsement by Statistics Canada" in html
    assert "Open Government Licence – Canada" in html and "GeoNames" in html
    assert "road networks" in html  # the straight-line limitation is stated
    assert "<script" not in html  # self-contained and static
    assert not list(out.glob(".*"))  # no temporary leftovers


def test_report_refuses_to_overwrite(analysis: Analysis, tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("planner's own file", encoding="utf-8")
    with pytest.raises(InputError, match=r"already exist.*replace existing files"):
        report.write_report(analysis, tmp_path)
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "planner's own file"
    assert not (tmp_path / "coverage_by_zone.csv").exists()  # nothing half-written
    report.write_report(analysis, tmp_path, force=True)
    assert "coverage-gap report" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_excel_has_every_table(analysis: Analysis) -> None:
    book = openpyxl.load_workbook(io.BytesIO(report.excel_bytes(analysis)))
    assert set(book.sheetnames) >= {
        "summary",
        "coverage_by_catchment",
        "coverage_by_zone",
        "access_by_csd",
        "attribution",
    }
    assert book["coverage_by_zone"].max_row == 12  # header + 11 zones


def test_formulas_neutralised(analysis: Analysis) -> None:
    evil = analysis.tables["coverage_by_zone"].copy()
    evil.loc[0, "zone"] = '=HYPERLINK("http://x")'
    cleaned = report.neutralise_formulas(evil)
    assert cleaned.loc[0, "zone"].startswith("'=")
    assert cleaned["population"].dtype == evil["population"].dtype


def test_static_map_is_png(analysis: Analysis) -> None:
    png = report.static_map_png(analysis, dpi=40)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5_000


def test_interrupted_report_writes_nothing(analysis: Analysis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(_analysis: Analysis) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report, "excel_bytes", disk_full)
    out = tmp_path / "rep"
    with pytest.raises(OSError, match="No space left"):
        report.write_report(analysis, out)
    assert not out.exists()  # no half-written report, and the folder it created is gone


def test_readme_and_integer_census_population(analysis: Analysis, tmp_path: Path) -> None:
    report.write_report(analysis, tmp_path)
    readme = (tmp_path / "README.txt").read_text(encoding="utf-8")
    assert "Open Government Licence – Canada" in readme and "road networks" in readme
    csd = (tmp_path / "access_by_csd.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csd[1].startswith("3501005,South Glengarry,TP,Ottawa,,13330,13330,")


def test_page_downloads_and_cli_files_share_one_csv_writer(analysis: Analysis, tmp_path: Path) -> None:
    from esr_geo.report import table_csv, table_csv_bytes, write_report

    data = table_csv_bytes(analysis, "coverage_by_catchment")
    assert data.startswith(b"\xef\xbb\xbf")  # a byte-order mark, so Excel on Windows shows "Kingston–Pembroke"
    assert "Kingston–Pembroke" in data.decode("utf-8-sig")
    assert data.decode("utf-8-sig") == table_csv(analysis, "coverage_by_catchment")
    write_report(analysis, tmp_path / "r")
    assert (tmp_path / "r" / "coverage_by_catchment.csv").read_bytes() == data  # the CLI's file, byte for byte
