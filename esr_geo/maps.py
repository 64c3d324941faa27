"""The planner's map: catchments, zones, sites and gaps as a folium map that works offline.

:func:`build_map` draws an :class:`~esr_geo.analysis.Analysis` as one Leaflet map (the report,
the downloads); :func:`map_view` draws the same map split into a base and layers, for the app's
in-place updates. Both take a :class:`MapOptions` (or its fields as keywords). Each layer has its
own builder, in drawing order (:data:`_LAYER_BUILDERS`). The map works with no internet
connection: Leaflet and its marker-cluster plugin are inlined (:mod:`esr_geo.assets`) and the
base map is an optional OpenStreetMap layer over a plain background. Boundaries and the
features' texts come from :mod:`esr_geo.display`, the legend and CSS from :mod:`esr_geo.legend`,
the colours from :mod:`esr_geo.style` and every label from :mod:`esr_geo.i18n`. What a click on
the map chose is read by :func:`esr_geo.view.clicked_catchment` and :func:`esr_geo.view.clicked_site`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from folium.utilities import JsCode
from jinja2 import Template

from esr_geo import french, i18n, road_maps, settings
from esr_geo.assets import use_offline_assets
from esr_geo.display import (
    bounds,
    display_catchments,
    display_zones,
    esc,
    features,
    gap_frame,
    geojson_geometries,
    points,
    popup_table,
    simplify_coverage,
    site_frame,
    site_types,
    south_bounds,
)
from esr_geo.i18n import t
from esr_geo.legend import LABEL_PANE, Legend, LegendLayer, PageStyle, ViewButtons, legend_html
from esr_geo.rollout import parse_date
from esr_geo.ssm import SSM_TBA, ssm_of, ssm_order
from esr_geo.style import (
    EDGE_COLOUR,
    FAIL_COLOUR,
    GAP_COLOUR,
    INK,
    OTHER_PHASE_COLOUR,
    PASS_COLOUR,
    PHASE_COLOURS,
    SITE_COLOUR,
    STATUS_COLOURS,
    TBA_HATCH_FILL,
    site_shape,
    ssm_colours,
)
from esr_geo.view import catchment_facts, zone_results

if TYPE_CHECKING:
    import geopandas as gpd

    from esr_geo.analysis import Analysis

#: The layers :func:`build_map` can draw. ``rings`` is off unless asked for.
LAYERS: tuple[str, ...] = (
    "catchments", "labels", "zones", "sites", "communities", "reserves", "rings", "french_areas",
)  # fmt: skip
#: ``french_areas`` (the French Language Services designated areas) is off unless asked for, too.
DEFAULT_LAYERS: frozenset[str] = frozenset(LAYERS) - {"rings", "french_areas"}
COLOUR_BY: tuple[str, ...] = ("phase", "status", "ssm")

#: CSS class of each catchment's SVG path (the browser test counts them), of the zones' outlines,
#: of the selected catchment's outline and (with ``-icon``) of the suggested sites' markers.
CATCHMENT_CLASS = "esr-catchment"
ZONE_CLASS = "esr-zone"
SELECTED_CLASS = "esr-selected"
SUGGESTION_CLASS = "esr-suggestion"

_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTR = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
#: A site's popup rows: (column of ``display.site_frame``, label key).
_SITE_POPUP = (
    ("name", "popup.name"),
    ("organisation", "popup.organisation"),
    ("type", "popup.type"),
    ("precision", "popup.precision"),
    ("catchment", "popup.catchment"),
    ("french_label", "popup.french"),
)
#: Catchments smaller than these (km²) get small or medium labels, hidden when zoomed out.
_SMALL_KM2, _MEDIUM_KM2 = 5_000, 15_000

_BIND_SITE_JS = """function(feature, layer){
    layer.bindPopup(feature.properties.popup, {maxWidth: 320});
    layer.bindTooltip(feature.properties.name, {direction: 'top', offset: [0, -6]});
}"""


_BIND_SUGGESTION_JS = """function(feature, layer){
    layer.setIcon(L.divIcon({html: "<div class='esr-star'>" + feature.properties.rank + "</div>",
        className: "SUGGESTION_CLASS-icon", iconSize: [26, 26], iconAnchor: [13, 13]}));
    layer.setZIndexOffset(1000);
    layer.bindPopup(feature.properties.popup, {maxWidth: 320});
    layer.bindTooltip(feature.properties.name, {direction: 'top', offset: [0, -12]});
}""".replace("SUGGESTION_CLASS", SUGGESTION_CLASS)


# --------------------------------------------------------------------------------------
# Options


@dataclass(frozen=True, eq=False)
class MapOptions:
    """What to draw and how: the choices :func:`build_map` and :func:`map_view` share.

    Parameters
    ----------
    lang : {'en', 'fr'}
        Language of every label, tooltip, popup, layer name and the legend.
    on : date or 'YYYY-MM-DD', optional
        Date of the rollout statuses (``None``: today).
    colour_by : {'phase', 'status', 'ssm'}
        Fill the catchments by rollout phase, by their status on ``on`` or by their service
        system manager (one colour per SSM; catchments with no SSM yet hatched grey).
    layers : iterable of str, optional
        Which of :data:`LAYERS` to draw (``None``: :data:`DEFAULT_LAYERS`); each is a
        toggleable ``FeatureGroup`` in the layer control. The catchments are always drawn.
        Stored as a frozenset.
    selected : str, optional
        A catchment id to outline and zoom to.
    phase : str, optional
        A phase to highlight (other catchments are drawn faintly).
    tolerance_m : float, optional
        Display simplification in metres (``None``: ``settings.MAP_SIMPLIFY_M``).
    suggestions : pandas.DataFrame, optional
        Suggested new sites (:meth:`esr_geo.scenario.SuggestionResult.to_frame`: ``rank``,
        ``name``, ``lon``, ``lat``, ``population_added``), drawn as numbered stars in their own
        toggleable layer, each with a popup of its rank, name and the people it adds.
    closed : iterable of str
        ``site_id`` of in-person sites closed in a what-if scenario: drawn apart (a circled ×
        in their own layer, not clustered) with "closed" in their popup and a legend entry.
        Stored as a frozenset of text.
    changes : pandas.DataFrame, optional
        What a comparison of two scenarios changes (:func:`esr_geo.compare.map_changes`: ``change``,
        ``name``, ``population``, ``lon``, ``lat``): sites added (+) and closed (×), named communities
        that lose access (an orange ring) or gain it (a blue ring), in one toggleable layer.

    Raises
    ------
    esr_geo.errors.InputError
        For a language other than English or French.
    ValueError
        For an unknown ``colour_by`` or layer.
    """

    lang: str = "en"
    on: dt.date | str | None = None
    colour_by: str = "phase"
    layers: Iterable[str] | None = None
    selected: str | None = None
    phase: str | None = None
    tolerance_m: float | None = None
    suggestions: pd.DataFrame | None = None
    closed: Iterable[str] = ()
    changes: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        i18n.check_lang(self.lang)
        if self.colour_by not in COLOUR_BY:
            raise ValueError(f"colour_by must be one of {', '.join(COLOUR_BY)}; got {self.colour_by!r}.")
        shown = frozenset(DEFAULT_LAYERS if self.layers is None else self.layers)
        unknown = shown - set(LAYERS)
        if unknown:
            raise ValueError(f"Unknown map layer(s) {', '.join(sorted(unknown))}; choose from {', '.join(LAYERS)}.")
        object.__setattr__(self, "layers", shown)
        object.__setattr__(self, "closed", frozenset(str(v) for v in self.closed))

    @property
    def shown(self) -> frozenset[str]:
        """The layers to draw (``layers``, or the defaults)."""
        return frozenset(DEFAULT_LAYERS if self.layers is None else self.layers)

    @property
    def has_suggestions(self) -> bool:
        """Whether there are suggested sites to draw."""
        return self.suggestions is not None and len(self.suggestions) > 0


def _options(options: MapOptions | None, choices: Mapping[str, Any]) -> MapOptions:
    """Return ``options`` with ``choices`` (fields of :class:`MapOptions`) applied."""
    if options is None:
        return MapOptions(**choices)
    return dataclasses.replace(options, **choices) if choices else options


# --------------------------------------------------------------------------------------
# One builder per layer


@dataclass
class _Context:
    """What every layer builder reads: the analysis, the options and the catchments with their facts."""

    analysis: Analysis
    options: MapOptions
    day: dt.date
    catchments: gpd.GeoDataFrame  # display geometry with kind, name, phase_label, status, status_label
    geoms: list[dict[str, Any]]  # the catchments' GeoJSON geometries, in the same order

    @property
    def lang(self) -> str:
        """Language of every text."""
        return self.options.lang

    @cached_property
    def sites(self) -> pd.DataFrame:
        """The in-person sites with their popup texts (:func:`esr_geo.display.site_frame`) and ``french`` (bool).

        ``french`` marks the French-serving sites (a ring); ``french_label`` says yes, no or
        not given in the popup.
        """
        sites = self.analysis.sites
        flags = french.french_flags(sites[sites["in_person"].astype(bool)])
        labels = [esc(t("popup.unknown", self.lang) if pd.isna(v) else i18n.yes_no(v, self.lang)) for v in flags]
        return site_frame(self.analysis, self.lang).assign(
            french=flags.fillna(False).to_numpy(dtype=bool), french_label=labels
        )

    @property
    def any_closed(self) -> bool:
        """Whether a drawn site is closed in the scenario (its legend entry is shown)."""
        return "sites" in self.options.shown and bool(self.sites["site_id"].isin(self.options.closed).any())


def _context(analysis: Analysis, options: MapOptions) -> _Context:
    day = parse_date(options.on)
    cat_geo = display_catchments(analysis.base, options.tolerance_m)
    facts = catchment_facts(analysis, on=day, lang=options.lang).set_index("catchment_id")
    cat = cat_geo.assign(
        kind="catchment",
        name=cat_geo["catchment_id"].map(facts["name"]).map(esc),
        phase_label=cat_geo["catchment_id"].map(facts["phase_label"]).map(esc),
        status=cat_geo["catchment_id"].map(facts["status"]),
        status_label=cat_geo["catchment_id"].map(facts["status_label"]).map(esc),
    )
    return _Context(analysis=analysis, options=options, day=day, catchments=cat, geoms=geojson_geometries(cat_geo))


def _catchment_layer(ctx: _Context) -> list[folium.FeatureGroup]:
    """Return the catchments' layer: filled by phase or status (faint outside a chosen phase); a click chooses one."""
    lang, opts = ctx.lang, ctx.options
    fill = _catchment_fills(ctx)
    faint = {rec.catchment_id: bool(opts.phase) and rec.phase != opts.phase for rec in ctx.catchments.itertuples()}
    data = features(ctx.catchments, ctx.geoms, ["catchment_id", "kind", "name", "phase_label", "status_label"])

    def cat_style(feature: dict[str, Any]) -> dict[str, Any]:
        cid = feature["properties"]["catchment_id"]
        return {
            "fillColor": fill[cid],
            "color": EDGE_COLOUR,
            "weight": 1.5,
            "fillOpacity": 0.15 if faint[cid] else 0.55,
            "className": CATCHMENT_CLASS,
        }

    group = folium.FeatureGroup(name=t("layer.catchments", lang), show=True)
    folium.GeoJson(
        data,
        name=t("layer.catchments", lang),
        style_function=cat_style,
        highlight_function=lambda _f: {"weight": 3, "color": INK},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "phase_label", "status_label"],
            aliases=[t("popup.catchment", lang), t("popup.phase", lang), t("popup.status", lang)],
            sticky=True,
        ),
    ).add_to(group)
    return [group]


