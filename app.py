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
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from esr_geo import i18n, scenario_view, settings, startup, timeline, view
from esr_geo.errors import DataError, EsrGeoError
from esr_geo.i18n import t
from esr_geo.rollout import PHASES

if TYPE_CHECKING:
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

st.set_page_config(page_title="esr-geo", layout="wide", initial_sidebar_state="expanded")


# --------------------------------------------------------------------------------------
# Cached loaders (keyed on their inputs; large read-only objects are shared, not copied)


@st.cache_resource(show_spinner=False, max_entries=2)
def get_start(data_dir: str) -> startup.StartState:
    """Load the geography, communities and default analysis of one bundle (shared; disk-cached)."""
    return startup.shared_start(data_dir)


def get_base(data_dir: str) -> Base:
    """Return the base geography of one data bundle."""
    return get_start(data_dir).base


@st.cache_resource(show_spinner=False, max_entries=8)
def get_measured(
    data_dir: str,
    sites_key: str,
    zones_key: str,
    skip_invalid: bool,
    _sites: startup.Upload | None,
    _zones: startup.Upload | None,
) -> Analysis:
    """Measure every nearest-site distance for one set of inputs, at the default threshold."""
    return startup.measured_analysis(get_start(data_dir), sites=_sites, zones=_zones, skip_invalid=skip_invalid)


@st.cache_resource(show_spinner=False, max_entries=24)
def get_analysis(
    data_dir: str,
    sites_key: str,
    zones_key: str,
    threshold_km: float,
    skip_invalid: bool,
    _sites: startup.Upload | None,
    _zones: startup.Upload | None,
) -> Analysis:
    """Return the analysis for one set of inputs (uploads keyed by their SHA-256) and threshold."""
    from esr_geo.analysis import rethreshold

    measured = get_measured(data_dir, sites_key, zones_key, skip_invalid, _sites, _zones)
    if threshold_km == measured.threshold_km:
        return measured
    return rethreshold(measured, threshold_km=threshold_km)


@st.cache_data(show_spinner=False, max_entries=16)
def check_sites(data_dir: str, digest: str, _upload: startup.Upload) -> startup.SiteCheck:
    """Validate an uploaded site file (keyed by its SHA-256): 'ok', 'invalid' or 'unreadable', and why."""
    return startup.check_site_upload(_upload, base=get_base(data_dir))


@st.cache_resource(show_spinner=False, max_entries=16)
def get_closure(inputs: tuple[object, ...], site_ids: tuple[str, ...], _analysis: Analysis) -> ClosureResult:
    """Close sites (sorted ids) in the analysis of ``inputs`` (bundle, uploads, threshold, date)."""
    from esr_geo import scenario

    return scenario.close_sites(_analysis, list(site_ids))


@st.cache_resource(show_spinner=False, max_entries=16)
def get_suggestions(
    inputs: tuple[object, ...], k: int, scope: str, fix_first: bool, _analysis: Analysis
) -> SuggestionResult:
    """Suggest ``k`` new sites in a scope ('', 'catchment:<id>' or 'zone:<name>') of the analysis of ``inputs``."""
    from esr_geo import scenario

    catchment, zone = scenario_view.scope_parts(scope)
    return scenario.suggest_sites(_analysis, k=k, catchment=catchment, zone=zone, fix_failing_zones_first=fix_first)


# --------------------------------------------------------------------------------------
# Small page pieces


def show_error(exc: BaseException, lang: str) -> None:
    """Show an esr-geo error in plain words (never a traceback)."""
    lead = t("app.error_data" if isinstance(exc, DataError) else "app.error_input", lang)
    note = t("app.engine_language", lang)
    st.error(f"**{lead}**\n\n{exc}\n\n{t('app.error_hint', lang)}" + (f"\n\n*{note}*" if note else ""))


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


