"""Benchmark the signed-in lesson page, the public verify page and the verify API against an idiomatic Flask app.

    .venv/bin/python bench/pages.py [--seconds 5] [--rounds 2]

Makes a temporary instance with `academy demo`, serves the academy and bench/baseline_app.py (the same work
done the plain way: Flask-Login, one query, a Jinja page of the same size with a CSRF token; a public page and a
JSON route with one indexed SELECT; and, for comparison only, a page doing all the verify page's work the plain
way) with gunicorn, 2 sync workers each, on the same SQLite database, drives each
pair with wrk in interleaved rounds and prints requests per second and the ratios from the same run. Targets:
lesson page and verify page >= 0.7x their baseline, the JSON verify API >= 0.8x the one-SELECT JSON route, one
academy worker's RSS < 120 MB. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from _server import ROOT, free_port, run_wrk, start_gunicorn, stop, wait_ready

BIN = Path(sys.executable).parent
PAGE_TARGET, API_TARGET, TARGET_RSS_MB = 0.7, 0.8, 120
DEMO_EMAIL, DEMO_PASSWORD = "trainee@demo.academy", "demo-password-1"
USER_AGENT = "academy-bench/1"  # one browser: Flask-Login's session protection ties a session to its agent


def make_instance(instance: Path, env: dict) -> None:
    """Run `academy demo` in a new instance whose verify limit does not stop a benchmark from one address."""
    instance.mkdir(parents=True)
    (instance / "config.py").write_text(f"SECRET_KEY = {secrets.token_urlsafe(32)!r}\n"
                                        "ACADEMY_VERIFY_RATE_LIMIT = '1000000 per minute'\n")
    done = subprocess.run([str(BIN / "academy"), "demo"], env=env, capture_output=True, text=True, timeout=600,
                          cwd=ROOT)
    if done.returncode:
        raise SystemExit(f"academy demo failed:\n{done.stderr[-3000:]}")


def opener_for() -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    return opener, jar


def session_cookie(jar: http.cookiejar.CookieJar) -> str:
    value = next((c.value for c in jar if c.name == "session"), None)
    if value is None:
        raise SystemExit("could not sign in")
    return value


def sign_in(base: str) -> str:
    """Sign in as the demo trainee through the academy's login form; return the session cookie."""
    opener, jar = opener_for()
    page = opener.open(f"{base}/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": DEMO_EMAIL, "password": DEMO_PASSWORD}).encode()
    opener.open(f"{base}/login", data=body, timeout=10).read()
    return session_cookie(jar)


def baseline_sign_in(base: str, user_id: int) -> str:
    opener, jar = opener_for()
    opener.open(f"{base}/bench-login/{user_id}", timeout=10).read()
    return session_cookie(jar)


def fetch(url: str, cookie: str | None = None) -> str:
    """GET a page once; refuse anything but a 200 that keeps the session cookie as it is."""
    headers = {"User-Agent": USER_AGENT, **({"Cookie": f"session={cookie}"} if cookie else {})}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (local bench server)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (local bench server)
        if response.status != 200 or response.url != url:
            raise SystemExit(f"{url} answered {response.status} at {response.url}")
        if cookie and response.headers.get("Set-Cookie"):
            raise SystemExit(f"{url} rewrote the session cookie: the run would not measure a steady reader")
        return response.read().decode()


def demo_facts(instance: Path) -> tuple[int, str, str]:
    """The demo trainee's id, a certificate's code, and a lesson of the foundation course (from the database)."""
    with sqlite3.connect(instance / "academy.sqlite3") as conn:
        user_id = conn.execute("SELECT id FROM user WHERE email = ?", (DEMO_EMAIL,)).fetchone()[0]
        code = conn.execute("SELECT code FROM certificate ORDER BY id LIMIT 1").fetchone()[0]
    sys.path.insert(0, str(ROOT))
    from academy.curriculum import load_curriculum

    course = load_curriculum(str(ROOT / "curricula")).courses["foundation"]
    lesson = course.lessons[min(2, len(course.lessons) - 1)]
    return user_id, code, f"/courses/{course.slug}/lessons/{lesson.slug}"


def grouped(code: str) -> str:
    data, check = code[:16], code[16:]
    return "-".join(data[i : i + 4] for i in range(0, 16, 4)) + f"-{check}"


def wrk(url: str, seconds: int, cookie: str | None) -> float:
    options = ["-H", f"User-Agent: {USER_AGENT}"] + (["-H", f"Cookie: session={cookie}"] if cookie else [])
    return run_wrk(url, seconds, options)


def measure(routes: dict, seconds: int, rounds: int) -> dict[str, list[float]]:
    """Interleave the routes round by round (drift on a shared machine then hits each alike)."""
    for url, cookie in routes.values():
        wrk(url, 1, cookie)  # warm-up
    figures: dict[str, list[float]] = {name: [] for name in routes}
    for _ in range(rounds):
        for name, (url, cookie) in routes.items():
            figures[name].append(wrk(url, seconds, cookie))
    return figures


