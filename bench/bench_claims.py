"""Time the claims pass, and the whole analysis, against the spaCy pass they read.

    .venv/bin/python bench/bench_claims.py [--articles 50] [--repeat 5] [--corpus lgl.jsonl polnear_dev.jsonl] [--cpu]

The claims pass is the rules and the learned tagger that revises them (when the package has
its model). Targets: the claims pass adds at most 20 % to spaCy; the whole analysis (passages,
recognition, resolution, actors, claims: ``Pipeline.analyze``) costs at most 1.5 times
spaCy alone. Every pass is timed warm (one untimed run first) and repeated; the best
of the repeats is kept for each article. ``--cpu`` times the process' CPU time rather than the
wall clock (the passes are single-threaded; on a loaded machine the wall clock counts the waits);
the load average is printed beside the figures. The seed article comes from ../shared/seed
and the corpus articles from ../shared/eval/, read at run time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.analysis import passages as passages_stage  # noqa: E402
from geo.analysis.actors import find_actors  # noqa: E402
from geo.analysis.attribution import revise  # noqa: E402
from geo.analysis.claims import extract_claims  # noqa: E402
from geo.analysis.pipeline import Pipeline  # noqa: E402
from geo.analysis.recognise import recognise  # noqa: E402
from geo.analysis.resolve import resolve  # noqa: E402
from geo.sources.ingest import RawDocument  # noqa: E402

SHARED = ROOT.parent / "shared"
CLOCK = time.perf_counter


def best_of(repeat: int, run: Callable[[], object]) -> float:
    run()
    times = []
    for _ in range(repeat):
        start = CLOCK()
        run()
        times.append(CLOCK() - start)
    return min(times)


def measure(pipeline: Pipeline, text: str, repeat: int) -> tuple[float, float, int, float, float]:
    passages = passages_stage.split(text)
    doc = pipeline.nlp(text)
    recognition = recognise(doc, passages, pipeline.gazetteer)
    resolutions = resolve(recognition.places, text, pipeline.gazetteer.lookup)
    source = passages_stage.source_of(text, passages)
    actors = find_actors(text, passages, recognition.entities, resolutions, source=source)
    spacy_time = best_of(repeat, lambda: pipeline.nlp(text))

    def claims_pass() -> tuple[object, ...]:
        rules = extract_claims(doc, text, passages, actors, resolutions, source)
        return revise(rules, doc, text, actors, resolutions, pipeline.tagger)

    claims_time = best_of(repeat, claims_pass)
    claims = claims_pass()
    whole_time = best_of(repeat, lambda: pipeline.analyze(RawDocument(text)))
    rules = replace(pipeline, tagger=None)  # the same analysis without the learned tagger, timed alike
    rules_time = best_of(repeat, lambda: rules.analyze(RawDocument(text)))
    return spacy_time, claims_time, len(claims), whole_time, rules_time


def report(name: str, rows: list[tuple[float, float, int, float, float]]) -> None:
    spacy_total = sum(r[0] for r in rows)
    claims_total = sum(r[1] for r in rows)
    whole_total = sum(r[3] for r in rows)
    rules_total = sum(r[4] for r in rows)
    print(
        f"{name}: {len(rows)} article(s), {sum(r[2] for r in rows)} claims; "
        f"spaCy {spacy_total * 1000:.1f} ms, claims {claims_total * 1000:.1f} ms "
        f"(+{100 * claims_total / spacy_total:.1f} % of the spaCy pass); "
        f"whole analysis {whole_total * 1000:.1f} ms ({whole_total / spacy_total:.2f} x spaCy; "
        f"without the learned tagger {rules_total / spacy_total:.2f} x)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", nargs="+", default=["lgl.jsonl", "polnear_dev.jsonl"], help="in ../shared/eval")
    parser.add_argument("--cpu", action="store_true", help="time CPU (process) time, not the wall clock")
    args = parser.parse_args()
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    print(f"clock: {'CPU time' if args.cpu else 'wall'}; load average {os.getloadavg()}")
    pipeline = Pipeline.load()
    seed = (SHARED / "seed" / "000_cb1eed41c2725daf.txt").read_text(encoding="utf-8")
    report("seed", [measure(pipeline, seed, args.repeat * 4)])
    for corpus in args.corpus:
        rows = []
        with (SHARED / "eval" / corpus).open(encoding="utf-8") as handle:
            for line in handle:
                if len(rows) >= args.articles:
                    break
                rows.append(measure(pipeline, json.loads(line)["text"], args.repeat))
        report(corpus, rows)
    print(f"load average at the end {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
