"""Checking the rows of a site list: every problem of every row, at once, and the result.

:func:`check_rows` takes a site file as read (a :class:`SiteTable`: text cells, spreadsheet
row numbers, geometry) and the mapping of its headers to the template's columns, runs the
row checks in order on one :class:`SiteCheck` (text length and control characters, name,
in-person flag, French-service flag, location via :mod:`esr_geo.site_location`, declared catchment,
duplicates), and splits the rows into valid sites (columns :data:`SITE_COLUMNS`), the
problem table (:data:`PROBLEM_COLUMNS`) and the dropped rows. Reading files and the public
entry points are in :mod:`esr_geo.offices`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from esr_geo import settings
from esr_geo.errors import shown
from esr_geo.geodesy import EARTH_RADIUS_KM, unit_vectors
from esr_geo.i18n import Note
from esr_geo.site_location import (
    assign_census_subdivisions,
    catchment_names,
    check_coordinates,
    check_in_ontario,
    check_postal_code,
    locate_by_coordinates,
    locate_by_geometry,
    locate_by_postal_code,
)

if TYPE_CHECKING:
    from esr_geo.model import Base

#: Columns of :attr:`esr_geo.offices.SiteLoad.sites`, in order. ``snapped_km`` (km): distance from the site to
#: the census subdivision it was assigned to (0 inside); the point itself is not moved.
SITE_COLUMNS: tuple[str, ...] = (
    "site_id",
    "name",
    "organisation",
    "address",
    "city",
    "postal_code",
    "site_type",
    "in_person",
    "french",
    "declared_catchment",
    "location_precision",
    "source_row",
    "catchment_id",
    "CSDUID",
    "CSDNAME",
    "snapped_km",
    "flag",
    "lon",
    "lat",
    "geometry",
)

#: Columns of :attr:`esr_geo.offices.SiteLoad.problems`: ``problem`` and ``fix`` in English, and the same
#: as :class:`esr_geo.i18n.Note` records (``problem_note``, ``fix_note``) to word in another language.
PROBLEM_COLUMNS: tuple[str, ...] = ("row", "site", "field", "severity", "problem", "fix", "problem_note", "fix_note")
_RECORD_COLUMNS = ["pos", "row", "field", "severity", "problem", "fix", "problem_note", "fix_note"]

#: A problem's (or a fix's) note for a row position, or the same note for every row.
NoteOf = Note | Callable[[int], Note]

_TRUE = frozenset({"true", "yes", "1", "oui"})
_FALSE = frozenset({"false", "no", "0", "non"})

#: A site's French-service cell (folded: lower case, no accents, spaces collapsed) that says on its
#: own that the site serves in French ...
_FRENCH_YES = frozenset(
    {"yes", "y", "oui", "o", "true", "vrai", "1", "bilingual", "bilingue", "french", "francais", "fr", "en/fr",
     "fr/en", "en-fr", "fr-en", "en fr", "fr en"}
)  # fmt: skip
#: ... or that it does not.
_FRENCH_NO = frozenset(
    {"no", "n", "non", "false", "faux", "0", "english", "anglais", "en", "unilingual", "unilingue",
     "english only", "anglais seulement", "anglais uniquement"}
)  # fmt: skip
#: Words of a longer answer ("Services offered in English and French", "anglais et français"):
#: naming French (or bilingual service) says yes, unless a negation says otherwise ("no French",
#: "pas de français"); naming English (or unilingual service) without French says no.
_FRENCH_WORDS = frozenset({"french", "francais", "fr", "bilingual", "bilingue", "bilingues"})
_OTHER_WORDS = frozenset({"english", "anglais", "unilingual", "unilingue", "unilingues"})
_NEGATIONS = frozenset({"no", "not", "non", "pas", "sans", "without", "aucun", "aucune", "ni"})

#: Text fields of a site list, checked for length and control characters.
_TEXT_FIELDS = (
    "site_id", "name", "organisation", "address", "city", "postal_code", "site_type", "catchment", "french",
)  # fmt: skip
_CONTROL_CHARS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"  # tab and line breaks are kept


# --------------------------------------------------------------------------------------
# The table checked and its state


@dataclass
class SiteTable:
    """A file as read: text cells with the original headers, row numbers and geometry."""

    frame: pd.DataFrame
    rows: np.ndarray
    geometry: gpd.GeoSeries | None  # EPSG:4326, aligned with frame


class _Problems:
    """Collects problems by row position as notes (code and values); they are worded only for the rows concerned."""

    def __init__(self, rows: np.ndarray, site: np.ndarray) -> None:
        self.rows = rows
        self.site = site
        self.records: list[tuple[int, int, str, str, str, str, Note, Note]] = []

    def add(
        self,
        mask: np.ndarray,
        field: str | Callable[[int], str],
        severity: str,
        problem: NoteOf,
        fix: NoteOf,
    ) -> None:
        for i in np.flatnonzero(mask):
            name = field(int(i)) if callable(field) else field
            what = problem(int(i)) if callable(problem) else problem
            how = fix(int(i)) if callable(fix) else fix
            self.records.append((int(i), int(self.rows[i]), name, severity, what.text(), how.text(), what, how))

    def frame(self) -> pd.DataFrame:
        if not self.records:
            empty = pd.DataFrame({c: pd.Series(dtype=object if c.endswith("_note") else str) for c in PROBLEM_COLUMNS})
            return empty.astype({"row": "int64"})
        rec = pd.DataFrame(self.records, columns=_RECORD_COLUMNS)
        rec["site"] = self.site[rec["pos"].to_numpy()]
        rec = rec.sort_values(["row", "pos"], kind="stable").reset_index(drop=True)
        return rec[list(PROBLEM_COLUMNS)].astype({"row": "int64"})


@dataclass
class SiteCheck:
    """One site list being validated: the table, the one problem list and the per-row arrays.

    The check functions of :func:`check_rows` run in order, each reading the arrays filled by
    the ones before it, filling its own and adding its problems to ``probs``. Every array has
    one entry per data row (position ``i`` is spreadsheet row ``rows[i]``).
    """

    table: SiteTable
    mapping: dict[str, str]  # template column -> the file's header
    constants: dict[str, str]  # template column -> value of every row, for columns not in the file
    precision: str | None  # location precision of every located site (the demonstration layer), or None
    n: int = field(init=False)
    rows: np.ndarray = field(init=False)  # spreadsheet row numbers
    name: pd.Series = field(init=False)
    site_id: pd.Series = field(init=False)  # as given, or 'row-<n>'
    probs: _Problems = field(init=False)
    in_person: np.ndarray = field(init=False)
    french: pd.arrays.BooleanArray = field(init=False)  # serves in French: True, False or <NA> (not given)
    cand_lon: np.ndarray = field(init=False)  # coordinates as given (geometry or latitude/longitude)
    cand_lat: np.ndarray = field(init=False)
    has_geom: np.ndarray = field(init=False)
    coords_tried: np.ndarray = field(init=False)  # a geometry or a latitude or longitude was given
    lon: np.ndarray = field(init=False)  # the accepted location (NaN: not located)
    lat: np.ndarray = field(init=False)
    prec: np.ndarray = field(init=False)  # location_precision
    via: np.ndarray = field(init=False)  # what placed the site, for messages
    pc_code: np.ndarray = field(init=False)  # postal code, normalised
    pc_kind: np.ndarray = field(init=False)  # see normalise_postal_code
    csd_km: np.ndarray = field(init=False)  # geodesic km to the census subdivisions (0 inside)
    csd_uid: np.ndarray = field(init=False)
    csd_name: np.ndarray = field(init=False)
    catchment: np.ndarray = field(init=False)
    snapped_km: np.ndarray = field(init=False)
    declared: np.ndarray = field(init=False)  # declared catchment id ('' when blank or unknown)

    def __post_init__(self) -> None:
        n = self.n = len(self.table.frame)
        self.rows = self.table.rows.astype("int64")
        self.name = self.text("name")
        given_id = self.text("site_id")
        self.site_id = given_id.where(given_id != "", "row-" + pd.Series(self.rows).astype(str))
        label_of = self.name.where(self.name != "", given_id).str.slice(0, 60).to_numpy(dtype=object)
        self.probs = _Problems(self.rows, label_of)
        self.in_person = np.ones(n, dtype=bool)
        self.french = pd.array([pd.NA] * n, dtype="boolean")
        self.cand_lon, self.cand_lat = np.full(n, np.nan), np.full(n, np.nan)
        self.has_geom = np.zeros(n, dtype=bool)
        self.coords_tried = np.zeros(n, dtype=bool)
        self.lon, self.lat = np.full(n, np.nan), np.full(n, np.nan)
        self.prec = np.full(n, "", dtype=object)
        self.via = np.full(n, "", dtype=object)
        self.pc_code = np.full(n, "", dtype=object)
        self.pc_kind = np.full(n, "", dtype=object)
        self.csd_km = np.full(n, np.nan)
        self.csd_uid = np.full(n, "", dtype=object)
        self.csd_name = np.full(n, "", dtype=object)
        self.catchment = np.full(n, "", dtype=object)
        self.snapped_km = np.zeros(n)
        self.declared = np.full(n, "", dtype=object)

    def text(self, canon: str) -> pd.Series:
        """Return a template column's cells, stripped (the constant, or '', when the file lacks it)."""
        if canon in self.mapping:
            return self.table.frame[self.mapping[canon]].astype(str).str.strip().reset_index(drop=True)
        return pd.Series([self.constants.get(canon, "")] * self.n, dtype=str)

    @property
    def located(self) -> np.ndarray:
        """Return where the site has an accepted location."""
        return ~np.isnan(self.lon)


