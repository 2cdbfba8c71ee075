"""Generated inputs through the Python API and the CLI: count tracebacks and slow runs.

    nice -n 10 .venv/bin/python bench/bench_fuzz.py [--count 10000] [--seed 13] [--cli-batch 250] [--shard K/N]

Every input (article text, Markdown, HTML, JSONL corpus lines, feed XML, URL
parameters; most small, some at the size limit: runs of marks, unclosed
Markdown, deep JSON, huge integers, lone surrogates, broken markup) goes
through the Python API one at a time, timed: ``read_bytes`` / ``read_record``
/ ``parse_feed`` / ``view.from_query`` and, for what reads as an article, the
whole analysis and a save to a scratch store. Then the same files go through
``python -m geo ingest`` in folders of ``--cli-batch`` files, one process per
folder. Prints, as JSON: inputs, API exceptions other than GeoError (with
examples), API inputs over 30 s, the slowest input, CLI runs, CLI runs whose
stderr holds a traceback, and the slowest CLI run per file.

Each input's time is measured twice: wall clock and CPU time (this process's for
the API, the child's for a CLI run), so a run on a loaded machine still tells
work from waiting. ``--shard K/N`` takes every N-th input from the K-th (the
same generated inputs), so N processes share a long run; ``--report FILE``
rewrites the figures so far every 500 API inputs and after every CLI run;
``--no-api`` runs only the CLI pass and ``--first N`` starts at input N (the same
inputs are generated either way), so a run can go on where an earlier one stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from geo import settings
from geo.analysis.pipeline import Pipeline
from geo.errors import GeoError
from geo.sources.fetch import parse_feed
from geo.sources.ingest import read_bytes, read_record
from geo.store import Store
from geo.view import url as view

ROOT = Path(__file__).resolve().parent.parent
SLOW_S = 30.0
WORDS = (
    "Tripoli Misrata Paris Geneva Sirte Benghazi Tobruk the army said denied officials in near of from to "
    "Mr. Gen. U.S. Reuters reported that troops had crossed border on Monday and would not"
).split()
MARKS = ".!?,;:-–—\"'“”()[]{}<>*_`#~|\\/@&%$^=+…»›"
ODD = ["\x00", "\x07", "\ud800", "\udfff", "\u2028", "\ufeff", "\x85", "\u0301", "𝔘", "🗺️", "\r", "\t", "\x0b"]


def prose(rng: random.Random, words: int) -> str:
    out = []
    for _ in range(words):
        word = rng.choice(WORDS)
        if rng.random() < 0.1:
            word += rng.choice(".,;!?")
        if rng.random() < 0.03:
            word += rng.choice(ODD)
        out.append(word)
        if rng.random() < 0.05:
            out.append("\n\n" if rng.random() < 0.7 else "\n")
    return " ".join(out)


def article_text(rng: random.Random, limit: int) -> str:
    kind = rng.random()
    if kind < 0.55:
        return prose(rng, rng.randint(1, 400))
    if kind < 0.65:  # a run of one mark, up to the size limit
        return rng.choice(["Paris ", "", "Tripoli said "]) + rng.choice(MARKS + " \n") * rng.randint(1, limit - 20)
    if kind < 0.75:  # random characters
        return "".join(rng.choice(WORDS[0] + MARKS + " \n" + "".join(ODD)) for _ in range(rng.randint(0, 5000)))
    if kind < 0.8:  # prose near the size limit
        return prose(rng, limit // 7)[: limit - 10]
    if kind < 0.9:  # a repeated short pattern
        unit = "".join(rng.choice(MARKS + "ab \n") for _ in range(rng.randint(1, 4)))
        return unit * rng.randint(1, (limit - 10) // len(unit))
    return "\n".join(rng.choice(["Mr.", "A.", "U.S.", "word", "Home » News", "Tags: A, B"]) for _ in range(2000))


def markdown(rng: random.Random, limit: int) -> str:
    pieces = ["**", "*", "_", "[", "](", ")", "![", "`", "<http://", "# ", "> ", "- ", "\n", prose(rng, 5)]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, min(limit // 3, 40_000))))


def html(rng: random.Random) -> str:
    tags = ["p", "div", "math", "meta", "r", "svg", "script", "table", "td", "title", "html", "body", "a", "br"]
    out = []
    for _ in range(rng.randint(1, 300)):
        r = rng.random()
        tag = rng.choice(tags)
        if r < 0.4:
            out.append(f"<{tag}{rng.choice(['', ' href=http://[x/', ' a=1', ' =>'])}>")
        elif r < 0.6:
            out.append(f"</{tag}>")
        else:
            out.append(prose(rng, rng.randint(1, 30)).replace("\n", " "))
    if rng.random() < 0.1:
        out.insert(rng.randint(0, len(out)), "<math><meta><r>")
    return "".join(out)


def jsonl_line(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.6:
        record = {"text": prose(rng, rng.randint(1, 200)), "title": prose(rng, 5)}
        if rng.random() < 0.2:
            record["title"] += "\ud800"
        return json.dumps(record, ensure_ascii=rng.random() < 0.5)
    if r < 0.7:
        depth = rng.randint(500, 5000)
        return "[" * depth + "]" * depth
    if r < 0.8:
        return '{"text": "Tripoli", "n": ' + "9" * rng.randint(4000, 9000) + "}"
    if r < 0.9:
        return json.dumps(rng.choice([1, "x", None, [1, 2], {"text": 5}, {"title": "t"}]))
    return "".join(rng.choice(MARKS + "ab") for _ in range(rng.randint(0, 200)))


def feed(rng: random.Random) -> bytes:
    items = "".join(
        f"<item><title>{prose(rng, 3)}</title><link>{rng.choice(['http://[x/', 'https://e.org/a', '/r', ''])}</link>"
        f"<pubDate>{rng.choice(['Mon, 01 Jan 2024 10:00:00 GMT', 'Fri, 99 Zzz 99999', ''])}</pubDate></item>"
        for _ in range(rng.randint(0, 20))
    )
    xml = f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'
    if rng.random() < 0.3:
        xml = xml[: rng.randint(0, len(xml))]
    return xml.encode("utf-8", errors="surrogatepass")


def url_params(rng: random.Random) -> dict[str, list[str]]:
    names = ["article", "actor", "place", "speaker", "stance", "center", "zoom"]
    junk = ["", "0123456789abcdef", "gn:81302", "[x](http://e)", ":red[x]", "$x$", "1e999", "nan,nan", "<script>"]
    return {rng.choice(names): [rng.choice(junk) * rng.randint(1, 50) for _ in range(rng.randint(1, 60))]}


def generate(rng: random.Random, limit: int) -> tuple[str, bytes | dict]:
    """(kind, content): a file's bytes named by its suffix, or URL parameters."""
    r = rng.random()
    if r < 0.55:
        return "txt", article_text(rng, limit).encode("utf-8", errors="surrogatepass")
    if r < 0.65:
        return "md", markdown(rng, limit).encode("utf-8", errors="surrogatepass")
    if r < 0.75:
        return "html", html(rng).encode("utf-8", errors="surrogatepass")
    if r < 0.88:
        lines = [jsonl_line(rng) for _ in range(rng.randint(1, 5))]
        return "jsonl", "\n".join(lines).encode("utf-8", errors="surrogatepass")
    if r < 0.95:
        return "xml", feed(rng)
    return "params", url_params(rng)


