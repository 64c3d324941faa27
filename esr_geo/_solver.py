"""The mixed-integer solver (PuLP's CBC) shared by scenario planning and population placement."""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger(__name__)


def cbc_solver(time_limit_s: float) -> Any:
    """Return PuLP's CBC command-line solver (quiet, time-limited), or ``None`` if there is none.

    The CBC binary bundled with PuLP is used when present (through ``COIN_CMD``, since PuLP
    3.3 deprecates ``PULP_CBC_CMD``), else a ``cbc`` on the PATH (``pip install pulp[cbc]``).
    """
    import pulp

    try:
        from pulp.apis.coin_api import pulp_cbc_path as bundled
    except ImportError:  # pragma: no cover - PuLP 4 drops the bundled binary
        bundled = None
    if bundled and os.access(bundled, os.X_OK):
        return pulp.COIN_CMD(path=bundled, msg=False, timeLimit=time_limit_s)
    solver = pulp.COIN_CMD(msg=False, timeLimit=time_limit_s)
    if solver.available():
        log.info("PuLP's bundled CBC is not there; using the cbc on the PATH")
        return solver
    log.warning("No CBC solver found (install PuLP with its bundled CBC, or pulp[cbc]); exact solves are skipped")
    return None
