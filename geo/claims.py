"""Claims: who says what, asserting or denying, about which places.

Built on spaCy's dependency parse of the article (the ``Doc`` the pipeline
already made) and the cue lexicon in ``data/claim_cues.csv`` (cue lemma ->
stance, whether the cue itself hedges, and what it takes as its content).
Sentences come from the passages stage; title and metadata lines are skipped.
Each rule is one small function below:

1. Attribution (``_attributions``). A cue verb with a content makes a claim.
   - content: its clausal complement (``ccomp``; also ``xcomp`` and the direct
     object for cues marked ``object``: "denied the reports"), or the clause it
     interrupts ("the deal, he said, is off": ``parataxis``), or the quotation
     right next to it ("“...,” he said");
   - speaker: its subject, or the agent of a passive cue; a cue without one
     borrows the subject of the verb it is coordinated with;
   - via: an outlet (a ``media`` actor) among its other dependents ("told
     Asharq Al-Awsat", "denied to Reuters", "said in an interview with CNN");
   - "X quoted/cited Y as saying Z", "X, citing Y, reported Z": Y speaks, X relays;
   - "..., according to Y": Y speaks; the clause the phrase hangs on is the content.
   A cue verb with no content ("did not comment on the reports"), or one not yet
   spoken ("is expected to announce"), is no attribution; its sentence is
   narration (rule 3).
   Nesting: an attribution inside another's content ("“Z, according to Y,”
   reported X"; "X reported that officials said Z") is the claim, and the outer
   speaker becomes its relay.
2. Quotations (``_quoted_sentences``). A sentence inside quotation marks with no
   cue of its own keeps the speaker of its quotation's attribution (“A. B,” he
   said), or else of the previous attribution in the same or the previous
   paragraph: quotes run over sentences and paragraphs.
3. Narration (``_narration``). Any other sentence with a verb is a claim of the
   article's narrator: the source outlet when known, else "the article". Its cue
   is the main verb with its auxiliaries and negation ("did not comment").
4. Speakers (``_Resolver``). A pronoun speaker (it, they, he, she; I and we, which
   speak inside a quotation) is the
   speaker of the previous attributed claim, relay included. A speaker whose head
   word lies in an actor's mention is that actor (its id); otherwise it is the
   phrase as written, without appositions, relative and participial clauses
   ("An informed source in the Libyan National Army").
5. Stance: ``denies`` when the cue is a denial, or when an asserting cue's content
   is negated at its main verb ("stressed that the agreements don't include ...");
   narration asserts.
6. Hedging: a modal of possibility (may, might, could), a hedge word (likely,
   possibly, reportedly, ...) or "seem/appear to" in the content, or a hedging cue
   (suggest, believe, allege, ...). The words are kept in ``Claim.hedges``.
7. Places and actors: place mentions read as locations, and actor mentions,
   inside the content span.
8. Contradictions (``link_contradictions``): see its docstring.
"""

from __future__ import annotations

import csv
import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Token

from geo.actors import outlets, slug
from geo.types import NARRATOR, Actor, Claim, Passage, Resolution, Span, Stance

DATA = Path(__file__).resolve().parent.parent / "data"

