"""Benchmark a signed-in lesson page against a bare Flask route, in the same run, under gunicorn.

    .venv/bin/python bench/lesson_page.py [--seconds 5] [--rounds 2] [--curricula DIR]

Makes a temporary instance with `academy demo` (ACADEMY_INSTANCE_PATH), serves the academy and the tiny
`bare_app` below with gunicorn (2 sync workers each), signs in as the demo trainee, drives both with wrk and
prints requests per second and the ratio (target >= 0.6x); the academy's /healthz is measured too, to show
how much of the gap is the app's fixed cost per request rather than the lesson page, and so is the same reader
going from lesson to lesson (each page then records "continue where you left off", a write). Also prints the time to
load and render all curricula (target < 0.3 s) and the resident memory of one academy worker after serving
(target < 150 MB).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from _server import ROOT, free_port, run_wrk, start_gunicorn, stop, wait_ready
from flask import Flask

BIN = Path(sys.executable).parent
TARGET_RATIO, TARGET_LOAD, TARGET_RSS_MB = 0.6, 0.3, 150
DEMO_EMAIL, DEMO_PASSWORD = "trainee@demo.academy", "demo-password-1"
MOVING = "lessons, moving on"
# One browser: Flask-Login ties a session to its user agent, and a cookie replayed under another agent is treated
# as a new, non-fresh session on every request (rewritten and re-sent each time), which no real reader sees.
USER_AGENT = "academy-bench/1"

bare_app = Flask(__name__)


@bare_app.get("/")
def bare():
    """The baseline: a route that does nothing."""
    return "ok"


def make_instance(instance: Path, env: dict) -> None:
    """Run `academy demo`; without migration files yet (the lead adds them), create the schema first."""
    instance.mkdir(parents=True)
    (instance / "config.py").write_text(f"SECRET_KEY = {secrets.token_urlsafe(32)!r}\n")
    if not any((ROOT / "academy" / "migrations" / "versions").glob("*.py")):
        print("note: no migration files yet; creating the schema with create_all before `academy demo`")
        code = ("from academy import create_app; from academy.extensions import db; import academy.models\n"
                "app = create_app()\nwith app.app_context(): db.create_all()")
        run_quietly([sys.executable, "-c", code], env)
    run_quietly([str(BIN / "academy"), "demo"], env)


def run_quietly(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"{command[0]} failed:\n{done.stderr[-3000:]}")


def sign_in(base: str) -> str:
    """Sign in as the demo trainee through the login form; return the session cookie's value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"{base}/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"csrf_token": token, "email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    body = urllib.parse.urlencode(form).encode()
    opener.open(f"{base}/login", data=body, timeout=10).read()
    session = next((c.value for c in jar if c.name == "session"), None)
    if session is None:
        raise SystemExit("could not sign in as the demo trainee")
    return session


def check_page(url: str, cookie: str, expect: str) -> None:
    """Fetch the page once (this also records it as the last lesson) and make sure it is the lesson."""
    request = urllib.request.Request(url, headers={"Cookie": f"session={cookie}", "User-Agent": USER_AGENT})  # noqa: S310 (local)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (local bench server)
        html = response.read().decode()
        if response.status != 200 or response.url != url or expect not in html:
            raise SystemExit(f"{url} did not answer with the lesson (status {response.status})")
        if response.headers.get("Set-Cookie"):
            raise SystemExit("the lesson page rewrote the session cookie: the run would not measure a steady reader")
    print(f"lesson page: {len(html) / 1024:.0f} KiB of HTML")


def wrk(url: str, seconds: int, cookie: str | None = None, script: Path | None = None) -> float:
    """Run wrk on url (as the signed-in reader when a session cookie is given, with a request script when given);
    return requests per second."""
    options = ["-H", f"Cookie: session={cookie}", "-H", f"User-Agent: {USER_AGENT}"] if cookie else []
    return run_wrk(url, seconds, options + (["-s", str(script)] if script else []))


def measure(routes: dict, seconds: int, rounds: int) -> dict[str, float]:
    """Interleave the routes round by round (so drift hits each alike); return the median rps of each.

    routes maps a name to (url, session cookie or None, wrk script or None).
    """
    for route in routes.values():
        wrk(route[0], 2, *route[1:])  # warm-up
    figures: dict[str, list[float]] = {name: [] for name in routes}
    for _ in range(rounds):
        for name, route in routes.items():
            figures[name].append(wrk(route[0], seconds, *route[1:]))
    return {name: statistics.median(values) for name, values in figures.items()}


