"""The map's drive-time layers: service areas by drive-time band, and the roads coloured by minutes.

When an analysis measures access by road (``analysis.road``), :func:`road_layers` adds two
toggleable layers to the planner's map (:mod:`esr_geo.maps`): the service areas (the band
polygons of :func:`esr_geo.drive.road_layers`, one colour per band) and the road segments
coloured by the drive minutes to the nearest open in-person site, in the same bands. Both use
one sequential, colour-blind-safe palette (viridis: dark is near, light is far), which the
legend lists one entry per band (:func:`legend_rows`). The layers are computed once per
network, site list and closure, and kept (a few seconds on the City of Ottawa's network).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from esr_geo import i18n, settings
from esr_geo.display import esc
from esr_geo.i18n import t

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis
    from esr_geo.drive import RoadMeasure
    from esr_geo.maps import _Context

#: Viridis (matplotlib's perceptually uniform, colour-blind-safe sequential map) from 0 to 0.8 in
#: 9 even steps, dark (near) to light (far); its last, yellow fifth is left out, as it would vanish
#: on the yellow of Phase 2's catchments. The bands take evenly spaced colours from it.
VIRIDIS: tuple[str, ...] = (
    "#440154", "#482475", "#414487", "#355F8D", "#2A788E", "#21918C", "#22A884", "#44BF70", "#7AD151",
)  # fmt: skip
#: Roads from which no open site can be reached: a light neutral grey.
UNREACHED_COLOUR = "#BBBBBB"
#: Fill opacity of the service areas (the catchments' fills and the background show through).
AREA_OPACITY = 0.45
#: Width of the roads on the map, in pixels.
ROAD_WEIGHT_PX = 2.0
_DIGITS = 4  # about 10 m, as the rest of the map (esr_geo.display)
_MEMO_SIZE = 6


def band_colours(n_bands: int) -> list[str]:
    """Return the colours of ``n_bands`` drive-time bands and of the roads beyond the last (``n_bands + 1``).

    Evenly spaced along :data:`VIRIDIS`, darkest first (the nearest band).
    """
    steps = np.linspace(0, len(VIRIDIS) - 1, n_bands + 1)
    return [VIRIDIS[round(float(s))] for s in steps]


def band_labels(bands_min: Sequence[float], lang: str) -> list[str]:
    """Return the labels of the bands (``'15 min or less'``, ``'15 to 30 min'``, ...) and of the roads beyond."""
    num = [i18n.fmt_km(float(b), lang) for b in bands_min]  # minutes, written as the km are: no useless decimals
    labels = [t("drive.band_first", lang, hi=num[0])]
    labels += [t("drive.band", lang, lo=lo, hi=hi) for lo, hi in itertools.pairwise(num)]
    return [*labels, t("drive.band_beyond", lang, hi=num[-1])]


def legend_rows(bands_min: Sequence[float], lang: str) -> list[tuple[str, str]]:
    """Return the legend's drive-time entries: ``(CSS colour, label)`` per band, the roads beyond and unreached."""
    rows = list(zip(band_colours(len(bands_min)), band_labels(bands_min, lang), strict=True))
    return [*rows, (UNREACHED_COLOUR, t("drive.band_none", lang))]


# --------------------------------------------------------------------------------------
# The layers' geometry (GeoJSON in EPSG:4326), kept per network, sites and closure


@dataclass(frozen=True)
class _Drawn:
    """The drive-time layers ready to draw: band index -> GeoJSON geometry (-1: roads with no site reached)."""

    areas: dict[int, dict[str, Any]]
    roads: dict[int, dict[str, Any]]


_MEMO: OrderedDict[tuple[object, ...], _Drawn] = OrderedDict()
_MEMO_LOCK = threading.Lock()


def _open_sites(analysis: Analysis, closed: frozenset[str]) -> pd.DataFrame:
    """Return the analysis' in-person sites less those closed in the scenario (a closed site reaches nobody)."""
    sites = analysis.sites
    keep = sites["in_person"].astype(bool) & ~sites["site_id"].astype(str).isin(closed)
    return sites[keep]


def _key(road: RoadMeasure, sites: pd.DataFrame) -> tuple[object, ...]:
    """Return what the layers depend on: the network, the bands, the access options and the open sites."""
    digest = hashlib.sha256()
    for column in ("site_id", "lon", "lat"):
        hashed = pd.util.hash_pandas_object(sites[column].reset_index(drop=True), index=False)
        digest.update(hashed.to_numpy().tobytes())
    net = road.network
    return (net.digest or id(net), tuple(road.bands_min), road.options, digest.hexdigest())


def _geojson(geoms: np.ndarray) -> list[dict[str, Any]]:
    """Return geometries (EPSG:4326) as GeoJSON dicts with coordinates rounded to about 1 m."""
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, _DIGITS))
    return [shapely.geometry.mapping(g) for g in rounded]


