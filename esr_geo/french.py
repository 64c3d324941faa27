"""French Language Services (FLS): in-person access to French-serving sites in the designated areas.

Under Ontario's French Language Services Act the public must be able to get government
services in French in the designated areas. This module answers, for in-person employment
services: *in each designated area, can residents reach an in-person site that serves in
French?* It holds

- the designations: the project's mapping of the 27 designated areas (the bundle's
  ``ontario/french_language_services_designated_areas.csv``) to 2021 census subdivisions,
  ``data/french/designated_areas_csd.csv`` (:func:`load_mapping`, checked against the bundle by
  :func:`check_mapping`), and the areas in force on a date (:func:`designated_csds`), including
  the City of Sarnia (from 2024-11-01) and the 2029-01-01 expansions of O. Reg. 272/25;
- the measure: the nearest French-serving in-person site of every person and named community,
  measured by the analysis's own measure given the French-serving sites (:func:`measure_french`);
- the tables: per designated area (and per area and catchment where an area spans
  catchments) the residents, the French-serving sites inside, the share within reach and the
  result of the zones' pass rule (:func:`esr_geo.zones.zone_shortfalls`, with
  ``settings.FLS_MIN_SITES`` and ``settings.FLS_MIN_SHARE``), and the nearest French-serving
  site of each named community in a designated area (:func:`french_tables`); the areas as
  polygons (:func:`area_layer`).

Reserves stay in the areas they lie in but are exempt from the model, as everywhere in esr-geo:
their residents are reported in their own columns and never counted in a share or as a failure.
Sites whose language of service is not known are counted apart and never as French-serving.
Everything here is codes and numbers; words are made by :mod:`esr_geo.i18n`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from esr_geo import data, settings
from esr_geo.data import read_project_csv
from esr_geo.errors import DataError, InputError
from esr_geo.rollout import parse_date
from esr_geo.zones import zone_shortfalls

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis
    from esr_geo.model import Base

PathLike = str | os.PathLike[str]

_LOG = logging.getLogger(__name__)

#: The project's mapping of the designated areas to 2021 census subdivisions (in git).
MAPPING_PATH = settings.PROJECT_DATA_DIR / "french" / "designated_areas_csd.csv"
#: The bundle's list of the 27 designated areas, relative to the bundle directory.
AREAS_FILE = data.BUNDLE_FILES["french_designated_areas"]
#: Columns of the mapping, in order.
MAPPING_COLUMNS: tuple[str, ...] = (
    "area_no", "area", "CSDUID", "csd_name", "csd_type", "CDUID", "locality", "match", "in_force_from",
    "from_2029", "note",
)  # fmt: skip
#: How a census subdivision stands for its designated area: ``whole`` (the CSD is wholly the
#: designated locality, or lies wholly in designated localities or in a whole designated census
#: division) or ``approx`` (only part of the CSD is designated, e.g. a pre-amalgamation township;
#: the whole CSD is counted).
MATCH_CODES: tuple[str, ...] = ("whole", "approx")
#: O. Reg. 272/25 widens six partial areas to current municipal boundaries from this day (the
#: mapping's ``from_2029`` column).
EXPANSION_DATE = dt.date(2029, 1, 1)

#: Prefix of the French-serving access columns on the points and communities of an analysis.
PREFIX = "fr_"
#: The columns of a measure (:func:`esr_geo.access.measure_access` or a drive-time measure) this
#: module relies on; any other column it returns is carried through, prefixed.
NEAREST_ID, NEAREST, DISTANCE, WITHIN = "nearest_site_id", "nearest_site", "distance_km", "within"
#: Measure columns left out of the community table (kept on the points and communities).
_INTERNAL = ("nearest_site_id", "nearest_site_catchment", "other_catchment")

#: Result codes of a designated area: it passes or fails the rule, or the site list says for
#: no site whether it serves in French (nothing can be judged).
PASSES, FAILS, UNKNOWN = "passes", "fails", "unknown"
FLS_STATUSES: tuple[str, ...] = (PASSES, FAILS, UNKNOWN)

#: Names of the tables :func:`french_tables` adds to an analysis (and of the report's files).
AREAS_TABLE = "french_designated_areas"
COMMUNITIES_TABLE = "french_communities"

#: A measure: ``measure(places, sites)`` returns the access columns of each place (the columns of
#: :func:`esr_geo.access.measure_access`, same index as ``places``), measured to ``sites``.
Measure = Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --------------------------------------------------------------------------------------
# The designations


def load_mapping(path: PathLike | None = None) -> pd.DataFrame:
    """Read the mapping of the designated areas to 2021 census subdivisions and check its cells.

    Parameters
    ----------
    path : path-like, optional
        The mapping file (``None``: :data:`MAPPING_PATH`, ``data/french/designated_areas_csd.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per (area, CSD), columns :data:`MAPPING_COLUMNS`: ``area_no`` as an integer,
        every other cell as text (blank: ``''``); ``in_force_from`` is ``''`` (designated before
        the earliest date the sources give) or ``YYYY-MM-DD``; ``from_2029`` is ``''``
        (unchanged) or a code of :data:`MATCH_CODES`.

    Raises
    ------
    DataError
        Naming the file and every row at fault (spreadsheet rows: the header is row 1).
    """
    source = Path(path) if path is not None else MAPPING_PATH
    frame = read_project_csv(
        source,
        what="French-language designated-area mapping",
        columns=MAPPING_COLUMNS,
        fix="restore it from the repository",
    )
    problems = []
    for i, rec in enumerate(frame.to_dict("records")):
        problems += [f"row {i + 2}: {p}" for p in _cell_problems(rec)]
    key = frame["area_no"] + ":" + frame["CSDUID"]
    for pos in (int(p) for p in np.flatnonzero(key.duplicated().to_numpy())):
        problems.append(f"row {pos + 2}: area {frame['area_no'].iat[pos]} lists CSD {frame['CSDUID'].iat[pos]} twice")
    if problems:
        raise DataError(_problem_message(source, problems, fix="correct these rows"))
    out = frame[list(MAPPING_COLUMNS)].copy()
    out["area_no"] = out["area_no"].astype("int64")
    return out


def _cell_problems(rec: Mapping[Hashable, Any]) -> list[str]:
    """Return the problems of one mapping row's cells."""
    out = []
    if not rec["area_no"].isdigit():
        out.append(f"area_no {rec['area_no']!r} is not a whole number")
    if not re.fullmatch(r"35\d{5}", rec["CSDUID"]):
        out.append(f"CSDUID {rec['CSDUID']!r} is not a 7-digit Ontario census subdivision code")
    elif rec["CDUID"] != rec["CSDUID"][:4]:
        out.append(f"CDUID {rec['CDUID']!r} is not the first 4 digits of CSDUID {rec['CSDUID']}")
    if rec["match"] not in MATCH_CODES:
        out.append(f"match {rec['match']!r} is not one of {', '.join(MATCH_CODES)}")
    if rec["from_2029"] not in ("", *MATCH_CODES):
        out.append(f"from_2029 {rec['from_2029']!r} is not blank or one of {', '.join(MATCH_CODES)}")
    if "approx" in (rec["match"], rec["from_2029"]) and not rec["note"].strip():
        out.append("an approx row needs a note saying what the designation names and how the CSD differs")
    since = rec["in_force_from"]
    if since and not (_DATE.fullmatch(since) and _is_date(since)):
        out.append(f"in_force_from {since!r} is not a date written YYYY-MM-DD (or blank)")
    return out


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _problem_message(source: Path, problems: list[str], *, fix: str) -> str:
    listed = "; ".join(problems[:20]) + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
    return f"{source} has {len(problems)} problem(s): {listed}. Fix: {fix}."


def load_designated_areas(data_dir: PathLike | None = None) -> pd.DataFrame:
    """Read the bundle's list of the designated areas (``ontario/french_language_services_designated_areas.csv``).

    Parameters
    ----------
    data_dir : path-like, optional
        The bundle directory (``None``: :func:`esr_geo.settings.data_dir`).

    Returns
    -------
    pandas.DataFrame
        ``area_no`` (integer), ``area``, ``parent_cd_name``, ``cduid_2021``, ``scope`` (``all`` or
        ``part ...``), ``named_localities`` and ``note``, as text.

    Raises
    ------
    DataError
        If the file is missing, unreadable or lacks a column.
    """
    path = settings.data_dir(data_dir) / AREAS_FILE
    if not path.is_file():
        raise DataError(
            f"The bundle's list of French-language designated areas {path} is missing; it is part of the Ontario "
            "data bundle (restore the file from the bundle).",
            parameter="data_dir",
        )
    frame = read_project_csv(
        path,
        what="Designated-area list",
        columns=("area_no", "area", "cduid_2021", "scope"),
        fix="restore the file from the bundle",
    )
    bad = [f"row {i + 2}" for i, v in enumerate(frame["area_no"]) if not str(v).isdigit()]
    if bad:
        raise DataError(f"{path}: area_no must be a whole number on every row; not on {', '.join(bad)}.")
    return frame.assign(area_no=frame["area_no"].astype("int64"))


def check_mapping(
    mapping: pd.DataFrame, *, csds: pd.DataFrame, areas: pd.DataFrame, source: PathLike | None = None
) -> None:
    """Check the mapping against the bundle: its census subdivisions and its list of designated areas.

    Every CSDUID exists (with the bundle's name, type and census division); every designated
    area is there, under its own name, and no other; each row lies in its area's census
    division; an area designated whole (``scope`` ``all``) holds every CSD of its census
    division, reserves included.

    Parameters
    ----------
    mapping : pandas.DataFrame
        From :func:`load_mapping`.
    csds : pandas.DataFrame
        The bundle's census subdivisions (``CSDUID``, ``CSDNAME``, ``CSDTYPE``, ``CDUID``), e.g.
        ``Base.csds``.
    areas : pandas.DataFrame
        From :func:`load_designated_areas`.
    source : path-like, keyword-only
        The mapping file, for the message (``None``: :data:`MAPPING_PATH`).

    Raises
    ------
    DataError
        Naming the file and every row at fault, all at once.
    """
    path = Path(source) if source is not None else MAPPING_PATH
    bundle = _BundleAreas(
        names=dict(zip(areas["area_no"].astype(int), areas["area"].astype(str), strict=True)),
        cds=dict(zip(areas["area_no"].astype(int), areas["cduid_2021"].astype(str), strict=True)),
        csds={
            str(r.CSDUID): (str(r.CSDNAME), str(r.CSDTYPE), str(r.CDUID))
            for r in csds[["CSDUID", "CSDNAME", "CSDTYPE", "CDUID"]].itertuples(index=False)
        },
    )
    problems = []
    for i, rec in enumerate(mapping.to_dict("records")):
        problems += [f"row {i + 2}: {p}" for p in _row_against_bundle(rec, bundle)]
    missing = sorted(set(bundle.names) - set(mapping["area_no"].astype(int)))
    problems += [f"designated area {n} ({bundle.names[n]}) has no row" for n in missing]
    whole = areas.loc[areas["scope"].astype(str).str.strip().eq("all"), "area_no"].astype(int)
    for no in whole:
        cd = bundle.cds[no]
        have = set(mapping.loc[mapping["area_no"] == no, "CSDUID"])
        lack = sorted(uid for uid, (_n, _t, cd_of) in bundle.csds.items() if cd_of == cd and uid not in have)
        if lack:
            problems.append(
                f"area {no} ({bundle.names[no]}) is designated whole but lacks {len(lack)} CSD(s) of census "
                f"division {cd}: {', '.join(lack)}"
            )
    if problems:
        raise DataError(_problem_message(path, problems, fix="correct these rows against the bundle"))


class _BundleAreas(NamedTuple):
    """What the bundle says: area names and census divisions by number; each CSD's name, type and CD."""

    names: dict[int, str]
    cds: dict[int, str]
    csds: dict[str, tuple[str, str, str]]


def _row_against_bundle(rec: Mapping[Hashable, Any], bundle: _BundleAreas) -> list[str]:
    """Return the problems of one mapping row against the bundle's CSDs and area list."""
    out = []
    no, uid = int(rec["area_no"]), str(rec["CSDUID"])
    if no not in bundle.names:
        out.append(f"area_no {no} is not one of the bundle's designated areas (1 to {len(bundle.names)})")
    else:
        if rec["area"] != bundle.names[no]:
            out.append(f"area {rec['area']!r} is not the bundle's name of area {no} ({bundle.names[no]!r})")
        if rec["CDUID"] != bundle.cds[no]:
            out.append(f"CSD {uid} is in census division {rec['CDUID']}, not in the area's ({bundle.cds[no]})")
    if uid not in bundle.csds:
        out.append(f"CSDUID {uid} is not a 2021 census subdivision of the bundle")
        return out
    for col, bundle_col, value in zip(
        ("csd_name", "csd_type", "CDUID"), ("CSDNAME", "CSDTYPE", "CDUID"), bundle.csds[uid], strict=True
    ):
        if rec[col] != value:
            out.append(f"{col} {rec[col]!r} is not the bundle's {bundle_col} of {uid} ({value!r})")
    return out


_DESIGNATION_CACHE: list[tuple[object, tuple[object, ...], pd.DataFrame]] = []


def _stamp(path: Path) -> tuple[object, ...]:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), stat.st_size, stat.st_mtime_ns)


