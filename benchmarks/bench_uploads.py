"""Benchmark uploads: peak memory (max RSS) and wall time of the largest accepted files and of hostile ones.

Run: .venv/bin/python benchmarks/bench_uploads.py [--repeat N] [--hostile-repeat N] [--quick] [--only NAME ...]

Every file is built by the benchmark in a temporary folder (``--keep DIR`` keeps them):

1. the largest accepted upload of each format: site lists of 100,000 rows (the row cap) as
   CSV, Excel .xlsx, GeoJSON, GeoPackage and zipped shapefile, each filled as close to the
   25 MB site-file limit as the caps allow (points drawn from the bundle's population
   points, so inside Ontario; long but legal text: every field within its character cap);
   the GeoJSON again with one 500-character note in an extra column (legal: esr-geo does
   not read it); 100,000 postal-code-only rows (real Ontario codes: the postal-code
   lookup); the largest zones table (all 577 census subdivisions, 200-character zone
   names); a zones polygon
   GeoPackage just under the 100 MB zones limit (Voronoi cells around population points,
   clipped to Ontario and densified); and ``esr-geo validate`` on the largest CSV;
2. the hostile files of the upload review: a 20 KB CSV with one 20,000-character site name;
   workbooks whose sheet claims ``<dimension ref="A1:XFD1048576"/>`` (39 KB and 346 KB); a
   GeoPackage whose only layer is a recursive view; 900,000 error rows (15 MB, over the row
   cap); a CSV header followed by 20 M blank lines; 2 M postal-code-only rows (24 MB); 4,000
   zone polygons (the overlap check), adjacent and, as a worst case, all overlapping their
   neighbours; an OGR VRT saved as .geojson; and a 7 MB GeoJSON of 10,000 sites whose extra
   column holds one 5,000,000-character note.

Each run of a case is a fresh Python process (this script with ``--child``) that loads the
base geography, then reads the file as the planner's page does (``validate_sites`` for site
files, ``read_zones`` for zones). Its peak memory is its own maximum resident set size
(``VmHWM``); the baseline is a process that only loads the base geography. The process also
reports the call's own peak (its peak during the call minus its resident memory just before).
"Time" is the reading and validating call alone (the whole process for ``esr-geo validate``).
Targets (upload review): peak memory of any accepted upload < 1.5 GB; every hostile file
refused or read in bounded time and memory.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve()
MB = 1_000_000  # the limits are in 10**6 bytes
N_ROWS = 100_000  # settings.UPLOAD_MAX_ROWS
TEXT_MAX = 200  # settings.UPLOAD_TEXT_MAX_CHARS
SITE_LIMIT = 25 * MB  # settings.SITE_FILE_MAX_MB
ZONES_LIMIT = 100 * MB  # settings.ZONES_FILE_MAX_MB
TARGET_GB = 1.5
TIMEOUT_S = 240.0  # a run that takes longer is killed and reported
KILL_MB = 8_000  # a run whose resident memory passes this (MB) is killed and reported
SEED = 20261124

STREETS = ("King Street West", "Queen Street East", "Yonge Street", "Dundas Street", "Main Street North",
           "Water Street", "Front Street", "Bay Street", "Lakeshore Road", "Highway 17", "Algonquin Boulevard",
           "Regent Street", "Memorial Avenue", "Second Avenue", "Princess Street", "Ouellette Avenue",
           "Richmond Street", "Barton Street East", "Elgin Street", "Rue Principale")  # fmt: skip
ORGS = ("Employment Ontario", "Service Canada", "YMCA Employment Services", "ACCES Employment", "Collège Boréal",
        "Northern Lights Employment Centre", "Workforce Windsor-Essex", "Agilec", "WCG Services",
        "Fedcap Canada")  # fmt: skip
SITE_TYPES = ("Service Canada Centre", "Employment service provider", "Scheduled outreach site", "Satellite office")

PASSWD_VRT = """<OGRVRTDataSource>
  <OGRVRTLayer name="sites">
    <SrcDataSource>CSV:/etc/passwd</SrcDataSource>
    <SrcLayer>passwd</SrcLayer>
  </OGRVRTLayer>
