"""Road networks: reading a road layer, recognising its schema and giving every road a speed.

Four schemas are recognised by their columns (:data:`SCHEMA_COLUMNS`):

- ``"rnf"``: Statistics Canada's **Road Network File** (``CLASS`` and ``RANK``). The
  meaning of each ``CLASS`` code is Statistics Canada's 2021 Census attribute domain
  ``CLASS`` (Road Network File, Reference Guide, Census year 2021, catalogue 92-500-G:
  10 Highway, 11 Expressway, 12 Primary highway, 13 Secondary highway, 20 Road,
  21 Arterial, 22 Collector, 23 Local, 24 Alley / Lane / Utility, 25 Connector / Ramp,
  26 Reserve / Trail, 27 Rapid transit, 28 Planned, 29 Strata, 80 Bridge / Tunnel,
  87 Winter, 90 Unknown; transcribed in mountainMath/canstreet ``R/domains.R`` from the
  domain page). In the bundle's City of Ottawa file class 80 holds the Mackenzie King and
  Portage bridges and class 27 the Transitway, as the domain says.
- ``"orn"``: the **Ontario Road Network** road net elements (``ROAD_CLASS`` or its
  shapefile spelling ``ROAD_CL``; ``DIRECTION`` ``Both``/``Positive``/``Negative`` or
  ``DIRECTION_`` 0/+1/-1, relative to the digitised direction). Its classes are the
  National Road Network's functional road classes (Statistics Canada, NRN feature catalogue).
- ``"osm"``: **OpenStreetMap** ways (``highway``; ``maxspeed``, ``oneway``, ``junction``,
  ``access``, ``motor_vehicle`` as columns or in GDAL's ``other_tags``), from ``.osm`` XML and
  ``.osm.pbf`` (GDAL's OSM driver, layer ``lines``) or an Overpass API JSON answer (parsed
  here: ways and their nodes).
- ``"speed"``: any line layer with a speed column in km/h (:data:`SPEED_COLUMNS`) and an
  optional one-way column (:data:`ONEWAY_COLUMNS`).

Speeds come from ``data/speeds.csv`` (road class to km/h for each schema, every row with
its source: Ontario's Highway Traffic Act s. 128 and R.R.O. 1990 Reg. 619); a class whose
``kmh`` is blank there (trails, transit-only roads, planned and winter roads, OSM footways,
service ways, ...) is not driven. A planner's speeds file (CSV ``class,kmh``) replaces the
table of the recognised schema: only the classes it lists are driven. OSM ``maxspeed`` wins
where it can be read (``50``, ``50 km/h``, ``30 mph``, ``CA:urban``, ...).

Files are server-side paths, but are opened as carefully as uploads (see
:mod:`esr_geo.readers`): the driver is forced by the extension after the first bytes were
checked, GDAL virtual and network paths are refused, a GeoPackage is read from a private
copy. Nothing is dropped silently: :attr:`RoadLayer.dropped` counts every feature left out,
by reason.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from esr_geo import data, readers, settings
from esr_geo.errors import InputError, named, shown

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]

#: The schema codes, in the order they are tried.
SCHEMAS: tuple[str, ...] = ("osm", "orn", "rnf", "speed")

#: The columns that make each schema, as messages list them.
SCHEMA_COLUMNS: dict[str, str] = {
    "rnf": "Statistics Canada Road Network File: CLASS and RANK",
    "orn": "Ontario Road Network: ROAD_CLASS (or ROAD_CL), with DIRECTION (Both, Positive, Negative) or DIRECTION_ "
    "(0, 1, -1) for one-way streets",
    "osm": "OpenStreetMap: highway, with maxspeed and oneway as columns or in other_tags",
    "speed": "any line layer: a speed column in km/h (speed, speed_kmh, kmh or vitesse), with an optional one-way "
    "column (oneway: 0 both ways, 1 along the line's direction, -1 against it)",
}

#: Folded names (:func:`esr_geo.readers.fold_header`) of a speed column in km/h.
SPEED_COLUMNS: tuple[str, ...] = ("speed", "speedkmh", "speedkph", "kmh", "kph", "vitesse", "vitessekmh", "speedlimit")
#: Folded names of a one-way column.
ONEWAY_COLUMNS: tuple[str, ...] = ("oneway", "sensunique", "onewaydirection")
#: ORN direction columns, in order of preference (exact names, upper case).
ORN_DIRECTION_COLUMNS: tuple[str, ...] = ("DIRECTION", "DIRECTION_", "DIRECTION_OF_TRAFFIC_FLOW")

#: One-way values of a one-way column (folded, lower case): 0 both ways, 1 along the
#: digitised direction, -1 against it (ORN words, OSM tags and ArcGIS's FT/TF).
ONEWAY_VALUES: dict[str, int] = {
    "0": 0, "no": 0, "false": 0, "n": 0, "f": 0, "b": 0, "both": 0, "": 0,
    "1": 1, "yes": 1, "true": 1, "y": 1, "t": 1, "ft": 1, "positive": 1,
    "-1": -1, "tf": -1, "negative": -1, "reverse": -1,
}  # fmt: skip
#: OSM ``oneway`` values read as two-way, logged (reversible lanes change direction by time of day).
OSM_TWO_WAY_TAGS: tuple[str, ...] = ("reversible", "alternating")
#: OSM ways a car may not use whatever their class (``access``, ``motor_vehicle``, ``motorcar``).
OSM_NO_CARS: tuple[str, ...] = ("no",)
#: km/h of the implicit OSM ``maxspeed`` values of Canada and Ontario: Highway Traffic Act
#: s. 128(1) (50 in a built-up area, 80 outside) and Reg. 619 Part 1 (100 on freeways).
OSM_IMPLICIT_KMH: dict[str, float] = {
    "ca:urban": 50.0, "ca:on:urban": 50.0, "ca:rural": 80.0, "ca:on:rural": 80.0,
    "ca:motorway": 100.0, "ca:on:motorway": 100.0,
}  # fmt: skip
_MPH_KMH = 1.609344
_MAXSPEED = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|mph)?\s*")
_TAG_KEYS = ("maxspeed", "oneway", "junction", "access", "motor_vehicle", "motorcar")

#: Why features were left out (:attr:`RoadLayer.dropped`).
DROP_REASONS: tuple[str, ...] = (
    "not_drivable",  # a class the speeds table does not drive (trails, transit, footways, ...)
    "no_class",  # no class at all (OSM ways that are not highways: railways, waterways, barriers)
    "unknown_class",  # a class outside the schema's vocabulary
    "no_motor_access",  # OSM access=no, motor_vehicle=no or motorcar=no
    "not_a_line",  # points or polygons in the layer
    "empty_geometry",  # no geometry, or fewer than two distinct points
)

#: The project table of speeds by schema and class (see the module docstring).
SPEEDS_PATH = settings.PROJECT_DATA_DIR / "speeds.csv"

_SQLITE_MAGIC = b"SQLite format 3\x00"
_ROAD_SUFFIXES = (".gpkg", ".zip", ".shp", ".gdb", ".osm", ".pbf", ".json", ".geojson")

ROAD_FILE = readers.FileKind(
    noun="Road network file",
    no_rows="no roads",
    rows_fix="export the road layer with its lines",
    empty_fix="export the road layer again",
    layer_fix="export the road layer with its lines",
    shapes="roads",
    layer="the road layer",
    guide=(
        "esr-geo reads the Statistics Canada Road Network File, the Ontario Road Network, OpenStreetMap and any "
        "line layer with a speed column"
    ),
    formats=(
        "GeoPackage (.gpkg), zipped shapefile (.zip), shapefile (.shp), File Geodatabase (.gdb folder), "
        "OpenStreetMap (.osm, .osm.pbf), Overpass JSON or GeoJSON (.json, .geojson)"
    ),
    size_fix="Clip the network to the area studied in a GIS (e.g. QGIS: Vector > Geoprocessing > Clip).",
    max_mb_setting="ROAD_FILE_MAX_MB",
)

SPEEDS_FILE = readers.FileKind(
    noun="Speeds file",
    no_rows="no speeds",
    rows_fix="add one row per road class: its class and its speed in km/h",
    empty_fix="write one row per road class: class,kmh",
    layer_fix="write one row per road class: class,kmh",
    shapes="rows",
    layer="the speeds table",
    guide="the file is a CSV table with the columns class and kmh",
    formats="CSV (.csv) or Excel (.xlsx)",
    size_fix="Keep one row per road class.",
    max_mb_setting="SPEEDS_FILE_MAX_MB",
)


@dataclass(frozen=True)
class SpeedTable:
    """The speeds of one schema's road classes.

    Attributes
    ----------
    schema : str
        The schema code.
    kmh : dict of str to float
        Speed of each driven class, in km/h (positive).
    vocabulary : tuple of str
        Every class the schema knows (driven or not), as spelt in the table.
    source : str
        ``'default'`` for ``data/speeds.csv``, else the planner's file (its path).
    digest : str
        SHA-256 (hex) of the bytes of the table used (part of the network cache key).
    """

    schema: str
    kmh: dict[str, float]
    vocabulary: tuple[str, ...]
    source: str
    digest: str

    def lookup(self, classes: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Return each class's canonical spelling (``''`` when unknown) and speed (NaN when not driven).

        ORN classes are matched on their folded spelling (``Local/Street`` is ``Local / Street``).
        """
        text = classes.astype("string").fillna("").str.strip()
        if self.schema == "orn":
            canon = {readers.fold_header(v): v for v in self.vocabulary}
        elif self.schema == "osm":
            canon = {v.lower(): v for v in self.vocabulary}
        else:
            canon = {v: v for v in self.vocabulary}
        fold = readers.fold_header if self.schema == "orn" else str.lower if self.schema == "osm" else str
        spelt = {value: canon.get(fold(value), "") for value in text.unique()}
        names = text.map(spelt).astype(object)
        return names, names.map(self.kmh).astype(float)


