"""GIS exports of an analysis that open in QGIS and ArcGIS without any fix-up.

Four formats, all built from :func:`esr_geo.analysis.gis_layers` (five layers:
``catchments``, ``sites``, ``service_delivery_zones``, ``csd_access`` and
``underserved_communities``):

``shp``
    **One zip** holding every layer as a shapefile (``.shp .shx .dbf .prj .cpg``, UTF-8), a
    QGIS style beside each (``.qml``, loaded automatically once unzipped), ``fields.csv`` (the
    data dictionary mapping each short field name to its full name, type, unit and meaning)
    and ``README.txt``. One zip rather than five keeps the layers, their dictionary and their
    attribution together as one download; GDAL, QGIS and ArcGIS Pro read the layers inside it
    directly (e.g. ``/vsizip/esr_geo_layers_shp.zip/catchments.shp``). Field names are at most
    10 characters (:data:`SHORT_NAMES`), booleans are integers (1 = yes, 0 = no), rollout dates
    are Date fields, lists are text.
``gpkg``
    One GeoPackage with every layer (full field names, booleans as GeoPackage booleans),
    a ``layer_styles`` table holding a QGIS default style for each layer (the layers open
    styled), and two plain tables: ``readme`` (source, CRS, thresholds, attribution) and
    ``fields`` (the data dictionary).
``geojson``
    A folder of five RFC 7946 ``.geojson`` files (always WGS 84 longitude/latitude,
    EPSG:4326), with ``fields.csv`` and ``README.txt``.
``csv``
    A folder of five attribute tables (no geometry; point layers carry ``lon``/``lat`` in
    WGS 84 degrees), UTF-8, spreadsheet formulas neutralised, with ``fields.csv`` and
    ``README.txt``.

Shapefiles and the GeoPackage are written in ``settings.EXPORT_CRS`` (EPSG:3161, NAD83 /
Ontario MNR Lambert) unless another EPSG code is asked for. Every write goes to a temporary
file or folder beside the output and is renamed into place only when complete; existing
outputs are replaced only with ``force=True`` (``--force``).

This module writes the files; the layers are made writable by :mod:`esr_geo.gis_prep`, their
fields named and described by :mod:`esr_geo.fields` and styled by :mod:`esr_geo.gis_styles`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyproj import CRS
from pyproj.exceptions import CRSError

from esr_geo import __version__, i18n, settings
from esr_geo._io import atomic_path, check_targets, neutralise_formulas, write_folder
from esr_geo.analysis import Analysis, gis_layers
from esr_geo.data import ATTRIBUTIONS
from esr_geo.errors import DataError, InputError, printable, shown
from esr_geo.fields import FIELD_INFO, SHORT_NAMES, data_dictionary, shapefile_field_names
from esr_geo.gis_prep import GEOMETRY_TYPES, for_shapefile, normalise_layer
from esr_geo.gis_styles import add_layer_styles, layer_qml
from esr_geo.report import method_notes

__all__ = [
    "FIELDS_NAME",
    "FIELD_INFO",
    "FORMATS",
    "GEOMETRY_TYPES",
    "GPKG_NAME",
    "LAYERS",
    "LAYER_DESCRIPTIONS",
    "README_NAME",
    "SHAPEFILE_PARTS",
    "SHORT_NAMES",
    "SHP_ZIP_NAME",
    "PathLike",
    "export_layers",
    "field_dictionary",
    "geopackage_bytes",
    "layer_description",
    "layer_qml",
    "readme_text",
    "resolve_crs",
    "shapefile_field_names",
    "shapefile_zip_bytes",
]

PathLike = str | os.PathLike[str]

_LOG = logging.getLogger(__name__)

#: Export formats accepted by :func:`export_layers` (``--format``).
FORMATS = ("shp", "gpkg", "geojson", "csv")

#: The layers of every export, in this order.
LAYERS = (
    "catchments",
    "sites",
    "service_delivery_zones",
    "csd_access",
    "underserved_communities",
    "french_designated_areas",
)
#: The layers added, after those, when the analysis measures drive time on a road network.
ROAD_LAYERS = ("service_areas", "road_minutes")

#: What each layer holds (README, GeoPackage layer descriptions).
LAYER_DESCRIPTIONS = {
    "catchments": "The EST catchments with rollout phase, SSM, dates, status and in-person coverage.",
    "sites": "The sites used by the analysis (in-person and virtual-only) with their catchment and zone.",
    "service_delivery_zones": "Service delivery zones with their population, in-person sites and pass/fail.",
    "csd_access": "Ontario's census subdivisions (2021) with population, remoteness and in-person access.",
    "underserved_communities": "Named communities beyond the distance threshold of every in-person site.",
    "french_designated_areas": "French Language Services designated areas on the analysis date: residents, "
    "French-serving in-person sites inside, share within reach of one, passes or fails.",
    "service_areas": "Drive-time bands around the in-person sites (road network analyses): reached within band_min "
    "minutes of the nearest site.",
    "road_minutes": "Road segments of the network with the drive minutes to the nearest in-person site.",
}

#: File names used when ``out`` is a folder.
SHP_ZIP_NAME = "esr_geo_layers_shp.zip"
GPKG_NAME = "esr_geo_layers.gpkg"
README_NAME = "README.txt"
FIELDS_NAME = "fields.csv"
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")

_GPKG_VERSION = "1.2"  # readable by ArcGIS Pro 2.x and GDAL 3.6 without warnings


# --------------------------------------------------------------------------------------
# Parameters


def resolve_crs(crs: str | int | None = None) -> CRS:
    """Return the export CRS for an EPSG code, or the default.

    Parameters
    ----------
    crs : str or int, optional
        An EPSG code: ``3161``, ``"3161"`` or ``"EPSG:3161"``. ``None`` (or blank) gives
        ``settings.EXPORT_CRS``. Projected and geographic 2D systems are accepted.

    Returns
    -------
    pyproj.CRS
        The coordinate reference system.

    Raises
    ------
    InputError
        Naming the CRS given, and an example of a valid code (``parameter='crs'``).
    """
    example = "e.g. 3161 (NAD83 / Ontario MNR Lambert, the default) or EPSG:3347"
    if crs is None or (isinstance(crs, str) and not crs.strip()):
        return CRS.from_user_input(settings.EXPORT_CRS)
    match = None if isinstance(crs, bool) else re.fullmatch(r"(?:EPSG:)?(\d+)", str(crs).strip(), re.IGNORECASE)
    if match is None:
        raise InputError(
            f"The export CRS {shown(crs)} is not an EPSG code. Give an EPSG code, {example}.", parameter="crs"
        )
    code = int(match.group(1))
    try:
        out = CRS.from_epsg(code)
    except CRSError:
        raise InputError(
            f"The export CRS {shown(crs)}: EPSG:{code} is not a known coordinate reference system. "
            f"Give an EPSG code, {example}.",
            parameter="crs",
        ) from None
    if not (out.is_projected or out.is_geographic) or len(out.axis_info) != 2:
        raise InputError(
            f"The export CRS {shown(crs)}: EPSG:{code} ({out.name}) is a {out.type_name}, not a 2D map coordinate "
            f"reference system. Give a projected or geographic one, {example}.",
            parameter="crs",
        )
    return out


def _crs_label(crs: CRS) -> str:
    code = crs.to_epsg()
    return f"{crs.name} (EPSG:{code})" if code else crs.name


def _check_format(fmt: str) -> str:
    key = str(fmt).strip().lower()
    if key not in FORMATS:
        raise InputError(
            f"The export format {shown(fmt)} is not one esr-geo writes; choose one of: {', '.join(FORMATS)}.",
            parameter="fmt",
        )
    return key


# --------------------------------------------------------------------------------------
# Preparing the layers (esr_geo.gis_prep) and the data dictionary (esr_geo.fields)


def field_dictionary(layers: Mapping[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """Return the shapefile data dictionary (the content of ``fields.csv``).

    Parameters
    ----------
    layers : dict of geopandas.GeoDataFrame
        The layers of :func:`esr_geo.analysis.gis_layers`.

    Returns
    -------
    pandas.DataFrame
        One row per field of every layer: ``layer``, ``short_name`` (the shapefile field
        name), ``full_name`` (the name in the GeoPackage, GeoJSON and CSV exports), ``type``
        (Integer, Integer (0/1), Real, String or Date), ``unit`` (km, persons, %, km², persons
        per km², date, ... or 'none' for names and codes) and ``meaning``.
    """
    frames = {name: for_shapefile(name, normalise_layer(name, frame)) for name, frame in layers.items()}
    return data_dictionary({k: v[0] for k, v in frames.items()}, fmt="shp", short={k: v[1] for k, v in frames.items()})


def _prepared(analysis: Analysis, lang: str = "en") -> dict[str, gpd.GeoDataFrame]:
    """Return the analysis's GIS layers (known layers first, in :data:`LAYERS` order), normalised, words in ``lang``."""
    layers = {name: _worded(name, layer, analysis, lang) for name, layer in gis_layers(analysis).items()}
    known = (*LAYERS, *ROAD_LAYERS)
    order = [n for n in known if n in layers] + [n for n in layers if n not in known]
    return {name: normalise_layer(name, layers[name]) for name in order}