</OGRVRTDataSource>
"""


# --------------------------------------------------------------------------------------
# The child: one case in a fresh process


def child(kind: str, path: str) -> None:
    """Load the base geography, read one file as the planner's page does, print a JSON line.

    Peaks are this process's own ``VmHWM`` (a child's ``ru_maxrss`` would also count the
    parent's memory at the time of the fork). ``kind`` 'cli' runs ``esr-geo validate PATH``
    (``esr_geo.cli.main``, what the console script calls) instead.
    """
    t0 = time.perf_counter()
    if kind == "cli":
        _child_cli(path, t0)
        return
    from esr_geo.errors import InputError
    from esr_geo.model import load_base

    base = load_base()
    loaded_s = time.perf_counter() - t0
    load_peak = _vm_mb("VmHWM")
    rss_before = _vm_mb("VmRSS")
    with contextlib.suppress(OSError):  # reset the peak, so that VmHWM is now the call's own peak
        Path("/proc/self/clear_refs").write_text("5")
    t1 = time.perf_counter()
    try:
        if kind == "baseline":
            outcome = f"base geography loaded ({len(base.points):,} population points)"
        elif kind == "sites":
            from esr_geo.offices import validate_sites

            outcome = _site_outcome(validate_sites(path, base=base))
        elif kind == "zones":
            from esr_geo.zones import read_zones

            zones = read_zones(path, base=base)
            outcome = f"accepted: {len(zones):,} zones"
        else:
            raise SystemExit(f"unknown child kind {kind!r}")
    except InputError as exc:
        outcome = "refused: " + " ".join(str(exc).split())
    except Exception as exc:  # what the planner's page would show as an unexpected error
        outcome = f"unexpected error (not an InputError): {type(exc).__name__}: {' '.join(str(exc).split())}"
    seconds = time.perf_counter() - t1
    call_peak = _vm_mb("VmHWM")
    print(
        json.dumps(
            {
                "outcome": outcome,
                "seconds": seconds,
                "load_s": loaded_s,
                "peak_mb": max(load_peak, call_peak),
                "added_mb": call_peak - rss_before,
            }
        )
    )


def _child_cli(path: str, t0: float) -> None:
    import io

    from esr_geo.cli import main as cli_main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(["validate", path])
    last = (out.getvalue().strip().splitlines() or err.getvalue().strip().splitlines() or [""])[-1]
    outcome = f"exit {code}: {' '.join(last.split())}"
    seconds = time.perf_counter() - t0
    print(json.dumps({"outcome": outcome, "seconds": seconds, "peak_mb": _vm_mb("VmHWM"), "added_mb": math.nan}))


def _site_outcome(load: object) -> str:
    problems = load.problems  # type: ignore[attr-defined]
    sites = load.sites  # type: ignore[attr-defined]
    errors = problems[problems["severity"] == "error"]
    n_bad = int(errors["row"].nunique())
    n_warn = int((problems["severity"] == "warning").sum())
    if sites.empty:
        first = errors["problem"].iloc[0] if len(errors) else "no rows"
        return f"refused: every row has an error ({_n(n_bad, 'row')}; first: {first})"
    text = f"accepted: {_n(len(sites), 'site')}"
    if n_bad:
        text += f", {_n(n_bad, 'row')} with errors"
    if n_warn:
        text += f", {_n(n_warn, 'warning')}"
    return text


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _vm_mb(key: str, pid: int | str = "self") -> float:
    """Return a memory figure of ``/proc/PID/status`` (``VmRSS``, ``VmHWM``), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(rf"^{key}:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) * 1024 / MB if match else 0.0


# --------------------------------------------------------------------------------------
# Running a case: a fresh process that reports its own peak RSS


@dataclass
class Run:
    """One run of a case: the reading call's seconds, the process's seconds and peak RSS, the outcome."""

    seconds: float
    process_s: float
    peak_mb: float
    outcome: str
    added_mb: float = float("nan")  # peak during the call minus the resident memory just before it


def run_process(cmd: list[str], *, timeout: float = TIMEOUT_S) -> tuple[int, float, float, str, str]:
    """Run ``cmd``; return (exit status, wall s, highest RSS seen by polling in MB, stdout, stderr).

    The process is killed past ``timeout`` seconds or ``KILL_MB`` MB resident.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
        killed, seen = "", 0.0
        while proc.poll() is None:
            seen = max(seen, _vm_mb("VmRSS", proc.pid))
            if time.perf_counter() - t0 > timeout:
                killed = f"killed after {timeout:.0f} s"
            elif seen > KILL_MB:
                killed = f"killed at {KILL_MB:,} MB resident"
            if killed:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                break
            time.sleep(0.02)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = killed or err.read().decode(errors="replace")
    return proc.returncode, wall, seen, stdout, stderr


def run_child(kind: str, path: Path | None) -> Run:
    code, wall, seen, stdout, stderr = run_process([sys.executable, str(HERE), "--child", kind, str(path or "")])
    lines = stdout.strip().splitlines()
    try:
        rec = json.loads(lines[-1])
    except (IndexError, ValueError):
        tail = " ".join(stderr.strip().splitlines()[-1:]) or f"exit status {code}"
        return Run(seconds=wall, process_s=wall, peak_mb=seen, outcome=f"FAILED: {tail}")
    seconds = wall if kind == "cli" else rec["seconds"]
    return Run(seconds, wall, rec["peak_mb"], rec["outcome"], rec["added_mb"])


# --------------------------------------------------------------------------------------
# Building the files


@dataclass
class Places:
    """Real Ontario locations for the generated sites: population points with their CSD names."""

    lon: object
    lat: object
    city: list[str]
    postal: list[str]  # real Ontario postal codes (a random sample of the lookup's list)
    x: object  # EPSG:3347 metres, for the zone polygons
    y: object
    population: object
    snapped: object  # True for points outside every (simplified) CSD polygon


def load_places() -> Places:
    import numpy as np

    from esr_geo.model import load_base
    from esr_geo.offices import _postal_db

    base = load_base()
    pts = base.points
    names = dict(zip(base.csds["CSDUID"], base.csds["CSDNAME"], strict=True))
    with sqlite3.connect(_postal_db().as_uri() + "?mode=ro", uri=True) as con:
        codes = [c for (c,) in con.execute("SELECT code FROM PostalCodes WHERE province = 'Ontario'")]
    rng = np.random.default_rng(SEED)
    return Places(
        lon=pts["lon"].to_numpy(),
        lat=pts["lat"].to_numpy(),
        city=[names.get(c, "Toronto") for c in pts["CSDUID"]],
        postal=[codes[i] for i in rng.permutation(len(codes))],
        x=pts["x"].to_numpy(),
        y=pts["y"].to_numpy(),
        population=pts["population"].to_numpy(),
        snapped=pts["snapped"].to_numpy(dtype=bool),
    )


def filler(rng: object, n: int, length: int) -> list[str]:
    """``n`` texts of exactly ``length`` random lowercase letters and spaces (word-like, hard to compress)."""
    import numpy as np

    if length <= 0:
        return [""] * n
    alphabet = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz     ", dtype=np.uint8)
    mat = alphabet[rng.integers(0, len(alphabet), size=(n, length))]  # type: ignore[attr-defined]
    mat[:, [0, -1]] = alphabet[rng.integers(0, 26, size=(n, 2))]  # type: ignore[attr-defined]
    return mat.view(f"S{length}").ravel().astype(str).tolist()


#: Text fields that take filler, in order, each up to TEXT_MAX characters in all.
FILL_FIELDS = ("address", "organisation", "name", "site_type")


def site_rows(places: Places, n: int, fill: int, *, lean: bool = False) -> dict[str, list[object]]:
    """Return ``n`` valid sites at real Ontario places, their text padded with ``fill`` legal filler characters.

    ``lean``: only site_id, a short name, address, city, postal code and coordinates (what
    fits 100,000 rows in 25 MB of GeoJSON or shapefile).
    """
    import numpy as np

    rng = np.random.default_rng(SEED)
    pick = rng.choice(len(places.city), size=n, replace=len(places.city) < n)
    city = [places.city[i] for i in pick]
    number, street, suite = rng.integers(1, 9999, n), rng.integers(0, len(STREETS), n), rng.integers(1, 999, n)
    cols: dict[str, list[object]] = {
        "site_id": [f"ON-{i:06d}" for i in range(1, n + 1)],
        "name": [f"{city[i]} office {i + 1:06d}" for i in range(n)],
        "organisation": [ORGS[i] for i in rng.integers(0, len(ORGS), n)],
        "address": [f"{a} {STREETS[b]}, Suite {c}" for a, b, c in zip(number, street, suite, strict=True)],
        "city": city,
        "postal_code": [places.postal[i % len(places.postal)] for i in range(n)],
        "latitude": np.round(np.asarray(places.lat)[pick], 6).tolist(),
        "longitude": np.round(np.asarray(places.lon)[pick], 6).tolist(),
        "site_type": [SITE_TYPES[i] for i in rng.integers(0, len(SITE_TYPES), n)],
        "in_person": ["yes" if v else "no" for v in rng.random(n) < 0.9],
    }
    if lean:
        cols["name"] = [f"Site {i:06d}" for i in range(1, n + 1)]
        for name in ("organisation", "site_type", "in_person"):
            del cols[name]
    left = fill
    for name in (f for f in FILL_FIELDS if f in cols):
        room = TEXT_MAX - 1 - max(len(str(v)) for v in cols[name])
        k = max(0, min(left, room))
        if k:
            pad = filler(rng, n, k)
            cols[name] = [f"{v} {p}" for v, p in zip(cols[name], pad, strict=True)]
        left -= k
    return cols


def fill_capacity(places: Places, *, lean: bool = False) -> int:
    cols = site_rows(places, 2_000, 0, lean=lean)
    return sum(TEXT_MAX - 1 - max(len(str(v)) for v in cols[name]) for name in FILL_FIELDS if name in cols)


def write_csv(path: Path, cols: dict[str, list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(cols)
        writer.writerows(zip(*cols.values(), strict=True))


def write_xlsx(path: Path, cols: dict[str, list[object]]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Sites")
    sheet.append(list(cols))
    for row in zip(*cols.values(), strict=True):
        sheet.append(list(row))
    book.save(path)


def _site_frame(cols: dict[str, list[object]], *, short: bool = False) -> object:
    import geopandas as gpd

    attrs = {k: v for k, v in cols.items() if k not in ("latitude", "longitude")}
    if short:  # dBase field names: at most 10 characters
        attrs = {{"organisation": "org", "postal_code": "postalcode"}.get(k, k): v for k, v in attrs.items()}
    return gpd.GeoDataFrame(attrs, geometry=gpd.points_from_xy(cols["longitude"], cols["latitude"]), crs="EPSG:4326")


def write_geojson(path: Path, cols: dict[str, list[object]]) -> None:
    attrs = [k for k in cols if k not in ("latitude", "longitude")]
    with path.open("w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        for i, (lon, lat) in enumerate(zip(cols["longitude"], cols["latitude"], strict=True)):
            feature = {
                "type": "Feature",
                "properties": {k: cols[k][i] for k in attrs},
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            }
            f.write(("," if i else "") + json.dumps(feature, ensure_ascii=False, separators=(",", ":")) + "\n")
        f.write("]}\n")


def write_gpkg(path: Path, cols: dict[str, list[object]]) -> None:
    import pyogrio

    path.unlink(missing_ok=True)
    pyogrio.write_dataframe(_site_frame(cols), path, layer="sites", driver="GPKG")


def write_shapezip(path: Path, cols: dict[str, list[object]]) -> None:
    import pyogrio

    with tempfile.TemporaryDirectory(prefix="bench_shp_") as tmp:
        shp = Path(tmp) / "sites.shp"
        frame = _site_frame(cols, short=True)  # RESIZE: text fields as wide as their longest value, not 80
        pyogrio.write_dataframe(frame, shp, driver="ESRI Shapefile", encoding="UTF-8", RESIZE="YES")
        path.unlink(missing_ok=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(Path(tmp).iterdir()):
                zf.write(part, part.name)


def unzipped_size(path: Path) -> int:
    with zipfile.ZipFile(path) as zf:
        return sum(i.file_size for i in zf.infolist())


def fitted_sites(
    places: Places,
    path: Path,
    writer: Callable[[Path, dict[str, list[object]]], None],
    measure: Callable[[Path], int],
    *,
    lean: bool = False,
) -> str:
    """Write 100,000 sites, padded so that ``measure(path)`` comes as close to 25 MB as the text caps allow."""
    target = SITE_LIMIT - 60_000  # a little room under the limit
    cap = fill_capacity(places, lean=lean)
    n_s = 4_000
    sizes = []
    for fill in (0, cap):
        writer(path, site_rows(places, n_s, fill, lean=lean))
        sizes.append(measure(path))
    per_char = (sizes[1] - sizes[0]) / (n_s * cap)
    base = sizes[0] * N_ROWS / n_s
    fill = max(0, min(cap, int((target - base) / (N_ROWS * per_char))))
    for _ in range(4):
        writer(path, site_rows(places, N_ROWS, fill, lean=lean))
        size = measure(path)
        if size <= SITE_LIMIT and (fill == cap or size > target - 200_000):
            break
        fill = max(0, min(cap, fill + math.floor((target - size) / (N_ROWS * per_char))))
    note = f"{N_ROWS:,} rows{' (lean columns)' if lean else ''}, {fill} filler chars/row"
    return note + (" (every text field at its cap)" if fill == cap else "")


def build_zone_table(places: Places, path: Path) -> str:
    import numpy as np

    from esr_geo.model import load_base

    csds = load_base().csds
    rng = np.random.default_rng(SEED)
    zone_of = rng.integers(0, 60, len(csds))
    names = [f"Zone {z:02d} " for z in range(60)]
    pads = filler(rng, 60, TEXT_MAX - len(names[0]))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["CSDUID", "zone"])
        writer.writerows((code, names[z] + pads[z]) for code, z in zip(csds["CSDUID"], zone_of, strict=True))
    return f"{len(csds)} rows (every CSD), 60 zones, 200-character names"


def voronoi_zones(places: Places, n: int) -> object:
    """``n`` adjacent zones: Voronoi cells around populated points, clipped to Ontario (EPSG:3347)."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from esr_geo.model import load_base

    rng = np.random.default_rng(SEED)
    xy = np.column_stack([places.x, places.y])
    populated = np.flatnonzero((np.asarray(places.population) > 0) & ~np.asarray(places.snapped))
    _, first = np.unique(xy[populated].round(0), axis=0, return_index=True)
    ontario = shapely.make_valid(load_base().ontario)
    shapely.prepare(ontario)
    candidates = xy[populated[first]]
    candidates = candidates[shapely.contains_xy(ontario, candidates[:, 0], candidates[:, 1])]
    seeds = candidates[rng.choice(len(candidates), n, replace=False)]
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=shapely.box(*ontario.bounds), ordered=True)
    )
    inside = shapely.contains(ontario, cells)
    clipped = cells.copy()
    clipped[~inside] = shapely.intersection(cells[~inside], ontario)
    assert shapely.contains(clipped, shapely.points(seeds)).all(), "a zone lost its population point"
    frame = gpd.GeoDataFrame({"zone": [f"Zone {i:04d}" for i in range(n)]}, geometry=clipped, crs="EPSG:3347")
    return frame


