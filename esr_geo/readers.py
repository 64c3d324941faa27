"""Reading planners' files safely: tables (CSV, Excel) and vector layers (GeoJSON, GeoPackage, shapefile).

Every file a planner gives (a site list, zones, candidate sites) may come from a web page,
so every file is treated as hostile:

- **Forced drivers.** A file is opened only by the reader its extension names, after its
  first bytes have been checked (a SQLite header for GeoPackage, ``{`` for GeoJSON,
  ``0000270A`` for a shapefile's ``.shp`` and ``.shx``, ``PK`` for a workbook). GDAL is
  never left to pick a driver from the content, so no file can be opened as an OGR VRT
  (which would read other files or URLs), and network paths (``/vsicurl/``) are refused.
- **Bounded reading.** Size (``kind.max_mb``), rows (:data:`esr_geo.settings.UPLOAD_MAX_ROWS`)
  and columns (:data:`esr_geo.settings.UPLOAD_MAX_COLUMNS`) are checked while streaming, so
  a small file that claims a million rows or 16,384 columns is refused at once.
- **Nothing changed.** A GeoPackage is read from a private copy (with its ``-wal`` file),
  so a pending write-ahead log is never merged into the planner's file; only real tables
  are read (views are not), after a time-limited look at the database's schema.
- **Bounded messages.** Values from the file are quoted with :func:`esr_geo.errors.shown`.

The readers are the same for every kind of file; a :class:`FileKind` gives each kind its
wording and size limit.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import mmap
import numbers
import os
import re
import shutil
import sqlite3
import tempfile
import time
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from esr_geo import settings
from esr_geo.errors import InputError, named, shown

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]

#: Format of each known extension: ``'csv'``, ``'xlsx'``, ``'vector'`` or ``'zip'``.
SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".geojson": "vector", ".json": "vector", ".gpkg": "vector", ".zip": "zip"}

_SQLITE_MAGIC = b"SQLite format 3\x00"
_SHAPE_MAGIC = b"\x00\x00\x27\x0a"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
#: SQLite virtual-table modules a GeoPackage may use (its spatial index); any other is refused.
_SAFE_VIRTUAL = ("rtree",)
#: Seconds allowed for looking at a GeoPackage's schema (a hostile one may never answer).
_GPKG_SCHEMA_SECONDS = 5.0
#: An Excel workbook may unzip to at most this many times the file size limit.
_XLSX_UNZIP_FACTOR = 10
#: A line that is blank in a spreadsheet: nothing but spaces, separators and empty quotes.
_BLANK_LINE = re.compile(r'[\s,;"]*')
_NOT_BLANK = re.compile(r'[^\s,;"]')
#: Valid UTF-8 sequences of two to four bytes (to tell a mixed UTF-8/Windows-1252 file).
_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass(frozen=True)
class FileKind:
    """How the shared file readers name one kind of input file in their messages.

    Every text is a clause without a final full stop.

    Attributes
    ----------
    noun : str
        Names the file at the start of a message, e.g. ``'Site file'``.
    no_rows : str
        What a table with only a header lacks, e.g. ``'no sites'``.
    rows_fix : str
        How to fill a table that has only a header.
    empty_fix : str
        How to fill an empty file.
    layer_fix : str
        How to fill a vector file without layers or features.
    shapes : str
        What the features are, plural (``'points'``, ``'polygons'``).
    layer : str
        The one layer a file should hold, e.g. ``'the site layer'``.
    guide : str
        Where the file format is described, e.g. ``'see the site-file template'``.
    formats : str
        The accepted formats, for messages about unreadable files.
    size_fix : str
        How to make an oversized file smaller (a full sentence).
    max_mb_setting : str
        Name of the :mod:`esr_geo.settings` constant holding the size limit, in megabytes
        (read when a file is checked, so that it can be changed at run time).
    """

    noun: str
    no_rows: str
    rows_fix: str
    empty_fix: str
    layer_fix: str
    shapes: str
    layer: str
    guide: str
    formats: str
    size_fix: str
    max_mb_setting: str

    @property
    def max_mb(self) -> float:
        """The size limit of this kind of file, in megabytes (10**6 bytes)."""
        return float(getattr(settings, self.max_mb_setting))

    def limit_text(self) -> str:
        """Return ``'the limit for a site file is 25 MB'`` (for this kind of file)."""
        return f"the limit for a {self.noun.lower()} is {self.max_mb:g} MB"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------------------
# Cells and headers


def fold_header(text: str) -> str:
    """Fold a column header for matching: no accents, lower case, letters and digits only.

    Parameters
    ----------
    text : str
        A header as written, e.g. ``'Code Postal'``, ``'postal_code'`` or ``'CSD-UID'``.

    Returns
    -------
    str
        ``'codepostal'``, ``'postalcode'``, ``'csduid'``: spaces, ``_``, ``-``, ``.`` and
        every other sign removed, so that spellings of one header compare equal.
    """
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def cell_text(value: Any) -> str:
    """Return a cell value as text, without float artefacts (``3582.0`` -> ``'3582'``).

    Parameters
    ----------
    value : object
        A cell as read by openpyxl, pyogrio or pandas.

    Returns
    -------
    str
        ``''`` for a missing value, ``'true'``/``'false'`` for booleans, whole numbers
        without a decimal part, dates in ISO 8601.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return ""
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every cell as text (see :func:`cell_text`) and a fresh index."""
    return pd.DataFrame(
        {col: [cell_text(v) for v in frame[col].tolist()] for col in frame.columns},
        index=pd.RangeIndex(len(frame)),
        columns=list(frame.columns),
        dtype=object,
    ).astype(str)


def _column_letter(i: int) -> str:
    """Return the spreadsheet letter of column ``i`` (0 -> 'A', 26 -> 'AA')."""
    letters = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _header_names(cells: list[str]) -> list[str]:
    """Strip headers, name blank ones after their column ('column C') and number repeats."""
    names = [c.strip() or f"column {_column_letter(i)}" for i, c in enumerate(cells)]
    seen: dict[str, int] = {}
    out = []
    for h in names:
        if h in seen:
            seen[h] += 1
            out.append(f"{h}.{seen[h]}")
        else:
            seen[h] = 0
            out.append(h)
    return out


# --------------------------------------------------------------------------------------
# Checks before reading


def file_format(path: PathLike, label: str | None = None) -> str | None:
    """Return the format of an input file from its extension.

    Parameters
    ----------
    path : path-like
        The file (possibly a temporary file without a meaningful extension).
    label : str, optional
        Display name of the file; its extension wins when it is a known one (an upload's
        original name).

    Returns
    -------
    str or None
        ``'csv'``, ``'xlsx'``, ``'vector'`` (GeoJSON, GeoPackage), ``'zip'`` (zipped
        shapefile) or None for any other extension.
    """
    by_label = SUFFIXES.get(Path(label).suffix.lower()) if label else None
    return by_label or SUFFIXES.get(Path(path).suffix.lower())


def _suffix(path: Path, label: str) -> str:
    """Return the extension that decides the format: the display name's when it has one."""
    return (Path(label).suffix or path.suffix).lower()


