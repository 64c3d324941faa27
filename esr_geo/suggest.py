"""New sites: where ``k`` new in-person sites would bring the most people within reach.

:func:`suggest_sites` chooses ``k`` candidate locations (named places and First Nations band
offices, or a planner's own list; :func:`candidate_sites`) that bring the most currently
uncovered non-reserve people within their threshold: the *maximal covering location
problem* (Church and ReVelle, 1974) that ArcGIS *maximize coverage* and PySAL spopt's
``MCLP`` solve. A lazy greedy (CELF) picks sites in order; when the problem is small enough
it is also solved exactly and the greedy-to-optimum ratio is reported (see
:mod:`esr_geo.covering`). With ``fix_failing_zones_first`` the sites that make failing zones
pass come first (:mod:`esr_geo.zone_fixing`).

The result's tables carry codes next to their English (``kind_code``, ``chosen_for_code`` and
``chosen_for_zone`` in ``sites``; ``note_code`` and ``note_values`` in ``zone_fixes``), and its
notes come as codes with their numbers too (``coded_notes``, ``exact_note``); see
:mod:`esr_geo.scenario_codes`.
"""

from __future__ import annotations

import os
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from esr_geo.analysis import Analysis
from esr_geo.covering import (
    GREEDY_GUARANTEE,
    aggregate_demand,
    check_k,
    coverage_relation,
    exact_max_cover,
    exact_solve_fits,
    greedy_max_cover,
)
from esr_geo.errors import InputError
from esr_geo.geodesy import invalid_lonlat
from esr_geo.scenario_codes import (
    CANDIDATE_FILE_KIND,
    ScenarioNote,
    chosen_for_label,
    kind_code_of_label,
    kind_label,
)
from esr_geo.zone_fixing import (
    ZONE_FIX_COLUMNS,
    Reason,
    ZoneProblem,
    ZoneState,
    fix_zones_then_fill,
    zones_after,
)

if TYPE_CHECKING:
    from esr_geo.drive import RoadMeasure

PathLike = str | os.PathLike[str]

#: Columns of :meth:`SuggestionResult.to_frame` and ``suggested_sites.csv``.
SUGGESTION_COLUMNS = [
    "rank",
    "name",
    "kind",
    "catchment",
    "zone",
    "lon",
    "lat",
    "population_added",
    "cumulative",
    "candidate_id",
    "chosen_for",
]
#: Code columns of ``SuggestionResult.sites`` (after :data:`SUGGESTION_COLUMNS`): ``kind_code``
#: ('place', 'first_nation', 'candidate' or a hand-made table's code), ``chosen_for_code``
#: ('coverage', 'zone_pass' or, in ``exact_sites``, 'optimum') and ``chosen_for_zone`` (the
#: zone a 'zone_pass' site makes pass, else empty).
SUGGESTION_CODE_COLUMNS = ["kind_code", "chosen_for_code", "chosen_for_zone"]
#: Columns a candidate table must have (see :func:`candidate_sites`, which adds ``kind_code``).
CANDIDATE_COLUMNS = ["candidate_id", "name", "kind", "lon", "lat", "catchment_id", "zone"]


