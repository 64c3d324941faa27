"""The coverage-gap report: CSV tables, a printable HTML page and an Excel workbook."""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from esr_geo import __version__, french, i18n, settings
from esr_geo._io import csv_bytes, csv_text, neutralise_formulas, write_files
from esr_geo.analysis import Analysis
from esr_geo.data import ATTRIBUTIONS
from esr_geo.errors import MAX_LISTED

if TYPE_CHECKING:
    from esr_geo.network import RoadNetwork
from esr_geo.style import FAIL_COLOUR, PASS_COLOUR, PHASE_COLOURS, RESERVE_COLOUR

PathLike = str | os.PathLike[str]

CSV_TABLES = (
    "coverage_by_catchment", "coverage_by_zone", "access_by_csd", "underserved_communities",
    "french_designated_areas", "french_communities",
)  # fmt: skip
REPORT_FILES = (*[f"{t}.csv" for t in CSV_TABLES], "reserves_exempt.csv", "report.html", "report.xlsx", "README.txt")


TABLE_TITLES = {
    "coverage_by_catchment": "Coverage by catchment",
    "coverage_by_zone": "Service delivery zones",
    "underserved_communities": "Communities beyond the threshold",
    "reserves_exempt": "First Nations reserves (exempt from the SSM model; shown apart)",
    "access_by_csd": "Access by census subdivision",
    "french_designated_areas": i18n.t("tables.french_designated_areas", "en"),
    "french_communities": i18n.t("tables.french_communities", "en"),
}


def _day(day: dt.date, lang: str) -> str:
    """Return a date as the files write it: ``2024-06-01`` in English, ``1er juin 2024`` in French."""
    return day.isoformat() if lang == "en" else i18n.fmt_date(day, lang)


def _threshold_text(value: float, by_class: dict[str, float], lang: str, *, unit: str) -> str:
    """Return ``'50 km'``, or ``'50 km (remote: 75 km)'`` with per-remoteness-class thresholds (``unit`` km or min)."""
    def one(v: float) -> str:
        return f"{i18n.fmt_km(v, lang)} km" if unit == "km" else i18n.t("method.min", lang, n=i18n.fmt_km(v, lang))

    main = one(value) if unit == "km" else i18n.t("method.minutes", lang, n=i18n.fmt_km(value, lang))
    if not by_class:
        return main
    classes = [
        i18n.t("method.threshold_class", lang, cls=i18n.value_label("remoteness_class", k, lang), value=one(v))
        for k, v in sorted(by_class.items())
    ]
    return f"{main} ({', '.join(classes)})"


def method_notes(analysis: Analysis, *, lang: str = "en") -> list[str]:
    """Return the method, thresholds and limitations of an analysis in plain words, in ``lang`` (words from i18n)."""
    t = i18n.t
    threshold = _threshold_text(analysis.threshold_km, analysis.threshold_km_by_class, lang, unit="km")
    sites = i18n.fmt_int(int(analysis.sites["in_person"].sum()), lang)
    share = i18n.fmt_pct(100 * analysis.min_share, lang, 0)
    zones = i18n.zones_label(analysis.zones_source, lang)
    return [
        t("method.sites", lang, source=i18n.sites_label(analysis, lang), n=sites),
        t("method.zones", lang, source=zones, min_sites=analysis.min_sites, share=share),
        *(_road_notes(analysis, lang) if analysis.road is not None else _straight_notes(threshold, lang)),
        t("method.population", lang, total=i18n.fmt_int(settings.ONTARIO_POPULATION_2021, lang)),
        t("method.remoteness", lang),
        t("method.reserves", lang),
        t("method.rollout", lang, on=_day(analysis.on, lang)),
        *french_method_notes(analysis, lang=lang),
    ]


def french_method_notes(analysis: Analysis, *, lang: str = "en") -> list[str]:
    """Return the method and limits of the French Language Services tables in ``lang`` (words from i18n)."""
    areas = analysis.tables.get("french_designated_areas")
    if areas is None:
        return []
    in_person = analysis.sites[analysis.sites["in_person"].astype(bool)]
    flags = french.french_flags(in_person)
    rule = french.FrenchRule()
    notes = [
        i18n.t(
            "fls.method_rule",
            lang,
            n=areas["area_no"].nunique(),
            date=i18n.fmt_date(analysis.on, lang),
            fr=int(flags.fillna(False).sum()),
            sites=len(in_person),
            min_sites=rule.sites,
            share=i18n.fmt_pct(100 * rule.share, lang, 0),
        ),
        i18n.t("fls.method_limits", lang),
        i18n.t("fls.method_dates", lang),
    ]
    unknown = int(flags.isna().sum())
    return notes + ([i18n.t("fls.method_unknown", lang, n=unknown)] if unknown else [])


