"""The learned attribution tagger (geo/analysis/attribution.py): grouping tags, loading, training."""

from __future__ import annotations

import hashlib
import json
import logging
from importlib.resources import as_file, files
from pathlib import Path

import pytest
import spacy

from geo.analysis import attribution
from geo.analysis.attribution import group, tagged_spans

# Texts written for these tests.
ARTICLES = [
    (
        "Mayor warns of floods\n\nThe mayor warned that the river would flood the lower town. "
        "Residents said they were ready.",
        [
            ("The mayor", "warned", "that the river would flood the lower town"),
            ("Residents", "said", "they were ready"),
        ],
    ),
    (
        "Council plans a bridge\n\nThe council plans to build a bridge next year, its chairman said. "
        "Engineers believe the site is safe.",
        [
            ("its chairman", "said", "The council plans to build a bridge next year"),
            ("Engineers", "believe", "the site is safe"),
        ],
    ),
    (
        "Minister rejects report\n\nThe minister rejected the report. "
        "“It is wrong,” she told reporters, “and we will show it.”",
        [
            ("The minister", "rejected", "the report"),
            ("she", "told", "“It is wrong,” she told reporters, “and we will show it.”"),
        ],
    ),
]


def _corpus(path: Path) -> Path:
    lines = []
    for n, (text, rows) in enumerate(ARTICLES):
        attributions = []
        for k, (source, cue, content) in enumerate(rows):
            c = text.index(content)
            s = text.index(source)
            q = text.index(cue, s)
            attributions.append(
                {
                    "id": f"E{k}",
                    "source": [[s, s + len(source)]],
                    "cue": [[q, q + len(cue)]],
                    "content": [[c, c + len(content)]],
                }
            )
        lines.append(json.dumps({"id": f"a{n}", "split": "train", "text": text, "attributions": attributions}))
    path.write_text("\n".join(lines * 3) + "\n", encoding="utf-8")
    return path


def test_tags_group_into_attributions_and_a_quote_around_its_cue_is_one_content() -> None:
    nlp = spacy.blank("en")
    doc = nlp("“It is wrong,” she said, “and we will show it.” Others agreed.")
    words = [t.text for t in doc]
    tags = ["O"] * len(doc)
    tags[words.index("It")] = "B-CON"
    for i in range(words.index("It") + 1, words.index(",")):
        tags[i] = "I-CON"
    tags[words.index("she")] = "B-SRC"
    tags[words.index("said")] = "B-CUE"
    start = words.index("and")
    tags[start] = "B-CON"
    for i in range(start + 1, words.index(".") + 1):
        tags[i] = "I-CON"
    tags[words.index("Others")] = "B-SRC"
    assert [role for role, *_ in tagged_spans(tags)] == ["CON", "SRC", "CUE", "CON", "SRC"]
    found = group(doc, tags)
    assert len(found) == 1
    text = doc.text
    only = found[0]
    assert text[only.content[0] : only.content[1]] == "It is wrong,” she said, “and we will show it."
    assert only.cue is not None and text[only.cue[0] : only.cue[1]] == "said"
    assert only.source is not None and text[only.source[0] : only.source[1]] == "she"


def test_the_packaged_model_is_loaded_with_its_provenance(pipeline) -> None:
    assert pipeline.tagger is not None
    record = json.loads((Path(attribution.__file__).parent.parent / "data" / attribution.PROVENANCE).read_text())
    model = Path(attribution.__file__).parent.parent / "data" / attribution.MODEL
    assert record["model_sha256"] == hashlib.sha256(model.read_bytes()).hexdigest()
    assert record["splits"] == ["train"] and record["articles"] > 0 and len(record["corpus_sha256"]) == 64
    assert model.stat().st_size < 5_000_000


def test_the_packaged_model_was_trained_on_the_rules_as_they_are() -> None:
    """The rules' claims are features: a rule or cue table changed after training leaves a model that
    `claims train` no longer rebuilds (and that sees other features than it learned on). Retrain:
    `python -m geo claims train --corpus ../shared/eval/polnear_train.jsonl`."""
    record = json.loads((Path(attribution.__file__).parent.parent / "data" / attribution.PROVENANCE).read_text())
    assert record.get("training_inputs_sha256") == attribution.training_inputs()


