"""The map at archive scale: the store sends at most GEO_MAP_MAX_PLACES features (both engines)."""

from __future__ import annotations

import pytest

from geo.types import Analysis, Article, MapFilter, Mention, Passage, Place, Resolution

# -- the viewport at archive scale (both engines, through the ``store`` fixture) -------------------


def grid_article(article_id: str, places: list[Place]) -> Analysis:
    """One article naming each place once, in one passage."""
    text = " ".join(p.name for p in places)
    resolutions, start = [], 0
    for place in places:
        end = start + len(place.name)
        resolutions.append(Resolution(Mention(start, end, place.name, "GPE"), place, 0.9, "location", "why"))
        start = end + 1
    passages = (Passage(0, 0, len(text), "paragraph"),)
    return Analysis(Article(article_id, article_id, text), passages, tuple(resolutions), ())


def grid_places(rows: int, cols: int) -> list[Place]:
    """Places one degree apart over Libya and Egypt."""
    return [
        Place(f"t:{r}:{c}", f"P{r}x{c}", 20.0 + r, 10.0 + c, "city", "LY", 1000, None)
        for r in range(rows)
        for c in range(cols)
    ]


@pytest.fixture()
def crowded(store):
    """400 places named by three articles (1,200 mentions)."""
    places = grid_places(20, 20)
    for i in range(3):
        store.save(grid_article(f"{i:016x}", places))
    assert len(store.places(MapFilter())) == 400
    return store


def test_viewport_returns_the_places_when_they_are_few(crowded):
    view = crowded.viewport(MapFilter(), 5, max_places=500)
    assert len(view) == 400 and set(view["places"]) == {1} and "cell" not in set(view["kind"])
    assert set(view["mentions"]) == {3}


def test_viewport_sums_many_places_into_at_most_max_places_cells(crowded):
    for zoom in (0, 3, 6, 12):
        cells = crowded.viewport(MapFilter(), zoom, max_places=50)
        assert 0 < len(cells) <= 50
        assert set(cells["kind"]) == {"cell"}
        assert cells["places"].sum() == 400 and cells["mentions"].sum() == 1200
        assert cells["lat"].between(20.0, 39.0).all() and cells["lon"].between(10.0, 29.0).all()
    # A cell of one place is named in the singular.
    crowded.save(grid_article("lone", [Place("t:lone", "Lone", -40.0, -70.0, "city", "AR", 1000, None)]))
    cells = crowded.viewport(MapFilter(), 3, max_places=50)
    assert "1 place" in set(cells["name"]) and "1 places" not in set(cells["name"])
    # Zoomed in, only the viewport is summed: 5 x 5 places around (22, 12).
    near = crowded.viewport(MapFilter(), 6, max_places=50, around=(19.5, 9.5, 24.5, 14.5))
    assert near["places"].sum() == 25 and near["mentions"].sum() == 75
    # The map's filters still apply before counting: one article's places are 400 as well, none fewer.
    one = crowded.viewport(MapFilter(["0000000000000000"]), 3, max_places=50)
    assert one["mentions"].sum() == 400


def test_map_frames_take_the_viewport_past_max_places(crowded):
    from geo.frames import map_frames

    frames = map_frames(crowded, MapFilter(), zoom=4, max_places=40)
    assert 0 < len(frames.places) <= 40 and set(frames.places["kind"]) == {"cell"}
    assert "stance" in frames.places.columns
    assert len(map_frames(crowded, MapFilter()).places) == 400  # no limit asked: every place


def test_viewport_bounds_hold_the_centre_and_cross_the_antimeridian():
    from geo.view.map import viewport_bounds

    south, west, north, east = viewport_bounds((32.0, 20.0), 8)
    assert south < 32.0 < north and west < 20.0 < east and east - west < 20
    assert viewport_bounds((20.0, 10.0), 1)[1:4:2] == (-180.0, 180.0)  # the whole world fits
    south, west, north, east = viewport_bounds((0.0, 179.0), 6)
    assert west > east  # across the antimeridian, as MapFilter.bounds has it


@pytest.mark.usefixtures("component_scan_once")
def test_the_page_draws_grid_cells_past_the_setting(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from geo.store import Store
    from tests.browser_support import ROOT

    path = tmp_path / "many.sqlite"
    with Store(path) as store:
        store.save(grid_article("00000000000000aa", grid_places(10, 10)))
    monkeypatch.setenv("GEO_DATABASE", str(path))
    monkeypatch.setenv("GEO_MAP_MAX_PLACES", "30")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    drawn = at.session_state["shown_places"]
    assert 0 < len(drawn) <= 30 and all(i.startswith("cell:") for i in drawn["id"])
    monkeypatch.setenv("GEO_MAP_MAX_PLACES", "3000")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert len(at.session_state["shown_places"]) == 100


def test_the_whole_archive_reads_kept_counts_that_match_the_mentions(crowded):
    ids = ["0000000000000000", "0000000000000001", "0000000000000002"]
    for zoom, around in ((2, None), (6, (19.5, 9.5, 30.5, 20.5))):
        kept = crowded.viewport(MapFilter(), zoom, max_places=50, around=around)
        counted = crowded.viewport(MapFilter(ids), zoom, max_places=50, around=around)
        assert kept.equals(counted)


def kept_counts(store) -> dict[str, int]:
    with store._reading():
        rows = store._db.execute("SELECT place_id, mentions FROM place_counts WHERE mentions <> 0").fetchall()
    return dict(rows)


def actual_counts(store) -> dict[str, int]:
    with store._reading():
        return dict(store._db.execute("SELECT place_id, COUNT(*) FROM mentions GROUP BY place_id").fetchall())


def test_place_counts_follow_saves_replacements_and_corrections(store):
    from tests.test_store import DERNA, TEXT, analysis, other_article

    store.save(analysis())
    store.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
    store.save(analysis())  # known: nothing counted twice
    assert kept_counts(store) == actual_counts(store) == {"gn:81302": 2, "gn:88319": 1, "gn:2210247": 1}
    start = TEXT.index("Tobruk")
    store.correct("0123456789abcdef", start, start + 6, DERNA, by="test")
    store.save(analysis(), replace=True)
    assert kept_counts(store) == actual_counts(store) == {"gn:81302": 1, "gn:87205": 1, "gn:88319": 1, "gn:2210247": 1}


def test_an_older_database_gets_its_place_counts(tmp_path):
    import sqlite3

    from geo.store import MIGRATIONS, Store

    path = tmp_path / "v4.sqlite"
    db = sqlite3.connect(path)
    db.executescript("".join(MIGRATIONS[:4]) + "PRAGMA user_version = 4;")
    db.execute("INSERT INTO articles (id, title, text, ingested_at) VALUES ('a', 'Old', 'Tobruk', '2020-01-01')")
    db.execute("INSERT INTO places (id, name, lat, lon, kind) VALUES ('gn:81302', 'Tobruk', 32.1, 23.9, 'city')")
    db.execute(
        "INSERT INTO mentions (article_id, start, \"end\", surface, place_id, role)"
        " VALUES ('a', 0, 6, 'Tobruk', 'gn:81302', 'location')"
    )
    db.commit()
    db.close()
    with Store(path) as store:
        assert kept_counts(store) == {"gn:81302": 1}
