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
from esr_geo.edge_index import nearest_edges
from esr_geo.errors import InputError
from esr_geo.network import (
    NO_ROAD_ACCESS,
    NOT_CONNECTED,
    REACHED,
    DriveOptions,
    _node_flags,
    build_network,
    cache_path,
    drive_times,
    join,
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
    # a site 49 km beyond the network's box is not even measured (its distance to a road is NaN)
    assert np.isnan(result.site_access_km[0]) and result.site_access_km[1:] == pytest.approx([0.0, 0.0], abs=1e-9)
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


# --------------------------------------------------------------------------------------
# The nearest-edge index (esr_geo.edge_index) gives the STRtree's edge, faster


def test_edge_index_finds_the_nearest_edge_by_hand(hand) -> None:
    # (500, 10): 10 m from A-B (edge 0); (1500, 300): 141 m from D-C (x + y = 2000, edge 2) but
    # 300 m from B -> C; (1000, 500): on B-D (edge 3); (10500, -40): 40 m from E-F (edge 4)
    xy = np.array([(500.0, 10.0), (1500.0, 300.0), (1000.0, 500.0), (10500.0, -40.0)])
    assert nearest_edges(hand.edge_index, xy, tree=lambda: hand.tree).tolist() == [0, 2, 3, 4]
    joined = join(hand, xy[:, 0], xy[:, 1], max_access_km=5.0)
    assert joined.access_km == pytest.approx([0.010, 0.2 / math.sqrt(2), 0.0, 0.040])
    assert joined.fraction[[0, 2]] == pytest.approx([0.5, 0.5])


def test_edge_index_equals_the_strtree_on_ottawa(ottawa, blocks) -> None:
    x, y = ottawa.from_lonlat.transform(*blocks)
    rng = np.random.default_rng(3)
    (x0, y0), (x1, y1) = ottawa.node_xy.min(axis=0), ottawa.node_xy.max(axis=0)
    xy = np.vstack(
        [
            np.column_stack([x, y]),  # the city's blocks
            ottawa.node_xy[::5],  # junctions: ties between the edges that meet there
            np.column_stack(
                [rng.uniform(x0 - 30_000, x1 + 30_000, 4_000), rng.uniform(y0 - 30_000, y1 + 30_000, 4_000)]
            ),
            [(np.nan, y0)],
        ]
    )
    found, hit = ottawa.tree.query_nearest(shapely.points(xy), all_matches=False)
    expected = np.full(len(xy), -1)
    expected[found] = hit
    assert np.array_equal(nearest_edges(ottawa.edge_index, xy, tree=lambda: ottawa.tree), expected)
    assert expected[-1] == -1 and (expected[:-1] >= 0).all()


def test_node_grouping_is_the_same_with_one_sort_key_or_two() -> None:
    line_of = np.array([0, 0, 1, 1, 2, 2])
    small = np.array([[0, 0], [5, 5], [5, 5], [9, 0], [0, 0], [9, 1]])
    huge = small * np.array([2**40, 2**40])  # the keys' span no longer fits one int64: two-key sort
    for key in (small, huge):
        group, is_node = _node_flags(line_of, key)
        assert group.tolist() == [0, 1, 1, 2, 0, 3]  # numbered in (x, y) order
        assert is_node.all()
