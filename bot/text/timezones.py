"""Understand the time zone a person types, and show one back.

`resolve_timezone` never raises: it answers with an exact IANA name when the person typed
one (any case, "europe/paris"), otherwise with up to three suggestions the bot offers as
buttons. Suggestions come from, in order:

1. UTC offsets and abbreviations ("UTC-5", "GMT+1", "CET", "EST", Quebec's "HNE"):
   abbreviations are ambiguous (CST is Chicago or Shanghai, IST is India or Ireland), so
   a short hand-made table lists the zones our people most likely mean; regions named in
   words ("Eastern time", "heure de l'Est", "heure des Rocheuses", "UK") the same way;
2. city names in English or French (CLDR exemplar cities through Babel: "Londres",
   "Bruxelles"; the last part of zone names and of legacy links: "Montreal"), plus a few
   large cities that are not zone names ("Québec", "Genève", "Lyon");
3. names of countries ("Sénégal", "France"; "Canada" offers the zones of _MAJOR_ZONES);
4. typos of any of the above and of full zone names ("Amercia/Toronto", "Pariss").

When the text named a city, the guess also carries that city as the bot will show it back
(`TzGuess.place`: "montreal" -> "Montréal"), so that a person in Montréal reads "heure de
Montréal", not the zone's own city "Toronto". `zone_choice` packs a zone and a place into one
button value; `read_zone_choice` unpacks it.

Suggestions are always *preferred* names: zones listed in the tz database's `zone.tab`
(one per country region, e.g. "Africa/Dakar") or `Etc/UTC`; a legacy link is replaced by
the zone it points to ("America/Montreal" -> "America/Toronto"). Indexes are built once,
on first use.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location
from rapidfuzz import fuzz, process

from bot.text.parse_errors import fold

MAX_SUGGESTIONS = 3
# No time zone, city or abbreviation is longer; longer text is a paste accident.
_MAX_INPUT = 80
_MAX_PLACE = 40
_FUZZY_CUTOFF = 82
_LANGS = ("en", "fr")
_AREAS = {
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
}
# Legacy link names that are directions, not places ("Australia/North").
_NOT_PLACES = {"north", "south", "east", "west", "act", "lhi", "nsw"}
# Words people wrap around a place: "heure de Paris", "Paris time", "fuseau horaire : Tokyo".
_FILLER = {
    "time",
    "zone",
    "timezone",
    "tz",
    "heure",
    "heures",
    "fuseau",
    "horaire",
    "de",
    "du",
    "d",
    "a",
    "en",
    "in",
    "the",
    "my",
    "mon",
    "le",
    "la",
    "l",
    "is",
    "est",
    "city",
    "ville",
}

# Fixed reference instants for "the offsets this zone uses": winter and summer of a year.
_REFERENCE = (datetime(2027, 1, 15, 12, tzinfo=UTC), datetime(2027, 7, 15, 12, tzinfo=UTC))

# Abbreviations -> the zones people using them most likely mean, most likely first.
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "utc": ("Etc/UTC", "Africa/Abidjan", "Europe/London"),
    "gmt": ("Etc/UTC", "Africa/Abidjan", "Europe/London"),
    "z": ("Etc/UTC",),
    "zulu": ("Etc/UTC",),
    "uct": ("Etc/UTC",),
    "bst": ("Europe/London",),
    "wet": ("Europe/Lisbon", "Africa/Casablanca", "Atlantic/Canary"),
    "west": ("Europe/Lisbon", "Atlantic/Canary"),
    "cet": ("Europe/Paris", "Europe/Brussels", "Europe/Berlin"),
    "cest": ("Europe/Paris", "Europe/Brussels", "Europe/Berlin"),
    "met": ("Europe/Paris", "Europe/Brussels", "Europe/Berlin"),
    "eet": ("Europe/Athens", "Europe/Bucharest", "Africa/Cairo"),
    "eest": ("Europe/Athens", "Europe/Bucharest", "Europe/Helsinki"),
    "msk": ("Europe/Moscow",),
    "wat": ("Africa/Lagos", "Africa/Kinshasa", "Africa/Douala"),
    "cat": ("Africa/Maputo", "Africa/Lubumbashi", "Africa/Harare"),
    "eat": ("Africa/Nairobi", "Africa/Addis_Ababa", "Africa/Dar_es_Salaam"),
    "sast": ("Africa/Johannesburg",),
    "ist": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "pkt": ("Asia/Karachi",),
    "ict": ("Asia/Bangkok", "Asia/Ho_Chi_Minh"),
    "sgt": ("Asia/Singapore",),
    "hkt": ("Asia/Hong_Kong",),
    "jst": ("Asia/Tokyo",),
    "kst": ("Asia/Seoul",),
    "aest": ("Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane"),
    "aedt": ("Australia/Sydney", "Australia/Melbourne"),
    "acst": ("Australia/Adelaide", "Australia/Darwin"),
    "awst": ("Australia/Perth",),
    "nzst": ("Pacific/Auckland",),
    "nzdt": ("Pacific/Auckland",),
    "hst": ("Pacific/Honolulu",),
    "akst": ("America/Anchorage",),
    "akdt": ("America/Anchorage",),
    "nst": ("America/St_Johns",),
    "ndt": ("America/St_Johns",),
    "ast": ("America/Halifax", "America/Puerto_Rico", "Asia/Riyadh"),
    "adt": ("America/Halifax",),
    "et": ("America/Toronto", "America/New_York"),
    "est": ("America/Toronto", "America/New_York"),
    "edt": ("America/Toronto", "America/New_York"),
    "ct": ("America/Chicago", "America/Winnipeg", "America/Mexico_City"),
    "cst": ("America/Chicago", "America/Winnipeg", "Asia/Shanghai"),
    "cdt": ("America/Chicago", "America/Winnipeg"),
    "mt": ("America/Edmonton", "America/Denver", "America/Phoenix"),
    "mst": ("America/Edmonton", "America/Denver", "America/Phoenix"),
    "mdt": ("America/Edmonton", "America/Denver"),
    "pt": ("America/Vancouver", "America/Los_Angeles"),
    "pst": ("America/Vancouver", "America/Los_Angeles"),
    "pdt": ("America/Vancouver", "America/Los_Angeles"),
    # Canadian French: heure normale / avancée de l'Est, du Centre, des Rocheuses, ...
    "hne": ("America/Toronto",),
    "hae": ("America/Toronto",),
    "hnc": ("America/Winnipeg",),
    "hac": ("America/Winnipeg",),
    "hnr": ("America/Edmonton",),
    "har": ("America/Edmonton",),
    "hnp": ("America/Vancouver",),
    "hap": ("America/Vancouver",),
    "hna": ("America/Halifax",),
    "haa": ("America/Halifax",),
    "hnt": ("America/St_Johns",),
    "hat": ("America/St_Johns",),
    "hec": ("Europe/Paris", "Europe/Brussels", "Europe/Berlin"),
}

# For a bare offset: zones to offer first, by how many of our people live there.
_MAJOR_ZONES = (
    "Europe/Paris",
    "America/Toronto",
    "Africa/Abidjan",
    "Africa/Dakar",
    "Europe/London",
    "Europe/Brussels",
    "Africa/Casablanca",
    "Africa/Kinshasa",
    "Africa/Lagos",
    "Africa/Douala",
    "Europe/Berlin",
    "America/New_York",
    "America/Vancouver",
    "America/Los_Angeles",
    "America/Chicago",
    "America/Winnipeg",
    "America/Edmonton",
    "America/Denver",
    "America/Phoenix",
    "America/Halifax",
    "America/St_Johns",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
    "America/Mexico_City",
    "America/Bogota",
    "America/Port-au-Prince",
    "America/Martinique",
    "America/Guadeloupe",
    "Atlantic/Azores",
    "Atlantic/Cape_Verde",
    "Europe/Lisbon",
    "Africa/Lubumbashi",
    "Africa/Johannesburg",
    "Africa/Cairo",
    "Europe/Athens",
    "Europe/Bucharest",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Africa/Nairobi",
    "Indian/Antananarivo",
    "Asia/Dubai",
    "Indian/Reunion",
    "Indian/Mauritius",
    "Asia/Tehran",
    "Asia/Kabul",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Dhaka",
    "Asia/Yangon",
    "Asia/Bangkok",
    "Asia/Ho_Chi_Minh",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Australia/Perth",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Australia/Adelaide",
    "Australia/Darwin",
    "Australia/Sydney",
    "Australia/Brisbane",
    "Pacific/Noumea",
    "Pacific/Auckland",
    "Pacific/Tahiti",
    "Pacific/Honolulu",
    "America/Anchorage",
)

# Large cities that are not time zone names, in English and French spellings.
# Spelled as they are shown back ("heure de Trois-Rivières"); matching folds them.
_EXTRA_CITIES: dict[str, str] = {
    "Montréal": "America/Toronto",
    "Québec": "America/Toronto",
    "Ville de Québec": "America/Toronto",
    "Quebec City": "America/Toronto",
    "Ottawa": "America/Toronto",
    "Gatineau": "America/Toronto",
    "Laval": "America/Toronto",
    "Longueuil": "America/Toronto",
    "Sherbrooke": "America/Toronto",
    "Trois-Rivières": "America/Toronto",
    "Saguenay": "America/Toronto",
    "Lévis": "America/Toronto",
    "Rimouski": "America/Toronto",
    "Rouyn-Noranda": "America/Toronto",
    "Calgary": "America/Edmonton",
    "Genève": "Europe/Zurich",
    "Geneva": "Europe/Zurich",
    "Genf": "Europe/Zurich",
    "Lausanne": "Europe/Zurich",
    "Berne": "Europe/Zurich",
    "Bern": "Europe/Zurich",
    "Lyon": "Europe/Paris",
    "Marseille": "Europe/Paris",
    "Toulouse": "Europe/Paris",
    "Bordeaux": "Europe/Paris",
    "Lille": "Europe/Paris",
    "Nantes": "Europe/Paris",
    "Strasbourg": "Europe/Paris",
    "Nice": "Europe/Paris",
    "Montpellier": "Europe/Paris",
    "Rennes": "Europe/Paris",
    "Grenoble": "Europe/Paris",
    "Liège": "Europe/Brussels",
    "Namur": "Europe/Brussels",
    "Charleroi": "Europe/Brussels",
    "Gand": "Europe/Brussels",
    "Ghent": "Europe/Brussels",
    "Anvers": "Europe/Brussels",
    "Antwerp": "Europe/Brussels",
    "Washington": "America/New_York",
    "Boston": "America/New_York",
    "Miami": "America/New_York",
    "Atlanta": "America/New_York",
    "Philadelphia": "America/New_York",
    "San Francisco": "America/Los_Angeles",
    "Seattle": "America/Los_Angeles",
    "Houston": "America/Chicago",
    "Dallas": "America/Chicago",
    "Beijing": "Asia/Shanghai",
    "Pékin": "Asia/Shanghai",
    "Mumbai": "Asia/Kolkata",
    "Bombay": "Asia/Kolkata",
    "Delhi": "Asia/Kolkata",
    "New Delhi": "Asia/Kolkata",
    "Bangalore": "Asia/Kolkata",
    "Rabat": "Africa/Casablanca",
    "Marrakech": "Africa/Casablanca",
    "Yamoussoukro": "Africa/Abidjan",
    "Yaoundé": "Africa/Douala",
    "Cotonou": "Africa/Porto-Novo",
    "Rio de Janeiro": "America/Sao_Paulo",
    "Barcelona": "Europe/Madrid",
    "Barcelone": "Europe/Madrid",
    "Milan": "Europe/Rome",
    "Munich": "Europe/Berlin",
    "Frankfurt": "Europe/Berlin",
    "Francfort": "Europe/Berlin",
    "Hamburg": "Europe/Berlin",
    "Hambourg": "Europe/Berlin",
    "Manchester": "Europe/London",
    "Edinburgh": "Europe/London",
    "Édimbourg": "Europe/London",
    "Osaka": "Asia/Tokyo",
    "Kyoto": "Asia/Tokyo",
    "Portland": "America/Los_Angeles",
    "Los Angeles": "America/Los_Angeles",
    "Halifax": "America/Halifax",
    "Moncton": "America/Moncton",
    "Winnipeg": "America/Winnipeg",
    "Edmonton": "America/Edmonton",
}

# Regions people name instead of a city: "Eastern time", "heure de l'Est" (how Québec names
# its own zone), "Pacific Standard Time", "heure des Rocheuses", "heure française", "UK".
# Keys are the words left once _REGION_FILLER is removed; the zones are offered as buttons,
# never taken for sure (Eastern is Toronto or New York: the same clock, another city shown).
_REGION_FILLER = {
    "time", "zone", "timezone", "tz", "heure", "heures", "fuseau", "horaire", "hour", "de",
    "du", "des", "d", "l", "la", "le", "les", "the", "my", "mon", "standard", "daylight",
    "normale", "avancee", "officielle", "locale", "us", "usa", "canada", "canadian",
    "canadienne", "north", "american", "america", "amerique", "nord", "region", "in", "en",
    "a", "i", "am", "je", "suis", "on", "sur", "is",
}
_EAST = ("America/Toronto", "America/New_York")
_CENTRAL = ("America/Winnipeg", "America/Chicago", "America/Mexico_City")
_MOUNTAIN = ("America/Edmonton", "America/Denver", "America/Phoenix")
_PACIFIC = ("America/Vancouver", "America/Los_Angeles")
_CENTRAL_EUROPE = ("Europe/Paris", "Europe/Brussels", "Europe/Berlin")
_REGIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("eastern", "east", "est", "east coast", "cote est"), _EAST),
    **dict.fromkeys(("central", "centre", "center"), _CENTRAL),
    **dict.fromkeys(("mountain", "rocky mountain", "rocheuses", "montagnes rocheuses",
                     "montagnes"), _MOUNTAIN),
    **dict.fromkeys(("pacific", "pacifique", "west coast", "cote ouest"), _PACIFIC),
    **dict.fromkeys(("atlantic", "atlantique"), ("America/Halifax",)),
    **dict.fromkeys(("newfoundland", "terre neuve", "terre neuvienne"), ("America/St_Johns",)),
    **dict.fromkeys(("alaska",), ("America/Anchorage",)),
    **dict.fromkeys(("hawaii", "hawai"), ("Pacific/Honolulu",)),
    **dict.fromkeys(("francaise", "france metropolitaine", "french"), ("Europe/Paris",)),
    **dict.fromkeys(("belge",), ("Europe/Brussels",)),
    **dict.fromkeys(("uk", "u k", "royaume uni", "britain", "great britain", "british",
                     "grande bretagne", "angleterre", "england", "anglaise", "ecosse",
                     "scotland"), ("Europe/London",)),
    **dict.fromkeys(("central europe", "central european", "europe centrale",
                     "centre europe"), _CENTRAL_EUROPE),
}

_OFFSET = re.compile(r"^(?:utc|gmt|z)?\s*([+-])\s*(\d{1,2})(?:\s*[:h.]?\s*(\d{2}))?$")


@dataclass(frozen=True, slots=True)
class TzGuess:
    """What the person's text means: an exact zone name, or zones to offer."""

    exact: str | None
    suggestions: tuple[str, ...] = ()
    place: str = ""  # the city named, spelled to be shown back ("Montréal"); "" otherwise
    # The whole text is one place with one zone ("Montréal", "Sénégal"): nothing to ask.
    sure: bool = False


