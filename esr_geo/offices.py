"""Site lists (provider offices): the public entry points, and reading a site file.

:func:`read_sites`, :func:`validate_sites`, :func:`demo_sites` and :func:`locate_sites`
give a list of in-person service sites as a :class:`SiteLoad` (the usable sites, every
problem, the rows left out). This module reads a site file into a table and maps its
headers to the template's columns; the files themselves are read by :mod:`esr_geo.readers`
(shared with :mod:`esr_geo.zones`), which treats every file as hostile, the rows are checked
by :mod:`esr_geo.site_checks`, and sites are placed on the census geography by
:mod:`esr_geo.site_location`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from esr_geo import data, settings
from esr_geo.errors import GUIDES, DataError, InputError, shown
from esr_geo.i18n import Note, t
from esr_geo.postal import normalise_postal_code, postal_db
from esr_geo.readers import FileKind, as_text, check_file, file_format, fold_header, read_table, read_vector
from esr_geo.site_checks import PROBLEM_COLUMNS, SITE_COLUMNS, SiteTable, check_rows
from esr_geo.site_location import locate_sites

if TYPE_CHECKING:
    from esr_geo.model import Base

__all__ = [
    "ACCEPTED_FORMATS",
    "DEMO_LABEL",
    "HEADER_ALIASES",
    "PROBLEM_COLUMNS",
    "SITE_COLUMNS",
    "SITE_FILE",
    "TEMPLATE_COLUMNS",
    "PathLike",
    "SiteLoad",
    "SiteValidationError",
    "demo_sites",
    "locate_sites",
    "normalise_postal_code",
    "read_sites",
    "validate_sites",
]

PathLike = str | os.PathLike[str]

#: Source label of the Service Canada demonstration layer (in English; its words are ``input.demo_label``).
DEMO_LABEL = t("input.demo_label", "en")

#: Header of ``data/offices/template.csv``.
TEMPLATE_COLUMNS: tuple[str, ...] = (
    "site_id",
    "name",
    "organisation",
    "address",
    "city",
    "postal_code",
    "latitude",
    "longitude",
    "site_type",
    "in_person",
    "catchment",
    "french",
)

#: Accepted headers of each column, folded (lower case, accents, spaces, ``_``, ``-`` and ``.``
#: removed). The first spelling is the template's.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "site_id": ("siteid", "id", "officeid", "locationid", "sitecode", "officecode", "identifiant", "idsite"),
    "name": ("name", "sitename", "officename", "locationname", "nom", "nomdusite", "nomdubureau", "nomdulieu"),
    "organisation": (
        "organisation",
        "organization",
        "org",
        "provider",
        "serviceprovider",
        "agency",
        "organisme",
        "fournisseur",
        "fournisseurdeservices",
    ),
    "address": ("address", "streetaddress", "address1", "addressline1", "adresse", "adressecivique"),
    "city": ("city", "town", "municipality", "community", "ville", "municipalite", "localite", "communaute"),
    "postal_code": ("postalcode", "postcode", "postal", "codepostal"),
    "latitude": ("latitude", "lat", "y"),
    "longitude": ("longitude", "lon", "lng", "long", "x"),
    "site_type": ("sitetype", "type", "officetype", "typedesite", "typedebureau"),
    "in_person": ("inperson", "inpersonservice", "inpersonservices", "enpersonne", "servicesenpersonne"),
    "catchment": (
        "catchment",
        "catchmentid",
        "catchmentarea",
        "catchmentname",
        "declaredcatchment",
        "zonedesserte",
        "zonededesserte",
    ),
    # Does the site serve people in French? yes/no, or the languages served (see site_checks.french_answer).
    "french": (
        "french",
        "languages",
        "language",
        "langues",
        "langue",
        "francais",
        "fls",
        "sef",
        "servicesenfrancais",
        "serviceenfrancais",
        "servicesinfrench",
        "frenchservices",
        "frenchlanguageservices",
        "servesinfrench",
        "languagesofservice",
        "serviceslanguages",
        "servicelanguages",
        "languesdeservice",
        "languesdeservices",
        "languesofferts",
        "bilingual",
        "bilingue",
    ),
}

ACCEPTED_FORMATS = (
    "CSV (.csv), Excel workbook (.xlsx), GeoJSON (.geojson or .json), GeoPackage (.gpkg) or a zipped shapefile (.zip)"
)

_FIX_TEMPLATE = GUIDES["sites"]

#: The old private name of :func:`esr_geo.postal.postal_db` (``benchmarks/bench_uploads.py`` uses it).
_postal_db = postal_db


# --------------------------------------------------------------------------------------
# Public types


@dataclass
class SiteLoad:
    """A site list read and validated: the usable sites, every problem and the rows left out.

    Attributes
    ----------
    sites : geopandas.GeoDataFrame
        The valid sites, in file order, as points in EPSG:4326 with the columns
        :data:`SITE_COLUMNS` (see ``data/offices/README.md``). ``snapped_km`` (km) is the
        distance from the site to the census subdivision it was assigned to (0 inside); the
        point itself is not moved.
    problems : pandas.DataFrame
        One row per problem: ``row`` (spreadsheet row: the header is row 1, or the row
        after any blank rows above it; feature 1 of a vector file is row 2), ``site``,
        ``field``, ``severity`` ('error' or 'warning'), ``problem`` and ``fix``.
    dropped : pandas.DataFrame
        The input rows with at least one error, as read (text), with ``row`` and ``reason``;
        empty when every row is valid.
    source : str
        The file's display name, or :data:`DEMO_LABEL`.
    is_demo : bool
        True for the Service Canada demonstration layer.
    """

    sites: gpd.GeoDataFrame
    problems: pd.DataFrame
    dropped: pd.DataFrame
    source: str
    is_demo: bool

    @property
    def ok(self) -> bool:
        """True when no problem is an error (warnings allowed)."""
        return not bool((self.problems["severity"] == "error").any())

    @property
    def n_rows(self) -> int:
        """Number of data rows read (valid plus dropped)."""
        return len(self.sites) + len(self.dropped)


class SiteValidationError(InputError):
    """A site file has invalid rows (raised by :func:`read_sites` unless ``skip_invalid``).

    Parameters
    ----------
    load : SiteLoad
        The validated file, with the full problem table (``load.problems``), kept as
        ``self.load`` so that the caller can show every problem and offer to continue.
    """

    def __init__(self, load: SiteLoad, *, limit: int = 10) -> None:
        self.load = load
        errors = load.problems[load.problems["severity"] == "error"]
        tail = Note("site.refused_none" if load.sites.empty else "site.refused_some")
        values = {"n": int(errors["row"].nunique()), "total": load.n_rows, "source": load.source, "tail": tail}
        #: The message and its lines as notes (code and values), to word in another language (:meth:`text`).
        self.notes = [Note("site.refused", values)]
        listed = errors.head(limit)
        for row, site, problem, fix in zip(
            listed["row"], listed["site"], listed["problem_note"], listed["fix_note"], strict=True
        ):
            name = str(site) or Note("site.no_site_name")
            self.notes.append(Note("site.refused_row", {"row": int(row), "site": name, "problem": problem, "fix": fix}))
        if len(errors) > limit:
            self.notes.append(Note("site.refused_more", {"n": len(errors) - limit}))
        message, *lines = (str(n) for n in self.notes)
        super().__init__(message, lines, parameter=None if load.sites.empty else "skip_invalid")

    def text(self, lang: str) -> str:
        """Return the message in ``lang``: the summary, then one line per row with an error (at most ``limit``)."""
        return refusal_text(self.notes, lang)


def refusal_text(notes: Sequence[Note], lang: str) -> str:
    """Return a refused site file's notes (:attr:`SiteValidationError.notes`) in ``lang``: summary, then rows."""
    message, *lines = (n.text(lang) for n in notes)
    return "\n".join([message, *(f"  - {line}" for line in lines)])