def candidate_sites(analysis: Analysis, *, path: PathLike | None = None) -> pd.DataFrame:
    """Return the candidate locations for new in-person sites.

    Parameters
    ----------
    analysis : esr_geo.analysis.Analysis
        The analysis the candidates are for.
    path : path-like, keyword-only
        A planner's candidate file in any site format :mod:`esr_geo.offices` reads (CSV,
        Excel, GeoJSON, GeoPackage, zipped shapefile); its ``in_person`` column is ignored.
        ``None`` uses the analysis's named communities: GeoNames places (500 people or
        more) and First Nations band offices.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CANDIDATE_COLUMNS`: ``candidate_id``, ``name``, ``kind`` (English),
        ``lon``, ``lat`` (degrees), ``catchment_id`` and ``zone`` (empty outside every zone),
        then ``kind_code`` ('place', 'first_nation', or 'candidate' for a file's locations).
    """
    if path is None:
        comm = analysis.communities
        frame = pd.DataFrame(
            {
                "candidate_id": comm["community_id"].astype(str).to_numpy(),
                "name": comm["community"].astype(str).to_numpy(),
                "kind": kind_label(comm["kind"]).to_numpy(),
                "lon": comm["lon"].astype(float).to_numpy(),
                "lat": comm["lat"].astype(float).to_numpy(),
                "catchment_id": comm["catchment_id"].to_numpy(),
                "zone": comm["zone"].to_numpy(),
                "kind_code": comm["kind"].to_numpy(),
            }
        )
        return frame.reset_index(drop=True)
    from esr_geo.offices import read_sites
    from esr_geo.zones import assign_sites

    load = read_sites(path, base=analysis.base)
    sites = load.sites
    zone = assign_sites(sites, analysis.zones, csds=analysis.base.csds)
    return pd.DataFrame(
        {
            "candidate_id": sites["site_id"].astype(str).to_numpy(),
            "name": sites["name"].astype(str).to_numpy(),
            "kind": f"candidate ({Path(path).name})",
            "lon": sites["lon"].astype(float).to_numpy(),
            "lat": sites["lat"].astype(float).to_numpy(),
            "catchment_id": sites["catchment_id"].to_numpy(),
            "zone": np.asarray(zone, dtype=object),
            "kind_code": CANDIDATE_FILE_KIND,
        }
    )


@dataclass
class SuggestionResult:
    """Where ``k`` new in-person sites would bring the most people within reach.

    Attributes
    ----------
    analysis : esr_geo.analysis.Analysis
        The analysis the suggestion is for.
    k : int
        Number of sites asked for.
    scope : str
        'Ontario', 'catchment <name>' or 'zone <name>'.
    sites : pandas.DataFrame
        The chosen sites in order (:data:`SUGGESTION_COLUMNS`, then :data:`SUGGESTION_CODE_COLUMNS`).
    demand_population : int
        Non-reserve people in scope beyond the threshold today.
    coverable_population : int
        Of those, the people within reach of at least one candidate.
    candidates : int
        Candidates considered (in scope).
    greedy_population : int
        People the pure greedy choice of ``k`` sites brings within reach.
    optimum_population : int or None
        The exact optimum (``None`` when it was not computed; see ``exact_method``).
    exact_optimal : bool
        The solver proved ``optimum_population`` optimal.
    exact_method : str
        How the exact problem was solved, or why it was not.
    exact_sites : pandas.DataFrame or None
        The optimal set (same columns as ``sites``, no order meaning; ``chosen_for_code`` 'optimum').
    zones : pandas.DataFrame
        Zones in scope before and after adding the chosen sites.
    zone_fixes : pandas.DataFrame
        With ``fix_failing_zones_first``: each failing zone, whether it was fixed, with which
        sites, or why not (``note`` in English; ``note_code`` and ``note_values`` the same as
        a code and its numbers: 'fixed', 'fixed_by_other' {zone}, 'no_candidate_in_zone',
        'unreachable' {people_beyond, best_pct, required_pct}, 'too_few_sites' {sites_needed,
        sites_left, k} or 'not_reached').
    notes : list of str
        Plain-words notes (English).
    seconds : dict
        Time taken by each step.
    coded_notes : list of esr_geo.scenario_codes.ScenarioNote
        ``notes`` as codes and values: 'nobody_beyond' or 'fewer_sites' {chosen, k, scope,
        catchment_id, zone}, 'fix_first_optimum', 'band_offices'.
    exact_note : esr_geo.scenario_codes.ScenarioNote or None
        ``exact_method`` as a code and values: 'exact_off', 'exact_too_large' {groups,
        candidates, pairs, guarantee_pct}, 'exact_solved', 'exact_unsolved' or
        'exact_below_greedy' {method, groups, candidates}.
    scope_values : dict
        ``scope`` as codes: ``catchment_id`` or ``zone`` (both None: all of Ontario), so that it
        can be worded in another language.
    """

    analysis: Analysis
    k: int
    scope: str
    sites: pd.DataFrame
    demand_population: int
    coverable_population: int
    candidates: int
    greedy_population: int
    optimum_population: int | None
    exact_optimal: bool
    exact_method: str
    exact_sites: pd.DataFrame | None
    zones: pd.DataFrame
    zone_fixes: pd.DataFrame
    fix_failing_zones_first: bool = False
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    coded_notes: list[ScenarioNote] = field(default_factory=list)
    exact_note: ScenarioNote | None = None
    scope_values: dict[str, str | None] = field(default_factory=dict)

    @property
    def chosen_population(self) -> int:
        """People the chosen sites bring within reach (equals the greedy without zone fixing)."""
        return int(self.sites["population_added"].sum()) if len(self.sites) else 0

    @property
    def ratio(self) -> float | None:
        """Greedy coverage as a share of the optimum (1.0 when both are zero); ``None`` if unsolved."""
        if self.optimum_population is None:
            return None
        if self.optimum_population == 0:
            return 1.0
        return self.greedy_population / self.optimum_population

    def to_frame(self, *, codes: bool = False) -> pd.DataFrame:
        """Return the chosen sites, in order, as a table for the app or a CSV file.

        With ``codes``, the :data:`SUGGESTION_CODE_COLUMNS` follow the English columns.
        """
        return self.sites[SUGGESTION_COLUMNS + (SUGGESTION_CODE_COLUMNS if codes else [])].copy()

    def summary_sentence(self) -> str:
        """Return the suggestion in one sentence (English)."""
        n = len(self.sites)
        pct = 100 * self.chosen_population / self.demand_population if self.demand_population else 100.0
        text = (
            f"In {self.scope}, {self.demand_population:,} non-reserve residents are beyond the threshold; "
            f"{n} new in-person site(s) at the suggested locations would bring {self.chosen_population:,} of them "
            f"({pct:.1f}%) within reach ({self.coverable_population:,} are within reach of some candidate)."
        )
        if self.optimum_population is not None:
            r = self.ratio or 0.0
            opt = self.optimum_population
            chosen_share = self.chosen_population / opt if opt else 1.0
            text += (
                f" The best possible choice of {self.k} site(s) reaches {opt:,}"
                f"{'' if self.exact_optimal else ' (best found, not proven optimal)'}; "
                + (
                    f"the suggested sites, chosen to make failing zones pass first, reach {100 * chosen_share:.1f}% "
                    f"of that (the pure-coverage greedy {100 * r:.1f}%)."
                    if self.fix_failing_zones_first
                    else f"the greedy choice reaches {100 * r:.1f}% of that."
                )
            )
        return text


