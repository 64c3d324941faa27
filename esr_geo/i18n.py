"""Every word the planner's map shows, in English and French: one table, one lookup (``t``).

The app, the map, its legend, the catchment card and every table header take their text from
:data:`TEXT` through :func:`t`; nothing on the page is written in only one language. Status
labels are the rollout module's own (so the map, the command line and the report agree).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from esr_geo.rollout import LANGS, STATUS_LABELS, STATUSES, TBA_TEXT, check_lang

# ``LANGS`` and ``check_lang`` live in :mod:`esr_geo.rollout` (their one home); callers may use
# them from here too (``i18n.LANGS``).

LANG_NAMES: dict[str, str] = {"en": "English", "fr": "français"}

_T = dict[str, str]

#: The translation table: key -> {"en": ..., "fr": ...}. ``{name}`` fields are filled by ``t``.
TEXT: dict[str, _T] = {
    # page
    "app.title": {
        "en": "Employment services in Ontario: rollout and in-person access",
        "fr": "Services d'emploi en Ontario : déploiement et accès en personne",
    },
    "app.intro": {
        "en": "The 15 catchment areas of Employment Services Transformation, their rollout status on "
        "the chosen date, and whether people can reach an in-person site within the distance threshold.",
        "fr": "Les 15 zones de desserte du Renouvellement des services d'emploi, leur statut de "
        "déploiement à la date choisie, et l'accès de la population à un lieu de service en personne "
        "dans le seuil de distance.",
    },
    "app.loading": {"en": "Loading the Ontario data…", "fr": "Chargement des données de l'Ontario…"},
    "app.analysing": {"en": "Measuring in-person access…", "fr": "Mesure de l'accès en personne…"},
    "app.error_data": {
        "en": "The Ontario data could not be loaded.",
        "fr": "Les données de l'Ontario n'ont pas pu être chargées.",
    },
    "app.error_input": {
        "en": "The analysis could not be run with these inputs.",
        "fr": "L'analyse n'a pas pu être faite avec ces données.",
    },
    "app.error_bug": {
        "en": "Something went wrong on this page (a fault in esr-geo, not in your data): {what}. "
        "The details are in the server log; please report it.",
        "fr": "Un problème est survenu sur cette page (une anomalie d'esr-geo, pas de vos données) : {what}. "
        "Les détails sont dans le journal du serveur; veuillez le signaler.",
    },
    "app.error_hint": {
        "en": "Fix the file or setting named above; the rest of the page will come back on its own.",
        "fr": "Corrigez le fichier ou le paramètre nommé ci-dessus; le reste de la page reviendra de lui-même.",
    },
    "app.engine_language": {
        "en": "",
        "fr": "Les messages détaillés du moteur d'analyse sont en anglais.",
    },
    # sidebar
    "side.language": {"en": "Language / Langue", "fr": "Langue / Language"},
    "side.sites": {"en": "In-person sites", "fr": "Lieux de service en personne"},
    "side.sites_source": {"en": "Site list", "fr": "Liste des lieux"},
    "side.sites_demo": {
        "en": "Demonstration layer (Service Canada sites)",
        "fr": "Couche de démonstration (points de service de Service Canada)",
    },
    "side.sites_upload": {"en": "My own file", "fr": "Mon propre fichier"},
    "side.sites_file": {
        "en": "Site file: CSV, Excel, GeoJSON, GeoPackage or zipped shapefile",
        "fr": "Fichier des lieux : CSV, Excel, GeoJSON, GeoPackage ou shapefile zippé",
    },
    "side.sites_wait": {
        "en": "Choose a file; the demonstration layer is used until then.",
        "fr": "Choisissez un fichier; la couche de démonstration est utilisée d'ici là.",
    },
    "side.demo_note": {
        "en": "Demonstration layer: Service Canada sites placed at community level. It is not a "
        "service provider's office list; upload your own for planning.",
        "fr": "Couche de démonstration : points de service de Service Canada placés au niveau de la "
        "collectivité. Ce n'est pas la liste des bureaux d'un fournisseur; téléversez la vôtre pour planifier.",
    },
    "side.problems": {
        "en": "{file}: {n} problem(s) found. Fix them in the file, or continue without the invalid rows.",
        "fr": "{file} : {n} problème(s) trouvé(s). Corrigez-les dans le fichier, ou continuez sans les "
        "lignes invalides.",
    },
    "side.skip_invalid": {
        "en": "Continue without the invalid rows",
        "fr": "Continuer sans les lignes invalides",
    },
    "side.dropped": {
        "en": "{n} invalid row(s) left out of {file}.",
        "fr": "{n} ligne(s) invalide(s) laissée(s) de côté dans {file}.",
    },
    "side.warnings": {
        "en": "{n} warning(s) on {file}; see the table below the map.",
        "fr": "{n} avertissement(s) sur {file}; voir le tableau sous la carte.",
    },
    "side.zones": {"en": "Service delivery zones", "fr": "Zones de prestation de services"},
    "side.zones_source": {"en": "Zones", "fr": "Zones"},
    "side.zones_default": {
        "en": "Default: census divisions of the Northeast and Northwest",
        "fr": "Par défaut : divisions de recensement du Nord-Est et du Nord-Ouest",
    },
    "side.zones_upload": {"en": "My own file", "fr": "Mon propre fichier"},
    "side.zones_file": {
        "en": "Zones file: CSV (CSDUID, zone) or polygons (GeoPackage, GeoJSON, zipped shapefile)",
        "fr": "Fichier des zones : CSV (CSDUID, zone) ou polygones (GeoPackage, GeoJSON, shapefile zippé)",
    },
    "side.analysis": {"en": "Access test", "fr": "Critère d'accès"},
    "side.threshold": {
        "en": "Distance threshold (km, straight line)",
        "fr": "Seuil de distance (km, à vol d'oiseau)",
    },
    "side.threshold_help": {
        "en": "A person is within reach when the nearest in-person site is at most this far in a straight line.",
        "fr": "Une personne est à portée quand le lieu en personne le plus proche est au plus à cette "
        "distance à vol d'oiseau.",
    },
    "side.filters": {"en": "Show", "fr": "Afficher"},
    "side.phase": {"en": "Phase", "fr": "Phase"},
    "side.all_phases": {"en": "All phases", "fr": "Toutes les phases"},
    "side.catchment": {"en": "Catchment area", "fr": "Zone de desserte"},
    "side.all_catchments": {"en": "All of Ontario", "fr": "Tout l'Ontario"},
    "side.map": {"en": "Map", "fr": "Carte"},
    "side.colour_by": {"en": "Colour the catchments by", "fr": "Couleur des zones de desserte selon"},
    "colour.phase": {"en": "rollout phase", "fr": "phase du déploiement"},
    "colour.status": {"en": "status on the date", "fr": "statut à la date"},
    "side.rings": {
        "en": "Rings at the threshold around sites",
        "fr": "Cercles du seuil autour des lieux",
    },
    # date and timeline
    "date.label": {"en": "Rollout status on", "fr": "Statut du déploiement au"},
    "date.help": {
        "en": "Any day from 1 January 2019 to today; the map, card and timeline follow it.",
        "fr": "Tout jour du 1er janvier 2019 à aujourd'hui; la carte, la fiche et le calendrier le suivent.",
    },
    "timeline.title": {"en": "Rollout timeline", "fr": "Calendrier du déploiement"},
    "timeline.caption": {
        "en": "Bars: planning and transition period. Diamonds: start of integrated services. "
        "The black line is the chosen date.",
        "fr": "Barres : période de planification et de transition. Losanges : début des services "
        "intégrés. La ligne noire est la date choisie.",
    },
    "timeline.period": {"en": "Planning and transition", "fr": "Planification et transition"},
    "timeline.tba": {"en": "dates to be announced", "fr": "dates à communiquer"},
    # headline figures
    "metric.within": {"en": "People within {km} km", "fr": "Personnes à {km} km ou moins"},
    "metric.beyond": {"en": "People beyond {km} km", "fr": "Personnes à plus de {km} km"},
    "metric.zones_failing": {"en": "Zones that fail", "fr": "Zones non conformes"},
    "metric.sites": {"en": "In-person sites", "fr": "Lieux en personne"},
    "metric.within_help": {
        "en": "Residents outside First Nations reserves (reserves are exempt from the SSM model and "
        "shown apart). {pct} of them are within the threshold.",
        "fr": "Résidents hors des réserves des Premières Nations (les réserves sont exemptées du modèle "
        "des GSS et présentées à part). {pct} d'entre eux sont dans le seuil.",
    },
    "metric.zones_help": {
        "en": "Zones in the selection that fail the test, of {n}.",
        "fr": "Zones de la sélection qui ne satisfont pas au critère, sur {n}.",
    },
    "metric.scope": {"en": "Figures for: {scope}", "fr": "Chiffres pour : {scope}"},
    "metric.of": {"en": "of {n}", "fr": "sur {n}"},
    # map
    "map.title": {"en": "Map", "fr": "Carte"},
    "map.help": {
        "en": "Click a catchment to open its card; zoom in or click a cluster to see single sites. "
        "Layers can be switched on and off with the layer button at the top left.",
        "fr": "Cliquez sur une zone de desserte pour ouvrir sa fiche; zoomez ou cliquez sur un groupe "
        "pour voir chaque lieu. Les couches s'activent avec le bouton des couches en haut à gauche.",
    },
    "layer.catchments": {"en": "Catchment areas", "fr": "Zones de desserte"},
    "layer.labels": {"en": "Catchment names", "fr": "Noms des zones de desserte"},
    "layer.zones": {"en": "Service delivery zones", "fr": "Zones de prestation de services"},
    "layer.sites": {"en": "In-person sites", "fr": "Lieux en personne"},
    "layer.communities": {
        "en": "Communities beyond the threshold",
        "fr": "Collectivités au-delà du seuil",
    },
    "layer.reserves": {
        "en": "Reserves beyond the threshold (exempt)",
        "fr": "Réserves au-delà du seuil (exemptées)",
    },
    "layer.rings": {"en": "Threshold rings", "fr": "Cercles du seuil"},
    "layer.selected": {"en": "Selected catchment", "fr": "Zone de desserte choisie"},
    "layer.basemap": {
        "en": "Base map (OpenStreetMap; needs internet)",
        "fr": "Fond de carte (OpenStreetMap; Internet requis)",
    },
    "legend.title": {"en": "Legend", "fr": "Légende"},
    "legend.phase": {"en": "Rollout phase", "fr": "Phase du déploiement"},
    "legend.status": {"en": "Status on {date}", "fr": "Statut au {date}"},
    "legend.zone_pass": {"en": "Zone passes", "fr": "Zone conforme"},
    "legend.zone_fail": {"en": "Zone fails", "fr": "Zone non conforme"},
    "legend.sites": {"en": "In-person sites", "fr": "Lieux en personne"},
    "legend.community": {
        "en": "Community beyond {km} km (size: population)",
        "fr": "Collectivité à plus de {km} km (taille : population)",
    },
    "legend.reserve": {
        "en": "Reserve beyond {km} km (exempt)",
        "fr": "Réserve à plus de {km} km (exemptée)",
    },
    "legend.ring": {"en": "{km} km around a site", "fr": "{km} km autour d'un lieu"},
    "legend.gaps": {"en": "Gaps", "fr": "Lacunes"},
    "legend.zones": {"en": "Service delivery zones", "fr": "Zones de prestation de services"},
    # site types (the demonstration layer's types; other values are shown as written)
    "site_type.Service Canada Centre": {"en": "Service Canada Centre", "fr": "Centre Service Canada"},
    "site_type.Scheduled Outreach Site": {
        "en": "Scheduled outreach site",
        "fr": "Site de services mobiles (sur rendez-vous)",
    },
    "site_type.Passport Office": {"en": "Passport office", "fr": "Bureau des passeports"},
    "site_type.Service Canada Centre and Passport Office (consolidated)": {
        "en": "Service Canada Centre and passport office",
        "fr": "Centre Service Canada et bureau des passeports",
    },
    "site_type.other": {"en": "Other in-person site", "fr": "Autre lieu en personne"},
    "site_type.virtual": {"en": "Virtual only (not in-person)", "fr": "Virtuel seulement (pas en personne)"},
    # card
    "card.title": {"en": "Catchment card", "fr": "Fiche de la zone de desserte"},
    "card.pick": {
        "en": "Click a catchment on the map, or choose one in the sidebar, to see its card.",
        "fr": "Cliquez sur une zone de desserte sur la carte, ou choisissez-en une dans la barre "
        "latérale, pour voir sa fiche.",
    },
    "card.name_en": {"en": "English name", "fr": "Nom anglais"},
    "card.name_fr": {"en": "French name", "fr": "Nom français"},
    "card.phase": {"en": "Phase", "fr": "Phase"},
    "card.ssm": {"en": "Service system manager (SSM)", "fr": "Gestionnaire du système de services (GSS)"},
    "card.planning": {"en": "Planning and transition", "fr": "Planification et transition"},
    "card.ies": {"en": "Integrated services start", "fr": "Début des services intégrés"},
    "card.status": {"en": "Status on {date}", "fr": "Statut au {date}"},
    "card.population": {"en": "Population (2021)", "fr": "Population (2021)"},
    "card.reserve_population": {
        "en": "of whom on reserves (exempt)",
        "fr": "dont dans les réserves (exemptées)",
    },
    "card.sites": {"en": "In-person sites", "fr": "Lieux en personne"},
    "card.share": {
        "en": "Residents within {km} km",
        "fr": "Résidents à {km} km ou moins",
    },
    "card.share_value": {"en": "{pct} ({n} people beyond)", "fr": "{pct} ({n} personnes au-delà)"},
    "card.zones": {
        "en": "Service delivery zones in this catchment",
        "fr": "Zones de prestation de cette zone de desserte",
    },
    "card.no_zones": {
        "en": "No service delivery zone in this catchment.",
        "fr": "Aucune zone de prestation de services dans cette zone de desserte.",
    },
    "card.close": {"en": "Back to all of Ontario", "fr": "Revenir à tout l'Ontario"},
    # zone results
    "zone.pass": {"en": "passes", "fr": "conforme"},
    "zone.fail": {"en": "fails", "fr": "non conforme"},
    "zone.reason_sites": {
        "en": "{n} in-person site(s) inside the zone; at least {need} required",
        "fr": "{n} lieu(x) en personne dans la zone; au moins {need} requis",
    },
    "zone.reason_share": {
        "en": "only {pct} of non-reserve residents are within reach ({n} people beyond); at least {need} required",
        "fr": "seulement {pct} des résidents hors réserve sont à portée ({n} personnes au-delà); au moins "
        "{need} requis",
    },
    # popups and tooltips
    "popup.name": {"en": "Name", "fr": "Nom"},
    "popup.organisation": {"en": "Organisation", "fr": "Organisme"},
    "popup.type": {"en": "Type", "fr": "Type"},
    "popup.precision": {"en": "Location precision", "fr": "Précision de l'emplacement"},
    "popup.catchment": {"en": "Catchment area", "fr": "Zone de desserte"},
    "popup.zone": {"en": "Zone", "fr": "Zone"},
    "popup.result": {"en": "Result", "fr": "Résultat"},
    "popup.reason": {"en": "Why", "fr": "Pourquoi"},
    "popup.community": {"en": "Community", "fr": "Collectivité"},
    "popup.population": {"en": "Population", "fr": "Population"},
    "popup.distance": {"en": "Nearest in-person site", "fr": "Lieu en personne le plus proche"},
    "popup.distance_value": {"en": "{site}, {km} km", "fr": "{site}, {km} km"},
    "popup.status": {"en": "Status", "fr": "Statut"},
    "popup.phase": {"en": "Phase", "fr": "Phase"},
    "popup.unknown": {"en": "not given", "fr": "non indiqué"},
    "precision.coordinates": {"en": "coordinates given in the file", "fr": "coordonnées données dans le fichier"},
    "precision.postal_code": {"en": "postal-code centre", "fr": "centre du code postal"},
    "precision.postal_area": {
        "en": "postal area centre (first 3 characters; approximate)",
        "fr": "centre de la zone postale (3 premiers caractères; approximatif)",
    },
    "precision.community": {"en": "community centre (approximate)", "fr": "centre de la collectivité (approximatif)"},
    # tables
    "tables.title": {"en": "Tables", "fr": "Tableaux"},
    "tables.rollout": {"en": "Rollout on {date}", "fr": "Déploiement au {date}"},
    "tables.coverage_by_catchment": {"en": "Coverage by catchment", "fr": "Couverture par zone de desserte"},
    "tables.coverage_by_zone": {"en": "Service delivery zones", "fr": "Zones de prestation de services"},
    "tables.underserved_communities": {
        "en": "Communities beyond the threshold",
        "fr": "Collectivités au-delà du seuil",
    },
    "tables.reserves_exempt": {
        "en": "First Nations reserves (exempt from the SSM model; shown apart)",
        "fr": "Réserves des Premières Nations (exemptées du modèle des GSS; présentées à part)",
    },
    "tables.access_by_csd": {"en": "Access by census subdivision", "fr": "Accès par subdivision de recensement"},
    "tables.site_problems": {"en": "Problems in the site file", "fr": "Problèmes dans le fichier des lieux"},
    "tables.notes": {"en": "Notes on the input", "fr": "Remarques sur les données fournies"},
    "tables.none": {"en": "None.", "fr": "Aucun."},
    # downloads
    "dl.title": {"en": "Downloads", "fr": "Téléchargements"},
    "dl.note": {
        "en": "Reports, tables and GIS files cover the whole province for the chosen date and threshold.",
        "fr": "Les rapports, tableaux et fichiers SIG couvrent toute la province pour la date et le seuil "
        "choisis. Le rapport et les tableaux sont en anglais.",
    },
    "dl.report_html": {"en": "Coverage-gap report (HTML)", "fr": "Rapport des lacunes (HTML)"},
    "dl.report_xlsx": {"en": "Coverage-gap report (Excel)", "fr": "Rapport des lacunes (Excel)"},
    "dl.table": {"en": "Table to download", "fr": "Tableau à télécharger"},
    "dl.csv": {"en": "Download the table (CSV)", "fr": "Télécharger le tableau (CSV)"},
    "dl.shapefile": {"en": "GIS layers: shapefiles (ZIP)", "fr": "Couches SIG : shapefiles (ZIP)"},
    "dl.geopackage": {"en": "GIS layers: GeoPackage", "fr": "Couches SIG : GeoPackage"},
    # scenarios: closures
    "scen.title": {"en": "Scenarios", "fr": "Scénarios"},
    "scen.close_title": {"en": "What if sites close?", "fr": "Et si des lieux fermaient?"},
    "scen.close_intro": {
        "en": "Pick in-person sites to close: everyone whose nearest site closes is re-measured to the nearest "
        "remaining one. The map marks the closed sites; its figures and the rest of the page are unchanged.",
        "fr": "Choisissez des lieux en personne à fermer : toute personne dont le lieu le plus proche ferme est "
        "mesurée de nouveau jusqu'au lieu restant le plus proche. La carte marque les lieux fermés; ses chiffres "
        "et le reste de la page ne changent pas.",
    },
    "scen.close_pick": {"en": "Sites to close", "fr": "Lieux à fermer"},
    "scen.close_placeholder": {"en": "Choose one or more sites", "fr": "Choisissez un ou plusieurs lieux"},
    "scen.clicked": {"en": "Site clicked on the map: {site}", "fr": "Lieu cliqué sur la carte : {site}"},
    "scen.click_hint": {
        "en": "Tip: click a site on the map, then “Close the site I clicked”.",
        "fr": "Astuce : cliquez sur un lieu de la carte, puis sur « Fermer le lieu cliqué ».",
    },
    "scen.close_clicked": {"en": "Close the site I clicked", "fr": "Fermer le lieu cliqué"},
    "scen.closing": {
        "en": "Re-measuring access without these sites…",
        "fr": "Nouvelle mesure de l'accès sans ces lieux…",
    },
    "scen.by_catchment": {
        "en": "Catchments affected, before and after",
        "fr": "Zones de desserte touchées, avant et après",
    },
    "scen.by_zone": {
        "en": "Service delivery zones, before and after",
        "fr": "Zones de prestation de services, avant et après",
    },
    "scen.by_zone_note": {
        "en": "Zones that change from pass to fail are highlighted.",
        "fr": "Les zones qui deviennent non conformes sont surlignées.",
    },
    "scen.communities": {
        "en": "Communities that lose access, with their new nearest site",
        "fr": "Collectivités qui perdent l'accès, avec leur nouveau lieu le plus proche",
    },
    "scen.no_change": {"en": "No catchment changes.", "fr": "Aucune zone de desserte ne change."},
    "scen.no_communities": {
        "en": "No named community loses access.",
        "fr": "Aucune collectivité nommée ne perd l'accès.",
    },
    "scen.dl_closure": {"en": "Closure summary (HTML)", "fr": "Résumé de la fermeture (HTML)"},
    "scen.dl_english": {
        "en": "",
        "fr": "Les fichiers téléchargés sont en anglais.",
    },
    "scen.and": {"en": "and", "fr": "et"},
    "scen.zones_fail": {
        "en": "zones that change from pass to fail: {zones}",
        "fr": "zones qui deviennent non conformes : {zones}",
    },
    "scen.zones_none": {"en": "no zone changes from pass to fail", "fr": "aucune zone ne devient non conforme"},
    "scen.close_summary": {
        "en": "Closing {sites} puts {n} more non-reserve residents beyond {km} km ({before} before, {after} after); "
        "{zones}; {communities} named communities lose access. {reserves} people on reserves are newly beyond "
        "the threshold (exempt, reported apart).",
        "fr": "La fermeture de {sites} place {n} résidents de plus (hors réserves) à plus de {km} km ({before} avant, "
        "{after} après); {zones}; {communities} collectivités nommées perdent l'accès. {reserves} personnes dans "
        "les réserves se retrouvent au-delà du seuil (exemptées, présentées à part).",
    },
    "scen.change.still_passes": {"en": "still passes", "fr": "toujours conforme"},
    "scen.change.pass_fail": {"en": "pass → fail", "fr": "conforme → non conforme"},
    "scen.change.still_fails": {"en": "still fails", "fr": "toujours non conforme"},
    "scen.change.fail_pass": {"en": "fail → pass", "fr": "non conforme → conforme"},
    # scenarios: new sites
    "scen.new_title": {"en": "Where would new sites help most?", "fr": "Où de nouveaux lieux aideraient-ils le plus?"},
    "scen.new_intro": {
        "en": "Candidates are named places and First Nations band offices. Sites are chosen one at a time, each "
        "bringing the most people beyond the threshold within reach; the choice is checked against the best "
        "possible one.",
        "fr": "Les candidats sont les localités nommées et les bureaux de bande des Premières Nations. Les lieux "
        "sont choisis un à un, chacun rapprochant le plus de personnes au-delà du seuil; le choix est comparé au "
        "meilleur choix possible.",
    },
    "scen.k": {"en": "Number of new sites", "fr": "Nombre de nouveaux lieux"},
    "scen.scope": {"en": "Where", "fr": "Où"},
    "scen.scope_all": {"en": "All of Ontario", "fr": "Tout l'Ontario"},
    "scen.scope_catchment": {"en": "Catchment: {name}", "fr": "Zone de desserte : {name}"},
    "scen.scope_zone": {"en": "Zone: {name}", "fr": "Zone : {name}"},
    "scen.fix_first": {"en": "Fix failing zones first", "fr": "Rendre conformes d'abord les zones non conformes"},
    "scen.fix_help": {
        "en": "First add the sites that make each failing zone pass, then fill the rest by coverage.",
        "fr": "Ajouter d'abord les lieux qui rendent chaque zone conforme, puis compléter selon la couverture.",
    },
    "scen.run": {"en": "Suggest sites", "fr": "Suggérer des lieux"},
    "scen.clear": {"en": "Clear the suggestions", "fr": "Effacer les suggestions"},
    "scen.suggesting": {"en": "Choosing the sites…", "fr": "Choix des lieux…"},
    "scen.suggest_table": {"en": "Suggested sites, in order", "fr": "Lieux suggérés, dans l'ordre"},
    "scen.suggest_summary": {
        "en": "{demand} non-reserve residents are beyond {km} km here; the {n} suggested sites bring {chosen} of "
        "them ({pct}) within reach ({coverable} are within reach of some candidate).",
        "fr": "{demand} résidents (hors réserves) sont ici à plus de {km} km; les {n} lieux suggérés en "
        "rapprochent {chosen} ({pct}) ({coverable} sont à portée d'au moins un candidat).",
    },
    "scen.greedy_vs_optimum": {
        "en": "Greedy choice: {greedy} people; optimum: {optimum}; the greedy reaches {ratio} of the optimum.",
        "fr": "Choix glouton : {greedy} personnes; optimum : {optimum}; le choix glouton atteint {ratio} de l'optimum.",
    },
    "scen.greedy_vs_best": {
        "en": "Greedy choice: {greedy} people; best found (not proven optimal): {optimum}; ratio {ratio}.",
        "fr": "Choix glouton : {greedy} personnes; meilleur choix trouvé (optimalité non prouvée) : {optimum}; "
        "rapport {ratio}.",
    },
    "scen.greedy_only": {
        "en": "Greedy choice: {greedy} people; the optimum was not computed ({method}).",
        "fr": "Choix glouton : {greedy} personnes; l'optimum n'a pas été calculé ({method}).",
    },
    "scen.notes": {"en": "Notes", "fr": "Remarques"},
    "scen.on_map": {
        "en": "The suggested sites are on the map (numbered stars; layer “Suggested new sites”).",
        "fr": "Les lieux suggérés sont sur la carte (étoiles numérotées; couche « Nouveaux lieux suggérés »).",
    },
    "scen.dl_csv": {"en": "Suggested sites (CSV)", "fr": "Lieux suggérés (CSV)"},
    "scen.dl_html": {"en": "Suggestion summary (HTML)", "fr": "Résumé des suggestions (HTML)"},
    "scen.for_coverage": {"en": "coverage", "fr": "couverture"},
    "scen.for_optimum": {"en": "optimum", "fr": "optimum"},
    "scen.for_zone": {"en": "makes zone {zone} pass", "fr": "rend la zone {zone} conforme"},
    "layer.suggestions": {"en": "Suggested new sites", "fr": "Nouveaux lieux suggérés"},
    "legend.suggestion": {"en": "Suggested new site (rank)", "fr": "Nouveau lieu suggéré (rang)"},
    "popup.rank": {"en": "Rank", "fr": "Rang"},
    "layer.closed": {"en": "Sites closed in the scenario", "fr": "Lieux fermés dans le scénario"},
    "legend.closed": {"en": "In-person site closed in the scenario", "fr": "Lieu en personne fermé dans le scénario"},
    "popup.scenario": {"en": "Scenario", "fr": "Scénario"},
    "popup.closed": {"en": "closed (what-if)", "fr": "fermé (simulation)"},
    "popup.population_added": {"en": "People brought within reach", "fr": "Personnes rapprochées"},
    # footer
    "footer.title": {"en": "Data sources and attribution", "fr": "Sources des données et attribution"},
    "footer.method": {
        "en": "Distances are straight lines on the ellipsoid, not travel by road; winter roads, ferries "
        "and seasonal access are not modelled. Boundaries are simplified for display only.",
        "fr": "Les distances sont à vol d'oiseau sur l'ellipsoïde, pas par la route; les routes d'hiver, "
        "les traversiers et l'accès saisonnier ne sont pas modélisés. Les limites sont simplifiées pour "
        "l'affichage seulement.",
    },
    "footer.licence_note": {
        "en": "Attribution statements are reproduced as the licences require.",
        "fr": "Les mentions d'attribution sont reproduites telles que les licences l'exigent (en anglais).",
    },
    "footer.basemap": {
        "en": "Base map © OpenStreetMap contributors (shown only with an internet connection).",
        "fr": "Fond de carte © contributeurs d'OpenStreetMap (affiché seulement avec une connexion Internet).",
    },
    # yes / no
    "yes": {"en": "yes", "fr": "oui"},
    "no": {"en": "no", "fr": "non"},
    "kind.place": {"en": "place (GeoNames)", "fr": "localité (GeoNames)"},
    "kind.first_nation": {"en": "First Nation band office", "fr": "bureau de bande d'une Première Nation"},
    "remoteness.easily accessible": {"en": "easily accessible", "fr": "facilement accessible"},
    "remoteness.accessible": {"en": "accessible", "fr": "accessible"},
    "remoteness.less accessible": {"en": "less accessible", "fr": "moins accessible"},
    "remoteness.remote": {"en": "remote", "fr": "éloigné"},
    "remoteness.very remote": {"en": "very remote", "fr": "très éloigné"},
    "remoteness.unclassified": {"en": "unclassified", "fr": "non classé"},
    "tba": dict(TBA_TEXT),
}

# Status labels: the rollout module's words, so that the app, CLI and report agree.
for _code in STATUSES:
    TEXT[f"status.{_code}"] = {lang: STATUS_LABELS[lang][_code] for lang in LANGS}

#: Table column headers (``col.<name>``), shared by every table the app shows.
COLUMNS: dict[str, _T] = {
    "catchment_id": {"en": "Catchment code", "fr": "Code de la zone de desserte"},
    "catchment": {"en": "Catchment area", "fr": "Zone de desserte"},
    "phase": {"en": "Phase", "fr": "Phase"},
    "ssm": {"en": "SSM", "fr": "GSS"},
    "status": {"en": "Status", "fr": "Statut"},
    "status_label": {"en": "Status", "fr": "Statut"},
    "planning_period": {"en": "Planning and transition", "fr": "Planification et transition"},
    "ies_start": {"en": "Integrated services start", "fr": "Début des services intégrés"},
    "population": {"en": "Population", "fr": "Population"},
    "census_population": {"en": "Census population", "fr": "Population au recensement"},
    "reserve_population_exempt": {"en": "On reserves (exempt)", "fr": "Dans les réserves (exemptées)"},
    "reserve_population": {"en": "On reserves (exempt)", "fr": "Dans les réserves (exemptées)"},
    "non_reserve_population": {"en": "Outside reserves", "fr": "Hors réserves"},
    "in_person_sites": {"en": "In-person sites", "fr": "Lieux en personne"},
    "sites_per_100k": {"en": "Sites per 100,000", "fr": "Lieux par 100 000"},
    "pop_within_threshold": {"en": "Within threshold", "fr": "Dans le seuil"},
    "pct_within_threshold": {"en": "% within threshold", "fr": "% dans le seuil"},
    "pop_beyond_threshold": {"en": "Beyond threshold", "fr": "Au-delà du seuil"},
    "median_distance_km": {"en": "Median distance (km)", "fr": "Distance médiane (km)"},
    "max_distance_km": {"en": "Longest distance (km)", "fr": "Distance maximale (km)"},
    "mean_distance_km": {"en": "Mean distance (km)", "fr": "Distance moyenne (km)"},
    "people_nearest_site_in_other_catchment": {
        "en": "Nearest site in another catchment (people)",
        "fr": "Lieu le plus proche dans une autre zone (personnes)",
    },
    "zone": {"en": "Zone", "fr": "Zone"},
    "passes": {"en": "Passes", "fr": "Conforme"},
    "reason": {"en": "Why it fails", "fr": "Motif de non-conformité"},
    "short_of_sites": {"en": "Too few sites inside", "fr": "Trop peu de sites à l'intérieur"},
    "short_of_share": {"en": "Too few people within reach", "fr": "Trop peu de personnes à portée"},
    "community": {"en": "Community", "fr": "Collectivité"},
    "kind": {"en": "Kind", "fr": "Type"},
    "CSDUID": {"en": "CSD code", "fr": "Code de SDR"},
    "CSDNAME": {"en": "Census subdivision", "fr": "Subdivision de recensement"},
    "CSDTYPE": {"en": "CSD type", "fr": "Genre de SDR"},
    "remoteness_index": {"en": "Remoteness index", "fr": "Indice d'éloignement"},
    "remoteness_class": {"en": "Remoteness", "fr": "Éloignement"},
    "sac_type": {"en": "Statistical area", "fr": "Secteur statistique"},
    "nearest_site": {"en": "Nearest in-person site", "fr": "Lieu en personne le plus proche"},
    "distance_km": {"en": "Distance (km)", "fr": "Distance (km)"},
    "threshold_km": {"en": "Threshold (km)", "fr": "Seuil (km)"},
    "is_reserve_exempt": {"en": "Reserve (exempt)", "fr": "Réserve (exemptée)"},
    "is_reserve": {"en": "Reserve", "fr": "Réserve"},
    "lon": {"en": "Longitude", "fr": "Longitude"},
    "lat": {"en": "Latitude", "fr": "Latitude"},
    "row": {"en": "Row", "fr": "Ligne"},
    "site": {"en": "Site", "fr": "Lieu"},
    "field": {"en": "Column", "fr": "Colonne"},
    "severity": {"en": "Severity", "fr": "Gravité"},
    "problem": {"en": "Problem", "fr": "Problème"},
    "fix": {"en": "How to fix it", "fr": "Comment corriger"},
    "error": {"en": "error", "fr": "erreur"},
    "warning": {"en": "warning", "fr": "avertissement"},
    "date": {"en": "Date", "fr": "Date"},
    "start": {"en": "Start", "fr": "Début"},
    "end": {"en": "End", "fr": "Fin"},
    "in_person_sites_before": {"en": "Sites before", "fr": "Lieux avant"},
    "in_person_sites_after": {"en": "Sites after", "fr": "Lieux après"},
    "pop_beyond_before": {"en": "Beyond threshold before", "fr": "Au-delà du seuil avant"},
    "pop_beyond_after": {"en": "Beyond threshold after", "fr": "Au-delà du seuil après"},
    "newly_beyond": {"en": "Newly beyond", "fr": "Nouvellement au-delà"},
    "pct_within_before": {"en": "% within before", "fr": "% dans le seuil avant"},
    "pct_within_after": {"en": "% within after", "fr": "% dans le seuil après"},
    "reserve_newly_beyond": {
        "en": "On reserves, newly beyond (exempt)",
        "fr": "Réserves, nouvellement au-delà (exemptées)",
    },
    "passes_before": {"en": "Passes before", "fr": "Conforme avant"},
    "passes_after": {"en": "Passes after", "fr": "Conforme après"},
    "change": {"en": "Change", "fr": "Changement"},
    "nearest_site_before": {"en": "Nearest site before", "fr": "Lieu le plus proche avant"},
    "distance_before_km": {"en": "Distance before (km)", "fr": "Distance avant (km)"},
    "nearest_site_after": {"en": "New nearest site", "fr": "Nouveau lieu le plus proche"},
    "distance_after_km": {"en": "New distance (km)", "fr": "Nouvelle distance (km)"},
    "rank": {"en": "Rank", "fr": "Rang"},
    "name": {"en": "Name", "fr": "Nom"},
    "population_added": {"en": "People added", "fr": "Personnes ajoutées"},
    "cumulative": {"en": "Cumulative", "fr": "Cumul"},
    "chosen_for": {"en": "Chosen for", "fr": "Choisi pour"},
}
for _col, _labels in COLUMNS.items():
    TEXT[f"col.{_col}"] = _labels


def t(key: str, lang: str, **fields: object) -> str:
    """Return the text of ``key`` in ``lang``, with ``{name}`` fields filled from ``fields``.

    Parameters
    ----------
    key : str
        A key of :data:`TEXT` (e.g. ``'metric.within'``).
    lang : {'en', 'fr'}
        The language.
    **fields
        Values for the ``{name}`` placeholders of the text.

    Returns
    -------
    str
        The translated text.

    Raises
    ------
    KeyError
        When ``key`` is not in the table (a programming error: every label must be there).
    """
    entry = TEXT[key]
    text = entry[check_lang(lang)]
    return text.format(**fields) if fields else text


def has(key: str) -> bool:
    """Return whether ``key`` is in the translation table."""
    return key in TEXT


def status_label(code: str, lang: str) -> str:
    """Return the label of a rollout status code (see :data:`esr_geo.rollout.STATUSES`)."""
    return t(f"status.{code}", lang)


def site_type_label(site_type: object, lang: str) -> str:
    """Return a site type in ``lang``: known types are translated, others are shown as written."""
    text = "" if site_type is None or (isinstance(site_type, float) and math.isnan(site_type)) else str(site_type)
    key = f"site_type.{text}"
    if has(key):
        return t(key, lang)
    return text or t("site_type.other", lang)


def precision_label(value: object, lang: str) -> str:
    """Return a location-precision code in ``lang`` (unknown codes are shown as written)."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    key = f"precision.{text}"
    if has(key):
        return t(key, lang)
    return text or t("popup.unknown", lang)


