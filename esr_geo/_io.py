"""Atomic file writing and safe output paths shared by the report and export modules.

Every writer here is all-or-nothing. New files are written into a hidden staging folder
beside their target; only when all of them exist are they moved into place, after every
target was checked and the files already there were moved aside into a hidden backup
folder. When any step fails, the new files are moved out again, the old files are put
back, the folders this call created are removed, and :class:`OutputError` (an
:class:`~esr_geo.errors.InputError`) names the user's file and the reason in words.

Output paths are normalised lexically first (``a/b/../../x`` is ``x``), so no folder
on the way is created for nothing.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd

from esr_geo.errors import InputError, printable

_STAGE_PREFIX = ".esr_geo_stage."
_BACKUP_PREFIX = ".esr_geo_backup."
#: Characters of a path kept in a message (a longer path keeps its start and its end).
_MAX_PATH_CHARS = 240

#: What went wrong, in words, and what to do about it, by ``errno``.
_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("the disk is full", "Free some space, or choose a folder on another disk."),
    errno.EDQUOT: ("the disk quota is used up", "Free some space, or choose a folder on another disk."),
    errno.EROFS: ("the file system is read-only", "Choose a folder you can write to."),
    errno.EACCES: ("permission was denied", "Choose a folder you can write to."),
    errno.EPERM: ("the operation is not permitted", "Choose a folder you can write to."),
    errno.ENAMETOOLONG: ("a name in the path is too long", "Choose a shorter file or folder name."),
    errno.ENOTDIR: ("a part of the path is a file, not a folder", "Check the path and try again."),
    errno.EISDIR: ("a folder is in the way", "Rename or remove that folder, or choose another path."),
    errno.EBUSY: ("the file is in use (locked)", "Close the program using it and try again."),
    errno.ETXTBSY: ("the file is in use (locked)", "Close the program using it and try again."),
    errno.ELOOP: ("the path has too many symbolic links", "Check the path and try again."),
    errno.EMLINK: ("the folder has too many entries", "Choose another folder."),
}


class OutputError(InputError, OSError):
    """An output could not be written; the files already there are unchanged.

    It is an :class:`~esr_geo.errors.InputError` (the command line exits 2 and shows the
    message) and, so that callers catching :class:`OSError` around a write keep working,
    also an :class:`OSError` carrying the ``errno`` and ``strerror`` of the cause.

    Parameters
    ----------
    message : str
        One-paragraph explanation naming the user's path.
    problems : iterable of str, optional
        Every individual problem (see :class:`~esr_geo.errors.InputError`).
    needs_force : bool, keyword-only
        True when the only obstacle is existing files that ``force=True`` would replace.
    cause : OSError, keyword-only
        The operating-system error behind it, if any.
    """

    def __init__(
        self,
        message: str,
        problems: Sequence[str] | None = None,
        *,
        needs_force: bool = False,
        cause: OSError | None = None,
    ) -> None:
        super().__init__(message, problems)
        self.needs_force = needs_force
        self.errno = cause.errno if cause is not None else None
        self.strerror = cause.strerror if cause is not None else None

    def __str__(self) -> str:
        return BaseException.__str__(self)  # the message, not OSError's "[Errno 28] ..."


# --------------------------------------------------------------------------------------
# Paths and messages


def _normal(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` absolute and normalised lexically (``a/b/../../x`` is ``x``)."""
    return Path(os.path.normpath(Path(path).absolute()))  # absolute() does not follow links


def _show(path: Path | str) -> str:
    """Return a path for a message: control characters escaped, at most ``_MAX_PATH_CHARS``."""
    text = printable(str(path))
    if len(text) <= _MAX_PATH_CHARS:
        return text
    half = _MAX_PATH_CHARS // 2
    return f"{text[:half]}…{text[-half:]} ({len(text):,} characters)"


def _reason(exc: OSError) -> str:
    """Return what went wrong in words, with the system's wording in brackets."""
    detail = printable(exc.strerror or str(exc) or type(exc).__name__)
    if exc.errno in _REASONS:
        return f"{_REASONS[exc.errno][0]} ({detail})"
    return detail


def _advice(exc: OSError) -> str:
    return _REASONS.get(exc.errno or 0, ("", "Check the path and try again."))[1]


def _failed(exc: OSError, path: Path, *, doing: str = "write") -> OutputError:
    """Return the error for an OS failure while writing ``path`` (nothing was changed)."""
    return OutputError(
        f"Could not {doing} {_show(path)}: {_reason(exc)}. Nothing was written. {_advice(exc)}",
        cause=exc,
    )


