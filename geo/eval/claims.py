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

Attribution corpora (PolNeAR, ``../shared/eval/README.md``): ``score_attributions``
implements the shared scorer's metrics, see its docstring.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.errors import InputError
from geo.eval import read_jsonl
from geo.sources.ingest import RawDocument
from geo.types import Claim

if TYPE_CHECKING:
    from geo.analysis.pipeline import Pipeline

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


# --- attribution corpora (PolNeAR) -------------------------------------------------------------

PARTS = ("content", "source", "cue")
_PRED_KEYS = {"content": ("start", "end"), "source": ("speaker_start", "speaker_end"), "cue": ("cue_start", "cue_end")}
_TOKEN = re.compile(r"\w+|[^\w\s]")
_COMPLEMENTISERS = frozenset({"that", "whether", "if"})
# "said that ...", and "said that, “...”" / "said that “...”": a comma or an opening quotation mark between
_COMPLEMENTISER_BEFORE = re.compile(r"\b(that|whether|if)(?:\s+|\s*[,“\"‘]\s*)$", re.IGNORECASE)
Fragments = list[tuple[int, int]]


class _Tokens:
    """An article's tokens (``\\w+`` or one other non-space character) and the spans they make."""

    def __init__(self, text: str) -> None:
        self.spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        self.words = [m.group() for m in _TOKEN.finditer(text)]
        self.starts = [s for s, _ in self.spans]

    def of(self, fragments: Fragments | None) -> tuple[frozenset[int], frozenset[int]]:
        """(tokens, neutral gap tokens) of a span: the tokens its fragments touch, punctuation
        trimmed at either end (unless the span is punctuation alone), and the tokens inside its
        extent that no fragment touches."""
        import bisect

        if not fragments:
            return frozenset(), frozenset()
        touched: set[int] = set()
        for start, end in fragments:
            k = max(0, bisect.bisect_right(self.starts, start) - 1)
            while k < len(self.spans) and self.spans[k][0] < end:
                if self.spans[k][1] > start:
                    touched.add(k)
                k += 1
        ordered = sorted(touched)
        words = [k for k in ordered if _is_word(self.words[k])]
        if words:
            ordered = [k for k in ordered if words[0] <= k <= words[-1]]
        if not ordered:
            return frozenset(), frozenset()
        kept = frozenset(ordered)
        return kept, frozenset(range(ordered[0], ordered[-1] + 1)) - kept

    def drop_complementiser(self, tokens: frozenset[int]) -> frozenset[int]:
        if tokens and self.words[min(tokens)].lower() in _COMPLEMENTISERS:
            return tokens - {min(tokens)}
        return tokens


def _is_word(word: str) -> bool:
    return bool(re.match(r"\w", word))


@dataclass
class _PRF:
    hits: float = 0
    predicted: float = 0
    gold: float = 0

    def row(self) -> tuple[float, float, float]:
        p = self.hits / self.predicted if self.predicted else 0.0
        r = self.hits / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class AttributionScore:
    """The shared scorer's figures; ``table`` maps a metric name to (P, R, F1)."""

    articles: int
    claims: int
    gold: int
    table: dict[str, tuple[float, float, float]]
    pair_f1: dict[str, float]

    def format(self) -> str:
        lines = [f"{self.articles} articles, {self.claims} predicted claims, {self.gold} gold attributions"]
        lines.append(f"{'metric':<34} {'P':>6} {'R':>6} {'F1':>6}")
        for name, (p, r, f) in self.table.items():
            lines.append(f"{name:<34} {p:6.3f} {r:6.3f} {f:6.3f}")
        lines.extend(f"mean per-pair token F1, {part:<10} {value:6.3f}" for part, value in self.pair_f1.items())
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "claims": self.claims,
            "gold": self.gold,
            "table": {k: dict(zip(("p", "r", "f1"), v, strict=True)) for k, v in self.table.items()},
            "pair_f1": self.pair_f1,
        }


