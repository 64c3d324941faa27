"""The palette: every colour and marker shape the map, its legend and the timeline use.

One home for the colours, so that the map, the legend, the timeline and the page's tables agree.
Colours are CSS hex strings; the colour-blind-safe ones come from the Okabe-Ito palette. This
module imports nothing heavy (only the rollout status codes), so any module may use it.

Notes
-----
``esr_geo.report`` (its figure and CSS), ``esr_geo.export`` (the GIS layer styles, through
``report``'s copies) and the scenario pages' CSS (``esr_geo.scenario_files``) still keep their own
literal copies of some of these colours; they should point here.
"""

from __future__ import annotations

from esr_geo.rollout import IES, NOT_STARTED, TBA, TRANSITION

#: Fill colour of each rollout phase (Okabe-Ito, colour-blind-safe).
PHASE_COLOURS: dict[str, str] = {
    "Prototype": "#E69F00",
    "Phase 1": "#56B4E9",
    "Phase 2": "#009E73",
    "Phase 3": "#CC79A7",
}
#: Fill of a catchment whose phase has no colour (CSS shorthand, as the map has always drawn it).
OTHER_PHASE_COLOUR = "#999"

#: Fill colours of the rollout statuses (Okabe-Ito, colour-blind-safe; grey: no dates yet).
STATUS_COLOURS: dict[str, str] = {
    TBA: "#999999",
    NOT_STARTED: "#F0E442",
    TRANSITION: "#E69F00",
    IES: "#009E73",
}

#: A zone that passes (blue) and one that fails (vermillion), on the map and in the report.
PASS_COLOUR = "#0072B2"
FAIL_COLOUR = "#D55E00"
#: Background of a table row that changes from pass to fail: ``FAIL_COLOUR`` at 20 % opacity.
FAIL_HIGHLIGHT = f"{FAIL_COLOUR}33"

#: Communities beyond the threshold (the report's "fail") and reserves beyond it (grey:
#: exempt from the SSM model).
GAP_COLOUR = FAIL_COLOUR
RESERVE_COLOUR = "#7F7F7F"
#: Threshold rings around the in-person sites.
SITE_COLOUR = "#111111"
#: Suggested new sites (numbered stars).
SUGGESTION_COLOUR = "#4B1D6B"

#: Near-black of outlines and marks: the selected catchment, the hover outline, the timeline's
#: date rule, its IES-start diamonds and the selected catchment's bar.
INK = "#111111"
#: Edges between catchments and around the community circles.
EDGE_COLOUR = "#ffffff"
#: Secondary text (the timeline's "dates to be announced").
NOTE_COLOUR = "#444444"
#: Background of the map where no base map is drawn.
MAP_BACKGROUND = "#eef1f4"

#: Marker shape of each site type (a CSS class of ``esr-site``); other types use ``other``.
SITE_SHAPES: dict[str, str] = {
    "Service Canada Centre": "centre",
    "Scheduled Outreach Site": "outreach",
    "Passport Office": "passport",
    "Service Canada Centre and Passport Office (consolidated)": "consolidated",
}
OTHER_SITE_SHAPE = "other"


def site_shape(site_type: str) -> str:
    """Return the marker shape (CSS class suffix) of a site type; unknown types get ``other``."""
    return SITE_SHAPES.get(site_type, OTHER_SITE_SHAPE)
