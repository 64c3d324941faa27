"""A tiny synthetic geography whose every answer can be worked out by hand.

Modelled on the small hand-made grids of pysal/access: four census subdivisions in three
census divisions and two catchments, eight population points, three sites and three named
communities, so that parsing, zone rules and tables are tested without the bundle.

Everything sits on the meridian 81° W (near Sudbury), so every distance is an arc of that
meridian: 0.1° of latitude is about 11.1 km there. The census units are rectangles in
EPSG:3347 stacked from south to north (their edges are where the meridian crosses the
latitudes below), 160 km wide::

    lat 48.0 +-------------------------------------------+
             | CD 3552 Sudbury                           |  U1 47.60  400  (S3 47.60, virtual)
             | CSD 3552093 Sudbury, Unorganized, N. (NO) |  U2 47.40  100
    lat 47.3 +-------------------------------------------+  -- northeast --
             | CSD 3553040 Wahnapitei 11 (IRI, reserve)  |  R1 47.10  100
    lat 46.9 +- - - - - - - - - - - - - - - - - - - - - -+
             | CD 3553 Greater Sudbury                   |  G1 46.60 3000
             | CSD 3553005 Greater Sudbury (CV)          |  S1 46.50 (in person)
             |                                           |  G2 46.40 1000
    lat 46.3 +-------------------------------------------+  -- muskoka-kawarthas --
             | CD 3544 Muskoka                           |  H3 46.20  300
             | CSD 3544042 Huntsville (T)                |  H1 45.10 2000
             |                                           |  S2 45.00 (in person)
             |                                           |  H2 44.10  500
    lat 44.0 +-------------------------------------------+

Distances to the nearest in-person site (geodesic, WGS 84; S3 is not in person and never
counts, though U1 stands on it):

====  ==========  ==========  ======  =================  ============
point  nearest    km          people  remoteness class   within 50 km
====  ==========  ==========  ======  =================  ============
H1    S2           11.1        2000   accessible         yes
H2    S2          100.0         500   accessible         no
H3    S1           33.3         300   accessible         yes (other catchment)
G1    S1           11.1        3000   accessible         yes
G2    S1           11.1        1000   accessible         yes
R1    S1           66.7         100   less accessible    no (reserve: exempt)
U1    S1          122.3         400   remote             no
U2    S1          100.1         100   remote             no
====  ==========  ==========  ======  =================  ============

Without S1 the nearest in-person site of everyone is S2: G1 177.8 km, G2 155.6 km, H3
133.4 km, R1 233.4 km, U1 289.0 km and U2 266.8 km.

The catchment ids, names and rollout rows are the real ones (``northeast`` and
``muskoka-kawarthas`` of ``data/boundaries/catchments.csv`` and ``data/rollout.csv``); the
census codes and names are real 2021 codes, but the shapes, places and people are made up.
"""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from esr_geo import settings
from esr_geo.catchments import build_catchments, cd_lookup, load_definition
from esr_geo.communities import COLUMNS as COMMUNITY_COLUMNS
from esr_geo.communities import locate_points
from esr_geo.data import polygonal
from esr_geo.model import Base
from esr_geo.population import POINT_COLUMNS
from esr_geo.remoteness import csd_attributes
from esr_geo.rollout import load_rollout

#: Every point, site and community lies on this meridian (degrees).
LON = -81.0
#: Half the width of every census unit, in EPSG:3347 metres, about the meridian at 46° N.
HALF_WIDTH_M = 80_000.0

#: The two catchments of the tiny geography (real ids).
CATCHMENTS: tuple[str, ...] = ("muskoka-kawarthas", "northeast")

#: Census divisions: CDUID, name, type and the latitudes of their south and north edges.
CDS: tuple[tuple[str, str, str, float, float], ...] = (
    ("3544", "Muskoka", "DM", 44.0, 46.3),
    ("3552", "Sudbury", "DIS", 47.3, 48.0),
    ("3553", "Greater Sudbury / Grand Sudbury", "CDR", 46.3, 47.3),
)

#: Census subdivisions: CSDUID, name, type, south and north edge (latitude), Index of
#: Remoteness (its class in the comment) and SAC type.
CSDS: tuple[tuple[str, str, str, float, float, float, int], ...] = (
    ("3544042", "Huntsville", "T", 44.0, 46.3, 0.27, 6),  # accessible
    ("3552093", "Sudbury, Unorganized, North Part", "NO", 47.3, 48.0, 0.42, 4),  # remote
    ("3553005", "Greater Sudbury / Grand Sudbury", "CV", 46.3, 46.9, 0.27, 1),  # accessible
    ("3553040", "Wahnapitei 11", "IRI", 46.9, 47.3, 0.33, 1),  # less accessible; a reserve
)

