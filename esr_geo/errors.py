"""Exception classes raised by esr-geo for bad data and bad user input."""

from __future__ import annotations

from collections.abc import Iterable


class EsrGeoError(ValueError):
    """Base class of every error esr-geo raises on purpose.

    The message is written for a planner: it names the file or parameter, what was
    expected and how to fix it. The command line and the app show it without a traceback.
    """


class DataError(EsrGeoError):
    """The data bundle, or a project data file, is missing or not what was expected."""


class InputError(EsrGeoError):
    """A user-supplied file or parameter is invalid.

    Parameters
    ----------
    message : str
        One-paragraph explanation.
    problems : iterable of str, optional
        Every individual problem found, so that all of them can be shown at once.
    """

    def __init__(self, message: str, problems: Iterable[str] | None = None) -> None:
        self.problems = list(problems or [])
        full = message
        if self.problems:
            full = message + "\n" + "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(full)
        self.summary = message
