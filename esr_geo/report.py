"""The coverage-gap report: CSV tables, a printable HTML page and an Excel workbook."""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import os
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from esr_geo import __version__, i18n, settings
from esr_geo._io import csv_bytes, csv_text, neutralise_formulas, write_files
from esr_geo.analysis import Analysis
from esr_geo.data import ATTRIBUTIONS
from esr_geo.style import FAIL_COLOUR, PASS_COLOUR, PHASE_COLOURS, RESERVE_COLOUR

PathLike = str | os.PathLike[str]

CSV_TABLES = ("coverage_by_catchment", "coverage_by_zone", "access_by_csd", "underserved_communities")
REPORT_FILES = (*[f"{t}.csv" for t in CSV_TABLES], "reserves_exempt.csv", "report.html", "report.xlsx", "README.txt")


TABLE_TITLES = {
    "coverage_by_catchment": "Coverage by catchment",
    "coverage_by_zone": "Service delivery zones",
    "underserved_communities": "Communities beyond the threshold",
    "reserves_exempt": "First Nations reserves (exempt from the SSM model; shown apart)",
    "access_by_csd": "Access by census subdivision",
}


def method_notes(analysis: Analysis) -> list[str]:
    """Return the method, thresholds and limitations of an analysis in plain words."""
    by_class = analysis.threshold_km_by_class
    threshold = f"{analysis.threshold_km:g} km" + (
        " (" + ", ".join(f"{k}: {v:g} km" for k, v in sorted(by_class.items())) + ")" if by_class else ""
    )
    return [
        f"Sites: {analysis.sites_source}; {int(analysis.sites['in_person'].sum())} in-person sites counted "
        "(virtual-only sites never count as in-person access).",
        f"Zones: {analysis.zones_source}. A zone passes with at least {analysis.min_sites} in-person site(s) "
        f"inside it and at least {100 * analysis.min_share:.0f}% of its non-reserve residents within the threshold.",
        f"Distance threshold: {threshold}. Distances are straight-line geodesic distances on the WGS 84 "
        "ellipsoid to the nearest in-person site, in any catchment.",
        "Limitation: road networks, ferries, winter roads and seasonal access are not modelled; a straight "
        "line across water or roadless land understates real travel.",
        "Where people live: in the City of Ottawa, each dissemination block's own 2021 Census population; "
        "elsewhere (no block counts in the data), each dissemination area's 2021 population split evenly over "
        "its dissemination-block representative points (whole persons; any remainder goes to the first blocks). "
        f"All {settings.ONTARIO_POPULATION_2021:,} Ontarians are counted once; DAs with no published count "
        "contribute no one. Each DA is placed in the census subdivision that makes every subdivision's "
        "population equal its published 2021 count (DAs nest in subdivisions; the boundaries are simplified).",
        "Remoteness: Statistics Canada Index of Remoteness 2021 in the classes of Subedi, Roshanafshar and "
        "Greenberg (2020); CSDs without an index value are 'unclassified'. The Statistical Area Classification "
        "is the 2016 vintage.",
        "Reserves: census subdivisions of type IRI (Indian reserve) and S-É (Indian settlement), and First "
        "Nations band offices, are exempt from the SSM model. They are shown and reported apart and never "
        "count as an SSM's gap.",
        f"Rollout statuses as of {analysis.on.isoformat()}. Boundaries are simplified census boundaries.",
    ]


def static_map_png(analysis: Analysis, *, dpi: int = 110) -> bytes:
    """Draw a static map of catchments, zones, sites and gaps and return it as PNG bytes."""
    from matplotlib.figure import Figure  # imported here: matplotlib adds ~0.5 s to start-up

    fig = Figure(figsize=(9.5, 8.5), dpi=dpi)
    ax = fig.subplots()
    cat = analysis.base.catchments
    for phase, colour in PHASE_COLOURS.items():
        part = cat[cat["phase"] == phase]
        if len(part):
            part.plot(ax=ax, color=colour, edgecolor="white", linewidth=0.6, alpha=0.55, label=phase)
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
    sites.plot(ax=ax, color="black", markersize=7, marker="^", label="in-person site")
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
                label="reserve beyond threshold (exempt)" if exempt else "community beyond threshold",
                color=colour,
                marker=marker,
            )
    ax.plot([], [], color=PASS_COLOUR, linewidth=1.4, label="zone passes")
    ax.plot([], [], color=FAIL_COLOUR, linewidth=2.2, label="zone fails")
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    ax.set_axis_off()
    ax.set_title("EST catchments by phase, service delivery zones, in-person sites and gaps", fontsize=10)
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    return buf.getvalue()


