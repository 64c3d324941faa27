from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from esr_geo import rollout
from esr_geo.errors import DataError, InputError


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return rollout.load_rollout()


def status(table: pd.DataFrame, cid: str, on: str, lang: str = "en") -> str:
    frame = rollout.statuses_on(table, on=on, lang=lang).set_index("catchment_id")
    return str(frame.at[cid, "status_label"])


def test_table_shape(table: pd.DataFrame) -> None:
    assert len(table) == 15
    assert table["phase"].value_counts().to_dict() == {
        "Phase 2": 5,
        "Phase 1": 4,
        "Prototype": 3,
        "Phase 3": 3,
    }
    assert set(table.loc[table["phase"] == "Phase 3", "catchment_id"]) == {
        "northeast",
        "northwest",
        "toronto",
    }
    assert table.set_index("catchment_id").at["muskoka-kawarthas", "ssm_fr"] == "Collège Fleming"


def test_kingston_pembroke_boundary(table: pd.DataFrame) -> None:
    assert status(table, "kingston-pembroke", "2022-08-31") == "not started"
    assert status(table, "kingston-pembroke", "2022-09-01") == "planning and transition"
    assert status(table, "kingston-pembroke", "2023-09-30") == "planning and transition"
    assert status(table, "kingston-pembroke", "2023-10-01") == "integrated services"


@pytest.mark.parametrize(
    ("cid", "last_planning_day", "ies_day"),
    [
        ("hamilton-niagara", "2020-12-31", "2021-01-01"),
        ("muskoka-kawarthas", "2020-12-31", "2021-01-01"),
        ("peel", "2020-12-31", "2021-01-01"),
        ("halton", "2023-03-31", "2023-04-01"),
        ("stratford-bruce", "2023-03-31", "2023-04-01"),
        ("york", "2023-03-31", "2023-04-01"),
        ("durham", "2023-12-31", "2024-01-01"),
        ("kitchener-waterloo-barrie", "2023-12-31", "2024-01-01"),
        ("london", "2023-12-31", "2024-01-01"),
        ("ottawa", "2023-12-31", "2024-01-01"),
        ("windsor-sarnia", "2023-12-31", "2024-01-01"),
    ],
)
def test_every_ies_boundary(table: pd.DataFrame, cid: str, last_planning_day: str, ies_day: str) -> None:
    assert status(table, cid, last_planning_day) == "planning and transition"
    assert status(table, cid, ies_day) == "integrated services"
    start = table.set_index("catchment_id").at[cid, "planning_start"]
    day_before = (start - pd.Timedelta(days=1)).date().isoformat()
    assert status(table, cid, day_before) == "not started"
    assert status(table, cid, start.date().isoformat()) == "planning and transition"


def test_phase3_is_to_be_announced_in_both_languages(table: pd.DataFrame) -> None:
    for cid in ("northeast", "northwest", "toronto"):
        assert status(table, cid, "2026-11-24") == "to be announced"
        assert status(table, cid, "2026-11-24", "fr") == "à communiquer"
    fr = rollout.statuses_on(table, on="2026-11-24", lang="fr").set_index("catchment_id")
    assert fr.at["northeast", "catchment"] == "Nord-Est"
    assert fr.at["northeast", "ssm"] == "À communiquer"
    assert fr.at["kingston-pembroke", "planning_period"] == "sept. 2022 – sept. 2023"
    assert fr.at["london", "ssm"] == "Ville de London"


def test_date_objects_and_today(table: pd.DataFrame) -> None:
    a = rollout.statuses_on(table, on=dt.date(2023, 10, 1))
    b = rollout.statuses_on(table, on="2023-10-01")
    pd.testing.assert_frame_equal(a, b)
    assert len(rollout.statuses_on(table)) == 15


