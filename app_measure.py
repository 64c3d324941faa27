"""The planner's page, continued: how access is measured (straight line or drive time) and its analyses.

Widgets and caches only, as ``app.py`` (which calls them; they are apart to keep each file
readable): the sidebar's choice of measure, road network and threshold, the cached analyses in
km and by road, the headline figures with the sentences that say which measure they use, and
the page's error box and Markdown escaping (:func:`show_error`, :func:`md_escape`, which
``app.py`` uses too). The work is in
:mod:`esr_geo.drive` (the measure on a network, :func:`esr_geo.drive.road_measure`),
:mod:`esr_geo.startup` (the networks offered, the analyses of the planner's files) and
:mod:`esr_geo.analysis`. Road networks are too big to upload through a browser: the page offers
the data bundle's networks and the files of a folder set on the server
(``settings.NETWORKS_DIR_ENV``), by name, never a path typed in the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

from esr_geo import i18n, settings, startup, view
from esr_geo.errors import MAX_LISTED, DataError, EsrGeoError
from esr_geo.i18n import t

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis
    from esr_geo.drive import RoadMeasure

METRIC_MIN_PX = 180  # the headline figures wrap onto another row rather than cut a number


@dataclass(frozen=True)
class Measure:
    """The sidebar's measure of access.

    Attributes
    ----------
    code : str
        The measure chosen: ``esr_geo.analysis.MEASURE_KM`` (straight line) or ``MEASURE_MIN``
        (drive time).
    threshold_km : float
        The straight-line threshold, km (kept while drive time is chosen).
    threshold_min : float
        The drive-time threshold, minutes.
    network : esr_geo.startup.NetworkFile or None
        The road network chosen, with drive time (``None``: straight line, or no network offered).
    box : streamlit container
        The sidebar's place under the network choice, for what is wrong with it.
    """

    code: str
    threshold_km: float
    threshold_min: float
    network: startup.NetworkFile | None = None
    box: Any = None

    @property
    def threshold(self) -> float:
        """The threshold in the measure's unit (km, or minutes with drive time): what the page's link holds."""
        from esr_geo.analysis import MEASURE_MIN

        return self.threshold_min if self.code == MEASURE_MIN else self.threshold_km

    @property
    def by_road(self) -> bool:
        """Whether access is measured as drive time on a road network."""
        from esr_geo.analysis import MEASURE_MIN

        return self.code == MEASURE_MIN


# --------------------------------------------------------------------------------------
# Small page pieces (app.py uses them too)


def show_error(
    exc: BaseException, lang: str, box: Any = None, *, lead: str = "", hint: str = "", engine: bool = True
) -> None:
    """Show an esr-geo error in plain words and the page's terms (never a traceback), in ``box`` if given.

    ``lead`` and ``hint`` replace the default first line (what could not be done) and last (what to do);
    ``engine=False``: the message is the page's own, in ``lang`` (no note that the engine's are in English).
    """
    lead = lead or t("app.error_data" if isinstance(exc, DataError) else "app.error_input", lang)
    skip = getattr(exc, "parameter", None) == "skip_invalid"
    default = t("side.skip_hint", lang, label=t("side.skip_invalid", lang)) if skip else t("app.error_hint", lang)
    text = str(exc) if engine else view.page_message(str(exc), lang)
    (box or st).error(view.engine_error_text(lead, text, lang, hint=hint or default, engine=engine))


def md_escape(text: object) -> str:
    """Escape Markdown in a value shown inside st.markdown."""
    out = str(text)
    for ch in "\\`*_{}[]<>()#+-.!|~$":
        out = out.replace(ch, "\\" + ch)
    return out


# --------------------------------------------------------------------------------------
# Cached analyses (keyed on their inputs; large read-only objects are shared, not copied)


@st.cache_resource(show_spinner=False, max_entries=2)
def get_start(data_dir: str) -> startup.StartState:
    """Load the geography, communities and default analysis of one bundle (shared; disk-cached)."""
    return startup.shared_start(data_dir)


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


@st.cache_data(show_spinner=False, max_entries=64)
def file_digest(path: str, size: int, mtime_ns: int) -> str:
    """Return the SHA-256 of a road file (keyed by its path, size and modification time: hashed once)."""
    from esr_geo.network import file_digest as digest_of

    return digest_of(path)


def network_digest(network: startup.NetworkFile) -> str:
    """Return the content digest of a road network offered (a ``.gdb`` folder: its files')."""
    stat = network.path.stat()
    return file_digest(str(network.path), stat.st_size, stat.st_mtime_ns)


@st.cache_resource(show_spinner=False, max_entries=4)
def get_road(key: str, digest: str, _path: Path) -> RoadMeasure:
    """Load a road network (disk-cached by content) as the drive-time measure at the default threshold."""
    from esr_geo.drive import road_measure

    return road_measure(_path)


@st.cache_resource(show_spinner=False, max_entries=4)
def get_road_measured(
    data_dir: str,
    network: tuple[str, str],
    inputs: tuple[str, str, bool],
    _uploads: tuple[Any, Any],
    _road: RoadMeasure,
) -> Analysis:
    """Measure every drive time of one set of inputs on a network (``(key, digest)``), at the default minutes."""
    sites, zones = _uploads
    return startup.road_analysis(get_start(data_dir), _road, sites=sites, zones=zones, skip_invalid=inputs[2])


@st.cache_resource(show_spinner=False, max_entries=16)
def get_road_analysis(
    data_dir: str,
    network: tuple[str, str],
    inputs: tuple[str, str, bool],
    minutes: float,
    _uploads: tuple[Any, Any],
    _road: RoadMeasure,
) -> Analysis:
    """Return the analysis by road at ``minutes``: the drive times are reused (no routing again)."""
    from esr_geo.analysis import rethreshold

    measured = get_road_measured(data_dir, network, inputs, _uploads, _road)
    if measured.road is not None and minutes == measured.road.threshold_min:
        return measured
    return rethreshold(measured, threshold_min=minutes)


def load_road(measure: Measure, lang: str) -> tuple[RoadMeasure, tuple[str, str]]:
    """Load the chosen network (a spinner while it is first built); return it and its key ``(key, digest)``.

    Raises
    ------
    esr_geo.errors.EsrGeoError
        When the file cannot be read as a road network (the message names it and why).
    """
    network = measure.network
    assert network is not None
    with st.spinner(t("drive.building", lang, name=network_name(network, lang))):
        digest = network_digest(network)
        return get_road(network.key, digest, network.path), (network.key, digest)


def road_analysis(
    measure: Measure, data_dir: str, uploads: tuple[Any, Any, bool], road: tuple[RoadMeasure, tuple[str, str]]
) -> tuple[Analysis, str]:
    """Return the analysis by road of the planner's files, and its key for the scenario caches.

    ``uploads`` is (site file, zones file, skip_invalid); ``road`` what :func:`load_road` returned.
    A new threshold in minutes reuses the drive times (:func:`esr_geo.analysis.rethreshold`).
    """
    sites, zones, skip = uploads
    measure_road, net = road
    keys = (*startup.upload_keys(sites, zones), bool(skip))
    analysis = get_road_analysis(data_dir, net, keys, measure.threshold_min, (sites, zones), measure_road)
    return analysis, f"min:{net[1]}:{measure.threshold_min:g}"


# --------------------------------------------------------------------------------------
# The sidebar: measure, network, threshold


def keep_in_range(key: str, low: Any, high: Any, default: Any) -> None:
    """Bring a box's value back into ``[low, high]`` (its callback), so the box never shows what the page does not.

    What was asked for and what is used are kept under ``'<key>.range'`` for the note beside the box;
    a cleared box goes back to its last value (or ``default``).
    """
    value = st.session_state.get(key)
    if value is None:
        st.session_state[key] = st.session_state.get(f"{key}.last", default)
        return
    used = min(max(value, low), high)
    if used != value:
        st.session_state[key] = used
        st.session_state[f"{key}.range"] = (value, used)
    st.session_state[f"{key}.last"] = used


def network_name(network: startup.NetworkFile, lang: str) -> str:
    """Return a network's name on the page: the bundle's by its name, a folder's file by its file name."""
    if network.code:
        return t(f"drive.net.{network.code}", lang)
    return t("drive.folder_file", lang, name=network.path.name)


def _threshold_box(lang: str, *, minutes: bool) -> float:
    """Draw the km or (``minutes``) the drive-minutes threshold box with its range note; return its value.

    The value is kept under ``'<key>.last'`` while the other measure is shown (Streamlit forgets
    the value of a box that is not drawn).
    """
    if minutes:
        key, start = "threshold_min", settings.THRESHOLD_MIN
        low, high = settings.PAGE_THRESHOLD_MIN_MIN, settings.THRESHOLD_MIN_MAX
        words = ("drive.threshold", "drive.threshold_help", "drive.threshold_range")
    else:
        key, start = "threshold", settings.THRESHOLD_KM
        low, high = settings.PAGE_THRESHOLD_KM_MIN, settings.THRESHOLD_KM_MAX
        words = ("side.threshold", "side.threshold_help", "side.threshold_range")
    st.session_state.setdefault(key, float(st.session_state.get(f"{key}.last", start)))
    value = st.sidebar.number_input(
        t(words[0], lang), step=5.0, format="%g", help=t(words[1], lang), key=key,
        on_change=keep_in_range, args=(key, low, high, float(start)),
    )  # fmt: skip
    used = float(value if value is not None else high)
    st.session_state[f"{key}.last"] = used
    asked = st.session_state.pop(f"{key}.range", None)
    if asked:
        fmt = i18n.fmt_km  # minutes are written as the km are: no useless decimals
        st.sidebar.warning(t(words[2], lang, lo=fmt(low, lang), hi=i18n.fmt_int(high, lang),
                             asked=fmt(asked[0], lang), used=fmt(asked[1], lang)))  # fmt: skip
    return used


def _folder_notes(found: startup.NetworkFiles, lang: str, box: Any) -> None:
    """Say under the network choice what is wrong with the server's folder of networks, if anything."""
    folder = str(found.folder) if found.folder is not None else ""
    if found.problem in ("not_folder", "unreadable"):
        box.warning(t(f"drive.dir_{found.problem}", lang, folder=folder))
    elif found.problem == "empty":
        box.info(t("drive.dir_empty", lang, folder=folder))
    if found.skipped:
        box.caption(t("drive.dir_skipped", lang, files=", ".join(found.skipped)))


def measure_sidebar(data_dir: str, lang: str, choose: Any) -> Measure:
    """Draw the sidebar's measure (straight line or drive time), network and threshold; return them.

    ``choose`` is the page's translated-choice helper (``app.choose``). With drive time, the
    networks offered are the bundle's (the default ``settings.PAGE_NETWORK`` first) and the road
    files of the server's folder (``settings.networks_dir()``), by name.
    """
    from esr_geo.analysis import MEASURE_KM, MEASURE_MIN

    sb = st.sidebar
    code = choose(
        sb.radio, t("drive.measure", lang), [MEASURE_KM, MEASURE_MIN], key="measure", lang=lang,
        format_func=lambda v: t(f"drive.measure.{v}", lang), help=t("drive.measure_help", lang),
    )  # fmt: skip
    if code != MEASURE_MIN:
        minutes = float(st.session_state.get("threshold_min.last", settings.THRESHOLD_MIN))
        return Measure(code=MEASURE_KM, threshold_km=_threshold_box(lang, minutes=False), threshold_min=minutes)
    found = startup.network_files(data_dir, settings.networks_dir())
    files = {f.key: f for f in found.files}
    keys = sorted(files, key=lambda k: k != f"bundle:{settings.PAGE_NETWORK}")  # the default first
    network = None
    if keys:
        chosen = choose(
            sb.selectbox, t("drive.network", lang), keys, key="network", lang=lang,
            format_func=lambda k: network_name(files[k], lang), help=t("drive.network_help", lang),
        )  # fmt: skip
        network = files.get(chosen)
    box = sb.container()
    _folder_notes(found, lang, box)
    km = float(st.session_state.get("threshold.last", settings.THRESHOLD_KM))
    return Measure(code=MEASURE_MIN, threshold_km=km, threshold_min=_threshold_box(lang, minutes=True),
                   network=network, box=box)  # fmt: skip


def link_choices(choices: dict[str, object], ignored: list[str]) -> None:
    """Read a link's threshold in its measure's unit: with ``measure=min`` it is minutes (``threshold_min``).

    Minutes outside the page's range are not applied but listed in ``ignored`` (``name=value``).
    """
    from esr_geo.analysis import MEASURE_MIN

    if choices.get("measure") != MEASURE_MIN or "threshold" not in choices:
        return
    minutes = float(choices.pop("threshold"))  # type: ignore[arg-type]
    if settings.PAGE_THRESHOLD_MIN_MIN <= minutes <= settings.THRESHOLD_MIN_MAX:
        choices["threshold_min"] = minutes
    else:
        ignored.append(f"threshold={minutes:g}")


# --------------------------------------------------------------------------------------
# What the figures measure: the sentences beside the headline


def metric_labels(analysis: Analysis, lang: str) -> tuple[str, str]:
    """Return the headline's labels of the people within and beyond the threshold, in km or minutes."""
    if analysis.road is None:
        km = i18n.fmt_km(analysis.threshold_km, lang)
        return t("metric.within", lang, km=km), t("metric.beyond", lang, km=km)
    minutes = i18n.fmt_km(analysis.road.threshold_min, lang)
    return t("drive.metric_within", lang, min=minutes), t("drive.metric_beyond", lang, min=minutes)


def share_label(analysis: Analysis, lang: str) -> str:
    """Return a card's label of the share of residents within the threshold, in km or minutes."""
    return t("card.share", lang, limit=i18n.fmt_limit(analysis.threshold, analysis.measure, lang))


def _names(names: list[str], lang: str) -> str:
    """Return names joined, the first ``MAX_LISTED`` of them and how many more."""
    shown = ", ".join(names[:MAX_LISTED])
    more = len(names) - MAX_LISTED
    return shown + (", " + t("drive.more", lang, n=i18n.fmt_int(more, lang)) if more > 0 else "")


def measure_lines(analysis: Analysis, ids: list[str] | None, lang: str, *, network: str = "") -> list[str]:
    """Return the sentences saying what the figures measure: the measure, and by road the area and road access.

    Parameters
    ----------
    analysis : esr_geo.analysis.Analysis
        The analysis shown.
    ids : list of str or None
        The selection's catchments (``None``: all), for the people with no road access.
    lang : {'en', 'fr'}
        The language.
    network : str, keyword-only
        The network's name on the page (:func:`network_name`; ``''``: its file name).
    """
    road = analysis.road
    if road is None:
        return [t("drive.straight", lang)]
    net = road.network
    lines = [t("drive.by_road", lang, network=network or net.path.name, schema=t(f"schema.{net.schema}", lang))]
    scope = analysis.scope
    if scope is not None:
        names = analysis.base.csds.set_index("CSDUID")["CSDNAME"]
        inside = sorted(str(names.get(c, c)) for c in scope.csds)
        n = i18n.fmt_int(len(inside), lang)
        key = "drive.scope" if scope.requested is None else "drive.scope_asked"
        lines.append(t(key, lang, n=n, names=_names(inside, lang)))
        if len(scope.left_out):
            out = [str(v) for v in scope.left_out["CSDNAME"]]
            lines.append(t("drive.left_out", lang, n=i18n.fmt_int(len(out), lang), names=_names(out, lang)))
    cats = analysis.tables["coverage_by_catchment"]
    if ids is not None:
        cats = cats[cats["catchment_id"].isin(set(ids))]
    none = float(cats["pop_no_road_access"].sum()) if "pop_no_road_access" in cats else 0.0
    cut = float(cats["pop_not_connected"].sum()) if "pop_not_connected" in cats else 0.0
    lines.append(t("drive.road_access", lang, km=i18n.fmt_km(road.options.max_access_km, lang),
                   none=i18n.fmt_int(none, lang), cut=i18n.fmt_int(cut, lang)))  # fmt: skip
    return lines


def refused(exc: BaseException, measure: Measure, lang: str) -> None:
    """Say under the network choice why the chosen network cannot be used, and that the km analysis is shown."""
    name = network_name(measure.network, lang) if measure.network is not None else ""
    own = getattr(exc, "parameter", None) == "scope"
    if own:  # the page analyses whole census subdivisions: say what to do, in the page's language
        share = i18n.fmt_pct(100 * settings.NETWORK_SCOPE_MIN_SHARE, lang, digits=0)
        exc = EsrGeoError(t("drive.too_small", lang, name=name, share=share,
                            km=i18n.fmt_km(settings.NETWORK_SCOPE_NEAR_KM, lang)))  # fmt: skip
    show_error(exc, lang, measure.box, lead=t("drive.refused", lang, name=name), hint=t("drive.kept", lang),
               engine=not own)  # fmt: skip
    st.warning(t("drive.kept_page", lang, name=name))  # above the figures (the page's notices)


def analyse(
    data_dir: str, inputs: tuple[Any, ...], lang: str, *, box: Any = None, measure: Measure | None = None
) -> tuple[Analysis, tuple[object, ...]] | None:
    """Analyse (site file, zones file, skip_invalid, threshold km) in km or, with ``measure``'s network, by road.

    Returns the analysis and its key for the scenario caches (bundle, upload keys, threshold:
    km, or by road ``'min:<network digest>:<minutes>'``, skip_invalid). A file that fails is
    explained in ``box`` (``None`` returned); a network that cannot be used is explained under
    its choice, and the analysis in km is returned.
    """
    sites, zones, skip_invalid, threshold = inputs
    sites_key, zones_key = startup.upload_keys(sites, zones)
    road = None
    if measure is not None and measure.network is not None:
        try:
            road = load_road(measure, lang)
        except EsrGeoError as exc:
            refused(exc, measure, lang)
    try:
        with st.spinner(t("app.analysing", lang)):
            if road is not None and measure is not None:
                analysis, key = road_analysis(measure, data_dir, (sites, zones, skip_invalid), road)
            else:
                key = threshold
                analysis = get_analysis(data_dir, sites_key, zones_key, threshold, skip_invalid, sites, zones)
    except EsrGeoError as exc:
        if road is None or measure is None or getattr(exc, "parameter", None) != "scope":
            show_error(exc, lang, box)
            return None
        refused(exc, measure, lang)  # the network covers no census subdivision
        return analyse(data_dir, inputs, lang, box=box)
    return analysis, (data_dir, sites_key, zones_key, key, skip_invalid)


def headline_row(
    analysis: Analysis, ids: list[str] | None, scope: str, lang: str, *, closed: bool = False, network: str = ""
) -> None:
    """Show the headline figures of the selection as st.metric, in a grid that wraps on a narrow screen.

    Above them, what they measure (straight line, or by road on ``network``: the area analysed and road access).
    """
    fig = analysis.summary(ids)
    within, beyond = metric_labels(analysis, lang)
    st.caption(t("metric.scope_closed" if closed else "metric.scope", lang, scope=scope))
    st.caption("  \n".join(md_escape(line) for line in measure_lines(analysis, ids, lang, network=network)))
    # Two pairs of figures: side by side on a wide screen, one pair above the other on a laptop.
    pairs = st.grid(2, min_column_width=2 * METRIC_MIN_PX + 60, gap="small")
    first, second = (cell.grid(2, min_column_width=METRIC_MIN_PX, gap="small") for cell in (pairs.cell(), pairs.cell()))
    whole = not fig["pop_beyond_threshold"]
    pct = i18n.fmt_pct(fig["pct_within_threshold"], lang, whole=whole)
    first.metric(
        within, i18n.fmt_int(fig["pop_within_threshold"], lang), delta=pct,
        delta_color="off", delta_arrow="off", help=t("metric.within_help", lang, pct=pct),
    )  # fmt: skip
    first.metric(beyond, i18n.fmt_int(fig["pop_beyond_threshold"], lang),
                help=t("metric.within_help", lang, pct=pct))  # fmt: skip
    if fig["zones"]:
        second.metric(
            t("metric.zones_failing", lang), i18n.fmt_int(fig["zones_failing"], lang),
            delta=t("metric.of", lang, n=int(fig["zones"])), delta_color="off", delta_arrow="off",
            help=t("metric.zones_help", lang, n=int(fig["zones"])),
        )  # fmt: skip
    else:
        second.metric(t("metric.zones_failing", lang), t("metric.no_zones", lang), help=t("metric.no_zones_help", lang))
    second.metric(t("metric.sites", lang), i18n.fmt_int(fig["in_person_sites"], lang))
