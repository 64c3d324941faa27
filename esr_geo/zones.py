"""Service delivery zones: defaults, planners' own zones, and the pass/fail test."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from esr_geo import settings
from esr_geo.data import polygonal
from esr_geo.errors import GUIDES, InputError, shown
from esr_geo.model import Base
from esr_geo.readers import FileKind, check_file, file_format, fold_header, read_table, read_vector

PathLike = str | os.PathLike[str]

#: Catchments whose census divisions are the default zones (Phase 3, rural and remote north).
DEFAULT_ZONE_CATCHMENTS: tuple[str, ...] = ("northeast", "northwest")
ZONE_COLUMNS = ["zone_id", "zone", "catchment_id", "basis", "members", "geometry"]
#: Accepted headers of the zone name and census subdivision code columns, folded as
#: :func:`esr_geo.readers.fold_header` folds them (``'Zone Name'`` -> ``'zonename'``), in
#: order of preference.
_NAME_HEADERS = ("zone", "zonename", "name", "zoneid", "nom", "zonenom", "nomdelazone")
_CSD_HEADERS = ("csduid", "csd", "csdcode", "censussubdivision", "sdridu", "sdr")

ZONE_FORMATS = (
    "a table of CSDUID and zone (CSV .csv or .txt, Excel workbook .xlsx) or a polygon layer with a zone column "
    "(GeoPackage .gpkg, GeoJSON .geojson or .json, shapefile .shp, zipped shapefile .zip)"
)
_ZONE_GUIDE = GUIDES["zones"]

#: Message wording and size limit of zones files, for the readers shared with esr_geo.offices.
ZONES_FILE = FileKind(
    noun="Zones file",
    no_rows="no zones",
    rows_fix="add one row per census subdivision under the header (CSDUID, zone)",
    empty_fix="save the zones with a header row (CSDUID, zone) and one row per census subdivision",
    layer_fix="save the zones as one layer of polygons with a zone column",
    shapes="polygons",
    layer="the zone layer",
    guide=_ZONE_GUIDE,
    formats=ZONE_FORMATS,
    size_fix=(
        "Simplify the polygons (e.g. to 50 m with QGIS: Vector > Geometry Tools > Simplify), or give a table of "
        "CSDUID and zone instead."
    ),
    max_mb_setting="ZONES_FILE_MAX_MB",
)


def default_zones(base: Base) -> gpd.GeoDataFrame:
    """Return the default zones: each census division of the Northeast and Northwest.

    The ministry has not published zone boundaries; these 11 zones (Greater Sudbury is its
    own) are the stand-in until a planner supplies their own.

    Parameters
    ----------
    base : esr_geo.model.Base
        The loaded geography.

    Returns
    -------
    geopandas.GeoDataFrame
        ``zone_id`` (the CDUID), ``zone`` (the CD name), ``catchment_id``, ``basis``
        ('CDUID'), ``members`` (the CDUID) and the CD polygon (EPSG:3347).
    """
    cds = base.cds[base.cds["catchment_id"].isin(DEFAULT_ZONE_CATCHMENTS)].sort_values("CDUID")
    return gpd.GeoDataFrame(
        {
            "zone_id": cds["CDUID"].to_numpy(),
            "zone": cds["CDNAME"].to_numpy(),
            "catchment_id": cds["catchment_id"].to_numpy(),
            "basis": "CDUID",
            "members": cds["CDUID"].to_numpy(),
        },
        geometry=cds.geometry.to_numpy(),
        crs=base.cds.crs,
    )


def _pick(columns: list[str], options: tuple[str, ...]) -> str | None:
    folded: dict[str, str] = {}
    for c in columns:
        folded.setdefault(fold_header(c), c)
    for opt in options:
        if opt in folded:
            return folded[opt]
    return None


def _majority_catchment(zone_of: pd.Series, catchment_of: pd.Series, weight: pd.Series) -> pd.Series:
    frame = pd.DataFrame({"zone": zone_of, "cid": catchment_of, "w": weight}).dropna(subset=["zone"])
    sums = frame.groupby(["zone", "cid"])["w"].sum().reset_index()
    sums = sums.sort_values(["zone", "w", "cid"], ascending=[True, False, True])
    return sums.drop_duplicates("zone").set_index("zone")["cid"]


def read_zones(path: PathLike, *, base: Base, name: str | None = None) -> gpd.GeoDataFrame:
    """Read a planner's zones: a polygon file, or a table mapping census subdivisions to zones.

    The file is read by the same readers as site files (:mod:`esr_geo.offices`): a table is
    CSV (UTF-8, UTF-8 with BOM, UTF-16 with BOM or Windows-1252; comma, semicolon or tab
    separated) or Excel ``.xlsx`` (first sheet); a zipped shapefile is checked (no member
    name outside the archive, one shapefile, unzipped size within
    ``settings.ZONES_FILE_MAX_MB`` megabytes) and read in place. Headers are matched as
    for site files, ignoring case, accents, spaces, ``_``, ``-`` and ``.``.

    Row numbers in messages are spreadsheet rows: the header is row 1 (blank rows above it
    count), the first data row 2; a polygon layer's feature 1 is "row 2" too.

    Parameters
    ----------
    path : path-like
        A table with a census subdivision code column (``CSDUID``) and a zone name column
        (``zone``), or a polygon file (GeoPackage, GeoJSON, shapefile, zipped shapefile)
        with a ``zone`` (or ``name``) column and a declared CRS.
    base : esr_geo.model.Base, keyword-only
        The loaded geography.
    name : str, keyword-only
        Display name of the file in messages (e.g. an uploaded file's original name); its
        extension decides the format when it is a known one.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns as :func:`default_zones`; ``basis`` is 'CSDUID' or 'polygon'. Zones may
        cover any catchment; ``catchment_id`` is the catchment holding most of the zone's
        people.

    Raises
    ------
    InputError
        Naming the file, the rows and the fix, for every problem at once.
    """
    path = Path(path)
    label = name or path.name
    check_file(path, label, kind=ZONES_FILE)
    suffix = (Path(label).suffix or path.suffix).lower()
    kind = file_format(path, label) or {".txt": "csv", ".shp": "vector"}.get(suffix)
    if kind in ("csv", "xlsx"):
        return _zones_from_table(path, base=base, label=label)
    if kind in ("vector", "zip"):
        return _zones_from_polygons(path, base=base, label=label)
    raise InputError(f"Zones file {label}: unsupported format {suffix or '(none)'}. Use {ZONE_FORMATS}; {_ZONE_GUIDE}.")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _bad_name(zone: str) -> str | None:
    """Say what is wrong with a zone name (too long, an invisible character), or None."""
    if len(zone) > settings.UPLOAD_TEXT_MAX_CHARS:
        return f"zone name is {len(zone):,} characters long; shorten it to {settings.UPLOAD_TEXT_MAX_CHARS} or fewer."
    if _CONTROL.search(zone):
        return f"zone name {shown(zone)} holds an invisible control character; retype it."
    return None


def _joined_codes(codes: pd.Series) -> str:
    """Join a zone's census subdivision codes, sorted, with spaces (its ``members``)."""
    return " ".join(sorted(codes.astype(str)))


#: Overlapping pairs of zones listed in full; past this many the check stops and says so.
MAX_OVERLAPS_LISTED = 50


def _overlaps(
    geoms: gpd.GeoSeries, names: np.ndarray, *, min_km2: float = 1.0, chunk: int = 20_000
) -> list[str]:
    """List the pairs of zones that overlap by more than ``min_km2`` km² (planar, analysis CRS).

    Only pairs whose bounding boxes meet are looked at (an STR-tree query); pairs that only
    touch along a border are dropped by a predicate before any intersection is computed, and
    the intersections are computed a chunk at a time, stopping once
    :data:`MAX_OVERLAPS_LISTED` overlaps are found. So thousands of zones that share borders
    are checked in about the time of their number, and a file of heavily overlapping zones
    is refused quickly instead of every pair being measured.
    """
    arr = np.asarray(geoms.to_numpy(), dtype=object)
    left, right = shapely.STRtree(arr).query(arr, predicate="intersects")
    keep = left < right
    order = np.lexsort((right[keep], left[keep]))
    left, right = left[keep][order], right[keep][order]
    found: list[str] = []
    for start in range(0, len(left), chunk):
        li, ri = left[start : start + chunk], right[start : start + chunk]
        inner = ~shapely.touches(arr[li], arr[ri])
        li, ri = li[inner], ri[inner]
        areas = shapely.area(shapely.intersection(arr[li], arr[ri])) / 1e6
        found += [
            f"{shown(names[i])} and {shown(names[j])} overlap by {a:,.1f} km²"
            for i, j, a in zip(li, ri, areas, strict=True)
            if a > min_km2
        ]
        if len(found) > MAX_OVERLAPS_LISTED:
            more = (
                f"at least {len(found):,} pairs of zones overlap; the first {MAX_OVERLAPS_LISTED} are listed and "
                "the check stopped there"
            )
            return [*found[:MAX_OVERLAPS_LISTED], more]
    return found


def _zones_from_table(path: Path, *, base: Base, label: str) -> gpd.GeoDataFrame:
    return zones_from_table(read_table(path, label, kind=ZONES_FILE), base=base, label=label)


def zones_from_table(raw: pd.DataFrame, *, base: Base, label: str = "zones table") -> gpd.GeoDataFrame:
    """Build zones from a table of census subdivisions and their zones (the CSV the zones file reader reads).

    Every problem is found at once: an empty or unusable zone name, a code that is not a 2021
    Ontario census subdivision, a subdivision listed twice.

    Parameters
    ----------
    raw : pandas.DataFrame
        Text columns: a census subdivision code (``CSDUID``) and a zone name (``zone``), headers
        matched as in a zones file; the index numbers the rows in messages (spreadsheet rows
        when read from a file).
    base : esr_geo.model.Base, keyword-only
        The loaded geography.
    label : str, keyword-only
        What the table is, in messages (a file's display name).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns as :func:`default_zones`, ``basis`` 'CSDUID'; each zone's ``catchment_id`` is
        the catchment holding most of its people.

    Raises
    ------
    InputError
        Naming the table, the rows and the fix, for every problem at once.
    """
    csd_col = _pick(list(raw.columns), _CSD_HEADERS)
    zone_col = _pick(list(raw.columns), _NAME_HEADERS)
    if csd_col is None or zone_col is None:
        raise InputError(
            f"Zones file {label} needs a census subdivision column (CSDUID) and a zone name column "
            f"(zone); found: {', '.join(shown(c) for c in list(raw.columns)[:30]) or 'no columns'}. Rename the "
            f"two columns CSDUID and zone; {_ZONE_GUIDE}."
        )
    codes = raw[csd_col].astype(str).str.strip()
    names = raw[zone_col].astype(str).str.strip()
    known = set(base.csds["CSDUID"])
    problems = []
    seen: dict[str, int] = {}
    for row, code, zone in zip(raw.index, codes, names, strict=True):
        if not zone:
            problems.append(f"row {row}: zone name is empty; write the zone's name.")
        elif (bad := _bad_name(zone)) is not None:
            problems.append(f"row {row}: {bad}")
        if code not in known:
            problems.append(
                f"row {row}: {shown(code)} is not a 2021 Ontario census subdivision code; write the 7-digit CSDUID "
                "(e.g. 3553005)."
            )
        elif code in seen:
            problems.append(f"row {row}: CSD {code} is already in a zone on row {seen[code]}; list it once.")
        else:
            seen[code] = int(row)
    if problems:
        raise InputError(f"Zones file {label} has {len(problems)} problem(s); fix these rows:", problems)
    mapping = pd.Series(names.to_numpy(), index=codes.to_numpy())
    csds = base.csds[base.csds["CSDUID"].isin(mapping.index)].copy()
    csds["zone"] = csds["CSDUID"].map(mapping)
    pts = base.points
    zone_of_pt = pts["CSDUID"].map(mapping)
    majority = _majority_catchment(zone_of_pt, pts["catchment_id"], pts["population"])
    zones = pd.Series(sorted(csds["zone"].unique()))
    members = csds.groupby("zone")["CSDUID"].agg(_joined_codes)
    out = gpd.GeoDataFrame(
        {
            "zone_id": zones,
            "zone": zones,
            "catchment_id": zones.map(majority).astype(object).fillna(""),
            "basis": "CSDUID",
            "members": members.loc[zones].reset_index(drop=True),
        },
        geometry=np.asarray(_zone_shapes(csds, base).reindex(zones).values),
        crs=base.csds.crs,
    )
    return out


def _zone_shapes(csds: gpd.GeoDataFrame, base: Base) -> gpd.GeoSeries:
    """Return each zone's polygon (display and GIS files only: people and sites are assigned by code).

    A census division whose every subdivision is in the zone is drawn by its own polygon (the
    default zones are whole divisions), so only the rest is dissolved; valid polygons are not
    repaired again.
    """
    all_of_cd = base.csds.groupby("CDUID")["CSDUID"].agg(frozenset)
    cd_shape = dict(zip(base.cds["CDUID"], base.cds.geometry, strict=True))
    names: list[str] = []
    shapes: list[Any] = []
    for zone, part in csds.groupby("zone"):
        codes = set(part["CSDUID"])
        whole = [cd for cd in part["CDUID"].unique() if cd in cd_shape and all_of_cd[cd] <= codes]
        pieces = [cd_shape[cd] for cd in whole] + list(part.loc[~part["CDUID"].isin(whole), "geometry"])
        names.append(str(zone))
        shapes.append(pieces[0] if len(pieces) == 1 else shapely.union_all(pieces))
    arr = np.asarray(shapes, dtype=object)
    fine = shapely.is_valid(arr) & np.isin(shapely.get_type_id(arr), [3, 6])  # Polygon, MultiPolygon
    if (~fine).any():
        arr[~fine] = polygonal(gpd.GeoSeries(arr[~fine], crs=base.csds.crs)).to_numpy()
    multi = [shapely.MultiPolygon([g]) if shapely.get_type_id(g) == 3 else g for g in arr]
    return gpd.GeoSeries(multi, index=pd.Index(names), crs=base.csds.crs)


def _zones_from_polygons(path: Path, *, base: Base, label: str) -> gpd.GeoDataFrame:
    frame = read_vector(path, label, kind=ZONES_FILE)  # index: row 2 = feature 1
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        raise InputError(
            f"Zones file {label} has no geometry: it is a table, not a polygon layer. Draw the zones as polygons, "
            f"or give a table of CSDUID and zone; {_ZONE_GUIDE}."
        )
    zone_col = _pick([c for c in frame.columns if c != frame.geometry.name], _NAME_HEADERS)
    if zone_col is None:
        found = ", ".join(shown(c) for c in list(frame.columns)[:30] if c != frame.geometry.name) or "none"
        raise InputError(
            f"Zones file {label} needs a zone name column (zone or name); found: {found}. Add a column 'zone' "
            "with each polygon's zone."
        )
    problems = []
    geom_types = frame.geometry.geom_type
    for row, zone, gtype in zip(frame.index, frame[zone_col], geom_types, strict=True):
        where = f"row {row} (feature {row - 1})"
        if pd.isna(zone) or not str(zone).strip():
            problems.append(f"{where}: zone name is empty; write the zone's name.")
        elif (bad := _bad_name(str(zone).strip())) is not None:
            problems.append(f"{where}: {bad}")
        if gtype is None or pd.isna(gtype):
            problems.append(f"{where}: the feature has no geometry; draw its polygon or delete the feature.")
        elif gtype not in ("Polygon", "MultiPolygon"):
            problems.append(f"{where}: geometry is a {gtype}, not a polygon; draw the zone as a polygon.")
    if problems:
        raise InputError(
            f"Zones file {label} has {len(problems)} problem(s); fix these features (numbered as spreadsheet rows: "
            "feature 1 is row 2):",
            problems,
        )
    frame = frame.assign(zone=frame[zone_col].astype(str).str.strip()).to_crs(settings.ANALYSIS_CRS)
    dissolved = frame[["zone", "geometry"]].dissolve(by="zone").reset_index()
    geoms = polygonal(dissolved.geometry)
    overlaps = _overlaps(geoms, dissolved["zone"].astype(str).to_numpy())
    if overlaps:
        raise InputError(f"Zones file {label}: zones must not overlap (each person belongs to one zone).", overlaps)
    zones = gpd.GeoDataFrame(
        {
            "zone_id": dissolved["zone"],
            "zone": dissolved["zone"],
            "catchment_id": "",
            "basis": "polygon",
            "members": "",
        },
        geometry=geoms.to_numpy(),
        crs=settings.ANALYSIS_CRS,
    )
    zone_of_pt = assign_points(base.points, zones)
    majority = _majority_catchment(zone_of_pt, base.points["catchment_id"], base.points["population"])
    zones["catchment_id"] = zones["zone"].map(majority).astype(object).fillna("")
    empty = zones.loc[zones["catchment_id"] == "", "zone"].tolist()
    if empty:
        raise InputError(
            f"Zones file {label}: no census population falls inside zone(s) {', '.join(empty)}; check that the "
            "file's CRS is declared correctly and that the zones lie in Ontario."
        )
    return zones


def assign_points(points: pd.DataFrame, zones: gpd.GeoDataFrame) -> pd.Series:
    """Return the zone of each population point (NaN outside every zone).

    Zones built from census codes are assigned by code, so zone populations add up exactly
    to census figures; polygon zones are assigned by point-in-polygon.

    Parameters
    ----------
    points : pandas.DataFrame
        ``CDUID``, ``CSDUID`` and ``x``, ``y`` (EPSG:3347 metres).
    zones : geopandas.GeoDataFrame
        From :func:`default_zones` or :func:`read_zones`.

    Returns
    -------
    pandas.Series
        Zone name per point, same index as ``points``.
    """
    out = pd.Series(np.nan, index=points.index, dtype=object)
    for basis, column in (("CDUID", "CDUID"), ("CSDUID", "CSDUID")):
        part = zones[zones["basis"] == basis]
        if len(part):
            mapping = {
                code: z for z, codes in zip(part["zone"], part["members"], strict=True) for code in codes.split()
            }
            hit = points[column].map(mapping)
            out = out.where(hit.isna(), hit)
    poly = zones[zones["basis"] == "polygon"]
    if len(poly):
        geo = gpd.GeoDataFrame(
            index=points.index,
            geometry=gpd.points_from_xy(points["x"], points["y"]),
            crs=settings.ANALYSIS_CRS,
        )
        joined = gpd.sjoin(geo, poly[["zone", "geometry"]].to_crs(settings.ANALYSIS_CRS), predicate="within")
        joined = joined[~joined.index.duplicated(keep="first")]
        out.loc[joined.index] = joined["zone"].to_numpy()
    return out


def assign_sites(sites: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, *, csds: gpd.GeoDataFrame) -> pd.Series:
    """Return the zone of each site (NaN outside every zone).

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Located sites with ``CSDUID`` and point geometry.
    zones : geopandas.GeoDataFrame
        The zones.
    csds : geopandas.GeoDataFrame
        Census subdivisions with ``CSDUID`` and ``CDUID`` (to assign code-based zones).

    Returns
    -------
    pandas.Series
        Zone name per site, same index as ``sites``.
    """
    proj = sites.to_crs(settings.ANALYSIS_CRS)
    frame = pd.DataFrame(
        {
            "CSDUID": sites["CSDUID"].to_numpy(),
            "CDUID": sites["CSDUID"].map(csds.set_index("CSDUID")["CDUID"]).to_numpy(),
            "x": proj.geometry.x.to_numpy(),
            "y": proj.geometry.y.to_numpy(),
        },
        index=sites.index,
    )
    return assign_points(frame, zones)


def evaluate_zones(
    zones: gpd.GeoDataFrame,
    points: pd.DataFrame,
    sites: pd.DataFrame,
    *,
    min_sites: int | None = None,
    min_share: float | None = None,
) -> pd.DataFrame:
    """Decide whether each zone keeps in-person access.

    A zone passes when it has at least ``min_sites`` in-person sites inside it and at least
    ``min_share`` of its non-reserve population lives within the threshold of an in-person
    site (the site may be in another zone). Reserves are exempt and counted apart.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        The zones.
    points : pandas.DataFrame
        Population points with ``zone``, ``population`` (persons), ``is_reserve`` and
        ``within`` (from :func:`esr_geo.access.measure_access`).
    sites : pandas.DataFrame
        Sites with ``zone`` and ``in_person``.
    min_sites : int, keyword-only
        Required in-person sites inside the zone (``None``: ``settings.ZONE_MIN_SITES``).
    min_share : float, keyword-only
        Required share (0-1) within the threshold (``None``: ``settings.ZONE_MIN_SHARE``).

    Returns
    -------
    pandas.DataFrame
        ``zone``, ``catchment_id``, ``population``, ``reserve_population``,
        ``non_reserve_population``, ``in_person_sites``, ``pop_within_threshold``,
        ``pct_within_threshold`` (0-100 of non-reserve people), ``short_of_sites`` and
        ``short_of_share`` (the reason codes: which criterion the zone misses; both False
        when it passes) and ``passes``. Words for the reasons are made where a table is
        shown or written (:func:`esr_geo.i18n.in_words`).
    """
    need_sites = settings.ZONE_MIN_SITES if min_sites is None else int(min_sites)
    share = settings.ZONE_MIN_SHARE if min_share is None else float(min_share)
    if need_sites < 0:
        raise InputError(f"min_sites must be 0 or more; got {min_sites!r}.")
    if not 0 <= share <= 1:
        raise InputError(f"min_share must be a share between 0 and 1 (e.g. 0.9); got {min_share!r}.")
    pts = points[points["zone"].notna()]
    pop = pts.groupby("zone")["population"].sum()
    reserve = pts[pts["is_reserve"]].groupby("zone")["population"].sum()
    nonres = pts[~pts["is_reserve"]]
    within = nonres[nonres["within"]].groupby("zone")["population"].sum()
    counts = sites[sites["in_person"].astype(bool) & sites["zone"].notna()].groupby("zone").size()
    out = pd.DataFrame({"zone": zones["zone"].to_numpy(), "catchment_id": zones["catchment_id"].to_numpy()})
    out["population"] = out["zone"].map(pop).fillna(0.0)
    out["reserve_population"] = out["zone"].map(reserve).fillna(0.0)
    out["non_reserve_population"] = out["population"] - out["reserve_population"]
    out["in_person_sites"] = out["zone"].map(counts).fillna(0).astype("int64")
    out["pop_within_threshold"] = out["zone"].map(within).fillna(0.0)
    denom = out["non_reserve_population"].where(out["non_reserve_population"] > 0)
    out["pct_within_threshold"] = (100 * out["pop_within_threshold"] / denom).fillna(100.0)
    short_sites, short_share = zone_shortfalls(
        out["in_person_sites"].to_numpy(), out["pct_within_threshold"].to_numpy(), min_sites=need_sites, min_share=share
    )
    out["short_of_sites"] = short_sites
    out["short_of_share"] = short_share
    out["passes"] = ~(short_sites | short_share)
    return out


def zone_shortfalls(
    in_person_sites: np.ndarray, pct_within: np.ndarray, *, min_sites: int, min_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Apply the zone pass rule: the one place it is written.

    A zone passes when it has at least ``min_sites`` in-person sites inside it and at least
    ``min_share`` of its non-reserve residents within the threshold.

    Parameters
    ----------
    in_person_sites : array of int
        In-person sites inside each zone.
    pct_within : array of float
        Share (0-100) of each zone's non-reserve residents within the threshold.
    min_sites : int, keyword-only
        Required in-person sites.
    min_share : float, keyword-only
        Required share, 0-1.

    Returns
    -------
    tuple of two bool arrays
        ``short_of_sites`` and ``short_of_share`` for each zone; a zone passes when both
        are False.
    """
    sites = np.asarray(in_person_sites, dtype=float)
    pct = np.asarray(pct_within, dtype=float)
    return sites < min_sites, pct < 100 * min_share - 1e-9


def zone_results(
    zones: gpd.GeoDataFrame,
    *,
    points: pd.DataFrame,
    sites: gpd.GeoDataFrame,
    csds: gpd.GeoDataFrame,
    min_sites: int,
    min_share: float,
) -> pd.DataFrame:
    """Decide whether each of some zones (e.g. drafted by a planner) passes, with an analysis's people and sites.

    The people and sites are assigned to ``zones`` (:func:`assign_points`,
    :func:`assign_sites`), then :func:`evaluate_zones` applies the pass rule
    (:func:`zone_shortfalls`); who is within reach is what the analysis measured.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        The zones (:data:`ZONE_COLUMNS`, e.g. from :func:`zones_from_table`).
    points : pandas.DataFrame, keyword-only
        An analysis's population points: ``CDUID``, ``CSDUID``, ``x``, ``y`` (EPSG:3347 metres),
        ``population`` (persons), ``is_reserve`` and ``within``.
    sites : geopandas.GeoDataFrame, keyword-only
        Its sites (``CSDUID``, ``in_person``, points).
    csds : geopandas.GeoDataFrame, keyword-only
        Census subdivisions (``CSDUID``, ``CDUID``).
    min_sites, min_share : keyword-only
        The pass criteria (``min_share`` as 0-1).

    Returns
    -------
    pandas.DataFrame
        As :func:`evaluate_zones`: one row per zone with its people, sites, share within
        reach, the reason codes and ``passes``.
    """
    pts = points.assign(zone=assign_points(points, zones))
    located = sites.assign(zone=assign_sites(sites, zones, csds=csds))
    return evaluate_zones(zones, pts, located, min_sites=min_sites, min_share=min_share)


def csd_at(lon: float, lat: float, *, csds: gpd.GeoDataFrame) -> str | None:
    """Return the census subdivision (CSDUID) a point lies in, or ``None`` outside every one.

    Parameters
    ----------
    lon, lat : float
        The point, in WGS 84 degrees (e.g. a click on the map).
    csds : geopandas.GeoDataFrame, keyword-only
        Census subdivisions with ``CSDUID`` (any CRS); where simplified polygons overlap, the
        smallest wins (a reserve rather than the unorganised area around it).

    Returns
    -------
    str or None
        The CSDUID.
    """
    crs = csds.crs if csds.crs is not None else settings.ANALYSIS_CRS
    point = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs=settings.DISPLAY_CRS).to_crs(crs).iloc[0]
    hits = csds.iloc[csds.sindex.query(point, predicate="intersects")]
    if hits.empty:
        return None
    areas = hits.geometry.area.to_numpy()
    return str(hits["CSDUID"].iloc[int(np.argmin(areas))])