# --------------------------------------------------------------------------------------
# Public functions


def demo_sites(base: Base) -> SiteLoad:
    """Return the Service Canada demonstration layer, validated and located.

    The 168 Ontario Service Canada points of service of February 2024 (Service Canada
    Centres, passport offices and scheduled outreach sites), all in person. Their
    coordinates are community-level, so ``location_precision`` is ``'community'``. The
    bundle's ``languages`` column ("Services offered in English and French", "Services
    offered in English") gives ``french``: 64 of the 168 serve in French.

    Parameters
    ----------
    base : esr_geo.model.Base
        The loaded geography (its ``data_dir`` holds the bundle).

    Returns
    -------
    SiteLoad
        ``is_demo`` True and ``source`` :data:`DEMO_LABEL`; warnings only (two points just
        outside the simplified census subdivision polygons, counted in the nearest one).

    Raises
    ------
    DataError
        If the bundle file is missing or any of its rows is invalid.
    """
    raw = data.load_service_canada_sites(base.data_dir)
    if "languages" not in raw.columns:
        path = data.bundle_path("service_canada_offices", base.data_dir)
        raise DataError(
            f"{path} lacks the column languages (which sites serve in French); found {', '.join(raw.columns)}. "
            "Restore the file from the bundle."
        )
    frame = as_text(raw)
    mapping = {
        "site_id": "site_id",
        "name": "name",
        "site_type": "site_type",
        "french": "languages",
        "city": "community",
        "latitude": "latitude",
        "longitude": "longitude",
    }
    table = SiteTable(frame=frame, rows=np.arange(len(frame)) + 2, geometry=None)
    load = _validate(
        table,
        mapping,
        base=base,
        source=DEMO_LABEL,
        is_demo=True,
        constants={"organisation": "Service Canada"},
        precision="community",
    )
    if not load.ok:
        path = data.bundle_path("service_canada_offices", base.data_dir)
        errors = load.problems[load.problems["severity"] == "error"]
        detail = "; ".join(f"row {r.row} ({r.site}): {r.problem}" for r in errors.head(10).itertuples())
        raise DataError(f"{path} has {len(errors)} invalid row(s): {detail}. Restore the file from the bundle.")
    return load


