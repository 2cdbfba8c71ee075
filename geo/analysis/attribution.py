"""The learned attribution tagger: a CRF over spaCy's tokens that revises the rules' claims.

The rules (``geo.analysis.claims``) find who says what from the parse and a cue lexicon. This
stage reads the same ``Doc`` and the rules' claims, and tags every token as the source, the cue
or the content of an attribution, or none (BIO tags: PolNeAR's annotation is univocal, one role
per token, so it reads as a tag sequence). Its features are the token's words and parse (lemma,
part of speech, dependency, head), whether it sits inside quotation marks, how it hangs on the
nearest cue word above it ("the subject of 'said'", "inside the clause of 'warned'"), and the
role the rules gave it: the model learns where the rules are right and where they stop short.

The tagged spans are grouped into attributions (a content, the cue nearest to it, the source
nearest to that cue); ``revise`` then corrects the rules' spans with them and adds the
attributions the rules missed. The model is a CRFsuite file shipped in ``geo/data`` with its
provenance beside it, built by ``python -m geo claims train`` from a training split (never dev or
test) and read here with numpy, tagging as CRFsuite does; it holds feature names and weights, no
sentences. Without it the rules stand alone.
"""

from __future__ import annotations

import json
import logging
import math
import re
import struct
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.resources import as_file, files
from itertools import repeat
from pathlib import Path
from typing import Any, cast

import numpy as np
from spacy.attrs import (
    DEP,
    ENT_TYPE,
    HEAD,
    IDX,
    IS_PUNCT,
    IS_SPACE,
    IS_TITLE,
    LEMMA,
    LENGTH,
    LOWER,
    ORTH,
    POS,
    SENT_START,
    SPACY,
    TAG,
)
from spacy.tokens import Doc, Token

from geo.analysis.claims import (
    HEDGE_VERBS,
    INTERNAL_STATES,
    NOT_SPEAKERS,
    SPEAKER_PRONOUNS,
    _dated,
    _same_sentence,
    content_stance,
    cue_lexicon,
    inside_longer,
    learned_cues,
    link_contradictions,
    text_of,
    whole_words,
)
from geo.types import NARRATOR, Actor, Claim, Resolution, Span

log = logging.getLogger(__name__)

MODEL = "attribution_crf.bin"
PROVENANCE = "attribution_crf.json"
ROLES = ("SRC", "CUE", "CON")
OUTSIDE = "O"
# How far up the parse a token looks for the cue word it depends on.
MAX_CUE_DEPTH = 8
# Most tokens the tagger scores in one pass over several articles (an article longer is scored alone):
# a pass holds templates x tokens x labels weights (8,192 tokens: about 17 MB).
TAG_PASS_TOKENS = 8192
# Training parameters (L-BFGS with elastic net: L1 keeps the model file small).
TRAIN_PARAMS: dict[str, Any] = {"c1": 0.3, "c2": 0.01, "max_iterations": 120, "feature.possible_transitions": True}
MIN_FEATURE_FREQ = 4
_OPENING = frozenset({"“", "‘"})
_CLOSING = frozenset({"”", "’"})
_STRAIGHT = frozenset({'"', "''"})  # '' ... '': archives' quotation marks (spaCy keeps them one token)
_SENTENCE_ENDS = frozenset({".", "?", "!"})
_PUNCTUATION_CUES = frozenset({":", "—", "–", "―"})
# What a cue the rules did not make needs besides a known cue noun: a verb, an auxiliary ("has been
# a supporter of") or an adjective ("worried about"); a bare noun phrase ("A headline for") is none.
_PREDICATES = frozenset({"VERB", "AUX", "ADJ"})
_EDGE = " \t\n“”\"‘’'«»,;:.—–-"


@dataclass(frozen=True, slots=True)
class Attribution:
    """One tagged attribution: character spans of its content, cue and source (None: not tagged)."""

    content: tuple[int, int]
    cue: tuple[int, int] | None
    source: tuple[int, int] | None


# --- features ---------------------------------------------------------------------------------


def rule_roles(doc: Doc, claims: Iterable[Claim]) -> list[str]:
    """The role the rules give each token: "CON", "SRC", "CUE" (B-/I- marked), or "O"."""
    roles = [OUTSIDE] * len(doc)
    spans: list[tuple[str, int | None, int | None]] = []
    for claim in claims:
        if claim.narrated:
            continue
        spans.append(("CON", claim.start, claim.end))
        spans.append(("SRC", claim.speaker_start, claim.speaker_end))
        spans.append(("CUE", claim.cue_start, claim.cue_end))
    if not spans:
        return roles
    # The tokens ``doc.char_span(start, end, alignment_mode="expand")`` gives, found from the Doc's
    # offsets (a Token object a token of every span was most of this step): a token holds its
    # characters and its trailing space; a span starting in that space starts at the next token.
    table: Any = doc.to_array([IDX, LENGTH, SPACY]).astype(np.int64).reshape(len(doc), 3)
    firsts: list[int] = table[:, 0].tolist()
    words: list[int] = (table[:, 0] + table[:, 1]).tolist()
    ends: list[int] = (table[:, 0] + table[:, 1] + table[:, 2]).tolist()

    def token_at(char: int) -> int:
        i = bisect_right(firsts, char) - 1
        return i if i >= 0 and char < ends[i] else -1

    for role, start, end in spans:
        if start is None or end is None or end <= start:
            continue
        first, last = token_at(start), token_at(end - 1)
        if first < 0 or last < 0:
            continue
        if start == words[first]:
            first += 1
        for i in range(first, last + 1):
            if roles[i] == OUTSIDE:
                roles[i] = ("B-" if i == first else "I-") + role
    return roles


_ROLE_NAMES = (OUTSIDE, *(f"{bio}-{role}" for role in ROLES for bio in "BI"))
_ROLE_CODES = {name: k for k, name in enumerate(_ROLE_NAMES)}
_QUOTE_STATES = ("-", "q", "o", "c")
_ROLE_PAIRS = tuple(r + "|" + b for r in _ROLE_NAMES for b in (*_ROLE_NAMES, "^"))  # "rr=": a role and the one before
_FLAG = ("",)
# Prepositions PolNeAR's cue holds when they stand between it and its content ("criticism for X"): in
# train the cue ends in one 1,850 times (about 460, of 403, for 390, on 327, against 106, with 95, over 52),
# the content starts with one 93 times. Not "to" ("joked to reporters that"), "in", "as": less settled.
_CUE_PREPOSITIONS = frozenset({"about", "of", "for", "on", "against", "with", "over", "toward", "towards", "into"})
_SIDES = ("L", "R", "-")  # "cd=": the cue above is after the token, before it, none
_FIXED = (_ROLE_NAMES, _QUOTE_STATES, _ROLE_PAIRS, _FLAG, _SIDES)  # templates whose values are these


