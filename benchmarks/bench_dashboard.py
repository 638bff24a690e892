"""Dashboard benchmark: server time per callback and time until a page is rendered.

Generates, loads and builds sample data (default --scale 50), starts `kim serve` (waitress)
and opens every page in headless Debian Chromium, several times with different filters.
Server time per Dash callback comes from the `Server-Timing` header the app sets on every
response (read from the browser's resource timing); the render time is the time from
navigation start until the page heading is shown and no callback is pending. Baseline
measured in the same run: the server time of the shell layout request (`_dash-layout`),
which reads no data. Targets (issue "Dashboard"): callbacks under 300 ms p95, every page
rendered under 3 s. Prints figures only.

Concurrent mode (--sitzungen N, default 20; issue "Performance": callbacks p95 under 100 ms
with 20 signed-in sessions, every page rendered under 1 s): the browser's callback requests
of every page and view are recorded (Chromium's network log) and N sessions, each signed in
through the login form, replay them at the same time for --runden rounds, view by view:
a view's callbacks one after the other, then --denkzeit seconds (default 1; a reader
looks at a page far longer) before the next view; each round also asks for the shell
layout (the no-data baseline under the same load). Printed: p50, p95 and p99 of the server
time (`Server-Timing`) and of the time the client waited.

    .venv/bin/python benchmarks/bench_dashboard.py [--scale 50] [--wiederholungen 5]
        [--sitzungen 20] [--runden 3] [--denkzeit 1]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
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
    # The network log holds each callback request's body, for the concurrent replay.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
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


def percentile(values: list[float], share: float) -> float:
    """Percentile (nearest rank), `share` between 0 and 1."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def p95(values: list[float]) -> float:
    """95th percentile (nearest rank)."""
    return percentile(values, 0.95)


def recorded_callbacks(driver: webdriver.Chrome) -> list[str]:
    """Bodies of the callback requests the browser sent since the last call."""
    bodies = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.requestWillBeSent":
            continue
        request = message["params"]["request"]
        if "_dash-update-component" in request["url"] and "postData" in request:
            bodies.append(request["postData"])
    return bodies


def signed_in_session(base: str) -> requests.Session:
    """A client session signed in through the login form, with the CSRF header Dash sends."""
    session = requests.Session()

    def send_cookies() -> None:
        # The cookies are `Secure`; a browser sends them to a loopback address over plain
        # HTTP, requests does not: hand them over as the browser would.
        session.headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in session.cookies)

    form = session.get(base + "/login", timeout=30).text
    send_cookies()
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    answer = session.post(
        base + "/login",
        data={"name": USER, "passwort": PASSWORD, "csrf": token},
        timeout=30,
        allow_redirects=False,
    )
    if answer.status_code != 303 and answer.status_code != 302:
        raise RuntimeError(f"sign-in answered {answer.status_code}: {answer.text[:200]}")
    send_cookies()
    session.get(base + "/", timeout=30)  # hands out the CSRF cookie
    send_cookies()
    csrf = next(value for name, value in session.cookies.items() if name.startswith("kim_csrf"))
    session.headers.update({"X-CSRFToken": csrf, "Content-Type": "application/json"})
    return session


def server_ms(response: requests.Response) -> float:
    """The app's own time from the `Server-Timing` header."""
    return float(response.headers["Server-Timing"].split("dur=")[1])


def replay(
    session: requests.Session, base: str, views: list[list[str]], rounds: int, pause: float
) -> tuple[list[float], list[float], list[float], list[float]]:
    """Send the recorded callbacks view by view `rounds` times, pausing between views;
    server and client times of the callbacks and of the baseline layout requests (ms)."""
    served, waited, layout_served, layout_waited = [], [], [], []

    def timed(method: str, path: str, body: str | None = None) -> tuple[float, float]:
        started = time.perf_counter()
        response = session.request(method, base + path, data=body, timeout=60)
        took = 1000 * (time.perf_counter() - started)
        if response.status_code not in (200, 204):
            raise RuntimeError(f"{path} answered {response.status_code}: {(body or '')[:200]}")
        return server_ms(response), took

    for _ in range(rounds):
        for view in views:
            time.sleep(pause)  # the reader looks at the last view before opening the next
            for body in view:
                server, client = timed("POST", "/_dash-update-component", body)
                served.append(server)
                waited.append(client)
        server, client = timed("GET", "/_dash-layout")
        layout_served.append(server)
        layout_waited.append(client)
    return served, waited, layout_served, layout_waited


def concurrent(base: str, views: list[list[str]], sessions: int, rounds: int, pause: float) -> None:
    """Replay the recorded callbacks from `sessions` signed-in sessions at once; print."""
    clients = [signed_in_session(base) for _ in range(sessions)]
    with ThreadPoolExecutor(sessions) as pool:
        results = list(pool.map(lambda c: replay(c, base, views, rounds, pause), clients))
    served, waited, layout_served, layout_waited = (
        [value for result in results for value in result[i]] for i in range(4)
    )

    def spread(values: list[float]) -> str:
        shares = (0.5, 0.95, 0.99)
        return ", ".join(f"p{round(100 * s)} {percentile(values, s):.0f}" for s in shares)

    print(
        f"{sessions} sessions at once, {rounds} rounds of {len(views)} views with "
        f"{sum(map(len, views))} recorded callbacks, {pause:g} s between views "
        f"(n={len(served)}):"
    )
    print(f"  callbacks, server time ms: {spread(served)} (target p95 < 100 ms)")
    print(f"  callbacks, client waited ms: {spread(waited)}")
    print(f"  baseline layout request, server time ms: {spread(layout_served)}")
    print(f"  baseline layout request, client waited ms: {spread(layout_waited)}")
    print(
        f"  callback p95 = {percentile(served, 0.95) / percentile(layout_served, 0.95):.1f}x "
        "the baseline's p95 (server time)"
    )


def main() -> None:
    """Prepare data, serve, measure every page, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=50)
    parser.add_argument("--wiederholungen", type=int, default=5)
    parser.add_argument("--sitzungen", type=int, default=20, help="0: no concurrent mode")
    parser.add_argument("--runden", type=int, default=3, help="replay rounds per session")
    parser.add_argument("--denkzeit", type=float, default=1.0, help="seconds between views")
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
        views: list[list[str]] = []
        worst_render = 0.0
        for name, path in PAGES.items():
            renders: list[float] = []
            callbacks: list[float] = []
            first = None
            for repetition in range(args.wiederholungen):
                for view in VIEWS:
                    took, server_times, layouts = render(driver, base + path + view)
                    recorded = recorded_callbacks(driver)  # read on every view: it drains
                    if repetition == 0:
                        views.append(recorded)
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
        if args.sitzungen:
            concurrent(base, views, args.sitzungen, args.runden, args.denkzeit)
    finally:
        if driver is not None:
            driver.quit()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
