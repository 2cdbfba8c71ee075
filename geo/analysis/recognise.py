"""Recognise place and actor names: spaCy entities plus gazetteer phrase matches.

The small spaCy model finds most names but often labels them wrongly
(a city as PERSON, an air base as ORG), so every entity span of any label is
checked against the gazetteer, and a phrase matcher finds gazetteer names the
model missed ("Misrata air base"). Spans are cleaned of a leading "the" and a
trailing possessive. Metadata lines are skipped; in a title-case headline only
gazetteer matches count, because the model's entities there are unreliable.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

import numpy as np
from spacy.attrs import IDX, IS_ALPHA, IS_LOWER, LENGTH, ORTH
from spacy.tokens import Doc, Span, Token

from geo.analysis.spanindex import SpanIndex
from geo.gazetteer import Gazetteer
from geo.types import CONTAINER_KINDS, Candidate, Mention, Passage

# Entity labels that never name a place or an actor.
_NUMERIC_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
# A place name inside a longer entity of these labels is part of another name
# ("Libyan" in "Libyan National Army", "Langley" in "Michael Langley").
_NAME_LABELS = frozenset({"PERSON", "ORG", "NORP", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT", "LANGUAGE"})
# Arabic and Romance articles that start a name in lower case: al-Watiya, el-Fasher, de la Rosa.
_NAME_PARTICLES = frozenset({"al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ed", "es", "de", "du", "la"})


def _after_boundary(words: str) -> str:
    """An alternation of ``words`` ("Mr|Mrs|..."), each at the start of a word: as ``\\b(?:Mr|Mrs|...)``
    matches, but each alternative opens with its first letter and checks the boundary behind it. A
    pattern that opens so lets the engine skip to the characters that can start a match (a lookahead
    or a word boundary first makes it try at every character: the scans are most of _Evidence's cost)."""
    return "(?:" + "|".join(f"{w[0]}(?<!\\w{w[0]}){w[1:]}" for w in words.split("|")) + ")"


# "in Greer", "near Clinton": the article uses the word as a place (a place cue below, of these words,
# not before another capitalised word).
_LOCATIVE_WORDS = frozenset({"in", "near", "outside", "around", "throughout"})
_CAPITAL_AFTER = re.compile(r"[ \t]+[A-Z]")
_POSSESSIVE = re.compile(r"['’]s\b")
# "Mr. Welch", "President Obama", "coach Ripley": a title makes the next word a person's name.
_TITLE_BEFORE = re.compile(
    _after_boundary(
        "Mr|Mrs|Ms|Miss|Dr|Sen|Rep|Gov|Lt|Sgt|Capt|Cpl|Det|Col|Gen|Maj|Rev|Prof|Judge|Justice|President"
        "|Senator|Governor|Mayor|Officer|Deputy|Sheriff|Chief|Commissioner|Councilman|Councilwoman|Trooper"
        "|Coach|coach|Father|Sister|Brother|Pastor|Bishop|Principal|Superintendent|Director|Secretary"
    )
    + r"\.?[ \t]+(?:[A-Z]\.[ \t]+)?([A-Z][a-z]+)\b"
)
# A capitalised word right after: the name goes on ("Commissioner Gary", "North Cooper").
# A town's name before one of these words names the town's own institution ("Newark Police").
_INSTITUTION_WORDS = frozenset(
    "Police Fire Sheriff Mayor City Town Township Village County Council Chamber Public Regional Metropolitan Area"
    " District Volunteer High Middle Airport Municipal Community Memorial Recreation".split()
)
# The last word of a public body's or a civic institution's name ("Litchfield Superior Court",
# "Canaan Board of Finance" ends otherwise and is not one).
_INSTITUTION_HEADS = frozenset(
    "Department Court Council Board Commission Committee Society Library Club Foundation Authority Association"
    " Agency Office Bureau Service Services Chamber District Commissioners Police".split()
)
_NAME_GOES_ON = re.compile(rf"[ \t]+(?!(?:{'|'.join(sorted(_INSTITUTION_WORDS))})\b)[A-Z][a-z]")
# A capitalised word (not a sentence's first, nor a compass word) right before: "Lake Vermont".
_NAME_CAME_BEFORE = re.compile(
    r"[a-z,;][ \t]+(?!(?:North|South|East|West|Central|Downtown|Historic|Greater|Old|New)\b)[A-Z][a-z]+[ \t]+$"
)
# Weaker place cues, enough to keep a name spaCy calls an organisation or person: "of Roswell", "to Bluefield".
# The cue opens with a lookahead of its first letters (frequent letters: opening with them as above costs more).
# "drones over Lahore", "the road between Amritsar and Lahore", "trucks via Beitbridge", "advanced towards
# Rafah": a place's words too. The name is a capital and small letters, accented ones too ("to Cúcuta"):
# ``_place_cues`` keeps those.
_PLACE_CUE = re.compile(
    r"(?=[inoaftbv])\b(in|near|outside|around|throughout|of|from|to|towards?|into|at|across|over|between|via)"
    r"\s+([^\W\d_]+)\b"
)
# "Lowell, Mass.": the town, a comma, then the state.
_AFTER_TOWN = re.compile(r"[A-Z][\w.'’-]*,[ \t]*$")
# "Akron, Ohio": a name placed in a state, province or country.
# (Each pattern that starts at a capital opens with it and checks the word boundary behind it: see _after_boundary.)
_PLACE_IN_CONTAINER = re.compile(r"([A-Z](?<!\w[A-Z])[a-z]+),[ \t]+(?:[A-Z][a-z]*\.?[ \t]?){1,2}")
# The subject of a sentence that defines a place: "Sale is a town in Trafford", "Reading was the county
# town of Berkshire" (an encyclopaedia's opening sentence, where the name is often also a common word).
_DEFINED_PLACE = re.compile(
    r"([A-Z](?<!\w[A-Z])[a-z]+(?:[ \t]+[A-Z][a-z]+)*)[ \t]+(?:is|was)[ \t]+(?:a|an|the)[ \t]+(?:[\w-]+[ \t]+){0,4}?"
    r"(?:city|town|village|hamlet|borough|township|suburb|municipality|port|capital|seat)[ \t]+(?:in|of|on)\b"
)
# An upper-case name opening a dateline: "CHARLESTON, W.Va.", "BEIRUT:", "SCOTT (AP)".
_DATELINE_AT = re.compile(r"[ \t]*(?:[,:(—–]|--|-\s)")
# Words that only a person's name takes: a verb of saying after it or before it at a clause's end
# ("Douglas said", "said Nelson."), "who", or a relative or a court case of its own ("Welch's mother").
# Two patterns (a name, then its cue; a verb, then the name), scanned apart, each the faster for it
# (see _after_boundary); ``_speakers`` takes their matches as one pattern of the two alternatives would.
_SPEAKER_BEFORE_CUE = re.compile(
    r"([A-Z](?<!\bof [A-Z])(?<!\bfrom [A-Z])(?<!\bin [A-Z])(?<!\bnear [A-Z])(?<!\bat [A-Z])(?<!\w[A-Z])[a-z]+)"
    r"(?:[ \t]+(?:said|says|told|added|explained|noted|stated|testified|recalled|declined|believes|believed)\b"
    r"|,[ \t]+who\b|['’]s?[ \t]+(?:wife|husband|daughter|son|mother|father|stepfather|stepmother"
    r"|brother|sister|parents|family|lawyer|lawyers|attorney|attorneys|trial|arrest|sentencing|funeral)\b)"
)
# One pattern a verb, each opening with the verb (the engine finds a literal opening fastest).
_CUE_BEFORE_SPEAKER = tuple(
    re.compile(rf"{verb}(?<!\w{verb})[ \t]+([A-Z][a-z]+)[ \t]*[.,]") for verb in ("said", "says", "told")
)
# Offices and followings named after a person: "the Obama administration", "Clinton aides".
_OFFICE_AFTER = re.compile(
    r"[ \t]+(?:administration|presidency|campaign|era|doctrine|aides?|camp|supporters|loyalists)\b"
)
# A title's abbreviation (plural too) before a person's name: "Sens. Byrd", "Reps. Ford" (Sens is a French town).
_TITLE_AT = re.compile(
    r"(?:Sens?|Reps?|Govs?|Gens?|Drs?|Messrs|Mmes|Profs?|Lts?|Sgts?|Capts?|Cols?|Majs?|Revs?|Dets?)\."
    r"[ \t]+(?:[A-Z]\.[ \t]+)?[A-Z]"
)
# "The City Council", "the Town of Edwardsville": a settlement's generic word is a common noun, not a name.
_GENERIC_SETTLEMENT = re.compile(r"(?:the|The|THE)[ \t]+(?:City|Town|Village|Township|Borough|County|Parish)")
_CALENDAR = frozenset(
    w.lower() for w in (*calendar.month_name[1:], *calendar.month_abbr[1:], *calendar.day_name, *calendar.day_abbr)
)
_NEWSPAPER_AFTER = re.compile(
    r"[ \t]+(?:Post|Times|Herald|Journal|Tribune|Gazette|Chronicle|Examiner|Courier|Observer|Register|Inquirer"
    r"|Sentinel|Dispatch|Star-Ledger|Daily News|News|Free Press|Bee)\b"
)
_FIRM_JOIN = re.compile(r"[ \t]*&")
_FIRM_JOIN_BEFORE = re.compile(r"&[ \t]*$")
_THE_BEFORE = re.compile(r"\b(?:the|The)[ \t]+$")
_BUILDING_LABELS = frozenset({"ORG", "FAC"})
# Verbs of war whose object is a place, hardly ever a firm or a person ("shelled Kadugli", "stormed Qaim"; not
# "attacked", "captured" or "fled", which take people and firms too): a one-word name spaCy calls an
# organisation or a person is used as a place there ("raided Qalqilya and Tulkarm": a list's names too). The
# resolver reads these and a few more (``resolve._PLACE_OBJECT_VERBS``).
SIEGE_VERBS = frozenset(
    "shell bomb bombard besiege storm overrun encircle invade occupy liberate retake recapture evacuate raid".split()
)
_LEADING_ARTICLE = re.compile(r"^(the|The|THE)\s+")
_TRAILING_POSSESSIVE = re.compile(r"(['’]s|['’])$")
_EDGE_PUNCTUATION = "\"“”‘’'()[]{},.;:!?«»-–—"
# Parts of speech a one-word place name can have; rules out "Such", "It", "Speaking".
_NAME_POS = frozenset({"PROPN", "NOUN", "ADJ", "X"})
# Dotted abbreviations: "U.S.", "S.C.", "Kan.", "W.Va".
_ABBREVIATION = re.compile(r"(?:[A-Za-z]{1,4}\.)+[A-Za-z]{0,4}")
_DATELINE_PUNCT = frozenset({":", "-", "--", "—", "–", ","})
# Generic words that make a place name part of a street's or a building's name.
_STREET_AFTER = re.compile(
    r"[ \t]+(Street|St\b\.?|Road|Rd\b\.?|Avenue|Ave\b\.?|Drive|Dr\b\.?|Boulevard|Blvd\b\.?|Lane|Ln\b\.?"
    r"|Parkway|Pkwy\b\.?|Highway|Hwy\b\.?|Pike|Turnpike|Freeway|Expressway|Place|Court|Circle|Terrace|Trail"
    r"|Way|Square|Plaza|Stadium|Arena|Mall|Hospital|Cemetery|School|Elementary|High\s+School|Middle\s+School"
    r"|University|College|Church)\b"
)


@dataclass(frozen=True, slots=True)
class Recognition:
    """Place mentions (with gazetteer candidates) and every named entity."""

    places: tuple[Mention, ...]
    entities: tuple[Mention, ...]


def recognise(doc: Doc, passages: tuple[Passage, ...], gazetteer: Gazetteer, text: str | None = None) -> Recognition:
    """Find the place mentions and named entities of ``doc``'s text (``text``, when the caller has it)."""
    # ``doc.text`` joins every token's text anew on each access (a fifth of recognition's cost):
    # read it once, or not at all when the caller holds the text the Doc was parsed from.
    text = doc.text if text is None else text
    prose = [p for p in passages if p.kind != "metadata"]
    titles = [p for p in prose if p.kind == "title" and _title_case(text[p.start : p.end])]
    in_prose = SpanIndex(((p.start, p.end) for p in prose), disjoint=True)
    in_titles = SpanIndex(((p.start, p.end) for p in titles), disjoint=True)
    ents = doc.ents  # a new tuple of new Spans on every access: read once, here and for the evidence
    entities = tuple(
        mention
        for ent in ents
        if ent.label_ not in _NUMERIC_LABELS
        and in_prose.holds(ent.start_char, ent.end_char)
        and not in_titles.holds(ent.start_char, ent.end_char)
        and (mention := _clean_entity(text, ent)) is not None
    )
    by_span: dict[tuple[int, int], Mention] = {}
    for entity in entities:
        candidates = tuple(gazetteer.lookup(entity.text))
        if candidates:  # ``replace`` reads the dataclass's fields each time: the Mention made directly
            by_span[(entity.start, entity.end)] = Mention(
                entity.start, entity.end, entity.text, entity.label, candidates, entity.dep, entity.head
            )
    names = _NameIndex(entities, text)
    for mention in _phrase_matches(doc, text, prose, gazetteer):
        if names.holds_longer(mention):
            continue
        by_span.setdefault((mention.start, mention.end), mention)
    evidence = _Evidence.of(doc, text, entities, ents)
    mentions = (_with_abbreviation_dot(m, text) for m in _longest_first(by_span.values()))
    places = tuple(m for m in mentions if _reads_as_place(m, text, evidence))
    return Recognition(places=_trust_headlines(places, titles), entities=entities)


@dataclass(frozen=True, slots=True)
class _Evidence:
    """What the whole article says about its words, for telling names from common words."""

    lower_words: _LowerWords  # words the article also writes in lower case ("police")
    person_words: frozenset[str]  # words of multi-word person names ("Ripley" in "Kristina Ripley")
    numeric: SpanIndex  # character spans of dates, times, numbers
    place_words: frozenset[str]  # names the article uses as places: spaCy GPE/LOC, or after "in"
    located: frozenset[str]  # names the article clearly uses as places: GPE, "in X", "X, Ohio", "X is a town in"
    person_starts: frozenset[int]  # where spaCy's person names start ("Stewart Chamberlain")
    diseases: frozenset[str]  # words of names the article gives a disease ("West Nile" in "West Nile virus")
    speakers: frozenset[str]  # one-word names the article treats as a person's ("Douglas said", "Welch's mother")
    organisation_starts: frozenset[int]  # where spaCy's names of public bodies start ("Athens Police Department")

    @classmethod
    def of(
        cls, doc: Doc, text: str, entities: Iterable[Mention] = (), spans: Sequence[Span] | None = None
    ) -> _Evidence:
        ents = doc.ents if spans is None else spans  # a new tuple of new Spans on every access: read once
        labelled = [(e.label_, e) for e in ents]  # ``label_`` is a string store lookup: once an entity
        gpe = {e.text for label, e in labelled if label == "GPE"}
        place_cues = [
            (m.group(1), name, m.end())
            for m in _PLACE_CUE.finditer(text)
            if (name := m.group(2))[0].isupper() and name[1:].islower()
        ]
        # No two cues overlap, so the cues of locative words not before another capitalised word are
        # where a pattern of those alone would match.
        # Nor before a possessive: "a role in Machado's citizenship" names the person, not the town.
        locative = {
            name
            for cue, name, end in place_cues
            if cue in _LOCATIVE_WORDS and not _CAPITAL_AFTER.match(text, end) and not _POSSESSIVE.match(text, end)
        }
        defined = {m.group(1) for m in _DEFINED_PLACE.finditer(text)}
        return cls(
            lower_words=_LowerWords(doc),
            person_words=frozenset(
                {
                    t.text
                    for label, e in labelled
                    if label == "PERSON" and len(e) > 1 and not any(t.text in _INSTITUTION_WORDS for t in e)
                    for t in e
                    if t.is_title
                }
                | {m.group(1) for m in _TITLE_BEFORE.finditer(text)}
            )
            - locative,
            numeric=SpanIndex(
                ((e.start_char, e.end_char) for label, e in labelled if label in _NUMERIC_LABELS), disjoint=True
            ),
            place_words=frozenset(
                gpe
                | {e.text for label, e in labelled if label == "LOC"}
                | {name for _cue, name, _end in place_cues}
                | _listed_with(doc, place_cues)
                | defined
            ),
            located=frozenset(gpe | locative | defined | {m.group(1) for m in _PLACE_IN_CONTAINER.finditer(text)}),
            person_starts=frozenset(e.start_char for label, e in labelled if label == "PERSON"),
            diseases=frozenset(w for m in _DISEASE.finditer(text) for w in m.group(1).split()),
            speakers=_speakers(text),
            organisation_starts=frozenset(
                e.start for e in entities if e.label == "ORG" and e.text.rsplit(None, 1)[-1] in _INSTITUTION_HEADS
            ),
        )


def _listed_with(doc: Doc, place_cues: Iterable[tuple[str, str, int]]) -> set[str]:
    """The names listed with one a place cue comes before: "in Maracaibo and Cabimas", "from Sabha, Ubari
    or Ghat" (the parse's conjuncts, so not "in Paris and Smith said")."""
    listed: set[str] = set()
    for _cue, name, end in place_cues:
        if (span := doc.char_span(end - len(name), end)) is not None:
            listed.update(t.text for t in span.root.conjuncts if t.is_title)
    return listed


def _speakers(text: str) -> frozenset[str]:
    """The names the cues of a person's name find, left to right, as one pattern of the alternatives
    would: a match is taken unless it starts inside the one before. Each pattern finds all its own
    matches (none holds the start of another: a capital or a verb opens each, and only one)."""
    found = sorted(
        (m.start(), m.end(), m.group(1))
        for pattern in (_SPEAKER_BEFORE_CUE, *_CUE_BEFORE_SPEAKER)
        for m in pattern.finditer(text)
    )
    names: set[str] = set()
    taken_to = 0
    for start, end, name in found:
        if start >= taken_to:
            names.add(name)
            taken_to = end
    return frozenset(names)


class _LowerWords:
    """The words ``doc`` writes in lower case, asked one at a time: read from its arrays (a walk over
    its tokens makes a Python object of each) at the first question, and kept as the hashes spaCy
    keeps its words by (making the string of each cost more than hashing the words asked)."""

    __slots__ = ("_doc", "_hashes")

    def __init__(self, doc: Doc) -> None:
        self._doc = doc
        self._hashes: frozenset[int] | None = None

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word:
            return False
        if self._hashes is None:
            words = self._doc.to_array([ORTH, IS_LOWER, IS_ALPHA])
            self._hashes = frozenset(words[(words[:, 1] != 0) & (words[:, 2] != 0), 0].tolist())
        return bool(self._doc.vocab.strings[word] in self._hashes)


def _with_abbreviation_dot(mention: Mention, text: str) -> Mention:
    """spaCy splits "Alta." into "Alta" and "."; a division's abbreviation keeps its full stop."""
    if text[mention.end : mention.end + 1] == "." and any(
        c.name_kind == "abbreviation" and c.place.kind == "admin1" for c in mention.candidates
    ):
        return replace(mention, end=mention.end + 1, text=mention.text + ".")
    return mention


def _reads_as_place(mention: Mention, text: str, evidence: _Evidence) -> bool:
    """General reasons a name that the gazetteer knows is not a place here.

    - it has no capital letter ("the west bank of the Potomac");

    - it lies inside a date or number and is a month's or a day's name or not its first word
      ("March", "Thursday");
    - it is one word of a person's name used elsewhere in the article
      ("Ripley" after "Kristina Ripley"), and not a country or state;
    - a gazetteer-only match of one word the article also writes in lower case ("Police");
    - it begins a street or building name ("Shamrock Street", "Cairo Stadium");
    - spaCy calls it an organisation or person ("Toyota", "Bell"), it can only be a town, and the
      article never uses it as a place (a GPE/LOC entity, "in/of/from/to X", an upper-case dateline).
    """
    if not any(ch.isupper() for ch in mention.text):
        return False  # "the west bank of the river", "the east bank": words, not the West Bank
    one_word = " " not in mention.text
    if one_word and any(
        s < mention.start or mention.text.lower() in _CALENDAR
        for s, _ in evidence.numeric.holders(mention.start, mention.end)
    ):
        return False  # "March 5", "last Thursday"; not "Toulouse" in "Toulouse last week"
    areas = any(c.place.kind in CONTAINER_KINDS for c in mention.candidates)
    if one_word and mention.text in evidence.person_words and not areas:
        return False
    speaker = mention.text in evidence.speakers and mention.text not in evidence.place_words
    if one_word and mention.text in evidence.person_words and speaker:
        return False  # "Capt. Roy A. Nelson ... Nelson said": a person, though a region is named so too
    if one_word and mention.label == "GAZ" and mention.text.lower() in evidence.lower_words:
        return False
    if one_word and not areas and mention.text in evidence.speakers and mention.text not in evidence.place_words:
        return False  # "Douglas said", "Welch's mother": a person, wherever the article names them
    # A one-word match that runs on into a name or comes after one (the cheap tests first: each is
    # asked only when those before it hold), unless it opens an organisation's name (spaCy's): "the
    # Athens Police Department", "Litchfield Superior Court" place the organisation in the town.
    if (
        one_word
        and mention.label == "GAZ"
        and not areas
        and not any(c.name_kind == "demonym" for c in mention.candidates)
        and (
            _NAME_GOES_ON.match(text, mention.end)
            or _NAME_CAME_BEFORE.search(text, max(0, mention.start - 40), mention.start)
        )
        and not (
            mention.start in evidence.organisation_starts
            and not _NAME_CAME_BEFORE.search(text, max(0, mention.start - 40), mention.start)
        )
    ):
        return False
    towns_only = all(c.place.kind == "city" for c in mention.candidates)
    unattested = (
        mention.text not in evidence.place_words
        and not mention.text.isupper()  # "MAKHACHKALA --"
        and not (mention.dep == "dobj" and mention.head in SIEGE_VERBS)  # "shelled Kadugli"
    )
    if one_word and towns_only and mention.label in _NAME_LABELS and unattested:
        return False  # an organisation or person spaCy names, never used as a place in the article
    if towns_only and _STREET_AFTER.match(text, mention.end):
        return False
    if not areas and mention.end + 1 in evidence.person_starts and text[mention.end : mention.end + 1] == " ":
        return False  # a town's (or county's) name opening a person's name: "Houston Stewart Chamberlain"
    if mention.text.split()[-1] in evidence.diseases:
        return False  # "West Nile virus", and "West Nile" again in the same article: a disease
    if one_word and mention.label == "GAZ" and _glued_alternate(mention, text):
        return False  # "Wal" in "Wal-Mart": only another name of some town, glued to a word
    if (
        one_word
        and mention.label == "GAZ"
        and not areas
        and mention.text not in evidence.place_words
        and mention.text[1:].islower()  # not a dateline's capitals ("BERLIN:")
        and _SENTENCE_START.search(text, max(0, mention.start - 3), mention.start)
        and _common_word(mention.text)
    ):
        return False  # "Independence was declared": capitalised only as a sentence's first word
    if _TITLE_AT.match(text, mention.start) or _GENERIC_SETTLEMENT.fullmatch(mention.text):
        return False  # "U.S. Sens. Byrd and Rockefeller": a title; "The City Council": the article's own city
    if _NEWSPAPER_AFTER.match(text, mention.end):
        return False  # "The Washington Post", "Los Angeles Times": a newspaper's name
    if _clipped_division(mention) and not (_AFTER_TOWN.search(text, max(0, mention.start - 40), mention.start)):
        return False  # "Mass." and "Miss." name states after a town ("Lowell, Mass."), else a word or a title
    if areas or mention.text in evidence.located or mention.label == "GPE":  # not only minor places
        return True
    return not _not_a_place_word(mention, text, one_word)


def _not_a_place_word(mention: Mention, text: str, one_word: bool) -> bool:
    """A name whose only readings are towns (or counties, facilities), that the article never
    clearly uses as a place (a GPE entity, "in X", "X, Ohio"), and that reads as something else:

    - an organisation or building after "the", where every reading is a small town ("the White
      House": towns take no article);
    - one word in capitals that opens no dateline ("IRS", "HIV");
    - one word joined by "&" to another name ("Stevens & Wilkinson");
    - one word before an office named after a person ("the Obama administration");
    - one common English word ("Council", "Earth", "Vice"), by its frequency in English text.
    """
    surface = mention.text
    # Towns only (an airport only by its short name): a base takes "the" ("the al-Watiya base").
    small = all(
        (c.place.kind == "city" and (c.place.population < SMALL_TOWN or c.name_kind == "alternate"))
        or c.name_kind == "short"
        for c in mention.candidates
    )
    if (
        small
        and mention.label in _BUILDING_LABELS
        and _THE_BEFORE.search(text, max(0, mention.start - 5), mention.start)
    ):
        return True
    if not one_word:
        return False
    if _FIRM_JOIN.match(text, mention.end) or _FIRM_JOIN_BEFORE.search(text, max(0, mention.start - 4), mention.start):
        return True  # a firm's name ("Stevens & Wilkinson")
    if surface.isupper() and len(surface) > 1:
        return not _DATELINE_AT.match(text, mention.end)
    if _OFFICE_AFTER.match(text, mention.end):
        return True
    return small and _common_word(surface)


# A disease named after a place: "West Nile virus", "Ebola fever", "Rift Valley fever", "Lyme disease".
_DISEASE = re.compile(
    r"((?-i:[A-Z](?<!\w[A-Z])[\w'’-]*[ \t]+(?:[A-Z][\w'’-]*[ \t]+){0,2}))(?:\[?virus\]?|fever|disease|encephalitis)\b",
    re.IGNORECASE,
)


def _glued_alternate(mention: Mention, text: str) -> bool:
    return _HYPHEN_WORD.match(text, mention.end) is not None and all(
        c.name_kind == "alternate" for c in mention.candidates
    )


_HYPHEN_WORD = re.compile(r"-[A-Z]")
# The start of a text or of a sentence, just before a name: nothing there tells a name from a word.
_SENTENCE_START = re.compile(r"(?:\A|[.!?][\"'”’)]?\s+|\n\s*)\Z")


SMALL_TOWN = 100_000
COMMON_ZIPF = 4.0  # wordfreq's Zipf scale: 4 is once per 100,000 words ("hurricane", "delta")


def _common_word(surface: str) -> bool:
    return surface[:1].isupper() and is_common_word(surface)


def is_common_word(word: str) -> bool:
    """Whether English uses the word often, in any case ("Old", "town", "delta")."""
    return _zipf(word.lower()) >= COMMON_ZIPF


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    # The small list (29,000 words down to Zipf 3) answers ">= COMMON_ZIPF" exactly as the large one
    # (321,000 words; checked word by word) and costs each worker 4 MiB instead of 34.
    return float(zipf_frequency(word, "en", wordlist="small"))


def _clipped_division(mention: Mention) -> bool:
    surface = mention.text
    return (
        surface.endswith(".")
        and surface.count(".") == 1
        and any(c.name_kind == "abbreviation" and c.place.kind == "admin1" for c in mention.candidates)
    )


def _title_case(line: str) -> bool:
    """Most longer words capitalised: "Military Base Seized Near Tripoli" but not "Tripoli base seized"."""
    words = [w for w in re.findall(r"[^\W\d_]{4,}", line)]
    return bool(words) and sum(w[0].isupper() for w in words) * 2 > len(words)


def _trust_headlines(places: tuple[Mention, ...], titles: list[Passage]) -> tuple[Mention, ...]:
    """In a title-case headline every word is capitalised ("Military Base"), so keep only
    names the body also uses as places, and country or region names."""
    in_body = {m.text.casefold() for m in places if not _inside(m.start, m.end, titles)}
    return tuple(
        m
        for m in places
        if not _inside(m.start, m.end, titles)
        or m.text.casefold() in in_body
        or any(c.place.kind in CONTAINER_KINDS and c.name_kind in ("name", "abbreviation") for c in m.candidates)
    )


def _clean_entity(full_text: str, ent: Span) -> Mention | None:
    start, end = ent.start_char, ent.end_char
    text = full_text[start:end]
    # Strip edge punctuation, then a leading article and a trailing possessive.
    while text and text[0] in _EDGE_PUNCTUATION:
        start, text = start + 1, text[1:]
    while text and text[-1] in _EDGE_PUNCTUATION and not text.endswith("."):
        end, text = end - 1, text[:-1]
    if article := _LEADING_ARTICLE.match(text):
        start, text = start + article.end(), text[article.end() :]
    if possessive := _TRAILING_POSSESSIVE.search(text):
        end, text = end - len(possessive.group()), text[: possessive.start()]
    if not text or not any(map(str.isalpha, text)) or "\n" in text:
        return None
    root = ent.root
    # "Huntsville Fire", "Alexandria Police": the small model's person is a town's institution.
    label = "ORG" if ent.label_ == "PERSON" and any(t.text in _INSTITUTION_WORDS for t in ent) else ent.label_
    dep, head = _function(root)
    return Mention(start, end, text, label, dep=dep, head=head)


def _function(root: Token) -> tuple[str, str]:
    """The dependency relation of a name's root and the lemma it attaches to, a conjunct's taken from
    the first of its list: in "raided Qalqilya and Tulkarm" both names are the verb's objects, in
    "Russia and China signed" both are subjects."""
    while root.dep_ == "conj" and root.head is not root:
        root = root.head
    return root.dep_, root.head.lemma_


def _phrase_matches(doc: Doc, text: str, prose: list[Passage], gazetteer: Gazetteer) -> Iterable[Mention]:
    """Longest gazetteer names starting at each capitalised token, left to right."""
    longest = gazetteer.max_name_tokens
    if not len(doc) or not prose:
        return
    # Read the tokens' offsets from the Doc's arrays and make Token objects only where a name may
    # start: a walk over the Doc makes a Python object of every token (most of this stage's cost).
    # The walk over the tokens is numpy's too: each token's passage (passages are in text order), and
    # the tokens that may start a name, a superset of those ``_can_start_name`` takes (an upper-case
    # first letter is A-Z or not ASCII; a particle comes before a "-"), which it then decides.
    offsets = doc.to_array([IDX, LENGTH]).astype(np.int64)
    idx_array, length_array = offsets[:, 0], offsets[:, 1]
    ends = np.array([p.end for p in prose], dtype=np.int64)
    which = np.searchsorted(ends, idx_array, side="right")  # the first passage ending after the token starts
    clipped = np.minimum(which, len(prose) - 1)
    starts_of = np.array([p.start for p in prose], dtype=np.int64)
    inside = (which < len(prose)) & (starts_of[clipped] <= idx_array) & (idx_array + length_array <= ends[clipped])
    kept = np.flatnonzero(inside)
    if not len(kept) or not text:
        return
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)  # one a character
    readable = (length_array > 0) & (idx_array < len(codes))
    first = np.where(readable, codes[np.minimum(idx_array, len(codes) - 1)], 0)  # each token's first character
    capital = readable & (((first >= 65) & (first <= 90)) | (first >= 128))
    group = which[kept]
    same_passage = group[1:] == group[:-1]
    following = kept[1:]
    hyphen_next = np.zeros(len(kept), dtype=bool)
    hyphen_next[:-1] = same_passage & readable[following] & (length_array[following] == 1) & (first[following] == 45)
    may_start = np.flatnonzero(capital[kept] | hyphen_next).tolist()
    bounds = [0, *(np.flatnonzero(~same_passage) + 1).tolist(), len(kept)]
    starts: list[int] = idx_array.tolist()
    lengths: list[int] = length_array.tolist()
    token_order: list[int] = kept.tolist()
    c = 0
    for a, b in pairwise(bounds):
        indices = token_order[a:b]
        resume = 0
        while c < len(may_start) and may_start[c] < b:
            k = may_start[c] - a
            c += 1
            if k < resume or not _can_start_name(text, starts, lengths, indices, k):
                continue
            match = _match_at(doc, text, starts, lengths, indices[k : k + longest + 1], longest, gazetteer)
            if match is None:
                continue
            mention, width = match
            yield mention
            resume = k + width


