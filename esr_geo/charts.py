"""The page's pictures: who is within reach at each distance, and how far each zone is from passing.

:func:`reach_curve` gives the share of non-reserve residents whose nearest in-person site is at
most a given distance (km in a straight line, or drive minutes when the analysis is by road), for
all of Ontario and a selected catchment; :func:`zone_margins` gives each zone's share within
reach against the share the pass rule requires (:func:`esr_geo.zones.zone_shortfalls` decided
the result; this module only measures the gap). :func:`reach_spec` and :func:`margin_spec` draw
them as Vega-Lite specs for ``st.vega_lite_chart``, written directly (no Altair), with every word
from :mod:`esr_geo.i18n` and the colours of :mod:`esr_geo.style`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from esr_geo import i18n
from esr_geo.i18n import t
from esr_geo.style import FAIL_COLOUR, INK, NOTE_COLOUR, PASS_COLOUR

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis

#: Scope codes of :func:`reach_curve`: all of Ontario, and the catchments of a selection.
PROVINCE, SELECTION = "province", "selection"
#: Most steps of a reach curve's x axis (each step a whole number of km or minutes).
CURVE_STEPS = 120
#: The x axis of a reach curve ends at the largest of: this many thresholds, and the distance
#: (or minutes) within which this share (0-1) of every scope's residents live.
CURVE_THRESHOLDS, CURVE_SHARE = 2.0, 0.99
#: Height of a zone's bar in the margin chart (px), and the margin chart's smallest height (px).
BAR_PX, MARGIN_MIN_PX = 22, 110
#: What a chart needs beyond its plot's height (px): title, x axis and its title, colour legend.
AXES_PX = 150
#: Titles are cut into lines of at most this many characters (a long one would squeeze the plot).
TITLE_CHARS = 40


def _measure(analysis: Analysis) -> tuple[str, str, float]:
    """Return the analysis' measure: (code 'km' or 'min', the points' column, the threshold in its unit)."""
    if analysis.road is not None:
        return "min", "drive_min", float(analysis.road.threshold_min)
    return "km", "distance_km", float(analysis.threshold_km)


def _cumulative(values: np.ndarray, weights: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Return the share (0-100) of ``weights`` whose value is at most each of ``grid``'s."""
    total = float(weights.sum())
    if total <= 0:
        return np.full(len(grid), np.nan)
    order = np.argsort(values, kind="stable")
    done = np.cumsum(weights[order])
    at = np.searchsorted(values[order], grid, side="right")
    return 100.0 * np.where(at > 0, done[np.clip(at - 1, 0, None)], 0.0) / total


