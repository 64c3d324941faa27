"""The Streamlit app (app.py) driven headlessly with streamlit.testing.v1.AppTest on the real data."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from page_helpers import APP, run_page
from page_helpers import metrics as _metrics
from streamlit.testing.v1 import AppTest

from esr_geo import data, i18n, settings, view
from esr_geo.analysis import Analysis

TIMEOUT = 180


def _run(at: AppTest) -> AppTest:
    return run_page(at, timeout=TIMEOUT)


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
    assert "**Nom anglais** : Northeast" in _texts(app)  # French puts a space before a colon


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
    # until the planner decides, the demonstration layer stays on screen (issue 13, item 3)
    assert _metrics(app)["In-person sites"] == "168"
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
    # the demonstration layer stays on screen, and a notice says why (issue 13, item 3)
    assert [w.value for w in app.warning] == [i18n.t("app.kept", "en", what=i18n.t("app.what_demo", "en"))]
    assert _metrics(app)["In-person sites"] == "168"
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


def test_colouring_by_ssm_shows_an_ssm_card(app: AppTest) -> None:
    app.sidebar.radio(key="colour_by.en").set_value("ssm")
    _run(app)
    picker = app.selectbox(key="ssm_pick.en")
    assert picker.label == i18n.t("ssm_card.pick", "en") and picker.options[-1] == "To be announced"
    picker.set_value("wcg-international-consultants-ltd")
    _run(app)
    assert "WCG INTERNATIONAL CONSULTANTS LTD" in [h.value for h in app.subheader]
    assert "**Catchment areas**: 3" in _texts(app)
    assert list(_table(app, "Integrated services start")["Catchment area"]) == ["Peel", "York", "Ottawa"]
    app.sidebar.radio(key="lang").set_value("fr")
    app.sidebar.selectbox(key="catchment.en").set_value("northwest")
    _run(app)
    assert "À communiquer" in [h.value for h in app.subheader]  # the Northwest's SSM, in French
    assert "**Zones non conformes** : 1 sur 11 : Rainy River" in _texts(app)  # French: a space before a colon


# --------------------------------------------------------------------------------------
# Issue 13: the planner's page, tried as a planner would


def _shown(frame: object) -> pd.DataFrame:
    """Return what a page table displays (its Styler's display values), as text."""
    import pyarrow as pa

    styler = frame.proto.arrow_data.styler  # type: ignore[attr-defined]
    return pa.ipc.open_stream(styler.display_values).read_all().to_pandas()


def _table_element(at: AppTest, column: str) -> object:
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame
    raise AssertionError(f"no table with a column {column!r}")


def _sidebar_texts(at: AppTest) -> str:
    parts = [e.value for e in at.sidebar.get("alert")] + [c.value for c in at.sidebar.get("caption")]
    return "\n".join(str(p) for p in parts)


def test_closing_sites_by_name_offers_exact_matches_only(app: AppTest) -> None:
    """Item 1: typing a name filters by substring, and there is no one-click "select all matches"."""
    proto = app.multiselect(key="close_sites").proto
    modes = proto.DESCRIPTOR.fields_by_name["filter_mode"].enum_type.values_by_number
    assert modes[proto.filter_mode].name == "FILTER_MODE_CONTAINS"
    assert proto.select_all == 0


def test_a_refused_site_file_keeps_the_last_good_analysis(app: AppTest) -> None:
    """Item 3: the map and figures stay (the last good file's); the problem is under the uploader."""
    good = "name,organisation,city,latitude,longitude,in_person\nSudbury office,Acme,Sudbury,46.49,-80.99,yes\n"
    app.sidebar.radio(key="sites_source.en").set_value("upload")
    _run(app)
    app.sidebar.file_uploader(key="sites_file").set_value(("good.csv", good.encode(), "text/csv"))
    _run(app)
    assert _metrics(app)["In-person sites"] == "1"
    app.sidebar.file_uploader(key="sites_file").set_value(("broken.csv", b"\x00\x01not a table", "text/csv"))
    _run(app)
    assert _metrics(app)["In-person sites"] == "1"  # still the good file's analysis
    assert [w.value for w in app.warning] == [
        i18n.t("app.kept", "en", what=i18n.t("app.what_last", "en", files="good.csv"))
    ]
    (error,) = app.sidebar.error  # next to the uploader, not at the top of the main area
    assert "broken.csv" in error.value
    assert not [e for e in app.main.error]


def test_messages_speak_the_page_terms_and_offer_the_formats(app: AppTest, base: object) -> None:
    """Item 10: no repository paths or flags; the template and the zones format are downloads."""
    app.sidebar.radio(key="sites_source.en").set_value("upload")
    app.sidebar.radio(key="zones_source.en").set_value("upload")
    _run(app)
    labels = [b.label for b in app.sidebar.get("download_button")]
    assert labels[:2] == [i18n.t("side.template_sites", "en"), i18n.t("side.template_zones", "en")]
    wrong = "colour,size\nred,3\n"  # a table, but not a site list
    app.sidebar.file_uploader(key="sites_file").set_value(("wrong.csv", wrong.encode(), "text/csv"))
    _run(app)
    (error,) = app.sidebar.error
    assert i18n.t("guide.sites", "en") in error.value
    for path_or_flag in ("data/offices", "README", "--"):
        assert path_or_flag not in error.value
    # the offered files are what the page reads back
    assert view.site_template_bytes().decode().splitlines()[0].startswith("site_id,name,")
    zones_csv = view.zones_format_csv(base).decode("utf-8-sig")  # type: ignore[arg-type]
    rows = zones_csv.splitlines()
    assert rows[0] == "CSDUID,zone" and len(rows) > 100
    assert any(row.endswith(",Kenora") for row in rows)
    invalid = "name,latitude,longitude\nNowhere,123.0,-80.0\nSudbury office,46.49,-80.99\n"
    app.sidebar.file_uploader(key="sites_file").set_value(("some_bad.csv", invalid.encode(), "text/csv"))
    _run(app)
    skip = app.sidebar.checkbox(key="skip_invalid")
    assert skip.label == i18n.t("side.skip_invalid", "en")
    assert "--skip-invalid" not in _sidebar_texts(app)


def test_closure_tables_show_changes_first_with_formatted_numbers(app: AppTest) -> None:
    """Item 6: the zone that flips is on top, changes come first, numbers are formatted."""
    app.multiselect(key="close_sites").set_value(["3514"])
    _run(app)
    element = _table_element(app, "Change")
    zones = element.value  # type: ignore[attr-defined]
    assert list(zones.columns[:3]) == ["Zone", "Change", "Newly beyond"]
    assert zones["Zone"].iloc[0] == "Kenora" and zones["Change"].iloc[0] == "pass → fail"
    shown = _shown(element)
    for column in ("% within before", "% within after"):
        assert shown[column].str.fullmatch(r"\d{1,3}\.\d%").all(), shown[column].tolist()
    assert shown["Newly beyond"].iloc[0] == i18n.fmt_int(float(zones["Newly beyond"].iloc[0]), "en")
    catchments = _table_element(app, "Beyond threshold before")
    cats = catchments.value  # type: ignore[attr-defined]
    assert cats.columns[1] == "Newly beyond" and cats["Newly beyond"].is_monotonic_decreasing
    assert "None" not in _shown(catchments).to_numpy().tolist()


def test_after_closing_sites_the_page_shows_the_situation_after(app: AppTest, analysis: Analysis) -> None:
    """Item 7: headline, zones, card and suggestions start from the situation after the closure."""
    from esr_geo import scenario

    before = _metrics(app)
    app.multiselect(key="close_sites").set_value(["3514"])
    _run(app)
    result = scenario.close_sites(analysis, ["3514"])
    after = _metrics(app)
    beyond = int(before["People beyond 50 km"].replace(",", "")) + result.people_newly_beyond
    assert after["People beyond 50 km"] == i18n.fmt_int(beyond, "en")
    assert int(after["Zones that fail"]) == int(before["Zones that fail"]) + 1
    assert after["In-person sites"] == "167"
    assert i18n.t("metric.scope_closed", "en", scope="All of Ontario") in _texts(app)
    zones = _table(app, "Why it fails").set_index("Zone")
    assert zones.loc["Kenora", "Passes"] == "no"
    app.button(key="suggest_run").click()
    _run(app)
    (summary,) = [i.value for i in app.info if "non-reserve residents are beyond" in i.value]
    assert summary.startswith(i18n.fmt_int(beyond, "en"))  # the demand is everyone beyond after the closure
    assert i18n.t("scen.after_closure", "en") in _texts(app)


def test_threshold_and_date_out_of_range_keep_box_and_figures_in_step(app: AppTest) -> None:
    """Item 13: a value outside the range is brought back into it, in the box too, with a note."""
    app.number_input(key="threshold").set_value(5000.0)
    _run(app)
    high = settings.THRESHOLD_KM_MAX
    assert app.number_input(key="threshold").value == high
    assert f"People beyond {i18n.fmt_km(high, 'en')} km" in _metrics(app)
    asked, used = i18n.fmt_km(5000.0, "en"), i18n.fmt_km(high, "en")
    assert any(f"{asked} km became {used} km" in w.value for w in app.sidebar.warning)
    app.date_input(key="date").set_value("2035-01-01")
    _run(app)
    today = dt.date.today()
    assert app.date_input(key="date").value == today
    assert f"Rollout on {i18n.fmt_date(today, 'en')}" in _texts(app)
    assert any("1 January 2035 became" in w.value for w in app.warning)


def test_no_zones_are_said_and_shares_never_round_up_to_whole(app: AppTest) -> None:
    """Item 13: a catchment without zones says so; 99.996 % is not shown as 100.0 %."""
    app.sidebar.selectbox(key="catchment.en").set_value("toronto")
    _run(app)
    assert _metrics(app)["Zones that fail"] == i18n.t("metric.no_zones", "en")
    assert not any("of 0" in m.value for m in app.metric)
    assert i18n.fmt_pct(99.996, "en") == "99.9%" and i18n.fmt_pct(100.0, "en", whole=False) == "99.9%"
    assert i18n.fmt_pct(100.0, "fr") == "100,0\u00a0%" and i18n.fmt_pct(0.004, "en") == "0.1%"


def test_page_tables_are_formatted_in_the_page_language(app: AppTest) -> None:
    """Items 12 and 9: thousands separators in the page's language, whole reasons, no "None"."""
    app.sidebar.radio(key="lang").set_value("fr")
    _run(app)
    element = _table_element(app, "Motif de non-conformité")
    shown = _shown(element)
    assert shown["Population"].str.contains("\u202f").any()  # 84 716, not 84716
    reasons = [r for r in shown["Motif de non-conformité"] if r]
    assert reasons and all(r.endswith("requis") for r in reasons)  # whole sentences
    for table in app.dataframe:
        if table.proto.arrow_data.styler.display_values:
            assert "None" not in _shown(table).to_numpy().tolist()


def test_card_zones_read_in_a_narrow_column(app: AppTest) -> None:
    """Item 12: the card lists its zones as lines with their whole reason."""
    app.sidebar.selectbox(key="catchment.en").set_value("northwest")
    _run(app)
    text = _texts(app)
    assert "- **Rainy River**: fails: " in text and "at least 90" in text


def test_a_link_reopens_the_view(data_dir: Path) -> None:
    """A planner's address (date, language, catchment, threshold, measure) opens the same view."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(lang="fr", date="2024-06-01", catchment="northwest", threshold="40", measure="km")
    _run(at)
    assert at.sidebar.radio(key="lang").value == "fr"
    assert at.date_input(key="date").value == dt.date(2024, 6, 1)
    assert at.sidebar.selectbox(key="catchment.fr").value == "northwest"
    assert at.number_input(key="threshold").value == 40.0
    assert "Personnes à plus de 40 km" in _metrics(at)
    params = {k: at.query_params[k] for k in view.VIEW_PARAMS if k in at.query_params}
    assert params == {"lang": "fr", "date": "2024-06-01", "catchment": "northwest", "threshold": "40", "measure": "km"}
    at.number_input(key="threshold").set_value(35.0)
    _run(at)
    assert at.query_params["threshold"] == "35"  # the address follows the view
    bad = AppTest.from_file(APP, default_timeout=TIMEOUT)
    bad.query_params.update(threshold="abc", catchment="atlantis", date="2024-06-01")
    _run(bad)
    (warning,) = [w.value for w in bad.warning]
    assert "threshold='abc'" in warning and "catchment='atlantis'" in warning
    assert bad.date_input(key="date").value == dt.date(2024, 6, 1)


def test_pictures_are_drawn_from_the_analysis(app: AppTest) -> None:
    """The share within reach against distance, and the zones' margins, beside the tables."""
    charts = list(app.get("vega_lite_chart"))
    titles = [str(c.proto.spec) for c in charts]
    assert any(i18n.t("charts.reach_km", "en") in s for s in titles)
    assert any(i18n.t("charts.margin", "en") in s for s in titles)


def test_reach_curve_and_margins_by_hand() -> None:
    """On the tiny geography (tests/synthetic.py): shares of the 7,300 non-reserve residents, by hand."""
    from synthetic import tiny_base, tiny_communities, tiny_sites

    from esr_geo import charts
    from esr_geo.analysis import AnalysisOptions, run_analysis

    tiny = tiny_base()
    options = AnalysisOptions(threshold_km=50.0, on="2024-06-01")
    analysis = run_analysis(
        tiny, tiny_sites(), sites_source="tiny", options=options, communities=tiny_communities(tiny)
    )
    curve = charts.reach_curve(analysis, catchment_ids=["northeast"])
    share = curve.set_index(["scope", "value"])["share"]
    assert share[("province", 10.0)] == 0.0
    assert share[("province", 50.0)] == pytest.approx(100 * 6_300 / 7_300)  # H1, H3, G1, G2
    assert share[("province", 110.0)] == pytest.approx(100 * 6_900 / 7_300)  # and H2, U2
    assert share[("selection", 50.0)] == pytest.approx(100 * 4_000 / 4_500)  # G1, G2 of G1, G2, U1, U2
    assert curve["value"].max() >= 123  # U1, 122.3 km: everyone is on the curve
    assert share[("province", curve["value"].max())] == 100.0
    # by road, the curve is in drive minutes against the minutes threshold (here 1 minute a km)
    import dataclasses
    import types

    points = analysis.points.assign(drive_min=analysis.points["distance_km"])
    by_road = dataclasses.replace(analysis, points=points, road=types.SimpleNamespace(threshold_min=45.0))  # type: ignore[arg-type]
    minutes = charts.reach_curve(by_road)
    assert minutes.attrs == {"measure": "min", "threshold": 45.0}
    assert minutes.set_index("value")["share"][50.0] == pytest.approx(100 * 6_300 / 7_300)
    x_title = charts.reach_spec(minutes, lang="en")["layer"][0]["encoding"]["x"]["title"]
    assert " ".join(x_title) == i18n.t("charts.x_min", "en")
    margins = charts.zone_margins(analysis).set_index("zone")
    assert margins.loc["Greater Sudbury / Grand Sudbury", "margin_pp"] == pytest.approx(10.0)
    assert bool(margins.loc["Sudbury", "short_of_sites"]) and not bool(margins.loc["Sudbury", "passes"])
    spec = charts.margin_spec(charts.zone_margins(analysis), lang="fr", min_share=0.9, min_sites=1)
    assert [r["note"] for r in spec["data"]["values"]] == [i18n.t("charts.no_site", "fr"), ""]


def test_the_map_has_a_south_view_and_a_legend_that_remembers(analysis: Analysis) -> None:
    """Item 11: a one-click view of the 13 southern catchments; item 4: the legend keeps its state."""
    from esr_geo import display, legend, maps

    drawn = maps.map_view(analysis, lang="fr", on="2024-06-01")
    script = "".join(maps.map_html(g.add_to(drawn.base)) for g in drawn.groups[-1:])
    assert "esr-views" in script and i18n.t("map.south", "fr") in script
    cat = analysis.base.catchments.to_crs(settings.DISPLAY_CRS)
    south = cat[~cat["catchment_id"].isin(settings.SOUTH_VIEW_EXCLUDES)]
    assert len(south) == 13
    (s, _w), (n, _e) = display.south_bounds(analysis.base)
    assert s == pytest.approx(south.total_bounds[1], abs=0.05) and n == pytest.approx(south.total_bounds[3], abs=0.05)
    assert n < cat.total_bounds[3] - 5  # well south of the Far North
    assert legend.LEGEND_STATE_KEY in script and "localStorage" in script


def test_suggestions_take_a_candidate_sites_file(app: AppTest) -> None:
    """The suggestion panel accepts a planner's candidate-site file, as ``esr-geo suggest --candidates`` does."""
    candidates = (
        "name,latitude,longitude\n"
        "Mattawa hub,46.3168,-78.6996\n"  # Mattawa: 1,993 people, 59 km from the nearest demonstration site
        "Toronto downtown,43.6532,-79.3832\n"  # everyone there is already within reach
    )
    app.file_uploader(key="suggest_candidates").set_value(("my_candidates.csv", candidates.encode(), "text/csv"))
    app.number_input(key="suggest_k").set_value(1)
    app.button(key="suggest_run").click()
    _run(app)
    assert not app.error
    assert i18n.t("scen.candidates_used", "en", n="2", file="my_candidates.csv") in _texts(app)
    table = _table(app, "People added")
    assert list(table["Name"]) == ["Mattawa hub"]
    assert table["Kind"].iloc[0] == "candidate (my_candidates.csv)"
    app.file_uploader(key="suggest_candidates").set_value(("no_good.csv", b"\x00\x01", "text/csv"))
    _run(app)
    (error,) = app.error
    assert error.value.startswith(f"**{i18n.t('scen.candidates_refused', 'en', file='no_good.csv')}**")
    assert "People added" in _table(app, "People added").columns  # the named places are used instead


def test_a_refused_zones_file_is_explained_under_its_box(app: AppTest) -> None:
    """Item 3, for zones: the default zones stay on screen, the reason is under the zones file box."""
    app.sidebar.radio(key="zones_source.en").set_value("upload")
    _run(app)
    app.sidebar.file_uploader(key="zones_file").set_value(("zones.csv", b"CSDUID,zone\n9999999,Nowhere\n", "text/csv"))
    _run(app)
    (error,) = app.sidebar.error
    assert "zones.csv" in error.value and "README" not in error.value
    assert _metrics(app)["Zones that fail"] == "1"  # the default zones' figures
    assert [w.value for w in app.warning] == [i18n.t("app.kept", "en", what=i18n.t("app.what_demo", "en"))]


# --------------------------------------------------------------------------------------
# The workspace, named scenarios side by side and zones built in the page (issue 13)


def _save_scenario(app: AppTest, name: str, close: list[str]) -> AppTest:
    app.multiselect(key="close_sites").set_value(close)
    _run(app)
    app.text_input(key="ws.new_name").set_value(name)
    app.button(key="ws_save_scenario").click()
    _run(app)
    assert i18n.t("ws.saved_scenario", app.session_state["lang"], name=name) in [s.value for s in app.success]
    app.button(key="cmp_run").click()  # scenarios are compared on demand
    return _run(app)


def test_a_named_scenario_is_compared_with_the_baseline(app: AppTest) -> None:
    _save_scenario(app, "Close Kenora", ["3514"])
    assert _table(app, "Sites closed").set_index("Scenario").loc["Close Kenora", "Sites closed"] == "3514"
    summary = next(i.value for i in app.info if i.value.startswith("From Baseline"))
    assert "17,914 residents are newly beyond" in summary and "1 site is added" not in summary
    zones = _table(app, "Change").set_index("Zone")
    assert zones.loc["Kenora", "Change"] == "pass → fail"
    assert zones["Change"].iloc[0] == "pass → fail"  # zones that flip come first
    assert i18n.t("ws.save", "en") in [b.label for b in app.sidebar.get("download_button")]


def test_a_saved_workspace_reopens_with_its_scenario(app: AppTest, data_dir: Path) -> None:
    """What the page saves, a new visit opens: the same scenario, and nothing of another planner's."""
    from esr_geo.workspace import Workspace, workspace_bytes

    _save_scenario(app, "Close Kenora", ["3514"])
    saved = workspace_bytes(Workspace(scenarios=tuple(app.session_state["ws.scenarios"])))
    other = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))  # a second planner, or the page reloaded
    assert "ws.scenarios" not in other.session_state
    assert i18n.t("ws.no_scenarios", "en") in [c.value for c in other.caption]
    other.sidebar.file_uploader(key="ws_file").set_value(("my_plan.gpkg", saved, "application/geopackage+sqlite3"))
    _run(other)
    assert any(s.value.startswith("Workspace my_plan.gpkg is open: 1 scenario.") for s in other.sidebar.success)
    assert list(_table(other, "Sites closed")["Scenario"]) == ["Close Kenora"]
    other.button(key="cmp_run").click()
    _run(other)
    assert any(i.value.startswith("From Baseline (today's sites) to Close Kenora") for i in other.info)
    other.sidebar.file_uploader(key="ws_file").set_value(("notes.gpkg", b"not a database", "application/x-sqlite3"))
    _run(other)
    refused = [e.value for e in other.sidebar.error]
    assert refused and "notes.gpkg is not an esr-geo workspace" in refused[0]


