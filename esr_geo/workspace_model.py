"""What a planner's workspace holds: their sites, zones and named scenarios, checked as values.

:class:`Workspace` is a planner's site list, zones and named :class:`Scenario` objects (each
closing and adding sites: :class:`AddedSite`), in memory. :func:`site_rows` and
:func:`zone_rows` give located sites and zones as a workspace keeps them (the site-file
template's columns; zones as lists of census subdivisions or as drawn polygons).

How a workspace is written to and read from its GeoPackage is :mod:`esr_geo.workspace_file`;
:mod:`esr_geo.workspace` gathers both and gives the sites and zones back as the files the
readers check. Import from :mod:`esr_geo.workspace`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import geopandas as gpd
import pandas as pd

from esr_geo import __version__, settings
from esr_geo.access import check_minutes, check_threshold
from esr_geo.errors import InputError, named, shown

#: Columns of the ``sites`` table: the site-file template's, without the coordinates (the point is the location).
SITE_FIELDS: tuple[str, ...] = (
    "site_id", "name", "organisation", "address", "city", "postal_code", "site_type", "in_person", "catchment",
    "french",
)  # fmt: skip
#: Measure codes of a scenario: straight-line kilometres or drive minutes (``esr_geo.analysis.MEASURE_*``).
MEASURES: tuple[str, ...] = ("km", "min")

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class AddedSite:
    """A site a scenario adds: its position (WGS 84 degrees) and name."""

    lon: float
    lat: float
    name: str = ""


def _text_problem(what: str, text: str) -> str | None:
    if len(text) > settings.UPLOAD_TEXT_MAX_CHARS:
        return f"{what} is {len(text):,} characters long; at most {settings.UPLOAD_TEXT_MAX_CHARS} are accepted"
    if _CONTROL.search(text):
        return f"{what} {shown(text)} holds an invisible control character"
    return None


def scenario_problems(
    name: str, *, closed: Sequence[str], added: Sequence[AddedSite], measure: str, threshold: float
) -> list[str]:
    """Return what is wrong with a scenario's values (empty when nothing is).

    Parameters
    ----------
    name : str
        The scenario's name (1 to ``settings.UPLOAD_TEXT_MAX_CHARS`` characters).
    closed : sequence of str, keyword-only
        ``site_id`` of the sites it closes.
    added : sequence of AddedSite, keyword-only
        The sites it adds (inside ``settings.ONTARIO_BBOX``, degrees).
    measure : {'km', 'min'}, keyword-only
        Straight-line kilometres or drive minutes.
    threshold : float, keyword-only
        The threshold in that unit (km or minutes).

    Returns
    -------
    list of str
        One clause per problem, naming the scenario.
    """
    label = f"scenario {shown(name)}"
    problems = []
    if not str(name).strip():
        problems.append("a scenario has no name; give each scenario a name")
    elif (bad := _text_problem("the scenario name", str(name))) is not None:
        problems.append(f"{label}: {bad}")
    if measure not in MEASURES:
        problems.append(f"{label}: measure is {shown(measure)}; it must be 'km' (straight line) or 'min' (drive time)")
    else:
        try:
            (check_threshold if measure == "km" else check_minutes)(threshold, name="threshold")
        except InputError as exc:
            problems.append(f"{label}: {exc}")
    for site_id in closed:
        if not str(site_id).strip():
            problems.append(f"{label}: a closed site has no site_id")
        elif (bad := _text_problem("a closed site_id", str(site_id))) is not None:
            problems.append(f"{label}: {bad}")
    west, south, east, north = settings.ONTARIO_BBOX
    for i, site in enumerate(added, start=1):
        if not (math.isfinite(site.lon) and math.isfinite(site.lat) and west <= site.lon <= east
                and south <= site.lat <= north):  # fmt: skip
            problems.append(
                f"{label}: added site {i} ({shown(site.name)}) is at longitude {site.lon:g}, latitude {site.lat:g}, "
                f"outside Ontario (longitude {west:g} to {east:g}, latitude {south:g} to {north:g})"
            )
        if (bad := _text_problem(f"added site {i}'s name", site.name)) is not None:
            problems.append(f"{label}: {bad}")
    return problems


@dataclass(frozen=True)
class Scenario:
    """A named what-if: sites closed and added, the measure and threshold, and the date.

    Attributes
    ----------
    name : str
        Its name, unique in a workspace.
    closed : tuple of str
        ``site_id`` of the sites it closes.
    added : tuple of AddedSite
        The sites it adds.
    measure : {'km', 'min'}
        Straight-line kilometres (``'km'``) or drive minutes on a road network (``'min'``).
    threshold : float
        The threshold in that unit (km or minutes).
    on : datetime.date or None
        Date of the rollout statuses (``None``: the day it is looked at).

    Raises
    ------
    InputError
        Listing every problem of the values (see :func:`scenario_problems`).
    """

    name: str
    closed: tuple[str, ...] = ()
    added: tuple[AddedSite, ...] = ()
    measure: str = "km"
    threshold: float = settings.THRESHOLD_KM
    on: dt.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", str(self.name).strip())
        object.__setattr__(self, "closed", tuple(dict.fromkeys(str(s).strip() for s in self.closed)))
        object.__setattr__(self, "added", tuple(self.added))
        object.__setattr__(self, "threshold", float(self.threshold))
        problems = scenario_problems(
            self.name, closed=self.closed, added=self.added, measure=self.measure, threshold=self.threshold
        )
        if problems:
            raise InputError(f"Scenario {shown(self.name)} is not valid:", problems, parameter="scenario")


@dataclass(frozen=True, eq=False)
class Workspace:
    """A planner's sites, zones and named scenarios.

    Attributes
    ----------
    sites : pandas.DataFrame or None
        The planner's sites: :data:`SITE_FIELDS` as text (``in_person`` and ``french`` 'yes',
        'no' or '') and ``lon``, ``lat`` (WGS 84 degrees); ``None``: the demonstration layer.
    zones : geopandas.GeoDataFrame or None
        The planner's zones (the columns of :data:`esr_geo.zones.ZONE_COLUMNS`, EPSG:3347), all
        lists of census subdivisions (``basis`` 'CSDUID') or all polygons (``'polygon'``);
        ``None``: the default zones.
    scenarios : tuple of Scenario
        The named scenarios, names unique.
    name : str
        The file's display name (e.g. ``'kenora_plan.gpkg'``).
    sites_label, zones_label : str
        Where the sites and zones came from (shown in reports).
    created, saved : str
        When the workspace was first saved and last saved (ISO 8601, with the UTC offset; ''
        before the first save).
    saved_by : str
        The esr-geo version that saved it last.
    """

    sites: pd.DataFrame | None = None
    zones: gpd.GeoDataFrame | None = None
    scenarios: tuple[Scenario, ...] = ()
    name: str = "workspace.gpkg"
    sites_label: str = ""
    zones_label: str = ""
    created: str = ""
    saved: str = ""
    saved_by: str = field(default=__version__)

    def __post_init__(self) -> None:
        names = [s.name for s in self.scenarios]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise InputError(
                f"Scenario names must be unique in a workspace; {', '.join(shown(n) for n in repeated)} "
                "appear more than once. Rename them.",
                parameter="scenario",
            )

    @property
    def scenario_names(self) -> list[str]:
        """The scenarios' names, in order."""
        return [s.name for s in self.scenarios]

    def scenario(self, name: str) -> Scenario:
        """Return the scenario called ``name`` (exact; then ignoring case), or raise InputError naming them all."""
        for s in self.scenarios:
            if s.name == name:
                return s
        folded = [s for s in self.scenarios if s.name.casefold() == str(name).strip().casefold()]
        if len(folded) == 1:
            return folded[0]
        known = ", ".join(shown(n) for n in self.scenario_names) or "none"
        raise InputError(
            f"Workspace {named(self.name)} has no scenario {shown(name)}; its scenarios: {known}.",
            parameter="scenario",
        )

    def with_scenario(self, scenario: Scenario) -> Workspace:
        """Return a copy with ``scenario`` added, replacing one of the same name."""
        kept = tuple(s for s in self.scenarios if s.name != scenario.name)
        return replace(self, scenarios=(*kept, scenario))

    def without_scenario(self, name: str) -> Workspace:
        """Return a copy without the scenario called ``name`` (unchanged if there is none)."""
        return replace(self, scenarios=tuple(s for s in self.scenarios if s.name != name))