#: Columns left out of the printed tables (they stay in the CSV and Excel files).
_HTML_DROP = ("lon", "lat", "catchment_id", "census_population", "remoteness_index", "sac_type")


def _html_table(frame: pd.DataFrame) -> str:
    shown = frame.drop(columns=[c for c in _HTML_DROP if c in frame.columns])
    # the page's own headers (one table of them, in i18n); the CSV and Excel files keep the field names
    shown = neutralise_formulas(_fmt(shown)).rename(columns=lambda c: i18n.column_label(str(c), "en"))
    return str(shown.to_html(index=False, escape=True, na_rep=""))


def _fmt(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:,.2f}")
        elif pd.api.types.is_integer_dtype(out[col]) and col not in ("CSDUID",):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{int(v):,}")
        elif pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map({True: "yes", False: "no"})
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
    heading: str | None = None,
    method_heading: str = "Method",
    method_extra: Sequence[str] = (),
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
    heading : str, keyword-only
        The visible heading (``None``: the title).
    method_heading : str, keyword-only
        Heading of the method list.
    method_extra : sequence of str, keyword-only
        Method notes, plain text, listed before those of the analysis.
    """
    esc = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title><style>{css}</style></head><body>",
        f"<h1>{esc(title if heading is None else heading)}</h1>",
        f"<p class='small'>esr-geo {esc(__version__)} · generated {dt.date.today().isoformat()} · "
        f"rollout status as of {analysis.on.isoformat()}</p>",
        f"<p class='summary'>{esc(summary)}</p>",
        *body,
        f"<h2>{esc(method_heading)}</h2><ul>",
        *(f"<li>{esc(n)}</li>" for n in [*method_extra, *method_notes(analysis)]),
        "</ul><h2>Data sources and attribution</h2><ul>",
        *(f"<li>{esc(a)}</li>" for a in ATTRIBUTIONS),
        "</ul></body></html>",
    ]
    return "\n".join(parts)


def render_html(analysis: Analysis) -> str:
    """Return the report as one self-contained, printable HTML page."""
    png = base64.b64encode(static_map_png(analysis)).decode("ascii")
    esc = html.escape
    parts: list[str] = []
    if analysis.notes:
        parts.append("<h2>Notes on the input</h2><ul>")
        parts.extend(f"<li>{esc(n)}</li>" for n in analysis.notes)
        parts.append("</ul>")
    parts.append(
        f"<h2>Map</h2><img alt='Map of catchments, zones, sites and gaps' style='max-width:100%' "
        f"src='data:image/png;base64,{png}'>"
        "<p class='small'>Boundaries: Statistics Canada 2021 census divisions (simplified), grouped into EST "
        "catchments; zones outlined by pass (blue) or fail (orange). Sites, gaps and band offices as in the "
        "legend. Sources and attribution at the end of this report. Lambert conformal conic projection "
        "(EPSG:3347).</p>"
    )
    for key in ("coverage_by_catchment", "coverage_by_zone", "underserved_communities", "reserves_exempt"):
        table = worded_table(analysis, key)
        parts.append(f"<h2>{esc(TABLE_TITLES[key])}</h2>")
        parts.append("<p>None.</p>" if table.empty else _html_table(table))
    csd = analysis.tables["access_by_csd"]
    short = csd[(csd["pct_within_threshold"] < 100) & ~csd["is_reserve"]].sort_values("pct_within_threshold")
    parts.append(f"<h2>{esc(TABLE_TITLES['access_by_csd'])}: subdivisions with anyone beyond the threshold</h2>")
    parts.append(
        "<p class='small'>The full table of all 577 census subdivisions is in access_by_csd.csv and report.xlsx.</p>"
    )
    parts.append(_html_table(short.drop(columns=["is_reserve"])) if len(short) else "<p>None.</p>")
    return html_page(
        analysis,
        title="esr-geo coverage-gap report",
        heading="In-person access to employment services: coverage-gap report",
        css=_REPORT_CSS,
        summary=summary_sentence(analysis),
        body=parts,
        method_heading="Thresholds and method",
    )


def summary_sentence(analysis: Analysis) -> str:
    """Return the province summary of an analysis in one sentence (English, for the report and the CLI)."""
    s = analysis.summary()
    limit = (
        f"{analysis.threshold_km:g} km"
        if not analysis.threshold_km_by_class
        else f"their threshold ({analysis.threshold_km:g} km, or the remoteness-class threshold where one is set)"
    )
    sites = (
        "the only in-person site" if s["in_person_sites"] == 1 else f"one of {s['in_person_sites']} in-person sites"
    )
    return (
        f"{s['pct_within_threshold']:.1f}% of Ontario's {s['non_reserve_population']:,.0f} non-reserve "
        f"residents live within {limit} (straight line) of {sites}; "
        f"{s['pop_beyond_threshold']:,.0f} people are beyond it, and {s['zones_failing']} of "
        f"{s['zones']} service delivery zones fail. {s['reserve_population']:,.0f} people on reserves are "
        "reported apart (exempt from the SSM model)."
    )


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
    return table


def excel_bytes(analysis: Analysis) -> bytes:
    """Return the report tables as an Excel workbook (one sheet per table, plus method notes)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        summary = pd.DataFrame({"esr-geo coverage-gap report": [summary_sentence(analysis), *method_notes(analysis)]})
        neutralise_formulas(summary).to_excel(writer, sheet_name="summary", index=False)
        for key in (*CSV_TABLES, "reserves_exempt"):
            neutralise_formulas(worded_table(analysis, key)).to_excel(writer, sheet_name=key[:31], index=False)
        attrib = pd.DataFrame({"Data sources and attribution": list(ATTRIBUTIONS)})
        attrib.to_excel(writer, sheet_name="attribution", index=False)
    return buf.getvalue()