def build_zone_polygons(places: Places, path: Path, n: int) -> str:
    import pyogrio

    path.unlink(missing_ok=True)
    pyogrio.write_dataframe(voronoi_zones(places, n).to_crs("EPSG:4326"), path, layer="zones", driver="GPKG")
    return f"{n:,} adjacent polygons"


def build_big_zones(places: Places, path: Path) -> str:
    """Write 1,000 zones densified so that the GeoPackage comes just under 100 MB."""
    import pyogrio
    import shapely

    frame = voronoi_zones(places, 1_000).to_crs("EPSG:4326")
    geoms = frame.geometry.to_numpy()

    def write(step: float) -> int:
        path.unlink(missing_ok=True)
        dense = frame.set_geometry(shapely.segmentize(geoms, step))
        pyogrio.write_dataframe(dense, path, layer="zones", driver="GPKG")
        return path.stat().st_size

    lo, hi = 1e-5, 0.1  # segment length, degrees: the file shrinks as it grows
    for _ in range(16):  # bisection until the file is within 1.5 MB under the limit
        step = math.sqrt(lo * hi)
        size = write(step)
        if size > ZONES_LIMIT - 200_000:
            lo = step
        elif size < ZONES_LIMIT - 1_500_000:
            hi = step
        else:
            break
    else:
        size = write(hi)
        step = hi
    vertices = int(shapely.get_num_coordinates(shapely.segmentize(geoms, step)).sum())
    return f"1,000 polygons, {vertices:,} vertices (densified to {step * 111_000:.0f} m)"