def worker_rss_mb(master_pid: int) -> float:
    """The largest resident set of the gunicorn master's workers, in MB."""
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


PAIRS = (("lesson page (signed in)", "baseline page (signed in)", PAGE_TARGET),
         ("verify page", "baseline public page", PAGE_TARGET),
         ("verify API (JSON)", "baseline one-SELECT JSON", API_TARGET))
# No target: the plain-Flask page doing the verify page's whole work (limit, audit line, translations, form,
# headers, ETag) shows how much of the gap to the one-SELECT page is that work rather than the academy's code.
INFORMATIONAL = (("verify page", "baseline verify work"),)


def report(figures: dict[str, list[float]], rss: float) -> bool:
    met = True
    for name, values in figures.items():
        print(f"  {name:<28} {statistics.median(values):9.1f} req/s  (rounds: "
              f"{', '.join(f'{v:.0f}' for v in values)})")
    for academy, baseline, target in PAIRS:
        ratios = [a / b for a, b in zip(figures[academy], figures[baseline], strict=True)]
        ratio = statistics.median(ratios)
        met = met and ratio >= target
        print(f"{academy} / {baseline} = {ratio:.2f}x  (target >= {target}x: "
              f"{'met' if ratio >= target else 'MISSED'})")
    for academy, baseline in INFORMATIONAL:
        ratios = [a / b for a, b in zip(figures[academy], figures[baseline], strict=True)]
        print(f"{academy} / {baseline} = {statistics.median(ratios):.2f}x  (no target)")
    print(f"one academy worker's RSS after serving: {rss:.0f} MB  (target < {TARGET_RSS_MB} MB: "
          f"{'met' if rss < TARGET_RSS_MB else 'MISSED'})")
    return met and rss < TARGET_RSS_MB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="academy-bench-"))
    instance = tmp / "instance"
    env = {**os.environ, "ACADEMY_INSTANCE_PATH": str(instance), "ACADEMY_CURRICULA": str(ROOT / "curricula")}
    env.pop("DATABASE_URL", None)
    env.pop("ACADEMY_SERVED_URL", None)
    print("making a demo instance with `academy demo` ...", flush=True)
    make_instance(instance, env)
    user_id, code, lesson = demo_facts(instance)
    app_port, base_port = free_port(), free_port()
    servers = [start_gunicorn(["-b", f"127.0.0.1:{app_port}", "academy:create_app()"], env)]
    try:
        app = f"http://127.0.0.1:{app_port}"
        wait_ready(f"{app}/healthz")
        cookie = sign_in(app)
        lesson_html = fetch(app + lesson, cookie)
        verify_html = fetch(f"{app}/verify/{grouped(code)}")
        print(f"lesson page {len(lesson_html) / 1024:.1f} KiB, verify page {len(verify_html) / 1024:.1f} KiB")
        base_env = {**env, "DATABASE_URL": f"sqlite:///{instance / 'academy.sqlite3'}",
                    "BASELINE_PAGE_BYTES": str(len(lesson_html.encode())),
                    "BASELINE_PUBLIC_BYTES": str(len(verify_html.encode()))}
        servers.append(start_gunicorn(["-b", f"127.0.0.1:{base_port}", "--chdir", str(ROOT / "bench"),
                                       "baseline_app:app"], base_env))
        base = f"http://127.0.0.1:{base_port}"
        wait_ready(f"{base}/bare")
        base_cookie = baseline_sign_in(base, user_id)
        page, public = fetch(f"{base}/page", base_cookie), fetch(f"{base}/public/{code}")
        fetch(f"{base}/checked/{code}")
        print(f"baseline page {len(page) / 1024:.1f} KiB, baseline public page {len(public) / 1024:.1f} KiB")
        routes = {
            "lesson page (signed in)": (app + lesson, cookie),
            "baseline page (signed in)": (f"{base}/page", base_cookie),
            "verify page": (f"{app}/verify/{grouped(code)}", None),
            "baseline public page": (f"{base}/public/{code}", None),
            "baseline verify work": (f"{base}/checked/{code}", None),
            "verify API (JSON)": (f"{app}/api/v1/certificates/{grouped(code)}", None),
            "baseline one-SELECT JSON": (f"{base}/select/{code}", None),
        }
        print(f"wrk -t1 -c4, {args.rounds} rounds x {args.seconds}s per route, gunicorn 2 sync workers each, "
              f"{os.cpu_count()} CPU(s) shared with whatever else runs on this machine", flush=True)
        met = report(measure(routes, args.seconds, args.rounds), worker_rss_mb(servers[0].pid))
    finally:
        stop(servers)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
