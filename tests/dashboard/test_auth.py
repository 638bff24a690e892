"""Sign-in: every route needs a session, CSRF on callbacks, logout, idle timeout, throttling,
single sign-on by header, and `kim serve` refusing unsafe set-ups."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pytest

from tests.conftest import Kim
from tests.dashboard.conftest import (
    PASSWORD,
    Client,
    add_account,
    free_port,
    serving,
    spawn,
)

USER = "anna"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory) -> Iterator[tuple[Kim, str]]:
    """An installation with one account (no data needed) served with short time limits."""
    root = tmp_path_factory.mktemp("anmeldung")
    kim = Kim(home=root / "home", exports=root / "exports")
    kim.exports.mkdir()
    add_account(kim, USER, "koordination")
    env = kim.env | {"KIM_LEERLAUF_MINUTEN": "0.05", "KIM_MAX_FEHLVERSUCHE": "3"}
    with serving(env) as url:
        yield kim, url


def audit(kim: Kim) -> list[dict]:
    """The audit trail."""
    return json.loads(kim.run("audit", "--json", check=True).stdout)


def test_every_route_without_a_session_is_refused(guarded):
    _kim, url = guarded
    client = Client(url)
    status, location, _ = client.request("/ziele?zeitraum=2025", Accept="text/html")
    assert status == 302 and location.startswith("/login?weiter=/ziele")
    for path in ("/", "/_dash-layout", "/_dash-dependencies", "/assets/dropdown_a11y.js"):
        assert client.request(path)[0] == 401, path
    update = json.dumps({"output": "x", "inputs": [], "changedPropIds": []}).encode()
    assert client.request("/_dash-update-component", update)[0] == 401
    assert client.request("/logout", b"")[0] == 401
    status, _, page = client.request("/login", Accept="text/html")
    assert status == 200 and '<html lang="de">' in page and "Anmelden" in page


def test_sign_in_csrf_and_logout(guarded):
    kim, url = guarded
    client = Client(url)
    status, _, page = client.sign_in(USER, password="falsch-falsch-falsch")
    assert status == 401 and "Benutzername oder Passwort ist falsch" in page
    status, location, _ = client.sign_in(USER)
    assert status == 302 and location == "/"
    session = next(k for k in client.cookies if k.startswith("kim_sitzung_"))
    assert client.request("/_dash-layout")[0] == 200
    update = json.dumps({"output": "x", "inputs": [], "changedPropIds": []}).encode()
    json_type = {"Content-Type": "application/json"}
    assert client.request("/_dash-update-component", update, **json_type)[0] == 403
    with_token = client.request(
        "/_dash-update-component", update, **json_type, **{"X-CSRFToken": client.csrf}
    )
    assert with_token[0] not in (401, 403)
    assert client.request("/logout", {"csrf": "falsch"})[0] == 403
    old = dict(client.cookies)
    status, location, _ = client.request("/logout", {"csrf": client.csrf})
    assert status == 302 and location == "/login?abgemeldet=1"
    replay = Client(url)
    replay.cookies = old  # the cookie of the ended session, sent again
    assert replay.request("/_dash-layout")[0] == 401
    assert session in old
    actions = [(e["benutzer"], e["aktion"]) for e in audit(kim)]
    assert ("anna", "anmeldung_fehlgeschlagen") in actions
    assert actions.index(("anna", "anmeldung")) < actions.index(("anna", "abmeldung"))


def test_idle_session_expires(guarded):
    _kim, url = guarded
    client = Client(url)
    assert client.sign_in(USER)[0] == 302
    assert client.request("/_dash-layout")[0] == 200
    time.sleep(4)
    status, location, _ = client.request("/ziele", Accept="text/html")
    assert status == 302 and location.startswith("/login")


def test_open_redirects_are_not_followed(guarded):
    _kim, url = guarded
    client = Client(url)
    _, _, page = client.request("/login?weiter=//boese.example/", Accept="text/html")
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = {"csrf": token, "name": USER, "passwort": PASSWORD, "weiter": "//boese.example/"}
    status, location, _ = client.request("/login", form)
    assert status == 302 and location == "/"


def test_repeated_failures_lock_the_name_even_for_the_right_password(guarded):
    kim, url = guarded
    add_account(kim, "bert", "leitung")
    client = Client(url)
    for _ in range(3):
        assert client.sign_in("bert", "nicht-das-passwort")[0] == 401
    status, _, page = client.sign_in("bert", PASSWORD)
    assert status == 429 and "Zu viele Fehlversuche" in page
    assert ("bert", "anmeldung_gesperrt") in [(e["benutzer"], e["aktion"]) for e in audit(kim)]


def test_header_mode_takes_the_user_from_the_web_server(tmp_path):
    kim = Kim(home=tmp_path / "home", exports=tmp_path / "exports")
    kim.exports.mkdir()
    add_account(kim, USER, "leitung")
    env = kim.env | {"KIM_AUTH": "header", "KIM_AUTH_HEADER": "X-Remote-User"}
    with serving(env) as url:
        client = Client(url)
        assert client.request("/_dash-layout")[0] == 401
        assert client.request("/_dash-layout", **{"X-Remote-User": "mallory"})[0] == 403
        assert client.request("/_dash-layout", **{"X-Remote-User": USER})[0] == 200
        # Callbacks need the CSRF token in header mode too (Kerberos is sent cross-site).
        update = json.dumps({"output": "x", "inputs": [], "changedPropIds": []}).encode()
        head = {"X-Remote-User": USER, "Content-Type": "application/json"}
        assert client.request("/_dash-update-component", update, **head)[0] == 403
        signed = client.request(
            "/_dash-update-component", update, **head, **{"X-CSRFToken": client.csrf}
        )
        assert signed[0] not in (401, 403)


def test_serve_refuses_without_accounts_and_demo_accounts_off_loopback(tmp_path):
    kim = Kim(home=tmp_path / "home", exports=tmp_path / "exports")
    kim.exports.mkdir()
    refused = kim.run("serve", "--port", str(free_port()), timeout=60)
    assert refused.returncode == 1 and "noch kein Benutzerkonto" in refused.stderr
    from accounts import users
    from warehouse.settings import Settings

    users.add(
        Settings(home=kim.home, exports=kim.exports),
        "demo",
        "koordination",
        PASSWORD,
        demo=True,
        by="test",
    )
    public = kim.run("serve", "--host", "0.0.0.0", "--port", str(free_port()), timeout=60)
    assert public.returncode == 1 and "Demo-Konto" in public.stderr
    process = spawn("serve", free_port(), kim.env)
    try:
        time.sleep(1)
        assert process.poll() is None  # on loopback the demo account may serve
    finally:
        process.terminate()
        process.wait(timeout=10)
