"""The service system managers' (SSMs') view: one row per SSM, summed from an analysis.

One organisation can run several catchments (the rollout table names each catchment's SSM, in
English and French). This module groups the catchments by their SSM, as the rollout table says
(a planner's own table works the same; no SSM is named in the code), and sums each group's
figures with :meth:`esr_geo.analysis.Analysis.summary` (the one home of those sums: people,
reserve residents apart, in-person sites, people within reach, zones that fail). Catchments with
no SSM yet (a blank ``ssm_en``) form one group under the code ``to_be_announced``, so the groups
always add up to the province. Statuses on a date come from :func:`esr_geo.rollout.status_codes`.

Codes and numbers only: the words (headers, "to be announced") are made where the view is shown,
by :mod:`esr_geo.i18n`. Needs only pandas and the rollout module at import (the page's timeline
uses :func:`ssm_of` before the geography has loaded).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from esr_geo.errors import InputError, shown
from esr_geo.rollout import TBA, parse_date, status_codes

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis

_LOG = logging.getLogger(__name__)

#: The code of the group of catchments whose SSM is not announced yet (the rollout status code).
SSM_TBA = TBA
#: The figures of each SSM and catchment: the keys of :meth:`esr_geo.analysis.Analysis.summary`.
#: People columns are whole persons; ``pct_within_threshold`` is a percent (0-100) of the
#: non-reserve residents; ``in_person_sites``, ``zones`` and ``zones_failing`` are counts.
FIGURES: tuple[str, ...] = (
    "population",
    "reserve_population",
    "non_reserve_population",
    "pop_within_threshold",
    "pop_beyond_threshold",
    "pct_within_threshold",
    "in_person_sites",
    "zones",
    "zones_failing",
)
#: The per-catchment columns gathered, in the catchments' order, into each SSM's row as tuples:
#: column of :attr:`SsmView.catchments` -> column of :attr:`SsmView.ssms`.
LISTED: dict[str, str] = {
    "catchment_id": "catchment_ids",
    "phase": "phases",
    "planning_start": "planning_starts",
    "planning_end": "planning_ends",
    "ies_start": "ies_starts",
    "status": "statuses",
}


def ssm_key(name: object) -> str:
    """Return the code of an SSM from its name: lower-case ASCII words joined by hyphens.

    Accents, case, spacing and punctuation do not matter ("Acme Services" and "ACME  services."
    are one SSM). A blank name is :data:`SSM_TBA`.

    Parameters
    ----------
    name : object
        The SSM's name as the rollout table gives it (``None`` or NaN: blank).

    Returns
    -------
    str
        E.g. ``'acme-services'``.
    """
    text = "" if name is None or (isinstance(name, float) and pd.isna(name)) else str(name).strip()
    if not text:
        return SSM_TBA
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()
    return "-".join(re.findall(r"[a-z0-9]+", folded)) or text.casefold()


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def ssm_of(rollout: pd.DataFrame) -> pd.DataFrame:
    """Return each catchment's SSM as the rollout table names it.

    Parameters
    ----------
    rollout : pandas.DataFrame
        The rollout table (:func:`esr_geo.rollout.load_rollout`): ``catchment_id``, ``ssm_en``,
        ``ssm_fr``.

    Returns
    -------
    pandas.DataFrame
        ``catchment_id``, ``ssm_id`` (:func:`ssm_key`; :data:`SSM_TBA` when no SSM is named),
        ``ssm_en`` and ``ssm_fr`` (``''`` for :data:`SSM_TBA`), one row per catchment in the
        table's order. Rows that spell one SSM differently take the first row's names; a name
        given in one language only is used in both. Both are logged as warnings. The input is
        not modified.
    """
    names: dict[str, tuple[str, str]] = {}
    rows = []
    for cid, en_raw, fr_raw in zip(rollout["catchment_id"], rollout["ssm_en"], rollout["ssm_fr"], strict=True):
        en, fr = _text(en_raw), _text(fr_raw)
        if bool(en) != bool(fr):
            _LOG.warning(
                "The rollout table names the SSM of catchment %s in one language only (%s); "
                "that name is used in both English and French.",
                cid,
                shown(en or fr),
            )
            en, fr = en or fr, fr or en
        key = ssm_key(en)
        if key != SSM_TBA:
            first = names.setdefault(key, (en, fr))
            if first != (en, fr):
                _LOG.warning(
                    "The rollout table spells SSM %s as %s / %s for catchment %s; the first spelling is used.",
                    shown(first[0]),
                    shown(en),
                    shown(fr),
                    cid,
                )
            en, fr = first
        rows.append({"catchment_id": str(cid), "ssm_id": key, "ssm_en": en, "ssm_fr": fr})
    return pd.DataFrame(rows, columns=["catchment_id", "ssm_id", "ssm_en", "ssm_fr"])


def ssm_order(rollout: pd.DataFrame) -> list[str]:
    """Return the SSM codes in the order they first appear in the rollout table, :data:`SSM_TBA` last.

    The order of the SSM table, of the legend and of the SSM colours (:func:`esr_geo.style.ssm_colours`):
    an SSM announced in a new row at the end of the table keeps every other SSM's colour.
    """
    return _order(ssm_of(rollout))


def _order(owners: pd.DataFrame) -> list[str]:
    ids = list(dict.fromkeys(owners["ssm_id"]))
    return [s for s in ids if s != SSM_TBA] + [s for s in ids if s == SSM_TBA]


@dataclass(frozen=True)
class SsmView:
    """The SSM view of one analysis: per catchment and per SSM, codes and numbers.

    Attributes
    ----------
    catchments : pandas.DataFrame
        One row per catchment, grouped by SSM (in :func:`ssm_order`) and in the rollout table's
        order within an SSM: ``catchment_id``, ``catchment_en``, ``catchment_fr``, ``ssm_id``,
        ``ssm_en``, ``ssm_fr``, ``phase`` (code), ``planning_start``, ``planning_end``,
        ``ies_start`` (first day of the month; ``NaT`` when to be announced), ``status`` (code on
        ``on``) and the :data:`FIGURES`.
    ssms : pandas.DataFrame
        One row per SSM in :func:`ssm_order`: ``ssm_id``, ``ssm_en``, ``ssm_fr``, ``catchments``
        (count), the :data:`LISTED` tuples in the order of :attr:`catchments` (``catchment_ids``,
        ``phases``, ``planning_starts``, ``planning_ends``, ``ies_starts``, ``statuses``) and the
        :data:`FIGURES` of the SSM's catchments together, and ``failing_zones`` (the names of
        its zones that fail, a tuple). People and sites add up to the province; a zone counts
        for the SSM of the catchment holding most of its people (``coverage_by_zone``'s
        ``catchment_id``).
    on : datetime.date
        The date of the statuses.
    """

    catchments: pd.DataFrame
    ssms: pd.DataFrame
    on: dt.date

    def ssm_of_catchment(self, catchment_id: str) -> str:
        """Return the SSM code of a catchment (``KeyError`` if the id is unknown)."""
        match = self.catchments.loc[self.catchments["catchment_id"] == catchment_id, "ssm_id"]
        if match.empty:
            raise KeyError(catchment_id)
        return str(match.iloc[0])

    def catchments_of(self, ssm_id: str) -> pd.DataFrame:
        """Return the catchments of one SSM (rows of :attr:`catchments`; empty if the code is unknown)."""
        return self.catchments[self.catchments["ssm_id"] == ssm_id].reset_index(drop=True)

    def row(self, ssm_id: str) -> dict[str, Any]:
        """Return one SSM's row of :attr:`ssms` as a dict (``KeyError`` if the code is unknown)."""
        match = self.ssms[self.ssms["ssm_id"] == ssm_id]
        if match.empty:
            raise KeyError(ssm_id)
        return {str(k): v for k, v in match.iloc[0].to_dict().items()}


