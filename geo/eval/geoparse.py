"""Evaluate geoparsing against corpora in the shared JSONL format.

Corpus lines: ``{"id", "text", "toponyms": [{"start", "end", "name", "lat", "lon", ...}]}``;
prediction lines: ``{"id", "toponyms": [{"start", "end", "lat", "lon", "geonameid"?}]}``.

Two ways to score (see ../shared/eval/README.md):

- end to end: the pipeline recognises its own spans; geotagging precision,
  recall and F1 count exact span matches; geocoding is scored over the gold
  toponyms with coordinates whose exact span was recognised;
- gold spans (``gold_spans=True``): the corpus' own spans are resolved, and
  geocoding is scored over every gold toponym with coordinates (a span left
  unresolved counts as the largest possible error, 20,039 km).

Geocoding metrics: Acc@161 (share of errors < 161 km), AUC after Gritta et
al. 2018 (trapezoid area under the sorted ln(1 + error) curve, divided by
ln(20039) * (n - 1); 0 is perfect), mean and median error in km. Beside the
system, the same toponyms are scored for a population baseline (the most
important candidate of the name) and the gazetteer's ceiling (share with any
candidate within 161 km).
"""

from __future__ import annotations

import itertools
import json
import math
import statistics
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.analysis.resolve import resolve
from geo.errors import InputError
from geo.eval import read_jsonl
from geo.gazetteer import Gazetteer, distance_km
from geo.types import Candidate, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "MAX_ERROR_KM",
    "GeocodeScores",
    "Report",
    "auc",
    "evaluate",
    "load_corpus",
    "parse_corpus",
    "score",
]

MAX_ERROR_KM = 20039.0  # half the Earth's circumference: the worst possible error
ACC_KM = 161.0
GOLD_LABEL = "GOLD"

Article = dict[str, Any]
Prediction = dict[str, Any]


def auc(errors_km: Sequence[float]) -> float:
    """Gritta et al.'s area under the curve of sorted ln(1 + error); 0 is perfect, 1 worst."""
    if not errors_km:
        return float("nan")
    if len(errors_km) == 1:
        return math.log1p(min(errors_km[0], MAX_ERROR_KM)) / math.log(MAX_ERROR_KM)
    ys = sorted(math.log1p(min(e, MAX_ERROR_KM)) for e in errors_km)
    area = sum((a + b) / 2 for a, b in itertools.pairwise(ys))
    return area / (math.log(MAX_ERROR_KM) * (len(ys) - 1))


@dataclass(frozen=True)
class GeocodeScores:
    n: int
    acc161: float
    auc: float
    mean_km: float
    median_km: float

    @classmethod
    def of(cls, errors_km: Sequence[float]) -> GeocodeScores:
        if not errors_km:
            nan = float("nan")
            return cls(0, nan, nan, nan, nan)
        return cls(
            len(errors_km),
            sum(e < ACC_KM for e in errors_km) / len(errors_km),
            auc(errors_km),
            statistics.fmean(errors_km),
            statistics.median(errors_km),
        )


@dataclass(frozen=True)
class Report:
    """Everything ``python -m geo eval`` prints."""

    mode: str  # "gold spans" or "end to end"
    articles: int
    gold_toponyms: int
    precision: float
    recall: float
    f1: float
    system: GeocodeScores
    population: GeocodeScores
    ceiling: float  # share of scored gold toponyms with any candidate within 161 km
    details: list[dict[str, Any]] = field(default_factory=list, repr=False)

    @property
    def below_baseline(self) -> bool:
        """The resolver places fewer toponyms within 161 km than the population baseline does."""
        return self.system.n > 0 and self.system.acc161 < self.population.acc161

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("details")
        out["below_baseline"] = self.below_baseline
        return out

    def format(self) -> str:
        s, p = self.system, self.population
        lines = [
            f"{self.mode}: {self.articles} articles, {self.gold_toponyms} gold toponyms",
            f"  geotagging  P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}",
            f"  system      n {s.n}  Acc@161 {s.acc161:.3f}  AUC {s.auc:.3f}"
            f"  mean {s.mean_km:.0f} km  median {s.median_km:.1f} km",
            f"  population  n {p.n}  Acc@161 {p.acc161:.3f}  AUC {p.auc:.3f}"
            f"  mean {p.mean_km:.0f} km  median {p.median_km:.1f} km",
            f"  ceiling     any candidate within 161 km: {self.ceiling:.3f}",
            f"  resolver - population: {100 * (s.acc161 - p.acc161):+.1f} points Acc@161",
        ]
        if self.below_baseline:
            lines.append("  FAIL: the resolver scores below the population baseline on these toponyms")
        return "\n".join(lines)


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def load_corpus(path: Path, limit: int | None = None, *, offset: int = 0) -> list[Article]:
    """Articles of a JSONL corpus, checked: every toponym's span must match its name."""

    def check(article: Article) -> None:
        text = article["text"]
        for t in article.get("toponyms", []):
            if text[t["start"] : t["end"]] != t.get("name", text[t["start"] : t["end"]]):
                raise ValueError(f"span {t['start']}-{t['end']} is not {t.get('name')!r}")

    articles = list(read_jsonl(path, check, "a corpus article"))[offset:]
    return articles[:limit] if limit is not None else articles