def _worded(name: str, layer: gpd.GeoDataFrame, analysis: Analysis, lang: str = "en") -> gpd.GeoDataFrame:
    """Return a layer with its codes in words of ``lang`` as well (reasons, status labels, kinds, remoteness)."""
    worded = i18n.in_words(layer, min_sites=analysis.min_sites, min_share=analysis.min_share, lang=lang)
    if name == "catchments":
        worded = i18n.status_words(worded, lang=lang, keep_code=True)
    if lang != "en":
        worded = i18n.value_words(worded, lang=lang)
    return gpd.GeoDataFrame(worded, geometry=layer.geometry.name, crs=layer.crs)


def _project(frame: gpd.GeoDataFrame, crs: CRS, layer: str) -> gpd.GeoDataFrame:
    out = frame.to_crs(crs)
    bounds = out.total_bounds
    if len(out) and not np.isfinite(bounds).all():  # an empty layer (no zone in an area analysed) has no bounds
        raise InputError(
            f"The export CRS {_crs_label(crs)} cannot represent layer {layer} (coordinates are infinite there). "
            "Choose a CRS that covers Ontario, e.g. EPSG:3161.",
            parameter="crs",
        )
    return out


# --------------------------------------------------------------------------------------
# README


def readme_text(
    analysis: Analysis,
    *,
    fmt: str,
    crs: CRS,
    counts: Mapping[str, int],
    requested_crs: str | int | None = None,
    lang: str = "en",
) -> str:
    """Return the README of an export: contents, source, CRS, thresholds, fields and attribution, in ``lang``."""
    fmt = _check_format(fmt)
    t = i18n.t
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    lines = [
        t("export.title", lang, fmt=fmt),
        "",
        t("export.generated", lang, now=now, version=__version__),
        t("export.rollout", lang, on=analysis.on.isoformat()),
        t("export.sites", lang, source=i18n.sites_label(analysis, lang)),
        t("export.zones", lang, source=i18n.zones_label(analysis.zones_source, lang)),
        "",
        t("export.layers", lang),
    ]
    ext = {"shp": ".shp", "gpkg": t("export.gpkg_layer", lang), "geojson": ".geojson", "csv": ".csv"}[fmt]
    for name, count in counts.items():
        kind = GEOMETRY_TYPES.get(name, "")
        geom = "" if fmt == "csv" else f", {kind}"
        about = layer_description(name, lang)
        lines.append(t("export.layer_line", lang, name=name, ext=ext, count=i18n.fmt_int(count, lang), geom=geom,
                       about=about))  # fmt: skip
    lines += ["", t("export.crs", lang)]
    if fmt in ("shp", "gpkg"):
        unit = crs.axis_info[0].unit_name if crs.axis_info else ""
        lines.append(t("export.crs_units", lang, crs=_crs_label(crs), unit=unit))
    elif fmt == "geojson":
        lines.append(t("export.crs_geojson", lang))
        if requested_crs is not None:
            lines.append(t("export.crs_geojson_asked", lang, crs=requested_crs))
    else:
        lines.append(t("export.crs_csv", lang))
        if requested_crs is not None:
            lines.append(t("export.crs_csv_asked", lang, crs=requested_crs))
    lines += ["", t("export.files", lang), *t(f"export.files_{fmt}", lang).split("\n")]
    lines += [*t("export.empty", lang).split("\n"), "", t("export.method", lang)]
    lines += [f"  - {note}" for note in method_notes(analysis, lang=lang)]
    if analysis.notes:
        lines += ["", t("export.notes", lang)]
        lines += [f"  - {note}" for note in i18n.notes_text(analysis.notes, lang)]
    lines += ["", t("export.sources", lang)]
    licence = t("report.licence_note", lang)
    lines += [f"  {licence}"] if licence else []
    lines += [f"  - {text}" for text in ATTRIBUTIONS]
    return "\n".join(lines) + "\n"


