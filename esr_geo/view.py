"""What the page shows beside the map: facts, the catchment card and the page's tables.

Pure functions of an :class:`~esr_geo.analysis.Analysis` (or of the rollout table alone) that
return frames and texts in the planner's language, for the Streamlit page (``app.py``) to lay
out: each catchment's facts, the headline selection, the analysis at a date, the zones' results,
the catchment card, the report tables translated for display, the rollout table and sentence,
the labels of the catchment choice, the scope of the headline figures and what a click on the map
chose. Nothing here draws a widget or a map; every text comes from :mod:`esr_geo.i18n`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from esr_geo import french, i18n
from esr_geo.errors import GUIDES, reword_guides
from esr_geo.i18n import t
from esr_geo.rollout import (
    IES,
    NOT_STARTED,
    PHASE_LABELS,
    TBA,
    TRANSITION,
    parse_date,
    status_codes,
    statuses_on,
)

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis
    from esr_geo.model import Base

#: The report tables the page shows in its tabs (keys of ``Analysis.tables``), in tab order.
PAGE_TABLES: tuple[str, ...] = (
    "coverage_by_catchment",
    "coverage_by_zone",
    "underserved_communities",
    "reserves_exempt",
    "access_by_csd",
)
#: Columns of a card's zone table, as the card shows them (``result`` shown as "passes").
CARD_ZONE_COLUMNS: tuple[str, ...] = ("zone", "result", "pct_within_threshold", "in_person_sites", "reason")


# --------------------------------------------------------------------------------------
# Facts per catchment, zone and selection


def phase_label(phase: str, lang: str) -> str:
    """Return a phase name in ``lang`` (the rollout module's labels; an unknown phase as given)."""
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
    only ``on``, the ``status`` column of ``coverage_by_catchment`` and the French Language
    Services tables (designations in force on the date) change. The input is
    not modified (a shallow copy shares every other table).
    """
    day = parse_date(on)
    if analysis.on == day:
        return analysis
    status = status_codes(analysis.base.rollout, on=day)
    tables = dict(analysis.tables)
    cov = tables["coverage_by_catchment"].copy()
    cov["status"] = cov["catchment_id"].map(status)
    tables["coverage_by_catchment"] = cov
    moved = dataclasses.replace(analysis, on=day, tables=tables)
    # the French Language Services designations in force depend on the date (Sarnia from
    # 2024-11-01, the O. Reg. 272/25 expansions from 2029-01-01): their tables follow it
    tables.update(french.french_tables(moved))
    return moved


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
    reasons = i18n.zone_reasons(zones, min_sites=analysis.min_sites, min_share=analysis.min_share, lang=lang)
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
            t("card.share", lang, limit=i18n.fmt_limit(analysis.threshold, analysis.measure, lang)),
            t(
                "card.share_value",
                lang,
                pct=i18n.fmt_pct(float(row["pct_within_threshold"]), lang, whole=not row["pop_beyond_threshold"]),
                n=i18n.fmt_int(float(row["pop_beyond_threshold"]), lang),
            ),
        ),
    ]
    zones = zone_results(analysis, lang=lang, catchment_ids=[catchment_id])
    return Card(catchment_id=catchment_id, title=str(row["name"]), rows=rows, zones=zones)


def card_zone_table(card: Card, lang: str) -> pd.DataFrame:
    """Return a card's zones as the card shows them: zone, passes, share within, sites, reason.

    Parameters
    ----------
    card : Card
        A catchment card (:func:`catchment_card`).
    lang : {'en', 'fr'}
        Language of the headers (the values are already in the card's language).

    Returns
    -------
    pandas.DataFrame
        One row per zone; ``pct_within_threshold`` in percent (0-100), ``in_person_sites`` a count.
    """
    zones = card.zones[list(CARD_ZONE_COLUMNS)].rename(columns={"result": "passes"})
    return i18n.translate_columns(zones, lang)


# --------------------------------------------------------------------------------------
# Tables for the page


def english_to(base: Base, lang: str) -> dict[str, str]:
    """Return each catchment's English name -> its name in ``lang`` (for tables that carry English names)."""
    cat = base.catchments
    return dict(zip(cat["name_en"].astype(str), cat[f"name_{i18n.check_lang(lang)}"].astype(str), strict=True))


def translate_values(frame: pd.DataFrame, analysis: Analysis, lang: str) -> pd.DataFrame:
    """Return a copy of a report table with its values in ``lang`` (headers unchanged).

    Catchment and SSM names (the rollout table's, "To be announced" too), statuses, phases,
    community kinds, remoteness classes, Statistical Area Classification values, severities and
    yes/no columns are translated; an empty text cell (None, NaN) is ``''``, never "None" or
    "nan"; other values are kept (numbers stay numbers).
    """
    out = frame.copy()
    names = i18n.english_names(analysis.base.rollout, lang)
    for col in out.columns:
        out[col] = _values_in(str(col), out[col], names, lang)
    return out


def _values_in(column: str, values: pd.Series, names: Mapping[str, str], lang: str) -> pd.Series:
    """Return one column of a report table with its values in ``lang`` (see :func:`translate_values`)."""
    if pd.api.types.is_bool_dtype(values):
        return values.map(lambda v: i18n.yes_no(v, lang))
    if pd.api.types.is_numeric_dtype(values):
        return values
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if column in ("catchment", "ssm"):
        return values.map(lambda v: "" if i18n.is_empty(v) else names.get(v, v))
    if column == "status":  # a code
        return values.map(lambda v: "" if i18n.is_empty(v) else i18n.status_label(str(v), lang))
    if column == "phase":
        return values.map(lambda v: "" if i18n.is_empty(v) else phase_label(v, lang))
    if column == "severity":
        return values.map(lambda v: t(f"col.{v}", lang) if i18n.has(f"col.{v}") else v)
    if values.isna().any() or values.map(lambda v: isinstance(v, bool)).any():
        values = values.map(lambda v: "" if i18n.is_empty(v) else (i18n.yes_no(v, lang) if isinstance(v, bool) else v))
    if column in i18n.VALUE_KEYS:  # kinds, remoteness classes, SAC values, changes: codes with words
        return values.map(lambda v: i18n.value_label(column, v, lang))
    return values


def page_frame(analysis: Analysis, key: str, *, lang: str, catchment_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Return one report table for the page with its code headers: filtered to a selection, values untranslated.

    ``coverage_by_zone`` carries the result and reason in ``lang``; longitude, latitude and
    catchment codes are dropped.
    """
    i18n.check_lang(lang)
    if key == "coverage_by_zone":
        return zone_results(analysis, lang=lang, catchment_ids=catchment_ids).drop(columns=["catchment_id", "result"])
    frame = analysis.tables[key]
    frame = frame.drop(columns=[c for c in ("lon", "lat") if c in frame.columns])
    if catchment_ids is not None:
        ids = set(catchment_ids)
        if "catchment_id" in frame.columns:
            frame = frame[frame["catchment_id"].isin(ids)]
        elif "catchment" in frame.columns:
            names = set(analysis.base.catchments.loc[analysis.base.catchments["catchment_id"].isin(ids), "name_en"])
            frame = frame[frame["catchment"].isin(names)]
    return frame.drop(columns=[c for c in ("catchment_id",) if c in frame.columns]).reset_index(drop=True)


def page_table(analysis: Analysis, key: str, *, lang: str, catchment_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Return one report table for the page: filtered to a selection, values and headers in ``lang``.

    ``coverage_by_zone`` carries the reason in ``lang``; longitude and latitude are dropped.
    """
    frame = page_frame(analysis, key, lang=lang, catchment_ids=catchment_ids)
    return i18n.translate_columns(translate_values(frame, analysis, lang), lang)


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
    frame = i18n.problem_words(problems, lang=lang)
    if "severity" in frame.columns:
        frame["severity"] = frame["severity"].map(lambda v: t(f"col.{v}", lang) if i18n.has(f"col.{v}") else v)
    return i18n.translate_columns(frame.reset_index(drop=True), lang)


def status_sentence(rollout: pd.DataFrame, *, on: dt.date, lang: str) -> str:
    """Return 'Rollout on 1 June 2024: 9 × integrated services · 3 × ...' (Markdown) in ``lang``."""
    counts = status_counts(rollout, on=on)
    parts = [f"{n} × {i18n.status_label(code, lang)}" for code, n in counts.items()]
    return f"**{t('tables.rollout', lang, date=i18n.fmt_date(on, lang))}**{i18n.COLON[lang]}" + " · ".join(parts)


def problem_counts(problems: pd.DataFrame) -> dict[str, int]:
    """Return how many of a site file's problems are errors and how many warnings.

    Parameters
    ----------
    problems : pandas.DataFrame
        A site file's problems (``esr_geo.offices.SiteLoad.problems``), with a ``severity``
        column of ``'error'`` or ``'warning'`` (may be empty, even without columns).

    Returns
    -------
    dict
        ``{'error': n, 'warning': n}`` (counts of rows).
    """
    if not len(problems):
        return {"error": 0, "warning": 0}
    severity = problems["severity"]
    return {"error": int((severity == "error").sum()), "warning": int((severity == "warning").sum())}


# --------------------------------------------------------------------------------------
# The planner's choices: catchment labels and the scope of the headline figures


def catchment_names(rollout: pd.DataFrame, lang: str) -> dict[str, str]:
    """Return each catchment's name in ``lang``, by catchment id (from the rollout table alone)."""
    return dict(zip(rollout["catchment_id"], rollout[f"catchment_{i18n.check_lang(lang)}"], strict=True))


def catchment_choices(rollout: pd.DataFrame, lang: str) -> dict[str, str]:
    """Return the catchment choice's options: id -> 'Name (Phase)' in ``lang``, sorted by name.

    Parameters
    ----------
    rollout : pandas.DataFrame
        The rollout table (:func:`esr_geo.rollout.load_rollout`); the data bundle is not needed.
    lang : {'en', 'fr'}
        Language of the names and phases.

    Returns
    -------
    dict
        Catchment id -> label, in alphabetical order of the names in ``lang``.
    """
    names = catchment_names(rollout, lang)
    phases = dict(zip(rollout["catchment_id"], rollout["phase"], strict=True))
    ids = sorted(names, key=lambda c: names[c])
    return {c: f"{names[c]} ({phase_label(phases[c], lang)})" for c in ids}


def scope_caption(rollout: pd.DataFrame, *, catchment: str | None, phase: str | None, lang: str) -> str:
    """Return what the headline figures cover: a catchment's name, a phase or all of Ontario.

    A chosen catchment wins over a phase (as in :func:`selection_ids`).
    """
    if catchment:
        return catchment_names(rollout, lang)[catchment]
    if phase:
        return phase_label(phase, lang)
    return t("side.all_catchments", lang)


# --------------------------------------------------------------------------------------
# What a click on the map chose (streamlit-folium's returned dict)


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


#: Match a clicked marker to a site within this many degrees (markers sit at 5-decimal coordinates).
CLICK_TOLERANCE_DEG = 1e-4


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


# --------------------------------------------------------------------------------------
# Tables as the page shows them: numbers in the planner's language, nothing shown as "None"

#: Numeric columns that are codes or ranks, shown as written (no thousands separator).
PLAIN_COLUMNS: frozenset[str] = frozenset({"CSDUID", "CDUID", "row", "rank", "area_no"})
#: Decimals of numeric columns that are neither counts, shares (``pct_*``) nor distances (``*_km``).
DIGITS: dict[str, int] = {"remoteness_index": 4}
#: Text columns the page shows wide, so that their sentences can be read whole.
WIDE_COLUMNS: tuple[str, ...] = ("reason", "problem", "fix", "chosen_for", "nearest")


def number_format(column: str, values: pd.Series, lang: str) -> Any:
    """Return how a table column's numbers are written in ``lang``, or ``None`` to leave them as they are.

    Parameters
    ----------
    column : str
        The column's code (its header before translation).
    values : pandas.Series
        Its values.
    lang : {'en', 'fr'}
        The language of the numbers.

    Returns
    -------
    callable or None
        ``pct_*``: a percentage (0-100) by :func:`esr_geo.i18n.fmt_pct`; ``*_km`` and
        ``*_min``: one decimal; a column of whole numbers: a count with thousands separators
        (:func:`esr_geo.i18n.fmt_int`); other numbers with :data:`DIGITS` decimals (2 by
        default). Codes (:data:`PLAIN_COLUMNS`), text and yes/no columns: ``None``.
    """
    if column in PLAIN_COLUMNS or pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return None
    if column.startswith("pct_"):
        return lambda v: i18n.fmt_pct(float(v), lang)
    if column.endswith(("_km", "_min")):
        return lambda v: i18n.fmt_num(float(v), lang, 1)
    numbers = values.dropna().to_numpy(dtype=float)
    if column not in DIGITS and bool(np.all(np.mod(numbers, 1.0) == 0.0)):
        return lambda v: i18n.fmt_int(float(v), lang)
    digits = DIGITS.get(column, 2)
    return lambda v: i18n.fmt_num(float(v), lang, digits)


def styled(frame: pd.DataFrame, lang: str, *, analysis: Analysis | None = None) -> Any:
    """Return a table with code headers as the page shows it: a pandas ``Styler`` in ``lang``.

    Values are translated (:func:`translate_values`, when ``analysis`` is given) and headers
    too; numbers keep their values (a column still sorts as numbers) but are displayed by
    :func:`number_format`. An empty cell is shown empty, a missing number as a dash: never
    as "None".
    """
    formats = {c: f for c in frame.columns if (f := number_format(str(c), frame[c], lang)) is not None}
    shown = translate_values(frame, analysis, lang) if analysis is not None else frame.copy()
    shown = i18n.translate_columns(shown.reset_index(drop=True), lang)
    names = dict(zip(frame.columns, shown.columns, strict=True))
    text: list[Hashable] = [names[c] for c in frame.columns if c not in formats]
    styler = shown.style.format(na_rep="", subset=text) if text else shown.style
    if formats:
        styler = styler.format({names[c]: f for c, f in formats.items()}, na_rep="–")
    return styler


def wide_columns(lang: str) -> list[str]:
    """Return the headers (in ``lang``) of the text columns the page shows wide (:data:`WIDE_COLUMNS`)."""
    return [i18n.column_label(c, lang) for c in WIDE_COLUMNS]


def page_table_styled(analysis: Analysis, key: str, *, lang: str, catchment_ids: Sequence[str] | None = None) -> Any:
    """Return :func:`page_table`'s table as the page shows it (see :func:`styled`)."""
    return styled(page_frame(analysis, key, lang=lang, catchment_ids=catchment_ids), lang, analysis=analysis)


def card_zone_lines(card: Card, lang: str) -> list[tuple[str, str, str]]:
    """Return a card's zones as lines that read in a narrow column: (zone, result, why it fails).

    The result says passes or fails with the share within reach (:func:`esr_geo.i18n.fmt_pct`)
    and the in-person sites inside; why it fails is the whole reason (empty when it passes).
    """
    out = []
    for rec in card.zones.to_dict("records"):
        result = t(
            "card.zone_line",
            lang,
            result=rec["result"],
            pct=i18n.fmt_pct(float(rec["pct_within_threshold"]), lang, whole=not rec["pop_beyond_threshold"]),
            sites=i18n.fmt_int(float(rec["in_person_sites"]), lang),
        )
        out.append((str(rec["zone"]), result, str(rec["reason"] or "")))
    return out


def problem_table_styled(problems: pd.DataFrame, *, lang: str) -> Any:
    """Return a site file's problems as the page shows them (see :func:`problem_table` and :func:`styled`)."""
    frame = i18n.problem_words(problems, lang=lang).reset_index(drop=True)
    if "severity" in frame.columns:
        frame["severity"] = frame["severity"].map(lambda v: t(f"col.{v}", lang) if i18n.has(f"col.{v}") else v)
    return styled(frame, lang)


# --------------------------------------------------------------------------------------
# The page's words for the library's messages, and the file formats it offers


def page_message(message: str, lang: str, *, worded_in: str = "en") -> str:
    """Return a library message in the page's terms: where the file formats are, not repository paths.

    The library's messages send the planner to a file's format (:data:`esr_geo.errors.GUIDES`);
    on the page, the template and the zones format are downloads under the file box. The guide is
    worded in the message's own language (``worded_in``: English for the engine's whole-file
    messages), so that no sentence mixes two languages; on a page in another language, it is
    said again after the message, in the page's language.
    """
    found = [code for code, phrase in GUIDES.items() if phrase in message]
    text = reword_guides(message, {code: t(f"guide.{code}", worded_in) for code in GUIDES})
    if lang == worded_in or not found:
        return text
    return "\n\n".join([text, *(_sentence(t(f"guide.{code}", lang)) for code in found)])


def engine_error_text(lead: str, message: str, lang: str, *, hint: str = "", engine: bool = True) -> str:
    """Return the Markdown of an error box: ``lead`` in bold, the message in the page's terms, ``hint``.

    ``engine``: the message is the engine's, in English (:func:`page_message`); on a page in
    another language the box ends with a note saying so (word ``app.engine_language``).
    """
    note = t("app.engine_language", lang) if engine else ""
    text = page_message(message, lang) if engine else message
    parts = [f"**{lead}**", text, hint, f"*{note}*" if note else ""]
    return "\n\n".join(p for p in parts if p)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def site_template_bytes() -> bytes:
    """Return the site-file template the command line documents (``data/offices/template.csv``)."""
    from esr_geo import settings

    return (settings.PROJECT_DATA_DIR / "offices" / "template.csv").read_bytes()


def zones_format_csv(base: Base) -> bytes:
    """Return the default zones as the zones file a planner can load: ``CSDUID,zone``, one row per subdivision.

    Each census subdivision of a default zone's census division (:func:`esr_geo.zones.default_zones`)
    with the zone's name, as CSV bytes with a byte-order mark (for Excel).
    """
    from esr_geo._io import csv_bytes
    from esr_geo.zones import default_zones

    zones = default_zones(base)
    names = dict(zip(zones["zone_id"].astype(str), zones["zone"].astype(str), strict=True))
    csds = base.csds[["CSDUID", "CDUID"]].astype(str)
    csds = csds[csds["CDUID"].isin(set(names))].sort_values("CSDUID")
    return csv_bytes(pd.DataFrame({"CSDUID": csds["CSDUID"].to_numpy(), "zone": csds["CDUID"].map(names).to_numpy()}))


# --------------------------------------------------------------------------------------
# The link to a view: the page's address holds its date, language, catchment, threshold, measure

#: The query parameters of a view, in the address's order.
VIEW_PARAMS: tuple[str, ...] = ("lang", "date", "catchment", "threshold", "measure")


@dataclass(frozen=True)
class LinkedView:
    """A view read from the page's address: the choices to apply and what could not be used.

    Attributes
    ----------
    choices : dict
        Valid values by parameter (:data:`VIEW_PARAMS`): ``lang`` (code), ``date``
        (``datetime.date``), ``catchment`` (id), ``threshold`` (km) and ``measure`` (code).
    ignored : list of str
        ``name=value`` of every parameter that was not valid (quoted safely).
    """

    choices: dict[str, object]
    ignored: list[str]


def read_view_link(
    params: Mapping[str, object],
    *,
    catchment_ids: Sequence[str],
    dates: tuple[dt.date, dt.date],
    thresholds_km: tuple[float, float],
    measures: Sequence[str],
) -> LinkedView:
    """Read a view from the page's query parameters (see :func:`view_link`).

    Parameters
    ----------
    params : mapping
        The query parameters (``st.query_params``); unknown names are left alone.
    catchment_ids : sequence of str, keyword-only
        Valid catchment ids.
    dates : (date, date), keyword-only
        First and last valid date.
    thresholds_km : (float, float), keyword-only
        Smallest and largest valid threshold, in km.
    measures : sequence of str, keyword-only
        Valid measure codes (``esr_geo.analysis.MEASURE_KM`` ...).

    Returns
    -------
    LinkedView
        Out-of-range and unreadable values are not applied but listed in ``ignored``.
    """
    from esr_geo.errors import shown

    choices: dict[str, object] = {}
    ignored: list[str] = []
    for name in VIEW_PARAMS:
        raw = params.get(name)
        if raw is None:
            continue
        text = str(raw[-1] if isinstance(raw, list) and raw else raw).strip()
        value = _link_value(name, text, catchment_ids=catchment_ids, dates=dates, thresholds_km=thresholds_km,
                            measures=measures)  # fmt: skip
        if value is None:
            ignored.append(f"{name}={shown(text, limit=30)}")
        else:
            choices[name] = value
    return LinkedView(choices=choices, ignored=ignored)


def _link_value(
    name: str,
    text: str,
    *,
    catchment_ids: Sequence[str],
    dates: tuple[dt.date, dt.date],
    thresholds_km: tuple[float, float],
    measures: Sequence[str],
) -> object | None:
    """Return one parameter's valid value, or ``None``."""
    if name == "lang":
        return text if text in i18n.LANGS else None
    if name == "catchment":
        return text if text in set(catchment_ids) else None
    if name == "measure":
        return text if text in set(measures) else None
    if name == "date":
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None
        return day if dates[0] <= day <= dates[1] else None
    try:
        km = float(text)
    except ValueError:
        return None
    return km if np.isfinite(km) and thresholds_km[0] <= km <= thresholds_km[1] else None


def view_link(
    *, lang: str, day: dt.date, catchment: str | None, threshold_km: float, measure: str | None
) -> dict[str, str]:
    """Return a view's query parameters (:data:`VIEW_PARAMS`): what :func:`read_view_link` reads back.

    The catchment and the measure are left out when there is none.
    """
    params = {"lang": i18n.check_lang(lang), "date": day.isoformat()}
    if catchment:
        params["catchment"] = str(catchment)
    params["threshold"] = f"{float(threshold_km):g}"
    if measure:
        params["measure"] = str(measure)
    return params
