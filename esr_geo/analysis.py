"""One in-person access analysis: sites, zones and people measured together into tables."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from esr_geo import french, settings
from esr_geo.access import SiteIndex, check_threshold, measure_access, thresholds_for
from esr_geo.communities import load_communities
from esr_geo.errors import InputError
from esr_geo.i18n import Note, t
from esr_geo.model import Base
from esr_geo.rollout import parse_date, status_codes, statuses_on
from esr_geo.zones import assign_points, assign_sites, default_zones, evaluate_zones

if TYPE_CHECKING:  # the road-network modules are imported only when a network is given
    from esr_geo.drive import RoadMeasure, Scope
    from esr_geo.offices import SiteLoad

#: How an analysis measures access: the ``measure`` code of :attr:`Analysis.measure`.
MEASURE_KM = "km"
MEASURE_MIN = "min"

DEFAULT_ZONES_LABEL = t("input.default_zones_label", "en")


@dataclass
class Analysis:
    """The inputs and every result of one access analysis.

    Attributes
    ----------
    base : esr_geo.model.Base
        The geography.
    sites : geopandas.GeoDataFrame
        The sites used (EPSG:4326) with ``catchment_id``, ``CSDUID`` and ``zone``.
    sites_source : str
        Where the sites came from (a file name or the demonstration-layer label).
    sites_added, sites_closed : int
        How many sites a scenario added to, or closed from, the list ``sites_source`` names
        (worded where shown: :func:`esr_geo.i18n.sites_label`).
    zones : geopandas.GeoDataFrame
        The service delivery zones (EPSG:3347).
    zones_source : str
        Where the zones came from.
    points : pandas.DataFrame
        Population points with ``zone`` and the access columns of
        :func:`esr_geo.access.measure_access`.
    communities : pandas.DataFrame
        Named communities with ``zone`` and the access columns.
    threshold_km : float
        The distance threshold (km) where no per-class threshold applies.
    threshold_km_by_class : dict
        Per-remoteness-class thresholds (km), empty when one threshold applies everywhere.
    min_sites, min_share : int, float
        The zone pass criteria.
    on : datetime.date
        Date of the rollout statuses.
    tables : dict of pandas.DataFrame
        ``coverage_by_catchment``, ``coverage_by_zone``, ``access_by_csd``,
        ``underserved_communities`` and ``reserves_exempt``.
    notes : list of esr_geo.i18n.Note
        Notes on the input (dropped rows, snapped points, ...) as codes and values, worded where
        they are shown (:func:`esr_geo.i18n.note_text`; ``str(note)`` is the English).
    road : esr_geo.drive.RoadMeasure or None
        The road network and drive-time thresholds (minutes) when access is measured by road;
        ``None``: straight-line geodesic km.
    scope : esr_geo.drive.Scope or None
        The census subdivisions analysed when the analysis is limited to an area (always with
        a road network); ``None``: all of Ontario.
    """

    base: Base
    sites: gpd.GeoDataFrame
    sites_source: str
    zones: gpd.GeoDataFrame
    zones_source: str
    points: pd.DataFrame
    communities: pd.DataFrame
    threshold_km: float
    threshold_km_by_class: dict[str, float]
    min_sites: int
    min_share: float
    on: dt.date
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    road: RoadMeasure | None = None
    scope: Scope | None = None
    sites_added: int = 0
    sites_closed: int = 0

    @property
    def measure(self) -> str:
        """Return the measure code: :data:`MEASURE_MIN` (drive minutes) or :data:`MEASURE_KM` (straight line)."""
        return MEASURE_MIN if self.road is not None else MEASURE_KM

    @property
    def threshold(self) -> float:
        """Return the threshold in the measure's unit: drive minutes by road, else straight-line km."""
        return float(self.road.threshold_min) if self.road is not None else float(self.threshold_km)

    def summary(self, catchment_ids: Sequence[str] | None = None) -> dict[str, float]:
        """Return the headline figures of the province or of some catchments.

        Parameters
        ----------
        catchment_ids : sequence of str, optional
            The catchments of a selection; ``None`` is the whole province.

        Returns
        -------
        dict
            ``population``, ``reserve_population`` and ``non_reserve_population`` (people),
            ``pop_within_threshold`` and ``pop_beyond_threshold`` (non-reserve people),
            ``pct_within_threshold`` (percent), ``in_person_sites``, ``zones`` and
            ``zones_failing`` (counts), summed from the coverage tables.
        """
        cats = self.tables["coverage_by_catchment"]
        zones = self.tables["coverage_by_zone"]
        if catchment_ids is not None:
            ids = set(catchment_ids)
            cats = cats[cats["catchment_id"].isin(ids)]
            zones = zones[zones["catchment_id"].isin(ids)]
        within = float(cats["pop_within_threshold"].sum())
        nonres = float(cats["non_reserve_population"].sum())
        return {
            "population": float(cats["population"].sum()),
            "reserve_population": float(cats["reserve_population_exempt"].sum()),
            "non_reserve_population": nonres,
            "pop_within_threshold": within,
            "pop_beyond_threshold": nonres - within,
            "pct_within_threshold": 100 * within / max(nonres, 1.0),
            "in_person_sites": int(cats["in_person_sites"].sum()),
            "zones": len(zones),
            "zones_failing": int((~zones["passes"].astype(bool)).sum()),
            **(
                {"pop_no_road_access": float(cats["pop_no_road_access"].sum())}
                if "pop_no_road_access" in cats
                else {}
            ),
        }


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    mask = weights > 0
    if not mask.any():
        return float("nan")
    v, w = values[mask], weights[mask]
    order = np.argsort(v, kind="stable")
    cum = np.cumsum(w[order])
    return float(v[order][np.searchsorted(cum, cum[-1] / 2.0)])


