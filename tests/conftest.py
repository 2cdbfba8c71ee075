"""Shared fixtures and the test tiers.

Tiers (markers, registered in pyproject.toml; README "Tests"):
- always-on (no marker): small texts the tests write, the project's demo article and a small
  gazetteer built from part of the packaged data (``fixture_gazetteer``, once per session);
- ``shared``: needs ../shared/ (the seed article and its gold answers, the evaluation corpora);
  runs whenever that folder exists, skips without it, and fails without it when ``CI`` is set;
- ``slow``: the full gazetteer build and its reproducibility;
- ``browser``: Chromium through Playwright (tests/browser_support.py);
- ``postgres``: a PostgreSQL server with PostGIS on 127.0.0.1:5432 (user postgres; ``GEO_TEST_POSTGRES``
  names another); the session creates a fresh database and drops it at the end. Skips without a server,
  fails without one when ``CI`` is set. The ``store`` fixture runs each of its tests on both engines.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo import settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("GEO_SHARED", ROOT.parent / "shared"))
SEED_TEXT = SHARED / "seed" / "000_cb1eed41c2725daf.txt"
SEED_GOLD = SHARED / "seed" / "gold.json"
DEMO_TEXT = ROOT / "data" / "demo_article.txt"  # the project's own article, written for it
# The developer's full index, read before the session points GEO_GAZETTEER at the small one:
# the shared tier checks the seed's gold answers against the real gazetteer.
FULL_GAZETTEER = settings.load().gazetteer
# The small index: every country and continent, towns of 15,000 or more, divisions and airports
# of the countries the always-on tests write about (the demo article's, the unit tests' texts).
FIXTURE_COUNTRIES = ("US", "GB", "FR", "IT", "GR", "TR", "BE", "LY", "LB", "RU", "UA", "EG", "TN", "PL", "JP")
FIXTURE_MIN_POPULATION = 15_000
# For the tests' local HTTP servers: shutdown() waits for serve_forever's next poll, 0.5 s by default,
# which once added 15 s of sleeping to the always-on tier.
QUICK_SHUTDOWN = {"poll_interval": 0.02}
# Using one of these puts a test in the shared tier whether or not it says so.
SHARED_FIXTURES = frozenset({"shared_dir", "seed_text", "seed_path", "gold", "seed_analysis"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if SHARED_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.shared)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("shared"):
        require_shared()
    if item.get_closest_marker("postgres"):
        require_postgres()


def require_shared() -> None:
    """Skip without ../shared/; in CI (``CI`` set) fail instead, so the tier can never vanish unseen."""
    if SEED_TEXT.is_file() and SEED_GOLD.is_file():
        return
    missing = f"{SHARED} (the seed article and the shared corpora) is missing"
    if os.environ.get("CI"):
        pytest.fail(f"shared tier cannot run in CI: {missing}")
    pytest.skip(f"shared tier: {missing}")


POSTGRES_ADMIN = os.environ.get("GEO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def require_postgres() -> None:
    """Skip without a reachable PostgreSQL with PostGIS; in CI fail instead (``.ci/run`` starts one)."""
    problem = _postgres_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"postgres tier cannot run in CI: {problem}")
    pytest.skip(f"postgres tier: {problem}")


_POSTGRES_CHECKED: list[str | None] = []


def _postgres_problem() -> str | None:
    if not _POSTGRES_CHECKED:
        try:
            import psycopg

            with psycopg.connect(POSTGRES_ADMIN, connect_timeout=3) as db:
                found = db.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone()
            _POSTGRES_CHECKED.append(None if found else f"PostGIS is not installed for the server at {POSTGRES_ADMIN}")
        except Exception as error:  # ImportError, or any reason the server cannot be reached
            _POSTGRES_CHECKED.append(f"no PostgreSQL at {POSTGRES_ADMIN} ({type(error).__name__}: {error})".strip())
    return _POSTGRES_CHECKED[0]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this session (PostGIS enabled by the store's migration), dropped at the end."""
    require_postgres()
    import psycopg

    name = f"geo_test_{os.getpid()}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name}")
        db.execute(f"CREATE DATABASE {name}")
    yield POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture()
def empty_postgres(postgres_url) -> str:
    """The session's database with every table of the store emptied (the schema stays)."""
    import psycopg

    from geo.store import Store

    Store(postgres_url).close()  # creates the schema on first use
    with psycopg.connect(postgres_url, autocommit=True) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename NOT IN ('geo_schema', 'spatial_ref_sys')"
            )
        ]
        db.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    return postgres_url


@pytest.fixture(scope="session", autouse=True)
def fixture_gazetteer(tmp_path_factory: pytest.TempPathFactory):
    """The small index, built by the real build code; GEO_GAZETTEER points at it for the whole session
    (subprocesses and the page under AppTest included), so no test reads the developer's cache, and
    GEO_DATABASE at an empty file beside it, so none writes to the developer's articles."""
    from geo.gazetteer import build

    folder = tmp_path_factory.mktemp("gazetteer")
    path = build(
        folder / "gazetteer.sqlite",
        progress=False,
        countries=FIXTURE_COUNTRIES,
        min_city_population=FIXTURE_MIN_POPULATION,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GEO_GAZETTEER", str(path))  # the basemap cache is kept beside it too
        patch.setenv("GEO_DATABASE", str(folder / "articles.sqlite"))
        yield path


@pytest.fixture(scope="session")
def component_scan_once() -> Iterator[None]:
    """AppTest looks for Streamlit components in the metadata of every installed distribution at each
    new ``AppTest`` (0.15 to 0.2 s of CPU a page run, a quarter of the page tests' time); nothing is
    installed during a session, so the session scans once and every ``AppTest`` gets that answer."""
    from streamlit.components.v2 import manifest_scanner

    found = manifest_scanner.scan_component_manifests()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests", lambda max_workers=None: list(found))
        yield


@pytest.fixture(scope="session")
def pipeline(fixture_gazetteer):
    from geo.analysis.pipeline import Pipeline

    return Pipeline.load()


@pytest.fixture(scope="session")
def demo_text() -> str:
    return DEMO_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def demo_analysis(pipeline, demo_text):
    return pipeline.analyze_text(demo_text)


# -- the shared tier ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    require_shared()
    return SHARED


@pytest.fixture(scope="session")
def seed_path(shared_dir) -> Path:
    return SEED_TEXT


@pytest.fixture(scope="session")
def seed_text(seed_path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def gold(shared_dir) -> dict:
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def full_pipeline(pipeline):
    """The loaded spaCy model with the full gazetteer (built on first use if missing)."""
    from geo.analysis.pipeline import Pipeline
    from geo.gazetteer import Gazetteer

    return Pipeline(nlp=pipeline.nlp, gazetteer=Gazetteer.open(FULL_GAZETTEER), tagger=pipeline.tagger)


@pytest.fixture(scope="session")
def seed_analysis(full_pipeline, seed_text):
    return full_pipeline.analyze_text(seed_text)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    """An empty store: an SQLite file, and again an emptied PostgreSQL database (the postgres tier)."""
    from geo.store import Store

    target = request.getfixturevalue("empty_postgres") if request.param == "postgres" else tmp_path / "test.sqlite"
    db = Store(target)
    yield db
    db.close()