def _straight_notes(threshold: str, lang: str = "en") -> list[str]:
    return [i18n.t("method.straight_threshold", lang, threshold=threshold), i18n.t("method.straight_limit", lang)]


def _road_notes(analysis: Analysis, lang: str = "en") -> list[str]:
    """Return the method notes of an analysis measured by road (which network, speeds, defaults, area)."""
    road = analysis.road
    assert road is not None
    net, opts = road.network, road.options
    threshold = _threshold_text(road.threshold_min, dict(road.threshold_min_by_class), lang, unit="min")
    notes = [
        i18n.t(
            "method.road_threshold", lang, threshold=threshold, network=net.path.name,
            schema=i18n.t(f"schema.{net.schema}", lang), size=_network_size(net, lang), speeds=net.speeds_source,
        ),
        i18n.t(
            "method.road_access", lang, kmh=i18n.fmt_km(opts.access_speed_kmh, lang),
            max_km=i18n.fmt_km(opts.max_access_km, lang),
        ),
    ]  # fmt: skip
    return notes + _scope_notes(analysis, lang)


def _network_size(net: RoadNetwork, lang: str = "en") -> str:
    pieces = net.pieces()
    main = pieces.iloc[0] if len(pieces) else None
    fmt = i18n.fmt_int
    text = i18n.t(
        "method.network_size", lang, edges=fmt(net.n_edges, lang), nodes=fmt(net.n_nodes, lang),
        km=fmt(net.road_km, lang),
    )  # fmt: skip
    if main is not None and len(pieces) > 1:
        pct = i18n.fmt_pct(100 * main.road_km / max(net.road_km, 1e-9), lang)
        text += i18n.t("method.network_pieces", lang, n=fmt(len(pieces) - 1, lang), pct=pct)
    return text


def _scope_notes(analysis: Analysis, lang: str = "en") -> list[str]:
    area = analysis.scope
    if area is None:
        return []
    fmt = i18n.fmt_int
    near_km = i18n.fmt_km(settings.NETWORK_SCOPE_NEAR_KM, lang)
    if area.requested is not None:
        what = i18n.t("method.scope_asked", lang, area=area.requested)
    else:
        share = i18n.fmt_pct(100 * settings.NETWORK_SCOPE_MIN_SHARE, lang, 0)
        what = i18n.t("method.scope_network", lang, pct=share, km=near_km)
    people = fmt(int(analysis.points["population"].sum()), lang)
    notes = [i18n.t("method.scope", lang, what=what, csds=fmt(len(area.csds), lang), people=people)]
    if len(area.left_out):
        listed = ", ".join(
            i18n.t(
                "method.left_out_row", lang, name=row.CSDNAME, code=row.CSDUID,
                people=fmt(float(row.population), lang),  # type: ignore[arg-type]
                pct=i18n.fmt_pct(100 * float(row.near_share), lang, 0), km=near_km,  # type: ignore[arg-type]
            )
            for row in area.left_out.head(MAX_LISTED).itertuples()
        )  # fmt: skip
        more = len(area.left_out) - MAX_LISTED
        tail = i18n.t("method.left_out_more", lang, n=fmt(more, lang)) if more > 0 else "."
        notes.append(i18n.t("method.left_out", lang, listed=listed, more=tail))
    return notes


