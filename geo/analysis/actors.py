"""Actors: people, organisations, armed forces and groups, states and outlets.

Built from the named entities and resolved place mentions of one article:
- people (PERSON entities): "Haftar" merges into "Khalifa Haftar", titles dropped;
- organisations (ORG): an acronym merges into the name it abbreviates
  ("LNA" = "Libyan National Army"); names with Army/Forces/Navy are armed
  forces, a name followed by "paramilitaries", "militia", "fighters"... an armed group;
- outlets: any entity in ``geo/data/outlets.csv``, or named on a "Source:" line;
- states: a country becomes an actor when one of its mentions acts (subject,
  possessor: "Russia was seeking", "Türkiye's military") or its name or demonym
  qualifies an actor noun ("US forces", "Russian President", "British forces").
Finally every actor's names are swept over the whole text (headline included),
so each mention of an actor is found, not only the ones the model labelled, and
two references are resolved: "the latter"/"the former" to the last/second-last
actor named before it in the paragraph, and a lower-case "the army", "the
military", "the armed forces" to the article's army when it names exactly one
(an armed force called "... Army" or "... Armed Forces", named earlier).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.resources import files

from geo.analysis.spanindex import SpanIndex
from geo.types import Actor, ActorType, Mention, Passage, Resolution, Span

DATA = files("geo") / "data"
TITLES = re.compile(
    r"^((President|Prime Minister|Minister|General|Gen\.|Field Marshal|Marshal|Colonel|Col\.|Commander|"
    r"Admiral|Adm\.|Lieutenant|Lt\.|Major|Maj\.|Captain|Capt\.|Sergeant|Sheikh|King|Queen|Prince|Princess|"
    r"Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Prof\.?|Sir|Senator|Sen\.|Rep\.|Governor|Gov\.|Mayor|Chancellor|Ambassador|"
    r"Envoy|Secretary|Pope|Emir|Crown Prince|Marshal|Spokesman|Spokeswoman|Spokesperson)\s+)+"
)
# The last word of a body's name ("... Liberation Front", "... Workers' Party"), never of a person's.
_BODY_LAST_WORD = re.compile(
    r"\b(Front|Party|Movement|Council|Army|Forces|Ministry|Committee|Union|Association|Group|Brigades?|"
    r"Organi[sz]ation|Agency|Institute|Commission|Coalition|Alliance|League|Federation|Corps|Militia|"
    r"Government|Parliament|Assembly|Authority|Department)$"
)
_ARMED_FORCE_WORDS = re.compile(r"\b(Army|Armed Forces|Forces|Navy|Air Force|Military|Guard|Marines|Coast Guard)\b")
_ARMED_GROUP_WORDS = re.compile(r"\b(Militia|Brigades?|Battalion|Front|Group|Legion|Jihad|Mujahideen)\b")
# Nouns that, right after a name, make it an armed group ("Wagner paramilitaries").
_ARMED_GROUP_NOUNS = frozenset(
    {
        "paramilitary",
        "paramilitaries",
        "militia",
        "militias",
        "mercenary",
        "mercenaries",
        "fighter",
        "fighters",
        "rebel",
        "rebels",
        "militant",
        "militants",
        "insurgent",
        "insurgents",
        "gunmen",
    }
)
# Nouns that make the state behind a name or demonym an actor ("US forces", "Russian President").
ACTOR_NOUNS = frozenset(
    {
        "force",
        "forces",
        "troop",
        "troops",
        "army",
        "military",
        "navy",
        "warship",
        "warships",
        "government",
        "president",
        "minister",
        "official",
        "officials",
        "envoy",
        "diplomat",
        "ambassador",
        "leader",
        "authority",
        "authorities",
        "embassy",
        "ministry",
        "soldier",
        "soldiers",
        "jet",
        "jets",
        "drone",
        "drones",
        "intelligence",
        "administration",
        "delegation",
        "spokesman",
        "spokeswoman",
        "parliament",
        "commander",
        "backing",
        "support",
        "mercenary",
        "mercenaries",
        "company",
        "companies",
        "paramilitary",
    }
)
# Lower-case words for a person's office or role: a name right after one ("government spokeswoman Yolande
# Makolo", "opposition leader María Corina Machado") or in an apposition that is one ("Amara Okonjo, the
# foreign minister,") is a person, whatever the small model's label. The person roles of the claims
# layer's ROLES (claims.py), less the words that also qualify a body ("official Xinhua", "chair").
PERSON_ROLES = frozenset(
    "president premier minister spokesman spokeswoman spokesperson senator governor mayor chancellor "
    "commander ambassador envoy secretary candidate nominee chairman chairwoman director leader "
    "congressman congresswoman lawmaker prosecutor judge".split()
)
_ROLE_BEFORE = re.compile(r"\b(?i:" + "|".join(sorted(PERSON_ROLES)) + r")(?:'s|’s)?,?\s+$")
# A person's title right before the name, outside it ("Maj. Gen. Yahya Saree", "Ms. Okonjo"), or opening
# it; within the name only titles no firm's name opens with ("General Motors", "Prince Hotels").
_TITLE_BEFORE = re.compile(r"(?<![\w.])" + TITLES.pattern.removeprefix("^(").removesuffix(")+") + r"$")
_TITLE_INSIDE = re.compile(
    r"^(President|Prime Minister|Minister|Gen\.|Field Marshal|Col\.|Adm\.|Lt\.|Maj\.|Capt\.|Sheikh|"
    r"Mr\.?|Mrs\.?|Ms\.?|Dr\.|Prof\.|Sen\.|Rep\.|Gov\.|Senator|Governor|Mayor|Chancellor|Ambassador)\s+"
)
# ", the foreign minister,", ", the party's leader": the role word heads the apposition (no "whose", "of",
# "that" before it: "Hamas, the group whose leader ...").
_APPOSED_ROLE = re.compile(
    r"^,\s+(?:the|a|an|its|his|her|their)\s+((?:[\w'’.-]+\s+){0,4}?)(" + "|".join(sorted(PERSON_ROLES)) + r")\b"
    r"(?=\s*[,.;:)]|\s+(?:of|for|at|in|to|with|from|on)\b)"  # and ends there (not ", the candidate boasted")
)
_NOT_IN_APPOSED_TITLE = frozenset({"whose", "which", "that", "of", "with", "who", "where", "and"})
# Platforms and apps a statement is posted on, not bodies that speak as "the group" ("said in a post on
# Telegram"): a short hand-kept list of the social and messaging services wire copy names as channels.
# One that acts itself ("Facebook said it removed the posts", "Telegram's founder") stays a body.
PLATFORMS = frozenset(
    {
        "Telegram", "WhatsApp", "Twitter", "X", "Facebook", "Instagram", "YouTube", "TikTok", "Truth Social",
        "WeChat", "Weibo", "VKontakte", "Bluesky",
    }
)  # fmt: skip
_ACTOR_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "agent"})
_STATE_KINDS = frozenset({"country"})
_TOWN_OR_AREA_KINDS = frozenset({"city", "admin1", "admin2", "region", "island"})


@dataclass(slots=True)
class _Draft:
    name: str
    type: ActorType
    aliases: set[str] = field(default_factory=set)
    spans: set[tuple[int, int]] = field(default_factory=set)
    place_id: str | None = None


@lru_cache(maxsize=1)
def outlets() -> dict[str, str]:
    """Normalised outlet name or alias -> canonical outlet name, from geo/data/outlets.csv."""
    table: dict[str, str] = {}
    with (DATA / "outlets.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for name in [row["name"], *filter(None, row["aliases"].split("|"))]:
                table[_key(name)] = row["name"]
    return table


def find_actors(
    text: str,
    passages: tuple[Passage, ...],
    entities: tuple[Mention, ...],
    resolutions: tuple[Resolution, ...],
    source: str | None = None,
) -> tuple[Actor, ...]:
    """The actors of one article, aliases merged, with all their mentions."""
    drafts: dict[str, _Draft] = {}
    place_spans = SpanIndex((r.mention.start, r.mention.end) for r in resolutions)
    # A name the gazetteer read as a town or an area of that very name in this article is that place at its
    # other mentions too, not a body ("captured Matupi ... Matupi said" with one of them tagged ORG); not a
    # building ("the White House", "the Pentagon" speak) nor a name read as another's ("White House" as
    # Casablanca). A platform statements are posted on is no body either.
    platforms = [e for e in entities if _platform(e.text)]
    channels = {e.text for e in platforms} - {e.text for e in platforms if e.dep in _ACTOR_DEPS}
    place_names = {
        _key(r.mention.text)
        for r in resolutions
        if r.place.kind in _TOWN_OR_AREA_KINDS and _key(r.mention.text) == _key(r.place.name)
    }
    named = [
        e
        for e in entities
        if not place_spans.overlaps(e.start, e.end)
        and not (e.label in ("ORG", "NORP") and (_key(e.text) in place_names or e.text in channels))
    ]
    _add_states(drafts, text, resolutions)
    named = _relabelled(named, text)
    people = [e for e in named if e.label == "PERSON"]
    organisations = [e for e in named if e.label in ("ORG", "NORP")]
    outlet_names = outlets()
    for entity in entities:
        if (outlet := outlet_names.get(_key(entity.text))) is not None:
            _draft(drafts, outlet, "media").spans.add((entity.start, entity.end))
    if source and (outlet := outlet_names.get(_key(source), source)):
        _draft(drafts, outlet, "media").aliases.add(source)
    media_keys = {_key(alias) for d in drafts.values() if d.type == "media" for alias in (d.name, *d.aliases)}
    _add_people(drafts, [p for p in people if _key(p.text) not in media_keys], text)
    _add_organisations(drafts, [o for o in organisations if _key(o.text) not in media_keys], text)
    _sweep_aliases(drafts, text, passages)
    _resolve_references(drafts, text, passages)
    return tuple(
        Actor(
            id=slug(d.name),
            name=d.name,
            type=d.type,
            mentions=tuple(Span(s, e, text[s:e]) for s, e in sorted(d.spans)),
            place_id=d.place_id,
        )
        for d in sorted(drafts.values(), key=lambda d: (-len(d.spans), d.name))
        if d.spans
    )


@lru_cache(maxsize=65536)  # actors, outlets and claims slug the same names again and again
def slug(name: str) -> str:
    """A stable id for an actor name: "Khalifa Haftar" -> "khalifa-haftar"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "actor"


