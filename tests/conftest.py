"""Shared fixtures: the seed article and its gold answers, a loaded pipeline, a fresh store."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("GEO_SHARED", ROOT.parent / "shared"))
SEED_TEXT = SHARED / "seed" / "000_cb1eed41c2725daf.txt"
SEED_GOLD = SHARED / "seed" / "gold.json"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def pipeline():
    from geo.analysis.pipeline import Pipeline

    return Pipeline.load()


@pytest.fixture(scope="session")
def seed_analysis(pipeline, seed_text):
    return pipeline.analyze_text(seed_text)


@pytest.fixture()
def store(tmp_path):
    from geo.store import Store

    db = Store(tmp_path / "test.sqlite")
    yield db
    db.close()
