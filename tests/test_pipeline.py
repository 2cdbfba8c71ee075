"""The wired pipeline on small texts the tests write."""

from geo.export import to_dict


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
    denial = next(c for c in claims if c["stance"] == "denies")
    assert "source" in (denial.get("speaker_text") or denial["speaker"])
    assert "crossed the border" in denial["text"]


def test_analysis_is_deterministic(pipeline, seed_text):
    assert to_dict(pipeline.analyze_text(seed_text)) == to_dict(pipeline.analyze_text(seed_text))