#: Population points: DBUID (DAUID = its first 8 digits, CDUID its first 4), CSDUID,
#: latitude and people.
POINTS: tuple[tuple[str, str, float, int], ...] = (
    ("35440001001", "3544042", 45.10, 2000),  # H1
    ("35440001002", "3544042", 44.10, 500),  # H2
    ("35440002001", "3544042", 46.20, 300),  # H3
    ("35530001001", "3553005", 46.60, 3000),  # G1
    ("35530001002", "3553005", 46.40, 1000),  # G2
    ("35530002001", "3553040", 47.10, 100),  # R1, on the reserve
    ("35520001001", "3552093", 47.60, 400),  # U1
    ("35520001002", "3552093", 47.40, 100),  # U2
)
#: Short names of the points, in the order of :data:`POINTS` (and of ``Base.points``).
POINT_NAMES: tuple[str, ...] = ("H1", "H2", "H3", "G1", "G2", "R1", "U1", "U2")

#: Sites: site_id, name, in person, latitude, CSDUID, catchment.
SITES: tuple[tuple[str, str, bool, float, str, str], ...] = (
    ("S1", "Sudbury Centre", True, 46.50, "3553005", "northeast"),
    ("S2", "Huntsville Centre", True, 45.00, "3544042", "muskoka-kawarthas"),
    ("S3", "Chapleau Virtual", False, 47.60, "3552093", "northeast"),
)

#: The sites as a planner's CSV file (the columns of ``data/offices/template.csv``).
SITES_CSV = (
    "site_id,name,organisation,address,city,postal_code,latitude,longitude,site_type,in_person,catchment\n"
    + "".join(
        f"{sid},{name},Tiny Services,,,,{lat:.2f},{LON:.1f},office,{'yes' if person else 'no'},{cid}\n"
        for sid, name, person, lat, _csd, cid in SITES
    )
)

#: Zones by census subdivision, as a planner's CSV (CSDUID, zone).
ZONES_CSV = "CSDUID,zone\n3544042,South\n3553005,City\n3553040,City\n3552093,North\n"

#: The band office of the First Nations layer: number, name, latitude (on the reserve).
BAND_OFFICE = ("232", "Wahnapitae", 47.10)

#: GeoNames-like places: id, name, population, latitude.
PLACES: tuple[tuple[str, str, float, float], ...] = (
    ("geonames:1", "Sudbury", 4000.0, 46.50),  # on S1
    ("geonames:2", "Gogama", 200.0, 47.65),  # 127.8 km from S1
)

_TO_ANALYSIS = pyproj.Transformer.from_crs(settings.DISPLAY_CRS, settings.ANALYSIS_CRS, always_xy=True)


