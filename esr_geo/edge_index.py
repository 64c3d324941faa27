"""The nearest road edge of many points, fast: a k-d tree of straight road segments.

:func:`esr_geo.network.join` needs, for every point, the nearest edge of the network and the
edge a shapely ``STRtree.query_nearest`` would give, which measures GEOS distances one point
at a time (about 10 to 20 microseconds a point). This index cuts the edges into straight
segments of at most :data:`SEGMENT_M` metres and keeps their midpoints in a
``scipy.spatial.cKDTree``; the distances to the candidate segments are then computed with
numpy, for many points at once:

1. each point's :data:`CANDIDATES` nearest midpoints. The nearest edge among them is settled
   when it is nearer than every other candidate edge, and than any segment not examined can
   be: such a segment's midpoint is at least as far as the last one examined, so the segment
   is at most half the longest segment nearer;
2. for the points not settled, every segment whose midpoint is within the best distance found
   plus half the longest segment: these hold the nearest edge;
3. a point whose two nearest edges are within 1 micrometre of each other (a tie, e.g. a point
   nearest to a junction, where several edges meet) is left to the ``STRtree`` itself, so the
   edge chosen is always the one ``query_nearest`` gives; so are points more than 10 km
   outside the network's bounding box, for which the k-d tree is no faster.

Everything is in the network's projected CRS, in metres.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.spatial import cKDTree

#: Longest straight segment of the index, metres (longer ones are cut).
SEGMENT_M = 50.0
#: Nearest segments measured per point in the first round.
CANDIDATES = 8
#: Points measured at once (the candidates take about 120 bytes per point and candidate).
_CHUNK = 1 << 15
#: Points farther than this from the box around the segments (metres) go to the STRtree (as fast there).
_FAR_M = 10_000.0
#: Two edges this close to a point's nearest distance (metres, plus 1e-9 of it) are a tie.
_TIE_M = 1e-6


@dataclass(frozen=True)
class EdgeIndex:
    """Straight segments of a network's edges in a k-d tree of their midpoints.

    Attributes
    ----------
    tree : scipy.spatial.cKDTree
        The segments' midpoints (metres).
    start, step : numpy.ndarray
        Each segment's first point and its vector to the last point, shape (segments, 2), metres.
    edge : numpy.ndarray of int64
        The edge of each segment.
    half : float
        Half the length of the longest segment, metres.
    """

    tree: cKDTree
    start: np.ndarray
    step: np.ndarray
    edge: np.ndarray
    half: float


def edge_index(coords: np.ndarray, offsets: np.ndarray) -> EdgeIndex:
    """Build the index of a network's edges.

    Parameters
    ----------
    coords : numpy.ndarray
        The edges' vertices, shape (vertices, 2), metres.
    offsets : numpy.ndarray of int64
        Edge ``i``'s vertices are ``coords[offsets[i]:offsets[i + 1]]``.

    Returns
    -------
    EdgeIndex
    """
    last = np.zeros(len(coords), dtype=bool)
    last[offsets[1:] - 1] = True
    first = np.flatnonzero(~last)
    vector = coords[first + 1] - coords[first]
    count = np.maximum(np.ceil(np.hypot(*vector.T) / SEGMENT_M), 1).astype(np.int64)
    seg = np.repeat(np.arange(len(first)), count)
    k = np.arange(len(seg)) - np.repeat(np.cumsum(count) - count, count)
    step = vector[seg] / count[seg, None]
    start = coords[first][seg] + step * k[:, None]
    edge = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets) - 1)[seg]
    half = float(np.hypot(*step.T).max() / 2) if len(seg) else 0.0
    return EdgeIndex(cKDTree(start + step / 2, balanced_tree=False), start, step, edge, half)


def nearest_edges(index: EdgeIndex, xy: np.ndarray, *, tree: Callable[[], shapely.STRtree]) -> np.ndarray:
    """Return the nearest edge of every point, as ``tree.query_nearest`` gives it.

    Parameters
    ----------
    index : EdgeIndex
        The index of the edges.
    xy : numpy.ndarray
        Points, shape (points, 2), metres.
    tree : callable, keyword-only
        Returns the STRtree of the edges' lines, for ties, far points and coordinates that are
        not finite (called only when there are some).

    Returns
    -------
    numpy.ndarray of int64
        The nearest edge of each point (-1 when the tree is empty).
    """
    edge = np.full(len(xy), -1, dtype=np.int64)
    best = np.full(len(xy), np.inf)
    gap = np.hypot(*np.maximum(np.maximum(index.tree.mins - xy, xy - index.tree.maxes), 0.0).T)
    todo = np.flatnonzero(gap <= _FAR_M)  # not NaN, and near enough for the k-d tree to be the faster
    k = min(CANDIDATES, len(index.edge))
    for lo in range(0, len(todo) if k else 0, _CHUNK):
        at = todo[lo : lo + _CHUNK]
        reach, cand = index.tree.query(xy[at], k=k)
        beyond = reach.reshape(len(at), k)[:, -1] - index.half if k < len(index.edge) else np.full(len(at), np.inf)
        edge[at], best[at] = _settle(index, xy[at], cand.reshape(-1), np.full(len(at), k), beyond)
    todo = todo[edge[todo] < 0]
    for lo in range(0, len(todo) if k else 0, _CHUNK):
        at = todo[lo : lo + _CHUNK]
        lists = index.tree.query_ball_point(xy[at], (best[at] + index.half) * (1 + 1e-9) + 2 * _TIE_M)
        count = np.fromiter(map(len, lists), dtype=np.int64, count=len(at))
        if count.any():
            cand = np.concatenate([np.asarray(c, dtype=np.int64) for c in lists])
            has = at[count > 0]
            edge[has], _ = _settle(index, xy[has], cand, count[count > 0], np.full(len(has), np.inf))
    rest = np.flatnonzero(edge < 0)
    if len(rest):
        found, hit = tree().query_nearest(shapely.points(xy[rest]), all_matches=False)
        edge[rest[found]] = hit
    return edge


def _settle(
    index: EdgeIndex, xy: np.ndarray, cand: np.ndarray, count: np.ndarray, beyond: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return each point's nearest edge among its candidate segments (-1: not settled) and its distance (m).

    ``cand`` lists the candidate segments point by point (``count`` each, all above 0). An edge
    is settled when it is nearer, by more than the tie tolerance, than every other candidate
    edge and than ``beyond``, a lower bound of the distance to every segment not examined.
    """
    owner = np.repeat(np.arange(len(xy)), count)
    starts = np.cumsum(count) - count
    rel = xy[owner] - index.start[cand]
    step = index.step[cand]
    t = np.clip((rel * step).sum(axis=1) / np.maximum((step * step).sum(axis=1), 1e-300), 0.0, 1.0)
    dist = np.hypot(*(rel - t[:, None] * step).T)
    best = np.minimum.reduceat(dist, starts)
    edges = index.edge[cand]
    edge = np.minimum.reduceat(np.where(dist == best[owner], edges, np.iinfo(np.int64).max), starts)
    other = np.minimum.reduceat(np.where(edges != edge[owner], dist, np.inf), starts)
    margin = best + _TIE_M + 1e-9 * best
    return np.where((other > margin) & (beyond > margin), edge, -1), best


__all__ = ["CANDIDATES", "SEGMENT_M", "EdgeIndex", "edge_index", "nearest_edges"]
