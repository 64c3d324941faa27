"""Atomic file writing and safe output paths shared by the report and export modules."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

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


def write_text(target: str | os.PathLike[str], text: str, *, force: bool = True, bom: bool = False) -> Path:
    """Write UTF-8 text to ``target`` atomically (with a byte-order mark if ``bom``) and return the path."""
    with atomic_path(target, force=force) as tmp:
        tmp.write_text(text, encoding="utf-8-sig" if bom else "utf-8")
    return Path(target)


def write_bytes(target: str | os.PathLike[str], data: bytes, *, force: bool = True) -> Path:
    """Write bytes to ``target`` atomically and return the path."""
    with atomic_path(target, force=force) as tmp:
        tmp.write_bytes(data)
    return Path(target)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    Text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe (the OWASP CSV-injection advice). Numbers are left as numbers.
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return out


def check_targets(paths: list[Path], *, force: bool) -> None:
    """Raise :class:`InputError` naming every existing path, unless ``force`` is set."""
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise InputError(
            f"{len(existing)} output file(s) already exist and would be overwritten: "
            f"{', '.join(existing)}. Choose another folder, or pass --force to replace them."
        )