@dataclass(frozen=True)
class RoadLayer:
    """A road layer read and recognised, ready to be built into a network.

    Attributes
    ----------
    lines : geopandas.GeoDataFrame
        One row per drivable line (multi-part lines are split), in a projected CRS in metres:
        ``road_class`` (str, the schema's class: an RNF ``CLASS`` code, an ORN class, an OSM
        ``highway`` value, or ``''`` for the ``speed`` schema), ``kmh`` (float, km/h, > 0),
        ``oneway`` (int8: 0 both ways, 1 along the digitised direction, -1 against it) and
        ``geometry`` (LineString).
    schema : str
        The schema recognised: ``'rnf'``, ``'orn'``, ``'osm'`` or ``'speed'``.
    path : pathlib.Path
        The file read.
    speeds_source : str
        ``'default'`` (``data/speeds.csv``), ``'file'`` (the layer's own speed column) or
        the path of the planner's speeds file.
    speeds_digest : str
        SHA-256 (hex) of the speeds table used (empty for the ``speed`` schema).
    layer : str or None
        The layer read, for files with layers.
    dropped : dict of str to int
        Features left out, by reason (:data:`DROP_REASONS`); reasons with none are absent.
    dropped_classes : dict of str to int
        Features left out as not driven or unknown, by their class as written in the file.
    maxspeed_used : int
        OSM ways whose speed is their own ``maxspeed``.
    maxspeed_unparsed : dict of str to int
        OSM ``maxspeed`` values that could not be read (the class speed was used), with counts.
    source_crs : str
        The file's CRS (authority code or name).
    reprojected : bool
        True when the file was not in metres and was reprojected (to ``lines.crs``).
    """

    lines: gpd.GeoDataFrame
    schema: str
    path: Path
    speeds_source: str
    speeds_digest: str = ""
    layer: str | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    dropped_classes: dict[str, int] = field(default_factory=dict)
    maxspeed_used: int = 0
    maxspeed_unparsed: dict[str, int] = field(default_factory=dict)
    source_crs: str = ""
    reprojected: bool = False


