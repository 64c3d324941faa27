"""Preparing GIS layers for the file formats: one geometry type, plain field types.

:func:`normalise_layer` makes a layer of :func:`esr_geo.analysis.gis_layers` writable by
every driver the export uses (GeoPackage, shapefile, GeoJSON): one geometry type per layer
(:data:`GEOMETRY_TYPES`; polygons as multipolygons), dates as Date fields, whole-number
head counts as integers, lists and mappings as text, geometry last. :func:`for_shapefile`
then gives a layer the shapefile's field types (booleans as 0/1 integers, text cut to the
dBASE limit) and short field names. No file is written here.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from esr_geo.errors import DataError
from esr_geo.fields import field_info, is_date, shapefile_field_names

#: Geometry type of each layer (shapefiles hold one type per file).
GEOMETRY_TYPES = {
    "catchments": "MultiPolygon",
    "sites": "Point",
    "service_delivery_zones": "MultiPolygon",
    "csd_access": "MultiPolygon",
    "underserved_communities": "Point",
    "french_designated_areas": "MultiPolygon",
}

_DBF_TEXT_BYTES = 254
_DATE_DTYPE = "date32[pyarrow]"


def _as_text(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        return "; ".join(str(v) for v in items)
    return str(value)


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _dates(values: Iterable[object], index: pd.Index) -> pd.Series:
    """Return a date column (Arrow ``date32``: written as a Date field by every driver)."""
    return pd.Series([_day(v) for v in values], index=index, dtype=_DATE_DTYPE)


def _normalise_column(series: pd.Series, layer: str) -> pd.Series:
    name = str(series.name)
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object).where(series.notna(), None)
    if is_date(series):
        return series
    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dt, "tz", None) is not None:
            return series.map(lambda v: None if pd.isna(v) else v.isoformat()).astype(object)
        stamps = series.dropna()
        if (stamps == stamps.dt.normalize()).all():
            return _dates(series, series.index)
        return series
    if pd.api.types.is_bool_dtype(series):
        return series
    if pd.api.types.is_float_dtype(series):
        unit, _ = field_info(layer, name)
        values = series.dropna()
        if unit == "persons" and bool(np.all(np.mod(values.to_numpy(dtype=float), 1) == 0)):
            return series.round().astype("Int64")
        return series
    if pd.api.types.is_numeric_dtype(series):
        return series
    values = series.dropna()
    if len(values) and all(isinstance(v, bool | np.bool_) for v in values):
        return series.astype("boolean")
    if len(values) and all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in values):
        return _dates(series, series.index)
    return series.map(_as_text).astype(object)


def normalise_layer(layer: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return one layer with uniform geometry, dates as dates, lists as text and geometry last."""
    geom = frame.geometry
    bad = geom.isna() | geom.is_empty
    if bad.any():
        raise DataError(
            f"Layer {layer}: {int(bad.sum())} feature(s) have no geometry; every exported feature must have one."
        )
    want = GEOMETRY_TYPES.get(layer)
    values = geom.to_numpy()
    kinds = shapely.get_type_id(values)
    if want == "MultiPolygon":
        if not np.isin(kinds, (3, 6)).all():
            raise DataError(f"Layer {layer}: expected polygons, found {sorted(set(geom.geom_type))}.")
        values = np.array([shapely.MultiPolygon([g]) if k == 3 else g for g, k in zip(values, kinds, strict=True)])
    elif want == "Point":
        single = shapely.get_num_geometries(values) == 1
        if not (np.isin(kinds, (0, 4)) & single).all():
            raise DataError(f"Layer {layer}: expected single points, found {sorted(set(geom.geom_type))}.")
        values = np.array([shapely.get_geometry(g, 0) if k == 4 else g for g, k in zip(values, kinds, strict=True)])
    data = {}
    for col in frame.columns:
        if col == frame.geometry.name:
            continue
        data[col] = _normalise_column(frame[col], layer).reset_index(drop=True)
    return gpd.GeoDataFrame(
        pd.DataFrame(data, index=pd.RangeIndex(len(frame))),
        geometry=gpd.GeoSeries(values, crs=frame.crs),
        crs=frame.crs,
    )


def _truncate_bytes(value: object, limit: int = _DBF_TEXT_BYTES) -> object:
    if not isinstance(value, str):
        return value
    raw = value.encode("utf-8")
    if len(raw) <= limit:
        return value
    return raw[: limit - 3].decode("utf-8", "ignore") + "…"


def for_shapefile(layer: str, frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Return the shapefile version of a normalised layer and its name mapping."""
    cols = [c for c in frame.columns if c != "geometry"]
    names = shapefile_field_names(cols)
    out = frame.copy()
    for col in cols:
        s = out[col]
        if pd.api.types.is_bool_dtype(s):
            out[col] = s.astype("Int32") if s.isna().any() else s.astype("int32")
        elif pd.api.types.is_integer_dtype(s):
            lo, hi = s.min(), s.max()
            fits = pd.isna(lo) or (int(lo) >= -99_999_999 and int(hi) <= 999_999_999)
            if fits:
                out[col] = (
                    s.astype("Int32") if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) else s.astype("int32")
                )
        elif pd.api.types.is_datetime64_any_dtype(s) and not is_date(s):
            out[col] = s.map(lambda v: None if pd.isna(v) else v.isoformat(sep=" ")).astype(object)
        elif s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(_truncate_bytes).astype(object)
    return out.rename(columns=names), names