class CheckedRows(NamedTuple):
    """The rows of a site list, checked: see :class:`esr_geo.offices.SiteLoad` for each part."""

    sites: gpd.GeoDataFrame
    problems: pd.DataFrame
    dropped: pd.DataFrame


# --------------------------------------------------------------------------------------
# The checks


def check_rows(
    table: SiteTable,
    mapping: dict[str, str],
    *,
    base: Base,
    constants: dict[str, str] | None = None,
    precision: str | None = None,
) -> CheckedRows:
    """Check every row of a site table, collecting all problems, and split the rows.

    The checks run in order; within a row, problems are listed in the order they are found.
    The location comes from the geometry, else latitude and longitude, else the postal code.

    Parameters
    ----------
    table : SiteTable
        The file as read.
    mapping : dict
        Template column -> the file's header (extra columns are ignored).
    base : esr_geo.model.Base, keyword-only
        The loaded geography.
    constants : dict, keyword-only
        Template column -> value of every row, for columns not in the file.
    precision : str, keyword-only
        Location precision of every located site (the demonstration layer), or None.

    Returns
    -------
    CheckedRows
        The valid sites, the problem table and the dropped rows.
    """
    ck = SiteCheck(table, mapping, constants or {}, precision)
    _check_text(ck.probs, {canon: ck.text(canon) for canon in mapping if canon in _TEXT_FIELDS})
    _check_name(ck)
    _check_in_person(ck)
    _check_french(ck)
    locate_by_geometry(ck)
    locate_by_coordinates(ck)
    check_coordinates(ck)
    check_postal_code(ck)
    locate_by_postal_code(ck)
    assign_census_subdivisions(ck, base)
    check_in_ontario(ck, base)
    _check_catchment(ck, base)
    _check_duplicates(ck)
    return _split_rows(ck)


