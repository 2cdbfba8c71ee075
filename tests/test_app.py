"""The page under streamlit.testing: URL parameters in, filter and selection out (the demo article)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.browser_support import ROOT
from tests.conftest import QUICK_SHUTDOWN

pytestmark = pytest.mark.usefixtures("component_scan_once")

APP = str(ROOT / "app.py")
PIRAEUS = "gn:255274"
ATHENS = "gn:264371"
GREECE = "gn:390903"


@pytest.fixture()
def seeded(tmp_path, monkeypatch, demo_analysis):
    from geo.store import Store

    path = tmp_path / "app.sqlite"
    with Store(path) as store:
        store.save(demo_analysis)
    monkeypatch.setenv("GEO_DATABASE", str(path))
    return demo_analysis.article.id


def run(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    # Twice, as in a browser: the map reports its view once drawn, which reruns the page (the first
    # run defers the timeline and the list of places until then).
    return at.run().run()


def query_values(at: AppTest, name: str) -> list[str]:
    value = at.query_params[name]
    return [value] if isinstance(value, str) else list(value)


def places_listed(at: AppTest) -> set[str]:
    return set(at.dataframe[0].value["name"])


def shown(markdown: str) -> str:
    """The text a Markdown notice shows: its backslash escapes undone."""
    return re.sub(r"\\(.)", r"\1", markdown)


def passage_blocks(at: AppTest) -> int:
    """How many passages the place panel shows (each carries its highlight styles)."""
    return sum("mark.geo-selected" in str(element.proto.body) for element in at.get("html"))


def html_text(at: AppTest) -> str:
    return " ".join(str(element.proto.body) for element in at.get("html"))


def test_article_parameter_shows_its_places(seeded):
    at = run(article=seeded)
    assert not at.exception
    assert {"Athens", "Piraeus", "Ankara", "Brussels", "Aegean Sea"} <= places_listed(at)


def test_places_without_a_country_list_an_empty_country(seeded):
    at = run(article=seeded)
    rows = at.dataframe[0].value.set_index("name")
    assert rows.loc["Aegean Sea", "country"] == ""  # a sea: no country, and no "None" either
    assert rows.loc["Piraeus", "country"] == "GR"
    assert rows["country"].notna().all()


def test_actor_parameter_filters_places(seeded):
    at = run(article=seeded, actor="Kyriakos Mitsotakis")
    assert not at.exception
    assert at.multiselect(key="actor_filter").value == ["kyriakos-mitsotakis"]
    listed = places_listed(at)
    assert "Ankara" in listed  # the summit he is expected at
    assert "Athens" not in listed and "Piraeus" not in listed


def test_place_parameter_opens_the_passages(seeded):
    at = run(article=seeded, place=PIRAEUS)
    assert not at.exception
    assert any(h.value == "Piraeus" for h in at.subheader)
    assert "shared rescue centre" in html_text(at)
    assert '<mark class="geo-selected" title="place">Piraeus</mark>' in html_text(at)
    # The claim made in that passage, under it: who, the stance, the hedge.
    assert "geo-claim" in html_text(at) and ">hedged<" in html_text(at)


def test_the_share_box_is_escaped_text_selected_in_one_click_not_a_code_block(seeded):
    """The link to the view is plain HTML text (the code block's syntax highlighter was the costliest
    script of a visit), escaped, and one click selects all of it for copying."""
    at = run(article=seeded, place=PIRAEUS)
    assert not at.exception
    assert not at.get("code")
    (share,) = [str(e.proto.body) for e in at.get("html") if "user-select:all" in str(e.proto.body)]
    assert f"?article={seeded}&amp;place=gn%3A255274<" in share  # escaped: & is &amp; in HTML


def test_changing_the_filter_updates_the_url(seeded):
    at = run(article=seeded)
    assert "Athens" in places_listed(at)
    at.multiselect(key="actor_filter").select("kyriakos-mitsotakis").run()
    assert query_values(at, "actor") == ["Kyriakos Mitsotakis"]
    assert "Athens" not in places_listed(at)


def test_malformed_parameters_warn_and_lose_nothing(seeded):
    at = run(article=[seeded, "not-an-id"], place="<script>alert(1)</script>", actor="Nobody")
    assert not at.exception
    warnings = shown(" ".join(w.value for w in at.warning))
    assert "not-an-id" in warnings and "Nobody" in warnings
    assert "Piraeus" in places_listed(at)


def test_url_parameters_reach_notices_as_literal_text(seeded):
    payload = "[click](http://evil.example) ![x](http://evil.example/i.png) **bold** :red[big] $x^2$ &amp;"
    at = run(article=[seeded], actor=payload, place=payload)
    assert not at.exception
    for warning in at.warning:
        # Every Markdown mark is escaped: nothing becomes a link, an image, bold, colour or math.
        assert not re.search(r"(?<!\\)[\[\]()*:$&!]", warning.value.split("No actor called")[-1])
    assert payload in shown(" ".join(w.value for w in at.warning))


def test_empty_store_explains_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_DATABASE", str(tmp_path / "empty.sqlite"))
    at = AppTest.from_file(APP, default_timeout=60).run()  # one run: no map will report to start another
    assert not at.exception
    assert any("No articles yet" in shown(i.value) for i in at.info)
    assert at.text_area(key="pasted") and at.button(key="FormSubmitter:paste_form-Analyse the text")


def test_text_in_another_language_explains_the_empty_map(tmp_path, monkeypatch, pipeline):
    from geo.store import Store

    german = "Der Minister sagte am Dienstag, dass die Gespräche ins Stocken geraten seien, nachdem " * 4
    path = tmp_path / "de.sqlite"
    article_id = Store(path).save(pipeline.analyze_text(german))
    monkeypatch.setenv("GEO_DATABASE", str(path))
    at = run(article=article_id)
    assert not at.exception
    assert any("does not look like English" in shown(w.value) for w in at.warning)


def test_choosing_another_entry_is_stored(seeded):
    import os

    from geo.store import Store
    from geo.types import MapFilter

    at = run(article=seeded, place=ATHENS)
    assert not at.exception
    choice = at.selectbox(key=f"correct-{ATHENS}-Athens")
    georgia = next(option for option in choice.options if ", US (" in option)  # Athens, Georgia and others
    choice.select_index(choice.options.index(georgia))
    at.button(key=f"apply-{ATHENS}-Athens").click().run()
    assert not at.exception
    corrected = query_values(at, "place")[0]
    assert corrected != ATHENS and corrected == georgia.rsplit(" · ", 1)[1]
    stored = Store(os.environ["GEO_DATABASE"])
    assert list(stored.corrections([seeded])["place_id"]) == [corrected]
    assert "US" in set(stored.places(MapFilter([seeded]))["country"])
    assert ATHENS not in set(stored.places(MapFilter([seeded]))["id"])


def test_a_web_page_url_is_fetched_analysed_and_shown(tmp_path, monkeypatch):
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    page = (
        "<html><head><title>Port talks in Piraeus</title></head><body><nav>Home | World</nav><article>"
        "<h1>Port talks in Piraeus</h1><p>Greek officials said on Tuesday that talks in Athens over a shared "
        "rescue centre at the port of Piraeus had stalled, after the coast guard reported two vessels near "
        "Lesbos.</p><p>The ministry denied that any agreement had been signed in Brussels.</p></article>"
        "<footer>Contact</footer></body></html>"
    )
    (tmp_path / "story.html").write_text(page, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, kwargs=QUICK_SHUTDOWN, daemon=True).start()
    monkeypatch.setenv("GEO_DATABASE", str(tmp_path / "web.sqlite"))
    url = f"http://127.0.0.1:{server.server_port}/story.html"
    try:
        at = run()  # the shipped policy: the server's own addresses are refused
        at.text_input(key="url_input").input(url)
        at.button(key="fetch").click().run()
        assert not at.exception
        assert "own network" in shown(" ".join(e.value for e in at.error))
        assert "article" not in at.query_params
        monkeypatch.setenv("GEO_FETCH_ALLOW_HOSTS", "127.0.0.1")  # a trusted intranet host
        at = run()
        at.text_input(key="url_input").input(url)
        at.button(key="fetch").click().run()
    finally:
        server.shutdown()
    assert not at.exception
    assert not [e.value for e in at.error]
    assert len(query_values(at, "article")) == 1
    assert {"Piraeus", "Athens"} <= places_listed(at)


def test_the_url_box_never_reads_a_path_on_the_server(tmp_path, monkeypatch):
    secret = tmp_path / "secret.txt"
    secret.write_text("Officials in Tripoli said the port of Misrata was closed.", encoding="utf-8")
    monkeypatch.setenv("GEO_DATABASE", str(tmp_path / "paths.sqlite"))
    at = run()
    for typed in (str(secret), str(tmp_path), "/etc/passwd", "file:///etc/passwd"):
        at.text_input(key="url_input").input(typed)
        at.button(key="fetch").click().run()
        assert not at.exception
        assert "not an http(s) URL" in shown(" ".join(e.value for e in at.error))
    assert "article" not in at.query_params
    assert not at.dataframe or "Misrata" not in places_listed(at)


def test_the_url_box_can_be_switched_off(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_DATABASE", str(tmp_path / "off.sqlite"))
    assert "url_input" in [t.key for t in run().text_input]  # there by default
    monkeypatch.setenv("GEO_PAGE_FETCH", "off")
    at = run()
    assert not at.exception
    assert "url_input" not in [t.key for t in at.text_input]
    assert at.text_area or at.get("file_uploader")  # the rest of the sidebar is still there


@pytest.fixture()
def many(tmp_path, monkeypatch, demo_analysis):
    """23 copies of one article, one a day from 2024-01-01: same title and source, told apart all the same."""
    import dataclasses

    from geo.store import Store

    path = tmp_path / "many.sqlite"
    store = Store(path)
    ids = []
    for n in range(23):
        article = dataclasses.replace(
            demo_analysis.article,
            id=f"{n:016x}",
            text=demo_analysis.article.text + f" ({n})",
            published=f"2024-01-{n + 1:02d}",
            published_source="record",
            source="Alpha" if n % 2 else "Beta",
        )
        ids.append(store.save(dataclasses.replace(demo_analysis, article=article)))
    monkeypatch.setenv("GEO_DATABASE", str(path))
    return ids


def test_every_stored_article_is_shown_by_default_and_a_large_set_gets_a_short_link(many):
    at = run()
    assert not at.exception
    assert any("Showing 23 of 23 stored articles" in caption.value for caption in at.caption)
    assert "article" not in at.query_params  # every article: no list of ids in the link
    at.toggle(key="edit_articles").set_value(True).run()
    assert at.multiselect(key="articles").value == [] and len(at.multiselect(key="articles").options) == 23
    at.multiselect(key="articles").set_value(many[:5]).run()
    assert query_values(at, "article") == many[:5] and "view" not in at.query_params
    assert any("Showing 5 of 5 chosen articles" in caption.value for caption in at.caption)


def test_the_first_run_sends_the_map_and_the_next_the_timeline_and_the_list(many):
    """In the browser the timeline and the list of places share a thread with the map's frame: a
    session's first run leaves them out, so the markers come first; the run the map's report starts
    (any later run) shows them."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert map_component(at)["script"]  # the map, with its markers
    assert not at.dataframe and not at.get("vega_lite_chart")
    assert not at.text_area and not at.get("file_uploader")  # the sidebar's forms: after the map too
    at.run()
    assert not at.exception
    assert "Athens" in places_listed(at) and at.get("vega_lite_chart")
    assert at.button(key="step_forward")
    assert at.text_area(key="pasted") and at.get("file_uploader")