def _add_states(drafts: dict[str, _Draft], text: str, resolutions: tuple[Resolution, ...]) -> None:
    by_country: dict[str, list[Resolution]] = defaultdict(list)
    for r in resolutions:
        if r.place.kind in _STATE_KINDS:
            by_country[r.place.id].append(r)
    for place_id, mentions in by_country.items():
        acts = any(_acts(r, text) for r in mentions)
        if not acts:
            continue
        place = mentions[0].place
        draft = _draft(drafts, place.name, "state")
        draft.place_id = place_id
        for r in mentions:
            draft.spans.add((r.mention.start, r.mention.end))
            draft.aliases.add(r.mention.text)


def _acts(resolution: Resolution, text: str) -> bool:
    mention = resolution.mention
    if mention.dep in _ACTOR_DEPS or text[mention.end : mention.end + 2] in ("'s", "’s"):
        return True
    following = re.match(r"[\s\w-]{0,30}?\b([a-z]+)\b", text[mention.end : mention.end + 40])
    qualifies = mention.dep in ("amod", "compound", "nmod", "npadvmod") and mention.head.lower() in ACTOR_NOUNS
    return qualifies or bool(following and resolution.role == "demonym" and following.group(1) in ACTOR_NOUNS)


def _relabelled(entities: list[Mention], text: str) -> list[Mention]:
    """The small model's usual slips with names, mended: a body named as a person ("The Tigray
    People's Liberation Front" PERSON: its last word is a body's), a person's bare surname named as a
    body ("Dina Mufti ... Mufti said": ORG), and a person's name, often a foreign one, named as a body
    though written as a person's: after a title or role ("spokeswoman Yolande Makolo", "Maj. Gen. Yahya
    Saree"), with one in apposition ("Amara Okonjo, the foreign minister,")."""
    surnames = {e.text.split()[-1] for e in entities if e.label == "PERSON" and len(e.text.split()) > 1}
    mended = []
    for e in entities:
        if e.label == "PERSON" and _BODY_LAST_WORD.search(e.text):
            e = replace(e, label="ORG")
        elif e.label == "ORG" and (
            (" " not in e.text and e.text in surnames)
            or _written_as_person(e, text)
            or _he_or_she_next(e, text, entities)
        ):
            e = replace(e, label="PERSON")
        mended.append(e)
    # the same name elsewhere, still typed a body ("spokeswoman Yolande Makolo ... Makolo said", "Makolo's")
    people = {e.text for e in mended if e.label == "PERSON"}
    names = people | {name.split()[-1] for name in people if len(name.split()) > 1}
    return [replace(e, label="PERSON") if e.label == "ORG" and e.text in names else e for e in mended]