def _user_path(exc: OSError, scratch: Path, base: Path, default: Path) -> Path:
    """Return the user's path an error is about, never a scratch folder.

    ``exc.filename`` inside ``scratch`` is the same name inside ``base``; any other (or no)
    file name gives ``default``.
    """
    name = exc.filename
    if not isinstance(name, str | os.PathLike):
        return default
    try:
        inner = _normal(name).relative_to(scratch)
    except (ValueError, TypeError):
        return default
    return base / inner if inner.parts else default


def _lstat(path: Path) -> os.stat_result | None:
    """Return ``path.lstat()``, ``None`` when nothing is there; other failures become :class:`OutputError`."""
    try:
        return path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise _failed(exc, path, doing="check") from exc
    except ValueError as exc:  # an embedded NUL character
        raise OutputError(
            f"The output path {_show(path)} holds a NUL character. Nothing was written. Choose another name."
        ) from exc


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a link to nothing"
    return "not a regular file"


def _check_folder(folder: Path, *, for_file: Path | None = None) -> None:
    """Refuse a ``folder`` that is not a folder, or cannot be created because a file is on its way.

    ``for_file`` is the file to be written in ``folder``, if that is what the user named.
    """
    probe = folder
    while (st := _lstat(probe)) is None and probe.parent != probe:
        probe = probe.parent
    if st is None:
        return
    try:
        mode = probe.stat().st_mode  # a link to a folder is a folder
    except OSError:
        mode = st.st_mode
    if stat.S_ISDIR(mode):
        return
    if for_file is not None:
        raise OutputError(
            f"Cannot write {_show(for_file)}: {_show(probe)} is {_kind(mode)}, not a folder. "
            "Nothing was written. Choose another path."
        )
    if probe == folder:
        raise OutputError(
            f"The output folder {_show(folder)} is {_kind(mode)}, not a folder. Nothing was written. "
            "Give the path of a folder (an existing one, or a new one to create)."
        )
    raise OutputError(
        f"Cannot create the output folder {_show(folder)}: {_show(probe)} is {_kind(mode)}, not a folder. "
        "Nothing was written. Choose another path."
    )


def _check_files(targets: Sequence[Path], *, force: bool) -> None:
    """Refuse targets that are folders or special files, and existing files unless ``force``."""
    in_the_way: list[str] = []
    existing: list[Path] = []
    for target in targets:
        st = _lstat(target)
        if st is None:
            continue
        if stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode):  # a link itself is replaced, never followed
            existing.append(target)
        else:
            in_the_way.append(f"{_show(target)} is {_kind(st.st_mode)}")
    if in_the_way:
        raise OutputError(
            f"{len(in_the_way)} output file(s) cannot be written: a folder or special file of the same name "
            "is in the way. Nothing was written. Rename or remove it, or choose another folder:",
            in_the_way,
        )
    check_targets(existing, force=force)


