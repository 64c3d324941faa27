"""The rollout timeline: one bar per catchment, as a Vega-Lite spec for ``st.vega_lite_chart``.

Needs only the rollout table (not the data bundle), so the page draws it before the geography
has loaded. Names, phases and dates are in the planner's language (:mod:`esr_geo.i18n`); the
colours are the map's (:mod:`esr_geo.style`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from esr_geo import i18n
from esr_geo.i18n import t
from esr_geo.rollout import PHASES, format_month, parse_date
from esr_geo.style import INK, NOTE_COLOUR, PHASE_COLOURS
from esr_geo.view import phase_label

#: Earliest date of the date control and start of the time axis (the Prototype's planning
#: started in January 2020).
MIN_DATE = dt.date(2019, 1, 1)
#: Height of one catchment's row in the timeline (px), and the plot's margin (px).
ROW_HEIGHT_PX = 22
MARGIN_PX = 10


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
    return ROW_HEIGHT_PX * rows + MARGIN_PX


def _records(frame: pd.DataFrame, *, lang: str, selected: str | None) -> list[dict[str, Any]]:
    """Return the chart's rows: ISO dates for the marks, month texts for the tooltips, the TBA note."""
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
    return records


def _time_extent(frame: pd.DataFrame, day: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the time axis' first and last day: from :data:`MIN_DATE` to 3 months past the latest date shown."""
    first = pd.Timestamp(MIN_DATE)
    last_ies = frame["ies_start"].max() if frame["ies_start"].notna().any() else first
    return first, max(pd.Timestamp(dt.date.today()), day, last_ies) + pd.DateOffset(months=3)


def timeline_spec(
    rollout: pd.DataFrame, *, on: dt.date | str | None, lang: str, selected: str | None = None
) -> dict[str, Any]:
    """Return the rollout timeline as a Vega-Lite spec (for ``st.vega_lite_chart``).

    One row per catchment (by phase, then IES start): the planning and transition period as
    a bar coloured by phase, the start of integrated services as a diamond, "dates to be
    announced" where there are none, and the chosen date as a black rule. A selected
    catchment's bar is outlined. The spec is written directly (no Altair object), so it
    costs about a millisecond to build and the page stays fast when the date moves.

    Parameters
    ----------
    rollout : pandas.DataFrame
        The rollout table (:func:`esr_geo.rollout.load_rollout`).
    on : date or 'YYYY-MM-DD', keyword-only
        The chosen date (``None``: today), drawn as a rule.
    lang : {'en', 'fr'}, keyword-only
        Language of the names, phases, months and tooltips.
    selected : str, keyword-only
        A catchment id whose bar is outlined.

    Returns
    -------
    dict
        A Vega-Lite v6 spec; its height is :func:`timeline_height` (px) of the catchments.
    """
    frame = timeline_frame(rollout, lang=lang)
    day = pd.Timestamp(parse_date(on))
    first, last = _time_extent(frame, day)
    records = _records(frame, lang=lang, selected=selected)
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
                    "stroke": {"condition": {"test": "datum.is_selected", "value": INK}, "value": None},
                    "strokeWidth": {"condition": {"test": "datum.is_selected", "value": 2.5}, "value": 0},
                    "tooltip": tooltip,
                },
            },
            {
                "transform": [{"filter": "isValid(datum.ies_start)"}],
                "mark": {"type": "point", "shape": "diamond", "size": 120, "filled": True, "stroke": INK,
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
                "mark": {"type": "text", "align": "left", "dx": 4, "color": NOTE_COLOUR, "fontStyle": "italic"},
                "encoding": {"x": {"value": 4}, "y": y, "text": {"field": "note"}},
            },
            {
                "data": rule_data,
                "mark": {"type": "rule", "color": INK, "strokeWidth": 2},
                "encoding": {
                    "x": {"field": "day", "type": "temporal"},
                    "tooltip": [{"field": "label", "title": t("col.date", lang)}],
                },
            },
            {
                "data": rule_data,
                "mark": {"type": "text", "baseline": "top", "dy": 2, "fontWeight": "bold", "color": INK,
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
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return ""
    return format_month(pd.Timestamp(value), lang=lang)  # type: ignore[arg-type]
