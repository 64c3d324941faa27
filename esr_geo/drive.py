"""In-person access by road: drive minutes to the nearest site, and the area a network covers.

The straight-line measure is in :mod:`esr_geo.access`; this module gives the same columns
measured on a road network (:mod:`esr_geo.network`), plus the drive minutes, the road
kilometres and whether the place has road access at all. An analysis picks one measure
(:class:`RoadMeasure` or none) and every table, scenario and export follows it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from esr_geo import settings
from esr_geo.access import SiteIndex, compact_categories, minutes_for
from esr_geo.covering import CoverageRelation
from esr_geo.errors import MAX_LISTED, InputError, shown
from esr_geo.french import PREFIX as FRENCH_PREFIX
from esr_geo.i18n import Note
from esr_geo.model import Base
from esr_geo.network import (
    NO_ROAD_ACCESS,
    NOT_CONNECTED,
    REACHED,
    DriveOptions,
    RoadNetwork,
    along_edges,
    drive_times,
    join,
    near_network,
    nearest_by_road,
)

_LOG = logging.getLogger(__name__)

#: Road-access codes of a place (the ``road_access`` column): reached a site by road, more than
#: the access distance from any road, or on a road piece that no site can be reached from.
ROAD_ACCESS_CODES: dict[int, str] = {
    REACHED: "reached",
    NO_ROAD_ACCESS: "no_road_access",
    NOT_CONNECTED: "not_connected",
}


@dataclass(frozen=True)
class RoadMeasure:
    """Drive time on a road network, the measure of an analysis when a network is given.

    Attributes
    ----------
    network : esr_geo.network.RoadNetwork
        The routable network.
    threshold_min : float
        Drive-time threshold in minutes where no per-class threshold applies.
    threshold_min_by_class : mapping of str to float
        Per-remoteness-class thresholds in minutes (empty: one threshold everywhere).
    options : esr_geo.network.DriveOptions
        Access speed (km/h) and the largest distance to a road (km).
    bands_min : tuple of float
        Upper bounds of the service-area bands, in minutes, ascending.
    """

    network: RoadNetwork
    threshold_min: float = settings.THRESHOLD_MIN
    threshold_min_by_class: Mapping[str, float] = field(default_factory=dict)
    options: DriveOptions = field(default_factory=DriveOptions)
    bands_min: tuple[float, ...] = tuple(settings.SERVICE_AREA_BANDS_MIN)


def _pick(values: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Return ``values[pos]`` as objects, None where ``pos`` is -1 (no site)."""
    out = np.full(len(pos), None, dtype=object)
    ok = pos >= 0
    out[ok] = values[pos[ok]]
    return out


def _per_site(values: pd.Series, pos: np.ndarray) -> pd.Categorical:
    """Return ``values[pos]`` as a categorical, missing where ``pos`` is -1 (no site reached)."""
    codes, uniques = pd.factorize(values.astype(str).to_numpy(dtype=object))
    picked = np.where(pos >= 0, codes[np.clip(pos, 0, None)], -1)
    return compact_categories(pd.Categorical.from_codes(picked, categories=pd.Index(uniques, dtype=object)))