def layer_description(name: str, lang: str = "en") -> str:
    """Return what a layer holds, in ``lang`` (README and GeoPackage layer descriptions; '' for an unknown layer)."""
    key = f"export.layer.{name}"
    if i18n.has(key):
        return i18n.t(key, lang)
    if name in LAYER_DESCRIPTIONS:
        _LOG.info("Layer %s has no description in %s; the English one is used.", name, lang)
    return LAYER_DESCRIPTIONS.get(name, "")


# --------------------------------------------------------------------------------------
# Writers


def _write(frame: gpd.GeoDataFrame | pd.DataFrame, path: Path, **kwargs: object) -> None:
    pyogrio.write_dataframe(frame, path, use_arrow=True, **kwargs)


def _write_shapefile_zip(
    analysis: Analysis, layers: Mapping[str, gpd.GeoDataFrame], crs: CRS, zip_path: Path, work: Path, lang: str = "en"
) -> None:
    frames: dict[str, gpd.GeoDataFrame] = {}
    names: dict[str, dict[str, str]] = {}
    work.mkdir(parents=True, exist_ok=True)
    members: list[Path] = []
    for layer, frame in layers.items():
        shp, mapping = for_shapefile(layer, _project(frame, crs, layer))
        frames[layer], names[layer] = shp, mapping
        path = work / f"{layer}.shp"
        _write(shp, path, driver="ESRI Shapefile", encoding="UTF-8", geometry_type=GEOMETRY_TYPES.get(layer))
        members += [path.with_suffix(ext) for ext in SHAPEFILE_PARTS]
        qml = layer_qml(layer, mapping)
        if qml is not None:
            path.with_suffix(".qml").write_text(qml, encoding="utf-8")
            members.append(path.with_suffix(".qml"))
    missing = [p.name for p in members if not p.is_file()]
    if missing:
        raise DataError(f"The shapefile writer did not produce {', '.join(missing)}.")
    fields = data_dictionary(frames, fmt="shp", short=names)
    readme = readme_text(analysis, fmt="shp", crs=crs, counts={k: len(v) for k, v in frames.items()}, lang=lang)
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in members:
            zf.write(path, arcname=path.name)
        zf.writestr(FIELDS_NAME, fields.to_csv(index=False, lineterminator="\n"))
        zf.writestr(README_NAME, readme)


