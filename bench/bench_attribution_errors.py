"""Count the attribution errors on a PolNeAR split by kind, with the shared scorer's matching.

    .venv/bin/python bench/bench_attribution_errors.py --corpus ../shared/eval/polnear_train.jsonl
        [--model DIR/attribution_crf.bin] [--limit N] [--examples ORIGIN:PART:KIND]

Each matched pair is counted by where its claim comes from (``rules``: the rules made it, the
tagger may have widened it; ``tagger``: the learned tagger added it) and, for the source and the
cue, by how the predicted span differs from the gold one (exact, none predicted, none in gold,
disjoint: another phrase, usually another attribution's; too short; too long; crossing). Gold
attributions no claim matches are counted by the last word of their cue, and claims that match no
attribution by origin. ``--examples rules:cue:disjoint`` prints those pairs with their context.
Tune on train (or on a fifth of it the tagger was not trained on, ``--model``); dev is for reporting.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.analysis.attribution import Tagger, revise  # noqa: E402
from geo.analysis.pipeline import Pipeline  # noqa: E402
from geo.eval.claims import claim_predictions, load_attribution_corpus, matched_pairs  # noqa: E402
from geo.sources.ingest import RawDocument  # noqa: E402


def kind(predicted: frozenset[int], gold: frozenset[int]) -> str:
    if predicted == gold:
        return "exact"
    if not predicted:
        return "none predicted"
    if not gold:
        return "none in gold"
    if not predicted & gold:
        return "disjoint"
    if predicted < gold:
        return "too short"
    if predicted > gold:
        return "too long"
    return "crossing"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=None, help="a tagger file instead of the packaged one")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--examples", default=None, help="ORIGIN:PART:KIND, e.g. tagger:cue:disjoint")
    parser.add_argument("--top", type=int, default=25, help="missed cue words shown")
    args = parser.parse_args()
    pipeline = Pipeline.load()
    tagger = Tagger(args.model) if args.model is not None else pipeline.tagger
    rules = replace(pipeline, tagger=None)
    counts: Counter[tuple[str, ...]] = Counter()
    missed: Counter[str] = Counter()
    examples: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for article in load_attribution_corpus(args.corpus, args.limit):
        text = article["text"]
        analysis, doc = rules.analyze_doc(RawDocument(text))
        rule_cues = {c.cue_start for c in analysis.claims if not c.narrated}
        claims = revise(analysis.claims, doc, text, analysis.actors, analysis.resolutions, tagger)
        rows = claim_predictions(claims, text)
        pairs, pred, gold, words = matched_pairs(text, rows, article["attributions"])
        origin = ["rules" if row.get("cue_start") in rule_cues else "tagger" for row in rows]
        for i, j in pairs:
            counts[origin[i], "pairs"] += 1
            for part in ("source", "cue"):
                found = kind(pred[i][part], gold[j][part])
                counts[origin[i], part, found] += 1
                if args.examples == f"{origin[i]}:{part}:{found}":
                    both = sorted(pred[i][part] | gold[j][part] | gold[j]["content"])
                    examples[origin[i], part, found].append(
                        f"predicted [{' '.join(words[k] for k in sorted(pred[i][part]))}] "
                        f"gold [{' '.join(words[k] for k in sorted(gold[j][part]))}] :: "
                        + " ".join(words[k] for k in range(both[0], min(both[-1] + 1, both[0] + 40)))
                    )
        matched_claims = {i for i, _ in pairs}
        matched_gold = {j for _, j in pairs}
        for i in range(len(rows)):
            if i not in matched_claims:
                counts[origin[i], "matches no attribution"] += 1
        golds = [a for a in article["attributions"] if a.get("content")]
        for j, attribution in enumerate(golds):
            if j not in matched_gold:
                cue = (attribution.get("cue_text") or "").split()
                missed[cue[-1].lower() if cue else "(no cue)"] += 1
    for key in sorted(counts):
        print(f"{' / '.join(key):40} {counts[key]:6}")
    print(f"gold attributions no claim matches: {sum(missed.values())}; by the last word of their cue:")
    print("  " + ", ".join(f"{word} {n}" for word, n in missed.most_common(args.top)))
    for lines in examples.values():
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