def _quote_codes(doc: Doc, orth: Any, spaces: Any) -> Any:
    """Each token's place in quotations as a code into ``_QUOTE_STATES``: "q" inside quotation marks,
    "o"/"c" on an opening/closing mark, "-" outside; a paragraph break closes any open quotation (a
    quote that runs on reopens its marks). From the Doc's ORTH ids and IS_SPACE flags: the state
    machine runs over the quotation marks and line breaks only, and the tokens between take the
    state ("q" or "-") the one before them leaves."""
    strings = doc.vocab.strings
    marks = {strings[mark]: mark for mark in _OPENING | _CLOSING | _STRAIGHT}
    at = spaces.copy()
    for mark in marks:  # a few comparisons: cheaper than numpy's isin on an article
        at |= orth == mark
    events = np.flatnonzero(at).tolist()
    states = np.zeros(len(orth), dtype=np.intp)
    inside = False
    for n, i in enumerate(events):
        text = marks.get(int(orth[i]))
        if text is None:  # a space: a line break closes a quotation, other spaces leave it
            if "\n" not in doc[i].text:
                text = ""
            else:
                inside = False
        elif text in _OPENING or (text in _STRAIGHT and not inside):
            inside = True
            states[i] = 2
        else:
            inside = False
            states[i] = 3
        if inside:
            if text == "":
                states[i] = 1
            states[i + 1 : events[n + 1] if n + 1 < len(events) else len(orth)] = 1
    return states


@lru_cache(maxsize=1)
def cue_words() -> frozenset[str]:
    """Lemmas that are attribution cues: the curated and learned lexicon, and learned nominal cues."""
    nouns = {key.split("/")[0] for key, (cues, uses) in learned_cues().items() if "/noun" in key and 2 * cues >= uses}
    return frozenset(cue_lexicon()) | frozenset(nouns) | {"according"}


def _share(lemma: str) -> str:
    cues, uses = learned_cues().get(lemma, (0, 0))
    if not uses:
        return "none"
    return str(min(4, int(5 * cues / uses)))


def _cues_above(up: list[int], is_cue: list[bool], deps: list[int], none: int) -> tuple[Any, Any, Any]:
    """For every token, the nearest ancestor that is a cue word (``is_cue``; -1 when none is within
    ``MAX_CUE_DEPTH``), the dependency (a code; ``none`` when no cue) of the child on the path under
    it, and the depth (0 when none), as arrays. A walk up in Python: a numpy step a level of the parse
    costs more on an article."""
    n = len(up)
    found, under, levels = [-1] * n, [none] * n, [0] * n
    for i in range(n):
        child = i
        for level in range(1, MAX_CUE_DEPTH + 1):
            head = up[child]
            if head == child:
                break
            if is_cue[head]:
                found[i], under[i], levels[i] = head, deps[child], level
                break
            child = head
    return np.array(found, dtype=np.intp), np.array(under, dtype=np.intp), np.array(levels, dtype=np.intp)


# The token attributes the features read, taken from the Doc's arrays: a spaCy Token object a token
# (and one a step up the parse) was a third of the tagger's cost. Strings by their (unsigned) hash;
# the head as an offset and the sentence start as 1/-1/0, signed.
_COLUMNS = (ORTH, LOWER, LEMMA, POS, TAG, DEP, ENT_TYPE, IS_SPACE, IS_TITLE)
_SIGNED = (HEAD, SENT_START)


def features(doc: Doc, roles: Sequence[str]) -> list[list[str]]:
    """The feature names of each token of ``doc`` (one CRF item a token), as CRFsuite's trainer reads
    them: each template's ``name + value``, in ``templates``' order, where the token has a value."""
    out: list[list[str]] = [[] for _ in range(len(doc))]
    for name, values, codes in templates(doc, roles):
        names = [None if v is None else name + v for v in values]
        size = len(names)
        for token, code in zip(out, codes.tolist(), strict=True):
            if code < size and (feature := names[code]) is not None:
                token.append(feature)
    return out


def templates(doc: Doc, roles: Sequence[str]) -> list[tuple[str, Sequence[str | None], Any]]:
    """The feature templates, in the order CRFsuite adds their weights: (name, values, codes), token i
    having the feature ``name + values[codes[i]]``, or none where its code is past the values or the
    value is None. Values are made a column at a time from the Doc's arrays, each distinct value (or
    pair of values) once an article, not once a token: training (``features``) and tagging
    (``Tagger.scores``) read the same columns.

    A token's templates: its word, lemma, part of speech, tag, dependency, its head's lemma and part
    of speech with its dependency, its place in quotations, the rules' role, the cue share of a
    verb's lemma, whether its lemma is a cue word, how it hangs on the nearest cue word above it
    (dependency, depth, the cue's lemma, on which side); sentence start, title case, entity type;
    the roles, parts of speech and quotations two tokens either side and the words one either side
    (or the article's edge); its role and the one before."""
    return _templates([(doc, roles)])


