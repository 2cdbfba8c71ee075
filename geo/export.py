"""Serialise analyses: the JSON of one analysis, and exports of the stored map.

``to_dict`` is the JSON contract of ``python -m geo analyze --format json``::

    {"article": {"id", "title", "source", "url", "published", "published_source"},
     "places": [{"id", "name", "lat", "lon", "kind", "country", "geonameid",
                 "mentions": [{"start", "end", "text", "role", "score", "reason", "runner_up"}]}],
     "actors": [{"id", "name", "type", "place_id", "mentions": [{"start", "end", "text"}]}],
     "claims": [{"id", "start", "end", "text", "speaker", "via", "cue", "stance", "hedged",
                 "places", "actors", "contradicts", "published"}]}

Demonym mentions ("Libyan port") are not place mentions: they name a people
or a state and appear under the state's actor.

The store exports take the map's filters (a ``MapFilter``, as ``Store.places``
does) and return text, for ``python -m geo export`` and the page's download buttons:

- ``geojson``: an RFC 7946 FeatureCollection, one Point feature per place
  with its mentions, nearby actors and claims, each with its article id and
  [start, end) character offsets into the article text;
- ``claims_csv``: one row per claim and place (speaker, via, cue, stance,
  place, article and its date, offsets; the passage text only when asked);
- ``html_map``: a standalone HTML page with the folium map, Leaflet, jQuery
  and their CSS and images inlined, so it opens offline; clicking a place
  opens a panel with its passages and the claims about it (``place_panels``).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.frames import (
    ClaimKey,
    Highlight,
    SideClaim,
    contradiction_links,
    excerpt_window,
    in_side_order,
    map_frames,
    side_claims,
    with_stance,
)
from geo.store.rows import place_mentions
from geo.types import Analysis, MapFilter, Place

if TYPE_CHECKING:
    from geo.store import Store

# Places whose mentions, actors and claims are read from the store at once: a place named in a
# thousand articles makes a chunk of its own, a thousand small places make one together.
EXPORT_CHUNK_PLACES = 1000
EXPORT_CHUNK_MENTIONS = 5000

CSV_COLUMNS = (
    "speaker",
    "via",
    "cue",
    "stance",
    "hedged",
    "place",
    "place_id",
    "article_id",
    "article_title",
    "published",
    "claim_id",
    "start",
    "end",
    "claim_text",
    "passage_start",
    "passage_end",
)
# Only when asked (``--with-passages``): each row would repeat its whole passage, most of the file's size.
PASSAGE_COLUMN = "passage_text"


def to_dict(analysis: Analysis) -> dict[str, Any]:
    article = analysis.article
    places = []
    for resolutions in place_mentions(analysis).values():
        place = resolutions[0].place
        places.append(
            {
                **_place_fields(place),
                "mentions": [
                    {
                        "start": r.mention.start,
                        "end": r.mention.end,
                        "text": r.mention.text,
                        "role": r.role,
                        "score": r.score,
                        "reason": r.reason,
                        "runner_up": _place_fields(r.runner_up) if r.runner_up else None,
                    }
                    for r in resolutions
                ],
            }
        )
    return {
        "article": {
            "id": article.id,
            "title": article.title,
            "source": article.source,
            "url": article.url,
            "published": article.published,
            "published_source": article.published_source,
        },
        "places": places,
        "actors": [
            {
                "id": actor.id,
                "name": actor.name,
                "type": actor.type,
                "place_id": actor.place_id,
                "mentions": [asdict(m) for m in actor.mentions],
            }
            for actor in analysis.actors
        ],
        "claims": [
            {
                **asdict(claim),
                "published": article.published,  # a claim is dated by its article
                "places": list(claim.places),
                "actors": list(claim.actors),
                "contradicts": list(claim.contradicts),
            }
            for claim in analysis.claims
        ],
    }


def _place_fields(place: Place) -> dict[str, Any]:
    return {
        "id": place.id,
        "name": place.name,
        "lat": place.lat,
        "lon": place.lon,
        "kind": place.kind,
        "country": place.country,
        "geonameid": place.geonameid,
    }


# -- exports of the stored map -----------------------------------------------------------------


def geojson(store: Store, shown: MapFilter) -> str:
    """The places ``shown`` puts on the map as an RFC 7946 FeatureCollection."""
    out = io.StringIO()
    write_geojson(store, shown, out)
    return out.getvalue()


def write_geojson(store: Store, shown: MapFilter, out: TextIO) -> None:
    """Write ``geojson(store, shown)`` to ``out`` one feature at a time.

    The text is what ``json.dumps(collection, ensure_ascii=False, indent=1)`` gives,
    but memory does not grow with the store: the places are taken in chunks (at
    most ``EXPORT_CHUNK_PLACES`` places and, unless one place has more, about
    ``EXPORT_CHUNK_MENTIONS`` mentions), each chunk's mentions, actors and claims
    are asked of the store for those places only, and no feature is held after
    it is written.
    """
    places = store.places(shown, with_article_ids=True)
    out.write('{\n "type": "FeatureCollection",\n "features": [')
    first = True
    for chunk in _chunks(places):
        for feature in _features(store, shown, chunk):
            out.write(("\n" if first else ",\n") + _nested(feature, 2))
            first = False
    out.write("]" if first else "\n ]")
    used = sorted({a for row in places["article_ids"] for a in row})
    articles = store.articles_by_id(used)
    # A foreign member (RFC 7946 section 6.1): where the offsets point.
    listed = [{k: _value(v) for k, v in row.items()} for row in articles.to_dict("records")]
    out.write(',\n "articles": ' + _nested(listed, 1).lstrip() + "\n}")


def _chunks(places: pd.DataFrame) -> Iterator[pd.DataFrame]:
    start, mentions = 0, 0
    for end, count in enumerate(places["mentions"], 1):
        mentions += int(count)
        if mentions >= EXPORT_CHUNK_MENTIONS or end - start >= EXPORT_CHUNK_PLACES:
            yield places.iloc[start:end]
            start, mentions = end, 0
    if start < len(places):
        yield places.iloc[start:]


def _features(store: Store, shown: MapFilter, places: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """The GeoJSON features of ``places`` (a chunk of ``Store.places``), in their order."""
    ids = list(places["id"])
    every_claim = store.claims(shown, with_passages=False, place_ids=ids)
    places = with_stance(places, every_claim)  # a place's stance is read from its own claims only
    if shown.speakers or shown.stances:
        every_claim = store.claims(
            shown, speakers=shown.speakers, stances=shown.stances, with_passages=False, place_ids=ids
        )
    mentions = _Groups(store.mentions(shown, place_ids=ids))
    near = _Groups(store.actors_near_places(shown, place_ids=ids))
    by_place = _Groups(every_claim)
    for place in places.itertuples(index=False):
        place_actors: dict[str, dict[str, Any]] = {}
        for m in near.rows(place.id):
            actor = place_actors.setdefault(
                m["actor_id"], {"id": m["actor_id"], "name": m["name"], "type": m["type"], "mentions": []}
            )
            actor["mentions"].append({"article_id": m["article_id"], "start": m["start"], "end": m["end"]})
        feature = {
            "type": "Feature",
            "id": place.id,
            "geometry": {"type": "Point", "coordinates": [round(place.lon, 6), round(place.lat, 6)]},
            "properties": {
                "id": place.id,
                "name": place.name,
                "kind": place.kind,
                "country": _value(place.country),
                "stance": _value(place.stance),
                "mention_count": int(place.mentions),
                "article_ids": list(place.article_ids),
                "mentions": [
                    {
                        "article_id": m["article_id"],
                        "start": m["start"],
                        "end": m["end"],
                        "text": m["surface"],
                        "role": m["role"],
                        "score": _value(m["score"]),
                        "reason": _value(m["reason"]),
                        "passage": _span(m["passage_start"], m["passage_end"]),
                    }
                    for m in mentions.rows(place.id)
                ],
                "actors": list(place_actors.values()),
                "claims": [
                    {
                        "article_id": c["article_id"],
                        "id": c["claim_id"],
                        "start": c["start"],
                        "end": c["end"],
                        "text": c["text"],
                        "speaker": _value(c["speaker"]),
                        "via": _value(c["via"]),
                        "cue": _value(c["cue"]),
                        "stance": _value(c["stance"]),
                        "hedged": bool(c["hedged"]),
                    }
                    for c in by_place.rows(place.id)
                ],
            },
        }
        yield feature


def _nested(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(..., indent=1)`` writes it ``depth`` levels down (JSON strings hold no raw
    line breaks, so every line of the dump gets the same indent)."""
    pad = " " * depth
    return pad + json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + pad)