def _match_at(
    doc: Doc,
    text: str,
    starts: list[int],
    lengths: list[int],
    indices: list[int],
    longest: int,
    gazetteer: Gazetteer,
) -> tuple[Mention, int] | None:
    """The longest gazetteer name starting at the first of ``indices`` (a passage's tokens from
    there on, one past the longest name), and its width in tokens; ``starts`` and ``lengths``: each
    token's offset and length."""
    # Grow the span while its words still begin some gazetteer name (one indexed probe a
    # word, cached), then look names up from the longest such span down.
    reach = 0
    words: list[str] = []
    for j in indices[:longest]:
        idx = starts[j]
        word = text[idx : idx + lengths[j]]
        if word.isspace() or "\n" in word:  # spaCy's is_space is str.isspace
            break
        words.append(word)
        if not gazetteer.starts_name(" ".join(words)):
            break
        reach += 1
    if not reach:
        return None
    # Token objects for the span and the word after it (_city_of_institution reads it) only.
    tokens, i = [doc[j] for j in indices[: reach + 1]], 0
    for width in range(reach, 0, -1):
        first, last = tokens[i], tokens[i + width - 1]
        if not (last.is_alpha or _ABBREVIATION.fullmatch(last.text)) or last.is_stop or not last.text[:1].isupper():
            continue
        if _TRAILING_POSSESSIVE.fullmatch(last.text):
            continue
        if any(t.text == "," for t in tokens[i + 1 : i + width]):
            continue  # "Washington, D.C." is two names, a place and its container
        if width == 1 and first.pos_ not in _NAME_POS and not _dateline(doc, first):
            continue
        start, end = first.idx, last.idx + len(last)
        surface = text[start:end]
        candidates = tuple(gazetteer.lookup(surface))
        if candidates and _city_of_institution(tokens, i, width, candidates, gazetteer):
            continue
        if candidates:
            # A one-word span's root is its word (spaCy's Span.root, unless a hook replaces it).
            root = first if width == 1 and "root" not in doc.user_span_hooks else doc[first.i : last.i + 1].root
            return Mention(start, end, surface, "GAZ", candidates, *_function(root)), width
    return None


