"""Character spans, looked up by position: "does [a, b) overlap or lie inside one of these?" in log time.

The stages ask this once per mention against every other mention or passage; a
scan of the whole list each time made a 200,000-character article quadratic
(tens of millions of comparisons). ``SpanIndex`` keeps the spans sorted by start
and remembers the longest one, so a query reads only the spans that start within
that length of it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable


class SpanIndex:
    """A growing set of [start, end) spans; ``disjoint`` promises that they never overlap one another
    (passages, or mentions kept longest-first), which lets a query read one span only."""

    def __init__(self, spans: Iterable[tuple[int, int]] = (), *, disjoint: bool = False) -> None:
        self._spans: list[tuple[int, int]] = sorted(spans)
        self._longest = max((end - start for start, end in self._spans), default=0)
        self._disjoint = disjoint

    def add(self, start: int, end: int) -> None:
        insort(self._spans, (start, end))
        self._longest = max(self._longest, end - start)

    def _near(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans that start in [start - longest, end]: the only ones that can overlap or hold [start, end)."""
        lo = bisect_left(self._spans, (start - self._longest, -1))
        hi = bisect_right(self._spans, (end, end + self._longest + 1))
        return self._spans[lo:hi]

    def _last_before(self, position: int) -> tuple[int, int] | None:
        """The span with the greatest start below ``position``."""
        i = bisect_left(self._spans, (position, -1))
        return self._spans[i - 1] if i else None

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some span shares at least one character with [start, end)."""
        if self._disjoint:  # sorted and disjoint: the last span starting before ``end`` ends last
            last = self._last_before(end)
            return last is not None and start < last[1] and last[0] < end
        return any(s < end and start < e for s, e in self._near(start, end))

    def holds(self, start: int, end: int) -> bool:
        """Whether some span contains [start, end) whole."""
        if self._disjoint:
            last = self._last_before(start + 1)
            return last is not None and last[0] <= start and end <= last[1]
        return any(s <= start and end <= e for s, e in self._near(start, end))

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans that share at least one character with [start, end), in order."""
        if self._disjoint:  # sorted by start and by end alike: one bisection, then a contiguous run
            i = bisect_left(self._spans, (start, -1))
            if i and self._spans[i - 1][1] > start:
                i -= 1
            found = []
            while i < len(self._spans) and self._spans[i][0] < end:
                if self._spans[i][1] > start:
                    found.append(self._spans[i])
                i += 1
            return found
        return [(s, e) for s, e in self._near(start, end) if s < end and start < e]

    def holders(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans that contain [start, end) whole."""
        return [(s, e) for s, e in self._near(start, end) if s <= start and end <= e]

    def __len__(self) -> int:
        return len(self._spans)
