"""The 15 EST catchment areas, built by dissolving whole 2021 census divisions."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd

from esr_geo import settings
from esr_geo.data import polygonal, read_project_csv
from esr_geo.errors import DataError
from esr_geo.rollout import status_codes

PathLike = str | os.PathLike[str]

CATCHMENTS_FILE = Path("boundaries") / "catchments.csv"
COLUMNS = ["catchment_id", "name_en", "name_fr", "cduids"]


def load_definition(path: PathLike | None = None) -> pd.DataFrame:
    """Load the project's catchment definition (which census divisions make each catchment).

    Parameters
    ----------
    path : path-like, optional
        The CSV (``catchment_id, name_en, name_fr, cduids`` with CDUIDs separated by spaces);
        ``None`` uses ``data/boundaries/catchments.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per catchment; ``cduids`` is a list of 4-digit CDUID strings.

    Raises
    ------
    DataError
        Listing every malformed row and every CDUID used twice.
    """
    path = Path(path) if path is not None else settings.PROJECT_DATA_DIR / CATCHMENTS_FILE
    frame = read_project_csv(
        path, what="Catchment definition", columns=COLUMNS, fix="restore it from the repository"
    )
    problems = []
    seen: dict[str, str] = {}
    lists = []
    for row, rec in enumerate(frame.to_dict("records"), start=2):
        codes = rec["cduids"].split()
        if not rec["catchment_id"] or not rec["name_en"] or not rec["name_fr"]:
            problems.append(f"row {row}: catchment_id, name_en and name_fr are required.")
        if not codes:
            problems.append(f"row {row}: no census divisions listed in cduids.")
        for code in codes:
            if not (len(code) == 4 and code.isdigit() and code.startswith("35")):
                problems.append(f"row {row}: {code!r} is not an Ontario CDUID (4 digits starting 35).")
            elif code in seen:
                problems.append(f"row {row}: CD {code} is already in catchment {seen[code]!r}.")
            else:
                seen[code] = rec["catchment_id"]
        lists.append(codes)
    if frame["catchment_id"].duplicated().any():
        problems.append("catchment_id values must be unique.")
    if problems:
        raise DataError(f"Catchment definition {path} has problems:\n" + "\n".join(f"  - {p}" for p in problems))
    out = frame[["catchment_id", "name_en", "name_fr"]].copy()
    out["cduids"] = lists
    return out


def cd_lookup(definition: pd.DataFrame) -> dict[str, str]:
    """Map each CDUID to its catchment id."""
    return {
        code: cid for cid, codes in zip(definition["catchment_id"], definition["cduids"], strict=True) for code in codes
    }


def assign_cds(cds: pd.DataFrame, definition: pd.DataFrame) -> pd.Series:
    """Return the catchment id of every census division, checking each belongs to exactly one.

    Parameters
    ----------
    cds : pandas.DataFrame
        Census divisions with a ``CDUID`` column.
    definition : pandas.DataFrame
        As returned by :func:`load_definition`.

    Returns
    -------
    pandas.Series
        Catchment id per row of ``cds`` (same index).

    Raises
    ------
    DataError
        If a CD is in no catchment, or the definition names a CD that does not exist.
    """
    lookup = cd_lookup(definition)
    ids = cds["CDUID"].map(lookup)
    orphans = cds.loc[ids.isna(), "CDUID"].tolist()
    unknown = sorted(set(lookup) - set(cds["CDUID"]))
    if orphans or unknown:
        parts = []
        if orphans:
            parts.append(f"census divisions in no catchment: {', '.join(orphans)}")
        if unknown:
            parts.append(f"CDUIDs in the definition that are not Ontario 2021 CDs: {', '.join(unknown)}")
        raise DataError("Catchment definition does not cover Ontario exactly: " + "; ".join(parts) + ".")
    return ids


def _join_sorted(cduids: pd.Series) -> str:
    """Return a catchment's CDUIDs, sorted and space-separated (its ``CDUID`` after dissolving)."""
    return " ".join(sorted(cduids))


