"""Tests of the reference implementation of the indicator catalogue (tests/reference_indicators.py).

Hand-built tables with hand-computed expectations for the tricky cases of
indicators.md §1–§2, plus a smoke test on generated and loaded sample data.
"""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest

from tests import reference_indicators as ref
from warehouse import schema

T1 = "05954004"  # Breckerfeld
T2 = "05954008"  # Ennepetal
T3 = "05954012"  # Gevelsberg (no data: zeros and NaN)
KREIS = "05954"
Q1 = "2025-Q1"
STICHTAG = "2025-06-30"


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def case(
    fall_id: str,
    fallbeginn: str,
    fallende: str | None = None,
    *,
    ags: str = T1,
    person_id: str | None = None,
    status: str | None = None,
    stichtag: str = STICHTAG,
    **extra: object,
) -> dict:
    """One faelle row with neutral defaults."""
    row = {
        "quelle": ags,
        "stichtag": stichtag,
        "fall_id": fall_id,
        "person_id": person_id or "P" + fall_id,
        "ags": ags,
        "fallbeginn": fallbeginn,
        "erstkontakt": None,
        "fallende": fallende,
        "status": status or ("abgeschlossen" if fallende else "aktiv"),
        "abschlussgrund": "sonstiges" if fallende else None,
        "geschlecht": "w",
        "geburtsjahr": 1990,
        "einreisedatum": None,
        "aufenthaltsstatus": "duldung",
        "strukturhinweis": False,
        **dict.fromkeys(schema.TARGET_FLAGS, False),
    }
    row.update(extra)
    return row


def child(fall_id: str, ags: str = T1, **values: object) -> dict:
    """A row of handlungsfelder, kontakte or vermittlungen belonging to a case."""
    return {"quelle": ags, "fall_id": fall_id, **values}


def run(periods: list[str] | str = Q1, **tables: list[dict]) -> pd.DataFrame:
    """compute() on hand-built tables, checking the result's shape on the way."""
    periods = [periods] if isinstance(periods, str) else periods
    frames = {name: pd.DataFrame(rows) for name, rows in tables.items()}
    result = ref.compute(frames, periods)
    assert list(result.columns) == ref.OUTPUT_COLUMNS
    assert not result.duplicated(ref.OUTPUT_COLUMNS[:-1]).any()
    return result


def value(
    result: pd.DataFrame,
    indikator: str,
    gebiet: str = T1,
    *,
    zeitraum: str = Q1,
    zielgruppe: str = "alle",
    handlungsfeld: str = "alle",
    aufschluesselung: str = "",
) -> float:
    """The single value of one cell."""
    rows = result.loc[
        (result["indikator"] == indikator)
        & (result["zeitraum"] == zeitraum)
        & (result["gebiet"] == gebiet)
        & (result["zielgruppe"] == zielgruppe)
        & (result["handlungsfeld"] == handlungsfeld)
        & (result["aufschluesselung"] == aufschluesselung)
    ]
    assert len(rows) == 1, (indikator, gebiet, zeitraum, zielgruppe, handlungsfeld)
    return float(rows["wert"].iloc[0])


def is_nan(x: float) -> bool:
    return math.isnan(x)


# ---------------------------------------------------------------------------
# Periods and code lists
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("2025", "2025-01-01", "2025-12-31"),
        ("2025-H1", "2025-01-01", "2025-06-30"),
        ("2025-H2", "2025-07-01", "2025-12-31"),
        ("2025-Q1", "2025-01-01", "2025-03-31"),
        ("2025-Q4", "2025-10-01", "2025-12-31"),
        ("2025-03", "2025-03-01", "2025-03-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2025-02", "2025-02-01", "2025-02-28"),
    ],
)
def test_period_bounds(period: str, start: str, end: str) -> None:
    assert ref.period_bounds(period) == (pd.Timestamp(start), pd.Timestamp(end))


@pytest.mark.parametrize("period", ["2025-13", "2025-Q5", "2025-H3", "25", "2025-1", "2025Q1"])
def test_period_bounds_refuses_garbage(period: str) -> None:
    with pytest.raises(ValueError):
        ref.period_bounds(period)


def test_code_lists_match_the_schema() -> None:
    assert schema.kreis_ags() == ref.KREIS
    assert ref.TOPICS == schema.TOPICS
    assert ref.FLAGS == schema.TARGET_FLAGS
    assert ref.GENDERS == schema.GENDERS
    assert ref.RESIDENCE == schema.RESIDENCE
    assert ref.PARTNERS == schema.PARTNERS
    assert ref.PROCEDURES == schema.PROCEDURES
    assert ref.BAUSTEINE == schema.BAUSTEINE


# ---------------------------------------------------------------------------
# Completeness of the output
# ---------------------------------------------------------------------------


