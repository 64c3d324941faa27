"""Project-wide defaults: data locations, coordinate systems and analysis thresholds."""

from __future__ import annotations

import os
from pathlib import Path

#: Root of the repository (the package is installed in editable mode).
REPO_ROOT = Path(__file__).resolve().parent.parent

#: Data the project authors itself and keeps in git (catchments, rollout, zone defaults).
PROJECT_DATA_DIR = REPO_ROOT / "data"

#: Environment variable that points at the real data bundle.
DATA_DIR_ENV = "ESR_GEO_DATA_DIR"

#: Where the bundle is looked for when the environment variable is not set.
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"

#: Environment variable for the cache of derived tables (git-ignored).
CACHE_DIR_ENV = "ESR_GEO_CACHE_DIR"
DEFAULT_CACHE_DIR = PROJECT_DATA_DIR / "cache"

#: Projected CRS used for every planar operation: NAD83 / Statistics Canada Lambert (metres).
ANALYSIS_CRS = "EPSG:3347"
#: Geographic CRS used for display (web maps) and for geodesic distances (WGS 84).
DISPLAY_CRS = "EPSG:4326"
#: Default CRS of shapefile and GeoPackage exports: NAD83 / Ontario MNR Lambert (metres).
EXPORT_CRS = "EPSG:3161"

#: A generous box around Ontario in degrees (WGS 84): (west, south, east, north). Used only to
#: recognise coordinates that cannot be in Ontario (swapped, unsigned or from elsewhere); the
#: census polygons decide where a point really is.
ONTARIO_BBOX: tuple[float, float, float, float] = (-95.5, 41.0, -74.0, 57.5)

#: The largest distance threshold accepted anywhere (command line, app, library), in km.
THRESHOLD_KM_MAX = 2_000.0

#: Ontario's 2021 Census population (persons), the total every population table must reach.
ONTARIO_POPULATION_2021 = 14_223_942
ONTARIO_CD_COUNT = 49
ONTARIO_CSD_COUNT = 577

#: Default straight-line (geodesic) distance to an in-person site, in kilometres.
THRESHOLD_KM = 50.0

#: Optional per-remoteness-class thresholds in km (``None``: use ``THRESHOLD_KM`` everywhere).
THRESHOLD_KM_BY_CLASS: dict[str, float] | None = None

#: A service delivery zone passes with at least this many in-person sites inside it ...
ZONE_MIN_SITES = 1
#: ... and at least this share (0-1) of its non-reserve population within the threshold
#: (90 %: the share Service Canada commits to for 50 km).
ZONE_MIN_SHARE = 0.90

#: Sites and points that fall just outside every (simplified) polygon are snapped to the
#: nearest polygon within this distance, in kilometres, and flagged.
SNAP_TOLERANCE_KM = 5.0

#: Census subdivision types that are First Nations reserves or settlements: exempt from the
#: SSM model (IRI: Indian reserve; S-É: Indian settlement).
RESERVE_CSD_TYPES: tuple[str, ...] = ("IRI", "S-É")

