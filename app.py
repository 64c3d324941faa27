"""esr-geo: the planner's map (Streamlit). Widgets and layout only; the work is in esr_geo.

Run with ``make run`` or ``.venv/bin/streamlit run app.py``. Every text comes from
:mod:`esr_geo.i18n`; the map from :func:`esr_geo.maps.map_view`; the facts, tables and sentences
beside it from :mod:`esr_geo.view`, :mod:`esr_geo.scenario_view` and :mod:`esr_geo.timeline`;
uploads and the start-up state from :mod:`esr_geo.startup`; the analysis from
:mod:`esr_geo.analysis`. Loaders and analyses are cached, keyed on their inputs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

import app_measure  # the measure of access (km or drive time), its road networks and its cached analyses
import app_planner  # the workspace, the zones built in the page and scenarios side by side (widgets)
from app_measure import md_escape, show_error
from esr_geo import i18n, scenario_view, settings, startup, timeline, view
from esr_geo.errors import EsrGeoError
from esr_geo.i18n import t
from esr_geo.rollout import PHASES

if TYPE_CHECKING:
    from collections.abc import Callable

    from esr_geo.analysis import Analysis
    from esr_geo.model import Base
    from esr_geo.scenario import ClosureResult, SuggestionResult

# The geography, folium and the analysis engine are imported where first used, so that with
# `streamlit run app.py` the page starts drawing (title, sidebar, date) before they are loaded on a
# server's first visit. `streamlit run serve.py` (make run) has loaded them before that visit.
# esr_geo.view, scenario_view, startup and timeline need none of them (pandas only).

_LOG = logging.getLogger("esr_geo.app")
MAP_HEIGHT = 640
TIMELINE_PADDING_PX = 90  # the timeline's axis and legend, below its rows
RETURNED = ["last_active_drawing", "last_object_clicked_tooltip", "last_object_clicked", "last_object_clicked_count"]
SIDEBAR_PX = 260  # the sidebar's width: leaves the map room on a 1,024 px laptop (it folds away on a phone)
MAP_CARD_MIN_PX = 300  # below three such columns, the card goes under the map
PICTURE_MIN_PX = 340  # the two pictures side by side, or one under the other
PAGE_CSS = Path(view.__file__).with_name("static") / "page.css"


# --------------------------------------------------------------------------------------
# Cached loaders (keyed on their inputs; large read-only objects are shared, not copied)


def get_base(data_dir: str) -> Base:
    """Return the base geography of one data bundle."""
    return app_measure.get_start(data_dir).base


@st.cache_data(show_spinner=False, max_entries=16)
def check_sites(data_dir: str, digest: str, name: str, _upload: startup.Upload) -> startup.SiteCheck:
    """Validate an uploaded site file (keyed by its SHA-256 and name): 'ok', 'invalid' or 'unreadable', and why."""
    return startup.check_site_upload(_upload, base=get_base(data_dir))


@st.cache_resource(show_spinner=False, max_entries=16)
def get_closure(inputs: tuple[object, ...], site_ids: tuple[str, ...], _analysis: Analysis) -> ClosureResult:
    """Close sites (sorted ids) in the analysis of ``inputs`` (bundle, uploads, threshold, date)."""
    from esr_geo import scenario

    return scenario.close_sites(_analysis, list(site_ids))


@st.cache_resource(show_spinner=False, max_entries=16)
def get_suggestions(
    inputs: tuple[object, ...],
    k: int,
    scope: str,
    fix_first: bool,
    candidates_key: str,
    _analysis: Analysis,
    _candidates: pd.DataFrame | None = None,
) -> SuggestionResult:
    """Suggest ``k`` new sites in a scope ('', 'catchment:<id>' or 'zone:<name>') of the analysis of ``inputs``.

    ``candidates_key`` is the SHA-256 of a planner's candidate file (``''``: named places).
    """
    from esr_geo import scenario

    catchment, zone = scenario_view.scope_parts(scope)
    return scenario.suggest_sites(_analysis, k=k, candidates=_candidates, catchment=catchment, zone=zone,
                                  fix_failing_zones_first=fix_first)  # fmt: skip


# --------------------------------------------------------------------------------------
# Small page pieces


def footer(lang: str) -> None:
    """Show the data sources, every attribution and the method's limits."""
    from esr_geo import data

    st.divider()
    st.subheader(t("footer.title", lang))
    st.caption(t("footer.method", lang))
    st.caption(t("footer.licence_note", lang))
    for line in data.ATTRIBUTIONS:
        st.caption(line)
    st.caption(t("footer.basemap", lang))


def show_card(card: view.Card, lang: str) -> None:
    """Show a catchment card: its facts, then its zones and their results (whole reasons, readable in a column)."""
    st.subheader(card.title)
    colon = i18n.COLON[lang]  # French puts a space before a colon
    st.markdown("\n".join(f"- **{md_escape(label)}**{colon}{md_escape(value)}" for label, value in card.rows))
    st.markdown(f"**{t('card.zones', lang)}**")
    if card.zones.empty:
        st.caption(t("card.no_zones", lang))
        return
    lines = view.card_zone_lines(card, lang)
    st.markdown("\n".join(f"- **{md_escape(z)}**{colon}{md_escape(r)}" + (f"  \n  {md_escape(w)}" if w else "")
                           for z, r, w in lines))  # fmt: skip


