"""The planner's page, continued: the workspace, the zones built in the page and scenarios side by side.

Widgets and layout only, as ``app.py`` (which calls these panels; they are apart to keep each
file readable): the work is in :mod:`esr_geo.workspace` (the GeoPackage file),
:mod:`esr_geo.compare` (scenarios applied and compared), :mod:`esr_geo.zones` (zones from census
subdivisions and the pass rule) and their words in :mod:`esr_geo.compare_view`. Everything a
planner builds lives in their own session (``st.session_state``): two planners' workspaces,
scenarios and zones never mix, and nothing is written on the server.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from esr_geo import compare_view, startup
from esr_geo.errors import EsrGeoError
from esr_geo.i18n import t

if TYPE_CHECKING:
    import geopandas as gpd

    from esr_geo.analysis import Analysis
    from esr_geo.compare import Comparison
    from esr_geo.model import Base
    from esr_geo.scenario import SuggestionResult
    from esr_geo.workspace import Scenario, Workspace

#: Session keys: the workspace opened, its named scenarios, the zones built here and whether they are used.
WORKSPACE, SCENARIOS, OPENED, BUILT, BUILT_USED = "ws.workspace", "ws.scenarios", "ws.opened", "zb.zones", "zb.used"
#: Session key: the opened workspace's sites and zones as the files the page checks (made once, when it opens).
WS_FILES = "ws.files"


def _scenarios() -> tuple[Scenario, ...]:
    return tuple(st.session_state.get(SCENARIOS, ()))


# --------------------------------------------------------------------------------------
# Cached work (keyed on the inputs; the analysis itself is not hashed)


@st.cache_resource(show_spinner=False, max_entries=16)
def applied(inputs: tuple[object, ...], scenario_key: str, _analysis: Analysis, _scenario: Scenario) -> Analysis:
    """Return the analysis of ``inputs`` as a scenario has it (keyed by the scenario's repr)."""
    from esr_geo.compare import apply_scenario

    return apply_scenario(_analysis, _scenario)


@st.cache_resource(show_spinner=False, max_entries=32)
def built_zones(data_dir: str, members: tuple[tuple[str, tuple[str, ...]], ...], _base: Base) -> gpd.GeoDataFrame:
    """Return zones built from ``(zone, CSDUIDs)`` pairs (:func:`esr_geo.zones.zones_from_table`)."""
    from esr_geo.zones import zones_from_table

    rows = [(code, zone) for zone, codes in members for code in codes]
    return zones_from_table(pd.DataFrame(rows, columns=["CSDUID", "zone"], dtype=str), base=_base, label="zones")


@st.cache_resource(show_spinner=False, max_entries=8)
def csd_labels(data_dir: str, lang: str, _base: Base) -> dict[str, str]:
    """Return the census subdivisions a zone can hold, labelled in ``lang`` (``compare_view.csd_choices``)."""
    return compare_view.csd_choices(_base, lang)


# --------------------------------------------------------------------------------------
# The workspace: open (sidebar), the inputs it gives, save


def workspace_sidebar(lang: str) -> Any:
    """Draw the sidebar's workspace section (open a .gpkg, close it); return the place for the save button."""
    from esr_geo.workspace import read_workspace_bytes, site_file, zone_file

    sb = st.sidebar
    sb.header(t("ws.title", lang))
    sb.caption(t("ws.intro", lang))
    up = sb.file_uploader(t("ws.open", lang), type=["gpkg"], key="ws_file")
    box = sb.container()
    if up is not None:
        upload = startup.Upload(up.name, up.getvalue())
        if st.session_state.get(OPENED) != upload.digest:
            st.session_state[OPENED] = upload.digest
            try:
                ws = read_workspace_bytes(upload.data, name=up.name)
            except EsrGeoError as exc:
                st.session_state["ws.problem"] = str(exc)
            else:
                st.session_state.pop("ws.problem", None)
                st.session_state[WORKSPACE] = ws
                st.session_state[SCENARIOS] = ws.scenarios
                files = (site_file(ws), zone_file(ws))  # made once: the same bytes, which key the caches, every run
                st.session_state[WS_FILES] = tuple(None if f is None else startup.Upload(*f) for f in files)
    problem = st.session_state.get("ws.problem")
    if problem and up is not None:
        box.error(f"**{t('ws.refused', lang)}**\n\n{problem}")
    opened = st.session_state.get(WORKSPACE)
    if opened is not None:
        box.success(t("ws.opened", lang, name=opened.name, n=len(_scenarios())))
        box.button(t("ws.close", lang), key="ws_close", on_click=close_workspace)
    return box


def close_workspace() -> None:
    """Stop using the opened workspace (button callback); its scenarios stay until the page is left."""
    st.session_state.pop(WORKSPACE, None)
    st.session_state.pop(WS_FILES, None)


def page_inputs(site_file: startup.Upload | None, zone_file: startup.Upload | None) -> tuple[Any, Any]:
    """Return the site and zones files the page analyses.

    The sidebar's uploads win; then the zones built here (when in use); then the opened
    workspace's sites and zones (``None``: the demonstration layer, the default zones).
    """
    from esr_geo.workspace import zones_csv_text

    ws_sites, ws_zones = st.session_state.get(WS_FILES, (None, None)) if WORKSPACE in st.session_state else (None, None)
    sites = site_file if site_file is not None else ws_sites
    zones = zone_file
    members = st.session_state.get(BUILT, {})
    if zones is None and st.session_state.get(BUILT_USED) and members:
        table = pd.DataFrame({"zone": list(members), "members": [" ".join(m) for m in members.values()]})
        zones = startup.Upload("zones built in the page.csv", zones_csv_text(table).encode("utf-8"))
    return sites, zones if zones is not None else ws_zones


def save_button(box: Any, analysis: Analysis, lang: str) -> None:
    """Draw "Save workspace" in the sidebar: the sites and zones analysed and the named scenarios, as a .gpkg."""
    from esr_geo.analysis import DEFAULT_ZONES_LABEL
    from esr_geo.offices import DEMO_LABEL
    from esr_geo.workspace import workspace_bytes, workspace_of

    previous: Workspace | None = st.session_state.get(WORKSPACE)
    scenarios = _scenarios()  # read now: the download is made later, outside this run's session state

    demo = analysis.sites_source == DEMO_LABEL and not (analysis.sites_added or analysis.sites_closed)

    def data() -> bytes:
        ws = workspace_of(
            None if demo else analysis.sites,  # a changed demonstration list is saved as the planner's own
            None if analysis.zones_source == DEFAULT_ZONES_LABEL else analysis.zones,
            csds=analysis.base.csds,
            scenarios=scenarios,
            labels=(analysis.sites_source, analysis.zones_source),
            previous=previous,
        )
        return workspace_bytes(ws)

    name = previous.name if previous is not None else "esr_geo_workspace.gpkg"
    box.download_button(
        t("ws.save", lang), data=data, file_name=name, mime="application/geopackage+sqlite3", on_click="ignore",
        key="ws_save", type="primary",
    )  # fmt: skip


# --------------------------------------------------------------------------------------
# Named scenarios


def _current_scenario(analysis: Analysis, suggestion: SuggestionResult | None, name: str) -> Scenario:
    from esr_geo.workspace import AddedSite, Scenario

    added: tuple[AddedSite, ...] = ()
    if suggestion is not None and st.session_state.get("ws.add_suggested", True):
        frame = suggestion.to_frame()
        added = tuple(AddedSite(float(x), float(y), str(n)) for x, y, n in zip(frame["lon"], frame["lat"],
                                                                               frame["name"], strict=True))  # fmt: skip
    threshold = analysis.road.threshold_min if analysis.road is not None else analysis.threshold_km
    closed = tuple(str(s) for s in st.session_state.get("close_sites", []))
    return Scenario(name, closed=closed, added=added, measure=analysis.measure, threshold=threshold, on=analysis.on)


def save_scenario(analysis: Analysis, suggestion: SuggestionResult | None, lang: str) -> None:
    """Add the what-if on the page to the named scenarios (a button callback).

    A callback runs before the page is drawn again, so everything drawn next has the new
    scenario, the workspace's save button (drawn first) included.
    """
    name = str(st.session_state.get("ws.new_name", "")).strip()
    if not name:
        st.session_state["ws.flash"] = ("warning", t("ws.name_needed", lang))
        return
    try:
        scenario = _current_scenario(analysis, suggestion, name)
    except EsrGeoError as exc:
        st.session_state["ws.flash"] = ("error", str(exc))
        return
    if not scenario.closed and not scenario.added:
        st.session_state["ws.flash"] = ("warning", t("ws.nothing", lang))
        return
    kept = tuple(s for s in _scenarios() if s.name != scenario.name)
    st.session_state[SCENARIOS] = (*kept, scenario)
    st.session_state["ws.flash"] = ("success", t("ws.saved_scenario", lang, name=scenario.name))


def scenario_saver(analysis: Analysis, suggestion: SuggestionResult | None, lang: str) -> None:
    """Draw "Save this what-if as a named scenario" and the list of named scenarios."""
    st.markdown(f"#### {t('ws.save_title', lang)}")
    st.caption(t("ws.save_intro", lang))
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    c1.text_input(t("ws.name", lang), key="ws.new_name", max_chars=120)
    if suggestion is not None:
        st.checkbox(t("ws.add_suggested", lang), value=True, key="ws.add_suggested")
    c2.button(t("ws.save_scenario", lang), key="ws_save_scenario", on_click=save_scenario,
              args=(analysis, suggestion, lang))  # fmt: skip
    flash = st.session_state.pop("ws.flash", None)
    if flash is not None:
        getattr(st, flash[0])(flash[1])
    st.markdown(f"**{t('ws.scenarios', lang)}**")
    scenarios = _scenarios()
    if not scenarios:
        st.caption(t("ws.no_scenarios", lang))
        return
    st.dataframe(compare_view.scenario_table(scenarios, lang), hide_index=True, key="ws_scenario_table")
    d1, d2 = st.columns([3, 1], vertical_alignment="bottom")
    gone = d1.selectbox(t("ws.delete", lang), [s.name for s in scenarios], key="ws.delete_pick")
    if d2.button(t("ws.delete_button", lang), key="ws_delete"):
        st.session_state[SCENARIOS] = tuple(s for s in scenarios if s.name != gone)
        st.rerun()


# --------------------------------------------------------------------------------------
# Scenarios side by side


def _analysis_of(name: str, analysis: Analysis, inputs: tuple[object, ...]) -> Analysis:
    if not name:
        return analysis
    scenario = next(s for s in _scenarios() if s.name == name)
    return applied(inputs, repr(scenario), analysis, scenario)


def comparison_panel(analysis: Analysis, inputs: tuple[object, ...], lang: str) -> Comparison | None:
    """Draw "Scenarios side by side": the baseline or a scenario against a scenario, in one table and on a map."""
    from esr_geo.compare import compare

    st.markdown(f"#### {t('cmp.title', lang)}")
    st.caption(t("cmp.intro", lang))
    names = [s.name for s in _scenarios()]
    if not names:
        st.info(t("cmp.need", lang))
        return None
    c1, c2 = st.columns(2)
    a = c1.selectbox(t("cmp.a", lang), ["", *names], format_func=lambda n: n or t("cmp.baseline", lang),
                     key="cmp.a")  # fmt: skip
    b = c2.selectbox(t("cmp.b", lang), names, index=len(names) - 1, key="cmp.b")
    if a == b:
        st.info(t("cmp.same", lang))
        return None
    if not st.session_state.get("cmp.on"):  # applying scenarios with added sites re-runs the analysis: on demand
        st.button(t("cmp.run", lang), key="cmp_run", type="primary",
                  on_click=lambda: st.session_state.update({"cmp.on": True}))  # fmt: skip
        return None
    try:
        with st.spinner(t("cmp.working", lang)):
            result = compare(_analysis_of(a, analysis, inputs), _analysis_of(str(b), analysis, inputs))
    except EsrGeoError as exc:
        st.error(str(exc))
        return None
    sides = (a or t("cmp.baseline", lang), str(b))
    _comparison_tables(result, sides, lang)
    return result


def _comparison_tables(result: Comparison, sides: tuple[str, str], lang: str) -> None:
    from esr_geo._io import csv_bytes

    st.info(compare_view.comparison_summary(result, sides, lang))
    tables = compare_view.comparison_tables(result, sides, lang)
    for key, empty in (("by_zone", None), ("by_catchment", None), ("sites", "cmp.no_sites"),
                       ("communities", "cmp.no_communities")):  # fmt: skip
        st.markdown(f"**{t(f'cmp.{key}', lang)}**")
        if tables[key].empty and empty is not None:
            st.caption(t(empty, lang))
        else:
            st.dataframe(tables[key], hide_index=True, key=f"cmp_{key}")
    st.download_button(
        t("cmp.dl", lang), data=lambda: csv_bytes(compare_view.zone_csv_frame(result, sides, lang)),
        file_name="comparison_by_zone.csv", mime="text/csv", on_click="ignore", key="dl_cmp",
    )  # fmt: skip
    if st.toggle(t("cmp.map", lang, a=sides[0], b=sides[1]), key="cmp.show_map"):
        _comparison_map(result, lang)


def _comparison_map(result: Comparison, lang: str) -> None:
    from streamlit_folium import st_folium

    from esr_geo import maps
    from esr_geo.compare import map_changes

    drawn = maps.build_map(result.b, options=maps.MapOptions(lang=lang, on=result.b.on, changes=map_changes(result)))
    st_folium(drawn, height=520, use_container_width=True, returned_objects=[], key="cmp_map")


# --------------------------------------------------------------------------------------
# Zones built in the page


def _built() -> dict[str, list[str]]:
    return {str(k): list(v) for k, v in st.session_state.get(BUILT, {}).items()}


def add_picked(code: str) -> None:
    """Add a census subdivision to the zone being drafted (button callback)."""
    picked = list(st.session_state.get("zb.pick", []))
    if code not in picked:
        st.session_state["zb.pick"] = [*picked, code]


def add_zone() -> None:
    """Add the drafted zone to the zones built here (button callback); the draft starts afresh."""
    name = str(st.session_state.get("zb.name", "")).strip()
    picked = list(st.session_state.get("zb.pick", []))
    if name and picked:
        st.session_state[BUILT] = {**_built(), name: picked}
        st.session_state["zb.pick"] = []
        st.session_state["zb.name"] = ""


def remove_zone(name: str) -> None:
    """Remove a zone built here (button callback)."""
    st.session_state[BUILT] = {k: v for k, v in _built().items() if k != name}


def start_from(zones: gpd.GeoDataFrame, csds: pd.DataFrame) -> None:
    """Take the analysis's zones (as lists of census subdivisions) as the zones built here (button callback)."""
    from esr_geo.workspace import keep_zones

    kept = keep_zones(zones, csds=csds)
    st.session_state[BUILT] = {str(z): str(m).split() for z, m in zip(kept["zone"], kept["members"], strict=True)}


def _clicked_csd(result: Mapping[str, Any] | None, base: Base) -> str | None:
    from esr_geo.zones import csd_at

    point = (result or {}).get("last_object_clicked")
    if not isinstance(point, Mapping):
        return None
    with contextlib.suppress(KeyError, TypeError, ValueError):
        return csd_at(float(point["lng"]), float(point["lat"]), csds=base.csds)
    return None


def _results(zones: gpd.GeoDataFrame, analysis: Analysis) -> pd.DataFrame:
    from esr_geo.zones import zone_results

    return zone_results(
        zones, points=analysis.points, sites=analysis.sites, csds=analysis.base.csds, min_sites=analysis.min_sites,
        min_share=analysis.min_share,
    )  # fmt: skip


def zone_builder(analysis: Analysis, data_dir: str, map_result: Mapping[str, Any] | None, lang: str) -> None:
    """Draw "Build zones": name a zone, pick its census subdivisions (list or map), see it pass or fail, keep it."""
    base = analysis.base
    st.markdown(f"#### {t('zb.title', lang)}")
    st.caption(t("zb.intro", lang))
    labels = csd_labels(data_dir, lang, base)
    c1, c2 = st.columns([1, 2], vertical_alignment="bottom")
    name = c1.text_input(t("zb.name", lang), key="zb.name", max_chars=120)
    picked = c2.multiselect(
        t("zb.pick", lang), list(labels), format_func=lambda c: labels.get(c, c), key="zb.pick",
        placeholder=t("zb.placeholder", lang), filter_mode="contains", select_all=False,
    )  # fmt: skip
    clicked = _clicked_csd(map_result, base)
    if clicked is not None and clicked in labels:
        st.button(t("zb.clicked", lang, name=labels[clicked]), key="zb_clicked", on_click=add_picked, args=(clicked,),
                  disabled=clicked in picked)  # fmt: skip
    else:
        st.caption(t("zb.click_hint", lang))
    try:
        if str(name).strip() and picked:
            draft = built_zones(data_dir, ((str(name).strip(), tuple(picked)),), base)
            st.info(t("zb.draft", lang, result=compare_view.draft_result(_results(draft, analysis), analysis, lang)))
            st.button(t("zb.add", lang), key="zb_add", on_click=add_zone, type="primary")
        _built_zones(analysis, data_dir, lang)
    except EsrGeoError as exc:
        st.error(str(exc))


def _built_zones(analysis: Analysis, data_dir: str, lang: str) -> None:
    from esr_geo._io import csv_bytes
    from esr_geo.workspace import zone_table

    st.markdown(f"**{t('zb.zones', lang)}**")
    members = _built()
    zones_now = analysis.zones
    if len(zones_now) and zones_now["basis"].isin(["CSDUID", "CDUID"]).all():  # census divisions: their subdivisions
        st.button(t("zb.from_current", lang), key="zb_from_current", on_click=start_from,
                  args=(zones_now, analysis.base.csds))  # fmt: skip
    if not members:
        st.caption(t("zb.none", lang))
        return
    zones = built_zones(data_dir, tuple((z, tuple(m)) for z, m in members.items()), analysis.base)
    st.dataframe(
        compare_view.zone_result_table(_results(zones, analysis), zones, analysis, lang), hide_index=True,
        key="zb_table",
    )  # fmt: skip
    b1, b2, b3 = st.columns(3, vertical_alignment="bottom")
    if st.session_state.get(BUILT_USED):
        st.caption(t("zb.in_use", lang))
        b1.button(t("zb.stop", lang), key="zb_stop", on_click=lambda: st.session_state.update({BUILT_USED: False}))
    else:
        b1.button(t("zb.use", lang), key="zb_use", on_click=lambda: st.session_state.update({BUILT_USED: True}))
    b2.download_button(
        t("zb.download", lang), data=lambda: csv_bytes(zone_table(zones)), file_name="zones.csv", mime="text/csv",
        on_click="ignore", key="dl_zb",
    )  # fmt: skip
    gone = b3.selectbox(t("zb.remove", lang), list(members), key="zb.remove_pick")
    b3.button(t("zb.remove_button", lang), key="zb_remove", on_click=remove_zone, args=(gone,))


def planner_panels(
    analysis: Analysis,
    inputs: tuple[object, ...],
    suggestion: SuggestionResult | None,
    map_result: Mapping[str, Any] | None,
    lang: str,
) -> None:
    """Draw the named scenarios, the comparison and the zone builder (``inputs``: the analysis's cache key)."""
    scenario_saver(analysis, suggestion, lang)
    st.divider()
    comparison_panel(analysis, inputs, lang)
    st.divider()
    zone_builder(analysis, str(inputs[0]), map_result, lang)
