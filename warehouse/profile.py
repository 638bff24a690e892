"""Kreis profiles: everything specific to one Kreis or kreisfreie Stadt (`KIM_PROFIL`)."""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from warehouse.errors import UserError
from warehouse.settings import profile_name

# Flag columns of `faelle` a target group may be defined by (export format §4.1).
FLAG_COLUMNS = (
    "alleinerziehend",
    "junger_mensch_ohne_familie",
    "analphabetismus",
    "ohne_berufsausbildung",
    "geringe_deutschkenntnisse",
)
# The Land's list of topics (export format §4.2); a Kreis's own topics map to one of them.
LAND_TOPICS = (
    "aufenthalt",
    "erstorientierung",
    "bildung",
    "arbeit",
    "wohnen",
    "gesundheit",
    "sonstiges",
)
# The one rule-based target group: arrival within a window of months before the case began.
ARRIVAL_GROUP = "neuzugewandert"
# The file in KIM_HOME naming the Kreis whose data it holds (`AGS Name`).
HOME_MARK = "kreisprofil"
# Columns of the areas file the build hands to dbt (source `referenz.gemeinden`).
AREA_COLUMNS = (
    "ags",
    "name",
    "einwohner",
    "einwohner_stand",
    "flaeche_km2",
    "breite",
    "laenge",
    "stellen_case_management",
)
KINDS = {"kreis": "Kreis", "kreisfreie_stadt": "kreisfreie Stadt"}
FUNCTIONS = ("koordination", "verwaltungsassistenz", "auslaenderbehoerde")


class ProfileError(UserError):
    """A Kreis profile that cannot be read or does not hold together."""


@dataclass(frozen=True)
class Town:
    """An area cases belong to: a town of the Kreis, or the kreisfreie Stadt itself."""

    ags: str
    name: str
    population: int | None
    population_date: str
    area_km2: float
    lat: float
    lon: float
    case_management_posts: float


@dataclass(frozen=True)
class PopulationBase:
    """One set of population figures: its key, reference date and source."""

    key: str
    date: str
    source: str


@dataclass(frozen=True)
class Authority:
    """An Ausländerbehörde and the towns whose residents it serves."""

    ags: str
    name: str
    towns: tuple[str, ...]
    posts: float


@dataclass(frozen=True)
class Provider:
    """A welfare provider delivering case management for one or more towns: a source of its
    own, named in the file name by its id instead of an AGS."""

    id: str
    name: str
    towns: tuple[str, ...]
    share: float  # of its towns' cases (only for `kim generate`)


@dataclass(frozen=True)
class TargetGroup:
    """A primary target group: a flag column of `faelle` or the arrival window."""

    code: str
    name: str
    definition: str


@dataclass(frozen=True)
class Topic:
    """A topic of case management and the topic of the Land's list it belongs to."""

    code: str
    name: str  # empty: the reference name of a topic of the Land's list
    land: str

    @property
    def is_own(self) -> bool:
        """The Kreis's own topic, not one of the Land's list."""
        return self.code != self.land


@dataclass(frozen=True)
class Profile:
    """One Kreis or kreisfreie Stadt as configured in its profile folder."""

    key: str
    folder: Path
    name: str
    ags: str
    kind: str
    for_phrase: str
    in_phrase: str
    article_phrase: str
    genitive_phrase: str
    from_phrase: str
    head: str
    coordination_name: str
    population_base: PopulationBase
    population_bases: tuple[PopulationBase, ...]
    towns: tuple[Town, ...]
    population: int | None
    authorities: tuple[Authority, ...]
    providers: tuple[Provider, ...]
    target_groups: tuple[TargetGroup, ...]
    topics: tuple[Topic, ...]
    arrival_months: int
    coordination_posts: float
    assistance_posts: float

    @property
    def has_towns(self) -> bool:
        """Whether areas lie beneath the Kreis (a kreisfreie Stadt has none)."""
        return self.kind == "kreis"

    @property
    def town_codes(self) -> tuple[str, ...]:
        """AGS of the areas cases belong to."""
        return tuple(t.ags for t in self.towns)

    @property
    def topic_codes(self) -> tuple[str, ...]:
        """Codes of the topics cases are counselled in (`handlungsfeld`)."""
        return tuple(t.code for t in self.topics)

    def authority_of(self, area: str) -> Authority:
        """The Ausländerbehörde serving a town (for the Kreis: its own authority)."""
        serving = (a for a in self.authorities if area in a.towns or a.ags == area)
        return next(serving, self.authorities[0])

    def write_areas(self, path: Path) -> Path:
        """The areas with the chosen population base as the CSV file dbt reads (gemeinden)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(AREA_COLUMNS)
            for t in self.towns:
                writer.writerow(
                    (
                        t.ags,
                        t.name,
                        "" if t.population is None else t.population,
                        t.population_date,
                        t.area_km2,
                        t.lat,
                        t.lon,
                        t.case_management_posts,
                    )
                )
        return path

    def dbt_vars(self) -> dict[str, object]:
        """The profile's facts as dbt variables (dbt_project.yml holds the defaults)."""
        return {
            "kreis_ags": self.ags,
            "kreis_name": self.name,
            "kreis_einwohner": self.population,
            "mit_staedten": self.has_towns,
            "neuzugewandert_monate": self.arrival_months,
            "zielgruppen": ["alle", *(g.code for g in self.target_groups)],
            "handlungsfelder": ["alle", *self.topic_codes],
        }