def designations(base: Base, *, path: PathLike | None = None) -> pd.DataFrame:
    """Return the mapping for a geography: checked against its bundle, restricted to its CSDs.

    When the bundle of ``base`` holds the list of designated areas, the mapping is checked
    against it and against ``base.csds`` (:func:`check_mapping`); a geography without that list
    (a hand-made one, or a bundle from before it) gets the mapping unchecked, restricted to its
    census subdivisions, and a logged warning. Cached on the files and on ``base.csds``.

    Parameters
    ----------
    base : esr_geo.model.Base
        The geography.
    path : path-like, keyword-only
        The mapping file (``None``: :data:`MAPPING_PATH`).

    Returns
    -------
    pandas.DataFrame
        As :func:`load_mapping`.

    Raises
    ------
    DataError
        If the mapping is not what the bundle says.
    """
    source = Path(path) if path is not None else MAPPING_PATH
    areas_path = settings.data_dir(base.data_dir) / AREAS_FILE
    key = (_stamp(source), _stamp(areas_path))
    for obj, k, value in _DESIGNATION_CACHE:
        if obj is base.csds and k == key:
            return value
    mapping = load_mapping(source)
    if areas_path.is_file():
        check_mapping(mapping, csds=base.csds, areas=load_designated_areas(base.data_dir), source=source)
        out = mapping
    else:
        _LOG.warning(
            "%s is not in the data bundle %s: the French-language designated areas of %s are used unchecked, "
            "restricted to the geography's census subdivisions.",
            AREAS_FILE,
            base.data_dir,
            source,
        )
        out = mapping[mapping["CSDUID"].isin(set(base.csds["CSDUID"]))].reset_index(drop=True)
    _DESIGNATION_CACHE[:] = [(base.csds, key, out), *_DESIGNATION_CACHE][:4]
    return out


