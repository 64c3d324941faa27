from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from esr_geo import cli
from esr_geo.model import Base

# Each command that loads the geography has one test that loads it as a user's run does (no
# ``shared_base``); the other tests take the session's base through the ``shared_base`` fixture
# (see conftest.py), which saves about a second per ``cli.main`` call.


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_rollout_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rollout", "--date", "2023-10-01")
    assert code == 0
    assert "Kingston–Pembroke" in out and "integrated services" in out


def test_rollout_json_french(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rollout", "--date", "2023-09-30", "--lang", "fr", "--format", "json")
    assert code == 0
    rows = {r["catchment_id"]: r for r in json.loads(out)}
    assert rows["kingston-pembroke"]["status_label"] == "planification et transition"
    assert rows["northwest"]["catchment"] == "Nord-Ouest"


def test_rollout_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rollout", "--format", "csv", "--date", "2019-06-01")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 16
    assert lines[0].startswith("catchment_id,catchment,phase,ssm")
    assert sum("not_started" in line for line in lines) == 12


def test_catchments_csv(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, _ = run(capsys, "catchments", "--data-dir", str(data_dir))
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 16
    header = lines[0].split(",")
    for col in ("catchment_id", "population", "land_area_km2", "phase", "ssm_en", "status"):
        assert col in header


def test_catchments_json_date(capsys: pytest.CaptureFixture[str], data_dir: Path, shared_base: Base) -> None:
    code, out, _ = run(capsys, "catchments", "--format", "json", "--date", "2023-10-01", "--data-dir", str(data_dir))
    rows = {r["catchment_id"]: r for r in json.loads(out)}
    assert code == 0
    assert rows["kingston-pembroke"]["status"] == "integrated_services"
    assert sum(r["population"] for r in rows.values()) == 14_223_942


def test_data_check_ok(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, _ = run(capsys, "data", "check", "--data-dir", str(data_dir))
    assert code == 0
    assert "All checks passed" in out and "137,843" in out


def test_data_check_missing_bundle(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "data", "check", "--data-dir", str(tmp_path))
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert str(tmp_path) in err and "ESR_GEO_DATA_DIR" in err


def test_data_check_broken_bundle(capsys: pytest.CaptureFixture[str], bundle_copy: Path) -> None:
    (bundle_copy / "statcan" / "dissemination_area_population_2021.csv").write_text("DAUID,POP2021\n", encoding="utf-8")
    code, out, _ = run(capsys, "data", "check", "--data-dir", str(bundle_copy))
    assert code == 2
    assert "FAIL" in out and "dissemination_area_population_2021.csv" in out


def test_catchments_missing_bundle(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "catchments", "--data-dir", str(tmp_path))
    assert code == 2 and "missing or incomplete" in err


def test_bad_date_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rollout", "--date", "2023/10/01")
    assert code == 2 and "YYYY-MM-DD" in err and "Traceback" not in err


def test_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["rollout", "--lang", "de"])
    assert exc.value.code == 2


@pytest.mark.parametrize(
    "argv", [["--help"], ["rollout", "--help"], ["catchments", "--help"], ["data", "check", "--help"]]
)
def test_help_everywhere(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 0
    assert "usage: esr-geo" in capsys.readouterr().out


def test_console_script_installed(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "esr-geo"
    result = subprocess.run(
        [str(exe), "data", "check", "--data-dir", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "missing or incomplete" in result.stderr


def test_report_command(capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "rep"
    code, out, err = run(capsys, "report", "--out", str(out_dir), "--date", "2024-06-01", "--data-dir", str(data_dir))
    assert code == 0, err
    assert "non-reserve residents" in out and "Wrote 10 files" in out
    assert (out_dir / "report.html").is_file() and (out_dir / "coverage_by_zone.csv").is_file()


def test_report_refuses_to_overwrite_then_force_replaces(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    out_dir = tmp_path / "rep"
    out_dir.mkdir()
    (out_dir / "report.html").write_text("an earlier report\n", encoding="utf-8")
    code, out, err = run(capsys, "report", "--out", str(out_dir), "--data-dir", str(data_dir))
    assert code == 2 and "--force" in err and "report.html" in err and "Traceback" not in err
    assert out == "" and (out_dir / "report.html").read_text(encoding="utf-8") == "an earlier report\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["report.html"]  # all or nothing: nothing written
    code, out, err = run(
        capsys, "report", "--out", str(out_dir), "--force", "--threshold-km", "80", "--data-dir", str(data_dir)
    )
    assert code == 0, err
    assert "Wrote 10 files" in out
    assert "an earlier report" not in (out_dir / "report.html").read_text(encoding="utf-8")
    assert (out_dir / "coverage_by_zone.csv").is_file()


def test_report_bad_options(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    code, _, err = run(capsys, "report", "--out", str(tmp_path), "--threshold-km", "-3", "--data-dir", str(data_dir))
    assert code == 2 and "--threshold-km must be more than 0 and at most 2,000 km" in err
    code, _, err = run(
        capsys, "report", "--out", str(tmp_path), "--threshold-class", "far", "--data-dir", str(data_dir)
    )
    assert code == 2 and "must look like 'remote=75'" in err
    code, _, err = run(capsys, "report", "--out", str(tmp_path), "--offices", str(tmp_path / "nope.csv"))
    assert code == 2 and "nope.csv" in err and "Traceback" not in err


def test_report_with_invalid_offices(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    sites = tmp_path / "sites.csv"
    sites.write_text(
        "name,latitude,longitude\nSudbury office,46.49,-80.99\n,46.5,-81.0\nNowhere,10.0,10.0\n", encoding="utf-8"
    )
    code, _, err = run(
        capsys, "report", "--offices", str(sites), "--out", str(tmp_path / "r"), "--data-dir", str(data_dir)
    )
    assert code == 2 and "sites.csv" in err and "row 3" in err and "row 4" in err
    assert not (tmp_path / "r").exists()
    code, out, err = run(
        capsys,
        "report",
        "--offices",
        str(sites),
        "--skip-invalid",
        "--out",
        str(tmp_path / "r"),
        "--data-dir",
        str(data_dir),
    )
    assert code == 0, err
    assert "2 invalid rows" in out


def test_validate_command(capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("name,lat,lng\nThunder Bay office,48.38,-89.25\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(good), "--data-dir", str(data_dir))
    assert code == 0 and "1 site(s), all valid" in out


def test_validate_finds_swapped_coordinates(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,latitude,longitude\nSwapped,-79.4,43.7\n", encoding="utf-8")
    code, out, err = run(capsys, "validate", str(bad), "--data-dir", str(data_dir))
    assert code == 2
    assert "swap" in out.lower() and "Traceback" not in err


def test_each_edge_says_where_a_files_format_is_in_its_own_terms(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    from esr_geo import view
    from esr_geo.errors import GUIDES, InputError
    from esr_geo.offices import read_sites
    from esr_geo.zones import read_zones

    sites, zones = tmp_path / "sites.csv", tmp_path / "zones.csv"
    sites.write_bytes(b"")
    zones.write_bytes(b"")
    for path, code, read in (
        (sites, "sites", lambda p: read_sites(p, base=shared_base)),
        (zones, "zones", lambda p: read_zones(p, base=shared_base)),
    ):
        with pytest.raises(InputError) as info:
            read(path)
        message = str(info.value)
        assert GUIDES[code] in message and "data/" not in message and "README" not in message  # no path
        assert "download it under the file box" in view.page_message(message, "en")
        french = view.page_message(message, "fr")  # an English sentence, then the guide in French
        assert "download it under the file box" in french and french.endswith("zone du fichier).")
        assert view.page_message(message.replace(GUIDES[code], "x"), "fr") == message.replace(GUIDES[code], "x")
    status, _, err = run(capsys, "validate", str(sites), "--data-dir", str(data_dir))
    assert status == 2 and "start from the site-file template, data/offices/template.csv" in err
    out = str(tmp_path / "out")
    status, _, err = run(capsys, "report", "--zones", str(zones), "--out", out, "--data-dir", str(data_dir))
    assert status == 2 and "see the zones file format (Zones in README.md)" in err, err


def test_export_command(capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path) -> None:
    import pyogrio

    target = tmp_path / "layers.gpkg"
    code, out, err = run(capsys, "export", "--format", "gpkg", "--out", str(target), "--data-dir", str(data_dir))
    assert code == 0, err
    assert str(target) in out
    names = [row[0] for row in pyogrio.list_layers(target)]
    assert {"catchments", "sites", "service_delivery_zones", "csd_access", "underserved_communities"} <= set(names)


def test_export_refuses_to_overwrite_and_unknown_crs(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    target = tmp_path / "layers.gpkg"
    target.write_bytes(b"an earlier export")
    code, _, err = run(capsys, "export", "--format", "gpkg", "--out", str(target), "--data-dir", str(data_dir))
    assert code == 2 and "--force" in err and "Traceback" not in err
    assert target.read_bytes() == b"an earlier export"
    code, _, err = run(
        capsys, "export", "--format", "shp", "--crs", "999999", "--out", str(tmp_path), "--data-dir", str(data_dir)
    )
    assert code == 2 and "999999" in err and "Traceback" not in err


def test_scenario_command(capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path) -> None:
    code, out, err = run(
        capsys, "scenario", "--close", "3514", "--out", str(tmp_path / "close"), "--data-dir", str(data_dir)
    )
    assert code == 0, err
    assert "Wrote" in out
    assert (tmp_path / "close" / "closure_by_zone.csv").is_file()
    zones = (tmp_path / "close" / "closure_by_zone.csv").read_text(encoding="utf-8")
    assert "Kenora" in zones and "fail" in zones


def test_scenario_lists_sites_and_refuses_unknown_ones(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    dd = ["--data-dir", str(data_dir)]
    code, out, _ = run(capsys, "scenario", "--list-sites", *dd)
    assert code == 0 and "3514,Kenora Service Canada Centre" in out
    code, _, err = run(capsys, "scenario", "--close", "nosuch", "--out", str(tmp_path / "x"), *dd)
    assert code == 2 and "'nosuch'" in err and "--list-sites" in err


def test_suggest_command(capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path) -> None:
    dd = ["--data-dir", str(data_dir)]
    code, out, err = run(capsys, "suggest", "--k", "2", "--catchment", "northwest", "--out", str(tmp_path / "s"), *dd)
    assert code == 0, err
    assert "Northwest" in out and (tmp_path / "s" / "suggested_sites.csv").is_file()


def test_suggest_unknown_catchment(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    dd = ["--data-dir", str(data_dir)]
    code, _, err = run(capsys, "suggest", "--k", "2", "--catchment", "atlantis", "--out", str(tmp_path / "t"), *dd)
    assert code == 2 and "atlantis" in err


def test_bad_options_refused_before_loading(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # the bundle location does not exist: a bad option must be reported first, all at once
    missing = ["--data-dir", str(tmp_path / "no-bundle")]
    code, _, err = run(
        capsys, "report", "--out", str(tmp_path / "r"), "--date", "2023-13-01", "--min-share", "0.9", *missing
    )
    assert code == 2 and "Traceback" not in err
    assert "YYYY-MM-DD" in err
    assert "Did you mean 90?" in err
    assert "missing or incomplete" not in err
    code, _, err = run(capsys, "report", "--out", str(tmp_path / "r"), "--min-share", "150", *missing)
    assert code == 2 and "percent between 0 and 100" in err


def test_report_in_french(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    out_dir = tmp_path / "rapport"
    code, out, err = run(capsys, "report", "--lang", "fr", "--out", str(out_dir), "--date", "2024-06-01",
                         "--data-dir", str(data_dir))  # fmt: skip
    assert code == 0, err
    assert "résidents hors réserve de l'Ontario vivent à 50 km ou moins" in out and "Remarque : " in out
    assert f"10 fichiers écrits dans {out_dir} :" in out and "Wrote" not in out
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    assert "<th>Motif de non-conformité</th>" in html and "Seuil de distance : 50 km" in html
    assert "\u202f" in html  # thousands with a narrow no-break space
    assert "Méthode, seuils et limites" in (out_dir / "README.txt").read_text(encoding="utf-8")


def test_export_in_french(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    out_dir = tmp_path / "csv"
    code, _, err = run(capsys, "export", "--format", "csv", "--lang", "fr", "--out", str(out_dir),
                       "--data-dir", str(data_dir))  # fmt: skip
    assert code == 0, err
    readme = (out_dir / "README.txt").read_text(encoding="utf-8")
    assert "COUCHES" in readme and "SYSTÈME DE COORDONNÉES DE RÉFÉRENCE" in readme and "Seuil de distance" in readme
    zones = (out_dir / "service_delivery_zones.csv").read_text(encoding="utf-8-sig")
    assert "requis" in zones and "required" not in zones


def test_workspace_save_show_and_use(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    """A workspace saved by the CLI, shown, then used by report, scenario and suggest with its scenarios."""
    plan = tmp_path / "plan.gpkg"
    code, out, err = run(capsys, "workspace", "save", str(plan), "--scenario", "Close Kenora", "--close", "3514",
                         "--date", "2024-06-01")  # fmt: skip
    assert code == 0, err
    assert "the demonstration layer, the default zones, 1 scenario(s)" in out
    code, _, err = run(capsys, "workspace", "save", str(plan), "--from", str(plan), "--scenario", "Red Lake",
                       "--add", "-93.83,51.03,Red Lake office")  # fmt: skip
    assert code == 2 and "already exist" in err and "--force" in err  # never replaced by surprise
    code, out, err = run(capsys, "workspace", "save", str(plan), "--from", str(plan), "--scenario", "Red Lake",
                         "--add", "-93.83,51.03,Red Lake office", "--force")  # fmt: skip
    assert code == 0 and "2 scenario(s)" in out, err
    code, out, _ = run(capsys, "workspace", "show", str(plan), "--lang", "fr")
    assert "Scenarios: 2" in out
    assert "Close Kenora" in out and "Red Lake office" in out and "à vol d'oiseau (50 km)" in out
    code, out, err = run(capsys, "report", "--workspace", str(plan), "--scenario", "Close Kenora",
                         "--out", str(tmp_path / "rep"), "--data-dir", str(data_dir))  # fmt: skip
    assert code == 0, err
    assert "one of 167 in-person sites" in out and "Scenario: closed Kenora Service Canada Centre" in out
    code, out, err = run(capsys, "scenario", "--workspace", str(plan), "--scenario", "Close Kenora",
                         "--out", str(tmp_path / "close"), "--data-dir", str(data_dir))  # fmt: skip
    assert code == 0, err
    assert out.startswith("Closing Kenora Service Canada Centre puts 17,914 more")
    code, out, err = run(capsys, "suggest", "--workspace", str(plan), "--scenario", "Red Lake", "--k", "1",
                         "--catchment", "northwest", "--lang", "fr", "--out", str(tmp_path / "sugg"),
                         "--data-dir", str(data_dir))  # fmt: skip
    assert code == 0, err
    assert "Rang" in out and "suggestion_summary.html" in out


def test_workspace_options_are_checked(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    plan = tmp_path / "plan.gpkg"
    assert run(capsys, "workspace", "save", str(plan), "--scenario", "Wide", "--close", "3514")[0] == 0
    code, _, err = run(capsys, "report", "--scenario", "Wide", "--out", str(tmp_path / "r"))
    assert code == 2 and "--scenario NAME applies a scenario saved in a workspace: add --workspace FILE" in err
    code, _, err = run(capsys, "report", "--workspace", str(plan), "--zones", "z.csv", "--scenario", "Wide",
                       "--threshold-km", "40", "--out", str(tmp_path / "r"))  # fmt: skip
    assert code == 2 and "leave out --zones" in err and "--scenario sets the threshold" in err
    code, _, err = run(capsys, "report", "--workspace", str(plan), "--scenario", "Narrow", "--out",
                       str(tmp_path / "r"), "--data-dir", str(data_dir))  # fmt: skip
    assert code == 2 and "has no scenario 'Narrow'; its scenarios: 'Wide'" in err and "that is --scenario" in err
    bad = tmp_path / "bad.gpkg"
    bad.write_text("not a database", encoding="utf-8")
    code, _, err = run(capsys, "workspace", "show", str(bad))
    assert code == 2 and "bad.gpkg is not an esr-geo workspace" in err and "Traceback" not in err
