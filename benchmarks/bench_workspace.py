"""Benchmark opening a planner's workspace (target: under 2 s), against the same inputs as plain files.

Run: .venv/bin/python benchmarks/bench_workspace.py [--repeat N] [--no-page]

The workspace holds the 168 demonstration sites as the planner's own site list, the 11 default
zones as lists of census subdivisions and 20 named scenarios. Measured, medians of ``--repeat``
runs (at least 3):

- reading and checking the file (:func:`esr_geo.workspace.open_workspace`), against the
  baseline of reading its six tables straight with pyogrio (row count, then the table, as
  ``open_workspace`` did before);
- the page's work after the upload, outside Streamlit (the functions the page calls, each run
  afresh): reading the workspace, checking its site file, analysing its sites and zones (which
  reads the zones, measures everyone and builds the tables; the site file the page has just
  checked is not read again);
- opening it and analysing its sites and zones (what the command line's ``--workspace`` does),
  against the baseline of the same sites and zones given as a site file and a zones file;
- on the page (AppTest): the script run after the workspace is uploaded (each repeat in a new
  session, under a new file name, so that nothing is cached: a workspace this server has not
  seen), against the run after the same sites and zones are uploaded as two files and a run
  that changes nothing; and the run after a workspace this server has already measured is
  opened again in a new session (a page reloaded, or a colleague opening the same file).

The result is checked: the workspace's analysis equals the files' analysis.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from esr_geo import startup, workspace
from esr_geo.analysis import AnalysisOptions, analyse
from esr_geo.model import load_base
from esr_geo.offices import demo_sites
from esr_geo.zones import default_zones

APP = Path(__file__).resolve().parent.parent / "app.py"


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def build(tmp: Path) -> tuple[Path, Path, Path]:
    """Write the workspace and, for the baseline, the same sites and zones as files."""
    base = load_base()
    sites = demo_sites(base).sites
    zones = default_zones(base)
    scenarios = [
        workspace.Scenario(
            f"Scenario {i}",
            closed=tuple(sites["site_id"].astype(str).iloc[i : i + 3]),
            added=(workspace.AddedSite(-85.0 + i / 10, 49.0, f"New {i}"),),
            threshold=30 + i,
        )
        for i in range(20)
    ]
    ws = workspace.workspace_of(sites, zones, csds=base.csds, scenarios=scenarios, labels=("demo as own", "zones"))
    path = tmp / "plan.gpkg"
    workspace.save_workspace(ws, path)
    opened = workspace.open_workspace(path)
    site_file, zone_file = workspace.site_file(opened), workspace.zone_file(opened)
    assert site_file is not None and zone_file is not None
    sites_csv, zones_csv = tmp / "sites.csv", tmp / "zones.csv"
    sites_csv.write_bytes(site_file[1])
    zones_csv.write_bytes(zone_file[1])
    return path, sites_csv, zones_csv


def read_tables(path: Path) -> dict[str, pd.DataFrame]:
    """Baseline: read the workspace's six tables straight with pyogrio (row count, then the table)."""
    import pyogrio

    out = {}
    for layer in workspace.TABLES:
        pyogrio.read_info(f"GPKG:{path}", layer=layer)
        out[layer] = pyogrio.read_dataframe(f"GPKG:{path}", layer=layer)
    return out


def page_work(path: Path, repeat: int) -> dict[str, float]:
    """Return the medians of the page's work after the upload, outside Streamlit (no cache: each run afresh)."""
    start = startup.shared_start()
    data = path.read_bytes()
    opened = workspace.read_workspace_bytes(data, name=path.name)
    found = workspace.site_file(opened), workspace.zone_file(opened)
    assert found[0] is not None and found[1] is not None
    sites, zones = startup.Upload(*found[0]), startup.Upload(*found[1])
    read_s, _ = timed(lambda: workspace.read_workspace_bytes(data, name=path.name), repeat)
    names = (f"{i}_{sites.name}" for i in itertools.count())  # a new name each time: not read before
    check_s, check = timed(
        lambda: startup.check_site_upload(startup.Upload(next(names), sites.data), base=start.base), repeat
    )
    assert check.state == "ok", check.message
    startup.check_site_upload(sites, base=start.base)  # as the page does: checked, then analysed
    analyse_s, _ = timed(lambda: startup.measured_analysis(start, sites=sites, zones=zones, skip_invalid=False), repeat)
    return {"read": read_s, "check": check_s, "analyse": analyse_s}


