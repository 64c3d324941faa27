"""The SSM view (esr_geo.ssm): one row per service system manager, its CLI, map colouring and palettes.

The tiny synthetic geography (tests/synthetic.py) gives answers worked out by hand; the real
bundle checks that the SSMs of data/rollout.csv come out of the data and add up to the province.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
from pathlib import Path

import pandas as pd
import pytest
from synthetic import tiny_base, tiny_communities, tiny_sites

from esr_geo import cli, i18n, settings, style, timeline
from esr_geo.analysis import Analysis, AnalysisOptions, run_analysis
from esr_geo.errors import InputError
from esr_geo.legend import ssm_entries
from esr_geo.model import Base
from esr_geo.rollout import IES, NOT_STARTED, TBA, TRANSITION, load_rollout
from esr_geo.ssm import FIGURES, SSM_TBA, ssm_key, ssm_of, ssm_order, ssm_view

REPO = Path(__file__).resolve().parent.parent
WCG, FEDCAP, SERCO = "wcg-international-consultants-ltd", "fedcap-canada", "serco-canada"
#: A Phase 3 SSM a planner might announce in their own rollout table (made up for the test).
NEW_SSM = ("Northern Example Services", "Services d'exemple du Nord")


def _edited_rollout(tmp_path: Path) -> Path:
    """Write data/rollout.csv with two Phase 3 SSMs announced: Serco for the Northeast, a new one for the Northwest."""
    table = pd.read_csv(settings.PROJECT_DATA_DIR / "rollout.csv", dtype=str, keep_default_na=False)
    rows = table.set_index("catchment_id")
    rows.loc["northeast", ["ssm_en", "ssm_fr"]] = ["SERCO  canada", "Serco Canada"]  # another spelling, one SSM
    rows.loc["northwest", ["ssm_en", "ssm_fr", "planning_start", "planning_end", "ies_start"]] = [
        *NEW_SSM, "2025-01", "2025-12", "2026-01",
    ]  # fmt: skip
    path = tmp_path / "my_rollout.csv"
    rows.reset_index().to_csv(path, index=False)
    return path


# --------------------------------------------------------------------------------------
# By hand: the tiny geography (muskoka-kawarthas: Fleming College; northeast: no SSM yet)


@pytest.fixture(scope="module")
def tiny() -> Analysis:
    """Return the tiny geography at 50 km with its default zones (the Northeast's CDs: Sudbury, Greater Sudbury)."""
    base = tiny_base()
    return run_analysis(
        base,
        tiny_sites(),
        sites_source="tiny sites",
        options=AnalysisOptions(threshold_km=50.0, threshold_km_by_class={}, on="2024-06-01"),
        communities=tiny_communities(base),
    )


def test_tiny_ssm_table_by_hand(tiny: Analysis) -> None:
    view = ssm_view(tiny)
    rows = view.ssms.set_index("ssm_id")
    assert list(rows.index) == ["fleming-college", SSM_TBA]  # named SSMs first, "to be announced" last
    fleming, tba = rows.loc["fleming-college"], rows.loc[SSM_TBA]
    assert (fleming["ssm_en"], fleming["ssm_fr"]) == ("Fleming College", "Collège Fleming")
    assert fleming["catchment_ids"] == ("muskoka-kawarthas",) and fleming["phases"] == ("Prototype",)
    # H1 2000 + H3 300 within (S2, S1), H2 500 beyond; one in-person site (S2); no zone
    assert fleming[["population", "reserve_population", "pop_within_threshold", "pop_beyond_threshold"]].tolist() == [
        2800, 0, 2300, 500,
    ]  # fmt: skip
    assert fleming["pct_within_threshold"] == pytest.approx(100 * 2300 / 2800)
    assert (fleming["in_person_sites"], fleming["zones"], fleming["zones_failing"]) == (1, 0, 0)
    # G1 3000 + G2 1000 within; U1 400 + U2 100 beyond; R1's 100 on the reserve apart (exempt);
    # S1 (S3 is virtual); the Sudbury zone fails (no in-person site, nobody within), Greater Sudbury passes
    assert (tba["ssm_en"], tba["ssm_fr"], tba["catchment_ids"], tba["statuses"]) == ("", "", ("northeast",), (TBA,))
    assert tba[["population", "reserve_population", "non_reserve_population", "pop_within_threshold"]].tolist() == [
        4600, 100, 4500, 4000,
    ]  # fmt: skip
    assert (tba["in_person_sites"], tba["zones"], tba["zones_failing"], tba["failing_zones"]) == (1, 2, 1, ("Sudbury",))


def test_tiny_rollout_edited_merges_the_catchments_under_one_ssm(
    tiny: Analysis, caplog: pytest.LogCaptureFixture
) -> None:
    rollout = tiny.base.rollout.copy()
    rollout.loc[rollout["catchment_id"] == "northeast", ["ssm_en", "ssm_fr"]] = ["FLEMING  college", "Collège Fleming"]
    with caplog.at_level(logging.WARNING, logger="esr_geo.ssm"):
        view = ssm_view(tiny, rollout=rollout)
    assert "first spelling is used" in caplog.text  # the other spelling is logged, not silently merged
    (row,) = view.ssms.to_dict("records")
    assert row["ssm_id"] == "fleming-college" and row["ssm_en"] == "Fleming College"
    assert row["catchment_ids"] == ("muskoka-kawarthas", "northeast") and row["catchments"] == 2
    assert (row["population"], row["reserve_population"], row["pop_within_threshold"]) == (7400, 100, 6300)
    assert (row["pop_beyond_threshold"], row["in_person_sites"], row["zones_failing"]) == (1000, 2, 1)
    assert row["pct_within_threshold"] == pytest.approx(100 * 6300 / 7300)
    assert tiny.base.rollout.loc[tiny.base.rollout["catchment_id"] == "northeast", "ssm_en"].item() == ""  # untouched


def test_a_rollout_without_a_catchment_is_refused(tiny: Analysis) -> None:
    rollout = tiny.base.rollout[tiny.base.rollout["catchment_id"] != "northeast"]
    with pytest.raises(InputError, match=r"no row for catchment\(s\) northeast") as info:
        ssm_view(tiny, rollout=rollout)
    assert info.value.parameter == "rollout"
    doubled = pd.concat([tiny.base.rollout, tiny.base.rollout.iloc[[0]]], ignore_index=True)
    with pytest.raises(InputError, match="more than one row for 'muskoka-kawarthas'"):
        ssm_view(tiny, rollout=doubled)


def test_ssm_codes_ignore_spelling() -> None:
    assert ssm_key("Serco Canada") == ssm_key("SERCO  canada.") == "serco-canada"
    assert ssm_key("Région de Durham") == "region-de-durham"
    assert ssm_key("") == ssm_key("   ") == ssm_key(None) == ssm_key(float("nan")) == SSM_TBA
    assert ssm_key("???") == "???"  # a name with no letters or digits is still a name


def test_a_name_in_one_language_is_used_in_both(caplog: pytest.LogCaptureFixture) -> None:
    rollout = pd.DataFrame({"catchment_id": ["a", "b"], "ssm_en": ["", "Acme"], "ssm_fr": ["Acmé", ""]})
    with caplog.at_level(logging.WARNING, logger="esr_geo.ssm"):
        owners = ssm_of(rollout)
    assert owners[["ssm_id", "ssm_en", "ssm_fr"]].values.tolist() == [["acme", "Acmé", "Acmé"]] * 2
    assert caplog.text.count("one language only") == 2


# --------------------------------------------------------------------------------------
# The real bundle


def test_real_ssm_table_sums_to_the_province(analysis: Analysis) -> None:
    view = ssm_view(analysis)
    province = analysis.summary()
    for col in ("population", "reserve_population", "non_reserve_population", "pop_within_threshold",
                "pop_beyond_threshold", "in_person_sites", "zones", "zones_failing"):  # fmt: skip
        assert view.ssms[col].sum() == province[col], col
        assert view.catchments[col].sum() == province[col], col
    assert view.ssms["population"].sum() == 14_223_942 and view.ssms["in_person_sites"].sum() == 168
    ids = [c for t in view.ssms["catchment_ids"] for c in t]
    assert sorted(ids) == sorted(analysis.base.rollout["catchment_id"]) and len(ids) == 15  # each catchment once


def test_real_ssms_that_run_several_catchments(analysis: Analysis) -> None:
    rows = ssm_view(analysis).ssms.set_index("ssm_id")
    assert rows.loc[WCG, "catchment_ids"] == ("peel", "york", "ottawa")
    assert rows.loc[FEDCAP, "catchment_ids"] == ("hamilton-niagara", "halton")
    assert rows.loc[SERCO, "catchment_ids"] == ("kingston-pembroke", "kitchener-waterloo-barrie")
    assert rows.loc[SSM_TBA, "catchment_ids"] == ("northeast", "northwest", "toronto")
    assert rows.loc[WCG, "phases"] == ("Prototype", "Phase 1", "Phase 2")
    assert (rows["catchments"] == 1).sum() == 5 and len(rows) == 9
    # the SSMs come from the rollout table: no organisation is named in the code
    for path in [*sorted((REPO / "esr_geo").glob("*.py")), REPO / "app.py"]:
        text = path.read_text(encoding="utf-8").casefold()
        assert not any(word in text for word in ("serco", "fedcap", "wcg international")), path.name


def test_statuses_on_a_date(analysis: Analysis) -> None:
    view = ssm_view(analysis, on="2023-06-01")
    rows = view.ssms.set_index("ssm_id")
    assert view.on.isoformat() == "2023-06-01"
    assert rows.loc[WCG, "statuses"] == (IES, IES, TRANSITION)  # Ottawa planned from January 2023
    assert rows.loc[SERCO, "statuses"] == (TRANSITION, TRANSITION)
    assert set(ssm_view(analysis, on="2019-06-01").catchments["status"]) == {NOT_STARTED, TBA}
    assert view.ssms["population"].sum() == ssm_view(analysis).ssms["population"].sum()  # the date moves no one


def test_an_edited_rollout_file_changes_the_view(analysis: Analysis, tmp_path: Path) -> None:
    rollout = load_rollout(_edited_rollout(tmp_path))
    view = ssm_view(analysis, rollout=rollout, on="2025-06-01")
    rows = view.ssms.set_index("ssm_id")
    assert rows.loc[SERCO, "catchment_ids"] == ("kingston-pembroke", "kitchener-waterloo-barrie", "northeast")
    assert rows.loc[SERCO, "ssm_en"] == "Serco Canada"  # the first row's spelling
    new = rows.loc[ssm_key(NEW_SSM[0])]
    assert (new["ssm_en"], new["ssm_fr"]) == NEW_SSM
    assert new["catchment_ids"] == ("northwest",) and new["statuses"] == (TRANSITION,)
    assert rows.loc[SSM_TBA, "catchment_ids"] == ("toronto",)
    assert list(rows.index)[-1] == SSM_TBA and ssm_key(NEW_SSM[0]) in ssm_order(rollout)
    assert rows["population"].sum() == 14_223_942 and rows["in_person_sites"].sum() == 168
    # the colours follow: an existing SSM keeps its colour, the new one gets the next
    before, after = style.ssm_colours(ssm_order(analysis.base.rollout)), style.ssm_colours(ssm_order(rollout))
    assert after[SERCO] == before[SERCO] and after[ssm_key(NEW_SSM[0])] == style.SSM_COLOURS[8]


def test_to_be_announced_in_english_and_french(analysis: Analysis) -> None:
    assert i18n.ssm_name("", "", "en") == "To be announced" and i18n.ssm_name("", "", "fr") == "À communiquer"
    assert i18n.ssm_name("City of London", "Ville de London", "fr") == "Ville de London"
    for lang, tba in (("en", "To be announced"), ("fr", "À communiquer")):
        entries = ssm_entries(analysis.base.rollout, lang)
        assert entries[-1] == (SSM_TBA, tba, style.TBA_COLOUR)
        assert len({colour for _s, _n, colour in entries}) == len(entries) == 9


# --------------------------------------------------------------------------------------
# The command line


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ssm_command_table_in_english(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, out, err = run(capsys, "ssm", "--date", "2023-06-01", "--data-dir", str(data_dir))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["SSM", "Catchment"] and "Zones that fail" in lines[0]
    assert len(lines) == 10  # a header and nine SSMs
    wcg = next(line for line in lines if "WCG INTERNATIONAL" in line)
    assert "Peel; York; Ottawa" in wcg and "integrated services; integrated services; planning and transition" in wcg
    assert "4,031,911" in wcg  # numbers formatted as the page does
    assert lines[-1].lstrip().startswith("To be announced") and "Northeast; Northwest; Toronto" in lines[-1]


def test_ssm_command_french_csv_with_an_edited_rollout(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    path = _edited_rollout(tmp_path)
    code, out, err = run(capsys, "ssm", "--lang", "fr", "--format", "json", "--rollout", str(path),
                         "--date", "2025-06-01", "--data-dir", str(data_dir))  # fmt: skip
    assert code == 0, err
    rows = {r["ssm_id"]: r for r in json.loads(out)}
    assert rows[SSM_TBA]["ssm"] == "À communiquer" and rows[SSM_TBA]["catchment"] == "Toronto"
    assert rows[SERCO]["catchment"] == "Kingston–Pembroke; Kitchener–Waterloo–Barrie; Nord-Est"
    new = rows[ssm_key(NEW_SSM[0])]
    assert new["ssm"] == NEW_SSM[1] and new["status_label"] == "planification et transition"
    assert new["ies_start"] == "janv. 2026" and new["failing_zones"] == "Rainy River"
    assert sum(r["population"] for r in rows.values()) == 14_223_942
    assert sum(r["in_person_sites"] for r in rows.values()) == 168
    assert set(rows[WCG]) >= {"ssm", "catchment_ids", "phase", "planning_period", *FIGURES}


def test_ssm_command_refuses_a_bad_rollout_before_loading(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "rollout.csv"
    bad.write_text("catchment_id,phase\nnorthwest,Phase 9\n", encoding="utf-8")
    code, out, err = run(capsys, "ssm", "--rollout", str(bad), "--data-dir", str(tmp_path / "no-bundle"))
    assert code == 2 and out == ""
    assert "rollout.csv" in err and "Traceback" not in err and "no-bundle" not in err


# --------------------------------------------------------------------------------------
# Palettes: no colour means two things, each palette readable with a colour-vision deficiency

#: Colour-vision deficiency simulation, severity 1 (Machado, Oliveira and Fernandes, 2009), on linear RGB.
CVD = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.01182, 0.04294, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.3039)),
}


def _lab(colour: str, vision: str | None = None) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a CSS hex colour, as seen with normal vision or a simulated deficiency."""
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    if vision is not None:
        lin = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, lin, strict=True)))) for row in CVD[vision]]
    r, g, b = lin
    xyz = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
    )
    fx, fy, fz = (v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116 for v in xyz)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _nearest(one: list[str], other: list[str] | None = None, vision: str | None = None) -> float:
    """Return the smallest colour difference (CIE76 ΔE) within a palette, or between two."""
    pairs = itertools.combinations(one, 2) if other is None else itertools.product(one, other)
    return min(math.dist(_lab(a, vision), _lab(b, vision)) for a, b in pairs)


PHASES = list(style.PHASE_COLOURS.values())
STATUSES = list(style.STATUS_COLOURS.values())
SSMS = list(style.SSM_COLOURS)


def test_no_colour_means_two_things() -> None:
    sets = {"phase": set(PHASES), "status": set(STATUSES), "ssm": set(SSMS)}
    for (a, ca), (b, cb) in itertools.combinations(sets.items(), 2):
        assert not ca & cb, (a, b, ca & cb)
    assert style.STATUS_COLOURS[TBA] == style.TBA_COLOUR == style.ssm_colours([SSM_TBA])[SSM_TBA]  # grey: one meaning
    # not only other codes: other colours (a ΔE of about 2 is just noticeable; these are far apart)
    assert _nearest(PHASES, STATUSES) > 30
    assert _nearest(SSMS, PHASES) > 12 and _nearest(SSMS, STATUSES) > 12
    for colour in (style.PASS_COLOUR, style.FAIL_COLOUR):  # the zones' outlines and the gaps drawn over the fills
        assert colour not in sets["phase"] | sets["status"] | sets["ssm"]


@pytest.mark.parametrize("vision", [None, *CVD])
def test_each_palette_is_readable_with_colour_vision_deficiencies(vision: str | None) -> None:
    for palette in (PHASES, STATUSES, SSMS):
        assert _nearest(palette, vision=vision) > 15, (palette, vision)


def test_ssm_colours_in_order_and_repeating_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    assert style.ssm_colours(["b", SSM_TBA, "a", "b"]) == {"b": SSMS[0], "a": SSMS[1], SSM_TBA: style.TBA_COLOUR}
    many = [f"ssm-{i}" for i in range(len(SSMS) + 1)]
    with caplog.at_level(logging.WARNING, logger="esr_geo.style"):
        colours = style.ssm_colours(many)
    assert colours[many[-1]] == colours[many[0]] and "colours repeat" in caplog.text


# --------------------------------------------------------------------------------------
# The timeline follows the map's colouring


def test_timeline_follows_the_colouring(base: Base) -> None:
    def spec(colour_by: str, lang: str = "en") -> tuple[dict[str, str], dict[str, list[str]]]:
        out = timeline.timeline_spec(base.rollout, on="2023-06-01", lang=lang, colour_by=colour_by)
        rows = {r["catchment"]: r["colour_label"] for r in out["data"]["values"]}
        return rows, out["layer"][1]["encoding"]["color"]["scale"]

    rows, scale = spec("phase")
    assert rows["Durham"] == "Phase 2" and scale["range"] == PHASES
    rows, scale = spec("status")
    assert rows["Ottawa"] == "planning and transition" and rows["Peel"] == "integrated services"
    by_label = dict(zip(scale["domain"], scale["range"], strict=True))
    assert by_label["planning and transition"] == style.STATUS_COLOURS[TRANSITION]
    rows, scale = spec("ssm", "fr")
    assert rows["Peel"] == rows["York"] == rows["Ottawa"] == "WCG INTERNATIONAL CONSULTANTS LTD"
    assert rows["Nord-Ouest"] == "À communiquer" and scale["domain"][-1] == "À communiquer"
    assert scale["range"] == [c for _s, _n, c in ssm_entries(base.rollout, "fr")]  # the map legend's colours
    assert timeline.legend_extra_px(base.rollout, colour_by="ssm") > timeline.legend_extra_px(
        base.rollout, colour_by="phase"
    )
    with pytest.raises(ValueError, match="colour_by"):
        timeline.timeline_spec(base.rollout, on=None, lang="en", colour_by="rainbow")
