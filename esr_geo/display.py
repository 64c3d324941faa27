"""What the map displays: boundaries simplified for display and each feature's properties.

Boundaries are simplified with ``shapely.coverage_simplify`` in the analysis CRS, so neighbouring
catchments keep sharing their edges (no gaps, no overlaps), then sent in WGS 84 with coordinates
rounded to about 10 m. Results are cached on the identity of the (large, read-only) inputs. The
features' properties are HTML-escaped text in the planner's language, ready for tooltips and popups.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from esr_geo import i18n, settings
from esr_geo.i18n import t
from esr_geo.view import english_to

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis
    from esr_geo.model import Base

_COORD_DIGITS = 4  # about 10 m: far below the display simplification
#: What the display cache holds: a simplified layer, or a layer's GeoJSON geometries.
_Cached: TypeAlias = gpd.GeoDataFrame | list[dict[str, Any]]

# --------------------------------------------------------------------------------------
# Display geometry


class _IdentityCache:
    """Remember a few results keyed on the identity of a (large, read-only) input object."""

    def __init__(self, size: int = 4) -> None:
        self.size = size
        self.items: list[tuple[object, tuple[object, ...], _Cached]] = []

    def get(self, obj: object, key: tuple[object, ...]) -> _Cached | None:
        for o, k, value in self.items:
            if o is obj and k == key:
                return value
        return None

    def put(self, obj: object, key: tuple[object, ...], value: _Cached) -> None:
        self.items = [(obj, key, value), *self.items][: self.size]


_DISPLAY_CACHE = _IdentityCache()


def simplify_coverage(geoms: gpd.GeoSeries, tolerance_m: float) -> gpd.GeoSeries:
    """Simplify polygons that tile an area without opening gaps or overlaps between them.

    Parameters
    ----------
    geoms : geopandas.GeoSeries
        Polygons in a projected CRS (metres), e.g. catchments in EPSG:3347.
    tolerance_m : float
        Simplification tolerance in metres.

    Returns
    -------
    geopandas.GeoSeries
        Same index and CRS. A valid coverage is simplified as one (shared edges stay
        shared, via ``shapely.coverage_simplify``); polygons that overlap each other (a
        planner's own zones may) are simplified one by one, preserving topology.
    """
    if geoms.crs is None or not geoms.crs.is_projected:
        raise ValueError("simplify_coverage needs polygons in a projected CRS (metres).")
    values = shapely.make_valid(geoms.to_numpy())
    if len(values) and bool(shapely.coverage_is_valid(values)):
        out = shapely.coverage_simplify(values, tolerance_m)
    else:
        out = shapely.simplify(values, tolerance_m, preserve_topology=True)
    return gpd.GeoSeries(out, index=geoms.index, crs=geoms.crs)


def _round_coords(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy, _COORD_DIGITS))


def display_catchments(base: Base, tolerance_m: float | None = None) -> gpd.GeoDataFrame:
    """Return the 15 catchments simplified for display, in EPSG:4326 (cached per ``base``).

    Columns: ``catchment_id``, ``name_en``, ``name_fr``, ``phase``, ``land_area_km2``,
    ``label_lon``, ``label_lat`` (a point inside the full-resolution catchment) and geometry.
    """
    tol = settings.MAP_SIMPLIFY_M if tolerance_m is None else float(tolerance_m)
    hit = _DISPLAY_CACHE.get(base.catchments, ("catchments", tol))
    if isinstance(hit, gpd.GeoDataFrame):
        return hit
    cat = base.catchments.to_crs(settings.ANALYSIS_CRS)
    simple = simplify_coverage(cat.geometry, tol).to_crs(settings.DISPLAY_CRS)
    inside = gpd.GeoSeries(cat.geometry.representative_point(), crs=cat.crs).to_crs(settings.DISPLAY_CRS)
    out = gpd.GeoDataFrame(
        {
            "catchment_id": cat["catchment_id"].to_numpy(),
            "name_en": cat["name_en"].to_numpy(),
            "name_fr": cat["name_fr"].to_numpy(),
            "phase": cat["phase"].to_numpy(),
            "land_area_km2": cat["land_area_km2"].to_numpy(dtype=float),
            "label_lon": inside.x.round(5).to_numpy(),
            "label_lat": inside.y.round(5).to_numpy(),
        },
        geometry=_round_coords(simple.to_numpy()),
        crs=settings.DISPLAY_CRS,
    )
    _DISPLAY_CACHE.put(base.catchments, ("catchments", tol), out)
    return out


def display_zones(zones: gpd.GeoDataFrame, tolerance_m: float | None = None) -> gpd.GeoDataFrame:
    """Return service delivery zones simplified for display, in EPSG:4326 (cached per ``zones``)."""
    tol = settings.MAP_SIMPLIFY_M if tolerance_m is None else float(tolerance_m)
    hit = _DISPLAY_CACHE.get(zones, ("zones", tol))
    if isinstance(hit, gpd.GeoDataFrame):
        return hit
    proj = zones.to_crs(settings.ANALYSIS_CRS)
    simple = simplify_coverage(proj.geometry, tol).to_crs(settings.DISPLAY_CRS)
    out = gpd.GeoDataFrame(
        {"zone": proj["zone"].astype(str).to_numpy(), "catchment_id": proj["catchment_id"].to_numpy()},
        geometry=_round_coords(simple.to_numpy()),
        crs=settings.DISPLAY_CRS,
    )
    _DISPLAY_CACHE.put(zones, ("zones", tol), out)
    return out


def geojson_geometries(gdf: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Return the geometries of a (cached, display) layer as GeoJSON dicts, cached per layer."""
    hit = _DISPLAY_CACHE.get(gdf, ("geojson",))
    if isinstance(hit, list):
        return hit
    out = [json.loads(text) for text in shapely.to_geojson(gdf.geometry.to_numpy())]
    _DISPLAY_CACHE.put(gdf, ("geojson",), out)
    return out


def features(frame: pd.DataFrame, geoms: Sequence[dict[str, Any]], props: Sequence[str]) -> dict[str, Any]:
    """Return rows of ``frame`` with their geometries as a GeoJSON FeatureCollection.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per feature.
    geoms : sequence of dict
        GeoJSON geometries, one per row, in the same order.
    props : sequence of str
        Columns of ``frame`` to carry as properties (NaN becomes ``None``).

    Returns
    -------
    dict
        A FeatureCollection; feature ids are the row positions, as text.
    """
    feats = []
    records = frame[list(props)].to_dict("records")
    for i, (rec, geom) in enumerate(zip(records, geoms, strict=True)):
        clean = {k: (None if v is None or (isinstance(v, float) and math.isnan(v)) else v) for k, v in rec.items()}
        feats.append({"type": "Feature", "id": str(i), "properties": clean, "geometry": geom})
    return {"type": "FeatureCollection", "features": feats}


def points(frame: pd.DataFrame, props: Sequence[str]) -> dict[str, Any]:
    """Return rows with ``lon`` and ``lat`` (degrees, WGS 84) as GeoJSON points, to 5 decimals (about 1 m)."""
    lon = frame["lon"].to_numpy(dtype=float).round(5).tolist()
    lat = frame["lat"].to_numpy(dtype=float).round(5).tolist()
    geoms = [{"type": "Point", "coordinates": [x, y]} for x, y in zip(lon, lat, strict=True)]
    return features(frame, geoms, props)


def bounds(gdf: gpd.GeoDataFrame) -> list[list[float]]:
    """Return a layer's bounds as Leaflet wants them: ``[[south, west], [north, east]]`` (degrees)."""
    minx, miny, maxx, maxy = (float(v) for v in gdf.total_bounds)
    return [[miny, minx], [maxy, maxx]]


def south_bounds(base: Base, tolerance_m: float | None = None) -> list[list[float]]:
    """Return the bounds of southern Ontario's catchments (but ``settings.SOUTH_VIEW_EXCLUDES``), as :func:`bounds`."""
    cat = display_catchments(base, tolerance_m)
    return bounds(cat[~cat["catchment_id"].isin(settings.SOUTH_VIEW_EXCLUDES)])


# --------------------------------------------------------------------------------------
# Features' properties (HTML-escaped text in the planner's language)


def esc(value: object) -> str:
    """Return a value as HTML-escaped text (``None`` and NaN: empty)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value))


def popup_table(rows: Sequence[tuple[str, str]]) -> str:
    """Return popup rows as an HTML table (values must already be escaped; labels are escaped here)."""
    body = "".join(f"<tr><th>{esc(label)}</th><td>{value}</td></tr>" for label, value in rows)
    return f"<table class='esr-popup'>{body}</table>"


def site_frame(analysis: Analysis, lang: str) -> pd.DataFrame:
    """Return the in-person sites with their popup texts in ``lang``, HTML-escaped.

    Columns: ``kind`` ('site'), ``site_id``, ``site_type`` (as in the data), ``name``,
    ``organisation``, ``type`` and ``precision`` (in ``lang``), ``catchment`` (its name in
    ``lang``), ``lon`` and ``lat`` (degrees).
    """
    sites = analysis.sites
    sites = sites[sites["in_person"].astype(bool)]
    names = analysis.base.catchments.set_index("catchment_id")[f"name_{lang}"]

    def col(*options: str) -> pd.Series:
        for name in options:
            if name in sites.columns:
                return sites[name]
        return pd.Series([None] * len(sites), index=sites.index, dtype=object)

    unknown = t("popup.unknown", lang)
    site_type = col("site_type", "type")
    organisation = col("organisation", "organization", "provider", "org")
    precision = col("location_precision", "precision", "location_source")
    return pd.DataFrame(
        {
            "kind": "site",
            "site_id": col("site_id").astype(str).to_numpy(),
            "site_type": site_type.fillna("").astype(str).to_numpy(),
            "name": [esc(v) or unknown for v in col("name")],
            "organisation": [esc(v) or unknown for v in organisation],
            "type": [esc(i18n.site_type_label(v, lang)) for v in site_type],
            "precision": [esc(i18n.precision_label(v, lang)) for v in precision],
            "catchment": [esc(names.get(v, v)) for v in col("catchment_id")],
            "lon": sites["lon"].to_numpy(dtype=float),
            "lat": sites["lat"].to_numpy(dtype=float),
        }
    )


def site_types(analysis: Analysis) -> list[str]:
    """Return the site types of the in-person sites, most common first."""
    sites = analysis.sites[analysis.sites["in_person"].astype(bool)]
    if "site_type" not in sites.columns:
        return [""] if len(sites) else []
    return [str(v) for v in sites["site_type"].fillna("").astype(str).value_counts().index]


def gap_frame(analysis: Analysis, lang: str, *, exempt: bool) -> pd.DataFrame:
    """Return the communities beyond the threshold (``exempt``: the reserves) with popup texts in ``lang``.

    Columns: ``kind`` ('community' or 'reserve'), ``community``, ``population`` (formatted),
    ``catchment``, ``nearest`` (the nearest site and its distance in km), ``radius`` (px, the
    marker's size: grows with the square root of the population, 3 to 16) and ``lon``/``lat``.
    """
    gaps = analysis.tables["underserved_communities"]
    gaps = gaps[gaps["is_reserve_exempt"].astype(bool) == exempt]
    names = english_to(analysis.base, lang)
    pop = pd.to_numeric(gaps["population"], errors="coerce").astype(float)
    radius = np.minimum(3.0 + 2.2 * np.sqrt(pop.fillna(0.0).to_numpy() / 1000.0), 16.0).round(1)
    return pd.DataFrame(
        {
            "kind": "reserve" if exempt else "community",
            "community": [esc(v) for v in gaps["community"]],
            "population": [i18n.fmt_int(v, lang) if not pd.isna(v) else t("popup.unknown", lang) for v in pop],
            "catchment": [esc(names.get(v, v)) for v in gaps["catchment"]],
            "nearest": [
                esc(t("popup.distance_value", lang, site=s, km=i18n.fmt_num(float(d), lang)))
                for s, d in zip(gaps["nearest_site"], gaps["distance_km"], strict=True)
            ],
            "radius": radius,
            "lon": gaps["lon"].to_numpy(dtype=float),
            "lat": gaps["lat"].to_numpy(dtype=float),
        }
    )
