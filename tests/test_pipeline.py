"""The wired pipeline on small texts the tests write and the project's demo article."""

import json
import subprocess
import sys

import pytest

from geo.export import to_dict
from tests.conftest import DEMO_TEXT, ROOT


def test_a_line_break_ends_a_sentence(pipeline):
    doc = pipeline.nlp("Floods Hit Dhaka As Rivers Rise\n\nOfficials said the water would recede.")
    starts = [s.start_char for s in doc.sents]
    assert doc.text.index("Officials") in starts


def test_headline_does_not_swallow_the_lead_claim(pipeline):
    text = (
        "Army Denies Crossing Border\n\n"
        "An informed source in the army, commanded by John Smith, denied to Reuters that troops had "
        "crossed the border near Kharkiv.\n"
    )
    claims = to_dict(pipeline.analyze_text(text))["claims"]
    # The headline may be a claim of its own (news corpora annotate about half of them as attributions);
    # the lead's denial must still be there whole, with its own speaker.
    denial = next(c for c in claims if c["stance"] == "denies" and "crossed the border" in c["text"])
    assert "source" in (denial.get("speaker_text") or denial["speaker"])


def test_analysis_is_deterministic_across_processes(pipeline, demo_analysis, monkeypatch, capsys):
    """A fresh process (its own hash seed, its own model and index loads) prints byte for byte the JSON
    that ``geo analyze`` prints in this process."""
    from geo.analysis.pipeline import Pipeline
    from geo.cli import main

    command = [sys.executable, "-m", "geo", "analyze", str(DEMO_TEXT), "--format", "json"]
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Meanwhile the same command here, with this session's pipeline (the child loads its own).
    monkeypatch.setattr(Pipeline, "load", classmethod(lambda cls, config=None: pipeline))
    assert main(["analyze", str(DEMO_TEXT), "--format", "json"]) == 0
    here = capsys.readouterr().out.encode()
    there, errors = child.communicate(timeout=300)
    assert child.returncode == 0, errors.decode()[-3000:]
    assert there == here
    result = json.loads(there)
    assert result == json.loads(json.dumps(to_dict(demo_analysis)))
    assert result["places"] and result["actors"] and result["claims"]  # something to be deterministic about


def test_a_batch_gives_each_article_the_analysis_it_gets_alone(pipeline, demo_text):
    """nlp.pipe over a batch (long texts in chunks among short ones) changes no result; a text over the
    token limit fails alone."""
    from dataclasses import replace

    from geo.errors import InputTooLarge
    from geo.sources.ingest import read_text

    documents = [
        read_text(demo_text),
        read_text("Floods Hit Dhaka As Rivers Rise\n\nOfficials in Dhaka said the water would recede."),
        read_text("Talks in Geneva\n\n" + "Officials met in Geneva and Paris on Monday.\n" * 400),  # chunked
        read_text("Ships docked at Tobruk and Benghazi."),
    ]
    bounded = replace(pipeline, max_tokens=2000)
    alone = [bounded.analyze(d) if len(d.text) < 8000 else None for d in documents]
    batched = bounded.analyze_many(documents)
    assert isinstance(batched[2], InputTooLarge)
    assert [to_dict(a) for i, a in enumerate(batched) if i != 2] == [to_dict(a) for a in alone if a]
    assert [to_dict(a) for a in pipeline.analyze_many(documents[2:3])] == [to_dict(pipeline.analyze(documents[2]))]