def _check_text(probs: _Problems, texts: dict[str, pd.Series]) -> None:
    """Add a row error for every text cell that is too long or holds a control character."""
    for canon, values in texts.items():
        _check_one_text(probs, canon, values)


def _check_one_text(probs: _Problems, canon: str, values: pd.Series) -> None:
    limit = settings.UPLOAD_ID_MAX_CHARS if canon == "site_id" else settings.UPLOAD_TEXT_MAX_CHARS
    lengths = values.str.len().to_numpy()
    probs.add(
        lengths > limit,
        canon,
        "error",
        lambda i: Note("site.too_long", {"column": canon, "n": int(lengths[i]), "limit": limit}),
        Note("fix.too_long", {"column": canon, "limit": limit}),
    )
    control = values.str.contains(_CONTROL_CHARS, regex=True).to_numpy() & (lengths <= limit)
    probs.add(
        control,
        canon,
        "error",
        lambda i: Note("site.control", {"column": canon, "value": shown(values[i])}),
        Note("fix.control"),
    )


def _check_name(ck: SiteCheck) -> None:
    """Add an error for every site without a name."""
    ck.probs.add(
        (ck.name == "").to_numpy(),
        "name",
        "error",
        Note("site.no_name"),
        Note("fix.no_name"),
    )