def _catchment_fills(ctx: _Context) -> dict[str, str]:
    """Return each catchment's fill: its status's colour, its SSM's (hatched when none yet) or its phase's."""
    cat = ctx.catchments
    if ctx.options.colour_by == "ssm":
        rollout = ctx.analysis.base.rollout
        owners = ssm_of(rollout).set_index("catchment_id")["ssm_id"]
        colours = ssm_colours(ssm_order(rollout))
        return {
            str(cid): TBA_HATCH_FILL if owners[cid] == SSM_TBA else colours[str(owners[cid])]
            for cid in cat["catchment_id"]
        }
    if ctx.options.colour_by == "status":
        pairs = zip(cat["catchment_id"], cat["status"], strict=True)
        return {str(cid): STATUS_COLOURS[str(code)] for cid, code in pairs}
    return {
        str(cid): PHASE_COLOURS.get(str(phase), OTHER_PHASE_COLOUR)
        for cid, phase in zip(cat["catchment_id"], cat["phase"], strict=True)
    }


def _zone_style(feature: dict[str, Any]) -> dict[str, Any]:
    passes = feature["properties"]["passes"]
    return {
        "fill": False,
        "color": PASS_COLOUR if passes else FAIL_COLOUR,
        "weight": 2.5 if passes else 3.5,
        "dashArray": None if passes else "8 5",
        "className": ZONE_CLASS,
    }


