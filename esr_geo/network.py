"""The routable road graph and the drive-time search: nearest site by drive time for every point.

**Graph.** A node is every vertex where roads meet: the end points of every line and every
vertex that two lines share (OpenStreetMap ways share nodes part-way along; Road Network File
and ORN segments meet at their end points) or that one line passes twice. Vertices are matched
to the millimetre. An edge is the stretch of a line between two nodes, with its length
(metres), speed (km/h) and one-way flag; its time is ``length / speed``. Each edge gives one
directed arc per direction it may be driven (one-way streets one arc); of parallel arcs between
the same two nodes the fastest is kept (before the sparse matrix is built, which would add
them). Pieces: nodes joined by arcs in either direction form a piece; piece 0 is the largest.

**Joining.** Each point (a population point or a site) joins the network at the nearest point
of the nearest edge (:mod:`esr_geo.edge_index`: the edge a shapely STRtree over the edges'
lines gives, found faster; then ``line_locate_point``); the leg from the point to the road is
its straight line at :attr:`DriveOptions.access_speed_kmh`.
A point farther than :attr:`DriveOptions.max_access_km` from every road has no road access
(:data:`NO_ROAD_ACCESS`). A point at fraction ``f`` along an edge ``u -> v`` of time ``t``
drives ``(1 - f) t`` to ``v`` and, if the edge is two-way, ``f t`` to ``u``.

**Search.** People travel to the site, so one multi-source Dijkstra runs from the sites on the
reversed graph (``scipy.sparse.csgraph.dijkstra``, ``min_only``): each site is a virtual node
whose arcs to its edge's end nodes cost its access leg plus the partial edge time. This gives,
for every node, the minutes to the nearest site and which site; a point then takes the best
of its edge's two end nodes, or drives along its own edge when a site is on it. The road
kilometres of that route come from the predecessors, summed by pointer doubling (a few
vectorised passes, no loop over nodes). A point joined to a piece no site can reach is
:data:`NOT_CONNECTED`.

**Cache.** A built graph is cached by :mod:`esr_geo.network_cache` (its functions are
importable from here too).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyproj
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import connected_components, dijkstra

from esr_geo import settings
from esr_geo.edge_index import EdgeIndex, edge_index, nearest_edges
from esr_geo.errors import InputError
from esr_geo.geodesy import invalid_lonlat
from esr_geo.network_cache import CACHE_VERSION, cache_path, file_digest, load_network, network_key
from esr_geo.roads import RoadLayer

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]

#: Reach codes of :attr:`DriveResult.reach`.
REACHED = 0
NO_ROAD_ACCESS = 1
NOT_CONNECTED = 2

#: Vertices closer than this, in metres, are the same node.
_SNAP_M = 0.001
#: Minutes per metre at 1 km/h.
_MIN_PER_M_KMH = 60.0 / 1000.0
_NONE = -9999  # scipy's "no predecessor"


@dataclass(frozen=True)
class DriveOptions:
    """How points join the road network.

    Attributes
    ----------
    access_speed_kmh : float
        Speed of the straight leg from a point to its road, in km/h (> 0).
    max_access_km : float
        A point farther than this from every road, in km, has no road access (> 0).
    """

    access_speed_kmh: float = settings.ACCESS_SPEED_KMH
    max_access_km: float = settings.MAX_ACCESS_KM

    def __post_init__(self) -> None:
        for name, unit in (("access_speed_kmh", "km/h"), ("max_access_km", "km")):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and np.isfinite(value) and value > 0):
                raise InputError(
                    f"{name.replace('_', ' ')}: expected a number of {unit} above 0, not {value!r}.", parameter=name
                )


@dataclass(frozen=True)
class DriveResult:
    """Nearest site by drive time, one row per origin (numpy arrays).

    Attributes
    ----------
    site : numpy.ndarray of int64
        Position of the nearest site in the sites given (-1: none).
    minutes : numpy.ndarray of float
        Drive minutes, access legs at both ends included (NaN: none).
    road_km : numpy.ndarray of float
        Kilometres along the roads of that route (NaN: none).
    access_km : numpy.ndarray of float
        Straight-line km from the origin to the nearest point of the nearest road (the
        distance beyond ``max_access_km`` for points without road access).
    reach : numpy.ndarray of int8
        :data:`REACHED`, :data:`NO_ROAD_ACCESS` or :data:`NOT_CONNECTED`.
    piece : numpy.ndarray of int64
        Connected piece of the origin's road (0 the main piece; -1 no road access).
    sites_joined : numpy.ndarray of bool
        Per site given: within ``max_access_km`` of a road (a site that is not cannot serve).
    site_access_km : numpy.ndarray of float
        Per site given: straight-line km to its road (NaN for a site farther than
        ``max_access_km`` from the box around the network's roads: not measured).
    """

    site: np.ndarray
    minutes: np.ndarray
    road_km: np.ndarray
    access_km: np.ndarray
    reach: np.ndarray
    piece: np.ndarray
    sites_joined: np.ndarray
    site_access_km: np.ndarray


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A routable road network in a projected CRS in metres.

    Attributes
    ----------
    path : pathlib.Path
        The road file.
    schema : str
        The schema recognised (see :mod:`esr_geo.roads`).
    speeds_source : str
        ``'default'``, ``'file'`` (the layer's speed column) or the speeds file's path.
    digest : str
        The cache key: SHA-256 of the road file, the speeds table and :data:`CACHE_VERSION`.
    crs : str
        The network's CRS (WKT).
    node_xy : numpy.ndarray
        Node coordinates, shape (nodes, 2), metres.
    edge_u, edge_v : numpy.ndarray of int64
        End nodes of each edge, in the digitised direction.
    edge_m : numpy.ndarray of float
        Length of each edge, metres.
    edge_kmh : numpy.ndarray of float
        Speed of each edge, km/h.
    edge_oneway : numpy.ndarray of int8
        0 both ways, 1 from ``u`` to ``v`` only, -1 from ``v`` to ``u`` only.
    edge_class : numpy.ndarray of str
        Road class of each edge.
    edge_offsets, edge_coords : numpy.ndarray
        Edge ``i``'s vertices are ``edge_coords[edge_offsets[i]:edge_offsets[i + 1]]`` (metres).
    arc_tail, arc_head : numpy.ndarray of int64
        Directed arcs (fastest of parallel arcs, no loops).
    arc_min, arc_m : numpy.ndarray of float
        Minutes and metres of each arc.
    node_piece : numpy.ndarray of int64
        Connected piece of each node (0: the largest).
    piece_nodes, piece_edges : numpy.ndarray of int64
        Nodes and edges of each piece.
    fastest_kmh : float
        The highest speed on the network, km/h.
    road_km : float
        Total length of the roads, km.
    details : dict
        From reading the file: ``layer``, ``dropped``, ``dropped_classes``, ``maxspeed_used``,
        ``maxspeed_unparsed``, ``source_crs``, ``reprojected``.
    """

    path: Path
    schema: str
    speeds_source: str
    digest: str
    crs: str
    node_xy: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_m: np.ndarray
    edge_kmh: np.ndarray
    edge_oneway: np.ndarray
    edge_class: np.ndarray
    edge_offsets: np.ndarray
    edge_coords: np.ndarray
    arc_tail: np.ndarray
    arc_head: np.ndarray
    arc_min: np.ndarray
    arc_m: np.ndarray
    node_piece: np.ndarray
    piece_nodes: np.ndarray
    piece_edges: np.ndarray
    fastest_kmh: float
    road_km: float
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_xy)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.edge_u)

    @cached_property
    def edge_minutes(self) -> np.ndarray:
        """Minutes to drive each edge end to end."""
        return self.edge_m * _MIN_PER_M_KMH / self.edge_kmh

    @property
    def edge_piece(self) -> np.ndarray:
        """Connected piece of each edge."""
        return self.node_piece[self.edge_u]

    def pieces(self) -> pd.DataFrame:
        """Return the connected pieces: ``piece`` (0 the main one), ``nodes``, ``edges``, ``road_km``."""
        km = np.bincount(self.edge_piece, weights=self.edge_m, minlength=len(self.piece_nodes)) / 1000.0
        return pd.DataFrame(
            {
                "piece": np.arange(len(self.piece_nodes)),
                "nodes": self.piece_nodes,
                "edges": self.piece_edges,
                "road_km": km,
            }
        )

    @cached_property
    def edge_lines(self) -> np.ndarray:
        """The edges as shapely LineStrings (metres)."""
        index = np.repeat(np.arange(self.n_edges), np.diff(self.edge_offsets))
        return np.asarray(shapely.linestrings(self.edge_coords, indices=index), dtype=object)

    @cached_property
    def tree(self) -> shapely.STRtree:
        """A spatial index of :attr:`edge_lines`."""
        return shapely.STRtree(self.edge_lines)

    @cached_property
    def edge_index(self) -> EdgeIndex:
        """A k-d tree of the edges' straight segments, to join points (see :mod:`esr_geo.edge_index`)."""
        return edge_index(self.edge_coords, self.edge_offsets)

    @cached_property
    def reversed_arcs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The reversed graph (head to tail) as CSR rows: row pointers, columns, minutes and metres."""
        order = np.lexsort((self.arc_tail, self.arc_head))
        indptr = np.concatenate([[0], np.cumsum(np.bincount(self.arc_head, minlength=self.n_nodes))])
        return indptr.astype(np.int64), self.arc_tail[order], self.arc_min[order], self.arc_m[order]

    @cached_property
    def from_lonlat(self) -> pyproj.Transformer:
        """Transformer from WGS 84 longitude/latitude to the network's CRS."""
        return pyproj.Transformer.from_crs(settings.DISPLAY_CRS, pyproj.CRS.from_wkt(self.crs), always_xy=True)


