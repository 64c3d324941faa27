"""English and French of the reports, exports, scenario files, workspaces and comparisons: data only.

This module holds entries of the one translation table, :data:`esr_geo.i18n.TEXT`, kept apart
so that :mod:`esr_geo.i18n` stays one readable module; :mod:`esr_geo.i18n` merges them and every
text is looked up with :func:`esr_geo.i18n.t` as any other. ``{name}`` fields are filled by
``t``; ``{n:one|other}`` chooses the singular or the plural by the number ``n`` (French takes the
singular for 0 and 1).

The English of the report's method notes, summary sentence, README and of the scenario
pages is the one the files have always had; French says the same.
"""

from __future__ import annotations

from esr_geo import words_input

_T = dict[str, str]

#: The coverage-gap report: its page, workbook, README and static map.
REPORT: dict[str, _T] = {
    "report.title": {"en": "esr-geo coverage-gap report", "fr": "esr-geo : rapport des lacunes de couverture"},
    "report.heading": {
        "en": "In-person access to employment services: coverage-gap report",
        "fr": "Accès en personne aux services d'emploi : rapport des lacunes de couverture",
    },
    "report.generated": {
        "en": "esr-geo {version} · generated {today} · rollout status as of {on}",
        "fr": "esr-geo {version} · produit le {today} · statut du déploiement au {on}",
    },
    "report.method": {"en": "Method", "fr": "Méthode"},
    "report.method_heading": {"en": "Thresholds and method", "fr": "Seuils et méthode"},
    "report.map_alt": {
        "en": "Map of catchments, zones, sites and gaps",
        "fr": "Carte des zones de desserte, des zones, des lieux et des lacunes",
    },
    "report.map_caption": {
        "en": "Boundaries: Statistics Canada 2021 census divisions (simplified), grouped into EST catchments; zones "
        "outlined by pass (blue) or fail (orange). Sites, gaps and band offices as in the legend. Sources and "
        "attribution at the end of this report. Lambert conformal conic projection (EPSG:3347).",
        "fr": "Limites : divisions de recensement 2021 de Statistique Canada (simplifiées), regroupées en zones de "
        "desserte du RSE; zones tracées selon qu'elles sont conformes (bleu) ou non (orange). Lieux, lacunes et "
        "bureaux de bande selon la légende. Sources et attribution à la fin du rapport. Projection conique "
        "conforme de Lambert (EPSG:3347).",
    },
    "report.csd_short": {
        "en": "{title}: subdivisions with anyone beyond the threshold",
        "fr": "{title} : subdivisions où quelqu'un est au-delà du seuil",
    },
    "report.csd_note": {
        "en": "The full table of all {n} census subdivisions is in access_by_csd.csv and report.xlsx.",
        "fr": "Le tableau complet des {n} subdivisions de recensement est dans access_by_csd.csv et report.xlsx.",
    },
    "report.fls_short": {
        "en": "{title}: communities beyond the threshold",
        "fr": "{title} : collectivités au-delà du seuil",
    },
    "report.fls_note": {
        "en": "Named communities of the designated areas (outside reserves) beyond the threshold of every "
        "French-serving in-person site; every community of the designated areas, with its nearest French-serving "
        "site, is in french_communities.csv and report.xlsx.",
        "fr": "Collectivités nommées des régions désignées (hors réserves) au-delà du seuil de tout lieu en personne "
        "offrant des services en français; chaque collectivité des régions désignées, avec son lieu le plus proche "
        "offrant des services en français, est dans french_communities.csv et report.xlsx.",
    },
    "report.licence_note": {
        "en": "",
        "fr": "Les mentions d'attribution sont reproduites telles que les licences l'exigent (en anglais).",
    },
    "report.map_title": {
        "en": "EST catchments by phase, service delivery zones, in-person sites and gaps",
        "fr": "Zones de desserte du RSE par phase, zones de prestation, lieux en personne et lacunes",
    },
    "report.map_site": {"en": "in-person site", "fr": "lieu en personne"},
    "report.map_gap": {"en": "community beyond threshold", "fr": "collectivité au-delà du seuil"},
    "report.map_reserve": {"en": "reserve beyond threshold (exempt)", "fr": "réserve au-delà du seuil (exemptée)"},
    "report.map_pass": {"en": "zone passes", "fr": "zone conforme"},
    "report.map_fail": {"en": "zone fails", "fr": "zone non conforme"},
    "report.readme_generated": {
        "en": "Generated {today} by esr-geo {version}.",
        "fr": "Produit le {today} par esr-geo {version}.",
    },
    "report.readme_files": {"en": "Files", "fr": "Fichiers"},
    "report.readme_list": {
        "en": "coverage_by_catchment.csv    per catchment: rollout, population, sites, people within/beyond the "
        "threshold\n"
        "coverage_by_zone.csv         per service delivery zone: passes or fails, and why\n"
        "access_by_csd.csv            per census subdivision: remoteness, distance, people within the threshold\n"
        "underserved_communities.csv  named places and band offices beyond the threshold\n"
        "reserves_exempt.csv          First Nations reserves and settlements, reported apart (exempt)\n"
        "french_designated_areas.csv  per French Language Services designated area: residents, French-serving sites,\n"
        "                             share within reach of one, passes or fails, and why\n"
        "french_communities.csv       communities of the designated areas and their nearest French-serving site\n"
        "report.html, report.xlsx     the printable report and the same tables as sheets",
        "fr": "coverage_by_catchment.csv    par zone de desserte : déploiement, population, lieux, personnes dans le "
        "seuil ou au-delà\n"
        "coverage_by_zone.csv         par zone de prestation de services : conforme ou non, et pourquoi\n"
        "access_by_csd.csv            par subdivision de recensement : éloignement, distance, personnes dans le seuil\n"
        "underserved_communities.csv  localités nommées et bureaux de bande au-delà du seuil\n"
        "reserves_exempt.csv          réserves et établissements des Premières Nations, présentés à part (exemptés)\n"
        "french_designated_areas.csv  par région désignée (services en français) : résidents, lieux offrant des\n"
        "                             services en français, part à portée de l'un d'eux, conforme ou non, et pourquoi\n"
        "french_communities.csv       collectivités des régions désignées et leur lieu le plus proche offrant des\n"
        "                             services en français\n"
        "report.html, report.xlsx     le rapport imprimable et les mêmes tableaux en feuilles de calcul\n"
        "Les fichiers CSV et Excel gardent les noms de champs (identifiants stables, en anglais); leurs valeurs "
        "(motifs, statuts, types) sont en français.",
    },
    "report.readme_method": {"en": "Method, thresholds and limitations", "fr": "Méthode, seuils et limites"},
    # the province (or area) in one sentence
    "summary.sentence": {
        "en": "{pct} of {where} {nonres} non-reserve residents live within {limit} {how} of {sites}; {beyond} people "
        "are beyond it, and {zones} {reserves} people on reserves are reported apart (exempt from the SSM model).",
        "fr": "{pct} des {nonres} résidents hors réserve {where} vivent {limit} {how} {sites}; {beyond} "
        "{beyond:personne est|personnes sont} au-delà, et {zones} {reserves} {reserves:personne|personnes} dans les "
        "réserves {reserves:est présentée|sont présentées} à part (exemptées du modèle des GSS).",
    },
    "summary.where_ontario": {"en": "Ontario's", "fr": "de l'Ontario"},
    "summary.where_area": {"en": "the area's", "fr": "de la région analysée"},
    "summary.limit_km": {"en": "{km} km", "fr": "à {km} km ou moins"},
    "summary.limit_km_class": {
        "en": "their threshold ({km} km, or the remoteness-class threshold where one is set)",
        "fr": "dans leur seuil ({km} km, ou celui de leur classe d'éloignement s'il y en a un)",
    },
    "summary.limit_min": {"en": "{min} minutes", "fr": "à {min} minutes ou moins"},
    "summary.limit_min_class": {
        "en": "{min} minutes (or the remoteness-class threshold where one is set)",
        "fr": "à {min} minutes ou moins (ou dans le seuil de leur classe d'éloignement s'il y en a un)",
    },
    "summary.straight": {"en": "(straight line)", "fr": "à vol d'oiseau"},
    "summary.by_road": {"en": "by road", "fr": "par la route"},
    "summary.only_site": {"en": "the only in-person site", "fr": "du seul lieu en personne"},
    "summary.one_of": {"en": "one of {n} in-person sites", "fr": "d'un des {n} lieux en personne"},
    "summary.zones": {
        "en": "{n} of {total} service delivery zones fail.",
        "fr": "{n} des {total} zones de prestation de services {n:n'est pas conforme|ne sont pas conformes}.",
    },
    "summary.no_zone": {
        "en": "no service delivery zone lies in the area.",
        "fr": "aucune zone de prestation de services ne se trouve dans la région.",
    },
}

