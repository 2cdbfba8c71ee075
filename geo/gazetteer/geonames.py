"""Extending a built index with GeoNames dumps (online, optional: ``python -m geo gazetteer download``).

The dumps are fetched through the project's own network guard (``geo.sources.netguard``: public
addresses on the ports of ``GEO_FETCH_PORTS`` unless the host is in ``GEO_FETCH_ALLOW_HOSTS``, one
deadline for each whole file) and streamed to a temporary folder beside the index, each at most
``MAX_DUMP_BYTES``: the dumps are a few hundred MB, so they never pass through memory.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from tqdm import tqdm

from geo import settings
from geo.errors import FetchError, GazetteerError
from geo.gazetteer.builder import build
from geo.gazetteer.names import MAX_NAME_TOKENS, keep_city_alternate, normalize, place_importance
from geo.sources.fetch import MAX_REDIRECTS
from geo.sources.netguard import AddressPolicy, GuardedTransport, deadline
from geo.types import Place, PlaceKind

GEONAMES_URL = "https://download.geonames.org/export/dump"
GEONAMES_FILES = ("allCountries.zip", "admin1CodesASCII.txt", "alternateNamesV2.zip")
# Feature codes taken from the main dump, and the kind they become. Populated places but
# their sections, historical, abandoned and destroyed ones; divisions; natural features
# news names (rivers, lakes, bays, mountains, islands, regions, parks); facilities.
_GEONAMES_KINDS: dict[str, PlaceKind] = {
    **dict.fromkeys(("PPL", "PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLC", "PPLG", "PPLL", "PPLS", "PPLF", "PPLR"), "city"),
    "ADM1": "admin1",
    "ADM2": "admin2",
    "STM": "river",
    **dict.fromkeys(("LK", "LKS", "RSV"), "lake"),
    **dict.fromkeys(("ISL", "ISLS"), "island"),
    **dict.fromkeys(("BAY", "GULF", "STRT", "CHN", "CNL"), "feature"),
    # Valleys, deserts and peninsulas stay features (points): GeoNames holds thousands of small ones,
    # too many to read as containers as the curated regions are.
    **dict.fromkeys(("MT", "MTS", "VLC", "PK", "CAPE", "PEN", "DSRT", "VAL", "PLN", "PLAT"), "feature"),
    **dict.fromkeys(("PRK", "RESN", "FRST", "AREA"), "feature"),
    "RGN": "region",
    "AIRP": "airport",
    "AIRB": "air base",
    "PRT": "port",
    **dict.fromkeys(("SEA", "OCN"), "sea"),
}
_ALTERNATE_LANGUAGES = frozenset({"", "en", "abbr"})
DOWNLOAD_TIMEOUT = 60.0
# allCountries.zip is about 400 MB, alternateNamesV2.zip about 200 MB: the cap leaves room for years of
# growth yet stops a server that never ends its body from filling the disk.
MAX_DUMP_BYTES = 2_000_000_000
DUMP_DEADLINE = 7200.0  # seconds for one whole file (400 MB at 0.5 Mbit/s would not make it; 56 kB/s does)


def _client(timeout: float) -> httpx.Client:
    config = settings.load()
    policy = AddressPolicy.from_settings(config.fetch_ports, config.fetch_allow_hosts)
    return httpx.Client(
        transport=GuardedTransport(policy),
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        # The zip files are stored as sent: no content coding to undo (and none to expand past the cap).
        headers={"User-Agent": config.user_agent, "Accept-Encoding": "identity"},
    )


def _fetch(client: httpx.Client, url: str, target: Path, *, max_bytes: int, seconds: float) -> Path:
    """Stream ``url`` into ``target``, refusing more than ``max_bytes``; any failure is a ``GazetteerError``."""
    try:
        with deadline(seconds), client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise GazetteerError(f"Cannot download {url}: HTTP {response.status_code} {response.reason_phrase}")
            coding = response.headers.get("content-encoding", "").strip().lower()
            if coding not in ("", "identity"):
                raise GazetteerError(f"Cannot download {url}: sent with the content coding {coding!r}, asked for none")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise GazetteerError(
                    f"Cannot download {url}: it is {int(declared):,} bytes, more than the cap of {max_bytes:,}"
                )
            written = 0
            with target.open("wb") as out:
                for chunk in response.iter_raw(1 << 20):
                    written += len(chunk)
                    if written > max_bytes:
                        raise GazetteerError(f"Cannot download {url}: it sent more than the cap of {max_bytes:,} bytes")
                    out.write(chunk)
    except httpx.TimeoutException as exc:
        raise GazetteerError(f"Cannot download {url}: it did not arrive within the time allowed ({exc})") from exc
    except (httpx.HTTPError, httpx.InvalidURL, FetchError, OSError, ValueError) as exc:
        raise GazetteerError(f"Cannot download {url}: {exc or type(exc).__name__}") from exc
    return target


def _tsv_rows(path: Path) -> Iterator[list[str]]:
    """Rows of a GeoNames tab-separated file, plain or the single .txt inside a .zip."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.endswith(".txt") and "readme" not in n.lower()]
            if not members:
                raise GazetteerError(f"{path.name} holds no .txt file")
            with archive.open(members[0]) as raw:
                for raw_line in raw:
                    yield raw_line.decode("utf-8").rstrip("\n").split("\t")
        return
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def download(
    path: Path | None = None,
    base_url: str = GEONAMES_URL,
    *,
    files: tuple[str, str, str] = GEONAMES_FILES,
    progress: bool = True,
    timeout: float = DOWNLOAD_TIMEOUT,
    max_bytes: int = MAX_DUMP_BYTES,
    seconds: float = DUMP_DEADLINE,
) -> dict[str, int]:
    """Extend the index at ``path`` with GeoNames dumps fetched from ``base_url``.

    ``files`` are the main dump (``allCountries.zip``, or a smaller ``cities1000.zip``
    in the same format), ``admin1CodesASCII.txt`` and ``alternateNamesV2.zip``. Places
    the index already has (by GeoNames id, or by admin1 code for first-level
    divisions) gain the dump's names; others of the kinds in ``_GEONAMES_KINDS`` are
    added with ``source`` "geonames". Alternate names in English, without a language,
    or abbreviations ("abbr") are added to the places the index holds, colloquial and
    historic ones left out. The extended index replaces the old one atomically; a
    later ``build`` starts again from the packages. Returns counts of what was added.

    Each file is fetched through the network guard (a private host such as 127.0.0.1 must be named in
    ``GEO_FETCH_ALLOW_HOSTS``), waiting at most ``timeout`` seconds for any read, ``seconds`` for the whole
    file, and is refused past ``max_bytes``.
    """
    path = Path(path) if path is not None else settings.load().gazetteer
    if not path.exists():
        build(path, progress=progress)
    base = base_url.rstrip("/")
    with tempfile.TemporaryDirectory(prefix="geonames-", dir=path.parent) as tmp_dir:
        tmp = Path(tmp_dir)
        fetched = []
        with _client(timeout) as client:
            for name in tqdm(files, desc="gazetteer: downloading", disable=not progress, file=sys.stderr):
                fetched.append(_fetch(client, f"{base}/{name}", tmp / name, max_bytes=max_bytes, seconds=seconds))
        main_dump, admin1_codes, alternates = fetched
        work = tmp / "index.sqlite"
        shutil.copyfile(path, work)
        db = sqlite3.connect(work)
        try:
            counts = _extend(db, main_dump, admin1_codes, alternates, progress)
            meta = {
                "geonames": json.dumps({"url": base, "files": list(files), **counts}, sort_keys=True),
                "places": str(db.execute("SELECT count(*) FROM places").fetchone()[0]),
                "names": str(db.execute("SELECT count(*) FROM names").fetchone()[0]),
            }
            tokens = db.execute("SELECT max(length(norm) - length(replace(norm, ' ', '')) + 1) FROM names").fetchone()
            meta["max_name_tokens"] = str(min(int(tokens[0] or 1), MAX_NAME_TOKENS))
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", sorted(meta.items()))
            db.commit()
        finally:
            db.close()
        work.chmod(0o644)
        os.replace(work, path)
    return counts


