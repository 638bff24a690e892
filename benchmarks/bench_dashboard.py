"""Dashboard benchmark: server time per callback and time until a page is rendered.

Generates, loads and builds sample data (default --scale 50), starts `kim serve` (waitress)
and opens every page in headless Debian Chromium, several times with different filters.
Server time per Dash callback comes from the `Server-Timing` header the app sets on every
response (read from the browser's resource timing); the render time is the time from
navigation start until the page heading is shown and no callback is pending. Baseline
measured in the same run: the server time of the shell layout request (`_dash-layout`),
which reads no data. Targets (issue "Dashboard"): callbacks under 300 ms p95, every page
rendered under 3 s. Prints figures only.

    .venv/bin/python benchmarks/bench_dashboard.py [--scale 50] [--wiederholungen 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options

USER, PASSWORD = "messung", "ein-langes-messpasswort"
PAGES = {
    "Überblick": "/",
    "Städte": "/staedte",
    "Stadt (Witten)": "/stadt/05954036",
    "Zielgruppen": "/zielgruppen",
    "Handlungsfelder": "/handlungsfelder",
    "Personal": "/personal",
    "Baustein III": "/baustein3",
    "Ziele": "/ziele",
    "Strukturthemen": "/strukturthemen",
    "Datenqualität": "/datenqualitaet",
    "Kennzahlen": "/kennzahlen",
    "Barrierefreiheit": "/barrierefreiheit",
}
# Filter variations opened in turn (the first one is the page's default view).
VIEWS = ("", "?zeitraum=2025", "?zeitraum=2025-Q2", "?zeitraum=2025-03&gebiet=05954036")
READY = """
    return document.querySelector('main h1') !== null
        && document.querySelector('._dash-loading') === null
        && document.querySelectorAll('[data-dash-is-loading="true"]').length === 0;
"""
TIMINGS = """
    return performance.getEntriesByType('resource')
        .filter(e => e.name.includes(arguments[0]))
        .map(e => (e.serverTiming.find(t => t.name === 'app') || {}).duration)
        .filter(d => d !== undefined);
"""


def kim(*args: str, env: dict[str, str]) -> None:
    """Run a kim command, failing loudly."""
    subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium() -> webdriver.Chrome:
    """Headless Debian Chromium without background network traffic."""
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--window-size=1400,1000",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(options=options)


def sign_in(driver: object, base: str) -> None:
    """Sign in once through the login form (the session cookie serves every page after)."""
    from selenium.webdriver.common.by import By

    driver.get(base + "/login")
    driver.find_element(By.ID, "name").send_keys(USER)
    driver.find_element(By.ID, "passwort").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    time.sleep(2)


def render(driver: webdriver.Chrome, url: str) -> tuple[float, list[float], list[float]]:
    """Open a URL; render time (ms), callback server times, layout server times."""
    driver.get(url)
    deadline = time.monotonic() + 60
    while not driver.execute_script(READY):
        if time.monotonic() > deadline:
            raise TimeoutError(url)
        time.sleep(0.02)
    rendered = driver.execute_script("return performance.now();")
    return (
        rendered,
        driver.execute_script(TIMINGS, "_dash-update-component"),
        driver.execute_script(TIMINGS, "_dash-layout"),
    )


def p95(values: list[float]) -> float:
    """95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    """Prepare data, serve, measure every page, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=50)
    parser.add_argument("--wiederholungen", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kim-dashboard-"))
    env = os.environ | {"KIM_HOME": str(work / "home"), "KIM_EXPORTS": str(work / "exports")}
    server = None
    driver = None
    try:
        kim("generate", "--out", str(work / "exports"), "--scale", str(args.scale), env=env)
        # `kim load` exits 1 when it quarantined rows (the sample data has some on purpose).
        subprocess.run([sys.executable, "-m", "cli", "load"], env=env, stdout=subprocess.DEVNULL)
        kim("build", env=env)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cli",
                "benutzer",
                "add",
                USER,
                "--rolle",
                "koordination",
                "--passwort-stdin",
            ],
            input=PASSWORD + "\n",
            env=env,
            text=True,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=2).close()
                break
            except OSError:
                time.sleep(0.3)
        driver = chromium()
        sign_in(driver, base)
        print(f"scale {args.scale:g}: {args.wiederholungen} rounds over {len(VIEWS)} filter views")
        print(
            f"{'page':<18} {'first render':>12} {'render p95':>11} {'callback p95':>13}"
            f" {'callback max':>13}"
        )
        all_callbacks: list[float] = []
        all_layouts: list[float] = []
        worst_render = 0.0
        for name, path in PAGES.items():
            renders: list[float] = []
            callbacks: list[float] = []
            first = None
            for _ in range(args.wiederholungen):
                for view in VIEWS:
                    took, server_times, layouts = render(driver, base + path + view)
                    first = took if first is None else first
                    renders.append(took)
                    callbacks += server_times
                    all_layouts += layouts
            all_callbacks += callbacks
            worst_render = max(worst_render, p95(renders))
            print(
                f"{name:<18} {first / 1000:>10.2f} s {p95(renders) / 1000:>9.2f} s"
                f" {p95(callbacks):>10.0f} ms {max(callbacks):>10.0f} ms"
            )
        baseline = statistics.median(all_layouts)
        print(
            f"all callbacks: n={len(all_callbacks)}, p95 {p95(all_callbacks):.0f} ms"
            f" (target < 300 ms), median {statistics.median(all_callbacks):.0f} ms"
        )
        print(f"slowest page render p95: {worst_render / 1000:.2f} s (target < 3 s)")
        print(
            f"baseline (shell layout request, no data): median {baseline:.1f} ms;"
            f" callback p95 = {p95(all_callbacks) / baseline:.0f}x baseline"
        )
    finally:
        if driver is not None:
            driver.quit()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
