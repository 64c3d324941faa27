"""The base geography of an analysis, loaded once: census, catchments, people, communities."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from esr_geo import data, settings
from esr_geo._io import write_cached
from esr_geo.catchments import build_catchments, cd_lookup, load_definition
from esr_geo.population import POINT_COLUMNS, build_population_points
from esr_geo.remoteness import csd_attributes
from esr_geo.rollout import load_rollout

PathLike = str | os.PathLike[str]

_LOG = logging.getLogger(__name__)

#: Bump when the derivation of cached tables changes, so stale caches are rebuilt.
CACHE_VERSION = "6"

#: The bundle files (keys of :data:`esr_geo.data.BUNDLE_FILES`) the population points are
#: built from; the cache key is a hash of their bytes.
POINTS_INPUTS: tuple[str, ...] = (
    "index_of_remoteness",
    "dissemination_area_population",
    "dissemination_block_points",
    "census_subdivisions",
    "ottawa_block_population",
)

#: Bytes read at a time when hashing a bundle file.
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Base:
    """Everything an analysis needs that does not depend on the user's sites or zones.

    Attributes
    ----------
    data_dir : pathlib.Path
        The bundle directory read.
    cds : geopandas.GeoDataFrame
        Census divisions (EPSG:3347) with ``catchment_id``.
    csds : geopandas.GeoDataFrame
        Census subdivisions (EPSG:3347) with catchment, remoteness, SAC and reserve columns.
    catchments : geopandas.GeoDataFrame
        The 15 catchments (EPSG:3347) with population, area and rollout attributes.
    rollout : pandas.DataFrame
        The rollout table.
    points : pandas.DataFrame
        Population points (see :func:`esr_geo.population.build_population_points`) with
        ``catchment_id``, ``is_reserve`` and ``remoteness_class``.
    first_nations : geopandas.GeoDataFrame
        Band-office locations (EPSG:4326).
    """

    data_dir: Path
    cds: gpd.GeoDataFrame
    csds: gpd.GeoDataFrame
    catchments: gpd.GeoDataFrame
    rollout: pd.DataFrame
    points: pd.DataFrame
    first_nations: gpd.GeoDataFrame

    @property
    def ontario(self) -> object:
        """The union of the census divisions (a shapely geometry in EPSG:3347)."""
        return self.cds.union_all()


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes (hex), read in 1 MiB chunks.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    str
        64 hexadecimal digits.

    Raises
    ------
    DataError
        If the file cannot be read.
    """
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_HASH_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise data.unreadable(path, exc, expected="a readable bundle file") from exc
    return digest.hexdigest()


def points_cache_key(data_dir: PathLike | None = None) -> str:
    """Return the cache key of the population points: a hash of the content they are built from.

    The key covers :data:`CACHE_VERSION` and the SHA-256 of the bytes of every file in
    :data:`POINTS_INPUTS` (not their sizes or times), so any change to those files, even
    one that keeps the size and the modification time, gives a new key. On the real bundle
    (5.7 MB) hashing takes about 5 ms.

    Parameters
    ----------
    data_dir : path-like, optional
        Bundle directory; ``None`` uses the settings.

    Returns
    -------
    str
        32 hexadecimal digits.
    """
    root = settings.data_dir(data_dir)
    parts = [CACHE_VERSION]
    for name in POINTS_INPUTS:
        parts.append(f"{data.BUNDLE_FILES[name]}:{file_digest(data.bundle_path(name, root))}")
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def points_cache_path(data_dir: PathLike | None = None, *, cache: PathLike | bool | None = None) -> Path | None:
    """Return where the population points of a bundle are cached (``None`` when ``cache`` is False).

    Parameters
    ----------
    data_dir : path-like, optional
        Bundle directory; ``None`` uses the settings.
    cache : path-like, bool or None, keyword-only
        As for :func:`population_points`.

    Returns
    -------
    pathlib.Path or None
        ``<cache dir>/population_points_<key>.parquet`` (see :func:`points_cache_key`).
    """
    if cache is False:
        return None
    folder = settings.cache_dir(None if cache is True or cache is None else cache)
    return folder / f"population_points_{points_cache_key(data_dir)}.parquet"