class _Groups:
    """A frame's rows by place id, as positions: a row becomes a dict only when its place is written."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame = frame
        self._positions = frame.groupby("place_id", sort=False).indices if len(frame) else {}

    def rows(self, place_id: str) -> list[dict[str, Any]]:
        positions = self._positions.get(place_id)
        if positions is None:
            return []
        return self._frame.iloc[positions].to_dict("records")  # type: ignore[return-value]


def claims_csv(store: Store, shown: MapFilter, *, with_passages: bool = False) -> str:
    """Claims as CSV (``CSV_COLUMNS``), one row per claim and place ``shown`` puts on the map.

    A claim about no place is listed once with an empty place, unless an actor
    or bounds filter narrows the map to some places. ``published`` is the claim's
    article's date. The passage's offsets are always there; its text
    (``PASSAGE_COLUMN``, last) only ``with_passages``.
    """
    claims = store.claims(shown, speakers=shown.speakers, stances=shown.stances, with_passages=with_passages)
    narrowed = bool(shown.actor_ids) or shown.bounds is not None
    if narrowed:
        on_map = set(store.places(shown)["id"])
        claims = claims[claims["place_id"].isin(on_map)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*CSV_COLUMNS, PASSAGE_COLUMN) if with_passages else CSV_COLUMNS)
    for c in claims.to_dict("records"):
        writer.writerow(
            [
                _cell(c["speaker"]),
                _cell(c["via"]),
                _cell(c["cue"]),
                _cell(c["stance"]),
                "yes" if c["hedged"] else "no",
                _cell(c["place"]),
                _cell(c["place_id"]),
                _cell(c["article_id"]),
                _cell(c["title"]),
                _cell(c["published"]),
                _cell(c["claim_id"]),
                c["start"],
                c["end"],
                _cell(c["text"]),
                _cell(c["passage_start"]),
                _cell(c["passage_end"]),
            ]
            + ([_cell(c["passage"])] if with_passages else [])
        )
    return out.getvalue()


def html_map(store: Store, shown: MapFilter, *, basemap: dict | None = None, title: str = "News map") -> str:
    """A standalone HTML page of the map ``shown`` that opens offline: every script, style sheet and image inlined."""
    from geo.view.map import build_map

    frames = map_frames(store, shown)  # the page's places, stances and claims layers
    if basemap is None:
        from geo.view.basemap import country_outlines

        basemap = country_outlines()
    from geo.view.layers import every_layer

    # The layers to orient by travel inside the file too (about 1.2 MB): it fetches nothing.
    fmap = build_map(frames.places, claims=frames.layer_claims, basemap=basemap, orientation_data=every_layer())
    _PlacePanel(place_panels(store, shown, frames.places)).add_to(fmap)
    page = fmap.get_root().render()
    page = page.replace("<head>", f"<head>\n<title>{_escape(title)}</title>", 1)
    return inline_static(page)


EXPORT_PASSAGES = 20  # passages a place's panel carries in the offline map (the page shows them all)


def place_panels(store: Store, shown: MapFilter, places: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """What the offline map's panel shows for each place: its passages (the sentences round the
    place, its mentions as [start, end) offsets into that text) and the claims about it.

    ``{place_id: {"passages": [[title, date, text, [[start, end], ...]], ...], "more": n,
    "claims": [[speaker, via, stance, hedged, outlet, date, text, against], ...]}}``, ``against`` the
    claims it contradicts (of the same article, or of another about the place), each
    ``[speaker, via, stance, hedged, outlet, date, text]``: plain text only, the browser writes it
    into the page as text nodes.
    """
    ids = set(places["id"])
    mentions = store.mentions(shown)
    mentions = mentions[mentions["place_id"].isin(ids) & mentions["passage_start"].notna()]
    articles = store.articles_by_id(sorted(set(mentions["article_id"])))
    about = {row.id: (row.title, _date(row.published)) for row in articles.itertuples(index=False)}
    texts: dict[str, str] = {}
    panels: dict[str, dict[str, Any]] = {}
    for (place_id, article_id, start, end), group in mentions.groupby(
        ["place_id", "article_id", "passage_start", "passage_end"], sort=False
    ):
        panel = panels.setdefault(str(place_id), {"passages": [], "more": 0, "claims": []})
        if len(panel["passages"]) >= EXPORT_PASSAGES:
            panel["more"] += 1
            continue
        if article_id not in texts:
            texts[article_id] = store.article(article_id)["text"]
        start, end = int(start), int(end)
        text = texts[article_id][start:end]
        marks = [Highlight(int(m.start), int(m.end), "selected", "") for m in group.itertuples(index=False)]
        window = excerpt_window(text, start, marks) or (start, end)
        title, date = about.get(article_id, ("", None))
        panel["passages"].append(
            [
                title,
                date,
                texts[article_id][window[0] : window[1]],
                [[m.start - window[0], m.end - window[0]] for m in marks if window[0] <= m.start < window[1]],
            ]
        )
    # Every claim of the articles, so that a claim's contradicting side shows whoever said it; the
    # panel lists the claims the speaker and stance filters keep.
    every_claim = store.claims(shown, with_passages=False)
    claims = (
        store.claims(shown, speakers=shown.speakers, stances=shown.stances, with_passages=False)
        if shown.speakers or shown.stances
        else every_claim
    )
    unique = every_claim.drop_duplicates(["article_id", "claim_id"])
    sides = side_claims(unique)
    links = contradiction_links(unique, store.contradictions_across(shown.article_ids))

    def line(side: SideClaim) -> list[Any]:
        return [side.speaker, side.via, side.stance, side.hedged, side.outlet, side.date, side.text]

    claims_about: dict[str, list[ClaimKey]] = {}
    for c in (
        claims[claims["place_id"].isin(ids)]
        .drop_duplicates(["article_id", "claim_id", "place_id"])
        .itertuples(index=False)
    ):
        claims_about.setdefault(str(c.place_id), []).append((str(c.article_id), str(c.claim_id)))
    for place_id, keys in claims_about.items():  # in the order the page lists them
        panel = panels.setdefault(place_id, {"passages": [], "more": 0, "claims": []})
        panel["claims"] = [
            [*line(sides[key]), [line(sides[other]) for other in links.get(key, ())]]
            for key in in_side_order(keys, sides)
        ]
    return panels


def _date(value: Any) -> str | None:
    value = _value(value)
    return str(value)[:10] if value else None


class _PlacePanel(MacroElement):
    """The offline map's place panel: a click on a pin or label lists the place's passages (its
    mentions marked) and the claims about it. Every string is article text and reaches the page
    as a text node (``textContent``), never as markup."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var panels = {{ this.panels }};
  var colors = {{ this.colors|tojson }};
  var box = document.createElement("aside");
  box.className = "geo-panel";
  box.style.cssText = "position:fixed;top:0;right:0;bottom:0;width:min(380px,90vw);overflow:auto;z-index:1000;" +
    "background:#fff;box-shadow:-2px 0 6px rgba(0,0,0,.25);padding:10px 14px;font:14px/1.45 sans-serif;display:none";
  document.body.appendChild(box);
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);
  function add(parent, tag, text, css) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (css) { node.style.cssText = css; }
    parent.appendChild(node);
    return node;
  }
  map.geoShowPlace = function (id, name) {
    var data = panels[id] || {passages: [], more: 0, claims: []};
    box.textContent = "";
    var close = add(box, "button", "×", "float:right;border:none;background:none;font-size:20px;cursor:pointer");
    close.title = "Close";
    close.onclick = function () { box.style.display = "none"; };
    add(box, "h3", name, "margin:4px 0 8px");
    // A claim: who says it (through whom), its stance, the outlet and date of its article, its text.
    function claim(parent, c, css) {
      var line = add(parent, "div", null, css);
      add(line, "strong", c[0]);
      if (c[1]) { add(line, "span", " via " + c[1], "color:#666"); }
      add(line, "span", " " + c[2] + (c[3] ? " (hedged)" : ""), "color:#444");
      add(line, "span", " · " + (c[4] || "source unknown") + " · " + (c[5] || "date unknown"), "color:#666");
      add(line, "div", "“" + c[6] + "”", "font-style:italic;color:#333");
      return line;
    }
    if (data.claims.length) {
      // A contested place (claims that contradict each other, or both stances): both sides, each
      // claim with the claims it contradicts, as the page's panel shows them.
      var stances = data.claims.map(function (c) { return c[2]; });
      var contested = data.claims.some(function (c) { return c[7] && c[7].length; }) ||
        (stances.indexOf("asserts") >= 0 && stances.indexOf("denies") >= 0);
      add(box, "div", contested ? "Both sides" : "Claims", "font-weight:600;margin-top:6px");
      var groups = contested ? [["asserts", "Asserted"], ["denies", "Denied"], [null, "Other"]] : [[null, null]];
      groups.forEach(function (g) {
        var found = data.claims.filter(function (c) {
          return g[0] ? c[2] === g[0] : !contested || (c[2] !== "asserts" && c[2] !== "denies");
        });
        if (!found.length) { return; }
        var side = add(box, "div", null, "margin:4px 0");
        side.className = "geo-side";
        if (g[1]) {
          add(side, "div", g[1] + " (" + found.length + ")", "font-weight:600;color:" + (colors[g[0]] || "#636363"));
        }
        found.forEach(function (c) {
          var line = claim(side, c, "margin:4px 0;padding-left:6px;border-left:3px solid " +
            (colors[c[2]] || "#636363"));
          line.className = "geo-claim";
          (c[7] || []).forEach(function (o) {
            var against = add(line, "div", null, "margin:3px 0 0 12px;padding-left:6px;border-left:2px dashed #999");
            against.className = "geo-against";
            add(against, "span", "contradicts: ", "color:#666;font-style:normal");
            claim(against, o, "display:inline");
          });
        });
      });
    }
    add(box, "div", "Passages", "font-weight:600;margin-top:8px");
    data.passages.forEach(function (p) {
      var item = add(box, "div", null, "margin:6px 0;padding:6px;border:1px solid #ddd;border-radius:6px");
      add(item, "div", [p[0], p[1]].filter(Boolean).join(" · "), "color:#666;font-size:12px");
      var body = add(item, "div"), cursor = 0;
      p[3].forEach(function (m) {
        if (m[0] < cursor) { return; }
        add(body, "span", p[2].slice(cursor, m[0]));
        add(body, "mark", p[2].slice(m[0], m[1]), "background:{{ this.mark }};font-weight:600");
        cursor = m[1];
      });
      add(body, "span", p[2].slice(cursor));
    });
    if (data.more) { add(box, "div", data.more + " more passages in the app.", "color:#666"); }
    box.style.display = "block";
  };
})();
{% endmacro %}
"""
    )

    def __init__(self, panels: dict[str, dict[str, Any]]) -> None:
        from geo.view.map import script_json
        from geo.view.style import HIGHLIGHT_COLORS, STANCE_COLORS

        super().__init__()
        self._name = "PlacePanel"
        self.panels = script_json(panels)
        self.colors = {"asserts": STANCE_COLORS["asserted"], "denies": STANCE_COLORS["denied"]}
        self.mark = HIGHLIGHT_COLORS["selected"]


_STATIC_URL = "/app/static/"
_SCRIPT_SRC = re.compile(r'<script\s+src="/app/static/([^"]+)"\s*>\s*</script>')
_STYLESHEET = re.compile(r'<link\s+[^>]*href="/app/static/([^"]+)"[^>]*>')
_CSS_URL = re.compile(r"url\((['\"]?)(?!data:)([^'\")]+)\1\)")
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif", ".jpg": "image/jpeg"}


def inline_static(page: str) -> str:
    """Replace the app's /app/static/ scripts, style sheets and icon images with inline copies."""
    root = _static_root()

    def script(match: re.Match[str]) -> str:
        code = (root / match.group(1)).read_text(encoding="utf-8").replace("</script", "<\\/script")
        extra = _DEFAULT_ICON_JS.format(**_icon_urls(root)) if match.group(1).endswith("leaflet/leaflet.js") else ""
        return f"<script>\n{code}\n{extra}</script>"

    def stylesheet(match: re.Match[str]) -> str:
        path = root / match.group(1)
        css = _CSS_URL.sub(lambda m: f"url({_data_uri(path.parent / m.group(2))})", path.read_text(encoding="utf-8"))
        return "<style>\n" + css.replace("</style", "<\\/style") + "\n</style>"

    page = _SCRIPT_SRC.sub(script, page)
    page = _STYLESHEET.sub(stylesheet, page)
    # Marker icons come from data: URLs set above; an image path would prefix them.
    return page.replace(json.dumps(_STATIC_URL + "leaflet/images/"), '""')