def resolve_timezone(text: str, lang: str = "en") -> TzGuess:
    """Read a time zone, city, country, offset or abbreviation; never raises.

    Both languages are understood whatever `lang` is (a French speaker may type
    "New York", an English one "Genève"); `lang` is kept for callers' symmetry.
    """
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        return TzGuess(None)
    query = _key(text)
    if not query:
        return TzGuess(None)
    index = _index()

    named = _by_abbreviation_or_offset(query)
    if named:
        return TzGuess(None, named)
    exact = index.exact_names.get(query.replace(" ", ""))
    if exact:
        return TzGuess(exact)
    region = _REGIONS.get(" ".join(w for w in query.replace("-", " ").split()
                                   if w not in _REGION_FILLER))
    if region:
        return TzGuess(None, region)

    words = [w for w in query.split() if w not in _FILLER] or query.split()
    place = " ".join(words)
    hits = _places_in(words, index.places)
    if hits:
        sure = len(index.places.get(place, ())) == 1 and place not in index.several
        return TzGuess(None, _ranked(hits), _city_in(words, index.cities), sure=sure)
    zones, key = _fuzzy(place, index)
    return TzGuess(None, zones, index.cities.get(key, ""))


_CHOICE = "@"  # "America/Toronto@Montréal": no zone name contains it