def md_escape(text: object) -> str:
    """Escape Markdown in a value shown inside st.markdown."""
    out = str(text)
    for ch in "\\`*_{}[]<>()#+-.!|~$":
        out = out.replace(ch, "\\" + ch)
    return out


def show_card(card: view.Card, lang: str) -> None:
    """Show a catchment card: its facts, then its zones and their results."""
    st.subheader(card.title)
    st.markdown("\n".join(f"- **{md_escape(label)}**: {md_escape(value)}" for label, value in card.rows))
    st.markdown(f"**{t('card.zones', lang)}**")
    if card.zones.empty:
        st.caption(t("card.no_zones", lang))
    else:
        st.dataframe(view.card_zone_table(card, lang), hide_index=True)


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


# --------------------------------------------------------------------------------------
# The page


@dataclass(frozen=True)
class Choices:
    """The planner's choices on the page (the sidebar, the catchment, the map options and the date)."""

    lang: str
    site_file: startup.Upload | None
    zone_file: startup.Upload | None
    threshold: float
    phase: str | None
    catchment: str | None = None
    colour_by: str = "phase"
    layers: frozenset[str] = frozenset()
    day: dt.date = dataclasses.field(default_factory=dt.date.today)


def sidebar(lang_default: str = "en") -> Choices:
    """Draw the sidebar's language, inputs, threshold and phase; return those choices."""
    sb = st.sidebar
    lang = (
        sb.radio(
            "Language / Langue", list(i18n.LANGS), format_func=i18n.LANG_NAMES.get, key="lang", horizontal=True
        )
        or lang_default
    )
    sb.header(t("side.sites", lang))
    sites_source = choose(
        sb.radio,
        t("side.sites_source", lang),
        ["demo", "upload"],
        format_func=lambda v: t("side.sites_demo" if v == "demo" else "side.sites_upload", lang),
        key="sites_source",
        lang=lang,
    )
    site_file = None
    if sites_source == "upload":
        up = sb.file_uploader(
            t("side.sites_file", lang), type=["csv", "xlsx", "geojson", "json", "gpkg", "zip"], key="sites_file"
        )
        if up is None:
            sb.info(t("side.sites_wait", lang))
        else:
            site_file = startup.Upload(up.name, up.getvalue())
    sb.header(t("side.zones", lang))
    zones_source = choose(
        sb.radio,
        t("side.zones_source", lang),
        ["default", "upload"],
        format_func=lambda v: t("side.zones_default" if v == "default" else "side.zones_upload", lang),
        key="zones_source",
        lang=lang,
    )
    zone_file = None
    if zones_source == "upload":
        zup = sb.file_uploader(
            t("side.zones_file", lang), type=["csv", "txt", "xlsx", "gpkg", "geojson", "json", "zip"], key="zones_file"
        )
        if zup is not None:
            zone_file = startup.Upload(zup.name, zup.getvalue())
    sb.header(t("side.analysis", lang))
    threshold = sb.number_input(
        t("side.threshold", lang),
        min_value=1.0,
        max_value=settings.THRESHOLD_KM_MAX,
        value=float(settings.THRESHOLD_KM),
        step=5.0,
        format="%g",
        help=t("side.threshold_help", lang),
        key="threshold",
    )
    sb.header(t("side.filters", lang))
    phase = choose(
        sb.selectbox,
        t("side.phase", lang),
        ["", *PHASES],
        format_func=lambda p: t("side.all_phases", lang) if not p else view.phase_label(p, lang),
        key="phase",
        lang=lang,
    )
    return Choices(lang=lang, site_file=site_file, zone_file=zone_file, threshold=float(threshold), phase=phase or None)


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


def map_options(lang: str) -> tuple[str, frozenset[str]]:
    """Draw the sidebar's map options: colour scheme and optional layers."""
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
    if st.sidebar.checkbox(t("side.rings", lang), value=False, key="rings"):
        layers.add("rings")
    return str(colour_by), frozenset(layers)