def test_every_combination_is_emitted_even_without_data() -> None:
    result = ref.compute({}, ["2025", "2025-03"])
    areas = 10
    per_period = (
        15 * areas * 7 * 8  # indicators 1–15 × area × zielgruppe × handlungsfeld
        + areas * (5 + 6 + 12)  # faelle_aktiv by geschlecht, altersgruppe, aufenthaltsstatus
        + areas * (5 + 6 + 12 + 12)  # vermittlungen by the same and by partner
        + areas * 7 * 12  # vermittlungen by partner within each of the seven topics
        + 3 * (areas + 3)  # 16–18: areas, Kreis by baustein
        + areas  # 19
        + 3 * areas * (1 + 4)  # 20–22: total and by verfahrensart
    )
    assert len(result) == 2 * per_period
    assert set(result["indikator"]) == set(ref.INDICATORS)
    assert set(result["gebiet"]) == {*schema.town_codes(), KREIS}
    assert not result.duplicated(ref.OUTPUT_COLUMNS[:-1]).any()
    # Counts are 0, everything with a base is NaN.
    counts = {"faelle_neu", "faelle_aktiv", "kontakte", "vermittlungen", "vzae_soll"}
    counts |= {"b3_erteilt", "personen_erreicht", "strukturhinweise"}
    assert (result.loc[result["indikator"].isin(counts), "wert"] == 0).all()
    rates = {"quote_ziele_erreicht", "falldauer_median_tage", "kontakte_je_fall"}
    rates |= {"besetzungsquote", "faelle_je_vzae", "quote_handlungsfeld_ziel_erreicht"}
    assert result.loc[result["indikator"].isin(rates), "wert"].isna().all()
    labels = set(result["aufschluesselung"])
    assert {
        "",
        "geschlecht=w",
        "geschlecht=unbekannt",
        "altersgruppe=0-17",
        "altersgruppe=18-26",
        "altersgruppe=27-44",
        "altersgruppe=45-64",
        "altersgruppe=65+",
        "altersgruppe=unbekannt",
        "aufenthaltsstatus=duldung",
        "aufenthaltsstatus=unbekannt",
        "partner=jobcenter",
        "baustein=1",
        "baustein=2",
        "baustein=3",
        "verfahrensart=einbuergerung",
    } <= labels


# ---------------------------------------------------------------------------
# 1–4: period boundaries, ruhend
# ---------------------------------------------------------------------------


def test_case_counts_at_the_period_boundaries() -> None:
    faelle = [
        case("A00001", "2024-10-01", "2025-01-01"),  # closed on the first day of Q1
        case("B00001", "2025-02-01", "2025-03-31"),  # new in Q1, closed on its last day
        case("C00001", "2024-06-01", "2024-12-31"),  # closed the day before Q1
        case("D00001", "2025-03-31"),  # starts on the last day of Q1, open
        case("E00001", "2025-04-01"),  # starts the day after Q1
        case("F00001", "2024-01-01", status="ruhend"),  # dormant: still active
        case("G00001", "2024-11-01", "2025-04-01"),  # closed the day after Q1
    ]
    result = run([Q1, "2025-01", "2024"], faelle=faelle)
    assert value(result, "faelle_neu") == 2  # B, D
    assert value(result, "faelle_aktiv") == 5  # A, B, D, F, G
    assert value(result, "faelle_abgeschlossen") == 2  # A, B
    assert value(result, "faelle_bestand") == 3  # D, F, G (B closed on the end: not > end)
    assert value(result, "personen_erreicht") == 5

    assert value(result, "faelle_aktiv", zeitraum="2025-01") == 3  # A, F, G
    assert value(result, "faelle_abgeschlossen", zeitraum="2025-01") == 1  # A
    assert value(result, "faelle_bestand", zeitraum="2025-01") == 2  # F, G

    assert value(result, "faelle_aktiv", zeitraum="2024") == 4  # A, C, F, G
    assert value(result, "faelle_abgeschlossen", zeitraum="2024") == 1  # C
    assert value(result, "faelle_bestand", zeitraum="2024") == 3  # A, F, G

    # The Kreis holds the same, other towns nothing.
    assert value(result, "faelle_aktiv", KREIS) == 5
    assert value(result, "faelle_aktiv", T2) == 0
    assert is_nan(value(result, "falldauer_median_tage", T2))


# ---------------------------------------------------------------------------
# 6–9: goal rates without wegzug, medians
# ---------------------------------------------------------------------------


def test_goal_rates_leave_wegzug_out_of_the_base() -> None:
    closed = "2025-02-10"
    faelle = [
        case("A00001", "2024-05-01", closed, abschlussgrund="ziele_erreicht"),
        case("A00002", "2024-05-01", closed, abschlussgrund="ziele_erreicht"),
        case("A00003", "2024-05-01", closed, abschlussgrund="ziele_teilweise_erreicht"),
        case("A00004", "2024-05-01", closed, abschlussgrund="wegzug"),
        case("A00005", "2024-05-01", closed, abschlussgrund="wegzug"),
        case("A00006", "2024-05-01", closed, abschlussgrund="abbruch"),
        # closed outside Q1: not in numerator or base
        case("A00007", "2024-05-01", "2024-12-31", abschlussgrund="ziele_erreicht"),
        case("A00008", "2024-05-01", "2025-04-01", abschlussgrund="abbruch"),
        # T2: only wegzug -> no base
        case("B00001", "2024-05-01", closed, ags=T2, abschlussgrund="wegzug"),
    ]
    result = run(faelle=faelle)
    assert value(result, "faelle_abgeschlossen") == 6  # wegzug still counts as closed
    assert value(result, "quote_ziele_erreicht") == pytest.approx(50.0)  # 2 / 4
    assert value(result, "quote_ziele_teilweise") == pytest.approx(75.0)  # 3 / 4
    assert is_nan(value(result, "quote_ziele_erreicht", T2))
    assert is_nan(value(result, "quote_ziele_teilweise", T2))
    assert value(result, "quote_ziele_erreicht", KREIS) == pytest.approx(50.0)  # sums ÷ sums
    assert is_nan(value(result, "quote_ziele_erreicht", T3))


