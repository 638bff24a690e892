"""Chart content of the Kennzahlen page (shared by the dashboard and the reports)."""

from __future__ import annotations

import pandas as pd

from views import queries
from views.charts import ChartData, chart
from views.filters import Filters

KATALOG = "kennzahlen-katalog"


NO_BASE = "entfällt"


@chart(KATALOG)
def catalogue(filters: Filters) -> ChartData:
    """Every indicator: number, name, unit, definition, base, rule, breakdowns."""
    frame = queries.catalogue()
    table = pd.DataFrame(
        {
            "Kennzahl": frame["name"],
            "Nr.": [str(int(n)) for n in frame["nr"]],
            "Einheit": frame["einheit"],
            "Definition": frame["definition"],
            "Basis": [_text(b, NO_BASE) for b in frame["basis"]],
            "Geheimhaltungsregel": [_text(r, "") for r in frame["geheimhaltungsregel"]],
            "Je Zielgruppe und Handlungsfeld": [
                "ja" if bool(v) else "nein" for v in frame["hat_zielgruppen"]
            ],
        }
    )
    protected = int((frame["geheimhaltung"] != "keine").sum())
    broken_down = int(frame["hat_zielgruppen"].astype(bool).sum())
    return ChartData(
        key=KATALOG,
        title="Kennzahlen mit Definition und Geheimhaltungsregel",
        sentence=(
            f"Der Katalog umfasst {len(frame)} Kennzahlen; {protected} davon unterliegen der "
            f"statistischen Geheimhaltung, {broken_down} gibt es auch je Zielgruppe und "
            "Handlungsfeld."
        ),
        table=table,
        note=(
            "Basis: die Größe, deren Mindestzahl über die Geheimhaltung einer Quote, eines "
            "Medians oder eines Verhältnisses entscheidet; „entfällt“, wo keine solche Regel gilt."
        ),
    )


def _text(value: object, empty: str) -> str:
    """A catalogue text; `empty` when the catalogue leaves it open."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value) == "":
        return empty
    return str(value)
