"""The map's offline assets: Leaflet and Leaflet.markercluster inlined as ``data:`` URLs.

streamlit-folium would otherwise fetch the libraries from a CDN and show a blank map offline.
The vendored copies live in ``esr_geo/static`` (see its README); :func:`use_offline_assets`
points a folium map's links at them and :func:`external_links` lists any that still need the
network.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path
from typing import Any

import folium

STATIC_DIR = Path(__file__).resolve().parent / "static"
_ASSETS_JS: dict[str, str] = {
    "leaflet": "leaflet/leaflet.js",
    "markerclusterjs": "leaflet.markercluster/leaflet.markercluster.js",
}
_ASSETS_CSS: dict[str, str] = {
    "leaflet_css": "leaflet/leaflet.css",
    "markerclustercss": "leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/MarkerCluster.Default.css",
}
#: Links folium adds by default that this map never uses (jQuery, Bootstrap, icon fonts).
_UNUSED_LINKS = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)


def _read_asset(rel: str) -> bytes:
    data = (STATIC_DIR / rel).read_bytes()
    # Source-map comments point at files that are not shipped.
    return re.sub(rb"\n//# sourceMappingURL=\S+\s*$", b"\n", data)


def _inline_css_images(css: bytes, folder: Path) -> bytes:
    def repl(match: re.Match[bytes]) -> bytes:
        rel = match.group(1).decode()
        path = folder / rel
        if not path.is_file():
            return match.group(0)
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})".encode()

    return re.sub(rb"url\((images/[^)]+\.png)\)", repl, css)


@cache
def asset_url(name: str) -> str:
    """Return one vendored library file as a ``data:`` URL.

    Parameters
    ----------
    name : str
        A folium link name: ``'leaflet'``, ``'markerclusterjs'``, ``'leaflet_css'``,
        ``'markerclustercss'`` or ``'markerclusterdefaultcss'``.

    Returns
    -------
    str
        ``data:text/javascript;base64,...`` or ``data:text/css;base64,...`` (the CSS with its
        images inlined too).
    """
    if name in _ASSETS_JS:
        return "data:text/javascript;base64," + base64.b64encode(_read_asset(_ASSETS_JS[name])).decode("ascii")
    rel = _ASSETS_CSS[name]
    css = _inline_css_images(_read_asset(rel), (STATIC_DIR / rel).parent)
    return "data:text/css;base64," + base64.b64encode(css).decode("ascii")


def use_offline_assets(root: Any) -> None:
    """Point every library link under ``root`` at the vendored copies (in place).

    Leaflet and Leaflet.markercluster become ``data:`` URLs, links to libraries the map does
    not use are dropped; any other link is left alone (and would need the internet).
    """
    stack = [root]
    while stack:
        elem = stack.pop()
        stack.extend(getattr(elem, "_children", {}).values())
        for attr, table in (("default_js", _ASSETS_JS), ("default_css", _ASSETS_CSS)):
            links = getattr(elem, attr, None)
            if not links:
                continue
            new = [(n, asset_url(n) if n in table else url) for n, url in links if n not in _UNUSED_LINKS]
            setattr(elem, attr, new)


def external_links(m: folium.Map) -> list[str]:
    """Return the script and style links of ``m`` that would be fetched from the network."""
    out: list[str] = []
    stack: list[Any] = [m]
    while stack:
        elem = stack.pop()
        stack.extend(getattr(elem, "_children", {}).values())
        for attr in ("default_js", "default_css"):
            out.extend(url for _n, url in getattr(elem, attr, []) if not str(url).startswith("data:"))
    return out
