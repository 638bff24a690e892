"""Deterministic synthetic case exports for the Ennepe-Ruhr-Kreis (`kim generate`).

The generator first simulates each source's full history up to `until` (a "world":
staffing, cases, topics, contacts, referrals, procedures) and then writes one full
snapshot per Stichtag by projecting that world onto the Stichtag: nothing dated
after it is shown, cases closing later are still open, referral results and goal
outcomes not yet known are `offen`. Every source has its own random generators,
seeded from f"{seed}-{ags}-{table}", so one town's data never depends on another's.

Staffing drives the case volume: the posts are filled one after another during 2021
(programme start February 2021), Ennepetal's post is vacant from April to September
2023 and Witten has only 1,0 of its 1,75 posts filled from March to September 2024.

Each source spells its files differently, so that sample data exercises every
loader path of the export format (§3). The mapping is fixed (TOWN_DIALECTS,
AUTHORITY_DIALECTS, STELLEN_DIALECT, ZIELE_DIALECT):

- 05954004 Breckerfeld: one workbook `<AGS>_<STICHTAG>.xlsx`, a sheet per table, Excel
  date and number cells, booleans x/empty, Excel headers.
- 05954008 Ennepetal: CSV per table, UTF-8 with BOM, `;`, CRLF, JJJJ-MM-TT, months as
  full dates, ja/nein, columns in alphabetical order.
- 05954012 Gevelsberg: CSV per table, UTF-8, `,`, LF, JJJJ-MM-TT, JJJJ-MM, true/false,
  empty as `NULL`; row errors.
- 05954016 Hattingen: one ZIP `<AGS>_<STICHTAG>.zip` of four CSVs, UTF-8, `;`, LF,
  TT.MM.JJJJ, MM.JJJJ, 1/0.
- 05954020 Herdecke: CSV per table, Windows-1252, `;`, CRLF, TT.MM.JJJJ, MM.JJJJ,
  booleans x/empty, Excel headers (`Fall_ID`, ` Status `, `Staatsangehörigkeit`).
- 05954024 Schwelm: CSV per table, Windows-1252, `;`, CRLF, TT.MM.JJJJ, MM.JJJJ, J/N,
  empty as `k.A.`, an unknown column `bemerkung_intern` in faelle (with `;`, quotes,
  line breaks, `€` and `„“`).
- 05954028 Sprockhövel: CSV per table, UTF-8 with BOM, `;`, CRLF, TT.MM.JJJJ, MM.JJJJ,
  1/0, Stichtag spelled YYYYMMDD; delivers two months late (LAGGING_TOWN).
- 05954032 Wetter (Ruhr): CSV per table, UTF-8, `,`, CRLF, TT.MM.JJJJ, JJJJ-MM, Ja/Nein,
  empty as `-`, without the optional column ziel_vereinbart_am.
- 05954036 Witten: CSV per table, UTF-8 with BOM, `;`, CRLF, JJJJ-MM-TT, JJJJ-MM, 1/0,
  Excel headers; row errors.
- Ausländerbehörde 05954 (verfahren): UTF-8 with BOM, `;`, CRLF, TT.MM.JJJJ.
- Ausländerbehörde Witten 05954036 (verfahren): Windows-1252, `;`, CRLF, TT.MM.JJJJ,
  Excel headers (`Anstoß`).
- Coordination office 05954: stellen in UTF-8 with BOM, `;`, CRLF, TT.MM.JJJJ, decimals
  `0,75`, Excel headers (`VZÄ_Soll`, `Gültig_ab`); ziele in UTF-8, `,`, LF, decimals `0.75`.

With `errors=True` about 0,3 % of the rows of Gevelsberg and Witten carry a typical
defect (impossible date such as 31.02., unknown code, contact of a non-existing case).
"""

from __future__ import annotations

import bisect
import csv
import io
import itertools
import math
import random
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TextIO, TypeVar

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from warehouse.schema import (
    FUNCTION_BAUSTEIN,
    KREIS_AGS,
    TABLES,
    TARGET_FLAGS,
    TOWN_TABLES,
    WITTEN_AGS,
    Kind,
    authority_towns,
    towns,
)

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DEFAULT_UNTIL = date(2026, 10, 31)
PROGRAMME_START = date(2021, 2, 1)
SECOND_FUNDING_PERIOD = date(2023, 1, 1)
LAGGING_TOWN = "05954028"  # Sprockhövel: its latest delivery is two months old
LAG_MONTHS = 2
ERROR_TOWNS = ("05954012", "05954036")  # Gevelsberg, Witten
ERROR_RATE = 0.003

Day = int  # a date as its proleptic Gregorian ordinal (fast to compare and add)
Row = tuple[object, ...]  # values in the table's specification column order
Contact = tuple[str, str, Day, str, int, bool]  # kontakte row
Referral = tuple[str, str, Day, str, str, str, Day]  # vermittlungen row + day the result is known
Procedure = tuple[str, str, str, str, Day | None, Day | None, Day | None, str]  # verfahren row
T = TypeVar("T")

# --- staffing -----------------------------------------------------------------------------

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


# --- calendar helpers ---------------------------------------------------------------------


