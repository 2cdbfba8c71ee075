"""Generated inputs for every way text enters the project: article text, HTML, JSONL lines, feed XML, URL parameters.

Each property says what must hold for any input: a clean document or a GeoError
naming why not, never another exception. The always-on tier runs a small fixed
budget (the "ci" profile: derandomised, so a run is repeatable); ``make fuzz``
runs the same properties with the "fuzz" profile's larger one. A crash found
either way is kept as an ``@example`` here.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo.analysis import passages
from geo.errors import GeoError
from geo.sources.fetch import parse_feed
from geo.sources.ingest import Failure, Item, expand, read_bytes, read_record, read_text
from geo.view import url as view

PUNCTUATION = ".!?,;:-–—\"'“”‘’()[]{}<>*_`#~|\\/@&%$^=+…»›"
# Letters, digits, marks, white space and the odd astral, control, combining or surrogate character.
CHARACTERS = st.one_of(
    st.sampled_from("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789"),
    st.sampled_from(PUNCTUATION),
    st.sampled_from(" \t\n\n\r\x0b\x0c\u2028\u00a0"),
    st.characters(codec="utf-8"),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
)
WORDS = st.sampled_from(
    ["Tripoli", "Paris", "Misrata", "said", "the", "army", "denied", "in", "Mr.", "U.S.", "Gen.", "near", "of"]
)
PROSE = st.lists(st.one_of(WORDS, st.text(CHARACTERS, max_size=12)), max_size=60).map(" ".join)
RUNS = st.tuples(st.sampled_from(PUNCTUATION + " \n"), st.integers(1, 3000)).map(lambda run: run[0] * run[1])
ARTICLE_TEXT = st.lists(st.one_of(PROSE, RUNS, st.text(CHARACTERS, max_size=200)), max_size=6).map("".join)

ENTITIES = ["&amp;", "&#0;", "&#xD800;", "<!--", "<![CDATA[", "&"]
TAGS = ["p", "div", "math", "meta", "r", "svg", "script", "style", "table", "td", "title", "html", "body", "a", "br"]


@st.composite
def html_documents(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            attribute = draw(st.sampled_from(["", ' href="http://[x/"', " class=x", ' content="1"', " =>"]))
            inner = draw(html_documents(depth + 1))
            closing = draw(st.sampled_from([f"</{tag}>", "", "</p>"]))
            parts.append(f"<{tag}{attribute}>{inner}{closing}")
        else:
            parts.append(draw(st.one_of(PROSE, st.sampled_from(ENTITIES))))
    return "".join(parts)


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(CHARACTERS, max_size=40)),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
RECORDS = st.fixed_dictionaries(
    {"text": ARTICLE_TEXT},
    optional={"title": st.text(CHARACTERS, max_size=80), "url": st.text(max_size=40), "published": JSON_VALUES},
)
JSONL_LINES = st.one_of(
    RECORDS.map(lambda r: json.dumps(r, ensure_ascii=False)),
    JSON_VALUES.map(json.dumps),
    st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
    st.integers(4000, 6000).map(lambda n: '{"text": "x", "n": ' + "9" * n + "}"),
    st.text(CHARACTERS, max_size=80),
)
LINKS = st.one_of(
    st.sampled_from(
        ["http://[x/", "https://example.org/a", "/relative", "javascript:alert(1)", "", "http://127.0.0.1/"]
    ),
    st.text(CHARACTERS, max_size=30),
)


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    items = []
    for _ in range(draw(st.integers(0, 5))):
        title = draw(st.text(CHARACTERS, max_size=30)).replace("<", "&lt;").replace("&", "&amp;")
        link = draw(LINKS).replace("&", "&amp;").replace("<", "&lt;")
        date = draw(st.sampled_from(["Mon, 01 Jan 2024 10:00:00 GMT", "Fri, 99 Zzz 99999 99:99:99", "", "2024-13-45"]))
        items.append(f"<item><title>{title}</title><link>{link}</link><pubDate>{date}</pubDate></item>")
    body = "".join(items)
    kind = draw(st.sampled_from(["rss", "atom", "junk"]))
    if kind == "rss":
        xml = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'
    elif kind == "atom":
        xml = f'<feed xmlns="http://www.w3.org/2005/Atom">{body.replace("item>", "entry>")}</feed>'
    else:
        xml = draw(st.text(CHARACTERS, max_size=200))
    return xml.encode("utf-8", errors="surrogatepass")


PARAMETER = st.lists(st.one_of(st.text(CHARACTERS, max_size=40), st.sampled_from(["0123456789abcdef", "gn:81302"])))

settings.register_profile(
    "ci", max_examples=25, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck), print_blob=True
)
settings.register_profile("fuzz", max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# The analysis runs the language model: a third of the budget (a few seconds in the "ci" profile).
ANALYSIS_EXAMPLES = max(8, settings.default.max_examples // 3)


def assert_clean(text: str) -> None:
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]", text)


@settings(max_examples=ANALYSIS_EXAMPLES)
@given(ARTICLE_TEXT)
@example("Paris " + "!" * 20_000)
@example("Mr. " * 2_000)
@example("_a " * 5_000)
def test_article_text_reads_splits_and_analyses_or_says_why(pipeline, text: str) -> None:
    started = time.perf_counter()
    try:
        document = read_text(text)
    except GeoError:
        return
    assert_clean(document.text)
    for passage in passages.split(document.text):
        assert 0 <= passage.start <= passage.end <= len(document.text)
        assert all(passage.start <= s <= e <= passage.end for s, e in passage.sentences)
    try:
        analysis = pipeline.analyze(document)
    except GeoError:
        return
    assert analysis.article.text == document.text
    for resolution in analysis.resolutions:
        mention = resolution.mention
        assert document.text[mention.start : mention.end] == mention.text
    assert time.perf_counter() - started < 30


@given(html_documents())
@example("<math><meta><r>")
@example("<html><body><p>Clashes in Tripoli.</p><math><meta><r></body></html>")
def test_html_reads_or_says_why(html: str) -> None:
    data = html.encode("utf-8", errors="surrogatepass")
    for name in ("page.html", "page.md", "page.txt", ""):
        try:
            document = read_bytes(data, name)
        except GeoError:
            continue
        assert_clean(document.text)
        for field in (document.title, document.source, document.url, document.published):
            assert field is None or ("\n" not in field and len(field) <= 1000)


@given(st.lists(JSONL_LINES, max_size=6))
@example(['{"text": "Clashes in Tripoli.", "title": "a\\ud800b"}', "[" * 1000 + "]" * 1000])
def test_every_jsonl_line_is_its_own_unit(tmp_path_factory, lines: list[str]) -> None:
    corpus = tmp_path_factory.mktemp("jsonl") / "corpus.jsonl"
    corpus.write_bytes("\n".join(lines).encode("utf-8", errors="surrogatepass"))
    results = list(expand([corpus]))
    if len(results) == 1 and isinstance(results[0], Failure) and results[0].name == str(corpus):
        return  # the file as a whole is not UTF-8: one failure for the file
    assert len(results) == sum(1 for line in "\n".join(lines).split("\n") if line.strip())
    for result in results:
        assert isinstance(result, Item | Failure)
        if isinstance(result, Item):
            assert result.document is not None
            assert_clean(result.document.text)
            assert result.document.title is None or len(result.document.title) <= 1000
            assert_clean(result.document.title or "")


@given(JSON_VALUES)
def test_any_json_record_reads_or_says_why(record: object) -> None:
    with contextlib.suppress(GeoError):
        read_record(record)


@given(feeds())
@example(b'<rss version="2.0"><channel><item><title>x</title><link>http://[x/</link></item></channel></rss>')
def test_feeds_parse_or_say_why(data: bytes) -> None:
    try:
        entries = parse_feed(data, "https://example.org/feed.xml")
    except GeoError:
        return
    assert all(isinstance(entry.url, str) and entry.url for entry in entries)


NAMES = st.sampled_from(["article", "actor", "place", "speaker", "stance", "center", "zoom"])


@given(st.dictionaries(NAMES, PARAMETER))
@example({"place": ["<script>alert(1)</script>"], "actor": ["[x](http://evil.example) :red[big] $x$"]})
def test_url_parameters_never_raise_and_reach_markdown_escaped(params: dict[str, list[str]]) -> None:
    state, warnings = view.from_query(lambda name: params.get(name, []))
    assert isinstance(state, view.ViewState)
    for warning in [*warnings, *params.get("actor", [])]:
        escaped = view.md_escape(warning)
        assert not re.search(r"(?<!\\)[\[\]()*:$&!<>`_#]", re.sub(r"\\.", "", escaped))
        assert re.sub(r"\\(.)", r"\1", escaped) == " ".join(warning.split())


def test_a_folder_of_bad_files_stores_what_it_can(tmp_path: Path, pipeline, store) -> None:
    from geo.batch import ingest_batch

    (tmp_path / "math.html").write_text("<math><meta><r>", encoding="utf-8")
    (tmp_path / "deep.jsonl").write_text("[" * 1000 + "]" * 1000 + "\n", encoding="utf-8")
    (tmp_path / "good.txt").write_text("Clashes in Tripoli left two dead, officials said.\n", encoding="utf-8")
    outcomes = ingest_batch([tmp_path], store, workers=1, pipeline=pipeline, progress=False)
    assert len(outcomes) == 3 and sum(o.error is None for o in outcomes) == 1