def check_file(path: PathLike, label: str | None = None, *, kind: FileKind) -> None:
    """Check that an input file exists, is a regular local file, is not empty and is within the size limit.

    Nothing is read: the size limit (``kind.max_mb`` megabytes) is checked on the file's
    size on disk, so that an oversized file is refused at once.

    Parameters
    ----------
    path : path-like
        The file.
    label : str, optional
        Display name of the file in messages; ``None`` uses the file name of ``path``.
    kind : FileKind, keyword-only
        The kind of file (message wording and size limit).

    Raises
    ------
    InputError
        If the path is a GDAL virtual or network path (``/vsi...``), the file is missing,
        not a regular file, 0 bytes, or larger than the limit.
    """
    path = Path(path)
    label = label or path.name
    if str(path).replace("\\", "/").lower().startswith("/vsi") or re.match(r"[a-z][a-z0-9+.-]+:/", str(path), re.I):
        raise InputError(
            f"{kind.noun} {named(label)} was refused: only files on this computer can be read, not virtual or "
            "network paths. Save the file locally and give its path."
        )
    if not path.exists():
        raise InputError(f"{kind.noun} {named(label)} not found ({path}). Check the path and the file name.")
    if not path.is_file():
        raise InputError(
            f"{kind.noun} {named(label)} ({path}) is not a file. Give the path of the {kind.noun.lower()} itself."
        )
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{kind.noun} {named(label)} is empty (0 bytes). {_cap(kind.empty_fix)}; {kind.guide}.")
    if size > kind.max_mb * 1_000_000:
        raise InputError(
            f"{kind.noun} {named(label)} is {size / 1_000_000:.1f} MB; {kind.limit_text()}. {kind.size_fix}"
        )


def _head(path: Path, n: int = 16) -> bytes:
    with path.open("rb") as f:
        return f.read(n)


def _refuse_content(label: str, kind: FileKind, expected: str, fix: str) -> InputError:
    return InputError(f"{kind.noun} {named(label)} is not {expected}: its content does not match its extension. {fix}")


def _too_many_rows(label: str, kind: FileKind) -> InputError:
    limit = settings.UPLOAD_MAX_ROWS
    return InputError(
        f"{kind.noun} {named(label)} has more than {limit:,} rows; the limit is {limit:,} rows. "
        "Split the file, or keep only the rows needed."
    )


def _too_many_columns(label: str, kind: FileKind, n: int) -> InputError:
    limit = settings.UPLOAD_MAX_COLUMNS
    return InputError(
        f"{kind.noun} {named(label)} has {n:,} columns in its header; the limit is {limit:,}. "
        "Keep only the columns esr-geo reads."
    )


