import sqlite3
from datetime import UTC, datetime

import pytest

from geo.errors import ArticleNotFound, StoreError
from geo.store import Store
from geo.types import Actor, Analysis, Article, Candidate, Claim, MapFilter, Mention, Passage, Place, Resolution, Span

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
    assert len(store.places(MapFilter(["0123456789abcdef"]))) == 2


def test_actor_filter_keeps_places_in_passages_naming_the_actor(store):
    store.save(analysis())
    ids = ["0123456789abcdef"]
    assert set(store.places(MapFilter(ids, actor_ids=["russia"]))["id"]) == {"gn:81302"}
    assert set(store.places(MapFilter(ids, actor_ids=["haftar"]))["id"]) == {"gn:88319"}
    assert set(store.places(MapFilter(ids, actor_ids=["russia", "haftar"]))["id"]) == {"gn:81302", "gn:88319"}


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


# -- many articles, claims, filters ----------------------------------------------------------

TRIPOLI = Place("gn:2210247", "Tripoli", 32.88743, 13.18733, "city", "LY", 1150000, "2210247")


def other_article(article_id: str, published: str | None, source: str = "Reuters") -> Analysis:
    text = "Russia denied a base at Tobruk.\nTripoli said nothing."
    first_end = text.index("\n")

    def res(place: Place, word: str) -> Resolution:
        start = text.index(word)
        return Resolution(Mention(start, start + len(word), word, "GPE"), place, 0.8, "location", "why")

    return Analysis(
        article=Article(article_id, f"Article {article_id}", text, source=source, published=published),
        passages=(Passage(0, 0, first_end, "paragraph"), Passage(1, first_end + 1, len(text), "paragraph")),
        resolutions=(res(TOBRUK, "Tobruk"), res(TRIPOLI, "Tripoli")),
        actors=(Actor("russia", "Russia", "state", (Span(0, 6, "Russia"),)),),
        claims=(
            Claim(
                "c1",
                0,
                first_end,
                text[:first_end],
                "russia",
                None,
                "denied",
                "denies",
                False,
                ("gn:81302",),
                (),
                ("c2",),
            ),
            Claim("c2", first_end + 1, len(text), text[first_end + 1 :], "Tripoli", None, "said", "asserts", True),
        ),
    )


def test_claims_are_saved_with_places_and_text(store):
    store.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
    claims = store.claims(["aaaaaaaaaaaaaaaa"])
    assert list(claims["claim_id"]) == ["c1", "c2"]
    first = claims.iloc[0]
    assert (first["speaker"], first["speaker_id"], first["stance"], first["place"]) == (
        "Russia",
        "russia",
        "denies",
        "Tobruk",
    )
    assert first["text"] == "Russia denied a base at Tobruk."
    assert first["passage"] == first["text"]
    assert first["contradicts"] == "c2"
    assert claims.iloc[1]["place_id"] is None and claims.iloc[1]["hedged"] == 1
    # A missing text value is None even where other rows have one (pandas 3 would read NaN: truthy).
    assert claims.iloc[0]["contradicts"] == "c2" and claims.iloc[1]["contradicts"] is None
    assert list(store.claims_for_place(["aaaaaaaaaaaaaaaa"], "gn:81302")["claim_id"]) == ["c1"]
    speakers = store.speakers(None)
    assert set(speakers["name"]) == {"Russia", "Tripoli"}


def test_places_aggregate_across_articles(store):
    store.save(analysis())
    store.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
    store.save(other_article("bbbbbbbbbbbbbbbb", "2024-03-05", source="AP"))
    ids = ["0123456789abcdef", "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"]
    places = store.places(MapFilter(ids), with_article_ids=True).set_index("id")
    assert places.loc["gn:81302", "articles"] == 3
    assert places.loc["gn:81302", "mentions"] == 3
    assert sorted(places.loc["gn:81302", "article_ids"]) == sorted(ids)
    assert places.loc["gn:88319", "articles"] == 1
    assert len(store.places(MapFilter())) == 3
    assert len(store.places(MapFilter(ids[:1]))) == 2


