"""English and French of the notes on the input and of a site file's problems and fixes: data only.

Entries of the one translation table, :data:`esr_geo.i18n.TEXT` (merged through
:data:`esr_geo.words.ALL`), kept apart so that :mod:`esr_geo.words` stays one readable module.
They are the words of :class:`esr_geo.i18n.Note` records: an analysis' notes on its input
(``input.*``, made by :mod:`esr_geo.analysis`, :mod:`esr_geo.drive` and :mod:`esr_geo.closures`)
and the problems of a site file's rows (``site.*``) with their fixes (``fix.*``), made by
:mod:`esr_geo.site_checks` and :mod:`esr_geo.site_location`. ``{name}`` fields are filled by
:func:`esr_geo.i18n.note_text` (numbers already in the language's style); ``{n:one|other}``
chooses the singular or the plural (French takes the singular for 0 and 1).

The English is the one the command line, the reports and the problem table have always shown;
French says the same.
"""

from __future__ import annotations

_T = dict[str, str]

#: An analysis' notes on its input.
INPUT_NOTES: dict[str, _T] = {
    "input.demo_label": {
        "en": "Service Canada in-person sites, February 2024 (demonstration layer)",
        "fr": "points de service en personne de Service Canada, février 2024 (couche de démonstration)",
    },
    "input.default_zones_label": {
        "en": "Default zones: each census division of the Northeast and Northwest (11 zones)",
        "fr": "zones par défaut, une par division de recensement du Nord-Est et du Nord-Ouest (11 zones)",
    },
    "input.demo": {
        "en": "Sites are the {source}: community-level locations, not a provider's office list.",
        "fr": "Les lieux sont les {source} : des emplacements au niveau de la collectivité, pas la liste des "
        "bureaux d'un fournisseur.",
    },
    "input.dropped": {
        "en": "{n} invalid {n:row|rows} of {source} {n:was|were} left out (skipped as invalid): {rows}",
        "fr": "{n} {n:ligne invalide|lignes invalides} de la liste « {source} » {n:a été laissée|ont été laissées} de "
        "côté : {rows}",
    },
    "input.dropped_row": {"en": "row {row}: {problems}", "fr": "ligne {row} : {problems}"},
    "input.warnings": {
        "en": "{n} {n:warning|warnings} on {source}: {rows}",
        "fr": "{n} {n:avertissement|avertissements} sur la liste « {source} » : {rows}",
    },
    "input.warning_row": {"en": "row {row} ({site}): {problem}", "fr": "ligne {row} ({site}) : {problem}"},
    "input.closed": {"en": "Scenario: closed {names}.", "fr": "Scénario : fermeture de {names}."},
    "input.road_elsewhere": {
        "en": "{n} in-person {n:site|sites} outside the area analysed {n:is|are} more than {max_km} km from every "
        "road of the network: {n:it|they} cannot be reached by road in this analysis.",
        "fr": "{n} {n:lieu|lieux} en personne hors de la région analysée {n:est|sont} à plus de {max_km} km de "
        "toute route du réseau : {n:il ne peut|ils ne peuvent} pas être {n:atteint|atteints} par la route dans "
        "cette analyse.",
    },
    "input.road_unreached": {
        "en": "{n} in-person {n:site|sites} in the area analysed {n:is|are} more than {max_km} km from every road "
        "of the network and cannot be reached by road: {names}{more}.",
        "fr": "{n} {n:lieu|lieux} en personne de la région analysée {n:est|sont} à plus de {max_km} km de toute "
        "route du réseau et ne {n:peut|peuvent} pas être {n:atteint|atteints} par la route : {names}{more}.",
    },
    "input.and_more": {"en": "; and {n} more", "fr": "; et {n} {n:autre|autres}"},
    "input.road_pieces": {
        "en": "{people} people live by roads that are not connected to the main network ({reached} of them reach a "
        "site on their own piece of road).",
        "fr": "{people} {people:personne vit|personnes vivent} près de routes non reliées au réseau principal "
        "({reached} d'entre elles {reached:atteint|atteignent} un lieu sur leur propre tronçon).",
    },
}

