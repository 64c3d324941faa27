"""The Earth model of every distance: the WGS 84 ellipsoid, and a sphere used only to shortlist.

Distances are geodesic on WGS 84 (:data:`GEOD`). Spatial indexes work on 3-D unit vectors
(:func:`unit_vectors`), where the chord between two points orders them exactly as the
great-circle distance on a sphere of radius :data:`EARTH_RADIUS_KM`; that sphere differs from
the ellipsoid by less than :data:`SPHERE_TOLERANCE`, so a shortlist widened by it is sure to
hold every point the ellipsoid puts within reach.
"""

from __future__ import annotations

import math

import numpy as np
import pyproj

#: Ellipsoid of every distance: WGS 84 (NAD83's GRS 80 differs by 0.1 mm in the semi-minor axis).
GEOD = pyproj.Geod(ellps="WGS84")
#: Radius of the sphere used only to shortlist candidates (km, IUGG mean radius).
EARTH_RADIUS_KM = 6371.0088
#: Bound on |geodesic / spherical distance - 1| for the shortlist (the true value on WGS 84
#: is under 0.5 %; 1 % keeps the guarantee with room to spare).
SPHERE_TOLERANCE = 0.01


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return points given in degrees as rows of 3-D unit vectors (x, y, z) on the unit sphere."""
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.asarray(lat, dtype=float))
    cos_phi = np.cos(phi)
    return np.column_stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)])


def chord_of_km(km: float) -> float:
    """Return the unit-sphere chord of a great-circle distance of ``km`` on the shortlist sphere."""
    return 2.0 * math.sin(min(km / EARTH_RADIUS_KM, math.pi) / 2.0)


def km_of_chord(chord: np.ndarray) -> np.ndarray:
    """Return the great-circle distances (km) on the shortlist sphere of unit-sphere chords."""
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0, 1))


def invalid_lonlat(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return a boolean mask of coordinates that are missing or not degrees of longitude and latitude."""
    return ~(np.isfinite(lon) & np.isfinite(lat)) | (np.abs(lat) > 90) | (np.abs(lon) > 180)


__all__ = [
    "EARTH_RADIUS_KM",
    "GEOD",
    "SPHERE_TOLERANCE",
    "chord_of_km",
    "invalid_lonlat",
    "km_of_chord",
    "unit_vectors",
]
