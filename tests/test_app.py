"""The Streamlit app (app.py) driven headlessly with streamlit.testing.v1.AppTest on the real data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from esr_geo import data, i18n, settings, view
from esr_geo.analysis import Analysis

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 180


def _run(at: AppTest) -> AppTest:
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [h.value for h in at.subheader] + [h.value for h in at.title]
    return "\n".join(parts)


def _table(at: AppTest, column: str) -> pd.DataFrame:
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a column {column!r}")


@pytest.fixture
def app(data_dir: Path) -> AppTest:
    return _run(AppTest.from_file(APP, default_timeout=TIMEOUT))


def test_default_page_renders(app: AppTest) -> None:
    assert not app.error
    assert app.title[0].value == i18n.t("app.title", "en")
    metrics = _metrics(app)
    assert list(metrics) == ["People within 50 km", "People beyond 50 km", "Zones that fail", "In-person sites"]
    assert metrics["In-person sites"] == "168"
    within = int(metrics["People within 50 km"].replace(",", ""))
    beyond = int(metrics["People beyond 50 km"].replace(",", ""))
    assert within + beyond > 14_000_000
    text = _texts(app)
    for line in data.ATTRIBUTIONS:  # the footer carries every attribution
        assert line in text
    assert i18n.t("card.pick", "en") in [i.value for i in app.info]
    assert len(_table(app, "Status")) == 15


def test_changing_the_date_changes_the_statuses(app: AppTest) -> None:
    app.date_input(key="date").set_value("2022-06-01")
    _run(app)
    before = _table(app, "Status").set_index("Catchment area")["Status"]
    assert before["Durham"] == "not started" and before["York"] == "planning and transition"
    assert "Rollout on 1 June 2022" in _texts(app)
    app.date_input(key="date").set_value("2024-06-01")
    _run(app)
    after = _table(app, "Status").set_index("Catchment area")["Status"]
    assert after["Durham"] == "integrated services" and after["Toronto"] == "to be announced"


def test_changing_the_threshold_changes_the_headline(app: AppTest) -> None:
    before = _metrics(app)
    app.number_input(key="threshold").set_value(25.0)
    _run(app)
    after = _metrics(app)
    assert "People beyond 25 km" in after
    beyond_25 = int(after["People beyond 25 km"].replace(",", ""))
    beyond_50 = int(before[f"People beyond {settings.THRESHOLD_KM:g} km"].replace(",", ""))
    assert beyond_25 > beyond_50
    assert int(after["Zones that fail"]) >= int(before["Zones that fail"])


def test_french_changes_every_label(app: AppTest) -> None:
    app.sidebar.radio(key="lang").set_value("fr")
    _run(app)
    assert app.title[0].value == i18n.t("app.title", "fr")
    assert list(_metrics(app)) == [
        "Personnes à 50 km ou moins",
        "Personnes à plus de 50 km",
        "Zones non conformes",
        "Lieux en personne",
    ]
    table = _table(app, "Statut")
    assert list(table.columns) == [
        "Zone de desserte",
        "Phase",
        "GSS",
        "Planification et transition",
        "Début des services intégrés",
        "Statut",
    ]
    assert "Nord-Ouest" in set(table["Zone de desserte"])
    assert app.sidebar.selectbox(key="phase.fr").label == "Phase"
    assert app.number_input(key="threshold").label == i18n.t("side.threshold", "fr")
    assert i18n.t("footer.title", "fr") in _texts(app)


def test_choosing_a_catchment_opens_its_card_and_filters_the_figures(app: AppTest) -> None:
    province = _metrics(app)
    app.sidebar.selectbox(key="catchment.en").set_value("northwest")
    _run(app)
    text = _texts(app)
    assert "Northwest" in [h.value for h in app.subheader]
    for words in ("**English name**: Northwest", "**French name**: Nord\\-Ouest", "**Status on"):
        assert words in text
    assert "Figures for: Northwest" in text
    local = _metrics(app)
    assert int(local["In-person sites"]) < int(province["In-person sites"])
    zones = _table(app, "Zone")
    assert set(zones["Zone"]) >= {"Kenora", "Thunder Bay", "Rainy River"}
    app.button(key="card_close").click()
    _run(app)
    assert "Figures for: All of Ontario" in _texts(app)


def test_choices_survive_a_change_of_language(app: AppTest) -> None:
    app.sidebar.selectbox(key="catchment.en").set_value("northeast")
    app.sidebar.radio(key="colour_by.en").set_value("status")
    _run(app)
    app.sidebar.radio(key="lang").set_value("fr")
    _run(app)
    assert app.sidebar.selectbox(key="catchment.fr").value == "northeast"
    assert app.sidebar.radio(key="colour_by.fr").value == "status"
    assert "Nord-Est" in [h.value for h in app.subheader]
    assert "**Nom anglais**: Northeast" in _texts(app)


def test_a_map_click_selects_the_catchment(app: AppTest) -> None:
    # st_folium cannot be clicked headlessly; a click sets this session key (see app.py).
    app.session_state["pending_catchment"] = "peel"
    _run(app)
    assert app.sidebar.selectbox(key="catchment.en").value == "peel"
    assert "Peel" in [h.value for h in app.subheader]


def test_phase_filter_narrows_the_figures(app: AppTest, analysis: Analysis) -> None:
    province = _metrics(app)
    app.sidebar.selectbox(key="phase.en").set_value("Phase 3")
    _run(app)
    assert "Figures for: Phase 3" in _texts(app)
    local = _metrics(app)
    # the figures are Phase 3's (Northeast, Northwest and Toronto), not the province's
    expected = analysis.summary(view.selection_ids(analysis, phase="Phase 3"))
    for label, key in (
        ("Zones that fail", "zones_failing"),
        ("In-person sites", "in_person_sites"),
        ("People beyond 50 km", "pop_beyond_threshold"),
    ):
        assert local[label] == i18n.fmt_int(expected[key], "en"), label
    assert int(local["In-person sites"]) < int(province["In-person sites"])
    assert int(local["Zones that fail"].replace(",", "")) <= int(province["Zones that fail"].replace(",", ""))


def test_bad_site_file_shows_the_problem_table(app: AppTest) -> None:
    good = "name,organisation,city,latitude,longitude,in_person\nSudbury office,Acme,Sudbury,46.49,-80.99,yes\n"
    bad = good + "Nowhere,Acme,Nowhere,123.0,-80.0,yes\n"
    app.sidebar.radio(key="sites_source.en").set_value("upload")
    _run(app)
    app.sidebar.file_uploader(key="sites_file").set_value(("my_sites.csv", bad.encode(), "text/csv"))
    _run(app)
    assert not app.error
    assert any("my_sites.csv" in w.value for w in app.warning)
    problems = _table(app, "Problem")
    assert list(problems.columns) == ["Row", "Site", "Column", "Severity", "Problem", "How to fix it"]
    assert 3 in set(problems["Row"])
    assert not app.metric  # no analysis until the planner decides
    app.checkbox(key="skip_invalid").check()
    _run(app)
    assert _metrics(app)["In-person sites"] == "1"
    assert not app.error


def test_unreadable_site_file_is_explained(app: AppTest) -> None:
    app.sidebar.radio(key="sites_source.en").set_value("upload")
    _run(app)
    app.sidebar.file_uploader(key="sites_file").set_value(("sites.csv", b"\x00\x01not a table", "text/csv"))
    _run(app)
    assert not app.exception
    # an input error in plain words (no traceback), naming the file; no problem table and no figures
    (error,) = app.error
    assert error.value.startswith(f"**{i18n.t('app.error_input', 'en')}**") and "sites.csv" in error.value
    assert "Traceback" not in error.value
    assert not app.warning and not app.metric
    assert not any("Problem" in frame.value.columns for frame in app.dataframe)


def test_missing_data_bundle_is_a_plain_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(tmp_path / "nowhere"))
    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    assert at.error
    message = at.error[0].value
    assert i18n.t("app.error_data", "en") in message and "nowhere" in message
    assert "Traceback" not in message
    assert data.ATTRIBUTIONS[0] in _texts(at)


def test_closing_a_site_shows_what_it_costs(app: AppTest) -> None:
    closing = app.multiselect(key="close_sites")
    assert closing.label == i18n.t("scen.close_pick", "en")
    assert "3514" in closing.options or "Kenora Service Canada Centre (3514)" in closing.options
    closing.set_value(["3514"])
    _run(app)
    assert not app.error
    assert any("Closing Kenora Service Canada Centre" in i.value for i in app.info)
    zones = _table(app, "Change").set_index("Zone")
    assert zones.loc["Kenora", "Passes before"] == "yes" and zones.loc["Kenora", "Passes after"] == "no"
    assert zones.loc["Kenora", "Change"] == "pass → fail"
    assert (zones.drop(index="Kenora")["Change"] != "pass → fail").all()
    catchments = _table(app, "Newly beyond")
    assert "Northwest" in set(catchments["Catchment area"]) and (catchments["Newly beyond"] > 0).any()
    communities = _table(app, "New nearest site")
    assert "Kenora" in set(communities["Community"])
    assert any(b.label == i18n.t("scen.dl_closure", "en") for b in app.get("download_button"))


def test_suggesting_two_sites_shows_two_rows(app: AppTest) -> None:
    app.number_input(key="suggest_k").set_value(2)
    app.button(key="suggest_run").click()
    _run(app)
    assert not app.error
    table = _table(app, "People added")
    assert len(table) == 2 and list(table["Rank"]) == [1, 2]
    assert list(table["Cumulative"]) == list(table["People added"].cumsum())
    assert any("Greedy choice" in i.value and "optimum" in i.value for i in app.info)
    _run(app)  # the suggestion stays on the page (and the map) across reruns until cleared
    assert len(_table(app, "People added")) == 2
    app.button(key="suggest_clear").click()
    _run(app)
    assert not any("People added" in f.value.columns for f in app.dataframe)


def test_scenario_labels_are_french(app: AppTest) -> None:
    app.sidebar.radio(key="lang").set_value("fr")
    _run(app)
    text = _texts(app)
    assert i18n.t("scen.title", "fr") in text
    assert i18n.t("scen.close_title", "fr") in text and i18n.t("scen.new_title", "fr") in text
    assert app.button(key="suggest_run").label == "Suggérer des lieux"
    assert app.multiselect(key="close_sites").label == "Lieux à fermer"
    assert app.number_input(key="suggest_k").label == i18n.t("scen.k", "fr")
    assert app.checkbox(key="suggest_fix").label == i18n.t("scen.fix_first", "fr")
    app.multiselect(key="close_sites").set_value(["3514"])
    _run(app)
    zones = _table(app, "Changement").set_index("Zone")
    assert zones.loc["Kenora", "Changement"] == "conforme → non conforme"
    assert any("La fermeture de Kenora Service Canada Centre" in i.value for i in app.info)


def test_server_preload_reports_a_missing_bundle_and_keeps_serving(tmp_path: Path) -> None:
    """serve.py's start-up preload logs a data problem (no traceback) instead of stopping the server."""
    import os
    import subprocess
    import sys

    root = Path(APP).parent
    env = {**os.environ, "ESR_GEO_DATA_DIR": str(tmp_path / "no-bundle-here")}
    code = "import serve; serve._preload(); print('still serving')"
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "still serving" in done.stdout
    assert "could not be preloaded" in done.stderr and "no-bundle-here" in done.stderr
    assert "Traceback" not in done.stderr