def test_medians_in_days() -> None:
    faelle = [
        # closed in Q1 with durations 10, 20, 31, 45 days -> median 25.5
        case("A00001", "2025-01-01", "2025-01-11"),
        case("A00002", "2025-01-01", "2025-01-21"),
        case("A00003", "2025-01-01", "2025-02-01"),
        case("A00004", "2024-12-20", "2025-02-03"),
        # new in Q1 with waiting times 0, 5, 9 days; one without erstkontakt
        case("B00001", "2025-02-01", erstkontakt="2025-02-01"),
        case("B00002", "2025-02-10", erstkontakt="2025-02-05"),
        case("B00003", "2025-03-10", erstkontakt="2025-03-01"),
        case("B00004", "2025-03-15"),
        # not new in Q1: its long waiting time does not count
        case("C00001", "2024-12-01", erstkontakt="2024-01-01"),
    ]
    result = run(faelle=faelle)
    assert value(result, "falldauer_median_tage") == 25.5
    # A00001..A00003 are new in Q1 too but have no erstkontakt
    assert value(result, "wartezeit_median_tage") == 5.0
    assert value(result, "falldauer_median_tage", KREIS) == 25.5
    assert is_nan(value(result, "wartezeit_median_tage", T2))
    # December: only C00001 is new, and A00004 -> no case closed in December
    result = run("2024-12", faelle=faelle)
    assert value(result, "wartezeit_median_tage", zeitraum="2024-12") == 335.0
    assert is_nan(value(result, "falldauer_median_tage", zeitraum="2024-12"))


def test_strukturhinweise_count_new_cases_only() -> None:
    faelle = [
        case("A00001", "2025-01-05", strukturhinweis=True),
        case("A00002", "2025-03-31", strukturhinweis=True),
        case("A00003", "2024-12-31", strukturhinweis=True),  # not new in Q1
        case("A00004", "2025-02-01", strukturhinweis=None),  # missing = no
        case("A00005", "2025-02-01"),
    ]
    result = run(faelle=faelle)
    assert value(result, "strukturhinweise") == 2
    assert value(result, "strukturhinweise", KREIS) == 2


# ---------------------------------------------------------------------------
# Target groups
# ---------------------------------------------------------------------------


def test_neuzugewandert_counts_whole_calendar_months() -> None:
    start = "2025-02-15"
    faelle = [
        case("A00024", start, einreisedatum="2023-02-01"),  # 24 months -> yes
        case("A00025", start, einreisedatum="2023-01-01"),  # 25 months -> no
        case("A00000", start, einreisedatum="2025-02-01"),  # same month -> yes
        case("A00028", start, einreisedatum="2023-02-28"),  # days do not matter: 24 -> yes
        case("A0000m", start, einreisedatum="2025-03-01"),  # arrival after the month -> no
        case("A0000x", start),  # no einreisedatum -> no
    ]
    result = run(faelle=faelle)
    assert value(result, "faelle_neu") == 6
    assert value(result, "faelle_neu", zielgruppe="neuzugewandert") == 3
    assert value(result, "faelle_neu", KREIS, zielgruppe="neuzugewandert") == 3


