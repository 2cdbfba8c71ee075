"""The attribution scorer (the shared README's metrics), on sentences written for the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.cli import main
from geo.eval.claims import _Tokens, score_attributions

TEXT = "The mayor said: “The bridge, she added, will open in May.” Critics disagree."


def span(word: str, text: str = TEXT) -> list[int]:
    start = text.index(word)
    return [start, start + len(word)]


def gold(content: list[list[int]], source: list[int] | None, cue: list[int] | None) -> dict:
    return {"id": "E1", "content": content, "source": [source] if source else None, "cue": [cue] if cue else None}


def article(*attributions: dict) -> dict:
    return {"id": "a1", "text": TEXT, "attributions": list(attributions)}


def test_tokens_trim_punctuation_but_keep_a_punctuation_cue() -> None:
    tokens = _Tokens(TEXT)
    quote = TEXT.index("“")
    kept, gap = tokens.of([(quote - 2, quote + 12)])  # ": “The bridge"
    assert [tokens.words[k] for k in sorted(kept)] == ["The", "bridge"] and not gap
    colon = TEXT.index(":")
    assert [tokens.words[k] for k in tokens.of([(colon, colon + 1)])[0]] == [":"]


def test_gap_tokens_are_neutral_and_one_span_over_the_extent_is_exact() -> None:
    first, second = span("The bridge,"), span("will open in May.”")
    interrupted = gold([first, second], span("she"), span("added"))
    claim = {"start": first[0], "end": second[1], "speaker_start": span("she")[0], "speaker_end": span("she")[1]}
    claim.update(cue_start=span("added")[0], cue_end=span("added")[1])
    table = score_attributions([article(interrupted)], {"a1": [claim]}).table
    assert table["detection"] == (1.0, 1.0, 1.0)
    assert table["exact content"][2] == table["exact source"][2] == table["exact cue"][2] == 1.0
    assert table["exact all three"][2] == 1.0


def test_detection_needs_half_the_shorter_content_and_matches_one_to_one() -> None:
    content = span("The bridge, she added, will open in May")
    g = gold([content], span("The mayor"), span("said"))
    short = span("will open")  # 2 tokens, both shared: half of the shorter
    far = span("Critics disagree")
    claims = [
        {"start": short[0], "end": short[1]},
        {"start": content[0], "end": content[1]},
        {"start": far[0], "end": far[1]},
    ]
    report = score_attributions([article(g)], {"a1": claims})
    p, r, _ = report.table["detection"]
    assert (p, r) == (pytest.approx(1 / 3), 1.0)  # the whole content wins the gold; the rest are false
    assert report.table["exact content"][1] == 1.0
    assert report.table["exact source"] == (0.0, 0.0, 0.0)  # no predicted source: recall 0


def test_overlap_compares_token_unions_per_article() -> None:
    g = gold([span("will open in May")], None, span("said"))
    half = span("will open")
    report = score_attributions([article(g)], {"a1": [{"start": half[0], "end": half[1]}]})
    p, r, _ = report.table["overlap content"]
    assert (p, r) == (1.0, 0.5)
    assert report.table["overlap cue"] == (0.0, 0.0, 0.0)


def test_complementiser_variant_ignores_a_leading_that() -> None:
    text = "Officials said that the road is closed."
    content = [text.index("that"), text.index(" closed") + 7]
    g = {"id": "E1", "content": [content], "source": None, "cue": None}
    claim = {"start": text.index("the road"), "end": content[1]}
    table = score_attributions([{"id": "a", "text": text, "attributions": [g]}], {"a": [claim]}).table
    assert table["exact content"][2] == 0.0
    assert table["exact content (no complementiser)"][2] == 1.0


def test_cli_scores_a_predictions_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus, predictions = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    content = span("will open in May")
    corpus.write_text(json.dumps(article(gold([content], span("she"), span("added")))) + "\n", encoding="utf-8")
    predictions.write_text(json.dumps({"id": "a1", "claims": [{"start": content[0], "end": content[1]}]}) + "\n")
    assert main(["claims", "eval", "--corpus", str(corpus), "--predictions", str(predictions)]) == 0
    assert "detection" in capsys.readouterr().out


def test_a_quotation_s_sentences_are_one_predicted_attribution() -> None:
    """Claims of one cue, or a cueless one spoken by the same written speaker, in one paragraph are one
    row (the corpus annotates a quotation as one attribution); another paragraph starts a new row."""
    from geo.eval.claims import claim_predictions
    from geo.types import Claim

    text = "“We won,” Roe said. “We will build.” “Soon.”\n\n“Later,” she said."
    roe, said = span("Roe", text), span("said", text)

    def claim(words: str, cue: list[int] | None, speaker: list[int]) -> Claim:
        start, end = span(words, text)
        return Claim(
            id="", start=start, end=end, text=words, speaker="Roe", via=None, cue="say", stance="asserts",
            hedged=False, speaker_start=speaker[0], speaker_end=speaker[1],
            cue_start=cue[0] if cue else None, cue_end=cue[1] if cue else None,
        )

    she = span("she", text)
    later = [text.rindex("said"), text.rindex("said") + 4]
    claims = [
        claim("We won", said, roe),
        claim("We will build", said, roe),
        claim("Soon", None, roe),
        claim("Later", later, she),
    ]
    rows = claim_predictions(claims, text)
    assert [(text[r["start"] : r["end"]]) for r in rows] == ["We won,” Roe said. “We will build.” “Soon", "Later"]


def test_a_paragraph_of_quotation_alone_continues_the_quotation_before_it() -> None:
    """ "“A,” Roe said.\\n\\n“B.”": a next paragraph of quotation alone that takes its cue from the paragraph
    before is the same attribution (one row); one with words of its own ("“C,” the letter reads") is not."""
    from geo.eval.claims import claim_predictions
    from geo.types import Claim

    text = "“We won,” Roe said.\n\n“We will build.”\n\n“Soon,” the letter reads."
    roe, said = span("Roe", text), span("said", text)

    def claim(words: str) -> Claim:
        start, end = span(words, text)
        return Claim(
            id="", start=start, end=end, text=words, speaker="Roe", via=None, cue="say", stance="asserts",
            hedged=False, speaker_start=roe[0], speaker_end=roe[1], cue_start=said[0], cue_end=said[1],
        )

    rows = claim_predictions([claim("We won"), claim("We will build"), claim("Soon")], text)
    assert [text[r["start"] : r["end"]] for r in rows] == ["We won,” Roe said.\n\n“We will build", "Soon"]


def test_a_prediction_keeps_the_complementiser_before_a_comma_or_a_quotation_mark() -> None:
    """PolNeAR's content keeps its "that" ("said that, if elected, ...", "says that “...”"), which a
    claim's text leaves out: the prediction puts it back across a comma or an opening quotation mark."""
    from geo.eval.claims import claim_predictions
    from geo.types import Claim

    text = "Roe said that, if elected, she would stay. Doe says that “the vote was fair.”"

    def claim(words: str) -> Claim:
        start, end = span(words, text)
        return Claim(
            id="", start=start, end=end, text=words, speaker="Roe", via=None, cue="say", stance="asserts",
            hedged=False,
        )

    rows = claim_predictions([claim("if elected, she would stay"), claim("the vote was fair")], text)
    kept = ["that, if elected, she would stay", "that “the vote was fair"]
    assert [text[r["start"] : r["end"]] for r in rows] == kept
