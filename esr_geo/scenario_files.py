"""The files of a scenario: CSV tables and a printable HTML summary, in English or French.

:func:`write_closure` and :func:`write_suggestions` write a closure's or a suggestion's
tables and summary page, all of them or none. The files keep the worded columns only (the
code columns of :mod:`esr_geo.scenario_codes` stay in the result objects); in French the words
are made from those codes by :mod:`esr_geo.i18n`. Column names stay the field names.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from esr_geo import i18n
from esr_geo._io import csv_text, neutralise_formulas, write_files
from esr_geo.closures import ClosureResult
from esr_geo.report import html_page
from esr_geo.scenario_view import changes_first
from esr_geo.style import PASS_COLOUR
from esr_geo.suggest import SUGGESTION_CODE_COLUMNS, SUGGESTION_COLUMNS, SuggestionResult

PathLike = str | os.PathLike[str]

CLOSURE_FILES = (
    "closure_by_catchment.csv",
    "closure_by_zone.csv",
    "communities_losing_access.csv",
    "closure_summary.html",
)
SUGGESTION_FILES = ("suggested_sites.csv", "suggestion_summary.html")

#: Columns of the result tables that carry codes, left out of the files.
CODE_COLUMNS = ("change_code", "kind_code", "note_code", "note_values", *SUGGESTION_CODE_COLUMNS)

_CSS = (
    "body{font-family:Arial,Helvetica,sans-serif;margin:24px;color:#111;max-width:1200px}"
    "h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #999}"
    "table{border-collapse:collapse;font-size:11px;margin:8px 0}"
    "th,td{border:1px solid #bbb;padding:3px 5px;text-align:left}th{background:#eee}"
    f".summary{{font-size:15px;background:#f3f3f3;padding:10px;border-left:4px solid {PASS_COLOUR}}}"
    ".small{font-size:11px;color:#333}"
    "@media print{body{margin:8mm}h2{page-break-after:avoid}tr{page-break-inside:avoid}}"
)


def closure_zones_in_words(result: ClosureResult, *, lang: str = "en") -> pd.DataFrame:
    """Return the closure's zone table with the reason codes after the closure as ``reason_after`` text."""
    zones = result.by_zone
    after = result.after
    reasons = [
        i18n.zone_reason(
            in_person_sites=int(n), pct_within=float(p), beyond=float(b), min_sites=after.min_sites,
            min_share=after.min_share, lang=lang, shortfalls=(bool(s1), bool(s2)),
        )
        for n, p, b, s1, s2 in zip(
            zones["in_person_sites_after"], zones["pct_within_after"], zones["pop_beyond_after"],
            zones["short_of_sites_after"], zones["short_of_share_after"], strict=True,
        )
    ]  # fmt: skip
    at = list(zones.columns).index("short_of_sites_after")
    out = zones.drop(columns=["short_of_sites_after", "short_of_share_after"])
    out.insert(at, "reason_after", reasons)
    return out


