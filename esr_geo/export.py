"""GIS exports of an analysis that open in QGIS and ArcGIS without any fix-up.

Four formats, all built from :func:`esr_geo.analysis.gis_layers` (five layers:
``catchments``, ``sites``, ``service_delivery_zones``, ``csd_access`` and
``underserved_communities``):

``shp``
    **One zip** holding every layer as a shapefile (``.shp .shx .dbf .prj .cpg``, UTF-8), a
    QGIS style beside each (``.qml``, loaded automatically once unzipped), ``fields.csv`` (the
    data dictionary mapping each short field name to its full name, type, unit and meaning)
    and ``README.txt``. One zip rather than five keeps the layers, their dictionary and their
    attribution together as one download; GDAL, QGIS and ArcGIS Pro read the layers inside it
    directly (e.g. ``/vsizip/esr_geo_layers_shp.zip/catchments.shp``). Field names are at most
    10 characters (:data:`SHORT_NAMES`), booleans are integers (1 = yes, 0 = no), rollout dates
    are Date fields, lists are text.
``gpkg``
    One GeoPackage with every layer (full field names, booleans as GeoPackage booleans),
    a ``layer_styles`` table holding a QGIS default style for each layer (the layers open
    styled), and two plain tables: ``readme`` (source, CRS, thresholds, attribution) and
    ``fields`` (the data dictionary).
``geojson``
    A folder of five RFC 7946 ``.geojson`` files (always WGS 84 longitude/latitude,
    EPSG:4326), with ``fields.csv`` and ``README.txt``.
``csv``
    A folder of five attribute tables (no geometry; point layers carry ``lon``/``lat`` in
    WGS 84 degrees), UTF-8, spreadsheet formulas neutralised, with ``fields.csv`` and
    ``README.txt``.

Shapefiles and the GeoPackage are written in ``settings.EXPORT_CRS`` (EPSG:3161, NAD83 /
Ontario MNR Lambert) unless another EPSG code is asked for. Every write goes to a temporary
file or folder beside the output and is renamed into place only when complete; existing
outputs are replaced only with ``force=True`` (``--force``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import re
import sqlite3
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from esr_geo import __version__, i18n, settings
from esr_geo._io import atomic_path, check_targets, neutralise_formulas, write_folder
from esr_geo.analysis import Analysis, gis_layers
from esr_geo.data import ATTRIBUTIONS
from esr_geo.errors import DataError, InputError, printable, shown
from esr_geo.report import method_notes
from esr_geo.style import FAIL_COLOUR, PASS_COLOUR, PHASE_COLOURS, RESERVE_COLOUR

PathLike = str | os.PathLike[str]

_LOG = logging.getLogger(__name__)

#: Export formats accepted by :func:`export_layers` (``--format``).
FORMATS = ("shp", "gpkg", "geojson", "csv")

#: The layers of every export, in this order.
LAYERS = ("catchments", "sites", "service_delivery_zones", "csd_access", "underserved_communities")

#: Geometry type of each layer (shapefiles hold one type per file).
GEOMETRY_TYPES = {
    "catchments": "MultiPolygon",
    "sites": "Point",
    "service_delivery_zones": "MultiPolygon",
    "csd_access": "MultiPolygon",
    "underserved_communities": "Point",
}

#: What each layer holds (README, GeoPackage layer descriptions).
LAYER_DESCRIPTIONS = {
    "catchments": "The EST catchments with rollout phase, SSM, dates, status and in-person coverage.",
    "sites": "The sites used by the analysis (in-person and virtual-only) with their catchment and zone.",
    "service_delivery_zones": "Service delivery zones with their population, in-person sites and pass/fail.",
    "csd_access": "Ontario's census subdivisions (2021) with population, remoteness and in-person access.",
    "underserved_communities": "Named communities beyond the distance threshold of every in-person site.",
}

#: File names used when ``out`` is a folder.
SHP_ZIP_NAME = "esr_geo_layers_shp.zip"
GPKG_NAME = "esr_geo_layers.gpkg"
README_NAME = "README.txt"
FIELDS_NAME = "fields.csv"
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")

#: Shapefile (dBASE) field names: at most 10 characters. Names of 10 characters or fewer that
#: are not listed here are kept; longer unlisted names get a deterministic abbreviation
#: (see :func:`shapefile_field_names`). The same full name gets the same short name in
#: every layer.
SHORT_NAMES: dict[str, str] = {
    "catchment_id": "catch_id",
    "land_area_km2": "area_km2",
    "density_per_km2": "density",
    "reserve_count": "res_count",
    "planning_start": "plan_start",
    "planning_end": "plan_end",
    "reserve_population_exempt": "res_pop",
    "reserve_population": "res_pop",
    "non_reserve_population": "nonres_pop",
    "in_person_sites": "n_sites",
    "sites_per_100k": "sites_100k",
    "pop_within_threshold": "pop_within",
    "pct_within_threshold": "pct_within",
    "pop_beyond_threshold": "pop_beyond",
    "median_distance_km": "median_km",
    "max_distance_km": "max_km",
    "mean_distance_km": "mean_km",
    "people_nearest_site_in_other_catchment": "pop_other",
    "status_label": "status_lbl",
    "organisation": "org",
    "location_precision": "loc_prec",
    "location_source": "loc_source",
    "location_note": "loc_note",
    "remoteness_class": "remoteness",
    "remoteness_index": "remote_idx",
    "census_population": "census_pop",
    "nearest_site": "near_site",
    "distance_km": "dist_km",
    "threshold_km": "thresh_km",
    "is_reserve_exempt": "res_exempt",
    "postal_code": "postal",
    "declared_catchment": "decl_catch",
}

#: Word abbreviations for names not in :data:`SHORT_NAMES`.
_ABBREVIATIONS = {
    "population": "pop",
    "percent": "pct",
    "percentage": "pct",
    "threshold": "thr",
    "distance": "dist",
    "reserve": "res",
    "catchment": "catch",
    "location": "loc",
    "remoteness": "remote",
    "number": "n",
    "count": "n",
    "identifier": "id",
    "organisation": "org",
    "organization": "org",
    "address": "addr",
    "community": "comm",
    "province": "prov",
    "language": "lang",
    "languages": "langs",
    "description": "desc",
    "minimum": "min",
    "maximum": "max",
    "average": "avg",
    "median": "med",
    "service": "svc",
    "canada": "ca",
    "within": "in",
    "beyond": "out",
    "nearest": "near",
    "other": "oth",
    "person": "p",
    "persons": "p",
    "precision": "prec",
    "source": "src",
    "status": "stat",
    "latitude": "lat",
    "longitude": "lon",
}

_TEXT = "none"
_YESNO = "1 = yes, 0 = no"

#: Unit and meaning of every field, by full name (layer-specific entries below override).
FIELD_INFO: dict[str, tuple[str, str]] = {
    "catchment_id": (_TEXT, "Catchment identifier (stable code used throughout esr-geo)."),
    "name_en": (_TEXT, "Catchment name in English."),
    "name_fr": (_TEXT, "Catchment name in French."),
    "population": ("persons", "Residents, 2021 Census."),
    "land_area_km2": ("km²", "Land area (Statistics Canada, 2021 Census)."),
    "cduids": (_TEXT, "2021 census division codes (CDUID) that make up the catchment, space-separated."),
    "density_per_km2": ("persons per km²", "Population density: population divided by land area."),
    "csd_count": ("count", "Number of census subdivisions in the catchment."),
    "reserve_count": ("count", "Number of those census subdivisions that are First Nations reserves or settlements."),
    "phase": (_TEXT, "EST rollout phase: Prototype, Phase 1, Phase 2 or Phase 3."),
    "ssm_en": (_TEXT, "Service System Manager (English name); blank while to be announced."),
    "ssm_fr": (_TEXT, "Service System Manager (French name); blank while to be announced."),
    "planning_start": ("date", "First day of the planning and transition period; blank while to be announced."),
    "planning_end": (
        "date",
        "First day of the last month of the planning and transition period (the period runs to the end of "
        "that month); blank while to be announced.",
    ),
    "ies_start": ("date", "First day of integrated services (IES); blank while to be announced."),
    "reserve_population_exempt": (
        "persons",
        "Residents of First Nations reserves and settlements: exempt from the SSM model and reported apart.",
    ),
    "reserve_population": (
        "persons",
        "Residents of First Nations reserves and settlements inside the zone: exempt, reported apart.",
    ),
    "non_reserve_population": ("persons", "Residents outside reserves: the people the access criteria count."),
    "in_person_sites": ("sites", "Number of in-person sites located inside the area."),
    "sites_per_100k": ("sites per 100,000 persons", "In-person sites per 100,000 residents."),
    "pop_within_threshold": (
        "persons",
        "Non-reserve residents within the distance threshold (straight line) of an in-person site in any catchment.",
    ),
    "pct_within_threshold": ("%", "Share of non-reserve residents within the distance threshold (0 to 100)."),
    "pop_beyond_threshold": ("persons", "Non-reserve residents beyond the distance threshold of every in-person site."),
    "median_distance_km": (
        "km",
        "Population-weighted median straight-line (geodesic) distance from non-reserve residents to the nearest "
        "in-person site.",
    ),
    "max_distance_km": (
        "km",
        "Largest straight-line distance from any non-reserve resident to the nearest in-person site.",
    ),
    "people_nearest_site_in_other_catchment": (
        "persons",
        "Non-reserve residents whose nearest in-person site lies in another catchment.",
    ),
    "status": (
        _TEXT,
        "Rollout status code on the analysis date: to_be_announced, not_started, planning_and_transition or "
        "integrated_services.",
    ),
    "status_label": (_TEXT, "Rollout status on the analysis date, in words (English)."),
    "site_id": (_TEXT, "Site identifier from the site list."),
    "name": (_TEXT, "Name of the site."),
    "site_type": (_TEXT, "Kind of site (e.g. Service Canada Centre, scheduled outreach site)."),
    "organisation": (_TEXT, "Organisation that runs the site."),
    "in_person": (_YESNO, "The site serves people in person (virtual-only sites never count as in-person access)."),
    "location_precision": (
        _TEXT,
        "What placed the site: coordinates (the file's own), postal_code (postal-code centroid), postal_area "
        "(centre of the code's first three characters) or community (demonstration layer).",
    ),
    "location_source": (_TEXT, "Where the site's coordinates come from."),
    "location_note": (_TEXT, "Note on the site's location."),
    "community": (_TEXT, "Community name."),
    "address": (_TEXT, "Street address of the site."),
    "city": (_TEXT, "City or community of the site's address."),
    "declared_catchment": (_TEXT, "Catchment the site file declared for the site (blank if none)."),
    "source_row": ("row number", "Row of the site in the input file."),
    "flag": (_TEXT, "Warnings about the site found while reading the file (blank when none)."),
    "postal_code": (_TEXT, "Postal code of the site."),
    "languages": (_TEXT, "Languages of service at the site."),
    "url": (_TEXT, "Web page of the site."),
    "lon": ("degrees", "Longitude, WGS 84 (EPSG:4326), east positive."),
    "lat": ("degrees", "Latitude, WGS 84 (EPSG:4326), north positive."),
    "CSDUID": (_TEXT, "2021 census subdivision code (7 digits)."),
    "CSDNAME": (_TEXT, "2021 census subdivision name."),
    "CSDTYPE": (_TEXT, "Census subdivision type (e.g. CY city, TP township, IRI Indian reserve, S-É settlement)."),
    "remoteness_class": (
        _TEXT,
        "Index of Remoteness class: easily accessible, accessible, less accessible, remote, very remote, or "
        "unclassified.",
    ),
    "is_reserve": (_YESNO, "First Nations reserve or settlement (CSD type IRI or S-É): exempt from the SSM model."),
    "snapped_km": (
        "km",
        "Distance from the site to the census subdivision it was assigned to (0 inside); the point itself is not "
        "moved.",
    ),
    "zone_id": (_TEXT, "Zone identifier (the census division code for the default zones)."),
    "members": (
        _TEXT,
        "Census division or subdivision codes that make up the zone, space-separated (blank for zones drawn as "
        "polygons).",
    ),
    "catchment": (_TEXT, "Catchment name (English)."),
    "reason": (_TEXT, "Why the zone fails its criteria; blank when it passes."),
    "passes": (
        _YESNO,
        "The zone passes: it has the required number of in-person sites inside it and the required share of its "
        "non-reserve residents within the threshold (see README).",
    ),
    "census_population": (
        "persons",
        "Published 2021 Census population of the census subdivision (blank where none is published).",
    ),
    "remoteness_index": (
        "index (0 to 1)",
        "Statistics Canada Index of Remoteness 2021 (0 least, 1 most remote); blank where none is published.",
    ),
    "sac_type": (_TEXT, "Statistical Area Classification 2016: CMA/CA or metropolitan influence zone."),
    "mean_distance_km": (
        "km",
        "Population-weighted mean straight-line distance from residents to the nearest in-person site.",
    ),
    "nearest_site": (_TEXT, "Name of the nearest in-person site."),
    "kind": (_TEXT, "Kind of community: place (GeoNames) or First Nation band office."),
    "distance_km": ("km", "Straight-line (geodesic) distance to the nearest in-person site."),
    "threshold_km": ("km", "Distance threshold that applies to this community."),
    "is_reserve_exempt": (
        _YESNO,
        "On a reserve or a First Nation band office: exempt from the SSM model and shown apart.",
    ),
}

_LAYER_FIELD_INFO: dict[tuple[str, str], tuple[str, str]] = {
    ("catchments", "population"): (
        "persons",
        "2021 Census population of the catchment, reserves included (the 15 catchments sum to Ontario's "
        f"{settings.ONTARIO_POPULATION_2021:,}).",
    ),
    ("catchments", "in_person_sites"): ("sites", "Number of in-person sites located in the catchment."),
    ("sites", "catchment_id"): (_TEXT, "Catchment the site is in."),
    ("sites", "zone"): (_TEXT, "Service delivery zone the site is in; blank outside every zone."),
    ("sites", "CSDUID"): (_TEXT, "2021 census subdivision code of the site's location."),
    ("sites", "CSDNAME"): (_TEXT, "Census subdivision the site is in."),
    ("sites", "CSDTYPE"): (_TEXT, "Type of the census subdivision the site is in."),
    ("sites", "remoteness_class"): (_TEXT, "Index of Remoteness class of the site's census subdivision."),
    ("sites", "is_reserve"): (_YESNO, "The site is on a First Nations reserve or settlement."),
    ("sites", "name"): (_TEXT, "Name of the site."),
    ("service_delivery_zones", "zone"): (_TEXT, "Name of the service delivery zone."),
    ("service_delivery_zones", "catchment_id"): (_TEXT, "Catchment holding most of the zone's residents."),
    ("service_delivery_zones", "catchment"): (_TEXT, "Catchment holding most of the zone's residents (English)."),
    ("service_delivery_zones", "population"): (
        "persons",
        "Residents of the zone, reserves included (2021 Census population points).",
    ),
    ("service_delivery_zones", "in_person_sites"): ("sites", "Number of in-person sites inside the zone."),
    ("csd_access", "catchment"): (_TEXT, "Catchment of the census subdivision (English)."),
    ("csd_access", "zone"): (_TEXT, "Service delivery zone holding most of the CSD's residents; blank if none."),
    ("csd_access", "population"): (
        "persons",
        "Residents counted from the 2021 dissemination-area population points (0 where none is published).",
    ),
    ("csd_access", "pop_within_threshold"): (
        "persons",
        "Residents of the CSD (reserves included) within the distance threshold of an in-person site.",
    ),
    ("csd_access", "pct_within_threshold"): (
        "%",
        "Share of the CSD's residents (reserves included) within the threshold (0 to 100); blank when no one "
        "is counted.",
    ),
    ("csd_access", "nearest_site"): (_TEXT, "In-person site nearest to most of the CSD's residents."),
    ("underserved_communities", "population"): (
        "persons",
        "Population of the community where known (GeoNames); blank otherwise.",
    ),
    ("underserved_communities", "CSDNAME"): (_TEXT, "Census subdivision the community is in."),
    ("underserved_communities", "catchment"): (_TEXT, "Catchment the community is in (English)."),
    ("underserved_communities", "zone"): (_TEXT, "Service delivery zone the community is in; blank if none."),
    ("underserved_communities", "remoteness_class"): (
        _TEXT,
        "Index of Remoteness class of the community's census subdivision.",
    ),
}

#: Field types as written in each format (the ``type`` column of the data dictionary).
_TYPE_NAMES = {"integer": "Integer", "real": "Real", "text": "String", "date": "Date", "datetime": "DateTime"}

_DBF_TEXT_BYTES = 254
_GPKG_VERSION = "1.2"  # readable by ArcGIS Pro 2.x and GDAL 3.6 without warnings


# --------------------------------------------------------------------------------------
# Parameters


def resolve_crs(crs: str | int | None = None) -> CRS:
    """Return the export CRS for an EPSG code, or the default.

    Parameters
    ----------
    crs : str or int, optional
        An EPSG code: ``3161``, ``"3161"`` or ``"EPSG:3161"``. ``None`` (or blank) gives
        ``settings.EXPORT_CRS``. Projected and geographic 2D systems are accepted.

    Returns
    -------
    pyproj.CRS
        The coordinate reference system.

    Raises
    ------
    InputError
        Naming the CRS given, and an example of a valid code (``parameter='crs'``).
    """
    example = "e.g. 3161 (NAD83 / Ontario MNR Lambert, the default) or EPSG:3347"
    if crs is None or (isinstance(crs, str) and not crs.strip()):
        return CRS.from_user_input(settings.EXPORT_CRS)
    match = None if isinstance(crs, bool) else re.fullmatch(r"(?:EPSG:)?(\d+)", str(crs).strip(), re.IGNORECASE)
    if match is None:
        raise InputError(
            f"The export CRS {shown(crs)} is not an EPSG code. Give an EPSG code, {example}.", parameter="crs"
        )
    code = int(match.group(1))
    try:
        out = CRS.from_epsg(code)
    except CRSError:
        raise InputError(
            f"The export CRS {shown(crs)}: EPSG:{code} is not a known coordinate reference system. "
            f"Give an EPSG code, {example}.",
            parameter="crs",
        ) from None
    if not (out.is_projected or out.is_geographic) or len(out.axis_info) != 2:
        raise InputError(
            f"The export CRS {shown(crs)}: EPSG:{code} ({out.name}) is a {out.type_name}, not a 2D map coordinate "
            f"reference system. Give a projected or geographic one, {example}.",
            parameter="crs",
        )
    return out


def _crs_label(crs: CRS) -> str:
    code = crs.to_epsg()
    return f"{crs.name} (EPSG:{code})" if code else crs.name


def _check_format(fmt: str) -> str:
    key = str(fmt).strip().lower()
    if key not in FORMATS:
        raise InputError(
            f"The export format {shown(fmt)} is not one esr-geo writes; choose one of: {', '.join(FORMATS)}.",
            parameter="fmt",
        )
    return key


# --------------------------------------------------------------------------------------
# Field names and the data dictionary


def _ascii_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^0-9A-Za-z_]+", "_", text).strip("_")
    if not text:
        text = "field"
    if text[0].isdigit():
        text = "f" + text
    return text


def _abbreviate(name: str) -> str:
    words = [w for w in re.split(r"[^0-9A-Za-z]+", _ascii_name(name)) if w]
    short = "_".join(_ABBREVIATIONS.get(w.lower(), w) for w in words) or "field"
    if len(short) > 10:
        short = short[:10].rstrip("_")
    return short


def shapefile_field_names(columns: Iterable[str]) -> dict[str, str]:
    """Map full column names to unique shapefile field names of at most 10 characters.

    Names in :data:`SHORT_NAMES` take their listed short name; other names of 10 ASCII
    characters or fewer are kept; longer ones are abbreviated word by word
    (``_ABBREVIATIONS``) and cut to 10 characters. A clash (dBASE names are
    case-insensitive) is settled by a numbered suffix (``name_1``, ``name_2``, ...) in
    column order, so the mapping is deterministic.

    Parameters
    ----------
    columns : iterable of str
        The layer's attribute columns (no geometry).

    Returns
    -------
    dict
        ``{full name: short name}`` in column order.
    """
    cols = [str(c) for c in columns]
    wanted: dict[str, str] = {}
    for col in cols:
        if col in SHORT_NAMES:
            wanted[col] = SHORT_NAMES[col]
        elif len(col) <= 10 and _ascii_name(col) == col:
            wanted[col] = col
        else:
            wanted[col] = _abbreviate(col)
    taken: set[str] = set()
    out: dict[str, str] = {}
    deferred = []
    for col in cols:  # first pass: exact wishes, first come first served
        if wanted[col].lower() not in taken:
            out[col] = wanted[col]
            taken.add(wanted[col].lower())
        else:
            deferred.append(col)
    for col in deferred:
        stem, n = wanted[col], 1
        cand = stem
        while cand.lower() in taken:
            suffix = f"_{n}"
            cand = stem[: 10 - len(suffix)] + suffix
            n += 1
        out[col] = cand
        taken.add(cand.lower())
    return {c: out[c] for c in cols}


def _field_kind(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "real"
    if _is_date(series):
        return "date"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    return "text"


def _field_info(layer: str, name: str) -> tuple[str, str]:
    if (layer, name) in _LAYER_FIELD_INFO:
        return _LAYER_FIELD_INFO[(layer, name)]
    if name in FIELD_INFO:
        return FIELD_INFO[name]
    return (_TEXT, f"Column {name!r} carried over unchanged from the input file.")


def _dictionary(
    frames: Mapping[str, pd.DataFrame], *, fmt: str, short: Mapping[str, Mapping[str, str]] | None
) -> pd.DataFrame:
    rows = []
    for layer, frame in frames.items():
        names = short[layer] if short is not None else None
        for col in frame.columns:
            if col == "geometry":
                continue
            full = col if names is None else next(k for k, v in names.items() if v == col)
            kind = _field_kind(frame[col])
            unit, meaning = _field_info(layer, full)
            if kind == "boolean" or (fmt == "shp" and unit == _YESNO):
                kind_name = "Integer (0/1)" if fmt == "shp" else "Boolean"
                unit = _YESNO if fmt == "shp" else "true/false"
            else:
                kind_name = _TYPE_NAMES[kind]
            row = {"layer": layer}
            if names is not None:
                row["short_name"] = col
            row |= {"full_name": full, "type": kind_name, "unit": unit, "meaning": meaning}
            rows.append(row)
    return pd.DataFrame(rows)


def field_dictionary(layers: Mapping[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """Return the shapefile data dictionary (the content of ``fields.csv``).

    Parameters
    ----------
    layers : dict of geopandas.GeoDataFrame
        The layers of :func:`esr_geo.analysis.gis_layers`.

    Returns
    -------
    pandas.DataFrame
        One row per field of every layer: ``layer``, ``short_name`` (the shapefile field
        name), ``full_name`` (the name in the GeoPackage, GeoJSON and CSV exports), ``type``
        (Integer, Integer (0/1), Real, String or Date), ``unit`` (km, persons, %, km², persons
        per km², date, ... or 'none' for names and codes) and ``meaning``.
    """
    frames = {name: _for_shapefile(name, _normalise(name, frame)) for name, frame in layers.items()}
    return _dictionary({k: v[0] for k, v in frames.items()}, fmt="shp", short={k: v[1] for k, v in frames.items()})


# --------------------------------------------------------------------------------------
# Preparing the layers


def _as_text(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        return "; ".join(str(v) for v in items)
    return str(value)


_DATE_DTYPE = "date32[pyarrow]"


def _is_date(series: pd.Series) -> bool:
    return str(series.dtype).startswith("date32")


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _dates(values: Iterable[object], index: pd.Index) -> pd.Series:
    """Return a date column (Arrow ``date32``: written as a Date field by every driver)."""
    return pd.Series([_day(v) for v in values], index=index, dtype=_DATE_DTYPE)


def _normalise_column(series: pd.Series, layer: str) -> pd.Series:
    name = str(series.name)
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object).where(series.notna(), None)
    if _is_date(series):
        return series
    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dt, "tz", None) is not None:
            return series.map(lambda v: None if pd.isna(v) else v.isoformat()).astype(object)
        stamps = series.dropna()
        if (stamps == stamps.dt.normalize()).all():
            return _dates(series, series.index)
        return series
    if pd.api.types.is_bool_dtype(series):
        return series
    if pd.api.types.is_float_dtype(series):
        unit, _ = _field_info(layer, name)
        values = series.dropna()
        if unit == "persons" and bool(np.all(np.mod(values.to_numpy(dtype=float), 1) == 0)):
            return series.round().astype("Int64")
        return series
    if pd.api.types.is_numeric_dtype(series):
        return series
    values = series.dropna()
    if len(values) and all(isinstance(v, bool | np.bool_) for v in values):
        return series.astype("boolean")
    if len(values) and all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in values):
        return _dates(series, series.index)
    return series.map(_as_text).astype(object)


def _normalise(layer: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return one layer with uniform geometry, dates as dates, lists as text and geometry last."""
    geom = frame.geometry
    bad = geom.isna() | geom.is_empty
    if bad.any():
        raise DataError(
            f"Layer {layer}: {int(bad.sum())} feature(s) have no geometry; every exported feature must have one."
        )
    want = GEOMETRY_TYPES.get(layer)
    values = geom.to_numpy()
    kinds = shapely.get_type_id(values)
    if want == "MultiPolygon":
        if not np.isin(kinds, (3, 6)).all():
            raise DataError(f"Layer {layer}: expected polygons, found {sorted(set(geom.geom_type))}.")
        values = np.array([shapely.MultiPolygon([g]) if k == 3 else g for g, k in zip(values, kinds, strict=True)])
    elif want == "Point":
        single = shapely.get_num_geometries(values) == 1
        if not (np.isin(kinds, (0, 4)) & single).all():
            raise DataError(f"Layer {layer}: expected single points, found {sorted(set(geom.geom_type))}.")
        values = np.array([shapely.get_geometry(g, 0) if k == 4 else g for g, k in zip(values, kinds, strict=True)])
    data = {}
    for col in frame.columns:
        if col == frame.geometry.name:
            continue
        data[col] = _normalise_column(frame[col], layer).reset_index(drop=True)
    return gpd.GeoDataFrame(
        pd.DataFrame(data, index=pd.RangeIndex(len(frame))),
        geometry=gpd.GeoSeries(values, crs=frame.crs),
        crs=frame.crs,
    )


