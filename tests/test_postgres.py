"""The store on PostgreSQL with PostGIS (the postgres tier); tests/test_store.py runs on it too (``store``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import psycopg
import pytest

from tests.test_store import ARTICLE_SHAPES, DERNA, TEXT, TOBRUK, analysis, other_article, writer

# -- PostgreSQL only ------------------------------------------------------------------------------

def test_large_numbers_and_precise_coordinates_are_kept(store):
    from dataclasses import replace

    from geo.types import MapFilter

    asia = replace(TOBRUK, id="gn:6255147", name="Asia", lat=29.840644, lon=89.296875, population=3_812_366_000)
    stored = analysis()
    first = replace(stored.resolutions[0], place=asia)
    store.save(replace(stored, resolutions=(first, *stored.resolutions[1:])))
    row = store.places(MapFilter()).set_index("id").loc["gn:6255147"]
    assert (row["lat"], row["lon"]) == (29.840644, 89.296875)  # a 4-byte float would round these


@pytest.mark.postgres
def test_a_correction_made_through_one_store_is_seen_through_another(empty_postgres):
    from geo.store import Store
    from geo.types import MapFilter

    ids = ["0123456789abcdef"]
    one, other = Store(empty_postgres), Store(empty_postgres)
    try:
        one.save(analysis())
        assert set(other.places(MapFilter(ids))["id"]) == {"gn:81302", "gn:88319"}
        start = TEXT.index("Tobruk")
        other.correct(ids[0], start, start + len("Tobruk"), DERNA, by="analyst-2")
        assert set(one.places(MapFilter(ids))["id"]) == {"gn:87205", "gn:88319"}
        assert list(one.corrections(ids)["by"]) == ["analyst-2"]
        one.save(analysis(), replace=True)  # re-analysis on the first server keeps the second's correction
        assert set(other.places(MapFilter(ids))["id"]) == {"gn:87205", "gn:88319"}
    finally:
        one.close()
        other.close()


@pytest.mark.postgres
def test_places_have_a_postgis_point_with_a_spatial_index(empty_postgres):
    import psycopg

    from geo.store import Store

    with Store(empty_postgres) as store:
        store.save(analysis())
    with psycopg.connect(empty_postgres) as db:
        x, y = db.execute("SELECT ST_X(geom), ST_Y(geom) FROM places WHERE id = 'gn:81302'").fetchone()
        assert (round(y, 5), round(x, 5)) == (32.08963, 23.95385)
        indexdef = db.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'places_geom'").fetchone()[0]
        assert "USING gist (geom)" in indexdef
        # On an almost empty table the planner may prefer a scan; with the index forced it must use it.
        db.execute("SET enable_seqscan = off")
        plan = "\n".join(
            row[0]
            for row in db.execute(
                "EXPLAIN SELECT id FROM places p WHERE p.geom && ST_MakeEnvelope(10, 30, 15, 35, 4326)"
            )
        )
        assert "places_geom" in plan


@pytest.mark.postgres
def test_the_schema_version_is_shared_with_sqlite(empty_postgres):
    import psycopg

    from geo.store import SCHEMA_VERSION

    with psycopg.connect(empty_postgres) as db:
        assert db.execute("SELECT version FROM geo_schema").fetchone()[0] == SCHEMA_VERSION


@pytest.mark.postgres
def test_two_writers_at_once_store_each_article_once(empty_postgres):
    procs = [subprocess.Popen(writer(empty_postgres, 60), stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=180)[0].split() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert outputs[0] == outputs[1] and len(outputs[0]) == 60
    counts = pg_shapes(empty_postgres)
    assert counts == (60, {22121}, 2, 1)


def pg_shapes(url: str) -> tuple[int, set[int], int, int]:
    """Articles, the row counts of each (as test_store.whole_articles), places and actors."""
    import psycopg

    with psycopg.connect(url) as db:
        articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        shapes = {row[0] for row in db.execute(ARTICLE_SHAPES)}
        places = db.execute("SELECT COUNT(*) FROM places").fetchone()[0]
        actors = db.execute("SELECT COUNT(*) FROM actors").fetchone()[0]
    return articles, shapes, places, actors


@pytest.mark.postgres
def test_two_ingests_of_the_same_corpus_at_once_store_every_article_once(empty_postgres, tmp_path, demo_text):
    import psycopg

    corpus = tmp_path / "corpus.jsonl"
    paragraphs = [p for p in demo_text.split("\n\n") if len(p) > 200][:8]
    corpus.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": p}) + "\n" for i, p in enumerate(paragraphs)), encoding="utf-8"
    )
    env = {**os.environ, "GEO_DATABASE": empty_postgres}
    command = [sys.executable, "-m", "geo", "ingest", str(corpus), "--workers", "1", "--no-progress"]
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    procs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
    ids = [out.split() for out, _ in results]
    assert ids[0] == ids[1] and len(set(ids[0])) == len(paragraphs)
    with psycopg.connect(empty_postgres) as db:
        assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == len(paragraphs)
        # Each article's passages were written once (a second writer adds no copy of its rows).
        duplicated = db.execute(
            "SELECT COUNT(*) FROM (SELECT article_id, idx FROM passages GROUP BY article_id, idx"
            " HAVING COUNT(*) > 1) d"
        ).fetchone()[0]
        assert duplicated == 0


@pytest.mark.postgres
def test_an_unreachable_server_is_a_store_error():
    from geo.errors import StoreError
    from geo.store import Store

    with pytest.raises(StoreError, match="GEO_DATABASE") as caught:
        Store("postgresql://postgres:secret@127.0.0.1:9/nothing")
    assert "secret" not in str(caught.value)


@pytest.mark.postgres
def test_the_store_reconnects_after_losing_its_connection(empty_postgres):
    from geo.store import Store

    with Store(empty_postgres) as store:
        store.save(analysis())
        with psycopg.connect(empty_postgres, autocommit=True) as admin:  # as a server restart would leave them
            ended = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = 'geo-news-map' AND datname = current_database()"
            ).fetchone()[0]
        assert ended >= 1
        assert store.has_article("0123456789abcdef")
        store.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
        assert store.article_count() == 2


@pytest.mark.parametrize("ci", ["", "true"])
def test_a_missing_server_skips_the_tier_outside_ci_and_fails_it_in_ci(ci, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["GEO_TEST_POSTGRES"] = "postgresql://postgres@127.0.0.1:9/postgres"  # nothing listens on port 9
    # The tiers live in conftest.py, not in a plugin: without the installed plugins (hypothesis's import
    # alone is half of it) the inner session costs half the CPU.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if ci:
        env["CI"] = ci
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", __file__, "-k", "schema_version"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    if ci:
        assert done.returncode == 1 and "postgres tier cannot run in CI" in done.stdout, done.stdout[-2000:]
    else:
        assert done.returncode == 0 and "1 skipped" in done.stdout, done.stdout[-2000:]
        assert "postgres tier: no PostgreSQL at" in done.stdout


@pytest.mark.postgres
def test_the_revision_changes_with_every_write_from_any_server(empty_postgres):
    from geo.store import Store

    with Store(empty_postgres) as first, Store(empty_postgres) as second:
        before = first.revision()
        assert first.revision() == before  # reading changes nothing
        second.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
        assert first.revision() != before
        seen = first.revision()
        second.save_view(["aaaaaaaaaaaaaaaa"])
        assert first.revision() != seen


@pytest.mark.postgres
def test_many_sessions_share_a_few_pooled_connections(empty_postgres, monkeypatch):
    """A page server's sessions are threads sharing one store: they read and write at once through a
    pool of at most GEO_DATABASE_POOL connections, and each gets its own answers."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from geo.store import Store

    monkeypatch.setenv("GEO_DATABASE_POOL", "3")
    ids = [f"{n:016x}" for n in range(1, 21)]
    with Store(empty_postgres) as store, psycopg.connect(empty_postgres, autocommit=True) as admin:
        start = threading.Barrier(12)
        peak = []

        def session(n: int) -> tuple[int, bool, int]:
            start.wait(timeout=60)
            store.save(other_article(ids[n], f"2024-01-{n + 1:02d}"))  # a write between the reads
            for _ in range(5):
                stored = store.has_article(ids[n])
                count = store.article_count(article_ids=[ids[n]])
                peak.append(
                    admin.execute(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE application_name = 'geo-news-map' AND datname = current_database()"
                    ).fetchone()[0]
                )
            return n, stored, count

        with ThreadPoolExecutor(12) as sessions:
            answers = list(sessions.map(session, range(12)))
        assert answers == [(n, True, 1) for n in range(12)]
        assert store.article_count() == 12
        assert 1 <= max(peak) <= 3  # never more connections than the pool's size


def test_the_pool_size_setting_is_checked(monkeypatch):
    from geo.errors import StoreError
    from geo.store.postgres import pool_size

    monkeypatch.delenv("GEO_DATABASE_POOL", raising=False)
    assert pool_size() == 4
    monkeypatch.setenv("GEO_DATABASE_POOL", "0")
    assert pool_size() == 1
    monkeypatch.setenv("GEO_DATABASE_POOL", "many")
    with pytest.raises(StoreError, match="GEO_DATABASE_POOL"):
        pool_size()