def _yes_no(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return "yes" if bool(value) else "no"


def site_rows(sites: pd.DataFrame) -> pd.DataFrame:
    """Return located sites (``esr_geo.offices.SiteLoad.sites`` or ``Analysis.sites``) as workspace rows.

    Parameters
    ----------
    sites : pandas.DataFrame
        Sites with the columns of :data:`esr_geo.site_checks.SITE_COLUMNS` (``lon``, ``lat``
        in WGS 84 degrees; ``declared_catchment`` as the file gave it).

    Returns
    -------
    pandas.DataFrame
        :data:`SITE_FIELDS` as text (``in_person`` and ``french`` 'yes', 'no' or '', the
        declared catchment as ``catchment``) and ``lon``, ``lat`` (degrees).
    """
    out = pd.DataFrame(index=pd.RangeIndex(len(sites)))
    for col in SITE_FIELDS:
        source = "declared_catchment" if col == "catchment" else col
        values = sites[source].tolist() if source in sites.columns else [""] * len(sites)
        if col in ("in_person", "french") and source in sites.columns:
            out[col] = [_yes_no(v) for v in values]
        else:
            out[col] = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in values]
    out["lon"] = sites["lon"].to_numpy(dtype=float)
    out["lat"] = sites["lat"].to_numpy(dtype=float)
    return out


