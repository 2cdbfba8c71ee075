"""Benchmark the news store: bulk ingest, re-ingest, concurrent writers, SIGKILL, and the map query.

    .venv/bin/python bench/bench_store.py [--corpus ../shared/eval/lgl.jsonl] [--skip-ingest]

Prints figures; asserts nothing about time (the tests check behaviour).
Targets (issue 5): the 588 LGL articles in <= 60 s on 2 cores; re-ingest adds
nothing; two ingest processes at once lose and duplicate nothing; SIGKILL
leaves a database passing PRAGMA integrity_check with only whole articles;
the map query answers in <= 50 ms with 10,000 stored places.
Wall times depend on what else the machine runs: the CPU seconds of the
ingest process tree are printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.store import Store  # noqa: E402
from geo.types import (  # noqa: E402
    Actor,
    Analysis,
    Article,
    Claim,
    MapFilter,
    Mention,
    Passage,
    Place,
    Resolution,
    Span,
)

DEFAULT_CORPUS = ROOT.parent / "shared" / "eval" / "lgl.jsonl"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ingest(db: Path, *targets: str, workers: int | None = None) -> tuple[float, float, list[str], str]:
    env = {**os.environ, "GEO_DATABASE": str(db)}
    command = [sys.executable, "-m", "geo", "ingest", *targets, "--no-progress"]
    if workers is not None:
        command += ["--workers", str(workers)]
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    return time.perf_counter() - start, children_cpu() - cpu, done.stdout.split(), done.stderr


def count(db: Path, table: str = "articles") -> int:
    with sqlite3.connect(db) as con:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def whole(db: Path) -> tuple[str, int, int]:
    """integrity_check, articles without passages, rows whose article is missing."""
    con = sqlite3.connect(db)
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    bare = con.execute(
        "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM passages p WHERE p.article_id = a.id)"
    ).fetchone()[0]
    orphans = sum(
        con.execute(
            f"SELECT COUNT(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = t.article_id)"
        ).fetchone()[0]
        for table in ("passages", "mentions", "actor_mentions", "claims", "claim_places")
    )
    con.close()
    return integrity, bare, orphans


def bench_analysis(corpus: Path, n: int = 60) -> None:
    """Where one article's time goes, on one core: the spaCy pass against the rest of the pipeline."""
    from geo.analysis.pipeline import Pipeline
    from geo.sources.ingest import read_record

    pipeline = Pipeline.load()
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").split("\n")[:n] if line.strip()]
    docs = [read_record(r) for r in records]
    start = time.perf_counter()
    for doc in docs:
        pipeline.nlp(doc.text)
    spacy_s = time.perf_counter() - start
    start = time.perf_counter()
    for doc in docs:
        pipeline.analyze(doc)
    total_s = time.perf_counter() - start
    print(
        f"analysis, 1 core, {len(docs)} LGL articles: {total_s / len(docs) * 1000:.0f} ms/article,"
        f" of which the spaCy pass {spacy_s / len(docs) * 1000:.0f} ms ({spacy_s / total_s:.0%})"
    )


def bench_ingest(corpus: Path, tmp: Path) -> None:
    lines = sum(1 for line in corpus.read_text(encoding="utf-8").split("\n") if line.strip())
    db = tmp / "lgl.sqlite"
    wall, cpu, ids, errors = ingest(db, str(corpus))
    failures = errors.count("error: ")
    print(
        f"ingest {lines} articles ({corpus.name}), 2 workers: {wall:.1f} s wall, {cpu:.1f} s CPU;"
        f" {len(ids)} ids, {count(db)} stored, {failures} failures (target <= 60 s)"
    )
    if failures:
        print("  first failures:", *errors.strip().split("\n")[:3], sep="\n    ")
    before = {t: count(db, t) for t in ("articles", "passages", "mentions", "claims")}
    wall, cpu, again, _ = ingest(db, str(corpus))
    after = {t: count(db, t) for t in before}
    print(
        f"re-ingest: {wall:.1f} s wall; same ids in the same order: {again == ids};"
        f" rows added: {sum(after.values()) - sum(before.values())}"
    )


def bench_concurrent(corpus: Path, tmp: Path, n: int = 80) -> None:
    part = tmp / "part.jsonl"
    part.write_text("\n".join(corpus.read_text(encoding="utf-8").split("\n")[:n]) + "\n", encoding="utf-8")
    db = tmp / "concurrent.sqlite"
    env = {**os.environ, "GEO_DATABASE": str(db)}
    command = [sys.executable, "-m", "geo", "ingest", str(part), "--no-progress"]
    start = time.perf_counter()
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)]
    procs.append(
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    )
    outputs = [p.communicate()[0].split() for p in procs]
    wall = time.perf_counter() - start
    con = sqlite3.connect(db)
    dupes = con.execute("SELECT COUNT(*) - COUNT(DISTINCT id) FROM articles").fetchone()[0]
    mention_dupes = con.execute(
        'SELECT COUNT(*) FROM (SELECT article_id, start, "end", COUNT(*) c FROM mentions'
        ' GROUP BY article_id, start, "end" HAVING c > 1)'
    ).fetchone()[0]
    con.close()
    print(
        f"two ingest processes at once, {n} articles each: {wall:.1f} s; both printed the same ids:"
        f" {outputs[0] == outputs[1]}; stored {count(db)} of {len(set(outputs[0]))} distinct ids;"
        f" duplicate articles {dupes}, duplicated mentions {mention_dupes}; integrity/bare/orphans {whole(db)}"
    )


