"""The what-if panels' words and tables: closing sites and suggesting new ones, in the planner's language.

Pure functions of :mod:`esr_geo.scenario`'s results for the Streamlit page (``app.py``): the sites
a planner can close, what a closure costs (one sentence and three tables), the suggested sites
(a table, two sentences and a CSV) and the scopes a suggestion can take. Every text comes from
:mod:`esr_geo.i18n`; the scenarios themselves are computed in :mod:`esr_geo.scenario`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
from pandas.io.formats.style import Styler

from esr_geo import i18n
from esr_geo._io import csv_bytes, csv_text
from esr_geo.i18n import t
from esr_geo.scenario_codes import CANDIDATE_FILE_KIND
from esr_geo.style import FAIL_HIGHLIGHT
from esr_geo.view import styled, translate_values

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis
    from esr_geo.scenario import ClosureResult, SuggestionResult
    from esr_geo.startup import Upload


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
    limit = i18n.fmt_limit(result.before.threshold, result.before.measure, lang)
    failing = result.zones_newly_failing
    comm = result.communities_losing_access
    n_comm = int((~comm["is_reserve_exempt"].astype(bool)).sum()) if len(comm) else 0
    zones = t("scen.zones_fail", lang, zones=_names_list(failing, lang)) if failing else t("scen.zones_none", lang)
    return t(
        "scen.close_summary",
        lang,
        sites=_names_list(result.closed["name"].tolist(), lang),
        n=i18n.fmt_int(result.people_newly_beyond, lang),
        limit=limit,
        before=i18n.fmt_int(result.before.summary()["pop_beyond_threshold"], lang),
        after=i18n.fmt_int(result.after.summary()["pop_beyond_threshold"], lang),
        zones=zones,
        communities=i18n.fmt_int(n_comm, lang),
        reserves=i18n.fmt_int(result.reserve_people_newly_beyond, lang),
    )


#: The order of a closure's zone table: zones that flip to fail first, then those that flip to pass.
CHANGE_ORDER: tuple[str, ...] = ("pass_fail", "fail_pass", "still_fails", "still_passes")


def changes_first(by_zone: pd.DataFrame) -> pd.DataFrame:
    """Return a closure's zone rows in :data:`CHANGE_ORDER` of ``change_code``, then most ``newly_beyond`` first."""
    rank = {code: i for i, code in enumerate(CHANGE_ORDER)}
    keyed = by_zone.assign(_rank=by_zone["change_code"].map(rank).fillna(len(rank)))
    return keyed.sort_values(["_rank", "newly_beyond"], ascending=[True, False], kind="stable").drop(columns="_rank")


def closure_frames(result: ClosureResult, lang: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return the closure's tables with code headers, changes first (values not yet translated, but the change).

    Returns
    -------
    (catchments, zones, communities)
        The catchments the closure changes, most people newly beyond first; every zone, those
        that change from pass to fail on top, then from fail to pass, then by people newly
        beyond; the named communities that lose access, largest first. In each, the change
        comes right after the name.
    """
    by_c = result.by_catchment
    changed = (
        (by_c["newly_beyond"] != 0)
        | (by_c["reserve_newly_beyond"] != 0)
        | (by_c["in_person_sites_before"] != by_c["in_person_sites_after"])
    )
    cat_cols = ["catchment", "newly_beyond", "pop_beyond_before", "pop_beyond_after", "pct_within_before",
                "pct_within_after", "in_person_sites_before", "in_person_sites_after",
                "reserve_newly_beyond"]  # fmt: skip
    cats = by_c.loc[changed, cat_cols].sort_values("newly_beyond", ascending=False, kind="stable")
    by_z = changes_first(result.by_zone)
    zone_cols = ["newly_beyond", "pct_within_before", "pct_within_after", "passes_before", "passes_after",
                 "in_person_sites_before", "in_person_sites_after", "catchment"]  # fmt: skip
    zones = pd.DataFrame(
        {
            "zone": by_z["zone"].to_numpy(),
            "change": [t(f"scen.change.{code}", lang) for code in by_z["change_code"]],
            **{c: by_z[c].to_numpy() for c in zone_cols},
        }
    )
    comm_cols = ["community", "population", "distance_before_km", "distance_after_km", "nearest_site_before",
                 "nearest_site_after", "kind", "catchment", "zone", "is_reserve_exempt"]  # fmt: skip
    lost = result.communities_losing_access
    comm = lost.assign(kind=lost["kind_code"].to_numpy())[comm_cols]  # translate_values words the code
    comm = comm.sort_values("population", ascending=False, kind="stable")
    return cats.reset_index(drop=True), zones, comm.reset_index(drop=True)


def closure_tables(result: ClosureResult, lang: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return the closure's tables for the page, values and headers in ``lang`` (see :func:`closure_frames`).

    Returns
    -------
    (catchments, zones, communities)
        The catchments the closure changes (before and after), every zone (before, after and
        its change; the rows of zones that change from pass to fail are the ones whose
        ``passes_before`` is true and ``passes_after`` false), and the named communities that
        lose access with their new nearest site.
    """
    frames = closure_frames(result, lang)
    out = [i18n.translate_columns(translate_values(f, result.before, lang), lang) for f in frames]
    return out[0], out[1], out[2]


def closure_displays(result: ClosureResult, lang: str) -> tuple[Any, Any, Any]:
    """Return :func:`closure_tables` as the page shows them: numbers formatted, zones that flip highlighted."""
    cats, zones, comm = (styled(f, lang, analysis=result.before) for f in closure_frames(result, lang))
    return cats, highlight_pass_to_fail(zones, lang), comm


def highlight_pass_to_fail(zones: Any, lang: str) -> Any:
    """Return a pandas ``Styler`` of :func:`closure_tables`' zone table with pass-to-fail rows highlighted.

    ``zones`` is the table (a frame) or a ``Styler`` of it (:func:`closure_displays`).
    """
    label = t("scen.change.pass_fail", lang)
    column = i18n.column_label("change", lang)
    style = f"background-color: {FAIL_HIGHLIGHT}; font-weight: bold"

    def row_style(row: pd.Series) -> list[str]:
        return [style if row[column] == label else "" for _ in row]

    base = zones if isinstance(zones, Styler) else zones.style
    return base.apply(row_style, axis=1)


def map_after(result: ClosureResult) -> Analysis:
    """Return the analysis after a closure as the map draws it: every figure after, the closed sites still listed.

    The map marks the closed sites apart (``MapOptions.closed``), so it needs them among the
    analysis' sites; the tables, the zones and the gaps are the closure's ``after``.
    """
    return dataclasses.replace(result.after, sites=result.before.sites)


def candidates_from_upload(upload: Upload, analysis: Analysis) -> pd.DataFrame:
    """Read a planner's candidate-site file (any site format) as :func:`esr_geo.suggest.candidate_sites` does.

    Raises
    ------
    esr_geo.errors.InputError
        When the file cannot be read or has invalid rows (the message names the file).
    """
    import re
    import tempfile
    from pathlib import Path

    from esr_geo.scenario import candidate_sites

    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(upload.name).name).strip("._")[-120:] or "candidates.csv"
    with tempfile.TemporaryDirectory(prefix="esr-geo-candidates-") as tmp:
        path = Path(tmp) / safe
        path.write_bytes(upload.data)
        return candidate_sites(analysis, path=path)