def choose(widget: Any, label: str, options: list[Any], *, key: str, lang: str, **kwargs: Any) -> Any:
    """Draw a radio or selectbox whose option labels are translated, keeping the choice across languages.

    Streamlit keeps showing the old option labels (or no selection) when a keyed widget's
    labels change, so each language has its own widget (key ``'<key>.<lang>'``) and the choice
    itself lives under ``key``. Setting ``st.session_state[key]`` chooses for the planner (a
    click on the map does); the widget follows on the next run.
    """
    value = st.session_state.get(key, options[0])
    value = value if value in options else options[0]
    wkey = f"{key}.{lang}"
    if st.session_state.get(wkey) != value:
        st.session_state[wkey] = value

    def remember() -> None:
        st.session_state[key] = st.session_state[wkey]

    choice = widget(label, options, key=wkey, on_change=remember, **kwargs)
    st.session_state[key] = choice
    return choice


def back_to_ontario() -> None:
    """Clear the catchment selection (button callback)."""
    st.session_state["catchment"] = ""


def open_view_link(rollout: pd.DataFrame) -> None:
    """On a visit's first run, open the view its address names (date, language, catchment, threshold, measure)."""
    if st.session_state.get("link_read"):
        return
    st.session_state["link_read"] = True
    params = st.query_params.to_dict()
    if not any(name in params for name in view.VIEW_PARAMS):
        return
    from esr_geo.analysis import MEASURE_KM, MEASURE_MIN

    link = view.read_view_link(
        params, catchment_ids=list(rollout["catchment_id"]), dates=(timeline.MIN_DATE, dt.date.today()),
        thresholds_km=(settings.PAGE_THRESHOLD_KM_MIN, settings.THRESHOLD_KM_MAX), measures=(MEASURE_KM, MEASURE_MIN),
    )  # fmt: skip
    app_measure.link_choices(link.choices, link.ignored)  # with measure=min, the threshold is in minutes
    for name, value in link.choices.items():
        st.session_state[name] = value  # the widgets' keys are the parameters' names
    if link.ignored:
        st.session_state["link_ignored"] = link.ignored


def keep_view_link(choices: Choices) -> None:
    """Write the view in the page's address, and show it in the sidebar to be sent (see ``view.view_link``)."""
    from urllib.parse import urlencode

    lang = choices.lang
    measure = choices.measure  # the threshold in the measure's unit: km, or minutes with measure=min
    params = view.view_link(lang=lang, day=choices.day, catchment=choices.catchment,
                            threshold_km=measure.threshold if measure else choices.threshold,
                            measure=measure.code if measure else None)  # fmt: skip
    current = st.query_params.to_dict()
    for name in view.VIEW_PARAMS:  # other parameters of the address are left alone
        if name in params and current.get(name) != params[name]:
            st.query_params[name] = params[name]
        elif name not in params and name in current:
            del st.query_params[name]
    address = str(st.context.url or "").split("?")[0]
    st.sidebar.header(t("side.link", lang))
    st.sidebar.code(f"{address}?{urlencode(params)}", language=None, wrap_lines=True)
    st.sidebar.caption(t("side.link_help", lang))


# --------------------------------------------------------------------------------------
# The page


@dataclass(frozen=True)
class Choices:
    """The planner's choices on the page (the sidebar, the catchment, the map options and the date).

    ``site_box`` and ``zone_box`` are the sidebar's places under each file box, for what is
    wrong with the file.
    """

    lang: str
    site_file: startup.Upload | None
    zone_file: startup.Upload | None
    threshold: float
    phase: str | None
    catchment: str | None = None
    colour_by: str = "phase"
    layers: frozenset[str] = frozenset()
    day: dt.date = dataclasses.field(default_factory=dt.date.today)
    site_box: Any = None
    zone_box: Any = None
    measure: app_measure.Measure | None = None  # straight line or drive time, its network and thresholds


def upload_box(kind: str, lang: str) -> tuple[startup.Upload | None, Any]:
    """Draw the sidebar's choice of a site or zones file ('sites', 'zones'); return the file and the box under it."""
    sb = st.sidebar
    sb.header(t(f"side.{kind}", lang))
    default = "demo" if kind == "sites" else "default"
    source = choose(
        sb.radio, t(f"side.{kind}_source", lang), [default, "upload"],
        format_func=lambda v: t(f"side.{kind}_{v}", lang), key=f"{kind}_source", lang=lang,
    )  # fmt: skip
    if source != "upload":
        return None, sb.container()
    types = ["csv", "xlsx", "geojson", "json", "gpkg", "zip"] + (["txt"] if kind == "zones" else [])
    up = sb.file_uploader(t(f"side.{kind}_file", lang), type=types, key=f"{kind}_file")
    if up is None and kind == "sites":
        sb.info(t("side.sites_wait", lang))
    box = sb.container()
    if kind == "sites":
        data: Any = view.site_template_bytes
    else:
        data = functools.partial(zones_format, env_data_dir())
    sb.download_button(
        t(f"side.template_{kind}", lang), data=data, file_name=f"{kind}_template.csv", mime="text/csv",
        on_click="ignore", key=f"dl_{kind}_template", help=t(f"side.template_{kind}_help", lang),
    )  # fmt: skip
    return (None if up is None else startup.Upload(up.name, up.getvalue())), box


def zones_format(data_dir: str) -> bytes:
    """Return the default zones as a zones file (``CSDUID,zone``), the format the zones box reads."""
    return view.zones_format_csv(get_base(data_dir))