def read_sites(
    path: PathLike | None,
    *,
    base: Base,
    skip_invalid: bool = False,
    name: str | None = None,
) -> SiteLoad:
    """Read a site file (or the demonstration layer), refusing it if any row is invalid.

    Parameters
    ----------
    path : path-like or None
        The site file (see :func:`validate_sites` for formats); ``None`` returns
        :func:`demo_sites`.
    base : esr_geo.model.Base, keyword-only
        The loaded geography.
    skip_invalid : bool, keyword-only
        When True, go ahead with the valid rows; the others are in ``dropped`` with their
        reason. When False (default), any error raises :class:`SiteValidationError`.
    name : str, keyword-only
        Display name of the file (e.g. an upload's original name when ``path`` is a
        temporary file); ``None`` uses the file name of ``path``.

    Returns
    -------
    SiteLoad
        The sites, problems and dropped rows.

    Raises
    ------
    SiteValidationError
        If a row has an error and ``skip_invalid`` is False, or if no row is valid.
    InputError
        If the file cannot be read (missing, too large, empty, wrong format, no CRS, ...).
    """
    if path is None:
        return demo_sites(base)
    load = validate_sites(path, base=base, name=name)
    if not load.ok and (not skip_invalid or load.sites.empty):
        raise SiteValidationError(load)
    return load


def validate_sites(path: PathLike, *, base: Base, name: str | None = None) -> SiteLoad:
    """Read a site file and check every row, collecting all problems at once.

    Formats: CSV (UTF-8, UTF-8 with BOM, UTF-16 with BOM or Windows-1252; comma, semicolon
    or tab separated), Excel ``.xlsx`` (first sheet), GeoJSON, GeoPackage (first layer) and a
    zipped shapefile. Blank rows above the header and completely blank rows are skipped, but
    keep their spreadsheet row numbers. Read by the shared readers :func:`read_table` and
    :func:`read_vector`.

    Parameters
    ----------
    path : path-like
        The file.
    base : esr_geo.model.Base, keyword-only
        The loaded geography.
    name : str, keyword-only
        Display name of the file; its extension decides the format when it has a known one.

    Returns
    -------
    SiteLoad
        Valid rows in ``sites``, rows with an error in ``dropped``; never raises for row
        problems.

    Raises
    ------
    InputError
        If the file is missing, larger than ``settings.SITE_FILE_MAX_MB`` megabytes, empty,
        has a header but no rows, is in an unsupported format, cannot be parsed, has no CRS
        (vector files), or lacks the required columns.
    """
    path = Path(path)
    label = name or path.name
    kind = file_format(path, label)
    check_file(path, label, kind=SITE_FILE)
    if kind is None:
        raise InputError(
            f"Site file {label} is not in a supported format. Accepted formats: {ACCEPTED_FORMATS}. "
            "Save the site list in one of them (Excel: File > Save As > CSV UTF-8 or .xlsx)."
        )
    if kind in ("csv", "xlsx"):
        table = _read_sites_table(path, label)
    else:
        table = _drop_blank_rows(_read_sites_vector(path, label), label)
    mapping = _map_columns(list(table.frame.columns), label, has_geometry=table.geometry is not None)
    return _validate(table, mapping, base=base, source=label, is_demo=False)


# --------------------------------------------------------------------------------------
# Reading site files (the readers themselves are in esr_geo.readers, shared with esr_geo.zones)


SITE_FILE = FileKind(
    noun="Site file",
    no_rows="no sites",
    rows_fix="add one row per site under the header",
    empty_fix="save the site list with a header row and one row per site",
    layer_fix="save the site points as one layer, one point per site",
    shapes="points",
    layer="the site layer",
    guide=_FIX_TEMPLATE,
    formats=ACCEPTED_FORMATS,
    size_fix=(
        f"Keep only the columns esr-geo reads ({', '.join(TEMPLATE_COLUMNS)}); a list of 100,000 sites fits well "
        "within the limit."
    ),
    max_mb_setting="SITE_FILE_MAX_MB",
)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _read_sites_table(path: Path, label: str) -> SiteTable:
    frame = read_table(path, label, kind=SITE_FILE)
    rows = frame.index.to_numpy(dtype="int64")
    return SiteTable(frame=frame.reset_index(drop=True), rows=rows, geometry=None)