#: The method notes of every report, export README and scenario page.
METHOD: dict[str, _T] = {
    "method.sites": {
        "en": "Sites: {source}; {n} in-person sites counted (virtual-only sites never count as in-person access).",
        "fr": "Lieux : {source}; {n} {n:lieu en personne compté|lieux en personne comptés} (les lieux virtuels "
        "seulement ne comptent jamais comme un accès en personne).",
    },
    "method.zones": {
        "en": "Zones: {source}. A zone passes with at least {min_sites} in-person {min_sites:site|sites} inside it "
        "and at least {share} of its non-reserve residents within the threshold.",
        "fr": "Zones : {source}. Une zone est conforme avec au moins {min_sites} {min_sites:lieu|lieux} en personne à "
        "l'intérieur et au moins {share} de ses résidents hors réserve dans le seuil.",
    },
    "method.threshold_class": {"en": "{cls}: {value}", "fr": "{cls} : {value}"},
    "method.straight_threshold": {
        "en": "Distance threshold: {threshold}. Distances are straight-line geodesic distances on the WGS 84 "
        "ellipsoid to the nearest in-person site, in any catchment.",
        "fr": "Seuil de distance : {threshold}. Les distances sont géodésiques, à vol d'oiseau sur l'ellipsoïde "
        "WGS 84, jusqu'au lieu en personne le plus proche, dans n'importe quelle zone de desserte.",
    },
    "method.straight_limit": {
        "en": "Limitation: road networks, ferries, winter roads and seasonal access are not modelled; a straight line "
        "across water or roadless land understates real travel.",
        "fr": "Limite : les réseaux routiers, les traversiers, les routes d'hiver et l'accès saisonnier ne sont pas "
        "modélisés; une ligne droite au-dessus de l'eau ou de terres sans route sous-estime le déplacement réel.",
    },
    "method.road_threshold": {
        "en": "Drive-time threshold: {threshold}. Access is measured as drive time on the road network {network} "
        "({schema}; {size}), to the in-person site nearest by road, in any catchment. Speeds: {speeds}; free-flow "
        "speeds (no congestion, turns or traffic lights); one-way streets are respected where the file says so.",
        "fr": "Seuil de temps de route : {threshold}. L'accès est mesuré en temps de route sur le réseau routier "
        "{network} ({schema}; {size}), jusqu'au lieu en personne le plus proche par la route, dans n'importe quelle "
        "zone de desserte. Vitesses : {speeds}; vitesses en circulation fluide (sans congestion, virages ni feux); "
        "les sens uniques sont respectés là où le fichier les indique.",
    },
    "method.road_access": {
        "en": "Each person and each site joins the network at the nearest point of the nearest road; that leg is "
        "counted in a straight line at {kmh} km/h. A place more than {max_km} km from every road has no road access "
        "(fly-in and winter-road communities show up this way) and is never counted as within reach; a place on a "
        "road piece from which no site can be reached is reported as not connected. Straight-line km to the nearest "
        "site are given beside the drive times for comparison.",
        "fr": "Chaque personne et chaque lieu rejoint le réseau au point le plus proche de la route la plus proche; "
        "ce trajet est compté à vol d'oiseau à {kmh} km/h. Un endroit à plus de {max_km} km de toute route n'a pas "
        "d'accès routier (les collectivités accessibles par avion ou par route d'hiver apparaissent ainsi) et "
        "n'est jamais compté comme à portée; un endroit sur un tronçon d'où aucun lieu n'est accessible est "
        "déclaré non relié. Les km à vol d'oiseau jusqu'au lieu le plus proche sont donnés à côté des temps de "
        "route, pour comparaison.",
    },
    "method.minutes": {"en": "{n} minutes", "fr": "{n} minutes"},
    "method.min": {"en": "{n} min", "fr": "{n} min"},
    "method.network_size": {
        "en": "{edges} road segments between {nodes} nodes, {km} km of road",
        "fr": "{edges} tronçons de route entre {nodes} nœuds, {km} km de route",
    },
    "method.network_pieces": {
        "en": "; {n} small {n:piece|pieces} not connected to the main network, which holds {pct} of the road km",
        "fr": "; {n} {n:petit morceau non relié|petits morceaux non reliés} au réseau principal, qui compte {pct} des "
        "km de route",
    },
    "method.scope_asked": {"en": "the area asked for ({area})", "fr": "la région demandée ({area})"},
    "method.scope_network": {
        "en": "the census subdivisions the road network covers (at least {pct} of their people within {km} km of its "
        "roads)",
        "fr": "les subdivisions de recensement que couvre le réseau routier (au moins {pct} de leur population à "
        "{km} km ou moins de ses routes)",
    },
    "method.scope": {
        "en": "Area analysed: {what}: {csds} census {csds:subdivision|subdivisions}, {people} people. Every "
        "population figure of this report adds up to the people of this area; the rest of Ontario is not counted.",
        "fr": "Région analysée : {what} : {csds} {csds:subdivision|subdivisions} de recensement, {people} "
        "{people:personne|personnes}. Chaque chiffre de population de ce rapport se rapporte à cette région; le "
        "reste de l'Ontario n'est pas compté.",
    },
    "method.left_out_row": {
        "en": "{name} ({code}, {people} people, {pct} within {km} km of its roads)",
        "fr": "{name} ({code}, {people} {people:personne|personnes}, {pct} à {km} km ou moins de ses routes)",
    },
    "method.left_out": {
        "en": "Left out, because the network covers them only in part: {listed}{more}",
        "fr": "Laissées de côté, car le réseau ne les couvre qu'en partie : {listed}{more}",
    },
    "method.left_out_more": {"en": ", and {n} more.", "fr": ", et {n} {n:autre|autres}."},
    "method.population": {
        "en": "Where people live: in the City of Ottawa, each dissemination block's own 2021 Census population; "
        "elsewhere (no block counts in the data), each dissemination area's 2021 population split evenly over its "
        "dissemination-block representative points (whole persons; any remainder goes to the first blocks). All "
        "{total} Ontarians are counted once; DAs with no published count contribute no one. Each DA is placed in "
        "the census subdivision that makes every subdivision's population equal its published 2021 count (DAs nest "
        "in subdivisions; the boundaries are simplified).",
        "fr": "Lieu de résidence : dans la Ville d'Ottawa, la population du Recensement de 2021 de chaque îlot de "
        "diffusion; ailleurs (les données n'ont pas de chiffres par îlot), la population 2021 de chaque aire de "
        "diffusion (AD) répartie également entre les points représentatifs de ses îlots (en personnes entières; le "
        "reste va aux premiers îlots). Les {total} Ontariennes et Ontariens sont comptés une fois; les AD sans "
        "chiffre publié ne comptent personne. Chaque AD est placée dans la subdivision de recensement qui donne à "
        "chaque subdivision sa population publiée de 2021 (les AD s'emboîtent dans les subdivisions; les limites "
        "sont simplifiées).",
    },
    "method.remoteness": {
        "en": "Remoteness: Statistics Canada Index of Remoteness 2021 in the classes of Subedi, Roshanafshar and "
        "Greenberg (2020); CSDs without an index value are 'unclassified'. The Statistical Area Classification is "
        "the 2016 vintage.",
        "fr": "Éloignement : indice d'éloignement 2021 de Statistique Canada, dans les classes de Subedi, Roshanafshar "
        "et Greenberg (2020); les SDR sans valeur d'indice sont « non classées ». La classification des secteurs "
        "statistiques est celle de 2016.",
    },
    "method.reserves": {
        "en": "Reserves: census subdivisions of type IRI (Indian reserve) and S-É (Indian settlement), and First "
        "Nations band offices, are exempt from the SSM model. They are shown and reported apart and never count as "
        "an SSM's gap.",
        "fr": "Réserves : les subdivisions de recensement de genre IRI (réserve indienne) et S-É (établissement "
        "indien), ainsi que les bureaux de bande des Premières Nations, sont exemptées du modèle des GSS. Elles "
        "sont présentées à part et ne comptent jamais comme une lacune d'un GSS.",
    },
    "method.rollout": {
        "en": "Rollout statuses as of {on}. Boundaries are simplified census boundaries.",
        "fr": "Statuts du déploiement au {on}. Les limites sont des limites de recensement simplifiées.",
    },
}