def build_overlapping_zones(places: Places, path: Path) -> str:
    """4,000 discs of 25 km around populated points: every disc overlaps its neighbours."""
    import geopandas as gpd
    import pyogrio

    frame = voronoi_zones(places, 4_000)
    centres = frame.geometry.representative_point()
    discs = gpd.GeoDataFrame(
        {"zone": frame["zone"]}, geometry=centres.buffer(25_000, quad_segs=8), crs="EPSG:3347"
    ).to_crs("EPSG:4326")
    path.unlink(missing_ok=True)
    pyogrio.write_dataframe(discs, path, layer="zones", driver="GPKG")
    return "4,000 discs of 25 km radius"


def with_notes(writer: Callable[[Path, dict[str, list[object]]], None], length: int) -> Callable[..., None]:
    """Wrap a site writer: add a 'notes' column (not read by esr-geo), blank but for one ``length``-character note."""

    def write(path: Path, cols: dict[str, list[object]]) -> None:
        import numpy as np

        notes: list[object] = [""] * len(cols["name"])
        notes[0] = filler(np.random.default_rng(SEED), 1, length)[0]
        writer(path, {**cols, "notes": notes})

    return write


def build_big_cell(places: Places, path: Path) -> str:
    with_notes(write_geojson, 5_000_000)(path, site_rows(places, 10_000, 0, lean=True))
    return "10,000 sites, one 5,000,000-character note (an extra column)"


