"""Chart content of the Datenqualität page (shared by the dashboard and the reports)."""

from __future__ import annotations

import re

import pandas as pd

from views import display, figures, queries
from views.charts import ChartData, chart
from views.filters import Filters
from warehouse import profile
from warehouse.formatting import moment
from warehouse.schema import PSEUDONYM_COLUMNS, kreis_ags
from warehouse.settings import load_settings
from warehouse.status import source_name

STAND = "datenqualitaet-stand"


QUARANTAENE = "datenqualitaet-quarantaene"


GRUENDE = "datenqualitaet-gruende"


FEHLERLISTE = "datenqualitaet-fehlerliste"


VOLLSTAENDIGKEIT = "datenqualitaet-vollstaendigkeit"


LIEFERUNGEN = "datenqualitaet-lieferungen"


PSEUDONYM_HIDDEN = "(Pseudonym, nicht angezeigt)"


# Deliveries whose rows were checked; repeats and files refused as a whole are not.
CHECKED = ("geladen", "teilweise_geladen", "abgelehnt", "veraltet")


ROW_MESSAGE = re.compile(r"^Zeile \d+")


MORE_MESSAGES = re.compile(r"^… und (\d+) weitere Fehler")


def _scope(filters: Filters) -> str | None:
    """The source to show: None (all) for the Kreis, else the chosen town."""
    return None if filters.gebiet == kreis_ags() else filters.gebiet


def _subject(filters: Filters) -> str:
    """`sources_shown` as a sentence's subject (capital first letter)."""
    return display.capital(sources_shown(filters))


def sources_shown(filters: Filters) -> str:
    """Whose deliveries the page shows: `alle Quellen` for the Kreis (for a town's user, the
    sources it may see), else the chosen town's name."""
    if _scope(filters) is not None:
        return queries.area_name(filters.gebiet)
    limit = queries.scope()
    if limit is None:
        return "alle Quellen"
    names = _source_names()
    return " und ".join(sorted(names.get(s, s) for s in limit.sources)) or "keine Quelle"


def _source_names() -> dict[str, str]:
    """Source AGS → German name; the Kreis delivers as coordination office and authority."""
    names = dict(queries.areas()[["gebiet", "name"]].itertuples(index=False))
    names[kreis_ags()] = display.kreis_source()
    # welfare providers deliver cases of the towns they serve as sources of their own
    names |= {p.id: source_name(p.id, None) for p in profile.current().providers}
    return names


def _source_rank() -> dict[str, int]:
    """Sources in the order of the area list (towns by name, the Kreis last)."""
    return {gebiet: i for i, gebiet in enumerate(queries.areas()["gebiet"])}


def _count(n: object) -> str:
    """A count of rows or errors, German format (zero stays `0`: not an indicator value)."""
    if n is None or pd.isna(n):
        return display.NOT_APPLICABLE
    return display.plain(float(n), "ganzzahl")


def _day(value: object) -> str:
    """A Stichtag as `31.10.2026`; empty when unknown."""
    if value is None or pd.isna(value):
        return ""
    return display.day(pd.Timestamp(value).date())


def _file(datei: object, teil: object) -> str:
    """File name, with the sheet or zip member when the file has parts."""
    name = str(datei) if isinstance(datei, str) else ""
    if isinstance(teil, str) and teil:
        return f"{name} › {teil}"
    return name


def _change(row: pd.Series | dict) -> str:
    """Loaded rows against the previous accepted delivery of the same source and table."""
    if pd.notna(row["veraenderung_zeilen"]):
        return display.plain(float(row["veraenderung_zeilen"]), "ganzzahl")
    if row["status"] in ("abgelehnt", "bereits_geladen", "unbekannt"):
        return "entfällt"
    return "erste Lieferung"


def _outcome(status: str, ablehnung: object) -> str:
    """Status of a delivery, with the kind of refusal when it was refused."""
    if isinstance(ablehnung, str) and ablehnung:
        reason = display.label("ablehnung", ablehnung)
        return reason if "abgelehnt" in reason else f"abgelehnt: {reason}"
    return display.label("lieferstatus", status)


