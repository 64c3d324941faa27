"""A workspace's file: the planner's sites, zones and named scenarios in one GeoPackage that QGIS opens.

A workspace file is a real GeoPackage 1.2 (an SQLite database) written with pyogrio, with
these tables:

==========================  ==========  ==============================================================
table                       kind        what it holds
==========================  ==========  ==============================================================
``sites``                   features    the planner's site list (points, EPSG:4326), in the columns of
                                        the site-file template (no latitude/longitude: the point is the
                                        location); empty when the sites are the demonstration layer
``zones``                   features    the planner's zones (polygons, EPSG:3347): ``zone``, ``basis``
                                        (``CSDUID``: a list of census subdivisions; ``polygon``: drawn),
                                        ``members`` (the CSDUIDs, space separated) and ``catchment_id``;
                                        empty when the zones are the default ones
``scenario_added_sites``    features    the sites each scenario adds (points, EPSG:4326): ``scenario``,
                                        ``name``
``scenarios``               attributes  one row per named scenario: ``scenario``, ``measure`` (``km``:
                                        straight line, ``min``: drive minutes), ``threshold`` (in that
                                        unit) and ``date`` (YYYY-MM-DD, the rollout statuses)
``scenario_closures``       attributes  the sites each scenario closes: ``scenario``, ``site_id``
``esr_geo_workspace``       attributes  ``key``/``value`` rows: ``application`` (``esr-geo-workspace``),
                                        ``format_version``, ``esr_geo_version``, ``created``, ``saved``,
                                        ``sites`` (``file`` or ``demo``), ``zones`` (``file`` or
                                        ``default``) and the labels of both
==========================  ==========  ==============================================================

Saving is all-or-nothing (:func:`esr_geo._io.atomic_path`: a hidden temporary file renamed
into place) and never replaces an existing file unless asked to. Opening treats the file as
hostile, as :mod:`esr_geo.readers` treats every planner's file: the size is checked first, the
file must start as an SQLite database does, it is read from a private copy (with its ``-wal``
file), its schema is looked at within a time limit, and virtual tables other than the spatial
index are refused; only then is it read, with the GeoPackage driver forced. A file that is not a
workspace, a workspace of another format version and a damaged one are each refused with a
message naming the file, what was expected and what to do.

Reading is quick: the tables' row counts (checked against ``settings.UPLOAD_MAX_ROWS``) and the
attribute tables are read in the one SQLite connection that looks at the schema, under the same
time limit; only the feature layers go through pyogrio (the GeoPackage driver forced), and the
``sites`` and ``zones`` layers only when the file says it has its own.

Reopened sites and zones are checked again exactly as an uploaded site or zones file is (they
may have been edited in QGIS): :func:`esr_geo.workspace.site_file` and
:func:`esr_geo.workspace.zone_file` give them as the files :func:`esr_geo.offices.read_sites`
and :func:`esr_geo.zones.read_zones` read. The values themselves (:class:`Workspace` and its
scenarios) are :mod:`esr_geo.workspace_model`. Import from :mod:`esr_geo.workspace`.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import re
import shutil
import sqlite3
import tempfile
import time
import warnings
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from esr_geo import __version__, settings
from esr_geo._io import atomic_path
from esr_geo.errors import InputError, named, printable, shown
from esr_geo.readers import _GPKG_SCHEMA_SECONDS, _SAFE_VIRTUAL, _SQLITE_MAGIC, FileKind, check_file
from esr_geo.workspace_model import SITE_FIELDS, AddedSite, Scenario, Workspace, scenario_problems, zone_rows

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]

#: The ``application`` a workspace's metadata table names (its format's name).
APPLICATION = "esr-geo-workspace"
#: The format version this esr-geo writes and reads.
FORMAT_VERSION = 1
#: The metadata table (attributes).
META_TABLE = "esr_geo_workspace"
#: The tables of a workspace, in the order they are written.
TABLES: tuple[str, ...] = ("sites", "zones", "scenario_added_sites", "scenarios", "scenario_closures", META_TABLE)

_DESCRIPTIONS = {
    "sites": "The planner's in-person service sites (empty: the demonstration layer).",
    "zones": "The planner's service delivery zones (empty: the default zones).",
    "scenario_added_sites": "Sites each named scenario adds.",
    "scenarios": "Named scenarios: measure (km or min), threshold and date.",
    "scenario_closures": "Sites each named scenario closes (site_id).",
    META_TABLE: "esr-geo workspace: format, version and dates.",
}
_GPKG_VERSION = "1.2"  # as esr_geo.export writes: readable by ArcGIS Pro 2.x and GDAL 3.6 without warnings
_VIRTUAL = re.compile(r"\s*create\s+virtual\s+table", re.I)
_SAFE_MODULE = re.compile(r"\busing\s+(" + "|".join(_SAFE_VIRTUAL) + r")\b", re.I)

#: Message wording and size limit of workspace files (the readers' checks).
WORKSPACE_FILE = FileKind(
    noun="Workspace file",
    no_rows="no tables",
    rows_fix="save the workspace from esr-geo again",
    empty_fix="save the workspace from esr-geo again",
    layer_fix="save the workspace from esr-geo again",
    shapes="features",
    layer="the workspace",
    guide="a workspace is the .gpkg file that esr-geo's 'Save workspace' writes",
    formats="an esr-geo workspace (GeoPackage .gpkg)",
    size_fix="Remove scenarios or sites it does not need, or split it into two workspaces.",
    max_mb_setting="WORKSPACE_FILE_MAX_MB",
)


# --------------------------------------------------------------------------------------
# Writing


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _meta(ws: Workspace, *, saved: str) -> pd.DataFrame:
    items = {
        "application": APPLICATION,
        "format_version": str(FORMAT_VERSION),
        "esr_geo_version": __version__,
        "created": ws.created or saved,
        "saved": saved,
        "sites": "demo" if ws.sites is None else "file",
        "zones": "default" if ws.zones is None else "file",
        "sites_label": ws.sites_label,
        "zones_label": ws.zones_label,
    }
    return pd.DataFrame({"key": list(items), "value": list(items.values())})


def _frames(ws: Workspace, *, saved: str) -> dict[str, pd.DataFrame]:
    """Return every table of the workspace, in :data:`TABLES` order."""
    wgs = settings.DISPLAY_CRS
    sites = ws.sites if ws.sites is not None else pd.DataFrame({c: [] for c in (*SITE_FIELDS, "lon", "lat")})
    site_layer = gpd.GeoDataFrame(
        sites[list(SITE_FIELDS)].astype(str).reset_index(drop=True),
        geometry=gpd.points_from_xy(sites["lon"].astype(float), sites["lat"].astype(float)),
        crs=wgs,
    )
    if ws.zones is not None:
        zone_layer = zone_rows(ws.zones)
    else:
        zone_layer = gpd.GeoDataFrame(
            {c: pd.Series([], dtype=str) for c in ("zone", "basis", "members", "catchment_id")},
            geometry=gpd.GeoSeries([], crs=settings.ANALYSIS_CRS),
            crs=settings.ANALYSIS_CRS,
        )
    added = [(s.name, a.name, a.lon, a.lat) for s in ws.scenarios for a in s.added]
    added_layer = gpd.GeoDataFrame(
        {"scenario": pd.Series([a[0] for a in added], dtype=str), "name": pd.Series([a[1] for a in added], dtype=str)},
        geometry=gpd.points_from_xy([a[2] for a in added], [a[3] for a in added]),
        crs=wgs,
    )
    scenarios = pd.DataFrame(
        {
            "scenario": pd.Series([s.name for s in ws.scenarios], dtype=str),
            "measure": pd.Series([s.measure for s in ws.scenarios], dtype=str),
            "threshold": pd.Series([s.threshold for s in ws.scenarios], dtype=float),
            "date": pd.Series([s.on.isoformat() if s.on else "" for s in ws.scenarios], dtype=str),
        }
    )
    closed = [(s.name, c) for s in ws.scenarios for c in s.closed]
    closures = pd.DataFrame(
        {
            "scenario": pd.Series([c[0] for c in closed], dtype=str),
            "site_id": pd.Series([c[1] for c in closed], dtype=str),
        }
    )
    return {
        "sites": site_layer,
        "zones": zone_layer,
        "scenario_added_sites": added_layer,
        "scenarios": scenarios,
        "scenario_closures": closures,
        META_TABLE: _meta(ws, saved=saved),
    }


_GEOMETRY = {"sites": "Point", "zones": "MultiPolygon", "scenario_added_sites": "Point"}


def _write_tables(ws: Workspace, path: Path, *, saved: str) -> None:
    """Write every table of ``ws`` into a new GeoPackage at ``path``."""
    import pyogrio

    for i, (name, frame) in enumerate(_frames(ws, saved=saved).items()):
        pyogrio.write_dataframe(
            frame,
            path,
            driver="GPKG",
            layer=name,
            geometry_type=_GEOMETRY.get(name),
            promote_to_multi=name == "zones",
            dataset_options={"VERSION": _GPKG_VERSION} if i == 0 else None,
            layer_options={"IDENTIFIER": name, "DESCRIPTION": _DESCRIPTIONS[name]},
        )


def save_workspace(ws: Workspace, path: PathLike, *, force: bool = False) -> Workspace:
    """Save a workspace as one GeoPackage, atomically.

    The file is written beside ``path`` under a hidden name and renamed into place only when
    complete: a failed save leaves no partial file and the old file (if any) unchanged.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    path : path-like
        The ``.gpkg`` file to write.
    force : bool, keyword-only
        Replace an existing file (otherwise it is refused, naming it).

    Returns
    -------
    Workspace
        ``ws`` with its file name, ``saved`` time (and ``created``, at the first save) and
        ``saved_by`` version.

    Raises
    ------
    InputError
        When ``path`` does not end in ``.gpkg``, exists and ``force`` is False, or cannot be
        written (an :class:`esr_geo._io.OutputError`, which names the reason).
    """
    target = Path(path)
    if target.suffix.lower() != ".gpkg":
        raise InputError(
            f"A workspace is a GeoPackage: its file name must end in .gpkg; got {named(target.name)}. "
            f"Give a name like {named(target.with_suffix('.gpkg').name)}.",
            parameter="out",
        )
    saved = _now()
    with atomic_path(target, force=force) as tmp:
        _write_tables(ws, tmp, saved=saved)
    return replace(ws, name=target.name, saved=saved, created=ws.created or saved, saved_by=__version__)


def workspace_bytes(ws: Workspace) -> bytes:
    """Return a workspace as the bytes of its GeoPackage (for a download)."""
    with tempfile.TemporaryDirectory(prefix="esr_geo_ws_") as tmp:
        path = Path(tmp) / "workspace.gpkg"
        _write_tables(ws, path, saved=_now())
        return path.read_bytes()


# --------------------------------------------------------------------------------------
# Reading


def _refused(label: str, why: str, fix: str) -> InputError:
    return InputError(f"Workspace file {named(label)} {why}. {fix}", parameter="workspace")


def _private_copy(path: Path, label: str, folder: Path) -> Path:
    """Copy the file (and any ``-wal`` file) into ``folder``: the planner's file is never opened."""
    with path.open("rb") as f:
        head = f.read(len(_SQLITE_MAGIC))
    if head != _SQLITE_MAGIC:
        raise _refused(
            label,
            "is not an esr-geo workspace: it is not a GeoPackage (an SQLite database)",
            f"Open the .gpkg file that 'Save workspace' wrote; {WORKSPACE_FILE.guide}.",
        )
    wal = path.with_name(path.name + "-wal")
    size = path.stat().st_size + (wal.stat().st_size if wal.is_file() else 0)
    if size > WORKSPACE_FILE.max_mb * 1_000_000:
        raise _refused(label, f"is {size / 1_000_000:.1f} MB with its -wal file", f"{WORKSPACE_FILE.limit_text()}.")
    copy = folder / "workspace.gpkg"
    shutil.copyfile(path, copy)
    if wal.is_file():
        shutil.copyfile(wal, folder / "workspace.gpkg-wal")
    return copy


