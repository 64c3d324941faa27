"""Service delivery zones: defaults, planners' own zones, and the pass/fail test."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from esr_geo import settings
from esr_geo.data import polygonal
from esr_geo.errors import InputError
from esr_geo.model import Base

PathLike = str | os.PathLike[str]

#: Catchments whose census divisions are the default zones (Phase 3, rural and remote north).
DEFAULT_ZONE_CATCHMENTS: tuple[str, ...] = ("northeast", "northwest")
ZONE_COLUMNS = ["zone_id", "zone", "catchment_id", "basis", "members", "geometry"]
_NAME_HEADERS = ("zone", "zone_name", "name", "zone_id", "nom", "zone_nom")
_CSD_HEADERS = ("csduid", "csd_uid", "csd", "csd_code", "census_subdivision")


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


def _fold(name: str) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def _pick(columns: list[str], options: tuple[str, ...]) -> str | None:
    folded = {_fold(c): c for c in columns}
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
    """Read a planner's zones: a polygon file, or a CSV mapping census subdivisions to zones.

    Parameters
    ----------
    path : path-like
        A CSV with a census subdivision code column (``CSDUID``) and a zone name column
        (``zone``), or a polygon file (GeoPackage, GeoJSON, zipped shapefile) with a ``zone``
        (or ``name``) column and a declared CRS.
    base : esr_geo.model.Base, keyword-only
        The loaded geography.
    name : str, keyword-only
        Display name of the file in messages (e.g. an uploaded file's original name).

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
    if not path.is_file():
        raise InputError(f"Zones file {label} not found. Check the path.")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _zones_from_csv(path, base=base, label=label)
    if suffix in (".gpkg", ".geojson", ".json", ".zip", ".shp"):
        return _zones_from_polygons(path, base=base, label=label)
    raise InputError(
        f"Zones file {label}: unsupported format {suffix or '(none)'}. Use a CSV (CSDUID,zone) or a "
        "polygon file (.gpkg, .geojson, zipped shapefile .zip)."
    )


def _zones_from_csv(path: Path, *, base: Base, label: str) -> gpd.GeoDataFrame:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    except (pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
        raise InputError(f"Zones file {label} is empty or not a CSV ({exc}).") from exc
    csd_col = _pick(list(raw.columns), _CSD_HEADERS)
    zone_col = _pick(list(raw.columns), _NAME_HEADERS)
    if csd_col is None or zone_col is None:
        raise InputError(
            f"Zones file {label} needs a census subdivision column (CSDUID) and a zone name column "
            f"(zone); found: {', '.join(raw.columns) or 'no columns'}."
        )
    if raw.empty:
        raise InputError(f"Zones file {label} has a header but no rows; list one CSDUID per row.")
    known = set(base.csds["CSDUID"])
    problems = []
    seen: dict[str, int] = {}
    for i, (code, zone) in enumerate(zip(raw[csd_col].str.strip(), raw[zone_col].str.strip(), strict=True), 2):
        if not zone:
            problems.append(f"row {i}: zone name is empty.")
        if code not in known:
            problems.append(
                f"row {i}: {code!r} is not a 2021 Ontario census subdivision code (7 digits, e.g. 3553005)."
            )
        elif code in seen:
            problems.append(f"row {i}: CSD {code} is already in a zone on row {seen[code]}; list it once.")
        else:
            seen[code] = i
    if problems:
        raise InputError(f"Zones file {label} has {len(problems)} problem(s); fix these rows:", problems)
    mapping = pd.Series(raw[zone_col].str.strip().to_numpy(), index=raw[csd_col].str.strip().to_numpy())
    csds = base.csds[base.csds["CSDUID"].isin(mapping.index)].copy()
    csds["zone"] = csds["CSDUID"].map(mapping)
    pts = base.points
    zone_of_pt = pts["CSDUID"].map(mapping)
    majority = _majority_catchment(zone_of_pt, pts["catchment_id"], pts["population"])
    dissolved = csds.dissolve(by="zone", aggfunc={"CSDUID": lambda s: " ".join(sorted(s))}).reset_index()
    out = gpd.GeoDataFrame(
        {
            "zone_id": dissolved["zone"],
            "zone": dissolved["zone"],
            "catchment_id": dissolved["zone"].map(majority).astype(object).fillna(""),
            "basis": "CSDUID",
            "members": dissolved["CSDUID"],
        },
        geometry=polygonal(dissolved.geometry).to_numpy(),
        crs=base.csds.crs,
    )
    return out


def _zones_from_polygons(path: Path, *, base: Base, label: str) -> gpd.GeoDataFrame:
    target = f"/vsizip/{path}" if path.suffix.lower() == ".zip" else str(path)
    try:
        frame = gpd.read_file(target)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(f"Zones file {label} could not be read as a polygon layer ({exc}).") from exc
    if frame.empty:
        raise InputError(f"Zones file {label} has no features; draw at least one zone polygon.")
    if frame.crs is None:
        raise InputError(
            f"Zones file {label} has no coordinate reference system; save it with one (e.g. EPSG:4326 "
            "or EPSG:3161) so its polygons can be placed."
        )
    zone_col = _pick(list(frame.columns), _NAME_HEADERS)
    if zone_col is None:
        raise InputError(
            f"Zones file {label} needs a zone name column (zone or name); found: "
            f"{', '.join(c for c in frame.columns if c != 'geometry')}."
        )
    problems = []
    geom_types = frame.geometry.geom_type.fillna("none")
    for i, (zone, gtype) in enumerate(zip(frame[zone_col], geom_types, strict=True), 1):
        if pd.isna(zone) or not str(zone).strip():
            problems.append(f"feature {i}: zone name is empty.")
        if gtype not in ("Polygon", "MultiPolygon"):
            problems.append(f"feature {i}: geometry is {gtype}, expected a polygon.")
    if problems:
        raise InputError(f"Zones file {label} has {len(problems)} problem(s):", problems)
    frame = frame.assign(zone=frame[zone_col].astype(str).str.strip()).to_crs(settings.ANALYSIS_CRS)
    dissolved = frame[["zone", "geometry"]].dissolve(by="zone").reset_index()
    geoms = polygonal(dissolved.geometry)
    overlaps = []
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            area = geoms.iloc[i].intersection(geoms.iloc[j]).area / 1e6
            if area > 1.0:
                overlaps.append(
                    f"{dissolved['zone'].iloc[i]} and {dissolved['zone'].iloc[j]} overlap by {area:,.1f} km²"
                )
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
        ``pct_within_threshold`` (0-100 of non-reserve people), ``passes`` and ``reason``.
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
    reasons = []
    for n_sites, pct, nonres_pop, within_pop in zip(
        out["in_person_sites"].to_numpy(dtype=int),
        out["pct_within_threshold"].to_numpy(dtype=float),
        out["non_reserve_population"].to_numpy(dtype=float),
        out["pop_within_threshold"].to_numpy(dtype=float),
        strict=True,
    ):
        why = []
        if n_sites < need_sites:
            why.append(f"{n_sites} in-person site(s) inside the zone; at least {need_sites} required")
        if pct < 100 * share - 1e-9:
            why.append(
                f"only {pct:.1f}% of non-reserve residents are within reach "
                f"({nonres_pop - within_pop:,.0f} people beyond); at least {100 * share:.0f}% required"
            )
        reasons.append("; ".join(why))
    out["reason"] = reasons
    out["passes"] = out["reason"] == ""
    return out