def _rows_analysed(rollout: pd.DataFrame, analysis: Analysis) -> pd.DataFrame:
    """Return the rollout rows of the catchments the analysis covers; refuse a table that lacks one.

    An analysis of one area covers only its catchments: the table's other rows are left out.
    Problems (a catchment with no row, or with several) are listed at once.
    """
    have = [str(c) for c in analysis.tables["coverage_by_catchment"]["catchment_id"]]
    given = [str(c) for c in rollout["catchment_id"]]
    problems = []
    missing = [c for c in have if c not in set(given)]
    twice = sorted({c for c in given if given.count(c) > 1})
    if missing:
        problems.append(f"no row for catchment(s) {', '.join(missing)}")
    if twice:
        problems.append(f"more than one row for {', '.join(shown(c) for c in twice)}")
    if problems:
        raise InputError(
            "The rollout table must have exactly one row for each catchment of the analysis: "
            + "; ".join(problems)
            + ".",
            parameter="rollout",
        )
    outside = sorted(set(given) - set(have))
    if outside:
        _LOG.info("SSM view: catchment(s) %s are outside the area analysed and left out.", ", ".join(outside))
    return rollout[rollout["catchment_id"].astype(str).isin(set(have))]


def _figures(analysis: Analysis, ids: list[str]) -> dict[str, float | int]:
    """Return the :data:`FIGURES` of some catchments: people and counts as int, the share as float."""
    fig = analysis.summary(ids)
    return {k: (float(fig[k]) if k == "pct_within_threshold" else round(fig[k])) for k in FIGURES}


