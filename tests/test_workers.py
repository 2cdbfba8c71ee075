"""The page's analysis workers: one article each, within a deadline; a runaway input is stopped, not waited for."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from geo import settings
from geo.batch import AnalysisWorkers
from geo.errors import AnalysisTimeout
from geo.sources.ingest import read_text

PARAGRAPH = "Officials in Tripoli said the talks in Geneva would resume. Others in Misrata disagreed.\n\n"


def test_a_runaway_analysis_stops_at_its_deadline_and_the_workers_recover() -> None:
    config = settings.load({"GEO_ANALYSIS_TIMEOUT": "1"})
    workers = AnalysisWorkers(config, workers=1)
    try:
        quick = workers.analyse(read_text(PARAGRAPH))
        assert {r.place.name for r in quick.resolutions} >= {"Tripoli", "Geneva"}
        slow = read_text(PARAGRAPH * 1500)  # about 135,000 characters: several seconds of analysis
        started = time.perf_counter()
        with pytest.raises(AnalysisTimeout, match="GEO_ANALYSIS_TIMEOUT"):
            workers.analyse(slow)
        assert time.perf_counter() - started < 2  # the deadline (1 s) held within 1 s
        again = workers.analyse(read_text(PARAGRAPH))  # fresh workers after the stop
        assert again.article.id == quick.article.id
    finally:
        workers.close()


def _nap(document):  # the workers' task in the test below: module-level, so a worker can unpickle it
    time.sleep(1.0)
    return document.text


def test_a_deadline_counts_the_article_s_own_analysis_not_its_wait_for_a_worker() -> None:
    """Three sessions at once, one worker, a 1.5 s limit, 1 s of work each: the first runs at once, the
    second waits 1 s for the worker and still has its whole 1.5 s (counted from submission it would be
    stopped, and the first with it); the third would wait 2 s, past the limit, and is refused as busy
    without stopping anyone."""
    workers = AnalysisWorkers(settings.load({"GEO_ANALYSIS_TIMEOUT": "1.5"}), workers=1, task=_nap)
    try:
        workers.analyse(read_text("warm"))  # the worker started (and its model loaded) before the clock
        with ThreadPoolExecutor(3) as sessions:
            futures = [sessions.submit(workers.analyse, read_text(name)) for name in ("one", "two", "three")]
            outcomes = [f.exception() or f.result() for f in futures]
        answers = [o for o in outcomes if isinstance(o, str)]
        refused = [o for o in outcomes if isinstance(o, AnalysisTimeout)]
        assert len(answers) == 2 and len(refused) == 1, outcomes
        assert "busy" in str(refused[0])
    finally:
        workers.close()