def _messages(meldungen: object) -> str:
    """Loader messages; row errors summed up (they are in the error list, with values)."""
    messages = [str(m) for m in (meldungen if meldungen is not None else [])]
    rows = sum(1 for m in messages if ROW_MESSAGE.match(m))
    for m in messages:
        more = MORE_MESSAGES.match(m)
        if more:
            rows += int(more.group(1))
    kept = [m for m in messages if not ROW_MESSAGE.match(m) and not MORE_MESSAGES.match(m)]
    if rows:
        kept.append(f"{_count(rows)} Zeilenfehler in Quarantäne")
    return "; ".join(kept)


def _shown_value(spalte: object, wert: object) -> str:
    """The offending value; hidden in pseudonym columns, marked when empty."""
    if spalte in PSEUDONYM_COLUMNS:
        return PSEUDONYM_HIDDEN
    if wert is None or (isinstance(wert, float) and pd.isna(wert)) or str(wert) == "":
        return "(leer)"
    return str(wert)


def _latest(deliveries: pd.DataFrame) -> pd.DataFrame:
    """Per source and table the latest delivery whose rows were checked (as the error query)."""
    checked = deliveries[
        deliveries["status"].isin(CHECKED)
        & (deliveries["ablehnung"].fillna("") != "datei")
        & deliveries["stichtag"].notna()
        & deliveries["tabelle"].notna()
    ]
    checked = checked.sort_values(["stichtag", "lieferung_id"])
    return checked.groupby(["quelle", "tabelle"], sort=False).tail(1)


