"""Would a learned ranker beat the hand-tuned scoring function? (issue 10, item 6)

    .venv/bin/pip install scikit-learn==1.9.1     # the optional extra `ranker-experiment`
    .venv/bin/python bench/bench_ranker.py [--corpus ../shared/eval/lgl.jsonl --corpus ../shared/eval/geovirus.jsonl]

Gradient boosting (scikit-learn's GradientBoostingClassifier, fixed seed) over the resolver's own
scoring parts (``geo.analysis.resolve.ranked``: prominence, name fit, country and division focus,
containment, facility cue, coherence, home region), the hand score and its gap to the best, the
candidate's rank, kind and name kind, and how much evidence the article has. One row per reading
among a gold toponym's ten best; the label is "within 161 km of the gold point". The ranker picks
the reading it rates likeliest; whether the pick is put on the map is the resolver's own
plausibility test, as for the hand scorer.

Always trained and scored on different articles (never a toponym of a training article):
- the tuning slice (the first 70 % of each corpus, as ``docs/gazetteer.md``) -> the rest;
- five folds by article over both corpora;
- one corpus -> the other (local US news -> world health news and back).

Prints the hand scorer's and the ranker's Acc@161 (unresolved counts as wrong) on the same held-out
toponyms. spaCy parses each corpus once (the article's other places are the resolver's evidence,
as ``geo eval --gold-spans`` does).
"""

from __future__ import annotations

import argparse
import math
import random
from pathlib import Path
from typing import Any

from geo import settings
from geo.analysis import passages as passages_stage
from geo.analysis.pipeline import load_model
from geo.analysis.recognise import recognise
from geo.analysis.resolve import _plausible, prominence, ranked
from geo.eval.geoparse import ACC_KM, gold_mentions, load_corpus
from geo.gazetteer import Gazetteer, distance_km

ROOT = Path(__file__).resolve().parent.parent
PARTS = (
    "prominence",
    "name_fit",
    "country_focus",
    "division_focus",
    "containment",
    "facility_cue",
    "coherence",
    "home_region",
)
KINDS = ("country", "admin1", "admin2", "city")
NAME_KINDS = ("name", "abbreviation", "alternate", "short")
TOP = 10  # readings of a name the ranker may choose among
TUNING_SHARE = 0.7


def toponyms(corpus: Path, gazetteer: Gazetteer, nlp: Any) -> list[dict[str, Any]]:
    """One row per gold toponym with coordinates: its readings with the resolver's parts."""
    articles = load_corpus(corpus)
    tuning = round(len(articles) * TUNING_SHARE)
    rows = []
    docs = nlp.pipe((a["text"] for a in articles), batch_size=16)
    for number, (article, doc) in enumerate(zip(articles, docs, strict=True)):
        text = article["text"]
        recognition = recognise(doc, passages_stage.split(text), gazetteer)
        mentions = gold_mentions(article, gazetteer, doc)
        taken = [(m.start, m.end) for m in mentions]
        others = [c for c in recognition.places if all(c.end <= s or e <= c.start for s, e in taken)]
        ranking = ranked(mentions, text, gazetteer.lookup, evidence=others)
        names = len({w.surface for w in ranking[0][3].winners}) if ranking else 0
        by_span = {(m.start, m.end): (m, scored, focus) for m, scored, focus, _ in ranking}
        for t in article["toponyms"]:
            if t.get("lat") is None or t.get("lon") is None:
                continue
            found = by_span.get((t["start"], t["end"]))
            row: dict[str, Any] = {
                "corpus": corpus.stem,
                "article": f"{corpus.stem}:{number}",
                "tuning": number < tuning,
                "readings": [],
            }
            if found is not None:
                mention, scored, focus = found
                row["plausible"] = _plausible(mention, scored[0], text, focus)
                best, most = scored[0].score, max(prominence(s.candidate.place) for s in scored)
                for rank, s in enumerate(scored[:TOP]):
                    place = s.candidate.place
                    features = [s.parts[p] for p in PARTS] + [
                        s.score,
                        s.score - best,
                        float(rank),
                        prominence(place) - most,
                        math.log10(place.population + 1),
                        math.log(len(scored)),
                        float(s.anchored),
                        math.log1p(names),
                    ]
                    features += [float(place.kind == k) for k in KINDS]
                    features += [float(s.candidate.name_kind == k) for k in NAME_KINDS]
                    right = distance_km(t["lat"], t["lon"], place.lat, place.lon) < ACC_KM
                    row["readings"].append((features, right))
            rows.append(row)
    return rows


def accuracy(rows: list[dict[str, Any]], picks: dict[int, int] | None = None) -> float:
    """Acc@161 over ``rows`` (unresolved = wrong), taking the hand winner or ``picks[id(row)]``."""
    right = 0
    for row in rows:
        if row["readings"] and row["plausible"]:
            right += row["readings"][(picks or {}).get(id(row), 0)][1]
    return right / len(rows) if rows else float("nan")


def fit_and_pick(train: list[dict[str, Any]], test: list[dict[str, Any]], seed: int = 0) -> dict[int, int]:
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier

    x = np.array([f for row in train for f, _ in row["readings"]])
    y = np.array([r for row in train for _, r in row["readings"]])
    model = GradientBoostingClassifier(
        n_estimators=150, max_depth=3, learning_rate=0.1, subsample=0.8, random_state=seed
    ).fit(x, y)
    picks = {}
    for row in test:
        if len(row["readings"]) > 1:
            p = model.predict_proba(np.array([f for f, _ in row["readings"]]))[:, 1]
            picks[id(row)] = int(np.argmax(p))
    return picks


def main() -> None:
    parser = argparse.ArgumentParser()
    eval_dir = ROOT.parent / "shared" / "eval"
    parser.add_argument("--corpus", type=Path, action="append")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    corpora = args.corpus or [eval_dir / "lgl.jsonl", eval_dir / "geovirus.jsonl"]
    gazetteer = Gazetteer.open()
    nlp = load_model(settings.load().spacy_model)
    rows = [row for corpus in corpora for row in toponyms(corpus, gazetteer, nlp)]
    names = sorted({r["corpus"] for r in rows})

    def report(title: str, test: list[dict[str, Any]], picks: dict[int, int]) -> None:
        for name in names:
            part = [r for r in test if r["corpus"] == name]
            if part:
                print(
                    f"{title:34s} {name:10s} n {len(part):5d}  hand {accuracy(part):.4f}"
                    f"  learned {accuracy(part, picks):.4f}"
                )

    tuning = [r for r in rows if r["tuning"]]
    held = [r for r in rows if not r["tuning"]]
    report("tuning slice -> held out", held, fit_and_pick(tuning, held))
    articles = sorted({r["article"] for r in rows})
    random.Random(0).shuffle(articles)
    fold = {a: i % args.folds for i, a in enumerate(articles)}
    picks: dict[int, int] = {}
    for k in range(args.folds):
        test = [r for r in rows if fold[r["article"]] == k]
        picks |= fit_and_pick([r for r in rows if fold[r["article"]] != k], test)
    report(f"{args.folds} folds by article", rows, picks)
    for name in names:
        train = [r for r in rows if r["corpus"] == name]
        test = [r for r in rows if r["corpus"] != name]
        if test:
            report(f"trained on {name} only", test, fit_and_pick(train, test))


if __name__ == "__main__":
    main()
