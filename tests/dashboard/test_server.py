"""`kim serve` and `kim demo`: a production WSGI server, German page, only local assets."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request

from tests.dashboard.conftest import free_port, open_page, spawn


def test_every_resource_the_browser_loads_comes_from_the_server(server, browser):
    open_page(browser, server + "/")
    urls = browser.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);"
    )
    assert urls, "no resources recorded"
    foreign = [u for u in urls if not u.startswith(server)]
    assert foreign == []
    assert browser.driver.execute_script("return document.documentElement.lang") == "de"


def test_index_page_is_german_and_references_no_other_host(server):
    with urllib.request.urlopen(server + "/") as response:
        html = response.read().decode("utf-8")
        assert response.headers.get("Server") == "KIM Monitor"
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
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    status = response.status
            except OSError:
                time.sleep(1)
        assert (kim.home / "kim.duckdb").exists()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ziele", timeout=5) as response:
            assert response.status == 200
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert f"http://127.0.0.1:{port}/" in output
    assert "Build" in output and "veröffentlicht" in output


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
