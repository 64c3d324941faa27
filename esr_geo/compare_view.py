"""The workspace's, the zone builder's and the comparison's words and tables, in the planner's language.

Pure functions for the page (``app.py``) and the command line: the named scenarios as a table,
the census subdivisions a planner picks zones from, the result of drafted zones, and a
:class:`~esr_geo.compare.Comparison` in words (one sentence and four tables, headers naming the
two sides). Every text comes from :mod:`esr_geo.i18n`; nothing here draws a widget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from esr_geo import i18n
from esr_geo.i18n import t

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis
    from esr_geo.compare import Comparison
    from esr_geo.model import Base
    from esr_geo.workspace import Scenario


def measure_label(measure: str, threshold: float, lang: str) -> str:
    """Return a scenario's measure and threshold in words: ``straight line (50 km)``, ``drive time (45 min)``."""
    return t(f"measure.{measure}", lang, value=i18n.fmt_km(threshold, lang))


def scenario_table(scenarios: Sequence[Scenario], lang: str) -> pd.DataFrame:
    """Return the named scenarios as a table: name, sites closed and added, measure and threshold, date.

    Parameters
    ----------
    scenarios : sequence of esr_geo.workspace.Scenario
        The workspace's scenarios.
    lang : {'en', 'fr'}
        Language of the headers and values.
    """
    rows = [
        {
            "scenario": s.name,
            "closes": ", ".join(s.closed),
            "adds": ", ".join(a.name or f"{a.lat:.4f}, {a.lon:.4f}" for a in s.added),
            "measure": measure_label(s.measure, s.threshold, lang),
            "date": i18n.fmt_date(s.on, lang) if s.on else "",
        }
        for s in scenarios
    ]
    frame = pd.DataFrame(rows, columns=["scenario", "closes", "adds", "measure", "date"])
    return i18n.translate_columns(frame, lang)


def csd_choices(base: Base, lang: str) -> dict[str, str]:
    """Return every census subdivision a zone can hold: CSDUID -> ``'Name (type), census division'``, by name.

    The list a planner searches by name (a name shared by two subdivisions is told apart by its
    type and census division).
    """
    csds = base.csds
    cd_names = base.cds.set_index("CDUID")["CDNAME"].astype(str)
    rows = sorted(
        zip(csds["CSDNAME"].astype(str), csds["CSDTYPE"].astype(str), csds["CDUID"].astype(str),
            csds["CSDUID"].astype(str), strict=True),
    )  # fmt: skip
    return {
        code: t("zb.csd_label", lang, name=name, type=kind, cd=cd_names.get(cd, cd)) for name, kind, cd, code in rows
    }


def zone_result_table(results: pd.DataFrame, zones: pd.DataFrame, analysis: Analysis, lang: str) -> pd.DataFrame:
    """Return drafted zones with their result in ``lang``: zone, subdivisions, people, sites, share, passes, why.

    Parameters
    ----------
    results : pandas.DataFrame
        From :func:`esr_geo.zones.zone_results` (or ``evaluate_zones``).
    zones : pandas.DataFrame
        The zones (``zone``, ``members``).
    analysis : esr_geo.analysis.Analysis
        The analysis whose pass criteria apply.
    lang : {'en', 'fr'}
        The language.
    """
    members = dict(zip(zones["zone"].astype(str), zones["members"].astype(str), strict=True))
    reasons = i18n.zone_reasons(results, min_sites=analysis.min_sites, min_share=analysis.min_share, lang=lang)
    frame = pd.DataFrame(
        {
            "zone": results["zone"].astype(str).to_numpy(),
            "csds": [i18n.fmt_int(len(members.get(str(z), "").split()), lang) for z in results["zone"]],
            "population": [i18n.fmt_int(v, lang) for v in results["population"]],
            "in_person_sites": [i18n.fmt_int(v, lang) for v in results["in_person_sites"]],
            "pct_within_threshold": [i18n.fmt_pct(v, lang) for v in results["pct_within_threshold"]],
            "passes": [t("zone.pass" if p else "zone.fail", lang) for p in results["passes"].astype(bool)],
            "reason": reasons,
        }
    )
    return i18n.translate_columns(frame, lang)


def draft_result(results: pd.DataFrame, analysis: Analysis, lang: str) -> str:
    """Return one drafted zone's result in words: ``passes`` or ``fails: <why>``."""
    row = results.iloc[:1]
    if bool(row["passes"].iloc[0]):
        return t("zone.pass", lang)
    why = i18n.zone_reasons(row, min_sites=analysis.min_sites, min_share=analysis.min_share, lang=lang)[0]
    return i18n.label_value(t("zone.fail", lang), why, lang)


# --------------------------------------------------------------------------------------
# Two analyses side by side