def test_overlapping_target_groups_and_topics() -> None:
    faelle = [
        case("X00001", "2025-01-10", alleinerziehend=True, analphabetismus=True),
        case("Y00001", "2025-01-10", alleinerziehend=True),
        case("Z00001", "2025-01-10"),
    ]
    handlungsfelder = [
        child("X00001", handlungsfeld="arbeit", zielstatus="erreicht", zielstatus_am="2025-02-01"),
        child(
            "X00001", handlungsfeld="bildung", zielstatus="teilweise", zielstatus_am="2025-03-01"
        ),
        child("Y00001", handlungsfeld="arbeit", zielstatus="offen", zielstatus_am=None),
        # status changed before Q1: in neither numerator nor base
        child("Z00001", handlungsfeld="wohnen", zielstatus="erreicht", zielstatus_am="2024-12-31"),
    ]
    kontakte = [
        child("X00001", kontakt_id="K1", datum="2025-01-10"),
        child("X00001", kontakt_id="K2", datum="2025-03-31"),
        child("X00001", kontakt_id="K3", datum="2025-04-01"),  # after Q1
        child("Y00001", kontakt_id="K4", datum="2025-02-01"),
        child("Z00001", kontakt_id="K5", datum="2025-01-11"),
        child("Z00001", kontakt_id="K6", datum="2025-01-12"),
        child("Z00001", kontakt_id="K7", datum="2025-01-13"),
    ]
    vermittlungen = [
        # X is not in the topic wohnen, but the referral's own topic counts
        child("X00001", datum="2025-02-01", handlungsfeld="wohnen", partner="wohnungswesen",
              ergebnis="angenommen"),
        child("X00001", datum="2025-02-02", handlungsfeld="arbeit", partner="jobcenter",
              ergebnis="offen"),
        child("Y00001", datum="2025-03-31", handlungsfeld="arbeit", partner="jobcenter",
              ergebnis="nicht_angenommen"),
        child("Z00001", datum="2024-12-31", handlungsfeld="arbeit", partner="jobcenter",
              ergebnis="angenommen"),  # before Q1
    ]  # fmt: skip
    result = run(
        faelle=faelle,
        handlungsfelder=handlungsfelder,
        kontakte=kontakte,
        vermittlungen=vermittlungen,
    )

    def v(indikator: str, zg: str = "alle", hf: str = "alle", gebiet: str = T1) -> float:
        return value(result, indikator, gebiet, zielgruppe=zg, handlungsfeld=hf)

    # A case in two topics counts in both and once in `alle`.
    assert v("faelle_aktiv") == 3
    assert v("faelle_aktiv", hf="arbeit") == 2
    assert v("faelle_aktiv", hf="bildung") == 1
    assert v("faelle_aktiv", hf="wohnen") == 1
    assert v("faelle_aktiv", hf="gesundheit") == 0
    assert v("faelle_aktiv", zg="alleinerziehend") == 2
    assert v("faelle_aktiv", zg="analphabetismus") == 1
    assert v("faelle_aktiv", zg="alleinerziehend", hf="bildung") == 1
    assert v("faelle_aktiv", zg="analphabetismus", hf="arbeit") == 1
    assert v("faelle_aktiv", zg="geringe_deutschkenntnisse") == 0
    assert v("faelle_neu", zg="alleinerziehend", hf="arbeit") == 2
    assert v("faelle_aktiv", hf="arbeit", gebiet=KREIS) == 2

    # 10, 11: contacts of the cases in the cell.
    assert v("kontakte") == 6
    assert v("kontakte", hf="arbeit") == 3
    assert v("kontakte", hf="bildung") == 2
    assert v("kontakte", zg="alleinerziehend") == 3
    assert v("kontakte", hf="gesundheit") == 0
    assert v("kontakte_je_fall") == 2.0
    assert v("kontakte_je_fall", hf="arbeit") == 1.5
    assert is_nan(v("kontakte_je_fall", hf="gesundheit"))

    # 12, 13: the referral's own topic.
    assert v("vermittlungen") == 3
    assert v("vermittlungen", hf="arbeit") == 2
    assert v("vermittlungen", hf="wohnen") == 1
    assert v("vermittlungen", hf="bildung") == 0
    assert v("vermittlungen", zg="alleinerziehend", hf="arbeit") == 2
    assert v("vermittlungen", zg="analphabetismus", hf="arbeit") == 1
    assert v("quote_vermittlung_angenommen") == pytest.approx(50.0)  # 1 / 2 decided
    assert v("quote_vermittlung_angenommen", hf="arbeit") == 0.0
    assert v("quote_vermittlung_angenommen", hf="wohnen") == 100.0
    assert is_nan(v("quote_vermittlung_angenommen", hf="bildung"))
    assert v("quote_vermittlung_angenommen", gebiet=KREIS) == pytest.approx(50.0)

    # 14: the topic rows themselves.
    assert v("quote_handlungsfeld_ziel_erreicht") == pytest.approx(50.0)  # 1 / 2
    assert v("quote_handlungsfeld_ziel_erreicht", hf="arbeit") == 100.0
    assert v("quote_handlungsfeld_ziel_erreicht", hf="bildung") == 0.0
    assert is_nan(v("quote_handlungsfeld_ziel_erreicht", hf="wohnen"))
    assert v("quote_handlungsfeld_ziel_erreicht", zg="analphabetismus") == pytest.approx(50.0)
    assert is_nan(v("quote_handlungsfeld_ziel_erreicht", zg="junger_mensch_ohne_familie"))


# ---------------------------------------------------------------------------
# 5: distinct persons, town and Kreis
# ---------------------------------------------------------------------------


def test_persons_are_distinct_over_the_kreis() -> None:
    faelle = [
        case("A00001", "2024-01-01", person_id="P1"),
        case("A00002", "2025-02-01", person_id="P1"),  # second case of the same person
        case("A00003", "2025-02-01", person_id="P2"),
        case("A00004", "2023-01-01", "2024-06-30", person_id="P9"),  # not active in Q1
        case("B00001", "2025-01-01", ags=T2, person_id="P1"),  # same pseudonym in T2
        case("B00002", "2025-01-01", ags=T2, person_id="P3"),
    ]
    result = run(faelle=faelle)
    assert value(result, "faelle_aktiv") == 3
    assert value(result, "personen_erreicht") == 2
    assert value(result, "personen_erreicht", T2) == 2
    assert value(result, "faelle_aktiv", KREIS) == 5
    assert value(result, "personen_erreicht", KREIS) == 3  # P1, P2, P3


# ---------------------------------------------------------------------------
# Breakdowns of faelle_aktiv and vermittlungen
# ---------------------------------------------------------------------------


