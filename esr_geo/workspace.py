"""A planner's workspace: their sites, zones and named scenarios in one GeoPackage that QGIS opens.

The workspace is in three parts, and this module is where callers import every name from:

- :mod:`esr_geo.workspace_model`: what a workspace holds, checked as values
  (:class:`Workspace`, :class:`Scenario`, :class:`AddedSite`, :func:`site_rows`,
  :func:`zone_rows`, :func:`keep_zones`);
- :mod:`esr_geo.workspace_file`: its GeoPackage (the tables' layout, saving atomically,
  opening a planner's file as a hostile one: :func:`save_workspace`, :func:`open_workspace`,
  :func:`workspace_bytes`, :func:`read_workspace_bytes`);
- here: a workspace's sites and zones given back as the files the readers check
  (:func:`site_file`, :func:`zone_file`), made from an analysis (:func:`workspace_of`) and
  analysed (:func:`analyse_workspace`).

Reopened sites and zones are checked again exactly as an uploaded site or zones file is (they
may have been edited in QGIS): :func:`site_file` and :func:`zone_file` give them as the files
:func:`esr_geo.offices.read_sites` and :func:`esr_geo.zones.read_zones` read.
"""

from __future__ import annotations

import io
import math
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from esr_geo.workspace_file import (
    APPLICATION,
    FORMAT_VERSION,
    META_TABLE,
    TABLES,
    WORKSPACE_FILE,
    open_workspace,
    read_workspace_bytes,
    save_workspace,
    workspace_bytes,
)
from esr_geo.workspace_model import (
    MEASURES,
    SITE_FIELDS,
    AddedSite,
    Scenario,
    Workspace,
    keep_zones,
    scenario_problems,
    site_rows,
    zone_rows,
)

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis, AnalysisOptions
    from esr_geo.model import Base


# --------------------------------------------------------------------------------------
# The sites and zones as the files the readers check


def _stem(ws: Workspace) -> str:
    return Path(ws.name).stem or "workspace"


def site_file(ws: Workspace) -> tuple[str, bytes] | None:
    """Return the workspace's sites as a site file: its display name and CSV bytes (``None``: the demonstration layer).

    The CSV has the template's columns with ``latitude`` and ``longitude`` (degrees, written
    exactly); :func:`esr_geo.offices.read_sites` checks it as any site file.
    """
    if ws.sites is None:
        return None
    table = ws.sites[list(SITE_FIELDS)].copy()
    table.insert(6, "latitude", [repr(float(v)) if math.isfinite(v) else "" for v in ws.sites["lat"]])
    table.insert(7, "longitude", [repr(float(v)) if math.isfinite(v) else "" for v in ws.sites["lon"]])
    return f"{_stem(ws)} (workspace sites).csv", table.to_csv(index=False, lineterminator="\n").encode("utf-8")


def zone_file(ws: Workspace) -> tuple[str, bytes] | None:
    """Return the workspace's zones as a zones file: its display name and bytes (``None``: the default zones).

    Lists of census subdivisions become a ``CSDUID,zone`` CSV and drawn polygons a GeoPackage
    layer with a ``zone`` column; :func:`esr_geo.zones.read_zones` checks either as any zones file.
    """
    if ws.zones is None:
        return None
    zones = ws.zones
    if (zones["basis"] == "polygon").all() and len(zones):
        import pyogrio

        layer = gpd.GeoDataFrame({"zone": zones["zone"].to_numpy()}, geometry=zones.geometry.to_numpy(), crs=zones.crs)
        with tempfile.TemporaryDirectory(prefix="esr_geo_ws_zones_") as tmp:
            path = Path(tmp) / "zones.gpkg"
            pyogrio.write_dataframe(layer, path, driver="GPKG", layer="zones", promote_to_multi=True)
            return f"{_stem(ws)} (workspace zones).gpkg", path.read_bytes()
    return f"{_stem(ws)} (workspace zones).csv", zones_csv_text(zones).encode("utf-8")


def zone_table(zones: pd.DataFrame) -> pd.DataFrame:
    """Return zones made of census subdivisions as the ``CSDUID,zone`` table a zones file holds, by code.

    Parameters
    ----------
    zones : pandas.DataFrame
        Zones with ``zone`` and ``members`` (CSDUIDs, space separated), ``basis`` 'CSDUID'.

    Returns
    -------
    pandas.DataFrame
        ``CSDUID`` and ``zone``, one row per census subdivision, sorted by zone then code.
    """
    rows = [(code, str(z)) for z, m in zip(zones["zone"], zones["members"], strict=True) for code in str(m).split()]
    table = pd.DataFrame(rows, columns=["CSDUID", "zone"])
    return table.sort_values(["zone", "CSDUID"], kind="stable").reset_index(drop=True)