def comparison_summary(comparison: Comparison, names: tuple[str, str], lang: str) -> str:
    """Return what changes from the first analysis to the second in one sentence, in ``lang``."""
    s, num = comparison.summary, i18n.fmt_int
    return t(
        "cmp.summary",
        lang,
        a=names[0],
        b=names[1],
        beyond_a=num(s["pop_beyond_a"], lang),
        beyond_b=num(s["pop_beyond_b"], lang),
        newly_beyond=num(s["newly_beyond"], lang),
        newly_within=num(s["newly_within"], lang),
        pass_fail=num(s["zones_pass_fail"], lang),
        fail_pass=num(s["zones_fail_pass"], lang),
        added=num(s["sites_added"], lang),
        closed=num(s["sites_closed"], lang),
        reserves=num(s["reserve_newly_beyond"], lang),
    )


def _headers(names: tuple[str, str], lang: str) -> dict[str, str]:
    out = {}
    for side, name in zip(("a", "b"), names, strict=True):
        out[f"in_person_sites_{side}"] = t("cmp.col.sites", lang, name=name)
        out[f"pop_beyond_{side}"] = t("cmp.col.beyond", lang, name=name)
        out[f"pct_within_{side}"] = t("cmp.col.pct", lang, name=name)
        out[f"passes_{side}"] = t("cmp.col.passes", lang, name=name)
        out[f"distance_{side}_km"] = t("cmp.col.distance", lang, name=name)
    return out


def _cells(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return a comparison table's numbers formatted in ``lang`` and its yes/no in words (empty cells stay empty)."""
    out = frame.copy()
    for col in out.columns:
        if col.startswith("pct_within"):
            out[col] = [("" if i18n.is_empty(v) else i18n.fmt_pct(float(v), lang)) for v in out[col]]
        elif col.startswith("distance"):
            out[col] = [("" if i18n.is_empty(v) else i18n.fmt_num(float(v), lang)) for v in out[col]]
        elif col.startswith("passes") or col == "is_reserve_exempt":
            out[col] = [("" if i18n.is_empty(v) else i18n.yes_no(v, lang)) for v in out[col]]
        elif pd.api.types.is_numeric_dtype(out[col]) and col not in ("lon", "lat"):
            out[col] = [("" if i18n.is_empty(v) else i18n.fmt_int(float(v), lang)) for v in out[col]]
    return out


def comparison_tables(comparison: Comparison, names: tuple[str, str], lang: str) -> dict[str, pd.DataFrame]:
    """Return the comparison's tables for display: values, numbers and headers in ``lang``.

    Returns
    -------
    dict of pandas.DataFrame
        ``by_zone`` (zones that flip first, with the change in words), ``by_catchment`` (the
        catchments where anything changes), ``sites`` (added and closed) and ``communities``
        (named communities that lose or gain access); the headers name the two sides.
    """
    base = comparison.a.base
    cat_names = dict(
        zip(base.catchments["catchment_id"], base.catchments[f"name_{i18n.check_lang(lang)}"], strict=True)
    )
    heads = _headers(names, lang)

    def finish(frame: pd.DataFrame) -> pd.DataFrame:
        if "catchment_id" in frame.columns:
            frame = frame.assign(catchment_id=frame["catchment_id"].map(lambda c: cat_names.get(c, c)))
            frame = frame.rename(columns={"catchment_id": "catchment"})
        worded = i18n.value_words(_cells(frame, lang), lang=lang)
        return worded.rename(columns=lambda c: heads.get(str(c), i18n.column_label(str(c), lang)))

    zones = comparison.by_zone.copy()
    zones["change"] = [t(f"scen.change.{c}", lang) for c in zones.pop("change_code")]
    cats = comparison.by_catchment
    moved = (
        (cats["newly_beyond"] != 0)
        | (cats["newly_within"] != 0)
        | (cats["in_person_sites_a"] != cats["in_person_sites_b"])
    )
    cats = cats.loc[moved].drop(columns=["non_reserve_population"])
    sites = comparison.sites.drop(columns=["lon", "lat"])
    comm = comparison.communities.drop(columns=["lon", "lat"])
    return {
        "by_zone": finish(zones.reset_index(drop=True)),
        "by_catchment": finish(cats.reset_index(drop=True)),
        "sites": finish(sites[["change", "name", "site_id", "catchment_id"]]),
        "communities": finish(comm),
    }


def zone_csv_frame(comparison: Comparison, names: tuple[str, str], lang: str) -> pd.DataFrame:
    """Return the zones side by side as the comparison's CSV download: field names, values in ``lang``."""
    zones = comparison.by_zone.copy()
    zones.insert(len(zones.columns) - 1, "change", [t(f"scen.change.{c}", lang) for c in zones["change_code"]])
    return zones.assign(a=names[0], b=names[1])


__all__ = [
    "comparison_summary",
    "comparison_tables",
    "csd_choices",
    "draft_result",
    "measure_label",
    "scenario_table",
    "zone_csv_frame",
    "zone_result_table",
]
