from __future__ import annotations

import pandas as pd
import pytest

from esr_geo import communities
from esr_geo.model import Base
from esr_geo.remoteness import remoteness_class


def test_communities_are_tagged(base: Base) -> None:
    comm, outside = communities.load_communities(base)
    assert (comm["kind"] == "place").sum() == 597
    assert (comm["kind"] == "first_nation").sum() == 139
    assert outside.empty
    assert comm["CSDUID"].notna().all() and comm["catchment_id"].notna().all()
    sudbury = comm[comm["community"] == "Greater Sudbury"].iloc[0]
    assert sudbury["CSDNAME"] == "Greater Sudbury / Grand Sudbury" and sudbury["catchment_id"] == "northeast"


def test_band_office_population_is_its_reserve(base: Base) -> None:
    comm, _ = communities.load_communities(base)
    fn = comm[comm["kind"] == "first_nation"]
    on_reserve = fn[fn["is_reserve"]]
    census = base.csds.set_index("CSDUID")["census_population"]
    expected = on_reserve["CSDUID"].map(census).astype(float)
    pd.testing.assert_series_equal(on_reserve["population"], expected, check_names=False)
    assert fn.loc[~fn["is_reserve"], "population"].isna().all()


def test_snapping_within_tolerance(base: Base) -> None:
    # the Mohawks of Akwesasne office point lies ~2.2 km outside Ontario's simplified boundary
    frame = pd.DataFrame({"lon": [-74.64541, -60.0], "lat": [44.99975, 45.0]})
    out = communities.locate_points(frame, base)
    assert out.loc[0, "CSDUID"] is not None and 0 < out.loc[0, "snapped_km"] <= 5
    assert pd.isna(out.loc[1, "CSDUID"])  # the Atlantic: not placed, reported by the caller


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (0.0, "easily accessible"),
        (0.1499, "easily accessible"),
        (0.1500, "accessible"),
        (0.2888, "accessible"),
        (0.2889, "less accessible"),
        (0.3898, "less accessible"),
        (0.3899, "remote"),
        (0.5532, "remote"),
        (0.5533, "very remote"),
        (1.0, "very remote"),
        (float("nan"), "unclassified"),
    ],
)
def test_remoteness_class_breaks(value: float, label: str) -> None:
    assert remoteness_class([value]).iloc[0] == label


def test_unclassified_csds_are_not_guessed(base: Base) -> None:
    unclassified = base.csds[base.csds["remoteness_class"] == "unclassified"]
    assert sorted(unclassified["CSDUID"]) == ["3560050", "3560077", "3560097"]
    assert base.csds["is_reserve"].sum() == 147