def test_breakdowns_by_gender_age_residence_and_partner() -> None:
    faelle = [
        case("A00001", "2025-01-01", geburtsjahr=2008),  # 17 -> 0-17
        case("A00002", "2025-01-01", geburtsjahr=2007, geschlecht="m"),  # 18 -> 18-26
        case("A00003", "2025-01-01", geburtsjahr=1999),  # 26 -> 18-26
        case("A00004", "2025-01-01", geburtsjahr=1998, aufenthaltsstatus=None),  # 27
        case("A00005", "2025-01-01", geburtsjahr=1960, geschlecht=None),  # 65 -> 65+
        case("A00006", "2025-01-01", geburtsjahr=None, aufenthaltsstatus="ae_24"),
        # Stichtag 2024-12-31: 2007 -> 17 -> 0-17 (age is per the case's snapshot)
        case("B00001", "2024-06-01", ags=T2, geburtsjahr=2007, stichtag="2024-12-31"),
        case("B00002", "2023-01-01", "2023-06-30", ags=T2),  # not active
    ]
    vermittlungen = [
        child("A00002", datum="2025-01-05", handlungsfeld="arbeit", partner="jobcenter",
              ergebnis="offen"),
        child("A00002", datum="2025-01-06", handlungsfeld="arbeit", partner="jobcenter",
              ergebnis="offen"),
        child("A00005", datum="2025-01-07", handlungsfeld="bildung", partner="integrationskurs",
              ergebnis="offen"),
        child("B00001", ags=T2, datum="2025-01-07", handlungsfeld="aufenthalt",
              partner="auslaenderbehoerde", ergebnis="angenommen"),
        child("B00002", ags=T2, datum="2023-01-07", handlungsfeld="aufenthalt",
              partner="auslaenderbehoerde", ergebnis="angenommen"),  # not in Q1
    ]  # fmt: skip
    result = run(faelle=faelle, vermittlungen=vermittlungen)

    def aktiv(label: str, gebiet: str = T1) -> float:
        return value(result, "faelle_aktiv", gebiet, aufschluesselung=label)

    def verm(label: str, gebiet: str = T1) -> float:
        return value(result, "vermittlungen", gebiet, aufschluesselung=label)

    assert aktiv("geschlecht=w") == 4
    assert aktiv("geschlecht=m") == 1
    assert aktiv("geschlecht=d") == 0
    assert aktiv("geschlecht=unbekannt") == 1
    assert aktiv("altersgruppe=0-17") == 1
    assert aktiv("altersgruppe=18-26") == 2
    assert aktiv("altersgruppe=27-44") == 1
    assert aktiv("altersgruppe=45-64") == 0
    assert aktiv("altersgruppe=65+") == 1
    assert aktiv("altersgruppe=unbekannt") == 1
    assert aktiv("aufenthaltsstatus=duldung") == 4
    assert aktiv("aufenthaltsstatus=ae_24") == 1
    assert aktiv("aufenthaltsstatus=unbekannt") == 1
    assert aktiv("altersgruppe=0-17", T2) == 1
    assert aktiv("altersgruppe=0-17", KREIS) == 2
    assert aktiv("geschlecht=w", KREIS) == 5
    # every breakdown adds up to the total
    for dim, labels in ref.CASE_BREAKDOWNS.items():
        for gebiet in (T1, T2, KREIS):
            total = sum(aktiv(f"{dim}={label}", gebiet) for label in labels)
            assert total == value(result, "faelle_aktiv", gebiet)

    assert value(result, "vermittlungen") == 3
    assert verm("partner=jobcenter") == 2
    assert verm("partner=integrationskurs") == 1
    assert verm("partner=auslaenderbehoerde") == 0
    assert verm("partner=auslaenderbehoerde", KREIS) == 1
    assert verm("geschlecht=m") == 2
    assert verm("geschlecht=unbekannt") == 1
    assert verm("altersgruppe=18-26") == 2
    assert verm("altersgruppe=65+") == 1
    assert verm("altersgruppe=0-17", T2) == 1
    assert verm("aufenthaltsstatus=duldung", KREIS) == 4
    # no partner breakdown of faelle_aktiv; only referrals by partner exist per topic
    assert not (
        (result["indikator"] == "faelle_aktiv")
        & result["aufschluesselung"].str.startswith("partner=")
    ).any()
    breakdowns = result.loc[result["aufschluesselung"] != ""]
    assert (breakdowns["zielgruppe"] == "alle").all()
    per_topic = breakdowns.loc[breakdowns["handlungsfeld"] != "alle"]
    assert (per_topic["indikator"] == "vermittlungen").all()
    assert per_topic["aufschluesselung"].str.startswith("partner=").all()
    # A referral's partner counts in its own topic and in `alle`: topics add up per partner.
    partner = breakdowns.loc[
        (breakdowns["indikator"] == "vermittlungen")
        & breakdowns["aufschluesselung"].str.startswith("partner=")
    ]
    keys = ["zeitraum", "gebiet", "aufschluesselung"]
    by_topic = partner.loc[partner["handlungsfeld"] != "alle"].groupby(keys)["wert"].sum()
    total = partner.loc[partner["handlungsfeld"] == "alle"].set_index(keys)["wert"]
    pd.testing.assert_series_equal(by_topic.sort_index(), total.sort_index(), check_names=False)