def static_map_png(analysis: Analysis, *, dpi: int = 110, lang: str = "en") -> bytes:
    """Draw a static map of catchments, zones, sites and gaps (its legend in ``lang``) and return it as PNG bytes."""
    from matplotlib.figure import Figure  # imported here: matplotlib adds ~0.5 s to start-up

    from esr_geo.rollout import PHASE_LABELS

    fig = Figure(figsize=(9.5, 8.5), dpi=dpi)
    ax = fig.subplots()
    cat = analysis.base.catchments
    for phase, colour in PHASE_COLOURS.items():
        part = cat[cat["phase"] == phase]
        if len(part):
            label = PHASE_LABELS[i18n.check_lang(lang)].get(phase, phase)
            part.plot(ax=ax, color=colour, edgecolor="white", linewidth=0.6, alpha=0.55, label=label)
    zones = gpd.GeoDataFrame(
        analysis.zones.merge(analysis.tables["coverage_by_zone"][["zone", "passes"]], on="zone"),
        geometry="geometry",
        crs=analysis.zones.crs,
    )
    for passes, colour in ((True, PASS_COLOUR), (False, FAIL_COLOUR)):
        part = zones[zones["passes"] == passes]
        if len(part):
            part.boundary.plot(ax=ax, color=colour, linewidth=1.4 if passes else 2.2)
    sites = analysis.sites[analysis.sites["in_person"].astype(bool)].to_crs(settings.ANALYSIS_CRS)
    sites.plot(ax=ax, color="black", markersize=7, marker="^", label=i18n.t("report.map_site", lang))
    gaps = analysis.tables["underserved_communities"]
    for exempt, colour, marker in ((False, FAIL_COLOUR, "o"), (True, RESERVE_COLOUR, "s")):
        gap_part = gaps[gaps["is_reserve_exempt"] == exempt]
        if len(gap_part):
            geo = gpd.GeoSeries(gpd.points_from_xy(gap_part["lon"], gap_part["lat"]), crs=settings.DISPLAY_CRS).to_crs(
                settings.ANALYSIS_CRS
            )
            geo.plot(
                ax=ax,
                markersize=18,
                label=i18n.t("report.map_reserve" if exempt else "report.map_gap", lang),
                color=colour,
                marker=marker,
            )
    ax.plot([], [], color=PASS_COLOUR, linewidth=1.4, label=i18n.t("report.map_pass", lang))
    ax.plot([], [], color=FAIL_COLOUR, linewidth=2.2, label=i18n.t("report.map_fail", lang))
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    ax.set_axis_off()
    ax.set_title(i18n.t("report.map_title", lang), fontsize=10)
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    return buf.getvalue()


#: Columns left out of the printed tables (they stay in the CSV and Excel files).
_HTML_DROP = (
    "lon", "lat", "catchment_id", "census_population", "remoteness_index", "sac_type", "fls_status", "min_fr_sites",
    "min_fr_share",
)  # fmt: skip


def _html_table(frame: pd.DataFrame, lang: str = "en") -> str:
    shown = frame.drop(columns=[c for c in _HTML_DROP if c in frame.columns])
    # the page's own headers (one table of them, in i18n); the CSV and Excel files keep the field names
    shown = neutralise_formulas(_fmt(shown, lang)).rename(columns=lambda c: i18n.column_label(str(c), lang))
    return str(shown.to_html(index=False, escape=True, na_rep=""))


def _fmt(frame: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Return a table's numbers as text in ``lang`` (``12,345.67`` / ``12 345,67``), yes/no in words, no 'None'."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else i18n.fmt_num(v, lang, 2))
        elif pd.api.types.is_integer_dtype(out[col]) and col not in ("CSDUID",):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else i18n.fmt_int(int(v), lang))
        elif pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(lambda v: i18n.yes_no(v, lang))
        elif not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if i18n.is_empty(v) else v)
    return out


#: Style of the report page (one rule group a line).
_REPORT_CSS = "\n".join(
    [
        "",
        "body{font-family:Arial,Helvetica,sans-serif;margin:24px;color:#111;max-width:1200px}",
        "h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #999}",
        "table{border-collapse:collapse;font-size:10.5px;margin:8px 0;width:100%}"
        "th,td{border:1px solid #bbb;padding:3px 4px;text-align:left;vertical-align:top;"
        "overflow-wrap:break-word}th{background:#eee}",
        f".summary{{font-size:15px;background:#f3f3f3;padding:10px;border-left:4px solid {PASS_COLOUR}}}",
        f".fail{{color:{FAIL_COLOUR};font-weight:bold}}.small{{font-size:11px;color:#333}}",
        "@page{size:A4 landscape;margin:9mm}",
        "@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table{page-break-inside:auto;"
        "font-size:8.5px}tr{page-break-inside:avoid}thead{display:table-header-group}img{max-height:170mm}}",
        "",
    ]
)