# Words in the content that mark it as uncertain.
HEDGE_MODALS = frozenset({"may", "might", "could"})
HEDGE_WORDS = frozenset(
    {
        "likely",
        "unlikely",
        "possibly",
        "possible",
        "probably",
        "perhaps",
        "maybe",
        "reportedly",
        "allegedly",
        "apparently",
        "presumably",
        "purportedly",
        "supposedly",
        "seemingly",
        "unconfirmed",
        "rumoured",
        "rumored",
    }
)
HEDGE_VERBS = frozenset({"seem", "appear"})  # only with a complement: "appears to be"
COMMITMENT_AUX = frozenset({"will", "wo", "shall", "would", "'ll"})
# Pronoun speakers resolve to the previous speaker; "I think ..." inside a quote is its speaker's.
SPEAKER_PRONOUNS = frozenset({"it", "they", "he", "she", "i", "we"})
# "That explains why…", "This shows…": a demonstrative or relative subject is a fact, not a speaker.
NOT_SPEAKERS = frozenset({"that", "this", "these", "those", "which", "what"})
# Dependents left out of a speaker phrase: "An informed source in the LNA(, commanded by ...)".
_SPEAKER_DROP = frozenset({"acl", "relcl", "appos", "punct", "advcl", "parataxis"})
# A participle after the cue that says what the content is about: "..., it added, referring to X".
GLOSS_VERBS = frozenset({"refer"})
_CLAUSE_MARKS = frozenset({"that", "whether", "if"})
_QUOTES = re.compile(r"“[^”]*(?:”|$)|\"[^\"\n]*(?:\"|$)")


@dataclass(frozen=True, slots=True)
class Cue:
    """One row of the cue lexicon."""

    lemma: str
    stance: Stance
    hedged: bool
    takes: frozenset[str]  # "clause", "object", "quote", "phrase"


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, Cue]:
    """Cue lemma -> Cue, from data/claim_cues.csv."""
    with (DATA / "claim_cues.csv").open(encoding="utf-8") as handle:
        return {
            row["cue"]: Cue(
                lemma=row["cue"],
                stance="denies" if row["stance"] == "denies" else "asserts",
                hedged=row["hedged"] == "yes",
                takes=frozenset(row["takes"].split("|")),
            )
            for row in csv.DictReader(handle)
        }


@dataclass(frozen=True, slots=True)
class _Who:
    """A speaker or relay as written: its phrase and its head word."""

    start: int
    end: int
    head_start: int
    head_end: int
    pronoun: bool


@dataclass(slots=True)
class _Draft:
    start: int
    end: int
    cue: str
    cue_at: int
    stance: Stance
    hedged_by_cue: bool
    kind: str  # "attributed" | "quoted" | "narration"
    speaker: _Who | None = None
    via: _Who | None = None
    negated: bool = False
    source: _Draft | None = None  # a quoted sentence: the attribution it continues
    paragraph: int = 0  # position among the article's paragraphs
    resolved: tuple[str, str, str | None, str | None] | None = None  # speaker, text, actor, via
    hedges: list[tuple[int, int]] = field(default_factory=list)


def extract_claims(
    doc: Doc,
    text: str,
    passages: tuple[Passage, ...],
    actors: tuple[Actor, ...],
    resolutions: tuple[Resolution, ...],
    source: str | None = None,
) -> tuple[Claim, ...]:
    """Every claim of one article, in text order, ids "c1", "c2", ..., contradictions linked."""
    prose = [p for p in passages if p.kind == "paragraph"]
    quotes = _quote_regions(text, prose)
    media = [(m.start, m.end) for a in actors if a.type == "media" for m in a.mentions]
    sentences = []
    for position, passage in enumerate(prose):
        for start, end in passage.sentences:
            sentence = doc.char_span(start, end, alignment_mode="expand")
            if sentence is not None and text[start:end].strip():
                sentences.append((position, start, end, list(sentence)))
    drafts: list[_Draft] = []
    unattributed = []
    for position, start, end, tokens in sentences:
        found = _attributions(tokens, start, end, text, quotes, media)
        for draft in found:
            draft.paragraph = position
        drafts.extend(found)
        if not found:
            unattributed.append((position, start, end, tokens))
    attributed = sorted(drafts, key=lambda d: d.cue_at)
    for position, start, end, tokens in unattributed:
        quoted = _quoted_sentence(tokens, start, end, quotes, attributed, position)
        attributed.extend(quoted)  # a quote may continue over several paragraphs
        drafts.extend(quoted or _narration(tokens, start, end, text))
    drafts.sort(key=lambda d: (d.start, d.cue_at))
    resolver = _Resolver(text, actors, _narrator(source, actors))
    passage_starts = [p.start for p in passages]
    claims = []
    for number, draft in enumerate(drafts, 1):
        speaker, speaker_text, speaker_actor, via = resolver.resolve(draft, drafts)
        hedges = draft.hedges + _hedges(doc, draft)
        passage_index = _passage_at(passages, passage_starts, draft.start)
        claims.append(
            Claim(
                id=f"c{number}",
                start=draft.start,
                end=draft.end,
                text=text[draft.start : draft.end],
                speaker=speaker,
                via=via,
                cue=draft.cue,
                stance=draft.stance,
                hedged=draft.hedged_by_cue or bool(hedges),
                places=_places_in(resolutions, draft.start, draft.end),
                actors=_actors_in(actors, draft.start, draft.end),
                speaker_text=speaker_text,
                speaker_actor=speaker_actor,
                narrated=draft.kind == "narration",
                passage=passage_index,
                hedges=tuple(Span(s, e, text[s:e]) for s, e in sorted(set(hedges))),
            )
        )
    return link_contradictions(tuple(claims), doc)