# ---------------------------------------------------------------------------
# 16–19: staffing
# ---------------------------------------------------------------------------


def post(baustein: str, ags: str, funktion: str, soll: float, ist: float, ab: str, bis=None):
    return {
        "baustein": baustein,
        "ags": ags,
        "funktion": funktion,
        "vzae_soll": soll,
        "vzae_ist": ist,
        "gueltig_ab": ab,
        "gueltig_bis": bis,
    }


STELLEN = [
    post("2", T1, "case_management", 0.3, 0.0, "2024-01-01", "2025-03-31"),  # ends on Q1 end
    post("2", T1, "case_management", 0.3, 0.3, "2025-04-01"),  # open-ended
    post("2", T2, "case_management", 0.75, 0.5, "2024-01-01"),
    post("1", KREIS, "koordination", 3.5, 3.0, "2024-01-01"),
    post("3", KREIS, "auslaenderbehoerde", 1.0, 1.0, "2024-01-01", "2025-06-29"),
    post("1", KREIS, "verwaltungsassistenz", 0.5, 0.5, "2025-07-01"),  # starts later
]


def test_staffing_on_the_period_end() -> None:
    result = run([Q1, "2025-Q2", "2025", "2023"], stellen=STELLEN)

    def v(indikator: str, gebiet: str, zeitraum: str, label: str = "") -> float:
        return value(result, indikator, gebiet, zeitraum=zeitraum, aufschluesselung=label)

    # Q1 (end 2025-03-31): T1's first row still valid on its last day.
    assert v("vzae_soll", T1, Q1) == pytest.approx(0.3)
    assert v("vzae_ist", T1, Q1) == 0.0
    assert v("besetzungsquote", T1, Q1) == 0.0
    assert v("vzae_soll", T2, Q1) == pytest.approx(0.75)
    assert v("besetzungsquote", T2, Q1) == pytest.approx(100 * 0.5 / 0.75)
    assert v("vzae_soll", T3, Q1) == 0.0
    assert is_nan(v("besetzungsquote", T3, Q1))
    assert v("vzae_soll", KREIS, Q1) == pytest.approx(0.3 + 0.75 + 3.5 + 1.0)
    assert v("vzae_ist", KREIS, Q1) == pytest.approx(0.0 + 0.5 + 3.0 + 1.0)
    assert v("besetzungsquote", KREIS, Q1) == pytest.approx(100 * 4.5 / 5.55)
    assert v("vzae_soll", KREIS, Q1, "baustein=1") == pytest.approx(3.5)
    assert v("vzae_ist", KREIS, Q1, "baustein=1") == pytest.approx(3.0)
    assert v("vzae_soll", KREIS, Q1, "baustein=2") == pytest.approx(1.05)
    assert v("vzae_ist", KREIS, Q1, "baustein=2") == pytest.approx(0.5)
    assert v("besetzungsquote", KREIS, Q1, "baustein=3") == pytest.approx(100.0)

    # Q2 (end 2025-06-30): T1's open-ended row, the Baustein III row ended the day before.
    assert v("vzae_ist", T1, "2025-Q2") == pytest.approx(0.3)
    assert v("besetzungsquote", T1, "2025-Q2") == pytest.approx(100.0)
    assert v("vzae_soll", KREIS, "2025-Q2", "baustein=3") == 0.0
    assert is_nan(v("besetzungsquote", KREIS, "2025-Q2", "baustein=3"))
    assert v("vzae_soll", KREIS, "2025-Q2") == pytest.approx(0.3 + 0.75 + 3.5)

    # Year 2025 (end 2025-12-31): the row starting 2025-07-01 is valid.
    assert v("vzae_soll", KREIS, "2025", "baustein=1") == pytest.approx(4.0)

    # 2023: nothing valid yet.
    assert v("vzae_soll", KREIS, "2023") == 0.0
    assert is_nan(v("besetzungsquote", KREIS, "2023"))

    # Town rows have no baustein breakdown.
    town_breakdowns = result.loc[
        (result["gebiet"] != KREIS) & result["aufschluesselung"].str.startswith("baustein=")
    ]
    assert town_breakdowns.empty


def test_faelle_je_vzae() -> None:
    faelle = [
        case("A00001", "2024-01-01"),
        case("A00002", "2024-01-01"),
        case("A00003", "2025-05-01"),
        case("A00004", "2024-01-01", "2025-06-30"),  # closed on the Q2 end: not in the stock
        case("B00001", "2024-01-01", ags=T2),
        case("B00002", "2024-01-01", ags=T2, status="ruhend"),
        case("C00001", "2024-01-01", ags=T3),  # T3 has no posts
    ]
    result = run([Q1, "2025-Q2"], faelle=faelle, stellen=STELLEN)

    def v(gebiet: str, zeitraum: str) -> float:
        return value(result, "faelle_je_vzae", gebiet, zeitraum=zeitraum)

    # Q1: T1 Ist = 0 -> empty; T2: 2 / 0.5; Kreis: (3 + 2 + 1) / (0 + 0.5)
    assert value(result, "faelle_bestand", T1, zeitraum=Q1) == 3
    assert is_nan(v(T1, Q1))
    assert v(T2, Q1) == pytest.approx(4.0)
    assert is_nan(v(T3, Q1))
    assert v(KREIS, Q1) == pytest.approx(6 / 0.5)
    # Q2: T1: 3 / 0.3; Kreis: (3 + 2 + 1) / (0.3 + 0.5) — only Baustein II Ist counts
    assert value(result, "faelle_bestand", T1, zeitraum="2025-Q2") == 3
    assert v(T1, "2025-Q2") == pytest.approx(10.0)
    assert v(KREIS, "2025-Q2") == pytest.approx(6 / 0.8)


