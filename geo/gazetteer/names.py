"""Names and the rules about them: how a name is folded for matching, how it relates to its place, and the prior.

``normalize`` is the project's one name normaliser (the index stores names by it, the reader looks
them up by it, the resolver compares mentions by it); ``NAME_KIND_RANK`` orders the ways a name
relates to a place; ``prominence`` is the one prior for places that share a name (the resolver
scores with it; ``place_importance`` is the index's order by it); ``distance_km`` the one
great-circle distance.
The smaller helpers here (codes, scripts, demonym plurals, the core of a facility's name) are the
tests the build and the GeoNames download apply to every name before indexing it.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

MAX_NAME_TOKENS = 6  # the longest name a phrase matcher looks for, in words
# Lower is better: a place found by its own name beats the same place found by
# an abbreviation, another spelling, a demonym or the core of a facility name.
NAME_KIND_RANK: dict[str, int] = {"name": 0, "abbreviation": 1, "alternate": 2, "demonym": 3, "short": 4}
KIND_BY_RANK = {rank: kind for kind, rank in NAME_KIND_RANK.items()}

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

_APOSTROPHES = "'’‘ʼʻ`´′ʹʿʾ"
_SEPARATORS = "-‐‑‒–—―−_"
# Mapped before NFKD: NFKD would split "´" into a space and an accent.
_PRE = str.maketrans({**dict.fromkeys(_APOSTROPHES, "'"), **dict.fromkeys(_SEPARATORS, " ")})
# Latin letters NFKD does not decompose into a base letter plus accent.
_LETTERS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
        "ə": "e",
        "ɛ": "e",
        "ɔ": "o",
    }
)
_POSSESSIVE = re.compile(r"'s\s*$")
# Already folded: lower-case ASCII words and digits, one space between them (most names).
_FOLDED = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")
_PUNCT = re.compile(r"[^\w\s]")


def normalize(name: str) -> str:
    """Fold a name for matching: case, accents, apostrophes, dots, hyphens.

    "al-Watiya", "Al Watiya" and "AL-WATIYA" give "al watiya"; "U.S." gives
    "us"; "Türkiye" gives "turkiye"; a trailing possessive goes ("Libya's").
    """
    s = name.casefold()
    if _FOLDED.fullmatch(s):  # nothing below would change it: a third of a gazetteer build was this function
        return s
    s = s.translate(_PRE)
    if not s.isascii():  # decomposing ASCII changes nothing: most names skip the costly step
        s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = s.translate(_LETTERS)
    s = _POSSESSIVE.sub("", s).replace("'", "").replace(".", "")
    return " ".join(_PUNCT.sub(" ", s).split())


_CODE = re.compile(r"[A-Z]{2,3}|\d+")


def is_code(name: str) -> bool:
    """Codes such as "LAX", "RUS" or "12": as names they are noise or words ("IT", "IN")."""
    return bool(_CODE.fullmatch(name.strip()))


def is_latin(norm: str) -> bool:
    # After normalize() a name in Latin script is plain ASCII; other scripts are not.
    return norm.isascii() and any(c.isalpha() for c in norm)


def keep_city_alternate(alt: str, norm: str) -> bool:
    """Whether a town's alternate name (``norm`` its normalised form) is worth indexing."""
    return plausible_alternate(alt) and len(norm) >= 3 and is_latin(norm)


# Arabic's article as transliterations write it before a word ("Al Hudaydah", "El-Hodeidah", "Ad-Damir",
# "Ash Shihr"), once normalised: a separate word.
_ARABIC_ARTICLE = re.compile(r"(?:al|el|ar|as|ash|ad|az|an|at|ed|er|es|ez|en|et) (?=\S)")
_AL_EL = {"al": "el", "el": "al"}
ARTICLE_VARIANT_POPULATION = 50_000  # towns this large get the variants below
ARTICLE_VARIANT_COMMON_ZIPF = 3.0  # a name without its article as frequent as this is an English word ("Charge")
ARTICLE_VARIANT_SIMILARITY = 0.6  # how like the town's own name a spelling without its article must be


def arabic_article_variants(norms: Iterable[str], own: str) -> set[str]:
    """The spellings English news writes for an Arabic town (``own``, its normalised name; ``norms``, its
    normalised names) that GeoNames lists only with the article, or with the article's other vowel:

    - the article dropped: "el hodeidah" gives "hodeidah", "al qaim" "qaim" (English prose drops it more
      often than not). A one-word result must not be a common English word (Zipf 3 or more: "charge"
      from "El Charge", a German spelling of Kharga) and must be the town's own name without its article
      or a word English text uses (wordfreq knows it) spelled much like it ("hodeidah" beside "hudaydah";
      not "halil", "El Halil", for Hebron);
    - "al" for "el" and back: "deir el balah" gives "deir al balah".

    Results of fewer than four letters are left out ("ain"), as are the names the town has already."""
    names = set(norms)
    bare_own = _without_article(own)
    found: set[str] = set()
    for norm in names:
        words = norm.split()
        if any(w in _AL_EL for w in words[:-1]):
            found.add(" ".join(_AL_EL.get(w, w) if i < len(words) - 1 else w for i, w in enumerate(words)))
        bare = _without_article(norm)
        if bare == norm or len(bare.replace(" ", "")) < 4:
            continue
        if " " in bare:
            found.add(bare)
            continue
        zipf = _english_zipf(bare)
        if zipf < ARTICLE_VARIANT_COMMON_ZIPF and (
            bare == bare_own
            or (zipf > 0 and difflib.SequenceMatcher(None, bare, bare_own).ratio() >= ARTICLE_VARIANT_SIMILARITY)
        ):
            found.add(bare)
    return found - names


