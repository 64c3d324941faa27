"""The road-network cache: a built graph stored as numpy arrays, named by the content it was built from.

A built graph (:class:`esr_geo.network.RoadNetwork`) is cached as ``.npz`` under
:func:`esr_geo.settings.cache_dir`, named by the SHA-256 of the road file and of the speeds
table (:func:`network_key`), written atomically and checked when read: a wrong or damaged file
is logged, removed and rebuilt. :func:`load_network` reads a road file through the cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from esr_geo import settings
from esr_geo._io import OutputError, atomic_path
from esr_geo.roads import SPEEDS_PATH, read_roads

if TYPE_CHECKING:
    from esr_geo.network import RoadNetwork

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]

#: Bump when the graph's derivation changes, so that cached graphs are rebuilt.
CACHE_VERSION = "1"



def file_digest(path: PathLike) -> str:
    """Return the SHA-256 (hex) of a road file's content: its bytes, or for a folder (.gdb) its files'.

    A shapefile's ``.shp``, ``.shx``, ``.dbf``, ``.prj`` and ``.cpg`` are hashed together.

    Parameters
    ----------
    path : path-like
        The road file or File Geodatabase folder.

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    path = Path(path)
    if path.is_dir():
        parts = sorted(p for p in path.iterdir() if p.is_file())
    elif path.suffix.lower() == ".shp":
        parts = [p for p in (path.with_suffix(e) for e in (".shp", ".shx", ".dbf", ".prj", ".cpg")) if p.is_file()]
    else:
        parts = [path]
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.name.encode() + b"\x00")
        with part.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def network_key(path: PathLike, *, speeds: PathLike | None = None, layer: str | None = None) -> str:
    """Return the cache key of a road network: a hash of the file's and the speeds table's content.

    Parameters
    ----------
    path : path-like
        The road file.
    speeds : path-like, optional, keyword-only
        The planner's speeds file (``None``: the default table, ``data/speeds.csv``).
    layer : str, optional, keyword-only
        The layer read.

    Returns
    -------
    str
        32 hexadecimal digits.
    """
    speeds_path = Path(speeds) if speeds is not None else SPEEDS_PATH
    speeds_hash = hashlib.sha256(speeds_path.read_bytes()).hexdigest() if speeds_path.is_file() else "none"
    parts = [CACHE_VERSION, file_digest(path), speeds_hash, layer or ""]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


_ARRAYS: dict[str, tuple[str, int]] = {  # name -> (dtype kind, dimensions)
    "node_xy": ("f", 2),
    "edge_u": ("i", 1),
    "edge_v": ("i", 1),
    "edge_m": ("f", 1),
    "edge_kmh": ("f", 1),
    "edge_oneway": ("i", 1),
    "edge_class": ("U", 1),
    "edge_offsets": ("i", 1),
    "edge_coords": ("f", 2),
    "arc_tail": ("i", 1),
    "arc_head": ("i", 1),
    "arc_min": ("f", 1),
    "arc_m": ("f", 1),
    "node_piece": ("i", 1),
    "piece_nodes": ("i", 1),
    "piece_edges": ("i", 1),
}


def _write_cache(network: RoadNetwork, target: Path) -> None:
    """Store a built network atomically; a cache that cannot be written only costs speed."""
    meta = {
        "version": CACHE_VERSION,
        "digest": network.digest,
        "path": str(network.path),
        "schema": network.schema,
        "speeds_source": network.speeds_source,
        "crs": network.crs,
        "fastest_kmh": network.fastest_kmh,
        "road_km": network.road_km,
        "details": network.details,
    }
    try:
        with atomic_path(target) as tmp, tmp.open("wb") as handle:
            np.savez(handle, meta=np.array(json.dumps(meta)), **{k: getattr(network, k) for k in _ARRAYS})
    except OutputError as exc:
        log.warning("The road network cache %s could not be written (%s); the graph is rebuilt next time.", target, exc)