def build_long_name(path: Path) -> str:
    text = "name,latitude,longitude\n" + "A" * 20_000 + ",44.2312,-76.486\n"
    path.write_text(text)
    return "1 row, a 20,000-character name"


def build_dimension_xlsx(places: Places, path: Path, target: int) -> str:
    """Write a real small workbook of about ``target`` bytes, then make its sheet claim the whole grid."""
    sizes = []
    for n in (10, 2_000):  # size ~ a + b * rows
        write_xlsx(path, site_rows(places, n, 0))
        sizes.append(path.stat().st_size)
    per_row = (sizes[1] - sizes[0]) / 1_990
    n = max(1, round((target - (sizes[0] - 10 * per_row)) / per_row))
    write_xlsx(path, site_rows(places, n, 0))
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            raw = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                xml = raw.decode()
                claim = '<dimension ref="A1:XFD1048576"/>'
                if "<dimension" in xml:
                    xml = re.sub(r'<dimension ref="[^"]*"\s*/>', claim, xml)
                else:  # where the schema puts it: after <sheetPr>, before <sheetViews>
                    xml = re.sub(r"(</sheetPr>|<sheetPr[^>]*/>)", r"\1" + claim, xml, count=1)
                raw = xml.encode()
            dst.writestr(info, raw)
    tmp.replace(path)
    return f"{n:,} rows, sheet claims A1:XFD1048576"