# --------------------------------------------------------------------------------------
# Tables


def read_table(path: PathLike, label: str | None = None, *, kind: FileKind) -> pd.DataFrame:
    """Read a CSV or Excel table as text, with spreadsheet row numbers.

    CSV: UTF-8, UTF-8 with BOM, UTF-16 (with or without BOM) or Windows-1252 (a file that
    mixes UTF-8 and Windows-1252 is refused); comma, semicolon or tab separated (decided on
    the header line); every row must have at most as many values as the header has
    columns. Excel ``.xlsx``: the first visible sheet (hidden sheets are not read), values
    as displayed for numbers (``3582``, not ``3582.0``), as many columns as the header has.
    Other extensions (e.g. ``.txt``) are read as CSV. Blank rows above the header are
    skipped; blank rows below it are dropped but keep their numbers. At most
    ``settings.UPLOAD_MAX_ROWS`` rows and ``settings.UPLOAD_MAX_COLUMNS`` columns.

    Parameters
    ----------
    path : path-like
        The file.
    label : str, optional
        Display name of the file in messages (its extension decides CSV or Excel when it
        is a known one); ``None`` uses the file name of ``path``.
    kind : FileKind, keyword-only
        The kind of file (message wording and size limit).

    Returns
    -------
    pandas.DataFrame
        One text column per header (headers stripped; a repeated header gets ``.1``, ``.2``;
        a blank header becomes ``'column C'``), blank cells ``''``. The index, named
        ``row``, is the spreadsheet row number: the header's row + 1 for the first data row
        (row 2 when the header is on the first line); a quoted CSV cell with line breaks
        stays on one row.

    Raises
    ------
    InputError
        If the file is missing, too large, empty, cannot be parsed, has rows with too many
        values, too many rows or columns, or a header but no rows.
    """
    path = Path(path)
    label = label or path.name
    check_file(path, label, kind=kind)
    if file_format(path, label) == "xlsx":
        header, body, rows = _read_xlsx(path, label, kind)
    else:
        header, body, rows = _read_csv(path, label, kind)
    if not body:
        raise InputError(
            f"{kind.noun} {named(label)} has a header row but {kind.no_rows}. {_cap(kind.rows_fix)}; {kind.guide}."
        )
    frame = pd.DataFrame(body, columns=header, dtype=object).astype(str)
    frame.index = pd.Index(np.asarray(rows, dtype="int64"), name="row")
    return frame


def _decode(raw: bytes, label: str, kind: FileKind) -> str:
    """Decode a text file, refusing binary data and mixed encodings (every fallback is logged)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_utf16(raw, "utf-16", label, kind)
    sample = raw[:4096]
    if sample.count(0) > len(sample) // 4:  # UTF-16 without a byte-order mark
        odd_zero = sample[1::2].count(0) > sample[0::2].count(0)
        codec = "utf-16-le" if odd_zero else "utf-16-be"
        log.info("%s: no byte-order mark but every other byte is 0; read as %s", label, codec)
        return _decode_utf16(raw, codec, label, kind)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = raw.count(b"\n", 0, exc.start) + 1
    multi = _UTF8_MULTI.search(raw)
    if multi is not None:
        good_line = raw.count(b"\n", 0, multi.start()) + 1
        raise InputError(
            f"{kind.noun} {named(label)} mixes two text encodings: line {good_line:,} is UTF-8 but line "
            f"{bad_line:,} is not (accents would come out garbled). Open it in a spreadsheet program and save it "
            "again as CSV UTF-8."
        )
    log.info("%s: not UTF-8 (line %d); read as Windows-1252", label, bad_line)
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _decode_utf16(raw: bytes, codec: str, label: str, kind: FileKind) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{kind.noun} {named(label)} looks like UTF-16 text but is damaged at byte {exc.start:,}. "
            "Save it as CSV UTF-8."
        ) from exc


def _separator(line: str) -> str:
    if "," not in line:
        if ";" in line:
            return ";"
        if "\t" in line:
            return "\t"
    return ","


def _read_csv(path: Path, label: str, kind: FileKind) -> tuple[list[str], list[list[str]], list[int]]:
    text = _decode(path.read_bytes(), label, kind)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(
            f"{kind.noun} {named(label)} is not a text table: line {line:,} holds a NUL byte (binary data). "
            "Save the table as CSV UTF-8."
        )
    first = _NOT_BLANK.search(text)
    if first is None:
        raise InputError(
            f"{kind.noun} {named(label)} is empty (no header, no rows). {_cap(kind.empty_fix)}; {kind.guide}."
        )
    start = text.rfind("\n", 0, first.start()) + 1
    skip = text.count("\n", 0, start)
    end = text.find("\n", start)
    sep = _separator(text[start : end if end >= 0 else len(text)])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    for _ in range(skip):  # the blank lines above the header
        next(reader, None)
    return _csv_records(reader, label, kind, skip=skip, sep=sep)


def _csv_records(
    reader: Iterator[list[str]], label: str, kind: FileKind, *, skip: int, sep: str
) -> tuple[list[str], list[list[str]], list[int]]:
    """Stream CSV records: count blank ones, check every row's width, stop past the row limit."""
    row = skip + 1
    try:
        header_cells = next(reader)
        if len(header_cells) > settings.UPLOAD_MAX_COLUMNS:
            raise _too_many_columns(label, kind, len(header_cells))
        header = _header_names(header_cells)
        width = len(header)
        body: list[list[str]] = []
        rows: list[int] = []
        wide: list[str] = []
        for record in reader:
            row += 1
            if not any(c.strip() for c in record):
                continue  # blank row: counted in the numbering, not kept
            if len(record) > width:
                if any(c.strip() for c in record[width:]):
                    wide.append(f"row {row:,} has {len(record)} values")
                record = record[:width]
            if len(body) >= settings.UPLOAD_MAX_ROWS:
                raise _too_many_rows(label, kind)
            body.append(record + [""] * (width - len(record)))
            rows.append(row)
    except csv.Error as exc:
        raise InputError(
            f"{kind.noun} {named(label)} could not be read as CSV near row {row:,}: {exc}. Save it again from the "
            "spreadsheet program as CSV UTF-8."
        ) from exc
    if wide:
        name = {",": "comma", ";": "semicolon", "\t": "tab"}[sep]
        raise InputError(
            f"{kind.noun} {named(label)}: {len(wide):,} row(s) have more values than the header has columns "
            f"({width}), so their values would land in the wrong columns. A value that contains a {name} must be "
            "in double quotes (spreadsheet programs do this when saving as CSV).",
            wide,
        )
    return header, body, rows