#: Each population-point column, the kind of values it must hold and the test of that kind.
_POINT_KINDS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "DBUID": ("text", pd.api.types.is_string_dtype),
    "DAUID": ("text", pd.api.types.is_string_dtype),
    "CDUID": ("text", pd.api.types.is_string_dtype),
    "CSDUID": ("text", pd.api.types.is_string_dtype),
    "x": ("float", pd.api.types.is_float_dtype),
    "y": ("float", pd.api.types.is_float_dtype),
    "lon": ("float", pd.api.types.is_float_dtype),
    "lat": ("float", pd.api.types.is_float_dtype),
    "population": ("integer", pd.api.types.is_integer_dtype),
    "snapped": ("boolean", pd.api.types.is_bool_dtype),
    "block_count": ("boolean", pd.api.types.is_bool_dtype),
}


def _schema_problems(points: pd.DataFrame) -> list[str]:
    missing = [c for c in POINT_COLUMNS if c not in points.columns]
    if missing:
        return [f"missing column(s) {', '.join(missing)}; expected {', '.join(POINT_COLUMNS)}"]
    problems = []
    for col, (kind, test) in _POINT_KINDS.items():
        if not test(points[col]):
            problems.append(f"column {col} is {points[col].dtype}, expected {kind}")
    nulls = [c for c in POINT_COLUMNS if points[c].isna().any()]
    if nulls:
        problems.append(f"blank values in column(s) {', '.join(nulls)}")
    return problems


def _value_problems(points: pd.DataFrame, root: Path) -> list[str]:
    problems = []
    blocks = data.count_rows("dissemination_block_points", root)
    if len(points) != blocks:
        problems.append(f"{len(points):,} rows, expected one per dissemination block point ({blocks:,})")
    if not points["DBUID"].is_unique:
        problems.append("duplicate DBUID values")
    bad_ids = (points["DAUID"] != points["DBUID"].str[:8]) | (points["CDUID"] != points["DBUID"].str[:4])
    bad_ids |= points["CSDUID"].str[:4] != points["CDUID"]
    if bad_ids.any():
        problems.append(f"{int(bad_ids.sum()):,} rows whose DAUID, CDUID or CSDUID do not nest in their DBUID")
    total = int(points["population"].sum())
    if total != settings.ONTARIO_POPULATION_2021:
        problems.append(f"population adds up to {total:,}, expected {settings.ONTARIO_POPULATION_2021:,}")
    # every DA's population is placed on its own blocks exactly (see build_population_points)
    published = data.load_da_population(root).set_index("DAUID")["POP2021"].fillna(0).astype("int64")
    placed = points.groupby("DAUID")["population"].sum()
    every = published.index.union(placed.index)
    diff = placed.reindex(every, fill_value=0) - published.reindex(every, fill_value=0)
    wrong = diff[diff != 0]
    if len(wrong):
        problems.append(
            f"the population of {len(wrong):,} dissemination area(s) differs from the bundle's "
            f"(e.g. {wrong.index[0]}: {int(diff[wrong.index[0]]):+,} persons)"
        )
    return problems


def check_points(points: pd.DataFrame, data_dir: PathLike | None = None) -> list[str]:
    """Check a population-point table against the bundle it should have been built from.

    The checks are those :func:`esr_geo.population.build_population_points` guarantees:
    the columns of :data:`esr_geo.population.POINT_COLUMNS` with their types and no blanks;
    one row per dissemination block point of the bundle; identifiers that nest (DBUID, DAUID,
    CDUID, CSDUID); Ontario's 2021 total (:data:`esr_geo.settings.ONTARIO_POPULATION_2021`);
    and each dissemination area's published population, exactly. (Subdivision totals are not
    checked against the census: the build matches them only where the simplified polygons and
    the CBC solver allow.)

    Parameters
    ----------
    points : pandas.DataFrame
        The table to check, e.g. read from the cache.
    data_dir : path-like, optional
        Bundle directory; ``None`` uses the settings.

    Returns
    -------
    list of str
        Every failed check; empty when the table passes.
    """
    root = settings.data_dir(data_dir)
    problems = _schema_problems(points)
    return problems if problems else _value_problems(points, root)