#: The problems of a site file's rows (the table's ``problem``).
SITE_PROBLEMS: dict[str, _T] = {
    "site.too_long": {
        "en": "{column} is {n} characters long; at most {limit} are accepted",
        "fr": "{column} compte {n} {n:caractère|caractères}; {limit} au plus sont acceptés",
    },
    "site.control": {
        "en": "{column} holds a control character ({value})",
        "fr": "{column} contient un caractère de contrôle ({value})",
    },
    "site.no_name": {"en": "the site has no name", "fr": "le lieu n'a pas de nom"},
    "site.in_person": {
        "en": "in_person is {value}, which is neither yes nor no",
        "fr": "in_person vaut {value}, ce qui n'est ni oui ni non",
    },
    "site.french": {
        "en": "french is {value}, which says neither whether the site serves in French",
        "fr": "french vaut {value}, ce qui ne dit pas si le lieu offre des services en français",
    },
    "site.catchment_unknown": {
        "en": "catchment {value} is not one of the 15 EST catchments",
        "fr": "la zone de desserte {value} n'est pas l'une des 15 zones de desserte du RSE",
    },
    "site.catchment_other": {
        "en": "the declared catchment is {declared} ({declared_id}) but the location is in {located} ({located_id})",
        "fr": "la zone de desserte déclarée est {declared} ({declared_id}), mais l'emplacement est dans "
        "{located} ({located_id})",
    },
    "site.catchment_other_approx": {
        "en": "the declared catchment is {declared} ({declared_id}) but the location is in {located} ({located_id}), "
        "placed only approximately",
        "fr": "la zone de desserte déclarée est {declared} ({declared_id}), mais l'emplacement est dans "
        "{located} ({located_id}), placé seulement de façon approximative",
    },
    "site.duplicate_id": {
        "en": "duplicate site: site_id {value} is already used on row {first_row}",
        "fr": "lieu en double : le site_id {value} est déjà utilisé à la ligne {first_row}",
    },
    "site.duplicate_name": {
        "en": "duplicate site: row {first_row} has the same name within {m} m",
        "fr": "lieu en double : la ligne {first_row} a le même nom à moins de {m} m",
    },
    "site.not_point": {
        "en": "the geometry is a {geom_type}, not a point",
        "fr": "la géométrie est de type {geom_type}, pas un point",
    },
    "site.no_latitude": {
        "en": "the longitude is given but the latitude is blank",
        "fr": "la longitude est donnée, mais la latitude est vide",
    },
    "site.no_longitude": {
        "en": "the latitude is given but the longitude is blank",
        "fr": "la latitude est donnée, mais la longitude est vide",
    },
    "site.latitude_nan": {"en": "latitude {value} is not a number", "fr": "la latitude {value} n'est pas un nombre"},
    "site.longitude_nan": {
        "en": "longitude {value} is not a number",
        "fr": "la longitude {value} n'est pas un nombre",
    },
    "site.swapped": {
        "en": "latitude {lat} and longitude {lon} look swapped (Ontario is at latitude 42 to 57 and longitude "
        "-95 to -74)",
        "fr": "la latitude {lat} et la longitude {lon} semblent inversées (l'Ontario est entre les latitudes 42 et "
        "57 et les longitudes -95 et -74)",
    },
    "site.unsigned": {
        "en": "longitude {lon} is east of Greenwich; longitudes in Ontario are negative",
        "fr": "la longitude {lon} est à l'est de Greenwich; les longitudes de l'Ontario sont négatives",
    },
    "site.swapped_unsigned": {
        "en": "latitude {lat} and longitude {lon} look swapped, and the longitude has no minus sign",
        "fr": "la latitude {lat} et la longitude {lon} semblent inversées, et la longitude n'a pas de signe moins",
    },
    "site.metres": {
        "en": "latitude {lat} and longitude {lon} look like metres in a projected coordinate system, not degrees",
        "fr": "la latitude {lat} et la longitude {lon} ressemblent à des mètres d'un système de coordonnées "
        "projetées, pas à des degrés",
    },
    "site.not_on_earth": {
        "en": "latitude {lat}, longitude {lon} is not a position on Earth (latitude is -90 to 90, longitude -180 to "
        "180)",
        "fr": "la latitude {lat}, longitude {lon} n'est pas une position sur la Terre (latitude de -90 à 90, "
        "longitude de -180 à 180)",
    },
    "site.no_location": {
        "en": "the site has no location: latitude, longitude and postal code are all blank",
        "fr": "le lieu n'a pas d'emplacement : la latitude, la longitude et le code postal sont tous vides",
    },
    "site.no_location_geometry": {
        "en": "the site has no location: no geometry, and latitude, longitude and postal code are blank",
        "fr": "le lieu n'a pas d'emplacement : aucune géométrie, et la latitude, la longitude et le code postal "
        "sont vides",
    },
    "site.postal_malformed": {
        "en": "malformed postal code {value}: it is not letter-digit-letter digit-letter-digit",
        "fr": "code postal mal formé {value} : il n'est pas de la forme lettre-chiffre-lettre chiffre-lettre-chiffre",
    },
    "site.postal_malformed_placed": {
        "en": "malformed postal code {value} (the site is placed by its coordinates)",
        "fr": "code postal mal formé {value} (le lieu est placé par ses coordonnées)",
    },
    "site.postal_area_only": {
        "en": "only the postal area {fsa} is given; the site is placed at its centre ({place}){rural}",
        "fr": "seule la région postale {fsa} est donnée; le lieu est placé en son centre ({place}){rural}",
    },
    "site.postal_not_listed": {
        "en": "postal code {code} is not in the postal-code list; the site is placed at the centre of its area {fsa} "
        "({place}){rural}",
        "fr": "le code postal {code} n'est pas dans la liste des codes postaux; le lieu est placé au centre de sa "
        "région {fsa} ({place}){rural}",
    },
    "site.rural_area": {
        "en": " (a rural area: its centre may be tens of km from the site)",
        "fr": " (une région rurale : son centre peut être à des dizaines de km du lieu)",
    },
    "site.postal_unknown": {
        "en": "unknown postal code {code}: neither it nor its area {fsa} is in the postal-code list",
        "fr": "code postal inconnu {code} : ni lui ni sa région {fsa} ne sont dans la liste des codes postaux",
    },
    "site.postal_no_area": {
        "en": "unknown postal code {code}: no such postal area",
        "fr": "code postal inconnu {code} : cette région postale n'existe pas",
    },
    "site.where_postal": {"en": "postal code {code}", "fr": "code postal {code}"},
    "site.where_coordinates": {"en": "latitude {lat}, longitude {lon}", "fr": "latitude {lat}, longitude {lon}"},
    "site.outside": {
        "en": "the site ({where}) is {km} km outside Ontario's census boundaries (more than the {tol} km allowed)",
        "fr": "le lieu ({where}) est à {km} km hors des limites de recensement de l'Ontario (plus que les {tol} km "
        "permis)",
    },
    "site.near_border": {
        "en": "the site is {km} km outside Ontario's census boundaries and may be in Quebec, Manitoba or the United "
        "States; {counted}",
        "fr": "le lieu est à {km} km hors des limites de recensement de l'Ontario et pourrait être au Québec, au "
        "Manitoba ou aux États-Unis; {counted}",
    },
    "site.near_edge": {
        "en": "the site is {distance} outside every (simplified) census subdivision polygon; {counted}",
        "fr": "le lieu est à {distance} hors de tout polygone (simplifié) de subdivision de recensement; {counted}",
    },
    "site.counted_in": {
        "en": "it is counted in the nearest census subdivision, {csd} ({catchment})",
        "fr": "il est compté dans la subdivision de recensement la plus proche, {csd} ({catchment})",
    },
}

