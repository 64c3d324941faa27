"""Where people live: 2021 population by dissemination area, placed on block points."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyproj

from esr_geo import settings
from esr_geo.errors import DataError

#: Columns of the population-point table.
POINT_COLUMNS = ["DBUID", "DAUID", "CDUID", "CSDUID", "x", "y", "lon", "lat", "population", "snapped"]


def assign_das_to_csds(blocks: pd.DataFrame, csds: gpd.GeoDataFrame) -> pd.Series:
    """Assign every dissemination area to one census subdivision from its block points.

    Dissemination areas nest within census subdivisions, but the bundle's CSD polygons are
    simplified, so a few block points fall in a neighbour or outside every polygon. Each
    block point is matched to the CSD polygon of its own census division that contains it
    (or, failing that, the nearest one), and each DA takes the CSD most of its blocks fall in.

    Parameters
    ----------
    blocks : pandas.DataFrame
        ``DBUID``, ``X``, ``Y`` in EPSG:3347 metres.
    csds : geopandas.GeoDataFrame
        Census subdivisions with ``CSDUID`` and ``CDUID`` (any CRS; reprojected here).

    Returns
    -------
    pandas.Series
        CSDUID indexed by DAUID.
    """
    polys = csds[["CSDUID", "CDUID", "geometry"]].to_crs(settings.ANALYSIS_CRS).reset_index(drop=True)
    pts = gpd.GeoDataFrame(
        {"DBUID": blocks["DBUID"].to_numpy(), "CDUID": blocks["DBUID"].str[:4].to_numpy()},
        geometry=gpd.points_from_xy(blocks["X"], blocks["Y"]),
        crs=settings.ANALYSIS_CRS,
    )
    hits = gpd.sjoin(pts, polys, how="inner", predicate="within", lsuffix="pt", rsuffix="poly")
    hits = hits[hits["CDUID_pt"] == hits["CDUID_poly"]]
    # overlapping simplified polygons: the smallest (e.g. a reserve in an unorganised area) wins,
    # the same rule as for sites and communities
    hits = hits.assign(_area=polys.geometry.area.to_numpy()[hits["index_poly"].to_numpy()])
    hits = hits.sort_values("_area", kind="stable")
    hits = hits[~hits.index.duplicated(keep="first")]
    matched = pd.Series(hits["CSDUID"].to_numpy(), index=hits.index)
    rest = pts.loc[~pts.index.isin(matched.index)]
    if len(rest):
        near = []
        for cd, group in rest.groupby("CDUID"):
            cands = polys[polys["CDUID"] == cd]
            if cands.empty:
                raise DataError(f"Block points of census division {cd} have no census subdivision polygons.")
            joined = gpd.sjoin_nearest(group, cands[["CSDUID", "geometry"]], how="left")
            joined = joined[~joined.index.duplicated(keep="first")]
            near.append(pd.Series(joined["CSDUID"].to_numpy(), index=joined.index))
        matched = pd.concat([matched, *near])
    per_block = pd.DataFrame({"DAUID": pts["DBUID"].str[:8], "CSDUID": matched.reindex(pts.index)})
    counts = per_block.groupby(["DAUID", "CSDUID"]).size().rename("n").reset_index()
    counts = counts.sort_values(["DAUID", "n", "CSDUID"], ascending=[True, False, True])
    return counts.drop_duplicates("DAUID").set_index("DAUID")["CSDUID"]


def build_population_points(
    da_population: pd.DataFrame,
    blocks: pd.DataFrame,
    csds: gpd.GeoDataFrame,
) -> pd.DataFrame:
    """Place each dissemination area's population evenly on its block representative points.

    Assumption (documented in the report): with no population per block in the bundle, a
    DA's 2021 population is split evenly over its blocks. This spreads rural DAs along their
    roads and settlements instead of piling everyone on one centroid. DAs with a blank count
    (no published population) contribute no one.

    Parameters
    ----------
    da_population : pandas.DataFrame
        ``DAUID`` and ``POP2021`` (persons, nullable).
    blocks : pandas.DataFrame
        ``DBUID``, ``X``, ``Y`` (EPSG:3347 metres).
    csds : geopandas.GeoDataFrame
        Census subdivision polygons with ``CSDUID`` and ``CDUID``.

    Returns
    -------
    pandas.DataFrame
        One row per block point: ``DBUID``, ``DAUID``, ``CDUID``, ``CSDUID``, ``x``, ``y``
        (EPSG:3347 metres), ``lon``, ``lat`` (degrees WGS 84), ``population`` (whole persons:
        the even share, with the remainder given one person each to the DA's first blocks in
        DBUID order) and ``snapped`` (True where the point lies outside its CSD polygon). The
        population adds up to each DA's total exactly.

    Raises
    ------
    DataError
        If a DA with people has no block point, or the total is not Ontario's.
    """
    pts = blocks[["DBUID", "X", "Y"]].rename(columns={"X": "x", "Y": "y"}).copy()
    pts["DAUID"] = pts["DBUID"].str[:8]
    pts["CDUID"] = pts["DBUID"].str[:4]
    pop = da_population.set_index("DAUID")["POP2021"].astype("Float64").fillna(0.0).astype(float)
    n_blocks = pts.groupby("DAUID").size()
    orphans = pop[(pop > 0) & ~pop.index.isin(n_blocks.index)]
    if len(orphans):
        raise DataError(
            f"{len(orphans)} dissemination area(s) with people have no block point "
            f"(e.g. {orphans.index[0]}, {int(orphans.iloc[0])} people); the bundle is inconsistent."
        )
    unknown = sorted(set(n_blocks.index) - set(pop.index))
    if unknown:
        raise DataError(f"Block points reference {len(unknown)} DAUID(s) not in the DA table, e.g. {unknown[0]}.")
    # whole persons: each block gets the floor of the even share, and the remainder goes one
    # person each to the DA's first blocks in DBUID order, so every sum is an exact integer
    pts = pts.sort_values("DBUID", kind="stable").reset_index(drop=True)
    da_pop = pts["DAUID"].map(pop).astype("int64").to_numpy()
    n = pts["DAUID"].map(n_blocks).astype("int64").to_numpy()
    rank = pts.groupby("DAUID").cumcount().to_numpy()
    pts["population"] = da_pop // n + (rank < da_pop % n)
    da_csd = assign_das_to_csds(blocks, csds)
    pts["CSDUID"] = pts["DAUID"].map(da_csd)
    polys = csds[["CSDUID", "geometry"]].to_crs(settings.ANALYSIS_CRS).set_index("CSDUID").geometry
    own = gpd.GeoSeries(polys.reindex(pts["CSDUID"]).to_numpy(), crs=settings.ANALYSIS_CRS)
    inside = own.contains(gpd.GeoSeries(gpd.points_from_xy(pts["x"], pts["y"]), crs=settings.ANALYSIS_CRS))
    pts["snapped"] = ~inside.to_numpy()
    to_wgs = pyproj.Transformer.from_crs(settings.ANALYSIS_CRS, settings.DISPLAY_CRS, always_xy=True)
    pts["lon"], pts["lat"] = to_wgs.transform(pts["x"].to_numpy(), pts["y"].to_numpy())
    total = int(pts["population"].sum())
    if total != settings.ONTARIO_POPULATION_2021:
        raise DataError(f"Population points add up to {total:,}, not {settings.ONTARIO_POPULATION_2021:,}.")
    return pts[POINT_COLUMNS].reset_index(drop=True)
