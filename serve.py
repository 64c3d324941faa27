"""Serve the planner's page with the data loaded before the first visitor: ``streamlit run serve.py``.

``app.py`` is the page. This file wraps it in Streamlit's ``st.App`` so that the server, while
it starts, imports the map libraries, loads the geography and the default analysis
(:func:`esr_geo.startup.preload`) and draws the map once. The server takes connections at once but
answers (its health check, a planner's first page) only after that, so the first planner gets
the page as quickly as every later one; a browser opened earlier waits. Then, in the background and
once the first page has been drawn (so as not to slow it), it gets the default drive-time view
ready (:func:`esr_geo.startup.preload_drive`). ``streamlit run app.py``
still works; its first visitor pays for the loading instead. If the data or a library cannot be
loaded, the server still starts, and the page explains the problem.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

from esr_geo.errors import EsrGeoError

_LOG = logging.getLogger("esr_geo.serve")


def _preload() -> None:
    """Load what the page needs; log (not raise) a problem so that the page can show it."""
    start = time.perf_counter()
    try:
        from esr_geo import startup

        startup.preload()
    except EsrGeoError as exc:  # a data problem, in plain words
        _LOG.warning("esr-geo: the data could not be preloaded; the page will explain why.\n%s", exc)
    except Exception:  # a bug or a broken library: keep the server up, the page reports it too
        _LOG.exception("esr-geo: preloading failed")
    else:
        seconds = time.perf_counter() - start
        print(f"  esr-geo: ready (data and map loaded in {seconds:.1f} s)", file=sys.stderr, flush=True)
        threading.Thread(target=_preload_drive, name="esr-geo-drive-preload", daemon=True).start()


def _preload_drive() -> None:
    """Get the default drive-time view ready in the background (the page works meanwhile; a problem is logged)."""
    try:
        from esr_geo import settings, startup

        wait_s, quiet_s = settings.DRIVE_PRELOAD_WAIT_S, settings.DRIVE_PRELOAD_QUIET_S
        if not startup.wait_for_quiet_page(quiet_s=quiet_s, timeout_s=wait_s):
            _LOG.info("esr-geo: no quiet %.0f s on the page within %.0f s; preparing drive time now", quiet_s, wait_s)
        start = time.perf_counter()
        startup.preload_drive()
        seconds = time.perf_counter() - start
        print(f"  esr-geo: drive time ready (default network prepared in {seconds:.1f} s)", file=sys.stderr, flush=True)
    except Exception:  # a broken road file or a bug: the page explains it when drive time is chosen
        _LOG.exception("esr-geo: preloading the default road network failed")


@asynccontextmanager
async def lifespan(_app: st.App) -> AsyncIterator[None]:
    """Preload before the server answers requests (in a worker thread, off the event loop)."""
    await asyncio.to_thread(_preload)
    yield


app = st.App(Path(__file__).with_name("app.py"), lifespan=lifespan)