def build_recursive_view(path: Path) -> str:
    import geopandas as gpd
    import shapely

    path.unlink(missing_ok=True)
    gpd.GeoDataFrame({"name": ["A"]}, geometry=[shapely.Point(-76.486, 44.2312)], crs="EPSG:4326").to_file(
        path, layer="real"
    )
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE VIEW endless AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT x AS fid, NULL AS geom FROM c;"
        "UPDATE gpkg_contents SET table_name = 'endless' WHERE table_name = 'real';"
    )
    con.close()
    return "only layer: WITH RECURSIVE view"


def build_error_rows(path: Path) -> str:
    with path.open("w") as f:
        f.write("name,latitude,longitude\n")
        f.writelines(f"E{i:06d},43x,-79x\n" for i in range(900_000))
    return "900,000 rows, every one invalid"


def build_blank_lines(path: Path) -> str:
    with path.open("w") as f:
        f.write("name,latitude,longitude\n")
        for _ in range(20):
            f.write("\n" * 1_000_000)
    return "header + 20,000,000 blank lines"


def build_postal_rows(places: Places, path: Path, n: int) -> str:
    codes = places.postal
    with path.open("w") as f:
        f.write("name,postal_code\n")
        if n > len(codes):
            f.writelines(f"{i % 1000:03d},{codes[i % len(codes)]}\n" for i in range(n))
        else:
            f.writelines(f"Site {i:06d},{codes[i]}\n" for i in range(n))
    return f"{n:,} rows, real Ontario postal codes, no coordinates"


def build_vrt(path: Path) -> str:
    path.write_text(PASSWD_VRT)
    return "OGR VRT reading /etc/passwd"


# --------------------------------------------------------------------------------------
# The cases


@dataclass
class Case:
    """One file and how it is read."""

    name: str
    label: str
    kind: str  # 'sites', 'zones' or 'cli'
    file: str
    group: str  # 'accepted' or 'hostile'
    build: Callable[[Places, Path], str]
    limit: int = SITE_LIMIT
    note: str = ""
    size: int = 0
    runs: list[Run] = field(default_factory=list)