def test_a_set_of_articles_too_long_for_a_link_is_stored_as_a_view(many, monkeypatch):
    from geo.view import url as view

    monkeypatch.setattr(view, "LINK_ARTICLES", 10)  # 23 articles are then too many to list
    at = run()
    at.toggle(key="edit_articles").set_value(True).run()
    at.multiselect(key="articles").set_value(many[:15]).run()
    assert not at.exception
    assert "article" not in at.query_params and re.fullmatch(r"[0-9a-f]{12}", at.query_params["view"])
    link = view.ViewState(view=at.query_params["view"]).query_string()
    reopened = run(view=at.query_params["view"])  # a new session on the same server
    assert not reopened.exception and not reopened.warning
    assert any("Showing 15 of 15 chosen articles" in caption.value for caption in reopened.caption), link
    unknown = run(view="0123456789ab")
    assert "0123456789ab" in shown(" ".join(w.value for w in unknown.warning))


def test_dates_in_the_link_narrow_the_articles_and_step_moves_the_window(many):
    at = run(**{"from": "2024-01-03", "to": "2024-01-05"})
    assert not at.exception
    assert any("Showing 3 of 23 stored articles" in caption.value for caption in at.caption)
    at.selectbox(key="window_days").set_value(7).run()
    at.button(key="step_forward").click().run()
    assert (at.query_params["from"], at.query_params["to"]) == ("2024-01-06", "2024-01-12")
    assert any("Showing 7 of 23 stored articles" in caption.value for caption in at.caption)
    at.button(key="step_back").click().run()
    assert (at.query_params["from"], at.query_params["to"]) == ("2023-12-30", "2024-01-05")
    at.button(key="all_days").click().run()
    assert "from" not in at.query_params and "to" not in at.query_params
    picked = run(article=many[:5], **{"from": "2024-01-02", "to": "2024-01-03"})
    assert any("Showing 2 of 5 chosen articles published" in caption.value for caption in picked.caption)
    bad = run(**{"from": "yesterday"})
    assert "yesterday" in " ".join(w.value for w in bad.warning)


