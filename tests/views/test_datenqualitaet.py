"""Chart content of the Datenqualität page."""

from __future__ import annotations

from tests.conftest import Kim
from views import builders, datenqualitaet, queries  # noqa: F401  (registers the builders)
from views.charts import build
from views.filters import Filters
from warehouse import profile
from warehouse.schema import kreis_ags


def test_delivery_messages_count_row_errors_once():
    assert (
        datenqualitaet._messages(
            [
                "ersetzt die bisherige Lieferung zum selben Stichtag",
                "Zeile 4, Spalte fall_id: Fall-ID fehlt (Wert: „F123456“)",
                "… und 7 weitere Fehler (vollständige Liste in der Quarantäne)",
            ]
        )
        == "ersetzt die bisherige Lieferung zum selben Stichtag; 8 Zeilenfehler in Quarantäne"
    )


def test_a_town_user_is_told_whose_deliveries_the_kreis_view_shows(sample: Kim, monkeypatch):
    monkeypatch.setenv("KIM_HOME", str(sample.home))
    kreis = Filters(zeitraum="2025")
    whole = build(datenqualitaet.FEHLERLISTE, kreis)
    town = next(t for t in profile.current().towns if t.ags != kreis_ags())
    with queries.session(queries.Scope(frozenset({town.ags, kreis_ags()}), frozenset({town.ags}))):
        said = datenqualitaet.sources_shown(kreis)
        errors = build(datenqualitaet.FEHLERLISTE, kreis)
        complete = build(datenqualitaet.VOLLSTAENDIGKEIT, kreis)
    assert whole.title == "Fehlerliste zum Korrigieren: alle Quellen"
    assert said == town.name
    assert errors.title == f"Fehlerliste zum Korrigieren: {town.name}"
    assert "in 1 Stadt wurden" in complete.sentence
