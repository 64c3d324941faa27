"""Suggestions that fix failing zones first: the sites that make each failing zone pass, then coverage.

Used by :func:`esr_geo.suggest.suggest_sites` with ``fix_failing_zones_first``. Zone by zone
(the zone needing fewest new sites first), a site inside the zone is added while it lacks
one, then the candidate bringing most of its people within reach, until it passes; zones
that cannot pass get the reason as a :class:`~esr_geo.scenario_codes.ScenarioNote`. The rest
of ``k`` is filled by coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from esr_geo.analysis import Analysis
from esr_geo.covering import CoverageRelation, greedy_max_cover
from esr_geo.scenario_codes import ScenarioNote
from esr_geo.zones import zone_shortfalls

#: Why a site was chosen: ``(chosen_for_code, zone)``, the zone empty unless the code is 'zone_pass'.
Reason = tuple[str, str]

#: Columns of ``SuggestionResult.zone_fixes``: the English ``note``, then its code and values.
ZONE_FIX_COLUMNS = [
    "zone",
    "catchment",
    "fixed",
    "sites_added",
    "pct_within_before",
    "note",
    "note_code",
    "note_values",
]


@dataclass(frozen=True)
class ZoneProblem:
    """A suggestion's covering problem, seen zone by zone.

    Attributes
    ----------
    relation : esr_geo.covering.CoverageRelation
        Which demand points each candidate covers.
    weights : numpy.ndarray of float
        People at each demand point.
    point_zone : numpy.ndarray of object
        Zone of each demand point.
    candidate_zone : numpy.ndarray of object
        Zone of each candidate (not a string outside every zone).
    candidate_name : numpy.ndarray of object
        Name of each candidate.
    """

    relation: CoverageRelation
    weights: np.ndarray
    point_zone: np.ndarray
    candidate_zone: np.ndarray
    candidate_name: np.ndarray

    @property
    def coverable(self) -> float:
        """People within reach of at least one candidate."""
        reachable = np.zeros(len(self.weights), dtype=bool)
        reachable[self.relation.indices] = True
        return float(self.weights[reachable].sum())


class ZoneState:
    """Per-zone pass bookkeeping while sites are added: people within reach and sites inside."""

    def __init__(self, analysis: Analysis, zone_names: list[str]) -> None:
        table = analysis.tables["coverage_by_zone"].set_index("zone")
        nonres = table["non_reserve_population"].astype(float).to_dict()
        within = table["pop_within_threshold"].astype(float).to_dict()
        sites = table["in_person_sites"].astype(int).to_dict()
        self.names = zone_names
        self.nonres: dict[str, float] = {z: nonres[z] for z in zone_names}
        self.within: dict[str, float] = {z: within[z] for z in zone_names}
        self.sites: dict[str, int] = {z: sites[z] for z in zone_names}
        self.min_sites = analysis.min_sites
        self.min_share = analysis.min_share

    def passes(self, z: str, within: float | None = None, sites: int | None = None) -> bool:
        """Return whether zone ``z`` passes (with ``within`` people and ``sites`` sites, if given)."""
        w = self.within[z] if within is None else within
        s = self.sites[z] if sites is None else sites
        pct = 100.0 if self.nonres[z] <= 0 else 100 * w / self.nonres[z]
        short_sites, short_share = zone_shortfalls(
            np.array([s]), np.array([pct]), min_sites=self.min_sites, min_share=self.min_share
        )
        return not (bool(short_sites[0]) or bool(short_share[0]))

    def pct(self, z: str) -> float:
        """Return the percent of zone ``z``'s non-reserve people within reach."""
        return 100.0 * self.within[z] / self.nonres[z] if self.nonres[z] > 0 else 100.0

    def add_site(self, problem: ZoneProblem, j: int, covered: np.ndarray) -> float:
        """Open candidate ``j``: mark its people ``covered`` (in place) and return how many are new."""
        idx = problem.relation.covers(j)
        new = idx[~covered[idx]]
        covered[new] = True
        for z in self.names:
            self.within[z] += float(problem.weights[new][problem.point_zone[new] == z].sum())
        cz = problem.candidate_zone[j]
        if isinstance(cz, str) and cz in self.sites:
            self.sites[cz] += 1
        return float(problem.weights[new].sum())


def zones_after(analysis: Analysis, zone_names: list[str], problem: ZoneProblem, chosen: list[int]) -> ZoneState:
    """Return the zones' state once the ``chosen`` candidates are open."""
    state = ZoneState(analysis, zone_names)
    covered = np.zeros(len(problem.weights), dtype=bool)
    for j in chosen:
        state.add_site(problem, j, covered)
    return state


@dataclass
class FixResult:
    """Sites chosen in fix-failing-zones mode, in order, and what became of each failing zone."""

    chosen: list[int] = field(default_factory=list)
    gains: list[float] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    fixes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ZONE_FIX_COLUMNS))

    def add(self, j: int, gain: float, reason: Reason) -> None:
        """Append a chosen candidate."""
        self.chosen.append(j)
        self.gains.append(gain)
        self.reasons.append(reason)