#: A site file refused: the message, one line per row with an error.
SITE_REFUSED: dict[str, _T] = {
    "site.refused": {
        "en": "{n} of {total} rows in {source} {n:has|have} problems; {tail}",
        "fr": "{n} des {total} lignes de la liste « {source} » {n:a un problème|ont des problèmes}; {tail}",
    },
    "site.refused_none": {
        "en": "no row can be used; fix the rows listed and load the file again.",
        "fr": "aucune ligne n'est utilisable; corrigez les lignes indiquées et chargez de nouveau le fichier.",
    },
    "site.refused_some": {
        "en": "fix them and load the file again, or go ahead without these rows.",
        "fr": "corrigez-les et chargez de nouveau le fichier, ou continuez sans ces lignes.",
    },
    "site.refused_row": {
        "en": "row {row} ({site}): {problem}. Fix: {fix}.",
        "fr": "ligne {row} ({site}) : {problem}. Correction : {fix}.",
    },
    "site.no_site_name": {"en": "no name", "fr": "sans nom"},
    "site.refused_more": {
        "en": "and {n} more: the full problem table lists every one",
        "fr": "et {n} {n:autre|autres} : le tableau complet des problèmes les liste toutes",
    },
}

#: How to fix each problem (the table's ``fix``).
SITE_FIXES: dict[str, _T] = {
    "fix.too_long": {
        "en": "shorten the {column} to {limit} characters or fewer",
        "fr": "raccourcissez {column} à {limit} caractères ou moins",
    },
    "fix.control": {
        "en": "remove the invisible character (retype the cell)",
        "fr": "retirez le caractère invisible (retapez la cellule)",
    },
    "fix.no_name": {
        "en": "write the site's name in the name column",
        "fr": "écrivez le nom du lieu dans la colonne name",
    },
    "fix.in_person": {
        "en": "write true or false (also accepted: yes/no, 1/0, oui/non), or leave it blank for an in-person site",
        "fr": "écrivez true ou false (aussi acceptés : yes/no, 1/0, oui/non), ou laissez vide pour un lieu en personne",
    },
    "fix.french": {
        "en": "write yes or no (also accepted: oui/non, true/false, 1/0), or the languages served, e.g. 'English and "
        "French', 'bilingual', 'English'; leave it blank if you do not know",
        "fr": "écrivez oui ou non (aussi acceptés : yes/no, true/false, 1/0), ou les langues de service, p. ex. "
        "« anglais et français », « bilingue », « anglais »; laissez vide si vous ne savez pas",
    },
    "fix.catchment_unknown": {
        "en": "use a catchment id ({ids}) or its English or French name, or leave it blank",
        "fr": "utilisez un identifiant de zone de desserte ({ids}) ou son nom anglais ou français, ou laissez vide",
    },
    "fix.catchment_other": {
        "en": "correct the catchment column or the location",
        "fr": "corrigez la colonne catchment ou l'emplacement",
    },
    "fix.catchment_other_approx": {
        "en": "give latitude and longitude (or a full postal code) to place the site exactly",
        "fr": "donnez la latitude et la longitude (ou un code postal complet) pour placer le lieu exactement",
    },
    "fix.duplicate_id": {
        "en": "give each site its own site_id, or remove the repeated row",
        "fr": "donnez à chaque lieu son propre site_id, ou retirez la ligne répétée",
    },
    "fix.duplicate_name": {
        "en": "remove the repeated row (or give the two sites different names if they are different offices)",
        "fr": "retirez la ligne répétée (ou donnez des noms différents aux deux lieux s'il s'agit de bureaux "
        "différents)",
    },
    "fix.not_point": {
        "en": "give each site a single point at its address",
        "fr": "donnez à chaque lieu un seul point, à son adresse",
    },
    "fix.no_latitude": {
        "en": "add the latitude (decimal degrees north, e.g. 43.6532)",
        "fr": "ajoutez la latitude (degrés décimaux nord, p. ex. 43.6532)",
    },
    "fix.no_longitude": {
        "en": "add the longitude (decimal degrees, negative in Ontario, e.g. -79.3832)",
        "fr": "ajoutez la longitude (degrés décimaux, négative en Ontario, p. ex. -79.3832)",
    },
    "fix.latitude_nan": {
        "en": "write decimal degrees, e.g. 43.6532 (not degrees, minutes and seconds)",
        "fr": "écrivez des degrés décimaux, p. ex. 43.6532 (pas des degrés, minutes et secondes)",
    },
    "fix.longitude_nan": {
        "en": "write decimal degrees, e.g. -79.3832 (not degrees, minutes and seconds)",
        "fr": "écrivez des degrés décimaux, p. ex. -79.3832 (pas des degrés, minutes et secondes)",
    },
    "fix.swapped": {
        "en": "swap the two values: latitude {lat}, longitude {lon}",
        "fr": "inversez les deux valeurs : latitude {lat}, longitude {lon}",
    },
    "fix.unsigned": {
        "en": "add the minus sign: longitude {lon}",
        "fr": "ajoutez le signe moins : longitude {lon}",
    },
    "fix.swapped_unsigned": {
        "en": "use latitude {lat} and longitude {lon}",
        "fr": "utilisez la latitude {lat} et la longitude {lon}",
    },
    "fix.metres": {
        "en": "give WGS 84 decimal degrees (latitude about 42 to 57, longitude about -95 to -74)",
        "fr": "donnez des degrés décimaux WGS 84 (latitude d'environ 42 à 57, longitude d'environ -95 à -74)",
    },
    "fix.not_on_earth": {
        "en": "check the two values (Ontario: latitude about 42 to 57, longitude about -95 to -74)",
        "fr": "vérifiez les deux valeurs (Ontario : latitude d'environ 42 à 57, longitude d'environ -95 à -74)",
    },
    "fix.no_location": {
        "en": "add latitude and longitude (WGS 84 decimal degrees, e.g. 43.6532 and -79.3832) or the postal code",
        "fr": "ajoutez la latitude et la longitude (degrés décimaux WGS 84, p. ex. 43.6532 et -79.3832) ou le code "
        "postal",
    },
    "fix.postal_malformed": {
        "en": "write the postal code like K7L 3N6, or give latitude and longitude instead",
        "fr": "écrivez le code postal comme K7L 3N6, ou donnez plutôt la latitude et la longitude",
    },
    "fix.postal_malformed_placed": {
        "en": "write the postal code like K7L 3N6, or leave it blank",
        "fr": "écrivez le code postal comme K7L 3N6, ou laissez-le vide",
    },
    "fix.postal_area": {
        "en": "check the postal code, or give latitude and longitude for an exact position",
        "fr": "vérifiez le code postal, ou donnez la latitude et la longitude pour une position exacte",
    },
    "fix.postal_unknown": {
        "en": "check the postal code, or give latitude and longitude instead",
        "fr": "vérifiez le code postal, ou donnez plutôt la latitude et la longitude",
    },
    "fix.outside_postal": {
        "en": "check the postal code, or give latitude and longitude; esr-geo covers Ontario only",
        "fr": "vérifiez le code postal, ou donnez la latitude et la longitude; esr-geo ne couvre que l'Ontario",
    },
    "fix.outside_coordinates": {
        "en": "check the coordinates (and that they are WGS 84 degrees); esr-geo covers Ontario only, so leave out "
        "sites outside the province",
        "fr": "vérifiez les coordonnées (et qu'elles sont en degrés WGS 84); esr-geo ne couvre que l'Ontario : "
        "laissez de côté les lieux hors de la province",
    },
    "fix.near_border_postal": {
        "en": "check its postal code, or give latitude and longitude; if the site is outside Ontario, leave it out",
        "fr": "vérifiez son code postal, ou donnez la latitude et la longitude; si le lieu est hors de l'Ontario, "
        "laissez-le de côté",
    },
    "fix.near_border_coordinates": {
        "en": "check its coordinates (WGS 84 decimal degrees; longitude negative); if the site is outside Ontario, "
        "leave it out",
        "fr": "vérifiez ses coordonnées (degrés décimaux WGS 84; longitude négative); si le lieu est hors de "
        "l'Ontario, laissez-le de côté",
    },
    "fix.near_edge": {
        "en": "nothing if the location is right (sites on shores and borders can fall up to {border} km outside the "
        "simplified polygons); otherwise correct it",
        "fr": "rien si l'emplacement est juste (les lieux sur les rives et les frontières peuvent tomber jusqu'à "
        "{border} km hors des polygones simplifiés); sinon, corrigez-le",
    },
}

#: Every entry of this module, merged into :data:`esr_geo.i18n.TEXT` by :mod:`esr_geo.words`.
ALL: dict[str, _T] = {**INPUT_NOTES, **SITE_PROBLEMS, **SITE_REFUSED, **SITE_FIXES}