def test_the_model_widens_a_content_the_parse_cuts_short(pipeline) -> None:
    from dataclasses import replace

    text = "Tax row\n\nThe senator blasted the mayor on Monday for not paying his taxes.\n"
    (rules,) = [c for c in replace(pipeline, tagger=None).analyze_text(text).claims if not c.narrated]
    (learned,) = [c for c in pipeline.analyze_text(text).claims if not c.narrated]
    assert rules.text == "the mayor"  # the rules stop at the object (a date after it)
    assert learned.text == "the mayor on Monday for not paying his taxes"
    assert (learned.speaker, learned.cue, learned.stance) == (rules.speaker, rules.cue, rules.stance)
    assert (learned.cue_start, learned.speaker_start) == (rules.cue_start, rules.speaker_start)


def test_a_tagged_attribution_needs_a_predicate_or_a_known_cue_to_become_a_claim(pipeline) -> None:
    """PolNeAR annotates half its headlines, so the tagger reads a first line as a likely attribution:
    a bare noun phrase ("A headline for") is no cue; a verb, an adjective or a learned cue noun is."""
    from geo.analysis.attribution import Attribution, _new

    doc = pipeline.nlp("A headline for the test\n\nVoters worried about the bridge. His criticism of the plan.\n")
    text = doc.text

    def tagged(cue: str, content: str) -> Attribution:
        c, q = text.index(content), text.index(cue)
        return Attribution(content=(c, c + len(content)), cue=(q, q + len(cue)), source=None)

    assert not _new(doc, tagged("A headline for", "the test"))
    assert _new(doc, tagged("worried about", "the bridge"))
    assert _new(doc, tagged("criticism of", "the plan"))


def test_a_content_is_not_widened_over_another_claim_s_cue(pipeline) -> None:
    """The tagger can join two reports into one content; the first claim then keeps its own content
    rather than take in the second one's cue (it would match the other attribution better)."""
    from dataclasses import replace

    from geo.analysis.attribution import revise
    from geo.sources.ingest import RawDocument

    text = "Bridge row\n\nThe mayor said the bridge was safe. Officials added that it would open in May.\n"
    analysis, doc = replace(pipeline, tagger=None).analyze_doc(RawDocument(text))
    rules = [c for c in analysis.claims if not c.narrated]
    assert [c.text for c in rules] == ["the bridge was safe", "it would open in May"]
    joined = (text.index("the bridge"), text.index(" in May") + len(" in May"))

    class Joining:  # tags one content over both reports, as the CRF sometimes does
        def tag(self, doc, roles):
            inside = [joined[0] <= t.idx < joined[1] and not t.is_space for t in doc]
            return ["I-CON" if x and k and inside[k - 1] else "B-CON" if x else "O" for k, x in enumerate(inside)]

    revised = [
        c
        for c in revise(analysis.claims, doc, text, analysis.actors, analysis.resolutions, Joining())
        if not c.narrated
    ]
    assert [c.text for c in revised] == ["the bridge was safe", "it would open in May"]


def test_without_the_model_the_rules_stand_alone_and_say_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(attribution, "files", lambda _package: tmp_path)
    attribution.load_tagger.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="geo.analysis.attribution"):
            assert attribution.load_tagger() is None
    finally:
        attribution.load_tagger.cache_clear()
    assert "No learned attribution model" in caplog.text and "claims train" in caplog.text
    assert attribution.revise((), spacy.blank("en")("x"), "x", (), (), None) == ()


def test_training_is_reproducible_records_provenance_and_keeps_no_text(tmp_path: Path, pipeline) -> None:
    from geo.cli import main

    corpus = _corpus(tmp_path / "train.jsonl")
    models = []
    for run in ("a", "b"):
        out = tmp_path / run
        out.mkdir()
        assert main(["claims", "train", "--corpus", str(corpus), "--output", str(out / "cues.csv")]) == 0
        models.append((out / attribution.MODEL).read_bytes())
        record = json.loads((out / attribution.PROVENANCE).read_text())
        assert record["corpus_sha256"] == hashlib.sha256(corpus.read_bytes()).hexdigest()
        assert record["articles"] == 9 and record["attributions"] == 18 and record["trained"].endswith("Z")
    assert models[0] == models[1] and models[0]
    assert b"the river would flood" not in models[0] and b"river would" not in models[0]