# --------------------------------------------------------------------------------------
# Speeds


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def default_speeds(schema: str) -> SpeedTable:
    """Return the project's speeds of one schema's classes (``data/speeds.csv``).

    Parameters
    ----------
    schema : str
        ``'rnf'``, ``'orn'`` or ``'osm'``.

    Returns
    -------
    SpeedTable
        The driven classes (``kmh`` not blank) and the whole vocabulary of the schema.

    Raises
    ------
    DataError
        If the table is missing, unreadable, or has a ``kmh`` that is not a positive number.
    """
    frame = data.read_project_csv(
        SPEEDS_PATH, what="Speeds table", columns=["schema", "class", "kmh", "source"], fix="restore it from git"
    )
    rows = frame[frame["schema"] == schema]
    kmh = pd.to_numeric(rows["kmh"], errors="coerce")
    bad = rows[(rows["kmh"] != "") & ~(kmh > 0)]
    if len(bad) or rows.empty:
        from esr_geo.errors import DataError

        raise DataError(
            f"Speeds table {SPEEDS_PATH}: no rows for schema {schema!r}, or a kmh that is not a positive number "
            f"(rows {', '.join(str(i + 2) for i in bad.index[:10])}); restore it from git."
        )
    driven = kmh.notna()
    return SpeedTable(
        schema=schema,
        kmh=dict(zip(rows.loc[driven, "class"], kmh[driven].astype(float), strict=True)),
        vocabulary=tuple(rows["class"]),
        source="default",
        digest=_digest(SPEEDS_PATH.read_bytes()),
    )


def read_speeds(path: PathLike, schema: str) -> SpeedTable:
    """Read a planner's speeds file (CSV or Excel, columns ``class`` and ``kmh``) for one schema.

    Its classes replace the default table of the schema: only the classes it lists are
    driven. Every problem is reported at once.

    Parameters
    ----------
    path : path-like
        The speeds file.
    schema : str
        The schema of the road network it is for (``'rnf'``, ``'orn'`` or ``'osm'``).

    Returns
    -------
    SpeedTable
        ``source`` the file's path.

    Raises
    ------
    InputError
        If the file cannot be read, lacks a column, or has a class the schema does not know,
        a speed that is not a positive number of km/h, or a class given twice with different
        speeds (``parameter='speeds'``).
    """
    path = Path(path)
    if schema == "speed":
        raise InputError(
            f"Speeds file {named(path.name)}: the road network has its own speed column, so a speeds file (road "
            "class to km/h) does not apply. Leave the speeds file out, or give a network whose roads have classes "
            "(Road Network File, Ontario Road Network or OpenStreetMap).",
            parameter="speeds",
        )
    table = readers.read_table(path, kind=SPEEDS_FILE)
    by_fold = {readers.fold_header(c): c for c in table.columns}
    missing = [c for c in ("class", "kmh") if c not in by_fold]
    if missing:
        raise InputError(
            f"Speeds file {named(path.name)} lacks the column(s) {', '.join(missing)}; its columns are "
            f"{', '.join(shown(c) for c in table.columns)}. Expected the columns class and kmh (one row per road "
            "class, speed in km/h).",
            parameter="speeds",
        )
    base = default_speeds(schema)
    names, _ = base.lookup(table[by_fold["class"]])
    kmh = pd.to_numeric(table[by_fold["kmh"]].str.strip(), errors="coerce")
    problems = _speed_problems(table, by_fold, names, kmh, base)
    if problems:
        vocabulary = ", ".join(base.vocabulary)
        raise InputError(
            f"Speeds file {named(path.name)} has {len(problems)} problem(s). Each row needs a road class of the "
            f"network's schema ({schema}: {vocabulary}) and a speed in km/h above 0.",
            problems,
            parameter="speeds",
        )
    speeds = dict(zip(names, kmh.astype(float), strict=True))
    return SpeedTable(
        schema=schema, kmh=speeds, vocabulary=base.vocabulary, source=str(path), digest=_digest(path.read_bytes())
    )


def _speed_problems(
    table: pd.DataFrame, by_fold: dict[str, str], names: pd.Series, kmh: pd.Series, base: SpeedTable
) -> list[str]:
    problems: list[str] = []
    raw_class = table[by_fold["class"]]
    raw_kmh = table[by_fold["kmh"]]
    for row, cls, name, value, speed in zip(table.index, raw_class, names, raw_kmh, kmh, strict=True):
        if not name:
            problems.append(f"row {row}: class {shown(cls)} is not a {base.schema} road class")
        if not speed > 0:
            problems.append(f"row {row}: speed {shown(value)} is not a number of km/h above 0")
    given = pd.DataFrame({"name": names, "kmh": kmh})
    given = given[given["name"] != ""]
    for name, speeds in given.groupby("name")["kmh"]:
        if speeds.nunique() > 1:
            problems.append(f"class {shown(name)} is given {len(speeds)} different speeds")
    return problems


# --------------------------------------------------------------------------------------
# Opening the file


@dataclass(frozen=True)
class _Source:
    """A GDAL-readable layer: its path (driver prefix included), layer, encoding and fields."""

    target: str
    layer: str | None
    encoding: str | None
    fields: tuple[str, ...]
    what: str


def _check_path(path: Path, label: str) -> str:
    """Refuse virtual/network paths, missing or oversized files; return the format suffix."""
    suffix = path.suffix.lower()
    if suffix == ".pbf" and not path.name.lower().endswith(".osm.pbf"):
        suffix = ".pbf"
    if suffix not in _ROAD_SUFFIXES:
        raise InputError(
            f"Road network file {named(label)} is not in a format esr-geo reads. Accepted formats: "
            f"{ROAD_FILE.formats}.",
            parameter="path",
        )
    if suffix == ".gdb":
        _check_gdb(path, label)
    else:
        readers.check_file(path, label, kind=ROAD_FILE)
    return suffix


