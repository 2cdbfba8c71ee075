"""Claims: who says what, asserting or denying, about which places.

Built on spaCy's dependency parse of the article (the ``Doc`` the pipeline
already made) and the cue lexicon in ``geo/data/claim_cues.csv`` (cue lemma ->
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
   - "X quoted/cited Y as saying Z", "X, citing Y, reported Z": Y speaks, X relays (Y a person, a
     body or a source; "citing data" names X's grounds, and X speaks);
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
   ("An informed source in the Libyan National Army"). A role ("the spokesman",
   "the agency") is the actor named with it or the last speaker written with it;
   "the official", "the aid worker" the one introduced as "a ..." before; "the
   group" the body named or heard last; "she" a name written after a person's title
   though the small model typed it a body.
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
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.resources import files
from itertools import pairwise
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np
from spacy.attrs import DEP, HEAD, IDX, LEMMA, LOWER, POS, TAG
from spacy.language import Language
from spacy.strings import get_string_id
from spacy.symbols import ADJ, ADP, ADV, AUX, CCONJ, DET, NOUN, PRON, PROPN, SCONJ, VERB
from spacy.tokens import Doc, Token
from spacy.tokens import Span as DocSpan  # geo.types.Span is the character span a claim carries

from geo.analysis.actors import TITLES, outlets, slug
from geo.analysis.propositions import keys_of, proposition_keys
from geo.analysis.propositions import singular as singular  # used from here by geo.eval and the tests
from geo.analysis.spanindex import SpanIndex
from geo.types import NARRATOR, Actor, Claim, Passage, Resolution, Span, Stance

DATA = files("geo") / "data"

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
        "alleged",
        "suspected",
        "purported",
        "rumoured",
        "rumored",
    }
)
# Predicates that call a report untrue: "called the reports baseless", "the claims are false".
UNTRUE = frozenset(
    {
        *"baseless groundless unfounded false untrue fake fabricated fabrication lie lies nonsense absurd".split(),
        *"ridiculous rubbish fiction hoax misleading inaccurate incorrect wrong propaganda speculation".split(),
        *"disinformation misinformation slander smear".split(),
        "fabricate",  # the lemma of "called the report fabricated"
    }
)
# "lying in the street", "lay on the floor": where something lies, not an untruth
_LYING_AT = frozenset({"in", "on", "at", "under", "near", "beside", "across", "along", "inside", "outside", "among"})
_OVERSTATED = frozenset({"exaggerated", "inflated", "overstated", "exaggerate", "inflate", "overstate"})
# Words that write a report as contested ("the accusations"), and what calls such a report a ploy
_CHARGES = frozenset({"accusation", "allegation", "claim", "charge"})
_PLOYS = frozenset({"attempt", "ploy", "bid", "distraction", "provocation", "stunt", "invention", "pretext"})
# What a report said to be "without" lacks: "the allegations are without any basis"
_GROUNDS = frozenset({"basis", "foundation", "merit", "substance", "truth", "evidence", "proof"})
# Phrasal verbs that wave a report away: a denial of what they take ("brushed aside accusations that ...").
DISMISSING_PHRASES = frozenset(
    {("brush", "aside"), ("brush", "off"), ("play", "down"), ("shrug", "off"), ("wave", "away"), ("wave", "off")}
)
_DISMISSING_VERBS = frozenset(verb for verb, _ in DISMISSING_PHRASES)
# Cues that say what something is: with an untrue predicate they deny it.
DESCRIBING_CUES = frozenset({"call", "describe", "dismiss", "label", "brand", "term", "denounce", "characterize"})
# Verbs of observing: "we have not seen any troops", "they found no weapons" report an absence, not deny
# "40 cases had been confirmed": a fact passed as checked; no unnamed source's hedge as "was reported" is
_ESTABLISHING = frozenset({"confirm", "verify", "establish", "prove"})
PERCEIVING = frozenset({"see", "observe", "notice", "detect", "witness", "spot", "hear", "record", "find"})
HEDGE_VERBS = frozenset({"seem", "appear"})  # only with a complement: "appears to be"
COMMITMENT_AUX = frozenset({"will", "wo", "shall", "would", "'ll"})
# Pronoun speakers resolve to the previous speaker; "I think ..." inside a quote is its speaker's.
SPEAKER_PRONOUNS = frozenset({"it", "they", "he", "she", "i", "we"})
# Role words a definite speaker ("the president", "the ministry") is linked through to a named actor.
ROLES: dict[str, str] = {
    **dict.fromkeys(
        "president premier minister spokesman spokeswoman spokesperson senator governor mayor chancellor general "
        "commander ambassador envoy secretary candidate nominee chairman chairwoman chair director king queen "
        "prince emir marshal leader congressman congresswoman representative official".split(),
        "person",
    ),
    **dict.fromkeys(
        "ministry government company army military agency department party campaign committee council court "
        "embassy office police commission foundation administration group movement union bank firm newspaper "
        "paper".split(),
        "body",
    ),
}
# Plural roles that stand for the group the article named before ("Two U.S. officials said ... The
# officials said ...").
# Body roles whose word the body's name need not hold ("the Tigray People's Liberation Front ... the
# group said"): the last such body named, in the paragraph or the one before.
GENERIC_BODIES = frozenset(
    {"group", "movement", "organisation", "organization", "militia", "rebels", "alliance", "paramilitary"}
)
_INDEFINITE = re.compile(r"(?i:an?|one)\s")
# Generic bodies that are armed: "the militia" stands for an armed body named, not for any that spoke.
_ARMED_BODIES = frozenset({"militia", "rebels", "paramilitary"})
# The last word of a body's name the small model may not tag ("the Sudan Doctors Network said", "Human
# Rights Watch said"), or a name in capitals ("UKMTO"): such a speaker is a body "the group" may stand for.
_BODY_HEAD = re.compile(
    r"(?:Network|Watch|Front|Party|Movement|Council|Committee|Union|Association|Group|Organi[sz]ation|Agency|"
    r"Institute|Commission|Coalition|Alliance|Federation|Service|Office|Centre|Center|Observatory|Foundation|"
    r"International|Society|Authority|Corps|Brigades?|Forces|Army|[A-Z]{2,})$"
)
# What "the group" may stand for. Forces named like an army ("Rapid Support Forces", "Syrian Democratic
# Forces") are typed as armed forces, yet the press calls them "the group", "the militia" all the same.
_GROUP_TYPES = frozenset({"organisation", "armed group", "armed force"})
# A short word for a role: "the paper" is the newspaper named before
_ROLE_ALIASES = {"paper": "newspaper"}
GROUP_ROLES = frozenset({"officials", "authorities", "diplomats", "investigators", "analysts", "sources"})
# "I think", "we believe", "you know" inside a quotation belong to the quoted words.
QUOTED_VOICES = frozenset({"i", "we", "you"})
# "That explains why…", "This shows…": a demonstrative or relative subject is a fact, not a speaker.
NOT_SPEAKERS = frozenset({"that", "this", "these", "those", "which", "what"})
# Dependents left out of a speaker phrase: "An informed source in the LNA(, commanded by ...)".
_SPEAKER_DROP = frozenset({"acl", "relcl", "appos", "punct", "advcl", "parataxis", "case"})
_CLAUSE_MARKS = frozenset({"that", "whether", "if"})
# Quotations: curly marks, straight double quotes, and two apostrophes for each mark ('' ... '': the
# convention of newspaper archives and wire feeds, e.g. the New York Times' text in LexisNexis).
# A curly opening mark may close at a straight one ("“A," he said"): text pasted together by several
# editors mixes them, and a quotation left open ran over the paragraph. A straight opening mark
# closes at a straight one or at a curly closing mark ("A,” he said: 45 in PolNeAR train), past a
# curly quotation nested in it ("He called it “a hoax” today").
_QUOTES = re.compile(r"“[^”\"]*(?:[”\"]|$)|\"(?:[^\"“”\n]|“[^”\"\n]*”)*(?:[\"”]|$)|''(?:(?!'')[^\n])*(?:''|$)")

# Dependency labels as the hashes ``Token.dep`` gives (``dep_`` makes a string each time).
_DEPS_NOUN_MODIFIERS = frozenset(get_string_id(w) for w in ("compound", "poss", "amod", "nmod"))
_ENTS_DATE_TIME = frozenset(get_string_id(w) for w in ("DATE", "TIME"))
_DEP_ACL = get_string_id("acl")
_DEP_APPOS = get_string_id("appos")
_DEP_ATTR = get_string_id("attr")
_DEP_ACOMP = get_string_id("acomp")
_DEP_ADVCL = get_string_id("advcl")
_DEP_ADVMOD = get_string_id("advmod")
_DEP_AGENT = get_string_id("agent")
_DEP_AMOD = get_string_id("amod")
_DEP_AUX = get_string_id("aux")
_DEP_AUXPASS = get_string_id("auxpass")
_DEP_CASE = get_string_id("case")
_DEP_CC = get_string_id("cc")
_DEP_CCOMP = get_string_id("ccomp")
_DEP_CONJ = get_string_id("conj")
_DEP_DET = get_string_id("det")
_DEP_DOBJ = get_string_id("dobj")
_DEP_MARK = get_string_id("mark")
_DEP_NEG = get_string_id("neg")
_DEP_NSUBJ = get_string_id("nsubj")
_DEP_INTJ = get_string_id("intj")
_DEP_NSUBJPASS = get_string_id("nsubjpass")
_DEP_PARATAXIS = get_string_id("parataxis")
_DEP_PCOMP = get_string_id("pcomp")
_DEP_POBJ = get_string_id("pobj")
_DEP_POSS = get_string_id("poss")
_DEP_PREP = get_string_id("prep")
_DEP_PRT = get_string_id("prt")
_DEP_RELCL = get_string_id("relcl")
_DEP_ROOT = get_string_id("ROOT")
_DEP_XCOMP = get_string_id("xcomp")
_DEPS_ACL_CCOMP = frozenset(get_string_id(w) for w in ("acl", "ccomp"))
_DEPS_ACL_RELCL = frozenset(get_string_id(w) for w in ("acl", "relcl"))
_DEPS_ACOMP_ATTR = frozenset(get_string_id(w) for w in ("acomp", "attr"))
_DEPS_AUX_AUXPASS_NEG = frozenset(get_string_id(w) for w in ("aux", "auxpass", "neg"))
_DEPS_CCOMP_XCOMP_DOBJ = frozenset(get_string_id(w) for w in ("ccomp", "xcomp", "dobj"))
_DEPS_CONJ_ADVCL = frozenset(get_string_id(w) for w in ("conj", "advcl"))
_DEPS_CONJ_XCOMP = frozenset(get_string_id(w) for w in ("conj", "xcomp"))
_DEPS_DOBJ_DATIVE_PREP_NPADVMOD = frozenset(get_string_id(w) for w in ("dobj", "dative", "prep", "npadvmod"))
_DEPS_DOBJ_DATIVE = frozenset(get_string_id(w) for w in ("dobj", "dative"))
_DEPS_DOBJ_POBJ = frozenset(get_string_id(w) for w in ("dobj", "pobj"))
_DEPS_MARK_AUX = frozenset(get_string_id(w) for w in ("mark", "aux"))
_DEPS_NSUBJ_NSUBJPASS = frozenset(get_string_id(w) for w in ("nsubj", "nsubjpass"))
_DEPS_SUBJECTS = frozenset(get_string_id(w) for w in ("nsubj", "nsubjpass", "csubj", "expl"))
_DEPS_NSUBJ_NSUBJPASS_ATTR_DOBJ = frozenset(get_string_id(w) for w in ("nsubj", "nsubjpass", "attr", "dobj"))
_DEPS_OPRD_CCOMP_XCOMP_ACOMP = frozenset(get_string_id(w) for w in ("oprd", "ccomp", "xcomp", "acomp"))
_DEPS_OPRD_XCOMP_CCOMP = frozenset(get_string_id(w) for w in ("oprd", "xcomp", "ccomp"))
_DEPS_POBJ_AMOD_ACOMP = frozenset(get_string_id(w) for w in ("pobj", "amod", "acomp"))
_DEPS_POBJ_PCOMP = frozenset(get_string_id(w) for w in ("pobj", "pcomp"))
_SPEAKER_DROP_IDS = frozenset(get_string_id(w) for w in _SPEAKER_DROP)
_DEPS_AUX_AUXPASS_NEG_ADVMOD = frozenset(get_string_id(w) for w in ("aux", "auxpass", "neg", "advmod"))
# Fine-grained tags likewise (``tag_``); coarse parts of speech as spaCy's symbols (``pos_``).
_TAG_CD = get_string_id("CD")
_TAG_VBD = get_string_id("VBD")
_DEPS_CONJ_CC = frozenset(get_string_id(w) for w in ("conj", "cc"))
_DEPS_NPADVMOD_POBJ = frozenset(get_string_id(w) for w in ("npadvmod", "pobj"))
_DEP_COMPOUND = get_string_id("compound")
_DEPS_ACL_AMOD = frozenset(get_string_id(w) for w in ("acl", "amod"))
_DEPS_NSUBJ_NSUBJPASS_DET = frozenset(get_string_id(w) for w in ("nsubj", "nsubjpass", "det"))
_TAGS_FINITE = frozenset(get_string_id(t) for t in ("VBD", "VBZ", "VBP"))  # "says A, but conceded B"
_TAG_VB = get_string_id("VB")
_TAG_VBG = get_string_id("VBG")
_TAG_VBN = get_string_id("VBN")
_TAG_VBZ = get_string_id("VBZ")
_DEPS_CLAUSES_NOUN = frozenset(get_string_id(w) for w in ("acl", "ccomp", "relcl"))
_TAG_TO = get_string_id("TO")
_TAG_RB = get_string_id("RB")
_TAG_MD = get_string_id("MD")
_TAG_HYPH = get_string_id("HYPH")
_TAGS_VBD_VBN = frozenset(get_string_id(w) for w in ("VBD", "VBN"))
_DEPS_CLAUSES = frozenset(get_string_id(w) for w in ("relcl", "acl", "advcl"))
_DEPS_ADVCL_CCOMP = frozenset(get_string_id(w) for w in ("advcl", "ccomp"))
_DEPS_CLAUSES_PREP = frozenset(get_string_id(w) for w in ("relcl", "acl", "prep"))
_TAGS_WP_WDT = frozenset(get_string_id(w) for w in ("WP", "WDT"))
_TAG_WRB = get_string_id("WRB")
# Lower-case words likewise (``Token.lower``, not ``lower_``).
COMMITMENT_AUX_IDS = frozenset(get_string_id(w) for w in COMMITMENT_AUX)
HEDGE_WORDS_IDS = frozenset(get_string_id(w) for w in HEDGE_WORDS)
NOT_SPEAKERS_IDS = frozenset(get_string_id(w) for w in NOT_SPEAKERS)
QUOTED_VOICES_IDS = frozenset(get_string_id(w) for w in QUOTED_VOICES)
SPEAKER_PRONOUNS_IDS = frozenset(get_string_id(w) for w in SPEAKER_PRONOUNS)
_CLAUSE_MARKS_IDS = frozenset(get_string_id(w) for w in _CLAUSE_MARKS)
_LOWER_AS = get_string_id("as")
_LOWER_OF = get_string_id("of")
_LOWERS_ON_TO = frozenset(get_string_id(w) for w in ("on", "to"))
_LOWER_WHOSE = get_string_id("whose")
_LOWER_NO = get_string_id("no")
_LOWER_COMMENT = get_string_id("comment")
_LOWER_NOWHERE = get_string_id("nowhere")
_LOWER_THAT = get_string_id("that")
_LOWER_TO = get_string_id("to")
_LOWERS_TOPIC = frozenset(get_string_id(w) for w in ("about", "on", "of", "over", "against", "for"))
_LOWERS_BY_FROM = frozenset(get_string_id(w) for w in ("by", "from"))
_LOWERS_CONTRAST = frozenset(get_string_id(w) for w in ("while", "although", "though", "whereas"))
_DEPS_ACOMP_OPRD_PRT = frozenset(get_string_id(w) for w in ("acomp", "oprd", "prt"))
_LOWERS_AFTER = frozenset(get_string_id(w) for w in ("after", "before", "since"))
_LOWERS_I_WE = frozenset(get_string_id(w) for w in ("i", "we"))
_LOWERS_NOTHING_NONE = frozenset(get_string_id(w) for w in ("nothing", "none"))
_LOWERS_THAT_TO_WHETHER = frozenset(get_string_id(w) for w in ("that", "to", "whether"))


@dataclass(frozen=True, slots=True)
class Cue:
    """One row of the cue lexicon."""

    lemma: str
    stance: Stance
    hedged: bool
    takes: frozenset[str]  # "clause", "object", "quote", "phrase"
    internal: bool = False  # a belief, wish or plan ("believe", "want"), not a statement


# The learned cue table (``python -m geo claims train``): verbs that are attribution cues in
# at least this share of their uses in the training corpus, seen as cues at least this often.
LEARNED_CUES = "attribution_cues.csv"
MIN_CUE_SHARE = 0.3
MIN_CUE_COUNT = 3
MIN_CLAUSE_SHARE = 0.2  # a verb with a clause of its own ("determined that ...") is a cue more often: a laxer share
MIN_PARTICLE_COUNT = 5  # "call for", "point to": the preposition belongs to the cue
MIN_FRAME_USES = 5  # a verb's share in one frame counts once it has been seen this often
MIN_NOMINAL_SHARE = 0.4  # nouns are cues less often than verbs: a stricter share
# a topic noun with no possessor or "by X" ("footage of X", "words for X") is a cue only when the table has seen
# it often (such claims were false 40 times of 107 on train, where the table is in-sample; "footage of", "critic
# of" pass the table on 3-4 uses)
MIN_SOURCELESS_NOMINAL_COUNT = 10
MIN_REQUEST_SHARE = 0.5  # "urged X to Y": a request verb's share as a cue with an infinitive,
MIN_REQUEST_COUNT = 10  # and how often it was one ("pressed him to leave", 3 in 6, stays an event)
MIN_PREP_SHARE = 0.5  # a verb that is a cue only with a preposition ("spoke about"): its share with it
DENIAL_NOUNS = frozenset({"denial", "rejection", "dismissal", "rebuttal", "refutation"})
HEDGE_NOUNS = frozenset({"allegation", "speculation", "rumor", "rumour", "suspicion", "estimate", "guess"})
INTERNAL_NOUNS = frozenset({"belief", "hope", "fear", "plan", "intention", "desire", "wish", "concern", "view"})
# Cues that ascribe a belief, wish or plan rather than a statement (the map can show statements only).
INTERNAL_STATES = frozenset(
    {
        *"believe think know feel want wish hope hop fear worry doubt suspect expect plan intend aim seek".split(),
        *"prefer consider view regard see understand remember recognize realize assume envision contemplate".split(),
        *"mull wonder favor like dislike love hate oppose support endorse back agree disagree decide".split(),
    }
)


@lru_cache(maxsize=1)
def learned_cues() -> dict[str, tuple[int, int]]:
    """Cue lemma (or "lemma preposition") -> (uses as a cue, uses), from ``geo/data/attribution_cues.csv``."""
    resource = files("geo") / "data" / LEARNED_CUES
    if not resource.is_file():
        return {}
    lines = [line for line in resource.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return {row["cue"]: (int(row["cues"]), int(row["uses"])) for row in csv.DictReader(lines)}


@lru_cache(maxsize=1)
def _learned_particles() -> frozenset[tuple[str, str]]:
    pairs = (key.split(" ") for key, (cues, _) in learned_cues().items() if " " in key and cues >= MIN_PARTICLE_COUNT)
    return frozenset((verb, particle) for verb, particle in pairs)


def _cue_of(token: Token, curated: dict[str, Cue]) -> Cue | None:
    return curated.get(token.lemma_.lower()) or _learned_cue(token)


@lru_cache(maxsize=2)
def cue_lexicon(learned: bool = True) -> dict[str, Cue]:
    """Cue lemma -> Cue: the curated ``data/claim_cues.csv`` (stance, hedging), then (``learned``)
    the verbs the learned table calls cues whatever their frame."""
    lexicon = _curated_cues()
    for lemma, (cues, uses) in learned_cues().items() if learned else ():
        if " " in lemma or ":" in lemma or lemma in lexicon or cues < MIN_CUE_COUNT or cues < MIN_CUE_SHARE * uses:
            continue
        lexicon[lemma] = Cue(lemma, "asserts", False, frozenset({"clause", "phrase"}), False)
    return {lemma: replace(cue, internal=cue.internal or lemma in INTERNAL_STATES) for lemma, cue in lexicon.items()}


def learn_cues(articles: Sequence[tuple[str, Sequence[Sequence[int]]]], nlp: Language) -> list[dict[str, Any]]:
    """Count, over (text, cue fragments) pairs of a training corpus, how often each verb lemma
    is (part of) an attribution cue and how often it is used at all, and how often a cue verb
    takes the preposition right after it into the cue ("called for"). Rows for ``LEARNED_CUES``."""
    cues: Counter[str] = Counter()
    uses: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    texts, fragments = zip(*articles, strict=True) if articles else ((), ())
    with nlp.select_pipes(disable=[p for p in nlp.pipe_names if p == "ner"]):
        for doc, spans in zip(nlp.pipe(texts, batch_size=16), fragments, strict=True):
            in_cue: set[int] = set()
            for start, end in spans:
                in_cue.update(t.i for t in doc.char_span(start, end, alignment_mode="expand") or ())
            for token in doc:
                if token.pos == NOUN and (noun_frame := nominal_frame(token)) is not None:
                    key = f"{token.lemma_.lower()}/noun:{noun_frame}"
                    uses[key] += 1
                    cues[key] += token.i in in_cue
                    if any(c.dep == _DEP_POSS for c in _kids(token)):  # "Trump's attack on X", not "an attack on X"
                        uses[f"{token.lemma_.lower()}/poss:{noun_frame}"] += 1
                        cues[f"{token.lemma_.lower()}/poss:{noun_frame}"] += token.i in in_cue
                if token.pos == ADJ and (prep := _prep_frame(token)) is not None:  # "critical of X", "wary of X"
                    uses[f"{token.lemma_.lower()}/adj:{prep.lower_}"] += 1
                    cues[f"{token.lemma_.lower()}/adj:{prep.lower_}"] += token.i in in_cue and prep.i in in_cue
                if token.pos != VERB:
                    continue
                lemma = token.lemma_.lower()
                framed = f"{lemma}:{frame(token)}"
                uses[lemma] += 1
                uses[framed] += 1
                if (prep := _prep_frame(token)) is not None:  # "spoke about X": the verb with that preposition
                    uses[f"{lemma}/prep:{prep.lower_}"] += 1
                    cues[f"{lemma}/prep:{prep.lower_}"] += token.i in in_cue and prep.i in in_cue
                if token.i in in_cue:
                    cues[lemma] += 1
                    cues[framed] += 1
                    following = token.nbor() if token.i + 1 < len(doc) else None
                    if following is not None and following.i in in_cue and following.pos == ADP:
                        pairs[f"{lemma} {following.lower_}"] += 1
    rows = [{"cue": key, "cues": n, "uses": uses[key]} for key, n in cues.items() if n >= MIN_CUE_COUNT]
    rows += [
        {"cue": pair, "cues": n, "uses": uses[pair.split()[0]]} for pair, n in pairs.items() if n >= MIN_PARTICLE_COUNT
    ]
    return sorted(rows, key=lambda row: (-row["cues"], row["cue"]))


_DEPS_BETWEEN_VERB_PREP = frozenset(get_string_id(w) for w in ("advmod", "npadvmod", "prt"))


def _understood(verb: Token) -> Cue | None:
    """ "It is understood that the talks will resume": an unnamed source's report, hedged (the newsroom's
    formula for what it was told off the record). "Understood" with a subject of its own is no report."""
    if verb.lemma_.lower() != "understand" or not any(c.dep == _DEP_AUXPASS for c in _kids(verb)):
        return None
    if not any(c.dep == _DEP_NSUBJPASS and c.lower_ == "it" for c in _kids(verb)) and not (
        # "Police are understood to be considering X": hedged as "are believed to" is (``_raised``)
        any(c.dep == _DEP_NSUBJPASS for c in _kids(verb)) and any(c.dep == _DEP_XCOMP for c in _kids(verb))
    ):
        return None
    return Cue("understand", "asserts", True, frozenset({"clause"}))


def _put_it(verb: Token) -> Cue | None:
    """ "as the memo put it, X": "put" is seldom a cue (35 in 335 in PolNeAR train), "as ... put it" is
    (6 of 7): the "as" clause reports the clause it hangs on (``_as_reported``)."""
    if verb.lemma_.lower() != "put" or verb.dep != _DEP_ADVCL or _as_it(verb) is None:
        return None
    return Cue("put", "asserts", False, frozenset({"clause"}))


def _as_it(verb: Token) -> Token | None:
    """The "it" of "as X put it", "as she said it": an "as" clause's verb whose object is "it"."""
    if not _as_clause(verb):
        return None
    return next((c for c in _kids(verb) if c.dep == _DEP_DOBJ and c.lower_ == "it" and c.i > verb.i), None)