def run_api(inputs, pipeline: Pipeline, store: Store, config, checkpoint=lambda report: None) -> dict:
    crashes, slow, slowest, slowest_cpu = [], [], (0.0, ""), (0.0, "")
    for count, (number, kind, content) in enumerate(inputs):
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            documents = []
            if kind == "params":
                view.from_query(lambda name, c=content: c.get(name, []))
            elif kind == "xml":
                with contextlib.suppress(GeoError):
                    parse_feed(content, "https://example.org/feed.xml")
            elif kind == "jsonl":
                for line in content.decode("utf-8", errors="replace").split("\n"):
                    # ValueError, RecursionError: what ingest.expand reports as the line's failure
                    with contextlib.suppress(GeoError, ValueError, RecursionError):
                        documents.append(read_record(json.loads(line), limits=config))
            else:
                with contextlib.suppress(GeoError):
                    documents.append(read_bytes(content, f"input.{kind}", limits=config))
            for document in documents:
                with contextlib.suppress(GeoError):
                    store.save(pipeline.analyze(document))
        except Exception as error:
            crashes.append({"input": number, "kind": kind, "error": traceback.format_exception_only(error)[-1].strip()})
        took, took_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        if took > SLOW_S:
            slow.append({"input": number, "kind": kind, "seconds": round(took, 1), "cpu_seconds": round(took_cpu, 1)})
        slowest = max(slowest, (took, f"{number} ({kind})"))
        slowest_cpu = max(slowest_cpu, (took_cpu, f"{number} ({kind})"))
        report = {
            "inputs": count + 1,
            "exceptions_other_than_GeoError": len(crashes),
            "examples": crashes[:10],
            "over_30_s": slow,
            "over_30_cpu_s": [entry for entry in slow if entry["cpu_seconds"] > SLOW_S],
            "slowest_s": round(slowest[0], 2),
            "slowest_input": slowest[1],
            "slowest_cpu_s": round(slowest_cpu[0], 2),
            "slowest_cpu_input": slowest_cpu[1],
        }
        if count % 500 == 0:
            print(f"api {count}/{len(inputs)} crashes={len(crashes)} slow={len(slow)}", file=sys.stderr, flush=True)
            checkpoint(report)
    return report


