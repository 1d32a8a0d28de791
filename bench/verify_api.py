"""Benchmark the verify API against a bare Flask route and a one-SELECT route, same run, under gunicorn.

    .venv/bin/python bench/verify_api.py [--certificates 10000] [--seconds 5] [--rounds 3] [--database-url U]

Builds a temporary database with ~10k certificates, serves the academy and bench/baseline_app.py by gunicorn
(2 sync workers each), drives each route with wrk, and prints requests per second and the ratios. Target: the
verify API at >= 0.9x the one-SELECT route. Also times bulk verification of 1,000 codes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

from _server import ROOT, free_port, run_wrk, start_gunicorn, stop, wait_ready

sys.path.insert(0, str(ROOT))
TARGET = 0.9


def build_database(url: str, instance: Path, count: int) -> list[str]:
    """Create the schema and ~count certificates (bulk inserts); return their canonical codes."""
    from sqlalchemy import insert

    from academy import create_app
    from academy.accounts.models import User
    from academy.certificates import codes, service
    from academy.certificates.models import Certificate
    from academy.database import utcnow
    from academy.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench"})
    with app.app_context():
        import academy.models  # noqa: F401

        db.drop_all()
        db.create_all()  # a throw-away benchmark database; the app itself uses migrations
        service.init_keys(app)
        now = utcnow()
        users = [
            {
                "email": f"user{i}@bench.example",
                "name": f"Bench Person {i}",
                "role": "trainee",
                "credential_salt": secrets.token_hex(16),
                "created_at": now,
            }
            for i in range(200)
        ]
        db.session.execute(insert(User), users)
        user_ids = list(db.session.scalars(db.select(User.id)))
        indexes = random.sample(range(131_072), count)
        rows, keys = [], []
        for i in range(count):
            key = codes.canonical(codes.new_code())
            keys.append(key)
            issued = now - timedelta(days=random.randint(0, 1500))
            rows.append(
                {
                    "code": key,
                    "user_id": random.choice(user_ids),
                    "holder_name": "Bench Person",
                    "course_slug": "foundation",
                    "course_title": "Foundation",
                    "sector": "foundation",
                    "version": "bench",
                    "hours": 1.5,
                    "earned_via": "self-paced",
                    "issued_at": issued,
                    "expires_at": issued + timedelta(days=1095),
                    "status_index": indexes[i],
                    "include_name": False,
                    "revoked_at": now if i % 50 == 0 else None,
                }
            )
        for start in range(0, count, 2000):
            db.session.execute(insert(Certificate), rows[start : start + 2000])
        db.session.commit()
        db.engine.dispose()
    return keys


def lua_script(folder: Path, name: str, prefix: str, codes: list[str]) -> Path:
    """Write a wrk script that cycles through codes under a path prefix."""
    listing = ",".join(json.dumps(code) for code in codes)
    path = folder / f"{name}.lua"
    path.write_text(
        f"local codes = {{{listing}}}\nlocal i = 0\n"
        f"request = function()\n  i = i + 1\n"
        f"  return wrk.format('GET', '{prefix}' .. codes[(i % #codes) + 1])\nend\n"
    )
    return path


def wrk(url: str, seconds: int, script: Path | None = None) -> float:
    """Run wrk on url (with a Lua script that picks the paths, if given); return requests per second."""
    return run_wrk(url, seconds, ["-s", str(script)] if script else None)


def bulk_time(url: str, codes: list[str], repeat: int = 10) -> float:
    """Return the median seconds to verify 1,000 codes in one request."""
    body = json.dumps({"codes": codes}).encode()
    times = []
    for _ in range(repeat):
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})  # noqa: S310
        began = time.perf_counter()
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (local bench server)
            results = json.loads(response.read())["results"]
        times.append(time.perf_counter() - began)
        assert len(results) == len(codes)
    return statistics.median(times)


def measure(routes: dict, seconds: int, rounds: int) -> dict[str, list[float]]:
    """Run every route once per round, in a fresh random order (drift and neighbours hit all alike)."""
    for url, script in routes.values():
        wrk(url, 2, script)  # warm-up: imports, connections, caches
    figures: dict[str, list[float]] = {name: [] for name in routes}
    for _ in range(rounds):
        for name in random.sample(list(routes), len(routes)):
            url, script = routes[name]
            figures[name].append(wrk(url, seconds, script))
    return figures


def paired_ratio(figures: dict[str, list[float]], top: str, bottom: str) -> float:
    """Return the median over rounds of top/bottom measured in the same round."""
    return statistics.median(a / b for a, b in zip(figures[top], figures[bottom], strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    tmp = Path(tempfile.mkdtemp(prefix="academy-bench-"))
    instance = tmp / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        f"SECRET_KEY = {secrets.token_urlsafe(32)!r}\n"
        "ACADEMY_API_RATE_LIMIT = '100000000 per minute'  # the limiter stays in the path, never trips\n"
    )
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    print(f"building {args.certificates:,} certificates in {url.split('@')[-1]} ...", flush=True)
    keys = build_database(url, instance, args.certificates)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ACADEMY_INSTANCE_PATH": str(instance),
        "ACADEMY_PUBLIC_URL": "http://bench",
    }
    app_port, base_port = free_port(), free_port()
    servers = [
        start_gunicorn(["-b", f"127.0.0.1:{app_port}", "academy:create_app()"], env),
        start_gunicorn(["-b", f"127.0.0.1:{base_port}", "--chdir", str(ROOT / "bench"), "baseline_app:app"], env),
    ]
    try:
        wait_ready(f"http://127.0.0.1:{app_port}/healthz")
        wait_ready(f"http://127.0.0.1:{base_port}/bare")
        run(args, tmp, keys, app_port, base_port)
    finally:
        stop(servers)
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp: Path, keys: list[str], app_port: int, base_port: int) -> None:
    from academy.certificates import codes

    sample = random.sample(keys, min(2000, len(keys)))
    app, base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{base_port}"
    routes = {
        "bare Flask route": (f"{base}/bare", None),
        "one indexed SELECT": (base, lua_script(tmp, "select", "/select/", sample)),
        "academy /healthz": (f"{app}/healthz", None),
        "verify API": (
            app,
            lua_script(tmp, "verify", "/api/v1/certificates/", [codes.group(k) for k in sample]),
        ),
    }
    print(
        f"wrk -t1 -c4, {args.rounds} rounds x {args.seconds}s per route, gunicorn 2 sync workers each, "
        f"{os.cpu_count()} CPU(s)",
        flush=True,
    )
    figures = measure(routes, args.seconds, args.rounds)
    for name, values in figures.items():
        print(
            f"  {name:<20} {statistics.median(values):9.1f} req/s (median; rounds: "
            f"{', '.join(f'{v:.0f}' for v in values)})"
        )
    ratio = paired_ratio(figures, "verify API", "one indexed SELECT")
    verdict = "met" if ratio >= TARGET else "MISSED"
    print(f"verify API / one SELECT = {ratio:.2f}x  (target >= {TARGET}x: {verdict}; median of round ratios)")
    print(f"verify API / bare Flask = {paired_ratio(figures, 'verify API', 'bare Flask route'):.2f}x")
    print(f"verify API / academy /healthz = {paired_ratio(figures, 'verify API', 'academy /healthz'):.2f}x")
    print(
        f"academy /healthz (SELECT 1 through every app-wide hook) / one SELECT = "
        f"{paired_ratio(figures, 'academy /healthz', 'one indexed SELECT'):.2f}x"
    )
    bulk = random.sample(keys, 990) + [codes.new_code() for _ in range(10)]
    print(
        f"bulk verify of 1,000 codes: {bulk_time(f'{app}/api/v1/certificates/verify', bulk) * 1000:.0f} ms "
        f"median per request (one SELECT for all codes)"
    )


if __name__ == "__main__":
    main()