# --- rule 1: attributions -------------------------------------------------------------------


def _attributions(
    tokens: list[Token],
    lo: int,
    hi: int,
    text: str,
    quotes: list[tuple[int, int]],
    media: list[tuple[int, int]],
) -> list[_Draft]:
    lexicon = cue_lexicon()
    found: list[_Draft] = []
    consumed: set[int] = set()
    for token in tokens:
        if token.i in consumed:
            continue
        if token.lower_ == "according" and token.i + 1 < len(token.doc) and token.nbor().lower_ == "to":
            draft = _according_to(token, lo, hi)
        elif token.lemma_.lower() in lexicon and token.pos_ in ("VERB", "AUX") and not _infinitive(token):
            draft = _cue_verb(token, lexicon[token.lemma_.lower()], lo, hi, text, quotes, media, consumed)
        else:
            continue
        if draft is not None:
            found.append(draft)
    return _unnest(found)


def _cue_verb(
    cue: Token,
    entry: Cue,
    lo: int,
    hi: int,
    text: str,
    quotes: list[tuple[int, int]],
    media: list[tuple[int, int]],
    consumed: set[int],
) -> _Draft | None:
    speaker_token = _subject(cue, lo, hi)
    if speaker_token is not None and speaker_token.lower_ in NOT_SPEAKERS and speaker_token.pos_ in ("PRON", "DET"):
        return None
    via_token: Token | None = None
    content: list[Token] = []
    if "quote" in entry.takes:
        quoted = _quoted_as_saying(cue, lo, hi, consumed)
        if quoted is None:
            return None
        source_token, content = quoted
        speaker_token, via_token = source_token, speaker_token
    else:
        head = _complement(cue, entry, lo, hi)
        if head is not None:
            content = _clip(head.subtree, lo, hi)
        elif cue.dep_ == "parataxis" and lo <= cue.head.idx < hi:
            inside = {t.i for t in cue.subtree}
            content = [t for t in _clip(cue.head.subtree, lo, hi) if t.i not in inside]
        else:
            content = _adjacent_quote(cue, lo, hi, quotes)
        for child in cue.children:
            if child.dep_ == "advcl" and child.lemma_.lower() in ("cite", "quote"):
                cited = next((c for c in child.children if c.dep_ in ("dobj", "pobj")), None)
                if cited is not None:
                    speaker_token, via_token = cited, speaker_token
    content = _strip(content)
    if not content:
        return None
    start, end = content[0].idx, _end(content[-1])
    end = _gloss_end(cue, end, lo, hi)
    passive = any(c.dep_ == "auxpass" for c in cue.children)
    speaker = _who(speaker_token, lo, hi, cue) if speaker_token is not None and not passive else None
    via = _who(via_token, lo, hi, cue) if via_token is not None else _via(cue, media, start, end, speaker)
    negated = entry.stance == "asserts" and _negated(content, start, end)
    hedges = [(c.idx, _end(c)) for c in cue.children if c.dep_ == "advmod" and c.lower_ in HEDGE_WORDS]
    return _Draft(
        start=start,
        end=end,
        cue=_phrase_text(cue, text),
        cue_at=cue.idx,
        stance="denies" if negated else entry.stance,
        hedged_by_cue=entry.hedged or (passive and speaker is None),
        kind="attributed",
        speaker=speaker,
        via=via,
        negated=negated,
        hedges=hedges,
    )