def run_cli(inputs, folder: Path, batch: int, database: Path, checkpoint=lambda report: None) -> dict:
    files = [(k, c) for _, k, c in inputs if k != "params"]
    runs, tracebacks, worst, worst_cpu, codes, done_files = 0, [], 0.0, 0.0, set(), 0
    env = {**os.environ, "GEO_DATABASE": str(database), "PYTHONPATH": str(ROOT)}

    def report() -> dict:
        return {
            "files": done_files,
            "of_files": len(files),
            "runs": runs,
            "runs_with_traceback": len(tracebacks),
            "examples": tracebacks[:3],
            "exit_codes": sorted(codes),
            "slowest_run_seconds_per_file": round(worst, 2),
            "slowest_run_cpu_seconds_per_file": round(worst_cpu, 2),
        }

    for start in range(0, len(files), batch):
        target = folder / f"batch{start // batch:04d}"
        target.mkdir()
        for offset, (kind, content) in enumerate(files[start : start + batch]):
            (target / f"{start + offset:05d}.{kind}").write_bytes(content)
        started, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            [sys.executable, "-m", "geo", "ingest", "--workers", "1", "--no-progress", str(target)],
            capture_output=True,
            text=True,
            env=env,
            timeout=3600,
        )
        took = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        took_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        runs += 1
        codes.add(done.returncode)
        files_in_run = max(1, len(list(target.iterdir())))
        worst = max(worst, took / files_in_run)
        worst_cpu = max(worst_cpu, took_cpu / files_in_run)
        if "Traceback" in done.stderr:
            tracebacks.append({"batch": str(target), "stderr": done.stderr[-2000:]})
        done_files += files_in_run
        print(f"cli run {runs}: {took:.1f} s, exit {done.returncode}", file=sys.stderr, flush=True)
        checkpoint(report())
    return report()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--cli-batch", type=int, default=250)
    parser.add_argument("--no-cli", action="store_true")
    parser.add_argument("--no-api", action="store_true", help="only the CLI pass (for a run split over two sittings)")
    parser.add_argument("--shard", default="0/1", help="K/N: every N-th generated input, from the K-th")
    parser.add_argument("--first", type=int, default=0, help="skip the generated inputs numbered below this")
    parser.add_argument("--report", type=Path, help="rewrite the figures so far to this file as the run goes")
    args = parser.parse_args()
    shard, shards = (int(part) for part in args.shard.split("/"))
    config = settings.load()
    rng = random.Random(args.seed)
    generated = [generate(rng, config.max_article_chars) for _ in range(args.count)]
    inputs = [
        (number, kind, content)
        for number, (kind, content) in enumerate(generated)
        if number % shards == shard and number >= args.first
    ]

    report: dict = {"shard": args.shard}

    def checkpoint(part: str):
        def write(figures: dict) -> None:
            if args.report:
                args.report.write_text(json.dumps({**report, part: figures}, indent=1, ensure_ascii=False))

        return write

    with tempfile.TemporaryDirectory(prefix="bench-fuzz-") as scratch:
        folder = Path(scratch)
        if not args.no_api:
            pipeline = Pipeline.load(config)
            started = time.perf_counter()
            with Store(folder / "api.sqlite") as store:
                report["api"] = run_api(inputs, pipeline, store, config, checkpoint("api"))
            report["api"]["wall_s"] = round(time.perf_counter() - started, 1)
        if not args.no_cli:
            started = time.perf_counter()
            report["cli"] = run_cli(inputs, folder, args.cli_batch, folder / "cli.sqlite", checkpoint("cli"))
            report["cli"]["wall_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=1, ensure_ascii=False))
    if args.report:
        args.report.write_text(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
