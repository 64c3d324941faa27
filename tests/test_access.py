from __future__ import annotations

import numpy as np
import pandas as pd
import pyproj
import pytest

from esr_geo import access
from esr_geo.errors import InputError
from esr_geo.model import Base

GEOD = pyproj.Geod(ellps="WGS84")


def brute_force(
    plon: np.ndarray, plat: np.ndarray, slon: np.ndarray, slat: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest site by computing every geodesic distance (the independent reference)."""
    idx = np.empty(len(plon), dtype=int)
    dist = np.empty(len(plon))
    for i, (lo, la) in enumerate(zip(plon, plat, strict=True)):
        _, _, d = GEOD.inv(np.full(len(slon), lo), np.full(len(slon), la), slon, slat)
        idx[i] = int(np.argmin(d))
        dist[i] = d[idx[i]] / 1000
    return idx, dist


def test_meridian_distances_by_hand() -> None:
    # Sites on the 80°W meridian at 45°N and 46°N. One degree of latitude near 45°N is
    # 111.13 km (meridian arc), so a point at 45.3°N is 0.3° = 33.34 km from the first site.
    index = access.SiteIndex(np.array([-80.0, -80.0]), np.array([45.0, 46.0]))
    pos, km = index.nearest(np.array([-80.0, -80.0, -80.0]), np.array([45.3, 45.8, 44.0]))
    assert pos.tolist() == [0, 1, 0]
    assert km[0] == pytest.approx(0.3 * 111.13, rel=1e-3)
    assert km[1] == pytest.approx(0.2 * 111.14, rel=1e-3)
    assert km[2] == pytest.approx(1.0 * 111.12, rel=1e-3)


def test_parallel_distance_by_hand() -> None:
    # Along the 50°N parallel one degree of longitude is N·cos(φ)·π/180 ≈ 71.70 km.
    index = access.SiteIndex(np.array([-85.0]), np.array([50.0]))
    _, km = index.nearest(np.array([-84.0]), np.array([50.0]))
    assert km[0] == pytest.approx(71.70, rel=1e-3)


def test_point_on_a_site_is_zero_km() -> None:
    index = access.SiteIndex(np.array([-79.38]), np.array([43.65]))
    _, km = index.nearest(np.array([-79.38]), np.array([43.65]))
    assert km[0] == 0.0


def test_ties_go_to_the_first_site() -> None:
    index = access.SiteIndex(np.array([-80.0, -80.0]), np.array([44.0, 46.0]))
    pos, _ = index.nearest(np.array([-80.0]), np.array([45.0]))
    # 45°N is not exactly midway on the ellipsoid, so compute which is nearer by Geod
    _, _, d0 = GEOD.inv(-80.0, 45.0, -80.0, 44.0)
    _, _, d1 = GEOD.inv(-80.0, 45.0, -80.0, 46.0)
    assert pos[0] == (0 if d0 <= d1 else 1)
    same = access.SiteIndex(np.array([-80.0, -80.0]), np.array([44.0, 44.0]))
    assert same.nearest(np.array([-80.0]), np.array([45.0]))[0][0] == 0


def test_ellipsoid_not_sphere_decides() -> None:
    # From (85°W, 50°N): site A is 1° north (111.239 km on WGS 84, 111.195 km on a sphere);
    # site B is due east at 111.439 km on WGS 84 but only 111.095 km on a sphere. A sphere
    # would pick B; the geodesic answer is A, even when the first shortlist holds one site.
    lon0, lat0 = -85.0, 50.0
    _, _, d_a = GEOD.inv(lon0, lat0, lon0, lat0 + 1.0)
    lon_b, lat_b, _ = GEOD.fwd(lon0, lat0, 90, d_a + 200)
    index = access.SiteIndex(np.array([lon_b, lon0]), np.array([lat_b, lat0 + 1.0]))
    pos, km = index.nearest(np.array([lon0]), np.array([lat0]), k=1)
    assert pos[0] == 1
    assert km[0] == pytest.approx(d_a / 1000, abs=1e-9)


def test_matches_brute_force_on_real_points(base: Base) -> None:
    from esr_geo.data import load_service_canada_sites

    sites = load_service_canada_sites(base.data_dir)
    slon = sites["longitude"].astype(float).to_numpy()
    slat = sites["latitude"].astype(float).to_numpy()
    sample = base.points.sample(1500, random_state=7)
    # and the most remote points, where the shortlist matters most
    north = base.points.nlargest(200, "lat")
    pts = pd.concat([sample, north])
    pos, km = access.SiteIndex(slon, slat).nearest(pts["lon"], pts["lat"])
    ref_pos, ref_km = brute_force(pts["lon"].to_numpy(), pts["lat"].to_numpy(), slon, slat)
    np.testing.assert_allclose(km, ref_km, rtol=0, atol=1e-9)
    # positions agree except where two sites share one point (10 shared community points)
    differ = pos != ref_pos
    assert np.allclose(slon[pos[differ]], slon[ref_pos[differ]]) and np.allclose(
        slat[pos[differ]], slat[ref_pos[differ]]
    )


def test_accuracy_against_geod_everywhere_in_ontario() -> None:
    rng = np.random.default_rng(3)
    slon, slat = rng.uniform(-95, -74, 400), rng.uniform(41.7, 56.8, 400)
    plon, plat = rng.uniform(-95, -74, 3000), rng.uniform(41.7, 56.8, 3000)
    _, km = access.SiteIndex(slon, slat).nearest(plon, plat)
    _, ref = brute_force(plon, plat, slon, slat)
    assert np.max(np.abs(km - ref) / ref) < 1e-3  # 0.1 %; in fact identical
    np.testing.assert_allclose(km, ref, rtol=1e-12)


def test_the_first_shortlist_does_not_change_the_answer() -> None:
    # Around 30 centres 2 degrees or more apart, site A lies 50 km due north and site B due east, 200 m farther on the
    # ellipsoid but nearer on the sphere (as in the test above): the centre's nearest is A, which
    # only the geodesic comparison of both candidates finds. Sites in a tight cluster and random
    # points add rows that need a wider shortlist, and rows with one candidate only.
    rng = np.random.default_rng(11)
    clon, clat = (c.ravel() for c in np.meshgrid(np.arange(-90.0, -75.0, 2.5), np.arange(42.0, 52.0, 2.0)))
    alon, alat, _ = GEOD.fwd(clon, clat, np.zeros(30), np.full(30, 50_000.0))
    blon, blat, _ = GEOD.fwd(clon, clat, np.full(30, 90.0), np.full(30, 50_200.0))
    slon = np.concatenate([blon, alon, np.full(12, -81.2) + rng.normal(0, 1e-3, 12)])
    slat = np.concatenate([blat, alat, np.full(12, 47.0) + rng.normal(0, 1e-3, 12)])
    plon = np.concatenate([clon, rng.uniform(-91, -75, 2000), np.full(50, -81.2)])
    plat = np.concatenate([clat, rng.uniform(41.7, 53, 2000), np.linspace(46.9, 47.1, 50)])
    index = access.SiteIndex(slon, slat)
    ref_pos, ref_km = brute_force(plon, plat, slon, slat)
    assert (ref_pos[:30] == np.arange(30, 60)).all()  # A, not B, for every centre
    for k in (1, 2, 3, 8, 200):
        pos, km = index.nearest(plon, plat, k=k)
        np.testing.assert_allclose(km, ref_km, rtol=0, atol=1e-9)
        assert (pos == ref_pos).all(), k  # argmin takes the lowest position on a tie, as nearest does


def test_bad_coordinates_are_refused() -> None:
    with pytest.raises(InputError, match="no in-person sites"):
        access.SiteIndex(np.array([]), np.array([]))
    with pytest.raises(InputError, match="missing or not degrees"):
        access.SiteIndex(np.array([-80.0, np.nan]), np.array([45.0, 45.0]))
    index = access.SiteIndex(np.array([-80.0]), np.array([45.0]))
    with pytest.raises(InputError, match=r"points: 1 coordinate\(s\)"):
        index.nearest(np.array([-80.0]), np.array([95.0]))


def test_thresholds_per_class() -> None:
    classes = pd.Series(["easily accessible", "very remote", "unclassified"])
    km = access.thresholds_for(classes, threshold_km=50, threshold_km_by_class={"very remote": 120})
    assert km.tolist() == [50.0, 120.0, 50.0]
    with pytest.raises(InputError, match="unknown class"):
        access.thresholds_for(classes, threshold_km=50, threshold_km_by_class={"far": 10})
    with pytest.raises(InputError, match="more than 0 and at most 2,000 km"):
        access.thresholds_for(classes, threshold_km=-5)


def test_measure_access_ignores_virtual_sites_and_flags_other_catchment() -> None:
    places = pd.DataFrame(
        {"lon": [-80.0, -80.0], "lat": [45.3, 45.9], "catchment_id": ["a", "a"], "remoteness_class": ["remote"] * 2}
    )
    sites = pd.DataFrame(
        {
            "site_id": ["s1", "s2", "virtual"],
            "name": ["South", "North", "Online only"],
            "lon": [-80.0, -80.0, -80.0],
            "lat": [45.0, 46.0, 45.3],
            "catchment_id": ["a", "b", "a"],
            "in_person": [True, True, False],
        }
    )
    out = access.measure_access(places, sites, threshold_km=20)
    assert out["nearest_site_id"].tolist() == ["s1", "s2"]
    assert out["within"].tolist() == [False, True]  # 33.3 km and 11.1 km
    assert out["other_catchment"].tolist() == [False, True]
    with pytest.raises(InputError, match="No in-person sites"):
        access.measure_access(places, sites.assign(in_person=False))