def site_problems(upload: startup.Upload | None, data_dir: str, lang: str) -> bool | None:
    """Check an uploaded site file; show its problems. Return skip_invalid, or None to stop."""
    if upload is None:
        return False
    check = check_sites(data_dir, upload.digest, upload)
    counts = view.problem_counts(check.problems)
    if check.state == "ok":
        if counts["warning"]:
            st.sidebar.caption(t("side.warnings", lang, n=counts["warning"], file=upload.name))
        return False
    if check.state == "unreadable":
        st.error(f"**{t('app.error_input', lang)}**\n\n{check.message}")
        return None
    st.warning(t("side.problems", lang, file=upload.name, n=counts["error"]))
    st.subheader(t("tables.site_problems", lang))
    st.dataframe(view.problem_table(check.problems, lang=lang), hide_index=True, key="site_problem_table")
    if not check.usable:
        st.error(check.message)
        return None
    skip = st.checkbox(t("side.skip_invalid", lang), value=False, key="skip_invalid")
    return True if skip else None


def headline_row(analysis: Analysis, ids: list[str] | None, scope: str, lang: str) -> None:
    """Show the headline figures of the selection as st.metric."""
    fig = analysis.summary(ids)
    km = i18n.fmt_km(analysis.threshold_km, lang)
    st.caption(t("metric.scope", lang, scope=scope))
    c1, c2, c3, c4 = st.columns(4)
    pct = i18n.fmt_pct(fig["pct_within_threshold"], lang)
    c1.metric(
        t("metric.within", lang, km=km),
        i18n.fmt_int(fig["pop_within_threshold"], lang),
        delta=pct,
        delta_color="off",
        delta_arrow="off",
        help=t("metric.within_help", lang, pct=pct),
    )
    c2.metric(
        t("metric.beyond", lang, km=km),
        i18n.fmt_int(fig["pop_beyond_threshold"], lang),
        help=t("metric.within_help", lang, pct=pct),
    )
    c3.metric(
        t("metric.zones_failing", lang),
        i18n.fmt_int(fig["zones_failing"], lang),
        delta=t("metric.of", lang, n=int(fig["zones"])),
        delta_color="off",
        delta_arrow="off",
        help=t("metric.zones_help", lang, n=int(fig["zones"])),
    )
    c4.metric(t("metric.sites", lang), i18n.fmt_int(fig["in_person_sites"], lang))


def timeline_chart(rollout: pd.DataFrame, day: dt.date, catchment: str | None, lang: str) -> None:
    """Draw the rollout timeline (planning and transition bars, IES start markers) as of ``day``."""
    st.subheader(t("timeline.title", lang))
    spec = timeline.timeline_spec(rollout, on=day, lang=lang, selected=catchment)
    height = timeline.timeline_height(len(rollout)) + TIMELINE_PADDING_PX
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


def downloads(analysis: Analysis, lang: str) -> None:
    """Report, tables and GIS files, generated on click (deferred) for the chosen date."""
    from esr_geo import report

    st.subheader(t("dl.title", lang))
    st.caption(t("dl.note", lang))
    day = analysis.on.isoformat()
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button(
        t("dl.report_html", lang),
        data=lambda: report.render_html(analysis),
        file_name=f"esr_geo_report_{day}.html",
        mime="text/html",
        on_click="ignore",
        key="dl_html",
    )
    c2.download_button(
        t("dl.report_xlsx", lang),
        data=lambda: report.excel_bytes(analysis),
        file_name=f"esr_geo_report_{day}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key="dl_xlsx",
    )

    def shp() -> bytes:
        from esr_geo.export import shapefile_zip_bytes

        return shapefile_zip_bytes(analysis)

    def gpkg() -> bytes:
        from esr_geo.export import geopackage_bytes

        return geopackage_bytes(analysis)

    c3.download_button(
        t("dl.shapefile", lang), data=shp, file_name=f"esr_geo_layers_{day}_shp.zip", mime="application/zip",
        on_click="ignore", key="dl_shp",
    )  # fmt: skip
    c4.download_button(
        t("dl.geopackage", lang), data=gpkg, file_name=f"esr_geo_layers_{day}.gpkg",
        mime="application/geopackage+sqlite3", on_click="ignore", key="dl_gpkg",
    )  # fmt: skip
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
        data=functools.partial(report.table_csv_bytes, analysis, key),
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


