"""The seed article end to end against ../shared/seed/gold.json, with the full gazetteer (shared tier)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from geopy.distance import great_circle

from geo.export import to_dict
from tests.conftest import FULL_GAZETTEER, ROOT

pytestmark = pytest.mark.shared

AREA_KINDS = {"country", "continent", "sea", "region"}
FACILITY_KINDS = {"airport", "air base", "naval base"}
OPTIONAL_ACTORS = {"tripoli-forces"}  # gold: "an extractor may fold them ... or skip them"


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def predicted_for(result: dict, gold_place: dict) -> list[dict]:
    """Predicted places with a mention overlapping one of the gold mentions."""
    return [
        place
        for place in result["places"]
        if any(overlaps((m["start"], m["end"]), tuple(g)) for m in place["mentions"] for g in gold_place["mentions"])
    ]


def within_tolerance(place: dict, gold_place: dict) -> bool:
    if gold_place["kind"] in AREA_KINDS:
        if gold_place["kind"] == "country":
            return place["kind"] == "country" and place["country"] == gold_place["country"]
        return place["kind"] == gold_place["kind"]
    distance = great_circle((place["lat"], place["lon"]), (gold_place["lat"], gold_place["lon"])).km
    return distance <= gold_place["tolerance_km"]


def check_places(result: dict, gold: dict) -> None:
    failures = []
    for gold_place in gold["places"]:
        found = predicted_for(result, gold_place)
        if not found:
            failures.append(f"{gold_place['id']}: not recognised")
        elif not any(within_tolerance(p, gold_place) for p in found):
            failures.append(f"{gold_place['id']}: resolved to {[(p['name'], p['kind'], p['country']) for p in found]}")
    assert not failures, failures


def test_every_gold_place_recognised_and_resolved(seed_analysis, gold):
    check_places(to_dict(seed_analysis), gold)


def test_ambiguous_names_and_facilities(seed_analysis):
    places = {p["name"]: p for p in to_dict(seed_analysis)["places"]}
    assert places["Tripoli"]["country"] == "LY"
    assert places["Moscow"]["country"] == "RU"
    kinds = {p["kind"] for p in to_dict(seed_analysis)["places"]}
    assert kinds & FACILITY_KINDS
    tripoli = places["Tripoli"]["mentions"][0]
    assert tripoli["runner_up"] is not None and tripoli["reason"]


def test_gold_actors_found(seed_analysis, gold):
    actors = to_dict(seed_analysis)["actors"]
    missing = []
    for gold_actor in gold["actors"]:
        if gold_actor["id"] in OPTIONAL_ACTORS:
            continue
        hit = any(
            overlaps((m["start"], m["end"]), tuple(g))
            for a in actors
            for m in a["mentions"]
            for g in gold_actor["mentions"]
        )
        if not hit:
            missing.append(gold_actor["id"])
    assert not missing, missing


def test_gold_actor_types(seed_analysis, gold):
    actors = to_dict(seed_analysis)["actors"]
    right = 0
    for gold_actor in gold["actors"]:
        matching = [
            a
            for a in actors
            if any(overlaps((m["start"], m["end"]), tuple(g)) for m in a["mentions"] for g in gold_actor["mentions"])
        ]
        right += any(a["type"] == gold_actor["type"] for a in matching)
    assert right >= 12, right


def test_no_demonym_or_person_becomes_a_place(seed_analysis):
    names = {p["name"] for p in to_dict(seed_analysis)["places"]}
    for not_a_place in ("Wagner", "Haftar", "Putin", "Langley", "Bloomberg", "Norland"):
        assert not any(not_a_place in n for n in names), names


def test_cli_analyze_json(gold, seed_path):
    completed = subprocess.run(
        [sys.executable, "-m", "geo", "analyze", str(seed_path), "--format", "json"],
        cwd=ROOT,
        env={**os.environ, "GEO_GAZETTEER": str(FULL_GAZETTEER)},
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(completed.stdout)
    assert set(result) == {"article", "places", "actors", "claims"}
    assert {"id", "title"} <= set(result["article"])
    for place in result["places"]:
        assert {"id", "name", "lat", "lon", "kind", "country", "mentions"} <= set(place)
    check_places(result, gold)