def _as_clause(verb: Token) -> bool:
    """A verb of a clause opened by "as" ("as the paper reported", "as critics point out")."""
    return any(c.dep == _DEP_MARK and c.lower == _LOWER_AS for c in _kids(verb))


def _dismissing(verb: Token) -> Cue | None:
    """ "brushed aside the accusations", "played down reports of losses": a denial of its object."""
    lemma = verb.lemma_.lower()
    if lemma not in _DISMISSING_VERBS:  # asked of every verb: its children are read only for these few
        return None
    if not any((lemma, c.lower_) in DISMISSING_PHRASES for c in _kids(verb) if c.dep == _DEP_PRT):
        return None
    return Cue(lemma, "denies", False, frozenset({"object"}))


def _prep_frame(verb: Token) -> Token | None:
    """The preposition right after a verb with its object ("spoke about X"), as the learned table counts it;
    an adverb or particle of the verb's may stand between them ("spoke emotionally of X", "spoke out
    Tuesday about X")."""
    doc = verb.doc
    k = verb.i + 1
    while k < len(doc) and k <= verb.i + 3 and doc[k].dep in _DEPS_BETWEEN_VERB_PREP and doc[k].head == verb:
        k += 1
    if k >= len(doc):
        return None
    prep = doc[k]
    if prep.dep != _DEP_PREP or prep.head != verb or not any(c.dep in _DEPS_POBJ_PCOMP for c in _kids(prep)):
        return None
    return prep


def frame(verb: Token) -> str:
    """What a verb takes, as the learned table counts it: a clause, an infinitive, an object, or none."""
    deps = {c.dep_ for c in _kids(verb) if c.i > verb.i}
    if "ccomp" in deps:
        return "clause"
    if "xcomp" in deps:
        return "infinitive"
    return "object" if "dobj" in deps else "none"


def nominal_frame(noun: Token) -> str | None:
    """What a noun takes, as the learned table counts nominal cues: a clause ("the claim that ...",
    "a plan to ..."), a topic ("concerns about ..."), or nothing worth counting (None)."""
    for child in _kids(noun):
        if child.i < noun.i:
            continue
        if child.dep in _DEPS_ACL_CCOMP and any(
            c.dep in _DEPS_MARK_AUX and c.lower in _LOWERS_THAT_TO_WHETHER for c in _kids(child)
        ):
            return "clause"
        topic = child.dep == _DEP_PREP and child.lower in _LOWERS_TOPIC
        if topic and any(c.dep == _DEP_POBJ for c in _kids(child)):
            return child.lower_
    return None


def _nominal(noun: Token, lo: int, hi: int) -> _Draft | None:
    """ "his claim that ...", "Trump's plan to ...", "the report's finding that ...", "concerns about ...":
    a noun the learned table calls a cue in its frame; its possessor (or "by X") is the source."""
    shape = nominal_frame(noun)
    if shape is None:
        return None
    key = f"{noun.lemma_.lower()}/noun:{shape}"
    if not _learned(key, MIN_NOMINAL_SHARE) and not _possessed_cue(noun, shape):
        return None
    content: list[Token] = []
    for child in _kids(noun):
        if child.i < noun.i:
            continue
        if shape == "clause" and child.dep in _DEPS_ACL_CCOMP:
            content = _clip(_subtree(child), lo, hi)
        elif shape != "clause" and child.dep == _DEP_PREP and child.lower_ == shape:
            pobj = next((c for c in _kids(child) if c.dep == _DEP_POBJ), None)
            content = _clip(_subtree(pobj), lo, hi) if pobj is not None else []
        if content:
            break
    content = _before_relative_report(_strip(content))
    if not content:
        return None
    source = next((c for c in _kids(noun) if c.dep == _DEP_POSS and c.i < noun.i), None)
    if source is None:
        by = next((c for c in _kids(noun) if c.dep == _DEP_PREP and c.lower in _LOWERS_BY_FROM), None)
        source = next((c for c in _kids(by) if c.dep == _DEP_POBJ), None) if by is not None else None
    cue_at, verb = _nominal_cue_start(noun)
    if source is None and verb is not None:
        source = _subject(verb, lo, hi)
    if source is None and shape != "clause" and not _learned(key, MIN_NOMINAL_SHARE, MIN_SOURCELESS_NOMINAL_COUNT):
        return None  # "footage of the rally", "a critic of the deal": a rare topic noun with no one's view in it
    start, end = content[0].idx, _end(content[-1])
    lemma = noun.lemma_.lower()
    negated = _negated(content, start, end)
    denial = lemma in DENIAL_NOUNS
    return _Draft(
        start=start,
        end=end,
        cue=noun.text,
        cue_at=cue_at,
        cue_end=_end(noun) if shape == "clause" else _end(noun.nbor()),
        stance="denies" if negated or denial else "asserts",
        hedged_by_cue=lemma in HEDGE_NOUNS,
        kind="attributed",
        speaker=_who(source, lo, hi) if source is not None else None,
        negated=negated,
        internal=lemma in INTERNAL_NOUNS,
    )


# Verbs whose subject meets or stirs someone else's words ("faced criticism of X", "might bring
# accusations of X"): the verb is no part of the nominal cue (PolNeAR leaves it out 4 times in train).
RECEIVING_VERBS = frozenset(
    {"face", "receive", "draw", "get", "attract", "meet", "spark", "prompt", "renew", "bring", "fuel", "stoke"}
)


def _nominal_cue_start(noun: Token) -> tuple[int, Token | None]:
    """Where a nominal cue starts, and the verb it starts at (None: the noun's own phrase). It holds the
    noun's adjectives ("sharp criticism of", "a fierce critic of"; not a group's, "Democratic allegations
    of": the group speaks) and, when the noun is a finite verb's object, runs from the verb with its
    auxiliaries ("has made no mention of X", "avoided direct criticism of X", "continued his attacks on X").
    Not an infinitive ("to raise concerns about": PolNeAR's cue holds it twice in train, leaves it out 3
    times), nor a verb whose object has a named possessor ("would bolster Rubio's claim": Rubio speaks, not
    the verb's subject). On train's matched attributions this makes 75 cues PolNeAR's and 4 no longer."""
    first = noun
    for child in reversed([c for c in _kids(noun) if c.i < noun.i]):
        ids = _subtree_ids(child)
        if child.dep != _DEP_AMOD or max(ids) != first.i - 1 or child.ent_type:
            break
        first = noun.doc[min(ids)]
    head = noun.head
    if noun.dep != _DEP_DOBJ or head.i > noun.i or head.lemma_.lower() in RECEIVING_VERBS:
        return first.idx, None
    if head.lemma in _denial_lemmas():
        return first.idx, None  # "rejected any suggestion that X": someone else's suggestion, denied
    if noun.lemma_.lower() in BACKING_NOUNS and head.lemma_.lower() in BACKING_VERBS:
        return first.idx, None  # "has the backing of X": ``_backing``'s report, X backs the subject
    kids = _kids(head)
    if any(c.dep == _DEP_AUX and c.tag == _TAG_TO for c in kids):
        return first.idx, None
    if any(c.dep == _DEP_POSS and c.pos != PRON for c in _kids(noun)):
        return first.idx, None
    between = set(_subtree_ids(noun)) | {c.i for c in kids if c.dep == _DEP_PRT}
    if not all(i in between for i in range(head.i + 1, noun.i)):
        return first.idx, None
    return _cue_span(head)[0], head


# "X received the support of Y": a verb of getting whose object is backing reports that Y backs X
BACKING_NOUNS = frozenset({"support", "backing"})
BACKING_VERBS = frozenset({"have", "receive", "earn", "draw", "win", "get", "gain", "enjoy", "garner"})


def _backing(verb: Token, lo: int, hi: int) -> _Draft | None:
    """ "Smith drew the support of 40 percent of voters", "Smith has their backing": the backers (the
    noun's "of"/"from" phrase or possessor) back the verb's subject; the cue runs from the verb to the noun."""
    if verb.lemma_.lower() not in BACKING_VERBS:
        return None
    noun = next((c for c in _kids(verb) if c.dep == _DEP_DOBJ and c.lemma_.lower() in BACKING_NOUNS), None)
    subject = next((c for c in _kids(verb) if c.dep == _DEP_NSUBJ), None)
    if noun is None or subject is None or not lo <= subject.idx < hi:
        return None
    if any(t.like_num or t.lower_ in ("percent", "%", "low", "lower", "lowest") for t in noun.lefts):
        return None  # "has 5 percent support among X", "record low support": a poll figure, not backers
    source = next((c for c in _kids(noun) if c.dep == _DEP_POSS), None)
    by = next((c for c in _kids(noun) if c.dep == _DEP_PREP and c.lower_ in ("of", "from") and c.i > noun.i), None)
    if source is None and by is not None:
        source = next((c for c in _kids(by) if c.dep == _DEP_POBJ), None)
    content = _strip(_clip(_subtree(subject), lo, hi))
    if source is None or not content:
        return None
    start, end = content[0].idx, _end(content[-1])
    return _Draft(
        start=start,
        end=end,
        cue=verb.text,
        cue_at=verb.idx,
        cue_end=_end(noun),
        stance="asserts",
        hedged_by_cue=False,
        kind="attributed",
        speaker=_who(source, lo, hi),
        internal=True,
    )


def _learned(key: str, share: float, count: int = MIN_CUE_COUNT) -> bool:
    """Whether the learned table calls ``key`` a cue: one at least ``count`` times, in at least ``share``
    of its uses (the test every learned noun, preposition, adjective and request cue passes)."""
    cues, uses = learned_cues().get(key, (0, 0))
    return cues >= count and cues >= share * uses


def _possessed_cue(noun: Token, shape: str) -> bool:
    """A noun the learned table calls a cue when it has a possessor ("Trump's attack on X"; "an attack
    on the embassy" is no report)."""
    if not any(c.dep == _DEP_POSS for c in _kids(noun)):
        return False
    return _learned(f"{noun.lemma_.lower()}/poss:{shape}", MIN_NOMINAL_SHARE)


def _prep_cue(verb: Token) -> Cue | None:
    """A verb the learned table calls a cue with the preposition right after it ("spoke about X",
    "railed against X"; "spoke at the rally" is none), though not on its own."""
    prep = _prep_frame(verb)
    if prep is None or not any(c.dep == _DEP_POBJ for c in _kids(prep)):  # "began by saying X": "saying" reports X
        return None
    lemma = verb.lemma_.lower()
    if not _learned(f"{lemma}/prep:{prep.lower_}", MIN_PREP_SHARE):
        return None
    return Cue(lemma, "asserts", False, frozenset({"phrase"}), lemma in INTERNAL_STATES)


def _evaluation(copula: Token, lo: int, hi: int) -> _Draft | None:
    """ "Graham has been critical of X", "they are wary of X": an adjective the learned table calls a cue
    with the preposition right after it; the copula's subject holds the view, the preposition's object is
    the content, the cue runs from the copula (its auxiliaries too) to the preposition."""
    adjective = next((c for c in _kids(copula) if c.dep == _DEP_ACOMP and c.pos == ADJ and c.i > copula.i), None)
    prep = _prep_frame(adjective) if adjective is not None else None
    if adjective is None or prep is None or copula.tag == _TAG_VBG:  # "the partner being supportive of her"
        return None
    pobj = next((c for c in _kids(prep) if c.dep == _DEP_POBJ), None)
    if pobj is None or not _learned(f"{adjective.lemma_.lower()}/adj:{prep.lower_}", MIN_PREP_SHARE):
        return None
    content = _strip(_clip(_subtree(pobj), lo, hi))
    if not content:
        return None
    subject = _subject(copula, lo, hi)
    start, end = content[0].idx, _end(content[-1])
    cue_at = _cue_span(copula)[0]
    negated = _negated(content, start, end)
    return _Draft(
        start=start,
        end=end,
        cue=text_of(copula.doc)[cue_at : _end(prep)],
        cue_at=cue_at,
        cue_end=_end(prep),
        stance="denies" if negated else "asserts",
        hedged_by_cue=False,
        kind="attributed",
        speaker=_who(subject, lo, hi, copula) if subject is not None else None,
        negated=negated,
        internal=True,  # a view held, not a statement
    )


def _learned_cue(token: Token) -> Cue | None:
    """A verb the learned table calls a cue in this frame ("found that ...", not "found the keys"); a
    lemma seen too rarely in its frame falls back to the lemma's own share."""
    return _framed_verb(token, token.lemma_.lower(), frame(token))


def _framed_verb(verb: Token, lemma: str, shape: str) -> Cue | None:
    """``_framed_cue`` of a verb, unless its object makes it one of force."""
    if lemma in _FORCE_VERBS and _force_on_place(verb):
        return None
    if lemma in _TRANSFER_VERBS and _moves_materiel(verb):
        return None
    return _framed_cue(lemma, shape)


def _moves_materiel(verb: Token) -> bool:
    """ "withdrew its troops", "released 20 hostages", "sent aid": people held, forces or goods for object,
    so a deed, not words ("withdrew his support", "released a statement")."""
    return any(obj.dep == _DEP_DOBJ and obj.lemma_.lower() in _MATERIEL for obj in _kids(verb))


def _force_on_place(verb: Token) -> bool:
    """ "the militia attacked El Fasher", "jets struck the port of Hodeidah", "stormed al-Watiya air base":
    a place for object (its name, or a place noun named by it), so force, not words."""
    table = verb.doc.user_data.get(_TABLE)
    places, people = (table.places, table.people) if isinstance(table, _Table) else (set(), set())
    for obj in _kids(verb):
        if obj.dep != _DEP_DOBJ:
            continue
        named = [obj, *(c for c in _kids(obj) if c.dep == _DEP_COMPOUND)]
        named += [
            c for p in _kids(obj) if p.dep == _DEP_PREP and p.lower_ == "of" for c in _kids(p) if c.dep == _DEP_POBJ
        ]
        return any((t.ent_type in _ENTS_PLACE or t.i in places) and t.i not in people for t in named)
    return False


# Verbs of words and of force alike: the political press "attacked Clinton" (PolNeAR train: "attack" with
# an object is a cue 46 times in 124), a war report "attacked the city". With a place for object they are
# never a cue in train (0 of 16: "captured Iowa", "bomb Iran", "seized Crimea").
_FORCE_VERBS = frozenset({"attack", "hit", "strike", "target", "bomb", "shell", "raid", "storm", "capture", "seize"})
_ENTS_PLACE = frozenset(get_string_id(label) for label in ("GPE", "LOC", "FAC"))
# Verbs that move things as well as words ("released a statement", "released the prisoners"), and the things
# whose moving is a deed: with one of these for object the verb reports nothing (PolNeAR train and dev: 1 of
# their 19,868 + 2,192 attributions has such a content after such a verb, "offered fresh ammunition").
_TRANSFER_VERBS = frozenset(
    "release withdraw send deploy deliver offer move pull free return hand ship supply fire launch".split()
)
_MATERIEL = frozenset(
    "troop force soldier personnel prisoner hostage detainee captive weapon arm missile rocket shell ammunition"
    " tank jet warship ship aircraft drone aid supply food fuel vehicle convoy unit battalion brigade body".split()
)


@lru_cache(maxsize=4096)
def _framed_cue(lemma: str, shape: str) -> Cue | None:
    """``_learned_cue`` of a lower-case lemma in a frame (``write_learned_cues`` clears it)."""
    table = learned_cues()
    cues, uses = table.get(f"{lemma}:{shape}", (0, 0))
    share = MIN_CLAUSE_SHARE if shape == "clause" and uses >= MIN_FRAME_USES else MIN_CUE_SHARE
    if uses < MIN_FRAME_USES:
        cues, uses = table.get(lemma, (0, 0))
    if cues < MIN_CUE_COUNT or cues < share * uses:
        return None
    return Cue(lemma, "asserts", False, frozenset({"clause", "phrase"}), lemma in INTERNAL_STATES)


