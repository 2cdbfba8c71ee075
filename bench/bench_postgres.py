"""Benchmark the store on PostgreSQL/PostGIS against SQLite: the map's viewport query at 10k, 100k and
1M stored mentions, and the ingest of a corpus with two workers.

    .venv/bin/python bench/bench_postgres.py [--server postgresql://postgres@127.0.0.1:5432]
        [--sizes 10000,100000,1000000] [--corpus ../shared/eval/lgl.jsonl] [--skip-ingest] [--skip-viewport]

Creates (and drops at the end) the databases ``pg_bench_viewport`` and ``pg_bench_ingest`` on the
server. The viewport stores are filled in bulk (COPY on PostgreSQL, executemany on SQLite) with
synthetic articles of 20 mentions each, the places drawn from the offline gazetteer's 50,000 most
important entries with a skewed (1/rank) popularity, so a few places get most mentions as in news.
Prints figures (median of 7 runs after one warm-up); asserts nothing about time.
Targets (issue 14): the viewport query <= 100 ms with 1,000,000 mentions in PostgreSQL; PostgreSQL
ingest of the 588 LGL articles with two workers no slower than SQLite's.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from geo import settings  # noqa: E402
from geo.store import Store  # noqa: E402
from geo.types import MapFilter  # noqa: E402
from geo.view.map import viewport_bounds  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "lgl.jsonl"
MENTIONS_PER_ARTICLE = 20
PLACE_POOL = 50_000
MAX_PLACES = int(settings.load().map_max_places)
RUNS = 7
# Bulk loading bypasses Store.save, which keeps place_counts: count again after each load.
RECOUNT = (
    "DELETE FROM place_counts",
    "INSERT INTO place_counts (place_id, mentions, lat, lon) SELECT m.place_id, COUNT(*), p.lat, p.lon"
    " FROM mentions m JOIN places p ON p.id = m.place_id GROUP BY m.place_id, p.lat, p.lon",
)


def timed(call: Callable[[], object]) -> tuple[float, object]:
    call()  # warm-up: caches and plans
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def place_pool() -> list[tuple]:
    gazetteer = sqlite3.connect(settings.load().gazetteer)
    return gazetteer.execute(
        "SELECT id, name, lat, lon, kind, country, geonameid, population, source FROM places"
        " ORDER BY importance DESC LIMIT ?",
        (PLACE_POOL,),
    ).fetchall()


class Synthetic:
    """Articles of 20 mentions, places drawn with weight 1/rank; rows made in the order both stores take."""

    def __init__(self, places: list[tuple]) -> None:
        self.place_ids = [p[0] for p in places]
        self.cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(places))))
        self.random = random.Random(14)
        self.articles = 0

    def batch(self, count: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
        articles, passages, mentions = [], [], []
        for _ in range(count):
            n = self.articles = self.articles + 1
            article_id = f"{n:016x}"
            stamp = f"2026-01-01T00:00:00.{n:06d}+00:00" if n < 10**6 else f"2026-01-02T00:00:00.{n % 10**6:06d}"
            articles.append((article_id, f"Article {n}", "x" * 400, stamp, f"2026-01-{1 + n % 28:02d}"))
            passages.append((n, article_id, 0, 0, 400, "paragraph"))
            chosen = self.random.choices(self.place_ids, cum_weights=self.cumulative, k=MENTIONS_PER_ARTICLE)
            mentions += [
                (article_id, n, i * 20, i * 20 + 5, "Place", place, "location") for i, place in enumerate(chosen)
            ]
        return articles, passages, mentions


def fill_postgres(url: str, rows: tuple[list[tuple], list[tuple], list[tuple]]) -> None:
    articles, passages, mentions = rows
    with psycopg.connect(url) as db, db.cursor() as cursor:
        for table, columns, data in (
            ("articles", "id, title, text, ingested_at, published", articles),
            ("passages", 'id, article_id, idx, start, "end", kind', passages),
            ("mentions", 'article_id, passage_id, start, "end", surface, place_id, role', mentions),
        ):
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        db.execute("SELECT setval(pg_get_serial_sequence('passages', 'id'), (SELECT max(id) FROM passages))")
        db.execute(RECOUNT[0])
        db.execute(RECOUNT[1])
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("VACUUM ANALYZE")


def fill_sqlite(path: Path, rows: tuple[list[tuple], list[tuple], list[tuple]]) -> None:
    articles, passages, mentions = rows
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO articles (id, title, text, ingested_at, published) VALUES (?, ?, ?, ?, ?)", articles
        )
        db.executemany(
            'INSERT INTO passages (id, article_id, idx, start, "end", kind) VALUES (?, ?, ?, ?, ?, ?)', passages
        )
        db.executemany(
            'INSERT INTO mentions (article_id, passage_id, start, "end", surface, place_id, role)'
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            mentions,
        )
        db.execute(RECOUNT[0])
        db.execute(RECOUNT[1])
    with sqlite3.connect(path) as db:
        db.execute("ANALYZE")


def viewport_queries(store: Store) -> dict[str, Callable[[], object]]:
    newest = list(store.articles(limit=500)["id"])
    return {
        "page default: the 20 newest articles, zoom 2": lambda: store.viewport(
            MapFilter(newest[:20]), 2, max_places=MAX_PLACES, around=viewport_bounds((20.0, 10.0), 2)
        ),
        "the page's most: 500 articles, zoom 2": lambda: store.viewport(
            MapFilter(newest), 2, max_places=MAX_PLACES, around=viewport_bounds((20.0, 10.0), 2)
        ),
        "every article, the world at zoom 2": lambda: store.viewport(
            MapFilter(), 2, max_places=MAX_PLACES, around=viewport_bounds((20.0, 10.0), 2)
        ),
        "every article, Libya at zoom 6": lambda: store.viewport(
            MapFilter(), 6, max_places=MAX_PLACES, around=viewport_bounds((30.0, 17.0), 6)
        ),
        "every article, Benghazi at zoom 10": lambda: store.viewport(
            MapFilter(), 10, max_places=MAX_PLACES, around=viewport_bounds((32.1, 20.1), 10)
        ),
        "places() in a 5-degree box, every article": lambda: store.places(MapFilter(bounds=(30.0, 10.0, 35.0, 15.0))),
    }


def bench_viewport(server: str, sizes: list[int]) -> None:
    url = f"{server}/pg_bench_viewport"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS pg_bench_viewport WITH (FORCE)")
        admin.execute("CREATE DATABASE pg_bench_viewport")
    folder = Path(tempfile.mkdtemp(prefix="pg-bench-"))
    sqlite_path = folder / "viewport.sqlite"
    pool = place_pool()
    try:
        Store(url).close()
        Store(sqlite_path).close()
        with psycopg.connect(url) as db, db.cursor() as cursor, cursor.copy(
            "COPY places (id, name, lat, lon, kind, country, geonameid, population, source) FROM STDIN"
        ) as copy:
            for row in pool:
                copy.write_row(row)
        with sqlite3.connect(sqlite_path) as db:
            db.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", pool)
        synthetic = Synthetic(pool)
        stored = 0
        print("| mentions | query | PostgreSQL ms | SQLite ms | features |")
        print("|---|---|---|---|---|")
        for size in sizes:
            rows = synthetic.batch((size - stored) // MENTIONS_PER_ARTICLE)
            stored = size
            fill_postgres(url, rows)
            fill_sqlite(sqlite_path, rows)
            with Store(url) as pg, Store(sqlite_path) as lite:
                for (name, pg_query), lite_query in zip(
                    viewport_queries(pg).items(), viewport_queries(lite).values(), strict=True
                ):
                    pg_ms, result = timed(pg_query)
                    lite_ms, lite_result = timed(lite_query)
                    assert len(result) == len(lite_result), (name, len(result), len(lite_result))  # type: ignore[arg-type]
                    print(f"| {size:,} | {name} | {pg_ms:.1f} | {lite_ms:.1f} | {len(result):,} |", flush=True)  # type: ignore[arg-type]
        with psycopg.connect(url) as db:
            places = db.execute("SELECT COUNT(DISTINCT place_id) FROM mentions").fetchone()[0]
            mentions_bytes = db.execute("SELECT pg_total_relation_size('mentions')").fetchone()[0]
            database_bytes = db.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        print(f"({places:,} distinct places mentioned at {stored:,} mentions; GEO_MAP_MAX_PLACES={MAX_PLACES})")
        print(
            f"PostgreSQL: mentions with their indexes {mentions_bytes / 2**20:.0f} MiB"
            f" ({mentions_bytes / stored:.0f} bytes a mention); the database {database_bytes / 2**20:.0f} MiB"
        )
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS pg_bench_viewport WITH (FORCE)")
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ingest(database: str, corpus: Path) -> tuple[float, float, int]:
    env = {**os.environ, "GEO_DATABASE": database}
    command = [sys.executable, "-m", "geo", "ingest", str(corpus), "--workers", "2", "--no-progress"]
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr[-2000:])
    return wall, children_cpu() - cpu, len(set(done.stdout.split()))


def bench_ingest(server: str, corpus: Path) -> None:
    url = f"{server}/pg_bench_ingest"
    folder = Path(tempfile.mkdtemp(prefix="pg-bench-"))
    print("| store | wall s | CPU s (all processes) | articles |")
    print("|---|---|---|---|")
    try:
        for label in ("SQLite", "PostgreSQL", "SQLite", "PostgreSQL"):  # alternated: the load varies
            if label == "SQLite":
                target = str(folder / "ingest.sqlite")
                for suffix in ("", "-wal", "-shm"):
                    Path(target + suffix).unlink(missing_ok=True)
            else:
                with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                    admin.execute("DROP DATABASE IF EXISTS pg_bench_ingest WITH (FORCE)")
                    admin.execute("CREATE DATABASE pg_bench_ingest")
                target = url
            wall, cpu, articles = ingest(target, corpus)
            print(f"| {label} | {wall:.1f} | {cpu:.1f} | {articles} |", flush=True)
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS pg_bench_ingest WITH (FORCE)")
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-viewport", action="store_true")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    if not args.skip_viewport:
        bench_viewport(args.server, [int(s) for s in args.sizes.split(",")])
    if not args.skip_ingest:
        bench_ingest(args.server, args.corpus)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