#: The GIS export's README and the GeoPackage's layer descriptions.
EXPORT: dict[str, _T] = {
    "export.title": {
        "en": "esr-geo GIS export ({fmt}) - in-person access analysis for Ontario's Employment Services Transformation",
        "fr": "esr-geo : export SIG ({fmt}) - analyse de l'accès en personne pour le Renouvellement des services "
        "d'emploi de l'Ontario",
    },
    "export.generated": {
        "en": "Generated: {now} by esr-geo {version}",
        "fr": "Produit le : {now} par esr-geo {version}",
    },
    "export.rollout": {"en": "Rollout statuses as of: {on}", "fr": "Statuts du déploiement au : {on}"},
    "export.sites": {"en": "Sites source: {source}", "fr": "Source des lieux : {source}"},
    "source.added": {
        "en": "{source}, with {n} added {n:site|sites}",
        "fr": "{source}, avec {n} {n:lieu ajouté|lieux ajoutés}",
    },
    "source.closed": {
        "en": "{source}, without {n} closed {n:site|sites}",
        "fr": "{source}, sans {n} {n:lieu fermé|lieux fermés}",
    },
    "export.zones": {"en": "Zones source: {source}", "fr": "Source des zones : {source}"},
    "export.layers": {"en": "LAYERS", "fr": "COUCHES"},
    "export.layer_line": {
        "en": "  {name}{ext}: {count} {count:feature|features}{geom}. {about}",
        "fr": "  {name}{ext} : {count} {count:entité|entités}{geom}. {about}",
    },
    "export.gpkg_layer": {"en": " (GeoPackage layer)", "fr": " (couche du GeoPackage)"},
    "export.crs": {"en": "COORDINATE REFERENCE SYSTEM", "fr": "SYSTÈME DE COORDONNÉES DE RÉFÉRENCE"},
    "export.crs_units": {"en": "  {crs}; coordinates in {unit}s.", "fr": "  {crs}; coordonnées en {unit}s."},
    "export.crs_geojson": {
        "en": "  WGS 84 (EPSG:4326), longitude/latitude in degrees, as RFC 7946 requires for GeoJSON.",
        "fr": "  WGS 84 (EPSG:4326), longitude et latitude en degrés, comme l'exige la RFC 7946 pour le GeoJSON.",
    },
    "export.crs_geojson_asked": {
        "en": "  The CRS asked for ({crs}) does not apply: GeoJSON is always EPSG:4326.",
        "fr": "  Le SCR demandé ({crs}) ne s'applique pas : le GeoJSON est toujours en EPSG:4326.",
    },
    "export.crs_csv": {
        "en": "  No geometry; point layers carry lon/lat in WGS 84 (EPSG:4326) degrees.",
        "fr": "  Aucune géométrie; les couches de points portent lon et lat en degrés WGS 84 (EPSG:4326).",
    },
    "export.crs_csv_asked": {
        "en": "  The CRS asked for ({crs}) does not apply to CSV tables.",
        "fr": "  Le SCR demandé ({crs}) ne s'applique pas aux tableaux CSV.",
    },
    "export.files": {"en": "FILES AND FIELDS", "fr": "FICHIERS ET CHAMPS"},
    "export.files_shp": {
        "en": "  Everything is in ONE zip so the layers, their data dictionary and their attribution travel together.\n"
        "  Unzip it, then open the .shp files in QGIS or ArcGIS (QGIS can also read them inside the zip). Each\n"
        "  layer has its .shp, .shx, .dbf, .prj (the CRS) and .cpg (UTF-8), and a .qml style that QGIS applies\n"
        "  by itself when it opens the unzipped layer.\n"
        "  Shapefile field names are at most 10 characters: fields.csv maps each short_name to its full_name\n"
        "  (the name used in the GeoPackage, GeoJSON and CSV exports), its type, unit and meaning.\n"
        "  Yes/no fields are integers: 1 = yes, 0 = no. Dates are Date fields; text longer than 254 bytes\n"
        "  (the dBASE limit) is cut and ends with '…'.",
        "fr": "  Tout est dans UN SEUL zip, pour que les couches, leur dictionnaire des données et leur attribution\n"
        "  restent ensemble. Décompressez-le, puis ouvrez les fichiers .shp dans QGIS ou ArcGIS (QGIS peut aussi\n"
        "  les lire dans le zip). Chaque couche a ses fichiers .shp, .shx, .dbf, .prj (le SCR) et .cpg (UTF-8),\n"
        "  et un style .qml que QGIS applique de lui-même à l'ouverture de la couche décompressée.\n"
        "  Les noms de champs d'un shapefile ont au plus 10 caractères : fields.csv associe chaque short_name à\n"
        "  son full_name (le nom utilisé dans les exports GeoPackage, GeoJSON et CSV), son type, son unité et\n"
        "  son sens. Les champs oui/non sont des entiers : 1 = oui, 0 = non. Les dates sont des champs Date; un\n"
        "  texte de plus de 254 octets (la limite dBASE) est coupé et se termine par « … ».",
    },
    "export.files_gpkg": {
        "en": "  One GeoPackage holds every layer with full field names. The layer_styles table holds a default\n"
        "  QGIS style for each layer, so they open styled in QGIS. The readme and fields tables repeat this\n"
        "  text and the data dictionary (type, unit and meaning of every field). Yes/no fields are booleans.",
        "fr": "  Un GeoPackage contient toutes les couches, avec les noms de champs complets. La table layer_styles\n"
        "  contient un style QGIS par défaut pour chaque couche, qui s'ouvre donc stylée dans QGIS. Les tables\n"
        "  readme et fields reprennent ce texte et le dictionnaire des données (type, unité et sens de chaque\n"
        "  champ). Les champs oui/non sont des booléens.",
    },
    "export.files_geojson": {
        "en": "  One RFC 7946 GeoJSON file per layer, full field names; fields.csv gives every field's type, unit\n"
        "  and meaning. Yes/no fields are JSON booleans; dates are YYYY-MM-DD text.",
        "fr": "  Un fichier GeoJSON RFC 7946 par couche, noms de champs complets; fields.csv donne le type, l'unité\n"
        "  et le sens de chaque champ. Les champs oui/non sont des booléens JSON; les dates sont du texte AAAA-MM-JJ.",
    },
    "export.files_csv": {
        "en": "  One UTF-8 CSV per layer (the attribute table, no geometry); fields.csv gives every field's type,\n"
        "  unit and meaning. Text starting with =, +, -, @ is prefixed with ' so spreadsheets do not run it.",
        "fr": "  Un CSV UTF-8 par couche (la table attributaire, sans géométrie); fields.csv donne le type, l'unité\n"
        "  et le sens de chaque champ. Un texte commençant par =, +, -, @ est précédé de ' pour que les tableurs\n"
        "  ne l'exécutent pas.",
    },
    "export.empty": {
        "en": "  Empty values mean 'no value' (e.g. rollout dates still to be announced).",
        "fr": "  Une valeur vide signifie « aucune valeur » (p. ex. des dates de déploiement encore à communiquer).\n"
        "  Les noms de champs restent ceux des autres langues (identifiants stables); les valeurs en mots (motifs,\n"
        "  statuts, types) sont en français. Le sens des champs dans fields.csv est donné en anglais.",
    },
    "export.method": {"en": "METHOD, THRESHOLDS AND ZONE CRITERIA", "fr": "MÉTHODE, SEUILS ET CRITÈRES DES ZONES"},
    "export.notes": {"en": "NOTES ON THE INPUT", "fr": "REMARQUES SUR LES DONNÉES FOURNIES"},
    "export.sources": {"en": "DATA SOURCES AND ATTRIBUTION", "fr": "SOURCES DES DONNÉES ET ATTRIBUTION"},
    "export.about_readme": {"en": "About this export", "fr": "À propos de cet export"},
    "export.about_fields": {
        "en": "Data dictionary: every field's type, unit, meaning",
        "fr": "Dictionnaire des données : type, unité et sens de chaque champ",
    },
    # layer descriptions (README and GeoPackage)
    "export.layer.catchments": {
        "en": "The EST catchments with rollout phase, SSM, dates, status and in-person coverage.",
        "fr": "Les zones de desserte du RSE, avec phase du déploiement, GSS, dates, statut et couverture en personne.",
    },
    "export.layer.sites": {
        "en": "The sites used by the analysis (in-person and virtual-only) with their catchment and zone.",
        "fr": "Les lieux utilisés par l'analyse (en personne et virtuels seulement), avec leur zone de desserte et "
        "leur zone.",
    },
    "export.layer.service_delivery_zones": {
        "en": "Service delivery zones with their population, in-person sites and pass/fail.",
        "fr": "Les zones de prestation de services, avec leur population, leurs lieux en personne et leur conformité.",
    },
    "export.layer.csd_access": {
        "en": "Ontario's census subdivisions (2021) with population, remoteness and in-person access.",
        "fr": "Les subdivisions de recensement de l'Ontario (2021), avec population, éloignement et accès en personne.",
    },
    "export.layer.underserved_communities": {
        "en": "Named communities beyond the distance threshold of every in-person site.",
        "fr": "Les collectivités nommées au-delà du seuil de distance de tout lieu en personne.",
    },
    "export.layer.french_designated_areas": {
        "en": "French Language Services designated areas on the analysis date: residents, French-serving in-person "
        "sites inside, share within reach of one, passes or fails.",
        "fr": "Les régions désignées (services en français) à la date de l'analyse : résidents, lieux en personne "
        "offrant des services en français à l'intérieur, part à portée de l'un d'eux, conforme ou non.",
    },
    "export.layer.service_areas": {
        "en": "Drive-time bands around the in-person sites (road network analyses): reached within band_min minutes "
        "of the nearest site.",
        "fr": "Bandes de temps de route autour des lieux en personne (analyses par réseau routier) : atteintes en "
        "band_min minutes ou moins depuis le lieu le plus proche.",
    },
    "export.layer.road_minutes": {
        "en": "Road segments of the network with the drive minutes to the nearest in-person site.",
        "fr": "Les tronçons du réseau, avec les minutes de route jusqu'au lieu en personne le plus proche.",
    },
}

