"""Sample staffing: the posts of every Baustein and when they are filled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sample.calendar import PROGRAMME_START, SECOND_FUNDING_PERIOD
from sample.shapes import Row
from warehouse import profile
from warehouse.profile import Profile
from warehouse.schema import FUNCTION_BAUSTEIN

Filling = tuple[tuple[date, float | None], ...]

# Filling of the posts over time: (from, filled VZÄ); None = all funded VZÄ filled; a number
# is a share of the funded VZÄ. By the town's position (towns ordered by AGS; in Ennepe-Ruhr
# Ennepetal's post is vacant in 2023, Witten's 1,75 only partly filled); a Kreis with more
# towns starts the list again.
CASE_MANAGEMENT_FILLING: tuple[Filling, ...] = (
    ((date(2021, 10, 1), None),),
    ((date(2021, 6, 1), None), (date(2023, 4, 1), 0.0), (date(2023, 10, 1), None)),
    ((date(2021, 5, 1), None),),
    ((date(2021, 4, 1), None),),
    ((date(2021, 8, 1), None),),
    ((date(2021, 7, 1), None),),
    ((date(2021, 9, 1), None),),
    ((date(2021, 6, 1), None),),
    (
        (date(2021, 4, 1), 4 / 7),
        (date(2021, 7, 1), None),
        (date(2024, 3, 1), 4 / 7),
        (date(2024, 10, 1), None),
    ),
)
COORDINATION_FILLING: Filling = (
    (date(2021, 3, 1), 2 / 7),
    (date(2021, 6, 1), 5 / 7),
    (date(2021, 9, 1), None),
)
ASSISTANCE_FILLING: Filling = ((date(2021, 7, 1), None),)
# The Kreis's own authority, and a town's own.
KREIS_AUTHORITY_FILLING: Filling = ((date(2021, 5, 1), None),)
TOWN_AUTHORITY_FILLING: Filling = ((date(2021, 8, 1), None),)


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
        for start, share in self.filling:
            if start <= day:
                ist = self.soll if share is None else round(self.soll * share, 2)
        return ist


def posts() -> tuple[Post, ...]:
    """All KIM posts of the Kreis, ordered by Baustein and AGS."""
    return _posts(profile.current())


@cache
def _posts(active: Profile) -> tuple[Post, ...]:
    """All KIM posts of one profile."""
    fillings = CASE_MANAGEMENT_FILLING
    case_management = (
        Post("case_management", t.ags, t.case_management_posts, fillings[i % len(fillings)])
        for i, t in enumerate(active.towns)
    )
    others = (
        Post("koordination", active.ags, active.coordination_posts, COORDINATION_FILLING),
        Post("verwaltungsassistenz", active.ags, active.assistance_posts, ASSISTANCE_FILLING),
        *(
            Post(
                "auslaenderbehoerde",
                a.ags,
                a.posts,
                KREIS_AUTHORITY_FILLING if a.ags == active.ags else TOWN_AUTHORITY_FILLING,
            )
            for a in active.authorities
        ),
    )
    return tuple(
        sorted(
            (*others, *case_management),
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