def reach_curve(analysis: Analysis, *, catchment_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the share of non-reserve residents within reach against distance (or drive minutes).

    Parameters
    ----------
    analysis : Analysis
        A finished analysis (straight-line km, or drive minutes when it has a road network).
    catchment_ids : sequence of str, keyword-only
        The selection drawn beside the province (``None``: the province alone).

    Returns
    -------
    pandas.DataFrame
        ``scope`` (:data:`PROVINCE` or :data:`SELECTION`), ``value`` (km or minutes, from 0 in
        at most :data:`CURVE_STEPS` equal steps of whole units) and ``share`` (0-100: non-reserve residents whose
        nearest in-person site is at most ``value`` away; someone who cannot reach any site by
        road never counts). Its ``attrs``: ``measure`` ('km' or 'min') and ``threshold``.
    """
    measure, column, threshold = _measure(analysis)
    pts = analysis.points[~analysis.points["is_reserve"].astype(bool)]
    values = pd.to_numeric(pts[column], errors="coerce").to_numpy(dtype=float)
    values = np.where(np.isfinite(values), values, np.inf)
    weights = pts["population"].to_numpy(dtype=float)
    scopes = {PROVINCE: np.ones(len(pts), dtype=bool)}
    if catchment_ids is not None:
        scopes[SELECTION] = pts["catchment_id"].isin(set(catchment_ids)).to_numpy()
    ends = [CURVE_THRESHOLDS * threshold]
    for mask in scopes.values():
        finite = np.isfinite(values[mask])
        if finite.any():
            w = weights[mask][finite]
            order = np.argsort(values[mask][finite], kind="stable")
            at = int(np.searchsorted(np.cumsum(w[order]), CURVE_SHARE * w.sum()))
            ends.append(float(values[mask][finite][order][min(at, len(order) - 1)]))
    step = max(1.0, float(np.ceil(max(ends) / CURVE_STEPS)))  # whole km or minutes
    grid = np.arange(0.0, float(np.ceil(max(ends) / step)) * step + step / 2, step)
    parts = [
        pd.DataFrame({"scope": code, "value": grid, "share": _cumulative(values[m], weights[m], grid)})
        for code, m in scopes.items()
    ]
    out = pd.concat(parts, ignore_index=True)
    out.attrs.update(measure=measure, threshold=threshold)
    return out


def zone_margins(analysis: Analysis, *, catchment_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Return each zone's share within reach against the share its pass rule requires.

    Parameters
    ----------
    analysis : Analysis
        A finished analysis.
    catchment_ids : sequence of str, keyword-only
        Only the zones of these catchments (``None``: every zone).

    Returns
    -------
    pandas.DataFrame
        ``zone``, ``catchment_id``, ``pct_within_threshold`` (0-100), ``margin_pp`` (that share
        minus ``100 * min_share``, in percentage points: at least 0 when the share is met),
        ``short_of_sites``, ``short_of_share`` and ``passes`` (the engine's codes), worst
        margin first.
    """
    zones = analysis.tables["coverage_by_zone"]
    if catchment_ids is not None:
        zones = zones[zones["catchment_id"].isin(set(catchment_ids))]
    out = pd.DataFrame(
        {
            "zone": zones["zone"].astype(str).to_numpy(),
            "catchment_id": zones["catchment_id"].to_numpy(),
            "pct_within_threshold": zones["pct_within_threshold"].to_numpy(dtype=float),
            "margin_pp": (zones["pct_within_threshold"] - 100.0 * analysis.min_share).to_numpy(dtype=float),
            "short_of_sites": zones["short_of_sites"].astype(bool).to_numpy(),
            "short_of_share": zones["short_of_share"].astype(bool).to_numpy(),
            "passes": zones["passes"].astype(bool).to_numpy(),
        }
    )
    return out.sort_values(["margin_pp", "zone"], kind="stable").reset_index(drop=True)


def _lines(text: str) -> list[str]:
    """Return a title as lines of at most :data:`TITLE_CHARS` characters (Vega-Lite draws one per line)."""
    return textwrap.wrap(text, TITLE_CHARS) or [text]


def _unit(measure: str, value: float, lang: str) -> str:
    return f"{i18n.fmt_km(value, lang)} km" if measure == "km" else f"{i18n.fmt_km(value, lang)} min"


def reach_spec(curve: pd.DataFrame, *, lang: str, selection: str | None = None) -> dict[str, Any]:
    """Return :func:`reach_curve` as a Vega-Lite line chart, with the threshold as a dashed rule.

    Parameters
    ----------
    curve : pandas.DataFrame
        :func:`reach_curve`'s table (with its ``attrs``).
    lang : {'en', 'fr'}, keyword-only
        Language of every word and number.
    selection : str, keyword-only
        The selected catchment's name, for its line (``None``: no such line is labelled).
    """
    measure, threshold = str(curve.attrs["measure"]), float(curve.attrs["threshold"])
    names = {PROVINCE: t("side.all_catchments", lang), SELECTION: selection or t("charts.area", lang)}
    values, shares = curve["value"].to_numpy(dtype=float), curve["share"].to_numpy(dtype=float)
    records = [
        {"area": names[str(scope)], "value": float(v), "share": None if np.isnan(sh) else float(sh),
         "value_text": _unit(measure, float(v), lang), "share_text": i18n.fmt_pct(float(sh), lang)}
        for scope, v, sh in zip(curve["scope"], values, shares, strict=True)
    ]  # fmt: skip
    domain = [names[s] for s in (PROVINCE, SELECTION) if s in set(curve["scope"])]
    colour = {
        "field": "area",
        "type": "nominal",
        "title": t("charts.area", lang),
        "scale": {"domain": domain, "range": [NOTE_COLOUR, PASS_COLOUR][: len(domain)]},
        "legend": {"orient": "top", "title": None, "labelLimit": 260},
    }
    rule = {"value": threshold, "label": f"{t('charts.threshold', lang)} {_unit(measure, threshold, lang)}"}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": {"text": _lines(t(f"charts.reach_{measure}", lang)), "anchor": "start"},
        "height": 240,
        "padding": {"right": 16},
        "layer": [
            {
                "data": {"values": records},
                "mark": {"type": "line", "strokeWidth": 2.5},
                "encoding": {
                    "x": {"field": "value", "type": "quantitative", "title": _lines(t(f"charts.x_{measure}", lang))},
                    "y": {"field": "share", "type": "quantitative", "title": t("charts.y_share", lang),
                          "scale": {"domain": [0, 100]}},
                    "color": colour,
                    "tooltip": [{"field": "area", "title": t("charts.area", lang)},
                                {"field": "value_text", "title": t(f"charts.x_{measure}", lang)},
                                {"field": "share_text", "title": t("charts.y_share", lang)}],
                },
            },
            {
                "data": {"values": [rule]},
                "mark": {"type": "rule", "color": INK, "strokeDash": [6, 4], "strokeWidth": 1.5},
                "encoding": {"x": {"field": "value", "type": "quantitative"},
                             "tooltip": [{"field": "label", "title": t("charts.threshold", lang)}]},
            },
        ],
    }  # fmt: skip