def _person_like(name: str) -> bool:
    """Whether a name could be a person's: a few capitalised words, no body's last word, no acronym, no outlet."""
    words = name.split()
    return not (
        _BODY_LAST_WORD.search(name)
        or name.isupper()
        or len(words) > 4
        or not all(w[:1].isupper() for w in words if w.lower() not in _NAME_PARTICLES)
        or _key(name) in outlets()
        or _platform(name)
    )


_NAME_PARTICLES = frozenset({"de", "da", "del", "al", "bin", "van", "von"})
# The next sentence of the paragraph opening with "He"/"She" ("... said Nduhungirehe. She added ...").
_NEXT_HE_OR_SHE = re.compile(r"[^\n]*?[.!?][”\"’']?\s+(?:He|She)\b")


def _he_or_she_next(entity: Mention, text: str, entities: list[Mention]) -> bool:
    """Whether a name tagged a body is the subject of its sentence and the next sentence of its paragraph
    opens with "he" or "she", with no other body named between and no person named in the paragraph up
    to it: that pronoun can only be this name's, a person's."""
    if entity.dep not in ("nsubj", "nsubjpass") or not _person_like(entity.text):
        return False
    following = _NEXT_HE_OR_SHE.match(text, entity.end, min(len(text), entity.end + 300))
    if following is None:
        return False
    # nor a person named before it in the paragraph, whom the pronoun may go back to
    paragraph = text.rfind("\n\n", 0, entity.start)
    return not any(
        (entity.end <= e.start < following.end() and e.label in ("ORG", "NORP"))
        or (paragraph < e.start < following.end() and e.label == "PERSON")
        for e in entities
    )