def _truncate_bytes(value: object, limit: int = _DBF_TEXT_BYTES) -> object:
    if not isinstance(value, str):
        return value
    raw = value.encode("utf-8")
    if len(raw) <= limit:
        return value
    return raw[: limit - 3].decode("utf-8", "ignore") + "…"


def _for_shapefile(layer: str, frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Return the shapefile version of a normalised layer and its name mapping."""
    cols = [c for c in frame.columns if c != "geometry"]
    names = shapefile_field_names(cols)
    out = frame.copy()
    for col in cols:
        s = out[col]
        if pd.api.types.is_bool_dtype(s):
            out[col] = s.astype("Int32") if s.isna().any() else s.astype("int32")
        elif pd.api.types.is_integer_dtype(s):
            lo, hi = s.min(), s.max()
            fits = pd.isna(lo) or (int(lo) >= -99_999_999 and int(hi) <= 999_999_999)
            if fits:
                out[col] = (
                    s.astype("Int32") if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) else s.astype("int32")
                )
        elif pd.api.types.is_datetime64_any_dtype(s) and not _is_date(s):
            out[col] = s.map(lambda v: None if pd.isna(v) else v.isoformat(sep=" ")).astype(object)
        elif s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(_truncate_bytes).astype(object)
    return out.rename(columns=names), names


def _prepared(analysis: Analysis) -> dict[str, gpd.GeoDataFrame]:
    """Return the analysis's GIS layers (known layers first, in :data:`LAYERS` order), normalised."""
    layers = {name: _worded(name, layer, analysis) for name, layer in gis_layers(analysis).items()}
    order = [n for n in LAYERS if n in layers] + [n for n in layers if n not in LAYERS]
    return {name: _normalise(name, layers[name]) for name in order}


def _worded(name: str, layer: gpd.GeoDataFrame, analysis: Analysis) -> gpd.GeoDataFrame:
    """Return a layer with its codes in English words as well (reasons, status labels, kinds)."""
    worded = i18n.in_words(layer, min_sites=analysis.min_sites, min_share=analysis.min_share, lang="en")
    if name == "catchments":
        worded = i18n.status_words(worded, lang="en", keep_code=True)
    return gpd.GeoDataFrame(worded, geometry=layer.geometry.name, crs=layer.crs)


def _project(frame: gpd.GeoDataFrame, crs: CRS, layer: str) -> gpd.GeoDataFrame:
    out = frame.to_crs(crs)
    bounds = out.total_bounds
    if not np.isfinite(bounds).all():
        raise InputError(
            f"The export CRS {_crs_label(crs)} cannot represent layer {layer} (coordinates are infinite there). "
            "Choose a CRS that covers Ontario, e.g. EPSG:3161.",
            parameter="crs",
        )
    return out


# --------------------------------------------------------------------------------------
# QGIS styles (QML)


def _rgba(colour: str, alpha: int = 255) -> str:
    c = colour.lstrip("#")
    return f"{int(c[0:2], 16)},{int(c[2:4], 16)},{int(c[4:6], 16)},{alpha}"


_SCALE = "3x:0,0,0,0,0,0"


def _fill_props(colour: str | None, outline: str, width: float, *, alpha: int = 150) -> dict[str, str]:
    return {
        "border_width_map_unit_scale": _SCALE,
        "color": _rgba(colour, alpha) if colour else "0,0,0,0",
        "joinstyle": "bevel",
        "offset": "0,0",
        "offset_map_unit_scale": _SCALE,
        "offset_unit": "MM",
        "outline_color": _rgba(outline),
        "outline_style": "solid",
        "outline_width": f"{width:g}",
        "outline_width_unit": "MM",
        "style": "solid" if colour else "no",
    }


def _marker_props(shape: str, colour: str | None, outline: str, size: float) -> dict[str, str]:
    return {
        "angle": "0",
        "color": _rgba(colour) if colour else "0,0,0,0",
        "horizontal_anchor_point": "1",
        "joinstyle": "bevel",
        "name": shape,
        "offset": "0,0",
        "offset_map_unit_scale": _SCALE,
        "offset_unit": "MM",
        "outline_color": _rgba(outline),
        "outline_style": "solid",
        "outline_width": "0.4",
        "outline_width_map_unit_scale": _SCALE,
        "outline_width_unit": "MM",
        "scale_method": "diameter",
        "size": f"{size:g}",
        "size_map_unit_scale": _SCALE,
        "size_unit": "MM",
        "vertical_anchor_point": "1",
    }


def _symbol(parent: ET.Element, name: str, kind: str, props: Mapping[str, str]) -> None:
    sym = ET.SubElement(
        parent, "symbol", {"type": kind, "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"}
    )
    layer = ET.SubElement(
        sym,
        "layer",
        {"class": "SimpleFill" if kind == "fill" else "SimpleMarker", "enabled": "1", "locked": "0", "pass": "0"},
    )
    options = ET.SubElement(layer, "Option", {"type": "Map"})
    for key, value in props.items():
        ET.SubElement(options, "Option", {"type": "QString", "name": key, "value": value})
    for key, value in props.items():  # the pre-3.16 form, read by every QGIS 3
        ET.SubElement(layer, "prop", {"k": key, "v": value})


def _qml_document(renderer: ET.Element, geometry_type: int) -> str:
    root = ET.Element("qgis", {"version": "3.22.0", "styleCategories": "Symbology"})
    root.append(renderer)
    ET.SubElement(root, "blendMode").text = "0"
    ET.SubElement(root, "featureBlendMode").text = "0"
    ET.SubElement(root, "layerGeometryType").text = str(geometry_type)
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"


def _categorised(attr: str, categories: list[tuple[str, str, str, dict[str, str]]]) -> ET.Element:
    """Categorised renderer; ``categories`` are (value, label, symbol kind, symbol properties)."""
    renderer = ET.Element(
        "renderer-v2",
        {"type": "categorizedSymbol", "attr": attr, "symbollevels": "0", "forceraster": "0", "enableorderby": "0"},
    )
    cats = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for i, (value, label, kind, props) in enumerate(categories):
        ET.SubElement(cats, "category", {"value": value, "label": label, "symbol": str(i), "render": "true"})
        _symbol(symbols, str(i), kind, props)
    ET.SubElement(renderer, "rotation")
    ET.SubElement(renderer, "sizescale")
    return renderer


def _quote(field: str) -> str:
    return '"' + field.replace('"', '""') + '"'


#: Access classes of the CSD layer style: (upper bound of % within the threshold, label, colour).
_ACCESS_CLASSES = (
    (50.0, "under 50 %", FAIL_COLOUR),
    (75.0, "50 to 75 %", "#E69F00"),
    (90.0, "75 to 90 %", "#F0E442"),
    (None, "90 % or more", "#009E73"),
)


def layer_qml(layer: str, field_names: Mapping[str, str] | None = None) -> str | None:
    """Return the QGIS style (QML) of one export layer, or ``None`` for an unstyled layer.

    Catchments are categorised by ``phase`` (``style.PHASE_COLOURS``), zones by ``passes``
    (outlines in ``PASS_COLOUR`` / ``FAIL_COLOUR``), sites are black triangles (hollow when
    virtual-only), underserved communities red circles (grey squares when reserve-exempt) and
    census subdivisions are coloured by class of ``pct_within_threshold`` (grey: no one counted).

    Parameters
    ----------
    layer : str
        A name of :data:`LAYERS`.
    field_names : mapping, optional
        Full name -> name in the file (the shapefile short names); ``None`` for full names.

    Returns
    -------
    str or None
        The QML document.
    """

    def f(name: str) -> str:
        return (field_names or {}).get(name, name)

    if layer == "catchments":
        cats = [(phase, phase, "fill", _fill_props(colour, "#FFFFFF", 0.4)) for phase, colour in PHASE_COLOURS.items()]
        cats.append(("", "other", "fill", _fill_props("#BBBBBB", "#FFFFFF", 0.4)))
        return _qml_document(_categorised(f("phase"), cats), 2)
    if layer == "service_delivery_zones":
        expr = f"CASE WHEN {_quote(f('passes'))} THEN 'passes' ELSE 'fails' END"
        cats = [
            ("passes", "zone passes", "fill", _fill_props(None, PASS_COLOUR, 0.8)),
            ("fails", "zone fails", "fill", _fill_props(None, FAIL_COLOUR, 1.2)),
        ]
        return _qml_document(_categorised(expr, cats), 2)
    if layer == "sites":
        expr = f"CASE WHEN {_quote(f('in_person'))} THEN 'in person' ELSE 'virtual only' END"
        cats = [
            ("in person", "in-person site", "marker", _marker_props("triangle", "#000000", "#FFFFFF", 3.2)),
            ("virtual only", "virtual-only site", "marker", _marker_props("triangle", None, "#000000", 3.2)),
        ]
        return _qml_document(_categorised(expr, cats), 0)
    if layer == "underserved_communities":
        expr = f"CASE WHEN {_quote(f('is_reserve_exempt'))} THEN 'exempt' ELSE 'gap' END"
        cats = [
            ("gap", "community beyond threshold", "marker", _marker_props("circle", FAIL_COLOUR, "#FFFFFF", 3.4)),
            (
                "exempt",
                "reserve beyond threshold (exempt)",
                "marker",
                _marker_props("square", RESERVE_COLOUR, "#FFFFFF", 3.0),
            ),
        ]
        return _qml_document(_categorised(expr, cats), 0)
    if layer == "csd_access":
        pct = _quote(f("pct_within_threshold"))
        whens = " ".join(f"WHEN {pct} < {hi:g} THEN '{label}'" for hi, label, _ in _ACCESS_CLASSES if hi is not None)
        expr = f"CASE WHEN {pct} IS NULL THEN 'no residents counted' {whens} ELSE '{_ACCESS_CLASSES[-1][1]}' END"
        cats = [
            (label, label, "fill", _fill_props(colour, "#FFFFFF", 0.1, alpha=170))
            for _, label, colour in _ACCESS_CLASSES
        ]
        cats.append(("no residents counted", "no residents counted", "fill", _fill_props("#BBBBBB", "#FFFFFF", 0.1)))
        return _qml_document(_categorised(expr, cats), 2)
    return None


# --------------------------------------------------------------------------------------
# README


def readme_text(
    analysis: Analysis,
    *,
    fmt: str,
    crs: CRS,
    counts: Mapping[str, int],
    requested_crs: str | int | None = None,
) -> str:
    """Return the README of an export: contents, source, CRS, thresholds, fields and attribution."""
    fmt = _check_format(fmt)
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    lines = [
        f"esr-geo GIS export ({fmt}) - in-person access analysis for Ontario's Employment Services Transformation",
        "",
        f"Generated: {now} by esr-geo {__version__}",
        f"Rollout statuses as of: {analysis.on.isoformat()}",
        f"Sites source: {analysis.sites_source}",
        f"Zones source: {analysis.zones_source}",
        "",
        "LAYERS",
    ]
    ext = {"shp": ".shp", "gpkg": " (GeoPackage layer)", "geojson": ".geojson", "csv": ".csv"}[fmt]
    for name, count in counts.items():
        kind = GEOMETRY_TYPES.get(name, "")
        geom = "" if fmt == "csv" else f", {kind}"
        lines.append(f"  {name}{ext}: {count} feature(s){geom}. {LAYER_DESCRIPTIONS.get(name, '')}")
    lines += ["", "COORDINATE REFERENCE SYSTEM"]
    if fmt in ("shp", "gpkg"):
        unit = crs.axis_info[0].unit_name if crs.axis_info else ""
        lines.append(f"  {_crs_label(crs)}; coordinates in {unit}s.")
    elif fmt == "geojson":
        lines.append("  WGS 84 (EPSG:4326), longitude/latitude in degrees, as RFC 7946 requires for GeoJSON.")
        if requested_crs is not None:
            lines.append(f"  The CRS asked for ({requested_crs}) does not apply: GeoJSON is always EPSG:4326.")
    else:
        lines.append("  No geometry; point layers carry lon/lat in WGS 84 (EPSG:4326) degrees.")
        if requested_crs is not None:
            lines.append(f"  The CRS asked for ({requested_crs}) does not apply to CSV tables.")
    lines += ["", "FILES AND FIELDS"]
    if fmt == "shp":
        lines += [
            "  Everything is in ONE zip so the layers, their data dictionary and their attribution travel together.",
            "  Unzip it, then open the .shp files in QGIS or ArcGIS (QGIS can also read them inside the zip). Each",
            "  layer has its .shp, .shx, .dbf, .prj (the CRS) and .cpg (UTF-8), and a .qml style that QGIS applies",
            "  by itself when it opens the unzipped layer.",
            "  Shapefile field names are at most 10 characters: fields.csv maps each short_name to its full_name",
            "  (the name used in the GeoPackage, GeoJSON and CSV exports), its type, unit and meaning.",
            "  Yes/no fields are integers: 1 = yes, 0 = no. Dates are Date fields; text longer than 254 bytes",
            "  (the dBASE limit) is cut and ends with '…'.",
        ]
    elif fmt == "gpkg":
        lines += [
            "  One GeoPackage holds every layer with full field names. The layer_styles table holds a default",
            "  QGIS style for each layer, so they open styled in QGIS. The readme and fields tables repeat this",
            "  text and the data dictionary (type, unit and meaning of every field). Yes/no fields are booleans.",
        ]
    elif fmt == "geojson":
        lines += [
            "  One RFC 7946 GeoJSON file per layer, full field names; fields.csv gives every field's type, unit",
            "  and meaning. Yes/no fields are JSON booleans; dates are YYYY-MM-DD text.",
        ]
    else:
        lines += [
            "  One UTF-8 CSV per layer (the attribute table, no geometry); fields.csv gives every field's type,",
            "  unit and meaning. Text starting with =, +, -, @ is prefixed with ' so spreadsheets do not run it.",
        ]
    lines += [
        "  Empty values mean 'no value' (e.g. rollout dates still to be announced).",
        "",
        "METHOD, THRESHOLDS AND ZONE CRITERIA",
    ]
    lines += [f"  - {note}" for note in method_notes(analysis)]
    if analysis.notes:
        lines += ["", "NOTES ON THE INPUT"]
        lines += [f"  - {note}" for note in analysis.notes]
    lines += ["", "DATA SOURCES AND ATTRIBUTION"]
    lines += [f"  - {text}" for text in ATTRIBUTIONS]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------
# Writers


def _write(frame: gpd.GeoDataFrame | pd.DataFrame, path: Path, **kwargs: object) -> None:
    pyogrio.write_dataframe(frame, path, use_arrow=True, **kwargs)


def _write_shapefile_zip(
    analysis: Analysis, layers: Mapping[str, gpd.GeoDataFrame], crs: CRS, zip_path: Path, work: Path
) -> None:
    frames: dict[str, gpd.GeoDataFrame] = {}
    names: dict[str, dict[str, str]] = {}
    work.mkdir(parents=True, exist_ok=True)
    members: list[Path] = []
    for layer, frame in layers.items():
        shp, mapping = _for_shapefile(layer, _project(frame, crs, layer))
        frames[layer], names[layer] = shp, mapping
        path = work / f"{layer}.shp"
        _write(shp, path, driver="ESRI Shapefile", encoding="UTF-8", geometry_type=GEOMETRY_TYPES.get(layer))
        members += [path.with_suffix(ext) for ext in SHAPEFILE_PARTS]
        qml = layer_qml(layer, mapping)
        if qml is not None:
            path.with_suffix(".qml").write_text(qml, encoding="utf-8")
            members.append(path.with_suffix(".qml"))
    missing = [p.name for p in members if not p.is_file()]
    if missing:
        raise DataError(f"The shapefile writer did not produce {', '.join(missing)}.")
    fields = _dictionary(frames, fmt="shp", short=names)
    readme = readme_text(analysis, fmt="shp", crs=crs, counts={k: len(v) for k, v in frames.items()})
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in members:
            zf.write(path, arcname=path.name)
        zf.writestr(FIELDS_NAME, fields.to_csv(index=False, lineterminator="\n"))
        zf.writestr(README_NAME, readme)


def _write_geopackage(analysis: Analysis, layers: Mapping[str, gpd.GeoDataFrame], crs: CRS, path: Path) -> None:
    frames: dict[str, gpd.GeoDataFrame] = {}
    for i, (layer, frame) in enumerate(layers.items()):
        out = _project(frame, crs, layer)
        frames[layer] = out
        _write(
            out,
            path,
            driver="GPKG",
            layer=layer,
            geometry_type=GEOMETRY_TYPES.get(layer),
            dataset_options={"VERSION": _GPKG_VERSION} if i == 0 else None,
            layer_options={"IDENTIFIER": layer, "DESCRIPTION": LAYER_DESCRIPTIONS.get(layer, "")},
        )
    readme = readme_text(analysis, fmt="gpkg", crs=crs, counts={k: len(v) for k, v in frames.items()})
    lines = readme.splitlines()
    tables = {
        "readme": pd.DataFrame({"line": np.arange(1, len(lines) + 1, dtype="int32"), "text": lines}),
        "fields": _dictionary(frames, fmt="gpkg", short=None),
    }
    for name, table in tables.items():
        description = "About this export" if name == "readme" else "Data dictionary: every field's type, unit, meaning"
        _write(table, path, driver="GPKG", layer=name, layer_options={"DESCRIPTION": description})
    _add_layer_styles(path, {layer: layer_qml(layer) for layer in frames})


_LAYER_STYLES_SQL = """
CREATE TABLE layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    f_table_catalog TEXT(256),
    f_table_schema TEXT(256),
    f_table_name TEXT(256),
    f_geometry_column TEXT(256),
    styleName TEXT(30),
    styleQML TEXT,
    styleSLD TEXT,
    useAsDefault BOOLEAN,
    description TEXT,
    owner TEXT(30),
    ui TEXT(30),
    update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)
"""


def _add_layer_styles(path: Path, styles: Mapping[str, str | None]) -> None:
    """Add QGIS's ``layer_styles`` table (one default style per styled layer) to a GeoPackage.

    The table has the columns and types QGIS creates, and is registered in ``gpkg_contents``
    as an attribute table, so GDAL and QGIS see it like one QGIS wrote.
    """
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    con = sqlite3.connect(path)
    try:
        geom_cols = dict(con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
        rows = [
            (
                "",
                "",
                layer,
                geom_cols[layer],
                layer,
                qml,
                "",
                1,
                f"esr-geo default style: {layer}",
                "esr-geo",
                None,
                now,
            )
            for layer, qml in styles.items()
            if qml is not None and layer in geom_cols
        ]
        with con:
            con.execute(_LAYER_STYLES_SQL)
            con.executemany(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            con.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
                "VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS default layer styles', ?)",
                (now,),
            )
            has_counts = con.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_ogr_contents'"
            ).fetchone()[0]
            if has_counts:
                con.execute(
                    "INSERT INTO gpkg_ogr_contents (table_name, feature_count) VALUES ('layer_styles', ?)",
                    (len(rows),),
                )
    finally:
        con.close()


def _csv_frame(layer: str, frame: gpd.GeoDataFrame) -> pd.DataFrame:
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    if GEOMETRY_TYPES.get(layer) == "Point" and not {"lon", "lat"} <= set(table.columns):
        wgs = frame.geometry.to_crs(settings.DISPLAY_CRS)
        table["lon"] = wgs.x.round(6).to_numpy()
        table["lat"] = wgs.y.round(6).to_numpy()
    return neutralise_formulas(table)


def _write_geojson_folder(
    analysis: Analysis, layers: Mapping[str, gpd.GeoDataFrame], stage: Path, requested: str | int | None
) -> None:
    wgs84 = CRS.from_user_input(settings.DISPLAY_CRS)
    frames = {}
    for layer, frame in layers.items():
        out = _project(frame, wgs84, layer)
        frames[layer] = out
        _write(
            out,
            stage / f"{layer}.geojson",
            driver="GeoJSON",
            layer=layer,
            geometry_type=GEOMETRY_TYPES.get(layer),
            layer_options={"RFC7946": "YES"},
        )
    _write_docs(stage, analysis, frames, fmt="geojson", requested=requested)


def _write_csv_folder(
    analysis: Analysis, layers: Mapping[str, gpd.GeoDataFrame], stage: Path, requested: str | int | None
) -> None:
    tables = {}
    for layer, frame in layers.items():
        table = _csv_frame(layer, frame)
        tables[layer] = table
        # UTF-8 with a byte-order mark, so Excel shows accents and en dashes correctly
        (stage / f"{layer}.csv").write_text(table.to_csv(index=False, lineterminator="\n"), encoding="utf-8-sig")
    _write_docs(stage, analysis, tables, fmt="csv", requested=requested)


def _write_docs(
    stage: Path, analysis: Analysis, frames: Mapping[str, pd.DataFrame], *, fmt: str, requested: str | int | None
) -> None:
    fields = _dictionary(frames, fmt=fmt, short=None)
    (stage / FIELDS_NAME).write_text(fields.to_csv(index=False, lineterminator="\n"), encoding="utf-8-sig")
    readme = readme_text(
        analysis,
        fmt=fmt,
        crs=CRS.from_user_input(settings.DISPLAY_CRS),
        counts={k: len(v) for k, v in frames.items()},
        requested_crs=requested,
    )
    (stage / README_NAME).write_text(readme, encoding="utf-8")


#: Name endings taken as a file (not a folder) when an export path does not exist yet.
_FILE_SUFFIXES = (
    ".zip", ".gpkg", ".geojson", ".json", ".csv", ".shp", ".txt", ".xlsx", ".xls", ".html", ".htm",
    ".kml", ".kmz", ".pdf", ".gz", ".tar", ".7z", ".dbf", ".tif", ".tiff", ".parquet", ".xml", ".md",
)  # fmt: skip
#: Formats written as one file: the file's extension, its name inside a folder, and a label.
_SINGLE_FILE = {"shp": (".zip", SHP_ZIP_NAME, "shapefile"), "gpkg": (".gpkg", GPKG_NAME, "GeoPackage")}


def _target(out: Path, fmt: str) -> Path:
    """Return the file (shp, gpkg) or folder (geojson, csv) that ``out`` means for ``fmt``.

    The rule: an existing folder is written into; for shp and gpkg a path ending in ``.zip`` /
    ``.gpkg`` is the file to write; any other path is a new folder to create, unless it is an
    existing file (or device) or its name ends in a file extension (``.txt``, ``.csv``, ...):
    those are refused rather than turned into a folder of that name.
    """
    single = _SINGLE_FILE.get(fmt)
    if os.path.isdir(out):  # noqa: PTH112 (Path.is_dir raises on a too-long name; this says False)
        return out / single[1] if single else out
    suffix = out.suffix.lower()
    if single and suffix == single[0]:
        return out
    exists = os.path.lexists(out)
    if not exists and suffix not in _FILE_SUFFIXES:
        return out / single[1] if single else out
    shown = printable(str(out))
    kind = "file" if os.path.isfile(out) else "device or special file"  # noqa: PTH113 (see above)
    why = f"{shown} is an existing {kind}, not a folder" if exists else f"{shown} ends in {printable(out.suffix)}"
    folder = f"e.g. {printable(str(out.with_suffix('')))}" if out.suffix else "(an existing one, or a new one)"
    if single:
        ext, name, label = single
        raise InputError(
            f"The {label} export is written as one {ext} file (a path ending in {ext}) or into a folder "
            f"(as {name}); {why}. Nothing was written. Give a path ending in {ext} "
            f"(e.g. {printable(out.with_suffix(ext).name)}) or a folder."
        )
    raise InputError(
        f"The {fmt} export writes a folder (one file per layer plus {FIELDS_NAME} and {README_NAME}), "
        f"not a single file; {why}. Nothing was written. Give a folder, {folder}."
    )


def export_layers(
    analysis: Analysis,
    out: PathLike,
    *,
    fmt: str,
    crs: str | int | None = None,
    force: bool = False,
) -> list[Path]:
    """Write the analysis's GIS layers in one format.

    Parameters
    ----------
    analysis : Analysis
        A finished analysis (see :func:`esr_geo.analysis.run_analysis`).
    out : path-like
        Where to write, by format:

        - ``shp``: the ``.zip`` to write (one zip holding every layer); a path without a
          ``.zip`` suffix is a folder, written into as ``esr_geo_layers_shp.zip``.
        - ``gpkg``: the ``.gpkg`` to write; a path without ``.gpkg`` is a folder, written into
          as ``esr_geo_layers.gpkg``.
        - ``geojson`` and ``csv``: a folder (created if needed) that receives one file per
          layer (``catchments.geojson``, ...), ``fields.csv`` and ``README.txt``; other files
          in it are left alone.
    fmt : str, keyword-only
        One of :data:`FORMATS`.
    crs : str or int, keyword-only
        EPSG code of the shapefile / GeoPackage CRS (``None``: ``settings.EXPORT_CRS``,
        EPSG:3161). GeoJSON is always EPSG:4326 and CSV has no geometry: for them a CRS is
        still checked, then reported as not applying (in README.txt and a logged warning).
    force : bool, keyword-only
        Replace existing output files (otherwise refuse, naming them and ``--force``).

    Returns
    -------
    list of pathlib.Path
        The files written. Each output appears complete or not at all: everything is written
        to a temporary file or folder beside it and renamed into place at the end.

    Raises
    ------
    InputError
        Unknown format or EPSG code, ``out`` of the wrong kind, or an existing output
        without ``force``.
    """
    fmt = _check_format(fmt)
    target_crs = resolve_crs(crs)
    target = _target(Path(out).expanduser(), fmt)
    if fmt in ("shp", "gpkg"):
        if os.path.isdir(target):  # noqa: PTH112 (see _target)
            raise InputError(
                f"The output {target} is a folder; give the .{fmt if fmt == 'gpkg' else 'zip'} file to write.",
                parameter="out",
            )
        check_targets([target], force=force)
        layers = _prepared(analysis)
        with atomic_path(target, force=force) as tmp:
            if fmt == "shp":
                _write_shapefile_zip(analysis, layers, target_crs, tmp, tmp.parent / "layers")
            else:
                _write_geopackage(analysis, layers, target_crs, tmp)
        return [target]
    requested = None if crs is None or (isinstance(crs, str) and not crs.strip()) else crs
    if requested is not None:
        why = "GeoJSON is always WGS 84 (EPSG:4326, RFC 7946)" if fmt == "geojson" else "CSV tables have no geometry"
        _LOG.warning("The export CRS %s does not apply to the %s format: %s.", requested, fmt, why)
    layers = _prepared(analysis)
    ext = ".geojson" if fmt == "geojson" else ".csv"
    names = [f"{layer}{ext}" for layer in layers] + [FIELDS_NAME, README_NAME]
    writer = _write_geojson_folder if fmt == "geojson" else _write_csv_folder
    return write_folder(target, names, lambda stage: writer(analysis, layers, stage, requested), force=force)


def shapefile_zip_bytes(analysis: Analysis, *, crs: str | int | None = None) -> bytes:
    """Return the zipped shapefile export (see :func:`export_layers`) as bytes, for a download button."""
    target_crs = resolve_crs(crs)
    layers = _prepared(analysis)
    with tempfile.TemporaryDirectory(prefix="esr_geo_shp_") as tmp:
        zip_path = Path(tmp) / SHP_ZIP_NAME
        _write_shapefile_zip(analysis, layers, target_crs, zip_path, Path(tmp) / "layers")
        return zip_path.read_bytes()


def geopackage_bytes(analysis: Analysis, *, crs: str | int | None = None) -> bytes:
    """Return the GeoPackage export (see :func:`export_layers`) as bytes, for a download button."""
    target_crs = resolve_crs(crs)
    layers = _prepared(analysis)
    with tempfile.TemporaryDirectory(prefix="esr_geo_gpkg_") as tmp:
        path = Path(tmp) / GPKG_NAME
        _write_geopackage(analysis, layers, target_crs, path)
        return path.read_bytes()
