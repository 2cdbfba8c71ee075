"""The project's own cost beyond spaCy, measured so that a shared, loaded machine does not move it.

    .venv/bin/python bench/bench_cost.py [--corpus lgl geovirus polnear_dev synthetic] [--articles 48]
                                          [--rounds 15] [--batch 32]
    .venv/bin/python bench/bench_cost.py --instructions [--corpus ...] [--articles 24]

What is compared, on the same articles in one process:

- **spaCy alone**: what ``Pipeline.analyze_many`` itself does with the model, nothing else: the same
  model object (``Pipeline.load()``: ``en_core_web_sm`` with the project's bounded tokenizer and its
  ``line_breaks_end_sentences`` component, a few array writes, counted as spaCy), each text cut into
  the same chunks and made into Docs (``tokenise``), one ``nlp.pipe(chunks, batch_size=PIPE_BATCH)``
  call a batch of ``--batch`` articles (``GEO_BATCH_SIZE``, what a worker receives), the chunks joined.
- **ours**, timed alone on the Docs parsed once beforehand (the analysis only reads a Doc), each
  reported as ``1 + ours / spaCy``: *places* (passages, recognition, resolution; issue 10: "adds at
  most 25 % to the spaCy model's time"); *all, rules* (``Pipeline._finish_many``, a batch at a time,
  with the claims rules alone: places, actors, claims); *all + tagger* (as shipped, with the learned
  attribution tagger, tagging the batch's articles at once,
  a CRFsuite model over spaCy's tokens in ``geo.analysis.attribution``: the project's own work, not
  spaCy's, so counted as ours, as issue 11's target does). Issue 14: at most 1.15 x spaCy alone;
  issue 11: at most 1.5 x.
- **analyze_many**: the whole analysis end to end, spaCy included (a check that the sum holds).

Two clocks:

- default: CPU time of this thread (``time.thread_time``), the four measurements taken in
  interleaved rounds (their order rotated every round), so a change in the machine's load falls on
  all of them alike. Each round gives a ratio to the spaCy alone of *that* round; the report is the
  median ratio over the rounds with its interquartile range and its min-max. spaCy's own time an
  article moved by 25 % between runs on this machine (the other agents' caches and memory bandwidth
  change what a CPU second buys); a ratio taken within one round moves much less, and timing our
  work alone (rather than the whole minus spaCy) divides its noise by the size of our share.
  The same articles every round keep the answer caches warm, as in a long ingest; ``--cold``
  empties them before each of our passes (what a first article costs).
- ``--instructions``: the script runs itself under ``valgrind --tool=callgrind --instr-atstart=no``,
  turns the instrumentation on after the model is loaded and warm, and counts the instructions of
  each measurement once (a tiny client-request shim compiled with the system's ``cc`` against
  ``valgrind/callgrind.h`` zeroes the counts before a region and dumps them after it). The counts
  repeat exactly whatever the load; about 60 times slower than native. An instruction is not a
  cycle: spaCy's matrix products run many instructions a cycle (SIMD), Python's interpreter few, and
  BLAS may pick another kernel under valgrind's CPU, so the instruction ratio is a repeatable proxy
  for finding where our own cost goes, not the time ratio itself.

Corpora: the first ``--articles`` articles of ``../shared/eval/{lgl,geovirus,polnear_dev}.jsonl``
(read at run time, never copied) and ``synthetic`` (``bench_scale.py``'s article generator, made in
memory with its seed). The load average is printed at the start and the end.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SHARED = ROOT.parent / "shared" / "eval"
SHIM = r"""
#include <valgrind/callgrind.h>
void region_start(void) { CALLGRIND_ZERO_STATS; }
void region_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
void instrument(int on) { if (on) { CALLGRIND_START_INSTRUMENTATION; } else { CALLGRIND_STOP_INSTRUMENTATION; } }
"""


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} (1/5 min) on {os.cpu_count()} cores"


def documents(corpus: str, articles: int) -> list:
    from geo.sources.ingest import read_record

    if corpus == "synthetic":
        from bench_scale import article

        rng = random.Random(7)  # bench_scale's corpus seed: the same first articles as its corpus file
        return [read_record(article(n, rng)) for n in range(articles)]
    with (SHARED / f"{corpus}.jsonl").open(encoding="utf-8") as source:
        return [read_record(json.loads(line)) for _, line in zip(range(articles), source, strict=False)]


def stages(pipeline, docs: list, batch: int) -> dict[str, Callable[[], object]]:
    """The measurements over ``docs``, a batch of ``batch`` articles at a time.

    ``spacy``: the model alone, as ``analyze_many`` runs it. ``places``, ``rules``, ``whole``: the
    project's own work alone, on the Docs parsed once beforehand (analysis only reads a Doc):
    passages, recognition and resolution; the whole analysis with the claims rules alone; the whole
    analysis with the tagger. ``end-to-end``: ``analyze_many`` itself, spaCy included.
    """
    from geo.analysis import passages as passages_stage
    from geo.analysis.pipeline import PIPE_BATCH, joined, tokenise
    from geo.analysis.recognise import recognise
    from geo.analysis.resolve import resolve

    batches = [docs[i : i + batch] for i in range(0, len(docs), batch)]
    rules = replace(pipeline, tagger=None)
    nlp, gazetteer = pipeline.nlp, pipeline.gazetteer

    def parse(group: list) -> list:  # analyze_many's own use of the model, nothing else
        pieces = [tokenise(nlp, d.text, pipeline.max_tokens) for d in group]
        parsed = list(nlp.pipe([c for p in pieces for c in p], batch_size=PIPE_BATCH))
        out, position = [], 0
        for p in pieces:
            out.append(joined(parsed[position : position + len(p)]))
            position += len(p)
        return out

    parsed = [list(zip(group, parse(group), strict=True)) for group in batches]  # (document, doc), a batch a list

    def spacy() -> None:
        for group in batches:
            parse(group)

    def places() -> None:
        for group in parsed:
            for document, doc in group:
                recognition = recognise(doc, passages_stage.split(document.text), gazetteer)
                resolve(recognition.places, document.text, gazetteer.lookup)

    def ours(p) -> Callable[[], None]:
        def go() -> None:  # as ``analyze_many`` finishes a batch: the tagger over the batch at once
            for group in parsed:
                p._finish_many([(document, passages_stage.split(document.text), doc, {}) for document, doc in group])

        return go

    def end_to_end() -> None:
        for group in batches:
            pipeline.analyze_many(group)

    return {"spacy": spacy, "places": places, "rules": ours(rules), "whole": ours(pipeline), "end-to-end": end_to_end}


def forget(pipeline) -> None:
    """Empty the answer caches of the gazetteer and the analysis (``--cold``)."""
    import functools

    from geo.analysis import propositions, recognise, resolve

    for module in (recognise, resolve, propositions):
        for value in vars(module).values():
            if isinstance(value, functools._lru_cache_wrapper) and (value.cache_parameters()["maxsize"] or 0) > 64:
                value.cache_clear()
    for name in ("_lookup", "_has", "_starts", "_importance"):
        getattr(pipeline.gazetteer, name).cache_clear()


def quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def timed(args: argparse.Namespace, pipeline, corpora: dict[str, list]) -> None:
    measures = {name: stages(pipeline, docs, args.batch) for name, docs in corpora.items()}
    for work in measures.values():
        for run in work.values():
            run()  # warm: caches, the tagger's first load, spaCy's first batch
    names = tuple(next(iter(measures.values())))
    seconds: dict[str, dict[str, list[float]]] = {name: {s: [] for s in names} for name in corpora}
    for round_ in range(args.rounds):
        for name, work in measures.items():
            order = names[round_ % len(names) :] + names[: round_ % len(names)]
            for stage in order:
                if args.cold and stage != "spacy":
                    forget(pipeline)
                started = time.thread_time()
                work[stage]()
                seconds[name][stage].append(time.thread_time() - started)
    for name, times in seconds.items():
        count = len(corpora[name])
        spacy = times["spacy"]
        low, mid, high = quartiles([1000 * s / count for s in spacy])
        every = f"{1000 * min(spacy) / count:.1f}-{1000 * max(spacy) / count:.1f}"
        print(f"{name}: {count} articles, {args.rounds} interleaved rounds, batches of {args.batch}")
        print(f"  spaCy alone          {mid:6.1f} ms CPU an article (IQR {low:.1f}-{high:.1f}, all {every})")
        for stage, label in LABELS:
            ratios = [(stage != "end-to-end") + t / s for t, s in zip(times[stage], spacy, strict=True)]
            q1, q2, q3 = quartiles(ratios)
            whose = "all" if stage == "end-to-end" else "ours"
            print(
                f"  {label:<20} {q2:.3f} x spaCy (IQR {q1:.3f}-{q3:.3f}, all {min(ratios):.3f}-{max(ratios):.3f}); "
                f"{whose} {1000 * statistics.median(times[stage]) / count:.1f} ms an article"
            )


LABELS = (
    ("places", "spaCy + places"),
    ("rules", "spaCy + all, rules"),
    ("whole", "spaCy + all + tagger"),
    ("end-to-end", "analyze_many"),
)


def counted(args: argparse.Namespace, pipeline, corpora: dict[str, list]) -> None:
    shim = ctypes.CDLL(os.environ["BENCH_COST_SHIM"])
    shim.region_dump.argtypes = [ctypes.c_char_p]
    out = Path(os.environ["BENCH_COST_OUT"])
    measures = {name: stages(pipeline, docs, args.batch) for name, docs in corpora.items()}
    for work in measures.values():
        for run in work.values():
            run()
    shim.instrument(1)
    for work in measures.values():
        work["spacy"]()  # once instrumented, so the translation of the code is not counted below
    counts: dict[str, dict[str, int]] = {name: {} for name in corpora}
    for name, work in measures.items():
        for stage in work:
            shim.region_start()
            work[stage]()
            shim.region_dump(f"{name}:{stage}".encode())
            counts[name][stage] = _last_total(out)
    shim.instrument(0)
    for name, row in counts.items():
        count = len(corpora[name])
        spacy = row["spacy"]
        print(f"{name}: {count} articles, instructions (callgrind), batches of {args.batch}")
        print(f"  spaCy alone        {spacy / count / 1e6:8.1f} M instructions an article")
        for stage, label in LABELS:
            ratio = (stage != "end-to-end") + row[stage] / spacy
            print(f"  {label:<20} {ratio:.3f} x spaCy (ours {row[stage] / count / 1e6:.1f} M an article)")


def _last_total(folder: Path) -> int:
    newest = max(folder.glob("callgrind.out*"), key=lambda p: p.stat().st_mtime_ns)
    for line in newest.read_text(errors="replace").splitlines():
        if line.startswith(("totals:", "summary:")):
            total = int(line.split()[1])
            newest.unlink()
            return total
    raise RuntimeError(f"no totals in {newest}")


def under_valgrind(argv: list[str]) -> int:
    """Compile the client-request shim and run this script again under callgrind."""
    with tempfile.TemporaryDirectory(prefix="bench-cost-") as folder:
        shim = Path(folder) / "shim.so"
        source = Path(folder) / "shim.c"
        source.write_text(SHIM)
        subprocess.run(["cc", "-O1", "-shared", "-fPIC", "-o", str(shim), str(source)], check=True)
        env = dict(os.environ, BENCH_COST_SHIM=str(shim), BENCH_COST_OUT=folder)
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no", "--dump-line=no",
            f"--callgrind-out-file={folder}/callgrind.out", "--log-file=" + f"{folder}/valgrind.log",
            sys.executable, __file__, "--counted", *argv,
        ]  # fmt: skip
        return subprocess.run(command, env=env).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", default=["lgl", "geovirus", "polnear_dev", "synthetic"])
    parser.add_argument("--articles", type=int, default=48)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--cold", action="store_true", help="empty the answer caches before each of our passes")
    parser.add_argument("--instructions", action="store_true", help="count instructions under callgrind")
    parser.add_argument("--counted", action="store_true", help=argparse.SUPPRESS)  # inside valgrind
    args = parser.parse_args()
    if args.instructions:
        return under_valgrind([a for a in sys.argv[1:] if a != "--instructions"])
    from geo.analysis.pipeline import Pipeline

    print(f"start: {load_average()}", flush=True)
    pipeline = Pipeline.load()
    corpora = {name: documents(name, args.articles) for name in args.corpus}
    (counted if args.counted else timed)(args, pipeline, corpora)
    print(f"end: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