def _templates(parts: Sequence[tuple[Doc, Sequence[str]]]) -> list[tuple[str, Sequence[str | None], Any]]:
    """``templates`` of several articles' tokens at once, one after the other (Docs of one vocabulary):
    the same values as each alone (no neighbour, head or quotation crosses from one to the next), made
    with one numpy call a step for all of them."""
    sizes = [len(doc) for doc, _ in parts]
    n = sum(sizes)
    out: list[tuple[str, Sequence[str | None], Any]] = []

    def add(name: str, values: Sequence[str | None], codes: Any) -> None:
        out.append((name, values, codes))

    def distinct(codes: Any, size: int = 0) -> tuple[list[int], Any]:
        """The distinct codes, and each token's place among them: hashes by numpy's sort (3-4 times
        faster than a dict of Python ints on an article), codes below ``size`` (pairs of codes) by
        marking them."""
        if not size:
            unique, places = np.unique(codes, return_inverse=True)
            return unique.tolist(), places.astype(np.intp, copy=False)
        present = np.zeros(size, dtype=bool)
        present[codes] = True
        return np.flatnonzero(present).tolist(), (np.cumsum(present) - 1)[codes]

    def shifted(codes: Any, past: int) -> Any:
        """``codes`` padded with ``past`` on both ends: the codes k tokens away are [2 + k : 2 + k + n]."""
        return np.concatenate([[past, past], codes, [past, past]]).astype(np.intp)

    strings = parts[0][0].vocab.strings
    docs = [doc for doc in (d for d, _ in parts) if len(doc)]
    if not docs:
        return []
    array: Any = np.concatenate([doc.to_array(list(_COLUMNS)).reshape(-1, len(_COLUMNS)) for doc in docs])
    signed: Any = np.concatenate([doc.to_array(list(_SIGNED)).reshape(-1, len(_SIGNED)) for doc in docs])
    offsets, starts = signed[:, 0].astype(np.intp), signed[:, 1].astype(np.intp)  # uint64 (spaCy's stubs say float)
    orth, low, lem, pos_ids, tag_ids, dep_ids, ent_ids, space_flags, titles = (array[:, k] for k in range(9))
    heads = np.arange(n) + offsets  # a head is in its own article: the offsets are relative
    spaces = space_flags.astype(bool)
    # Each token's place in its article and its article's length: neighbours stop at the article's edges.
    lengths = np.repeat(np.array(sizes, dtype=np.intp), sizes)
    place = np.arange(n) - np.repeat(np.cumsum([0, *sizes[:-1]]).astype(np.intp), sizes)
    # The token's words and parse: distinct hashes to their strings.
    low_hashes, low_codes = distinct(low)
    text_of = strings.__getitem__
    lower = [*map(text_of, low_hashes), "<sp>"]
    low_codes = np.where(spaces, len(lower) - 1, low_codes)
    lemma_hashes, lemma_codes = distinct(lem)
    lemmas = [lemma.lower() for lemma in map(text_of, lemma_hashes)]
    pos_hashes, pos_codes = distinct(pos_ids)
    pos = list(map(text_of, pos_hashes))
    tag_hashes, tag_codes = distinct(tag_ids)
    dep_hashes, dep_codes = distinct(dep_ids)
    deps = list(map(text_of, dep_hashes))
    ent_hashes, ent_codes = distinct(ent_ids)
    firsts = np.cumsum([0, *(len(doc) for doc in docs)]).tolist()
    quote_codes = np.concatenate(
        [_quote_codes(doc, orth[i:j], spaces[i:j]) for doc, i, j in zip(docs, firsts, firsts[1:], strict=False)]
    )
    role_codes = np.array([_ROLE_CODES[r] for _, roles in parts for r in roles], dtype=np.intp)
    # How each token hangs on the nearest cue word above it.
    words = cue_words()
    known = np.array([lemma in words for lemma in lemmas], dtype=bool)
    is_cue_pos = np.array([p in ("VERB", "NOUN", "AUX") for p in pos], dtype=bool)
    cues = known[lemma_codes] & is_cue_pos[pos_codes]
    cue, via, depth = _cues_above(heads.tolist(), cues.tolist(), dep_codes.tolist(), len(deps))
    every = np.arange(n)
    add("b", _FLAG, np.zeros(n, dtype=np.intp))
    add("w=", lower, low_codes)
    add("l=", lemmas, lemma_codes)
    add("p=", pos, pos_codes)
    add("t=", list(map(text_of, tag_hashes)), tag_codes)
    add("d=", deps, dep_codes)
    pairs, codes = distinct(dep_codes * len(lemmas) + lemma_codes[heads], len(deps) * len(lemmas))
    add("dh=", [deps[c // len(lemmas)] + "|" + lemmas[c % len(lemmas)] for c in pairs], codes)
    pairs, codes = distinct(pos_codes[heads] * len(deps) + dep_codes, len(pos) * len(deps))
    add("hp=", [pos[c // len(deps)] + "|" + deps[c % len(deps)] for c in pairs], codes)
    add("q=", _QUOTE_STATES, quote_codes)
    add("r=", _ROLE_NAMES, role_codes)
    verb = np.array([p == "VERB" for p in pos], dtype=bool)[pos_codes]
    pairs, codes = distinct(np.where(verb, lemma_codes, len(lemmas)), len(lemmas) + 1)
    add("sh=", [_share(lemmas[c]) if c < len(lemmas) else "-" for c in pairs], codes)
    pairs, codes = distinct(known[lemma_codes] * len(pos) + pos_codes, 2 * len(pos))
    add("cw=", [str(bool(c // len(pos))) + "|" + pos[c % len(pos)] for c in pairs], codes)
    names = [*deps, ""]
    pairs, codes = distinct(via * 4 + np.minimum(depth, 3), 4 * len(names))
    add("ca=", [names[c // 4] + "|" + str(c % 4) for c in pairs], codes)
    width = len(names)
    pairs, codes = distinct(np.where(cue >= 0, lemma_codes[cue] * width + via + 1, 0), len(lemmas) * width + 1)
    add("cl=", [lemmas[(c - 1) // width] + "|" + names[(c - 1) % width] if c else "-" for c in pairs], codes)
    add("cd=", _SIDES, np.where(cue > every, 0, np.where(cue >= 0, 1, 2)))
    add("ss", _FLAG, np.where(starts > 0, 0, 1))
    add("title", _FLAG, np.where(titles != 0, 0, 1))
    add("e=", [strings[h] or None for h in ent_hashes], ent_codes)
    near_roles, near_pos = shifted(role_codes, len(_ROLE_NAMES)), shifted(pos_codes, len(pos))
    near_quotes, near_words = shifted(quote_codes, len(_QUOTE_STATES)), shifted(low_codes, len(lower))
    before: Any = None
    for k in (-2, -1, 1, 2):
        inside = (place + k >= 0) & (place + k < lengths)  # the token k away is in the same article

        def near(codes: Any, past: int, k: int = k, inside: Any = inside) -> Any:
            return np.where(inside, codes[2 + k : 2 + k + n], past)

        add(f"r{k}=", _ROLE_NAMES, near(near_roles, len(_ROLE_NAMES)))
        add(f"p{k}=", pos, near(near_pos, len(pos)))
        add(f"q{k}=", _QUOTE_STATES, near(near_quotes, len(_QUOTE_STATES)))
        if abs(k) == 1:
            add(f"w{k}=", lower, near(near_words, len(lower)))
        add(f"edge{k}", _FLAG, np.where(inside, 1, 0))  # the flag (code 0) past the article's ends
        if k == -1:
            before = near(near_roles, len(_ROLE_NAMES))  # "^" at an article's first token
    add("rr=", _ROLE_PAIRS, role_codes * (len(_ROLE_NAMES) + 1) + before)
    return out


def gold_tags(doc: Doc, attributions: Iterable[dict[str, Any]]) -> list[str]:
    """BIO tags of a corpus article's attributions (each fragment begins a span)."""
    tags = [OUTSIDE] * len(doc)
    for attribution in attributions:
        for role, key in (("SRC", "source"), ("CUE", "cue"), ("CON", "content")):
            for start, end in attribution.get(key) or ():
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None:
                    continue
                for k, token in enumerate(span):
                    if tags[token.i] == OUTSIDE and not token.is_space:
                        tags[token.i] = ("B-" if k == 0 else "I-") + role
    return tags


# --- the model ----------------------------------------------------------------------------------


class Tagger:
    """A loaded CRF model, tagged here rather than by CRFsuite (which trains it and defines its file).

    CRFsuite's tagger takes each token's features as strings (``features``: ~38 a token, each made in
    Python, copied and looked up by name in the model): that was 0.12-0.17 of spaCy's own time, more
    than the rest of the analysis after places. Here the weights are read from the file once, each
    template's values are made and looked up once for each distinct value in the article (``scores``),
    summed with numpy, and the best sequence is found by CRFsuite's Viterbi run block-wise
    (``_viterbi``): the same scores to the last bit and the same tags as CRFsuite's tagger (tested).
    """

    def __init__(self, path: Path) -> None:
        self.labels, self._tables, self._weights, self._transitions = _read_model(path.read_bytes())
        self._fixed: dict[str, list[int]] = {}

    def scores(self, doc: Doc, roles: Sequence[str]) -> Any:
        return self._scores(_templates([(doc, roles)]))

    def _scores(self, columns_of: list[tuple[str, Sequence[str | None], Any]]) -> Any:
        """Each token's score for each label (n x labels): the weights of its features summed in their
        order, as CRFsuite sums them. The features are ``templates``' columns (what ``features`` makes
        strings of for training): a template's value is looked up in the model once for each distinct
        value in the article, not once a token, and the weights gathered with numpy."""
        weights, tables, fixed = self._weights, self._tables, self._fixed
        if not columns_of:  # no tokens
            return np.zeros((0, len(self.labels)))
        absent = len(weights) - 1
        # Each template's rows (one a value, and the absent row last) in one list, and its tokens' codes
        # moved past the templates before it: one numpy lookup for all templates at the end.
        rows: list[int] = []
        columns: list[Any] = []
        offsets: list[int] = []
        for name, values, codes in columns_of:
            # The rows of a template whose values are fixed are kept.
            known = fixed.get(name) if values in _FIXED else None
            if known is None:
                get = tables.get(name, {}).get
                if None in values:
                    known = [absent if v is None else get(v, absent) for v in values]
                else:  # looked up in C (map), not a Python loop
                    known = list(map(get, cast(Sequence[str], values), repeat(absent)))
                known.append(absent)
                if values in _FIXED:
                    fixed[name] = known
            columns.append(codes)
            offsets.append(len(rows))
            rows.extend(known)
        places = np.stack(columns) + np.array(offsets, dtype=np.intp)[:, None]
        # Summed over the templates one after the other (numpy's sum over the first axis), as CRFsuite adds.
        return weights.take(np.array(rows, dtype=np.intp)[places], axis=0).sum(axis=0)

    def tag(self, doc: Doc, roles: Sequence[str]) -> list[str]:
        return self.tag_many([(doc, roles)])[0]

    def tag_many(self, parts: Sequence[tuple[Doc, Sequence[str]]]) -> list[list[str]]:
        """The tags of several articles (each Doc with its rules' roles), scored in passes over up to
        ``TAG_PASS_TOKENS`` tokens of consecutive articles (a pass's fixed cost is most of a short
        article's; the bound keeps its scores' memory small), each article decoded alone."""
        tags: list[list[str]] = []
        start = 0
        while start < len(parts):
            end, tokens = start + 1, len(parts[start][0])
            while end < len(parts) and tokens + len(parts[end][0]) <= TAG_PASS_TOKENS:
                tokens += len(parts[end][0])
                end += 1
            tags.extend(self._tag_pass(parts[start:end]))
            start = end
        return tags

    def _tag_pass(self, parts: Sequence[tuple[Doc, Sequence[str]]]) -> list[list[str]]:
        labels = self.labels
        sizes = [len(doc) for doc, _ in parts]
        if not sum(sizes):
            return [[] for _ in parts]
        scores = self._scores(_templates(parts))
        tags: list[list[str]] = []
        end = 0
        for size in sizes:
            path = _viterbi(scores[end : end + size], self._transitions) if size else []
            tags.append([labels[k] for k in path])
            end += size
        return tags


def _read_model(data: bytes) -> tuple[list[str], dict[str, dict[str, int]], Any, Any]:
    """A CRFsuite model file (crf1dmodel.c: a header, 20-byte features, the label and attribute
    names in CQDB chunks): its labels by id, each template's {value: attribute id}, the attributes'
    weights (attributes x labels, and a last row of zeros) and the transition weights (labels x labels)."""
    try:
        magic, _, kind, _, _, n_labels, n_attributes, at_features, at_labels, at_attributes = struct.unpack_from(
            "<4sI4s7I", data, 0
        )
        if magic != b"lCRF" or kind != b"FOMC":
            raise ValueError("not a CRFsuite model")
        chunk, _, count = struct.unpack_from("<4sII", data, at_features)
        if chunk != b"FEAT":
            raise ValueError("no feature chunk")
        record = np.dtype([("kind", "<u4"), ("source", "<u4"), ("target", "<u4"), ("weight", "<f8")])
        found = np.frombuffer(data, dtype=record, count=count, offset=at_features + 12)
        labels = _cqdb_keys(data, at_labels)
        attributes = _cqdb_keys(data, at_attributes)
    except struct.error as error:
        raise ValueError(f"a truncated CRFsuite model: {error}") from error
    if len(labels) != n_labels or len(attributes) != n_attributes:
        raise ValueError("a CRFsuite model whose names do not match its counts")
    weights = np.zeros((n_attributes + 1, n_labels))
    transitions = np.zeros((n_labels, n_labels))
    state, moves = found[found["kind"] == 0], found[found["kind"] == 1]
    weights[state["source"], state["target"]] = state["weight"]
    transitions[moves["source"], moves["target"]] = moves["weight"]
    tables: dict[str, dict[str, int]] = {}
    for k, attribute in enumerate(attributes):
        name, equals, value = attribute.partition("=")
        tables.setdefault(name + equals, {})[value] = k  # a flag ("ss") has no "=" and the value ""
    return labels, tables, weights, transitions


def _cqdb_keys(data: bytes, at: int) -> list[str]:
    """The strings of a CQDB chunk by id (cqdb.c: a header, hash tables, and a backward array of
    each id's record: id, size with the final NUL, the string)."""
    chunk, _, _, _, size, backward = struct.unpack_from("<4s5I", data, at)
    if chunk != b"CQDB":
        raise ValueError("no CQDB chunk")
    keys = []
    for offset in struct.unpack_from(f"<{size}I", data, at + backward):
        start = at + offset
        _, length = struct.unpack_from("<II", data, start)
        keys.append(data[start + 8 : start + 7 + length].decode("utf-8"))
    return keys


def _viterbi(scores: Any, transitions: Any) -> list[int]:
    """The label sequence (indices) of highest total score, as CRFsuite's Viterbi finds it: a token's
    best score for a label is the best over the labels before it of their score plus the transition,
    plus its own score (``scores``), the first of equal ones taken. Run in about sqrt(n) blocks of
    tokens so numpy takes the steps: a block's steps make one (max, +) product of labels x labels
    matrices, all blocks' at once; the scores entering each block carried across the blocks; then the
    steps inside all blocks taken at once, and each token's best label before it read off its scores."""
    n, size = scores.shape
    block = max(1, math.isqrt(n) // 2)  # more blocks than steps in one: measured the faster
    blocks = -(-n // block)
    padded = np.zeros((blocks * block, size))  # the padding's steps come after the last token: unread
    padded[:n] = scores
    # Blocks on the last axis, so each numpy step runs over all of them at once (small axes first
    # make numpy's loops slow). own[t, k, b]: the score of label k at token t of block b.
    own = np.ascontiguousarray(padded.reshape(blocks, block, size).transpose(1, 2, 0))
    moves = np.ascontiguousarray(np.broadcast_to(transitions[:, :, None], (size, size, blocks)))
    first = moves + own[0][None, :, :]
    first[:, :, 0] = scores[0][None, :]  # the first token has no label before it
    product = first  # product[j, k, b]: the best score from label j before block b to label k at its t
    for t in range(1, block):
        product = (product[:, :, None, :] + (moves + own[t][None, :, :])[None, :, :, :]).max(axis=1)
    entering = np.zeros((blocks, size))
    across = product.transpose(2, 0, 1).copy()
    for b in range(1, blocks):
        entering[b] = (entering[b - 1][:, None] + across[b - 1]).max(axis=0)
    entering = entering.T
    best = np.empty((block, size, blocks))
    score = entering
    for t in range(block):
        score = (score[:, None, :] + moves).max(axis=0) + own[t]
        if t == 0:
            score[:, 0] = scores[0]
        best[t] = score
    ordered = best.transpose(1, 2, 0).reshape(size, blocks * block)[:, : n - 1]  # [k, token]
    # The label before each token's label on its best path: the first j of the greatest score[j] + move.
    before = ordered[:, None, :] + moves[:, :, :1]
    greatest = before.max(axis=0)
    pointers = np.zeros((size, n - 1), dtype=np.intp)
    for j in range(size - 1, -1, -1):
        pointers[before[j] == greatest] = j
    back: list[int] = pointers.T.ravel().tolist()  # one flat list: no list a token for the collector
    path = [int(best[(n - 1) % block, :, (n - 1) // block].argmax())]
    for i in range(n - 2, -1, -1):
        path.append(back[i * size + path[-1]])
    return path[::-1]


@lru_cache(maxsize=1)
def load_tagger() -> Tagger | None:
    """The packaged model, or None (with a warning) when the package has none or it cannot be read."""
    resource = files("geo") / "data" / MODEL
    if not resource.is_file():
        log.warning(
            "No learned attribution model (geo/data/%s): claims come from the rules alone. "
            "Build it with `python -m geo claims train --corpus TRAIN.jsonl`.",
            MODEL,
        )
        return None
    try:
        with as_file(resource) as path:
            return Tagger(path)
    except (OSError, ValueError, ImportError) as error:
        log.warning("The learned attribution model cannot be read (%s): claims come from the rules alone.", error)
        return None


def train(
    sequences: Sequence[tuple[list[list[str]], list[str]]], path: Path, params: dict[str, Any] | None = None
) -> None:
    """Fit the CRF on (features, tags) sequences and write it to ``path``."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, yseq in sequences:
        trainer.append(xseq, yseq)
    trainer.set_params({**TRAIN_PARAMS, "feature.minfreq": MIN_FEATURE_FREQ, **(params or {})})
    trainer.train(str(path))


def training_inputs() -> str:
    """sha256 of what training reads besides the corpus and spaCy: the rules' code and cue tables
    (their claims are features) and the feature code. The provenance keeps it and a test compares,
    so a change to the rules without a retrain fails instead of leaving a model no command rebuilds."""
    import hashlib
    import inspect

    from geo.analysis import claims as rules

    digest = hashlib.sha256(inspect.getsource(rules).encode("utf-8"))
    for name in (rules.LEARNED_CUES, "claim_cues.csv"):
        resource = files("geo") / "data" / name
        digest.update(resource.read_bytes() if resource.is_file() else b"")
    for function in (rule_roles, _quote_codes, cue_words, _share, _cues_above, templates, features, gold_tags):
        digest.update(inspect.getsource(function).encode("utf-8"))
    digest.update(repr((TRAIN_PARAMS, MIN_FEATURE_FREQ, MAX_CUE_DEPTH, _COLUMNS, _SIGNED)).encode("utf-8"))
    return digest.hexdigest()


def write_provenance(path: Path, record: dict[str, Any]) -> Path:
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


# --- from tags to attributions --------------------------------------------------------------------


def tagged_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """(role, first token, last token + 1) of each run of B-/I- tags."""
    spans: list[tuple[str, int, int]] = []
    for i, tag in enumerate(tags):
        if tag == OUTSIDE:
            continue
        bio, role = tag.split("-", 1)
        if bio == "I" and spans and spans[-1][0] == role and spans[-1][2] == i:
            spans[-1] = (role, spans[-1][1], i + 1)
        else:
            spans.append((role, i, i + 1))
    return spans


def group(doc: Doc, tags: Sequence[str]) -> list[Attribution]:
    """Attributions from tags: each content (pieces around a cue or source in one paragraph joined,
    as in "“A,” he said, “B.”"), with the nearest cue in its paragraph and the source nearest that cue."""
    # The tokens' flags from the Doc's arrays (a spaCy Token object a token was most of this step).
    table: Any = doc.to_array([IS_SPACE, IS_PUNCT, IDX, LENGTH]).astype(np.int64).reshape(len(doc), 4)
    flags = table[:, :2].astype(bool)
    spaces: list[bool] = flags[:, 0].tolist()
    firsts: list[int] = table[:, 2].tolist()
    lasts: list[int] = (table[:, 2] + table[:, 3]).tolist()
    breaks = [i for i in np.flatnonzero(flags[:, 0]).tolist() if "\n" in doc[i].text]
    tags = list(tags)
    for i in breaks:
        tags[i] = OUTSIDE
    words = np.concatenate([[0], np.cumsum(~flags[:, 0] & ~flags[:, 1])]).tolist()  # words before each token
    spans = [s for s in tagged_spans(tags) if words[s[2]] > words[s[1]]]
    starts, ends = [s[1] for s in spans], [s[2] for s in spans]  # in order, apart
    paragraphs = [0] + [i + 1 for i in breaks]
    paragraph = np.searchsorted(paragraphs, np.arange(1, len(doc) + 1)).tolist().__getitem__

    def chars(i: int, j: int) -> tuple[int, int]:
        inside = [k for k in range(i, j) if not spaces[k]]
        return firsts[inside[0]], lasts[inside[-1]]

    contents: list[list[int]] = []  # [first, end] token indices
    for role, i, j in spans:
        if role != "CON":
            continue
        if contents:
            last = contents[-1]
            between = spans[bisect_left(starts, last[1]) : bisect_right(ends, i)]
            tagged = {t for s in between for t in range(s[1], s[2])}
            if (
                any(s[0] == "CUE" for s in between)
                and all(s[0] != "CON" for s in between)
                and paragraph(last[0]) == paragraph(i)
                and all(
                    (t.is_punct and t.text not in _SENTENCE_ENDS) or t.is_space
                    for t in doc[last[1] : i]
                    if t.i not in tagged
                )
            ):
                last[1] = j
                continue
        contents.append([i, j])
    cues = [s for s in spans if s[0] == "CUE"]
    sources = [s for s in spans if s[0] == "SRC"]
    used_cues: set[int] = set()
    found: list[Attribution] = []
    previous: tuple[int, int, int] | None = None  # the last content's paragraph, end token, index in found
    for i, j in contents:
        p = paragraph(i)
        cue = _nearest(cues, i, j, p, paragraph, used_cues)
        if (
            cue is None
            and previous is not None
            and previous[0] == p - 1
            and _ends_paragraph(doc, previous[1])
            and _opens_quote(doc, i)
        ):
            # A quotation that runs on into the next paragraph (which opens with a quotation mark).
            earlier = found[previous[2]]
            found[previous[2]] = replace(earlier, content=(earlier.content[0], chars(i, j)[1]))
            previous = (p, j, previous[2])
            continue
        if cue is None:
            cue = _nearest(cues, i, j, p - 1, paragraph, used_cues, after_content=contents)
        source = None
        if cue is not None:
            used_cues.add(cue[1])
            source = _nearest(sources, cue[1], cue[2], paragraph(cue[1]), paragraph, set())
        if source is not None and cue is not None:
            source = _source_phrase(doc, source, cue)
        found.append(
            Attribution(
                content=chars(i, j),
                cue=chars(cue[1], cue[2]) if cue else None,
                source=whole_words(text_of(doc), *chars(source[1], source[2])) if source else None,
            )
        )
        previous = (p, j, len(found) - 1)
    return found


_LEFT_MODIFIERS = frozenset({"det", "amod", "compound", "poss", "nmod", "nummod", "case", "quantmod"})
_PARTICIPLES = frozenset({"VBN", "VBG", "VBD"})
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _source_phrase(doc: Doc, source: tuple[str, int, int], cue: tuple[str, int, int]) -> tuple[str, int, int]:
    """A tagged source made one phrase of the parse (measured on 20 % of PolNeAR train held out from the
    tagger and on dev, source exact F1 up in both, nothing else moved):

    - of the words whose head lies outside it, the one nearest the cue with its own words, when the rest
      is a clause or a date: "an explosion that [Mayor X] described", "[whose leaders] are", "were
      rejected by [the council] in 2015" (the rules' sources end before a date too);
    - widened over the modifiers its head word has just before it: "[his donors]" for "donors"."""
    _, i, j = source
    roots = [t for t in doc[i:j] if not (t.is_punct or t.is_space) and (t.head.i == t.i or not i <= t.head.i < j)]
    if len(roots) > 1:
        root = roots[-1] if cue[1] >= j else roots[0]
        inside = [t.i for t in root.subtree if i <= t.i < j and not (t.is_punct or t.is_space)]
        kept = doc[min(inside) : max(inside) + 1]
        dropped = [t for t in doc[i:j] if not kept.start <= t.i < kept.end]
        relative = any(t.tag_ in ("WDT", "WP", "WP$") for t in doc[i:j])
        clause = relative or any(t.tag_ in _FINITE for t in dropped)  # not "voters filing into ..."
        dated = all(t.dep_ == "prep" and _dated(t) for t in roots if t != root)
        if not (clause or dated) or kept.text.lower() in NOT_SPEAKERS:  # "which" alone makes no claim (``_new``)
            return source
        i, j = kept.start, kept.end
        roots = [root]
    if not roots:
        return source
    k = i
    while k < j and (doc[k].is_punct or doc[k].is_space):
        k += 1
    while (
        k > roots[0].left_edge.i
        and not doc[k - 1].is_punct
        and doc[k - 1].dep_ in _LEFT_MODIFIERS
        and doc[k - 1].tag_ not in _PARTICIPLES  # "carried placards", "leading advisers": what they do
        and k - 1 <= doc[k - 1].head.i < j
    ):
        k -= 1
    return source[0], k, j


def _request(verb: Token) -> bool:
    """ "pressed him to leave": a verb with an object and an infinitive clause."""
    deps = {child.dep_ for child in verb.children}
    return verb.pos_ == "VERB" and "xcomp" in deps and bool(deps & {"dobj", "obj"})


def _opens_quote(doc: Doc, i: int) -> bool:
    return any(t.text in _OPENING or t.text in _STRAIGHT for t in doc[max(0, i - 1) : i + 1])


def _ends_paragraph(doc: Doc, end: int) -> bool:
    for token in doc[end:]:
        if token.is_space and "\n" in token.text:
            return True
        if not token.is_punct and not token.is_space:
            return False
    return True


def _nearest(
    candidates: list[tuple[str, int, int]],
    i: int,
    j: int,
    p: int,
    paragraph: Any,
    used: set[int],
    after_content: list[list[int]] | None = None,
) -> tuple[str, int, int] | None:
    """The candidate span nearest to tokens [i, j) in paragraph ``p``; with ``after_content``, only one
    that no content follows in its paragraph ("X reports:" before a block quote)."""
    best, best_distance = None, None
    for span in candidates:
        if span[1] in used or paragraph(span[1]) != p:
            continue
        if after_content is not None and any(c[0] >= span[2] and paragraph(c[0]) == p for c in after_content):
            continue
        if span[2] <= i:
            distance = i - span[2]
        elif span[1] >= j:
            distance = span[1] - j
        else:
            distance = 0
        if best_distance is None or distance < best_distance:
            best, best_distance = span, distance
    return best


# --- revising the rules' claims ---------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def _words(text: str, start: int, end: int) -> set[int]:
    return {start + m.start() for m in _WORD.finditer(text[start:end])}


def _matches(x: set[int], y: set[int]) -> bool:
    """The scorer's test on two contents' words (``_words``): they share at least half the words of
    the shorter one."""
    shared = len(x & y)
    return bool(shared) and 2 * shared >= min(len(x), len(y))


def _strip_complementiser(text: str, start: int, end: int) -> int:
    match = re.match(r"\s*(that|whether|if)\b\s*", text[start:end], re.IGNORECASE)
    return start + match.end() if match and match.end() < end - start else start


def revise(
    claims: tuple[Claim, ...],
    doc: Doc,
    text: str,
    actors: tuple[Actor, ...],
    resolutions: tuple[Resolution, ...],
    tagger: Tagger | None,
    tags: Sequence[str] | None = None,
) -> tuple[Claim, ...]:
    """The rules' claims revised by the tagger (each choice measured on PolNeAR dev), with ``tags`` the
    tagger's for ``doc`` where the caller tagged several articles at once (``Tagger.tag_many``):

    - a rule claim whose content the tagger finds and widens (a quotation that runs on, a
      clause the parse cut short) takes the tagger's content, unless the wider span takes in
      another claim's cue (two reports joined, one nested in the other); its cue and speaker stay the
      rules' (their spans are the more often exact), or are the tagger's where the rules have none;
    - an attribution the rules missed becomes a claim when the tagger also found its cue, with a verb,
      an adjective or a known cue noun in it, or a colon or dash (without one, a tagged content is more often wrong than
      right); the narration it covers is dropped;
    - a rule claim the tagger does not find stays (dropping it loses more than it gains);
    - a claim whose content another's longer content mostly holds, its cue outside it, goes
      (``claims.inside_longer``: the same report read twice).

    ``claims`` come with their contradictions linked (``extract_claims`` links them); when the revision
    changes nothing the links read (``_linked_by``), those links are kept rather than made again.
    """
    if tagger is None or not len(doc):
        return claims
    from geo.analysis.claims import _actors_in, _places_in

    attributions = group(doc, tagger.tag(doc, rule_roles(doc, claims)) if tags is None else tags)
    revised = list(claims)
    matched: set[int] = set()
    added: list[Claim] = []
    spans_words: dict[tuple[int, int], set[int]] = {}  # each span split into words once, not once a pair

    def words(span: tuple[int, int]) -> set[int]:
        found = spans_words.get(span)
        if found is None:
            found = spans_words[span] = _words(text, *span)
        return found

    for attribution in attributions:
        content = words(attribution.content)
        first, last = attribution.content
        hits = [
            k
            for k, c in enumerate(revised)
            if not c.narrated
            and k not in matched
            and ((c.start < last and first < c.end) or c.end <= c.start)  # either test needs an overlap
            and (_matches(words((c.start, c.end)), content) or _inside_mostly(c, first, last))
        ]
        start, end = _trim(text, _strip_complementiser(text, *attribution.content), attribution.content[1])
        if not hits:
            if _new(doc, attribution) and not _conflicts(attribution, revised):
                added.append(_new_claim(attribution, start, end, doc, text, actors, resolutions, revised))
            continue
        matched.update(hits)
        for n, k in enumerate(hits):
            claim = revised[k]
            changes: dict[str, Any] = {}
            if (
                n == 0
                and start <= claim.start
                and claim.end <= end
                and not _covers_own(start, end, claim)
                and not _covers_other(start, end, claim, revised)
            ):
                changes = {"start": start, "end": end, "text": text[start:end]}
                changes["places"] = _places_in(resolutions, start, end)
                changes["actors"] = _actors_in(actors, start, end)
            # the tagger's cue where the rules have none; the rules' cue by a content the tagger moved
            cue = attribution.cue
            if claim.cue_start is not None and claim.cue_end is not None:
                cue = (claim.cue_start, claim.cue_end) if changes else None
            if cue is not None:
                content_at, content_end = changes.get("start", claim.start), changes.get("end", claim.end)
                (cue_at, cue_end), moved_to = _cue_by_content(doc, cue, (content_at, content_end))
                changes.update(cue_start=cue_at, cue_end=cue_end)
                if moved_to != content_at:
                    content_at = moved_to
                    changes.update(start=content_at, end=content_end, text=text[content_at:content_end])
                    changes["places"] = _places_in(resolutions, content_at, content_end)
                    changes["actors"] = _actors_in(actors, content_at, content_end)
            # a claim with a speaker but none written is the article's own hedge ("X seems to"): no source
            if (
                attribution.source is not None
                and claim.speaker_start is None
                and claim.speaker == "unnamed"
                # "The militia is believed to ... . Sources say ...": not the next sentence's source
                and _same_sentence(
                    doc, attribution.source[0], claim.cue_start if claim.cue_start is not None else claim.start
                )
            ):
                changes.update(speaker_start=attribution.source[0], speaker_end=attribution.source[1])
            if changes:
                revised[k] = replace(claim, **changes)
    if added:
        taken = [(c.start, c.end) for c in added]
        taken += [(c.cue_start, c.cue_end) for c in added if c.cue_start is not None and c.cue_end is not None]
        revised = [c for c in revised if not (c.narrated and any(c.start < e and s < c.end for s, e in taken))]
    claims_now = revised + added
    spoken = [c for c in claims_now if not c.narrated]
    # the tagger's widened or added content may now hold another claim's whole: that one reads a report twice
    twice = {id(spoken[k]) for k in inside_longer([(c.start, c.end, c.cue_start) for c in spoken])}
    result = _renumber([c for c in claims_now if id(c) not in twice])
    if [_linked_by(c) for c in result] == [_linked_by(c) for c in claims]:
        return result  # nothing contradiction links read changed: the rules' links (``extract_claims``) stand
    return link_contradictions(result, doc)


def _linked_by(claim: Claim) -> tuple[Any, ...]:
    """What ``link_contradictions`` reads of a claim (its content's words through its span)."""
    return claim.id, claim.start, claim.end, claim.stance, claim.speaker, claim.actors, claim.places


def _covers_other(start: int, end: int, claim: Claim, claims: Sequence[Claim]) -> bool:
    """A content widened over another claim's cue: the tagger joined two reports, nested ("X had told
    police that ..., the source added") or side by side, and the wider span matches the other one's
    attribution better than this claim's own (measured on 20 % of train held out from the tagger:
    detection 0.747 -> 0.761, cue exact 0.547 -> 0.575, content overlap unchanged)."""
    for other in claims:
        if other.narrated or other.cue_start is None or other.cue_end is None:
            continue
        if other.cue_start == claim.cue_start:
            # "“A. B,” he said": B is a claim of its own; A does not take it in
            if other is not claim and claim.end <= other.start and other.end <= end:
                return True
            continue
        widened_over = start < other.cue_end and other.cue_start < end
        if widened_over and not (claim.start < other.cue_end and other.cue_start < claim.end):
            return True
        # "According to X, A. B, the aid worker said": widened over the whole content of another report
        # whose cue comes after it
        if other.cue_start >= end and claim.end <= other.start and other.end <= end:
            return True
    return False


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A content without the quotation marks and punctuation at its ends (as the rules write it)."""
    inner = text[start:end]
    left = len(inner) - len(inner.lstrip(_EDGE))
    right = len(inner.rstrip(_EDGE))
    return (start + left, start + right) if right > left else (start, end)


def _covers_own(start: int, end: int, claim: Claim) -> bool:
    """A content widened to the left over the claim's own cue or speaker ("the mayor's claim that ...");
    a quotation interrupted by its cue ("“A,” he said, “B.”") takes in the cue on the right, rightly."""
    spans = [(claim.cue_start, claim.cue_end), (claim.speaker_start, claim.speaker_end)]
    return any(s is not None and e is not None and start < e and s < claim.start for s, e in spans)


def _conflicts(attribution: Attribution, claims: Sequence[Claim]) -> bool:
    """A new attribution that overlaps a rule claim's content, cue or speaker: the rules read that
    part of the sentence another way (nested reports, a content the parse split), and they stand."""
    parts = [p for p in (attribution.content, attribution.cue) if p is not None]
    for claim in claims:
        if claim.narrated:
            continue
        spans = [(claim.start, claim.end), (claim.cue_start, claim.cue_end), (claim.speaker_start, claim.speaker_end)]
        if any(s is not None and e is not None and a < e and s < b for s, e in spans for a, b in parts):
            return True
    return False


def _new(doc: Doc, attribution: Attribution) -> bool:
    """Whether a tagged attribution the rules did not make becomes a claim: its cue has a verb, an
    auxiliary or an adjective, a cue noun the lexicon knows, or is a colon or dash ("Trump: "), and a
    word that can be a cue (``_cue_word``: not "pumping", "tossed");
    a bare noun phrase is none (PolNeAR annotates half its headlines, so the tagger reads a first line
    as an attribution: "A headline for the test" makes no claim). It is not negated (what was not
    said is no claim: "did not comment on the reports" is narration) nor a request reported as an
    event ("pressed him to leave", as the rules read it), and its source is not a demonstrative
    ("That explains why ...")."""
    if attribution.cue is None:
        return False
    span = doc.char_span(*attribution.cue, alignment_mode="expand") or ()
    words = cue_words()
    if not any(
        t.pos_ in _PREDICATES or t.text in _PUNCTUATION_CUES or (t.pos_ == "NOUN" and t.lemma_.lower() in words)
        for t in span
    ):
        return False
    if any(t.dep_ == "neg" for t in span) or any(_request(t) for t in span):
        return False
    if not any(_cue_word(t) for t in span):
        return False
    source = doc.char_span(*attribution.source, alignment_mode="expand") if attribution.source else None
    return not (source is not None and source.text.lower() in NOT_SPEAKERS)


# A verb the tagger reads as a cue must be one now and then in PolNeAR train: at least twice, in at least
# this share of its uses. The tagger trained on the rules of session 13 wrote "tossed", "has assembled",
# "licenses" as cues (dev: cue exact +0.0016, held out +0.0020, detection unchanged).
MIN_TAGGED_CUE_SHARE = 0.05
MIN_TAGGED_CUE_COUNT = 2


def _cue_word(token: Token) -> bool:
    """A word that can carry a tagged claim's cue: a noun or adjective ("concerns", "critical"), a
    colon or dash, a curated cue verb, or a verb the learned table has seen as a cue."""
    if token.text in _PUNCTUATION_CUES or token.pos_ in ("NOUN", "ADJ"):
        return True
    lemma = token.lemma_.lower()
    if lemma in cue_lexicon(learned=False):
        return True
    cues, uses = learned_cues().get(lemma, (0, 0))
    return token.pos_ in ("VERB", "AUX") and cues >= MIN_TAGGED_CUE_COUNT and cues >= MIN_TAGGED_CUE_SHARE * uses


def _cue_by_content(doc: Doc, cue: tuple[int, int], content: tuple[int, int]) -> tuple[tuple[int, int], int]:
    """A cue and the start of its content, with the preposition between them in the cue, as PolNeAR
    writes it ("agreed with X", "sharp criticism for X"): the one word between the two, or the content's
    first word when the tagger or the rules' cue stopped right before it (see ``_CUE_PREPOSITIONS``)."""
    start, end = cue
    if end > content[0]:
        return cue, content[0]  # the cue after its content ("X, he said")
    span = doc.char_span(end, content[1], alignment_mode="expand")
    words = [t for t in span or () if not t.is_space]
    if len(words) < 2 or words[0].pos_ != "ADP" or words[0].lower_ not in _CUE_PREPOSITIONS:
        return cue, content[0]
    preposition = words[0]
    if text_of(doc)[end : preposition.idx].strip():
        return cue, content[0]  # words between the cue and the preposition: "ruled Friday against X"
    after = preposition.idx + len(preposition)
    if preposition.idx >= content[0]:  # the content opened with it: it starts after it now
        return (start, after), _trim(text_of(doc), after, content[1])[0]
    if words[1].idx == content[0]:  # it stood between the two
        return (start, after), content[0]
    return cue, content[0]


def _inside_mostly(claim: Claim, start: int, end: int) -> bool:
    shared = max(0, min(claim.end, end) - max(claim.start, start))
    return 2 * shared >= claim.end - claim.start


def _new_claim(
    attribution: Attribution,
    start: int,
    end: int,
    doc: Doc,
    text: str,
    actors: tuple[Actor, ...],
    resolutions: tuple[Resolution, ...],
    earlier: Sequence[Claim],
) -> Claim:
    from geo.analysis.claims import _actors_in, _places_in

    lexicon = cue_lexicon()
    cue_lemma, entry, hedge, cue_head = "", None, False, None
    if attribution.cue is not None:
        cue, start = _cue_by_content(doc, attribution.cue, (start, end))
        attribution = replace(attribution, cue=cue)
        span = doc.char_span(*cue, alignment_mode="expand")
        verbs = [t.lemma_.lower() for t in span or () if t.pos_ == "VERB"]
        hedge = len(verbs) == 1 and verbs[0] in HEDGE_VERBS  # "seems", "has appeared"; not "seems to feel"
        # the verb of "did not deny", "has been endorsed by"; a noun cue's noun; else an auxiliary
        words = list(span or ())
        ranked = ([t for t in words if t.pos_ == pos] for pos in ("VERB", "NOUN", "AUX"))
        heads = next((found for found in ranked if found), words)
        cue_head = heads[0] if heads else None
        cue_lemma = heads[0].lemma_.lower() if heads else text[cue[0] : cue[1]]
        entry = lexicon.get(cue_lemma)
    speaker_text = text[attribution.source[0] : attribution.source[1]] if attribution.source else ""
    speaker, speaker_actor = speaker_text or "unnamed", None
    owner = _actor_at(actors, attribution.source)
    if owner is not None:
        speaker = speaker_actor = owner
    elif speaker_text.lower() in SPEAKER_PRONOUNS:
        previous = [c for c in earlier if not c.narrated and c.start < start]
        if previous:
            speaker, speaker_actor = previous[-1].speaker, previous[-1].speaker_actor
    stance, hedges = content_stance(doc, start, end, cue_head, entry.stance if entry is not None else "asserts")
    if hedge and attribution.source is not None:
        # "X seems to ...": the article's own hedge, as the rules read it (``claims._narrators_hedge``)
        attribution = replace(attribution, source=None)
        speaker, speaker_actor, speaker_text = _narrator_of(earlier), None, ""
    return Claim(
        id="",
        start=start,
        end=end,
        text=text[start:end],
        speaker=speaker,
        via=None,
        cue=cue_lemma,
        stance=stance,
        hedged=bool(entry and entry.hedged) or bool(hedges),
        places=_places_in(resolutions, start, end),
        actors=_actors_in(actors, start, end),
        speaker_text=speaker_text,
        speaker_actor=speaker_actor,
        speaker_start=attribution.source[0] if attribution.source else None,
        speaker_end=attribution.source[1] if attribution.source else None,
        cue_start=attribution.cue[0] if attribution.cue else None,
        cue_end=attribution.cue[1] if attribution.cue else None,
        internal=bool(entry and entry.internal) or cue_lemma in INTERNAL_STATES,
        speaker_chain=(Span(attribution.source[0], attribution.source[1], speaker_text),) if attribution.source else (),
        hedges=tuple(Span(s, e, text[s:e]) for s, e in sorted(set(hedges))),
    )


def _narrator_of(claims: Sequence[Claim]) -> str:
    """Who narrates the article: the speaker of its narration, "the article" when it has none."""
    return next((c.speaker for c in claims if c.narrated), NARRATOR)


def _actor_at(actors: tuple[Actor, ...], span: tuple[int, int] | None) -> str | None:
    if span is None:
        return None
    for actor in actors:
        for mention in actor.mentions:
            if span[0] <= mention.start and mention.end <= span[1]:
                return actor.id
    return None


def _renumber(claims: Iterable[Claim]) -> tuple[Claim, ...]:
    ordered = sorted(claims, key=lambda c: (c.start, c.end))
    ids = {c.id: f"c{n}" for n, c in enumerate(ordered, 1) if c.id}
    renumbered = []
    for n, claim in enumerate(ordered, 1):
        links = tuple(ids[x] for x in claim.contradicts if x in ids)
        same = claim.id == f"c{n}" and claim.contradicts == links  # most are: ``replace`` is not cheap
        renumbered.append(claim if same else replace(claim, id=f"c{n}", contradicts=links))
    return tuple(renumbered)