#: The scenario files: what a closure costs, and where new sites help most.
SCENARIO_FILES: dict[str, _T] = {
    "sfile.close_title": {
        "en": "In-person access: what a closure costs",
        "fr": "Accès en personne : ce que coûte une fermeture",
    },
    "sfile.close_method": {
        "en": "Closure scenario: the closed sites are removed; everyone whose nearest in-person site was closed is "
        "re-measured to the nearest remaining one; zones, thresholds, pass criteria and communities are unchanged.",
        "fr": "Scénario de fermeture : les lieux fermés sont retirés; toute personne dont le lieu en personne le plus "
        "proche a fermé est mesurée de nouveau jusqu'au lieu restant le plus proche; zones, seuils, critères de "
        "conformité et collectivités ne changent pas.",
    },
    "sfile.close_newly": {
        "en": "'Newly beyond' counts non-reserve residents within the threshold before and beyond it after; reserves "
        "are counted apart (exempt from the SSM model).",
        "fr": "« Nouvellement au-delà » compte les résidents hors réserve dans le seuil avant et au-delà après; les "
        "réserves sont comptées à part (exemptées du modèle des GSS).",
    },
    "sfile.closed": {"en": "Closed sites", "fr": "Lieux fermés"},
    "sfile.catchments": {
        "en": "Catchments affected (all 15 are in closure_by_catchment.csv)",
        "fr": "Zones de desserte touchées (les 15 sont dans closure_by_catchment.csv)",
    },
    "sfile.zones": {"en": "Service delivery zones", "fr": "Zones de prestation de services"},
    "sfile.communities": {"en": "Communities losing access", "fr": "Collectivités qui perdent l'accès"},
    "sfile.suggest_title": {
        "en": "Where new in-person sites help most: {scope}",
        "fr": "Où de nouveaux lieux en personne aideraient le plus : {scope}",
    },
    "sfile.demand": {
        "en": "Demand: non-reserve residents in {scope} beyond their distance threshold today ({n} people); a "
        "candidate covers a person when the geodesic distance is at most that person's threshold.",
        "fr": "Demande : résidents hors réserve ({scope}) au-delà de leur seuil de distance aujourd'hui ({n} "
        "{n:personne|personnes}); un candidat couvre une personne quand la distance géodésique est au plus le "
        "seuil de cette personne.",
    },
    "sfile.candidates": {
        "en": "Candidates: {n} locations in scope (named places and First Nations band offices unless a candidate "
        "file was given). Existing sites are kept.",
        "fr": "Candidats : {n} {n:emplacement|emplacements} dans la portée (localités nommées et bureaux de bande des "
        "Premières Nations, sauf si un fichier de candidats est donné). Les lieux existants sont gardés.",
    },
    "sfile.choice": {
        "en": "Choice: lazy greedy (each site adds the most people not yet within reach; at least 63% of the optimum "
        "is guaranteed). The maximal covering location problem is also solved exactly when small enough, with "
        "demand points covered by the same candidates merged. Exact solve: {method}.",
        "fr": "Choix : glouton paresseux (chaque lieu ajoute le plus de personnes pas encore à portée; au moins "
        "63 % de l'optimum est garanti). Le problème de localisation à couverture maximale est aussi résolu exactement "
        "quand il est assez petit, les points de demande couverts par les mêmes candidats étant fusionnés. "
        "Résolution exacte : {method}.",
    },
    "sfile.figures": {"en": "Figures", "fr": "Chiffres"},
    "sfile.suggested": {"en": "Suggested sites, in order", "fr": "Lieux suggérés, dans l'ordre"},
    "sfile.zones_before_after": {"en": "Zones before and after", "fr": "Zones avant et après"},
    "sfile.failing_zones": {"en": "Failing zones", "fr": "Zones non conformes"},
    "sfile.optimal": {
        "en": "Optimal set (exact solve; population added if opened alone)",
        "fr": "Ensemble optimal (résolution exacte; population ajoutée si ouvert seul)",
    },
    "sfile.figure.k": {"en": "sites requested", "fr": "lieux demandés"},
    "sfile.figure.demand": {
        "en": "people beyond the threshold in scope",
        "fr": "personnes au-delà du seuil dans la portée",
    },
    "sfile.figure.coverable": {"en": "within reach of some candidate", "fr": "à portée d'au moins un candidat"},
    "sfile.figure.chosen": {
        "en": "brought within reach by the suggested sites",
        "fr": "rapprochées par les lieux suggérés",
    },
    "sfile.figure.greedy": {"en": "greedy choice (pure coverage)", "fr": "choix glouton (couverture seule)"},
    "sfile.figure.optimum": {"en": "optimum", "fr": "optimum"},
    "sfile.figure.ratio": {"en": "greedy / optimum", "fr": "glouton / optimum"},
    "sfile.not_computed": {"en": "not computed", "fr": "non calculé"},
    "sfile.best_found": {"en": " (best found)", "fr": " (meilleur trouvé)"},
    "sfile.na": {"en": "n/a", "fr": "s.o."},
    "col.figure": {"en": "Figure", "fr": "Chiffre"},
    "col.value": {"en": "Value", "fr": "Valeur"},
    "col.candidate_id": {"en": "Candidate id", "fr": "Identifiant du candidat"},
    "col.fixed": {"en": "Made to pass", "fr": "Rendue conforme"},
    "col.sites_added": {"en": "Sites added for it", "fr": "Lieux ajoutés pour elle"},
    "col.note": {"en": "Note", "fr": "Remarque"},
    "col.reason_after": {"en": "Why it fails after", "fr": "Motif de non-conformité après"},
    "col.people_served_before": {"en": "People served before", "fr": "Personnes servies avant"},
    "col.people_newly_beyond": {"en": "People newly beyond", "fr": "Personnes nouvellement au-delà"},
}