def zone_choice(name: str, place: str = "") -> str:
    """A zone and the place to show with it, as one text (a button value)."""
    return f"{name}{_CHOICE}{place}" if place else name


def read_zone_choice(text: str) -> tuple[str, str] | None:
    """(zone, place) from `zone_choice`'s text, or None when it is not an exact zone."""
    name, _, place = text.strip().partition(_CHOICE)
    exact = resolve_timezone(name).exact
    if exact is None:
        return None
    shown = " ".join(place.split())[:_MAX_PLACE]
    return exact, shown if shown and exact in resolve_timezone(shown).suggestions else ""


def format_timezone(name: str, lang: str, *, at: datetime | None = None, place: str = "") -> str:
    """Show a zone: "Europe/Paris (Paris, UTC+01:00)"; the city is in `lang`, or the place
    the person named ("America/Toronto (Montréal, UTC-05:00)").

    The offset is the one in force at `at`; without `at` it is the zone's standard
    (winter) offset, which keeps this function independent of the clock.
    """
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return str(name)
    if at is None:
        offset = min(moment.astimezone(zone).utcoffset() or timedelta(0) for moment in _REFERENCE)
    else:
        offset = at.astimezone(zone).utcoffset() or timedelta(0)
    city = place or city_name(name, lang)
    shown = format_offset(offset)
    return f"{name} ({city}, {shown})" if city else f"{name} ({shown})"