def _city_of_institution(
    tokens: list[Token], i: int, width: int, candidates: tuple[Candidate, ...], gazetteer: Gazetteer
) -> bool:
    """ "Dublin City Council", "Alexandria City Public Schools": where "X City" is only another name
    of the place X names, "City" opens the institution's name; the place is X ("Mexico City Health
    Secretary" keeps the city's own name)."""
    if width < 2 or tokens[i + width - 1].text != "City" or i + width >= len(tokens):
        return False
    if not tokens[i + width].text[:1].isupper():
        return False
    shorter = " ".join(t.text for t in tokens[i : i + width - 1])
    other_name = {c.place.id for c in candidates if c.name_kind != "name"}  # not "Mexico City" itself
    return any(c.place.id in other_name and c.name_kind == "name" for c in gazetteer.lookup(shorter))


def _dateline(doc: Doc, token: Token) -> bool:
    """An upper-case word opening a sentence before a colon or dash: "BEIRUT: ...", "HAMILTON — ..."."""
    following = doc[token.i + 1].text if token.i + 1 < len(doc) else ""
    return bool(token.is_upper and len(token) > 2 and token.is_sent_start and following in _DATELINE_PUNCT)


def _can_start_name(text: str, starts: list[int], lengths: list[int], indices: list[int], k: int) -> bool:
    """A capitalised token, or a name particle before a hyphen ("al-Hasakah"); ``starts`` and
    ``lengths`` hold each token's offset and length, ``indices`` a passage's tokens."""
    idx = starts[indices[k]]
    if text[idx : idx + 1].isupper():
        return True
    if k + 1 >= len(indices):
        return False
    after = starts[indices[k + 1]]
    return (
        text[after : after + lengths[indices[k + 1]]] == "-"
        and text[idx : idx + lengths[indices[k]]].lower() in _NAME_PARTICLES
    )


