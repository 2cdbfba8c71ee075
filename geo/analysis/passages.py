"""Split article text into passages (title, paragraphs, metadata lines) and sentences.

Offsets are Python str offsets into the article text, [start, end). Pasted news
text carries page furniture around the prose: a breadcrumb ("Home » ..."), a
line of category tags, a "Source: ..." line. Those become ``metadata``
passages so that later stages neither read them as prose nor map the places
they name.
"""

from __future__ import annotations

import re

from geo.types import Passage

_LINE = re.compile(r"[^\n]+")
_BREADCRUMB = re.compile(r"^\s*(home|start|main)\s*(»|>|/|›|\|)", re.IGNORECASE)
_SEPARATOR_LINE = re.compile(r"\s(»|›)\s")
_LABEL_LINE = re.compile(
    r"^\s*(source|sources|photo|photos|image|images|credit|credits|tags|filed under|read more|"
    r"share|share this|related|related articles|advertisement|subscribe)\s*[:|]",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.!?:;\"”’)\]…]\s*$")
# Lower-case words that real headlines contain and tag lists do not.
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "but",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "after",
        "before",
        "over",
        "under",
        "into",
        "about",
        "against",
        "amid",
        "says",
        "said",
        "will",
        "would",
        "may",
        "could",
    ]
)
# Where a sentence may end: terminal punctuation, optional closing quote/bracket,
# white space, then something that can start a sentence.
# Atomic quantifiers, and a match starts only at the first mark of a run: a long run of marks
# without a sentence after it is read once, not once per mark (that was O(n^2)). The pattern opens
# with a mark and checks behind it that none came before: the engine then skips to the marks (a
# lookbehind first made it try at every character).
_SENTENCE_END = re.compile(r"[.!?…](?<![.!?…][.!?…])[.!?…]*+[\"”’)\]]*+\s++(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(\b(Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Maj|Capt|Sgt|Adm|Rep|Sen|Gov|Pres|St|Mt|Ft|No|Nos|Jan|Feb|Mar|"
    r"Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Inc|Ltd|Co|Corp|vs|etc|approx|Jr|Sr)\.|\b[A-Z]\.|\b[A-Z]\.[A-Z]\.)$"
)
ABBREVIATION_WINDOW = 12  # longer than the longest abbreviation ("approx.") and its word boundary
HEADER_LINES = 6  # furniture and the headline sit in the first few lines


def split(text: str) -> tuple[Passage, ...]:
    """Return the passages of ``text`` in order, each with its sentences."""
    lines = _paragraph_lines(text)
    passages: list[Passage] = []
    seen_prose = False
    for start, end in lines:
        line = text[start:end]
        if _is_metadata(line, in_header=not seen_prose and len(passages) < HEADER_LINES):
            kind = "metadata"
        elif not seen_prose and _is_headline(line) and not any(p.kind == "title" for p in passages):
            kind = "title"
        else:
            kind = "paragraph"
            seen_prose = True
        sentences = _sentences(text, start, end) if kind != "metadata" else ((start, end),)
        passages.append(Passage(len(passages), start, end, kind, sentences))  # type: ignore[arg-type]
    return tuple(passages)


def title_of(text: str, passages: tuple[Passage, ...]) -> str | None:
    """The headline, when the text starts with one."""
    for passage in passages:
        if passage.kind == "title":
            return text[passage.start : passage.end].strip()
    return None


def source_of(text: str, passages: tuple[Passage, ...]) -> str | None:
    """The outlet named on a "Source: X" line, if any."""
    for passage in passages:
        match = re.match(r"\s*sources?\s*:\s*(.+?)\s*$", text[passage.start : passage.end], re.IGNORECASE)
        if passage.kind == "metadata" and match:
            return match.group(1)
    return None


def _paragraph_lines(text: str) -> list[tuple[int, int]]:
    """Paragraph spans: one per line, except that hard-wrapped lines are joined.

    A line continues the previous one when the previous does not end a
    sentence and this one starts in lower case (text wrapped at a fixed width).
    """
    spans: list[tuple[int, int]] = []
    previous_blank = True
    last_end = 0
    for match in _LINE.finditer(text):
        start, end = match.span()
        stripped = match.group().strip()
        if not stripped:
            previous_blank = True
            continue
        start += len(match.group()) - len(match.group().lstrip())
        end -= len(match.group()) - len(match.group().rstrip())
        gap_is_single_newline = text[last_end:start].count("\n") == 1
        if (
            spans
            and not previous_blank
            and gap_is_single_newline
            and not _TERMINAL.search(text, max(spans[-1][0], spans[-1][1] - 2), spans[-1][1])
            and stripped[0].islower()
        ):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        previous_blank = False
        last_end = end
    return spans


def _is_metadata(line: str, *, in_header: bool) -> bool:
    if _LABEL_LINE.match(line) and len(line) < 200:
        return True
    if not in_header:
        return False
    if _BREADCRUMB.match(line) or _SEPARATOR_LINE.search(line):
        return True
    # A tag list: several capitalised words, no sentence punctuation, no function words. Read word by
    # word: a line of prose fails at its first lower-case word (a paragraph's words were all read).
    count = 0
    for match in _WORD.finditer(line):
        word = match.group()
        if not word[0].isupper() or word.lower() in _FUNCTION_WORDS:
            return False
        count += 1
    return count >= 3 and not _TERMINAL.search(line)


_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _is_headline(line: str) -> bool:
    words = line.split(maxsplit=30)  # more than 30 words make 31 parts, as many as tell it
    return 2 <= len(words) <= 30 and not re.search(r"[.!?]\s*$", line)


def sentences(text: str, start: int = 0, end: int | None = None) -> tuple[tuple[int, int], ...]:
    """The sentences of ``text[start:end]`` as [start, end) offsets into ``text``."""
    return _sentences(text, start, len(text) if end is None else end)


def _sentences(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    sentence_start = start
    for match in _SENTENCE_END.finditer(text, start, end):
        # Only the last few characters can hold an abbreviation: searching the whole sentence so far
        # would re-read it after every skipped abbreviation.
        if _ABBREVIATION.search(text, max(sentence_start, match.start() - ABBREVIATION_WINDOW), match.start() + 1):
            continue
        stop = match.end() - (len(match.group()) - len(match.group().rstrip()))
        spans.append((sentence_start, stop))
        sentence_start = match.end()
    if sentence_start < end:
        spans.append((sentence_start, end))
    return tuple(spans)


# The commonest English words; news prose in English has roughly one in four words among them.
_ENGLISH_WORDS = frozenset(
    "the of and to a in that is was he for it with as his on be at by i this had not are but from or have an "
    "they which one you were her all she there would their we him been has when who will more no if out so "
    "said what up its about than into them can only other new some could time these two may then do first any "
    "my now such like our over man me even most made after also did many before must through back years where "
    "much your way well down should because each just those people how too little state good very make world "
    "still own see men work long get here between both life being under never day same another know while "
    "last might us great old year off come since against go came right used take three".split()
)
MIN_ENGLISH_SHARE = 0.08
MIN_WORDS_TO_JUDGE = 25


def looks_english(text: str) -> bool:
    """Whether ``text`` reads as English prose (the language model and gazetteer names are English)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < MIN_WORDS_TO_JUDGE:
        return True  # too short to judge; give it the benefit of the doubt
    return sum(word in _ENGLISH_WORDS for word in words) / len(words) >= MIN_ENGLISH_SHARE