def test_the_source_filter_lives_in_the_link_and_unknown_sources_are_named(many):
    at = run()
    at.multiselect(key="source_filter").set_value(["Alpha"]).run()
    assert query_values(at, "source") == ["Alpha"]
    assert any("Showing 11 of 23 stored articles" in caption.value for caption in at.caption)
    reopened = run(source=["Alpha", "Nowhere"])
    assert "Nowhere" in shown(" ".join(w.value for w in reopened.warning))
    assert reopened.multiselect(key="source_filter").value == ["Alpha"]


def test_the_place_panel_lists_passages_newest_first_with_their_dates(many):
    at = run(place=GREECE)
    assert not at.exception
    captions = [shown(c.value) for c in at.caption]
    dates = [c[:10] for c in captions if re.match(r"\d{4}-\d{2}-\d{2} ·", c)]
    # three passages of each article: "Greece" twice and "Greek waters" (a demonym that places, pinned)
    assert dates[:4] == ["2024-01-23", "2024-01-23", "2024-01-23", "2024-01-22"]
    assert dates == sorted(dates, reverse=True) and len(dates) == 30
    at.toggle(key=f"all-passages-{GREECE}").set_value(True).run()
    assert passage_blocks(at) == 69  # every passage of every article (3 x 23), on request


def test_every_place_opens_its_panel_on_its_own_passages(seeded, demo_analysis):
    """Each place's panel: its name as the heading, and each passage naming it with that mention marked."""
    from geo.export import to_dict

    places = to_dict(demo_analysis)["places"]
    assert len(places) >= 8
    for place in places:
        at = run(article=seeded, place=place["id"])
        assert not at.exception, (place["id"], [e.message for e in at.exception])
        assert [h.value for h in at.subheader] == [place["name"]]
        shown = html_text(at)
        for mention in place["mentions"]:
            assert f'<mark class="geo-selected" title="place">{mention["text"]}</mark>' in shown, mention
        selected = {m["text"] for p in places if p["id"] != place["id"] for m in p["mentions"]}
        assert all(f'class="geo-selected" title="place">{text}<' not in shown for text in selected), place["id"]


