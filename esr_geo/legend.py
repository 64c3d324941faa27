"""The map's stylesheet and legend: CSS of labels and markers, and the legend as a Leaflet control.

:class:`PageStyle` carries the map's CSS and the zoom classes its labels use; :class:`Legend`
draws the legend inside the map (on screen and on paper), :class:`LegendLayer` as a layer that
leaves the map with its group (the app's in-place updates); :func:`legend_html` writes the
entries for the layers drawn. Colours come from :mod:`esr_geo.style`, texts from :mod:`esr_geo.i18n`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from branca.element import MacroElement
from jinja2 import Template

from esr_geo import i18n
from esr_geo.display import esc
from esr_geo.i18n import t
from esr_geo.rollout import IES, NOT_STARTED, PHASES, TBA, TRANSITION
from esr_geo.ssm import SSM_TBA, ssm_of, ssm_order
from esr_geo.style import (
    FAIL_COLOUR,
    GAP_COLOUR,
    MAP_BACKGROUND,
    PASS_COLOUR,
    PHASE_COLOURS,
    RESERVE_COLOUR,
    SITE_COLOUR,
    STATUS_COLOURS,
    SUGGESTION_COLOUR,
    TBA_COLOUR,
    TBA_HATCH_CSS,
    TBA_HATCH_ID,
    TBA_HATCH_PX,
    site_shape,
    ssm_colours,
)
from esr_geo.view import phase_label

if TYPE_CHECKING:
    import pandas as pd

    from esr_geo.drive import RoadMeasure

_CSS_TEMPLATE = """
<style>
.leaflet-container{background:BACKGROUNDC;font-family:Arial,Helvetica,sans-serif}
.esr-label{background:none;border:none}
.esr-label span{position:relative;display:inline-block;transform:translate(-50%,-50%);white-space:nowrap;font-size:12px;
 font-weight:bold;color:#111;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 4px #fff,0 0 6px #fff;pointer-events:none}
.esr-label.esr-small span{font-size:11px}
.esr-zoom-low .esr-label.esr-small{display:none}
.esr-label.esr-crowded{display:none}
.esr-site-icon{background:none;border:none}
.esr-site{box-sizing:border-box;width:14px;height:14px;background:#111;border:2px solid #fff;border-radius:50%;
 box-shadow:0 0 0 1px #111}
.esr-site.esr-outreach{background:#fff;border:3px solid #111;box-shadow:none}
.esr-site.esr-passport{border-radius:2px}
.esr-site.esr-consolidated{background:#111;border:3px double #fff}
.esr-site.esr-other{border-radius:0;transform:rotate(45deg) scale(.85)}
.esr-site.esr-french{box-shadow:0 0 0 1px #111,0 0 0 3px #fff,0 0 0 5px #111}
.esr-legend .ln.esr-french-area{border-top:2px dotted #111}
.esr-reserve-icon{background:none;border:none}
.esr-reserve{box-sizing:border-box;width:10px;height:10px;background:RESERVEC;border:1px solid #fff;
 box-shadow:0 0 0 1px #555}
.esr-suggestion-icon{background:none;border:none;filter:drop-shadow(0 0 1px #fff) drop-shadow(0 0 1px #fff)}
.esr-closed-icon{background:none;border:none}
.esr-closed{box-sizing:border-box;width:16px;height:16px;background:#fff;border:2px solid FAILC;border-radius:50%;
 color:FAILC;font:bold 13px/12px Arial,Helvetica,sans-serif;text-align:center}
.esr-star{width:26px;height:26px;background:STARC;color:#fff;font:bold 11px/28px Arial,Helvetica,sans-serif;
 text-align:center;clip-path:polygon(50% 0,61% 35%,98% 35%,68% 57%,79% 91%,50% 70%,21% 91%,32% 57%,2% 35%,39% 35%)}
.esr-star.esr-star-legend{display:inline-block;width:16px;height:16px;font-size:8px;line-height:18px}
.esr-cluster{background:rgba(17,17,17,.18)}
.esr-cluster div{display:flex;align-items:center;justify-content:center;width:calc(100% - 6px);
 height:calc(100% - 6px);margin:3px;border-radius:50%;background:rgba(17,17,17,.72);color:#fff;font-weight:bold;
 font-size:11px}
.esr-cluster span{line-height:1}
.esr-legend{background:rgba(255,255,255,.94);padding:5px 7px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.4);
 font-size:11px;line-height:14px;color:#111;max-width:200px}
.esr-legend-body{max-height:55vh;overflow-y:auto;margin-top:3px}
.esr-legend h4{margin:0 0 1px;font-size:11px}
.esr-legend-toggle{display:block;width:100%;margin:0;padding:0;border:0;background:none;text-align:left;
 font:bold 12px Arial,Helvetica,sans-serif;color:#111;cursor:pointer}
.esr-views a{width:auto!important;min-width:26px;padding:0 7px;font:bold 12px/26px Arial,Helvetica,sans-serif;
 color:#111;text-decoration:none;cursor:pointer}
.esr-legend-toggle::after{content:" \\25BE"}
.esr-legend-toggle[aria-expanded=false]::after{content:" \\25B8"}
.leaflet-control-layers,.leaflet-control-layers label{font-size:12px;line-height:1.35;margin:0}
.leaflet-control-layers-expanded{padding:6px 8px}
.esr-legend .sw{display:inline-block;width:16px;height:12px;margin-right:6px;vertical-align:-1px;
 border:1px solid #555;opacity:.85}
.esr-legend .ln{display:inline-block;width:18px;height:0;margin-right:6px;vertical-align:4px}
.esr-legend .sym{display:inline-block;width:16px;margin-right:6px;text-align:center;vertical-align:-2px}
.esr-legend .sym .esr-site,.esr-legend .sym .esr-reserve{display:inline-block}
.esr-legend .dot{display:inline-block;border-radius:50%;background:GAPC;border:1px solid #fff;
 box-shadow:0 0 0 1px GAPC}
.esr-legend section+section{margin-top:4px}
.leaflet-tooltip table,.leaflet-popup-content table{font-size:12px}
.leaflet-popup-content th{text-align:left;padding-right:8px;vertical-align:top}
@media print{.leaflet-control-layers,.leaflet-control-zoom,.esr-views{display:none}
 .esr-legend{box-shadow:none;border:1px solid #555}.esr-legend-body{display:block!important;max-height:none}}
</style>
"""
#: The map's CSS, with the palette's colours of :mod:`esr_geo.style` (neutral #111, #fff and #555 stay CSS).
MAP_CSS = _CSS_TEMPLATE
for _token, _colour in (
    ("BACKGROUNDC", MAP_BACKGROUND),
    ("RESERVEC", RESERVE_COLOUR),
    ("FAILC", FAIL_COLOUR),
    ("STARC", SUGGESTION_COLOUR),
    ("GAPC", GAP_COLOUR),
):
    MAP_CSS = MAP_CSS.replace(_token, _colour)


#: The SVG pattern of catchments with no SSM yet (grey stripes), which their fill
#: (``style.TBA_HATCH_FILL``) refers to; drawn once per page, outside the map's own SVG.
HATCH_SVG = (
    "<svg aria-hidden='true' width='0' height='0' style='position:absolute'><defs>"
    f"<pattern id='{TBA_HATCH_ID}' width='{TBA_HATCH_PX}' height='{TBA_HATCH_PX}' patternUnits='userSpaceOnUse' "
    "patternTransform='rotate(45)'>"
    f"<rect width='{TBA_HATCH_PX}' height='{TBA_HATCH_PX}' fill='#ffffff'/>"
    f"<rect width='2' height='{TBA_HATCH_PX}' fill='{TBA_COLOUR}'/></pattern></defs></svg>"
)


#: The Leaflet pane of the catchments' names (above markers and clusters, below tooltips; no clicks).
LABEL_PANE = "esrLabels"


class PageStyle(MacroElement):
    """CSS of the map (labels, markers, legend, print), the zoom classes the labels use and the SVG hatching."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}"""
        + MAP_CSS
        + """{% endmacro %}
        {% macro script(this, kwargs) %}
        (function(map){
            var LABEL_PANE = """
        + json.dumps(LABEL_PANE)
        + """;
            function esrZoomClass(){
                var z = map.getZoom(), c = map.getContainer();
                c.classList.remove('esr-zoom-low','esr-zoom-mid','esr-zoom-high');
                c.classList.add(z < 6 ? 'esr-zoom-low' : (z < 7 ? 'esr-zoom-mid' : 'esr-zoom-high'));
            }
            map.on('zoomend', esrZoomClass);
            esrZoomClass();
            // Labels never overlap: in drawing order (largest catchment first), a label that would
            // cover one already placed moves a line up or down, or half its width aside; if none of
            // these is free it is hidden until a zoom makes room for it.
            var pending = false;
            function esrDeclutter(){
                pending = false;
                var pane = map.getPane(LABEL_PANE);
                if (!pane) { return; }
                var labels = Array.prototype.slice.call(pane.querySelectorAll('.esr-label'));
                labels.forEach(function(el){
                    el.classList.remove('esr-crowded');
                    if (el.firstElementChild) { el.firstElementChild.style.top = el.firstElementChild.style.left = ''; }
                });
                var placed = [];
                function free(r){
                    return !placed.some(function(o){
                        return r.left < o.right + 3 && r.right > o.left - 3
                            && r.top < o.bottom + 1 && r.bottom > o.top - 1;
                    });
                }
                labels.forEach(function(el){
                    var span = el.firstElementChild;
                    var r = span ? span.getBoundingClientRect() : null;
                    if (!r || !r.width) { return; }
                    var w = r.width, h = r.height;
                    var moves = [[0, 0], [0, -h], [0, h], [0.6 * w, 0], [-0.6 * w, 0]];
                    for (var i = 0; i < moves.length; i++) {
                        var dx = moves[i][0], dy = moves[i][1];
                        var box = {left: r.left + dx, right: r.right + dx, top: r.top + dy, bottom: r.bottom + dy};
                        if (free(box)) {
                            span.style.top = dy + 'px';
                            span.style.left = dx + 'px';
                            placed.push(box);
                            return;
                        }
                    }
                    el.classList.add('esr-crowded');
                });
                // the zoom the labels were last arranged for (the browser test waits for it)
                pane.setAttribute('data-esr-arranged', String(map.getZoom()));
            }
            function esrSoon(){
                if (!pending) {
                    pending = true;
                    var pane = map.getPane(LABEL_PANE);
                    if (pane) { pane.removeAttribute('data-esr-arranged'); }
                    setTimeout(esrDeclutter, 0);
                }
            }
            map.on('zoomend moveend layeradd overlayadd resize', esrSoon);
            esrSoon();
            if (!document.getElementById("""
        + json.dumps(TBA_HATCH_ID)
        + """)) {
                document.body.insertAdjacentHTML('beforeend', """
        + json.dumps(HATCH_SVG)
        + """);
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "PageStyle"


#: The browser's ``localStorage`` key of the legend's state ('open' or 'folded').
LEGEND_STATE_KEY = "esr-geo.legend"
#: Until the planner folds or opens it, the legend is open on a map at least this wide (px).
LEGEND_OPEN_MIN_PX = 760

_LEGEND_CONTROL_JS = (
    """
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function(map){
                var div = L.DomUtil.create('div', 'esr-legend');
                div.innerHTML = '<button type="button" class="esr-legend-toggle" aria-expanded="true"></button>'
                    + '<div class="esr-legend-body"></div>';
                var button = div.querySelector('button'), body = div.querySelector('.esr-legend-body');
                button.textContent = {{ this.title|tojson }};
                body.innerHTML = {{ this.html|tojson }};
                // Folded or open as the planner left it (this page's legends, and the next visit's:
                // localStorage); until then open on a wide map only.
                var KEY = """
    + json.dumps(LEGEND_STATE_KEY)
    + """;
                var open = window.esrLegendOpen;
                if (typeof open !== 'boolean') {
                    try { var kept = window.localStorage.getItem(KEY); if (kept !== null) { open = kept === 'open'; } }
                    catch (e) {}
                }
                if (typeof open !== 'boolean') { open = map.getSize().x >= """
    + str(LEGEND_OPEN_MIN_PX)
    + """; }
                function show(state){
                    body.style.display = state ? '' : 'none';
                    button.setAttribute('aria-expanded', state ? 'true' : 'false');
                }
                show(open);
                L.DomEvent.on(button, 'click', function(){
                    var state = body.style.display === 'none';
                    show(state);
                    window.esrLegendOpen = state;
                    try { window.localStorage.setItem(KEY, state ? 'open' : 'folded'); } catch (e) {}
                });
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
"""
)


class Legend(MacroElement):
    """An HTML legend drawn as a Leaflet control, inside the map (on screen and on paper).

    Its title is a button that folds the legend away and back. The planner's choice is kept for
    the legends that replace it (the app's in-place updates) and for later visits (the browser's
    ``localStorage``, key :data:`LEGEND_STATE_KEY`); until they choose, the legend is open on a
    map at least :data:`LEGEND_OPEN_MIN_PX` wide and folded on a narrower one. On paper it is open.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(map){"""
        + _LEGEND_CONTROL_JS
        + """
            legend.addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, *, title: str, position: str = "bottomleft") -> None:
        super().__init__()
        self._name = "Legend"
        self.html = html_text
        self.title = title
        self.position = position


class LegendLayer(Legend):
    """The legend as a Leaflet layer inside a ``FeatureGroup``: shown while the group is on the map.

    The app swaps the map's layer groups in place (:func:`map_view`); a legend added this way
    leaves the map with its group, so the old legend never lingers beside the new one.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(group){
            var LegendLayer = L.Layer.extend({
                onAdd: function(map){"""
        + _LEGEND_CONTROL_JS
        + """
                    this._legend = legend;
                    legend.addTo(map);
                },
                onRemove: function(map){
                    if (this._legend) { map.removeControl(this._legend); this._legend = null; }
                }
            });
            group.addLayer(new LegendLayer());
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


class ViewButtons(MacroElement):
    """Buttons inside the map that fit its view: southern Ontario, and all of Ontario.

    A Leaflet layer in a ``FeatureGroup`` (it leaves the map with its group, as
    :class:`LegendLayer` does) that adds a bar of buttons below the zoom buttons; each fits the
    map to its bounds (``[[south, west], [north, east]]``, degrees) in the browser, with no
    round trip to the server.

    Parameters
    ----------
    views : sequence of (label, tooltip, bounds)
        One button per view, in order.
    position : str, keyword-only
        The Leaflet corner of the bar.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function(group){
            var views = {{ this.views|tojson }};
            var ViewButtons = L.Layer.extend({
                onAdd: function(map){
                    var bar = L.control({position: {{ this.position|tojson }}});
                    bar.onAdd = function(){
                        var div = L.DomUtil.create('div', 'leaflet-bar esr-views');
                        views.forEach(function(v){
                            var a = L.DomUtil.create('a', 'esr-view', div);
                            a.href = '#'; a.setAttribute('role', 'button');
                            a.textContent = v[0]; a.title = v[1]; a.setAttribute('aria-label', v[1]);
                            L.DomEvent.on(a, 'click', function(e){
                                L.DomEvent.preventDefault(e);
                                map.fitBounds(v[2], {padding: [10, 10]});
                            });
                        });
                        L.DomEvent.disableClickPropagation(div);
                        return div;
                    };
                    this._bar = bar;
                    bar.addTo(map);
                },
                onRemove: function(map){
                    if (this._bar) { map.removeControl(this._bar); this._bar = null; }
                }
            });
            group.addLayer(new ViewButtons());
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, views: Sequence[tuple[str, str, list[list[float]]]], *, position: str = "topleft") -> None:
        super().__init__()
        self._name = "ViewButtons"
        self.views = [[label, tip, bounds] for label, tip, bounds in views]
        self.position = position


def _row(symbol: str, label: str) -> str:
    return f"<div>{symbol}{esc(label)}</div>"


def _section(rows: str, title: str | None = None) -> str:
    head = f"<h4>{esc(title)}</h4>" if title is not None else ""
    return f"<section>{head}{rows}</section>"


def ssm_entries(rollout: pd.DataFrame, lang: str) -> list[tuple[str, str, str]]:
    """Return the SSM colouring's entries: (SSM code, name in ``lang``, CSS fill colour).

    In the order of :func:`esr_geo.ssm.ssm_order` (the rollout table's, "to be announced" last),
    with the colours of :func:`esr_geo.style.ssm_colours`; what the legend and the timeline list.
    """
    owners = ssm_of(rollout).drop_duplicates("ssm_id").set_index("ssm_id")
    order = ssm_order(rollout)
    colours = ssm_colours(order)
    return [(s, i18n.ssm_name(owners.at[s, "ssm_en"], owners.at[s, "ssm_fr"], lang), colours[s]) for s in order]


def _swatch(ssm_id: str, colour: str) -> str:
    """Return a legend swatch: the colour, or the hatching of catchments with no SSM yet."""
    fill = TBA_HATCH_CSS if ssm_id == SSM_TBA else colour
    return f"<span class='sw' style='background:{fill}'></span>"


def _fill_section(*, lang: str, colour_by: str, on: dt.date, rollout: pd.DataFrame | None) -> str:
    """Return the entries of the catchments' fills: by status on ``on``, by SSM or by phase."""
    if colour_by == "ssm":
        if rollout is None:
            raise ValueError("the legend of the SSM colouring needs the rollout table (rollout=...).")
        rows = "".join(_row(_swatch(s, c), label) for s, label, c in ssm_entries(rollout, lang))
        return _section(rows, t("legend.ssm", lang))
    if colour_by == "status":
        items = [(STATUS_COLOURS[c], i18n.status_label(c, lang)) for c in (IES, TRANSITION, NOT_STARTED, TBA)]
        title = t("legend.status", lang, date=i18n.fmt_date(on, lang))
    else:
        items = [(PHASE_COLOURS[p], phase_label(p, lang)) for p in PHASES]
        title = t("legend.phase", lang)
    return _section(
        "".join(_row(f"<span class='sw' style='background:{c}'></span>", label) for c, label in items), title
    )


def _zone_section(lang: str) -> str:
    return _section(
        _row(f"<span class='ln' style='border-top:3px solid {PASS_COLOUR}'></span>", t("legend.zone_pass", lang))
        + _row(f"<span class='ln' style='border-top:4px dashed {FAIL_COLOUR}'></span>", t("legend.zone_fail", lang)),
        t("legend.zones", lang),
    )


def _site_section(site_types: Sequence[str], lang: str) -> str:
    rows = "".join(
        _row(
            f"<span class='sym'><span class='esr-site esr-{site_shape(st)}'></span></span>",
            i18n.site_type_label(st, lang),
        )
        for st in site_types
    )
    return _section(rows, t("legend.sites", lang))


def _french_section(shown: set[str], lang: str) -> str:
    """Return the French Language Services entries: the ring of French-serving sites, the designated areas."""
    rows = []
    if "french_sites" in shown:
        ring = "<span class='sym'><span class='esr-site esr-centre esr-french'></span></span>"
        rows.append(_row(ring, t("legend.french_site", lang)))
    if "french_areas" in shown:
        rows.append(_row("<span class='ln esr-french-area'></span>", t("legend.french_area", lang)))
    return _section("".join(rows), t("layer.french_areas", lang)) if rows else ""


def _gap_section(shown: set[str], *, threshold_km: float, lang: str, threshold_min: float | None = None) -> str:
    """Return the entries of the gaps and the threshold rings ('' if none of them is drawn).

    With ``threshold_min`` (an analysis by road) the gaps are those beyond that many minutes' drive.
    """
    km = i18n.fmt_km(threshold_km, lang)
    if threshold_min is None:
        beyond, community, reserve = {"km": km}, "legend.community", "legend.reserve"
    else:
        beyond = {"min": i18n.fmt_km(threshold_min, lang)}
        community, reserve = "drive.legend_community", "drive.legend_reserve"
    gaps = []
    if "communities" in shown:
        dot = "<span class='sym'><span class='dot' style='width:10px;height:10px'></span></span>"
        gaps.append(_row(dot, t(community, lang, **beyond)))
    if "reserves" in shown:
        gaps.append(_row("<span class='sym'><span class='esr-reserve'></span></span>", t(reserve, lang, **beyond)))
    if "rings" in shown:
        ring = f"<span class='ln' style='border-top:2px dotted {SITE_COLOUR}'></span>"
        gaps.append(_row(ring, t("legend.ring", lang, km=km)))
    return _section("".join(gaps), t("legend.gaps", lang)) if gaps else ""


def _drive_section(bands_min: Sequence[float], lang: str) -> str:
    """Return the drive-time entries: one swatch per service-area band (the roads share its colour), then the rest."""
    from esr_geo.road_maps import legend_rows

    rows = legend_rows(bands_min, lang)
    last = len(bands_min)  # the roads beyond the last band and the roads with no site reached: lines only
    return _section(
        "".join(
            _row(f"<span class='ln' style='border-top:3px solid {c}'></span>" if i >= last
                 else f"<span class='sw' style='background:{c}'></span>", label)
            for i, (c, label) in enumerate(rows)
        ),
        t("drive.legend_title", lang),
    )  # fmt: skip


def legend_html(
    *,
    lang: str,
    colour_by: str,
    on: dt.date,
    layers: Iterable[str],
    threshold_km: float,
    site_types: Sequence[str] = (),
    rollout: pd.DataFrame | None = None,
    road: RoadMeasure | None = None,
) -> str:
    """Return the legend's HTML for the layers drawn (every text from :mod:`esr_geo.i18n`).

    Parameters
    ----------
    lang : {'en', 'fr'}, keyword-only
        Language of every text.
    colour_by : {'phase', 'status', 'ssm'}, keyword-only
        What the catchments' fills show.
    on : datetime.date, keyword-only
        Date of the statuses (named in the title when ``colour_by='status'``).
    layers : iterable of str, keyword-only
        The layers drawn (``esr_geo.maps.LAYERS``), each with its entry, and the scenario's marks
        drawn: ``'suggestions'`` (suggested sites, numbered stars), ``'closed'`` (closed
        sites, a circled ×) and ``'french_sites'`` (sites serving in French, ringed).
    threshold_km : float, keyword-only
        Distance threshold in km (named in the gap entries).
    site_types : sequence of str, keyword-only
        Site types drawn, each with its marker shape.
    rollout : pandas.DataFrame, keyword-only
        The rollout table whose SSMs the legend lists (needed when ``colour_by='ssm'``).
    road : esr_geo.drive.RoadMeasure, keyword-only
        The drive-time measure of an analysis by road: the legend lists its service-area bands
        (minutes, one entry each, :func:`esr_geo.road_maps.legend_rows`) and names the gaps by
        its threshold in minutes.

    Returns
    -------
    str
        HTML: one ``<section>`` per group of entries.
    """
    shown = set(layers)
    parts = [_fill_section(lang=lang, colour_by=colour_by, on=on, rollout=rollout)]
    if "zones" in shown:
        parts.append(_zone_section(lang))
    if "sites" in shown:
        parts.append(_site_section(site_types, lang))
    if road is not None:
        parts.append(_drive_section(road.bands_min, lang))
    parts.append(_gap_section(shown, threshold_km=threshold_km, lang=lang,
                              threshold_min=None if road is None else road.threshold_min))  # fmt: skip
    if "closed" in shown:
        parts.append(
            _section(_row("<span class='sym'><span class='esr-closed'>×</span></span>", t("legend.closed", lang)))
        )
    parts.append(_french_section(shown, lang))
    if "suggestions" in shown:
        star = "<span class='sym'><span class='esr-star esr-star-legend'>1</span></span>"
        parts.append(_section(_row(star, t("legend.suggestion", lang))))
    return "".join(parts)