def _write_geopackage(
    analysis: Analysis, layers: Mapping[str, gpd.GeoDataFrame], crs: CRS, path: Path, lang: str = "en"
) -> None:
    frames: dict[str, gpd.GeoDataFrame] = {}
    for i, (layer, frame) in enumerate(layers.items()):
        out = _project(frame, crs, layer)
        frames[layer] = out
        _write(
            out,
            path,
            driver="GPKG",
            layer=layer,
            geometry_type=GEOMETRY_TYPES.get(layer),
            dataset_options={"VERSION": _GPKG_VERSION} if i == 0 else None,
            layer_options={"IDENTIFIER": layer, "DESCRIPTION": layer_description(layer, lang)},
        )
    readme = readme_text(analysis, fmt="gpkg", crs=crs, counts={k: len(v) for k, v in frames.items()}, lang=lang)
    lines = readme.splitlines()
    tables = {
        "readme": pd.DataFrame({"line": np.arange(1, len(lines) + 1, dtype="int32"), "text": lines}),
        "fields": data_dictionary(frames, fmt="gpkg", short=None),
    }
    for name, table in tables.items():
        description = i18n.t("export.about_readme" if name == "readme" else "export.about_fields", lang)
        _write(table, path, driver="GPKG", layer=name, layer_options={"DESCRIPTION": description})
    add_layer_styles(path, {layer: layer_qml(layer) for layer in frames})


def _csv_frame(layer: str, frame: gpd.GeoDataFrame) -> pd.DataFrame:
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    if GEOMETRY_TYPES.get(layer) == "Point" and not {"lon", "lat"} <= set(table.columns):
        wgs = frame.geometry.to_crs(settings.DISPLAY_CRS)
        table["lon"] = wgs.x.round(6).to_numpy()
        table["lat"] = wgs.y.round(6).to_numpy()
    return neutralise_formulas(table)


