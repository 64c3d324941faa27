"""A planner's workspace: their sites, zones and named scenarios in one GeoPackage that QGIS opens.

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

Reopened sites and zones are checked again exactly as an uploaded site or zones file is (they
may have been edited in QGIS): :func:`site_file` and :func:`zone_file` give them as the files
:func:`esr_geo.offices.read_sites` and :func:`esr_geo.zones.read_zones` read.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import os
import re
import shutil
import sqlite3
import tempfile
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from esr_geo import __version__, settings
from esr_geo._io import atomic_path
from esr_geo.access import check_minutes, check_threshold
from esr_geo.errors import InputError, named, printable, shown
from esr_geo.readers import _GPKG_SCHEMA_SECONDS, _SAFE_VIRTUAL, _SQLITE_MAGIC, FileKind, check_file

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis, AnalysisOptions
    from esr_geo.model import Base

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
#: Columns of the ``sites`` table: the site-file template's, without the coordinates (the point is the location).
SITE_FIELDS: tuple[str, ...] = (
    "site_id", "name", "organisation", "address", "city", "postal_code", "site_type", "in_person", "catchment",
    "french",
)  # fmt: skip
#: Measure codes of a scenario: straight-line kilometres or drive minutes (``esr_geo.analysis.MEASURE_*``).
MEASURES: tuple[str, ...] = ("km", "min")

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
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

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
# What a workspace holds


@dataclass(frozen=True)
class AddedSite:
    """A site a scenario adds: its position (WGS 84 degrees) and name."""

    lon: float
    lat: float
    name: str = ""


def _text_problem(what: str, text: str) -> str | None:
    if len(text) > settings.UPLOAD_TEXT_MAX_CHARS:
        return f"{what} is {len(text):,} characters long; at most {settings.UPLOAD_TEXT_MAX_CHARS} are accepted"
    if _CONTROL.search(text):
        return f"{what} {shown(text)} holds an invisible control character"
    return None


def scenario_problems(
    name: str, *, closed: Sequence[str], added: Sequence[AddedSite], measure: str, threshold: float
) -> list[str]:
    """Return what is wrong with a scenario's values (empty when nothing is).

    Parameters
    ----------
    name : str
        The scenario's name (1 to ``settings.UPLOAD_TEXT_MAX_CHARS`` characters).
    closed : sequence of str, keyword-only
        ``site_id`` of the sites it closes.
    added : sequence of AddedSite, keyword-only
        The sites it adds (inside ``settings.ONTARIO_BBOX``, degrees).
    measure : {'km', 'min'}, keyword-only
        Straight-line kilometres or drive minutes.
    threshold : float, keyword-only
        The threshold in that unit (km or minutes).

    Returns
    -------
    list of str
        One clause per problem, naming the scenario.
    """
    label = f"scenario {shown(name)}"
    problems = []
    if not str(name).strip():
        problems.append("a scenario has no name; give each scenario a name")
    elif (bad := _text_problem("the scenario name", str(name))) is not None:
        problems.append(f"{label}: {bad}")
    if measure not in MEASURES:
        problems.append(f"{label}: measure is {shown(measure)}; it must be 'km' (straight line) or 'min' (drive time)")
    else:
        try:
            (check_threshold if measure == "km" else check_minutes)(threshold, name="threshold")
        except InputError as exc:
            problems.append(f"{label}: {exc}")
    for site_id in closed:
        if not str(site_id).strip():
            problems.append(f"{label}: a closed site has no site_id")
        elif (bad := _text_problem("a closed site_id", str(site_id))) is not None:
            problems.append(f"{label}: {bad}")
    west, south, east, north = settings.ONTARIO_BBOX
    for i, site in enumerate(added, start=1):
        if not (math.isfinite(site.lon) and math.isfinite(site.lat) and west <= site.lon <= east
                and south <= site.lat <= north):  # fmt: skip
            problems.append(
                f"{label}: added site {i} ({shown(site.name)}) is at longitude {site.lon:g}, latitude {site.lat:g}, "
                f"outside Ontario (longitude {west:g} to {east:g}, latitude {south:g} to {north:g})"
            )
        if (bad := _text_problem(f"added site {i}'s name", site.name)) is not None:
            problems.append(f"{label}: {bad}")
    return problems


@dataclass(frozen=True)
class Scenario:
    """A named what-if: sites closed and added, the measure and threshold, and the date.

    Attributes
    ----------
    name : str
        Its name, unique in a workspace.
    closed : tuple of str
        ``site_id`` of the sites it closes.
    added : tuple of AddedSite
        The sites it adds.
    measure : {'km', 'min'}
        Straight-line kilometres (``'km'``) or drive minutes on a road network (``'min'``).
    threshold : float
        The threshold in that unit (km or minutes).
    on : datetime.date or None
        Date of the rollout statuses (``None``: the day it is looked at).

    Raises
    ------
    InputError
        Listing every problem of the values (see :func:`scenario_problems`).
    """

    name: str
    closed: tuple[str, ...] = ()
    added: tuple[AddedSite, ...] = ()
    measure: str = "km"
    threshold: float = settings.THRESHOLD_KM
    on: dt.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", str(self.name).strip())
        object.__setattr__(self, "closed", tuple(dict.fromkeys(str(s).strip() for s in self.closed)))
        object.__setattr__(self, "added", tuple(self.added))
        object.__setattr__(self, "threshold", float(self.threshold))
        problems = scenario_problems(
            self.name, closed=self.closed, added=self.added, measure=self.measure, threshold=self.threshold
        )
        if problems:
            raise InputError(f"Scenario {shown(self.name)} is not valid:", problems, parameter="scenario")


@dataclass(frozen=True, eq=False)
class Workspace:
    """A planner's sites, zones and named scenarios.

    Attributes
    ----------
    sites : pandas.DataFrame or None
        The planner's sites: :data:`SITE_FIELDS` as text (``in_person`` and ``french`` 'yes',
        'no' or '') and ``lon``, ``lat`` (WGS 84 degrees); ``None``: the demonstration layer.
    zones : geopandas.GeoDataFrame or None
        The planner's zones (the columns of :data:`esr_geo.zones.ZONE_COLUMNS`, EPSG:3347), all
        lists of census subdivisions (``basis`` 'CSDUID') or all polygons (``'polygon'``);
        ``None``: the default zones.
    scenarios : tuple of Scenario
        The named scenarios, names unique.
    name : str
        The file's display name (e.g. ``'kenora_plan.gpkg'``).
    sites_label, zones_label : str
        Where the sites and zones came from (shown in reports).
    created, saved : str
        When the workspace was first saved and last saved (ISO 8601, with the UTC offset; ''
        before the first save).
    saved_by : str
        The esr-geo version that saved it last.
    """

    sites: pd.DataFrame | None = None
    zones: gpd.GeoDataFrame | None = None
    scenarios: tuple[Scenario, ...] = ()
    name: str = "workspace.gpkg"
    sites_label: str = ""
    zones_label: str = ""
    created: str = ""
    saved: str = ""
    saved_by: str = field(default=__version__)

    def __post_init__(self) -> None:
        names = [s.name for s in self.scenarios]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise InputError(
                f"Scenario names must be unique in a workspace; {', '.join(shown(n) for n in repeated)} "
                "appear more than once. Rename them.",
                parameter="scenario",
            )

    @property
    def scenario_names(self) -> list[str]:
        """The scenarios' names, in order."""
        return [s.name for s in self.scenarios]

    def scenario(self, name: str) -> Scenario:
        """Return the scenario called ``name`` (exact; then ignoring case), or raise InputError naming them all."""
        for s in self.scenarios:
            if s.name == name:
                return s
        folded = [s for s in self.scenarios if s.name.casefold() == str(name).strip().casefold()]
        if len(folded) == 1:
            return folded[0]
        known = ", ".join(shown(n) for n in self.scenario_names) or "none"
        raise InputError(
            f"Workspace {named(self.name)} has no scenario {shown(name)}; its scenarios: {known}.",
            parameter="scenario",
        )

    def with_scenario(self, scenario: Scenario) -> Workspace:
        """Return a copy with ``scenario`` added, replacing one of the same name."""
        kept = tuple(s for s in self.scenarios if s.name != scenario.name)
        return replace(self, scenarios=(*kept, scenario))

    def without_scenario(self, name: str) -> Workspace:
        """Return a copy without the scenario called ``name`` (unchanged if there is none)."""
        return replace(self, scenarios=tuple(s for s in self.scenarios if s.name != name))


