"""The embedded SQLite store: analysed articles, their places, actors and passages.

Datasette's style: a ``Store`` with small named methods, each one
parameterised SQL statement; DataFrames only at the edge, for the page.
The schema is versioned with ``PRAGMA user_version``; ``MIGRATIONS[i]`` takes
a database from version i to i + 1. Each article is saved in one transaction,
keyed by its content hash, so saving the same text twice stores nothing new
(``INSERT ... ON CONFLICT DO NOTHING`` inside ``BEGIN IMMEDIATE``, so two
processes ingesting the same files at once neither lose nor duplicate one).
Never edit a migration others have run: append a new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import ArticleNotFound, StoreError
from geo.store.rows import place_mentions
from geo.types import Analysis, Article, Bounds, Claim, MapFilter, Place

if TYPE_CHECKING:
    import pandas as pd

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY, title TEXT NOT NULL, url TEXT, source TEXT, published TEXT,
        text TEXT NOT NULL, ingested_at TEXT NOT NULL);
    CREATE TABLE passages (
        id INTEGER PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, kind TEXT NOT NULL,
        UNIQUE (article_id, idx));
    CREATE TABLE places (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL, kind TEXT NOT NULL,
        country TEXT, geonameid TEXT, population INTEGER, source TEXT);
    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        passage_id INTEGER REFERENCES passages(id), start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        surface TEXT NOT NULL, place_id TEXT NOT NULL REFERENCES places(id), role TEXT NOT NULL,
        score REAL, runner_up TEXT, reason TEXT);
    CREATE INDEX mentions_place ON mentions(place_id, article_id);
    CREATE INDEX mentions_article ON mentions(article_id);
    CREATE TABLE actors (id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, place_id TEXT);
    CREATE TABLE actor_mentions (
        actor_id TEXT NOT NULL REFERENCES actors(id), article_id TEXT NOT NULL REFERENCES articles(id)
        ON DELETE CASCADE, passage_id INTEGER REFERENCES passages(id), start INTEGER NOT NULL,
        "end" INTEGER NOT NULL);
    CREATE INDEX actor_mentions_actor ON actor_mentions(actor_id, article_id);
    CREATE INDEX actor_mentions_passage ON actor_mentions(passage_id);
    CREATE TABLE claims (
        id TEXT NOT NULL, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        passage_id INTEGER REFERENCES passages(id), start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        speaker TEXT, via TEXT, cue TEXT, stance TEXT, hedged INTEGER,
        PRIMARY KEY (article_id, id));
    CREATE TABLE claim_places (article_id TEXT, claim_id TEXT, place_id TEXT);
    CREATE TABLE claim_actors (article_id TEXT, claim_id TEXT, actor_id TEXT);
    """,
    # 2: indexes for the aggregated map query and the claim tables; claim text;
    # corrections, so a person's fix of a mention survives re-analysis.
    """
    CREATE INDEX mentions_article_place ON mentions(article_id, place_id, passage_id);
    CREATE INDEX passages_article ON passages(article_id, start);
    CREATE INDEX articles_ingested ON articles(ingested_at);
    CREATE INDEX articles_published ON articles(published);
    CREATE INDEX actor_mentions_article ON actor_mentions(article_id, actor_id);
    CREATE INDEX claims_speaker ON claims(speaker);
    CREATE UNIQUE INDEX claim_places_key ON claim_places(article_id, claim_id, place_id);
    CREATE INDEX claim_places_place ON claim_places(place_id, article_id);
    CREATE UNIQUE INDEX claim_actors_key ON claim_actors(article_id, claim_id, actor_id);
    CREATE INDEX claim_actors_actor ON claim_actors(actor_id, article_id);
    ALTER TABLE claims ADD COLUMN text TEXT;
    CREATE TABLE corrections (
        id INTEGER PRIMARY KEY, article_id TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        place_id TEXT, by TEXT NOT NULL, at TEXT NOT NULL, UNIQUE (article_id, start, "end"));
    """,
    # 3: a claim's speaker as written, the actor it resolved to, and the claims it contradicts (geo.analysis.claims).
    """
    ALTER TABLE claims ADD COLUMN speaker_text TEXT;
    ALTER TABLE claims ADD COLUMN speaker_actor TEXT;
    ALTER TABLE claims ADD COLUMN contradicts TEXT;
    CREATE INDEX claims_speaker_actor ON claims(speaker_actor);
    """,
    # 4: where a claim's speaker and cue are written, and whether it states or ascribes an inner state.
    """
    ALTER TABLE claims ADD COLUMN speaker_start INTEGER;
    ALTER TABLE claims ADD COLUMN speaker_end INTEGER;
    ALTER TABLE claims ADD COLUMN cue_start INTEGER;
    ALTER TABLE claims ADD COLUMN cue_end INTEGER;
    ALTER TABLE claims ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;
    """,
    # 5: where an article's date came from (an article without one is dated when it was stored, and
    # says so); stored views, so a link can name a hand-picked set of articles too long to list in it.
    """
    ALTER TABLE articles ADD COLUMN published_source TEXT;
    UPDATE articles SET published_source = 'given' WHERE published IS NOT NULL;
    UPDATE articles SET published = ingested_at, published_source = 'ingested' WHERE published IS NULL;
    CREATE INDEX articles_published_day ON articles(substr(published, 1, 10));
    CREATE TABLE views (id TEXT PRIMARY KEY, articles TEXT NOT NULL, created_at TEXT NOT NULL);
    """,
    # 6: the map's viewport query by position: PostGIS geometry with a GiST index on PostgreSQL,
    # a (lat, lon) index on SQLite (a statement tagged with an engine runs on that engine only); and
    # each place's mentions over every article, kept by each write, for the whole archive's map (with its
    # point: a place id's coordinates never change, and the world's map then reads this table alone).
    """
    /* sqlite */ CREATE INDEX places_lat_lon ON places(lat, lon);
    /* postgresql */ CREATE EXTENSION IF NOT EXISTS postgis;
    /* postgresql */ ALTER TABLE places ADD COLUMN geom geometry(Point, 4326)
        GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED;
    /* postgresql */ CREATE INDEX places_geom ON places USING GIST (geom);
    CREATE TABLE place_counts (
        place_id TEXT PRIMARY KEY, mentions INTEGER NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL);
    INSERT INTO place_counts (place_id, mentions, lat, lon) SELECT m.place_id, COUNT(*), p.lat, p.lon
        FROM mentions m JOIN places p ON p.id = m.place_id GROUP BY m.place_id, p.lat, p.lon;
    """,
    # 7: how a claim's speaker was resolved: the speaker as written, then each reference it was linked
    # through ("he" -> "the president" -> "President X"), as JSON [[start, end, text], ...].
    """
    ALTER TABLE claims ADD COLUMN speaker_chain TEXT;
    """,
    # 8: contradictions across articles: a claim and a claim of another article about the same place and
    # the same thing (geo.analysis.propositions.proposition_keys), with opposite stances, by other speakers.
    """
    CREATE TABLE claim_contradictions (
        article_id TEXT NOT NULL, claim_id TEXT NOT NULL, other_article_id TEXT NOT NULL,
        other_claim_id TEXT NOT NULL, place_id TEXT NOT NULL,
        PRIMARY KEY (article_id, claim_id, other_article_id, other_claim_id, place_id));
    CREATE INDEX claim_contradictions_other ON claim_contradictions(other_article_id);
    """,
    # 9: a claim's place row carries its article's date, so linking a new claim reads the newest claims
    # about a place by an index (LINK_CANDIDATES of them), not every claim ever stored about it.
    """
    ALTER TABLE claim_places ADD COLUMN published TEXT;
    UPDATE claim_places SET published = (SELECT a.published FROM articles a WHERE a.id = claim_places.article_id);
    CREATE INDEX claim_places_recent ON claim_places(place_id, published, article_id, claim_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
VIEW_ID_CHARS = 12  # a stored view's id: hex digits of a hash of its article ids
# Which articles a reader takes: a list of ids, None (every stored article), or a filter's articles, sources and dates.
Scope = Sequence[str] | MapFilter | None
DEFAULT_ARTICLE_LIMIT = 200  # articles(): rows returned when the caller names no limit
MAX_ARTICLE_LIMIT = 10_000  # articles(): larger limits are cut to this
CORRECTED_REASON = "Chosen by a person, over the gazetteer's first reading."
BUSY_TIMEOUT_S = 60  # how long a writer waits for another process's transaction
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
CELLS_PER_TILE = 4  # viewport(): grid cells across one 256-pixel map tile (64 pixels a cell)
MAX_ZOOM = 18


def is_postgres_url(target: Path | str) -> bool:
    """Whether ``GEO_DATABASE`` names a PostgreSQL database (a URL) rather than an SQLite file."""
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


class Store:
    """One SQLite file; safe to share between Streamlit sessions (one lock, one connection).

    Several processes may write the same file at once: each article is one
    ``BEGIN IMMEDIATE`` transaction, waiting up to ``BUSY_TIMEOUT_S`` for the others.
    ``Store("postgresql://…")`` opens a PostgreSQL database instead (``geo.store.postgres``):
    the same methods, the same schema history.
    """

    _ERRORS: tuple[type[Exception], ...] = (sqlite3.Error,)

    def __new__(cls, path: Path | str) -> Store:
        if cls is Store and is_postgres_url(path):
            from geo.store.postgres import PostgresStore

            return super().__new__(PostgresStore)
        return super().__new__(cls)

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.read_only = False
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            if str(path) != ":memory:" and self.path.exists() and not os.access(self.path, os.W_OK):
                self._open_read_only()
            else:
                # isolation_level=None: no implicit transactions; every write is an explicit BEGIN IMMEDIATE.
                self._db = sqlite3.connect(
                    str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_S, isolation_level=None
                )
                self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
                self._db.execute("PRAGMA foreign_keys = ON")
                self._use_wal()
                # WAL + NORMAL: a crash or kill never corrupts the file; a power cut may lose the last article.
                self._db.execute("PRAGMA synchronous = NORMAL")
                self._migrate()
        except (sqlite3.Error, OSError) as error:
            raise StoreError(
                f"Cannot open the database at {path}: {_cause(error)}. Set GEO_DATABASE to a writable file."
            ) from error
        self._lock = threading.Lock()
        self._writes = 0  # this connection's commits (data_version counts the other connections')

    def _use_wal(self) -> None:
        """Switch the file to WAL. A new file's switch needs it alone for a moment, and SQLite answers
        "database is locked" at once rather than waiting (two processes opening one new file together):
        try again until the busy timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
            else:
                if mode in ("wal", "memory") or time.monotonic() > deadline:
                    return
            time.sleep(0.05)

    def _open_read_only(self) -> None:
        """A file this process may not write: read it as it is (immutable when its folder is not writable
        either, since WAL readers need to create the -shm file beside it)."""
        self.read_only = True
        immutable = "&immutable=1" if not os.access(self.path.parent, os.W_OK) else ""
        uri = f"{self.path.resolve().as_uri()}?mode=ro{immutable}"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} is read-only and has schema {version}, not {SCHEMA_VERSION}: "
                "it cannot be upgraded. Make it writable once, or point GEO_DATABASE at a copy."
            )

    def _migrate(self) -> None:
        if self._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return
        # Another process may be migrating the same file: take the write lock, then look again.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path} was written by a newer version (schema {version} > {SCHEMA_VERSION}).")
            for number in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number], "sqlite"):
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        # SQLite has already rolled back after some errors (a full disk): a second ROLLBACK would
        # replace the real cause with "cannot rollback - no transaction is active".
        if self._db.in_transaction:
            with suppress(*self._ERRORS):
                self._db.execute("ROLLBACK")

    @contextmanager
    def _using(self) -> Iterator[None]:
        """Hold ``self._db`` for one read or one transaction: SQLite's one connection, one thread at a
        time (PostgreSQL: a connection of the pool for this thread, ``geo.store.postgres``)."""
        with self._lock:
            yield

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise StoreError(f"Cannot write to {self.path}: the file is read-only (opened for reading only).")
        with self._using():
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except self._ERRORS as error:
                raise StoreError(f"Cannot write to {self.path}: {_cause(error)}.") from error
            try:
                yield self._db
                self._db.execute("COMMIT")
                self._writes += 1
            except self._ERRORS as error:
                self._rollback()
                raise StoreError(f"Cannot write to {self.path}: {_cause(error)}. Nothing was saved.") from error
            except BaseException:
                self._rollback()
                raise

    @contextmanager
    def _reading(self) -> Iterator[None]:
        with self._using():
            try:
                yield
            except self._ERRORS as error:
                raise StoreError(f"Cannot read {self.path}: {_cause(error)}.") from error

    def _frame(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        import pandas as pd  # here, not at the top: an ingest only writes, and pandas is 60 MiB of it

        with self._reading():
            return _nulls_as_none(pd.read_sql_query(sql, self._db, params=list(params)))

    def _records(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        """Like ``_frame`` without pandas' SQL layer: faster for the large frames of the map."""
        import pandas as pd

        with self._reading():
            cursor = self._db.execute(sql, list(params))
            columns = [d[0] for d in cursor.description]
            return _nulls_as_none(pd.DataFrame.from_records(cursor.fetchall(), columns=columns))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------

    def save(self, analysis: Analysis, *, replace: bool = False) -> str:
        """Store one analysed article in one transaction; a known article is left as it is.

        With ``replace`` a known article's analysis is swapped for this one (re-analysis);
        a person's corrections of its mentions are applied again either way.
        """
        with self._transaction() as db:
            return self._write(db, analysis, replace=replace)

    def save_many(self, analyses: Sequence[Analysis]) -> list[str | Exception]:
        """Store analysed articles in one transaction (a known article is left as it is): the ingest's
        writer saves each batch that comes back from the workers this way, a commit per batch rather
        than per article. Each article's id, or the error that kept that article alone from being
        stored: if the batch's transaction fails, its articles are saved one by one, so one bad
        article costs only itself."""
        if len(analyses) > 1:
            try:
                with self._transaction() as db:
                    return [self._write(db, analysis) for analysis in analyses]
            except Exception:  # nothing of the batch was stored: find which article it was, one transaction each
                pass
        out: list[str | Exception] = []
        for analysis in analyses:
            try:
                out.append(self.save(analysis))
            except Exception as error:  # a bug in one article must not stop the others
                out.append(error)
        return out

    def _write(self, db: sqlite3.Connection, analysis: Analysis, *, replace: bool = False) -> str:
        """One article's rows, inside the caller's transaction."""
        article = analysis.article
        if replace:
            _delete_article(db, article.id)
        ingested_at = datetime.now(UTC).isoformat(timespec="microseconds")
        inserted = db.execute(
            "INSERT INTO articles (id, title, url, source, published, published_source, text, ingested_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
            (
                article.id,
                article.title,
                article.url,
                article.source,
                # Every article has a date to place it in time: without its own, the time it was stored.
                article.published or ingested_at,
                (article.published_source or "given") if article.published else "ingested",
                article.text,
                ingested_at,
            ),
        ).rowcount
        if not inserted:
            return article.id
        passage_ids = {}
        for passage in analysis.passages:
            # RETURNING rather than lastrowid: the same statement on both engines.
            passage_ids[passage.index] = db.execute(
                'INSERT INTO passages (article_id, idx, start, "end", kind) VALUES (?, ?, ?, ?, ?) RETURNING id',
                (article.id, passage.index, passage.start, passage.end, passage.kind),
            ).fetchone()[0]
        starts = [p.start for p in analysis.passages]

        def passage_of(start: int) -> int | None:
            i = bisect_right(starts, start) - 1
            if i >= 0 and analysis.passages[i].start <= start < analysis.passages[i].end:
                return passage_ids[analysis.passages[i].index]
            for passage in analysis.passages:  # passages out of order: look at every one
                if passage.start <= start < passage.end:
                    return passage_ids[passage.index]
            return None

        grouped = place_mentions(analysis)
        # Runners-up are stored too, so the page can say what a place was chosen over. Shared rows
        # (places, actors) are written in id order: two writers never wait on each other in a cycle.
        places = {
            p.id: p
            for resolutions in grouped.values()
            for p in (resolutions[0].place, *(r.runner_up for r in resolutions if r.runner_up))
        }
        db.executemany(
            "INSERT OR IGNORE INTO places (id, name, lat, lon, kind, country, geonameid, population, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (p.id, p.name, p.lat, p.lon, p.kind, p.country, p.geonameid, p.population, p.source)
                for _, p in sorted(places.items())
            ],
        )
        for resolutions in grouped.values():
            place = resolutions[0].place
            db.executemany(
                'INSERT INTO mentions (article_id, passage_id, start, "end", surface, place_id, role, score,'
                " runner_up, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        article.id,
                        passage_of(r.mention.start),
                        r.mention.start,
                        r.mention.end,
                        r.mention.text,
                        place.id,
                        r.role,
                        r.score,
                        r.runner_up.id if r.runner_up else None,
                        r.reason,
                    )
                    for r in resolutions
                ],
            )
        db.executemany(
            "INSERT INTO actors (id, name, type, place_id) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
            sorted({a.id: (a.id, a.name, a.type, a.place_id) for a in reversed(analysis.actors)}.values()),
        )
        for actor in analysis.actors:
            db.executemany(
                'INSERT INTO actor_mentions (actor_id, article_id, passage_id, start, "end") VALUES (?, ?, ?, ?, ?)',
                [(actor.id, article.id, passage_of(m.start), m.start, m.end) for m in actor.mentions],
            )
        for claim in analysis.claims:
            db.execute(
                'INSERT INTO claims (id, article_id, passage_id, start, "end", speaker, via, cue, stance, hedged,'
                " text, speaker_text, speaker_actor, contradicts, speaker_start, speaker_end, cue_start, cue_end,"
                " internal, speaker_chain) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(article_id, id) DO NOTHING",
                (
                    claim.id,
                    article.id,
                    passage_of(claim.start),
                    claim.start,
                    claim.end,
                    claim.speaker,
                    claim.via,
                    claim.cue,
                    claim.stance,
                    int(claim.hedged),
                    claim.text,
                    claim.speaker_text,
                    claim.speaker_actor,
                    ",".join(claim.contradicts) or None,
                    claim.speaker_start,
                    claim.speaker_end,
                    claim.cue_start,
                    claim.cue_end,
                    int(claim.internal),
                    json.dumps([[s.start, s.end, s.text] for s in claim.speaker_chain], ensure_ascii=False)
                    if claim.speaker_chain
                    else None,
                ),
            )
            db.executemany(
                "INSERT OR IGNORE INTO claim_places (article_id, claim_id, place_id, published)"
                " VALUES (?, ?, ?, (SELECT published FROM articles WHERE id = ?))",
                [(article.id, claim.id, place_id, article.id) for place_id in claim.places],
            )
            db.executemany(
                "INSERT OR IGNORE INTO claim_actors (article_id, claim_id, actor_id) VALUES (?, ?, ?)",
                [(article.id, claim.id, actor_id) for actor_id in claim.actors],
            )
        _link_across_articles(db, article, analysis.claims)
        for start, end, place_id in db.execute(
            'SELECT start, "end", place_id FROM corrections WHERE article_id = ?', (article.id,)
        ).fetchall():
            _apply_correction(db, article.id, start, end, place_id)
        _count_places(db, article.id, +1)
        return article.id

    def contradictions_across(self, article_ids: Sequence[str] | None, place_id: str | None = None) -> pd.DataFrame:
        """Claims of these articles contradicted by a claim of another stored article about the same
        place (only ``place_id`` when given): article_id, claim_id, other_article_id, other_claim_id,
        place_id (each pair once)."""
        where = "TRUE"
        params: list[str] = []
        if article_ids is not None:
            marks = _placeholders(article_ids)
            where = f"(article_id IN ({marks}) OR other_article_id IN ({marks}))"
            params = [*article_ids, *article_ids]
        if place_id is not None:  # one place's panel: read its pairs, not the whole view's
            where += " AND place_id = ?"
            params.append(place_id)
        return self._frame(
            "SELECT article_id, claim_id, other_article_id, other_claim_id, place_id FROM claim_contradictions"
            f" WHERE {where} ORDER BY place_id, article_id, claim_id",
            params,
        )

    def correct(self, article_id: str, start: int, end: int, place: Place, *, by: str) -> None:
        """A person's choice of gazetteer entry for the mention at [start, end); kept across re-analysis."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO places (id, name, lat, lon, kind, country, geonameid, population, source)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    place.id,
                    place.name,
                    place.lat,
                    place.lon,
                    place.kind,
                    place.country,
                    place.geonameid,
                    place.population,
                    place.source,
                ),
            )
            db.execute(
                'INSERT INTO corrections (article_id, start, "end", place_id, by, at) VALUES (?, ?, ?, ?, ?, ?)'
                ' ON CONFLICT(article_id, start, "end") DO UPDATE SET place_id = excluded.place_id,'
                " by = excluded.by, at = excluded.at",
                (article_id, start, end, place.id, by, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            _count_places(db, article_id, -1)
            _apply_correction(db, article_id, start, end, place.id)
            _count_places(db, article_id, +1)

    def corrections(self, article_ids: Sequence[str]) -> pd.DataFrame:
        """Corrections made by people: article_id, start, end, place_id, by, at."""
        return self._frame(
            'SELECT article_id, start, "end", place_id, by, at FROM corrections'
            f" WHERE article_id IN ({_placeholders(article_ids)}) ORDER BY at",
            article_ids,
        )

    # -- reading: articles ----------------------------------------------------

    def revision(self) -> tuple[int | str, int]:
        """Changes whenever a write is committed to the file, by this process or another: a key for
        caching what the readers return."""
        with self._reading():
            return int(self._db.execute("PRAGMA data_version").fetchone()[0]), self._writes

    def has_article(self, article_id: str) -> bool:
        with self._reading():
            return self._db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def known(self, article_ids: Iterable[str]) -> set[str]:
        """The ids among ``article_ids`` that are stored (one query per 500 ids)."""
        ids = list(article_ids)
        found: set[str] = set()
        with self._reading():
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                found.update(
                    row[0]
                    for row in self._db.execute(f"SELECT id FROM articles WHERE id IN ({_placeholders(chunk)})", chunk)
                )
        return found

    def article(self, article_id: str) -> dict[str, str]:
        with self._reading():
            row = self._db.execute(
                "SELECT id, title, url, source, published, published_source, text, ingested_at FROM articles"
                " WHERE id = ?",
                (article_id,),
            ).fetchone()
        if row is None:
            raise ArticleNotFound(f"No stored article has the id {article_id!r}.")
        keys = ("id", "title", "url", "source", "published", "published_source", "text", "ingested_at")
        return dict(zip(keys, row, strict=True))

    def articles(
        self,
        limit: int = DEFAULT_ARTICLE_LIMIT,
        *,
        sources: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        title: str | None = None,
    ) -> pd.DataFrame:
        """Stored articles, newest ingested first: id, title, url, source, published, ingested_at, places.

        At most ``limit`` rows (cut to ``MAX_ARTICLE_LIMIT``); compare with
        ``article_count()`` to tell the reader the list was cut. ``since`` and
        ``until`` are ISO dates compared with the publication date (inclusive);
        ``title`` keeps titles containing it (case-insensitive).
        """
        where, params = _article_filter("a", sources=sources, since=since, until=until, title=title)
        return self._frame(
            "SELECT a.id, a.title, a.url, a.source, a.published, a.published_source, a.ingested_at,"
            " (SELECT COUNT(DISTINCT m.place_id) FROM mentions m WHERE m.article_id = a.id) AS places"
            f" FROM articles a WHERE {where} ORDER BY a.ingested_at DESC, a.rowid DESC LIMIT ?",
            [*params, max(0, min(limit, MAX_ARTICLE_LIMIT))],
        )

    def articles_by_id(self, article_ids: Sequence[str]) -> pd.DataFrame:
        """The named articles (any order of ids; unknown ids are left out): id, title, url, source, published,
        published_source, ingested_at."""
        return self._frame(
            "SELECT id, title, url, source, published, published_source, ingested_at FROM articles"
            f" WHERE id IN ({_placeholders(article_ids)}) ORDER BY ingested_at DESC, rowid DESC",
            article_ids,
        )

    def article_count(
        self,
        *,
        sources: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        title: str | None = None,
        article_ids: Sequence[str] | None = None,
    ) -> int:
        """How many stored articles pass the same filters as ``articles()`` (and are among ``article_ids``)."""
        where, params = _article_filter("a", sources=sources, since=since, until=until, title=title)
        if article_ids is not None:
            where += f" AND a.id IN ({_placeholders(article_ids)})"
            params += list(article_ids)
        with self._reading():
            return int(self._db.execute(f"SELECT COUNT(*) FROM articles a WHERE {where}", params).fetchone()[0])

    def sources(self) -> pd.DataFrame:
        """Outlets of the stored articles with their article counts: source, articles."""
        return self._frame(
            "SELECT source, COUNT(*) AS articles FROM articles WHERE source IS NOT NULL"
            " GROUP BY source ORDER BY articles DESC, source"
        )

    # -- reading: the map -------------------------------------------------------

    def places(self, shown: MapFilter, *, with_article_ids: bool = False) -> pd.DataFrame:
        """The places ``shown`` puts on the map, one row per place aggregated over its articles, most mentioned first.

        Columns: id, name, lat, lon, kind, country, mentions (under the filters),
        articles (how many articles name it), and with ``with_article_ids`` also
        article_ids (a list of str; it costs time on large stores).
        """
        where, params = self._mention_filter(shown)
        if shown.bounds is not None:
            # The places inside first (PostGIS: the GiST index), then only their mentions.
            inside, corners = self._inside("p", shown.bounds)
            where += f" AND m.place_id IN (SELECT p.id FROM places p WHERE {inside})"
            params += corners
        listed = ", GROUP_CONCAT(DISTINCT m.article_id) AS article_ids" if with_article_ids else ""
        sql = (
            "SELECT p.id, p.name, p.lat, p.lon, p.kind, p.country, agg.mentions, agg.articles"
            + (", agg.article_ids" if with_article_ids else "")
            + " FROM (SELECT m.place_id, COUNT(*) AS mentions, COUNT(DISTINCT m.article_id) AS articles"
            + f"{listed} FROM mentions m WHERE {where} GROUP BY m.place_id) agg JOIN places p ON p.id = agg.place_id"
        )
        frame = self._records(sql + " ORDER BY agg.mentions DESC, p.name", params)
        if with_article_ids:
            frame["article_ids"] = [value.split(",") if value else [] for value in frame["article_ids"]]
        return frame

    def viewport(self, shown: MapFilter, zoom: int, *, max_places: int, around: Bounds | None = None) -> pd.DataFrame:
        """What the map draws of ``shown`` at ``zoom``: at most ``max_places`` features whatever the store holds.

        When ``shown`` puts at most ``max_places`` places on the map, those places (``places()``, all of
        them: the browser clusters them itself). Otherwise the places inside ``around`` (the map's
        viewport; None: the world) are summed into grid cells on the server, a quarter of a map tile wide
        at that zoom (coarser while there are more than ``max_places`` cells).

        Columns: those of ``places()`` and ``places`` (1 for a place, how many a cell holds). A cell has
        the id ``cell:ZOOM:ROW:COL``, the kind ``cell``, the mention-weighted centre of its places, the
        sum of their mentions, and no article count.
        """
        import pandas as pd

        everything, (source, key, counted, group), where, params = self._counted_places(shown)
        if not self._crowded(key, source, where, params, max_places):
            frame = self.places(shown)
            frame["places"] = 1
            return frame
        outer, corners = "TRUE", list[object]()
        if around is not None and not _whole_world(around):
            outer, corners = self._inside("p", around)
        if everything and not corners:  # the whole archive, zoomed out: one table, no join
            rows, weight = f"FROM place_counts pc WHERE {where}", "pc.mentions"
            lat, lon = "pc.lat", "pc.lon"
        else:
            rows = (
                f"FROM (SELECT {key} AS place_id, {counted} AS mentions FROM {source} WHERE {where}{group}) agg"
                f" JOIN places p ON p.id = agg.place_id WHERE {outer}"
            )
            weight, lat, lon = "agg.mentions", "p.lat", "p.lon"
        size = 360.0 / 2 ** max(0, min(zoom, MAX_ZOOM)) / CELLS_PER_TILE
        cells = self._records(
            f"SELECT {self._cell(f'({lat} + 90) / ?')} AS cell_row, {self._cell(f'({lon} + 180) / ?')} AS cell_col,"
            f" COUNT(*) AS places, SUM({weight}) AS mentions,"
            f" SUM({lat} * {weight}) AS lat_sum, SUM({lon} * {weight}) AS lon_sum"
            f" {rows} GROUP BY cell_row, cell_col",
            [size, size, *params, *corners],
        )
        while len(cells) > max_places:  # the world at a high zoom: merge cells four by four
            cells["cell_row"] //= 2
            cells["cell_col"] //= 2
            cells = cells.groupby(["cell_row", "cell_col"], as_index=False).sum()
            zoom -= 1
        mentions = cells["mentions"].astype(float)
        return pd.DataFrame(
            {
                "id": [f"cell:{zoom}:{r}:{c}" for r, c in zip(cells["cell_row"], cells["cell_col"], strict=True)],
                "name": [f"{n:,} place" if n == 1 else f"{n:,} places" for n in cells["places"]],
                "lat": cells["lat_sum"].astype(float) / mentions,
                "lon": cells["lon_sum"].astype(float) / mentions,
                "kind": "cell",
                "country": None,
                "mentions": cells["mentions"].astype(int),
                "articles": None,
                "places": cells["places"].astype(int),
            }
        ).sort_values(["mentions", "id"], ascending=[False, True], ignore_index=True)

    def _cell(self, expression: str) -> str:
        """The grid row or column of a non-negative coordinate expression (SQLite's CAST truncates)."""
        return f"CAST({expression} AS INTEGER)"

    def crowded(self, shown: MapFilter, max_places: int) -> bool:
        """Whether ``shown`` puts more than ``max_places`` places on the map (``viewport`` then sums them)."""
        _, (source, key, _, _), where, params = self._counted_places(shown)
        return self._crowded(key, source, where, params, max_places)

    def _crowded(self, key: str, source: str, where: str, params: list[object], max_places: int) -> bool:
        # Counting stops at max_places + 1 distinct places: cheap however many mentions match.
        with self._reading():
            count = self._db.execute(
                f"SELECT COUNT(*) FROM (SELECT DISTINCT {key} FROM {source} WHERE {where} LIMIT ?) few",
                [*params, max_places + 1],
            ).fetchone()[0]
        return bool(count > max_places)

    def _counted_places(self, shown: MapFilter) -> tuple[bool, tuple[str, str, str, str], str, list[object]]:
        """Where ``viewport`` counts each place's mentions: (whether it reads the kept counts, (table, place
        id column, count expression, grouping), clause, parameters)."""
        # Every article and no filter (an archive's whole map): the per-place counts kept by every write.
        # Otherwise the filter's mentions, counted here.
        everything = shown.article_ids is None and not (
            shown.actor_ids or shown.speakers or shown.stances or shown.sources or shown.since or shown.until
        )
        params: list[object]
        if everything:
            parts = ("place_counts pc", "pc.place_id", "pc.mentions", "")
            where, params = "pc.mentions > 0", []
        else:
            parts = ("mentions m", "m.place_id", "COUNT(*)", " GROUP BY m.place_id")
            where, params = self._mention_filter(shown)
        if shown.bounds is not None:
            inside, corners = self._inside("p", shown.bounds)
            where += f" AND {parts[1]} IN (SELECT p.id FROM places p WHERE {inside})"
            params += corners
        return everything, parts, where, params

    def _looks_like_day(self, column: str) -> str:
        """A clause keeping the values shaped YYYY-MM-DD (digits and dashes)."""
        return f"{column} GLOB '{_DAY_GLOB}'"

    def _inside(self, alias: str, bounds: Bounds) -> tuple[str, list[object]]:
        """A clause keeping the places (table ``alias``) inside the bounds, and its parameters."""
        south, west, north, east = bounds
        lon = f"{alias}.lon BETWEEN ? AND ?" if west <= east else f"({alias}.lon >= ? OR {alias}.lon <= ?)"
        return f"{alias}.lat BETWEEN ? AND ? AND {lon}", [south, north, west, east]

    def _mention_filter(self, shown: MapFilter) -> tuple[str, list[object]]:
        """A WHERE clause over ``mentions m`` shared by the map and its exports.

        All of ``shown`` but its bounds, which the caller applies to the places.
        """
        clauses = ["TRUE"]
        params: list[object] = []
        if shown.article_ids is not None:
            clauses.append(f"m.article_id IN ({_placeholders(shown.article_ids)})")
            params += list(shown.article_ids)
        if shown.actor_ids:
            clauses.append(
                "m.passage_id IN (SELECT am.passage_id FROM actor_mentions am"
                f" WHERE am.actor_id IN ({_placeholders(shown.actor_ids)}) AND am.article_id = m.article_id)"
            )
            params += list(shown.actor_ids)
        if shown.speakers or shown.stances or shown.statements_only:
            claim = ["cp.place_id = m.place_id", "cp.article_id = m.article_id"]
            if shown.statements_only:
                claim.append("c.internal = 0")
            if shown.speakers:
                names = _placeholders(shown.speakers)
                claim.append(_speaker_clause("c", names))
                params += [*shown.speakers, *shown.speakers, *shown.speakers]
            if shown.stances:
                claim.append(f"c.stance IN ({_placeholders(shown.stances)})")
                params += list(shown.stances)
            clauses.append(
                "EXISTS (SELECT 1 FROM claim_places cp JOIN claims c ON c.article_id = cp.article_id"
                f" AND c.id = cp.claim_id WHERE {' AND '.join(claim)})"
            )
        if shown.sources or shown.since is not None or shown.until is not None:
            where, dates = _article_filter("a", sources=shown.sources, since=shown.since, until=shown.until)
            clauses.append(f"m.article_id IN (SELECT a.id FROM articles a WHERE {where})")
            params += dates
        return " AND ".join(clauses), params

    def timeline(self, shown: MapFilter) -> pd.DataFrame:
        """Articles and place mentions per day of publication, under every filter of ``shown`` but its
        dates (a timeline shows the days around the chosen range): day (YYYY-MM-DD), articles, mentions."""
        undated = replace(shown, since=None, until=None, bounds=None)
        where, params = _scope("a.id", undated)
        mention_where, mention_params = self._mention_filter(undated)
        days = self._records(
            # (CAST: PostgreSQL sums counts as numeric, which pandas would hold as Decimal.)
            "SELECT day, CAST(SUM(articles) AS INTEGER) AS articles, CAST(SUM(mentions) AS INTEGER) AS mentions"
            " FROM (SELECT substr(a.published, 1, 10) AS day, COUNT(*) AS articles, 0 AS mentions"
            f" FROM articles a WHERE {where} GROUP BY day"
            " UNION ALL SELECT substr(a.published, 1, 10) AS day, 0, COUNT(*)"
            f" FROM mentions m JOIN articles a ON a.id = m.article_id WHERE {mention_where} GROUP BY day) days"
            f" WHERE {self._looks_like_day('day')} GROUP BY day ORDER BY day",
            [*params, *mention_params],
        )
        # A date stored before dates were read as ISO 8601 may be no day at all ("2016-02-30"): left out.
        return days[[_is_day(day) for day in days["day"]]].reset_index(drop=True) if len(days) else days

    def save_view(self, article_ids: Sequence[str]) -> str:
        """Store a set of articles under a short id a link can carry (the same set, the same id)."""
        ids = sorted(set(article_ids))
        view_id = hashlib.sha256(",".join(ids).encode("ascii")).hexdigest()[:VIEW_ID_CHARS]
        with self._transaction() as db:
            db.execute(
                "INSERT INTO views (id, articles, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING",
                (view_id, ",".join(ids), datetime.now(UTC).isoformat(timespec="seconds")),
            )
        return view_id

    def view(self, view_id: str) -> tuple[str, ...] | None:
        """The articles of a stored view, or None when this server has no view of that id."""
        with self._reading():
            row = self._db.execute("SELECT articles FROM views WHERE id = ?", (view_id,)).fetchone()
        return None if row is None else tuple(a for a in row[0].split(",") if a)

    def actors(self, article_ids: Scope) -> pd.DataFrame:
        """Actors mentioned in the articles, most mentioned first: id, name, type, mentions, articles.

        ``article_ids`` (here and in the other readers that take a ``Scope``): a list of article ids,
        None for every stored article, or a ``MapFilter`` whose articles, sources and dates count.
        """
        where, params = _scope("am.article_id", article_ids)
        return self._frame(
            "SELECT a.id, a.name, a.type, COUNT(*) AS mentions, COUNT(DISTINCT am.article_id) AS articles"
            f" FROM actor_mentions am JOIN actors a ON a.id = am.actor_id WHERE {where}"
            " GROUP BY a.id ORDER BY mentions DESC, a.name",
            params,
        )

    def speakers(self, article_ids: Scope) -> pd.DataFrame:
        """Who makes the claims in the articles: speaker (as stored), name, actor_id, claims, asserts, denies."""
        where, params = _scope("c.article_id", article_ids)
        return self._frame(
            "SELECT c.speaker, MAX(COALESCE(s.name, c.speaker)) AS name,"
            " MAX(COALESCE(c.speaker_actor, s.id)) AS actor_id, COUNT(*) AS claims,"
            " SUM(CASE WHEN c.stance = 'asserts' THEN 1 ELSE 0 END) AS asserts,"
            " SUM(CASE WHEN c.stance = 'denies' THEN 1 ELSE 0 END) AS denies"
            f" FROM claims c LEFT JOIN actors s ON s.id = c.speaker WHERE {where}"
            " GROUP BY c.speaker ORDER BY claims DESC, name",
            params,
        )

    # -- reading: one place -------------------------------------------------------

    def passages_for_place(self, article_ids: Scope, place_id: str) -> pd.DataFrame:
        """Passages that name the place, newest article first, each article's in reading order:
        passage_id, article_id, title, published, published_source, start, end, text."""
        where, params = _scope("m.article_id", article_ids)
        return self._frame(
            "SELECT ps.id AS passage_id, ps.article_id, a.title, a.published, a.published_source, ps.start,"
            ' ps."end", substr(a.text, ps.start + 1, ps."end" - ps.start) AS text'
            " FROM passages ps JOIN articles a ON a.id = ps.article_id"
            f" WHERE ps.id IN (SELECT m.passage_id FROM mentions m WHERE m.place_id = ? AND {where})"
            " ORDER BY a.published DESC, a.ingested_at DESC, ps.article_id, ps.start",
            [place_id, *params],
        )

    def claims_for_place(self, article_ids: Scope, place_id: str) -> pd.DataFrame:
        """Claims about the place, in reading order (the columns of ``claims()``)."""
        return self.claims(article_ids, place_id=place_id)

    def highlights(self, passage_ids: Sequence[int]) -> pd.DataFrame:
        """Place and actor mentions inside the passages, for highlighting: kind, target id, offsets."""
        ids = _placeholders(passage_ids)
        return self._frame(
            "SELECT passage_id, 'place' AS kind, place_id AS target, start, \"end\" FROM mentions"
            f" WHERE passage_id IN ({ids})"
            " UNION ALL SELECT passage_id, 'actor' AS kind, actor_id AS target, start, \"end\""
            f" FROM actor_mentions WHERE passage_id IN ({ids}) ORDER BY passage_id, start",
            [*passage_ids, *passage_ids],
        )

    def place(self, place_id: str) -> dict[str, object] | None:
        with self._reading():
            row = self._db.execute(
                "SELECT id, name, lat, lon, kind, country, geonameid FROM places WHERE id = ?", (place_id,)
            ).fetchone()
        keys = ("id", "name", "lat", "lon", "kind", "country", "geonameid")
        return dict(zip(keys, row, strict=True)) if row else None

    def resolutions_for_place(self, article_ids: Scope, place_id: str) -> pd.DataFrame:
        """How each mention of the place was resolved: surface, score, runner-up (name and id) and reason."""
        where, params = _scope("m.article_id", article_ids)
        return self._frame(
            'SELECT m.article_id, m.start, m."end", m.surface, m.role, m.score, m.reason, r.name AS runner_up,'
            " m.runner_up AS runner_up_id"
            " FROM mentions m LEFT JOIN places r ON r.id = m.runner_up"
            f" WHERE m.place_id = ? AND {where} ORDER BY m.start",
            [place_id, *params],
        )

    # -- reading: provenance for the exports ---------------------------------------

    def mentions(self, shown: MapFilter, *, place_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Every mention of the places ``shown`` puts on the map (of ``place_ids`` only, if given), with its
        passage: place_id, article_id, start, end, surface, role, score, reason, passage_id, passage_start,
        passage_end."""
        where, params = self._mention_filter(shown)
        if place_ids is not None:
            where += f" AND m.place_id IN ({_placeholders(place_ids)})"
            params += list(place_ids)
        if shown.bounds is not None:
            inside, corners = self._inside("p", shown.bounds)
            where += f" AND m.place_id IN (SELECT p.id FROM places p WHERE {inside})"
            params += corners
        return self._frame(
            'SELECT m.place_id, m.article_id, m.start, m."end", m.surface, m.role, m.score, m.reason,'
            ' m.passage_id, ps.start AS passage_start, ps."end" AS passage_end'
            f" FROM mentions m LEFT JOIN passages ps ON ps.id = m.passage_id WHERE {where}"
            " ORDER BY m.place_id, m.article_id, m.start",
            params,
        )

    def actors_near_places(self, article_ids: Scope, *, place_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """Actor mentions in passages that name a place (one of ``place_ids``, if given): place_id, actor_id,
        name, type, article_id, start, end."""
        where, params = _scope("m.article_id", article_ids)
        clauses = [where]
        if place_ids is not None:
            clauses.append(f"m.place_id IN ({_placeholders(place_ids)})")
            params += list(place_ids)
        return self._frame(
            'SELECT DISTINCT m.place_id, am.actor_id, a.name, a.type, am.article_id, am.start, am."end"'
            " FROM mentions m JOIN actor_mentions am ON am.passage_id = m.passage_id"
            f" JOIN actors a ON a.id = am.actor_id WHERE {' AND '.join(clauses)}"
            " ORDER BY m.place_id, am.actor_id, am.article_id, am.start",
            params,
        )

    def claims(
        self,
        article_ids: Scope,
        *,
        place_id: str | None = None,
        speakers: Sequence[str] = (),
        stances: Sequence[str] = (),
        with_passages: bool = True,
        place_ids: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Claims, one row per claim and place it is about (place columns empty for a claim about none).

        Columns: article_id, title, source and published (the article's outlet and date), claim_id, start,
        end, text, speaker (a name), speaker_id (its actor id, if any), via, cue, stance, hedged, contradicts
        (comma-separated claim ids of the same article, or None), place_id, place, passage_id,
        passage_start, passage_end, and with ``with_passages`` passage (its text: cutting it out of
        every article is most of this query's time).
        """
        scope, params = _scope("c.article_id", article_ids)
        clauses = [scope]
        if place_id is not None:
            clauses.append("cp.place_id = ?")
            params.append(place_id)
        if place_ids is not None:  # claims about these places only (an export, a chunk at a time)
            clauses.append(f"cp.place_id IN ({_placeholders(place_ids)})")
            params += list(place_ids)
        if speakers:
            names = _placeholders(speakers)
            clauses.append(_speaker_clause("c", names))
            params += [*speakers, *speakers, *speakers]
        if stances:
            clauses.append(f"c.stance IN ({_placeholders(stances)})")
            params += list(stances)
        return self._frame(
            'SELECT c.article_id, a.title, a.source, a.published, c.id AS claim_id, c.start, c."end",'
            ' COALESCE(c.text, substr(a.text, c.start + 1, c."end" - c.start)) AS text,'
            " COALESCE(s.name, c.speaker) AS speaker, COALESCE(c.speaker_actor, s.id) AS speaker_id,"
            " COALESCE(v.name, c.via) AS via,"
            " c.cue, c.stance, c.hedged, c.contradicts, cp.place_id, p.name AS place, c.passage_id,"
            " c.speaker_start, c.speaker_end, c.cue_start, c.cue_end, c.internal, c.speaker_chain,"
            ' ps.start AS passage_start, ps."end" AS passage_end'
            + (', substr(a.text, ps.start + 1, ps."end" - ps.start) AS passage' if with_passages else "")
            + " FROM claims c JOIN articles a ON a.id = c.article_id"
            " LEFT JOIN claim_places cp ON cp.article_id = c.article_id AND cp.claim_id = c.id"
            " LEFT JOIN places p ON p.id = cp.place_id"
            " LEFT JOIN actors s ON s.id = c.speaker LEFT JOIN actors v ON v.id = c.via"
            " LEFT JOIN passages ps ON ps.id = c.passage_id"
            f" WHERE {' AND '.join(clauses)} ORDER BY a.published DESC, a.ingested_at DESC, c.article_id, c.start,"
            " cp.place_id",
            params,
        )


def _nulls_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns with SQL NULLs hold None, as the stored row does.

    pandas 3 reads text as its string type, where a missing value is NaN: a float, and truthy,
    so ``row.via or …`` and ``html.escape(row.via)`` would go wrong on it.
    """
    for column in frame.columns:
        values = frame[column]
        if values.dtype.kind in "OT" and values.hasnans:  # object or str columns with a missing value
            frame[column] = values.astype(object).where(values.notna(), None)
    return frame


def _article_filter(
    alias: str,
    *,
    sources: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
    title: str | None = None,
) -> tuple[str, list[object]]:
    clauses = ["TRUE"]
    params: list[object] = []
    if sources:
        clauses.append(f"{alias}.source IN ({_placeholders(sources)})")
        params += list(sources)
    # Dates compare as ISO text on their first ten characters (YYYY-MM-DD).
    if since is not None:
        clauses.append(f"substr({alias}.published, 1, 10) >= ?")
        params.append(since[:10])
    if until is not None:
        clauses.append(f"substr({alias}.published, 1, 10) <= ?")
        params.append(until[:10])
    if title:
        clauses.append(f"{alias}.title LIKE ? ESCAPE '\\'")
        escaped = title.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
    return " AND ".join(clauses), params


_DAY_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"


def _is_day(value: object) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _scope(column: str, scope: Scope) -> tuple[str, list[object]]:
    """A clause keeping the rows whose article (``column``) is in ``scope``, and its parameters:
    the articles a filter names, and of those, the ones of its sources and dates, all in SQL."""
    if scope is None:
        return "TRUE", []
    if not isinstance(scope, MapFilter):
        return f"{column} IN ({_placeholders(scope)})", list(scope)
    clauses: list[str] = ["TRUE"]
    params: list[object] = []
    if scope.article_ids is not None:
        clauses.append(f"{column} IN ({_placeholders(scope.article_ids)})")
        params += list(scope.article_ids)
    if scope.sources or scope.since is not None or scope.until is not None:
        where, dates = _article_filter("sa", sources=scope.sources, since=scope.since, until=scope.until)
        clauses.append(f"{column} IN (SELECT sa.id FROM articles sa WHERE {where})")
        params += dates
    return " AND ".join(clauses), params


def _whole_world(bounds: Bounds) -> bool:
    """Bounds that hold every place (a map zoomed out): no clause needed."""
    south, west, north, east = bounds
    return south <= -85 and north >= 85 and west <= -180 and east >= 180


def _speaker_clause(alias: str, names: str) -> str:
    """A claim whose speaker is one of the values, given as stored, as an actor id or as an actor's name."""
    return (
        f"({alias}.speaker IN ({names}) OR {alias}.speaker_actor IN ({names})"
        f" OR {alias}.speaker IN (SELECT id FROM actors WHERE name IN ({names})))"
    )


def _statements(script: str, dialect: str) -> Iterator[str]:
    """Split a migration script into statements (executescript would commit our transaction).

    A statement that starts with ``/* sqlite */`` or ``/* postgresql */`` runs on that engine only.
    """
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield from _for_dialect(buffer.strip(), dialect)
            buffer = ""
    if buffer.strip():
        yield from _for_dialect(buffer.strip(), dialect)


def _for_dialect(statement: str, dialect: str) -> Iterator[str]:
    for other in ("sqlite", "postgresql"):
        tag = f"/* {other} */"
        if statement.startswith(tag):
            if other == dialect:
                yield statement.removeprefix(tag).strip()
            return
    yield statement


def _cause(error: BaseException) -> str:
    """SQLite's own words, with what to do about the causes a person can fix."""
    message = str(error) or type(error).__name__
    if "disk is full" in message or "disk I/O error" in message:
        return f"{message} (free some disk space and try again)"
    if "readonly" in message or "read-only" in message:
        return f"{message} (the file or its folder is not writable)"
    return message


def _apply_correction(db: sqlite3.Connection, article_id: str, start: int, end: int, place_id: str) -> None:
    """Point the mention at the corrected place (the former choice becomes its runner-up), and move
    the claims whose content holds that mention along with it."""
    row = db.execute(
        'SELECT place_id FROM mentions WHERE article_id = ? AND start = ? AND "end" = ?', (article_id, start, end)
    ).fetchone()
    if row is None or row[0] == place_id:
        return
    former = row[0]
    db.execute(
        'UPDATE mentions SET place_id = ?, runner_up = ?, reason = ? WHERE article_id = ? AND start = ? AND "end" = ?',
        (place_id, former, CORRECTED_REASON, article_id, start, end),
    )
    claim_ids = [
        claim_id
        for (claim_id,) in db.execute(
            'SELECT id FROM claims WHERE article_id = ? AND start <= ? AND ? <= "end"', (article_id, start, end)
        )
    ]
    for claim_id in claim_ids:
        db.execute(
            "INSERT OR IGNORE INTO claim_places (article_id, claim_id, place_id, published)"
            " VALUES (?, ?, ?, (SELECT published FROM articles WHERE id = ?))",
            (article_id, claim_id, place_id, article_id),
        )
        still_named = db.execute(
            "SELECT 1 FROM mentions m JOIN claims c ON c.article_id = m.article_id AND c.id = ?"
            ' WHERE m.article_id = ? AND m.place_id = ? AND m.start >= c.start AND m."end" <= c."end"',
            (claim_id, article_id, former),
        ).fetchone()
        if not still_named:
            db.execute(
                "DELETE FROM claim_places WHERE article_id = ? AND claim_id = ? AND place_id = ?",
                (article_id, claim_id, former),
            )


# A claim is linked to at most LINK_LIMIT contradicting claims of other articles, the newest first,
# found among the newest LINK_CANDIDATES claims about each of its places (an index): a proposition
# that hundreds of articles assert and hundreds deny would otherwise store every pair (quadratic:
# 2.5 million links, 479 MB, after 10,000 articles of one synthetic story) and read every stored claim
# about the place for each new one (the ingesting command's CPU an article grew with the store, 31 ms at
# 9,000 articles; 2,000 candidates a place still cost it 23 ms, 300 keep it under the workers' pace).
# The panel shows a handful of them per claim.
LINK_LIMIT = 10
LINK_CANDIDATES = 300


def _link_across_articles(db: sqlite3.Connection, article: Article, claims: Sequence[Claim]) -> None:
    """Link each claim to the stored claims of other articles that contradict it: about one of its
    places and the same thing (``proposition_keys``), with the opposite stance, by another speaker, and,
    when both outlets are known, from another outlet (the same proposition asserted by one outlet
    and denied by another); at most ``LINK_LIMIT``, the newest first."""
    from geo.analysis.propositions import proposition_keys

    for claim in claims:
        keys = proposition_keys(claim.text) if claim.places else set()
        if not keys:
            continue
        rows = []
        for place in claim.places:  # the newest claims about each place (an index), then the other stance's
            rows += db.execute(
                "SELECT c.article_id, c.id, c.speaker, c.text, cp.place_id, a.source, cp.published FROM"
                " (SELECT * FROM claim_places WHERE place_id = ?"
                " ORDER BY published DESC, article_id DESC, claim_id DESC LIMIT ?) cp"
                " JOIN claims c ON c.article_id = cp.article_id AND c.id = cp.claim_id"
                " JOIN articles a ON a.id = c.article_id"
                " WHERE cp.article_id != ? AND c.stance != ?",
                [place, LINK_CANDIDATES, article.id, claim.stance],
            ).fetchall()
        rows.sort(key=lambda row: (row[6] or "", row[0], row[1]), reverse=True)
        linked: set[tuple[str, str]] = set()
        for other_article, other_claim, speaker, text, place_id, source, _ in rows:
            if speaker == claim.speaker or (source and article.source and source == article.source):
                continue
            if (other_article, other_claim) not in linked and len(linked) == LINK_LIMIT:
                break
            if keys & proposition_keys(text or ""):
                linked.add((other_article, other_claim))
                db.execute(
                    "INSERT OR IGNORE INTO claim_contradictions VALUES (?, ?, ?, ?, ?)",
                    (article.id, claim.id, other_article, other_claim, place_id),
                )


def _count_places(db: sqlite3.Connection, article_id: str, sign: int) -> None:
    """Add (+1) or take away (-1) the article's mentions in ``place_counts``, in place id order (so two
    writers never wait on each other in a cycle). Last in a transaction: a busy place's row stays
    locked for the shortest time."""
    rows = db.execute(
        "SELECT m.place_id, COUNT(*), p.lat, p.lon FROM mentions m JOIN places p ON p.id = m.place_id"
        " WHERE m.article_id = ? GROUP BY m.place_id, p.lat, p.lon ORDER BY m.place_id",
        (article_id,),
    ).fetchall()
    db.executemany(
        "INSERT INTO place_counts (place_id, mentions, lat, lon) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(place_id) DO UPDATE SET mentions = place_counts.mentions + excluded.mentions",
        [(place_id, sign * count, lat, lon) for place_id, count, lat, lon in rows],
    )


def _delete_article(db: sqlite3.Connection, article_id: str) -> None:
    """Remove an article's analysis (not the person's corrections, which outlive it)."""
    _count_places(db, article_id, -1)
    db.execute(
        "DELETE FROM claim_contradictions WHERE article_id = ? OR other_article_id = ?", (article_id, article_id)
    )
    for table in ("claim_places", "claim_actors"):
        db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
    for table in ("claims", "actor_mentions", "mentions", "passages"):
        db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
    db.execute("DELETE FROM articles WHERE id = ?", (article_id,))


def _placeholders(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values) or "NULL"