def html_page(
    analysis: Analysis,
    *,
    title: str,
    css: str,
    summary: str,
    body: Sequence[str],
    headings: tuple[str | None, str | None] = (None, None),
    method_extra: Sequence[str] = (),
    lang: str = "en",
) -> str:
    """Return a self-contained, printable HTML page in the shell every esr-geo page shares.

    The shell: the title, the version and dates, the summary in a box, then ``body``, then the
    method (``method_extra`` followed by :func:`method_notes`) and the data sources and
    attribution. Text is escaped here; ``css`` and ``body`` are HTML.

    Parameters
    ----------
    analysis : Analysis
        The analysis the page is about (its date and method notes).
    title : str, keyword-only
        The page's title (and its heading unless ``heading`` is given).
    css : str, keyword-only
        The page's style sheet.
    summary : str, keyword-only
        The summary sentence(s), plain text.
    body : sequence of str, keyword-only
        HTML fragments between the summary and the method, one a line.
    headings : (str or None, str or None), keyword-only
        The visible heading (``None``: the title) and the method list's (``None``: "Method" in ``lang``).
    method_extra : sequence of str, keyword-only
        Method notes, plain text, listed before those of the analysis.
    lang : {'en', 'fr'}, keyword-only
        The language of the page's own words and method notes.
    """
    esc = html.escape
    lang = i18n.check_lang(lang)
    heading, method_heading = headings
    generated = i18n.t(
        "report.generated", lang, version=__version__, today=_day(dt.date.today(), lang), on=_day(analysis.on, lang)
    )
    licence = i18n.t("report.licence_note", lang)
    parts = [
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title><style>{css}</style></head><body>",
        f"<h1>{esc(title if heading is None else heading)}</h1>",
        f"<p class='small'>{esc(generated)}</p>",
        f"<p class='summary'>{esc(summary)}</p>",
        *body,
        f"<h2>{esc(method_heading or i18n.t('report.method', lang))}</h2><ul>",
        *(f"<li>{esc(n)}</li>" for n in [*method_extra, *method_notes(analysis, lang=lang)]),
        f"</ul><h2>{esc(i18n.t('footer.title', lang))}</h2>",
        f"<p class='small'>{esc(licence)}</p><ul>" if licence else "<ul>",
        *(f"<li>{esc(a)}</li>" for a in ATTRIBUTIONS),
        "</ul></body></html>",
    ]
    return "\n".join(parts)


def render_html(analysis: Analysis, *, lang: str = "en") -> str:
    """Return the report as one self-contained, printable HTML page, in ``lang``."""
    t = i18n.t
    png = base64.b64encode(static_map_png(analysis, lang=lang)).decode("ascii")
    esc = html.escape
    none = f"<p>{esc(t('tables.none', lang))}</p>"
    parts: list[str] = []
    if analysis.notes:
        parts.append(f"<h2>{esc(t('tables.notes', lang))}</h2><ul>")
        parts.extend(f"<li>{esc(n)}</li>" for n in i18n.notes_text(analysis.notes, lang))
        parts.append("</ul>")
    parts.append(
        f"<h2>{esc(t('map.title', lang))}</h2><img alt='{esc(t('report.map_alt', lang))}' style='max-width:100%' "
        f"src='data:image/png;base64,{png}'><p class='small'>{esc(t('report.map_caption', lang))}</p>"
    )
    for key in ("coverage_by_catchment", "coverage_by_zone", "underserved_communities", "reserves_exempt"):
        table = worded_table(analysis, key, lang=lang)
        parts.append(f"<h2>{esc(t(f'tables.{key}', lang))}</h2>")
        parts.append(none if table.empty else _html_table(table, lang))
    csd = worded_table(analysis, "access_by_csd", lang=lang)
    short = csd[(csd["pct_within_threshold"] < 100) & ~csd["is_reserve"]].sort_values("pct_within_threshold")
    parts.append(f"<h2>{esc(t('report.csd_short', lang, title=t('tables.access_by_csd', lang)))}</h2>")
    parts.append(f"<p class='small'>{esc(t('report.csd_note', lang, n=i18n.fmt_int(len(csd), lang)))}</p>")
    parts.append(_html_table(short.drop(columns=["is_reserve"]), lang) if len(short) else none)
    parts += _french_html(analysis, lang)
    return html_page(
        analysis,
        title=t("report.title", lang),
        headings=(t("report.heading", lang), t("report.method_heading", lang)),
        css=_REPORT_CSS,
        summary=summary_sentence(analysis, lang=lang),
        body=parts,
        lang=lang,
    )