def _write_geojson_folder(
    analysis: Analysis, layers: Mapping[str, gpd.GeoDataFrame], stage: Path, requested: str | int | None,
    lang: str = "en",
) -> None:
    wgs84 = CRS.from_user_input(settings.DISPLAY_CRS)
    frames = {}
    for layer, frame in layers.items():
        out = _project(frame, wgs84, layer)
        frames[layer] = out
        _write(
            out,
            stage / f"{layer}.geojson",
            driver="GeoJSON",
            layer=layer,
            geometry_type=GEOMETRY_TYPES.get(layer),
            layer_options={"RFC7946": "YES"},
        )
    _write_docs(stage, analysis, frames, fmt="geojson", requested=requested, lang=lang)


def _write_csv_folder(
    analysis: Analysis, layers: Mapping[str, gpd.GeoDataFrame], stage: Path, requested: str | int | None,
    lang: str = "en",
) -> None:
    tables = {}
    for layer, frame in layers.items():
        table = _csv_frame(layer, frame)
        tables[layer] = table
        # UTF-8 with a byte-order mark, so Excel shows accents and en dashes correctly
        (stage / f"{layer}.csv").write_text(table.to_csv(index=False, lineterminator="\n"), encoding="utf-8-sig")
    _write_docs(stage, analysis, tables, fmt="csv", requested=requested, lang=lang)


def _write_docs(
    stage: Path,
    analysis: Analysis,
    frames: Mapping[str, pd.DataFrame],
    *,
    fmt: str,
    requested: str | int | None,
    lang: str = "en",
) -> None:
    fields = data_dictionary(frames, fmt=fmt, short=None)
    (stage / FIELDS_NAME).write_text(fields.to_csv(index=False, lineterminator="\n"), encoding="utf-8-sig")
    readme = readme_text(
        analysis,
        fmt=fmt,
        crs=CRS.from_user_input(settings.DISPLAY_CRS),
        counts={k: len(v) for k, v in frames.items()},
        requested_crs=requested,
        lang=lang,
    )
    (stage / README_NAME).write_text(readme, encoding="utf-8")


#: Name endings taken as a file (not a folder) when an export path does not exist yet.
_FILE_SUFFIXES = (
    ".zip", ".gpkg", ".geojson", ".json", ".csv", ".shp", ".txt", ".xlsx", ".xls", ".html", ".htm",
    ".kml", ".kmz", ".pdf", ".gz", ".tar", ".7z", ".dbf", ".tif", ".tiff", ".parquet", ".xml", ".md",
)  # fmt: skip
#: Formats written as one file: the file's extension, its name inside a folder, and a label.
_SINGLE_FILE = {"shp": (".zip", SHP_ZIP_NAME, "shapefile"), "gpkg": (".gpkg", GPKG_NAME, "GeoPackage")}


def _target(out: Path, fmt: str) -> Path:
    """Return the file (shp, gpkg) or folder (geojson, csv) that ``out`` means for ``fmt``.

    The rule: an existing folder is written into; for shp and gpkg a path ending in ``.zip`` /
    ``.gpkg`` is the file to write; any other path is a new folder to create, unless it is an
    existing file (or device) or its name ends in a file extension (``.txt``, ``.csv``, ...):
    those are refused rather than turned into a folder of that name.
    """
    single = _SINGLE_FILE.get(fmt)
    if os.path.isdir(out):  # noqa: PTH112 (Path.is_dir raises on a too-long name; this says False)
        return out / single[1] if single else out
    suffix = out.suffix.lower()
    if single and suffix == single[0]:
        return out
    exists = os.path.lexists(out)
    if not exists and suffix not in _FILE_SUFFIXES:
        return out / single[1] if single else out
    shown = printable(str(out))
    kind = "file" if os.path.isfile(out) else "device or special file"  # noqa: PTH113 (see above)
    why = f"{shown} is an existing {kind}, not a folder" if exists else f"{shown} ends in {printable(out.suffix)}"
    folder = f"e.g. {printable(str(out.with_suffix('')))}" if out.suffix else "(an existing one, or a new one)"
    if single:
        ext, name, label = single
        raise InputError(
            f"The {label} export is written as one {ext} file (a path ending in {ext}) or into a folder "
            f"(as {name}); {why}. Nothing was written. Give a path ending in {ext} "
            f"(e.g. {printable(out.with_suffix(ext).name)}) or a folder."
        )
    raise InputError(
        f"The {fmt} export writes a folder (one file per layer plus {FIELDS_NAME} and {README_NAME}), "
        f"not a single file; {why}. Nothing was written. Give a folder, {folder}."
    )