def table_csv(analysis: Analysis, key: str) -> str:
    """Return one report table as CSV text (formulas neutralised)."""
    return csv_text(worded_table(analysis, key))


def table_csv_bytes(analysis: Analysis, key: str) -> bytes:
    """Return one report table as CSV bytes with a byte-order mark, as the CLI's files are (for downloads)."""
    return csv_bytes(worded_table(analysis, key))


def readme_text(analysis: Analysis) -> str:
    """Return the README.txt that travels with the report's CSV files (method and attributions)."""
    lines = [
        "esr-geo coverage-gap report",
        "===========================",
        "",
        summary_sentence(analysis),
        "",
        f"Generated {dt.date.today().isoformat()} by esr-geo {__version__}.",
        "",
        "Files",
        "-----",
        "coverage_by_catchment.csv    per catchment: rollout, population, sites, people within/beyond the threshold",
        "coverage_by_zone.csv         per service delivery zone: passes or fails, and why",
        "access_by_csd.csv            per census subdivision: remoteness, distance, people within the threshold",
        "underserved_communities.csv  named places and band offices beyond the threshold",
        "reserves_exempt.csv          First Nations reserves and settlements, reported apart (exempt)",
        "report.html, report.xlsx     the printable report and the same tables as sheets",
        "",
        "Method, thresholds and limitations",
        "----------------------------------",
        *[f"- {n}" for n in method_notes(analysis)],
        "",
        "Data sources and attribution",
        "----------------------------",
        *[f"- {a}" for a in ATTRIBUTIONS],
        "",
    ]
    return "\n".join(lines)


def write_report(analysis: Analysis, out_dir: PathLike, *, force: bool = False) -> list[Path]:
    """Write the coverage-gap report files into ``out_dir``, all of them or none.

    Parameters
    ----------
    analysis : Analysis
        A finished analysis.
    out_dir : path-like
        Folder to write into (created if needed).
    force : bool, keyword-only
        Replace report files that already exist there (otherwise refuse, naming them).

    Returns
    -------
    list of pathlib.Path
        The files written: the four tables and ``reserves_exempt.csv`` (UTF-8 with a
        byte-order mark, for Excel), ``report.html``, ``report.xlsx`` and ``README.txt``.
        They are built in a staging folder and renamed into place only when all exist.
    """
    files: dict[str, str | bytes] = {f"{key}.csv": table_csv(analysis, key) for key in (*CSV_TABLES, "reserves_exempt")}
    files["report.html"] = render_html(analysis)
    files["report.xlsx"] = excel_bytes(analysis)
    files["README.txt"] = readme_text(analysis)
    return write_files(Path(out_dir), files, force=force)
