"""Ingest and export at scale: memory of the whole process tree, throughput per worker, batched analysis.

    .venv/bin/python bench/bench_scale.py corpus OUT.jsonl [--articles 50000]
    .venv/bin/python bench/bench_scale.py ingest CORPUS.jsonl --database DB [--workers 2] [--scheduler local]
    .venv/bin/python bench/bench_scale.py grow --database DB [--to 50000]
    .venv/bin/python bench/bench_scale.py export --database DB --output OUT.geojson
    .venv/bin/python bench/bench_scale.py workers CORPUS.jsonl [--articles 600] [--counts 1 2]
    .venv/bin/python bench/bench_scale.py analysis CORPUS.jsonl [--articles 400] [--batch 32]

``corpus`` writes synthetic news articles from this script's own templates (never
from ../shared): each unique, 120-250 words, with places, people, organisations
and attributed claims. ``ingest`` and ``export`` run the real command
(``python -m geo ...``) and sample the resident memory of it and all its
children every 0.2 s: the peak of the sum of RSS (what ``top`` adds up) and of PSS
(RSS with pages shared between processes counted once). ``grow`` copies the analysed
articles of a store under new ids up to a size (when analysing them all would take
too long on a shared machine), for ``export``. ``workers`` runs
``geo ingest --scheduler local --workers N`` for each N on the same articles and
reports the steady rate (articles stored between the first and the last, so the
cluster's start and the model loads are not counted). ``analysis`` compares, in
one process on the same articles, spaCy alone over them in batches (``nlp.pipe``)
with the whole analysis (``Pipeline.analyze_many``) and with one ``analyze`` call
per article (the least of ``--repeat`` rounds each; ``bench_cost.py`` measures the same ratio
steadily, as the median of interleaved rounds). Every figure is printed with the load average at its start and end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent

# -- the synthetic corpus ---------------------------------------------------------------------------

CITIES = (
    ("Lisbon", "Portugal"),
    ("Porto", "Portugal"),
    ("Madrid", "Spain"),
    ("Valencia", "Spain"),
    ("Lyon", "France"),
    ("Marseille", "France"),
    ("Hamburg", "Germany"),
    ("Munich", "Germany"),
    ("Rotterdam", "Netherlands"),
    ("Antwerp", "Belgium"),
    ("Gdansk", "Poland"),
    ("Krakow", "Poland"),
    ("Vienna", "Austria"),
    ("Prague", "Czechia"),
    ("Budapest", "Hungary"),
    ("Bucharest", "Romania"),
    ("Sofia", "Bulgaria"),
    ("Thessaloniki", "Greece"),
    ("Izmir", "Turkey"),
    ("Ankara", "Turkey"),
    ("Beirut", "Lebanon"),
    ("Amman", "Jordan"),
    ("Alexandria", "Egypt"),
    ("Tunis", "Tunisia"),
    ("Casablanca", "Morocco"),
    ("Lagos", "Nigeria"),
    ("Accra", "Ghana"),
    ("Nairobi", "Kenya"),
    ("Mombasa", "Kenya"),
    ("Addis Ababa", "Ethiopia"),
    ("Karachi", "Pakistan"),
    ("Lahore", "Pakistan"),
    ("Chennai", "India"),
    ("Kolkata", "India"),
    ("Dhaka", "Bangladesh"),
    ("Colombo", "Sri Lanka"),
    ("Jakarta", "Indonesia"),
    ("Manila", "Philippines"),
    ("Osaka", "Japan"),
    ("Busan", "South Korea"),
    ("Melbourne", "Australia"),
    ("Auckland", "New Zealand"),
    ("Santiago", "Chile"),
    ("Lima", "Peru"),
    ("Bogota", "Colombia"),
    ("Quito", "Ecuador"),
    ("Montevideo", "Uruguay"),
    ("Recife", "Brazil"),
    ("Monterrey", "Mexico"),
    ("Halifax", "Canada"),
    ("Denver", "United States"),
    ("Savannah", "United States"),
)
FIRST = ("Maria", "Ahmed", "Lena", "Tomas", "Aiko", "Kwame", "Ingrid", "Rafael", "Nadia", "Oskar", "Priya", "Jonas")
LAST = ("Okafor", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Novak", "Silva", "Kowalski", "Mensah", "Varga")
ROLES = ("the port director", "the mayor", "a union leader", "the transport minister", "a city engineer")
BODIES = ("the harbour authority", "the regional council", "the dock workers' union", "the ministry of transport")
TOPICS = (
    ("container terminal", "reopen after repairs"),
    ("rail link", "open to freight traffic"),
    ("flood barrier", "be finished before the rainy season"),
    ("ferry service", "resume on a reduced timetable"),
    ("water plant", "double its capacity"),
    ("airport runway", "close for resurfacing"),
)
CUES = ("said", "told reporters", "denied", "confirmed", "warned", "claimed")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def article(n: int, rng: random.Random) -> dict[str, str]:
    """One synthetic article: a headline and four or five paragraphs about works in two cities."""
    (city, country), (other, other_country) = rng.sample(CITIES, 2)
    thing, outcome = rng.choice(TOPICS)
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    rival = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    body, day = rng.choice(BODIES), rng.choice(DAYS)
    months, cost = rng.randint(2, 30), rng.randint(3, 900)
    title = f"{city} {thing} to {outcome}, officials say"
    paragraphs = [
        title,
        f"Officials in {city} said on {day} that the {thing} would {outcome} within {months} months, "
        f"after a review by {body} found that work could go on. The project, number {n} on the national "
        f"list, is expected to cost {cost} million.",
        f'"We have waited long enough," {person}, {rng.choice(ROLES)}, {rng.choice(CUES)}. '
        f'"The people of {city} deserve a {thing} that works."',
        f"{rival}, who speaks for {rng.choice(BODIES)} in {other}, {rng.choice(CUES)} that the plan would "
        f"draw traffic away from {other} and from the rest of {other_country}.",
        f"Engineers from {country} and {other_country} met in {city} last week. According to {person}, "
        f"a second phase could begin in {rng.randint(2027, 2031)}.",
    ]
    if rng.random() < 0.5:
        paragraphs.append(
            f"Residents near the {thing} in {city} told the local paper they feared noise and dust, "
            f"while traders in {other} welcomed the news."
        )
    return {"id": f"bench-{n}", "title": title, "text": "\n\n".join(paragraphs)}


def write_corpus(path: Path, articles: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for n in range(articles):
            out.write(json.dumps(article(n, rng), ensure_ascii=False) + "\n")


def head(path: Path, articles: int, into: Path) -> Path:
    with path.open(encoding="utf-8") as source, into.open("w", encoding="utf-8") as out:
        for _, line in zip(range(articles), source, strict=False):
            out.write(line)
    return into


# -- measuring -----------------------------------------------------------------------------------


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} (1/5 min) on {os.cpu_count()} cores"


class TreeMemory:
    """Peak of the summed RSS and PSS of a process and all its descendants, sampled in a thread.

    ``memory=False`` samples CPU times only: reading a process's PSS parses its whole memory map, which
    for a spaCy worker costs milliseconds each time, CPU taken from the processes being measured."""

    def __init__(self, pid: int, every: float = 0.2, *, memory: bool = True) -> None:
        self._memory = memory
        self.peak_rss = self.peak_pss = self.peak_processes = 0
        self.cpu: dict[int, tuple[str, float]] = {}  # pid -> (role, CPU seconds when last seen)
        self.steady: dict[str, float] = {}
        self.steady_articles = 0  # articles stored while ``steady`` was spent
        self._root = psutil.Process(pid)
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = pss = 0
            try:
                processes = [self._root, *self._root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for process in processes:
                try:
                    info = process.memory_full_info() if self._memory else process.memory_info()
                    times = process.cpu_times()
                    role = "parent" if process.pid == self._root.pid else _role(process)
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                self.cpu[process.pid] = (role, times.user + times.system)
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_processes = max(self.peak_processes, len(processes))
            self._stop.wait(self._every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds of the reading and writing parent, of the analysing workers (together and each)
        and of this benchmark's own process, read now (for the processes the sampling has seen)."""
        for pid, (role, _) in list(self.cpu.items()):
            try:
                times = psutil.Process(pid).cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            self.cpu[pid] = (role, times.user + times.system)
        total: dict[str, float] = {}
        workers = sorted(pid for pid, (role, _) in self.cpu.items() if role == "workers")
        for pid, (role, seconds) in self.cpu.items():
            total[role] = total.get(role, 0.0) + seconds
            if role == "workers" and len(workers) > 1:
                total[f"worker {workers.index(pid) + 1}"] = seconds
        own = psutil.Process().cpu_times()
        total["bench"] = own.user + own.system
        return total


