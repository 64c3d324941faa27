"""All-or-nothing output writing, clear errors for unwritable outputs, and the CLI's printing.

Every bad case is built in ``tmp_path``; operating-system failures (a locked file, a full
disk, a read-only file system) are simulated by making ``os.replace``, ``Path.write_*`` or
``tempfile.mkdtemp`` fail.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from esr_geo import _io, cli, export
from esr_geo.analysis import Analysis
from esr_geo.errors import InputError

CONTROL = {chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F)}

OLD = {"a.csv": b"planner's table", "b.html": b"planner's page"}
NEW = {"a.csv": "new table", "b.html": "new page", "c.txt": "new readme"}


def _listing(folder: Path) -> dict[str, bytes]:
    """Return every entry in ``folder`` (recursively, hidden ones too) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>" for p in folder.rglob("*")}


def _old_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    for name, data in OLD.items():
        (folder / name).write_bytes(data)
    (folder / "notes.txt").write_bytes(b"not ours")
    return folder


def _fail_calls(
    monkeypatch: pytest.MonkeyPatch, failing: Callable[[int], bool], err: int = errno.EBUSY
) -> dict[str, int]:
    """Make ``os.replace`` (used by ``Path.replace``) fail on the calls ``failing`` picks."""
    real = os.replace
    calls = {"n": 0}

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls["n"] += 1
        if failing(calls["n"]):
            raise OSError(err, os.strerror(err), os.fspath(src), None, os.fspath(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    return calls


def _clean_message(exc: BaseException) -> str:
    text = str(exc)
    assert not CONTROL & set(text), text
    assert "--" not in text  # library messages name no command-line flag
    assert _io._STAGE_PREFIX not in text
    return text


# --------------------------------------------------------------------------------------
# write_folder: all or nothing


@pytest.mark.parametrize("fail_at", [1, 2, 3, 4, 5])
def test_failed_rename_puts_every_old_file_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int) -> None:
    folder = _old_folder(tmp_path)
    before = _listing(folder)
    calls = _fail_calls(monkeypatch, lambda n: n == fail_at)  # 2 old files aside, then 3 new ones in
    with pytest.raises(InputError) as err:
        _io.write_files(folder, NEW, force=True)
    assert calls["n"] >= fail_at
    assert _listing(folder) == before  # old bytes unchanged, no new file, no hidden folder left
    text = _clean_message(err.value)
    assert "Nothing was written" in text and "in use (locked)" in text and os.strerror(errno.EBUSY) in text
    assert any(str(folder / name) in text for name in NEW)  # names the user's file


def test_successful_write_replaces_and_leaves_no_backup(tmp_path: Path) -> None:
    folder = _old_folder(tmp_path)
    written = _io.write_files(folder, NEW, force=True)
    assert written == [folder / n for n in NEW]
    assert _listing(folder) == {
        "a.csv": b"\xef\xbb\xbfnew table",  # a CSV gets a byte-order mark
        "b.html": b"new page",
        "c.txt": b"new readme",
        "notes.txt": b"not ours",
    }


def test_undo_that_fails_says_where_the_originals_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _old_folder(tmp_path)
    _fail_calls(monkeypatch, lambda n: n >= 3)  # the first new file fails, and so does every put-back
    with pytest.raises(InputError, match="previous versions are kept in") as err:
        _io.write_files(folder, NEW, force=True)
    backups = [p for p in folder.iterdir() if p.name.startswith(_io._BACKUP_PREFIX)]
    assert len(backups) == 1 and str(backups[0]) in str(err.value)  # kept, not deleted
    assert {p.name: p.read_bytes() for p in backups[0].iterdir()} == OLD


@pytest.mark.parametrize("force", [False, True])
def test_folder_in_place_of_a_file_is_refused_first(tmp_path: Path, force: bool) -> None:
    folder = _old_folder(tmp_path)
    (folder / "c.txt").mkdir()
    before = _listing(folder)
    with pytest.raises(InputError, match="is in the way") as err:
        _io.write_files(folder, NEW, force=force)
    assert f"{folder / 'c.txt'} is a folder" in _clean_message(err.value)
    assert _listing(folder) == before


def test_named_pipe_in_place_of_a_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    os.mkfifo(folder / "a.csv")
    with pytest.raises(InputError, match=r"a\.csv is a named pipe"):
        _io.write_files(folder, NEW, force=True)
    assert sorted(p.name for p in folder.iterdir()) == ["a.csv"]


def test_existing_files_need_force_and_are_listed(tmp_path: Path) -> None:
    folder = _old_folder(tmp_path)
    before = _listing(folder)
    with pytest.raises(_io.OutputError) as err:
        _io.write_files(folder, NEW, force=False)
    text = _clean_message(err.value)
    assert err.value.needs_force and "2 output file(s) already exist" in text
    assert str(folder / "a.csv") in text and str(folder / "b.html") in text and "replace existing files" in text
    assert _listing(folder) == before


def test_output_error_is_an_input_error_and_an_os_error() -> None:
    exc = _io.OutputError("Could not write x.", cause=OSError(errno.ENOSPC, "No space left on device"))
    assert isinstance(exc, InputError) and isinstance(exc, ValueError) and isinstance(exc, OSError)
    assert exc.errno == errno.ENOSPC and str(exc) == "Could not write x."


# --------------------------------------------------------------------------------------
# Unwritable outputs become a clear InputError


def _below_a_file(tmp_path: Path) -> Path:
    (tmp_path / "some_file").write_text("x", encoding="utf-8")
    return tmp_path / "some_file" / "sub"


def _a_file(tmp_path: Path) -> Path:
    (tmp_path / "some_file").write_text("x", encoding="utf-8")
    return tmp_path / "some_file"


BAD_FOLDERS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "below a file": (_below_a_file, "some_file is a file, not a folder"),
    "a file": (_a_file, "some_file is a file, not a folder"),
    "dev null": (lambda _: Path(os.devnull), "is a device, not a folder"),
    "name too long": (lambda tmp: tmp / "new" / ("n" * 300), "a name in the path is too long"),
}


