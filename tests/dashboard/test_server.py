"""`kim serve` and `kim demo`: a production WSGI server, German page, only local assets."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from tests.dashboard.conftest import PASSWORD, USER, free_port, open_page, spawn


def test_every_resource_the_browser_loads_comes_from_the_server(server, browser):
    open_page(browser, server + "/")
    urls = browser.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);"
    )
    assert urls, "no resources recorded"
    foreign = [u for u in urls if not u.startswith(server)]
    assert foreign == []
    assert browser.driver.execute_script("return document.documentElement.lang") == "de"


def signed_in_get(server: str, path: str) -> str:
    """Sign in through the login form with urllib (cookies by hand), then GET a path."""
    with urllib.request.urlopen(server + "/login") as response:
        cookie = response.headers["Set-Cookie"].split(";")[0]
        token = re.search(r'name="csrf" value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode(
        {"csrf": token, "name": USER, "passwort": PASSWORD, "weiter": path}
    )
    request = urllib.request.Request(
        server + "/login", data=form.encode(), headers={"Cookie": cookie}, method="POST"
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302, redirect.code
        cookie = next(
            c.split(";")[0]
            for c in redirect.headers.get_all("Set-Cookie")
            if c.startswith("kim_sitzung_")
        )
    page = urllib.request.Request(server + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(page) as response:
        assert response.headers.get("Server") == "KIM Monitor"
        return response.read().decode("utf-8")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep a redirect as response (to read its cookie)."""

    def redirect_request(self, *args, **kwargs):
        return None


def test_index_page_is_german_and_references_no_other_host(server):
    html = signed_in_get(server, "/")
    assert '<html lang="de">' in html
    assert "Wird geladen" in html and "Loading..." not in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources


def test_demo_loads_builds_and_ends_serving_the_dashboard(kim):
    port = free_port()
    process = spawn("demo", port, kim.env)
    try:
        deadline = time.monotonic() + 600
        status = None
        while status != 200:
            assert process.poll() is None, process.stdout.read()
            assert time.monotonic() < deadline, "demo did not start serving"
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/login", timeout=2
                ) as response:
                    status = response.status
            except OSError:
                time.sleep(1)
        assert (kim.home / "kim.duckdb").exists()
        # Without signing in with the printed demo account nothing but the login page opens.
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/ziele", headers={"Accept": "text/html"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200 and "/login" in response.url
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert f"http://127.0.0.1:{port}/" in output
    assert "Build" in output and "veröffentlicht" in output
    assert "Demo-Zugang: Benutzer „demo“, Passwort „" in output


def test_the_server_holds_no_connection_between_requests(server, browser, published):
    open_page(browser, server + "/personal?zeitraum=2025")
    # A writer (another process) can open the published file: no reader kept it open.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; duckdb.connect(sys.argv[1]).close()",
            str(published.home / "kim.duckdb"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
