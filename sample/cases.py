"""Simulated case management of a town: clients, cases, topics, contacts and referrals."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from sample.calendar import PROGRAMME_START, demand, months, months_back, weekday
from sample.randomness import Choice, Pseudonyms, between, poisson
from sample.shapes import Day
from sample.staffing import post_of
from warehouse import profile
from warehouse.schema import (
    TARGET_FLAGS,
)

Contact = tuple[str, str, Day, str, int, bool]  # kontakte row
Referral = tuple[str, str, Day, str, str, str, Day]  # vermittlungen row + day the result is known
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
# Share of a topic of the Land's list that a profile's own topics beneath it take.
OWN_TOPIC_SHARE = 0.4


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
    source: str = ""  # the delivering source: the town itself or a welfare provider

    def __post_init__(self) -> None:
        self.source = self.source or self.ags


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


def simulate_cases(
    ags: str, seed: int, scale: float, until: date, stream: str | None = None
) -> list[Case]:
    """All cases of a town (of one source's share, drawn from its `stream`) from the programme
    start to `until`, following its staffing."""
    rng = random.Random(f"{seed}-{stream or ags}-faelle")
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


@cache
def _topics_of(active: profile.Profile) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """A profile's own topics beneath each topic of the Land's list, and each topic's Land one."""
    topics = active.topics
    own: dict[str, list[str]] = {}
    for t in topics:
        if t.is_own:
            own.setdefault(t.land, []).append(t.code)
    return {land: tuple(codes) for land, codes in own.items()}, {t.code: t.land for t in topics}


def own_topics() -> dict[str, tuple[str, ...]]:
    """The active profile's own topics beneath each topic of the Land's list."""
    return _topics_of(profile.current())[0]


def land_topic(topic: str) -> str:
    """The topic of the Land's list a topic belongs to."""
    return _topics_of(profile.current())[1][topic]


def case_topics(rng: random.Random, case: Case) -> list[tuple[str, Day, bool, str, Day | None]]:
    """1–4 topics: (topic, goal agreed on, date recorded, final status, status day)."""
    count = TOPIC_COUNT(rng)
    own = own_topics()
    chosen: list[str] = []
    while len(chosen) < count:
        topic = TOPIC(rng)
        if topic in own and rng.random() < OWN_TOPIC_SHARE:
            topic = rng.choice(own[topic])
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
                    PARTNER_BY_TOPIC[land_topic(topic)](rng),
                    REFERRAL_RESULT(rng),
                    day + between(rng, 14, 56),
                )
            )
    return rows


def simulate_town(
    ags: str, seed: int, scale: float, until: date, source: str | None = None
) -> TownWorld:
    """The full history of one town's case management, or of one source's share of it."""
    # the random streams of a welfare provider's share, one per town it serves
    stream = ags if source is None else f"{source}-{ags}"
    cases = simulate_cases(ags, seed, scale, until, stream)
    return TownWorld(
        ags,
        cases,
        simulate_contacts(stream, seed, cases),
        simulate_referrals(stream, seed, cases),
        source or ags,
    )