def _role(process: psutil.Process) -> str:
    command = " ".join(process.cmdline())
    if "resource_tracker" in command or "semaphore_tracker" in command:
        return "other"
    return "workers"


def run_measured(
    command: list[str], env: dict[str, str], *, memory: bool = True
) -> tuple[int, float, TreeMemory, list[float]]:
    """Run ``command``; its exit code, wall time, tree memory and the time of each stdout line.

    ``memory.steady`` is the CPU each role spent between the first and the last line (start-up excluded).
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    # Without memory, the sampling thread only finds the processes (psutil scans all of /proc for children):
    # every 2 s, so the benchmark takes little of the cores it measures. The CPU times are read below.
    memory = TreeMemory(process.pid, every=0.1 if memory else 2.0, memory=memory)
    stamps: list[float] = []
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    read_at = 0.0
    assert process.stdout is not None
    for _ in process.stdout:
        stamps.append(time.perf_counter() - started)
        # The CPU times, read at the first line and then at most every 0.25 s (lines come a batch at
        # once): reading them costs this process CPU that the measured processes share the cores with.
        if len(stamps) == 1 or stamps[-1] - read_at >= 0.25:
            read_at = stamps[-1]
            last = memory.cpu_by_role()
            memory.steady_articles = len(stamps) - 1
            if len(stamps) == 1:
                first = last
    code = process.wait()
    memory.stop()
    memory.steady = {role: seconds - first.get(role, 0.0) for role, seconds in last.items()}
    return code, time.perf_counter() - started, memory, stamps


def mib(value: int) -> str:
    return f"{value / 2**20:,.0f} MiB"


def environment(database: Path) -> dict[str, str]:
    return {**os.environ, "GEO_DATABASE": str(database), "PYTHONPATH": str(ROOT)}


# -- the commands ---------------------------------------------------------------------------------


def ingest(args: argparse.Namespace) -> None:
    command = [sys.executable, "-m", "geo", "ingest", str(args.corpus), "--no-progress", "--workers", str(args.workers)]
    if args.scheduler:
        command += ["--scheduler", args.scheduler]
    print(f"ingest {args.corpus} with {args.workers} workers ({load()})", flush=True)
    code, wall, memory, stamps = run_measured(command, environment(args.database))
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
    print(
        f"  exit {code}; {len(stamps):,} articles in {wall:,.0f} s ({rate:.1f}/s between first and last); "
        f"peak of the process tree ({memory.peak_processes} processes): RSS {mib(memory.peak_rss)}, "
        f"PSS {mib(memory.peak_pss)}; {cpu_per_article(memory, len(stamps))}; ({load()})",
        flush=True,
    )


def cpu_per_article(memory: TreeMemory, articles: int) -> str:
    """CPU per article of each role, between the first article stored and the last (start-up excluded)."""
    stored = memory.steady_articles or max(1, articles - 1)
    return "steady CPU an article: " + ", ".join(
        f"{role} {seconds / stored * 1000:.1f} ms" for role, seconds in sorted(memory.steady.items()) if role != "other"
    )


def export(args: argparse.Namespace) -> None:
    command = [sys.executable, "-m", "geo", "export", "--format", "geojson", "--output", str(args.output)]
    print(f"export {args.database} ({load()})", flush=True)
    code, wall, memory, _ = run_measured(command, environment(args.database))
    size = args.output.stat().st_size if args.output.exists() else 0
    print(
        f"  exit {code}; {size / 2**20:,.0f} MiB of GeoJSON in {wall:,.1f} s; peak RSS {mib(memory.peak_rss)}, "
        f"PSS {mib(memory.peak_pss)}; ({load()})",
        flush=True,
    )


def grow(args: argparse.Namespace) -> None:
    """Copy the stored articles (with their passages, mentions, actor mentions and claims) under new ids
    until the store holds ``--to`` articles: an export's size, without analysing them all again. A copy's
    id has an "x" in it, never in an analysed article's (hex) id: the 12 hex digits and a copy number
    of before collided with an article whose id happened to end in that number."""
    import sqlite3

    db = sqlite3.connect(args.database)
    have = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    originals = db.execute("SELECT id FROM articles ORDER BY rowid").fetchall()
    offset = db.execute("SELECT max(id) FROM passages").fetchone()[0]
    copy = 0
    while have < args.to:
        copy += 1
        take = [row[0] for row in originals[: args.to - have]]
        db.execute("CREATE TEMP TABLE IF NOT EXISTS pick (id TEXT PRIMARY KEY)")
        db.execute("DELETE FROM pick")
        db.executemany("INSERT INTO pick VALUES (?)", [(i,) for i in take])
        new = f"substr(x.article_id, 1, 11) || printf('x%04d', {copy})"
        shift = copy * offset
        db.executescript(f"""
            INSERT INTO articles (id, title, url, source, published, text, ingested_at)
              SELECT substr(a.id, 1, 11) || printf('x%04d', {copy}), a.title, a.url, a.source, a.published, a.text,
                     a.ingested_at FROM articles a JOIN pick USING (id);
            INSERT INTO passages (id, article_id, idx, start, "end", kind)
              SELECT x.id + {shift}, {new}, x.idx, x.start, x."end", x.kind FROM passages x
              WHERE x.article_id IN (SELECT id FROM pick);
            INSERT INTO mentions (article_id, passage_id, start, "end", surface, place_id, role, score, runner_up,
                                  reason)
              SELECT {new}, x.passage_id + {shift}, x.start, x."end", x.surface, x.place_id, x.role, x.score,
                     x.runner_up, x.reason FROM mentions x WHERE x.article_id IN (SELECT id FROM pick);
            INSERT INTO actor_mentions (actor_id, article_id, passage_id, start, "end")
              SELECT x.actor_id, {new}, x.passage_id + {shift}, x.start, x."end" FROM actor_mentions x
              WHERE x.article_id IN (SELECT id FROM pick);
            INSERT INTO claims (id, article_id, passage_id, start, "end", speaker, via, cue, stance, hedged, text,
                                speaker_text, speaker_actor, contradicts, speaker_start, speaker_end, cue_start,
                                cue_end, internal)
              SELECT x.id, {new}, x.passage_id + {shift}, x.start, x."end", x.speaker, x.via, x.cue, x.stance,
                     x.hedged, x.text, x.speaker_text, x.speaker_actor, x.contradicts, x.speaker_start,
                     x.speaker_end, x.cue_start, x.cue_end, x.internal FROM claims x
              WHERE x.article_id IN (SELECT id FROM pick);
            INSERT INTO claim_places SELECT {new}, x.claim_id, x.place_id FROM claim_places x
              WHERE x.article_id IN (SELECT id FROM pick);
            INSERT INTO claim_actors SELECT {new}, x.claim_id, x.actor_id FROM claim_actors x
              WHERE x.article_id IN (SELECT id FROM pick);
        """)
        have += len(take)
    db.commit()
    print(f"{args.database}: {have:,} articles ({copy} copies of the {len(originals):,} analysed)")


def workers(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as folder:
        sample = head(args.corpus, args.articles, Path(folder) / "sample.jsonl")
        rates = {}
        for repeat in range(args.repeat):
            for count in args.counts:
                database = Path(folder) / f"w{count}-{repeat}.sqlite"
                command = [sys.executable, "-m", "geo", "ingest", str(sample), "--no-progress"]
                command += ["--scheduler", "local", "--workers", str(count)]
                before = load()
                code, wall, memory, stamps = run_measured(command, environment(database), memory=False)
                rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
                rates.setdefault(count, []).append(rate)
                print(
                    f"{count} worker(s): exit {code}, {len(stamps)} articles, {rate:.1f} articles/s steady "
                    f"({wall:.0f} s with start-up); {cpu_per_article(memory, len(stamps))}; "
                    f"before: {before}; after: {load()}",
                    flush=True,
                )
        best = {count: max(values) for count, values in rates.items()}
        if 1 in best:
            for count, rate in best.items():
                print(f"best of {args.repeat}: {count} worker(s) {rate:.1f}/s = {rate / best[1]:.2f}x one worker")


def analysis(args: argparse.Namespace) -> None:
    from geo.analysis.pipeline import PIPE_BATCH, Pipeline, tokenise
    from geo.sources.ingest import read_record

    with args.corpus.open(encoding="utf-8") as source:
        documents = [read_record(json.loads(line)) for _, line in zip(range(args.articles), source, strict=False)]
    pipeline = Pipeline.load()
    texts = [d.text for d in documents]
    pipeline.analyze_many(documents[: args.batch])  # warm caches

    def parse_batch(batch: list[str]) -> list:  # spaCy as analyze_many runs it: the same chunks and steps
        chunks = [doc for text in batch for doc in tokenise(pipeline.nlp, text, pipeline.max_tokens)]
        return list(pipeline.nlp.pipe(chunks, batch_size=PIPE_BATCH))

    def cpu(function) -> float:
        started = time.process_time()
        function()
        return time.process_time() - started

    def batched(work) -> None:
        for start in range(0, len(documents), args.batch):
            work(start)

    print(f"{len(documents)} articles in one process, batches of {args.batch} ({load()})")
    rounds = []
    for _ in range(args.repeat):
        spacy_only = cpu(lambda: batched(lambda s: parse_batch(texts[s : s + args.batch])))
        whole = cpu(lambda: batched(lambda s: pipeline.analyze_many(documents[s : s + args.batch])))
        one_by_one = cpu(lambda: [pipeline.analyze(d) for d in documents])
        rounds.append((spacy_only, whole, one_by_one))
    spacy_only, whole, one_by_one = (min(r[i] for r in rounds) for i in range(3))  # least disturbed
    per = 1000 / len(documents)
    print(f"  spaCy alone, nlp.pipe:           {spacy_only * per:6.1f} ms CPU an article")
    print(f"  whole analysis, analyze_many:    {whole * per:6.1f} ms ({whole / spacy_only:.2f}x spaCy alone)")
    print(f"  whole analysis, analyze each:    {one_by_one * per:6.1f} ms ({one_by_one / spacy_only:.2f}x)")
    print(f"  ({load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    corpus = commands.add_parser("corpus")
    corpus.add_argument("output", type=Path)
    corpus.add_argument("--articles", type=int, default=50_000)
    run = commands.add_parser("ingest")
    run.add_argument("corpus", type=Path)
    run.add_argument("--database", type=Path, required=True)
    run.add_argument("--workers", type=int, default=2)
    run.add_argument("--scheduler")
    out = commands.add_parser("export")
    out.add_argument("--database", type=Path, required=True)
    out.add_argument("--output", type=Path, required=True)
    more = commands.add_parser("grow")
    more.add_argument("--database", type=Path, required=True)
    more.add_argument("--to", type=int, default=50_000)
    scale = commands.add_parser("workers")
    scale.add_argument("corpus", type=Path)
    scale.add_argument("--articles", type=int, default=600)
    scale.add_argument("--counts", type=int, nargs="+", default=[1, 2])
    scale.add_argument("--repeat", type=int, default=1)
    cost = commands.add_parser("analysis")
    cost.add_argument("corpus", type=Path)
    cost.add_argument("--articles", type=int, default=400)
    cost.add_argument("--batch", type=int, default=32)
    cost.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if args.command == "corpus":
        write_corpus(args.output, args.articles)
        print(f"{args.articles:,} articles -> {args.output} ({args.output.stat().st_size / 2**20:,.0f} MiB)")
    else:
        {"ingest": ingest, "export": export, "grow": grow, "workers": workers, "analysis": analysis}[args.command](args)


if __name__ == "__main__":
    main()