def test_zones_built_in_the_page_pass_or_fail_at_once(app: AppTest) -> None:
    picker = app.multiselect(key="zb.pick")
    modes = picker.proto.DESCRIPTOR.fields_by_name["filter_mode"].enum_type.values_by_number
    assert modes[picker.proto.filter_mode].name == "FILTER_MODE_CONTAINS" and picker.proto.select_all == 0
    app.text_input(key="zb.name").set_value("Kenora and Dryden")
    app.multiselect(key="zb.pick").set_value(["3560010", "3560027"])
    _run(app)
    draft = next(i.value for i in app.info if i.value.startswith("This zone as drafted"))
    assert draft == "This zone as drafted: passes"  # two Service Canada Centres, everyone within 50 km
    app.button(key="zb_add").click()
    _run(app)
    built = _table(app, "Census subdivisions").set_index("Zone")
    assert built.loc["Kenora and Dryden", ["Census subdivisions", "Passes"]].tolist() == ["2", "passes"]
    app.button(key="zb_use").click()
    _run(app)
    assert list(_table(app, "Why it fails")["Zone"]) == ["Kenora and Dryden"]  # the page now uses the zone built
    assert _metrics(app)["Zones that fail"] == "0"


def test_planner_panels_speak_french(app: AppTest) -> None:
    _save_scenario(app, "Fermer Kenora", ["3514"])
    app.sidebar.radio(key="lang").set_value("fr")
    _run(app)
    heads = [m.value for m in app.markdown if m.value.startswith("####")]
    for key in ("ws.save_title", "cmp.title", "zb.title"):
        assert f"#### {i18n.t(key, 'fr')}" in heads
    summary = next(i.value for i in app.info if i.value.startswith("De Situation de base"))
    assert "17\u202f914 résidents se retrouvent au-delà" in summary
    touched = [_table(app, "Lieux fermés"), _table(app, "Changement"), _table(app, "Nouvellement à portée")]
    words = " ".join(str(v) for f in touched for v in [*f.columns, *f.to_numpy().ravel()])
    for english in ("Scenario", "Sites", "Change", "pass", "fail", "Baseline", "None", "nan", "yes", "straight"):
        assert not re.search(rf"\b{english}\b", words), english
