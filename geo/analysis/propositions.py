"""What a claim is about, read from its words alone: the keys ``claims.link_contradictions`` compares.

Kept apart from ``geo.analysis.claims`` (and free of spaCy) because the store compares each new claim
with the stored claims of other articles by these keys: the process that writes the store reads
and writes only, and never needs the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# Words that name the same kind of thing for the purpose of "the same thing".
TOPICS: dict[str, str] = {
    **dict.fromkeys(
        ["base", "airbase", "port", "harbour", "harbor", "facility", "docking", "outpost", "foothold", "garrison"],
        "installation",
    ),
    **dict.fromkeys(["agreement", "deal", "accord", "treaty", "pact", "arrangement"], "agreement"),
    **dict.fromkeys(["troop", "force", "soldier", "fighter", "mercenary", "paramilitary", "militia"], "troops"),
    **dict.fromkeys(["attack", "strike", "raid", "bombing", "shelling", "airstrike", "assault"], "attack"),
    **dict.fromkeys(["death", "casualty", "victim", "fatality"], "casualties"),
    **dict.fromkeys(["weapon", "arm", "missile", "drone", "ammunition"], "weapons"),
}
# Nouns too general to say two claims are about the same thing.
GENERIC_NOUNS = frozenset(
    {
        "report",
        "source",
        "people",
        "country",
        "time",
        "year",
        "day",
        "week",
        "month",
        "way",
        "thing",
        "part",
        "talk",
        "statement",
        "official",
        "condition",
        "anonymity",
        "role",
        "return",
        "handful",
        "number",
        "side",
    }
)


def proposition_keys(text: str) -> frozenset[str]:
    """What a claim's words say it is about, as ``link_contradictions`` compares it (its nouns by
    singular form or topic, generic ones left out), read from the text alone: the store compares
    claims of different articles with it. Cached: a stored claim is compared again with every new
    claim about its places."""
    return _text_keys(text)


@lru_cache(maxsize=8192)
def _text_keys(text: str) -> frozenset[str]:
    return frozenset(keys_of(w.lower() for w in re.findall(r"[A-Za-z]+", text)))


def keys_of(words: Iterable[str]) -> set[str]:
    """The keys of these lower-case words: their singular form or topic, generic and short ones left out."""
    keys = set()
    for word in words:
        if (key := _word_key(word)) is not None:
            keys.add(key)
    return keys


@lru_cache(maxsize=65536)  # the claims ask for the same few thousand words again and again
def _word_key(word: str) -> str | None:
    noun = singular(word)
    if noun in GENERIC_NOUNS or len(noun) < 3:
        return None
    return TOPICS.get(noun, noun)


def singular(word: str) -> str:
    """A plain English singular ("bases" -> "base", "facilities" -> "facility")."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")) and not word.endswith(("bases", "cases", "ases")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word
