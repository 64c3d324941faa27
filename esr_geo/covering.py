"""The maximal covering location problem at array level: which candidates cover whom, and the best ``k``.

A candidate site covers a demand point when their geodesic distance is at most the point's
threshold (:func:`coverage_relation`, a sparse relation). :func:`greedy_max_cover` picks
sites in order with a lazy greedy (CELF); :func:`exact_max_cover` solves the maximal
covering location problem (Church and ReVelle, 1974) exactly with PySAL spopt's ``MCLP`` or
the same model built sparsely in PuLP (CBC solver), within the size limits of
:func:`exact_solve_fits`. Everything takes plain coordinates and weights.
"""

from __future__ import annotations

import contextlib
import heapq
import math
import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from esr_geo import settings
from esr_geo._solver import cbc_solver
from esr_geo.errors import InputError
from esr_geo.geodesy import GEOD, SPHERE_TOLERANCE, chord_of_km, invalid_lonlat, unit_vectors

#: Share of the optimum the greedy choice is guaranteed to reach (Nemhauser et al., 1978).
GREEDY_GUARANTEE = 1.0 - 1.0 / math.e


@dataclass(frozen=True)
class CoverageRelation:
    """Which demand points each candidate site covers (a sparse, CSR-like relation).

    Attributes
    ----------
    n_points, n_candidates : int
        Sizes of the two sets.
    indptr : numpy.ndarray
        ``indices[indptr[j]:indptr[j + 1]]`` are the points candidate ``j`` covers (sorted).
    indices : numpy.ndarray of int
        Point positions.
    distance_km : numpy.ndarray of float
        Geodesic distance of each pair, aligned with ``indices``.
    """

    n_points: int
    n_candidates: int
    indptr: np.ndarray
    indices: np.ndarray
    distance_km: np.ndarray

    def covers(self, j: int) -> np.ndarray:
        """Return the positions of the points candidate ``j`` covers."""
        return self.indices[self.indptr[j] : self.indptr[j + 1]]

    @property
    def n_pairs(self) -> int:
        """Number of (point, candidate) coverage pairs."""
        return len(self.indices)

    def candidates_of_points(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the transposed relation: ``(indptr, candidates)`` per point (sorted)."""
        cand = np.repeat(np.arange(self.n_candidates), np.diff(self.indptr))
        order = np.lexsort((cand, self.indices))
        counts = np.bincount(self.indices, minlength=self.n_points)
        indptr = np.concatenate([[0], np.cumsum(counts)])
        return indptr, cand[order]


def coverage_relation(
    points_lonlat: np.ndarray,
    candidates_lonlat: np.ndarray,
    threshold_km: float | np.ndarray,
) -> CoverageRelation:
    """Find, for every candidate site, the points within each point's threshold.

    Points are put in a k-d tree of 3-D unit vectors; each candidate's neighbours are found
    with a ball query at a chord radius slightly larger than the largest threshold (a
    sphere's distance differs from the WGS 84 geodesic by under 0.5 %; 1 % is allowed), then
    every shortlisted pair is measured exactly with ``pyproj.Geod`` and kept when its
    distance is at most the point's threshold. No full distance matrix is built.

    Parameters
    ----------
    points_lonlat : array of shape (n, 2)
        Demand points, longitude and latitude in degrees (WGS 84).
    candidates_lonlat : array of shape (m, 2)
        Candidate sites, same convention.
    threshold_km : float or array of shape (n,)
        The distance within which a site covers each point, in km.

    Returns
    -------
    CoverageRelation
        The sparse relation.
    """
    pts = np.asarray(points_lonlat, dtype=float).reshape(-1, 2)
    cands = np.asarray(candidates_lonlat, dtype=float).reshape(-1, 2)
    n, m = len(pts), len(cands)
    limit = np.broadcast_to(np.asarray(threshold_km, dtype=float), (n,))
    for arr, what in ((pts, "points"), (cands, "candidates")):
        bad = invalid_lonlat(arr[:, 0], arr[:, 1])
        if bad.any():
            raise InputError(f"{what}: {int(bad.sum())} coordinate(s) are missing or not WGS 84 degrees.")
    if n and (~np.isfinite(limit) | (limit < 0)).any():
        raise InputError("threshold_km must be a finite, non-negative distance for every point.")
    empty = np.zeros(0, dtype=np.int64)
    if n == 0 or m == 0:
        return CoverageRelation(n, m, np.zeros(m + 1, dtype=np.int64), empty, np.zeros(0))
    tree = cKDTree(unit_vectors(pts[:, 0], pts[:, 1]))
    radius = chord_of_km(float(limit.max()) * (1 + SPHERE_TOLERANCE))
    hits = tree.query_ball_point(unit_vectors(cands[:, 0], cands[:, 1]), r=radius)
    counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=m)
    cand = np.repeat(np.arange(m), counts)
    pt = np.fromiter((i for h in hits for i in h), dtype=np.int64, count=int(counts.sum()))
    if len(pt):
        _, _, d_m = GEOD.inv(cands[cand, 0], cands[cand, 1], pts[pt, 0], pts[pt, 1])
        dist = np.asarray(d_m, dtype=float) / 1000.0
    else:
        dist = np.zeros(0)
    keep = dist <= limit[pt]
    cand, pt, dist = cand[keep], pt[keep], dist[keep]
    order = np.lexsort((pt, cand))
    cand, pt, dist = cand[order], pt[order], dist[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(cand, minlength=m))]).astype(np.int64)
    return CoverageRelation(n, m, indptr, pt.astype(np.int64), dist)


@dataclass(frozen=True)
class GreedyResult:
    """Candidates chosen by the greedy, in order, with the weight each adds."""

    chosen: list[int]
    gains: list[float]
    evaluations: int

    @property
    def total(self) -> float:
        """Weight covered by all chosen candidates."""
        return float(sum(self.gains))


def check_k(k: object, what: str = "the number of sites to choose") -> int:
    """Return ``k`` as an int if it is a whole number of at least 1, else raise InputError naming ``what``."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise InputError(f"k ({what}) must be a whole number of at least 1; got {k!r}.")
    return int(k)


def _check_inputs(relation: CoverageRelation, weights: np.ndarray, k: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.shape != (relation.n_points,):
        raise InputError(f"weights: expected {relation.n_points} values (one per point), got {w.shape}.")
    if not np.isfinite(w).all() or (w < 0).any():
        raise InputError("weights must be finite and non-negative.")
    check_k(k)
    return w


def greedy_max_cover(
    relation: CoverageRelation,
    weights: np.ndarray,
    k: int,
    *,
    covered: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
) -> GreedyResult:
    """Choose up to ``k`` candidates greedily, each adding the most uncovered weight.

    Lazy evaluation (CELF; Leskovec et al., 2007): a max-heap holds every candidate's last
    computed marginal gain, which can only fall as sites are added (coverage is submodular),
    so only the top of the heap is re-evaluated. The result is identical to the plain
    greedy with ties broken by the lowest candidate position, and covers at least
    ``1 - 1/e`` (63 %) of the optimum.

    Parameters
    ----------
    relation : CoverageRelation
        From :func:`coverage_relation`.
    weights : array of shape (n,)
        Demand of each point (people).
    k : int
        Number of candidates to choose.
    covered : bool array of shape (n,), keyword-only
        Points already covered (they add nothing).
    allowed : bool array of shape (m,), keyword-only
        Candidates that may be chosen (default: all).

    Returns
    -------
    GreedyResult
        Chosen candidates in order with their marginal gains; fewer than ``k`` when no
        remaining candidate covers anyone new.
    """
    w = _check_inputs(relation, weights, k)
    cov = np.zeros(relation.n_points, dtype=bool) if covered is None else np.asarray(covered, dtype=bool).copy()
    ok = np.ones(relation.n_candidates, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    live = np.where(cov, 0.0, w)
    heap: list[tuple[float, int, int]] = []
    for j0 in np.flatnonzero(ok).tolist():
        gain = float(live[relation.covers(j0)].sum())
        if gain > 0:
            heap.append((-gain, j0, 0))
    heapq.heapify(heap)
    evaluations = len(heap)
    chosen: list[int] = []
    gains: list[float] = []
    while heap and len(chosen) < k:
        neg, j, stamp = heapq.heappop(heap)
        if stamp == len(chosen):
            chosen.append(j)
            gains.append(-neg)
            live[relation.covers(j)] = 0.0
            continue
        gain = float(live[relation.covers(j)].sum())
        evaluations += 1
        if gain > 0:
            heapq.heappush(heap, (-gain, j, len(chosen)))
    return GreedyResult(chosen, gains, evaluations)


@dataclass(frozen=True)
class DemandGroups:
    """Demand points merged by the set of candidates that cover them (interchangeable)."""

    candidates: np.ndarray  # candidate positions that cover anyone (the problem's columns)
    weights: np.ndarray  # weight of each group
    members: list[np.ndarray]  # for each group, its columns (positions into ``candidates``)

    @property
    def n_pairs(self) -> int:
        """Number of (group, candidate) pairs."""
        return int(sum(len(m) for m in self.members))


def aggregate_demand(
    relation: CoverageRelation,
    weights: np.ndarray,
    *,
    covered: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
) -> DemandGroups:
    """Merge uncovered, weighted points that the same set of allowed candidates covers.

    Two such points are interchangeable in the maximal covering problem, so one variable
    with their summed weight replaces them; points no allowed candidate covers are dropped.
    """
    w = np.asarray(weights, dtype=float)
    cov = np.zeros(relation.n_points, dtype=bool) if covered is None else np.asarray(covered, dtype=bool)
    ok = np.ones(relation.n_candidates, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    indptr, cands = relation.candidates_of_points()
    groups: dict[bytes, int] = {}
    sums: list[float] = []
    sets: list[np.ndarray] = []
    for i in np.flatnonzero(~cov & (w > 0)):
        mine = cands[indptr[i] : indptr[i + 1]]
        mine = mine[ok[mine]]
        if not len(mine):
            continue
        key = mine.tobytes()
        g = groups.get(key)
        if g is None:
            groups[key] = len(sums)
            sums.append(float(w[i]))
            sets.append(mine)
        else:
            sums[g] += float(w[i])
    useful = np.unique(np.concatenate(sets)) if sets else np.zeros(0, dtype=np.int64)
    col = {int(j): c for c, j in enumerate(useful)}
    members = [np.array([col[int(j)] for j in s], dtype=np.int64) for s in sets]
    return DemandGroups(useful.astype(np.int64), np.asarray(sums, dtype=float), members)


def fits_spopt(n_groups: int, n_candidates: int) -> bool:
    """Return whether a problem of this size is within the ``settings.SCENARIO_SPOPT_*`` limits (dense model)."""
    return (
        n_groups <= settings.SCENARIO_SPOPT_MAX_GROUPS
        and n_candidates <= settings.SCENARIO_SPOPT_MAX_CANDIDATES
        and n_groups * n_candidates <= settings.SCENARIO_SPOPT_MAX_CELLS
    )


def exact_solve_fits(groups: DemandGroups) -> bool:
    """Return whether the merged problem is small enough to solve exactly without being asked to.

    It is when spopt's dense model fits (:func:`fits_spopt`) or the sparse PuLP model has at
    most ``settings.SCENARIO_EXACT_MAX_PAIRS`` coverage pairs.
    """
    n_g, n_c = len(groups.weights), len(groups.candidates)
    return fits_spopt(n_g, n_c) or groups.n_pairs <= settings.SCENARIO_EXACT_MAX_PAIRS


@dataclass(frozen=True)
class ExactResult:
    """The optimum of the maximal covering problem, or why it was not computed."""

    chosen: list[int]
    total: float | None
    optimal: bool
    method: str
    groups: int
    candidates: int
    seconds: float


def exact_max_cover(
    relation: CoverageRelation,
    weights: np.ndarray,
    k: int,
    *,
    covered: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
    method: str = "auto",
    time_limit_s: float | None = None,
) -> ExactResult:
    """Solve the maximal covering location problem exactly (integer programme, CBC solver).

    Maximise the covered weight ``sum(w_g * y_g)`` subject to ``y_g <= sum(x_j for j
    covering g)`` and ``sum(x_j) <= k`` with binary ``x``. Demand is first merged into
    groups of interchangeable points (:func:`aggregate_demand`) and candidates that cover
    nobody are dropped.

    Parameters
    ----------
    relation, weights, k, covered, allowed
        As :func:`greedy_max_cover`.
    method : {'auto', 'spopt', 'pulp'}, keyword-only
        'spopt' builds PySAL spopt's ``MCLP.from_cost_matrix`` (a dense group x candidate
        matrix: the cost is 0 where a candidate covers a group and 1 elsewhere, with a
        service radius of 0.5); 'pulp' builds the same model sparsely in PuLP; 'auto' uses
        spopt within the ``settings.SCENARIO_SPOPT_*`` limits and PuLP beyond them.
    time_limit_s : float, keyword-only
        CBC time limit (``None``: ``settings.SCENARIO_EXACT_TIME_LIMIT_S``).

    Returns
    -------
    ExactResult
        The chosen candidates (positions in the relation), the covered weight and whether
        CBC proved the solution optimal.
    """
    w = _check_inputs(relation, weights, k)
    if method not in ("auto", "spopt", "pulp"):
        raise InputError(f"method must be 'auto', 'spopt' or 'pulp'; got {method!r}.")
    t0 = time.perf_counter()
    groups = aggregate_demand(relation, w, covered=covered, allowed=allowed)
    n_g, n_c = len(groups.weights), len(groups.candidates)
    if n_c <= k:  # every useful candidate fits: covering all coverable demand is optimal
        return ExactResult(
            [int(j) for j in groups.candidates], float(groups.weights.sum()), True, "trivial (k ≥ useful candidates)",
            n_g, n_c, time.perf_counter() - t0,
        )  # fmt: skip
    limit = settings.SCENARIO_EXACT_TIME_LIMIT_S if time_limit_s is None else float(time_limit_s)
    solver = cbc_solver(limit)
    if solver is None:
        return ExactResult(
            [], None, False, "not solved: no CBC solver found (install PuLP with its bundled CBC, or pulp[cbc])",
            n_g, n_c, time.perf_counter() - t0,
        )  # fmt: skip
    use_spopt = method == "spopt" or (method == "auto" and fits_spopt(n_g, n_c))
    problem, x, label = _solve_spopt(groups, k, solver) if use_spopt else _solve_sparse(groups, k, solver)
    return _read_solution(problem, x, groups, label, limit, time.perf_counter() - t0)


def _solve_spopt(groups: DemandGroups, k: int, solver: Any) -> tuple[Any, list[Any], str]:
    """Solve with spopt's ``MCLP`` on a dense cost matrix; ``(problem, facility variables, label)``."""
    n_g, n_c = len(groups.weights), len(groups.candidates)
    cost = np.ones((n_g, n_c))
    for g, cols in enumerate(groups.members):
        cost[g, cols] = 0.0
    # spopt 0.7 builds its model with PuLP calls that PuLP 3.3 deprecates for PuLP 4.0: not ours to fix
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from spopt.locate import MCLP

        model = MCLP.from_cost_matrix(cost, groups.weights, service_radius=0.5, p_facilities=int(k), name="mclp")
        with contextlib.suppress(RuntimeError):  # spopt refuses a model CBC did not solve (e.g. out of time)
            model.solve(solver, results=False)
    return model.problem, list(model.fac_vars), "spopt MCLP (CBC)"


def _solve_sparse(groups: DemandGroups, k: int, solver: Any) -> tuple[Any, list[Any], str]:
    """Solve the same model built sparsely in PuLP; ``(problem, site variables, label)``."""
    import pulp

    n_g, n_c = len(groups.weights), len(groups.candidates)
    problem = pulp.LpProblem("mclp_sparse", pulp.LpMaximize)
    x = [problem.add_variable(f"x{j}", 0, 1, cat=pulp.LpBinary) for j in range(n_c)]
    y = [problem.add_variable(f"y{g}", 0, 1) for g in range(n_g)]
    problem += pulp.lpSum(float(wg) * yg for wg, yg in zip(groups.weights, y, strict=True))
    for g, cols in enumerate(groups.members):
        problem += y[g] <= pulp.lpSum(x[c] for c in cols)
    problem += pulp.lpSum(x) <= int(k)
    problem.solve(solver)
    return problem, x, "PuLP sparse model (CBC)"


def _read_solution(
    problem: Any, x: list[Any], groups: DemandGroups, label: str, limit: float, seconds: float
) -> ExactResult:
    """Return the solved model's chosen candidates and covered weight, or why there are none."""
    import pulp

    n_g, n_c = len(groups.weights), len(groups.candidates)
    if problem.status != pulp.LpStatusOptimal or problem.sol_status not in (
        pulp.LpSolutionOptimal,
        pulp.LpSolutionIntegerFeasible,
    ):
        status = pulp.LpStatus.get(problem.status, str(problem.status))
        return ExactResult([], None, False, f"{label}: not solved ({status}) within {limit:g} s", n_g, n_c, seconds)
    picked_cols = [c for c in range(n_c) if (x[c].value() or 0) > 0.5]
    chosen = [int(groups.candidates[c]) for c in picked_cols]
    picked = set(picked_cols)
    total = float(sum(wg for wg, mem in zip(groups.weights, groups.members, strict=True) if picked & set(mem.tolist())))
    optimal = problem.sol_status == pulp.LpSolutionOptimal
    return ExactResult(chosen, total, optimal, label, n_g, n_c, seconds)
