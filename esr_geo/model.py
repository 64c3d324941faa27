"""The base geography of an analysis, loaded once: census, catchments, people, communities."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from esr_geo import data, settings
from esr_geo._io import read_cached, write_cached
from esr_geo.catchments import build_catchments, cd_lookup, load_definition
from esr_geo.population import build_population_points
from esr_geo.remoteness import csd_attributes
from esr_geo.rollout import load_rollout

PathLike = str | os.PathLike[str]

#: Bump when the derivation of cached tables changes, so stale caches are rebuilt.
CACHE_VERSION = "6"


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


def _fingerprint(root: Path) -> str:
    parts = [CACHE_VERSION]
    for rel in sorted(data.BUNDLE_FILES.values()):
        st = (root / rel).stat()
        parts.append(f"{rel}:{st.st_size}:{int(st.st_mtime)}")
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def population_points(data_dir: PathLike | None = None, *, cache: PathLike | bool | None = None) -> pd.DataFrame:
    """Return the population points, from the cache when the bundle has not changed.

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
    target: Path | None = None
    if cache is not False:
        folder = settings.cache_dir(None if cache is True or cache is None else cache)
        target = folder / f"population_points_{_fingerprint(root)}.parquet"
        cached = read_cached(target)
        if cached is not None:
            return cached
    census = data.load_remoteness(root).set_index("CSDUID")["census_population"]
    points = build_population_points(
        data.load_da_population(root),
        data.load_block_points(root),
        data.load_census_subdivisions(root),
        census=census,
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
    rollout = load_rollout()
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