_DEFAULT_ICON_JS = (
    'L.Icon.Default.imagePath = "";\n'
    'L.Icon.Default.mergeOptions({{iconUrl: "{icon}", iconRetinaUrl: "{retina}", shadowUrl: "{shadow}"}});\n'
)


@cache
def _static_root() -> Path:
    """The static files of the app (from the xstatic packages), copied once per process."""
    from geo.view.static import install_static

    return install_static(Path(tempfile.mkdtemp(prefix="geo-static-")))


def _icon_urls(root: Path) -> dict[str, str]:
    images = root / "leaflet" / "images"
    return {
        "icon": _data_uri(images / "marker-icon.png"),
        "retina": _data_uri(images / "marker-icon-2x.png"),
        "shadow": _data_uri(images / "marker-shadow.png"),
    }


def _data_uri(path: Path) -> str:
    path = path.resolve()
    if not path.is_file():
        return "data:,"
    mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _value(value: Any) -> Any:
    """A JSON-ready scalar: NaN and None become None, numpy numbers plain Python ones."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _span(start: Any, end: Any) -> dict[str, int] | None:
    start, end = _value(start), _value(end)
    return None if start is None or end is None else {"start": int(start), "end": int(end)}


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    value = _value(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)  # a number (-3) is data, not a formula
    return _text_cell(str(value))


def _text_cell(text: str) -> str:
    """Text a spreadsheet shows as text: a leading quote keeps "=HYPERLINK(...)" and "+1" from running."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _escape(text: str) -> str:
    import html

    return html.escape(text)