def _zone_layer(ctx: _Context) -> list[folium.FeatureGroup]:
    """Return the zones' layer: outlines that pass or fail (they do not catch clicks inside)."""
    analysis, lang = ctx.analysis, ctx.lang
    if "zones" not in ctx.options.shown or not len(analysis.zones):
        return []
    zgeo = display_zones(analysis.zones, ctx.options.tolerance_m)
    res = zone_results(analysis, lang=lang).set_index("zone")
    if analysis.scope is not None:  # an area analysed (by road): its zones only, the others are not judged
        zgeo = zgeo[zgeo["zone"].isin(res.index)]
        if zgeo.empty:
            return []
    zframe = zgeo.assign(
        kind="zone",
        zone_name=zgeo["zone"].map(esc),
        passes=zgeo["zone"].map(res["passes"]).astype(object).fillna(False).astype(bool),
        result=zgeo["zone"].map(res["result"]).astype(object).fillna("").map(esc),
        reason=zgeo["zone"].map(res["reason"]).astype(object).fillna("").map(lambda v: esc(v) or "–"),
    )
    zdata = features(zframe, geojson_geometries(zgeo), ["kind", "zone_name", "passes", "result", "reason"])
    group = folium.FeatureGroup(name=t("layer.zones", lang), show=True)
    folium.GeoJson(
        zdata,
        style_function=_zone_style,
        tooltip=folium.GeoJsonTooltip(
            fields=["zone_name", "result", "reason"],
            aliases=[t("popup.zone", lang), t("popup.result", lang), t("popup.reason", lang)],
            sticky=True,
            style="max-width:320px;white-space:normal",
        ),
    ).add_to(group)
    return [group]