def _check_xlsx_zip(path: Path, label: str, kind: FileKind) -> None:
    head = _head(path, 8)
    if head.startswith(_OLE2_MAGIC):
        raise InputError(
            f"{kind.noun} {named(label)} is a password-protected workbook or an old Excel 97-2003 file, which "
            "cannot be read. Remove the password (File > Info > Protect Workbook) and save it as .xlsx, or save "
            "it as CSV UTF-8."
        )
    if not head.startswith(_ZIP_MAGIC):
        raise _refuse_content(label, kind, "an Excel .xlsx workbook", "Save it from the spreadsheet program as .xlsx.")
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(
            f"{kind.noun} {named(label)} is a damaged workbook ({type(exc).__name__}). Save it again as .xlsx."
        ) from exc
    if total > kind.max_mb * _XLSX_UNZIP_FACTOR * 1_000_000:
        raise InputError(
            f"{kind.noun} {named(label)} unzips to {total / 1_000_000:,.0f} MB of sheet data; "
            f"{kind.limit_text()} ({_XLSX_UNZIP_FACTOR}x that once unzipped). {kind.size_fix}"
        )


def _read_xlsx(path: Path, label: str, kind: FileKind) -> tuple[list[str], list[list[str]], list[int]]:
    import openpyxl

    _check_xlsx_zip(path, label, kind)
    # Opened as a stream: openpyxl refuses a file name without an Excel extension (a temporary
    # upload), and the file handle is closed however reading ends.
    with path.open("rb") as stream:
        try:
            book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
            try:
                header, body, rows, title, header_at, blank = _sheet_records(book, label, kind)
            finally:
                book.close()
            if not body and blank and _has_uncalculated_formulas(path, title, header_at):
                raise InputError(
                    f"{kind.noun} {named(label)}: its cells are formulas that were never calculated, so they have "
                    "no values. Open the workbook in a spreadsheet program and save it again, or save it as CSV "
                    "UTF-8."
                )
            return header, body, rows
        except InputError:
            raise
        except Exception as exc:  # zipfile, KeyError, XML parse errors and openpyxl's own types
            raise InputError(
                f"{kind.noun} {named(label)} could not be read as an Excel workbook: its content is damaged or "
                f"not standard ({type(exc).__name__}). Save it again from the spreadsheet program as .xlsx, or as "
                "CSV UTF-8."
            ) from exc


def _visible_sheets(book: Any) -> list[Any]:
    return [ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]


def _header_row(sheet: Any) -> tuple[int, list[str]] | None:
    """Return the first non-blank row of a sheet (1-based) and its cells up to the last non-blank one."""
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        texts = [cell_text(v).strip() for v in cells]
        if any(texts):
            last = max(i for i, t in enumerate(texts) if t)
            return number, texts[: last + 1]
        if number > settings.UPLOAD_MAX_ROWS:
            break
    return None