def _predicted(claim: dict[str, Any], part: str) -> Fragments | None:
    start_key, end_key = _PRED_KEYS[part]
    start, end = claim.get(start_key), claim.get(end_key)
    return [(int(start), int(end))] if start is not None and end is not None and end > start else None


def _gold(attribution: dict[str, Any], part: str) -> Fragments | None:
    value = attribution.get(part)
    return [(int(s), int(e)) for s, e in value] if value else None


def score_attributions(
    articles: Sequence[dict[str, Any]], predictions: dict[str, list[dict[str, Any]]]
) -> AttributionScore:
    """Score predicted claims against gold attributions, as ``../shared/eval/README.md`` defines it.

    Tokens are ``\\w+`` or one other non-space character; a span holds the tokens it touches,
    punctuation trimmed at its ends. A discontinuous gold span's gap tokens are neutral: they
    count neither for nor against a prediction. Detection: a claim and a gold attribution match
    when their contents share at least half the tokens of the shorter one, one to one, greedily
    by shared tokens. Exact per part over matched pairs: P over predictions with the part, R over
    gold attributions with it. Overlap (Citron-style): per article, the union of predicted tokens
    against the union of gold tokens of each part, summed over the corpus. Matched-pair figures
    are the same two measures restricted to matched pairs, plus the mean per-pair token F1.
    """
    detect = _PRF()
    exact = {name: _PRF() for name in (*PARTS, "content (no complementiser)", "all three")}
    overlap = {part: _PRF() for part in PARTS}
    pair_exact = {part: _PRF() for part in PARTS}
    pair_overlap = {part: _PRF() for part in PARTS}
    pair_f1: dict[str, list[float]] = {part: [] for part in PARTS}
    n_claims = n_gold = 0
    for article in articles:
        tokens = _Tokens(article["text"])
        claims = predictions.get(article["id"], [])
        golds = [a for a in article.get("attributions", []) if a.get("content")]
        n_claims += len(claims)
        n_gold += len(golds)
        pred = [{part: tokens.of(_predicted(c, part))[0] for part in PARTS} for c in claims]
        gold = [{part: tokens.of(_gold(a, part)) for part in PARTS} for a in golds]
        for part in PARTS:
            have_p = [p[part] for p in pred if p[part]]
            have_g = [g[part][0] for g in gold if g[part][0]]
            exact[part].predicted += len(have_p)
            exact[part].gold += len(have_g)
            union_p = frozenset().union(*have_p)
            union_g = frozenset().union(*have_g)
            overlap[part].hits += len(union_p & union_g)
            overlap[part].predicted += len(union_p)
            overlap[part].gold += len(union_g)
        exact["content (no complementiser)"].predicted += sum(1 for p in pred if p["content"])
        exact["content (no complementiser)"].gold += len(gold)
        exact["all three"].predicted += len(pred)
        exact["all three"].gold += len(gold)
        for i, j in _match(pred, gold):
            detect.hits += 1
            all_exact = True
            for part in PARTS:
                g_tokens, gap = gold[j][part]
                p_tokens = pred[i][part] - gap
                same = p_tokens == g_tokens
                all_exact = all_exact and same
                if same and g_tokens:
                    exact[part].hits += 1
                    pair_exact[part].hits += 1
                pair_exact[part].predicted += bool(p_tokens)
                pair_exact[part].gold += bool(g_tokens)
                pair_overlap[part].hits += len(p_tokens & g_tokens)
                pair_overlap[part].predicted += len(p_tokens)
                pair_overlap[part].gold += len(g_tokens)
                if p_tokens or g_tokens:
                    pair_f1[part].append(_PRF(len(p_tokens & g_tokens), len(p_tokens), len(g_tokens)).row()[2])
            content_gold = tokens.drop_complementiser(gold[j]["content"][0])
            content_pred = tokens.drop_complementiser(pred[i]["content"] - gold[j]["content"][1])
            if content_gold and content_gold == content_pred:
                exact["content (no complementiser)"].hits += 1
            exact["all three"].hits += all_exact
    detect.predicted, detect.gold = n_claims, n_gold
    table = {"detection": detect.row()}
    table.update({f"exact {name}": prf.row() for name, prf in exact.items()})
    table.update({f"overlap {part}": prf.row() for part, prf in overlap.items()})
    table.update({f"matched pairs: exact {part}": prf.row() for part, prf in pair_exact.items()})
    table.update({f"matched pairs: overlap {part}": prf.row() for part, prf in pair_overlap.items()})
    mean = {part: sum(v) / len(v) if v else 0.0 for part, v in pair_f1.items()}
    return AttributionScore(len(articles), n_claims, n_gold, table, mean)