def english(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` without its code columns (:data:`CODE_COLUMNS`), as the files show it."""
    return frame.drop(columns=[c for c in CODE_COLUMNS if c in frame.columns])


def _chosen_for(code: object, zone: object, lang: str) -> str:
    if code == "zone_pass":
        return i18n.t("scen.for_zone", lang, zone=zone)
    return i18n.t(f"scen.for_{code}", lang) if i18n.has(f"scen.for_{code}") else str(code)


def worded(frame: pd.DataFrame, lang: str = "en", *, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return a scenario table as the files show it in ``lang``: its codes in words, then without the code columns.

    English keeps the result's own English columns; French words ``change``, ``kind``,
    ``chosen_for`` and ``note`` from ``change_code``, ``kind_code``, ``chosen_for_code`` and
    ``note_code``/``note_values``, and the ``catchment`` column's English names by ``names``
    (:func:`esr_geo.i18n.english_names`).
    """
    if lang == "en":
        return english(frame)
    out = frame.copy()
    if "change_code" in out.columns:
        out["change"] = [i18n.t(f"scen.change.{c}", lang) for c in out["change_code"]]
    if "kind_code" in out.columns and "kind" in out.columns:
        out["kind"] = [
            i18n.t(f"kind.{c}", lang) if i18n.has(f"kind.{c}") else k
            for c, k in zip(out["kind_code"], out["kind"], strict=True)
        ]
    if "chosen_for_code" in out.columns:
        zones = out["chosen_for_zone"] if "chosen_for_zone" in out.columns else [""] * len(out)
        out["chosen_for"] = [_chosen_for(c, z, lang) for c, z in zip(out["chosen_for_code"], zones, strict=True)]
    if "note_code" in out.columns:
        out["note"] = [
            i18n.scenario_note(str(c), v if isinstance(v, dict) else {}, lang)
            for c, v in zip(out["note_code"], out["note_values"], strict=True)
        ]
    return i18n.value_words(english(out), lang=lang, names=names)


def _fmt(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if col in ("lon", "lat"):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:.5f}")
        elif pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(lambda v: i18n.yes_no(v, lang))
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else i18n.fmt_num(v, lang, 2))
        elif pd.api.types.is_integer_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else i18n.fmt_int(int(v), lang))
        elif not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if i18n.is_empty(v) else v)
    return out


def _table_html(frame: pd.DataFrame, lang: str = "en", names: Mapping[str, str] | None = None) -> str:
    if frame.empty:
        return f"<p>{html.escape(i18n.t('tables.none', lang))}</p>"
    shown = i18n.translate_columns(_fmt(neutralise_formulas(worded(frame, lang, names=names)), lang), lang)
    return str(shown.to_html(index=False, escape=True, na_rep=""))


def _csv(frame: pd.DataFrame, lang: str = "en", names: Mapping[str, str] | None = None) -> str:
    return csv_text(worded(frame, lang, names=names))


def _sections(sections: list[tuple[str, str]]) -> list[str]:
    return [f"<h2>{html.escape(heading)}</h2>{body}" for heading, body in sections]


def render_closure_html(result: ClosureResult, *, lang: str = "en") -> str:
    """Return the closure summary as one self-contained HTML page, in ``lang``."""
    t = i18n.t
    changed = result.by_catchment[
        (result.by_catchment["newly_beyond"] != 0) | (result.by_catchment["reserve_newly_beyond"] != 0)
    ]
    extra = [t("sfile.close_method", lang), t("sfile.close_newly", lang)]
    comm = result.communities_losing_access.drop(columns=["lon", "lat"])
    names = i18n.english_names(result.after.base.rollout, lang)
    zones = changes_first(closure_zones_in_words(result, lang=lang))  # as the page: zones that flip on top
    sections = [
        (t("sfile.closed", lang), _table_html(result.closed, lang, names)),
        (t("sfile.catchments", lang), _table_html(changed, lang, names)),
        (t("sfile.zones", lang), _table_html(zones, lang, names)),
        (t("sfile.communities", lang), _table_html(comm, lang, names)),
    ]
    if lang == "en":
        summary = result.summary_sentence()
    else:
        from esr_geo.scenario_view import closure_summary

        summary = closure_summary(result, lang)
    return html_page(
        result.after,
        title=t("sfile.close_title", lang),
        css=_CSS,
        summary=summary,
        body=_sections(sections),
        method_extra=extra,
        lang=lang,
    )


def write_closure(result: ClosureResult, out_dir: PathLike, *, force: bool = False, lang: str = "en") -> list[Path]:
    """Write the closure tables and summary into ``out_dir``.

    Parameters
    ----------
    result : ClosureResult
        From :func:`esr_geo.closures.close_sites`.
    out_dir : path-like
        Folder to write into (created if needed).
    force : bool, keyword-only
        Replace files that already exist (otherwise refuse, naming them).
    lang : {'en', 'fr'}, keyword-only
        The language of the summary page and of the words in the tables.

    Returns
    -------
    list of pathlib.Path
        ``closure_by_catchment.csv``, ``closure_by_zone.csv``,
        ``communities_losing_access.csv`` and ``closure_summary.html``, written together or not at all.
    """
    names = i18n.english_names(result.after.base.rollout, lang)
    texts = [
        _csv(result.by_catchment, lang, names),
        _csv(closure_zones_in_words(result, lang=lang), lang, names),
        _csv(result.communities_losing_access, lang, names),
        render_closure_html(result, lang=lang),
    ]
    return write_files(Path(out_dir), dict(zip(CLOSURE_FILES, texts, strict=True)), force=force)


def _figures(result: SuggestionResult, lang: str = "en") -> pd.DataFrame:
    t, num = i18n.t, i18n.fmt_int
    ratio = "" if result.ratio is None else i18n.fmt_pct(100 * result.ratio, lang)
    optimum = (
        t("sfile.not_computed", lang)
        if result.optimum_population is None
        else num(result.optimum_population, lang) + ("" if result.exact_optimal else t("sfile.best_found", lang))
    )
    keys = ("k", "demand", "coverable", "chosen", "greedy", "optimum", "ratio")
    return pd.DataFrame(
        {
            "figure": [t(f"sfile.figure.{k}", lang) for k in keys],
            "value": [
                num(result.k, lang), num(result.demand_population, lang), num(result.coverable_population, lang),
                num(result.chosen_population, lang), num(result.greedy_population, lang), optimum,
                ratio or t("sfile.na", lang),
            ],
        }
    )  # fmt: skip


def _scope_words(result: SuggestionResult, lang: str, names: dict[str, str]) -> str:
    """Return where a suggestion looks, in ``lang`` (English: the result's own words)."""
    if lang == "en":
        return result.scope
    values = result.scope_values
    if values.get("catchment_id"):
        return i18n.t("note.scope_catchment", lang, name=names.get(str(values["catchment_id"]), values["catchment_id"]))
    if values.get("zone"):
        return i18n.t("note.scope_zone", lang, name=values["zone"])
    return i18n.t("note.scope_ontario", lang)


def render_suggestion_html(result: SuggestionResult, *, lang: str = "en") -> str:
    """Return the suggestion summary as one self-contained HTML page, in ``lang``."""
    t = i18n.t
    cat = result.analysis.base.catchments
    names = dict(zip(cat["catchment_id"].astype(str), cat[f"name_{i18n.check_lang(lang)}"].astype(str), strict=True))
    scope = _scope_words(result, lang, names)
    method = result.exact_method
    notes = list(result.notes)
    if lang != "en":
        if result.exact_note is not None:
            method = i18n.scenario_note(result.exact_note.code, result.exact_note.values, lang)
        notes = [i18n.scenario_note(n.code, n.values, lang, catchments=names) for n in result.coded_notes]
    extra = [
        t("sfile.demand", lang, scope=scope, n=i18n.fmt_int(result.demand_population, lang)),
        t("sfile.candidates", lang, n=i18n.fmt_int(result.candidates, lang)),
        t("sfile.choice", lang, method=method),
        *notes,
    ]
    en_names = i18n.english_names(result.analysis.base.rollout, lang)
    sections = [
        (t("sfile.figures", lang), _table_html(_figures(result, lang), lang)),
        (t("sfile.suggested", lang), _table_html(result.to_frame(codes=True), lang, en_names)),
        (t("sfile.zones_before_after", lang), _table_html(result.zones, lang, en_names)),
    ]
    if result.fix_failing_zones_first:
        sections.insert(2, (t("sfile.failing_zones", lang), _table_html(result.zone_fixes, lang, en_names)))
    if result.exact_sites is not None:
        optimal = result.exact_sites[SUGGESTION_COLUMNS].drop(columns=["rank", "cumulative", "chosen_for"])
        sections.append((t("sfile.optimal", lang), _table_html(optimal, lang, en_names)))
    if lang == "en":
        summary = result.summary_sentence()
    else:
        from esr_geo.scenario_view import suggestion_lines

        summary = " ".join(suggestion_lines(result, lang))
    return html_page(
        result.analysis,
        title=t("sfile.suggest_title", lang, scope=scope),
        css=_CSS,
        summary=summary,
        body=_sections(sections),
        method_extra=extra,
        lang=lang,
    )


def write_suggestions(
    result: SuggestionResult, out_dir: PathLike, *, force: bool = False, lang: str = "en"
) -> list[Path]:
    """Write ``suggested_sites.csv`` and ``suggestion_summary.html`` into ``out_dir``.

    Parameters
    ----------
    result : SuggestionResult
        From :func:`esr_geo.suggest.suggest_sites`.
    out_dir : path-like
        Folder to write into (created if needed).
    force : bool, keyword-only
        Replace files that already exist (otherwise refuse, naming them).
    lang : {'en', 'fr'}, keyword-only
        The language of the summary page and of the words in the table.

    Returns
    -------
    list of pathlib.Path
        The two files, written together or not at all.
    """
    names = i18n.english_names(result.analysis.base.rollout, lang)
    texts = [_csv(result.to_frame(codes=True), lang, names), render_suggestion_html(result, lang=lang)]
    return write_files(Path(out_dir), dict(zip(SUGGESTION_FILES, texts, strict=True)), force=force)


__all__ = [
    "CLOSURE_FILES",
    "CODE_COLUMNS",
    "SUGGESTION_FILES",
    "english",
    "render_closure_html",
    "render_suggestion_html",
    "worded",
    "write_closure",
    "write_suggestions",
]
