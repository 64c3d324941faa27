"""The EST rollout timeline: phases, SSMs, dates and each catchment's status on a date."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

from esr_geo import settings
from esr_geo.errors import DataError, InputError

PathLike = str | os.PathLike[str]

ROLLOUT_FILE = "rollout.csv"
COLUMNS = [
    "catchment_id",
    "catchment_en",
    "catchment_fr",
    "phase",
    "ssm_en",
    "ssm_fr",
    "planning_start",
    "planning_end",
    "ies_start",
    "note",
]
PHASES: tuple[str, ...] = ("Prototype", "Phase 1", "Phase 2", "Phase 3")

#: Status codes in the order a catchment goes through them.
TBA = "to_be_announced"
NOT_STARTED = "not_started"
TRANSITION = "planning_and_transition"
IES = "integrated_services"
STATUSES: tuple[str, ...] = (TBA, NOT_STARTED, TRANSITION, IES)

STATUS_LABELS: dict[str, dict[str, str]] = {
    "en": {
        TBA: "to be announced",
        NOT_STARTED: "not started",
        TRANSITION: "planning and transition",
        IES: "integrated services",
    },
    "fr": {
        TBA: "à communiquer",
        NOT_STARTED: "non commencé",
        TRANSITION: "planification et transition",
        IES: "services intégrés",
    },
}
TBA_TEXT = {"en": "To be announced", "fr": "À communiquer"}
PHASE_LABELS = {
    "en": {p: p for p in PHASES},
    "fr": {"Prototype": "Prototype", "Phase 1": "Phase 1", "Phase 2": "Phase 2", "Phase 3": "Phase 3"},
}
#: The languages of every text esr-geo writes (the one home of this list; i18n re-exports it).
LANGS: tuple[str, ...] = ("en", "fr")


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise :class:`InputError`."""
    if lang not in LANGS:
        raise InputError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}.")
    return lang


def _parse_month(value: object, *, path: Path, row: int, column: str, problems: list[str]) -> pd.Timestamp | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return None
    text = str(value).strip()
    try:
        stamp = pd.Timestamp(dt.datetime.strptime(text, "%Y-%m"))
    except ValueError:
        problems.append(f"{path.name} row {row}: {column} {text!r} is not a month like 2023-10.")
        return None
    return stamp


def _read_table(path: Path) -> pd.DataFrame:
    """Read the rollout CSV as text, keeping each record's spreadsheet row number in the index."""
    from esr_geo.data import read_project_csv

    raw = read_project_csv(
        path,
        what="Rollout table",
        columns=COLUMNS,
        fix="save it again as CSV (UTF-8) or restore it from the repository",
        keep_blank_lines=True,
    )
    raw.index = pd.RangeIndex(2, len(raw) + 2)  # spreadsheet rows: the header is row 1
    # rows left empty (a blank line, or only commas) are not catchments
    return raw[(raw.map(lambda v: str(v).strip()) != "").any(axis=1)]


def _check_row(rec: dict[str, str], *, path: Path, row: int, problems: list[str]) -> dict[str, object]:
    """Check one record (problems are appended) and return it with the dates parsed."""
    if not rec["catchment_id"].strip():
        problems.append(f"{path.name} row {row}: catchment_id is empty.")
    if rec["phase"] not in PHASES:
        problems.append(f"{path.name} row {row}: phase {rec['phase']!r} is not one of {', '.join(PHASES)}.")
    dates = {
        c: _parse_month(rec[c], path=path, row=row, column=c, problems=problems)
        for c in ("planning_start", "planning_end", "ies_start")
    }
    ps, pe, ies = dates["planning_start"], dates["planning_end"], dates["ies_start"]
    if (ps is None) != (pe is None):
        problems.append(f"{path.name} row {row}: give both planning_start and planning_end, or neither.")
    if ps is not None and pe is not None and pe < ps:
        problems.append(f"{path.name} row {row}: planning_end {rec['planning_end']} is before planning_start.")
    if pe is not None and ies is not None and ies <= pe:
        problems.append(
            f"{path.name} row {row}: ies_start {rec['ies_start']} must come after planning_end {rec['planning_end']}."
        )
    return {
        **{c: rec[c].strip() for c in COLUMNS},
        **{k: (v if v is not None else pd.NaT) for k, v in dates.items()},
    }