def _extend(
    db: sqlite3.Connection, main_dump: Path, admin1_codes: Path, alternates: Path, progress: bool
) -> dict[str, int]:
    db.execute("CREATE INDEX IF NOT EXISTS places_geonameid ON places (geonameid)")
    db.execute("CREATE TEMP TABLE raw_alt (geonameid TEXT NOT NULL, norm TEXT NOT NULL, name_kind TEXT NOT NULL)")
    by_gid = dict(db.execute("SELECT geonameid, id FROM places WHERE geonameid IS NOT NULL").fetchall())
    known_ids = {row[0] for row in db.execute("SELECT id FROM places")}
    codes = {row[0]: row for row in _tsv_rows(admin1_codes) if len(row) >= 4}
    places: list[tuple[Any, ...]] = []
    names: list[tuple[str, str, str]] = []
    added = named = 0
    for row in tqdm(
        _tsv_rows(main_dump), desc="gazetteer: places", unit=" rows", disable=not progress, file=sys.stderr
    ):
        if len(row) < 15 or (kind := _GEONAMES_KINDS.get(row[7])) is None:
            continue
        gid, name, cc, admin1 = row[0], row[1].strip(), row[8] or None, row[10] or None
        pid = by_gid.get(gid)
        if pid is None and kind == "admin1" and cc and admin1:
            pid = f"adm1:{cc}.{admin1}" if f"adm1:{cc}.{admin1}" in known_ids else None
            name = codes.get(f"{cc}.{admin1}", (None, name))[1] or name
        if pid is None:
            pid = f"adm1:{cc}.{admin1}" if kind == "admin1" and cc and admin1 else f"gn:{gid}"
            if pid in known_ids:
                continue
            population = int(row[14] or 0)
            place = Place(pid, name, float(row[4]), float(row[5]), kind, cc, population, gid, admin1, "geonames")
            places.append((*_place_row(place), place_importance(kind, population)))
            known_ids.add(pid)
            by_gid[gid] = pid
            added += 1
        else:
            named += 1
        own = normalize(name)
        names.append((own, pid, "name"))
        for alt in {row[2], *row[3].split(",")} if row[3] else {row[2]}:
            norm = normalize(alt)
            if norm and norm != own and keep_city_alternate(alt, norm):
                names.append((norm, pid, "alternate"))
        if len(names) >= 100_000:
            _insert(db, places, names)
    _insert(db, places, names)
    db.executemany(
        "INSERT INTO raw_alt VALUES (?, ?, ?)",
        (
            (row[1], normalize(row[3]), "abbreviation" if row[2] == "abbr" else "alternate")
            for row in _tsv_rows(alternates)
            if len(row) >= 8
            and row[2] in _ALTERNATE_LANGUAGES
            and row[6] != "1"
            and row[7] != "1"
            and (row[2] == "abbr" or keep_city_alternate(row[3], normalize(row[3])))
        ),
    )
    before = db.execute("SELECT count(*) FROM names").fetchone()[0]
    db.execute(
        "INSERT OR IGNORE INTO names SELECT a.norm, p.id, a.name_kind FROM raw_alt a "
        "JOIN places p ON p.geonameid = a.geonameid WHERE a.norm != ''"
    )
    alternate_names = db.execute("SELECT count(*) FROM names").fetchone()[0] - before
    db.execute("DROP TABLE raw_alt")
    return {"places_added": added, "places_named": named, "alternate_names_added": alternate_names}


def _place_row(p: Place) -> tuple[Any, ...]:
    return (p.id, p.name, p.lat, p.lon, p.kind, p.country, p.population, p.geonameid, p.admin1, p.source)


def _insert(db: sqlite3.Connection, places: list[tuple[Any, ...]], names: list[tuple[str, str, str]]) -> None:
    db.executemany("INSERT OR IGNORE INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", places)
    db.executemany("INSERT OR IGNORE INTO names VALUES (?, ?, ?)", names)
    places.clear()
    names.clear()
