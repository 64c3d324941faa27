r"""The ``esr-geo`` command line: rollout, catchments, data checks, reports and exports.

Every message is printed with its control characters made visible (``\x1b``), so a file
name holding an ANSI escape cannot recolour or rewrite the terminal. When standard output
is a pipe closed early (``esr-geo report ... | head -1``), the command stops quietly with
exit status 141 (128 + SIGPIPE, what a shell reports for ``yes | head -1``); files it had
already written stay written.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from esr_geo import __version__, settings
from esr_geo.errors import EsrGeoError, printable, reword_guides

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2
#: Standard output was closed early (128 + SIGPIPE, as a shell reports for ``yes | head -1``).
EXIT_PIPE = 141


class _StdoutClosedError(Exception):
    """Standard output is a pipe whose reader has gone (e.g. ``| head -1``)."""


def _clean(text: str) -> str:
    r"""Return ``text`` with every control character except newline as a visible escape (``\x1b``)."""
    return printable(text).replace("\t", "\\t")


def _out(text: str) -> None:
    """Print ``text`` on standard output; a closed pipe raises :class:`_StdoutClosedError`."""
    try:
        sys.stdout.write(text)
    except BrokenPipeError as exc:
        raise _StdoutClosedError from exc


def _err(text: str) -> None:
    """Print a message on standard error, control characters made visible; a closed stderr is ignored."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(_clean(text))
        sys.stderr.flush()


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError as exc:
        raise _StdoutClosedError from exc