def _make_folders(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; return those this call created, deepest first."""
    missing = []
    probe = folder
    while _lstat(probe) is None and probe.parent != probe:
        missing.append(probe)
        probe = probe.parent
    created: list[Path] = []
    try:
        for path in reversed(missing):
            try:
                path.mkdir()
            except FileExistsError:
                if not path.is_dir():
                    raise
                continue  # made by someone else meanwhile: not ours to remove
            created.insert(0, path)
    except OSError as exc:
        _remove_empty(created)
        raise _failed(exc, folder, doing="create the folder") from exc
    return created


def _remove_empty(created: Sequence[Path]) -> None:
    """Remove the folders of ``created`` (deepest first) that are still empty."""
    for path in created:
        with contextlib.suppress(OSError):
            path.rmdir()


def _scratch(where: Path, prefix: str, target: Path) -> Path:
    """Create a hidden scratch folder in ``where`` (errors name ``target``)."""
    try:
        return Path(tempfile.mkdtemp(prefix=prefix, dir=where))
    except OSError as exc:
        raise _failed(exc, target) from exc


# --------------------------------------------------------------------------------------
# Moving new files into place, all or none


def _undo(placed: Sequence[tuple[Path, Path]], aside: Sequence[Path], backup: Path) -> list[Path]:
    """Move the ``placed`` new files back out and the ``aside`` old ones back; return those stuck."""
    stuck: list[Path] = []
    for new, target in reversed(placed):
        try:
            target.replace(new)
        except OSError:
            if target not in aside:  # else putting the old one back replaces it anyway
                stuck.append(target)
    for target in reversed(aside):
        try:
            (backup / target.name).replace(target)
        except OSError:
            stuck.append(target)
    return stuck


def _swap_failed(exc: OSError, path: Path, stuck: Sequence[Path], backup: Path) -> OutputError:
    if not stuck:
        return _failed(exc, path, doing="replace")
    return OutputError(
        f"Could not replace {_show(path)}: {_reason(exc)}, and {len(stuck)} file(s) could not be put back "
        f"as they were. Their previous versions are kept in {_show(backup)}; move them back by hand:",
        [_show(p) for p in stuck],
        cause=exc,
    )


def _swap_in(moves: Sequence[tuple[Path, Path]], where: Path) -> None:
    """Move each ``(new, target)`` of ``moves`` into place, all of them or none.

    Every existing target is first moved aside into a hidden backup folder in ``where`` (the
    targets' folder, so each move is a rename), then every new file is moved in. On any
    failure the new files are moved back out and the old ones back in. The backup is deleted
    only after success (or a complete undo).
    """
    backup = _scratch(where, _BACKUP_PREFIX, moves[0][1])
    aside: list[Path] = []
    placed: list[tuple[Path, Path]] = []
    current = moves[0][1]
    try:
        for _, target in moves:
            current = target
            if os.path.lexists(target):
                target.replace(backup / target.name)
                aside.append(target)
        for new, target in moves:
            current = target
            new.replace(target)
            placed.append((new, target))
    except OSError as exc:
        stuck = _undo(placed, aside, backup)
        if not stuck:
            shutil.rmtree(backup, ignore_errors=True)
        raise _swap_failed(exc, current, stuck, backup) from exc
    except BaseException:
        if not _undo(placed, aside, backup):
            shutil.rmtree(backup, ignore_errors=True)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def _commit(tmp: Path, target: Path) -> None:
    """Put the finished ``tmp`` (a file or a folder) in place of ``target``."""
    st = _lstat(target)
    target_is_dir = st is not None and stat.S_ISDIR(st.st_mode)
    if tmp.is_dir() != target_is_dir and st is not None:
        new, old = ("folder", "file") if tmp.is_dir() else ("file", "folder")
        raise OutputError(
            f"The output {_show(target)} is a {old}, and this writes a {new}: a {new} cannot replace it. "
            "Nothing was written. Remove it, or choose another path."
        )
    if not target_is_dir:
        try:
            tmp.replace(target)  # one atomic rename: the old file or the new, never neither
        except OSError as exc:
            raise _failed(exc, target, doing="replace") from exc
        return
    _swap_in([(tmp, target)], target.parent)


# --------------------------------------------------------------------------------------
# Public writers


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], *, force: bool = True) -> Iterator[Path]:
    """Yield a temporary path that replaces ``target`` only if the block succeeds.

    The target is checked first: something that is not a regular file or a folder (a
    device, a named pipe) is refused, and so is an existing target unless ``force``. A
    file replaces a file and a folder replaces a folder, never one the other. Any
    :class:`OSError` (in the block or while moving into place) leaves the old target as it
    was, removes the folders this call created and becomes :class:`OutputError`.

    Parameters
    ----------
    target : path-like
        Final file or directory location (normalised lexically: ``a/../x`` is ``x``).
    force : bool, keyword-only
        Replace an existing ``target``; when False, refuse it with :class:`OutputError`.

    Yields
    ------
    pathlib.Path
        A path in a hidden folder beside ``target`` to write to (not yet existing).

    Raises
    ------
    OutputError
        The target is of the wrong kind, exists without ``force``, or writing failed.
    """
    target = _normal(target)
    st = _lstat(target)
    if st is not None and not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        raise OutputError(
            f"The output {_show(target)} is {_kind(st.st_mode)}, not a file. Nothing was written. Choose another path."
        )
    if st is not None:
        check_targets([target], force=force)
    _check_folder(target.parent, for_file=target)
    created = _make_folders(target.parent)
    done = False
    try:
        tmpdir = _scratch(target.parent, _STAGE_PREFIX, target)
        try:
            yield tmpdir / target.name
            if not os.path.lexists(tmpdir / target.name):
                raise RuntimeError(f"the block wrote nothing to {tmpdir / target.name}")
            _commit(tmpdir / target.name, target)
            done = True
        except OutputError:
            raise
        except OSError as exc:
            raise _failed(exc, _user_path(exc, tmpdir, target.parent, target)) from exc
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
    finally:
        if not done:
            _remove_empty(created)


def write_text(target: str | os.PathLike[str], text: str, *, force: bool = True, bom: bool = False) -> Path:
    """Write UTF-8 text to ``target`` atomically (with a byte-order mark if ``bom``) and return the path."""
    with atomic_path(target, force=force) as tmp:
        tmp.write_text(text, encoding="utf-8-sig" if bom else "utf-8")
    return _normal(target)


def write_bytes(target: str | os.PathLike[str], data: bytes, *, force: bool = True) -> Path:
    """Write bytes to ``target`` atomically and return the path."""
    with atomic_path(target, force=force) as tmp:
        tmp.write_bytes(data)
    return _normal(target)


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



def csv_text(frame: pd.DataFrame) -> str:
    """Return a table as CSV text, formulas neutralised (see :func:`neutralise_formulas`).

    The one CSV writer of esr-geo's tables: the report's files, the page's downloads and the
    scenario files. Saved or sent as bytes, the text gets a byte-order mark
    (:func:`csv_bytes`, and :func:`write_files` for ``.csv`` names), so that spreadsheet
    programs show accents and en dashes correctly.
    """
    return str(neutralise_formulas(frame).to_csv(index=False, lineterminator="\n"))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return a table as UTF-8 CSV bytes with a byte-order mark (for downloads), formulas neutralised."""
    return csv_text(frame).encode("utf-8-sig")

def check_targets(paths: Sequence[Path], *, force: bool) -> None:
    """Refuse, naming them, the ``paths`` that exist, unless ``force`` is set.

    Parameters
    ----------
    paths : sequence of pathlib.Path
        Files about to be written.
    force : bool, keyword-only
        Existing files may be replaced.

    Raises
    ------
    OutputError
        Some exist and ``force`` is False (its ``needs_force`` is True).
    """
    if force:
        return
    existing = [_show(p) for p in paths if _lstat(_normal(p)) is not None]
    if existing:
        raise OutputError(
            f"{len(existing)} output file(s) already exist and would be overwritten: {', '.join(existing)}. "
            "Nothing was written. Choose another path, remove them, or choose to replace existing files.",
            needs_force=True,
        )


def write_folder(folder: Path, names: list[str], build: Callable[[Path], None], *, force: bool) -> list[Path]:
    """Write a set of files into ``folder`` all at once, or none of them.

    Every target is checked first: the folder must be a folder (or creatable), no target may
    be a folder or a special file, and existing files are refused unless ``force``. Then
    ``build(stage)`` writes every file named in ``names`` into a hidden staging folder in
    ``folder``; the existing targets are moved aside into a hidden backup and the new files
    moved in. On any failure the old files are put back, the new ones and the folders this
    call created are removed, and an :class:`OutputError` names the user's file and the
    reason. Other files in ``folder`` are left alone.

    Parameters
    ----------
    folder : pathlib.Path
        The output folder (created if needed; normalised lexically, ``a/../x`` is ``x``).
    names : list of str
        Plain file names (no folder part) the build must produce.
    build : callable
        Writes the files into the staging folder it is given.
    force : bool, keyword-only
        Replace files that already exist.

    Returns
    -------
    list of pathlib.Path
        The files written (absolute), in the order of ``names``.

    Raises
    ------
    OutputError
        A target is of the wrong kind, exists without ``force``, or writing failed.
    """
    bad = [n for n in names if not n or Path(n).name != n or n in (".", "..")]
    if bad or len(set(names)) != len(names):
        raise ValueError(f"write_folder needs distinct plain file names; got {names!r}")
    folder = _normal(folder)
    targets = [folder / n for n in names]
    _check_folder(folder)
    _check_files(targets, force=force)
    created = _make_folders(folder)
    done = False
    try:
        stage = _scratch(folder, _STAGE_PREFIX, folder)
        try:
            build(stage)
            missing = [n for n in names if not (stage / n).is_file()]
            if missing:
                raise RuntimeError(f"the write did not produce {', '.join(missing)}")
            _swap_in([(stage / n, folder / n) for n in names], folder)
            done = True
        except OutputError:
            raise
        except OSError as exc:
            raise _failed(exc, _user_path(exc, stage, folder, folder)) from exc
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    finally:
        if not done:
            _remove_empty(created)
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
