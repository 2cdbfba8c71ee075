"""The timeline under the map: its chart, the days a brush covers, the step and play window."""

from __future__ import annotations

import pandas as pd

from geo.view import timeline

DAYS = pd.DataFrame({"day": ["2016-09-01", "2016-09-03", "2016-09-20"], "articles": [2, 1, 4], "mentions": [9, 3, 20]})


def test_the_chart_brushes_days_and_shades_the_chosen_range():
    spec = timeline.chart(DAYS)
    params = spec.get("params", []) + [p for layer in spec["layer"] for p in layer.get("params", [])]
    assert [p["name"] for p in params] == [timeline.BRUSH] and params[0]["select"]["encodings"] == ["x"]
    shaded = timeline.chart(DAYS, "2016-09-02", "2016-09-03")
    assert len(shaded["layer"]) == 3 and shaded["layer"][0]["mark"]["type"] == "rect"


def test_a_brush_gives_the_days_whose_middle_it_reaches_whatever_the_time_zone():
    sept_1 = timeline.day_number("2016-09-01")
    assert timeline.brushed_days({"brush": {"n": [sept_1 - 0.4, sept_1 + 2.2]}}) == ("2016-09-01", "2016-09-03")
    assert timeline.brushed_days({"brush": {"n": [sept_1 + 2.2, sept_1 - 0.4]}}) == ("2016-09-01", "2016-09-03")
    assert timeline.brushed_days({"brush": {"n": [sept_1 + 0.1, sept_1 + 0.3]}}) == ("2016-09-01", "2016-09-01")
    for nothing in (None, {}, {"brush": {}}, {"brush": {"n": ["a", 3]}}, {"brush": {"n": [float("nan"), 1]}}):
        assert timeline.brushed_days(nothing) is None


def test_the_window_steps_along_the_timeline_and_stops_at_its_ends():
    step = timeline.step_window
    assert step("2016-09-01", "2016-09-20", None, None, 7, 1) == ("2016-09-01", "2016-09-07")
    assert step("2016-09-01", "2016-09-20", "2016-09-01", "2016-09-07", 7, 1) == ("2016-09-08", "2016-09-14")
    assert step("2016-09-01", "2016-09-20", "2016-09-15", "2016-09-21", 7, 1) is None
    assert step("2016-09-01", "2016-09-20", None, None, 7, -1) == ("2016-09-14", "2016-09-20")
    assert step("2016-09-01", "2016-09-20", "2016-09-01", "2016-09-07", 7, -1) is None


def test_a_chosen_range_is_shown_with_as_much_again_on_each_side():
    assert timeline.visible_span("2016-01-01", "2016-12-31", None, None) == ("2016-01-01", "2016-12-31")
    assert timeline.visible_span("2016-01-01", "2016-12-31", "2016-06-10", "2016-06-20") == ("2016-05-31", "2016-06-30")
    assert timeline.visible_span("2016-01-01", "2016-12-31", "2016-01-02", "2016-01-02") == ("2016-01-01", "2016-01-05")