def folder_of(name: str) -> Path:
    """The folder of a shipped profile's name, or the given path."""
    shipped = Path(str(resources.files("warehouse").joinpath("profiles", name)))
    if re.fullmatch(r"[a-z0-9-]+", name) and shipped.is_dir():
        return shipped
    folder = Path(name).expanduser()
    if not folder.is_dir():
        raise ProfileError(
            f"Kreisprofil „{name}“ nicht gefunden: KIM_PROFIL nennt weder ein mitgeliefertes "
            f"Profil ({', '.join(shipped_names())}) noch einen Ordner."
        )
    return folder.resolve()


def shipped_names() -> tuple[str, ...]:
    """Names of the profiles the package ships."""
    root = Path(str(resources.files("warehouse").joinpath("profiles")))
    return tuple(sorted(p.name for p in root.iterdir() if (p / "profil.toml").is_file()))


def current() -> Profile:
    """The profile `KIM_PROFIL` selects (Ennepe-Ruhr-Kreis by default)."""
    # read per call (labels ask often): the environment alone, not all the settings
    return load(profile_name())


@cache
def load(name: str) -> Profile:
    """Read and check the profile `name` (a shipped name or a folder)."""
    folder = folder_of(name)
    spec = _toml(folder / "profil.toml")
    where = f"Kreisprofil {folder / 'profil.toml'}"
    try:
        bases = tuple(
            PopulationBase(str(b["basis"]), str(b["stichtag"]), str(b["quelle"]))
            for b in spec["einwohner"]
        )
        chosen = str(spec["einwohner_basis"])
        base = next((b for b in bases if b.key == chosen), None)
        if base is None:
            raise ProfileError(
                f"{where}: einwohner_basis „{chosen}“ ist nicht unter [[einwohner]]."
            )
        kind = str(spec["art"])
        if kind not in KINDS:
            raise ProfileError(f"{where}: art muss „kreis“ oder „kreisfreie_stadt“ sein.")
        ags = str(spec["ags"])
        months = int(spec.get("neuzugewandert_monate", 24))
        people = _population(folder, base)
        towns = _towns(folder, people, base, ags, kind)
        known = [t.population for t in towns if t.population is not None]
        profile = Profile(
            key=folder.name,
            folder=folder,
            name=str(spec["name"]),
            ags=ags,
            kind=kind,
            for_phrase=str(spec["fuer"]),
            in_phrase=str(spec["in"]),
            article_phrase=str(spec["der"]),
            genitive_phrase=str(spec["des"]),
            from_phrase=str(spec["vom"]),
            head=str(spec["vertreten"]),
            coordination_name=str(spec["koordinierungsstelle"]),
            population_base=base,
            population_bases=bases,
            towns=towns,
            population=people.get(ags, sum(known) if len(known) == len(towns) else None),
            authorities=_authorities(spec, where, towns),
            providers=_providers(spec, where, towns),
            target_groups=_target_groups(spec, where, months),
            topics=_topics(spec, where),
            arrival_months=months,
            coordination_posts=float(spec["stellen"]["koordination"]),
            assistance_posts=float(spec["stellen"]["verwaltungsassistenz"]),
        )
    except KeyError as err:
        raise ProfileError(f"{where}: Angabe {err} fehlt.") from err
    except (TypeError, ValueError) as err:
        raise ProfileError(f"{where}: ungültiger Wert ({err}).") from err
    return profile