def _according_to(according: Token, lo: int, hi: int) -> _Draft | None:
    """ "..., according to X": X speaks; the clause the phrase hangs on is the content."""
    to = according.nbor()
    source = next((c for c in (*to.children, *according.children) if c.dep_ == "pobj"), None)
    if source is None:
        return None
    phrase = {t.i for t in according.subtree} | {to.i} | {t.i for t in source.subtree}
    anchor: Token | None = according.head
    if anchor == according or not lo <= according.head.idx < hi:  # the parse ran into the line before
        rest = [t for t in _clip(according.sent, lo, hi) if t.i not in phrase]
        roots = [t for t in rest if t.pos_ in ("VERB", "AUX") and not lo <= t.head.idx < hi]
        anchor = next(iter(roots), None) or next((t for t in rest if t.pos_ == "VERB"), None)
    if anchor is None:
        return None
    content = _strip([t for t in _clip(anchor.subtree, lo, hi) if t.i not in phrase])
    if not content:
        return None
    start, end = content[0].idx, _end(content[-1])
    negated = _negated(content, start, end)
    return _Draft(
        start=start,
        end=end,
        cue="according to",
        cue_at=according.idx,
        stance="denies" if negated else "asserts",
        hedged_by_cue=False,
        kind="attributed",
        speaker=_who(source, lo, hi),
        negated=negated,
    )


def _quoted_as_saying(cue: Token, lo: int, hi: int, consumed: set[int]) -> tuple[Token, list[Token]] | None:
    """ "X quoted Y as saying Z" -> (Y, Z), read off the words when the parse went astray."""
    doc = cue.doc
    after = list(itertools.takewhile(lambda t: t.idx < hi, doc[cue.i + 1 :]))  # not the rest of the whole Doc
    at = next(
        (k for k, t in enumerate(after[:-1]) if t.lower_ == "as" and after[k + 1].lemma_ in ("say", "tell")), None
    )
    if at is None:
        return None
    saying = after[at + 1]
    source = next((c for c in cue.children if c.dep_ == "dobj" and c.i < saying.i), None)
    if source is None:
        source = next((t for t in reversed(after[:at]) if t.pos_ in ("NOUN", "PROPN", "PRON")), None)
    if source is None:
        return None
    consumed.add(saying.i)
    head = next((c for c in saying.children if c.dep_ in ("ccomp", "xcomp", "dobj") and lo <= c.idx < hi), None)
    return source, _clip(head.subtree, lo, hi) if head is not None else after[at + 2 :]


