"""Placing the sites of a list: each row's location, checked, and its census subdivision.

A site is placed by its geometry (vector files), else its latitude and longitude, else its
postal code (:mod:`esr_geo.postal`); the checks here refuse swapped, unsigned, projected or
impossible coordinates and unknown postal codes, then give every located site its census
subdivision and catchment by point-in-polygon (:func:`locate_points`, also behind
:func:`locate_sites`), refusing sites too far outside Ontario. The check functions work on
the :class:`esr_geo.site_checks.SiteCheck` of a file, in the order
:func:`esr_geo.site_checks.check_rows` runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from esr_geo import settings
from esr_geo.errors import InputError, shown
from esr_geo.geodesy import GEOD
from esr_geo.i18n import Note
from esr_geo.population import smallest_container
from esr_geo.postal import lookup_postal_codes, normalise_postal_code

if TYPE_CHECKING:
    from esr_geo.model import Base
    from esr_geo.site_checks import SiteCheck

#: A generous box around Ontario (degrees), used only to recognise swapped or unsigned values.
_LAT_BOX = (settings.ONTARIO_BBOX[1], settings.ONTARIO_BBOX[3])
_LON_BOX = (settings.ONTARIO_BBOX[0], settings.ONTARIO_BBOX[2])


# --------------------------------------------------------------------------------------
# Point in polygon


def locate_sites(sites: gpd.GeoDataFrame, *, base: Base) -> gpd.GeoDataFrame:
    """Give each site its census subdivision and catchment by point-in-polygon.

    A site inside several (overlapping, simplified) census subdivisions takes the smallest
    one, e.g. a First Nation reserve rather than the unorganised area around it. A site
    outside every census subdivision but within ``settings.SNAP_TOLERANCE_KM`` km of their
    union (Ontario as the census draws it) is assigned to the nearest one; its point is not
    moved. Distances are geodesic (WGS 84) from the site to the nearest point of the
    polygon, that point being found in EPSG:3347.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Points in any CRS (must be set).
    base : esr_geo.model.Base, keyword-only
        The loaded geography (``csds`` in EPSG:3347).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``sites`` (same index and CRS) with ``catchment_id``, ``CSDUID``,
        ``CSDNAME`` (text; '' when the site is farther than the tolerance outside Ontario or
        has no geometry) and ``snapped_km`` (km): the distance from the site to the census
        subdivision it was assigned to (0 inside); the point itself is not moved. NaN when
        the site is not located.

    Raises
    ------
    InputError
        If ``sites`` has no CRS.
    """
    if sites.crs is None:
        raise InputError("The site layer has no coordinate reference system; set it (e.g. EPSG:4326) first.")
    # the stubs type GeoSeries.reset_index as pandas' (a Series); geopandas keeps the GeoSeries
    pts = cast(gpd.GeoSeries, sites.geometry.to_crs(settings.ANALYSIS_CRS).reset_index(drop=True))
    loc = locate_points(pts, base)
    tol = settings.SNAP_TOLERANCE_KM
    ok = (loc["csd_pos"].to_numpy() >= 0) & (loc["csd_km"].to_numpy() <= tol)
    csds = base.csds
    pos = np.where(ok, loc["csd_pos"].to_numpy(), 0)
    out = sites.copy()
    out["catchment_id"] = np.where(ok, text_at(csds["catchment_id"], pos), "")
    out["CSDUID"] = np.where(ok, text_at(csds["CSDUID"], pos), "")
    out["CSDNAME"] = np.where(ok, text_at(csds["CSDNAME"], pos), "")
    out["snapped_km"] = np.where(ok, loc["csd_km"].to_numpy(), np.nan)
    return out


def _geodesic_km(x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray) -> np.ndarray:
    """Return the geodesic distance (WGS 84), in km, between pairs of EPSG:3347 points."""
    to_wgs = pyproj.Transformer.from_crs(settings.ANALYSIS_CRS, settings.DISPLAY_CRS, always_xy=True)
    lon1, lat1 = to_wgs.transform(x1, y1)
    lon2, lat2 = to_wgs.transform(x2, y2)
    _, _, metres = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres, dtype=float) / 1000


def locate_points(points: gpd.GeoSeries, base: Base) -> pd.DataFrame:
    """Find each point's census subdivision (by position in ``base.csds``) and its distance.

    A point inside a CSD polygon takes it (the smallest of overlapping ones). A point outside
    every polygon takes the nearest one; its distance to it is its distance to the union of
    the census subdivisions (Ontario as the census draws it), found without building the
    union: the nearest point of the nearest polygon is found in EPSG:3347
    (:func:`shapely.shortest_line`), then the distance between the two points is measured on
    the WGS 84 ellipsoid, as EPSG:3347's scale is off by up to 3 % in Ontario.

    Parameters
    ----------
    points : geopandas.GeoSeries
        Points in EPSG:3347 with a unique index; null or empty geometries are not located.
    base : esr_geo.model.Base
        The loaded geography (``csds`` in EPSG:3347).

    Returns
    -------
    pandas.DataFrame
        Same index: ``csd_pos`` (int; -1 when not located) and ``csd_km`` (geodesic km from
        the point to that census subdivision, 0 inside; NaN when not located).
    """
    out = pd.DataFrame({"csd_pos": -1, "csd_km": np.nan}, index=points.index)
    valid = ~(points.isna() | points.is_empty).to_numpy()
    if not valid.any():
        return out
    pts = gpd.GeoDataFrame(geometry=points[valid], crs=points.crs)
    csds = gpd.GeoDataFrame(
        {"csd_pos": np.arange(len(base.csds)), "area": base.csds.geometry.area.to_numpy()},
        geometry=base.csds.geometry.to_numpy(),
        crs=base.csds.crs,
    )
    inside = gpd.sjoin(pts, csds, predicate="within", how="inner")
    inside = smallest_container(inside, inside["area"].to_numpy())
    out.loc[inside.index, "csd_pos"] = inside["csd_pos"].to_numpy()
    out.loc[inside.index, "csd_km"] = 0.0
    rest = pts.loc[~pts.index.isin(inside.index)]
    if len(rest):
        near = gpd.sjoin_nearest(rest, csds[["csd_pos", "geometry"]], how="inner", distance_col="dist_m")
        near = near[~near.index.duplicated(keep="first")]
        pos = near["csd_pos"].to_numpy(dtype="int64")
        here = np.asarray(rest.geometry.loc[near.index], dtype=object)
        nearest = shapely.get_point(shapely.shortest_line(csds.geometry.to_numpy()[pos], here), 0)
        km = _geodesic_km(shapely.get_x(here), shapely.get_y(here), shapely.get_x(nearest), shapely.get_y(nearest))
        km[near["dist_m"].to_numpy() == 0] = 0.0  # on a boundary: inside
        out.loc[near.index, "csd_pos"] = pos
        out.loc[near.index, "csd_km"] = km
    out["csd_pos"] = out["csd_pos"].astype("int64")
    return out


def text_at(series: pd.Series, pos: np.ndarray) -> np.ndarray:
    """Return the values of ``series`` at positions ``pos``, as text ('' for missing values)."""
    return series.fillna("").astype(str).to_numpy()[pos]


# --------------------------------------------------------------------------------------
# Helpers of the checks


def _parse_number(text: pd.Series) -> np.ndarray:
    """Parse decimal numbers, accepting a decimal comma (``'43,65'``); NaN where not a number."""
    cleaned = text.str.replace("\u2212", "-", regex=False)
    comma = cleaned.str.count(",").eq(1) & ~cleaned.str.contains(".", regex=False)
    cleaned = cleaned.where(~comma, cleaned.str.replace(",", ".", regex=False))
    values = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float, copy=True)
    values[~np.isfinite(values)] = np.nan
    return values


def _in_box(values: np.ndarray, box: tuple[float, float]) -> np.ndarray:
    """Return where ``values`` lie in the closed interval ``box`` (False for NaN)."""
    return (values >= box[0]) & (values <= box[1])


def catchment_names(base: Base) -> dict[str, dict[str, str]]:
    """Return the name of each catchment in English and French (``{'en': ..., 'fr': ...}``), by id."""
    cat = base.catchments
    return {
        str(cid): {"en": str(en), "fr": str(fr)}
        for cid, en, fr in zip(cat["catchment_id"], cat["name_en"], cat["name_fr"], strict=True)
    }


# --------------------------------------------------------------------------------------
# Location checks, in the order they run


def locate_by_geometry(ck: SiteCheck) -> None:
    """Take the candidate coordinates of a vector file's points; add an error for other shapes."""
    if ck.table.geometry is None:
        return
    geoms = np.asarray(ck.table.geometry.to_numpy(), dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    ck.has_geom = present
    type_id = np.where(present, shapely.get_type_id(geoms), -1)
    n_parts = np.where(present, shapely.get_num_geometries(geoms), 0)
    single_multi = (type_id == 4) & (n_parts == 1)
    point_geoms = np.where(single_multi, shapely.get_geometry(geoms, 0), geoms)
    is_point = present & ((type_id == 0) | single_multi)
    ck.probs.add(
        present & ~is_point,
        "geometry",
        "error",
        lambda i: Note("site.not_point", {"geom_type": geoms[i].geom_type}),
        Note("fix.not_point"),
    )
    ck.cand_lon[is_point] = shapely.get_x(point_geoms[is_point])
    ck.cand_lat[is_point] = shapely.get_y(point_geoms[is_point])
    ck.via[is_point] = "geometry"


def locate_by_coordinates(ck: SiteCheck) -> None:
    """Take the candidate coordinates of the latitude and longitude columns (rows without geometry)."""
    lat_t = ck.text("latitude")
    lon_t = ck.text("longitude")
    use_text = ~ck.has_geom
    lat_given = use_text & (lat_t != "").to_numpy()
    lon_given = use_text & (lon_t != "").to_numpy()
    lat_v = _parse_number(lat_t)
    lon_v = _parse_number(lon_t)
    ck.probs.add(
        lon_given & ~lat_given,
        "latitude",
        "error",
        Note("site.no_latitude"),
        Note("fix.no_latitude"),
    )
    ck.probs.add(
        lat_given & ~lon_given,
        "longitude",
        "error",
        Note("site.no_longitude"),
        Note("fix.no_longitude"),
    )
    ck.probs.add(
        lat_given & np.isnan(lat_v),
        "latitude",
        "error",
        lambda i: Note("site.latitude_nan", {"value": shown(lat_t[i])}),
        Note("fix.latitude_nan"),
    )
    ck.probs.add(
        lon_given & np.isnan(lon_v),
        "longitude",
        "error",
        lambda i: Note("site.longitude_nan", {"value": shown(lon_t[i])}),
        Note("fix.longitude_nan"),
    )
    both = lat_given & lon_given & ~np.isnan(lat_v) & ~np.isnan(lon_v)
    ck.cand_lat[both] = lat_v[both]
    ck.cand_lon[both] = lon_v[both]
    ck.via[both] = "coordinates"
    ck.coords_tried = ck.has_geom | lat_given | lon_given


def check_coordinates(ck: SiteCheck) -> None:
    """Accept the candidate coordinates, except swapped, unsigned, projected or impossible ones."""
    lon, lat = ck.cand_lon, ck.cand_lat
    cand = ~np.isnan(lat) & ~np.isnan(lon)
    with np.errstate(invalid="ignore"):
        swapped = cand & _in_box(lat, _LON_BOX) & _in_box(lon, _LAT_BOX)
        unsigned = cand & _in_box(lat, _LAT_BOX) & _in_box(-lon, _LON_BOX)
        swapped_unsigned = cand & _in_box(-lat, _LON_BOX) & _in_box(lon, _LAT_BOX)
        invalid = cand & ((np.abs(lat) > 90) | (np.abs(lon) > 180))
        metres = invalid & ((np.abs(lat) > 1000) | (np.abs(lon) > 1000))
    coord_field = np.where(ck.via == "geometry", "geometry", "latitude, longitude")

    def given(code: str) -> Callable[[int], Note]:
        return lambda i: Note(code, {"lat": float(lat[i]), "lon": float(lon[i])})

    ck.probs.add(
        swapped,
        lambda i: str(coord_field[i]),
        "error",
        given("site.swapped"),
        lambda i: Note("fix.swapped", {"lat": float(lon[i]), "lon": float(lat[i])}),
    )
    ck.probs.add(
        unsigned,
        lambda i: "geometry" if ck.via[i] == "geometry" else "longitude",
        "error",
        lambda i: Note("site.unsigned", {"lon": float(lon[i])}),
        lambda i: Note("fix.unsigned", {"lon": float(-lon[i])}),
    )
    ck.probs.add(
        swapped_unsigned,
        lambda i: str(coord_field[i]),
        "error",
        given("site.swapped_unsigned"),
        lambda i: Note("fix.swapped_unsigned", {"lat": float(lon[i]), "lon": float(-lat[i])}),
    )
    ck.probs.add(metres, lambda i: str(coord_field[i]), "error", given("site.metres"), Note("fix.metres"))
    ck.probs.add(
        invalid & ~metres,
        lambda i: str(coord_field[i]),
        "error",
        given("site.not_on_earth"),
        Note("fix.not_on_earth"),
    )
    good = cand & ~(swapped | unsigned | swapped_unsigned | invalid)
    ck.lon[good] = lon[good]
    ck.lat[good] = lat[good]
    ck.prec[good] = "coordinates"


def check_postal_code(ck: SiteCheck) -> None:
    """Normalise every postal code; add an error for sites with no location and for malformed codes."""
    normal = [normalise_postal_code(t) for t in ck.text("postal_code").tolist()]
    ck.pc_code = pc_code = np.array([c for c, _ in normal], dtype=object)
    ck.pc_kind = pc_kind = np.array([k for _, k in normal], dtype=object)
    need = ~ck.coords_tried
    no_location = Note("site.no_location_geometry" if ck.table.geometry is not None else "site.no_location")
    ck.probs.add(need & (pc_kind == ""), "location", "error", no_location, Note("fix.no_location"))
    ck.probs.add(
        need & (pc_kind == "malformed"),
        "postal_code",
        "error",
        lambda i: Note("site.postal_malformed", {"value": shown(pc_code[i])}),
        Note("fix.postal_malformed"),
    )
    ck.probs.add(
        ck.coords_tried & (pc_kind == "malformed"),
        "postal_code",
        "warning",
        lambda i: Note("site.postal_malformed_placed", {"value": shown(pc_code[i])}),
        Note("fix.postal_malformed_placed"),
    )


def locate_by_postal_code(ck: SiteCheck) -> None:
    """Place the sites without coordinates at their postal code, else at the centre of its area."""
    pc_code, pc_kind = ck.pc_code, ck.pc_kind
    need = ~ck.coords_tried
    full_rows = need & (pc_kind == "full")
    full_hits = lookup_postal_codes("PostalCodes", pc_code[full_rows])
    found_full = full_rows & np.array([c in full_hits for c in pc_code], dtype=bool)
    for i in np.flatnonzero(found_full):
        ck.lon[i], ck.lat[i], _ = full_hits[pc_code[i]]
    ck.prec[found_full] = "postal_code"
    ck.via[found_full] = "postal_code"
    fsa_rows = need & ((pc_kind == "fsa") | (full_rows & ~found_full))
    fsa = np.array([str(c)[:3] for c in pc_code], dtype=object)
    fsa_hits = lookup_postal_codes("FSACodes", fsa[fsa_rows])
    found_fsa = fsa_rows & np.array([f in fsa_hits for f in fsa], dtype=bool)
    for i in np.flatnonzero(found_fsa):
        ck.lon[i], ck.lat[i], _ = fsa_hits[fsa[i]]
    ck.prec[found_fsa] = "postal_area"
    ck.via[found_fsa] = "postal_code"

    def area_note(i: int) -> Note:
        rural = Note("site.rural_area") if fsa[i][1] == "0" else ""
        values = {"code": pc_code[i], "fsa": fsa[i], "place": fsa_hits[fsa[i]][2], "rural": rural}
        return Note("site.postal_area_only" if pc_kind[i] == "fsa" else "site.postal_not_listed", values)

    ck.probs.add(found_fsa, "postal_code", "warning", area_note, Note("fix.postal_area"))
    ck.probs.add(
        fsa_rows & ~found_fsa,
        "postal_code",
        "error",
        lambda i: Note(
            "site.postal_unknown" if pc_kind[i] == "full" else "site.postal_no_area",
            {"code": pc_code[i], "fsa": fsa[i]},
        ),
        Note("fix.postal_unknown"),
    )


def assign_census_subdivisions(ck: SiteCheck, base: Base) -> None:
    """Give each located site its census subdivision and catchment, unless it is too far outside Ontario.

    ``csd_km``: geodesic km to the union of the census subdivisions (0 inside); see
    :func:`check_in_ontario` for the distances allowed.
    """
    located = ck.located
    pts = gpd.GeoSeries(gpd.points_from_xy(ck.lon, ck.lat), crs=settings.DISPLAY_CRS)
    pts[~located] = None
    loc = locate_points(pts.to_crs(settings.ANALYSIS_CRS), base)
    ck.csd_km = csd_km = loc["csd_km"].to_numpy()
    with np.errstate(invalid="ignore"):
        in_ont = located & ~(csd_km > settings.SNAP_TOLERANCE_KM)
    pos = np.where(in_ont, loc["csd_pos"].to_numpy(), 0)
    csds = base.csds
    ck.csd_uid = np.where(in_ont, text_at(csds["CSDUID"], pos), "")
    ck.csd_name = np.where(in_ont, text_at(csds["CSDNAME"], pos), "")
    ck.catchment = np.where(in_ont, text_at(csds["catchment_id"], pos), "")
    ck.snapped_km = np.where(in_ont, np.round(csd_km, 3), 0.0)


def check_in_ontario(ck: SiteCheck, base: Base) -> None:
    """Add an error for sites too far outside Ontario and a warning for those just outside.

    Real Ontario locations lie within ``settings.BORDER_WARNING_KM`` of the census
    subdivisions (shores, borders, simplified polygons); farther out, up to
    ``settings.SNAP_TOLERANCE_KM``, a site may be in a neighbouring province or state;
    beyond, it is refused.
    """
    located, csd_km, via = ck.located, ck.csd_km, ck.via
    tol = settings.SNAP_TOLERANCE_KM
    border = settings.BORDER_WARNING_KM
    with np.errstate(invalid="ignore"):
        outside = located & (csd_km > tol)
        beyond_border = located & ~outside & (csd_km > border)
        near_edge = located & ~outside & ~beyond_border & (csd_km > 0)
    names = catchment_names(base)

    def where_from(i: int) -> Note:
        if via[i] == "postal_code":
            return Note("site.where_postal", {"code": ck.pc_code[i]})
        return Note("site.where_coordinates", {"lat": float(ck.lat[i]), "lon": float(ck.lon[i])})

    def counted_in(i: int) -> Note:
        cid = str(ck.catchment[i])
        return Note("site.counted_in", {"csd": ck.csd_name[i], "catchment": names.get(cid, {"en": cid, "fr": cid})})

    def by_postal(code: str) -> Callable[[int], Note]:
        return lambda i: Note(f"{code}_postal" if via[i] == "postal_code" else f"{code}_coordinates")

    ck.probs.add(
        outside,
        "location",
        "error",
        lambda i: Note("site.outside", {"where": where_from(i), "km": float(csd_km[i]), "tol": tol}),
        by_postal("fix.outside"),
    )
    ck.probs.add(
        beyond_border,
        "location",
        "warning",
        lambda i: Note("site.near_border", {"km": float(csd_km[i]), "counted": counted_in(i)}),
        by_postal("fix.near_border"),
    )
    ck.probs.add(
        near_edge,
        "location",
        "warning",
        lambda i: Note("site.near_edge", {"distance": float(csd_km[i]), "counted": counted_in(i)}),
        Note("fix.near_edge", {"border": border}),
    )
