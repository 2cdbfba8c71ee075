import pandas as pd

from geo import frames
from geo.frames import Highlight
from geo.view import map as render
from geo.view import panel, style
from geo.view.static import JQUERY_JS, LEAFLET_JS

PLACES = pd.DataFrame(
    [
        {"id": "gn:1", "name": "Tobruk", "lat": 32.08, "lon": 23.95, "kind": "city", "mentions": 1},
        {"id": "gn:2", "name": "<img src=x onerror=alert(1)>", "lat": 30.0, "lon": 20.0, "kind": "city", "mentions": 2},
    ]
)


def test_map_is_offline_and_carries_place_data():
    page = render.build_map(PLACES).get_root().render()
    assert LEAFLET_JS in page and JQUERY_JS in page
    assert "/app/static/markercluster/leaflet.markercluster.js" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    assert '"gn:1","Tobruk"' in page


def test_marker_text_never_becomes_markup():
    page = render.build_map(PLACES).get_root().render()
    assert "<img src=x onerror" not in page  # tojson escapes < and > inside the script
    assert "innerHTML" not in page


def test_selection_is_a_layer_of_its_own():
    (ring,) = render.selection_layer(PLACES, "gn:1")._children.values()
    assert ring.location == [32.08, 23.95] and ring.options["radius"] == style.SELECTION_RING["radius"]
    # Nothing selected: an empty ring, which takes the place of one the browser drew on a click.
    (empty,) = render.selection_layer(PLACES, "gn:404")._children.values()
    assert empty.options["opacity"] == 0 and empty.options["className"] == style.SELECTION_CLASS


def test_place_at_matches_a_marker_point_only():
    assert render.place_at(PLACES, 32.08, 23.95) == "gn:1"
    assert render.place_at(PLACES, 10.0, 10.0) is None
    assert render.place_at(PLACES.iloc[0:0], 32.08, 23.95) is None


def test_passage_html_escapes_and_highlights():
    text = "Ships <b>may</b> dock at Tobruk, said Russia."
    offset = 100
    marks = [
        Highlight(100 + text.index("Tobruk"), 100 + text.index("Tobruk") + 6, "selected", "place"),
        Highlight(100 + text.index("Russia"), 100 + text.index("Russia") + 6, "actor", "Russia"),
    ]
    out = panel.passage_html(text, offset, marks)
    assert "&lt;b&gt;may&lt;/b&gt;" in out
    assert '<mark class="geo-selected" title="place">Tobruk</mark>' in out
    assert '<mark class="geo-actor" title="Russia">Russia</mark>' in out


def test_overlapping_highlights_do_not_break_markup():
    out = panel.passage_html("New York City", 0, [Highlight(0, 13, "place", "p"), Highlight(4, 8, "actor", "a")])
    assert out.count("<mark") == 1


def test_place_stances():
    claims = pd.DataFrame(
        [
            {"place_id": "a", "stance": "asserts"},
            {"place_id": "b", "stance": "denies"},
            {"place_id": "c", "stance": "asserts"},
            {"place_id": "c", "stance": "denies"},
            {"place_id": None, "stance": "denies"},
        ]
    )
    assert frames.place_stances(claims) == {"a": "asserted", "b": "denied", "c": "contested"}
    linked = claims.assign(contradicts=[["x"], [], [], [], []])
    assert frames.place_stances(linked)["a"] == "contested"


def test_claim_html_escapes_everything():
    out = panel.claim_html("<b>src</b>", "<i>via</i>", "said", "denies", True, "<script>x</script>")
    assert "<script>" not in out and "<b>src" not in out and "<i>via" not in out
    assert "denies" in out and "hedged" in out


def test_layer_control_lists_places_areas_and_basemap():
    basemap = {"type": "FeatureCollection", "features": []}
    page = render.build_map(PLACES, basemap=basemap).get_root().render()
    assert "L.control.layers(" in page
    assert '"Places (pins)"' in page and '"Areas (labels)"' in page and '"Country basemap"' in page


CLAIMS = pd.DataFrame(
    [
        ("a1", "c1", "LNA", "denies", "gn:1", "No"),
        ("a1", "c2", "LNA", "asserts", "gn:1", "Yes"),
        ("a1", "c2", "LNA", "asserts", "gn:2", "Yes"),
        ("a2", "c1", "<b>Bloomberg</b>", "asserts", "gn:1", "<script>x</script>"),
        ("a2", "c2", "Nobody", "asserts", "gn:404", "a place filtered off the map"),
        ("a2", "c3", "Nowhere", "asserts", None, "about no place"),
    ],
    columns=["article_id", "claim_id", "speaker", "stance", "place_id", "text"],
)