def project(lat: float | np.ndarray, lon: float | np.ndarray = LON) -> tuple[np.ndarray, np.ndarray]:
    """Return EPSG:3347 metres of points given in degrees (on the meridian :data:`LON` by default)."""
    x, y = _TO_ANALYSIS.transform(np.broadcast_to(lon, np.shape(lat)), lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def _band(south: float, north: float) -> shapely.Polygon:
    """Return the EPSG:3347 rectangle between the meridian's crossings of two latitudes."""
    x0, _ = project(46.0)
    _, (y_south, y_north) = project(np.array([south, north]))
    return shapely.box(float(x0) - HALF_WIDTH_M, float(y_south), float(x0) + HALF_WIDTH_M, float(y_north))


def tiny_points() -> pd.DataFrame:
    """Return the population points as :func:`esr_geo.population.build_population_points` gives them."""
    lat = np.array([p[2] for p in POINTS], dtype=float)
    x, y = project(lat)
    dbuid = [p[0] for p in POINTS]
    return pd.DataFrame(
        {
            "DBUID": dbuid,
            "DAUID": [d[:8] for d in dbuid],
            "CDUID": [d[:4] for d in dbuid],
            "CSDUID": [p[1] for p in POINTS],
            "x": x,
            "y": y,
            "lon": np.full(len(POINTS), LON),
            "lat": lat,
            "population": np.array([p[3] for p in POINTS], dtype="int64"),
            "snapped": np.zeros(len(POINTS), dtype=bool),
            "block_count": np.zeros(len(POINTS), dtype=bool),
        }
    )[POINT_COLUMNS]


def tiny_base(data_dir: Path | None = None) -> Base:
    """Build the tiny geography with the package's own builders, as :func:`esr_geo.model.load_base` does.

    Parameters
    ----------
    data_dir : pathlib.Path, optional
        What ``Base.data_dir`` says; the default is a folder that does not exist, so that
        anything that tries to read the real bundle from it fails loudly.

    Returns
    -------
    esr_geo.model.Base
        Two catchments (``muskoka-kawarthas``, ``northeast``), three census divisions, four
        census subdivisions (one a reserve), eight population points (7,400 people) and one
        band office; the rollout rows of the two catchments.
    """
    definition = load_definition()
    definition = definition[definition["catchment_id"].isin(CATCHMENTS)].reset_index(drop=True)
    definition["cduids"] = [[c for c in codes if c in {cd[0] for cd in CDS}] for codes in definition["cduids"]]
    rollout = load_rollout()
    rollout = rollout[rollout["catchment_id"].isin(CATCHMENTS)].reset_index(drop=True)
    lookup = cd_lookup(definition)

    points = tiny_points()
    cd_geoms = [_band(south, north) for _cd, _name, _type, south, north in CDS]
    cds = gpd.GeoDataFrame(
        {
            "CDUID": [c[0] for c in CDS],
            "CDNAME": [c[1] for c in CDS],
            "CDTYPE": [c[2] for c in CDS],
            "LANDAREA": [g.area / 1e6 for g in cd_geoms],
        },
        geometry=cd_geoms,
        crs=settings.ANALYSIS_CRS,
    )
    cds = cds.assign(catchment_id=cds["CDUID"].map(lookup))

    csd_raw = gpd.GeoDataFrame(
        {
            "CSDUID": [c[0] for c in CSDS],
            "CSDNAME": [c[1] for c in CSDS],
            "CSDTYPE": [c[2] for c in CSDS],
            "CDUID": [c[0][:4] for c in CSDS],
        },
        geometry=[_band(c[3], c[4]) for c in CSDS],
        crs=settings.ANALYSIS_CRS,
    )
    census = points.groupby("CSDUID")["population"].sum()
    remoteness = pd.DataFrame(
        {
            "CSDUID": [c[0] for c in CSDS],
            "census_population": [int(census[c[0]]) for c in CSDS],
            "remoteness_index": [c[5] for c in CSDS],
        }
    )
    sac = pd.DataFrame({"CSDUID": [c[0] for c in CSDS], "SACTYPE": [c[6] for c in CSDS]})
    attrs = csd_attributes(csd_raw, remoteness, sac)
    csds = gpd.GeoDataFrame(
        attrs.assign(catchment_id=attrs["CDUID"].map(lookup)),
        geometry=csd_raw.geometry.to_numpy(),
        crs=settings.ANALYSIS_CRS,
    )
    cd_population = (
        points.groupby("CDUID", as_index=False)["population"].sum().rename(columns={"population": "POP2021"})
    )
    catchments = build_catchments(cds, cd_population, csds, definition=definition, rollout=rollout)

    by_csd = attrs.set_index("CSDUID")
    points = points.assign(
        catchment_id=points["CDUID"].map(lookup),
        is_reserve=points["CSDUID"].map(by_csd["is_reserve"]).astype(bool),
        remoteness_class=points["CSDUID"].map(by_csd["remoteness_class"]),
    )
    number, name, lat = BAND_OFFICE
    first_nations = gpd.GeoDataFrame(
        {"BAND_NUMBER": [number], "BAND_NAME": [name]},
        geometry=gpd.points_from_xy([LON], [lat]),
        crs=settings.DISPLAY_CRS,
    )
    return Base(
        data_dir=data_dir if data_dir is not None else Path(__file__).with_name("no-bundle-here"),
        cds=cds,
        csds=csds,
        catchments=catchments,
        rollout=rollout,
        points=points,
        first_nations=first_nations,
    )


def tiny_sites(*, drop: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    """Return the sites of :data:`SITES` as :func:`esr_geo.offices.read_sites` gives them (EPSG:4326).

    Parameters
    ----------
    drop : tuple of str, keyword-only
        Site ids to leave out (e.g. to compare a closure with a fresh run).
    """
    rows = [s for s in SITES if s[0] not in drop]
    lat = np.array([s[3] for s in rows], dtype=float)
    lon = np.full(len(rows), LON)
    names = {c[0]: c[1] for c in CSDS}
    return gpd.GeoDataFrame(
        {
            "site_id": [s[0] for s in rows],
            "name": [s[1] for s in rows],
            "organisation": "Tiny Services",
            "address": "",
            "city": "",
            "postal_code": "",
            "site_type": "office",
            "in_person": np.array([s[2] for s in rows], dtype=bool),
            "declared_catchment": [s[5] for s in rows],
            "location_precision": "coordinates",
            "source_row": np.arange(2, len(rows) + 2),
            "catchment_id": [s[5] for s in rows],
            "CSDUID": [s[4] for s in rows],
            "CSDNAME": [names[s[4]] for s in rows],
            "snapped_km": np.zeros(len(rows)),
            "flag": "",
            "lon": lon,
            "lat": lat,
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs=settings.DISPLAY_CRS,
    )


def csd_zones(base: Base) -> gpd.GeoDataFrame:
    """Return the zones of :data:`ZONES_CSV` as :func:`esr_geo.zones.read_zones` builds them.

    South (Huntsville, muskoka-kawarthas), City (Greater Sudbury and the Wahnapitei 11
    reserve) and North (Sudbury, Unorganized, North Part); each zone's catchment is that of
    its people.
    """
    table = pd.read_csv(io.StringIO(ZONES_CSV), dtype=str)
    mapping = table.set_index("CSDUID")["zone"]
    csds = base.csds[base.csds["CSDUID"].isin(mapping.index)].copy()
    csds["zone"] = csds["CSDUID"].map(mapping)
    dissolved = csds.dissolve(by="zone", aggfunc={"CSDUID": lambda s: " ".join(sorted(s)), "catchment_id": "first"})
    dissolved = dissolved.reset_index()
    return gpd.GeoDataFrame(
        {
            "zone_id": dissolved["zone"],
            "zone": dissolved["zone"],
            "catchment_id": dissolved["catchment_id"].astype(object),
            "basis": "CSDUID",
            "members": dissolved["CSDUID"],
        },
        geometry=polygonal(dissolved.geometry).to_numpy(),
        crs=base.csds.crs,
    )


def tiny_communities(base: Base) -> pd.DataFrame:
    """Return the named communities as :func:`esr_geo.communities.load_communities` would.

    The places of :data:`PLACES` stand in for GeoNames; the band office of ``first_nations``
    takes the census population of the reserve it stands on (Wahnapitei 11: 100 people).
    """
    fn = base.first_nations
    frame = pd.DataFrame(
        {
            "community_id": [p[0] for p in PLACES] + ["band:" + str(n) for n in fn["BAND_NUMBER"]],
            "community": [p[1] for p in PLACES] + [str(n) for n in fn["BAND_NAME"]],
            "population": [p[2] for p in PLACES] + [np.nan] * len(fn),
            "lon": [LON] * len(PLACES) + list(fn.geometry.x),
            "lat": [p[3] for p in PLACES] + list(fn.geometry.y),
            "kind": ["place"] * len(PLACES) + ["first_nation"] * len(fn),
        }
    )
    tagged = locate_points(frame, base)
    census = base.csds.set_index("CSDUID")["census_population"]
    on_reserve = (tagged["kind"] == "first_nation") & tagged["is_reserve"]
    tagged.loc[on_reserve, "population"] = tagged.loc[on_reserve, "CSDUID"].map(census).astype(float)
    return tagged[COMMUNITY_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------------------
# French Language Services (esr_geo.french)
#
# The tiny geography's real census codes fall in two areas of the real designation mapping
# (data/french/designated_areas_csd.csv): area 6, City of Greater Sudbury (the whole CD 3553:
# 3553005 and the Wahnapitei 11 reserve, 3553040), and area 20, District of Sudbury (of its 17
# CSDs, only 3552093 is in the tiny geography). Huntsville (3544042) is not designated.
#
# With S1 (Sudbury Centre) serving in French: area 6 has 4,100 people, 100 of them on the reserve
# (exempt); G1 and G2 (4,000 people) are 11.1 km from S1, so 100 % are within 50 km and S1 is
# inside: the area passes. Area 20 (U1 400 at 122.3 km, U2 100 at 100.1 km; S3 is not in person)
# has no French-serving in-person site inside and no one within 50 km: it fails both ways.
# With only S2 (Huntsville Centre) serving in French, S1 still 11.1 km away but English only, the
# nearest French-serving site of G1 is S2 at 177.8 km and of G2 at 155.6 km: area 6 fails both ways.


def tiny_sites_french(french: dict[str, bool | None], *, drop: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    """Return :func:`tiny_sites` with a ``french`` column: site id -> serves in French (None or absent: unknown)."""
    sites = tiny_sites(drop=drop)
    return sites.assign(french=pd.array([french.get(str(s)) for s in sites["site_id"]], dtype="boolean"))
