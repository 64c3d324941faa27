"""Issue 13, item 9: notes on the input, a site file's problems and fixes, and table values in French.

Notes and problems travel as codes and values (:class:`esr_geo.i18n.Note`) and become words
where they are shown; the English is the one the command line has always printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from esr_geo import cli, i18n, view, words_input
from esr_geo.analysis import Analysis, input_notes
from esr_geo.i18n import Note
from esr_geo.model import Base
from esr_geo.offices import read_sites, validate_sites

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 180

#: A hand-made site file: rows 3 to 5 have an error each, row 6 a warning (1.7 km outside Ontario).
BAD_SITES = (
    "name,latitude,longitude,in_person,catchment\n"
    "Sudbury office,46.49,-80.99,yes,\n"
    ",46.5,-81.0,,\n"
    "Swapped,-79.4,43.7,,\n"
    "Hamilton office,43.2557,-79.8711,,Toronto\n"
    "Windsor Riverside,42.3314,-83.0458,,\n"
)

SWAPPED_EN = "latitude -79.4 and longitude 43.7 look swapped (Ontario is at latitude 42 to 57 and longitude -95 to -74)"
SWAPPED_FR = (
    "la latitude -79,4 et la longitude 43,7 semblent inversées (l'Ontario est entre les latitudes 42 et 57 et les "
    "longitudes -95 et -74)"
)
OTHER_EN = (
    "the declared catchment is Toronto (toronto) but the location is in Hamilton–Niagara Peninsula (hamilton-niagara)"
)
OTHER_FR = (
    "la zone de desserte déclarée est Toronto (toronto), mais l'emplacement est dans Hamilton–Péninsule du Niagara "
    "(hamilton-niagara)"
)
BORDER_FR = (
    "le lieu est à 1,7 km hors des limites de recensement de l'Ontario et pourrait être au Québec, au Manitoba ou "
    "aux États-Unis; il est compté dans la subdivision de recensement la plus proche, Windsor (Windsor–Sarnia)"
)


def english_fragments() -> list[str]:
    """Return the English sentences of the new words (their text between fields), long enough to be telling."""
    out = set()
    for entry in words_input.ALL.values():
        for part in re.split(r"\{[^}]*\}", entry["en"]):
            part = part.strip(" ;:,.()")
            if len(part) >= 16 and " " in part and part not in entry["fr"]:
                out.add(part)
    return sorted(out)


def _english_in(texts: list[str]) -> list[str]:
    plain = "\n".join(re.sub(r"\\(.)", r"\1", t) for t in texts)  # Markdown escapes removed
    return [f for f in english_fragments() if f in plain]


def _page_texts(at: AppTest) -> list[str]:
    texts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
        texts += [str(e.value) for e in getattr(at.sidebar, kind)]
    for frame in at.dataframe:
        value = frame.value
        data = value.data if hasattr(value, "data") else value
        texts += [str(v) for v in data.astype(str).to_numpy().ravel()]
    return texts


def _run(at: AppTest) -> AppTest:
    at.run(timeout=TIMEOUT)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _french_page_with_bad_file() -> AppTest:
    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.sidebar.radio(key="lang").set_value("fr")
    _run(at)
    next(r for r in at.sidebar.radio if str(r.key).startswith("sites_source")).set_value("upload")
    _run(at)
    at.sidebar.file_uploader(key="sites_file").set_value(("my_sites.csv", BAD_SITES.encode(), "text/csv"))
    return _run(at)


# --------------------------------------------------------------------------------------
# The words


def test_every_new_word_is_in_both_languages_and_the_fragments_are_telling() -> None:
    assert i18n.missing_keys(words_input.ALL) == []
    assert all(key in i18n.TEXT for key in words_input.ALL)
    assert all(key.split(".")[0] in ("input", "site", "fix") for key in words_input.ALL)
    fragments = english_fragments()
    assert "the site has no name" in fragments and any(f.startswith("look swapped (Ontario") for f in fragments)
    assert len(fragments) > 60


def test_a_note_is_worded_with_the_numbers_and_plurals_of_its_language() -> None:
    where = Note("site.where_coordinates", {"lat": 45.5017, "lon": -73.5673})
    note = Note("site.outside", {"where": where, "km": 64.0, "tol": 5.0})
    assert str(note) == (
        "the site (latitude 45.5017, longitude -73.5673) is 64.0 km outside Ontario's census boundaries "
        "(more than the 5 km allowed)"
    )
    assert note.text("fr") == (
        "le lieu (latitude 45,5017, longitude -73,5673) est à 64,0 km hors des limites de recensement de l'Ontario "
        "(plus que les 5 km permis)"
    )
    people = Note("input.road_pieces", {"people": 1234.0, "reached": 1.0})
    assert str(people) == (
        "1,234 people live by roads that are not connected to the main network (1 of them reach a site on their own "
        "piece of road)."
    )
    assert people.text("fr") == (
        "1\u202f234 personnes vivent près de routes non reliées au réseau principal (1 d'entre elles atteint un lieu "
        "sur leur propre tronçon)."
    )
    one = Note("input.dropped", {"n": 1, "source": "a.csv", "rows": [Note("input.dropped_row", {"row": 1234,
               "problems": [Note("site.no_name"), Note("site.latitude_nan", {"value": "'abc'"})]})]})  # fmt: skip
    assert one.text("fr") == (
        "1 ligne invalide de la liste « a.csv » a été laissée de côté : ligne 1234 : le lieu n'a pas de nom | "
        "la latitude 'abc' n'est pas un nombre"
    )
    assert str(one) == (
        "1 invalid row of a.csv was left out (skipped as invalid): row 1234: the site has no name | latitude "
        "'abc' is not a number"
    )
    near = Note("site.near_edge", {"distance": 0.027, "counted": "x"})
    assert near.text("fr").startswith("le lieu est à 27 m hors") and str(near).startswith("the site is 27 m outside")


# --------------------------------------------------------------------------------------
# A site file's problems and the notes on it


def test_problems_of_a_hand_made_site_file_in_french(tmp_path: Path, base: Base) -> None:
    path = tmp_path / "my_sites.csv"
    path.write_text(BAD_SITES, encoding="utf-8")
    load = validate_sites(path, base=base)
    english = load.problems.set_index("row")
    assert english.loc[4, "problem"] == SWAPPED_EN and english.loc[5, "problem"] == OTHER_EN  # as it always was
    assert english.loc[4, "fix"] == "swap the two values: latitude 43.7, longitude -79.4"
    french = i18n.problem_words(load.problems, lang="fr").set_index("row")
    assert "problem_note" not in french.columns and "fix_note" not in french.columns
    assert french.loc[3, "problem"] == "le lieu n'a pas de nom"
    assert french.loc[3, "fix"] == "écrivez le nom du lieu dans la colonne name"
    assert french.loc[4, "problem"] == SWAPPED_FR
    assert french.loc[4, "fix"] == "inversez les deux valeurs : latitude 43,7, longitude -79,4"
    assert french.loc[5, "problem"] == OTHER_FR
    assert french.loc[6, "problem"] == BORDER_FR and french.loc[6, "severity"] == "warning"
    assert _english_in([*french["problem"], *french["fix"]]) == []
    shown = view.problem_table(load.problems, lang="fr")
    assert list(shown.columns) == ["Ligne", "Lieu", "Colonne", "Gravité", "Problème", "Comment corriger"]
    assert shown["Problème"].tolist() == french["problem"].tolist()


def test_notes_on_a_site_file_in_french(tmp_path: Path, base: Base) -> None:
    path = tmp_path / "my_sites.csv"
    path.write_text(BAD_SITES, encoding="utf-8")
    load = read_sites(path, base=base, skip_invalid=True)
    dropped, warnings = input_notes(load)
    assert str(dropped) == (
        f"3 invalid rows of my_sites.csv were left out (skipped as invalid): row 3: the site has no name; "
        f"row 4: {SWAPPED_EN}; row 5: {OTHER_EN}"
    )
    assert dropped.text("fr") == (
        f"3 lignes invalides de la liste « my_sites.csv » ont été laissées de côté : ligne 3 : le lieu n'a pas de nom; "
        f"ligne 4 : {SWAPPED_FR}; ligne 5 : {OTHER_FR}"
    )
    assert (
        warnings.text("fr")
        == f"1 avertissement sur la liste « my_sites.csv » : ligne 6 (Windsor Riverside) : {BORDER_FR}"
    )
    assert str(warnings).startswith("1 warning on my_sites.csv: row 6 (Windsor Riverside): the site is 1.7 km")


def test_the_demonstration_layer_notes_in_french(analysis: Analysis) -> None:
    demo, _warnings = analysis.notes
    assert str(demo) == (
        "Sites are the Service Canada in-person sites, February 2024 (demonstration layer): community-level "
        "locations, not a provider's office list."
    )
    assert demo.text("fr").startswith("Les lieux sont les points de service en personne de Service Canada, février")
    french = i18n.notes_text(analysis.notes, "fr")
    assert french[1].startswith("2 avertissements sur la liste « points de service en personne de Service Canada")
    assert _english_in(french) == []


def test_the_closure_note_and_the_suggestion_method_in_french(analysis: Analysis) -> None:
    from esr_geo import scenario, scenario_view

    closed = scenario.close_sites(analysis, ["3514"])
    assert str(closed.after.notes[-1]) == "Scenario: closed Kenora Service Canada Centre."
    assert closed.after.notes[-1].text("fr") == "Scénario : fermeture de Kenora Service Canada Centre."
    assert closed.after.sites_source == analysis.sites_source and closed.after.sites_closed == 1
    assert i18n.sites_label(closed.after, "en") == (
        "Service Canada in-person sites, February 2024 (demonstration layer), without 1 closed site"
    )
    assert i18n.sites_label(closed.after, "fr").endswith(", sans 1 lieu fermé")
    assert i18n.source_label("mes_lieux.csv", "fr", added=2, closed=1234) == (
        "mes_lieux.csv, avec 2 lieux ajoutés, sans 1\u202f234 lieux fermés"
    )
    result = scenario.suggest_sites(analysis, k=1, exact=False)
    _, line = scenario_view.suggestion_lines(result, "fr")
    assert "(non résolu (exact=False))" in line and "not solved" not in line
    assert "(not solved (exact=False))" in scenario_view.suggestion_lines(result, "en")[1]


def test_the_closure_summary_in_french_has_french_headers_names_and_flipped_zones_first(analysis: Analysis) -> None:
    import re

    from esr_geo import scenario
    from esr_geo.scenario_files import render_closure_html

    closed = scenario.close_sites(analysis, ["3514"])
    page = render_closure_html(closed, lang="fr")
    headers = re.findall(r"<th>([^<]*)</th>", page)
    assert headers and not [h for h in headers if re.fullmatch(r"[a-z0-9_]+", h)], headers  # no code left as a header
    assert "<td>Nord-Ouest</td>" in page and "<td>Northwest</td>" not in page
    assert "Zones : zones par défaut, une par division de recensement du Nord-Est et du Nord-Ouest" in page
    assert "Default zones" not in page
    zones = page.split(i18n.t("sfile.zones", "fr"))[1].split(i18n.t("sfile.communities", "fr"))[0]
    assert zones.index("<td>Kenora</td>") < zones.index("<td>Nipissing</td>")  # the zone that flips comes first
    english = render_closure_html(closed, lang="en")
    assert "Zones: Default zones: each census division of the Northeast and Northwest (11 zones)" in english
    headers = re.findall(r"<th>([^<]*)</th>", english)  # the HTML reads as the main report: headers in words
    assert "Within threshold before" in headers and not [h for h in headers if re.fullmatch(r"[a-z0-9_]+", h)]


def test_the_suggestion_summary_has_its_headers_in_words(analysis: Analysis) -> None:
    import re

    from esr_geo import scenario
    from esr_geo.scenario_files import render_suggestion_html

    result = scenario.suggest_sites(analysis, k=2, exact=False, fix_failing_zones_first=True)
    for lang in ("en", "fr"):
        headers = re.findall(r"<th>([^<]*)</th>", render_suggestion_html(result, lang=lang))
        assert len(headers) > 20 and not [h for h in headers if re.fullmatch(r"[a-z0-9_]+", h)], (lang, headers)


# --------------------------------------------------------------------------------------
# Table values


def test_translate_values_gives_french_sac_ssm_and_empty_cells(analysis: Analysis) -> None:
    frame = pd.DataFrame(
        {
            "catchment": ["Durham", "Toronto", None],
            "ssm": ["Region of Durham", "To be announced", None],
            "sac_type": ["CMA", "no metropolitan influence", None],
            "remoteness_class": pd.Categorical(["very remote", None, "remote"]),
            "name": [None, "Kenora", np.nan],
            "passes": [True, False, None],
            "pct_within_threshold": [99.5, np.nan, 1.0],
        }
    )
    out = view.translate_values(frame, analysis, "fr")
    assert out["catchment"].tolist() == ["Durham", "Toronto", ""]
    assert out["ssm"].tolist() == ["Région de Durham", "À communiquer", ""]
    assert out["sac_type"].tolist() == ["RMR", "aucune influence métropolitaine", ""]
    assert out["remoteness_class"].tolist() == ["très éloigné", "", "éloigné"]
    assert out["name"].tolist() == ["", "Kenora", ""]
    assert out["passes"].tolist() == ["oui", "non", ""]
    assert out["pct_within_threshold"].iloc[0] == 99.5 and np.isnan(out["pct_within_threshold"].iloc[1])
    assert frame["ssm"].iloc[0] == "Region of Durham"  # the input is not modified
    english = view.translate_values(frame, analysis, "en")
    assert english["ssm"].tolist() == ["Region of Durham", "To be announced", ""]


def test_page_tables_in_french_have_french_ssm_and_sac_and_no_none(analysis: Analysis) -> None:
    cov = view.page_table(analysis, "coverage_by_catchment", lang="fr").set_index("Zone de desserte")
    assert cov.loc["Durham", "GSS"] == "Région de Durham" and cov.loc["Toronto", "GSS"] == "À communiquer"
    assert cov.loc["London", "GSS"] == "Ville de London"
    csd = view.page_table(analysis, "access_by_csd", lang="fr")
    sac = set(csd["Secteur statistique"])
    assert "RMR" in sac and "aucune influence métropolitaine" in sac
    assert not sac & {"CMA", "no metropolitan influence", "None", "nan"}
    text = csd.select_dtypes(exclude="number").astype(str).to_numpy().ravel().tolist()
    assert "None" not in text and "nan" not in text and "<NA>" not in text


# --------------------------------------------------------------------------------------
# The command line and the page


def test_cli_report_in_french_has_the_french_notes(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path, shared_base: Base
) -> None:
    sites = tmp_path / "my_sites.csv"
    sites.write_text(BAD_SITES, encoding="utf-8")
    out_dir = tmp_path / "rapport"
    code = cli.main(["report", "--lang", "fr", "--offices", str(sites), "--skip-invalid", "--out", str(out_dir),
                     "--date", "2024-06-01", "--data-dir", str(data_dir)])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    french = "3 lignes invalides de la liste « my_sites.csv » ont été laissées de côté : ligne 3 : le lieu n"
    assert f"Remarque : {french}" in out and "invalid row" not in out
    readme = (out_dir / "README.txt").read_text(encoding="utf-8")
    assert "Remarques sur les données fournies" in readme and french in readme
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    assert "lignes invalides de la liste « my_sites.csv » ont été laissées de côté" in html
    summary = pd.read_excel(out_dir / "report.xlsx", sheet_name="summary").iloc[:, 0].astype(str).tolist()
    assert any(line.startswith(french) for line in summary)
    for text in (readme, html, out, "\n".join(summary)):
        assert _english_in([text]) == [], _english_in([text])


def test_the_french_page_shows_a_site_files_problems_in_french(data_dir: Path) -> None:
    at = _french_page_with_bad_file()
    shown = [f.value for f in at.dataframe if "Problème" in f.value.columns]
    assert shown, "no problem table"
    problems = shown[0].set_index("Ligne")
    assert problems.loc[4, "Problème"] == SWAPPED_FR and problems.loc[5, "Problème"] == OTHER_FR
    assert problems.loc[3, "Comment corriger"] == "écrivez le nom du lieu dans la colonne name"
    tables = [str(v) for f in at.dataframe for v in f.value.astype(str).to_numpy().ravel()]
    assert _english_in([*tables, *(str(e.value) for e in at.sidebar.warning)]) == []


def test_the_french_page_says_an_unreadable_files_guide_in_french(data_dir: Path) -> None:
    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    at.sidebar.radio(key="lang").set_value("fr")
    _run(at)
    next(r for r in at.sidebar.radio if str(r.key).startswith("sites_source")).set_value("upload")
    _run(at)
    at.sidebar.file_uploader(key="sites_file").set_value(("vide.csv", b"", "text/csv"))
    _run(at)
    errors = [str(e.value) for e in at.sidebar.error]
    assert len(errors) == 1, errors
    paragraphs = errors[0].split("\n\n")  # the lead, the engine's English message, the guide, the note
    assert paragraphs[0] == "**L'analyse n'a pas pu être faite avec ces données.**"
    assert "is empty (0 bytes)" in paragraphs[1] and "start from the site-file template (download it" in paragraphs[1]
    assert paragraphs[2] == "Partez du modèle de fichier des lieux (à télécharger sous la zone du fichier)."
    assert paragraphs[3] == "*Les messages détaillés du moteur d'analyse sont en anglais.*"
    assert at.metric[0].value.replace("\u202f", " ") == "14 137 422"  # the demonstration layer stays on screen


def test_the_french_page_shows_the_notes_on_the_input_in_french(data_dir: Path) -> None:
    at = _french_page_with_bad_file()
    at.checkbox(key="skip_invalid").check()
    _run(at)
    texts = _page_texts(at)
    plain = "\n".join(re.sub(r"\\(.)", r"\1", t) for t in texts)
    assert "3 lignes invalides de la liste « my_sites.csv » ont été laissées de côté" in plain
    assert "1 avertissement sur la liste « my_sites.csv »" in plain
    assert _english_in(texts) == []


def test_a_refused_site_file_is_explained_in_french(tmp_path: Path, base: Base) -> None:
    from esr_geo.offices import SiteValidationError

    path = tmp_path / "all_bad.csv"
    path.write_text("name,latitude,longitude\n,46.5,-81.0\nSwapped,-79.4,43.7\n", encoding="utf-8")
    with pytest.raises(SiteValidationError) as info:
        read_sites(path, base=base)
    assert str(info.value) == (
        "2 of 2 rows in all_bad.csv have problems; no row can be used; fix the rows listed and load the file again.\n"
        "  - row 2 (no name): the site has no name. Fix: write the site's name in the name column.\n"
        f"  - row 3 (Swapped): {SWAPPED_EN}. Fix: swap the two values: latitude 43.7, longitude -79.4."
    )
    assert info.value.text("fr") == (
        "2 des 2 lignes de la liste « all_bad.csv » ont des problèmes; aucune ligne n'est utilisable; corrigez les "
        "lignes indiquées et chargez de nouveau le fichier.\n"
        "  - ligne 2 (sans nom) : le lieu n'a pas de nom. Correction : écrivez le nom du lieu dans la colonne name.\n"
        f"  - ligne 3 (Swapped) : {SWAPPED_FR}. Correction : inversez les deux valeurs : latitude 43,7, "
        "longitude -79,4."
    )


def test_the_page_explains_a_file_with_no_usable_row_in_its_language(tmp_path: Path, base: Base) -> None:
    from esr_geo import startup
    from esr_geo.offices import SiteValidationError

    data = b"name,latitude,longitude\n,46.5,-81.0\nSwapped,-79.4,43.7\n"
    path = tmp_path / "all_bad.csv"
    path.write_bytes(data)
    with pytest.raises(SiteValidationError) as info:
        read_sites(path, base=base)
    check = startup.check_site_upload(startup.Upload("all_bad.csv", data), base=base)
    assert check.state == "invalid" and not check.usable
    assert check.text("fr") == info.value.text("fr") and check.text("fr").startswith("2 des 2 lignes")
    assert check.text("en") == check.message == str(info.value)