def test_claim_layers_one_per_speaker_about_shown_places():
    layers = frames.claim_layers(CLAIMS, PLACES)
    assert [layer.speaker for layer in layers] == ["LNA", "<b>Bloomberg</b>"]  # most claims first
    lna = layers[0]
    assert lna.claims == 2
    stances = {ring.tooltip.split(":")[0]: ring.stance for ring in lna.rings}
    assert stances["Tobruk"] == "contested"  # the LNA both asserts and denies there
    assert "asserted" in stances.values()
    assert frames.claim_layers(CLAIMS, PLACES, limit=1) == layers[:1]


def test_claim_layer_labels_and_tooltips_stay_text():
    layers = frames.claim_layers(CLAIMS, PLACES)
    assert render.layer_label(layers[1]) == "Claims by &lt;b&gt;Bloomberg&lt;/b&gt; (1)"  # inserted as HTML
    page = render.build_map(PLACES, claims=CLAIMS).get_root().render()
    assert "Claims by \\u0026lt;b\\u0026gt;Bloomberg" in page  # tojson writes & as \u0026 inside the script
    assert "<script>x" not in page and "<b>Bloomberg" not in page
    assert "textContent" in page and "innerHTML" not in page


def test_no_claims_no_claim_layers():
    page = render.build_map(PLACES, claims=CLAIMS.iloc[0:0]).get_root().render()
    assert "Claims by" not in page


def test_st_folium_sends_the_same_map_without_its_page_render(monkeypatch):
    """The page passes render=False to st_folium (a render less per run): the map sent must not change."""
    import re

    import streamlit_folium

    sent: list[dict] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.append(kwargs))
    basemap = {"type": "FeatureCollection", "features": []}
    for page_render in (True, False):
        streamlit_folium.st_folium(
            render.build_map(PLACES, claims=CLAIMS, basemap=basemap),
            key="map",
            feature_group_to_add=render.selection_layer(PLACES, "gn:1"),
            render=page_render,
        )
    with_render, without = (
        {k: re.sub(r"[0-9a-f]{32}", "", str(v)) for k, v in s.items() if k != "on_change"} for s in sent
    )
    assert with_render == without
    assert "Tobruk" in without["script"]


