"""Distance from people and places to the nearest in-person site (geodesic, in km)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from esr_geo import settings
from esr_geo.errors import InputError
from esr_geo.geodesy import GEOD, SPHERE_TOLERANCE, invalid_lonlat, km_of_chord, unit_vectors

#: Widest ratio of two geodesic distances whose spherical distances are equal (the shortlist's margin).
_RATIO = (1 + SPHERE_TOLERANCE) / (1 - SPHERE_TOLERANCE)


def _check_lonlat(lon: np.ndarray, lat: np.ndarray, what: str) -> None:
    if lon.shape != lat.shape:
        raise InputError(f"{what}: longitude and latitude arrays differ in length.")
    bad = invalid_lonlat(lon, lat)
    if bad.any():
        raise InputError(
            f"{what}: {int(bad.sum())} coordinate(s) are missing or not degrees "
            f"(first at position {int(np.argmax(bad))}); expected WGS 84 longitude/latitude."
        )


class SiteIndex:
    """A spatial index of sites that answers nearest-site queries in geodesic kilometres.

    Candidates are shortlisted with a k-d tree on 3-D unit vectors (chord distance orders
    points exactly as great-circle distance on a sphere); the exact WGS 84 geodesic distance
    (``pyproj.Geod``) is then computed for every candidate that could be nearest on the
    ellipsoid, widening the shortlist until that is proven. No distance matrix is built.

    Parameters
    ----------
    lon, lat : array-like
        Site coordinates in degrees (WGS 84).
    """

    def __init__(self, lon: np.ndarray | pd.Series, lat: np.ndarray | pd.Series) -> None:
        self.lon = np.asarray(lon, dtype=float)
        self.lat = np.asarray(lat, dtype=float)
        _check_lonlat(self.lon, self.lat, "sites")
        if len(self.lon) == 0:
            raise InputError("There are no in-person sites to measure access to; add at least one site.")
        self._tree = cKDTree(unit_vectors(self.lon, self.lat))

    def __len__(self) -> int:
        return len(self.lon)

    def nearest(
        self, lon: np.ndarray | pd.Series, lat: np.ndarray | pd.Series, *, k: int = 3
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the nearest site and its geodesic distance for every query point.

        Parameters
        ----------
        lon, lat : array-like
            Query points in degrees (WGS 84).
        k : int, keyword-only
            Size of the first shortlist (widened eightfold, for the points not yet proven, until
            every point is proven). Three is enough for nearly every point of Ontario's 168
            demonstration sites; the result does not depend on it.

        Returns
        -------
        index : numpy.ndarray of int
            Position of the nearest site (ties: the lowest position).
        distance_km : numpy.ndarray of float
            Geodesic distance to it, in kilometres.
        """
        qlon = np.asarray(lon, dtype=float)
        qlat = np.asarray(lat, dtype=float)
        _check_lonlat(qlon, qlat, "points")
        n = len(qlon)
        best_idx = np.zeros(n, dtype=np.int64)
        best_km = np.zeros(n, dtype=float)
        if n == 0:
            return best_idx, best_km
        xyz = unit_vectors(qlon, qlat)
        todo = np.arange(n)
        m = len(self)
        kk = min(k, m)
        while len(todo):
            chord, idx = self._tree.query(xyz[todo], k=kk)
            chord = np.asarray(chord, dtype=float).reshape(len(todo), kk)
            idx = np.asarray(idx, dtype=np.int64).reshape(len(todo), kk)
            sphere_km = km_of_chord(chord)
            need = sphere_km <= sphere_km[:, :1] * _RATIO + 1e-9  # the first is always needed
            # proven when the shortlist's farthest member is already out of reach
            proven = ~need[:, -1] if kk < m else np.ones(len(todo), dtype=bool)
            alone = proven & (need.sum(axis=1) == 1)
            rows = todo[alone]  # one candidate: it is the nearest, no comparison to make
            best_idx[rows] = idx[alone, 0]
            best_km[rows] = self._km(qlon[rows], qlat[rows], idx[alone, 0])
            several = proven & ~alone
            if several.any():
                self._closest(qlon, qlat, todo[several], need[several], idx[several], out=(best_idx, best_km))
            todo = todo[~proven]
            kk = min(m, kk * 8)
        return best_idx, best_km

    def _km(self, lon: np.ndarray, lat: np.ndarray, site: np.ndarray) -> np.ndarray:
        """Return the WGS 84 geodesic distances (km) from points to the sites at positions ``site``."""
        _, _, dist_m = GEOD.inv(lon, lat, self.lon[site], self.lat[site])
        return np.asarray(dist_m, dtype=float) / 1000.0

    def _closest(
        self,
        qlon: np.ndarray,
        qlat: np.ndarray,
        rows: np.ndarray,
        need: np.ndarray,
        idx: np.ndarray,
        *,
        out: tuple[np.ndarray, np.ndarray],
    ) -> None:
        """Write into ``out`` the nearest of each row's needed candidates (ties: the lowest position)."""
        r, c = np.nonzero(need)
        cand = idx[r, c]
        pt = rows[r]
        dist = self._km(qlon[pt], qlat[pt], cand)
        order = np.lexsort((cand, dist, pt))  # by point, then distance, then site position
        first = np.ones(len(order), dtype=bool)
        first[1:] = pt[order][1:] != pt[order][:-1]
        chosen = order[first]
        out[0][pt[chosen]] = cand[chosen]
        out[1][pt[chosen]] = dist[chosen]


