"""Benchmark the in-person access engine against a brute-force baseline in the same run.

Run: .venv/bin/python benchmarks/bench_access.py [--repeat N] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import pyproj

from esr_geo.access import SiteIndex
from esr_geo.analysis import AnalysisOptions, run_analysis
from esr_geo.communities import load_communities
from esr_geo.model import load_base
from esr_geo.offices import demo_sites

GEOD = pyproj.Geod(ellps="WGS84")


def brute_nearest(
    plon: np.ndarray, plat: np.ndarray, slon: np.ndarray, slat: np.ndarray, chunk: int = 2000
) -> np.ndarray:
    """Nearest-site distance (km) by computing every point-site geodesic distance."""
    out = np.empty(len(plon))
    m = len(slon)
    for start in range(0, len(plon), chunk):
        lo = plon[start : start + chunk]
        la = plat[start : start + chunk]
        _, _, d = GEOD.inv(np.repeat(lo, m), np.repeat(la, m), np.tile(slon, len(lo)), np.tile(slat, len(lo)))
        out[start : start + len(lo)] = np.asarray(d).reshape(len(lo), m).min(axis=1) / 1000
    return out


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="smaller scale run (for a smoke test)")
    args = parser.parse_args()

    t0 = time.perf_counter()
    base = load_base()
    sites = demo_sites(base).sites
    communities, _ = load_communities(base)
    load_s = time.perf_counter() - t0
    pts = base.points
    print(f"loading (base + demo sites + communities, warm cache): {load_s:.2f} s")

    # 1. the real report: every population point and community x the demonstration sites
    analysis_s, analysis = timed(
        lambda: run_analysis(
            base, sites, sites_source="demo", communities=communities, options=AnalysisOptions(on="2024-06-01")
        ),
        args.repeat,
    )
    slon, slat = sites["lon"].to_numpy(), sites["lat"].to_numpy()
    nearest_s, (_, km) = timed(lambda: SiteIndex(slon, slat).nearest(pts["lon"], pts["lat"]), args.repeat)
    brute_s, ref = timed(lambda: brute_nearest(pts["lon"].to_numpy(), pts["lat"].to_numpy(), slon, slat), 1)
    assert np.allclose(km, ref, rtol=0, atol=1e-9), "engine and brute force disagree"
    print(
        f"real data: {len(pts):,} population points x {len(sites)} sites\n"
        f"  full analysis (access + zones + 5 tables), median of {args.repeat}: {analysis_s:.3f} s\n"
        f"  nearest-site step alone, median of {args.repeat}: {nearest_s:.3f} s\n"
        f"  brute-force baseline (every geodesic distance), 1 run: {brute_s:.2f} s\n"
        f"  speed-up of the nearest-site step: {brute_s / nearest_s:,.0f}x; results identical"
    )
    del analysis

    # 2. the scale run: 1,000,000 points x 10,000 sites spread over Ontario's extent
    n_pts, n_sites = (100_000, 1_000) if args.quick else (1_000_000, 10_000)
    rng = np.random.default_rng(42)
    plon, plat = rng.uniform(-95.2, -74.3, n_pts), rng.uniform(41.7, 56.9, n_pts)
    qlon, qlat = rng.uniform(-95.2, -74.3, n_sites), rng.uniform(41.7, 56.9, n_sites)
    scale_s, (_, km2) = timed(lambda: SiteIndex(qlon, qlat).nearest(plon, plat), 3)
    sample = rng.choice(n_pts, 1_000, replace=False)
    sub_s, ref2 = timed(lambda: brute_nearest(plon[sample], plat[sample], qlon, qlat, chunk=100), 1)
    assert np.allclose(km2[sample], ref2, rtol=0, atol=1e-9), "engine and brute force disagree (scale)"
    brute_full = sub_s * n_pts / len(sample)
    print(
        f"scale: {n_pts:,} points x {n_sites:,} sites\n"
        f"  engine, median of 3: {scale_s:.2f} s\n"
        f"  brute force on 1,000 sampled points: {sub_s:.2f} s -> {brute_full:,.0f} s extrapolated to all points\n"
        f"  speed-up: {brute_full / scale_s:,.0f}x; sampled results identical"
    )


if __name__ == "__main__":
    main()