def test_place_filters(store):
    store.save(analysis())
    store.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
    store.save(other_article("bbbbbbbbbbbbbbbb", "2024-03-05", source="AP"))
    assert set(store.places(MapFilter(speakers=["Russia"]))["id"]) == {"gn:81302"}
    assert set(store.places(MapFilter(speakers=["russia"]))["id"]) == {"gn:81302"}
    assert set(store.places(MapFilter(stances=["asserts"]))["id"]) == set()
    assert set(store.places(MapFilter(stances=["denies"]))["id"]) == {"gn:81302"}
    by_date = store.places(MapFilter(since="2024-02-01", until="2024-12-31"))
    assert set(by_date["id"]) == {"gn:81302", "gn:2210247"}
    assert set(by_date["articles"]) == {1}
    # The first article has no date of its own: it is dated by when it was stored, and says so.
    today = datetime.now(UTC).date().isoformat()
    assert store.article(analysis().article.id)["published_source"] == "ingested"
    assert set(store.places(MapFilter(since=today))["id"]) >= {"gn:88319"}
    assert set(store.places(MapFilter(sources=["AP"]))["id"]) == set(by_date["id"])
    assert set(store.places(MapFilter(until="2024-01-31"), with_article_ids=True)["article_ids"].explode()) == {
        "aaaaaaaaaaaaaaaa"
    }
    # Tripoli (lon 13.2) is west of Tobruk and Benghazi (lon 20-24).
    assert set(store.places(MapFilter(bounds=(30.0, 10.0, 35.0, 15.0)))["id"]) == {"gn:2210247"}
    assert set(store.places(MapFilter(bounds=(30.0, 15.0, 35.0, -170.0)))["id"]) == {"gn:81302", "gn:88319"}


def test_map_filter_keeps_lists_as_tuples():
    shown = MapFilter(["a", "b"], actor_ids=["russia"], speakers=["Russia"], stances=["denies"])
    assert (shown.article_ids, shown.actor_ids, shown.speakers, shown.stances) == (
        ("a", "b"),
        ("russia",),
        ("Russia",),
        ("denies",),
    )
    assert MapFilter().article_ids is None  # every stored article
    assert hash(shown) == hash(MapFilter(("a", "b"), actor_ids=("russia",), speakers=("Russia",), stances=("denies",)))
    with pytest.raises(TypeError):
        MapFilter("0123456789abcdef")  # one id, not a sequence of ids


def test_mentions_follow_the_map_bounds(store):
    store.save(analysis())
    store.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
    west_of_15 = store.mentions(MapFilter(bounds=(30.0, 10.0, 35.0, 15.0)))
    assert set(west_of_15["place_id"]) == {"gn:2210247"}
    assert set(store.mentions(MapFilter())["place_id"]) == {"gn:81302", "gn:88319", "gn:2210247"}


def test_articles_list_filters_and_count(store):
    store.save(analysis())
    store.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
    store.save(other_article("bbbbbbbbbbbbbbbb", "2024-03-05", source="AP"))
    listed = store.articles()
    assert list(listed["id"]) == ["bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa", "0123456789abcdef"]  # newest first
    assert {"title", "source", "published", "url", "places"} <= set(listed.columns)
    assert list(store.articles(limit=1)["id"]) == ["bbbbbbbbbbbbbbbb"]
    assert store.article_count() == 3
    assert list(store.articles(sources=["AP"])["id"]) == ["bbbbbbbbbbbbbbbb"]
    assert list(store.articles(since="2024-01-01", until="2024-02-01")["id"]) == ["aaaaaaaaaaaaaaaa"]
    assert list(store.articles(title="aaaa")["id"]) == ["aaaaaaaaaaaaaaaa"]
    assert store.article_count(title="50%_") == 0
    assert store.known(["aaaaaaaaaaaaaaaa", "ffffffffffffffff"]) == {"aaaaaaaaaaaaaaaa"}
    assert dict(zip(store.sources()["source"], store.sources()["articles"], strict=True)) == {"Reuters": 1, "AP": 1}