def _check_gdb(path: Path, label: str) -> None:
    if str(path).replace("\\", "/").lower().startswith("/vsi") or re.match(r"[a-z][a-z0-9+.-]+:/", str(path), re.I):
        readers.check_file(path, label, kind=ROAD_FILE)  # refuses virtual and network paths
    if not path.is_dir():
        raise InputError(
            f"Road network file {named(label)} ({path}) is not a File Geodatabase folder. Give the path of the "
            ".gdb folder itself.",
            parameter="path",
        )
    files = [p for p in path.iterdir() if p.is_file()]
    if not any(p.suffix.lower() == ".gdbtable" for p in files):
        raise InputError(
            f"Road network file {named(label)} is a folder without File Geodatabase tables (.gdbtable). Give the "
            ".gdb folder written by a GIS.",
            parameter="path",
        )
    size = sum(p.stat().st_size for p in files)
    if size > ROAD_FILE.max_mb * 1_000_000:
        raise InputError(
            f"Road network file {named(label)} is {size / 1_000_000:.1f} MB; {ROAD_FILE.limit_text()}. "
            f"{ROAD_FILE.size_fix}",
            parameter="path",
        )


def _refused(label: str, expected: str) -> InputError:
    return InputError(
        f"Road network file {named(label)} is not {expected}: its content does not match its extension. Export "
        f"the road layer again; accepted formats: {ROAD_FILE.formats}.",
        parameter="path",
    )


def _check_osm_head(path: Path, label: str, suffix: str) -> None:
    """Check the first bytes of an OSM file: ``<osm`` as the XML root, or a PBF ``OSMHeader`` blob."""
    with path.open("rb") as stream:
        head = stream.read(4096)
    if suffix == ".pbf":
        if not (len(head) > 15 and head[4:6] == b"\x0a\x09" and head[6:15] == b"OSMHeader"):
            raise _refused(label, "an OpenStreetMap PBF file")
        return
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    text = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", text)
    text = re.sub(rb"^(<!--.*?-->\s*)+", b"", text, flags=re.S)
    if not re.match(rb"<osm[\s>]", text):
        raise _refused(label, "OpenStreetMap XML (its root element must be <osm>)")


def _line_layer(layers: Iterable[tuple[str, str]], label: str, layer: str | None) -> str:
    """Choose the layer to read: the one named, else the only line layer."""
    listed = [(str(n), str(g)) for n, g in layers]
    if layer is not None:
        if layer not in [n for n, _ in listed]:
            raise InputError(
                f"Road network file {named(label)} has no layer {shown(layer)}; its layers are "
                f"{', '.join(shown(n) for n, _ in listed) or 'none'}.",
                parameter="layer",
            )
        return layer
    lines = [n for n, g in listed if "linestring" in g.lower()]
    if len(lines) == 1:
        return lines[0]
    if not lines:
        kinds = ", ".join(f"{shown(n)} ({g})" for n, g in listed) or "no layers"
        raise InputError(
            f"Road network file {named(label)} has no line layer ({kinds}). A road network is a layer of lines "
            "(LineString or MultiLineString).",
            parameter="path",
        )
    raise InputError(
        f"Road network file {named(label)} holds {len(lines)} line layers "
        f"({', '.join(shown(n) for n in lines[:10])}); name the road layer to read.",
        parameter="layer",
    )


def _gpkg_source(path: Path, label: str, folder: Path, layer: str | None) -> _Source:
    """Copy a GeoPackage (with its ``-wal``) and choose its road layer, refusing unsafe virtual tables."""
    import pyogrio

    with path.open("rb") as stream:
        if stream.read(16) != _SQLITE_MAGIC:
            raise _refused(label, "a GeoPackage")
    copy = folder / "roads.gpkg"
    shutil.copyfile(path, copy)
    wal = path.with_name(path.name + "-wal")
    if wal.is_file():
        shutil.copyfile(wal, folder / "roads.gpkg-wal")
    master, _contents = readers._gpkg_schema(copy, label, ROAD_FILE)
    # the same rule as readers._gpkg_layer: only R*Tree virtual tables (the spatial index) are allowed
    unsafe = [
        n
        for n, t, sql in master
        if t == "table"
        and re.match(r"\s*create\s+virtual\s+table", sql, re.I)
        and not re.search(r"\busing\s+(" + "|".join(readers._SAFE_VIRTUAL) + r")\b", sql, re.I)
    ]
    if unsafe:
        raise InputError(
            f"Road network file {named(label)} was refused: it holds virtual tables "
            f"({', '.join(shown(u) for u in unsafe)}) that could read other files. Save the road layer alone into a "
            "new GeoPackage.",
            parameter="path",
        )
    target = f"GPKG:{copy}"
    chosen = _line_layer(pyogrio.list_layers(target), label, layer)
    return _source(target, chosen, None, "a GeoPackage")


def _source(target: str, layer: str | None, encoding: str | None, what: str) -> _Source:
    import pyogrio

    info = pyogrio.read_info(target, layer=layer, encoding=encoding)
    return _Source(target, layer, encoding, tuple(str(f) for f in info["fields"]), what)


def _open(path: Path, label: str, suffix: str, folder: Path, layer: str | None) -> _Source:
    """Check the file and return the GDAL source to read (GeoPackage, shapefile, .gdb, OSM, GeoJSON)."""
    import pyogrio

    if suffix == ".gpkg":
        return _gpkg_source(path, label, folder, layer)
    if suffix == ".zip":
        target, encoding = readers._zip_shapefile(path, label, ROAD_FILE)
        return _source(target, None, encoding, "a zipped shapefile")
    if suffix == ".shp":
        target, encoding = readers._local_shapefile(path, label, ROAD_FILE)
        return _source(target, None, encoding, "a shapefile")
    if suffix == ".gdb":
        target = str(path)
        return _source(target, _line_layer(pyogrio.list_layers(target), label, layer), None, "a File Geodatabase")
    if suffix in (".osm", ".pbf"):
        _check_osm_head(path, label, suffix)
        return _source(str(path), "lines", None, "an OpenStreetMap file")
    readers._geojson_check(path, label, ROAD_FILE)
    return _source(f"GeoJSON:{path}", None, None, "GeoJSON")


