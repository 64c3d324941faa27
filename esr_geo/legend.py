"""The map's stylesheet and legend: CSS of labels and markers, and the legend as a Leaflet control.

:class:`PageStyle` carries the map's CSS and the zoom classes its labels use; :class:`Legend`
draws the legend inside the map (on screen and on paper), :class:`LegendLayer` as a layer that
leaves the map with its group (the app's in-place updates); :func:`legend_html` writes the
entries for the layers drawn. Colours come from :mod:`esr_geo.style`, texts from :mod:`esr_geo.i18n`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from branca.element import MacroElement
from jinja2 import Template

from esr_geo import i18n
from esr_geo.display import esc
from esr_geo.i18n import t
from esr_geo.rollout import IES, NOT_STARTED, PHASES, TBA, TRANSITION
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
    site_shape,
)
from esr_geo.view import phase_label

_CSS_TEMPLATE = """
<style>
.leaflet-container{background:BACKGROUNDC;font-family:Arial,Helvetica,sans-serif}
.esr-label{background:none;border:none}
.esr-label span{display:inline-block;transform:translate(-50%,-50%);white-space:nowrap;font-size:12px;
 font-weight:bold;color:#111;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 4px #fff,0 0 6px #fff;pointer-events:none}
.esr-label.esr-small span{font-size:11px}
.esr-zoom-low .esr-label.esr-small,.esr-zoom-mid .esr-label.esr-small{display:none}
.esr-zoom-low .esr-label.esr-medium{display:none}
.esr-site-icon{background:none;border:none}
.esr-site{box-sizing:border-box;width:14px;height:14px;background:#111;border:2px solid #fff;border-radius:50%;
 box-shadow:0 0 0 1px #111}
.esr-site.esr-outreach{background:#fff;border:3px solid #111;box-shadow:none}
.esr-site.esr-passport{border-radius:2px}
.esr-site.esr-consolidated{background:#111;border:3px double #fff}
.esr-site.esr-other{border-radius:0;transform:rotate(45deg) scale(.85)}
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
.esr-cluster div{background:rgba(17,17,17,.82);color:#fff;font-weight:bold}
.esr-cluster{background:rgba(17,17,17,.25)}
.esr-legend{background:rgba(255,255,255,.94);padding:8px 10px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.4);
 font-size:11px;line-height:15px;color:#111;max-width:240px}
.esr-legend h4{margin:0 0 2px;font-size:11px}
.esr-legend-toggle{display:block;width:100%;margin:0 0 4px;padding:0;border:0;background:none;text-align:left;
 font:bold 12px Arial,Helvetica,sans-serif;color:#111;cursor:pointer}
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
.esr-legend section+section{margin-top:6px}
.leaflet-tooltip table,.leaflet-popup-content table{font-size:12px}
.leaflet-popup-content th{text-align:left;padding-right:8px;vertical-align:top}
@media print{.leaflet-control-layers,.leaflet-control-zoom{display:none}
 .esr-legend{box-shadow:none;border:1px solid #555}}
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


class PageStyle(MacroElement):
    """CSS of the map (labels, markers, legend, print) and the zoom classes the labels use."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}"""
        + MAP_CSS
        + """{% endmacro %}
        {% macro script(this, kwargs) %}
        (function(map){
            function esrZoomClass(){
                var z = map.getZoom(), c = map.getContainer();
                c.classList.remove('esr-zoom-low','esr-zoom-mid','esr-zoom-high');
                c.classList.add(z < 6 ? 'esr-zoom-low' : (z < 7 ? 'esr-zoom-mid' : 'esr-zoom-high'));
            }
            map.on('zoomend', esrZoomClass);
            esrZoomClass();
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "PageStyle"


_LEGEND_CONTROL_JS = """
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function(){
                var div = L.DomUtil.create('div', 'esr-legend');
                div.innerHTML = '<button type="button" class="esr-legend-toggle" aria-expanded="true"></button>'
                    + '<div class="esr-legend-body"></div>';
                var button = div.querySelector('button'), body = div.querySelector('.esr-legend-body');
                button.textContent = {{ this.title|tojson }};
                body.innerHTML = {{ this.html|tojson }};
                L.DomEvent.on(button, 'click', function(){
                    var open = body.style.display === 'none';
                    body.style.display = open ? '' : 'none';
                    button.setAttribute('aria-expanded', open ? 'true' : 'false');
                });
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
"""


class Legend(MacroElement):
    """An HTML legend drawn as a Leaflet control, inside the map (on screen and on paper).

    Its title is a button that folds the legend away and back (for small screens).
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


def _row(symbol: str, label: str) -> str:
    return f"<div>{symbol}{esc(label)}</div>"


def _section(rows: str, title: str | None = None) -> str:
    head = f"<h4>{esc(title)}</h4>" if title is not None else ""
    return f"<section>{head}{rows}</section>"


def _fill_section(*, lang: str, colour_by: str, on: dt.date) -> str:
    """Return the entries of the catchments' fills: by status on ``on`` or by phase."""
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


def _gap_section(shown: set[str], *, threshold_km: float, lang: str) -> str:
    """Return the entries of the gaps and the threshold rings ('' if none of them is drawn)."""
    km = i18n.fmt_km(threshold_km, lang)
    gaps = []
    if "communities" in shown:
        dot = "<span class='sym'><span class='dot' style='width:10px;height:10px'></span></span>"
        gaps.append(_row(dot, t("legend.community", lang, km=km)))
    if "reserves" in shown:
        gaps.append(
            _row("<span class='sym'><span class='esr-reserve'></span></span>", t("legend.reserve", lang, km=km))
        )
    if "rings" in shown:
        ring = f"<span class='ln' style='border-top:2px dotted {SITE_COLOUR}'></span>"
        gaps.append(_row(ring, t("legend.ring", lang, km=km)))
    return _section("".join(gaps), t("legend.gaps", lang)) if gaps else ""


def legend_html(
    *,
    lang: str,
    colour_by: str,
    on: dt.date,
    layers: Iterable[str],
    threshold_km: float,
    site_types: Sequence[str] = (),
    suggestions: bool = False,
    closed: bool = False,
) -> str:
    """Return the legend's HTML for the layers drawn (every text from :mod:`esr_geo.i18n`).

    Parameters
    ----------
    lang : {'en', 'fr'}, keyword-only
        Language of every text.
    colour_by : {'phase', 'status'}, keyword-only
        What the catchments' fills show.
    on : datetime.date, keyword-only
        Date of the statuses (named in the title when ``colour_by='status'``).
    layers : iterable of str, keyword-only
        The layers drawn (``esr_geo.maps.LAYERS``); each has its entry.
    threshold_km : float, keyword-only
        Distance threshold in km (named in the gap entries).
    site_types : sequence of str, keyword-only
        Site types drawn, each with its marker shape.
    suggestions, closed : bool, keyword-only
        Whether suggested sites (numbered stars) or closed sites (circled ×) are drawn.

    Returns
    -------
    str
        HTML: one ``<section>`` per group of entries.
    """
    shown = set(layers)
    parts = [_fill_section(lang=lang, colour_by=colour_by, on=on)]
    if "zones" in shown:
        parts.append(_zone_section(lang))
    if "sites" in shown:
        parts.append(_site_section(site_types, lang))
    parts.append(_gap_section(shown, threshold_km=threshold_km, lang=lang))
    if closed:
        parts.append(
            _section(_row("<span class='sym'><span class='esr-closed'>×</span></span>", t("legend.closed", lang)))
        )
    if suggestions:
        star = "<span class='sym'><span class='esr-star esr-star-legend'>1</span></span>"
        parts.append(_section(_row(star, t("legend.suggestion", lang))))
    return "".join(parts)