def measure_by_road(
    places: pd.DataFrame,
    sites: pd.DataFrame,
    *,
    measure: RoadMeasure,
    index: SiteIndex | None = None,
) -> pd.DataFrame:
    """Measure, for every place, the nearest in-person site by road and whether it is within reach.

    Parameters
    ----------
    places : pandas.DataFrame
        ``lon``, ``lat`` (degrees), ``catchment_id`` and, for per-class thresholds,
        ``remoteness_class``.
    sites : pandas.DataFrame
        ``site_id``, ``name``, ``lon``, ``lat``, ``catchment_id`` and ``in_person`` (bool).
    measure : RoadMeasure, keyword-only
        The network, thresholds (minutes) and access options.
    index : esr_geo.access.SiteIndex, keyword-only
        A prebuilt straight-line index of the in-person sites.

    Returns
    -------
    pandas.DataFrame
        Same index as ``places``: ``nearest_site_id``, ``nearest_site`` and
        ``nearest_site_catchment`` (the nearest site **by road**; blank when none is reached),
        ``distance_km`` (straight-line geodesic km to the nearest site in a straight line, for
        comparison), ``drive_min`` (minutes, including the legs to and from the road),
        ``road_km`` (km along the roads of that route), ``access_km`` (straight-line km from the
        place to its road), ``road_access`` (code, see :data:`ROAD_ACCESS_CODES`), ``road_piece``
        (connected piece of its road: 0 the main network, -1 no road access),
        ``threshold_min``, ``within`` (reached within the threshold) and ``other_catchment``.
    """
    in_person = sites[sites["in_person"].astype(bool)].reset_index(drop=True)
    if in_person.empty:
        raise InputError("No in-person sites: every site is marked in_person = false. Add an in-person site.")
    index = index if index is not None else SiteIndex(in_person["lon"], in_person["lat"])
    _pos, straight_km = index.nearest(places["lon"], places["lat"])
    result = nearest_by_road(
        measure.network,
        (places["lon"].to_numpy(dtype=float), places["lat"].to_numpy(dtype=float)),
        (in_person["lon"].to_numpy(dtype=float), in_person["lat"].to_numpy(dtype=float)),
        options=measure.options,
    )
    classes = places["remoteness_class"] if "remoteness_class" in places else pd.Series([""] * len(places))
    limit = minutes_for(
        classes, threshold_min=measure.threshold_min, threshold_min_by_class=measure.threshold_min_by_class
    )
    pos = np.asarray(result.site, dtype=np.int64)
    reach = np.asarray(result.reach, dtype=np.int8)
    minutes = np.asarray(result.minutes, dtype=float)
    site_cid = _pick(in_person["catchment_id"].to_numpy(dtype=object), pos)
    return pd.DataFrame(
        {
            "nearest_site_id": _per_site(in_person["site_id"], pos),
            "nearest_site": _per_site(in_person["name"], pos),
            "nearest_site_catchment": site_cid,
            "distance_km": straight_km,
            "drive_min": minutes,
            "road_km": np.asarray(result.road_km, dtype=float),
            "access_km": np.asarray(result.access_km, dtype=float),
            "road_access": reach,
            "road_piece": np.asarray(result.piece, dtype=np.int64),
            "threshold_min": limit,
            "within": (reach == REACHED) & (minutes <= limit),
            "other_catchment": (pos >= 0) & (site_cid != places["catchment_id"].to_numpy(dtype=object)),
        },
        index=places.index,
    )


def road_notes(measure: RoadMeasure, sites: pd.DataFrame, points: pd.DataFrame) -> list[Note]:
    """Return notes on how the sites and people join the network (codes and values, see :class:`Note`).

    Parameters
    ----------
    measure : RoadMeasure
        The network and options.
    sites : pandas.DataFrame
        The in-person sites (``name``, ``lon``, ``lat``).
    points : pandas.DataFrame
        Population points measured by :func:`measure_by_road` (``population``, ``road_piece``,
        ``road_access``).

    Returns
    -------
    list of esr_geo.i18n.Note
        Sites too far from every road to serve by road, and people on roads not connected to
        the main network.
    """
    opts = measure.options
    joined = near_network(
        measure.network,
        sites["lon"].to_numpy(dtype=float),
        sites["lat"].to_numpy(dtype=float),
        max_access_km=opts.max_access_km,
    )
    notes = []
    inside = sites["CSDUID"].isin(set(points["CSDUID"])).to_numpy() if "CSDUID" in sites else np.ones(len(sites), bool)
    elsewhere = int((~joined & ~inside).sum())
    if elsewhere:
        notes.append(Note("input.road_elsewhere", {"n": elsewhere, "max_km": float(opts.max_access_km)}))
    if (~joined & inside).any():
        names = sites.loc[~joined & inside, "name"].astype(str).tolist()
        more = Note("input.and_more", {"n": len(names) - MAX_LISTED}) if len(names) > MAX_LISTED else ""
        values = {"n": len(names), "max_km": float(opts.max_access_km), "names": names[:MAX_LISTED], "more": more}
        notes.append(Note("input.road_unreached", values))
    piece = points["road_piece"].to_numpy()
    weight = points["population"].to_numpy(dtype=float)
    off_main = piece > 0
    if off_main.any():
        reached = off_main & (points["road_access"].to_numpy() == REACHED)
        people = {"people": float(weight[off_main].sum()), "reached": float(weight[reached].sum())}
        notes.append(Note("input.road_pieces", people))
    return notes


