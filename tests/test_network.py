"""The road graph and the drive-time search: hand-made networks worked out by hand, the real Ottawa RNF."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pyproj
import pytest
import shapely

from esr_geo import settings
from esr_geo.errors import InputError
from esr_geo.network import (
    NO_ROAD_ACCESS,
    NOT_CONNECTED,
    REACHED,
    DriveOptions,
    build_network,
    cache_path,
    drive_times,
    load_network,
    near_network,
    nearest_by_road,
    network_key,
)
from esr_geo.roads import read_roads
from esr_geo.service_areas import reached_intervals, road_minutes, service_areas

CRS = "EPSG:32189"  # NAD83 / MTM zone 9 (metres), the Ottawa RNF's
TO_LONLAT = pyproj.Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
#: 20 km/h access legs, 5 km at most (the values the hand-worked times below use)
OPTIONS = DriveOptions(access_speed_kmh=20.0, max_access_km=5.0)
LEG_10M = 0.010 / 20.0 * 60.0  # minutes of a 10 m access leg: 0.03

# A hand-made network at 60 km/h (1 km a minute), in metres:
#
#          D (1000, 1000)
#          |  \
#          |    \  1414 m
#   1000 m |      \
#          |        \
#   A ---- B ------> C      E ---- F   (a piece of its own, 10 km east)
#  (0,0)  (1000,0) (2000,0)
#
# A-B, B-D and D-C are two-way; B -> C is one-way (digitised from B to C).
LINES = [
    ([(0, 0), (1000, 0)], 0),
    ([(1000, 0), (2000, 0)], 1),
    ([(2000, 0), (1000, 1000)], 0),
    ([(1000, 1000), (1000, 0)], 0),
    ([(10000, 0), (11000, 0)], 0),
]


def lonlat(*points: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.array(points, dtype=float).T
    lon, lat = TO_LONLAT.transform(x, y)
    return np.asarray(lon), np.asarray(lat)


def write_layer(path: Path, lines: list[tuple[list[tuple[float, float]], int]], *, kmh: float = 60.0) -> Path:
    frame = gpd.GeoDataFrame(
        {"speed": [kmh] * len(lines), "oneway": [o for _, o in lines]},
        geometry=[shapely.LineString(c) for c, _ in lines],
        crs=CRS,
    )
    frame.to_file(path, driver="GPKG")
    return path


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory):
    path = write_layer(tmp_path_factory.mktemp("hand") / "hand.gpkg", LINES)
    return build_network(read_roads(path))


def test_hand_graph_has_a_node_where_lines_meet_and_two_pieces(hand) -> None:
    assert (hand.n_nodes, hand.n_edges) == (6, 5)
    assert len(hand.arc_tail) == 9  # 4 two-way edges, one one-way
    pieces = hand.pieces()
    assert pieces["nodes"].tolist() == [4, 2] and pieces["edges"].tolist() == [4, 1]
    assert hand.fastest_kmh == 60.0 and hand.road_km == pytest.approx(4.0 + math.sqrt(2))


def test_one_way_street_is_driven_the_long_way_round(hand) -> None:
    origins = lonlat((500, 10), (1950, -10))
    result = nearest_by_road(hand, origins, lonlat((0, 0)), options=OPTIONS)
    # (500, 10): 500 m to A; (1950, -10): on to C (50 m), C-D, D-B, B-A (the one-way B -> C forbids going back)
    assert result.minutes == pytest.approx([0.5 + LEG_10M, 0.05 + math.sqrt(2) + 1 + 1 + LEG_10M])
    assert result.road_km == pytest.approx([0.5, 0.05 + math.sqrt(2) + 2])
    assert result.reach.tolist() == [REACHED, REACHED] and result.site.tolist() == [0, 0]


def test_a_disconnected_piece_and_a_point_beyond_the_access_distance(hand) -> None:
    origins = lonlat((10500, 10), (0, 20000))
    result = nearest_by_road(hand, origins, lonlat((0, 0)), options=OPTIONS)
    assert result.reach.tolist() == [NOT_CONNECTED, NO_ROAD_ACCESS]
    assert np.isnan(result.minutes).all() and result.site.tolist() == [-1, -1]
    assert result.piece.tolist() == [1, -1]
    assert result.access_km == pytest.approx([0.010, math.hypot(1000, 19000) / 1000], abs=1e-6)


def test_site_on_the_same_edge_as_the_origin(hand) -> None:
    two_way = nearest_by_road(hand, lonlat((200, 10)), lonlat((800, 10)), options=OPTIONS)
    assert two_way.minutes == pytest.approx([0.6 + 2 * LEG_10M]) and two_way.road_km == pytest.approx([0.6])
    ahead, behind = lonlat((1100, 10)), lonlat((1800, 10))
    site = lonlat((1200, 10))
    forward = nearest_by_road(hand, ahead, site, options=OPTIONS)
    assert forward.minutes == pytest.approx([0.1 + 2 * LEG_10M])
    back = nearest_by_road(hand, behind, site, options=OPTIONS)  # one-way: on to C and round by D and B
    assert back.minutes == pytest.approx([0.2 + math.sqrt(2) + 1 + 0.2 + 2 * LEG_10M])
    assert back.road_km == pytest.approx([0.4 + math.sqrt(2) + 1])


def test_sites_far_from_roads_cannot_serve_and_ties_go_to_the_first(hand) -> None:
    sites = lonlat((0, 50000), (0, 0), (0, 0))
    result = nearest_by_road(hand, lonlat((500, 10)), sites, options=OPTIONS)
    assert result.sites_joined.tolist() == [False, True, True]
    assert result.site.tolist() == [1]
    with pytest.raises(InputError, match="misses every site") as info:
        nearest_by_road(hand, lonlat((500, 10)), lonlat((0, 50000)), options=OPTIONS)
    assert info.value.parameter == "sites"


def test_near_network_and_options(hand) -> None:
    near = near_network(hand, *lonlat((500, 4000), (500, 6000)), max_access_km=5.0)
    assert near.tolist() == [True, False]
    with pytest.raises(InputError) as info:
        DriveOptions(access_speed_kmh=0)
    assert info.value.parameter == "access_speed_kmh"
    with pytest.raises(InputError, match="not degrees"):
        nearest_by_road(hand, (np.array([500.0]), np.array([10.0])), lonlat((0, 0)))


def test_parallel_roads_keep_the_faster(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"speed": [30.0, 60.0]}, geometry=[shapely.LineString([(0, 0), (1000, 0)])] * 2, crs=CRS)
    frame.to_file(tmp_path / "twice.gpkg", driver="GPKG")
    network = build_network(read_roads(tmp_path / "twice.gpkg"))
    assert network.n_nodes == 2 and network.n_edges == 2
    assert network.arc_min.tolist() == [1.0, 1.0]


def test_service_area_cuts_edges_at_the_band(hand) -> None:
    times = drive_times(hand, lonlat((0, 0)), options=OPTIONS)
    parts = reached_intervals(hand, times, 1.5)
    got = {int(e): (s, t) for e, s, t in parts.itertuples(index=False)}
    # minutes to the site at A: A-B whole (1 min); D -> B the half next to B (B is 1 min away);
    # nothing of the one-way B -> C (from it one drives on to C, then C-D and D-B: over 3.4 min)
    # nor of C-D (C is 3.41 min away)
    assert sorted(got) == [0, 3]
    assert got[0] == (0.0, 1.0) and got[3] == pytest.approx((0.5, 1.0))
    areas = service_areas(hand, lonlat((0, 0)), bands_min=[1, 2], options=OPTIONS, crs=CRS)
    assert areas["band_min"].tolist() == [1.0, 2.0]
    assert not areas.geometry.iloc[0].intersection(areas.geometry.iloc[1]).area > 1.0  # rings do not overlap
    lines = road_minutes(hand, lonlat((0, 0)), options=OPTIONS, crs=CRS)
    assert lines["minutes"].iloc[0] == pytest.approx(0.5) and lines["site"].iloc[4] == -1


def test_cache_is_used_and_a_damaged_one_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write_layer(tmp_path / "roads.gpkg", LINES)
    cache = tmp_path / "cache"
    first = load_network(path, cache=cache)
    target = cache_path(network_key(path), cache)
    assert target is not None and target.is_file() and first.digest == network_key(path)
    second = load_network(path, cache=cache)
    assert np.array_equal(second.arc_min, first.arc_min) and second.schema == "speed"
    target.write_bytes(b"not a cache")
    with caplog.at_level(logging.WARNING, logger="esr_geo.network"):
        third = load_network(path, cache=cache)
    assert "failed a check" in caplog.text and third.n_edges == first.n_edges and target.stat().st_size > 100


# --------------------------------------------------------------------------------------
# The real City of Ottawa Road Network File


@pytest.fixture(scope="module")
def ottawa(data_dir: Path):
    return load_network(data_dir / "roads" / "ottawa_road_network_file_2021.gpkg", cache=False)


@pytest.fixture(scope="module")
def ottawa_sites(data_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    from esr_geo import data

    offices = data.load_service_canada_sites(data_dir)
    return offices["longitude"].to_numpy(float), offices["latitude"].to_numpy(float)


@pytest.fixture(scope="module")
def blocks(data_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    frame = gpd.read_file(data_dir / "roads" / "ottawa_dissemination_blocks_2021.gpkg")
    points = frame.representative_point().to_crs(settings.DISPLAY_CRS)
    return points.x.to_numpy(), points.y.to_numpy()


def test_ottawa_graph_matches_the_bundle(ottawa) -> None:
    # bundle README: 23,787 nodes with every segment; without the 143 Transitway (27) and 18
    # trail (26) segments 23,743 remain, 23,714 of them in the main piece
    assert (ottawa.n_nodes, ottawa.n_edges) == (23_743, 33_822)
    assert ottawa.piece_nodes[0] == 23_714 and ottawa.details["dropped"] == {"not_drivable": 161}


def test_ottawa_equals_networkx_multi_source_dijkstra(ottawa, ottawa_sites, blocks) -> None:
    times = drive_times(ottawa, ottawa_sites)
    joined = np.flatnonzero(times.sites.ok)
    # within 5 km of the city's roads: Arnprior, Ottawa East and West (one point) and Kemptville
    assert len(joined) == 4
    graph = nx.DiGraph()
    graph.add_weighted_edges_from(
        zip(ottawa.arc_head.tolist(), ottawa.arc_tail.tolist(), ottawa.arc_min.tolist(), strict=True)
    )
    n, t = ottawa.n_nodes, ottawa.edge_minutes
    for k, s in enumerate(joined):
        e, f, a = times.sites.edge[s], times.sites.fraction[s], times.site_access_min[s]
        for node, w in ((ottawa.edge_u[e], a + f * t[e]), (ottawa.edge_v[e], a + (1 - f) * t[e])):
            old = graph.get_edge_data(n + k, int(node), {"weight": np.inf})["weight"]
            graph.add_edge(n + k, int(node), weight=min(old, w))
    dist = nx.multi_source_dijkstra_path_length(graph, set(range(n, n + len(joined))))
    expected = np.array([dist.get(i, np.inf) for i in range(n)])
    assert np.array_equal(np.isinf(expected), np.isinf(times.minutes))
    finite = np.isfinite(expected)
    assert np.abs(times.minutes[finite] - expected[finite]).max() < 1e-9
    result = nearest_by_road(ottawa, blocks, ottawa_sites)
    assert np.bincount(result.reach, minlength=3).tolist() == [8_554, 0, 5]


def test_drive_time_is_never_shorter_than_the_straight_line_at_the_fastest_speed(ottawa, ottawa_sites, blocks) -> None:
    result = nearest_by_road(ottawa, blocks, ottawa_sites)
    ok = result.reach == REACHED
    x, y = ottawa.from_lonlat.transform(*blocks)
    sx, sy = ottawa.from_lonlat.transform(*ottawa_sites)
    straight_km = (
        np.hypot(
            np.asarray(x)[ok] - np.asarray(sx)[result.site[ok]], np.asarray(y)[ok] - np.asarray(sy)[result.site[ok]]
        )
        / 1000
    )
    fastest = max(ottawa.fastest_kmh, settings.ACCESS_SPEED_KMH)
    assert (result.minutes[ok] >= straight_km / fastest * 60 - 1e-9).all()
    assert (
        result.road_km[ok] + result.access_km[ok] >= straight_km - result.site_access_km[result.site[ok]] - 1e-9
    ).all()