def _read_sites_vector(path: Path, label: str) -> SiteTable:
    frame = read_vector(path, label, kind=SITE_FILE)
    rows = frame.index.to_numpy(dtype="int64")
    frame = frame.reset_index(drop=True)
    geometry: gpd.GeoSeries | None = None
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        geoms = frame.geometry
        attrs = pd.DataFrame(frame.drop(columns=[geoms.name]))
        if geoms.notna().any():  # read_vector has checked the CRS
            geometry = gpd.GeoSeries(geoms.to_crs(settings.DISPLAY_CRS).to_numpy(), crs=settings.DISPLAY_CRS)
    else:
        attrs = pd.DataFrame(frame)
    text = as_text(attrs)
    if geometry is not None:
        geometry.index = text.index
    return SiteTable(frame=text, rows=rows, geometry=geometry)


def _drop_blank_rows(table: SiteTable, label: str) -> SiteTable:
    """Drop the features with no attribute and no geometry (tables come without blank rows)."""
    frame = table.frame
    blank = np.ones(len(frame), dtype=bool)
    for col in frame.columns:  # one column at a time: never a rows x columns x longest-cell array
        blank &= (frame[col].astype(str).str.strip() == "").to_numpy()
    if table.geometry is not None:
        blank &= (table.geometry.isna() | table.geometry.is_empty).to_numpy()
    if blank.all():
        kind = SITE_FILE
        raise InputError(f"{kind.noun} {label} has no features. {_cap(kind.layer_fix)}; {kind.guide}.")
    if not blank.any():
        return table
    keep = ~blank
    geometry = (
        gpd.GeoSeries(table.geometry[keep].reset_index(drop=True), crs=table.geometry.crs)
        if table.geometry is not None
        else None
    )
    return SiteTable(frame=frame[keep].reset_index(drop=True), rows=table.rows[keep], geometry=geometry)


_ALIAS_LOOKUP = {alias: canon for canon, aliases in HEADER_ALIASES.items() for alias in aliases}


def _map_columns(columns: list[str], label: str, *, has_geometry: bool) -> dict[str, str]:
    """Map the file's headers to the template's column names (extra columns are ignored)."""
    found: dict[str, list[str]] = {}
    for col in columns:
        canon = _ALIAS_LOOKUP.get(fold_header(col))
        if canon:
            found.setdefault(canon, []).append(col)
    problems = []
    for canon, cols in found.items():
        if len(cols) > 1:
            problems.append(
                f"the columns {', '.join(repr(c) for c in cols)} all mean {canon}: keep one of them "
                "(or rename the others)"
            )
    if "name" not in found:
        problems.append(
            "there is no name column, which is required: add a column 'name' "
            "(also accepted: Site Name, Office Name, nom)"
        )
    if ("latitude" in found) != ("longitude" in found):
        have, lack = ("latitude", "longitude") if "latitude" in found else ("longitude", "latitude")
        problems.append(f"there is a {have} column but no {lack} column: add the {lack} column")
    elif not has_geometry and "latitude" not in found and "postal_code" not in found:
        problems.append(
            "there is no location column: add 'latitude' and 'longitude' (WGS 84 decimal degrees) "
            "or 'postal_code' (also accepted: lat/lon, y/x, Postal Code, code postal)"
        )
    if problems:
        found_cols = ", ".join(shown(c) for c in columns[:30]) or "none"
        raise InputError(
            f"Site file {label} does not have the columns of a site list (found: {found_cols}); {_FIX_TEMPLATE}.",
            problems,
        )
    return {canon: cols[0] for canon, cols in found.items()}


# --------------------------------------------------------------------------------------
# Checking the rows (esr_geo.site_checks)


def _validate(
    table: SiteTable,
    mapping: dict[str, str],
    *,
    base: Base,
    source: str,
    is_demo: bool,
    constants: dict[str, str] | None = None,
    precision: str | None = None,
) -> SiteLoad:
    """Check every row of a site table (:func:`esr_geo.site_checks.check_rows`) and build the SiteLoad."""
    checked = check_rows(table, mapping, base=base, constants=constants, precision=precision)
    return SiteLoad(
        sites=checked.sites, problems=checked.problems, dropped=checked.dropped, source=source, is_demo=is_demo
    )
