from urllib.parse import parse_qs

from geo.view import url as view


def params(**values):
    return lambda name: values.get(name, [])


def test_round_trip():
    state = view.ViewState(
        articles=("0123456789abcdef",),
        actors=("Russia", "Khalifa Haftar"),
        place="gn:81302",
        speakers=("Bloomberg",),
        stances=("denies",),
        center=(32.1, 20.05),
        zoom=6,
    )
    query = state.to_query()
    parsed, warnings = view.from_query(
        lambda name: [query[name]] if isinstance(query.get(name), str) else query.get(name, [])
    )
    assert parsed == state and warnings == []


def test_malformed_values_are_dropped_with_a_warning():
    state, warnings = view.from_query(
        params(article=["../../etc/passwd", "0123456789abcdef"], place=["<script>"], actor=["", "Russia"])
    )
    assert state.articles == ("0123456789abcdef",)
    assert state.place is None
    assert state.actors == ("Russia",)
    assert len(warnings) == 3


def test_too_many_values_are_cut():
    state, warnings = view.from_query(params(actor=[f"a{i}" for i in range(200)]))
    assert len(state.actors) == view.MAX_VALUES
    assert any("only the first" in w for w in warnings)
    many = [f"{i:016x}" for i in range(view.MAX_ARTICLES + 5)]
    state, warnings = view.from_query(params(article=many))
    assert state.articles == tuple(many[: view.MAX_ARTICLES])  # a map of hundreds of articles is a link too
    assert len(warnings) == 1


def test_match_actors_by_name_or_id():
    ids, unknown = view.match_actors(
        ["russia", "khalifa-haftar", "Nobody"], {"russia": "Russia", "khalifa-haftar": "Khalifa Haftar"}
    )
    assert ids == ["russia", "khalifa-haftar"]
    assert unknown == ["Nobody"]


def test_center_and_zoom_are_checked():
    state, warnings = view.from_query(params(center=["91,0", "x,y"], zoom=["99"], stance=["maybe"]))
    assert state.center is None and state.zoom is None and state.stances == ()
    assert len(warnings) == 4
    state, warnings = view.from_query(params(center=["32.5,13.25"], zoom=["5"]))
    assert state.center == (32.5, 13.25) and state.zoom == 5 and warnings == []


def test_every_kind_of_place_id_the_gazetteer_writes_is_read_back():
    # One id of each source prefix the gazetteer index holds (division ids carry digits in the
    # prefix and dots in the code: the page once rejected its own "adm1:..." links).
    for place_id in ("gn:81302", "icao:HLLM", "adm1:GR.ESYE43", "adm2:US.CA.037", "csc:4321", "sup:al-watiya"):
        query = view.ViewState(place=place_id).to_query()
        state, warnings = view.from_query(lambda name, q=query: [q[name]] if name in q else [])
        assert (state.place, warnings) == (place_id, [])


def test_an_actor_whose_name_is_shared_is_written_by_id():
    actors = {"nato": "NATO", "nato-2": "Nato", "russia": "Russia", "kremlin": "russia"}
    values = view.actor_values(actors)
    assert values["nato"] == "nato" and values["kremlin"] == "kremlin"  # "russia" is another actor's id
    for actor_id in actors:
        assert view.match_actors([values[actor_id]], actors) == ([actor_id], []), actor_id


def test_dates_sources_and_stored_views_travel_in_the_link():
    state = view.ViewState(since="2016-09-01", until="2016-09-30", sources=("ap", "breitbart"), view="0123456789ab")
    query = parse_qs(state.query_string())
    assert query == {
        "from": ["2016-09-01"],
        "to": ["2016-09-30"],
        "source": ["ap", "breitbart"],
        "view": ["0123456789ab"],
    }
    assert view.from_query(lambda name: query.get(name, [])) == (state, [])
    backwards, warnings = view.from_query(params(**{"from": ["2016-09-30"], "to": ["2016-09-01"]}))
    assert (backwards.since, backwards.until) == ("2016-09-01", "2016-09-30") and warnings
    for bad in ("2016-9-1", "2016-W37-1", "yesterday", "2016-02-30"):
        state, warnings = view.from_query(params(**{"from": [bad]}))
        assert state.since is None and warnings, bad
    assert view.ViewState().every_article and not view.ViewState(view="0123456789ab").every_article


def test_a_link_with_as_many_articles_as_the_page_writes_stays_short():
    state = view.ViewState(
        articles=tuple(f"{n:016x}" for n in range(view.LINK_ARTICLES)),
        since="2016-09-01",
        until="2016-09-30",
        sources=("Associated Press", "breitbart"),
        actors=("Hillary Clinton", "Donald Trump"),
        place="adm1:GR.ESYE43",
        speakers=("a senior official in the ministry",),
        stances=("asserts", "denies"),
        center=(-33.1234, 151.1234),
        zoom=12,
    )
    assert len("http://news-desk.example.org:8501/?" + state.query_string()) < view.MAX_LINK_CHARS - 400