def _infinitive(cue: Token) -> bool:
    """ "is expected to announce changes": a cue yet to be spoken is no attribution."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in cue.children) and cue.dep_ != "ROOT"


def _complement(cue: Token, entry: Cue, lo: int, hi: int) -> Token | None:
    deps = ("ccomp", "xcomp", "dobj") if "object" in entry.takes else ("ccomp",)
    for dep in deps:
        for child in cue.children:
            if child.dep_ == dep and lo <= child.idx < hi:
                return child
    return None


def _adjacent_quote(cue: Token, lo: int, hi: int, quotes: list[tuple[int, int]]) -> list[Token]:
    """The quotation just before ("“...,” he said") or just after ("said: “...”") the cue."""
    doc = cue.doc
    for start, end in quotes:
        before = end <= cue.idx and cue.idx - end <= 40
        after = start >= _end(cue) and start - _end(cue) <= 3
        if (before or after) and lo <= start < hi:
            span = doc.char_span(start, min(end, hi), alignment_mode="expand")
            return list(span) if span is not None else []
    return []


def _subject(cue: Token, lo: int, hi: int) -> Token | None:
    verb: Token | None = cue
    for _ in range(3):  # a coordinated cue borrows its head verb's subject
        if verb is None:
            break
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                if lo <= child.idx < hi:
                    return child
                return _sentence_opening_subject(cue, lo)
            if child.dep_ == "agent":
                return next((c for c in child.children if c.dep_ == "pobj"), None)
        verb = verb.head if verb.dep_ in ("conj", "xcomp") and verb.head != verb else None
    if cue.dep_ == "acl" and cue.tag_ == "VBD" and lo <= cue.head.idx < hi:
        # "A source in the army, commanded by X, denied that ...": the small model hangs the
        # finite cue under the noun as a modifier; that noun is who speaks.
        return cue.head
    return _sentence_opening_subject(cue, lo)


def _sentence_opening_subject(cue: Token, lo: int) -> Token | None:
    """When the parser ran the sentence into the line before it, the noun that opens the
    sentence and hangs outside it stands in for the subject."""
    # The tokens from ``lo`` up to the cue, found by walking back from the cue: filtering the
    # whole Doc before it for every cue was quadratic in a long article.
    doc = cue.doc
    first = cue.i
    while first > 0 and doc[first - 1].idx >= lo:
        first -= 1
    for token in doc[first : cue.i]:
        if token.pos_ in ("NOUN", "PROPN", "PRON") and not lo <= token.head.idx < cue.idx:
            return token
    return None


def _via(cue: Token, media: list[tuple[int, int]], start: int, end: int, speaker: _Who | None) -> _Who | None:
    """An outlet the cue is told to: "told Asharq Al-Awsat", "in an interview with CNN"."""
    for child in cue.children:
        if child.dep_ not in ("dobj", "dative", "prep", "npadvmod"):
            continue
        for token in child.subtree:
            if start <= token.idx < end or (speaker and speaker.start <= token.idx < speaker.end):
                continue
            for s, e in media:
                if s <= token.idx < e:
                    return _Who(s, e, s, e, False)
    return None


def _unnest(found: list[_Draft]) -> list[_Draft]:
    """An attribution inside another's content is the claim; the outer speaker relays it."""
    kept = []
    for outer in found:
        inner = [d for d in found if d is not outer and outer.start <= d.cue_at < outer.end]
        if not inner:
            kept.append(outer)
            continue
        for d in inner:
            if d.speaker is None or d.speaker.pronoun:
                d.speaker, d.via = outer.speaker, d.via or outer.via
            elif d.via is None:
                d.via = outer.speaker
    return kept


# --- rule 2: quotations --------------------------------------------------------------------


def _quote_regions(text: str, prose: Sequence[Passage]) -> list[tuple[int, int]]:
    """Quotations, each from its opening mark to its closing mark or the paragraph's end."""
    regions = []
    for passage in prose:
        segment = text[passage.start : passage.end]
        for match in _QUOTES.finditer(segment):
            regions.append((passage.start + match.start(), passage.start + match.end()))
    return regions