#: Suggestion notes and how the exact problem was solved (the codes of ``esr_geo.scenario_codes.NOTE_TEMPLATES``).
NOTES: dict[str, _T] = {
    "note.fixed": {"en": "passes with the sites added", "fr": "conforme avec les lieux ajoutés"},
    "note.fixed_by_other": {
        "en": "passes thanks to the sites added for {zone}",
        "fr": "conforme grâce aux lieux ajoutés pour {zone}",
    },
    "note.no_candidate_in_zone": {
        "en": "cannot be made to pass: no candidate location lies inside the zone, and it needs an in-person site "
        "inside it",
        "fr": "ne peut pas devenir conforme : aucun emplacement candidat n'est dans la zone, et il lui faut un lieu "
        "en personne à l'intérieur",
    },
    "note.unreachable": {
        "en": "cannot be made to pass: {people_beyond} people stay beyond the threshold: no remaining candidate is "
        "within reach of them (the best achievable is {best_pct}, {required_pct} required)",
        "fr": "ne peut pas devenir conforme : {people_beyond} {people_beyond:personne reste|personnes restent} "
        "au-delà du seuil : aucun candidat restant n'est à leur portée (le mieux possible est {best_pct}, "
        "{required_pct} requis)",
    },
    "note.too_few_sites": {
        "en": "needs {sites_needed} new site(s) to pass; only {sites_left} of the {k} requested were left after the "
        "zones needing fewer",  # as the engine words it (esr_geo.scenario_codes.NOTE_TEMPLATES)
        "fr": "il lui faut {sites_needed} {sites_needed:nouveau lieu|nouveaux lieux} pour être conforme; seulement "
        "{sites_left} des {k} demandés restaient après les zones qui en demandaient moins",
    },
    "note.not_reached": {"en": "not reached", "fr": "non atteinte"},
    "note.nobody_beyond": {
        "en": "Nobody in {scope} is beyond the threshold today: no new site is needed for coverage.",
        "fr": "Personne ({scope}) n'est au-delà du seuil aujourd'hui : aucun nouveau lieu n'est nécessaire pour la "
        "couverture.",
    },
    "note.fewer_sites": {
        "en": "Only {chosen} of the {k} sites requested add anyone: no other candidate in {scope} is within the "
        "threshold of people still beyond it.",
        "fr": "Seulement {chosen} des {k} lieux demandés ajoutent quelqu'un : aucun autre candidat ({scope}) n'est "
        "dans le seuil de personnes encore au-delà.",
    },
    "note.fix_first_optimum": {
        "en": "Sites were chosen to make failing zones pass first; the optimum and the greedy-to-optimum ratio refer "
        "to pure coverage (most people brought within reach), without that priority.",
        "fr": "Les lieux ont été choisis pour rendre d'abord les zones conformes; l'optimum et le rapport entre le "
        "choix glouton et l'optimum portent sur la couverture seule (le plus de personnes rapprochées), sans cette "
        "priorité.",
    },
    "note.band_offices": {
        "en": "Some suggested locations are First Nations band offices: the people counted are non-reserve residents "
        "nearby; reserves themselves are exempt from the SSM model.",
        "fr": "Certains emplacements suggérés sont des bureaux de bande des Premières Nations : les personnes "
        "comptées sont les résidents hors réserve voisins; les réserves elles-mêmes sont exemptées du modèle des "
        "GSS.",
    },
    "note.exact_off": {"en": "not solved (exact=False)", "fr": "non résolu (exact=False)"},
    "note.exact_too_large": {
        "en": "not solved: {groups} demand groups x {candidates} candidates ({pairs} coverage pairs) exceed the "
        "settings' limits for an exact solve (exact=True forces it); the greedy choice is guaranteed to reach at "
        "least {guarantee_pct} of the optimum",
        "fr": "non résolu : {groups} groupes de demande x {candidates} candidats ({pairs} paires de couverture) "
        "dépassent les limites des paramètres pour une résolution exacte (exact=True la force); le choix glouton "
        "atteint à coup sûr au moins {guarantee_pct} de l'optimum",
    },
    "note.exact_solved": {
        "en": "{method}: {groups} demand groups x {candidates} candidates",
        "fr": "{method} : {groups} groupes de demande x {candidates} candidats",
    },
    "note.exact_unsolved": {
        "en": "{method}: {groups} demand groups x {candidates} candidates",
        "fr": "{method} : {groups} groupes de demande x {candidates} candidats (non résolu)",
    },
    "note.exact_below_greedy": {
        "en": "{method}: {groups} demand groups x {candidates} candidates; the solver's best was below the greedy, "
        "which is reported as the best known",
        "fr": "{method} : {groups} groupes de demande x {candidates} candidats; le meilleur résultat du solveur était "
        "sous le choix glouton, présenté comme le meilleur connu",
    },
    "note.scope_ontario": {"en": "Ontario", "fr": "tout l'Ontario"},
    "note.scope_catchment": {"en": "catchment {name}", "fr": "zone de desserte {name}"},
    "note.scope_zone": {"en": "zone {name}", "fr": "zone {name}"},
}