def city_name(name: str, lang: str) -> str:
    """The zone's city in `lang` ("Europe/London" -> "Londres" in French); "" for Etc/*."""
    if name.startswith("Etc/") or "/" not in name:
        return ""
    try:
        return get_timezone_location(name, locale=_locale(lang), return_city=True)
    except (LookupError, ValueError):
        return name.rsplit("/", 1)[-1].replace("_", " ")


def format_offset(offset: timedelta) -> str:
    """UTC+01:00, UTC-05:00, UTC+05:45."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


# --- matching ---------------------------------------------------------------------------


def _key(text: str) -> str:
    """Folded text with separators as single spaces ("Amercia/Toronto" -> "amercia toronto")."""
    return " ".join(re.sub(r"[/_,;:()\[\]'\".!?]+", " ", fold(text)).split())


def _by_abbreviation_or_offset(query: str) -> tuple[str, ...]:
    compact = query.replace(" ", "")
    if compact in _ABBREVIATIONS:
        return _ABBREVIATIONS[compact]
    match = _OFFSET.match(query)
    if not match:
        return ()
    sign, hours, minutes = match.groups()
    total = int(hours) * 60 + int(minutes or 0)
    if int(hours) > 14 or int(minutes or 0) >= 60:
        return ()
    if total == 0:
        return _ABBREVIATIONS["utc"]
    return _zones_at_offset(timedelta(minutes=total if sign == "+" else -total))


def _zones_at_offset(offset: timedelta) -> tuple[str, ...]:
    """Zones whose standard offset is `offset` first, then those reaching it in summer."""
    index = _index()
    standard = [z for z in _MAJOR_ZONES if index.offsets[z][0] == offset]
    summer = [z for z in _MAJOR_ZONES if offset in index.offsets[z][1:]]
    if not standard:
        standard = sorted(
            z for z, used in index.offsets.items() if used[0] == offset and "Etc/" not in z
        )
    ranked = list(dict.fromkeys(standard + summer))[:MAX_SUGGESTIONS]
    whole_hours, rest = divmod(int(offset.total_seconds()), 3600)
    fixed = f"Etc/GMT{-whole_hours:+d}"  # POSIX sign: Etc/GMT-1 is UTC+01:00
    if len(ranked) < MAX_SUGGESTIONS and not rest and fixed in index.preferred:
        ranked.append(fixed)
    return tuple(ranked)


def _places_in(words: list[str], places: dict[str, tuple[str, ...]]) -> list[str]:
    """Zones of every place named by a run of 1-3 words, longest runs first."""
    found: list[str] = []
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            found.extend(places.get(" ".join(words[start : start + size]), ()))
    return list(dict.fromkeys(found))


def _city_in(words: list[str], cities: dict[str, str]) -> str:
    """The city named by the longest run of 1-3 words ("i live in montreal" -> "Montréal")."""
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            city = cities.get(" ".join(words[start : start + size]))
            if city:
                return city
    return ""


def _fuzzy(place: str, index: _Index) -> tuple[tuple[str, ...], str]:
    """Zones of the places closest to `place`, and the closest place's key."""
    if len(place) < 3:
        return (), ""
    matches = process.extract(
        place, index.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF, limit=10
    )
    zones: list[str] = []
    for key, _score, _pos in matches:
        zones.extend(index.places[key])
    best = matches[0][0] if matches else ""
    return tuple(dict.fromkeys(zones))[:MAX_SUGGESTIONS], best