def test_bad_date_and_lang(table: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        rollout.statuses_on(table, on="01/10/2023")
    with pytest.raises(InputError, match="lang must be one of en, fr"):
        rollout.statuses_on(table, lang="de")


def test_planner_can_announce_phase3(tmp_path: Path) -> None:
    src = (rollout.settings.PROJECT_DATA_DIR / "rollout.csv").read_text(encoding="utf-8")
    edited = src.replace(
        "toronto,Toronto,Toronto,Phase 3,,,,,,",
        "toronto,Toronto,Toronto,Phase 3,Example SSM,SSM exemple,2026-01,2026-12,2027-01,",
    )
    path = tmp_path / "rollout.csv"
    path.write_text(edited, encoding="utf-8")
    table = rollout.load_rollout(path)
    assert status(table, "toronto", "2025-12-31") == "not started"
    assert status(table, "toronto", "2026-06-01") == "planning and transition"
    assert status(table, "toronto", "2027-01-01") == "integrated services"


def test_malformed_rows_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "rollout.csv"
    path.write_text(
        ",".join(rollout.COLUMNS) + "\n"
        "a,A,A,Phase 9,s,s,2020-01,2020-12,2021-01,\n"
        "b,B,B,Phase 1,s,s,2020-13,2020-12,2021-01,\n"
        "c,C,C,Phase 1,s,s,2021-01,2020-12,2020-12,\n"
        "d,D,D,Phase 1,s,s,2021-01,,2022-01,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as err:
        rollout.load_rollout(path)
    msg = str(err.value)
    assert "row 2: phase 'Phase 9'" in msg
    assert "row 3: planning_start '2020-13' is not a month" in msg
    assert "row 4: planning_end 2020-12 is before planning_start" in msg
    assert "row 4: ies_start 2020-12 must come after planning_end" in msg
    assert "row 5: give both planning_start and planning_end" in msg


def _project_rollout() -> list[str]:
    return (rollout.settings.PROJECT_DATA_DIR / "rollout.csv").read_text(encoding="utf-8").splitlines()


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "rollout.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


VALID_IDS = "durham, york, toronto, peel, halton"  # the start of the list, in the definition's order


def test_unknown_catchment_id_is_refused(tmp_path: Path) -> None:
    lines = _project_rollout()
    assert lines[4].startswith("halton,")
    lines[4] = "halton-hills" + lines[4][len("halton") :]
    path = _write(tmp_path, lines)
    with pytest.raises(DataError) as err:
        rollout.load_rollout(path)
    msg = str(err.value)
    assert str(path) in msg
    assert "rollout.csv row 5: catchment_id 'halton-hills' is not a catchment id" in msg
    assert "rollout.csv: no row for catchment 'halton' (Halton)" in msg
    assert f"Valid catchment ids (from {rollout.settings.PROJECT_DATA_DIR / 'boundaries' / 'catchments.csv'}): " in msg
    assert VALID_IDS in msg


def test_missing_catchment_is_refused(tmp_path: Path) -> None:
    lines = [line for line in _project_rollout() if not line.startswith("toronto,")]
    with pytest.raises(DataError, match=r"rollout\.csv: no row for catchment 'toronto' \(Toronto\); add one") as err:
        rollout.load_rollout(_write(tmp_path, lines))
    assert VALID_IDS in str(err.value)


def test_duplicate_catchment_is_refused(tmp_path: Path) -> None:
    lines = _project_rollout()
    lines.append(lines[3])  # peel again, on row 17
    with pytest.raises(DataError) as err:
        rollout.load_rollout(_write(tmp_path, lines))
    msg = str(err.value)
    assert "has 1 problem(s)" in msg
    assert "rollout.csv row 17: catchment_id 'peel' appears more than once (also on row 4)" in msg


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_number(tmp_path: Path) -> None:
    lines = _project_rollout()
    lines[2:2] = ["", ",,,,,,,,,"]  # rows 3 and 4 left empty in a spreadsheet
    assert len(rollout.load_rollout(_write(tmp_path, lines))) == 15
    lines[5] = lines[5].replace("Prototype", "Phase 9")  # peel, now on row 6
    with pytest.raises(DataError, match=r"rollout\.csv row 6: phase 'Phase 9'"):
        rollout.load_rollout(_write(tmp_path, lines))


def test_rollout_is_checked_against_the_definition_given(tmp_path: Path) -> None:
    definition = tmp_path / "catchments.csv"
    definition.write_text("catchment_id,name_en,name_fr,cduids\nnorth,North,Nord,3560\nsouth,South,Sud,3520\n")
    table = tmp_path / "two.csv"
    table.write_text(
        ",".join(rollout.COLUMNS) + "\n"
        "north,North,Nord,Phase 3,,,,,,\n"
        "south,South,Sud,Phase 1,s,s,2022-04,2023-03,2023-04,\n",
        encoding="utf-8",
    )
    assert list(rollout.load_rollout(table, definition=definition)["catchment_id"]) == ["north", "south"]
    with pytest.raises(DataError, match=rf"Valid catchment ids \(from {definition}\): north, south\."):
        rollout.load_rollout(definition=definition)  # the project's table has other ids