def closure_panel(analysis: Analysis, inputs: tuple[object, ...], clicked: str | None, lang: str) -> None:
    """Draw 'What if sites close?': the sites to close, then what the closure costs."""
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
        t("scen.close_pick", lang),
        list(labels),
        format_func=lambda s: labels.get(s, s),
        key="close_sites",
        placeholder=t("scen.close_placeholder", lang),
    )
    if clicked in labels:
        c2.button(
            t("scen.close_clicked", lang), key="close_clicked", on_click=add_closed_site, args=(clicked,),
            disabled=clicked in picked,
        )  # fmt: skip
        st.caption(t("scen.clicked", lang, site=labels[clicked]))
    else:
        st.caption(t("scen.click_hint", lang))
    if not picked:
        return
    try:
        with st.spinner(t("scen.closing", lang)):
            result = get_closure(inputs, tuple(sorted(picked)), analysis)
    except EsrGeoError as exc:
        show_error(exc, lang)
        return
    st.info(scenario_view.closure_summary(result, lang))
    cats, zones, comm = scenario_view.closure_tables(result, lang)
    st.markdown(f"**{t('scen.by_zone', lang)}**")
    st.caption(t("scen.by_zone_note", lang))
    st.dataframe(scenario_view.highlight_pass_to_fail(zones, lang), hide_index=True, key="closure_zones")
    st.markdown(f"**{t('scen.by_catchment', lang)}**")
    if cats.empty:
        st.caption(t("scen.no_change", lang))
    else:
        st.dataframe(cats, hide_index=True, key="closure_catchments")
    st.markdown(f"**{t('scen.communities', lang)}**")
    if comm.empty:
        st.caption(t("scen.no_communities", lang))
    else:
        st.dataframe(comm, hide_index=True, key="closure_communities")
    st.download_button(
        t("scen.dl_closure", lang), data=lambda: scenario.render_closure_html(result),
        file_name="closure_summary.html", mime="text/html", on_click="ignore", key="dl_closure",
    )  # fmt: skip
    if t("scen.dl_english", lang):
        st.caption(t("scen.dl_english", lang))


def clear_suggestions() -> None:
    """Hide the suggested sites (button callback)."""
    st.session_state.pop("suggest_params", None)


def suggestion_panel(analysis: Analysis, inputs: tuple[object, ...], lang: str) -> SuggestionResult | None:
    """Draw 'Where would new sites help most?'; return the suggestion to draw on the map, if any."""
    from esr_geo import scenario

    st.markdown(f"#### {t('scen.new_title', lang)}")
    st.caption(t("scen.new_intro", lang))
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
            result = get_suggestions(inputs, k_sites, scope_key, fix_zones, analysis)
    except EsrGeoError as exc:
        show_error(exc, lang)
        return None
    summary, line = scenario_view.suggestion_lines(result, lang)
    st.info(f"{summary}\n\n{line}")
    st.markdown(f"**{t('scen.suggest_table', lang)}** ({scenario_view.scope_label(params[1], analysis, lang)})")
    st.dataframe(scenario_view.suggestion_table(result, lang), hide_index=True, key="suggest_table")
    st.caption(t("scen.on_map", lang))
    if result.notes:
        st.markdown(f"**{t('scen.notes', lang)}**")
        for note in result.notes:
            st.markdown(f"- {md_escape(note)}")
    d1, d2 = st.columns(2)
    d1.download_button(
        t("scen.dl_csv", lang), data=lambda: scenario_view.suggestion_csv_bytes(result),
        file_name="suggested_sites.csv", mime="text/csv", on_click="ignore", key="dl_suggest_csv",
    )  # fmt: skip
    d2.download_button(
        t("scen.dl_html", lang), data=lambda: scenario.render_suggestion_html(result),
        file_name="suggestion_summary.html", mime="text/html", on_click="ignore", key="dl_suggest_html",
    )  # fmt: skip
    if t("scen.dl_english", lang):
        st.caption(t("scen.dl_english", lang))
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
            get_start(data_dir)

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
    closing: Any
    adding: Any
    timeline_box: Any
    tables_box: Any
    later: Any