@pytest.fixture()
def believed(tmp_path, monkeypatch, demo_analysis):
    """The demo article with every claim but the first made a belief, wish or plan (``internal``)."""
    import dataclasses

    from geo.store import Store

    claims = tuple(dataclasses.replace(c, internal=i > 0) for i, c in enumerate(demo_analysis.claims))
    path = tmp_path / "app.sqlite"
    with Store(path) as store:
        store.save(dataclasses.replace(demo_analysis, claims=claims))
    monkeypatch.setenv("GEO_DATABASE", str(path))
    return claims


def test_statements_only_is_a_page_filter_kept_in_the_url(believed):
    from geo.store import Store
    from geo.types import MapFilter

    assert len(believed) >= 2 and {p for c in believed[1:] for p in c.places} - set(believed[0].places)
    with Store(_database()) as store:
        said = set(store.places(MapFilter(statements_only=True))["name"])
    every = places_listed(run())
    at = run(statements="only")
    assert not at.exception
    assert at.toggle(key="statements_filter").value is True
    assert places_listed(at) == said and said < every
    at.toggle(key="statements_filter").set_value(False).run()
    assert "statements" not in at.query_params
    assert places_listed(at) == every
    at.toggle(key="statements_filter").set_value(True).run()
    assert query_values(at, "statements") == ["only"]
    assert places_listed(at) == said


