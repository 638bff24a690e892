"""Sample staffing: the posts of every Baustein and when they are filled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sample.calendar import PROGRAMME_START, SECOND_FUNDING_PERIOD
from sample.shapes import Row
from warehouse.schema import (
    FUNCTION_BAUSTEIN,
    KREIS_AGS,
    WITTEN_AGS,
    towns,
)

# Filling of the posts over time: (from, filled VZÄ); None = all funded VZÄ filled.
CASE_MANAGEMENT_FILLING: dict[str, tuple[tuple[date, float | None], ...]] = {
    "05954004": ((date(2021, 10, 1), None),),
    "05954008": ((date(2021, 6, 1), None), (date(2023, 4, 1), 0.0), (date(2023, 10, 1), None)),
    "05954012": ((date(2021, 5, 1), None),),
    "05954016": ((date(2021, 4, 1), None),),
    "05954020": ((date(2021, 8, 1), None),),
    "05954024": ((date(2021, 7, 1), None),),
    "05954028": ((date(2021, 9, 1), None),),
    "05954032": ((date(2021, 6, 1), None),),
    "05954036": (
        (date(2021, 4, 1), 1.0),
        (date(2021, 7, 1), None),
        (date(2024, 3, 1), 1.0),
        (date(2024, 10, 1), None),
    ),
}


OTHER_POSTS: tuple[tuple[str, str, float, tuple[tuple[date, float | None], ...]], ...] = (
    (
        "koordination",
        KREIS_AGS,
        3.5,
        ((date(2021, 3, 1), 1.0), (date(2021, 6, 1), 2.5), (date(2021, 9, 1), None)),
    ),
    ("verwaltungsassistenz", KREIS_AGS, 0.5, ((date(2021, 7, 1), None),)),
    ("auslaenderbehoerde", KREIS_AGS, 1.0, ((date(2021, 5, 1), None),)),
    ("auslaenderbehoerde", WITTEN_AGS, 0.5, ((date(2021, 8, 1), None),)),
)


@dataclass(frozen=True)
class Post:
    """A funded post (or group of posts) of one function at one AGS."""

    funktion: str
    ags: str
    soll: float
    filling: tuple[tuple[date, float | None], ...]

    def filled(self, day: date) -> float:
        """Filled VZÄ on `day`."""
        ist = 0.0
        for start, value in self.filling:
            if start <= day:
                ist = self.soll if value is None else value
        return ist


@cache
def posts() -> tuple[Post, ...]:
    """All KIM posts of the Kreis, ordered by Baustein and AGS."""
    case_management = (
        Post("case_management", t.ags, t.case_management_posts, CASE_MANAGEMENT_FILLING[t.ags])
        for t in towns()
    )
    return tuple(
        sorted(
            (*(Post(*post) for post in OTHER_POSTS), *case_management),
            key=lambda p: (FUNCTION_BAUSTEIN[p.funktion], p.ags, p.funktion),
        )
    )


def post_of(funktion: str, ags: str) -> Post:
    """The post of `funktion` at `ags`."""
    return next(p for p in posts() if p.funktion == funktion and p.ags == ags)


def staffing_rows(post: Post) -> list[Row]:
    """`stellen` rows of one post: split at funding periods and filling changes."""
    starts = sorted({PROGRAMME_START, SECOND_FUNDING_PERIOD, *(d for d, _ in post.filling)})
    ends: list[date | None] = [d - timedelta(days=1) for d in starts[1:]]
    return [
        (
            FUNCTION_BAUSTEIN[post.funktion],
            post.ags,
            post.funktion,
            post.soll,
            post.filled(start),
            start.toordinal(),
            None if end is None else end.toordinal(),
        )
        for start, end in zip(starts, [*ends, None], strict=True)
    ]