@dataclass(frozen=True)
class Loaded:
    """The geography and the analysis of the planner's inputs, with the scenario caches' key."""

    base: Base
    analysis: Analysis
    inputs: tuple[object, ...]  # bundle, upload keys, threshold, skip_invalid (the date is added later)


def take_pending_click() -> None:
    """Apply a click on the map from the last run (set before the catchment widget exists)."""
    if "pending_catchment" in st.session_state:
        st.session_state["catchment"] = st.session_state.pop("pending_catchment")


def date_row(rollout: pd.DataFrame, lang: str) -> dt.date:
    """Draw the date control and the rollout on that date; return the date."""
    today = dt.date.today()
    d1, d2 = st.columns([1, 3], vertical_alignment="bottom")
    day = d1.date_input(
        t("date.label", lang), value=today, min_value=timeline.MIN_DATE, max_value=today, key="date",
        help=t("date.help", lang), format="YYYY-MM-DD",
    )  # fmt: skip
    day = day if isinstance(day, dt.date) else today
    d2.markdown(view.status_sentence(rollout, on=day, lang=lang))
    return day


def page_choices(choices: Choices, rollout: pd.DataFrame) -> Choices:
    """Draw the intro, the catchment choice, the map options and the date; return them with the sidebar's."""
    lang = choices.lang
    st.caption(t("app.intro", lang))
    catchment = catchment_picker(rollout, lang)
    colour_by, layers = map_options(lang)
    day = date_row(rollout, lang)
    return dataclasses.replace(choices, catchment=catchment, colour_by=colour_by, layers=layers, day=day)


def page_layout(lang: str) -> Layout:
    """Lay out the page's containers (and draw the footer) before anything slow is computed.

    Filled map first: the browser starts drawing the map while the timeline and the tables
    (which need only the rollout table) follow.
    """
    notices = st.container()
    figures = st.container()
    left, right = st.columns([2.7, 1], gap="medium")
    st.subheader(t("scen.title", lang))
    closing = st.container(border=True, key="scenario_close")
    adding = st.container(border=True, key="scenario_new")
    timeline_box = st.container()
    tables_box = st.container()
    later = st.container()
    footer(lang)
    return Layout(notices, figures, left, right, closing, adding, timeline_box, tables_box, later)


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
                timeline_chart(self.rollout, c.day, c.catchment, c.lang)
            with self.layout.tables_box:
                self.tabs = table_tabs(self.rollout, c.day, c.lang)
        return self.tabs


