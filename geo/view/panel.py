"""The place panel's HTML fragments: passages with highlights, claims, the legend, short notes.

Every fragment comes from a Jinja template under ``templates/`` with autoescaping on, so
article text (passages, speakers, cues) reaches the page escaped unless a template says
otherwise; the page adds no markup of its own around article text.
"""

from __future__ import annotations

from collections.abc import Iterable

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from geo.frames import ClaimLine, Disagreement, Highlight, PanelPassage, excerpt
from geo.types import Place
from geo.view.style import CLAIM_BADGES, HEDGE_BADGE, HIGHLIGHT_COLORS, LEGEND_NOTES, STANCE_COLORS, STANCE_LABELS

_TEMPLATES = Environment(
    loader=PackageLoader("geo.view", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    auto_reload=False,  # the templates ship with the package: no stat of each file on every render
)

# What the point on the map stands for, by kind of place.
_PRECISION = {
    "country": "An area: the pin marks a point inside the country.",
    "admin1": "An area: the pin marks a point inside the province or state.",
    "admin2": "An area: the pin marks a point inside the district or county.",
    "continent": "An area: the label marks a point inside the continent.",
    "sea": "An area: the label marks a point on the sea.",
    "region": "An area: the label marks a point inside the region.",
    "river": "A river: the label marks a point on its course.",
    "lake": "An area: the label marks a point on the lake.",
    "island": "An area: the label marks a point on the island or island group.",
}


CLAIM_MARKS = frozenset({"speaker", "cue"})


def passage_html(text: str, offset: int, highlights: Iterable[Highlight]) -> str:
    """``text`` (which starts at article offset ``offset``), escaped, with highlights wrapped in <mark>."""
    # Marks do not nest: where a claim's speaker or cue overlaps a place or an actor, the place or
    # actor is marked (the selected place must always show), and the claim line still names the speaker.
    names = [h for h in highlights if h.kind not in CLAIM_MARKS]
    said = [
        h for h in highlights if h.kind in CLAIM_MARKS and not any(h.start < n.end and n.start < h.end for n in names)
    ]
    pieces: list[tuple[str, Highlight | None]] = []
    cursor = 0
    for mark in sorted([*names, *said], key=lambda h: (h.start, -h.end)):
        start, end = mark.start - offset, mark.end - offset
        if start < cursor or start < 0 or end > len(text):
            continue  # overlapping or outside this passage
        pieces += [(text[cursor:start], None), (text[start:end], mark)]
        cursor = end
    pieces.append((text[cursor:], None))
    return _TEMPLATES.get_template("passage.html").render(pieces=pieces)


def claim_html(speaker: str, via: str | None, cue: str, stance: str, hedged: bool, text: str) -> str:
    """One claim as a line of badges (speaker, stance, hedge) and its escaped content."""
    return _claim(ClaimLine(speaker, via, cue, stance, hedged, text))


def _claim(claim: ClaimLine) -> str:
    label, color = CLAIM_BADGES.get(claim.stance, (claim.stance, STANCE_COLORS[None]))
    return _TEMPLATES.get_template("claim.html").render(
        claim=claim, label=label, color=color, hedge=HEDGE_BADGE, excerpt=excerpt(claim.text)
    )


def passage_block(passage: PanelPassage) -> str:
    """A passage of the place panel: highlight styles, the highlighted text (the sentences round the
    place, with a control that opens the whole passage, when it is longer), the claims made in it."""
    whole = Markup(passage_html(passage.text, passage.start, passage.highlights))
    trimmed = None
    if passage.excerpt is not None:
        start, end = passage.excerpt
        text = passage.text[start - passage.start : end - passage.start]
        trimmed = Markup(passage_html(text, start, passage.highlights))
    return _TEMPLATES.get_template("passage_block.html").render(
        colors=HIGHLIGHT_COLORS,
        passage=whole,
        trimmed=trimmed,
        before=passage.excerpt is not None and passage.excerpt[0] > passage.start,
        after=passage.excerpt is not None and passage.excerpt[1] < passage.start + len(passage.text),
        claims=Markup("".join(_claim(claim) for claim in passage.claims)),
    )


def sides_html(disagreements: list[Disagreement]) -> str:
    """A contested place's claims side by side: each with its speaker, outlet, date and the claims
    it contradicts (every piece of article text escaped by the template)."""
    sides = [
        (word, [d for d in disagreements if d.claim.stance == stance])
        for stance, word in (("asserts", "Asserted"), ("denies", "Denied"))
    ]
    return _TEMPLATES.get_template("sides.html").render(
        sides=[
            (word, STANCE_COLORS[stance], found)
            for (word, found), stance in zip(sides, ("asserted", "denied"), strict=True)
            if found
        ],
        badges=CLAIM_BADGES,
        neutral=STANCE_COLORS[None],
        hedge=HEDGE_BADGE,
        excerpt=excerpt,
    )


def legend_html() -> str:
    """The legend shown under the map: one swatch per stance."""
    items = [(color, STANCE_LABELS[stance]) for stance, color in STANCE_COLORS.items()]
    return _TEMPLATES.get_template("legend.html").render(items=items, notes=LEGEND_NOTES)


def share_html(link: str) -> str:
    """The link to this view as text that one click selects whole (escaped: it carries URL parameters)."""
    return _TEMPLATES.get_template("share.html").render(link=link)


def precision_note(kind: str) -> str:
    """What the point on the map stands for, in one sentence (plain text)."""
    return _PRECISION.get(kind, f"A point ({kind}): the place itself.")


def candidate_label(place: Place, division: str | None = None) -> str:
    """How a gazetteer entry is offered to a person choosing between readings (plain text): name,
    first-level division, country, kind and population, so that readings sharing a name differ."""
    where = ", ".join(part for part in (division, place.country) if part)
    population = f", pop. {place.population:,}" if place.population else ""
    return f"{place.name}{', ' + where if where else ''} ({place.kind}{population}) · {place.id}"
