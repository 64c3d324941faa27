"""Drive-time service areas around sites, and the roads coloured by minutes to the nearest site.

A service area of ``b`` minutes is the land near the roads from which the nearest site is
within ``b`` minutes' drive, as ArcGIS Network Analyst draws it: every edge is cut where the
drive time to the nearest site reaches ``b`` (exactly, from the times of its end nodes and
any site on the edge itself, one-way streets respected), and the reached parts of the roads
are buffered by :data:`esr_geo.settings.SERVICE_AREA_BUFFER_M` metres and merged. By default
the bands are **non-overlapping rings** (the 30-minute band is the land reached in more than 15
and at most 30 minutes); ``cumulative=True`` gives nested areas instead. The access leg from a
road to a home is not part of the area (the area is the roads' surroundings).

Polygons and lines are simplified with :data:`esr_geo.settings.SERVICE_AREA_SIMPLIFY_M` metres
in the network's CRS before they are returned, by default in EPSG:4326 for a web map (pass
``crs=settings.ANALYSIS_CRS`` for an export).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely import ops

from esr_geo import settings
from esr_geo.errors import InputError
from esr_geo.network import DriveOptions, NodeTimes, RoadNetwork, along_edges, drive_times


def _check_bands(bands_min: Sequence[float]) -> np.ndarray:
    bands = np.asarray(list(bands_min), dtype=float)
    bad = ~np.isfinite(bands) | (bands <= 0) | (bands > settings.THRESHOLD_MIN_MAX)
    if len(bands) == 0 or bad.any() or len(np.unique(bands)) != len(bands):
        raise InputError(
            f"Service-area bands {list(bands_min)!r}: expected distinct numbers of minutes above 0 and at most "
            f"{settings.THRESHOLD_MIN_MAX:,.0f}, e.g. 15, 30, 45, 60.",
            parameter="bands_min",
        )
    return np.sort(bands)


def reached_intervals(network: RoadNetwork, times: NodeTimes, band_min: float) -> pd.DataFrame:
    """Return the parts of the edges from which the nearest site is within ``band_min`` minutes.

    Parameters
    ----------
    network : esr_geo.network.RoadNetwork
        The network.
    times : esr_geo.network.NodeTimes
        The search from the sites (:func:`esr_geo.network.drive_times`).
    band_min : float
        The drive time, in minutes.

    Returns
    -------
    pandas.DataFrame
        ``edge``, ``start`` and ``end`` (fractions along the edge, 0 at its ``u`` end); the
        parts of one edge may overlap.
    """
    t, o = network.edge_minutes, network.edge_oneway
    d_u, d_v = times.minutes[network.edge_u], times.minutes[network.edge_v]
    edges = np.arange(network.n_edges)
    with np.errstate(invalid="ignore"):
        # a point at g drives on to v in (1 - g) t (edge not one-way against it) or back to u in g t
        to_v = (o >= 0) & (d_v <= band_min)
        to_u = (o <= 0) & (d_u <= band_min)
        parts = [
            pd.DataFrame(
                {"edge": edges[to_v], "start": np.clip(1 - (band_min - d_v[to_v]) / t[to_v], 0, 1), "end": 1.0}
            ),
            pd.DataFrame({"edge": edges[to_u], "start": 0.0, "end": np.clip((band_min - d_u[to_u]) / t[to_u], 0, 1)}),
        ]
    sites = np.flatnonzero(times.sites.ok)
    left = band_min - times.site_access_min[sites]
    sites, left = sites[left >= 0], left[left >= 0]
    e, f = times.sites.edge[sites], times.sites.fraction[sites]
    reach = left / t[e]
    ahead, behind = o[e] >= 0, o[e] <= 0  # points before the site drive forward to it, points after drive back
    parts.append(pd.DataFrame({"edge": e[ahead], "start": np.clip(f - reach, 0, 1)[ahead], "end": f[ahead]}))
    parts.append(pd.DataFrame({"edge": e[behind], "start": f[behind], "end": np.clip(f + reach, 0, 1)[behind]}))
    out = pd.concat(parts, ignore_index=True)
    return _merged(out[out["end"] > out["start"]])


def _merged(parts: pd.DataFrame) -> pd.DataFrame:
    """Merge the overlapping parts of each edge (an edge reached from both ends is one whole part)."""
    parts = parts.sort_values(["edge", "start"], kind="stable").reset_index(drop=True)
    reach = parts.groupby("edge")["end"].cummax()
    before = reach.groupby(parts["edge"]).shift()
    run = (before.isna() | (parts["start"] > before)).cumsum()
    return (
        parts.assign(end=reach, run=run)
        .groupby("run", sort=False)
        .agg(edge=("edge", "first"), start=("start", "min"), end=("end", "max"))
        .reset_index(drop=True)
    )


def _reached_lines(network: RoadNetwork, parts: pd.DataFrame) -> np.ndarray:
    """Return the reached parts as lines: whole edges as they are, partial ones cut."""
    whole = (parts["start"] <= 0) & (parts["end"] >= 1)
    lines = list(network.edge_lines[parts.loc[whole, "edge"].to_numpy()])
    for edge, start, end in parts.loc[~whole, ["edge", "start", "end"]].itertuples(index=False):
        lines.append(ops.substring(network.edge_lines[int(edge)], float(start), float(end), normalized=True))
    return np.asarray(lines, dtype=object)


def service_areas(
    network: RoadNetwork,
    sites_lonlat: tuple[np.ndarray, np.ndarray],
    *,
    bands_min: Sequence[float] = settings.SERVICE_AREA_BANDS_MIN,
    options: DriveOptions | None = None,
    cumulative: bool = False,
    crs: str = settings.DISPLAY_CRS,
) -> gpd.GeoDataFrame:
    """Return drive-time service areas around the sites, one (multi)polygon per band.

    Parameters
    ----------
    network : esr_geo.network.RoadNetwork
        The network.
    sites_lonlat : tuple of numpy.ndarray
        Site longitudes and latitudes, degrees (WGS 84).
    bands_min : sequence of float, keyword-only
        The bands' upper limits, in minutes (default 15, 30, 45, 60).
    options : esr_geo.network.DriveOptions, optional, keyword-only
        How sites join the network (their access leg counts in the time).
    cumulative : bool, keyword-only
        Nested areas (each band holds the ones below it) instead of non-overlapping rings.
    crs : str, keyword-only
        CRS of the result: EPSG:4326 for a web map (default), the analysis CRS for exports.

    Returns
    -------
    geopandas.GeoDataFrame
        ``band_min`` (the band's upper limit, minutes; bands that reach nothing are left out)
        and ``geometry``: the reached roads buffered by ``SERVICE_AREA_BUFFER_M`` metres,
        simplified by ``SERVICE_AREA_SIMPLIFY_M`` metres.

    Raises
    ------
    InputError
        If the bands are not positive distinct minutes, or the network misses every site.
    """
    bands = _check_bands(bands_min)
    times = drive_times(network, sites_lonlat, options=options, limit_min=float(bands[-1]))
    rows: list[tuple[float, shapely.Geometry]] = []
    inner: shapely.Geometry = shapely.Polygon()
    done = np.zeros(network.n_edges, dtype=bool)  # edges wholly inside a lower band
    for band in bands:
        parts = reached_intervals(network, times, float(band))
        parts = parts[~done[parts["edge"].to_numpy()]]
        if parts.empty:
            continue
        lines = shapely.simplify(_reached_lines(network, parts), settings.SERVICE_AREA_SIMPLIFY_M / 2)
        new = shapely.union_all(shapely.buffer(lines, settings.SERVICE_AREA_BUFFER_M, quad_segs=2))
        # simplified before the rings are cut, so that neighbouring rings share their edges exactly
        area = shapely.union(inner, shapely.simplify(new, settings.SERVICE_AREA_SIMPLIFY_M))
        shown = area if cumulative else shapely.difference(area, inner)
        inner = area
        whole = parts[(parts["start"] <= 0) & (parts["end"] >= 1)]["edge"].to_numpy()
        done[whole] = True
        if not shapely.is_empty(shown):
            rows.append((float(band), shown))
    frame = gpd.GeoDataFrame(
        {"band_min": [b for b, _ in rows]},
        geometry=np.array([g for _, g in rows], dtype=object),
        crs=pyproj.CRS.from_wkt(network.crs),
    )
    return frame.to_crs(crs)


def road_minutes(
    network: RoadNetwork,
    sites_lonlat: tuple[np.ndarray, np.ndarray],
    *,
    options: DriveOptions | None = None,
    crs: str = settings.DISPLAY_CRS,
) -> gpd.GeoDataFrame:
    """Return the road edges with the drive minutes from their middle to the nearest site.

    Parameters
    ----------
    network : esr_geo.network.RoadNetwork
        The network.
    sites_lonlat : tuple of numpy.ndarray
        Site longitudes and latitudes, degrees (WGS 84).
    options : esr_geo.network.DriveOptions, optional, keyword-only
        How sites join the network.
    crs : str, keyword-only
        CRS of the result (EPSG:4326 by default).

    Returns
    -------
    geopandas.GeoDataFrame
        One line per edge: ``minutes`` (from the edge's midpoint, the site's access leg
        included; NaN when no site can be reached), ``road_km`` (km of road on that route),
        ``site`` (position of the nearest site in the sites given, -1: none), ``road_class``,
        ``kmh``; lines simplified by ``SERVICE_AREA_SIMPLIFY_M`` metres.
    """
    times = drive_times(network, sites_lonlat, options=options)
    edges = np.arange(network.n_edges)
    minutes, site, road_m = along_edges(network, times, edges, np.full(network.n_edges, 0.5))
    found = np.isfinite(minutes)
    frame = gpd.GeoDataFrame(
        {
            "minutes": np.where(found, minutes, np.nan),
            "road_km": np.where(found, road_m / 1000.0, np.nan),
            "site": np.where(found, site, -1).astype(np.int64),
            "road_class": network.edge_class,
            "kmh": network.edge_kmh,
        },
        geometry=shapely.simplify(network.edge_lines, settings.SERVICE_AREA_SIMPLIFY_M),
        crs=pyproj.CRS.from_wkt(network.crs),
    )
    return frame.to_crs(crs)


__all__ = ["reached_intervals", "road_minutes", "service_areas"]