def _drawn(road: RoadMeasure, sites: pd.DataFrame) -> _Drawn:
    """Compute the layers (:func:`esr_geo.drive.road_layers`): areas by band, roads merged per band."""
    from esr_geo.drive import road_layers as layers_of

    layers = layers_of(road, sites)
    areas = layers["service_areas"].to_crs(settings.DISPLAY_CRS)
    lines = layers["road_minutes"].to_crs(settings.DISPLAY_CRS)
    bands = np.asarray(road.bands_min, dtype=float)
    order = np.argsort(bands)
    area_index = np.searchsorted(bands[order], areas["band_min"].to_numpy(dtype=float))
    area_geoms = _geojson(areas.geometry.to_numpy())
    minutes = lines["minutes"].to_numpy(dtype=float)
    cls = np.where(np.isnan(minutes), -1, np.searchsorted(bands[order], np.nan_to_num(minutes), side="left"))
    parts, part_of = shapely.get_parts(lines.geometry.to_numpy(), return_index=True)
    roads: dict[int, dict[str, Any]] = {}
    for code in sorted(set(cls.tolist())):
        mine = parts[np.isin(part_of, np.flatnonzero(cls == code))]
        if len(mine):
            roads[int(code)] = _geojson(np.array([shapely.multilinestrings(mine)], dtype=object))[0]
    return _Drawn(areas={int(i): g for i, g in zip(area_index, area_geoms, strict=True)}, roads=roads)


def drawn_layers(analysis: Analysis, closed: frozenset[str] = frozenset()) -> _Drawn | None:
    """Return the drive-time layers of an analysis by road, kept for the next call (``None``: measured in km)."""
    road = analysis.road
    if road is None:
        return None
    sites = _open_sites(analysis, closed)
    if sites.empty:
        return _Drawn(areas={}, roads={})
    key = _key(road, sites)
    with _MEMO_LOCK:
        found = _MEMO.get(key)
        if found is not None:
            _MEMO.move_to_end(key)
            return found
    drawn = _drawn(road, sites)
    with _MEMO_LOCK:
        _MEMO[key] = drawn
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return drawn


# --------------------------------------------------------------------------------------
# The layers on the map (a builder of esr_geo.maps)


def road_layers(ctx: _Context) -> list[folium.FeatureGroup]:
    """Return the service areas and the roads by minutes as two toggleable layers (none when measured in km).

    The areas do not catch clicks (a click inside goes to the catchment under it); a road's
    tooltip names its band.
    """
    analysis, lang = ctx.analysis, ctx.lang
    drawn = drawn_layers(analysis, frozenset(ctx.options.closed))
    if drawn is None or analysis.road is None:
        return []
    bands = analysis.road.bands_min
    colours = [*band_colours(len(bands)), UNREACHED_COLOUR]  # index -1: unreached
    labels = [*band_labels(bands, lang), t("drive.band_none", lang)]

    def feature(code: int, geometry: dict[str, Any]) -> dict[str, Any]:
        return {"type": "Feature", "geometry": geometry,
                "properties": {"kind": "drive_band", "band": esc(labels[code]), "colour": colours[code]}}  # fmt: skip

    areas = folium.FeatureGroup(name=t("drive.layer_areas", lang), show=True)
    if drawn.areas:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": [feature(c, g) for c, g in sorted(drawn.areas.items())]},
            style_function=lambda f: {
                "fillColor": f["properties"]["colour"],
                "fillOpacity": AREA_OPACITY,
                "stroke": False,
            },
            interactive=False,
        ).add_to(areas)
    roads = folium.FeatureGroup(name=t("drive.layer_roads", lang), show=True)
    if drawn.roads:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": [feature(c, g) for c, g in sorted(drawn.roads.items())]},
            style_function=lambda f: {"color": f["properties"]["colour"], "weight": ROAD_WEIGHT_PX, "opacity": 0.9},
            tooltip=folium.GeoJsonTooltip(fields=["band"], aliases=[t("drive.tip_band", lang)], sticky=True),
        ).add_to(roads)
    return [areas, roads]


def network_bounds(analysis: Analysis) -> list[list[float]] | None:
    """Return the extent of the analysis' road network as Leaflet bounds (degrees; ``None``: measured in km)."""
    if analysis.road is None:
        return None
    net = analysis.road.network
    (x0, y0), (x1, y1) = net.node_xy.min(axis=0), net.node_xy.max(axis=0)
    box = gpd.GeoSeries([shapely.box(x0, y0, x1, y1)], crs=net.crs).to_crs(settings.DISPLAY_CRS)
    minx, miny, maxx, maxy = (float(v) for v in box.total_bounds)
    return [[miny, minx], [maxy, maxx]]


def view_key(analysis: Analysis) -> str:
    """Return the map's view key of the measure: ``''`` in km, ``'road:<network digest>'`` by road.

    The map fits its view again when the key changes (:class:`esr_geo.maps.ViewHooks`): choosing
    drive time zooms to the network, going back to km to Ontario.
    """
    return "" if analysis.road is None else f"road:{analysis.road.network.digest}"