def _check_in_person(ck: SiteCheck) -> None:
    """Read ``in_person`` (blank means in person) and add an error for values that are not yes or no."""
    ip_text = ck.text("in_person")
    ip_low = ip_text.str.lower()
    ck.in_person = ~ip_low.isin(_FALSE).to_numpy()
    bad_ip = ((ip_low != "") & ~ip_low.isin(_TRUE | _FALSE)).to_numpy()
    ck.probs.add(
        bad_ip,
        "in_person",
        "error",
        lambda i: Note("site.in_person", {"value": shown(ip_text[i])}),
        Note("fix.in_person"),
    )


def french_answer(text: str) -> bool | None:
    """Read one cell of a site's French-service column: whether the site serves people in French.

    Parameters
    ----------
    text : str
        The cell as written, e.g. ``'oui'``, ``'Bilingual'``, ``'English and French'``,
        ``'Services offered in English'``, ``'français'`` or ``''``.

    Returns
    -------
    bool or None
        True (serves in French), False (does not), None (blank: not given, i.e. unknown).

    Raises
    ------
    ValueError
        When the text says neither (e.g. ``'maybe'``, ``'Spanish'``).
    """
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    folded = " ".join(plain.split())
    if not folded:
        return None
    if folded in _FRENCH_YES:
        return True
    if folded in _FRENCH_NO:
        return False
    words = set(re.findall(r"[a-z0-9]+", folded))
    if words & _FRENCH_WORDS:
        return not words & _NEGATIONS
    if words & _OTHER_WORDS:
        return False
    raise ValueError(f"not a French-service answer: {text!r}")


def read_french(values: pd.Series) -> tuple[pd.arrays.BooleanArray, np.ndarray]:
    """Read a site list's French-service column (see :func:`french_answer`), one answer per distinct cell.

    Parameters
    ----------
    values : pandas.Series
        The cells, as text.

    Returns
    -------
    flags : pandas.arrays.BooleanArray
        True, False, or <NA> where the cell is blank or unreadable.
    unreadable : numpy.ndarray of bool
        The cells that say neither yes nor no (row problems).
    """
    answers: dict[str, bool | None] = {}
    bad: set[str] = set()
    for text in pd.unique(values.astype(str)):
        try:
            answers[text] = french_answer(text)
        except ValueError:
            answers[text] = None
            bad.add(text)
    text_values = values.astype(str)
    flags = pd.array([answers[v] for v in text_values], dtype="boolean")
    return flags, text_values.isin(bad).to_numpy()


def _check_french(ck: SiteCheck) -> None:
    """Read ``french`` (blank or no column: unknown) and add an error for a cell that says neither yes nor no."""
    if "french" not in ck.mapping and "french" not in ck.constants:
        return  # no French-service column: unknown for every site, never "no"
    fr_text = ck.text("french")
    ck.french, bad = read_french(fr_text)
    ck.probs.add(
        bad,
        "french",
        "error",
        lambda i: Note("site.french", {"value": shown(fr_text[i])}),
        Note("fix.french"),
    )


def _catchment_key(text: str) -> str:
    dashed = re.sub(r"[\u2010-\u2015\u2212_]", "-", unicodedata.normalize("NFKC", text))
    plain = unicodedata.normalize("NFKD", dashed).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[\s\-]+", "-", plain).strip("-")