def _quoted_sentence(
    tokens: list[Token],
    lo: int,
    hi: int,
    quotes: list[tuple[int, int]],
    attributed: list[_Draft],
    paragraph: int,
) -> list[_Draft]:
    """A sentence that is mostly quotation keeps the speaker of its quotation's attribution
    ("“A. B,” he said"), else of the last attribution in this or the previous paragraph."""
    inside = sum(max(0, min(hi, e) - max(lo, s)) for s, e in quotes)
    content = _strip(tokens)
    if inside * 2 < hi - lo or not content:
        return []
    region_end = max((e for s, e in quotes if s < hi and lo < e), default=hi)
    later = [d for d in attributed if hi <= d.cue_at <= region_end + 40 and d.start < region_end]
    earlier = [d for d in attributed if d.cue_at < lo and d.paragraph >= paragraph - 1]
    source = later[0] if later else max(earlier, key=lambda d: d.cue_at) if earlier else None
    if source is None:
        return []
    start, end = content[0].idx, _end(content[-1])
    negated = _negated(content, start, end)
    return [
        _Draft(
            start=start,
            end=end,
            cue=source.cue,
            cue_at=start,
            stance="denies" if negated else "asserts",
            hedged_by_cue=source.hedged_by_cue,
            kind="quoted",
            negated=negated,
            source=source,
            paragraph=paragraph,
        )
    ]


# --- rule 3: narration ---------------------------------------------------------------------


def _narration(tokens: list[Token], lo: int, hi: int, text: str) -> list[_Draft]:
    roots = [t for t in tokens if t.head == t or not lo <= t.head.idx < hi]
    verb = next((t for t in roots if t.pos_ in ("VERB", "AUX")), None) or next(
        (t for t in tokens if t.pos_ == "VERB"), None
    )
    content = _strip(tokens)
    if verb is None or not content:
        return []
    start, end = content[0].idx, _end(content[-1])
    return [
        _Draft(
            start=start,
            end=end,
            cue=_phrase_text(verb, text),
            cue_at=verb.idx,
            stance="asserts",
            hedged_by_cue=False,
            kind="narration",
        )
    ]


# --- rule 4: speakers ----------------------------------------------------------------------


def _narrator(source: str | None, actors: tuple[Actor, ...]) -> tuple[str, str | None]:
    """The outlet's actor id when the source is a known outlet, else the source, else "the article"."""
    if not source:
        return NARRATOR, None
    for actor in actors:
        names = {actor.name.casefold(), *(m.text.casefold() for m in actor.mentions)}
        if actor.type == "media" and source.casefold() in names:
            return actor.id, actor.id
    outlet = outlets().get(slug(re.sub(r"^the\s+", "", source, flags=re.IGNORECASE)))
    return (slug(outlet), slug(outlet)) if outlet else (source, None)


class _Resolver:
    """Turns a draft's speaker and relay into ids or phrases, pronouns into earlier speakers."""

    def __init__(self, text: str, actors: tuple[Actor, ...], narrator: tuple[str, str | None]) -> None:
        self.text = text
        self.narrator = narrator
        self.mentions = sorted((m.start, m.end, a.id) for a in actors for m in a.mentions)
        # Looked up by position (bisect), not scanned per claim: a long article has thousands of each.
        self._starts = [start for start, _, _ in self.mentions]
        self._longest = max((end - start for start, end, _ in self.mentions), default=0)
        self._exact: dict[tuple[int, int], str] = {}
        for start, end, actor_id in self.mentions:
            self._exact.setdefault((start, end), actor_id)

    def resolve(self, draft: _Draft, drafts: list[_Draft]) -> tuple[str, str, str | None, str | None]:
        if draft.resolved is not None:
            return draft.resolved
        draft.resolved = ("unnamed", "", None, None)  # stands in should a chain of references loop
        if draft.kind == "narration":
            draft.resolved = (self.narrator[0], "", self.narrator[1], None)
        elif draft.kind == "quoted" and draft.source is not None:
            speaker, speaker_text, actor, via = self.resolve(draft.source, drafts)
            draft.resolved = (speaker, speaker_text, actor, via)
        else:
            previous = self._previous(draft, drafts)
            via = self._name(draft.via, previous)
            if draft.speaker is None:
                speaker, actor = "unnamed", None
                speaker_text = ""
            elif draft.speaker.pronoun and previous is not None:
                speaker, _, actor, inherited_via = previous
                via = via or inherited_via
                speaker_text = self.text[draft.speaker.start : draft.speaker.end]
            else:
                speaker_text = self.text[draft.speaker.start : draft.speaker.end]
                actor = self._actor(draft.speaker)
                speaker = actor or speaker_text
            if via == speaker:
                via = None
            draft.resolved = (speaker, speaker_text, actor, via)
        return draft.resolved

    def _previous(self, draft: _Draft, drafts: list[_Draft]) -> tuple[str, str, str | None, str | None] | None:
        earlier = [d for d in drafts if d.kind == "attributed" and d.cue_at < draft.cue_at and d is not draft]
        earlier = [d for d in earlier if d.start < draft.start or d.cue_at < draft.start]
        return self.resolve(earlier[-1], drafts) if earlier else None

    def _name(self, who: _Who | None, previous: tuple[str, str, str | None, str | None] | None) -> str | None:
        if who is None:
            return None
        if who.pronoun:
            return previous[0] if previous else self.text[who.start : who.end]
        return self._actor(who) or self.text[who.start : who.end]

    def _actor(self, who: _Who) -> str | None:
        # Only mentions starting within the longest mention's length before the head can hold it.
        lo = bisect_left(self._starts, who.head_start - self._longest)
        hi = bisect_right(self._starts, who.head_start)
        for start, end, actor_id in self.mentions[lo:hi]:
            if start <= who.head_start and who.head_end <= end:
                return actor_id
        return self._exact.get((who.start, who.end))


