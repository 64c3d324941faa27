"""The codes of scenario results, and the English each stands for.

Scenario tables carry codes (``change_code``, ``kind_code``, ``chosen_for_code``,
``note_code``) next to their English columns, and notes carry a code plus the numbers in
them (:class:`ScenarioNote`), so a caller can word them in another language without parsing
English back. The English wording lives here only; the files written by
:mod:`esr_geo.scenario_files` use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: ``kind_code`` of a candidate or community: its English ``kind``.
KIND_LABELS = {"place": "place (GeoNames)", "first_nation": "First Nation band office"}
#: ``kind_code`` of a candidate read from a planner's file (its ``kind`` names the file).
CANDIDATE_FILE_KIND = "candidate"

#: ``change_code`` of a zone in a closure (before, after): its English ``change``.
CHANGE_LABELS = {
    "still_passes": "still passes",
    "pass_fail": "pass → fail",
    "still_fails": "still fails",
    "fail_pass": "fail → pass",
}
_CHANGE_CODES = {(True, True): "still_passes", (True, False): "pass_fail", (False, False): "still_fails",
                 (False, True): "fail_pass"}  # fmt: skip

#: ``chosen_for_code`` of a suggested site: its English ``chosen_for`` (``{zone}``: ``chosen_for_zone``).
CHOSEN_FOR_LABELS = {"coverage": "coverage", "zone_pass": "makes zone {zone} pass", "optimum": "optimum"}

#: ``note_code`` of a note: its English, a ``str.format`` template of the note's ``values``.
NOTE_TEMPLATES = {
    # a failing zone in fix-failing-zones mode (the ``zone_fixes`` table)
    "fixed": "passes with the sites added",
    "fixed_by_other": "passes thanks to the sites added for {zone}",
    "no_candidate_in_zone": (
        "cannot be made to pass: no candidate location lies inside the zone, and it needs an in-person site inside it"
    ),
    "unreachable": (
        "cannot be made to pass: {people_beyond:,.0f} people stay beyond the threshold: no remaining candidate is "
        "within reach of them (the best achievable is {best_pct:.1f}%, {required_pct:.0f}% required)"
    ),
    "too_few_sites": (
        "needs {sites_needed} new site(s) to pass; only {sites_left} of the {k} requested were left after the zones "
        "needing fewer"
    ),
    "not_reached": "not reached",
    # notes of a suggestion (``SuggestionResult.coded_notes``)
    "nobody_beyond": "Nobody in {scope} is beyond the threshold today: no new site is needed for coverage.",
    "fewer_sites": (
        "Only {chosen} of the {k} sites requested add anyone: no other candidate in {scope} is within the threshold "
        "of people still beyond it."
    ),
    "fix_first_optimum": (
        "Sites were chosen to make failing zones pass first; the optimum and the greedy-to-optimum ratio refer to "
        "pure coverage (most people brought within reach), without that priority."
    ),
    "band_offices": (
        "Some suggested locations are First Nations band offices: the people counted are non-reserve residents "
        "nearby; reserves themselves are exempt from the SSM model."
    ),
    # how the exact problem was solved (``SuggestionResult.exact_note``)
    "exact_off": "not solved (exact=False)",
    "exact_too_large": (
        "not solved: {groups:,} demand groups x {candidates:,} candidates ({pairs:,} coverage pairs) exceed the "
        "settings' limits for an exact solve (exact=True forces it); the greedy choice is guaranteed to reach at "
        "least {guarantee_pct:.0f}% of the optimum"
    ),
    "exact_solved": "{method}: {groups:,} demand groups x {candidates:,} candidates",
    "exact_unsolved": "{method}: {groups:,} demand groups x {candidates:,} candidates",
    "exact_below_greedy": (
        "{method}: {groups:,} demand groups x {candidates:,} candidates; the solver's best was below the greedy, "
        "which is reported as the best known"
    ),
}


@dataclass(frozen=True)
class ScenarioNote:
    """A note as a code (a key of :data:`NOTE_TEMPLATES`) and the values worded in it."""

    code: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        """Return the note in English."""
        return NOTE_TEMPLATES[self.code].format(**self.values)


def change_code(passes_before: bool, passes_after: bool) -> str:
    """Return the ``change_code`` of a zone that passed (or not) before and after."""
    return _CHANGE_CODES[(bool(passes_before), bool(passes_after))]


def kind_label(kind_code: pd.Series) -> pd.Series:
    """Return the English ``kind`` of each ``kind_code`` (unknown codes are kept as they are)."""
    return kind_code.map(KIND_LABELS).fillna(kind_code)


def kind_code_of_label(kind: pd.Series) -> pd.Series:
    """Return the ``kind_code`` of a candidate table that has only the English ``kind``.

    For hand-made candidate tables only: the labels of :data:`KIND_LABELS` get their code,
    anything else is :data:`CANDIDATE_FILE_KIND`.
    """
    codes = {label: code for code, label in KIND_LABELS.items()}
    return kind.map(codes).fillna(CANDIDATE_FILE_KIND)


def chosen_for_label(code: str, zone: str = "") -> str:
    """Return the English ``chosen_for`` of a ``chosen_for_code`` (and its zone)."""
    return CHOSEN_FOR_LABELS[code].format(zone=zone)


__all__ = [
    "CANDIDATE_FILE_KIND",
    "CHANGE_LABELS",
    "CHOSEN_FOR_LABELS",
    "KIND_LABELS",
    "NOTE_TEMPLATES",
    "ScenarioNote",
    "change_code",
    "chosen_for_label",
    "kind_code_of_label",
    "kind_label",
]