def write_learned_cues(rows: list[dict[str, Any]], path: Path, provenance: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"# {provenance}\n")
        handle.write("# cue: a verb lemma; lemma:frame, the verb with what follows it (clause, infinitive, object,\n")
        handle.write("# none: geo.claims.frame); or a lemma and the preposition the cue takes. cues: uses inside a\n")
        handle.write(
            "# gold cue span; uses: all uses as a verb. lemma/noun:frame, a noun in geo.claims.nominal_frame's\n"
            "# frame (lemma/poss:frame, with a possessor); lemma/prep:p and lemma/adj:p, a verb or adjective\n"
            "# with the preposition p right after it, in the cue with it. Built by `python -m geo claims train`.\n"
        )
        writer = csv.DictWriter(handle, fieldnames=["cue", "cues", "uses"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    learned_cues.cache_clear()
    cue_lexicon.cache_clear()
    _framed_cue.cache_clear()
    _learned_particles.cache_clear()
    return path


@lru_cache(maxsize=1)
def _denial_lemmas() -> frozenset[int]:
    """The curated denial verbs (deny, reject, dismiss, ...), as lemma ids."""
    return frozenset(get_string_id(c.lemma) for c in _curated_cues().values() if c.stance == "denies")


def _curated_cues() -> dict[str, Cue]:
    with (DATA / "claim_cues.csv").open(encoding="utf-8") as handle:
        return {
            row["cue"]: Cue(
                lemma=row["cue"],
                stance="denies" if row["stance"] == "denies" else "asserts",
                hedged=row["hedged"] == "yes",
                takes=frozenset(row["takes"].split("|")),
                internal=row.get("internal") == "yes",
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
    written: tuple[int, int] | None = None  # the whole phrase, appositions included (provenance)


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
    cue_end: int = -1  # the cue's span is [cue_at, cue_end); -1: the cue is not written here
    internal: bool = False  # a belief, wish or plan rather than a statement
    headline: bool = False  # made in the headline, which no quote in the body continues
    narrators: bool = False  # the article's own hedge ("X seems to ..."): the narrator speaks, no source written


def _hashes(words: Iterable[str]) -> Any:
    return np.array(sorted({get_string_id(w) for w in words}), dtype=np.uint64)


def _member(values: Any, hashes: Any) -> Any:
    """Which of ``values`` are in the sorted array ``hashes`` (``np.isin`` costs more on short arrays)."""
    if len(hashes) <= 4:
        found = values == hashes[0]
        for h in hashes[1:]:
            found |= values == h
        return found
    at = np.minimum(np.searchsorted(hashes, values), len(hashes) - 1)
    return hashes[at] == values


_H_ACCORDING, _H_TO, _H_IN, _H_PREP, _H_AUX, _H_XCOMP, _H_MD, _H_ROOT, _H_CCOMP, _H_DOBJ = (
    np.uint64(get_string_id(w))
    for w in ("according", "to", "in", "prep", "aux", "xcomp", "MD", "ROOT", "ccomp", "dobj")
)
_H_COLON = np.uint64(get_string_id(":"))
# "could not be trusted", "could not have been ignorant": "could" negated says impossible, no hedge
# ("might not", "may not" still hedge)
_H_COULD, _H_NOTS = np.uint64(get_string_id("could")), _hashes(("not", "n't", "never"))
_FRAMES = ("clause", "infinitive", "object", "none")  # what ``frame`` returns, in the order it tries them
_H_FRAMES = _hashes(("acl", "ccomp", "prep"))  # the dependents ``nominal_frame`` reads
_H_HEDGE_MODALS, _H_HEDGE_WORDS, _H_HEDGE_VERBS = map(_hashes, (HEDGE_MODALS, HEDGE_WORDS, HEDGE_VERBS))
# What ``_attributions`` makes of a token (``_Table.kinds``).
_ACCORDING_TO, _IN_PREP, _CUE_VERB, _FRAMED_NOUN = 1, 2, 3, 4


class _Table:
    """What the rules read of every token, read once an article with numpy (a ``doc[i]`` makes a Token
    object, each of its string attributes a look-up): which tokens ``_attributions`` looks at and how,
    which are hedge words, which are nouns (key words), and every token's offset."""

    __slots__ = (
        "candidates",
        "colons",
        "frames",
        "heads",
        "hedges",
        "idx",
        "keys",
        "kid_tokens",
        "kids",
        "kids_at",
        "kinds",
        "noun_lower",
        "nouns",
        "people",
        "places",
        "text",
        "tokens",
    )

    def __init__(self, doc: Doc) -> None:
        n = len(doc)
        self.keys: dict[tuple[int, int], set[str]] = {}  # a content's key words (``_key_words``)
        self.idx: list[int] = []
        self.heads: list[int] = []  # each token's head (a root its own)
        # The Token objects, each made once (``doc[i]`` and a Span slice make new ones each time); dropped at the
        # end of ``extract_claims``, lest the Doc hold itself through its user_data.
        self.tokens: list[Token] | None = list(doc)
        self.text = doc.text  # spaCy joins every token's text anew each time ``doc.text`` is read (``text_of``)
        self.places: set[int] = set()  # tokens of the place names recognition resolved (``_force_on_place``)
        self.people: set[int] = set()  # tokens of the names of people among the actors (``_force_on_place``)
        self.kids: list[int] = []  # the tokens grouped by their head, in Doc order (``_kids``)
        self.kids_at: list[int] = [0]  # where each token's group starts in ``kids``
        self.kid_tokens: list[list[Token] | None] = [None] * n  # ``_kids`` of each token, once asked
        self.frames: list[int] = []  # ``frame`` of each candidate, as its place in ``_FRAMES``
        self.candidates: list[int] = []  # in Doc order
        self.kinds: list[int] = []
        self.hedges: list[int] = []
        self.colons: list[int] = []  # tokens ":" (``_colon_quote``)
        self.nouns: list[int] = []
        self.noun_lower: list[int] = []
        if not n:
            return
        array: Any = doc.to_array([LOWER, POS, DEP, TAG, LEMMA, HEAD, IDX])  # uint64 (spaCy's stubs say float)
        columns = np.ascontiguousarray(array.T)  # one row an attribute
        lower, pos, dep, tag, lemma = columns[:5]
        here = np.arange(n)
        heads = columns[5].astype(np.int64) + here  # HEAD is an offset
        self.idx = columns[6].tolist()
        self.heads = heads.tolist()
        child = heads != here  # every token but a root is its head's child
        group = np.where(child, heads, n)  # the roots apart, at the end
        self.kids = np.argsort(group, kind="stable").tolist()
        self.kids_at = [0, *np.cumsum(np.bincount(group, minlength=n + 1)).tolist()]

        def has_child(which: Any) -> Any:
            found = np.zeros(n, dtype=bool)
            found[heads[which]] = True
            return found

        # ``_infinitive``: a child "to" as aux, and not the root ("is expected to announce")
        infinitive = has_child(child & (dep == _H_AUX) & (lower == _H_TO)) & (dep != _H_ROOT)
        # ``nominal_frame`` reads only the dependents after the noun, and finds nothing without one of these
        framed = has_child((heads < here) & _member(dep, _H_FRAMES))
        following_to = np.zeros(n, dtype=bool)
        following_to[:-1] = lower[1:] == _H_TO
        kinds = np.zeros(n, dtype=np.int64)  # the first kind that holds, as ``_attributions`` tries them
        kinds[(pos == NOUN) & framed] = _FRAMED_NOUN
        kinds[((pos == VERB) | (pos == AUX)) & ~infinitive] = _CUE_VERB
        kinds[(lower == _H_IN) & (dep == _H_PREP)] = _IN_PREP
        kinds[(lower == _H_ACCORDING) & following_to] = _ACCORDING_TO
        candidates = np.flatnonzero(kinds)
        self.candidates = candidates.tolist()
        self.kinds = kinds[candidates].tolist()
        after = heads < here  # a dependent after its head: ``frame`` reads those
        clause, infinitive_frame, object_frame = (has_child(after & (dep == h)) for h in (_H_CCOMP, _H_XCOMP, _H_DOBJ))
        shapes = np.where(clause, 0, np.where(infinitive_frame, 1, np.where(object_frame, 2, 3)))
        self.frames = shapes[candidates].tolist()
        negated_next = np.zeros(n, dtype=bool)
        negated_next[:-1] = _member(lower[1:], _H_NOTS)
        hedges = (
            (_member(lower, _H_HEDGE_MODALS) & (tag == _H_MD) & ~((lower == _H_COULD) & negated_next))
            | _member(lower, _H_HEDGE_WORDS)
            | (_member(lemma, _H_HEDGE_VERBS) & has_child(child & (dep == _H_XCOMP)))
        )
        self.hedges = np.flatnonzero(hedges).tolist()
        self.colons = np.flatnonzero(lower == _H_COLON).tolist()  # the lower case of ":" is the token ":" only
        nouns = np.flatnonzero(pos == NOUN)
        self.nouns = nouns.tolist()
        self.noun_lower = lower[nouns].tolist()

    def release(self) -> None:
        """Keep only what ``link_contradictions`` reads again: the Tokens hold the Doc, whose user_data
        holds the table."""
        self.tokens, self.kid_tokens = None, []
        self.idx, self.heads, self.kids, self.kids_at = [], [], [], [0]
        self.candidates, self.kinds, self.frames, self.hedges, self.colons = [], [], [], [], []


_TABLE = "geo.claims.table"  # doc.user_data: this analysis's ``_Table`` (revise links the claims again)
# The Doc ``extract_claims`` is reading and its table, replaced whole (another thread's Doc is looked up in
# its user_data).
_reading: tuple[Doc | None, _Table | None] = (None, None)


def text_of(doc: Doc) -> str:
    """``doc.text`` as this analysis's table read it once: spaCy makes every Token and joins their text
    anew on each read (the claims read it for every source, cue and unnamed source: bench/bench_cost.py)."""
    table = doc.user_data.get(_TABLE)
    return table.text if isinstance(table, _Table) else doc.text


def extract_claims(
    doc: Doc,
    text: str,
    passages: tuple[Passage, ...],
    actors: tuple[Actor, ...],
    resolutions: tuple[Resolution, ...],
    source: str | None = None,
) -> tuple[Claim, ...]:
    """Every claim of one article, in text order, ids "c1", "c2", ..., contradictions linked."""
    table = doc.user_data[_TABLE] = _Table(doc)  # made afresh: a Doc may be analysed again
    global _reading
    _reading = (doc, table)
    try:
        return _extract_claims(doc, text, passages, actors, resolutions, source, table)
    finally:
        _reading = (None, None)
        table.release()


def _extract_claims(
    doc: Doc,
    text: str,
    passages: tuple[Passage, ...],
    actors: tuple[Actor, ...],
    resolutions: tuple[Resolution, ...],
    source: str | None,
    table: _Table,
) -> tuple[Claim, ...]:
    # the places named, and the people: a person's name spaCy or the gazetteer takes for a place
    # ("Trump attacked Machado") is no place (``_force_on_place``)
    for holder, spans in (
        (table.places, [(r.mention.start, r.mention.end) for r in resolutions if r.role != "demonym"]),
        (table.people, [(m.start, m.end) for a in actors if a.type == "person" for m in a.mentions]),
    ):
        for start, end in spans:
            if span := doc.char_span(start, end, alignment_mode="expand"):
                holder.update(range(span.start, span.end))
    # A headline may attribute ("X says Y"); it is never narration nor a quote's continuation.
    prose = [p for p in passages if p.kind in ("paragraph", "title")]
    headline = {p.index for p in prose if p.kind == "title"}
    quotes = _quote_regions(text, prose)
    media = [(m.start, m.end) for a in actors if a.type == "media" for m in a.mentions]
    starts, ends = _doc_sentences(doc)
    sentences = []
    drafts: list[_Draft] = []
    for position, passage in enumerate(prose):
        if (signed := _signed_quote(text, passage, position)) is not None:
            drafts.append(signed)  # its sentences are all the signed quote
            continue
        for start, end in _passage_sentences(doc, text, passage, starts, ends):
            sentence = doc.char_span(start, end, alignment_mode="expand")
            if sentence is not None and text[start:end].strip():
                tokens = _after_dateline(_run(doc, sentence.start, sentence.end))
                start = tokens[0].idx if tokens else start
                sentences.append((position, start, end, tokens, passage.index in headline))
    places = [(r.mention.start, r.mention.end) for r in resolutions]
    unattributed: list[tuple[int, int, int, list[Token], list[Token]]] = []
    for position, start, end, tokens, in_headline in sentences:
        inner = _strip(tokens)
        if inner:
            first_at, last_end = inner[0].idx, _end(inner[-1])
            if any(d.start <= first_at and last_end <= d.end for d in drafts):
                continue  # inside what an earlier sentence ascribes ("X said:" and the paragraph after)
        found = [d for d in _attributions(tokens, start, end, text, quotes, media, table) if not _dateline(d, places)]
        if not found and unattributed and (tail := _quote_tail(tokens, start, end, text, unattributed[-1])):
            unattributed.pop()  # the quotation is the tail's content
            found = [tail]
        for draft in found:
            draft.paragraph, draft.headline = position, in_headline
        drafts.extend(found)
        if not found and not in_headline:
            unattributed.append((position, start, end, tokens, inner))
    attributed = sorted(drafts, key=lambda d: d.cue_at)
    before = {start: previous[3] for previous, (_, start, *_) in pairwise(sentences)}
    named = [(m.start, m.end) for a in actors if a.type != "media" for m in a.mentions]
    for position, start, end, tokens, inner in unattributed:  # inner: the tokens stripped, read by each rule
        quoted = _quoted_sentence(tokens, start, end, quotes, attributed, position, inner) or _quote_after_naming(
            tokens, start, end, quotes, before.get(start, []), named, position, inner
        )
        attributed.extend(quoted)  # a quote may continue over several paragraphs
        drafts.extend(quoted or _narration(tokens, start, end, text, inner))
    drafts.sort(key=lambda d: (d.start, d.cue_at))
    drafts = _one_per_content(drafts, doc)
    reports = [d for d in drafts if d.kind == "attributed"]
    twice = {id(reports[k]) for k in inside_longer([(d.start, d.end, d.cue_at) for d in reports])}
    drafts = [d for d in drafts if id(d) not in twice]
    _cut_other_cues(drafts, doc)
    resolver = _Resolver(text, actors, _narrator(source, actors))
    passage_starts = [p.start for p in passages]
    # ``_places_in`` and ``_actors_in`` with what they read of every claim made once
    locations = [(r.mention.start, r.place.id) for r in resolutions if r.role == "location"]
    mentions = sorted((m.start, a.id, m.end) for a in actors for m in a.mentions)
    mention_starts = [start for start, _, _ in mentions]
    claims = []
    for number, draft in enumerate(drafts, 1):
        speaker, speaker_text, speaker_actor, via = resolver.resolve(draft, drafts)
        hedges = draft.hedges + _hedges(doc.char_span(draft.start, draft.end, alignment_mode="expand"), table)
        written = _written(draft)
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
                places=tuple(dict.fromkeys(p for at, p in locations if draft.start <= at < draft.end)),
                actors=tuple(
                    dict.fromkeys(
                        actor_id
                        for _, actor_id, end in mentions[bisect_left(mention_starts, draft.start) :]
                        if end <= draft.end
                    )
                ),
                speaker_text=speaker_text,
                speaker_actor=speaker_actor,
                narrated=draft.kind == "narration",
                passage=passage_index,
                hedges=tuple(Span(s, e, text[s:e]) for s, e in sorted(set(hedges))),
                speaker_start=_phrase(written.speaker)[0],
                speaker_end=_phrase(written.speaker)[1],
                cue_start=written.cue_at if written.cue_end >= 0 else None,
                cue_end=written.cue_end if written.cue_end >= 0 else None,
                internal=written.internal,
                speaker_chain=tuple(Span(s, e, text[s:e]) for s, e in resolver.chain(draft)),
            )
        )
    return link_contradictions(tuple(claims), doc)


def _doc_sentences(doc: Doc) -> tuple[list[int], list[int]]:
    """spaCy's sentences as character offsets (starts, ends), or empty lists when the Doc has none."""
    if not doc.has_annotation("SENT_START") and not doc.has_annotation("DEP"):
        return [], []
    spans = [(s.start_char, s.end_char) for s in doc.sents]
    return [s for s, _ in spans], [e for _, e in spans]


def _passage_sentences(
    doc: Doc, text: str, passage: Passage, starts: list[int], ends: list[int]
) -> Iterator[tuple[int, int]]:
    """A passage's sentences as spaCy split them (the parse the rules read), clipped to the passage and
    stripped of white space; the passage's own split when the Doc has no sentences."""
    if not starts:
        yield from passage.sentences
        return
    k = max(0, bisect_right(starts, passage.start) - 1)
    held: tuple[int, int] | None = None
    while k < len(starts) and starts[k] < passage.end:
        start, end = max(starts[k], passage.start), min(ends[k], passage.end)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            if held is not None and _speaker_after_split(doc, text, held[1], start):
                held = (held[0], end)
            else:
                if held is not None:
                    yield held
                held = (start, end)
        k += 1
    if held is not None:
        yield held


def _speaker_after_split(doc: Doc, text: str, before_end: int, start: int) -> bool:
    """ "A drone strike killed 12 people[.] , state media reported, but ...": the parser ended a sentence at
    the comma that the speaker and the cue follow; the two are one (``_clause_read_as_subject``)."""
    if text[start] != "," or text[before_end - 1] in '.!?"”’':
        return False
    span = doc.char_span(start, start + 1)
    if span is None or span.end >= len(doc):
        return False
    subject = doc[span.end]
    cue = subject.head
    while subject.dep == _DEP_DET or subject.dep == _DEP_AMOD or subject.dep == _DEP_COMPOUND:
        subject, cue = cue, cue.head
    return (
        subject.dep == _DEP_NSUBJ
        and cue.head == cue
        and cue.lemma_.lower() in cue_lexicon(learned=False)
        and not any(c.dep == _DEP_CCOMP for c in _kids(cue))
    )


# --- rule 1: attributions -------------------------------------------------------------------


def _attributions(
    tokens: list[Token],
    lo: int,
    hi: int,
    text: str,
    quotes: SpanIndex,
    media: list[tuple[int, int]],
    table: _Table,
) -> list[_Draft]:
    curated = cue_lexicon(learned=False)
    found: list[_Draft] = []
    consumed: set[int] = set()
    # A sentence inside a quotation is the quoted speaker's words: a cue in it ("“He started this by
    # saying Obama is not a citizen”") is part of what is quoted, not a report of its own (PolNeAR's
    # annotation is univocal, the outer report wins); the sentence keeps the quotation's speaker.
    # "according to" names the source of the quoted words themselves (an outlet quoting its sources).
    # A quotation long enough to be a quote, not a scare-quoted word, holds the speaker's words wherever
    # it sits ("“Let's say we win, let's say we lose,” he said": "say" is quoted).
    regions = quotes.overlapping(lo, hi)
    quoted = sum(min(hi, e) - max(lo, s) for s, e in regions) * 2 >= hi - lo
    # Only the tokens the table says may open an attribution are read: the sentence's tokens are a run
    # of the Doc, token i of the Doc is tokens[i - first].
    first = tokens[0].i if tokens else 0
    candidates, kinds, idx = table.candidates, table.kinds, table.idx
    draft: _Draft | None
    for c in range(bisect_left(candidates, first), bisect_left(candidates, first + len(tokens))):
        i, kind = candidates[c], kinds[c]
        if i in consumed:
            continue
        token = tokens[i - first]
        if kind == _ACCORDING_TO:
            draft = _according_to(token, lo, hi)
        elif (
            any(s < idx[i] < e and (quoted or e - s >= QUOTED_WORDS_MIN) for s, e in regions)
            if lo <= idx[i] < hi
            else quoted and _inside(idx[i], quotes)
        ):  # regions: the quotations that overlap the sentence, the only ones that can hold its tokens
            continue
        elif kind == _IN_PREP:
            draft = _in_poll(token, lo, hi)
        elif kind == _CUE_VERB:  # a verb, not yet to be spoken ("is expected to announce")
            lemma = token.lemma_.lower()  # ``_cue_of``, the frame off the table
            if not (
                entry := _dismissing(token)
                or curated.get(lemma)
                or _understood(token)
                or _put_it(token)
                or _framed_verb(token, lemma, _FRAMES[table.frames[c]])
                or _prep_cue(token)
            ):
                draft = _evaluation(token, lo, hi) if token.pos == AUX else None
                if (draft := draft or _backing(token, lo, hi)) is not None:
                    found.append(draft)
                continue
            draft = _cue_verb(token, entry, lo, hi, text, quotes, media, consumed)
        else:  # a noun with a dependent after it that may make a frame
            draft = _nominal(token, lo, hi)
        if draft is not None:
            found.append(draft)
    colons = table.colons
    has_colon = bisect_left(colons, first) < bisect_left(colons, first + len(tokens))
    if not found and has_colon and (colon := _colon_quote(tokens, lo, hi)) is not None:
        found.append(colon)
    return _quote_resumed(_unnest(found, media), tokens, lo, hi, quotes)


QUOTED_WORDS_MIN = 40  # characters of a quotation whose cue words are quoted, not cues (PolNeAR: the outer report)
_DASHES = frozenset({"-", "--", "—", "―", "–"})
DATELINE_MAX = 10  # tokens of "MANCHESTER, N.H. (AP) —"


def _after_dateline(tokens: list[Token]) -> list[Token]:
    """A sentence without its dateline ("WASHINGTON (AP) — ...", "KHARTOUM, Sudan — ..."), or a capitalised
    lead-in ("QUESTIONABLE MEDICAL CLAIMS — ..."): neither is part of a source or a content. The parse may
    end a sentence after the place, leaving "(Reuters) - ..." to the next one."""
    if not tokens or not ((tokens[0].is_upper and tokens[0].is_alpha) or tokens[0].text == "("):
        return tokens
    depth, region = 0, False
    for k, token in enumerate(tokens[: DATELINE_MAX + 1]):
        if token.text in _DASHES and depth == 0:
            return tokens[k + 1 :] if k + 1 < len(tokens) else tokens
        depth += (token.text == "(") - (token.text == ")")
        region = region or (token.text == "," and k > 0)  # "KHARTOUM, Sudan —": the place's country or state
        # and the day: "PESHAWAR, Pakistan, Oct 4 (Reuters) -"
        if not (
            depth
            or token.is_upper
            or token.is_punct
            or token.is_space
            or (region and (token.is_title or token.like_num))
        ):
            return tokens
    return tokens


def _dateline(draft: _Draft, places: list[tuple[int, int]]) -> bool:
    """ "BERLIN: ...": a colon after a place name opens a dateline, not a quote."""
    who = draft.speaker
    return draft.cue == ":" and who is not None and any(s <= who.start and who.end <= e for s, e in places)


# Labels that open a line of the article's own ("Correction:", "Editor's note:", "Video:"), not speakers.
COLON_LABELS = frozenset(
    "note correction corrections clarification update updates warning video photo photos watch related "
    "disclosure disclaimer transcript excerpt excerpts".split()
)
COLON_LABELS_IDS = frozenset(get_string_id(w) for w in COLON_LABELS)
COLON_SPEAKER_MAX = 6  # "Sen. Jane Roe: ..." - a longer opening is a sentence, not a speaker
# "“...” ― Jane Roe" (reader reactions, epigraphs): a paragraph that is a quotation signed, after a
# dash, with a capitalised name of up to five words.
_SIGNED = re.compile(r"[”“\"]\s*([―—–-])\s*([A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|del|van|von|da|al)){0,4})\s*$")
_SIGNED_TAIL = 120  # the signature is looked for at the paragraph's end only


def _signed_quote(text: str, passage: Passage, position: int) -> _Draft | None:
    """A paragraph that is one quotation and, after a dash, its author's name: the name speaks, the
    dash is the cue, the quotation (marks included) is the content."""
    if passage.kind != "paragraph" or text[passage.start] not in '“”"':
        return None
    match = _SIGNED.search(text, max(passage.start + 1, passage.end - _SIGNED_TAIL), passage.end)
    if match is None:
        return None
    dash, name = match.span(1), match.span(2)
    head = text.rfind(" ", *name) + 1 or name[0]
    return _Draft(
        start=passage.start,
        end=match.start() + 1,
        cue=text[dash[0] : dash[1]],
        cue_at=dash[0],
        cue_end=dash[1],
        stance="asserts",
        hedged_by_cue=False,
        kind="attributed",
        speaker=_Who(name[0], name[1], max(head, name[0]), name[1], pronoun=False),
        paragraph=position,
    )


def _quote_tail(
    tokens: list[Token], lo: int, hi: int, text: str, previous: tuple[int, int, int, list[Token], list[Token]]
) -> _Draft | None:
    """ "“Did you know it was Mussolini?” Todd asked.": the parse ends a sentence at a quotation's "?”" or
    "!”" (or '.”' after a sentence quoted whole), and the report that follows ("Todd asked", "he asks", "said
    Ms. Roe") stands alone with no content; the quotation just before it, a sentence with no attribution of
    its own, is its content."""
    position, begin, end, _, quoted = previous
    inner = _strip(tokens)
    closing = text[max(0, end - 4) : end]
    bare = closing.rstrip("”\"'’")
    # or after a whole sentence quoted ("“We will win.” Trump said.": the parse split there too)
    ends = ("?", "!", ".") if text[begin] in '“"' else ("?", "!")
    if not inner or not quoted or bare == closing or not bare.endswith(ends) or text[end:lo].strip(" "):
        return None  # not after a closing "?”" in the same paragraph
    verb = next((t for t in _outside_heads(inner, lo, hi) if t.pos == VERB), None)
    entry = cue_lexicon().get(verb.lemma_.lower()) if verb is not None else None
    if verb is None or entry is None or verb.i - inner[0].i > 8:
        return None
    subject = _subject(verb, lo, hi)
    if subject is None or not lo <= subject.idx < hi:
        return None
    start, stop = quoted[0].idx, _end(quoted[-1])
    negated = _negated(quoted, start, stop)
    cue_at, cue_end = _cue_span(verb)
    return _Draft(
        start=start,
        end=stop,
        cue=_phrase_text(verb, text),
        cue_at=cue_at,
        cue_end=cue_end,
        stance="denies" if negated else entry.stance,
        hedged_by_cue=entry.hedged,
        kind="attributed",
        speaker=_who(subject, lo, hi, verb),
        negated=negated,
        paragraph=position,
        internal=entry.internal,
    )


def _colon_quote(tokens: list[Token], lo: int, hi: int) -> _Draft | None:
    """ "Graham: The plan will fail" (headlines, lists of reactions): a short name, a colon,
    then what they say. The colon is the cue. A dateline ("WASHINGTON: ...") is no speaker."""
    # the colon is looked for among the first words before the sentence's words are all listed
    opening = itertools.islice((t for t in tokens if not t.is_space), COLON_SPEAKER_MAX + 1)
    at = next((k for k, t in enumerate(opening) if t.text == ":"), None)
    if not at:
        return None
    words = [t for t in tokens if not t.is_space]
    who, rest = words[:at], _strip(words[at + 1 :])
    if not rest or any(t.pos in (VERB, AUX) for t in who) or not any(t.pos in (PROPN, NOUN) for t in who):
        return None
    if all(t.ent_type_ in ("GPE", "LOC", "DATE", "TIME") for t in who if not t.is_punct):
        return None
    if who[-1].lower in COLON_LABELS_IDS and not who[-1].ent_type_:  # "Editor's note:", not "Judicial Watch:"
        return None
    colon = words[at]
    on = next((k for k, t in enumerate(who) if k and t.lower in _LOWERS_ON_TO and t.pos == ADP), None)
    if on is not None and any(t.pos == PROPN for t in who[:on]):
        who = who[:on]  # "Obama on climate change: ...", "Roe to donors: ...": Obama speaks, on a topic, to donors
    start, end = rest[0].idx, _end(rest[-1])
    negated = _negated(rest, start, end)
    head = max(who, key=lambda t: t.pos == PROPN)
    return _Draft(
        start=start,
        end=end,
        cue=":",
        cue_at=colon.idx,
        cue_end=_end(colon),
        stance="denies" if negated else "asserts",
        hedged_by_cue=False,
        kind="attributed",
        speaker=_Who(who[0].idx, _end(who[-1]), head.idx, _end(head), pronoun=False),
        negated=negated,
    )


def _cue_verb(
    cue: Token,
    entry: Cue,
    lo: int,
    hi: int,
    text: str,
    quotes: SpanIndex,
    media: list[tuple[int, int]],
    consumed: set[int],
) -> _Draft | None:
    if _imperative(cue) or _misplaced_citing(cue):
        return None
    if cue.dep == _DEP_ADVCL and _shifted_object(cue.head) == cue:
        return None  # "dismissed as lies reports that X": "reports" is the object, not a cue
    speaker_token = _subject(cue, lo, hi)
    requoted = False
    if speaker_token is not None and _inside(speaker_token.idx, quotes) and not _inside(cue.idx, quotes):
        speaker_token, requoted = _unquoted_subject(cue, speaker_token, quotes), True
    relative: Token | None = None
    if speaker_token is not None and speaker_token.tag in _TAGS_WP_WDT and cue.dep == _DEP_RELCL:
        # "the senator, who warned that ...": the noun the clause hangs on speaks; "who" is written
        relative, speaker_token = speaker_token, cue.head
    if (
        speaker_token is not None
        and speaker_token.lower in NOT_SPEAKERS_IDS
        and speaker_token.pos in (PRON, DET)
        and not _described(speaker_token)
    ):
        return None
    if speaker_token is not None and speaker_token.lower in QUOTED_VOICES_IDS and _inside(cue.idx, quotes):
        return None  # "“I think it will pass,” she said": part of what she says, not a second claim
    via_token: Token | None = None
    content: list[Token] = []
    particle: Token | None = None
    quoted = _quoted_as_saying(cue, lo, hi, consumed) if "quote" in entry.takes else None
    if quoted is not None:
        source_token, content = quoted
        speaker_token, via_token = source_token, speaker_token
    else:
        head = _asked_whether(cue, lo, hi) or _complement(cue, entry, lo, hi, quotes)
        if head is not None:
            content = _clip(_subtree(head), lo, hi)
            if head.dep == _DEP_DOBJ and content and content[-1].ent_type in _ENTS_DATE_TIME:
                # "claimed responsibility on Monday for the attack": the parse gave the day to the object
                content = _with_object_phrase(cue, content, lo, hi)
        elif (shifted := _shifted_object(cue)) is not None:
            content = _clip([t for t in _subtree(shifted) if t.i >= shifted.i], lo, hi)
        elif "phrase" in entry.takes and (phrase := _phrase_content(cue, lo, hi))[0]:
            content, particle = phrase
        elif cue.dep == _DEP_PARATAXIS and lo <= cue.head.idx < hi:
            inside = set(_subtree_ids(cue))
            if _inside(cue.head.idx, quotes):  # "“Come with me,” he said, and the crowd followed": not said
                for joined in _kids(cue.head):
                    if joined.i > cue.i and joined.dep in _DEPS_CONJ_CC and not _inside(joined.idx, quotes):
                        inside.update(_subtree_ids(joined))
            content = [t for t in _clip(_subtree(cue.head), lo, hi) if t.i not in inside]
        else:
            # "As the paper reported, X"; "X, “A,” as the memo put it": the clause, not the quotation by the cue
            if content := _as_reported(cue, lo, hi):
                particle = _as_it(cue)  # the cue is "put it"
            else:
                content = _question(cue, lo, hi)
            if not content and (content := _that_next(cue, lo, hi)):
                particle = cue  # the cue ends before the "that"
            content = (
                content
                or _adjacent_quote(cue, lo, hi, quotes)
                or _after_colon(cue, hi, text)
                or _that_clause(cue, lo, hi)
            )
        if not _strip(content) and entry.takes & {"object", "phrase", "quote"}:  # "cited the polls"
            content, particle = _phrase_content(cue, lo, hi)
        if not _strip(content):
            content = _raised(cue, lo, hi) or _said_so(cue, lo, hi)
        if not _strip(content) and (modified := _modified(cue, lo, hi)):
            content = modified  # "everything he said"
        for child in _kids(cue):
            if _citing(child):
                cited = _cited_by(child)
                if cited is not None and _can_speak(cited):
                    speaker_token, via_token = cited, speaker_token
        if via_token is None and speaker_token is not None and (citing := _citing_subject(speaker_token)):
            speaker_token, via_token = _cited_by(citing, after=True), speaker_token
        if via_token is None and speaker_token is not None and (cited := _cited_before_clause(cue, content)):
            # "The centre told AFP, citing a hospital official, that X": the parse hung the told clause on
            # "citing"; the one cited speaks and the subject relays
            speaker_token, via_token = cited, speaker_token
        if via_token is None and (cited_in := _cited_in_content(content, cue)) is not None:
            # "Reuters reported, citing two sources, that X": the parse hung "citing" on X's verb
            citing, cited = cited_in
            dropped = set(_subtree_ids(citing))
            content = _strip(_strip([t for t in content if t.i not in dropped]))
            if _can_speak(cited):
                speaker_token, via_token = cited, speaker_token
    untrue = cue.dep == _DEP_RELCL and cue.head.pos == NOUN and any(c in content for c in _untrue_clause(cue))
    if untrue:  # "..., a claim the company said was false": what it calls false, and denies, is the noun
        content = _strip([t for t in _subtree(cue.head) if t.i < min(_subtree_ids(cue))])
    content = _date_after_cue(_strip(content), cue)
    before_cue = content and content[0].i < cue.i and _inside(content[0].idx, quotes) and not _inside(cue.idx, quotes)
    if content and (requoted or before_cue):
        # "“A,” Tulsa police Chief Jordan said": the parse's clause ran over the speaker's name
        content = _strip([t for t in content if _inside(t.idx, quotes) or t.i > cue.i]) or content
    content = _before_other_report(content, cue)
    if not content or _anonymity(content):
        return None
    content = _postposed_whole(cue, speaker_token, content, lo, hi)
    if particle is None:
        content, particle = _cue_runs_on(cue, content, lo, hi)
    start, end = content[0].idx, _end(content[-1])
    if end <= cue.idx and ";" in text[end : cue.idx]:
        return None  # "Court strikes law down; government vows to respect it": the first clause is no report
    passive = any(c.dep == _DEP_AUXPASS and not _has_read_as_is(c, cue) for c in _kids(cue))
    by_agent = speaker_token is not None and speaker_token.dep == _DEP_POBJ and speaker_token.head.dep == _DEP_AGENT
    speaker = _who(speaker_token, lo, hi, cue) if speaker_token is not None and (by_agent or not passive) else None
    if speaker is not None and relative is not None:
        speaker = replace(speaker, written=(relative.idx, _end(relative)))
    if speaker is None and cue.dep == _DEP_AMOD:
        # "the so-called “dark money” groups", "the cheekily named “Freedom Lunch”": a participle naming the
        # noun it qualifies, no one's report (a claim in train 1 time of 9)
        return None
    narrators = _narrators_hedge(cue, particle)
    if narrators:
        speaker = None
    via = _who(via_token, lo, hi, cue) if via_token is not None else _via(cue, media, start, end, speaker)
    negated = entry.stance == "asserts" and (
        untrue
        or _negated(content, start, end)
        or _called_untrue(cue) is not None
        or _rules_out(cue)
        or _found_none(cue, content, start, end)
    )
    if entry.stance == "denies" and any(c.dep == _DEP_NEG for c in _kids(cue)):
        negated, entry = False, replace(entry, stance="asserts")  # "did not deny that ...": no denial
    hedges = [(c.idx, _end(c)) for c in _kids(cue) if c.dep == _DEP_ADVMOD and c.lower in HEDGE_WORDS_IDS]
    if speaker_token is not None and not passive:
        # "Unconfirmed reports said ...": a source written as unverified hedges what it says
        hedges += [
            (c.idx, _end(c))
            for c in _kids(speaker_token)
            if c.dep in (_DEP_AMOD, _DEP_COMPOUND) and c.lower_ in _UNVERIFIED
        ]
    cue_span = _cue_span(cue)
    return _Draft(
        start=start,
        end=end,
        cue=_phrase_text(cue, text),
        cue_at=cue_span[0],
        cue_end=_end(particle) if particle is not None else _preposition_end(cue, start, cue_span),
        internal=entry.internal,
        stance="denies" if negated else entry.stance,
        hedged_by_cue=entry.hedged
        or narrators
        or (passive and speaker is None and cue.lemma_.lower() not in _ESTABLISHING),
        kind="attributed",
        speaker=speaker,
        via=via,
        negated=negated,
        hedges=hedges,
        narrators=narrators,
    )


def _imperative(verb: Token) -> bool:
    """ "Just ask any voter", "Email us", "Don't forget that ...": the article bids its reader, no one reports
    (a base-form main verb with no subject and no modal or "to")."""
    if verb.tag != _TAG_VB or verb.dep != _DEP_ROOT:
        return False
    return not any(c.dep in _DEPS_SUBJECTS or (c.dep == _DEP_AUX and c.tag in (_TAG_MD, _TAG_TO)) for c in _kids(verb))


_UNVERIFIED = frozenset({"unconfirmed", "unverified", "uncorroborated"})
_ASKING = frozenset({"ask", "question", "press", "quiz", "query"})


def _asked_whether(cue: Token, lo: int, hi: int) -> Token | None:
    """ "asked the students if they were serious": the question after the one asked is what the cue
    reports, not its object (the parse hangs it on the cue as an adverbial clause)."""
    if cue.lemma_.lower() not in _ASKING:
        return None
    asked = next((c for c in _kids(cue) if c.dep in _DEPS_DOBJ_DATIVE and c.i > cue.i), None)
    if asked is None:
        return None
    for child in _kids(cue):
        first = child.left_edge
        if (
            child.dep in _DEPS_ADVCL_CCOMP
            and first.i == asked.right_edge.i + 1
            and first.lower_ in ("if", "whether")
            and lo <= child.idx < hi
        ):
            return child
    return None


def _said_so(cue: Token, lo: int, hi: int) -> list[Token]:
    """ "after half said so", "55 percent said the same of Sanders": a "so" or "the same" after the cue
    stands for what was said (PolNeAR train: 20 of 21 such phrases are a content)."""
    for child in _kids(cue):
        if child.i == cue.i + 1 and child.dep == _DEP_ADVMOD and child.lower_ == "so":
            return [child]
        if child.i > cue.i and child.dep == _DEP_DOBJ and child.lower_ == "same":
            return _with_object_phrase(cue, _clip(_subtree(child), lo, hi), lo, hi)
    return []


def _described(pronoun: Token) -> bool:
    """ "those surveyed said", "those who back her say", "those in the poll": a demonstrative a phrase after
    it describes is a group of people, who speak."""
    return pronoun.lower_ in ("those", "these") and any(
        c.i > pronoun.i and c.dep in _DEPS_CLAUSES_PREP for c in _kids(pronoun)
    )


_OBJECT_PREPS = frozenset({"for", "of", "as", "to", "with", "about", "over", "against", "into", "from"})


def _with_object_phrase(cue: Token, content: list[Token], lo: int, hi: int) -> list[Token]:
    """ "criticized Scalia for questioning X", "accused him of lying", "described it as a hoax": the cue's
    preposition right after its object completes what the cue reports, and the content runs on over it
    (PolNeAR: an evaluative verb's "for" phrase is inside the content 237 times in train, right after
    it 4 times). Not "on" ("endorsed her on Thursday": mostly a date)."""
    if not content:
        return content
    last = content[-1].i
    for child in _kids(cue):
        if (
            child.dep == _DEP_PREP
            and child.i == last + 1
            and child.lower_ in _OBJECT_PREPS
            and any(c.dep in _DEPS_POBJ_PCOMP for c in _kids(child))
        ):
            extra = _clip(_subtree(child), lo, hi)
            if extra and extra[0].i == last + 1:
                return content + extra
    return content


_CITED_VOICES = frozenset({"source", "official", "aide", "spokesman", "spokeswoman", "witness", "person", "people"})


def _can_speak(cited: Token) -> bool:
    """ "X said Z, citing officials": the officials speak and X relays; "citing data / a conspiracy
    theory / her work" names X's grounds, and X speaks (PolNeAR's source of "X, citing Y, said" is X)."""
    lemma = cited.lemma_.lower()
    return cited.ent_type_ in ("PERSON", "ORG", "NORP") or lemma in _CITED_VOICES or lemma in ROLES


def _narrators_hedge(cue: Token, particle: Token | None) -> bool:
    """ "Trump seems to enjoy it", "support appears to have fallen": the article's own hedge, not what
    the subject says; PolNeAR gives such a cue no source (train: 166 of 205). Not when the cue runs on
    into a verb of saying ("appeared to suggest that X": the subject suggests)."""
    return particle is None and cue.lemma_.lower() in HEDGE_VERBS


def _date_after_cue(content: list[Token], cue: Token) -> list[Token]:
    """When the report was made is no part of it: "said Monday the city would rebuild", "said on Wednesday
    the army had withdrawn" (the parse hung the date on the reported clause), and "said on Tuesday Turkey
    would not halt ..." (it made "Tuesday Turkey" one noun, the clause's subject the date's)."""
    if not content or content[0].i <= cue.i:
        return content
    doc = cue.doc
    run = _run(doc, cue.i + 1, content[-1].i + 1)  # from right after the cue to the content's end
    k = 1 if run and run[0].dep == _DEP_PREP and run[0].lower_ in ("on", "in", "at", "during") else 0
    dated = k
    while dated < len(run) and run[dated].ent_type in _ENTS_DATE_TIME:
        dated += 1
    if dated == k or dated >= len(run) or run[dated].is_punct or run[dated].lower in _CLAUSE_MARKS_IDS:
        return content  # no date, or "said Monday that ..." / "said Monday, ...": the parse did not misplace it
    last, after = run[dated - 1], run[dated]
    # the date modifies a verb (or is the object of "on"); not "Monday's attack", "Monday was the worst day"
    if not (
        last.dep in _DEPS_NPADVMOD_POBJ
        or (last.dep == _DEP_COMPOUND and last.head.i == after.i and after.dep == _DEP_POBJ)
    ):
        return content
    inside = {t.i for t in content}
    rest = [t for t in run[dated:] if t.i in inside or t.i < content[0].i]
    if rest[0].i < content[0].i:  # "Tuesday Turkey": the date's noun, outside the content, is its subject
        if any(t.dep in _DEPS_NSUBJ_NSUBJPASS and t.head.i in inside for t in content) or not all(
            t.pos in (PROPN, NOUN, DET, ADJ) for t in rest[: content[0].i - rest[0].i]
        ):
            return content
    elif not any(t.dep in _DEPS_NSUBJ_NSUBJPASS for t in rest):
        return content  # "Monday was the worst day": the day is the subject
    return rest


def _before_other_report(content: list[Token], cue: Token) -> list[Token]:
    """ "74 percent said they are set on X, while 22 percent said Y": a clause joined to the content that
    holds a cue with a subject of its own is another report, not part of this one; the content ends before it.
    So does a second report of the same speaker ("said he makes X and questioned how ...": ``_second_report``)."""
    if not content:
        return content
    content = _before_relative_report(content)
    inside = {t.i for t in content}
    curated = cue_lexicon(learned=False)
    for token in content:
        if (disputed := _disputed_after(token, inside)) is not None and (kept := _cut_before(content, disputed)):
            return kept
        if (said := _second_report(token)) is not None and said.i == cue.i and (kept := _cut_before(content, token)):
            return kept
        if (
            token.dep in _DEPS_CONJ_ADVCL
            and token.head.i in inside
            and token.i > content[0].i
            and any(c.dep == _DEP_NSUBJ and c.lower not in QUOTED_VOICES_IDS for c in _kids(token))
            # a speech verb: "..., while 22 percent said ..."; after "although" a learned cue too ("claimed
            # A, although he refused to pledge B": train, such a cue's clause ends the content 37 times in 52),
            # not the article's hedge ("A, though B appears to lead")
            and (
                token.lemma_.lower() in curated
                or (
                    (_contrasted(token) or any(_after_comma_since(c, token) for c in _kids(token)))
                    and token.lemma_.lower() not in HEDGE_VERBS
                    and _cue_of(token, curated)
                )
            )
            and token.lemma_.lower() not in INTERNAL_STATES  # "..., and we think ...": the quoted words
            and frame(token) != "none"
            and not any(
                c.dep == _DEP_MARK and c.lower not in _LOWERS_CONTRAST and not _after_comma_since(c, token)
                for c in _kids(token)
            )
            and (kept := _cut_before(content, token))
        ):  # "said A and that B", "when he said ...": still what was said, or when
            return kept
    return content


def _citing(token: Token) -> bool:
    """A "citing" or "quoting" clause hung on a verb ("said, citing officials, ...")."""
    return token.dep == _DEP_ADVCL and token.lemma_.lower() in ("cite", "quote")


def _citing_subject(subject: Token) -> Token | None:
    """ "The news agency IRNA, citing a governor, said X": the parse hung "citing" on the subject;
    the "citing" clause after a comma, whose cited one can speak (the subject relays)."""
    for child in _kids(subject):
        if (
            child.dep == _DEP_ACL
            and child.i > subject.i
            and child.lemma_.lower() in ("cite", "quote")
            and child.nbor(-1).is_punct
            and (cited := _cited_by(child, after=True)) is not None
            and _can_speak(cited)
        ):
            return child
    return None


def _cited_by(citing: Token, after: bool = False) -> Token | None:
    """The one a "citing" clause cites, its object (``after``: only one written after the verb)."""
    return next((c for c in _kids(citing) if c.dep in _DEPS_DOBJ_POBJ and (not after or c.i > citing.i)), None)


def _misplaced_citing(cue: Token) -> bool:
    """ "reported, citing two sources, that X": the "citing" the parse hung on X's verb is the report's
    (``_cited_in_content``), not a report of its own."""
    if (
        cue.dep == _DEP_ACL
        and cue.head.dep == _DEP_NSUBJ
        and _citing_subject(cue.head) == cue
        and any(c.dep == _DEP_CCOMP and c.i > cue.i for c in _kids(cue.head.head))
    ):
        return True  # "The agency IRNA, citing Y, said that Z": one report, Y's (``_citing_subject``)
    if not _citing(cue):
        return False
    head = cue.head
    if (
        head.i > cue.i
        and head.dep == _DEP_CCOMP
        and head.head.i < cue.i
        and cue.left_edge.i > 0
        and cue.left_edge.nbor(-1).is_punct
    ):
        return True
    # "X told AFP, citing Y, that Z", "X, citing Y, reported that Z": the verb's report is Y's (X relays),
    # and "citing Y" no report of its own
    cited = _cited_by(cue, after=True)
    return (
        cited is not None
        and _can_speak(cited)
        and not any(c.dep == _DEP_CCOMP for c in _kids(cue))
        and any(c.dep == _DEP_CCOMP and c.i > cue.i for c in _kids(head))
    )


def _cited_before_clause(cue: Token, content: list[Token]) -> Token | None:
    """ "X told AFP, citing Y, that Z": a "citing" clause of a verb before it, its cited one able to speak
    and then a reported clause the parse hung on "citing"; the one cited (X relays)."""
    if not _citing(cue) or cue.head.i > cue.i or not content:
        return None
    cited = _cited_by(cue, after=True)
    if cited is None or not _can_speak(cited) or content[0].i <= cited.right_edge.i:
        return None
    return cited if any(c.dep == _DEP_CCOMP and c.i > cited.i for c in _kids(cue)) else None


def _cited_in_content(content: list[Token], cue: Token) -> tuple[Token, Token] | None:
    """ "reported, citing two sources, that X": a "citing"/"quoting" clause right after the cue and before
    its content, which the parse hung on the content's verb; with the one it cites."""
    words = [t for t in content if not t.is_punct]
    if not words or words[0].i <= cue.i or not _citing(words[0]):
        return None
    citing = words[0]
    if citing.head.i not in {t.i for t in content} or citing.head.i < citing.i:
        return None
    cited = _cited_by(citing)
    return (citing, cited) if cited is not None else None


def _disputed_after(verb: Token, inside: set[int]) -> Token | None:
    """ "X said A, an accusation Rwanda denied", "..., a claim the group rejected", "..., which the navy
    denied": a denial by another speaker written after the content, through a noun or "which" standing
    for it, is that speaker's report; the content ends before the noun or the "which"."""
    if not any(c.dep == _DEP_NSUBJ for c in _kids(verb)):
        return None
    if verb.lemma not in _denial_lemmas() and not (verb.dep == _DEP_RELCL and _untrue_clause(verb)):
        return None
    if verb.dep == _DEP_RELCL and verb.head.i in inside and verb.head.i < verb.i and verb.head.pos == NOUN:
        noun = verb.head
        if noun.head.i in inside and noun.i > noun.head.i and noun.left_edge.i > 0 and noun.left_edge.nbor(-1).is_punct:
            return noun
    which = next((c for c in _kids(verb) if c.lower_ == "which" and c.i < verb.i), None)
    if which is not None and which.i > 0 and which.nbor(-1).is_punct and verb.head.i in inside:
        return which
    return None


def _untrue_clause(verb: Token) -> list[Token]:
    """ "a claim the company said was false": the clause with no subject of its own, a copula calling the
    noun untrue, that a verb of saying in a relative clause takes; a report that calls it untrue denies it."""
    return [
        c
        for c in _kids(verb)
        if c.dep == _DEP_CCOMP
        and not any(d.dep in _DEPS_SUBJECTS for d in _kids(c))
        # "a figure the army said was exaggerated": of a figure standing for the report, overstated is untrue
        and (_says_untrue(c) or any(d.dep == _DEP_ACOMP and d.lemma_.lower() in _OVERSTATED for d in _kids(c)))
    ]


def _before_relative_report(content: list[Token]) -> list[Token]:
    """The content up to a comma relative clause at its end that holds another speaker's report
    (``_reported_in_relative``)."""
    inside = {t.i for t in content}
    for token in content:
        if token.head.i in inside and _reported_in_relative(token, content) and (kept := _cut_before(content, token)):
            return kept
    return content


def _reported_in_relative(verb: Token, content: list[Token]) -> bool:
    """ "shelled a market in Kassar, where a rebel group said 17 were killed": a comma relative clause
    at the content's end whose verb of saying has a subject of its own is another speaker's report,
    not part of this one."""
    if verb.dep != _DEP_RELCL or verb.head.i >= verb.i or verb.lemma_.lower() not in cue_lexicon(learned=False):
        return False
    subject = next((c for c in _kids(verb) if c.dep == _DEP_NSUBJ), None)
    if subject is None or subject.i > verb.i or subject.tag in _TAGS_WP_WDT or subject.pos == PRON:
        return False
    first = min(_subtree_ids(verb))
    words = [t for t in content if not (t.is_punct or t.is_space)]
    return (
        first > 0
        and verb.doc[first - 1].text == ","
        and bool(words)
        and words[0].i < first
        and verb.right_edge.i >= words[-1].i
    )


def _after_comma_since(mark: Token, verb: Token) -> bool:
    """ "..., a day after the ministry accused X": a clause of time after a comma, whose verb of saying
    has a subject of its own, is another report written as the occasion of this one."""
    first = min(_subtree_ids(verb))
    return mark.lower in _LOWERS_AFTER and first > 0 and verb.doc[first - 1].text == ","


def _contrasted(verb: Token) -> bool:
    """A clause opened by "although", "though", "while" or "whereas" after a comma or dash."""
    return any(
        c.dep == _DEP_MARK and c.lower in _LOWERS_CONTRAST and c.i > 0 and c.nbor(-1).is_punct for c in _kids(verb)
    )


def _cut_before(content: list[Token], clause: Token) -> list[Token]:
    """The content up to the clause's first token, without the conjunction or comma that joined them."""
    first = min(_subtree_ids(clause))
    kept = [t for t in content if t.i < first]
    while kept and (kept[-1].dep == _DEP_CC or kept[-1].is_punct or kept[-1].is_space):
        kept.pop()
    return kept


def _second_report(verb: Token) -> Token | None:
    """The cue a verb is a second report of: "X said he makes $41,000 and questioned how ...": a speech verb
    joined to the head of another cue's clause, without a subject and in that cue's tense, is the speaker's
    next report (the parse joined it to the clause). So is a participle after a comma ("X said the talks
    failed, noting that ..."; PolNeAR's train split makes such a participle a cue of its own 347 times in
    383). None otherwise."""
    head = verb.head
    participle = verb.dep == _DEP_ADVCL and verb.tag == _TAG_VBG and verb.i > 0 and verb.nbor(-1).text == ","
    # the reported clause, or an infinitive ("vowed to stay, rejecting calls to leave")
    reported = head.dep == _DEP_CCOMP or (participle and (head.dep == _DEP_XCOMP or _dated_infinitive(head.head, head)))
    if not (verb.dep == _DEP_CONJ or participle) or not reported or head.head.i >= head.i:
        return None
    cue = head.head
    curated = cue_lexicon(learned=False)
    if (
        (verb.tag != cue.tag and not participle and not {verb.tag, cue.tag} <= _TAGS_FINITE)
        or _cue_of(verb, curated) is None
        # "..., showing X": the numbers show; "..., calling the report false": the speaker calls
        or (participle and verb.lemma_.lower() not in curated and verb.lemma_.lower() not in DESCRIBING_CUES)
        or verb.lemma_.lower() in INTERNAL_STATES
        or cue.lemma_.lower() not in curated
        or frame(verb) == "none"
        or any(c.dep in _DEPS_NSUBJ_NSUBJPASS for c in _kids(verb))
    ):
        return None
    return cue


def _quote_resumed(found: list[_Draft], tokens: list[Token], lo: int, hi: int, quotes: SpanIndex) -> list[_Draft]:
    """ "“A,” the union chief said in March, “but B.”": a quotation interrupted by its cue resumes after
    it in the same sentence; B is a second part of the same report (same cue and speaker), which the
    corpus annotates as one attribution."""
    resumed = []
    for draft in found:
        quoted_before = draft.end <= draft.cue_at and _inside(draft.start, quotes)
        if draft.kind != "attributed" or draft.cue_end < 0 or not quoted_before:
            continue
        after = next(((s, e) for s, e in quotes.overlapping(draft.cue_end, hi) if draft.cue_end <= s < hi), None)
        if (
            after is None
            or "“" in (gap := text_of(tokens[0].doc)[draft.cue_end : after[0]])
            or '"' in gap
            or len(gap) > 60
        ):
            continue
        if not gap.rstrip().endswith(",") or any(
            d.start <= after[0] < d.end or draft.cue_end <= d.cue_at < after[0] for d in found
        ):  # taken, or another cue between ("said, adding later, “B”": B is the adding's)
            continue
        part = _strip([t for t in tokens if after[0] < t.idx < min(after[1], hi)])
        if not part:
            continue
        start, end = part[0].idx, _end(part[-1])
        if draft.negated:  # the denial was read off the first part's words
            negated = _negated(part, start, end)
            draft = replace(draft, negated=negated, stance="denies" if negated else "asserts")
        resumed.append(replace(draft, start=start, end=end, hedges=list(draft.hedges)))
    return found + resumed


def _postposed_whole(cue: Token, subject: Token | None, content: list[Token], lo: int, hi: int) -> list[Token]:
    """ "A, but B, the source added": the parse made the cue a conjunct of A's verb and gave it B
    alone; a cue after its subject after the content reports all of the sentence before it, A and B.
    Not when A's verb is a cue reporting what comes before it ("“A,” he said, and “B,” she added": two
    reports); a cue that opens A ("X had told police that A, but B, the source added") is inside it."""
    head = cue.head
    if (
        cue.dep != _DEP_CONJ
        or subject is None
        or not head.i < content[0].i
        or not content[-1].i < subject.i < cue.i
        or (
            _cue_of(head, cue_lexicon(learned=False)) is not None
            and any(c.dep == _DEP_CCOMP and c.i < head.i for c in _kids(head))
        )
    ):
        return content
    inside = set(_subtree_ids(cue))
    first = min(i for i in _subtree_ids(head) if i not in inside or i >= content[0].i)
    widened = _strip(_clip(_run(cue.doc, first, content[-1].i + 1), lo, hi))
    return widened or content


def _cue_runs_on(cue: Token, content: list[Token], lo: int, hi: int) -> tuple[list[Token], Token | None]:
    """Where the cue runs on into what was its content, the content and the cue's last word (None: the
    cue ends as before). PolNeAR's cue is the whole predicate up to the proposition:
    - "appeared to suggest that X", "wanted to know who X": an infinitive that is a cue with its own clause;
    - "called on Trump to stop ...": the cue's learned preposition, its object opening the content;
    - "issued a statement saying X", "released a statement Tuesday calling on X to ...": the statement's
      participle ends the cue and X is the content (PolNeAR: 20 times in train, the cue never stops at
      the verb when a participle follows the statement);
    - "issued a report charging X", "released a list of X", "unveiled a proposal to X": a published artefact
      (``ARTEFACTS``, ``PUBLISHING``) and its participle, preposition or noun end the cue (rules alone,
      cue exact F1: 80 % of train 0.6551 -> 0.6557, its other 20 % 0.6300 -> 0.6311, dev 0.6863 -> 0.6865)."""
    root = next((t for t in content if t.head == cue), None)
    if root is None:
        return content, None
    if root.dep == _DEP_DOBJ and (
        root.lower_ in ("statement", "statements")
        or (root.lemma_.lower() in ARTEFACTS and cue.lemma_.lower() in PUBLISHING)
    ):
        told = next((c for c in _kids(root) if c.dep == _DEP_ACL and _telling(c) and c.i > root.i), None)
        if told is None:  # "released a statement Friday, saying X": the parse hangs the participle on the verb
            told = next((c for c in _kids(cue) if c.dep == _DEP_ADVCL and c.tag == _TAG_VBG and c.i > root.i), None)
            gap = _run(cue.doc, root.right_edge.i + 1, told.i) if told is not None else []
            if told is not None and (len(gap) > 4 or not all(map(_dating, gap))):
                told = None
        rest = _strip(_clip([t for t in _subtree(told) if t.i > told.i], lo, hi)) if told is not None else []
        if told is not None and rest:
            if rest[0].dep == _DEP_PREP and rest[0].head == told and rest[0].i == told.i + 1 and rest[1:]:
                return _strip(rest[1:]), rest[0]  # "calling on"
            return rest, told
        published = told is None and cue.lemma_.lower() in PUBLISHING
        if published and (about := _noun_complement(root, _ARTEFACT_PREPS, lo, hi)):
            return about  # "released a list of X", "issued a detailed plan to X"
    if root.dep == _DEP_DOBJ and (light := _light_object(cue, root, lo, hi) or _no_sign(cue, root, lo, hi)):
        return light
    if root.dep == _DEP_XCOMP and _cue_of(root, cue_lexicon(learned=False)) is not None:
        clause = next((c for c in _kids(root) if c.dep == _DEP_CCOMP and c.i > root.i and lo <= c.idx < hi), None)
        inner = _strip(_clip(_subtree(clause), lo, hi)) if clause is not None else []
        if inner:
            return inner, max((c for c in _kids(root) if c.dep == _DEP_PRT), default=root, key=lambda t: t.i)
    if root.dep == _DEP_XCOMP:
        prep = next((c for c in _kids(cue) if c.dep == _DEP_PREP and cue.i < c.i < root.i), None)
        pobj = next((c for c in _kids(prep) if c.dep == _DEP_POBJ), None) if prep is not None else None
        if prep is not None and pobj is not None and (cue.lemma_.lower(), prep.lower_) in _learned_particles():
            return _strip(_clip([*_subtree(pobj), *content], lo, hi)), prep
    return content, None


# What a cue verb publishes ("issued a report", "released a list of"): the artefact and its participle or
# preposition are the cue's, what the artefact says or is about the content (PolNeAR train: see ``_cue_runs_on``).
ARTEFACTS = frozenset(
    """statement report letter memo list ad advertisement video message email plan proposal op-ed column story
    complaint lawsuit petition order study paper analysis note document release spot commercial brief editorial
    tweet""".split()
)
# Verbs that make an artefact public: "defended his plan to X", "praised her plans" keep the object as content.
PUBLISHING = frozenset("issue release publish unveil outline post put send launch circulate".split())
_ARTEFACT_PREPS = frozenset({"of", "about", "on", "against", "for", "in", "with", "to"})
_TITLED = frozenset({"titled", "entitled", "headlined"})


def _telling(participle: Token) -> bool:
    """The participle that says what an artefact says: "a statement saying", "a memo titled"."""
    return participle.tag == _TAG_VBG or (participle.tag == _TAG_VBN and participle.lower_ in _TITLED)


def _noun_complement(noun: Token, preps: Container[str], lo: int, hi: int) -> tuple[list[Token], Token] | None:
    """A cue noun's proposition and the cue's last word: the object of one of ``preps`` right after the noun
    ("a list of X", "support for X"; the cue ends at the preposition), or a clause right after it ("a plan
    to X", "concern that X"; the cue ends at the noun). None without one."""
    for child in _kids(noun):
        if child.i <= noun.i:
            continue
        if child.i == noun.i + 1 and child.dep == _DEP_PREP and child.lower_ in preps:
            rest = _strip(_clip([t for c in _kids(child) if c.dep in _DEPS_POBJ_PCOMP for t in _subtree(c)], lo, hi))
            return (rest, child) if rest else None
        if child.dep in (_DEP_ACL, _DEP_CCOMP) and child.left_edge.i == noun.i + 1:
            rest = _strip(_clip(_subtree(child), lo, hi))
            return (rest, noun) if rest else None
    return None


_LIGHT_VERBS = frozenset({"express", "voice"})
_LIGHT_PREPS = frozenset({"about", "for", "over", "at", "with", "in", "of"})


def _light_object(cue: Token, noun: Token, lo: int, hi: int) -> tuple[list[Token], Token] | None:
    """ "expressed concern that X", "voiced support for X": the bare noun and its preposition are the cue,
    X the content (PolNeAR: a bare noun inside the cue 18 times in train, outside 6; "expressed their
    support" keeps it out, and so does this)."""
    if cue.lemma_ not in _LIGHT_VERBS or noun.pos != NOUN or any(c.dep in (_DEP_DET, _DEP_POSS) for c in _kids(noun)):
        return None
    if not all(t.dep == _DEP_AMOD and t.head == noun for t in _run(cue.doc, cue.i + 1, noun.i)):
        return None  # "expressed similar doubts": adjectives only between
    return _noun_complement(noun, _LIGHT_PREPS, lo, hi)


# "showed no sign of backing down", "shows little interest in X", "has shown little inclination to X"
_SIGN_NOUNS = frozenset({"sign", "interest", "inclination", "intention", "willingness", "appetite"})
_FEW_IDS = frozenset(get_string_id(w) for w in ("no", "little", "few", "any"))
_SIGN_PREPS = frozenset({"of", "in"})


def _no_sign(cue: Token, noun: Token, lo: int, hi: int) -> tuple[list[Token], Token] | None:
    """ "showed no sign of X", "shows little interest in X": the cue runs to the noun and its preposition, X
    the content (PolNeAR's cue holds the noun 10 times in train, leaves it out twice, both with no X after)."""
    if cue.lemma_ != "show" or noun.lemma_ not in _SIGN_NOUNS or not any(c.lower in _FEW_IDS for c in _kids(noun)):
        return None
    return _noun_complement(noun, _SIGN_PREPS, lo, hi)  # "no sign of X", "no sign that X", "little inclination to X"


def _dating(token: Token) -> bool:
    """A comma or a word of a date: "Friday", "on Friday", "Friday night"."""
    if token.is_punct or token.ent_type in _ENTS_DATE_TIME:
        return True
    return token.dep == _DEP_PREP and token.i + 1 < len(token.doc) and token.nbor().ent_type in _ENTS_DATE_TIME


def _according_to(according: Token, lo: int, hi: int) -> _Draft | None:
    """ "..., according to X": X speaks; the clause the phrase hangs on is the content."""
    to = according.nbor()
    source = next((c for c in (*_kids(to), *_kids(according)) if c.dep == _DEP_POBJ), None)
    if source is None:
        return None
    phrase = set(_subtree_ids(according)) | {to.i} | set(_subtree_ids(source))
    return _sourced(according, to, source, phrase, lo, hi)


POLLS = frozenset({"poll", "survey"})


def _in_poll(prep: Token, lo: int, hi: int) -> _Draft | None:
    """ "In the latest poll, Clinton leads by 5 points", "his gains in some polls": the poll speaks
    (PolNeAR's cue is the "in"; 43 of its 67 "in" cues in train have a poll or survey as source)."""
    source = next((c for c in _kids(prep) if c.dep == _DEP_POBJ), None)
    if source is None or source.lemma_.lower() not in POLLS:
        return None
    if prep.head.pos in (NOUN, PROPN) and prep.head.dep == _DEP_POBJ:
        # "pointed to his standing in the polls": a noun inside another phrase, no finding the poll reports
        # (an attribution in train 7 times of 27)
        return None
    return _sourced(prep, prep, source, set(_subtree_ids(prep)), lo, hi)


def _sourced(first: Token, last: Token, source: Token, phrase: set[int], lo: int, hi: int) -> _Draft | None:
    """A phrase that names a source ("according to X", "in a poll"): the clause it hangs on is the content."""
    anchor: Token | None = first.head
    if anchor == first or not lo <= first.head.idx < hi:  # the parse ran into the line before
        rest = [t for t in _clip(first.sent, lo, hi) if t.i not in phrase]
        roots = [t for t in rest if t.pos in (VERB, AUX) and not lo <= t.head.idx < hi]
        anchor = next(iter(roots), None) or next((t for t in rest if t.pos == VERB), None)
    if anchor is None:
        return None
    content = _strip([t for t in _clip(_subtree(anchor), lo, hi) if t.i not in phrase])
    if not content:
        return None
    start, end = content[0].idx, _end(content[-1])
    negated = _negated(content, start, end)
    # "according to unconfirmed reports": a source written as unverified hedges what it says
    hedges = [
        (c.idx, _end(c)) for c in _kids(source) if c.dep in (_DEP_AMOD, _DEP_COMPOUND) and c.lower_ in _UNVERIFIED
    ]
    return _Draft(
        start=start,
        end=end,
        cue=" ".join(t.text for t in _run(first.doc, first.i, last.i + 1)),
        cue_at=first.idx,
        cue_end=_end(last),
        stance="denies" if negated else "asserts",
        hedged_by_cue=False,
        kind="attributed",
        speaker=_who(source, lo, hi),
        negated=negated,
        hedges=hedges,
    )


def _quoted_as_saying(cue: Token, lo: int, hi: int, consumed: set[int]) -> tuple[Token, list[Token]] | None:
    """ "X quoted Y as saying Z" -> (Y, Z), read off the words when the parse went astray."""
    doc = cue.doc
    after = _before(doc, cue.i + 1, hi)  # not the rest of the whole Doc
    at = next(
        (k for k, t in enumerate(after[:-1]) if t.lower == _LOWER_AS and after[k + 1].lemma_ in ("say", "tell")), None
    )
    if at is None:
        return None
    saying = after[at + 1]
    source = next((c for c in _kids(cue) if c.dep == _DEP_DOBJ and c.i < saying.i), None)
    if source is None:
        source = next((t for t in reversed(after[:at]) if t.pos in (NOUN, PROPN, PRON)), None)
    if source is None:
        return None
    consumed.add(saying.i)
    head = next((c for c in _kids(saying) if c.dep in _DEPS_CCOMP_XCOMP_DOBJ and lo <= c.idx < hi), None)
    return source, _clip(_subtree(head), lo, hi) if head is not None else after[at + 2 :]


def _complement(cue: Token, entry: Cue, lo: int, hi: int, quotes: SpanIndex) -> Token | None:
    deps = (_DEP_CCOMP, _DEP_XCOMP, _DEP_DOBJ) if "object" in entry.takes else (_DEP_CCOMP,)
    for dep in deps:
        # its head may lie in a dateline cut from the sentence ("WASHINGTON ― X is ..., they said")
        found = [c for c in _kids(cue) if c.dep == dep and (lo <= c.idx < hi or c.idx < lo <= c.right_edge.idx)]
        if not found:
            continue
        after = next((c for c in found if c.i > cue.i), None)
        if after is not None and found[0].i < cue.i and not _inside(found[0].idx, quotes):
            # "A majority say X; 26 percent say Y", "It was notable: until then, they had said Y": the parse
            # made the clause before the cue its complement too; the one after is what was said (a
            # quotation before it, "“A,” he said, “B”", stays the content, B resumes it)
            return after
        return found[0]
    return _clause_read_as_subject(cue, lo, hi)


def _clause_read_as_subject(cue: Token, lo: int, hi: int) -> Token | None:
    """ "Israeli air strikes killed 50 people on Monday, the health ministry said": the small model may
    read the clause before the comma as a subject with a reduced relative clause ("strikes [that]
    killed ...") beside the speaker, so the cue has two subjects and no complement. The first, a noun
    with a verb in the past hung on it and a comma after it, is what was said. (Where the parser ends a
    sentence at that comma instead, the claim is still lost.)"""
    subjects = [c for c in _kids(cue) if c.dep == _DEP_NSUBJ and lo <= c.idx and c.i < cue.i]
    if len(subjects) == 1 and cue.head == cue and subjects[0].left_edge.i > 0:
        # or the parser ended a sentence at the comma (``_speaker_after_split``): the clause is a tree of its own
        root = cue.doc[subjects[0].left_edge.i - 2] if subjects[0].left_edge.i > 1 else cue
        while root.head != root:
            root = root.head
        if root != cue and root.idx >= lo and cue.doc[subjects[0].left_edge.i - 1].text == ",":
            return root if root.pos == VERB or _reads_as_clause(root) else None
        return None
    if len(subjects) < 2:
        return None
    first = subjects[0]
    after = first.right_edge.i + 1
    if after >= subjects[-1].left_edge.i or first.doc[after].text != ",":
        return None
    return first if _reads_as_clause(first) else None


def _reads_as_clause(noun: Token) -> bool:
    """A noun with a verb in the past, or a participle with an object of its own, hung on it ("strikes
    killed 50 people": not the passive "protesters detained in the raid")."""
    verbs = [c for c in _kids(noun) if c.dep == _DEP_ACL and c.i > noun.i]
    return any(v.tag == _TAG_VBD or (v.tag == _TAG_VBN and any(k.dep == _DEP_DOBJ for k in _kids(v))) for v in verbs)


def _after_colon(cue: Token, hi: int, text: str) -> list[Token]:
    """ "He added: the plan ..." - what follows a colon right after the cue; when the colon ends
    the sentence, the paragraph that follows ("She said:" and a quoted paragraph)."""
    doc = cue.doc
    colon = next((t for t in _run(doc, cue.i + 1, cue.i + 5) if t.text == ":" and t.idx < hi), None)
    if colon is None:
        return []
    rest = _before(doc, colon.i + 1, hi)
    if _strip(rest):
        return rest
    start = hi + len(text[hi:]) - len(text[hi:].lstrip())
    end = text.find("\n", start)
    span = doc.char_span(start, len(text) if end < 0 else end, alignment_mode="expand")
    return list(span) if span is not None and not text[hi:start].count("\n") > 2 else []


def _question(cue: Token, lo: int, hi: int) -> list[Token]:
    """ "Asked whether the plan would work, ...", "60 percent said yes": a clause right after the cue opened
    by "if" or "whether" (the parse hangs it as an adverbial clause) is the question; a "yes" or "no" the
    answer (before a quotation nearby, which is the question's words)."""
    for child in _kids(cue):
        if child.i <= cue.i:
            continue
        if child.dep == _DEP_INTJ and child.lower_ in ("yes", "no"):
            return [child]
        if child.dep == _DEP_ADVCL and any(
            c.dep == _DEP_MARK and c.lower_ in ("if", "whether") and c.i == cue.i + 1 for c in _kids(child)
        ):
            return _clip(_subtree(child), lo, hi)
        # "did not say when it would publish": after a negated cue, "when" asks (after "said when he
        # arrived", it tells when)
        if (
            child.dep == _DEP_ADVCL
            and any(c.dep == _DEP_NEG for c in _kids(cue))
            and any(c.tag == _TAG_WRB and c.i == cue.i + 1 for c in _kids(child))
        ):
            return _clip(_subtree(child), lo, hi)
    return []


def _that_next(cue: Token, lo: int, hi: int) -> list[Token]:
    """ "he said, noting that at one point he had trailed": a "that" right after the cue opens what was
    said though the parse made it a preposition (or a determiner) on the cue; without it the cue took the
    quotation before it, its head verb's."""
    after = cue.nbor() if cue.i + 1 < len(cue.doc) else None
    if after is None or after.lower != _LOWER_THAT or after.head != cue or after.dep == _DEP_MARK:
        return []
    return _clip((t for t in _subtree(after) if t != after), lo, hi)


def _that_clause(cue: Token, lo: int, hi: int) -> list[Token]:
    """ "X said earlier on Friday during a news conference that ...": the parse hung the clause on a
    noun in between; the first "that" after the cue still opens what was said."""
    for token in _before(cue.doc, cue.i + 1, hi):
        if token.pos == VERB and token.dep not in _DEPS_ACL_RELCL:
            return []
        if token.lower == _LOWER_THAT and token.dep == _DEP_MARK and token.head.idx > cue.idx:
            return _clip(_subtree(token.head), lo, hi)
    return []


def _raised(cue: Token, lo: int, hi: int) -> list[Token]:
    """ "The convoy is believed to have crossed": a passive cue with an infinitive says, hedged and
    with no speaker, that its subject did so; the content runs from the subject to the infinitive's end."""
    if not any(c.dep == _DEP_AUXPASS for c in _kids(cue)):
        return []
    subject = next((c for c in _kids(cue) if c.dep == _DEP_NSUBJPASS), None)
    wish = next((c for c in _kids(cue) if c.dep == _DEP_XCOMP), None)
    if subject is None or wish is None:
        return []
    inside = set(_subtree_ids(subject)) | set(_subtree_ids(wish))
    first, last = min(inside), max(inside)
    return _clip((t for t in _run(cue.doc, first, last + 1) if t.i in inside), lo, hi)


# a cue with one of these has a content, a passive subject or a preposition of its own (``_modified``)
_DEPS_MODIFIED_OWN = frozenset(
    get_string_id(w) for w in ("dobj", "ccomp", "xcomp", "nsubjpass", "prep", "prt", "dative", "attr", "oprd")
)


def _modified(cue: Token, lo: int, hi: int) -> list[Token]:
    """ "everything he said", "the campaign she envisioned": a cue in a relative clause, with no object,
    clause or preposition of its own, reports the noun it modifies (the gap is its object); the content
    is the noun's phrase before the clause. (A participle on the noun, "the plan rejected on Monday",
    made as many wrong claims as right ones on held-out PolNeAR.)"""
    if cue.dep != _DEP_RELCL or cue.head.pos not in (NOUN, PROPN, PRON) or cue.head.i > cue.i:
        return []
    if cue.head.ent_type_ in ("DATE", "TIME") or any(
        c.dep in _DEPS_MODIFIED_OWN or c.tag in _TAGS_WP_WDT for c in _kids(cue)
    ):  # "the day the deal was announced", "the ideas he believes in": the noun is no object of the cue
        return []
    inside = set(_subtree_ids(cue))
    return _clip((t for t in _subtree(cue.head) if t.i not in inside and t.i < cue.i), lo, hi)


# a cue with one of these says something of its own, not the clause its "as" hangs on (``_as_reported``)
_DEPS_AS_OWN = frozenset(get_string_id(w) for w in ("dobj", "dative", "ccomp", "xcomp", "attr", "oprd", "acomp"))


def _as_reported(cue: Token, lo: int, hi: int) -> list[Token]:
    """ "As the paper reported, X", "X, as critics point out": a cue in an "as" clause with a speaker and
    no object or clause of its own reports the clause it hangs on (PolNeAR train: 57 of 71 such clauses
    with a learned cue are annotated so). Not a comparison ("as much as many had hoped", "as violent as
    he suggested"), a scene ("as the crowd was chanting") nor one with no speaker ("as expected")."""
    if cue.dep != _DEP_ADVCL or cue.tag == _TAG_VBG or not lo <= cue.head.idx < hi:
        return []
    kids = _kids(cue)
    it = _as_it(cue)  # "as the memo put it"
    if not _as_clause(cue) or any(c.dep in _DEPS_AS_OWN and c != it for c in kids):
        return []
    if not any(c.dep == _DEP_NSUBJ or c.dep == _DEP_AGENT for c in kids):
        return []
    head = cue.head
    if head.pos not in (VERB, AUX) or any(c.lower == _LOWER_AS and c.i < cue.i for c in _kids(head)):
        return []
    inside = set(_subtree_ids(cue))
    content = _strip(_clip((t for t in _subtree(head) if t.i not in inside), lo, hi))
    while content and content[0].dep == _DEP_CC:
        content = _strip(content[1:])  # "But as X noted, Y": the conjunction joins the article's sentences
    return content


def _requesting(verb: Token) -> bool:
    """A verb that reports a request ("urged party leaders to turn away from X", "asked him to run"): one
    the learned table calls a cue with an infinitive often enough (``MIN_REQUEST_COUNT``, ``MIN_REQUEST_SHARE``)."""
    return _learned(f"{verb.lemma_.lower()}:infinitive", MIN_REQUEST_SHARE, MIN_REQUEST_COUNT)


def _phrase_content(cue: Token, lo: int, hi: int) -> tuple[list[Token], Token | None]:
    """What a learned cue takes when it has no clause: its object with the predicate that follows
    ("called the plan a disaster"), or the object of its learned preposition ("called for X").
    Returns the content and the preposition, which then belongs to the cue."""
    after = [c for c in _kids(cue) if c.i > cue.i and lo <= c.idx < hi]
    obj = next((c for c in after if c.dep == _DEP_DOBJ), None)
    if obj is not None:
        if not _requesting(cue) and any(
            c.dep == _DEP_XCOMP and c.i > obj.i and any(a.lower == _LOWER_TO for a in _kids(c)) for c in after
        ):  # "They pressed him to withdraw": a request reported as an event, not a proposition
            return [], None
        parts = [obj, *(c for c in after if c.i > obj.i and c.dep in _DEPS_OPRD_XCOMP_CCOMP)]
        return _with_object_phrase(cue, _clip((t for part in parts for t in _subtree(part)), lo, hi), lo, hi), None
    wish = next((c for c in after if c.dep == _DEP_XCOMP or _dated_infinitive(cue, c)), None)  # "plans to visit"
    if wish is not None:
        return _clip(_subtree(wish), lo, hi), None
    prep = next((c for c in after if c.dep == _DEP_PREP and c.i == cue.i + 1), None) or _prep_frame(cue)
    if prep is not None and ((cue.lemma_.lower(), prep.lower_) in _learned_particles() or _prep_cue(cue)):
        pobj = next((c for c in _kids(prep) if c.dep in _DEPS_POBJ_PCOMP), None)
        if pobj is not None:
            return _clip(_subtree(pobj), lo, hi), prep
    return [], None


def _shifted_object(cue: Token) -> Token | None:
    """ "rejected as fabricated reports that X", "dismissed as lies reports that X": a denial verb whose
    object comes after its "as" predicate. The parse reads the object as the pobj of "as" or, when the
    predicate is a noun, as a verb ("lies reports") of an "as" clause. Returns the object's first word."""
    if cue.lemma not in _denial_lemmas() or any(c.dep == _DEP_DOBJ for c in _kids(cue)):
        return None
    for child in _kids(cue):
        if child.i <= cue.i:
            continue
        if child.dep == _DEP_PREP and child.lower == _LOWER_AS and child.i == cue.i + 1:
            # "as fabricated reports that ...": the noun takes a clause of its own
            for noun in _kids(child):
                if noun.dep == _DEP_POBJ and any(c.dep in _DEPS_CLAUSES_NOUN and c.i > noun.i for c in _kids(noun)):
                    return noun
        # "as lies reports that ...": a plural noun read as a verb whose subject is the predicate
        if (
            child.dep == _DEP_ADVCL
            and _as_clause(child)
            and child.tag == _TAG_VBZ
            and child.i > cue.i + 1
            and any(c.dep == _DEP_CCOMP and c.i > child.i for c in _kids(child))
            and any(c.dep == _DEP_NSUBJ and c.i < child.i for c in _kids(child))
        ):
            return child
    return None


def _dated_infinitive(cue: Token, clause: Token) -> bool:
    """ "vowed on Friday to keep troops there": a date between the cue and its infinitive makes the
    parse hang the infinitive on the cue as an adverbial clause (of purpose)."""
    to = clause.i - 1
    if clause.dep != _DEP_ADVCL or to <= cue.i + 1 or clause.doc[to].lower != _LOWER_TO:
        return False
    between = clause.doc[cue.i + 1 : to]
    return all(t.ent_type in _ENTS_DATE_TIME or t.dep == _DEP_PREP for t in between) and any(
        t.ent_type in _ENTS_DATE_TIME for t in between
    )


def _adjacent_quote(cue: Token, lo: int, hi: int, quotes: SpanIndex) -> list[Token]:
    """The quotation just before ("“...,” he said") or just after ("said: “...”") the cue."""
    doc = cue.doc
    # or just after its addressee ("told the host, “...”")
    told = next((c for c in _kids(cue) if c.dep in _DEPS_DOBJ_DATIVE and c.i > cue.i), None)
    reach = _end(told.right_edge) if told is not None else _end(cue)
    for start, end in quotes.overlapping(lo, hi):
        # right before the cue, or opening the sentence ("“...,” Jane Roe, a senator from Ohio, said")
        before = end <= cue.idx and (cue.idx - end <= 40 or start <= lo + 1)
        after = start >= _end(cue) and (start - _end(cue) <= 3 or 0 <= start - reach <= 3)
        if (before or after) and start < hi:
            # a quotation opened in an earlier sentence gives this one its last part ("“A. B,” he said")
            span = doc.char_span(max(start, lo), min(end, hi), alignment_mode="expand")
            return list(span) if span is not None else []
    return []


_ANONYMITY = re.compile(
    r"(?:(?:not )?to be (?:named|identified|quoted)|to remain anonymous|anonymity)\b"
    # and why: "not to be named for his safety", "anonymity because he was not authorized to speak"
    r"(?:,?\s+(?:for|because|since|as|due to|out of|to)\b.*)?",
    re.IGNORECASE | re.DOTALL,
)


def _anonymity(content: list[Token]) -> bool:
    """ "a diplomat who asked not to be named", "requested anonymity": why the source is unnamed,
    which is no claim (PolNeAR train: 3 attributions in 22 such phrases)."""
    doc = content[0].doc
    return _ANONYMITY.fullmatch(text_of(doc)[content[0].idx : _end(content[-1])].strip(" .,")) is not None


def _has_read_as_is(auxiliary: Token, cue: Token) -> bool:
    """ "He's said that ...": the parse reads the "'s" of "has" as the passive's "is"; a clause of its
    own after the cue tells them apart ("he's said to be ill" is passive)."""
    return auxiliary.lower_ in ("'s", "’s") and any(c.dep == _DEP_CCOMP and c.i > cue.i for c in _kids(cue))


def _subject(cue: Token, lo: int, hi: int) -> Token | None:
    verb: Token | None = cue
    for _ in range(3):  # a coordinated cue borrows its head verb's subject
        if verb is None:
            break
        # "announced by the ministry"; a verb the cue borrows from speaks through its subject ("Roe was
        # booed by the crowd after saying X", "officials were angered by the deal and predicted X")
        agent = next((c for c in _kids(verb) if c.dep == _DEP_AGENT), None) if verb is cue else None
        by = next((c for c in _kids(agent) if c.dep == _DEP_POBJ), None) if agent is not None else None
        if by is not None:
            return by
        for child in _kids(verb):
            if child.dep in _DEPS_NSUBJ_NSUBJPASS:
                if lo <= child.idx < hi:
                    return _stamped(_nearest_subject(verb, child))
                # "BUENA PARK, Calif. - ..., Jane Roe said": the parse may make the dateline a subject too
                inside = [c for c in _kids(verb) if c.dep in _DEPS_NSUBJ_NSUBJPASS and lo <= c.idx < hi]
                return _nearest_subject(verb, inside[0]) if inside else _sentence_opening_subject(cue, lo)
            if child.dep == _DEP_AGENT:
                return next((c for c in _kids(child) if c.dep == _DEP_POBJ), None)
        if (said := _second_report(verb)) is not None:  # "X said A and questioned B": X questioned
            verb = said
            continue
        # a coordinated cue, or a participle ("..., saying that"), borrows its head verb's subject
        borrows = verb.dep in _DEPS_CONJ_XCOMP or (verb.dep == _DEP_ADVCL and verb.tag == _TAG_VBG)
        if verb.dep == _DEP_PCOMP and verb.tag == _TAG_VBG and verb.head.dep == _DEP_PREP:
            verb = verb.head.head  # "began by saying", "responded by calling": the verb the phrase hangs on
            continue
        verb = verb.head if borrows and verb.head != verb else None
    if cue.dep == _DEP_ACL and cue.tag == _TAG_VBD and lo <= cue.head.idx < hi:
        # "A source in the army, commanded by X, denied that ...": the small model hangs the
        # finite cue under the noun as a modifier; that noun is who speaks.
        return cue.head
    return _sentence_opening_subject(cue, lo)


_CLOCK = re.compile(r"\d{1,2}[:.]\d\d")  # "12:30", "9.45": a time of day


def _stamped(subject: Token) -> Token:
    """ "12:30 GMT — The Northern Brigade, ..., dismissed the report": a live blog's time stamp the parse
    made the subject, the speaker its apposition."""
    clock = any(_CLOCK.fullmatch(c.text) for c in _kids(subject) if c.i < subject.i)
    if subject.ent_type not in _ENTS_DATE_TIME and not (clock or _CLOCK.fullmatch(subject.text)):
        return subject
    apposed = next((c for c in _kids(subject) if c.dep == _DEP_APPOS and c.i > subject.i), None)
    return apposed if apposed is not None and apposed.ent_type not in _ENTS_DATE_TIME else subject


def _nearest_subject(verb: Token, first: Token) -> Token:
    """ "“Safety,” said Grimm", "“My bosses, ...,” Mr. Conant said", "Back when he wrote it, Mr. Roe said":
    the parse gave the verb two subjects, a noun of the quotation or of the clause before, and the speaker;
    the speaker is the one nearer the verb."""
    subjects = [c for c in _kids(verb) if c.dep in _DEPS_NSUBJ_NSUBJPASS]
    if len(subjects) < 2:
        return first
    nearest = min(subjects, key=lambda c: abs(c.i - verb.i))
    between = _run(verb.doc, min(first.i, nearest.i) + 1, max(first.i, nearest.i))
    # a quotation, a clause, a colon or dash between them; not "The family, protesters and leaders demanded"
    apart = any(t.is_quote or t.pos in (VERB, AUX) or (t.is_punct and t.text not in ",-") for t in between)
    return nearest if apart else first


def _unquoted_subject(cue: Token, quoted: Token, quotes: SpanIndex) -> Token | None:
    """The parse gave a cue outside a quotation a subject inside it ("“..., we will find the truth,”
    the police chief said": "we"); who speaks is the noun phrase between the quotation's end and the
    cue, else the one right after the cue ("said the chief", not "said Monday"): its first noun, up to
    the head it modifies ("Obama's former campaign strategist": "strategist")."""
    doc = cue.doc
    between = [t for t in _run(doc, quoted.i + 1, cue.i) if not _inside(t.idx, quotes) and not t.is_punct]
    after = list(itertools.takewhile(lambda t: not t.is_punct, _run(doc, cue.i + 1, min(len(doc), cue.i + 8))))
    for tokens in (between, after):
        first = next((t for t in tokens if t.pos in (NOUN, PROPN, PRON) and t.ent_type not in _ENTS_DATE_TIME), None)
        if first is not None:
            phrase = set(tokens)
            while first.head in phrase and first.head.pos in (NOUN, PROPN) and first.dep in _DEPS_NOUN_MODIFIERS:
                first = first.head
            return first
    return None


def _sentence_opening_subject(cue: Token, lo: int) -> Token | None:
    """When the parser ran the sentence into the line before it, the noun that opens the
    sentence and hangs outside it stands in for the subject."""
    # The tokens from ``lo`` up to the cue, found by walking back from the cue: filtering the
    # whole Doc before it for every cue was quadratic in a long article.
    doc = cue.doc
    first = cue.i
    table = _table_of(doc)
    if table is not None:
        first = bisect_left(table.idx, lo, 0, cue.i)  # offsets rise with the tokens
    else:
        while first > 0 and doc[first - 1].idx >= lo:
            first -= 1
    for token in _run(doc, first, cue.i):
        if token.pos in (NOUN, PROPN, PRON) and not lo <= token.head.idx < cue.idx:
            return token
    return None


def _via(cue: Token, media: list[tuple[int, int]], start: int, end: int, speaker: _Who | None) -> _Who | None:
    """An outlet the cue is told to: "told Asharq Al-Awsat", "in an interview with CNN"."""
    for child in _kids(cue):
        if child.dep not in _DEPS_DOBJ_DATIVE_PREP_NPADVMOD:
            continue
        for token in child.subtree:
            if start <= token.idx < end or (speaker and speaker.start <= token.idx < speaker.end):
                continue
            for s, e in media:
                if s <= token.idx < e:
                    return _Who(s, e, s, e, False)
    return None


# A passive sighting ("were seen", "had been spotted"): inside a report, what the speaker says was seen
_PERCEIVED = [[w] for w in ("seen", "spotted", "sighted", "observed", "witnessed", "noticed", "filmed", "photographed")]


def _unnest(found: list[_Draft], media: list[tuple[int, int]]) -> list[_Draft]:
    """An attribution inside another's content: when an outlet relays a named speaker ("Reuters
    reported that officials said Z") the inner one is the claim and the outlet its relay (via);
    otherwise ("she said a lot of people claim Z", "he said she believes Z", "X reported that Y was
    seeking Z") the outer claim holds it, and takes its denial or hedge."""
    absorbed: set[int] = set()
    for outer in found:
        for d in found:
            # or inside its cue: "issued a statement saying Z" holds the participle's own report of Z
            in_cue = outer.cue_at < d.cue_at < outer.cue_end
            if d is outer or not (outer.start <= d.cue_at < outer.end or in_cue) or id(outer) in absorbed:
                continue
            relay = outer.speaker is not None and any(s <= outer.speaker.head_start < e for s, e in media)
            if in_cue or d.speaker is None or d.speaker.pronoun or d.internal or not relay:
                # "Bloomberg reported that Russia was seeking ...": an intention inside a report is reported
                absorbed.add(id(d))
                if d.stance == "denies":
                    outer.stance = "denies"
                # "said units had been spotted digging": a sighting the speaker reports, no hedge of it
                perceived = d.speaker is None and d.cue.lower().split()[-1:] in _PERCEIVED
                outer.hedged_by_cue = outer.hedged_by_cue or (d.hedged_by_cue and not perceived)
                outer.hedges.extend(d.hedges)
            else:
                absorbed.add(id(outer))
                if d.via is None:
                    d.via = outer.speaker
    return [d for d in found if id(d) not in absorbed]


# --- rule 2: quotations --------------------------------------------------------------------


def _inside(offset: int, regions: SpanIndex) -> bool:
    return any(start < offset for start, _ in regions.overlapping(offset, offset + 1))


def _quote_regions(text: str, prose: Sequence[Passage]) -> SpanIndex:
    """Quotations, each from its opening mark to its closing mark or the paragraph's end."""
    regions = []
    for passage in prose:
        segment = text[passage.start : passage.end]
        for match in _QUOTES.finditer(segment):
            regions.append((passage.start + match.start(), passage.start + match.end()))
    # Looked up by position: a text of thousands of unclosed quotes made every sentence read them all.
    return SpanIndex(regions, disjoint=True)


def _quoted_sentence(
    tokens: list[Token],
    lo: int,
    hi: int,
    quotes: SpanIndex,
    attributed: list[_Draft],
    paragraph: int,
    content: list[Token] | None = None,
) -> list[_Draft]:
    """A sentence that is mostly quotation keeps the speaker of its quotation's attribution
    ("“A. B,” he said"), else of the last attribution in this or the previous paragraph."""
    inside = sum(min(hi, e) - max(lo, s) for s, e in quotes.overlapping(lo, hi))
    if content is None:
        content = _strip(tokens)
    if inside * 2 < hi - lo or not content:
        return []
    region_end = max((e for _, e in quotes.overlapping(lo, hi)), default=hi)
    # the cue, or the speaker before it ("“A. B,” coast guard spokesman Commodore Ramon Villareal told ..."), near
    later = [
        d
        for d in attributed
        if hi <= d.cue_at
        and min(d.cue_at, d.speaker.start if d.speaker is not None else d.cue_at) <= region_end + 40
        and d.start < region_end
    ]
    earlier = [d for d in attributed if d.cue_at < lo and d.paragraph >= paragraph - 1 and not d.headline]
    source = later[0] if later else _continued(earlier, quotes, tokens[0].doc) if earlier else None
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


def _continued(earlier: list[_Draft], quotes: SpanIndex, doc: Doc) -> _Draft:
    """The attribution a quotation after it continues: the last one, unless that one quotes nothing and
    its cue follows a quoting one's in the same sentence (“A,” he said, referring to X. “B.”; “A,” said
    Jane Roe, who chairs the panel. “B.”: B is what she said, not what the clause about her reports)."""
    last = max(earlier, key=attrgetter("cue_at"))
    if quotes.overlapping(last.start, last.end):
        return last
    said = [d for d in earlier if 0 <= last.cue_at - d.cue_end <= 2 and quotes.overlapping(d.start, d.end)]
    if said:
        return said[0]
    said = [
        d
        for d in earlier
        if 0 <= d.cue_end <= last.cue_at
        and quotes.overlapping(d.start, d.end)
        and _same_sentence(doc, d.cue_at, last.cue_at)
    ]
    return max(said, key=attrgetter("cue_at")) if said else last


def _same_sentence(doc: Doc, first: int, second: int) -> bool:
    """Whether two character offsets fall in one sentence of ``doc``."""
    a = doc.char_span(first, first + 1, alignment_mode="expand")
    b = doc.char_span(second, second + 1, alignment_mode="expand")
    return a is not None and b is not None and len(a) > 0 and len(b) > 0 and a[0].sent.start == b[0].sent.start


def _quote_after_naming(
    tokens: list[Token],
    lo: int,
    hi: int,
    quotes: SpanIndex,
    before: list[Token],
    named: list[tuple[int, int]],
    paragraph: int,
    content: list[Token] | None = None,
) -> list[_Draft]:
    """ "The spokesman Ali Omar met reporters on Monday. “We never entered the town.”": a quotation
    with no attribution of its own or nearby is spoken by the named actor the sentence before is about."""
    inside = sum(min(hi, e) - max(lo, s) for s, e in quotes.overlapping(lo, hi))
    if content is None:
        content = _strip(tokens)
    if inside * 2 < hi - lo or not content or not before:
        return []
    lo_before = before[0].idx
    subject = next(
        (
            t
            for t in before
            if t.dep in _DEPS_NSUBJ_NSUBJPASS and not _inside(t.idx, quotes) and any(s <= t.idx < e for s, e in named)
        ),
        None,
    )
    if subject is None:
        return []
    start, end = content[0].idx, _end(content[-1])
    negated = _negated(content, start, end)
    return [
        _Draft(
            start=start,
            end=end,
            cue="quoted",
            cue_at=start,
            stance="denies" if negated else "asserts",
            hedged_by_cue=False,
            kind="attributed",
            speaker=_who(subject, lo_before, lo),
            negated=negated,
            paragraph=paragraph,
        )
    ]


# --- rule 3: narration ---------------------------------------------------------------------


def _table_of(doc: Doc) -> _Table | None:
    """The table of the Doc ``extract_claims`` is reading; None for any other Doc (the helpers then read it)."""
    reading = _reading  # one read: another thread may replace it
    if reading[0] is doc:  # asked for on every token helper's call
        return reading[1]
    table = doc.user_data.get(_TABLE)
    return table if isinstance(table, _Table) and table.tokens is not None else None


def _outside_heads(tokens: list[Token], lo: int, hi: int) -> list[Token]:
    """The tokens whose head is themselves or lies outside [lo, hi)."""
    table = _table_of(tokens[0].doc) if tokens else None
    if table is None:
        return [t for t in tokens if t.head == t or not lo <= t.head.idx < hi]
    heads, idx = table.heads, table.idx
    return [t for t in tokens if (h := heads[i := t.i]) == i or not lo <= idx[h] < hi]


def _narration(tokens: list[Token], lo: int, hi: int, text: str, content: list[Token] | None = None) -> list[_Draft]:
    roots = _outside_heads(tokens, lo, hi)
    verb = next((t for t in roots if t.pos in (VERB, AUX)), None) or next((t for t in tokens if t.pos == VERB), None)
    if content is None:
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


def _unvoiced(draft: _Draft) -> bool:
    """ "X posted a video that appeared to show Y. He said ...": a report no one voiced (the article's
    own hedge) is no speaker a "he" or "she" goes on from; the person named last is."""
    return draft.speaker is None or bool(draft.narrators)


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
        self.types = {a.id: a.type for a in actors}
        self.names = {a.id: a.name for a in actors}
        self.chains: dict[int, list[tuple[int, int]]] = {}  # id(draft) -> spans from written speaker to entity

    def chain(self, draft: _Draft) -> list[tuple[int, int]]:
        return self.chains.get(id(_written(draft)), [])

    def resolve(self, draft: _Draft, drafts: list[_Draft]) -> tuple[str, str, str | None, str | None]:
        if draft.resolved is not None:
            return draft.resolved
        draft.resolved = ("unnamed", "", None, None)  # stands in should a chain of references loop
        if draft.kind == "narration" or draft.narrators:
            draft.resolved = (self.narrator[0], "", self.narrator[1], None)
        elif draft.kind == "quoted" and draft.source is not None:
            speaker, speaker_text, actor, via = self.resolve(draft.source, drafts)
            draft.resolved = (speaker, speaker_text, actor, via)
        else:
            earlier = self._earlier(draft, drafts)
            previous = self.resolve(earlier, drafts) if earlier is not None else None
            via = self._name(draft.via, previous)
            who = draft.speaker
            chain = [_phrase(who)] if who is not None else []
            if who is None:
                speaker, actor = "unnamed", None
                speaker_text = ""
            elif who.pronoun and (named := self._antecedent(who, draft, earlier)) is not None:
                actor, mention = named
                speaker = actor
                speaker_text = self.text[who.start : who.end]
                chain.append(mention)
            elif who.pronoun and previous is not None and earlier is not None and self._fits(who, previous[2]):
                speaker, _, actor, inherited_via = previous
                via = via or inherited_via
                speaker_text = self.text[who.start : who.end]
                chain.extend(self.chains.get(id(earlier), []))
            else:
                speaker_text = self.text[who.start : who.end]
                actor = self._actor(who)
                if actor is None and (named := self._apposed_name(who)) is not None:
                    actor, mention = named
                    chain.append(mention)
                role = self._role(who) if actor is None else None
                spoken = self._role_spoken(who, draft, drafts) if actor is None else None
                if role is not None and (spoken is None or spoken.speaker is None or role[1][0] > spoken.speaker.start):
                    actor, mention = role
                    chain.append(mention)
                speaker = actor or speaker_text
                if actor is None and spoken is not None:
                    speaker, _, actor, _ = self.resolve(spoken, drafts)
                    chain.append(_phrase(spoken.speaker))
            self.chains[id(draft)] = [(s, e) for s, e in chain if s is not None and e is not None]
            if via == speaker:
                via = None
            draft.resolved = (speaker, speaker_text, actor, via)
        return draft.resolved

    def _earlier(self, draft: _Draft, drafts: list[_Draft]) -> _Draft | None:
        # the last attribution before it (read from the end: the first found is the last)
        for d in reversed(drafts):
            if (
                d.kind == "attributed"
                and d.cue_at < draft.cue_at
                and d is not draft
                and (d.start < draft.start or d.cue_at < draft.start)
            ):
                return d
        return None

    def _fits(self, who: _Who, actor: str | None) -> bool:
        """Whether a pronoun can stand for ``actor``: "he" and "she" for a person, "it" for anything but
        one ("it describes no real event" after a minister's quote is not the minister); others for any.
        A name the small model typed a body is a person when the speaker wrote a person's title right
        before it ("Opposition leader María Machado", "spokeswoman, Yolande Makolo"): "she" is her."""
        word = self.text[who.start : who.end].lower()
        person = self.types.get(actor) == "person" if actor is not None else None
        if word in ("he", "she"):
            return person is not False or self._titled(actor, who.start)
        if word == "it":
            return person is not True
        return True

    def _titled(self, actor: str | None, before: int) -> bool:
        """Whether the article named ``actor`` before ``before`` right after a person's title, lower case
        ("opposition leader María Machado", "spokeswoman, Yolande Makolo")."""
        if actor is None:
            return False
        for start, _end_at, actor_id in self.mentions:
            if start >= before:
                break
            if actor_id == actor:
                title = re.search(r"\b([a-z]+),?\s+$", self.text[max(0, start - 40) : start])
                if title and ROLES.get(title.group(1)) == "person":
                    return True
        return False

    def _antecedent(self, who: _Who, draft: _Draft, earlier: _Draft | None) -> tuple[str, tuple[int, int]] | None:
        """A pronoun whose last speaker is paragraphs away ("... Trump arrived. He said ...") is the
        person (he, she) or body (it) named last before it, within the paragraph and the one before."""
        if earlier is not None and earlier.paragraph >= draft.paragraph - 1 and not _unvoiced(earlier):
            return None  # the speaker just quoted goes on speaking
        word = self.text[who.start : who.end].lower()
        wanted = {"he": ("person",), "she": ("person",)}.get(word) or (
            ("organisation", "state", "media", "armed force", "armed group") if word == "it" else None
        )
        if wanted is None:
            return None
        return self._last_named(who.start, wanted)

    def _role(self, who: _Who) -> tuple[str, tuple[int, int]] | None:
        """ "the president", "the ministry", "the spokesman": the actor the article named with that
        title ("President Erdogan", "Erdogan, the president") or that name ("the Defence Ministry")."""
        role = self._definite_role(who)
        if role is None or (role not in ROLES and role not in GENERIC_BODIES):
            return None
        person = ROLES.get(role) == "person"
        word = re.escape(role)
        # The title next to the name: before it, only more of the name between ("President X", "the
        # ministry's spokesman, X"); after it, in the name's apposition ("X, the company's spokesman").
        # Not a title a sentence away ("President Doe met Roe. The president said": Doe is).
        title_before = re.compile(rf"(?i:\b{word}),?\s+(?:[A-Z][\w.'’-]*\s+)*$")
        title_after = re.compile(rf"^,\s+[^,.;:]{{0,50}}?(?i:\b{word}\b)")
        in_name = re.compile(rf"(?i)\b{word}\b")
        for start, end, actor_id in reversed(self.mentions):
            if end > who.start or (self.types.get(actor_id) == "person") != person:
                continue
            if person:
                titled = title_before.search(self.text, max(0, start - 40), start) or title_after.match(
                    self.text[end : min(end + 60, who.start)]
                )
            else:  # the role in the body's name ("the Defence Ministry") or right before it ("the
                # paramilitary Rapid Support Forces")
                titled = in_name.search(self.names.get(actor_id, "") + " " + self.text[start:end]) or (
                    title_before.search(self.text, max(0, start - 40), start)
                )
            if titled:
                return actor_id, (start, end)
        if role in GENERIC_BODIES:  # "the group": a body whose name need not say so, the last one named
            return self._last_named(who.start, _GROUP_TYPES)
        return None

    def _last_named(self, position: int, types: Container[str]) -> tuple[str, tuple[int, int]] | None:
        """The actor of one of ``types`` named last before ``position``, within its paragraph and the one
        before: further back, a pronoun or "the group" no longer reads as that actor."""
        window = self.text.rfind("\n\n", 0, max(0, self.text.rfind("\n\n", 0, position)))
        for start, end, actor_id in reversed(self.mentions):
            if window < start and end <= position and self.types.get(actor_id) in types:
                return actor_id, (start, end)
        return None

    def _definite_role(self, who: _Who) -> str | None:
        """The head word of a speaker written with "the" ("the president", "the officials"), lower case."""
        if not re.match(r"(?i)the\b", self.text[who.start : who.end]):
            return None
        return self.text[who.head_start : who.head_end].lower()

    def _role_spoken(self, who: _Who, draft: _Draft, drafts: list[_Draft]) -> _Draft | None:
        """ "Ukraine's foreign ministry rejected the claim. ... The ministry said ...": a role no actor
        holds (the parse found no name in it) stands for the last earlier speaker written with that head,
        or with that word before its name ("the maritime agency UKMTO ... The agency said"). "The group"
        is the last body that spoke, within the paragraph and the one before, when the parse tagged no
        name in it ("the Sudan Doctors Network, a medical group ... The group said"); the caller keeps the
        body named last instead when that one comes later."""
        role = self._definite_role(who)
        if role is None:
            return None
        generic = role in GENERIC_BODIES and role not in _ARMED_BODIES
        # any head after one introduced as "a ..." ("a local aid worker ... the aid worker said")
        introduced_only = not (role in ROLES or role in GROUP_ROLES or role in GENERIC_BODIES)
        before_name = re.compile(rf"(?i:\b{re.escape(role)})\s+(?:[A-Z][\w.'’-]*\s+)*$")
        window = self.text.rfind("\n\n", 0, max(0, self.text.rfind("\n\n", 0, who.start)))
        for d in reversed(drafts):
            if d.cue_at >= draft.cue_at or d.kind != "attributed" or d.speaker is None or d.speaker is who:
                continue
            if d.speaker.pronoun or (d.speaker.start, d.speaker.end) == (who.start, who.end):
                continue
            head = self.text[d.speaker.head_start : d.speaker.head_end]
            if introduced_only:
                if head.lower() == role and _INDEFINITE.match(self.text, d.speaker.start) and d.speaker.start > window:
                    return d
                continue
            if head.lower() in (role, _ROLE_ALIASES.get(role)) or before_name.search(
                self.text, d.speaker.start, d.speaker.head_start
            ):
                return d
            if generic and d.speaker.start > window and _BODY_HEAD.search(head) and self._actor(d.speaker) is None:
                return d
        return None

    def _name(self, who: _Who | None, previous: tuple[str, str, str | None, str | None] | None) -> str | None:
        if who is None:
            return None
        if who.pronoun:
            return previous[0] if previous else self.text[who.start : who.end]
        return self._actor(who) or self.text[who.start : who.end]

    def _apposed_name(self, who: _Who) -> tuple[str, tuple[int, int]] | None:
        """ "A ministry spokesman, Omer Celik, said": the person or body the phrase names in apposition
        right after its head phrase."""
        if who.written is None or who.written[1] <= who.end:
            return None
        at = bisect_left(self._starts, who.end)
        for start, end, actor_id in self.mentions[at:]:
            if start >= who.written[1]:
                break
            between = self.text[who.end : start]
            # "The hospital's director, Dr. Marc Pierre, said": a title may stand before the name
            if end <= who.written[1] and (between.strip() == "," or _titled_apposition(between)):
                return actor_id, (start, end)
        return None

    def _actor(self, who: _Who) -> str | None:
        # Only mentions starting within the longest mention's length before the head can hold it.
        lo = bisect_left(self._starts, who.head_start - self._longest)
        hi = bisect_right(self._starts, who.head_start)
        for start, end, actor_id in self.mentions[lo:hi]:
            if start <= who.head_start and who.head_end <= end:
                return actor_id
        return self._exact.get((who.start, who.end))


def _titled_apposition(between: str) -> bool:
    """ ", Dr. ", ", Col. ", ", Maj. Gen. ": a comma and a person's titles before an apposed name."""
    stripped = between.lstrip()
    return stripped.startswith(",") and TITLES.fullmatch(stripped[1:].lstrip()) is not None


def _who(token: Token, lo: int, hi: int, cue: Token | None = None) -> _Who:
    """The phrase a speaker token heads, without appositions and clauses (nor the cue,
    when a stray parse hung the cue under the speaker)."""
    dropped: set[int] = set()
    subtree = _subtree(token)  # read here and by ``_written_phrase``
    for t in subtree:
        hyphen = t.tag == _TAG_HYPH and not t.whitespace_ and t.i > 0 and not t.doc[t.i - 1].whitespace_
        # "the eastern-based forces on Sunday": the word is whole, the day is when, not who
        # (or on a noun of its "of" phrase: "the leader of Kenya's main party on Wednesday")
        dated = t.i > token.i and t.dep == _DEP_PREP and t.lower != _LOWER_OF and _dated(t)
        # "the hospital's director", "the leader of Kenya's main party": the possessive's "'s" joins the
        # owner to what it owns, it is no break
        possessive = t.dep == _DEP_CASE and t.head.dep == _DEP_POSS and t.head != token  # not the speaker's own
        if t != token and ((t.dep in _SPEAKER_DROP_IDS and not (hyphen or possessive)) or t == cue or dated):
            dropped.update(_subtree_ids(t))
    kept = {i for t in subtree if lo <= t.idx < hi and (i := t.i) not in dropped}
    first = last = token.i
    while first - 1 in kept:
        first -= 1
    while last + 1 in kept:
        last += 1
    span = _strip(_run(token.doc, first, last + 1)) or [token]
    return _Who(
        span[0].idx,
        _end(span[-1]),
        token.idx,
        _end(token),
        pronoun=token.lower in SPEAKER_PRONOUNS_IDS and token.pos == PRON,
        written=_written_phrase(token, lo, hi, cue, subtree),
    )


def _written_phrase(
    token: Token, lo: int, hi: int, cue: Token | None, subtree: list[Token] | None = None
) -> tuple[int, int]:
    """The speaker phrase as the article writes it, appositions and clauses included
    ("Jane Roe, a senator from Ohio,"), without the cue should the parse hang it there."""
    if subtree is None:
        subtree = _subtree(token)
    skipped = set(_subtree_ids(cue)) if cue is not None and cue in subtree else set()
    # "the mayor's claim that": the possessive's "'s" is written with the mayor (PolNeAR's source holds it)
    for child in _kids(token):
        # "a group of doctors in 2015 found": the date is when, not who (PolNeAR's sources end before it)
        if child.i > token.i and ((child.dep == _DEP_PREP and _dated(child)) or _comma_participle(child)):
            skipped.update(_subtree_ids(child))
    appositions = [t.i for t in subtree if t.dep == _DEP_APPOS and t.i > token.i and _after_comma(t)]
    for t in subtree:
        if t.i > token.i and t.i not in skipped and _aside(t, token, appositions):
            skipped.update(_subtree_ids(t))
    kept = {i for t in subtree if lo <= t.idx < hi and (i := t.i) not in skipped}
    first = last = token.i
    while first - 1 in kept:
        first -= 1
    while last + 1 in kept:
        last += 1
    doc = token.doc
    # "... is predictable - Donald Trump has vowed": a spaced dash or a colon before the speaker ends
    # what the parse hung on it from the clause before (a dateline's "(AP) -" too)
    first = next((k + 1 for k in range(token.i - 1, first - 1, -1) if _separator(doc[k])), first)
    span = _strip(_run(doc, first, last + 1)) or [token]
    if len(span) > 1 and span[0].lower_ == "even" and span[0] != token:
        span = span[1:]  # "even critics say": PolNeAR's source leaves the focus word out (train: 29 out, 8 in)
    while len(span) > 1 and span[-1] != token and _dangling(span[-1]):
        span = span[:-1]  # "Mr. Ban's record on": a phrase the clipping left ending on a preposition
    return whole_words(text_of(doc), span[0].idx, _end(span[-1]))


_SEPARATORS = frozenset({"-", "--", "—", "–", ":", ";"})
_DANGLING = frozenset({CCONJ, SCONJ, DET})


def _dangling(last: Token) -> bool:
    """A phrase's last word that leads to words it left out: "and", "the", a preposition whose object is
    cut off ("record on [promoting ...]"); a stranded one ("the candidate she will caucus with") stays."""
    if last.pos in _DANGLING:
        return True
    return last.pos == ADP and any(c.i > last.i for c in _kids(last))


def _separator(token: Token) -> bool:
    """A dash, colon or semicolon between clauses (spaCy tags it ":"; a hyphen inside a word is "HYPH")."""
    spaced = token.i == 0 or bool(token.doc[token.i - 1].whitespace_)
    return token.tag_ == ":" and token.text in _SEPARATORS and spaced


def _aside(t: Token, token: Token, appositions: list[int]) -> bool:
    """A comma-set-off part of a speaker phrase that describes something else than the speaker:

    - a relative clause opening with "whose" ("Trump, whose views have upset his party,"): about what
      the speaker has, not who the speaker is (PolNeAR, 20 % of train held out: outside 5 times, inside 2);
    - an apposition "one of ..." after another one set off by a comma ("Jane Roe, the attorney general
      of Ohio, one of the states suing") describes a noun of the first."""
    if not _after_comma(t):
        return False
    if t.dep == _DEP_RELCL:
        return t.doc[min(_subtree_ids(t))].lower == _LOWER_WHOSE
    if t.dep != _DEP_APPOS or t.tag != _TAG_CD or not any(c.lower == _LOWER_OF for c in _kids(t)):
        return False
    return bool(appositions) and appositions[0] < t.i


def _after_comma(t: Token) -> bool:
    first = min(_subtree_ids(t))
    return first > 0 and t.doc[first - 1].text == ","


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """A span widened over the hyphenated words it cuts: "His ex" of "His ex-wife", "seven" of "Twenty-seven"
    (the parse or the tagger splits at the hyphen; a source is whole words)."""
    while start > 1 and text[start - 1] == "-" and text[start - 2].isalnum():
        start -= 2
        while start > 0 and text[start - 1].isalnum():
            start -= 1
    while end + 1 < len(text) and text[end] == "-" and text[end + 1].isalnum():
        end += 2
        while end < len(text) and text[end].isalnum():
            end += 1
    return start, end


def _comma_participle(child: Token) -> bool:
    """ "Trump, speaking to veterans in Virginia, said": a participle set off by a comma says what the
    speaker was doing, not who speaks (PolNeAR train: outside the source 106 times, inside 17)."""
    if child.dep not in (_DEP_ACL, _DEP_ADVCL) or child.tag != _TAG_VBG:
        return False
    first = min(_subtree_ids(child))
    return first > 0 and child.doc[first - 1].text == ","


def _one_per_content(drafts: list[_Draft], doc: Doc) -> list[_Draft]:
    """One claim for a content two rules found: "said in a statement that X" (the verb's and the
    noun's), "“X,” he said, citing Y" (the report's and its participle's). The one kept has a speaker,
    then the cue nearest the content ("repeated the line, telling voters, “X”": the telling)."""
    by_content: dict[tuple[int, int], list[_Draft]] = {}
    for draft in drafts:
        by_content.setdefault((draft.start, draft.end), []).append(draft)
    if len(by_content) == len(drafts):
        return drafts

    def rank(draft: _Draft) -> tuple[bool, int]:
        cue_end = draft.cue_end if draft.cue_end >= 0 else draft.cue_at
        return draft.speaker is None, max(draft.start - cue_end, draft.cue_at - draft.end)

    kept = {id(min(same, key=rank)) for same in by_content.values()}
    return [d for d in drafts if id(d) in kept]


def inside_longer(spans: Sequence[tuple[int, int, int | None]]) -> set[int]:
    """The indices of (content start, content end, cue start) that report, with a cue of their own, what a
    longer content mostly holds: two rules (or a rule and the tagger) reading one report twice ("McConnell
    said, citing his record, that X" read by "said" and by "citing"), which PolNeAR annotates once. A cue
    inside the longer content is a report nested in it ("X said Y had claimed Z") and stays. (In train, the
    shorter of such a pair, with a cue other than the longer one's, matched no gold attribution 42 times of 50.)"""
    dropped: set[int] = set()
    for k, (start, end, cue) in enumerate(spans):
        for n, (other_start, other_end, other_cue) in enumerate(spans):
            # the same cue's: sentences of one quotation, each a claim of its own ("“A. B,” she said")
            if n == k or n in dropped or other_end - other_start <= end - start or other_cue == cue:
                continue
            shared = min(end, other_end) - max(start, other_start)
            if 2 * shared >= end - start and not (cue is not None and other_start <= cue < other_end):
                dropped.add(k)
                break
    return dropped


def _cut_other_cues(drafts: list[_Draft], doc: Doc) -> None:
    """ "Beck, who said there were problems, added that X": a clause of a written speaker's phrase that
    holds another claim's cue is that claim's, not the speaker's (PolNeAR's annotation is univocal: in
    train, a comma relative clause after a source with a verb of saying in it is outside the source 40
    times, inside 7); the written phrase ends before it."""
    cues = sorted(d.cue_at for d in drafts if d.kind == "attributed")
    for draft in drafts:
        who = draft.speaker
        if who is None or who.written is None:
            continue
        start, end = who.written
        inside = [c for c in cues[bisect_left(cues, who.head_end) : bisect_left(cues, end)] if c != draft.cue_at]
        if not inside:
            continue
        head = doc.char_span(who.head_start, who.head_end, alignment_mode="expand")
        cue = doc.char_span(inside[0], inside[0] + 1, alignment_mode="expand")
        if head is None or cue is None:
            continue
        clause = cue[0]
        for _ in range(len(doc)):  # up to the clause that hangs on the speaker's head word
            if clause.head == head.root or clause.head == clause:
                break
            clause = clause.head
        first = min(_subtree_ids(clause))
        if (
            clause.head != head.root
            or clause.i < head.root.i
            or cue[0].pos != VERB  # a noun ("a critic of", "reluctance to") may sit in an apposition
            or clause.dep not in _DEPS_CLAUSES
            or first == 0
            or doc[first - 1].text != ","  # "officials handling the case, ..." is who they are
        ):
            continue
        kept = _strip([t for t in _run(doc, head.root.i, first) if t.idx >= start])
        if kept:
            draft.speaker = replace(who, written=(start, _end(kept[-1])))


def _dated(prep: Token) -> bool:
    """A prepositional phrase that is a date or time ("in 2015", "on Friday")."""
    return any(c.dep == _DEP_POBJ and c.ent_type_ in ("DATE", "TIME") for c in _kids(prep))


# --- rules 5-7: stance, hedges, places and actors ------------------------------------------


def _negated(content: list[Token], start: int, end: int) -> bool:
    """Is the content's main verb negated ("don't include", "never had"), does it deny a
    thing exists ("there is no base", "has no plans to"), or call something untrue ("the
    reports are false")? A first-person or future commitment ("we will not leave") is a
    pledge, not a denial."""
    words = [t for t in content if not (t.is_punct or t.is_space)]
    if words and words[-1].lower_ in ("no", "not", "never") and all(t.pos == ADV for t in words[:-1]):
        return True  # an answer: "Absolutely not", "No"
    heads = _outside_heads(content, start, end)
    for head in heads:
        children = list(_kids(head))
        if head.lemma_.lower() in PERCEIVING and any(c.dep == _DEP_NSUBJ and c.pos == PRON for c in children):
            continue  # "they had not observed any unusual activity": an absence the speaker observed, no denial
        committed = any(c.dep == _DEP_AUX and c.lower in COMMITMENT_AUX_IDS for c in children)
        modal = any(c.dep == _DEP_AUX and c.tag == _TAG_MD for c in children)  # "there can be no peace without"
        if (_says_untrue(head) and not committed) or (_nothing_of(head) and not (committed or modal)):
            return True
        # "“We reject these claims,” he said": the speaker denies in the first person ("we will reject
        # any deal" pledges)
        first_person = any(c.dep == _DEP_NSUBJ and c.lower in _LOWERS_I_WE for c in children)
        if head.lemma in _denial_lemmas() and first_person and not committed:
            return not any(c.dep == _DEP_NEG for c in children)
        # "its fighters were nowhere near the camp": "nowhere" negates as "not" does
        if not any(c.dep == _DEP_NEG or (c.dep == _DEP_ADVMOD and c.lower == _LOWER_NOWHERE) for c in children):
            continue
        # "we will not leave" pledges; "we never entered" (the past) denies
        past = head.tag in _TAGS_VBD_VBN or any(c.dep == _DEP_AUX and c.tag == _TAG_VBD for c in children)
        pledge = committed or (not past and any(c.dep == _DEP_NSUBJ and c.lower in _LOWERS_I_WE for c in children))
        if not pledge:
            return True
    return False


def _says_untrue(verb: Token) -> bool:
    """ "The reports are baseless", "the claim is not true": a copula whose predicate says untrue.
    So do "the video was fabricated" (a passive that says untrue) and "the claims are without basis"."""
    if verb.lemma_.lower() == "lie" and verb.pos == VERB and verb.tag != _TAG_VBN:
        # "the company was lying", "he lied about it": not "lying in the street", "lay dead", "lain"
        return not any(
            c.dep in _DEPS_ACOMP_OPRD_PRT or (c.dep == _DEP_PREP and c.lower_ in _LYING_AT) or c.lower_ == "low"
            for c in _kids(verb)
        )
    if verb.lemma_.lower() in UNTRUE and any(c.dep == _DEP_AUXPASS for c in _kids(verb)):
        return not any(c.dep == _DEP_AGENT for c in _kids(verb))  # "fabricated by the suspects": an act
    if verb.lemma_ not in ("be", "remain", "prove"):
        return False
    # "the accusations were an attempt to distract": a charge called a ploy is waved away
    if any(c.dep == _DEP_NSUBJ and c.lemma_.lower() in _CHARGES for c in _kids(verb)) and any(
        c.dep == _DEP_ATTR and c.lemma_.lower() in _PLOYS for c in _kids(verb)
    ):
        return True
    for child in _kids(verb):
        if (
            child.dep == _DEP_PREP
            and child.lower_ == "without"
            and any(c.dep == _DEP_POBJ and c.lemma_.lower() in _GROUNDS for c in _kids(child))
        ):
            return True
        if child.dep in _DEPS_ACOMP_ATTR and child.lemma_.lower() in UNTRUE:
            return True
        # "the reports are fake news", "a baseless claim"
        if child.dep in _DEPS_ACOMP_ATTR and any(
            a.dep == _DEP_AMOD and a.lemma_.lower() in UNTRUE for a in _kids(child)
        ):
            return True
        if child.dep in _DEPS_ACOMP_ATTR and child.lemma_.lower() in ("true", "accurate", "correct"):
            return any(c.dep == _DEP_NEG for c in _kids(verb))
    return False


def _nothing_of(verb: Token) -> bool:
    """ "There is no base", "Russia has no plans to ...", "nothing was agreed": a thing said not to exist
    ("said it had no comment" declines to speak, and denies nothing)."""
    for child in _kids(verb):
        if child.lower == _LOWER_COMMENT:
            continue
        if child.dep in _DEPS_NSUBJ_NSUBJPASS_ATTR_DOBJ and (
            child.lower in _LOWERS_NOTHING_NONE
            or any(d.dep == _DEP_DET and d.lower == _LOWER_NO for d in _kids(child))
            or _not_one(child)
        ):
            return True
    return False


def _not_one(noun: Token) -> bool:
    """ "not a single bullet", "not one ballot": a noun negated as "no" negates it (not "not all")."""
    kids = _kids(noun)
    return any(d.dep == _DEP_NEG and d.i < noun.i for d in kids) and any(
        d.lower_ in ("a", "one", "single") and d.i < noun.i for d in kids
    )


def _called_untrue(cue: Token) -> Token | None:
    """ "called the reports baseless", "dismissed them as lies", "described it as false": the thing
    called untrue, which the cue then denies."""
    if cue.lemma_.lower() not in DESCRIBING_CUES:
        return None
    obj = next((c for c in _kids(cue) if c.dep == _DEP_DOBJ), None)
    # "called the report fabricated": the parse may hang the predicate on the object
    hung = [c for c in _kids(obj) if c.i > obj.i and c.dep in _DEPS_ACL_AMOD] if obj else []
    # ... or on the object's last noun ("called the reports of involvement baseless"): an adjective
    # after its noun is a predicate in English
    hung += [t for t in obj.subtree if t.dep == _DEP_AMOD and t.head.i < t.i and t.head != obj] if obj else []
    for child in [*_kids(cue), *hung]:
        said = [child] if child.dep in _DEPS_OPRD_CCOMP_XCOMP_ACOMP or child in hung else []
        if child.dep == _DEP_PREP and child.lower == _LOWER_AS:
            said = [c for c in _kids(child) if c.dep in _DEPS_POBJ_AMOD_ACOMP]
        for word in said:
            if word.lemma_.lower() in UNTRUE or any(t.lemma_.lower() in UNTRUE for t in word.subtree):
                return obj or word
    return None


def _rules_out(cue: Token) -> bool:
    """ "ruled out a boycott", "ruled out that X": a denial (not "did not rule out")."""
    kids = _kids(cue)
    return (
        cue.lemma_.lower() == "rule"
        and any(c.dep == _DEP_PRT and c.lower_ == "out" for c in kids)
        and not any(c.dep == _DEP_NEG for c in kids)
    )


def _found_none(cue: Token, content: list[Token], start: int, end: int) -> bool:
    """ "The court found no evidence that X", "saw no sign of X": a verb of finding whose content is a thing
    determined by "no" denies it ("offered no proof that X" does not: the speaker's X is unproven)."""
    return cue.lemma_.lower() in PERCEIVING and any(
        head.pos == NOUN and any(c.dep == _DEP_DET and c.lower == _LOWER_NO for c in _kids(head))
        for head in _outside_heads(content, start, end)
    )


def content_stance(
    doc: Doc, start: int, end: int, cue: Token | None, stance: Stance
) -> tuple[Stance, list[tuple[int, int]]]:
    """The stance and hedge words of a content found by other means than these rules (the tagger's,
    ``attribution.revise``), read as the rules read their own: a negated content denies ("there is no
    base", "did not enter"), a negated denial cue does not ("did not deny"), and "may", "reportedly"
    in it hedge."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return stance, []
    table = doc.user_data.get(_TABLE)
    table = table if isinstance(table, _Table) else _Table(doc)  # a Doc these rules did not read
    if stance == "asserts" and (
        _negated(list(span), start, end)
        or (cue is not None and (_called_untrue(cue) or _rules_out(cue) or _found_none(cue, list(span), start, end)))
    ):
        stance = "denies"
    elif stance == "denies" and cue is not None and any(c.dep == _DEP_NEG for c in _kids(cue)):
        stance = "asserts"
    kids = _kids(cue) if cue is not None else ()
    hedges = [(c.idx, _end(c)) for c in kids if c.dep == _DEP_ADVMOD and c.lower in HEDGE_WORDS_IDS]
    return stance, hedges + _hedges(span, table)


def _hedges(span: DocSpan | None, table: _Table) -> list[tuple[int, int]]:
    """The hedge words ("may", "reportedly") inside a content's tokens."""
    if span is None:
        return []
    doc = span.doc
    found = []
    positions = table.hedges
    for i in positions[bisect_left(positions, span.start) : bisect_left(positions, span.end)]:
        t = _run(doc, i, i + 1)[0]
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


def link_contradictions(claims: tuple[Claim, ...], doc: Doc | None = None) -> tuple[Claim, ...]:
    """Link claims about the same thing with opposite stance by different speakers.

    Two claims are about the same thing when their contents (a) share an actor or
    a place (by id) and (b) share a key word: a common noun, outside actor and
    place names and not in ``GENERIC_NOUNS``, compared by its singular form or by
    its topic in ``TOPICS`` ("base" and "port" are both installations, "deal" and
    "agreement" both agreements). Speakers differ when neither claim's speaker is
    the other's speaker.
    """
    # Only pairs of opposite stance are read, and a claim's key words only once a pair of it shares a
    # subject: most claims never need theirs. A claim whose links stay as they are is kept as it is.
    by_stance: dict[str, list[int]] = {}
    for k, c in enumerate(claims):
        by_stance.setdefault(c.stance, []).append(k)
    links: dict[str, list[str]] = {c.id: [] for c in claims}
    if len(by_stance) > 1:
        subjects = [set(c.actors + c.places) for c in claims]
        keys: list[set[str] | frozenset[str] | None] = [None] * len(claims)
        cache = _keys_cache(doc)
        for i, a in enumerate(claims):
            if not subjects[i]:
                continue
            later = [j for stance, ks in by_stance.items() if stance != a.stance for j in ks[bisect_right(ks, i) :]]
            if len(by_stance) > 2:
                later.sort()
            for j in later:
                b = claims[j]
                if a.speaker == b.speaker or not subjects[i] & subjects[j]:
                    continue
                ki = keys[i]
                if ki is None:
                    ki = keys[i] = _key_words(a, doc, cache)
                kj = keys[j]
                if kj is None:
                    kj = keys[j] = _key_words(b, doc, cache)
                if ki & kj:
                    links[a.id].append(b.id)
                    links[b.id].append(a.id)
    return tuple(
        c if c.contradicts == (linked := tuple(links[c.id])) else replace(c, contradicts=linked) for c in claims
    )


def _keys_cache(doc: Doc | None) -> _Table | None:
    """This analysis's table of the Doc (``extract_claims`` makes it afresh), with the key words already
    read of its spans: the tagger's revision links its claims again, mostly the same spans."""
    table = doc.user_data.get(_TABLE) if doc is not None else None
    return table if isinstance(table, _Table) else None


def _key_words(claim: Claim, doc: Doc | None, table: _Table | None = None) -> set[str] | frozenset[str]:
    if doc is None:
        return set(proposition_keys(claim.text))
    if table is not None and (found := table.keys.get((claim.start, claim.end))) is not None:
        return found
    span = doc.char_span(claim.start, claim.end, alignment_mode="expand")
    if table is None:
        return keys_of(t.lower_ for t in span or () if t.pos == NOUN)
    strings, nouns = doc.vocab.strings, table.nouns
    first, last = (bisect_left(nouns, span.start), bisect_left(nouns, span.end)) if span is not None else (0, 0)
    keys = table.keys[claim.start, claim.end] = keys_of(strings[h] for h in table.noun_lower[first:last])
    return keys


# --- token helpers -------------------------------------------------------------------------


def _kids(token: Token) -> list[Token]:
    """``token.children``, off the table while ``extract_claims`` runs: the tokens whose head it is, in Doc
    order (spaCy's edges always span a token's children, so ``children`` yields just these)."""
    table = _table_of(token.doc)
    if table is None or table.tokens is None:
        return list(token.children)
    i = token.i
    found = table.kid_tokens[i]
    if found is None:  # the rules ask for a cue's children ten times over; the list is only read
        tokens = table.tokens
        found = table.kid_tokens[i] = [tokens[j] for j in table.kids[table.kids_at[i] : table.kids_at[i + 1]]]
    return found


def _subtree_ids(token: Token) -> list[int]:
    """The indices of ``token.subtree`` (in no order), off the table while ``extract_claims`` runs."""
    table = _table_of(token.doc)
    if table is None or table.tokens is None:
        return [t.i for t in token.subtree]
    kids, at, n = table.kids, table.kids_at, len(table.tokens)
    found = [token.i]
    k = 0
    while k < len(found):
        j = found[k]
        found += kids[at[j] : at[j + 1]]
        k += 1
        if k > n:  # heads in a loop: spaCy's own walk says what happens
            return [t.i for t in token.subtree]
    return found


def _subtree(token: Token) -> list[Token]:
    """``token.subtree`` in Doc order, as ``_clip`` and the sets of indices read it."""
    table = _table_of(token.doc)
    if table is None or table.tokens is None:
        return list(token.subtree)
    tokens = table.tokens
    return [tokens[j] for j in sorted(_subtree_ids(token))]


def _clip(tokens: Iterable[Token], lo: int, hi: int) -> list[Token]:
    return sorted((t for t in tokens if lo <= t.idx < hi), key=_index)


_index = attrgetter("i")
_at = attrgetter("idx")  # how Tokens compare


def _run(doc: Doc, start: int, stop: int | None = None) -> list[Token]:
    """The Doc's tokens ``doc[start:stop]`` as a list, off the table's while ``extract_claims`` runs."""
    table = _table_of(doc)
    if table is None or table.tokens is None:
        return list(doc[start:stop])
    return table.tokens[start:stop]


def _before(doc: Doc, start: int, hi: int) -> list[Token]:
    """The Doc's tokens from ``start`` on that begin before the character ``hi``."""
    table = _table_of(doc)
    if table is None or table.tokens is None:
        return list(itertools.takewhile(lambda t: t.idx < hi, doc[start:]))
    return table.tokens[start : max(start, bisect_left(table.idx, hi, start))]


def _strip(tokens: list[Token]) -> list[Token]:
    """Drop punctuation, white space and a leading "that" (the complementiser, not the pronoun of "That
    is not true" nor the determiner of "that plan") from both ends."""
    first, last = 0, len(tokens) - 1
    while first <= last and (
        (t := tokens[first]).is_punct
        or t.is_space
        or (first == 0 and t.lower in _CLAUSE_MARKS_IDS and t.dep not in _DEPS_NSUBJ_NSUBJPASS_DET)
    ):
        first += 1
    while last >= first and (tokens[last].is_punct or tokens[last].is_space):
        last -= 1
    return tokens[first : last + 1]


def _end(token: Token) -> int:
    return token.idx + len(token)  # its length in characters, as ``len(token.text)``, without making the text


# Verbs of a phase or of avoiding, whose gerund is the cue: PolNeAR's cue starts at them ("keeps saying",
# "began dismissing", "avoids discussing": 11 times in train, never left out)
ASPECTUAL_VERBS = frozenset({"begin", "start", "stop", "keep", "avoid", "continue", "quit", "resume", "finish"})


def _cue_span(verb: Token) -> tuple[int, int]:
    """The cue as written: the verb with the auxiliaries (passive ones too), negation and adverbs
    just before it ("has said", "was told", "did not say", "also said") and its particle ("pointed out").
    Not a wh-adverb ("when asked about X": PolNeAR's cue is "asked about" 26 times in train, never with
    "when"). "said in a statement" whole: PolNeAR's cue holds the statement 46 times in train, leaves it
    out 22."""
    first = last = verb
    before: dict[int, Token] = {}
    after: dict[int, Token] = {}
    for c in _kids(verb):
        dep = c.dep
        if dep in _DEPS_AUX_AUXPASS_NEG_ADVMOD and c.i < verb.i and c.tag != _TAG_WRB:
            before[c.i] = c
        elif dep == _DEP_PRT:
            after[c.i] = c
    while first.i - 1 in before:
        first = before[first.i - 1]
    start = first.idx
    head = verb.head
    if head.i == first.i - 1 and (
        (verb.tag == _TAG_VBG and verb.dep == _DEP_XCOMP and head.lemma_ in ASPECTUAL_VERBS)
        or (verb.dep == _DEP_ACOMP and head.lemma_ == "be")  # "they are convinced that": 2 right in train, none wrong
    ):
        start = _cue_span(head)[0]  # "keeps saying", "began dismissing", "avoids discussing"
    elif (held_back := _held_back_from(verb, first)) is not None:
        start = _cue_span(held_back)[0]
    while last.i + 1 in after:
        last = after[last.i + 1]
    while (manner := _manner_after(verb, last)) is not None:
        last = manner
    if verb.lemma_ == "say" and (statement := _in_statement(verb, last)) is not None:
        last = statement
    return start, _end(last)


def _held_back_from(verb: Token, first: Token) -> Token | None:
    """ "stopped short of calling", "has refrained from endorsing": the verb of holding back a gerund cue
    hangs on, which PolNeAR's cue starts at (4 times in train, never left out)."""
    prep = first.doc[first.i - 1] if first.i > 0 else None
    if prep is None or verb.tag != _TAG_VBG or verb.dep != _DEP_PCOMP or verb.head != prep:
        return None
    held = prep.head.head if prep.head.lower_ == "short" else prep.head
    between = {c.i for c in _kids(held) if c.dep == _DEP_ADVMOD}
    if held.i >= prep.i or held.lemma_ not in ("stop", "refrain") or prep.lower_ not in ("of", "from"):
        return None
    return held if all(i in between for i in range(held.i + 1, prep.i)) else None


# "-ly" adverbs that are no manner of speaking but a degree, a time or a focus on part of what is said
# ("said only that", "said nearly half", "said early Monday", "asked specifically about X": PolNeAR's cue
# leaves "specifically" and "directly" out 4 times in train, holds them once)
_NOT_MANNER = frozenset(
    get_string_id(w) for w in ("only", "early", "nearly", "likely", "roughly", "exactly", "specifically", "directly")
)


def _manner_after(verb: Token, last: Token) -> Token | None:
    """ "said sarcastically", "has said repeatedly", "argued insistently": the verb's manner adverb right
    after the cue's last word is part of the cue (PolNeAR's cue holds such a "-ly" adverb 23 times in
    train, leaves it out once)."""
    doc = verb.doc
    if last.i + 1 >= len(doc):
        return None
    word = doc[last.i + 1]
    manner = word.dep == _DEP_ADVMOD and word.head == verb and word.tag == _TAG_RB and word.lower_.endswith("ly")
    # lower case: not a name the parse took for an adverb ("said Skelly", "told O'Reilly")
    return word if manner and word.is_lower and word.lower not in _NOT_MANNER else None


def _in_statement(verb: Token, last: Token) -> Token | None:
    """ "in a statement" / "in the statement" on the verb, right after the cue's last word: its noun."""
    doc = verb.doc
    if last.i + 3 >= len(doc):
        return None
    prep, det, noun = doc[last.i + 1], doc[last.i + 2], doc[last.i + 3]
    if prep.lower_ == "in" and prep.head == verb and noun.head == prep and det.head == noun:
        return noun if noun.lower_ == "statement" else None
    return None


def _preposition_end(verb: Token, content_start: int, cue_span: tuple[int, int] | None = None) -> int:
    """The cue's end: its verb group, and a preposition of the verb's that stands right between it and
    the content ("called for X", "talked about X", "referred to X": PolNeAR's cue holds it 98 times in
    100 when the verb takes the preposition as a cue; "said in a statement that X" keeps "in" out)."""
    end = (cue_span or _cue_span(verb))[1]
    doc = verb.doc
    after = next((t for t in _run(doc, verb.i + 1, verb.i + 4) if t.idx >= end), None)
    if after is not None and after.dep == _DEP_PREP and after.head == verb:
        following = after.nbor() if after.i + 1 < len(doc) else None
        if following is not None and following.idx == content_start:
            return _end(after)
    return end


def _phrase(who: _Who | None) -> tuple[int | None, int | None]:
    if who is None:
        return None, None
    return who.written or (who.start, who.end)


def _written(draft: _Draft) -> _Draft:
    """The attribution whose speaker and cue are written: a quoted sentence's own source."""
    while draft.kind == "quoted" and draft.source is not None and draft.source is not draft:
        draft = draft.source
    return draft


def _phrase_text(verb: Token, text: str) -> str:
    """The verb with its auxiliaries and negation: "did not comment", "had reported"."""
    parts = sorted([verb, *(c for c in _kids(verb) if c.dep in _DEPS_AUX_AUXPASS_NEG and c.i < verb.i)], key=_at)
    return " ".join(t.text for t in parts)