def _french_html(analysis: Analysis, lang: str = "en") -> list[str]:
    """Return the report's French Language Services section: the designated areas, and communities out of reach."""
    esc = html.escape
    t = i18n.t
    none = f"<p>{esc(t('tables.none', lang))}</p>"
    areas = worded_table(analysis, "french_designated_areas", lang=lang)
    comm = analysis.tables["french_communities"]
    far = comm[~comm["fr_within"].fillna(True).astype(bool) & ~comm["is_reserve_exempt"].astype(bool)]
    keep = ["area", "community", "kind", "population", "CSDNAME", "catchment", "fr_nearest_site", "fr_distance_km"]
    far = i18n.in_words(far[keep], min_sites=analysis.min_sites, min_share=analysis.min_share, lang=lang)
    far = i18n.value_words(far, lang=lang, names=_english_names(analysis, lang))
    title = t("tables.french_communities", lang)
    return [
        f"<h2>{esc(t('tables.french_designated_areas', lang))}</h2>",
        none if areas.empty else _html_table(areas, lang),
        f"<h2>{esc(t('report.fls_short', lang, title=title))}</h2>",
        f"<p class='small'>{esc(t('report.fls_note', lang))}</p>",
        _html_table(far, lang) if len(far) else none,
    ]


def summary_sentence(analysis: Analysis, *, lang: str = "en") -> str:
    """Return the province summary of an analysis in one sentence, in ``lang`` (for the report and the CLI)."""
    t, num = i18n.t, i18n.fmt_int
    s = analysis.summary()
    km = i18n.fmt_km(analysis.threshold_km, lang)
    limit = t("summary.limit_km_class" if analysis.threshold_km_by_class else "summary.limit_km", lang, km=km)
    how = t("summary.straight", lang)
    if analysis.road is not None:
        minutes = i18n.fmt_km(analysis.road.threshold_min, lang)
        key = "summary.limit_min_class" if analysis.road.threshold_min_by_class else "summary.limit_min"
        limit, how = t(key, lang, min=minutes), t("summary.by_road", lang)
    sites = (
        t("summary.only_site", lang)
        if s["in_person_sites"] == 1
        else t("summary.one_of", lang, n=num(s["in_person_sites"], lang))
    )
    zones = (
        t("summary.zones", lang, n=num(s["zones_failing"], lang), total=num(s["zones"], lang))
        if s["zones"]
        else t("summary.no_zone", lang)
    )
    return t(
        "summary.sentence",
        lang,
        pct=i18n.fmt_pct(s["pct_within_threshold"], lang),
        where=t("summary.where_ontario" if analysis.scope is None else "summary.where_area", lang),
        nonres=num(s["non_reserve_population"], lang),
        limit=limit,
        how=how,
        sites=sites,
        beyond=num(s["pop_beyond_threshold"], lang),
        zones=zones,
        reserves=num(s["reserve_population"], lang),
    )


def _english_names(analysis: Analysis, lang: str) -> dict[str, str]:
    """Return the English names of catchments and SSMs -> their names in ``lang`` (the rollout table's)."""
    return i18n.english_names(analysis.base.rollout, lang)


def worded_table(analysis: Analysis, key: str, *, lang: str = "en") -> pd.DataFrame:
    """Return one of the analysis's tables as the report writes it: its codes in words (``lang``).

    Parameters
    ----------
    analysis : esr_geo.analysis.Analysis
        The analysis.
    key : str
        A key of ``analysis.tables`` (``coverage_by_zone``, ...).
    lang : {'en', 'fr'}, keyword-only
        The language of the words.

    Returns
    -------
    pandas.DataFrame
        The table with zone reasons, statuses and community kinds in words.
    """
    table = i18n.in_words(
        analysis.tables[key], min_sites=analysis.min_sites, min_share=analysis.min_share, lang=lang
    )
    if key == "coverage_by_catchment":
        table = i18n.status_words(table, lang=lang, keep_code=False)
    return i18n.value_words(table, lang=lang, names=_english_names(analysis, lang))