def _open(at: Any, name: str, data: bytes) -> float:
    at.sidebar.file_uploader(key="ws_file").set_value((name, data, "application/geopackage+sqlite3"))
    t0 = time.perf_counter()
    at.run()
    took = time.perf_counter() - t0
    assert not at.exception, [e.value for e in at.exception]
    assert any("is open: 20 scenarios" in s.value for s in at.sidebar.success), "the workspace did not open"
    return took


def page_times(path: Path, sites_csv: Path, zones_csv: Path, repeat: int) -> tuple[float, float, float, float]:
    """Return the page's script runs (medians, each in a fresh session).

    After uploading a workspace this server has not seen; after uploading the same sites and
    zones as two files; a run that changes nothing; and after uploading a workspace this server
    has already measured (the first repeat's file, again).
    """
    from streamlit.testing.v1 import AppTest

    opened, files, idle, again = [], [], [], []
    data = path.read_bytes()
    for i in range(repeat):
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.run()
        t0 = time.perf_counter()
        at.run()
        idle.append(time.perf_counter() - t0)
        opened.append(_open(at, f"plan_{i}.gpkg", data))  # a new name: nothing of it is cached yet
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.run()
        again.append(_open(at, "plan_0.gpkg", data))  # measured by the first repeat: the caches answer
        at = AppTest.from_file(str(APP), default_timeout=300)
        at.run()
        at.sidebar.radio(key="sites_source.en").set_value("upload")
        at.sidebar.radio(key="zones_source.en").set_value("upload")
        at.run()
        at.sidebar.file_uploader(key="sites_file").set_value((f"s{i}.csv", sites_csv.read_bytes(), "text/csv"))
        at.sidebar.file_uploader(key="zones_file").set_value((f"z{i}.csv", zones_csv.read_bytes(), "text/csv"))
        t0 = time.perf_counter()
        at.run()
        files.append(time.perf_counter() - t0)
        assert not at.exception, [e.value for e in at.exception]
    return statistics.median(opened), statistics.median(files), statistics.median(idle), statistics.median(again)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-page", action="store_true", help="skip the page (AppTest) measurement")
    args = parser.parse_args()
    repeat = max(3, args.repeat)
    base = load_base()
    options = AnalysisOptions(on="2024-06-01")
    with tempfile.TemporaryDirectory(prefix="esr_geo_bench_ws_") as tmp:
        path, sites_csv, zones_csv = build(Path(tmp))
        size = path.stat().st_size
        read_s, ws = timed(lambda: workspace.open_workspace(path), repeat)
        raw_s, raw = timed(lambda: read_tables(path), repeat)
        assert len(raw["sites"]) == len(ws.sites) and len(raw["scenarios"]) == len(ws.scenarios)
        work = page_work(path, repeat)
        full_s, got = timed(
            lambda: workspace.analyse_workspace(workspace.open_workspace(path), base, options=options), repeat
        )
        files_s, want = timed(lambda: analyse(base, offices=sites_csv, zones=zones_csv, options=options), repeat)
        for key, table in want.tables.items():  # the workspace gives the same analysis as the files
            pd.testing.assert_frame_equal(got.tables[key], table)
        page = None if args.no_page else page_times(path, sites_csv, zones_csv, repeat)
    print(
        f"workspace: {size / 1e6:.2f} MB, {len(ws.sites)} sites, {len(ws.zones)} zones, {len(ws.scenarios)} scenarios"
    )
    print(f"{'measure':<62} {'median s':>9}")
    print(f"{'read and check the workspace file':<62} {read_s:>9.3f}")
    print(f"{'baseline: its six tables read straight with pyogrio':<62} {raw_s:>9.3f}")
    print(f"{'page work, outside Streamlit: read the workspace upload':<62} {work['read']:>9.3f}")
    print(f"{'page work: check its site file':<62} {work['check']:>9.3f}")
    print(f"{'page work: analyse its sites and zones (site file checked before)':<62} {work['analyse']:>9.3f}")
    print(f"{'open the workspace and analyse its sites and zones':<62} {full_s:>9.3f}")
    print(f"{'baseline: the same sites and zones as a site file and zones file':<62} {files_s:>9.3f}")
    if page is not None:
        print(f"{'page: script run after uploading the workspace (AppTest)':<62} {page[0]:>9.3f}")
        print(f"{'page baseline: the same sites and zones uploaded as two files':<62} {page[1]:>9.3f}")
        print(f"{'page baseline: a script run that changes nothing':<62} {page[2]:>9.3f}")
        print(f"{'page: the same workspace opened again (already measured)':<62} {page[3]:>9.3f}")
    target = page[0] if page is not None else full_s
    print(f"target: opening a workspace under 2 s -> {'met' if target < 2 else 'NOT met'} ({target:.2f} s)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