def margin_height(margins: pd.DataFrame) -> int:
    """Return the margin chart's plot height (px): one readable bar per zone."""
    return max(MARGIN_MIN_PX, BAR_PX * len(margins))


def margin_spec(margins: pd.DataFrame, *, lang: str, min_share: float, min_sites: int) -> dict[str, Any]:
    """Return :func:`zone_margins` as a Vega-Lite bar chart: one bar per zone, pass or fail in the map's colours.

    Parameters
    ----------
    margins : pandas.DataFrame
        :func:`zone_margins`' table (one row per zone, worst first).
    lang : {'en', 'fr'}, keyword-only
        Language of every word and number.
    min_share : float, keyword-only
        The share (0-1) the pass rule requires, named in the tooltip.
    min_sites : int, keyword-only
        The in-person sites a zone must have inside it; a zone with fewer is marked.
    """
    pass_label, fail_label = t("zone.pass", lang), t("zone.fail", lang)
    records = [
        {
            "zone": str(rec["zone"]),
            "margin": float(rec["margin_pp"]),
            "result": pass_label if rec["passes"] else fail_label,
            "share_text": i18n.fmt_pct(float(rec["pct_within_threshold"]), lang),
            "margin_text": i18n.fmt_num(float(rec["margin_pp"]), lang, 1),
            "note": t("charts.no_site", lang) if rec["short_of_sites"] else "",
        }
        for rec in margins.to_dict("records")
    ]
    order = [str(z) for z in margins["zone"]]
    y = {"field": "zone", "type": "nominal", "sort": order, "title": None,
         "axis": {"labelLimit": 200, "labelOverlap": False}}  # fmt: skip
    tooltip = [
        {"field": "zone", "title": t("col.zone", lang)},
        {"field": "result", "title": t("popup.result", lang)},
        {"field": "share_text", "title": t("col.pct_within_threshold", lang)},
        {"field": "margin_text", "title": t("charts.margin_x", lang)},
    ]
    note = {"field": "note", "title": t("popup.reason", lang)}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": {"text": _lines(t("charts.margin", lang)), "anchor": "start"},
        "height": margin_height(margins),
        "padding": {"right": 16},
        "data": {"values": records},
        "layer": [
            {
                "mark": {"type": "bar", "height": BAR_PX - 6},
                "encoding": {
                    "x": {"field": "margin", "type": "quantitative", "title": _lines(t("charts.margin_x", lang)),
                          "axis": {"titleAnchor": "end"}},  # ends under the bars; long titles grow leftwards
                    "y": y,
                    "color": {"field": "result", "type": "nominal", "title": t("popup.result", lang),
                              "scale": {"domain": [pass_label, fail_label], "range": [PASS_COLOUR, FAIL_COLOUR]},
                              "legend": {"orient": "top", "title": None, "direction": "vertical"}},
                    "stroke": {"condition": {"test": "datum.note != ''", "value": INK}, "value": None},
                    "strokeWidth": {"condition": {"test": "datum.note != ''", "value": 2}, "value": 0},
                    "strokeDash": {"condition": {"test": "datum.note != ''", "value": [3, 2]}, "value": [1, 0]},
                    "tooltip": [*tooltip, note],
                },
            },
            {
                "transform": [{"filter": "datum.note != ''"}],
                "mark": {"type": "text", "align": "left", "dx": 4, "color": NOTE_COLOUR, "fontStyle": "italic"},
                "encoding": {"x": {"datum": 0}, "y": y, "text": {"field": "note"}},
            },
            {
                "data": {"values": [{"zero": 0, "label": i18n.fmt_pct(100.0 * min_share, lang)}]},
                "mark": {"type": "rule", "color": INK, "strokeWidth": 1.5},
                "encoding": {"x": {"field": "zero", "type": "quantitative"}},
            },
        ],
        "usermeta": {"min_sites": int(min_sites)},
    }  # fmt: skip