def excel_bytes(analysis: Analysis, *, lang: str = "en") -> bytes:
    """Return the report tables as an Excel workbook (one sheet per table, plus method notes), words in ``lang``.

    Sheet names and column headers are the field names (stable identifiers, as in the CSV files).
    """
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        notes = i18n.notes_text(analysis.notes, lang)
        lines = [summary_sentence(analysis, lang=lang), *method_notes(analysis, lang=lang), *notes]
        summary = pd.DataFrame({i18n.t("report.title", lang): lines})
        neutralise_formulas(summary).to_excel(writer, sheet_name="summary", index=False)
        for key in (*CSV_TABLES, "reserves_exempt"):
            frame = neutralise_formulas(worded_table(analysis, key, lang=lang))
            frame.to_excel(writer, sheet_name=key[:31], index=False)
        attrib = pd.DataFrame({i18n.t("footer.title", lang): list(ATTRIBUTIONS)})
        attrib.to_excel(writer, sheet_name="attribution", index=False)
    return buf.getvalue()


def table_csv(analysis: Analysis, key: str, *, lang: str = "en") -> str:
    """Return one report table as CSV text (formulas neutralised), its words in ``lang``."""
    return csv_text(worded_table(analysis, key, lang=lang))


def table_csv_bytes(analysis: Analysis, key: str, *, lang: str = "en") -> bytes:
    """Return one report table as CSV bytes with a byte-order mark, as the CLI's files are (for downloads)."""
    return csv_bytes(worded_table(analysis, key, lang=lang))


def _heading(text: str, rule: str) -> list[str]:
    return [text, rule * len(text)]


def readme_text(analysis: Analysis, *, lang: str = "en") -> str:
    """Return the README.txt that travels with the report's CSV files (method and attributions), in ``lang``."""
    t = i18n.t
    licence = t("report.licence_note", lang)
    lines = [
        *_heading(t("report.title", lang), "="),
        "",
        summary_sentence(analysis, lang=lang),
        "",
        t("report.readme_generated", lang, today=_day(dt.date.today(), lang), version=__version__),
        "",
        *_heading(t("report.readme_files", lang), "-"),
        *t("report.readme_list", lang).split("\n"),
        "",
        *_heading(t("report.readme_method", lang), "-"),
        *[f"- {n}" for n in method_notes(analysis, lang=lang)],
        "",
        *_input_notes(analysis, lang),
        *_heading(t("footer.title", lang), "-"),
        *([licence] if licence else []),
        *[f"- {a}" for a in ATTRIBUTIONS],
        "",
    ]
    return "\n".join(lines)


def _input_notes(analysis: Analysis, lang: str) -> list[str]:
    """Return the README's notes on the input (rows left out, warnings), in ``lang``; none when there are none."""
    if not analysis.notes:
        return []
    notes = i18n.notes_text(analysis.notes, lang)
    return [*_heading(i18n.t("tables.notes", lang), "-"), *(f"- {n}" for n in notes), ""]


def write_report(analysis: Analysis, out_dir: PathLike, *, force: bool = False, lang: str = "en") -> list[Path]:
    """Write the coverage-gap report files into ``out_dir``, all of them or none.

    Parameters
    ----------
    analysis : Analysis
        A finished analysis.
    out_dir : path-like
        Folder to write into (created if needed).
    force : bool, keyword-only
        Replace report files that already exist there (otherwise refuse, naming them).
    lang : {'en', 'fr'}, keyword-only
        The language of the page, the README, the summary and of the words in the tables (the
        tables keep their field names).

    Returns
    -------
    list of pathlib.Path
        The files written: the four tables and ``reserves_exempt.csv`` (UTF-8 with a
        byte-order mark, for Excel), ``report.html``, ``report.xlsx`` and ``README.txt``.
        They are built in a staging folder and renamed into place only when all exist.
    """
    keys = (*CSV_TABLES, "reserves_exempt")
    files: dict[str, str | bytes] = {f"{key}.csv": table_csv(analysis, key, lang=lang) for key in keys}
    files["report.html"] = render_html(analysis, lang=lang)
    files["report.xlsx"] = excel_bytes(analysis, lang=lang)
    files["README.txt"] = readme_text(analysis, lang=lang)
    return write_files(Path(out_dir), files, force=force)
