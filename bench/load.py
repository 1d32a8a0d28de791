"""The main pages, verification and check-in at once, under gunicorn on PostgreSQL: throughput and errors.

    .venv/bin/python bench/load.py [--seconds 20] [--workers 4] [--connections 4] [--pg-url URL]

Builds its own PostgreSQL database (dropped and re-made each run) with the demo data (`academy demo`), serves
the academy with gunicorn (sync workers; rate limits on, in Redis when 127.0.0.1:6379 answers, set high enough
not to refuse the benchmark), measures a baseline (GET /healthz alone), then drives at the same time with wrk:
the home page, the catalogue, a lesson page signed in, /verify/<code>, the verify API (one code, and bulk of
50), while Python threads check in like phones (scan the QR address computed at that moment, open the ticket).
Prints requests, throughput and error rate per endpoint (target: 0 errors) and the mix's total against the
baseline.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
SECRET = "bench-load-secret-key"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_load"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
HIGH = "1000000 per minute"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def fresh_pg_database(url: str) -> None:
    """Drop and create the benchmark's own database."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = f"host={parsed.host} port={parsed.port or 5432} user={parsed.username} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parsed.database}"')


def write_instance(instance: Path, port: int) -> dict:
    """Write the instance config the app and gunicorn share; return the environment to run them in."""
    storage = "redis://127.0.0.1:6379/14" if redis_up() else "memory://"
    (instance / "config.py").write_text(
        f"SECRET_KEY = {SECRET!r}\nRATELIMIT_STORAGE_URI = {storage!r}\nRATELIMIT_KEY_PREFIX = 'bench-load'\n"
        f"ACADEMY_VERIFY_RATE_LIMIT = {HIGH!r}\nACADEMY_API_RATE_LIMIT = {HIGH!r}\n")
    return {"storage": storage}


def build(url: str, instance: Path, port: int) -> dict:
    """Create the schema and the demo data; return what the clients need (codes, lesson, session)."""
    from sqlalchemy import select

    from academy import cli, create_app, demo
    from academy.certificates import codes
    from academy.certificates.models import Certificate
    from academy.courses.catalog import curriculum
    from academy.extensions import db
    from academy.sessions.models import TrainingSession

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance),
                      "ACADEMY_PUBLIC_URL": f"http://127.0.0.1:{port}"})
    with app.app_context():
        if any((ROOT / "academy" / "migrations" / "versions").glob("*.py")):
            cli.run_init(app)
        else:  # no migration yet: the benchmark's throw-away database is made from the models
            import academy.models  # noqa: F401
            from academy.certificates.service import init_keys
            from academy.courses.service import sync_catalog

            db.create_all()
            init_keys(app)
            sync_catalog()
        demo.populate()
        now = time.time()
        valid = [c for c in db.session.scalars(select(Certificate)) if c.status() == "valid"]
        scheduled = db.session.scalars(select(TrainingSession).where(TrainingSession.status == "scheduled"))
        running = [s for s in scheduled if s.starts_at.timestamp() - 1800 <= now <= s.ends_at.timestamp()]
        course = next(iter(curriculum().courses.values()))
        info = {"code": codes.group(valid[0].code), "codes": [codes.group(c.code) for c in valid],
                "lesson": f"/courses/{course.slug}/lessons/{course.lessons[0].slug}",
                "session": (running[0].id, running[0].secret) if running else None}
        db.engine.dispose()
    return info