def test_training_refuses_a_dev_split(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geo.cli import main

    corpus = tmp_path / "dev.jsonl"
    corpus.write_text(json.dumps({"id": "a", "split": "dev", "text": "x", "attributions": []}) + "\n")
    assert main(["claims", "train", "--corpus", str(corpus), "--output", str(tmp_path / "c.csv")]) != 0
    assert "training split only" in capsys.readouterr().err
    assert not (tmp_path / attribution.MODEL).exists()


@pytest.mark.shared
def test_on_polnear_dev_the_model_finds_more_and_wider_than_the_rules(full_pipeline, shared_dir) -> None:
    """Measured on dev (README): detection 0.758 -> 0.789, content overlap 0.789 -> 0.823."""
    from dataclasses import replace

    from geo.eval.claims import load_attribution_corpus, predict_attributions, score_attributions

    articles = load_attribution_corpus(shared_dir / "eval" / "polnear_dev.jsonl")
    tables = []
    for pipeline in (replace(full_pipeline, tagger=None), full_pipeline):
        predictions = {row["id"]: row["claims"] for row in predict_attributions(articles, pipeline)}
        tables.append(score_attributions(articles, predictions).table)
    rules, learned = tables
    assert learned["detection"][2] >= rules["detection"][2] + 0.02
    assert learned["overlap content"][2] >= rules["overlap content"][2] + 0.02
    assert learned["exact source"][2] >= rules["exact source"][2]
    assert learned["exact cue"][2] >= rules["exact cue"][2] - 0.02


def _reference_viterbi(scores, transitions) -> list[int]:
    """CRFsuite's Viterbi step by step (crf1d_context.c): the first of equal scores wins."""
    n, size = len(scores), len(transitions)
    best, back = [list(scores[0])], []
    for i in range(1, n):
        row, pointers = [], []
        for k in range(size):
            j = max(range(size), key=lambda j: (best[-1][j] + transitions[j][k], -j))
            row.append(best[-1][j] + transitions[j][k] + scores[i][k])
            pointers.append(j)
        best.append(row)
        back.append(pointers)
    path = [max(range(size), key=lambda k: (best[-1][k], -k))]
    for pointers in reversed(back):
        path.append(pointers[path[-1]])
    return path[::-1]


def test_the_blockwise_viterbi_finds_crfsuite_s_path_ties_included() -> None:
    import numpy as np

    from geo.analysis.attribution import _viterbi

    rng = np.random.default_rng(3)
    for n in [1, 2, 3, 4, 5, 8, 9, 17, 31, 64, 65, 200, 401]:
        for tied in (False, True):
            # Small whole numbers make many equal scores, where the first label must win.
            scores = rng.integers(-2, 3, size=(n, 7)).astype(float) if tied else rng.normal(size=(n, 7))
            transitions = rng.integers(-1, 2, size=(7, 7)).astype(float) if tied else rng.normal(size=(7, 7))
            assert _viterbi(scores, transitions) == _reference_viterbi(scores.tolist(), transitions.tolist()), (n, tied)


def test_the_tagger_scores_and_tags_as_crfsuite_does_with_the_same_model(pipeline) -> None:
    """The tagger reads the model file itself and makes its features a column at a time: each token's
    scores are the weights of its ``features`` strings (as training saw them) summed, and the tags
    are CRFsuite's own tagger's on the same model."""
    from dataclasses import replace

    import numpy as np
    import pycrfsuite

    from geo.analysis.attribution import features, rule_roles
    from geo.sources.ingest import RawDocument

    tagger = pipeline.tagger
    assert tagger is not None
    weights = {name + value: row for name, table in tagger._tables.items() for value, row in table.items()}
    reference = pycrfsuite.Tagger()
    with as_file(files("geo") / "data" / attribution.MODEL) as path:
        reference.open(str(path))
    texts = [text for text, _ in ARTICLES] + [
        'Row over “the plan”\n\n"It will fail," a critic said: the council, he added, “has no money”.\n\n'
        "According to the mayor's office, work starts in May. Nobody commented.\n"
    ]
    for text in texts:
        analysis, doc = replace(pipeline, tagger=None).analyze_doc(RawDocument(text))
        roles = rule_roles(doc, analysis.claims)
        made = features(doc, roles)
        expected = np.zeros((len(doc), len(tagger.labels)))
        for i, names in enumerate(made):
            for name in names:
                if name in weights:
                    expected[i] += tagger._weights[weights[name]]
        assert np.array_equal(tagger.scores(doc, roles), expected)
        assert tagger.tag(doc, roles) == list(reference.tag(made))


def test_several_articles_tagged_at_once_get_each_one_s_own_tags_and_features(pipeline, monkeypatch) -> None:
    """``Tagger.tag_many`` scores a batch's tokens in one pass: no neighbour, head or quotation runs
    from one article into the next (an open quotation at one's end, a quotation mark at the next one's
    start), an empty article has no tags, and the batch's features are each article's own."""
    from dataclasses import replace

    from geo.analysis.attribution import _templates, features, rule_roles
    from geo.sources.ingest import RawDocument

    tagger = pipeline.tagger
    assert tagger is not None
    texts = [text for text, _ in ARTICLES] + ['He said: “It will not end', "“Yes,” she said.", "Short."]
    parts = []
    for text in texts:
        analysis, doc = replace(pipeline, tagger=None).analyze_doc(RawDocument(text))
        parts.append((doc, rule_roles(doc, analysis.claims)))
    parts.insert(2, (pipeline.nlp(""), []))
    assert tagger.tag_many(parts) == [tagger.tag(doc, roles) for doc, roles in parts]
    assert tagger.tag_many(parts)[2] == []
    monkeypatch.setattr(attribution, "TAG_PASS_TOKENS", 20)  # passes of a few articles, long ones alone
    assert tagger.tag_many(parts) == [tagger.tag(doc, roles) for doc, roles in parts]
    together: list[list[str]] = [[] for doc, _ in parts for _ in range(len(doc))]
    for name, values, codes in _templates(parts):
        for token, code in zip(together, codes.tolist(), strict=True):
            if code < len(values) and values[code] is not None:
                token.append(name + values[code])
    assert together == [token for doc, roles in parts for token in features(doc, roles)]


def test_a_tagged_seems_is_the_article_s_own_hedge(pipeline) -> None:
    """As in the rules: "X seems to ..." written with no source; "X seems to feel ..." is X's."""
    from geo.analysis.attribution import Attribution, _new_claim

    text = "A headline for the test\n\nThe governor seems to enjoy the fight. The mayor seems to feel the heat.\n"
    doc = pipeline.nlp(text)

    def claim(source: str, cue: str, content: str):
        s, q, c = text.index(source), text.index(cue), text.index(content)
        tagged = Attribution(content=(c, c + len(content)), cue=(q, q + len(cue)), source=(s, s + len(source)))
        return _new_claim(tagged, c, c + len(content), doc, text, (), (), [])

    hedge = claim("The governor", "seems", "to enjoy the fight")
    assert (hedge.speaker_start, hedge.speaker) == (None, "the article")
    felt = claim("The mayor", "seems to feel", "the heat")
    assert (felt.speaker_start, felt.speaker) == (text.index("The mayor"), "The mayor")


def test_a_tagged_claim_reads_denials_and_hedges_as_the_rules_do(pipeline) -> None:
    """A claim only the tagger found: a negated content denies, a negated denial does not, "may" hedges."""
    from geo.analysis.attribution import Attribution, _new_claim

    text = (
        "A headline for the test\n\nThe ministry said there is no base near the port. "
        "The army did not deny that troops entered the town. The mayor said the bridge may have been hit.\n"
    )
    doc = pipeline.nlp(text)

    def claim(source: str, cue: str, content: str):
        s = text.index(source)
        q, c = text.index(cue, s), text.index(content, s)
        tagged = Attribution(content=(c, c + len(content)), cue=(q, q + len(cue)), source=(s, s + len(source)))
        return _new_claim(tagged, c, c + len(content), doc, text, (), (), [])

    denial = claim("The ministry", "said", "there is no base near the port")
    assert (denial.stance, denial.hedged) == ("denies", False)
    kept = claim("The army", "did not deny", "troops entered the town")
    assert (kept.cue, kept.stance) == ("deny", "asserts")
    hedged = claim("The mayor", "said", "the bridge may have been hit")
    assert (hedged.stance, hedged.hedged, [h.text for h in hedged.hedges]) == ("asserts", True, ["may"])


def _parsed(words, heads, deps, tags, pos):
    from spacy.tokens import Doc

    return Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps, tags=tags, pos=pos)


