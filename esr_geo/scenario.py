"""Scenarios: what closing in-person sites costs, and where new in-person sites help most.

Two questions, zone by zone, for in-person employment services, each in its own module and
all importable from here:

* **Closures** (:mod:`esr_geo.closures`, :func:`close_sites`): remove sites from an analysis,
  re-measure everyone whose nearest site closed, and report who falls beyond the threshold
  (by catchment and zone, before and after), which zones change from pass to fail and which
  communities lose access.
* **New sites** (:mod:`esr_geo.suggest`, :func:`suggest_sites`): choose ``k`` candidate
  locations that bring the most currently uncovered non-reserve people within their
  threshold (the maximal covering location problem), greedily and, when small enough,
  exactly; :mod:`esr_geo.zone_fixing` makes failing zones pass first when asked.

The array-level building blocks (:func:`coverage_relation`, :func:`greedy_max_cover`,
:func:`exact_max_cover`) are in :mod:`esr_geo.covering`; the files (:func:`write_closure`,
:func:`write_suggestions`) in :mod:`esr_geo.scenario_files`; the codes that the result
tables carry next to their English (``change_code``, ``kind_code``, ``chosen_for_code``,
``note_code``) and their English in :mod:`esr_geo.scenario_codes`.
"""

from __future__ import annotations

from esr_geo.closures import ClosureResult, close_sites, list_sites
from esr_geo.covering import (
    GREEDY_GUARANTEE,
    CoverageRelation,
    DemandGroups,
    ExactResult,
    GreedyResult,
    aggregate_demand,
    coverage_relation,
    exact_max_cover,
    exact_solve_fits,
    greedy_max_cover,
)
from esr_geo.scenario_codes import CHANGE_LABELS, CHOSEN_FOR_LABELS, KIND_LABELS, ScenarioNote
from esr_geo.scenario_files import (
    CLOSURE_FILES,
    SUGGESTION_FILES,
    render_closure_html,
    render_suggestion_html,
    write_closure,
    write_suggestions,
)
from esr_geo.suggest import (
    CANDIDATE_COLUMNS,
    SUGGESTION_CODE_COLUMNS,
    SUGGESTION_COLUMNS,
    SuggestionResult,
    candidate_sites,
    suggest_sites,
)

__all__ = [
    "CANDIDATE_COLUMNS",
    "CHANGE_LABELS",
    "CHOSEN_FOR_LABELS",
    "CLOSURE_FILES",
    "GREEDY_GUARANTEE",
    "KIND_LABELS",
    "SUGGESTION_CODE_COLUMNS",
    "SUGGESTION_COLUMNS",
    "SUGGESTION_FILES",
    "ClosureResult",
    "CoverageRelation",
    "DemandGroups",
    "ExactResult",
    "GreedyResult",
    "ScenarioNote",
    "SuggestionResult",
    "aggregate_demand",
    "candidate_sites",
    "close_sites",
    "coverage_relation",
    "exact_max_cover",
    "exact_solve_fits",
    "greedy_max_cover",
    "list_sites",
    "render_closure_html",
    "render_suggestion_html",
    "suggest_sites",
    "write_closure",
    "write_suggestions",
]