def _sheet_records(
    book: Any, label: str, kind: FileKind
) -> tuple[list[str], list[list[str]], list[int], str, int, bool]:
    """Header, rows and row numbers of the first visible sheet, its title, header row and whether rows were blank."""
    sheets = _visible_sheets(book)
    if not sheets:
        raise InputError(f"{kind.noun} {named(label)} has no visible sheet. Show the sheet with the table.")
    sheet = sheets[0]
    sheet.reset_dimensions()  # the sheet's own claim of its size is not trusted
    found = _header_row(sheet)
    if found is None:
        others = [ws.title for ws in sheets[1:] if _header_row(_reset(ws)) is not None]
        where = f" The table seems to be on sheet {shown(others[0])}: move it to the first sheet." if others else ""
        raise InputError(
            f"{kind.noun} {named(label)} is empty: its first sheet, {shown(sheet.title)}, has no cells.{where} "
            f"{_cap(kind.empty_fix)}; {kind.guide}."
        )
    header_at, header_cells = found
    if len(header_cells) > settings.UPLOAD_MAX_COLUMNS:
        raise _too_many_columns(label, kind, len(header_cells))
    header = _header_names(header_cells)
    width = len(header)
    body: list[list[str]] = []
    rows: list[int] = []
    number = header_at
    for number, cells in enumerate(
        sheet.iter_rows(min_row=header_at + 1, max_col=width, values_only=True), start=header_at + 1
    ):
        texts = [cell_text(v) for v in cells]
        if not any(t.strip() for t in texts):
            continue
        if len(body) >= settings.UPLOAD_MAX_ROWS:
            raise _too_many_rows(label, kind)
        body.append(texts + [""] * (width - len(texts)))
        rows.append(number)
    return header, body, rows, str(sheet.title), header_at, number > header_at


def _reset(sheet: Any) -> Any:
    sheet.reset_dimensions()
    return sheet


def _has_uncalculated_formulas(path: Path, title: str, header_at: int) -> bool:
    """Whether the sheet's rows below the header hold formulas (read again without cached values)."""
    import openpyxl

    with path.open("rb") as stream:
        raw = openpyxl.load_workbook(stream, read_only=True, data_only=False)
        try:
            sheet = _reset(raw[title])
            for i, cells in enumerate(sheet.iter_rows(min_row=header_at + 1, values_only=True)):
                if any(isinstance(v, str) and v.startswith("=") for v in cells):
                    return True
                if i > 1_000:
                    break
        finally:
            raw.close()
    return False


# --------------------------------------------------------------------------------------
# Vector layers


def _unsafe_member(member: str) -> bool:
    name = member.replace("\\", "/")
    return name.startswith("/") or bool(re.match(r"[A-Za-z]:", name)) or ".." in PurePosixPath(name).parts


def _zip_infos(path: Path, label: str, kind: FileKind) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(
            f"{kind.noun} {named(label)} is not a valid zip archive ({type(exc).__name__}). Zip the shapefile's "
            ".shp, .shx, .dbf and .prj files together."
        ) from exc
    unsafe = [i.filename for i in infos if _unsafe_member(i.filename)]
    if unsafe:
        raise InputError(
            f"{kind.noun} {named(label)} was refused: it contains file names that point outside the archive "
            f"({', '.join(shown(u) for u in unsafe[:5])}). Zip the shapefile's files again, at the top level of "
            "the archive."
        )
    total = sum(i.file_size for i in infos)
    if total > kind.max_mb * 1_000_000:
        raise InputError(
            f"{kind.noun} {named(label)} unzips to {total / 1_000_000:.1f} MB; {kind.limit_text()}. {kind.size_fix}"
        )
    return infos


def _zip_shapefile(path: Path, label: str, kind: FileKind) -> tuple[str, str | None]:
    """Check a zipped shapefile; return its ``/vsizip/`` path and the encoding of its ``.dbf``."""
    infos = _zip_infos(path, label, kind)
    members = {
        i.filename.lower(): i.filename
        for i in infos
        if not i.filename.startswith("__MACOSX/") and not PurePosixPath(i.filename).name.startswith("._")
    }
    shps = [name for low, name in members.items() if low.endswith(".shp")]
    if not shps:
        listed = ", ".join(shown(i.filename) for i in infos[:10]) or "nothing"
        raise InputError(
            f"{kind.noun} {named(label)} is a zip archive without a shapefile (it holds {listed}). A zipped "
            "shapefile needs the .shp, .shx, .dbf and .prj files of one layer."
        )
    if len(shps) > 1:
        raise InputError(
            f"{kind.noun} {named(label)} holds {len(shps)} shapefiles ({', '.join(shown(s) for s in shps[:5])}); "
            f"zip only {kind.layer}."
        )
    stem = shps[0][:-4]
    side = {ext: members.get(f"{stem}{ext}".lower()) for ext in (".shx", ".dbf", ".cpg")}
    _require_sides(label, kind, shps[0], side)
    with zipfile.ZipFile(path) as archive:
        for member in (shps[0], side[".shx"]):
            if archive.open(str(member)).read(4) != _SHAPE_MAGIC:
                raise _refuse_content(
                    label, kind, "a zipped shapefile", f"{shown(member)} is not a shapefile part; zip the real files."
                )
        dbf = archive.read(str(side[".dbf"])) if side[".cpg"] is None else None
    encoding = _dbf_encoding(dbf, label) if dbf is not None else None
    return f"/vsizip/{{{path.resolve()}}}/{shps[0]}", encoding