def load_analysis(choices: Choices, data_dir: str, layout: Layout) -> Loaded | None:
    """Load the geography, check an uploaded site file and analyse; ``None`` if that could not be done.

    Problems are shown in the notices (the reason, or the site file's problem table).
    """
    lang = choices.lang
    with layout.notices:
        try:
            with layout.left, st.spinner(t("app.loading", lang)):
                base = get_base(data_dir)
        except EsrGeoError as exc:
            show_error(exc, lang)
            return None
        skip_invalid = site_problems(choices.site_file, data_dir, lang)
        if skip_invalid is None:
            return None
        sites, zones = choices.site_file, choices.zone_file
        sites_key, zones_key = startup.upload_keys(sites, zones)
        try:
            with layout.left, st.spinner(t("app.analysing", lang)):
                analysis = get_analysis(
                    data_dir, sites_key, zones_key, choices.threshold, bool(skip_invalid), sites, zones
                )
        except EsrGeoError as exc:
            show_error(exc, lang)
            return None
    inputs = (data_dir, sites_key, zones_key, choices.threshold, bool(skip_invalid))
    return Loaded(base=base, analysis=analysis, inputs=inputs)


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
    """Draw the chosen catchment's card (or how to choose one)."""
    lang = choices.lang
    st.markdown(f"#### {t('card.title', lang)}")
    if choices.catchment:
        show_card(view.catchment_card(analysis, choices.catchment, on=choices.day, lang=lang), lang)
        st.button(t("card.close", lang), on_click=back_to_ontario, key="card_close")
    else:
        st.info(t("card.pick", lang))


def draw_results(
    loaded: Loaded, choices: Choices, rollout: pd.DataFrame, layout: Layout
) -> tuple[Analysis, list[str] | None]:
    """Draw the figures, the new-site panel, the map, the card and the closure panel.

    Returns the analysis at the chosen date and the selection's catchment ids (``None``: Ontario).
    """
    lang = choices.lang
    dated = view.at_date(loaded.analysis, choices.day)
    ids = view.selection_ids(dated, catchment=choices.catchment, phase=choices.phase)
    scope = view.scope_caption(rollout, catchment=choices.catchment, phase=choices.phase, lang=lang)
    with layout.figures:
        headline_row(dated, ids, scope, lang)
    inputs = (*loaded.inputs, choices.day.isoformat())
    with layout.adding:
        suggestion = suggestion_panel(dated, inputs, lang)
    with layout.left:
        result = map_panel(dated, choices, suggestion, loaded.base)
    with layout.right:
        card_panel(dated, choices)
    with layout.closing:
        closure_panel(dated, inputs, view.clicked_site(result, dated), lang)
    return dated, ids


def fill_tables(tabs: list[Any], analysis: Analysis, ids: list[str] | None, lang: str) -> None:
    """Fill the tables' tabs (after the rollout's) with the selection's report tables."""
    for tab, key in zip(tabs[1:], view.PAGE_TABLES, strict=True):
        frame = view.page_table(analysis, key, lang=lang, catchment_ids=ids)
        if frame.empty:
            tab.caption(t("tables.none", lang))
        else:
            tab.dataframe(frame, hide_index=True, key=f"table_{key}")


def notes_and_downloads(analysis: Analysis, lang: str) -> None:
    """Show the analysis' notes (folded) and the downloads."""
    if analysis.notes:
        with st.expander(t("tables.notes", lang)):
            for note in analysis.notes:
                st.markdown(f"- {md_escape(note)}")
    downloads(analysis, lang)


def page() -> None:
    """Draw the whole page: sidebar and date, then figures and map, then timeline, tables and downloads."""
    take_pending_click()
    lang = str(st.session_state.get("lang", "en"))
    st.title(t("app.title", lang if lang in i18n.LANGS else "en"))
    data_dir = env_data_dir()
    warm_up(data_dir)
    choices = sidebar()
    rollout = get_rollout()
    choices = page_choices(choices, rollout)
    layout = page_layout(choices.lang)
    rollout_parts = RolloutParts(layout, rollout, choices)  # drawn even if the data or a panel fails
    loaded = load_analysis(choices, data_dir, layout)
    if loaded is None:
        rollout_parts.draw()
        return
    if choices.site_file is None:
        st.sidebar.caption(t("side.demo_note", choices.lang))
    try:
        dated, ids = draw_results(loaded, choices, rollout, layout)
    finally:
        rollout_parts.draw()
    fill_tables(rollout_parts.draw(), dated, ids, choices.lang)
    with layout.later:
        notes_and_downloads(dated, choices.lang)


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
