"""English and French of the planner's page, its map, legend, card and table headers: data only.

This module holds the page's entries of the one translation table, :data:`esr_geo.i18n.TEXT`,
kept apart so that :mod:`esr_geo.i18n` stays one readable module of lookups and formats;
:mod:`esr_geo.i18n` merges them with :data:`esr_geo.words.ALL`. ``{name}`` fields are filled by
:func:`esr_geo.i18n.t`; ``{n:one|other}`` chooses the singular or the plural.
"""

from __future__ import annotations

from esr_geo import words
from esr_geo.rollout import LANGS, STATUS_LABELS, STATUSES, TBA_TEXT

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
        "en": "{file}: {n} {n:problem|problems} found. Fix them in the file, or continue without the invalid rows.",
        "fr": "{file} : {n} {n:problème trouvé|problèmes trouvés}. Corrigez-les dans le fichier, ou continuez sans "
        "les lignes invalides.",
    },
    "side.skip_invalid": {
        "en": "Continue without the invalid rows",
        "fr": "Continuer sans les lignes invalides",
    },
    "side.dropped": {
        "en": "{n} invalid {n:row|rows} left out of {file}.",
        "fr": "{n} {n:ligne invalide laissée|lignes invalides laissées} de côté dans {file}.",
    },
    "side.warnings": {
        "en": "{n} {n:warning|warnings} on {file}; see the table below the map.",
        "fr": "{n} {n:avertissement|avertissements} sur {file}; voir le tableau sous la carte.",
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
    "colour.ssm": {"en": "service system manager", "fr": "gestionnaire du système de services"},
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
        "en": "Residents within {limit}",
        "fr": "Résidents à {limit} ou moins",
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
    # the SSM card and legend (esr_geo.ssm)
    "legend.ssm": {"en": "Service system manager (SSM)", "fr": "Gestionnaire du système de services (GSS)"},
    "ssm_card.title": {"en": "SSM card", "fr": "Fiche du GSS"},
    "ssm_card.pick": {"en": "SSM to show", "fr": "GSS à afficher"},
    "ssm_card.catchments": {"en": "Catchment areas", "fr": "Zones de desserte"},
    "ssm_card.tba": {
        "en": "These catchments have no SSM yet; the ministry will announce it.",
        "fr": "Ces zones de desserte n'ont pas encore de GSS; le ministère l'annoncera.",
    },
    "ssm_card.zones_value": {"en": "{n} of {total}", "fr": "{n} sur {total}"},
    "ssm_card.zones_named": {"en": "{n} of {total}: {zones}", "fr": "{n} sur {total} : {zones}"},
    "ssm_card.no_zones": {"en": "no service delivery zone", "fr": "aucune zone de prestation de services"},
    # zone results
    "zone.pass": {"en": "passes", "fr": "conforme"},
    "zone.fail": {"en": "fails", "fr": "non conforme"},
    "zone.reason_sites": {
        "en": "{n} in-person {n:site|sites} inside the zone; at least {need} required",
        "fr": "{n} {n:lieu|lieux} en personne dans la zone; au moins {need} requis",
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
        "choisis, dans la langue de la page.",
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
        "remaining one. The map (closed sites marked), the headline figures, the card, the tables and the "
        "suggestions below then show the situation after the closure.",
        "fr": "Choisissez des lieux en personne à fermer : toute personne dont le lieu le plus proche ferme est "
        "mesurée de nouveau jusqu'au lieu restant le plus proche. La carte (lieux fermés marqués), les chiffres "
        "clés, la fiche, les tableaux et les suggestions plus bas montrent alors la situation après la fermeture.",
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
        "en": "Closing {sites} puts {n} more non-reserve {n:resident|residents} beyond {limit} ({before} before, "
        "{after} after); {zones}; {communities} named {communities:community loses|communities lose} access. "
        "{reserves} {reserves:person|people} on reserves {reserves:is|are} newly beyond the threshold (exempt, "
        "reported apart).",
        "fr": "La fermeture de {sites} place {n} {n:résident|résidents} de plus (hors réserves) à plus de {limit} "
        "({before} avant, {after} après); {zones}; {communities} {communities:collectivité nommée perd|collectivités "
        "nommées perdent} l'accès. {reserves} {reserves:personne|personnes} dans les réserves {reserves:se "
        "retrouve|se retrouvent} au-delà du seuil (exemptées, présentées à part).",
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
    "scen.fix_first": {"en": "Fix failing zones first", "fr": "D'abord les zones non conformes"},
    "scen.fix_help": {
        "en": "First add the sites that make each failing zone pass, then fill the rest by coverage.",
        "fr": "Ajouter d'abord les lieux qui rendent chaque zone conforme, puis compléter selon la couverture.",
    },
    "scen.run": {"en": "Suggest sites", "fr": "Suggérer des lieux"},
    "scen.clear": {"en": "Clear the suggestions", "fr": "Effacer les suggestions"},
    "scen.suggesting": {"en": "Choosing the sites…", "fr": "Choix des lieux…"},
    "scen.suggest_table": {"en": "Suggested sites, in order", "fr": "Lieux suggérés, dans l'ordre"},
    "scen.suggest_summary": {
        "en": "{demand} non-reserve residents are beyond {limit} here; the {n} suggested sites bring {chosen} of "
        "them ({pct}) within reach ({coverable} are within reach of some candidate).",
        "fr": "{demand} résidents (hors réserves) sont ici à plus de {limit}; les {n} lieux suggérés en "
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
    "schema.rnf": {
        "en": "Statistics Canada Road Network File",
        "fr": "Fichier du réseau routier de Statistique Canada",
    },
    "schema.orn": {"en": "Ontario Road Network", "fr": "Réseau routier de l'Ontario"},
    "schema.osm": {"en": "OpenStreetMap", "fr": "OpenStreetMap"},
    "schema.speed": {"en": "line layer with a speed column", "fr": "couche de lignes avec une colonne de vitesse"},
    "road_access.0": {"en": "reaches a site by road", "fr": "atteint un lieu par la route"},
    "road_access.1": {"en": "no road access", "fr": "aucun accès routier"},
    "road_access.2": {"en": "road not connected to any site", "fr": "route non reliée à un lieu"},
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
    "in_person": {"en": "In person", "fr": "En personne"},
    "pop_within_before": {"en": "Within threshold before", "fr": "Dans le seuil avant"},
    "pop_within_after": {"en": "Within threshold after", "fr": "Dans le seuil après"},
    "pop_beyond_before": {"en": "Beyond threshold before", "fr": "Au-delà du seuil avant"},
    "pop_beyond_after": {"en": "Beyond threshold after", "fr": "Au-delà du seuil après"},
    "newly_beyond": {"en": "Newly beyond", "fr": "Nouvellement au-delà"},
    "pct_within_before": {"en": "% within before", "fr": "% dans le seuil avant"},
    "pct_within_after": {"en": "% within after", "fr": "% dans le seuil après"},
    "reserve_beyond_before": {"en": "On reserves, beyond before (exempt)", "fr": "Réserves, au-delà avant (exemptées)"},
    "reserve_beyond_after": {"en": "On reserves, beyond after (exempt)", "fr": "Réserves, au-delà après (exemptées)"},
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
    "ssm_id": {"en": "SSM code", "fr": "Code du GSS"},
    "catchment_ids": {"en": "Catchment codes", "fr": "Codes des zones de desserte"},
    "zones": {"en": "Zones", "fr": "Zones"},
    "zones_failing": {"en": "Zones that fail", "fr": "Zones non conformes"},
    "failing_zones": {"en": "Zones that fail (names)", "fr": "Zones non conformes (noms)"},
    "drive_min": {"en": "Drive time (min)", "fr": "Temps de route (min)"},
    "drive_before_min": {"en": "Drive time before (min)", "fr": "Temps de route avant (min)"},
    "drive_after_min": {"en": "New drive time (min)", "fr": "Nouveau temps de route (min)"},
    "road_access_after": {"en": "Road access after", "fr": "Accès routier après"},
    "road_km": {"en": "By road (km)", "fr": "Par la route (km)"},
    "access_km": {"en": "To the road (km)", "fr": "Jusqu'à la route (km)"},
    "road_access": {"en": "Road access", "fr": "Accès routier"},
    "threshold_min": {"en": "Threshold (min)", "fr": "Seuil (min)"},
    "median_drive_min": {"en": "Median drive time (min)", "fr": "Temps de route médian (min)"},
    "max_drive_min": {"en": "Longest drive time (min)", "fr": "Temps de route maximal (min)"},
    "median_road_km": {"en": "Median road distance (km)", "fr": "Distance routière médiane (km)"},
    "pop_no_road_access": {"en": "No road access (people)", "fr": "Sans accès routier (personnes)"},
    "pop_not_connected": {
        "en": "Road not connected to a site (people)",
        "fr": "Route non reliée à un lieu (personnes)",
    },
}
for _col, _labels in COLUMNS.items():
    TEXT[f"col.{_col}"] = _labels

# French Language Services (esr_geo.french): the designated areas' words and their tables' headers.
_FLS_TEXT: dict[str, _T] = {
    "fls.passes": {"en": "passes", "fr": "conforme"},
    "fls.fails": {"en": "fails", "fr": "non conforme"},
    "fls.unknown": {"en": "unknown", "fr": "inconnu"},
    "fls.reason_sites": {"en": "{n} French-serving in-person {n:site|sites} inside the area; at least {need} required",
                         "fr": "{n} {n:lieu|lieux} en personne servant en français dans la région; au moins "
                         "{need} requis"},
    "fls.reason_share": {"en": "only {pct} of non-reserve residents are within reach of a French-serving site ({n} "
                         "people beyond); at least {need} required",
                         "fr": "seulement {pct} des résidents hors réserve sont à portée d'un lieu servant en "
                         "français ({n} personnes au-delà); au moins {need} requis"},
    "fls.reason_unknown": {"en": "the site list does not say which sites serve in French",
                           "fr": "la liste des lieux n'indique pas lesquels servent en français"},
    "fls.method_rule": {
        "en": "French Language Services: the {n} areas designated under the French Language Services Act on {date},"
        " as whole 2021 census subdivisions. A French-serving site is an in-person site whose list says it "
        "serves in French ({fr} of {sites}). An area passes with at least {min_sites} French-serving "
        "in-person {min_sites:site|sites} inside it and at least {share} of its non-reserve residents within "
        "the threshold of one (inside the area or not), the zones' rule; reserves are reported apart and "
        "never count in the share or as a failure.",
        "fr": "Services en français : les {n} régions désignées en vertu de la Loi sur les services en français au "
        "{date}, en subdivisions de recensement 2021 entières. Un lieu servant en français est un lieu en "
        "personne dont la liste indique qu'il sert en français ({fr} sur {sites}). Une région est conforme "
        "avec au moins {min_sites} {min_sites:lieu|lieux} en personne servant en français à l'intérieur et au"
        " moins {share} de ses résidents hors réserve dans le seuil de l'un d'eux (dans la région ou non), "
        "comme les zones; les réserves sont présentées à part et ne comptent jamais dans la part ni comme une"
        " non-conformité.",
    },
    "fls.method_unknown": {
        "en": "{n} in-person {n:site does|sites do} not say whether {n:it serves|they serve} in French: counted "
        "apart (language unknown), never as French-serving; when no site says, every area's result is "
        "unknown.",
        "fr": "{n} {n:lieu en personne n'indique pas s'il sert|lieux en personne n'indiquent pas s'ils servent} en "
        "français : {n:compté|comptés} à part (langue inconnue), jamais comme servant en français; si aucun "
        "lieu ne l'indique, le résultat de chaque région est inconnu.",
    },
    "fls.method_limits": {
        "en": "Limits: the designation is about the area, not about how many francophones live there (the data has "
        "no language counts). Partial areas are approximated by whole census subdivisions where the mapping says so "
        "(e.g. Hamilton as of 2000-12-31 by today's Hamilton), which makes them larger than designated.",
        "fr": "Limites : la désignation porte sur la région, non sur le nombre de francophones qui y vivent (les "
        "données ne comptent pas les langues). Les régions désignées en partie sont représentées par des "
        "subdivisions de recensement entières là où la correspondance l'indique (p. ex. Hamilton au 31 décembre 2000 "
        "par le Hamilton actuel), ce qui les agrandit.",
    },
    "fls.method_dates": {
        "en": "Dates: the City of Sarnia is designated from 1 November 2024; from 1 January 2029, O. Reg. 272/25 "
        "widens six partial areas (Hamilton; Stormont, Dundas and Glengarry; Essex; Chatham-Kent; Renfrew; Thunder "
        "Bay) to current municipal boundaries.",
        "fr": "Dates : la Ville de Sarnia est désignée depuis le 1er novembre 2024; dès le 1er janvier 2029, le Règl. "
        "de l'Ont. 272/25 élargit six régions désignées en partie (Hamilton; Stormont, Dundas et Glengarry; Essex; "
        "Chatham-Kent; Renfrew; Thunder Bay) aux limites municipales actuelles.",
    },
    "tables.french_designated_areas": {"en": "French Language Services: designated areas",
                                       "fr": "Services en français : régions désignées"},
    "tables.french_communities": {"en": "Communities of the designated areas and their nearest French-serving site",
                                  "fr": "Collectivités des régions désignées et leur lieu le plus proche servant en "
                                  "français"},
    "layer.french_areas": {"en": "French-language designated areas", "fr": "Régions désignées (services en français)"},
    "legend.french_site": {"en": "Serves in French (ring)", "fr": "Sert en français (anneau)"},
    "legend.french_area": {"en": "Designated area (dotted)", "fr": "Région désignée (pointillé)"},
    "popup.french": {"en": "Services in French", "fr": "Services en français"},
    "popup.fr_sites": {"en": "French-serving sites inside", "fr": "Lieux servant en français"},
    "popup.fr_share": {"en": "Residents within reach of one", "fr": "Résidents à portée de l'un d'eux"},
    "popup.area": {"en": "Designated area", "fr": "Région désignée"},
}  # fmt: skip
_FLS_COLUMNS: dict[str, _T] = {
    "area_no": {"en": "Area no.", "fr": "No de la région"},
    "area": {"en": "Designated area", "fr": "Région désignée"},
    "approximate": {"en": "Approximated by whole CSDs", "fr": "Approchée par des SDR entières"},
    "csd_count": {"en": "Census subdivisions", "fr": "Subdivisions de recensement"},
    "fr_sites": {"en": "French-serving sites", "fr": "Lieux servant en français"},
    "fr_unknown_sites": {"en": "Sites, language unknown", "fr": "Lieux, langue inconnue"},
    "pop_within_fr": {"en": "Within reach of French", "fr": "À portée en français"},
    "pct_within_fr": {"en": "% within reach of French", "fr": "% à portée en français"},
    "pop_beyond_fr": {"en": "Beyond reach of French", "fr": "Hors de portée en français"},
    "reserve_pop_within_fr": {"en": "On reserves, within reach (exempt)", "fr": "Réserves, à portée (exemptées)"},
    "mean_fr_distance_km": {"en": "Mean distance, French (km)", "fr": "Distance moyenne, français (km)"},
    "max_fr_distance_km": {"en": "Longest distance, French (km)", "fr": "Distance maximale, français (km)"},
    "mean_fr_drive_min": {"en": "Mean drive time, French (min)", "fr": "Durée moyenne en voiture, français (min)"},
    "max_fr_drive_min": {"en": "Longest drive time, French (min)", "fr": "Durée maximale en voiture, français (min)"},
    "fls_status": {"en": "Result code", "fr": "Code du résultat"},
    "fls_label": {"en": "Result", "fr": "Résultat"},
    "short_of_fr_sites": {"en": "Too few French-serving sites", "fr": "Trop peu de lieux en français"},
    "short_of_fr_share": {"en": "Too few people within reach", "fr": "Trop peu de personnes à portée"},
    "min_fr_sites": {"en": "Sites required", "fr": "Lieux requis"},
    "min_fr_share": {"en": "Share required (0-1)", "fr": "Part requise (0-1)"},
    "fr_nearest_site": {"en": "Nearest French-serving site", "fr": "Lieu le plus proche servant en français"},
    "fr_distance_km": {"en": "Distance to it (km)", "fr": "Distance (km)"},
    "fr_threshold_km": {"en": "Threshold (km)", "fr": "Seuil (km)"},
    "fr_within": {"en": "Within reach", "fr": "À portée"},
    "french": {"en": "Serves in French", "fr": "Sert en français"},
}  # fmt: skip
TEXT.update(_FLS_TEXT)
TEXT.update(words.ALL)  # the reports', exports', workspace's and comparisons' words (esr_geo.words)
for _col, _labels in _FLS_COLUMNS.items():
    TEXT[f"col.{_col}"] = _labels

# The planner's page (app.py): uploads kept or refused, the link to a view, the map's views, the pictures.
_PAGE_TEXT: dict[str, _T] = {
    "app.tab_title": {"en": "Ontario employment services: rollout and in-person access map",
                      "fr": "Services d'emploi en Ontario : carte du déploiement et de l'accès en personne"},
    "app.kept": {"en": "Your new file could not be used (the reason is in the sidebar, under the file). The map "
                 "and the figures still show {what}.",
                 "fr": "Votre nouveau fichier n'a pas pu être utilisé (la raison est dans la barre latérale, sous "
                 "le fichier). La carte et les chiffres montrent toujours {what}."},
    "app.what_demo": {"en": "the demonstration layer and the default zones",
                      "fr": "la couche de démonstration et les zones par défaut"},
    "app.what_last": {"en": "the last files that could be used ({files})",
                      "fr": "les derniers fichiers utilisables ({files})"},
    "side.file_refused": {"en": "{file} cannot be used as it is.", "fr": "{file} ne peut pas être utilisé tel quel."},
    "side.skip_hint": {"en": "To go ahead with the rows that can be used, tick “{label}” below.",
                       "fr": "Pour continuer avec les lignes utilisables, cochez « {label} » ci-dessous."},
    "side.problem_rows": {"en": "Problems, row by row", "fr": "Problèmes, ligne par ligne"},
    "side.template_sites": {"en": "Site-file template (CSV)", "fr": "Modèle de fichier des lieux (CSV)"},
    "side.template_sites_help": {"en": "The header row of a site list: fill in one row per site below it; only the "
                                 "name and a location (coordinates or a postal code) are required.",
                                 "fr": "La ligne d'en-tête d'une liste de lieux : remplissez une ligne par lieu en "
                                 "dessous; seuls le nom et un emplacement (coordonnées ou code postal) sont requis."},
    "card.zone_line": {"en": "{result}: {pct} within reach, {sites} in-person {sites:site|sites} inside",
                       "fr": "{result} : {pct} à portée, {sites} {sites:lieu|lieux} en personne à l'intérieur"},
    "side.template_zones": {"en": "Zones file format: the default zones (CSV)",
                            "fr": "Format du fichier des zones : les zones par défaut (CSV)"},
    "side.template_zones_help": {"en": "One row per census subdivision (CSDUID) with the name of its zone: rename "
                                 "the zones, move subdivisions between them or add rows, then load the file.",
                                 "fr": "Une ligne par subdivision de recensement (CSDUID) avec le nom de sa zone : "
                                 "renommez les zones, déplacez des subdivisions ou ajoutez des lignes, puis "
                                 "chargez le fichier."},
    "guide.sites": {"en": "start from the site-file template (download it under the file box)",
                    "fr": "partez du modèle de fichier des lieux (à télécharger sous la zone du fichier)"},
    "guide.zones": {"en": "start from the zones file format (download it under the file box)",
                    "fr": "partez du format du fichier des zones (à télécharger sous la zone du fichier)"},
    "side.threshold_range": {"en": "The threshold must be between {lo} and {hi} km: {asked} km became {used} km.",
                             "fr": "Le seuil doit être entre {lo} et {hi} km : {asked} km est devenu {used} km."},
    "date.range": {"en": "The date must be between {lo} and {hi}: {asked} became {used}.",
                   "fr": "La date doit être entre le {lo} et le {hi} : le {asked} est devenu le {used}."},
    "side.link": {"en": "Link to this view", "fr": "Lien vers cette vue"},
    "side.link_help": {"en": "Send this address to open the same date, language, catchment, threshold and measure.",
                       "fr": "Envoyez cette adresse pour ouvrir la même date, langue, zone de desserte, le même "
                       "seuil et la même mesure."},
    "link.ignored": {"en": "The page's address asked for values that are not available; they were left out: {items}.",
                     "fr": "L'adresse de la page demandait des valeurs non disponibles, laissées de côté : {items}."},
    "metric.no_zones": {"en": "no zones", "fr": "aucune zone"},
    "metric.no_zones_help": {"en": "There is no service delivery zone in the selection.",
                             "fr": "Il n'y a aucune zone de prestation de services dans la sélection."},
    "metric.scope_closed": {"en": "Figures for: {scope}, after the closures chosen below",
                            "fr": "Chiffres pour : {scope}, après les fermetures choisies plus bas"},
    "map.south": {"en": "South", "fr": "Sud"},
    "map.south_help": {"en": "Zoom to the 13 catchments of southern Ontario",
                       "fr": "Voir les 13 zones de desserte du sud de l'Ontario"},
    "map.ontario": {"en": "Ontario", "fr": "Ontario"},
    "map.ontario_help": {"en": "Zoom out to all of Ontario", "fr": "Voir tout l'Ontario"},
    "dl.after_closure": {"en": "They show the situation after the closures chosen above.",
                         "fr": "Ils montrent la situation après les fermetures choisies plus haut."},
    "scen.after_closure": {"en": "Suggestions start from the situation after the closures chosen above.",
                           "fr": "Les suggestions partent de la situation après les fermetures choisies plus haut."},
    "scen.candidates_file": {"en": "Candidate sites (optional): your own list, as a site file",
                             "fr": "Lieux candidats (facultatif) : votre propre liste, comme un fichier des lieux"},
    "scen.candidates_help": {"en": "Without a file, the candidates are named places and First Nations band offices. "
                             "The file's in-person column is not used.",
                             "fr": "Sans fichier, les candidats sont les localités nommées et les bureaux de bande des "
                             "Premières Nations. La colonne « en personne » du fichier n'est pas utilisée."},
    "scen.candidates_used": {"en": "Candidates: the {n} sites of {file}.",
                             "fr": "Candidats : les {n} lieux de {file}."},
    "scen.candidates_refused": {"en": "{file} cannot be used as candidate sites; the named places are used instead.",
                                "fr": "{file} ne peut pas servir de lieux candidats; les localités nommées sont "
                                "utilisées à la place."},
    "charts.title": {"en": "Access in pictures", "fr": "L'accès en images"},
    "charts.reach_km": {"en": "Residents within reach, by distance", "fr": "Résidents à portée, selon la distance"},
    "charts.reach_min": {"en": "Residents within reach, by drive time", "fr": "Résidents à portée, selon le temps de "
                         "route"},
    "charts.x_km": {"en": "Distance to the nearest in-person site (km, straight line)",
                    "fr": "Distance jusqu'au lieu en personne le plus proche (km, à vol d'oiseau)"},
    "charts.x_min": {"en": "Drive time to the nearest in-person site (minutes)",
                     "fr": "Temps de route jusqu'au lieu en personne le plus proche (minutes)"},
    "charts.y_share": {"en": "Residents within reach (%)", "fr": "Résidents à portée (%)"},
    "charts.area": {"en": "Area", "fr": "Territoire"},
    "charts.threshold": {"en": "threshold", "fr": "seuil"},
    "charts.reach_caption": {"en": "Non-reserve residents. Each point of a curve is the share of residents whose "
                             "nearest in-person site is at most that far; the dashed line is the threshold.",
                             "fr": "Résidents hors réserve. Chaque point d'une courbe est la part des résidents "
                             "dont le lieu en personne le plus proche est au plus à cette distance; la ligne "
                             "pointillée est le seuil."},
    "charts.margin": {"en": "Zones: margin on the share required", "fr": "Zones : marge sur la part requise"},
    "charts.margin_x": {"en": "Margin (percentage points)", "fr": "Marge (points de pourcentage)"},
    "charts.margin_caption": {"en": "A bar is a zone's share of residents within reach minus the {share} required: "
                              "right of the line, the share is met. A zone with fewer than {sites} in-person "
                              "{sites:site|sites} inside fails whatever its share (dashed outline).",
                              "fr": "Une barre est la part des résidents d'une zone à portée moins les {share} "
                              "requis : à droite de la ligne, la part est atteinte. Une zone avec moins de {sites} "
                              "{sites:lieu|lieux} en personne à l'intérieur est non conforme quelle que soit sa "
                              "part (contour pointillé)."},
    "charts.no_site": {"en": "too few sites inside", "fr": "trop peu de lieux à l'intérieur"},
}  # fmt: skip
TEXT.update(_PAGE_TEXT)


#: Drive time in the page (app_measure.py, esr_geo.road_maps): the measure, the network, the scope.
_DRIVE_TEXT: dict[str, dict[str, str]] = {
    "drive.measure": {"en": "Access measured", "fr": "Mesure de l'accès"},
    "drive.measure.km": {"en": "Straight line (km)", "fr": "À vol d'oiseau (km)"},
    "drive.measure.min": {"en": "Drive time (minutes)", "fr": "Temps de route (minutes)"},
    "drive.measure_help": {"en": "Drive time is measured on a road network, over the census subdivisions it covers; "
                           "straight-line distances cover all of Ontario.",
                           "fr": "Le temps de route est mesuré sur un réseau routier, dans les subdivisions de "
                           "recensement qu'il couvre; les distances à vol d'oiseau couvrent tout l'Ontario."},
    "drive.network": {"en": "Road network", "fr": "Réseau routier"},
    "drive.network_help": {"en": "The data bundle's networks, then the road files of the server's folder of networks "
                           "(ESR_GEO_NETWORKS_DIR). A network is too big to upload: ask your administrator to put "
                           "the file in that folder.",
                           "fr": "Les réseaux de l'ensemble de données, puis les fichiers routiers du dossier de "
                           "réseaux du serveur (ESR_GEO_NETWORKS_DIR). Un réseau est trop gros pour être "
                           "téléversé : demandez à votre administrateur de déposer le fichier dans ce dossier."},
    "drive.net.ottawa_rnf": {"en": "City of Ottawa (Road Network File 2021)",
                             "fr": "Ville d'Ottawa (Fichier du réseau routier 2021)"},
    "drive.net.ottawa_orn": {"en": "Downtown Ottawa (Ontario Road Network)",
                             "fr": "Centre-ville d'Ottawa (Réseau routier de l'Ontario)"},
    "drive.net.toronto_osm": {"en": "Toronto, St. George campus (OpenStreetMap)",
                              "fr": "Toronto, campus St. George (OpenStreetMap)"},
    "drive.net.kingston_osm": {"en": "Downtown Kingston (OpenStreetMap)",
                               "fr": "Centre-ville de Kingston (OpenStreetMap)"},
    "drive.folder_file": {"en": "{name} (server folder)", "fr": "{name} (dossier du serveur)"},
    "drive.threshold": {"en": "Drive-time threshold (minutes)", "fr": "Seuil de temps de route (minutes)"},
    "drive.threshold_help": {"en": "A resident is within reach when the nearest in-person site is at most this many "
                             "minutes' drive away (free-flow speeds, with the legs to and from the road).",
                             "fr": "Un résident est à portée quand le lieu en personne le plus proche est à au plus "
                             "ce nombre de minutes de route (vitesses en circulation fluide, trajets jusqu'à la "
                             "route compris)."},
    "drive.threshold_range": {"en": "The threshold must be between {lo} and {hi} minutes: {asked} minutes became "
                              "{used} minutes.",
                              "fr": "Le seuil doit être entre {lo} et {hi} minutes : {asked} minutes sont devenues "
                              "{used} minutes."},
    "drive.dir_not_folder": {"en": "The server's folder of road networks, {folder} (ESR_GEO_NETWORKS_DIR), is not a "
                             "folder: only the data bundle's networks are offered. Ask your administrator to set it "
                             "to a folder that holds road network files.",
                             "fr": "Le dossier de réseaux routiers du serveur, {folder} (ESR_GEO_NETWORKS_DIR), "
                             "n'est pas un dossier : seuls les réseaux de l'ensemble de données sont offerts. "
                             "Demandez à votre administrateur d'indiquer un dossier qui contient des fichiers de "
                             "réseau routier."},
    "drive.dir_unreadable": {"en": "The server's folder of road networks, {folder} (ESR_GEO_NETWORKS_DIR), cannot be "
                             "read: only the data bundle's networks are offered.",
                             "fr": "Le dossier de réseaux routiers du serveur, {folder} (ESR_GEO_NETWORKS_DIR), ne "
                             "peut pas être lu : seuls les réseaux de l'ensemble de données sont offerts."},
    "drive.dir_empty": {"en": "The server's folder of road networks, {folder}, holds no road network file (GeoPackage, "
                        "shapefile or zipped shapefile, File Geodatabase, OpenStreetMap .osm or .osm.pbf, Overpass "
                        "JSON, GeoJSON).",
                        "fr": "Le dossier de réseaux routiers du serveur, {folder}, ne contient aucun fichier de "
                        "réseau routier (GeoPackage, shapefile ou shapefile zippé, géodatabase fichier, "
                        "OpenStreetMap .osm ou .osm.pbf, JSON Overpass, GeoJSON)."},
    "drive.dir_skipped": {"en": "Not offered (not a road network format): {files}.",
                          "fr": "Non offerts (pas un format de réseau routier) : {files}."},
    "drive.refused": {"en": "The road network {name} cannot be used.",
                      "fr": "Le réseau routier {name} ne peut pas être utilisé."},
    "drive.kept": {"en": "The straight-line analysis (km) is shown meanwhile. Choose another network, or ask your "
                   "administrator to replace the file.",
                   "fr": "L'analyse à vol d'oiseau (km) est affichée en attendant. Choisissez un autre réseau, ou "
                   "demandez à votre administrateur de remplacer le fichier."},
    "drive.too_small": {"en": "{name} covers too little of any census subdivision: the page measures drive time "
                        "over the census subdivisions a network covers (at least {share} of their people within {km} "
                        "km of its roads). Choose a network that covers whole municipalities, such as the City of "
                        "Ottawa's, or measure a part of one on the command line (esr-geo report --network FILE "
                        "--scope CSDUID).",
                        "fr": "{name} couvre trop peu de toute subdivision de recensement : la page mesure le temps "
                        "de route dans les subdivisions de recensement qu'un réseau couvre (au moins {share} de "
                        "leurs habitants à {km} km ou moins de ses routes). Choisissez un réseau qui couvre des "
                        "municipalités entières, comme celui de la Ville d'Ottawa, ou mesurez-en une partie en "
                        "ligne de commande (esr-geo report --network FICHIER --scope CSDUID)."},
    "drive.kept_page": {"en": "Drive time cannot be measured on {name} (the sidebar says why): the figures and the "
                        "map below are the straight-line analysis (km).",
                        "fr": "Le temps de route ne peut pas être mesuré sur {name} (la barre latérale dit "
                        "pourquoi) : les chiffres et la carte ci-dessous sont ceux de l'analyse à vol d'oiseau (km)."},
    "drive.building": {"en": "Measuring drive times on {name} (the first time, the network is built: a few "
                       "seconds)…",
                       "fr": "Mesure des temps de route sur {name} (la première fois, le réseau est construit : "
                       "quelques secondes)…"},
    "drive.metric_within": {"en": "People within {min} min", "fr": "Personnes à {min} min ou moins"},
    "drive.metric_beyond": {"en": "People beyond {min} min", "fr": "Personnes à plus de {min} min"},
    "drive.by_road": {"en": "By road: drive minutes on {network}, {schema}.",
                      "fr": "Par la route : minutes de route sur {network}, {schema}."},
    "drive.straight": {"en": "Straight line: geodesic km to the nearest in-person site.",
                       "fr": "À vol d'oiseau : km géodésiques jusqu'au lieu en personne le plus proche."},
    "drive.scope": {"en": "Area analysed: {n} census {n:subdivision|subdivisions} covered by the network "
                    "({names}).",
                    "fr": "Territoire analysé : {n} {n:subdivision de recensement couverte|subdivisions de "
                    "recensement couvertes} par le réseau ({names})."},
    "drive.scope_asked": {"en": "Area analysed: {n} census {n:subdivision|subdivisions} ({names}).",
                          "fr": "Territoire analysé : {n} {n:subdivision|subdivisions} de recensement ({names})."},
    "drive.left_out": {"en": "Left out, as the network reaches but does not cover them: {n} census "
                       "{n:subdivision|subdivisions} ({names}).",
                       "fr": "Laissées de côté, car le réseau les atteint sans les couvrir : {n} "
                       "{n:subdivision|subdivisions} de recensement ({names})."},
    "drive.more": {"en": "and {n} more", "fr": "et {n} autres"},
    "drive.road_access": {"en": "No road access (more than {km} km from every road): {none} "
                          "{none:person|people}; on roads not connected to any site: {cut} {cut:person|people}.",
                          "fr": "Sans accès routier (à plus de {km} km de toute route) : {none} "
                          "{none:personne|personnes}; sur des routes non reliées à un lieu : {cut} "
                          "{cut:personne|personnes}."},
    "drive.layer_areas": {"en": "Service areas (drive time)", "fr": "Zones de service (temps de route)"},
    "drive.layer_roads": {"en": "Roads: minutes to the nearest site", "fr": "Routes : minutes jusqu'au lieu le plus "
                          "proche"},
    "drive.legend_title": {"en": "Drive time to the nearest site (areas; roads)",
                           "fr": "Temps de route jusqu'au lieu le plus proche (zones; routes)"},
    "drive.band_first": {"en": "{hi} min or less", "fr": "{hi} min ou moins"},
    "drive.band": {"en": "{lo} to {hi} min", "fr": "de {lo} à {hi} min"},
    "drive.band_beyond": {"en": "more than {hi} min (roads only)", "fr": "plus de {hi} min (routes seulement)"},
    "drive.band_none": {"en": "no site reached (roads only)", "fr": "aucun lieu atteint (routes seulement)"},
    "drive.tip_band": {"en": "Drive time to the nearest site", "fr": "Temps de route jusqu'au lieu le plus proche"},
    "drive.legend_community": {"en": "Community beyond {min} min (size: population)",
                               "fr": "Collectivité à plus de {min} min (taille : population)"},
    "drive.legend_reserve": {"en": "Reserve beyond {min} min (exempt)", "fr": "Réserve à plus de {min} min (exemptée)"},
}  # fmt: skip
TEXT.update(_DRIVE_TEXT)