def bench_sigkill(corpus: Path, tmp: Path, after: int = 40) -> None:
    db = tmp / "killed.sqlite"
    env = {**os.environ, "GEO_DATABASE": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "geo", "ingest", str(corpus), "--no-progress"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        start_new_session=True,  # its own process group: the kill takes the workers too
    )
    assert proc.stdout is not None
    printed = 0
    while printed < after and proc.stdout.readline():
        printed += 1
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    integrity, bare, orphans = whole(db)
    stored = count(db)
    wall, _, ids, _ = ingest(db, str(corpus))
    print(
        f"SIGKILL after {printed} ids: integrity_check={integrity!r}, {stored} articles stored,"
        f" {bare} without passages, {orphans} orphan rows; resuming stored {count(db)} ({len(ids)} ids) in {wall:.1f} s"
    )


def synthetic_store(db: Path, n_places: int, n_articles: int, per_article: int) -> tuple[Store, float]:
    """A store of made-up articles naming ``n_places`` places (no spaCy): returns it and its build time."""
    rng = random.Random(5)
    places = [
        Place(f"gn:{i}", f"Place {i}", rng.uniform(-60, 70), rng.uniform(-180, 180), "city", "US", i)
        for i in range(n_places)
    ]
    store = Store(db)
    start = time.perf_counter()
    order = list(range(n_places))
    rng.shuffle(order)
    for a in range(n_articles):
        # Every place appears at least once; the rest are drawn at random (a place in several articles).
        chosen = [places[order[(a * (per_article // 2) + k) % n_places]] for k in range(per_article // 2)]
        chosen += rng.sample(places, per_article - len(chosen))
        words = [f"{p.name}." for p in chosen]
        text = " ".join(words)
        offsets, cursor = [], 0
        for word in words:
            offsets.append(cursor)
            cursor += len(word) + 1
        paragraph = len(text) // 3
        passages = (
            Passage(0, 0, paragraph, "paragraph"),
            Passage(1, paragraph, 2 * paragraph, "paragraph"),
            Passage(2, 2 * paragraph, len(text), "paragraph"),
        )
        resolutions = tuple(
            Resolution(Mention(o, o + len(p.name), p.name, "GPE"), p, 0.7, "location", "bench")
            for p, o in zip(chosen, offsets, strict=True)
        )
        actor = Actor(f"actor-{a % 50}", f"Actor {a % 50}", "person", (Span(offsets[0], offsets[0] + 5, "Place"),))
        claim = Claim("c1", 0, paragraph, text[:paragraph], actor.id, None, "said", "asserts", False, (chosen[0].id,))
        article = Article(
            f"{a:016x}", f"Article {a}", text, source=f"Outlet {a % 7}", published=f"2024-01-{a % 28 + 1:02d}"
        )
        store.save(Analysis(article, passages, resolutions, (actor,), (claim,)))
    return store, time.perf_counter() - start


def bench_map_query(tmp: Path, n_places: int = 10_000, n_articles: int = 1_000, per_article: int = 30) -> None:
    db = tmp / "map.sqlite"
    store, build = synthetic_store(db, n_places, n_articles, per_article)
    ids = list(store.articles(limit=n_articles)["id"])
    stored_places = count(db, "places")
    mentions = count(db, "mentions")

    def timed(label: str, call) -> None:
        call()  # warm the page cache
        runs, cpu = [], []
        for _ in range(15):
            start, start_cpu = time.perf_counter(), time.process_time()
            frame = call()
            runs.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        print(
            f"  {label}: median {statistics.median(runs):.1f} ms wall ({statistics.median(cpu):.1f} ms CPU),"
            f" max {max(runs):.1f} ms, {len(frame)} rows"
        )

    print(
        f"map query: {stored_places} places, {mentions} mentions, {n_articles} articles"
        f" (built in {build:.1f} s); target <= 50 ms"
    )
    every = MapFilter(article_ids=ids)
    timed("places(all ids) - the page's default view", lambda: store.places(every))
    timed("places(all ids, with_article_ids)", lambda: store.places(every, with_article_ids=True))
    timed("places(None) - every stored article", lambda: store.places(MapFilter()))
    timed("places(200 newest ids)", lambda: store.places(MapFilter(article_ids=ids[:200])))
    timed("places(all ids, one actor)", lambda: store.places(MapFilter(article_ids=ids, actor_ids=["actor-3"])))
    timed(
        "places(all ids, speaker + stance)",
        lambda: store.places(MapFilter(article_ids=ids, speakers=["actor-3"], stances=["asserts"])),
    )
    timed("places(None, bounds=Europe)", lambda: store.places(MapFilter(bounds=(35, -10, 60, 30))))
    timed("articles(200)", lambda: store.articles(200))
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--skip-ingest", action="store_true", help="only the map query (no spaCy)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        if not args.skip_ingest:
            bench_analysis(args.corpus)
            bench_ingest(args.corpus, Path(tmp))
            bench_concurrent(args.corpus, Path(tmp))
            bench_sigkill(args.corpus, Path(tmp))
        bench_map_query(Path(tmp))
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