def _failing_zones(analysis: Analysis, ids: list[str]) -> tuple[str, ...]:
    """Return the names of the zones of some catchments that fail (``coverage_by_zone``'s verdict)."""
    zones = analysis.tables["coverage_by_zone"]
    failing = zones[zones["catchment_id"].isin(set(ids)) & ~zones["passes"].astype(bool)]
    return tuple(str(z) for z in failing["zone"])


def ssm_view(analysis: Analysis, *, rollout: pd.DataFrame | None = None, on: dt.date | str | None = None) -> SsmView:
    """Group an analysis' catchments by their service system manager (SSM) and sum their figures.

    Parameters
    ----------
    analysis : esr_geo.analysis.Analysis
        A finished analysis (its ``coverage_by_catchment`` and ``coverage_by_zone`` tables).
    rollout : pandas.DataFrame, keyword-only, optional
        The rollout table that names the SSMs, phases and dates (e.g. a planner's own, loaded
        with :func:`esr_geo.rollout.load_rollout`); ``None`` uses the analysis' own
        (``analysis.base.rollout``). Access figures do not depend on it.
    on : date or 'YYYY-MM-DD', keyword-only, optional
        Date of the statuses; ``None`` uses the analysis' date (``analysis.on``).

    Returns
    -------
    SsmView
        Per catchment and per SSM (see :class:`SsmView`), for the catchments the analysis
        covers (all 15, or those of the area an analysis was limited to). The inputs are not
        modified.

    Raises
    ------
    InputError
        When the rollout table does not have exactly one row for each catchment of the
        analysis (``parameter='rollout'``), or the date is not a date.
    """
    table = analysis.base.rollout if rollout is None else rollout
    day = analysis.on if on is None else parse_date(on)
    table = _rows_analysed(table, analysis)
    owners = ssm_of(table).set_index("catchment_id")
    status = status_codes(table, on=day)
    order = {s: i for i, s in enumerate(_order(owners.reset_index()))}
    rows = []
    for pos, rec in enumerate(table.to_dict("records")):
        cid = str(rec["catchment_id"])
        ssm_id = str(owners.at[cid, "ssm_id"])
        rows.append(
            {
                "catchment_id": cid,
                "catchment_en": rec["catchment_en"],
                "catchment_fr": rec["catchment_fr"],
                "ssm_id": ssm_id,
                "ssm_en": owners.at[cid, "ssm_en"],
                "ssm_fr": owners.at[cid, "ssm_fr"],
                "phase": rec["phase"],
                "planning_start": rec["planning_start"],
                "planning_end": rec["planning_end"],
                "ies_start": rec["ies_start"],
                "status": str(status[cid]),
                **_figures(analysis, [cid]),
                "_order": (order[ssm_id], pos),
            }
        )
    per_catchment = pd.DataFrame(rows).sort_values("_order").drop(columns="_order").reset_index(drop=True)
    for col in ("planning_start", "planning_end", "ies_start"):
        per_catchment[col] = pd.to_datetime(per_catchment[col])
    groups = []
    for key, part in per_catchment.groupby("ssm_id", sort=False):
        first = part.iloc[0]
        groups.append(
            {
                "ssm_id": str(key),
                "ssm_en": first["ssm_en"],
                "ssm_fr": first["ssm_fr"],
                "catchments": len(part),
                **{many: tuple(part[one]) for one, many in LISTED.items()},
                **_figures(analysis, list(part["catchment_id"])),
                "failing_zones": _failing_zones(analysis, list(part["catchment_id"])),
            }
        )
    return SsmView(catchments=per_catchment, ssms=pd.DataFrame(groups), on=day)