def _who(token: Token, lo: int, hi: int, cue: Token | None = None) -> _Who:
    """The phrase a speaker token heads, without appositions and clauses (nor the cue,
    when a stray parse hung the cue under the speaker)."""
    dropped: set[int] = set()
    for t in token.subtree:
        if t != token and (t.dep_ in _SPEAKER_DROP or t == cue):
            dropped.update(d.i for d in t.subtree)
    kept = {t.i for t in _clip(token.subtree, lo, hi) if t.i not in dropped}
    first = last = token.i
    while first - 1 in kept:
        first -= 1
    while last + 1 in kept:
        last += 1
    span = _strip(list(token.doc[first : last + 1])) or [token]
    return _Who(
        span[0].idx,
        _end(span[-1]),
        token.idx,
        _end(token),
        pronoun=token.lower_ in SPEAKER_PRONOUNS and token.pos_ == "PRON",
    )


# --- rules 5-7: stance, hedges, places and actors ------------------------------------------


def _negated(content: list[Token], start: int, end: int) -> bool:
    """Is the content's main verb negated ("don't include", "never had")? A first-person
    or future commitment ("we will not leave") is a pledge, not a denial."""
    heads = [t for t in content if not start <= t.head.idx < end or t.head == t]
    for head in heads:
        children = list(head.children)
        if not any(c.dep_ == "neg" for c in children):
            continue
        pledge = any(c.dep_ == "aux" and c.lower_ in COMMITMENT_AUX for c in children) or any(
            c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in children
        )
        if not pledge:
            return True
    return False


def _hedges(doc: Doc, draft: _Draft) -> list[tuple[int, int]]:
    span = doc.char_span(draft.start, draft.end, alignment_mode="expand")
    if span is None:
        return []
    found = []
    for t in span:
        lower = t.lower_
        if (
            (lower in HEDGE_MODALS and t.tag_ == "MD")
            or lower in HEDGE_WORDS
            or (t.lemma_ in HEDGE_VERBS and any(c.dep_ == "xcomp" for c in t.children))
        ):
            found.append((t.idx, _end(t)))
    return found


def _passage_at(passages: Sequence[Passage], starts: list[int], position: int) -> int:
    """The index of the passage holding ``position`` (passages are in text order), or -1."""
    i = bisect_right(starts, position) - 1
    return passages[i].index if i >= 0 and position < passages[i].end else -1