def _chosen_for(code: str, zone: str, lang: str) -> str:
    """Word why a site was chosen, from its ``chosen_for_code`` (and zone)."""
    if code == "zone_pass":
        return t("scen.for_zone", lang, zone=zone)
    return t("scen.for_coverage", lang) if code == "coverage" else t(f"scen.for_{code}", lang)


def _suggestion_frame(result: SuggestionResult, lang: str) -> pd.DataFrame:
    """Return the suggested sites with code headers, why each was chosen in ``lang``."""
    frame = result.to_frame(codes=True).drop(columns=["lon", "lat", "candidate_id"])
    codes = zip(frame["chosen_for_code"], frame["chosen_for_zone"], strict=True)
    frame["chosen_for"] = [_chosen_for(str(c), str(z), lang) for c, z in codes]
    # translate_values words a kind code; a candidate from a planner's file keeps its kind (the file's name)
    frame["kind"] = frame["kind_code"].where(frame["kind_code"] != CANDIDATE_FILE_KIND, frame["kind"])
    return frame.drop(columns=["kind_code", "chosen_for_code", "chosen_for_zone"])


def suggestion_table(result: SuggestionResult, lang: str) -> pd.DataFrame:
    """Return the suggested sites in order (population each adds, cumulative), values and headers in ``lang``."""
    return i18n.translate_columns(translate_values(_suggestion_frame(result, lang), result.analysis, lang), lang)


def suggestion_display(result: SuggestionResult, lang: str) -> Any:
    """Return :func:`suggestion_table` as the page shows it (numbers in ``lang``; see :func:`esr_geo.view.styled`)."""
    return styled(_suggestion_frame(result, lang), lang, analysis=result.analysis)


def suggestion_lines(result: SuggestionResult, lang: str) -> tuple[str, str]:
    """Return the suggestion's summary and its greedy-versus-optimum line, in ``lang``."""
    demand = result.demand_population
    pct = 100 * result.chosen_population / demand if demand else 100.0
    summary = t(
        "scen.suggest_summary",
        lang,
        demand=i18n.fmt_int(demand, lang),
        limit=i18n.fmt_limit(result.analysis.threshold, result.analysis.measure, lang),
        n=len(result.sites),
        chosen=i18n.fmt_int(result.chosen_population, lang),
        pct=i18n.fmt_pct(pct, lang),
        coverable=i18n.fmt_int(result.coverable_population, lang),
    )
    greedy = i18n.fmt_int(result.greedy_population, lang)
    if result.optimum_population is None:
        note = result.exact_note  # how the exact problem was (not) solved, worded in ``lang``
        method = result.exact_method if note is None else i18n.scenario_note(note.code, note.values, lang)
        line = t("scen.greedy_only", lang, greedy=greedy, method=method)
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
