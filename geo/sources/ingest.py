"""Turn uploaded bytes or pasted text into clean article text.

Plain text is kept as it is apart from newlines (CRLF -> LF), control
characters and Unicode NFC, so offsets into an already clean file stay valid.
HTML goes through trafilatura (main text only, no navigation or comments) and
Markdown loses the markup that would pollute entity recognition. Later stages
take offsets into the text returned here; splitting it into passages is not
done here.

For batches, ``expand`` turns command-line targets (files, folders, JSONL
corpora in the shared evaluation format, page and feed URLs) into ``Item``s
and ``load`` reads one into a ``RawDocument``; ``geo.batch`` runs them.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from geo import settings
from geo.errors import BinaryInput, EmptyInput, GeoError, InputError, InputTooLarge, UnsupportedFormat

if TYPE_CHECKING:
    from geo.sources.fetch import Fetcher

TEXT_SUFFIXES = (".txt", ".text")
MARKDOWN_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
ACCEPTED = ", ".join(TEXT_SUFFIXES + MARKDOWN_SUFFIXES + HTML_SUFFIXES)


@dataclass(frozen=True, slots=True)
class RawDocument:
    """Clean article text and whatever metadata the source carried."""

    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None  # ISO 8601 (``publication_date``)
    published_source: str | None = None  # where the date came from (``geo.types.Article``)


def read_bytes(data: bytes, filename: str = "", *, limits: settings.Settings | None = None) -> RawDocument:
    """Read an uploaded file; the suffix of ``filename`` picks text, Markdown or HTML."""
    limits = settings.load() if limits is None else limits
    name = f"'{filename}'" if filename else "The file"
    suffix = Path(filename).suffix.lower()
    if suffix and suffix not in TEXT_SUFFIXES + MARKDOWN_SUFFIXES + HTML_SUFFIXES:
        raise UnsupportedFormat(
            f"{name} is a {suffix} file, which cannot be read. Accepted: {ACCEPTED} "
            "(or paste the text). Save a PDF or Word document as plain text first."
        )
    if len(data) > limits.max_upload_bytes:
        raise InputTooLarge(
            f"{name} is {len(data):,} bytes; the limit is {limits.max_upload_bytes:,} bytes "
            "(GEO_MAX_UPLOAD_BYTES). Upload a single article or raise the limit."
        )
    text = _normalise(_decode(data, name))
    if suffix in HTML_SUFFIXES or (not suffix and _looks_like_html(text)):
        return _finish(_from_html(text), limits, name)
    if suffix in MARKDOWN_SUFFIXES:
        return _finish(_from_markdown(text), limits, name)
    return _finish(RawDocument(text), limits, name)


def read_text(text: str, *, limits: settings.Settings | None = None) -> RawDocument:
    """Read pasted text; pasted HTML source is recognised and extracted."""
    limits = settings.load() if limits is None else limits
    name = "The pasted text"
    # Raw HTML is often many times longer than its article, so the byte limit
    # guards extraction and the character limit applies to the clean text.
    size = len(text.encode("utf-8", errors="replace"))
    if size > limits.max_upload_bytes:
        raise InputTooLarge(
            f"{name} is {size:,} bytes; the limit is {limits.max_upload_bytes:,} bytes "
            "(GEO_MAX_UPLOAD_BYTES). Paste a single article or raise the limit."
        )
    text = _normalise(text)
    if _looks_like_html(text):
        return _finish(_from_html(text), limits, name)
    return _finish(RawDocument(text), limits, name)


def article_id(text: str) -> str:
    """Stable content hash: the same words give the same id whatever the white space."""
    canonical = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


# -- decoding and normalising -------------------------------------------------

# Bytes that never occur in text files (tab, LF, FF and CR do).
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# C0 controls except tab and LF; U+FEFF (a BOM inside the text is an artefact);
# lone surrogates, which no encoder (nor SQLite) accepts.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufeff\ud800-\udfff]")
# C1 controls in decoded text are nearly always cp1252 punctuation decoded as
# Latin-1 (LGL has "order\x97a" for an em dash): map them one for one, which
# keeps offsets, and drop the five that cp1252 leaves undefined.
_C1_AS_CP1252 = {code: bytes([code]).decode("cp1252", errors="ignore") or None for code in range(0x80, 0xA0)}


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise BinaryInput(
                f"{name} starts like UTF-16 text but does not decode as UTF-16. "
                "Save it as UTF-8 text and upload it again."
            ) from None
    if b"\x00" in data:
        raise BinaryInput(
            f"{name} contains NUL bytes, so it is not a text file (an image, a PDF, a Word file?). "
            f"Upload the article as {ACCEPTED}, or paste its text."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Older Windows exports are cp1252; a cp1252 guess is only safe for bytes
    # that look like text, since any byte string "decodes" as something.
    if not _CONTROL_BYTES.search(data):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    raise BinaryInput(
        f"{name} is not UTF-8, UTF-16 or Windows-1252 text and looks binary. "
        "If it is text, save it as UTF-8 and upload it again."
    )


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_CHARS.sub("", text).translate(_C1_AS_CP1252)
    return unicodedata.normalize("NFC", text)


def _finish(doc: RawDocument, limits: settings.Settings, name: str) -> RawDocument:
    if not doc.text.strip():
        raise EmptyInput(f"{name} contains no article text. Paste or upload an article with some text.")
    if len(doc.text) > limits.max_article_chars:
        raise InputTooLarge(
            f"{name} holds {len(doc.text):,} characters of text; the limit is "
            f"{limits.max_article_chars:,} (GEO_MAX_ARTICLE_CHARS). Split the article or raise the limit."
        )
    return doc


# -- HTML ------------------------------------------------------------------------

_HTML_TAG = re.compile(r"<(?:!doctype|html|head|body|article|main|div|p|br|h[1-6])[\s/>]", re.IGNORECASE)


def _looks_like_html(text: str) -> bool:
    if re.search(r"<html[\s>]", text, re.IGNORECASE):
        return True
    return text.lstrip().startswith("<") and _HTML_TAG.search(text) is not None


def _from_html(html: str) -> RawDocument:
    # Imported here: trafilatura and lxml cost 20 MB, and the analysis workers never read HTML.
    import trafilatura
    from trafilatura.settings import Document

    # favor_precision: news pages surround the article with section menus,
    # "most read" lists and footers full of place names ("Africa", "Middle
    # East", "Offices in London"); each one that slips through becomes a false
    # marker on the map, while a dropped side paragraph costs little.
    try:
        extracted = trafilatura.bare_extraction(html, include_comments=False, favor_precision=True, with_metadata=True)
    except Exception:  # lxml and trafilatura can fail on odd markup (an assertion on "<math><meta><r>")
        extracted = None
    if not isinstance(extracted, Document) or not extracted.text or not extracted.text.strip():
        # Too small for trafilatura (a pasted fragment): keep all visible text.
        fallback = _VisibleText()
        fallback.feed(html)
        fallback.close()
        return RawDocument(fallback.text(), title=fallback.title())
    # trafilatura puts one block per line; a blank line between paragraphs
    # matches how plain-text articles are laid out.
    lines = (line.strip() for line in extracted.text.split("\n"))
    return RawDocument(
        text=_normalise("\n\n".join(line for line in lines if line)),
        title=_clean_line(extracted.title),
        source=_clean_line(extracted.sitename) or _clean_line(extracted.hostname),
        url=_clean_line(extracted.url),
        # trafilatura reads the date through htmldate: article:published_time, og and other meta
        # tags, JSON-LD datePublished, <time datetime>, ...
        published=(published := publication_date(extracted.date)),
        published_source="html" if published else None,
    )


MAX_FIELD_CHARS = 1000  # a title, source, URL or date longer than this is not one


def _clean_line(value: str | None) -> str | None:
    """A metadata field cleaned like the text (controls, lone surrogates, NFC), on one line, bounded."""
    if not value:
        return None
    return " ".join(_normalise(value[: MAX_FIELD_CHARS * 2]).split())[:MAX_FIELD_CHARS] or None


class _VisibleText(HTMLParser):
    """Visible text of an HTML fragment, one paragraph per block element."""

    _HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "svg"})
    _BLOCKS = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "tr",
            "article",
            "section",
            "main",
            "header",
            "footer",
            "blockquote",
            "pre",
            "table",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._hidden = 0
        self._in_title = False
        self._title: list[str] = []
        self._blocks: list[list[str]] = [[]]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self._blocks.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self._blocks.append([])

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
        elif not self._hidden:
            self._blocks[-1].append(data)

    def text(self) -> str:
        paragraphs = (" ".join("".join(block).split()) for block in self._blocks)
        return _normalise("\n\n".join(p for p in paragraphs if p))

    def title(self) -> str | None:
        return _clean_line("".join(self._title))


# -- Markdown --------------------------------------------------------------------

# Every bracket, link and emphasis pattern is bounded (MD_SPAN characters, one line): an unbounded
# one re-reads the rest of the text from every opening mark that never closes, O(n^2) ("_a " * 50,000
# took 150 s).
MD_SPAN = 500
MD_URL = 2000
_MD_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^ {0,3}(?:```|~~~).*$", re.MULTILINE), ""),  # code fences
    (re.compile(rf"^ {{0,3}}\[[^[\]\n]{{1,{MD_SPAN}}}\]:\s+\S+.*$", re.MULTILINE), ""),  # link reference definitions
    (re.compile(r"^ {0,3}(?:[-*_=] *){3,}$", re.MULTILINE), ""),  # rules and setext underlines
    (
        re.compile(rf"!\[[^[\]\n]{{0,{MD_SPAN}}}\](?:\([^)\n]{{0,{MD_URL}}}\)|\[[^[\]\n]{{0,{MD_SPAN}}}\])"),
        "",
    ),  # images
    (
        re.compile(rf"\[([^[\]\n]{{1,{MD_SPAN}}})\](?:\([^)\n]{{0,{MD_URL}}}\)|\[[^[\]\n]{{0,{MD_SPAN}}}\])"),
        r"\1",
    ),  # links keep their text
    (re.compile(rf"<(https?://[^>\s]{{1,{MD_URL}}})>"), r"\1"),  # autolinks
    (re.compile(r"^ {0,3}>+ ?", re.MULTILINE), ""),  # block quotes
    (re.compile(r"^( *)[-*+] +", re.MULTILINE), r"\1"),  # bullets
    (re.compile(rf"(\*\*|__)(?=\S)(.{{1,{MD_SPAN}}}?)(?<=\S)\1"), r"\2"),  # strong
    (re.compile(rf"\*(?=\S)(.{{1,{MD_SPAN}}}?)(?<=\S)\*"), r"\1"),  # emphasis
    # "_" only as emphasis at word edges, so snake_case names survive.
    (re.compile(rf"(?<!\w)_(?=\S)(.{{1,{MD_SPAN}}}?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(rf"`([^`\n]{{1,{MD_SPAN}}})`"), r"\1"),  # inline code
)
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)


def _from_markdown(text: str) -> RawDocument:
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    first = _HEADING.search(text)
    text = _HEADING.sub(r"\1", text)
    return RawDocument(
        re.sub(r"\n{3,}", "\n\n", text).strip("\n"), title=_clean_line(first.group(1)) if first else None
    )


# -- batches: files, folders, JSONL corpora, web pages and feeds ---------------------------------

JSONL_SUFFIXES = (".jsonl",)
FOLDER_SUFFIXES = TEXT_SUFFIXES + MARKDOWN_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES


@dataclass(frozen=True, slots=True)
class Item:
    """One article to read: a file, one record of a JSONL corpus, or a web page.

    ``name`` says where it came from in messages (a path, ``path:line`` or a
    URL). Exactly one of ``document`` (already read), ``data`` (fetched bytes)
    or ``path``/``url`` (still to read) carries the content; ``title`` and
    ``published`` come from a feed entry and fill what the page itself lacks.
    """

    name: str
    path: Path | None = None
    url: str | None = None
    data: bytes | None = None
    filename: str = ""
    document: RawDocument | None = None
    title: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """A target that could not be read, and why."""

    name: str
    reason: str


def is_url(target: object) -> bool:
    return isinstance(target, str) and target.split(":", 1)[0].lower() in ("http", "https")


def expand(
    targets: Iterable[str | Path | Item],
    *,
    fetcher: Fetcher | None = None,
    limits: settings.Settings | None = None,
    urls_only: bool = False,
) -> Iterator[Item | Failure]:
    """Turn command-line targets into articles to read, in order.

    Folders are walked recursively (files ending in .txt, .text, .md,
    .markdown, .html, .htm or .jsonl, sorted by path); a JSONL corpus gives
    one item per line; a URL is fetched at once, and a feed gives one item
    per entry (fetched later by ``load``). A target that cannot be read
    yields a ``Failure`` and the batch goes on. With ``urls_only`` (what a
    page visitor types), anything but an http(s) URL is a failure: it is never
    read as a path on the server.
    """
    limits = settings.load() if limits is None else limits
    for target in targets:
        # Each target is its own unit: whatever goes wrong in it is its failure, and the batch goes on.
        try:
            yield from _expand_target(target, fetcher, limits, urls_only)
        except Exception as error:
            yield Failure(str(target), describe(error))


def describe(error: BaseException) -> str:
    """One line on why a record failed: the message of a GeoError, else the exception's kind and message."""
    if isinstance(error, GeoError):
        return str(error)
    if isinstance(error, RecursionError):
        return "nested too deeply to read"
    message = " ".join(str(error).split())[:300]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _expand_target(
    target: str | Path | Item, fetcher: Fetcher | None, limits: settings.Settings, urls_only: bool
) -> Iterator[Item | Failure]:
    if isinstance(target, Item):  # already expanded, e.g. a watched feed's new entry
        yield target
        return
    if is_url(target):
        yield from _expand_url(str(target), fetcher, limits)
        return
    if urls_only:
        yield Failure(str(target), "not an http(s) URL: enter an address starting with http:// or https://")
        return
    path = Path(target)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES)
        if not files:
            yield Failure(str(path), f"the folder holds no {', '.join(FOLDER_SUFFIXES)} files")
        for file in files:
            try:
                yield from _expand_file(file, limits)
            except Exception as error:  # one file's failure is its own
                yield Failure(str(file), describe(error))
    elif path.exists():
        yield from _expand_file(path, limits)
    else:
        yield Failure(str(path), "no such file, folder or http(s) URL")