def _require_sides(label: str, kind: FileKind, shp: str, side: dict[str, str | None]) -> None:
    missing = [ext for ext in (".shx", ".dbf") if side[ext] is None]
    if missing:
        what = {".shx": "its index (.shx)", ".dbf": "its attribute table (.dbf)"}
        raise InputError(
            f"{kind.noun} {named(label)}: the shapefile {shown(shp)} lacks {' and '.join(what[m] for m in missing)}. "
            "A shapefile is several files with one name: give the .shp, .shx, .dbf and .prj files together "
            "(zipped, for an upload)."
        )


def _local_shapefile(path: Path, label: str, kind: FileKind) -> tuple[str, str | None]:
    """Check a ``.shp`` beside its side files; return its path and the encoding of its ``.dbf``."""
    siblings = {p.name.lower(): p for p in path.parent.iterdir()} if path.parent.is_dir() else {}
    stem = path.name[:-4].lower()
    side_paths = {ext: siblings.get(stem + ext) for ext in (".shx", ".dbf", ".cpg")}
    _require_sides(label, kind, path.name, {k: (v.name if v else None) for k, v in side_paths.items()})
    for part in (path, side_paths[".shx"]):
        if part is None or _head(part, 4) != _SHAPE_MAGIC:
            raise _refuse_content(label, kind, "a shapefile", "Give the .shp file written by a GIS.")
    dbf = side_paths[".dbf"]
    encoding = None
    if side_paths[".cpg"] is None and dbf is not None:
        if dbf.stat().st_size > kind.max_mb * 1_000_000:
            raise InputError(f"{kind.noun} {named(label)}: its .dbf is larger than {kind.limit_text()}.")
        encoding = _dbf_encoding(dbf.read_bytes(), label)
    return str(path), encoding


def _dbf_encoding(dbf: bytes, label: str) -> str | None:
    """Return the encoding to read a ``.dbf`` without ``.cpg`` with (None: GDAL's own choice)."""
    if len(dbf) > 29 and dbf[29] != 0:
        return None  # a language driver id: GDAL reads it
    body = dbf[32:]
    if max(body, default=0) < 0x80:
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        log.info("%s: .dbf without .cpg and not UTF-8; its text is read as Windows-1252", label)
        return "CP1252"
    log.info("%s: .dbf without .cpg; its text is UTF-8 and is read as such", label)
    return "UTF-8"


_CRS_MEMBER = re.compile(rb'"crs"\s*:\s*\{')
_GEOMETRY_OBJECT = re.compile(rb'"geometry"\s*:\s*\{')
_TEXT_COORDINATES = re.compile(rb'"coordinates"\s*:\s*\[[\s\[]*"')