def rethreshold_by_road(frame: pd.DataFrame, measure: RoadMeasure) -> pd.DataFrame:
    """Return ``frame`` (measured by :func:`measure_by_road`) with the threshold of ``measure`` applied.

    The drive minutes do not depend on the threshold, so only ``threshold_min`` and ``within``
    change, for all sites and, where measured, for the French-serving ones (``fr_`` columns).
    """
    limit = minutes_for(
        frame["remoteness_class"],
        threshold_min=measure.threshold_min,
        threshold_min_by_class=measure.threshold_min_by_class,
    )
    out = frame
    for prefix in ("", FRENCH_PREFIX):
        if f"{prefix}drive_min" not in frame.columns:
            continue
        reached = frame[f"{prefix}road_access"].to_numpy() == REACHED
        minutes = frame[f"{prefix}drive_min"].to_numpy(dtype=float)
        out = out.assign(
            **{
                f"{prefix}threshold_min": limit,
                f"{prefix}within": reached & (np.nan_to_num(minutes, nan=np.inf) <= limit),
            }
        )
    return out


def check_bands(bands: object) -> tuple[float, ...]:
    """Return service-area bands as ascending minutes, or raise InputError naming what is wrong.

    Parameters
    ----------
    bands : iterable of numbers, or text such as ``'15,30,45,60'``
        Upper bounds of the bands in minutes.
    """
    items = str(bands).split(",") if isinstance(bands, str) else list(bands)  # type: ignore[call-overload]
    try:
        values = tuple(float(v) for v in items)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"The service-area bands {shown(bands)} must be minutes separated by commas, e.g. 15,30,45,60.",
            parameter="bands_min",
        ) from exc
    top = settings.THRESHOLD_MIN_MAX
    if not values or any(not (0 < v <= top) for v in values) or list(values) != sorted(set(values)):
        raise InputError(
            f"The service-area bands {shown(bands)} must be ascending, distinct minutes, each more than 0 and at "
            f"most {top:g}, e.g. 15,30,45,60.",
            parameter="bands_min",
        )
    return values