def _places_in(resolutions: Iterable[Resolution], start: int, end: int) -> tuple[str, ...]:
    ids = [r.place.id for r in resolutions if r.role == "location" and start <= r.mention.start < end]
    return tuple(dict.fromkeys(ids))


def _actors_in(actors: Iterable[Actor], start: int, end: int) -> tuple[str, ...]:
    ordered = sorted((m.start, a.id) for a in actors for m in a.mentions if start <= m.start and m.end <= end)
    return tuple(dict.fromkeys(actor_id for _, actor_id in ordered))


# --- rule 8: contradictions ----------------------------------------------------------------

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


def link_contradictions(claims: tuple[Claim, ...], doc: Doc | None = None) -> tuple[Claim, ...]:
    """Link claims about the same thing with opposite stance by different speakers.

    Two claims are about the same thing when their contents (a) share an actor or
    a place (by id) and (b) share a key word: a common noun, outside actor and
    place names and not in ``GENERIC_NOUNS``, compared by its singular form or by
    its topic in ``TOPICS`` ("base" and "port" are both installations, "deal" and
    "agreement" both agreements). Speakers differ when neither claim's speaker is
    the other's speaker.
    """
    keys = [_key_words(c, doc) for c in claims]
    links: dict[str, list[str]] = {c.id: [] for c in claims}
    for i, a in enumerate(claims):
        for j in range(i + 1, len(claims)):
            b = claims[j]
            if a.stance == b.stance or a.speaker == b.speaker:
                continue
            shares_subject = bool(set(a.actors + a.places) & set(b.actors + b.places))
            if shares_subject and keys[i] & keys[j]:
                links[a.id].append(b.id)
                links[b.id].append(a.id)
    return tuple(replace(c, contradicts=tuple(links[c.id])) for c in claims)


def _key_words(claim: Claim, doc: Doc | None) -> set[str]:
    if doc is None:
        words = [w.lower() for w in re.findall(r"[A-Za-z]+", claim.text)]
    else:
        span = doc.char_span(claim.start, claim.end, alignment_mode="expand")
        words = [t.lower_ for t in span or () if t.pos_ == "NOUN"]
    keys = set()
    for word in words:
        noun = singular(word)
        if noun in GENERIC_NOUNS or len(noun) < 3:
            continue
        keys.add(TOPICS.get(noun, noun))
    return keys


def singular(word: str) -> str:
    """A plain English singular ("bases" -> "base", "facilities" -> "facility")."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")) and not word.endswith(("bases", "cases", "ases")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


# --- token helpers -------------------------------------------------------------------------


def _clip(tokens: Iterable[Token], lo: int, hi: int) -> list[Token]:
    return sorted((t for t in tokens if lo <= t.idx < hi), key=lambda t: t.i)


def _strip(tokens: list[Token]) -> list[Token]:
    """Drop punctuation, white space and a leading "that" from both ends."""
    first, last = 0, len(tokens) - 1
    while first <= last and (
        tokens[first].is_punct or tokens[first].is_space or (tokens[first].lower_ in _CLAUSE_MARKS and first == 0)
    ):
        first += 1
    while last >= first and (tokens[last].is_punct or tokens[last].is_space):
        last -= 1
    return tokens[first : last + 1]


def _end(token: Token) -> int:
    return token.idx + len(token.text)


def _gloss_end(cue: Token, end: int, lo: int, hi: int) -> int:
    """Extend the content over "..., referring to X" after the cue."""
    for child in cue.children:
        if child.dep_ == "advcl" and child.lemma_.lower() in GLOSS_VERBS and child.idx > end:
            gloss = _strip(_clip(child.subtree, lo, hi))
            if gloss:
                end = max(end, _end(gloss[-1]))
    return end


def _phrase_text(verb: Token, text: str) -> str:
    """The verb with its auxiliaries and negation: "did not comment", "had reported"."""
    parts = sorted([verb, *(c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg") and c.i < verb.i)])
    return " ".join(t.text for t in parts)
