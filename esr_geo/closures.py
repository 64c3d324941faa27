"""Closures: what closing in-person sites costs, zone by zone.

:func:`close_sites` removes sites from an analysis, re-measures everyone whose nearest site
closed, and reports who falls beyond the threshold (by catchment and zone, before and after),
which zones change from pass to fail and which communities lose access. The tables carry
codes next to their English (``change_code`` in ``by_zone``, ``kind_code`` in
``communities_losing_access``; see :mod:`esr_geo.scenario_codes`).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from esr_geo import french
from esr_geo.access import SiteIndex, compact_categories, measure_access
from esr_geo.analysis import Analysis, build_tables, measure_of, reserve_exempt
from esr_geo.errors import InputError
from esr_geo.i18n import Note
from esr_geo.scenario_codes import CHANGE_LABELS, change_code, kind_label


@dataclass
class ClosureResult:
    """What closing some sites does to in-person access.

    Attributes
    ----------
    before, after : esr_geo.analysis.Analysis
        The analysis with every site, and the same analysis without the closed sites
        (same zones, thresholds, pass criteria, date and communities).
    closed : pandas.DataFrame
        The closed sites: ``site_id``, ``name``, ``in_person``, ``catchment_id``, ``zone``,
        ``people_served_before`` (non-reserve people whose nearest site it was) and
        ``people_newly_beyond`` (of those, the people now beyond the threshold).
    by_catchment : pandas.DataFrame
        All 15 catchments, before and after: non-reserve people within and beyond the
        threshold, ``newly_beyond`` (after minus before), sites, and reserves apart.
    by_zone : pandas.DataFrame
        Every zone, before and after, with ``passes_before``, ``passes_after``, ``change``
        (English) and ``change_code`` (a key of :data:`esr_geo.scenario_codes.CHANGE_LABELS`:
        'still_passes', 'pass_fail', 'still_fails' or 'fail_pass').
    communities_losing_access : pandas.DataFrame
        Named communities within the threshold before and beyond it after, with the new
        nearest site and distance; ``kind`` (English) and ``kind_code`` ('place',
        'first_nation').
    """

    before: Analysis
    after: Analysis
    closed: pd.DataFrame
    by_catchment: pd.DataFrame
    by_zone: pd.DataFrame
    communities_losing_access: pd.DataFrame

    @property
    def people_newly_beyond(self) -> int:
        """Non-reserve people who fall beyond the threshold because of the closure."""
        return int(self.by_catchment["newly_beyond"].sum())

    @property
    def reserve_people_newly_beyond(self) -> int:
        """People on reserves newly beyond the threshold (exempt; reported apart)."""
        return int(self.by_catchment["reserve_newly_beyond"].sum())

    @property
    def zones_newly_failing(self) -> list[str]:
        """Zones that passed before the closure and fail after it."""
        z = self.by_zone
        return z.loc[z["passes_before"] & ~z["passes_after"], "zone"].tolist()

    def summary_sentence(self) -> str:
        """Return the effect of the closure in one sentence (English)."""
        names = self.closed["name"].tolist()
        what = names[0] if len(names) == 1 else f"{len(names)} sites ({'; '.join(names)})"
        before = self.before.summary()["pop_beyond_threshold"]
        after = self.after.summary()["pop_beyond_threshold"]
        failing = self.zones_newly_failing
        zones = (
            f"{len(failing)} zone(s) change from pass to fail ({', '.join(failing)})"
            if failing
            else "no zone changes from pass to fail"
        )
        comm = self.communities_losing_access
        n_comm = int((~comm["is_reserve_exempt"]).sum()) if len(comm) else 0
        n_res = int(comm["is_reserve_exempt"].sum()) if len(comm) else 0
        return (
            f"Closing {what} puts {self.people_newly_beyond:,} more non-reserve residents beyond the "
            f"threshold ({before:,.0f} before, {after:,.0f} after); {zones}; {n_comm} named "
            f"communit{'y loses' if n_comm == 1 else 'ies lose'} access"
            + (f" (and {n_res} reserve or band-office location(s), exempt)" if n_res else "")
            + f". {self.reserve_people_newly_beyond:,} people on reserves are newly beyond it (reported apart)."
        )


def list_sites(analysis: Analysis) -> pd.DataFrame:
    """Return the sites of an analysis that can be closed: id, name, in person, catchment, zone."""
    s = analysis.sites
    return pd.DataFrame(
        {
            "site_id": s["site_id"].astype(str).to_numpy(),
            "name": s["name"].astype(str).to_numpy(),
            "in_person": s["in_person"].astype(bool).to_numpy(),
            "catchment_id": s["catchment_id"].to_numpy(),
            "zone": s["zone"].to_numpy(),
        }
    )


def _match_sites(analysis: Analysis, site_ids: Sequence[str]) -> np.ndarray:
    """Return a boolean mask of ``analysis.sites`` rows named by id or exact name."""
    if isinstance(site_ids, str):
        site_ids = [site_ids]
    wanted = [str(s).strip() for s in site_ids if str(s).strip()]
    if not wanted:
        raise InputError("Name at least one site to close, by its site_id or its exact name.")
    ids = analysis.sites["site_id"].astype(str).str.strip().to_numpy()
    names = analysis.sites["name"].astype(str).str.strip().to_numpy()
    folded = np.array([n.casefold() for n in names])
    mask = np.zeros(len(ids), dtype=bool)
    problems = []
    for w in dict.fromkeys(wanted):
        hit = ids == w
        if not hit.any():
            hit = folded == w.casefold()
            if hit.sum() > 1:
                problems.append(
                    f"{w!r} is the name of {int(hit.sum())} sites (ids {', '.join(ids[hit])}); close them by site_id."
                )
                continue
        if not hit.any():
            problems.append(f"{w!r}: no site has this site_id or name{_did_you_mean(w, ids, names)}")
            continue
        mask |= hit
    if problems:
        raise InputError(
            f"{len(problems)} site(s) to close are not in the site list ({analysis.sites_source}). Name sites by "
            "their site_id or exact name (case does not matter); the ids are the site_id column of the site "
            "file; `esr-geo scenario --list-sites` lists them.",
            problems,
        )
    return mask


def _did_you_mean(wanted: str, ids: np.ndarray, names: np.ndarray) -> str:
    """Return '; did you mean <id (name)>, ...?' for the sites closest to an unknown id or name, else '.'."""
    pool = {i.casefold(): i for i in ids} | {n.casefold(): n for n in names}
    close = difflib.get_close_matches(wanted.casefold(), list(pool), n=4, cutoff=0.6)
    labels = []
    for c in close:
        original = pool[c]
        at = np.flatnonzero((ids == original) | (names == original))
        labels.append(f"{ids[at[0]]} ({names[at[0]]})" if len(at) else original)
    return f"; did you mean {', '.join(labels)}?" if labels else "."


def _remeasure(
    frame: pd.DataFrame, affected: np.ndarray, in_person: pd.DataFrame, analysis: Analysis, index: SiteIndex
) -> pd.DataFrame:
    out = frame.copy()
    if affected.any():
        if analysis.road is None:
            part = measure_access(
                frame.loc[affected],
                in_person,
                threshold_km=analysis.threshold_km,
                threshold_km_by_class=analysis.threshold_km_by_class,
                index=index,
            )
        else:  # the same measure as the analysis: drive time on its network
            part = measure_of(analysis)(frame.loc[affected], in_person)
        out = _merge(out, part, affected)
        out["within"] = out["within"].astype(bool)
        out["other_catchment"] = out["other_catchment"].astype(bool)
    return out


def _merge(out: pd.DataFrame, part: pd.DataFrame, affected: np.ndarray) -> pd.DataFrame:
    """Put the re-measured rows ``part`` into ``out`` (in place) at the ``affected`` rows and return it."""
    for col in part.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):  # the nearest site's id and name
            merged = np.array(out[col].astype(object), dtype=object)
            merged[affected] = part[col].astype(object).to_numpy()
            out[col] = compact_categories(pd.Series(merged, dtype=object, index=out.index))
        else:
            values = part[col].to_numpy()
            if pd.api.types.is_string_dtype(out[col].dtype):  # text: a blank is None, never the float NaN
                values = np.array([None if pd.isna(v) else v for v in values], dtype=object)
            elif pd.api.types.is_bool_dtype(out[col].dtype):  # a flag of no site at all: False
                values = np.array([False if pd.isna(v) else bool(v) for v in values], dtype=bool)
            out.loc[affected, col] = values
    return out


def _remeasure_french(
    frame: pd.DataFrame, remaining: pd.DataFrame, analysis: Analysis, closed: set[str]
) -> pd.DataFrame:
    """Re-measure the nearest French-serving site of the rows whose one was closed (all rows by road)."""
    col = french.PREFIX + "nearest_site_id"
    if col not in frame.columns:
        return frame
    if analysis.road is not None:
        affected = np.ones(len(frame), dtype=bool)
    else:
        affected = frame[col].astype(str).isin(closed).to_numpy()
    if not affected.any():
        return frame
    own = [c for c in frame.columns if not c.startswith(french.PREFIX)]
    part = frame.loc[affected, own]
    new = french.measure_french(part, part.iloc[:0], remaining, measure=measure_of(analysis)).points
    old_cols = [c for c in frame.columns if c.startswith(french.PREFIX)]
    # with no French-serving site left the measure returns fewer columns: blank the others
    new = new.assign(**{c: np.nan for c in old_cols if c not in new.columns})
    out = frame.assign(**{c: np.nan for c in new.columns if c not in frame.columns})
    out = _merge(out, new, affected)
    out[french.PREFIX + "within"] = out[french.PREFIX + "within"].astype(bool)
    return out


def close_sites(analysis: Analysis, site_ids: Sequence[str]) -> ClosureResult:
    """Close sites and report who loses in-person access.

    Everyone whose nearest in-person site is closed is re-measured to the nearest remaining
    one (the same geodesic engine as the analysis); everyone else keeps their nearest site,
    so the result is exactly what :func:`esr_geo.analysis.run_analysis` gives without the
    closed sites, at a fraction of the cost. Zones, thresholds, pass criteria, date and
    communities are unchanged.

    Parameters
    ----------
    analysis : esr_geo.analysis.Analysis
        The analysis with every site.
    site_ids : sequence of str
        Sites to close, each by ``site_id`` or by exact name (case-insensitive). A name shared
        by several sites must be replaced by their ids.

    Returns
    -------
    ClosureResult
        Before and after analyses and the difference tables.

    Raises
    ------
    InputError
        When a site is unknown (with the closest ids and names), a name is ambiguous, or the
        closure would leave no in-person site.
    """
    mask = _match_sites(analysis, site_ids)
    sites = analysis.sites
    in_person_flag = sites["in_person"].astype(bool).to_numpy()
    remaining = sites[~mask].reset_index(drop=True)
    in_person = remaining[remaining["in_person"].astype(bool)].reset_index(drop=True)
    if in_person.empty:
        raise InputError(
            f"Closing these {int(mask.sum())} site(s) would close every in-person site of {analysis.sites_source}; "
            "at least one in-person site must remain to measure access. Close fewer sites."
        )
    closed_ids = set(sites.loc[mask & in_person_flag, "site_id"].astype(str))
    index = SiteIndex(in_person["lon"], in_person["lat"])
    ids_unique = sites["site_id"].astype(str).is_unique

    def affected(frame: pd.DataFrame) -> np.ndarray:
        # by road everyone is re-measured: one search serves all, and the straight-line km
        # beside the drive times may have been to a closed site that is not the nearest by road
        if not ids_unique or analysis.road is not None:
            return np.ones(len(frame), dtype=bool)
        return frame["nearest_site_id"].astype(str).isin(closed_ids).to_numpy()

    points = _remeasure(analysis.points, affected(analysis.points), in_person, analysis, index)
    comm = _remeasure(analysis.communities, affected(analysis.communities), in_person, analysis, index)
    points = _remeasure_french(points, remaining, analysis, closed_ids)
    comm = _remeasure_french(comm, remaining, analysis, closed_ids)
    closed_names = sites.loc[mask, "name"].astype(str).tolist()
    after = dataclasses.replace(
        analysis,
        sites=remaining,
        sites_closed=analysis.sites_closed + len(closed_names),
        points=points,
        communities=comm,
        tables={},
        notes=[*analysis.notes, Note("input.closed", {"names": closed_names})],
    )
    after.tables = build_tables(after)
    return ClosureResult(
        before=analysis,
        after=after,
        closed=_closed_table(analysis, after, mask),
        by_catchment=_closure_by_catchment(analysis, after),
        by_zone=_closure_by_zone(analysis, after),
        communities_losing_access=_communities_losing(analysis, after),
    )


def _closed_table(before: Analysis, after: Analysis, mask: np.ndarray) -> pd.DataFrame:
    s = before.sites[mask]
    pts = before.points[~before.points["is_reserve"]]
    served = pts.groupby(pts["nearest_site_id"].astype(str))["population"].sum()
    lost = pts[pts["within"].to_numpy() & ~after.points.loc[pts.index, "within"].to_numpy()]
    lost_by = lost.groupby(lost["nearest_site_id"].astype(str))["population"].sum()
    ids = s["site_id"].astype(str)
    return pd.DataFrame(
        {
            "site_id": ids.to_numpy(),
            "name": s["name"].astype(str).to_numpy(),
            "in_person": s["in_person"].astype(bool).to_numpy(),
            "catchment_id": s["catchment_id"].to_numpy(),
            "zone": s["zone"].to_numpy(),
            "people_served_before": ids.map(served).fillna(0).astype("int64").to_numpy(),
            "people_newly_beyond": ids.map(lost_by).fillna(0).astype("int64").to_numpy(),
        }
    )


def _beyond(points: pd.DataFrame, key: str, reserve: bool) -> pd.Series:
    part = points[(points["is_reserve"] == reserve) & ~points["within"]]
    return part.groupby(key)["population"].sum()


def _closure_by_catchment(before: Analysis, after: Analysis) -> pd.DataFrame:
    b = before.tables["coverage_by_catchment"].set_index("catchment_id")
    a = after.tables["coverage_by_catchment"].set_index("catchment_id")
    out = pd.DataFrame(
        {
            "catchment_id": b.index.to_numpy(),
            "catchment": b["catchment"].to_numpy(),
            "non_reserve_population": b["non_reserve_population"].to_numpy(),
            "in_person_sites_before": b["in_person_sites"].to_numpy(),
            "in_person_sites_after": a.loc[b.index, "in_person_sites"].to_numpy(),
            "pop_within_before": b["pop_within_threshold"].to_numpy(),
            "pop_within_after": a.loc[b.index, "pop_within_threshold"].to_numpy(),
            "pop_beyond_before": b["pop_beyond_threshold"].to_numpy(),
            "pop_beyond_after": a.loc[b.index, "pop_beyond_threshold"].to_numpy(),
        }
    )
    out["newly_beyond"] = out["pop_beyond_after"] - out["pop_beyond_before"]
    out["pct_within_before"] = b["pct_within_threshold"].to_numpy()
    out["pct_within_after"] = a.loc[b.index, "pct_within_threshold"].to_numpy()
    out["reserve_population_exempt"] = b["reserve_population_exempt"].to_numpy()
    rb = _beyond(before.points, "catchment_id", True)
    ra = _beyond(after.points, "catchment_id", True)
    out["reserve_beyond_before"] = out["catchment_id"].map(rb).fillna(0).astype("int64")
    out["reserve_beyond_after"] = out["catchment_id"].map(ra).fillna(0).astype("int64")
    out["reserve_newly_beyond"] = out["reserve_beyond_after"] - out["reserve_beyond_before"]
    return out


def _closure_by_zone(before: Analysis, after: Analysis) -> pd.DataFrame:
    b = before.tables["coverage_by_zone"].set_index("zone")
    a = after.tables["coverage_by_zone"].set_index("zone").loc[b.index]
    out = pd.DataFrame(
        {
            "zone": b.index.to_numpy(),
            "catchment_id": b["catchment_id"].to_numpy(),
            "catchment": b["catchment"].to_numpy(),
            "non_reserve_population": b["non_reserve_population"].to_numpy(),
            "in_person_sites_before": b["in_person_sites"].to_numpy(),
            "in_person_sites_after": a["in_person_sites"].to_numpy(),
            "pop_within_before": b["pop_within_threshold"].to_numpy(),
            "pop_within_after": a["pop_within_threshold"].to_numpy(),
        }
    )
    out["pop_beyond_before"] = out["non_reserve_population"] - out["pop_within_before"]
    out["pop_beyond_after"] = out["non_reserve_population"] - out["pop_within_after"]
    out["newly_beyond"] = out["pop_beyond_after"] - out["pop_beyond_before"]
    out["pct_within_before"] = b["pct_within_threshold"].to_numpy()
    out["pct_within_after"] = a["pct_within_threshold"].to_numpy()
    out["passes_before"] = b["passes"].astype(bool).to_numpy()
    out["passes_after"] = a["passes"].astype(bool).to_numpy()
    codes = [change_code(p, q) for p, q in zip(out["passes_before"], out["passes_after"], strict=True)]
    out["change"] = [CHANGE_LABELS[c] for c in codes]
    out["short_of_sites_after"] = a["short_of_sites"].to_numpy()  # reason codes; worded where written
    out["short_of_share_after"] = a["short_of_share"].to_numpy()
    out["reserve_population_exempt"] = b["reserve_population"].to_numpy()
    rb = _beyond(before.points, "zone", True)
    ra = _beyond(after.points, "zone", True)
    out["reserve_beyond_before"] = out["zone"].map(rb).fillna(0).astype("int64")
    out["reserve_beyond_after"] = out["zone"].map(ra).fillna(0).astype("int64")
    out["change_code"] = codes
    return out


def _communities_losing(before: Analysis, after: Analysis) -> pd.DataFrame:
    b = before.communities
    a = after.communities
    lost = b["within"].to_numpy() & ~a["within"].to_numpy()
    cb, ca = b[lost], a[lost]
    names = before.base.catchments.set_index("catchment_id")["name_en"]
    out = pd.DataFrame(
        {
            "community": cb["community"].to_numpy(),
            "kind": kind_label(cb["kind"]).to_numpy(),
            "population": pd.array(cb["population"].round().to_numpy(dtype=float), dtype="Int64"),
            "CSDNAME": cb["CSDNAME"].to_numpy(),
            "catchment": cb["catchment_id"].map(names).to_numpy(),
            "zone": cb["zone"].fillna("").to_numpy(),
            "is_reserve_exempt": reserve_exempt(cb),
            "nearest_site_before": cb["nearest_site"].to_numpy(),
            "distance_before_km": cb["distance_km"].astype(float).round(1).to_numpy(),
            "nearest_site_after": ca["nearest_site"].to_numpy(),
            "distance_after_km": ca["distance_km"].astype(float).round(1).to_numpy(),
            **_drive_before_after(cb, ca),
            "lon": cb["lon"].round(5).to_numpy(),
            "lat": cb["lat"].round(5).to_numpy(),
            "kind_code": cb["kind"].to_numpy(),
        }
    )
    far = "drive_after_min" if "drive_after_min" in out else "distance_after_km"
    return out.sort_values(["is_reserve_exempt", far], ascending=[True, False]).reset_index(drop=True)


def _drive_before_after(cb: pd.DataFrame, ca: pd.DataFrame) -> dict[str, np.ndarray]:
    """Return the threshold column, with drive minutes before and after when measured by road."""
    if "drive_min" not in ca:
        return {"threshold_km": ca["threshold_km"].to_numpy()}
    return {
        "drive_before_min": cb["drive_min"].astype(float).round(1).to_numpy(),
        "drive_after_min": ca["drive_min"].astype(float).round(1).to_numpy(),
        "road_access_after": ca["road_access"].to_numpy(),
        "threshold_min": ca["threshold_min"].to_numpy(),
    }


__all__ = ["ClosureResult", "close_sites", "list_sites"]
