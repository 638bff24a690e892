"""Kreis profiles: the shipped ones hold together, a broken one gets a German message."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import Kim
from warehouse import profile
from warehouse.profile import ProfileError

SHIPPED = Path(__file__).resolve().parents[2] / "warehouse" / "profiles"


@pytest.mark.parametrize("name", ["ennepe-ruhr", "herne", "coesfeld"])
def test_every_shipped_profile_holds_together(name: str) -> None:
    active = profile.load(name)
    assert re.fullmatch(r"\d{5}|\d{8}", active.ags)
    served = sorted(t for a in active.authorities for t in a.towns)
    assert served == sorted(active.town_codes)
    assert all(t.ags.startswith(active.ags[:5]) for t in active.towns)
    assert active.population_base in active.population_bases
    assert all(base.source and base.date for base in active.population_bases)
    assert active.target_groups[0].code == "neuzugewandert"


def test_the_three_kinds_of_area() -> None:
    ennepe, herne, coesfeld = (profile.load(n) for n in ("ennepe-ruhr", "herne", "coesfeld"))
    assert (len(ennepe.towns), len(coesfeld.towns), len(herne.towns)) == (9, 11, 1)
    # a kreisfreie Stadt is its own only area, authority and coordination office
    assert not herne.has_towns and herne.town_codes == (herne.ags,)
    assert [a.towns for a in herne.authorities] == [(herne.ags,)]
    # Witten has its own authority; the Kreis's serves the other eight towns
    assert [len(a.towns) for a in ennepe.authorities] == [8, 1]
    assert ennepe.population == sum(t.population for t in ennepe.towns)
    assert coesfeld.arrival_months == 36
    # a welfare provider delivers part of Herne's cases as a source of its own
    assert [(p.id, p.towns) for p in herne.providers] == [("caritas-herne", (herne.ags,))]


def test_own_topics_extend_the_lands_list_and_map_to_it() -> None:
    ennepe, coesfeld = profile.load("ennepe-ruhr"), profile.load("coesfeld")
    assert ennepe.topic_codes == profile.LAND_TOPICS
    assert all(t.land == t.code for t in ennepe.topics)
    own = {t.code: t.land for t in coesfeld.topics if t.code != t.land}
    assert own == {"sprache": "bildung", "existenzsicherung": "sonstiges"}
    assert set(profile.LAND_TOPICS) < set(coesfeld.topic_codes)
    assert coesfeld.dbt_vars()["handlungsfelder"] == ["alle", *coesfeld.topic_codes]


def test_a_base_without_a_towns_figure_leaves_its_population_empty() -> None:
    coesfeld = profile.load("coesfeld")
    missing = [t.name for t in coesfeld.towns if t.population is None]
    assert missing == ["Havixbeck", "Nordkirchen", "Nottuln"]
    # the Kreis's own figure stands, it is not the sum of the towns that have one
    assert coesfeld.population == 220_586


def test_a_profile_folder_can_be_given_as_a_path(tmp_path: Path) -> None:
    folder = tmp_path / "mein-kreis"
    shutil.copytree(SHIPPED / "herne", folder)
    text = (folder / "profil.toml").read_text(encoding="utf-8")
    (folder / "profil.toml").write_text(text.replace('"Herne"', '"Stadt Herne"', 1), "utf-8")
    assert profile.load(str(folder)).name == "Stadt Herne"


def broken(tmp_path: Path, old: str, new: str, file: str = "profil.toml") -> str:
    """A copy of the Ennepe-Ruhr profile with one text replaced; its folder."""
    folder = tmp_path / "kaputt"
    shutil.copytree(SHIPPED / "ennepe-ruhr", folder, dirs_exist_ok=True)
    text = (folder / file).read_text(encoding="utf-8")
    assert old in text
    (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return str(folder)


# A topic of the Kreis's own, its mapping to the Land's list left to add.
OWN_TOPIC = '[[handlungsfelder]]\ncode = "sprache"\nname = "Sprache"\n'


@pytest.mark.parametrize(
    ("old", "new", "file", "said"),
    [
        ('art = "kreis"', 'art = "bezirk"', "profil.toml", "art muss"),
        ('code = "alleinerziehend"', 'code = "haustiere"', "profil.toml", "Zielgruppe „haustiere“"),
        ('staedte = ["05954036"]', 'staedte = ["05954099"]', "profil.toml", "unbekannte Gebiete"),
        ('einwohner_basis = "it_nrw_2019"', 'einwohner_basis = "2030"', "profil.toml", "2030"),
        ('name = "Ennepe-Ruhr-Kreis"', "name = Ennepe", "profil.toml", "nicht lesbar"),
        ("05954004,Breckerfeld", "05558004,Breckerfeld", "gebiete.csv", "Zeile 2"),
        (
            "[stellen]",
            '[[traeger]]\nid = "AWO"\nname = "AWO"\nstaedte = ["05954004"]\n\n[stellen]',
            "profil.toml",
            "Träger-Kennung „AWO“",
        ),
        (
            "[stellen]",
            f'{OWN_TOPIC}land = "kultur"\n\n[stellen]',
            "profil.toml",
            "land muss ein Handlungsfeld der Landesliste",
        ),
        (
            "[stellen]",
            f'{OWN_TOPIC}land = "bildung"\n\n[stellen]',
            "profil.toml",
            "es fehlen aufenthalt",
        ),
    ],
)
def test_a_broken_profile_is_refused_naming_file_and_cause(
    tmp_path: Path, old: str, new: str, file: str, said: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        profile.load(broken(tmp_path, old, new, file))
    message = str(caught.value)
    assert said in message and "kaputt" in message


def test_a_command_with_an_unknown_profile_says_so_in_one_german_line(kim: Kim) -> None:
    kim.home.mkdir()
    kim.profile = "nirgendwo"
    result = kim.run("status")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Kreisprofil „nirgendwo“ nicht gefunden" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_home_keeps_the_kreis_of_its_first_load(kim: Kim) -> None:
    assert kim.run("load").returncode == 0
    assert (kim.home / profile.HOME_MARK).read_text("utf-8") == "05954 Ennepe-Ruhr-Kreis\n"
    kim.profile = "herne"
    for command in (("status",), ("load",), ("build",)):
        result = kim.run(*command)
        assert result.returncode == 2, (command, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines() == [
            f"KIM_HOME {kim.home} enthält die Daten von Ennepe-Ruhr-Kreis (AGS 05954), "
            "KIM_PROFIL wählt aber Herne (AGS 05916000): Wählen Sie das Profil dieser Daten "
            "oder ein anderes KIM_HOME."
        ]
    kim.profile = ""
    assert kim.run("status").returncode == 0


@pytest.mark.parametrize(
    ("name", "ags", "quarantined"), [("coesfeld", "05558004", 0), ("ennepe-ruhr", "05954004", 1)]
)
def test_a_kreis_topic_loads_only_under_the_profile_that_names_it(
    kim: Kim, monkeypatch, name: str, ags: str, quarantined: int
) -> None:
    kim.profile = name
    monkeypatch.setenv("KIM_MAX_FEHLERANTEIL", "1")  # the refused row is the point
    faelle = f"fall_id;person_id;ags;fallbeginn;status\nF-000001;P-000001;{ags};03.02.2025;aktiv\n"
    topics = "fall_id;handlungsfeld;zielstatus\nF-000001;sprache;offen\nF-000001;arbeit;offen\n"
    (kim.exports / f"{ags}_2025-06-30_faelle.csv").write_text(faelle, "utf-8")
    (kim.exports / f"{ags}_2025-06-30_handlungsfelder.csv").write_text(topics, "utf-8")
    # a town's delivery becomes current with all four tables
    for table, header in (
        ("kontakte", "kontakt_id;fall_id;datum;art\n"),
        ("vermittlungen", "vermittlung_id;fall_id;datum;handlungsfeld;partner;ergebnis\n"),
    ):
        (kim.exports / f"{ags}_2025-06-30_{table}.csv").write_text(header, "utf-8")
    _, report = kim.load_json()
    (topic_file,) = [f for f in report["files"] if f["file"].endswith("handlungsfelder.csv")]
    assert topic_file["zeilen_quarantaene"] == quarantined
    loaded = {row[0] for row in kim.query("SELECT handlungsfeld FROM aktuell.handlungsfelder")}
    assert loaded == ({"arbeit"} if quarantined else {"arbeit", "sprache"})
    if quarantined:
        (message,) = topic_file["meldungen"]
        assert message.startswith("Zeile 2, Spalte handlungsfeld: unbekannter Code")