#: The planner's workspace, the zones built in the page and the scenarios side by side.
PLANNER: dict[str, _T] = {
    # workspace
    "ws.title": {"en": "Workspace", "fr": "Espace de travail"},
    "ws.intro": {
        "en": "Your sites, zones and named scenarios in one GeoPackage file, which QGIS also opens. Nothing is kept "
        "on the server: save the workspace to keep your work, and open it again later.",
        "fr": "Vos lieux, vos zones et vos scénarios nommés dans un seul fichier GeoPackage, que QGIS ouvre aussi. "
        "Rien n'est gardé sur le serveur : enregistrez l'espace de travail pour garder votre travail, et rouvrez-le "
        "plus tard.",
    },
    "ws.open": {"en": "Open a workspace (.gpkg)", "fr": "Ouvrir un espace de travail (.gpkg)"},
    "ws.opened": {
        "en": "Workspace {name} is open: {n} {n:scenario|scenarios}. Its sites and zones are used unless you choose "
        "your own file above.",
        "fr": "L'espace de travail {name} est ouvert : {n} {n:scénario|scénarios}. Ses lieux et ses zones sont "
        "utilisés, sauf si vous choisissez votre propre fichier plus haut.",
    },
    "ws.save": {"en": "Save workspace (.gpkg)", "fr": "Enregistrer l'espace de travail (.gpkg)"},
    "ws.close": {"en": "Close the workspace", "fr": "Fermer l'espace de travail"},
    "ws.refused": {
        "en": "This file cannot be opened as a workspace.",
        "fr": "Ce fichier ne peut pas être ouvert comme espace de travail.",
    },
    "ws.scenarios": {"en": "Named scenarios", "fr": "Scénarios nommés"},
    "ws.no_scenarios": {
        "en": "No named scenario yet: close sites or suggest new ones above, then save them as a scenario.",
        "fr": "Aucun scénario nommé pour l'instant : fermez des lieux ou suggérez-en de nouveaux ci-dessus, puis "
        "enregistrez-les comme scénario.",
    },
    "ws.save_title": {
        "en": "Save this what-if as a named scenario",
        "fr": "Enregistrer cette simulation comme scénario nommé",
    },
    "ws.save_intro": {
        "en": "The scenario keeps the sites you close above, the suggested sites shown on the map, the threshold and "
        "the date. Save the workspace to keep it.",
        "fr": "Le scénario garde les lieux que vous fermez plus haut, les lieux suggérés affichés sur la carte, le "
        "seuil et la date. Enregistrez l'espace de travail pour le garder.",
    },
    "ws.name": {"en": "Scenario name", "fr": "Nom du scénario"},
    "ws.add_suggested": {"en": "Add the suggested sites", "fr": "Ajouter les lieux suggérés"},
    "ws.save_scenario": {"en": "Save the scenario", "fr": "Enregistrer le scénario"},
    "ws.saved_scenario": {"en": "Scenario {name} saved.", "fr": "Scénario {name} enregistré."},
    "ws.name_needed": {"en": "Give the scenario a name.", "fr": "Donnez un nom au scénario."},
    "ws.nothing": {
        "en": "Close a site or suggest new ones first: a scenario must change something.",
        "fr": "Fermez d'abord un lieu ou suggérez-en de nouveaux : un scénario doit changer quelque chose.",
    },
    "ws.delete": {"en": "Delete scenario", "fr": "Supprimer le scénario"},
    "ws.delete_button": {"en": "Delete", "fr": "Supprimer"},
    "col.scenario": {"en": "Scenario", "fr": "Scénario"},
    "col.closes": {"en": "Sites closed", "fr": "Lieux fermés"},
    "col.adds": {"en": "Sites added", "fr": "Lieux ajoutés"},
    "col.measure": {"en": "Measure", "fr": "Mesure"},
    "col.threshold": {"en": "Threshold", "fr": "Seuil"},
    "measure.km": {"en": "straight line ({value} km)", "fr": "à vol d'oiseau ({value} km)"},
    "measure.min": {"en": "drive time ({value} min)", "fr": "temps de route ({value} min)"},
    "ws.sites_demo": {"en": "the demonstration layer", "fr": "la couche de démonstration"},
    # zones built in the page
    "zb.title": {"en": "Build zones", "fr": "Construire des zones"},
    "zb.intro": {
        "en": "The ministry has published no zone boundaries: define your own from census subdivisions. Name a zone, "
        "pick its subdivisions from the list (type to search) or click them on the map, and see at once whether it "
        "passes.",
        "fr": "Le ministère n'a publié aucune limite de zone : définissez les vôtres à partir des subdivisions de "
        "recensement. Nommez une zone, choisissez ses subdivisions dans la liste (tapez pour chercher) ou cliquez-les "
        "sur la carte, et voyez aussitôt si elle est conforme.",
    },
    "zb.name": {"en": "Zone name", "fr": "Nom de la zone"},
    "zb.pick": {"en": "Census subdivisions of the zone", "fr": "Subdivisions de recensement de la zone"},
    "zb.placeholder": {"en": "Type a name to search", "fr": "Tapez un nom pour chercher"},
    "zb.clicked": {"en": "Add the subdivision I clicked: {name}", "fr": "Ajouter la subdivision cliquée : {name}"},
    "zb.click_hint": {
        "en": "Tip: click a place on the map, then add its census subdivision here.",
        "fr": "Astuce : cliquez un endroit de la carte, puis ajoutez ici sa subdivision de recensement.",
    },
    "zb.draft": {"en": "This zone as drafted: {result}", "fr": "Cette zone telle qu'ébauchée : {result}"},
    "zb.add": {"en": "Add the zone", "fr": "Ajouter la zone"},
    "zb.added": {"en": "Zone {name} added.", "fr": "Zone {name} ajoutée."},
    "zb.zones": {"en": "Zones built here", "fr": "Zones construites ici"},
    "zb.none": {"en": "No zone built yet.", "fr": "Aucune zone construite pour l'instant."},
    "zb.from_current": {"en": "Start from the current zones", "fr": "Partir des zones actuelles"},
    "zb.use": {"en": "Use these zones for the analysis", "fr": "Utiliser ces zones pour l'analyse"},
    "zb.in_use": {
        "en": "The zones built here are used for the analysis (unless you choose a zones file in the sidebar).",
        "fr": "Les zones construites ici sont utilisées pour l'analyse (sauf si vous choisissez un fichier de zones "
        "dans la barre latérale).",
    },
    "zb.stop": {"en": "Stop using them", "fr": "Ne plus les utiliser"},
    "zb.download": {"en": "Download the zones (CSV: CSDUID, zone)", "fr": "Télécharger les zones (CSV : CSDUID, zone)"},
    "zb.remove": {"en": "Zone to remove", "fr": "Zone à retirer"},
    "zb.remove_button": {"en": "Remove", "fr": "Retirer"},
    "zb.csd_label": {"en": "{name} ({type}), {cd}", "fr": "{name} ({type}), {cd}"},
    "col.csds": {"en": "Census subdivisions", "fr": "Subdivisions de recensement"},
    # scenarios side by side
    "cmp.title": {"en": "Scenarios side by side", "fr": "Scénarios côte à côte"},
    "cmp.intro": {
        "en": "Compare the baseline with a named scenario, or two named scenarios: who is newly beyond reach, which "
        "zones flip, which sites are added and closed.",
        "fr": "Comparez la situation de base à un scénario nommé, ou deux scénarios nommés : qui se retrouve hors de "
        "portée, quelles zones basculent, quels lieux sont ajoutés et fermés.",
    },
    "cmp.a": {"en": "Compare", "fr": "Comparer"},
    "cmp.b": {"en": "with", "fr": "avec"},
    "cmp.baseline": {"en": "Baseline (today's sites)", "fr": "Situation de base (lieux actuels)"},
    "cmp.need": {
        "en": "Save a named scenario first (above) to compare it.",
        "fr": "Enregistrez d'abord un scénario nommé (plus haut) pour le comparer.",
    },
    "cmp.run": {"en": "Compare", "fr": "Comparer"},
    "cmp.same": {"en": "Choose two different scenarios.", "fr": "Choisissez deux scénarios différents."},
    "cmp.working": {"en": "Applying the scenarios…", "fr": "Application des scénarios…"},
    "cmp.summary": {
        "en": "From {a} to {b}: {beyond_a} people beyond the threshold become {beyond_b}; {newly_beyond} "
        "{newly_beyond:resident is|residents are} newly beyond and {newly_within} newly within reach (outside "
        "reserves); {pass_fail} {pass_fail:zone changes|zones change} from pass to fail and {fail_pass} from fail to "
        "pass; {added} {added:site is|sites are} added and {closed} closed. {reserves} {reserves:person|people} on "
        "reserves {reserves:is|are} newly beyond (exempt, reported apart).",
        "fr": "De {a} à {b} : les {beyond_a} personnes au-delà du seuil deviennent {beyond_b}; {newly_beyond} "
        "{newly_beyond:résident se retrouve|résidents se retrouvent} au-delà et {newly_within} à portée (hors "
        "réserves); {pass_fail} {pass_fail:zone devient non conforme|zones deviennent non conformes} et {fail_pass} "
        "{fail_pass:devient conforme|deviennent conformes}; {added} {added:lieu est ajouté|lieux sont ajoutés} et "
        "{closed} {closed:fermé|fermés}. {reserves} {reserves:personne|personnes} dans les réserves "
        "{reserves:se retrouve|se retrouvent} au-delà (exemptées, présentées à part).",
    },
    "cmp.by_zone": {
        "en": "Zones, side by side (zones that flip first)",
        "fr": "Zones côte à côte (celles qui basculent d'abord)",
    },
    "cmp.by_catchment": {"en": "Catchments, side by side", "fr": "Zones de desserte côte à côte"},
    "cmp.sites": {"en": "Sites added and closed", "fr": "Lieux ajoutés et fermés"},
    "cmp.communities": {
        "en": "Named communities that lose or gain access",
        "fr": "Collectivités nommées qui perdent ou gagnent l'accès",
    },
    "cmp.no_sites": {"en": "No site is added or closed.", "fr": "Aucun lieu n'est ajouté ni fermé."},
    "cmp.no_communities": {"en": "No named community changes.", "fr": "Aucune collectivité nommée ne change."},
    "cmp.map": {
        "en": "Map of {b}, with what changed from {a}",
        "fr": "Carte de {b}, avec ce qui change par rapport à {a}",
    },
    "cmp.dl": {"en": "Comparison by zone (CSV)", "fr": "Comparaison par zone (CSV)"},
    "cmp.col.sites": {"en": "Sites: {name}", "fr": "Lieux : {name}"},
    "cmp.col.beyond": {"en": "Beyond threshold: {name}", "fr": "Au-delà du seuil : {name}"},
    "cmp.col.pct": {"en": "% within: {name}", "fr": "% dans le seuil : {name}"},
    "cmp.col.passes": {"en": "Passes: {name}", "fr": "Conforme : {name}"},
    "cmp.col.distance": {"en": "Distance (km): {name}", "fr": "Distance (km) : {name}"},
    "col.newly_within": {"en": "Newly within reach", "fr": "Nouvellement à portée"},
    "col.site_id": {"en": "Site id", "fr": "Identifiant du lieu"},
    "scen.change.only_a": {"en": "only in the first", "fr": "seulement dans le premier"},
    "scen.change.only_b": {"en": "only in the second", "fr": "seulement dans le second"},
    "change.added": {"en": "added", "fr": "ajouté"},
    "change.closed": {"en": "closed", "fr": "fermé"},
    "change.newly_beyond": {"en": "loses access", "fr": "perd l'accès"},
    "change.newly_within": {"en": "gains access", "fr": "gagne l'accès"},
    "layer.changes": {"en": "What changes", "fr": "Ce qui change"},
    "popup.change": {"en": "Change", "fr": "Changement"},
    "cli.note": {"en": "Note", "fr": "Remarque"},
}