def zone_rows(zones: gpd.GeoDataFrame, *, csds: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """Return zones as a workspace keeps them: lists of census subdivisions, or polygons.

    Zones made of census divisions (``basis`` 'CDUID') become the lists of their census
    subdivisions (which nest in them), so they are kept as a planner's own zones.

    Parameters
    ----------
    zones : geopandas.GeoDataFrame
        Zones (:data:`esr_geo.zones.ZONE_COLUMNS`).
    csds : pandas.DataFrame, keyword-only
        Census subdivisions with ``CSDUID`` and ``CDUID`` (needed for census-division zones).

    Returns
    -------
    geopandas.GeoDataFrame
        ``zone``, ``basis``, ``members``, ``catchment_id`` and the polygon, in EPSG:3347.

    Raises
    ------
    InputError
        When the zones mix lists of census subdivisions and drawn polygons.
    """
    out = gpd.GeoDataFrame(
        {
            "zone": zones["zone"].astype(str).to_numpy(),
            "basis": zones["basis"].astype(str).to_numpy(),
            "members": zones["members"].fillna("").astype(str).to_numpy(),
            "catchment_id": zones["catchment_id"].fillna("").astype(str).to_numpy(),
        },
        geometry=zones.geometry.to_crs(settings.ANALYSIS_CRS).to_numpy(),
        crs=settings.ANALYSIS_CRS,
    )
    by_cd = out["basis"] == "CDUID"
    if by_cd.any():
        if csds is None:
            raise ValueError("zone_rows needs csds to keep zones made of census divisions")
        cd_of = csds[["CSDUID", "CDUID"]].astype(str)
        out.loc[by_cd, "members"] = [
            " ".join(sorted(cd_of.loc[cd_of["CDUID"].isin(m.split()), "CSDUID"])) for m in out.loc[by_cd, "members"]
        ]
        out.loc[by_cd, "basis"] = "CSDUID"
    kinds = set(out["basis"])
    if len(kinds) > 1 or not kinds <= {"CSDUID", "polygon"}:
        raise InputError(
            "A workspace keeps zones of one kind: all lists of census subdivisions, or all drawn polygons; these "
            f"zones mix {', '.join(sorted(kinds))}. Keep one kind (e.g. rebuild the drawn zones from census "
            "subdivisions).",
            parameter="zones",
        )
    return out


def keep_zones(zones: gpd.GeoDataFrame, *, csds: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """Return zones as a workspace holds them (:func:`zone_rows`, in the columns of ``esr_geo.zones.ZONE_COLUMNS``)."""
    rows = zone_rows(zones, csds=csds)
    return gpd.GeoDataFrame(
        {
            "zone_id": rows["zone"].to_numpy(),
            "zone": rows["zone"].to_numpy(),
            "catchment_id": rows["catchment_id"].to_numpy(),
            "basis": rows["basis"].to_numpy(),
            "members": rows["members"].to_numpy(),
        },
        geometry=rows.geometry.to_numpy(),
        crs=rows.crs,
    )


__all__ = [
    "MEASURES",
    "SITE_FIELDS",
    "AddedSite",
    "Scenario",
    "Workspace",
    "keep_zones",
    "scenario_problems",
    "site_rows",
    "zone_rows",
]