def zones_csv_text(zones: pd.DataFrame) -> str:
    """Return zones made of census subdivisions as ``CSDUID,zone`` CSV text (see :func:`zone_table`)."""
    buf = io.StringIO()
    zone_table(zones).to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def workspace_of(
    sites: pd.DataFrame | None,
    zones: gpd.GeoDataFrame | None,
    *,
    csds: pd.DataFrame | None = None,
    scenarios: Iterable[Scenario] = (),
    labels: tuple[str, str] = ("", ""),
    previous: Workspace | None = None,
) -> Workspace:
    """Return a workspace of located sites and zones (``None``: the demonstration layer, the default zones).

    Parameters
    ----------
    sites : pandas.DataFrame or None
        Located sites (:data:`esr_geo.site_checks.SITE_COLUMNS`), e.g. ``Analysis.sites``.
    zones : geopandas.GeoDataFrame or None
        Zones (:data:`esr_geo.zones.ZONE_COLUMNS`).
    csds : pandas.DataFrame, keyword-only
        Census subdivisions (``CSDUID``, ``CDUID``), for zones made of census divisions.
    scenarios : iterable of Scenario, keyword-only
        The named scenarios.
    labels : (str, str), keyword-only
        Where the sites and the zones came from.
    previous : Workspace, keyword-only
        The workspace this one replaces (its file name and creation time are kept).

    Returns
    -------
    Workspace
    """
    return Workspace(
        sites=None if sites is None else site_rows(sites),
        zones=None if zones is None else keep_zones(zones, csds=csds),
        scenarios=tuple(scenarios),
        name=previous.name if previous is not None else "workspace.gpkg",
        sites_label=labels[0],
        zones_label=labels[1],
        created=previous.created if previous is not None else "",
        saved=previous.saved if previous is not None else "",
    )


def analyse_workspace(
    ws: Workspace, base: Base, *, options: AnalysisOptions | None = None, skip_invalid: bool = False
) -> Analysis:
    """Run the analysis of a workspace's sites and zones, checked as a site file and a zones file are.

    Parameters
    ----------
    ws : Workspace
        The workspace (its scenarios are not applied: see :func:`esr_geo.compare.apply_scenario`).
    base : esr_geo.model.Base
        The loaded geography.
    options : esr_geo.analysis.AnalysisOptions, keyword-only
        Thresholds, pass criteria, date, road network (``None``: the defaults).
    skip_invalid : bool, keyword-only
        Go ahead without the invalid site rows (they are listed in the notes).

    Returns
    -------
    esr_geo.analysis.Analysis
        As :func:`esr_geo.analysis.analyse` with the workspace's sites and zones as files.
    """
    from esr_geo.analysis import analyse

    with tempfile.TemporaryDirectory(prefix="esr_geo_ws_run_") as tmp:
        paths: dict[str, tuple[Path, str] | None] = {}
        for key, found in (("sites", site_file(ws)), ("zones", zone_file(ws))):
            if found is None:
                paths[key] = None
                continue
            label, data = found
            path = Path(tmp) / f"{key}{Path(label).suffix}"
            path.write_bytes(data)
            paths[key] = (path, label)
        sites, zones = paths["sites"], paths["zones"]
        return analyse(
            base,
            offices=sites[0] if sites else None,
            offices_name=sites[1] if sites else None,
            zones=zones[0] if zones else None,
            zones_name=zones[1] if zones else None,
            skip_invalid=skip_invalid,
            options=options,
        )


__all__ = [
    "APPLICATION",
    "FORMAT_VERSION",
    "MEASURES",
    "META_TABLE",
    "SITE_FIELDS",
    "TABLES",
    "WORKSPACE_FILE",
    "AddedSite",
    "Scenario",
    "Workspace",
    "analyse_workspace",
    "keep_zones",
    "open_workspace",
    "read_workspace_bytes",
    "save_workspace",
    "scenario_problems",
    "site_file",
    "site_rows",
    "workspace_bytes",
    "workspace_of",
    "zone_file",
    "zone_rows",
    "zone_table",
    "zones_csv_text",
]