def load(item: Item, *, fetcher: Fetcher | None = None, limits: settings.Settings | None = None) -> RawDocument:
    """Read one item into a clean document; raises an ``InputError`` (or ``FetchError``) saying why not."""
    limits = settings.load() if limits is None else limits
    if item.document is not None:
        document = item.document
    elif item.data is not None:
        document = read_bytes(item.data, item.filename, limits=limits)
    elif item.path is not None:
        document = read_bytes(_read_file(item.path, limits), item.path.name, limits=limits)
    elif item.url is not None:
        if fetcher is None:
            raise InputError(f"{item.url}: fetching URLs needs a Fetcher.")
        fetched = fetcher.get(item.url)
        if fetched.is_feed:
            raise UnsupportedFormat(f"{item.url} is a feed, not an article page.")
        document = read_bytes(fetched.data, fetched.filename, limits=limits)
        document = replace(document, url=document.url or fetched.url)
    else:
        raise InputError(f"{item.name}: nothing to read.")
    feed_date = publication_date(item.published) if not document.published else None
    return replace(
        document,
        title=document.title or item.title,
        published=document.published or feed_date,
        published_source=document.published_source if document.published else ("feed" if feed_date else None),
        url=document.url or item.url,
    )


def read_record(record: object, *, limits: settings.Settings | None = None, name: str = "The record") -> RawDocument:
    """One line of a corpus in the shared evaluation format: its text (as plain text), title and url."""
    limits = settings.load() if limits is None else limits
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise InputError(f'{name} is not an object with a "text" string (the shared JSONL format).')
    text = record["text"]
    size = len(text.encode("utf-8", errors="replace"))
    if size > limits.max_upload_bytes:
        raise InputTooLarge(
            f"{name} is {size:,} bytes; the limit is {limits.max_upload_bytes:,} bytes (GEO_MAX_UPLOAD_BYTES)."
        )

    def field(key: str) -> str | None:
        value = record.get(key)
        return _clean_line(value) if isinstance(value, str) else None

    return _finish(
        RawDocument(
            _normalise(text),
            title=field("title"),
            source=field("source") or field("publisher"),  # PolNeAR names its outlet "publisher"
            url=field("url"),
            published=(published := publication_date(field("published") or field("date"))),
            published_source="record" if published else None,
        ),
        limits,
        name,
    )