def _yes_no(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return "yes" if bool(value) else "no"


def site_rows(sites: pd.DataFrame) -> pd.DataFrame:
    """Return located sites (``esr_geo.offices.SiteLoad.sites`` or ``Analysis.sites``) as workspace rows.

    Parameters
    ----------
    sites : pandas.DataFrame
        Sites with the columns of :data:`esr_geo.site_checks.SITE_COLUMNS` (``lon``, ``lat``
        in WGS 84 degrees; ``declared_catchment`` as the file gave it).

    Returns
    -------
    pandas.DataFrame
        :data:`SITE_FIELDS` as text (``in_person`` and ``french`` 'yes', 'no' or '', the
        declared catchment as ``catchment``) and ``lon``, ``lat`` (degrees).
    """
    out = pd.DataFrame(index=pd.RangeIndex(len(sites)))
    for col in SITE_FIELDS:
        source = "declared_catchment" if col == "catchment" else col
        values = sites[source].tolist() if source in sites.columns else [""] * len(sites)
        if col in ("in_person", "french") and source in sites.columns:
            out[col] = [_yes_no(v) for v in values]
        else:
            out[col] = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in values]
    out["lon"] = sites["lon"].to_numpy(dtype=float)
    out["lat"] = sites["lat"].to_numpy(dtype=float)
    return out