#: Index of Remoteness class breaks (Subedi, Roshanafshar and Greenberg, 2020): a value is in
#: the first class whose upper bound it is below.
REMOTENESS_CLASSES: tuple[tuple[str, float], ...] = (
    ("easily accessible", 0.1500),
    ("accessible", 0.2889),
    ("less accessible", 0.3899),
    ("remote", 0.5533),
    ("very remote", float("inf")),
)
UNCLASSIFIED = "unclassified"
#: Remoteness classes treated as "rural and remote" when a summary needs that split.
RURAL_REMOTE_CLASSES: tuple[str, ...] = ("less accessible", "remote", "very remote")


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the directory of the real data bundle.

    Parameters
    ----------
    path : path-like, optional
        An explicit location. ``None`` falls back to the ``ESR_GEO_DATA_DIR`` environment
        variable, then to ``../shared/data`` beside the repository.

    Returns
    -------
    pathlib.Path
        The directory (not checked here; see :func:`esr_geo.data.check_bundle`).
    """
    if path is not None:
        return Path(path).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return DEFAULT_DATA_DIR


def cache_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the directory for cached derived tables (never committed).

    Parameters
    ----------
    path : path-like, optional
        An explicit location; ``None`` uses ``ESR_GEO_CACHE_DIR`` or ``data/cache``.

    Returns
    -------
    pathlib.Path
        The cache directory (created on first write).
    """
    if path is not None:
        return Path(path).expanduser()
    env = os.environ.get(CACHE_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return DEFAULT_CACHE_DIR


#: Largest site (office) file accepted, in megabytes (10**6 bytes), checked before parsing;
#: for a zipped shapefile the limit also applies to the unzipped total.
SITE_FILE_MAX_MB = 25

#: Two rows with the same site name closer than this, in metres, are duplicates.
SITE_DUPLICATE_M = 10.0

#: Scenarios (esr_geo.scenario): the exact maximal-covering solve uses PySAL spopt's MCLP (a
#: dense cost matrix) when, after merging demand points covered by the same candidates, the
#: problem has at most this many demand groups ...
SCENARIO_SPOPT_MAX_GROUPS = 5_000
#: ... and at most this many candidate sites that cover anyone ...
SCENARIO_SPOPT_MAX_CANDIDATES = 300
#: ... and at most this many cells in its matrix (spopt builds one constraint term per cell,
#: about 1 s per 50,000 cells; the sparse PuLP model gives the same optimum 10-30x faster).
SCENARIO_SPOPT_MAX_CELLS = 50_000
#: Larger problems are solved with the same model built sparsely in PuLP when they have at most
#: this many (demand group, candidate) coverage pairs (``exact=True`` lifts the limit).
SCENARIO_EXACT_MAX_PAIRS = 250_000
#: Time limit of the CBC solver, in seconds; a solution not proven optimal is reported as such.
SCENARIO_EXACT_TIME_LIMIT_S = 60.0

#: The planner's map (esr_geo.maps): boundaries sent to the browser are simplified with this
#: tolerance, in metres, in the analysis CRS (shared edges stay shared: coverage simplification).
MAP_SIMPLIFY_M = 500.0

#: A site up to this distance, in kilometres (geodesic), outside every census subdivision
#: gets a mild "near the boundary" warning: real Ontario locations on shores and borders fall
#: this far outside the simplified polygons (of the bundle's band offices and the GeoNames
#: places, the farthest in Ontario is 0.87 km out). From here up to ``SNAP_TOLERANCE_KM`` the
#: warning says that the site may be in Quebec, Manitoba or the United States; beyond it the
#: site is refused.
BORDER_WARNING_KM = 1.0

#: Largest zones file accepted, in megabytes (10**6 bytes), checked before parsing; for a
#: zipped shapefile the limit also applies to the unzipped total.
ZONES_FILE_MAX_MB = 100

#: Uploads (site, zones and candidate files): at most this many data rows or features ...
UPLOAD_MAX_ROWS = 100_000
#: ... this many columns in the header ...
UPLOAD_MAX_COLUMNS = 200
#: ... and, in a site list, at most this many characters in a name, organisation, address,
#: city or other text field, and this many in a site id (longer is a row error).
UPLOAD_TEXT_MAX_CHARS = 200
UPLOAD_ID_MAX_CHARS = 64


# --------------------------------------------------------------------------------------
# Drive-time analysis (esr_geo.drive)

#: With a road network and no explicit area, a census subdivision is analysed when at least
#: ``NETWORK_SCOPE_MIN_SHARE`` (0-1) of its people live within ``NETWORK_SCOPE_NEAR_KM`` km of
#: one of the network's roads; the subdivisions the network reaches but covers less are left
#: out and named (their people are not counted as without road access: the file simply does
#: not hold their roads). On the City of Ottawa RNF, 99.6 % of Ottawa's people are within 1 km
#: of its roads and at most 9 % of any neighbouring subdivision's: the rule separates them.
NETWORK_SCOPE_MIN_SHARE = 0.5
NETWORK_SCOPE_NEAR_KM = 1.0


# --------------------------------------------------------------------------------------
# Road networks (esr_geo.roads, esr_geo.network, esr_geo.service_areas)

#: Speed of the leg between a point (a population point, a site) and the nearest point of the
#: nearest road, in km/h, over the straight line. The leg stands for what road files leave
#: out: driveways, private lanes, farm lanes and parking lots, driven slowly. 20 km/h is an
#: assumption, not a published figure: slow enough that a point far from every road is not
#: treated as on it (1 km of leg costs 3 minutes), fast enough that a rural farmhouse 500 m
#: up its lane is not treated as walking (1.5 minutes, not 6 at 5 km/h).
ACCESS_SPEED_KMH = 20.0
#: A point farther than this from every road, in km (straight line), has no road access: it
#: is never within reach by road (fly-in and winter-road communities).
MAX_ACCESS_KM = 5.0
#: Default drive-time threshold, in minutes. 45 minutes is the drive-time counterpart of the
#: 50 km straight-line standard (:data:`THRESHOLD_KM`) measured on the bundle's City of
#: Ottawa network (benchmarks/README.md, "Drive time"): there the route to the nearest site is
#: a median 1.3 times the straight line and is driven at a median 60 km/h, so 50 km of
#: straight line is about 65 km and 65 minutes of road in the city's mix, and about 45 minutes
#: at the 90 km/h of the King's Highways outside it.
THRESHOLD_MIN = 45.0
#: Optional per-remoteness-class thresholds in minutes (``None``: ``THRESHOLD_MIN`` everywhere).
THRESHOLD_MIN_BY_CLASS: dict[str, float] | None = None
#: The largest drive-time threshold accepted anywhere, in minutes: :data:`THRESHOLD_KM_MAX`
#: (2,000 km) at 100 km/h.
THRESHOLD_MIN_MAX = 1_200.0
#: Drive-time bands of the service areas, in minutes.
SERVICE_AREA_BANDS_MIN: tuple[float, ...] = (15.0, 30.0, 45.0, 60.0)
#: Service-area polygons are the reached roads buffered by this distance, in metres (the
#: default "trim distance" of ArcGIS Network Analyst's service-area polygons).
SERVICE_AREA_BUFFER_M = 100.0
#: Service-area polygons and the road-minutes lines are simplified with this tolerance, in
#: metres, before they are sent to a web map.
SERVICE_AREA_SIMPLIFY_M = 25.0
#: Largest road network file read, in megabytes (10**6 bytes; the Ontario Road Network and the
#: Ontario part of the Road Network File are a few hundred MB). For a folder (a File
#: Geodatabase) the limit applies to its files together.
ROAD_FILE_MAX_MB = 5_000
#: Largest speeds file (CSV ``class,kmh``) read, in megabytes.
SPEEDS_FILE_MAX_MB = 1
#: Metric CRS a road file in degrees is reprojected to when it is wider than one UTM zone
#: (6 degrees of longitude): NAD83 / Ontario MNR Lambert. Narrower files go to their UTM zone.
ROAD_WIDE_CRS = "EPSG:3161"

# --------------------------------------------------------------------------------------
# French Language Services (FLS): in-person access in the designated areas (esr_geo.french)

#: A designated area passes the French-language test with at least this many French-serving
#: in-person sites inside it ...
FLS_MIN_SITES = 1
#: ... and at least this share (0-1) of its non-reserve residents within the distance threshold
#: of a French-serving in-person site (90 %: the zones' share, ``ZONE_MIN_SHARE``, by default).
FLS_MIN_SHARE = 0.90

# --------------------------------------------------------------------------------------
# Workspaces: a planner's sites, zones and named scenarios in one GeoPackage (esr_geo.workspace)

#: Largest workspace file opened, in megabytes (10**6 bytes), with its -wal file; checked before
#: anything is read. A province of sites and a thousand drawn zones fit in a few megabytes.
WORKSPACE_FILE_MAX_MB = 200

# --------------------------------------------------------------------------------------
# The planner's page (app.py): the threshold box's range and the map's southern view

#: Smallest distance threshold the page's box accepts, in km (its largest is THRESHOLD_KM_MAX);
#: a value typed outside the range is brought back into it, and the page says so.
PAGE_THRESHOLD_KM_MIN = 1.0
#: The catchments the map's "South" button leaves out: Northern Ontario's two. It fits the other
#: 13, whose small areas the view of the whole province draws too small to read.
SOUTH_VIEW_EXCLUDES: tuple[str, ...] = ("northeast", "northwest")

# --------------------------------------------------------------------------------------
# Drive time in the planner's page (app_measure.py)

#: Smallest drive-time threshold the page's box accepts, in minutes (its largest is THRESHOLD_MIN_MAX).
PAGE_THRESHOLD_MIN_MIN = 1.0
#: Environment variable naming a folder, on the server, of road network files the page offers by
#: file name (networks are too big to upload through a browser; a path is never typed in the page).
NETWORKS_DIR_ENV = "ESR_GEO_NETWORKS_DIR"
#: The road networks of the data bundle the page offers: code -> file, relative to the bundle.
BUNDLE_NETWORKS: dict[str, str] = {
    "ottawa_rnf": "roads/ottawa_road_network_file_2021.gpkg",
    "ottawa_orn": "roads/ottawa_centre_ontario_road_network.gpkg",
    "toronto_osm": "roads/toronto_st_george_openstreetmap.osm",
    "kingston_osm": "roads/kingston_downtown_openstreetmap_overpass.json",
}
#: The network the page measures drive time on when none is chosen (a code of BUNDLE_NETWORKS).
PAGE_NETWORK = "ottawa_rnf"
#: The server prepares the default drive-time view in the background once the page has been drawn
#: for a first planner and then left alone for DRIVE_PRELOAD_QUIET_S seconds (the browser is still
#: drawing the map for a second or two after the script run), or after DRIVE_PRELOAD_WAIT_S seconds
#: without such a moment (no visit yet, or planners at work all along).
DRIVE_PRELOAD_WAIT_S = 120.0
DRIVE_PRELOAD_QUIET_S = 5.0


def networks_dir() -> Path | None:
    """Return the folder of road network files named by ``ESR_GEO_NETWORKS_DIR`` (``None``: not set).

    Returns
    -------
    pathlib.Path or None
        The folder as given (not checked here; see :func:`esr_geo.startup.network_files`).
    """
    env = os.environ.get(NETWORKS_DIR_ENV, "").strip()
    return Path(env).expanduser() if env else None