def _french_area_layer(ctx: _Context) -> list[folium.FeatureGroup]:
    """Return the French Language Services designated areas: dotted outlines (no clicks inside), if asked for."""
    if "french_areas" not in ctx.options.shown:
        return []
    lang = ctx.lang
    layer = french.area_layer(ctx.analysis)
    layer = layer[layer["catchment_id"] != ""] if layer["catchment_id"].ne("").any() else layer  # parts, not both
    tol = settings.MAP_SIMPLIFY_M if ctx.options.tolerance_m is None else float(ctx.options.tolerance_m)
    shapes = simplify_coverage(layer.geometry, tol).to_crs(settings.DISPLAY_CRS)
    frame = layer.assign(
        kind="french_area",
        area_name=layer["area"].map(esc),
        result=layer["fls_status"].map(lambda c: esc(t(f"fls.{c}", lang))),
        reason=[esc(v) or "–" for v in i18n.fls_reasons(layer, lang=lang)],
        sites=layer["fr_sites"].map(lambda n: esc(i18n.fmt_int(float(n), lang))),
        share=layer["pct_within_fr"].map(lambda p: esc(i18n.fmt_pct(float(p), lang))),
    )
    geoms = geojson_geometries(layer.set_geometry(shapes))
    group = folium.FeatureGroup(name=t("layer.french_areas", lang), show=True)
    folium.GeoJson(
        features(frame, geoms, ["kind", "area_name", "result", "reason", "sites", "share"]),
        style_function=lambda _f: {"fill": False, "color": INK, "weight": 2, "dashArray": "2 5"},
        tooltip=folium.GeoJsonTooltip(
            fields=["area_name", "result", "reason", "sites", "share"],
            aliases=[t(f"popup.{k}", lang) for k in ("area", "result", "reason", "fr_sites", "fr_share")],
            sticky=True,
            style="max-width:320px;white-space:normal",
        ),
    ).add_to(group)
    return [group]


def _selected_layer(ctx: _Context) -> list[folium.FeatureGroup]:
    """Return the selected catchment's thick outline (no clicks, no layer-control entry), if any."""
    selected, lang = ctx.options.selected, ctx.lang
    if selected is None:
        return []
    mask = (ctx.catchments["catchment_id"] == selected).to_numpy()
    sel = ctx.catchments[mask]
    if not len(sel):
        return []
    outline = folium.FeatureGroup(name=t("layer.selected", lang), control=False, show=True)
    folium.GeoJson(
        features(sel, [ctx.geoms[i] for i in np.flatnonzero(mask)], ["catchment_id"]),
        name=t("layer.selected", lang),
        style_function=lambda _f: {
            "fill": False,
            "color": INK,
            "weight": 4,
            "interactive": False,
            "className": SELECTED_CLASS,
        },
        control=False,
    ).add_to(outline)
    return [outline]


def _ring_layer(ctx: _Context) -> list[folium.FeatureGroup]:
    """Return the threshold rings around the in-person sites, if asked for (they do not catch clicks).

    The rings are straight-line distances: by road the service areas show the reach instead.
    """
    if "rings" not in ctx.options.shown or ctx.analysis.road is not None:
        return []
    analysis = ctx.analysis
    group = folium.FeatureGroup(name=t("layer.rings", ctx.lang), show=True)
    sites = analysis.sites[analysis.sites["in_person"].astype(bool)]
    sites = sites[~sites["site_id"].astype(str).isin(ctx.options.closed)]  # a closed site reaches nobody
    for lon, lat in zip(sites["lon"].to_numpy(dtype=float), sites["lat"].to_numpy(dtype=float), strict=True):
        folium.Circle(
            location=(round(lat, 5), round(lon, 5)),
            radius=analysis.threshold_km * 1000.0,
            color=SITE_COLOUR,
            weight=1,
            opacity=0.6,
            dash_array="2 4",
            fill=False,
            interactive=False,
        ).add_to(group)
    return [group]


def _label_layer(ctx: _Context) -> list[folium.FeatureGroup]:
    """Return the catchments' names, readable at every zoom (small catchments appear when zoomed in)."""
    if "labels" not in ctx.options.shown:
        return []
    group = folium.FeatureGroup(name=t("layer.labels", ctx.lang), show=True)
    cat = ctx.catchments.sort_values("land_area_km2", ascending=False)  # a larger one's name wins a clash
    for name, area, lat, lon in zip(
        cat["name"],
        cat["land_area_km2"].to_numpy(dtype=float),
        cat["label_lat"].to_numpy(dtype=float),
        cat["label_lon"].to_numpy(dtype=float),
        strict=True,
    ):
        size = "esr-small" if area < _SMALL_KM2 else ("esr-medium" if area < _MEDIUM_KM2 else "")
        folium.Marker(
            location=(float(lat), float(lon)),
            icon=folium.DivIcon(html=f"<span>{name}</span>", class_name=f"esr-label {size}".strip()),
            interactive=False,
            keyboard=False,
            pane=LABEL_PANE,
        ).add_to(group)
    return [group]


