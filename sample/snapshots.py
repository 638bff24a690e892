"""A town's export tables on one Stichtag, projected from its simulated world."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sample.cases import TownWorld
from sample.shapes import Day, Row


def faelle_rows(world: TownWorld, stichtag: Day) -> Iterator[Row]:
    """`faelle` as of the Stichtag."""
    for c in world.cases:
        if c.beginn > stichtag:
            continue
        closed = c.ende <= stichtag
        if closed:
            status = "abgeschlossen"
        elif c.ruhend_ab is not None and c.ruhend_ab <= stichtag:
            status = "ruhend"
        else:
            status = "aktiv"
        p = c.person
        yield (
            c.fall_id,
            p.person_id,
            world.ags,
            c.beginn,
            c.erstkontakt,
            c.ende if closed else None,
            status,
            c.grund if closed else None,
            p.geschlecht,
            p.geburtsjahr,
            p.nationality,
            p.einreise,
            c.aufenthaltsstatus,
            *c.flags,
            c.zugang,
            c.strukturhinweis,
        )


def handlungsfelder_rows(world: TownWorld, stichtag: Day) -> Iterator[Row]:
    """`handlungsfelder` as of the Stichtag: outcomes known later are still `offen`."""
    for c in world.cases:
        if c.beginn > stichtag:
            continue
        for topic, agreed, recorded, status, status_day in c.topics:
            if agreed > stichtag:
                continue
            known = status_day is not None and status_day <= stichtag
            yield (
                c.fall_id,
                topic,
                agreed if recorded else None,
                status if known else "offen",
                status_day if known else None,
            )


def kontakte_rows(world: TownWorld, stichtag: Day) -> Iterator[Row]:
    """`kontakte` up to the Stichtag."""
    return (row for row in world.contacts if row[2] <= stichtag)


def vermittlungen_rows(world: TownWorld, stichtag: Day) -> Iterator[Row]:
    """`vermittlungen` up to the Stichtag; results known later are `offen`."""
    for vid, fid, day, topic, partner, result, known in world.referrals:
        if day <= stichtag:
            yield vid, fid, day, topic, partner, result if known <= stichtag else "offen"


TOWN_ROWS: dict[str, Callable[[TownWorld, Day], Iterator[Row]]] = {
    "faelle": faelle_rows,
    "handlungsfelder": handlungsfelder_rows,
    "kontakte": kontakte_rows,
    "vermittlungen": vermittlungen_rows,
}
