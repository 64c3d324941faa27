"""Atomic file writing and safe output paths shared by the report and export modules."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
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


def write_folder(folder: Path, names: list[str], build: Callable[[Path], None], *, force: bool) -> list[Path]:
    """Write a set of files into ``folder`` all at once, or none of them.

    ``build(stage)`` writes every file named in ``names`` into a hidden staging folder beside
    them; only when all exist are they renamed into ``folder``. Existing files are refused
    (naming them and ``--force``) unless ``force``; folders created for a failed write are
    removed again.

    Parameters
    ----------
    folder : pathlib.Path
        The output folder (created if needed).
    names : list of str
        File names the build must produce.
    build : callable
        Writes the files into the staging folder it is given.
    force : bool, keyword-only
        Replace files that already exist.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``names``.
    """
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {folder} is a file; this command writes a folder of files. Give a folder.")
    targets = [folder / n for n in names]
    check_targets(targets, force=force)
    created = [p for p in (folder, *folder.parents) if not p.exists()]  # deepest first
    folder.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".esr_geo_stage.", dir=folder))
    done = False
    try:
        build(stage)
        missing = [n for n in names if not (stage / n).is_file()]
        if missing:
            raise FileNotFoundError(f"the write did not produce {', '.join(missing)}")
        for n in names:
            (stage / n).replace(folder / n)
        done = True
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        for made in created if not done else []:
            if made.is_dir() and not any(made.iterdir()):
                made.rmdir()
    return targets


def write_files(folder: str | os.PathLike[str], files: Mapping[str, str | bytes], *, force: bool) -> list[Path]:
    """Write named text or bytes files into ``folder`` all at once (see :func:`write_folder`).

    Text is UTF-8; ``.csv`` files get a byte-order mark so that spreadsheet programs show
    accents and en dashes correctly.
    """

    def build(stage: Path) -> None:
        for name, content in files.items():
            if isinstance(content, bytes):
                (stage / name).write_bytes(content)
            else:
                (stage / name).write_text(content, encoding="utf-8-sig" if name.endswith(".csv") else "utf-8")

    return write_folder(Path(folder), list(files), build, force=force)


def read_cached(target: Path) -> pd.DataFrame | None:
    """Return a cached table, or ``None`` when it is missing or unreadable (then it is removed)."""
    if not target.is_file():
        return None
    try:
        return pd.read_parquet(target)
    except (OSError, ValueError):
        target.unlink(missing_ok=True)
        return None


def write_cached(frame: pd.DataFrame, target: Path) -> None:
    """Store a derived table in the cache atomically; a read-only cache only costs speed."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError:
        return
    os.close(fd)
    tmp = Path(name)
    try:
        frame.to_parquet(tmp, index=False)
        tmp.replace(target)
    except OSError:
        tmp.unlink(missing_ok=True)
