"""Serve the planner's page with the data loaded before the first visitor: ``streamlit run serve.py``.

``app.py`` is the page. This file wraps it in Streamlit's ``st.App`` so that the server, while
it starts, imports the map libraries, loads the geography and the default analysis
(:func:`esr_geo.maps.preload`) and draws the map once. The server answers its health check and
its first visitor only after that, so the first planner gets the page as quickly as every later
one. ``streamlit run app.py`` still works; its first visitor pays for the loading instead.
If the data bundle cannot be loaded, the server still starts, and the page explains the problem.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st

_LOG = logging.getLogger("esr_geo.serve")


def _preload() -> None:
    """Load what the page needs; log (not raise) a problem so that the page can show it."""
    from esr_geo import maps
    from esr_geo.errors import EsrGeoError

    start = time.perf_counter()
    try:
        maps.preload()
    except EsrGeoError as exc:
        _LOG.warning("esr-geo: the data could not be preloaded; the page will explain why.\n%s", exc)
    except Exception:  # a bug: keep the server up, the page reports it too
        _LOG.exception("esr-geo: preloading failed")
    else:
        seconds = time.perf_counter() - start
        print(f"  esr-geo: ready (data and map loaded in {seconds:.1f} s)", file=sys.stderr, flush=True)


@asynccontextmanager
async def lifespan(_app: st.App) -> AsyncIterator[None]:
    """Preload before the server accepts connections (in a worker thread, off the event loop)."""
    await asyncio.to_thread(_preload)
    yield


app = st.App("app.py", lifespan=lifespan)