def _read_cached_points(target: Path, root: Path) -> pd.DataFrame | None:
    """Return the cached points if the file exists, can be read and passes :func:`check_points`.

    A file that fails is logged, removed and ``None`` returned, so that the caller rebuilds.
    """
    if not target.is_file():
        return None
    try:
        points = pd.read_parquet(target)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        problems = [f"cannot be read as a parquet table ({exc})"]
    else:
        problems = check_points(points, root)
        if not problems:
            return points
    _LOG.warning(
        "Cached population points %s failed a check and are rebuilt from the bundle: %s.",
        target,
        "; ".join(problems),
    )
    try:
        target.unlink(missing_ok=True)
    except OSError as exc:
        _LOG.warning("Could not remove the failed cache file %s (%s); it will be overwritten.", target, exc)
    return None


def population_points(data_dir: PathLike | None = None, *, cache: PathLike | bool | None = None) -> pd.DataFrame:
    """Return the population points, from the cache when the bundle files they come from are unchanged.

    The cache file is named by :func:`points_cache_key` (a hash of the content of the input
    files) and, when read, must pass :func:`check_points`; a file that fails is logged,
    removed and rebuilt, never used.

    Parameters
    ----------
    data_dir : path-like, optional
        Bundle directory; ``None`` uses the settings.
    cache : path-like, bool or None, keyword-only
        Cache directory (``None``: :func:`esr_geo.settings.cache_dir`; ``False``: no cache).

    Returns
    -------
    pandas.DataFrame
        As :func:`esr_geo.population.build_population_points`.
    """
    root = data.require_bundle(data_dir)
    target = points_cache_path(root, cache=cache)
    if target is not None:
        cached = _read_cached_points(target, root)
        if cached is not None:
            return cached
    census = data.load_remoteness(root).set_index("CSDUID")["census_population"]
    points = build_population_points(
        data.load_da_population(root),
        data.load_block_points(root),
        data.load_census_subdivisions(root),
        census=census,
        block_population=data.load_block_population(root).set_index("DBUID")["population"],
    )
    if target is not None:
        write_cached(points, target)
    return points


def load_base(data_dir: PathLike | None = None, *, cache: PathLike | bool | None = None) -> Base:
    """Load and validate the whole base geography from the bundle and the project's data.

    Parameters
    ----------
    data_dir : path-like, optional
        Bundle directory; ``None`` uses ``ESR_GEO_DATA_DIR`` or ``../shared/data``.
    cache : path-like, bool or None, keyword-only
        Where derived tables are cached (see :func:`population_points`).

    Returns
    -------
    Base
        The loaded geography.
    """
    root = data.require_bundle(data_dir)
    definition = load_definition()
    rollout = load_rollout(definition=definition)
    cds = data.load_census_divisions(root)
    lookup = cd_lookup(definition)
    cds = cds.assign(catchment_id=cds["CDUID"].map(lookup))
    csd_raw = data.load_census_subdivisions(root)
    attrs = csd_attributes(csd_raw, data.load_remoteness(root), data.load_sac(root))
    csds = gpd.GeoDataFrame(
        attrs.assign(catchment_id=attrs["CDUID"].map(lookup)),
        geometry=csd_raw.geometry.to_crs(settings.ANALYSIS_CRS).to_numpy(),
        crs=settings.ANALYSIS_CRS,
    )
    catchments = build_catchments(cds, data.load_cd_population(root), csds, definition=definition, rollout=rollout)
    points = population_points(root, cache=cache)
    by_csd = attrs.set_index("CSDUID")
    points = points.assign(
        catchment_id=points["CDUID"].map(lookup),
        is_reserve=points["CSDUID"].map(by_csd["is_reserve"]).astype(bool),
        remoteness_class=points["CSDUID"].map(by_csd["remoteness_class"]),
    )
    return Base(
        data_dir=root,
        cds=cds,
        csds=csds,
        catchments=catchments,
        rollout=rollout,
        points=points,
        first_nations=data.load_first_nations(root),
    )