def _read_gdal(source: _Source, label: str, columns: list[str]) -> gpd.GeoDataFrame:
    import pyogrio

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL notes on benign quirks of the file
            frame = pyogrio.read_dataframe(
                source.target, layer=source.layer, encoding=source.encoding, columns=columns, use_arrow=True
            )
    except Exception as exc:  # pyogrio raises several unrelated types for broken files
        raise InputError(
            f"Road network file {named(label)} could not be read as {source.what} ({type(exc).__name__}). Check "
            f"that it opens in a GIS (e.g. QGIS), or use one of these formats: {ROAD_FILE.formats}.",
            parameter="path",
        ) from exc
    if not isinstance(frame, gpd.GeoDataFrame):
        raise InputError(
            f"Road network file {named(label)} has no geometries: it is a table, not a road layer. A road network "
            "is a layer of lines.",
            parameter="path",
        )
    return frame


# --------------------------------------------------------------------------------------
# Overpass JSON


def _overpass(raw: dict[str, Any], label: str) -> gpd.GeoDataFrame:
    """Build OSM ways (highway and the tags read) from an Overpass API JSON answer (``out body`` or ``out geom``)."""
    elements = raw.get("elements")
    if not isinstance(elements, list):
        raise _refused(label, "an Overpass API JSON answer (it has no 'elements' list)")
    nodes: dict[int, tuple[float, float]] = {}
    for el in elements:
        if isinstance(el, dict) and el.get("type") == "node" and "lat" in el and "lon" in el:
            nodes[int(el["id"])] = (float(el["lon"]), float(el["lat"]))
    rows: list[dict[str, Any]] = []
    coords: list[list[tuple[float, float]]] = []
    for el in elements:
        if not (isinstance(el, dict) and el.get("type") == "way"):
            continue
        tags = el.get("tags") or {}
        if "geometry" in el and isinstance(el["geometry"], list):
            pts = [(float(g["lon"]), float(g["lat"])) for g in el["geometry"] if isinstance(g, dict) and "lon" in g]
        else:
            pts = [nodes[n] for n in el.get("nodes", []) if n in nodes]
        rows.append({"highway": tags.get("highway")} | {k: tags.get(k) for k in _TAG_KEYS})
        coords.append(pts)
    if not rows:
        raise InputError(
            f"Road network file {named(label)} is an Overpass answer without ways. Ask Overpass for the ways "
            "(e.g. way[highway]; (._;>;); out body;).",
            parameter="path",
        )
    geoms = np.array([shapely.LineString(p) if len(p) >= 2 else None for p in coords], dtype=object)
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs="EPSG:4326")


def _read_json(path: Path, label: str, layer: str | None) -> tuple[gpd.GeoDataFrame | None, bool]:
    """Return an Overpass answer's ways, or ``(None, False)`` when the file is GeoJSON."""
    with path.open("rb") as stream:
        head = stream.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        raise _refused(label, "JSON (an Overpass API answer or GeoJSON)")
    if b'"elements"' not in head and b'"FeatureCollection"' in head:
        return None, False
    try:
        raw = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(
            f"Road network file {named(label)} is not valid JSON ({shown(exc)}). Save the Overpass API answer again.",
            parameter="path",
        ) from exc
    if isinstance(raw, dict) and raw.get("type") == "FeatureCollection":
        return None, False
    if not isinstance(raw, dict):
        raise _refused(label, "an Overpass API JSON answer")
    return _overpass(raw, label), True


# --------------------------------------------------------------------------------------
# Schema


def recognise(fields: Iterable[str], *, label: str = "the road network") -> tuple[str, dict[str, str]]:
    """Recognise the schema of a road layer from its column names.

    Parameters
    ----------
    fields : iterable of str
        The layer's column names.
    label : str, keyword-only
        The file's display name, for the message.

    Returns
    -------
    schema : str
        ``'osm'``, ``'orn'``, ``'rnf'`` or ``'speed'``, tried in that order.
    columns : dict of str to str
        The columns found for each role (``class``, ``rank``, ``direction``, ``speed``,
        ``oneway``, ``other_tags`` and the OSM tag keys).

    Raises
    ------
    InputError
        If no schema matches, naming for each schema the columns expected.
    """
    names = [str(f) for f in fields]
    folded: dict[str, str] = {}
    for name in names:
        folded.setdefault(readers.fold_header(name), name)
    upper = {n.upper(): n for n in names}
    if "highway" in folded:
        cols = {"class": folded["highway"]}
        cols |= {
            k: folded[readers.fold_header(k)] for k in (*_TAG_KEYS, "other_tags") if readers.fold_header(k) in folded
        }
        return "osm", cols
    for key in ("ROAD_CLASS", "ROAD_CL"):
        if key in upper:
            cols = {"class": upper[key]}
            direction = next((upper[d] for d in ORN_DIRECTION_COLUMNS if d in upper), None)
            if direction is not None:
                cols["direction"] = direction
            return "orn", cols
    if "class" in folded and "rank" in folded:
        return "rnf", {"class": folded["class"], "rank": folded["rank"]}
    speed = next((folded[s] for s in SPEED_COLUMNS if s in folded), None)
    if speed is not None:
        cols = {"speed": speed}
        oneway = next((folded[s] for s in ONEWAY_COLUMNS if s in folded), None)
        if oneway is not None:
            cols["oneway"] = oneway
        return "speed", cols
    expected = [f"{code}: {SCHEMA_COLUMNS[code]}" for code in ("rnf", "orn", "osm", "speed")]
    listed = ", ".join(shown(n) for n in names[:30]) or "none"
    raise InputError(
        f"Road network file {named(label)}: its columns ({listed}) match none of the road network schemas esr-geo "
        "reads. Expected, for each schema:",
        expected,
        parameter="path",
    )