def _geojson_check(path: Path, label: str, kind: FileKind) -> int:
    """Look over a GeoJSON file's bytes before GDAL reads it; return how many geometry objects it has.

    The file is scanned in place (memory-mapped), never parsed into Python objects, so the
    check costs no memory in proportion to the file. A ``crs`` member other than a named CRS
    (e.g. a ``link`` to a URL, which a reader could fetch) is refused.
    """
    head = _head(path, 64).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        raise _refuse_content(label, kind, "GeoJSON", "Export the layer from a GIS as GeoJSON.")
    with path.open("rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as raw:
        for match in _CRS_MEMBER.finditer(raw):
            _check_crs_member(bytes(raw[match.end() - 1 : match.end() + 2_000]), label, kind)
        return sum(1 for _ in _GEOMETRY_OBJECT.finditer(raw))


def _check_crs_member(text: bytes, label: str, kind: FileKind) -> None:
    """Refuse a GeoJSON ``crs`` object that is not a named CRS (``text`` starts at its ``{``)."""
    try:
        crs, _end = json.JSONDecoder().raw_decode(text.decode("utf-8", "replace"))
    except ValueError:
        crs = None
    if not (isinstance(crs, dict) and crs.get("type") == "name"):
        raise InputError(
            f"{kind.noun} {named(label)} was refused: its 'crs' member is not a named coordinate reference system. "
            "Export the layer as GeoJSON in WGS 84 (EPSG:4326), which needs no 'crs' member."
        )


def _text_coordinates(path: Path) -> bool:
    """Whether a GeoJSON file writes coordinates as text (``["-79.4", "43.7"]``), scanned in place."""
    with path.open("rb") as stream, mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as raw:
        return _TEXT_COORDINATES.search(raw) is not None


@dataclass(frozen=True)
class _Gpkg:
    copy: Path
    layer: str


def _gpkg_copy(path: Path, label: str, kind: FileKind, folder: Path) -> _Gpkg:
    """Copy a GeoPackage (with any ``-wal`` file) into ``folder`` and choose its one table to read."""
    if _head(path) != _SQLITE_MAGIC:
        raise _refuse_content(label, kind, "a GeoPackage", "Save the layer from a GIS as a GeoPackage (.gpkg).")
    wal = path.with_name(path.name + "-wal")
    size = path.stat().st_size + (wal.stat().st_size if wal.is_file() else 0)
    if size > kind.max_mb * 1_000_000:
        raise InputError(
            f"{kind.noun} {named(label)} is {size / 1_000_000:.1f} MB with its -wal file; {kind.limit_text()}."
        )
    copy = folder / "input.gpkg"
    shutil.copyfile(path, copy)
    if wal.is_file():
        shutil.copyfile(wal, folder / "input.gpkg-wal")
    return _Gpkg(copy=copy, layer=_gpkg_layer(copy, label, kind))


def _gpkg_schema(copy: Path, label: str, kind: FileKind) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    deadline = time.monotonic() + _GPKG_SCHEMA_SECONDS
    con = sqlite3.connect(str(copy))
    con.set_progress_handler(lambda: int(time.monotonic() > deadline), 1_000)
    try:
        rows = con.execute("SELECT name, type, sql FROM sqlite_master").fetchall()
        master = [(str(n), str(t), str(s or "")) for n, t, s in rows]
        contents = [(str(n), str(d)) for n, d in con.execute("SELECT table_name, data_type FROM gpkg_contents")]
    except sqlite3.Error as exc:
        raise InputError(
            f"{kind.noun} {named(label)} is not a readable GeoPackage ({type(exc).__name__}: {shown(exc)}). "
            "Save the layer from a GIS as a GeoPackage again."
        ) from exc
    finally:
        con.close()
    return master, contents


def _gpkg_layer(copy: Path, label: str, kind: FileKind) -> str:
    master, contents = _gpkg_schema(copy, label, kind)
    virtual = [n for n, t, sql in master if t == "table" and re.match(r"\s*create\s+virtual\s+table", sql, re.I)]
    unsafe = [n for n, _, sql in master if n in virtual and not re.search(r"\busing\s+(rtree)\b", sql, re.I)]
    if unsafe:
        raise InputError(
            f"{kind.noun} {named(label)} was refused: it holds virtual tables ({', '.join(shown(u) for u in unsafe)}) "
            "that could read other files. Save the layer alone into a new GeoPackage."
        )
    tables = {n for n, t, _ in master if t == "table" and n not in virtual}
    views = {n for n, t, _ in master if t == "view"}
    layers = [n for n, d in contents if d == "features" and n in tables]
    if not layers:
        layers = [n for n, d in contents if d == "attributes" and n in tables and n != "layer_styles"]
    if len(layers) == 1:
        return layers[0]
    if not layers:
        as_views = [n for n, _ in contents if n in views]
        why = (
            f"its layer {shown(as_views[0])} is a view; esr-geo reads only tables" if as_views else "it has no layers"
        )
        raise InputError(f"{kind.noun} {named(label)}: {why}. {_cap(kind.layer_fix)}, saved as a table.")
    names = ", ".join(shown(n) for n in layers[:10])
    raise InputError(
        f"{kind.noun} {named(label)} holds {len(layers)} layers ({names}); esr-geo reads one. Save {kind.layer} alone "
        "into a GeoPackage (QGIS: right-click the layer > Export > Save Features As)."
    )


def read_vector(path: PathLike, label: str | None = None, *, kind: FileKind) -> pd.DataFrame:
    """Read the one layer of a vector file, with its driver forced from the extension.

    GeoJSON (``.geojson``, ``.json``), GeoPackage (``.gpkg``: the one feature table, read
    from a private copy), a shapefile (``.shp`` beside its ``.shx`` and ``.dbf``) or a
    zipped shapefile (``.zip``, read in place: no member may point outside the archive, and
    the unzipped size is within the limit). The first bytes of each file must match its
    format. A ``.dbf`` without ``.cpg`` is read as UTF-8 when its text is UTF-8. At most
    ``settings.UPLOAD_MAX_ROWS`` features.

    Parameters
    ----------
    path : path-like
        The file.
    label : str, optional
        Display name of the file in messages (its extension decides the format when it is
        a known one); ``None`` uses the file name of ``path``.
    kind : FileKind, keyword-only
        The kind of file (message wording and size limit).

    Returns
    -------
    pandas.DataFrame
        A geopandas.GeoDataFrame in the file's own CRS (a plain DataFrame for a layer
        without geometry), attributes as read. The index, named ``row``, numbers the
        features as spreadsheet rows: feature 1 is row 2 (row 1 being the header of the
        attribute table).

    Raises
    ------
    InputError
        If the file is refused (see above), cannot be read, has no layer, several layers
        or no feature, too many features, or has geometries but no coordinate reference
        system, or one that cannot be converted to latitude and longitude.
    """
    path = Path(path)
    label = label or path.name
    check_file(path, label, kind=kind)
    suffix = _suffix(path, label)
    with_geometry = _geojson_check(path, label, kind) if suffix in (".geojson", ".json") else 0
    with tempfile.TemporaryDirectory(prefix="esr_geo_read_") as tmp:
        target, layer, encoding, what = _vector_target(path, label, kind, suffix=suffix, folder=Path(tmp))
        frame = _read_layer(target, label, kind, layer=layer, encoding=encoding, what=what)
    if len(frame) == 0:
        raise InputError(f"{kind.noun} {named(label)} has no features. {_cap(kind.layer_fix)}; {kind.guide}.")
    has_geometry = isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns
    if has_geometry and frame.geometry.notna().any():
        _check_crs(frame, label, kind, suffix=suffix)
    elif with_geometry and _text_coordinates(path):
        raise InputError(
            f"{kind.noun} {named(label)}: none of its {with_geometry:,} geometries could be read. GeoJSON "
            "coordinates must be numbers ([-79.38, 43.65]), not text; export the layer from a GIS again."
        )
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="row")
    return frame