_DAMAGED_FIX = "Open an earlier copy of the workspace, or save the workspace again from esr-geo."


def _unreadable(label: str, table: str, exc: Exception) -> InputError:
    return _refused(label, f"is damaged: its table {table} cannot be read ({type(exc).__name__})", _DAMAGED_FIX)


def _query(con: sqlite3.Connection, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in con.execute(sql).fetchall()]


def _quoted(name: str) -> str:
    """Return an SQL identifier quoted (a name from the file is never spliced in as it is)."""
    return '"' + str(name).replace('"', '""') + '"'


def _schema(con: sqlite3.Connection, label: str) -> tuple[dict[str, str], dict[str, str]]:
    """Return the real tables (name -> its SQL) and ``gpkg_contents`` (name -> data type); refuse virtual tables."""
    try:
        master = _query(con, "SELECT name, type, sql FROM sqlite_master")
        contents = _query(con, "SELECT table_name, data_type FROM gpkg_contents")
    except sqlite3.Error as exc:
        raise _refused(
            label,
            f"is damaged or not a GeoPackage: its database cannot be read ({type(exc).__name__}: {shown(exc)})",
            _DAMAGED_FIX,
        ) from exc
    tables = {str(n): str(s or "") for n, t, s in master if t == "table"}
    unsafe = [n for n, sql in tables.items() if _VIRTUAL.match(sql) and not _SAFE_MODULE.search(sql)]
    if unsafe:
        raise _refused(
            label,
            f"was refused: it holds virtual tables ({', '.join(shown(u) for u in unsafe)}) that could read other files",
            "Open the workspace as esr-geo saved it, not a copy edited to add such tables.",
        )
    real = {n: sql for n, sql in tables.items() if not _VIRTUAL.match(sql)}
    return real, {str(n): str(d) for n, d in contents}