def _gap_popup(lang: str) -> folium.GeoJsonPopup:
    return folium.GeoJsonPopup(
        fields=["community", "population", "catchment", "nearest"],
        aliases=[
            t("popup.community", lang),
            t("popup.population", lang),
            t("popup.catchment", lang),
            t("popup.distance", lang),
        ],
    )


def _community_layer(ctx: _Context) -> list[folium.FeatureGroup]:
    """Return the communities beyond the threshold: circles sized by population (the group even if none)."""
    if "communities" not in ctx.options.shown:
        return []
    lang = ctx.lang
    gaps = gap_frame(ctx.analysis, lang, exempt=False)
    group = folium.FeatureGroup(name=t("layer.communities", lang), show=True)
    if len(gaps):
        folium.GeoJson(
            points(gaps, ["kind", "community", "population", "catchment", "nearest", "radius"]),
            marker=folium.CircleMarker(radius=5, fill=True),
            style_function=lambda f: {
                "radius": f["properties"]["radius"],
                "color": EDGE_COLOUR,
                "weight": 1,
                "fillColor": GAP_COLOUR,
                "fillOpacity": 0.85,
                "className": "esr-community",
            },
            popup=_gap_popup(lang),
        ).add_to(group)
    return [group]


def _reserve_layer(ctx: _Context) -> list[folium.FeatureGroup]:
    """Return the First Nations reserves beyond the threshold (exempt from the SSM model): grey squares."""
    if "reserves" not in ctx.options.shown:
        return []
    lang = ctx.lang
    gaps = gap_frame(ctx.analysis, lang, exempt=True)
    group = folium.FeatureGroup(name=t("layer.reserves", lang), show=True)
    if len(gaps):
        folium.GeoJson(
            points(gaps, ["kind", "community", "population", "catchment", "nearest"]),
            marker=folium.Marker(
                icon=folium.DivIcon(
                    html="<div class='esr-reserve'></div>",
                    icon_size=(10, 10),
                    icon_anchor=(5, 5),
                    class_name="esr-reserve-icon",
                )
            ),
            popup=_gap_popup(lang),
        ).add_to(group)
    return [group]


def _site_cluster() -> MarkerCluster:
    return MarkerCluster(
        options={
            "showCoverageOnHover": False,
            "disableClusteringAtZoom": 9,
            "maxClusterRadius": 30,
            "spiderfyOnMaxZoom": True,
        },
        icon_create_function=(
            "function(c){var n=c.getChildCount();var s=n<10?24:(n<50?28:32);"
            "return L.divIcon({html:'<div><span>'+n+'</span></div>',"
            "className:'marker-cluster esr-cluster',iconSize:L.point(s,s)});}"
        ),
        control=False,
    )


def _site_markers(sites: pd.DataFrame, shape: str, lang: str, *, ring: bool = False) -> folium.GeoJson:
    """Return sites of one type (rows of ``display.site_frame``) as markers of one shape, with popups.

    ``ring`` draws them ringed: the sites that serve in French.
    """
    part = sites.assign(
        popup=[
            popup_table([(t(label, lang), str(rec[col])) for col, label in _SITE_POPUP])
            for rec in sites.to_dict("records")
        ]
    )
    return folium.GeoJson(
        points(part, ["kind", "name", "organisation", "type", "precision", "catchment", "popup"]),
        marker=folium.Marker(
            icon=folium.DivIcon(
                html=f"<div class='esr-site esr-{shape}{' esr-french' if ring else ''}'></div>",
                icon_size=(14, 14),
                icon_anchor=(7, 7),
                class_name="esr-site-icon",
            )
        ),
        # Bound on each marker: a popup bound on the GeoJSON group would not open, as the
        # markers live in the cluster group, not in the (unmapped) GeoJSON layer.
        on_each_feature=JsCode(_BIND_SITE_JS),
    )


def _closed_layer(sites: pd.DataFrame, lang: str) -> folium.FeatureGroup:
    """Return in-person sites closed in a scenario (rows of ``display.site_frame``) as their own layer."""
    scenario = (t("popup.scenario", lang), esc(t("popup.closed", lang)))
    frame = sites.assign(
        popup=[
            popup_table([scenario, *((t(label, lang), str(rec[col])) for col, label in _SITE_POPUP)])
            for rec in sites.to_dict("records")
        ]
    )
    group = folium.FeatureGroup(name=t("layer.closed", lang), show=True)
    folium.GeoJson(
        points(frame, ["kind", "site_id", "name", "popup"]),
        marker=folium.Marker(
            icon=folium.DivIcon(
                html="<div class='esr-closed'>×</div>",
                icon_size=(16, 16),
                icon_anchor=(8, 8),
                class_name="esr-closed-icon",
            ),
            z_index_offset=500,
        ),
        on_each_feature=JsCode(_BIND_SITE_JS),
    ).add_to(group)
    return group