@pytest.mark.parametrize("case", list(BAD_FOLDERS))
def test_unwritable_folder_is_an_input_error(tmp_path: Path, case: str) -> None:
    make, words = BAD_FOLDERS[case]
    out = make(tmp_path)
    before = _listing(tmp_path)
    with pytest.raises(InputError) as err:
        _io.write_files(out, NEW, force=True)
    text = _clean_message(err.value)
    assert words in text and "Nothing was written" in text
    assert _listing(tmp_path) == before  # not even the "new" folder is left


@pytest.mark.parametrize(
    ("err", "words"),
    [
        (errno.EROFS, "the file system is read-only"),
        (errno.EACCES, "permission was denied"),
        (errno.ENOSPC, "the disk is full"),
    ],
)
def test_folder_that_refuses_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, err: int, words: str) -> None:
    def refuse(*_args: object, **_kwargs: object) -> str:
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    out = tmp_path / "new" / "report"
    with pytest.raises(InputError) as exc:
        _io.write_files(out, NEW, force=True)
    text = _clean_message(exc.value)
    assert f"Could not write {out}: {words} ({os.strerror(err)}). Nothing was written." in text
    assert list(tmp_path.iterdir()) == []  # the folders this call made are gone


def test_full_disk_names_the_users_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _old_folder(tmp_path)
    before = _listing(folder)
    real = Path.write_text

    def full(self: Path, *args: object, **kwargs: object) -> int:
        if self.name == "b.html":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(InputError) as err:
        _io.write_files(folder, NEW, force=True)
    assert f"Could not write {folder / 'b.html'}: the disk is full" in _clean_message(err.value)
    assert _listing(folder) == before


def test_dot_dot_creates_no_folder_on_the_way(tmp_path: Path) -> None:
    written = _io.write_files(tmp_path / "a" / "b" / ".." / ".." / "x", {"r.csv": "1"}, force=False)
    assert written == [tmp_path / "x" / "r.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"]


def test_failure_removes_only_the_folders_it_created(tmp_path: Path) -> None:
    (tmp_path / "keep").mkdir()

    def build(_stage: Path) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    with pytest.raises(InputError, match="Input/output error"):
        _io.write_folder(tmp_path / "keep" / "new" / "deeper", ["r.csv"], build, force=False)
    assert [p.name for p in tmp_path.rglob("*")] == ["keep"]


def test_control_characters_in_paths_are_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "out\x1b[31m"
    folder.mkdir()
    (folder / "a.csv").write_text("old", encoding="utf-8")
    with pytest.raises(InputError) as err:
        _io.write_files(folder, {"a.csv": "new"}, force=False)
    assert "out\\x1b[31m" in _clean_message(err.value)


# --------------------------------------------------------------------------------------
# atomic_path: one file or folder


def test_atomic_file_kept_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "layers.gpkg"
    target.write_bytes(b"analyst's file")
    with pytest.raises(InputError, match="the disk is full") as err, _io.atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp))
    assert str(target) in _clean_message(err.value)
    assert _listing(tmp_path) == {"layers.gpkg": b"analyst's file"}