def _rows(con: sqlite3.Connection, table: str, label: str) -> int:
    """Return a table's row count, refusing more than ``settings.UPLOAD_MAX_ROWS`` rows."""
    try:
        count = int(con.execute(f"SELECT COUNT(*) FROM {_quoted(table)}").fetchone()[0])
    except sqlite3.Error as exc:
        raise _unreadable(label, table, exc) from exc
    if count > settings.UPLOAD_MAX_ROWS:
        raise _refused(
            label,
            f"has {count:,} rows in its table {table}; the limit is {settings.UPLOAD_MAX_ROWS:,}",
            "Split the workspace into smaller ones.",
        )
    return count


def _attributes(con: sqlite3.Connection, table: str, label: str) -> pd.DataFrame:
    """Return an attribute table's columns (without its primary key), as SQLite holds them."""
    try:
        columns = [str(r[1]) for r in con.execute(f"PRAGMA table_info({_quoted(table)})").fetchall() if not r[5]]
        if not columns:
            return pd.DataFrame()
        rows = con.execute(f"SELECT {', '.join(_quoted(c) for c in columns)} FROM {_quoted(table)}").fetchall()
    except sqlite3.Error as exc:
        raise _unreadable(label, table, exc) from exc
    return pd.DataFrame([tuple(r) for r in rows], columns=columns, dtype=object)


