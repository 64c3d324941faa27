"""Atomic file writing and safe output paths shared by the report and export modules."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from esr_geo.errors import InputError


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], *, force: bool = True) -> Iterator[Path]:
    """Yield a temporary path that replaces ``target`` only if the block succeeds.

    Parameters
    ----------
    target : path-like
        Final file or directory location.
    force : bool, keyword-only
        When False and ``target`` exists, raise :class:`InputError` instead of overwriting.

    Yields
    ------
    pathlib.Path
        A path in the same directory as ``target`` to write to (not yet existing).
    """
    target = Path(target)
    if target.exists() and not force:
        raise InputError(
            f"Output {target} already exists and would be overwritten. "
            "Choose another path, remove it, or pass --force to replace it."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    tmp = tmpdir / target.name
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"nothing was written to {tmp}")
        if target.is_dir() and not target.is_symlink():
            backup = target.with_name(f".{target.name}.old")
            shutil.rmtree(backup, ignore_errors=True)
            target.rename(backup)
            tmp.rename(target)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            tmp.replace(target)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def write_text(target: str | os.PathLike[str], text: str, *, force: bool = True) -> Path:
    """Write UTF-8 text to ``target`` atomically and return the path."""
    with atomic_path(target, force=force) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_bytes(target: str | os.PathLike[str], data: bytes, *, force: bool = True) -> Path:
    """Write bytes to ``target`` atomically and return the path."""
    with atomic_path(target, force=force) as tmp:
        tmp.write_bytes(data)
    return Path(target)