def _match(
    pred: Sequence[dict[str, frozenset[int]]], gold: Sequence[dict[str, tuple[frozenset[int], frozenset[int]]]]
) -> list[tuple[int, int]]:
    """(claim, gold attribution) index pairs: contents sharing at least half the tokens of the shorter
    one (a gold span's gap tokens set aside), one to one, greedily by the number of shared tokens."""
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            g_tokens, gap = g["content"]
            p_tokens = p["content"] - gap
            shared = len(p_tokens & g_tokens)
            if shared and 2 * shared >= min(len(p_tokens), len(g_tokens)):
                pairs.append((-shared, i, j))
    used_p: set[int] = set()
    used_g: set[int] = set()
    matched = []
    for _, i, j in sorted(pairs):
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        matched.append((i, j))
    return matched


def matched_pairs(
    text: str, claims: Sequence[dict[str, Any]], attributions: Sequence[dict[str, Any]]
) -> tuple[list[tuple[int, int]], list[dict[str, frozenset[int]]], list[dict[str, frozenset[int]]], list[str]]:
    """The scorer's matching for one article, for error analysis: the (claim, attribution) index pairs
    (attributions with a content only, in order), each side's tokens per part (a gold part without
    its gap tokens; a claim part minus the gap tokens is what is scored) and the token texts."""
    tokens = _Tokens(text)
    golds = [a for a in attributions if a.get("content")]
    pred = [{part: tokens.of(_predicted(c, part))[0] for part in PARTS} for c in claims]
    gold_parts = [{part: tokens.of(_gold(a, part)) for part in PARTS} for a in golds]
    pairs = _match(pred, gold_parts)
    scored = [{part: pred[i][part] - gold_parts[j][part][1] for part in PARTS} for i, j in pairs]
    for (i, _j), parts in zip(pairs, scored, strict=True):
        pred[i] = parts
    return pairs, pred, [{part: g[part][0] for part in PARTS} for g in gold_parts], tokens.words


