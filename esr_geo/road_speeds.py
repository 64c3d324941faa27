"""Road classes and speeds: the speeds tables, and each road's class, speed and one-way flag.

:mod:`esr_geo.roads` reads a road file and recognises its schema; this module gives every
feature of it the attributes the network is built from, by schema (see
:data:`esr_geo.roads.SCHEMA_COLUMNS`):

- ``"rnf"`` and ``"orn"``: the class is looked up in the speeds table (RNF ``CLASS`` codes;
  ORN classes matched on their folded spelling); ORN's ``DIRECTION`` gives the one-way flag.
- ``"osm"``: the ``highway`` value is looked up; ``maxspeed`` wins where it can be read
  (``50``, ``50 km/h``, ``30 mph``, ``CA:urban``, ...); ``oneway`` and ``junction`` give the
  one-way flag; ``access``, ``motor_vehicle`` or ``motorcar`` = ``no`` leave a way out.
- ``"speed"``: the layer's own speed column (km/h) and optional one-way column.

Speeds come from ``data/speeds.csv`` (road class to km/h for each schema, every row with
its source: Ontario's Highway Traffic Act s. 128 and R.R.O. 1990 Reg. 619); a class whose
``kmh`` is blank there (trails, transit-only roads, planned and winter roads, OSM footways,
service ways, ...) is not driven. A planner's speeds file (CSV ``class,kmh``) replaces the
table of the recognised schema: only the classes it lists are driven. Every feature left out
is counted by reason in a :class:`Tally`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from esr_geo import data, readers, settings
from esr_geo.errors import DataError, InputError, named, shown

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]

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
#: OSM tags read besides ``highway`` (as columns, in GDAL's ``other_tags`` or in an Overpass answer).
OSM_TAG_KEYS: tuple[str, ...] = ("maxspeed", "oneway", "junction", "access", "motor_vehicle", "motorcar")

#: The project table of speeds by schema and class (see the module docstring).
SPEEDS_PATH = settings.PROJECT_DATA_DIR / "speeds.csv"

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
class Tally:
    """What was left out and how speeds were found, while reading a road layer.

    Attributes
    ----------
    dropped : dict of str to int
        Features left out, by reason (:data:`esr_geo.roads.DROP_REASONS`).
    classes : dict of str to int
        Features left out as not driven or unknown, by their class as written.
    maxspeed_used : int
        OSM ways whose speed is their own ``maxspeed``.
    maxspeed_unparsed : dict of str to int
        OSM ``maxspeed`` values that could not be read, with counts.
    """

    dropped: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    maxspeed_used: int = 0
    maxspeed_unparsed: dict[str, int] = field(default_factory=dict)

    def drop(self, reason: str, n: int) -> None:
        """Count ``n`` features left out for ``reason`` (nothing when ``n`` is 0)."""
        _count(self.dropped, reason, n)

    def count_class(self, written: str, n: int) -> None:
        """Count ``n`` features left out whose class is written ``written``."""
        _count(self.classes, written, n)


def _count(counts: dict[str, int], key: str, n: int) -> None:
    if n:
        counts[key] = counts.get(key, 0) + n


def _classed(raw: pd.Series, table: SpeedTable, tally: Tally) -> tuple[np.ndarray, np.ndarray]:
    """Return each feature's canonical class and speed (NaN: not driven); count what is left out."""
    names, kmh = table.lookup(raw)
    written = raw.astype("string").fillna("").str.strip()
    blank = (written == "").to_numpy()
    unknown = (names == "").to_numpy() & ~blank
    not_driven = ~unknown & ~blank & kmh.isna().to_numpy()
    tally.drop("no_class", int(blank.sum()))
    tally.drop("unknown_class", int(unknown.sum()))
    tally.drop("not_drivable", int(not_driven.sum()))
    for key, n in written[unknown | not_driven].value_counts().items():
        tally.count_class(str(key), int(n))
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