def sidebar(lang_default: str = "en") -> Choices:
    """Draw the sidebar's language, inputs, threshold and phase; return those choices."""
    sb = st.sidebar
    lang = (
        sb.radio("Language / Langue", list(i18n.LANGS), format_func=i18n.LANG_NAMES.get, key="lang", horizontal=True)
        or lang_default
    )
    site_file, site_box = upload_box("sites", lang)
    zone_file, zone_box = upload_box("zones", lang)
    sb.header(t("side.analysis", lang))
    measure = app_measure.measure_sidebar(env_data_dir(), lang, choose)
    sb.header(t("side.filters", lang))
    phase = choose(
        sb.selectbox,
        t("side.phase", lang),
        ["", *PHASES],
        format_func=lambda p: t("side.all_phases", lang) if not p else view.phase_label(p, lang),
        key="phase",
        lang=lang,
    )
    return Choices(lang=lang, site_file=site_file, zone_file=zone_file, threshold=measure.threshold_km,
                   phase=phase or None, site_box=site_box, zone_box=zone_box, measure=measure)  # fmt: skip


def catchment_picker(rollout: pd.DataFrame, lang: str) -> str | None:
    """Draw the sidebar's catchment choice (a map click sets it through ``pending_catchment``)."""
    labels = view.catchment_choices(rollout, lang)
    choice = choose(
        st.sidebar.selectbox,
        t("side.catchment", lang),
        ["", *labels],
        format_func=lambda c: t("side.all_catchments", lang) if not c else labels[c],
        key="catchment",
        lang=lang,
    )
    st.sidebar.header(t("side.map", lang))
    return choice or None


def map_options(lang: str, *, by_road: bool = False) -> tuple[str, frozenset[str]]:
    """Draw the sidebar's map options: colour scheme and optional layers (no straight-line rings by road)."""
    from esr_geo import maps

    colour_by = choose(
        st.sidebar.radio,
        t("side.colour_by", lang),
        list(maps.COLOUR_BY),
        format_func=lambda v: t(f"colour.{v}", lang),
        key="colour_by",
        lang=lang,
    )
    layers = set(maps.DEFAULT_LAYERS)
    if not by_road and st.sidebar.checkbox(t("side.rings", lang), value=False, key="rings"):
        layers.add("rings")  # by road the service areas show the reach
    if st.sidebar.checkbox(t("layer.french_areas", lang), value=False, key="french_areas"):
        layers.add("french_areas")
    return str(colour_by), frozenset(layers)


def site_problems(upload: startup.Upload | None, data_dir: str, lang: str, box: Any) -> bool | None:
    """Check an uploaded site file; show its problems in ``box``. Return skip_invalid, or None to refuse it."""
    if upload is None:
        return False
    check = check_sites(data_dir, upload.digest, upload.name, upload)
    counts = view.problem_counts(check.problems)
    if check.state == "ok":
        if counts["warning"]:
            box.caption(t("side.warnings", lang, n=counts["warning"], file=upload.name))
        return False
    if check.state == "unreadable":
        box.error(view.engine_error_text(t("app.error_input", lang), check.message, lang))
        return None
    box.warning(t("side.problems", lang, file=upload.name, n=counts["error"]))
    with box.expander(t("side.problem_rows", lang), expanded=True):
        st.dataframe(view.problem_table_styled(check.problems, lang=lang), hide_index=True, key="site_problem_table",
                     column_config=wide_text(lang))  # fmt: skip
    if not check.usable:
        box.error(view.page_message(check.text(lang), lang, worded_in=lang))
        return None
    skip = box.checkbox(t("side.skip_invalid", lang), value=False, key="skip_invalid")
    return True if skip else None


def wide_text(lang: str) -> dict[str, Any]:
    """Return a table's column settings that show its sentences (why it fails, how to fix it) wide."""
    return {label: st.column_config.TextColumn(width="large") for label in view.wide_columns(lang)}


def timeline_chart(rollout: pd.DataFrame, day: dt.date, catchment: str | None, lang: str, colour_by: str) -> None:
    """Draw the rollout timeline (planning bars, IES start markers) as of ``day``, coloured as the map is."""
    st.subheader(t("timeline.title", lang))
    spec = timeline.timeline_spec(rollout, on=day, lang=lang, selected=catchment, colour_by=colour_by)
    height = timeline.timeline_height(len(rollout)) + TIMELINE_PADDING_PX
    height += timeline.legend_extra_px(rollout, colour_by=colour_by)
    st.vega_lite_chart(spec, width="stretch", height=height)
    st.caption(t("timeline.caption", lang))


def table_tabs(rollout: pd.DataFrame, day: dt.date, lang: str) -> list[Any]:
    """Draw the tables' tabs with the rollout table in the first; return the tabs (rollout first)."""
    st.subheader(t("tables.title", lang))
    titles = [t("tables.rollout", lang, date=i18n.fmt_date(day, lang))]
    titles += [t(f"tables.{k}", lang) for k in view.PAGE_TABLES]
    tabs = list(st.tabs(titles))
    tabs[0].dataframe(view.rollout_table(rollout, on=day, lang=lang), hide_index=True, key="table_rollout")
    return tabs


