"""Every word the planner's map shows, in English and French: one table, one lookup (``t``).

The app, the map, its legend, the catchment card and every table header take their text from
:data:`TEXT` through :func:`t`; nothing on the page is written in only one language. Status
labels are the rollout module's own (so the map, the command line and the report agree).
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from esr_geo import words_page
from esr_geo.rollout import LANGS, check_lang

if TYPE_CHECKING:
    from esr_geo.analysis import Analysis

# ``LANGS`` and ``check_lang`` live in :mod:`esr_geo.rollout` (their one home); callers may use
# them from here too (``i18n.LANGS``).

LANG_NAMES: dict[str, str] = {"en": "English", "fr": "français"}

_T = dict[str, str]

#: The translation table: key -> {"en": ..., "fr": ...}, the page's words (:mod:`esr_geo.words_page`)
#: and the reports', exports', workspace's and comparisons' (:mod:`esr_geo.words`).
TEXT: dict[str, _T] = words_page.TEXT
#: Table column headers (``col.<name>``), shared by every table the app shows.
COLUMNS: dict[str, _T] = words_page.COLUMNS


def t(key: str, lang: str, **fields: object) -> str:
    """Return the text of ``key`` in ``lang``, with ``{name}`` fields filled from ``fields``.

    Parameters
    ----------
    key : str
        A key of :data:`TEXT` (e.g. ``'metric.within'``).
    lang : {'en', 'fr'}
        The language.
    **fields
        Values for the ``{name}`` placeholders of the text.

    Returns
    -------
    str
        The translated text.

    Raises
    ------
    KeyError
        When ``key`` is not in the table (a programming error: every label must be there).
    """
    entry = TEXT[key]
    text = entry[check_lang(lang)]
    if not fields:
        return text
    return _Plurals(lang).format(text, **fields) if "|" in text else text.format(**fields)


def _number(value: object, lang: str) -> float | None:
    """Return the number a field's value stands for (a formatted count such as ``'1 234'``), or None."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    text = re.sub(r"[\s\u202f\u00a0]", "", str(value))
    text = text.replace(",", ".") if lang == "fr" else text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def is_singular(value: object, lang: str) -> bool:
    """Whether a count takes the singular: 1 in English; 0 and 1 (any number under 2) in French.

    Parameters
    ----------
    value : number or str
        The count, or the text it is shown as (``fmt_int``'s ``'1'``, ``'1 234'``).
    lang : {'en', 'fr'}
        The language.
    """
    number = _number(value, lang)
    if number is None:
        return False
    return abs(number) < 2 if lang == "fr" else number == 1


class _Plurals(string.Formatter):
    """``str.format`` with plurals: ``{n:site|sites}`` is ``site`` when ``n`` takes the singular, else ``sites``."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, _, other = format_spec.partition("|")
            return one if is_singular(value, self.lang) else other
        return str(super().format_field(value, format_spec))


def has(key: str) -> bool:
    """Return whether ``key`` is in the translation table."""
    return key in TEXT


def status_label(code: str, lang: str) -> str:
    """Return the label of a rollout status code (see :data:`esr_geo.rollout.STATUSES`)."""
    return t(f"status.{code}", lang)


def site_type_label(site_type: object, lang: str) -> str:
    """Return a site type in ``lang``: known types are translated, others are shown as written."""
    text = "" if site_type is None or (isinstance(site_type, float) and math.isnan(site_type)) else str(site_type)
    key = f"site_type.{text}"
    if has(key):
        return t(key, lang)
    return text or t("site_type.other", lang)


def precision_label(value: object, lang: str) -> str:
    """Return a location-precision code in ``lang`` (unknown codes are shown as written)."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    key = f"precision.{text}"
    if has(key):
        return t(key, lang)
    return text or t("popup.unknown", lang)


def ssm_name(ssm_en: object, ssm_fr: object, lang: str) -> str:
    """Return an SSM's name in ``lang`` (the rollout table's), or "To be announced" when it has none."""
    name = {"en": ssm_en, "fr": ssm_fr}[check_lang(lang)]
    return str(name) if isinstance(name, str) and name.strip() else t("tba", lang)


