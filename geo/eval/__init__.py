"""Evaluation: geoparsing against annotated corpora (geoparse), actors and claims against a gold file (claims)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from geo.errors import InputError


def read_jsonl(path: Path, check: Callable[[dict[str, Any]], None], what: str) -> Iterator[dict[str, Any]]:
    """The records of a JSONL corpus in order, each passed through ``check`` (which raises ValueError,
    KeyError or TypeError for a record it refuses); a bad line is an ``InputError`` naming its number."""
    try:
        # Split on LF only: str.splitlines() would also split inside a record at U+2028, U+0085, ...
        lines = Path(path).read_text(encoding="utf-8").split("\n")
    except OSError as exc:
        raise InputError(f"Cannot read corpus {path}: {exc.strerror}.") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            check(record)
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path} line {number}: not {what} ({exc}).") from exc
        yield record