def thresholds_for(
    remoteness_class: pd.Series,
    *,
    threshold_km: float | None = None,
    threshold_km_by_class: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Return the distance threshold (km) that applies to each point.

    Parameters
    ----------
    remoteness_class : pandas.Series
        Remoteness class of each point (see :mod:`esr_geo.remoteness`).
    threshold_km : float, keyword-only
        The single threshold (km); ``None`` uses ``settings.THRESHOLD_KM``.
    threshold_km_by_class : mapping, keyword-only
        Per-class thresholds (km); classes not named (and 'unclassified') use
        ``threshold_km``. ``None`` uses ``settings.THRESHOLD_KM_BY_CLASS``.

    Returns
    -------
    numpy.ndarray
        Threshold in km per point.
    """
    base_km = check_threshold(settings.THRESHOLD_KM if threshold_km is None else threshold_km)
    by_class = settings.THRESHOLD_KM_BY_CLASS if threshold_km_by_class is None else threshold_km_by_class
    return _per_class(remoteness_class, base_km, by_class, check_threshold, parameter="threshold_km_by_class")


def minutes_for(
    remoteness_class: pd.Series,
    *,
    threshold_min: float | None = None,
    threshold_min_by_class: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Return the drive-time threshold (minutes) that applies to each point.

    Parameters
    ----------
    remoteness_class : pandas.Series
        Remoteness class of each point.
    threshold_min : float, keyword-only
        The single threshold in minutes; ``None`` uses ``settings.THRESHOLD_MIN``.
    threshold_min_by_class : mapping, keyword-only
        Per-class thresholds in minutes; classes not named use ``threshold_min``.

    Returns
    -------
    numpy.ndarray
        Threshold in minutes per point.
    """
    base = check_minutes(settings.THRESHOLD_MIN if threshold_min is None else threshold_min)
    return _per_class(
        remoteness_class, base, threshold_min_by_class or {}, check_minutes, parameter="threshold_min_by_class"
    )


def _per_class(
    remoteness_class: pd.Series,
    base: float,
    by_class: Mapping[str, float] | None,
    check: Callable[..., float],
    *,
    parameter: str,
) -> np.ndarray:
    """Return ``base`` for every point, or the threshold of its remoteness class where one is given."""
    out = np.full(len(remoteness_class), base, dtype=float)
    if by_class:
        valid = {label for label, _ in settings.REMOTENESS_CLASSES} | {settings.UNCLASSIFIED}
        unknown = sorted(set(by_class) - valid)
        if unknown:
            raise InputError(
                f"The per-class thresholds name unknown class(es) {', '.join(unknown)}; "
                f"valid classes: {', '.join(sorted(valid))}.",
                parameter=parameter,
            )
        classes = np.asarray(remoteness_class, dtype=object)
        for label, value in by_class.items():
            out[classes == label] = check(value, name=f"threshold for {label!r}")
    return out


def _check_limit(value: object, *, name: str, parameter: str, units: tuple[str, str], top: float) -> float:
    """Return ``value`` as a float if it is more than 0 and at most ``top``, else raise InputError.

    ``units`` is the unit's name and its symbol (``('kilometres', 'km')``).
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a number of {units[0]}; got {value!r}.", parameter=parameter) from exc
    if not np.isfinite(number) or number <= 0 or number > top:
        raise InputError(
            f"{name} must be more than 0 and at most {top:,.0f} {units[1]}; got {value!r}.", parameter=parameter
        )
    return number


def check_minutes(minutes: float, *, name: str = "threshold_min") -> float:
    """Return ``minutes`` as a float if it is a usable drive-time threshold, else raise InputError."""
    return _check_limit(
        minutes, name=name, parameter="threshold_min", units=("minutes", "minutes"), top=settings.THRESHOLD_MIN_MAX
    )


def check_threshold(km: float, *, name: str = "threshold_km") -> float:
    """Return ``km`` as a float if it is a usable distance threshold, else raise InputError."""
    return _check_limit(
        km, name=name, parameter="threshold_km", units=("kilometres", "km"), top=settings.THRESHOLD_KM_MAX
    )


def measure_access(
    places: pd.DataFrame,
    sites: pd.DataFrame,
    *,
    threshold_km: float | None = None,
    threshold_km_by_class: Mapping[str, float] | None = None,
    index: SiteIndex | None = None,
) -> pd.DataFrame:
    """Measure, for every place, the nearest in-person site and whether it is within reach.

    Parameters
    ----------
    places : pandas.DataFrame
        ``lon``, ``lat`` (degrees), ``catchment_id`` and, for per-class thresholds,
        ``remoteness_class``.
    sites : pandas.DataFrame
        ``site_id``, ``name``, ``lon``, ``lat``, ``catchment_id`` and ``in_person`` (bool);
        sites that are not in person never count.
    threshold_km : float, keyword-only
        Distance threshold in km (``None``: settings).
    threshold_km_by_class : mapping, keyword-only
        Per-remoteness-class thresholds in km (``None``: settings).
    index : SiteIndex, keyword-only
        A prebuilt index of the in-person sites (for repeated queries).

    Returns
    -------
    pandas.DataFrame
        Same index as ``places``: ``nearest_site_id``, ``nearest_site``,
        ``nearest_site_catchment``, ``distance_km`` (geodesic), ``threshold_km``,
        ``within`` (bool) and ``other_catchment`` (the nearest site lies in another catchment).
    """
    in_person = sites[sites["in_person"].astype(bool)].reset_index(drop=True)
    if in_person.empty:
        raise InputError("No in-person sites: every site is marked in_person = false. Add an in-person site.")
    index = index if index is not None else SiteIndex(in_person["lon"], in_person["lat"])
    if len(index) != len(in_person):
        raise InputError("The site index does not match the in-person sites given.")
    pos, dist = index.nearest(places["lon"], places["lat"])
    classes = places["remoteness_class"] if "remoteness_class" in places else pd.Series([""] * len(places))
    limit = thresholds_for(classes, threshold_km=threshold_km, threshold_km_by_class=threshold_km_by_class)
    site_cid = in_person["catchment_id"].to_numpy()[pos]
    return pd.DataFrame(
        {
            # Categoricals: each site's id and name are stored once, not once per person.
            "nearest_site_id": _per_site(in_person["site_id"], pos),
            "nearest_site": _per_site(in_person["name"], pos),
            "nearest_site_catchment": site_cid,
            "distance_km": dist,
            "threshold_km": limit,
            "within": dist <= limit,
            "other_catchment": site_cid != places["catchment_id"].to_numpy(),
        },
        index=places.index,
    )


def _per_site(values: pd.Series, pos: np.ndarray) -> pd.Categorical:
    """Return ``values[pos]`` as a categorical: one copy of each site's text, an integer code per row."""
    codes, uniques = pd.factorize(values.astype(str).to_numpy(dtype=object))
    return compact_categories(pd.Categorical.from_codes(codes[pos], categories=pd.Index(uniques, dtype=object)))


def compact_categories(values: pd.Categorical | pd.Series) -> pd.Categorical:
    """Return a per-person site column with only the categories in use, in alphabetical order.

    The nearest-site columns of the per-person tables are categoricals, so that a site's
    name is stored once however many people it serves; compacting them makes two tables
    with the same values equal whatever sites were considered.

    Parameters
    ----------
    values : pandas.Categorical or pandas.Series
        A categorical of site ids or names (one per person).

    Returns
    -------
    pandas.Categorical
        The same values, categories restricted to those used and sorted.
    """
    cat = pd.Categorical(values)
    used = cat.remove_unused_categories()
    return used.reorder_categories(sorted(used.categories, key=str))