def designated_csds(mapping: pd.DataFrame, *, on: dt.date | str | None) -> pd.DataFrame:
    """Return the census subdivisions of every designated area in force on a date.

    The one rule of the designation dates: a row is in force from its ``in_force_from`` (blank:
    designated before the earliest date the sources give, so on every date); on and after
    2029-01-01 (:data:`EXPANSION_DATE`) a row's ``from_2029`` code, where given, replaces its
    ``match`` (O. Reg. 272/25 widens six partial areas to current municipal boundaries).

    Parameters
    ----------
    mapping : pandas.DataFrame
        From :func:`load_mapping` (or :func:`designations`).
    on : date or 'YYYY-MM-DD', keyword-only
        The date (``None``: today).

    Returns
    -------
    pandas.DataFrame
        ``area_no``, ``area``, ``CSDUID``, ``csd_name``, ``CDUID``, ``locality``, ``match``
        (the code on that date) and ``note``, sorted by area and CSD.
    """
    day = parse_date(on)
    since = mapping["in_force_from"].astype(str)
    active = mapping[(since == "") | (since <= day.isoformat())]
    match = active["match"]
    if day >= EXPANSION_DATE:
        match = active["from_2029"].where(active["from_2029"] != "", active["match"])
    out = active.assign(match=match)[["area_no", "area", "CSDUID", "csd_name", "CDUID", "locality", "match", "note"]]
    return out.sort_values(["area_no", "CSDUID"]).reset_index(drop=True)