def month_end(year: int, month: int) -> date:
    """Last day of a month."""
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def stichtage(until: date, history: int, lag_months: int = 0) -> list[date]:
    """The latest Stichtag (`until`, or a month end `lag_months` back) and quarter ends before."""
    if lag_months:
        months = until.year * 12 + until.month - 1 - lag_months
        latest = month_end(months // 12, months % 12 + 1)
    else:
        latest = until
    days = [latest]
    while len(days) < history:
        quarter = (days[-1].month - 1) // 3 * 3
        days.append(
            month_end(days[-1].year - 1, 12) if quarter == 0 else month_end(days[-1].year, quarter)
        )
    return days


def months(start: date, end: date) -> Iterator[tuple[date, Day, Day]]:
    """(first day, first ordinal, last ordinal up to `end`) of every month from `start`."""
    first = start.replace(day=1)
    while first <= end:
        last = min(month_end(first.year, first.month), end)
        yield first, first.toordinal(), last.toordinal()
        first = last + timedelta(days=1)


def weekday(day: Day) -> Day:
    """Move a Saturday or Sunday back to the Friday before."""
    return day - max(0, (day + 6) % 7 - 4)


def months_back(day: Day, count: int) -> Day:
    """First day of the month `count` months before `day`'s month."""
    d = date.fromordinal(day)
    index = d.year * 12 + d.month - 1 - count
    return date(index // 12, index % 12 + 1, 1).toordinal()


def demand(month: date) -> float:
    """Seasonal and migration-wave factor of the monthly intake."""
    factor = {1: 0.95, 7: 0.85, 8: 0.75, 12: 0.7}.get(month.month, 1.05)
    if date(2022, 3, 1) <= month < date(2022, 10, 1):
        factor *= 1.6  # arrivals from Ukraine
    return factor


# --- randomness helpers -------------------------------------------------------------------

ID_MULTIPLIER = 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFF  # odd: the mapping below is a bijection
ID_MASK = (1 << 44) - 1


class Pseudonyms:
    """Unique, random-looking pseudonyms: prefix + 11 hex digits from a permuted counter."""

    def __init__(self, prefix: str, rng: random.Random) -> None:
        self.prefix = prefix
        self.offset = rng.getrandbits(44)
        self.count = 0

    def __call__(self) -> str:
        """The next pseudonym."""
        self.count += 1
        return f"{self.prefix}{(self.count * ID_MULTIPLIER + self.offset) & ID_MASK:011x}"


class Choice(Generic[T]):
    """A weighted choice among values, prepared for fast repeated sampling."""

    def __init__(self, weights: dict[T, float]) -> None:
        self.values = tuple(weights)
        self.cum = list(itertools.accumulate(weights.values()))

    def __call__(self, rng: random.Random) -> T:
        """Draw one value."""
        return self.values[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def between(rng: random.Random, low: int, high: int) -> int:
    """A uniform integer from low to high inclusive (faster than Random.randint)."""
    return low + int((high - low + 1) * rng.random())


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson-distributed count (normal approximation for large means)."""
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, count, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


# --- case distributions -------------------------------------------------------------------

GENDER = Choice({"w": 46, "m": 51, "d": 0.5, "k": 2.5})
ACCESS = Choice(
    {
        "selbstmelder": 30,
        "auslaenderbehoerde": 12,
        "jobcenter": 18,
        "sozialamt": 12,
        "beratungsstelle": 12,
        "ehrenamt": 6,
        "schule_kita": 5,
        "sonstige": 5,
    }
)
CLOSURE = Choice(
    {
        "ziele_erreicht": 38,
        "ziele_teilweise_erreicht": 22,
        "weitervermittelt": 14,
        "wegzug": 4,
        "abbruch": 7,
        "kein_kontakt": 10,
        "sonstiges": 5,
    }
)
PAUSING_CLOSURES = ("wegzug", "abbruch", "kein_kontakt")  # the case rests before it closes
NATIONALITY_WEIGHTS = {
    "UKR": 0.0,
    "SYR": 18,
    "AFG": 11,
    "TUR": 8,
    "IRQ": 7,
    "ROU": 5,
    "BGR": 4,
    "ERI": 3,
    "IRN": 3,
    "GIN": 2,
    "NGA": 2,
    "SOM": 2,
    "RUS": 2,
    "XKX": 1.5,
    "ALB": 1.5,
    "MKD": 1,
    "POL": 1,
    "GRC": 1,
    "LBN": 1,
    "VNM": 1,
    "XXX": 0.5,
    "XXZ": 0.5,
}
RESIDENCE_BY_NATIONALITY = {
    "UKR": Choice(
        {"ae_24": 88, "ungeklaert": 5, "ae_familie": 3, "ae_erwerb_bildung": 2, "niederlassung": 2}
    ),
    "SYR": Choice(
        {
            "ae_humanitaer": 55,
            "gestattung": 15,
            "ae_familie": 15,
            "niederlassung": 10,
            "deutsch": 2,
            "sonstiger": 3,
        }
    ),
    "AFG": Choice(
        {"gestattung": 35, "duldung": 15, "ae_humanitaer": 40, "ae_familie": 7, "ungeklaert": 3}
    ),
    "IRQ": Choice(
        {"gestattung": 30, "duldung": 20, "ae_humanitaer": 35, "ae_familie": 10, "niederlassung": 5}
    ),
    "ERI": Choice({"ae_humanitaer": 65, "gestattung": 20, "ae_familie": 15}),
    "TUR": Choice(
        {
            "gestattung": 35,
            "ae_familie": 25,
            "ae_erwerb_bildung": 15,
            "niederlassung": 15,
            "duldung": 5,
            "deutsch": 5,
        }
    ),
    "EU": Choice({"eu_freizuegigkeit": 97, "sonstiger": 3}),
    "XXX": Choice({"duldung": 40, "gestattung": 30, "ungeklaert": 30}),
    "other": Choice(
        {
            "gestattung": 30,
            "duldung": 20,
            "ae_humanitaer": 25,
            "ae_familie": 10,
            "ae_erwerb_bildung": 5,
            "niederlassung": 5,
            "sonstiger": 3,
            "ungeklaert": 2,
        }
    ),
}
LONG_STAY_RESIDENCE = Choice(  # non-EU clients living in Germany for more than five years
    {
        "niederlassung": 45,
        "ae_familie": 15,
        "ae_humanitaer": 15,
        "ae_erwerb_bildung": 8,
        "duldung": 7,
        "deutsch": 5,
        "sonstiger": 5,
    }
)
EU_NATIONALITIES = ("ROU", "BGR", "POL", "GRC")
TOPIC = Choice(
    {
        "aufenthalt": 30,
        "erstorientierung": 28,
        "arbeit": 24,
        "bildung": 14,
        "wohnen": 14,
        "gesundheit": 8,
        "sonstiges": 5,
    }
)
TOPIC_COUNT = Choice({1: 25, 2: 35, 3: 28, 4: 12})
# Final goal status of a topic by closure reason: erreicht, teilweise, nicht_erreicht, offen.
TOPIC_OUTCOME = {
    reason: Choice(dict(zip(("erreicht", "teilweise", "nicht_erreicht", "offen"), w, strict=True)))
    for reason, w in {
        "ziele_erreicht": (80, 18, 2, 0),
        "ziele_teilweise_erreicht": (40, 40, 20, 0),
        "weitervermittelt": (25, 35, 30, 10),
        "wegzug": (15, 15, 30, 40),
        "abbruch": (5, 15, 65, 15),
        "kein_kontakt": (5, 10, 60, 25),
        "sonstiges": (25, 30, 30, 15),
    }.items()
}
CONTACT_TYPE = Choice({"persoenlich": 55, "telefonisch": 25, "digital": 12, "aufsuchend": 8})
CONTACT_MINUTES = {  # duration in 5-minute steps
    "persoenlich": (6, 18),
    "telefonisch": (3, 8),
    "digital": (3, 9),
    "aufsuchend": (9, 24),
}
REFERRAL_COUNT = Choice({0: 20, 1: 30, 2: 25, 3: 15, 4: 10})
PARTNER_BY_TOPIC = {
    "aufenthalt": Choice(
        {"auslaenderbehoerde": 70, "migrationsberatung": 20, "beratungsstelle": 10}
    ),
    "erstorientierung": Choice(
        {"integrationskurs": 35, "migrationsberatung": 30, "ehrenamt_mso": 20, "sozialamt": 15}
    ),
    "arbeit": Choice({"jobcenter": 55, "agentur_fuer_arbeit": 35, "integrationskurs": 10}),
    "bildung": Choice(
        {
            "schule_kita": 45,
            "integrationskurs": 30,
            "beratungsstelle": 15,
            "agentur_fuer_arbeit": 10,
        }
    ),
    "wohnen": Choice({"wohnungswesen": 60, "sozialamt": 25, "ehrenamt_mso": 15}),
    "gesundheit": Choice({"gesundheitswesen": 80, "beratungsstelle": 20}),
    "sonstiges": Choice({"beratungsstelle": 40, "ehrenamt_mso": 30, "sonstige": 30}),
}
REFERRAL_RESULT = Choice({"angenommen": 72, "nicht_angenommen": 28})
SECOND_CASE_ATTEMPT = 0.11  # chance that a new case tries to reuse an earlier client


@dataclass(slots=True)
class Person:
    """A client of the case management of one town."""

    person_id: str
    geschlecht: str
    geburtsjahr: int | None
    nationality: str
    einreise: Day | None  # first day of the month of arrival
    cases: int = 1


@dataclass(slots=True)
class Case:
    """One case as it develops over its whole life (also after the Stichtag)."""

    fall_id: str
    person: Person
    beginn: Day
    erstkontakt: Day | None
    ende: Day
    grund: str
    ruhend_ab: Day | None
    aufenthaltsstatus: str | None
    flags: tuple[bool, ...]
    zugang: str
    strukturhinweis: bool
    topics: list[tuple[str, Day, bool, str, Day | None]] = field(default_factory=list)

    @property
    def active_until(self) -> Day:
        """Last day with counselling activity (the case may rest afterwards)."""
        return self.ende if self.ruhend_ab is None else self.ruhend_ab


@dataclass
class TownWorld:
    """The complete simulated history of one town's case management."""

    ags: str
    cases: list[Case]
    contacts: list[Contact]
    referrals: list[Referral]


def nationality_choice(month: date) -> Choice:
    """Nationality distribution of new cases in a month (Ukraine from March 2022)."""
    weights = dict(NATIONALITY_WEIGHTS)
    if month >= date(2024, 1, 1):
        weights["UKR"] = 15
    elif month >= date(2023, 1, 1):
        weights["UKR"] = 25
    elif month >= date(2022, 3, 1):
        weights["UKR"] = 45
    else:
        weights["UKR"] = 1
    return Choice(weights)


def client_age(rng: random.Random) -> int:
    """Age at the start of the case: mostly 18-60, some minors and elderly people."""
    r = rng.random()
    if r < 0.06:
        return between(rng, 14, 17)
    if r < 0.94:
        return int(rng.triangular(18, 61, 30))
    return between(rng, 61, 80)


def new_person(rng: random.Random, person_id: str, beginn: Day, nationality: Choice) -> Person:
    """A new client with plausible demographics."""
    start = date.fromordinal(beginn)
    age = client_age(rng)
    nat = nationality(rng)
    r = rng.random()
    if nat == "UKR" and start >= date(2022, 3, 1):
        back = between(rng, 0, (start.year - 2022) * 12 + start.month - 3)
        einreise: Day | None = months_back(beginn, min(back, 24))
    elif r < 0.08:
        einreise = None
    elif r < 0.78:
        einreise = months_back(beginn, int(25 * rng.random() ** 1.5))
    else:
        einreise = months_back(beginn, between(rng, 25, 240))
    return Person(
        person_id, GENDER(rng), None if rng.random() < 0.015 else start.year - age, nat, einreise
    )


def residence(rng: random.Random, person: Person, beginn: Day) -> str | None:
    """Residence status, consistent with nationality and length of stay."""
    if rng.random() < 0.03:
        return None
    nat = person.nationality
    key = "EU" if nat in EU_NATIONALITIES else ("XXX" if nat == "XXZ" else nat)
    long_stay = person.einreise is not None and beginn - person.einreise > 5 * 365
    if long_stay and key != "EU":
        return LONG_STAY_RESIDENCE(rng)
    return RESIDENCE_BY_NATIONALITY.get(key, RESIDENCE_BY_NATIONALITY["other"])(rng)


def target_flags(rng: random.Random, person: Person, beginn: Day) -> tuple[bool, ...]:
    """The five target-group flags, in TARGET_FLAGS order."""
    year = date.fromordinal(beginn).year
    age = None if person.geburtsjahr is None else year - person.geburtsjahr
    recent = person.einreise is not None and beginn - person.einreise <= 2 * 366
    illiterate = rng.random() < 0.07
    flags = {
        "alleinerziehend": age is not None
        and age >= 18
        and rng.random() < (0.2 if person.geschlecht == "w" else 0.03),
        "junger_mensch_ohne_familie": age is not None and age < 27 and rng.random() < 0.2,
        "analphabetismus": illiterate,
        "ohne_berufsausbildung": rng.random() < (0.65 if illiterate else 0.4),
        "geringe_deutschkenntnisse": rng.random() < (0.75 if recent else 0.35),
    }
    return tuple(flags[name] for name in TARGET_FLAGS)


def simulate_cases(ags: str, seed: int, scale: float, until: date) -> list[Case]:
    """All cases of a town from the programme start to `until`, following its staffing."""
    rng = random.Random(f"{seed}-{ags}-faelle")
    fall_ids, person_ids = Pseudonyms("F", rng), Pseudonyms("P", rng)
    post = post_of("case_management", ags)
    yearly_per_post = rng.uniform(45, 60)
    cases: list[Case] = []
    for month, first, last in months(PROGRAMME_START, until):
        filled = post.filled(month + timedelta(days=14))
        nationality = nationality_choice(month)
        for _ in range(poisson(rng, filled * yearly_per_post / 12 * scale * demand(month))):
            beginn = weekday(between(rng, first, last))
            person = reuse_person(rng, cases, beginn)
            if person is None:
                person = new_person(rng, person_ids(), beginn, nationality)
            cases.append(new_case(rng, fall_ids(), person, beginn))
    return cases


def reuse_person(rng: random.Random, cases: Sequence[Case], beginn: Day) -> Person | None:
    """Sometimes an earlier client whose only case closed at least a month ago."""
    if not cases or rng.random() >= SECOND_CASE_ATTEMPT:
        return None
    earlier = cases[rng.randrange(len(cases))]
    if earlier.person.cases > 1 or earlier.ende + 30 >= beginn:
        return None
    earlier.person.cases += 1
    return earlier.person


def new_case(rng: random.Random, fall_id: str, person: Person, beginn: Day) -> Case:
    """One case with its life span, closure reason and topics."""
    duration = min(545, max(21, int(rng.lognormvariate(math.log(150), 0.7))))
    ende = beginn + duration
    grund = CLOSURE(rng)
    ruhend_ab = None
    if grund in PAUSING_CLOSURES:
        ruhend_ab = max(beginn + 7, ende - between(rng, 42, 120))
    erstkontakt = None
    if rng.random() < 0.85:
        erstkontakt = weekday(beginn - min(90, int(rng.expovariate(1 / 12))))
    case = Case(
        fall_id,
        person,
        beginn,
        erstkontakt,
        ende,
        grund,
        ruhend_ab,
        residence(rng, person, beginn),
        target_flags(rng, person, beginn),
        ACCESS(rng),
        rng.random() < 0.04,
    )
    case.topics = case_topics(rng, case)
    return case


def case_topics(rng: random.Random, case: Case) -> list[tuple[str, Day, bool, str, Day | None]]:
    """1–4 topics: (topic, goal agreed on, date recorded, final status, status day)."""
    count = TOPIC_COUNT(rng)
    chosen: list[str] = []
    while len(chosen) < count:
        topic = TOPIC(rng)
        if topic not in chosen:
            chosen.append(topic)
    topics = []
    for i, topic in enumerate(chosen):
        agreed = (
            case.beginn if i == 0 else min(case.active_until, case.beginn + between(rng, 0, 28))
        )
        status = TOPIC_OUTCOME[case.grund](rng)
        if status == "offen":
            status_day = None
        elif status == "erreicht":
            early = agreed + 14 + int((case.ende - agreed - 14) * max(rng.random(), rng.random()))
            status_day = min(case.ende, max(agreed, early))
        else:
            status_day = max(agreed, case.ende - between(rng, 0, 10))
        topics.append((topic, agreed, rng.random() > 0.05, status, status_day))
    return topics


def simulate_contacts(ags: str, seed: int, cases: Iterable[Case]) -> list[Contact]:
    """About 3–16 counselling contacts per case (most 7–16) over its active life."""
    rng = random.Random(f"{seed}-{ags}-kontakte")
    ids = Pseudonyms("K", rng)
    rows = []
    for case in cases:
        span = case.active_until - case.beginn
        count = between(rng, 7, 16) if span > 60 else between(rng, 3, 8)
        days = sorted(
            max(case.beginn, weekday(case.beginn + int(span * rng.random())))
            for _ in range(count - 1)
        )
        interpreter = 0.45 if case.flags[-1] else 0.08
        for i, day in enumerate([case.beginn, *days]):
            art = "persoenlich" if i == 0 else CONTACT_TYPE(rng)
            low, high = (12, 24) if i == 0 else CONTACT_MINUTES[art]
            rows.append(
                (
                    ids(),
                    case.fall_id,
                    day,
                    art,
                    5 * between(rng, low, high),
                    rng.random() < interpreter,
                )
            )
    return rows


def simulate_referrals(ags: str, seed: int, cases: Iterable[Case]) -> list[Referral]:
    """0–4 referrals per case to a partner that fits the topic."""
    rng = random.Random(f"{seed}-{ags}-vermittlungen")
    ids = Pseudonyms("V", rng)
    rows = []
    for case in cases:
        span = max(3, case.active_until - case.beginn)
        for _ in range(REFERRAL_COUNT(rng)):
            topic = rng.choice(case.topics)[0]
            day = max(
                case.beginn, weekday(min(case.active_until, case.beginn + between(rng, 3, span)))
            )
            rows.append(
                (
                    ids(),
                    case.fall_id,
                    day,
                    topic,
                    PARTNER_BY_TOPIC[topic](rng),
                    REFERRAL_RESULT(rng),
                    day + between(rng, 14, 56),
                )
            )
    return rows


def simulate_town(ags: str, seed: int, scale: float, until: date) -> TownWorld:
    """The full history of one town."""
    cases = simulate_cases(ags, seed, scale, until)
    return TownWorld(
        ags, cases, simulate_contacts(ags, seed, cases), simulate_referrals(ags, seed, cases)
    )


# --- snapshots of a town ------------------------------------------------------------------


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

# --- Baustein III and coordination office ---------------------------------------------------

PROCEDURES_PER_YEAR = {KREIS_AGS: 120, WITTEN_AGS: 50}
PROCEDURE_TYPE = Choice({"bleiberecht_25a": 25, "bleiberecht_25b": 20, "einbuergerung": 55})
PROCEDURE_RESULT = Choice({"erteilt": 76, "abgelehnt": 10, "zurueckgenommen": 14})


def simulate_procedures(authority: str, seed: int, scale: float, until: date) -> list[Procedure]:
    """Procedures of an Ausländerbehörde: id, person, ags, type, anstoss, antrag, decision."""
    rng = random.Random(f"{seed}-{authority}-verfahren")
    ids, person_ids = Pseudonyms("AV", rng), Pseudonyms("AP", rng)
    post = post_of("auslaenderbehoerde", authority)
    served = [t for t in towns() if t.ags in authority_towns(authority)]
    residence_town = Choice({t.ags: t.population for t in served})
    rows = []
    for month, first, last in months(PROGRAMME_START, until):
        share = post.filled(month + timedelta(days=14)) / post.soll
        lam = PROCEDURES_PER_YEAR[authority] / 12 * scale * share * demand(month)
        for _ in range(poisson(rng, lam)):
            kind, start = PROCEDURE_TYPE(rng), weekday(between(rng, first, last))
            anstoss = start if rng.random() < 0.7 else None
            antrag = (
                start
                if anstoss is None
                else (weekday(start + between(rng, 20, 150)) if rng.random() < 0.62 else None)
            )
            decided, result = None, "offen"
            if antrag is not None:
                result = PROCEDURE_RESULT(rng)
                days = between(rng, 120, 540) if kind == "einbuergerung" else between(rng, 60, 270)
                if result == "zurueckgenommen":
                    days = between(rng, 30, days)
                decided = weekday(antrag + days)
            rows.append(
                (ids(), person_ids(), residence_town(rng), kind, anstoss, antrag, decided, result)
            )
    return rows


def verfahren_rows(procedures: Iterable[Procedure], stichtag: Day) -> Iterator[Row]:
    """`verfahren` as of the Stichtag: later steps are not yet known."""
    for vid, pid, ags, kind, anstoss, antrag, decided, result in procedures:
        if (anstoss if anstoss is not None else antrag) > stichtag:
            continue
        filed = antrag is not None and antrag <= stichtag
        known = decided is not None and decided <= stichtag
        yield (
            vid,
            pid,
            ags,
            kind,
            anstoss,
            antrag if filed else None,
            decided if known else None,
            result if known else "offen",
        )


def stellen_rows(stichtag: Day) -> Iterator[Row]:
    """The staffing plan as known on the Stichtag (later ends not yet known)."""
    for post in posts():
        for baustein, ags, funktion, soll, ist, start, end in staffing_rows(post):
            if start <= stichtag:
                yield (
                    baustein,
                    ags,
                    funktion,
                    soll,
                    ist,
                    start,
                    end if end is not None and end <= stichtag else None,
                )


GOAL_TOWNS = ("05954036", "05954016", "05954004")  # Witten, Hattingen, Breckerfeld


def ziele_rows(scale: float, until: date, stichtag: Day) -> Iterator[Row]:
    """Example programme goals for the last two years, as far as set by the Stichtag."""
    posts = {t.ags: t.case_management_posts for t in towns()}
    posts_by_area = {KREIS_AGS: sum(posts.values())} | {ags: posts[ags] for ags in GOAL_TOWNS}
    applications = 0.7 * sum(PROCEDURES_PER_YEAR.values()) * scale
    for year in (until.year - 1, until.year):
        if year > date.fromordinal(stichtag).year:
            continue
        growth = 1.0 if year < until.year else 1.05
        new_cases = {ags: round(n * 50 * scale * growth) for ags, n in posts_by_area.items()}
        goals = [
            *(("faelle_neu", ags, n, "mindestens") for ags, n in new_cases.items()),
            ("quote_ziele_erreicht", KREIS_AGS, 42.5, "mindestens"),
            ("quote_ziele_erreicht", WITTEN_AGS, 45, "mindestens"),
            ("wartezeit_median_tage", KREIS_AGS, 14, "hoechstens"),
            ("besetzungsquote", KREIS_AGS, 95, "mindestens"),
            ("b3_antraege", KREIS_AGS, round(applications * growth), "mindestens"),
        ]
        for indikator, ags, value, direction in goals:
            yield year, indikator, ags, float(value), direction


# --- dialects -------------------------------------------------------------------------------

EXCEL_LABELS = {
    "fall_id": "Fall_ID",
    "person_id": "Person_ID",
    "kontakt_id": "Kontakt_ID",
    "vermittlung_id": "Vermittlung_ID",
    "verfahren_id": "Verfahren_ID",
    "ags": "AGS",
    "status": " Status ",
    "staatsangehoerigkeit": "Staatsangehörigkeit",
    "anstoss": "Anstoß",
    "gueltig_ab": "Gültig_ab",
    "gueltig_bis": "Gültig_bis",
    "vzae_soll": "VZÄ_Soll",
    "vzae_ist": "VZÄ_Ist",
    "dauer_minuten": "Dauer_Minuten",
}
REMARKS = (
    "Termin verschoben; neuer Termin folgt",
    'Unterlagen "Meldebescheinigung" nachgereicht',
    "Rückruf erbeten\nbitte mit Sprachmittlung",
    "Fahrtkosten 12,50 € erstattet",
    "Hinweis „Wohnberechtigungsschein“ erläutert",
    "Übergabe in der Vertretung; Akte vollständig",
)


@dataclass(frozen=True)
class Dialect:
    """How one source spells its files (export format §3)."""

    container: str = "csv"  # "csv" (one file per table), "zip" or "xlsx"
    encoding: str = "utf-8"  # "utf-8-sig" writes a BOM
    delimiter: str = ";"
    newline: str = "\r\n"
    iso_dates: bool = False
    month: str = "de"  # "de" MM.JJJJ, "iso" JJJJ-MM, "date" a full date
    decimal: str = ","
    booleans: tuple[str, str] = ("1", "0")
    empty: str = ""
    excel_labels: bool = False
    alphabetical: bool = False
    omit: frozenset[str] = frozenset()
    extra: str | None = None  # an unknown column the loader has to ignore (faelle only)
    compact_stichtag: bool = False  # YYYYMMDD instead of YYYY-MM-DD in file names

    def label(self, column: str) -> str:
        """The header spelling of a column."""
        if not self.excel_labels:
            return column
        return EXCEL_LABELS.get(column, column.capitalize())

    def columns(self, table: str) -> list[str]:
        """The specified columns this source writes, in its order."""
        names = [c for c in TABLES[table].column_names if c not in self.omit]
        return sorted(names) if self.alphabetical else names

    def stichtag(self, day: date) -> str:
        """The Stichtag as spelled in file names."""
        return day.strftime("%Y%m%d") if self.compact_stichtag else day.isoformat()


TOWN_DIALECTS: dict[str, Dialect] = {
    "05954004": Dialect(container="xlsx", excel_labels=True),
    "05954008": Dialect(
        encoding="utf-8-sig",
        iso_dates=True,
        month="date",
        booleans=("ja", "nein"),
        alphabetical=True,
    ),
    "05954012": Dialect(
        delimiter=",",
        newline="\n",
        iso_dates=True,
        month="iso",
        booleans=("true", "false"),
        empty="NULL",
    ),
    "05954016": Dialect(container="zip", newline="\n"),
    "05954020": Dialect(encoding="cp1252", booleans=("x", ""), excel_labels=True),
    "05954024": Dialect(
        encoding="cp1252", booleans=("J", "N"), empty="k.A.", extra="bemerkung_intern"
    ),
    "05954028": Dialect(encoding="utf-8-sig", compact_stichtag=True),
    "05954032": Dialect(
        delimiter=",",
        month="iso",
        booleans=("Ja", "Nein"),
        empty="-",
        omit=frozenset({"ziel_vereinbart_am"}),
    ),
    "05954036": Dialect(encoding="utf-8-sig", iso_dates=True, month="iso", excel_labels=True),
}
AUTHORITY_DIALECTS: dict[str, Dialect] = {
    KREIS_AGS: Dialect(encoding="utf-8-sig"),
    WITTEN_AGS: Dialect(encoding="cp1252", excel_labels=True),
}
STELLEN_DIALECT = Dialect(encoding="utf-8-sig", excel_labels=True)
ZIELE_DIALECT = Dialect(delimiter=",", newline="\n", decimal=".")


def spell_day(day: Day, iso: bool) -> str:
    """A date as JJJJ-MM-TT or TT.MM.JJJJ."""
    d = date.fromordinal(day)
    return d.isoformat() if iso else f"{d.day:02d}.{d.month:02d}.{d.year}"


def spell_month(day: Day, dialect: Dialect) -> str:
    """A month-precision date in the dialect's spelling."""
    d = date.fromordinal(day)
    if dialect.month == "date":
        return spell_day(day, dialect.iso_dates)
    return f"{d.year}-{d.month:02d}" if dialect.month == "iso" else f"{d.month:02d}.{d.year}"


def memoised(spell: Callable[[Day], str], empty: str) -> Callable[[Day | None], str]:
    """A day formatter with a cache (a snapshot repeats the same days very often)."""
    cache: dict[Day, str] = {}

    def text(value: Day | None) -> str:
        if value is None:
            return empty
        if value not in cache:
            cache[value] = spell(value)
        return cache[value]

    return text


def text_formatter(kind: Kind, dialect: Dialect) -> Callable[[object], str]:
    """How a value of this kind is written into a CSV field."""
    empty = dialect.empty
    if kind is Kind.DATE:
        return memoised(lambda d: spell_day(d, dialect.iso_dates), empty)
    if kind is Kind.MONTH:
        return memoised(lambda d: spell_month(d, dialect), empty)
    if kind is Kind.BOOL:
        yes, no = dialect.booleans
        return lambda v: yes if v else no
    if kind is Kind.DECIMAL:
        return lambda v: format(v, "g").replace(".", dialect.decimal)
    if kind in (Kind.INTEGER, Kind.YEAR):
        return lambda v: empty if v is None else str(v)
    return lambda v: empty if v is None else v


def text_rows(
    table: str, rows: Iterable[Row], dialect: Dialect
) -> tuple[list[str], Iterator[list[str]]]:
    """Header and formatted rows of a CSV file in the dialect."""
    spec = TABLES[table]
    names = dialect.columns(table)
    index = [spec.column_names.index(n) for n in names]
    formats = [text_formatter(spec.column(n).kind, dialect) for n in names]
    header = [dialect.label(n) for n in names]
    extra = dialect.extra if table == "faelle" else None
    if extra:
        header.append(extra)

    def formatted() -> Iterator[list[str]]:
        for row in rows:
            fields = [f(row[i]) for i, f in zip(index, formats, strict=True)]
            if extra:
                fields.append(remark(row[0]))
            yield fields

    return header, formatted()


def remark(fall_id: object) -> str:
    """A harmless internal note for some cases, stable per case."""
    pick = zlib.crc32(str(fall_id).encode()) % 16
    return REMARKS[pick] if pick < len(REMARKS) else ""


# --- row errors -----------------------------------------------------------------------------


def defect(table: str, rng: random.Random, dialect: Dialect, last_year: int) -> tuple[str, str]:
    """A typical defect for a row of `table`: (column, wrong value)."""
    day, month = rng.choice(((31, 2), (30, 2), (31, 4), (31, 11)))
    year = between(rng, PROGRAMME_START.year, last_year)
    impossible = f"{year}-{month:02d}-{day}" if dialect.iso_dates else f"{day}.{month:02d}.{year}"
    unknown_case = f"F{rng.getrandbits(48):012x}"  # 13 characters: never issued as a fall_id
    options = {
        "faelle": (("fallbeginn", impossible), ("status", "in_bearbeitung")),
        "handlungsfelder": (("handlungsfeld", "sprache"), ("zielstatus", "erledigt")),
        "kontakte": (("fall_id", unknown_case), ("datum", impossible), ("art", "videochat")),
        "vermittlungen": (("partner", "rechtsanwalt"), ("fall_id", unknown_case)),
    }[table]
    return rng.choice(options)


def with_errors(
    rows: Iterator[list[str]], table: str, dialect: Dialect, rng: random.Random, year: int
) -> Iterator[list[str]]:
    """Pass formatted rows through, damaging about ERROR_RATE of them."""
    names = dialect.columns(table)
    for fields in rows:
        if rng.random() < ERROR_RATE:
            column, value = defect(table, rng, dialect, year)
            fields[names.index(column)] = value
        yield fields


# --- writers --------------------------------------------------------------------------------


def export_time(stichtag: date) -> datetime:
    """The fixed time an export is stamped with: the Stichtag, 18:00."""
    return datetime.combine(stichtag, time(18, 0))


def write_csv(
    target: TextIO, header: list[str], rows: Iterable[list[str]], dialect: Dialect
) -> None:
    """Write header and rows with the dialect's delimiter and line ending."""
    writer = csv.writer(target, delimiter=dialect.delimiter, lineterminator=dialect.newline)
    writer.writerow(header)
    writer.writerows(rows)


def zip_entry(name: str, stamp: datetime) -> zipfile.ZipInfo:
    """A zip entry with a fixed time and attributes (reproducible archives)."""
    info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def write_zip(path: Path, members: dict[str, bytes], stamp: datetime) -> None:
    """A zip archive whose bytes depend only on its members and the stamp."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(zip_entry(name, stamp), data)


def cell_converter(kind: Kind, sheet: WriteOnlyWorksheet) -> Callable[[object], object]:
    """How a value of this kind becomes an Excel cell (real dates and numbers)."""
    if kind in (Kind.DATE, Kind.MONTH):
        number_format = "DD.MM.YYYY" if kind is Kind.DATE else "MM.YYYY"

        def date_cell(value: object) -> object:
            if value is None:
                return None
            cell = WriteOnlyCell(sheet, value=date.fromordinal(value))
            cell.number_format = number_format
            return cell

        return date_cell
    if kind is Kind.BOOL:
        return lambda v: "x" if v else None
    return lambda v: v


def write_xlsx(
    path: Path, tables: dict[str, Iterable[Row]], dialect: Dialect, stamp: datetime
) -> None:
    """One workbook, one sheet per table."""
    book = Workbook(write_only=True)
    for table, rows in tables.items():
        sheet = book.create_sheet(table.capitalize())
        spec = TABLES[table]
        convert = [cell_converter(c.kind, sheet) for c in spec.columns]
        sheet.append([dialect.label(n) for n in spec.column_names])
        for row in rows:
            sheet.append([f(v) for f, v in zip(convert, row, strict=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as saved:
        members = {name: saved.read(name) for name in saved.namelist()}
    stamp_text = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()  # replaces openpyxl's "now"
    members["docProps/core.xml"] = re.sub(
        rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp_text, members["docProps/core.xml"]
    )
    write_zip(path, members, stamp)


@dataclass
class Writer:
    """Writes the snapshots of all sources into one folder."""

    out: Path
    seed: int
    errors: bool
    written: list[Path] = field(default_factory=list)

    def csv_text(
        self, ags: str, table: str, rows: Iterable[Row], dialect: Dialect, stichtag: date
    ) -> tuple[list[str], Iterator[list[str]]]:
        """Header and rows of one table in the dialect, with row errors where configured."""
        header, fields = text_rows(table, rows, dialect)
        if self.errors and ags in ERROR_TOWNS and table in TOWN_TABLES:
            rng = random.Random(f"{self.seed}-{ags}-{table}-{stichtag}-fehler")
            fields = with_errors(fields, table, dialect, rng, stichtag.year)
        return header, fields

    def csv_bytes(
        self, ags: str, table: str, rows: Iterable[Row], dialect: Dialect, stichtag: date
    ) -> bytes:
        """One table as the bytes of a CSV file in the dialect."""
        text = io.StringIO(newline="")
        write_csv(text, *self.csv_text(ags, table, rows, dialect, stichtag), dialect)
        return text.getvalue().encode(dialect.encoding)

    def table_file(
        self, ags: str, table: str, rows: Iterable[Row], dialect: Dialect, stichtag: date
    ) -> None:
        """`<AGS>_<STICHTAG>_<table>.csv`."""
        path = self.out / f"{ags}_{dialect.stichtag(stichtag)}_{table}.csv"
        path.write_bytes(self.csv_bytes(ags, table, rows, dialect, stichtag))
        self.written.append(path)

    def town(self, world: TownWorld, dialect: Dialect, stichtag: date) -> None:
        """The four tables of a town in its container."""
        day = stichtag.toordinal()
        tables = {t: TOWN_ROWS[t](world, day) for t in TOWN_TABLES}
        stem = f"{world.ags}_{dialect.stichtag(stichtag)}"
        if dialect.container == "csv":
            for table, rows in tables.items():
                self.table_file(world.ags, table, rows, dialect, stichtag)
            return
        path = self.out / f"{stem}.{dialect.container}"
        if dialect.container == "xlsx":
            write_xlsx(path, tables, dialect, export_time(stichtag))
        else:
            members = {
                f"{stem}_{table}.csv": self.csv_bytes(world.ags, table, rows, dialect, stichtag)
                for table, rows in tables.items()
            }
            write_zip(path, members, export_time(stichtag))
        self.written.append(path)


def generate(
    out: Path,
    seed: int = 1,
    scale: float = 1.0,
    until: date = DEFAULT_UNTIL,
    history: int = 2,
    errors: bool = True,
) -> list[Path]:
    """Write synthetic exports of all sources into `out`; return the files written."""
    if scale <= 0 or history < 1 or until < PROGRAMME_START + timedelta(days=180):
        raise ValueError("scale must be > 0, history >= 1 and until after mid-2021")
    out.mkdir(parents=True, exist_ok=True)
    writer = Writer(out, seed, errors)
    for town in towns():
        world = simulate_town(town.ags, seed, scale, until)
        lag = LAG_MONTHS if town.ags == LAGGING_TOWN else 0
        for stichtag in stichtage(until, history, lag):
            writer.town(world, TOWN_DIALECTS[town.ags], stichtag)
    for authority, dialect in AUTHORITY_DIALECTS.items():
        procedures = simulate_procedures(authority, seed, scale, until)
        for stichtag in stichtage(until, history):
            writer.table_file(
                authority,
                "verfahren",
                verfahren_rows(procedures, stichtag.toordinal()),
                dialect,
                stichtag,
            )
    for stichtag in stichtage(until, history):
        day = stichtag.toordinal()
        writer.table_file(KREIS_AGS, "stellen", stellen_rows(day), STELLEN_DIALECT, stichtag)
        writer.table_file(
            KREIS_AGS, "ziele", ziele_rows(scale, until, day), ZIELE_DIALECT, stichtag
        )
    return writer.written