def _written_as_person(entity: Mention, text: str) -> bool:
    """Whether a name tagged a body is written as a person's: after a title or a person's role word, or
    opening with a title no firm's name opens with, or with a person's role in apposition."""
    if not _person_like(entity.text):
        return False
    name = entity.text
    if _TITLE_INSIDE.match(name):
        return True
    before = text[max(0, entity.start - 40) : entity.start]
    if _ROLE_BEFORE.search(before) or _TITLE_BEFORE.search(before):
        return True
    apposed = _APPOSED_ROLE.match(text[entity.end : entity.end + 80])
    if apposed is None:
        return False
    return not {w.lower() for w in apposed.group(1).split()} & _NOT_IN_APPOSED_TITLE


def _platform(name: str) -> bool:
    return re.sub(r"^(the|The)\s+", "", name) in PLATFORMS


def _add_people(drafts: dict[str, _Draft], people: list[Mention], text: str) -> None:
    names = [(p, TITLES.sub("", p.text).strip()) for p in sorted(people, key=lambda p: p.start)]
    full_names = sorted({name for _p, name in names if len(name.split()) > 1}, key=lambda n: (-len(n), n))
    surnames = [(full, full.split()[-1]) for full in full_names]  # split once, not for each bare surname
    last_seen: dict[str, str] = {}  # surname: the full name that last bore it, in text order
    for person, name in names:
        if not name:
            continue
        if len(name.split()) > 1:
            last_seen[name.split()[-1]] = name
        # A bare surname is the person last named in full with it ("Mark Dvorak … Gabe Dvorak … Dvorak said"
        # is Gabe); before any, the longest full name that has it, ties by name, never by set order.
        canonical = last_seen.get(name) or next((full for full, surname in surnames if surname == name), name)
        draft = _draft(drafts, canonical, "person")
        draft.spans.add((person.start + person.text.index(name), person.start + person.text.index(name) + len(name)))
        draft.aliases.update({name, canonical.split()[-1]})


def _add_organisations(drafts: dict[str, _Draft], organisations: list[Mention], text: str) -> None:
    names = [o.text for o in organisations]
    long_names = [n for n in names if len(n.split()) > 1]
    for org in organisations:
        # Only an upper-case name is an acronym: other names skip the look at every long name.
        canonical = (
            next((full for full in long_names if _is_acronym_of(org.text, full)), org.text)
            if org.text.isupper()
            else org.text
        )
        following = re.match(r"\s+([A-Za-z]+)", text[org.end : org.end + 30])
        if org.label == "NORP" and not following:
            continue
        draft = _draft(drafts, canonical, _organisation_type(canonical, following.group(1) if following else ""))
        if org.label == "NORP" and draft.type == "organisation":
            del drafts[_key(canonical)]  # a people or a creed, not an organisation
            continue
        draft.spans.add((org.start, org.end))
        draft.aliases.add(org.text)


def _organisation_type(name: str, next_word: str) -> ActorType:
    if next_word.lower() in _ARMED_GROUP_NOUNS or _ARMED_GROUP_WORDS.search(name):
        return "armed group"
    if _ARMED_FORCE_WORDS.search(name):
        return "armed force"
    return "organisation"


def _is_acronym_of(short: str, full: str) -> bool:
    if not short.isupper():
        return False
    letters = _capitals(short)
    return len(letters) >= 2 and letters == _initials(full)