def area_parts(designated: pd.DataFrame, csds: pd.DataFrame) -> pd.DataFrame:
    """Return the parts each designated area is reported by: the area in each catchment, and whole.

    Parameters
    ----------
    designated : pandas.DataFrame
        From :func:`designated_csds`.
    csds : pandas.DataFrame
        Census subdivisions with ``CSDUID`` and ``catchment_id`` (``Base.csds``).

    Returns
    -------
    pandas.DataFrame
        ``area_no``, ``area``, ``catchment_id``, ``CSDUID`` and ``match``: one row per CSD of each
        area in each catchment; an area that spans several catchments also has its rows with
        ``catchment_id`` ``''`` (the whole area). Sorted by area, whole area first.
    """
    cid = csds.set_index("CSDUID")["catchment_id"]
    parts = designated[["area_no", "area", "CSDUID", "match"]].assign(
        catchment_id=designated["CSDUID"].map(cid).fillna("").astype(str)
    )
    spans = parts.groupby("area_no")["catchment_id"].nunique()
    whole = parts[parts["area_no"].isin(spans.index[spans > 1])].assign(catchment_id="")
    out = pd.concat([whole, parts], ignore_index=True)
    out = out.sort_values(["area_no", "catchment_id", "CSDUID"], kind="stable")
    return out[["area_no", "area", "catchment_id", "CSDUID", "match"]].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# Which sites serve in French, and the measure


def french_flags(sites: pd.DataFrame) -> pd.Series:
    """Return whether each site serves in French: True, False or <NA> (not known).

    Parameters
    ----------
    sites : pandas.DataFrame
        Sites, with a ``french`` column when the site list said (see
        :func:`esr_geo.site_checks.read_french`); without one, every site is unknown.

    Returns
    -------
    pandas.Series
        Nullable boolean, same index as ``sites``.
    """
    if "french" not in sites.columns:
        return pd.Series(pd.array([pd.NA] * len(sites), dtype="boolean"), index=sites.index)
    return sites["french"].astype("boolean")


def french_serving(sites: pd.DataFrame) -> np.ndarray:
    """Return which sites are French-serving in-person sites (an unknown language is not French-serving)."""
    return sites["in_person"].astype(bool).to_numpy() & french_flags(sites).fillna(False).to_numpy(dtype=bool)


class FrenchAccess(NamedTuple):
    """The French-serving access columns of the points and of the communities (prefixed ``fr_``)."""

    points: pd.DataFrame
    communities: pd.DataFrame


def measure_french(
    points: pd.DataFrame, communities: pd.DataFrame, sites: pd.DataFrame, *, measure: Measure
) -> FrenchAccess:
    """Measure every person's and community's nearest French-serving in-person site.

    The same measure as for all sites, given only the French-serving ones: straight-line km
    (``functools.partial(esr_geo.access.measure_access, threshold_km=..., ...)``) or a drive-time
    measure with the same columns. Only ``within``, ``nearest_site_id``, ``nearest_site`` and
    ``distance_km`` are relied on; every other column the measure returns (e.g. ``drive_min``)
    is carried through.

    Parameters
    ----------
    points, communities : pandas.DataFrame
        The places to measure (``lon``, ``lat`` and what ``measure`` needs).
    sites : pandas.DataFrame
        The site list (``in_person`` and, when known, ``french``); only French-serving in-person
        sites are measured to (:func:`french_serving`).
    measure : callable, keyword-only
        ``measure(places, sites)`` returning the access columns, same index as ``places``.

    Returns
    -------
    FrenchAccess
        For each, the measure's columns prefixed ``fr_`` (``fr_nearest_site_id``,
        ``fr_nearest_site``, ``fr_distance_km`` (km), ``fr_threshold_km``, ``fr_within``, ...),
        same index as the input. With no French-serving site, no one is within reach:
        ``fr_within`` False, ``fr_distance_km`` NaN and the nearest site blank.
    """
    serving = sites[french_serving(sites)].reset_index(drop=True)
    if serving.empty:
        return FrenchAccess(points=_unreached(points.index), communities=_unreached(communities.index))
    ids = frozenset(serving["site_id"].astype(str))
    return FrenchAccess(
        points=_prefixed(_measure_reusing(points, serving, ids, measure)),
        communities=_prefixed(_measure_reusing(communities, serving, ids, measure)),
    )


def _measure_reusing(
    places: pd.DataFrame, serving: pd.DataFrame, ids: frozenset[str], measure: Measure
) -> pd.DataFrame:
    """Measure places to the French-serving sites, reusing the result of those whose nearest site serves in French.

    ``places`` may carry the same measure's columns to all the sites (``nearest_site_id`` ...):
    where that nearest site is French-serving it is also the nearest French-serving one (the
    nearest of a set is the nearest of any subset that holds it; on a tie both lists keep the
    sites' order, so the same site wins), and its columns are kept instead of measured again.
    """
    same = _is_one_of(places[NEAREST_ID], ids) if NEAREST_ID in places.columns else None
    if same is None or not same.any() or same.all():
        return measure(places, serving)
    rest = measure(places[~same], serving)
    columns = list(rest.columns)
    if not set(columns) <= set(places.columns):
        return measure(places, serving)
    if not rest.index.equals(places.index[~same]):
        rest = rest.reindex(places.index[~same])
    back = np.argsort(np.concatenate([np.flatnonzero(same), np.flatnonzero(~same)]), kind="stable")
    return pd.DataFrame({col: _joined(places[col][same], rest[col], back) for col in columns}, index=places.index)


