"""Score actors and claims against a gold file such as ../shared/seed/gold.json.

    python -m geo.eval.claims [ARTICLE] [GOLD]      (defaults: the seed article and its gold)

Actors. A gold actor is found when a predicted actor has a mention overlapping
one of its gold mentions (the predicted actor with most such mentions is its
match); its type is right when the two types are equal.

Claims. Each gold claim is matched to the predicted claim whose content span
overlaps its evidence span the most (one predicted claim per gold claim). Then:
- speaker: a gold speaker that is a gold actor id ("bloomberg") matches a predicted
  speaker that is, or names, the predicted actor matched to that gold actor; a gold
  speaker starting with "the article" matches narration; any other gold speaker is an
  anonymous phrase (its parenthesised gloss such as "(quoted by Bloomberg)" dropped)
  and matches a predicted phrase when their content words (lower case, singular,
  no stop words) overlap with a Dice coefficient of at least 0.5: "an informed
  source in the LNA" matches "An informed source in the Libyan National Army"
  (2 x 2 / (3 + 5)), "sources" does not match "a military source close to Haftar";
- stance and hedged are compared as they are; via like a named speaker.
Contradictions: a gold pair (a, b) is linked when the claims matched to a and b
list each other in ``contradicts``.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.analysis.claims import singular

STOP_WORDS = frozenset(
    {
        *re.findall(
            r"\w+", "a an the of in on at to for from by with and or as his her its their who which that this these"
        )
    }
    | {"those", "it", "they", "he", "she"}
)
DICE_THRESHOLD = 0.5


@dataclass
class ActorScore:
    total: int = 0
    found: int = 0
    right_type: int = 0
    missing: list[str] = field(default_factory=list)
    wrong_type: list[str] = field(default_factory=list)


@dataclass
class ClaimRow:
    gold: str
    predicted: str | None
    speaker: bool = False
    stance: bool = False
    hedged: bool = False
    via: bool = False
    note: str = ""


@dataclass
class ClaimScore:
    rows: list[ClaimRow]
    contradictions: list[tuple[str, str, bool]]

    @property
    def found(self) -> int:
        return sum(r.predicted is not None for r in self.rows)

    @property
    def right_speaker_and_stance(self) -> int:
        return sum(r.speaker and r.stance for r in self.rows)

    @property
    def linked(self) -> int:
        return sum(ok for _a, _b, ok in self.contradictions)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_actors(result: dict[str, Any], gold: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    """Gold actor id -> the predicted actor (as in the JSON export) with most overlapping mentions."""
    matches: dict[str, dict[str, Any] | None] = {}
    for gold_actor in gold["actors"]:
        spans = [tuple(m) for m in gold_actor["mentions"]]
        best, best_hits = None, 0
        for actor in result["actors"]:
            hits = sum(1 for m in actor["mentions"] for g in spans if _overlap((m["start"], m["end"]), g) > 0)
            if hits > best_hits:
                best, best_hits = actor, hits
        matches[gold_actor["id"]] = best
    return matches


def score_actors(result: dict[str, Any], gold: dict[str, Any], optional: frozenset[str] = frozenset()) -> ActorScore:
    score = ActorScore()
    matches = match_actors(result, gold)
    for gold_actor in gold["actors"]:
        score.total += 1
        predicted = matches[gold_actor["id"]]
        if predicted is None:
            score.missing.append(gold_actor["id"])
            continue
        score.found += 1
        if predicted["type"] == gold_actor["type"]:
            score.right_type += 1
        else:
            score.wrong_type.append(f"{gold_actor['id']}: {predicted['type']} (gold {gold_actor['type']})")
    return score


def content_words(phrase: str) -> set[str]:
    phrase = re.sub(r"\([^)]*\)", " ", phrase)
    return {singular(w) for w in re.findall(r"[a-z]+", phrase.lower()) if w not in STOP_WORDS}


def _names(claim: dict[str, Any], key: str) -> set[str]:
    value = claim.get(key)
    names = {value} if value else set()
    if key == "speaker" and claim.get("speaker_actor"):
        names.add(claim["speaker_actor"])
    return names


def speaker_matches(
    gold_speaker: str | None, claim: dict[str, Any], matches: dict[str, dict[str, Any] | None], key: str = "speaker"
) -> bool:
    if gold_speaker is None:
        return not claim.get(key)
    if gold_speaker.startswith("the article"):
        return bool(claim.get("narrated")) or claim.get(key) == "the article"
    bare = re.sub(r"\s*\([^)]*\)", "", gold_speaker).strip()
    if bare in matches:
        predicted = matches[bare]
        return predicted is not None and predicted["id"] in _names(claim, key)
    if claim.get("narrated"):
        return False
    wanted, said = content_words(bare), content_words(claim.get(key) or "")
    return bool(wanted) and 2 * len(wanted & said) / (len(wanted) + len(said)) >= DICE_THRESHOLD


def score_claims(result: dict[str, Any], gold: dict[str, Any]) -> ClaimScore:
    matches = match_actors(result, gold)
    predicted = result["claims"]
    used: set[str] = set()
    rows = []
    by_gold: dict[str, dict[str, Any]] = {}
    for gold_claim in gold["claims"]:
        evidence = tuple(gold_claim["evidence"])
        candidates = [(_overlap((c["start"], c["end"]), evidence), c) for c in predicted if c["id"] not in used]
        candidates = [(o, c) for o, c in candidates if o > 0]
        if not candidates:
            rows.append(ClaimRow(gold_claim["id"], None, note="no predicted claim overlaps the evidence"))
            continue
        _, claim = max(candidates, key=lambda pair: pair[0])
        used.add(claim["id"])
        by_gold[gold_claim["id"]] = claim
        rows.append(
            ClaimRow(
                gold=gold_claim["id"],
                predicted=claim["id"],
                speaker=speaker_matches(gold_claim["speaker"], claim, matches),
                stance=claim["stance"] == gold_claim["stance"],
                hedged=claim["hedged"] == gold_claim["hedged"],
                via=speaker_matches(gold_claim.get("via"), claim, matches, key="via"),
                note=f"speaker {claim['speaker']!r} via {claim.get('via')!r} {claim['stance']}",
            )
        )
    pairs = []
    seen = set()
    for gold_claim in gold["claims"]:
        for other in gold_claim.get("contradicts", []):
            key = tuple(sorted((gold_claim["id"], other)))
            if key in seen:
                continue
            seen.add(key)
            a, b = by_gold.get(gold_claim["id"]), by_gold.get(other)
            linked = bool(a and b and b["id"] in a.get("contradicts", []) and a["id"] in b.get("contradicts", []))
            pairs.append((gold_claim["id"], other, linked))
    return ClaimScore(rows=rows, contradictions=pairs)


def report(result: dict[str, Any], gold: dict[str, Any]) -> str:
    actors = score_actors(result, gold)
    claims = score_claims(result, gold)
    lines = [
        f"actors: {actors.found}/{actors.total} found, {actors.right_type}/{actors.total} with the right type",
        *(f"  missing {a}" for a in actors.missing),
        *(f"  wrong type {a}" for a in actors.wrong_type),
        f"claims: {claims.found}/{len(claims.rows)} found, "
        f"{claims.right_speaker_and_stance}/{len(claims.rows)} with the right speaker and stance, "
        f"{sum(r.hedged for r in claims.rows)}/{len(claims.rows)} hedging right, "
        f"{sum(r.via for r in claims.rows)}/{len(claims.rows)} via right",
    ]
    for row in claims.rows:
        marks = " ".join(f"{name}={'ok' if ok else 'NO'}" for name, ok in vars(row).items() if isinstance(ok, bool))
        lines.append(f"  {row.gold} -> {row.predicted}: {marks}  {row.note}")
    lines.append(f"contradictions: {claims.linked}/{len(claims.contradictions)} gold pairs linked")
    lines.extend(f"  {a} <-> {b}: {'linked' if ok else 'NOT linked'}" for a, b, ok in claims.contradictions)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from geo.analysis.pipeline import Pipeline
    from geo.export import to_dict

    args = sys.argv[1:] if argv is None else argv
    shared = Path(__file__).resolve().parents[3] / "shared" / "seed"
    article = Path(args[0]) if args else shared / "000_cb1eed41c2725daf.txt"
    gold_path = Path(args[1]) if len(args) > 1 else article.with_name("gold.json")
    analysis = Pipeline.load().analyze_text(article.read_text(encoding="utf-8"))
    print(report(to_dict(analysis), json.loads(gold_path.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