def _size_of(path: Path) -> int:
    return unzipped_size(path) if path.suffix == ".zip" else path.stat().st_size


def cases() -> list[Case]:
    def sites(
        writer: Callable[[Path, dict[str, list[object]]], None], *, lean: bool = False
    ) -> Callable[[Places, Path], str]:
        return lambda p, path: fitted_sites(p, path, writer, _size_of, lean=lean)

    return [
        Case("csv", "site list, CSV", "sites", "sites.csv", "accepted", sites(write_csv)),
        Case("xlsx", "site list, Excel .xlsx", "sites", "sites.xlsx", "accepted", sites(write_xlsx)),
        Case("geojson", "site list, GeoJSON", "sites", "sites.geojson", "accepted", sites(write_geojson, lean=True)),
        Case("gpkg", "site list, GeoPackage", "sites", "sites.gpkg", "accepted", sites(write_gpkg)),
        Case("shpzip", "site list, zipped shapefile (unzipped size)", "sites", "sites.zip", "accepted",
             sites(write_shapezip, lean=True)),
        Case("notes", "site list, GeoJSON, one 500-character note", "sites", "notes.geojson", "accepted",
             sites(with_notes(write_geojson, 500), lean=True)),
        Case("postal", "site list, CSV, postal codes only", "sites", "postal.csv", "accepted",
             lambda p, path: build_postal_rows(p, path, N_ROWS)),
        Case("cli", "`esr-geo validate` on the CSV (whole process)", "cli", "sites.csv", "accepted",
             lambda p, path: "the site-list CSV above"),
        Case("zonetable", "zones table (CSDUID, zone), CSV", "zones", "zones.csv", "accepted", build_zone_table,
             ZONES_LIMIT),
        Case("zonepoly", "zones, GeoPackage polygons", "zones", "zones.gpkg", "accepted", build_big_zones,
             ZONES_LIMIT),
        Case("zones4000", "4,000 adjacent zone polygons (overlap check)", "zones", "zones4000.gpkg", "hostile",
             lambda p, path: build_zone_polygons(p, path, 4_000), ZONES_LIMIT),
        Case("overlap4000", "4,000 overlapping zone discs (overlap check, worst case)", "zones", "overlap4000.gpkg",
             "hostile", build_overlapping_zones, ZONES_LIMIT),
        Case("longname", "CSV, one 20,000-character name", "sites", "longname.csv", "hostile",
             lambda p, path: build_long_name(path)),
        Case("dim39k", "xlsx claiming A1:XFD1048576, small", "sites", "dim39k.xlsx", "hostile",
             lambda p, path: build_dimension_xlsx(p, path, 39_000)),
        Case("dim346k", "xlsx claiming A1:XFD1048576, larger", "sites", "dim346k.xlsx", "hostile",
             lambda p, path: build_dimension_xlsx(p, path, 346_000)),
        Case("view", "GeoPackage, only layer a recursive view", "sites", "view.gpkg", "hostile",
             lambda p, path: build_recursive_view(path)),
        Case("errors900k", "CSV, 900,000 error rows", "sites", "errors.csv", "hostile",
             lambda p, path: build_error_rows(path)),
        Case("blank20m", "CSV, header + 20 M blank lines", "sites", "blank.csv", "hostile",
             lambda p, path: build_blank_lines(path)),
        Case("postal2m", "CSV, 2 M postal-code-only rows", "sites", "postal2m.csv", "hostile",
             lambda p, path: build_postal_rows(p, path, 2_000_000)),
        Case("bigcell", "GeoJSON, one 5,000,000-character note", "sites", "bigcell.geojson", "hostile",
             build_big_cell),
        Case("vrt", "OGR VRT saved as .geojson", "sites", "vrt.geojson", "hostile", lambda p, path: build_vrt(path)),
    ]  # fmt: skip


# --------------------------------------------------------------------------------------
# Main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each accepted upload (median)")
    parser.add_argument("--hostile-repeat", type=int, default=1, help="runs of each hostile file (median)")
    parser.add_argument("--quick", action="store_true", help="one run of each (a smoke test)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these cases (see --list)")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build the files in DIR and keep them")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--browser", action="store_true", help=argparse.SUPPRESS)  # benchmarks/run.py passes it on
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    todo = cases()
    if args.list:
        for c in todo:
            print(f"{c.name:12} {c.group:9} {c.label}")
        return
    if args.only:
        unknown = set(args.only) - {c.name for c in todo}
        if unknown:
            parser.error(f"unknown case(s): {', '.join(sorted(unknown))} (see --list)")
        todo = [c for c in todo if c.name in args.only]
    repeat = 1 if args.quick else args.repeat
    hostile_repeat = 1 if args.quick else args.hostile_repeat
    t_start = time.perf_counter()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_uploads_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        _run_all(todo, folder, repeat, hostile_repeat)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\ntotal {time.perf_counter() - t_start:.0f} s")