def _without_article(norm: str) -> str:
    article = _ARABIC_ARTICLE.match(norm)
    return norm[article.end() :] if article else norm


@lru_cache(maxsize=4096)
def _english_zipf(word: str) -> float:
    """How often English text uses ``word`` (wordfreq's large list: it knows "hodeidah", the small one does not)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en", wordlist="large"))


def plausible_alternate(alt: str) -> bool:
    """The tests of ``keep_city_alternate`` that need no normalised form: cheap, so a build runs them before
    normalising (most alternates are in other scripts, which have no capitals, and fail here)."""
    # All-lowercase alternates are machine transliterations ("trabls",
    # "de li bo li"); long ones and codes ("TIP") are noise.
    if len(alt) > 60:
        return False
    capitals = alt != alt.lower() if alt.isascii() else any(c.isupper() for c in alt)
    return capitals and not is_code(alt)


# --------------------------------------------------------------------------
# Demonyms and facility names
# --------------------------------------------------------------------------

_INVARIANT_DEMONYM = ("ese", "ss", "sh", "nch", "tch", "ic", "x", "z", "sy", "s")

_AIR_BASE = re.compile(r"\b(air ?base|air force base|air station|afb)\b", re.IGNORECASE)
_AIR_BASE_CS = re.compile(r"\bAB\b")
_GENERIC = re.compile(
    r"\b(international|intl|regional|municipal|domestic|airport|airfield|air field|air ?base|"
    r"air force base|afb|naval air station|air station|aerodrome|airstrip|air ?park|nas|raf)\b",
    re.IGNORECASE,
)
_PARENS = re.compile(r"\([^)]*\)")


def plural(demonym: str) -> str | None:
    """The plural of a demonym ("Libyans"), or None if invariant ("Swiss", "Chinese")."""
    if " and " in demonym or demonym.lower().endswith(_INVARIANT_DEMONYM):
        return None
    return demonym + "s"


def is_air_base(name: str) -> bool:
    """A facility name that says it is a military airfield ("Al-Watiya Air Base", "Incirlik AB")."""
    return bool(_AIR_BASE.search(name) or _AIR_BASE_CS.search(name))


def airport_core(name: str) -> str:
    """A facility name without its generic words: "Misrata International Airport" -> "Misrata"."""
    core = _GENERIC.sub(" ", _AIR_BASE_CS.sub(" ", _PARENS.sub(" ", name)))
    return " ".join(core.split()).strip(" -/,&")


# --------------------------------------------------------------------------
# Importance and distance
# --------------------------------------------------------------------------


# The one prior for places that share a name. ``prominence`` is what the resolver scores with (its weight is
# tuned there); the index orders a name's candidates by ``place_importance``: the same prior plus small
# modifiers that only the build knows (a national capital, a facility's IATA code or curated row).
_KIND_PROMINENCE = {
    "continent": 1.0,
    "country": 1.0,
    "sea": 0.9,
    "region": 0.8,
    "admin1": 0.75,
    "admin2": 0.6,
    "air base": 0.45,
    "naval base": 0.45,
    "airport": 0.4,
    "port": 0.4,
    "feature": 0.4,
    "river": 0.45,
    "lake": 0.45,
    "island": 0.45,
}
ADMIN1_FLOOR = 0.45
_FACILITY_KINDS = frozenset({"airport", "air base", "naval base", "port"})


@lru_cache(maxsize=65536)
def prominence(kind: str, population: int = 0) -> float:
    """How large or important a place is, in [0, 1]: areas by kind, towns by population.

    - continent and country 1.0; sea 0.9; region 0.8; admin2 0.6
    - admin1 0.45 to 0.75 by its people (0.75 at 25 million; 0.75 when unknown): a small province
      ranks below a large city of its name (Sofia, Manchester)
    - city 0.85 * min(1, log10(1 + population) / 7): 0.85 at ten million
    - air and naval bases 0.45; airports, ports, rivers, lakes, islands 0.4 to 0.45; features 0.4
    """
    if kind == "city":
        return min(1.0, math.log10(max(population, 0) + 1) / 7.0) * 0.85
    if kind == "admin1" and population:
        return ADMIN1_FLOOR + (_KIND_PROMINENCE["admin1"] - ADMIN1_FLOOR) * min(1.0, math.log10(population + 1) / 7.4)
    return _KIND_PROMINENCE.get(kind, 0.3)


def place_importance(
    kind: str, population: int = 0, *, capital: bool = False, iata: bool = False, curated: bool = False
) -> float:
    """The index's order for places that share a name: ``prominence`` plus 0.10 for a national
    capital, and for a facility 0.05 when curated (supplement) or 0.10 less without an IATA code.

    So "Africa" the continent outranks Mahdia (alternate name "Africa"), Moscow, Russia outranks
    Moscow, Idaho, and Washington, D.C. (a capital) outranks the state of Washington.
    """
    value = prominence(kind, population) + (0.10 if capital else 0.0)
    if kind in _FACILITY_KINDS:
        value += 0.05 if curated else (0.0 if iata else -0.10)
    return round(value, 6)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine on a sphere of radius 6371 km): the project's one distance.

    geopy's ``great_circle`` gives the same figure (a test holds them together) but costs 8 µs a call
    against 1 µs here, and the resolver calls this in its innermost loop.
    """
    p = math.pi / 180
    a = (
        math.sin((lat2 - lat1) * p / 2) ** 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    )
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))
