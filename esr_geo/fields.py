"""The fields of the GIS export: short names, meaning and unit, kind, and the data dictionary.

The tables here say what every exported field is (:data:`FIELD_INFO`, with layer-specific
entries) and what it is called in a shapefile, whose dBASE field names have at most 10
characters (:data:`SHORT_NAMES`, then :func:`shapefile_field_names` for the others);
:func:`data_dictionary` turns the layers of an export into its data dictionary
(``fields.csv`` and the GeoPackage's ``fields`` table). Writing the files is
:mod:`esr_geo.export`'s job.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

import pandas as pd

from esr_geo import settings

#: Shapefile (dBASE) field names: at most 10 characters. Names of 10 characters or fewer that
#: are not listed here are kept; longer unlisted names get a deterministic abbreviation
#: (see :func:`shapefile_field_names`). The same full name gets the same short name in
#: every layer.
SHORT_NAMES: dict[str, str] = {
    "catchment_id": "catch_id",
    "land_area_km2": "area_km2",
    "density_per_km2": "density",
    "reserve_count": "res_count",
    "planning_start": "plan_start",
    "planning_end": "plan_end",
    "reserve_population_exempt": "res_pop",
    "reserve_population": "res_pop",
    "non_reserve_population": "nonres_pop",
    "in_person_sites": "n_sites",
    "sites_per_100k": "sites_100k",
    "pop_within_threshold": "pop_within",
    "pct_within_threshold": "pct_within",
    "pop_beyond_threshold": "pop_beyond",
    "median_distance_km": "median_km",
    "max_distance_km": "max_km",
    "mean_distance_km": "mean_km",
    "people_nearest_site_in_other_catchment": "pop_other",
    "status_label": "status_lbl",
    "organisation": "org",
    "location_precision": "loc_prec",
    "location_source": "loc_source",
    "location_note": "loc_note",
    "remoteness_class": "remoteness",
    "remoteness_index": "remote_idx",
    "census_population": "census_pop",
    "nearest_site": "near_site",
    "distance_km": "dist_km",
    "threshold_km": "thresh_km",
    "is_reserve_exempt": "res_exempt",
    "postal_code": "postal",
    "declared_catchment": "decl_catch",
    "approximate": "approx",
    "fr_unknown_sites": "fr_unknown",
    "pop_within_fr": "pop_in_fr",
    "pct_within_fr": "pct_in_fr",
    "pop_beyond_fr": "pop_out_fr",
    "reserve_pop_within_fr": "res_in_fr",
    "mean_fr_distance_km": "fr_mean_km",
    "max_fr_distance_km": "fr_max_km",
    "mean_fr_drive_min": "fr_mean_mn",
    "max_fr_drive_min": "fr_max_mn",
    "min_fr_sites": "fr_min_n",
    "min_fr_share": "fr_min_shr",
    "drive_min": "drive_min",
    "road_km": "road_km",
    "access_km": "access_km",
    "road_access": "road_acc",
    "threshold_min": "thresh_min",
    "median_drive_min": "med_min",
    "max_drive_min": "max_min",
    "median_road_km": "med_roadkm",
    "pop_no_road_access": "pop_noroad",
    "pop_not_connected": "pop_noconn",
    "band_min": "band_min",
    "drive_before_min": "min_before",
    "drive_after_min": "min_after",
    "road_access_after": "road_after",
}

#: Word abbreviations for names not in :data:`SHORT_NAMES`.
_ABBREVIATIONS = {
    "population": "pop",
    "percent": "pct",
    "percentage": "pct",
    "threshold": "thr",
    "distance": "dist",
    "reserve": "res",
    "catchment": "catch",
    "location": "loc",
    "remoteness": "remote",
    "number": "n",
    "count": "n",
    "identifier": "id",
    "organisation": "org",
    "organization": "org",
    "address": "addr",
    "community": "comm",
    "province": "prov",
    "language": "lang",
    "languages": "langs",
    "description": "desc",
    "minimum": "min",
    "maximum": "max",
    "average": "avg",
    "median": "med",
    "service": "svc",
    "canada": "ca",
    "within": "in",
    "beyond": "out",
    "nearest": "near",
    "other": "oth",
    "person": "p",
    "persons": "p",
    "precision": "prec",
    "source": "src",
    "status": "stat",
    "latitude": "lat",
    "longitude": "lon",
}

_TEXT = "none"
_YESNO = "1 = yes, 0 = no"

#: Unit and meaning of every field, by full name (layer-specific entries below override).
FIELD_INFO: dict[str, tuple[str, str]] = {
    "drive_min": ("minutes", "Drive time by road to the nearest in-person site (by road), including the legs "
                  "between the place and its road; blank without road access."),
    "road_km": ("km", "Length along the roads of that drive; blank without road access."),
    "access_km": ("km", "Straight-line distance from the place to the nearest point of its road."),
    "road_access": (_TEXT, "Whether the place reaches a site by road, has no road access (farther than the "
                    "access distance from every road) or is on a road piece not connected to any site."),
    "threshold_min": ("minutes", "Drive-time threshold that applies here."),
    "median_drive_min": ("minutes", "Median drive time of the residents who reach a site by road (non-reserve)."),
    "max_drive_min": ("minutes", "Longest drive time of a resident who reaches a site by road (non-reserve)."),
    "median_road_km": ("km", "Median road distance of the residents who reach a site by road (non-reserve)."),
    "pop_no_road_access": ("persons", "Residents farther than the access distance from every road (never "
                           "counted as within reach)."),
    "pop_not_connected": ("persons", "Residents whose road is not connected to any in-person site."),
    "band_min": ("minutes", "Upper bound of the drive-time band: the area reached within this many minutes "
                 "of the nearest in-person site (and more than the band below)."),
    "minutes": ("minutes", "Drive time from the road segment to the nearest in-person site."),
    "catchment_id": (_TEXT, "Catchment identifier (stable code used throughout esr-geo)."),
    "name_en": (_TEXT, "Catchment name in English."),
    "name_fr": (_TEXT, "Catchment name in French."),
    "population": ("persons", "Residents, 2021 Census."),
    "land_area_km2": ("km²", "Land area (Statistics Canada, 2021 Census)."),
    "cduids": (_TEXT, "2021 census division codes (CDUID) that make up the catchment, space-separated."),
    "density_per_km2": ("persons per km²", "Population density: population divided by land area."),
    "csd_count": ("count", "Number of census subdivisions in the catchment."),
    "reserve_count": ("count", "Number of those census subdivisions that are First Nations reserves or settlements."),
    "phase": (_TEXT, "EST rollout phase: Prototype, Phase 1, Phase 2 or Phase 3."),
    "ssm_en": (_TEXT, "Service System Manager (English name); blank while to be announced."),
    "ssm_fr": (_TEXT, "Service System Manager (French name); blank while to be announced."),
    "planning_start": ("date", "First day of the planning and transition period; blank while to be announced."),
    "planning_end": (
        "date",
        "First day of the last month of the planning and transition period (the period runs to the end of "
        "that month); blank while to be announced.",
    ),
    "ies_start": ("date", "First day of integrated services (IES); blank while to be announced."),
    "reserve_population_exempt": (
        "persons",
        "Residents of First Nations reserves and settlements: exempt from the SSM model and reported apart.",
    ),
    "reserve_population": (
        "persons",
        "Residents of First Nations reserves and settlements inside the zone: exempt, reported apart.",
    ),
    "non_reserve_population": ("persons", "Residents outside reserves: the people the access criteria count."),
    "in_person_sites": ("sites", "Number of in-person sites located inside the area."),
    "sites_per_100k": ("sites per 100,000 persons", "In-person sites per 100,000 residents."),
    "pop_within_threshold": (
        "persons",
        "Non-reserve residents within the distance threshold (straight line) of an in-person site in any catchment.",
    ),
    "pct_within_threshold": ("%", "Share of non-reserve residents within the distance threshold (0 to 100)."),
    "pop_beyond_threshold": ("persons", "Non-reserve residents beyond the distance threshold of every in-person site."),
    "median_distance_km": (
        "km",
        "Population-weighted median straight-line (geodesic) distance from non-reserve residents to the nearest "
        "in-person site.",
    ),
    "max_distance_km": (
        "km",
        "Largest straight-line distance from any non-reserve resident to the nearest in-person site.",
    ),
    "people_nearest_site_in_other_catchment": (
        "persons",
        "Non-reserve residents whose nearest in-person site lies in another catchment.",
    ),
    "status": (
        _TEXT,
        "Rollout status code on the analysis date: to_be_announced, not_started, planning_and_transition or "
        "integrated_services.",
    ),
    "status_label": (_TEXT, "Rollout status on the analysis date, in words (English)."),
    "site_id": (_TEXT, "Site identifier from the site list."),
    "name": (_TEXT, "Name of the site."),
    "site_type": (_TEXT, "Kind of site (e.g. Service Canada Centre, scheduled outreach site)."),
    "organisation": (_TEXT, "Organisation that runs the site."),
    "in_person": (_YESNO, "The site serves people in person (virtual-only sites never count as in-person access)."),
    "location_precision": (
        _TEXT,
        "What placed the site: coordinates (the file's own), postal_code (postal-code centroid), postal_area "
        "(centre of the code's first three characters) or community (demonstration layer).",
    ),
    "location_source": (_TEXT, "Where the site's coordinates come from."),
    "location_note": (_TEXT, "Note on the site's location."),
    "community": (_TEXT, "Community name."),
    "address": (_TEXT, "Street address of the site."),
    "city": (_TEXT, "City or community of the site's address."),
    "declared_catchment": (_TEXT, "Catchment the site file declared for the site (blank if none)."),
    "source_row": ("row number", "Row of the site in the input file."),
    "flag": (_TEXT, "Warnings about the site found while reading the file (blank when none)."),
    "postal_code": (_TEXT, "Postal code of the site."),
    "languages": (_TEXT, "Languages of service at the site."),
    "url": (_TEXT, "Web page of the site."),
    "lon": ("degrees", "Longitude, WGS 84 (EPSG:4326), east positive."),
    "lat": ("degrees", "Latitude, WGS 84 (EPSG:4326), north positive."),
    "CSDUID": (_TEXT, "2021 census subdivision code (7 digits)."),
    "CSDNAME": (_TEXT, "2021 census subdivision name."),
    "CSDTYPE": (_TEXT, "Census subdivision type (e.g. CY city, TP township, IRI Indian reserve, S-É settlement)."),
    "remoteness_class": (
        _TEXT,
        "Index of Remoteness class: easily accessible, accessible, less accessible, remote, very remote, or "
        "unclassified.",
    ),
    "is_reserve": (_YESNO, "First Nations reserve or settlement (CSD type IRI or S-É): exempt from the SSM model."),
    "snapped_km": (
        "km",
        "Distance from the site to the census subdivision it was assigned to (0 inside); the point itself is not "
        "moved.",
    ),
    "zone_id": (_TEXT, "Zone identifier (the census division code for the default zones)."),
    "members": (
        _TEXT,
        "Census division or subdivision codes that make up the zone, space-separated (blank for zones drawn as "
        "polygons).",
    ),
    "catchment": (_TEXT, "Catchment name (English)."),
    "reason": (_TEXT, "Why the zone fails its criteria; blank when it passes."),
    "passes": (
        _YESNO,
        "The zone passes: it has the required number of in-person sites inside it and the required share of its "
        "non-reserve residents within the threshold (see README).",
    ),
    "census_population": (
        "persons",
        "Published 2021 Census population of the census subdivision (blank where none is published).",
    ),
    "remoteness_index": (
        "index (0 to 1)",
        "Statistics Canada Index of Remoteness 2021 (0 least, 1 most remote); blank where none is published.",
    ),
    "sac_type": (_TEXT, "Statistical Area Classification 2016: CMA/CA or metropolitan influence zone."),
    "mean_distance_km": (
        "km",
        "Population-weighted mean straight-line distance from residents to the nearest in-person site.",
    ),
    "nearest_site": (_TEXT, "Name of the nearest in-person site."),
    "kind": (_TEXT, "Kind of community: place (GeoNames) or First Nation band office."),
    "distance_km": ("km", "Straight-line (geodesic) distance to the nearest in-person site."),
    "threshold_km": ("km", "Distance threshold that applies to this community."),
    "is_reserve_exempt": (
        _YESNO,
        "On a reserve or a First Nation band office: exempt from the SSM model and shown apart.",
    ),
    # French Language Services (esr_geo.french)
    "french": (_YESNO, "The site serves people in French; blank when the site list does not say (never counted as "
               "French-serving)."),
    "area_no": (_TEXT, "Number of the designated area in the list of the 27 areas designated under the French "
                "Language Services Act."),
    "area": (_TEXT, "Area designated under the French Language Services Act, as the designation names it."),
    "approximate": (_YESNO, "The area is approximated by whole census subdivisions: at least one stands for only part "
                    "of what is designated (e.g. a pre-amalgamation township)."),
    "fr_sites": ("sites", "In-person sites inside the area that serve in French."),
    "fr_unknown_sites": ("sites", "In-person sites inside the area whose language of service is not known (never "
                         "counted as French-serving)."),
    "pop_within_fr": ("persons", "Non-reserve residents within the threshold of a French-serving in-person site "
                      "(inside the area or not); blank when unknown."),
    "pct_within_fr": ("%", "Share of non-reserve residents within the threshold of a French-serving in-person site "
                      "(0 to 100); blank when unknown."),
    "pop_beyond_fr": ("persons", "Non-reserve residents beyond the threshold of every French-serving in-person site."),
    "reserve_pop_within_fr": ("persons", "Residents of reserves within the threshold of a French-serving site: "
                              "exempt, reported apart."),
    "mean_fr_distance_km": ("km", "Population-weighted mean straight-line distance from non-reserve residents to "
                            "the nearest French-serving in-person site."),
    "max_fr_distance_km": ("km", "Largest distance from a non-reserve resident to the nearest French-serving "
                           "in-person site."),
    "mean_fr_drive_min": ("minutes", "By road: population-weighted mean drive time from non-reserve residents who "
                          "reach one to the nearest French-serving in-person site."),
    "max_fr_drive_min": ("minutes", "By road: longest drive time from a non-reserve resident to the nearest "
                         "French-serving in-person site they reach."),
    "fls_status": (_TEXT, "French Language Services result code: passes, fails, or unknown (no site in the list "
                   "says whether it serves in French)."),
    "fls_label": (_TEXT, "French Language Services result in words (English)."),
    "short_of_fr_sites": (_YESNO, "Reason code: fewer French-serving in-person sites inside the area than required."),
    "short_of_fr_share": (_YESNO, "Reason code: too few of its non-reserve residents are within the threshold of a "
                          "French-serving in-person site."),
    "min_fr_sites": ("sites", "French-serving in-person sites an area needs inside it to pass."),
    "min_fr_share": ("share (0 to 1)", "Share of non-reserve residents an area needs within the threshold of a "
                     "French-serving in-person site to pass."),
}  # fmt: skip

_LAYER_FIELD_INFO: dict[tuple[str, str], tuple[str, str]] = {
    ("catchments", "population"): (
        "persons",
        "2021 Census population of the catchment, reserves included (the 15 catchments sum to Ontario's "
        f"{settings.ONTARIO_POPULATION_2021:,}).",
    ),
    ("catchments", "in_person_sites"): ("sites", "Number of in-person sites located in the catchment."),
    ("sites", "catchment_id"): (_TEXT, "Catchment the site is in."),
    ("sites", "zone"): (_TEXT, "Service delivery zone the site is in; blank outside every zone."),
    ("sites", "CSDUID"): (_TEXT, "2021 census subdivision code of the site's location."),
    ("sites", "CSDNAME"): (_TEXT, "Census subdivision the site is in."),
    ("sites", "CSDTYPE"): (_TEXT, "Type of the census subdivision the site is in."),
    ("sites", "remoteness_class"): (_TEXT, "Index of Remoteness class of the site's census subdivision."),
    ("sites", "is_reserve"): (_YESNO, "The site is on a First Nations reserve or settlement."),
    ("sites", "name"): (_TEXT, "Name of the site."),
    ("service_delivery_zones", "zone"): (_TEXT, "Name of the service delivery zone."),
    ("service_delivery_zones", "catchment_id"): (_TEXT, "Catchment holding most of the zone's residents."),
    ("service_delivery_zones", "catchment"): (_TEXT, "Catchment holding most of the zone's residents (English)."),
    ("service_delivery_zones", "population"): (
        "persons",
        "Residents of the zone, reserves included (2021 Census population points).",
    ),
    ("service_delivery_zones", "in_person_sites"): ("sites", "Number of in-person sites inside the zone."),
    ("csd_access", "catchment"): (_TEXT, "Catchment of the census subdivision (English)."),
    ("csd_access", "zone"): (_TEXT, "Service delivery zone holding most of the CSD's residents; blank if none."),
    ("csd_access", "population"): (
        "persons",
        "Residents counted from the 2021 dissemination-area population points (0 where none is published).",
    ),
    ("csd_access", "pop_within_threshold"): (
        "persons",
        "Residents of the CSD (reserves included) within the distance threshold of an in-person site.",
    ),
    ("csd_access", "pct_within_threshold"): (
        "%",
        "Share of the CSD's residents (reserves included) within the threshold (0 to 100); blank when no one "
        "is counted.",
    ),
    ("csd_access", "nearest_site"): (_TEXT, "In-person site nearest to most of the CSD's residents."),
    ("underserved_communities", "population"): (
        "persons",
        "Population of the community where known (GeoNames); blank otherwise.",
    ),
    ("underserved_communities", "CSDNAME"): (_TEXT, "Census subdivision the community is in."),
    ("french_designated_areas", "catchment_id"): (_TEXT, "Catchment of this part of the area; blank for the whole "
                                                  "of an area that spans catchments."),
    ("french_designated_areas", "catchment"): (_TEXT, "Catchment of this part of the area (English)."),
    ("french_designated_areas", "population"): ("persons", "Residents of the area (or of its part in the "
                                                "catchment), reserves included (2021 Census population points)."),
    ("french_designated_areas", "reserve_population"): ("persons", "Residents of reserves in the area: exempt, "
                                                        "reported apart."),
    ("french_designated_areas", "csd_count"): ("count", "Number of 2021 census subdivisions that make up the area "
                                               "(or its part in the catchment)."),
    ("french_designated_areas", "in_person_sites"): ("sites", "In-person sites inside the area, in any language."),
    ("french_designated_areas", "reason"): (_TEXT, "Why the area fails the French Language Services rule; blank "
                                            "when it passes."),
    ("underserved_communities", "catchment"): (_TEXT, "Catchment the community is in (English)."),
    ("underserved_communities", "zone"): (_TEXT, "Service delivery zone the community is in; blank if none."),
    ("underserved_communities", "remoteness_class"): (
        _TEXT,
        "Index of Remoteness class of the community's census subdivision.",
    ),
}

#: Field types as written in each format (the ``type`` column of the data dictionary).
_TYPE_NAMES = {"integer": "Integer", "real": "Real", "text": "String", "date": "Date", "datetime": "DateTime"}


# --------------------------------------------------------------------------------------
# Field names


def _ascii_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^0-9A-Za-z_]+", "_", text).strip("_")
    if not text:
        text = "field"
    if text[0].isdigit():
        text = "f" + text
    return text


def _abbreviate(name: str) -> str:
    words = [w for w in re.split(r"[^0-9A-Za-z]+", _ascii_name(name)) if w]
    short = "_".join(_ABBREVIATIONS.get(w.lower(), w) for w in words) or "field"
    if len(short) > 10:
        short = short[:10].rstrip("_")
    return short


def shapefile_field_names(columns: Iterable[str]) -> dict[str, str]:
    """Map full column names to unique shapefile field names of at most 10 characters.

    Names in :data:`SHORT_NAMES` take their listed short name; other names of 10 ASCII
    characters or fewer are kept; longer ones are abbreviated word by word
    (``_ABBREVIATIONS``) and cut to 10 characters. A clash (dBASE names are
    case-insensitive) is settled by a numbered suffix (``name_1``, ``name_2``, ...) in
    column order, so the mapping is deterministic.

    Parameters
    ----------
    columns : iterable of str
        The layer's attribute columns (no geometry).

    Returns
    -------
    dict
        ``{full name: short name}`` in column order.
    """
    cols = [str(c) for c in columns]
    wanted: dict[str, str] = {}
    for col in cols:
        if col in SHORT_NAMES:
            wanted[col] = SHORT_NAMES[col]
        elif len(col) <= 10 and _ascii_name(col) == col:
            wanted[col] = col
        else:
            wanted[col] = _abbreviate(col)
    taken: set[str] = set()
    out: dict[str, str] = {}
    deferred = []
    for col in cols:  # first pass: exact wishes, first come first served
        if wanted[col].lower() not in taken:
            out[col] = wanted[col]
            taken.add(wanted[col].lower())
        else:
            deferred.append(col)
    for col in deferred:
        stem, n = wanted[col], 1
        cand = stem
        while cand.lower() in taken:
            suffix = f"_{n}"
            cand = stem[: 10 - len(suffix)] + suffix
            n += 1
        out[col] = cand
        taken.add(cand.lower())
    return {c: out[c] for c in cols}


# --------------------------------------------------------------------------------------
# Field kinds, meanings and the data dictionary


def is_date(series: pd.Series) -> bool:
    """Return whether a column holds dates (Arrow ``date32``, written as a Date field by every driver)."""
    return str(series.dtype).startswith("date32")


def field_kind(series: pd.Series) -> str:
    """Return a column's kind: 'boolean', 'integer', 'real', 'date', 'datetime' or 'text'."""
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "real"
    if is_date(series):
        return "date"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    return "text"


