import sqlite3

import pytest

from geo.errors import ArticleNotFound, StoreError
from geo.types import Actor, Analysis, Article, Candidate, Mention, Passage, Place, Resolution, Span

TEXT = "Ships dock at Tobruk, Russia said.\nHaftar stayed in Benghazi."
TOBRUK = Place("gn:81302", "Tobruk", 32.08963, 23.95385, "city", "LY", 120000, "81302")
BENGHAZI = Place("gn:88319", "Benghazi", 32.11486, 20.06859, "city", "LY", 650000, "88319")


def resolution(place: Place, word: str) -> Resolution:
    start = TEXT.index(word)
    mention = Mention(start, start + len(word), word, "GPE", (Candidate(place, "name"),))
    return Resolution(mention, place, 0.9, "location", "the only reading")


def analysis(text: str = TEXT, article_id: str = "0123456789abcdef") -> Analysis:
    first_end = text.index("\n")
    return Analysis(
        article=Article(article_id, "Test", text),
        passages=(Passage(0, 0, first_end, "paragraph"), Passage(1, first_end + 1, len(text), "paragraph")),
        resolutions=(resolution(TOBRUK, "Tobruk"), resolution(BENGHAZI, "Benghazi")),
        actors=(
            Actor("russia", "Russia", "state", (Span(22, 28, "Russia"),)),
            Actor("haftar", "Haftar", "person", (Span(35, 41, "Haftar"),)),
        ),
    )


def test_save_is_idempotent(store):
    assert store.save(analysis()) == "0123456789abcdef"
    assert store.save(analysis()) == "0123456789abcdef"
    assert len(store.articles()) == 1
    assert len(store.places(["0123456789abcdef"])) == 2


def test_actor_filter_keeps_places_in_passages_naming_the_actor(store):
    store.save(analysis())
    ids = ["0123456789abcdef"]
    assert set(store.places(ids, ["russia"])["id"]) == {"gn:81302"}
    assert set(store.places(ids, ["haftar"])["id"]) == {"gn:88319"}
    assert set(store.places(ids, ["russia", "haftar"])["id"]) == {"gn:81302", "gn:88319"}


def test_passages_and_highlights_for_a_place(store):
    store.save(analysis())
    passages = store.passages_for_place(["0123456789abcdef"], "gn:81302")
    assert list(passages["text"]) == ["Ships dock at Tobruk, Russia said."]
    marks = store.highlights(list(passages["passage_id"]))
    assert set(zip(marks["kind"], marks["target"], strict=True)) == {("place", "gn:81302"), ("actor", "russia")}


def test_missing_article(store):
    with pytest.raises(ArticleNotFound):
        store.article("ffffffffffffffff")


def test_schema_is_versioned_and_wal(tmp_path):
    from geo.store import SCHEMA_VERSION, Store

    path = tmp_path / "db.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unwritable_path_is_a_store_error(tmp_path):
    from geo.store import Store

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="GEO_DATABASE"):
        Store(blocker / "db.sqlite")
