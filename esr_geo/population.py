"""Where people live: 2021 population by dissemination area, placed on block points."""

from __future__ import annotations

import logging
from typing import TypeVar, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from esr_geo import data, settings
from esr_geo.errors import DataError

log = logging.getLogger(__name__)

#: Columns of the population-point table.
POINT_COLUMNS = ["DBUID", "DAUID", "CDUID", "CSDUID", "x", "y", "lon", "lat", "population", "snapped", "block_count"]

_FrameT = TypeVar("_FrameT", bound=pd.DataFrame)


def smallest_container(hits: _FrameT, area: np.ndarray) -> _FrameT:
    """Keep, for each point, the smallest of the polygons it falls in.

    The simplified census polygons overlap a little; a point inside two takes the smaller
    one (e.g. a First Nation reserve rather than the unorganised area around it). The one
    home of this rule, for population points, sites and communities.

    Parameters
    ----------
    hits : pandas.DataFrame
        A spatial join of points (its index) with polygons, one row per (point, polygon).
    area : numpy.ndarray
        The area of each row's polygon (any unit; only the order matters).

    Returns
    -------
    pandas.DataFrame
        One row per point of ``hits`` (of its type: a GeoDataFrame stays one); ties keep the
        first row of the join.
    """
    ordered = hits.assign(_area=np.asarray(area)).sort_values("_area", kind="stable")
    return ordered[~ordered.index.duplicated(keep="first")].drop(columns="_area")