#: What became of a failing zone: fixed, the names of the sites added for it, and the note.
_Outcome = tuple[bool, list[str], ScenarioNote]


def _plan_zone(
    z: str, state: ZoneState, problem: ZoneProblem, covered: np.ndarray, taken: set[int]
) -> tuple[list[int], ScenarioNote | None]:
    """Greedy plan making zone ``z`` pass from the current state; ``(sites, why not or None)``."""
    relation, weights, cand_zone = problem.relation, problem.weights, problem.candidate_zone
    within, n_sites = state.within[z], state.sites[z]
    live = np.where(~covered & (problem.point_zone == z), weights, 0.0)
    plan: list[int] = []
    while not state.passes(z, within, n_sites):
        need_site = n_sites < state.min_sites
        pool = [j for j in range(relation.n_candidates) if j not in taken and j not in plan]
        if need_site:
            pool = [j for j in pool if cand_zone[j] == z]
            if not pool:
                return plan, ScenarioNote("no_candidate_in_zone")
        best, best_gain = -1, -1.0
        for j in pool:
            gain = float(live[relation.covers(j)].sum())
            if gain > best_gain:
                best, best_gain = j, gain
        if not need_site and best_gain <= 0:
            values = {
                "people_beyond": state.nonres[z] - within,
                "best_pct": 100 * within / state.nonres[z],
                "required_pct": 100 * state.min_share,
            }
            return plan, ScenarioNote("unreachable", values)
        plan.append(best)
        within += best_gain
        live[relation.covers(best)] = 0.0
        if cand_zone[best] == z:
            n_sites += 1
    return plan, None


def _fix_failing(
    state: ZoneState, problem: ZoneProblem, k: int, covered: np.ndarray, result: FixResult
) -> dict[str, _Outcome]:
    """Add, zone by zone (fewest sites needed first), the sites making failing zones pass."""
    outcome: dict[str, _Outcome] = {}
    remaining = [z for z in state.names if not state.passes(z)]
    while remaining:
        plans = {z: _plan_zone(z, state, problem, covered, set(result.chosen)) for z in remaining}
        for z, (_, why) in plans.items():
            if why is not None:
                outcome[z] = (False, [], why)
        fixable = [z for z in remaining if plans[z][1] is None]
        if not fixable:
            break
        beyond = {z: state.nonres[z] - state.within[z] for z in fixable}
        z = min(fixable, key=lambda q: (len(plans[q][0]), -beyond[q], q))
        plan = plans[z][0]
        left = k - len(result.chosen)
        if len(plan) > left:
            for q in fixable:
                outcome[q] = (False, [], ScenarioNote("too_few_sites", {"sites_needed": len(plans[q][0]),
                                                                        "sites_left": left, "k": k}))  # fmt: skip
            break
        for j in plan:
            result.add(j, state.add_site(problem, j, covered), ("zone_pass", z))
        outcome[z] = (True, [str(problem.candidate_name[j]) for j in plan], ScenarioNote("fixed"))
        remaining = [q for q in fixable if q != z and not state.passes(q)]
        for q in fixable:
            if q != z and q not in outcome and state.passes(q):
                outcome[q] = (True, [], ScenarioNote("fixed_by_other", {"zone": z}))
    return outcome


def fix_zones_then_fill(analysis: Analysis, state: ZoneState, problem: ZoneProblem, k: int) -> FixResult:
    """Choose up to ``k`` sites: first those that make failing zones pass, then the most people covered.

    ``state`` (the zones in scope, before any new site) is updated in place.
    """
    failing = [z for z in state.names if not state.passes(z)]
    pct_before = {z: state.pct(z) for z in failing}
    covered = np.zeros(len(problem.weights), dtype=bool)
    result = FixResult()
    outcome = _fix_failing(state, problem, k, covered, result)
    if len(result.chosen) < k:  # fill the rest of k by coverage
        taken = np.zeros(problem.relation.n_candidates, dtype=bool)
        taken[result.chosen] = True
        fill = greedy_max_cover(problem.relation, problem.weights, k - len(result.chosen), covered=covered,
                                allowed=~taken)  # fmt: skip
        for j, g in zip(fill.chosen, fill.gains, strict=True):
            state.add_site(problem, j, covered)
            result.add(j, g, ("coverage", ""))
    table = analysis.tables["coverage_by_zone"].set_index("zone")
    rows = []
    for z in failing:
        fixed, used, note = outcome.get(z, (False, [], ScenarioNote("not_reached")))
        rows.append(
            {
                "zone": z,
                "catchment": table.at[z, "catchment"],
                "fixed": fixed,
                "sites_added": "; ".join(used),
                "pct_within_before": round(pct_before[z], 2),
                "note": note.text(),
                "note_code": note.code,
                "note_values": dict(note.values),
            }
        )
    result.fixes = pd.DataFrame(rows, columns=ZONE_FIX_COLUMNS)
    return result


__all__ = ["ZONE_FIX_COLUMNS", "FixResult", "Reason", "ZoneProblem", "ZoneState", "fix_zones_then_fill", "zones_after"]