# --------------------------------------------------------------------------------------
# Building the graph


def _vertices(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coordinates, line of each vertex and snapped integer keys, consecutive repeats removed."""
    coords, line_of = shapely.get_coordinates(lines, return_index=True)
    key = np.round(coords / _SNAP_M).astype(np.int64)
    repeat = np.zeros(len(coords), dtype=bool)
    repeat[1:] = (line_of[1:] == line_of[:-1]) & (key[1:] == key[:-1]).all(axis=1)
    return coords[~repeat], line_of[~repeat], key[~repeat]


def _node_flags(line_of: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertex group id (same key) and whether each vertex is a node (line end, or shared)."""
    low = key.min(axis=0) if len(key) else np.zeros(2, dtype=np.int64)
    span = key.max(axis=0) - low + 1 if len(key) else np.ones(2, dtype=np.int64)
    if int(span[0]) * int(span[1]) < 2**62:  # one int64 per vertex, in the same (x, y) order: a faster sort
        flat = (key[:, 0] - low[0]) * span[1] + (key[:, 1] - low[1])
        order = np.argsort(flat)
        sorted_flat = flat[order]
        new = np.ones(len(key), dtype=bool)
        new[1:] = sorted_flat[1:] != sorted_flat[:-1]
    else:
        order = np.lexsort((key[:, 1], key[:, 0]))
        sorted_key = key[order]
        new = np.ones(len(key), dtype=bool)
        new[1:] = (sorted_key[1:] != sorted_key[:-1]).any(axis=1)
    group = np.empty(len(key), dtype=np.int64)
    group[order] = np.cumsum(new) - 1
    shared = np.bincount(group)[group] > 1
    first = np.ones(len(key), dtype=bool)
    first[1:] = line_of[1:] != line_of[:-1]
    last = np.ones(len(key), dtype=bool)
    last[:-1] = line_of[1:] != line_of[:-1]
    return group, first | last | shared


@dataclass(frozen=True)
class _Topology:
    node_xy: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_m: np.ndarray
    edge_line: np.ndarray
    edge_offsets: np.ndarray
    edge_coords: np.ndarray


def _topology(lines: np.ndarray) -> _Topology:
    """Split lines at their nodes into edges (vectorised over all vertices)."""
    coords, line_of, key = _vertices(lines)
    group, is_node = _node_flags(line_of, key)
    pos = np.flatnonzero(is_node)
    present = np.zeros(group.max() + 1 if len(group) else 0, dtype=bool)
    present[group[pos]] = True  # groups are numbered 0, 1, ...: no sort needed to number the nodes
    node_id = np.where(present, np.cumsum(present) - 1, -1)
    first_vertex = np.full(int(present.sum()), len(pos), dtype=np.int64)
    np.minimum.at(first_vertex, node_id[group[pos]], np.arange(len(pos)))
    node_xy = coords[pos[first_vertex]]
    same_line = line_of[pos[1:]] == line_of[pos[:-1]]
    start, end = pos[:-1][same_line], pos[1:][same_line]
    step = np.zeros(len(coords))
    step[1:] = np.hypot(*(coords[1:] - coords[:-1]).T)
    step[1:][line_of[1:] != line_of[:-1]] = 0.0
    run = np.cumsum(step)
    sizes = end - start + 1
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    take = np.arange(offsets[-1]) - np.repeat(offsets[:-1] - start, sizes)
    return _Topology(
        node_xy=node_xy,
        edge_u=node_id[group[start]],
        edge_v=node_id[group[end]],
        edge_m=run[end] - run[start],
        edge_line=line_of[start],
        edge_offsets=offsets.astype(np.int64),
        edge_coords=coords[take],
    )


def _arcs(
    u: np.ndarray, v: np.ndarray, minutes: np.ndarray, metres: np.ndarray, oneway: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Directed arcs of the edges, loops dropped, the fastest of parallel arcs kept."""
    fwd, bwd = oneway >= 0, oneway <= 0
    tail = np.concatenate([u[fwd], v[bwd]])
    head = np.concatenate([v[fwd], u[bwd]])
    mins = np.concatenate([minutes[fwd], minutes[bwd]])
    m = np.concatenate([metres[fwd], metres[bwd]])
    keep = tail != head
    tail, head, mins, m = tail[keep], head[keep], mins[keep], m[keep]
    pair = tail.astype(np.int64) * (int(head.max()) + 1 if len(head) else 1) + head  # (tail, head) order
    order = np.argsort(pair, kind="stable")
    twin = np.zeros(len(order), dtype=bool)  # parallel arcs: order them by minutes, then metres
    twin[1:] = pair[order][1:] == pair[order][:-1]
    twin[:-1] |= twin[1:]
    if twin.any():
        sub = order[twin]
        order[twin] = sub[np.lexsort((m[sub], mins[sub], pair[sub]))]
    tail, head, mins, m = tail[order], head[order], mins[order], m[order]
    first = np.ones(len(tail), dtype=bool)
    first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    return tail[first], head[first], mins[first], m[first]


def _pieces(n: int, tail: np.ndarray, head: np.ndarray, edge_u: np.ndarray) -> tuple[np.ndarray, ...]:
    """Weakly connected pieces, relabelled by size (0 the largest), with node and edge counts."""
    graph = sp.csr_matrix((np.ones(len(tail)), (tail, head)), shape=(n, n))
    _, labels = connected_components(graph, directed=True, connection="weak")
    sizes = np.bincount(labels)
    rank = np.empty(len(sizes), dtype=np.int64)
    rank[np.lexsort((np.arange(len(sizes)), -sizes))] = np.arange(len(sizes))
    piece = rank[labels]
    return piece, np.bincount(piece, minlength=len(sizes)), np.bincount(piece[edge_u], minlength=len(sizes))


def build_network(layer: RoadLayer, *, digest: str = "") -> RoadNetwork:
    """Build the routable graph of a road layer.

    Parameters
    ----------
    layer : esr_geo.roads.RoadLayer
        The roads, as :func:`esr_geo.roads.read_roads` gives them.
    digest : str, keyword-only
        The cache key to record (see :func:`network_key`).

    Returns
    -------
    RoadNetwork
        Nodes at every shared vertex, edges between them, arcs and pieces.
    """
    lines = layer.lines
    topo = _topology(lines.geometry.to_numpy())
    kmh = lines["kmh"].to_numpy(dtype=float)[topo.edge_line]
    oneway = lines["oneway"].to_numpy(dtype=np.int8)[topo.edge_line]
    minutes = topo.edge_m * _MIN_PER_M_KMH / kmh
    tail, head, arc_min, arc_m = _arcs(topo.edge_u, topo.edge_v, minutes, topo.edge_m, oneway)
    piece, piece_nodes, piece_edges = _pieces(len(topo.node_xy), tail, head, topo.edge_u)
    return RoadNetwork(
        path=layer.path,
        schema=layer.schema,
        speeds_source=layer.speeds_source,
        digest=digest,
        crs=pyproj.CRS.from_user_input(lines.crs).to_wkt(),
        node_xy=topo.node_xy,
        edge_u=topo.edge_u,
        edge_v=topo.edge_v,
        edge_m=topo.edge_m,
        edge_kmh=kmh,
        edge_oneway=oneway,
        edge_class=lines["road_class"].to_numpy(dtype=str)[topo.edge_line],
        edge_offsets=topo.edge_offsets,
        edge_coords=topo.edge_coords,
        arc_tail=tail,
        arc_head=head,
        arc_min=arc_min,
        arc_m=arc_m,
        node_piece=piece,
        piece_nodes=piece_nodes,
        piece_edges=piece_edges,
        fastest_kmh=float(kmh.max()),
        road_km=float(topo.edge_m.sum() / 1000.0),
        details={
            "layer": layer.layer,
            "dropped": dict(layer.dropped),
            "dropped_classes": dict(layer.dropped_classes),
            "maxspeed_used": layer.maxspeed_used,
            "maxspeed_unparsed": dict(layer.maxspeed_unparsed),
            "source_crs": layer.source_crs,
            "reprojected": layer.reprojected,
        },
    )


# --------------------------------------------------------------------------------------
# Joining points to the network


@dataclass(frozen=True)
class Joined:
    """Points joined to their nearest road edge.

    Attributes
    ----------
    ok : numpy.ndarray of bool
        Within the largest access distance of a road.
    edge : numpy.ndarray of int64
        The nearest edge (-1 when not ``ok``).
    fraction : numpy.ndarray of float
        Position of the joining point along the edge (0 at ``u``, 1 at ``v``).
    access_km : numpy.ndarray of float
        Straight-line km from the point to the edge.
    """

    ok: np.ndarray
    edge: np.ndarray
    fraction: np.ndarray
    access_km: np.ndarray


def _xy(network: RoadNetwork, lonlat: tuple[np.ndarray, np.ndarray], what: str) -> tuple[np.ndarray, np.ndarray]:
    lon = np.asarray(lonlat[0], dtype=float)
    lat = np.asarray(lonlat[1], dtype=float)
    if lon.shape != lat.shape or lon.ndim != 1:
        raise InputError(f"{what}: longitude and latitude must be two arrays of the same length.", parameter=what)
    bad = invalid_lonlat(lon, lat)
    if bad.any():
        raise InputError(
            f"{what}: {int(bad.sum()):,} coordinate(s) are missing or not degrees (first at position "
            f"{int(np.argmax(bad))}); expected WGS 84 longitude and latitude.",
            parameter=what,
        )
    x, y = network.from_lonlat.transform(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def join(
    network: RoadNetwork, x: np.ndarray, y: np.ndarray, *, max_access_km: float, measure_far: bool = True
) -> Joined:
    """Join points (in the network's CRS, metres) to the nearest point of the nearest edge.

    Parameters
    ----------
    network : RoadNetwork
        The network.
    x, y : numpy.ndarray
        Point coordinates in the network's CRS, metres.
    max_access_km : float, keyword-only
        Points farther than this from every road, in km, are not joined (``ok`` False); their
        ``access_km`` is still their distance to the nearest road.
    measure_far : bool, keyword-only
        With False, points farther than ``max_access_km`` from the box around the network's
        roads (so from every road) are not measured: not joined, ``access_km`` NaN. The sites
        of a province-wide list mostly lie far from a city's network; this spares their search.

    Returns
    -------
    Joined
        Per point: joined or not, edge, fraction along it and straight-line km.
    """
    points = np.asarray(shapely.points(x, y), dtype=object)
    n = len(points)
    edge = np.full(n, -1, dtype=np.int64)
    access_m = np.full(n, np.nan)
    if n and network.n_edges:
        xy = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
        index = network.edge_index
        near = np.ones(n, dtype=bool)
        if not measure_far:  # the box of the segments' midpoints, widened by half the longest segment
            gap = np.hypot(*np.maximum(np.maximum(index.tree.mins - xy, xy - index.tree.maxes), 0.0).T)
            near = gap <= max_access_km * 1000.0 + index.half
        edge[near] = nearest_edges(index, xy[near], tree=lambda: network.tree)  # the STRtree only if needed
        has = edge >= 0
        access_m[has] = shapely.distance(points[has], network.edge_lines[edge[has]])
    ok = (edge >= 0) & (access_m <= max_access_km * 1000.0)
    fraction = np.full(n, np.nan)
    fraction[ok] = np.clip(shapely.line_locate_point(network.edge_lines[edge[ok]], points[ok], normalized=True), 0, 1)
    return Joined(ok=ok, edge=np.where(ok, edge, -1), fraction=fraction, access_km=access_m / 1000.0)


def near_network(network: RoadNetwork, lon: np.ndarray, lat: np.ndarray, *, max_access_km: float) -> np.ndarray:
    """Return, per point, whether it is within ``max_access_km`` of a road of the network.

    Parameters
    ----------
    network : RoadNetwork
        The network.
    lon, lat : numpy.ndarray
        Points in degrees (WGS 84).
    max_access_km : float, keyword-only
        Largest straight-line distance to a road, in km.

    Returns
    -------
    numpy.ndarray of bool
        True for the points within that distance of a road.
    """
    x, y = _xy(network, (lon, lat), "points")
    points = np.asarray(shapely.points(x, y), dtype=object)
    near = np.zeros(len(points), dtype=np.bool_)
    if len(points):
        found, _ = network.tree.query_nearest(points, max_distance=max_access_km * 1000.0, all_matches=False)
        near[found] = True
    return near


# --------------------------------------------------------------------------------------
# The search


@dataclass(frozen=True)
class NodeTimes:
    """Minutes from every node to its nearest site (reversed multi-source Dijkstra).

    Attributes
    ----------
    minutes : numpy.ndarray of float
        Per node: drive minutes to the nearest site, its access leg included (inf: none).
    site : numpy.ndarray of int64
        Per node: position of that site in the sites given (-1: none).
    road_m : numpy.ndarray of float
        Per node: metres of road on that route.
    sites : Joined
        How each site joined the network.
    site_access_min : numpy.ndarray of float
        Per site: minutes of its access leg.
    """

    minutes: np.ndarray
    site: np.ndarray
    road_m: np.ndarray
    sites: Joined
    site_access_min: np.ndarray


def _site_arcs(network: RoadNetwork, sites: Joined, access_min: np.ndarray) -> tuple[np.ndarray, ...]:
    """Arcs from each joined site's virtual node to its edge's end nodes (reversed graph)."""
    n = network.n_nodes
    idx = np.flatnonzero(sites.ok)
    # sites joined at the same place are one source, named by the lowest position (ties)
    place = np.column_stack([sites.edge[idx], sites.fraction[idx], sites.access_km[idx]])
    idx = idx[np.sort(np.unique(place, axis=0, return_index=True)[1])]
    e, f = sites.edge[idx], sites.fraction[idx]
    t, m, o = network.edge_minutes[e], network.edge_m[e], network.edge_oneway[e]
    virtual = n + np.arange(len(idx))
    # reaching the site from u drives u -> v (needs o >= 0); from v drives v -> u (needs o <= 0)
    from_u, from_v = o >= 0, o <= 0
    rows = np.concatenate([virtual[from_u], virtual[from_v]])
    cols = np.concatenate([network.edge_u[e][from_u], network.edge_v[e][from_v]])
    weight = np.concatenate(
        [access_min[idx][from_u] + f[from_u] * t[from_u], access_min[idx][from_v] + (1 - f[from_v]) * t[from_v]]
    )
    metres = np.concatenate([f[from_u] * m[from_u], (1 - f[from_v]) * m[from_v]])
    order = np.lexsort((weight, cols, rows))  # a loop edge gives two arcs to one node: keep the faster
    rows, cols, weight, metres = rows[order], cols[order], weight[order], metres[order]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    return rows[first], cols[first], weight[first], metres[first], idx


def _road_metres(pred: np.ndarray, keys: np.ndarray, metres: np.ndarray, size: int) -> np.ndarray:
    """Sum, for every node, the metres of its predecessor chain (pointer doubling)."""
    nodes = np.arange(len(pred))
    has = pred >= 0
    hop = np.zeros(len(pred))
    at = np.searchsorted(keys, pred[has].astype(np.int64) * size + nodes[has])
    hop[has] = metres[at]
    ptr = np.where(has, pred, nodes)
    while True:
        nxt = ptr[ptr]
        if np.array_equal(nxt, ptr):
            return hop
        hop = hop + hop[ptr]
        ptr = nxt


def drive_times(
    network: RoadNetwork,
    sites_lonlat: tuple[np.ndarray, np.ndarray],
    *,
    options: DriveOptions | None = None,
    limit_min: float = np.inf,
) -> NodeTimes:
    """Run the multi-source search from the sites: minutes, site and road metres for every node.

    Parameters
    ----------
    network : RoadNetwork
        The network.
    sites_lonlat : tuple of numpy.ndarray
        Site longitudes and latitudes, degrees (WGS 84).
    options : DriveOptions, optional, keyword-only
        Access speed and distance (defaults from :mod:`esr_geo.settings`).
    limit_min : float, keyword-only
        Stop the search at this many minutes (nodes beyond get inf).

    Returns
    -------
    NodeTimes
        Per node, and how each site joined.

    Raises
    ------
    InputError
        If no site is within ``max_access_km`` of a road (the network misses every site), or
        the coordinates are not degrees.
    """
    options = options or DriveOptions()
    x, y = _xy(network, sites_lonlat, "sites")
    sites = join(network, x, y, max_access_km=options.max_access_km, measure_far=False)
    if not sites.ok.any():
        raise InputError(
            f"The road network misses every site: none of the {len(x):,} site(s) is within "
            f"{options.max_access_km:g} km of a road of {network.path.name}. Give a network that covers the sites, "
            "or a larger largest access distance.",
            parameter="sites",
        )
    access_min = sites.access_km / options.access_speed_kmh * 60.0
    rows, cols, weight, metres, joined_idx = _site_arcs(network, sites, access_min)
    n, size = network.n_nodes, network.n_nodes + len(joined_idx)
    indptr, road_cols, road_min, road_m = network.reversed_arcs
    # the sites' rows follow the nodes' rows, sorted by row and column as _site_arcs gives them
    indptr = np.concatenate([indptr, indptr[-1] + np.cumsum(np.bincount(rows - n, minlength=len(joined_idx)))])
    all_cols = np.concatenate([road_cols, cols])
    graph = sp.csr_matrix((np.concatenate([road_min, weight]), all_cols, indptr), shape=(size, size))
    dist, pred, src = dijkstra(
        graph, directed=True, indices=np.arange(n, size), return_predecessors=True, min_only=True, limit=limit_min
    )
    keys = np.repeat(np.arange(size, dtype=np.int64), np.diff(indptr)) * size + all_cols  # ascending
    road_m = _road_metres(pred, keys, np.concatenate([road_m, metres]), size)
    site = np.where(src[:n] >= n, joined_idx[np.clip(src[:n] - n, 0, None)], -1)
    return NodeTimes(minutes=dist[:n], site=site, road_m=road_m[:n], sites=sites, site_access_min=access_min)


@dataclass(frozen=True)
class _Best:
    minutes: np.ndarray
    site: np.ndarray
    road_m: np.ndarray


def _via_nodes(network: RoadNetwork, times: NodeTimes, edge: np.ndarray, frac: np.ndarray) -> _Best:
    """Best of an edge point's two end nodes (road part only, no access leg)."""
    u, v = network.edge_u[edge], network.edge_v[edge]
    t, m, o = network.edge_minutes[edge], network.edge_m[edge], network.edge_oneway[edge]
    via_v = np.where(o >= 0, (1 - frac) * t + times.minutes[v], np.inf)
    via_u = np.where(o <= 0, frac * t + times.minutes[u], np.inf)
    use_v = via_v <= via_u
    return _Best(
        minutes=np.where(use_v, via_v, via_u),
        site=np.where(use_v, times.site[v], times.site[u]),
        road_m=np.where(use_v, (1 - frac) * m + times.road_m[v], frac * m + times.road_m[u]),
    )


def _same_edge(network: RoadNetwork, times: NodeTimes, edge: np.ndarray, frac: np.ndarray, best: _Best) -> None:
    """Let points drive along their own edge to a site on it, where that is faster (in place)."""
    sites = times.sites
    s_idx = np.flatnonzero(sites.ok)
    order = np.argsort(sites.edge[s_idx], kind="stable")
    s_idx = s_idx[order]
    s_edge = sites.edge[s_idx]
    lo, hi = np.searchsorted(s_edge, edge, "left"), np.searchsorted(s_edge, edge, "right")
    count = hi - lo
    if not count.any():
        return
    point = np.repeat(np.arange(len(edge)), count)
    site = s_idx[np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count) + np.repeat(lo, count)]
    e, g, f = edge[point], frac[point], sites.fraction[site]
    t, m, o = network.edge_minutes[e], network.edge_m[e], network.edge_oneway[e]
    ahead = np.where((f >= g) & (o >= 0), (f - g) * t, np.inf)
    behind = np.where((f <= g) & (o <= 0), (g - f) * t, np.inf)
    minutes = np.minimum(ahead, behind) + times.site_access_min[site]
    better = np.flatnonzero(minutes < best.minutes[point])
    better = better[np.lexsort((minutes[better], point[better]))]
    first = np.ones(len(better), dtype=bool)
    first[1:] = point[better][1:] != point[better][:-1]
    better = better[first]  # the fastest site on the edge for each point
    best.minutes[point[better]] = minutes[better]
    best.site[point[better]] = site[better]
    best.road_m[point[better]] = (np.abs(f - g) * m)[better]


def along_edges(network: RoadNetwork, times: NodeTimes, edge: np.ndarray, frac: np.ndarray) -> tuple[np.ndarray, ...]:
    """Minutes, site and road metres to the nearest site from points on edges (no access leg).

    Parameters
    ----------
    network : RoadNetwork
        The network.
    times : NodeTimes
        The search from the sites.
    edge : numpy.ndarray of int64
        The edge of each point.
    frac : numpy.ndarray of float
        The point's position along it (0 at ``u``, 1 at ``v``).

    Returns
    -------
    minutes, site, road_m : numpy.ndarray
        Drive minutes (inf: no site reachable), site position (-1) and metres of road.
    """
    best = _via_nodes(network, times, edge, frac)
    _same_edge(network, times, edge, frac, best)
    return best.minutes, best.site, best.road_m


def nearest_by_road(
    network: RoadNetwork,
    origins_lonlat: tuple[np.ndarray, np.ndarray],
    sites_lonlat: tuple[np.ndarray, np.ndarray],
    *,
    options: DriveOptions | None = None,
) -> DriveResult:
    """Return the nearest site by drive time of every origin, with the minutes and road km of the route.

    Parameters
    ----------
    network : RoadNetwork
        The network (see :func:`load_network`).
    origins_lonlat : tuple of numpy.ndarray
        Origin longitudes and latitudes, degrees (WGS 84; NAD83 is within 2 m of it in Ontario).
    sites_lonlat : tuple of numpy.ndarray
        Site longitudes and latitudes, degrees.
    options : DriveOptions, optional, keyword-only
        Access speed and largest access distance.

    Returns
    -------
    DriveResult
        One row per origin, and per site whether it joined the network.

    Raises
    ------
    InputError
        If the coordinates are not degrees, or no site is within the largest access distance of
        a road.
    """
    options = options or DriveOptions()
    times = drive_times(network, sites_lonlat, options=options)
    x, y = _xy(network, origins_lonlat, "origins")
    joined = join(network, x, y, max_access_km=options.max_access_km)
    n = len(x)
    minutes = np.full(n, np.nan)
    road_km = np.full(n, np.nan)
    site = np.full(n, -1, dtype=np.int64)
    reach = np.full(n, NO_ROAD_ACCESS, dtype=np.int8)
    ok = np.flatnonzero(joined.ok)
    mins, best_site, road_m = along_edges(network, times, joined.edge[ok], joined.fraction[ok])
    found = np.isfinite(mins)
    reach[ok] = np.where(found, REACHED, NOT_CONNECTED)
    hit = ok[found]
    minutes[hit] = mins[found] + joined.access_km[hit] / options.access_speed_kmh * 60.0
    road_km[hit] = road_m[found] / 1000.0
    site[hit] = best_site[found]
    piece = np.full(n, -1, dtype=np.int64)
    piece[ok] = network.edge_piece[joined.edge[ok]]
    return DriveResult(
        site=site,
        minutes=minutes,
        road_km=road_km,
        access_km=joined.access_km,
        reach=reach,
        piece=piece,
        sites_joined=times.sites.ok,
        site_access_km=times.sites.access_km,
    )


__all__ = [
    "CACHE_VERSION",
    "NOT_CONNECTED",
    "NO_ROAD_ACCESS",
    "REACHED",
    "DriveOptions",
    "DriveResult",
    "Joined",
    "NodeTimes",
    "RoadNetwork",
    "along_edges",
    "build_network",
    "cache_path",
    "drive_times",
    "file_digest",
    "join",
    "load_network",
    "near_network",
    "nearest_by_road",
    "network_key",
]