def _ranked(zones: list[str]) -> tuple[str, ...]:
    major = {z: i for i, z in enumerate(_MAJOR_ZONES)}
    ordered = sorted(zones, key=lambda z: (major.get(z, len(major)), zones.index(z)))
    return tuple(ordered)[:MAX_SUGGESTIONS]


# --- indexes ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Index:
    preferred: frozenset[str]
    exact_names: dict[str, str]  # folded name without spaces -> preferred zone
    places: dict[str, tuple[str, ...]]  # folded place or zone name -> zones
    fuzzy_keys: tuple[str, ...]
    offsets: dict[str, tuple[timedelta, ...]]  # zone -> (standard, summer)
    cities: dict[str, str]  # folded city name -> how it is shown ("montreal" -> "Montréal")
    several: frozenset[str]  # folded names of countries with several zones ("canada")


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang if lang in _LANGS else "en")


@cache
def _index() -> _Index:
    available = _loadable(zoneinfo.available_timezones())
    preferred, links = _tz_database(available)
    canonical = {name: _canonical(name, preferred, links) for name in available}

    exact_names = {_key(name).replace(" ", ""): canonical[name] for name in available}
    places: dict[str, list[str]] = {}

    cities: dict[str, str] = {}
    several: set[str] = set()

    def add(place: str, zone: str, *, city: bool = False) -> None:
        key = _key(place)
        if key and zone in preferred and zone not in places.setdefault(key, []):
            places[key].append(zone)
        if key and city and "/" not in place:
            cities.setdefault(key, place.replace("_", " "))

    # Hand-spelled cities first, so that their spelling ("Montréal") is the one shown.
    for city, zone in _EXTRA_CITIES.items():
        add(city, zone, city=True)

    for zone in sorted(preferred):
        add(zone, zone)
        if zone.split("/", 1)[0] in _AREAS:
            for lang in _LANGS:
                add(city_name(zone, lang), zone, city=True)
            add(zone.rsplit("/", 1)[-1], zone, city=True)
    for link in sorted(links):
        last = link.rsplit("/", 1)[-1]
        if link in canonical and link.split("/", 1)[0] in _AREAS and _key(last) not in _NOT_PLACES:
            add(last, canonical[link], city=True)
            add(link, canonical[link])
    territory_zones = get_global("territory_zones")
    for lang in _LANGS:
        for code, country in _locale(lang).territories.items():
            zones = [canonical.get(zone, zone) for zone in territory_zones.get(code, ())]
            if len(zones) == 1:
                add(country, zones[0])
                continue
            # A country with several zones ("Canada") offers those of our people, never
            # sure which one is meant.
            for zone in zones:
                if zone in _MAJOR_ZONES:
                    add(country, zone)
            several.add(_key(country))

    offsets = {zone: _offsets(zone) for zone in preferred}
    frozen = {key: tuple(zones) for key, zones in places.items()}
    return _Index(frozenset(preferred), exact_names, frozen, tuple(frozen), offsets, cities,
                  frozenset(several))