def build_catchments(
    cds: gpd.GeoDataFrame,
    cd_population: pd.DataFrame,
    csds: pd.DataFrame,
    *,
    definition: pd.DataFrame | None = None,
    rollout: pd.DataFrame | None = None,
    on: dt.date | str | None = None,
) -> gpd.GeoDataFrame:
    """Dissolve census divisions into the 15 catchment areas with their attributes.

    Parameters
    ----------
    cds : geopandas.GeoDataFrame
        Census division polygons (projected CRS, metres), as from
        :func:`esr_geo.data.load_census_divisions`.
    cd_population : pandas.DataFrame
        ``CDUID`` and ``POP2021`` (persons).
    csds : pandas.DataFrame
        Census subdivisions with ``CDUID`` and ``CSDTYPE`` (counted per catchment).
    definition : pandas.DataFrame, optional
        Catchment definition; ``None`` loads the project's.
    rollout : pandas.DataFrame, optional
        Rollout table; ``None`` loads the project's.
    on : date or 'YYYY-MM-DD', optional
        Date of the ``status`` column; ``None`` means today.

    Returns
    -------
    geopandas.GeoDataFrame
        One valid MultiPolygon per catchment (in the CRS of ``cds``) with ``catchment_id``,
        ``name_en``, ``name_fr``, ``cduids`` (space-separated), ``population`` (persons),
        ``land_area_km2`` (published land area, km²), ``density_per_km2``, ``csd_count``,
        ``reserve_count`` and the rollout columns ``phase``, ``ssm_en``, ``ssm_fr``,
        ``planning_start``, ``planning_end``, ``ies_start``, ``status``.
    """
    if cds.crs is None or not cds.crs.is_projected:
        raise DataError("Census divisions must be in a projected CRS (metres) to build catchments.")
    definition = definition if definition is not None else load_definition()
    from esr_geo.rollout import load_rollout

    rollout = rollout if rollout is not None else load_rollout(definition=definition)
    work = cds[["CDUID", "LANDAREA", "geometry"]].copy()
    work["catchment_id"] = assign_cds(work, definition)
    pop = cd_population.set_index("CDUID")["POP2021"]
    work["population"] = work["CDUID"].map(pop)
    if work["population"].isna().any():
        raise DataError(
            "Census division population is missing for: " + ", ".join(work.loc[work["population"].isna(), "CDUID"])
        )
    dissolved = work.dissolve(
        by="catchment_id",
        aggfunc={"population": "sum", "LANDAREA": "sum", "CDUID": _join_sorted},
    ).reset_index()
    dissolved["geometry"] = polygonal(dissolved.geometry)
    csd_cid = csds["CDUID"].map(cd_lookup(definition))
    counts = csd_cid.value_counts()
    reserves = csd_cid[csds["CSDTYPE"].isin(settings.RESERVE_CSD_TYPES)].value_counts()
    out = definition[["catchment_id", "name_en", "name_fr"]].merge(dissolved, on="catchment_id", how="left")
    out = out.rename(columns={"CDUID": "cduids", "LANDAREA": "land_area_km2"})
    out["population"] = out["population"].astype("int64")
    out["density_per_km2"] = out["population"] / out["land_area_km2"]
    out["csd_count"] = out["catchment_id"].map(counts).fillna(0).astype("int64")
    out["reserve_count"] = out["catchment_id"].map(reserves).fillna(0).astype("int64")
    unknown_rollout = sorted(set(out["catchment_id"]) - set(rollout["catchment_id"]))
    if unknown_rollout:
        raise DataError(f"The rollout table has no row for catchment(s): {', '.join(unknown_rollout)}.")
    names = rollout.set_index("catchment_id")
    defs = out.set_index("catchment_id")
    clash = [
        cid
        for cid in defs.index
        if (names.at[cid, "catchment_en"], names.at[cid, "catchment_fr"])
        != (defs.at[cid, "name_en"], defs.at[cid, "name_fr"])
    ]
    if clash:
        raise DataError(
            "The rollout table and the catchment definition give different names for: "
            + ", ".join(clash)
            + ". Make data/rollout.csv and data/boundaries/catchments.csv agree."
        )
    status = status_codes(rollout, on=on)
    cols = ["phase", "ssm_en", "ssm_fr", "planning_start", "planning_end", "ies_start"]
    out = out.merge(rollout[["catchment_id", *cols]], on="catchment_id", how="left")
    out["status"] = out["catchment_id"].map(status)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=cds.crs)