def _by_source(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by source (area order), then table."""
    rank = _source_rank()
    return frame.assign(_rang=frame["quelle"].map(rank).fillna(len(rank))).sort_values(
        ["_rang", "tabelle"], kind="stable"
    )


@chart(STAND)
def datenstand(filters: Filters) -> ChartData:
    """Per source and table the current Stichtag, its rows and newer deliveries not in use."""
    deliveries = queries.datenqualitaet_deliveries(_scope(filters))
    names = _source_names()
    stale_days = load_settings().stale_after_days
    known = deliveries[deliveries["quelle"].notna() & deliveries["tabelle"].notna()]
    groups: dict[tuple[str, str], list[dict]] = {}
    for record in _by_source(known).to_dict("records"):
        groups.setdefault((record["quelle"], record["tabelle"]), []).append(record)
    rows = []
    ages: list[tuple[int, str]] = []
    for (quelle, tabelle), part in groups.items():
        cells = {"Quelle": names.get(quelle, quelle), "Tabelle": display.label("tabelle", tabelle)}
        hints = []
        current = next((r for r in part if r["ist_aktuell"]), None)
        counted = [r for r in part if r["status"] not in ("bereits_geladen", "unbekannt")]
        if current is not None:
            age = queries.age_in_days(current["stichtag"])
            ages.append((age, cells["Quelle"]))
            cells |= {
                "Aktueller Stichtag": _day(current["stichtag"]),
                "Alter in Tagen": _count(age),
                "Status": display.label("lieferstatus", current["status"]),
                "Zeilen geladen": _count(current["zeilen_geladen"]),
                "Zeilen in Quarantäne": _count(current["zeilen_quarantaene"]),
                "Veränderung zur Vorlieferung": _change(current),
            }
            if queries.is_stale(age):
                hints.append(f"veraltet (älter als {stale_days} Tage)")
            newer = [
                r
                for r in counted
                if pd.notna(r["stichtag"]) and r["stichtag"] > current["stichtag"]
            ]
        else:
            cells |= {
                "Aktueller Stichtag": "kein gültiger Stand",
                "Alter in Tagen": display.NOT_APPLICABLE,
                "Status": "",
                "Zeilen geladen": display.NOT_APPLICABLE,
                "Zeilen in Quarantäne": display.NOT_APPLICABLE,
                "Veränderung zur Vorlieferung": display.NOT_APPLICABLE,
            }
            newer = [r for r in counted if pd.notna(r["stichtag"])]
        if newer:
            last = max(newer, key=lambda r: (r["stichtag"], r["lieferung_id"]))
            if last["status"] in ("geladen", "teilweise_geladen"):
                hints.append(
                    f"Lieferung zum {_day(last['stichtag'])} geladen; sie wird aktuell, sobald "
                    "alle Tabellen dieses Stichtags vorliegen"
                )
            else:
                hints.append(
                    f"Lieferung zum {_day(last['stichtag'])}: "
                    f"{_outcome(last['status'], last['ablehnung'])}"
                )
        cells["Hinweis"] = "; ".join(hints)
        rows.append(cells)
    columns = [
        "Quelle",
        "Tabelle",
        "Aktueller Stichtag",
        "Alter in Tagen",
        "Status",
        "Zeilen geladen",
        "Zeilen in Quarantäne",
        "Veränderung zur Vorlieferung",
        "Hinweis",
    ]
    table = pd.DataFrame(rows, columns=columns)
    subject = _subject(filters)
    if ages:
        stale = sum(1 for age, _ in ages if queries.is_stale(age))
        oldest_age, oldest_source = max(ages)
        days = sorted({d for d in table["Aktueller Stichtag"] if "." in d}, key=_date_key)
        span = days[0] if len(days) == 1 else f"vom {days[0]} bis {days[-1]}"
        sentence = (
            f"{subject}: {_count(len(ages))} Tabellen haben einen aktuellen Stand, "
            f"Stichtag {span}; {_count(stale)} davon {'ist' if stale == 1 else 'sind'} "
            f"älter als {stale_days} Tage"
            + (f" (am ältesten: {oldest_source}, {_count(oldest_age)} Tage)." if stale else ".")
        )
    else:
        sentence = f"{subject}: Es liegt noch kein gültiger Datenstand vor."
    return ChartData(
        key=STAND,
        title="Datenstand je Quelle und Tabelle",
        sentence=sentence,
        table=table,
        note=(
            "Aktueller Stichtag: der Stand, aus dem die Kennzahlen berechnet werden. "
            "Eine neuere, abgelehnte oder noch unvollständige Lieferung steht unter Hinweis."
        ),
    )


def _date_key(text: str) -> tuple[int, int, int]:
    """Sort key of a German date `31.10.2026`."""
    d, m, y = text.split(".")
    return int(y), int(m), int(d)


@chart(QUARANTAENE)
def quarantine_by_source(filters: Filters) -> ChartData:
    """Rows read, loaded and in quarantine of the latest deliveries, and refused deliveries."""
    scope = _scope(filters)
    deliveries = queries.datenqualitaet_deliveries(scope)
    latest = _by_source(_latest(deliveries))
    refused = deliveries[deliveries["status"] == "abgelehnt"]
    names = _source_names()
    group = "quelle" if scope is None else "tabelle"
    label = "Quelle" if scope is None else "Tabelle"
    rows = []
    for key, part in latest.groupby(group, sort=False):
        read = int(part["zeilen_gelesen"].fillna(0).sum())
        held = int(part["zeilen_quarantaene"].fillna(0).sum())
        name = names.get(key, key) if scope is None else display.label("tabelle", key)
        rows.append(
            {
                label: name,
                "Letzter Stichtag": _day(part["stichtag"].max()),
                "Zeilen gelesen": _count(read),
                "Zeilen geladen": _count(int(part["zeilen_geladen"].fillna(0).sum())),
                "Zeilen in Quarantäne": _count(held),
                "Anteil in Quarantäne": display.plain(100 * held / read, "prozent")
                if read
                else display.NOT_APPLICABLE,
                "Abgelehnte Lieferungen (alle)": _count(int((refused[group] == key).sum())),
                "_wert": held,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            label,
            "Letzter Stichtag",
            "Zeilen gelesen",
            "Zeilen geladen",
            "Zeilen in Quarantäne",
            "Anteil in Quarantäne",
            "Abgelehnte Lieferungen (alle)",
            "_wert",
        ],
    )
    read = int(latest["zeilen_gelesen"].fillna(0).sum())
    held = int(latest["zeilen_quarantaene"].fillna(0).sum())
    subject = _subject(filters)
    share = display.plain(100 * held / read, "prozent") if read else display.NOT_APPLICABLE
    sentence = (
        f"{subject}: In den letzten Lieferungen stehen {_count(held)} von {_count(read)} "
        f"Zeilen in Quarantäne ({share})"
    )
    if held:
        top = frame.sort_values("_wert", ascending=False, kind="stable").iloc[0]
        where = f"aus {top[label]}" if scope is None else f"in der Tabelle {top[label]}"
        sentence += f", die meisten {where} ({top['Zeilen in Quarantäne']})"
    sentence += f"; abgelehnt wurden bisher {_count(len(refused))} Lieferungen."
    figure = None
    if len(frame):
        figure = figures.bars(
            frame, label, "_wert", "Zeilen in Quarantäne", horizontal=True, unit="Zeilen"
        )
        figure.update_yaxes(automargin=True)
    return ChartData(
        key=QUARANTAENE,
        title=f"Zeilen in Quarantäne je {label}",
        sentence=sentence,
        table=frame.drop(columns="_wert"),
        figure=figure,
        note=(
            "Letzte Lieferung je Quelle und Tabelle, deren Zeilen geprüft wurden. "
            "Wird eine Lieferung abgelehnt, zählen alle ihre Zeilen als in Quarantäne."
        ),
    )


@chart(GRUENDE)
def reasons(filters: Filters) -> ChartData:
    """Errors of the latest deliveries grouped by reason, with the tables and columns hit."""
    scope = _scope(filters)
    errors = queries.datenqualitaet_errors(scope)
    names = _source_names()
    rows = []
    for grund, part in errors.groupby("grund", sort=False):
        where = sorted(
            {
                f"{display.label('tabelle', t)}: {s}" if isinstance(s, str) and s else str(t)
                for t, s in part[["tabelle", "spalte"]].itertuples(index=False)
            }
        )
        cells = {"Grund": grund, "Fehler": len(part), "Tabelle und Spalte": ", ".join(where)}
        if scope is None:
            rank = _source_rank()
            sources = sorted(set(part["quelle"]), key=lambda q: rank.get(q, len(rank)))
            cells["Quellen"] = ", ".join(names.get(q, q) for q in sources)
        rows.append(cells)
    columns = ["Grund", "Fehler", "Tabelle und Spalte"] + (["Quellen"] if scope is None else [])
    table = pd.DataFrame(rows, columns=columns)
    table = table.sort_values(["Fehler", "Grund"], ascending=[False, True], kind="stable")
    subject = _subject(filters)
    if len(table):
        top = table.iloc[0]
        sentence = (
            f"{subject}: {_count(len(errors))} Fehler aus {_count(len(table))} Gründen; "
            f"am häufigsten ({_count(top['Fehler'])}) „{top['Grund']}“."
        )
    else:
        sentence = f"{subject}: In den letzten Lieferungen gibt es keine fehlerhaften Zeilen."
    table["Fehler"] = [_count(n) for n in table["Fehler"]]
    return ChartData(
        key=GRUENDE,
        title="Fehler in Quarantäne nach Grund",
        sentence=sentence,
        table=table.reset_index(drop=True),
    )


@chart(FEHLERLISTE)
def error_list(filters: Filters) -> ChartData:
    """Every row error of the latest deliveries: file, line, column, value and reason."""
    scope = _scope(filters)
    errors = queries.datenqualitaet_errors(scope)
    names = _source_names()
    table = pd.DataFrame(
        {
            "Datei": [_file(d, t) for d, t in zip(errors["datei"], errors["teil"], strict=True)],
            "Tabelle": [display.label("tabelle", t) for t in errors["tabelle"]],
            "Stichtag": [_day(s) for s in errors["stichtag"]],
            "Zeile": [_count(z) for z in errors["zeile"]],
            "Spalte": [s if isinstance(s, str) else "" for s in errors["spalte"]],
            "Wert": [
                _shown_value(s, w) for s, w in zip(errors["spalte"], errors["wert"], strict=True)
            ],
            "Grund": list(errors["grund"]),
        },
        columns=["Datei", "Tabelle", "Stichtag", "Zeile", "Spalte", "Wert", "Grund"],
    )
    if scope is None:
        table.insert(0, "Quelle", [names.get(q, q) for q in errors["quelle"]])
    lines = len(errors[["lieferung_id", "zeile"]].drop_duplicates())
    if scope is None:
        title = f"Fehlerliste zum Korrigieren: {sources_shown(filters)}"
        who = "die liefernden Stellen (Case Management der Städte, Kreis)"
        must = "müssen"
    else:
        name = queries.area_name(filters.gebiet)
        title = f"Fehlerliste zum Korrigieren: {name}"
        who = f"das Case Management in {name}"
        must = "muss"
    if len(errors):
        sentence = (
            f"{_count(len(errors))} Fehler in {_count(lines)} Zeilen der letzten Lieferungen "
            f"{must} {who} in der Fachsoftware korrigieren und neu liefern; "
            "bis dahin fehlen diese Zeilen in den Kennzahlen."
        )
    else:
        sentence = (
            "Die letzten Lieferungen enthalten keine fehlerhaften Zeilen; "
            f"für {who} gibt es nichts zu korrigieren."
        )
    return ChartData(
        key=FEHLERLISTE,
        title=title,
        sentence=sentence,
        table=table,
        note=(
            "Die Liste gilt für die letzte geprüfte Lieferung je Tabelle; Fehler früherer "
            "Lieferungen sind durch sie überholt und nur noch unter „Lieferungen im Zeitverlauf“ "
            "gezählt. Zeile: Zeilennummer in der gelieferten Datei bzw. im Tabellenblatt "
            "(Kopfzeile = Zeile 1). Werte von Pseudonym-Spalten (z. B. fall_id) werden aus "
            "Datenschutzgründen nicht angezeigt; Datei und Zeile führen zur Stelle."
        ),
    )


def _completeness(source: str | None) -> pd.DataFrame:
    """Per town and optional field the current cases and those filling it, summed over the
    sources the user may see (for a town's user: its own delivery only)."""
    frame = queries.datenqualitaet_completeness(source)
    frame = frame.groupby(["gebiet", "feld"], as_index=False)[["faelle", "ausgefuellt"]].sum()
    frame["anteil_prozent"] = (
        100 * frame["ausgefuellt"] / frame["faelle"].where(frame["faelle"] > 0)
    )
    return frame


@chart(VOLLSTAENDIGKEIT)
def completeness(filters: Filters) -> ChartData:
    """Share of current cases with each optional field filled in, per town or for one town."""
    scope = _scope(filters)
    frame = _completeness(scope)
    fields = [f for f in display.codes("feld") if f in set(frame["feld"])]
    fields += sorted(set(frame["feld"]) - set(fields))
    frame["Angabe"] = [display.label("feld", f) for f in frame["feld"]]
    frame["text"] = [display.plain(v, "prozent") for v in frame["anteil_prozent"]]
    note = "Anteil der Fälle des aktuellen Stands, in denen die freiwillige Angabe ausgefüllt ist."
    if scope is None:
        names = _source_names()
        rank = _source_rank()
        rows = []
        for gebiet in sorted(set(frame["gebiet"]), key=lambda g: rank.get(g, len(rank))):
            part = frame[frame["gebiet"] == gebiet].set_index("feld")
            cells = {"Stadt": names.get(gebiet, gebiet), "Fälle": _count(part["faelle"].max())}
            for f in fields:
                label = display.label("feld", f)
                cells[label] = part.loc[f, "text"] if f in part.index else display.NOT_APPLICABLE
            rows.append(cells)
        table = pd.DataFrame(
            rows, columns=["Stadt", "Fälle", *(display.label("feld", f) for f in fields)]
        )
        if len(frame):
            towns = frame["gebiet"].nunique()
            low = frame.sort_values(["anteil_prozent", "gebiet", "feld"]).iloc[0]
            sentence = (
                f"Am seltensten ausgefüllt ist „{low['Angabe']}“ in "
                f"{names.get(low['gebiet'], low['gebiet'])} ({low['text']} der Fälle); "
                f"in {_count(towns)} {'Stadt' if towns == 1 else 'Städten'} wurden "
                f"{_count(len(fields))} freiwillige Angaben geprüft."
            )
        else:
            sentence = "Es liegen noch keine Fälle vor."
        return ChartData(
            key=VOLLSTAENDIGKEIT,
            title="Vollständigkeit der freiwilligen Angaben je Stadt",
            sentence=sentence,
            table=table,
            note=note,
        )
    order = {f: i for i, f in enumerate(fields)}
    frame = frame.sort_values("feld", key=lambda s: s.map(order), kind="stable")
    table = pd.DataFrame(
        {
            "Angabe": frame["Angabe"],
            "Ausgefüllt (Fälle)": [_count(n) for n in frame["ausgefuellt"]],
            "Fälle": [_count(n) for n in frame["faelle"]],
            "Anteil ausgefüllt": frame["text"],
        }
    ).reset_index(drop=True)
    name = queries.area_name(filters.gebiet)
    if len(frame):
        low = frame.sort_values(["anteil_prozent", "feld"]).iloc[0]
        sentence = (
            f"In {name} ist „{low['Angabe']}“ am seltensten ausgefüllt: in {low['text']} "
            f"von {_count(low['faelle'])} Fällen."
        )
        figure = figures.bars(frame, "Angabe", "anteil_prozent", "text", horizontal=True, unit="%")
        figure.update_xaxes(range=[0, 115], ticksuffix=" %")
        figure.update_yaxes(automargin=True)
    else:
        sentence = f"Für {name} liegen noch keine Fälle vor."
        figure = None
    return ChartData(
        key=VOLLSTAENDIGKEIT,
        title=f"Vollständigkeit der freiwilligen Angaben: {name}",
        sentence=sentence,
        table=table,
        figure=figure,
        note=note,
    )


@chart(LIEFERUNGEN)
def deliveries_over_time(filters: Filters) -> ChartData:
    """Every delivery, newest first: file, table, Stichtag, outcome, rows, change, messages."""
    scope = _scope(filters)
    frame = queries.datenqualitaet_deliveries(scope)
    names = _source_names()
    table = pd.DataFrame(
        {
            "Verarbeitet am": [
                moment(pd.Timestamp(v).to_pydatetime()) for v in frame["verarbeitet_am"]
            ],
            "Quelle": [names.get(q, q) if isinstance(q, str) else "" for q in frame["quelle"]],
            "Datei": [_file(d, t) for d, t in zip(frame["datei"], frame["teil"], strict=True)],
            "Tabelle": [
                display.label("tabelle", t) if isinstance(t, str) else "" for t in frame["tabelle"]
            ],
            "Stichtag": [_day(s) for s in frame["stichtag"]],
            "Ergebnis": [
                _outcome(s, a) for s, a in zip(frame["status"], frame["ablehnung"], strict=True)
            ],
            "Zeilen gelesen": [_count(n) for n in frame["zeilen_gelesen"]],
            "Zeilen geladen": [_count(n) for n in frame["zeilen_geladen"]],
            "Zeilen in Quarantäne": [_count(n) for n in frame["zeilen_quarantaene"]],
            "Veränderung zur Vorlieferung": [_change(row) for _, row in frame.iterrows()],
            "Meldungen": [_messages(m) for m in frame["meldungen"]],
        }
    )
    if scope is not None:
        table = table.drop(columns="Quelle")
    subject = _subject(filters)
    if len(frame):
        refused = int((frame["status"] == "abgelehnt").sum())
        partly = int((frame["zeilen_quarantaene"].fillna(0) > 0).sum())
        first = frame["verarbeitet_am"].min()
        sentence = (
            f"{subject}: {_count(len(frame))} Lieferungen seit dem "
            f"{display.day(pd.Timestamp(first).date())}, davon {_count(refused)} abgelehnt und "
            f"{_count(partly)} mit Zeilen in Quarantäne; die neueste wurde am "
            f"{table.iloc[0]['Verarbeitet am']} verarbeitet."
        )
    else:
        sentence = f"{subject}: Es wurde noch nichts geliefert."
    return ChartData(
        key=LIEFERUNGEN,
        title="Lieferungen im Zeitverlauf",
        sentence=sentence,
        table=table,
        note="Neueste zuerst; eine Arbeitsmappe oder ein ZIP-Archiv erscheint je Tabelle.",
    )