def _check_ids(rows: list[int], ids: list[str], *, path: Path, definition: pd.DataFrame, problems: list[str]) -> bool:
    """Check that every catchment of the definition has exactly one row; return True if one is unknown or missing.

    ``ids`` are the stripped ``catchment_id`` values, on the spreadsheet ``rows`` given.
    """
    valid = list(definition["catchment_id"])
    first: dict[str, int] = {}
    wrong = False
    for row, cid in zip(rows, ids, strict=True):
        if not cid:
            continue  # reported by _check_row
        if cid not in valid:
            problems.append(f"{path.name} row {row}: catchment_id {cid!r} is not a catchment id (valid ids below).")
            wrong = True
        elif cid in first:
            problems.append(
                f"{path.name} row {row}: catchment_id {cid!r} appears more than once (also on row {first[cid]}); "
                "give each catchment exactly one row."
            )
        else:
            first[cid] = row
    names = dict(zip(definition["catchment_id"], definition["name_en"], strict=True))
    for cid in valid:
        if cid not in first:
            problems.append(f"{path.name}: no row for catchment {cid!r} ({names[cid]}); add one.")
            wrong = True
    return wrong


def load_rollout(path: PathLike | None = None, *, definition: pd.DataFrame | PathLike | None = None) -> pd.DataFrame:
    """Load and validate the rollout table.

    Parameters
    ----------
    path : path-like, optional
        The CSV; ``None`` uses ``data/rollout.csv`` in the repository.
    definition : pandas.DataFrame or path-like, optional, keyword-only
        The catchment definition the table must match (as from
        :func:`esr_geo.catchments.load_definition`, or the path of its CSV); ``None`` uses
        ``data/boundaries/catchments.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per catchment with the text columns of the CSV and ``planning_start``,
        ``planning_end`` (first day of the month; the period runs to the end of that month)
        and ``ies_start`` as ``Timestamp`` (``NaT`` when to be announced).

    Raises
    ------
    DataError
        Listing every problem at once, each with its spreadsheet row number (the header is
        row 1): malformed values, and any catchment id that is not in the definition, is
        missing or appears more than once.
    """
    from esr_geo.catchments import CATCHMENTS_FILE, load_definition

    path = Path(path) if path is not None else settings.PROJECT_DATA_DIR / ROLLOUT_FILE
    if isinstance(definition, pd.DataFrame):
        source = "the catchment definition"
    else:
        given = Path(definition) if definition is not None else settings.PROJECT_DATA_DIR / CATCHMENTS_FILE
        source = str(given)
        definition = load_definition(given)
    raw = _read_table(path)
    numbers = [int(i) for i in raw.index]
    problems: list[str] = []
    records = raw[COLUMNS].to_dict("records")
    rows = [
        _check_row({c: str(rec[c]) for c in COLUMNS}, path=path, row=row, problems=problems)
        for row, rec in zip(numbers, records, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    ids = [str(r["catchment_id"]) for r in rows]
    if _check_ids(numbers, ids, path=path, definition=definition, problems=problems):
        problems.append(f"Valid catchment ids (from {source}): {', '.join(definition['catchment_id'])}.")
    if problems:
        raise DataError(
            f"Rollout table {path} has {len(problems)} problem(s); fix the rows named:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    for c in ("planning_start", "planning_end", "ies_start"):
        frame[c] = pd.to_datetime(frame[c])
    return frame


def parse_date(on: dt.date | str | None) -> dt.date:
    """Return ``on`` as a date (``None``: today), or raise InputError naming the expected form."""
    if on is None:
        return dt.date.today()
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    try:
        return dt.date.fromisoformat(str(on))
    except ValueError as exc:
        raise InputError(f"date must be written YYYY-MM-DD (e.g. 2023-10-01); got {on!r}.") from exc


def status_code(planning_start: pd.Timestamp, ies_start: pd.Timestamp, on: dt.date) -> str:
    """Return the status code of one catchment on a date.

    Parameters
    ----------
    planning_start, ies_start : pandas.Timestamp
        First day of the planning period and of integrated services (``NaT`` if unknown).
    on : datetime.date
        The date asked about.

    Returns
    -------
    str
        One of :data:`STATUSES`: to be announced when no date is known; integrated services on
        or after the IES start; planning and transition on or after the planning start;
        otherwise not started.
    """
    stamp = pd.Timestamp(on)
    if pd.isna(planning_start) and pd.isna(ies_start):
        return TBA
    if not pd.isna(ies_start) and stamp >= ies_start:
        return IES
    if not pd.isna(planning_start) and stamp >= planning_start:
        return TRANSITION
    return NOT_STARTED


def statuses_on(rollout: pd.DataFrame, *, on: dt.date | str | None = None, lang: str = "en") -> pd.DataFrame:
    """Give every catchment's rollout status on a date, in English or French.

    Parameters
    ----------
    rollout : pandas.DataFrame
        As returned by :func:`load_rollout`.
    on : date or 'YYYY-MM-DD', keyword-only
        The date; ``None`` means today.
    lang : {'en', 'fr'}, keyword-only
        Language of the names and labels.

    Returns
    -------
    pandas.DataFrame
        ``catchment_id``, ``catchment``, ``phase``, ``ssm``, ``planning_period``,
        ``ies_start`` (text), ``status`` (code) and ``status_label``; one row per catchment in
        the table's order. The input is not modified.
    """
    check_lang(lang)
    day = parse_date(on)
    out = pd.DataFrame(
        {
            "catchment_id": rollout["catchment_id"],
            "catchment": rollout[f"catchment_{lang}"],
            "phase": rollout["phase"].map(PHASE_LABELS[lang]),
            "ssm": rollout[f"ssm_{lang}"].where(rollout[f"ssm_{lang}"] != "", TBA_TEXT[lang]),
            "planning_period": [
                format_period(ps, pe, lang=lang)
                for ps, pe in zip(rollout["planning_start"], rollout["planning_end"], strict=True)
            ],
            "ies_start": [format_month(v, lang=lang) for v in rollout["ies_start"]],
        }
    )
    out["status"] = [
        status_code(ps, ies, day) for ps, ies in zip(rollout["planning_start"], rollout["ies_start"], strict=True)
    ]
    out["status_label"] = out["status"].map(STATUS_LABELS[lang])
    return out.reset_index(drop=True)


def status_codes(rollout: pd.DataFrame, *, on: dt.date | str | None = None) -> pd.Series:
    """Return each catchment's status code on a date, indexed by ``catchment_id``."""
    codes = [
        status_code(ps, ies, parse_date(on))
        for ps, ies in zip(rollout["planning_start"], rollout["ies_start"], strict=True)
    ]
    return pd.Series(codes, index=rollout["catchment_id"].to_numpy(), name="status")


_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
}


def format_month(value: pd.Timestamp, *, lang: str = "en") -> str:
    """Format a month as 'Oct 2023' / 'oct. 2023', or 'To be announced' when missing."""
    if pd.isna(value):
        return TBA_TEXT[lang]
    return f"{_MONTHS[lang][value.month - 1]} {value.year}"


def format_period(start: pd.Timestamp, end: pd.Timestamp, *, lang: str = "en") -> str:
    """Format a planning and transition period as 'Sep 2022 – Sep 2023'."""
    if pd.isna(start) or pd.isna(end):
        return TBA_TEXT[lang]
    return f"{format_month(start, lang=lang)} – {format_month(end, lang=lang)}"
