"""Run every esr-geo benchmark in turn and print their results (see benchmarks/README.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "bench_access.py",
    "bench_app.py",
    "bench_scenario.py",
    "bench_uploads.py",
    "bench_workspace.py",
    "bench_network.py",
    "block_population.py",
)


def main() -> int:
    """Run each benchmark script with the current interpreter; return non-zero if one fails."""
    failed = []
    for name in SCRIPTS:
        print(f"=== {name}", flush=True)
        result = subprocess.run([sys.executable, str(HERE / name), *sys.argv[1:]], check=False)
        if result.returncode:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