# --------------------------------------------------------------------------------------
# Geometry and CRS


def _metric(frame: gpd.GeoDataFrame, label: str) -> tuple[gpd.GeoDataFrame, str, bool]:
    """Return the layer in a projected CRS in metres (reprojected, logged), its CRS and whether it moved."""
    crs = frame.crs
    if crs is None:
        raise InputError(
            f"Road network file {named(label)} declares no coordinate reference system, so its roads cannot be "
            "placed; assign the layer's CRS in a GIS and save it again (the Road Network File is in EPSG:3347, the "
            "Ontario Road Network in EPSG:4269, OpenStreetMap in EPSG:4326).",
            parameter="path",
        )
    name = crs.to_string()
    unit = crs.axis_info[0].unit_name.lower() if crs.axis_info else ""
    if crs.is_projected and unit in ("metre", "meter"):
        return frame, name, False
    degrees = frame.to_crs(settings.DISPLAY_CRS) if not crs.is_geographic else frame
    west, _south, east, _north = degrees.total_bounds
    target: pyproj.CRS | str | None
    target = degrees.estimate_utm_crs(datum_name="NAD83") if east - west <= 6.0 else settings.ROAD_WIDE_CRS
    log.info("%s: CRS %s is not in metres; roads reprojected to %s for measuring", label, name, target)
    return frame.to_crs(target), name, True


def _count(counts: dict[str, int], key: str, n: int) -> None:
    if n:
        counts[key] = counts.get(key, 0) + n


# --------------------------------------------------------------------------------------
# Classes, speeds and one-way flags by schema


def parse_maxspeed(values: pd.Series) -> pd.Series:
    """Return OSM ``maxspeed`` values in km/h (NaN where missing or unreadable).

    Reads ``50``, ``50 km/h``, ``50 kmh``, ``30 mph`` and the implicit values of
    :data:`OSM_IMPLICIT_KMH` (``CA:urban``, ``CA:ON:rural``, ...); of several values
    (``50;40``) the lowest.
    """
    text = values.astype("string").str.strip().str.lower()
    out = pd.Series(np.nan, index=values.index, dtype=float)
    for value in text.dropna().unique():
        out[text == value] = _one_maxspeed(str(value))
    return out


def _one_maxspeed(value: str) -> float:
    speeds = []
    for part in value.split(";"):
        part = part.strip()
        if part in OSM_IMPLICIT_KMH:
            speeds.append(OSM_IMPLICIT_KMH[part])
            continue
        match = _MAXSPEED.fullmatch(part)
        if match is None:
            continue
        number = float(match.group(1))
        speeds.append(number * _MPH_KMH if match.group(2) == "mph" else number)
    speeds = [s for s in speeds if s > 0]
    return min(speeds) if speeds else float("nan")


def _hstore(tags: pd.Series, key: str) -> pd.Series:
    """Extract one key from GDAL's ``other_tags`` (``"k"=>"v",...``)."""
    return tags.astype("string").str.extract(rf'"{re.escape(key)}"=>"((?:[^"\\]|\\.)*)"', expand=False)


def _osm_tag(frame: pd.DataFrame, cols: dict[str, str], key: str) -> pd.Series:
    if key in cols:
        return frame[cols[key]].astype("string")
    if "other_tags" in cols:
        return _hstore(frame[cols["other_tags"]], key)
    return pd.Series(pd.NA, index=frame.index, dtype="string")


def _osm_oneway(frame: pd.DataFrame, cols: dict[str, str], highway: pd.Series, label: str) -> np.ndarray:
    raw = _osm_tag(frame, cols, "oneway").str.strip().str.lower()
    junction = _osm_tag(frame, cols, "junction").str.strip().str.lower()
    oneway = raw.map(ONEWAY_VALUES)
    two_way = raw.isin(OSM_TWO_WAY_TAGS)
    unread = raw.notna() & oneway.isna() & ~two_way
    if two_way.any() or unread.any():
        log.info(
            "%s: %d ways with oneway=reversible/alternating and %d with an unknown oneway value (%s) are driven both "
            "ways",
            label,
            int(two_way.sum()),
            int(unread.sum()),
            ", ".join(sorted(raw[unread].dropna().unique())[:10]),
        )
    implied = (highway == "motorway") | junction.isin(["roundabout", "circular"])
    given = (raw.notna() & oneway.notna()).to_numpy()
    default = np.where(implied.fillna(False).to_numpy(dtype=bool), 1, 0)
    return np.where(given, oneway.fillna(0).to_numpy(dtype=float), default).astype("int8")


def _no_cars(frame: pd.DataFrame, cols: dict[str, str]) -> np.ndarray:
    mask = np.zeros(len(frame), dtype=bool)
    for key in ("access", "motor_vehicle", "motorcar"):
        values = _osm_tag(frame, cols, key).str.strip().str.lower()
        mask |= values.isin(OSM_NO_CARS).fillna(False).to_numpy()
    return mask


@dataclass
class _Tally:
    """What was left out and how speeds were found, while reading."""

    dropped: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    maxspeed_used: int = 0
    maxspeed_unparsed: dict[str, int] = field(default_factory=dict)


