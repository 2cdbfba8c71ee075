"""Names and the rules about them: how a name is folded for matching, how it relates to its place, and the prior.

``normalize`` is the project's one name normaliser (the index stores names by it, the reader looks
them up by it); ``NAME_KIND_RANK`` orders the ways a name relates to a place; ``place_importance``
is the one prior for places that share a name; ``distance_km`` the one great-circle distance.
The smaller helpers here (codes, scripts, demonym plurals, the core of a facility's name) are the
tests the build and the GeoNames download apply to every name before indexing it.
"""

from __future__ import annotations

import math
import re
import unicodedata

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
_PUNCT = re.compile(r"[^\w\s]")


def normalize(name: str) -> str:
    """Fold a name for matching: case, accents, apostrophes, dots, hyphens.

    "al-Watiya", "Al Watiya" and "AL-WATIYA" give "al watiya"; "U.S." gives
    "us"; "Türkiye" gives "turkiye"; a trailing possessive goes ("Libya's").
    """
    s = name.casefold().translate(_PRE)
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
    # All-lowercase alternates are machine transliterations ("trabls",
    # "de li bo li"); short ones and codes ("TIP", "Ea") are noise.
    return len(alt) <= 60 and len(norm) >= 3 and any(c.isupper() for c in alt) and not is_code(alt) and is_latin(norm)


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


def place_importance(
    kind: str, population: int = 0, *, capital: bool = False, iata: bool = False, curated: bool = False
) -> float:
    """A prior in [0, 1] for ranking places that share a name.

    With ``p = min(1, log10(1 + population) / 8)`` (0 for none, 0.5 for 10k,
    1 for 100 million or more):

    - continent 1.0; sea (seas, oceans, straits) 0.9
    - country 0.80 + 0.15 p
    - region 0.75; feature, river, lake, island 0.6
    - admin1 0.30 + 0.30 p; admin2 0.25 + 0.25 p
    - city 0.10 + 0.60 p, plus 0.10 for a national capital
    - airport, air base, naval base, port: 0.45 when curated (supplement),
      else 0.30 with an IATA code and 0.20 without

    So "Africa" the continent outranks Mahdia (alternate name "Africa"),
    Moscow, Russia outranks Moscow, Idaho, and Washington, D.C. outranks the
    state of Washington.
    """
    p = min(1.0, math.log10(1 + max(population, 0)) / 8)
    if kind == "continent":
        return 1.0
    if kind == "sea":
        return 0.9
    if kind == "country":
        return round(0.80 + 0.15 * p, 6)
    if kind == "region":
        return 0.75
    if kind in ("feature", "river", "lake", "island"):
        return 0.6
    if kind == "admin1":
        return round(0.30 + 0.30 * p, 6)
    if kind == "admin2":
        return round(0.25 + 0.25 * p, 6)
    if kind == "city":
        return round(0.10 + 0.60 * p + (0.10 if capital else 0.0), 6)
    if curated:
        return 0.45
    return 0.30 if iata else 0.20


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