def _fold(text: object) -> str:
    """Fold a name for matching: case, accents, the kind of dash and extra spaces do not matter."""
    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    for dash in ("\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"):
        plain = plain.replace(dash, "-")
    return " ".join(plain.casefold().split())


@dataclass(frozen=True)
class _Scope:
    """Where a suggestion looks: all of Ontario, one catchment or one zone."""

    label: str  # 'Ontario', 'catchment <name>' or 'zone <name>'
    catchment_id: str | None = None
    zone: str | None = None

    def masks(self, points: pd.DataFrame, cands: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Return which points and which candidates are in scope."""
        if self.catchment_id is not None:
            column, value = "catchment_id", self.catchment_id
        elif self.zone is not None:
            column, value = "zone", self.zone
        else:
            return np.ones(len(points), dtype=bool), np.ones(len(cands), dtype=bool)
        return (points[column] == value).to_numpy(), (cands[column] == value).to_numpy()

    def zone_names(self, analysis: Analysis) -> list[str]:
        """Return the zones in scope (those the analysis judged: all, or those of the area analysed)."""
        judged = set(analysis.tables["coverage_by_zone"]["zone"].astype(str))
        return [
            str(z)
            for z, c in zip(analysis.zones["zone"], analysis.zones["catchment_id"], strict=True)
            if (self.catchment_id is None or c == self.catchment_id)
            and (self.zone is None or z == self.zone)
            and str(z) in judged
        ]

    def values(self) -> dict[str, str | None]:
        """Return the scope as note values."""
        return {"scope": self.label, "catchment_id": self.catchment_id, "zone": self.zone}


def _resolve_scope(analysis: Analysis, catchment: str | None, zone: str | None) -> _Scope:
    if catchment is not None and zone is not None:
        raise InputError("Give a catchment or a zone to restrict the suggestion to, not both.")
    if catchment is not None:
        cat = analysis.base.catchments
        key = _fold(catchment)
        for rec in cat.itertuples():
            names = {_fold(rec.catchment_id), _fold(rec.name_en), _fold(rec.name_fr)}
            if key in names:
                return _Scope(f"catchment {rec.name_en}", catchment_id=str(rec.catchment_id))
        raise InputError(
            f"Unknown catchment {catchment!r}. Use a catchment id or name; valid ids: "
            + ", ".join(f"{r.catchment_id} ({r.name_en})" for r in cat.itertuples())
            + "."
        )
    if zone is not None:
        zones = analysis.zones["zone"].astype(str).tolist()
        key = _fold(zone)
        for z in zones:
            if _fold(z) == key:
                return _Scope(f"zone {z}", zone=z)
        raise InputError(f"Unknown zone {zone!r} in {analysis.zones_source}; valid zones: {', '.join(zones)}.")
    return _Scope("Ontario")


def _check_candidates(candidates: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in CANDIDATE_COLUMNS if c not in candidates.columns]
    if missing:
        raise InputError(
            f"The candidate table lacks column(s) {', '.join(missing)}; expected {', '.join(CANDIDATE_COLUMNS)} "
            "(see esr_geo.scenario.candidate_sites)."
        )
    out = candidates.reset_index(drop=True)
    lon = pd.to_numeric(out["lon"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(out["lat"], errors="coerce").to_numpy(dtype=float)
    bad = invalid_lonlat(lon, lat)
    if bad.any():
        raise InputError(
            f"{int(bad.sum())} candidate(s) have missing or invalid coordinates: "
            + ", ".join(out.loc[bad, "name"].astype(str).head(5))
            + "."
        )
    if "kind_code" not in out.columns:  # a hand-made table: the known English kinds get their code
        out = out.assign(kind_code=kind_code_of_label(out["kind"].astype(object)))
    return out


def _pack_sites(
    cands: pd.DataFrame, chosen: list[int], gains: list[float], reasons: list[Reason], names: pd.Series
) -> pd.DataFrame:
    part = cands.iloc[chosen]
    added = np.rint(np.asarray(gains, dtype=float)).astype("int64")
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(chosen) + 1, dtype="int64"),
            "name": part["name"].to_numpy(),
            "kind": part["kind"].to_numpy(),
            "catchment": part["catchment_id"].map(names).fillna("").to_numpy(),
            "zone": part["zone"].fillna("").to_numpy(),
            "lon": part["lon"].astype(float).round(5).to_numpy(),
            "lat": part["lat"].astype(float).round(5).to_numpy(),
            "population_added": added,
            "cumulative": np.cumsum(added).astype("int64"),
            "candidate_id": part["candidate_id"].astype(str).to_numpy(),
            "chosen_for": [chosen_for_label(code, zone) for code, zone in reasons],
            "kind_code": part["kind_code"].to_numpy(),
            "chosen_for_code": [code for code, _ in reasons],
            "chosen_for_zone": [zone for _, zone in reasons],
        }
    )


def _demand_and_candidates(analysis: Analysis, cands: pd.DataFrame, scope: _Scope) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the demand (non-reserve people in scope beyond the threshold) and the candidates in scope."""
    pts = analysis.points
    in_scope, cand_ok = scope.masks(pts, cands)
    demand_mask = in_scope & ~pts["is_reserve"].to_numpy(dtype=bool) & ~pts["within"].to_numpy(dtype=bool)
    demand_mask &= pts["population"].to_numpy() > 0
    cands_in = cands[cand_ok].reset_index(drop=True)
    if cands_in.empty:
        raise InputError(
            f"No candidate site lies in {scope.label}; give a candidate file with sites there, or widen the scope.",
            parameter="candidates",
        )
    return pts[demand_mask], cands_in


def _zone_problem(demand: pd.DataFrame, cands_in: pd.DataFrame, road: RoadMeasure | None) -> ZoneProblem:
    if road is not None:  # the analysis is by road: a candidate covers the people within their minutes
        from esr_geo.drive import coverage_by_road

        relation = coverage_by_road(road, demand, cands_in)
    else:
        relation = coverage_relation(
            demand[["lon", "lat"]].to_numpy(dtype=float),
            cands_in[["lon", "lat"]].to_numpy(dtype=float),
            demand["threshold_km"].to_numpy(dtype=float),
        )
    return ZoneProblem(
        relation=relation,
        weights=demand["population"].to_numpy(dtype=float),
        point_zone=demand["zone"].to_numpy(dtype=object),
        candidate_zone=cands_in["zone"].to_numpy(dtype=object),
        candidate_name=cands_in["name"].to_numpy(dtype=object),
    )


def _zones_table(analysis: Analysis, zone_names: list[str], after: ZoneState) -> pd.DataFrame:
    """Return every zone in scope before and after the chosen sites."""
    ztab = analysis.tables["coverage_by_zone"].set_index("zone").loc[zone_names]
    return pd.DataFrame(
        {
            "zone": zone_names,
            "catchment": ztab["catchment"].to_numpy(),
            "in_person_sites_before": ztab["in_person_sites"].astype("int64").to_numpy(),
            "in_person_sites_after": [after.sites[z] for z in zone_names],
            "pct_within_before": ztab["pct_within_threshold"].astype(float).round(2).to_numpy(),
            "pct_within_after": [round(after.pct(z), 2) for z in zone_names],
            "passes_before": ztab["passes"].astype(bool).to_numpy(),
            "passes_after": [after.passes(z) for z in zone_names],
        }
    )


@dataclass(frozen=True)
class _Optimum:
    """The exact optimum a suggestion is compared with, or why there is none."""

    note: ScenarioNote
    population: int | None = None
    optimal: bool = False
    sites: pd.DataFrame | None = None


def _optimum(
    problem: ZoneProblem, cands_in: pd.DataFrame, k: int, exact: bool | None, names: pd.Series, greedy_pop: int
) -> _Optimum:
    """Solve the pure-coverage problem exactly when asked or small enough (see ``suggest_sites``)."""
    if exact is False:
        return _Optimum(ScenarioNote("exact_off"))
    relation, weights = problem.relation, problem.weights
    groups = aggregate_demand(relation, weights)
    if exact is None and not exact_solve_fits(groups):
        limits = {"groups": len(groups.weights), "candidates": len(groups.candidates), "pairs": groups.n_pairs,
                  "guarantee_pct": 100 * GREEDY_GUARANTEE}  # fmt: skip
        return _Optimum(ScenarioNote("exact_too_large", limits))
    res = exact_max_cover(relation, weights, k, method="auto")
    values = {"method": res.method, "groups": res.groups, "candidates": res.candidates}
    if res.total is None:
        return _Optimum(ScenarioNote("exact_unsolved", values))
    optimum = round(res.total)
    gains = [float(weights[relation.covers(j)].sum()) for j in res.chosen]
    sites = _pack_sites(cands_in, res.chosen, gains, [("optimum", "")] * len(res.chosen), names)
    if greedy_pop > optimum:  # a time-limited solve found less than the greedy
        return _Optimum(ScenarioNote("exact_below_greedy", values), greedy_pop, False, sites)
    return _Optimum(ScenarioNote("exact_solved", values), optimum, res.optimal, sites)


def _notes(
    scope: _Scope, n_demand: int, chosen: list[int], k: int, fix_first_vs_optimum: bool, band_office: bool
) -> list[ScenarioNote]:
    notes: list[ScenarioNote] = []
    if not n_demand:
        notes.append(ScenarioNote("nobody_beyond", scope.values()))
    elif len(chosen) < k:
        notes.append(ScenarioNote("fewer_sites", {"chosen": len(chosen), "k": k, **scope.values()}))
    if fix_first_vs_optimum:
        notes.append(ScenarioNote("fix_first_optimum"))
    if band_office:
        notes.append(ScenarioNote("band_offices"))
    return notes


def suggest_sites(
    analysis: Analysis,
    *,
    k: int,
    candidates: pd.DataFrame | None = None,
    catchment: str | None = None,
    zone: str | None = None,
    fix_failing_zones_first: bool = False,
    exact: bool | None = None,
) -> SuggestionResult:
    """Suggest ``k`` new in-person sites that bring the most uncovered people within reach.

    Demand: non-reserve people beyond their threshold today (each point's own
    ``threshold_km``). A candidate covers a person when the geodesic distance is at most
    that threshold. Sites are chosen by the lazy greedy
    (:func:`~esr_geo.covering.greedy_max_cover`), each reported with the people it adds; the
    problem is also solved exactly when small enough
    (:func:`~esr_geo.covering.exact_max_cover`) to report how close the greedy is to the optimum.

    Parameters
    ----------
    analysis : esr_geo.analysis.Analysis
        The current situation.
    k : int, keyword-only
        Number of new sites.
    candidates : pandas.DataFrame, keyword-only
        Candidate locations (:func:`candidate_sites`; ``None``: named communities).
    catchment : str, keyword-only
        Restrict demand and candidates to one catchment (id, English or French name).
    zone : str, keyword-only
        Restrict demand and candidates to one service delivery zone (its name).
    fix_failing_zones_first : bool, keyword-only
        First add, zone by zone (the zone needing fewest sites first), the sites that make
        each failing zone pass: a site inside the zone while it lacks one, then the
        candidate bringing most of its people within reach, until it passes. Zones that
        cannot pass are listed with the reason. The rest of ``k`` is then filled by coverage.
    exact : bool or None, keyword-only
        ``None``: solve exactly when the problem is within the settings' limits
        (:func:`~esr_geo.covering.exact_solve_fits`); ``True``: always (a sparse PuLP model
        beyond spopt's limits); ``False``: greedy only.

    Returns
    -------
    SuggestionResult
        The chosen sites in order and the comparison with the optimum.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    k = check_k(k, "the number of new sites")
    scope = _resolve_scope(analysis, catchment, zone)
    cands = _check_candidates(candidate_sites(analysis) if candidates is None else candidates)
    names = analysis.base.catchments.set_index("catchment_id")["name_en"]
    demand, cands_in = _demand_and_candidates(analysis, cands, scope)
    problem = _zone_problem(demand, cands_in, analysis.road)
    timings["coverage relation"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    greedy = greedy_max_cover(problem.relation, problem.weights, k)
    timings["greedy"] = time.perf_counter() - t1
    chosen, gains = list(greedy.chosen), list(greedy.gains)
    reasons: list[Reason] = [("coverage", "")] * len(chosen)
    zone_names = scope.zone_names(analysis)
    fixes = pd.DataFrame(columns=ZONE_FIX_COLUMNS)
    if fix_failing_zones_first:
        t2 = time.perf_counter()
        fixed = fix_zones_then_fill(analysis, ZoneState(analysis, zone_names), problem, k)
        chosen, gains, reasons, fixes = fixed.chosen, fixed.gains, fixed.reasons, fixed.fixes
        timings["zone fixing and fill"] = time.perf_counter() - t2
    zones_table = _zones_table(analysis, zone_names, zones_after(analysis, zone_names, problem, chosen))

    t3 = time.perf_counter()
    greedy_pop = round(greedy.total)
    best = _optimum(problem, cands_in, k, exact, names, greedy_pop)
    timings["exact"] = time.perf_counter() - t3
    timings["total"] = time.perf_counter() - t0
    band_office = bool((cands_in.iloc[chosen]["kind_code"] == "first_nation").any())
    coded = _notes(scope, len(demand), chosen, k, fix_failing_zones_first and best.population is not None, band_office)
    return SuggestionResult(
        analysis=analysis,
        k=k,
        scope=scope.label,
        sites=_pack_sites(cands_in, chosen, gains, reasons, names),
        demand_population=int(problem.weights.sum()),
        coverable_population=int(problem.coverable),
        candidates=len(cands_in),
        greedy_population=greedy_pop,
        optimum_population=best.population,
        exact_optimal=best.optimal,
        exact_method=best.note.text(),
        exact_sites=best.sites,
        zones=zones_table,
        zone_fixes=fixes,
        fix_failing_zones_first=fix_failing_zones_first,
        notes=[n.text() for n in coded],
        seconds=timings,
        coded_notes=coded,
        exact_note=best.note,
        scope_values=scope.values(),
    )


__all__ = [
    "CANDIDATE_COLUMNS",
    "SUGGESTION_CODE_COLUMNS",
    "SUGGESTION_COLUMNS",
    "SuggestionResult",
    "candidate_sites",
    "suggest_sites",
]