def _site_layers(ctx: _Context) -> list[folium.FeatureGroup]:
    """Return the in-person sites (clustered, one marker shape per type), then the closed ones apart."""
    if "sites" not in ctx.options.shown:
        return []
    lang = ctx.lang
    is_shut = ctx.sites["site_id"].isin(ctx.options.closed).to_numpy()
    open_sites = ctx.sites[~is_shut]
    group = folium.FeatureGroup(name=t("layer.sites", lang), show=True)
    cluster = _site_cluster()
    for st_type in site_types(ctx.analysis):
        part = open_sites[open_sites["site_type"] == st_type]
        if not part.empty:
            for ring in (False, True):  # sites serving in French are ringed
                same = part[part["french"] == ring]
                if not same.empty:
                    _site_markers(same, site_shape(st_type), lang, ring=ring).add_to(cluster)
    cluster.add_to(group)
    if not is_shut.any():
        return [group]
    return [group, _closed_layer(ctx.sites[is_shut], lang)]


def _suggestion_layer(ctx: _Context) -> list[folium.FeatureGroup]:
    """Return the suggested new sites (a scenario): numbered stars with popups, above the sites.

    One GeoJSON point per site (``kind='suggestion'``); the star's number, popup and tooltip are
    bound in JavaScript (folium's ``Popup`` needs jQuery, which this map does not load).
    """
    suggestions, lang = ctx.options.suggestions, ctx.lang
    if suggestions is None or not len(suggestions):
        return []
    frame = pd.DataFrame(
        {
            "kind": "suggestion",
            "rank": suggestions["rank"].astype(int).to_numpy(),
            "name": [f"{int(r)}. {esc(n)}" for r, n in zip(suggestions["rank"], suggestions["name"], strict=True)],
            "popup": [
                popup_table(
                    [
                        (t("popup.rank", lang), str(int(rec["rank"]))),
                        (t("popup.name", lang), esc(rec["name"])),
                        (t("popup.population_added", lang), esc(i18n.fmt_int(float(rec["population_added"]), lang))),
                    ]
                )
                for rec in suggestions.to_dict("records")
            ],
            "lon": suggestions["lon"].to_numpy(dtype=float),
            "lat": suggestions["lat"].to_numpy(dtype=float),
        }
    )
    group = folium.FeatureGroup(name=t("layer.suggestions", lang), show=True)
    folium.GeoJson(
        points(frame, ["kind", "rank", "name", "popup"]),
        marker=folium.Marker(
            icon=folium.DivIcon(
                html="<div class='esr-star'></div>",
                icon_size=(26, 26),
                icon_anchor=(13, 13),
                class_name=f"{SUGGESTION_CLASS}-icon",
            ),
            z_index_offset=1000,
        ),
        on_each_feature=JsCode(_BIND_SUGGESTION_JS),
    ).add_to(group)
    return [group]


#: How each change of a comparison is drawn: a site's sign, or a community's ring colour.
_CHANGE_SIGNS = {"added": ("+", PASS_COLOUR), "closed": ("×", FAIL_COLOUR)}
_CHANGE_RINGS = {"newly_beyond": FAIL_COLOUR, "newly_within": PASS_COLOUR}


def _changes_layer(ctx: _Context) -> list[folium.FeatureGroup]:
    """Return what a comparison changes (sites added and closed, communities losing or gaining access) as one layer."""
    changes, lang = ctx.options.changes, ctx.lang
    if changes is None or not len(changes):
        return []

    def popup(rec: Mapping[Any, Any]) -> str:
        rows = [(t("popup.change", lang), esc(i18n.value_label("change", rec["change"], lang))),
                (t("popup.name", lang), esc(rec["name"]))]
        if not i18n.is_empty(rec["population"]):
            rows.append((t("popup.population", lang), esc(i18n.fmt_int(float(rec["population"]), lang))))
        return popup_table(rows)

    records = changes.to_dict("records")
    frame = changes.assign(kind="change", name=changes["name"].map(esc), popup=[popup(r) for r in records])
    group = folium.FeatureGroup(name=t("layer.changes", lang), show=True)
    for code, (sign, colour) in _CHANGE_SIGNS.items():
        part = frame[frame["change"] == code]
        if len(part):
            html = f"<div class='esr-closed' style='border-color:{colour};color:{colour}'>{sign}</div>"
            icon = folium.DivIcon(html=html, icon_size=(16, 16), icon_anchor=(8, 8), class_name="esr-closed-icon")
            folium.GeoJson(points(part, ["kind", "name", "popup"]), marker=folium.Marker(icon=icon, z_index_offset=900),
                           on_each_feature=JsCode(_BIND_SITE_JS)).add_to(group)
    for code, colour in _CHANGE_RINGS.items():
        part = frame[frame["change"] == code]
        if len(part):
            ring = folium.CircleMarker(radius=8, color=colour, weight=3, fill=False)
            folium.GeoJson(points(part, ["kind", "name", "popup"]), marker=ring,
                           on_each_feature=JsCode(_BIND_SITE_JS)).add_to(group)
    return [group]  # fmt: skip


#: The layer builders in drawing order (later layers are drawn above earlier ones).
_LAYER_BUILDERS: tuple[Callable[[_Context], list[folium.FeatureGroup]], ...] = (
    _catchment_layer,
    road_maps.road_layers,  # service areas and roads by minutes, when measured by road
    _zone_layer,
    _french_area_layer,
    _selected_layer,
    _ring_layer,
    _label_layer,
    _community_layer,
    _reserve_layer,
    _site_layers,
    _suggestion_layer,
    _changes_layer,
)