# ---------------------------------------------------------------------------
# 20–22: Baustein III funnel
# ---------------------------------------------------------------------------


def test_baustein_iii_funnel() -> None:
    def vf(quelle, ags, art, anstoss=None, antrag=None, entscheidung=None, ergebnis="offen"):
        return {
            "quelle": quelle,
            "verfahren_id": f"V{anstoss}{antrag}{entscheidung}{ags}{art}",
            "person_id": "AP000001",
            "ags": ags,
            "verfahrensart": art,
            "anstoss": anstoss,
            "antrag": antrag,
            "entscheidung": entscheidung,
            "ergebnis": ergebnis,
        }

    witten = "05954036"
    rows = [
        vf(KREIS, T1, "bleiberecht_25a", "2025-01-02", "2025-02-01", "2025-03-31", "erteilt"),
        vf(KREIS, T1, "einbuergerung", "2024-12-31", "2025-01-01", "2025-03-01", "abgelehnt"),
        vf(KREIS, T2, "bleiberecht_25b", "2025-03-31"),
        vf(KREIS, T2, "einbuergerung", None, "2024-06-01", "2025-04-01", "erteilt"),
        vf(witten, witten, "einbuergerung", None, None, "2025-01-15", "erteilt"),
    ]  # fmt: skip
    result = run(verfahren=rows)

    def v(indikator: str, gebiet: str, label: str = "") -> float:
        return value(result, indikator, gebiet, aufschluesselung=label)

    assert v("b3_angesprochen", T1) == 1
    assert v("b3_antraege", T1) == 2
    assert v("b3_erteilt", T1) == 1
    assert v("b3_angesprochen", T2) == 1
    assert v("b3_antraege", T2) == 0
    assert v("b3_erteilt", T2) == 0  # decided after Q1
    assert v("b3_erteilt", witten) == 1
    assert v("b3_angesprochen", KREIS) == 2
    assert v("b3_antraege", KREIS) == 2
    assert v("b3_erteilt", KREIS) == 2
    assert v("b3_erteilt", KREIS, "verfahrensart=bleiberecht_25a") == 1
    assert v("b3_erteilt", KREIS, "verfahrensart=einbuergerung") == 1
    assert v("b3_erteilt", T1, "verfahrensart=einbuergerung") == 0  # abgelehnt
    assert v("b3_antraege", T1, "verfahrensart=einbuergerung") == 1
    assert v("b3_angesprochen", T2, "verfahrensart=bleiberecht_25b") == 1
    b3 = result.loc[result["indikator"].str.startswith("b3_")]
    assert (b3["zielgruppe"] == "alle").all()
    assert (b3["handlungsfeld"] == "alle").all()


# ---------------------------------------------------------------------------
# Smoke test on generated and loaded sample data
# ---------------------------------------------------------------------------

COUNTS = {
    "faelle_neu",
    "faelle_aktiv",
    "faelle_abgeschlossen",
    "faelle_bestand",
    "personen_erreicht",
    "kontakte",
    "vermittlungen",
    "strukturhinweise",
    "b3_angesprochen",
    "b3_antraege",
    "b3_erteilt",
}
PERCENTAGES = {
    "quote_ziele_erreicht",
    "quote_ziele_teilweise",
    "quote_vermittlung_angenommen",
    "quote_handlungsfeld_ziel_erreicht",
}
ADDITIVE = COUNTS - {"personen_erreicht", "faelle_bestand", "faelle_aktiv"}


