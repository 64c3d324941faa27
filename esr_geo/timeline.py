"""The rollout timeline: one bar per catchment, as a Vega-Lite spec for ``st.vega_lite_chart``.

Needs only the rollout table (not the data bundle), so the page draws it before the geography
has loaded. Names, phases and dates are in the planner's language (:mod:`esr_geo.i18n`); the
bars are coloured as the map is (by phase, by status on the chosen date or by SSM), with the
map's colours (:mod:`esr_geo.style`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from esr_geo import i18n
from esr_geo.i18n import t
from esr_geo.rollout import IES, NOT_STARTED, PHASES, TBA, TRANSITION, format_month, parse_date, status_codes
from esr_geo.ssm import ssm_of, ssm_order
from esr_geo.style import INK, NOTE_COLOUR, PHASE_COLOURS, STATUS_COLOURS, ssm_colours
from esr_geo.view import phase_label

#: Earliest date of the date control and start of the time axis (the Prototype's planning
#: started in January 2020).
MIN_DATE = dt.date(2019, 1, 1)
#: Height of one catchment's row in the timeline (px), and the plot's margin (px).
ROW_HEIGHT_PX = 22
MARGIN_PX = 10
#: The colourings the timeline follows (the map's: ``esr_geo.maps.COLOUR_BY``).
COLOUR_BY: tuple[str, ...] = ("phase", "status", "ssm")
#: The colour legend below the chart: entries per row, and the height of a row (px).
LEGEND_COLUMNS = 4
LEGEND_ROW_PX = 18


def timeline_frame(rollout: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """Return the rollout periods for the timeline chart, names and phases in ``lang``.

    Columns: ``catchment_id``, ``catchment``, ``phase`` (code), ``phase_label``, ``ssm_id``
    (code, :func:`esr_geo.ssm.ssm_of`), ``ssm`` (name in ``lang``, or "To be announced"),
    ``start`` and ``end`` (the planning and transition period; ``end`` is the first day after
    it), ``ies_start`` and ``order`` (phase, then IES start, then name).
    """
    i18n.check_lang(lang)
    owners = ssm_of(rollout)
    frame = pd.DataFrame(
        {
            "catchment_id": rollout["catchment_id"],
            "catchment": rollout[f"catchment_{lang}"],
            "phase": rollout["phase"],
            "phase_label": rollout["phase"].map(lambda p: phase_label(p, lang)),
            "ssm_id": owners["ssm_id"].to_numpy(),
            "ssm": [i18n.ssm_name(en, fr, lang) for en, fr in zip(owners["ssm_en"], owners["ssm_fr"], strict=True)],
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


def _colouring(
    rollout: pd.DataFrame, frame: pd.DataFrame, *, colour_by: str, day: pd.Timestamp, lang: str
) -> tuple[list[str], dict[str, Any]]:
    """Return each row's colour label (in ``frame``'s order) and the Vega-Lite colour encoding.

    The colours and their order are the map legend's: phases, statuses on ``day`` (integrated
    services first) or SSMs (in :func:`esr_geo.ssm.ssm_order`, "to be announced" last).
    """
    if colour_by == "status":
        codes = status_codes(rollout, on=day.date())
        order = (IES, TRANSITION, NOT_STARTED, TBA)
        domain = [i18n.status_label(c, lang) for c in order]
        colours = [STATUS_COLOURS[c] for c in order]
        labels = [i18n.status_label(str(codes[c]), lang) for c in frame["catchment_id"]]
        title = t("legend.status", lang, date=i18n.fmt_date(day, lang))
    elif colour_by == "ssm":
        names = dict(zip(frame["ssm_id"], frame["ssm"], strict=True))
        ssm_ids = ssm_order(rollout)
        palette = ssm_colours(ssm_ids)
        domain = [names[s] for s in ssm_ids]
        colours = [palette[s] for s in ssm_ids]
        labels = list(frame["ssm"])
        title = t("legend.ssm", lang)
    else:
        domain = [phase_label(p, lang) for p in PHASES]
        colours = [PHASE_COLOURS[p] for p in PHASES]
        labels = list(frame["phase_label"])
        title = t("legend.phase", lang)
    encoding = {
        "field": "colour_label",
        "type": "nominal",
        "scale": {"domain": domain, "range": colours},
        "legend": {"title": title, "orient": "bottom", "columns": LEGEND_COLUMNS, "labelLimit": 240},
    }
    return labels, encoding


def legend_extra_px(rollout: pd.DataFrame, *, colour_by: str) -> int:
    """Return the height (px) the colour legend needs beyond one row (the SSMs may take several rows)."""
    entries = {"ssm": len(ssm_order(rollout)), "status": len(STATUS_COLOURS)}.get(colour_by, len(PHASES))
    return LEGEND_ROW_PX * (max(0, -(-entries // LEGEND_COLUMNS) - 1))


def _records(frame: pd.DataFrame, *, lang: str, selected: str | None, colours: list[str]) -> list[dict[str, Any]]:
    """Return the chart's rows: ISO dates for the marks, month texts for the tooltips, the TBA note."""
    records = []
    for rec, colour_label in zip(frame.to_dict("records"), colours, strict=True):
        tba = pd.isna(rec["start"]) and pd.isna(rec["ies_start"])
        end = rec["end"]
        records.append(
            {
                "catchment": rec["catchment"],
                "phase_label": rec["phase_label"],
                "ssm": rec["ssm"],
                "colour_label": colour_label,
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
    rollout: pd.DataFrame,
    *,
    on: dt.date | str | None,
    lang: str,
    selected: str | None = None,
    colour_by: str = "phase",
) -> dict[str, Any]:
    """Return the rollout timeline as a Vega-Lite spec (for ``st.vega_lite_chart``).

    One row per catchment (by phase, then IES start): the planning and transition period as
    a bar coloured as the map is (``colour_by``), the start of integrated services as a
    diamond, "dates to be announced" where there are none, and the chosen date as a black
    rule. A selected catchment's bar is outlined. The spec is written directly (no Altair
    object), so it costs about a millisecond to build and the page stays fast when the date
    moves.

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
    colour_by : {'phase', 'status', 'ssm'}, keyword-only
        What the bars' colours show, as on the map: the phase, the status on ``on`` or the
        service system manager.

    Returns
    -------
    dict
        A Vega-Lite v6 spec; its height is :func:`timeline_height` (px) of the catchments.

    Raises
    ------
    ValueError
        For an unknown ``colour_by``.
    """
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by must be one of {', '.join(COLOUR_BY)}; got {colour_by!r}.")
    frame = timeline_frame(rollout, lang=lang)
    day = pd.Timestamp(parse_date(on))
    first, last = _time_extent(frame, day)
    labels, colour = _colouring(rollout, frame, colour_by=colour_by, day=day, lang=lang)
    records = _records(frame, lang=lang, selected=selected, colours=labels)
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
    tooltip = [
        {"field": "catchment", "title": t("col.catchment", lang)},
        {"field": "phase_label", "title": t("col.phase", lang)},
        {"field": "ssm", "title": t("col.ssm", lang)},
        *([{"field": "colour_label", "title": t("col.status", lang)}] if colour_by == "status" else []),
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
        "padding": {"left": 5, "top": 5, "bottom": 5, "right": 20},  # room for the last year's label
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
