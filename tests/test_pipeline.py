"""The wired pipeline on small texts the tests write and the project's demo article."""

import json
import subprocess
import sys

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
    denial = next(c for c in claims if c["stance"] == "denies")
    assert "source" in (denial.get("speaker_text") or denial["speaker"])
    assert "crossed the border" in denial["text"]


def test_analysis_is_deterministic_across_processes(demo_analysis):
    """Two fresh processes (own hash seeds, own model and index loads) print byte-identical JSON,
    the same as this process computes."""
    command = [sys.executable, "-m", "geo", "analyze", str(DEMO_TEXT), "--format", "json"]
    # Both at once: each loads spaCy for seconds, and the machine has two cores.
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    (first, first_err), (second, second_err) = (run.communicate(timeout=300) for run in runs)
    assert [run.returncode for run in runs] == [0, 0], (first_err + second_err).decode()[-3000:]
    assert first == second
    result = json.loads(first)
    assert result == json.loads(json.dumps(to_dict(demo_analysis)))
    assert result["places"] and result["actors"] and result["claims"]  # something to be deterministic about
