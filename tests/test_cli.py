from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from esr_geo import cli


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


def test_catchments_json_date(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
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