@dataclass(frozen=True)
class AnalysisOptions:
    """What an analysis measures against: the access criteria and the date of the statuses.

    Every field ``None`` takes the default in :mod:`esr_geo.settings`.

    Attributes
    ----------
    threshold_km : float, optional
        Distance threshold in km (``settings.THRESHOLD_KM``).
    threshold_km_by_class : mapping of str to float, optional
        Per-remoteness-class thresholds in km (``settings.THRESHOLD_KM_BY_CLASS``).
    min_sites : int, optional
        In-person sites a zone needs inside it (``settings.ZONE_MIN_SITES``).
    min_share : float, optional
        Share (0-1) of a zone's non-reserve residents that must be within the threshold
        (``settings.ZONE_MIN_SHARE``).
    on : date or 'YYYY-MM-DD', optional
        Date of the rollout statuses (today).
    road : esr_geo.drive.RoadMeasure, optional
        Measure access as drive minutes on this road network (``None``: straight-line km).
    scope : str, optional
        Limit the analysis to a catchment id, a CDUID or a CSDUID (``None``: all of Ontario, or
        with a road network the census subdivisions it covers).
    """

    threshold_km: float | None = None
    threshold_km_by_class: Mapping[str, float] | None = None
    min_sites: int | None = None
    min_share: float | None = None
    on: dt.date | str | None = None
    road: RoadMeasure | None = None
    scope: str | None = None


