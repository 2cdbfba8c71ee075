"""The evaluation code on tiny corpora the tests write themselves."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from geo.cli import main
from geo.errors import InputError
from geo.eval.geoparse import MAX_ERROR_KM, GeocodeScores, auc, load_corpus, load_predictions, score
from geo.gazetteer import distance_km
from geo.types import Candidate, Place

TEXT = "Floods hit Paris and Lyon. Springfield was spared."
ARTICLE = {
    "id": "a1",
    "text": TEXT,
    "toponyms": [
        {"start": 11, "end": 16, "name": "Paris", "lat": 48.85, "lon": 2.35},
        {"start": 21, "end": 25, "name": "Lyon", "lat": 45.75, "lon": 4.85},
        {"start": 27, "end": 38, "name": "Springfield", "lat": None, "lon": None},
    ],
}


def _lookup(name: str) -> list[Candidate]:
    places = {
        "Paris": [
            Place("gn:1", "Paris", 33.66, -95.55, "city", "US", 25_000),
            Place("gn:2", "Paris", 48.85, 2.35, "city", "FR", 2_000_000),
        ],
        "Lyon": [Place("gn:3", "Lyon", 45.75, 4.85, "city", "FR", 500_000)],
    }.get(name, [])
    return [Candidate(p, "name") for p in places]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_auc_bounds() -> None:
    assert auc([0.0, 0.0, 0.0]) == 0.0
    assert auc([MAX_ERROR_KM, MAX_ERROR_KM]) == pytest.approx(1.0, abs=1e-4)
    assert 0 < auc([0.0, 100.0, 1000.0]) < 1


def test_haversine() -> None:
    assert distance_km(0, 0, 0, 1) == pytest.approx(111.19, abs=0.1)


def test_scores_of_errors() -> None:
    s = GeocodeScores.of([0.0, 10.0, 200.0, 5000.0])
    assert s.n == 4 and s.acc161 == 0.5 and s.median_km == 105.0
    assert math.isnan(GeocodeScores.of([]).acc161)


def test_score_end_to_end_and_gold_spans() -> None:
    predictions = {
        "a1": [
            {"start": 11, "end": 16, "lat": 33.66, "lon": -95.55},  # wrong Paris
            {"start": 0, "end": 6, "lat": 0.0, "lon": 0.0},  # not a gold span
        ]
    }
    e2e = score([ARTICLE], predictions, _lookup, gold_spans=False)
    assert (e2e.precision, e2e.recall) == (0.5, pytest.approx(1 / 3))
    assert e2e.system.n == 1 and e2e.system.acc161 == 0.0  # only the recognised Paris is scored
    assert e2e.population.acc161 == 1.0  # the most populous Paris, though the lookup lists the Texan one first
    assert e2e.ceiling == 1.0
    spans = {(d["name"], d["span"]) for d in e2e.details}
    assert (ARTICLE["text"][0:6], "false positive") in spans  # the errors file lists geotagging errors too
    assert ("Paris", "found") in spans and ("Lyon", "missed") in spans
    gold = score([ARTICLE], predictions, _lookup, gold_spans=True)
    assert gold.system.n == 2  # Springfield has no coordinates
    assert gold.system.mean_km > MAX_ERROR_KM / 2  # Lyon unresolved counts as the worst error


def test_load_corpus_checks_spans(tmp_path: Path) -> None:
    good = _write(tmp_path / "c.jsonl", [ARTICLE, {**ARTICLE, "id": "a2"}])
    assert [a["id"] for a in load_corpus(good, limit=1)] == ["a1"]
    assert [a["id"] for a in load_corpus(good, offset=1)] == ["a2"]
    bad = _write(tmp_path / "bad.jsonl", [{**ARTICLE, "toponyms": [{"start": 0, "end": 3, "name": "Lyon"}]}])
    with pytest.raises(InputError):
        load_corpus(bad)


def test_cli_parse_and_eval_gold_spans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _write(tmp_path / "c.jsonl", [ARTICLE])
    out = tmp_path / "pred.jsonl"
    assert main(["parse", "--input", str(corpus), "--output", str(out), "--gold-spans"]) == 0
    preds = load_predictions(out)
    assert {(p["start"], p["end"]) for p in preds["a1"]} >= {(11, 16), (21, 25)}
    assert main(["eval", "--corpus", str(corpus), "--predictions", str(out), "--gold-spans", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["system"]["acc161"] == 1.0  # France's cities win together
    assert main(["eval", "--corpus", str(corpus), "--gold-spans"]) == 0
    assert "Acc@161" in capsys.readouterr().out


def test_prediction_without_coordinates_counts_as_unresolved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = _write(tmp_path / "c.jsonl", [ARTICLE])
    preds = _write(
        tmp_path / "p.jsonl",
        [{"id": "a1", "toponyms": [{"start": 11, "end": 16, "lat": None, "lon": None}]}],
    )
    report = score([ARTICLE], load_predictions(preds), _lookup, gold_spans=True)
    assert report.system.n == 2 and report.system.acc161 == 0.0
    assert main(["eval", "--corpus", str(corpus), "--predictions", str(preds), "--gold-spans"]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "below the population baseline" in captured.err


def test_eval_fails_loudly_below_the_population_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = _write(tmp_path / "c.jsonl", [ARTICLE])
    # Paris, Texas for Paris, France: the most populous reading would have been right.
    preds = _write(
        tmp_path / "p.jsonl",
        [{"id": "a1", "toponyms": [{"start": 11, "end": 16, "lat": 33.66, "lon": -95.55}]}],
    )
    report = score([ARTICLE], load_predictions(preds), _lookup, gold_spans=True)
    assert report.below_baseline and "FAIL" in report.format()
    assert main(["eval", "--corpus", str(corpus), "--predictions", str(preds), "--gold-spans"]) == 1
    assert "BELOW THE POPULATION BASELINE" in capsys.readouterr().err


def test_parse_output_into_a_missing_folder(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "c.jsonl", [ARTICLE])
    out = tmp_path / "new" / "deeper" / "pred.jsonl"
    assert main(["parse", "--input", str(corpus), "--output", str(out), "--gold-spans"]) == 0
    assert "a1" in load_predictions(out)


def test_gold_spans_read_the_rest_of_the_article() -> None:
    """The only gold span is "Paris"; the article's other places (not gold) say which Paris."""
    from geo.eval.geoparse import resolve_gold_spans
    from geo.types import Mention

    text = "The fair in Paris drew crowds. Farmers from Texas and Lamar County came."
    article = {"id": "t", "text": text, "toponyms": [{"start": 12, "end": 17, "name": "Paris", "lat": 0, "lon": 0}]}
    texas = Place("gn:10", "Texas", 31.0, -99.0, "admin1", "US", 25_000_000, admin1="TX")
    lamar = Place("gn:11", "Lamar County", 33.67, -95.57, "admin2", "US", 50_000, admin1="TX")
    paris_tx = Place("gn:1", "Paris", 33.66, -95.55, "city", "US", 25_000, admin1="TX")
    paris_fr = Place("gn:2", "Paris", 48.85, 2.35, "city", "FR", 2_000_000, admin1="11")

    class Gaz:
        @staticmethod
        def lookup(name: str) -> list[Candidate]:
            return {"Paris": [Candidate(paris_fr, "name"), Candidate(paris_tx, "name")]}.get(name, [])

    context = [
        Mention(44, 49, "Texas", "GPE", (Candidate(texas, "name"),)),
        Mention(54, 66, "Lamar County", "GPE", (Candidate(lamar, "name"),)),
    ]
    alone = resolve_gold_spans(article, Gaz())  # type: ignore[arg-type]
    read = resolve_gold_spans(article, Gaz(), context)  # type: ignore[arg-type]
    assert alone[0]["place_id"] == "gn:2" and read[0]["place_id"] == "gn:1"