def _classed(raw: pd.Series, table: SpeedTable, tally: _Tally) -> tuple[np.ndarray, np.ndarray]:
    """Return each feature's canonical class and speed (NaN: not driven); count what is left out."""
    names, kmh = table.lookup(raw)
    written = raw.astype("string").fillna("").str.strip()
    blank = (written == "").to_numpy()
    unknown = (names == "").to_numpy() & ~blank
    not_driven = ~unknown & ~blank & kmh.isna().to_numpy()
    _count(tally.dropped, "no_class", int(blank.sum()))
    _count(tally.dropped, "unknown_class", int(unknown.sum()))
    _count(tally.dropped, "not_drivable", int(not_driven.sum()))
    for key, n in written[unknown | not_driven].value_counts().items():
        _count(tally.classes, str(key), int(n))
    if unknown.any():
        log.warning(
            "%d road features have a class outside the %s vocabulary and are left out: %s",
            int(unknown.sum()),
            table.schema,
            ", ".join(f"{k} ({v})" for k, v in written[unknown].value_counts().head(10).items()),
        )
    return names.to_numpy(dtype=object), kmh.to_numpy(dtype=float)


def _direction(values: pd.Series, label: str, column: str) -> np.ndarray:
    """Read a one-way column: 0 both ways, 1 along the digitised direction, -1 against it."""
    text = values.astype("string").str.strip().str.lower()
    number = pd.to_numeric(text, errors="coerce")
    whole = number.notna() & (number % 1 == 0)
    text = text.where(~whole, number.where(whole).astype("Int64").astype("string"))
    flags = text.fillna("").map(ONEWAY_VALUES)
    bad = flags.isna()
    if bad.any():
        found = ", ".join(shown(v) for v in text[bad].dropna().unique()[:10])
        raise InputError(
            f"Road network file {named(label)}: column {shown(column)} has {int(bad.sum()):,} value(s) that are not "
            f"a direction ({found}). Expected Both, Positive or Negative (or 0, 1, -1; yes, no): 0 both ways, 1 "
            "along the line's digitised direction, -1 against it.",
            parameter="path",
        )
    return flags.astype("int8").to_numpy()


def _attrs_rnf(frame: pd.DataFrame, cols: dict[str, str], table: SpeedTable, tally: _Tally) -> tuple[np.ndarray, ...]:
    raw = frame[cols["class"]]
    number = pd.to_numeric(raw, errors="coerce")
    whole = number.notna() & (number % 1 == 0)
    raw = raw.astype("string").where(~whole, number.where(whole).astype("Int64").astype("string")).fillna("")
    names, kmh = _classed(raw, table, tally)
    return names, kmh, np.zeros(len(frame), dtype="int8")


def _attrs_orn(
    frame: pd.DataFrame, cols: dict[str, str], table: SpeedTable, tally: _Tally, label: str
) -> tuple[np.ndarray, ...]:
    names, kmh = _classed(frame[cols["class"]].astype("string").fillna(""), table, tally)
    if "direction" in cols:
        oneway = _direction(frame[cols["direction"]], label, cols["direction"])
    else:
        log.info("%s: no DIRECTION column; every road is driven both ways", label)
        oneway = np.zeros(len(frame), dtype="int8")
    return names, kmh, oneway


def _attrs_osm(
    frame: pd.DataFrame, cols: dict[str, str], table: SpeedTable, tally: _Tally, label: str
) -> tuple[np.ndarray, ...]:
    highway = frame[cols["class"]].astype("string").str.strip().str.lower().fillna("")
    names, kmh = _classed(highway, table, tally)
    no_cars = _no_cars(frame, cols) & ~np.isnan(kmh)
    _count(tally.dropped, "no_motor_access", int(no_cars.sum()))
    kmh = np.where(no_cars, np.nan, kmh)
    raw = _osm_tag(frame, cols, "maxspeed")
    maxspeed = parse_maxspeed(raw).to_numpy()
    driven = ~np.isnan(kmh)
    use = driven & ~np.isnan(maxspeed)
    unread = driven & raw.notna().to_numpy() & np.isnan(maxspeed)
    tally.maxspeed_used = int(use.sum())
    for key, n in raw[unread].value_counts().items():
        tally.maxspeed_unparsed[str(key)] = int(n)
    if unread.any():
        log.info(
            "%s: %d maxspeed values could not be read and the class speed was used: %s",
            label,
            int(unread.sum()),
            ", ".join(f"{k} ({v})" for k, v in list(tally.maxspeed_unparsed.items())[:10]),
        )
    kmh = np.where(use, maxspeed, kmh)
    return names, kmh, _osm_oneway(frame, cols, highway, label)


def _attrs_speed(frame: pd.DataFrame, cols: dict[str, str], label: str) -> tuple[np.ndarray, ...]:
    raw = frame[cols["speed"]]
    kmh = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = ~(kmh > 0)
    if bad.any():
        problems = [
            f"feature {int(i) + 1:,}: speed {shown(v)}" for i, v in zip(frame.index[bad], raw[bad], strict=True)
        ]
        raise InputError(
            f"Road network file {named(label)}: {int(bad.sum()):,} road(s) have a speed (column "
            f"{shown(cols['speed'])}) that is missing, zero, negative or not a number. Every road needs its speed "
            "in km/h above 0; fix them in a GIS, or remove the roads that cannot be driven:",
            problems,
            parameter="path",
        )
    if "oneway" in cols:
        oneway = _direction(frame[cols["oneway"]], label, cols["oneway"])
    else:
        oneway = np.zeros(len(frame), dtype="int8")
    return np.full(len(frame), "", dtype=object), kmh, oneway


# --------------------------------------------------------------------------------------
# Reading


def _line_mask(frame: gpd.GeoDataFrame, label: str, tally: _Tally) -> np.ndarray:
    """Which features are lines; refuse a layer with none (count the others)."""
    geoms = frame.geometry
    empty = (geoms.isna() | geoms.is_empty).to_numpy()
    kinds = geoms.geom_type
    is_line = kinds.isin(["LineString", "MultiLineString", "LinearRing"]).to_numpy() & ~empty
    _count(tally.dropped, "empty_geometry", int(empty.sum()))
    _count(tally.dropped, "not_a_line", int((~is_line & ~empty).sum()))
    if not is_line.any():
        found = ", ".join(f"{n:,} {k}" for k, n in kinds[~empty].value_counts().items()) or "no geometries"
        raise InputError(
            f"Road network file {named(label)} has no line geometries ({found}). A road network is a layer of lines "
            "(LineString or MultiLineString).",
            parameter="path",
        )
    return is_line