def _catchment_keys(catchments: pd.DataFrame) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for rec in catchments[["catchment_id", "name_en", "name_fr"]].itertuples(index=False):
        for label in rec:
            lookup[_catchment_key(str(label))] = str(rec.catchment_id)
    return lookup


def _check_catchment(ck: SiteCheck, base: Base) -> None:
    """Read the declared catchment; add a problem if it is unknown or is not where the site is."""
    decl_text = ck.text("catchment")
    keys = _catchment_keys(base.catchments)
    ck.declared = declared = np.array(
        [keys.get(_catchment_key(t), "") if t else "" for t in decl_text.tolist()], dtype=object
    )
    valid_ids = ", ".join(base.catchments["catchment_id"].astype(str))
    ck.probs.add(
        (decl_text != "").to_numpy() & (declared == ""),
        "catchment",
        "error",
        lambda i: Note("site.catchment_unknown", {"value": shown(decl_text[i])}),
        Note("fix.catchment_unknown", {"ids": valid_ids}),
    )
    # An approximate location (postal-area centre, community) may fall in a neighbouring catchment.
    catchment = ck.catchment
    loose = np.isin(ck.prec, ["postal_area"]) | (ck.precision == "community")
    disagree = (declared != "") & (catchment != "") & (declared != catchment)
    names = catchment_names(base)

    def disagreement(code: str) -> Callable[[int], Note]:
        def note(i: int) -> Note:
            declared_name = names.get(declared[i], declared[i])
            located = names.get(catchment[i], catchment[i])
            return Note(code, {"declared": declared_name, "declared_id": declared[i], "located": located,
                               "located_id": catchment[i]})  # fmt: skip

        return note

    ck.probs.add(
        disagree & ~loose,
        "catchment",
        "error",
        disagreement("site.catchment_other"),
        Note("fix.catchment_other"),
    )
    ck.probs.add(
        disagree & loose,
        "catchment",
        "warning",
        disagreement("site.catchment_other_approx"),
        Note("fix.catchment_other_approx"),
    )


def _check_duplicates(ck: SiteCheck) -> None:
    """Add an error for a repeated site_id, and for a site with the same name near an earlier one."""
    n, rows, probs = ck.n, ck.rows, ck.probs
    sid = pd.Series(ck.site_id.to_numpy(dtype=object))
    dup_id = sid.duplicated(keep="first").to_numpy()
    sid_codes = pd.factorize(sid)[0]
    first_of_code = np.full(sid_codes.max() + 1 if n else 0, n)
    np.minimum.at(first_of_code, sid_codes, np.arange(n))
    first_pos = first_of_code[sid_codes]
    probs.add(
        dup_id,
        "site_id",
        "error",
        lambda i: Note("site.duplicate_id", {"value": shown(sid[i]), "first_row": int(rows[first_pos[i]])}),
        Note("fix.duplicate_id"),
    )
    name_key = ck.name.str.lower().str.split().str.join(" ").to_numpy(dtype=object)
    cand_dup = ck.located & (name_key != "") & ~dup_id
    dup_of = np.full(n, -1)
    if cand_dup.sum() > 1:
        idx = np.flatnonzero(cand_dup)
        codes = pd.factorize(name_key[idx])[0].astype(float)
        # metres on the sphere; a different name is 1e8 m away along a fourth axis
        xyz_m = unit_vectors(ck.lon[idx], ck.lat[idx]) * (EARTH_RADIUS_KM * 1000)
        pairs = cKDTree(np.column_stack([xyz_m, codes * 1e8])).query_pairs(
            r=settings.SITE_DUPLICATE_M, output_type="ndarray"
        )
        if len(pairs):
            first = pd.Series(idx[pairs[:, 0]]).groupby(idx[pairs[:, 1]]).min()
            dup_of[first.index.to_numpy()] = first.to_numpy()
    probs.add(
        dup_of >= 0,
        "name",
        "error",
        lambda i: Note("site.duplicate_name", {"first_row": int(rows[dup_of[i]]), "m": settings.SITE_DUPLICATE_M}),
        Note("fix.duplicate_name"),
    )