def column_label(column: str, lang: str) -> str:
    """Return the header of a table column in ``lang`` (the column name itself if unknown)."""
    key = f"col.{column}"
    return t(key, lang) if has(key) else column


def translate_columns(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return a copy of ``frame`` with every column header in ``lang``."""
    return frame.rename(columns={c: column_label(str(c), lang) for c in frame.columns})


def fmt_int(value: float, lang: str) -> str:
    """Format a count: ``12,345`` in English, ``12 345`` in French (narrow no-break space)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{round(value):,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def fmt_num(value: float, lang: str, digits: int = 1) -> str:
    """Format a decimal number with ``digits`` decimals in the language's style."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def fmt_km(value: float, lang: str) -> str:
    """Format a distance in km: at most 2 decimals, none useless (``50``, ``37.5``/``37,5``, ``1,250``/``1 250``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def fmt_limit(value: float, measure: str, lang: str) -> str:
    """Format a threshold with its unit: ``50 km`` (measure ``km``, straight line) or ``45 min`` (``min``, by road)."""
    return f"{fmt_km(value, lang)} {measure}"


def fmt_pct(value: float, lang: str, digits: int = 1, *, whole: bool | None = None) -> str:
    """Format a percentage (0-100): ``93.5%`` in English, ``93,5 %`` in French.

    A share is never rounded up to 100 % or down to 0 % it has not reached: 99.996 (someone is
    still beyond) is ``99.9%``, 0.004 (someone is within) ``0.1%``; the one home of that rule.
    ``whole`` says whether the share is complete (nobody left out), for a value already
    rounded (``None``: judged from the value, below 100 or not).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    step = 10.0**-digits
    short = value < 100.0 if whole is None else not whole
    if short and value >= 100.0 - step / 2:
        value = 100.0 - step
    elif 0.0 < value < step / 2:
        value = step
    number = fmt_num(value, lang, digits)
    return f"{number}\u00a0%" if lang == "fr" else f"{number}%"


_MONTHS_LONG = {
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
    "fr": [
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ],
}  # fmt: skip


def fmt_date(day: object, lang: str) -> str:
    """Format a date in words: ``1 October 2023`` / ``1er octobre 2023``."""
    stamp = pd.Timestamp(day)  # type: ignore[arg-type]
    month = _MONTHS_LONG[check_lang(lang)][stamp.month - 1]
    if lang == "fr":
        first = "1er" if stamp.day == 1 else str(stamp.day)
        return f"{first} {month} {stamp.year}"
    return f"{stamp.day} {month} {stamp.year}"


def yes_no(value: object, lang: str) -> str:
    """Return ``yes``/``no`` (``oui``/``non``) for a truthy value."""
    return t("yes" if bool(value) else "no", lang)


#: What comes between a label and its value: French puts a space before the colon.
COLON: dict[str, str] = {"en": ": ", "fr": " : "}


def label_value(label: object, value: object, lang: str) -> str:
    """Return ``'Label: value'`` in English, ``'Libellé : valeur'`` in French."""
    return f"{label}{COLON[check_lang(lang)]}{value}"


def is_empty(value: object) -> bool:
    """Whether a cell is empty (None, NaN, NA): shown as nothing, never as 'None' or 'nan'."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


#: Columns whose values are codes (or the data's English) with words in :data:`TEXT` (``<prefix>.<value>``).
VALUE_KEYS: dict[str, str] = {"remoteness_class": "remoteness", "sac_type": "sac", "kind": "kind", "change": "change"}


def value_label(column: str, value: object, lang: str) -> str:
    """Return one cell of a table in ``lang``: a code of :data:`VALUE_KEYS` in words, an empty cell as ''."""
    if is_empty(value):
        return ""
    key = f"{VALUE_KEYS.get(column, column)}.{value}"
    return t(key, lang) if column in VALUE_KEYS and has(key) else str(value)


def value_words(frame: pd.DataFrame, *, lang: str, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return a copy of a table with its coded values in ``lang`` (remoteness, SAC, kinds) and English names mapped.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table of the analysis (not modified).
    lang : {'en', 'fr'}, keyword-only
        The language.
    names : mapping, keyword-only
        English names to their ``lang`` names, for the ``catchment`` and ``ssm`` columns (catchment and
        SSM names of the rollout table); other values are kept.
    """
    out = frame.copy()
    for col in out.columns:
        if col in VALUE_KEYS and not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(lambda v, c=col: value_label(c, v, lang))
        elif col in ("catchment", "ssm") and names:
            out[col] = out[col].map(lambda v: names.get(v, v) if isinstance(v, str) else v)
    return out


#: How each number of a scenario note is shown (the values of ``esr_geo.scenario_codes.ScenarioNote``).
_NOTE_NUMBERS: dict[str, int | None] = {
    "people_beyond": None, "groups": None, "candidates": None, "pairs": None, "sites_needed": None,
    "sites_left": None, "k": None, "chosen": None, "best_pct": 1, "required_pct": 0, "guarantee_pct": 0,
}  # fmt: skip


def scenario_note(
    code: str, values: Mapping[str, object], lang: str, *, catchments: Mapping[str, str] | None = None
) -> str:
    """Word a scenario note (a code of ``esr_geo.scenario_codes.NOTE_TEMPLATES`` and its values) in ``lang``.

    Parameters
    ----------
    code : str
        The note's code, e.g. ``'fewer_sites'``.
    values : mapping
        Its values: counts (people, sites, groups) and shares (percent, 0-100); a suggestion's
        scope as ``catchment_id`` or ``zone`` (neither: all of Ontario).
    lang : {'en', 'fr'}
        The language.
    catchments : mapping, keyword-only
        Catchment id -> name in ``lang``, for a scope that is a catchment.
    """
    fields: dict[str, object] = {}
    for key, value in values.items():
        if key in _NOTE_NUMBERS and not is_empty(value):
            digits = _NOTE_NUMBERS[key]
            number = float(value)  # type: ignore[arg-type]
            fields[key] = fmt_int(number, lang) if digits is None else fmt_pct(number, lang, digits)
        else:
            fields[key] = value
    if "scope" in values:
        cid, zone = values.get("catchment_id"), values.get("zone")
        if cid:
            fields["scope"] = t("note.scope_catchment", lang, name=(catchments or {}).get(str(cid), cid))
        elif zone:
            fields["scope"] = t("note.scope_zone", lang, name=zone)
        else:
            fields["scope"] = t("note.scope_ontario", lang)
    return t(f"note.{code}", lang, **fields)


@dataclass(frozen=True)
class Note:
    """A note or a problem as a code and the values worded in it: words are made by :func:`note_text`.

    Attributes
    ----------
    code : str
        A key of :data:`TEXT` (e.g. ``'input.dropped'``, ``'site.no_name'``).
    values : mapping
        The fields of its text: numbers (counts; distances in km, see :data:`NOTE_FORMATS`),
        names, a name in both languages (``{'en': ..., 'fr': ...}``), or other notes (one, or a
        list, worded and joined).
    """

    code: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """Return the note in ``lang`` (see :func:`note_text`)."""
        return note_text(self, lang)

    def __str__(self) -> str:
        return self.text("en")


#: How a number of a :class:`Note` is written, by field name: ``'km1'`` one decimal (km),
#: ``'distance'`` km with one decimal or m under 0.1 km, ``'count'`` a whole number with thousands
#: separators, ``'plain'`` a whole number without (a spreadsheet row); a field named
#: ``lat``/``lon`` (or starting so) is a coordinate in degrees (up to 6 decimals). Other whole
#: numbers are counts, other decimals at most 2 decimals (:func:`fmt_km`).
NOTE_FORMATS: dict[str, str] = {
    "km": "km1", "distance": "distance", "people": "count", "reached": "count", "row": "plain", "first_row": "plain",
}  # fmt: skip
#: How a list of notes in a field is joined (default ``'; '``).
NOTE_JOINERS: dict[str, str] = {"problems": " | "}


def _coordinate(value: float, lang: str) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def _note_number(name: str, value: float, lang: str) -> str:
    how = NOTE_FORMATS.get(name)
    if how == "plain":
        return str(round(value))
    if how == "km1":
        return fmt_num(value, lang, 1)
    if how == "distance":
        return f"{fmt_num(value, lang, 1)} km" if value >= 0.1 else f"{fmt_int(value * 1000, lang)} m"
    if how == "count" or (float(value).is_integer() and not name.startswith(("lat", "lon"))):
        return fmt_int(value, lang)
    if name.startswith(("lat", "lon")):
        return _coordinate(value, lang)
    return fmt_km(value, lang)


def _note_field(name: str, value: object, lang: str) -> object:
    """Return one field of a note as written in ``lang``."""
    if isinstance(value, Note):
        return note_text(value, lang)
    if isinstance(value, Mapping):
        return value.get(check_lang(lang), value.get("en", ""))
    if isinstance(value, Sequence) and not isinstance(value, str):
        return NOTE_JOINERS.get(name, "; ").join(str(_note_field(name, v, lang)) for v in value)
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return value
    return _note_number(name, float(value), lang)


def note_text(note: Note, lang: str) -> str:
    """Word a :class:`Note` in ``lang``: its numbers in the language's style, its inner notes worded too.

    Parameters
    ----------
    note : Note
        The code (a key of :data:`TEXT`) and its values.
    lang : {'en', 'fr'}
        The language.

    Returns
    -------
    str
        The text; the English is the one the command line and the reports have always printed.
    """
    fields = {name: _note_field(name, value, lang) for name, value in note.values.items()}
    return t(note.code, lang, **fields)


def notes_text(notes: Sequence[object], lang: str) -> list[str]:
    """Word a list of notes in ``lang`` (a :class:`Note`, or a plain text kept as it is)."""
    return [note_text(n, lang) if isinstance(n, Note) else str(n) for n in notes]


def problem_words(problems: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """Return a site file's problem table with its ``problem`` and ``fix`` in ``lang``, without their notes.

    Parameters
    ----------
    problems : pandas.DataFrame
        ``esr_geo.offices.SiteLoad.problems`` (not modified): the English ``problem`` and ``fix``
        beside their notes (``problem_note``, ``fix_note``).
    lang : {'en', 'fr'}, keyword-only
        The language.
    """
    out = problems.copy()
    for col in ("problem", "fix"):
        if f"{col}_note" in out.columns:
            out[col] = [note_text(n, lang) if isinstance(n, Note) else n for n in out[f"{col}_note"]]
    return out.drop(columns=[c for c in ("problem_note", "fix_note") if c in out.columns])


def source_label(source: object, lang: str, *, added: int = 0, closed: int = 0) -> str:
    """Return where an analysis' sites came from in ``lang``: the demonstration layer's label, or a file name.

    ``added`` and ``closed`` (numbers of sites, :attr:`esr_geo.analysis.Analysis.sites_added` and
    ``sites_closed``) say what a scenario changed: "…, with 2 added sites, without 1 closed site".
    """
    text = str(source)
    label = t("input.demo_label", lang) if text == t("input.demo_label", "en") else text
    if added:
        label = t("source.added", lang, source=label, n=fmt_int(added, lang))
    if closed:
        label = t("source.closed", lang, source=label, n=fmt_int(closed, lang))
    return label


def zones_label(source: object, lang: str) -> str:
    """Return where an analysis' zones came from in ``lang``: the default zones' label, or a file name."""
    text = str(source)
    return t("input.default_zones_label", lang) if text == t("input.default_zones_label", "en") else text


def sites_label(analysis: Analysis, lang: str) -> str:
    """Return where an analysis' sites came from, with what a scenario added or closed, in ``lang``."""
    return source_label(analysis.sites_source, lang, added=analysis.sites_added, closed=analysis.sites_closed)


def english_names(rollout: pd.DataFrame, lang: str) -> dict[str, str]:
    """Return the English names of catchments and SSMs -> their names in ``lang`` (the rollout table's).

    An SSM not yet named ("To be announced") maps to :data:`TEXT` ``tba`` in ``lang``; the
    mapping is empty in English.
    """
    if check_lang(lang) == "en":
        return {}
    names = dict(zip(rollout["catchment_en"].astype(str), rollout[f"catchment_{lang}"].astype(str), strict=True))
    for en, other in zip(rollout["ssm_en"], rollout[f"ssm_{lang}"], strict=True):
        if isinstance(en, str) and en.strip():
            names[en] = ssm_name(en, other, lang)
    names[t("tba", "en")] = t("tba", lang)
    return names


def zone_reason(
    *,
    in_person_sites: int,
    pct_within: float,
    beyond: float,
    min_sites: int,
    min_share: float,
    lang: str,
    shortfalls: tuple[bool, bool] | None = None,
) -> str:
    """Explain in ``lang`` why a zone fails (empty text when it passes).

    Parameters
    ----------
    in_person_sites : int, keyword-only
        In-person sites inside the zone.
    pct_within : float, keyword-only
        Share (0-100) of the zone's non-reserve residents within the threshold.
    beyond : float, keyword-only
        Non-reserve residents beyond the threshold (persons).
    min_sites, min_share : keyword-only
        The pass criteria (``min_share`` as 0-1).
    lang : {'en', 'fr'}, keyword-only
        The language.
    shortfalls : (bool, bool), keyword-only, optional
        The zone's reason codes (``short_of_sites``, ``short_of_share``) as the engine decided
        them; ``None`` applies :func:`esr_geo.zones.zone_shortfalls` to the figures given.

    Returns
    -------
    str
        The reasons joined by ``'; '``.
    """
    if shortfalls is None:
        from esr_geo.zones import zone_shortfalls

        sites_arr, share_arr = zone_shortfalls(
            np.array([in_person_sites]), np.array([pct_within]), min_sites=min_sites, min_share=min_share
        )
        shortfalls = (bool(sites_arr[0]), bool(share_arr[0]))
    short_sites, short_share = shortfalls
    why = []
    if short_sites:
        why.append(t("zone.reason_sites", lang, n=in_person_sites, need=min_sites))
    if short_share:
        why.append(
            t(
                "zone.reason_share",
                lang,
                pct=fmt_pct(pct_within, lang),
                n=fmt_int(beyond, lang),
                need=fmt_pct(100 * min_share, lang, 0),
            )
        )
    return "; ".join(why)


def zone_reasons(frame: pd.DataFrame, *, min_sites: int, min_share: float, lang: str) -> list[str]:
    """Word the reason of every zone of a coverage table (empty text for a zone that passes).

    Parameters
    ----------
    frame : pandas.DataFrame
        Zones with ``in_person_sites``, ``pct_within_threshold`` (0-100),
        ``non_reserve_population`` and ``pop_within_threshold`` (persons), as
        :func:`esr_geo.zones.evaluate_zones` gives them.
    min_sites, min_share : keyword-only
        The pass criteria (``min_share`` as 0-1).
    lang : {'en', 'fr'}, keyword-only
        The language.

    Returns
    -------
    list of str
        One text per row, in order.
    """
    beyond = frame["non_reserve_population"] - frame["pop_within_threshold"]
    rows = zip(
        frame["in_person_sites"], frame["pct_within_threshold"], beyond, frame["short_of_sites"],
        frame["short_of_share"], strict=True,
    )  # fmt: skip
    return [
        zone_reason(
            in_person_sites=int(n), pct_within=float(p), beyond=float(b), min_sites=min_sites, min_share=min_share,
            lang=lang, shortfalls=(bool(s1), bool(s2)),
        )
        for n, p, b, s1, s2 in rows
    ]  # fmt: skip


def fls_reasons(frame: pd.DataFrame, *, lang: str) -> list[str]:
    """Word why each area of a French Language Services table (:func:`esr_geo.french.area_table`) fails.

    Returns one text per row ('' when the area passes): from ``fls_status``, the reason codes
    ``short_of_fr_sites``/``short_of_fr_share``, ``fr_sites``, ``pct_within_fr`` (0-100),
    ``pop_beyond_fr`` (persons) and the rule's ``min_fr_sites`` and ``min_fr_share`` (0-1).
    """
    out = []
    for rec in frame.to_dict("records"):
        why = [t("fls.reason_unknown", lang)] if rec["fls_status"] == "unknown" else []
        if rec["short_of_fr_sites"]:
            why.append(t("fls.reason_sites", lang, n=int(rec["fr_sites"]), need=int(rec["min_fr_sites"])))
        if rec["short_of_fr_share"]:
            pct, need = fmt_pct(float(rec["pct_within_fr"]), lang), fmt_pct(100 * float(rec["min_fr_share"]), lang, 0)
            why.append(t("fls.reason_share", lang, pct=pct, n=fmt_int(float(rec["pop_beyond_fr"]), lang), need=need))
        out.append("; ".join(why))
    return out


def in_words(frame: pd.DataFrame, *, min_sites: int, min_share: float, lang: str) -> pd.DataFrame:
    """Return a coded engine table with its codes in words, as reports and exports write it.

    The engine's tables carry codes; this is where they become words. ``short_of_sites`` and
    ``short_of_share`` become one ``reason`` column (in their place); a ``status`` code gets
    a ``status_label`` beside it in a GIS layer (which keeps the code), or becomes the label
    in a table without one (``coverage_by_catchment``); a community ``kind`` code becomes
    its label. Other columns are unchanged; the input is not modified.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table or layer of :func:`esr_geo.analysis.build_tables` or
        :func:`esr_geo.analysis.gis_layers`.
    min_sites, min_share : keyword-only
        The zone pass criteria of the analysis (``min_share`` as 0-1).
    lang : {'en', 'fr'}, keyword-only
        The language.

    Returns
    -------
    pandas.DataFrame
        A copy with words in place of the codes.
    """
    out = frame.copy()
    if "short_of_sites" in out.columns:
        at = list(out.columns).index("short_of_sites")
        reasons = zone_reasons(out, min_sites=min_sites, min_share=min_share, lang=lang)
        out = out.drop(columns=["short_of_sites", "short_of_share"])
        out.insert(at, "reason", reasons)
    if "short_of_fr_sites" in out.columns:  # a French Language Services table (esr_geo.french)
        at = list(out.columns).index("short_of_fr_sites")
        reasons = fls_reasons(out, lang=lang)
        out = out.drop(columns=["short_of_fr_sites", "short_of_fr_share"])
        out.insert(at, "reason", reasons)
    if "fls_status" in out.columns:
        labels = out["fls_status"].map(lambda c: t(f"fls.{c}", lang))
        out.insert(list(out.columns).index("fls_status") + 1, "fls_label", labels)
    if "kind" in out.columns:
        out["kind"] = out["kind"].map(lambda v: t(f"kind.{v}", lang) if has(f"kind.{v}") else v)
    for col in ("road_access", "road_access_after"):
        if col in out.columns:
            out[col] = out[col].map(lambda v: t(f"road_access.{int(v)}", lang))
    return out


def status_words(frame: pd.DataFrame, *, lang: str, keep_code: bool) -> pd.DataFrame:
    """Return ``frame`` with its ``status`` code in words: beside it (``keep_code``) or in its place."""
    out = frame.copy()
    labels = out["status"].map(lambda c: status_label(str(c), lang))
    if keep_code:
        out["status_label"] = labels
    else:
        out["status"] = labels
    return out


def missing_keys(keys: Mapping[str, object] | None = None) -> list[str]:
    """Return the keys of :data:`TEXT` (or of ``keys``) that lack a language (for the tests)."""
    table = TEXT if keys is None else keys
    out = []
    for key, entry in table.items():
        if not isinstance(entry, dict) or any(not isinstance(entry.get(lang), str) for lang in LANGS):
            out.append(key)
    return out
