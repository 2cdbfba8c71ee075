"""The timeline under the map: articles and place mentions per day, brushed to choose a date range.

``chart`` builds the Vega-Lite spec from ``Store.timeline`` (Streamlit draws it with its own bundled Vega,
so it works offline); ``brushed_days`` reads the days a brush covers from the selection Streamlit
reports; ``step_window`` moves a window of days along the timeline (the step and play controls).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pandas as pd

BRUSH = "brush"  # the chart's interval selection: its name is the key of what Streamlit reports
HEIGHT = 110
ARTICLE_COLOUR = "#4c78a8"
MENTION_COLOUR = "#f58518"
CHOSEN_COLOUR = "#fdd835"
EPOCH = date(1970, 1, 1)
DAY_MS = 86_400_000


def chart(days: pd.DataFrame, since: str | None = None, until: str | None = None) -> dict[str, Any]:
    """A Vega-Lite spec: bars of articles per day, dots of mentions per day (own axis), the chosen range shaded.

    ``days``: Store.timeline (day, articles, mentions). Drag across the chart to choose days. With a
    range chosen the chart spans it and as much again on each side, so a second brush can refine it.
    The x axis counts days since 1970-01-01 (labelled as dates in UTC): a browser's time zone cannot
    shift what a brush reports by a day, as it would on a time axis. (A plain spec rather than Altair's
    objects: validating those took a sixth of a second on every run of the page.)
    """
    first, last = str(days["day"].min()), str(days["day"].max())
    low, high = visible_span(first, last, since, until)
    shown = days[(days["day"] >= low) & (days["day"] <= high)]
    values = [
        {"day": str(day), "n": day_number(str(day)), "articles": int(articles), "mentions": int(mentions)}
        for day, articles, mentions in zip(shown["day"], shown["articles"], shown["mentions"], strict=True)
    ]
    scale = {"domain": [day_number(low) - 0.5, day_number(high) + 0.5], "zero": False, "nice": False}
    x = {
        "field": "n",
        "type": "quantitative",
        "title": None,
        "scale": scale,
        "axis": {"labelExpr": f"utcFormat(datum.value * {DAY_MS}, '%Y-%m-%d')", "labelOverlap": True, "tickMinStep": 1},
    }
    tooltip = [
        {"field": "day", "type": "nominal", "title": "day"},
        {"field": "articles", "type": "quantitative"},
        {"field": "mentions", "type": "quantitative"},
    ]
    bars = {
        "mark": {"type": "bar", "color": ARTICLE_COLOUR, "opacity": 0.8},
        "params": [{"name": BRUSH, "select": {"type": "interval", "encodings": ["x"]}}],
        "encoding": {
            "x": x,
            "y": {"field": "articles", "type": "quantitative", "title": "articles"},
            "tooltip": tooltip,
        },
    }
    # Dots, not a line: a line would draw mentions across the days without articles.
    dots = {
        "mark": {"type": "circle", "color": MENTION_COLOUR, "size": 14, "opacity": 0.9},
        "encoding": {
            "x": x,
            "y": {"field": "mentions", "type": "quantitative", "title": "mentions"},
            "tooltip": tooltip,
        },
    }
    layers: list[dict[str, Any]] = [bars, dots]
    if since or until:
        chosen = {"start": day_number(since or first) - 0.5, "end": day_number(until or last) + 0.5}
        layers.insert(
            0,
            {
                "data": {"values": [chosen]},
                "mark": {"type": "rect", "color": CHOSEN_COLOUR, "opacity": 0.35},
                "encoding": {"x": {"field": "start", "type": "quantitative", "scale": scale}, "x2": {"field": "end"}},
            },
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "height": HEIGHT,
        "data": {"values": values},
        "layer": layers,
        "resolve": {"scale": {"y": "independent"}},
    }


def day_number(day: str) -> int:
    """Days since 1970-01-01 of a YYYY-MM-DD day."""
    return (date.fromisoformat(day) - EPOCH).days


def visible_span(first: str, last: str, since: str | None, until: str | None) -> tuple[str, str]:
    """The days the chart spans: every day, or the chosen range with as much again on each side."""
    if not since and not until:
        return first, last
    start = date.fromisoformat(since or first)
    end = date.fromisoformat(until or last)
    context = max(end - start, timedelta(days=3))
    low, high = max(start - context, date.fromisoformat(first)), min(end + context, date.fromisoformat(last))
    return min(low, start).isoformat(), max(high, end).isoformat()


def brushed_days(selection: Mapping[str, object] | None) -> tuple[str, str] | None:
    """The first and last day (YYYY-MM-DD) a brush covers, from Streamlit's selection state, or None.

    The brush reports day numbers (``chart``'s x axis); a day counts when the brush reaches its middle.
    """
    brushed = (selection or {}).get(BRUSH) or {}
    if not isinstance(brushed, Mapping):
        return None
    span = brushed.get("n")
    if not isinstance(span, list | tuple) or len(span) != 2:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in span):
        return None
    low, high = sorted(float(v) for v in span)
    first, last = math.ceil(low), math.floor(high)
    if first > last:  # a brush within one bar: that day
        first = last = round((low + high) / 2)
    try:
        return (EPOCH + timedelta(days=first)).isoformat(), (EPOCH + timedelta(days=last)).isoformat()
    except OverflowError:
        return None


def step_window(
    first: str, last: str, since: str | None, until: str | None, width: int, direction: int
) -> tuple[str, str] | None:
    """The next window of ``width`` days after (``direction`` 1) or before (-1) the chosen range.

    With no range chosen, forward starts at the first day and back ends at the last. None once
    the window would lie wholly outside [first, last]: the end of the timeline.
    """
    start_day, end_day = date.fromisoformat(first), date.fromisoformat(last)
    span = timedelta(days=max(1, width) - 1)
    if direction >= 0:
        start = date.fromisoformat(until) + timedelta(days=1) if until else start_day
        end = start + span
    else:
        end = date.fromisoformat(since) - timedelta(days=1) if since else end_day
        start = end - span
    if start > end_day or end < start_day:
        return None
    return start.isoformat(), end.isoformat()