def test_export_queries_keep_offsets(store):
    store.save(analysis())
    mentions = store.mentions(MapFilter(["0123456789abcdef"]))
    tobruk = mentions[mentions["place_id"] == "gn:81302"].iloc[0]
    assert TEXT[tobruk["start"] : tobruk["end"]] == "Tobruk"
    assert (tobruk["passage_start"], tobruk["passage_end"]) == (0, TEXT.index("\n"))
    near = store.actors_near_places(["0123456789abcdef"])
    assert set(zip(near["place_id"], near["actor_id"], strict=True)) == {
        ("gn:81302", "russia"),
        ("gn:88319", "haftar"),
    }


def test_migrates_a_version_1_database(tmp_path):
    from geo.store import MIGRATIONS, SCHEMA_VERSION, Store

    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO articles (id, title, text, ingested_at) VALUES ('0123456789abcdef', 'Old', 'x', '2020-01-01')"
    )
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.has_article("0123456789abcdef")
        store.save(other_article("aaaaaaaaaaaaaaaa", None))
        assert len(store.claims(None)) == 2
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path):
    from geo.store import Store

    path = tmp_path / "new.sqlite"
    sqlite3.connect(path).execute("PRAGMA user_version = 999").connection.close()
    with pytest.raises(StoreError, match="newer version"):
        Store(path)


def test_a_failed_save_leaves_nothing(store):
    broken = analysis()
    bad = Resolution(broken.resolutions[0].mention, None, 0.5, "location", "x")  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        store.save(Analysis(broken.article, broken.passages, (bad,), broken.actors))
    assert not store.has_article("0123456789abcdef")
    with store._reading():  # the connection this thread may use (PostgreSQL: one of the pool)
        assert store._db.execute("SELECT COUNT(*) FROM passages").fetchone()[0] == 0


# -- several processes on one file ---------------------------------------------------------------

WRITER = r"""
import sys
sys.path.insert(0, {tests!r})
from test_store import other_article
from geo.store import Store

store = Store(sys.argv[1])
for i in range(int(sys.argv[2])):
    print(store.save(other_article(f"{{i:016x}}", "2024-01-01")), flush=True)
"""


def writer(path, count: int) -> list[str]:
    import sys
    from pathlib import Path

    code = WRITER.format(tests=str(Path(__file__).parent))
    return [sys.executable, "-c", code, str(path), str(count)]


# Each article's row counts as one number: passages, mentions, actor mentions, claims, claim places.
ARTICLE_SHAPES = (
    "SELECT (SELECT COUNT(*) FROM passages p WHERE p.article_id = a.id) * 10000"
    " + (SELECT COUNT(*) FROM mentions m WHERE m.article_id = a.id) * 1000"
    " + (SELECT COUNT(*) FROM actor_mentions m WHERE m.article_id = a.id) * 100"
    " + (SELECT COUNT(*) FROM claims c WHERE c.article_id = a.id) * 10"
    " + (SELECT COUNT(*) FROM claim_places c WHERE c.article_id = a.id) FROM articles a"
)


def whole_articles(path) -> tuple[str, int, set[int]]:
    db = sqlite3.connect(path)
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    # Each saved article has exactly 2 passages, 2 mentions, 1 actor mention, 2 claims, 1 claim place.
    shapes = {row[0] for row in db.execute(ARTICLE_SHAPES)}
    db.close()
    return integrity, articles, shapes