def test_atomic_folder_restored_when_rename_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "site"
    target.mkdir()
    (target / "index.html").write_bytes(b"old")
    _fail_calls(monkeypatch, lambda n: n == 2)  # the old folder goes aside, the new one fails to go in
    with pytest.raises(InputError, match="Could not replace") as err, _io.atomic_path(target) as tmp:
        tmp.mkdir()
        (tmp / "index.html").write_bytes(b"new")
    _clean_message(err.value)
    assert _listing(tmp_path) == {"site": b"<dir>", "site/index.html": b"old"}


def test_atomic_folder_replaced(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.mkdir()
    (target / "old.html").write_bytes(b"old")
    with _io.atomic_path(target) as tmp:
        tmp.mkdir()
        (tmp / "index.html").write_bytes(b"new")
    assert _listing(tmp_path) == {"site": b"<dir>", "site/index.html": b"new"}


def test_atomic_file_never_replaces_a_folder(tmp_path: Path) -> None:
    (tmp_path / "report.html").mkdir()
    with pytest.raises(InputError, match="is a folder, and this writes a file"):
        _io.write_text(tmp_path / "report.html", "x")
    assert _listing(tmp_path) == {"report.html": b"<dir>"}


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda tmp: Path(os.devnull), "is a device, not a file"),
        (lambda tmp: _a_file(tmp) / "x.txt", "some_file is a file, not a folder"),
        (lambda tmp: tmp / ("n" * 300 + ".txt"), "a name in the path is too long"),
        (lambda tmp: tmp / "new" / ("n" * 300) / "x.txt", "a name in the path is too long"),
    ],
)
def test_atomic_unwritable_target(tmp_path: Path, make: Callable[[Path], Path], words: str) -> None:
    target = make(tmp_path)
    before = _listing(tmp_path)
    with pytest.raises(InputError) as err:
        _io.write_text(target, "x")
    text = _clean_message(err.value)
    assert words in text and "Nothing was written" in text
    assert _listing(tmp_path) == before