def _explode(frame: gpd.GeoDataFrame, tally: _Tally) -> gpd.GeoDataFrame:
    """Split multi-part lines; drop lines with fewer than two distinct points."""
    lines = frame.explode(index_parts=False, ignore_index=True)
    geoms = shapely.force_2d(lines.geometry.to_numpy())
    short = (shapely.get_num_coordinates(geoms) < 2) | ~(shapely.length(geoms) > 0)
    _count(tally.dropped, "empty_geometry", int(short.sum()))
    out = pd.DataFrame({c: lines[c].to_numpy()[~short] for c in ("road_class", "kmh", "oneway")})
    return gpd.GeoDataFrame(out, geometry=geoms[~short], crs=frame.crs)


def _speeds_for(schema: str, speeds: PathLike | None) -> SpeedTable | None:
    if schema == "speed":
        if speeds is not None:
            read_speeds(speeds, schema)  # raises: a speeds file does not apply
        return None
    return read_speeds(speeds, schema) if speeds is not None else default_speeds(schema)


def _attributes(
    frame: pd.DataFrame, schema: str, cols: dict[str, str], table: SpeedTable | None, tally: _Tally, label: str
) -> tuple[np.ndarray, ...]:
    if table is None:
        return _attrs_speed(frame, cols, label)
    if schema == "rnf":
        return _attrs_rnf(frame, cols, table, tally)
    if schema == "orn":
        return _attrs_orn(frame, cols, table, tally, label)
    return _attrs_osm(frame, cols, table, tally, label)


def _read_frame(path: Path, label: str, suffix: str, layer: str | None) -> tuple[gpd.GeoDataFrame, str, str | None]:
    """Read the layer's needed columns; return it, its schema and the layer name."""
    if suffix in (".json", ".geojson"):
        ways, is_overpass = _read_json(path, label, layer) if suffix == ".json" else (None, False)
        if is_overpass and ways is not None:
            recognise(ways.columns.drop("geometry"), label=label)
            return ways, "osm", None
    with tempfile.TemporaryDirectory(prefix="esr_geo_roads_") as tmp:
        source = _open(path, label, suffix, Path(tmp), layer)
        schema, cols = recognise(source.fields, label=label)
        frame = _read_gdal(source, label, sorted(set(cols.values())))
    return frame, schema, source.layer


def read_roads(path: PathLike, *, speeds: PathLike | None = None, layer: str | None = None) -> RoadLayer:
    """Read a road network file, recognise its schema and give every drivable road a speed.

    Parameters
    ----------
    path : path-like
        The road file: GeoPackage, zipped shapefile, shapefile, File Geodatabase folder,
        OpenStreetMap ``.osm`` / ``.osm.pbf``, an Overpass API JSON answer or GeoJSON.
    speeds : path-like, optional, keyword-only
        A planner's speeds file (CSV ``class,kmh``) replacing the default table
        (``data/speeds.csv``) for the recognised schema; only the classes it lists are driven.
    layer : str, optional, keyword-only
        The layer to read, for a file with several line layers.

    Returns
    -------
    RoadLayer
        The drivable roads in a projected CRS in metres, with the counts of what was left out.

    Raises
    ------
    InputError
        If the file is refused or unreadable, declares no CRS, has no line geometries, matches
        no schema (the message names, for each schema, the columns expected), has a speed that
        is missing, zero or negative, or an unknown one-way value; or if the speeds file has
        an unknown class or a speed that is not above 0. Nothing is written.
    """
    path = Path(path)
    label = path.name
    suffix = _check_path(path, label)
    frame, schema, layer_read = _read_frame(path, label, suffix, layer)
    _, cols = recognise([c for c in frame.columns if c != frame.geometry.name], label=label)
    table = _speeds_for(schema, speeds)
    tally = _Tally()
    if frame.crs is None:
        _metric(frame, label)  # raises: no CRS
    lines = frame[_line_mask(frame, label, tally)]
    names, kmh, oneway = _attributes(lines, schema, cols, table, tally, label)
    keep = ~np.isnan(kmh)
    kept = gpd.GeoDataFrame(
        {"road_class": names[keep].astype(str), "kmh": kmh[keep], "oneway": oneway[keep]},
        geometry=lines.geometry.to_numpy()[keep],
        crs=frame.crs,
    )
    kept = _explode(kept, tally)
    if kept.empty:
        raise InputError(
            f"Road network file {named(label)} has no drivable roads: every one of its {len(frame):,} features was "
            f"left out ({', '.join(f'{k}: {v:,}' for k, v in tally.dropped.items())}). Check the speeds file, or give "
            "a network of roads for cars.",
            parameter="speeds" if speeds is not None else "path",
        )
    metric, source_crs, moved = _metric(kept, label)
    metric["oneway"] = metric["oneway"].astype("int8")
    if tally.dropped:
        log.info("%s: features left out, by reason: %s", label, tally.dropped)
    return RoadLayer(
        lines=metric,
        schema=schema,
        path=path,
        speeds_source="file" if table is None else table.source,
        speeds_digest="" if table is None else table.digest,
        layer=layer_read,
        dropped=dict(tally.dropped),
        dropped_classes=dict(tally.classes),
        maxspeed_used=tally.maxspeed_used,
        maxspeed_unparsed=dict(tally.maxspeed_unparsed),
        source_crs=source_crs,
        reprojected=moved,
    )


__all__ = [
    "DROP_REASONS",
    "ROAD_FILE",
    "SCHEMAS",
    "SCHEMA_COLUMNS",
    "RoadLayer",
    "SpeedTable",
    "default_speeds",
    "parse_maxspeed",
    "read_roads",
    "read_speeds",
    "recognise",
]