def _toml(path: Path) -> dict:
    """A profile file as data, or a German message naming the file and line."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as err:
        raise ProfileError(f"Kreisprofil ohne Datei profil.toml: {path}") from err
    except tomllib.TOMLDecodeError as err:
        raise ProfileError(f"Kreisprofil {path} ist nicht lesbar: {err}") from err


def _population(folder: Path, base: PopulationBase) -> dict[str, int]:
    """Population by AGS in the chosen base (einwohner.csv)."""
    return {
        r["ags"]: int(r["einwohner"])
        for r in _csv(folder / "einwohner.csv")
        if r["basis"] == base.key
    }


def _towns(
    folder: Path, people: dict[str, int], base: PopulationBase, ags: str, kind: str
) -> tuple[Town, ...]:
    """The areas of `gebiete.csv` with their population in the chosen base (None where the
    base has no figure: rates per inhabitants of that town are then not published)."""
    areas = _csv(folder / "gebiete.csv")
    towns = []
    for line, row in enumerate(areas, start=2):
        where = f"Kreisprofil {folder / 'gebiete.csv'}, Zeile {line}"
        code = row["ags"]
        if not re.fullmatch(r"\d{8}", code) or not code.startswith(ags[:5]):
            raise ProfileError(f"{where}: AGS „{code}“ ist kein Gemeindeschlüssel im Gebiet {ags}.")
        towns.append(
            Town(
                ags=code,
                name=row["name"],
                population=people.get(code),
                population_date=base.date,
                area_km2=float(row["flaeche_km2"]),
                lat=float(row["breite"]),
                lon=float(row["laenge"]),
                case_management_posts=float(row["stellen_case_management"]),
            )
        )
    if kind == "kreisfreie_stadt" and [t.ags for t in towns] != [ags]:
        raise ProfileError(
            f"Kreisprofil {folder / 'gebiete.csv'}: eine kreisfreie Stadt hat genau ein Gebiet, "
            f"sich selbst ({ags})."
        )
    if kind == "kreis" and (not re.fullmatch(r"\d{5}", ags) or not towns):
        raise ProfileError(
            f"Kreisprofil {folder}: ein Kreis hat einen fünfstelligen AGS und mindestens "
            "eine Stadt."
        )
    return tuple(sorted(towns, key=lambda t: t.ags))


def _csv(path: Path) -> list[dict[str, str]]:
    """Rows of one of the profile's CSV files."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError as err:
        raise ProfileError(f"Kreisprofil ohne Datei {path.name}: {path}") from err


def _authorities(spec: dict, where: str, towns: tuple[Town, ...]) -> tuple[Authority, ...]:
    """The Ausländerbehörden; one without a town list serves every town no other serves."""
    codes = [t.ags for t in towns]
    listed = [
        (str(a["ags"]), str(a["name"]), a.get("staedte"), a) for a in spec["auslaenderbehoerden"]
    ]
    own = {town for *_, served, _ in listed if served for town in served}
    authorities = []
    for code, name, served, raw in listed:
        served_towns = tuple(served) if served else tuple(c for c in codes if c not in own)
        unknown = [t for t in served_towns if t not in codes]
        if unknown:
            raise ProfileError(
                f"{where}: Ausländerbehörde {name} nennt unbekannte Gebiete {unknown}."
            )
        authorities.append(Authority(code, name, served_towns, float(raw["stellen"])))
    served_all = sorted(t for a in authorities for t in a.towns)
    if served_all != sorted(codes):
        raise ProfileError(
            f"{where}: jedes Gebiet braucht genau eine Ausländerbehörde (auslaenderbehoerden)."
        )
    return tuple(authorities)