# An article asks of each upper-case name whether it abbreviates each long name: the letters of each, once.
@lru_cache(maxsize=65536)
def _capitals(short: str) -> str:
    return re.sub(r"[^A-Z]", "", short)


@lru_cache(maxsize=65536)
def _initials(full: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w'-]*", full) if w[0].isupper())


def _sweep_aliases(drafts: dict[str, _Draft], text: str, passages: tuple[Passage, ...]) -> None:
    """Add every occurrence of every actor's names, outside metadata lines."""
    readable = SpanIndex(((p.start, p.end) for p in passages if p.kind != "metadata"), disjoint=True)
    spans = {span for d in drafts.values() for span in d.spans}  # most occurrences are these: a set says so at once
    taken = SpanIndex(spans)
    for draft in drafts.values():
        names = {draft.name, *draft.aliases}
        for name in sorted(names, key=len, reverse=True):
            if len(name) < 2:
                continue
            for span in _occurrences(name, text):
                if span not in spans and not taken.overlaps(*span) and readable.holds(*span):
                    draft.spans.add(span)
                    taken.add(*span)
                    spans.add(span)


def _occurrences(name: str, text: str) -> Iterator[tuple[int, int]]:
    """Where ``name`` stands in ``text`` as a whole word, not after or before a word character or a
    hyphen: what a pattern of the escaped name between such look-arounds finds, by ``str.find``
    (a pattern of each actor's own names, compiled anew for each article, cost more than the scan)."""
    position = text.find(name)
    while position >= 0:
        end = position + len(name)
        if (position == 0 or not _WORD_OR_HYPHEN.match(text, position - 1)) and not _WORD_OR_HYPHEN.match(text, end):
            yield position, end
            position = text.find(name, end)
        else:
            position = text.find(name, position + 1)


_WORD_OR_HYPHEN = re.compile(r"[\w-]")
# Opening with the capital or small "t" and checking the word boundary behind it, the engine skips to
# those letters (a word boundary first made it try at every character).
_LATTER = re.compile(r"[Tt](?<!\w[Tt])he (latter|former)\b")
_ARMY_REFERENCE = re.compile(r"\bthe (army|military|armed forces)\b")
_ARMY_NAME = re.compile(r"\b(Army|Armed Forces)\b")


def _resolve_references(drafts: dict[str, _Draft], text: str, passages: tuple[Passage, ...]) -> None:
    """ "the latter" -> the last actor named before it in its paragraph; "the army" -> the one army."""
    readable = [p for p in passages if p.kind == "paragraph"]
    taken = {span for d in drafts.values() for span in d.spans}
    named = sorted((s, e, key) for key, d in drafts.items() for s, e in d.spans)
    for match in _LATTER.finditer(text):
        paragraph = next((p for p in readable if p.start <= match.start() < p.end), None)
        if paragraph is None:
            continue
        recent: list[str] = []
        for s, _e, key in reversed(named):
            if paragraph.start <= s < match.start() and key not in recent:
                recent.append(key)
        index = 0 if match.group(1) == "latter" else 1
        if len(recent) >= 2:
            drafts[recent[index]].spans.add(match.span())
    armies = [d for d in drafts.values() if d.type == "armed force" and _ARMY_NAME.search(d.name)]
    if len(armies) != 1 or not armies[0].spans:
        return
    army = armies[0]
    first = min(army.spans)[0]
    for match in _ARMY_REFERENCE.finditer(text):
        span = match.span()
        inside = any(p.start <= span[0] < p.end for p in readable)
        if span[0] > first and inside and not any(span[0] < e and s < span[1] for s, e in taken):
            army.spans.add(span)


def _draft(drafts: dict[str, _Draft], name: str, kind: ActorType) -> _Draft:
    key = _key(name)
    if key not in drafts:
        drafts[key] = _Draft(name=name, type=kind, aliases={name})
    elif _TYPE_RANK[kind] > _TYPE_RANK[drafts[key].type]:
        drafts[key].type = kind
    return drafts[key]


_TYPE_RANK: dict[str, int] = {
    "organisation": 0,
    "person": 1,
    "armed force": 2,
    "armed group": 2,
    "state": 3,
    "media": 4,
}


@lru_cache(maxsize=65536)
def _key(name: str) -> str:
    return slug(re.sub(r"^(the|The)\s+", "", name))


def mentions_in(actors: Iterable[Actor], start: int, end: int) -> list[Actor]:
    """The actors mentioned between ``start`` and ``end``."""
    return [a for a in actors if any(start <= m.start and m.end <= end for m in a.mentions)]
