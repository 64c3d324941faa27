from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from esr_geo import i18n, report
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
    def disk_full(_analysis: Analysis, **_options: object) -> bytes:  # (lang=...)
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


def test_the_report_in_french(analysis: Analysis, tmp_path: Path) -> None:
    """Headers, method notes, summary and numbers in French (decimal comma, narrow no-break space, ' : ')."""
    out = tmp_path / "fr"
    written = report.write_report(analysis, out, lang="fr")
    assert sorted(p.name for p in written) == sorted(report.REPORT_FILES)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<html lang='fr'>" in html and "rapport des lacunes de couverture" in html
    for header in ("<th>Zone de desserte</th>", "<th>Motif de non-conformité</th>", "<th>Dans le seuil</th>"):
        assert header in html
    assert "Seuils et méthode" in html and "Seuil de distance : 50 km" in html and "Sources des données" in html
    total = i18n.fmt_int(14_223_942, "fr")
    assert total == "14\u202f223\u202f942" and f"<td>{total}</td>" not in html  # the total is not a row, but:
    assert re.search(r"<td>\d{1,3}(\u202f\d{3})+</td>", html)  # counts with narrow no-break spaces
    assert re.search(r"<td>\d+,\d\d</td>", html)  # decimals with a comma
    for english in ("Coverage by catchment", "Thresholds and method", "Distance threshold", "<p>None.</p>",
                    "<td>passes</td>", "<td>yes</td>", "Where people live", "Notes on the input"):  # fmt: skip
        assert english not in html, english
    en_notes, fr_notes = report.method_notes(analysis), report.method_notes(analysis, lang="fr")
    assert len(fr_notes) == len(en_notes) and not set(en_notes) & set(fr_notes)
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert readme.startswith("esr-geo : rapport des lacunes de couverture\n=====")
    assert "Méthode, seuils et limites" in readme and "résidents hors réserve de l'Ontario vivent" in readme
    zones = pd.read_csv(out / "coverage_by_zone.csv")
    assert "reason" in zones.columns  # field names kept; the words are French
    assert zones["reason"].dropna().str.contains("requis").all()
    cats = pd.read_csv(out / "coverage_by_catchment.csv")
    assert "Nord-Ouest" in set(cats["catchment"]) and "Northwest" not in set(cats["catchment"])
    csd = pd.read_csv(out / "access_by_csd.csv")
    assert "RMR" in set(csd["sac_type"]) and "CMA" not in set(csd["sac_type"])
    book = openpyxl.load_workbook(out / "report.xlsx", read_only=True)
    assert book["summary"]["A1"].value == "esr-geo : rapport des lacunes de couverture"
    book.close()


def test_the_summary_sentence_in_both_languages(analysis: Analysis) -> None:
    en = report.summary_sentence(analysis)
    assert re.match(r"\d+\.\d% of Ontario's \d{1,3}(,\d{3})+ non-reserve residents live within 50 km", en)
    fr = report.summary_sentence(analysis, lang="fr")
    assert re.match(r"\d+,\d\u00a0% des \d{1,3}(\u202f\d{3})+ résidents hors réserve de l'Ontario vivent à 50 km", fr)
    assert "des 11 zones de prestation de services" in fr and "exemptées du modèle des GSS" in fr
