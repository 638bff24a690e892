"""Baustein III procedures and the coordination office's staffing and goals."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from sample.calendar import PROGRAMME_START, demand, months, weekday
from sample.randomness import Choice, Pseudonyms, between, poisson
from sample.shapes import Day, Row
from sample.staffing import post_of, posts, staffing_rows
from warehouse import profile
from warehouse.schema import (
    authority_towns,
    kreis_ags,
    towns,
)

# a verfahren row: id, person, ags, type, nationality, anstoss, antrag, decision, result
Procedure = tuple[str, str, str, str, str | None, Day | None, Day | None, Day | None, str]
# Procedures per funded VZÄ and year: the Kreis's own authority, a town's own.
PROCEDURES_PER_POST = {"kreis": 120, "stadt": 100}
PROCEDURE_TYPE = Choice(
    {"bleiberecht_25a": 20, "bleiberecht_25b": 14, "chancen_104c": 11, "einbuergerung": 55}
)
# Applications for the Chancen-Aufenthaltsrecht were possible in these years only; outside,
# the same people apply for § 25b.
CHANCEN_YEARS = range(2023, 2026)
PROCEDURE_RESULT = Choice({"erteilt": 76, "abgelehnt": 10, "zurueckgenommen": 14})
# Nationalities at the Ausländerbehörden (naturalisations lean to long-resident groups);
# None: the authority's list leaves the field empty.
PROCEDURE_NATIONALITY = Choice(
    {
        "SYR": 24,
        "TUR": 14,
        "AFG": 10,
        "IRQ": 9,
        "UKR": 6,
        "XKX": 4,
        "RUS": 4,
        "IRN": 4,
        "ROU": 3,
        "POL": 3,
        "ERI": 3,
        "GRC": 2,
        "LBN": 2,
        "NGA": 2,
        "XXX": 2,
        "XXZ": 1,
        None: 3,
    }
)


def procedures_per_year(authority: str) -> float:
    """Expected procedures a year of an authority at full staffing (scale 1)."""
    rate = PROCEDURES_PER_POST["kreis" if authority == kreis_ags() else "stadt"]
    return rate * post_of("auslaenderbehoerde", authority).soll


def simulate_procedures(authority: str, seed: int, scale: float, until: date) -> list[Procedure]:
    """Procedures of an Ausländerbehörde, as `Procedure` rows."""
    rng = random.Random(f"{seed}-{authority}-verfahren")
    # a stream of its own, so that the other columns do not change with the nationalities
    nationality = random.Random(f"{seed}-{authority}-staatsangehoerigkeit")
    ids, person_ids = Pseudonyms("AV", rng), Pseudonyms("AP", rng)
    post = post_of("auslaenderbehoerde", authority)
    served = [t for t in towns() if t.ags in authority_towns(authority)]
    # a town without a population figure in the profile weighs by its posts
    residence_town = Choice(
        {t.ags: t.population or round(t.case_management_posts * 30_000) for t in served}
    )
    rows = []
    for month, first, last in months(PROGRAMME_START, until):
        share = post.filled(month + timedelta(days=14)) / post.soll
        lam = procedures_per_year(authority) / 12 * scale * share * demand(month)
        for _ in range(poisson(rng, lam)):
            kind, start = PROCEDURE_TYPE(rng), weekday(between(rng, first, last))
            if kind == "chancen_104c" and month.year not in CHANCEN_YEARS:
                kind = "bleiberecht_25b"
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
                (
                    ids(),
                    person_ids(),
                    residence_town(rng),
                    kind,
                    PROCEDURE_NATIONALITY(nationality),
                    anstoss,
                    antrag,
                    decided,
                    result,
                )
            )
    return rows


def verfahren_rows(procedures: Iterable[Procedure], stichtag: Day) -> Iterator[Row]:
    """`verfahren` as of the Stichtag: later steps are not yet known."""
    for vid, pid, ags, kind, nationality, anstoss, antrag, decided, result in procedures:
        if (anstoss if anstoss is not None else antrag) > stichtag:
            continue
        filed = antrag is not None and antrag <= stichtag
        known = decided is not None and decided <= stichtag
        yield (
            vid,
            pid,
            ags,
            kind,
            nationality,
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


def goal_towns() -> tuple[str, ...]:
    """Towns with goals of their own: the two with most posts and the one with fewest (Witten,
    Hattingen and Breckerfeld in Ennepe-Ruhr); none in a kreisfreie Stadt."""
    if not profile.current().has_towns:
        return ()
    ranked = sorted(towns(), key=lambda t: (-t.case_management_posts, t.ags))
    return (ranked[0].ags, ranked[1].ags, ranked[-1].ags)


def ziele_rows(scale: float, until: date, stichtag: Day) -> Iterator[Row]:
    """Example programme goals for the last two years, as far as set by the Stichtag."""
    posts = {t.ags: t.case_management_posts for t in towns()}
    chosen = goal_towns()
    posts_by_area = {kreis_ags(): sum(posts.values())} | {ags: posts[ags] for ags in chosen}
    authorities = profile.current().authorities
    applications = 0.7 * sum(procedures_per_year(a.ags) for a in authorities) * scale
    for year in (until.year - 1, until.year):
        if year > date.fromordinal(stichtag).year:
            continue
        growth = 1.0 if year < until.year else 1.05
        new_cases = {ags: round(n * 50 * scale * growth) for ags, n in posts_by_area.items()}
        goals = [
            *(("faelle_neu", ags, n, "mindestens") for ags, n in new_cases.items()),
            ("quote_ziele_erreicht", kreis_ags(), 42.5, "mindestens"),
            *(("quote_ziele_erreicht", ags, 45, "mindestens") for ags in chosen[:1]),
            ("wartezeit_median_tage", kreis_ags(), 14, "hoechstens"),
            ("besetzungsquote", kreis_ags(), 95, "mindestens"),
            ("b3_antraege", kreis_ags(), round(applications * growth), "mindestens"),
        ]
        for indikator, ags, value, direction in goals:
            yield year, indikator, ags, float(value), direction


# Structural issues a coordination office collects (export format §4.8): title, topic.
ISSUES = (
    ("Wartezeiten auf Integrationskurse über sechs Monate", "bildung"),
    ("Fehlende Kita-Plätze für neu zugewanderte Familien", "bildung"),
    ("Anerkennung ausländischer Berufsabschlüsse dauert zu lange", "arbeit"),
    ("Termine bei der Ausländerbehörde nur mit langer Vorlaufzeit", "aufenthalt"),
    ("Kaum bezahlbarer Wohnraum für große Familien", "wohnen"),
    ("Keine Sprachmittlung in Arztpraxen", "gesundheit"),
    ("Schulplätze für Seiteneinsteigerinnen und Seiteneinsteiger fehlen", "bildung"),
    ("Schuldnerberatung ohne Angebot in Herkunftssprachen", "sonstiges"),
    ("Übergang Schule–Beruf für junge Geflüchtete ohne Begleitung", "arbeit"),
    ("Kinderbetreuung während der Sprachkurse fehlt", "bildung"),
    ("Digitale Anträge ohne Unterstützung kaum zu stellen", "erstorientierung"),
    ("Fahrtkosten zu Beratungsstellen im ländlichen Raum", "erstorientierung"),
    ("Lange Bearbeitung von Wohngeldanträgen", "wohnen"),
    ("Psychotherapie für traumatisierte Geflüchtete schwer erreichbar", "gesundheit"),
    ("Fehlende Nachweise verzögern die Anmeldung beim Jobcenter", "arbeit"),
    ("Beglaubigte Übersetzungen von Dokumenten zu teuer", "aufenthalt"),
)
MEASURES = {
    "bildung": "Gemeinsame Kursplanung mit Trägern und Volkshochschule",
    "arbeit": "Lotsenstelle mit Jobcenter und Kammern",
    "aufenthalt": "Sprechstunde der Ausländerbehörde in den Städten",
    "wohnen": "Runder Tisch mit Wohnungsgesellschaften",
    "gesundheit": "Pool für Sprachmittlung im Gesundheitswesen",
    "sonstiges": "Mehrsprachige Informationsblätter",
    "erstorientierung": "Sprechstunden vor Ort mit digitaler Unterstützung",
}


def strukturthemen_rows(seed: int, until: date, stichtag: Day) -> Iterator[Row]:
    """The office's structural issues as known on the Stichtag: each moves along the
    pipeline (eingebracht → priorisiert → in Bearbeitung → umgesetzt) with its age; a few are
    set aside or dropped."""
    rng = random.Random(f"{seed}-strukturthemen")
    span = until.toordinal() - PROGRAMME_START.toordinal()
    areas = [*(t.ags for t in towns()), kreis_ags()]
    for number, (title, topic) in enumerate(ISSUES, start=1):
        # more issues in later years, as the network grows
        brought = PROGRAMME_START.toordinal() + 60 + int((span - 90) * (1 - rng.random() ** 2))
        steps = [brought + between(rng, 30, 120)]
        steps.append(steps[-1] + between(rng, 90, 300))
        steps.append(steps[-1] + between(rng, 300, 900))
        side = rng.random()
        area = rng.choice(areas)
        cases = rng.choice((0, 1, 2, 3, 4, 6, 9, 14, 21))
        if brought > stichtag:
            continue
        reached = [s for s in steps if s <= stichtag]
        status = ("eingebracht", "priorisiert", "in_bearbeitung", "umgesetzt")[len(reached)]
        if side < 0.12 and reached:
            status = "zurueckgestellt" if side < 0.07 else "verworfen"
        decided = reached[0] if reached else None
        yield (
            f"ST-{date.fromordinal(brought).year}-{number:02d}",
            title,
            topic,
            area if side > 0.3 else None,
            brought,
            status,
            reached[-1] if reached else brought,
            decided,
            MEASURES[topic] if status in ("in_bearbeitung", "umgesetzt") else None,
            cases or None,
        )