def load_predictions(path: Path) -> dict[str, list[Prediction]]:
    out: dict[str, list[Prediction]] = {}
    try:
        with Path(path).open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    out[str(row["id"])] = list(row.get("toponyms", []))
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"Cannot read predictions {path}: {exc}.") from exc
    return out


# --------------------------------------------------------------------------
# Predicting
# --------------------------------------------------------------------------


def _prediction(start: int, end: int, lat: float, lon: float, geonameid: str | None, place_id: str) -> Prediction:
    return {"start": start, "end": end, "lat": lat, "lon": lon, "geonameid": geonameid, "place_id": place_id}


def gold_mentions(article: Article, gazetteer: Gazetteer, doc: Doc | None = None) -> list[Mention]:
    """The article's own toponym spans as mentions, in text order (repeated spans once).

    With the parsed ``doc`` each span carries the syntactic slot of its words
    ("Washington said": an actor), as a recognised mention would."""
    text = article["text"]
    mentions = []
    seen = set()
    for t in article.get("toponyms", []):
        key = (t["start"], t["end"])
        if key in seen:
            continue
        seen.add(key)
        surface = text[t["start"] : t["end"]]
        dep = head = ""
        if doc is not None and (span := doc.char_span(t["start"], t["end"], alignment_mode="expand")) is not None:
            dep, head = span.root.dep_, span.root.head.lemma_
        mentions.append(Mention(t["start"], t["end"], surface, GOLD_LABEL, tuple(gazetteer.lookup(surface)), dep, head))
    mentions.sort(key=lambda m: m.start)
    return mentions


def resolve_gold_spans(
    article: Article, gazetteer: Gazetteer, context: Sequence[Mention] = (), doc: Doc | None = None
) -> list[Prediction]:
    """Resolve the article's own toponym spans (resolution alone), reading the article's
    other recognised places (``context``) as evidence, as the pipeline would."""
    mentions = gold_mentions(article, gazetteer, doc)
    taken = [(m.start, m.end) for m in mentions]
    others = [c for c in context if all(c.end <= s or e <= c.start for s, e in taken)]
    return [
        _prediction(r.mention.start, r.mention.end, r.place.lat, r.place.lon, r.place.geonameid, r.place.id)
        for r in resolve(mentions, article["text"], gazetteer.lookup, evidence=others)
    ]


class _EndToEnd:
    """Recognise and resolve with spaCy over batches (``n_process`` workers)."""

    def __init__(self, gazetteer: Gazetteer, model: str | None = None) -> None:
        from geo import settings
        from geo.analysis.pipeline import load_model

        self.gazetteer = gazetteer
        self.nlp = load_model(model or settings.load().spacy_model)

    def predict(
        self, articles: Sequence[Article], n_process: int = 1, batch_size: int = 16, *, gold_spans: bool = False
    ) -> Iterator[list[Prediction]]:
        texts = (a["text"] for a in articles)
        for article, doc in zip(
            articles, self.nlp.pipe(texts, n_process=n_process, batch_size=batch_size), strict=True
        ):
            yield predict_doc(article, doc, self.gazetteer, gold_spans=gold_spans)


def predict_doc(article: Article, doc: Doc, gazetteer: Gazetteer, *, gold_spans: bool) -> list[Prediction]:
    """Predictions for one parsed article: its recognised places, or (``gold_spans``) its own
    spans resolved with the recognised places as the rest of the article's evidence."""
    from geo.analysis import passages as passages_stage
    from geo.analysis.recognise import recognise

    text = article["text"]
    recognition = recognise(doc, passages_stage.split(text), gazetteer)
    if gold_spans:
        return resolve_gold_spans(article, gazetteer, recognition.places, doc)
    return [
        _prediction(r.mention.start, r.mention.end, r.place.lat, r.place.lon, r.place.geonameid, r.place.id)
        for r in resolve(recognition.places, text, gazetteer.lookup)
        if r.role != "demonym"
    ]


def parse_corpus(
    articles: Sequence[Article],
    gazetteer: Gazetteer,
    *,
    gold_spans: bool = False,
    model: str | None = None,
    n_process: int = 1,
) -> Iterator[tuple[Article, list[Prediction]]]:
    """Predictions for each article, in corpus order. Both modes parse the article: with
    ``gold_spans`` the recognised places are the context the gold spans are resolved in."""
    e2e = _EndToEnd(gazetteer, model)
    yield from zip(articles, e2e.predict(articles, n_process=n_process, gold_spans=gold_spans), strict=True)