def _attrs_rnf(frame: pd.DataFrame, cols: dict[str, str], table: SpeedTable, tally: Tally) -> tuple[np.ndarray, ...]:
    raw = frame[cols["class"]]
    number = pd.to_numeric(raw, errors="coerce")
    whole = number.notna() & (number % 1 == 0)
    raw = raw.astype("string").where(~whole, number.where(whole).astype("Int64").astype("string")).fillna("")
    names, kmh = _classed(raw, table, tally)
    return names, kmh, np.zeros(len(frame), dtype="int8")


def _attrs_orn(
    frame: pd.DataFrame, cols: dict[str, str], table: SpeedTable, tally: Tally, label: str
) -> tuple[np.ndarray, ...]:
    names, kmh = _classed(frame[cols["class"]].astype("string").fillna(""), table, tally)
    if "direction" in cols:
        oneway = _direction(frame[cols["direction"]], label, cols["direction"])
    else:
        log.info("%s: no DIRECTION column; every road is driven both ways", label)
        oneway = np.zeros(len(frame), dtype="int8")
    return names, kmh, oneway


def _attrs_osm(
    frame: pd.DataFrame, cols: dict[str, str], table: SpeedTable, tally: Tally, label: str
) -> tuple[np.ndarray, ...]:
    highway = frame[cols["class"]].astype("string").str.strip().str.lower().fillna("")
    names, kmh = _classed(highway, table, tally)
    no_cars = _no_cars(frame, cols) & ~np.isnan(kmh)
    tally.drop("no_motor_access", int(no_cars.sum()))
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


def speed_table(schema: str, speeds: PathLike | None) -> SpeedTable | None:
    """Return the speeds table for a schema: the planner's file, else the default.

    Parameters
    ----------
    schema : str
        The schema recognised (``'rnf'``, ``'orn'``, ``'osm'`` or ``'speed'``).
    speeds : path-like or None
        The planner's speeds file, or ``None`` for ``data/speeds.csv``.

    Returns
    -------
    SpeedTable or None
        ``None`` for the ``speed`` schema (the layer has its own speed column).

    Raises
    ------
    InputError
        If a speeds file is given for the ``speed`` schema, or is refused (see :func:`read_speeds`).
    """
    if schema == "speed":
        if speeds is not None:
            read_speeds(speeds, schema)  # raises: a speeds file does not apply
        return None
    return read_speeds(speeds, schema) if speeds is not None else default_speeds(schema)


def road_attributes(
    frame: pd.DataFrame, schema: str, cols: dict[str, str], table: SpeedTable | None, tally: Tally, label: str
) -> tuple[np.ndarray, ...]:
    """Return each feature's class, speed and one-way flag, by schema; count what is left out.

    Parameters
    ----------
    frame : pandas.DataFrame
        The layer's line features, with the columns found by :func:`esr_geo.roads.recognise`.
    schema : str
        The schema recognised.
    cols : dict of str to str
        The column of each role (see :func:`esr_geo.roads.recognise`).
    table : SpeedTable or None
        The speeds table (``None`` for the ``speed`` schema).
    tally : Tally
        Counts of what is left out, updated in place.
    label : str
        The file's display name, for messages.

    Returns
    -------
    names, kmh, oneway : numpy.ndarray
        Canonical class (``''`` for the ``speed`` schema), speed in km/h (NaN: not driven) and
        one-way flag (int8: 0 both ways, 1 along the digitised direction, -1 against it).

    Raises
    ------
    InputError
        If a speed is missing, zero or negative, or a one-way value is unknown.
    """
    if table is None:
        return _attrs_speed(frame, cols, label)
    if schema == "rnf":
        return _attrs_rnf(frame, cols, table, tally)
    if schema == "orn":
        return _attrs_orn(frame, cols, table, tally, label)
    return _attrs_osm(frame, cols, table, tally, label)


__all__ = [
    "ONEWAY_VALUES",
    "OSM_IMPLICIT_KMH",
    "OSM_NO_CARS",
    "OSM_TAG_KEYS",
    "OSM_TWO_WAY_TAGS",
    "SPEEDS_FILE",
    "SPEEDS_PATH",
    "SpeedTable",
    "Tally",
    "default_speeds",
    "parse_maxspeed",
    "read_speeds",
    "road_attributes",
    "speed_table",
]