def column_label(column: str, lang: str) -> str:
    """Return the header of a table column in ``lang`` (the column name itself if unknown)."""
    key = f"col.{column}"
    return t(key, lang) if has(key) else column


def translate_columns(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return a copy of ``frame`` with every column header in ``lang``."""
    return frame.rename(columns={c: column_label(str(c), lang) for c in frame.columns})


def fmt_int(value: float, lang: str) -> str:
    """Format a count: ``12,345`` in English, ``12 345`` in French (narrow no-break space)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{round(value):,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def fmt_num(value: float, lang: str, digits: int = 1) -> str:
    """Format a decimal number with ``digits`` decimals in the language's style."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def fmt_km(value: float, lang: str) -> str:
    """Format a distance in km without useless decimals (``50``, ``37.5`` / ``37,5``)."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def fmt_pct(value: float, lang: str, digits: int = 1) -> str:
    """Format a percentage (0-100): ``93.5%`` in English, ``93,5 %`` in French."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = fmt_num(value, lang, digits)
    return f"{number}\u00a0%" if lang == "fr" else f"{number}%"


_MONTHS_LONG = {
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
    "fr": [
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ],
}  # fmt: skip


def fmt_date(day: object, lang: str) -> str:
    """Format a date in words: ``1 October 2023`` / ``1er octobre 2023``."""
    stamp = pd.Timestamp(day)  # type: ignore[arg-type]
    month = _MONTHS_LONG[check_lang(lang)][stamp.month - 1]
    if lang == "fr":
        first = "1er" if stamp.day == 1 else str(stamp.day)
        return f"{first} {month} {stamp.year}"
    return f"{stamp.day} {month} {stamp.year}"


def yes_no(value: object, lang: str) -> str:
    """Return ``yes``/``no`` (``oui``/``non``) for a truthy value."""
    return t("yes" if bool(value) else "no", lang)


def zone_reason(
    *,
    in_person_sites: int,
    pct_within: float,
    beyond: float,
    min_sites: int,
    min_share: float,
    lang: str,
    shortfalls: tuple[bool, bool] | None = None,
) -> str:
    """Explain in ``lang`` why a zone fails (empty text when it passes).

    Parameters
    ----------
    in_person_sites : int, keyword-only
        In-person sites inside the zone.
    pct_within : float, keyword-only
        Share (0-100) of the zone's non-reserve residents within the threshold.
    beyond : float, keyword-only
        Non-reserve residents beyond the threshold (persons).
    min_sites, min_share : keyword-only
        The pass criteria (``min_share`` as 0-1).
    lang : {'en', 'fr'}, keyword-only
        The language.
    shortfalls : (bool, bool), keyword-only, optional
        The zone's reason codes (``short_of_sites``, ``short_of_share``) as the engine decided
        them; ``None`` applies :func:`esr_geo.zones.zone_shortfalls` to the figures given.

    Returns
    -------
    str
        The reasons joined by ``'; '``.
    """
    if shortfalls is None:
        from esr_geo.zones import zone_shortfalls

        sites_arr, share_arr = zone_shortfalls(
            np.array([in_person_sites]), np.array([pct_within]), min_sites=min_sites, min_share=min_share
        )
        shortfalls = (bool(sites_arr[0]), bool(share_arr[0]))
    short_sites, short_share = shortfalls
    why = []
    if short_sites:
        why.append(t("zone.reason_sites", lang, n=in_person_sites, need=min_sites))
    if short_share:
        why.append(
            t(
                "zone.reason_share",
                lang,
                pct=fmt_pct(pct_within, lang),
                n=fmt_int(beyond, lang),
                need=fmt_pct(100 * min_share, lang, 0),
            )
        )
    return "; ".join(why)


def zone_reasons(frame: pd.DataFrame, *, min_sites: int, min_share: float, lang: str) -> list[str]:
    """Word the reason of every zone of a coverage table (empty text for a zone that passes).

    Parameters
    ----------
    frame : pandas.DataFrame
        Zones with ``in_person_sites``, ``pct_within_threshold`` (0-100),
        ``non_reserve_population`` and ``pop_within_threshold`` (persons), as
        :func:`esr_geo.zones.evaluate_zones` gives them.
    min_sites, min_share : keyword-only
        The pass criteria (``min_share`` as 0-1).
    lang : {'en', 'fr'}, keyword-only
        The language.

    Returns
    -------
    list of str
        One text per row, in order.
    """
    beyond = frame["non_reserve_population"] - frame["pop_within_threshold"]
    rows = zip(
        frame["in_person_sites"], frame["pct_within_threshold"], beyond, frame["short_of_sites"],
        frame["short_of_share"], strict=True,
    )  # fmt: skip
    return [
        zone_reason(
            in_person_sites=int(n), pct_within=float(p), beyond=float(b), min_sites=min_sites, min_share=min_share,
            lang=lang, shortfalls=(bool(s1), bool(s2)),
        )
        for n, p, b, s1, s2 in rows
    ]  # fmt: skip


def in_words(frame: pd.DataFrame, *, min_sites: int, min_share: float, lang: str) -> pd.DataFrame:
    """Return a coded engine table with its codes in words, as reports and exports write it.

    The engine's tables carry codes; this is where they become words. ``short_of_sites`` and
    ``short_of_share`` become one ``reason`` column (in their place); a ``status`` code gets
    a ``status_label`` beside it in a GIS layer (which keeps the code), or becomes the label
    in a table without one (``coverage_by_catchment``); a community ``kind`` code becomes
    its label. Other columns are unchanged; the input is not modified.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table or layer of :func:`esr_geo.analysis.build_tables` or
        :func:`esr_geo.analysis.gis_layers`.
    min_sites, min_share : keyword-only
        The zone pass criteria of the analysis (``min_share`` as 0-1).
    lang : {'en', 'fr'}, keyword-only
        The language.

    Returns
    -------
    pandas.DataFrame
        A copy with words in place of the codes.
    """
    out = frame.copy()
    if "short_of_sites" in out.columns:
        at = list(out.columns).index("short_of_sites")
        reasons = zone_reasons(out, min_sites=min_sites, min_share=min_share, lang=lang)
        out = out.drop(columns=["short_of_sites", "short_of_share"])
        out.insert(at, "reason", reasons)
    if "kind" in out.columns:
        out["kind"] = out["kind"].map(lambda v: t(f"kind.{v}", lang) if has(f"kind.{v}") else v)
    return out


def status_words(frame: pd.DataFrame, *, lang: str, keep_code: bool) -> pd.DataFrame:
    """Return ``frame`` with its ``status`` code in words: beside it (``keep_code``) or in its place."""
    out = frame.copy()
    labels = out["status"].map(lambda c: status_label(str(c), lang))
    if keep_code:
        out["status_label"] = labels
    else:
        out["status"] = labels
    return out


def missing_keys(keys: Mapping[str, object] | None = None) -> list[str]:
    """Return the keys of :data:`TEXT` (or of ``keys``) that lack a language (for the tests)."""
    table = TEXT if keys is None else keys
    out = []
    for key, entry in table.items():
        if not isinstance(entry, dict) or any(not isinstance(entry.get(lang), str) for lang in LANGS):
            out.append(key)
    return out