def publication_date(value: str | None) -> str | None:
    """A publication date as ISO 8601 (``YYYY-MM-DD`` or a full date-time), or None when it is not one.

    Reads ISO 8601 (what HTML metadata, JSON-LD and corpora write) and RFC 2822 (what RSS writes).
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _expand_file(path: Path, limits: settings.Settings) -> Iterator[Item | Failure]:
    if path.suffix.lower() not in JSONL_SUFFIXES:
        yield Item(str(path), path=path)
        return
    try:
        corpus = path.open("rb")
    except OSError as error:
        yield Failure(str(path), f"Cannot read {path}: {error.strerror}.")
        return
    with corpus:
        for number, line in _corpus_lines(corpus, record_line_limit(limits)):
            name = f"{path}:{number}"
            try:
                if line is None:
                    raise InputTooLarge(
                        f"Line {number} is over {record_line_limit(limits):,} bytes, more than one article "
                        "can be (GEO_MAX_UPLOAD_BYTES)."
                    )
                text = line.decode("utf-8-sig" if number == 1 else "utf-8")
                if not text.strip():
                    continue
                yield Item(name, document=read_record(json.loads(text), limits=limits, name=f"Line {number}"))
            except UnicodeDecodeError as error:
                yield Failure(name, f"not UTF-8 text ({error.reason} at byte {error.start})")
            except json.JSONDecodeError as error:
                yield Failure(name, f"not JSON ({error.msg} at column {error.colno})")
            except Exception as error:  # a record nested 1,000 deep, an integer of 5,000 digits, ...
                yield Failure(name, describe(error))


def record_line_limit(limits: settings.Settings) -> int:
    """Longest corpus line read: a record whose text is at the byte limit, written with JSON escapes (up to
    six bytes for a character), plus room for its title, URL and the other fields."""
    return limits.max_upload_bytes * 6 + 64 * 1024


def _corpus_lines(corpus: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """A JSONL corpus one line at a time, numbered from 1, so memory does not grow with the file.

    Lines end at LF only (a record may hold U+2028 or U+0085 in its text). A line
    longer than ``limit`` comes back as ``None`` and is skipped without being held.
    """
    for number in itertools.count(1):
        line = corpus.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := corpus.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield number, None
        else:
            yield number, line


def count_hint(targets: Iterable[str | Path | Item]) -> int:
    """About how many items ``expand`` will give, for a progress bar: a corpus's lines are counted (not
    parsed), a URL counts one (a feed's entries are known only once it is fetched)."""
    total = 0
    for target in targets:
        if isinstance(target, Item) or is_url(target):
            total += 1
            continue
        path = Path(target)
        try:
            files = (
                [p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES]
                if path.is_dir()
                else [path]
            )
            for file in files:
                total += _count_lines(file) if file.suffix.lower() in JSONL_SUFFIXES else 1
        except OSError:
            total += 1
    return total


def _count_lines(path: Path) -> int:
    count, last = 0, b"\n"
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def _expand_url(url: str, fetcher: Fetcher | None, limits: settings.Settings) -> Iterator[Item | Failure]:
    if fetcher is None:
        yield Failure(url, "fetching URLs needs a Fetcher")
        return
    try:
        fetched = fetcher.get(url)
        if not fetched.is_feed:
            yield Item(url, url=fetched.url, data=fetched.data, filename=fetched.filename)
            return
        from geo.sources.fetch import parse_feed

        entries = parse_feed(fetched.data, fetched.url)
    except Exception as error:
        yield Failure(url, describe(error))
        return
    if not entries:
        yield Failure(url, "the feed lists no entries with links")
    for entry in entries:
        yield Item(entry.url, url=entry.url, title=entry.title, published=entry.published)


def _read_file(path: Path, limits: settings.Settings) -> bytes:
    try:
        size = path.stat().st_size
        if size > limits.max_upload_bytes:
            raise InputTooLarge(
                f"'{path.name}' is {size:,} bytes; the limit is {limits.max_upload_bytes:,} bytes "
                "(GEO_MAX_UPLOAD_BYTES)."
            )
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"Cannot read {path}: {error.strerror}.") from error