def block_xy(blocks: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return the block points' coordinates in ``settings.ANALYSIS_CRS`` (metres).

    The bundle's ``X``/``Y`` columns are in ``data.SOURCE_CRS['block_points']``; they are
    reprojected only when the analysis CRS is another one.
    """
    x = blocks["X"].to_numpy(dtype=float)
    y = blocks["Y"].to_numpy(dtype=float)
    source = data.SOURCE_CRS["block_points"]
    if pyproj.CRS(source) == pyproj.CRS(settings.ANALYSIS_CRS):
        return x, y
    to_analysis = pyproj.Transformer.from_crs(source, settings.ANALYSIS_CRS, always_xy=True)
    return to_analysis.transform(x, y)

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
        geometry=gpd.points_from_xy(*block_xy(blocks)),
        crs=settings.ANALYSIS_CRS,
    )
    hits = gpd.sjoin(pts, polys, how="inner", predicate="within", lsuffix="pt", rsuffix="poly")
    hits = hits[hits["CDUID_pt"] == hits["CDUID_poly"]]
    hits = smallest_container(hits, polys.geometry.area.to_numpy()[hits["index_poly"].to_numpy()])
    matched = pd.Series(hits["CSDUID"].to_numpy(), index=hits.index)
    rest = pts.loc[~pts.index.isin(matched.index)]
    if len(rest):
        near = []
        for cd, frame in rest.groupby("CDUID"):
            # the stubs type a GeoDataFrame's groups as DataFrames; geopandas gives GeoDataFrames
            group = cast(gpd.GeoDataFrame, frame)
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


#: Census subdivisions within this distance (metres) of a DA's block points are candidates
#: when the DA's subdivision is reconciled against the published populations.
CANDIDATE_RADIUS_M = 1000.0


def candidate_csds(
    blocks: pd.DataFrame, csds: gpd.GeoDataFrame, *, radius_m: float = CANDIDATE_RADIUS_M
) -> pd.DataFrame:
    """Return, for each dissemination area, the census subdivisions it could belong to.

    Parameters
    ----------
    blocks : pandas.DataFrame
        ``DBUID``, ``X``, ``Y`` in EPSG:3347 metres.
    csds : geopandas.GeoDataFrame
        Census subdivisions with ``CSDUID`` and ``CDUID``.
    radius_m : float, keyword-only
        How far (metres) from any of the DA's block points a subdivision polygon may be.

    Returns
    -------
    pandas.DataFrame
        Unique ``DAUID``, ``CSDUID`` pairs, both in the same census division.
    """
    polys = csds[["CSDUID", "CDUID", "geometry"]].to_crs(settings.ANALYSIS_CRS).reset_index(drop=True)
    pts = gpd.GeoDataFrame(
        {"DAUID": blocks["DBUID"].str[:8].to_numpy(), "CDUID": blocks["DBUID"].str[:4].to_numpy()},
        geometry=gpd.points_from_xy(*block_xy(blocks)),
        crs=settings.ANALYSIS_CRS,
    )
    near = gpd.sjoin(pts, polys, predicate="dwithin", distance=radius_m, lsuffix="pt", rsuffix="poly")
    near = near[near["CDUID_pt"] == near["CDUID_poly"]]
    return near[["DAUID", "CSDUID"]].drop_duplicates().reset_index(drop=True)


def reconcile_das(
    da_population: pd.Series,
    initial: pd.Series,
    candidates: pd.DataFrame,
    census: pd.Series,
    *,
    time_limit_s: float = 20.0,
) -> pd.Series:
    """Re-assign dissemination areas so that subdivision populations match the census.

    DAs nest within census subdivisions, so with the true assignment every subdivision's DA
    total equals its published population. Starting from the geometric assignment, a small
    integer programme per census division moves DAs among their candidate subdivisions to
    minimise the total absolute difference from the published populations (persons), and,
    among equally good answers, the number of people moved away from the geometric choice.

    Parameters
    ----------
    da_population : pandas.Series
        Persons per DAUID (blank counts as 0).
    initial : pandas.Series
        Geometric CSDUID per DAUID.
    candidates : pandas.DataFrame
        ``DAUID``, ``CSDUID`` pairs allowed (see :func:`candidate_csds`).
    census : pandas.Series
        Published population per CSDUID (persons; NaN where not published, treated as 0:
        such subdivisions' DAs have no published count either).
    time_limit_s : float, keyword-only
        CBC time limit per census division, in seconds.

    Returns
    -------
    pandas.Series
        CSDUID per DAUID (same index as ``initial``). Unchanged where no solver is available.
    """
    import pulp

    from esr_geo._solver import cbc_solver

    target = census.astype("Float64").fillna(0).astype(float)
    assign = initial.copy()
    pop = da_population.reindex(assign.index).fillna(0).astype(float)
    cands = candidates[candidates["DAUID"].isin(assign.index)]
    cands = pd.concat([cands, pd.DataFrame({"DAUID": assign.index, "CSDUID": assign.to_numpy()})]).drop_duplicates()
    cands = cands[cands["DAUID"].map(pop) > 0]
    choices = cands.groupby("DAUID")["CSDUID"].agg(list)
    movable = choices[choices.map(len) > 1]
    totals = pop.groupby(assign).sum()
    cd_of = pd.Series(assign.index.str[:4], index=assign.index)
    for cd in sorted(set(cd_of[movable.index])):
        csd_ids = sorted(set(target.index[target.index.str[:4] == cd]) | set(assign[cd_of == cd]))
        diff = {c: float(totals.get(c, 0.0)) - float(target.get(c, 0.0)) for c in csd_ids}
        if all(abs(v) < 0.5 for v in diff.values()):
            continue
        das = [d for d in movable.index if d[:4] == cd]
        solver = cbc_solver(time_limit_s)
        if solver is None:
            log.warning(
                "No CBC solver: dissemination areas keep their geometric census subdivision, not reconciled to "
                "the published CSD populations"
            )
            return assign
        prob = pulp.LpProblem(f"da_to_csd_{cd}", pulp.LpMinimize)
        x = {(d, c): prob.add_variable(f"x_{d}_{c}", 0, 1, cat=pulp.LpBinary) for d in das for c in movable[d]}
        over = {c: prob.add_variable(f"over_{c}", 0) for c in csd_ids}
        under = {c: prob.add_variable(f"under_{c}", 0) for c in csd_ids}
        fixed = pop[(cd_of == cd) & ~pop.index.isin(das)].groupby(assign).sum()
        moved = pulp.lpSum(pop[d] * var for (d, c), var in x.items() if c != assign[d])
        prob += pulp.lpSum(over.values()) + pulp.lpSum(under.values()) + 1e-4 * moved
        for d in das:
            prob += pulp.lpSum(x[(d, c)] for c in movable[d]) == 1
        for c in csd_ids:
            inflow = pulp.lpSum(pop[d] * var for (d, cc), var in x.items() if cc == c)
            prob += inflow + float(fixed.get(c, 0.0)) - float(target.get(c, 0.0)) == over[c] - under[c]
        prob.solve(solver)
        if pulp.LpStatus[prob.status] != "Optimal" and prob.sol_status != pulp.LpSolutionIntegerFeasible:
            continue
        for (d, c), var in x.items():
            if var.value() is not None and var.value() > 0.5:
                assign[d] = c
    return assign


def even_split(block_dauid: pd.Series, da_population: pd.Series) -> np.ndarray:
    """Split each dissemination area's population evenly over its blocks, in whole persons.

    Each block gets the floor of the even share and the remainder goes one person each to the
    DA's first blocks in the order given (DBUID order in the population points), so every DA
    sums exactly to its population.

    Parameters
    ----------
    block_dauid : pandas.Series
        The DAUID of each block, blocks in DBUID order.
    da_population : pandas.Series
        Persons per DAUID (every DAUID of ``block_dauid``).

    Returns
    -------
    numpy.ndarray of int64
        Persons per block, aligned with ``block_dauid``.
    """
    da_pop = block_dauid.map(da_population).astype("int64").to_numpy()
    n = block_dauid.map(block_dauid.value_counts()).astype("int64").to_numpy()
    rank = block_dauid.groupby(block_dauid).cumcount().to_numpy()
    return np.asarray(da_pop // n + (rank < da_pop % n), dtype=np.int64)


def _use_block_counts(pts: pd.DataFrame, da_pop: pd.Series, counts: pd.Series) -> pd.DataFrame:
    """Replace the even split by real block counts in every DA that has them all and adds up."""
    real = pts["DBUID"].map(counts)
    per_da = pd.DataFrame({"DAUID": pts["DAUID"], "real": real}).groupby("DAUID")["real"]
    complete = per_da.count() == per_da.size()
    sums = per_da.sum()
    touched = per_da.count() > 0
    agrees = sums.eq(da_pop.reindex(sums.index).fillna(0.0))
    usable = complete & agrees
    rejected = touched & ~usable
    if rejected.any():
        log.warning(
            "%d dissemination area(s) have block counts that are incomplete or do not add up to the DA's "
            "population (e.g. %s); their population is split evenly over their blocks instead.",
            int(rejected.sum()),
            rejected[rejected].index[0],
        )
    unknown = int((~counts.index.isin(pts["DBUID"])).sum())
    if unknown:
        log.warning("%d block count(s) name a DBUID that has no block point; they are not used.", unknown)
    use = pts["DAUID"].map(usable).fillna(False).to_numpy(dtype=bool)
    out = pts.copy()
    out.loc[use, "population"] = real[use].astype("int64").to_numpy()
    out["block_count"] = use
    return out


def build_population_points(
    da_population: pd.DataFrame,
    blocks: pd.DataFrame,
    csds: gpd.GeoDataFrame,
    *,
    census: pd.Series | None = None,
    block_population: pd.Series | None = None,
) -> pd.DataFrame:
    """Place each dissemination area's population on its block representative points.

    Where the bundle has the real 2021 population of every block of a dissemination area
    (the City of Ottawa), those counts are used. Elsewhere (documented in the report) a DA's
    2021 population is split evenly over its blocks: this spreads rural DAs along their roads
    and settlements instead of piling everyone on one centroid. DAs with a blank count (no
    published population) contribute no one.

    Parameters
    ----------
    da_population : pandas.DataFrame
        ``DAUID`` and ``POP2021`` (persons, nullable).
    blocks : pandas.DataFrame
        ``DBUID``, ``X``, ``Y`` (EPSG:3347 metres).
    csds : geopandas.GeoDataFrame
        Census subdivision polygons with ``CSDUID`` and ``CDUID``.
    census : pandas.Series, keyword-only
        Published population per CSDUID (persons). When given, each DA's subdivision is
        reconciled against it (see :func:`reconcile_das`), so that reserve and municipal
        populations match the census wherever the simplified polygons allow.
    block_population : pandas.Series, keyword-only
        Real 2021 population (persons) by DBUID for some blocks. A DA takes them when it has a
        count for every one of its blocks and they add up to its published population; a DA
        whose counts do not is split evenly, and logged.

    Returns
    -------
    pandas.DataFrame
        One row per block point: ``DBUID``, ``DAUID``, ``CDUID``, ``CSDUID``, ``x``, ``y``
        (EPSG:3347 metres), ``lon``, ``lat`` (degrees WGS 84), ``population`` (whole persons:
        the even share, with the remainder given one person each to the DA's first blocks in
        DBUID order), ``snapped`` (True where the point lies outside its CSD polygon) and
        ``block_count`` (True where ``population`` is the block's own census count). The
        population adds up to each DA's total exactly.

    Raises
    ------
    DataError
        If a DA with people has no block point, or the total is not Ontario's.
    """
    pts = blocks[["DBUID"]].copy()
    pts["x"], pts["y"] = block_xy(blocks)
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
    pts = pts.sort_values("DBUID", kind="stable").reset_index(drop=True)
    pts["population"] = even_split(pts["DAUID"], pop)
    pts["block_count"] = False
    if block_population is not None:
        pts = _use_block_counts(pts, pop, block_population)
    da_csd = assign_das_to_csds(blocks, csds)
    if census is not None:
        da_csd = reconcile_das(pop, da_csd, candidate_csds(blocks, csds), census)
    pts["CSDUID"] = pts["DAUID"].map(da_csd)
    polys = csds[["CSDUID", "geometry"]].to_crs(settings.ANALYSIS_CRS).set_index("CSDUID").geometry
    own = gpd.GeoSeries(np.asarray(polys.reindex(pts["CSDUID"]), dtype=object), crs=settings.ANALYSIS_CRS)
    inside = own.contains(gpd.GeoSeries(gpd.points_from_xy(pts["x"], pts["y"]), crs=settings.ANALYSIS_CRS))
    pts["snapped"] = ~inside.to_numpy()
    to_wgs = pyproj.Transformer.from_crs(settings.ANALYSIS_CRS, settings.DISPLAY_CRS, always_xy=True)
    pts["lon"], pts["lat"] = to_wgs.transform(pts["x"].to_numpy(), pts["y"].to_numpy())
    total = int(pts["population"].sum())
    if total != settings.ONTARIO_POPULATION_2021:
        raise DataError(f"Population points add up to {total:,}, not {settings.ONTARIO_POPULATION_2021:,}.")
    return pts[POINT_COLUMNS].reset_index(drop=True)
