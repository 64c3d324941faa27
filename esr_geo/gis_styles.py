"""QGIS styles of the export layers: QML documents and the GeoPackage ``layer_styles`` table.

:func:`layer_qml` writes the default QGIS style (QML) of each export layer (catchments by
rollout phase, zones by pass/fail, sites, underserved communities, census subdivisions by
share of residents within the threshold), in the colours of :mod:`esr_geo.style`; the
shapefile export puts it beside each ``.shp``, and :func:`add_layer_styles` stores the
styles in a GeoPackage's ``layer_styles`` table, as QGIS does, so the layers open styled.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

from esr_geo.style import FAIL_COLOUR, PASS_COLOUR, PHASE_COLOURS, RESERVE_COLOUR

# --------------------------------------------------------------------------------------
# QGIS styles (QML)


def _rgba(colour: str, alpha: int = 255) -> str:
    c = colour.lstrip("#")
    return f"{int(c[0:2], 16)},{int(c[2:4], 16)},{int(c[4:6], 16)},{alpha}"


_SCALE = "3x:0,0,0,0,0,0"


def _fill_props(colour: str | None, outline: str, width: float, *, alpha: int = 150) -> dict[str, str]:
    return {
        "border_width_map_unit_scale": _SCALE,
        "color": _rgba(colour, alpha) if colour else "0,0,0,0",
        "joinstyle": "bevel",
        "offset": "0,0",
        "offset_map_unit_scale": _SCALE,
        "offset_unit": "MM",
        "outline_color": _rgba(outline),
        "outline_style": "solid",
        "outline_width": f"{width:g}",
        "outline_width_unit": "MM",
        "style": "solid" if colour else "no",
    }


def _marker_props(shape: str, colour: str | None, outline: str, size: float) -> dict[str, str]:
    return {
        "angle": "0",
        "color": _rgba(colour) if colour else "0,0,0,0",
        "horizontal_anchor_point": "1",
        "joinstyle": "bevel",
        "name": shape,
        "offset": "0,0",
        "offset_map_unit_scale": _SCALE,
        "offset_unit": "MM",
        "outline_color": _rgba(outline),
        "outline_style": "solid",
        "outline_width": "0.4",
        "outline_width_map_unit_scale": _SCALE,
        "outline_width_unit": "MM",
        "scale_method": "diameter",
        "size": f"{size:g}",
        "size_map_unit_scale": _SCALE,
        "size_unit": "MM",
        "vertical_anchor_point": "1",
    }


def _symbol(parent: ET.Element, name: str, kind: str, props: Mapping[str, str]) -> None:
    sym = ET.SubElement(
        parent, "symbol", {"type": kind, "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"}
    )
    layer = ET.SubElement(
        sym,
        "layer",
        {"class": "SimpleFill" if kind == "fill" else "SimpleMarker", "enabled": "1", "locked": "0", "pass": "0"},
    )
    options = ET.SubElement(layer, "Option", {"type": "Map"})
    for key, value in props.items():
        ET.SubElement(options, "Option", {"type": "QString", "name": key, "value": value})
    for key, value in props.items():  # the pre-3.16 form, read by every QGIS 3
        ET.SubElement(layer, "prop", {"k": key, "v": value})


def _qml_document(renderer: ET.Element, geometry_type: int) -> str:
    root = ET.Element("qgis", {"version": "3.22.0", "styleCategories": "Symbology"})
    root.append(renderer)
    ET.SubElement(root, "blendMode").text = "0"
    ET.SubElement(root, "featureBlendMode").text = "0"
    ET.SubElement(root, "layerGeometryType").text = str(geometry_type)
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"


def _categorised(attr: str, categories: list[tuple[str, str, str, dict[str, str]]]) -> ET.Element:
    """Categorised renderer; ``categories`` are (value, label, symbol kind, symbol properties)."""
    renderer = ET.Element(
        "renderer-v2",
        {"type": "categorizedSymbol", "attr": attr, "symbollevels": "0", "forceraster": "0", "enableorderby": "0"},
    )
    cats = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for i, (value, label, kind, props) in enumerate(categories):
        ET.SubElement(cats, "category", {"value": value, "label": label, "symbol": str(i), "render": "true"})
        _symbol(symbols, str(i), kind, props)
    ET.SubElement(renderer, "rotation")
    ET.SubElement(renderer, "sizescale")
    return renderer


def _quote(field: str) -> str:
    return '"' + field.replace('"', '""') + '"'


#: Access classes of the CSD layer style: (upper bound of % within the threshold, label, colour).
_ACCESS_CLASSES = (
    (50.0, "under 50 %", FAIL_COLOUR),
    (75.0, "50 to 75 %", "#E69F00"),
    (90.0, "75 to 90 %", "#F0E442"),
    (None, "90 % or more", "#009E73"),
)


def layer_qml(layer: str, field_names: Mapping[str, str] | None = None) -> str | None:
    """Return the QGIS style (QML) of one export layer, or ``None`` for an unstyled layer.

    Catchments are categorised by ``phase`` (``style.PHASE_COLOURS``), zones by ``passes``
    (outlines in ``PASS_COLOUR`` / ``FAIL_COLOUR``), sites are black triangles (hollow when
    virtual-only), underserved communities red circles (grey squares when reserve-exempt) and
    census subdivisions are coloured by class of ``pct_within_threshold`` (grey: no one counted).

    Parameters
    ----------
    layer : str
        A name of :data:`esr_geo.export.LAYERS`.
    field_names : mapping, optional
        Full name -> name in the file (the shapefile short names); ``None`` for full names.

    Returns
    -------
    str or None
        The QML document.
    """

    def f(name: str) -> str:
        return (field_names or {}).get(name, name)

    if layer == "catchments":
        cats = [(phase, phase, "fill", _fill_props(colour, "#FFFFFF", 0.4)) for phase, colour in PHASE_COLOURS.items()]
        cats.append(("", "other", "fill", _fill_props("#BBBBBB", "#FFFFFF", 0.4)))
        return _qml_document(_categorised(f("phase"), cats), 2)
    if layer == "service_delivery_zones":
        expr = f"CASE WHEN {_quote(f('passes'))} THEN 'passes' ELSE 'fails' END"
        cats = [
            ("passes", "zone passes", "fill", _fill_props(None, PASS_COLOUR, 0.8)),
            ("fails", "zone fails", "fill", _fill_props(None, FAIL_COLOUR, 1.2)),
        ]
        return _qml_document(_categorised(expr, cats), 2)
    if layer == "sites":
        expr = f"CASE WHEN {_quote(f('in_person'))} THEN 'in person' ELSE 'virtual only' END"
        cats = [
            ("in person", "in-person site", "marker", _marker_props("triangle", "#000000", "#FFFFFF", 3.2)),
            ("virtual only", "virtual-only site", "marker", _marker_props("triangle", None, "#000000", 3.2)),
        ]
        return _qml_document(_categorised(expr, cats), 0)
    if layer == "underserved_communities":
        expr = f"CASE WHEN {_quote(f('is_reserve_exempt'))} THEN 'exempt' ELSE 'gap' END"
        cats = [
            ("gap", "community beyond threshold", "marker", _marker_props("circle", FAIL_COLOUR, "#FFFFFF", 3.4)),
            (
                "exempt",
                "reserve beyond threshold (exempt)",
                "marker",
                _marker_props("square", RESERVE_COLOUR, "#FFFFFF", 3.0),
            ),
        ]
        return _qml_document(_categorised(expr, cats), 0)
    if layer == "french_designated_areas":  # French Language Services: outlines by result
        cats = [
            ("passes", "designated area passes", "fill", _fill_props(None, PASS_COLOUR, 0.8)),
            ("fails", "designated area fails", "fill", _fill_props(None, FAIL_COLOUR, 1.2)),
            ("unknown", "unknown (no site says whether it serves in French)", "fill",
             _fill_props(None, RESERVE_COLOUR, 0.8)),
        ]  # fmt: skip
        return _qml_document(_categorised(f("fls_status"), cats), 2)
    if layer == "csd_access":
        pct = _quote(f("pct_within_threshold"))
        whens = " ".join(f"WHEN {pct} < {hi:g} THEN '{label}'" for hi, label, _ in _ACCESS_CLASSES if hi is not None)
        expr = f"CASE WHEN {pct} IS NULL THEN 'no residents counted' {whens} ELSE '{_ACCESS_CLASSES[-1][1]}' END"
        cats = [
            (label, label, "fill", _fill_props(colour, "#FFFFFF", 0.1, alpha=170))
            for _, label, colour in _ACCESS_CLASSES
        ]
        cats.append(("no residents counted", "no residents counted", "fill", _fill_props("#BBBBBB", "#FFFFFF", 0.1)))
        return _qml_document(_categorised(expr, cats), 2)
    return None


# --------------------------------------------------------------------------------------
# The GeoPackage's layer_styles table


_LAYER_STYLES_SQL = """
CREATE TABLE layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    f_table_catalog TEXT(256),
    f_table_schema TEXT(256),
    f_table_name TEXT(256),
    f_geometry_column TEXT(256),
    styleName TEXT(30),
    styleQML TEXT,
    styleSLD TEXT,
    useAsDefault BOOLEAN,
    description TEXT,
    owner TEXT(30),
    ui TEXT(30),
    update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)
"""


def add_layer_styles(path: Path, styles: Mapping[str, str | None]) -> None:
    """Add QGIS's ``layer_styles`` table (one default style per styled layer) to a GeoPackage.

    The table has the columns and types QGIS creates, and is registered in ``gpkg_contents``
    as an attribute table, so GDAL and QGIS see it like one QGIS wrote.
    """
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    con = sqlite3.connect(path)
    try:
        geom_cols = dict(con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
        rows = [
            (
                "",
                "",
                layer,
                geom_cols[layer],
                layer,
                qml,
                "",
                1,
                f"esr-geo default style: {layer}",
                "esr-geo",
                None,
                now,
            )
            for layer, qml in styles.items()
            if qml is not None and layer in geom_cols
        ]
        with con:
            con.execute(_LAYER_STYLES_SQL)
            con.executemany(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            con.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
                "VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS default layer styles', ?)",
                (now,),
            )
            has_counts = con.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'gpkg_ogr_contents'"
            ).fetchone()[0]
            if has_counts:
                con.execute(
                    "INSERT INTO gpkg_ogr_contents (table_name, feature_count) VALUES ('layer_styles', ?)",
                    (len(rows),),
                )
    finally:
        con.close()
