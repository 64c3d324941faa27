"""The palette: every colour and marker shape the map, its legend and the timeline use.

One home for the colours, so that the map, the legend, the timeline and the page's tables agree.
Colours are CSS hex strings. The three ways of colouring the catchments never give one colour two
meanings (``tests/test_ssm.py`` checks it, perceptually too):

- **phases**: four hues of the Okabe-Ito palette (Okabe and Ito, *Color Universal Design*, 2008;
  https://jfly.uni-koeln.de/color/), without its green, which the statuses use;
- **statuses**, an ordered progression: shades of ColorBrewer's single-hue *Greens* (7-class scheme,
  classes 2, 5 and 7; Cynthia Brewer, https://colorbrewer2.org, colour-blind safe), darker as a
  catchment goes further, and grey for *to be announced*;
- **service system managers (SSMs)**: Paul Tol's *muted* qualitative palette (9 colours,
  colour-blind safe; https://personal.sron.nl/~pault/, "Colour schemes and templates", 2021),
  ordered so that its green, the nearest to the statuses' greens, comes last; catchments with no
  SSM yet are hatched in the same grey as *to be announced*.

Zones that pass or fail, gaps and sites keep Okabe-Ito's blue, vermillion and black. This module
imports nothing heavy (only the rollout status codes), so any module may use it.

Notes
-----
``esr_geo.report`` (its figure and CSS), ``esr_geo.export`` (the GIS layer styles, through
``report``'s copies) and the scenario pages' CSS (``esr_geo.scenario_files``) still keep their own
literal copies of some of these colours; they should point here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from esr_geo.rollout import IES, NOT_STARTED, TBA, TRANSITION

_LOG = logging.getLogger(__name__)

#: Fill colour of each rollout phase (Okabe-Ito: orange, sky blue, yellow, reddish purple).
PHASE_COLOURS: dict[str, str] = {
    "Prototype": "#E69F00",
    "Phase 1": "#56B4E9",
    "Phase 2": "#F0E442",
    "Phase 3": "#CC79A7",
}
#: Fill of a catchment whose phase has no colour (CSS shorthand, as the map has always drawn it).
OTHER_PHASE_COLOUR = "#999"

#: Grey of "to be announced": the status with no dates, and the catchments with no SSM yet.
TBA_COLOUR = "#999999"
#: Fill colours of the rollout statuses: ColorBrewer *Greens* (7 classes: 2, 5, 7), grey when
#: there are no dates yet.
STATUS_COLOURS: dict[str, str] = {
    TBA: TBA_COLOUR,
    NOT_STARTED: "#C7E9C0",
    TRANSITION: "#41AB5D",
    IES: "#005A32",
}

#: Fill colours of the service system managers, given in the order the SSMs first appear in the
#: rollout table (Paul Tol's *muted*: rose, indigo, sand, cyan, wine, teal, olive, purple, green).
SSM_COLOURS: tuple[str, ...] = (
    "#CC6677",
    "#332288",
    "#DDCC77",
    "#88CCEE",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
    "#117733",
)
#: The hatching of catchments with no SSM yet: the id of its SVG pattern (drawn by
#: ``esr_geo.legend.PageStyle``), the fill that uses it, and its stripes (px).
TBA_HATCH_ID = "esr-tba-hatch"
TBA_HATCH_FILL = f"url(#{TBA_HATCH_ID})"
TBA_HATCH_PX = 6
#: The legend's swatch of the same hatching (a CSS background).
TBA_HATCH_CSS = f"repeating-linear-gradient(45deg,{TBA_COLOUR} 0 2px,#ffffff 2px {TBA_HATCH_PX}px)"


def ssm_colours(ssm_ids: Iterable[str]) -> dict[str, str]:
    """Return the fill colour of each service system manager (SSM).

    Parameters
    ----------
    ssm_ids : iterable of str
        SSM codes in the order they first appear in the rollout table
        (:func:`esr_geo.ssm.ssm_order`); the code ``to_be_announced`` (catchments with no SSM
        yet) gets :data:`TBA_COLOUR`.

    Returns
    -------
    dict
        SSM code -> CSS colour: :data:`SSM_COLOURS` in turn. An SSM that runs several catchments
        has one colour for all of them. With more SSMs than colours, the colours repeat (logged
        as a warning, since two SSMs then share one).
    """
    named = list(dict.fromkeys(s for s in ssm_ids if s != TBA))
    if len(named) > len(SSM_COLOURS):
        _LOG.warning(
            "%d service system managers but %d SSM colours: the colours repeat from the %dth SSM on.",
            len(named),
            len(SSM_COLOURS),
            len(SSM_COLOURS) + 1,
        )
    out = {ssm: SSM_COLOURS[i % len(SSM_COLOURS)] for i, ssm in enumerate(named)}
    out[TBA] = TBA_COLOUR
    return out


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
