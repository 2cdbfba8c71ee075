"""The page's analysis workers: one article each, within a deadline; a runaway input is stopped, not waited for."""

from __future__ import annotations

import time

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
