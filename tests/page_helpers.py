"""Helpers shared by the page's AppTest tests (``test_app.py``, ``test_app_drive.py``)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

#: The page's script.
APP = str(Path(__file__).resolve().parent.parent / "app.py")


def run_page(at: AppTest, *, timeout: float) -> AppTest:
    """Run the page's script (at most ``timeout`` seconds) and fail on any exception it raised."""
    at.run(timeout=timeout)
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    """Return the page's headline figures: label -> value as shown."""
    return {m.label: m.value for m in at.metric}