def downloads(analysis: Analysis, lang: str, *, closed: bool = False) -> None:
    """Report, tables and GIS files of the analysis shown (after any closure), made on click for the date."""
    from esr_geo import report

    st.subheader(t("dl.title", lang))
    st.caption(t("dl.note", lang) + (" " + t("dl.after_closure", lang) if closed else ""))
    day = analysis.on.isoformat()

    def shp() -> bytes:
        from esr_geo.export import shapefile_zip_bytes

        return shapefile_zip_bytes(analysis, lang=lang)

    def gpkg() -> bytes:
        from esr_geo.export import geopackage_bytes

        return geopackage_bytes(analysis, lang=lang)

    files: list[tuple[str, Callable[[], str | bytes], str, str, str]] = [
        ("dl.report_html", lambda: report.render_html(analysis, lang=lang), f"esr_geo_report_{day}.html", "text/html",
         "dl_html"),
        ("dl.report_xlsx", lambda: report.excel_bytes(analysis, lang=lang), f"esr_geo_report_{day}.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "dl_xlsx"),
        ("dl.shapefile", shp, f"esr_geo_layers_{day}_shp.zip", "application/zip", "dl_shp"),
        ("dl.geopackage", gpkg, f"esr_geo_layers_{day}.gpkg", "application/geopackage+sqlite3", "dl_gpkg"),
    ]  # fmt: skip
    columns = [c for _ in range(2) for c in st.columns(2)]  # two rows of two: whole labels at 1,024 px
    for column, (label, data, name, mime, key) in zip(columns, files, strict=True):
        column.download_button(t(label, lang), data=data, file_name=name, mime=mime, on_click="ignore", key=key,
                               width="stretch")  # fmt: skip
    t1, t2 = st.columns([2, 1], vertical_alignment="bottom")
    key = choose(
        t1.selectbox,
        t("dl.table", lang),
        list(view.PAGE_TABLES),
        format_func=lambda k: t(f"tables.{k}", lang),
        key="csv_table",
        lang=lang,
    )
    t2.download_button(
        t("dl.csv", lang),
        data=functools.partial(report.table_csv_bytes, analysis, key, lang=lang),
        file_name=f"{key}_{day}.csv",
        mime="text/csv",
        on_click="ignore",
        key="dl_csv",
    )


def add_closed_site(site_id: str) -> None:
    """Add a site to the sites to close (button callback)."""
    current = list(st.session_state.get("close_sites", []))
    if site_id not in current:
        st.session_state["close_sites"] = [*current, site_id]


def closure_panel(analysis: Analysis, inputs: tuple[object, ...], lang: str) -> tuple[ClosureResult | None, Any]:
    """Draw 'What if sites close?': the sites to close, then what the closure costs.

    Returns the closure (``None``: no site picked) and the place for the clicked site's button,
    filled once the map has said which site was clicked (:func:`clicked_site_button`).
    """
    from esr_geo import scenario

    st.markdown(f"#### {t('scen.close_title', lang)}")
    st.caption(t("scen.close_intro", lang))
    labels = scenario_view.closable_sites(analysis)
    before = list(st.session_state.get("close_sites", []))
    kept = [s for s in before if s in labels]
    if kept != before:  # the site list changed (an upload): forget sites it no longer has
        st.session_state["close_sites"] = kept
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    picked = c1.multiselect(
        t("scen.close_pick", lang), list(labels), format_func=lambda s: labels.get(s, s), key="close_sites",
        placeholder=t("scen.close_placeholder", lang), filter_mode="contains", select_all=False,
    )  # fmt: skip
    click_box = (c2.container(), st.container())
    if not picked:
        return None, click_box
    try:
        with st.spinner(t("scen.closing", lang)):
            result = get_closure(inputs, tuple(sorted(picked)), analysis)
    except EsrGeoError as exc:
        show_error(exc, lang)
        return None, click_box
    st.info(scenario_view.closure_summary(result, lang))
    cats, zones, comm = scenario_view.closure_displays(result, lang)
    st.markdown(f"**{t('scen.by_zone', lang)}**")
    st.caption(t("scen.by_zone_note", lang))
    st.dataframe(zones, hide_index=True, key="closure_zones")
    for title, table, empty, key in (
        ("scen.by_catchment", cats, "scen.no_change", "closure_catchments"),
        ("scen.communities", comm, "scen.no_communities", "closure_communities"),
    ):
        st.markdown(f"**{t(title, lang)}**")
        if table.data.empty:
            st.caption(t(empty, lang))
        else:
            st.dataframe(table, hide_index=True, key=key)
    st.download_button(
        t("scen.dl_closure", lang), data=lambda: scenario.render_closure_html(result, lang=lang),
        file_name="closure_summary.html", mime="text/html", on_click="ignore", key="dl_closure",
    )  # fmt: skip
    return result, click_box


def clicked_site_button(box: tuple[Any, Any], clicked: str | None, analysis: Analysis, lang: str) -> None:
    """Offer to close the site clicked on the map (in the closure panel's place for it), or say how to."""
    labels = scenario_view.closable_sites(analysis)
    picked = st.session_state.get("close_sites", [])
    button, caption = box
    if clicked in labels:
        button.button(
            t("scen.close_clicked", lang), key="close_clicked", on_click=add_closed_site, args=(clicked,),
            disabled=clicked in picked,
        )  # fmt: skip
        caption.caption(t("scen.clicked", lang, site=labels[clicked]))
    else:
        caption.caption(t("scen.click_hint", lang))


def clear_suggestions() -> None:
    """Hide the suggested sites (button callback)."""
    st.session_state.pop("suggest_params", None)


@st.cache_resource(show_spinner=False, max_entries=8)
def get_candidates(
    inputs: tuple[object, ...], digest: str, _upload: startup.Upload, _analysis: Analysis
) -> pd.DataFrame:
    """Read a planner's candidate-site file (keyed by its SHA-256) for the analysis of ``inputs``."""
    return scenario_view.candidates_from_upload(_upload, _analysis)


def candidate_file(analysis: Analysis, inputs: tuple[object, ...], lang: str) -> tuple[pd.DataFrame | None, str]:
    """Draw the candidate-site file box; return the candidates it gives (``None``: named places) and their key."""
    up = st.file_uploader(
        t("scen.candidates_file", lang), type=["csv", "xlsx", "geojson", "json", "gpkg", "zip"],
        key="suggest_candidates", help=t("scen.candidates_help", lang),
    )  # fmt: skip
    if up is None:
        return None, ""
    upload = startup.Upload(up.name, up.getvalue())
    try:
        candidates = get_candidates(inputs, upload.digest, upload, analysis)
    except EsrGeoError as exc:
        st.error(view.engine_error_text(t("scen.candidates_refused", lang, file=upload.name), str(exc), lang))
        return None, ""
    st.caption(t("scen.candidates_used", lang, n=i18n.fmt_int(len(candidates), lang), file=upload.name))
    return candidates, upload.digest


def suggestion_panel(
    analysis: Analysis, inputs: tuple[object, ...], lang: str, *, closed: bool = False
) -> SuggestionResult | None:
    """Draw 'Where would new sites help most?' (from the situation after any closure); return the suggestion."""
    from esr_geo import scenario

    st.markdown(f"#### {t('scen.new_title', lang)}")
    st.caption(t("scen.new_intro", lang) + (" " + t("scen.after_closure", lang) if closed else ""))
    c1, c2, c3 = st.columns([1, 2, 2], vertical_alignment="bottom")
    k = c1.number_input(t("scen.k", lang), min_value=1, max_value=20, value=3, step=1, key="suggest_k")
    scope = choose(
        c2.selectbox,
        t("scen.scope", lang),
        scenario_view.scope_options(analysis),
        format_func=lambda o: scenario_view.scope_label(o, analysis, lang),
        key="suggest_scope",
        lang=lang,
    )
    fix = c3.checkbox(t("scen.fix_first", lang), value=False, key="suggest_fix", help=t("scen.fix_help", lang))
    candidates, cand_key = candidate_file(analysis, inputs, lang)
    b1, b2 = st.columns([1, 3])
    if b1.button(t("scen.run", lang), key="suggest_run", type="primary"):
        st.session_state["suggest_params"] = (int(k), str(scope or ""), bool(fix))
    params = st.session_state.get("suggest_params")
    if params is None:
        return None
    b2.button(t("scen.clear", lang), key="suggest_clear", on_click=clear_suggestions)
    try:
        with st.spinner(t("scen.suggesting", lang)):
            k_sites, scope_key, fix_zones = params
            result = get_suggestions(inputs, k_sites, scope_key, fix_zones, cand_key, analysis, candidates)
    except EsrGeoError as exc:
        show_error(exc, lang)
        return None
    summary, line = scenario_view.suggestion_lines(result, lang)
    st.info(f"{summary}\n\n{line}")
    st.markdown(f"**{t('scen.suggest_table', lang)}** ({scenario_view.scope_label(params[1], analysis, lang)})")
    st.dataframe(scenario_view.suggestion_display(result, lang), hide_index=True, key="suggest_table",
                 column_config=wide_text(lang))  # fmt: skip
    st.caption(t("scen.on_map", lang))
    if result.coded_notes:
        names = view.catchment_names(analysis.base.rollout, lang)
        st.markdown(f"**{t('scen.notes', lang)}**")
        for note in result.coded_notes:
            st.markdown(f"- {md_escape(i18n.scenario_note(note.code, note.values, lang, catchments=names))}")
    d1, d2 = st.columns(2)
    d1.download_button(
        t("scen.dl_csv", lang), data=lambda: scenario_view.suggestion_csv_bytes(result),
        file_name="suggested_sites.csv", mime="text/csv", on_click="ignore", key="dl_suggest_csv",
    )  # fmt: skip
    d2.download_button(
        t("scen.dl_html", lang), data=lambda: scenario.render_suggestion_html(result, lang=lang),
        file_name="suggestion_summary.html", mime="text/html", on_click="ignore", key="dl_suggest_html",
    )  # fmt: skip
    return result


def env_data_dir() -> str:
    """Return the data bundle the page reads (``ESR_GEO_DATA_DIR`` or ``../shared/data``)."""
    return str(settings.data_dir())


@st.cache_resource(show_spinner=False, max_entries=2)
def warm_up(data_dir: str) -> threading.Thread:
    """Start loading the geography and the default analysis in the background, once per bundle.

    On a server's first visit (``streamlit run app.py``, without ``serve.py``'s preload) the page
    draws its sidebar and date meanwhile; the cached loaders' per-key locks make the page wait for
    (not repeat) this work. Errors are left for the page to report.
    """

    def work() -> None:
        with contextlib.suppress(Exception):
            app_measure.get_start(data_dir)

    from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

    thread = threading.Thread(target=work, name="esr-geo-warm-up", daemon=True)
    add_script_run_ctx(thread, get_script_run_ctx(suppress_warning=True))
    thread.start()
    return thread


@st.cache_resource(show_spinner=False)
def get_rollout() -> pd.DataFrame:
    """Load the project's rollout table (it ships with the repository, not the bundle)."""
    from esr_geo.rollout import load_rollout

    return load_rollout()


# --------------------------------------------------------------------------------------
# The page, step by step


@dataclass
class Layout:
    """The page's containers in page order; filled out of order (the map first)."""

    notices: Any
    figures: Any
    left: Any
    right: Any
    pictures: Any
    closing: Any
    adding: Any
    timeline_box: Any
    tables_box: Any
    later: Any
    planner: Any = None  # named scenarios, scenarios side by side, zones built here (app_planner)


@dataclass(frozen=True)
class Loaded:
    """The geography and the analysis of the planner's inputs, with the scenario caches' key."""

    base: Base
    analysis: Analysis
    inputs: tuple[object, ...]  # bundle, upload keys, threshold (km; by road 'min:<network>:<minutes>'), skip_invalid


def take_pending_click() -> None:
    """Apply a click on the map from the last run (set before the catchment widget exists)."""
    if "pending_catchment" in st.session_state:
        st.session_state["catchment"] = st.session_state.pop("pending_catchment")


def date_row(rollout: pd.DataFrame, lang: str) -> dt.date:
    """Draw the date control and the rollout on that date; return the date (a date out of range is brought back)."""
    today = dt.date.today()
    low, high = timeline.MIN_DATE, today
    st.session_state.setdefault("date", today)
    d1, d2 = st.columns([1, 3], vertical_alignment="bottom")
    # The box takes any day, so that it always shows the date the page uses: the callback brings
    # a day outside the rollout's range back into it and the note below says so.
    day = d1.date_input(
        t("date.label", lang), min_value=dt.date.min, max_value=dt.date.max, key="date", help=t("date.help", lang),
        format="YYYY-MM-DD", on_change=app_measure.keep_in_range, args=("date", low, high, today),
    )  # fmt: skip
    day = day if isinstance(day, dt.date) else today
    d2.markdown(view.status_sentence(rollout, on=day, lang=lang))
    asked = st.session_state.pop("date.range", None)
    if asked:
        st.warning(t("date.range", lang, lo=i18n.fmt_date(low, lang), hi=i18n.fmt_date(high, lang),
                     asked=i18n.fmt_date(asked[0], lang), used=i18n.fmt_date(asked[1], lang)))  # fmt: skip
    return day


def page_choices(choices: Choices, rollout: pd.DataFrame) -> Choices:
    """Draw the intro, the catchment choice, the map options and the date; return them with the sidebar's."""
    lang = choices.lang
    st.caption(t("app.intro", lang))
    catchment = catchment_picker(rollout, lang)
    by_road = choices.measure is not None and choices.measure.by_road
    colour_by, layers = map_options(lang, by_road=by_road)
    day = date_row(rollout, lang)
    return dataclasses.replace(choices, catchment=catchment, colour_by=colour_by, layers=layers, day=day)


def page_layout(lang: str) -> Layout:
    """Lay out the page's containers (and draw the footer) before anything slow is computed.

    Filled map first: the browser starts drawing the map while the timeline and the tables
    (which need only the rollout table) follow. The map and its card share a grid that puts the
    card beside the map on a wide screen and below it on a laptop or a phone.
    """
    notices = st.container()
    figures = st.container()
    grid = st.grid(3, min_column_width=MAP_CARD_MIN_PX, gap="medium")
    left, right = grid.cell(column_span=2), grid.cell()
    pictures = st.container()
    st.subheader(t("scen.title", lang))
    closing = st.container(border=True, key="scenario_close")
    adding = st.container(border=True, key="scenario_new")
    planner = st.container(border=True, key="planner")
    timeline_box = st.container()
    tables_box = st.container()
    later = st.container()
    footer(lang)
    return Layout(notices, figures, left, right, pictures, closing, adding, timeline_box, tables_box, later, planner)


class RolloutParts:
    """The timeline and the tables' tabs: they need only the rollout table, so they are always drawn."""

    def __init__(self, layout: Layout, rollout: pd.DataFrame, choices: Choices) -> None:
        self.layout, self.rollout, self.choices = layout, rollout, choices
        self.tabs: list[Any] | None = None

    def draw(self) -> list[Any]:
        """Draw the timeline and the tables' tabs once; return the tabs (rollout first)."""
        if self.tabs is None:
            c = self.choices
            with self.layout.timeline_box:
                timeline_chart(self.rollout, c.day, c.catchment, c.lang, c.colour_by)
            with self.layout.tables_box:
                self.tabs = table_tabs(self.rollout, c.day, c.lang)
        return self.tabs


def load_analysis(choices: Choices, data_dir: str, layout: Layout) -> Loaded | None:
    """Load the geography, check an uploaded site file and analyse; ``None`` if that could not be done.

    A file the page cannot use is explained under its box in the sidebar, and the page keeps
    showing the last inputs that worked (or the demonstration layer), with a notice saying so.
    """
    lang = choices.lang
    with layout.notices:
        try:
            with layout.left, st.spinner(t("app.loading", lang)):
                base = get_base(data_dir)
        except EsrGeoError as exc:
            show_error(exc, lang)
            return None
        wanted = (choices.site_file, choices.zone_file)
        skip = site_problems(choices.site_file, data_dir, lang, choices.site_box)
        loaded = None
        if skip is not None:
            box = choices.zone_box if choices.zone_file is not None else choices.site_box
            loaded = analyse_inputs(base, data_dir, (*wanted, bool(skip), choices.threshold), lang, box=box,
                                    measure=choices.measure)  # fmt: skip
        if loaded is not None:
            st.session_state["last_good"] = (*wanted, bool(skip))
            return loaded
        last = st.session_state.get("last_good", (None, None, False))
        if skip is not None and last == (*wanted, bool(skip)):  # what failed is what worked last: start afresh
            last = (None, None, False)
        names = [u.name for u in last[:2] if u is not None]
        what = t("app.what_last", lang, files=", ".join(names)) if names else t("app.what_demo", lang)
        st.warning(t("app.kept", lang, what=what))
        return analyse_inputs(base, data_dir, (*last, choices.threshold), lang, measure=choices.measure)


def analyse_inputs(
    base: Base, data_dir: str, inputs: tuple[Any, ...], lang: str, *, box: Any = None, measure: Any = None
) -> Loaded | None:
    """Analyse (site file, zones file, skip_invalid, threshold) in the measure chosen (:func:`app_measure.analyse`)."""
    done = app_measure.analyse(data_dir, inputs, lang, box=box, measure=measure)
    if done is None:
        return None
    analysis, keys = done
    return Loaded(base=base, analysis=analysis, inputs=keys)


def map_panel(analysis: Analysis, choices: Choices, suggestion: SuggestionResult | None, base: Base) -> Any:
    """Draw the map (its layers swapped in place); act on a new click on a catchment. Return the map's result."""
    from streamlit_folium import st_folium

    from esr_geo import maps

    options = maps.MapOptions(
        lang=choices.lang, on=choices.day, colour_by=choices.colour_by, layers=choices.layers,
        selected=choices.catchment, phase=choices.phase,
        suggestions=suggestion.to_frame() if suggestion is not None else None,
        closed=tuple(st.session_state.get("close_sites", [])),
    )  # fmt: skip
    drawn = maps.map_view(analysis, options=options)
    # The base map stays in the browser; a change swaps its layers in place (no reload, the
    # planner's pan and zoom are kept). render=False: st_folium renders the map once itself.
    result = st_folium(
        drawn.base, height=MAP_HEIGHT, use_container_width=True, returned_objects=RETURNED, render=False,
        feature_group_to_add=drawn.groups, layer_control=drawn.control,
    )  # fmt: skip
    st.caption(t("map.help", choices.lang))
    # The map keeps returning its last click on every rerun: act on a click once, when it is new.
    clicks = (result or {}).get("last_object_clicked_count")
    fresh = clicks is not None and clicks != st.session_state.get("map_clicks_seen")
    st.session_state["map_clicks_seen"] = clicks
    clicked = view.clicked_catchment(result, base) if fresh else None
    if clicked and clicked != choices.catchment:
        st.session_state["pending_catchment"] = clicked
        st.rerun()
    return result


def card_panel(analysis: Analysis, choices: Choices) -> None:
    """Draw the chosen catchment's card (or how to choose one), then its SSM's card."""
    lang = choices.lang
    st.markdown(f"#### {t('card.title', lang)}")
    if choices.catchment:
        show_card(view.catchment_card(analysis, choices.catchment, on=choices.day, lang=lang), lang)
        st.button(t("card.close", lang), on_click=back_to_ontario, key="card_close")
    else:
        st.info(t("card.pick", lang))
    ssm_card_panel(analysis, choices)


def ssm_card_rows(row: dict[str, Any], share_label: str, lang: str) -> list[tuple[str, str]]:
    """Return an SSM card's (label, value) rows from its row of :attr:`esr_geo.ssm.SsmView.ssms`."""

    def num(value: float) -> str:
        return i18n.fmt_int(value, lang)

    share = t("card.share_value", lang, pct=i18n.fmt_pct(row["pct_within_threshold"], lang),
              n=num(row["pop_beyond_threshold"]))  # fmt: skip
    failing = {"n": num(row["zones_failing"]), "total": num(row["zones"]), "zones": ", ".join(row["failing_zones"])}
    if not row["zones"]:
        zones = t("ssm_card.no_zones", lang)
    else:
        zones = t("ssm_card.zones_named" if row["failing_zones"] else "ssm_card.zones_value", lang, **failing)
    return [
        (t("ssm_card.catchments", lang), num(row["catchments"])),
        (t("card.population", lang), num(row["population"])),
        (t("card.reserve_population", lang), num(row["reserve_population"])),
        (t("card.sites", lang), num(row["in_person_sites"])),
        (share_label, share),
        (t("metric.zones_failing", lang), zones),
    ]


def ssm_card_panel(analysis: Analysis, choices: Choices) -> None:
    """Draw the card of the chosen catchment's SSM, or of an SSM chosen here while the map is coloured by SSM."""
    from esr_geo import ssm

    lang = choices.lang
    if not choices.catchment and choices.colour_by != "ssm":
        return
    ssms = ssm.ssm_view(analysis)
    st.markdown(f"#### {t('ssm_card.title', lang)}")
    if choices.catchment:
        ssm_id = ssms.ssm_of_catchment(choices.catchment)
    else:
        names = {r["ssm_id"]: i18n.ssm_name(r["ssm_en"], r["ssm_fr"], lang) for r in ssms.ssms.to_dict("records")}
        ssm_id = choose(
            st.selectbox, t("ssm_card.pick", lang), list(names), format_func=names.get, key="ssm_pick", lang=lang
        )
    row = ssms.row(ssm_id)
    st.subheader(i18n.ssm_name(row["ssm_en"], row["ssm_fr"], lang))
    if ssm_id == ssm.SSM_TBA:
        st.caption(t("ssm_card.tba", lang))
    rows = ssm_card_rows(row, app_measure.share_label(analysis, lang), lang)
    colon = i18n.COLON[lang]
    st.markdown("\n".join(f"- **{md_escape(label)}**{colon}{md_escape(value)}" for label, value in rows))
    mine = analysis.base.rollout.set_index("catchment_id").loc[list(row["catchment_ids"])].reset_index()
    table = view.rollout_table(mine, on=choices.day, lang=lang).drop(columns=[i18n.column_label("ssm", lang)])
    st.dataframe(table, hide_index=True, key="ssm_card_catchments")


def draw_results(
    loaded: Loaded, choices: Choices, rollout: pd.DataFrame, layout: Layout
) -> tuple[Analysis, list[str] | None, bool]:
    """Draw the closure panel, then (after any closure) the figures, the new-site panel, the map and the card.

    Returns the analysis shown (at the chosen date, after the closure if sites are closed), the
    selection's catchment ids (``None``: Ontario) and whether sites are closed.
    """
    lang = choices.lang
    dated = view.at_date(loaded.analysis, choices.day)
    inputs = (*loaded.inputs, choices.day.isoformat())
    with layout.closing:
        closure, click_box = closure_panel(dated, inputs, lang)
    shown = closure.after if closure is not None else dated
    closed = closure is not None
    ids = view.selection_ids(shown, catchment=choices.catchment, phase=choices.phase)
    scope = view.scope_caption(rollout, catchment=choices.catchment, phase=choices.phase, lang=lang)
    measure = choices.measure
    network = app_measure.network_name(measure.network, lang) if measure and measure.network else ""
    with layout.figures:
        app_measure.headline_row(shown, ids, scope, lang, closed=closed, network=network)
    after = (*inputs, tuple(sorted(closure.closed["site_id"].astype(str)))) if closure is not None else inputs
    with layout.adding:
        suggestion = suggestion_panel(shown, after, lang, closed=closed)
    with layout.left:
        on_map = scenario_view.map_after(closure) if closure is not None else dated
        result = map_panel(on_map, choices, suggestion, loaded.base)
    with layout.closing:
        clicked_site_button(click_box, view.clicked_site(result, dated), dated, lang)
    if layout.planner is not None:
        with layout.planner:
            app_planner.planner_panels(dated, inputs, suggestion, result, lang)
    with layout.right:
        card_panel(shown, choices)
    with layout.pictures:
        pictures(shown, ids, scope if ids is not None else None, lang)
    return shown, ids, closed


def pictures(analysis: Analysis, ids: list[str] | None, selection: str | None, lang: str) -> None:
    """Draw the pictures: residents within reach by distance (or minutes), and the zones' margins."""
    from esr_geo import charts

    st.subheader(t("charts.title", lang))
    grid = st.grid(2, min_column_width=PICTURE_MIN_PX, gap="medium")
    with grid.cell():
        curve = charts.reach_curve(analysis, catchment_ids=ids)
        spec = charts.reach_spec(curve, lang=lang, selection=selection)
        st.vega_lite_chart(spec, width="stretch", height=spec["height"] + charts.AXES_PX)
        st.caption(t("charts.reach_caption", lang))
    with grid.cell():
        margins = charts.zone_margins(analysis, catchment_ids=ids)
        if margins.empty:
            st.caption(t("metric.no_zones_help", lang))
            return
        spec = charts.margin_spec(margins, lang=lang, min_share=analysis.min_share, min_sites=analysis.min_sites)
        st.vega_lite_chart(spec, width="stretch", height=spec["height"] + charts.AXES_PX)
        st.caption(t("charts.margin_caption", lang, share=i18n.fmt_pct(100 * analysis.min_share, lang),
                     sites=i18n.fmt_int(analysis.min_sites, lang)))  # fmt: skip


def fill_tables(tabs: list[Any], analysis: Analysis, ids: list[str] | None, lang: str) -> None:
    """Fill the tables' tabs (after the rollout's) with the selection's report tables, numbers in ``lang``."""
    for tab, key in zip(tabs[1:], view.PAGE_TABLES, strict=True):
        frame = view.page_table_styled(analysis, key, lang=lang, catchment_ids=ids)
        if frame.data.empty:
            tab.caption(t("tables.none", lang))
        else:
            tab.dataframe(frame, hide_index=True, key=f"table_{key}", column_config=wide_text(lang))


def notes_and_downloads(analysis: Analysis, lang: str, *, closed: bool = False) -> None:
    """Show the analysis' notes (folded) and the downloads."""
    if analysis.notes:
        with st.expander(t("tables.notes", lang)):
            for note in i18n.notes_text(analysis.notes, lang):
                st.markdown(f"- {md_escape(note)}")
    downloads(analysis, lang, closed=closed)


def page() -> None:
    """Draw the whole page: sidebar and date, then figures and map, then timeline, tables and downloads."""
    rollout = get_rollout()
    open_view_link(rollout)
    take_pending_click()
    lang = str(st.session_state.get("lang", "en"))
    lang = lang if lang in i18n.LANGS else "en"
    st.set_page_config(page_title=t("app.tab_title", lang), layout="wide", initial_sidebar_state=SIDEBAR_PX)
    st.html(PAGE_CSS)
    st.title(t("app.title", lang))
    data_dir = env_data_dir()
    warm_up(data_dir)
    choices = sidebar()
    choices = page_choices(choices, rollout)
    ws_box = app_planner.workspace_sidebar(choices.lang)
    sites, zones = app_planner.page_inputs(choices.site_file, choices.zone_file)
    choices = dataclasses.replace(choices, site_file=sites, zone_file=zones)
    keep_view_link(choices)
    layout = page_layout(choices.lang)
    ignored = st.session_state.pop("link_ignored", None)
    if ignored:
        layout.notices.warning(t("link.ignored", choices.lang, items=", ".join(ignored)))
    rollout_parts = RolloutParts(layout, rollout, choices)  # drawn even if the data or a panel fails
    loaded = load_analysis(choices, data_dir, layout)
    if loaded is None:
        rollout_parts.draw()
        return
    if loaded.inputs[1] == "demo":
        st.sidebar.caption(t("side.demo_note", choices.lang))
    app_planner.save_button(ws_box, loaded.analysis, choices.lang)
    try:
        shown, ids, closed = draw_results(loaded, choices, rollout, layout)
    finally:
        rollout_parts.draw()
    fill_tables(rollout_parts.draw(), shown, ids, choices.lang)
    with layout.later:
        notes_and_downloads(shown, choices.lang, closed=closed)
    startup.page_drawn()  # the server's background drive-time preload may start now


def main() -> None:
    """Run the page; any esr-geo error is shown in plain words."""
    lang = str(st.session_state.get("lang", "en"))
    try:
        page()
    except EsrGeoError as exc:
        show_error(exc, lang if lang in i18n.LANGS else "en")
    except Exception as exc:  # a bug: say so plainly, keep the traceback in the server log
        _LOG.exception("esr-geo app failed")
        st.error(t("app.error_bug", lang if lang in i18n.LANGS else "en", what=f"{type(exc).__name__}: {exc}"))


main()