def test_the_one_distance_agrees_with_geopy():
    from geopy.distance import great_circle

    for a, b in (((32.9, 13.2), (34.4, 35.8)), ((55.75, 37.62), (46.73, -117.0)), ((-33.9, 18.4), (64.1, -21.9))):
        assert distance_km(*a, *b) == pytest.approx(great_circle(a, b).km, rel=1e-5)


def test_corpus_readers_name_the_bad_line_and_keep_a_record_whole(tmp_path):
    from geo.eval.claims import load_attribution_corpus

    good = json.dumps({"id": "a", "text": "Oslo\u2028said.", "toponyms": [], "attributions": []})
    (tmp_path / "c.jsonl").write_text(good + "\n\n" + '{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"line 3: not a corpus article"):
        load_corpus(tmp_path / "c.jsonl")
    with pytest.raises(InputError, match=r"line 3: not an attribution article"):
        load_attribution_corpus(tmp_path / "c.jsonl")
    (tmp_path / "ok.jsonl").write_text(good + "\n", encoding="utf-8")
    assert [a["text"] for a in load_attribution_corpus(tmp_path / "ok.jsonl")] == ["Oslo\u2028said."]
    assert [a["id"] for a in load_corpus(tmp_path / "ok.jsonl")] == ["a"]


def test_the_ambiguous_places_set_reads_in_the_shared_format() -> None:
    """tests/data/ambiguous_places.jsonl: every span is its name, every scored place has a point, and no
    words marked as never a place overlap a place."""
    path = Path(__file__).parent / "data" / "ambiguous_places.jsonl"
    articles = load_corpus(path)
    assert len(articles) >= 40
    for article in articles:
        places = article["toponyms"]
        assert len(places) >= 3 and all((t["lat"] is None) == (t["lon"] is None) for t in places)
        for never in article["not_places"]:
            assert article["text"][never["start"] : never["end"]] == never["name"]
            assert all(t["end"] <= never["start"] or never["end"] <= t["start"] for t in places)
