"""The what-if panels' words and tables: closing sites and suggesting new ones, in the planner's language.

Pure functions of :mod:`esr_geo.scenario`'s results for the Streamlit page (``app.py``): the sites
a planner can close, what a closure costs (one sentence and three tables), the suggested sites
(a table, two sentences and a CSV) and the scopes a suggestion can take. Every text comes from
:mod:`esr_geo.i18n`; the scenarios themselves are computed in :mod:`esr_geo.scenario`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from esr_geo import i18n
from esr_geo._io import csv_bytes, csv_text
from esr_geo.i18n import t
from esr_geo.scenario_codes import CANDIDATE_FILE_KIND
from esr_geo.style import FAIL_HIGHLIGHT
from esr_geo.view import translate_values

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis
    from esr_geo.scenario import ClosureResult, SuggestionResult


def closable_sites(analysis: Analysis) -> dict[str, str]:
    """Return the in-person sites a planner can close: ``site_id`` -> ``'name (site_id)'``, by name."""
    from esr_geo.scenario import list_sites

    sites = list_sites(analysis)
    sites = sites[sites["in_person"]].sort_values(["name", "site_id"])
    return {sid: f"{name} ({sid})" for sid, name in zip(sites["site_id"], sites["name"], strict=True)}


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
    zones["change"] = [t(f"scen.change.{code}", lang) for code in result.by_zone["change_code"]]
    comm_cols = ["community", "kind", "population", "catchment", "zone", "is_reserve_exempt", "nearest_site_before",
                 "distance_before_km", "nearest_site_after", "distance_after_km"]  # fmt: skip
    comm = result.communities_losing_access[comm_cols].reset_index(drop=True)
    comm["kind"] = result.communities_losing_access["kind_code"].to_numpy()  # translate_values words the code
    out = [i18n.translate_columns(translate_values(f, result.before, lang), lang) for f in (cats, zones, comm)]
    return out[0], out[1], out[2]


def highlight_pass_to_fail(zones: pd.DataFrame, lang: str) -> Any:
    """Return a pandas ``Styler`` of :func:`closure_tables`' zone table with pass-to-fail rows highlighted."""
    label = t("scen.change.pass_fail", lang)
    column = i18n.column_label("change", lang)
    style = f"background-color: {FAIL_HIGHLIGHT}; font-weight: bold"

    def row_style(row: pd.Series) -> list[str]:
        return [style if row[column] == label else "" for _ in row]

    return zones.style.apply(row_style, axis=1)


def _chosen_for(code: str, zone: str, lang: str) -> str:
    """Word why a site was chosen, from its ``chosen_for_code`` (and zone)."""
    if code == "zone_pass":
        return t("scen.for_zone", lang, zone=zone)
    return t("scen.for_coverage", lang) if code == "coverage" else t(f"scen.for_{code}", lang)


def suggestion_table(result: SuggestionResult, lang: str) -> pd.DataFrame:
    """Return the suggested sites in order (population each adds, cumulative), values and headers in ``lang``."""
    frame = result.to_frame(codes=True).drop(columns=["lon", "lat", "candidate_id"])
    codes = zip(frame["chosen_for_code"], frame["chosen_for_zone"], strict=True)
    frame["chosen_for"] = [_chosen_for(str(c), str(z), lang) for c, z in codes]
    # translate_values words a kind code; a candidate from a planner's file keeps its kind (the file's name)
    frame["kind"] = frame["kind_code"].where(frame["kind_code"] != CANDIDATE_FILE_KIND, frame["kind"])
    frame = frame.drop(columns=["kind_code", "chosen_for_code", "chosen_for_zone"])
    return i18n.translate_columns(translate_values(frame, result.analysis, lang), lang)


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
    return csv_text(result.to_frame())


def suggestion_csv_bytes(result: SuggestionResult) -> bytes:
    """Return the suggested sites as CSV bytes with a byte-order mark (the page's download)."""
    return csv_bytes(result.to_frame())


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
