"""A room of attendees checking in at once, against gunicorn, on SQLite and on PostgreSQL.

    .venv/bin/python bench/checkin_load.py [--attendees 500] [--seconds 5] [--workers 4] [--threads 64]
                                           [--databases sqlite,postgresql] [--pg-url URL] [--double-tap 0.1]

For each database: builds a throw-away database (create_all) with N signed-in attendees (their session
cookies are signed in advance, as if each had signed in on their phone before the session) and sessions
running now, serves the academy with gunicorn (several sync workers), then starts N attendees spread evenly
over the given seconds. A phone does three requests: it opens the QR code's address (the code computed at
that moment, like reading the screen), follows the redirect to the confirm page, and taps "Check me in"
(a POST with CSRF).
Two runs, each on its own session:
  taps:  everyone has scanned and opened the confirm page; then all N tap within the window (the target);
  flows: all N scan, open and tap, each flow starting within the window (three times the requests).
A share of attendees double-tap: the POST is sent twice at the same moment (the unique constraint must hold).
Prints lost and duplicated check-ins (target 0 and 0), p50/p99 latency of the tap (target p99 < 300 ms) and of
the whole flow, against a baseline measured in the same run: GET /healthz at the same arrival rate.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
SECRET = "bench-checkin-secret-key"
RUNS = ("taps", "flows")
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_sessions"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)" name="csrf_token"|'
                  r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_pg_database(url: str) -> None:
    """Create the benchmark's own PostgreSQL database if it is missing."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    admin = f"host={parsed.host} port={parsed.port or 5432} user={parsed.username} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if found is None:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')


def build(url: str, instance: Path, attendees: int) -> dict:
    """Create the schema, the attendees, a trainer and a session running now; sign each attendee's cookie."""
    from sqlalchemy import insert, select

    from academy import create_app
    from academy.accounts.models import User
    from academy.database import utcnow
    from academy.extensions import db
    from academy.sessions.models import TrainingSession

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": SECRET})
    with app.app_context():
        import academy.models  # noqa: F401

        db.drop_all()
        db.create_all()  # a throw-away benchmark database; the app itself uses migrations
        rows = [{"email": f"attendee{i}@bench.test", "name": f"Attendee {i}", "role": "trainee",
                 "sector": "law-enforcement", "subrole": "police", "credential_salt": f"{i:032x}",
                 "created_at": utcnow()} for i in range(attendees)]
        db.session.execute(insert(User), rows)
        trainer = User(email="trainer@bench.test", name="Bench Trainer", role="trainer")
        db.session.add(trainer)
        now = utcnow()
        sessions = [TrainingSession(course_slug="foundation", title=f"Bench session {run}",
                                    starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=2),
                                    place="Bench hall", capacity=attendees - 50, trainers=[trainer])
                    for run in RUNS]
        db.session.add_all(sessions)
        db.session.commit()
        from academy.accounts import signin

        people = list(db.session.scalars(select(User).where(User.role == "trainee").order_by(User.id)))
        ids = [person.id for person in people]
        tokens = [signin.start(person) for person in people]  # one sign-in each, as on their phones
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)
        cookies = [serializer.dumps({"_user_id": f"{uid}:{token}", "_fresh": False})
                   for uid, token in zip(ids, tokens, strict=True)]
        info = {"sessions": {run: (s.id, s.secret) for run, s in zip(RUNS, sessions, strict=True)},
                "user_ids": ids, "cookies": cookies}
        db.engine.dispose()
    return info


def count_rows(url: str, instance: Path, session_id: int) -> dict:
    """Read back what the database holds after the run."""
    from sqlalchemy import func, select

    from academy import create_app
    from academy.extensions import db
    from academy.sessions.models import Attendance

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": SECRET})
    with app.app_context():
        where = Attendance.session_id == session_id
        result = {
            "rows": db.session.scalar(select(func.count(Attendance.id)).where(where)),
            "users": set(db.session.scalars(select(Attendance.user_id).where(where))),
            "flagged": db.session.scalar(select(func.count(Attendance.id))
                                         .where(where, Attendance.over_capacity)),
        }
        db.engine.dispose()
    return result