def road_layers(road: RoadMeasure, sites: pd.DataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Return the drive-time map and export layers: service areas and roads by minutes (EPSG:3347).

    Parameters
    ----------
    road : RoadMeasure
        The network, options and bands (minutes).
    sites : pandas.DataFrame
        The sites of the analysis (``in_person``, ``site_id``, ``name``, ``lon``, ``lat``).

    Returns
    -------
    dict of geopandas.GeoDataFrame
        ``service_areas`` (``band_min`` polygons) and ``road_minutes`` (road segments with
        ``minutes``, ``road_km``, ``site_id`` and ``nearest_site``), in the analysis CRS.
    """
    from esr_geo.service_areas import road_minutes, service_areas

    in_person = sites[sites["in_person"].astype(bool)].reset_index(drop=True)
    lonlat = (in_person["lon"].to_numpy(dtype=float), in_person["lat"].to_numpy(dtype=float))
    areas = service_areas(road.network, lonlat, bands_min=road.bands_min, options=road.options)
    lines = road_minutes(road.network, lonlat, options=road.options)
    pos = lines["site"].to_numpy(dtype=np.int64)
    ids = in_person["site_id"].astype(str).to_numpy(dtype=object)
    names = in_person["name"].astype(str).to_numpy(dtype=object)
    lines = lines.drop(columns=["site"]).assign(
        site_id=_pick(ids, pos),
        nearest_site=_pick(names, pos),
    )
    return {
        "service_areas": areas.to_crs(settings.ANALYSIS_CRS),
        "road_minutes": lines.to_crs(settings.ANALYSIS_CRS),
    }


def coverage_by_road(road: RoadMeasure, demand: pd.DataFrame, candidates: pd.DataFrame) -> CoverageRelation:
    """Find, for every candidate site, the demand points it would bring within their drive-time threshold.

    The drive-time counterpart of :func:`esr_geo.covering.coverage_relation`: one search per
    candidate from its place on the network, stopped at the largest threshold, then the same
    edge arithmetic as :func:`esr_geo.network.nearest_by_road` for every demand point (access
    legs at both ends included). A candidate farther than the access distance from every road
    covers no one.

    Parameters
    ----------
    road : RoadMeasure
        The network and options.
    demand : pandas.DataFrame
        Demand points: ``lon``, ``lat`` (degrees) and ``threshold_min`` (minutes).
    candidates : pandas.DataFrame
        Candidate sites: ``lon``, ``lat``.

    Returns
    -------
    esr_geo.covering.CoverageRelation
        The sparse relation; its ``distance_km`` holds the drive **minutes** of each pair.
    """
    net, opts = road.network, road.options
    limit = demand["threshold_min"].to_numpy(dtype=float)
    n, m = len(demand), len(candidates)
    x, y = net.from_lonlat.transform(demand["lon"].to_numpy(dtype=float), demand["lat"].to_numpy(dtype=float))
    joined = join(net, np.asarray(x), np.asarray(y), max_access_km=opts.max_access_km)
    ok = np.flatnonzero(joined.ok)
    leg = joined.access_km[ok] / opts.access_speed_kmh * 60.0
    cand_lon, cand_lat = candidates["lon"].to_numpy(dtype=float), candidates["lat"].to_numpy(dtype=float)
    top = float(limit.max()) if n else 0.0
    covered: list[np.ndarray] = []
    cost: list[np.ndarray] = []
    for j in range(m):
        hit, minutes = np.zeros(0, dtype=np.int64), np.zeros(0)
        if len(ok):
            try:
                times = drive_times(net, (cand_lon[j : j + 1], cand_lat[j : j + 1]), options=opts, limit_min=top)
            except InputError:  # the candidate is off the network: it covers no one
                times = None
            if times is not None:
                along, _site, _road_m = along_edges(net, times, joined.edge[ok], joined.fraction[ok])
                along = along + leg
                keep = along <= limit[ok]
                hit, minutes = ok[keep], along[keep]  # ok is sorted: so is hit
        covered.append(hit)
        cost.append(minutes)
    indptr = np.concatenate([[0], np.cumsum([len(h) for h in covered])]).astype(np.int64)
    indices = np.concatenate(covered) if covered else np.zeros(0, dtype=np.int64)
    values = np.concatenate(cost) if cost else np.zeros(0)
    return CoverageRelation(n, m, indptr, indices.astype(np.int64), values)


# --------------------------------------------------------------------------------------
# Scope: the census subdivisions the analysis covers


@dataclass(frozen=True)
class Scope:
    """The census subdivisions a drive-time analysis covers, and those it leaves out.

    Attributes
    ----------
    csds : frozenset of str
        CSDUIDs in scope.
    requested : str or None
        The scope asked for (a catchment id, a CDUID or a CSDUID), ``None`` when the
        network's coverage decided.
    left_out : pandas.DataFrame
        ``CSDUID``, ``CSDNAME``, ``population`` (people) and ``near_share`` (0-1, the share
        of its people within the access distance of a road of the network) of each subdivision
        left out because the network does not cover it; empty for a requested scope.
    """

    csds: frozenset[str]
    requested: str | None
    left_out: pd.DataFrame = field(default_factory=lambda: _no_rows())


def scope_csds(base: Base, scope: str) -> frozenset[str]:
    """Return the census subdivisions of a catchment id, a CDUID (4 digits) or a CSDUID (7 digits).

    Raises
    ------
    InputError
        If ``scope`` is none of these, with the valid forms and catchment ids.
    """
    key = str(scope).strip()
    csds = base.csds
    if key in set(base.catchments["catchment_id"]):
        found = csds.loc[csds["catchment_id"] == key, "CSDUID"]
    elif key.isdigit() and len(key) == 4:
        found = csds.loc[csds["CDUID"] == key, "CSDUID"]
    elif key.isdigit() and len(key) == 7:
        found = csds.loc[csds["CSDUID"] == key, "CSDUID"]
    else:
        found = pd.Series([], dtype=object)
    if found.empty:
        raise InputError(
            f"The scope {shown(key)} is not a catchment id, a census division (CDUID, 4 digits) or a census "
            f"subdivision (CSDUID, 7 digits) of Ontario. Catchment ids: "
            f"{', '.join(sorted(base.catchments['catchment_id']))}.",
            parameter="scope",
        )
    return frozenset(found.astype(str))


def network_scope(base: Base, network: RoadNetwork, *, scope: str | None = None) -> Scope:
    """Decide which census subdivisions a drive-time analysis covers.

    With a ``scope`` the analysis covers exactly its subdivisions. Without one it covers the
    subdivisions the network covers: those with at least ``settings.NETWORK_SCOPE_MIN_SHARE``
    of their people within ``settings.NETWORK_SCOPE_NEAR_KM`` km of one of its roads. The
    subdivisions that meet the network's bounding box but are not covered are left out and
    named (never silently counted as without road access); the others are beyond the network.

    Parameters
    ----------
    base : esr_geo.model.Base
        The geography.
    network : esr_geo.network.RoadNetwork
        The road network.
    scope : str, keyword-only
        A catchment id, a CDUID or a CSDUID; ``None``: the network's coverage.

    Returns
    -------
    Scope

    Raises
    ------
    InputError
        If the network covers no census subdivision (with no scope given).
    """
    if scope is not None:
        return Scope(csds=scope_csds(base, scope), requested=str(scope).strip())
    pts = base.points
    lon, lat = pts["lon"].to_numpy(dtype=float), pts["lat"].to_numpy(dtype=float)
    near = near_network(network, lon, lat, max_access_km=settings.NETWORK_SCOPE_NEAR_KM)
    weight = pts["population"].to_numpy(dtype=float)
    frame = pd.DataFrame({"CSDUID": pts["CSDUID"].to_numpy(), "people": weight, "near": weight * near})
    per = frame.groupby("CSDUID").agg(people=("people", "sum"), near=("near", "sum"))
    per["any"] = per.index.isin(_csds_in_extent(base, network))
    share = (per["near"] / per["people"].where(per["people"] > 0)).fillna(0.0)
    covered = share.index[(share >= settings.NETWORK_SCOPE_MIN_SHARE) & per["any"]]
    if covered.empty:
        raise InputError(
            f"The road network {network.path.name} covers no census subdivision: none has "
            f"{100 * settings.NETWORK_SCOPE_MIN_SHARE:.0f} % of its people within "
            f"{settings.NETWORK_SCOPE_NEAR_KM:g} km "
            "of its roads. Give the area to analyse (a catchment, census division or census subdivision) explicitly.",
            parameter="scope",
        )
    names = base.csds.set_index("CSDUID")["CSDNAME"]
    out_ids = per.index[per["any"]].difference(covered)
    left = pd.DataFrame(
        {
            "CSDUID": out_ids,
            "CSDNAME": names.reindex(out_ids).to_numpy(),
            "population": per.loc[out_ids, "people"].round().astype("int64").to_numpy(),
            "near_share": share.reindex(out_ids).round(3).to_numpy(),
        }
    ).sort_values("population", ascending=False, ignore_index=True)
    if len(left):
        _LOG.info("%d census subdivision(s) near the network are left out of the drive-time analysis.", len(left))
    return Scope(csds=frozenset(covered.astype(str)), requested=None, left_out=left)


def _csds_in_extent(base: Base, network: RoadNetwork) -> np.ndarray:
    """Return the CSDUIDs of the subdivisions that meet the network's bounding box."""
    (x0, y0), (x1, y1) = network.node_xy.min(axis=0), network.node_xy.max(axis=0)
    box = gpd.GeoSeries([shapely.box(x0, y0, x1, y1)], crs=network.crs).to_crs(settings.ANALYSIS_CRS)
    csds = base.csds
    hits = csds.sindex.query(box.iloc[0], predicate="intersects")
    return csds["CSDUID"].to_numpy()[hits]


def _no_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "CSDUID": pd.Series([], dtype=object),
            "CSDNAME": pd.Series([], dtype=object),
            "population": pd.Series([], dtype="int64"),
            "near_share": pd.Series([], dtype=float),
        }
    )