def zone_rows(zones: gpd.GeoDataFrame, *, csds: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """Return zones as a workspace keeps them: lists of census subdivisions, or polygons.

    Zones made of census divisions (``basis`` 'CDUID') become the lists of their census
    subdivisions (which nest in them), so they are kept as a planner's own zones.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        Zones (:data:`esr_geo.zones.ZONE_COLUMNS`).
    csds : pandas.DataFrame, keyword-only
        Census subdivisions with ``CSDUID`` and ``CDUID`` (needed for census-division zones).

    Returns
    -------
    geopandas.GeoDataFrame
        ``zone``, ``basis``, ``members``, ``catchment_id`` and the polygon, in EPSG:3347.

    Raises
    ------
    InputError
        When the zones mix lists of census subdivisions and drawn polygons.
    """
    out = gpd.GeoDataFrame(
        {
            "zone": zones["zone"].astype(str).to_numpy(),
            "basis": zones["basis"].astype(str).to_numpy(),
            "members": zones["members"].fillna("").astype(str).to_numpy(),
            "catchment_id": zones["catchment_id"].fillna("").astype(str).to_numpy(),
        },
        geometry=zones.geometry.to_crs(settings.ANALYSIS_CRS).to_numpy(),
        crs=settings.ANALYSIS_CRS,
    )
    by_cd = out["basis"] == "CDUID"
    if by_cd.any():
        if csds is None:
            raise ValueError("zone_rows needs csds to keep zones made of census divisions")
        cd_of = csds[["CSDUID", "CDUID"]].astype(str)
        out.loc[by_cd, "members"] = [
            " ".join(sorted(cd_of.loc[cd_of["CDUID"].isin(m.split()), "CSDUID"])) for m in out.loc[by_cd, "members"]
        ]
        out.loc[by_cd, "basis"] = "CSDUID"
    kinds = set(out["basis"])
    if len(kinds) > 1 or not kinds <= {"CSDUID", "polygon"}:
        raise InputError(
            "A workspace keeps zones of one kind: all lists of census subdivisions, or all drawn polygons; these "
            f"zones mix {', '.join(sorted(kinds))}. Keep one kind (e.g. rebuild the drawn zones from census "
            "subdivisions).",
            parameter="zones",
        )
    return out


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


def _query(con: sqlite3.Connection, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in con.execute(sql).fetchall()]


def _schema(copy: Path, label: str) -> tuple[dict[str, str], dict[str, str]]:
    """Return the real tables (name -> its SQL) and ``gpkg_contents`` (name -> data type), within a time limit."""
    deadline = time.monotonic() + _GPKG_SCHEMA_SECONDS
    con = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    con.set_progress_handler(lambda: int(time.monotonic() > deadline), 1_000)
    try:
        master = _query(con, "SELECT name, type, sql FROM sqlite_master")
        contents = _query(con, "SELECT table_name, data_type FROM gpkg_contents")
    except sqlite3.Error as exc:
        raise _refused(
            label,
            f"is damaged or not a GeoPackage: its database cannot be read ({type(exc).__name__}: {shown(exc)})",
            "Open an earlier copy of the workspace, or save the workspace again from esr-geo.",
        ) from exc
    finally:
        con.close()
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


def _read_table(copy: Path, layer: str, label: str) -> pd.DataFrame:
    import pyogrio

    target = f"GPKG:{copy}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL notes on benign quirks of the file
            count = int(pyogrio.read_info(target, layer=layer).get("features", 0))
            if count > settings.UPLOAD_MAX_ROWS:
                raise _refused(
                    label,
                    f"has {count:,} rows in its table {layer}; the limit is {settings.UPLOAD_MAX_ROWS:,}",
                    "Split the workspace into smaller ones.",
                )
            return pyogrio.read_dataframe(target, layer=layer)
    except InputError:
        raise
    except Exception as exc:  # pyogrio raises several unrelated types for broken tables
        raise _refused(
            label,
            f"is damaged: its table {layer} cannot be read ({type(exc).__name__})",
            "Open an earlier copy of the workspace, or save the workspace again from esr-geo.",
        ) from exc


def _metadata(frame: pd.DataFrame, label: str) -> dict[str, str]:
    if not {"key", "value"} <= set(frame.columns):
        raise _refused(
            label,
            f"is damaged: its {META_TABLE} table lacks the columns key and value",
            "Open an earlier copy of the workspace, or save the workspace again from esr-geo.",
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
            "Open an earlier copy of the workspace, or save the workspace again from esr-geo.",
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


def _read_all(copy: Path, label: str) -> tuple[dict[str, str], dict[str, pd.DataFrame]]:
    tables, contents = _schema(copy, label)
    if META_TABLE not in tables or META_TABLE not in contents:
        raise _refused(
            label,
            f"is a GeoPackage but not an esr-geo workspace: it has no {META_TABLE} table",
            "Open it as a site file or a zones file instead, or open a workspace that esr-geo saved.",
        )
    meta = _metadata(_read_table(copy, META_TABLE, label), label)
    _check_format(meta, label)
    missing = [t for t in TABLES if t not in tables or t not in contents]
    if missing:
        raise _refused(
            label,
            f"is damaged: it lacks the table(s) {', '.join(missing)}",
            "Open an earlier copy of the workspace, or save the workspace again from esr-geo.",
        )
    return meta, {name: _read_table(copy, name, label) for name in TABLES if name != META_TABLE}


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
        Its sites (as written: checked again by :func:`site_file` and
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
        meta, tables = _read_all(copy, label)
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


# --------------------------------------------------------------------------------------
# The sites and zones as the files the readers check


def _stem(ws: Workspace) -> str:
    return Path(ws.name).stem or "workspace"


def site_file(ws: Workspace) -> tuple[str, bytes] | None:
    """Return the workspace's sites as a site file: its display name and CSV bytes (``None``: the demonstration layer).

    The CSV has the template's columns with ``latitude`` and ``longitude`` (degrees, written
    exactly); :func:`esr_geo.offices.read_sites` checks it as any site file.
    """
    if ws.sites is None:
        return None
    table = ws.sites[list(SITE_FIELDS)].copy()
    table.insert(6, "latitude", [repr(float(v)) if math.isfinite(v) else "" for v in ws.sites["lat"]])
    table.insert(7, "longitude", [repr(float(v)) if math.isfinite(v) else "" for v in ws.sites["lon"]])
    return f"{_stem(ws)} (workspace sites).csv", table.to_csv(index=False, lineterminator="\n").encode("utf-8")


def zone_file(ws: Workspace) -> tuple[str, bytes] | None:
    """Return the workspace's zones as a zones file: its display name and bytes (``None``: the default zones).

    Lists of census subdivisions become a ``CSDUID,zone`` CSV and drawn polygons a GeoPackage
    layer with a ``zone`` column; :func:`esr_geo.zones.read_zones` checks either as any zones file.
    """
    if ws.zones is None:
        return None
    zones = ws.zones
    if (zones["basis"] == "polygon").all() and len(zones):
        import pyogrio

        layer = gpd.GeoDataFrame({"zone": zones["zone"].to_numpy()}, geometry=zones.geometry.to_numpy(), crs=zones.crs)
        with tempfile.TemporaryDirectory(prefix="esr_geo_ws_zones_") as tmp:
            path = Path(tmp) / "zones.gpkg"
            pyogrio.write_dataframe(layer, path, driver="GPKG", layer="zones", promote_to_multi=True)
            return f"{_stem(ws)} (workspace zones).gpkg", path.read_bytes()
    return f"{_stem(ws)} (workspace zones).csv", zones_csv_text(zones).encode("utf-8")


def zone_table(zones: pd.DataFrame) -> pd.DataFrame:
    """Return zones made of census subdivisions as the ``CSDUID,zone`` table a zones file holds, by code.

    Parameters
    ----------
    zones : pandas.DataFrame
        Zones with ``zone`` and ``members`` (CSDUIDs, space separated), ``basis`` 'CSDUID'.

    Returns
    -------
    pandas.DataFrame
        ``CSDUID`` and ``zone``, one row per census subdivision, sorted by zone then code.
    """
    rows = [(code, str(z)) for z, m in zip(zones["zone"], zones["members"], strict=True) for code in str(m).split()]
    table = pd.DataFrame(rows, columns=["CSDUID", "zone"])
    return table.sort_values(["zone", "CSDUID"], kind="stable").reset_index(drop=True)


def zones_csv_text(zones: pd.DataFrame) -> str:
    """Return zones made of census subdivisions as ``CSDUID,zone`` CSV text (see :func:`zone_table`)."""
    buf = io.StringIO()
    zone_table(zones).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def workspace_of(
    sites: pd.DataFrame | None,
    zones: gpd.GeoDataFrame | None,
    *,
    csds: pd.DataFrame | None = None,
    scenarios: Iterable[Scenario] = (),
    labels: tuple[str, str] = ("", ""),
    previous: Workspace | None = None,
) -> Workspace:
    """Return a workspace of located sites and zones (``None``: the demonstration layer, the default zones).

    Parameters
    ----------
    sites : pandas.DataFrame or None
        Located sites (:data:`esr_geo.site_checks.SITE_COLUMNS`), e.g. ``Analysis.sites``.
    zones : geopandas.GeoDataFrame or None
        Zones (:data:`esr_geo.zones.ZONE_COLUMNS`).
    csds : pandas.DataFrame, keyword-only
        Census subdivisions (``CSDUID``, ``CDUID``), for zones made of census divisions.
    scenarios : iterable of Scenario, keyword-only
        The named scenarios.
    labels : (str, str), keyword-only
        Where the sites and the zones came from.
    previous : Workspace, keyword-only
        The workspace this one replaces (its file name and creation time are kept).

    Returns
    -------
    Workspace
    """
    return Workspace(
        sites=None if sites is None else site_rows(sites),
        zones=None if zones is None else keep_zones(zones, csds=csds),
        scenarios=tuple(scenarios),
        name=previous.name if previous is not None else "workspace.gpkg",
        sites_label=labels[0],
        zones_label=labels[1],
        created=previous.created if previous is not None else "",
        saved=previous.saved if previous is not None else "",
    )


def analyse_workspace(
    ws: Workspace, base: Base, *, options: AnalysisOptions | None = None, skip_invalid: bool = False
) -> Analysis:
    """Run the analysis of a workspace's sites and zones, checked as a site file and a zones file are.

    Parameters
    ----------
    ws : Workspace
        The workspace (its scenarios are not applied: see :func:`esr_geo.compare.apply_scenario`).
    base : esr_geo.model.Base
        The loaded geography.
    options : esr_geo.analysis.AnalysisOptions, keyword-only
        Thresholds, pass criteria, date, road network (``None``: the defaults).
    skip_invalid : bool, keyword-only
        Go ahead without the invalid site rows (they are listed in the notes).

    Returns
    -------
    esr_geo.analysis.Analysis
        As :func:`esr_geo.analysis.analyse` with the workspace's sites and zones as files.
    """
    from esr_geo.analysis import analyse

    with tempfile.TemporaryDirectory(prefix="esr_geo_ws_run_") as tmp:
        paths: dict[str, tuple[Path, str] | None] = {}
        for key, found in (("sites", site_file(ws)), ("zones", zone_file(ws))):
            if found is None:
                paths[key] = None
                continue
            label, data = found
            path = Path(tmp) / f"{key}{Path(label).suffix}"
            path.write_bytes(data)
            paths[key] = (path, label)
        sites, zones = paths["sites"], paths["zones"]
        return analyse(
            base,
            offices=sites[0] if sites else None,
            offices_name=sites[1] if sites else None,
            zones=zones[0] if zones else None,
            zones_name=zones[1] if zones else None,
            skip_invalid=skip_invalid,
            options=options,
        )


def keep_zones(zones: gpd.GeoDataFrame, *, csds: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """Return zones as a workspace holds them (:func:`zone_rows`, in the columns of ``esr_geo.zones.ZONE_COLUMNS``)."""
    rows = zone_rows(zones, csds=csds)
    return gpd.GeoDataFrame(
        {
            "zone_id": rows["zone"].to_numpy(),
            "zone": rows["zone"].to_numpy(),
            "catchment_id": rows["catchment_id"].to_numpy(),
            "basis": rows["basis"].to_numpy(),
            "members": rows["members"].to_numpy(),
        },
        geometry=rows.geometry.to_numpy(),
        crs=rows.crs,
    )


__all__ = [
    "APPLICATION",
    "FORMAT_VERSION",
    "MEASURES",
    "META_TABLE",
    "SITE_FIELDS",
    "TABLES",
    "WORKSPACE_FILE",
    "AddedSite",
    "Scenario",
    "Workspace",
    "analyse_workspace",
    "keep_zones",
    "open_workspace",
    "read_workspace_bytes",
    "save_workspace",
    "scenario_problems",
    "site_file",
    "site_rows",
    "workspace_bytes",
    "workspace_of",
    "zone_file",
    "zone_rows",
    "zone_table",
    "zones_csv_text",
]
