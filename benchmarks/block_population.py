"""How far the even split of DA population over blocks is from the real block counts (City of Ottawa).

Outside Ottawa esr-geo splits each dissemination area's 2021 population evenly over its
dissemination blocks, because the bundle has block counts only for the City of Ottawa. Inside
Ottawa it uses the real counts. This script measures, on the City of Ottawa, what the even split
would have given instead: the people within and beyond the threshold of the Service Canada
demonstration sites, in a straight line and by road (the bundle's Ottawa Road Network File),
with the even split and with the real counts.

Run::

    .venv/bin/python benchmarks/block_population.py

It prints a Markdown table (the one in ``benchmarks/README.md``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from esr_geo import data, settings
from esr_geo.access import measure_access
from esr_geo.drive import RoadMeasure, measure_by_road
from esr_geo.model import load_base
from esr_geo.network import load_network
from esr_geo.offices import demo_sites
from esr_geo.population import even_split

OTTAWA = "3506008"


def main() -> None:
    """Print people within and beyond each threshold in Ottawa under both placements."""
    base = load_base()
    pts = base.points[base.points["CSDUID"] == OTTAWA].sort_values("DBUID").reset_index(drop=True)
    da_pop = data.load_da_population().set_index("DAUID")["POP2021"].fillna(0).astype("int64")
    even = even_split(pts["DAUID"], da_pop)
    real = pts["population"].to_numpy()
    assert int(even.sum()) == int(real.sum()) == 1_017_449
    sites = demo_sites(base).sites
    in_person = sites[sites["in_person"].astype(bool)].reset_index(drop=True)
    network = load_network(settings.data_dir() / "roads" / "ottawa_road_network_file_2021.gpkg")
    rows = []
    for km in (2.0, 5.0, 10.0):
        within = measure_access(pts, in_person, threshold_km=km, threshold_km_by_class={})["within"].to_numpy()
        rows.append(_row(f"{km:g} km (straight line)", within, even, real))
    for minutes in (10.0, 15.0, 30.0):
        road = RoadMeasure(network=network, threshold_min=minutes)
        within = measure_by_road(pts, in_person, measure=road)["within"].to_numpy()
        rows.append(_row(f"{minutes:g} min (by road, RNF)", within, even, real))
    diff = np.abs(even - real)
    print(
        f"City of Ottawa: {len(pts):,} blocks, {int(real.sum()):,} people; the even split puts "
        f"{int(diff.sum()) // 2:,} people ({100 * diff.sum() / 2 / real.sum():.1f} %) in another block than the "
        f"census does; {int((real == 0).sum()):,} blocks are empty in the census, {int((even == 0).sum()):,} "
        "with the even split.\n"
    )
    frame = pd.DataFrame(rows)
    print("| " + " | ".join(frame.columns) + " |")
    print("|" + "---|" * len(frame.columns))
    for values in frame.itertuples(index=False):
        print("| " + " | ".join(str(v) for v in values) + " |")


def _row(label: str, within: np.ndarray, even: np.ndarray, real: np.ndarray) -> dict[str, object]:
    w_even, w_real = int(even[within].sum()), int(real[within].sum())
    b_even, b_real = int(even[~within].sum()), int(real[~within].sum())
    return {
        "threshold": label,
        "within, real counts": f"{w_real:,}",
        "within, even split": f"{w_even:,}",
        "beyond, real counts": f"{b_real:,}",
        "beyond, even split": f"{b_even:,}",
        "even split - real (beyond)": f"{b_even - b_real:+,} ({100 * (b_even - b_real) / max(b_real, 1):+.1f} %)",
    }


if __name__ == "__main__":
    main()