# "Rep. Gilliard, D-Charleston": a legislator's party and hometown; the entity holds a place.
_PARTY_HOMETOWN = re.compile(r"[DRI]-[A-Z][\w.'’ -]*")
# "Victoria's Secret": a possessive inside an organisation's name makes the name before it a person's.
_OWNER_AFTER = re.compile(r"['’]s\s")


# Words after a name that make it a person's: a personal pronoun of the subject's own ("showed her
# collection", "said he"), or "is a ... hero/designer/...": organisations are "it" and "they".
_PERSON_AFTER = re.compile(
    r"[ \t]+(?:(?:\w+[ \t]+)?\w+[ \t]+(?:his|her|him|himself|herself)\b"
    r"|(?:said|says|told|added|thinks|believes)[ \t]+(?:he|she)\b"
    r"|(?:is|was|,)[ \t]+(?:a|an|the)[ \t]+(?:[\w-]+[ \t]+){0,2}(?:hero|heroine|character|man|woman|boy|girl|actor"
    r"|actress|singer|designer|star|player|writer|author|director|explorer|archaeologist|politician|lawyer)\b)"
)


class _NameIndex:
    """The entities of name labels (and facilities) by start, so a mention reads only those that may hold it."""

    def __init__(self, entities: Iterable[Mention], text: str = "") -> None:
        self._text = text
        kept = (e for e in entities if (e.label in _NAME_LABELS or e.label == "FAC") and not _PAIR.fullmatch(e.text))
        self._names = sorted(kept, key=lambda e: e.start)
        self._starts = [e.start for e in self._names]
        self._longest = max((e.end - e.start for e in self._names), default=0)

    def holds_longer(self, mention: Mention) -> bool:
        """Inside a longer name other than an organisation's: places that name an organisation
        ("Texas Department of ...", "University of Georgia", "Georgian Interior Ministry") count,
        unless the organisation is named after its owner ("Victoria's Secret", "Denver's Steakhouse");
        a facility holds a name it does not start with ("Souda Bay": not Bay)."""
        lo = bisect_left(self._starts, mention.start - self._longest)
        hi = bisect_right(self._starts, mention.start)
        return any(
            (e.label != "FAC" or e.start < mention.start)
            and not (
                e.label == "ORG" and e.start == mention.start and not self._owned(e, mention) and not self._person(e)
            )
            and not _PARTY_HOMETOWN.fullmatch(e.text[: mention.end - e.start])
            and mention.end <= e.end
            and (e.end - e.start) > (mention.end - mention.start)
            for e in self._names[lo:hi]
        )

    def _person(self, entity: Mention) -> bool:
        """An "organisation" of two words that the sentence treats as a person ("Carolina Herrera
        showed her collection", "Indiana Jones is a film hero"): the place only opens a name."""
        return len(entity.text.split()) == 2 and _PERSON_AFTER.match(self._text, entity.end) is not None

    @staticmethod
    def _owned(entity: Mention, mention: Mention) -> bool:
        return bool(_OWNER_AFTER.match(entity.text, mention.end - entity.start))


# "Conakry and Freetown", "Montevideo and Buenos Aires" as one entity (the small model does this): two
# names, not one.
_PAIR = re.compile(r"[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,2} (?:and|or) [A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,2}")


def _longest_first(mentions: Iterable[Mention]) -> tuple[Mention, ...]:
    """Drop mentions that overlap a longer one; return the rest in text order."""
    kept: list[Mention] = []
    taken = SpanIndex(disjoint=True)
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if not taken.overlaps(mention.start, mention.end):
            kept.append(mention)
            taken.add(mention.start, mention.end)
    return tuple(sorted(kept, key=lambda m: m.start))


def _inside(start: int, end: int, passages: list[Passage]) -> bool:
    return any(p.start <= start and end <= p.end for p in passages)
