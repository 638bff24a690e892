"""Every chart builder: importing this module registers all of them in `views.charts`."""

from views import (  # noqa: F401
    baustein3,
    datenqualitaet,
    handlungsfelder,
    kennzahlen,
    personal,
    stadt,
    staedte,
    strukturthemen,
    ueberblick,
    ziele,
    zielgruppen,
)
