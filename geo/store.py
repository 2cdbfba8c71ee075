"""The embedded SQLite store: analysed articles, their places, actors and passages.

Datasette's style: a ``Store`` with small named methods, each one
parameterised SQL statement; DataFrames only at the edge, for the page.
The schema is versioned with ``PRAGMA user_version``; ``MIGRATIONS[i]`` takes
a database from version i to i + 1. Each article is saved in one transaction,
keyed by its content hash, so saving the same text twice stores nothing new.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from geo.errors import ArticleNotFound, StoreError
from geo.export import place_mentions
from geo.types import Analysis

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
)
SCHEMA_VERSION = len(MIGRATIONS)


class Store:
    """One SQLite file; safe to share between Streamlit sessions (one lock, one connection)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except (sqlite3.Error, OSError) as error:
            raise StoreError(
                f"Cannot open the database at {path}: {error}. Set GEO_DATABASE to a writable file."
            ) from error
        self._lock = threading.Lock()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path} was written by a newer version (schema {version} > {SCHEMA_VERSION}).")
        for number in range(version, SCHEMA_VERSION):
            with self._db:
                self._db.executescript(f"BEGIN; {MIGRATIONS[number]} PRAGMA user_version = {number + 1}; COMMIT;")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _frame(self, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
        with self._lock:
            return pd.read_sql_query(sql, self._db, params=list(params))

    def close(self) -> None:
        self._db.close()

    # -- writing -----------------------------------------------------------

    def save(self, analysis: Analysis) -> str:
        """Store one analysed article in one transaction; a known article is left as it is."""
        article = analysis.article
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone():
                return article.id
            db.execute(
                "INSERT INTO articles (id, title, url, source, published, text, ingested_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    article.id,
                    article.title,
                    article.url,
                    article.source,
                    article.published,
                    article.text,
                    datetime.now(UTC).isoformat(timespec="seconds"),
                ),
            )
            passage_ids = {}
            for passage in analysis.passages:
                cursor = db.execute(
                    'INSERT INTO passages (article_id, idx, start, "end", kind) VALUES (?, ?, ?, ?, ?)',
                    (article.id, passage.index, passage.start, passage.end, passage.kind),
                )
                passage_ids[passage.index] = cursor.lastrowid

            def passage_of(start: int) -> int | None:
                for passage in analysis.passages:
                    if passage.start <= start < passage.end:
                        return passage_ids[passage.index]
                return None

            for resolutions in place_mentions(analysis).values():
                place = resolutions[0].place
                # Runners-up are stored too, so the page can say what a place was chosen over.
                db.executemany(
                    "INSERT OR IGNORE INTO places (id, name, lat, lon, kind, country, geonameid, population, source)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (p.id, p.name, p.lat, p.lon, p.kind, p.country, p.geonameid, p.population, p.source)
                        for p in (place, *(r.runner_up for r in resolutions if r.runner_up))
                    ],
                )
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
            for actor in analysis.actors:
                db.execute(
                    "INSERT INTO actors (id, name, type, place_id) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
                    (actor.id, actor.name, actor.type, actor.place_id),
                )
                db.executemany(
                    'INSERT INTO actor_mentions (actor_id, article_id, passage_id, start, "end")'
                    " VALUES (?, ?, ?, ?, ?)",
                    [(actor.id, article.id, passage_of(m.start), m.start, m.end) for m in actor.mentions],
                )
        return article.id

    # -- reading -----------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def article(self, article_id: str) -> dict[str, str]:
        with self._lock:
            row = self._db.execute(
                "SELECT id, title, url, source, published, text, ingested_at FROM articles WHERE id = ?",
                (article_id,),
            ).fetchone()
        if row is None:
            raise ArticleNotFound(f"No stored article has the id {article_id!r}.")
        keys = ("id", "title", "url", "source", "published", "text", "ingested_at")
        return dict(zip(keys, row, strict=True))

    def articles(self, limit: int = 200) -> pd.DataFrame:
        """Stored articles, newest first."""
        return self._frame(
            "SELECT id, title, source, published, ingested_at FROM articles"
            " ORDER BY ingested_at DESC, rowid DESC LIMIT ?",
            (limit,),
        )

    def places(self, article_ids: Sequence[str], actor_ids: Sequence[str] = ()) -> pd.DataFrame:
        """Places named in the articles; with actors, only places in passages that mention one of them."""
        articles = _placeholders(article_ids)
        sql = (
            "SELECT p.id, p.name, p.lat, p.lon, p.kind, p.country, COUNT(DISTINCT m.id) AS mentions,"
            " COUNT(DISTINCT m.article_id) AS articles FROM mentions m JOIN places p ON p.id = m.place_id"
            f" WHERE m.article_id IN ({articles})"
        )
        params: list[object] = list(article_ids)
        if actor_ids:
            sql += (
                " AND m.passage_id IN (SELECT am.passage_id FROM actor_mentions am"
                f" WHERE am.actor_id IN ({_placeholders(actor_ids)}) AND am.article_id IN ({articles}))"
            )
            params += [*actor_ids, *article_ids]
        return self._frame(sql + " GROUP BY p.id ORDER BY mentions DESC, p.name", params)

    def actors(self, article_ids: Sequence[str]) -> pd.DataFrame:
        """Actors mentioned in the articles, most mentioned first."""
        return self._frame(
            "SELECT a.id, a.name, a.type, COUNT(*) AS mentions FROM actor_mentions am"
            f" JOIN actors a ON a.id = am.actor_id WHERE am.article_id IN ({_placeholders(article_ids)})"
            " GROUP BY a.id ORDER BY mentions DESC, a.name",
            article_ids,
        )

    def passages_for_place(self, article_ids: Sequence[str], place_id: str) -> pd.DataFrame:
        """Passages that name the place: article, offsets and text, in reading order."""
        return self._frame(
            'SELECT DISTINCT ps.id AS passage_id, ps.article_id, a.title, ps.start, ps."end",'
            ' substr(a.text, ps.start + 1, ps."end" - ps.start) AS text'
            " FROM mentions m JOIN passages ps ON ps.id = m.passage_id JOIN articles a ON a.id = ps.article_id"
            f" WHERE m.place_id = ? AND m.article_id IN ({_placeholders(article_ids)})"
            " ORDER BY a.ingested_at DESC, ps.article_id, ps.start",
            [place_id, *article_ids],
        )

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
        with self._lock:
            row = self._db.execute(
                "SELECT id, name, lat, lon, kind, country, geonameid FROM places WHERE id = ?", (place_id,)
            ).fetchone()
        keys = ("id", "name", "lat", "lon", "kind", "country", "geonameid")
        return dict(zip(keys, row, strict=True)) if row else None

    def resolutions_for_place(self, article_ids: Sequence[str], place_id: str) -> pd.DataFrame:
        """How each mention of the place was resolved: surface, score, runner-up and reason."""
        return self._frame(
            'SELECT m.article_id, m.start, m."end", m.surface, m.role, m.score, m.reason, r.name AS runner_up'
            " FROM mentions m LEFT JOIN places r ON r.id = m.runner_up"
            f" WHERE m.place_id = ? AND m.article_id IN ({_placeholders(article_ids)}) ORDER BY m.start",
            [place_id, *article_ids],
        )


def _placeholders(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values) or "NULL"