# --------------------------------------------------------------------------------------
# The map, whole or split for in-place updates


@dataclass
class _Parts:
    """A map taken apart: the base, the layers in drawing order, the legend and the view's bounds."""

    base: folium.Map
    groups: list[folium.FeatureGroup]
    legend_html: str
    bounds: list[list[float]]
    extent: list[list[float]]


class ControlWords(MacroElement):
    """Put Leaflet's own controls in the map's terms: the zoom and layer buttons' titles, a scale in km.

    Leaflet writes the titles in English ("Zoom in", "Zoom out", "Layers"); the zoom buttons exist
    when the map does, and the layer control (added later, and again by streamlit-folium on each
    swap) is titled when it lays itself out. Its scale bar shows miles too unless told not to; an
    Ontario planner reads kilometres only.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map, words){
            var title = function(el, text){ if (el) { el.title = text; el.setAttribute('aria-label', text); } };
            if (map.zoomControl) {
                title(map.zoomControl._zoomInButton, words.zoom_in);
                title(map.zoomControl._zoomOutButton, words.zoom_out);
            }
            L.control.scale({imperial: false}).addTo(map);
            window.__esrLayersTitle = words.layers;
            var proto = L.Control.Layers.prototype;
            if (!proto.__esrTitled) {
                var layout = proto._initLayout;
                proto._initLayout = function(){
                    layout.call(this);
                    title(this._layersLink, window.__esrLayersTitle || 'Layers');
                };
                proto.__esrTitled = true;
            }
        })({{ this._parent.get_name() }}, {{ this.words | tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "ControlWords"
        self.words = {k: t(f"leaflet.{k}", lang) for k in ("zoom_in", "zoom_out", "layers")}


def _base_map(lang: str) -> folium.Map:
    """Return what every map shares: Leaflet's options, the background tiles, the CSS and panes.

    It depends on the language only (the background's name in the layer control and Leaflet's
    control words), so the app can keep one map in the browser and swap its layers (see :func:`map_view`).
    """
    m = folium.Map(tiles=None, control_scale=False, prefer_canvas=False, zoom_snap=0.5, min_zoom=4, max_zoom=14)
    ControlWords(lang).add_to(m)
    folium.TileLayer(_OSM_URL, attr=_OSM_ATTR, name=t("layer.basemap", lang), overlay=True, control=True,
                     opacity=0.7, max_zoom=19).add_to(m)  # fmt: skip
    PageStyle().add_to(m)
    folium.map.CustomPane(LABEL_PANE, z_index=640, pointer_events=False).add_to(m)
    return m


def _map_parts(analysis: Analysis, options: MapOptions) -> _Parts:
    """Build the base map, every layer (one builder each), the legend and the bounds to fit."""
    base = _base_map(options.lang)
    ctx = _context(analysis, options)
    groups = [group for build in _LAYER_BUILDERS for group in build(ctx)]
    marks = {"suggestions"} if options.has_suggestions else set()
    if "sites" in options.shown and bool(ctx.sites["french"].any()):
        marks.add("french_sites")
    legend = legend_html(
        lang=options.lang,
        colour_by=options.colour_by,
        on=ctx.day,
        layers=options.shown | marks | ({"closed"} if ctx.any_closed else set()),
        threshold_km=analysis.threshold_km,
        site_types=site_types(analysis),
        rollout=analysis.base.rollout,
        road=analysis.road,
    )
    cat = ctx.catchments
    target = cat[cat["catchment_id"] == options.selected] if options.selected is not None else cat
    if target.empty:
        target = cat
    view = road_maps.network_bounds(analysis) if options.selected is None else None  # by road: the network's extent
    return _Parts(base=base, groups=groups, legend_html=legend, bounds=view or bounds(target), extent=bounds(cat))


def build_map(analysis: Analysis, *, options: MapOptions | None = None, **choices: Any) -> folium.Map:
    """Draw an analysis as a Leaflet map that works offline.

    Parameters
    ----------
    analysis : Analysis
        A finished analysis.
    options : MapOptions, keyword-only
        What to draw and how (``None``: the defaults).
    **choices
        Fields of :class:`MapOptions` (``lang``, ``on``, ``colour_by``, ``layers``, ``selected``,
        ``phase``, ``tolerance_m``, ``suggestions``, ``closed``), applied over ``options``.

    Returns
    -------
    folium.Map
        Catchment paths carry the CSS class :data:`CATCHMENT_CLASS` and their GeoJSON
        properties ``kind='catchment'`` and ``catchment_id`` (what a click returns).

    Raises
    ------
    esr_geo.errors.InputError, ValueError
        For a bad language, colour scheme or layer (see :class:`MapOptions`).
    """
    opts = _options(options, choices)
    parts = _map_parts(analysis, opts)
    m = parts.base
    for group in parts.groups:
        group.add_to(m)
    Legend(parts.legend_html, title=t("legend.title", opts.lang), position="topright").add_to(m)
    folium.LayerControl(collapsed=True, position="topleft").add_to(m)
    m.fit_bounds(parts.bounds, padding=(10, 10))
    use_offline_assets(m)
    return m


class FitAtOnce(MacroElement):
    """Fit the map to ``bounds`` without the zoom animation (the app's base map, all of Ontario).

    folium's ``fit_bounds`` animates the zoom; an animation still running when
    :class:`ViewHooks` fits the map to a shared link's catchment would end on all of Ontario
    (Leaflet ignores a new view while it animates a zoom).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }}, {padding: [10, 10], animate: false});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitAtOnce"
        self.bounds = bounds