def run_analysis(
    base: Base,
    sites: gpd.GeoDataFrame,
    *,
    sites_source: str,
    zones: gpd.GeoDataFrame | None = None,
    zones_source: str | None = None,
    options: AnalysisOptions | None = None,
    communities: pd.DataFrame | None = None,
    notes: list[Note] | None = None,
) -> Analysis:
    """Measure in-person access for every person, community, CSD, zone and catchment.

    Parameters
    ----------
    base : esr_geo.model.Base
        The geography (see :func:`esr_geo.model.load_base`).
    sites : geopandas.GeoDataFrame
        Located sites (see :mod:`esr_geo.offices`): ``site_id``, ``name``, ``in_person``,
        ``catchment_id``, ``CSDUID``, ``lon``, ``lat`` and point geometry.
    sites_source : str, keyword-only
        Label of the site list for the report.
    zones : geopandas.GeoDataFrame, keyword-only
        Service delivery zones; ``None`` uses :func:`esr_geo.zones.default_zones`.
    zones_source : str, keyword-only
        Label of the zones for the report.
    options : AnalysisOptions, keyword-only
        Thresholds (km), zone pass criteria and the date of the statuses (``None``: the
        defaults of :mod:`esr_geo.settings`, today).
    communities : pandas.DataFrame, keyword-only
        Named communities (``None``: :func:`esr_geo.communities.load_communities`).
    notes : list of esr_geo.i18n.Note, keyword-only
        Notes about the input to carry into the report.

    Returns
    -------
    Analysis
        With every table filled. The inputs are not modified.
    """
    opts = options or AnalysisOptions()
    km = check_threshold(settings.THRESHOLD_KM if opts.threshold_km is None else opts.threshold_km)
    by_class = (
        dict(settings.THRESHOLD_KM_BY_CLASS or {})
        if opts.threshold_km_by_class is None
        else dict(opts.threshold_km_by_class)
    )
    on_date = parse_date(opts.on)
    if zones is None:
        zones, zones_source = default_zones(base), zones_source or DEFAULT_ZONES_LABEL
    if sites.crs is None:
        raise InputError("The site layer has no CRS; sites must be located in EPSG:4326.")
    site_frame = sites.copy()
    site_frame["zone"] = assign_sites(site_frame, zones, csds=base.csds)
    in_person = site_frame[site_frame["in_person"].astype(bool)].reset_index(drop=True)
    if in_person.empty:
        raise InputError("No in-person sites in the site list; every site has in_person = false.")
    index = SiteIndex(in_person["lon"], in_person["lat"])
    area = _scope_of(base, opts)
    measure = make_measure(threshold_km=km, threshold_km_by_class=by_class, road=opts.road, index=index)
    points = base.points if area is None else base.points[base.points["CSDUID"].isin(area.csds)]
    points = points.copy()
    points["zone"] = assign_points(points, zones)
    points = pd.concat([points, measure(points, in_person)], axis=1)
    if communities is None:
        communities, _outside = load_communities(base)
    comm = communities if area is None else communities[communities["CSDUID"].isin(area.csds)]
    comm = comm.copy()
    comm["zone"] = _zone_of_lonlat(comm, zones, base)
    comm = pd.concat([comm, measure(comm, in_person)], axis=1)
    if opts.road is not None:
        from esr_geo.drive import road_notes

        notes = [*(notes or []), *road_notes(opts.road, in_person, points)]
    fr = french.measure_french(points, comm, in_person, measure=measure)  # the same measure, French-serving sites
    points, comm = pd.concat([points, fr.points], axis=1), pd.concat([comm, fr.communities], axis=1)
    result = Analysis(
        base=base,
        sites=site_frame,
        sites_source=sites_source,
        zones=zones,
        zones_source=zones_source or "zones file",
        points=points,
        communities=comm,
        threshold_km=km,
        threshold_km_by_class=by_class,
        min_sites=settings.ZONE_MIN_SITES if opts.min_sites is None else int(opts.min_sites),
        min_share=settings.ZONE_MIN_SHARE if opts.min_share is None else float(opts.min_share),
        on=on_date,
        notes=list(notes or []),
        road=opts.road,
        scope=area,
    )
    result.tables = build_tables(result)
    return result


Measure = Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]