def export_layers(
    analysis: Analysis,
    out: PathLike,
    *,
    fmt: str,
    crs: str | int | None = None,
    force: bool = False,
    lang: str = "en",
) -> list[Path]:
    """Write the analysis's GIS layers in one format.

    Parameters
    ----------
    analysis : Analysis
        A finished analysis (see :func:`esr_geo.analysis.run_analysis`).
    out : path-like
        Where to write, by format:

        - ``shp``: the ``.zip`` to write (one zip holding every layer); a path without a
          ``.zip`` suffix is a folder, written into as ``esr_geo_layers_shp.zip``.
        - ``gpkg``: the ``.gpkg`` to write; a path without ``.gpkg`` is a folder, written into
          as ``esr_geo_layers.gpkg``.
        - ``geojson`` and ``csv``: a folder (created if needed) that receives one file per
          layer (``catchments.geojson``, ...), ``fields.csv`` and ``README.txt``; other files
          in it are left alone.
    fmt : str, keyword-only
        One of :data:`FORMATS`.
    crs : str or int, keyword-only
        EPSG code of the shapefile / GeoPackage CRS (``None``: ``settings.EXPORT_CRS``,
        EPSG:3161). GeoJSON is always EPSG:4326 and CSV has no geometry: for them a CRS is
        still checked, then reported as not applying (in README.txt and a logged warning).
    force : bool, keyword-only
        Replace existing output files (otherwise refuse, naming them and ``--force``).
    lang : {'en', 'fr'}, keyword-only
        The language of the README, the layer descriptions and the words in the layers (reasons,
        status labels, kinds); field names stay the same.

    Returns
    -------
    list of pathlib.Path
        The files written. Each output appears complete or not at all: everything is written
        to a temporary file or folder beside it and renamed into place at the end.

    Raises
    ------
    InputError
        Unknown format or EPSG code, ``out`` of the wrong kind, or an existing output
        without ``force``.
    """
    fmt = _check_format(fmt)
    target_crs = resolve_crs(crs)
    target = _target(Path(out).expanduser(), fmt)
    if fmt in ("shp", "gpkg"):
        if os.path.isdir(target):  # noqa: PTH112 (see _target)
            raise InputError(
                f"The output {target} is a folder; give the .{fmt if fmt == 'gpkg' else 'zip'} file to write.",
                parameter="out",
            )
        check_targets([target], force=force)
        layers = _prepared(analysis, lang)
        with atomic_path(target, force=force) as tmp:
            if fmt == "shp":
                _write_shapefile_zip(analysis, layers, target_crs, tmp, tmp.parent / "layers", lang)
            else:
                _write_geopackage(analysis, layers, target_crs, tmp, lang)
        return [target]
    requested = None if crs is None or (isinstance(crs, str) and not crs.strip()) else crs
    if requested is not None:
        why = "GeoJSON is always WGS 84 (EPSG:4326, RFC 7946)" if fmt == "geojson" else "CSV tables have no geometry"
        _LOG.warning("The export CRS %s does not apply to the %s format: %s.", requested, fmt, why)
    layers = _prepared(analysis, lang)
    ext = ".geojson" if fmt == "geojson" else ".csv"
    names = [f"{layer}{ext}" for layer in layers] + [FIELDS_NAME, README_NAME]
    writer = _write_geojson_folder if fmt == "geojson" else _write_csv_folder
    return write_folder(target, names, lambda stage: writer(analysis, layers, stage, requested, lang), force=force)


def shapefile_zip_bytes(analysis: Analysis, *, crs: str | int | None = None, lang: str = "en") -> bytes:
    """Return the zipped shapefile export (see :func:`export_layers`) as bytes, for a download button."""
    target_crs = resolve_crs(crs)
    layers = _prepared(analysis, lang)
    with tempfile.TemporaryDirectory(prefix="esr_geo_shp_") as tmp:
        zip_path = Path(tmp) / SHP_ZIP_NAME
        _write_shapefile_zip(analysis, layers, target_crs, zip_path, Path(tmp) / "layers", lang)
        return zip_path.read_bytes()


def geopackage_bytes(analysis: Analysis, *, crs: str | int | None = None, lang: str = "en") -> bytes:
    """Return the GeoPackage export (see :func:`export_layers`) as bytes, for a download button."""
    target_crs = resolve_crs(crs)
    layers = _prepared(analysis, lang)
    with tempfile.TemporaryDirectory(prefix="esr_geo_gpkg_") as tmp:
        path = Path(tmp) / GPKG_NAME
        _write_geopackage(analysis, layers, target_crs, path, lang)
        return path.read_bytes()
