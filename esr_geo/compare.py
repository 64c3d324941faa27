"""Scenarios applied and compared: the baseline and a named scenario, or two scenarios, side by side.

:func:`apply_scenario` gives the analysis a :class:`~esr_geo.workspace.Scenario` describes: its
threshold (in its measure: straight-line km or drive minutes), its date, its added sites and
without its closed sites. :func:`compare` sets two analyses of the same people side by side and
returns coded tables: who is newly beyond or newly within reach (by catchment and by zone), the
zones that change from pass to fail or back (``change_code`` of
:mod:`esr_geo.scenario_codes`), the sites added and closed, and the named communities that lose
or gain access. Words are made where the tables are shown (:mod:`esr_geo.compare_view`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from esr_geo import settings
from esr_geo.analysis import MEASURE_KM, Analysis, AnalysisOptions, reserve_exempt, rethreshold, run_analysis
from esr_geo.closures import close_sites
from esr_geo.communities import COLUMNS as COMMUNITY_COLUMNS
from esr_geo.errors import InputError, shown
from esr_geo.model import Base
from esr_geo.rollout import status_codes
from esr_geo.scenario_codes import change_code
from esr_geo.site_checks import SITE_COLUMNS
from esr_geo.site_location import locate_sites
from esr_geo.workspace import AddedSite, Scenario

#: ``change`` codes of :attr:`Comparison.sites` and :attr:`Comparison.communities`.
SITE_CHANGES = ("added", "closed")
COMMUNITY_CHANGES = ("newly_beyond", "newly_within")
#: ``change_code`` of a zone found in only one of the two analyses (else those of ``scenario_codes``).
ZONE_ONLY_CODES = ("only_a", "only_b")


# --------------------------------------------------------------------------------------
# A scenario applied


def added_sites(added: Sequence[AddedSite], *, base: Base, taken: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Return the sites a scenario adds as located in-person sites (the columns of a site list).

    Parameters
    ----------
    added : sequence of AddedSite
        Positions (WGS 84 degrees) and names.
    base : esr_geo.model.Base, keyword-only
        The loaded geography (to place each site in its census subdivision and catchment).
    taken : sequence of str, keyword-only
        Site ids already used; the new sites get ids ``new-1``, ``new-2``, ... that are not.

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`esr_geo.site_checks.SITE_COLUMNS`, in person, EPSG:4326; a site without a name is
        named after its id.

    Raises
    ------
    InputError
        When a site lies outside Ontario (farther than ``settings.SNAP_TOLERANCE_KM`` km from
        every census subdivision).
    """
    used = {str(s) for s in taken}
    ids: list[str] = []
    n = 0
    while len(ids) < len(added):
        n += 1
        if f"new-{n}" not in used:
            ids.append(f"new-{n}")
    lon = np.array([a.lon for a in added], dtype=float)
    lat = np.array([a.lat for a in added], dtype=float)
    frame = gpd.GeoDataFrame(
        {
            "site_id": ids,
            "name": [a.name.strip() or sid for a, sid in zip(added, ids, strict=True)],
            **{c: "" for c in ("organisation", "address", "city", "postal_code", "site_type", "declared_catchment")},
            "in_person": np.ones(len(added), dtype=bool),
            "french": pd.array([pd.NA] * len(added), dtype="boolean"),
            "location_precision": "coordinates",
            "source_row": np.zeros(len(added), dtype="int64"),
            "flag": "",
            "lon": lon,
            "lat": lat,
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=settings.DISPLAY_CRS,
    )
    located = locate_sites(frame, base=base)
    outside = located["catchment_id"].astype(str) == ""
    if outside.any():
        raise InputError(
            f"{int(outside.sum())} added site(s) lie outside Ontario's census subdivisions; move them into Ontario:",
            [f"{shown(r.name)} at longitude {r.lon:.5f}, latitude {r.lat:.5f}" for r in located[outside].itertuples()],
            parameter="scenario",
        )
    return located[list(SITE_COLUMNS)]


def _check_measure(analysis: Analysis, scenario: Scenario) -> None:
    if scenario.measure == analysis.measure:
        return
    if scenario.measure == MEASURE_KM:
        raise InputError(
            f"Scenario {shown(scenario.name)} is measured in straight-line km, but this analysis is measured in drive "
            "minutes on a road network; apply it to a straight-line analysis (no road network).",
            parameter="scenario",
        )
    raise InputError(
        f"Scenario {shown(scenario.name)} is measured in drive minutes, which needs a road network; this analysis "
        "is measured in straight-line km. Give the road network the scenario was measured on.",
        parameter="network",
    )


def _options(analysis: Analysis, scenario: Scenario, on: dt.date) -> AnalysisOptions:
    road = analysis.road
    if road is not None:
        road = dataclasses.replace(road, threshold_min=scenario.threshold)
    return AnalysisOptions(
        threshold_km=scenario.threshold if road is None else analysis.threshold_km,
        threshold_km_by_class=analysis.threshold_km_by_class,
        min_sites=analysis.min_sites,
        min_share=analysis.min_share,
        on=on,
        road=road,
        scope=analysis.scope.requested if analysis.scope is not None else None,
    )


def _at_date(analysis: Analysis, on: dt.date) -> Analysis:
    """Return the analysis with its rollout statuses as of ``on`` (nobody's access changes)."""
    if analysis.on == on:
        return analysis
    tables = dict(analysis.tables)
    cov = tables["coverage_by_catchment"].copy()
    cov["status"] = cov["catchment_id"].map(status_codes(analysis.base.rollout, on=on))
    tables["coverage_by_catchment"] = cov
    return dataclasses.replace(analysis, on=on, tables=tables)


def _at_threshold(analysis: Analysis, scenario: Scenario) -> Analysis:
    if analysis.road is not None:
        same = analysis.road.threshold_min == scenario.threshold
        return analysis if same else rethreshold(analysis, threshold_min=scenario.threshold)
    if analysis.threshold_km == scenario.threshold:
        return analysis
    return rethreshold(analysis, threshold_km=scenario.threshold, threshold_km_by_class=analysis.threshold_km_by_class)


def apply_scenario(analysis: Analysis, scenario: Scenario) -> Analysis:
    """Return the analysis as a scenario has it: its threshold and date, its added sites, its closures.

    Without added sites only the thresholds are applied again (:func:`esr_geo.analysis.rethreshold`);
    added sites re-run the analysis with the same zones, pass criteria and communities
    (:func:`esr_geo.analysis.run_analysis`); closures then re-measure everyone whose nearest
    site closed (:func:`esr_geo.closures.close_sites`).

    Parameters
    ----------
    analysis : esr_geo.analysis.Analysis
        The baseline (not modified).
    scenario : esr_geo.workspace.Scenario
        The scenario; its measure must be the analysis's (km, or minutes with a road network).

    Returns
    -------
    esr_geo.analysis.Analysis
        The scenario's analysis.

    Raises
    ------
    InputError
        When the measures differ, an added site is outside Ontario, a closed site is not in the
        site list or the closures would leave no in-person site.
    """
    _check_measure(analysis, scenario)
    on = scenario.on or analysis.on
    if scenario.added:
        new = added_sites(scenario.added, base=analysis.base, taken=analysis.sites["site_id"].astype(str).tolist())
        columns = [c for c in SITE_COLUMNS if c in analysis.sites.columns]
        sites = pd.concat([analysis.sites[columns], new[columns]], ignore_index=True)
        result = run_analysis(
            analysis.base,
            gpd.GeoDataFrame(sites, geometry="geometry", crs=settings.DISPLAY_CRS),
            sites_source=analysis.sites_source,
            zones=analysis.zones,
            zones_source=analysis.zones_source,
            options=_options(analysis, scenario, on),
            communities=analysis.communities[list(COMMUNITY_COLUMNS)],
            notes=list(analysis.notes),
        )
        result = dataclasses.replace(
            result, sites_added=analysis.sites_added + len(new), sites_closed=analysis.sites_closed
        )
    else:
        result = _at_date(_at_threshold(analysis, scenario), on)
    if scenario.closed:
        result = close_sites(result, list(scenario.closed)).after
    return result


# --------------------------------------------------------------------------------------
# Two analyses side by side


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two analyses of the same people side by side (``a``: the baseline or a first scenario; ``b``: a scenario).

    Attributes
    ----------
    a, b : esr_geo.analysis.Analysis
        The two analyses.
    summary : dict
        Non-reserve people beyond the threshold in each (``pop_beyond_a``, ``pop_beyond_b``),
        ``newly_beyond`` and ``newly_within`` (people within reach in one and not the other),
        ``reserve_newly_beyond`` (exempt, reported apart), ``zones_pass_fail`` and
        ``zones_fail_pass`` (zones that flip), ``zones_failing_a``, ``zones_failing_b``,
        ``sites_added`` and ``sites_closed`` (in-person sites of ``b`` not in ``a`` and back).
    by_catchment : pandas.DataFrame
        Every catchment: ``catchment_id``, ``non_reserve_population``, ``in_person_sites_a``/``_b``,
        ``pop_beyond_a``/``_b``, ``newly_beyond``, ``newly_within``, ``pct_within_a``/``_b`` (0-100)
        and ``reserve_newly_beyond`` (persons).
    by_zone : pandas.DataFrame
        Every zone: ``zone``, ``catchment_id``, ``in_person_sites_a``/``_b``, ``pop_beyond_a``/``_b``,
        ``newly_beyond``, ``newly_within``, ``pct_within_a``/``_b``, ``passes_a``/``_b`` and
        ``change_code`` ('pass_fail', 'fail_pass', 'still_passes', 'still_fails', or 'only_a' /
        'only_b' for a zone of one analysis only); zones that flip first.
    sites : pandas.DataFrame
        In-person sites added or closed: ``site_id``, ``name``, ``catchment_id``, ``lon``, ``lat``
        (degrees) and ``change`` ('added' or 'closed').
    communities : pandas.DataFrame
        Named communities within reach in one analysis only: ``community``, ``kind`` (code),
        ``population``, ``catchment_id``, ``zone``, ``is_reserve_exempt``, ``distance_a_km``,
        ``distance_b_km``, ``lon``, ``lat`` and ``change`` ('newly_beyond' or 'newly_within').
    """

    a: Analysis
    b: Analysis
    summary: dict[str, float]
    by_catchment: pd.DataFrame
    by_zone: pd.DataFrame
    sites: pd.DataFrame
    communities: pd.DataFrame


def _changes(a: Analysis, b: Analysis) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    pa, pb = a.points, b.points
    if len(pa) != len(pb) or not pa.index.equals(pb.index):
        raise InputError(
            "The two analyses do not cover the same people (different areas or geographies); compare scenarios "
            "of one analysis."
        )
    wa, wb = pa["within"].to_numpy(dtype=bool), pb["within"].to_numpy(dtype=bool)
    return pa, wa & ~wb, ~wa & wb


def _sum_by(points: pd.DataFrame, mask: np.ndarray, key: str) -> pd.Series:
    part = points[mask]
    return part.groupby(key)["population"].sum()


def _by_catchment(a: Analysis, b: Analysis, lost: np.ndarray, gained: np.ndarray) -> pd.DataFrame:
    ca = a.tables["coverage_by_catchment"].set_index("catchment_id")
    cb = b.tables["coverage_by_catchment"].set_index("catchment_id").reindex(ca.index)
    pts = a.points
    nonres = ~pts["is_reserve"].to_numpy(dtype=bool)
    out = pd.DataFrame(
        {
            "catchment_id": ca.index.to_numpy(),
            "non_reserve_population": ca["non_reserve_population"].to_numpy(),
            "in_person_sites_a": ca["in_person_sites"].to_numpy(),
            "in_person_sites_b": cb["in_person_sites"].to_numpy(),
            "pop_beyond_a": ca["pop_beyond_threshold"].to_numpy(),
            "pop_beyond_b": cb["pop_beyond_threshold"].to_numpy(),
        }
    )
    for col, mask in (("newly_beyond", lost & nonres), ("newly_within", gained & nonres),
                      ("reserve_newly_beyond", lost & ~nonres)):  # fmt: skip
        out[col] = out["catchment_id"].map(_sum_by(pts, mask, "catchment_id")).fillna(0).astype("int64")
    out["pct_within_a"] = ca["pct_within_threshold"].to_numpy()
    out["pct_within_b"] = cb["pct_within_threshold"].to_numpy()
    return out


def _zone_code(pa: object, pb: object) -> str:
    if pd.isna(pa):  # type: ignore[call-overload]
        return ZONE_ONLY_CODES[1]
    if pd.isna(pb):  # type: ignore[call-overload]
        return ZONE_ONLY_CODES[0]
    return change_code(bool(pa), bool(pb))


_FLIP_ORDER = {"pass_fail": 0, "fail_pass": 1, "only_a": 2, "only_b": 2, "still_fails": 3, "still_passes": 4}


def _by_zone(a: Analysis, b: Analysis, lost: np.ndarray, gained: np.ndarray) -> pd.DataFrame:
    keep = ["zone", "catchment_id", "in_person_sites", "pct_within_threshold", "non_reserve_population",
            "pop_within_threshold", "passes"]  # fmt: skip
    za = a.tables["coverage_by_zone"][keep]
    zb = b.tables["coverage_by_zone"][keep]
    both = za.merge(zb, on="zone", how="outer", suffixes=("_a", "_b"), sort=False)
    pts = a.points[a.points["zone"].notna()]
    nonres = ~a.points["is_reserve"].to_numpy(dtype=bool)
    in_zone = a.points["zone"].notna().to_numpy()
    out = pd.DataFrame(
        {
            "zone": both["zone"].to_numpy(),
            "catchment_id": both["catchment_id_a"].fillna(both["catchment_id_b"]).to_numpy(),
            "in_person_sites_a": both["in_person_sites_a"].to_numpy(),
            "in_person_sites_b": both["in_person_sites_b"].to_numpy(),
            "pop_beyond_a": (both["non_reserve_population_a"] - both["pop_within_threshold_a"]).to_numpy(),
            "pop_beyond_b": (both["non_reserve_population_b"] - both["pop_within_threshold_b"]).to_numpy(),
        }
    )
    for col, mask in (("newly_beyond", lost), ("newly_within", gained)):
        sums = _sum_by(a.points, mask & nonres & in_zone, "zone") if len(pts) else pd.Series(dtype=float)
        out[col] = out["zone"].map(sums).fillna(0).astype("int64")
    out["pct_within_a"] = both["pct_within_threshold_a"].to_numpy()
    out["pct_within_b"] = both["pct_within_threshold_b"].to_numpy()
    out["passes_a"] = both["passes_a"].to_numpy()
    out["passes_b"] = both["passes_b"].to_numpy()
    out["change_code"] = [_zone_code(p, q) for p, q in zip(both["passes_a"], both["passes_b"], strict=True)]
    rank = out["change_code"].map(_FLIP_ORDER)
    order = np.lexsort((out["zone"].astype(str).to_numpy(), -out["newly_beyond"].to_numpy(), rank.to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def _site_keys(analysis: Analysis) -> pd.DataFrame:
    s = analysis.sites[analysis.sites["in_person"].astype(bool)]
    return pd.DataFrame(
        {
            "site_id": s["site_id"].astype(str).to_numpy(),
            "name": s["name"].astype(str).to_numpy(),
            "catchment_id": s["catchment_id"].astype(str).to_numpy(),
            "lon": s["lon"].to_numpy(dtype=float),
            "lat": s["lat"].to_numpy(dtype=float),
            "key": [
                f"{i}|{x:.5f}|{y:.5f}" for i, x, y in zip(s["site_id"].astype(str), s["lon"], s["lat"], strict=True)
            ],
        }
    )


def _sites(a: Analysis, b: Analysis) -> pd.DataFrame:
    ka, kb = _site_keys(a), _site_keys(b)
    closed = ka[~ka["key"].isin(set(kb["key"]))].assign(change="closed")
    added = kb[~kb["key"].isin(set(ka["key"]))].assign(change="added")
    return pd.concat([added, closed], ignore_index=True).drop(columns="key")


def _distance_col(analysis: Analysis) -> str:
    return "drive_min" if analysis.road is not None else "distance_km"


def _communities(a: Analysis, b: Analysis) -> pd.DataFrame:
    ca, cb = a.communities, b.communities
    wa, wb = ca["within"].to_numpy(dtype=bool), cb["within"].to_numpy(dtype=bool)
    parts = []
    for change, mask in (("newly_beyond", wa & ~wb), ("newly_within", ~wa & wb)):
        ra, rb = ca[mask], cb[mask]
        parts.append(
            pd.DataFrame(
                {
                    "community": ra["community"].astype(str).to_numpy(),
                    "kind": ra["kind"].astype(str).to_numpy(),
                    "population": ra["population"].to_numpy(dtype=float),
                    "catchment_id": ra["catchment_id"].astype(str).to_numpy(),
                    "zone": ra["zone"].fillna("").astype(str).to_numpy(),
                    "is_reserve_exempt": reserve_exempt(ra),
                    "distance_a_km": ra[_distance_col(a)].to_numpy(dtype=float).round(1),
                    "distance_b_km": rb[_distance_col(b)].to_numpy(dtype=float).round(1),
                    "lon": ra["lon"].to_numpy(dtype=float),
                    "lat": ra["lat"].to_numpy(dtype=float),
                    "change": change,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["change", "is_reserve_exempt", "population"], ascending=[True, True, False]).reset_index(
        drop=True
    )


def compare(a: Analysis, b: Analysis) -> Comparison:
    """Set two analyses of the same people side by side (see :class:`Comparison`).

    Parameters
    ----------
    a : esr_geo.analysis.Analysis
        The baseline, or a first scenario (:func:`apply_scenario`).
    b : esr_geo.analysis.Analysis
        A scenario of the same analysis.

    Returns
    -------
    Comparison
        Coded tables; the people counted are those of ``a`` (the same as ``b``'s).

    Raises
    ------
    InputError
        When the two analyses do not cover the same population points.
    """
    pts, lost, gained = _changes(a, b)
    nonres = ~pts["is_reserve"].to_numpy(dtype=bool)
    people = pts["population"].to_numpy(dtype=float)
    zones = _by_zone(a, b, lost, gained)
    sites = _sites(a, b)
    sa, sb = a.summary(), b.summary()
    summary = {
        "pop_beyond_a": sa["pop_beyond_threshold"],
        "pop_beyond_b": sb["pop_beyond_threshold"],
        "newly_beyond": float(people[lost & nonres].sum()),
        "newly_within": float(people[gained & nonres].sum()),
        "reserve_newly_beyond": float(people[lost & ~nonres].sum()),
        "zones_pass_fail": float((zones["change_code"] == "pass_fail").sum()),
        "zones_fail_pass": float((zones["change_code"] == "fail_pass").sum()),
        "zones_failing_a": float(sa["zones_failing"]),
        "zones_failing_b": float(sb["zones_failing"]),
        "sites_added": float((sites["change"] == "added").sum()),
        "sites_closed": float((sites["change"] == "closed").sum()),
    }
    return Comparison(
        a=a,
        b=b,
        summary=summary,
        by_catchment=_by_catchment(a, b, lost, gained),
        by_zone=zones,
        sites=sites,
        communities=_communities(a, b),
    )


def map_changes(comparison: Comparison) -> pd.DataFrame:
    """Return what changed as points for the map: sites added and closed, communities that lose or gain access.

    Returns
    -------
    pandas.DataFrame
        ``change`` (a code of :data:`SITE_CHANGES` or :data:`COMMUNITY_CHANGES`), ``name``,
        ``population`` (persons; NaN for a site), ``lon`` and ``lat`` (WGS 84 degrees).
    """
    s, c = comparison.sites, comparison.communities
    return pd.concat(
        [
            pd.DataFrame({"change": s["change"], "name": s["name"], "population": np.nan, "lon": s["lon"],
                          "lat": s["lat"]}),
            pd.DataFrame({"change": c["change"], "name": c["community"], "population": c["population"],
                          "lon": c["lon"], "lat": c["lat"]}),
        ],
        ignore_index=True,
    )  # fmt: skip


__all__ = [
    "COMMUNITY_CHANGES",
    "SITE_CHANGES",
    "ZONE_ONLY_CODES",
    "Comparison",
    "added_sites",
    "apply_scenario",
    "compare",
    "map_changes",
]