def _cache_problems(arrays: dict[str, np.ndarray], meta: dict[str, Any], key: str) -> list[str]:
    """Every reason a cached network cannot be used (empty: it passes)."""
    wrong = [k for k, (kind, dims) in _ARRAYS.items() if k not in arrays or arrays[k].dtype.kind != kind]
    wrong += [k for k, (_, dims) in _ARRAYS.items() if k in arrays and arrays[k].ndim != dims]
    if wrong:
        return [f"arrays missing or of the wrong type: {', '.join(sorted(set(wrong)))}"]
    if meta.get("version") != CACHE_VERSION or meta.get("digest") != key:
        return ["it was built by another version or from other content"]
    n, e = len(arrays["node_xy"]), len(arrays["edge_u"])
    offsets = arrays["edge_offsets"]
    indices = [arrays[k] for k in ("edge_u", "edge_v", "arc_tail", "arc_head")]
    checks = {
        "edge arrays differ in length": {len(arrays[k]) for k in _ARRAYS if k.startswith("edge_")}
        - {e, e + 1, len(arrays["edge_coords"])}
        != set(),
        "edge offsets do not match the vertices": len(offsets) != e + 1
        or offsets[-1] != len(arrays["edge_coords"])
        or bool((np.diff(offsets) < 2).any()),
        "a node index is out of range": any(len(a) and (a.min() < 0 or a.max() >= n) for a in indices),
        "arc arrays differ in length": len({len(arrays[k]) for k in ("arc_tail", "arc_head", "arc_min", "arc_m")}) != 1,
        "node pieces do not match the nodes": len(arrays["node_piece"]) != n,
        "a speed is not above 0": not bool((arrays["edge_kmh"] > 0).all()),
    }
    return [what for what, failed in checks.items() if failed]


def _read_cache(target: Path, key: str) -> RoadNetwork | None:
    """Return the cached network if the file exists, loads and passes the checks; else remove it."""
    if not target.is_file():
        return None
    try:
        with np.load(target, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        meta = json.loads(str(arrays.pop("meta")))
        problems = _cache_problems(arrays, meta, key)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        problems = [f"cannot be read ({type(exc).__name__}: {exc})"]
    if not problems:
        from esr_geo.network import RoadNetwork  # the graph's module imports this one

        return RoadNetwork(
            path=Path(meta["path"]),
            schema=meta["schema"],
            speeds_source=meta["speeds_source"],
            digest=key,
            crs=meta["crs"],
            fastest_kmh=float(meta["fastest_kmh"]),
            road_km=float(meta["road_km"]),
            details=meta["details"],
            **{k: arrays[k] for k in _ARRAYS},
        )
    log.warning("Cached road network %s failed a check and is rebuilt: %s.", target, "; ".join(problems))
    try:
        target.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("Could not remove the failed cache file %s (%s); it will be overwritten.", target, exc)
    return None


def cache_path(key: str, cache: bool | PathLike = True) -> Path | None:
    """Return where the network of cache key ``key`` is cached (``None`` when ``cache`` is False)."""
    if cache is False:
        return None
    folder = settings.cache_dir(None if cache is True else cache)
    return folder / f"road_network_{key}.npz"


def load_network(
    path: PathLike, *, speeds: PathLike | None = None, cache: bool | PathLike = True, layer: str | None = None
) -> RoadNetwork:
    """Read a road network file and build its routable graph, from the cache when the content is unchanged.

    Parameters
    ----------
    path : path-like
        The road file (see :func:`esr_geo.roads.read_roads` for the formats and schemas).
    speeds : path-like, optional, keyword-only
        A planner's speeds file (CSV ``class,kmh``) replacing the default table.
    cache : bool or path-like, keyword-only
        Use the cache in :func:`esr_geo.settings.cache_dir` (True), in a given folder, or not
        at all (False).
    layer : str, optional, keyword-only
        The layer to read, for a file with several line layers.

    Returns
    -------
    RoadNetwork
        The graph.

    Raises
    ------
    InputError
        If the file or the speeds file is refused (see :func:`esr_geo.roads.read_roads`);
        nothing is written then.
    """
    source = Path(path)
    key = network_key(source, speeds=speeds, layer=layer) if source.exists() and cache is not False else ""
    target = cache_path(key, cache) if key else None
    if target is not None:
        cached = _read_cache(target, key)
        if cached is not None:
            return cached
    from esr_geo.network import build_network  # the graph's module imports this one

    network = build_network(read_roads(source, speeds=speeds, layer=layer), digest=key)
    if target is not None:
        _write_cache(network, target)
    return network


__all__ = ["CACHE_VERSION", "cache_path", "file_digest", "load_network", "network_key"]
