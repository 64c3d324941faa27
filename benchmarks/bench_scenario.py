"""Benchmark the scenario tools: closures, and new-site suggestions (greedy vs the optimum).

Run: .venv/bin/python benchmarks/bench_scenario.py [--repeat N] [--quick]

Prints medians of ``--repeat`` runs (at least 3) on the whole province with the demonstration
sites, and the greedy-to-optimum ratio wherever the exact problem is solved.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from esr_geo import scenario
from esr_geo.analysis import Analysis, AnalysisOptions, run_analysis
from esr_geo.communities import load_communities
from esr_geo.model import load_base
from esr_geo.offices import demo_sites


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def suggestion_rows(analysis: Analysis, ks: tuple[int, ...], repeat: int, label: str) -> None:
    print(f"\n{label}")
    print(
        f"{'K':>3} {'greedy s':>9} {'with exact s':>13} {'demand':>10} {'greedy':>10} {'optimum':>10} "
        f"{'ratio':>8}  solver"
    )
    for k in ks:
        greedy_s, _ = timed(lambda k=k: scenario.suggest_sites(analysis, k=k, exact=False), repeat)
        full_s, res = timed(lambda k=k: scenario.suggest_sites(analysis, k=k), repeat)
        opt = "-" if res.optimum_population is None else f"{res.optimum_population:,}"
        ratio = "-" if res.ratio is None else f"{100 * res.ratio:.2f}%"
        print(
            f"{k:>3} {greedy_s:>9.3f} {full_s:>13.3f} {res.demand_population:>10,} {res.greedy_population:>10,} "
            f"{opt:>10} {ratio:>8}  {res.exact_method}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="fewer scenarios (for a smoke test)")
    args = parser.parse_args()
    repeat = max(3, args.repeat)

    t0 = time.perf_counter()
    base = load_base()
    sites = demo_sites(base).sites
    communities, _ = load_communities(base)
    analysis = run_analysis(
        base, sites, sites_source="demo", communities=communities, options=AnalysisOptions(on="2024-06-01")
    )
    print(f"loading (base + demo sites + communities + analysis, warm cache): {time.perf_counter() - t0:.2f} s")
    print(f"medians of {repeat} runs")

    # closures: the incremental re-measure against re-running the whole analysis
    site_id = "3514"  # Kenora Service Canada Centre
    close_s, closure = timed(lambda: scenario.close_sites(analysis, [site_id]), repeat)
    rest = sites[sites["site_id"].astype(str) != site_id]
    rerun_s, _ = timed(
        lambda: run_analysis(
            base, rest, sites_source="demo", communities=communities, options=AnalysisOptions(on="2024-06-01")
        ),
        repeat,
    )
    print(
        f"\nclosure of {closure.closed['name'].iloc[0]}: {close_s:.3f} s "
        f"(full re-run of the analysis: {rerun_s:.3f} s)\n"
        f"  {closure.people_newly_beyond:,} non-reserve people newly beyond 50 km; zones pass -> fail: "
        f"{', '.join(closure.zones_newly_failing) or 'none'}; "
        f"{len(closure.communities_losing_access)} communities lose access"
    )

    # the first exact solve pays for importing spopt (and its PySAL dependencies)
    t0 = time.perf_counter()
    scenario.suggest_sites(analysis, k=1)
    print(f"\nfirst suggestion in the process (imports spopt): {time.perf_counter() - t0:.2f} s")

    ks = (1, 5, 20)
    suggestion_rows(analysis, ks, repeat, "new sites, whole province, demonstration sites, 50 km")
    if args.quick:
        return
    t0 = time.perf_counter()
    nw = scenario.suggest_sites(analysis, k=3, catchment="northwest")
    print(
        f"\nNorthwest catchment, K = 3 (the test's case): {time.perf_counter() - t0:.3f} s, greedy "
        f"{nw.greedy_population:,} / optimum {nw.optimum_population:,} = {100 * (nw.ratio or 0):.2f}%: "
        + ", ".join(nw.to_frame()["name"])
    )
    for km in (25.0, 15.0, 10.0):
        tighter = run_analysis(
            base,
            sites,
            sites_source="demo",
            communities=communities,
            options=AnalysisOptions(on="2024-06-01", threshold_km=km),
        )
        suggestion_rows(tighter, ks, repeat, f"new sites, whole province, demonstration sites, {km:g} km (stress)")

    # spopt's dense model against the same model built sparsely in PuLP, one mid-size instance
    tighter = run_analysis(
        base,
        sites,
        sites_source="demo",
        communities=communities,
        options=AnalysisOptions(on="2024-06-01", threshold_km=15),
    )
    pts = tighter.points
    mask = ~pts["is_reserve"] & ~pts["within"] & (pts["population"] > 0)
    cands = scenario.candidate_sites(tighter)
    rel = scenario.coverage_relation(
        pts.loc[mask, ["lon", "lat"]].to_numpy(),
        cands[["lon", "lat"]].to_numpy(),
        pts.loc[mask, "threshold_km"].to_numpy(),
    )
    w = pts.loc[mask, "population"].to_numpy(float)
    print("\nexact solvers on the 15 km instance, K = 20 (median of 3)")
    for method in ("spopt", "pulp"):
        secs, res = timed(lambda method=method: scenario.exact_max_cover(rel, w, 20, method=method), 3)
        print(
            f"  {res.method:<26} {res.groups:,} groups x {res.candidates} candidates: {secs:.2f} s, "
            f"optimum {res.total:,.0f}"
        )


if __name__ == "__main__":
    main()