def _read_database(copy: Path, label: str) -> tuple[dict[str, str], dict[str, pd.DataFrame]]:
    """Return the metadata and the attribute tables, checking the schema, format and row counts first.

    All in one read-only SQLite connection, within ``_GPKG_SCHEMA_SECONDS`` seconds in all.
    """
    deadline = time.monotonic() + _GPKG_SCHEMA_SECONDS
    con = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    con.set_progress_handler(lambda: int(time.monotonic() > deadline), 1_000)
    try:
        tables, contents = _schema(con, label)
        if META_TABLE not in tables or META_TABLE not in contents:
            raise _refused(
                label,
                f"is a GeoPackage but not an esr-geo workspace: it has no {META_TABLE} table",
                "Open it as a site file or a zones file instead, or open a workspace that esr-geo saved.",
            )
        _rows(con, META_TABLE, label)
        meta = _metadata(_attributes(con, META_TABLE, label), label)
        _check_format(meta, label)
        missing = [t for t in TABLES if t not in tables or t not in contents]
        if missing:
            raise _refused(label, f"is damaged: it lacks the table(s) {', '.join(missing)}", _DAMAGED_FIX)
        for name in TABLES:
            _rows(con, name, label)
        return meta, {name: _attributes(con, name, label) for name in ("scenarios", "scenario_closures")}
    finally:
        con.close()


