"""esr-geo: the planner's map (Streamlit). Widgets and layout only; the work is in esr_geo.

Run with ``make run`` or ``.venv/bin/streamlit run app.py``. Every text comes from
:mod:`esr_geo.i18n`; the map from :func:`esr_geo.maps.map_view`; the analysis from
:mod:`esr_geo.analysis`. Loaders and analyses are cached, keyed on their inputs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import threading
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from esr_geo import i18n, settings
from esr_geo.errors import DataError, EsrGeoError
from esr_geo.i18n import t
from esr_geo.rollout import PHASES

if TYPE_CHECKING:
    from esr_geo import maps
    from esr_geo.analysis import Analysis
    from esr_geo.model import Base
    from esr_geo.scenario import ClosureResult, SuggestionResult

# The geography, folium and the analysis engine are imported where first used, so that with
# `streamlit run app.py` the page starts drawing (title, sidebar, date) before they are loaded on a
# server's first visit. `streamlit run serve.py` (make run) has loaded them before that visit.

_LOG = logging.getLogger("esr_geo.app")
MAP_HEIGHT = 640
RETURNED = ["last_active_drawing", "last_object_clicked_tooltip", "last_object_clicked", "last_object_clicked_count"]
TABLE_KEYS = (
    "coverage_by_catchment",
    "coverage_by_zone",
    "underserved_communities",
    "reserves_exempt",
    "access_by_csd",
)

st.set_page_config(page_title="esr-geo", layout="wide", initial_sidebar_state="expanded")


# --------------------------------------------------------------------------------------
# Cached loaders (keyed on their inputs; large read-only objects are shared, not copied)


@st.cache_resource(show_spinner=False, max_entries=2)
def get_start(data_dir: str) -> maps.StartState:
    """Load the geography, communities and default analysis of one bundle (shared; disk-cached)."""
    from esr_geo import maps

    return maps.shared_start(data_dir)


def get_base(data_dir: str) -> Base:
    """Return the base geography of one data bundle."""
    return get_start(data_dir).base


@st.cache_resource(show_spinner=False, max_entries=8)
def get_measured(
    data_dir: str,
    sites_key: str,
    zones_key: str,
    skip_invalid: bool,
    _sites: maps.Upload | None,
    _zones: maps.Upload | None,
) -> Analysis:
    """Measure every nearest-site distance for one set of inputs, at the default threshold."""
    from esr_geo import maps

    start = get_start(data_dir)
    if _sites is None and _zones is None and not skip_invalid:
        return start.analysis
    return maps.analyse_uploads(
        start.base, sites=_sites, zones=_zones, skip_invalid=skip_invalid, communities=start.communities
    )


@st.cache_resource(show_spinner=False, max_entries=24)
def get_analysis(
    data_dir: str,
    sites_key: str,
    zones_key: str,
    threshold_km: float,
    skip_invalid: bool,
    _sites: maps.Upload | None,
    _zones: maps.Upload | None,
) -> Analysis:
    """Return the analysis for one set of inputs (uploads keyed by their SHA-256) and threshold."""
    from esr_geo.analysis import rethreshold

    measured = get_measured(data_dir, sites_key, zones_key, skip_invalid, _sites, _zones)
    if threshold_km == measured.threshold_km:
        return measured
    return rethreshold(measured, threshold_km=threshold_km)


@st.cache_data(show_spinner=False, max_entries=16)
def check_sites(data_dir: str, digest: str, _upload: maps.Upload) -> tuple[str, pd.DataFrame, bool, str]:
    """Validate an uploaded site file: (state, problems, any usable row, message).

    ``state`` is 'ok', 'invalid' (rows with errors; the problem table says which) or
    'unreadable' (the message says why).
    """
    from esr_geo import maps
    from esr_geo.offices import PROBLEM_COLUMNS, SiteValidationError

    try:
        load = maps.load_site_upload(_upload, base=get_base(data_dir))
    except SiteValidationError as exc:
        return "invalid", exc.load.problems, not exc.load.sites.empty, str(exc)
    except EsrGeoError as exc:
        return "unreadable", pd.DataFrame(columns=list(PROBLEM_COLUMNS)), False, str(exc)
    return "ok", load.problems, True, ""


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
    from esr_geo import maps, scenario

    catchment, zone = maps.scope_parts(scope)
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


def show_card(card: maps.Card, lang: str) -> None:
    """Show a catchment card: its facts, then its zones and their results."""
    st.subheader(card.title)
    st.markdown("\n".join(f"- **{md_escape(label)}**: {md_escape(value)}" for label, value in card.rows))
    st.markdown(f"**{t('card.zones', lang)}**")
    if card.zones.empty:
        st.caption(t("card.no_zones", lang))
    else:
        zones = card.zones[["zone", "result", "pct_within_threshold", "in_person_sites", "reason"]].rename(
            columns={"result": "passes"}
        )
        st.dataframe(i18n.translate_columns(zones, lang), hide_index=True)


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


def sidebar(lang_default: str = "en") -> dict[str, Any]:
    """Draw the sidebar and return the planner's choices."""
    from esr_geo import maps

    sb = st.sidebar
    lang = (
        sb.radio("Language / Langue", list(i18n.LANGS), format_func=i18n.LANG_NAMES.get, key="lang", horizontal=True)
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
            site_file = maps.Upload(up.name, up.getvalue())
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
            zone_file = maps.Upload(zup.name, zup.getvalue())
    sb.header(t("side.analysis", lang))
    threshold = sb.number_input(
        t("side.threshold", lang),
        min_value=1.0,
        max_value=500.0,
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
        format_func=lambda p: t("side.all_phases", lang) if not p else maps.phase_label(p, lang),
        key="phase",
        lang=lang,
    )
    return {
        "lang": lang,
        "site_file": site_file,
        "zone_file": zone_file,
        "threshold": float(threshold),
        "phase": phase or None,
    }


def catchment_picker(rollout: pd.DataFrame, lang: str) -> str | None:
    """Draw the sidebar's catchment choice (a map click sets it through ``pending_catchment``)."""
    from esr_geo import maps

    names = dict(zip(rollout["catchment_id"], rollout[f"catchment_{lang}"], strict=True))
    phases = dict(zip(rollout["catchment_id"], rollout["phase"], strict=True))
    ids = sorted(names, key=lambda c: names[c])
    choice = choose(
        st.sidebar.selectbox,
        t("side.catchment", lang),
        ["", *ids],
        format_func=lambda c: (
            t("side.all_catchments", lang) if not c else f"{names[c]} ({maps.phase_label(phases[c], lang)})"
        ),
        key="catchment",
        lang=lang,
    )
    st.sidebar.header(t("side.map", lang))
    return choice or None


def map_options(lang: str) -> tuple[str, set[str]]:
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
    return str(colour_by), layers


def site_problems(choices: dict[str, Any], data_dir: str, lang: str) -> bool | None:
    """Check an uploaded site file; show its problems. Return skip_invalid, or None to stop."""
    from esr_geo import maps

    upload: maps.Upload | None = choices["site_file"]
    if upload is None:
        return False
    state, problems, usable, message = check_sites(data_dir, upload.digest, upload)
    if state == "ok":
        warnings = problems[problems["severity"] == "warning"] if len(problems) else problems
        if len(warnings):
            st.sidebar.caption(t("side.warnings", lang, n=len(warnings), file=upload.name))
        return False
    if state == "unreadable":
        st.error(f"**{t('app.error_input', lang)}**\n\n{message}")
        return None
    errors = problems[problems["severity"] == "error"]
    st.warning(t("side.problems", lang, file=upload.name, n=len(errors)))
    st.subheader(t("tables.site_problems", lang))
    st.dataframe(maps.problem_table(problems, lang=lang), hide_index=True, key="site_problem_table")
    if not usable:
        st.error(message)
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


def status_sentence(rollout: pd.DataFrame, day: dt.date, lang: str) -> str:
    """Return 'Rollout on 1 June 2024: 9 × integrated services · 3 × ...' in ``lang``."""
    from esr_geo import maps

    counts = maps.status_counts(rollout, on=day)
    parts = [f"{n} × {i18n.status_label(code, lang)}" for code, n in counts.items()]
    return f"**{t('tables.rollout', lang, date=i18n.fmt_date(day, lang))}**: " + " · ".join(parts)


def timeline(rollout: pd.DataFrame, day: dt.date, catchment: str | None, lang: str) -> None:
    """Draw the rollout timeline (planning and transition bars, IES start markers) as of ``day``."""
    from esr_geo import maps

    st.subheader(t("timeline.title", lang))
    spec = maps.timeline_spec(rollout, on=day, lang=lang, selected=catchment)
    st.vega_lite_chart(spec, width="stretch", height=maps.timeline_height(len(rollout)) + 90)
    st.caption(t("timeline.caption", lang))


def table_tabs(rollout: pd.DataFrame, day: dt.date, lang: str) -> list[Any]:
    """Draw the tables' tabs with the rollout table in the first; return the tabs (rollout first)."""
    from esr_geo import maps

    st.subheader(t("tables.title", lang))
    titles = [t("tables.rollout", lang, date=i18n.fmt_date(day, lang)), *[t(f"tables.{k}", lang) for k in TABLE_KEYS]]
    tabs = list(st.tabs(titles))
    tabs[0].dataframe(maps.rollout_table(rollout, on=day, lang=lang), hide_index=True, key="table_rollout")
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
        list(TABLE_KEYS),
        format_func=lambda k: t(f"tables.{k}", lang),
        key="csv_table",
        lang=lang,
    )
    t2.download_button(
        t("dl.csv", lang),
        data=functools.partial(report.table_csv, analysis, key),
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
    from esr_geo import maps, scenario

    st.markdown(f"#### {t('scen.close_title', lang)}")
    st.caption(t("scen.close_intro", lang))
    labels = maps.closable_sites(analysis)
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
    st.info(maps.closure_summary(result, lang))
    cats, zones, comm = maps.closure_tables(result, lang)
    st.markdown(f"**{t('scen.by_zone', lang)}**")
    st.caption(t("scen.by_zone_note", lang))
    st.dataframe(maps.highlight_pass_to_fail(zones, lang), hide_index=True, key="closure_zones")
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
    from esr_geo import maps, scenario

    st.markdown(f"#### {t('scen.new_title', lang)}")
    st.caption(t("scen.new_intro", lang))
    c1, c2, c3 = st.columns([1, 2, 2], vertical_alignment="bottom")
    k = c1.number_input(t("scen.k", lang), min_value=1, max_value=20, value=3, step=1, key="suggest_k")
    scope = choose(
        c2.selectbox,
        t("scen.scope", lang),
        maps.scope_options(analysis),
        format_func=lambda o: maps.scope_label(o, analysis, lang),
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
    summary, line = maps.suggestion_lines(result, lang)
    st.info(f"{summary}\n\n{line}")
    st.markdown(f"**{t('scen.suggest_table', lang)}** ({maps.scope_label(params[1], analysis, lang)})")
    st.dataframe(maps.suggestion_table(result, lang), hide_index=True, key="suggest_table")
    st.caption(t("scen.on_map", lang))
    if result.notes:
        st.markdown(f"**{t('scen.notes', lang)}**")
        for note in result.notes:
            st.markdown(f"- {md_escape(note)}")
    d1, d2 = st.columns(2)
    d1.download_button(
        t("scen.dl_csv", lang), data=lambda: maps.suggestion_csv(result), file_name="suggested_sites.csv",
        mime="text/csv", on_click="ignore", key="dl_suggest_csv",
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


def page() -> None:
    """Draw the whole page: sidebar and date, then figures and map, then timeline, tables and downloads."""
    if "pending_catchment" in st.session_state:  # set by a click on the map, before the widget exists
        st.session_state["catchment"] = st.session_state.pop("pending_catchment")
    lang = str(st.session_state.get("lang", "en"))
    st.title(t("app.title", lang if lang in i18n.LANGS else "en"))
    data_dir = env_data_dir()
    warm_up(data_dir)
    from esr_geo import maps

    choices = sidebar()
    lang = choices["lang"]
    rollout = get_rollout()
    st.caption(t("app.intro", lang))
    catchment = catchment_picker(rollout, lang)
    colour_by, layers = map_options(lang)

    today = dt.date.today()
    d1, d2 = st.columns([1, 3], vertical_alignment="bottom")
    day = d1.date_input(
        t("date.label", lang), value=today, min_value=maps.MIN_DATE, max_value=today, key="date",
        help=t("date.help", lang), format="YYYY-MM-DD",
    )  # fmt: skip
    day = day if isinstance(day, dt.date) else today
    d2.markdown(status_sentence(rollout, day, lang))

    # Containers in page order, filled map first: the browser starts drawing the map while the
    # timeline and the tables (which need only the rollout table) follow. If the data cannot be
    # loaded, the rollout parts are still drawn.
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

    drawn: list[list[Any]] = []

    def rollout_parts() -> list[Any]:
        """Draw the timeline and the tables' tabs once; return the tabs."""
        if not drawn:
            with timeline_box:
                timeline(rollout, day, catchment, lang)
            with tables_box:
                drawn.append(table_tabs(rollout, day, lang))
        return drawn[0]

    with notices:
        try:
            with left, st.spinner(t("app.loading", lang)):
                base = get_base(data_dir)
        except EsrGeoError as exc:
            show_error(exc, lang)
            rollout_parts()
            return
        skip_invalid = site_problems(choices, data_dir, lang)
        if skip_invalid is None:
            rollout_parts()
            return
        sites: maps.Upload | None = choices["site_file"]
        zones: maps.Upload | None = choices["zone_file"]
        sites_key = sites.digest if sites else "demo"
        zones_key = f"{zones.name}:{zones.digest}" if zones else "default"
        try:
            with left, st.spinner(t("app.analysing", lang)):
                analysis = get_analysis(
                    data_dir, sites_key, zones_key, choices["threshold"], bool(skip_invalid), sites, zones
                )
        except EsrGeoError as exc:
            show_error(exc, lang)
            rollout_parts()
            return
    if sites is None:
        st.sidebar.caption(t("side.demo_note", lang))

    try:  # the rollout parts are drawn even if the map or a panel fails
        dated = maps.at_date(analysis, day)
        ids = maps.selection_ids(dated, catchment=catchment, phase=choices["phase"])
        if catchment:
            scope = dict(zip(rollout["catchment_id"], rollout[f"catchment_{lang}"], strict=True))[catchment]
        elif choices["phase"]:
            scope = maps.phase_label(choices["phase"], lang)
        else:
            scope = t("side.all_catchments", lang)
        with figures:
            headline_row(dated, ids, scope, lang)
        inputs = (data_dir, sites_key, zones_key, choices["threshold"], bool(skip_invalid), day.isoformat())
        with adding:
            suggestion = suggestion_panel(dated, inputs, lang)

        with left:
            from streamlit_folium import st_folium

            view = maps.map_view(
                dated, lang=lang, on=day, colour_by=colour_by, layers=layers, selected=catchment,
                phase=choices["phase"],
                suggestions=suggestion.to_frame() if suggestion is not None else None,
                closed=tuple(st.session_state.get("close_sites", [])),
            )  # fmt: skip
            # The base map stays in the browser; a change swaps its layers in place (no reload, the
            # planner's pan and zoom are kept). render=False: st_folium renders the map once itself.
            result = st_folium(
                view.base, height=MAP_HEIGHT, use_container_width=True, returned_objects=RETURNED, render=False,
                feature_group_to_add=view.groups, layer_control=view.control,
            )  # fmt: skip
            st.caption(t("map.help", lang))
            # The map keeps returning its last click on every rerun: act on a click once, when it is new.
            clicks = (result or {}).get("last_object_clicked_count")
            fresh = clicks is not None and clicks != st.session_state.get("map_clicks_seen")
            st.session_state["map_clicks_seen"] = clicks
            clicked = maps.clicked_catchment(result, base) if fresh else None
            if clicked and clicked != catchment:
                st.session_state["pending_catchment"] = clicked
                st.rerun()
        with right:
            st.markdown(f"#### {t('card.title', lang)}")
            if catchment:
                show_card(maps.catchment_card(dated, catchment, on=day, lang=lang), lang)
                st.button(t("card.close", lang), on_click=back_to_ontario, key="card_close")
            else:
                st.info(t("card.pick", lang))
        with closing:
            closure_panel(dated, inputs, maps.clicked_site(result, dated), lang)
    finally:
        rollout_parts()
    tabs = rollout_parts()

    for tab, key in zip(tabs[1:], TABLE_KEYS, strict=True):
        frame = maps.page_table(dated, key, lang=lang, catchment_ids=ids)
        if frame.empty:
            tab.caption(t("tables.none", lang))
        else:
            tab.dataframe(frame, hide_index=True, key=f"table_{key}")
    with later:
        if dated.notes:
            with st.expander(t("tables.notes", lang)):
                for note in dated.notes:
                    st.markdown(f"- {md_escape(note)}")
        downloads(dated, lang)


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