def _providers(spec: dict, where: str, towns: tuple[Town, ...]) -> tuple[Provider, ...]:
    """Welfare providers (`[[traeger]]`): id, name, the towns they serve."""
    codes = {t.ags for t in towns}
    providers = []
    for raw in spec.get("traeger", ()):
        ident, served = str(raw["id"]), tuple(str(t) for t in raw["staedte"])
        if not re.fullmatch(r"[a-z][a-z0-9-]{2,40}", ident):
            raise ProfileError(
                f"{where}: Träger-Kennung „{ident}“ muss mit einem Kleinbuchstaben beginnen und "
                "aus 3–41 Zeichen a–z, 0–9 und - bestehen."
            )
        unknown = [t for t in served if t not in codes]
        if not served or unknown:
            raise ProfileError(f"{where}: Träger {ident} nennt unbekannte Städte {unknown}.")
        share = float(raw.get("anteil", 0.3))
        if not 0 < share < 1:
            raise ProfileError(f"{where}: Träger {ident}: anteil muss zwischen 0 und 1 liegen.")
        providers.append(Provider(ident, str(raw["name"]), served, share))
    return tuple(providers)


def _target_groups(spec: dict, where: str, months: int) -> tuple[TargetGroup, ...]:
    """The primary target groups and how each is derived."""
    groups = []
    for raw in spec["zielgruppen"]:
        code, name = str(raw["code"]), str(raw["name"])
        if code == ARRIVAL_GROUP:
            definition = f"Einreise höchstens {months} Monate vor Fallbeginn"
        elif code in FLAG_COLUMNS:
            definition = f"Merkmal {code} in faelle"
        else:
            raise ProfileError(
                f"{where}: Zielgruppe „{code}“ ist weder {ARRIVAL_GROUP} noch ein Merkmal "
                f"von faelle ({', '.join(FLAG_COLUMNS)})."
            )
        groups.append(TargetGroup(code, name, definition))
    return tuple(groups)


def _topics(spec: dict, where: str) -> tuple[Topic, ...]:
    """The Kreis's topics, each mapped to the Land's list; without a list, the Land's own."""
    if "handlungsfelder" not in spec:
        return tuple(Topic(code, "", code) for code in LAND_TOPICS)
    topics = []
    for raw in spec["handlungsfelder"]:
        code, name = str(raw["code"]), str(raw.get("name", ""))
        land = str(raw.get("land", code))
        if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", code) or code == "alle":
            raise ProfileError(
                f"{where}: Handlungsfeld „{code}“: der Code besteht aus Kleinbuchstaben, Ziffern "
                "und _ und heißt nicht „alle“."
            )
        if land not in LAND_TOPICS or (code in LAND_TOPICS and land != code):
            raise ProfileError(
                f"{where}: Handlungsfeld „{code}“: land muss ein Handlungsfeld der Landesliste "
                f"nennen ({', '.join(LAND_TOPICS)}); eines der Landesliste steht für sich selbst."
            )
        if not name and code not in LAND_TOPICS:
            raise ProfileError(f"{where}: Handlungsfeld „{code}“ braucht einen Namen (name).")
        topics.append(Topic(code, name, land))
    codes = [t.code for t in topics]
    if len(set(codes)) != len(codes):
        raise ProfileError(f"{where}: ein Handlungsfeld ist doppelt genannt.")
    missing = [code for code in LAND_TOPICS if code not in codes]
    if missing:
        raise ProfileError(
            f"{where}: [[handlungsfelder]] ergänzt die Landesliste und muss ihre Handlungsfelder "
            f"enthalten; es fehlen {', '.join(missing)}."
        )
    return tuple(topics)


def check_home(home: Path) -> None:
    """Refuse a KIM_HOME that holds another Kreis's data (the Kreis its first load named)."""
    mark = home / HOME_MARK
    if not mark.is_file():
        return
    ags, _, name = mark.read_text("utf-8").strip().partition(" ")
    active = current()
    if ags != active.ags:
        raise ProfileError(
            f"KIM_HOME {home} enthält die Daten von {name} (AGS {ags}), KIM_PROFIL wählt aber "
            f"{active.name} (AGS {active.ags}): Wählen Sie das Profil dieser Daten oder ein "
            "anderes KIM_HOME."
        )


def mark_home(home: Path) -> None:
    """Name the active Kreis in KIM_HOME, so that no other Kreis profile works on its data."""
    check_home(home)
    mark = home / HOME_MARK
    if not mark.exists():
        mark.write_text(f"{current().ags} {current().name}\n", "utf-8")
