"""Places in Wikipedia-style paragraphs about places whose names have famous namesakes.

    .venv/bin/python bench/bench_ambiguous.py [--build] [--errors]

``--build`` rewrites tests/data/ambiguous_places.jsonl from its marked-up source
(tests/data/ambiguous_places.md; countries and first-level divisions marked ``GAZ:CC`` take the
gazetteer's own point). Then every paragraph is parsed end to end and scored twice: the project's
scorer (``geo.eval.geoparse.score``: span precision, recall, Acc@161 over the recognised gold spans)
and by marker, as a reader of the map would: a marker is right where its span overlaps a gold place
and lies within 161 km of it, wrong where it lies farther, sits on words that are no place, or on
words marked as never a place; a marker on a place not scored for its point (a river, a sea) is
neither. ``--errors`` lists the wrong markers and the gold places left off the map.
The same corpus runs through ``python -m geo eval --corpus tests/data/ambiguous_places.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from geo.eval.geoparse import ACC_KM, load_corpus, parse_corpus, score
from geo.gazetteer import Gazetteer, distance_km

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "data" / "ambiguous_places.md"
CORPUS = ROOT / "tests" / "data" / "ambiguous_places.jsonl"
_MARK = re.compile(r"\[\[([^|\]]+)\|([^\]]+)\]\]|\{\{([^}]+)\}\}")


def _point(name: str, spec: str, gaz: Gazetteer) -> tuple[float | None, float | None, str | None]:
    if spec == "-":
        return None, None, None
    if spec.startswith("GAZ:"):
        country = spec[4:]
        areas = [
            c.place
            for c in gaz.lookup(name)
            if c.place.country == country and c.place.kind in ("country", "admin1") and c.name_kind != "demonym"
        ]
        if not areas:
            raise SystemExit(f"no country or division {name!r} in {country}")
        return areas[0].lat, areas[0].lon, country
    lat, lon = (float(x) for x in spec.split(","))
    return lat, lon, None


def build(gaz: Gazetteer) -> int:
    records = []
    for block in SOURCE.read_text(encoding="utf-8").split("\n## ")[1:]:
        head, _, body = block.partition("\n")
        ident, _, title = (s.strip() for s in head.partition("|"))
        text, toponyms, never, at = "", [], [], 0
        body = body.strip()
        for m in _MARK.finditer(body):
            text += body[at : m.start()]
            name = m.group(1) or m.group(3)
            start, end = len(text), len(text) + len(name)
            text += name
            at = m.end()
            if m.group(3):
                never.append({"start": start, "end": end, "name": name})
                continue
            lat, lon, country = _point(name, m.group(2).strip(), gaz)
            toponyms.append({"start": start, "end": end, "name": name, "lat": lat, "lon": lon, "country": country})
        text += body[at:]
        records.append({"id": ident, "title": title, "text": text, "toponyms": toponyms, "not_places": never})
    with CORPUS.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return len(records)


def markers(articles, predictions) -> tuple[int, int, int, list[str], list[str]]:
    """(right, wrong, neutral, wrong markers, gold places left off the map)."""
    right = wrong = neutral = 0
    errors: list[str] = []
    missed: list[str] = []
    for article in articles:
        text = article["text"]
        gold = article["toponyms"]
        found = set()
        for p in predictions[article["id"]]:
            s, e = p["start"], p["end"]
            over = [g for g in gold if g["start"] < e and s < g["end"]]
            scored = [g for g in over if g["lat"] is not None]
            near = [g for g in scored if distance_km(g["lat"], g["lon"], p["lat"], p["lon"]) < ACC_KM]
            if near:
                right += 1
                found.update((g["start"], g["end"]) for g in near)
            elif over and not scored:
                neutral += 1
            else:
                wrong += 1
                where = (
                    f"{min(distance_km(g['lat'], g['lon'], p['lat'], p['lon']) for g in scored):.0f} km off"
                    if scored
                    else "no place"
                )
                errors.append(f"{article['id']}: {text[s:e]!r} -> {p['place_id']} ({where})")
        missed += [
            f"{article['id']}: {g['name']!r}"
            for g in gold
            if g["lat"] is not None and (g["start"], g["end"]) not in found
        ]
    return right, wrong, neutral, errors, missed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", action="store_true", help="rebuild the JSONL from its marked-up source first")
    parser.add_argument("--errors", action="store_true", help="list wrong markers and missed places")
    args = parser.parse_args()
    with Gazetteer.open() as gaz:
        if args.build:
            print(f"built {build(gaz)} paragraphs into {CORPUS.relative_to(ROOT)}")
        articles = load_corpus(CORPUS)
        predictions = {a["id"]: p for a, p in parse_corpus(articles, gaz)}
        report = score(articles, predictions, gaz.lookup, gold_spans=False)
    print(report.format())
    right, wrong, neutral, errors, missed = markers(articles, predictions)
    gold = sum(g["lat"] is not None for a in articles for g in a["toponyms"])
    print(
        f"  markers     right {right}  wrong {wrong}  unscored {neutral}"
        f"  precision {right / max(1, right + wrong):.3f}  recall {(gold - len(missed)) / max(1, gold):.3f} of {gold}"
    )
    if args.errors:
        print("wrong markers:", *errors, sep="\n  ")
        print("left off the map:", *missed, sep="\n  ")


if __name__ == "__main__":
    main()