#: The map's own controls (Leaflet's buttons), Statistical Area Classification values and an empty cell.
MAP_AND_VALUES: dict[str, _T] = {
    "leaflet.zoom_in": {"en": "Zoom in", "fr": "Zoom avant"},
    "leaflet.zoom_out": {"en": "Zoom out", "fr": "Zoom arrière"},
    "leaflet.layers": {"en": "Layers", "fr": "Couches"},
    "sac.CMA": {"en": "CMA", "fr": "RMR"},
    "sac.CA (tracted)": {"en": "CA (tracted)", "fr": "AR (avec secteurs de recensement)"},
    "sac.CA (non-tracted)": {"en": "CA (non-tracted)", "fr": "AR (sans secteurs de recensement)"},
    "sac.strong metropolitan influence": {
        "en": "strong metropolitan influence",
        "fr": "forte influence métropolitaine",
    },
    "sac.moderate metropolitan influence": {
        "en": "moderate metropolitan influence",
        "fr": "influence métropolitaine modérée",
    },
    "sac.weak metropolitan influence": {"en": "weak metropolitan influence", "fr": "faible influence métropolitaine"},
    "sac.no metropolitan influence": {"en": "no metropolitan influence", "fr": "aucune influence métropolitaine"},
    "sac.unknown (no 2016 row)": {"en": "unknown (no 2016 row)", "fr": "inconnu (absent en 2016)"},
    "cell.none": {"en": "", "fr": ""},
}

#: What the command line prints about the files it wrote.
CLI: dict[str, _T] = {
    "cli.wrote_to": {"en": "Wrote {n} {n:file|files} to {folder}:",
                     "fr": "{n} {n:fichier écrit|fichiers écrits} dans {folder} :"},
    "cli.wrote": {"en": "Wrote {n} {n:file|files}:", "fr": "{n} {n:fichier écrit|fichiers écrits} :"},
}  # fmt: skip

#: Every entry of this module, merged into :data:`esr_geo.i18n.TEXT`.
ALL: dict[str, _T] = {
    **REPORT, **METHOD, **EXPORT, **SCENARIO_FILES, **NOTES, **PLANNER, **MAP_AND_VALUES, **CLI, **words_input.ALL,
}  # fmt: skip