# --------------------------------------------------------------------------------------
# The result


def _split_rows(ck: SiteCheck) -> CheckedRows:
    """Split the rows into valid sites and dropped rows (those with an error), with the problem table."""
    problems = ck.probs.frame()
    if ck.precision is not None:
        ck.prec[ck.located] = ck.precision
    rec = pd.DataFrame(ck.probs.records, columns=_RECORD_COLUMNS)
    err = rec[rec["severity"] == "error"]
    bad = np.zeros(ck.n, dtype=bool)
    bad[err["pos"].to_numpy(dtype=int)] = True
    warn = rec[rec["severity"] == "warning"]
    flag = np.full(ck.n, "", dtype=object)
    for p, texts in zip(warn["pos"].to_numpy(dtype=int), warn["problem"], strict=True):
        flag[p] = texts if not flag[p] else f"{flag[p]} | {texts}"
    sites = _site_frame(ck, ~bad, flag)
    dropped = _dropped_rows(ck, bad, err)
    return CheckedRows(sites=sites, problems=problems, dropped=dropped)


def _site_frame(ck: SiteCheck, keep: np.ndarray, flag: np.ndarray) -> gpd.GeoDataFrame:
    """Return the kept rows as the site table (columns :data:`SITE_COLUMNS`)."""
    sites = gpd.GeoDataFrame(
        {
            "site_id": ck.site_id.to_numpy(dtype=object)[keep],
            "name": ck.name.to_numpy(dtype=object)[keep],
            "organisation": ck.text("organisation").to_numpy(dtype=object)[keep],
            "address": ck.text("address").to_numpy(dtype=object)[keep],
            "city": ck.text("city").to_numpy(dtype=object)[keep],
            "postal_code": ck.pc_code[keep],
            "site_type": ck.text("site_type").to_numpy(dtype=object)[keep],
            "in_person": ck.in_person[keep].astype(bool),
            "french": ck.french[keep],
            "declared_catchment": ck.declared[keep],
            "location_precision": ck.prec[keep],
            "source_row": ck.rows[keep],
            "catchment_id": ck.catchment[keep],
            "CSDUID": ck.csd_uid[keep],
            "CSDNAME": ck.csd_name[keep],
            "snapped_km": ck.snapped_km[keep].astype(float),
            "flag": flag[keep],
            "lon": ck.lon[keep],
            "lat": ck.lat[keep],
        },
        geometry=gpd.points_from_xy(ck.lon[keep], ck.lat[keep]),
        crs=settings.DISPLAY_CRS,
    )
    text_cols = [
        c
        for c in SITE_COLUMNS
        if c not in ("in_person", "french", "source_row", "snapped_km", "lon", "lat", "geometry")
    ]
    sites = sites.astype({c: str for c in text_cols})
    return sites[list(SITE_COLUMNS)].reset_index(drop=True)


def _dropped_rows(ck: SiteCheck, bad: np.ndarray, err: pd.DataFrame) -> pd.DataFrame:
    """Return the rows with an error as read, after their ``row`` and ``reason`` (the errors, joined)."""
    table = ck.table
    reasons = err.groupby("pos", sort=False)["problem"].agg(" | ".join)
    original = table.frame.reset_index(drop=True).iloc[np.flatnonzero(bad)].copy()
    if table.geometry is not None and "geometry" not in original.columns:
        original["geometry"] = [g.wkt if g is not None else "" for g in table.geometry.to_numpy()[bad]]
    original = original.rename(columns={c: f"{c} (original)" for c in original.columns if c in ("row", "reason")})
    return pd.concat(
        [
            pd.DataFrame(
                {"row": ck.rows[bad], "reason": reasons.reindex(np.flatnonzero(bad)).to_numpy(dtype=object)},
                index=original.index,
            ).astype({"row": "int64", "reason": str}),
            original,
        ],
        axis=1,
    ).reset_index(drop=True)
