"""Exception classes raised by esr-geo for bad data and bad user input, and safe quoting.

Messages are bounded: an error lists at most :data:`MAX_LISTED` problems (the full list
stays on :attr:`InputError.problems`), and any value taken from a user's file is quoted
with :func:`shown`, which removes control characters and cuts long text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

#: Problems spelled out in an error's message; the rest are counted ("and 2,990 more").
MAX_LISTED = 20
#: Characters of a value from a user's file quoted in a message (longer text is cut).
MAX_SHOWN_CHARS = 60

#: Where a message sends the planner to learn a file's format, by code: a phrase each edge (the
#: command line, the page) says in its own terms (:func:`reword_guides`); the library names no path.
GUIDES: dict[str, str] = {
    "sites": "start from the site-file template",
    "zones": "see the zones file format",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    r"""Return ``text`` with every control character (except newline) as a visible escape.

    Parameters
    ----------
    text : str
        Any text, e.g. a message naming a file whose name holds an ANSI escape.

    Returns
    -------
    str
        The same text with ``'\\x1b'`` in place of ESC, ``'\\x00'`` for NUL, etc.
    """
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def shown(value: object, *, limit: int = MAX_SHOWN_CHARS) -> str:
    """Quote a value from a user's file for a message: printable, at most ``limit`` characters.

    Parameters
    ----------
    value : object
        A cell, header or name as read.
    limit : int, keyword-only
        Most characters kept; longer text is cut and its length given.

    Returns
    -------
    str
        ``'Kenora'`` quoted, or ``'aaaa…' (20,000 characters)`` for long text.
    """
    text = printable(str(value))
    if len(text) <= limit:
        return f"'{text}'"
    return f"'{text[:limit]}'… ({len(text):,} characters)"


def named(label: object, *, limit: int = 120) -> str:
    r"""Return a file name for a message: printable, unquoted, at most ``limit`` characters.

    Parameters
    ----------
    label : object
        A file's display name (an upload's original name, or a path).
    limit : int, keyword-only
        Most characters kept; a longer name is cut with an ellipsis.

    Returns
    -------
    str
        ``sites.csv``, or ``sites\x1b[31m.csv`` for a name holding an escape character.
    """
    text = printable(str(label))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class EsrGeoError(ValueError):
    """Base class of every error esr-geo raises on purpose.

    The message is written for a planner: it names the file or parameter, what was
    expected and how to fix it. The command line and the app show it without a traceback.
    ``parameter`` names the library parameter at fault, if any (see :class:`InputError`).
    """

    parameter: str | None = None


class DataError(EsrGeoError):
    """The data bundle, or a project data file, is missing or not what was expected.

    Parameters
    ----------
    message : str
        What is wrong, naming the file and how to restore it.
    parameter : str, keyword-only, optional
        The library parameter that chose the file (e.g. ``'data_dir'``).
    """

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class InputError(EsrGeoError):
    """A user-supplied file or parameter is invalid.

    Parameters
    ----------
    message : str
        One-paragraph explanation.
    problems : iterable of str, optional
        Every individual problem found, so that all of them can be shown at once. The
        message lists the first :data:`MAX_LISTED` and counts the others; all are kept
        in :attr:`problems`.
    parameter : str, keyword-only, optional
        The library parameter at fault (e.g. ``'threshold_km_by_class'``, ``'crs'``,
        ``'skip_invalid'`` for "go ahead without the invalid rows"). The message names it in
        plain words only; the command line and the app each add how their users set it.
    """

    def __init__(self, message: str, problems: Iterable[str] | None = None, *, parameter: str | None = None) -> None:
        self.parameter = parameter
        self.problems = list(problems or [])
        full = message
        if self.problems:
            listed = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
            if len(self.problems) > MAX_LISTED:
                listed.append(f"  - and {len(self.problems) - MAX_LISTED:,} more")
            full = message + "\n" + "\n".join(listed)
        super().__init__(full)
        self.summary = message


def reword_guides(message: str, words: Mapping[str, str]) -> str:
    """Return ``message`` with each guide phrase (:data:`GUIDES`) replaced by the caller's words for it.

    Parameters
    ----------
    message : str
        A library message.
    words : mapping of str to str
        The caller's words for each guide code (``'sites'``, ``'zones'``); a code not given is left as it is.
    """
    for code, phrase in GUIDES.items():
        if code in words:
            message = message.replace(phrase, words[code])
    return message