def test_smoke_on_generated_sample_data(kim) -> None:
    kim.run(
        "generate", "--out", str(kim.exports), "--bis", "2025-06-30", "--fehlerfrei", check=True
    )
    kim.run("load", check=True)
    tables = ref.load_current(kim.home / "warehouse.duckdb")
    assert set(tables) >= {"faelle", "handlungsfelder", "kontakte", "vermittlungen"}
    assert len(tables["faelle"]) > 0

    months = [f"2025-{m:02d}" for m in range(1, 13)]
    periods = ["2025", "2025-H1", "2025-H2", *(f"2025-Q{q}" for q in range(1, 5)), *months]
    result = ref.compute(tables, periods)
    key = ref.OUTPUT_COLUMNS[:-1]
    assert not result.duplicated(key).any()
    assert Counter(result["zeitraum"]) == dict.fromkeys(periods, len(result) // len(periods))

    wert = result.set_index(key)["wert"]
    towns = list(schema.town_codes())

    # Counts are integers ≥ 0.
    counts = result.loc[result["indikator"].isin(COUNTS), "wert"]
    assert counts.notna().all()
    assert (counts >= 0).all()
    assert (counts == counts.round()).all()
    # Percentages in 0–100 or undefined.
    pct = result.loc[result["indikator"].isin(PERCENTAGES), "wert"].dropna()
    assert ((pct >= 0) & (pct <= 100)).all()

    # Additive counts: the Kreis is the sum of the towns (all cells, all breakdowns).
    additive = result.loc[result["indikator"].isin(ADDITIVE | {"faelle_aktiv"})]
    by_area = additive.pivot_table(
        index=["indikator", "zeitraum", "zielgruppe", "handlungsfeld", "aufschluesselung"],
        columns="gebiet",
        values="wert",
        aggfunc="sum",
    )
    pd.testing.assert_series_equal(by_area[KREIS], by_area[towns].sum(axis=1), check_names=False)
    # ... and, for flow counts, a year is the sum of its months.
    flows = additive.loc[additive["indikator"] != "faelle_aktiv"]
    per_month = (
        flows.loc[flows["zeitraum"].isin(months)]
        .groupby(["indikator", "gebiet", "zielgruppe", "handlungsfeld", "aufschluesselung"])["wert"]
        .sum()
    )
    per_year = flows.loc[flows["zeitraum"] == "2025"].set_index(
        ["indikator", "gebiet", "zielgruppe", "handlungsfeld", "aufschluesselung"]
    )["wert"]
    pd.testing.assert_series_equal(per_month.sort_index(), per_year.sort_index(), check_names=False)

    aktiv = wert.xs("faelle_aktiv", level="indikator")
    for name in ("faelle_bestand", "faelle_neu", "faelle_abgeschlossen", "personen_erreicht"):
        part = wert.xs(name, level="indikator")
        assert (part <= aktiv.reindex(part.index)).all(), name
    # Topics and target groups are subsets of `alle`.
    levels = ("zielgruppe", "handlungsfeld", "aufschluesselung")
    total = aktiv.xs(("alle", "alle", ""), level=levels).sort_index()
    largest = aktiv.xs("", level="aufschluesselung").groupby(level=["zeitraum", "gebiet"]).max()
    pd.testing.assert_series_equal(largest.sort_index(), total, check_names=False)
    # There is data in the first half of 2025, none after the Stichtag.
    assert wert[("faelle_aktiv", "2025-H1", KREIS, "alle", "alle", "")] > 0
    assert wert[("faelle_neu", "2025-H2", KREIS, "alle", "alle", "")] == 0
    assert wert[("kontakte", "2025-Q1", KREIS, "alle", "alle", "")] > 0

    # Breakdowns add up to the total.
    for indikator, dims in (
        ("faelle_aktiv", ref.CASE_BREAKDOWNS),
        ("vermittlungen", ref.REFERRAL_BREAKDOWNS),
    ):
        rows = result.loc[(result["indikator"] == indikator)]
        totals = rows.loc[
            (rows["zielgruppe"] == "alle")
            & (rows["handlungsfeld"] == "alle")
            & (rows["aufschluesselung"] == "")
        ].set_index(["zeitraum", "gebiet"])["wert"]
        for dim in dims:
            part = rows.loc[
                rows["aufschluesselung"].str.startswith(dim + "=")
                & (rows["handlungsfeld"] == "alle")
            ]
            sums = part.groupby(["zeitraum", "gebiet"])["wert"].sum()
            pd.testing.assert_series_equal(
                sums.sort_index(), totals.sort_index(), check_names=False
            )

    # Staffing: the Kreis Baustein II posts are the towns' case management posts.
    for period in periods:
        town_soll = sum(wert[("vzae_soll", period, t, "alle", "alle", "")] for t in towns)
        kreis_b2 = wert[("vzae_soll", period, KREIS, "alle", "alle", "baustein=2")]
        assert kreis_b2 == pytest.approx(town_soll)
        kreis = wert[("vzae_soll", period, KREIS, "alle", "alle", "")]
        by_b = sum(
            wert[("vzae_soll", period, KREIS, "alle", "alle", f"baustein={b}")] for b in "123"
        )
        assert kreis == pytest.approx(by_b)
    # 2025-06-30: the funded posts of the press release (7,0 case management in all).
    assert wert[("vzae_soll", "2025-H1", KREIS, "alle", "alle", "baustein=2")] == pytest.approx(7.0)
    ratio = wert[("faelle_je_vzae", "2025-H1", KREIS, "alle", "alle", "")]
    bestand = wert[("faelle_bestand", "2025-H1", KREIS, "alle", "alle", "")]
    ist = wert[("vzae_ist", "2025-H1", KREIS, "alle", "alle", "baustein=2")]
    assert ratio == pytest.approx(bestand / ist)

    # Baustein III: the Kreis is the sum of the towns, the total the sum of the kinds.
    for name in ("b3_angesprochen", "b3_antraege", "b3_erteilt"):
        assert wert[(name, "2025-H1", KREIS, "alle", "alle", "")] == sum(
            wert[(name, "2025-H1", t, "alle", "alle", "")] for t in towns
        )
    assert wert[("b3_angesprochen", "2025", KREIS, "alle", "alle", "")] > 0
