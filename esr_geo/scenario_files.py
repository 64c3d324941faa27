"""The files of a scenario: CSV tables and a printable HTML summary, in English.

:func:`write_closure` and :func:`write_suggestions` write a closure's or a suggestion's
tables and summary page, all of them or none. The files keep the English columns only (the
code columns of :mod:`esr_geo.scenario_codes` stay in the result objects).
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd

from esr_geo import i18n
from esr_geo._io import csv_text, neutralise_formulas, write_files
from esr_geo.closures import ClosureResult
from esr_geo.report import html_page
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


def _fmt(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if col in ("lon", "lat"):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:.5f}")
        elif pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "yes", False: "no"})
        elif pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:,.2f}")
        elif pd.api.types.is_integer_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
    return out


def _table_html(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p>None.</p>"
    return str(_fmt(neutralise_formulas(english(frame))).to_html(index=False, escape=True, na_rep=""))


def _csv(frame: pd.DataFrame) -> str:
    return csv_text(english(frame))


def _sections(sections: list[tuple[str, str]]) -> list[str]:
    return [f"<h2>{html.escape(heading)}</h2>{body}" for heading, body in sections]


def render_closure_html(result: ClosureResult) -> str:
    """Return the closure summary as one self-contained HTML page."""
    changed = result.by_catchment[
        (result.by_catchment["newly_beyond"] != 0) | (result.by_catchment["reserve_newly_beyond"] != 0)
    ]
    extra = [
        "Closure scenario: the closed sites are removed; everyone whose nearest in-person site was closed is "
        "re-measured to the nearest remaining one; zones, thresholds, pass criteria and communities are unchanged.",
        "'Newly beyond' counts non-reserve residents within the threshold before and beyond it after; reserves are "
        "counted apart (exempt from the SSM model).",
    ]
    sections = [
        ("Closed sites", _table_html(result.closed)),
        ("Catchments affected (all 15 are in closure_by_catchment.csv)", _table_html(changed)),
        ("Service delivery zones", _table_html(closure_zones_in_words(result))),
        ("Communities losing access", _table_html(result.communities_losing_access.drop(columns=["lon", "lat"]))),
    ]
    return html_page(
        result.after,
        title="In-person access: what a closure costs",
        css=_CSS,
        summary=result.summary_sentence(),
        body=_sections(sections),
        method_extra=extra,
    )


def write_closure(result: ClosureResult, out_dir: PathLike, *, force: bool = False) -> list[Path]:
    """Write the closure tables and summary into ``out_dir``.

    Parameters
    ----------
    result : ClosureResult
        From :func:`esr_geo.closures.close_sites`.
    out_dir : path-like
        Folder to write into (created if needed).
    force : bool, keyword-only
        Replace files that already exist (otherwise refuse, naming them).

    Returns
    -------
    list of pathlib.Path
        ``closure_by_catchment.csv``, ``closure_by_zone.csv``,
        ``communities_losing_access.csv`` and ``closure_summary.html``, written together or not at all.
    """
    texts = [
        _csv(result.by_catchment),
        _csv(closure_zones_in_words(result)),
        _csv(result.communities_losing_access),
        render_closure_html(result),
    ]
    return write_files(Path(out_dir), dict(zip(CLOSURE_FILES, texts, strict=True)), force=force)


def _figures(result: SuggestionResult) -> pd.DataFrame:
    ratio = "" if result.ratio is None else f"{100 * result.ratio:.1f}%"
    return pd.DataFrame(
        {
            "figure": [
                "sites requested", "people beyond the threshold in scope", "within reach of some candidate",
                "brought within reach by the suggested sites", "greedy choice (pure coverage)", "optimum",
                "greedy / optimum",
            ],
            "value": [
                f"{result.k:,}", f"{result.demand_population:,}", f"{result.coverable_population:,}",
                f"{result.chosen_population:,}", f"{result.greedy_population:,}",
                "not computed" if result.optimum_population is None else f"{result.optimum_population:,}"
                + ("" if result.exact_optimal else " (best found)"),
                ratio or "n/a",
            ],
        }
    )  # fmt: skip


def render_suggestion_html(result: SuggestionResult) -> str:
    """Return the suggestion summary as one self-contained HTML page."""
    extra = [
        f"Demand: non-reserve residents in {result.scope} beyond their distance threshold today "
        f"({result.demand_population:,} people); a candidate covers a person when the geodesic distance is at most "
        "that person's threshold.",
        f"Candidates: {result.candidates:,} locations in scope (named places and First Nations band offices unless "
        "a candidate file was given). Existing sites are kept.",
        "Choice: lazy greedy (each site adds the most people not yet within reach; at least 63% of the optimum "
        "is guaranteed). The maximal covering location problem is also solved exactly when small enough, with "
        f"demand points covered by the same candidates merged. Exact solve: {result.exact_method}.",
        *result.notes,
    ]
    sections = [
        ("Figures", _table_html(_figures(result))),
        ("Suggested sites, in order", _table_html(result.to_frame())),
        ("Zones before and after", _table_html(result.zones)),
    ]
    if result.fix_failing_zones_first:
        sections.insert(2, ("Failing zones", _table_html(result.zone_fixes)))
    if result.exact_sites is not None:
        optimal = result.exact_sites[SUGGESTION_COLUMNS].drop(columns=["rank", "cumulative", "chosen_for"])
        sections.append(("Optimal set (exact solve; population added if opened alone)", _table_html(optimal)))
    return html_page(
        result.analysis,
        title=f"Where new in-person sites help most: {result.scope}",
        css=_CSS,
        summary=result.summary_sentence(),
        body=_sections(sections),
        method_extra=extra,
    )


def write_suggestions(result: SuggestionResult, out_dir: PathLike, *, force: bool = False) -> list[Path]:
    """Write ``suggested_sites.csv`` and ``suggestion_summary.html`` into ``out_dir``.

    Parameters
    ----------
    result : SuggestionResult
        From :func:`esr_geo.suggest.suggest_sites`.
    out_dir : path-like
        Folder to write into (created if needed).
    force : bool, keyword-only
        Replace files that already exist (otherwise refuse, naming them).

    Returns
    -------
    list of pathlib.Path
        The two files, written together or not at all.
    """
    texts = [_csv(result.to_frame()), render_suggestion_html(result)]
    return write_files(Path(out_dir), dict(zip(SUGGESTION_FILES, texts, strict=True)), force=force)


__all__ = [
    "CLOSURE_FILES",
    "CODE_COLUMNS",
    "SUGGESTION_FILES",
    "english",
    "render_closure_html",
    "render_suggestion_html",
    "write_closure",
    "write_suggestions",
]
