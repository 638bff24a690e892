"""Component ids used by more than one module (constants, never literals in callbacks)."""

# App shell
URL = "url"
SHELL = "shell"
FILTER_BAR = "filterleiste"
MAIN = "inhalt"
FILTER_PERIOD_TYPE = "filter-periodentyp"
FILTER_PERIOD = "filter-zeitraum"
FILTER_AREA = "filter-gebiet"
FILTER_GROUP = "filter-zielgruppe"
FILTER_TOPIC = "filter-handlungsfeld"
FILTER_GROUPS = {
    "zeitraum": "filtergruppe-zeitraum",
    "gebiet": "filtergruppe-gebiet",
    "zielgruppe": "filtergruppe-zielgruppe",
    "handlungsfeld": "filtergruppe-handlungsfeld",
}
PRESENTATION_LINK = "praesentation-link"

# Pattern-matching ids of chart cards ({"type": ..., "chart": key, ...})
DOWNLOAD_BUTTON = "download-knopf"
DOWNLOAD = "download"
CHART_GRAPH = "grafik"
CHART_LINK = "grafik-link"
NAVIGATION = "navigation"
# Grids of long tables: `raster-<chart key>`
GRID = "raster"