class Server:
    """gunicorn serving the academy on a free port."""

    def __init__(self, url: str, instance: Path, workers: int, limits: str = "memory://"):
        self.port = free_port()
        # Each run counts its own limits: session ids repeat from one database to the next, and Redis keeps counts.
        (instance / "config.py").write_text(f"RATELIMIT_KEY_PREFIX = {instance.name!r}\n")
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "RATELIMIT_STORAGE_URI": limits,
               "ACADEMY_INSTANCE_PATH": str(instance), "ACADEMY_PUBLIC_URL": f"http://127.0.0.1:{self.port}"}
        self.log = open(instance / "gunicorn.log", "w")  # noqa: SIM115  (closed in stop())
        self.proc = subprocess.Popen(
            [GUNICORN, "-w", str(workers), "-k", "sync", "-b", f"127.0.0.1:{self.port}", "--backlog", "2048",
             "--log-level", "warning", "academy:create_app()"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if request(self.port, "GET", "/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {instance / 'gunicorn.log'}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers (Linux /proc): comparable under any load."""
        pids = [self.proc.pid]
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@dataclass
class Reply:
    status: int
    body: str
    location: str
    cookie: str | None
    seconds: float


def request(port: int, method: str, path: str, cookie: str | None = None, body: str | None = None) -> Reply:
    """One HTTP request on a fresh connection (gunicorn's sync workers close it anyway)."""
    headers = {"Host": f"127.0.0.1:{port}", "Connection": "close"}
    if cookie:
        headers["Cookie"] = f"session={cookie}"
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read().decode("utf-8", "replace")
        new_cookie = None
        for header in response.headers.get_all("Set-Cookie") or []:
            parsed = SimpleCookie(header)
            if "session" in parsed:
                new_cookie = parsed["session"].value
        return Reply(response.status, data, response.headers.get("Location", ""), new_cookie,
                     time.perf_counter() - started)
    finally:
        conn.close()


@dataclass
class Outcome:
    ok: bool = False
    error: str = ""
    tap: list[float] = field(default_factory=list)
    flow: float = 0.0


@dataclass
class Ticket:
    """What a phone holds after scanning: its cookie, the confirm page's path and its form."""

    cookie: str
    path: str
    form: str
    error: str = ""


def scan_and_open(port: int, session: tuple[int, str], cookie: str) -> Ticket:
    """Open the QR code's address (computed now, like reading the screen), then the confirm page."""
    from urllib.parse import quote, urlsplit

    from academy.sessions import codes

    session_id, secret = session
    token = codes.code_at(secret, session_id, time.time())[0]
    scanned = request(port, "GET", f"/checkin/{session_id}/{token}", cookie)
    if scanned.status != 302 or "/checkin/t/" not in scanned.location:
        return Ticket(cookie, "", "", f"scan {scanned.status}")
    cookie = scanned.cookie or cookie
    path = urlsplit(scanned.location).path
    page = request(port, "GET", path, cookie)
    match = CSRF.search(page.body)
    if page.status != 200 or not match:
        return Ticket(cookie, path, "", f"confirm {page.status}")
    return Ticket(page.cookie or cookie, path, "csrf_token=" + quote(next(g for g in match.groups() if g)))


def tap(port: int, session_id: int, ticket: Ticket, double_tap: bool, out: Outcome) -> Outcome:
    """Tap "Check me in" (twice at the same moment for a double-tapper)."""
    one = lambda: request(port, "POST", ticket.path, ticket.cookie, ticket.form)  # noqa: E731
    calls = [one] * (2 if double_tap else 1)
    replies = _parallel(calls)
    out.tap = [r.seconds for r in replies]
    good = [r for r in replies if r.status == 302 and f"/checkin/done/{session_id}" in r.location]
    out.ok = len(good) == len(replies)
    out.error = "" if out.ok else f"tap {[r.status for r in replies]}"
    return out


def at(moment: float, fn, *args):
    """Call fn at a moment of time.perf_counter(), counting a network error as a failed outcome."""
    time.sleep(max(0.0, moment - time.perf_counter()))
    try:
        return fn(*args)
    except OSError as exc:
        return Outcome(error=f"{type(exc).__name__}: {exc}")


def _parallel(calls) -> list[Reply]:
    if len(calls) == 1:
        return [calls[0]()]
    results: list[Reply | None] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i):
        barrier.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results  # type: ignore[return-value]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def spread(pool, n: int, seconds: float, fn) -> tuple[list, float]:
    """Start fn(i) for i in 0..n-1 evenly over the seconds; return the results and the wall time."""
    t0 = time.perf_counter() + 0.3
    futures = [pool.submit(at, t0 + i * seconds / n, fn, i) for i in range(n)]
    results = [f.result() for f in futures]
    return results, time.perf_counter() - t0


def run_taps(pool, server: Server, info: dict, args, doubles: set[int]) -> dict:
    """Everyone has scanned and opened the confirm page; then all of them tap within the seconds."""
    session, port = info["sessions"]["taps"], server.port
    began = time.perf_counter()
    tickets = list(pool.map(lambda i: scan_and_open(port, session, info["cookies"][i]),
                            range(args.attendees)))
    prepared = time.perf_counter() - began
    cpu = server.cpu_seconds()
    results, wall = spread(pool, args.attendees, args.seconds, lambda i: (
        tap(port, session[0], tickets[i], i in doubles, Outcome()) if not tickets[i].error
        else Outcome(error=tickets[i].error)))
    return {"outcomes": results, "wall": wall, "prepared": prepared, "cpu": server.cpu_seconds() - cpu}


def run_flows(pool, port: int, info: dict, args, doubles: set[int]) -> dict:
    """Each attendee scans, opens the confirm page and taps, all of them starting within the seconds."""
    session = info["sessions"]["flows"]

    def flow(i):
        began = time.perf_counter()
        ticket = scan_and_open(port, session, info["cookies"][i])
        if ticket.error:
            return Outcome(error=ticket.error)
        out = tap(port, session[0], ticket, i in doubles, Outcome())
        out.flow = time.perf_counter() - began
        return out

    results, wall = spread(pool, args.attendees, args.seconds, flow)
    return {"outcomes": results, "wall": wall}


def baseline(pool, port: int, args) -> list[float]:
    """GET /healthz at the same arrival rate: what the server and this client cost for no work."""
    results, _ = spread(pool, args.attendees, args.seconds,
                        lambda i: request(port, "GET", "/healthz").seconds)
    return [r for r in results if isinstance(r, float)]


def run_database(name: str, url: str, args) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"checkin-bench-{name}-") as tmp:
        instance = Path(tmp)
        info = build(url, instance, args.attendees)
        server = Server(url, instance, args.workers, args.limits)
        doubles = {i for i in range(args.attendees) if (i * 7919) % 100 < args.double_tap * 100}
        try:
            with ThreadPoolExecutor(args.threads) as pool:
                cpu = server.cpu_seconds()
                base = baseline(pool, server.port, args)
                base_cpu = server.cpu_seconds() - cpu
                runs = {"taps": run_taps(pool, server, info, args, doubles)}
                cpu = server.cpu_seconds()
                runs["flows"] = run_flows(pool, server.port, info, args, doubles)
                runs["flows"]["cpu"] = server.cpu_seconds() - cpu
        finally:
            server.stop()
        for run, result in runs.items():
            result["rows"] = count_rows(url, instance, info["sessions"][run][0])
    return {"name": name, "base": base, "base_cpu": base_cpu, "runs": runs, "expected": set(info["user_ids"]),
            "doubles": len(doubles), "capacity": args.attendees - 50}


def report(result: dict) -> bool:
    """Print one database's figures; return True if a target was missed."""
    base_p50, base_p99 = pct(result["base"], 50), pct(result["base"], 99)
    print(f"\n== {result['name']}  (baseline GET /healthz at the same rate: p50 {base_p50:.1f} ms, "
          f"p99 {base_p99:.1f} ms, server CPU {result['base_cpu'] * 1000 / len(result['base']):.1f} ms each)")
    missed = False
    for run, data in result["runs"].items():
        outcomes, rows = data["outcomes"], data["rows"]
        taps = [t for o in outcomes for t in o.tap]
        failed = [o.error for o in outcomes if not o.ok]
        lost = len(result["expected"] - rows["users"])
        duplicated = rows["rows"] - len(rows["users"])
        title = ("all scanned beforehand, then every tap within the window" if run == "taps"
                 else "scan + confirm page + tap, every flow starting within the window")
        print(f"  -- {run}: {title}")
        if "prepared" in data:
            print(f"     scans + confirm pages beforehand (not counted below): {len(outcomes)} in "
                  f"{data['prepared']:.1f} s")
        per_person = data["cpu"] * 1000 / len(outcomes)
        print(f"     server CPU {data['cpu']:.1f} s = {per_person:.1f} ms per attendee "
              f"({per_person / (result['base_cpu'] * 1000 / len(result['base'])):.1f}x a /healthz)")
        print(f"     {len(outcomes)} attendees ({result['doubles']} double-tapping), last answer after "
              f"{data['wall']:.2f} s")
        print(f"     lost {lost}, duplicated {duplicated} (targets 0 and 0); failed flows {len(failed)} "
              f"{sorted(set(failed))[:4] if failed else ''}")
        print(f"     over capacity: {rows['flagged']} flagged (expected "
              f"{max(0, len(rows['users']) - result['capacity'])})")
        print(f"     tap p50 {pct(taps, 50):6.1f} ms  p99 {pct(taps, 99):6.1f} ms  (target p99 < 300 ms)  "
              f"= {pct(taps, 50) / base_p50:.1f}x / {pct(taps, 99) / base_p99:.1f}x the baseline")
        if run == "flows":
            flows = [o.flow for o in outcomes if o.ok]
            print(f"     whole flow p50 {pct(flows, 50):6.1f} ms  p99 {pct(flows, 99):6.1f} ms")
        missed |= lost > 0 or duplicated > 0 or (run == "taps" and not pct(taps, 99) < 300)
    return missed


def default_limits_storage() -> str:
    """Rate-limit counters as production keeps them (docs/deploy.md): in Redis when one answers here."""
    if os.environ.get("RATELIMIT_STORAGE_URI"):
        return os.environ["RATELIMIT_STORAGE_URI"]
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            if sock.recv(16).startswith(b"+PONG"):
                return "redis://127.0.0.1:6379/15"
    except OSError:
        pass
    return "memory://"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attendees", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--double-tap", type=float, default=0.1,
                        help="share of attendees who tap twice at once")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--limits", default=None,
                        help="rate-limit storage (default: Redis on 127.0.0.1:6379/15 if it answers, else memory://, "
                             "which is per worker and starts a timer thread on many requests)")
    args = parser.parse_args()
    args.limits = args.limits or default_limits_storage()
    print(f"{args.attendees} attendees over {args.seconds:g} s, gunicorn {args.workers} sync workers, "
          f"{args.threads} client threads, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
          f"rate limits in {args.limits}")
    missed = False
    for name in args.databases.split(","):
        if name == "postgresql":
            ensure_pg_database(args.pg_url)
            url = args.pg_url
        else:
            url = "sqlite:///" + str(Path(tempfile.mkdtemp(prefix="checkin-bench-")) / "bench.sqlite3")
        missed |= report(run_database(name, url, args))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