def _silence_stdout() -> None:
    """Point standard output at the null device, so the interpreter's last flush cannot fail again.

    This is the advice of the Python documentation (``signal`` module, "Note on SIGPIPE").
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (e.g. under a test): nothing left to flush at exit
    finally:
        os.close(devnull)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit 2 with a one-paragraph message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, _clean(f"esr-geo: error: {message}. Run '{self.prog} --help' for the options.\n"))


def _frame_out(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        buf = io.StringIO()
        frame.to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue()
    if fmt == "json":
        return (
            json.dumps(json.loads(frame.to_json(orient="records", date_format="iso")), ensure_ascii=False, indent=2)
            + "\n"
        )
    return frame.to_string(index=False) + "\n"


# --------------------------------------------------------------------------------------
# Commands


def _rollout_headers(lang: str) -> dict[str, str]:
    """Column headers of the rollout table in ``lang`` (the page's own, from :mod:`esr_geo.i18n`)."""
    from esr_geo import i18n

    cols = ("catchment_id", "catchment", "phase", "ssm", "planning_period", "ies_start", "status_label")
    return {c: i18n.COLUMNS[c][lang] for c in cols}


def _cmd_rollout(args: argparse.Namespace) -> int:
    from esr_geo.rollout import load_rollout, statuses_on

    table = statuses_on(load_rollout(args.rollout), on=args.date, lang=args.lang)
    if args.format == "table":
        table = table.drop(columns=["status"]).rename(columns=_rollout_headers(args.lang))
    _out(_frame_out(table, args.format))
    return EXIT_OK


def _cmd_catchments(args: argparse.Namespace) -> int:
    from esr_geo.model import load_base
    from esr_geo.rollout import STATUS_LABELS, TBA_TEXT, parse_date, status_codes

    day = parse_date(args.date)
    base = load_base(args.data_dir)
    frame = base.catchments.drop(columns="geometry").copy()
    frame["status"] = frame["catchment_id"].map(status_codes(base.rollout, on=day))
    frame["status_label"] = frame["status"].map(STATUS_LABELS["en"])
    for col in ("planning_start", "planning_end", "ies_start"):
        frame[col] = frame[col].dt.strftime("%Y-%m").fillna(TBA_TEXT["en"] if args.format == "table" else "")
    frame["land_area_km2"] = frame["land_area_km2"].round(1)
    frame["density_per_km2"] = frame["density_per_km2"].round(2)
    _out(_frame_out(frame, args.format))
    return EXIT_OK


def _ssm_frame(view: object, *, lang: str, table: bool) -> pd.DataFrame:
    """Return the SSM view (one row per SSM) in ``lang``; for ``table``, without codes and with numbers formatted.

    A cell about several catchments lists them in the order of ``catchment``, separated by '; '.
    """
    from esr_geo import i18n
    from esr_geo.rollout import PHASE_LABELS, format_month, format_period
    from esr_geo.ssm import FIGURES, SsmView

    assert isinstance(view, SsmView)
    cat = view.catchments.set_index("catchment_id")[f"catchment_{lang}"]
    rows = []
    for rec in view.ssms.to_dict("records"):
        periods = zip(rec["planning_starts"], rec["planning_ends"], strict=True)
        rows.append(
            {
                "ssm_id": rec["ssm_id"],
                "ssm": i18n.ssm_name(rec["ssm_en"], rec["ssm_fr"], lang),
                "catchment_ids": "; ".join(rec["catchment_ids"]),
                "catchment": "; ".join(str(cat[c]) for c in rec["catchment_ids"]),
                "phase": "; ".join(PHASE_LABELS[lang].get(p, p) for p in rec["phases"]),
                "planning_period": "; ".join(format_period(a, b, lang=lang) for a, b in periods),
                "ies_start": "; ".join(format_month(v, lang=lang) for v in rec["ies_starts"]),
                "status": "; ".join(rec["statuses"]),
                "status_label": "; ".join(i18n.status_label(c, lang) for c in rec["statuses"]),
                **{k: round(rec[k], 2) if k == "pct_within_threshold" else rec[k] for k in FIGURES},
                "failing_zones": "; ".join(rec["failing_zones"]),
            }
        )
    frame = pd.DataFrame(rows)
    if not table:
        return frame
    for col in FIGURES:
        fmt = i18n.fmt_pct if col == "pct_within_threshold" else i18n.fmt_int
        frame[col] = [fmt(float(v), lang) for v in frame[col]]
    frame = frame.drop(columns=["ssm_id", "catchment_ids", "status", "non_reserve_population"])
    return frame.rename(columns={c: i18n.column_label(c, lang) for c in frame.columns})


def _cmd_ssm(args: argparse.Namespace) -> int:
    from esr_geo.analysis import Analysis
    from esr_geo.rollout import load_rollout
    from esr_geo.ssm import ssm_view

    rollout = load_rollout(args.rollout) if args.rollout is not None else None  # a bad file fails before the load
    analysis = _analysis_from_args(args)
    assert isinstance(analysis, Analysis)
    view = ssm_view(analysis, rollout=rollout)
    _out(_frame_out(_ssm_frame(view, lang=args.lang, table=args.format == "table"), args.format))
    for note in analysis.notes:  # on standard error: standard output stays a table, CSV or JSON
        _err(f"Note: {note}\n")
    return EXIT_OK


def _cmd_data_check(args: argparse.Namespace) -> int:
    from esr_geo.data import check_bundle

    report = check_bundle(args.data_dir)
    _out(report.to_text() + "\n")
    return EXIT_OK if report.ok else EXIT_USAGE


def _thresholds_by_class(
    values: list[str] | None, *, flag: str = "--threshold-class", unit: str = "kilometres"
) -> dict[str, float] | None:
    if not values:
        return None
    from esr_geo.errors import InputError

    out: dict[str, float] = {}
    for item in values:
        label, sep, km = item.rpartition("=")
        if not sep or not label.strip():
            raise InputError(f"{flag} {item!r} must look like 'remote=75' (a remoteness class, '=', {unit}).")
        try:
            out[label.strip()] = float(km)
        except ValueError as exc:
            raise InputError(f"{flag} {item!r}: {km!r} is not a number of {unit}.") from exc
    return out


def _road_problems(args: argparse.Namespace) -> list[str]:
    """Return what is wrong with the road-network options (before anything is loaded)."""
    from esr_geo.access import check_minutes
    from esr_geo.drive import check_bands
    from esr_geo.errors import InputError

    road_only = {
        "--speeds": args.speeds,
        "--access-speed-kmh": args.access_speed_kmh,
        "--max-access-km": args.max_access_km,
        "--threshold-min": args.threshold_min,
        "--threshold-class-min": args.threshold_class_min,
        "--service-bands": args.service_bands,
    }
    problems = []
    if args.network is None:
        given = [flag for flag, value in road_only.items() if value is not None]
        if given:
            problems.append(f"{', '.join(given)} need(s) a road network: add --network FILE, or leave them out.")
        return problems
    if args.threshold_km is not None or args.threshold_class:
        problems.append(
            "With --network, access is measured in drive minutes: give --threshold-min (and --threshold-class-min) "
            "instead of --threshold-km (and --threshold-class)."
        )
    checks = [
        lambda: args.threshold_min is None or check_minutes(args.threshold_min, name="--threshold-min"),
        lambda: _thresholds_by_class(args.threshold_class_min, flag="--threshold-class-min", unit="minutes"),
        lambda: args.service_bands is None or check_bands(args.service_bands),
    ]
    for check in checks:
        try:
            check()
        except InputError as exc:
            problems.append(str(exc))
    for flag, value in (("--access-speed-kmh", args.access_speed_kmh), ("--max-access-km", args.max_access_km)):
        if value is not None and not (value > 0 and value < float("inf")):
            problems.append(f"{flag} must be a number more than 0; got {value:g}.")
    return problems


def _road_measure(args: argparse.Namespace) -> object:
    """Return the drive-time measure the options ask for, or None for straight-line km."""
    if args.network is None:
        return None
    from esr_geo.drive import road_measure

    by_class = _thresholds_by_class(args.threshold_class_min, flag="--threshold-class-min", unit="minutes")
    return road_measure(
        args.network,
        speeds=args.speeds,
        threshold_min=args.threshold_min,
        threshold_min_by_class=by_class,
        access_speed_kmh=args.access_speed_kmh,
        max_access_km=args.max_access_km,
        bands_min=args.service_bands,
    )


def _check_analysis_args(args: argparse.Namespace) -> None:
    """Refuse bad options before the (slow) data load, all problems at once."""
    from esr_geo.access import check_threshold
    from esr_geo.errors import InputError
    from esr_geo.rollout import parse_date

    problems = []
    checks = [
        lambda: parse_date(args.date),
        lambda: args.threshold_km is None or check_threshold(args.threshold_km, name="--threshold-km"),
        lambda: _thresholds_by_class(args.threshold_class),
    ]
    for check in checks:
        try:
            check()
        except InputError as exc:
            problems.append(str(exc))
    if args.min_share is not None and not 0 < args.min_share <= 100:
        problems.append(f"--min-share is a percent between 0 and 100 (e.g. 90); got {args.min_share:g}.")
    elif args.min_share is not None and args.min_share <= 1:
        problems.append(
            f"--min-share is a percent: {args.min_share:g} means {args.min_share:g}% of residents. "
            f"Did you mean {100 * args.min_share:g}? Give the percent, e.g. --min-share 90."
        )
    if args.min_sites is not None and args.min_sites < 0:
        problems.append(f"--min-sites must be 0 or more; got {args.min_sites}.")
    problems += _road_problems(args)
    problems += _workspace_problems(args)
    if problems:
        raise InputError("Some options are not valid:", problems)


def _workspace_problems(args: argparse.Namespace) -> list[str]:
    """Return what is wrong with --workspace and --scenario beside the other options."""
    workspace, scenario = getattr(args, "workspace", None), getattr(args, "scenario", None)
    problems = []
    if scenario is not None and workspace is None:
        problems.append("--scenario NAME applies a scenario saved in a workspace: add --workspace FILE.")
    if workspace is not None:
        given = [f for f, v in (("--offices", args.offices), ("--zones", args.zones)) if v is not None]
        if given:
            problems.append(
                f"--workspace gives the sites and zones; leave out {' and '.join(given)} (or the workspace)."
            )
    if scenario is not None:
        given = [f for f, v in (("--threshold-km", args.threshold_km), ("--threshold-min", args.threshold_min)) if v]
        if given:
            problems.append(f"--scenario sets the threshold; leave out {' and '.join(given)}.")
    return problems


def _workspace_analysis(args: argparse.Namespace, base: object, options: object, *, with_closures: bool) -> object:
    """Return the analysis of ``--workspace`` with its ``--scenario`` applied (closures only if ``with_closures``)."""
    import dataclasses

    from esr_geo.compare import apply_scenario
    from esr_geo.workspace import analyse_workspace, open_workspace

    ws = open_workspace(args.workspace)
    analysis = analyse_workspace(ws, base, options=options, skip_invalid=args.skip_invalid)  # type: ignore[arg-type]
    if args.scenario is None:
        return analysis
    scenario = ws.scenario(args.scenario)
    args.scenario_closed = list(scenario.closed)
    return apply_scenario(analysis, scenario if with_closures else dataclasses.replace(scenario, closed=()))


def _analysis_from_args(args: argparse.Namespace, *, with_closures: bool = True) -> object:
    from esr_geo.analysis import AnalysisOptions, analyse
    from esr_geo.model import load_base

    _check_analysis_args(args)
    road = _road_measure(args)
    base = load_base(args.data_dir)
    options = AnalysisOptions(
        threshold_km=args.threshold_km,
        threshold_km_by_class=_thresholds_by_class(args.threshold_class),
        min_sites=args.min_sites,
        min_share=None if args.min_share is None else args.min_share / 100,
        on=args.date,
        road=road,  # type: ignore[arg-type]
        scope=args.scope,
    )
    if getattr(args, "workspace", None) is not None:
        return _workspace_analysis(args, base, options, with_closures=with_closures)
    return analyse(base, offices=args.offices, zones=args.zones, skip_invalid=args.skip_invalid, options=options)


def _note(text: object, lang: str = "en") -> str:
    """Return a note (text or an ``i18n.Note``) as the commands print it (``Note: ...`` / ``Remarque : ...``)."""
    from esr_geo import i18n

    (words,) = i18n.notes_text([text], lang)
    return _clean(i18n.label_value(i18n.t("cli.note", lang), words, lang) + "\n")


def _wrote(written: list[Path], folder: Path | None, lang: str = "en") -> int:
    """Print what was written (names within ``folder``, else full paths), in ``lang``, and return success."""
    from esr_geo import i18n

    key = "cli.wrote_to" if folder is not None else "cli.wrote"
    _out(_clean(i18n.t(key, lang, n=len(written), folder=folder) + "\n"))
    for path in written:
        _out(_clean(f"  {path.name if folder is not None else path}\n"))
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from esr_geo.analysis import Analysis
    from esr_geo.report import summary_sentence, write_report

    analysis = _analysis_from_args(args)
    assert isinstance(analysis, Analysis)
    written = write_report(analysis, args.out, force=args.force, lang=args.lang)
    args.written = written  # for an honest message should anything fail after this
    _out(summary_sentence(analysis, lang=args.lang) + "\n")
    for note in analysis.notes:
        _out(_note(note, args.lang))
    return _wrote(written, args.out, getattr(args, "lang", "en"))


def _cmd_validate(args: argparse.Namespace) -> int:
    from esr_geo.model import load_base
    from esr_geo.offices import validate_sites

    load = validate_sites(args.path, base=load_base(args.data_dir))
    n_err = int((load.problems["severity"] == "error").sum()) if len(load.problems) else 0
    n_warn = len(load.problems) - n_err
    rows = len(load.sites) + len(load.dropped)
    if len(load.problems):
        _out(_frame_out(load.problems, args.format))
    if n_err:
        _err(
            f"esr-geo: {args.path.name}: {n_err} problem(s) in {len(load.dropped)} of {rows} row(s); "
            f"{len(load.sites)} row(s) are valid. Fix the rows listed, or run the report with --skip-invalid "
            "to go ahead without them.\n"
        )
        return EXIT_USAGE
    _out(_clean(f"{args.path.name}: {rows} site(s), all valid ({n_warn} warning(s)).\n"))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from esr_geo.analysis import Analysis
    from esr_geo.export import export_layers, resolve_crs

    resolve_crs(args.crs)  # an unknown EPSG code fails before the analysis runs
    analysis = _analysis_from_args(args)
    assert isinstance(analysis, Analysis)
    written = export_layers(analysis, args.out, fmt=args.format, crs=args.crs, force=args.force, lang=args.lang)
    args.written = written  # for an honest message should anything fail after this
    for note in analysis.notes:
        _out(_note(note, args.lang))
    return _wrote(written, None, getattr(args, "lang", "en"))


def _cmd_scenario(args: argparse.Namespace) -> int:
    from esr_geo.analysis import Analysis
    from esr_geo.errors import InputError
    from esr_geo.scenario import close_sites, list_sites, write_closure

    analysis = _analysis_from_args(args, with_closures=False)  # a saved scenario's closures are the ones studied
    assert isinstance(analysis, Analysis)
    if args.list_sites:
        _out(_frame_out(list_sites(analysis), "csv"))
        return EXIT_OK
    close = [*getattr(args, "scenario_closed", []), *(args.close or [])]
    if not close:
        raise InputError("Name at least one site to close with --close ID (see the ids with --list-sites).")
    if args.out is None:
        raise InputError("Give --out DIR, the folder for the before/after tables and the summary.")
    result = close_sites(analysis, close)
    written = write_closure(result, args.out, force=args.force, lang=args.lang)
    args.written = written  # for an honest message should anything fail after this
    if args.lang == "en":
        _out(result.summary_sentence() + "\n")
    else:
        from esr_geo.scenario_view import closure_summary

        _out(closure_summary(result, args.lang) + "\n")
    for note in analysis.notes:  # e.g. the rows --skip-invalid left out
        _out(_note(note, args.lang))
    return _wrote(written, args.out, getattr(args, "lang", "en"))


def _cmd_suggest(args: argparse.Namespace) -> int:
    from esr_geo.analysis import Analysis
    from esr_geo.scenario import candidate_sites, suggest_sites, write_suggestions

    analysis = _analysis_from_args(args)
    assert isinstance(analysis, Analysis)
    candidates = candidate_sites(analysis, path=args.candidates) if args.candidates else None
    result = suggest_sites(
        analysis,
        k=args.k,
        candidates=candidates,
        catchment=args.catchment,
        zone=args.zone,
        fix_failing_zones_first=args.fix_failing_zones,
    )
    written = write_suggestions(result, args.out, force=args.force, lang=args.lang)
    args.written = written  # for an honest message should anything fail after this
    if args.lang == "en":
        _out(_frame_out(result.to_frame(), "table"))
        notes = result.notes
    else:
        from esr_geo import i18n
        from esr_geo.scenario_view import suggestion_table

        _out(_frame_out(suggestion_table(result, args.lang), "table"))
        cat = analysis.base.catchments
        names = dict(zip(cat["catchment_id"], cat[f"name_{args.lang}"], strict=True))
        notes = [i18n.scenario_note(n.code, n.values, args.lang, catchments=names) for n in result.coded_notes]
    for note in [*analysis.notes, *notes]:  # the input's notes (e.g. rows left out), then the method's
        _out(_note(note, args.lang))
    return _wrote(written, args.out, getattr(args, "lang", "en"))


def _added_sites(values: list[str] | None) -> list[object]:
    """Read ``--add LON,LAT[,NAME]`` values (WGS 84 degrees) as the sites a scenario adds."""
    from esr_geo.errors import InputError
    from esr_geo.workspace import AddedSite

    out: list[object] = []
    problems = []
    for item in values or []:
        parts = [p.strip() for p in item.split(",", 2)]
        try:
            out.append(AddedSite(float(parts[0]), float(parts[1]), parts[2] if len(parts) > 2 else ""))
        except (ValueError, IndexError):
            problems.append(f"--add {item!r} must look like '-94.49,49.77,Kenora North' (longitude, latitude, name)")
    if problems:
        raise InputError("Some sites to add are not valid:", problems)
    return out


def _scenario_of_args(args: argparse.Namespace) -> object:
    """Return the scenario ``workspace save`` describes with --scenario, --close, --add, a threshold and --date."""
    from esr_geo.rollout import parse_date
    from esr_geo.workspace import Scenario

    by_road = args.threshold_min is not None
    default = settings.THRESHOLD_MIN if by_road else settings.THRESHOLD_KM
    given = args.threshold_min if by_road else args.threshold_km
    return Scenario(
        args.scenario,
        closed=tuple(args.close or ()),
        added=tuple(_added_sites(args.add)),  # type: ignore[arg-type]
        measure="min" if by_road else "km",
        threshold=default if given is None else given,
        on=parse_date(args.date) if args.date else None,
    )


def _cmd_workspace_save(args: argparse.Namespace) -> int:
    import dataclasses

    from esr_geo import workspace as ws_mod

    ws = ws_mod.open_workspace(args.source) if args.source is not None else ws_mod.Workspace()
    if args.offices is not None or args.zones is not None:
        from esr_geo.model import load_base

        base = load_base(args.data_dir)
        if args.offices is not None:
            from esr_geo.offices import read_sites

            load = read_sites(args.offices, base=base, skip_invalid=args.skip_invalid)
            ws = dataclasses.replace(ws, sites=ws_mod.site_rows(load.sites), sites_label=load.source)
        if args.zones is not None:
            from esr_geo.zones import read_zones

            zones = ws_mod.keep_zones(read_zones(args.zones, base=base), csds=base.csds)
            ws = dataclasses.replace(ws, zones=zones, zones_label=args.zones.name)
    for name in args.drop or []:
        ws = ws.without_scenario(ws.scenario(name).name)
    if args.scenario is not None:
        ws = ws.with_scenario(_scenario_of_args(args))  # type: ignore[arg-type]
    saved = ws_mod.save_workspace(ws, args.out, force=args.force)
    n_sites = "the demonstration layer" if saved.sites is None else f"{len(saved.sites):,} site(s)"
    n_zones = "the default zones" if saved.zones is None else f"{len(saved.zones):,} zone(s)"
    _out(_clean(f"Wrote workspace {args.out}: {n_sites}, {n_zones}, {len(saved.scenarios)} scenario(s).\n"))
    return EXIT_OK


def _cmd_workspace_show(args: argparse.Namespace) -> int:
    from esr_geo.compare_view import scenario_table
    from esr_geo.workspace import open_workspace

    ws = open_workspace(args.path)
    if args.format != "table":
        _out(_frame_out(scenario_table(ws.scenarios, args.lang), args.format))
        return EXIT_OK
    sites = "the demonstration layer" if ws.sites is None else f"{len(ws.sites):,} ({ws.sites_label or 'own list'})"
    zones = "the default zones" if ws.zones is None else f"{len(ws.zones):,} ({ws.zones_label or 'own zones'})"
    lines = [
        f"Workspace {ws.name}: saved {ws.saved or 'never'} by esr-geo {ws.saved_by or '?'} "
        f"(created {ws.created or '?'})",
        f"Sites: {sites}",
        f"Zones: {zones}",
        f"Scenarios: {len(ws.scenarios)}",
    ]
    _out(_clean("\n".join(lines) + "\n"))
    if ws.scenarios:
        _out(_frame_out(scenario_table(ws.scenarios, args.lang), "table"))
    return EXIT_OK


def _add_workspace_command(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("workspace", help="save or show a workspace: sites, zones and named scenarios in one .gpkg")
    wsub = p.add_subparsers(dest="workspace_command", metavar="ACTION", parser_class=_Parser)
    wsub.required = True
    c = wsub.add_parser("save", help="write a workspace from a site file, a zones file and a scenario")
    c.add_argument("out", type=Path, help="the .gpkg to write")
    c.add_argument("--from", dest="source", type=Path, default=None, metavar="FILE", help="start from this workspace")
    c.add_argument("--offices", type=Path, default=None, help="the site file (default: the demonstration layer)")
    c.add_argument("--zones", type=Path, default=None, help="the zones file (default: the default zones)")
    c.add_argument("--skip-invalid", action="store_true", help="go ahead without invalid site rows")
    c.add_argument("--scenario", default=None, metavar="NAME", help="add (or replace) a named scenario")
    c.add_argument("--close", action="append", metavar="ID", default=None, help="a site the scenario closes")
    c.add_argument("--add", action="append", metavar="LON,LAT,NAME", default=None, help="a site the scenario adds")
    c.add_argument("--threshold-km", type=float, default=None, help="the scenario's straight-line threshold (km)")
    c.add_argument("--threshold-min", type=float, default=None, help="the scenario's drive-time threshold (minutes)")
    c.add_argument("--date", default=None, help="the scenario's date of the rollout statuses, YYYY-MM-DD")
    c.add_argument("--drop", action="append", metavar="NAME", default=None, help="remove a named scenario")
    c.add_argument("--force", action="store_true", help="replace the file if it exists")
    _add_common(c)
    c.set_defaults(func=_cmd_workspace_save)
    c = wsub.add_parser("show", help="what a workspace holds: its sites, zones and named scenarios")
    c.add_argument("path", type=Path, help="the workspace (.gpkg)")
    c.add_argument("--lang", choices=["en", "fr"], default="en", help="language of the scenario table")
    c.add_argument("--format", choices=["table", "csv", "json"], default="table")
    c.set_defaults(func=_cmd_workspace_show)


def _add_analysis_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--offices",
        type=Path,
        default=None,
        help="site file (CSV, XLSX, GeoJSON, GPKG, zipped SHP); default: the Service Canada demonstration layer",
    )
    p.add_argument(
        "--zones",
        type=Path,
        default=None,
        help="zones: polygon file, or CSV of CSDUID,zone (default: each CD of the Northeast and Northwest)",
    )
    p.add_argument(
        "--threshold-km", type=float, default=None, help=f"distance threshold in km (default {settings.THRESHOLD_KM:g})"
    )
    p.add_argument(
        "--threshold-class",
        action="append",
        metavar="CLASS=KM",
        default=None,
        help="a threshold for one remoteness class, e.g. 'very remote=100' (repeatable)",
    )
    p.add_argument(
        "--min-sites",
        type=int,
        default=None,
        help=f"in-person sites a zone needs inside it (default {settings.ZONE_MIN_SITES})",
    )
    p.add_argument(
        "--min-share",
        type=float,
        default=None,
        metavar="PERCENT",
        help=f"percent of a zone's non-reserve people within reach (default {100 * settings.ZONE_MIN_SHARE:g})",
    )
    p.add_argument(
        "--skip-invalid",
        action="store_true",
        help="go ahead without invalid site rows (they are listed) instead of refusing the file",
    )
    p.add_argument("--date", default=None, help="date of the rollout statuses, YYYY-MM-DD (default: today)")
    p.add_argument(
        "--workspace",
        type=Path,
        default=None,
        metavar="FILE",
        help="a workspace (.gpkg saved by esr-geo): use its sites and zones instead of --offices and --zones",
    )
    p.add_argument(
        "--scenario",
        default=None,
        metavar="NAME",
        help="apply this named scenario of the workspace (its closures, added sites, threshold and date)",
    )
    _add_road_options(p)
    _add_common(p)


def _add_road_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("drive time on a road network (instead of straight-line km)")
    g.add_argument(
        "--network",
        type=Path,
        default=None,
        metavar="PATH",
        help="road network: Statistics Canada RNF, Ontario Road Network, OpenStreetMap (.osm, .osm.pbf, Overpass "
        ".json) or a line layer with a speed column (GeoPackage, zipped shapefile, File Geodatabase)",
    )
    g.add_argument("--speeds", type=Path, default=None, metavar="CSV", help="road class to km/h (CSV class,kmh)")
    g.add_argument(
        "--threshold-min",
        type=float,
        default=None,
        help=f"drive-time threshold in minutes (default {settings.THRESHOLD_MIN:g})",
    )
    g.add_argument(
        "--threshold-class-min",
        action="append",
        metavar="CLASS=MIN",
        default=None,
        help="a drive-time threshold for one remoteness class, e.g. 'very remote=90' (repeatable)",
    )
    g.add_argument(
        "--access-speed-kmh",
        type=float,
        default=None,
        help=f"speed of the leg between a home or site and its road (default {settings.ACCESS_SPEED_KMH:g} km/h)",
    )
    g.add_argument(
        "--max-access-km",
        type=float,
        default=None,
        help=f"farther than this from every road is 'no road access' (default {settings.MAX_ACCESS_KM:g} km)",
    )
    g.add_argument(
        "--service-bands",
        default=None,
        metavar="MIN,MIN,...",
        help="drive-time bands of the service-area layer, in minutes (default "
        f"{','.join(f'{b:g}' for b in settings.SERVICE_AREA_BANDS_MIN)})",
    )
    p.add_argument(
        "--scope",
        default=None,
        metavar="ID",
        help="analyse only this catchment id, census division (CDUID) or census subdivision (CSDUID)",
    )


# --------------------------------------------------------------------------------------
# Parser


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"the Ontario data bundle (default: ${settings.DATA_DIR_ENV}, else ../shared/data)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``esr-geo`` command."""
    parser = _Parser(
        prog="esr-geo",
        description="Geospatial planning for Ontario's Employment Services Transformation (EST/RSE).",
    )
    parser.add_argument("--version", action="version", version=f"esr-geo {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the Python traceback of unexpected errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("rollout", help="each catchment's rollout phase, SSM and status on a date")
    p.add_argument("--date", default=None, help="date as YYYY-MM-DD (default: today)")
    p.add_argument("--lang", choices=["en", "fr"], default="en", help="language of names and labels")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--rollout", type=Path, default=None, help="an edited rollout CSV (default: data/rollout.csv)")
    p.set_defaults(func=_cmd_rollout)

    p = sub.add_parser("catchments", help="the 15 catchments with population, area, phase, SSM and status")
    p.add_argument("--format", choices=["table", "csv", "json"], default="csv")
    p.add_argument("--date", default=None, help="date of the status column, YYYY-MM-DD (default: today)")
    _add_common(p)
    p.set_defaults(func=_cmd_catchments)

    p = sub.add_parser(
        "ssm", help="one row per service system manager (SSM): its catchments, people, sites and zones that fail"
    )
    _add_analysis_options(p)
    p.add_argument("--lang", choices=["en", "fr"], default="en", help="language of names, labels and headers")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument("--rollout", type=Path, default=None, help="an edited rollout CSV (default: data/rollout.csv)")
    p.set_defaults(func=_cmd_ssm)

    p = sub.add_parser("data", help="inspect the data bundle")
    dsub = p.add_subparsers(dest="data_command", metavar="ACTION", parser_class=_Parser)
    dsub.required = True
    c = dsub.add_parser("check", help="verify every bundle file and print what was found")
    _add_common(c)
    c.set_defaults(func=_cmd_data_check)

    p = sub.add_parser("report", help="write the in-person coverage-gap report (CSV, HTML, Excel)")
    _add_analysis_options(p)
    p.add_argument("--out", type=Path, required=True, help="folder to write into (created if needed)")
    p.add_argument("--force", action="store_true", help="replace report files already in the folder")
    p.add_argument("--lang", choices=["en", "fr"], default="en", help="language of the report's words")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("export", help="write the analysis as GIS layers (shapefile zip, GeoPackage, GeoJSON, CSV)")
    _add_analysis_options(p)
    p.add_argument("--format", choices=["shp", "gpkg", "geojson", "csv"], required=True)
    p.add_argument(
        "--crs",
        default=None,
        help=f"EPSG code of shapefile/GeoPackage output (default {settings.EXPORT_CRS}, NAD83 / Ontario MNR Lambert)",
    )
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        help="shp: a .zip; gpkg: a .gpkg; geojson/csv: a folder",
    )
    p.add_argument("--force", action="store_true", help="replace existing output")
    p.add_argument("--lang", choices=["en", "fr"], default="en", help="language of the README and the layers' words")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("scenario", help="what closing one or more sites costs: before/after tables and a summary")
    _add_analysis_options(p)
    p.add_argument("--close", action="append", metavar="ID", default=None, help="site id or exact name (repeatable)")
    p.add_argument("--list-sites", action="store_true", help="print the sites that can be closed and exit")
    p.add_argument("--out", type=Path, default=None, help="folder to write into (created if needed)")
    p.add_argument("--force", action="store_true", help="replace files already in the folder")
    p.add_argument("--lang", choices=["en", "fr"], default="en", help="language of the summary and the tables' words")
    p.set_defaults(func=_cmd_scenario)

    p = sub.add_parser("suggest", help="where K new in-person sites would bring the most people within reach")
    _add_analysis_options(p)
    p.add_argument("--k", type=int, required=True, help="how many new sites to suggest")
    p.add_argument("--catchment", default=None, help="only this catchment (id or name)")
    p.add_argument("--zone", default=None, help="only this service delivery zone (name)")
    p.add_argument("--fix-failing-zones", action="store_true", help="first make every failing zone pass, if possible")
    p.add_argument(
        "--candidates",
        type=Path,
        default=None,
        help="candidate locations (any site format; default: named communities)",
    )
    p.add_argument("--out", type=Path, required=True, help="folder to write into (created if needed)")
    p.add_argument("--force", action="store_true", help="replace files already in the folder")
    p.add_argument("--lang", choices=["en", "fr"], default="en", help="language of the summary and the tables' words")
    p.set_defaults(func=_cmd_suggest)

    _add_workspace_command(sub)

    p = sub.add_parser("validate", help="check a site file and list every problem with its row")
    p.add_argument("path", type=Path, help="the site file")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    _add_common(p)
    p.set_defaults(func=_cmd_validate)
    return parser


def _failure_note(args: argparse.Namespace) -> str:
    """Say whether output files were written before a failure."""
    written = getattr(args, "written", None)
    if written:
        return f"The {len(written)} output file(s) had been written already."
    return "Nothing was written."


#: The command-line option of each library parameter an error may name (see ``EsrGeoError.parameter``).
_FLAGS = {
    "data_dir": "--data-dir (or the ESR_GEO_DATA_DIR environment variable)",
    "crs": "--crs",
    "fmt": "--format",
    "out": "--out",
    "skip_invalid": "--skip-invalid",
    "threshold_km": "--threshold-km",
    "threshold_km_by_class": "--threshold-class",
    "threshold_min": "--threshold-min",
    "threshold_min_by_class": "--threshold-class-min",
    "scope": "--scope",
    "network": "--network",
    "speeds": "--speeds",
    "access_speed_kmh": "--access-speed-kmh",
    "max_access_km": "--max-access-km",
    "bands_min": "--service-bands",
    "candidates": "--candidates",
    "offices": "--offices",
    "zones": "--zones",
    "rollout": "--rollout",
    "workspace": "--workspace",
    "scenario": "--scenario",
}


#: Where the command line sends a planner to learn a file's format (see ``esr_geo.errors.GUIDES``).
_GUIDES = {
    "sites": "start from the site-file template, data/offices/template.csv (its columns are described in "
    "data/offices/README.md)",
    "zones": "see the zones file format (Zones in README.md)",
}


def _shell_word(text: str) -> str:
    """Quote a file name for a command line (double quotes work in POSIX shells and on Windows)."""
    return text if re.fullmatch(r"[\w.,+@%/:=-]+", text) else '"' + text.replace('"', '\\"') + '"'


def _validate_hint(exc: Exception) -> str:
    """For a site file with invalid rows, the command that lists every problem; else ''."""
    from esr_geo.offices import SiteValidationError

    if not isinstance(exc, SiteValidationError):
        return ""
    return f"`esr-geo validate {_shell_word(exc.load.source)}` lists every problem with its row and fix."


def _run(args: argparse.Namespace) -> int:
    """Run the chosen command; errors become a message and an exit status (see :func:`main`)."""
    try:
        code = int(args.func(args))
        _flush_stdout()
        return code
    except EsrGeoError as exc:
        _err(f"esr-geo: {reword_guides(str(exc), _GUIDES)}\n")
        flag = _FLAGS.get(exc.parameter or "")
        if flag:
            _err(f"esr-geo: on the command line, that is {flag}.\n")
        hint = _validate_hint(exc)
        if hint:
            _err(f"esr-geo: {hint}\n")
        if getattr(exc, "needs_force", False):
            _err("esr-geo: to replace the existing files, run again with --force.\n")
        return EXIT_USAGE
    except FileNotFoundError as exc:
        _err(f"esr-geo: file not found: {exc.filename or exc}. Check the path and try again.\n")
        return EXIT_USAGE
    except PermissionError as exc:
        _err(f"esr-geo: permission denied: {exc.filename or exc}. Choose a folder you can write to.\n")
        return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``esr-geo`` command and return its exit status.

    Errors that esr-geo raises on purpose (bad data, bad input, an output that cannot be
    written) print their message and return 2; unexpected errors print a short note (the
    traceback only with ``--debug``) and return 1. A closed standard output (``| head``)
    returns 141 quietly. Every message has its control characters made visible.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except _StdoutClosedError:
        _silence_stdout()
        return EXIT_PIPE
    except KeyboardInterrupt:
        _err(f"esr-geo: interrupted. {_failure_note(args)}\n")
        return 130
    except Exception as exc:
        if args.debug or os.environ.get("ESR_GEO_DEBUG"):
            _err(traceback.format_exc())
        _err(
            f"esr-geo: unexpected error ({type(exc).__name__}: {exc}). {_failure_note(args)} "
            "Run again with --debug to see the details and report them to the esr-geo team.\n"
        )
        return EXIT_FAIL


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