class ViewHooks(MacroElement):
    """Keep the planner's view across in-place layer swaps (the app's map; see :func:`map_view`).

    A Leaflet layer placed in the first layer group. Each time streamlit-folium swaps the groups:

    - it empties streamlit-folium's list of swapped-out groups (otherwise kept in memory for good);
    - it fits the map to ``bounds`` only when the selection (``key``) changed, using the map's real
      size on screen, so a new date or threshold keeps the planner's pan and zoom;
    - it hides again the layers the planner switched off in the layer control.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(group){
            window.feature_group = [];
            var ViewHooks = L.Layer.extend({
                onAdd: function(map){
                    if (!window.esrHidden) {
                        window.esrHidden = {};
                        var byPlanner = function(){
                            return window.layer_control && window.layer_control._handlingClick;
                        };
                        map.on('overlayadd', function(e){ if (byPlanner()) { delete window.esrHidden[e.name]; } });
                        map.on('overlayremove', function(e){ if (byPlanner()) { window.esrHidden[e.name] = true; } });
                    }
                    var key = {{ this.key|tojson }};
                    if (window.esrFitKey !== key) {
                        window.esrFitKey = key;
                        map.fitBounds({{ this.bounds|tojson }}, {padding: [10, 10]});
                    }
                    setTimeout(function(){
                        var control = window.layer_control;
                        if (!control || !control._layers) { return; }
                        control._layers.forEach(function(entry){
                            if (entry.overlay && window.esrHidden[entry.name] && map.hasLayer(entry.layer)) {
                                map.removeLayer(entry.layer);
                            }
                        });
                    }, 0);
                },
                onRemove: function(){}
            });
            group.addLayer(new ViewHooks());
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, *, key: str, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "ViewHooks"
        self.key = key
        self.bounds = bounds


@dataclass
class MapView:
    """The map as the app sends it: a base kept in the browser and layers swapped into it.

    Use with ``st_folium(view.base, feature_group_to_add=view.groups, layer_control=view.control)``.
    streamlit-folium keys its map on the base's script, which changes only with the language. A
    new date, threshold, filter or selection then replaces the layers, the legend and the layer
    control inside the map that is already shown. The browser does not reload the map, and the
    planner's pan and zoom and the layers they switched off are kept. Choosing a catchment (or
    going back to all of Ontario) fits the view to it.
    """

    base: folium.Map
    groups: list[folium.FeatureGroup]
    control: folium.LayerControl


def map_view(analysis: Analysis, *, options: MapOptions | None = None, **choices: Any) -> MapView:
    """Draw an analysis as :func:`build_map` does, split for in-place updates in the app.

    Parameters
    ----------
    analysis : Analysis
        A finished analysis.
    options : MapOptions, keyword-only
        What to draw and how (``None``: the defaults).
    **choices
        Fields of :class:`MapOptions`, applied over ``options`` (as for :func:`build_map`).

    Returns
    -------
    MapView
        The base (all of Ontario in view), the layer groups (the first carries
        :class:`ViewHooks`, the last the legend) and the layer control.
    """
    opts = _options(options, choices)
    parts = _map_parts(analysis, opts)
    FitAtOnce(parts.extent).add_to(parts.base)
    hooks = folium.FeatureGroup(name="esr-view", control=False, show=True)
    ViewHooks(key=opts.selected or road_maps.view_key(analysis), bounds=parts.bounds).add_to(hooks)
    legend = folium.FeatureGroup(name=t("legend.title", opts.lang), control=False, show=True)
    LegendLayer(parts.legend_html, title=t("legend.title", opts.lang), position="topright").add_to(legend)
    lang = opts.lang
    south = (t("map.south", lang), t("map.south_help", lang), south_bounds(analysis.base, opts.tolerance_m))
    ViewButtons([south, (t("map.ontario", lang), t("map.ontario_help", lang), parts.extent)]).add_to(legend)
    groups = [hooks, *parts.groups, legend]
    for elem in (parts.base, *groups):
        use_offline_assets(elem)
    return MapView(base=parts.base, groups=groups, control=folium.LayerControl(collapsed=True, position="topleft"))


def map_html(m: folium.Map) -> str:
    """Return the map as one standalone HTML page (what a browser would download)."""
    return m.get_root().render()