def _is_one_of(ids_column: pd.Series, ids: frozenset[str]) -> np.ndarray:
    """Return where a column of site ids (categorical or not) holds one of ``ids``, as text."""
    if isinstance(ids_column.dtype, pd.CategoricalDtype):  # compare each category once
        hit = np.append(ids_column.cat.categories.astype(str).isin(ids), False)
        return hit[ids_column.cat.codes.to_numpy()]  # code -1 (missing) reads the appended False
    return ids_column.astype(str).isin(ids).to_numpy()


def _joined(kept: pd.Series, rest: pd.Series, back: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Return ``kept`` then ``rest`` as one column's values in the places' order (``back``), in ``rest``'s type.

    A categorical column keeps only the categories used, sorted, whatever the two parts held.
    """
    if isinstance(rest.dtype, pd.CategoricalDtype):
        both = union_categoricals([pd.Categorical(kept), rest.array], sort_categories=True)
        return both.take(back).remove_unused_categories()
    joined = pd.concat([kept, rest], ignore_index=True)
    return (joined if joined.dtype == rest.dtype else joined.astype(rest.dtype)).take(back).array


def _prefixed(frame: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in (NEAREST_ID, NEAREST, DISTANCE, WITHIN) if c not in frame.columns]
    if missing:
        raise InputError(
            f"The access measure returned no column(s) {', '.join(missing)}; a measure must return at least "
            f"{NEAREST_ID}, {NEAREST}, {DISTANCE} and {WITHIN} (as esr_geo.access.measure_access does).",
            parameter="measure",
        )
    out = frame.rename(columns=lambda c: f"{PREFIX}{c}")
    out[f"{PREFIX}{WITHIN}"] = out[f"{PREFIX}{WITHIN}"].astype(bool)
    return out


def _unreached(index: pd.Index) -> pd.DataFrame:
    n = len(index)
    return pd.DataFrame(
        {
            f"{PREFIX}{NEAREST_ID}": np.full(n, "", dtype=object),
            f"{PREFIX}{NEAREST}": np.full(n, "", dtype=object),
            f"{PREFIX}{DISTANCE}": np.full(n, np.nan),
            f"{PREFIX}threshold_km": np.full(n, np.nan),
            f"{PREFIX}{WITHIN}": np.zeros(n, dtype=bool),
        },
        index=index,
    )


def with_threshold(frame: pd.DataFrame, limit: np.ndarray) -> pd.DataFrame:
    """Return points or communities with their French within-reach flag at another threshold.

    Parameters
    ----------
    frame : pandas.DataFrame
        Places with the ``fr_`` columns of :func:`measure_french` (others are returned as they are).
    limit : numpy.ndarray
        The threshold of each place, in km (:func:`esr_geo.access.thresholds_for`).

    Returns
    -------
    pandas.DataFrame
        A copy with ``fr_threshold_km`` (NaN where no French-serving site was measured) and
        ``fr_within`` recomputed from ``fr_distance_km``; the input is not modified.
    """
    dist_col = f"{PREFIX}{DISTANCE}"
    if dist_col not in frame.columns:
        return frame
    dist = frame[dist_col].to_numpy(dtype=float)
    measured = ~np.isnan(dist)
    return frame.assign(
        **{
            f"{PREFIX}threshold_km": np.where(measured, limit, np.nan),
            f"{PREFIX}{WITHIN}": measured & (np.nan_to_num(dist, nan=np.inf) <= limit),
        }
    )


# --------------------------------------------------------------------------------------
# The tables


@dataclass(frozen=True)
class FrenchRule:
    """The pass rule of a designated area (the zones' rule, :func:`esr_geo.zones.zone_shortfalls`).

    Attributes
    ----------
    min_sites : int, optional
        French-serving in-person sites the area needs inside it (``None``: ``settings.FLS_MIN_SITES``).
    min_share : float, optional
        Share (0-1) of its non-reserve residents that must be within the threshold of a
        French-serving in-person site (``None``: ``settings.FLS_MIN_SHARE``).
    """

    min_sites: int | None = None
    min_share: float | None = None

    @property
    def sites(self) -> int:
        """The minimum number of sites, checked."""
        value = settings.FLS_MIN_SITES if self.min_sites is None else int(self.min_sites)
        if value < 0:
            raise InputError(
                f"The French-language minimum of sites must be 0 or more; got {value!r}.", parameter="min_sites"
            )
        return value

    @property
    def share(self) -> float:
        """The minimum share (0-1), checked."""
        value = settings.FLS_MIN_SHARE if self.min_share is None else float(self.min_share)
        if not 0 <= value <= 1:
            raise InputError(
                f"The French-language minimum share must be between 0 and 1 (e.g. 0.9); got {value!r}.",
                parameter="min_share",
            )
        return value


#: Columns of the designated-area table, in order.
AREA_COLUMNS: tuple[str, ...] = (
    "area_no", "area", "catchment_id", "catchment", "approximate", "csd_count", "population",
    "reserve_population", "non_reserve_population", "in_person_sites", "fr_sites", "fr_unknown_sites",
    "pop_within_fr", "pct_within_fr", "pop_beyond_fr", "reserve_pop_within_fr", "mean_fr_distance_km",
    "max_fr_distance_km", "fls_status", "short_of_fr_sites", "short_of_fr_share", "min_fr_sites", "min_fr_share",
)  # fmt: skip


#: The nearest French-serving site's measures averaged and maximised per area: the column of the
#: points (``fr_`` prefixed) -> the area table's mean and largest (drive minutes only by road).
_FR_MEASURES: dict[str, tuple[str, str]] = {
    f"{PREFIX}{DISTANCE}": ("mean_fr_distance_km", "max_fr_distance_km"),
    f"{PREFIX}drive_min": ("mean_fr_drive_min", "max_fr_drive_min"),
}


def _csd_sums(points: pd.DataFrame) -> pd.DataFrame:
    """Per census subdivision: people, reserve and non-reserve, within reach of French, measure sums.

    For each measure of :data:`_FR_MEASURES` the points carry (km; minutes by road): the
    population-weighted sum and weight (``_wd_<mean>``, ``_wn_<mean>``) and the largest value.
    """
    w = points["population"].to_numpy(dtype=float)
    res = points["is_reserve"].to_numpy(dtype=bool)
    within = points[f"{PREFIX}{WITHIN}"].to_numpy(dtype=bool)
    columns: dict[str, object] = {
        "CSDUID": points["CSDUID"].to_numpy(),
        "population": w,
        "reserve_population": w * res,
        "pop_within_fr": w * (~res & within),
        "reserve_pop_within_fr": w * (res & within),
    }
    largest = []
    for source, (mean_col, max_col) in _FR_MEASURES.items():
        if source not in points:
            continue
        value = points[source].to_numpy(dtype=float)
        counted = ~res & (w > 0) & ~np.isnan(value)
        columns[f"_wd_{mean_col}"] = np.where(counted, w * np.nan_to_num(value), 0.0)
        columns[f"_wn_{mean_col}"] = np.where(counted, w, 0.0)
        columns[max_col] = np.where(counted, value, np.nan)
        largest.append(max_col)
    frame = pd.DataFrame(columns)
    return frame.groupby("CSDUID").agg({c: ("max" if c in largest else "sum") for c in frame.columns if c != "CSDUID"})


def _site_counts(sites: pd.DataFrame) -> pd.DataFrame:
    """Per census subdivision: in-person sites, French-serving ones and those of unknown language."""
    in_person = sites["in_person"].astype(bool).to_numpy()
    flags = french_flags(sites)
    frame = pd.DataFrame(
        {
            "CSDUID": sites["CSDUID"].astype(str).to_numpy(),
            "in_person_sites": in_person.astype(int),
            "fr_sites": (in_person & flags.fillna(False).to_numpy(dtype=bool)).astype(int),
            "fr_unknown_sites": (in_person & flags.isna().to_numpy()).astype(int),
        }
    )
    return frame.groupby("CSDUID").sum()


def area_table(
    points: pd.DataFrame,
    sites: pd.DataFrame,
    parts: pd.DataFrame,
    *,
    rule: FrenchRule | None = None,
    catchment_names: pd.Series | None = None,
) -> pd.DataFrame:
    """Judge each designated area (and part): residents, French-serving sites inside, share within reach.

    Parameters
    ----------
    points : pandas.DataFrame
        Population points with ``CSDUID``, ``population`` (persons), ``is_reserve`` and the
        ``fr_`` columns of :func:`measure_french`.
    sites : pandas.DataFrame
        The sites with ``CSDUID``, ``in_person`` and (when known) ``french``.
    parts : pandas.DataFrame
        From :func:`area_parts`.
    rule : FrenchRule, keyword-only
        The pass rule (``None``: the settings).
    catchment_names : pandas.Series, keyword-only
        Catchment id -> name, for the ``catchment`` column (``None``: the id).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`AREA_COLUMNS`, one row per part: people (persons; ``reserve_population``
        and ``reserve_pop_within_fr`` are the exempt reserve residents, never in the share),
        sites inside (``fr_sites``: French-serving in person; ``fr_unknown_sites``: in person,
        language not known, not counted as French-serving), ``pct_within_fr`` (0-100 of
        non-reserve residents within the threshold of a French-serving site, in any area),
        population-weighted mean and largest distance to it (km; by road also
        ``mean_fr_drive_min`` and ``max_fr_drive_min``, minutes), ``fls_status`` (a code of
        :data:`FLS_STATUSES`: ``unknown`` for every area when no in-person site's language is
        known), the reason codes ``short_of_fr_sites`` / ``short_of_fr_share`` and the rule's
        minimums (``min_fr_share`` 0-1).
    """
    rule = rule or FrenchRule()
    need_sites, need_share = rule.sites, rule.share
    in_person = sites[sites["in_person"].astype(bool)]
    known = bool(french_flags(in_person).notna().any())
    per_csd = _csd_sums(points).join(_site_counts(sites), how="outer")
    measures = [pair for pair in _FR_MEASURES.values() if pair[1] in per_csd.columns]
    largest = [max_col for _, max_col in measures]
    sums = [c for c in per_csd.columns if c not in largest]
    joined = parts.join(per_csd, on="CSDUID").fillna({c: 0.0 for c in sums})
    keys = ["area_no", "catchment_id"]
    grouped = joined.groupby(keys, sort=False)
    out = grouped[sums].sum()
    for max_col in largest:
        out[max_col] = grouped[max_col].max()
    out["area"] = grouped["area"].first()
    out["csd_count"] = grouped["CSDUID"].nunique()
    out["approximate"] = grouped["match"].agg(lambda m: bool((m == "approx").any()))
    out = out.reset_index()
    names = {} if catchment_names is None else catchment_names.to_dict()
    out["catchment"] = [str(names.get(c, c)) for c in out["catchment_id"]]
    for col in ("population", "reserve_population", "pop_within_fr", "reserve_pop_within_fr"):
        out[col] = out[col].round().astype("int64")
    out["non_reserve_population"] = out["population"] - out["reserve_population"]
    for col in ("in_person_sites", "fr_sites", "fr_unknown_sites"):
        out[col] = out[col].astype("int64")
    nonres = out["non_reserve_population"].to_numpy(dtype=float)
    pct = np.where(nonres > 0, 100 * out["pop_within_fr"].to_numpy(dtype=float) / np.maximum(nonres, 1), 100.0)
    out["pct_within_fr"] = pct.round(2)
    out["pop_beyond_fr"] = out["non_reserve_population"] - out["pop_within_fr"]
    for mean_col, max_col in measures:
        weight = out[f"_wn_{mean_col}"]
        out[mean_col] = (out[f"_wd_{mean_col}"] / weight.where(weight > 0)).round(2)
        out[max_col] = out[max_col].round(2)
    short_sites, short_share = zone_shortfalls(
        out["fr_sites"].to_numpy(), pct, min_sites=need_sites, min_share=need_share
    )
    if known:
        out["fls_status"] = np.where(short_sites | short_share, FAILS, PASSES)
    else:
        out["fls_status"] = UNKNOWN
        short_sites, short_share = np.zeros(len(out), dtype=bool), np.zeros(len(out), dtype=bool)
        for col in ("pct_within_fr", *(c for pair in measures for c in pair)):
            out[col] = np.nan
        for col in ("pop_within_fr", "pop_beyond_fr", "reserve_pop_within_fr"):
            out[col] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["short_of_fr_sites"] = short_sites
    out["short_of_fr_share"] = short_share
    out["min_fr_sites"] = need_sites
    out["min_fr_share"] = need_share
    order = out["catchment_id"].ne("").to_numpy()
    out = out.iloc[np.lexsort((out["catchment_id"].to_numpy(dtype=str), order, out["area_no"].to_numpy()))]
    by_road = [c for c in ("mean_fr_drive_min", "max_fr_drive_min") if c in out.columns]
    columns = list(AREA_COLUMNS)
    at = columns.index("max_fr_distance_km") + 1
    return out[[*columns[:at], *by_road, *columns[at:]]].reset_index(drop=True)


def community_table(
    communities: pd.DataFrame,
    designated: pd.DataFrame,
    *,
    language_known: bool = True,
    catchment_names: pd.Series | None = None,
) -> pd.DataFrame:
    """List each named community in a designated area with its nearest French-serving site.

    Parameters
    ----------
    communities : pandas.DataFrame
        Communities with ``community``, ``kind``, ``population``, ``CSDUID``, ``CSDNAME``,
        ``catchment_id``, ``is_reserve``, ``lon``, ``lat`` and the ``fr_`` columns of
        :func:`measure_french`.
    designated : pandas.DataFrame
        From :func:`designated_csds`.
    language_known : bool, keyword-only
        Whether any in-person site's language is known; if not, ``fr_within`` is <NA>.
    catchment_names : pandas.Series, keyword-only
        Catchment id -> name (``None``: the id).

    Returns
    -------
    pandas.DataFrame
        One row per community and designated area it lies in: ``area_no``, ``area``,
        ``community``, ``kind``, ``population``, ``CSDUID``, ``CSDNAME``, ``catchment``,
        ``is_reserve_exempt``, ``fr_nearest_site``, ``fr_distance_km`` (km), ``fr_threshold_km``,
        ``fr_within`` (nullable boolean), any other column the measure returned (``fr_``),
        ``lon`` and ``lat``; sorted by area, exempt last, farthest first.
    """
    from esr_geo.analysis import reserve_exempt  # the one home of the exemption rule

    areas = designated[["area_no", "area", "CSDUID"]]
    comm = communities.reset_index(drop=True)
    hit = comm.join(areas.set_index("CSDUID"), on="CSDUID", how="inner")
    names = {} if catchment_names is None else catchment_names.to_dict()
    extra = [c for c in comm.columns if c.startswith(PREFIX) and c[len(PREFIX) :] not in _INTERNAL]
    extra = [c for c in extra if c not in (f"{PREFIX}{NEAREST}", f"{PREFIX}{DISTANCE}", f"{PREFIX}threshold_km")]
    extra = [c for c in extra if c != f"{PREFIX}{WITHIN}"]
    within = hit[f"{PREFIX}{WITHIN}"].astype("boolean")
    if not language_known:
        within = pd.Series(pd.array([pd.NA] * len(hit), dtype="boolean"), index=hit.index)
    out = pd.DataFrame(
        {
            "area_no": hit["area_no"].astype("int64"),
            "area": hit["area"],
            "community": hit["community"],
            "kind": hit["kind"],
            "population": hit["population"].round().astype("Int64"),
            "CSDUID": hit["CSDUID"],
            "CSDNAME": hit["CSDNAME"],
            "catchment": [names.get(c, c) for c in hit["catchment_id"]],
            "is_reserve_exempt": reserve_exempt(hit),
            "fr_nearest_site": hit[f"{PREFIX}{NEAREST}"].astype(object).fillna("").astype(str),
            "fr_distance_km": hit[f"{PREFIX}{DISTANCE}"].astype(float).round(1),
            "fr_threshold_km": hit[f"{PREFIX}threshold_km"].astype(float) if f"{PREFIX}threshold_km" in hit else np.nan,
            "fr_within": within,
            **{c: hit[c] for c in extra},
            "lon": hit["lon"].round(5),
            "lat": hit["lat"].round(5),
        },
        index=hit.index,
    )
    out = out.sort_values(
        ["area_no", "is_reserve_exempt", "fr_distance_km", "community"],
        ascending=[True, True, False, True],
        na_position="first",
        kind="stable",
    )
    return out.reset_index(drop=True)


def french_tables(analysis: Analysis, *, rule: FrenchRule | None = None) -> dict[str, pd.DataFrame]:
    """Return the French Language Services tables of an analysis, on its date.

    Parameters
    ----------
    analysis : esr_geo.analysis.Analysis
        An analysis whose points and communities carry the ``fr_`` columns of
        :func:`measure_french` (its date ``on`` chooses the designations in force).
    rule : FrenchRule, keyword-only
        The pass rule (``None``: the settings).

    Returns
    -------
    dict of pandas.DataFrame
        ``french_designated_areas`` (:func:`area_table`) and ``french_communities``
        (:func:`community_table`); both empty (with their columns) when the analysis has no
        ``fr_`` columns.
    """
    parts, designated = _parts_of(analysis)
    names = analysis.base.catchments.set_index("catchment_id")["name_en"]
    points = analysis.points
    if f"{PREFIX}{WITHIN}" not in points.columns:
        _LOG.warning("The analysis has no French-language access columns; its FLS tables are empty.")
        return {AREAS_TABLE: pd.DataFrame(columns=list(AREA_COLUMNS)), COMMUNITIES_TABLE: pd.DataFrame()}
    in_person = analysis.sites[analysis.sites["in_person"].astype(bool)]
    known = bool(french_flags(in_person).notna().any())
    _warn_if_stale(points, analysis.sites)
    return {
        AREAS_TABLE: area_table(points, analysis.sites, parts, rule=rule, catchment_names=names),
        COMMUNITIES_TABLE: community_table(
            analysis.communities, designated, language_known=known, catchment_names=names
        ),
    }


def _warn_if_stale(points: pd.DataFrame, sites: pd.DataFrame) -> None:
    """Log a warning when the nearest French-serving site of someone is not in the list (closed, not re-measured)."""
    ids = set(sites.loc[french_serving(sites), "site_id"].astype(str)) | {""}
    nearest = points[f"{PREFIX}{NEAREST_ID}"]
    used = {str(v) for v in pd.unique(nearest.dropna().astype(object))}  # blank: no site reached
    gone = sorted(used - ids)
    if gone:
        _LOG.warning(
            "The French-language access columns name %d site(s) that are not French-serving in-person sites of the "
            "list (%s): they were measured before a change of sites and are stale; re-measure with measure_french.",
            len(gone),
            ", ".join(gone[:5]),
        )


def _parts_of(analysis: Analysis) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the area parts and designated CSDs of an analysis on its date (within its scope, if any)."""
    designated = designated_csds(designations(analysis.base), on=analysis.on)
    scope = getattr(analysis, "scope", None)
    if scope is not None:
        designated = designated[designated["CSDUID"].isin(set(scope.csds))].reset_index(drop=True)
    return area_parts(designated, analysis.base.csds), designated


# --------------------------------------------------------------------------------------
# The areas as polygons


_POLYGON_CACHE: list[tuple[object, tuple[object, ...], gpd.GeoDataFrame]] = []


def area_polygons(parts: pd.DataFrame, csds: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return each area part as one polygon: the union of its census subdivisions.

    Parameters
    ----------
    parts : pandas.DataFrame
        From :func:`area_parts`.
    csds : geopandas.GeoDataFrame
        Census subdivisions with ``CSDUID`` and polygons in a projected CRS (``Base.csds``,
        EPSG:3347).

    Returns
    -------
    geopandas.GeoDataFrame
        ``area_no``, ``catchment_id`` and the (multi)polygon, in the CRS of ``csds``; cached
        on ``csds`` and the parts.
    """
    if csds.crs is None:
        raise DataError("The census subdivisions have no CRS; they must be in EPSG:3347 (metres).")
    key = tuple(parts[["area_no", "catchment_id", "CSDUID"]].itertuples(index=False, name=None))
    for obj, k, value in _POLYGON_CACHE:
        if obj is csds and k == key:
            return value.copy()
    geoms = csds.set_index("CSDUID").geometry
    frame = gpd.GeoDataFrame(
        parts[["area_no", "catchment_id"]].reset_index(drop=True),
        geometry=np.asarray(geoms.reindex(parts["CSDUID"].to_numpy()), dtype=object),
        crs=csds.crs,
    )
    out = frame.dissolve(by=["area_no", "catchment_id"], sort=False).reset_index()
    out = gpd.GeoDataFrame(out[["area_no", "catchment_id"]], geometry=out.geometry.make_valid(), crs=csds.crs)
    _POLYGON_CACHE[:] = [(csds, key, out), *_POLYGON_CACHE][:4]
    return out.copy()


def area_layer(analysis: Analysis) -> gpd.GeoDataFrame:
    """Return the designated-area table of an analysis as polygons (EPSG:3347), for the map and exports.

    Returns
    -------
    geopandas.GeoDataFrame
        The rows and columns of ``analysis.tables['french_designated_areas']`` with each part's
        polygon (the union of its census subdivisions).
    """
    table = analysis.tables[AREAS_TABLE]
    parts, _ = _parts_of(analysis)
    polys = area_polygons(parts, analysis.base.csds).to_crs(settings.ANALYSIS_CRS)
    merged = table.merge(polys, on=["area_no", "catchment_id"], how="left")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=settings.ANALYSIS_CRS)