def field_info(layer: str, name: str) -> tuple[str, str]:
    """Return the unit and meaning of a layer's field (a layer-specific entry first, then :data:`FIELD_INFO`)."""
    if (layer, name) in _LAYER_FIELD_INFO:
        return _LAYER_FIELD_INFO[(layer, name)]
    if name in FIELD_INFO:
        return FIELD_INFO[name]
    return (_TEXT, f"Column {name!r} carried over unchanged from the input file.")


def data_dictionary(
    frames: Mapping[str, pd.DataFrame], *, fmt: str, short: Mapping[str, Mapping[str, str]] | None
) -> pd.DataFrame:
    """Return the data dictionary of an export's layers: one row per field of every layer.

    Parameters
    ----------
    frames : mapping of pandas.DataFrame
        The layers as written, by name (the geometry column is skipped).
    fmt : str, keyword-only
        The export format (``'shp'``: yes/no fields are 0/1 integers).
    short : mapping, optional, keyword-only
        For shapefiles, each layer's ``{full name: short name}``; the frames then have the
        short names, and the dictionary a ``short_name`` column. ``None`` for full names.

    Returns
    -------
    pandas.DataFrame
        ``layer``, (``short_name``), ``full_name``, ``type``, ``unit`` and ``meaning``.
    """
    rows = []
    for layer, frame in frames.items():
        names = short[layer] if short is not None else None
        for col in frame.columns:
            if col == "geometry":
                continue
            full = col if names is None else next(k for k, v in names.items() if v == col)
            kind = field_kind(frame[col])
            unit, meaning = field_info(layer, full)
            if kind == "boolean" or (fmt == "shp" and unit == _YESNO):
                kind_name = "Integer (0/1)" if fmt == "shp" else "Boolean"
                unit = _YESNO if fmt == "shp" else "true/false"
            else:
                kind_name = _TYPE_NAMES[kind]
            row = {"layer": layer}
            if names is not None:
                row["short_name"] = col
            row |= {"full_name": full, "type": kind_name, "unit": unit, "meaning": meaning}
            rows.append(row)
    return pd.DataFrame(rows)