def moving_script(paths: list[str], folder: Path) -> Path:
    """A wrk script that asks for each lesson in turn: every request moves "continue where you left off" (a write)."""
    script = folder / "moving.lua"
    listed = ", ".join(f'"{path}"' for path in paths)
    script.write_text(f"local paths = {{{listed}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n"
                      "  return wrk.format(nil, paths[(i % #paths) + 1])\nend\n")
    return script


def load_times(curricula: Path) -> tuple[float, float]:
    """Return (first load in a fresh process, best of three later loads) of all curricula, in seconds."""
    code = ("import sys, time\nfrom academy.curriculum import load_curriculum\ntimes = []\n"
            "for _ in range(4):\n    began = time.perf_counter(); load_curriculum(sys.argv[1])\n"
            "    times.append(time.perf_counter() - began)\nprint(times[0], min(times[1:]))")
    out = subprocess.run([sys.executable, "-c", code, str(curricula)], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    return float(out[0]), float(out[1])


def worker_rss_mb(master_pid: int) -> float:
    """Return the largest resident set of the gunicorn master's workers, in MB."""
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master_pid:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return max(sizes) if sizes else float("nan")


def lesson_paths(curricula: Path) -> tuple[str, str, list[str]]:
    """A middle lesson of the foundation course (its path and title), and the paths of all its lessons."""
    sys.path.insert(0, str(ROOT))
    from academy.curriculum import load_curriculum

    course = load_curriculum(str(curricula)).courses["foundation"]
    lesson = course.lessons[min(2, len(course.lessons) - 1)]
    paths = [f"/courses/{course.slug}/lessons/{each.slug}" for each in course.lessons]
    return f"/courses/{course.slug}/lessons/{lesson.slug}", lesson.title, paths


def report(rps: dict[str, float], load: tuple[float, float], rss: float) -> None:
    for name, value in rps.items():
        print(f"  {name:<22} {value:9.1f} req/s")
    ratio = rps["lesson page"] / rps["bare Flask route"]
    print(f"lesson page / bare Flask = {ratio:.2f}x  (target >= {TARGET_RATIO}x: "
          f"{'met' if ratio >= TARGET_RATIO else 'MISSED'})")
    print(f"  (the academy's floor, /healthz with one SELECT and no template: "
          f"{rps['academy /healthz'] / rps['bare Flask route']:.2f}x of bare Flask)")
    print(f"  (a reader moving from lesson to lesson, a write on each page: "
          f"{rps[MOVING] / rps['bare Flask route']:.2f}x of bare Flask)")
    print(f"load + render all curricula: {load[0]:.3f} s in a fresh process, {load[1]:.3f} s after "
          f"(target < {TARGET_LOAD} s: {'met' if load[0] < TARGET_LOAD else 'MISSED'})")
    print(f"one academy worker's RSS after serving: {rss:.0f} MB  (target < {TARGET_RSS_MB} MB: "
          f"{'met' if rss < TARGET_RSS_MB else 'MISSED'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--curricula", type=Path, default=ROOT / "curricula")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="academy-bench-"))
    env = {**os.environ, "ACADEMY_INSTANCE_PATH": str(tmp / "instance"),
           "ACADEMY_CURRICULA": str(args.curricula.resolve())}
    env.pop("DATABASE_URL", None)
    print("making a demo instance with `academy demo` ...", flush=True)
    make_instance(tmp / "instance", env)
    app_port, base_port = free_port(), free_port()
    servers = [start_gunicorn(["-b", f"127.0.0.1:{app_port}", "academy:create_app()"], env),
               start_gunicorn(["-b", f"127.0.0.1:{base_port}", "--chdir", str(ROOT / "bench"),
                               "lesson_page:bare_app"], env)]
    try:
        app, base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{base_port}"
        wait_ready(f"{app}/healthz")
        wait_ready(f"{base}/")
        path, title, paths = lesson_paths(args.curricula)
        cookie = sign_in(app)
        check_page(app + path, cookie, title)
        print(f"wrk -t1 -c4, {args.rounds} rounds x {args.seconds}s per route, gunicorn 2 sync workers each, "
              f"{os.cpu_count()} CPU(s); lesson {path} signed in as {DEMO_EMAIL}", flush=True)
        routes = {"bare Flask route": (f"{base}/", None, None), "academy /healthz": (f"{app}/healthz", None, None),
                  "lesson page": (app + path, cookie, None), MOVING: (app + path, cookie, moving_script(paths, tmp))}
        rps = measure(routes, args.seconds, args.rounds)
        report(rps, load_times(args.curricula), worker_rss_mb(servers[0].pid))
    finally:
        stop(servers)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