def _vector_target(
    path: Path, label: str, kind: FileKind, *, suffix: str, folder: Path
) -> tuple[str, str | None, str | None, str]:
    """Check the file and return its GDAL path, layer, encoding and a description."""
    if suffix == ".zip":
        target, encoding = _zip_shapefile(path, label, kind)
        return target, None, encoding, "a zipped shapefile"
    if suffix == ".shp":
        target, encoding = _local_shapefile(path, label, kind)
        return target, None, encoding, "a shapefile"
    if suffix == ".gpkg":
        gpkg = _gpkg_copy(path, label, kind, folder)
        return f"GPKG:{gpkg.copy}", gpkg.layer, None, "a GeoPackage"
    if suffix in (".geojson", ".json"):
        return f"GeoJSON:{path}", None, None, "GeoJSON"
    raise InputError(f"{kind.noun} {named(label)} is not in a supported format. Accepted formats: {kind.formats}.")


def _read_layer(target: str, label: str, kind: FileKind, *, layer: str | None, encoding: str | None, what: str) -> Any:
    import pyogrio

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # GDAL notes on benign quirks of the file
            info = pyogrio.read_info(target, layer=layer, encoding=encoding)
            count = int(info.get("features", 0))
            if count > settings.UPLOAD_MAX_ROWS:
                raise _too_many_rows(label, kind)
            return pyogrio.read_dataframe(target, layer=layer, encoding=encoding)
    except InputError:
        raise
    except Exception as exc:  # pyogrio raises several unrelated types for broken files
        raise InputError(
            f"{kind.noun} {named(label)} could not be read as {what} ({type(exc).__name__}). Check that it opens in "
            f"a GIS (e.g. QGIS), or use one of these formats: {kind.formats}."
        ) from exc


def _check_crs(frame: gpd.GeoDataFrame, label: str, kind: FileKind, *, suffix: str) -> None:
    """Refuse a layer without a CRS, or with one that cannot be converted to WGS 84."""
    if frame.crs is None:
        fix = {
            ".zip": "include the .prj file in the zip",
            ".shp": "keep the .prj file beside the .shp file",
        }.get(suffix, "assign the layer's coordinate reference system in your GIS and save it again")
        raise InputError(
            f"{kind.noun} {named(label)} declares no coordinate reference system, so its {kind.shapes} cannot be "
            f"placed; {fix} (WGS 84, EPSG:4326, is the usual choice)."
        )
    bounds = frame.geometry.total_bounds
    try:
        transformer = pyproj.Transformer.from_crs(frame.crs, settings.DISPLAY_CRS, always_xy=True)
        x, y = transformer.transform(bounds[[0, 2]], bounds[[1, 3]], errcheck=True)
        ok = bool(np.isfinite(x).all() and np.isfinite(y).all())
    except Exception as exc:  # pyproj raises CRSError or ProjError
        log.info("%s: CRS %s cannot be transformed: %s", label, frame.crs, exc)
        ok = False
    if not ok:
        name = shown(getattr(frame.crs, "name", frame.crs))
        raise InputError(
            f"{kind.noun} {named(label)} declares a coordinate reference system ({name}) that cannot be converted "
            "to latitude and longitude. Reproject the layer in your GIS to WGS 84 (EPSG:4326) or NAD83 and save it "
            "again."
        )
