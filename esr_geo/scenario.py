"""Scenarios: what closing in-person sites costs, and where new in-person sites help most.

Two questions, zone by zone, for in-person employment services:

* **Closures** (:func:`close_sites`): remove sites from an analysis, re-measure everyone whose
  nearest site closed, and report who falls beyond the threshold (by catchment and zone,
  before and after), which zones change from pass to fail and which communities lose access.
* **New sites** (:func:`suggest_sites`): choose ``k`` candidate locations (named places and
  First Nations band offices, or a planner's own list) that bring the most currently
  uncovered non-reserve people within their threshold: the *maximal covering location
  problem* (Church and ReVelle, 1974) that ArcGIS *maximize coverage* and PySAL spopt's
  ``MCLP`` solve. A lazy greedy (CELF) picks sites in order; when the problem is small enough
  it is also solved exactly (spopt ``MCLP`` or the same model in PuLP, CBC solver) and the
  greedy-to-optimum ratio is reported.

The array-level building blocks (:func:`coverage_relation`, :func:`greedy_max_cover`,
:func:`exact_max_cover`) take plain coordinates and weights, so they are easy to test and
reuse.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import difflib
import heapq
import html
import math
import os
import time
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from esr_geo import __version__, settings
from esr_geo._io import neutralise_formulas, write_files
from esr_geo._solver import cbc_solver
from esr_geo.access import _EPS, _R_KM, GEOD, SiteIndex, _unit_vectors, compact_categories, measure_access
from esr_geo.analysis import Analysis, build_tables
from esr_geo.errors import InputError

PathLike = str | os.PathLike[str]

#: Share of the optimum the greedy choice is guaranteed to reach (Nemhauser et al., 1978).
GREEDY_GUARANTEE = 1.0 - 1.0 / math.e

CLOSURE_FILES = (
    "closure_by_catchment.csv",
    "closure_by_zone.csv",
    "communities_losing_access.csv",
    "closure_summary.html",
)
SUGGESTION_FILES = ("suggested_sites.csv", "suggestion_summary.html")

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
#: Columns of a candidate table (see :func:`candidate_sites`).
CANDIDATE_COLUMNS = ["candidate_id", "name", "kind", "lon", "lat", "catchment_id", "zone"]

_KIND_LABELS = {"place": "place (GeoNames)", "first_nation": "First Nation band office"}
_ACCESS_COLUMNS = [
    "nearest_site_id",
    "nearest_site",
    "nearest_site_catchment",
    "distance_km",
    "threshold_km",
    "within",
    "other_catchment",
]


# ======================================================================================
# Closures


@dataclass
class ClosureResult:
    """What closing some sites does to in-person access.

    Attributes
    ----------
    before, after : esr_geo.analysis.Analysis
        The analysis with every site, and the same analysis without the closed sites
        (same zones, thresholds, pass criteria, date and communities).
    closed : pandas.DataFrame
        The closed sites: ``site_id``, ``name``, ``in_person``, ``catchment_id``, ``zone``,
        ``people_served_before`` (non-reserve people whose nearest site it was) and
        ``people_newly_beyond`` (of those, the people now beyond the threshold).
    by_catchment : pandas.DataFrame
        All 15 catchments, before and after: non-reserve people within and beyond the
        threshold, ``newly_beyond`` (after minus before), sites, and reserves apart.
    by_zone : pandas.DataFrame
        Every zone, before and after, with ``passes_before``, ``passes_after`` and ``change``.
    communities_losing_access : pandas.DataFrame
        Named communities within the threshold before and beyond it after, with the new
        nearest site and distance.
    """

    before: Analysis
    after: Analysis
    closed: pd.DataFrame
    by_catchment: pd.DataFrame
    by_zone: pd.DataFrame
    communities_losing_access: pd.DataFrame

    @property
    def people_newly_beyond(self) -> int:
        """Non-reserve people who fall beyond the threshold because of the closure."""
        return int(self.by_catchment["newly_beyond"].sum())

    @property
    def reserve_people_newly_beyond(self) -> int:
        """People on reserves newly beyond the threshold (exempt; reported apart)."""
        return int(self.by_catchment["reserve_newly_beyond"].sum())

    @property
    def zones_newly_failing(self) -> list[str]:
        """Zones that passed before the closure and fail after it."""
        z = self.by_zone
        return z.loc[z["passes_before"] & ~z["passes_after"], "zone"].tolist()

    def summary_sentence(self) -> str:
        """Return the effect of the closure in one sentence (English)."""
        names = self.closed["name"].tolist()
        what = names[0] if len(names) == 1 else f"{len(names)} sites ({'; '.join(names)})"
        before = self.before.summary()["pop_beyond_threshold"]
        after = self.after.summary()["pop_beyond_threshold"]
        failing = self.zones_newly_failing
        zones = (
            f"{len(failing)} zone(s) change from pass to fail ({', '.join(failing)})"
            if failing
            else "no zone changes from pass to fail"
        )
        comm = self.communities_losing_access
        n_comm = int((~comm["is_reserve_exempt"]).sum()) if len(comm) else 0
        n_res = int(comm["is_reserve_exempt"].sum()) if len(comm) else 0
        return (
            f"Closing {what} puts {self.people_newly_beyond:,} more non-reserve residents beyond the "
            f"threshold ({before:,.0f} before, {after:,.0f} after); {zones}; {n_comm} named "
            f"communit{'y loses' if n_comm == 1 else 'ies lose'} access"
            + (f" (and {n_res} reserve or band-office location(s), exempt)" if n_res else "")
            + f". {self.reserve_people_newly_beyond:,} people on reserves are newly beyond it (reported apart)."
        )


def list_sites(analysis: Analysis) -> pd.DataFrame:
    """Return the sites of an analysis that can be closed: id, name, in person, catchment, zone."""
    s = analysis.sites
    return pd.DataFrame(
        {
            "site_id": s["site_id"].astype(str).to_numpy(),
            "name": s["name"].astype(str).to_numpy(),
            "in_person": s["in_person"].astype(bool).to_numpy(),
            "catchment_id": s["catchment_id"].to_numpy(),
            "zone": s["zone"].to_numpy(),
        }
    )


def _match_sites(analysis: Analysis, site_ids: Sequence[str]) -> np.ndarray:
    """Return a boolean mask of ``analysis.sites`` rows named by id or exact name."""
    if isinstance(site_ids, str):
        site_ids = [site_ids]
    wanted = [str(s).strip() for s in site_ids if str(s).strip()]
    if not wanted:
        raise InputError("Name at least one site to close, by its site_id or its exact name.")
    ids = analysis.sites["site_id"].astype(str).str.strip().to_numpy()
    names = analysis.sites["name"].astype(str).str.strip().to_numpy()
    folded = np.array([n.casefold() for n in names])
    mask = np.zeros(len(ids), dtype=bool)
    problems = []
    for w in dict.fromkeys(wanted):
        hit = ids == w
        if not hit.any():
            hit = folded == w.casefold()
            if hit.sum() > 1:
                problems.append(
                    f"{w!r} is the name of {int(hit.sum())} sites (ids {', '.join(ids[hit])}); close them by site_id."
                )
                continue
        if not hit.any():
            pool = {i.casefold(): i for i in ids} | {n.casefold(): n for n in names}
            close = difflib.get_close_matches(w.casefold(), list(pool), n=4, cutoff=0.6)
            labels = []
            for c in close:
                original = pool[c]
                at = np.flatnonzero((ids == original) | (names == original))
                labels.append(f"{ids[at[0]]} ({names[at[0]]})" if len(at) else original)
            hint = f"; did you mean {', '.join(labels)}?" if labels else "."
            problems.append(f"{w!r}: no site has this site_id or name{hint}")
            continue
        mask |= hit
    if problems:
        raise InputError(
            f"{len(problems)} site(s) to close are not in the site list ({analysis.sites_source}). Name sites by "
            "their site_id or exact name (case does not matter); the ids are the site_id column of the site "
            "file; `esr-geo scenario --list-sites` lists them.",
            problems,
        )
    return mask


def _remeasure(
    frame: pd.DataFrame, affected: np.ndarray, in_person: pd.DataFrame, analysis: Analysis, index: SiteIndex
) -> pd.DataFrame:
    out = frame.copy()
    if affected.any():
        part = measure_access(
            frame.loc[affected],
            in_person,
            threshold_km=analysis.threshold_km,
            threshold_km_by_class=analysis.threshold_km_by_class,
            index=index,
        )
        for col in _ACCESS_COLUMNS:
            if isinstance(out[col].dtype, pd.CategoricalDtype):  # the nearest site's id and name
                merged = np.array(out[col].astype(object), dtype=object)
                merged[affected] = part[col].astype(object).to_numpy()
                out[col] = compact_categories(pd.Series(merged, dtype=object))
            else:
                out.loc[affected, col] = part[col].to_numpy()
        out["within"] = out["within"].astype(bool)
        out["other_catchment"] = out["other_catchment"].astype(bool)
    return out


def close_sites(analysis: Analysis, site_ids: Sequence[str]) -> ClosureResult:
    """Close sites and report who loses in-person access.

    Everyone whose nearest in-person site is closed is re-measured to the nearest remaining
    one (the same geodesic engine as the analysis); everyone else keeps their nearest site,
    so the result is exactly what :func:`esr_geo.analysis.run_analysis` gives without the
    closed sites, at a fraction of the cost. Zones, thresholds, pass criteria, date and
    communities are unchanged.

    Parameters
    ----------
    analysis : esr_geo.analysis.Analysis
        The analysis with every site.
    site_ids : sequence of str
        Sites to close, each by ``site_id`` or by exact name (case-insensitive). A name shared
        by several sites must be replaced by their ids.

    Returns
    -------
    ClosureResult
        Before and after analyses and the difference tables.

    Raises
    ------
    InputError
        When a site is unknown (with the closest ids and names), a name is ambiguous, or the
        closure would leave no in-person site.
    """
    mask = _match_sites(analysis, site_ids)
    sites = analysis.sites
    in_person_flag = sites["in_person"].astype(bool).to_numpy()
    remaining = sites[~mask].reset_index(drop=True)
    in_person = remaining[remaining["in_person"].astype(bool)].reset_index(drop=True)
    if in_person.empty:
        raise InputError(
            f"Closing these {int(mask.sum())} site(s) would close every in-person site of {analysis.sites_source}; "
            "at least one in-person site must remain to measure access. Close fewer sites."
        )
    closed_ids = set(sites.loc[mask & in_person_flag, "site_id"].astype(str))
    index = SiteIndex(in_person["lon"], in_person["lat"])
    ids_unique = sites["site_id"].astype(str).is_unique

    def affected(frame: pd.DataFrame) -> np.ndarray:
        if not ids_unique:  # cannot tell two sites with one id apart: re-measure everyone
            return np.ones(len(frame), dtype=bool)
        return frame["nearest_site_id"].astype(str).isin(closed_ids).to_numpy()

    points = _remeasure(analysis.points, affected(analysis.points), in_person, analysis, index)
    comm = _remeasure(analysis.communities, affected(analysis.communities), in_person, analysis, index)
    closed_names = sites.loc[mask, "name"].astype(str).tolist()
    after = dataclasses.replace(
        analysis,
        sites=remaining,
        sites_source=f"{analysis.sites_source}, without {len(closed_names)} closed site(s)",
        points=points,
        communities=comm,
        tables={},
        notes=[*analysis.notes, f"Scenario: closed {'; '.join(closed_names)}."],
    )
    after.tables = build_tables(after)
    return ClosureResult(
        before=analysis,
        after=after,
        closed=_closed_table(analysis, after, mask),
        by_catchment=_closure_by_catchment(analysis, after),
        by_zone=_closure_by_zone(analysis, after),
        communities_losing_access=_communities_losing(analysis, after),
    )


def _closed_table(before: Analysis, after: Analysis, mask: np.ndarray) -> pd.DataFrame:
    s = before.sites[mask]
    pts = before.points[~before.points["is_reserve"]]
    served = pts.groupby(pts["nearest_site_id"].astype(str))["population"].sum()
    lost = pts[pts["within"].to_numpy() & ~after.points.loc[pts.index, "within"].to_numpy()]
    lost_by = lost.groupby(lost["nearest_site_id"].astype(str))["population"].sum()
    ids = s["site_id"].astype(str)
    return pd.DataFrame(
        {
            "site_id": ids.to_numpy(),
            "name": s["name"].astype(str).to_numpy(),
            "in_person": s["in_person"].astype(bool).to_numpy(),
            "catchment_id": s["catchment_id"].to_numpy(),
            "zone": s["zone"].to_numpy(),
            "people_served_before": ids.map(served).fillna(0).astype("int64").to_numpy(),
            "people_newly_beyond": ids.map(lost_by).fillna(0).astype("int64").to_numpy(),
        }
    )


def _beyond(points: pd.DataFrame, key: str, reserve: bool) -> pd.Series:
    part = points[(points["is_reserve"] == reserve) & ~points["within"]]
    return part.groupby(key)["population"].sum()


def _closure_by_catchment(before: Analysis, after: Analysis) -> pd.DataFrame:
    b = before.tables["coverage_by_catchment"].set_index("catchment_id")
    a = after.tables["coverage_by_catchment"].set_index("catchment_id")
    out = pd.DataFrame(
        {
            "catchment_id": b.index.to_numpy(),
            "catchment": b["catchment"].to_numpy(),
            "non_reserve_population": b["non_reserve_population"].to_numpy(),
            "in_person_sites_before": b["in_person_sites"].to_numpy(),
            "in_person_sites_after": a.loc[b.index, "in_person_sites"].to_numpy(),
            "pop_within_before": b["pop_within_threshold"].to_numpy(),
            "pop_within_after": a.loc[b.index, "pop_within_threshold"].to_numpy(),
            "pop_beyond_before": b["pop_beyond_threshold"].to_numpy(),
            "pop_beyond_after": a.loc[b.index, "pop_beyond_threshold"].to_numpy(),
        }
    )
    out["newly_beyond"] = out["pop_beyond_after"] - out["pop_beyond_before"]
    out["pct_within_before"] = b["pct_within_threshold"].to_numpy()
    out["pct_within_after"] = a.loc[b.index, "pct_within_threshold"].to_numpy()
    out["reserve_population_exempt"] = b["reserve_population_exempt"].to_numpy()
    rb = _beyond(before.points, "catchment_id", True)
    ra = _beyond(after.points, "catchment_id", True)
    out["reserve_beyond_before"] = out["catchment_id"].map(rb).fillna(0).astype("int64")
    out["reserve_beyond_after"] = out["catchment_id"].map(ra).fillna(0).astype("int64")
    out["reserve_newly_beyond"] = out["reserve_beyond_after"] - out["reserve_beyond_before"]
    return out


def _closure_by_zone(before: Analysis, after: Analysis) -> pd.DataFrame:
    b = before.tables["coverage_by_zone"].set_index("zone")
    a = after.tables["coverage_by_zone"].set_index("zone").loc[b.index]
    out = pd.DataFrame(
        {
            "zone": b.index.to_numpy(),
            "catchment_id": b["catchment_id"].to_numpy(),
            "catchment": b["catchment"].to_numpy(),
            "non_reserve_population": b["non_reserve_population"].to_numpy(),
            "in_person_sites_before": b["in_person_sites"].to_numpy(),
            "in_person_sites_after": a["in_person_sites"].to_numpy(),
            "pop_within_before": b["pop_within_threshold"].to_numpy(),
            "pop_within_after": a["pop_within_threshold"].to_numpy(),
        }
    )
    out["pop_beyond_before"] = out["non_reserve_population"] - out["pop_within_before"]
    out["pop_beyond_after"] = out["non_reserve_population"] - out["pop_within_after"]
    out["newly_beyond"] = out["pop_beyond_after"] - out["pop_beyond_before"]
    out["pct_within_before"] = b["pct_within_threshold"].to_numpy()
    out["pct_within_after"] = a["pct_within_threshold"].to_numpy()
    out["passes_before"] = b["passes"].astype(bool).to_numpy()
    out["passes_after"] = a["passes"].astype(bool).to_numpy()
    labels = {(True, True): "still passes", (True, False): "pass → fail", (False, False): "still fails",
              (False, True): "fail → pass"}  # fmt: skip
    out["change"] = [labels[(p, q)] for p, q in zip(out["passes_before"], out["passes_after"], strict=True)]
    out["reason_after"] = a["reason"].to_numpy()
    out["reserve_population_exempt"] = b["reserve_population"].to_numpy()
    rb = _beyond(before.points, "zone", True)
    ra = _beyond(after.points, "zone", True)
    out["reserve_beyond_before"] = out["zone"].map(rb).fillna(0).astype("int64")
    out["reserve_beyond_after"] = out["zone"].map(ra).fillna(0).astype("int64")
    return out


def _communities_losing(before: Analysis, after: Analysis) -> pd.DataFrame:
    b = before.communities
    a = after.communities
    lost = b["within"].to_numpy() & ~a["within"].to_numpy()
    cb, ca = b[lost], a[lost]
    names = before.base.catchments.set_index("catchment_id")["name_en"]
    out = pd.DataFrame(
        {
            "community": cb["community"].to_numpy(),
            "kind": cb["kind"].map(_KIND_LABELS).fillna(cb["kind"]).to_numpy(),
            "population": pd.array(cb["population"].round().to_numpy(dtype=float), dtype="Int64"),
            "CSDNAME": cb["CSDNAME"].to_numpy(),
            "catchment": cb["catchment_id"].map(names).to_numpy(),
            "zone": cb["zone"].fillna("").to_numpy(),
            "is_reserve_exempt": (cb["is_reserve"].astype(bool) | (cb["kind"] == "first_nation")).to_numpy(),
            "nearest_site_before": cb["nearest_site"].to_numpy(),
            "distance_before_km": cb["distance_km"].astype(float).round(1).to_numpy(),
            "nearest_site_after": ca["nearest_site"].to_numpy(),
            "distance_after_km": ca["distance_km"].astype(float).round(1).to_numpy(),
            "threshold_km": ca["threshold_km"].to_numpy(),
            "lon": cb["lon"].round(5).to_numpy(),
            "lat": cb["lat"].round(5).to_numpy(),
        }
    )
    return out.sort_values(["is_reserve_exempt", "distance_after_km"], ascending=[True, False]).reset_index(drop=True)


# ======================================================================================
# The coverage relation and the maximal covering problem (array level)


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


def _chord(km: float) -> float:
    return 2.0 * math.sin(min(km / _R_KM, math.pi) / 2.0)


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
        bad = ~np.isfinite(arr).all(axis=1) | (np.abs(arr[:, 1]) > 90) | (np.abs(arr[:, 0]) > 180)
        if bad.any():
            raise InputError(f"{what}: {int(bad.sum())} coordinate(s) are missing or not WGS 84 degrees.")
    if n and (~np.isfinite(limit) | (limit < 0)).any():
        raise InputError("threshold_km must be a finite, non-negative distance for every point.")
    empty = np.zeros(0, dtype=np.int64)
    if n == 0 or m == 0:
        return CoverageRelation(n, m, np.zeros(m + 1, dtype=np.int64), empty, np.zeros(0))
    tree = cKDTree(_unit_vectors(pts[:, 0], pts[:, 1]))
    radius = _chord(float(limit.max()) * (1 + _EPS))
    hits = tree.query_ball_point(_unit_vectors(cands[:, 0], cands[:, 1]), r=radius)
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


def _check_inputs(relation: CoverageRelation, weights: np.ndarray, k: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.shape != (relation.n_points,):
        raise InputError(f"weights: expected {relation.n_points} values (one per point), got {w.shape}.")
    if not np.isfinite(w).all() or (w < 0).any():
        raise InputError("weights must be finite and non-negative.")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise InputError(f"k (the number of sites to choose) must be a whole number of at least 1; got {k!r}.")
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
    import pulp

    limit = settings.SCENARIO_EXACT_TIME_LIMIT_S if time_limit_s is None else float(time_limit_s)
    solver = cbc_solver(limit)
    if solver is None:
        return ExactResult(
            [], None, False, "not solved: no CBC solver found (install PuLP with its bundled CBC, or pulp[cbc])",
            n_g, n_c, time.perf_counter() - t0,
        )  # fmt: skip
    small = (
        n_g <= settings.SCENARIO_SPOPT_MAX_GROUPS
        and n_c <= settings.SCENARIO_SPOPT_MAX_CANDIDATES
        and n_g * n_c <= settings.SCENARIO_SPOPT_MAX_CELLS
    )
    use_spopt = method == "spopt" or (method == "auto" and small)
    if use_spopt:
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
        problem = model.problem
        x: list[pulp.LpVariable] = list(model.fac_vars)
        label = "spopt MCLP (CBC)"
    else:
        problem = pulp.LpProblem("mclp_sparse", pulp.LpMaximize)
        x = [problem.add_variable(f"x{j}", 0, 1, cat=pulp.LpBinary) for j in range(n_c)]
        y = [problem.add_variable(f"y{g}", 0, 1) for g in range(n_g)]
        problem += pulp.lpSum(float(wg) * yg for wg, yg in zip(groups.weights, y, strict=True))
        for g, cols in enumerate(groups.members):
            problem += y[g] <= pulp.lpSum(x[c] for c in cols)
        problem += pulp.lpSum(x) <= int(k)
        problem.solve(solver)
        label = "PuLP sparse model (CBC)"
    seconds = time.perf_counter() - t0
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


# ======================================================================================
# Candidates and suggestions (analysis level)


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
        Columns :data:`CANDIDATE_COLUMNS`: ``candidate_id``, ``name``, ``kind``, ``lon``,
        ``lat`` (degrees), ``catchment_id`` and ``zone`` (empty outside every zone).
    """
    if path is None:
        comm = analysis.communities
        frame = pd.DataFrame(
            {
                "candidate_id": comm["community_id"].astype(str).to_numpy(),
                "name": comm["community"].astype(str).to_numpy(),
                "kind": comm["kind"].map(_KIND_LABELS).fillna(comm["kind"]).to_numpy(),
                "lon": comm["lon"].astype(float).to_numpy(),
                "lat": comm["lat"].astype(float).to_numpy(),
                "catchment_id": comm["catchment_id"].to_numpy(),
                "zone": comm["zone"].to_numpy(),
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
        The chosen sites in order (:data:`SUGGESTION_COLUMNS`).
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
        The optimal set (same columns as ``sites``, no order meaning).
    zones : pandas.DataFrame
        Zones in scope before and after adding the chosen sites.
    zone_fixes : pandas.DataFrame
        With ``fix_failing_zones_first``: each failing zone, whether it was fixed, with which
        sites, or why not.
    notes : list of str
        Plain-words notes.
    seconds : dict
        Time taken by each step.
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

    def to_frame(self) -> pd.DataFrame:
        """Return the chosen sites, in order, as a table for the app or a CSV file."""
        return self.sites[SUGGESTION_COLUMNS].copy()

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


def _resolve_scope(analysis: Analysis, catchment: str | None, zone: str | None) -> tuple[str, str | None, str | None]:
    if catchment is not None and zone is not None:
        raise InputError("Give a catchment or a zone to restrict the suggestion to, not both.")
    if catchment is not None:
        cat = analysis.base.catchments
        key = _fold(catchment)
        for rec in cat.itertuples():
            names = {_fold(rec.catchment_id), _fold(rec.name_en), _fold(rec.name_fr)}
            if key in names:
                return f"catchment {rec.name_en}", str(rec.catchment_id), None
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
                return f"zone {z}", None, z
        raise InputError(f"Unknown zone {zone!r} in {analysis.zones_source}; valid zones: {', '.join(zones)}.")
    return "Ontario", None, None


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
    bad = ~(np.isfinite(lon) & np.isfinite(lat)) | (np.abs(lat) > 90) | (np.abs(lon) > 180)
    if bad.any():
        raise InputError(
            f"{int(bad.sum())} candidate(s) have missing or invalid coordinates: "
            + ", ".join(out.loc[bad, "name"].astype(str).head(5))
            + "."
        )
    return out


def _pack_sites(
    cands: pd.DataFrame, chosen: list[int], gains: list[float], reasons: list[str], names: pd.Series
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
            "chosen_for": reasons,
        }
    )


class _ZoneState:
    """Per-zone pass bookkeeping while sites are added (fix-failing-zones mode)."""

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
        w = self.within[z] if within is None else within
        s = self.sites[z] if sites is None else sites
        share_ok = self.nonres[z] <= 0 or 100 * w / self.nonres[z] >= 100 * self.min_share - 1e-9
        return s >= self.min_sites and share_ok

    def pct(self, z: str) -> float:
        return 100.0 * self.within[z] / self.nonres[z] if self.nonres[z] > 0 else 100.0


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
    that threshold. Sites are chosen by the lazy greedy (:func:`greedy_max_cover`), each
    reported with the people it adds; the problem is also solved exactly when small enough
    (:func:`exact_max_cover`) to report how close the greedy is to the optimum.

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
        ``None``: solve exactly when the problem is within the settings' limits; ``True``:
        always (a sparse PuLP model beyond spopt's limits); ``False``: greedy only.

    Returns
    -------
    SuggestionResult
        The chosen sites in order and the comparison with the optimum.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise InputError(f"k (the number of new sites) must be a whole number of at least 1; got {k!r}.")
    k = int(k)
    scope, cid, zname = _resolve_scope(analysis, catchment, zone)
    cands = _check_candidates(candidate_sites(analysis) if candidates is None else candidates)
    names = analysis.base.catchments.set_index("catchment_id")["name_en"]
    pts = analysis.points
    in_scope = np.ones(len(pts), dtype=bool)
    cand_ok = np.ones(len(cands), dtype=bool)
    if cid is not None:
        in_scope = (pts["catchment_id"] == cid).to_numpy()
        cand_ok = (cands["catchment_id"] == cid).to_numpy()
    elif zname is not None:
        in_scope = (pts["zone"] == zname).to_numpy()
        cand_ok = (cands["zone"] == zname).to_numpy()
    demand_mask = in_scope & ~pts["is_reserve"].to_numpy(dtype=bool) & ~pts["within"].to_numpy(dtype=bool)
    demand_mask &= pts["population"].to_numpy() > 0
    demand = pts[demand_mask]
    weights = demand["population"].to_numpy(dtype=float)
    cands_in = cands[cand_ok].reset_index(drop=True)
    notes: list[str] = []
    if cands_in.empty:
        raise InputError(f"No candidate site lies in {scope}; give candidates there (--candidates) or widen the scope.")
    relation = coverage_relation(
        demand[["lon", "lat"]].to_numpy(dtype=float),
        cands_in[["lon", "lat"]].to_numpy(dtype=float),
        demand["threshold_km"].to_numpy(dtype=float),
    )
    timings["coverage relation"] = time.perf_counter() - t0
    reachable = np.zeros(len(demand), dtype=bool)
    reachable[relation.indices] = True
    coverable = int(weights[reachable].sum())

    t1 = time.perf_counter()
    greedy = greedy_max_cover(relation, weights, k)
    timings["greedy"] = time.perf_counter() - t1
    chosen, gains = list(greedy.chosen), list(greedy.gains)
    reasons = ["coverage"] * len(chosen)

    zone_names = [
        str(z)
        for z, c in zip(analysis.zones["zone"], analysis.zones["catchment_id"], strict=True)
        if (cid is None or c == cid) and (zname is None or z == zname)
    ]
    zstate = _ZoneState(analysis, zone_names)
    fixes = pd.DataFrame(columns=["zone", "catchment", "fixed", "sites_added", "pct_within_before", "note"])
    if fix_failing_zones_first:
        t2 = time.perf_counter()
        chosen, gains, reasons, fixes = _fix_zones_then_fill(
            analysis, zstate, demand, weights, relation, cands_in, k, names
        )
        timings["zone fixing and fill"] = time.perf_counter() - t2
    if not len(demand):
        notes.append(f"Nobody in {scope} is beyond the threshold today: no new site is needed for coverage.")
    elif len(chosen) < k:
        notes.append(
            f"Only {len(chosen)} of the {k} sites requested add anyone: no other candidate in {scope} is within "
            "the threshold of people still beyond it."
        )

    # every zone in scope, before and after the chosen sites
    zstate_after = _ZoneState(analysis, zone_names)
    _apply(zstate_after, chosen, demand, weights, relation, cands_in)
    ztab = analysis.tables["coverage_by_zone"].set_index("zone").loc[zone_names]
    zones_table = pd.DataFrame(
        {
            "zone": zone_names,
            "catchment": ztab["catchment"].to_numpy(),
            "in_person_sites_before": ztab["in_person_sites"].astype("int64").to_numpy(),
            "in_person_sites_after": [zstate_after.sites[z] for z in zone_names],
            "pct_within_before": ztab["pct_within_threshold"].astype(float).round(2).to_numpy(),
            "pct_within_after": [round(zstate_after.pct(z), 2) for z in zone_names],
            "passes_before": ztab["passes"].astype(bool).to_numpy(),
            "passes_after": [zstate_after.passes(z) for z in zone_names],
        }
    )

    t3 = time.perf_counter()
    optimum: int | None = None
    optimal = False
    exact_sites = None
    if exact is False:
        method = "not solved (exact=False)"
    else:
        groups = aggregate_demand(relation, weights)
        n_g, n_c = len(groups.weights), len(groups.candidates)
        fits_spopt = (
            n_g <= settings.SCENARIO_SPOPT_MAX_GROUPS
            and n_c <= settings.SCENARIO_SPOPT_MAX_CANDIDATES
            and n_g * n_c <= settings.SCENARIO_SPOPT_MAX_CELLS
        )
        fits_sparse = groups.n_pairs <= settings.SCENARIO_EXACT_MAX_PAIRS
        if exact is None and not (fits_spopt or fits_sparse):
            method = (
                f"not solved: {n_g:,} demand groups x {n_c:,} candidates ({groups.n_pairs:,} coverage pairs) exceed "
                "the settings' limits for an exact solve (exact=True forces it); the greedy choice is guaranteed "
                f"to reach at least {100 * GREEDY_GUARANTEE:.0f}% of the optimum"
            )
        else:
            res = exact_max_cover(relation, weights, k, method="auto")
            method = f"{res.method}: {res.groups:,} demand groups x {res.candidates:,} candidates"
            if res.total is not None:
                optimum = round(res.total)
                optimal = res.optimal
                exact_sites = _pack_sites(
                    cands_in, res.chosen, [float(weights[relation.covers(j)].sum()) for j in res.chosen],
                    ["optimum"] * len(res.chosen), names,
                )  # fmt: skip
    timings["exact"] = time.perf_counter() - t3
    timings["total"] = time.perf_counter() - t0
    greedy_pop = round(greedy.total)
    if optimum is not None and greedy_pop > optimum:  # a time-limited solve found less than the greedy
        optimum, optimal = greedy_pop, False
        method += "; the solver's best was below the greedy, which is reported as the best known"
    if fix_failing_zones_first and optimum is not None:
        notes.append(
            "Sites were chosen to make failing zones pass first; the optimum and the greedy-to-optimum ratio "
            "refer to pure coverage (most people brought within reach), without that priority."
        )
    if any(cands_in.iloc[chosen]["kind"] == _KIND_LABELS["first_nation"]):
        notes.append(
            "Some suggested locations are First Nations band offices: the people counted are non-reserve residents "
            "nearby; reserves themselves are exempt from the SSM model."
        )
    return SuggestionResult(
        analysis=analysis,
        k=k,
        scope=scope,
        sites=_pack_sites(cands_in, chosen, gains, reasons, names),
        demand_population=int(weights.sum()),
        coverable_population=coverable,
        candidates=len(cands_in),
        greedy_population=greedy_pop,
        optimum_population=optimum,
        exact_optimal=optimal,
        exact_method=method,
        exact_sites=exact_sites,
        zones=zones_table,
        zone_fixes=fixes,
        fix_failing_zones_first=fix_failing_zones_first,
        notes=notes,
        seconds=timings,
    )


def _apply(
    state: _ZoneState,
    chosen: list[int],
    demand: pd.DataFrame,
    weights: np.ndarray,
    relation: CoverageRelation,
    cands: pd.DataFrame,
) -> np.ndarray:
    covered = np.zeros(len(demand), dtype=bool)
    zone_of = demand["zone"].to_numpy(dtype=object)
    for j in chosen:
        _add_site(state, j, covered, zone_of, weights, relation, cands)
    return covered


def _add_site(
    state: _ZoneState,
    j: int,
    covered: np.ndarray,
    zone_of: np.ndarray,
    weights: np.ndarray,
    relation: CoverageRelation,
    cands: pd.DataFrame,
) -> float:
    idx = relation.covers(j)
    new = idx[~covered[idx]]
    covered[new] = True
    for z in state.names:
        state.within[z] += float(weights[new][zone_of[new] == z].sum())
    cz = cands.at[j, "zone"]
    if isinstance(cz, str) and cz in state.sites:
        state.sites[cz] += 1
    return float(weights[new].sum())


def _plan_zone(
    z: str,
    state: _ZoneState,
    covered: np.ndarray,
    zone_of: np.ndarray,
    weights: np.ndarray,
    relation: CoverageRelation,
    cand_zone: np.ndarray,
    taken: set[int],
) -> tuple[list[int], str]:
    """Greedy plan making zone ``z`` pass from the current state; ``(sites, why_not)``."""
    cov = covered.copy()
    within, n_sites = state.within[z], state.sites[z]
    live = np.where(~cov & (zone_of == z), weights, 0.0)
    plan: list[int] = []
    while not state.passes(z, within, n_sites):
        need_site = n_sites < state.min_sites
        pool = [j for j in range(relation.n_candidates) if j not in taken and j not in plan]
        if need_site:
            pool = [j for j in pool if cand_zone[j] == z]
            if not pool:
                return plan, "no candidate location lies inside the zone, and it needs an in-person site inside it"
        best, best_gain = -1, -1.0
        for j in pool:
            gain = float(live[relation.covers(j)].sum())
            if gain > best_gain:
                best, best_gain = j, gain
        if not need_site and best_gain <= 0:
            beyond = state.nonres[z] - within
            return plan, (
                f"{beyond:,.0f} people stay beyond the threshold: no remaining candidate is within reach of them "
                f"(the best achievable is {100 * within / state.nonres[z]:.1f}%, "
                f"{100 * state.min_share:.0f}% required)"
            )
        plan.append(best)
        within += best_gain
        live[relation.covers(best)] = 0.0
        if cand_zone[best] == z:
            n_sites += 1
    return plan, ""


def _fix_zones_then_fill(
    analysis: Analysis,
    state: _ZoneState,
    demand: pd.DataFrame,
    weights: np.ndarray,
    relation: CoverageRelation,
    cands: pd.DataFrame,
    k: int,
    names: pd.Series,
) -> tuple[list[int], list[float], list[str], pd.DataFrame]:
    zone_of = demand["zone"].to_numpy(dtype=object)
    cand_zone = cands["zone"].to_numpy(dtype=object)
    covered = np.zeros(len(demand), dtype=bool)
    chosen: list[int] = []
    gains: list[float] = []
    reasons: list[str] = []
    failing = [z for z in state.names if not state.passes(z)]
    pct_before = {z: state.pct(z) for z in failing}
    outcome: dict[str, tuple[bool, list[str], str]] = {}
    remaining = list(failing)
    while remaining:
        plans = {
            z: _plan_zone(z, state, covered, zone_of, weights, relation, cand_zone, set(chosen)) for z in remaining
        }
        for z, (_, why) in plans.items():
            if why:
                outcome[z] = (False, [], f"cannot be made to pass: {why}")
        fixable = [z for z in remaining if not plans[z][1]]
        if not fixable:
            break
        beyond = {z: state.nonres[z] - state.within[z] for z in fixable}
        z = min(fixable, key=lambda q: (len(plans[q][0]), -beyond[q], q))
        plan = plans[z][0]
        left = k - len(chosen)
        if len(plan) > left:
            for q in fixable:
                outcome[q] = (
                    False, [],
                    f"needs {len(plans[q][0])} new site(s) to pass; only {left} of the {k} requested were left "
                    "after the zones needing fewer",
                )  # fmt: skip
            break
        for j in plan:
            chosen.append(j)
            gains.append(_add_site(state, j, covered, zone_of, weights, relation, cands))
            reasons.append(f"makes zone {z} pass")
        outcome[z] = (True, [str(cands.at[j, "name"]) for j in plan], "")
        remaining = [q for q in fixable if q != z and not state.passes(q)]
        for q in fixable:
            if q != z and q not in outcome and state.passes(q):
                outcome[q] = (True, [], f"passes thanks to the sites added for {z}")
    # fill the rest of k by coverage
    if len(chosen) < k:
        taken = np.zeros(relation.n_candidates, dtype=bool)
        taken[chosen] = True
        fill = greedy_max_cover(relation, weights, k - len(chosen), covered=covered, allowed=~taken)
        for j, g in zip(fill.chosen, fill.gains, strict=True):
            _add_site(state, j, covered, zone_of, weights, relation, cands)
            chosen.append(j)
            gains.append(g)
            reasons.append("coverage")
    table = analysis.tables["coverage_by_zone"].set_index("zone")
    rows = []
    for z in failing:
        fixed, used, note = outcome.get(z, (False, [], "not reached"))
        rows.append(
            {
                "zone": z,
                "catchment": table.at[z, "catchment"],
                "fixed": fixed,
                "sites_added": "; ".join(used),
                "pct_within_before": round(pct_before[z], 2),
                "note": note or "passes with the sites added",
            }
        )
    fixes = pd.DataFrame(rows, columns=["zone", "catchment", "fixed", "sites_added", "pct_within_before", "note"])
    return chosen, gains, reasons, fixes


# ======================================================================================
# Writing


_CSS = (
    "body{font-family:Arial,Helvetica,sans-serif;margin:24px;color:#111;max-width:1200px}"
    "h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #999}"
    "table{border-collapse:collapse;font-size:11px;margin:8px 0}"
    "th,td{border:1px solid #bbb;padding:3px 5px;text-align:left}th{background:#eee}"
    ".summary{font-size:15px;background:#f3f3f3;padding:10px;border-left:4px solid #0072B2}"
    ".small{font-size:11px;color:#333}"
    "@media print{body{margin:8mm}h2{page-break-after:avoid}tr{page-break-inside:avoid}}"
)


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
    return str(_fmt(neutralise_formulas(frame)).to_html(index=False, escape=True, na_rep=""))


def _page(title: str, summary: str, sections: list[tuple[str, str]], analysis: Analysis, extra: list[str]) -> str:
    from esr_geo.data import ATTRIBUTIONS
    from esr_geo.report import method_notes

    esc = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<p class='small'>esr-geo {esc(__version__)} · generated {dt.date.today().isoformat()} · "
        f"rollout status as of {analysis.on.isoformat()}</p>",
        f"<p class='summary'>{esc(summary)}</p>",
    ]
    for heading, body in sections:
        parts.append(f"<h2>{esc(heading)}</h2>{body}")
    parts.append("<h2>Method</h2><ul>")
    parts.extend(f"<li>{esc(n)}</li>" for n in [*extra, *method_notes(analysis)])
    parts.append("</ul><h2>Data sources and attribution</h2><ul>")
    parts.extend(f"<li>{esc(a)}</li>" for a in ATTRIBUTIONS)
    parts.append("</ul></body></html>")
    return "\n".join(parts)


def _csv(frame: pd.DataFrame) -> str:
    return str(neutralise_formulas(frame).to_csv(index=False, lineterminator="\n"))


def _out_folder(out_dir: PathLike) -> Path:
    return Path(out_dir)


def render_closure_html(result: ClosureResult) -> str:
    """Return the closure summary as one self-contained HTML page."""
    changed = result.by_catchment[
        (result.by_catchment["newly_beyond"] != 0) | (result.by_catchment["reserve_newly_beyond"] != 0)
    ]
    zones = result.by_zone
    extra = [
        "Closure scenario: the closed sites are removed; everyone whose nearest in-person site was closed is "
        "re-measured to the nearest remaining one; zones, thresholds, pass criteria and communities are unchanged.",
        "'Newly beyond' counts non-reserve residents within the threshold before and beyond it after; reserves are "
        "counted apart (exempt from the SSM model).",
    ]
    sections = [
        ("Closed sites", _table_html(result.closed)),
        ("Catchments affected (all 15 are in closure_by_catchment.csv)", _table_html(changed)),
        ("Service delivery zones", _table_html(zones)),
        ("Communities losing access", _table_html(result.communities_losing_access.drop(columns=["lon", "lat"]))),
    ]
    return _page("In-person access: what a closure costs", result.summary_sentence(), sections, result.after, extra)


def write_closure(result: ClosureResult, out_dir: PathLike, *, force: bool = False) -> list[Path]:
    """Write the closure tables and summary into ``out_dir``.

    Parameters
    ----------
    result : ClosureResult
        From :func:`close_sites`.
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
        _csv(result.by_zone),
        _csv(result.communities_losing_access),
        render_closure_html(result),
    ]
    return write_files(_out_folder(out_dir), dict(zip(CLOSURE_FILES, texts, strict=True)), force=force)


def render_suggestion_html(result: SuggestionResult) -> str:
    """Return the suggestion summary as one self-contained HTML page."""
    a = result.analysis
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
    ratio = "" if result.ratio is None else f"{100 * result.ratio:.1f}%"
    figures = pd.DataFrame(
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
    sections = [
        ("Figures", _table_html(figures)),
        ("Suggested sites, in order", _table_html(result.to_frame())),
        ("Zones before and after", _table_html(result.zones)),
    ]
    if result.fix_failing_zones_first:
        sections.insert(2, ("Failing zones", _table_html(result.zone_fixes)))
    if result.exact_sites is not None:
        sections.append(
            ("Optimal set (exact solve; population added if opened alone)",
             _table_html(result.exact_sites.drop(columns=["rank", "cumulative", "chosen_for"])))
        )  # fmt: skip
    return _page(f"Where new in-person sites help most: {result.scope}", result.summary_sentence(), sections, a, extra)


def write_suggestions(result: SuggestionResult, out_dir: PathLike, *, force: bool = False) -> list[Path]:
    """Write ``suggested_sites.csv`` and ``suggestion_summary.html`` into ``out_dir``.

    Parameters
    ----------
    result : SuggestionResult
        From :func:`suggest_sites`.
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
    return write_files(_out_folder(out_dir), dict(zip(SUGGESTION_FILES, texts, strict=True)), force=force)


__all__ = [
    "CANDIDATE_COLUMNS",
    "CLOSURE_FILES",
    "GREEDY_GUARANTEE",
    "SUGGESTION_COLUMNS",
    "SUGGESTION_FILES",
    "ClosureResult",
    "CoverageRelation",
    "DemandGroups",
    "ExactResult",
    "GreedyResult",
    "SuggestionResult",
    "aggregate_demand",
    "candidate_sites",
    "close_sites",
    "coverage_relation",
    "exact_max_cover",
    "greedy_max_cover",
    "list_sites",
    "render_closure_html",
    "render_suggestion_html",
    "suggest_sites",
    "write_closure",
    "write_suggestions",
]
