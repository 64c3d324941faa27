"""Benchmark the road network: graph building, the cache and the nearest site by drive time.

Baselines measured in the same run: networkx's ``multi_source_dijkstra`` (and pandana's
``nearest_pois`` when pandana is installed) on the same graph, with the same sites.

Run: .venv/bin/python benchmarks/bench_network.py [--repeat N] [--quick]

The scale case runs in child processes (``--scale-child``) so that their peak memory is their
own: ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``, read by the parent while it is still
small, and each child's ``VmHWM``. Its road grid is synthetic benchmark input, never data
shown to planners.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

#: The synthetic grid's CRS (NAD83 / UTM zone 17N, metres) and south-west corner (near London, Ontario).
GRID_CRS = "EPSG:26917"
GRID_ORIGIN_M = (450_000.0, 4_750_000.0)
GRID_STEP_M = 100.0
OTTAWA_CSDUID = "3506008"


T = TypeVar("T")


def timed(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Median wall-clock seconds of ``repeat`` calls (at least one), and the last result."""
    times = []
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def vm_hwm_mb() -> float:
    """Return this process's peak resident memory (``VmHWM``), MB (10^6 bytes)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    return float("nan")


# --------------------------------------------------------------------------------------
# The scale case (child process)


def grid_layer(side: int, seed: int = 7) -> Any:
    """Return a synthetic road grid of ``side`` x ``side`` nodes, 100 m apart, as a RoadLayer.

    Every 50th row and column is a 100 km/h highway, every 10th a 60 km/h arterial, the rest
    40 km/h streets; one row in four is one way (alternately east and west bound).
    """
    import geopandas as gpd
    import shapely

    from esr_geo.roads import RoadLayer

    x0, y0 = GRID_ORIGIN_M
    idx = np.arange(side)
    r, c = np.meshgrid(idx, idx[:-1], indexing="ij")  # horizontal: (r, c) -> (r, c + 1)
    h = np.stack([np.stack([c, r], -1), np.stack([c + 1, r], -1)], axis=-2).reshape(-1, 2, 2)
    h_line = r.ravel()
    c2, r2 = np.meshgrid(idx, idx[:-1], indexing="ij")  # vertical: (r, c) -> (r + 1, c)
    v = np.stack([np.stack([c2, r2], -1), np.stack([c2, r2 + 1], -1)], axis=-2).reshape(-1, 2, 2)
    v_line = c2.ravel()
    coords = np.concatenate([h, v]).astype(float) * GRID_STEP_M + np.array([x0, y0])
    line = np.concatenate([h_line, v_line])
    kmh = np.where(line % 50 == 0, 100.0, np.where(line % 10 == 0, 60.0, 40.0))
    horizontal = np.arange(len(line)) < len(h_line)
    oneway = np.where(horizontal & (line % 4 == 1), 1, np.where(horizontal & (line % 4 == 3), -1, 0)).astype("int8")
    order = np.random.default_rng(seed).permutation(len(line))  # no help from a tidy input order
    frame = gpd.GeoDataFrame(
        {"road_class": np.full(len(line), "", dtype=object), "kmh": kmh[order], "oneway": oneway[order]},
        geometry=shapely.linestrings(coords[order]),
        crs=GRID_CRS,
    )
    return RoadLayer(lines=frame, schema="speed", path=Path("synthetic-grid"), speeds_source="file")


def scale_child(side: int, n_origins: int, n_sites: int) -> None:
    """Build the grid's graph and find every origin's nearest site; print the timings as JSON."""
    import pyproj

    from esr_geo.network import build_network, drive_times, nearest_by_road

    t0 = time.perf_counter()
    layer = grid_layer(side)
    rng = np.random.default_rng(11)
    span = (side - 1) * GRID_STEP_M
    to_lonlat = pyproj.Transformer.from_crs(GRID_CRS, "EPSG:4326", always_xy=True)
    ox, oy = to_lonlat.transform(*(rng.uniform(0, span, (2, n_origins)) + np.array(GRID_ORIGIN_M)[:, None]))
    sx, sy = to_lonlat.transform(*(rng.uniform(0, span, (2, n_sites)) + np.array(GRID_ORIGIN_M)[:, None]))
    input_s = time.perf_counter() - t0
    before_mb = vm_hwm_mb()
    t0 = time.perf_counter()
    network = build_network(layer)
    build_s = time.perf_counter() - t0
    del layer
    t0 = time.perf_counter()
    drive_times(network, (np.asarray(sx), np.asarray(sy)))
    search_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = nearest_by_road(network, (np.asarray(ox), np.asarray(oy)), (np.asarray(sx), np.asarray(sy)))
    nearest_s = time.perf_counter() - t0
    reached = int((result.reach == 0).sum())
    assert reached == n_origins, f"only {reached:,} of {n_origins:,} origins reached a site on a connected grid"
    print(
        json.dumps(
            {
                "nodes": network.n_nodes,
                "edges": network.n_edges,
                "arcs": len(network.arc_tail),
                "input_s": input_s,
                "build_s": build_s,
                "search_s": search_s,
                "nearest_s": nearest_s,
                "input_peak_mb": before_mb,
                "peak_mb": vm_hwm_mb(),
                "median_min": float(np.median(result.minutes)),
            }
        )
    )


def run_scale(side: int, n_origins: int, n_sites: int, repeat: int) -> tuple[list[dict[str, Any]], float, float]:
    """Run the scale case in ``repeat`` child processes; their results, and the parent's and children's peak MB."""
    parent_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--scale-child", str(side), str(n_origins), str(n_sites)],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / 1e6
    return runs, parent_mb, children_mb


# --------------------------------------------------------------------------------------
# Baselines on the Ottawa graph


def networkx_graph(network: Any, times: Any) -> tuple[Any, list[int], np.ndarray]:
    """Return the reversed road graph with one virtual node per joined site, as ours searches it."""
    import networkx as nx  # type: ignore[import-untyped]

    graph = nx.DiGraph()
    graph.add_weighted_edges_from(
        zip(network.arc_head.tolist(), network.arc_tail.tolist(), network.arc_min.tolist(), strict=True)
    )
    joined = np.flatnonzero(times.sites.ok)
    n, t = network.n_nodes, network.edge_minutes
    for k, s in enumerate(joined):
        e, f, a = times.sites.edge[s], times.sites.fraction[s], times.site_access_min[s]
        arcs = []
        if network.edge_oneway[e] >= 0:  # reaching the site from u drives u -> v
            arcs.append((network.edge_u[e], a + f * t[e]))
        if network.edge_oneway[e] <= 0:
            arcs.append((network.edge_v[e], a + (1 - f) * t[e]))
        for node, w in arcs:
            old = graph.get_edge_data(n + k, int(node), {"weight": np.inf})["weight"]
            graph.add_edge(n + k, int(node), weight=min(old, w))
    return graph, list(range(n, n + len(joined))), joined


def networkx_search(graph: Any, sources: list[int], joined: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Minutes and nearest site of every node by networkx's multi_source_dijkstra."""
    import networkx as nx

    dist, paths = nx.multi_source_dijkstra(graph, set(sources))
    minutes = np.full(n, np.inf)
    site = np.full(n, -1, dtype=np.int64)
    for node, d in dist.items():
        if node < n:
            minutes[node] = d
            site[node] = joined[paths[node][0] - n]
    return minutes, site


