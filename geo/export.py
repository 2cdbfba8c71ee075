"""Serialise an analysis: the JSON contract of ``python -m geo analyze --format json``.

    {"article": {"id", "title", "source", "url", "published"},
     "places": [{"id", "name", "lat", "lon", "kind", "country", "geonameid",
                 "mentions": [{"start", "end", "text", "role", "score", "reason", "runner_up"}]}],
     "actors": [{"id", "name", "type", "place_id", "mentions": [{"start", "end", "text"}]}],
     "claims": [{"id", "start", "end", "text", "speaker", "via", "cue", "stance", "hedged",
                 "places", "actors", "contradicts"}]}

Demonym mentions ("Libyan port") are not place mentions: they name a people
or a state and appear under the state's actor.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from typing import Any

from geo.types import Analysis, Place, Resolution


def place_mentions(analysis: Analysis) -> dict[str, list[Resolution]]:
    """Resolutions that put a place on the map, grouped by place id in text order."""
    grouped: dict[str, list[Resolution]] = defaultdict(list)
    for resolution in analysis.resolutions:
        if resolution.role != "demonym":
            grouped[resolution.place.id].append(resolution)
    return dict(grouped)


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