def _offsets(name: str) -> tuple[timedelta, ...]:
    """The offsets a zone uses in winter and summer, smallest (standard) first."""
    zone = zoneinfo.ZoneInfo(name)
    seen = {moment.astimezone(zone).utcoffset() or timedelta(0) for moment in _REFERENCE}
    return tuple(sorted(seen))


def _loadable(names: set[str]) -> set[str]:
    loadable = set()
    for name in names:
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        loadable.add(name)
    return loadable


def _tz_database(available: set[str]) -> tuple[set[str], dict[str, str]]:
    """Preferred zone names (zone.tab + Etc/UTC + Etc/GMT±N) and legacy links -> targets."""
    try:
        data = resources.files("tzdata.zoneinfo")
        zone_tab = data.joinpath("zone.tab").read_text(encoding="utf-8")
        zi = data.joinpath("tzdata.zi").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        # Without tzdata's tables every name counts as preferred; Babel still knows aliases.
        aliases = get_global("zone_aliases")
        return set(available), {k: v for k, v in aliases.items() if v in available}
    preferred = {
        line.split("\t")[2]
        for line in zone_tab.splitlines()
        if line and not line.startswith("#") and line.count("\t") >= 2
    }
    preferred |= {name for name in available if re.fullmatch(r"Etc/(UTC|GMT[+-]\d+)", name)}
    links = {}
    for line in zi.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L":
            links[parts[2]] = parts[1]
    return preferred & available, links


def _canonical(name: str, preferred: set[str], links: dict[str, str]) -> str:
    seen = set()
    while name not in preferred and name in links and name not in seen:
        seen.add(name)
        name = links[name]
    return name