def via_node_times(network: Any, times: Any, minutes: np.ndarray, site: np.ndarray, origins: Any) -> np.ndarray:
    """Origins' minutes to their nearest site from node minutes found by a baseline (ours for the rest)."""
    from dataclasses import replace

    from esr_geo.network import DriveOptions, _xy, along_edges, join

    options = DriveOptions()
    other = replace(times, minutes=minutes, site=site, road_m=np.zeros(len(minutes)))
    x, y = _xy(network, origins, "origins")
    joined = join(network, x, y, max_access_km=options.max_access_km)
    ok = np.flatnonzero(joined.ok)
    mins, _, _ = along_edges(network, other, joined.edge[ok], joined.fraction[ok])
    out = np.full(len(x), np.nan)
    out[ok] = mins + joined.access_km[ok] / options.access_speed_kmh * 60.0
    return out


def pandana_case(network: Any, times: Any, repeat: int) -> dict[str, Any]:
    """Time pandana's nearest_pois on the forward graph plus one POI node per joined site (or say why not)."""
    try:
        import pandana  # type: ignore[import-untyped]
        import pandas as pd
    except ImportError as exc:
        return {"error": f"not installed ({exc})"}
    joined = np.flatnonzero(times.sites.ok)
    n, t = network.n_nodes, network.edge_minutes
    # one POI node per site, placed apart from the roads so that set_pois snaps each site to its own node
    west, south = network.node_xy.min(axis=0)
    site_xy = np.column_stack([west - 10_000.0 - 1_000.0 * np.arange(len(joined)), np.full(len(joined), south)])
    tails, heads, weights = [network.arc_tail], [network.arc_head], [network.arc_min]
    xs, ys = [network.node_xy[:, 0]], [network.node_xy[:, 1]]
    for k, s in enumerate(joined):
        e, f, a = times.sites.edge[s], times.sites.fraction[s], times.site_access_min[s]
        for node, w, ok in (
            (network.edge_u[e], a + f * t[e], network.edge_oneway[e] >= 0),
            (network.edge_v[e], a + (1 - f) * t[e], network.edge_oneway[e] <= 0),
        ):
            if ok:
                tails.append(np.array([node]))
                heads.append(np.array([n + k]))
                weights.append(np.array([w]))
    xs.append(site_xy[:, 0])
    ys.append(site_xy[:, 1])
    nodes = pd.DataFrame({"x": np.concatenate(xs), "y": np.concatenate(ys)})
    edges = pd.DataFrame(
        {"from": np.concatenate(tails), "to": np.concatenate(heads), "minutes": np.concatenate(weights)}
    )
    t0 = time.perf_counter()
    net = pandana.Network(nodes["x"], nodes["y"], edges["from"], edges["to"], edges[["minutes"]], twoway=False)
    horizon = float(np.nanmax(times.minutes[np.isfinite(times.minutes)])) + 1.0
    build_s = time.perf_counter() - t0

    def query() -> np.ndarray:
        net.set_pois("site", horizon, 1, site_xy[:, 0], site_xy[:, 1])
        return net.nearest_pois(horizon, "site", num_pois=1).to_numpy()[:, 0]

    query_s, dist = timed(query, repeat)
    minutes = np.asarray(dist, dtype=float)[:n]
    finite = np.isfinite(times.minutes)
    return {
        "build_s": build_s,
        "query_s": query_s,
        "max_diff_min": float(np.abs(minutes[finite] - times.minutes[finite]).max()),
        "version": pandana.__version__,
    }