def _database() -> str:
    import os

    return os.environ["GEO_DATABASE"]


def test_following_new_articles_is_opt_in_and_can_be_switched_off(seeded, monkeypatch):
    at = run(article=seeded)
    assert at.toggle(key="follow").value is False  # the reader turns it on
    at.toggle(key="follow").set_value(True).run()
    assert not at.exception and places_listed(at)
    monkeypatch.setenv("GEO_PAGE_REFRESH", "0")
    assert not [t for t in run(article=seeded).toggle if t.key == "follow"]


def test_speaker_and_stance_filters_are_bound_to_the_url(seeded):
    """Streamlit keeps these two filters in the URL itself (bind="query-params"): a link sets them."""
    every = places_listed(run(article=seeded))
    at = run(article=seeded, stance="denies", speaker="Nobody")
    assert not at.exception
    assert at.multiselect(key="stance").value == ["denies"]
    assert at.multiselect(key="speaker").value == []  # not a speaker of this article: dropped
    assert "stance" in at.query_params and "speaker" not in at.query_params
    assert places_listed(at) < every
    malformed = run(article=seeded, stance="perhaps")
    assert "perhaps" in " ".join(w.value for w in malformed.warning)
    assert malformed.multiselect(key="stance").value == [] and places_listed(malformed) == every


def test_a_runaway_text_stops_at_its_deadline_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_DATABASE", str(tmp_path / "slow.sqlite"))
    monkeypatch.setenv("GEO_ANALYSIS_TIMEOUT", "1")
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.text_area[0].input("Officials in Tripoli said the talks in Geneva would resume.\n\n" * 1500)
    at.button[0].click().run()
    assert not at.exception
    assert "GEO_ANALYSIS_TIMEOUT" in shown(" ".join(e.value for e in at.error))


# -- input that works the first time (issue 12, item 6) ------------------------------------------


def test_the_input_buttons_are_ready_before_anything_is_typed(tmp_path, monkeypatch):
    """A button disabled until its text box loses focus needs two clicks: the first only blurs the box."""
    monkeypatch.setenv("GEO_DATABASE", str(tmp_path / "empty.sqlite"))
    at = run()
    assert not at.exception
    buttons = {b.label: b for b in at.button}
    assert not buttons["Analyse the text"].disabled
    assert not buttons["Fetch and analyse"].disabled  # shown with an empty box, not only after Enter


@pytest.mark.parametrize("typed", ["", "   \n\t  "])
def test_empty_input_says_why_nothing_happened(tmp_path, monkeypatch, typed):
    monkeypatch.setenv("GEO_DATABASE", str(tmp_path / "empty.sqlite"))
    at = run()
    at.text_area(key="pasted").input(typed)
    next(b for b in at.button if b.label == "Analyse the text").click().run()
    assert not at.exception
    assert "text box is empty" in shown(" ".join(e.value for e in at.error))
    at.text_input(key="url_input").input(typed.replace("\n", " "))
    at.button(key="fetch").click().run()
    assert "URL box is empty" in shown(" ".join(e.value for e in at.error))
    assert "article" not in at.query_params