class Server:
    """gunicorn serving the academy on a port."""

    def __init__(self, url: str, instance: Path, port: int, workers: int):
        self.port = port
        env = {**os.environ, "DATABASE_URL": url, "ACADEMY_INSTANCE_PATH": str(instance),
               "ACADEMY_PUBLIC_URL": f"http://127.0.0.1:{port}"}
        self.log = open(instance / "gunicorn.log", "w")  # noqa: SIM115  (closed in stop())
        self.proc = subprocess.Popen(
            [GUNICORN, "-w", str(workers), "-k", "sync", "-b", f"127.0.0.1:{port}", "--backlog", "2048",
             "--log-level", "warning", "academy:create_app()"], cwd=ROOT, env=env, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if get(port, "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not start; see {instance / 'gunicorn.log'}")

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def get(port: int, path: str, cookie: str = "", conn=None) -> tuple[int, dict, str]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    if own:
        conn.close()
    return response.status, dict(response.getheaders()), body


def cookie_of(headers: dict) -> str:
    return (headers.get("Set-Cookie") or "").split(";")[0]


def sign_in(port: int, email: str, password: str) -> str:
    """Sign in through the form (CSRF on) and return the session cookie."""
    status, headers, body = get(port, "/login")
    token, cookie = CSRF.search(body).group(1), cookie_of(headers)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    form = f"email={email}&password={password}&csrf_token={token}"
    conn.request("POST", "/login", body=form, headers={"Cookie": cookie,
                                                       "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    assert response.status == 302, f"sign-in failed: {response.status}"
    return cookie_of(dict(response.getheaders())) or cookie


def wrk(url: str, seconds: int, connections: int, script: Path | None = None,
        cookie: str = "") -> subprocess.Popen:
    """Start wrk on one URL (30 s timeout: slowness shows in the latency, not as errors)."""
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s", "--latency",
               url]
    if script:
        command += ["-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def parse_wrk(output: str) -> dict:
    total = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output)
    kinds = (f"{bad.group(1) if bad else 0} 4xx/5xx, socket errors {sockets.groups() if sockets else 0}"
             if errors else "")
    return {"requests": total, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "errors": errors, "p99": (p99.group(1) if p99 else "?") + (f"  ({kinds})" if kinds else "")}


def checkin_phones(port: int, session: tuple[int, str], seconds: int, threads: int) -> dict:
    """Phones scanning the code on screen (computed at that moment) and opening their ticket page."""
    from academy.sessions import codes

    session_id, secret = session
    stats = {"requests": 0, "errors": 0, "latencies": []}
    lock, stop = threading.Lock(), time.time() + seconds

    def phone() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.time() < stop:
            token = codes.code_at(secret, session_id, time.time())[0]
            started = time.perf_counter()
            status, headers, _ = get(port, f"/checkin/{session_id}/{token}", conn=conn)
            ok = status == 302 and "/checkin/t/" in headers.get("Location", "")
            if ok:
                location = "/checkin/t/" + headers["Location"].split("/checkin/t/", 1)[1]
                ok = get(port, location, cookie_of(headers), conn=conn)[0] == 200
            with lock:
                stats["requests"] += 2
                stats["errors"] += 0 if ok else 1
                stats["latencies"].append(time.perf_counter() - started)
        conn.close()

    workers = [threading.Thread(target=phone) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    latencies = sorted(stats["latencies"]) or [0.0]
    return {"requests": stats["requests"], "rps": stats["requests"] / seconds, "errors": stats["errors"],
            "p99": f"{latencies[int(len(latencies) * 0.99) - 1] * 1000:.0f}ms (scan+ticket)"}


def lua_bulk(folder: Path, codes: list[str]) -> Path:
    body = json.dumps({"codes": (codes * 50)[:40] + [f"NOPE-{i}" for i in range(10)]})
    script = folder / "bulk.lua"
    script.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
                      'wrk.headers["Content-Type"] = "application/json"\n')
    return script


def run(args) -> None:
    for tool in ("wrk",):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed: apt-get install {tool}")
    fresh_pg_database(args.pg_url)
    instance = Path(tempfile.mkdtemp(prefix="academy-load-"))
    port = free_port()
    setup = write_instance(instance, port)
    info = build(args.pg_url, instance, port)
    server = Server(args.pg_url, instance, port, args.workers)
    try:
        base = f"http://127.0.0.1:{port}"
        cookie = sign_in(port, "trainee@demo.academy", "demo-password-1")
        baseline = parse_wrk(wrk(f"{base}/healthz", args.seconds // 2, args.connections * 2).communicate()[0])
        targets = {"home /": (f"{base}/", None, ""), "catalogue /courses": (f"{base}/courses", None, ""),
                   "lesson (signed in)": (base + info["lesson"], None, cookie),
                   "verify page /verify/<code>": (f"{base}/verify/{info['code']}", None, ""),
                   "verify API GET": (f"{base}/api/v1/certificates/{info['code']}", None, ""),
                   "verify API bulk (50 codes)": (f"{base}/api/v1/certificates/verify",
                                                  lua_bulk(instance, info["codes"]), "")}
        running = {name: wrk(url, args.seconds, args.connections, script, c)
                   for name, (url, script, c) in targets.items()}
        results = {}
        if info["session"]:
            results["check-in (phones)"] = checkin_phones(port, info["session"], args.seconds,
                                                          args.connections)
        for name, proc in running.items():
            results[name] = parse_wrk(proc.communicate()[0])
    finally:
        server.stop()
        log = (instance / "gunicorn.log").read_text().splitlines()
        problems = [line for line in log if "INFO" not in line]
        print("\n".join(["gunicorn log:", *problems[-20:]]) if problems else "gunicorn log: clean")
        shutil.rmtree(instance, ignore_errors=True)
    report(args, setup, baseline, results)
    fresh_pg_database(args.pg_url)  # leave the benchmark's database empty


def report(args, setup: dict, baseline: dict, results: dict) -> None:
    print(f"\ngunicorn {args.workers} sync workers on PostgreSQL, rate limits in {setup['storage']}; "
          f"all endpoints at once for {args.seconds}s, {args.connections} connections each, "
          f"{os.cpu_count()} CPUs")
    print(f"baseline GET /healthz alone: {baseline['rps']:.0f} req/s, {baseline['errors']} errors\n")
    print(f"{'endpoint':30} {'requests':>9} {'req/s':>8} {'errors':>7} {'error rate':>10}  p99")
    total = errors = 0
    for name, r in results.items():
        total, errors = total + r["requests"], errors + r["errors"]
        rate = r["errors"] / r["requests"] if r["requests"] else 0.0
        print(f"{name:30} {r['requests']:9d} {r['rps']:8.1f} {r['errors']:7d} {rate:10.2%}  {r['p99']}")
    mix = sum(r["rps"] for r in results.values())
    print(f"\n{'all at once':30} {total:9d} {mix:8.1f} {errors:7d} {errors / max(total, 1):10.2%}")
    print(f"mix throughput / healthz baseline: {mix / baseline['rps']:.2f}x   (target: 0 errors)")
    if errors:
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=4, help="per endpoint")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
    run(parser.parse_args())


if __name__ == "__main__":
    main()