def make_measure(
    *,
    threshold_km: float,
    threshold_km_by_class: Mapping[str, float],
    road: RoadMeasure | None,
    index: SiteIndex | None = None,
) -> Measure:
    """Return the one function that measures access: by road, or in a straight line.

    ``measure(places, in_person_sites)`` returns the access columns for ``places``
    (:func:`esr_geo.access.measure_access`, or :func:`esr_geo.drive.measure_by_road` with
    its drive-time columns); every measure of an analysis and of its scenarios (all sites, a
    subset, the sites left after a closure) goes through it.

    Parameters
    ----------
    threshold_km : float, keyword-only
        Straight-line threshold in km.
    threshold_km_by_class : mapping, keyword-only
        Per-remoteness-class thresholds in km.
    road : esr_geo.drive.RoadMeasure or None, keyword-only
        Measure by road with this network and these thresholds (minutes).
    index : esr_geo.access.SiteIndex, keyword-only
        A prebuilt index of the in-person sites, used when the sites measured are those.
    """

    def same(sites: pd.DataFrame) -> SiteIndex | None:
        return index if index is not None and len(sites[sites["in_person"].astype(bool)]) == len(index) else None

    if road is not None:
        from esr_geo.drive import measure_by_road

        def by_road(places: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
            return measure_by_road(places, sites, measure=road, index=same(sites))

        return by_road

    def straight(places: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
        return measure_access(
            places, sites, threshold_km=threshold_km, threshold_km_by_class=threshold_km_by_class, index=same(sites)
        )

    return straight


def measure_of(analysis: Analysis) -> Measure:
    """Return the measure of an analysis (see :func:`make_measure`), for its scenarios."""
    return make_measure(
        threshold_km=analysis.threshold_km,
        threshold_km_by_class=analysis.threshold_km_by_class,
        road=analysis.road,
    )


def _scope_of(base: Base, opts: AnalysisOptions) -> Scope | None:
    """Return the area the analysis covers (``None``: all of Ontario)."""
    if opts.road is None and opts.scope is None:
        return None
    from esr_geo.drive import Scope, network_scope, scope_csds

    if opts.road is None:
        return Scope(csds=scope_csds(base, str(opts.scope)), requested=str(opts.scope).strip())
    return network_scope(base, opts.road.network, scope=opts.scope)


def rethreshold(
    analysis: Analysis,
    *,
    threshold_km: float | None = None,
    threshold_km_by_class: Mapping[str, float] | None = None,
    threshold_min: float | None = None,
    threshold_min_by_class: Mapping[str, float] | None = None,
) -> Analysis:
    """Return the analysis at another threshold, reusing every nearest-site distance or drive time.

    The nearest in-person site of each person and community does not depend on the threshold,
    so only the within-reach flags and the tables are recomputed (a fraction of a full run).

    Parameters
    ----------
    analysis : Analysis
        A finished analysis (not modified).
    threshold_km : float, keyword-only
        The new threshold in km (``None``: ``settings.THRESHOLD_KM``).
    threshold_km_by_class : mapping, keyword-only
        Per-remoteness-class thresholds in km (``None``: settings).
    threshold_min : float, keyword-only
        For an analysis by road, the new drive-time threshold in minutes (``None``: keep the
        analysis's own).
    threshold_min_by_class : mapping, keyword-only
        For an analysis by road, per-remoteness-class thresholds in minutes (``None``: keep).

    Returns
    -------
    Analysis
        Equal to :func:`run_analysis` with the same inputs and the new threshold.
    """
    if analysis.road is not None:
        return _rethreshold_by_road(analysis, threshold_min, threshold_min_by_class)
    km = check_threshold(settings.THRESHOLD_KM if threshold_km is None else threshold_km)
    by_class = (
        dict(settings.THRESHOLD_KM_BY_CLASS or {}) if threshold_km_by_class is None else dict(threshold_km_by_class)
    )
    frames = []
    for frame in (analysis.points, analysis.communities):
        limit = thresholds_for(frame["remoteness_class"], threshold_km=km, threshold_km_by_class=by_class)
        frames.append(
            frame.assign(threshold_km=limit, within=frame["distance_km"].to_numpy() <= limit).pipe(
                french.with_threshold, limit
            )
        )
    result = dataclasses.replace(
        analysis,
        points=frames[0],
        communities=frames[1],
        threshold_km=km,
        threshold_km_by_class=by_class,
        tables={},
        notes=list(analysis.notes),
    )
    result.tables = build_tables(result)
    return result


def _rethreshold_by_road(
    analysis: Analysis, threshold_min: float | None, by_class: Mapping[str, float] | None
) -> Analysis:
    from esr_geo.drive import rethreshold_by_road

    assert analysis.road is not None
    road = dataclasses.replace(
        analysis.road,
        threshold_min=analysis.road.threshold_min if threshold_min is None else threshold_min,
        threshold_min_by_class=dict(analysis.road.threshold_min_by_class if by_class is None else by_class),
    )
    result = dataclasses.replace(
        analysis,
        points=rethreshold_by_road(analysis.points, road),
        communities=rethreshold_by_road(analysis.communities, road),
        road=road,
        tables={},
        notes=list(analysis.notes),
    )
    result.tables = build_tables(result)
    return result


def _zone_of_lonlat(frame: pd.DataFrame, zones: gpd.GeoDataFrame, base: Base) -> pd.Series:
    proj = gpd.GeoSeries(gpd.points_from_xy(frame["lon"], frame["lat"]), crs=settings.DISPLAY_CRS).to_crs(
        settings.ANALYSIS_CRS
    )
    cduid = frame["CSDUID"].map(base.csds.set_index("CSDUID")["CDUID"])
    tmp = pd.DataFrame(
        {
            "CDUID": cduid.to_numpy(),
            "CSDUID": frame["CSDUID"].to_numpy(),
            "x": proj.x.to_numpy(),
            "y": proj.y.to_numpy(),
        },
        index=frame.index,
    )
    return assign_points(tmp, zones)


def build_tables(analysis: Analysis) -> dict[str, pd.DataFrame]:
    """Build the coverage-gap tables of an analysis.

    Returns
    -------
    dict of pandas.DataFrame
        ``coverage_by_catchment``, ``coverage_by_zone``, ``access_by_csd``,
        ``underserved_communities`` and ``reserves_exempt`` (see the report's method notes), and
        the French Language Services tables ``french_designated_areas`` and ``french_communities``
        (:func:`esr_geo.french.french_tables`, designations in force on the analysis date).
    """
    by_csd = _by_csd(analysis)
    return {
        "coverage_by_catchment": _by_catchment(analysis),
        "coverage_by_zone": _by_zone(analysis),
        "access_by_csd": by_csd,
        "underserved_communities": _underserved(analysis),
        "reserves_exempt": _reserves(by_csd),
        **french.french_tables(analysis),
    }


def road_stats(points: pd.DataFrame, key: str, *, non_reserve_only: bool = True) -> pd.DataFrame:
    """Summarise drive-time access by a key column (catchment, CSD, zone).

    Parameters
    ----------
    points : pandas.DataFrame
        Population points measured by road (``drive_min``, ``road_km``, ``road_access``,
        ``population``, ``is_reserve`` and ``key``).
    key : str
        The column to group by.
    non_reserve_only : bool, keyword-only
        Count only non-reserve residents (reserves are exempt from the model).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``key``: ``median_drive_min`` and ``max_drive_min`` (minutes, over the
        people who reach a site by road), ``median_road_km`` (km), ``pop_no_road_access`` and
        ``pop_not_connected`` (people).
    """
    from esr_geo.network import NO_ROAD_ACCESS, NOT_CONNECTED, REACHED

    pts = points[~points["is_reserve"].astype(bool)] if non_reserve_only else points
    rows = {}
    for value, grp in pts.groupby(key, observed=True, sort=True):
        reach = grp["road_access"].to_numpy()
        w = grp["population"].to_numpy(dtype=float)
        ok = reach == REACHED
        minutes = grp["drive_min"].to_numpy(dtype=float)
        rows[value] = {
            "median_drive_min": round(_weighted_median(minutes[ok], w[ok]), 1),
            "max_drive_min": round(float(minutes[ok & (w > 0)].max()), 1) if (ok & (w > 0)).any() else float("nan"),
            "median_road_km": round(_weighted_median(grp["road_km"].to_numpy(dtype=float)[ok], w[ok]), 1),
            "pop_no_road_access": int(w[reach == NO_ROAD_ACCESS].sum()),
            "pop_not_connected": int(w[reach == NOT_CONNECTED].sum()),
        }
    columns = ["median_drive_min", "max_drive_min", "median_road_km", "pop_no_road_access", "pop_not_connected"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def _with_road(
    table: pd.DataFrame, a: Analysis, key: str, column: str, *, non_reserve_only: bool = True
) -> pd.DataFrame:
    """Add the drive-time columns of :func:`road_stats` to a table keyed by ``column``."""
    if a.road is None:
        return table
    stats = road_stats(a.points, key, non_reserve_only=non_reserve_only)
    extra = stats.reindex(table[column].to_numpy())
    for col in ("pop_no_road_access", "pop_not_connected"):
        extra[col] = extra[col].fillna(0).astype("int64")
    return pd.concat([table.reset_index(drop=True), extra.reset_index(drop=True)], axis=1)


def _by_catchment(a: Analysis) -> pd.DataFrame:
    pts = a.points
    cat = a.base.catchments
    if a.scope is not None:
        cat = cat[cat["catchment_id"].isin(pts["catchment_id"].unique())]
    status = statuses_on(a.base.rollout, on=a.on, lang="en").set_index("catchment_id")  # ssm text and code
    in_person = a.sites[a.sites["in_person"].astype(bool)]
    if a.scope is not None:  # an area analysed: the sites inside it
        in_person = in_person[in_person["CSDUID"].isin(a.scope.csds)]
    sites = in_person.groupby("catchment_id").size()
    cid = pts["catchment_id"].to_numpy()
    weight = pts["population"].to_numpy(dtype=float)
    nonres = ~pts["is_reserve"].to_numpy(dtype=bool)
    within = pts["within"].to_numpy(dtype=bool)
    other = pts["other_catchment"].to_numpy(dtype=bool)
    dist = pts["distance_km"].to_numpy(dtype=float)
    order = np.argsort(cid, kind="stable")
    bounds = np.searchsorted(cid[order], cat["catchment_id"].to_numpy(), side="left")
    ends = np.searchsorted(cid[order], cat["catchment_id"].to_numpy(), side="right")
    rows = []
    for rec, lo, hi in zip(cat.itertuples(), bounds, ends, strict=True):
        idx = order[lo:hi]
        mine_nonres = idx[nonres[idx]]
        w = weight[mine_nonres]
        d = dist[mine_nonres]
        pop = int(weight[idx].sum())
        nonres_pop = int(w.sum())
        reach = int(w[within[mine_nonres]].sum())
        n_sites = int(sites.get(rec.catchment_id, 0))
        rows.append(
            {
                "catchment_id": rec.catchment_id,
                "catchment": rec.name_en,
                "phase": rec.phase,
                "ssm": status.at[rec.catchment_id, "ssm"],
                "status": str(status.at[rec.catchment_id, "status"]),
                "population": pop,
                "reserve_population_exempt": pop - nonres_pop,
                "non_reserve_population": nonres_pop,
                "in_person_sites": n_sites,
                "sites_per_100k": round(100_000 * n_sites / pop, 2) if pop else 0.0,
                "pop_within_threshold": reach,
                "pct_within_threshold": round(100 * reach / nonres_pop, 2) if nonres_pop else 100.0,
                "pop_beyond_threshold": nonres_pop - reach,
                "median_distance_km": round(_weighted_median(d, w), 2),
                "max_distance_km": round(float(d[w > 0].max()) if (w > 0).any() else float("nan"), 2),
                "people_nearest_site_in_other_catchment": int(w[other[mine_nonres]].sum()),
            }
        )
    return _with_road(pd.DataFrame(rows), a, "catchment_id", "catchment_id")


def _by_zone(a: Analysis) -> pd.DataFrame:
    table = evaluate_zones(a.zones, a.points, a.sites, min_sites=a.min_sites, min_share=a.min_share)
    names = a.base.catchments.set_index("catchment_id")["name_en"]
    table.insert(1, "catchment", table["catchment_id"].map(names).fillna(""))
    for col in ("population", "reserve_population", "non_reserve_population", "pop_within_threshold"):
        table[col] = table[col].round().astype("int64")
    table["pct_within_threshold"] = table["pct_within_threshold"].round(2)
    if a.scope is not None:  # zones with no one in the area analysed are not judged
        table = table[table["population"] > 0].reset_index(drop=True)
    return _with_road(table, a, "zone", "zone")


def _by_csd(a: Analysis) -> pd.DataFrame:
    pts = a.points
    csds = a.base.csds
    grp = pts.groupby("CSDUID")
    pop = grp["population"].sum()
    within = pts[pts["within"]].groupby("CSDUID")["population"].sum()
    wdist = (pts["distance_km"] * pts["population"]).groupby(pts["CSDUID"]).sum()
    zone_pop = pts.dropna(subset=["zone"]).groupby(["CSDUID", "zone"])["population"].sum().reset_index()
    zone_top = zone_pop.sort_values(["CSDUID", "population"], ascending=[True, False]).drop_duplicates("CSDUID")
    zone = zone_top.set_index("CSDUID")["zone"]
    by_site = pts.groupby(["CSDUID", "nearest_site"], observed=True)["population"].sum().reset_index()
    by_site["nearest_site"] = by_site["nearest_site"].astype(str)  # ties go to the first name alphabetically
    by_site = by_site.sort_values(["CSDUID", "population", "nearest_site"], ascending=[True, False, True])
    main_site = by_site.drop_duplicates("CSDUID").set_index("CSDUID")["nearest_site"]
    names = a.base.catchments.set_index("catchment_id")["name_en"]
    out = pd.DataFrame(
        {
            "CSDUID": csds["CSDUID"].to_numpy(),
            "CSDNAME": csds["CSDNAME"].to_numpy(),
            "CSDTYPE": csds["CSDTYPE"].to_numpy(),
            "catchment": csds["catchment_id"].map(names).to_numpy(),
            "zone": csds["CSDUID"].map(zone).astype(object).fillna("").to_numpy(),  # none in the area: text
            "population": csds["CSDUID"].map(pop).fillna(0).astype("int64").to_numpy(),
            "census_population": csds["census_population"].array,
            "is_reserve": csds["is_reserve"].to_numpy(),
            "remoteness_index": csds["remoteness_index"].round(4).to_numpy(),
            "remoteness_class": csds["remoteness_class"].to_numpy(),
            "sac_type": csds["sac_label"].to_numpy(),
        }
    )
    out["pop_within_threshold"] = out["CSDUID"].map(within).fillna(0).astype("int64")
    denom = out["population"].where(out["population"] > 0)
    out["pct_within_threshold"] = (100 * out["pop_within_threshold"] / denom).round(2)
    out["mean_distance_km"] = (out["CSDUID"].map(wdist) / denom).round(2)
    out["nearest_site"] = out["CSDUID"].map(main_site).fillna("")
    if a.scope is not None:
        out = out[out["CSDUID"].isin(a.scope.csds)].reset_index(drop=True)
    return _with_road(out, a, "CSDUID", "CSDUID", non_reserve_only=False)


def _underserved(a: Analysis) -> pd.DataFrame:
    comm = a.communities[~a.communities["within"]]
    names = a.base.catchments.set_index("catchment_id")["name_en"]
    out = pd.DataFrame(
        {
            "community": comm["community"],
            "kind": comm["kind"],
            "population": comm["population"].round().astype("Int64"),
            "CSDNAME": comm["CSDNAME"],
            "catchment": comm["catchment_id"].map(names),
            "zone": comm["zone"].fillna(""),
            "remoteness_class": comm["remoteness_class"],
            "nearest_site": comm["nearest_site"],
            "distance_km": comm["distance_km"].round(1),
            **_road_or_km(comm),
            "is_reserve_exempt": reserve_exempt(comm),
            "lon": comm["lon"].round(5),
            "lat": comm["lat"].round(5),
        }
    )
    far = "drive_min" if "drive_min" in out else "distance_km"
    return out.sort_values(["is_reserve_exempt", far], ascending=[True, False], na_position="first").reset_index(
        drop=True
    )


def _road_or_km(comm: pd.DataFrame) -> dict[str, pd.Series]:
    """Return the threshold column of the underserved table, with the drive-time columns when measured by road."""
    if "drive_min" not in comm:
        return {"threshold_km": comm["threshold_km"]}
    return {
        "drive_min": comm["drive_min"].round(1),
        "road_km": comm["road_km"].round(1),
        "road_access": comm["road_access"],
        "threshold_min": comm["threshold_min"],
    }


def reserve_exempt(communities: pd.DataFrame) -> np.ndarray:
    """Return which communities are exempt from the SSM model: on a reserve, or a First Nation band office.

    The one home of this rule (on-reserve employment services are outside the model, so these
    places are shown but never counted as an SSM's gap).

    Parameters
    ----------
    communities : pandas.DataFrame
        Communities with ``is_reserve`` (bool) and ``kind`` (code: 'place', 'first_nation').

    Returns
    -------
    numpy.ndarray of bool
    """
    return (communities["is_reserve"].astype(bool) | (communities["kind"] == "first_nation")).to_numpy()


def _reserves(by_csd: pd.DataFrame) -> pd.DataFrame:
    res = by_csd[by_csd["is_reserve"]].drop(columns=["is_reserve"])
    return res.sort_values(["catchment", "CSDNAME"]).reset_index(drop=True)


def analyse(
    base: Base,
    *,
    offices: str | os.PathLike[str] | None = None,
    offices_name: str | None = None,
    zones: str | os.PathLike[str] | None = None,
    zones_name: str | None = None,
    skip_invalid: bool = False,
    options: AnalysisOptions | None = None,
    communities: pd.DataFrame | None = None,
) -> Analysis:
    """Read a site file and a zones file (or use the defaults) and run the analysis.

    Parameters
    ----------
    base : esr_geo.model.Base
        The geography.
    offices : path-like, keyword-only
        A site file in any format :mod:`esr_geo.offices` reads; ``None`` uses the labelled
        Service Canada demonstration layer.
    offices_name, zones_name : str, keyword-only
        Display names of the files (e.g. an upload's original name).
    zones : path-like, keyword-only
        A zones file (see :func:`esr_geo.zones.read_zones`); ``None`` uses the default zones.
    skip_invalid : bool, keyword-only
        Go ahead without invalid site rows (they are listed in the report's notes) instead of
        refusing the file.
    options, communities : keyword-only
        As :func:`run_analysis`.

    Returns
    -------
    Analysis
        The finished analysis; ``notes`` records dropped rows and warnings.
    """
    from esr_geo.offices import read_sites

    load = read_sites(offices, base=base, skip_invalid=skip_invalid, name=offices_name)
    return analyse_loaded(
        base, load, zones=zones, zones_name=zones_name, options=options, communities=communities
    )


def analyse_loaded(
    base: Base,
    load: SiteLoad,
    *,
    zones: str | os.PathLike[str] | None = None,
    zones_name: str | None = None,
    options: AnalysisOptions | None = None,
    communities: pd.DataFrame | None = None,
) -> Analysis:
    """Run the analysis of a site list already read and checked, and a zones file (or the default zones).

    :func:`analyse` after its :func:`esr_geo.offices.read_sites`; the page uses it so that a site
    file it has just checked is not read and checked again.

    Parameters
    ----------
    base : esr_geo.model.Base
        The geography.
    load : esr_geo.offices.SiteLoad
        The site list as :func:`esr_geo.offices.read_sites` returns it (not changed).
    zones, zones_name, options, communities : keyword-only
        As :func:`analyse`.

    Returns
    -------
    Analysis
        The finished analysis; ``notes`` records dropped rows and warnings.
    """
    from esr_geo.zones import read_zones

    zone_frame = read_zones(zones, base=base, name=zones_name) if zones is not None else None
    zone_label = (zones_name or Path(zones).name) if zones is not None else None
    return run_analysis(
        base,
        load.sites,
        sites_source=load.source,
        zones=zone_frame,
        zones_source=zone_label,
        options=options,
        communities=communities,
        notes=input_notes(load),
    )


def input_notes(load: SiteLoad) -> list[Note]:
    """Return the notes on a site list read: the demonstration layer, the rows left out, the warnings.

    Parameters
    ----------
    load : esr_geo.offices.SiteLoad
        The site list as read and checked.

    Returns
    -------
    list of esr_geo.i18n.Note
        Worded where they are shown (:func:`esr_geo.i18n.note_text`); in English, the notes the
        command line and the report have always printed.
    """
    source: Note | str = Note("input.demo_label") if load.is_demo else load.source
    notes = [Note("input.demo", {"source": source})] if load.is_demo else []
    problems = load.problems
    errors = problems[problems["severity"] == "error"] if len(problems) else problems
    if len(load.dropped):
        by_row = errors.groupby("row", sort=False)["problem_note"].agg(list)
        rows = [Note("input.dropped_row", {"row": int(r), "problems": by_row.get(r, [])}) for r in load.dropped["row"]]
        notes.append(Note("input.dropped", {"n": len(load.dropped), "source": source, "rows": rows}))
    warnings = problems[problems["severity"] == "warning"] if len(problems) else problems
    if len(warnings):
        rows = [
            Note("input.warning_row", {"row": int(row), "site": site, "problem": note})
            for row, site, note in zip(warnings["row"], warnings["site"], warnings["problem_note"], strict=True)
        ]
        notes.append(Note("input.warnings", {"n": len(warnings), "source": source, "rows": rows}))
    return notes


def gis_layers(analysis: Analysis) -> dict[str, gpd.GeoDataFrame]:
    """Return the analysis as map layers, each a GeoDataFrame in EPSG:3347.

    Returns
    -------
    dict of geopandas.GeoDataFrame
        ``catchments`` (rollout attributes and coverage figures), ``sites`` (the sites used,
        with catchment, zone and location precision), ``service_delivery_zones`` (with
        ``passes`` and ``reason``), ``csd_access`` (census subdivisions with access figures),
        ``underserved_communities`` (points) and ``french_designated_areas`` (the French Language
        Services designated areas on the analysis date, as polygons). Every geometry is non-null.
    """
    crs = settings.ANALYSIS_CRS
    base = analysis.base
    codes = status_codes(base.rollout, on=analysis.on)
    cov = analysis.tables["coverage_by_catchment"].drop(columns=["catchment", "phase", "ssm", "status", "population"])
    cat = base.catchments.drop(columns=["status"]).merge(cov, on="catchment_id", how="left")
    cat["status"] = cat["catchment_id"].map(codes)
    cat_layer = gpd.GeoDataFrame(cat, geometry="geometry", crs=crs)

    sites = analysis.sites.to_crs(crs)

    zcov = analysis.tables["coverage_by_zone"].drop(columns=["catchment_id"])
    # an area analysed: its zones (those with people in it) and its subdivisions only
    join: Literal["left", "inner"] = "left" if analysis.scope is None else "inner"
    zones = analysis.zones.drop(columns=["basis"]).merge(zcov, on="zone", how=join)
    zone_layer = gpd.GeoDataFrame(zones, geometry="geometry", crs=crs)

    csd = base.csds[["CSDUID", "geometry"]].merge(analysis.tables["access_by_csd"], on="CSDUID", how=join)
    csd_layer = gpd.GeoDataFrame(csd, geometry="geometry", crs=crs)

    gaps = analysis.tables["underserved_communities"]
    gap_layer = gpd.GeoDataFrame(
        gaps.drop(columns=["lon", "lat"]),
        geometry=gpd.points_from_xy(gaps["lon"], gaps["lat"]),
        crs=settings.DISPLAY_CRS,
    ).to_crs(crs)
    layers = {
        "catchments": cat_layer,
        "sites": sites,
        "service_delivery_zones": zone_layer,
        "csd_access": csd_layer,
        "underserved_communities": gap_layer,
        "french_designated_areas": french.area_layer(analysis),
    }
    if analysis.road is not None:
        from esr_geo.drive import road_layers

        layers.update(road_layers(analysis.road, analysis.sites))
    return layers