def write_predictions(rows: Iterable[tuple[Article, list[Prediction]]], path: Path) -> int:
    """Write one prediction line per article; returns the number of articles."""
    n = 0
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with Path(path).open("w", encoding="utf-8") as f:
            for article, predictions in rows:
                f.write(json.dumps({"id": article["id"], "toponyms": predictions}, ensure_ascii=False) + "\n")
                n += 1
    except OSError as exc:
        raise InputError(f"Cannot write predictions {path}: {exc.strerror}.") from exc
    return n


# --------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------


def _population_choice(candidates: Sequence[Candidate]) -> tuple[float, float] | None:
    # The most populous reading (the index's order among equals): a baseline of its own, which changes
    # to the resolver's prior never move.
    usable = [c for c in candidates if c.name_kind != "short"]
    if not usable:
        return None
    head = max(usable, key=lambda c: c.place.population)
    return head.place.lat, head.place.lon


def _span_row(article: Article, key: tuple[int, int], span: str, pred: Prediction | None) -> dict[str, Any]:
    """A geotagging error for the errors file: a false positive or a missed span, with context."""
    text = article["text"]
    return {
        "id": article["id"],
        "name": text[key[0] : key[1]],
        "start": key[0],
        "end": key[1],
        "span": span,
        "predicted": None if pred is None else pred.get("place_id"),
        "context": text[max(0, key[0] - 60) : key[1] + 60].replace("\n", " "),
    }


def score(
    articles: Sequence[Article],
    predictions: dict[str, list[Prediction]],
    lookup: Callable[[str], Sequence[Candidate]],
    *,
    gold_spans: bool,
) -> Report:
    """Score predictions against the corpus (see the module docstring)."""
    tp = n_pred = n_gold = 0
    sys_err: list[float] = []
    pop_err: list[float] = []
    within = 0
    details: list[dict[str, Any]] = []
    for article in articles:
        text = article["text"]
        preds = {(p["start"], p["end"]): p for p in predictions.get(str(article["id"]), [])}
        gold = article.get("toponyms", [])
        gold_keys = {(t["start"], t["end"]) for t in gold}
        n_gold += len(gold_keys)
        n_pred += len(preds)
        tp += len(gold_keys & set(preds))
        if not gold_spans:  # geotagging errors: predicted spans not in gold, gold spans not predicted
            for key in sorted(set(preds) - gold_keys):
                details.append(_span_row(article, key, "false positive", preds[key]))
            for key in sorted(gold_keys - set(preds)):
                details.append(_span_row(article, key, "missed", None))
        for t in gold:
            if t.get("lat") is None or t.get("lon") is None:
                continue
            key = (t["start"], t["end"])
            pred = preds.get(key)
            if not gold_spans and pred is None:
                continue  # end to end: scored over the toponyms recognised
            # A prediction without coordinates (null lat/lon) is a span left unresolved.
            if pred is not None and pred.get("lat") is not None and pred.get("lon") is not None:
                err = distance_km(t["lat"], t["lon"], pred["lat"], pred["lon"])
            else:
                err = MAX_ERROR_KM
            candidates = lookup(text[key[0] : key[1]])
            choice = _population_choice(candidates)
            perr = MAX_ERROR_KM if choice is None else distance_km(t["lat"], t["lon"], *choice)
            near = [distance_km(t["lat"], t["lon"], c.place.lat, c.place.lon) for c in candidates]
            reachable = any(d < ACC_KM for d in near)
            within += reachable
            sys_err.append(err)
            pop_err.append(perr)
            details.append(
                {
                    "id": article["id"],
                    "name": text[key[0] : key[1]],
                    "start": key[0],
                    "end": key[1],
                    "span": "found" if pred is not None else "missed",
                    "gold": [t["lat"], t["lon"]],
                    "feature_code": t.get("feature_code"),
                    "predicted": None if pred is None else pred.get("place_id"),
                    "error_km": round(err, 1),
                    "population_km": round(perr, 1),
                    "candidates": len(candidates),
                    "reachable": reachable,
                }
            )
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Report(
        mode="gold spans" if gold_spans else "end to end",
        articles=len(articles),
        gold_toponyms=n_gold,
        precision=precision,
        recall=recall,
        f1=f1,
        system=GeocodeScores.of(sys_err),
        population=GeocodeScores.of(pop_err),
        ceiling=within / len(sys_err) if sys_err else float("nan"),
        details=details,
    )


def evaluate(
    articles: Sequence[Article],
    gazetteer: Gazetteer,
    *,
    gold_spans: bool = False,
    model: str | None = None,
    n_process: int = 1,
) -> Report:
    """Parse ``articles`` and score the result."""
    predictions = {
        str(a["id"]): p
        for a, p in parse_corpus(articles, gazetteer, gold_spans=gold_spans, model=model, n_process=n_process)
    }
    return score(articles, predictions, gazetteer.lookup, gold_spans=gold_spans)