def test_one_article_breaking_the_batched_call_fails_alone(pipeline, monkeypatch):
    from geo.errors import GeoError
    from geo.sources.ingest import read_text

    documents = [read_text("Clashes in Misrata."), read_text("Poison pill in Derna."), read_text("Calm in Sirte.")]
    nlp = pipeline.nlp
    parse_one = type(nlp).__call__

    def refuse(self, doc, *args, **kwargs):
        if "Poison" in doc.text:
            raise ValueError("the model choked")
        return parse_one(self, doc, *args, **kwargs)

    def pipe(self, docs, *args, **kwargs):
        return (refuse(self, doc) for doc in docs)

    monkeypatch.setattr(type(nlp), "__call__", refuse)
    monkeypatch.setattr(type(nlp), "pipe", pipe)
    results = pipeline.analyze_many(documents)
    assert isinstance(results[1], GeoError) and "the model choked" in str(results[1])
    assert [r.article.text for r in (results[0], results[2])] == ["Clashes in Misrata.", "Calm in Sirte."]


def test_a_bare_surname_is_the_person_last_named_in_full_with_it(pipeline):
    body = (
        "Alexander Dvorak opened the market in Brno on Monday.\n\n"
        "His cousin Gabe Dvorak runs the bakery across the square.\n\n"
        "Dvorak said the bread would be ready by noon."
    )
    text = f"A headline for the test\n\n{body}\n"
    analysis = pipeline.analyze_text(text)
    last = text.rindex("Dvorak")
    holders = [a.name for a in analysis.actors if any(s.start == last for s in a.mentions)]
    assert holders == ["Gabe Dvorak"]


def _actor_types(pipeline, body: str) -> dict[str, str]:
    analysis = pipeline.analyze_text(f"A headline for the test\n\n{body}\n")
    return {a.name: a.type for a in analysis.actors}


@pytest.mark.parametrize(
    ("body", "name"),
    [
        # a name right after a person's role word, which the small model tags a body
        ("Government spokeswoman Yolande Makolo said the accusations were baseless.", "Yolande Makolo"),
        ("Opposition leader María Corina Machado said the vote had been stolen.", "María Corina Machado"),
        # a person's role in apposition
        ("Talks would resume in March, said Nduhungirehe, the foreign minister.", "Nduhungirehe"),
        ("The border was calm, said Yolande Makolo, the government spokeswoman.", "Yolande Makolo"),
        # the only name before a "he" or "she" opening the next sentence
        ("Nduhungirehe said talks would resume in March. He said the ceasefire was holding.", "Nduhungirehe"),
    ],
)
def test_a_name_written_as_a_persons_is_a_person(pipeline, body, name):
    assert _actor_types(pipeline, body).get(name) == "person"


def test_a_name_the_gazetteer_reads_as_a_place_is_no_group(pipeline):
    body = (
        "The Misrata Brigade said it had taken Gharyan on Sunday. Gharyan said its roads were open. "
        "The group said the road to the coast was open."
    )
    analysis = pipeline.analyze_text(f"A headline for the test\n\n{body}\n")
    assert "Gharyan" not in {a.name for a in analysis.actors}
    assert analysis.claims[-1].speaker == "misrata-brigade"


def test_a_platform_a_statement_is_posted_on_is_no_group(pipeline):
    body = "The Arakan Army posted a statement on Telegram. The group said the town had fallen."
    analysis = pipeline.analyze_text(f"A headline for the test\n\n{body}\n")
    assert "Telegram" not in {a.name for a in analysis.actors}
    assert [c.speaker for c in analysis.claims if c.speaker_text == "The group"] == ["arakan-army"]


@pytest.mark.parametrize(
    ("body", "name"),
    [
        # a platform that acts itself is a body still
        ("Telegram said it had blocked the channels on Monday.", "Telegram"),
        # a role word after "whose" is not the name's
        ("Hamas, the group whose leader was killed in May, said it would fight on.", "Hamas"),
    ],
)
def test_a_body_stays_a_body(pipeline, body, name):
    assert _actor_types(pipeline, body).get(name) == "organisation"


def test_a_people_after_a_role_word_is_no_person(pipeline):
    # "candidate" before "Republican voters": a role word, but the name after it is a people's, not a person's
    types = _actor_types(pipeline, "Polls show Trump is the candidate Republican voters trust most on terrorism.")
    assert types.get("Republican") != "person"