def rewrite_url_as_the_page_does(at: AppTest, **params: list[str]) -> None:
    """What ``set_view`` does on a pan or a click: a URL the page wrote itself, remembered as its own."""
    from geo.view import url as view

    for name in list(at.query_params):
        del at.query_params[name]
    for name, values in params.items():
        at.query_params[name] = values
    at.session_state["view_seen"] = view.from_query(lambda name: params.get(name, []))[0]


def test_link_warnings_stay_until_dismissed(seeded):
    at = run(article=[seeded, "not-an-id"], actor="Nobody")
    assert "not-an-id" in shown(" ".join(w.value for w in at.warning))
    rewrite_url_as_the_page_does(at, article=[seeded], zoom=["5"], center=["38.0,23.7"])
    at.run()
    assert not at.exception
    warnings = shown(" ".join(w.value for w in at.warning))
    assert "not-an-id" in warnings and "Nobody" in warnings  # the URL dropped the value; the warning stays
    at.button(key="dismiss_warnings").click().run()
    assert not [w.value for w in at.warning]
    at.run()  # the actor is still in the URL: dismissed all the same
    assert not [w.value for w in at.warning]


def test_a_new_link_replaces_the_warnings(seeded):
    at = run(article=[seeded, "not-an-id"])
    assert "not-an-id" in shown(" ".join(w.value for w in at.warning))
    at.query_params["article"] = [seeded, "also-bad"]
    at.run()
    warnings = shown(" ".join(w.value for w in at.warning))
    assert "also-bad" in warnings and "not-an-id" not in warnings


def test_an_unknown_speaker_is_named(seeded):
    at = run(article=seeded, speaker=["Nobody", "<b>x</b>"])
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "No speaker called" in warnings and "Nobody" in shown(warnings)
    assert "<b>" not in warnings  # escaped for Markdown


# -- the place panel (issue 12, item 4) ------------------------------------------------------------


@pytest.fixture()
def contested(tmp_path, monkeypatch, demo_analysis):
    """The demo article, its ministry's denial made about Athens too and linked to the officials' claim."""
    import dataclasses

    from geo.store import Store

    denied = next(c for c in demo_analysis.claims if c.stance == "denies")  # the ministry's
    denial = dataclasses.replace(
        denied, places=(ATHENS,), contradicts=("c1",), speaker="The <b>Turkish</b> foreign ministry"
    )
    article = dataclasses.replace(demo_analysis.article, source="Demo & Wire", published="2026-11-30T08:00:00")
    analysis = dataclasses.replace(
        demo_analysis, article=article, claims=tuple(denial if c.id == denied.id else c for c in demo_analysis.claims)
    )
    path = tmp_path / "contested.sqlite"
    with Store(path) as store:
        store.save(analysis)
    monkeypatch.setenv("GEO_DATABASE", str(path))
    return article.id


def test_a_contested_place_shows_both_sides_with_speaker_outlet_and_date(contested):
    at = run(article=contested, place=ATHENS)
    assert not at.exception
    shown_html = html_text(at)
    assert "Both sides" in shown_html
    sides = shown_html[shown_html.index("geo-sides") :]
    assert "Asserted (1)" in sides and "Denied (1)" in sides
    assert "Greek officials" in sides and "The &lt;b&gt;Turkish&lt;/b&gt; foreign ministry" in sides
    assert "<b>Turkish" not in shown_html  # article text stays text
    assert sides.count("contradicts:") == 2  # each side names the claim it contradicts
    assert "Demo &amp; Wire · 2026-11-30" in sides