def test_a_tagged_source_is_cut_to_the_phrase_nearest_its_cue() -> None:
    """The tagger's "an explosion that Mayor Jane Roe" before "described": the mayor is the source."""
    words = "Twenty people were hurt by an explosion that Mayor Jane Roe described as an attack .".split()
    heads = [1, 3, 3, 3, 3, 6, 4, 11, 10, 10, 11, 6, 11, 14, 12, 3]
    deps = "nummod nsubjpass auxpass ROOT agent det pobj dobj compound compound nsubj relcl prep det pobj punct"
    tags = "CD NNS VBD VBN IN DT NN WDT NNP NNP NNP VBD IN DT NN ."
    pos = "NUM NOUN AUX VERB ADP DET NOUN PRON PROPN PROPN PROPN VERB ADP DET NOUN PUNCT"
    doc = _parsed(words, heads, deps.split(), tags.split(), pos.split())
    roles = ["O"] * 5 + ["B-SRC"] + ["I-SRC"] * 5 + ["B-CUE", "B-CON", "I-CON", "I-CON", "O"]
    (found,) = group(doc, roles)
    assert found.source is not None and doc.text[found.source[0] : found.source[1]] == "Mayor Jane Roe"


def test_a_tagged_source_takes_in_its_head_word_s_modifiers() -> None:
    words = "His donors said the tax was too high .".split()
    heads = [1, 2, 2, 4, 5, 2, 7, 5, 2]
    deps = "poss nsubj ROOT det nsubj ccomp advmod acomp punct"
    tags = "PRP$ NNS VBD DT NN VBD RB JJ ."
    pos = "PRON NOUN VERB DET NOUN AUX ADV ADJ PUNCT"
    doc = _parsed(words, heads, deps.split(), tags.split(), pos.split())
    roles = ["O", "B-SRC", "B-CUE", "B-CON", "I-CON", "I-CON", "I-CON", "I-CON", "O"]
    (found,) = group(doc, roles)
    assert found.source is not None and doc.text[found.source[0] : found.source[1]] == "His donors"