def load_attribution_corpus(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Articles of an attribution corpus (JSONL, ``../shared/eval/README.md``), fragments checked."""

    def check(article: dict[str, Any]) -> None:
        text = article["text"]
        for attribution in article.get("attributions", []):
            for part in PARTS:
                for start, end in attribution.get(part) or ():
                    if not 0 <= start < end <= len(text):
                        raise ValueError(f"{attribution.get('id')}: {part} {start}-{end} is outside the text")

    return list(itertools.islice(read_jsonl(path, check, "an attribution article"), limit))


def load_claim_predictions(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Article id -> predicted claims, from a predictions file in the shared format."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"Cannot read predictions {path}: {exc.strerror}.") from exc
    out: dict[str, list[dict[str, Any]]] = {}
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                row = json.loads(line)
                out[row["id"]] = list(row["claims"])
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{path} line {number}: not a predictions line ({exc}).") from exc
    return out


# quotations in a paragraph: "...", “...”, ''...'', each to its closing mark (either kind: "“A,\"" is
# closed) or the paragraph's end
_PARAGRAPH_QUOTES = re.compile(r"[“\"][^“”\"]*(?:[”\"]|$)|''(?:(?!'')[^\n])*(?:''|$)")


def _quoted_paragraph(text: str, claim: Claim) -> bool:
    """A paragraph of quotation alone whose claim takes its cue from an earlier paragraph: the speaker's
    quotation runs on over a paragraph break ("“A,” he said.\n\n“B.”"; a transcript's next paragraph),
    one attribution in the corpus. Not when the paragraph has words of its own ("“B,” the letter reads")."""
    lo = text.rfind("\n", 0, claim.start) + 1
    hi = text.find("\n", claim.start)
    hi = len(text) if hi < 0 else hi
    if claim.cue_start is None or claim.cue_start >= lo:
        return False
    return not any(ch.isalnum() for ch in _PARAGRAPH_QUOTES.sub("", text[lo:hi]))


def claim_predictions(claims: Iterable[Claim], text: str) -> list[dict[str, Any]]:
    """An article's attributed claims in the shared predictions format (narration is no attribution).

    A quotation's sentences are one attribution in the corpus: claims written with the same cue and
    the same paragraph (or with no cue, by the same written speaker) are merged into one content span, and
    so is a next paragraph of quotation alone that takes its cue from the one before (``_quoted_paragraph``).
    The corpus keeps a complementiser ("that ...", "whether ...") in the content, which a claim's text
    leaves out: it is put back."""
    rows: list[dict[str, Any]] = []
    for claim in sorted((c for c in claims if not c.narrated), key=lambda c: c.start):
        previous = rows[-1] if rows else None
        same_cue = claim.cue_start is not None and previous is not None and previous.get("cue_start") == claim.cue_start
        # a quotation's next sentence that names no cue, spoken by the same written speaker
        same_voice = (
            claim.cue_start is None
            and claim.speaker_start is not None
            and previous is not None
            and previous.get("speaker_start") == claim.speaker_start
        )
        if (
            previous is not None
            and (same_cue or same_voice)
            and (
                "\n" not in text[min(previous["end"], claim.start) : max(previous["end"], claim.start)]
                or (same_cue and _quoted_paragraph(text, claim))
            )
        ):
            previous["end"] = max(previous["end"], claim.end)
            continue
        before = max(0, claim.start - 12)
        opening = _COMPLEMENTISER_BEFORE.search(text[before : claim.start])
        row: dict[str, Any] = {"start": before + opening.start(1) if opening else claim.start, "end": claim.end}
        if claim.speaker_start is not None:
            row.update(speaker_start=claim.speaker_start, speaker_end=claim.speaker_end)
        if claim.cue_start is not None:
            row.update(cue_start=claim.cue_start, cue_end=claim.cue_end)
        rows.append(row)
    return rows


def predict_attributions(articles: Iterable[dict[str, Any]], pipeline: Pipeline) -> Iterator[dict[str, Any]]:
    """One predictions line per article, its ``text`` analysed exactly as given (offsets line up)."""
    for article in articles:
        analysis = pipeline.analyze(RawDocument(article["text"]))
        yield {"id": article["id"], "claims": claim_predictions(analysis.claims, article["text"])}


def training_sequences(
    articles: Iterable[dict[str, Any]], pipeline: Pipeline
) -> Iterator[tuple[list[list[str]], list[str]]]:
    """(features, gold BIO tags) of each article for the attribution tagger: its ``text`` analysed
    by the rules alone (the pipeline's tagger is set aside), its gold attributions as tags."""
    from dataclasses import replace

    from geo.analysis.attribution import features, gold_tags, rule_roles

    rules = replace(pipeline, tagger=None)
    for article in articles:
        analysis, doc = rules.analyze_doc(RawDocument(article["text"]))
        yield features(doc, rule_roles(doc, analysis.claims)), gold_tags(doc, article.get("attributions", []))


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
