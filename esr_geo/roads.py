"""Road networks: reading a road file safely, recognising its schema and keeping the drivable lines.

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

Every road gets its class, speed (km/h) and one-way flag in :mod:`esr_geo.road_speeds`
(the speeds table ``data/speeds.csv``, a planner's speeds file, OSM ``maxspeed``); its public
names are importable from here too.

Files are server-side paths, but are opened as carefully as uploads (see
:mod:`esr_geo.readers`): the driver is forced by the extension after the first bytes were
checked, GDAL virtual and network paths are refused, a GeoPackage is read from a private
copy. Nothing is dropped silently: :attr:`RoadLayer.dropped` counts every feature left out,
by reason.
"""

from __future__ import annotations

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

from esr_geo import readers, settings
from esr_geo.errors import InputError, named, shown
from esr_geo.road_speeds import (
    ONEWAY_VALUES,
    OSM_IMPLICIT_KMH,
    OSM_NO_CARS,
    OSM_TAG_KEYS,
    OSM_TWO_WAY_TAGS,
    SPEEDS_FILE,
    SPEEDS_PATH,
    SpeedTable,
    Tally,
    default_speeds,
    parse_maxspeed,
    read_speeds,
    road_attributes,
    speed_table,
)

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

#: Why features were left out (:attr:`RoadLayer.dropped`).
DROP_REASONS: tuple[str, ...] = (
    "not_drivable",  # a class the speeds table does not drive (trails, transit, footways, ...)
    "no_class",  # no class at all (OSM ways that are not highways: railways, waterways, barriers)
    "unknown_class",  # a class outside the schema's vocabulary
    "no_motor_access",  # OSM access=no, motor_vehicle=no or motorcar=no
    "not_a_line",  # points or polygons in the layer
    "empty_geometry",  # no geometry, or fewer than two distinct points
)

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
        rows.append({"highway": tags.get("highway")} | {k: tags.get(k) for k in OSM_TAG_KEYS})
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
            k: folded[readers.fold_header(k)] for k in (*OSM_TAG_KEYS, "other_tags") if readers.fold_header(k) in folded
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


# --------------------------------------------------------------------------------------
# Reading


def _line_mask(frame: gpd.GeoDataFrame, label: str, tally: Tally) -> np.ndarray:
    """Which features are lines; refuse a layer with none (count the others)."""
    geoms = frame.geometry
    empty = (geoms.isna() | geoms.is_empty).to_numpy()
    kinds = geoms.geom_type
    is_line = kinds.isin(["LineString", "MultiLineString", "LinearRing"]).to_numpy() & ~empty
    tally.drop("empty_geometry", int(empty.sum()))
    tally.drop("not_a_line", int((~is_line & ~empty).sum()))
    if not is_line.any():
        found = ", ".join(f"{n:,} {k}" for k, n in kinds[~empty].value_counts().items()) or "no geometries"
        raise InputError(
            f"Road network file {named(label)} has no line geometries ({found}). A road network is a layer of lines "
            "(LineString or MultiLineString).",
            parameter="path",
        )
    return is_line


def _explode(frame: gpd.GeoDataFrame, tally: Tally) -> gpd.GeoDataFrame:
    """Split multi-part lines; drop lines with fewer than two distinct points."""
    lines = frame.explode(index_parts=False, ignore_index=True)
    geoms = shapely.force_2d(lines.geometry.to_numpy())
    short = (shapely.get_num_coordinates(geoms) < 2) | ~(shapely.length(geoms) > 0)
    tally.drop("empty_geometry", int(short.sum()))
    out = pd.DataFrame({c: lines[c].to_numpy()[~short] for c in ("road_class", "kmh", "oneway")})
    return gpd.GeoDataFrame(out, geometry=geoms[~short], crs=frame.crs)


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
    table = speed_table(schema, speeds)
    tally = Tally()
    if frame.crs is None:
        _metric(frame, label)  # raises: no CRS
    lines = frame[_line_mask(frame, label, tally)]
    names, kmh, oneway = road_attributes(lines, schema, cols, table, tally, label)
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
    "ONEWAY_COLUMNS",
    "ONEWAY_VALUES",
    "ORN_DIRECTION_COLUMNS",
    "OSM_IMPLICIT_KMH",
    "OSM_NO_CARS",
    "OSM_TAG_KEYS",
    "OSM_TWO_WAY_TAGS",
    "ROAD_FILE",
    "SCHEMAS",
    "SCHEMA_COLUMNS",
    "SPEEDS_FILE",
    "SPEEDS_PATH",
    "SPEED_COLUMNS",
    "RoadLayer",
    "SpeedTable",
    "default_speeds",
    "parse_maxspeed",
    "read_roads",
    "read_speeds",
    "recognise",
]