def test_a_tagged_source_in_the_next_sentence_is_not_a_passive_claim_s(pipeline) -> None:
    """ "The militia is believed to hold the pass. Sources say ...": the belief has no source written."""
    text = "A headline\n\nThe militia is believed to control the border. Sources say the talks could resume.\n"
    believed = next(c for c in pipeline.analyze_text(text).claims if c.cue == "is believed")
    assert (believed.speaker, believed.speaker_start) == ("unnamed", None)


def test_a_preposition_between_a_tagged_cue_and_its_content_goes_in_the_cue() -> None:
    """PolNeAR writes "criticism for X", "agreed with X": the preposition is the cue's, not the content's."""
    from spacy.tokens import Doc

    from geo.analysis.attribution import _cue_by_content

    def spans(words: str, pos: str, cue: str, content: str) -> tuple[str, str]:
        doc = Doc(spacy.blank("en").vocab, words=words.split(), pos=pos.split())
        at = doc.text.index(cue), doc.text.index(content)
        (cue_at, cue_end), start = _cue_by_content(doc, (at[0], at[0] + len(cue)), (at[1], at[1] + len(content)))
        return doc.text[cue_at:cue_end], doc.text[start : at[1] + len(content)]

    words = "The union voiced sharp criticism for cutting the school budget ."
    pos = "DET NOUN VERB ADJ NOUN ADP VERB DET NOUN NOUN PUNCT"
    assert spans(words, pos, "sharp criticism", "for cutting the school budget") == (
        "sharp criticism for",
        "cutting the school budget",
    )
    words, pos = "The mayor agreed with the new plan .", "DET NOUN VERB ADP DET ADJ NOUN PUNCT"
    assert spans(words, pos, "agreed", "the new plan") == ("agreed with", "the new plan")
    # not a preposition after other words ("ruled Friday against X"), nor "to" ("joked to reporters")
    words, pos = "The court ruled Friday against the new plan .", "DET NOUN VERB PROPN ADP DET ADJ NOUN PUNCT"
    assert spans(words, pos, "ruled", "the new plan") == ("ruled", "the new plan")
    words, pos = "She joked to reporters about the plan .", "PRON VERB ADP NOUN ADP DET NOUN PUNCT"
    assert spans(words, pos, "joked", "reporters about the plan") == ("joked", "reporters about the plan")


def test_a_tagged_cue_needs_a_word_that_can_be_a_cue() -> None:
    """The tagger may tag any verb as a cue; one PolNeAR train never (or almost never) uses as one is none."""
    from spacy.tokens import Doc

    from geo.analysis.attribution import _cue_word

    words = "They said the chef was cooking dinner and tossed a ball : the critics ' concerns"
    pos = "PRON VERB DET NOUN AUX VERB NOUN CCONJ VERB DET NOUN PUNCT DET NOUN PART NOUN"
    lemmas = "they say the chef be cook dinner and toss a ball : the critic ' concern"
    doc = Doc(spacy.blank("en").vocab, words=words.split(), pos=pos.split(), lemmas=lemmas.split())
    assert {t.text: _cue_word(t) for t in doc if t.text in ("said", "cooking", "tossed", ":", "concerns")} == {
        "said": True,
        "cooking": False,
        "tossed": False,
        ":": True,
        "concerns": True,
    }