# --------------------------------------------------------------------------------------
# A drive-time measure from a road file (the command line's options, the page's choices)


def road_measure(
    path: str | os.PathLike[str],
    *,
    speeds: str | os.PathLike[str] | None = None,
    threshold_min: float | None = None,
    threshold_min_by_class: Mapping[str, float] | None = None,
    access_speed_kmh: float | None = None,
    max_access_km: float | None = None,
    bands_min: object = None,
) -> RoadMeasure:
    """Load a road network file (from the cache when unchanged) and return the drive-time measure on it.

    Parameters
    ----------
    path : path-like
        The road file (see :func:`esr_geo.network.load_network`).
    speeds : path-like, keyword-only
        A speeds file (CSV ``class,kmh``, km/h) replacing the default table.
    threshold_min : float, keyword-only
        Drive-time threshold in minutes (``None``: ``settings.THRESHOLD_MIN``).
    threshold_min_by_class : mapping of str to float, keyword-only
        Per-remoteness-class thresholds in minutes (``None``: none).
    access_speed_kmh, max_access_km : float, keyword-only
        Speed of the leg to the road (km/h) and the largest distance to a road (km); ``None``:
        the defaults of :class:`esr_geo.network.DriveOptions`.
    bands_min : iterable of numbers or text, keyword-only
        Service-area bands in minutes (``None``: ``settings.SERVICE_AREA_BANDS_MIN``; see
        :func:`check_bands`).

    Returns
    -------
    RoadMeasure

    Raises
    ------
    InputError
        If the file, the speeds file or the bands are refused (the message names which and why).
    """
    from esr_geo.access import check_minutes
    from esr_geo.network import load_network

    bands = tuple(settings.SERVICE_AREA_BANDS_MIN) if bands_min is None else check_bands(bands_min)
    minutes = settings.THRESHOLD_MIN if threshold_min is None else check_minutes(threshold_min)
    network = load_network(path, speeds=speeds)
    defaults = DriveOptions()
    options = DriveOptions(
        access_speed_kmh=defaults.access_speed_kmh if access_speed_kmh is None else access_speed_kmh,
        max_access_km=defaults.max_access_km if max_access_km is None else max_access_km,
    )
    return RoadMeasure(
        network=network,
        threshold_min=minutes,
        threshold_min_by_class=dict(threshold_min_by_class or {}),
        options=options,
        bands_min=bands,
    )