def test_basemap_from_a_url_is_fetched_not_embedded():
    shape = {"type": "Feature", "properties": {"iso_a2": "LY"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}
    basemap = {"type": "FeatureCollection", "features": [shape]}
    places = PLACES.assign(kind=["city", "country"], country=["LY", "LY"])
    fetched = render.build_map(places, basemap=basemap, basemap_url="/app/static/basemap/countries.json")
    page = fetched.get_root().render()
    assert 'fetch("/app/static/basemap/countries.json")' in page and "map.geoFetched" in page
    # No shape in the page: the shaded country is drawn from the fetched basemap (one request for both).
    assert '"iso_a2":"LY"' not in page and '"LY": {"color"' in page and "options.filter" in page
    embedded = render.build_map(places, basemap=basemap).get_root().render()
    assert "fetch(" not in embedded and embedded.count('"iso_a2":"LY"') == 2


def test_the_articles_own_claims_get_a_layer_named_for_them():
    from geo.types import NARRATOR

    assert render.layer_label(frames.ClaimLayer(NARRATOR, 3, ())) == "Said by the article itself (3)"


def test_each_ring_takes_its_stance_colour_on_the_map():
    page = render.build_map(PLACES, claims=CLAIMS).get_root().render()
    assert f'"{style.STANCE_COLORS["contested"]}", "Tobruk: LNA asserts and denies' in page


def test_claim_rings_are_fetched_when_switched_on_not_sent_with_the_map(tmp_path):
    """A view with thousands of claim rings: the map sent stays small (the rings wait in a file the
    browser fetches the first time a claims layer is switched on); every session gets the same map."""
    import json

    from geo.view import component
    from geo.view.static import publish_json, served_file

    places = pd.DataFrame(
        [
            {"id": f"gn:{i}", "name": f"Town {i}", "lat": i % 80 / 1, "lon": i % 170 / 1, "kind": "city", "mentions": 1}
            for i in range(1000)
        ]
    )
    claims = pd.DataFrame(
        [
            ("a1", f"c{i}-{s}", f"Speaker <{s}>", "asserts", f"gn:{i}", f"<b>claim</b> {i} " + "x" * 100)
            for i in range(1000)
            for s in range(3)
        ],
        columns=["article_id", "claim_id", "speaker", "stance", "place_id", "text"],
    )
    bare = component.map_parts(render.build_map(places), key="map").size
    urls: list[str] = []

    def publish(text: str) -> str:
        urls.append(publish_json(text, tmp_path))
        return urls[-1]

    drawn = [component.map_parts(render.build_map(places, claims=claims, publish=publish), key="map") for _ in "ab"]
    assert drawn[0].size - bare < 2_000  # 3,000 rings with their tooltips would add some 450 KB
    assert urls[0] == urls[1] and drawn[0].script.count(urls[0]) == 1  # one file, the same for every session
    assert drawn[0].hash_key == drawn[1].hash_key
    rings = json.loads(served_file(urls[0], tmp_path).read_text(encoding="utf-8"))
    assert [len(layer) for layer in rings] == [1000, 1000, 1000]
    assert rings[0][0][3].startswith("Town 0: Speaker <0> asserts (1 claim) — “<b>claim</b> 0 ")  # shown as text
    assert "Claims by Speaker \\u0026lt;0\\u0026gt; (1000)" in drawn[0].script  # a label, escaped


def test_a_panel_passage_is_escaped_text_with_its_marks_and_claims():
    from geo.frames import ClaimLine, PanelPassage

    text = "Ships <b>may</b> dock at Tobruk."
    mark = Highlight(100 + text.index("Tobruk"), 100 + text.index("Tobruk") + 6, "selected", 'a "place"')
    claim = ClaimLine("<i>LNA</i>", None, "said", "asserts", False, "<script>x</script>")
    out = panel.passage_block(PanelPassage("a1", "t", text, 100, (mark,), (claim,)))
    assert "&lt;b&gt;may&lt;/b&gt;" in out
    assert '<mark class="geo-selected" title="a &#34;place&#34;">Tobruk</mark>' in out
    assert "&lt;i&gt;LNA&lt;/i&gt;" in out and "<script>" not in out and ">hedged<" not in out
    assert f"background: {style.HIGHLIGHT_COLORS['selected']}" in out


def test_a_claim_line_shows_how_its_speaker_was_resolved_escaped():
    from geo.frames import ClaimLine

    claim = ClaimLine("Jane Roe", None, "said", "asserts", False, "x", ("he", "the <b>mayor</b>", "Jane Roe"))
    out = panel._claim(claim)
    assert "(he → the &lt;b&gt;mayor&lt;/b&gt; → Jane Roe)" in out
    assert "geo-chain" not in panel._claim(ClaimLine("Jane Roe", None, "said", "asserts", False, "x", ("Jane Roe",)))


def test_the_legend_shows_every_stance_colour():
    legend = panel.legend_html()
    assert all(colour in legend for colour in style.STANCE_COLORS.values())
    assert all(label in legend for label in style.STANCE_LABELS.values())


def test_claim_highlights_mark_where_speaker_and_cue_are_written():
    text = "The mayor said the bridge is safe."
    claims = pd.DataFrame(
        [
            {
                "claim_id": "c1",
                "speaker": "The mayor",
                "stance": "asserts",
                "speaker_start": 0,
                "speaker_end": 9,
                "cue_start": 10,
                "cue_end": 14,
            },
            {
                "claim_id": "c2",
                "speaker": "the article",
                "stance": "asserts",
                "speaker_start": None,
                "speaker_end": None,
                "cue_start": None,
                "cue_end": None,
            },
        ]
    )
    marks = frames.claim_highlights(claims)
    assert [(m.kind, text[m.start : m.end]) for m in marks] == [("speaker", "The mayor"), ("cue", "said")]
    out = panel.passage_html(text, 0, marks)
    assert '<mark class="geo-speaker" title="speaker: The mayor">The mayor</mark>' in out
    assert '<mark class="geo-cue" title="cue: asserts">said</mark>' in out
    assert frames.claim_highlights(claims.iloc[0:0]) == ()


def test_orientation_layers_ship_small_whole_and_with_their_source():
    from geo.view import layers

    total = 0
    for name in layers.LAYER_NAMES:
        path = layers.DATA / f"{name}.json"
        size = len(path.read_bytes())
        total += size
        data = layers.layer(name)
        (feature,) = data["features"]
        assert feature["properties"]["source"]
        assert len(feature["geometry"]["coordinates"]) > 100, name
    assert total < 1_200_000  # fetched once, and only when the map is zoomed in


def test_city_labels_start_at_the_zoom_of_their_size():
    from geo.view import layers

    rows = layers.cities()
    zoom = {name: z for _lat, _lon, name, z in rows}
    assert zoom["Rome"] == 4 and zoom["Bologna"] == 6 and zoom["Padua"] == 8
    assert "Andorra la Vella" not in zoom  # too small to label
    populous_first = [r[3] for r in rows]
    assert populous_first == sorted(populous_first)  # the most populous are placed first, and win overlaps


def test_orientation_layers_are_fetched_only_when_named():
    from geo.view.static import ORIENTATION_JSON

    named = render.build_map(PLACES, orientation=ORIENTATION_JSON).get_root().render()
    assert all(url in named for url in ORIENTATION_JSON.values())
    assert ORIENTATION_JSON["admin1"] not in render.build_map(PLACES).get_root().render()


def test_both_sides_links_contradictions_both_ways_whatever_places_they_name():
    row = {"article_id": "a1", "title": "T", "source": "Wire", "published": "2026-11-02T10:00", "via": None}
    claims = pd.DataFrame(
        [
            {
                **row,
                "claim_id": "c1",
                "speaker": "Ministry",
                "cue": "said",
                "stance": "asserts",
                "hedged": 0,
                "text": "ships docked",
                "contradicts": None,
                "place_id": "gn:1",
            },
            {
                **row,
                "claim_id": "c1",
                "speaker": "Ministry",
                "cue": "said",
                "stance": "asserts",
                "hedged": 0,
                "text": "ships docked",
                "contradicts": None,
                "place_id": "gn:2",
            },
            {
                **row,
                "claim_id": "c2",
                "speaker": "Army",
                "cue": "denied",
                "stance": "denies",
                "hedged": 1,
                "text": "no ship docked",
                "contradicts": "c1",
                "place_id": None,
            },
            {
                **row,
                "article_id": "a2",
                "claim_id": "c1",
                "speaker": "Other",
                "cue": "said",
                "stance": "asserts",
                "hedged": 0,
                "text": "elsewhere",
                "contradicts": None,
                "place_id": "gn:3",
            },
        ]
    )
    (found,) = frames.both_sides(claims, "gn:2")  # its first row names another place
    assert (found.claim.speaker, found.claim.outlet, found.claim.date) == ("Ministry", "Wire", "2026-11-02")
    assert [(c.speaker, c.stance, c.hedged) for c in found.against] == [("Army", "denies", True)]
    html = panel.sides_html([found])
    assert "Asserted (1)" in html and "contradicts:" in html and "Denied" not in html
    assert frames.both_sides(claims, "gn:9") == []


def test_the_shared_map_parts_send_what_st_folium_sends(monkeypatch):
    """The page renders a view's map once (geo.view.component) and sends it with each session's own
    selection: the component must receive exactly what st_folium itself would send."""
    import streamlit_folium

    from geo.view import component

    sent: list[dict] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.append(kwargs))
    basemap = {"type": "FeatureCollection", "features": []}
    returned = ["last_object_clicked", "center", "zoom"]
    streamlit_folium.st_folium(
        render.build_map(PLACES, claims=CLAIMS, basemap=basemap),
        key="map",
        height=560,
        use_container_width=True,
        center=(1.0, 2.0),
        zoom=5,
        returned_objects=returned,
        feature_group_to_add=render.selection_layer(PLACES, "gn:1"),
        render=False,
    )
    parts = component.map_parts(render.build_map(PLACES, claims=CLAIMS, basemap=basemap), key="map")
    component.show(
        parts,
        key="map",
        height=560,
        center=(1.0, 2.0),
        zoom=5,
        returned_objects=returned,
        feature_group=render.selection_layer(PLACES, "gn:1"),
    )
    ours, theirs = ({k: v for k, v in s.items() if k != "on_change"} for s in (sent[1], sent[0]))
    assert ours == theirs
    assert "Tobruk" in ours["script"] and "circle_marker" in ours["feature_group"]