def test_both_sides_link_claims_of_different_outlets_about_the_place(tmp_path, monkeypatch):
    """A denial, and another outlet's article asserting what it denies: linked at save, shown on both sides."""
    from geo.store import Store
    from tests.test_export import contested_articles

    first, other = contested_articles()
    path = tmp_path / "across.sqlite"
    with Store(path) as store:
        store.save(first)
        store.save(other)
    monkeypatch.setenv("GEO_DATABASE", str(path))
    at = run(place="gn:81302")
    assert not at.exception
    shown_html = html_text(at)
    sides = shown_html[shown_html.index("geo-sides") :]
    assert "Asserted (2)" in sides and "Denied (1)" in sides
    # The denial names both claims it contradicts; each assertion names the denial.
    assert sides.count("contradicts:") == 4
    assert "&lt;s&gt;Bloomberg&lt;/s&gt; · 2026-11-03" in sides and "<s>" not in shown_html


def test_an_uncontested_place_has_no_sides(seeded):
    at = run(article=seeded, place=PIRAEUS)
    assert "geo-sides" not in html_text(at)


def test_a_long_passage_shows_the_sentences_round_the_place_and_opens_whole(tmp_path, monkeypatch, pipeline):
    from geo.store import Store

    text = (
        "Ferry Strike\n\nUnions met on Monday to plan the week. The talks lasted for hours. Observers expected "
        "little from them. The port of Piraeus was then closed to ferries. Unions protested the decision. "
        "Talks resume next week. Nothing else was agreed that day."
    )
    path = tmp_path / "long.sqlite"
    article_id = Store(path).save(pipeline.analyze_text(text))
    monkeypatch.setenv("GEO_DATABASE", str(path))
    at = run(article=article_id, place=PIRAEUS)
    assert not at.exception
    block = html_text(at)
    excerpt, whole = block.split("<details", 1)
    excerpt = re.sub(r"<[^>]+>", "", excerpt)  # the text without its marks (a claim's speaker and cue are marked)
    assert "Observers expected little" in excerpt and "Unions protested the decision." in excerpt
    assert "plan the week" not in excerpt and "Nothing else was agreed" not in excerpt
    assert "Read the whole passage" in whole and "plan the week" in whole and "Nothing else was agreed" in whole


def test_runner_up_readings_are_told_apart(seeded):
    at = run(article=seeded, place=ATHENS)
    assert not at.exception
    runner_up = next(c.value for c in at.caption if c.value.startswith("Runner"))
    assert re.search(r"Athens, \w[^,]*, US \(city, pop\. [\d,]+\)", shown(runner_up)), runner_up
    options = at.selectbox(key=f"correct-{ATHENS}-Athens").options
    labels = [option.rsplit(" · ", 1)[0] for option in options]
    assert len(set(labels)) == len(labels)  # without their ids, still all different
    assert any(re.match(r"Athens, (Georgia|Ohio|Alabama|Texas), US \(city", label) for label in labels), labels


def map_component(at: AppTest):
    """The map component's arguments as the page sent them (st_folium's script and layers)."""
    import json

    (element,) = [e for e in at.get("component_instance") if "script" in e.proto.json_args]
    return json.loads(element.proto.json_args)


def test_a_view_is_drawn_once_for_every_session_until_the_store_changes(seeded, monkeypatch, demo_analysis):
    """The map of one view is built and rendered once and shared by every session; each session keeps
    its own selection; any write to the store (a new revision) builds it again."""
    import os

    from geo.store import Store
    from geo.view import map as geomap

    built: list[int] = []
    build = geomap.build_map
    monkeypatch.setattr(geomap, "build_map", lambda *args, **kwargs: built.append(1) or build(*args, **kwargs))
    picking = run(place=PIRAEUS)
    browsing = run()
    assert not picking.exception and not browsing.exception
    assert len(built) == 1
    # One map, two sessions: the ring round the selected place is the picking session's alone.
    assert map_component(picking)["script"] == map_component(browsing)["script"]
    assert '"opacity": 0' not in map_component(picking)["feature_group"]
    assert '"opacity": 0' in map_component(browsing)["feature_group"]
    assert any(h.value == "Piraeus" for h in picking.subheader)
    assert not any(h.value == "Piraeus" for h in browsing.subheader) and "Piraeus" in places_listed(browsing)
    with Store(os.environ["GEO_DATABASE"]) as store:
        store.save(demo_analysis, replace=True)
    assert not run().exception
    assert len(built) == 2