def test_two_writers_at_once_lose_and_duplicate_nothing(tmp_path):
    import subprocess

    path = tmp_path / "shared.sqlite"
    procs = [subprocess.Popen(writer(path, 150), stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert outputs[0] == outputs[1] and len(outputs[0]) == 150
    integrity, articles, shapes = whole_articles(path)
    assert (integrity, articles, shapes) == ("ok", 150, {22121})
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM places").fetchone()[0] == 2
    assert db.execute("SELECT COUNT(*) FROM actors").fetchone()[0] == 1


def test_sigkill_mid_ingest_leaves_only_whole_articles(tmp_path):
    import signal
    import subprocess

    path = tmp_path / "killed.sqlite"
    proc = subprocess.Popen(writer(path, 100_000), stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for _ in range(200):  # let it commit some articles, then kill it mid-stream
        assert proc.stdout.readline(), "the writer stopped early"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    integrity, articles, shapes = whole_articles(path)
    assert integrity == "ok"
    assert articles >= 200
    assert shapes == {22121}


DERNA = Place("gn:87205", "Darnah", 32.76704, 22.63669, "city", "LY", 100000, "87205")


def test_a_correction_moves_the_mention_and_survives_reanalysis(store):
    ids = ["0123456789abcdef"]
    store.save(analysis())
    start = TEXT.index("Tobruk")
    store.correct(ids[0], start, start + len("Tobruk"), DERNA, by="test")
    assert set(store.places(MapFilter(ids))["id"]) == {"gn:87205", "gn:88319"}
    how = store.resolutions_for_place(ids, "gn:87205")
    assert list(how["runner_up"]) == ["Tobruk"]
    # Re-analysis replaces the article's rows; the person's choice is applied again.
    store.save(analysis(), replace=True)
    assert set(store.places(MapFilter(ids))["id"]) == {"gn:87205", "gn:88319"}
    assert len(store.corrections(ids)) == 1


def test_a_correction_survives_a_restart(tmp_path):
    from geo.store import Store

    path = tmp_path / "restart.sqlite"
    first = Store(path)
    first.save(analysis())
    start = TEXT.index("Tobruk")
    first.correct("0123456789abcdef", start, start + 6, DERNA, by="test")
    first.close()
    again = Store(path)
    assert "gn:87205" in set(again.places(MapFilter(["0123456789abcdef"]))["id"])
    again.close()


def test_claims_without_passage_text(store):
    store.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
    full = store.claims(["aaaaaaaaaaaaaaaa"])
    lean = store.claims(["aaaaaaaaaaaaaaaa"], with_passages=False)
    assert "passage" in full and "passage" not in lean
    assert lean.equals(full.drop(columns="passage"))


def test_a_full_disk_says_so_and_nothing_is_half_written(tmp_path):
    from geo.store import Store

    with Store(tmp_path / "full.sqlite") as store:
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
        with pytest.raises(StoreError, match="disk is full") as caught:
            store.save(analysis(TEXT + " Tobruk." * 20_000))
        assert "cannot rollback" not in str(caught.value)
        store._db.execute("PRAGMA max_page_count = 1073741823")
        assert store.article_count() == 0
        store.save(analysis())
        assert store.article_count() == 1


def test_a_read_only_database_can_be_read(tmp_path, monkeypatch):
    import os

    from geo.store import Store

    path = tmp_path / "ro.sqlite"
    with Store(path) as store:
        ident = store.save(analysis())
    real_access = os.access
    # The tests may run as root, who may write anything: make this file and its folder read-only to the store.
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode))
    with Store(path) as store:
        assert store.read_only
        assert store.has_article(ident) and store.article(ident)["id"] == ident
        with pytest.raises(StoreError, match="read-only"):
            store.save(analysis(), replace=True)


def test_claims_keep_where_speaker_and_cue_are_written(store):
    from dataclasses import replace

    stored = other_article("bbbbbbbbbbbbbbbb", "2024-01-03")
    first = replace(stored.claims[0], speaker_start=0, speaker_end=6, cue_start=7, cue_end=13, internal=True)
    store.save(replace(stored, claims=(first, *stored.claims[1:])))
    claims = store.claims(["bbbbbbbbbbbbbbbb"]).to_dict("records")
    assert [claims[0][k] for k in ("speaker_start", "speaker_end", "cue_start", "cue_end")] == [0, 6, 7, 13]
    assert claims[0]["internal"] == 1 and claims[1]["internal"] == 0


def test_a_stored_view_names_any_number_of_articles(store):
    ids = [f"{n:016x}" for n in range(700)]
    view_id = store.save_view(ids)
    assert len(view_id) == 12 and store.save_view(list(reversed(ids))) == view_id  # the same set, the same id
    assert store.view(view_id) == tuple(sorted(ids))
    assert store.view("000000000000") is None
    with Store(store.path) as reopened:  # another session of the same server (closed: a pool left open warns)
        assert reopened.view(view_id) == tuple(sorted(ids))


def test_timeline_counts_articles_and_mentions_per_day_whatever_the_dates_chosen(store):
    store.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
    store.save(other_article("bbbbbbbbbbbbbbbb", "2024-03-05T10:00:00+00:00", source="AP"))
    store.save(other_article("cccccccccccccccc", "2024-03-05", source="AP"))
    days = store.timeline(MapFilter(since="2024-03-01"))
    assert days.to_dict("records") == [
        {"day": "2024-01-02", "articles": 1, "mentions": 2},
        {"day": "2024-03-05", "articles": 2, "mentions": 4},
    ]
    assert list(store.timeline(MapFilter(sources=["AP"]))["day"]) == ["2024-03-05"]


def test_readers_take_a_filter_and_list_passages_newest_first(store):
    store.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
    store.save(other_article("bbbbbbbbbbbbbbbb", "2024-03-05", source="AP"))
    passages = store.passages_for_place(None, "gn:2210247")
    assert list(passages["published"]) == ["2024-03-05", "2024-01-02"]
    assert list(store.passages_for_place(MapFilter(until="2024-02-01"), "gn:2210247")["article_id"]) == [
        "aaaaaaaaaaaaaaaa"
    ]
    assert set(store.claims(MapFilter(sources=["AP"]))["published"]) == {"2024-03-05"}
    assert set(store.speakers(MapFilter(since="2025-01-01"))["speaker"]) == set()
    assert set(store.actors(MapFilter(since="2024-03-01"))["id"]) == {"russia"}


def test_revision_changes_with_every_write_from_any_process(tmp_path):
    first, second = Store(tmp_path / "a.sqlite"), Store(tmp_path / "a.sqlite")
    before = first.revision()
    assert first.revision() == before  # reading changes nothing
    second.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
    assert first.revision() != before
    seen = first.revision()
    first.save_view(["aaaaaaaaaaaaaaaa"])
    assert first.revision() != seen


def test_the_timeline_leaves_out_dates_that_are_no_day(store):
    store.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
    store.save(other_article("bbbbbbbbbbbbbbbb", "2024-02-30"))  # written as given, before dates were checked
    store.save(other_article("cccccccccccccccc", "Monday"))
    assert list(store.timeline(MapFilter())["day"]) == ["2024-01-02"]


def test_statements_only_leaves_out_places_of_beliefs_wishes_and_plans(store):
    import dataclasses

    base = other_article("aaaaaaaaaaaaaaaa", "2024-01-02")
    believed = dataclasses.replace(base, claims=tuple(dataclasses.replace(c, internal=True) for c in base.claims))
    store.save(believed)
    assert set(store.places(MapFilter(stances=["denies"]))["id"]) == {"gn:81302"}
    assert set(store.places(MapFilter(stances=["denies"], statements_only=True))["id"]) == set()
    assert set(store.places(MapFilter(statements_only=True))["id"]) == set()
    store.save(other_article("bbbbbbbbbbbbbbbb", "2024-03-05"))
    assert set(store.places(MapFilter(stances=["denies"], statements_only=True))["id"]) == {"gn:81302"}


def test_the_speakers_chain_is_stored_and_read_back_for_the_panel(store):
    import dataclasses

    from geo.frames import speaker_chain
    from geo.types import Span

    base = other_article("aaaaaaaaaaaaaaaa", "2024-01-02")
    first = base.claims[0]
    chain = (Span(0, 6, "Russia"), Span(10, 20, "the Kremlin"))
    store.save(dataclasses.replace(base, claims=(dataclasses.replace(first, speaker_chain=chain), *base.claims[1:])))
    rows = store.claims(["aaaaaaaaaaaaaaaa"]).drop_duplicates("claim_id").set_index("claim_id")
    assert speaker_chain(rows.loc["c1"]) == ("Russia", "the Kremlin")
    assert speaker_chain(rows.loc["c2"]) == ()


def test_a_claim_links_at_most_the_newest_contradicting_claims(store, monkeypatch):
    """A proposition many articles assert: a denial is linked to the newest LINK_LIMIT of them, not to
    every one (the links would grow with the square of the coverage)."""
    import dataclasses

    import geo.store

    monkeypatch.setattr(geo.store, "LINK_LIMIT", 3)
    text = "Bloomberg reported a Russian base at Tobruk.\nNothing else."
    for day in range(1, 9):
        article_id = f"{day:016x}"
        source = f"Outlet {day}"
        asserted = dataclasses.replace(
            other_article(article_id, f"2024-01-{day:02d}", source=source),
            article=Article(article_id, "B", text + " " * day, source=source, published=f"2024-01-{day:02d}"),
            claims=(
                Claim("c1", 0, 44, text[:44], f"speaker {day}", None, "reported", "asserts", False, ("gn:81302",)),
            ),
        )
        store.save(asserted)
    store.save(other_article("aaaaaaaaaaaaaaaa", "2024-02-01", source="Reuters"))  # c1: Russia denied it
    links = store.contradictions_across(["aaaaaaaaaaaaaaaa"])
    denial = links[links["article_id"] == "aaaaaaaaaaaaaaaa"]
    assert sorted(denial["other_article_id"]) == [f"{day:016x}" for day in (6, 7, 8)]


def test_a_proposition_asserted_by_one_outlet_and_denied_by_another_is_linked(store):
    import dataclasses

    denied = other_article("aaaaaaaaaaaaaaaa", "2024-01-02", source="Reuters")  # c1: Russia denied a base at Tobruk
    store.save(denied)
    text = "Bloomberg reported a Russian base at Tobruk.\nNothing else."
    asserted = dataclasses.replace(
        other_article("bbbbbbbbbbbbbbbb", "2024-01-03", source="Bloomberg"),
        article=Article("bbbbbbbbbbbbbbbb", "B", text, source="Bloomberg", published="2024-01-03"),
        claims=(Claim("c1", 0, 44, text[:44], "bloomberg", None, "reported", "asserts", False, ("gn:81302",)),),
    )
    store.save(asserted)
    links = store.contradictions_across(["bbbbbbbbbbbbbbbb"])
    assert links.to_dict("records") == [
        {
            "article_id": "bbbbbbbbbbbbbbbb",
            "claim_id": "c1",
            "other_article_id": "aaaaaaaaaaaaaaaa",
            "other_claim_id": "c1",
            "place_id": "gn:81302",
        }
    ]
    # The same stance, or the same outlet, is no contradiction.
    agreeing = dataclasses.replace(
        asserted,
        article=dataclasses.replace(asserted.article, id="cccccccccccccccc", text=text + " "),
        claims=(dataclasses.replace(asserted.claims[0], stance="denies"),),
    )
    store.save(agreeing)
    assert store.contradictions_across(["cccccccccccccccc"]).empty
    store.save(
        dataclasses.replace(
            asserted, article=dataclasses.replace(denied.article, id="dddddddddddddddd", text=text + "  ")
        )
    )
    assert store.contradictions_across(["dddddddddddddddd"]).empty
    store.save(asserted, replace=True)
    assert len(store.contradictions_across(None)) == 1
    place = store.contradictions_across(None)["place_id"].iloc[0]
    assert len(store.contradictions_across(["bbbbbbbbbbbbbbbb"], place)) == 1
    assert store.contradictions_across(["bbbbbbbbbbbbbbbb"], "no-such-place").empty
