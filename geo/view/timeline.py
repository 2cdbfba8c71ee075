"""The timeline under the map: articles and place mentions per day, brushed to choose a date range.

``chart`` builds the Vega-Lite chart (Altair; Streamlit draws it with its own bundled Vega, so it works
offline) from ``Store.timeline``; ``brushed_days`` reads the days a brush covers from the selection
Streamlit reports; ``step_window`` moves a window of days along the timeline (the step and play controls).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

import altair as alt
import pandas as pd

BRUSH = "brush"  # the chart's interval selection: its name is the key of what Streamlit reports
HEIGHT = 110
ARTICLE_COLOUR = "#4c78a8"
MENTION_COLOUR = "#f58518"
CHOSEN_COLOUR = "#fdd835"


def chart(days: pd.DataFrame, since: str | None = None, until: str | None = None) -> alt.LayerChart:
    """Bars of articles per day, a line of mentions per day (own axis), the chosen range shaded.

    ``days``: Store.timeline (day, articles, mentions). Drag across the chart to choose days.
    """
    data = days.assign(day=pd.to_datetime(days["day"]))
    x = alt.X("day:T", title=None, axis=alt.Axis(format="%Y-%m-%d", labelOverlap=True))
    brush = alt.selection_interval(name=BRUSH, encodings=["x"])
    tooltip = [alt.Tooltip("day:T", title="day", format="%Y-%m-%d"), "articles:Q", "mentions:Q"]
    bars = (
        alt.Chart(data)
        .mark_bar(color=ARTICLE_COLOUR, opacity=0.8)
        .encode(x=x, y=alt.Y("articles:Q", title="articles"), tooltip=tooltip)
        .add_params(brush)
    )
    line = (
        alt.Chart(data)
        .mark_line(color=MENTION_COLOUR, point=alt.OverlayMarkDef(size=12, color=MENTION_COLOUR))
        .encode(x=x, y=alt.Y("mentions:Q", title="mentions"), tooltip=tooltip)
    )
    layers: list[alt.Chart] = [bars, line]
    if since or until:
        first, last = str(days["day"].min()), str(days["day"].max())
        chosen = pd.DataFrame({"start": [pd.Timestamp(since or first)], "end": [pd.Timestamp(until or last)]})
        shade = alt.Chart(chosen).mark_rect(color=CHOSEN_COLOUR, opacity=0.3).encode(x="start:T", x2="end:T")
        layers.insert(0, shade)
    return alt.layer(*layers).resolve_scale(y="independent").properties(height=HEIGHT)


def brushed_days(selection: Mapping[str, object] | None) -> tuple[str, str] | None:
    """The first and last day (YYYY-MM-DD) a brush covers, from Streamlit's selection state, or None."""
    brushed = (selection or {}).get(BRUSH) or {}
    if not isinstance(brushed, Mapping):
        return None
    span = brushed.get("day")
    if not isinstance(span, list | tuple) or len(span) != 2:
        return None
    first, last = (_day(value) for value in span)
    if first is None or last is None:
        return None
    return (first, last) if first <= last else (last, first)


def _day(value: object) -> str | None:
    """A day from what Vega-Lite reports for a time: epoch milliseconds, or an ISO date-time."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, tz=UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
        except ValueError:
            return None
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
