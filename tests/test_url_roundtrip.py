"""Every id the page writes into a link is read back from it (issue: the page rejected its own ``place=adm1:…``).

A store built from the seed, the LGL corpus and the PolNeAR corpora (about 1,500 dated articles, several
thousand places, ten thousand actors, seven thousand speakers): each place, actor and speaker goes into a link
as the page writes it, and comes out of the link as the same place, actor or speaker, with no warning.
Building the store takes several minutes; ``GEO_ROUNDTRIP_STORE`` names one already built from the same files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import FULL_GAZETTEER, ROOT, SEED_TEXT, SHARED

pytestmark = [pytest.mark.shared, pytest.mark.slow]
CORPORA = [SHARED / "eval" / "lgl.jsonl", *sorted((SHARED / "eval").glob("polnear_*.jsonl"))]
BASE = "http://localhost:8501/"


@pytest.fixture(scope="module")
def big_store(tmp_path_factory) -> Path:
    given = os.environ.get("GEO_ROUNDTRIP_STORE")
    if given:
        return Path(given)
    path = tmp_path_factory.mktemp("roundtrip") / "articles.sqlite"
    ingested = subprocess.run(
        [sys.executable, "-m", "geo", "ingest", "--no-progress", str(SEED_TEXT), *map(str, CORPORA)],
        cwd=ROOT,
        env={**os.environ, "GEO_GAZETTEER": str(FULL_GAZETTEER), "GEO_DATABASE": str(path)},
        capture_output=True,
        text=True,
    )
    assert ingested.returncode == 0, ingested.stderr[-3000:]
    return path


def read_back(state):
    """``state`` written as the page writes a link, and read from that link as the page reads one."""
    from geo.view import url as view

    link = f"{BASE}?{state.query_string()}"
    assert len(link) < view.MAX_LINK_CHARS, link
    query = parse_qs(urlsplit(link).query, keep_blank_values=True)
    return view.from_query(lambda name: query.get(name, []))


def test_every_place_actor_and_speaker_id_survives_a_link(big_store):
    from geo.store import Store
    from geo.types import MapFilter
    from geo.view import url as view

    store = Store(big_store)
    assert store.article_count() >= 1400
    dated = store.articles(limit=10_000)
    assert (dated["published_source"] != "ingested").sum() >= 900  # PolNeAR's own dates
    assert dated["published"].notna().all()

    places = list(store.places(MapFilter())["id"])
    assert len(places) > 1000 and any(p.startswith("adm1:") and "." in p for p in places)
    rejected = []
    for place in places:
        back, warnings = read_back(view.ViewState(place=place))
        if back.place != place or warnings:
            rejected.append((place, warnings))
    assert not rejected, rejected[:20]

    actors = store.actors(None)
    names = dict(zip(actors["id"], actors["name"], strict=True))
    assert len(names) > 5000
    rejected = []
    values = view.actor_values(names)  # what the actor filter writes
    for actor_id in names:
        written = values[actor_id]
        back, warnings = read_back(view.ViewState(actors=(written,)))
        ids, unknown = view.match_actors(back.actors, names)
        if ids != [actor_id] or unknown or warnings:
            rejected.append((actor_id, written, ids, warnings))
    assert not rejected, rejected[:20]

    speakers = list(dict.fromkeys(store.speakers(None)["name"]))  # the speaker filter's options
    assert len(speakers) > 3000
    rejected = []
    for speaker in speakers:
        back, warnings = read_back(view.ViewState(speakers=(speaker,)))
        if back.speakers != (speaker,) or warnings:
            rejected.append((speaker, warnings))
    assert not rejected, rejected[:20]
    # Days of the timeline (brushed or stepped into from= and to=) and sources, too.
    days = list(store.timeline(MapFilter())["day"])
    assert len(days) > 100
    for day in days:
        assert read_back(view.ViewState(since=day, until=day)) == (view.ViewState(since=day, until=day), [])
    for source in store.sources()["source"]:
        assert read_back(view.ViewState(sources=(source,))) == (view.ViewState(sources=(source,)), []), source
    # And read back, each names claims of the store (a sample: one query each).
    for speaker in speakers[:: max(1, len(speakers) // 200)]:
        assert not store.claims(None, speakers=[speaker], with_passages=False).empty, speaker