def _run_all(todo: list[Case], folder: Path, repeat: int, hostile_repeat: int) -> None:
    t0 = time.perf_counter()
    places = load_places()
    print(f"building the files in {folder} ...", flush=True)
    built: dict[str, str] = {}
    for c in todo:
        path = folder / c.file
        if c.file not in built:
            t = time.perf_counter()
            built[c.file] = c.build(places, path)
            print(f"  {c.file:18} {_size_of(path) / MB:8.2f} MB  {built[c.file]} ({time.perf_counter() - t:.1f} s)")
        c.note = built[c.file] if c.kind != "cli" else "as above"
        c.size = _size_of(path)
    print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
    del places

    base_runs = [run_child("baseline", None) for _ in range(max(repeat, 1))]
    base_mb = statistics.median(r.peak_mb for r in base_runs)
    base_proc = statistics.median(r.process_s for r in base_runs)
    print(
        f"\nbaseline (a process that only loads the base geography), median of {len(base_runs)}: "
        f"peak RSS {base_mb:,.0f} MB, process {base_proc:.2f} s",
        flush=True,
    )
    for c in todo:
        n = repeat if c.group == "accepted" else hostile_repeat
        path = folder / c.file
        for i in range(n):
            run = run_child(c.kind, path)
            c.runs.append(run)
            print(
                f"  {c.name:12} run {i + 1}/{n}: {run.seconds:7.2f} s, peak {run.peak_mb:7,.0f} MB, "
                f"call {run.added_mb:+7,.0f} MB  {run.outcome[:100]}",
                flush=True,
            )
    _report(todo, base_mb, base_proc, repeat, hostile_repeat)


def _report(todo: list[Case], base_mb: float, base_proc: float, repeat: int, hostile_repeat: int) -> None:
    print(
        "\n| case | file | outcome (first 100 characters) | time (s) | peak RSS (MB) | peak - baseline (MB) "
        "| call's own peak (MB) |\n|---|---|---|---|---|---|---|\n"
        f"| baseline: load the base geography only | n/a | n/a | {base_proc:.2f} (whole process) | "
        f"{base_mb:,.0f} | 0 | n/a |"
    )
    over = []
    for c in todo:
        secs = statistics.median(r.seconds for r in c.runs)
        peak = statistics.median(r.peak_mb for r in c.runs)
        added = statistics.median(r.added_mb for r in c.runs)
        outcome = c.runs[-1].outcome[:100].replace("|", "/")
        size = f"{c.size / MB:.1f} MB" if c.size >= MB else f"{c.size / 1000:.0f} KB"
        own = "n/a" if math.isnan(added) else f"{added:,.0f}"
        print(
            f"| {c.label} | {size}: {c.note} | {outcome} | {secs:.2f} | {peak:,.0f} | {peak - base_mb:,.0f} | {own} |"
        )
        accepted = c.runs[-1].outcome.startswith(("accepted", "exit 0"))
        if peak * 1e6 > TARGET_GB * 1e9 and accepted:
            over.append(f"{c.name}: accepted upload peaks at {peak / 1000:.2f} GB (> {TARGET_GB} GB)")
        if secs > 60:
            over.append(f"{c.name}: {secs:.0f} s (> 60 s)")
        if c.runs[-1].outcome.startswith(("FAILED", "unexpected")):
            over.append(f"{c.name}: {c.runs[-1].outcome}")
    print(
        f"\nMedians of {repeat} run(s) for the accepted uploads and {hostile_repeat} for the hostile files, each run "
        "a fresh process; MB = 10**6 bytes. Time: the reading call alone (validate_sites or read_zones), the whole "
        "process for esr-geo validate. Call's own peak: the process's peak during the call minus its resident "
        "memory just before it."
    )
    print("over target: " + ("; ".join(over) if over else "none"))


if __name__ == "__main__":
    main()
