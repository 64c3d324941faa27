"""Rural and remote classification of census subdivisions (Index of Remoteness, SAC)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from esr_geo import settings

#: Labels of the 2016 Statistical Area Classification types (SACTYPE 1-7).
SAC_LABELS: dict[int, str] = {
    1: "CMA",
    2: "CA (tracted)",
    3: "CA (non-tracted)",
    4: "strong metropolitan influence",
    5: "moderate metropolitan influence",
    6: "weak metropolitan influence",
    7: "no metropolitan influence",
}


def remoteness_class(index: Sequence[float] | pd.Series | np.ndarray) -> pd.Series:
    """Classify Index of Remoteness values into the five classes of Subedi et al. (2020).

    Parameters
    ----------
    index : sequence of float
        Index values between 0 (least remote) and 1 (most remote); NaN where unknown.

    Returns
    -------
    pandas.Series
        'easily accessible' (< 0.1500), 'accessible' (0.1500-0.2888), 'less accessible'
        (0.2889-0.3898), 'remote' (0.3899-0.5532), 'very remote' (>= 0.5533), or
        'unclassified' where the value is missing (never guessed).
    """
    values = pd.Series(index, dtype=float)
    out = pd.Series(settings.UNCLASSIFIED, index=values.index, dtype=object)
    lower = -np.inf
    for label, upper in settings.REMOTENESS_CLASSES:
        out[(values >= lower) & (values < upper)] = label
        lower = upper
    return out.astype(str)


def csd_attributes(csds: pd.DataFrame, remoteness: pd.DataFrame, sac: pd.DataFrame) -> pd.DataFrame:
    """Attach remoteness, SAC type and reserve status to every census subdivision.

    Parameters
    ----------
    csds : pandas.DataFrame
        ``CSDUID``, ``CSDNAME``, ``CSDTYPE``, ``CDUID``.
    remoteness : pandas.DataFrame
        From :func:`esr_geo.data.load_remoteness`.
    sac : pandas.DataFrame
        From :func:`esr_geo.data.load_sac` (2016 codes; 8 of the 2021 CSDs have no row).

    Returns
    -------
    pandas.DataFrame
        ``CSDUID``, ``CSDNAME``, ``CSDTYPE``, ``CDUID``, ``census_population`` (persons,
        nullable), ``remoteness_index``, ``remoteness_class``, ``sac_type`` (nullable int),
        ``sac_label`` ('unknown (no 2016 row)' where missing) and ``is_reserve``.
    """
    out = csds[["CSDUID", "CSDNAME", "CSDTYPE", "CDUID"]].copy()
    ir = remoteness.set_index("CSDUID")
    out["census_population"] = out["CSDUID"].map(ir["census_population"]).astype("Int64")
    out["remoteness_index"] = out["CSDUID"].map(ir["remoteness_index"]).astype(float)
    out["remoteness_class"] = remoteness_class(out["remoteness_index"]).to_numpy()
    sac_type = out["CSDUID"].map(sac.set_index("CSDUID")["SACTYPE"]).astype("Int64")
    out["sac_type"] = sac_type
    out["sac_label"] = [SAC_LABELS[int(v)] if not pd.isna(v) else "unknown (no 2016 row)" for v in sac_type]
    out["is_reserve"] = out["CSDTYPE"].isin(settings.RESERVE_CSD_TYPES)
    return out