def _read_layer(copy: Path, layer: str, label: str) -> pd.DataFrame:
    """Return a feature layer (its rows were counted already), read with the GeoPackage driver forced."""
    import pyogrio

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL notes on benign quirks of the file
            return pyogrio.read_dataframe(f"GPKG:{copy}", layer=layer)
    except Exception as exc:  # pyogrio raises several unrelated types for broken tables
        raise _unreadable(label, layer, exc) from exc


def _metadata(frame: pd.DataFrame, label: str) -> dict[str, str]:
    if not {"key", "value"} <= set(frame.columns):
        raise _refused(
            label,
            f"is damaged: its {META_TABLE} table lacks the columns key and value",
            _DAMAGED_FIX,
        )
    return {str(k): "" if pd.isna(v) else str(v) for k, v in zip(frame["key"], frame["value"], strict=True)}


def _check_format(meta: Mapping[str, str], label: str) -> None:
    """Refuse a file of another application, or of a format version this esr-geo does not read."""
    if meta.get("application") != APPLICATION:
        raise _refused(
            label,
            f"is not an esr-geo workspace: its {META_TABLE} table names the application "
            f"{shown(meta.get('application', ''))}, not {APPLICATION!r}",
            f"Open a workspace saved by esr-geo; {WORKSPACE_FILE.guide}.",
        )
    written = meta.get("format_version", "")
    by = meta.get("esr_geo_version", "") or "an unknown version"
    try:
        version = int(written)
    except ValueError:
        raise _refused(
            label,
            f"is damaged: its format version {shown(written)} is not a whole number",
            _DAMAGED_FIX,
        ) from None
    if version > FORMAT_VERSION:
        raise _refused(
            label,
            f"was saved by esr-geo {printable(by)} in workspace format {version}, newer than the format this esr-geo "
            f"({__version__}) reads ({FORMAT_VERSION})",
            f"Update esr-geo to {printable(by)} or later, or ask whoever saved it to save it with esr-geo "
            f"{__version__}.",
        )
    if version < FORMAT_VERSION:
        raise _refused(
            label,
            f"was saved by esr-geo {printable(by)} in workspace format {version}; this esr-geo ({__version__}) reads "
            f"format {FORMAT_VERSION} only",
            "Open its sites and zones layers in esr-geo as a site file and a zones file (QGIS: right-click the layer "
            "> Export > Save Features As), recreate its scenarios, and save a new workspace.",
        )


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _sites_of(frame: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    missing = [c for c in ("site_id", "name") if c not in frame.columns]
    if missing:
        problems.append(f"the sites table lacks the column(s) {', '.join(missing)}")
        return pd.DataFrame()
    geoms = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else None
    out = pd.DataFrame({c: [_text(v) for v in frame[c]] if c in frame.columns else "" for c in SITE_FIELDS})
    if geoms is None:
        problems.append("the sites table has no points")
        return out
    wgs = geoms.to_crs(settings.DISPLAY_CRS) if geoms.crs is not None else geoms
    if geoms.crs is None and len(geoms):
        problems.append("the sites table declares no coordinate reference system")
    kinds = wgs.geom_type.to_numpy()
    for i, kind in enumerate(kinds):
        if kind != "Point":
            what = "no point" if kind is None or pd.isna(kind) else f"a {kind}, not a point"
            problems.append(f"site {i + 1} ({shown(out['name'].iloc[i])}) of the sites table has {what}")
    is_point = kinds == "Point"
    out["lon"] = np.where(is_point, wgs.x.where(is_point), np.nan) if len(wgs) else []
    out["lat"] = np.where(is_point, wgs.y.where(is_point), np.nan) if len(wgs) else []
    return out


def _zones_of(frame: pd.DataFrame, problems: list[str]) -> gpd.GeoDataFrame | None:
    need = ("zone", "basis", "members")
    missing = [c for c in need if c not in frame.columns]
    if missing or not isinstance(frame, gpd.GeoDataFrame):
        problems.append(f"the zones table lacks the column(s) {', '.join(missing) or 'geometry'}")
        return None
    if frame.crs is None and len(frame):
        problems.append("the zones table declares no coordinate reference system")
        return None
    basis = {str(b) for b in frame["basis"]}
    if not basis <= {"CSDUID", "polygon"} or len(basis) > 1:
        problems.append(
            f"the zones table's basis is {', '.join(shown(b) for b in sorted(basis))}; it must be CSDUID for every "
            "zone or polygon for every zone"
        )
        return None
    return gpd.GeoDataFrame(
        {
            "zone_id": [_text(z) for z in frame["zone"]],
            "zone": [_text(z) for z in frame["zone"]],
            "catchment_id": [_text(c) for c in frame["catchment_id"]] if "catchment_id" in frame else "",
            "basis": [_text(b) for b in frame["basis"]],
            "members": [_text(m) for m in frame["members"]],
        },
        geometry=frame.geometry.to_crs(settings.ANALYSIS_CRS).to_numpy(),
        crs=settings.ANALYSIS_CRS,
    )


def _scenarios_of(tables: Mapping[str, pd.DataFrame], problems: list[str]) -> tuple[Scenario, ...]:
    rows, closures, added = tables["scenarios"], tables["scenario_closures"], tables["scenario_added_sites"]
    for name, frame, cols in (
        ("scenarios", rows, ("scenario", "measure", "threshold", "date")),
        ("scenario_closures", closures, ("scenario", "site_id")),
        ("scenario_added_sites", added, ("scenario", "name")),
    ):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            problems.append(f"the {name} table lacks the column(s) {', '.join(missing)}")
    if problems:
        return ()
    closed_by: dict[str, list[str]] = {}
    for scen, site in zip(closures["scenario"], closures["site_id"], strict=True):
        closed_by.setdefault(_text(scen), []).append(_text(site))
    added_by: dict[str, list[AddedSite]] = {}
    geoms = added.geometry.to_crs(settings.DISPLAY_CRS) if isinstance(added, gpd.GeoDataFrame) and len(added) else None
    for i, (scen, name) in enumerate(zip(added["scenario"], added["name"], strict=True)):
        point = geoms.iloc[i] if geoms is not None else None
        if point is None or point.is_empty or point.geom_type != "Point":
            problems.append(f"added site {i + 1} of scenario {shown(_text(scen))} has no point")
            continue
        x, y = shapely.get_x(point), shapely.get_y(point)
        added_by.setdefault(_text(scen), []).append(AddedSite(float(x), float(y), _text(name)))
    out = []
    for rec in rows.to_dict("records"):
        out.extend(_scenario_of({str(k): v for k, v in rec.items()}, closed_by, added_by, problems))
    known = {s.name for s in out} | {_text(r) for r in rows["scenario"]}
    for orphan in sorted((set(closed_by) | set(added_by)) - known):
        problems.append(f"sites are closed or added for a scenario {shown(orphan)} that the scenarios table lacks")
    return tuple(out)


def _scenario_of(
    rec: Mapping[str, Any],
    closed_by: Mapping[str, list[str]],
    added_by: Mapping[str, list[AddedSite]],
    problems: list[str],
) -> list[Scenario]:
    name = _text(rec["scenario"]).strip()
    date_text = _text(rec["date"]).strip()
    try:
        threshold = float(rec["threshold"])
    except (TypeError, ValueError):
        threshold = float("nan")
    on = None
    if date_text:
        try:
            on = dt.date.fromisoformat(date_text)
        except ValueError:
            problems.append(f"scenario {shown(name)}: date {shown(date_text)} is not written YYYY-MM-DD")
    closed, added = closed_by.get(name, []), added_by.get(name, [])
    found = scenario_problems(name, closed=closed, added=added, measure=_text(rec["measure"]), threshold=threshold)
    if found:
        problems.extend(found)
        return []
    return [Scenario(name, tuple(closed), tuple(added), measure=_text(rec["measure"]), threshold=threshold, on=on)]


def open_workspace(path: PathLike, *, name: str | None = None) -> Workspace:
    """Open a workspace file, checking it as a hostile file (see the module's notes).

    Parameters
    ----------
    path : path-like
        The ``.gpkg`` file.
    name : str, keyword-only
        Display name of the file (e.g. an upload's original name); ``None``: the file name.

    Returns
    -------
    Workspace
        Its sites (as written: checked again by :func:`esr_geo.workspace.site_file` and
        :func:`esr_geo.offices.read_sites`), zones and scenarios.

    Raises
    ------
    InputError
        Naming the file, what was expected and what to do, when the file is missing, too
        large, not a GeoPackage, a GeoPackage that is not a workspace, of another format
        version (older or newer), or damaged (every problem of its tables listed at once).
    """
    path = Path(path)
    label = name or path.name
    check_file(path, label, kind=WORKSPACE_FILE)
    with tempfile.TemporaryDirectory(prefix="esr_geo_ws_") as tmp:
        copy = _private_copy(path, label, Path(tmp))
        meta, tables = _read_database(copy, label)
        own = [layer for layer in ("sites", "zones") if meta.get(layer) == "file"]  # else not read: demo, default
        tables.update({layer: _read_layer(copy, layer, label) for layer in ("scenario_added_sites", *own)})
    problems: list[str] = []
    sites = _sites_of(tables["sites"], problems) if meta.get("sites") == "file" else None
    zones = _zones_of(tables["zones"], problems) if meta.get("zones") == "file" else None
    scenarios = _scenarios_of(tables, problems)
    if meta.get("sites") not in ("file", "demo"):
        problems.append(f"its sites entry is {shown(meta.get('sites', ''))}; it must be file or demo")
    if meta.get("zones") not in ("file", "default"):
        problems.append(f"its zones entry is {shown(meta.get('zones', ''))}; it must be file or default")
    if problems:
        raise InputError(
            f"Workspace file {named(label)} is damaged ({len(problems)} problem(s)); open an earlier copy of the "
            "workspace, or fix these in QGIS and open it again:",
            problems,
            parameter="workspace",
        )
    log.info("%s: workspace format %s saved by esr-geo %s", label, FORMAT_VERSION, meta.get("esr_geo_version"))
    return Workspace(
        sites=sites,
        zones=zones,
        scenarios=scenarios,
        name=label,
        sites_label=meta.get("sites_label", ""),
        zones_label=meta.get("zones_label", ""),
        created=meta.get("created", ""),
        saved=meta.get("saved", ""),
        saved_by=meta.get("esr_geo_version", ""),
    )


def read_workspace_bytes(data: bytes, *, name: str) -> Workspace:
    """Open a workspace from its bytes (an upload), as :func:`open_workspace` does."""
    with tempfile.TemporaryDirectory(prefix="esr_geo_ws_up_") as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(data)
        return open_workspace(path, name=name)


__all__ = [
    "APPLICATION",
    "FORMAT_VERSION",
    "META_TABLE",
    "TABLES",
    "WORKSPACE_FILE",
    "open_workspace",
    "read_workspace_bytes",
    "save_workspace",
    "workspace_bytes",
]