def test_atomic_existing_needs_force(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(_io.OutputError, match=r"already exist.*x\.txt") as err:
        _io.write_text(target, "new", force=False)
    assert err.value.needs_force and target.read_text(encoding="utf-8") == "old"
    assert _io.write_text(tmp_path / "d" / ".." / "x.txt", "new") == target
    assert _listing(tmp_path) == {"x.txt": b"new"}


# --------------------------------------------------------------------------------------
# Export: is the path a file or a folder?


@pytest.mark.parametrize(
    ("fmt", "name", "words"),
    [
        ("shp", "x.txt", "ends in .txt"),
        ("gpkg", "layers.zip", "ends in .zip"),
        ("geojson", "layers.zip", "writes a folder"),
        ("csv", "x.gpkg", "writes a folder"),
    ],
)
def test_export_path_with_the_wrong_extension_is_refused(tmp_path: Path, fmt: str, name: str, words: str) -> None:
    with pytest.raises(InputError, match=words) as err:
        export.export_layers(None, tmp_path / name, fmt=fmt)  # type: ignore[arg-type]  # refused before use
    assert "Nothing was written" in str(err.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["shp", "gpkg", "csv"])
def test_export_existing_file_without_the_extension_is_refused(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "layers").write_bytes(b"own file")
    with pytest.raises(InputError, match="is an existing file, not a folder"):
        export.export_layers(None, tmp_path / "layers", fmt=fmt)  # type: ignore[arg-type]
    assert _listing(tmp_path) == {"layers": b"own file"}


def test_export_target_rule(tmp_path: Path) -> None:
    (tmp_path / "dir.txt").mkdir()
    assert export._target(tmp_path / "x.ZIP", "shp") == tmp_path / "x.ZIP"
    assert export._target(tmp_path / "x", "shp") == tmp_path / "x" / export.SHP_ZIP_NAME
    assert export._target(tmp_path / "dir.txt", "gpkg") == tmp_path / "dir.txt" / export.GPKG_NAME  # a folder
    assert export._target(tmp_path / "v1.2", "csv") == tmp_path / "v1.2"
    assert export._target(tmp_path / ("n" * 300), "csv") == tmp_path / ("n" * 300)  # refused later, clearly


# --------------------------------------------------------------------------------------
# The command line


@pytest.fixture
def quick_cli(analysis: Analysis, monkeypatch: pytest.MonkeyPatch) -> Callable[..., tuple[int, str]]:
    """Return ``run(*argv) -> (exit status, stderr)`` with the shared analysis (no bundle reload)."""
    monkeypatch.setattr(cli, "_analysis_from_args", lambda _args: analysis)

    def run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
        code = cli.main(list(argv))
        return code, capsys.readouterr().err

    return run


@pytest.mark.parametrize("case", ["below a file", "a file", "dev null", "name too long"])
@pytest.mark.parametrize("command", [["export", "--format", "csv"], ["report"]])
def test_cli_unwritable_out_exits_2(
    quick_cli: Callable[..., tuple[int, str]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    case: str,
    command: list[str],
) -> None:
    make, words = BAD_FOLDERS[case]
    out = make(tmp_path)
    code, err = quick_cli(*command, "--out", str(out), capsys=capsys)
    assert code == 2, err
    assert "Nothing was written" in err and "unexpected" not in err
    if command[0] == "export" and case in ("a file", "dev null"):  # refused by the export's path rule
        words = f"{out} is an existing {'file' if case == 'a file' else 'device or special file'}, not a folder"
    assert words in err


@pytest.mark.parametrize(("err", "words"), [(errno.EROFS, "read-only"), (errno.ENOSPC, "the disk is full")])
def test_cli_read_only_or_full_disk_exits_2(
    quick_cli: Callable[..., tuple[int, str]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    err: int,
    words: str,
) -> None:
    def refuse(self: Path, *_args: object, **_kwargs: object) -> int:
        raise OSError(err, os.strerror(err), str(self))

    monkeypatch.setattr(Path, "write_text", refuse)
    monkeypatch.setattr(Path, "write_bytes", refuse)
    for command in (["export", "--format", "csv"], ["report"]):
        code, message = quick_cli(*command, "--out", str(tmp_path / "out"), capsys=capsys)
        assert code == 2 and words in message and "Nothing was written" in message, message
    assert list(tmp_path.iterdir()) == []


def test_cli_existing_files_hint_force(
    quick_cli: Callable[..., tuple[int, str]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "report.html").write_text("own", encoding="utf-8")
    code, err = quick_cli("report", "--out", str(tmp_path), capsys=capsys)
    assert code == 2 and "already exist" in err and "run again with --force" in err
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "own"


class _ClosedPipe:
    """A standard output whose reader has gone: every write (or only flush) raises BrokenPipeError."""

    def __init__(self, *, on_flush: bool = False) -> None:
        self.on_flush = on_flush

    def write(self, text: str) -> int:
        if not self.on_flush:
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))
        return len(text)

    def flush(self) -> None:
        if self.on_flush:
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


@contextlib.contextmanager
def _stdout(stream: object) -> Iterator[None]:
    old = sys.stdout
    sys.stdout = stream
    try:
        yield
    finally:
        sys.stdout = old


@pytest.mark.parametrize("on_flush", [False, True])
def test_closed_pipe_after_writing_exits_quietly(
    quick_cli: Callable[..., tuple[int, str]], capsys: pytest.CaptureFixture[str], tmp_path: Path, on_flush: bool
) -> None:
    with _stdout(_ClosedPipe(on_flush=on_flush)):
        code, err = quick_cli("report", "--out", str(tmp_path / "rep"), capsys=capsys)
    assert code == cli.EXIT_PIPE == 141
    assert err == ""  # above all no false "Nothing was written"
    assert (tmp_path / "rep" / "report.html").is_file()


def test_closed_pipe_without_files(capsys: pytest.CaptureFixture[str]) -> None:
    with _stdout(_ClosedPipe()):
        code = cli.main(["rollout", "--format", "csv", "--date", "2024-06-01"])
    assert code == 141 and capsys.readouterr().err == ""


def test_failure_after_writing_does_not_claim_nothing_was_written(
    quick_cli: Callable[..., tuple[int, str]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: object) -> int:
        raise RuntimeError("printing failed")

    monkeypatch.setattr(cli, "_wrote", broken)
    code, err = quick_cli("report", "--out", str(tmp_path / "rep"), capsys=capsys)
    assert code == 1 and "unexpected error" in err
    assert "Nothing was written" not in err and "had been written already" in err


def test_cli_escapes_control_characters(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    evil = tmp_path / "sites\x1b[31m\r.csv"
    code = cli.main(["rollout", "--rollout", str(evil)])
    err = capsys.readouterr().err
    assert code == 2 and "sites\\x1b[31m\\r.csv" in err
    assert not CONTROL & set(err)
    with pytest.raises(SystemExit) as stop:
        cli.main(["rollout", "--format", "\x1b[2J"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "\\x1b[2J" in err and not CONTROL & set(err)


def test_cli_clean_keeps_newlines_only() -> None:
    assert cli._clean("a\tb\x1b[0m\nc\x00") == "a\\tb\\x1b[0m\nc\\x00"


def test_library_messages_name_parameters_and_the_cli_names_its_flag(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from esr_geo.export import resolve_crs

    with pytest.raises(InputError) as info:
        resolve_crs("not-a-code")
    assert info.value.parameter == "crs" and "--" not in str(info.value)
    code = cli.main(["data", "check", "--data-dir", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err
    assert code == 2 and "on the command line, that is --data-dir" in err
