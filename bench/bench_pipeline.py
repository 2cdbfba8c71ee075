"""Time the analysis of one article, warm: spaCy alone against the whole pipeline.

    .venv/bin/python bench/bench_pipeline.py [FILE] [--repeat N]

Prints median and p90 wall time per analysis and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from geo.analysis.pipeline import Pipeline
from geo.sources.ingest import read_text

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seed" / "000_cb1eed41c2725daf.txt"


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def report(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    print(f"{label:<28} median {statistics.median(times) * 1000:7.1f} ms   p90 {p90 * 1000:7.1f} ms   n={len(times)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path, nargs="?", default=SEED)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    text = args.file.read_text(encoding="utf-8")

    started = time.perf_counter()
    pipeline = Pipeline.load()
    print(f"{'load (model + gazetteer)':<28} {time.perf_counter() - started:.2f} s")
    document = read_text(text)
    pipeline.analyze(document)  # warm caches
    report("spaCy alone", timed(lambda: pipeline.nlp(text), args.repeat))
    report("whole analysis", timed(lambda: pipeline.analyze(document), args.repeat))
    print(f"{'peak RSS':<28} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