# --------------------------------------------------------------------------------------
# Report


def row(case: str, ours: str, baseline: str, ratio: str, target: str, met: str) -> str:
    """One Markdown table row."""
    return f"| {case} | {ours} | {baseline} | {ratio} | {target} | {met} |"


def yes(ok: bool) -> str:
    """'yes' or '**no**'."""
    return "yes" if ok else "**no**"


def main() -> None:
    """Run every case and print the table for benchmarks/README.md."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="smaller scale run (for a smoke test)")
    parser.add_argument(
        "--scale-child", nargs=3, type=int, metavar=("SIDE", "ORIGINS", "SITES"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.scale_child:
        scale_child(*args.scale_child)
        return
    repeat = max(1, args.repeat)
    # 1. scale first, while this process is small (a child's ru_maxrss can include the parent's at the fork)
    side, n_origins, n_sites = (317, 100_000, 100) if args.quick else (1_001, 1_000_000, 1_000)
    runs, parent_mb, children_mb = run_scale(side, n_origins, n_sites, 1 if args.quick else 3)
    med = {k: statistics.median(r[k] for r in runs) for k in ("build_s", "search_s", "nearest_s", "peak_mb")}
    scale_total = statistics.median(r["build_s"] + r["nearest_s"] for r in runs)
    first = runs[0]
    print(
        f"scale: synthetic grid {first['nodes']:,} nodes, {first['edges']:,} edges ({first['arcs']:,} arcs), "
        f"{n_origins:,} origins, {n_sites:,} sites, {len(runs)} child run(s)\n"
        f"  build graph {med['build_s']:.2f} s, drive_times alone {med['search_s']:.2f} s, nearest_by_road "
        f"{med['nearest_s']:.2f} s; build + nearest {scale_total:.2f} s (medians)\n"
        f"  peak RSS: children's ru_maxrss {children_mb:,.0f} MB (parent at the fork {parent_mb:,.0f} MB); "
        f"children's VmHWM {', '.join(format(r['peak_mb'], ',.0f') for r in runs)} MB "
        f"(of which input {first['input_peak_mb']:,.0f} MB)"
    )

    from esr_geo import settings
    from esr_geo.model import load_base
    from esr_geo.network import DriveOptions, _xy, drive_times, join, load_network, nearest_by_road
    from esr_geo.offices import demo_sites

    path = settings.data_dir() / "roads" / "ottawa_road_network_file_2021.gpkg"
    cold_s, network = timed(lambda: load_network(path, cache=False), repeat)
    with tempfile.TemporaryDirectory(prefix="bench_network_") as folder:
        load_network(path, cache=folder)
        cached_s, cached = timed(lambda: load_network(path, cache=folder), repeat)
        assert np.array_equal(cached.arc_min, network.arc_min) and np.array_equal(cached.arc_tail, network.arc_tail)

        base = load_base()
        pts = base.points[base.points["CSDUID"] == OTTAWA_CSDUID]
        sites = demo_sites(base).sites
        in_person = sites[sites["in_person"].astype(bool)].reset_index(drop=True)  # as drive.measure_by_road
        origins = (pts["lon"].to_numpy(dtype=float), pts["lat"].to_numpy(dtype=float))
        site_ll = (in_person["lon"].to_numpy(dtype=float), in_person["lat"].to_numpy(dtype=float))
        fresh_s, _ = timed(lambda: nearest_by_road(load_network(path, cache=folder), origins, site_ll), repeat)
    warm_s, result = timed(lambda: nearest_by_road(network, origins, site_ll), repeat)
    search_s, times = timed(lambda: drive_times(network, site_ll), 20 * repeat)  # milliseconds: more runs
    sx, sy = _xy(network, site_ll, "sites")
    join_s, _ = timed(lambda: join(network, sx, sy, max_access_km=DriveOptions().max_access_km), 20 * repeat)
    dijkstra_s = search_s - join_s
    print(
        f"Ottawa RNF: {network.n_nodes:,} nodes, {network.n_edges:,} edges; {len(pts):,} blocks; "
        f"{len(in_person)} in-person sites, {int(times.sites.ok.sum())} within 5 km of its roads\n"
        f"  graph from the file (no cache) {cold_s:.3f} s, from the cache {cached_s:.4f} s\n"
        f"  nearest_by_road: {warm_s:.3f} s ({fresh_s:.3f} s on a network just read from the cache, edge index "
        f"built); drive_times (the search) {search_s:.4f} s, of which joining the sites {join_s:.4f} s"
    )

    graph_s, (graph, sources, joined) = timed(lambda: networkx_graph(network, times), 1)
    nx_s, (nx_min, nx_site) = timed(lambda: networkx_search(graph, sources, joined, network.n_nodes), min(repeat, 3))
    finite = np.isfinite(times.minutes)
    assert np.array_equal(np.isfinite(nx_min), finite), "networkx and esr-geo reach different nodes"
    assert np.abs(nx_min[finite] - times.minutes[finite]).max() < 1e-9, "networkx and esr-geo disagree"
    site_diff = int((nx_site[finite] != times.site[finite]).sum())
    assert site_diff == 0, f"networkx picks another site at {site_diff} nodes"
    nx_full_s, nx_origin_min = timed(
        lambda: via_node_times(network, times, *networkx_search(graph, sources, joined, network.n_nodes), origins),
        min(repeat, 3),
    )
    ok = np.isfinite(result.minutes)
    assert np.abs(np.asarray(nx_origin_min)[ok] - result.minutes[ok]).max() < 1e-9, (
        "networkx and esr-geo disagree (blocks)"
    )
    print(
        f"  networkx {__import__('networkx').__version__}: graph {graph_s:.2f} s; multi_source_dijkstra "
        f"{nx_s:.3f} s -> {nx_s / search_s:.0f}x ours; with the same joins and last step {nx_full_s:.3f} s -> "
        f"{nx_full_s / warm_s:.1f}x ours; node minutes identical (< 1e-9 min), same sites"
    )
    pan = pandana_case(network, times, repeat)
    print(f"  pandana: {pan}")

    print()
    print("| case | esr-geo | baseline (same run) | ratio | target | met |")
    print("|---|---|---|---|---|---|")
    print(row("Ottawa RNF graph from the file, no cache", f"{cold_s:.2f} s", "n/a", "n/a", "< 5 s", yes(cold_s < 5)))
    print(row("Ottawa RNF graph from the cache", f"{cached_s:.3f} s", "n/a", "n/a", "< 0.5 s", yes(cached_s < 0.5)))
    print(
        row(
            f"nearest site by drive time, {len(pts):,} blocks (`nearest_by_road`)",
            f"{warm_s:.3f} s ({fresh_s:.3f} s fresh)",
            f"{nx_full_s:.3f} s networkx search + the same joins",
            f"{nx_full_s / warm_s:.1f}x",
            "< 0.5 s",
            yes(max(warm_s, fresh_s) < 0.5),
        )
    )
    print(
        row(
            f"the search alone (`drive_times`: join the {len(in_person)} sites, Dijkstra, road km)",
            f"{search_s * 1000:.1f} ms",
            f"{nx_s * 1000:.0f} ms `multi_source_dijkstra` (sites joined beforehand)",
            f"{nx_s / search_s:.1f}x",
            ">= 20x",
            yes(nx_s / search_s >= 20),
        )
    )
    print(
        row(
            "the same without joining the sites (`drive_times` - `join`)",
            f"{dijkstra_s * 1000:.1f} ms",
            f"{nx_s * 1000:.0f} ms",
            f"{nx_s / dijkstra_s:.1f}x",
            ">= 20x",
            yes(nx_s / dijkstra_s >= 20),
        )
    )
    if "query_s" in pan:
        print(
            row(
                "pandana `nearest_pois` (contraction hierarchies)",
                f"{search_s * 1000:.1f} ms",
                f"{pan['query_s'] * 1000:.1f} ms query + {pan['build_s']:.2f} s to build its network",
                f"{pan['query_s'] / search_s:.1f}x (minutes within {pan['max_diff_min']:.3f} of ours)",
                "n/a",
                "n/a",
            )
        )
    print(
        row(
            f"scale: {first['edges']:,} edges, {n_origins:,} origins, {n_sites:,} sites (build + `nearest_by_road`)",
            f"{scale_total:.1f} s, peak {children_mb / 1000:.2f} GB",
            "n/a",
            "n/a",
            "< 30 s, < 4 GB",
            yes(scale_total < 30 and children_mb < 4000),
        )
    )


if __name__ == "__main__":
    main()
